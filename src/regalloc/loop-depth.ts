/**
 * The allocator's loop phase (linear-scan.ts): the block of each instruction and the loop
 * depth of each block, the number of natural loops it is in. Only splitting and spilling
 * ask (`ensureLoopDepths`), so this is worked out on the first question, after liveness
 * (it reuses its scratch).
 *
 * The blocks are in layout order, and layout rotates loops (a header follows its latch, so
 * the edge into the body is the one that goes backwards in layout): loops come from
 * dominators, not from layout, through the shared analyses (src/analysis/dominators.ts and
 * loops.ts). Cost: a depth-first search for reverse postorder, the dominator iteration and,
 * per loop, a walk over its blocks.
 */
import { DominatorTree, type FlowGraph } from '../analysis/dominators.js';
import { loopDepths } from '../analysis/loops.js';
import { atLeast } from './arrays.js';
import type { RegallocTables } from './tables.js';
import type { Slab } from '../util/columns.js';

/** The loop phase's own tables. */
export class LoopTables {
  /** True once `blockOfInst` and `loopDepth` describe the current function. */
  known = false;
  /** Block of each instruction. */
  blockOfInst: Int32Array<ArrayBuffer>;
  /** Loop depth of each block. */
  loopDepth: Int32Array<ArrayBuffer>;
  /** The blocks in reverse postorder, and one loop's blocks (scratch of the analysis). */
  rpo: Int32Array<ArrayBuffer>;
  loopBody: Int32Array<ArrayBuffer>;
  /** The dominator tree (src/analysis), reused from function to function. */
  readonly dominators = new DominatorTree();

  constructor(slab: Slab) {
    this.blockOfInst = slab.i32(64);
    this.loopDepth = slab.i32(16);
    this.rpo = slab.i32(16);
    this.loopBody = slab.i32(16);
  }

  /** Starts a function of `instCount` instructions in `blockCount` blocks. */
  reset(instCount: number, blockCount: number): void {
    this.known = false;
    this.blockOfInst = atLeast(this.blockOfInst, instCount);
    this.loopDepth = atLeast(this.loopDepth, blockCount);
  }
}

/** Fills `x.loops.blockOfInst` and `x.loops.loopDepth` unless they are current (the predecessor lists must be). */
export function ensureLoopDepths(x: RegallocTables): void {
  const loops = x.loops;
  if (loops.known) return;
  loops.known = true;
  const blocks = x.input.blocks, nb = x.blockCount;
  for (let k = 0; k < nb; k++) { const b = blocks[k]!; loops.blockOfInst.fill(k, b.first, b.first + b.count); }
  const depth = loops.loopDepth.fill(0, 0, nb);
  if (nb === 0) return;
  // Reverse postorder from the entry (block 0): rpoIndex[b] (-1: unreachable, -2: on the
  // search stack), rpo[i] the i-th block; the postorder fills rpo from its end.
  const rpoIndex = x.blockMarks.fill(-1, 0, nb);
  const rpo = loops.rpo = atLeast(loops.rpo, nb);
  const stack = x.worklist = atLeast(x.worklist, 2 * nb); // (block, next successor) pairs
  let first = nb, sp = 2;
  stack[0] = 0; stack[1] = 0; rpoIndex[0] = -2;
  while (sp > 0) {
    const b = stack[sp - 2]!, k = stack[sp - 1]!, succs = blocks[b]!.succs;
    if (k < succs.length) {
      stack[sp - 1] = k + 1;
      const s = succs[k]!;
      if (rpoIndex[s] === -1) { rpoIndex[s] = -2; stack[sp++] = s; stack[sp++] = 0; }
    } else {
      sp -= 2;
      rpo[--first] = b;
    }
  }
  const reachable = nb - first;
  if (first > 0) rpo.copyWithin(0, first, nb);
  for (let i = 0; i < reachable; i++) rpoIndex[rpo[i]!] = i;
  const graph: FlowGraph = { blockCount: nb, rpo, rpoCount: reachable, rpoIndex, predStart: x.predStart, predBlock: x.predBlock };
  const body = loops.loopBody = atLeast(loops.loopBody, nb);
  loopDepths(graph, loops.dominators.compute(graph), depth, x.blockMarks2, body, stack);
}
