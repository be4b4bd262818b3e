/**
 * ECMAScript regular expression parser: pattern text and flags -> `Pattern` (ast.ts).
 *
 * Follows the grammar of ECMA-262 §22.2.1 with the Annex B extensions that V8 accepts without
 * the `u` flag (octal and identity escapes, `\c` quirks, literal `{` `}` `]`, quantified
 * lookaheads, class escapes as range ends). Errors are `SyntaxError`s worded as V8 words
 * them: `Invalid regular expression: /(/: Unterminated group`.
 *
 * Characters come out resolved (see ast.ts): case-insensitive sets are already closed under
 * the case-equivalence classes of unicode.ts, `.` and class escapes are sets.
 */
import { Kind, type Flags, type Node, type Pattern } from './ast.js';
import { CharSet, DIGITS, LINE_TERMINATORS, MAX_CODE_POINT, MAX_UNIT, SPACE, WORD, WORD_IU } from './charset.js';
import { caseClose, propertySet } from './unicode.js';

/** Quantifier bounds above this are treated as unbounded (as V8 does). */
export const INFINITY = 0x7fffffff;

/** Decodes and validates a flags string; throws V8's SyntaxError for bad flags. */
export function parseFlags(flags: string): Flags {
  const f: Flags = { hasIndices: false, global: false, ignoreCase: false, multiline: false, dotAll: false, unicode: false, unicodeSets: false, sticky: false };
  for (const ch of flags) {
    let key: keyof Flags;
    switch (ch) {
      case 'd': key = 'hasIndices'; break;
      case 'g': key = 'global'; break;
      case 'i': key = 'ignoreCase'; break;
      case 'm': key = 'multiline'; break;
      case 's': key = 'dotAll'; break;
      case 'u': key = 'unicode'; break;
      case 'v': key = 'unicodeSets'; break;
      case 'y': key = 'sticky'; break;
      default: throw new SyntaxError(`Invalid flags supplied to RegExp constructor '${flags}'`);
    }
    if (f[key]) throw new SyntaxError(`Invalid flags supplied to RegExp constructor '${flags}'`);
    f[key] = true;
  }
  if (f.unicode && f.unicodeSets) throw new SyntaxError(`Invalid flags supplied to RegExp constructor '${flags}'`);
  if (f.unicodeSets) throw new SyntaxError(`jitkit/regex: the 'v' flag (unicodeSets) is not supported yet`);
  return f;
}

/** Flags in the canonical order of `RegExp.prototype.flags`. */
export function canonicalFlags(f: Flags): string {
  return (f.hasIndices ? 'd' : '') + (f.global ? 'g' : '') + (f.ignoreCase ? 'i' : '') + (f.multiline ? 'm' : '') +
    (f.dotAll ? 's' : '') + (f.unicode ? 'u' : '') + (f.unicodeSets ? 'v' : '') + (f.sticky ? 'y' : '');
}

const ID_START = /[$_\p{ID_Start}]/u;
const ID_CONTINUE = /[$_\u200c\u200d\p{ID_Continue}]/u;

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}
function hexValue(c: number): number {
  return c <= 0x39 ? c - 0x30 : (c | 0x20) - 0x61 + 10;
}
function isSyntaxChar(c: number): boolean {
  // ^ $ \ . * + ? ( ) [ ] { } | /
  return c === 0x5e || c === 0x24 || c === 0x5c || c === 0x2e || c === 0x2a || c === 0x2b || c === 0x3f || c === 0x28 ||
    c === 0x29 || c === 0x5b || c === 0x5d || c === 0x7b || c === 0x7d || c === 0x7c || c === 0x2f;
}

/** A class atom: a single character or a whole set (class escape). */
interface ClassAtom { char: number; set: CharSet | null }

/** Parses `source` with `flags`; throws SyntaxError on invalid input. */
export function parse(source: string, flags: string): Pattern {
  const f = parseFlags(flags);
  return new Parser(source, f).parsePattern(canonicalFlags(f));
}

class Parser {
  private pos = 0;
  private readonly src: string;
  private readonly flags: Flags;
  private readonly unicode: boolean;
  private readonly maxChar: number;
  private groupCount = 0;
  private readonly names: (string | undefined)[] = [undefined];
  /** Total capturing groups in the pattern (scanned ahead, for `\N` decisions). */
  private readonly totalGroups: number;
  /** The pattern has a named group (so `\k` must be a named reference). */
  private readonly hasNamed: boolean;
  private readonly namedRefs: { name: string; node: { kind: Kind.Backref; index: number } }[] = [];
  private needsBacktracking = false;

  constructor(src: string, flags: Flags) {
    this.src = src;
    this.flags = flags;
    this.unicode = flags.unicode;
    this.maxChar = flags.unicode ? MAX_CODE_POINT : MAX_UNIT;
    const scan = this.scanGroups();
    this.totalGroups = scan.count;
    this.hasNamed = scan.named;
  }

  private fail(message: string): never {
    throw new SyntaxError(`Invalid regular expression: /${this.src}/${canonicalFlags(this.flags)}: ${message}`);
  }

  /** Counts capturing groups and notes named ones, skipping escapes and classes. */
  private scanGroups(): { count: number; named: boolean } {
    const s = this.src;
    let count = 0, named = false, inClass = false;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c === 0x5c) { i++; continue; }
      if (inClass) { if (c === 0x5d) inClass = false; continue; }
      if (c === 0x5b) { inClass = true; continue; }
      if (c === 0x28) {
        if (s.charCodeAt(i + 1) !== 0x3f) count++;
        else if (s.charCodeAt(i + 2) === 0x3c && s.charCodeAt(i + 3) !== 0x3d && s.charCodeAt(i + 3) !== 0x21) { count++; named = true; }
      }
    }
    return { count, named };
  }

  private peek(off = 0): number {
    const i = this.pos + off;
    return i < this.src.length ? this.src.charCodeAt(i) : -1;
  }

  /** The next source character (a whole surrogate pair under `u`), without consuming it. */
  private peekChar(): number {
    const c = this.peek();
    if (this.unicode && c >= 0xd800 && c <= 0xdbff) {
      const d = this.peek(1);
      if (d >= 0xdc00 && d <= 0xdfff) return 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
    }
    return c;
  }

  private advanceChar(c: number): void {
    this.pos += c > 0xffff ? 2 : 1;
  }

  parsePattern(canonical: string): Pattern {
    const root = this.parseDisjunction(false);
    for (const r of this.namedRefs) {
      const index = this.names.indexOf(r.name);
      if (index < 0) this.fail('Invalid named capture referenced');
      r.node.index = index;
    }
    return {
      source: this.src, flags: canonical, flagSet: this.flags, root, groupCount: this.groupCount,
      groupNames: this.names, needsBacktracking: this.needsBacktracking,
    };
  }

  private parseDisjunction(inGroup: boolean): Node {
    const alts: Node[] = [];
    let items: Node[] = [];
    for (;;) {
      const c = this.peek();
      if (c === -1) {
        if (inGroup) this.fail('Unterminated group');
        break;
      }
      if (c === 0x7c) { // |
        this.pos++;
        alts.push(seq(items));
        items = [];
        continue;
      }
      if (c === 0x29) { // )
        if (!inGroup) this.fail("Unmatched ')'");
        break;
      }
      this.parseTerm(items);
    }
    alts.push(seq(items));
    return alts.length === 1 ? alts[0]! : { kind: Kind.Alt, alts };
  }

  private parseTerm(items: Node[]): void {
    const start = this.pos;
    const c = this.peek();
    let atom: Node;
    let quantifiable = true;
    let isLookbehind = false, isLookahead = false;
    const groupsBefore = this.groupCount;
    switch (c) {
      case 0x5e: // ^
        this.pos++;
        atom = { kind: Kind.LineStart, multiline: this.flags.multiline };
        quantifiable = false;
        break;
      case 0x24: // $
        this.pos++;
        atom = { kind: Kind.LineEnd, multiline: this.flags.multiline };
        quantifiable = false;
        break;
      case 0x2e: // .
        this.pos++;
        atom = { kind: Kind.Set, set: this.flags.dotAll ? CharSet.of([0, this.maxChar]) : LINE_TERMINATORS.negate(this.maxChar) };
        break;
      case 0x28: { // (
        this.pos++;
        if (this.peek() === 0x3f) { // ?
          const d = this.peek(1);
          if (d === 0x3a) { // ?:
            this.pos += 2;
            atom = this.parseDisjunction(true);
          } else if (d === 0x3d || d === 0x21) { // ?= ?!
            this.pos += 2;
            const body = this.parseDisjunction(true);
            atom = { kind: Kind.Look, behind: false, negated: d === 0x21, body };
            this.needsBacktracking = true;
            isLookahead = true;
          } else if (d === 0x3c && (this.peek(2) === 0x3d || this.peek(2) === 0x21)) { // ?<= ?<!
            const neg = this.peek(2) === 0x21;
            this.pos += 3;
            const body = this.parseDisjunction(true);
            atom = { kind: Kind.Look, behind: true, negated: neg, body };
            this.needsBacktracking = true;
            isLookbehind = true;
          } else if (d === 0x3c) { // ?<name>
            this.pos += 2;
            const name = this.parseGroupName();
            const index = ++this.groupCount;
            this.names[index] = undefined;
            const body = this.parseDisjunction(true);
            // V8 registers the name when the group closes: errors inside come first.
            if (this.names.includes(name)) this.fail('Duplicate capture group name');
            this.names[index] = name;
            atom = { kind: Kind.Group, index, name, body };
          } else {
            this.fail('Invalid group');
          }
        } else {
          const index = ++this.groupCount;
          this.names[index] = undefined;
          const body = this.parseDisjunction(true);
          atom = { kind: Kind.Group, index, name: undefined, body };
        }
        this.pos++; // )
        break;
      }
      case 0x5b: // [
        atom = { kind: Kind.Set, set: this.parseClass() };
        break;
      case 0x2a: case 0x2b: case 0x3f: // * + ?
        this.fail('Nothing to repeat');
        break;
      case 0x7b: { // {
        if (this.tryQuantifierBraces(this.pos) !== null) this.fail('Nothing to repeat');
        if (this.unicode) this.fail('Lone quantifier brackets');
        this.pos++;
        atom = this.charNode(c);
        break;
      }
      case 0x7d: case 0x5d: // } ]
        if (this.unicode) this.fail('Lone quantifier brackets');
        this.pos++;
        atom = this.charNode(c);
        break;
      case 0x5c: { // \
        const esc = this.parseAtomEscape();
        atom = esc.node;
        quantifiable = esc.quantifiable;
        break;
      }
      default: {
        const ch = this.peekChar();
        this.advanceChar(ch);
        atom = this.charNode(ch);
      }
    }
    // Quantifier.
    const q = this.peek();
    let min = -1, max = -1;
    if (q === 0x2a) { min = 0; max = INFINITY; this.pos++; }
    else if (q === 0x2b) { min = 1; max = INFINITY; this.pos++; }
    else if (q === 0x3f) { min = 0; max = 1; this.pos++; }
    else if (q === 0x7b) {
      const b = this.tryQuantifierBraces(this.pos);
      if (b !== null) {
        min = b.min; max = b.max; this.pos = b.end;
        // V8 parses an assertion's `{` as a new atom: "Nothing to repeat" comes first.
        if (!quantifiable) this.fail('Nothing to repeat');
        if (min > max) this.fail('numbers out of order in {} quantifier');
      } else if (this.unicode) {
        this.fail('Incomplete quantifier');
      }
    }
    if (min < 0) {
      items.push(atom);
      return;
    }
    if (!quantifiable) this.fail('Nothing to repeat');
    if (isLookbehind || (isLookahead && this.unicode)) this.fail('Invalid quantifier');
    let greedy = true;
    if (this.peek() === 0x3f) { greedy = false; this.pos++; }
    void start;
    items.push({ kind: Kind.Repeat, min, max, greedy, body: atom, firstGroup: groupsBefore + 1, groupCount: this.groupCount - groupsBefore });
  }

  /** `{n}`, `{n,}`, `{n,m}` at `at`, or null if the text there is not one. */
  private tryQuantifierBraces(at: number): { min: number; max: number; end: number } | null {
    const s = this.src;
    let i = at + 1;
    const num = (): number => {
      const from = i;
      let v = 0;
      while (i < s.length && s.charCodeAt(i) >= 0x30 && s.charCodeAt(i) <= 0x39) {
        v = v * 10 + (s.charCodeAt(i) - 0x30);
        if (v > INFINITY) v = INFINITY;
        i++;
      }
      return i === from ? -1 : v;
    };
    const min = num();
    if (min < 0) return null;
    let max = min;
    if (s.charCodeAt(i) === 0x2c) {
      i++;
      if (s.charCodeAt(i) === 0x7d) max = INFINITY;
      else {
        max = num();
        if (max < 0) return null;
      }
    }
    if (s.charCodeAt(i) !== 0x7d) return null;
    return { min, max, end: i + 1 };
  }

  private charNode(c: number): Node {
    let set = CharSet.single(c);
    if (this.flags.ignoreCase) set = caseClose(set, this.unicode);
    return { kind: Kind.Set, set };
  }

  private setNode(set: CharSet): Node {
    return { kind: Kind.Set, set: this.flags.ignoreCase ? caseClose(set, this.unicode) : set };
  }

  private parseGroupName(): string {
    // After '<'.
    let name = '';
    for (;;) {
      let c = this.peekRawCodePoint();
      if (c === -1) this.fail('Invalid capture group name');
      if (c === 0x3e && name.length > 0) { this.pos++; return name; }
      if (c === 0x5c) { // \u escape
        this.pos++;
        if (this.peek() !== 0x75) this.fail('Invalid capture group name');
        this.pos++;
        c = this.parseUnicodeEscapeBody(true);
        if (c < 0) this.fail('Invalid Unicode escape');
      } else {
        this.pos += c > 0xffff ? 2 : 1;
      }
      const ch = String.fromCodePoint(c);
      if (!(name.length === 0 ? ID_START : ID_CONTINUE).test(ch)) this.fail('Invalid capture group name');
      name += ch;
    }
  }

  /** Next code point of the source, pairing surrogates regardless of the `u` flag (group names). */
  private peekRawCodePoint(): number {
    const c = this.peek();
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = this.peek(1);
      if (d >= 0xdc00 && d <= 0xdfff) return 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
    }
    return c;
  }

  /**
   * After `\u`: `XXXX` (pairing a following `\uXXXX` low surrogate when `pairs`), or `{X...}`
   * when `u` (or `braces`). Returns -1 when there is no valid escape (position unchanged then).
   */
  private parseUnicodeEscapeBody(braces: boolean): number {
    const s = this.src;
    const start = this.pos;
    if ((this.unicode || braces) && s.charCodeAt(this.pos) === 0x7b) {
      let i = this.pos + 1, v = 0;
      if (!isHex(s.charCodeAt(i))) return -1;
      while (i < s.length && isHex(s.charCodeAt(i))) {
        v = v * 16 + hexValue(s.charCodeAt(i));
        if (v > MAX_CODE_POINT) return -1;
        i++;
      }
      if (s.charCodeAt(i) !== 0x7d) return -1;
      this.pos = i + 1;
      return v;
    }
    const v = this.hex4(this.pos);
    if (v < 0) { this.pos = start; return -1; }
    this.pos += 4;
    if ((this.unicode || braces) && v >= 0xd800 && v <= 0xdbff && s.charCodeAt(this.pos) === 0x5c && s.charCodeAt(this.pos + 1) === 0x75) {
      const lo = this.hex4(this.pos + 2);
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        this.pos += 6;
        return 0x10000 + ((v - 0xd800) << 10) + (lo - 0xdc00);
      }
    }
    return v;
  }

  private hex4(at: number): number {
    const s = this.src;
    let v = 0;
    for (let k = 0; k < 4; k++) {
      const c = s.charCodeAt(at + k);
      if (!isHex(c)) return -1;
      v = v * 16 + hexValue(c);
    }
    return v;
  }

  /** After `\`: an atom escape. */
  private parseAtomEscape(): { node: Node; quantifiable: boolean } {
    this.pos++; // backslash
    const c = this.peek();
    if (c === -1) this.fail('\\ at end of pattern');
    switch (c) {
      case 0x62: this.pos++; return { node: { kind: Kind.WordBoundary, negated: false }, quantifiable: false };
      case 0x42: this.pos++; return { node: { kind: Kind.WordBoundary, negated: true }, quantifiable: false };
      case 0x31: case 0x32: case 0x33: case 0x34: case 0x35: case 0x36: case 0x37: case 0x38: case 0x39: {
        const save = this.pos;
        let v = 0;
        while (this.peek() >= 0x30 && this.peek() <= 0x39) {
          v = v * 10 + (this.peek() - 0x30);
          if (v > INFINITY) v = INFINITY;
          this.pos++;
        }
        if (v <= this.totalGroups) {
          this.needsBacktracking = true;
          return { node: { kind: Kind.Backref, index: v }, quantifiable: true };
        }
        if (this.unicode) this.fail('Invalid escape');
        this.pos = save;
        if (c >= 0x38) { // \8 \9: identity
          this.pos++;
          return { node: this.charNode(c), quantifiable: true };
        }
        return { node: this.charNode(this.parseOctal()), quantifiable: true };
      }
      case 0x6b: { // k
        if (this.unicode || this.hasNamed) {
          this.pos++;
          if (this.peek() !== 0x3c) this.fail('Invalid named reference');
          this.pos++;
          const name = this.parseGroupName();
          const node = { kind: Kind.Backref as const, index: 0 };
          this.namedRefs.push({ name, node });
          this.needsBacktracking = true;
          return { node, quantifiable: true };
        }
        this.pos++;
        return { node: this.charNode(c), quantifiable: true };
      }
      default: {
        const a = this.parseCharacterEscape(false);
        return { node: a.set !== null ? this.setNode(a.set) : this.charNode(a.char), quantifiable: true };
      }
    }
  }

  /** Octal escape (Annex B): up to three digits, value <= 0o377. At the first digit. */
  private parseOctal(): number {
    let v = this.peek() - 0x30;
    this.pos++;
    if (this.peek() >= 0x30 && this.peek() <= 0x37) {
      v = v * 8 + (this.peek() - 0x30);
      this.pos++;
      if (v < 32 && this.peek() >= 0x30 && this.peek() <= 0x37) {
        v = v * 8 + (this.peek() - 0x30);
        this.pos++;
      }
    }
    return v;
  }

  /**
   * A character escape or class escape after `\` (not b/B/digits/k outside classes, which the
   * caller handles). `inClass` enables the class-only forms.
   */
  private parseCharacterEscape(inClass: boolean): ClassAtom {
    const c = this.peek();
    switch (c) {
      case 0x64: this.pos++; return { char: -1, set: DIGITS }; // d
      case 0x44: this.pos++; return { char: -1, set: DIGITS.negate(this.maxChar) };
      case 0x73: this.pos++; return { char: -1, set: SPACE }; // s
      case 0x53: this.pos++; return { char: -1, set: SPACE.negate(this.maxChar) };
      case 0x77: this.pos++; return { char: -1, set: this.wordSet() }; // w
      case 0x57: this.pos++; return { char: -1, set: this.wordSet().negate(this.maxChar) };
      case 0x70: case 0x50: // p P
        if (this.unicode) {
          this.pos++;
          return { char: -1, set: this.parseProperty(c === 0x50, inClass) };
        }
        break;
      case 0x66: this.pos++; return { char: 0x0c, set: null };
      case 0x6e: this.pos++; return { char: 0x0a, set: null };
      case 0x72: this.pos++; return { char: 0x0d, set: null };
      case 0x74: this.pos++; return { char: 0x09, set: null };
      case 0x76: this.pos++; return { char: 0x0b, set: null };
      case 0x63: { // c
        const d = this.peek(1);
        if ((d >= 0x41 && d <= 0x5a) || (d >= 0x61 && d <= 0x7a)) {
          this.pos += 2;
          return { char: d % 32, set: null };
        }
        if (this.unicode) this.fail('Invalid Unicode escape');
        if (inClass && ((d >= 0x30 && d <= 0x39) || d === 0x5f)) {
          this.pos += 2;
          return { char: d % 32, set: null };
        }
        // Annex B: the backslash is a literal, 'c' is read next.
        return { char: 0x5c, set: null };
      }
      case 0x30: { // 0
        const d = this.peek(1);
        if (d >= 0x30 && d <= 0x39) {
          if (this.unicode) this.fail('Invalid decimal escape');
          return { char: this.parseOctal(), set: null };
        }
        this.pos++;
        return { char: 0, set: null };
      }
      case 0x78: { // x
        const h1 = this.peek(1), h2 = this.peek(2);
        if (isHex(h1) && isHex(h2)) {
          this.pos += 3;
          return { char: hexValue(h1) * 16 + hexValue(h2), set: null };
        }
        if (this.unicode) this.fail('Invalid escape');
        this.pos++;
        return { char: 0x78, set: null };
      }
      case 0x75: { // u
        this.pos++;
        const v = this.parseUnicodeEscapeBody(false);
        if (v >= 0) return { char: v, set: null };
        if (this.unicode) this.fail('Invalid Unicode escape');
        return { char: 0x75, set: null };
      }
      default:
        break;
    }
    // Identity escapes.
    if (this.unicode) {
      if (isSyntaxChar(c) || (inClass && c === 0x2d)) {
        this.pos++;
        return { char: c, set: null };
      }
      this.fail('Invalid escape');
    }
    const ch = this.peekChar();
    this.advanceChar(ch);
    return { char: ch, set: null };
  }

  private wordSet(): CharSet {
    return this.unicode && this.flags.ignoreCase ? WORD_IU : WORD;
  }

  private parseProperty(negated: boolean, inClass: boolean): CharSet {
    const bad = inClass ? 'Invalid property name in character class' : 'Invalid property name';
    if (this.peek() !== 0x7b) this.fail(bad);
    const end = this.src.indexOf('}', this.pos);
    if (end < 0) this.fail(bad);
    const text = this.src.slice(this.pos + 1, end);
    if (!/^[A-Za-z0-9_]+(=[A-Za-z0-9_]+)?$/.test(text)) this.fail(bad);
    const set = propertySet(text);
    if (set === null) this.fail(bad);
    this.pos = end + 1;
    if (!negated) return set;
    // \P{} under iu: complement of the property (case closure is applied to the whole atom).
    return set.negate(MAX_CODE_POINT);
  }

  private parseClass(): CharSet {
    this.pos++; // [
    let negated = false;
    if (this.peek() === 0x5e) { negated = true; this.pos++; }
    const pairs: number[] = [];
    for (;;) {
      const c = this.peek();
      if (c === -1) this.fail('Unterminated character class');
      if (c === 0x5d) { this.pos++; break; }
      const a = this.parseClassAtom();
      if (this.peek() === 0x2d && this.peek(1) !== 0x5d && this.peek(1) !== -1) {
        this.pos++; // -
        const b = this.parseClassAtom();
        if (a.set !== null || b.set !== null) {
          if (this.unicode) this.fail('Invalid character class');
          addAtom(pairs, a);
          pairs.push(0x2d, 0x2d);
          addAtom(pairs, b);
          continue;
        }
        if (a.char > b.char) this.fail('Range out of order in character class');
        pairs.push(a.char, b.char);
        continue;
      }
      if (this.peek() === -1) this.fail('Unterminated character class');
      addAtom(pairs, a);
    }
    let set = CharSet.of(pairs);
    if (this.flags.ignoreCase) set = caseClose(set, this.unicode);
    return negated ? set.negate(this.maxChar) : set;
  }

  private parseClassAtom(): ClassAtom {
    const c = this.peek();
    if (c === -1) this.fail('Unterminated character class');
    if (c !== 0x5c) {
      const ch = this.peekChar();
      this.advanceChar(ch);
      return { char: ch, set: null };
    }
    this.pos++;
    const d = this.peek();
    if (d === -1) this.fail('\\ at end of pattern');
    if (d === 0x62) { this.pos++; return { char: 0x08, set: null }; } // \b = backspace
    if (d === 0x2d && this.unicode) { this.pos++; return { char: 0x2d, set: null }; }
    if (d >= 0x31 && d <= 0x39) {
      if (this.unicode) this.fail(d >= 0x38 ? 'Invalid escape' : 'Invalid class escape');
      if (d >= 0x38) { this.pos++; return { char: d, set: null }; }
      return { char: this.parseOctal(), set: null };
    }
    if (d === 0x6b) {
      if (this.unicode) this.fail('Invalid escape');
      this.pos++;
      return { char: d, set: null };
    }
    return this.parseCharacterEscape(true);
  }
}

function addAtom(pairs: number[], a: ClassAtom): void {
  if (a.set !== null) pairs.push(...a.set.ranges);
  else pairs.push(a.char, a.char);
}

function seq(items: Node[]): Node {
  if (items.length === 0) return { kind: Kind.Empty };
  if (items.length === 1) return items[0]!;
  return { kind: Kind.Seq, items };
}
