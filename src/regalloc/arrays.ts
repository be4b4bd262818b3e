/**
 * Small helpers of the allocator's phases: growable typed arrays, the position
 * arithmetic of linear-scan.ts's terms, and shared constants.
 */

/** A position later than any real one. */
export const INF = 0x3fffffff;

/** Position of the gap at or before `pos` (positions: gap 4i, use 4i+1, def 4i+2). */
export function gapFloor(pos: number): number { return pos & ~3; }

/** `a` if it has at least `n` entries, else a new, larger array (contents not kept). */
export function atLeast(a: Int32Array<ArrayBuffer>, n: number): Int32Array<ArrayBuffer> {
  return a.length >= n ? a : new Int32Array(Math.max(n, 2 * a.length));
}

/** `a` if it has at least `n` entries, else a larger copy of it. */
export function grown(a: Int32Array<ArrayBuffer>, n: number): Int32Array<ArrayBuffer> {
  if (a.length >= n) return a;
  const b = new Int32Array(Math.max(n, 2 * a.length));
  b.set(a);
  return b;
}

/** An empty table (operand-table fields between calls). */
export const NO_INTS = new Int32Array(0);
