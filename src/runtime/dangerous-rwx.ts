/**
 * The classic "allocate RWX and run" route, kept ONLY to demonstrate why it is
 * unsafe and for tests that compare against it. A page that is writable and
 * executable at once lets any memory-corruption bug in the process become
 * arbitrary code execution. Never use this for real code: use CodeMemory.
 *
 * Hardened hosts (PR_SET_MDWE, systemd MemoryDenyWriteExecute, SELinux
 * deny_execmem) refuse the mapping; that surfaces as an mmap Error.
 */
import { native } from './addon.js';

/** A writable AND executable block of memory. Dangerous by design: for demos and tests only. */
export class DangerousRwxBlock {
  private base: bigint;
  private freed = false;
  /** Bytes mapped (a whole number of pages). */
  readonly size: number;

  constructor(base: bigint, size: number) {
    this.base = base;
    this.size = size;
  }

  /** Start address; throws once freed. */
  get address(): bigint {
    this.check('use');
    return this.base;
  }

  /** True once freed. */
  get isFreed(): boolean {
    return this.freed;
  }

  /** Copies bytes in — the page stays executable while it is written: that is the danger. */
  write(bytes: Uint8Array, offset = 0): void {
    this.check('write to');
    if (!(bytes instanceof Uint8Array)) throw new TypeError('DangerousRwxBlock.write: bytes must be a Uint8Array');
    if (!Number.isInteger(offset) || offset < 0 || offset + bytes.length > this.size) {
      throw new RangeError(`DangerousRwxBlock.write: ${bytes.length} bytes at offset ${offset} do not fit in ${this.size} bytes`);
    }
    native.write(this.base + BigInt(offset), bytes);
  }

  /** Calls the start as `int64_t f(int64_t x6)`. */
  callInt(...args: bigint[]): bigint {
    this.check('call');
    if (args.length > 6) throw new RangeError(`callInt: at most 6 integer arguments, got ${args.length}`);
    const a = [0n, 0n, 0n, 0n, 0n, 0n];
    for (let i = 0; i < args.length; i++) {
      if (typeof args[i] !== 'bigint') throw new TypeError(`callInt: argument ${i} must be a bigint`);
      a[i] = BigInt.asIntN(64, args[i]!);
    }
    return native.callI64(this.base, a[0]!, a[1]!, a[2]!, a[3]!, a[4]!, a[5]!);
  }

  /** Unmaps the block; later use throws. */
  free(): void {
    if (this.freed) throw new Error('DangerousRwxBlock: already freed');
    native.munmap(this.base, this.size);
    this.freed = true;
  }

  private check(action: string): void {
    if (this.freed) throw new Error(`DangerousRwxBlock: cannot ${action} it: it was freed`);
  }
}

/**
 * Maps `size` bytes readable, WRITABLE AND EXECUTABLE at once. This breaks W^X
 * on purpose, to show the classic JIT article's first step and why jitkit does
 * not do it. Demonstrations and tests only.
 */
export function dangerouslyAllocateRwx(size: number): DangerousRwxBlock {
  if (!Number.isInteger(size) || size <= 0 || size > 1 << 30) {
    throw new RangeError(`dangerouslyAllocateRwx: size must be an integer from 1 to 2^30, got ${String(size)}`);
  }
  const page = native.pageSize();
  const bytes = Math.ceil(size / page) * page;
  const k = native.constants;
  const base = native.mmap(bytes, k.PROT_READ | k.PROT_WRITE | k.PROT_EXEC, k.MAP_PRIVATE | k.MAP_ANONYMOUS, -1, 0);
  return new DangerousRwxBlock(base, bytes);
}
