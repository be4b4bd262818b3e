/**
 * The linear scan proper (linear-scan.ts): pieces taken in order of their start from a
 * min-heap of unhandled ones; at each start, pieces that ended leave the active and inactive
 * sets, pieces in a lifetime hole move from active to inactive and back. The current piece
 * gets a register free for all of it (a copy hint first, caller-saved registers before
 * callee-saved ones), else one free for a prefix (the rest is split off and goes back to
 * unhandled), else the register whose next use is furthest is evicted (its holders are
 * split and spilled), or the piece itself is spilled until its next register use. Spill and
 * reload points move to block boundaries of the lowest loop depth (`splitPos`).
 *
 * Terms: *active* pieces hold their register at the current position, *inactive* ones are
 * in a lifetime hole (their register is free until they resume); *fixed* pieces are the
 * pregs' own intervals (where the stream names them).
 */
import { SPILL_BASE, type RegallocInput } from './allocation.js';
import { INF, atLeast, gapFloor, grown } from './arrays.js';
import { ensureLoopDepths } from './loop-depth.js';
import type { PieceTable } from './pieces.js';
import type { RegallocTables } from './tables.js';
import type { Slab } from '../util/columns.js';

/** Cost of using a callee-saved register for the first time: a save and a restore. */
const CALLEE_SAVE_COST = 2;

/** The scan's sets and per-register scratch, and the scan itself (see the file comment). */
export class ScanTables {
  /** The pieces (`x.pieces`). */
  readonly pieces: PieceTable;
  /** Fixed piece per preg (-1 when the stream never names it). */
  fixedPiece: Int32Array<ArrayBuffer>;
  /** 1 for pregs that survive calls (`input.isCalleeSaved`, asked once per preg). */
  calleeSaved: Uint8Array<ArrayBuffer>;
  /** Per preg, for one decision: until where it is free / its holders' next register use / until where a fixed use blocks it. */
  freeUntil: Int32Array<ArrayBuffer>;
  nextUse: Int32Array<ArrayBuffer>;
  blockedAt: Int32Array<ArrayBuffer>;
  /** Pieces live at the scan position (`activeCount` of them) and in a lifetime hole (`inactiveCount`). */
  active: Int32Array<ArrayBuffer>;
  activeCount = 0;
  inactive: Int32Array<ArrayBuffer>;
  inactiveCount = 0;
  /** Per preg: the number of active pieces in it (0 or 1). */
  activeIn: Int32Array<ArrayBuffer>;
  /** The unhandled pieces: a binary min-heap by start, `heapCount` of them. */
  heap: Int32Array<ArrayBuffer>;
  heapCount = 0;
  /** Scratch of sortByStart: the other buffer and the run boundaries. */
  sortTmp: Int32Array<ArrayBuffer>;
  runBounds: Int32Array<ArrayBuffer>;

  constructor(slab: Slab, readonly x: RegallocTables) {
    this.pieces = x.pieces;
    this.fixedPiece = slab.i32(32);
    this.calleeSaved = slab.u8(32);
    this.freeUntil = slab.i32(32); this.nextUse = slab.i32(32); this.blockedAt = slab.i32(32);
    this.active = slab.i32(256); this.inactive = slab.i32(256);
    this.activeIn = slab.i32(32);
    this.heap = slab.i32(256);
    this.sortTmp = slab.i32(256); this.runBounds = slab.i32(64);
  }

  /** Starts a function: sizes the per-preg tables and empties the sets. */
  reset(input: RegallocInput): void {
    const np = input.numPregs;
    this.fixedPiece = atLeast(this.fixedPiece, np);
    this.freeUntil = atLeast(this.freeUntil, np);
    this.nextUse = atLeast(this.nextUse, np);
    this.blockedAt = atLeast(this.blockedAt, np);
    this.activeIn = atLeast(this.activeIn, np).fill(0, 0, np);
    if (this.calleeSaved.length < np) this.calleeSaved = new Uint8Array(np);
    for (let p = 0; p < np; p++) this.calleeSaved[p] = input.isCalleeSaved(p) ? 1 : 0;
    this.activeCount = 0;
    this.inactiveCount = 0;
    this.heapCount = 0;
  }

  // ---- unhandled pieces: a binary min-heap by start ----

  /** Adds piece p to the unhandled pieces. */
  push(p: number): void {
    const pieces = this.pieces;
    if (this.heapCount === this.heap.length) this.heap = grown(this.heap, this.heapCount + 1);
    const h = this.heap, pStart = pieces.start, s = pStart[p]!;
    let i = this.heapCount++;
    while (i > 0) {
      const q = (i - 1) >> 1;
      if (pStart[h[q]!]! <= s) break;
      h[i] = h[q]!;
      i = q;
    }
    h[i] = p;
  }
  /** Removes and returns the unhandled piece that starts first. */
  pop(): number {
    const pieces = this.pieces;
    const h = this.heap, pStart = pieces.start, top = h[0]!, last = h[--this.heapCount]!, n = this.heapCount;
    if (n > 0) {
      const s = pStart[last]!;
      let i = 0;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && pStart[h[c + 1]!]! < pStart[h[c]!]!) c++;
        if (pStart[h[c]!]! >= s) break;
        h[i] = h[c]!;
        i = c;
      }
      h[i] = last;
    }
    return top;
  }

  /** Sorts heap[0 .. n) by piece start, stably: merges its ascending runs pairwise until one is left. */
  sortByStart(n: number): void {
    const pieces = this.pieces;
    const pStart = pieces.start;
    let src = this.heap, dst = this.sortTmp = atLeast(this.sortTmp, n);
    let bounds = this.runBounds = atLeast(this.runBounds, n + 1);
    let runs = 0;
    bounds[0] = 0;
    for (let k = 1; k < n; k++) if (pStart[src[k]!]! < pStart[src[k - 1]!]!) bounds[++runs] = k;
    bounds[++runs] = n;
    while (runs > 1) {
      let out = 0;
      for (let r = 0; r < runs; r += 2) {
        const lo = bounds[r]!, mid = bounds[r + 1]!, hi = r + 2 <= runs ? bounds[r + 2]! : mid;
        let i = lo, j = mid, o = lo;
        while (i < mid && j < hi) dst[o++] = pStart[src[j]!]! < pStart[src[i]!]! ? src[j++]! : src[i++]!;
        while (i < mid) dst[o++] = src[i++]!;
        while (j < hi) dst[o++] = src[j++]!;
        bounds[out++] = lo;
      }
      bounds[out] = n;
      runs = out;
      const swap = src; src = dst; dst = swap;
    }
    if (src !== this.heap) this.heap.set(src.subarray(0, n));
  }

  /**
   * Register a hint resolves to right now, or -1: with `fromSource`, the register of the
   * source of the copy that defines piece `it` (already allocated); else that of the copy's
   * destination, following a short chain of copies to a preg or an allocated vreg.
   */
  hintReg(it: number, fromSource: boolean): number {
    const pieces = this.pieces;
    const v = pieces.reg[it]!, start = pieces.start[it]!;
    if (fromSource) return this.x.ranges.copySource[v]! >= 0 ? this.regAt(this.x.ranges.copySource[v]!, start) : -1;
    let h = this.x.ranges.copyDest[v]!;
    for (let steps = 0; steps < 4 && h >= 0; steps++) {
      if (h < this.x.numPregs) return h;
      if (pieces.lastPiece[h]! >= 0) return this.regAt(h, start);
      h = this.x.ranges.copyDest[h]!;
    }
    return -1;
  }
  /** Register of register id r's latest allocated piece starting at or before pos, or -1. */
  regAt(r: number, pos: number): number {
    const pieces = this.pieces;
    if (r < this.x.numPregs) return r;
    for (let p = pieces.lastPiece[r]!; p >= 0; p = pieces.previous[p]!) {
      if (pieces.start[p]! <= pos) { const loc = pieces.location[p]!; return loc >= 0 && loc < this.x.numPregs ? loc : -1; }
    }
    return -1;
  }

  /** Spill weight of piece `it` (its uses, each counted 10^loop depth), counted up to `limit`. */
  weight(it: number, limit: number): number {
    const pieces = this.pieces;
    ensureLoopDepths(this.x);
    let w = 0;
    const uses = this.x.ranges.useList, hi = pieces.endUse[it]!, depth = this.x.loops.loopDepth, blockOf = this.x.loops.blockOfInst;
    for (let k = pieces.firstUse[it]!; k < hi && w < limit; k++) w += 10 ** Math.min(5, depth[blockOf[uses[k]! >>> 3]!]!);
    return w;
  }

  /** The spill slot of vreg v (a new one on its first spill), as a location. */
  spillSlot(v: number): number {
    if (this.x.spillSlotOf[v]! < 0) this.x.spillSlotOf[v] = this.x.spillSlotCount++;
    return SPILL_BASE + this.x.spillSlotOf[v]!;
  }

  /**
   * Best split position in (min, max]: max, or an earlier block start of lower loop
   * depth (so spill and reload code sits outside loops). `max` must be a gap position.
   * The moves of a split at a block's start go on the edges into it; when the block
   * before it in the layout is less deeply nested, it is the first block of a loop laid
   * out in one piece (rotated: body, latch, header), whose only entry edge comes from
   * outside, so the start counts at the outer depth.
   */
  splitPos(min: number, max: number): number {
    ensureLoopDepths(this.x);
    const depth = this.x.loops.loopDepth, blockOf = this.x.loops.blockOfInst;
    const maxBlock = blockOf[max >> 2]!;
    let best = max, bestDepth = depth[maxBlock]!;
    const minBlock = min < 0 ? 0 : blockOf[min >> 2]!;
    for (let b = maxBlock, steps = 0; b > minBlock && steps < 256 && bestDepth > 0; b--, steps++) {
      const d = Math.min(depth[b]!, depth[b - 1]!);
      if (d < bestDepth) { bestDepth = d; best = 4 * this.x.input.blocks[b]!.first; }
    }
    return best;
  }

  /** Puts piece `it` in its spill slot until just before its next register use, whose piece goes back to unhandled. */
  spill(it: number, notBefore: number): void {
    const pieces = this.pieces;
    const start = pieces.start[it]!;
    const r = pieces.nextRegUse(it, start);
    if (r !== INF) {
      const max = gapFloor(r);
      if (max <= start) throw new Error(`regalloc: cannot spill v${pieces.reg[it]!} at ${start}: it needs a register there`);
      const pos = this.splitPos(Math.max(start, notBefore - 1), max);
      this.push(pieces.split(it, pos));
    }
    pieces.location[it] = this.spillSlot(pieces.reg[it]!);
  }

  /** Allocates every piece: the scan proper (intervals by start, see linear-scan.ts). */
  run(): void {
    const pieces = this.pieces;
    const x = this.x, np = x.numPregs, rc = x.input.regCount, ranges = x.ranges, rStart = ranges.start, rFrom = ranges.from, rTo = ranges.to;
    pieces.bindRanges(ranges);
    for (let p = 0; p < np; p++) {
      const lo = rStart[p]!, hi = rStart[p + 1]!;
      if (lo === hi) { this.fixedPiece[p] = -1; continue; }
      this.x.usedPregs[p] = 1;
      this.fixedPiece[p] = pieces.add(p, lo, hi, rFrom[lo]!, rTo[hi - 1]!, 0, 0);
    }
    // The first heap: the vregs' pieces in start order (ties by vreg), which is a valid heap.
    // Pieces are numbered in vreg order, which is a few ascending runs of starts (values are
    // numbered as they are defined, temps after them): a stable merge of those runs.
    const first = pieces.count;
    let n = 0;
    for (let v = np; v < rc; v++) {
      const lo = rStart[v]!, hi = rStart[v + 1]!;
      if (lo !== hi) { pieces.add(v, lo, hi, rFrom[lo]!, rTo[hi - 1]!, this.x.ranges.useStart[v]!, this.x.ranges.useStart[v + 1]!); n++; }
    }
    this.heap = atLeast(this.heap, n);
    for (let k = 0; k < n; k++) this.heap[k] = first + k;
    this.sortByStart(n);
    this.heapCount = n;
    while (this.heapCount > 0) {
      // Active and inactive pieces are distinct pieces, so room for all of them is enough.
      if (this.active.length < pieces.count) {
        this.active = grown(this.active, pieces.count);
        this.inactive = grown(this.inactive, pieces.count);
      }
      const cur = this.pop();
      const pos = pieces.start[cur]!;
      const active = this.active, inactive = this.inactive, pEnd = pieces.end, pLoc = pieces.location, activeIn = this.activeIn;
      const stable = pieces.stableUntil;
      for (let k = 0; k < this.activeCount; k++) {
        const it = active[k]!;
        if (pos < stable[it]!) continue; // still in the same range
        if (pEnd[it]! <= pos) { activeIn[pLoc[it]!]!--; active[k] = active[--this.activeCount]!; k--; }
        else if (!pieces.covers(it, pos)) { activeIn[pLoc[it]!]!--; inactive[this.inactiveCount++] = it; active[k] = active[--this.activeCount]!; k--; }
      }
      for (let k = 0; k < this.inactiveCount; k++) {
        const it = inactive[k]!;
        if (pos < stable[it]!) continue; // still in the same hole
        if (pEnd[it]! <= pos) { inactive[k] = inactive[--this.inactiveCount]!; k--; }
        else if (pieces.covers(it, pos)) { activeIn[pLoc[it]!]!++; active[this.activeCount++] = it; inactive[k] = inactive[--this.inactiveCount]!; k--; }
      }
      pieces.link(cur);
      if (!this.tryFree(cur)) this.allocateBlocked(cur);
      const loc = pieces.location[cur]!;
      if (loc < np) { this.x.usedPregs[loc] = 1; this.activeIn[loc]!++; this.active[this.activeCount++] = cur; }
    }
  }

  /** Assigns a register free for all of piece `cur` or a prefix of it (splitting the rest off). */
  tryFree(cur: number): boolean {
    const pieces = this.pieces;
    const input = this.x.input, cls = input.regClass[pieces.reg[cur]!]!, regs = input.allocatable[cls]!, fu = this.freeUntil;
    const start = pieces.start[cur]!, end = pieces.end[cur]!, nr = regs.length;
    // A hint register free for the whole piece wins (the source's first), so try those
    // before working out how long every register is free.
    for (let k = 0; k < 2; k++) {
      const h = this.hintReg(cur, k === 0);
      if (h >= 0 && regs.includes(h) && this.freeUntilOf(h, cur, cls) >= end) { pieces.location[cur] = h; return true; }
    }
    // Whole fit: the first register in preference order, but a callee-saved one not used yet
    // only for a value that lives across a call (a call clobbers all caller-saved ones).
    let reg = -1, fallback = -1;
    for (let k = 0; k < nr; k++) {
      const p = regs[k]!;
      if (this.freeUntilOf(p, cur, cls) < end) continue;
      if (this.calleeSaved[p] === 1 && this.x.usedPregs[p] === 0 && fallback < 0) { fallback = p; continue; }
      if (this.calleeSaved[p] === 0 || this.x.usedPregs[p] !== 0) { reg = p; break; }
    }
    if (reg < 0 && fallback >= 0) {
      // A callee-saved register costs a save and a restore; a value used less than that
      // (weighted by loop depth) waits in its slot until it needs a register, if it can.
      const first = pieces.nextRegUse(cur, start);
      if (this.weight(cur, CALLEE_SAVE_COST) < CALLEE_SAVE_COST && (first === INF || gapFloor(first) > start)) {
        this.spill(cur, start);
        return true;
      }
      reg = fallback;
    }
    if (reg >= 0) { pieces.location[cur] = reg; return true; }
    // Prefix: the register free longest (how long each one is free, all at once).
    for (let k = 0; k < nr; k++) {
      const p = regs[k]!, f = this.fixedPiece[p]!;
      // Taken by an active piece. (Else the fixed interval: those of the other class are not
      // looked at, so their cursors advance only here; a cursor left behind only costs steps.)
      if (this.activeIn[p] !== 0) fu[p] = 0;
      else if (f < 0) fu[p] = INF;
      else { pieces.covers(f, start); fu[p] = pieces.intersect(f, cur); }
    }
    for (let k = 0; k < this.inactiveCount; k++) {
      const it = this.inactive[k]!, loc = pieces.location[it]!;
      if (fu[loc]! === 0 || input.regClass[pieces.reg[it]!] !== cls) continue;
      const meet = pieces.intersect(it, cur);
      if (meet < fu[loc]!) fu[loc] = meet;
    }
    let best = -1;
    for (let k = 0; k < nr; k++) { const p = regs[k]!; if (best < 0 || fu[p]! > fu[best]!) best = p; }
    const at = gapFloor(fu[best]!);
    if (best < 0 || at <= start) return false;
    const pos = this.splitPos(start, at);
    // A split inside a loop, in the block where the piece starts, moves the value on every
    // iteration: then let the blocked case evict a value used less often (or spill this one).
    const blockOf = this.x.loops.blockOfInst, posBlock = blockOf[pos >> 2]!;
    if (pos > 4 * input.blocks[posBlock]!.first && posBlock === blockOf[start >> 2] && this.x.loops.loopDepth[posBlock]! > 0) return false;
    this.push(pieces.split(cur, pos));
    pieces.location[cur] = best;
    return true;
  }

  /** Until where preg p is free for piece `cur` of class `cls` (what tryFree computes for every register, for one). */
  freeUntilOf(p: number, cur: number, cls: number): number {
    const pieces = this.pieces;
    if (this.activeIn[p] !== 0) return 0;
    const f = this.fixedPiece[p]!;
    let until = INF;
    if (f >= 0) { pieces.covers(f, pieces.start[cur]!); until = pieces.intersect(f, cur); }
    const inactive = this.inactive, regClass = this.x.input.regClass;
    for (let k = 0; k < this.inactiveCount; k++) {
      const it = inactive[k]!;
      if (pieces.location[it] !== p || regClass[pieces.reg[it]!] !== cls) continue;
      const meet = pieces.intersect(it, cur);
      if (meet < until) until = meet;
    }
    return until;
  }

  /** No register is free: evict the one used furthest in the future, or spill piece `cur`. */
  allocateBlocked(cur: number): void {
    const pieces = this.pieces;
    const input = this.x.input, cls = input.regClass[pieces.reg[cur]!]!, regs = input.allocatable[cls]!, nu = this.nextUse, bp = this.blockedAt;
    // No local alias of the piece tables: splits below may grow them.
    const pos = pieces.start[cur]!, gap = gapFloor(pos), nr = regs.length;
    for (let k = 0; k < nr; k++) {
      const p = regs[k]!, f = this.fixedPiece[p]!;
      let fixedAt = INF;
      if (f >= 0) { pieces.covers(f, pos); fixedAt = pieces.intersect(f, cur); }
      nu[p] = fixedAt; bp[p] = fixedAt;
    }
    for (let k = 0; k < this.activeCount; k++) {
      // A holder read by this instruction can still be stored after the read (see below).
      const it = this.active[k]!, loc = pieces.location[it]!;
      const n = pieces.nextRegUse(it, pos);
      if (n < nu[loc]!) nu[loc] = n;
    }
    for (let k = 0; k < this.inactiveCount; k++) {
      const it = this.inactive[k]!;
      if (input.regClass[pieces.reg[it]!] !== cls || pieces.intersect(it, cur) === INF) continue;
      const n = pieces.nextRegUse(it, pos), loc = pieces.location[it]!;
      if (n < nu[loc]!) nu[loc] = n;
    }
    let reg = -1;
    for (let k = 0; k < nr; k++) { const p = regs[k]!; if (reg < 0 || nu[p]! > nu[reg]!) reg = p; }
    const first = pieces.nextRegUse(cur, pos);
    if (nu[reg]! <= first) {
      // Everything else is needed sooner: cur waits in its slot until its first register use.
      if (first !== INF && gapFloor(first) <= pos) {
        throw new Error(`regalloc: no register for a must-have-register operand (v${pieces.reg[cur]!}, class ${cls})`);
      }
      this.spill(cur, pos);
      return;
    }
    pieces.location[cur] = reg;
    if (bp[reg]! < pieces.end[cur]!) {
      const at = gapFloor(bp[reg]!);
      if (at <= pos) throw new Error(`regalloc: no register for v${pieces.reg[cur]!} before a fixed use of ${reg}`);
      this.push(pieces.split(cur, at));
    }
    // Move the other holders of reg out of cur's way.
    const active = this.active, inactive = this.inactive;
    for (let k = 0; k < this.activeCount; k++) {
      const it = active[k]!;
      if (pieces.location[it] !== reg) continue;
      active[k] = active[--this.activeCount]!; k--;
      this.activeIn[reg]!--;
      // Store as early as possible after its last register use (outside loops when it can);
      // when this instruction reads it, the store goes before the instruction and the
      // register keeps the value for the read (a split at cur's def position).
      const lastUse = pieces.lastRegUseBefore(it, pos), itStart = pieces.start[it]!;
      if (itStart >= pos || (itStart >= gap && lastUse < gap)) { this.spill(it, pos); continue; }
      const at = lastUse >= gap ? pos : this.splitPos(Math.max(lastUse, itStart), gap);
      const rest = pieces.split(it, at);
      pieces.link(rest);
      this.spill(rest, pos);
    }
    for (let k = 0; k < this.inactiveCount; k++) {
      const it = inactive[k]!;
      if (pieces.location[it] !== reg || pieces.intersect(it, cur) === INF) continue;
      inactive[k] = inactive[--this.inactiveCount]!; k--;
      // Split at the end of its lifetime hole; the rest is allocated again.
      let j = pieces.rangeCursor[it]!;
      while (pieces.to(it, j) <= pos) j++;
      this.push(pieces.split(it, pieces.from(it, j)));
    }
  }
}
