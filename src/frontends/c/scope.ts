/**
 * Scopes of the C parser: ordinary identifiers (objects, functions,
 * typedef names, enumeration constants) and tags (struct/union/enum), each
 * block nested in its parent (C11 6.2.1).
 */
import type { Symbol } from './ast.js';
import type { CType } from './ctypes.js';

/** What an ordinary identifier denotes. */
export type OrdinaryEntry =
  | { readonly k: 'sym'; readonly sym: Symbol }
  | { readonly k: 'typedef'; readonly type: CType }
  | { readonly k: 'enum'; readonly value: bigint; readonly type: CType };

/** One scope: a file, a function's parameters and body, or a block. */
export class Scope {
  /** Ordinary identifiers declared here. */
  readonly ordinary = new Map<string, OrdinaryEntry>();
  /** Tags declared here (struct, union and enum share one name space). */
  readonly tags = new Map<string, CType>();
  /** Creates a scope inside `parent` (null for file scope). */
  constructor(readonly parent: Scope | null) {}

  /** The innermost entry for `name`. */
  lookup(name: string): OrdinaryEntry | undefined {
    for (let s: Scope | null = this; s !== null; s = s.parent) {
      const e = s.ordinary.get(name);
      if (e !== undefined) return e;
    }
    return undefined;
  }

  /** The innermost tag `name`. */
  lookupTag(name: string): CType | undefined {
    for (let s: Scope | null = this; s !== null; s = s.parent) {
      const t = s.tags.get(name);
      if (t !== undefined) return t;
    }
    return undefined;
  }

  /** The file scope. */
  get file(): Scope {
    let s: Scope = this;
    while (s.parent !== null) s = s.parent;
    return s;
  }
}
