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
import {
  FfiType, FunctionPointerType, PointerType, RecordType, ArrayType, HandleType, isScalarName,
  type JsIn, type JsOut, type ScalarName, type StringName,
} from './ffi-types.js';

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

/** An argument type: a scalar, a string type, or an FFI type object (ffi-types.ts); 'void' is rejected at run time. */
export type ArgType = NativeType | StringName | FfiType<any, any>;
/** A result type: an argument type or 'void'. */
export type ResultType = ArgType;

/** The JS value an argument of type `T` accepts (see the module comment). */
export type NativeArg<T> =
  T extends 'i64' | 'u64' ? bigint | number
  : T extends 'bool' ? boolean
  : T extends 'ptr' ? PointerValue
  : T extends 'void' ? never
  : T extends StringName ? string | null
  : T extends FfiType<any, any> ? JsIn<T>
  : number;

/** The JS value a result of type `T` comes back as. */
export type NativeResult<T> =
  T extends 'i64' | 'u64' | 'ptr' ? bigint
  : T extends 'bool' ? boolean
  : T extends 'void' ? void
  : T extends StringName ? string | null
  : T extends FfiType<any, any> ? JsOut<T>
  : number;

/**
 * The parameters of a function with argument types `A`: a tuple when `A` is one (a
 * signature written as a literal or `as const`), else `unknown[]` (checked at run time).
 */
export type NativeArgs<A extends readonly ArgType[]> =
  number extends A['length'] ? unknown[] : { -readonly [K in keyof A]: NativeArg<A[K]> };

/**
 * The result of a function with signature `S`: void when `result` is absent, `unknown` when
 * the result type is not known statically (a signature typed as NativeSignatureSpec).
 */
export type NativeResultOf<S extends NativeSignatureSpec> =
  'result' extends keyof S ? NativeResultFor<Exclude<S['result'], undefined>> : void;

/** NativeResult of `R`, void for no type, unknown for the whole type union. */
type NativeResultFor<R> = [R] extends [never] ? void : NativeType extends R ? unknown : R extends ResultType ? NativeResult<R> : unknown;

/** What a signature is written as. */
export interface NativeSignatureSpec {
  /** Argument types, in order. */
  args: readonly ArgType[];
  /** Result type; default 'void'. */
  result?: ResultType;
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

/** One scalar leaf of a record, as an ABI classifies it. */
export interface AbiScalar {
  /** Byte offset in the record. */
  readonly offset: number;
  /** Size in bytes (bit-fields: the bytes their bits cover). */
  readonly size: number;
  /** True for f32/f64. */
  readonly float: boolean;
  /** False when the leaf is not at its natural alignment (packed records). */
  readonly aligned: boolean;
}

/**
 * A record passed or returned by value, as a target's thunks see it: its bytes sit in
 * consecutive buffer slots (8 bytes each, from the argument's first slot; a result's from
 * slot 1), and the target decides registers or memory from size, alignment and leaves.
 */
export interface AbiRecord {
  readonly kind: 'record';
  /** Size in bytes. */
  readonly size: number;
  /** Alignment in bytes. */
  readonly align: number;
  /** The scalar leaves by offset, for records of at most 64 bytes (empty for larger ones). */
  readonly scalars: readonly AbiScalar[];
  /** A key that identifies what the ABI sees (thunks are cached by it). */
  readonly abiKey: string;
}

/** A type at the ABI level: a scalar native type or a record by value. */
export type AbiType = NativeType | AbiRecord;

/** True for records by value. */
export function isAbiRecord(t: AbiType): t is AbiRecord {
  return typeof t === 'object';
}

const SCALAR_LIST = 'i8 i16 i32 i64 u8 u16 u32 u64 f32 f64 bool ptr';

/** The ABI type of an argument or result type given by a user; throws a TypeError naming `what`. */
function abiTypeOf(t: unknown, what: string, isResult: boolean): AbiType {
  if (typeof t === 'string') {
    if (t === 'void') {
      if (isResult) return 'void';
    } else if (TYPES.has(t)) {
      return t as NativeType;
    } else if (t === 'str' || t === 'str16') {
      return 'ptr';
    }
  } else if (t instanceof RecordType) {
    return t.abi;
  } else if (t instanceof ArrayType) {
    throw new TypeError(`NativeSignature: ${what} is an array (${t.key}); C passes arrays as pointers: use pointer(array(...))`);
  } else if (t instanceof PointerType) {
    if (isResult && t.direction !== 'in') throw new TypeError(`NativeSignature: the result cannot be a ${t.direction} pointer; use pointer(...)`);
    return 'ptr';
  } else if (t instanceof HandleType || t instanceof FunctionPointerType) {
    return 'ptr';
  }
  if (isResult) throw new TypeError(`NativeSignature: result type ${describe(t)} is not a native type`);
  throw new TypeError(`NativeSignature: ${what} has type ${describe(t)}; expected one of ${SCALAR_LIST} str str16 or an FFI type (struct, union, pointer, handle, fnptr)`);
}

/** A validated signature. */
export class NativeSignature {
  /** Argument types as given (what the JS side converts). */
  readonly args: readonly ArgType[];
  /** Result type as given. */
  readonly result: ResultType;
  /** Argument types at the ABI level (str, pointers, handles are 'ptr'; records by value are AbiRecords). */
  readonly abiArgs: readonly AbiType[];
  /** Result type at the ABI level. */
  readonly abiResult: AbiType;
  /** -1 when not variadic. */
  readonly fixedArgs: number;
  /** Minimum buffer bytes per argument (0: not checked); see NativeSignatureSpec.bufferSizes. */
  readonly bufferSizes: readonly number[];
  /** First argument-buffer slot of each argument (slot 1 + the slots of the arguments before it). */
  readonly slots: readonly number[];
  /** The last slot the arguments use (0 without arguments). */
  readonly argSlots: number;
  /** Record results: the slots (from 1) their bytes occupy after the call; 0 otherwise. */
  readonly resultSlots: number;
  /** A stable key, e.g. `(i32,f64)->i64`, used to cache generated JS per signature. */
  readonly key: string;
  /** The key of what the ABI sees (records by layout only), used to cache thunks. */
  readonly abiKey: string;
  /** True when some argument or the result is not a plain scalar (needs generated code). */
  readonly hasFfiTypes: boolean;

  constructor(spec: NativeSignatureSpec) {
    if (spec === null || typeof spec !== 'object' || !Array.isArray(spec.args)) {
      throw new TypeError('NativeSignature: expected { args: NativeType[], result?: NativeType, fixedArgs?: number }');
    }
    // By index, not forEach: holes of a sparse array must be rejected too. One
    // pass validates, copies and builds the cache key (wrap() runs this per call).
    const n = spec.args.length;
    if (n > 255) throw new RangeError(`NativeSignature: at most 255 arguments, got ${n}`);
    const fixedSpec = spec.fixedArgs ?? -1;
    const abi: AbiType[] = new Array<AbiType>(n);
    const given: ArgType[] = new Array<ArgType>(n);
    const slots: number[] = new Array<number>(n);
    let key = '(', abiKey = '(', slot = 1, ffi = false;
    for (let i = 0; i < n; i++) {
      const t = spec.args[i];
      const a = abiTypeOf(t, `argument ${i}`, false);
      abi[i] = a;
      given[i] = t as ArgType;
      slots[i] = slot;
      slot += isAbiRecord(a) ? Math.max(1, Math.ceil(a.size / 8)) : 1;
      const sep = (i > 0 ? ',' : '') + (i === fixedSpec ? '...' : '');
      const userKey = typeof t === 'string' ? t : (t as FfiType).key;
      if (typeof t !== 'string' || t === 'str' || t === 'str16') ffi = true;
      key += sep + userKey;
      abiKey += sep + (isAbiRecord(a) ? a.abiKey : a);
    }
    const sizes: number[] = new Array<number>(n).fill(0);
    if (spec.bufferSizes !== undefined) {
      if (!Array.isArray(spec.bufferSizes)) throw new TypeError(`NativeSignature: bufferSizes must be an array, got ${describe(spec.bufferSizes)}`);
      for (let i = 0; i < spec.bufferSizes.length; i++) {
        const b = spec.bufferSizes[i];
        if (b === undefined) continue;
        if (i >= n || given[i] !== 'ptr') throw new TypeError(`NativeSignature: bufferSizes[${i}] is given, but argument ${i} is not a ptr`);
        if (!Number.isSafeInteger(b) || b < 0) throw new RangeError(`NativeSignature: bufferSizes[${i}] must be a non-negative integer, got ${describe(b)}`);
        sizes[i] = b;
      }
    }
    const resultType = spec.result ?? 'void';
    const result = abiTypeOf(resultType, 'the result', true);
    if (typeof resultType !== 'string' || resultType === 'str' || resultType === 'str16') ffi = true;
    const fixed = spec.fixedArgs ?? -1;
    if (fixed !== -1) {
      if (!Number.isInteger(fixed) || fixed < 0 || fixed > spec.args.length) {
        throw new RangeError(`NativeSignature: fixedArgs must be an integer from 0 to ${spec.args.length}, got ${String(fixed)}`);
      }
      for (let i = fixed; i < spec.args.length; i++) {
        const t = abi[i]!;
        if (t === 'f32' || t === 'i8' || t === 'i16' || t === 'u8' || t === 'u16' || t === 'bool') {
          throw new TypeError(`NativeSignature: variadic argument ${i} has type ${t}; C promotes it, declare it as ${t === 'f32' ? 'f64' : 'i32'}`);
        }
        if (isAbiRecord(t)) throw new TypeError(`NativeSignature: variadic argument ${i} is a record; pass records to variadic functions by pointer`);
      }
    }
    const resultSlots = isAbiRecord(result) ? Math.max(1, Math.ceil(result.size / 8)) : 0;
    if (slot - 1 > MAX_SLOTS || resultSlots > MAX_SLOTS) throw new RangeError(`NativeSignature: the arguments or the result take more than ${MAX_SLOTS * 8} bytes`);
    this.abiArgs = Object.freeze(abi);
    this.args = Object.freeze(given);
    this.abiResult = result;
    this.result = resultType;
    this.fixedArgs = fixed;
    this.bufferSizes = Object.freeze(sizes);
    this.slots = Object.freeze(slots);
    this.argSlots = slot - 1;
    this.resultSlots = resultSlots;
    this.hasFfiTypes = ffi;
    // Sizes are part of the key: the generated wrapper embeds them.
    const sized = sizes.some((b) => b > 0) ? `[${sizes.join(',')}]` : '';
    const tail = fixed === n ? ',...' : '';
    this.key = `${key}${tail})->${typeof resultType === 'string' ? resultType : resultType.key}${sized}`;
    this.abiKey = `${abiKey}${tail})->${isAbiRecord(result) ? result.abiKey : result}`;
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

/** Argument-buffer slots available to arguments or a record result (slots 1 .. MAX_SLOTS). */
export const MAX_SLOTS = 4093;

/**
 * A C function pointer type of signature `spec` (`int (*)(const void *, const void *)`):
 * an argument of this type accepts a Callback made with the same signature, a bigint
 * address or null; it reads as a bigint address.
 */
export function fnptr<const S extends NativeSignatureSpec>(spec: S): FunctionPointerType<S> {
  return new FunctionPointerType(spec, new NativeSignature(spec).key);
}

/** True for scalar types passed in general-purpose registers. */
export function isIntegerClass(t: AbiType): boolean {
  return t !== 'f32' && t !== 'f64' && t !== 'void' && !isAbiRecord(t);
}
