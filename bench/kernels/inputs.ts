/**
 * Inputs for the kernels: deterministic data, and a `run` per kernel that takes
 * a caller (IR interpreter, compiled IR, C through the calling layer, or JS)
 * and returns a comparable result (the return value and any output buffer).
 */
import * as js from './js.js';
import type { KernelName } from './ir.js';

/** Calls a kernel by name with arguments in calling-layer form (bigint i64, typed arrays for ptr). */
export type KernelCaller = (name: KernelName, args: unknown[]) => unknown;

/** A deterministic pseudo-random generator (xorshift32). */
export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return s / 4294967296;
  };
}

/** Sizes for one run of every kernel. */
export interface KernelSizes {
  fib: number; sieve: number; mandelbrot: [number, number]; matmul: number; nbody: [number, number];
  spectral: number; heapsort: number; crc32: number; interp: number;
}

/** Small sizes for tests. */
export const TEST_SIZES: KernelSizes = {
  fib: 15, sieve: 1000, mandelbrot: [24, 50], matmul: 6, nbody: [5, 20], spectral: 8, heapsort: 200, crc32: 300, interp: 100,
};

/** Benchmark sizes (gcc -O2 takes tens to hundreds of ms on each). */
export const BENCH_SIZES: KernelSizes = {
  fib: 32, sieve: 5_000_000, mandelbrot: [400, 200], matmul: 200, nbody: [5, 300_000], spectral: 300, heapsort: 500_000, crc32: 4_000_000, interp: 3_000_000,
};

function bodies(nb: number): Float64Array {
  const r = rng(7);
  const p = new Float64Array(nb * 7);
  for (let i = 0; i < nb; i++) {
    p.set([r() * 10 - 5, r() * 10 - 5, r() * 10 - 5, r() - 0.5, r() - 0.5, r() - 0.5, 0.5 + r() * 5], i * 7);
  }
  return p;
}

/** Runs one kernel through `call` on fresh inputs; returns what must agree across implementations. */
export function runKernel(name: KernelName, sizes: KernelSizes, call: KernelCaller): unknown {
  switch (name) {
    case 'fib': return Number(call('fib', [BigInt(sizes.fib)]));
    case 'sieve': return Number(call('sieve', [new Uint8Array(sizes.sieve), BigInt(sizes.sieve)]));
    case 'mandelbrot': return Number(call('mandelbrot', [BigInt(sizes.mandelbrot[0]), BigInt(sizes.mandelbrot[1])]));
    case 'matmul': {
      const n = sizes.matmul, r = rng(3);
      const a = Float64Array.from({ length: n * n }, () => r() - 0.5);
      const b = Float64Array.from({ length: n * n }, () => r() - 0.5);
      const c = new Float64Array(n * n);
      call('matmul', [a, b, c, BigInt(n)]);
      return Array.from(c);
    }
    case 'nbody': {
      const [nb, steps] = sizes.nbody;
      const p = bodies(nb);
      const e = call('nbody', [p, BigInt(nb), BigInt(steps)]) as number;
      return [e, Array.from(p)];
    }
    case 'spectral': {
      const n = sizes.spectral;
      return call('spectral', [new Float64Array(n), new Float64Array(n), new Float64Array(n), BigInt(n)]);
    }
    case 'heapsort': {
      const r = rng(11);
      const a = Int32Array.from({ length: sizes.heapsort }, () => Math.floor(r() * 4294967296) | 0);
      call('heapsort', [a, BigInt(a.length)]);
      return Array.from(a);
    }
    case 'crc32': {
      const r = rng(5);
      const buf = Uint8Array.from({ length: sizes.crc32 }, () => Math.floor(r() * 256));
      return Number(call('crc32', [buf, BigInt(buf.length)]));
    }
    case 'interp': {
      const code = js.interpProgram(sizes.interp);
      return Number(call('interp', [code, new Int32Array(64)]));
    }
  }
}

/** The JS implementations as a KernelCaller (i64 arguments converted to numbers). */
export const jsCaller: KernelCaller = (name, args) => {
  const a = args.map((x) => (typeof x === 'bigint' ? Number(x) : x)) as never[];
  switch (name) {
    case 'fib': return js.fib(a[0]);
    case 'sieve': return js.sieve(a[0], a[1]);
    case 'mandelbrot': return js.mandelbrot(a[0], a[1]);
    case 'matmul': return js.matmul(a[0], a[1], a[2], a[3]);
    case 'nbody': return js.nbody(a[0], a[1], a[2]);
    case 'spectral': return js.spectral(a[0], a[1], a[2], a[3]);
    case 'heapsort': return js.heapsort(a[0], a[1]);
    case 'crc32': return js.crc32(a[0], a[1]);
    case 'interp': return js.interp(a[0], a[1]);
  }
};

/** Every kernel name, in table order. */
export const KERNEL_NAMES: KernelName[] = ['fib', 'sieve', 'mandelbrot', 'matmul', 'nbody', 'spectral', 'heapsort', 'crc32', 'interp'];
