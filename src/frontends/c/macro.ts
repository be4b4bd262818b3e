/**
 * Macro definitions and hide sets of the preprocessor.
 *
 * A `Macro` keeps its replacement list as preprocessing tokens plus, per body
 * token, the index of the parameter it names (or -1), so substitution never
 * looks names up. A `HideSet` is Prosser's set of macros a token may no longer
 * expand: immutable, shared between tokens, with a per-set cache of "this set
 * plus macro M" (the one operation on the hot path).
 */
import type { SourceLocation } from './token.js';
import { TokenKind } from './token.js';
import { TokenFlags, type PPToken } from './lexer.js';

/** What kind of macro a definition is. */
export const enum MacroKind {
  /** `#define NAME body`. */
  Object,
  /** `#define NAME(params) body`. */
  Function,
  /** A macro the preprocessor computes (`__LINE__`, `__FILE__`, `_Pragma`, ...): see `Builtin`. */
  Builtin,
}

/** The computed macros. */
export const enum Builtin {
  None,
  File,
  Line,
  Counter,
  IncludeLevel,
  BaseFile,
  Date,
  Time,
  Timestamp,
  Pragma,
  HasInclude,
  HasIncludeNext,
  HasAttribute,
  HasBuiltin,
  HasCAttribute,
}

/** One macro definition. */
export class Macro {
  /** Replacement tokens (locations are the definition's; flags keep only `SpaceBefore`/`Digraph`). */
  readonly body: PPToken[];
  /** Per body token: the parameter index it names, or -1. */
  readonly paramOf: Int16Array;
  /** Per body token of `__VA_OPT__`: index of the `)` closing its group (else 0). */
  readonly vaOptEnd: Int32Array;
  private selfSet: HideSet | null = null;

  /** Creates a definition (validated by the caller). */
  constructor(
    /** The macro's name. */
    readonly name: string,
    /** Object, function-like or builtin. */
    readonly kind: MacroKind,
    /** Parameter names (function-like; the variadic one last, `__VA_ARGS__` unless gcc's named form). */
    readonly params: readonly string[],
    /** True when the last parameter takes the variable arguments. */
    readonly variadic: boolean,
    body: PPToken[],
    /** Where it was defined (undefined for built-in and command-line macros). */
    readonly loc: SourceLocation | undefined,
    /** Which computed macro (for `MacroKind.Builtin`). */
    readonly builtin: Builtin = Builtin.None,
  ) {
    this.body = body;
    this.paramOf = new Int16Array(body.length).fill(-1);
    this.vaOptEnd = new Int32Array(body.length);
    if (kind === MacroKind.Function) {
      for (let i = 0; i < body.length; i++) {
        const t = body[i]!;
        if (t.kind === TokenKind.Identifier) this.paramOf[i] = params.indexOf(t.spelling);
      }
    }
  }

  /** The hide set holding just this macro (shared). */
  hideSelf(): HideSet {
    this.selfSet ??= HideSet.of(this);
    return this.selfSet;
  }

  /** True when `other` is the same definition (C11 6.10.3p2: same parameters, same tokens, same white-space separation). */
  sameAs(other: Macro): boolean {
    if (this.kind !== other.kind || this.builtin !== other.builtin || this.variadic !== other.variadic) return false;
    if (this.params.length !== other.params.length || this.body.length !== other.body.length) return false;
    for (let i = 0; i < this.params.length; i++) if (this.params[i] !== other.params[i]) return false;
    for (let i = 0; i < this.body.length; i++) {
      const a = this.body[i]!;
      const b = other.body[i]!;
      if (a.spelling !== b.spelling || a.kind !== b.kind) return false;
      if (i > 0 && ((a.flags ^ b.flags) & TokenFlags.SpaceBefore) !== 0) return false;
    }
    return true;
  }
}

/** The set of macros a token must not expand (Prosser's hide set). */
export class HideSet {
  /** Number of macros in the set. */
  readonly size: number;
  private readonly members: readonly Macro[];
  private lookup: Set<Macro> | null = null;
  private plusCache: Map<Macro, HideSet> | null = null;

  /** Creates a set; use `HideSet.of` / `with` / `union` / `intersect` instead. */
  private constructor(members: readonly Macro[]) {
    this.members = members;
    this.size = members.length;
    if (members.length > 8) this.lookup = new Set(members);
  }

  /** The set holding just `m`. */
  static of(m: Macro): HideSet {
    return new HideSet([m]);
  }

  /** True when `m` is in the set. */
  has(m: Macro): boolean {
    if (this.lookup !== null) return this.lookup.has(m);
    const members = this.members;
    for (let i = 0; i < members.length; i++) if (members[i] === m) return true;
    return false;
  }

  /** This set plus `m` (cached: the same object for the same `m`). */
  with(m: Macro): HideSet {
    if (this.has(m)) return this;
    let cache = this.plusCache;
    if (cache === null) cache = this.plusCache = new Map();
    let r = cache.get(m);
    if (r === undefined) {
      r = new HideSet([...this.members, m]);
      cache.set(m, r);
    }
    return r;
  }

  /** `a ∪ b` (either may be null for the empty set). */
  static union(a: HideSet | null, b: HideSet | null): HideSet | null {
    if (a === null || a === b) return b;
    if (b === null) return a;
    if (b.size === 1) return a.with(b.members[0]!);
    let r: HideSet = a;
    for (const m of b.members) r = r.with(m);
    return r;
  }

  /** `a ∩ b` (null for the empty set). */
  static intersect(a: HideSet | null, b: HideSet | null): HideSet | null {
    if (a === null || b === null) return null;
    if (a === b) return a;
    const kept = a.members.filter((m) => b.has(m));
    if (kept.length === a.size) return a;
    if (kept.length === b.size) return b;
    return kept.length === 0 ? null : new HideSet(kept);
  }
}
