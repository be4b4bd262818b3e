/**
 * bench:kernels — jitkit's generated code against gcc and V8, measured side by
 * side in one run. Nine kernels, each written three ways (bench/kernels/):
 * IR-builder code compiled by jitkit, C compiled by gcc -O2 and -O0 into a
 * shared library at benchmark time and called through jitkit's calling layer
 * (so the call path is equal), and plain JS run by V8. Every implementation's
 * result is checked against gcc -O2's before its time counts.
 *
 * The kernels also run compiled by jitkit's baseline tier (`tier: 'baseline'`), against -O2.
 *
 * Also: compile time of each kernel (its own module) at the top level, of the
 * whole kernel module at each level and in the baseline tier, and million IR
 * instructions compiled per second; as a reference for those figures, one random
 * program compiled by jitkit and, as WebAssembly, by V8's own compilers (TurboFan
 * and Liftoff, in child processes; bench/kernels/compile-reference.ts); and the
 * compile time of one function of 200k instructions that keeps many values live
 * (bench/kernels/large-live.ts) at -O2 and in the baseline tier.
 *
 * Ends with the two bar lines (every figure measured in this run):
 *   geomean vs gcc -O2: <x>  vs V8: <y>  -O2 vs TurboFan rate: <t>  baseline vs Liftoff rate: <l>  baseline code vs -O2: <c>
 *   large function 200k: -O2 s: <a>  baseline s: <b>
 * (x, y: kernel time of jitkit's highest level over gcc -O2's and V8's; t, l: compile
 * rate on the reference program over V8's; c: geomean of baseline kernel time over -O2's).
 */
import { cpus } from 'node:os';
import { isDeepStrictEqual } from 'node:util';
import { buildKernel, buildKernels, type KernelName } from './kernels/ir.js';
import { BENCH_SIZES, jsCaller, KERNEL_NAMES, runKernel, type KernelCaller, type KernelSizes } from './kernels/inputs.js';
import { buildCKernels } from './kernels/c-library.js';
import { compileKernelModule, configName, countInstructions, OPT_LEVELS, type JitConfig } from './kernels/jit.js';
import { buildLargeFunction } from './kernels/large.js';
import { buildLiveFunction } from './kernels/large-live.js';
import { REFERENCE_SHAPE, referenceModule, referenceWasm, V8_COMPILERS, v8CompileMs } from './kernels/compile-reference.js';
import { WA } from './wasm.js';
import { compile } from '../src/index.js';
import type { Module } from '../src/ir/index.js';
import { fmt, table } from './timing.js';
import { processCpuMs } from '../src/util/cpu-time.js';

const sizes: KernelSizes = BENCH_SIZES;
const ROUNDS = Number(process.env.JITKIT_BENCH_ROUNDS ?? 3);
/** JITKIT_KERNELS=fib,spectral runs only those kernels (for quick iteration; the geomean then covers only them). */
const ONLY = process.env.JITKIT_KERNELS?.split(',').map((s) => s.trim()).filter((s) => s !== '');
for (const k of ONLY ?? []) {
  if (!(KERNEL_NAMES as readonly string[]).includes(k)) throw new Error(`JITKIT_KERNELS: no kernel named ${k} (have ${KERNEL_NAMES.join(', ')})`);
}
const SELECTED = KERNEL_NAMES.filter((k) => ONLY === undefined || ONLY.includes(k));

/** Wraps a caller so that the time of the call itself (not input set-up) is recorded. */
function timed(call: KernelCaller): { call: KernelCaller; last: () => number } {
  let ns = 0;
  return {
    call: (name, args) => {
      const t0 = process.hrtime.bigint();
      const r = call(name, args);
      ns = Number(process.hrtime.bigint() - t0);
      return r;
    },
    last: () => ns,
  };
}

/** Best time (ms) of ROUNDS runs, after one checked warm-up run. */
function measureKernel(name: KernelName, call: KernelCaller, expected: unknown, label: string): number {
  const t = timed(call);
  const first = runKernel(name, sizes, t.call);
  if (expected !== undefined && !isDeepStrictEqual(first, expected)) {
    throw new Error(`${label} ${name}: result differs from gcc -O2's`);
  }
  let best = Infinity;
  for (let r = 0; r < ROUNDS; r++) {
    runKernel(name, sizes, t.call);
    best = Math.min(best, t.last() / 1e6);
  }
  return best;
}

const module = buildKernels();
const irCount = countInstructions(module);

/**
 * Best time (ms) of `rounds` compiles with `config` of fresh modules from `build`,
 * after `warmups` untimed ones (V8 optimises the compiler itself, as a
 * long-running JIT user would see it). Building the module is not timed. The time
 * is this process's CPU time (`processCpuMs`), as V8's compile time in its child
 * process is: on a machine shared with other work, the wall clock also counts the
 * time other processes had the CPU, and compile times moved 3x between runs.
 */
function bestCompileMs(build: () => Module, config: JitConfig, rounds: number, warmups: number): number {
  for (let w = 0; w < warmups; w++) compileKernelModule(build(), config).dispose();
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const m = build();
    const t0 = processCpuMs();
    const compiled = compileKernelModule(m, config);
    best = Math.min(best, processCpuMs() - t0);
    compiled.dispose();
  }
  return best;
}

// Compile speed at every level, on the kernel module and on one large generated function.
// V8 needs a few hundred compiles before its optimising tier has taken over the compiler's
// own code (with 30 warm-ups the -O0 figure was ~1.7x the steady state): warm up that long.
const COMPILE_WARMUPS = 300;
const COMPILE_ROUNDS = 20;
const LARGE = 50_000;
// A large compile takes ~0.1 s and its time varies with garbage collection: best of 5 after 2.
const LARGE_ROUNDS = 5;
const LARGE_WARMUPS = 2;
const largeCount = countInstructions(buildLargeFunction(LARGE));
/** Every configuration measured: the optimisation levels, then the baseline tier. */
const CONFIGS: JitConfig[] = [...OPT_LEVELS, 'baseline'];
const compileRate = new Map<JitConfig, number>();
const compileMs = new Map<JitConfig, number>();
const largeRate = new Map<JitConfig, number>();
for (const config of CONFIGS) {
  const best = bestCompileMs(buildKernels, config, COMPILE_ROUNDS, COMPILE_WARMUPS);
  compileMs.set(config, best);
  compileRate.set(config, irCount / (best * 1000));
  largeRate.set(config, largeCount / (bestCompileMs(() => buildLargeFunction(LARGE), config, LARGE_ROUNDS, LARGE_WARMUPS) * 1000));
}

// The many-live-values function (the hostile shape) at 200k instructions: best of 2
// compiles at -O2 and in the baseline tier (the compiler is warm from the measurements above).
const LIVE = 200_000;
const liveCount = countInstructions(buildLiveFunction(LIVE));
const liveSeconds = new Map<JitConfig, number>();
for (const config of [2, 'baseline'] as const) liveSeconds.set(config, bestCompileMs(() => buildLiveFunction(LIVE), config, 2, 0) / 1000);

// The reference: the same random program compiled by jitkit and, as WebAssembly, by V8's
// optimising (TurboFan) and baseline (Liftoff) compilers, each the best of 20 after warm-up.
const [refFunctions, refStatements] = REFERENCE_SHAPE;
const refCount = countInstructions(referenceModule(refFunctions, refStatements));
{
  // Both forms compute the same: check every function once.
  const wasm = new WA.Instance(new WA.Module(referenceWasm(refFunctions, refStatements))).exports;
  const jitted = compile(referenceModule(refFunctions, refStatements), { opt: 2 });
  for (let i = 0; i < refFunctions; i++) {
    new Uint8Array((wasm.mem as { buffer: ArrayBuffer }).buffer).fill(0);
    const want = (wasm[`f${i}`] as (n: number, x: number) => number)(5, 1234567);
    const got = jitted.get(`f${i}`)(5, 1234567, new Uint8Array(1024));
    if (got !== want) throw new Error(`compile reference f${i}: jitkit -O2 gives ${String(got)}, V8 ${want}`);
  }
  jitted.free();
}
const referenceRows: string[][] = [];
/** Compile time (ms) of the reference program by each jitkit configuration and each V8 compiler. */
const referenceMs = new Map<string, number>();
for (const config of CONFIGS) {
  const ms = bestCompileMs(() => referenceModule(refFunctions, refStatements), config, COMPILE_ROUNDS, COMPILE_WARMUPS);
  referenceMs.set(`jitkit ${configName(config)}`, ms);
  referenceRows.push([`jitkit ${configName(config)}`, fmt(ms, 3), fmt(refCount / (ms * 1000), 2)]);
}
for (const [name, flags] of Object.entries(V8_COMPILERS)) {
  const ms = v8CompileMs(flags, refFunctions, refStatements, COMPILE_ROUNDS, COMPILE_WARMUPS);
  referenceMs.set(name, ms);
  referenceRows.push([name, fmt(ms, 3), fmt(refCount / (ms * 1000), 2)]);
}

// The best level that exists today (the table says which).
const topLevel = Math.max(...OPT_LEVELS);

const jit = compileKernelModule(module, topLevel);
const jitBaseline = compileKernelModule(module, 'baseline');
const gccO2 = buildCKernels(2);
const gccO0 = buildCKernels(0);

const rows: string[][] = [];
const ratiosGcc: number[] = [];
const ratiosV8: number[] = [];
const ratiosBaseline: number[] = [];
for (const name of SELECTED) {
  const expected = runKernel(name, sizes, gccO2);
  const tO2 = measureKernel(name, gccO2, expected, 'gcc -O2');
  const tO0 = measureKernel(name, gccO0, expected, 'gcc -O0');
  const tJs = measureKernel(name, jsCaller, expected, 'V8');
  const tJit = measureKernel(name, jit.call, expected, `jitkit -O${topLevel}`);
  const tBase = measureKernel(name, jitBaseline.call, expected, 'jitkit baseline');
  ratiosGcc.push(tJit / tO2);
  ratiosV8.push(tJit / tJs);
  ratiosBaseline.push(tBase / tJit);
  rows.push([
    name, fmt(tJit, 2), fmt(tO2, 2), fmt(tO0, 2), fmt(tJs, 2),
    fmt(tJit / tO2, 2) + 'x', fmt(tJit / tO0, 2) + 'x', fmt(tJit / tJs, 2) + 'x',
    fmt(bestCompileMs(() => buildKernel(name), topLevel, 10, 0), 3),
    fmt(tBase, 2), fmt(tBase / tJit, 2) + 'x',
  ]);
}
const geomean = (xs: number[]) => Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length);
rows.push(['geomean', '', '', '', '', fmt(geomean(ratiosGcc), 2) + 'x', '', fmt(geomean(ratiosV8), 2) + 'x', '', '', fmt(geomean(ratiosBaseline), 2) + 'x']);

console.log(`jitkit bench:kernels — ${cpus()[0]?.model ?? 'cpu'}, ${cpus().length} cores, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`);
console.log(`times in ms, best of ${ROUNDS} after a checked warm-up; ratios < 1 mean jitkit is faster\n`);
table(['kernel', `jitkit -O${topLevel}`, 'gcc -O2', 'gcc -O0', 'V8 (JS)', 'vs gcc -O2', 'vs gcc -O0', 'vs V8', `compile -O${topLevel} (ms)`, 'jitkit baseline', `baseline vs -O${topLevel}`], rows);
console.log('');
table(
  ['level', 'compile all kernels (ms)', 'IR instructions', 'MInst/s', `MInst/s, one ${largeCount}-instruction function`],
  CONFIGS.map((c) => [configName(c), fmt(compileMs.get(c)!, 2), String(irCount), fmt(compileRate.get(c)!, 2), fmt(largeRate.get(c)!, 2)]),
);
console.log(`one ${liveCount}-instruction function keeping many values live (bench/kernels/large-live.ts), best of 2: ` +
  `-O2 ${fmt(liveSeconds.get(2)!, 2)} s, baseline ${fmt(liveSeconds.get('baseline')!, 2)} s`);
console.log('');
console.log(`compile-speed reference: one random program, ${refFunctions} functions of a loop over i32 arithmetic and memory (${refCount} IR instructions),`);
console.log('compiled by jitkit and, as the same program in WebAssembly, by V8 (C++, one thread, no lazy compilation); best of 20 after warm-up');
console.log('(compile times in this bench are CPU time of the compiling process)');
table(['compiler', 'compile (ms)', 'M IR instructions/s'], referenceRows);
console.log('');
// Rates on the same program are inverse compile times.
const rateVs = (ours: string, theirs: string): string => fmt(referenceMs.get(theirs)! / referenceMs.get(ours)!, 2);
const turbofan: keyof typeof V8_COMPILERS = 'V8 TurboFan (optimising)', liftoff: keyof typeof V8_COMPILERS = 'V8 Liftoff (baseline)';
console.log(`geomean vs gcc -O2: ${fmt(geomean(ratiosGcc), 2)}  vs V8: ${fmt(geomean(ratiosV8), 2)}  ` +
  `-O2 vs TurboFan rate: ${rateVs('jitkit -O2', turbofan)}  baseline vs Liftoff rate: ${rateVs('jitkit baseline', liftoff)}  ` +
  `baseline code vs -O2: ${fmt(geomean(ratiosBaseline), 2)}`);
console.log(`large function ${Math.round(LIVE / 1000)}k: -O2 s: ${fmt(liveSeconds.get(2)!, 2)}  baseline s: ${fmt(liveSeconds.get('baseline')!, 2)}`);
jit.dispose();
jitBaseline.dispose();
