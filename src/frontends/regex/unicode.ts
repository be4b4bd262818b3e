/**
 * Unicode facts for the parser: property escapes (`\p{...}` under `u`) and the case-equivalence
 * classes of `i`, both read from the running Node's own `RegExp` (its ICU data), so jitkit/regex
 * agrees with the `RegExp` of the same process by construction. Nothing here is hand-written
 * data; every table is derived once per process, lazily, and cached (the per-process caches
 * below are the module's only mutable state).
 *
 * How a property becomes ranges: one string holds every code point once, in an order where no
 * two surrogates pair up (low surrogates before high ones); `/\p{X}+/gu` over it yields runs,
 * which map back to code point ranges. About 5-20 ms per property.
 *
 * Case classes: union-find over the code points whose case mapping changes them
 * (`\p{Changes_When_Casemapped}`, `\p{Changes_When_Casefolded}`), joined to their
 * `toLowerCase`/`toUpperCase` images; each component is then split by asking the host RegExp
 * (`/x/i` or `/x/iu`) which members really match each other. The result is the partition of
 * characters into Canonicalize-equivalence classes of ECMAScript (simple case folding under
 * `u`, the toUppercase-based rule without it).
 */
import { CharSet, MAX_CODE_POINT } from './charset.js';

/** Per-process cache: property escape text (e.g. `Script=Greek`) -> its set. */
const propertyCache = new Map<string, CharSet | null>();
/** Per-process cache: the string of all code points (built on first property lookup). */
let allCodePoints: string | undefined;

/** Builds a string from code units written by `fill` (fast: one typed array, one decode). */
function unitsToString(count: number, fill: (units: Uint16Array) => void): string {
  const units = new Uint16Array(count);
  fill(units);
  return Buffer.from(units.buffer, units.byteOffset, units.byteLength).toString('utf16le');
}

function allString(): string {
  if (allCodePoints !== undefined) return allCodePoints;
  allCodePoints = unitsToString(0x10000 + 2 * (MAX_CODE_POINT - 0xffff), (u) => {
    let i = 0;
    for (let c = 0; c <= 0xd7ff; c++) u[i++] = c;
    // Low surrogates first, then high ones: no adjacent pair forms a surrogate pair.
    for (let c = 0xdc00; c <= 0xdfff; c++) u[i++] = c;
    for (let c = 0xd800; c <= 0xdbff; c++) u[i++] = c;
    for (let c = 0xe000; c <= 0xffff; c++) u[i++] = c;
    for (let c = 0x10000; c <= MAX_CODE_POINT; c++) {
      u[i++] = 0xd800 + ((c - 0x10000) >> 10);
      u[i++] = 0xdc00 + ((c - 0x10000) & 0x3ff);
    }
  });
  return allCodePoints;
}

/** Code point at UTF-16 index `i` of `allString()`. */
function codePointAtIndex(i: number): number {
  if (i < 0xd800) return i;
  if (i < 0xdc00) return i + 0x400; // low surrogates stored first
  if (i < 0xe000) return i - 0x400;
  if (i < 0x10000) return i;
  return 0x10000 + ((i - 0x10000) >> 1);
}

/**
 * The set of `\p{text}` (text is what is between the braces), or null if the host RegExp
 * rejects the name. `negated` is applied by the caller.
 */
export function propertySet(text: string): CharSet | null {
  const cached = propertyCache.get(text);
  if (cached !== undefined) return cached;
  let re: RegExp;
  try {
    re = new RegExp(`\\p{${text}}+`, 'gu');
  } catch {
    propertyCache.set(text, null);
    return null;
  }
  const all = allString();
  const pairs: number[] = [];
  for (const m of all.matchAll(re)) {
    const start = m.index, end = start + m[0].length; // UTF-16 indices
    // Walk the run one code point at a time only at segment borders; inside a segment the
    // mapping is monotone and dense.
    let i = start;
    while (i < end) {
      const cp = codePointAtIndex(i);
      const segEnd = i < 0xd800 ? 0xd800 : i < 0xdc00 ? 0xdc00 : i < 0xe000 ? 0xe000 : i < 0x10000 ? 0x10000 : all.length;
      const stop = Math.min(end, segEnd);
      const last = codePointAtIndex(stop - (stop > 0x10000 ? 2 : 1));
      pairs.push(cp, last);
      i = stop;
    }
  }
  const set = CharSet.of(pairs);
  propertyCache.set(text, set);
  return set;
}

/** Per-process cache of the case-equivalence classes: [non-u, u]. */
const caseCache: (Map<number, number[]> | undefined)[] = [undefined, undefined];

/**
 * For each character that has case-equivalents under `i` (with `unicode`: `iu`), the sorted
 * list of its class (itself included). Characters not in the map are alone in their class.
 */
export function caseClasses(unicode: boolean): Map<number, number[]> {
  const cached = caseCache[unicode ? 1 : 0];
  if (cached !== undefined) return cached;
  // Every cased character of Unicode is in the BMP or plane 1.
  const limit = unicode ? 0x1ffff : 0xffff;
  const parent = new Map<number, number>();
  const find = (x: number): number => {
    let r = x;
    for (let p = parent.get(r); p !== undefined && p !== r; p = parent.get(r)) r = p;
    parent.set(x, r);
    return r;
  };
  const join = (a: number, b: number): void => {
    if (!parent.has(a)) parent.set(a, a);
    if (!parent.has(b)) parent.set(b, b);
    const ra = find(a), rb = find(b);
    if (ra !== rb) parent.set(ra, rb);
  };
  // One case conversion of all characters at once (joined by NUL, which has no case and
  // breaks every context-dependent rule) instead of one ICU call per character.
  // Every character followed by NUL (no case, breaks every context-dependent rule).
  let count = 0;
  for (let c = 1; c <= limit; c++) if (c < 0xd800 || c > 0xdfff) count += c > 0xffff ? 3 : 2;
  const all = unitsToString(count, (u) => {
    let i = 0;
    for (let c = 1; c <= limit; c++) {
      if (c >= 0xd800 && c <= 0xdfff) continue;
      if (c > 0xffff) { u[i++] = 0xd800 + ((c - 0x10000) >> 10); u[i++] = 0xdc00 + ((c - 0x10000) & 0x3ff); } else u[i++] = c;
      u[i++] = 0;
    }
  });
  for (const mapped of [all.toLowerCase(), all.toUpperCase()]) {
    const m = Buffer.from(mapped, 'utf16le');
    const u = new Uint16Array(m.buffer, m.byteOffset, m.byteLength >> 1);
    let i = 0;
    for (let c = 1; c <= limit; c++) {
      if (c >= 0xd800 && c <= 0xdfff) continue;
      const from = i;
      while (u[i] !== 0) i++;
      const len = i - from;
      i++;
      let x = -1;
      if (len === 1) x = u[from]!;
      else if (len === 2 && u[from]! >= 0xd800 && u[from]! <= 0xdbff) x = 0x10000 + ((u[from]! - 0xd800) << 10) + (u[from + 1]! - 0xdc00);
      if (x < 0) { if (!parent.has(c)) parent.set(c, c); } else if (x !== c) join(c, x);
    }
  }
  const components = new Map<number, number[]>();
  for (const x of parent.keys()) {
    const root = find(x);
    const list = components.get(root);
    if (list === undefined) components.set(root, [x]); else list.push(x);
  }
  // Split each component by what the host RegExp says is case-equivalent: a
  // case-insensitive backreference compares exactly by Canonicalize.
  const same = new RegExp('^([^])\\1$', unicode ? 'iu' : 'i');
  const out = new Map<number, number[]>();
  for (const members of components.values()) {
    const left = new Set(members);
    for (const m of members) {
      if (!left.has(m)) continue;
      const ms = String.fromCodePoint(m);
      const cls: number[] = [];
      for (const o of left) if (o === m || same.test(ms + String.fromCodePoint(o))) cls.push(o);
      for (const o of cls) left.delete(o);
      if (cls.length > 1) {
        cls.sort((a, b) => a - b);
        for (const o of cls) out.set(o, cls);
      }
    }
  }
  caseCache[unicode ? 1 : 0] = out;
  return out;
}

/** The closure of `set` under case equivalence: every character equivalent to a member. */
export function caseClose(set: CharSet, unicode: boolean): CharSet {
  const classes = caseClasses(unicode);
  const extra: number[] = [];
  // Iterate the (small) table of characters with equivalents rather than the set.
  for (const [c, cls] of classes) {
    if (cls[0] !== c) continue; // once per class
    let any = false;
    for (const m of cls) if (set.has(m)) { any = true; break; }
    if (any) for (const m of cls) extra.push(m, m);
  }
  if (extra.length === 0) return set;
  return CharSet.of([...set.ranges, ...extra]);
}

/** The case class of one character (itself alone if it has no equivalents). */
export function caseClassOf(c: number, unicode: boolean): readonly number[] {
  return caseClasses(unicode).get(c) ?? [c];
}
