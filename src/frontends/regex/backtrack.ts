/**
 * The backtracking engine: the tree compiled to a small program for a JS virtual machine with
 * an explicit backtrack stack, following ECMA-262's matcher semantics step for step (greedy and
 * lazy quantifiers with the empty-iteration check, captures cleared at each iteration, atomic
 * lookarounds, lookbehind matched right to left, backreferences, case-insensitive
 * backreferences). It runs every pattern the linear engines refuse (backreferences,
 * lookarounds) and finds capture groups for the others inside a span the linear engine found.
 *
 * A step budget bounds the work of one search: exceeding it throws `RegexBudgetError` instead of
 * hanging (V8 would run on; see docs/regex.md).
 *
 * Program: parallel arrays `op`, `a`, `b`, `c` per instruction. Registers: capture slots
 * (2 per group, -1 = unset), then per loop a counter and an iteration-start position.
 * Stack entries are three numbers: a choice point (pc >= 0, pos, 0), a register undo
 * (UNDO, reg, old value) or a greedy single-set run being given back (RUN, pc, minPos) with its
 * current position in the third slot of the next entry (see `pushRun`).
 */
import { Kind, type Node, type Pattern } from './ast.js';
import type { CharSet } from './charset.js';
import { INFINITY } from './parser.js';
import { caseClassOf } from './unicode.js';

/** Thrown when a search exceeds its backtracking step budget. */
export class RegexBudgetError extends Error {
  /** The budget that was exceeded. */
  readonly budget: number;
  constructor(message: string, budget: number) {
    super(message);
    this.name = 'RegexBudgetError';
    this.budget = budget;
  }
}

const enum Op {
  /** a = set index: one character in the set, forward. */
  Set,
  /** Same, backward (inside lookbehind). */
  SetBack,
  /** a, b: choice: continue at a, on failure at b. */
  Split,
  /** a: goto. */
  Jmp,
  /** a = register: store the position. */
  Save,
  /** a..b: clear capture slots a..b-1. */
  Clear,
  /** a = multiline: `^`. */
  LineStart,
  /** a = multiline: `$`. */
  LineEnd,
  /** a = negated: `\b` / `\B`. */
  Word,
  /** a = group, b = 1 if backward. */
  Backref,
  /** a = body pc, b = flags (1 behind, 2 negated), c = first capture slot affected, next inst: end pc and last slot. */
  Look,
  /** End of a lookaround body. */
  LookEnd,
  /** a = counter register: counter := 0 (the next register holds the iteration start). */
  LoopInit,
  /** a = counter register, b = min, c = max; next words: body pc, exit pc, greedy. */
  Loop,
  /** a = counter register, b = min, c = loop head pc: end of an iteration. */
  LoopEnd,
  /** a = set, b = min, c = max: greedy run of one set (no captures inside), forward only. */
  GreedySet,
  /** a = set, b = min, c = max: lazy run of one set (no captures inside), forward only. */
  LazySet,
  /** Success. */
  Match,
}

const UNDO = -1, RUN = -2, LAZY = -3;

/** A compiled backtracking program. */
export class BacktrackProgram {
  readonly op: number[] = [];
  readonly a: number[] = [];
  readonly b: number[] = [];
  readonly c: number[] = [];
  readonly sets: CharSet[] = [];
  /** Number of registers (captures first). */
  registerCount: number;
  readonly captureSlots: number;
  readonly unicode: boolean;
  readonly ignoreCase: boolean;

  constructor(p: Pattern) {
    this.captureSlots = 2 * (p.groupCount + 1);
    this.registerCount = this.captureSlots;
    this.unicode = p.flagSet.unicode;
    this.ignoreCase = p.flagSet.ignoreCase;
    this.emit(Op.Save, 0, 0, 0);
    this.compile(p.root, false);
    this.emit(Op.Save, 1, 0, 0);
    this.emit(Op.Match, 0, 0, 0);
  }

  private emit(op: Op, a: number, b: number, c: number): number {
    this.op.push(op);
    this.a.push(a);
    this.b.push(b);
    this.c.push(c);
    return this.op.length - 1;
  }

  private setIndex(s: CharSet): number {
    const i = this.sets.indexOf(s);
    if (i >= 0) return i;
    this.sets.push(s);
    return this.sets.length - 1;
  }

  private compile(n: Node, back: boolean): void {
    switch (n.kind) {
      case Kind.Empty: return;
      case Kind.Set: this.emit(back ? Op.SetBack : Op.Set, this.setIndex(n.set), 0, 0); return;
      case Kind.LineStart: this.emit(Op.LineStart, n.multiline ? 1 : 0, 0, 0); return;
      case Kind.LineEnd: this.emit(Op.LineEnd, n.multiline ? 1 : 0, 0, 0); return;
      case Kind.WordBoundary: this.emit(Op.Word, n.negated ? 1 : 0, 0, 0); return;
      case Kind.Seq:
        if (back) for (let k = n.items.length - 1; k >= 0; k--) this.compile(n.items[k]!, back);
        else for (const it of n.items) this.compile(it, back);
        return;
      case Kind.Alt: {
        const jumps: number[] = [];
        for (let k = 0; k < n.alts.length; k++) {
          if (k < n.alts.length - 1) {
            const split = this.emit(Op.Split, 0, 0, 0);
            this.a[split] = this.op.length;
            this.compile(n.alts[k]!, back);
            jumps.push(this.emit(Op.Jmp, 0, 0, 0));
            this.b[split] = this.op.length;
          } else this.compile(n.alts[k]!, back);
        }
        for (const j of jumps) this.a[j] = this.op.length;
        return;
      }
      case Kind.Group:
        this.emit(Op.Save, 2 * n.index + (back ? 1 : 0), 0, 0);
        this.compile(n.body, back);
        this.emit(Op.Save, 2 * n.index + (back ? 0 : 1), 0, 0);
        return;
      case Kind.Backref: this.emit(Op.Backref, n.index, back ? 1 : 0, 0); return;
      case Kind.Look: {
        const look = this.emit(Op.Look, 0, (n.behind ? 1 : 0) | (n.negated ? 2 : 0), 0);
        const info = this.emit(Op.Jmp, 0, 0, 0); // data word: a = end pc, b = first slot, c = end slot
        const slotsBefore = this.registerCount;
        void slotsBefore;
        this.a[look] = this.op.length;
        const groups = groupRange(n.body);
        this.compile(n.body, n.behind);
        this.emit(Op.LookEnd, 0, 0, 0);
        this.a[info] = this.op.length;
        this.b[info] = groups.first < 0 ? 0 : 2 * groups.first;
        this.c[info] = groups.first < 0 ? 0 : 2 * (groups.last + 1);
        return;
      }
      case Kind.Repeat: {
        if (n.max === 0) return;
        if (!back && n.body.kind === Kind.Set) {
          this.emit(n.greedy ? Op.GreedySet : Op.LazySet, this.setIndex(n.body.set), n.min, n.max);
          return;
        }
        if (n.min === 1 && n.max === 1) {
          if (n.groupCount > 0) this.emit(Op.Clear, 2 * n.firstGroup, 2 * (n.firstGroup + n.groupCount), 0);
          this.compile(n.body, back);
          return;
        }
        const reg = this.registerCount;
        this.registerCount += 2;
        this.emit(Op.LoopInit, reg, 0, 0);
        const head = this.emit(Op.Loop, reg, n.min, n.max);
        const data = this.emit(Op.Jmp, 0, 0, n.greedy ? 1 : 0); // data word: a = body, b = exit
        this.a[data] = this.op.length;
        this.emit(Op.Save, reg + 1, 0, 0);
        if (n.groupCount > 0) this.emit(Op.Clear, 2 * n.firstGroup, 2 * (n.firstGroup + n.groupCount), 0);
        this.compile(n.body, back);
        this.emit(Op.LoopEnd, reg, n.min, head);
        this.b[data] = this.op.length;
        return;
      }
    }
  }
}

/** First and last capture group inside a tree (-1 when none). */
function groupRange(n: Node): { first: number; last: number } {
  let first = -1, last = -1;
  const walk = (x: Node): void => {
    switch (x.kind) {
      case Kind.Group:
        if (first < 0 || x.index < first) first = x.index;
        if (x.index > last) last = x.index;
        walk(x.body);
        return;
      case Kind.Seq: for (const i of x.items) walk(i); return;
      case Kind.Alt: for (const i of x.alts) walk(i); return;
      case Kind.Repeat: case Kind.Look: walk(x.body); return;
      default: return;
    }
  };
  walk(n);
  return { first, last };
}

function isWordChar(c: number, extended: boolean): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f ||
    (extended && (c === 0x17f || c === 0x212a));
}
function isLineTerminator(c: number): boolean {
  return c === 0x0a || c === 0x0d || c === 0x2028 || c === 0x2029;
}

/**
 * Runs programs on one input. Reused across searches of one regex (registers and stack are
 * kept to avoid allocation).
 */
export class BacktrackVM {
  readonly prog: BacktrackProgram;
  /** Registers; captures are `regs[2g]`, `regs[2g+1]` after a successful `match`. */
  regs: Int32Array;
  private stack: number[] = [];
  private input = '';
  private end = 0;
  private steps = 0;
  /** Maximum steps per search (instructions executed plus backtracks). */
  budget: number;
  private readonly source: string;

  constructor(prog: BacktrackProgram, budget: number, source: string) {
    this.prog = prog;
    this.regs = new Int32Array(prog.registerCount);
    this.budget = budget;
    this.source = source;
  }

  /**
   * Tries a match starting exactly at `start` in `input[0..end)`; returns true and leaves the
   * captures in `regs` on success.
   */
  matchAt(input: string, start: number, end: number): boolean {
    this.input = input;
    this.end = end;
    this.regs.fill(-1);
    this.stack.length = 0;
    return this.run(0, start, 0) >= 0;
  }

  /** Resets the step counter (once per search, which may try many start positions). */
  resetSteps(): void {
    this.steps = 0;
  }

  /** Reads the character at `i` forward: code point under `u`; sets `width`. */
  private width = 1;
  private charAt(i: number): number {
    const s = this.input;
    const c = s.charCodeAt(i);
    this.width = 1;
    if (this.prog.unicode && c >= 0xd800 && c <= 0xdbff && i + 1 < this.end) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        this.width = 2;
        return 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
      }
    }
    return c;
  }
  private charBefore(i: number): number {
    const s = this.input;
    const c = s.charCodeAt(i - 1);
    this.width = 1;
    if (this.prog.unicode && c >= 0xdc00 && c <= 0xdfff && i - 2 >= 0) {
      const d = s.charCodeAt(i - 2);
      if (d >= 0xd800 && d <= 0xdbff) {
        this.width = 2;
        return 0x10000 + ((d - 0xd800) << 10) + (c - 0xdc00);
      }
    }
    return c;
  }

  private budgetExceeded(): never {
    throw new RegexBudgetError(`jitkit/regex: /${this.source}/ exceeded its backtracking budget of ${this.budget} steps ` +
      '(the pattern needs the backtracking engine and this input makes it backtrack too much); ' +
      'raise it with new Regex(source, flags, { backtrackLimit })', this.budget);
  }

  /** Runs from `pc` at `pos` with the stack above `base`; returns the end position or -1. */
  private run(pc: number, pos: number, base: number): number {
    const p = this.prog, op = p.op, A = p.a, B = p.b, C = p.c, sets = p.sets, regs = this.regs, st = this.stack;
    const s = this.input, end = this.end, unicode = p.unicode;
    const extendedWord = p.unicode && p.ignoreCase;
    let steps = this.steps;
    const budget = this.budget;
    for (;;) {
      if (++steps > budget) { this.steps = steps; this.budgetExceeded(); }
      let ok = true;
      switch (op[pc] as Op) {
        case Op.Set: {
          if (pos >= end) { ok = false; break; }
          let ch = s.charCodeAt(pos), w = 1;
          // Under `u` the trail of a surrogate pair cannot be read on its own (V8).
          if (unicode && isLow(ch) && pos > 0 && isHigh(s.charCodeAt(pos - 1))) { ok = false; break; }
          if (unicode && ch >= 0xd800 && ch <= 0xdbff && pos + 1 < end) {
            const d = s.charCodeAt(pos + 1);
            if (d >= 0xdc00 && d <= 0xdfff) { ch = 0x10000 + ((ch - 0xd800) << 10) + (d - 0xdc00); w = 2; }
          }
          if (!sets[A[pc]!]!.has(ch)) { ok = false; break; }
          pos += w;
          pc++;
          continue;
        }
        case Op.SetBack: {
          if (pos <= 0) { ok = false; break; }
          if (unicode && pos < s.length && isLow(s.charCodeAt(pos)) && isHigh(s.charCodeAt(pos - 1))) { ok = false; break; }
          const ch = this.charBefore(pos);
          if (!sets[A[pc]!]!.has(ch)) { ok = false; break; }
          pos -= this.width;
          pc++;
          continue;
        }
        case Op.Split:
          st.push(B[pc]!, pos, 0);
          pc = A[pc]!;
          continue;
        case Op.Jmp:
          pc = A[pc]!;
          continue;
        case Op.Save: {
          const r = A[pc]!;
          st.push(UNDO, r, regs[r]!);
          regs[r] = pos;
          pc++;
          continue;
        }
        case Op.Clear:
          for (let r = A[pc]!; r < B[pc]!; r++) {
            if (regs[r] !== -1) { st.push(UNDO, r, regs[r]!); regs[r] = -1; }
          }
          pc++;
          continue;
        case Op.LineStart:
          if (pos === 0 || (A[pc] === 1 && isLineTerminator(s.charCodeAt(pos - 1)))) { pc++; continue; }
          ok = false;
          break;
        case Op.LineEnd:
          if (pos === end || (A[pc] === 1 && isLineTerminator(s.charCodeAt(pos)))) { pc++; continue; }
          ok = false;
          break;
        case Op.Word: {
          const a = pos > 0 && isWordChar(s.charCodeAt(pos - 1), extendedWord);
          const b = pos < end && isWordChar(s.charCodeAt(pos), extendedWord);
          if ((a !== b) !== (A[pc] === 1)) { pc++; continue; }
          ok = false;
          break;
        }
        case Op.Backref: {
          const g = A[pc]!;
          const gs = regs[2 * g]!, ge = regs[2 * g + 1]!;
          if (gs < 0 || ge < 0) { pc++; continue; }
          const len = ge - gs;
          if (B[pc] === 0) {
            if (pos + len > end || !this.sameText(gs, pos, len)) { ok = false; break; }
            pos += len;
          } else {
            if (pos - len < 0 || !this.sameText(gs, pos - len, len)) { ok = false; break; }
            pos -= len;
          }
          pc++;
          continue;
        }
        case Op.Look: {
          const flags = B[pc]!, info = pc + 1;
          const firstSlot = B[info]!, endSlot = C[info]!;
          // Undo entries for the captures the body may set, so backtracking past the
          // lookaround restores them.
          for (let r = firstSlot; r < endSlot; r++) st.push(UNDO, r, regs[r]!);
          const mark = st.length;
          this.steps = steps;
          const r = this.run(A[pc]!, pos, mark);
          steps = this.steps;
          const matched = r >= 0;
          if (matched) {
            if ((flags & 2) !== 0) {
              // Negative lookaround whose body matched: restore, then fail.
              this.unwindTo(mark);
              ok = false;
              break;
            }
            st.length = mark; // atomic: drop the body's choice points, keep its captures
            pc = A[info]!;
            continue;
          }
          if ((flags & 2) !== 0) { pc = A[info]!; continue; }
          ok = false;
          break;
        }
        case Op.LookEnd:
          this.steps = steps;
          return pos;
        case Op.LoopInit: {
          const r = A[pc]!;
          st.push(UNDO, r, regs[r]!, UNDO, r + 1, regs[r + 1]!);
          regs[r] = 0;
          pc++;
          continue;
        }
        case Op.Loop: {
          const r = A[pc]!, count = regs[r]!, min = B[pc]!, max = C[pc]!;
          const data = pc + 1, body = A[data]!, exit = B[data]!;
          if (count < min) { pc = body; continue; }
          if (count >= max && max !== INFINITY) { pc = exit; continue; }
          if (C[data] === 1) { st.push(exit, pos, 0); pc = body; } else { st.push(body, pos, 0); pc = exit; }
          continue;
        }
        case Op.LoopEnd: {
          const r = A[pc]!, count = regs[r]!;
          if (count >= B[pc]! && pos === regs[r + 1]!) { ok = false; break; }
          st.push(UNDO, r, count);
          regs[r] = count + 1;
          pc = C[pc]!;
          continue;
        }
        case Op.GreedySet: {
          const set = sets[A[pc]!]!, min = B[pc]!, max = C[pc]!;
          const start = pos;
          let n = 0;
          if (unicode && pos < end && pos > 0 && isLow(s.charCodeAt(pos)) && isHigh(s.charCodeAt(pos - 1))) {
            if (min > 0) { ok = false; break; }
            pc++;
            continue;
          }
          while (n < max && pos < end) {
            let ch = s.charCodeAt(pos), w = 1;
            if (unicode && ch >= 0xd800 && ch <= 0xdbff && pos + 1 < end) {
              const d = s.charCodeAt(pos + 1);
              if (d >= 0xdc00 && d <= 0xdfff) { ch = 0x10000 + ((ch - 0xd800) << 10) + (d - 0xdc00); w = 2; }
            }
            if (!set.has(ch)) break;
            pos += w;
            n++;
          }
          steps += n;
          if (n < min) { ok = false; break; }
          if (n > min) {
            // Positions to give back, down to the one after `min` characters.
            let minPos = start;
            if (!unicode) minPos = start + min;
            else for (let k = 0; k < min; k++) { this.charAt(minPos); minPos += this.width; }
            st.push(RUN, pc + 1, minPos, RUN, pos, 0);
          }
          pc++;
          continue;
        }
        case Op.LazySet: {
          const set = sets[A[pc]!]!, min = B[pc]!, max = C[pc]!;
          for (let k = 0; k < min; k++) {
            const w = this.readSet(set, pos, end);
            if (w === 0) { ok = false; break; }
            pos += w;
          }
          steps += min;
          if (!ok) break;
          // One more character is tried only when the rest fails (see the LAZY entries below).
          if (max > min) st.push(LAZY, pc + 1, max === INFINITY ? INFINITY : max - min, LAZY, pos, A[pc]!);
          pc++;
          continue;
        }
        case Op.Match:
          this.steps = steps;
          return pos;
      }
      if (!ok) {
        // Backtrack.
        for (;;) {
          if (st.length <= base) { this.steps = steps; return -1; }
          const z = st.pop()!, y = st.pop()!, x = st.pop()!;
          if (x >= 0) { pc = x; pos = y; break; }
          if (x === UNDO) { regs[y] = z; continue; }
          if (x === LAZY) {
            // (LAZY, pos, set) on top of (LAZY, next pc, remaining): take one more character.
            const remaining = st.pop()!, next = st.pop()!;
            st.pop();
            const w = this.readSet(sets[z]!, y, end);
            steps++;
            if (w === 0) continue;
            const left = remaining === INFINITY ? INFINITY : remaining - 1;
            if (left > 0) st.push(LAZY, next, left, LAZY, y + w, z);
            pc = next;
            pos = y + w;
            break;
          }
          // RUN pair: (RUN, cur, 0) on top of (RUN, pc, minPos).
          const z2 = st.pop()!, y2 = st.pop()!;
          st.pop();
          let cur = y;
          if (unicode && cur - 2 >= z2 && isLow(s.charCodeAt(cur - 1)) && isHigh(s.charCodeAt(cur - 2))) cur -= 2; else cur -= 1;
          if (cur > z2) st.push(RUN, y2, z2, RUN, cur, 0);
          pc = y2;
          pos = cur;
          steps++;
          break;
        }
      }
    }
  }

  /** Width (1 or 2) of the character at `pos` if it is in `set`, else 0 (the mid-pair rule of `Set`). */
  private readSet(set: CharSet, pos: number, end: number): number {
    if (pos >= end) return 0;
    const s = this.input;
    let ch = s.charCodeAt(pos), w = 1;
    if (this.prog.unicode) {
      if (isLow(ch) && pos > 0 && isHigh(s.charCodeAt(pos - 1))) return 0;
      if (isHigh(ch) && pos + 1 < end) {
        const d = s.charCodeAt(pos + 1);
        if (isLow(d)) { ch = 0x10000 + ((ch - 0xd800) << 10) + (d - 0xdc00); w = 2; }
      }
    }
    return set.has(ch) ? w : 0;
  }

  private unwindTo(mark: number): void {
    const st = this.stack, regs = this.regs;
    while (st.length > mark) {
      const z = st.pop()!, y = st.pop()!, x = st.pop()!;
      if (x === UNDO) regs[y] = z;
      else if (x === RUN || x === LAZY) { st.pop(); st.pop(); st.pop(); }
    }
  }

  /** Backreference comparison (case-insensitive under `i`). */
  private sameText(a: number, b: number, len: number): boolean {
    const s = this.input;
    if (!this.prog.ignoreCase) {
      for (let k = 0; k < len; k++) if (s.charCodeAt(a + k) !== s.charCodeAt(b + k)) return false;
      return true;
    }
    const u = this.prog.unicode;
    let k = 0;
    while (k < len) {
      const x = u ? s.codePointAt(a + k)! : s.charCodeAt(a + k);
      const y = u ? s.codePointAt(b + k)! : s.charCodeAt(b + k);
      if (x !== y && caseClassOf(x, u) !== caseClassOf(y, u)) return false;
      if (x !== y && caseClassOf(x, u).length === 1) return false;
      k += x > 0xffff ? 2 : 1;
    }
    return true;
  }
}

function isLow(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}
function isHigh(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}
