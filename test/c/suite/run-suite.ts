/**
 * `npm run test:c`: every C test program of ../shared/testdata/c at -O0 and
 * -O2, compared with its expectation (`.expected`/`.expect` stdout,
 * `.expectrc` exit status) or, where there is none, with the same program
 * built by `gcc -O0` (the oracle); plus a Csmith differential slice (jitkit
 * vs gcc -O0 checksums) when `csmith` is installed. Programs run in a few
 * worker processes (worker.ts) with a per-program timeout. Prints one line per
 * failure, writes them all to test/c/failures.txt, and ends with the bar line:
 *
 *   c-testsuite: P/110  mir-c-tests: Q/N  csmith: R/S  (-O0 and -O2)
 *
 * Options: `--quick` (a fixed subset, for `npm test`), `--csmith N` (programs,
 * default 60), `--only SUBSTRING` (`--only csmith`: the Csmith slice alone), `--jobs N`
 * (default 2), `--timeout S`.
 */
import { execFileSync, fork, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WorkRequest, WorkResult } from './worker.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..', '..', '..', '..');
/** The test data: ../shared/testdata/c beside the repository (or JITKIT_C_TESTDATA). */
export const DATA = process.env['JITKIT_C_TESTDATA'] ??
  [path.resolve(ROOT, '..', 'shared', 'testdata', 'c'), path.resolve(ROOT, '..', '..', 'shared', 'testdata', 'c')].find((d) => fs.existsSync(d)) ??
  path.resolve(ROOT, '..', 'shared', 'testdata', 'c');
const ORACLE_CACHE = path.join(os.tmpdir(), 'jitkit-c-oracle');

/** One program of the suite. */
export interface Program {
  /** Suite name: c-testsuite, mir-c-tests, csmith. */
  suite: string;
  /** Display name. */
  name: string;
  /** The source files (main unit first). */
  files: string[];
  /** Expected stdout, or undefined to ask gcc. */
  stdout?: string;
  /** Expected exit status, or undefined to ask gcc (or 0 when stdout is given). */
  status?: number;
  includePaths: string[];
  /** Arguments after the program name at -O0 and -O2 (none by default); the gcc oracle runs without them, so give `stdout` too. */
  args?: string[];
}

/** The programs of c-testsuite and MIR's C tests. */
export function listPrograms(): Program[] {
  const out: Program[] = [];
  const ts = path.join(DATA, 'c-testsuite');
  for (const f of fs.readdirSync(ts).filter((x) => x.endsWith('.c')).sort()) {
    const exp = path.join(ts, `${f}.expected`);
    out.push({ suite: 'c-testsuite', name: `c-testsuite/${f}`, files: [path.join(ts, f)], stdout: fs.existsSync(exp) ? fs.readFileSync(exp, 'latin1') : undefined, status: 0, includePaths: [] });
  }
  for (const sub of ['lacc', 'andrewchambers_c', 'new', 'havoc']) {
    const dir = path.join(DATA, 'mir-c-tests', sub);
    for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.c') && !x.startsWith('add-')).sort()) {
      const base = f.slice(0, -2);
      const at = (suffix: string): string | undefined => { const p = path.join(dir, suffix); return fs.existsSync(p) ? p : undefined; };
      const nomach = at(`${f}.nomach`);
      if (nomach !== undefined && fs.readFileSync(nomach, 'utf8').includes('x86_64')) continue;
      const mach = at(`${f}.mach`);
      if (mach !== undefined && !fs.readFileSync(mach, 'utf8').includes('x86_64')) continue;
      // `.opt` names the MIR execution mode a test needs (`-eb`: MIR's basic-block versioning, whose
      // `__builtin_prop_*` the test exercises); like `.mach`, it restricts where the test runs.
      if (at(`${f}.opt`) !== undefined) continue;
      // A companion in MIR's own IR cannot be linked by anyone but MIR.
      if (at(`add-${base}.mir`) !== undefined) continue;
      const files = [path.join(dir, f)];
      const extra = at(`add-${base}.c`);
      if (extra !== undefined) files.push(extra);
      const expect = at(`${base}.expect`) ?? at(`${f}.expect`);
      const rc = at(`${f}.expectrc`) ?? at(`${base}.expectrc`);
      out.push({
        suite: 'mir-c-tests', name: `mir-c-tests/${sub}/${f}`, files, includePaths: [dir],
        stdout: expect !== undefined ? fs.readFileSync(expect, 'latin1') : undefined,
        status: rc !== undefined ? Number(fs.readFileSync(rc, 'utf8').trim()) : undefined,
      });
    }
  }
  return out;
}

/** What gcc's build of a program does: its stdout and exit status, or why there is none. */
type Oracle = { stdout: string; status: number } | { error: string; hangs: boolean };

/** CPU seconds a program built by gcc may take (more: it does not terminate, as some Csmith programs). */
const ORACLE_CPU_SECONDS = 20;

/** Runs the program built by gcc -O0 (cached by content): its stdout and status (128 + N after signal N, as a shell reports it). */
export function gccOracle(files: string[], includePaths: string[], cwd: string): Oracle {
  const hash = createHash('sha256');
  for (const f of files) hash.update(fs.readFileSync(f));
  const key = hash.digest('hex').slice(0, 24);
  fs.mkdirSync(ORACLE_CACHE, { recursive: true });
  const cached = path.join(ORACLE_CACHE, `${key}.json`);
  if (fs.existsSync(cached)) return JSON.parse(fs.readFileSync(cached, 'utf8')) as Oracle;
  const exe = path.join(ORACLE_CACHE, `${key}.exe`);
  let res: Oracle;
  const b = spawnSync('gcc', ['-O0', '-w', '-std=gnu11', ...includePaths.map((p) => `-I${p}`), '-o', exe, ...files, '-lm'], { encoding: 'utf8' });
  if (b.status !== 0) res = { error: `gcc cannot build it: ${b.stderr.split('\n')[0]}`, hangs: false };
  else {
    // A CPU-time limit (not wall time: the machine may be loaded), and a generous wall-clock one for programs that block.
    const r = spawnSync('/bin/sh', ['-c', `ulimit -t ${ORACLE_CPU_SECONDS}; exec "$0"`, exe], { cwd, encoding: 'latin1', timeout: 30 * ORACLE_CPU_SECONDS * 1000, stdio: ['ignore', 'pipe', 'ignore'] });
    if (r.error !== undefined || r.signal === 'SIGXCPU' || r.signal === 'SIGKILL' || r.signal === 'SIGTERM') res = { error: `gcc's build does not finish in ${ORACLE_CPU_SECONDS} s of CPU time`, hangs: true };
    else res = { stdout: r.stdout, status: r.status ?? 128 + (os.constants.signals[r.signal!] ?? 0) };
  }
  fs.writeFileSync(cached, JSON.stringify(res));
  fs.rmSync(exe, { force: true });
  return res;
}

/** CPU time (user + system) of process `pid` in milliseconds, from /proc; undefined when it is gone. */
function cpuTimeMs(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 and 15 of stat(5) (utime, stime), counted after the command name; clock ticks of 10 ms.
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

/**
 * A pool of worker processes with a per-request limit on the worker's CPU
 * time (so that a loaded machine, where programs wait for a core, does not
 * turn slow programs into timeouts), and a wall-clock limit of ten times that
 * for programs that block.
 */
class Pool {
  private readonly idle: ChildProcess[] = [];
  private nextId = 0;
  constructor(private readonly size: number, private readonly timeoutMs: number) {}

  private spawn(): ChildProcess {
    return fork(path.join(HERE, 'worker.js'), [], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  }

  async run(req: Omit<WorkRequest, 'id'>): Promise<WorkResult> {
    const w = this.idle.pop() ?? this.spawn();
    const id = this.nextId++;
    return new Promise<WorkResult>((resolve) => {
      let stderr = '';
      const onErr = (d: Buffer): void => { stderr += d.toString(); };
      w.stderr?.on('data', onErr);
      const done = (r: WorkResult, keep: boolean): void => {
        clearInterval(timer);
        w.off('message', onMessage);
        w.off('exit', onExit);
        w.stderr?.off('data', onErr);
        if (keep) this.idle.push(w); else w.kill('SIGKILL');
        resolve(r);
      };
      const onMessage = (m: WorkResult): void => { if (m.id === id) done(m, true); };
      const onExit = (code: number | null, signal: string | null): void => done({ id, stdout: '', status: -1, error: `crashed (${signal ?? `exit ${code}`}) ${stderr.split('\n').slice(-3).join(' ')}` }, false);
      const start = Date.now();
      const cpu0 = cpuTimeMs(w.pid!) ?? 0;
      const timer = setInterval(() => {
        const cpu = (cpuTimeMs(w.pid!) ?? cpu0) - cpu0;
        const wall = Date.now() - start;
        if (cpu > this.timeoutMs || wall > 10 * this.timeoutMs) {
          done({ id, stdout: '', status: -1, error: `timeout (${(cpu / 1000).toFixed(1)} s of CPU time in ${(wall / 1000).toFixed(0)} s)` }, false);
        }
      }, 250);
      w.on('message', onMessage);
      w.on('exit', onExit);
      w.send({ ...req, id });
    });
  }

  close(): void {
    for (const w of this.idle) w.disconnect();
  }
  get width(): number { return this.size; }
}

/** Runs `programs` at -O0 and -O2; returns the failures (name -> reason). */
export async function runPrograms(programs: Program[], jobs: number, timeoutMs: number, onResult?: (p: Program, failure: string | null) => void): Promise<Map<Program, string>> {
  const pool = new Pool(jobs, timeoutMs);
  const failures = new Map<Program, string>();
  let next = 0;
  const one = async (): Promise<void> => {
    while (next < programs.length) {
      const p = programs[next++]!;
      const cwd = path.dirname(p.files[0]!);
      let want: Oracle;
      if (p.stdout !== undefined) want = { stdout: p.stdout, status: p.status ?? 0 };
      else {
        const o = gccOracle(p.files, p.includePaths, cwd);
        want = 'error' in o ? o : { stdout: o.stdout, status: p.status ?? o.status };
      }
      let failure: string | null = null;
      if ('error' in want && want.hangs) failure = `no expectation: ${want.error}`;
      else if ('error' in want) {
        // gcc rejects the program (MIR's tests of invalid C): jitkit must reject it with diagnostics too.
        const r = await pool.run({ files: p.files, opt: 0, args: [], includePaths: p.includePaths, cwd });
        if (!r.error.startsWith('compile:') || r.error.includes('internal error')) failure = `gcc rejects it (${want.error.slice(0, 80)}) but jitkit gave: ${r.error === '' ? `exit status ${r.status}` : r.error.split('\n')[0]}`;
      } else {
        for (const opt of [0, 2] as const) {
          const r = await pool.run({ files: p.files, opt, args: p.args ?? [], includePaths: p.includePaths, cwd });
          if (r.error !== '' && r.status < 0) { failure = `-O${opt}: ${r.error}`; break; }
          if (r.stdout !== want.stdout) { failure = `-O${opt}: stdout differs${r.error !== '' ? ` (${r.error.split('\n')[0]})` : ''}: got ${JSON.stringify(r.stdout.slice(0, 80))}, want ${JSON.stringify(want.stdout.slice(0, 80))}`; break; }
          if (r.status !== want.status) { failure = `-O${opt}: exit status ${r.status}, want ${want.status}${r.error !== '' ? ` (${r.error.split('\n')[0]})` : ''}`; break; }
        }
      }
      if (failure !== null) failures.set(p, failure);
      onResult?.(p, failure);
    }
  };
  await Promise.all(Array.from({ length: jobs }, one));
  pool.close();
  return failures;
}

/** Generates `count` Csmith programs (fixed seeds from `seed`) into a temporary directory; [] without csmith. */
export function csmithPrograms(count: number, seed: number): Program[] {
  if (count === 0 || spawnSync('csmith', ['--version'], { stdio: 'ignore' }).status !== 0) return [];
  const inc = ['/usr/include/csmith', '/usr/local/include/csmith'].find((d) => fs.existsSync(d));
  if (inc === undefined) return [];
  const dir = path.join(os.tmpdir(), 'jitkit-csmith');
  fs.mkdirSync(dir, { recursive: true });
  const out: Program[] = [];
  // No argc checks (the program prints the checksum only); bit-fields and packed structs included.
  const flags = ['--no-argc', '--max-funcs', '8'];
  const key = createHash('sha256').update(flags.join(' ')).digest('hex').slice(0, 8);
  // Seeds from `seed` on; a program whose gcc build does not terminate (Csmith does not promise that) is skipped.
  for (let s = seed; out.length < count && s < seed + 3 * count; s++) {
    const file = path.join(dir, `csmith-${s}-${key}.c`);
    if (!fs.existsSync(file)) fs.writeFileSync(file, execFileSync('csmith', ['--seed', String(s), ...flags], { encoding: 'utf8' }));
    const o = gccOracle([file], [inc], dir);
    if ('error' in o && o.hangs) continue;
    out.push({ suite: 'csmith', name: `csmith/seed-${s}`, files: [file], includePaths: [inc] });
  }
  return out;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const flag = (name: string, def: number): number => { const i = argv.indexOf(name); return i >= 0 ? Number(argv[i + 1]) : def; };
  const quick = argv.includes('--quick');
  const only = argv.includes('--only') ? argv[argv.indexOf('--only') + 1]! : '';
  const jobs = flag('--jobs', 2);
  const timeoutMs = flag('--timeout', 30) * 1000;
  let programs = listPrograms();
  if (only !== '') programs = programs.filter((p) => p.name.includes(only));
  if (quick) programs = programs.filter((_, i) => i % 12 === 0);
  // `--only csmith` (or `--only csmith/seed-1004`) runs the Csmith slice alone.
  const csmith = csmithPrograms(only !== '' && !only.startsWith('csmith') ? 0 : flag('--csmith', quick ? 2 : 60), flag('--seed', 1000)).filter((p) => p.name.includes(only));
  const all = [...programs, ...csmith];
  const t0 = Date.now();
  const failures = await runPrograms(all, jobs, timeoutMs, (p, f) => { if (f !== null) console.log(`FAIL ${p.name}: ${f.replace(/\s*\n\s*/g, ' | ')}`); });
  const count = (suite: string): [number, number] => {
    const ps = all.filter((p) => p.suite === suite);
    return [ps.filter((p) => !failures.has(p)).length, ps.length];
  };
  const [p, pn] = count('c-testsuite'), [q, n] = count('mir-c-tests'), [r, s] = count('csmith');
  if (!quick && only === '') {
    const lines = [...failures].map(([prog, why]) => `${prog.name}: ${why.replace(/\s*\n\s*/g, ' | ')}`);
    fs.writeFileSync(path.join(ROOT, 'test', 'c', 'failures.txt'), `# Programs that do not pass \`npm run test:c\` (written by it), with the reason.\n${lines.join('\n')}\n`);
  }
  console.log(`(${all.length} programs in ${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  console.log(`c-testsuite: ${p}/${pn}  mir-c-tests: ${q}/${n}  csmith: ${r}/${s}  (-O0 and -O2)`);
  process.exitCode = p === pn && q >= 0.98 * n && r === s ? 0 : 1;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) await main();
