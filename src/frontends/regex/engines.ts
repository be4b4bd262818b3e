/**
 * Engine selection: which matcher runs a pattern's searches.
 *
 *   pattern has a backreference or lookaround  -> BacktrackEngine (step budget)
 *   otherwise                                  -> LinearEngine: the lazy DFA (dfa.ts, native loop)
 *                                                 finds match bounds, then captures come from the
 *                                                 Pike VM (pike.ts) over the match only
 *
 * Every engine answers `exec(input, from, sticky)`: the capture slots of the leftmost match
 * starting at or after `from` (exactly at `from` when sticky), or null. Slots are shared and
 * valid until the next call.
 */
import { Kind, type Node, type Pattern } from './ast.js';
import { BacktrackProgram, BacktrackVM } from './backtrack.js';
import type { CharSet } from './charset.js';
import { LinearEngine } from './linear.js';
import { NfaTooLarge } from './nfa.js';

/** A search engine for one pattern. */
export interface Engine {
  /** Engine name, for diagnostics and benchmarks. */
  readonly name: string;
  /** Capture slots of the first match at or after `from` (at `from` when `sticky`), or null. */
  exec(input: string, from: number, sticky: boolean): Int32Array | null;
}

/** Picks the engine for `p`. */
export function selectEngine(p: Pattern, which: 'auto' | 'backtrack' | 'pike' | 'dfa', budget: number): Engine {
  if (which === 'backtrack' || (which === 'auto' && p.needsBacktracking)) return new BacktrackEngine(p, budget);
  if (p.needsBacktracking) throw new Error(`jitkit/regex: the ${which} engine cannot run /${p.source}/ (backreference or lookaround)`);
  try {
    return new LinearEngine(p, which === 'pike' ? 'pike' : 'dfa');
  } catch (e) {
    if (!(e instanceof NfaTooLarge) || which !== 'auto') throw e;
    return new BacktrackEngine(p, budget);
  }
}

/** The set of characters a match can start with, or null if unknown / may be empty. */
export function firstSet(n: Node): CharSet | null {
  switch (n.kind) {
    case Kind.Set: return n.set;
    case Kind.Group: return firstSet(n.body);
    case Kind.Seq: return n.items.length > 0 ? firstSet(n.items[0]!) : null;
    case Kind.Alt: {
      let acc: CharSet | null = null;
      for (const a of n.alts) {
        const f = firstSet(a);
        if (f === null) return null;
        acc = acc === null ? f : acc.union(f);
      }
      return acc;
    }
    case Kind.Repeat: return n.min > 0 ? firstSet(n.body) : null;
    default: return null;
  }
}

/** The backtracking engine over a whole input: tries each start position in turn. */
export class BacktrackEngine implements Engine {
  readonly name = 'backtrack';
  private readonly vm: BacktrackVM;
  private readonly first: CharSet | null;
  private readonly unicode: boolean;

  constructor(p: Pattern, budget: number) {
    this.vm = new BacktrackVM(new BacktrackProgram(p), budget, p.source);
    const f = firstSet(p.root);
    // A first set is only used as a skip filter when it is small enough to test cheaply.
    this.first = f;
    this.unicode = p.flagSet.unicode;
  }

  exec(input: string, from: number, sticky: boolean): Int32Array | null {
    const vm = this.vm, end = input.length, first = this.first;
    vm.resetSteps();
    for (let i = from; i <= end; i++) {
      if (first !== null && !sticky) {
        // Skip start positions whose character cannot start a match.
        while (i < end && !first.has(this.unicode ? input.codePointAt(i)! : input.charCodeAt(i))) i++;
        if (i >= end) return null;
      }
      if (vm.matchAt(input, i, end)) return vm.regs;
      if (sticky) return null;
      // Under `u` the next start may be the middle of a surrogate pair, as in V8: only an
      // empty match can start there (no character can be read from the trail surrogate).
    }
    return null;
  }

  /** Captures of a match starting exactly at `start` within input[0..end), or null. */
  matchAt(input: string, start: number, end: number): Int32Array | null {
    this.vm.resetSteps();
    return this.vm.matchAt(input, start, end) ? this.vm.regs : null;
  }
}

