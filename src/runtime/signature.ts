/**
 * Signatures of native functions as the calling layer sees them: argument and
 * result types, and for variadic C functions how many arguments are fixed.
 *
 * JS value mapping (checked before any native code runs):
 *   i8 i16 i32 u8 u16 u32   number (an integer in the type's range)
 *   i64 u64                 bigint in range, or a number that is a safe integer;
 *                           results are bigints
 *   f32 f64                 number
 *   bool                    boolean (results: boolean)
 *   ptr                     Buffer, any typed array, DataView, ArrayBuffer (data
 *                           address plus byteOffset), bigint raw address, or null;
 *                           results are bigints
 *   void                    result only: undefined
 */
import { describe } from '../util/describe.js';

/** A scalar type at the native boundary. */
export type NativeType =
  | 'i8' | 'i16' | 'i32' | 'i64'
  | 'u8' | 'u16' | 'u32' | 'u64'
  | 'f32' | 'f64' | 'bool' | 'ptr' | 'void';

const TYPES: ReadonlySet<string> = new Set([
  'i8', 'i16', 'i32', 'i64', 'u8', 'u16', 'u32', 'u64', 'f32', 'f64', 'bool', 'ptr', 'void',
]);

/**
 * What a `ptr` argument accepts: memory (its data address, plus `byteOffset` for views),
 * a raw address, or null.
 */
export type PointerValue = ArrayBufferView | ArrayBuffer | SharedArrayBuffer | bigint | null;

/** The JS value an argument of native type `T` accepts (see the module comment). */
export type NativeArg<T extends NativeType> =
  T extends 'i64' | 'u64' ? bigint | number
  : T extends 'bool' ? boolean
  : T extends 'ptr' ? PointerValue
  : T extends 'void' ? never
  : number;

/** The JS value a result of native type `T` comes back as. */
export type NativeResult<T extends NativeType> =
  T extends 'i64' | 'u64' | 'ptr' ? bigint
  : T extends 'bool' ? boolean
  : T extends 'void' ? void
  : number;

/**
 * The parameters of a function with argument types `A`: a tuple when `A` is one (a
 * signature written as a literal or `as const`), else `unknown[]` (checked at run time).
 */
export type NativeArgs<A extends readonly NativeType[]> =
  number extends A['length'] ? unknown[] : { -readonly [K in keyof A]: A[K] extends NativeType ? NativeArg<A[K]> : never };

/**
 * The result of a function with signature `S`: void when `result` is absent, `unknown` when
 * the result type is not known statically (a signature typed as NativeSignatureSpec).
 */
export type NativeResultOf<S extends NativeSignatureSpec> =
  'result' extends keyof S ? NativeResultFor<Exclude<S['result'], undefined>> : void;

/** NativeResult of `R`, void for no type, unknown for the whole NativeType union. */
type NativeResultFor<R> = [R] extends [never] ? void : NativeType extends R ? unknown : R extends NativeType ? NativeResult<R> : unknown;

/** What a signature is written as. */
export interface NativeSignatureSpec {
  /** Argument types, in order. */
  args: readonly NativeType[];
  /** Result type; default 'void'. */
  result?: NativeType;
  /**
   * For `ptr` arguments: the least number of bytes a buffer passed there must
   * have (from its byteOffset), e.g. `[, 64]` for a 64-byte second argument.
   * A smaller buffer is a RangeError before the call; raw bigint addresses and
   * null are not checked (they are trusted).
   */
  bufferSizes?: readonly (number | undefined)[];
  /**
   * For a variadic C function (printf): how many of `args` are the fixed
   * parameters; the rest are passed as variadic arguments (AL = vector count).
   * Variadic arguments must already be of promoted types (f64, i32/u32 or wider, ptr).
   */
  fixedArgs?: number;
}

/** A validated signature. */
export class NativeSignature {
  readonly args: readonly NativeType[];
  readonly result: NativeType;
  /** -1 when not variadic. */
  readonly fixedArgs: number;
  /** Minimum buffer bytes per argument (0: not checked); see NativeSignatureSpec.bufferSizes. */
  readonly bufferSizes: readonly number[];
  /** A stable key, e.g. `(i32,f64)->i64`, used to cache generated code per signature. */
  readonly key: string;

  constructor(spec: NativeSignatureSpec) {
    if (spec === null || typeof spec !== 'object' || !Array.isArray(spec.args)) {
      throw new TypeError('NativeSignature: expected { args: NativeType[], result?: NativeType, fixedArgs?: number }');
    }
    // By index, not forEach: holes of a sparse array must be rejected too. One
    // pass validates, copies and builds the cache key (wrap() runs this per call).
    const n = spec.args.length;
    const fixedSpec = spec.fixedArgs ?? -1;
    const copy: NativeType[] = new Array<NativeType>(n);
    let key = '(';
    for (let i = 0; i < n; i++) {
      const t = spec.args[i];
      if (!TYPES.has(t as string) || t === 'void') {
        throw new TypeError(`NativeSignature: argument ${i} has type ${describe(t)}; expected one of i8 i16 i32 i64 u8 u16 u32 u64 f32 f64 bool ptr`);
      }
      copy[i] = t as NativeType;
      key += (i > 0 ? ',' : '') + (i === fixedSpec ? '...' : '') + t;
    }
    const sizes: number[] = new Array<number>(n).fill(0);
    if (spec.bufferSizes !== undefined) {
      if (!Array.isArray(spec.bufferSizes)) throw new TypeError(`NativeSignature: bufferSizes must be an array, got ${describe(spec.bufferSizes)}`);
      for (let i = 0; i < spec.bufferSizes.length; i++) {
        const b = spec.bufferSizes[i];
        if (b === undefined) continue;
        if (i >= n || copy[i] !== 'ptr') throw new TypeError(`NativeSignature: bufferSizes[${i}] is given, but argument ${i} is not a ptr`);
        if (!Number.isSafeInteger(b) || b < 0) throw new RangeError(`NativeSignature: bufferSizes[${i}] must be a non-negative integer, got ${describe(b)}`);
        sizes[i] = b;
      }
    }
    const result = spec.result ?? 'void';
    if (!TYPES.has(result)) throw new TypeError(`NativeSignature: result type ${describe(result)} is not a native type`);
    const fixed = spec.fixedArgs ?? -1;
    if (fixed !== -1) {
      if (!Number.isInteger(fixed) || fixed < 0 || fixed > spec.args.length) {
        throw new RangeError(`NativeSignature: fixedArgs must be an integer from 0 to ${spec.args.length}, got ${String(fixed)}`);
      }
      for (let i = fixed; i < spec.args.length; i++) {
        const t = spec.args[i]!;
        if (t === 'f32' || t === 'i8' || t === 'i16' || t === 'u8' || t === 'u16' || t === 'bool') {
          throw new TypeError(`NativeSignature: variadic argument ${i} has type ${t}; C promotes it, declare it as ${t === 'f32' ? 'f64' : 'i32'}`);
        }
      }
    }
    if (spec.args.length > 255) throw new RangeError(`NativeSignature: at most 255 arguments, got ${spec.args.length}`);
    this.args = Object.freeze(copy);
    this.result = result;
    this.fixedArgs = fixed;
    this.bufferSizes = Object.freeze(sizes);
    // Sizes are part of the key: the generated wrapper embeds them.
    const sized = sizes.some((b) => b > 0) ? `[${sizes.join(',')}]` : '';
    this.key = `${key}${fixed === n ? ',...' : ''})->${result}${sized}`;
  }

  /** True for variadic callees. */
  get isVariadic(): boolean {
    return this.fixedArgs >= 0;
  }

  /** Returns `s` as a NativeSignature (accepts an existing one). */
  static from(s: NativeSignature | NativeSignatureSpec): NativeSignature {
    return s instanceof NativeSignature ? s : new NativeSignature(s);
  }
}

/** True for types passed in general-purpose registers. */
export function isIntegerClass(t: NativeType): boolean {
  return t !== 'f32' && t !== 'f64' && t !== 'void';
}
