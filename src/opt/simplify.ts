/**
 * Pass `simplify`: `fold`, `gvn`, `loadelim` and `strength` in one walk.
 *
 * Pipeline position: -O2, after inlining, in place of those four passes (which
 * stay available one by one for filetests and `passes`).
 *
 * Why one walk: run separately, each of the four is a whole-function pass, and
 * what one finds feeds the others (a folded constant makes two instructions
 * equal; a strength-reduced divide creates constants that fold and number; a
 * forwarded load makes an address computation common), so the pass manager ran
 * them in rounds to a fixed point: 12 or more walks per function. Here every
 * instruction goes through all four in turn while the dominator tree is walked
 * once in preorder (which visits each definition before its uses, as `fold`'s
 * reverse postorder does), so later instructions already see the results:
 *
 *   resolve operands -> (memory, calls, terminators: forward loads only; constants:
 *     number only) -> fold (and cut the block at an always-trapping one)
 *     -> strength-reduce (then the inserted helpers and the rewritten instruction
 *        go through the steps from the start) -> number (gvn) -> forward loads
 *
 * Each step is the one its own pass uses (`foldFully`, `reduceInst`,
 * `numberInst`, `LoadForwarding`), so the passes cannot drift apart.
 *
 * A block cut by a trap makes the blocks it dominated unreachable; the walk
 * goes on with the dominator tree it started with. That is sound: removing
 * edges only adds dominance, so every fact the old tree gives still holds, and
 * what happens in the now unreachable blocks is deleted by `dce`/`cfg`.
 */
import { Inst, NONE } from '../ir/function.js';
import { OPCODES, OpFlags, Opcode } from '../ir/opcodes.js';
import { FuncContext } from './context.js';
import { FoldResult, foldFully } from './fold.js';
import { numberInst } from './gvn.js';
import { LoadForwarding } from './loadelim.js';
import { reduceInst } from './strength.js';

/**
 * Opcodes that fold, strength reduction and gvn leave alone (fold and strength rewrite only
 * arithmetic, comparisons and conversions; gvn numbers nothing that touches memory, calls or
 * ends a block): checked first, since they are about half of all instructions.
 */
const NOT_ARITHMETIC = OpFlags.Terminator | OpFlags.MemRead | OpFlags.MemWrite | OpFlags.Call | OpFlags.SideEffects;

/** Runs the combined walk; returns true when anything changed. */
export function simplifyPass(ctx: FuncContext): boolean {
  const f = ctx.f;
  ctx.beginPass();
  ctx.ensureDominators();
  const table = ctx.scopedTable();
  const loads = new LoadForwarding(ctx, table);
  let changed = false;
  table.walk(ctx, (b: number): void => {
    loads.enterBlock(b);
    for (let i = f.blockFirst[b]!; i !== NONE;) {
      const prev = f.instPrev[i]!;
      const next = f.instNext[i]!;
      ctx.resolveArgs(i as Inst);
      const op = f.instOpcode[i]!;
      if ((OPCODES[op]!.flags & NOT_ARITHMETIC) !== 0) {
        // Memory, calls and terminators: only load forwarding has anything to do.
        if (loads.visit(i)) changed = true;
        i = next;
        continue;
      }
      if (op === Opcode.IConst || op === Opcode.FConst) {
        if (numberInst(ctx, table, i)) changed = true;
        i = next;
        continue;
      }
      const r = foldFully(ctx, i as Inst);
      if (r === FoldResult.Truncated) { changed = true; break; }
      if (r === FoldResult.Changed) changed = true;
      if (f.instBlock[i] === NONE) { i = next; continue; }
      if (r === FoldResult.Changed && f.instPrev[i] !== prev) {
        // Fold inserted constants before `i` (e.g. the 0 of a select): number them, then `i` again,
        // so the walk leaves nothing a second run would still merge.
        i = prev === NONE ? f.blockFirst[b]! : f.instNext[prev]!;
        continue;
      }
      if (reduceInst(ctx, i as Inst)) {
        // Visit the helpers inserted before `i`, then `i` itself again, from the first helper.
        changed = true;
        i = prev === NONE ? f.blockFirst[b]! : f.instNext[prev]!;
        continue;
      }
      if (numberInst(ctx, table, i)) changed = true;
      i = next;
    }
    loads.leaveBlock(b);
  });
  ctx.commitAliases();
  return changed;
}
