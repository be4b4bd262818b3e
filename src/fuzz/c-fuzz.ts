/**
 * Mutation fuzzing of the C front end with bad C.
 *
 *   corpus file ──tokenize──► tokens ──mutate──► text ──► worker child: compileToIR()
 *   (../shared/testdata/c)   (delete, swap,               preprocess + parse + IR generation
 *                             duplicate 1-3 tokens)         │
 *        ┌──────────────────────────────────────────────────┘
 *        ▼
 *   CompileError (or success)  = fine: bad C must get diagnostics
 *   any other exception        = internal error  ─┐
 *   no answer within hangMs    = hang             ─┴─► reduce (token deletion, ddmin) ─► fuzz-out/c-*.c
 *
 * The front end runs in a child process (a hang cannot be interrupted in
 * process); the parent kills and restarts it after a hang. Everything is a
 * function of the seed. `planted` plants a failure on one of the front end's
 * error paths (reporting "expected ';' ...", which deleting a `;` reaches,
 * throws a TypeError, or with `'hang'` loops forever), to show that failures
 * are found and reduced.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { CompileError, Diagnostics } from '../frontends/c/diagnostics.js';
import { compileToIR } from '../frontends/c/index.js';
import { tokenize } from '../frontends/c/lexer.js';
import { TokenKind } from '../frontends/c/token.js';
import { mixSeed, Rng } from './rng.js';

/** A source token with the white space before it (`'\n'` for a new line, `' '`, or nothing). */
export interface SourceToken {
  /** White space printed before the token. */
  readonly sep: string;
  /** The token's text. */
  readonly spelling: string;
}

/** The tokens of a C text (unpreprocessed: directives are tokens too). */
export function sourceTokens(text: string): SourceToken[] {
  const toks = tokenize({ name: 'input.c', text }, new Diagnostics([]));
  const out: SourceToken[] = [];
  for (const t of toks) {
    if (t.kind === TokenKind.Eof) break;
    out.push({ sep: out.length === 0 ? '' : t.lineStart ? '\n' : t.spaceBefore ? ' ' : '', spelling: t.spelling });
  }
  return out;
}

/** Source text of tokens (ends with a newline). */
export function sourceText(tokens: readonly SourceToken[]): string {
  let s = '';
  for (const t of tokens) s += t.sep + t.spelling;
  return s + '\n';
}

/** What a mutation did, for the log. */
export type MutationKind = 'delete' | 'swap' | 'duplicate';

/** Applies 1-3 random token mutations (delete, swap, duplicate); returns the new tokens and what was done. */
export function mutate(tokens: readonly SourceToken[], rng: Rng): { tokens: SourceToken[]; done: string[] } {
  const out = tokens.slice();
  const done: string[] = [];
  const count = rng.int(1, 3);
  for (let m = 0; m < count && out.length > 1; m++) {
    const i = rng.int(0, out.length - 1);
    switch (rng.int(0, 2)) {
      case 0: { // delete; a new line stays a new line (directives keep their lines)
        const [gone] = out.splice(i, 1);
        if (gone!.sep === '\n' && i < out.length && out[i]!.sep !== '\n') out[i] = { sep: '\n', spelling: out[i]!.spelling };
        done.push(`delete ${JSON.stringify(gone!.spelling)} at ${i}`);
        break;
      }
      case 1: { // swap with a neighbour (mostly) or any token
        const j = rng.chance(0.7) ? Math.min(out.length - 1, i + 1) : rng.int(0, out.length - 1);
        const a = out[i]!;
        const b = out[j]!;
        out[i] = { sep: a.sep, spelling: b.spelling };
        out[j] = { sep: b.sep, spelling: a.spelling };
        done.push(`swap ${i} and ${j}`);
        break;
      }
      default: { // duplicate a token (or a short run) next to itself or elsewhere
        const len = rng.chance(0.8) ? 1 : rng.int(2, 6);
        const run = out.slice(i, i + len).map((t, k) => ({ sep: k === 0 ? ' ' : t.sep, spelling: t.spelling }));
        const at = rng.chance(0.7) ? i + run.length : rng.int(0, out.length);
        out.splice(at, 0, ...run);
        done.push(`duplicate ${run.length} at ${i} to ${at}`);
      }
    }
  }
  return { tokens: out, done };
}

/** How the front end took an input. */
export interface Outcome {
  /** `ok` (compiled), `error` (a CompileError: diagnostics), `internal` (any other exception), `hang`. */
  readonly kind: 'ok' | 'error' | 'internal' | 'hang';
  /** For internal errors: `Name: message` (first line) and the innermost frame; for hangs the limit. */
  readonly detail: string;
}

/** The failure's identity for deduplication and reduction: numbers (value ids, lines) do not count. */
export function failureKey(o: Outcome): string {
  return o.kind === 'hang' ? 'hang' : `${o.kind}: ${o.detail.replace(/\d+/g, 'N')}`;
}

/** True for outcomes the fuzzer counts as failures. */
export function isFailure(o: Outcome): boolean {
  return o.kind === 'internal' || o.kind === 'hang';
}

/** The planted failures: an internal error or a hang. */
export type PlantedFailure = 'internal' | 'hang';

/** Makes reporting "expected ';' ..." fail in this process (the planted failure). */
export function plantFailure(kind: PlantedFailure): void {
  const proto = Diagnostics.prototype;
  const error = proto.error;
  proto.error = function (this: Diagnostics, loc, message) {
    if (message.startsWith("expected ';'")) {
      if (kind === 'internal') throw new TypeError('planted internal error on an error path');
      for (;;); // planted hang
    }
    error.call(this, loc, message);
  };
}

/** Runs the front end on one text (in the worker). */
export function runFrontEnd(name: string, text: string): Outcome {
  try {
    compileToIR({ source: text, name });
    return { kind: 'ok', detail: '' };
  } catch (e) {
    if (e instanceof CompileError) return { kind: 'error', detail: '' };
    const err = e instanceof Error ? e : new Error(String(e));
    const frame = (err.stack ?? '').split('\n').find((l) => l.trim().startsWith('at ')) ?? '';
    return { kind: 'internal', detail: `${err.name}: ${err.message.split('\n')[0]} ${frame.trim()}` };
  }
}

/** The parent's handle on a worker child that runs the front end, restarted after a hang. */
export class FrontEndWorker {
  private child: ChildProcess | null = null;
  private lines: readline.Interface | null = null;
  private pending: ((line: string) => void) | null = null;

  /** Creates a worker (started on first use). */
  constructor(private readonly planted: PlantedFailure | undefined) {}

  /** Runs one input; a hang kills the child (the next call starts a new one). */
  run(name: string, text: string, hangMs: number): Promise<Outcome> {
    const child = this.start();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending = null;
        this.stop();
        resolve({ kind: 'hang', detail: `no answer within ${hangMs} ms` });
      }, hangMs);
      this.pending = (line) => {
        clearTimeout(timer);
        this.pending = null;
        resolve(JSON.parse(line) as Outcome);
      };
      child.stdin!.write(JSON.stringify({ name, text }) + '\n');
    });
  }

  /** Ends the child. */
  stop(): void {
    this.lines?.close();
    this.child?.kill('SIGKILL');
    this.child = null;
    this.lines = null;
  }

  private start(): ChildProcess {
    if (this.child !== null) return this.child;
    const args = [fileURLToPath(import.meta.url), '--worker'];
    if (this.planted !== undefined) args.push(`--planted=${this.planted}`);
    const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'] });
    child.on('exit', () => {
      if (this.child === child) {
        this.child = null;
        // A worker that died (out of memory, a signal) is reported like an internal error.
        this.pending?.(JSON.stringify({ kind: 'internal', detail: 'the worker process died' }));
      }
    });
    this.lines = readline.createInterface({ input: child.stdout! });
    this.lines.on('line', (line) => this.pending?.(line));
    this.child = child;
    return child;
  }
}

/**
 * Shrinks a failing token list by deleting chunks (delta debugging) while
 * `fails` still says yes; stops at `deadline` (ms since the epoch).
 */
export async function reduceTokens(tokens: readonly SourceToken[], fails: (t: SourceToken[]) => Promise<boolean>, deadline: number): Promise<SourceToken[]> {
  let cur = tokens.slice();
  for (let chunk = Math.max(1, cur.length >> 1); ; chunk = Math.max(1, chunk >> 1)) {
    let progress = false;
    for (let i = 0; i < cur.length && Date.now() < deadline; ) {
      const cand = [...cur.slice(0, i), ...cur.slice(i + chunk)];
      if (cand.length > 0 && cand[0]!.sep !== '') cand[0] = { sep: '', spelling: cand[0]!.spelling };
      if (cand.length > 0 && (await fails(cand))) {
        cur = cand;
        progress = true;
      } else i += chunk;
    }
    if (Date.now() >= deadline || (chunk === 1 && !progress)) return cur;
  }
}

/** Options of a C fuzzing session. */
export interface CFuzzOptions {
  /** Run seed. */
  readonly seed: number;
  /** The corpus directory (`.c` files, searched recursively). */
  readonly corpus: string;
  /** Stop after this many mutants. */
  readonly mutants?: number;
  /** Stop after this long (ms). */
  readonly timeLimitMs: number;
  /** No answer within this long is a hang (default 10 s). */
  readonly hangMs?: number;
  /** Skip corpus files larger than this (default 64 KB: keeps mutants fast). */
  readonly maxFileBytes?: number;
  /** Where reduced failures are written (none when undefined). */
  readonly outDir?: string;
  /** Time for reducing each failure (default 60 s). */
  readonly reduceTimeMs?: number;
  /** Stop after this many distinct failures (default 10). */
  readonly maxFailures?: number;
  /** The planted failure (see the module comment). */
  readonly planted?: PlantedFailure;
  /** Progress lines. */
  readonly log?: (line: string) => void;
}

/** One failure found. */
export interface CFailure {
  /** The mutant's number and source file. */
  readonly mutant: number;
  readonly file: string;
  /** Internal error or hang, with its detail. */
  readonly outcome: Outcome;
  /** The reduced text. */
  readonly reduced: string;
  /** Where it was written (when `outDir` was given). */
  readonly written?: string;
}

/** Totals of a session. */
export interface CFuzzStats {
  /** Mutants run. */
  mutants: number;
  /** Mutants the front end rejected with diagnostics, and ones it compiled. */
  rejected: number;
  accepted: number;
  /** Mutants that gave an internal error, and mutants that hung. */
  internalErrors: number;
  hangs: number;
  /** The distinct failures (by error and innermost frame; all hangs are one), reduced. */
  failures: CFailure[];
  /** Elapsed ms. */
  ms: number;
}

/** The `.c` files of the corpus, relative paths sorted, at most `maxBytes` each. */
export function corpusFiles(dir: string, maxBytes: number): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of fs.readdirSync(d).sort()) {
      const p = path.join(d, name);
      const st = fs.statSync(p);
      if (st.isDirectory()) walk(p);
      else if (name.endsWith('.c') && st.size <= maxBytes) out.push(path.relative(dir, p));
    }
  };
  walk(dir);
  return out;
}

/** Runs a mutation fuzzing session. */
export async function fuzzC(o: CFuzzOptions): Promise<CFuzzStats> {
  const t0 = Date.now();
  const hangMs = o.hangMs ?? 10000;
  const files = corpusFiles(o.corpus, o.maxFileBytes ?? 65536);
  if (files.length === 0) throw new Error(`fuzz c: no .c files in ${o.corpus}`);
  const tokenCache = new Map<string, SourceToken[]>();
  const worker = new FrontEndWorker(o.planted);
  const stats: CFuzzStats = { mutants: 0, rejected: 0, accepted: 0, internalErrors: 0, hangs: 0, failures: [], ms: 0 };
  const seen = new Set<string>();
  try {
    for (let n = 0; (o.mutants === undefined || n < o.mutants) && Date.now() - t0 < o.timeLimitMs && stats.failures.length < (o.maxFailures ?? 10); n++) {
      const rng = new Rng(mixSeed(o.seed, n));
      const file = rng.pick(files);
      let tokens = tokenCache.get(file);
      if (tokens === undefined) tokenCache.set(file, (tokens = sourceTokens(fs.readFileSync(path.join(o.corpus, file), 'utf8'))));
      if (tokens.length < 2) continue;
      const m = mutate(tokens, rng);
      const outcome = await worker.run(file, sourceText(m.tokens), hangMs);
      stats.mutants++;
      if (outcome.kind === 'ok') stats.accepted++;
      else if (outcome.kind === 'error') stats.rejected++;
      else {
        if (outcome.kind === 'hang') stats.hangs++;
        else stats.internalErrors++;
        const key = failureKey(outcome);
        if (seen.has(key)) continue; // one reduction per distinct failure
        seen.add(key);
        o.log?.(`c fuzz: mutant ${n} of ${file} (${m.done.join(', ')}): ${outcome.kind}: ${outcome.detail}`);
        stats.failures.push(await reduceFailure(worker, n, file, m.tokens, outcome, hangMs, o));
      }
    }
  } finally {
    worker.stop();
  }
  stats.ms = Date.now() - t0;
  return stats;
}

async function reduceFailure(worker: FrontEndWorker, n: number, file: string, tokens: SourceToken[], outcome: Outcome, hangMs: number, o: CFuzzOptions): Promise<CFailure> {
  const same = async (t: SourceToken[]): Promise<boolean> => {
    const r = await worker.run(file, sourceText(t), outcome.kind === 'hang' ? hangMs : Math.max(hangMs, 2000));
    return failureKey(r) === failureKey(outcome);
  };
  const reduced = sourceText(await reduceTokens(tokens, same, Date.now() + (o.reduceTimeMs ?? 60000)));
  let written: string | undefined;
  if (o.outDir !== undefined) {
    fs.mkdirSync(o.outDir, { recursive: true });
    written = path.join(o.outDir, `c-${outcome.kind}-${o.seed}-${n}.c`);
    fs.writeFileSync(written, `/* fuzz: ${outcome.kind}: ${outcome.detail.replace(/\*\//g, '* /')}\n   from ${file}, seed ${o.seed}, mutant ${n} */\n${reduced}`);
  }
  return { mutant: n, file, outcome, reduced, written };
}

/** The worker: one JSON request per line on stdin, one outcome per line on stdout. */
function workerMain(planted: PlantedFailure | undefined): void {
  if (planted !== undefined) plantFailure(planted);
  const rl = readline.createInterface({ input: process.stdin });
  rl.on('line', (line) => {
    const { name, text } = JSON.parse(line) as { name: string; text: string };
    process.stdout.write(JSON.stringify(runFrontEnd(name, text)) + '\n');
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === '--worker') {
  const planted = process.argv.find((a) => a.startsWith('--planted='))?.slice('--planted='.length);
  workerMain(planted === 'internal' || planted === 'hang' ? planted : undefined);
}
