/**
 * The linear-time engine for patterns without backreferences or lookarounds:
 *
 *   prefilter: a required literal prefix is found with String.prototype.indexOf, then
 *              the anchored DFA checks each candidate
 *   search:    else the unanchored lazy DFA (dfa.ts) finds the match end and the reverse
 *              DFA its start
 *   captures:  the Pike VM (pike.ts) anchored at the start, only when the pattern has groups
 *
 * With engine 'pike' (or when the DFA gives up on a search) the Pike VM runs the whole search.
 * Either way no input makes a search take more than O(input x pattern) time.
 */
import { Kind, type Node, type Pattern } from './ast.js';
import { Classes, ForwardDfa, GAVE_UP, ReverseDfa } from './dfa.js';
import type { Engine } from './engines.js';
import { Nfa } from './nfa.js';
import { PikeVM } from './pike.js';

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
  private readonly slots: Int32Array;

  constructor(p: Pattern, mode: 'pike' | 'dfa') {
    this.nfa = new Nfa(p);
    this.pike = new PikeVM(this.nfa);
    this.name = mode;
    const dfa = mode === 'dfa';
    const classes = dfa ? new Classes(this.nfa) : null;
    this.forward = dfa ? new ForwardDfa(this.nfa, true, classes!) : null;
    this.anchored = dfa ? new ForwardDfa(this.nfa, false, classes!) : null;
    this.reverse = dfa ? new ReverseDfa(new Nfa(p, true), classes!) : null;
    this.hasGroups = p.groupCount > 0;
    this.prefix = dfa ? literalPrefix(p.root, p.flagSet.unicode) : '';
    this.slots = new Int32Array(this.nfa.slotCount).fill(-1);
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
    if (this.hasGroups) return this.pike.search(input, start, end, true) ? this.pike.best : null;
    this.slots[0] = start;
    this.slots[1] = stop;
    return this.slots;
  }
}
