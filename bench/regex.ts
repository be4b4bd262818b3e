/**
 * `npm run bench:regex`: rebar's curated benchmarks (../shared/testdata/regex/rebar, see its
 * MODELS.md) on jitkit/regex, V8's RegExp and re2js, side by side in one run.
 *
 * Models: count, count-spans, count-captures, grep, grep-captures (compile is reported as the
 * compile time of each engine). A benchmark runs when its haystack is present and it lists
 * javascript/v8 among its engines (so V8 is the reference); every engine's count is checked
 * against the definition's count for javascript/v8 (UTF-16 spans, JS semantics). Times are the
 * best of several runs after one warm-up run.
 *
 * Ends with: curated geomean vs V8: <x>  benchmarks: <n>  counts correct: <n>/<n>  pathological (a+)+$ ms: <p>
 * (x over the benchmarks where jitkit's count is correct; p is jitkit's time for /^(a+)+$/ on
 * 28 a's and a '!', where V8 backtracks for seconds).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { RE2JS } from 're2js';
import { Regex } from '../src/frontends/regex/index.js';

const REBAR = process.env['REBAR_DIR'] ?? path.resolve('..', 'shared', 'testdata', 'regex', 'rebar');
const FALLBACK = '/work/shared/testdata/regex/rebar';

interface Bench { model: string; name: string; group: string; patterns: string[]; flags: string; haystack: string; expected: number }

function rebarDir(): string {
  if (fs.existsSync(path.join(REBAR, 'definitions'))) return REBAR;
  return FALLBACK;
}

type Toml = Record<string, unknown>;

function loadHaystack(dir: string, h: unknown): string | null {
  if (typeof h === 'string') return h;
  const t = h as Toml;
  let s: string;
  if (typeof t['contents'] === 'string') s = t['contents'];
  else {
    const file = path.join(dir, 'haystacks', String(t['path']));
    if (!fs.existsSync(file)) return null;
    s = new TextDecoder('utf-8', { fatal: false }).decode(fs.readFileSync(file));
  }
  if (t['trim'] === true) s = s.trim();
  if (t['line-start'] !== undefined || t['line-end'] !== undefined) {
    const lines = s.split(/(?<=\n)/);
    s = lines.slice(Number(t['line-start'] ?? 0), t['line-end'] !== undefined ? Number(t['line-end']) : lines.length).join('');
  }
  if (t['repeat'] !== undefined) s = s.repeat(Number(t['repeat']));
  if (typeof t['prepend'] === 'string') s = t['prepend'] + s;
  if (typeof t['append'] === 'string') s += t['append'];
  return s;
}

function loadPatterns(dir: string, r: unknown): string[] {
  if (typeof r === 'string') return [r];
  if (Array.isArray(r)) return r.map(String);
  const t = r as Toml;
  let pats: string[];
  if (t['path'] !== undefined) {
    const text = fs.readFileSync(path.join(dir, 'regexes', String(t['path'])), 'utf8').trim();
    pats = t['per-line'] !== undefined ? text.split('\n') : [text];
  } else pats = Array.isArray(t['patterns']) ? (t['patterns'] as unknown[]).map(String) : [String(t['patterns'])];
  if (t['literal'] === true) pats = pats.map((p) => p.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&'));
  if (t['per-line'] === 'alternate') pats = [pats.join('|')];
  return pats.map((p) => String(t['prepend'] ?? '') + p + String(t['append'] ?? ''));
}

function expectedCount(c: unknown): number {
  if (typeof c === 'number') return c;
  for (const e of c as Toml[]) if (new RegExp(`^(?:${String(e['engine'])})$`).test('javascript/v8')) return Number(e['count']);
  return NaN;
}

function loadCurated(): Bench[] {
  const dir = rebarDir();
  const defs = path.join(dir, 'definitions', 'curated');
  const out: Bench[] = [];
  for (const f of fs.readdirSync(defs).filter((x) => x.endsWith('.toml')).sort()) {
    const doc = parseToml(fs.readFileSync(path.join(defs, f), 'utf8')) as { bench: Toml[] };
    for (const b of doc.bench) {
      const model = String(b['model']);
      if (model === 'compile' || model === 'regex-redux') continue;
      if (!(b['engines'] as string[]).includes('javascript/v8')) continue;
      const haystack = loadHaystack(dir, b['haystack']);
      if (haystack === null) continue;
      const patterns = loadPatterns(dir, b['regex']);
      if (patterns.length !== 1) continue;
      const flags = (b['case-insensitive'] === true ? 'i' : '') + (b['unicode'] === true ? 'u' : '');
      out.push({ model, name: String(b['name']), group: f.replace(/\.toml$/, ''), patterns, flags, haystack, expected: expectedCount(b['count']) });
    }
  }
  return out;
}

/** One engine's way of running the models. */
interface Runner {
  name: string;
  compile(pattern: string, flags: string): unknown;
  /** All matches of the whole haystack, reported to `onMatch(start, end, groupsMatched)`. */
  count(re: unknown, hay: string, model: string): number;
  /** Does the line match. */
  test(re: unknown, line: string): boolean;
  /** Matching groups (including group 0) of all matches in a line. */
  captures(re: unknown, line: string): number;
}

function execLoop(re: { exec(s: string): (string | undefined)[] & { index: number } | null; lastIndex: number }, hay: string, model: string): number {
  re.lastIndex = 0;
  let n = 0;
  for (let m = re.exec(hay); m !== null; m = re.exec(hay)) {
    const len = m[0]!.length;
    if (model === 'count') n++;
    else if (model === 'count-spans') n += len;
    else for (const g of m) if (g !== undefined) n++;
    if (len === 0) re.lastIndex++;
  }
  return n;
}

const jitkit: Runner = {
  name: 'jitkit',
  compile: (p, f) => new Regex(p, 'g' + f),
  count: (re, hay, model) => execLoop(re as Regex as never, hay, model),
  test: (re, line) => { (re as Regex).lastIndex = 0; return (re as Regex).test(line); },
  captures: (re, line) => execLoop(re as Regex as never, line, 'count-captures'),
};

const v8: Runner = {
  name: 'V8',
  compile: (p, f) => new RegExp(p, 'g' + f),
  count: (re, hay, model) => execLoop(re as RegExp as never, hay, model),
  test: (re, line) => { (re as RegExp).lastIndex = 0; return (re as RegExp).test(line); },
  captures: (re, line) => execLoop(re as RegExp as never, line, 'count-captures'),
};

const re2js: Runner = {
  name: 're2js',
  compile: (p, f) => RE2JS.compile(p, f.includes('i') ? RE2JS.CASE_INSENSITIVE : 0),
  count: (re, hay, model) => {
    const m = (re as RE2JS).matcher(hay);
    const groups = m.groupCount();
    let n = 0;
    while (m.find()) {
      if (model === 'count') n++;
      else if (model === 'count-spans') n += m.end() - m.start();
      else for (let g = 0; g <= groups; g++) if (m.start(g) >= 0) n++;
    }
    return n;
  },
  test: (re, line) => (re as RE2JS).matcher(line).find(),
  captures: (re, line) => {
    const m = (re as RE2JS).matcher(line);
    const groups = m.groupCount();
    let n = 0;
    while (m.find()) for (let g = 0; g <= groups; g++) if (m.start(g) >= 0) n++;
    return n;
  },
};

function lines(hay: string): string[] {
  const out: string[] = [];
  for (const l of hay.split('\n')) out.push(l.endsWith('\r') ? l.slice(0, -1) : l);
  if (hay.endsWith('\n')) out.pop();
  return out;
}

function runModel(r: Runner, re: unknown, b: Bench, ls: string[]): number {
  switch (b.model) {
    case 'grep': { let n = 0; for (const l of ls) if (r.test(re, l)) n++; return n; }
    case 'grep-captures': { let n = 0; for (const l of ls) n += r.captures(re, l); return n; }
    default: return r.count(re, b.haystack, b.model);
  }
}

interface Result { ms: number; compileUs: number; count: number | string; ok: boolean }

function measure(r: Runner, b: Bench): Result {
  let re: unknown;
  const c0 = performance.now();
  try { re = r.compile(b.patterns[0]!, b.flags); } catch (e) { return { ms: NaN, compileUs: NaN, count: `error: ${(e as Error).message.slice(0, 60)}`, ok: false }; }
  const compileUs = (performance.now() - c0) * 1000;
  const ls = b.model.startsWith('grep') ? lines(b.haystack) : [];
  let count: number;
  const w0 = performance.now();
  try { count = runModel(r, re, b, ls); } catch (e) { return { ms: NaN, compileUs, count: `error: ${(e as Error).message.slice(0, 60)}`, ok: false }; }
  const warm = performance.now() - w0;
  // Runs of more than a second are timed once more only (re2js takes minutes on some).
  let best = warm > 1000 ? warm : Infinity, total = 0;
  for (let k = 0; k < (warm > 1000 ? 1 : 10) && (k < 3 || total < 400); k++) {
    const t = performance.now();
    runModel(r, re, b, ls);
    const dt = performance.now() - t;
    best = Math.min(best, dt);
    total += dt;
  }
  return { ms: best, compileUs, count, ok: count === b.expected };
}

function pathological(): number {
  const re = new Regex('^(a+)+$');
  const s = 'a'.repeat(28) + '!';
  re.exec(s);
  let best = Infinity;
  for (let k = 0; k < 20; k++) {
    const t = performance.now();
    if (re.exec(s) !== null) throw new Error('pathological: unexpected match');
    best = Math.min(best, performance.now() - t);
  }
  return best;
}

function main(): void {
  const benches = loadCurated();
  const runners = [jitkit, v8, re2js];
  console.log(`rebar curated benchmarks with a haystack present and javascript/v8 among their engines: ${benches.length}`);
  console.log(`node ${process.version}, V8 ${process.versions.v8}; times in ms (best run), compile in us; ratio = jitkit / V8`);
  console.log(['benchmark', 'model', ...runners.map((r) => r.name), 'ratio', 'compile jitkit/V8/re2js', 'counts (expected)'].join(' | '));
  const logs: number[] = [];
  let correct = 0;
  for (const b of benches) {
    const res = runners.map((r) => measure(r, b));
    const [j, v] = res as [Result, Result, Result];
    const ratio = j.ms / v.ms;
    if (j.ok) { correct++; if (v.ok && Number.isFinite(ratio) && ratio > 0) logs.push(Math.log(ratio)); }
    const counts = res.map((x, k) => `${runners[k]!.name} ${x.count}${x.ok ? '' : ' WRONG'}`).join(', ');
    console.log([`${b.group}/${b.name}`, b.model, ...res.map((x) => x.ms.toFixed(3)), ratio.toFixed(2),
      res.map((x) => x.compileUs.toFixed(0)).join('/'), `${counts} (${b.expected})`].join(' | '));
  }
  const geomean = logs.length > 0 ? Math.exp(logs.reduce((a, b) => a + b, 0) / logs.length) : NaN;
  const p = pathological();
  console.log(`curated geomean vs V8: ${geomean.toFixed(2)}  benchmarks: ${benches.length}  counts correct: ${correct}/${benches.length}  pathological (a+)+$ ms: ${p.toFixed(3)}`);
}

main();
