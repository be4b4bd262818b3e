/**
 * Linear memory for sandboxed code: `size` read-write bytes inside a larger
 * reservation mapped with no access (guard pages), so that any access outside
 * them faults (and the fault handler, src/runtime/safety.ts, makes it heap_oob).
 * The bytes are an ArrayBuffer that owns the reservation: it is unmapped when
 * `release()` runs or when the buffer is garbage-collected, whichever comes first;
 * after release() the buffer is detached (length 0), so JS never reads unmapped memory.
 */
import { native } from './addon.js';

/** Read-write bytes in a guarded reservation. */
export class LinearMemory {
  /** The bytes (detached after release()). */
  readonly buffer: ArrayBuffer;
  /** Address of byte 0. */
  readonly address: bigint;
  /** Number of bytes. */
  readonly size: number;
  private readonly handle: bigint;
  private released = false;

  /**
   * Maps `size` bytes with `guardBelow` bytes of no access below them and `guardAbove - size`
   * above (both rounded to pages by the kernel's granularity).
   */
  constructor(size: number, guardBelow: number, guardAbove: number) {
    const page = native.pageSize();
    const below = Math.ceil(guardBelow / page) * page;
    const above = Math.ceil(Math.max(guardAbove, size + page) / page) * page;
    const [buffer, address, handle] = native.linearMemory(below + above, below, size);
    this.buffer = buffer;
    this.address = address;
    this.size = size;
    this.handle = handle;
  }

  /** Makes [offset, offset + length) (whole pages) read-only. */
  protectReadOnly(offset: number, length: number): void {
    if (length > 0) native.mprotect(this.address + BigInt(offset), length, native.constants.PROT_READ);
  }

  /** True once release() ran. */
  get isReleased(): boolean {
    return this.released;
  }

  /** Unmaps the memory now and detaches the buffer. */
  release(): void {
    if (this.released) return;
    this.released = true;
    native.releaseLinearMemory(this.buffer, this.handle);
  }
}
