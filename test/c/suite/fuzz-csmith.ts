/**
 * `npm run fuzz:csmith -- [--minutes N] [--seed S] [--jobs J] [--profile NAME] [--out DIR]`
 *
 * Differential fuzzing of the whole C pipeline with Csmith: generates programs
 * (Csmith seeds S, S+1, ...; each program's profile of Csmith options in turn,
 * or only those of `--profile A,B`), builds each with gcc -O0 (the oracle: its checksum line),
 * runs it with jitkit at -O0 and -O2 in the test-suite runner's workers, and
 * classifies every disagreement: `mismatch` (different stdout or exit status:
 * a miscompile), `rejected` (a diagnostic on C that gcc accepts), `internal`
 * (an internal error of the compiler), `crash`, `timeout`. Programs whose gcc
 * build does not finish in 2 s of CPU time, or that Csmith does not generate in
 * 30 s, are skipped (Csmith does not promise termination).
 * Failing programs are copied to DIR (default fuzz-out/csmith) with the reason.
 * Ends with the line
 *   csmith programs: <n>  skipped: <k>  mismatches: <m>  rejected: <r>  internal: <i>  crashes: <c>  timeouts: <t>
 * and exits with status 1 when any program failed.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runPrograms, type Program } from './run-suite.js';

/** CPU seconds gcc's build may run: Csmith programs that terminate mostly take milliseconds. */
const ORACLE_CPU_SECONDS = 2;

/** gcc -O0's build of `file`: its stdout and status, or null when it does not build or finish in time. */
function gccRun(file: string, inc: string, args: readonly string[]): { stdout: string; status: number } | null {
  const exe = `${file}.exe`;
  const b = spawnSync('gcc', ['-O0', '-w', '-std=gnu11', `-I${inc}`, '-o', exe, file, '-lm'], { encoding: 'utf8' });
  if (b.status !== 0) return null;
  const r = spawnSync('/bin/sh', ['-c', `ulimit -t ${ORACLE_CPU_SECONDS}; exec "$0" "$@"`, exe, ...args], { encoding: 'latin1', timeout: 60000, stdio: ['ignore', 'pipe', 'ignore'] });
  fs.rmSync(exe, { force: true });
  return r.error !== undefined || r.status === null ? null : { stdout: r.stdout, status: r.status };
}

/** A Csmith option set, and a macro defined before the program (csmith.h picks safe-math variants by macro). */
interface Profile {
  csmith: readonly string[];
  define?: string;
}

/** Csmith option sets: the suite's, more output, larger programs, features off by default, other mixes. */
export const PROFILES: Record<string, Profile> = {
  suite: { csmith: ['--no-argc', '--max-funcs', '8'] },
  // With argument 1, main prints every global's value before the checksum (finer than the checksum alone).
  globals: { csmith: ['--max-funcs', '8'] },
  large: { csmith: ['--no-argc', '--max-funcs', '16', '--max-block-depth', '6', '--max-expr-complexity', '14', '--max-array-dim', '4'] },
  features: { csmith: ['--no-argc', '--max-funcs', '8', '--float', '--builtins', '--inline-function-prob', '80', '--max-pointer-depth', '3'] },
  // Random probabilities for every construct (programs unlike the default mix).
  random: { csmith: ['--no-argc', '--max-funcs', '8', '--random-random'] },
  // Safe math as statement-expression macros (safe_math_macros.h) instead of functions.
  macros: { csmith: ['--no-argc', '--max-funcs', '8'], define: 'USE_MATH_MACROS' },
  // Safe math as plain macros (safe_math_macros_notmp.h): deep expansion, huge expressions.
  notmp: { csmith: ['--no-argc', '--max-funcs', '6', '--math-notmp'], define: 'USE_MATH_MACROS_NOTMP' },
};

/** Failure classes, in the order of the summary line. */
const CLASSES = ['mismatch', 'rejected', 'internal', 'crash', 'timeout'] as const;
type FailureClass = (typeof CLASSES)[number];

/** The class of a failure reason given by runPrograms. */
export function classify(why: string): FailureClass {
  if (why.includes('internal error')) return 'internal';
  if (/^-O\d: compile:/.test(why)) return 'rejected';
  if (/^-O\d: timeout/.test(why)) return 'timeout';
  if (/^-O\d: crashed/.test(why)) return 'crash';
  return 'mismatch';
}

function option(argv: string[], name: string, fallback: string): string {
  const i = argv.indexOf(name);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1]! : fallback;
}

const USAGE = 'usage: npm run fuzz:csmith -- [--minutes N] [--seed S] [--jobs J] [--profile NAME[,NAME...]] (suite globals large features random macros notmp) [--out DIR] [--timeout SECONDS]';

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) { console.log(USAGE); return; }
  const minutes = Number(option(argv, '--minutes', '5'));
  const seed = Number(option(argv, '--seed', String(Date.now() % 1e6)));
  const jobs = Number(option(argv, '--jobs', '2'));
  const timeoutMs = Number(option(argv, '--timeout', '60')) * 1000;
  const only = option(argv, '--profile', '');
  const outDir = path.resolve(option(argv, '--out', path.join('fuzz-out', 'csmith')));
  if (!(minutes > 0) || !Number.isSafeInteger(seed) || !(jobs >= 1)) throw new Error(USAGE);
  const profiles = only !== '' ? only.split(',') : Object.keys(PROFILES);
  for (const p of profiles) if (!(p in PROFILES)) throw new Error(`unknown profile '${p}'\n${USAGE}`);
  if (spawnSync('csmith', ['--version'], { stdio: 'ignore' }).status !== 0) throw new Error('csmith is not installed (apt-get install csmith libcsmith-dev)');
  const inc = ['/usr/include/csmith', '/usr/local/include/csmith'].find((d) => fs.existsSync(d));
  if (inc === undefined) throw new Error('no Csmith headers in /usr/include/csmith (apt-get install libcsmith-dev)');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jitkit-fuzz-csmith-'));
  console.log(`fuzz:csmith: seeds from ${seed}, ${minutes} minute(s), profiles ${profiles.join(', ')}, ${jobs} job(s)`);
  const counts: Record<FailureClass, number> = { mismatch: 0, rejected: 0, internal: 0, crash: 0, timeout: 0 };
  let programs = 0, skipped = 0;
  const end = Date.now() + minutes * 60000;
  for (let s = seed; Date.now() < end;) {
    // A batch of `jobs` programs that gcc can run to the end.
    const batch: { program: Program; profile: string; seed: number }[] = [];
    while (batch.length < jobs && Date.now() < end) {
      const profile = profiles[s % profiles.length]!;
      const file = path.join(dir, `csmith-${s}-${profile}.c`);
      const pr = PROFILES[profile]!;
      // Csmith itself may not finish (e.g. some seeds with --random-random): skipped like a program that does not terminate.
      const gen = spawnSync('csmith', ['--seed', String(s), ...pr.csmith], { encoding: 'utf8', maxBuffer: 64 << 20, timeout: 30000 });
      const text = gen.status === 0 ? gen.stdout : null;
      if (text !== null) fs.writeFileSync(file, pr.define !== undefined ? `#define ${pr.define} 1\n${text}` : text);
      const args = pr.csmith.includes('--no-argc') ? [] : ['1'];
      const o = text === null ? null : gccRun(file, inc, args);
      if (o === null) { skipped++; fs.rmSync(file, { force: true }); } else batch.push({ program: { suite: 'csmith', name: `seed ${s} (${profile})`, files: [file], includePaths: [inc], args, stdout: o.stdout, status: o.status }, profile, seed: s });
      s++;
    }
    if (batch.length === 0) break;
    const failures = await runPrograms(batch.map((b) => b.program), jobs, timeoutMs);
    for (const b of batch) {
      programs++;
      const why = failures.get(b.program);
      if (why === undefined) { console.log(`ok ${b.program.name}`); fs.rmSync(b.program.files[0]!); continue; }
      const cls = classify(why);
      counts[cls]++;
      fs.mkdirSync(outDir, { recursive: true });
      const keep = path.join(outDir, `csmith-${b.seed}-${b.profile}.c`);
      fs.copyFileSync(b.program.files[0]!, keep);
      fs.writeFileSync(`${keep}.txt`, `csmith --seed ${b.seed} ${PROFILES[b.profile]!.csmith.join(' ')}${PROFILES[b.profile]!.define !== undefined ? ` (and #define ${PROFILES[b.profile]!.define} 1 first)` : ''}\nrun with arguments: [${b.program.args!.join(' ')}]\n${cls}: ${why}\n`);
      console.log(`${cls.toUpperCase()} ${b.program.name}: ${why.split('\n')[0]!.slice(0, 300)}  -> ${keep}`);
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
  console.log(`csmith programs: ${programs}  skipped: ${skipped}  mismatches: ${counts.mismatch}  rejected: ${counts.rejected}  internal: ${counts.internal}  crashes: ${counts.crash}  timeouts: ${counts.timeout}`);
  process.exitCode = CLASSES.some((c) => counts[c] > 0) ? 1 : 0;
}

await main();
