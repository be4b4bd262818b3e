/**
 * Loads the native addon (native/jitkit.c) through node-gyp-build, so that a
 * prebuilt binary under prebuilds/ is used when present and build/Release
 * otherwise. The addon is deliberately small: system calls, raw memory copies
 * and a minimal call. Everything else is policy in TypeScript.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { readdirSync } from 'node:fs';
import * as path from 'node:path';

/** Constants the addon exports from the C headers. */
export interface NativeConstants {
  readonly PROT_NONE: number;
  readonly PROT_READ: number;
  readonly PROT_WRITE: number;
  readonly PROT_EXEC: number;
  readonly MAP_PRIVATE: number;
  readonly MAP_SHARED: number;
  readonly MAP_ANONYMOUS: number;
  readonly MFD_CLOEXEC: number;
  readonly ENOMEM: number;
  readonly EACCES: number;
  readonly EPERM: number;
  readonly EINVAL: number;
  readonly ENOSYS: number;
}

/** The raw native interface. Callers in src/runtime validate everything first. */
export interface NativeAddon {
  pageSize(): number;
  mmap(length: number, prot: number, flags: number, fd: number, offset: number): bigint;
  mprotect(address: bigint, length: number, prot: number): void;
  munmap(address: bigint, length: number): void;
  memfdCreate(name: string, flags: number): number;
  ftruncate(fd: number, length: number): void;
  close(fd: number): void;
  write(address: bigint, bytes: Uint8Array): void;
  fill(address: bigint, length: number, byte: number): void;
  read(address: bigint, length: number): Buffer;
  addressOf(view: ArrayBufferView | ArrayBuffer | SharedArrayBuffer): bigint;
  /** True if the ArrayBuffer was detached (transferred). */
  isDetached(buffer: ArrayBuffer | SharedArrayBuffer): boolean;
  callI64(address: bigint, a0: bigint, a1: bigint, a2: bigint, a3: bigint, a4: bigint, a5: bigint): bigint;
  callF64(
    address: bigint, d0: number, d1: number, d2: number, d3: number,
    d4: number, d5: number, d6: number, d7: number,
  ): number;
  /** Test-only: let `skip` calls of `call` through, then fail the next with `errno` without entering the kernel. */
  failNext(call: 'mmap' | 'mprotect' | 'munmap' | 'memfd_create' | 'ftruncate', errno: number, skip?: number): void;
  /** Opens a shared library (null: the process itself), with RTLD_DEEPBIND if `deepBind` (glibc); throws `dlopen failed: <dlerror>`. */
  dlopen(path: string | null, deepBind: boolean): bigint;
  /** Looks up a symbol; throws `dlsym failed: <dlerror>`. */
  dlsym(handle: bigint, name: string): bigint;
  dlclose(handle: bigint): void;
  /** The shared argument buffer of the fast call path (static memory in the addon). */
  argBuffer(): ArrayBuffer;
  argBufferAddress(): bigint;
  /**
   * The shared entries of the fast call path: call the thunk whose address (a
   * double) is in the buffer's last slot as `thunk(argBuffer)`, then store its
   * result (rax / xmm0 as double / xmm0 as float) into slot 0.
   */
  invokeInt(): void;
  invokeF64(): void;
  invokeF32(): void;
  /**
   * The asynchronous call (native/ffi.c): copies slots 0..argSlots and the target and thunk
   * slots, runs the thunk on the libuv pool (result kind 0 int, 1 f64, 2 f32) and resolves
   * to an ArrayBuffer of slots 0..resultSlots.
   */
  invokeAsync(kind: number, argSlots: number, resultSlots: number): Promise<ArrayBuffer>;
  /**
   * A callback record for JS function `fn` (its generated wrapper): frame layout (argSlots
   * includes the pointee copies of deref arguments), mode (0 wait, 1 post), name, and the
   * deref arguments as [argSlot, destSlot, size] triples.
   */
  callbackCreate(fn: () => void, argSlots: number, resultSlots: number, mode: number, name: string, derefs: Uint32Array, id: number): bigint;
  /** Fiber calls (runtime/fiber-calls.ts): run the call on a fiber; true when a callback waits for JS. */
  invokeFiberInt(): boolean;
  invokeFiberF64(): boolean;
  invokeFiberF32(): boolean;
  /** Continues the innermost waiting fiber call; true when it waits for another callback. */
  resumeFiber(): boolean;
  /** This thread's fiber state: [waiting callback id, fiber depth] as u32. */
  fiberState(): ArrayBuffer;
  /** Marks a callback record freed (later calls from C abort with a message). */
  callbackFree(record: bigint): void;
  /** Whether a callback keeps the event loop alive for calls from other threads. */
  callbackRef(record: bigint, keepAlive: boolean): void;
  /** An ArrayBuffer over `length` bytes of native memory at `address` (not owned). */
  viewAt(address: bigint, length: number): ArrayBuffer;
  /** The NUL-terminated UTF-8 string at `address` (a number). */
  readCString(address: number): string;
  /** The 0-terminated UTF-16 string at `address` (a number). */
  readCString16(address: number): string;
  /** Entry points generated code calls: the callback dispatcher. */
  ffiAddresses(): { dispatch: bigint };
  readonly constants: NativeConstants;
  /** Baselines for benchmarks: an empty Node-API function and hand-written equivalents. */
  readonly bench: {
    nop(): void;
    add4I32(x: number): number;
    add4I64(x: bigint): bigint;
    add4F64(x: number): number;
    sum6(a: number, b: number, c: number, d: number, e: number, f: number): number;
  };
}

/** The package root: dist/src/runtime/addon.js -> ../../.. */
export const packageRoot: string = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

const require = createRequire(import.meta.url);
const load = require('node-gyp-build') as (dir: string) => unknown;

/**
 * Loads the addon of the package at `root`: a build from source (build/Release, what
 * `npm install` makes in a clone) if there is one, else the prebuilt binary under prebuilds/
 * that matches this platform, architecture and libc. When none matches, the Error says what
 * was looked for, what the package ships and how to build from source.
 */
export function loadAddon(root: string): NativeAddon {
  try {
    return load(root) as NativeAddon;
  } catch (e) {
    const message = e instanceof Error ? e.message : '';
    if (!message.startsWith('No native build was found')) throw e;
    // node-gyp-build's message lists what it looked for as key=value pairs.
    const wanted = new Map([...message.matchAll(/(\w+)=(\S+)/g)].map((m) => [m[1]!, m[2]!] as const));
    const shipped = prebuiltBinaries(root);
    throw new Error(
      `jitkit: no native addon for ${wanted.get('platform') ?? process.platform}-${wanted.get('arch') ?? process.arch} ` +
        `(libc ${wanted.get('libc') ?? 'unknown'}, Node ${process.versions.node}) in ${root}. ` +
        `The package ships ${shipped.length > 0 ? `prebuilt binaries ${shipped.join(', ')}` : 'no prebuilt binary'}; ` +
        'jitkit runs on Linux x86-64 with glibc or musl. In a clone of the repository, `npm install` builds ' +
        'the addon from source (it needs a C compiler, make and python3).',
      { cause: e },
    );
  }
}

/** The prebuilt binaries under `root`/prebuilds, as `platform-arch/file` paths. */
function prebuiltBinaries(root: string): string[] {
  const dir = path.join(root, 'prebuilds');
  const out: string[] = [];
  try {
    for (const tuple of readdirSync(dir)) for (const file of readdirSync(path.join(dir, tuple))) out.push(`${tuple}/${file}`);
  } catch {
    // no prebuilds directory
  }
  return out.sort();
}

/** The loaded addon (loaded once, when this module is first imported). */
export const native: NativeAddon = loadAddon(packageRoot);
