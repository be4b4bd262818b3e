/**
 * The linear-time engine for patterns without backreferences or lookarounds:
 *
 *   prefilter: a required literal prefix is found with String.prototype.indexOf, or the
 *              per-position sets every match starts with by a Horspool scan (prefilter.ts);
 *              the anchored DFA checks each candidate
 *   search:    else the unanchored lazy DFA (dfa.ts) finds the match end and the reverse
 *              DFA its start
 *   captures:  only when the pattern has groups: the backtracking VM anchored at the start
 *              with a small step budget (fast on real patterns), and the Pike VM (pike.ts)
 *              when that budget runs out, so the time stays linear
 *
 * With engine 'pike' (or when the DFA gives up on a search) the Pike VM runs the whole search.
 * Either way no input makes a search take more than O(input x pattern) time.
 */
import { Kind, type Node, type Pattern } from './ast.js';
import { BacktrackProgram, BacktrackVM, RegexBudgetError } from './backtrack.js';
import { Classes, ForwardDfa, GAVE_UP, ReverseDfa } from './dfa.js';
import type { Engine } from './engines.js';
import { Nfa } from './nfa.js';
import { PikeVM } from './pike.js';
import { prefixSets, SetHorspool } from './prefilter.js';

/** The literal every match starts with (single characters, no case folding), or ''. */
export function literalPrefix(root: Node, unicode: boolean): string {
  const items = root.kind === Kind.Seq ? root.items : [root];
  let out = '';
  for (const it of items) {
    if (it.kind !== Kind.Set) break;
    const c = it.set.single;
    if (c < 0) break;
    out += unicode ? String.fromCodePoint(c) : String.fromCharCode(c);
  }
  return out;
}

/** True if `n` can match the empty string. */
export function nullable(n: Node): boolean {
  switch (n.kind) {
    case Kind.Set: case Kind.Backref: return n.kind === Kind.Backref;
    case Kind.Seq: return n.items.every(nullable);
    case Kind.Alt: return n.alts.some(nullable);
    case Kind.Group: return nullable(n.body);
    case Kind.Repeat: return n.min === 0 || nullable(n.body);
    default: return true;
  }
}

/** Fixed part of the backtracking budget for finding the captures of one match. */
const CAPTURE_BUDGET = 10_000;

/** Linear-time engine: lazy DFA, Pike VM for captures and as fallback. */
export class LinearEngine implements Engine {
  readonly name: string;
  readonly nfa: Nfa;
  private readonly pike: PikeVM;
  private readonly forward: ForwardDfa | null;
  private readonly anchored: ForwardDfa | null;
  private readonly reverse: ReverseDfa | null;
  private readonly hasGroups: boolean;
  private readonly prefix: string;
  /** Prefilter over the sets every match starts with (prefilter.ts), or null. */
  private readonly horspool: SetHorspool | null;
  private readonly slots: Int32Array;
  private readonly unicode: boolean;
  /** Capture finder for a known match start (null without groups or in 'pike' mode). */
  private readonly captures: BacktrackVM | null;

  constructor(p: Pattern, mode: 'pike' | 'dfa') {
    this.nfa = new Nfa(p);
    this.pike = new PikeVM(this.nfa);
    this.name = mode;
    // Under `u` a pattern that can match the empty string may match in the middle of a
    // surrogate pair (as V8 does); the DFA does not model that, the Pike VM does.
    const dfa = mode === 'dfa' && !(p.flagSet.unicode && nullable(p.root));
    const classes = dfa ? new Classes(this.nfa) : null;
    this.forward = dfa ? new ForwardDfa(this.nfa, true, classes!) : null;
    this.anchored = dfa ? new ForwardDfa(this.nfa, false, classes!) : null;
    this.reverse = dfa ? new ReverseDfa(new Nfa(p, true), classes!) : null;
    this.hasGroups = p.groupCount > 0;
    this.unicode = p.flagSet.unicode;
    this.prefix = dfa ? literalPrefix(p.root, p.flagSet.unicode) : '';
    this.horspool = dfa && this.prefix.length < 3 ? SetHorspool.for(prefixSets(p.root), p.flagSet.unicode) : null;
    this.slots = new Int32Array(this.nfa.slotCount).fill(-1);
    this.captures = dfa && this.hasGroups ? new BacktrackVM(new BacktrackProgram(p), CAPTURE_BUDGET, p.source) : null;
  }

  exec(input: string, from: number, sticky: boolean): Int32Array | null {
    if (this.forward === null) return this.pike.search(input, from, input.length, sticky) ? this.pike.best : null;
    const end = input.length;
    let start: number, stop: number;
    if (sticky) {
      stop = this.anchored!.search(input, from, end);
      start = from;
    } else if (this.prefix !== '') {
      start = -1;
      stop = -1;
      for (let p = input.indexOf(this.prefix, from); p >= 0; p = input.indexOf(this.prefix, p + 1)) {
        // Under `u` nothing can be read from the middle of a surrogate pair.
        if (this.unicode && p > 0 && isLow(input.charCodeAt(p)) && isHigh(input.charCodeAt(p - 1))) continue;
        const e = this.anchored!.search(input, p, end);
        if (e === GAVE_UP) { stop = GAVE_UP; break; }
        if (e >= 0) { start = p; stop = e; break; }
      }
    } else if (this.horspool !== null) {
      start = -1;
      stop = -1;
      for (let p = this.horspool.next(input, from, end); p >= 0; p = this.horspool.next(input, p + 1, end)) {
        const e = this.anchored!.search(input, p, end);
        if (e === GAVE_UP) { stop = GAVE_UP; break; }
        if (e >= 0) { start = p; stop = e; break; }
      }
    } else {
      stop = this.forward.search(input, from, end);
      start = stop >= 0 ? this.reverse!.search(input, from, stop) : -1;
      if (start === GAVE_UP) stop = GAVE_UP;
    }
    if (stop === GAVE_UP) return this.pike.search(input, from, end, sticky) ? this.pike.best : null;
    if (stop < 0) return null;
    if (this.hasGroups) {
      const vm = this.captures!;
      vm.budget = CAPTURE_BUDGET + 64 * (stop - start);
      try {
        vm.resetSteps();
        if (vm.matchAt(input, start, end)) return vm.regs;
      } catch (e) {
        if (!(e instanceof RegexBudgetError)) throw e;
      }
      return this.pike.search(input, start, end, true) ? this.pike.best : null;
    }
    this.slots[0] = start;
    this.slots[1] = stop;
    return this.slots;
  }
}

function isLow(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}
function isHigh(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}
