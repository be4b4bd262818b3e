/**
 * Supervised program fuzzing: compiled code that crashes (a signal) or a
 * compiler that never finishes would take the fuzzer down with it, so programs
 * run in a child process watched by the parent.
 *
 *   parent                                   child (this file, --child JSON)
 *   runSupervised(o) --spawn--------------->  for n = from ..: "S n cpuMs" ; check ; ["M {...}"]
 *        | watchdog: no line for hangMs           "P" while reducing (at most 1/s); "E {stats}" at the end
 *        | child died / hung on program n ->  record a crash, write the program,
 *        |                                    restart the child at n + 1
 *        v
 *   FuzzStats (programs, traps, coverage, mismatches, crashes)
 *
 * Executors are named so that the child can build them: `interp`, `roundtrip`,
 * `compiled` (every optimisation level), `planted` (interpreter with a wrong
 * ushr), `planted-compiled` (the backend with `shr` emitted as `sar`).
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Assembler } from '../asm/x64/index.js';
import { makeCompiledExecutor } from '../codegen/executor.js';
import { Module, parse as parseModule, printModule } from '../ir/index.js';
import type { Executor, ExternalData } from '../ir/filetest.js';
import { OPT_LEVELS } from './executors.js';
import { generate, type GenOptions } from './generator.js';
import { Coverage, fuzzPrograms, perturbedExecutor, referenceExecutor, reproducer, roundTripExecutor, runOn, type Mismatch } from './harness.js';
import { reduce } from './reducer.js';
import { mixSeed } from './rng.js';
import { processCpuMs, type BudgetClock } from '../util/cpu-time.js';

/** Executor names understood by `executorsByName`. */
export type ExecutorName = 'interp' | 'roundtrip' | 'compiled' | 'planted' | 'planted-compiled';

/**
 * The backend with a planted bug in its lowering: while it compiles, the
 * assembler's `shr r, cl` emits `sar r, cl`, so `ushr` of a negative value
 * shifts in sign bits. Shows that the compiled path of the fuzzer can fail.
 */
export function plantedCompiledExecutor(): Executor {
  const inner = makeCompiledExecutor();
  return {
    name: 'planted-compiled',
    load(m: Module, data?: ExternalData) {
      // Compile once unpatched so that the process-wide entry thunks of these
      // signatures (src/runtime/calling.ts) are assembled without the bug.
      inner.load(m, data).dispose?.();
      const proto = Assembler.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
      const shr = proto.shr!, sar = proto.sar!;
      proto.shr = function (this: unknown, d: unknown, s: unknown) {
        return (s as { name?: string })?.name === 'cl' ? sar.call(this, d, s) : shr.call(this, d, s);
      };
      try {
        return inner.load(m, data);
      } finally {
        proto.shr = shr;
      }
    },
  };
}

/** Builds executors from names (the first is the reference). */
export function executorsByName(names: readonly ExecutorName[]): Executor[] {
  const out: Executor[] = [];
  for (const n of names) {
    switch (n) {
      case 'interp': out.push(referenceExecutor); break;
      case 'roundtrip': out.push(roundTripExecutor); break;
      case 'compiled':
        for (const opt of OPT_LEVELS) {
          const ex = makeCompiledExecutor({ opt });
          out.push({ name: `compiled(opt=${opt})`, load: (m, data) => ex.load(m, data) });
        }
        {
          const ex = makeCompiledExecutor({ tier: 'baseline' });
          out.push({ name: 'compiled(baseline)', load: (m, data) => ex.load(m, data) });
        }
        break;
      case 'planted': out.push(perturbedExecutor()); break;
      default: out.push(plantedCompiledExecutor());
    }
  }
  return out;
}

/** Options of a supervised session. */
export interface SupervisedOptions {
  seed: number;
  executors: ExecutorName[];
  /** First program number. */
  from?: number;
  /** Stop after this many programs (counted from `from`). */
  programs?: number;
  /** Time limit for the whole session. */
  timeLimitMs: number;
  /**
   * How `timeLimitMs` and `reduceTimeMs` are measured: `'wall'` (default) or `'cpu'`, the CPU
   * time of the child processes that check programs (a loaded machine then still gets the
   * same work done). `hangMs` is always wall-clock time.
   */
  clock?: BudgetClock;
  /** A program taking longer than this (no progress line) is a hang (default 10 s). */
  hangMs?: number;
  gen?: GenOptions;
  coverageEvery?: number;
  outDir?: string;
  reduce?: boolean;
  reduceTimeMs?: number;
  maxMismatches?: number;
  log?: (line: string) => void;
}

/** A crash or hang of the child on one program. */
export interface Crash {
  readonly seed: number;
  readonly program: number;
  readonly description: string;
  readonly file?: string;
}

/** Totals of a supervised session. */
export interface SupervisedStats {
  programs: number;
  traps: number;
  instructions: number;
  mismatches: Mismatch[];
  crashes: Crash[];
  generatorErrors: string[];
  coverage: Coverage;
  /** Wall-clock time of the session. */
  ms: number;
  /** CPU time of the child processes (up to their last progress line when they crashed). */
  cpuMs: number;
}

interface ChildReport {
  programs: number; traps: number; instructions: number; generatorErrors: string[]; cpuMs: number;
  generated: [string, number][]; executed: [string, number][];
}

/** Runs programs in child processes, restarting after a crash or hang. */
export async function runSupervised(o: SupervisedOptions): Promise<SupervisedStats> {
  const t0 = Date.now();
  const stats: SupervisedStats = { programs: 0, traps: 0, instructions: 0, mismatches: [], crashes: [], generatorErrors: [], coverage: new Coverage(), ms: 0, cpuMs: 0 };
  const end = o.programs === undefined ? Infinity : (o.from ?? 0) + o.programs;
  const maxMismatches = o.maxMismatches ?? 5;
  let next = o.from ?? 0;
  const used = (): number => (o.clock === 'cpu' ? stats.cpuMs : Date.now() - t0);
  while (next < end && used() < o.timeLimitMs && stats.mismatches.length + stats.crashes.length < maxMismatches) {
    const childOpts = {
      seed: o.seed, executors: o.executors, from: next, programs: end === Infinity ? undefined : end - next,
      timeLimitMs: o.timeLimitMs - used(), clock: o.clock, gen: o.gen, coverageEvery: o.coverageEvery, outDir: o.outDir,
      reduce: o.reduce, reduceTimeMs: o.reduceTimeMs, maxMismatches: maxMismatches - stats.mismatches.length - stats.crashes.length,
    };
    const r = await runChild(childOpts, o.hangMs ?? 10000, o.log);
    for (const m of r.mismatches) stats.mismatches.push(m);
    stats.cpuMs += r.report?.cpuMs ?? r.cpuMs;
    if (r.report) {
      stats.programs += r.report.programs;
      stats.traps += r.report.traps;
      stats.instructions += r.report.instructions;
      stats.generatorErrors.push(...r.report.generatorErrors);
      for (const [k, v] of r.report.generated) stats.coverage.generated.set(k, (stats.coverage.generated.get(k) ?? 0) + v);
      for (const [k, v] of r.report.executed) stats.coverage.executed.set(k, (stats.coverage.executed.get(k) ?? 0) + v);
      break; // the child finished the session
    }
    // The child died or hung on program `r.last`.
    const n = r.last;
    if (n < 0) { stats.generatorErrors.push(`child failed before its first program: ${r.why}`); break; }
    stats.programs += n - next + 1; // up to and including the program that crashed
    const seed = mixSeed(o.seed, n);
    const crash = recordCrash(seed, n, r.why, o);
    stats.crashes.push(crash);
    o.log?.(`crash: program ${n} (seed ${seed}): ${r.why}${crash.file ? ` -> ${crash.file}` : ''}`);
    next = n + 1;
  }
  stats.ms = Date.now() - t0;
  return stats;
}

function recordCrash(seed: number, n: number, why: string, o: SupervisedOptions): Crash {
  if (o.outDir === undefined) return { seed, program: n, description: why };
  const p = generate(seed, o.gen);
  let text = printModule(p.module);
  if (o.reduce !== false) {
    // Each candidate runs in its own child: it may crash or hang too.
    const deadline = Math.min(o.reduceTimeMs ?? 60000, 120000);
    text = reduce(text, (_m, t) => crashesInChild(t, p.buffer, p.args, o.executors, Math.min(o.hangMs ?? 10000, 3000)) !== '', {
      buffer: p.buffer, args: p.args, timeLimitMs: deadline,
    });
  }
  fs.mkdirSync(o.outDir, { recursive: true });
  const file = path.join(o.outDir, `crash-${seed}.ir`);
  const ref = runOn(referenceExecutor, parseModule(text), p.buffer, p.args);
  fs.writeFileSync(file, reproducer(text, p.buffer, p.args, ref,
    `fuzz: program ${n} (seed ${seed}) crashed or hung a compiled executor: ${why}`));
  return { seed, program: n, description: why, file };
}

/** '' when `text` runs to completion on every executor in a child within `hangMs`, else what went wrong. */
export function crashesInChild(text: string, buffer: Uint8Array, args: readonly unknown[], executors: readonly ExecutorName[], hangMs: number): string {
  const input = JSON.stringify({ text, buffer: Array.from(buffer), args: args.map((a) => (typeof a === 'bigint' ? `${a}n` : a)), executors });
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--run-one'], { input, timeout: hangMs, encoding: 'utf8' });
  if (r.signal !== null) return r.error ? `hung (no result within ${hangMs} ms)` : `killed by ${r.signal}`;
  if (r.status !== 0) return `exit status ${r.status}: ${(r.stderr ?? '').trim().split('\n').slice(-3).join(' | ')}`;
  return '';
}

function runChild(opts: object, hangMs: number, log?: (s: string) => void): Promise<{ mismatches: Mismatch[]; report?: ChildReport; last: number; cpuMs: number; why: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--child', JSON.stringify(opts)], { stdio: ['ignore', 'pipe', 'pipe'] });
    const mismatches: Mismatch[] = [];
    let report: ChildReport | undefined;
    let last = -1, cpuMs = 0, buf = '', stderr = '', hung = false;
    let timer = setTimeout(onHang, hangMs);
    function onHang(): void { hung = true; child.kill('SIGKILL'); }
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d: string) => { stderr = (stderr + d).slice(-4000); });
    child.stdout.on('data', (d: string) => {
      buf += d;
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        clearTimeout(timer);
        // Reductions can take long; they print progress lines too.
        timer = setTimeout(onHang, hangMs);
        if (line.startsWith('S ')) [last, cpuMs] = line.slice(2).split(' ').map(Number) as [number, number];
        else if (line.startsWith('M ')) mismatches.push(JSON.parse(line.slice(2)) as Mismatch);
        else if (line.startsWith('E ')) report = JSON.parse(line.slice(2)) as ChildReport;
        else if (line.startsWith('L ')) log?.(line.slice(2));
      }
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const why = hung ? `hung (no progress for ${hangMs} ms)` : signal !== null ? `killed by ${signal}` : `exit status ${code}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`;
      resolve({ mismatches, report, last, cpuMs, why });
    });
  });
}

// ---- child side ----

function childMain(opts: SupervisedOptions & { programs?: number }): void {
  const out = (s: string): void => { fs.writeSync(1, s + '\n'); };
  const coverage = new Coverage();
  let lastProgress = 0;
  const s = fuzzPrograms({
    seed: opts.seed, executors: executorsByName(opts.executors), programs: opts.programs, timeLimitMs: opts.timeLimitMs, clock: opts.clock,
    gen: opts.gen, coverageEvery: opts.coverageEvery, coverage, outDir: opts.outDir, reduce: opts.reduce,
    reduceTimeMs: opts.reduceTimeMs, maxMismatches: opts.maxMismatches, first: opts.from ?? 0,
    onProgram: (n) => out(`S ${n} ${processCpuMs().toFixed(0)}`),
    onMismatch: (m) => out(`M ${JSON.stringify(m)}`),
    // A reduction can outlast the watchdog (more so on a CPU-time budget on a loaded machine).
    onReduceProgress: () => {
      const now = Date.now();
      if (now - lastProgress >= 1000) { lastProgress = now; out('P'); }
    },
    log: (l) => out(`L ${l}`),
  });
  const report: ChildReport = {
    programs: s.programs, traps: s.traps, instructions: s.instructions, generatorErrors: s.generatorErrors, cpuMs: processCpuMs(),
    generated: [...coverage.generated], executed: [...coverage.executed],
  };
  out(`E ${JSON.stringify(report)}`);
}

function runOneMain(): void {
  const input = JSON.parse(fs.readFileSync(0, 'utf8')) as { text: string; buffer: number[]; args: unknown[]; executors: ExecutorName[] };
  const args = input.args.map((a) => (typeof a === 'string' && a.endsWith('n') ? BigInt(a.slice(0, -1)) : a));
  const m = parseModule(input.text);
  for (const ex of executorsByName(input.executors)) runOn(ex, m, Uint8Array.from(input.buffer), args);
}


if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv[2] === '--child') childMain(JSON.parse(process.argv[3]!) as SupervisedOptions);
  else if (process.argv[2] === '--run-one') runOneMain();
}
