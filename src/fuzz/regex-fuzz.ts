/**
 * Differential fuzzing of jitkit/regex against V8's own RegExp (the oracle).
 *
 *   generate   a random pattern from a grammar covering every construct (literals, escapes,
 *              classes, properties, dot, anchors, word boundaries, groups of every kind,
 *              lookarounds, backreferences, greedy/lazy/counted quantifiers, alternation)
 *              with random flags, and random plus adversarial inputs built from the
 *              pattern's own characters
 *   compare    syntax errors (message text), then for each input every match of a global
 *              exec loop (index, captures, named groups, indices under `d`, lastIndex), then
 *              replace/split/search results
 *
 * A search that exceeds jitkit's backtracking budget counts as `budget`, not as a mismatch
 * (V8 has no budget); it only happens for backtracking-engine patterns.
 */
import { Regex, RegexBudgetError } from '../frontends/regex/index.js';
import { Rng } from './rng.js';

const LITERALS = ['a', 'b', 'c', 'A', 'B', 'k', 'K', 's', 'S', '0', '1', ' ', '-', '_', '\u00e9', '\u00c9', '\u00df', '\u1e9e',
  '\u017f', '\u212a', '\u0430', '\u0410', '\u03c3', '\u03a3', '\u03c2', '\ud83d\ude00', '\u00b5', '\u039c', '\u01c5'];
const ESCAPES = ['\\d', '\\D', '\\w', '\\W', '\\s', '\\S', '\\n', '\\t', '\\.', '\\-', '\\*', '\\\\', '\\/', '\\x41', '\\u0061',
  '\\0', '\\cJ', '\\f', '\\v', '\\u00e9', '\\ud83d\\ude00', '\\ud83d', '\\ude00', '\\(', '\\[', '\\|', '\\$', '\\^', '\\?'];
const U_ESCAPES = ['\\u{61}', '\\u{1f600}', '\\p{L}', '\\p{Lu}', '\\P{Ll}', '\\p{Script=Greek}', '\\p{N}', '\\P{L}', '\\p{ASCII}', '\\p{Any}'];
const ANNEX_B = ['\\c', '\\k', '\\8', '\\1', '\\01', '\\q', '{', '}', ']', 'a{,2}', '\\u{2}', '\\x4'];
const CLASS_ITEMS = ['a', 'b', 'c', 'a-c', 'A-Z', '0-9', '\\d', '\\w', '\\s', '\\W', '-', '\\-', '\\b', '\u00e0-\u00ff', 'k', 'K', 's',
  '\u017f', '\u212a', '\\u0430-\\u044f', '\ud83d\ude00', '.', '^', '$', '\\]', '_'];

/** A random pattern and flags. */
export interface RegexCase { source: string; flags: string }

/** Generates one pattern (every construct) with flags. */
export function generatePattern(rng: Rng): RegexCase {
  const unicode = rng.chance(0.35);
  let groups = 0;
  const names: string[] = [];
  const term = (depth: number): string => {
    const r = rng.int(0, 99);
    let atom: string;
    if (r < 30) atom = rng.pick(LITERALS);
    else if (r < 42) atom = rng.pick(ESCAPES);
    else if (r < 46) atom = unicode ? rng.pick(U_ESCAPES) : rng.pick(ANNEX_B);
    else if (r < 52) atom = '.';
    else if (r < 62) {
      const n = rng.int(1, 3);
      let items = '';
      for (let k = 0; k < n; k++) items += rng.pick(CLASS_ITEMS);
      if (unicode && rng.chance(0.3)) items += rng.pick(['\\p{L}', '\\P{Lu}', '\\p{Nd}']);
      atom = `[${rng.chance(0.3) ? '^' : ''}${items}]`;
    } else if (r < 66) atom = rng.pick(['^', '$', '\\b', '\\B']);
    else if (r < 80 && depth < 3) {
      const body = alternation(depth + 1);
      const g = rng.int(0, 9);
      if (g < 4) { groups++; atom = `(${body})`; }
      else if (g < 5) { groups++; const name = rng.pick(['x', 'y', 'zz', 'n1']); if (!names.includes(name)) names.push(name); atom = `(?<${name}>${body})`; }
      else if (g < 7) atom = `(?:${body})`;
      else atom = `(${rng.pick(['?=', '?!', '?<=', '?<!'])}${body})`;
    } else if (r < 86 && (groups > 0 || names.length > 0)) {
      atom = names.length > 0 && rng.chance(0.3) ? `\\k<${rng.pick(names)}>` : `\\${rng.int(1, Math.max(1, groups + 1))}`;
    } else atom = rng.pick(LITERALS);
    if (rng.chance(0.3)) {
      const q = rng.pick(['*', '+', '?', '{2}', '{1,3}', '{0,2}', '{2,}', '{0}', '{3,5}']);
      atom += q + (rng.chance(0.3) ? '?' : '');
    }
    return atom;
  };
  const sequence = (depth: number): string => {
    const n = rng.int(0, depth === 0 ? 5 : 3);
    let out = '';
    for (let k = 0; k < n; k++) out += term(depth);
    return out;
  };
  const alternation = (depth: number): string => {
    const n = rng.chance(0.3) ? rng.int(2, 3) : 1;
    const alts: string[] = [];
    for (let k = 0; k < n; k++) alts.push(sequence(depth));
    return alts.join('|');
  };
  let source = alternation(0);
  if (rng.chance(0.03)) source += rng.pick(['(', ')', '[', '*', '\\', 'a**', '(?<1>)', '{2,1}', '(?']);
  let flags = rng.chance(0.6) ? 'g' : '';
  for (const f of ['i', 'm', 's', 'y', 'd']) if (rng.chance(0.25)) flags += f;
  if (unicode) flags += 'u';
  return { source, flags };
}

/** Random and adversarial inputs for a pattern: its own characters, near-misses, repeats. */
export function generateInputs(rng: Rng, c: RegexCase, count: number): string[] {
  const alphabet = [...new Set([...c.source.replace(/\\[a-zA-Z]|[()[\]{}?*+|^$\\]/g, '')])];
  const extra = ['a', 'b', 'A', '\n', ' ', 'x', '0', '\u017f', '\u212a', '\ud83d', '\ude00', '\ud83d\ude00', '\u00e9', '\u0430', '\u03c3'];
  const pool = alphabet.length > 0 ? [...alphabet, ...alphabet, ...extra] : extra;
  const out: string[] = [''];
  const longOk = !/\)[*+?{]|\\[1-9k]/.test(c.source);
  for (let k = 0; k < count; k++) {
    const n = rng.int(0, 14);
    let s = '';
    if (longOk && rng.chance(0.12)) {
      // Long inputs (the native DFA scan runs from 64 characters on), only for patterns
      // without quantified groups or backreferences: V8 (the oracle) has no step budget and
      // backtracks exponentially on nested quantifiers over long inputs.
      const len = rng.int(64, 300);
      for (let i = 0; i < len; i++) s += rng.pick(pool);
    } else if (rng.chance(0.2)) {
      const unit = rng.pick(pool);
      s = unit.repeat(rng.int(1, 12)) + (rng.chance(0.5) ? rng.pick(pool) : '');
    } else for (let i = 0; i < n; i++) s += rng.pick(pool);
    out.push(s);
  }
  return out;
}

/** Outcome of one comparison. */
export type CompareResult = { kind: 'ok' } | { kind: 'budget' } | { kind: 'mismatch'; detail: string };

function describeMatch(m: RegExpExecArray | null, lastIndex: number): string {
  if (m === null) return `null lastIndex=${lastIndex}`;
  const groups = m.groups === undefined ? 'undefined' : JSON.stringify(Object.entries(m.groups));
  const indices = m.indices === undefined ? '' : ` indices=${JSON.stringify([...m.indices])} ig=${m.indices.groups === undefined ? 'undefined' : JSON.stringify(Object.entries(m.indices.groups))}`;
  return `index=${m.index} caps=${JSON.stringify([...m])} groups=${groups}${indices} lastIndex=${lastIndex}`;
}

/** Compares jitkit with V8 on a pattern over some inputs. */
export function compareCase(c: RegexCase, inputs: readonly string[], engine: 'auto' | 'backtrack' | 'pike' | 'dfa' = 'auto'): CompareResult {
  let v8: RegExp | undefined, v8Error: string | undefined;
  try { v8 = new RegExp(c.source, c.flags); } catch (e) { v8Error = (e as Error).message; }
  let ours: Regex | undefined, ourError: string | undefined;
  try {
    ours = new Regex(c.source, c.flags, { engine: engine === 'auto' ? 'auto' : undefined });
  } catch (e) {
    ourError = `${(e as Error).name}: ${(e as Error).message}`;
  }
  if (v8Error !== undefined || ourError !== undefined) {
    if (v8Error !== undefined && ourError === `SyntaxError: ${v8Error}`) return { kind: 'ok' };
    return { kind: 'mismatch', detail: `construction: V8 ${v8Error ?? 'ok'} / jitkit ${ourError ?? 'ok'}` };
  }
  const re = v8!, mine = ours!;
  let ours2: Regex = mine;
  if (engine !== 'auto' && !(engine !== 'backtrack' && mine.parsed.needsBacktracking)) {
    try { ours2 = new Regex(c.source, c.flags, { engine }); } catch (e) { return { kind: 'mismatch', detail: `engine ${engine}: ${(e as Error).message}` }; }
  }
  try {
    for (const input of inputs) {
      re.lastIndex = 0;
      ours2.lastIndex = 0;
      for (let k = 0; k < 8; k++) {
        const a = re.exec(input), b = ours2.exec(input);
        const da = describeMatch(a, re.lastIndex), db = describeMatch(b as RegExpExecArray | null, ours2.lastIndex);
        if (da !== db) return { kind: 'mismatch', detail: `exec #${k} on ${JSON.stringify(input)}:\n  V8     ${da}\n  jitkit ${db}` };
        if (a === null || !(re.global || re.sticky)) break;
        if (a[0] === '') { re.lastIndex++; ours2.lastIndex++; }
      }
      re.lastIndex = 0;
      ours2.lastIndex = 0;
      const ra = input.replace(re, '[$&|$1]'), rb = input.replace(ours2 as unknown as RegExp, '[$&|$1]');
      if (ra !== rb) return { kind: 'mismatch', detail: `replace on ${JSON.stringify(input)}: V8 ${JSON.stringify(ra)} jitkit ${JSON.stringify(rb)}` };
      const sa = JSON.stringify(input.split(re)), sb = JSON.stringify(input.split(ours2 as unknown as RegExp));
      if (sa !== sb) return { kind: 'mismatch', detail: `split on ${JSON.stringify(input)}: V8 ${sa} jitkit ${sb}` };
    }
  } catch (e) {
    if (e instanceof RegexBudgetError) return { kind: 'budget' };
    return { kind: 'mismatch', detail: `threw ${(e as Error).stack}` };
  }
  return { kind: 'ok' };
}

/** Statistics of a fuzzing run. */
export interface RegexFuzzStats { patterns: number; inputs: number; mismatches: number; budget: number; invalid: number; failures: string[] }

/** Runs the differential fuzzer for `ms` milliseconds (or `maxPatterns`). */
export function regexFuzz(seed: number, ms: number, maxPatterns = Infinity, log?: (s: string) => void): RegexFuzzStats {
  const rng = new Rng(seed);
  const stats: RegexFuzzStats = { patterns: 0, inputs: 0, mismatches: 0, budget: 0, invalid: 0, failures: [] };
  const start = Date.now();
  while (Date.now() - start < ms && stats.patterns < maxPatterns) {
    const c = generatePattern(rng);
    const inputs = generateInputs(rng, c, 6);
    stats.patterns++;
    stats.inputs += inputs.length;
    let valid = true;
    try { new RegExp(c.source, c.flags); } catch { valid = false; stats.invalid++; }
    const engines: ('auto' | 'backtrack' | 'pike')[] = valid ? ['auto', 'backtrack', 'pike'] : ['auto'];
    for (const e of engines) {
      const r = compareCase(c, inputs, e);
      if (r.kind === 'budget') stats.budget++;
      if (r.kind === 'mismatch') {
        stats.mismatches++;
        const text = `/${c.source}/${c.flags} [engine ${e}]: ${r.detail}`;
        if (stats.failures.length < 20) stats.failures.push(text);
        log?.(`MISMATCH ${text}`);
        break;
      }
    }
  }
  return stats;
}
