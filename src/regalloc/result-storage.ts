/**
 * Where the allocator's results live: the arena whose buffers hold every result's tables,
 * and the growable move lists resolution fills (sorted into the arena by `finish`).
 */
import type { MoveList } from './allocation.js';
import { atLeast, grown } from './arrays.js';

/** The empty move list, shared by every result that has no moves of a kind (nothing writes to a list). */
const NO_MOVES: MoveList = { count: 0, key: new Int32Array(0), from: new Int32Array(0), to: new Int32Array(0), reg: new Int32Array(0) };

/**
 * Where results live: consecutive regions of shared buffers (4 KiB for a compilation's
 * first, doubling up to 64 KiB), handed out as views.
 * A typed array of its own costs a backing-store allocation, which for a small function
 * costs more than the rest of its allocation. Regions are never reused (results own them);
 * a buffer stays alive while any result in it does.
 */
export class Arena {
  /** The current buffer as words and as bytes; words[used ..) are free. */
  words = new Int32Array(0);
  bytes = new Uint8Array(0);
  used = 0;
  /** Words in the next buffer: a compilation starts small and doubles up to ARENA_WORDS. */
  private nextWords = 1024;
  /** Reserves `ints` words followed by `extraBytes` bytes; returns the word index of the region in `words` (changed when a new buffer was needed). */
  take(ints: number, extraBytes: number): number {
    const need = ints + ((extraBytes + 3) >> 2);
    if (this.used + need > this.words.length) {
      // A new buffer (of the result's size when that is larger).
      const buffer = new ArrayBuffer(4 * Math.max(need, this.nextWords));
      this.nextWords = Math.min(2 * this.nextWords, ARENA_WORDS);
      this.words = new Int32Array(buffer);
      this.bytes = new Uint8Array(buffer);
      this.used = 0;
    }
    const at = this.used;
    this.used += need;
    return at;
  }
}
/** Words per arena buffer (64 KiB). */
const ARENA_WORDS = 1 << 14;

/** Growable move list (its arrays are reused from one function to the next). */
export class MoveBuffer {
  /** Number of moves held. */
  count = 0;
  /** Per move: its key (instruction or edge index), source and destination locations, and the register id it carries. */
  key = new Int32Array(64);
  from = new Int32Array(64);
  to = new Int32Array(64);
  reg = new Int32Array(64);
  /** Counting-sort buckets of `finish` (one per key value). */
  private bucket = new Int32Array(64);
  /** Appends a move: key `k`, from location `f` to location `t`, carrying register id `r`. */
  add(k: number, f: number, t: number, r: number): void {
    const n = this.count;
    if (n === this.key.length) {
      this.key = grown(this.key, n + 1); this.from = grown(this.from, n + 1);
      this.to = grown(this.to, n + 1); this.reg = grown(this.reg, n + 1);
    }
    this.key[n] = k; this.from[n] = f; this.to[n] = t; this.reg[n] = r;
    this.count = n + 1;
  }
  /** The list sorted by key (stable) in words[at .. at + 4 * count), or the shared empty list; this one is emptied. */
  finish(words: Int32Array, at: number): MoveList {
    const n = this.count;
    if (n === 0) return NO_MOVES;
    this.count = 0;
    const out = { count: n, key: words.subarray(at, at + n), from: words.subarray(at + n, at + 2 * n), to: words.subarray(at + 2 * n, at + 3 * n), reg: words.subarray(at + 3 * n, at + 4 * n) };
    const key = this.key;
    let sorted = true, maxKey = 0;
    for (let i = 0; i < n; i++) {
      const k = key[i]!;
      if (i > 0 && k < key[i - 1]!) sorted = false;
      if (k > maxKey) maxKey = k;
    }
    if (sorted) {
      for (let i = 0; i < n; i++) { out.key[i] = key[i]!; out.from[i] = this.from[i]!; out.to[i] = this.to[i]!; out.reg[i] = this.reg[i]!; }
      return out;
    }
    // Stable counting sort by key (keys are instruction or edge indexes, so at most about the
    // function's size): moves of one key keep the order they were added in.
    const bucket = this.bucket = atLeast(this.bucket, maxKey + 2).fill(0, 0, maxKey + 2);
    for (let i = 0; i < n; i++) bucket[key[i]! + 1]!++;
    for (let k = 0; k <= maxKey; k++) bucket[k + 1]! += bucket[k]!;
    for (let i = 0; i < n; i++) {
      const j = bucket[key[i]!]!++;
      out.key[j] = key[i]!; out.from[j] = this.from[i]!; out.to[j] = this.to[i]!; out.reg[j] = this.reg[i]!;
    }
    return out;
  }
}
