/**
 * Typed JS functions for compiled IR. An IR function's signature is only known at run time,
 * so the caller states it as text, the form the IR prints (`signatureText`):
 *
 *   compiled.get('fib', '(i64) -> i64')        // (a0: bigint | number) => bigint
 *
 * The string is parsed twice: here at run time, and checked against the IR function
 * (a mismatch throws before any call), and by the types below at compile time, which turn
 * the literal into parameter and result types. Values map as in compile.ts: i8 i16 i32
 * are numbers (bigints accepted, wrapped to the width), i64 a bigint (safe-integer numbers
 * accepted), ptr a buffer / typed array / DataView / ArrayBuffer / bigint address / null
 * (results bigints), f32 f64 numbers; no result is undefined, several an array.
 */
import { parseType, signatureText, Type, type Signature } from '../ir/types.js';
import type { PointerValue } from '../runtime/signature.js';

/** An IR value type by its text name. */
export type IrTypeName = 'i8' | 'i16' | 'i32' | 'i64' | 'f32' | 'f64' | 'ptr';

/** The JS value an IR argument of type `T` accepts. */
export type IrArg<T extends IrTypeName> =
  T extends 'i64' ? bigint | number
  : T extends 'ptr' ? PointerValue | number
  : T extends 'f32' | 'f64' ? number
  : number | bigint;

/** The JS value an IR result of type `T` comes back as. */
export type IrResult<T extends IrTypeName> = T extends 'i64' | 'ptr' ? bigint : number;

type Trim<S extends string> = S extends ` ${infer T}` ? Trim<T> : S extends `${infer T} ` ? Trim<T> : S;
type SplitTypes<S extends string> =
  Trim<S> extends '' ? [] : S extends `${infer H},${infer T}` ? [Trim<H>, ...SplitTypes<T>] : [Trim<S>];
type AllTypeNames<L> = L extends [infer H, ...infer T] ? (H extends IrTypeName ? AllTypeNames<T> : false) : true;
type Checked<P, R> = AllTypeNames<P> extends true ? (AllTypeNames<R> extends true ? { params: P; results: R } : never) : never;

/**
 * `'(i64, ptr) -> i32'` as `{ params: ['i64', 'ptr']; results: ['i32'] }`; `never` when the
 * text is not a signature. Spaces are optional; several results are separated by commas.
 */
export type ParseIrSignature<S extends string> =
  Trim<S> extends `(${infer P})${infer R}`
    ? Trim<R> extends '' ? Checked<SplitTypes<P>, []>
      : Trim<R> extends `->${infer Res}` ? (Trim<Res> extends '' ? never : Checked<SplitTypes<P>, SplitTypes<Res>>)
      : never
    : never;

type IrResults<R> =
  R extends [] ? undefined
  : R extends [infer T extends IrTypeName] ? IrResult<T>
  : { [K in keyof R]: R[K] extends IrTypeName ? IrResult<R[K]> : never };

/** The JS function type of an IR function with signature text `S` (never if `S` does not parse). */
export type IrFunctionOf<S extends string> =
  ParseIrSignature<S> extends { params: infer P extends unknown[]; results: infer R }
    ? (...args: { [K in keyof P]: P[K] extends IrTypeName ? IrArg<P[K]> : never }) => IrResults<R>
    : never;

/**
 * A signature string as a parameter type: `S` itself when it parses, else `S` intersected
 * with a message, so that a wrong literal is a compile error that says what was expected.
 */
export type IrSignatureText<S extends string> =
  S extends string
    ? string extends S ? string
      : [ParseIrSignature<S>] extends [never] ? S & { readonly 'not an IR signature; expected the form (i64, ptr) -> i32': true }
      : S
    : never;

/**
 * A JS function calling a compiled IR function: with a signature literal `S`, precisely
 * typed; without one, `(...args: unknown[]) => unknown` (values checked at run time).
 */
export type CompiledFn<S extends string = string> = string extends S ? (...args: unknown[]) => unknown : IrFunctionOf<S>;

/** Parses signature text (`(i64, ptr) -> i32`); throws a TypeError naming `what` when it does not parse. */
export function parseSignatureText(text: string, what: string): Signature {
  const bad = (): TypeError =>
    new TypeError(`${what}: ${JSON.stringify(text)} is not an IR signature; expected the form (i64, ptr) -> i32, () or (f64) -> i32, i32`);
  if (typeof text !== 'string') throw bad();
  const m = /^\s*\(([^()]*)\)\s*(?:->(.*))?$/.exec(text);
  if (m === null) throw bad();
  const list = (s: string): Type[] => {
    if (s.trim() === '') return [];
    return s.split(',').map((name) => {
      const t = parseType(name.trim());
      if (t === Type.Invalid) throw bad();
      return t;
    });
  };
  const params = list(m[1]!);
  const results = m[2] === undefined ? [] : list(m[2]);
  if (m[2] !== undefined && results.length === 0) throw bad();
  return { params, results };
}

/**
 * Checks that `actual` (an IR function) has the signature `text` states; throws a TypeError
 * naming both when it does not.
 */
export function checkSignatureText(actual: Signature, text: string, what: string): void {
  const stated = parseSignatureText(text, what);
  const want = signatureText(stated), have = signatureText(actual);
  if (want !== have) throw new TypeError(`${what}: the function's signature is ${have}, not ${want}`);
}
