/**
 * Intervals (linear-scan.ts, after liveness): per register id, its live ranges (sorted,
 * half-open, with holes where the value is dead), its use positions (each marked "needs a
 * register" unless it is an operand of a copy) and a hint from copies; per preg, the fixed
 * ranges where the instruction stream names it. Built backwards over the blocks from the
 * live-in lists, so a range is extended rather than added whenever it can be.
 *
 *   while building: register r's ranges form a list of nodes (nodeFrom/nodeTo/nodeNext,
 *                   head[r] the earliest), added in descending position order
 *   afterwards:     the flat tables: r's ranges are [from[k], to[k]) for k in [start[r], start[r + 1])
 *   uses:           useList[useStart[r] .. useStart[r + 1]), ascending, 2 * position + needsRegister
 */
import { OperandKind } from './allocation.js';
import { atLeast, grown } from './arrays.js';
import type { RegallocTables } from './tables.js';
import type { Slab } from '../util/columns.js';

/** Ranges, uses and copy hints of every register id (see the file comment). */
export class RangeTables {
  /** Range nodes while building; head per register id (-1: none). */
  nodeFrom: Int32Array<ArrayBuffer>;
  nodeTo: Int32Array<ArrayBuffer>;
  nodeNext: Int32Array<ArrayBuffer>;
  nodeCount = 0;
  head: Int32Array<ArrayBuffer>;
  /** Ranges after building: register r's in [start[r], start[r + 1]). */
  start: Int32Array<ArrayBuffer>;
  from: Int32Array<ArrayBuffer>;
  to: Int32Array<ArrayBuffer>;
  /**
   * Uses of all register ids in one table: every operand is one use, so the sizes are known once
   * the operands are gathered (liveness.ts counts them into useStart); buildIntervals walks
   * backwards and fills each register's part from its top (useFill).
   */
  useList: Int32Array<ArrayBuffer>;
  useStart: Int32Array<ArrayBuffer>;
  useFill: Int32Array<ArrayBuffer>;
  /** Copy hints per register id (another register id, or -1): where a copy into it reads from, where a copy of it goes. */
  copySource: Int32Array<ArrayBuffer>;
  copyDest: Int32Array<ArrayBuffer>;

  constructor(slab: Slab) {
    this.nodeFrom = slab.i32(256); this.nodeTo = slab.i32(256); this.nodeNext = slab.i32(256);
    this.head = slab.i32(64);
    this.start = slab.i32(64); this.from = slab.i32(256); this.to = slab.i32(256);
    this.useList = slab.i32(256); this.useStart = slab.i32(64); this.useFill = slab.i32(64);
    this.copySource = slab.i32(64); this.copyDest = slab.i32(64);
  }

  /** Starts a function with `regCount` register ids. */
  reset(regCount: number): void {
    this.nodeCount = 0;
    this.head = atLeast(this.head, regCount).fill(-1, 0, regCount);
    this.start = atLeast(this.start, regCount + 1);
    this.useStart = atLeast(this.useStart, regCount + 1).fill(0, 0, regCount + 1);
    this.useFill = atLeast(this.useFill, regCount);
    this.copySource = atLeast(this.copySource, regCount).fill(-1, 0, regCount);
    this.copyDest = atLeast(this.copyDest, regCount).fill(-1, 0, regCount);
  }

  /** Records a use of register id r (uses come in descending position order). */
  addUse(r: number, use: number): void {
    this.useList[--this.useFill[r]!] = use;
  }

  /** Adds [from, to) to r's ranges (built in descending order: the head node is the earliest). */
  addRange(r: number, from: number, to: number): void {
    const h = this.head[r]!;
    if (h >= 0 && this.nodeFrom[h]! <= to) {
      if (from < this.nodeFrom[h]!) this.nodeFrom[h] = from;
      if (to > this.nodeTo[h]!) this.nodeTo[h] = to;
      return;
    }
    const x = this.nodeCount++;
    if (x === this.nodeFrom.length) {
      this.nodeFrom = grown(this.nodeFrom, x + 1); this.nodeTo = grown(this.nodeTo, x + 1); this.nodeNext = grown(this.nodeNext, x + 1);
    }
    this.nodeFrom[x] = from; this.nodeTo[x] = to; this.nodeNext[x] = h;
    this.head[r] = x;
  }

  /** A definition at `pos`: the live range starts there (or a `len`-position range when dead). */
  define(r: number, pos: number, len: number): void {
    const h = this.head[r]!;
    if (h >= 0 && this.nodeFrom[h]! <= pos && pos < this.nodeTo[h]!) this.nodeFrom[h] = pos;
    else this.addRange(r, pos, pos + len);
  }

  /** Records the copy `dst = src` as hints for both (the first copy of each wins). */
  hintPair(dst: number, src: number, numPregs: number): void {
    if (dst >= numPregs && this.copySource[dst]! < 0) this.copySource[dst] = src;
    if (src >= numPregs && this.copyDest[src]! < 0) this.copyDest[src] = dst;
  }
}

/** Builds every register id's ranges, uses and hints from the operand table and the live-in lists. */
export function buildIntervals(x: RegallocTables): void {
  const input = x.input, np = x.numPregs, opStart = x.opStart, opReg = x.opReg, opKind = x.opKind, ranges = x.ranges;
  const live = x.live, liveInHead = live.liveInHead, liveInReg = live.liveInReg, liveInNext = live.liveInNext;
  for (let b = x.blockCount - 1; b >= 0; b--) {
    const blk = input.blocks[b]!;
    const bFrom = 4 * blk.first, bTo = 4 * (blk.first + blk.count);
    // Live out = union of the successors' live-in (a repeated range merges).
    for (const s of blk.succs) for (let n = liveInHead[s]!; n >= 0; n = liveInNext[n]!) ranges.addRange(liveInReg[n]!, bFrom, bTo);
    for (let i = blk.first + blk.count - 1; i >= blk.first; i--) {
      const lo = opStart[i]!, hi = opStart[i + 1]!, n = hi - lo;
      const copy = input.acceptsSpillSlot(i);
      const u = 4 * i + 1, d = 4 * i + 2;
      for (let k = lo; k < hi; k++) {
        const r = opReg[k]!, kind = opKind[k]!;
        const need = copy && r >= np && (kind === OperandKind.Use || kind === OperandKind.Def) ? 0 : 1;
        switch (kind) {
          case OperandKind.Def: ranges.define(r, d, 1); ranges.addUse(r, 2 * d + need); break;
          case OperandKind.UseDef: ranges.define(r, d, 1); break;
          // Early defs and temps are written at u but hold their register through d: their
          // register use is recorded at d, so nothing evicts them within the instruction.
          case OperandKind.EarlyDef: ranges.define(r, u, 2); ranges.addUse(r, 2 * d + 1); break;
          case OperandKind.Temp: ranges.addRange(r, u, d + 1); ranges.addUse(r, 2 * d + 1); break;
          default: break;
        }
      }
      for (let k = lo; k < hi; k++) {
        const r = opReg[k]!, kind = opKind[k]!;
        if (kind !== OperandKind.Use && kind !== OperandKind.UseDef) continue;
        const need = copy && r >= np && kind === OperandKind.Use ? 0 : 1;
        ranges.addRange(r, bFrom, u + 1);
        ranges.addUse(r, 2 * u + need);
      }
      if (copy) {
        // Copy hints: Mov [dst, src]; ParallelMove [srcs..., dsts...].
        const half = n >> 1;
        if (n === 2 && opKind[lo] === OperandKind.Def) ranges.hintPair(opReg[lo]!, opReg[lo + 1]!, np);
        else if (n % 2 === 0) for (let k = lo; k < lo + half; k++) if (opKind[half + k] === OperandKind.Def) ranges.hintPair(opReg[half + k]!, opReg[k]!, np);
      }
    }
  }
  // Copy each register id's node list (earliest first) to the flat tables.
  const rc = input.regCount, start = ranges.start, head = ranges.head, nodeFrom = ranges.nodeFrom, nodeTo = ranges.nodeTo, nodeNext = ranges.nodeNext;
  const from = ranges.from = atLeast(ranges.from, ranges.nodeCount), to = ranges.to = atLeast(ranges.to, ranges.nodeCount);
  let at = 0;
  for (let r = 0; r < rc; r++) {
    start[r] = at;
    for (let n = head[r]!; n >= 0; n = nodeNext[n]!) { from[at] = nodeFrom[n]!; to[at] = nodeTo[n]!; at++; }
  }
  start[rc] = at;
}
