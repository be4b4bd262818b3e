/**
 * The linear-time engine for patterns without backreferences or lookarounds:
 *
 *   search:   lazy DFA (dfa.ts) over the input finds the match end, a reverse DFA its start
 *   captures: the Pike VM (pike.ts) over [start, end] only, anchored at start
 *
 * With engine 'pike' (or when the DFA gives up) the Pike VM runs the whole search. Either way
 * no input makes a search take more than O(input x pattern) time.
 */
import type { Pattern } from './ast.js';
import type { Engine } from './engines.js';
import { Nfa } from './nfa.js';
import { PikeVM } from './pike.js';

/** Linear-time engine: NFA simulation (and, when available, the DFA). */
export class LinearEngine implements Engine {
  readonly name: string;
  readonly nfa: Nfa;
  private readonly pike: PikeVM;

  constructor(p: Pattern, mode: 'pike' | 'dfa') {
    this.nfa = new Nfa(p);
    this.pike = new PikeVM(this.nfa);
    this.name = mode;
  }

  exec(input: string, from: number, sticky: boolean): Int32Array | null {
    return this.pike.search(input, from, input.length, sticky) ? this.pike.best : null;
  }
}
