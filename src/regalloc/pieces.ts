/**
 * The piece table of the linear scan (linear-scan.ts): a *piece* is a register id's live
 * interval, or the part of it left after splitting, with one location. Pieces are numbers
 * into struct-of-arrays fields; a piece owns a run of its register's ranges and of its
 * use positions (both in the range tables of intervals.ts).
 *
 *   piece p:  reg[p]            the register id (a vreg, or a preg for a fixed interval)
 *             location[p]       preg, spill slot `SPILL_BASE + s`, or -1 before allocation
 *             firstRange[p] ..  its ranges [firstRange, endRange), the first starting at
 *             endRange[p]       start[p] and the last ending at end[p] (a split cuts a range)
 *             firstUse[p] ..    its uses useList[firstUse .. endUse)
 *             endUse[p]
 *             rangeCursor[p]    the range where `covers` resumes (queries come in ascending order)
 *             stableUntil[p]    position before which the last `covers` answer holds (-1: unknown)
 *             previous[p]       the register's piece allocated before p (-1: none)
 *   per register id r: lastPiece[r] (-1: none) and pieceCount[r], the list through `previous`.
 */
import { INF, NO_INTS, atLeast, grown } from './arrays.js';
import type { RangeTables } from './intervals.js';
import type { Slab } from '../util/columns.js';

/** The pieces of one allocation (see the file comment); reused from function to function. */
export class PieceTable {
  /** Number of pieces. */
  count = 0;
  reg: Int32Array<ArrayBuffer>;
  location: Int32Array<ArrayBuffer>;
  rangeCursor: Int32Array<ArrayBuffer>;
  firstRange: Int32Array<ArrayBuffer>;
  endRange: Int32Array<ArrayBuffer>;
  start: Int32Array<ArrayBuffer>;
  end: Int32Array<ArrayBuffer>;
  firstUse: Int32Array<ArrayBuffer>;
  endUse: Int32Array<ArrayBuffer>;
  previous: Int32Array<ArrayBuffer>;
  stableUntil: Int32Array<ArrayBuffer>;
  /** Per register id: its last allocated piece (-1 for none) and its number of pieces. */
  lastPiece: Int32Array<ArrayBuffer>;
  pieceCount: Int32Array<ArrayBuffer>;
  /**
   * The range and use tables of intervals.ts, bound for the scan (`bindRanges`): read by the
   * smallest, most frequent queries here, so kept one field away rather than two.
   */
  private rangeFrom: Int32Array = NO_INTS;
  private rangeTo: Int32Array = NO_INTS;
  private uses: Int32Array = NO_INTS;

  constructor(slab: Slab) {
    this.reg = slab.i32(256); this.location = slab.i32(256); this.rangeCursor = slab.i32(256);
    this.firstRange = slab.i32(256); this.endRange = slab.i32(256); this.start = slab.i32(256);
    this.end = slab.i32(256); this.firstUse = slab.i32(256); this.endUse = slab.i32(256);
    this.previous = slab.i32(256); this.stableUntil = slab.i32(256);
    this.lastPiece = slab.i32(64);
    this.pieceCount = slab.i32(64);
  }

  /** Binds the finished range and use tables of intervals.ts (they do not change while pieces are made and split). */
  bindRanges(ranges: RangeTables): void {
    this.rangeFrom = ranges.from;
    this.rangeTo = ranges.to;
    this.uses = ranges.useList;
  }

  /** Lets go of the bound tables (kept only for the duration of a call). */
  unbindRanges(): void {
    this.rangeFrom = this.rangeTo = this.uses = NO_INTS;
  }

  /** Starts a function with `regCount` register ids and no pieces. */
  reset(regCount: number): void {
    this.count = 0;
    this.lastPiece = atLeast(this.lastPiece, regCount).fill(-1, 0, regCount);
    this.pieceCount = atLeast(this.pieceCount, regCount).fill(0, 0, regCount);
  }

  /** A new piece of register id r owning ranges [rangeLo, rangeHi) and uses [useLo, useHi). */
  add(r: number, rangeLo: number, rangeHi: number, start: number, end: number, useLo: number, useHi: number): number {
    const p = this.count++;
    if (p === this.reg.length) {
      const n = p + 1;
      this.reg = grown(this.reg, n); this.location = grown(this.location, n); this.rangeCursor = grown(this.rangeCursor, n);
      this.firstRange = grown(this.firstRange, n); this.endRange = grown(this.endRange, n); this.start = grown(this.start, n);
      this.end = grown(this.end, n); this.firstUse = grown(this.firstUse, n); this.endUse = grown(this.endUse, n);
      this.previous = grown(this.previous, n); this.stableUntil = grown(this.stableUntil, n);
    }
    this.reg[p] = r; this.location[p] = -1; this.rangeCursor[p] = rangeLo;
    this.firstRange[p] = rangeLo; this.endRange[p] = rangeHi; this.start[p] = start; this.end[p] = end;
    this.firstUse[p] = useLo; this.endUse[p] = useHi; this.previous[p] = -1; this.stableUntil[p] = -1;
    return p;
  }
  /** Start of range k of piece p. */
  from(p: number, k: number): number { return k === this.firstRange[p] ? this.start[p]! : this.rangeFrom[k]!; }
  /** End of range k of piece p. */
  to(p: number, k: number): number { return k === this.endRange[p]! - 1 ? this.end[p]! : this.rangeTo[k]!; }
  /** True if piece p is live at `pos`; `pos` must not decrease between calls. Sets stableUntil[p]. */
  covers(p: number, pos: number): boolean {
    let c = this.rangeCursor[p]!;
    const hi = this.endRange[p]!;
    while (c < hi && this.to(p, c) <= pos) c++;
    this.rangeCursor[p] = c;
    if (c === hi) { this.stableUntil[p] = -1; return false; }
    const f = this.from(p, c);
    if (f <= pos) { this.stableUntil[p] = this.to(p, c); return true; }
    this.stableUntil[p] = f;
    return false;
  }
  /** First position where pieces a and b are both live, or INF. */
  intersect(a: number, b: number): number {
    let i = this.rangeCursor[a]!, j = this.rangeCursor[b]!;
    const ih = this.endRange[a]!, jh = this.endRange[b]!;
    while (i < ih && j < jh) {
      const fi = this.from(a, i), fj = this.from(b, j);
      if (this.to(a, i) <= fj) i++;
      else if (this.to(b, j) <= fi) j++;
      else return fi > fj ? fi : fj;
    }
    return INF;
  }
  /** Index of piece p's first use at or after `pos` (binary search: uses are sorted). */
  firstUseAt(p: number, pos: number): number {
    const uses = this.uses;
    let lo = this.firstUse[p]!, hi = this.endUse[p]!;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (uses[mid]! < 2 * pos) lo = mid + 1; else hi = mid;
    }
    return lo;
  }
  /** First use position >= pos of piece p that needs a register (use entries are position*2 + needsRegister). */
  nextRegUse(p: number, pos: number): number {
    const uses = this.uses, hi = this.endUse[p]!;
    for (let k = this.firstUseAt(p, pos); k < hi; k++) if ((uses[k]! & 1) !== 0) return uses[k]! >>> 1;
    return INF;
  }
  /** Last use position < pos of piece p that needs a register, or -1. */
  lastRegUseBefore(p: number, pos: number): number {
    const uses = this.uses, lo = this.firstUse[p]!;
    for (let k = this.firstUseAt(p, pos) - 1; k >= lo; k--) if ((uses[k]! & 1) !== 0) return uses[k]! >>> 1;
    return -1;
  }
  /** Splits off the part of piece p from `pos` (start < pos < end) and returns it. */
  split(p: number, pos: number): number {
    let k = this.firstRange[p]!;
    while (this.to(p, k) <= pos) k++;
    const uk = this.firstUseAt(p, pos);
    const fk = this.from(p, k);
    const inRange = fk < pos;
    const child = this.add(this.reg[p]!, k, this.endRange[p]!, inRange ? pos : fk, this.end[p]!, uk, this.endUse[p]!);
    if (inRange) { this.endRange[p] = k + 1; this.end[p] = pos; }
    else { this.end[p] = this.to(p, k - 1); this.endRange[p] = k; }
    if (this.rangeCursor[p]! >= this.endRange[p]!) this.rangeCursor[p] = this.endRange[p]! - 1;
    this.endUse[p] = uk;
    this.stableUntil[p] = -1;
    return child;
  }
  /** Adds piece p to its register's list (the pieces allocated so far). */
  link(p: number): void {
    const r = this.reg[p]!;
    this.previous[p] = this.lastPiece[r]!;
    this.lastPiece[r] = p;
    this.pieceCount[r]!++;
  }
}
