/**
 * A first-fit free-list allocator over one region of `size` bytes, handing out
 * aligned offsets. Used by code memory for each mapped region; it knows nothing
 * about memory itself, only offsets, so it is tested on its own.
 *
 * Invariant: free blocks are kept sorted by offset, never overlap and never
 * touch (adjacent blocks are merged on free), so the region is empty exactly
 * when one free block spans it.
 */

/** Offsets and sizes of free blocks in one region; all multiples of `granularity`. */
export class FreeListAllocator {
  /** Total bytes managed. */
  readonly size: number;
  /** Allocation unit: every offset and size handed out is a multiple of it. */
  readonly granularity: number;
  private starts: number[];
  private lengths: number[];
  private used: number;

  constructor(size: number, granularity: number) {
    if (!Number.isInteger(size) || size <= 0 || size % granularity !== 0) {
      throw new RangeError(`FreeListAllocator: size ${size} must be a positive multiple of ${granularity}`);
    }
    this.size = size;
    this.granularity = granularity;
    this.starts = [0];
    this.lengths = [size];
    this.used = 0;
  }

  /** Bytes currently allocated. */
  get usedBytes(): number {
    return this.used;
  }

  /** True when nothing is allocated. */
  get isEmpty(): boolean {
    return this.used === 0;
  }

  /** Size of the largest free block (an upper bound of what `allocate` can return). */
  get largestFree(): number {
    let best = 0;
    for (let i = 0; i < this.lengths.length; i++) if (this.lengths[i]! > best) best = this.lengths[i]!;
    return best;
  }

  /** Rounds a byte count up to the granularity. */
  roundUp(bytes: number): number {
    const g = this.granularity;
    return Math.ceil(bytes / g) * g;
  }

  /**
   * Allocates `bytes` (rounded up to the granularity) at an offset that is a
   * multiple of `align` (a power of two); returns the offset or -1 if no block fits.
   */
  allocate(bytes: number, align: number): number {
    const need = this.roundUp(bytes);
    const a = Math.max(align, this.granularity);
    for (let i = 0; i < this.starts.length; i++) {
      const start = this.starts[i]!;
      const length = this.lengths[i]!;
      const aligned = Math.ceil(start / a) * a;
      const pad = aligned - start;
      if (pad + need > length) continue;
      const tail = length - pad - need;
      if (pad === 0 && tail === 0) {
        this.starts.splice(i, 1);
        this.lengths.splice(i, 1);
      } else if (pad === 0) {
        this.starts[i] = start + need;
        this.lengths[i] = tail;
      } else if (tail === 0) {
        this.lengths[i] = pad;
      } else {
        this.lengths[i] = pad;
        this.starts.splice(i + 1, 0, aligned + need);
        this.lengths.splice(i + 1, 0, tail);
      }
      this.used += need;
      return aligned;
    }
    return -1;
  }

  /** Returns a block obtained from `allocate(bytes, ...)` at `offset`. */
  free(offset: number, bytes: number): void {
    const length = this.roundUp(bytes);
    const end = offset + length;
    if (offset < 0 || end > this.size || offset % this.granularity !== 0) {
      throw new RangeError(`FreeListAllocator: block [${offset}, ${end}) is not in this region`);
    }
    // Binary search for the first free block starting after `offset`.
    let lo = 0;
    let hi = this.starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.starts[mid]! < offset) lo = mid + 1;
      else hi = mid;
    }
    const prev = lo - 1;
    const next = lo;
    if (prev >= 0 && this.starts[prev]! + this.lengths[prev]! > offset) {
      throw new Error(`FreeListAllocator: block at ${offset} is already free (double free)`);
    }
    if (next < this.starts.length && this.starts[next]! < end) {
      throw new Error(`FreeListAllocator: block at ${offset} is already free (double free)`);
    }
    const joinPrev = prev >= 0 && this.starts[prev]! + this.lengths[prev]! === offset;
    const joinNext = next < this.starts.length && this.starts[next]! === end;
    if (joinPrev && joinNext) {
      this.lengths[prev] = this.lengths[prev]! + length + this.lengths[next]!;
      this.starts.splice(next, 1);
      this.lengths.splice(next, 1);
    } else if (joinPrev) {
      this.lengths[prev] = this.lengths[prev]! + length;
    } else if (joinNext) {
      this.starts[next] = offset;
      this.lengths[next] = this.lengths[next]! + length;
    } else {
      this.starts.splice(next, 0, offset);
      this.lengths.splice(next, 0, length);
    }
    this.used -= length;
  }

  /** The free blocks, for tests and diagnostics. */
  freeBlocks(): Array<[offset: number, length: number]> {
    return this.starts.map((s, i) => [s, this.lengths[i]!] as [number, number]);
  }
}
