/**
 * IR value types. Pipeline position: used by every IR layer (builder, verifier,
 * printer, parser, interpreter) and by lowering.
 *
 * Terms: an *integer type* is i8..i64 or ptr (ptr is a 64-bit integer that the
 * verifier keeps apart from i64, so that addresses are visible to the backend).
 */

/** An IR value type; a small integer stored in `Uint8Array` tables. */
export const enum Type {
  /** No type (unused table slot). */
  Invalid = 0,
  /** 8-bit integer. */
  I8 = 1,
  /** 16-bit integer. */
  I16 = 2,
  /** 32-bit integer. */
  I32 = 3,
  /** 64-bit integer. */
  I64 = 4,
  /** IEEE-754 binary32. */
  F32 = 5,
  /** IEEE-754 binary64. */
  F64 = 6,
  /** 64-bit address. */
  Ptr = 7,
  /** First valid type (range marker). */
  First = 1,
  /** Last valid type (range marker). */
  Last = 7,
}

const NAMES = ['invalid', 'i8', 'i16', 'i32', 'i64', 'f32', 'f64', 'ptr'] as const;
const BITS = [0, 8, 16, 32, 64, 32, 64, 64] as const;

/** The text name of a type (`i32`, `ptr`, ...). */
export function typeName(t: Type): string {
  return NAMES[t] ?? `type${String(t)}`;
}

/** Parses a type name; returns `Type.Invalid` for an unknown name. */
export function parseType(name: string): Type {
  const i = NAMES.indexOf(name as (typeof NAMES)[number]);
  return i > 0 ? (i as Type) : Type.Invalid;
}

/** Width of a type in bits. */
export function typeBits(t: Type): number {
  return BITS[t] ?? 0;
}

/** Width of a type in bytes. */
export function typeBytes(t: Type): number {
  return (BITS[t] ?? 0) >> 3;
}

/** True for i8, i16, i32, i64 and ptr. */
export function isIntType(t: Type): boolean {
  return (t >= Type.I8 && t <= Type.I64) || t === Type.Ptr;
}

/** True for f32 and f64. */
export function isFloatType(t: Type): boolean {
  return t === Type.F32 || t === Type.F64;
}

/** True for any valid type. */
export function isValidType(t: Type): boolean {
  return t >= Type.First && t <= Type.Last;
}

/** A function signature: parameter and result types. */
export interface Signature {
  /** Parameter types in order. */
  readonly params: readonly Type[];
  /** Result types in order (0 or more). */
  readonly results: readonly Type[];
  /**
   * Variadic (`(ptr, ...)`): a call passes the fixed `params` and then any number of extra
   * arguments of any type (System V: in registers, then on the stack, with `al` = vector
   * registers used). Absent means false.
   */
  readonly variadic?: boolean;
}

/** Prints a signature as `(i64, ptr) -> i32` or `(ptr, ...) -> i32` (no arrow when there are no results). */
export function signatureText(sig: Signature): string {
  let s = `(${sig.params.map(typeName).join(', ')}${sig.variadic === true ? (sig.params.length > 0 ? ', ...' : '...') : ''})`;
  if (sig.results.length > 0) s += ` -> ${sig.results.map(typeName).join(', ')}`;
  return s;
}

/** True when two signatures have the same parameter and result types and are both variadic or both not. */
export function sameSignature(a: Signature, b: Signature): boolean {
  if ((a.variadic === true) !== (b.variadic === true)) return false;
  if (a.params.length !== b.params.length || a.results.length !== b.results.length) return false;
  for (let i = 0; i < a.params.length; i++) if (a.params[i] !== b.params[i]) return false;
  for (let i = 0; i < a.results.length; i++) if (a.results[i] !== b.results[i]) return false;
  return true;
}
