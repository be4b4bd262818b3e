/**
 * `npm run fuzz -- --minutes N [--seed S] [--out DIR] [--planted] [--only ir|asm|api]`
 *
 * Runs every fuzzer for N minutes (fractions allowed), sharing the time:
 *   70%  IR programs: generate -> run on every executor -> compare -> reduce mismatches
 *   10%  assembler: FORMS-driven encode/decode against iced-x86, illegal combinations
 *   20%  API: wrong inputs to the public API, one child process per category
 * (`--only` gives one of them all the time) and ends with the line
 *   programs: <n>  per second: <r>  mismatches: <m>  crashes: <c>
 * `--planted` adds the deliberately broken executor (to see mismatches and reductions).
 * `--regex` runs only the regex fuzzer (jitkit/regex against V8's RegExp, src/fuzz/regex-fuzz.ts)
 * for N minutes; it ends with `regex patterns: <n>  inputs: <i>  mismatches: <m>  budget: <b>`.
 * `--c` runs only the C front end's mutation fuzzer (corpus files with tokens deleted,
 * swapped, duplicated; src/fuzz/c-fuzz.ts) for N minutes; it ends with
 * `c mutants: <n>  per second: <r>  internal errors: <e>  hangs: <h>`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadIced } from '../debug/disasm.js';
import { fuzzC } from './c-fuzz.js';
import { API_CATEGORIES, apiFuzz } from './api-fuzz.js';
import { asmFuzz } from './asm-fuzz.js';
import { mixSeed } from './rng.js';
import { regexFuzz } from './regex-fuzz.js';
import { executorsByName, runSupervised, type ExecutorName } from './supervisor.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1]! : fallback;
}

const USAGE = `usage: npm run fuzz -- [--minutes N] [--seed S] [--out DIR] [--planted] [--only ir|asm|api]
  --minutes N  how long to run all fuzzers (default 1; fractions allowed)
  --seed S     seed for reproducible runs (default: time-based, printed)
  --out DIR    where reduced mismatching programs are written (default fuzz-out)
  --planted    also run executors with a deliberately planted bug (shows the fuzzer can fail)
  --only PART  run only the IR-program, assembler or API fuzzer, for all the time
  --regex      only the regex differential fuzzer (jitkit/regex against V8's RegExp)
  --c          only the C front end's mutation fuzzer (bad C must get diagnostics, never an
               internal error or a hang); --planted plants a failure, --corpus DIR sets the
               C files (default ../shared/testdata/c)`;
const KNOWN = new Set(['--minutes', '--seed', '--out', '--planted', '--only', '--regex', '--c', '--corpus', '--help', '-h']);
/** Share of the time of each fuzzer. */
const SHARES = { ir: 0.7, asm: 0.1, api: 0.2 } as const;

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE);
    return;
  }
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!KNOWN.has(a)) throw new Error(`unknown option ${a}\n${USAGE}`);
    if (a === '--minutes' || a === '--seed' || a === '--out' || a === '--only' || a === '--corpus') i++;
  }
  const only = arg('only', '');
  if (only !== '' && !(only in SHARES)) throw new Error(`--only takes ir, asm or api, got '${only}'\n${USAGE}`);
  const share = (part: keyof typeof SHARES): number => (only === '' ? SHARES[part] : only === part ? 1 : 0);
  const minutes = Number(arg('minutes', '1'));
  const seed = Number(arg('seed', String(Date.now() % 1e9))) >>> 0;
  const outDir = arg('out', 'fuzz-out');
  if (!(minutes > 0)) throw new Error('--minutes must be a positive number');
  const total = minutes * 60000;
  const start = Date.now();
  const log = (s: string): void => console.log(s);
  if (args.includes('--c')) return cMode(minutes, seed, outDir, log);
  if (args.includes('--regex')) {
    log(`fuzz --regex: seed ${seed}, ${minutes} minute(s), jitkit/regex against V8 ${process.versions.v8}`);
    // Rounds of about a minute, each with its own seed, so progress is visible.
    let patterns = 0, inputs = 0, mismatches = 0, budget = 0, invalid = 0;
    for (let round = 0; Date.now() - start < total; round++) {
      const r = regexFuzz(mixSeed(seed, round + 0x4e9), Math.min(60000, total - (Date.now() - start)), Infinity, log);
      patterns += r.patterns; inputs += r.inputs; mismatches += r.mismatches; budget += r.budget; invalid += r.invalid;
      log(`  round ${round}: ${r.patterns} patterns (${r.invalid} invalid), ${r.mismatches} mismatches`);
    }
    log(`regex patterns: ${patterns}  inputs: ${inputs}  invalid patterns: ${invalid}  mismatches: ${mismatches}  budget: ${budget}`);
    process.exitCode = mismatches > 0 ? 1 : 0;
    return;
  }

  const names: ExecutorName[] = ['interp', 'roundtrip', 'compiled'];
  if (process.argv.includes('--planted')) names.push('planted', 'planted-compiled');
  log(`fuzz: seed ${seed}, ${minutes} minute(s), executors: ${executorsByName(names).map((e) => e.name).join(', ')}`);

  // IR programs, in a supervised child process (compiled code may crash or hang).
  const stats = await runSupervised({
    seed, executors: names, timeLimitMs: total * share('ir'), programs: share('ir') === 0 ? 0 : undefined, coverageEvery: 20, outDir, log,
    maxMismatches: 10, reduceTimeMs: Math.min(30000, total * 0.05), hangMs: 10000,
  });
  const perSecond = stats.programs / Math.max(0.001, stats.ms / 1000);
  if (share('ir') > 0) {
    log(`programs: ${stats.programs} in ${(stats.ms / 1000).toFixed(1)} s (${perSecond.toFixed(1)}/s), ${stats.instructions} IR instructions, ${stats.traps} trapped`);
    log(stats.coverage.report());
  }
  for (const e of stats.generatorErrors.slice(0, 5)) log(`generator error: ${e}`);
  for (const c of stats.crashes) log(`crash: program ${c.program} (seed ${c.seed}): ${c.description}${c.file ? ` -> ${c.file}` : ''}`);

  // Assembler.
  const iced = await loadIced();
  const asmDeadline = Date.now() + total * share('asm');
  let asmLegal = 0, asmIllegal = 0;
  const asmFailures: string[] = [];
  const forms = new Set<number>();
  for (let round = 0; Date.now() < asmDeadline; round++) {
    const s = asmFuzz(iced, mixSeed(seed, round + 0xa5), 5000, asmDeadline);
    asmLegal += s.legal; asmIllegal += s.illegal;
    asmFailures.push(...s.failures);
    for (const f of s.forms) forms.add(f);
  }
  log(`assembler: ${asmLegal} encodings checked against iced-x86 (${forms.size} forms), ${asmIllegal} illegal combinations, ${asmFailures.length} failures`);
  for (const f of asmFailures.slice(0, 10)) log(`  asm failure: ${f}`);

  // API, in child processes.
  const apiDeadline = start + total;
  let apiCalls = 0;
  const crashes: string[] = [];
  const internal = new Map<string, string[]>();
  for (let round = 0; share('api') > 0 && (Date.now() < apiDeadline - 500 || round === 0); round++) {
    const category = API_CATEGORIES[round % API_CATEGORIES.length]!;
    const r = apiFuzz(category, mixSeed(seed, round + 0xab1), 400, Math.max(5000, apiDeadline - Date.now() + 5000));
    apiCalls += r.calls;
    if (r.crash !== '') crashes.push(r.crash);
    if (r.internal.length > 0) internal.set(category, [...new Set([...(internal.get(category) ?? []), ...r.internal])]);
  }
  log(`api: ${apiCalls} wrong-input calls in child processes, ${crashes.length} crashes`);
  for (const c of crashes.slice(0, 10)) log(`  crash: ${c}`);
  // An internal engine error (e.g. "Cannot read properties of undefined") instead of a checked message is a failure.
  let apiFailures = 0;
  for (const [c, list] of internal) {
    apiFailures += list.length;
    log(`  api failure: ${c}: ${list.length} kinds of internal error instead of a checked message:`);
    for (const k of list.slice(0, 10)) log(`    ${k}`);
  }

  for (const m of stats.mismatches) log(`mismatch (seed ${m.seed}): ${m.description}${m.file ? ` -> ${m.file}` : ''}`);
  const mismatches = stats.mismatches.length + asmFailures.length + apiFailures;
  const crashCount = crashes.length + stats.crashes.length + stats.generatorErrors.length;
  log(`programs: ${stats.programs}  per second: ${perSecond.toFixed(1)}  mismatches: ${mismatches}  crashes: ${crashCount}`);
  process.exitCode = mismatches + crashCount > 0 ? 1 : 0;
}

/** `--c`: the C front end against mutated corpus files. */
async function cMode(minutes: number, seed: number, outDir: string, log: (s: string) => void): Promise<void> {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const corpus = arg('corpus', [path.resolve(here, '../../../../shared/testdata/c'), path.resolve(here, '../../../../../shared/testdata/c')].find((d) => fs.existsSync(d)) ?? '');
  if (corpus === '' || !fs.existsSync(corpus)) throw new Error(`fuzz --c: no C corpus (give --corpus DIR)\n${USAGE}`);
  const planted = process.argv.includes('--planted') ? 'internal' : undefined;
  log(`fuzz --c: seed ${seed}, ${minutes} minute(s), corpus ${corpus}${planted ? ', planted failure' : ''}`);
  const stats = await fuzzC({ seed, corpus, timeLimitMs: minutes * 60000, outDir, planted, log, reduceTimeMs: Math.min(60000, minutes * 6000) });
  const perSecond = stats.mutants / Math.max(0.001, stats.ms / 1000);
  log(`c mutants: ${stats.mutants} in ${(stats.ms / 1000).toFixed(1)} s: ${stats.rejected} rejected with diagnostics, ${stats.accepted} compiled`);
  for (const f of stats.failures) log(`${f.outcome.kind}: ${f.outcome.detail} (mutant ${f.mutant} of ${f.file}) -> ${f.written ?? '(not written)'}, reduced to ${f.reduced.length} bytes`);
  log(`c mutants: ${stats.mutants}  per second: ${perSecond.toFixed(1)}  internal errors: ${stats.internalErrors}  hangs: ${stats.hangs}`);
  process.exitCode = stats.failures.length > 0 ? 1 : 0;
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 2;
});
