/**
 * `npm run test:faults`: the fault matrix. Runs every case of cases.ts in a child
 * process of its own, prints a table, measures what being interruptible costs on
 * the kernels (bench/kernels/safety.ts, in the same run), and ends with the bar line
 *
 *   faults caught: <n>/<n>  process survived: <n>/<n>  interrupt latency ms: <p99>  poll overhead: <x>%
 *
 * where the latency is the 99th percentile over every interrupt(), timeoutMs and
 * SIGINT sample (100 per case; JITKIT_FAULTS_SAMPLES) (request to JS having control back; worker.terminate() times are
 * in the table), and the "poll overhead" the geomean over the kernels of the CPU
 * time of interruptible code (compile's default) against `interruptible: false`.
 * Interruptible code stops by signal, not by polls (native/safety.h): the figure is
 * what being stoppable costs while nobody stops it. Exit status 1 unless every fault was caught and
 * every process survived. `--only <substring>` runs the matching cases.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as path from 'node:path';
import { measureSafetyOverheads, safetyTable } from '../../bench/kernels/safety.js';
import type { CaseResult } from './cases.js';

const casesScript = path.join(path.dirname(fileURLToPath(import.meta.url)), 'cases.js');

/** The outcome of one case run in its own process. */
export interface CaseRun {
  readonly name: string;
  readonly caught: boolean;
  /** The child exited normally and its jitted code worked after the fault. */
  readonly survived: boolean;
  readonly detail: string;
  readonly latencies: readonly number[];
}

/** Runs case `name` in a child process. */
export function runCase(name: string, timeoutMs = 180_000): CaseRun {
  // ulimit -c 0: no core files if a case does take its process down.
  const r = spawnSync('/bin/sh', ['-c', 'ulimit -c 0; exec "$0" "$@"', process.execPath, casesScript, name],
    { encoding: 'utf8', timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 1 << 24 }); // a hung case must not hang the matrix
  const last = r.stdout.trim().split('\n').pop() ?? '';
  let result: CaseResult | undefined;
  try {
    result = JSON.parse(last) as CaseResult;
  } catch {
    result = undefined;
  }
  if (result === undefined || r.status !== 0) {
    const why = r.error !== undefined ? String(r.error) : `exit ${r.status}, signal ${r.signal}`;
    return { name, caught: result?.caught ?? false, survived: false, detail: `${why}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`, latencies: [] };
  }
  return { name, caught: result.caught, survived: result.survived, detail: result.detail, latencies: result.latencies ?? [] };
}

/** The names of the matrix's cases (helpers, named with '#', run inside cases). */
export async function caseNames(): Promise<string[]> {
  const { CASES } = await import('./cases.js');
  return Object.keys(CASES).filter((n) => !n.startsWith('#'));
}

/** The p-th percentile (0..100) of `xs` (nearest rank). */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

async function main(): Promise<void> {
  const only = process.argv.indexOf('--only');
  const filter = only >= 0 ? process.argv[only + 1] ?? '' : '';
  const names = (await caseNames()).filter((n) => n.includes(filter));
  process.env['JITKIT_FAULTS_SAMPLES'] ??= '100'; // per latency case, inherited by the cases' processes
  const runs: CaseRun[] = [];
  for (const name of names) {
    const run = runCase(name);
    runs.push(run);
    const lat = run.latencies.length > 0 ? `  latency ms p50 ${percentile(run.latencies, 50).toFixed(2)} max ${Math.max(...run.latencies).toFixed(2)}` : '';
    console.log(`${run.caught ? 'caught' : 'MISSED'}  ${run.survived ? 'survived' : 'DIED    '}  ${name}${lat}`);
    console.log(`        ${run.detail.slice(0, 200)}`);
  }
  const stops = runs.filter((r) => !/terminate/.test(r.name)).flatMap((r) => r.latencies);
  const rounds = Number(process.env['JITKIT_FAULTS_ROUNDS'] ?? 15);
  console.log(`\nwhat safety costs on the kernels (-O2, CPU ms of the call, best of ${rounds}; bench/kernels/safety.ts):`);
  const overheads = measureSafetyOverheads({ rounds });
  console.log(safetyTable(overheads));
  const caught = runs.filter((r) => r.caught).length, survived = runs.filter((r) => r.survived).length;
  const p99 = percentile(stops, 99);
  console.log(`\nfaults caught: ${caught}/${runs.length}  process survived: ${survived}/${runs.length}  interrupt latency ms: ${p99.toFixed(2)}  poll overhead: ${overheads.interruptible.toFixed(2)}%`);
  process.exit(caught === runs.length && survived === runs.length ? 0 : 1);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
