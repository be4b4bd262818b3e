/**
 * Pass `copyprop`: copy propagation through block parameters.
 *
 * Pipeline position: after `fold` and `cfg` (which create single-value edges)
 * at every level.
 *
 * A block parameter is *trivial* when every branch to its block passes the same
 * value v, or the parameter itself (a loop that carries it unchanged). Then the
 * parameter is a copy of v (the block-parameter form of a trivial phi): its uses
 * become v, and the parameter and its branch arguments are deleted. Removing one
 * may make others trivial, so the pass repeats to a fixed point.
 */
import { Block, Dest, NONE, Value } from '../ir/function.js';
import { FuncContext } from './context.js';

/** Runs copy propagation; returns true when anything changed. */
export function copyPropPass(ctx: FuncContext): boolean {
  const f = ctx.f;
  ctx.beginPass();
  ctx.ensurePreds();
  let changed = false;
  const entry = f.firstBlock;
  for (let round = 0; round < 16; round++) {
    let progress = false;
    for (let b = f.firstBlock; b !== NONE; b = f.blockNext[b]!) {
      if (b === entry) continue;
      const ps = ctx.predStart[b]!, pe = ctx.predStart[b + 1]!;
      if (ps === pe) continue; // unreachable: DCE deletes it
      for (let i = f.blockParamCount[b]! - 1; i >= 0; i--) {
        const p = f.blockParam(b as Block, i);
        let same = -1;
        let trivial = true;
        for (let k = ps; k < pe; k++) {
          const a = ctx.resolve(f.destArg(ctx.predDest[k]! as Dest, i));
          if (a === p) continue;
          if (same === -1) same = a;
          else if (same !== a) { trivial = false; break; }
        }
        if (!trivial || same === -1) continue;
        ctx.setAlias(p, same as Value);
        ctx.removeParamEverywhere(b, i);
        progress = true;
      }
    }
    if (!progress) break;
    changed = true;
  }
  ctx.commitAliases();
  return changed;
}
