/**
 * A hash table of instructions scoped by the dominator tree, shared by `gvn`
 * and `loadelim`: a pass hashes an instruction to a bucket (`mask` bounds the
 * hash), looks through the bucket's chain (`first`, then `next`), and inserts
 * what later dominated code may reuse. `walk` visits the dominator tree in
 * preorder and, when a block's subtree is done, removes what that block
 * inserted, so a lookup only ever finds instructions that dominate it.
 */
import { NONE } from '../ir/function.js';
import type { FuncContext } from './context.js';

/** Instructions by hash bucket, with scope marks for a dominator-tree walk. */
export class ScopedInstTable {
  /** Hashes must be reduced with `& mask`. */
  readonly mask: number;
  /** Instruction ids below this fit (see `holds`). */
  readonly capacity: number;
  /** Next instruction in the same bucket, or NONE. */
  readonly next: Int32Array;
  private readonly buckets: Int32Array;
  private readonly bucketOf: Int32Array;
  private readonly inserted: Int32Array;
  private count = 0;

  /** A table for the instructions of a function with `instCount` instruction ids. */
  constructor(instCount: number) {
    let size = 16;
    while (size < instCount * 2) size *= 2;
    this.mask = size - 1;
    this.capacity = instCount;
    this.buckets = new Int32Array(size).fill(NONE);
    this.next = new Int32Array(instCount).fill(NONE);
    this.bucketOf = new Int32Array(instCount);
    this.inserted = new Int32Array(instCount);
  }
  /**
   * True when the table can serve a function with `instCount` instruction ids. More buckets
   * than a new table would have change nothing a pass finds: equal entries hash alike, so
   * they share a chain in either table, in the same (most recent first) order.
   */
  fits(instCount: number): boolean {
    return instCount <= this.capacity;
  }
  /** True when instruction id `i` has room in the table (ids created after it was sized may not). */
  holds(i: number): boolean {
    return i < this.capacity;
  }
  /** Empties the table (after a walk it is empty already; a pass may have stopped early). */
  clear(): void {
    this.buckets.fill(NONE);
    this.count = 0;
  }
  /** The most recently inserted instruction of bucket `h`, or NONE. */
  first(h: number): number {
    return this.buckets[h]!;
  }
  /** Adds instruction `i` to bucket `h` until the current block's subtree is done. */
  insert(i: number, h: number): void {
    this.next[i] = this.buckets[h]!;
    this.buckets[h] = i;
    this.bucketOf[i] = h;
    this.inserted[this.count++] = i;
  }
  /** Calls `visit(b)` on every reachable block in dominator-tree preorder, scoping what it inserts. */
  walk(ctx: FuncContext, visit: (b: number) => void): void {
    ctx.walkDominatorTree(
      (b) => {
        const mark = this.count;
        visit(b);
        return mark;
      },
      (_b, mark) => {
        while (this.count > mark) {
          const i = this.inserted[--this.count]!;
          this.buckets[this.bucketOf[i]!] = this.next[i]!;
        }
      },
    );
  }
}
