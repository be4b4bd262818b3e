/**
 * Pike VM: simulates the NFA (nfa.ts) on all threads at once, in priority order, carrying
 * capture slots per thread. Time O(input x NFA states), never more: this is the linear-time
 * engine for capture groups (and for whole searches where the DFA gives up).
 *
 * Leftmost-first: threads are kept in priority order; when the highest-priority live thread
 * reaches `Match`, every thread after it is dropped; new start threads (unanchored search) are
 * only added while nothing has matched.
 */
import { A, Nfa, S, isLineTerminator, isWordChar } from './nfa.js';

/** A Pike VM bound to one NFA; scratch space is reused across searches. */
export class PikeVM {
  private readonly nfa: Nfa;
  private readonly slots: number;
  /** Thread lists: states and capture rows. */
  private cur: Int32Array;
  private nxt: Int32Array;
  private curCaps: Int32Array;
  private nxtCaps: Int32Array;
  private curLen = 0;
  private nxtLen = 0;
  /** Visit stamps per state (one stamp per step). */
  private readonly mark: Int32Array;
  private stamp = 0;
  private readonly work: Int32Array;
  private readonly caps: Int32Array;
  /** The best match so far (capture slots). */
  readonly best: Int32Array;
  private input = '';
  private end = 0;

  constructor(nfa: Nfa) {
    this.nfa = nfa;
    this.slots = nfa.slotCount;
    const n = nfa.size;
    this.cur = new Int32Array(n);
    this.nxt = new Int32Array(n);
    this.curCaps = new Int32Array(n * this.slots);
    this.nxtCaps = new Int32Array(n * this.slots);
    this.mark = new Int32Array(n);
    this.work = new Int32Array(4 * n + 16);
    this.caps = new Int32Array(this.slots);
    this.best = new Int32Array(this.slots);
  }

  /**
   * Searches input[0..end) from `from`; `anchored` only tries a match starting at `from`.
   * Returns true with the captures in `best`.
   */
  search(input: string, from: number, end: number, anchored: boolean): boolean {
    this.input = input;
    this.end = end;
    const nfa = this.nfa, kind = nfa.kind, arg = nfa.arg, next = nfa.next, sets = nfa.sets, slots = this.slots;
    const unicode = nfa.unicode;
    let matched = false;
    this.midMatched = false;
    this.curLen = 0;
    let pos = from;
    for (;;) {
      if (!matched && (!anchored || pos === from)) {
        this.stamp++;
        // Re-mark the states already in the list so the new thread does not duplicate them.
        for (let t = 0; t < this.curLen; t++) this.mark[this.cur[t]!] = this.stamp;
        this.caps.fill(-1);
        this.addThread(true, nfa.start, pos);
      }
      if (this.curLen === 0 && (matched || anchored || pos >= end)) break;
      let ch = -1, w = 1;
      if (pos < end) {
        ch = input.charCodeAt(pos);
        if (unicode && ch >= 0xd800 && ch <= 0xdbff && pos + 1 < end) {
          const d = input.charCodeAt(pos + 1);
          if (d >= 0xdc00 && d <= 0xdfff) { ch = 0x10000 + ((ch - 0xd800) << 10) + (d - 0xdc00); w = 2; }
        }
      }
      this.stamp++;
      this.nxtLen = 0;
      for (let t = 0; t < this.curLen; t++) {
        const s = this.cur[t]!;
        if (kind[s] === S.Match) {
          matched = true;
          this.best.set(this.curCaps.subarray(t * slots, t * slots + slots));
          break; // lower-priority threads are cut
        }
        if (ch >= 0 && sets[arg[s]!]!.has(ch)) {
          this.caps.set(this.curCaps.subarray(t * slots, t * slots + slots));
          this.addThread(false, next[s]!, pos + w);
        }
      }
      // Under `u`, V8 also tries a start in the middle of a surrogate pair; only an empty
      // match can start there, and it ranks below every thread already running.
      if (w === 2 && !matched && !anchored) {
        this.midPairStart(pos + 1);
        if (this.midMatched) matched = true;
      }
      // Swap lists.
      const a = this.cur; this.cur = this.nxt; this.nxt = a;
      const b = this.curCaps; this.curCaps = this.nxtCaps; this.nxtCaps = b;
      this.curLen = this.nxtLen;
      if (ch < 0) {
        // At the end: threads added for position `end` still need their Match checked.
        for (let t = 0; t < this.curLen; t++) {
          if (kind[this.cur[t]!] === S.Match) {
            matched = true;
            this.best.set(this.curCaps.subarray(t * slots, t * slots + slots));
            break;
          }
        }
        break;
      }
      pos += w;
    }
    return matched;
  }

  /** Records an empty match starting (and ending) at the middle of a surrogate pair, if any. */
  private midPairStart(pos: number): void {
    // Closure into the (unused) current list, then look for Match only.
    const saveLen = this.curLen;
    this.stamp++;
    this.caps.fill(-1);
    this.curLen = 0;
    const slots = this.slots;
    this.addThread(true, this.nfa.start, pos);
    for (let t = 0; t < this.curLen; t++) {
      if (this.nfa.kind[this.cur[t]!] === S.Match) {
        this.best.set(this.curCaps.subarray(t * slots, t * slots + slots));
        this.midMatched = true;
        break;
      }
    }
    this.curLen = saveLen;
  }

  /** Set when a mid-pair empty match was recorded (see `midPairStart`). */
  private midMatched = false;

  /** Follows epsilon transitions from `s` at `pos` with `this.caps`, appending threads in priority order. */
  private addThread(toCur: boolean, s0: number, pos: number): void {
    const nfa = this.nfa, kind = nfa.kind, arg = nfa.arg, arg2 = nfa.arg2, next = nfa.next, alt = nfa.alt;
    const mark = this.mark, stamp = this.stamp, caps = this.caps, work = this.work, slots = this.slots;
    const list = toCur ? this.cur : this.nxt, listCaps = toCur ? this.curCaps : this.nxtCaps;
    let len = toCur ? this.curLen : this.nxtLen;
    // Work entries: state >= 0, or a capture restore encoded as (-1 - slot, value).
    let sp = 0;
    work[sp++] = s0;
    while (sp > 0) {
      const s = work[--sp]!;
      if (s < 0) {
        caps[-1 - s] = work[--sp]!;
        continue;
      }
      if (mark[s] === stamp) continue;
      mark[s] = stamp;
      switch (kind[s] as S) {
        case S.Char: case S.Match:
          list[len] = s;
          listCaps.set(caps, len * slots);
          len++;
          break;
        case S.Split:
          work[sp++] = alt[s]!;
          work[sp++] = next[s]!;
          break;
        case S.Save: {
          const slot = arg[s]!;
          work[sp++] = caps[slot]!;
          work[sp++] = -1 - slot;
          caps[slot] = pos;
          work[sp++] = next[s]!;
          break;
        }
        case S.Clear: {
          for (let k = arg[s]!; k < arg2[s]!; k++) {
            if (caps[k] !== -1) {
              work[sp++] = caps[k]!;
              work[sp++] = -1 - k;
              caps[k] = -1;
            }
          }
          work[sp++] = next[s]!;
          break;
        }
        case S.Assert:
          if (this.assertion(arg[s]!, pos)) work[sp++] = next[s]!;
          break;
        case S.Fail:
          break;
      }
      if (sp + 4 > work.length) throw new Error('pike: work stack overflow');
    }
    if (toCur) this.curLen = len; else this.nxtLen = len;
  }

  private assertion(a: number, pos: number): boolean {
    const s = this.input, end = this.end;
    switch (a as A) {
      case A.Start: return pos === 0;
      case A.LineStart: return pos === 0 || isLineTerminator(s.charCodeAt(pos - 1));
      case A.End: return pos === end;
      case A.LineEnd: return pos === end || isLineTerminator(s.charCodeAt(pos));
      case A.Word: case A.NotWord: {
        const ext = this.nfa.extendedWord;
        const x = pos > 0 && isWordChar(s.charCodeAt(pos - 1), ext);
        const y = pos < end && isWordChar(s.charCodeAt(pos), ext);
        return (x !== y) === (a === A.Word);
      }
    }
    return false;
  }
}
