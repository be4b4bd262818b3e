/**
 * Temporary native memory for one call: the bytes behind `str` arguments and behind
 * `pointer(T)` / `out(T)` / `inout(T)` arguments given as JS values.
 *
 * Synchronous calls share one arena per thread (`threadTempMemory`), used as a stack: a
 * call notes `top`, allocates above it, and restores it when it returns (also when it
 * throws). A callback that makes further calls while C still uses the outer call's
 * temporaries allocates above them, so nothing the outer call handed to C is overwritten.
 * An allocation that does not fit gets its own buffer, kept in `chunks` until `top` is
 * restored. An asynchronous call gets a private TempMemory, kept alive by its promise.
 */
import { native } from './addon.js';

/** Bytes of the per-thread arena. */
const ARENA_BYTES = 256 * 1024;

/** A bump allocator over a buffer whose native address is known. */
export class TempMemory {
  /** The arena's bytes. */
  readonly buffer: Buffer;
  /** A DataView over `buffer`. */
  readonly dv: DataView;
  /** Native address of `buffer[0]`. */
  readonly base: number;
  /** Next free offset. */
  top = 0;
  /** Overflow allocations (each its own buffer), with their addresses. */
  readonly chunks: { buffer: Buffer; address: number }[] = [];

  constructor(bytes: number) {
    this.buffer = Buffer.alloc(bytes);
    this.dv = new DataView(this.buffer.buffer, this.buffer.byteOffset, bytes);
    this.base = Number(native.addressOf(this.buffer));
  }

  /** Reserves `n` bytes aligned to 16; returns the offset in `buffer`, or -1 when full. */
  private reserve(n: number): number {
    const at = (this.top + 15) & ~15;
    if (at + n > this.buffer.length) return -1;
    this.top = at + n;
    return at;
  }

  /** A fresh zero-filled buffer of `n` bytes outside the arena; returns its address. */
  private overflow(n: number): { buffer: Buffer; address: number } {
    const buffer = Buffer.alloc(Math.max(n, 1));
    const chunk = { buffer, address: Number(native.addressOf(buffer)) };
    this.chunks.push(chunk);
    return chunk;
  }

  /** Copies `bytes` into temporary memory; returns the address. */
  bytes(bytes: Uint8Array): number {
    const at = this.reserve(bytes.length);
    if (at < 0) {
      const c = this.overflow(bytes.length);
      c.buffer.set(bytes);
      return c.address;
    }
    this.buffer.set(bytes, at);
    return this.base + at;
  }

  /** `n` zero bytes of temporary memory; returns the address. */
  zeros(n: number): number {
    const at = this.reserve(n);
    if (at < 0) return this.overflow(n).address;
    this.buffer.fill(0, at, at + n);
    return this.base + at;
  }

  /** `s` as NUL-terminated UTF-8; returns the address. */
  utf8(s: string): number {
    const max = s.length * 3 + 1;
    const at = this.reserve(max);
    if (at < 0) {
      const c = this.overflow(Buffer.byteLength(s, 'utf8') + 1);
      c.buffer.write(s, 0, 'utf8');
      return c.address;
    }
    const n = this.buffer.write(s, at, 'utf8');
    this.buffer[at + n] = 0;
    this.top = at + n + 1;
    return this.base + at;
  }

  /** `s` as UTF-16 (little-endian) ending in a 0 unit; returns the address. */
  utf16(s: string): number {
    const n = s.length * 2 + 2;
    const at = this.reserve(n);
    if (at < 0) {
      const c = this.overflow(n);
      c.buffer.write(s, 0, 'utf16le');
      return c.address;
    }
    this.buffer.write(s, at, 'utf16le');
    this.buffer[at + n - 2] = 0;
    this.buffer[at + n - 1] = 0;
    return this.base + at;
  }

  /** The DataView holding temporary address `address` (the arena's, or an overflow buffer's). */
  dvAt(address: number): DataView {
    if (address >= this.base && address < this.base + this.buffer.length) return this.dv;
    for (const c of this.chunks) {
      if (address >= c.address && address < c.address + c.buffer.length) return new DataView(c.buffer.buffer, c.buffer.byteOffset, c.buffer.length);
    }
    throw new Error(`internal error: 0x${address.toString(16)} is not temporary memory`);
  }

  /** The offset of `address` in `dvAt(address)`. */
  offsetOf(address: number): number {
    if (address >= this.base && address < this.base + this.buffer.length) return address - this.base;
    for (const c of this.chunks) if (address >= c.address && address < c.address + c.buffer.length) return address - c.address;
    throw new Error(`internal error: 0x${address.toString(16)} is not temporary memory`);
  }

  /** Frees everything allocated since `top` was `mark` and `chunks` had `chunkMark` entries. */
  release(mark: number, chunkMark: number): void {
    this.top = mark;
    this.chunks.length = chunkMark;
  }
}

let arena: TempMemory | undefined;

/** This thread's arena for synchronous calls (each worker has its own module instance). */
export function threadTempMemory(): TempMemory {
  if (arena === undefined) arena = new TempMemory(ARENA_BYTES);
  return arena;
}

/** A private TempMemory for one asynchronous call. */
export function privateTempMemory(): TempMemory {
  return new TempMemory(512);
}
