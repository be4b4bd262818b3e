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
import { Inst, NONE } from '../ir/function.js';
import { OPCODES, OpFlags, Opcode } from '../ir/opcodes.js';
import { FuncContext, isPure } from './context.js';

function isCommutative(op: Opcode): boolean {
  return op === Opcode.IAdd || op === Opcode.IMul || op === Opcode.BAnd || op === Opcode.BOr || op === Opcode.BXor;
}

/** True when `op` may be numbered: no side effect, no memory, not a call or terminator (traps allowed). */
function isNumberable(op: Opcode): boolean {
  if (isPure(op)) return true;
  const fl = OPCODES[op]!.flags;
  return (fl & (OpFlags.SideEffects | OpFlags.MemRead | OpFlags.MemWrite | OpFlags.Call | OpFlags.Terminator)) === 0;
}

/** Runs GVN; returns true when anything changed. */
export function gvnPass(ctx: FuncContext): boolean {
  const f = ctx.f;
  ctx.beginPass();
  ctx.ensureDominators();
  const table = ctx.scopedTable();
  const mask = table.mask;
  const view = ctx.view;
  const pool = f.pool;

  const hash = (i: number): number => {
    const op = f.instOpcode[i]!;
    let h = Math.imul(op + 1, 0x9e3779b1) ^ f.instType[i]! ^ Math.imul(f.instImm[i]!, 0x85ebca6b) ^ Math.imul(f.instImm2[i]!, 0xc2b2ae35);
    if (op === Opcode.FConst) {
      view.setFloat64(0, f.instFImm[i]!);
      h ^= Math.imul(view.getInt32(0), 0x27d4eb2f) ^ view.getInt32(4);
    }
    const as = f.instArgStart[i]!, n = f.instArgCount[i]!;
    if (isCommutative(op as Opcode) && n === 2) {
      const a = pool[as]!, b = pool[as + 1]!;
      h ^= Math.imul(a < b ? a : b, 0x165667b1) ^ Math.imul(a < b ? b : a, 0x2545f491);
    } else {
      for (let k = 0; k < n; k++) h = Math.imul(h ^ pool[as + k]!, 0x01000193) + k;
    }
    return (h ^ (h >>> 15)) & mask;
  };
  const equal = (i: number, j: number): boolean => {
    const op = f.instOpcode[i]!;
    if (op !== f.instOpcode[j] || f.instType[i] !== f.instType[j] || f.instImm[i] !== f.instImm[j] || f.instImm2[i] !== f.instImm2[j]) return false;
    if (op === Opcode.FConst && !Object.is(f.instFImm[i], f.instFImm[j])) return false;
    const n = f.instArgCount[i]!;
    if (n !== f.instArgCount[j]) return false;
    const ai = f.instArgStart[i]!, aj = f.instArgStart[j]!;
    let same = true;
    for (let k = 0; k < n && same; k++) same = pool[ai + k] === pool[aj + k];
    if (same) return true;
    return isCommutative(op as Opcode) && n === 2 && pool[ai] === pool[aj + 1] && pool[ai + 1] === pool[aj];
  };

  let changed = false;
  const visit = (b: number): void => {
    for (let i = f.blockFirst[b]!; i !== NONE;) {
      const nx = f.instNext[i]!;
      const op = f.instOpcode[i] as Opcode;
      if (f.instResultCount[i] === 1 && isNumberable(op)) {
        ctx.resolveArgs(i as Inst);
        const h = hash(i);
        let e = table.first(h);
        while (e !== NONE && !equal(e, i)) e = table.next[e]!;
        if (e !== NONE && f.typeOf(f.result(e as Inst, 0)) === f.typeOf(f.result(i as Inst, 0))) {
          ctx.setAlias(f.result(i as Inst, 0), f.result(e as Inst, 0));
          f.removeInst(i as Inst);
          changed = true;
        } else {
          table.insert(i, h);
        }
      }
      i = nx;
    }
  };
  table.walk(ctx, visit);
  ctx.commitAliases();
  return changed;
}
