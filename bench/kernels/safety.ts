/**
 * What safety costs on the kernels: the same kernel module compiled at -O2
 * four ways, measured side by side in one run:
 *
 *   not interruptible  compile(m, { interruptible: false })      the reference
 *   interruptible      compile(m)                                the default: stoppable by interrupt(),
 *                                                                timeoutMs, SIGINT, worker.terminate()
 *   sandbox guard      compile(m, { sandbox: { checks: 'guard' } })   + confined memory, guard pages
 *   sandbox bounds     compile(m, { sandbox: { checks: 'bounds' } })  + confined memory, explicit checks
 *
 * Interruptible code has no polls: it is stopped by a signal (native/safety.h), so its
 * machine code is the same as the reference's and the first overhead is what being
 * stoppable costs while nobody stops it (the matrix's "poll overhead").
 *
 * Each kernel's inputs are the bench's; sandboxed variants get them copied into
 * their linear memory (and outputs copied back), outside the timed part. Times are
 * the CPU time of the compiled call alone (less disturbed by other processes than
 * wall time on a shared machine), best of `rounds`, variants interleaved. Every
 * variant's results are checked against the reference's.
 */
import { isDeepStrictEqual } from 'node:util';
import { compile, type CompiledModule } from '../../src/codegen/compile.js';
import { buildKernels, type KernelName } from './ir.js';
import { BENCH_SIZES, KERNEL_NAMES, runKernel, type KernelCaller, type KernelSizes } from './inputs.js';

/** The variants, in table order. */
export const SAFETY_VARIANTS = ['not interruptible', 'interruptible', 'sandbox guard', 'sandbox bounds'] as const;
/** One variant's name. */
export type SafetyVariant = (typeof SAFETY_VARIANTS)[number];

/** Best CPU times (ms) per kernel and variant, and geomean overheads (%). */
export interface SafetyOverheads {
  readonly kernels: readonly KernelName[];
  /** ms[variant][kernel] */
  readonly ms: Record<SafetyVariant, Record<string, number>>;
  /** Geomean over the kernels of interruptible / not interruptible - 1, in per cent. */
  readonly interruptible: number;
  /** Geomean of sandbox guard / interruptible - 1 (per cent): what the sandbox adds to default code. */
  readonly guard: number;
  /** Geomean of sandbox bounds / interruptible - 1 (per cent). */
  readonly bounds: number;
}

const SANDBOX_BYTES = 64 << 20;

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** A caller for `c` that records the CPU time of the last compiled call (`last()`). */
function caller(c: CompiledModule): { call: KernelCaller; last: () => number } {
  let ms = 0;
  const memory = c.memory;
  return {
    call: (name, args) => {
      const f = c.get(name);
      if (memory === undefined) {
        const t0 = cpuMs();
        const r = f(...args);
        ms = cpuMs() - t0;
        return r;
      }
      // Typed arrays go into the sandbox's memory (after its data); outputs come back after the call.
      let at = 1 << 20;
      const copies: [ArrayBufferView, number][] = [];
      const mapped = args.map((x) => {
        if (!ArrayBuffer.isView(x)) return x;
        at = Math.ceil(at / 16) * 16;
        memory.set(new Uint8Array(x.buffer, x.byteOffset, x.byteLength), at);
        copies.push([x, at]);
        const offset = BigInt(at);
        at += x.byteLength;
        return offset;
      });
      if (at > SANDBOX_BYTES - (1 << 16)) throw new Error(`bench: ${name}'s inputs do not fit the sandbox's memory`);
      const t0 = cpuMs();
      const r = f(...mapped);
      ms = cpuMs() - t0;
      for (const [x, offset] of copies) new Uint8Array(x.buffer, x.byteOffset, x.byteLength).set(memory.subarray(offset, offset + x.byteLength));
      return r;
    },
    last: () => ms,
  };
}

function geomeanPercent(xs: readonly number[]): number {
  return (Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length) - 1) * 100;
}

/** Measures the four variants on `kernels` (default all) at `sizes` (default the bench's), best of `rounds`. */
export function measureSafetyOverheads(options: { rounds: number; sizes?: KernelSizes; kernels?: readonly KernelName[] }): SafetyOverheads {
  const sizes = options.sizes ?? BENCH_SIZES;
  const kernels = options.kernels ?? KERNEL_NAMES;
  const m = buildKernels();
  const compiled: Record<SafetyVariant, CompiledModule> = {
    'not interruptible': compile(m, { opt: 2, interruptible: false }),
    'interruptible': compile(m, { opt: 2 }),
    'sandbox guard': compile(m, { opt: 2, sandbox: { memoryBytes: SANDBOX_BYTES, checks: 'guard' } }),
    'sandbox bounds': compile(m, { opt: 2, sandbox: { memoryBytes: SANDBOX_BYTES, checks: 'bounds' } }),
  };
  const ms = Object.fromEntries(SAFETY_VARIANTS.map((v) => [v, {} as Record<string, number>])) as Record<SafetyVariant, Record<string, number>>;
  try {
    const callers = SAFETY_VARIANTS.map((v) => caller(compiled[v]));
    for (const k of kernels) {
      const want = runKernel(k, sizes, callers[0]!.call);
      callers.forEach((c, i) => {
        if (i > 0 && !isDeepStrictEqual(runKernel(k, sizes, c.call), want)) throw new Error(`bench: ${k} (${SAFETY_VARIANTS[i]}) differs from the reference`);
      });
    }
    for (let round = 0; round < options.rounds; round++) {
      for (const k of kernels) {
        for (let j = 0; j < SAFETY_VARIANTS.length; j++) {
          const i = (j + round) % SAFETY_VARIANTS.length; // rotate the order: no variant always runs first
          runKernel(k, sizes, callers[i]!.call);
          const t = callers[i]!.last(), v = SAFETY_VARIANTS[i]!;
          ms[v][k] = Math.min(ms[v][k] ?? Infinity, t);
        }
      }
    }
  } finally {
    for (const v of SAFETY_VARIANTS) compiled[v].free();
  }
  const ratio = (a: SafetyVariant, b: SafetyVariant): number[] => kernels.map((k) => ms[a][k]! / ms[b][k]!);
  return {
    kernels, ms,
    interruptible: geomeanPercent(ratio('interruptible', 'not interruptible')),
    guard: geomeanPercent(ratio('sandbox guard', 'interruptible')),
    bounds: geomeanPercent(ratio('sandbox bounds', 'interruptible')),
  };
}

/** The measurement as a table (ms per kernel and variant). */
export function safetyTable(r: SafetyOverheads): string {
  const rows = [['kernel', ...SAFETY_VARIANTS]];
  for (const k of r.kernels) rows.push([k, ...SAFETY_VARIANTS.map((v) => r.ms[v][k]!.toFixed(2))]);
  rows.push(['overhead', '', `${r.interruptible.toFixed(2)}%`, `${r.guard.toFixed(2)}%`, `${r.bounds.toFixed(2)}%`]);
  const widths = rows[0]!.map((_, j) => Math.max(...rows.map((row) => row[j]!.length)));
  return rows.map((row) => row.map((c, j) => (j === 0 ? c.padEnd(widths[j]!) : c.padStart(widths[j]!))).join('  ')).join('\n');
}
