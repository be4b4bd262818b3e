/**
 * The first phases of the allocator (linear-scan.ts): one walk over the operand table
 * (`gatherOperands`: use counts per register id, and per vreg the blocks that read it
 * before writing it and the blocks that write it), predecessor lists, and the live-in
 * lists of every block (`computeLiveIns`).
 *
 * Liveness is sparse and output-sensitive (the cost is the total size of the live-in
 * sets, not blocks x vregs): each upward-exposed use of v (read before any write in its
 * block) makes v live in there, and liveness spreads backwards through predecessors until
 * blocks that write v.
 *
 *   exposed / kill lists per vreg: nodes (nodeBlock, nodeNext) from exposedHead[v] / killHead[v]
 *   live-in list of block b:       liveInReg[n] for n = liveInHead[b], liveInNext[n], ... until -1
 *                                  (vregs ascending)
 */
import { OperandKind } from './allocation.js';
import { atLeast, grown } from './arrays.js';
import type { RegallocTables } from './tables.js';
import type { Slab } from '../util/columns.js';

/** The exposed/kill lists and the live-in lists (see the file comment). */
export class LiveTables {
  /** Per vreg: the first node of its list of blocks that read it first (exposed) / write it first (kills); -1: none. */
  exposedHead: Int32Array<ArrayBuffer>;
  killHead: Int32Array<ArrayBuffer>;
  /** List nodes of both kinds: the block, and the next node. */
  nodeBlock: Int32Array<ArrayBuffer>;
  nodeNext: Int32Array<ArrayBuffer>;
  /** Number of exposed nodes. */
  exposedCount = 0;
  /** Live-in list heads and tails per block (-1: empty). */
  liveInHead: Int32Array<ArrayBuffer>;
  liveInTail: Int32Array<ArrayBuffer>;
  /** Live-in list nodes: the vreg, and the next node. */
  liveInReg: Int32Array<ArrayBuffer>;
  liveInNext: Int32Array<ArrayBuffer>;
  /** Number of live-in nodes in use. */
  liveInCount = 0;

  constructor(slab: Slab) {
    this.exposedHead = slab.i32(64); this.killHead = slab.i32(64);
    this.nodeBlock = slab.i32(256); this.nodeNext = slab.i32(256);
    this.liveInHead = slab.i32(16); this.liveInTail = slab.i32(16);
    this.liveInReg = slab.i32(64); this.liveInNext = slab.i32(64);
  }
}

/**
 * Walks the operand table once: counts the uses of each register id (`ranges.useStart`) and
 * starts liveness: per vreg, lists of the blocks that read it before writing it (exposed)
 * and that write it first (kills).
 */
export function gatherOperands(x: RegallocTables): void {
  const input = x.input, nb = x.blockCount, np = x.numPregs, rc = input.regCount, opStart = x.opStart, opReg = x.opReg, opKind = x.opKind;
  const live = x.live, ranges = x.ranges;
  const useStart = ranges.useStart, defBlock = x.regMarks.fill(-1, 0, rc); // last block scanned that writes v
  const exposedHead = live.exposedHead = atLeast(live.exposedHead, rc).fill(-1, 0, rc);
  const killHead = live.killHead = atLeast(live.killHead, rc).fill(-1, 0, rc);
  // Each operand adds at most one node.
  const nodeBlock = live.nodeBlock = atLeast(live.nodeBlock, x.opCount), nodeNext = live.nodeNext = atLeast(live.nodeNext, x.opCount);
  let nodes = 0, exposed = 0;
  for (let b = 0; b < nb; b++) {
    const blk = input.blocks[b]!;
    for (let i = blk.first; i < blk.first + blk.count; i++) {
      const lo = opStart[i]!, hi = opStart[i + 1]!;
      for (let k = lo; k < hi; k++) {
        const r = opReg[k]!, kind = opKind[k]!;
        useStart[r + 1]!++;
        if (r < np || (kind !== OperandKind.Use && kind !== OperandKind.UseDef)) continue;
        if (defBlock[r] !== b) { nodeBlock[nodes] = b; nodeNext[nodes] = exposedHead[r]!; exposedHead[r] = nodes++; exposed++; defBlock[r] = b; } // once per block is enough
      }
      for (let k = lo; k < hi; k++) {
        const r = opReg[k]!;
        if (r >= np && opKind[k] !== OperandKind.Use && defBlock[r] !== b) { nodeBlock[nodes] = b; nodeNext[nodes] = killHead[r]!; killHead[r] = nodes++; defBlock[r] = b; }
      }
    }
  }
  live.exposedCount = exposed;
  const useFill = ranges.useFill;
  for (let r = 0; r < rc; r++) { useStart[r + 1]! += useStart[r]!; useFill[r] = useStart[r + 1]!; }
  ranges.useList = atLeast(ranges.useList, x.opCount);
}

/** Predecessor lists (`predStart` / `predBlock`), each in ascending block order. */
export function computePredecessors(x: RegallocTables): void {
  const nb = x.blockCount, blocks = x.input.blocks;
  // Counting sort by successor.
  const predStart = x.predStart.fill(0, 0, nb + 1);
  for (let b = 0; b < nb; b++) for (const s of blocks[b]!.succs) predStart[s + 1]!++;
  for (let b = 0; b < nb; b++) predStart[b + 1]! += predStart[b]!;
  const fill = x.blockMarks;
  for (let b = 0; b < nb; b++) fill[b] = predStart[b]!;
  const preds = x.predBlock = atLeast(x.predBlock, predStart[nb]!);
  for (let b = 0; b < nb; b++) for (const s of blocks[b]!.succs) preds[fill[s]!++] = b;
}

/**
 * The live-in vregs of each block, as lists (see the file comment). False, with the lists
 * unfinished, once they would hold more than `budget` entries in all.
 */
export function computeLiveIns(x: RegallocTables, budget = 0x3fffffff): boolean {
  const nb = x.blockCount, np = x.numPregs, rc = x.input.regCount, live = x.live;
  const exposedHead = live.exposedHead, killHead = live.killHead, nodeBlock = live.nodeBlock, nodeNext = live.nodeNext;
  // A block that writes v before reading it is in kills but not exposed; one that reads
  // v first is exposed (its write, if any, does not stop v being live into it).
  const liveMark = x.blockMarks.fill(-1, 0, nb), killMark = x.blockMarks2.fill(-1, 0, nb);
  const liveInHead = live.liveInHead = atLeast(live.liveInHead, nb).fill(-1, 0, nb), liveInTail = live.liveInTail = atLeast(live.liveInTail, nb);
  const predStart = x.predStart, preds = x.predBlock;
  // A block is pushed once per exposed use and once per predecessor edge of a block made live.
  const work = x.worklist = atLeast(x.worklist, live.exposedCount + predStart[nb]! + 1);
  let liveInReg = live.liveInReg, liveInNext = live.liveInNext, count = 0;
  // Vregs in ascending order, so each block's list is ascending.
  for (let v = np; v < rc; v++) {
    if (exposedHead[v]! < 0) continue;
    for (let n = killHead[v]!; n >= 0; n = nodeNext[n]!) killMark[nodeBlock[n]!] = v;
    let top = 0;
    for (let n = exposedHead[v]!; n >= 0; n = nodeNext[n]!) work[top++] = nodeBlock[n]!;
    while (top > 0) {
      const b = work[--top]!;
      if (liveMark[b] === v) continue;
      liveMark[b] = v;
      if (count === budget) return false;
      if (count === liveInReg.length) { liveInReg = live.liveInReg = grown(liveInReg, count + 1); liveInNext = live.liveInNext = grown(liveInNext, count + 1); }
      liveInReg[count] = v; liveInNext[count] = -1;
      if (liveInHead[b]! < 0) liveInHead[b] = count; else liveInNext[liveInTail[b]!] = count;
      liveInTail[b] = count++;
      for (let k = predStart[b]!; k < predStart[b + 1]!; k++) {
        const p = preds[k]!;
        if (liveMark[p] !== v && killMark[p] !== v) work[top++] = p;
      }
    }
  }
  live.liveInCount = count;
  return true;
}
