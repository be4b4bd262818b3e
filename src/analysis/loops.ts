/**
 * Natural loops of a `FlowGraph` (dominators.ts): one loop analysis for the optimiser's
 * loop-invariant code motion (src/opt/licm.ts) and the register allocator's loop depths
 * (src/regalloc).
 *
 * Terms:
 *  - *back edge*: an edge u -> h where h dominates u; h is a loop *header*, u a *latch*.
 *    A retreating edge to a block that does not dominate its source (an irreducible
 *    cycle) makes no loop.
 *  - *natural loop* (*body*) of header h: h and every block that reaches a latch of h
 *    backwards without passing h (all of them dominated by h, so the walk stays inside).
 *    All back edges to one header make one loop.
 *  - *loop depth* of a block: the number of natural loops containing it.
 */
import type { DominatorTree, FlowGraph } from './dominators.js';

/** True if block `h` is a loop header: some predecessor is dominated by it. */
export function isLoopHeader(g: FlowGraph, dom: DominatorTree, h: number): boolean {
  const predStart = g.predStart, predBlock = g.predBlock;
  for (let k = predStart[h]!, end = predStart[h + 1]!; k < end; k++) if (dom.dominates(h, predBlock[k]!)) return true;
  return false;
}

/**
 * Collects the natural loop of header `h` into `body` (header first, then the blocks in the
 * order the backward walk finds them), stamping each with `stamp[b] = id` (`stamp` must not
 * hold `id` for any block yet); `stack` needs room for every block. Returns the block count
 * (1 when `h` is no header: the header alone).
 */
export function naturalLoop(g: FlowGraph, dom: DominatorTree, h: number, id: number, stamp: Int32Array, body: Int32Array, stack: Int32Array): number {
  const predStart = g.predStart, predBlock = g.predBlock, ri = g.rpoIndex;
  let count = 0, top = 0;
  body[count++] = h;
  stamp[h] = id;
  for (let k = predStart[h]!, end = predStart[h + 1]!; k < end; k++) {
    const u = predBlock[k]!;
    if (stamp[u] !== id && dom.dominates(h, u)) { stamp[u] = id; body[count++] = u; stack[top++] = u; }
  }
  while (top > 0) {
    const b = stack[--top]!;
    for (let k = predStart[b]!, end = predStart[b + 1]!; k < end; k++) {
      const p = predBlock[k]!;
      if (stamp[p] !== id && ri[p]! >= 0) { stamp[p] = id; body[count++] = p; stack[top++] = p; }
    }
  }
  return count;
}

/**
 * The loop depth of every block into `depth` (0 for unreachable blocks). `stamp`, `body` and
 * `stack` are scratch with room for every block. Cost: per loop, a walk over its blocks.
 */
export function loopDepths(g: FlowGraph, dom: DominatorTree, depth: Int32Array, stamp: Int32Array, body: Int32Array, stack: Int32Array): void {
  const nb = g.blockCount, rpo = g.rpo;
  depth.fill(0, 0, nb);
  stamp.fill(-1, 0, nb);
  for (let i = 0; i < g.rpoCount; i++) {
    const h = rpo[i]!;
    if (!isLoopHeader(g, dom, h)) continue;
    const n = naturalLoop(g, dom, h, h, stamp, body, stack);
    for (let k = 0; k < n; k++) depth[body[k]!]!++;
  }
}
