/**
 * Typed-array columns of equal length carved out of one ArrayBuffer.
 *
 * Why: V8 gives every typed array over 64 bytes its own backing store, which
 * costs about 0.3-0.5 µs per array plus garbage-collector work, while a view on
 * an existing buffer costs about 20 ns. Tables whose columns grow together (an
 * IR function's instruction, value, block and destination columns; a pass's
 * scratch arrays) therefore allocate as one group. Take the columns in the
 * order f64, i32, u8 so that each stays aligned.
 */
export class Columns {
  private readonly buffer: ArrayBuffer;
  private offset: number;

  /**
   * Room for `f64s` float columns, `i32s` int columns and `u8s` byte columns of `length` entries
   * each: a buffer of its own, or with `arena` the next `Columns.bytes(...)` bytes of the arena's.
   */
  constructor(readonly length: number, f64s: number, i32s: number, u8s: number, arena?: ColumnArena) {
    if (arena === undefined) {
      this.buffer = new ArrayBuffer(length * (8 * f64s + 4 * i32s + u8s));
      this.offset = 0;
    } else {
      this.buffer = arena.buffer;
      this.offset = arena.take(Columns.bytes(length, f64s, i32s, u8s));
    }
  }
  /** Bytes such a group takes in an arena (rounded up to 8, so that the next group's f64 columns stay aligned). */
  static bytes(length: number, f64s: number, i32s: number, u8s: number): number {
    return (length * (8 * f64s + 4 * i32s + u8s) + 7) & ~7;
  }
  /** The next Float64Array column, zeroed; `from` is copied into its start. */
  f64(from?: Float64Array): Float64Array<ArrayBuffer> {
    const a = new Float64Array(this.buffer, this.offset, this.length);
    this.offset += 8 * this.length;
    if (from !== undefined) a.set(from.length > this.length ? from.subarray(0, this.length) : from);
    return a;
  }
  /** The next Int32Array column: `from` copied into its start, the rest `fill`. */
  i32(from?: Int32Array, fill = 0): Int32Array<ArrayBuffer> {
    const a = new Int32Array(this.buffer, this.offset, this.length);
    this.offset += 4 * this.length;
    const n = from === undefined ? 0 : Math.min(from.length, this.length);
    if (n > 0) a.set(n < from!.length ? from!.subarray(0, n) : from!);
    if (fill !== 0) a.fill(fill, n);
    return a;
  }
  /** The next Uint8Array column: `from` copied into its start, the rest zero. */
  u8(from?: Uint8Array): Uint8Array<ArrayBuffer> {
    const a = new Uint8Array(this.buffer, this.offset, this.length);
    this.offset += this.length;
    if (from !== undefined) a.set(from.length > this.length ? from.subarray(0, this.length) : from);
    return a;
  }
}

/**
 * One ArrayBuffer that several column groups (`new Columns(..., arena)`) and tables are carved
 * from in turn: a copy of many tables at once (`Module.clone`) then makes one backing store
 * instead of one per group. The caller sizes it with `Columns.bytes`.
 */
export class ColumnArena {
  private offset = 0;
  /** An arena carving from `buffer` (zeroed, or as the tables it receives expect). */
  constructor(readonly buffer: ArrayBuffer) {}
  /** Reserves `bytes` (a multiple of 8) and returns their offset. */
  take(bytes: number): number {
    const at = this.offset;
    if (at + bytes > this.buffer.byteLength) throw new RangeError(`ColumnArena: ${bytes} bytes at ${at} exceed the arena's ${this.buffer.byteLength}`);
    this.offset = at + bytes;
    return at;
  }
}

/** The capacity to grow a table of `current` entries to so that it holds `min` (doubling, at least 16). */
export function grownCapacity(current: number, min: number): number {
  let n = Math.max(16, current * 2);
  while (n < min) n *= 2;
  return n;
}

/**
 * Typed arrays of assorted lengths carved one after another out of one buffer, for
 * a set of tables that are all made at once and then grow one by one (a view costs
 * ~20 ns, an array of its own ~0.5 µs; see `Columns`). When the buffer is used up,
 * further arrays are allocated on their own.
 */
export class Slab {
  private readonly buffer: ArrayBuffer;
  private offset = 0;

  /** A slab of `bytes` bytes. */
  constructor(bytes: number) {
    this.buffer = new ArrayBuffer(bytes);
  }
  /** A zeroed Int32Array of `n` entries. */
  i32(n: number): Int32Array<ArrayBuffer> {
    const at = (this.offset + 3) & ~3;
    if (at + 4 * n > this.buffer.byteLength) return new Int32Array(n);
    this.offset = at + 4 * n;
    return new Int32Array(this.buffer, at, n);
  }
  /** A zeroed Uint8Array of `n` entries. */
  u8(n: number): Uint8Array<ArrayBuffer> {
    if (this.offset + n > this.buffer.byteLength) return new Uint8Array(n);
    const a = new Uint8Array(this.buffer, this.offset, n);
    this.offset += n;
    return a;
  }
}

/**
 * Numbered scratch tables of one compilation: table `k` is kept and refilled from one
 * use to the next and replaced only when a longer one is asked for, so a phase that
 * runs on every function allocates once. A table may be longer than asked for (use the
 * count you asked for, never `.length`); it is valid until its number is asked for again.
 * The optimiser (`FuncContext`) and the backend (`BackendScratch`) each number their uses.
 */
export class ScratchTables {
  private readonly i32s: Int32Array[] = [];
  private readonly u8s: Uint8Array[] = [];
  /** Int table `k` with at least `n` entries, the first `n` set to `fill`. */
  i32(k: number, n: number, fill: number): Int32Array {
    let a = this.i32s[k];
    if (a === undefined || a.length < n) this.i32s[k] = a = new Int32Array(Math.max(16, 2 * n));
    a.fill(fill, 0, n);
    return a;
  }
  /** Int table `k` with at least `n` entries, its contents kept (grown when shorter: for a table filled as it grows). */
  i32Kept(k: number, n: number): Int32Array {
    const a = this.i32s[k];
    if (a !== undefined && a.length >= n) return a;
    const b = new Int32Array(Math.max(16, 2 * n));
    if (a !== undefined) b.set(a);
    return (this.i32s[k] = b);
  }
  /** Byte table `k` with at least `n` entries, the first `n` zeroed. */
  u8(k: number, n: number): Uint8Array {
    let a = this.u8s[k];
    if (a === undefined || a.length < n) this.u8s[k] = a = new Uint8Array(Math.max(16, 2 * n));
    a.fill(0, 0, n);
    return a;
  }
  /** Drops every table. */
  clear(): void {
    this.i32s.length = 0;
    this.u8s.length = 0;
  }
}
