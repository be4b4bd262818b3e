/**
 * `Regex`: the public class, shaped like `RegExp` (exec, test, lastIndex, flags, the
 * `Symbol.match/matchAll/replace/search/split` protocol so `str.replace(re, ...)` works).
 *
 *   new Regex(source, flags)
 *     parse                      parser.ts -> Pattern
 *     choose engines             engines.ts: linear (NFA/DFA) when the pattern has no
 *                                backreference or lookaround, else backtracking with a budget
 *     exec(str)                  search -> capture slots -> result array (RegExp's shape)
 *
 * The string algorithms (`replace`, `split`, `match`, `matchAll`) follow ECMA-262 §22.2.6 on
 * top of `exec`, with the same lastIndex updates.
 */
import type { Pattern } from './ast.js';
import { selectEngine, type Engine } from './engines.js';
import { parse } from './parser.js';

/** Options of `new Regex`. */
export interface RegexOptions {
  /**
   * Maximum steps (instructions plus backtracks) one search of the backtracking engine may
   * take before it throws `RegexBudgetError`. Default 10,000,000 (about 0.1-0.3 s).
   */
  backtrackLimit?: number;
  /** Force an engine (for tests and benchmarks): 'auto' (default), 'backtrack', 'pike', 'dfa'. */
  engine?: 'auto' | 'backtrack' | 'pike' | 'dfa';
}

/** What `exec` returns: RegExp's match array. */
export interface RegexMatch extends Array<string | undefined> {
  index: number;
  input: string;
  groups: Record<string, string | undefined> | undefined;
  indices?: RegexIndices;
}

/** `indices` of a match under the `d` flag. */
export interface RegexIndices extends Array<[number, number] | undefined> {
  groups: Record<string, [number, number] | undefined> | undefined;
}

/** The default backtracking step budget. */
export const DEFAULT_BACKTRACK_LIMIT = 10_000_000;

function toLength(x: unknown): number {
  const n = Number(x);
  if (!(n > 0)) return 0;
  return Math.min(Math.floor(n), Number.MAX_SAFE_INTEGER);
}

/** Escapes `/` and line terminators as RegExp.prototype.source does. */
function escapeSource(src: string): string {
  if (src === '') return '(?:)';
  let out = '', inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '\\') { out += c + (src[i + 1] ?? ''); i++; continue; }
    if (c === '[') inClass = true;
    else if (c === ']') inClass = false;
    if (c === '/' && !inClass) out += '\\/';
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\u2028') out += '\\u2028';
    else if (c === '\u2029') out += '\\u2029';
    else out += c;
  }
  return out;
}

/** A regular expression compiled by jitkit, with JavaScript semantics. */
export class Regex {
  /** The pattern text as written. */
  readonly pattern: string;
  /** Flags in canonical order. */
  readonly flags: string;
  /** Where the next search starts (global or sticky), as RegExp's lastIndex. */
  lastIndex: number;
  /** The parsed pattern. */
  readonly parsed: Pattern;
  /** The engine searches run on. */
  readonly engine: Engine;
  private readonly options: RegexOptions;
  /** The sticky copy `split` searches with (made on first use). */
  private splitter: Regex | undefined;

  /** A copy with its own lastIndex sharing the compiled engines (searches do not overlap in time). */
  private clone(): Regex {
    const c = Object.create(Regex.prototype) as Regex;
    Object.assign(c, this);
    c.lastIndex = 0;
    return c;
  }

  constructor(source: string | Regex | RegExp, flags?: string, options: RegexOptions = {}) {
    const src = typeof source === 'string' ? source : source instanceof Regex ? source.pattern : source.source;
    const fl = flags ?? (typeof source === 'string' ? '' : source.flags);
    this.parsed = parse(String(src), String(fl));
    this.pattern = this.parsed.source;
    this.flags = this.parsed.flags;
    this.lastIndex = 0;
    this.options = options;
    this.engine = selectEngine(this.parsed, options.engine ?? 'auto', options.backtrackLimit ?? DEFAULT_BACKTRACK_LIMIT);
  }

  /** RegExp.prototype.source. */
  get source(): string { return escapeSource(this.pattern); }
  /** g */
  get global(): boolean { return this.parsed.flagSet.global; }
  /** i */
  get ignoreCase(): boolean { return this.parsed.flagSet.ignoreCase; }
  /** m */
  get multiline(): boolean { return this.parsed.flagSet.multiline; }
  /** s */
  get dotAll(): boolean { return this.parsed.flagSet.dotAll; }
  /** u */
  get unicode(): boolean { return this.parsed.flagSet.unicode; }
  /** v */
  get unicodeSets(): boolean { return this.parsed.flagSet.unicodeSets; }
  /** y */
  get sticky(): boolean { return this.parsed.flagSet.sticky; }
  /** d */
  get hasIndices(): boolean { return this.parsed.flagSet.hasIndices; }

  /** `/source/flags`. */
  toString(): string {
    return `/${this.source}/${this.flags}`;
  }

  /**
   * Runs one search as RegExpBuiltinExec does: from lastIndex when global or sticky (else 0),
   * updating lastIndex; returns the capture slots (shared, valid until the next search) or null.
   */
  private search(s: string): Int32Array | null {
    const f = this.parsed.flagSet;
    const useLast = f.global || f.sticky;
    let last = useLast ? toLength(this.lastIndex) : 0;
    if (last > s.length) {
      if (useLast) this.lastIndex = 0;
      return null;
    }
    if (f.unicode && last > 0 && last < s.length && isLow(s.charCodeAt(last)) && isHigh(s.charCodeAt(last - 1))) last--;
    const caps = this.engine.exec(s, last, f.sticky);
    if (caps === null) {
      if (useLast) this.lastIndex = 0;
      return null;
    }
    if (useLast) this.lastIndex = caps[1]!;
    return caps;
  }

  /** RegExp.prototype.exec. */
  exec(input: string): RegexMatch | null {
    const s = String(input);
    const caps = this.search(s);
    if (caps === null) return null;
    return this.buildResult(s, caps);
  }

  /** RegExp.prototype.test. */
  test(input: string): boolean {
    return this.search(String(input)) !== null;
  }

  private buildResult(s: string, caps: Int32Array): RegexMatch {
    const n = this.parsed.groupCount;
    const arr = new Array<string | undefined>(n + 1) as RegexMatch;
    for (let g = 0; g <= n; g++) {
      const a = caps[2 * g]!, b = caps[2 * g + 1]!;
      arr[g] = a >= 0 && b >= 0 ? s.slice(a, b) : undefined;
    }
    arr.index = caps[0]!;
    arr.input = s;
    const names = this.parsed.groupNames;
    let groups: Record<string, string | undefined> | undefined;
    const named = names.some((x) => x !== undefined);
    if (named) {
      groups = Object.create(null) as Record<string, string | undefined>;
      for (let g = 1; g <= n; g++) if (names[g] !== undefined) groups[names[g]!] = arr[g];
    }
    arr.groups = groups;
    if (this.parsed.flagSet.hasIndices) {
      const ind = new Array<[number, number] | undefined>(n + 1) as RegexIndices;
      for (let g = 0; g <= n; g++) {
        const a = caps[2 * g]!, b = caps[2 * g + 1]!;
        ind[g] = a >= 0 && b >= 0 ? [a, b] : undefined;
      }
      let ig: Record<string, [number, number] | undefined> | undefined;
      if (named) {
        ig = Object.create(null) as Record<string, [number, number] | undefined>;
        for (let g = 1; g <= n; g++) if (names[g] !== undefined) ig[names[g]!] = ind[g];
      }
      ind.groups = ig;
      arr.indices = ind;
    }
    return arr;
  }

  /** String.prototype.match protocol. */
  [Symbol.match](input: string): RegexMatch | string[] | null {
    const s = String(input);
    if (!this.global) return this.exec(s);
    this.lastIndex = 0;
    const out: string[] = [];
    for (;;) {
      const caps = this.search(s);
      if (caps === null) return out.length === 0 ? null : out;
      out.push(s.slice(caps[0]!, caps[1]!));
      if (caps[0] === caps[1]) this.lastIndex = advance(s, toLength(this.lastIndex), this.unicode);
    }
  }

  /** String.prototype.matchAll protocol. */
  *[Symbol.matchAll](input: string): IterableIterator<RegexMatch> {
    const s = String(input);
    const re = this.clone();
    re.lastIndex = toLength(this.lastIndex);
    const global = re.global;
    for (;;) {
      const m = re.exec(s);
      if (m === null) return;
      if (!global) { yield m; return; }
      if (m[0] === '') re.lastIndex = advance(s, toLength(re.lastIndex), re.unicode);
      yield m;
    }
  }

  /** All matches (RegExp's matchAll without the global-flag requirement). */
  matchAll(input: string): IterableIterator<RegexMatch> {
    if (!this.global) throw new TypeError('Regex.prototype.matchAll called with a non-global Regex argument');
    return this[Symbol.matchAll](input);
  }

  /** String.prototype.search protocol. */
  [Symbol.search](input: string): number {
    const s = String(input);
    const prev = this.lastIndex;
    this.lastIndex = 0;
    const caps = this.search(s);
    this.lastIndex = prev;
    return caps === null ? -1 : caps[0]!;
  }

  /** String.prototype.replace / replaceAll protocol. */
  [Symbol.replace](input: string, replaceValue: string | ((...args: unknown[]) => string)): string {
    const s = String(input);
    const functional = typeof replaceValue === 'function';
    const template = functional ? '' : String(replaceValue);
    const global = this.global;
    if (global) this.lastIndex = 0;
    const results: RegexMatch[] = [];
    for (;;) {
      const m = this.exec(s);
      if (m === null) break;
      results.push(m);
      if (!global) break;
      if (m[0] === '') this.lastIndex = advance(s, toLength(this.lastIndex), this.unicode);
    }
    let out = '', next = 0;
    for (const m of results) {
      const matched = m[0]!, position = Math.max(Math.min(m.index, s.length), 0);
      const captures = m.slice(1);
      let replacement: string;
      if (functional) {
        const args: unknown[] = [matched, ...captures, position, s];
        if (m.groups !== undefined) args.push(m.groups);
        replacement = String((replaceValue as (...a: unknown[]) => unknown)(...args));
      } else {
        replacement = substitution(matched, s, position, captures, m.groups, template);
      }
      if (position >= next) {
        out += s.slice(next, position) + replacement;
        next = position + matched.length;
      }
    }
    return next >= s.length ? out : out + s.slice(next);
  }

  /** String.prototype.split protocol. */
  [Symbol.split](input: string, limit?: number): string[] {
    const s = String(input);
    const lim = limit === undefined ? 0xffffffff : limit >>> 0;
    const out: string[] = [];
    if (lim === 0) return out;
    const splitter = this.sticky ? this.clone() : (this.splitter ??= new Regex(this.pattern, this.flags + 'y', this.options));
    if (s.length === 0) {
      splitter.lastIndex = 0;
      return splitter.search(s) !== null ? out : [s];
    }
    let p = 0, q = 0;
    // Without `y`, each step is one scan from q for the next match (as V8 does; under `u` the
    // scan also tries the middle of a surrogate pair, so V8 splits there), which finds the
    // first q at which the spec's sticky attempt would succeed.
    const scan = !this.sticky;
    while (q < s.length) {
      let caps: Int32Array | null;
      if (scan) {
        // A scan never starts inside a surrogate pair under `u` (V8 steps back, as exec does).
        const from = this.unicode && q > 0 && isLow(s.charCodeAt(q)) && isHigh(s.charCodeAt(q - 1)) ? q - 1 : q;
        caps = this.engine.exec(s, from, false);
        if (caps === null) break;
        q = caps[0]!;
        if (q >= s.length) break;
      } else {
        splitter.lastIndex = q;
        caps = splitter.search(s);
        if (caps === null) { q = advance(s, q, this.unicode); continue; }
      }
      const e = Math.min(caps[1]!, s.length);
      if (e === p) { q = advance(s, q, this.unicode); continue; }
      out.push(s.slice(p, q));
      if (out.length === lim) return out;
      p = e;
      for (let g = 1; g <= this.parsed.groupCount; g++) {
        const a = caps[2 * g]!, b = caps[2 * g + 1]!;
        out.push(a >= 0 && b >= 0 ? s.slice(a, b) : undefined as unknown as string);
        if (out.length === lim) return out;
      }
      q = p;
    }
    out.push(s.slice(p));
    return out;
  }
}

function isLow(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}
function isHigh(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

/** AdvanceStringIndex. */
function advance(s: string, i: number, unicode: boolean): number {
  if (!unicode || i + 1 >= s.length) return i + 1;
  return isHigh(s.charCodeAt(i)) && isLow(s.charCodeAt(i + 1)) ? i + 2 : i + 1;
}

/** GetSubstitution (ECMA-262 §22.1.3.19.1). */
function substitution(matched: string, str: string, position: number, captures: (string | undefined)[],
  groups: Record<string, string | undefined> | undefined, template: string): string {
  let out = '';
  const m = captures.length;
  const tailPos = Math.min(position + matched.length, str.length);
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if (c !== '$' || i + 1 >= template.length) { out += c; continue; }
    const d = template[i + 1]!;
    if (d === '$') { out += '$'; i++; }
    else if (d === '&') { out += matched; i++; }
    else if (d === '`') { out += str.slice(0, position); i++; }
    else if (d === "'") { out += str.slice(tailPos); i++; }
    else if (d >= '0' && d <= '9') {
      const d2 = template[i + 2];
      const two = d2 !== undefined && d2 >= '0' && d2 <= '9' ? Number(d + d2) : -1;
      if (two >= 1 && two <= m) { out += captures[two - 1] ?? ''; i += 2; }
      else {
        const one = Number(d);
        if (one >= 1 && one <= m) { out += captures[one - 1] ?? ''; i++; }
        else out += '$';
      }
    } else if (d === '<') {
      if (groups === undefined) { out += '$'; continue; }
      const close = template.indexOf('>', i + 2);
      if (close < 0) { out += '$'; continue; }
      const name = template.slice(i + 2, close);
      const v = groups[name];
      if (v !== undefined) out += v;
      i = close;
    } else out += '$';
  }
  return out;
}
