/**
 * Character sets as sorted, disjoint, non-adjacent inclusive ranges of code points (or code
 * units without the `u` flag). Immutable once built; the parser and the engines share them.
 *
 * Layout: `ranges` = [lo0, hi0, lo1, hi1, ...] with lo0 <= hi0 < lo1 - 1 ...
 * `latin1` caches membership of 0..255 for the hot path of the backtracker.
 */

/** Highest code unit (non-`u` mode). */
export const MAX_UNIT = 0xffff;
/** Highest code point (`u` mode). */
export const MAX_CODE_POINT = 0x10ffff;

/** An immutable set of characters. */
export class CharSet {
  /** Sorted inclusive range bounds. */
  readonly ranges: Int32Array;
  /** Membership of 0..255. */
  private readonly latin1: Uint8Array;

  /** Builds from already-normalised ranges; use `CharSet.of` for arbitrary input. */
  constructor(ranges: Int32Array) {
    this.ranges = ranges;
    this.latin1 = new Uint8Array(256);
    for (let k = 0; k < ranges.length; k += 2) {
      const lo = ranges[k]!, hi = ranges[k + 1]!;
      if (lo > 255) break;
      this.latin1.fill(1, lo, Math.min(hi, 255) + 1);
    }
  }

  /** A set from unsorted, possibly overlapping [lo, hi] pairs. */
  static of(pairs: readonly number[]): CharSet {
    const n = pairs.length >> 1;
    const idx: number[] = [];
    for (let k = 0; k < n; k++) idx.push(k);
    idx.sort((a, b) => pairs[2 * a]! - pairs[2 * b]!);
    const out: number[] = [];
    for (const k of idx) {
      const lo = pairs[2 * k]!, hi = pairs[2 * k + 1]!;
      if (lo > hi) continue;
      if (out.length > 0 && lo <= out[out.length - 1]! + 1) {
        if (hi > out[out.length - 1]!) out[out.length - 1] = hi;
      } else out.push(lo, hi);
    }
    return new CharSet(Int32Array.from(out));
  }

  /** The set of one character. */
  static single(c: number): CharSet {
    return new CharSet(Int32Array.of(c, c));
  }

  /** True if `c` is a member. */
  has(c: number): boolean {
    if (c < 256) return this.latin1[c] === 1;
    const r = this.ranges;
    let lo = 0, hi = (r.length >> 1) - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (c < r[2 * mid]!) hi = mid - 1;
      else if (c > r[2 * mid + 1]!) lo = mid + 1;
      else return true;
    }
    return false;
  }

  /** True if the set has no members. */
  get isEmpty(): boolean {
    return this.ranges.length === 0;
  }

  /** The single member if the set has exactly one, else -1. */
  get single(): number {
    return this.ranges.length === 2 && this.ranges[0] === this.ranges[1] ? this.ranges[0]! : -1;
  }

  /** Number of members. */
  get size(): number {
    let n = 0;
    for (let k = 0; k < this.ranges.length; k += 2) n += this.ranges[k + 1]! - this.ranges[k]! + 1;
    return n;
  }

  /** The union of this and `o`. */
  union(o: CharSet): CharSet {
    return CharSet.of([...this.ranges, ...o.ranges]);
  }

  /** Everything in 0..max not in this set. */
  negate(max: number): CharSet {
    const out: number[] = [];
    let next = 0;
    for (let k = 0; k < this.ranges.length; k += 2) {
      const lo = this.ranges[k]!, hi = this.ranges[k + 1]!;
      if (lo > max) break;
      if (lo > next) out.push(next, lo - 1);
      next = hi + 1;
    }
    if (next <= max) out.push(next, max);
    return new CharSet(Int32Array.from(out));
  }

  /** The intersection of this and `o`. */
  intersect(o: CharSet): CharSet {
    const a = this.ranges, b = o.ranges, out: number[] = [];
    let i = 0, j = 0;
    while (i < a.length && j < b.length) {
      const lo = Math.max(a[i]!, b[j]!), hi = Math.min(a[i + 1]!, b[j + 1]!);
      if (lo <= hi) out.push(lo, hi);
      if (a[i + 1]! < b[j + 1]!) i += 2; else j += 2;
    }
    return new CharSet(Int32Array.from(out));
  }

  /** Members as a list (only for small sets). */
  members(limit = 64): number[] {
    const out: number[] = [];
    for (let k = 0; k < this.ranges.length; k += 2) {
      for (let c = this.ranges[k]!; c <= this.ranges[k + 1]!; c++) {
        out.push(c);
        if (out.length > limit) return out;
      }
    }
    return out;
  }
}

/** ECMAScript line terminators: \n \r U+2028 U+2029. */
export const LINE_TERMINATORS = CharSet.of([0x0a, 0x0a, 0x0d, 0x0d, 0x2028, 0x2029]);
/** `\d`. */
export const DIGITS = CharSet.of([0x30, 0x39]);
/** `\w` (basic word characters). */
export const WORD = CharSet.of([0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a]);
/** `\w` under `iu` (adds U+017F and U+212A, which case-fold to s and k). */
export const WORD_IU = CharSet.of([0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a, 0x17f, 0x17f, 0x212a, 0x212a]);
/** `\s`: WhiteSpace and LineTerminator of ECMAScript. */
export const SPACE = CharSet.of([
  0x09, 0x0d, 0x20, 0x20, 0xa0, 0xa0, 0x1680, 0x1680, 0x2000, 0x200a, 0x2028, 0x2029, 0x202f, 0x202f, 0x205f, 0x205f,
  0x3000, 0x3000, 0xfeff, 0xfeff,
]);
