/**
 * The regex syntax tree: what `parser.ts` produces and every engine compiles.
 *
 *   source, flags --parser.ts--> Pattern (this file) --> backtrack.ts (JS VM)
 *                                                    \-> nfa.ts -> dfa.ts (lazy DFA, native loop)
 *
 * Characters are already resolved: a `Char` holds one code unit (without the `u` flag) or one
 * code point (with it); a `Set` holds the final character set (class escapes, ranges, negation,
 * case folding under `i` all applied), so engines never look at flags for characters.
 */
import type { CharSet } from './charset.js';

/** Node kinds. */
export const enum Kind {
  /** Matches nothing but succeeds (an empty alternative). */
  Empty,
  /** One character from a set (also used for single characters, dot and class escapes). */
  Set,
  /** `^` (`multiline`: also after a line terminator). */
  LineStart,
  /** `$` (`multiline`: also before a line terminator). */
  LineEnd,
  /** `\b` (`negated`: `\B`). */
  WordBoundary,
  /** Items matched one after another. */
  Seq,
  /** Alternatives tried in order. */
  Alt,
  /** A capturing group. */
  Group,
  /** A quantified term. */
  Repeat,
  /** `(?=...)`, `(?!...)`, `(?<=...)`, `(?<!...)`. */
  Look,
  /** `\N` or `\k<name>`. */
  Backref,
}

/** A parsed term. */
export type Node =
  | { kind: Kind.Empty }
  | { kind: Kind.Set; set: CharSet }
  | { kind: Kind.LineStart; multiline: boolean }
  | { kind: Kind.LineEnd; multiline: boolean }
  | { kind: Kind.WordBoundary; negated: boolean }
  | { kind: Kind.Seq; items: Node[] }
  | { kind: Kind.Alt; alts: Node[] }
  | { kind: Kind.Group; index: number; name: string | undefined; body: Node }
  | { kind: Kind.Repeat; min: number; max: number; greedy: boolean; body: Node; firstGroup: number; groupCount: number }
  | { kind: Kind.Look; behind: boolean; negated: boolean; body: Node }
  | { kind: Kind.Backref; index: number };

/** The flags of a regex, decoded. */
export interface Flags {
  /** d: result has `indices`. */
  hasIndices: boolean;
  /** g */
  global: boolean;
  /** i */
  ignoreCase: boolean;
  /** m */
  multiline: boolean;
  /** s */
  dotAll: boolean;
  /** u */
  unicode: boolean;
  /** v */
  unicodeSets: boolean;
  /** y */
  sticky: boolean;
}

/** A whole parsed regex. */
export interface Pattern {
  /** The source text. */
  source: string;
  /** The flags as given (canonical order). */
  flags: string;
  /** Decoded flags. */
  flagSet: Flags;
  /** The tree. */
  root: Node;
  /** Number of capturing groups (not counting group 0). */
  groupCount: number;
  /** Group names by index (undefined for unnamed groups); index 0 unused. */
  groupNames: (string | undefined)[];
  /** True when the tree has a backreference or a lookaround (the linear engines refuse these). */
  needsBacktracking: boolean;
}
