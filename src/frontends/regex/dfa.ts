/**
 * Lazy DFA over the NFA (nfa.ts): states are built on demand while searching, at most one new
 * state per input character, and cached in a transition table, so a search costs one table
 * lookup per character once the states it needs exist (as in RE2 and rust/regex).
 *
 * A DFA state is (ordered list of NFA states, look-behind context, matched flag):
 *   - the list keeps NFA priority order, so the DFA implements leftmost-first (backtracking)
 *     semantics: when a `Match` appears in a closure, the lower-priority entries after it are
 *     dropped;
 *   - assertions (^ $ \b \B) are decided when the next character is known: the closure is
 *     taken at transition time from the context of the previous character (start of input,
 *     line terminator, word character, other) and the class of the next one; so a transition
 *     reports "a match ended just before this character";
 *   - `matched` stops the unanchored search from starting new threads once a match is known.
 *
 * Characters are code units (code points under `u`) mapped to equivalence classes: every set
 * of the NFA, the word characters and the line terminators are unions of classes. The last
 * class is "end of input".
 *
 * `ForwardDfa` finds where the leftmost-first match ends; `ReverseDfa` (the same over the
 * reversed pattern) walks back from that end to the leftmost start. If the cache grows past
 * `MAX_DFA_STATES` it is cleared; a search that keeps clearing gives up (returns GAVE_UP) and
 * the caller uses the Pike VM.
 */
import { A, Nfa, S } from './nfa.js';
import { LINE_TERMINATORS, WORD, WORD_IU } from './charset.js';
import { nativeInput, type NativeInput } from './input.js';
import { nativeScans, ScanContext, ScanExit, type ScanFunctions } from './native-scan.js';

/** Searches shorter than this stay in JS (a native call costs more than a few steps). */
const NATIVE_MIN = 64;
/** A search first steps this many characters in JS (most searches of an exec loop end sooner). */
const NATIVE_AFTER = 48;

/** Per-process cache: the native scans, or null once compiling them failed (then JS only). */
let scanCache: ScanFunctions | null | undefined;
function tryNativeScans(): ScanFunctions | null {
  if (scanCache !== undefined) return scanCache;
  try {
    scanCache = process.env['JITKIT_REGEX_NO_NATIVE'] === '1' ? null : nativeScans();
  } catch {
    scanCache = null;
  }
  return scanCache;
}

/** Upper bound of cached DFA states before the cache is reset. */
export const MAX_DFA_STATES = 4096;
/** Search result meaning the DFA gave up (cache thrashing). */
export const GAVE_UP = -2;

const CTX_START = 0, CTX_LINE = 1, CTX_WORD = 2, CTX_OTHER = 3;

/** Equivalence classes of characters for one NFA. */
export class Classes {
  /** Class of each BMP code unit / code point. */
  readonly bmp: Uint16Array;
  /** Astral ranges: starts (sorted) and their classes. */
  readonly astralStarts: number[] = [];
  readonly astralClasses: number[] = [];
  /** Number of classes, including the end-of-input class (the last one). */
  readonly count: number;
  /** A representative character per class (-1 for end of input). */
  readonly representative: number[] = [];
  /** Context a character of the class leaves behind. */
  readonly context: Uint8Array;

  constructor(nfa: Nfa) {
    const bounds = new Set<number>([0]);
    const sets = [...nfa.sets, LINE_TERMINATORS, nfa.extendedWord ? WORD_IU : WORD];
    for (const s of sets) {
      const r = s.ranges;
      for (let k = 0; k < r.length; k += 2) { bounds.add(r[k]!); bounds.add(r[k + 1]! + 1); }
    }
    bounds.add(0x10000);
    const sorted = [...bounds].filter((b) => b <= 0x10ffff).sort((a, b) => a - b);
    // Class id per elementary interval, merging intervals with identical membership.
    const sig = new Map<string, number>();
    this.bmp = new Uint16Array(0x10000);
    const word = nfa.extendedWord ? WORD_IU : WORD;
    const ctx: number[] = [];
    for (let k = 0; k < sorted.length; k++) {
      const lo = sorted[k]!, hi = (k + 1 < sorted.length ? sorted[k + 1]! : 0x110000) - 1;
      let key = '';
      for (const s of sets) key += s.has(lo) ? '1' : '0';
      let id = sig.get(key);
      if (id === undefined) {
        id = sig.size;
        sig.set(key, id);
        this.representative.push(lo);
        ctx.push(LINE_TERMINATORS.has(lo) ? CTX_LINE : word.has(lo) ? CTX_WORD : CTX_OTHER);
      }
      if (lo < 0x10000) this.bmp.fill(id, lo, Math.min(hi, 0xffff) + 1);
      else { this.astralStarts.push(lo); this.astralClasses.push(id); }
    }
    this.count = sig.size + 1;
    this.representative.push(-1);
    ctx.push(CTX_OTHER);
    this.context = Uint8Array.from(ctx);
  }

  /** Class of an astral code point. */
  astral(c: number): number {
    const s = this.astralStarts;
    let lo = 0, hi = s.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (s[mid]! <= c) lo = mid; else hi = mid - 1;
    }
    return this.astralClasses[lo]!;
  }
}

/** The DFA machinery shared by the forward and reverse searches. */
class LazyDfa {
  protected readonly nfa: Nfa;
  readonly classes: Classes;
  protected readonly stride: number;
  /** trans[state * stride + class]: (next << 1) | matchedBefore, or -1 if not built yet. */
  protected trans: Int32Array;
  /** Per DFA state: its NFA list, context and flags. */
  private lists: Int32Array[] = [];
  private ctxs: number[] = [];
  private matchedFlags: boolean[] = [];
  private readonly index = new Map<string, number>();
  private readonly unanchored: boolean;
  private readonly reverse: boolean;
  /** Scratch for closures. */
  private readonly mark: Int32Array;
  private stamp = 0;
  private readonly stack: number[] = [];
  /** Times the cache was reset in the current search. */
  protected resets = 0;
  /** Memory shared with the native scans (addresses and exit record), made on first native search. */
  protected context: ScanContext | undefined;

  constructor(nfa: Nfa, unanchored: boolean, reverse: boolean, classes: Classes) {
    this.nfa = nfa;
    this.classes = classes;
    this.stride = this.classes.count;
    this.unanchored = unanchored;
    this.reverse = reverse;
    this.mark = new Int32Array(nfa.size);
    this.trans = new Int32Array(64 * this.stride).fill(-1);
  }

  /** Clears all states (keeps the classes). */
  protected reset(): void {
    this.starts.fill(-1);
    this.lists = [];
    this.ctxs = [];
    this.matchedFlags = [];
    this.index.clear();
    this.trans.fill(-1);
  }

  /** The DFA state for (list, ctx, matched), creating it if needed. */
  protected state(list: number[], ctx: number, matched: boolean): number {
    const key = `${ctx}${matched ? 'm' : ''}:${list.join(',')}`;
    let id = this.index.get(key);
    if (id !== undefined) return id;
    id = this.lists.length;
    this.lists.push(Int32Array.from(list));
    this.ctxs.push(ctx);
    this.matchedFlags.push(matched);
    this.index.set(key, id);
    if ((id + 1) * this.stride > this.trans.length) {
      const t = new Int32Array(this.trans.length * 2).fill(-1);
      t.set(this.trans);
      this.trans = t;
    }
    return id;
  }

  /** Start state for a search whose first position has look-behind context `ctx`. */
  protected startState(ctx: number): number {
    const cached = this.starts[ctx]!;
    if (cached >= 0) return cached;
    return (this.starts[ctx] = this.state(this.unanchored ? [] : [this.nfa.start], ctx, false));
  }

  /** Start state per look-behind context (-1: not made since the last reset). */
  private readonly starts = new Int32Array(4).fill(-1);

  /** Number of states. */
  get size(): number {
    return this.lists.length;
  }

  private assertion(a: number, ctx: number, cls: number): boolean {
    // Forward: `ctx` is the character before the position, `cls` the one after.
    // Reverse: the roles swap (the previously consumed character is to the right).
    const eoi = cls === this.stride - 1;
    const nextCtx = eoi ? CTX_START : this.classes.context[cls]!;
    const left = this.reverse ? nextCtx : ctx, right = this.reverse ? ctx : nextCtx;
    switch (a as A) {
      case A.Start: return left === CTX_START;
      case A.LineStart: return left === CTX_START || left === CTX_LINE;
      case A.End: return right === CTX_START;
      case A.LineEnd: return right === CTX_START || right === CTX_LINE;
      case A.Word: return (left === CTX_WORD) !== (right === CTX_WORD);
      case A.NotWord: return (left === CTX_WORD) === (right === CTX_WORD);
    }
    return false;
  }

  /** Computes the transition of `state` on class `cls`; returns the table entry. */
  protected build(state: number, cls: number): number {
    const nfa = this.nfa, kind = nfa.kind, next = nfa.next, alt = nfa.alt, arg = nfa.arg;
    const list = this.lists[state]!, ctx = this.ctxs[state]!;
    let matched = this.matchedFlags[state]!;
    this.stamp++;
    const mark = this.mark, stamp = this.stamp, stack = this.stack;
    const closure: number[] = [];
    let matchHere = false;
    const longest = this.reverse;
    let found = false;
    const expand = (s0: number): boolean => {
      stack.length = 0;
      stack.push(s0);
      while (stack.length > 0) {
        const s = stack.pop()!;
        if (mark[s] === stamp) continue;
        mark[s] = stamp;
        switch (kind[s] as S) {
          case S.Char: closure.push(s); break;
          case S.Match:
            // Leftmost-first cuts the lower-priority threads; the reverse search wants every
            // start, so it keeps them (and never steps Match).
            if (!longest) { closure.push(s); return true; }
            found = true;
            break;
          case S.Split: stack.push(alt[s]!, next[s]!); break;
          case S.Save: case S.Clear: stack.push(next[s]!); break;
          case S.Assert: if (this.assertion(arg[s]!, ctx, cls)) stack.push(next[s]!); break;
          case S.Fail: break;
        }
      }
      return false;
    };
    for (let k = 0; k < list.length && !matchHere; k++) matchHere = expand(list[k]!);
    if (!matchHere && this.unanchored && !matched) matchHere = expand(nfa.start);
    if (found) matchHere = true;
    if (matchHere) matched = true;
    const eoi = cls === this.stride - 1;
    const stepped: number[] = [];
    if (!eoi) {
      const ch = this.classes.representative[cls]!;
      for (const s of closure) {
        if (kind[s] === S.Char && nfa.sets[arg[s]!]!.has(ch)) stepped.push(next[s]!);
      }
    }
    // Dead: nothing left and no new threads will be started.
    let target: number;
    if (stepped.length === 0 && (!this.unanchored || matched)) target = 0x3fffffff;
    else target = this.state(stepped, eoi ? CTX_START : this.classes.context[cls]!, matched);
    const entry = (target << 1) | (matchHere ? 1 : 0);
    this.trans[state * this.stride + cls] = entry;
    return entry;
  }
}

/** Sentinel "dead" target in a transition entry. */
const DEAD = 0x3fffffff;

/** Forward search: end of the leftmost-first match. */
export class ForwardDfa extends LazyDfa {
  /** `classes` may be shared by the DFAs of one pattern (same sets). */
  constructor(nfa: Nfa, unanchored: boolean, classes: Classes = new Classes(nfa)) {
    super(nfa, unanchored, false, classes);
  }

  /**
   * Searches input[from..end) (look-behind context from input[from-1]); returns the end of
   * the leftmost-first match, -1 for none, or GAVE_UP.
   */
  search(input: string, from: number, end: number): number {
    const cl = this.classes, bmp = cl.bmp, stride = this.stride, eoiClass = stride - 1;
    const unicode = this.nfa.unicode;
    this.resets = 0;
    let state = this.startState(contextBefore(input, from, cl));
    let last = -1;
    let i = from;
    const scans = end - from >= NATIVE_MIN ? tryNativeScans() : null;
    let ni: NativeInput | null = null;
    const switchAt = from + NATIVE_AFTER;
    for (;;) {
      if (ni === null && scans !== null && i >= switchAt) ni = nativeInput(input);
      if (ni !== null && i < end) {
        const ctx = this.context ??= new ScanContext(), out = ctx.out;
        ctx.use(this.trans, bmp, ni.bytes);
        out[2] = last;
        const code = (ni.wide ? scans!.forward16 : scans!.forward8)(ctx.block, i, end, state, stride, unicode ? 1 : 0);
        i = out[0]!;
        state = out[1]!;
        last = out[2]!;
        if (code === ScanExit.Dead) return last;
        // End, Unknown, Surrogate: one step in JS below.
      }
      let cls: number, w = 1;
      if (i >= end) cls = eoiClass;
      else {
        const c = input.charCodeAt(i);
        if (unicode && c >= 0xd800 && c <= 0xdbff && i + 1 < end) {
          const d = input.charCodeAt(i + 1);
          if (d >= 0xdc00 && d <= 0xdfff) { cls = cl.astral(0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00)); w = 2; } else cls = bmp[c]!;
        } else cls = bmp[c]!;
      }
      let t = this.trans[state * stride + cls]!;
      if (t < 0) {
        if (this.size >= MAX_DFA_STATES) {
          if (++this.resets > 8) return GAVE_UP;
          // Keep going from the same NFA list after the reset.
          state = this.rebuildAfterReset(state);
        }
        t = this.build(state, cls);
      }
      if ((t & 1) !== 0) last = i;
      if (cls === eoiClass) return last;
      const nx = t >>> 1;
      if (nx === DEAD) return last;
      state = nx;
      i += w;
    }
  }

  private rebuildAfterReset(state: number): number {
    const snapshot = this.snapshot(state);
    this.reset();
    return this.state(snapshot.list, snapshot.ctx, snapshot.matched);
  }
}

/** Reverse search: from a match end back to the leftmost start. */
export class ReverseDfa extends LazyDfa {
  /** `nfa` is the NFA of the reversed pattern. */
  constructor(nfa: Nfa, classes: Classes = new Classes(nfa)) {
    super(nfa, false, true, classes);
  }

  /** Walks input[lo..end) backwards from `end`; returns the smallest start of a match ending at `end`, -1, or GAVE_UP. */
  search(input: string, lo: number, end: number): number {
    const cl = this.classes, bmp = cl.bmp, stride = this.stride, eoiClass = stride - 1;
    const unicode = this.nfa.unicode;
    this.resets = 0;
    let state = this.startState(contextAfter(input, end, cl));
    let last = -1;
    let i = end;
    const scans = end - lo >= NATIVE_MIN ? tryNativeScans() : null;
    let ni: NativeInput | null = null;
    const switchAt = end - NATIVE_AFTER;
    for (;;) {
      if (ni === null && scans !== null && i <= switchAt) ni = nativeInput(input);
      if (ni !== null && i > lo) {
        const ctx = this.context ??= new ScanContext(), out = ctx.out;
        ctx.use(this.trans, bmp, ni.bytes);
        out[2] = last;
        const code = (ni.wide ? scans!.backward16 : scans!.backward8)(ctx.block, i, lo, state, stride, unicode ? 1 : 0);
        i = out[0]!;
        state = out[1]!;
        last = out[2]!;
        if (code === ScanExit.Dead) return last;
      }
      let cls: number, w = 1;
      if (i <= 0) cls = eoiClass;
      else {
        const c = input.charCodeAt(i - 1);
        if (unicode && c >= 0xdc00 && c <= 0xdfff && i - 2 >= 0) {
          const d = input.charCodeAt(i - 2);
          if (d >= 0xd800 && d <= 0xdbff) { cls = cl.astral(0x10000 + ((d - 0xd800) << 10) + (c - 0xdc00)); w = 2; } else cls = bmp[c]!;
        } else cls = bmp[c]!;
      }
      let t = this.trans[state * stride + cls]!;
      if (t < 0) {
        if (this.size >= MAX_DFA_STATES) {
          if (++this.resets > 8) return GAVE_UP;
          const snapshot = this.snapshot(state);
          this.reset();
          state = this.state(snapshot.list, snapshot.ctx, snapshot.matched);
        }
        t = this.build(state, cls);
      }
      if ((t & 1) !== 0) last = i;
      if (cls === eoiClass || i <= lo) return last;
      const nx = t >>> 1;
      if (nx === DEAD) return last;
      state = nx;
      i -= w;
    }
  }
}

export interface DfaSnapshot { list: number[]; ctx: number; matched: boolean }

// Snapshot accessor on the base class (kept out of the hot loop).
declare module './dfa.js' {
  interface ForwardDfa { snapshot(state: number): DfaSnapshot }
  interface ReverseDfa { snapshot(state: number): DfaSnapshot }
}
(LazyDfa.prototype as unknown as { snapshot(this: LazyDfa, s: number): DfaSnapshot }).snapshot = function (this: LazyDfa, s: number): DfaSnapshot {
  const self = this as unknown as { lists: Int32Array[]; ctxs: number[]; matchedFlags: boolean[] };
  return { list: [...self.lists[s]!], ctx: self.ctxs[s]!, matched: self.matchedFlags[s]! };
};

function contextOf(c: number, cl: Classes): number {
  return cl.context[c > 0xffff ? cl.astral(c) : cl.bmp[c]!]!;
}

/** Look-behind context at `i`: the character before it. */
function contextBefore(input: string, i: number, cl: Classes): number {
  if (i <= 0) return CTX_START;
  return contextOf(input.charCodeAt(i - 1), cl);
}

/** Context after `i` (for the reverse search): the character at it. */
function contextAfter(input: string, i: number, cl: Classes): number {
  if (i >= input.length) return CTX_START;
  return contextOf(input.charCodeAt(i), cl);
}
