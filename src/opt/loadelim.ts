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
import { Func, Inst, NONE } from '../ir/function.js';
import { OPCODES, OpFlags, Opcode, isLoad } from '../ir/opcodes.js';
import { FuncContext, Scratch } from './context.js';
import type { ScopedInstTable } from './scoped-table.js';

/** A store's location is written as the plain load of its type. */
function locOp(f: Func, i: number): number {
  return f.instOpcode[i] === Opcode.Store ? Opcode.Load : f.instOpcode[i]!;
}
function locAddr(f: Func, i: number): number {
  return f.pool[f.instArgStart[i]! + (f.instOpcode[i] === Opcode.Store ? 1 : 0)]!;
}
function locHash(op: number, type: number, addr: number, off: number, mask: number): number {
  const h = Math.imul(op + 7, 0x9e3779b1) ^ Math.imul(type + 3, 0x85ebca6b) ^ Math.imul(addr, 0xc2b2ae35) ^ Math.imul(off, 0x27d4eb2f);
  return (h ^ (h >>> 15)) & mask;
}

/**
 * The state of load elimination during a dominator-tree walk of a scoped table:
 * `enterBlock(b)` before b's instructions, `visit(i)` on each, `leaveBlock(b)` after
 * them (before b's dominator-tree children). Shared by `loadelim` and `simplify`.
 */
export class LoadForwarding {
  private readonly epochOf: Int32Array;
  private readonly endEpoch: Int32Array;
  private epochs = 0;
  private epoch = 0;
  /** Needs the context's dominators (and predecessors) current and `table` from `ctx.scopedTable()`. */
  constructor(private readonly ctx: FuncContext, private readonly table: ScopedInstTable) {
    const f = ctx.f;
    this.epochOf = ctx.i32(Scratch.LoadElimEpoch, table.capacity, 0);
    this.endEpoch = ctx.i32(Scratch.LoadElimEndEpoch, f.blockCount, 0);
  }
  /** Starts block `b`: a single-predecessor block continues its predecessor's (= idom's) epoch. */
  enterBlock(b: number): void {
    const ctx = this.ctx;
    const single = ctx.predCount(b) === 1 && ctx.rpoIndex[ctx.predBlock[ctx.predStart[b]!]!]! >= 0;
    this.epoch = single ? this.endEpoch[ctx.dom.idom[b]!]! : ++this.epochs;
  }
  /** Ends block `b` (its dominator-tree children may continue its epoch). */
  leaveBlock(b: number): void {
    this.endEpoch[b] = this.epoch;
  }
  /**
   * Handles instruction `i` (operands already resolved): a load of a location known in
   * the current epoch becomes an alias of the known value and is removed (true); a store
   * or call starts a new epoch, and loads and stores are recorded.
   */
  visit(i: number): boolean {
    const ctx = this.ctx, f = ctx.f, table = this.table;
    const op = f.instOpcode[i] as Opcode;
    const flags = OPCODES[op]!.flags;
    // Only plain loads are forwarded: va_arg also reads memory, but advances its va_list (a write).
    if (isLoad(op)) {
      const type = f.instType[i]!, addr = locAddr(f, i), off = f.instImm[i]!;
      const h = locHash(op, type, addr, off, table.mask);
      const epochOf = this.epochOf, epoch = this.epoch;
      let e = table.first(h);
      while (e !== NONE && !(epochOf[e] === epoch && locOp(f, e) === op && f.instType[e] === type && locAddr(f, e) === addr && f.instImm[e] === off)) e = table.next[e]!;
      if (e !== NONE) {
        const known = f.instOpcode[e] === Opcode.Store ? f.arg(e as Inst, 0) : f.result(e as Inst, 0);
        ctx.setAlias(f.result(i as Inst, 0), known);
        f.removeInst(i as Inst);
        return true;
      }
      this.record(i, h);
    } else if ((flags & (OpFlags.MemWrite | OpFlags.Call)) !== 0) {
      this.epoch = ++this.epochs;
      if (op === Opcode.Store && f.typeOf(f.arg(i as Inst, 0)) === f.instType[i]) {
        this.record(i, locHash(Opcode.Load, f.instType[i]!, locAddr(f, i), f.instImm[i]!, table.mask));
      }
    }
    return false;
  }
  private record(i: number, h: number): void {
    // Instructions created during the walk may be past the table's room: not recorded then.
    if (!this.table.holds(i)) return;
    this.table.insert(i, h);
    this.epochOf[i] = this.epoch;
  }
}

/** Runs load elimination; returns true when anything changed. */
export function loadElimPass(ctx: FuncContext): boolean {
  const f = ctx.f;
  ctx.beginPass();
  ctx.ensureDominators();
  const table = ctx.scopedTable();
  const loads = new LoadForwarding(ctx, table);
  let changed = false;
  // Dominator-tree preorder; a single-predecessor block's predecessor is its idom.
  table.walk(ctx, (b: number): void => {
    loads.enterBlock(b);
    for (let i = f.blockFirst[b]!; i !== NONE;) {
      const nx = f.instNext[i]!;
      const flags = OPCODES[f.instOpcode[i]!]!.flags;
      if ((flags & (OpFlags.MemRead | OpFlags.MemWrite)) !== 0) ctx.resolveArgs(i as Inst);
      if (loads.visit(i)) changed = true;
      i = nx;
    }
    loads.leaveBlock(b);
  });
  ctx.commitAliases();
  return changed;
}
