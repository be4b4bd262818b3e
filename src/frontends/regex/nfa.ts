/**
 * Thompson NFA with priorities, for the linear engines (pike.ts, dfa.ts). Only for patterns
 * without backreferences and lookarounds.
 *
 * States are integers into parallel arrays. Kinds: `Char` (consume one character of a set),
 * `Split` (try `next`, then `alt`), `Save` (capture slot), `Clear` (reset capture slots, at the
 * start of each quantifier iteration), `Assert` (^ $ \b \B), `Match`, `Fail`.
 *
 * ECMAScript's empty-iteration rule (an iteration past the minimum that matches the empty
 * string fails) is compiled away by *state splitting*: each optional iteration has two copies of
 * the part of its body reachable without consuming a character, a "fresh" copy (nothing consumed
 * yet in this iteration), whose way out of the body leads to `Fail`, and the ordinary copy,
 * entered by the first consumed character. Whether a thread may leave an iteration then depends
 * on its state alone, so the Pike VM's and the DFA's "first thread to reach a state wins"
 * deduplication agrees with the backtracking semantics.
 *
 * Counted repetitions are unrolled (`x{2,4}` is x x x? x?, nested); patterns whose unrolled NFA
 * would exceed `MAX_STATES` are left to the backtracking engine.
 */
import { Kind, type Node, type Pattern } from './ast.js';
import type { CharSet } from './charset.js';
import { INFINITY } from './parser.js';

/** NFA state kinds. */
export const enum S {
  Char,
  Split,
  Save,
  Clear,
  Assert,
  Match,
  Fail,
}

/** Assertion kinds of `S.Assert` (in `arg`). */
export const enum A {
  /** ^ without m */
  Start,
  /** ^ with m */
  LineStart,
  /** $ without m */
  End,
  /** $ with m */
  LineEnd,
  /** \b */
  Word,
  /** \B */
  NotWord,
}

/** Largest NFA the linear engines accept. */
export const MAX_STATES = 50_000;

/** Thrown (internally) when the NFA would be too large. */
export class NfaTooLarge extends Error {}

/** A compiled NFA. */
export class Nfa {
  kind: number[] = [];
  /** Char: set index; Save: slot; Clear: first slot; Assert: A kind. */
  arg: number[] = [];
  /** Clear: end slot. */
  arg2: number[] = [];
  next: number[] = [];
  /** Split: the lower-priority branch. */
  alt: number[] = [];
  sets: CharSet[] = [];
  start = 0;
  slotCount: number;
  unicode: boolean;
  /** \b uses the extended word set (u + i). */
  extendedWord: boolean;
  /** True if some state is an assertion (the DFA then tracks look-behind context). */
  hasAssertions = false;
  private readonly setIds = new Map<CharSet, number>();

  /** True for the NFA of the reversed pattern (the reverse DFA's): sequences are compiled backwards. */
  readonly reversed: boolean;

  /** `reversed` builds the NFA of the reversed pattern (for finding match starts). */
  constructor(p: Pattern, reversed = false) {
    this.reversed = reversed;
    this.slotCount = 2 * (p.groupCount + 1);
    this.unicode = p.flagSet.unicode;
    this.extendedWord = p.flagSet.unicode && p.flagSet.ignoreCase;
    const match = this.add(S.Match, 0, 0, -1, -1);
    const save1 = this.add(S.Save, 1, 0, match, -1);
    const body = this.compile(p.root, save1);
    this.start = this.add(S.Save, 0, 0, body, -1);
  }

  get size(): number {
    return this.kind.length;
  }

  add(kind: S, arg: number, arg2: number, next: number, alt: number): number {
    if (this.kind.length >= MAX_STATES) throw new NfaTooLarge();
    this.kind.push(kind);
    this.arg.push(arg);
    this.arg2.push(arg2);
    this.next.push(next);
    this.alt.push(alt);
    return this.kind.length - 1;
  }

  private setId(s: CharSet): number {
    let id = this.setIds.get(s);
    if (id === undefined) {
      id = this.sets.length;
      this.sets.push(s);
      this.setIds.set(s, id);
    }
    return id;
  }

  /** Compiles `n` so that it continues at `k`; returns its entry state. */
  private compile(n: Node, k: number): number {
    switch (n.kind) {
      case Kind.Empty: return k;
      case Kind.Set: return this.add(S.Char, this.setId(n.set), 0, k, -1);
      case Kind.LineStart: this.hasAssertions = true; return this.add(S.Assert, n.multiline ? A.LineStart : A.Start, 0, k, -1);
      case Kind.LineEnd: this.hasAssertions = true; return this.add(S.Assert, n.multiline ? A.LineEnd : A.End, 0, k, -1);
      case Kind.WordBoundary: this.hasAssertions = true; return this.add(S.Assert, n.negated ? A.NotWord : A.Word, 0, k, -1);
      case Kind.Seq: {
        let e = k;
        if (this.reversed) for (let i = 0; i < n.items.length; i++) e = this.compile(n.items[i]!, e);
        else for (let i = n.items.length - 1; i >= 0; i--) e = this.compile(n.items[i]!, e);
        return e;
      }
      case Kind.Alt: {
        let e = this.compile(n.alts[n.alts.length - 1]!, k);
        for (let i = n.alts.length - 2; i >= 0; i--) {
          const a = this.compile(n.alts[i]!, k);
          e = this.add(S.Split, 0, 0, a, e);
        }
        return e;
      }
      case Kind.Group: {
        const close = this.add(S.Save, 2 * n.index + 1, 0, k, -1);
        const body = this.compile(n.body, close);
        return this.add(S.Save, 2 * n.index, 0, body, -1);
      }
      case Kind.Repeat: return this.compileRepeat(n, k);
      case Kind.Look: case Kind.Backref:
        throw new Error('nfa: lookaround and backreferences need the backtracking engine');
    }
  }

  private iterationEntry(n: Node & { kind: Kind.Repeat }, entry: number): number {
    if (n.groupCount === 0) return entry;
    return this.add(S.Clear, 2 * n.firstGroup, 2 * (n.firstGroup + n.groupCount), entry, -1);
  }

  private compileRepeat(n: Node & { kind: Kind.Repeat }, k: number): number {
    const { min, max } = n;
    let tail: number;
    if (max === INFINITY) {
      // L: split(iteration, k) ; iteration body loops back to L.
      const loop = this.add(S.Split, 0, 0, -1, -1);
      const fresh = this.optionalIteration(n, loop);
      if (n.greedy) { this.next[loop] = fresh; this.alt[loop] = k; } else { this.next[loop] = k; this.alt[loop] = fresh; }
      tail = loop;
    } else {
      tail = k;
      for (let i = max; i > min; i--) {
        const fresh = this.optionalIteration(n, tail);
        tail = n.greedy ? this.add(S.Split, 0, 0, fresh, k) : this.add(S.Split, 0, 0, k, fresh);
        // Later optional iterations exit to k too: each copy's split offers k.
      }
    }
    for (let i = 0; i < min; i++) tail = this.iterationEntry(n, this.compile(n.body, tail));
    return tail;
  }

  /**
   * One optional iteration of `n` that continues at `after` when it consumed something;
   * returns the entry of its fresh copy (see the module comment).
   */
  private optionalIteration(n: Node & { kind: Kind.Repeat }, after: number): number {
    const lo = this.size;
    const entry = this.iterationEntry(n, this.compile(n.body, after));
    const hi = this.size;
    // States of this body reachable from the entry without consuming.
    const copy = new Map<number, number>();
    const stack = [entry];
    const inBody = (s: number): boolean => s >= lo && s < hi;
    const order: number[] = [];
    while (stack.length > 0) {
      const s = stack.pop()!;
      if (!inBody(s) || copy.has(s)) continue;
      copy.set(s, -1);
      order.push(s);
      if (this.kind[s] === S.Char) continue;
      if (this.next[s]! >= 0) stack.push(this.next[s]!);
      if (this.kind[s] === S.Split) stack.push(this.alt[s]!);
    }
    if (!copy.has(entry)) return entry; // cannot happen: the entry is in the body
    const fail = this.add(S.Fail, 0, 0, -1, -1);
    for (const s of order) copy.set(s, this.add(this.kind[s] as S, this.arg[s]!, this.arg2[s]!, -1, -1));
    const map = (t: number): number => {
      if (t < 0) return t;
      if (t === after) return fail;
      const c = copy.get(t);
      return c !== undefined ? c : t;
    };
    for (const s of order) {
      const c = copy.get(s)!;
      if (this.kind[s] === S.Char) this.next[c] = this.next[s]!; // consuming leads to the ordinary copy
      else {
        this.next[c] = map(this.next[s]!);
        this.alt[c] = this.kind[s] === S.Split ? map(this.alt[s]!) : -1;
      }
    }
    return copy.get(entry)!;
  }
}

/** ECMAScript word character (\w), optionally with the two extra characters of `iu`. */
export function isWordChar(c: number, extended: boolean): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f ||
    (extended && (c === 0x17f || c === 0x212a));
}

/** ECMAScript line terminator. */
export function isLineTerminator(c: number): boolean {
  return c === 0x0a || c === 0x0d || c === 0x2028 || c === 0x2029;
}
