/**
 * The control-flow graph of an IR function as the shared analyses read it (`FlowGraph`,
 * src/analysis/dominators.ts): reverse postorder of the reachable blocks and predecessor
 * lists. The verifier builds one per function; `dominatorTree(f)` is the convenience form.
 *
 * Edges are the destinations of each block's terminator that name a block of the layout
 * (the verifier reports the others); repeated destinations give repeated edges.
 */
import { DominatorTree, type FlowGraph } from '../analysis/dominators.js';
import { Func, NONE } from './function.js';

export { DominatorTree };

/** `a` if it holds at least `n` entries, else a new, larger array (contents not kept). */
function atLeast(a: Int32Array, n: number): Int32Array {
  return a.length >= n ? a : new Int32Array(Math.max(n, 2 * a.length, 16));
}

/** A function's `FlowGraph`, its tables reused from one `compute` to the next. */
export class FuncFlowGraph implements FlowGraph {
  blockCount = 0;
  rpo: Int32Array = new Int32Array(0);
  rpoCount = 0;
  rpoIndex: Int32Array = new Int32Array(0);
  predStart: Int32Array = new Int32Array(0);
  predBlock: Int32Array = new Int32Array(0);
  /** Successors of block b: `succBlock[succStart[b] .. succStart[b + 1])`. */
  succStart: Int32Array = new Int32Array(0);
  /** See `succStart`. */
  succBlock: Int32Array = new Int32Array(0);
  /** Depth-first search stack and successor cursors. */
  private stack: Int32Array = new Int32Array(0);
  private cursor: Int32Array = new Int32Array(0);

  /** Fills the tables from `f`'s blocks and terminators. */
  compute(f: Func): this {
    const n = (this.blockCount = f.blockCount);
    const blockLast = f.blockLast, blockNext = f.blockNext, blockLive = f.blockLive, blockInLayout = f.blockInLayout;
    const instDestStart = f.instDestStart, instDestCount = f.instDestCount, destBlock = f.destBlock;
    // Successors as compressed rows (blocks outside the layout have none).
    const succStart = (this.succStart = atLeast(this.succStart, n + 1)).fill(0, 0, n + 1);
    let edges = 0;
    for (let b = f.firstBlock; b !== NONE; b = blockNext[b]!) {
      const last = blockLast[b]!;
      if (last === NONE) continue;
      for (let d = instDestStart[last]!, end = d + instDestCount[last]!; d < end; d++) {
        const t = destBlock[d]!;
        if (t >= 0 && t < n && blockLive[t] === 1 && blockInLayout[t] !== 0) { succStart[b + 1]!++; edges++; }
      }
    }
    for (let b = 0; b < n; b++) succStart[b + 1]! += succStart[b]!;
    const succ = (this.succBlock = atLeast(this.succBlock, edges));
    const predStart = (this.predStart = atLeast(this.predStart, n + 1)).fill(0, 0, n + 1);
    for (let b = f.firstBlock; b !== NONE; b = blockNext[b]!) {
      const last = blockLast[b]!;
      if (last === NONE) continue;
      let at = succStart[b]!;
      for (let d = instDestStart[last]!, end = d + instDestCount[last]!; d < end; d++) {
        const t = destBlock[d]!;
        if (t >= 0 && t < n && blockLive[t] === 1 && blockInLayout[t] !== 0) { succ[at++] = t; predStart[t + 1]!++; }
      }
    }
    for (let b = 0; b < n; b++) predStart[b + 1]! += predStart[b]!;
    const pred = (this.predBlock = atLeast(this.predBlock, edges));
    const fill = (this.cursor = atLeast(this.cursor, n + 1));
    for (let b = 0; b < n; b++) fill[b] = predStart[b]!;
    for (let b = 0; b < n; b++) for (let k = succStart[b]!; k < succStart[b + 1]!; k++) pred[fill[succ[k]!]!++] = b;
    // Reverse postorder by an iterative depth-first search from the entry; rpoIndex marks
    // blocks seen (-2) until it is set to their position.
    const rpo = (this.rpo = atLeast(this.rpo, n)), ri = (this.rpoIndex = atLeast(this.rpoIndex, n)).fill(-1, 0, n);
    this.rpoCount = 0;
    if (f.firstBlock === NONE) return this;
    const stack = (this.stack = atLeast(this.stack, n)), iter = fill;
    let sp = 0, postCount = 0;
    stack[sp] = f.firstBlock; iter[sp] = succStart[f.firstBlock]!; sp++;
    ri[f.firstBlock] = -2;
    // Postorder goes into the end of `rpo`, backwards: the last finished block lands at rpo[0].
    let at = n;
    while (sp > 0) {
      const b = stack[sp - 1]!, k = iter[sp - 1]!;
      if (k < succStart[b + 1]!) {
        iter[sp - 1] = k + 1;
        const c = succ[k]!;
        if (ri[c] === -1) { ri[c] = -2; stack[sp] = c; iter[sp] = succStart[c]!; sp++; }
      } else {
        sp--;
        rpo[--at] = b;
        postCount++;
      }
    }
    if (at > 0) rpo.copyWithin(0, at, n);
    for (let i = 0; i < postCount; i++) ri[rpo[i]!] = i;
    this.rpoCount = postCount;
    return this;
  }
}

/** The dominator tree of `f`'s reachable blocks (`rpo`, `rpoIndex`, `idom`, `dominates(a, b)`). */
export function dominatorTree(f: Func): DominatorTree {
  return new DominatorTree().compute(new FuncFlowGraph().compute(f));
}
