/**
 * Code memory: where jitted machine code lives, W^X always.
 *
 *   allocate(size) -> CodeWriter  --write(bytes)-->  finalize() -> CodeHandle  --free()
 *
 * Two schemes, chosen per CodeMemory (`scheme: 'auto'` tries them in order):
 *
 *  dual-mapping  One memfd per region, mapped twice: a RW view that is never
 *                executable and a RX view, at another address, that is never
 *                writable. Code is written through the RW view and runs from the
 *                RX view, so writing new code never makes existing code writable
 *                and no protection ever changes. Many chunks share a page.
 *
 *  mprotect      Fallback where memfd_create or an executable shared mapping is
 *                refused. Anonymous RW/RX pages; a chunk owns whole pages, which
 *                are RW while it is written and flipped to RX on finalize, so no
 *                page holding callable code is ever writable.
 *
 * Terms: a *region* is one mapped range (both views for dual-mapping); a
 * *chunk* is one allocation in a region. Free space and freed chunks are filled
 * with int3 (0xCC), so a stale native pointer traps instead of running old code.
 * Regions are unmapped when they become empty (one empty region is kept as a
 * spare so that alloc/free loops do not map and unmap every time).
 */
import { native } from './addon.js';
import { FreeListAllocator } from './free-list.js';

/** How code memory keeps pages from being writable and executable at once. */
export type CodeMemoryScheme = 'dual-mapping' | 'mprotect';

/** Options for a CodeMemory. */
export interface CodeMemoryOptions {
  /** `'auto'` (default): dual-mapping, falling back to mprotect where refused. */
  scheme?: 'auto' | CodeMemoryScheme;
  /** Bytes per region (a multiple of the page size); default 256 KiB. */
  regionSize?: number;
}

/** Options for one allocation. */
export interface AllocateOptions {
  /** Alignment of the code's start, a power of two from 1 to the page size; default 16. */
  align?: number;
  /** A name for error messages and diagnostics. */
  name?: string;
}

/** Counters describing a CodeMemory, for tests and diagnostics. */
export interface CodeMemoryStats {
  readonly scheme: CodeMemoryScheme;
  readonly regions: number;
  /** Bytes of address space mapped for code (one view; dual-mapping maps it twice). */
  readonly mappedBytes: number;
  /** Number of mappings (VMAs) created: two per region for dual-mapping, one otherwise. */
  readonly mappings: number;
  readonly liveChunks: number;
  readonly usedBytes: number;
}

/** The int3 instruction: what free code memory is filled with. */
export const TRAP_FILL_BYTE = 0xcc;
/** The largest single allocation accepted. */
export const MAX_CODE_SIZE = 1 << 30;

const DEFAULT_REGION_SIZE = 256 * 1024;
const DUAL_GRANULARITY = 16;
const enum ChunkState {
  Writable,
  Executable,
  Freed,
}

interface Region {
  /** Address where code runs (the RX view). */
  readonly exec: bigint;
  /** Address where code is written: the RW view (dual) or `exec` itself (mprotect). */
  readonly write: bigint;
  readonly size: number;
  readonly allocator: FreeListAllocator;
}

/** One allocation: the record shared by a writer, its handle and the finalizer. */
class Chunk {
  state: ChunkState = ChunkState.Writable;
  constructor(
    readonly memory: CodeMemory,
    readonly region: Region,
    readonly offset: number,
    /** Bytes reserved (the request rounded up). */
    readonly reserved: number,
    /** Bytes requested. */
    readonly size: number,
    readonly name: string,
  ) {}
}

// Frees chunks whose writer or handle was garbage-collected without free().
const collector = new FinalizationRegistry<Chunk>((chunk) => {
  if (chunk.state !== ChunkState.Freed) {
    try {
      chunk.memory.releaseChunk(chunk);
    } catch {
      // Nothing can report from a finalizer; the region stays mapped.
    }
  }
});

function describe(chunk: Chunk): string {
  return `code '${chunk.name}' (${chunk.size} bytes at 0x${(chunk.region.exec + BigInt(chunk.offset)).toString(16)})`;
}

function freedError(chunk: Chunk, action: string): Error {
  const e = new Error(`jitkit: cannot ${action} ${describe(chunk)}: it was freed`);
  (e as NodeJS.ErrnoException).code = 'ERR_JITKIT_CODE_FREED';
  return e;
}

/** Errno codes that mean "this kernel or policy refuses the dual-mapping scheme". */
const REFUSED = new Set(['EPERM', 'EACCES', 'ENOSYS', 'EINVAL', 'ENODEV']);

/** Hands out W^X code chunks of any size, many per page, and reuses freed space. */
export class CodeMemory {
  private resolvedScheme: CodeMemoryScheme | undefined;
  private readonly requestedScheme: 'auto' | CodeMemoryScheme;
  private readonly regionSize: number;
  private readonly pageSize: number;
  private regions: Region[] = [];
  private lastUsed = 0;
  private live = 0;
  private disposed = false;
  /** Why 'auto' fell back to mprotect, when it did. */
  fallbackReason: string | undefined;

  constructor(options: CodeMemoryOptions = {}) {
    const scheme = options.scheme ?? 'auto';
    if (scheme !== 'auto' && scheme !== 'dual-mapping' && scheme !== 'mprotect') {
      throw new TypeError(`CodeMemory: scheme must be 'auto', 'dual-mapping' or 'mprotect', got ${String(scheme)}`);
    }
    this.pageSize = native.pageSize();
    const regionSize = options.regionSize ?? DEFAULT_REGION_SIZE;
    if (!Number.isInteger(regionSize) || regionSize <= 0 || regionSize % this.pageSize !== 0) {
      throw new RangeError(`CodeMemory: regionSize must be a positive multiple of the page size (${this.pageSize}), got ${regionSize}`);
    }
    this.requestedScheme = scheme;
    this.regionSize = regionSize;
    if (scheme !== 'auto') this.resolvedScheme = scheme;
  }

  /** The scheme in use; for 'auto' this maps the first region to find out. */
  get scheme(): CodeMemoryScheme {
    if (this.resolvedScheme === undefined) {
      this.checkNotDisposed('query');
      this.regions.push(this.mapRegion(this.regionSize));
    }
    return this.resolvedScheme!;
  }

  /** Reserves `size` bytes of code memory and returns a writer for them. */
  allocate(size: number, options: AllocateOptions = {}): CodeWriter {
    return new CodeWriter(this.reserve(size, options));
  }

  /** Finds room for a chunk (and makes its pages writable under mprotect). */
  private reserve(size: number, options: AllocateOptions): Chunk {
    this.checkNotDisposed('allocate');
    if (typeof size !== 'number' || !Number.isInteger(size)) {
      throw new TypeError(`CodeMemory.allocate: size must be an integer number of bytes, got ${String(size)}`);
    }
    if (size <= 0) throw new RangeError(`CodeMemory.allocate: size must be at least 1 byte, got ${size}`);
    if (size > MAX_CODE_SIZE) {
      throw new RangeError(`CodeMemory.allocate: size ${size} exceeds the limit of ${MAX_CODE_SIZE} bytes`);
    }
    const align = options.align ?? 16;
    if (!Number.isInteger(align) || align < 1 || align > this.pageSize || (align & (align - 1)) !== 0) {
      throw new RangeError(`CodeMemory.allocate: align must be a power of two from 1 to ${this.pageSize}, got ${String(align)}`);
    }
    const name = options.name ?? 'anonymous';
    const scheme = this.scheme;
    // mprotect chunks own whole pages: protection is per page.
    const effectiveAlign = scheme === 'mprotect' ? this.pageSize : align;
    let region: Region | undefined;
    let offset = -1;
    const count = this.regions.length;
    for (let k = 0; k < count; k++) {
      const i = (this.lastUsed + k) % count;
      const r = this.regions[i]!;
      offset = r.allocator.allocate(size, effectiveAlign);
      if (offset >= 0) {
        region = r;
        this.lastUsed = i;
        break;
      }
    }
    if (region === undefined) {
      const need = Math.ceil((size + effectiveAlign) / this.pageSize) * this.pageSize;
      region = this.mapRegion(Math.max(this.regionSize, need));
      this.regions.push(region);
      this.lastUsed = this.regions.length - 1;
      offset = region.allocator.allocate(size, effectiveAlign);
    }
    const reserved = region.allocator.roundUp(size);
    if (scheme === 'mprotect') {
      try {
        native.mprotect(region.exec + BigInt(offset), reserved, native.constants.PROT_READ | native.constants.PROT_WRITE);
      } catch (e) {
        region.allocator.free(offset, reserved);
        throw e;
      }
    }
    this.live++;
    return new Chunk(this, region, offset, reserved, size, name);
  }

  /** Allocates, writes `bytes` and finalizes in one step. */
  place(bytes: Uint8Array, options: AllocateOptions = {}): CodeHandle {
    if (!(bytes instanceof Uint8Array)) {
      throw new TypeError('CodeMemory.place: bytes must be a Uint8Array');
    }
    // The same steps as allocate/write/finalize, without the writer object
    // (installing many small functions is a hot path).
    return this.placeWith(bytes.length, () => bytes, options);
  }

  /**
   * Allocates `size` bytes, asks `fill` for the bytes to place at the address they will run at (at
   * most `size`: position-dependent code, e.g. a linker's image), writes and finalizes them: the
   * steps of allocate/write/finalize without the writer object and its finalizer registration.
   * If `fill` throws, the memory is given back and the error passes on.
   */
  placeWith(size: number, fill: (address: bigint) => Uint8Array, options: AllocateOptions = {}): CodeHandle {
    const chunk = this.reserve(size, options);
    try {
      const bytes = fill(chunk.region.exec + BigInt(chunk.offset));
      if (!(bytes instanceof Uint8Array) || bytes.length > size) {
        throw new RangeError(`CodeMemory.placeWith: fill must return a Uint8Array of at most ${size} bytes`);
      }
      native.write(chunk.region.write + BigInt(chunk.offset), bytes);
      this.finalizeChunk(chunk);
    } catch (e) {
      this.releaseChunk(chunk);
      throw e;
    }
    return new CodeHandle(chunk);
  }

  /** Counters for tests and diagnostics. */
  stats(): CodeMemoryStats {
    let mapped = 0;
    let used = 0;
    for (const r of this.regions) {
      mapped += r.size;
      used += r.allocator.usedBytes;
    }
    const scheme = this.resolvedScheme ?? 'dual-mapping';
    return {
      scheme,
      regions: this.regions.length,
      mappedBytes: mapped,
      mappings: this.regions.length * (scheme === 'dual-mapping' ? 2 : 1),
      liveChunks: this.live,
      usedBytes: used,
    };
  }

  /** Unmaps everything. Every handle from this memory then throws when used. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const regions = this.regions;
    this.regions = [];
    this.live = 0;
    for (const r of regions) this.unmapRegion(r);
  }

  /** True after dispose(). */
  get isDisposed(): boolean {
    return this.disposed;
  }

  /** @internal Makes a chunk's pages executable (mprotect scheme); called by CodeWriter. */
  finalizeChunk(chunk: Chunk): void {
    if (this.resolvedScheme === 'mprotect') {
      native.mprotect(chunk.region.exec + BigInt(chunk.offset), chunk.reserved, native.constants.PROT_READ | native.constants.PROT_EXEC);
    }
    chunk.state = ChunkState.Executable;
  }

  /** @internal Fills a chunk with int3, returns it to its region, and unmaps empty regions. */
  releaseChunk(chunk: Chunk): void {
    if (chunk.state === ChunkState.Freed) return;
    const wasExecutable = chunk.state === ChunkState.Executable;
    chunk.state = ChunkState.Freed;
    if (this.disposed) return;
    const region = chunk.region;
    const k = native.constants;
    if (this.resolvedScheme === 'mprotect') {
      const at = region.exec + BigInt(chunk.offset);
      if (wasExecutable) native.mprotect(at, chunk.reserved, k.PROT_READ | k.PROT_WRITE);
      native.fill(at, chunk.reserved, TRAP_FILL_BYTE);
      native.mprotect(at, chunk.reserved, k.PROT_READ | k.PROT_EXEC);
    } else {
      native.fill(region.write + BigInt(chunk.offset), chunk.reserved, TRAP_FILL_BYTE);
    }
    region.allocator.free(chunk.offset, chunk.reserved);
    this.live--;
    if (region.allocator.isEmpty) this.releaseEmptyRegions(region);
  }

  private releaseEmptyRegions(justEmptied: Region): void {
    // Keep one empty region as a spare; unmap any other empty one.
    let spareKept = false;
    for (const r of this.regions) {
      if (r !== justEmptied && r.allocator.isEmpty && r.size === this.regionSize) spareKept = true;
    }
    if (!spareKept && justEmptied.size === this.regionSize) return;
    this.regions = this.regions.filter((r) => r !== justEmptied);
    this.lastUsed = 0;
    this.unmapRegion(justEmptied);
  }

  private checkNotDisposed(action: string): void {
    if (this.disposed) throw new Error(`CodeMemory: cannot ${action}: this CodeMemory was disposed`);
  }

  private mapRegion(size: number): Region {
    if (this.resolvedScheme === 'mprotect') return this.mapMprotectRegion(size);
    try {
      const region = this.mapDualRegion(size);
      this.resolvedScheme = 'dual-mapping';
      return region;
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (this.requestedScheme !== 'auto' || !REFUSED.has(err.code ?? '')) throw e;
      this.fallbackReason = err.message;
      this.resolvedScheme = 'mprotect';
      return this.mapMprotectRegion(size);
    }
  }

  private mapDualRegion(size: number): Region {
    const k = native.constants;
    const fd = native.memfdCreate('jitkit-code', k.MFD_CLOEXEC);
    let writeView = 0n;
    let execView = 0n;
    try {
      native.ftruncate(fd, size);
      writeView = native.mmap(size, k.PROT_READ | k.PROT_WRITE, k.MAP_SHARED, fd, 0);
      try {
        execView = native.mmap(size, k.PROT_READ | k.PROT_EXEC, k.MAP_SHARED, fd, 0);
      } catch (e) {
        native.munmap(writeView, size);
        throw e;
      }
    } finally {
      // The mappings keep the memfd alive; the descriptor itself is not needed.
      native.close(fd);
    }
    native.fill(writeView, size, TRAP_FILL_BYTE);
    return { exec: execView, write: writeView, size, allocator: new FreeListAllocator(size, DUAL_GRANULARITY) };
  }

  private mapMprotectRegion(size: number): Region {
    const k = native.constants;
    const at = native.mmap(size, k.PROT_READ | k.PROT_WRITE, k.MAP_PRIVATE | k.MAP_ANONYMOUS, -1, 0);
    try {
      native.fill(at, size, TRAP_FILL_BYTE);
      native.mprotect(at, size, k.PROT_READ | k.PROT_EXEC);
    } catch (e) {
      native.munmap(at, size);
      throw e;
    }
    return { exec: at, write: at, size, allocator: new FreeListAllocator(size, this.pageSize) };
  }

  private unmapRegion(r: Region): void {
    native.munmap(r.exec, r.size);
    if (r.write !== r.exec) native.munmap(r.write, r.size);
  }
}

/** A chunk of code memory being written; finalize() makes it callable and read-only. */
export class CodeWriter {
  private readonly chunk: Chunk;

  constructor(chunk: Chunk) {
    this.chunk = chunk;
    collector.register(this, chunk, this);
  }

  /** Address where the code will run (for position-dependent code and relocations). */
  get address(): bigint {
    this.check('use');
    return this.chunk.region.exec + BigInt(this.chunk.offset);
  }

  /** Address the bytes are written through: the RW view (dual-mapping) or `address` itself (mprotect). */
  get writeAddress(): bigint {
    this.check('use');
    return this.chunk.region.write + BigInt(this.chunk.offset);
  }

  /** Bytes requested. */
  get size(): number {
    return this.chunk.size;
  }

  /** Copies `bytes` to `offset` within the chunk. */
  write(bytes: Uint8Array, offset = 0): void {
    this.check('write to');
    if (!(bytes instanceof Uint8Array)) throw new TypeError('CodeWriter.write: bytes must be a Uint8Array');
    if (!Number.isInteger(offset) || offset < 0 || offset + bytes.length > this.chunk.size) {
      throw new RangeError(
        `CodeWriter.write: ${bytes.length} bytes at offset ${offset} do not fit in ${describe(this.chunk)}`,
      );
    }
    native.write(this.chunk.region.write + BigInt(this.chunk.offset + offset), bytes);
  }

  /** Makes the code executable and never writable again; returns its handle. */
  finalize(): CodeHandle {
    this.check('finalize');
    const chunk = this.chunk;
    chunk.memory.finalizeChunk(chunk);
    collector.unregister(this);
    return new CodeHandle(chunk);
  }

  /** Gives the memory back without finalizing. */
  discard(): void {
    if (this.chunk.state === ChunkState.Freed) return;
    this.check('discard');
    collector.unregister(this);
    this.chunk.memory.releaseChunk(this.chunk);
  }

  private check(action: string): void {
    const chunk = this.chunk;
    if (chunk.state === ChunkState.Executable) {
      throw new Error(`jitkit: cannot ${action} ${describe(chunk)}: it is finalized, and finalized code is never writable`);
    }
    if (chunk.state === ChunkState.Freed || chunk.memory.isDisposed) throw freedError(chunk, action);
  }
}

/** Pads integer arguments of the minimal call path to the six System V registers. */
function toInt64(value: unknown, index: number): bigint {
  if (typeof value === 'bigint') {
    if (value < -(1n << 63n) || value >= 1n << 64n) {
      throw new RangeError(`callInt: argument ${index} (${value}) does not fit in 64 bits`);
    }
    return BigInt.asIntN(64, value);
  }
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  throw new TypeError(`callInt: argument ${index} must be a bigint or a safe integer number, got ${typeof value === 'number' ? value : typeof value}`);
}

/** A placed, executable function: its address, size, a minimal call path and free(). */
export class CodeHandle {
  private readonly chunk: Chunk;

  constructor(chunk: Chunk) {
    this.chunk = chunk;
    collector.register(this, chunk, this);
  }

  /** The name given at allocation. */
  get name(): string {
    return this.chunk.name;
  }

  /** Bytes of code. */
  get size(): number {
    return this.chunk.size;
  }

  /** True once free() ran (or its CodeMemory was disposed). */
  get isFreed(): boolean {
    return this.chunk.state === ChunkState.Freed || this.chunk.memory.isDisposed;
  }

  /** The entry address; throws once freed. */
  get address(): bigint {
    this.assertLive('use');
    return this.chunk.region.exec + BigInt(this.chunk.offset);
  }

  /** Throws a clear error if this code was freed; later layers call it before every use. */
  assertLive(action = 'call'): void {
    if (this.isFreed) throw freedError(this.chunk, action);
  }

  /** Frees the code: its bytes become int3, and any later use throws. */
  free(): void {
    if (this.isFreed) {
      const e = new Error(`jitkit: cannot free ${describe(this.chunk)}: it was already freed`);
      (e as NodeJS.ErrnoException).code = 'ERR_JITKIT_CODE_FREED';
      throw e;
    }
    collector.unregister(this);
    this.chunk.memory.releaseChunk(this.chunk);
  }

  /**
   * Calls the code as `int64_t f(int64_t a0, ..., a5)` (System V). Minimal
   * foundation call path: up to 6 integer arguments, bigint or safe-integer numbers.
   */
  callInt(...args: Array<bigint | number>): bigint {
    this.assertLive('call');
    if (args.length > 6) throw new RangeError(`callInt: at most 6 integer arguments, got ${args.length}`);
    const a: bigint[] = [0n, 0n, 0n, 0n, 0n, 0n];
    for (let i = 0; i < args.length; i++) a[i] = toInt64(args[i], i);
    const address = this.address;
    return native.callI64(address, a[0]!, a[1]!, a[2]!, a[3]!, a[4]!, a[5]!);
  }

  /** Calls the code as `double f(double d0, ..., d7)`: up to 8 double arguments. */
  callFloat(...args: number[]): number {
    this.assertLive('call');
    if (args.length > 8) throw new RangeError(`callFloat: at most 8 double arguments, got ${args.length}`);
    const d = [0, 0, 0, 0, 0, 0, 0, 0];
    for (let i = 0; i < args.length; i++) {
      const v = args[i];
      if (typeof v !== 'number') throw new TypeError(`callFloat: argument ${i} must be a number, got ${typeof v}`);
      d[i] = v;
    }
    const address = this.address;
    return native.callF64(address, d[0]!, d[1]!, d[2]!, d[3]!, d[4]!, d[5]!, d[6]!, d[7]!);
  }
}

let defaultMemory: CodeMemory | undefined;

/** The process-wide CodeMemory used when none is given ('auto' scheme). */
export function defaultCodeMemory(): CodeMemory {
  if (defaultMemory === undefined || defaultMemory.isDisposed) defaultMemory = new CodeMemory();
  return defaultMemory;
}
