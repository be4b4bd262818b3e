/**
 * Pass `gvn`: dominator-based global value numbering (common-subexpression
 * elimination).
 *
 * Pipeline position: -O2, after the cleanups (so operands are canonical) and
 * before `licm`/`strength`.
 *
 * Walks the dominator tree in preorder with a *scoped* hash table: an
 * instruction equal to one in a dominating position (same opcode, type,
 * immediates and resolved operands; either operand order for commutative
 * opcodes) is replaced by it. Only instructions without side effects and
 * without memory access take part; trapping arithmetic (`sdiv`, `fcvt_to_sint`,
 * ...) also does, because the dominating copy would already have trapped on the
 * same operands. Loads are left to `loadelim`.
 *
 * The table is an array of bucket heads plus a `next` link per instruction;
 * leaving a dominator-tree node pops its insertions (they are the most recent
 * in each bucket), so no allocation happens per instruction.
 */
import { Func, Inst, NONE } from '../ir/function.js';
import { OPCODES, OpFlags, Opcode } from '../ir/opcodes.js';
import { FuncContext, isPure } from './context.js';
import type { ScopedInstTable } from './scoped-table.js';

function isCommutative(op: Opcode): boolean {
  return op === Opcode.IAdd || op === Opcode.IMul || op === Opcode.BAnd || op === Opcode.BOr || op === Opcode.BXor;
}

/** True when `op` may be numbered: no side effect, no memory, not a call or terminator (traps allowed). */
function isNumberable(op: Opcode): boolean {
  if (isPure(op)) return true;
  const fl = OPCODES[op]!.flags;
  return (fl & (OpFlags.SideEffects | OpFlags.MemRead | OpFlags.MemWrite | OpFlags.Call | OpFlags.Terminator)) === 0;
}

function hashInst(ctx: FuncContext, i: number, mask: number): number {
  const f = ctx.f, pool = f.pool;
  const op = f.instOpcode[i]!;
  let h = Math.imul(op + 1, 0x9e3779b1) ^ f.instType[i]! ^ Math.imul(f.instImm[i]!, 0x85ebca6b) ^ Math.imul(f.instImm2[i]!, 0xc2b2ae35);
  const as = f.instArgStart[i]!, n = f.instArgCount[i]!;
  if (isCommutative(op as Opcode) && n === 2) {
    const a = pool[as]!, b = pool[as + 1]!;
    h ^= Math.imul(a < b ? a : b, 0x165667b1) ^ Math.imul(a < b ? b : a, 0x2545f491);
  } else {
    for (let k = 0; k < n; k++) h = Math.imul(h ^ pool[as + k]!, 0x01000193) + k;
  }
  return (h ^ (h >>> 15)) & mask;
}

function sameInst(f: Func, i: number, j: number): boolean {
  const op = f.instOpcode[i]!;
  if (op !== f.instOpcode[j] || f.instType[i] !== f.instType[j] || f.instImm[i] !== f.instImm[j] || f.instImm2[i] !== f.instImm2[j]) return false;
  const n = f.instArgCount[i]!;
  if (n !== f.instArgCount[j]) return false;
  const pool = f.pool;
  const ai = f.instArgStart[i]!, aj = f.instArgStart[j]!;
  let same = true;
  for (let k = 0; k < n && same; k++) same = pool[ai + k] === pool[aj + k];
  if (same) return true;
  return isCommutative(op as Opcode) && n === 2 && pool[ai] === pool[aj + 1] && pool[ai + 1] === pool[aj];
}

/**
 * Numbers instruction `i` (operands already resolved) during a dominator-tree walk of
 * `table`: when it equals an instruction in a dominating position, its result becomes an
 * alias of that one's and `i` is removed (true); otherwise `i` is recorded for the code it
 * dominates (false). Instructions that may not be numbered are left alone.
 */
export function numberInst(ctx: FuncContext, table: ScopedInstTable, i: number): boolean {
  const f = ctx.f;
  if (f.instResultCount[i] !== 1 || !isNumberable(f.instOpcode[i] as Opcode)) return false;
  const h = hashInst(ctx, i, table.mask);
  let e = table.first(h);
  while (e !== NONE && !sameInst(f, e, i)) e = table.next[e]!;
  if (e !== NONE && f.typeOf(f.result(e as Inst, 0)) === f.typeOf(f.result(i as Inst, 0))) {
    ctx.setAlias(f.result(i as Inst, 0), f.result(e as Inst, 0));
    f.removeInst(i as Inst);
    return true;
  }
  // Instructions created during the walk (strength reduction's helpers) may be past the
  // table's room: they are then simply not offered for reuse.
  if (table.holds(i)) table.insert(i, h);
  return false;
}

/** Runs GVN; returns true when anything changed. */
export function gvnPass(ctx: FuncContext): boolean {
  const f = ctx.f;
  ctx.beginPass();
  ctx.ensureDominators();
  const table = ctx.scopedTable();
  let changed = false;
  table.walk(ctx, (b: number): void => {
    for (let i = f.blockFirst[b]!; i !== NONE;) {
      const nx = f.instNext[i]!;
      ctx.resolveArgs(i as Inst);
      if (numberInst(ctx, table, i)) changed = true;
      i = nx;
    }
  });
  ctx.commitAliases();
  return changed;
}
