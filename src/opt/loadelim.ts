/**
 * Pass `loadelim`: redundant load elimination and store-to-load forwarding
 * along extended basic blocks.
 *
 * Pipeline position: -O2, after `gvn` (so equal addresses are the same value).
 *
 * Terms:
 *  - *location*: (load opcode, type, address value, offset);
 *  - *memory epoch*: a number naming "the state of memory since the last store
 *    or call on this path". A table entry is usable only while the current
 *    epoch equals the one it was recorded in.
 *
 * The dominator tree is walked in preorder with a scoped table (as in `gvn`).
 * A block with a single predecessor continues the epoch its predecessor ended
 * with (every path to it runs through that block); any other block starts a
 * fresh epoch. Any store or call may write any location (different address
 * values may alias), so it starts a fresh epoch; a store then records its own
 * location. Within one epoch:
 *  - after `v = load.T p+8`, a second `load.T p+8` becomes v;
 *  - after `store.T x, p+8` (x of type T, not truncating), `load.T p+8` becomes x.
 * Traps are kept: the replaced load reads a location that an earlier load or
 * store on every path to it already accessed successfully.
 */
import { Inst, NONE } from '../ir/function.js';
import { OPCODES, OpFlags, Opcode } from '../ir/opcodes.js';
import { FuncContext, Scratch } from './context.js';

/** Runs load elimination; returns true when anything changed. */
export function loadElimPass(ctx: FuncContext): boolean {
  const f = ctx.f;
  ctx.beginPass();
  ctx.ensureDominators();
  const table = ctx.scopedTable();
  const mask = table.mask;
  const epochOf = ctx.i32(Scratch.LoadElimEpoch, f.instCount, 0);
  const endEpoch = ctx.i32(Scratch.LoadElimEndEpoch, f.blockCount, 0);
  let epochs = 0;
  const pool = f.pool;
  let changed = false;

  // A store's location is written as the plain load of its type.
  const locOp = (i: number): number => (f.instOpcode[i] === Opcode.Store ? Opcode.Load : f.instOpcode[i]!);
  const locAddr = (i: number): number => pool[f.instArgStart[i]! + (f.instOpcode[i] === Opcode.Store ? 1 : 0)]!;
  const hash = (op: number, type: number, addr: number, off: number): number => {
    const h = Math.imul(op + 7, 0x9e3779b1) ^ Math.imul(type + 3, 0x85ebca6b) ^ Math.imul(addr, 0xc2b2ae35) ^ Math.imul(off, 0x27d4eb2f);
    return (h ^ (h >>> 15)) & mask;
  };
  const insert = (i: number, h: number, epoch: number): void => {
    table.insert(i, h);
    epochOf[i] = epoch;
  };

  const visit = (b: number): void => {
    const single = ctx.predCount(b) === 1 && ctx.rpoIndex[ctx.predBlock[ctx.predStart[b]!]!]! >= 0;
    let epoch = single ? endEpoch[ctx.idom[b]!]! : ++epochs;
    for (let i = f.blockFirst[b]!; i !== NONE;) {
      const nx = f.instNext[i]!;
      const op = f.instOpcode[i] as Opcode;
      const flags = OPCODES[op]!.flags;
      if ((flags & OpFlags.MemRead) !== 0 && (flags & OpFlags.Call) === 0) {
        ctx.resolveArgs(i as Inst);
        const type = f.instType[i]!, addr = locAddr(i), off = f.instImm[i]!;
        const h = hash(op, type, addr, off);
        let e = table.first(h);
        while (e !== NONE && !(epochOf[e] === epoch && locOp(e) === op && f.instType[e] === type && locAddr(e) === addr && f.instImm[e] === off)) e = table.next[e]!;
        if (e !== NONE) {
          const known = f.instOpcode[e] === Opcode.Store ? f.arg(e as Inst, 0) : f.result(e as Inst, 0);
          ctx.setAlias(f.result(i as Inst, 0), known);
          f.removeInst(i as Inst);
          changed = true;
        } else {
          insert(i, h, epoch);
        }
      } else if ((flags & (OpFlags.MemWrite | OpFlags.Call)) !== 0) {
        epoch = ++epochs;
        if (op === Opcode.Store) {
          ctx.resolveArgs(i as Inst);
          if (f.typeOf(f.arg(i as Inst, 0)) === f.instType[i]) {
            insert(i, hash(Opcode.Load, f.instType[i]!, locAddr(i), f.instImm[i]!), epoch);
          }
        }
      }
      i = nx;
    }
    endEpoch[b] = epoch;
  };

  // Dominator-tree preorder; a single-predecessor block's predecessor is its idom.
  table.walk(ctx, visit);
  ctx.commitAliases();
  return changed;
}
