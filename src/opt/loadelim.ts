/**
 * Pass `loadelim`: redundant load elimination and store-to-load forwarding
 * within a block.
 *
 * Pipeline position: -O2, after `gvn` (so equal addresses are the same value).
 *
 * Within one block, a table maps a *location* (load opcode, type, address
 * value, offset) to the value known to be there:
 *  - after `v = load.T p+8`, a second `load.T p+8` becomes v;
 *  - after `store.T x, p+8` (x of type T, not truncating), `load.T p+8` becomes x.
 * Any store or call may write any location (different address values may
 * alias), so it empties the table (a store then records its own location).
 * Traps are kept: the replaced load reads a location that the earlier load or
 * store, in the same block, already accessed successfully.
 */
import { Inst, NONE } from '../ir/function.js';
import { OPCODES, OpFlags, Opcode } from '../ir/opcodes.js';
import { FuncContext } from './context.js';

/** Runs load elimination; returns true when anything changed. */
export function loadElimPass(ctx: FuncContext): boolean {
  const f = ctx.f;
  ctx.beginPass();
  let size = 16;
  while (size < f.instCount * 2) size *= 2;
  const mask = size - 1;
  const buckets = new Int32Array(size).fill(NONE);
  const next = new Int32Array(f.instCount).fill(NONE);
  const used = new Int32Array(f.instCount);
  let nUsed = 0;
  const pool = f.pool;
  let changed = false;

  // A store's location is written as the plain load of its type.
  const locOp = (i: number): number => (f.instOpcode[i] === Opcode.Store ? Opcode.Load : f.instOpcode[i]!);
  const locAddr = (i: number): number => pool[f.instArgStart[i]! + (f.instOpcode[i] === Opcode.Store ? 1 : 0)]!;
  const hash = (op: number, type: number, addr: number, off: number): number => {
    const h = Math.imul(op + 7, 0x9e3779b1) ^ Math.imul(type + 3, 0x85ebca6b) ^ Math.imul(addr, 0xc2b2ae35) ^ Math.imul(off, 0x27d4eb2f);
    return (h ^ (h >>> 15)) & mask;
  };
  const clear = (): void => {
    while (nUsed > 0) buckets[used[--nUsed]!] = NONE;
  };
  const insert = (i: number, h: number): void => {
    if (buckets[h] === NONE) used[nUsed++] = h;
    next[i] = buckets[h]!;
    buckets[h] = i;
  };

  for (let b = f.firstBlock; b !== NONE; b = f.blockNext[b]!) {
    clear();
    for (let i = f.blockFirst[b]!; i !== NONE;) {
      const nx = f.instNext[i]!;
      const op = f.instOpcode[i] as Opcode;
      const flags = OPCODES[op]!.flags;
      if ((flags & OpFlags.MemRead) !== 0 && (flags & OpFlags.Call) === 0) {
        ctx.resolveArgs(i as Inst);
        const type = f.instType[i]!, addr = locAddr(i), off = f.instImm[i]!;
        const h = hash(op, type, addr, off);
        let e = buckets[h]!;
        while (e !== NONE && !(locOp(e) === op && f.instType[e] === type && locAddr(e) === addr && f.instImm[e] === off)) e = next[e]!;
        if (e !== NONE) {
          const known = f.instOpcode[e] === Opcode.Store ? f.arg(e as Inst, 0) : f.result(e as Inst, 0);
          ctx.setAlias(f.result(i as Inst, 0), known);
          f.removeInst(i as Inst);
          changed = true;
        } else {
          insert(i, h);
        }
      } else if ((flags & (OpFlags.MemWrite | OpFlags.Call)) !== 0) {
        clear();
        if (op === Opcode.Store) {
          ctx.resolveArgs(i as Inst);
          if (f.typeOf(f.arg(i as Inst, 0)) === f.instType[i]) {
            insert(i, hash(Opcode.Load, f.instType[i]!, locAddr(i), f.instImm[i]!));
          }
        }
      }
      i = nx;
    }
  }
  ctx.commitAliases();
  return changed;
}
