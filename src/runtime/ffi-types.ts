/**
 * FFI types beyond scalars: records (`struct`, `union`), fixed arrays, pointers, opaque
 * handles, function pointers, and the string types, with their C layout on x86-64 System V
 * as gcc computes it (the test suite checks every generated layout against gcc).
 *
 *   struct({ x: 'f64', y: 'i32' })          fields in order, natural alignment
 *   struct({...}, { packed: true })         no padding (alignment 1), gcc's `packed`
 *   struct({...}, { align: 16 })            raised alignment, `aligned(16)`
 *   union({ i: 'i32', f: 'f32' })           members overlap at offset 0
 *   array('u8', 16)                          a fixed array (a field, or what a pointer points to)
 *   bits('u32', 3)                           a bit-field (record fields only), gcc's layout
 *   aligned('i32', 8)                        a field with raised alignment
 *   pointer(T), out(T), inout(T)            `T*` (in, out, in-out parameters)
 *   handle('sqlite3')                        an opaque `struct sqlite3 *`: values are Handles
 *   fnptr({ args, result })                 a C function pointer: a Callback, an address or null
 *   'str', 'str16'                           `char *` (UTF-8) and `char16_t *` (UTF-16), NUL-terminated
 *
 * Layout terms: a *leaf* is a scalar at a byte offset inside a record (array elements and
 * nested records flattened; a bit-field is an integer leaf over the bytes its bits cover).
 * Leaves are what an ABI classifies (`AbiRecord.scalars`).
 */
import { describe } from '../util/describe.js';
import type { AbiRecord, AbiScalar, NativeType, NativeSignatureSpec, PointerValue } from './signature.js';

/** A scalar type usable in records, arrays and signatures. */
export type ScalarName = Exclude<NativeType, 'void'>;
/** The string types: NUL-terminated UTF-8 (`char *`) and UTF-16 (`char16_t *`). */
export type StringName = 'str' | 'str16';

/** Natural size (= alignment) of each scalar. */
export const SCALAR_SIZE: Readonly<Record<ScalarName, number>> = {
  i8: 1, u8: 1, bool: 1, i16: 2, u16: 2, i32: 4, u32: 4, f32: 4, i64: 8, u64: 8, f64: 8, ptr: 8,
};

/** True for the scalar type names. */
export function isScalarName(t: unknown): t is ScalarName {
  return typeof t === 'string' && Object.prototype.hasOwnProperty.call(SCALAR_SIZE, t);
}

/** What a type class is. */
export const enum FfiKind {
  /** A struct or union. */ Record,
  /** A fixed-length array. */ Array,
  /** A pointer to a type (in, out or in-out). */ Pointer,
  /** An opaque pointer with a name. */ Handle,
  /** A C function pointer with a signature. */ FunctionPointer,
}

/** Common shape of the FFI type objects; `O` is the JS value read, `I` the JS value accepted. */
export abstract class FfiType<O = unknown, I = O> {
  /** What the type is. */
  abstract readonly kind: FfiKind;
  /** Size in bytes. */
  abstract readonly size: number;
  /** Alignment in bytes. */
  abstract readonly align: number;
  /** A string that identifies the type's layout and JS mapping (equal keys: same generated code). */
  abstract readonly key: string;
  /** Phantom: the JS value this type reads as (types only). */
  declare readonly __out: O;
  /** Phantom: the JS value this type accepts (types only). */
  declare readonly __in: I;
}

/** Anything that can be a record field, an array element or a pointer's target. */
export type ValueType = ScalarName | FfiType<unknown, unknown>;

/** A bit-field declaration (record fields only). */
export interface BitFieldSpec<T extends ScalarName = ScalarName> {
  readonly bitField: T;
  readonly width: number;
}
/** A field with raised alignment. */
export interface AlignedSpec<T extends ValueType = ValueType> {
  readonly alignedType: T;
  readonly alignment: number;
}
/** What a record field is written as. */
export type FieldSpec = ValueType | BitFieldSpec | AlignedSpec;

/** The JS value a type reads as. */
export type JsOut<T> =
  T extends 'i64' | 'u64' | 'ptr' ? bigint
  : T extends 'bool' ? boolean
  : T extends ScalarName ? number
  : T extends StringName ? string | null
  : T extends BitFieldSpec<infer S> ? JsOut<S>
  : T extends AlignedSpec<infer S> ? JsOut<S>
  : T extends FfiType<infer O, unknown> ? O
  : unknown;

/** The JS value a type accepts. */
export type JsIn<T> =
  T extends 'i64' | 'u64' ? bigint | number
  : T extends 'ptr' ? PointerValue
  : T extends 'bool' ? boolean
  : T extends ScalarName ? number
  : T extends StringName ? string | null
  : T extends BitFieldSpec<infer S> ? JsIn<S>
  : T extends AlignedSpec<infer S> ? JsIn<S>
  : T extends FfiType<unknown, infer I> ? I
  : unknown;

/** One laid-out record member. */
export interface Field {
  /** Name (the JS property). */
  readonly name: string;
  /** Its type (scalar name or type object). */
  readonly type: ValueType;
  /** Byte offset (for bit-fields: of the first byte holding bits of it). */
  readonly offset: number;
  /** Bit-fields: position of the lowest bit within the byte at `offset` (0-7); else 0. */
  readonly bitOffset: number;
  /** Bit-fields: width in bits; -1 for ordinary fields. */
  readonly bitWidth: number;
}

/** Options of `struct` and `union`. */
export interface RecordOptions {
  /** gcc's `__attribute__((packed))`: members at alignment 1, no padding. */
  packed?: boolean;
  /** gcc's `__attribute__((aligned(n)))` on the record: at least this alignment (a power of two). */
  align?: number;
  /** A name for messages and generated bindings (default: none). */
  name?: string;
}

const roundUp = (x: number, a: number) => Math.ceil(x / a) * a;
const isPowerOfTwo = (n: number) => Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0;

function sizeOf(t: ValueType): number {
  return typeof t === 'string' ? SCALAR_SIZE[t] : t.size;
}
function alignOf(t: ValueType): number {
  return typeof t === 'string' ? SCALAR_SIZE[t] : t.align;
}
/** The key of a value type (its name for scalars). */
export function typeKey(t: ValueType): string {
  return typeof t === 'string' ? t : t.key;
}

/** Checks a value type given by a user; `what` names it in the error. */
export function checkValueType(t: unknown, what: string): ValueType {
  if (isScalarName(t)) return t;
  if (t instanceof FfiType) return t as ValueType;
  if (t === 'str' || t === 'str16') throw new TypeError(`${what}: ${t} is a pointer to characters; inside records and arrays use 'ptr' (or pointer('u8'))`);
  throw new TypeError(`${what}: ${describe(t)} is not an FFI type (a scalar name such as 'i32', or struct/union/array/pointer/handle/fnptr)`);
}

let anonymous = 0;

/** A struct or union with its layout. `O` is the JS object it reads as, `I` what it accepts. */
export class RecordType<O = Record<string, unknown>, I = O> extends FfiType<O, I> {
  readonly kind = FfiKind.Record;
  /** The members, laid out. */
  readonly fields: readonly Field[];
  /** Size in bytes (a multiple of `align`). */
  readonly size: number;
  /** Alignment in bytes. */
  readonly align: number;
  /** The layout-and-mapping key. */
  readonly key: string;
  /** The ABI's view: size, alignment and leaves (`AbiRecord`). */
  readonly abi: AbiRecord;
  /** True for unions. */
  readonly isUnion: boolean;
  /** The name given (or `struct#N`). */
  readonly name: string;
  /** Per-process cache of generated code for this type (codec.ts). */
  codecCache: unknown = undefined;

  constructor(isUnion: boolean, spec: Readonly<Record<string, FieldSpec>>, options: RecordOptions = {}) {
    super();
    const what = isUnion ? 'union' : 'struct';
    if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) throw new TypeError(`${what}: expected an object of fields, e.g. { x: 'f64', y: 'i32' }, got ${describe(spec)}`);
    if (options === null || typeof options !== 'object') throw new TypeError(`${what}: options must be an object`);
    const packed = options.packed === true;
    if (options.packed !== undefined && typeof options.packed !== 'boolean') throw new TypeError(`${what}: packed must be a boolean`);
    if (options.align !== undefined && (!isPowerOfTwo(options.align) || options.align > 4096)) throw new RangeError(`${what}: align must be a power of two up to 4096, got ${describe(options.align)}`);
    if (options.name !== undefined && typeof options.name !== 'string') throw new TypeError(`${what}: name must be a string`);
    this.isUnion = isUnion;
    this.name = options.name ?? `${what}#${++anonymous}`;
    const names = Object.keys(spec);
    if (names.length === 0) throw new TypeError(`${what} ${this.name}: a record needs at least one field (C has no empty structs)`);
    const fields: Field[] = [];
    let bitPos = 0; // structs: the next free bit
    let size = 0; // unions: the largest member
    let align = 1;
    for (const name of names) {
      const f = spec[name];
      const at = `${what} ${this.name}: field '${name}'`;
      if (f !== null && typeof f === 'object' && 'bitField' in f) {
        const t = f.bitField;
        if (!isScalarName(t) || t === 'f32' || t === 'f64' || t === 'ptr') throw new TypeError(`${at}: a bit-field's type must be an integer type or bool, got ${describe(t)}`);
        const unit = SCALAR_SIZE[t] * 8;
        const width = f.width;
        if (!Number.isInteger(width) || width < 0 || width > unit || (t === 'bool' && width > 1)) throw new RangeError(`${at}: width must be an integer from 0 to ${t === 'bool' ? 1 : unit}, got ${describe(width)}`);
        if (width === 0) {
          // A zero-width bit-field: the next field starts at the next unit; it is not a member.
          if (!isUnion) bitPos = roundUp(bitPos, unit);
          continue;
        }
        let start = isUnion ? 0 : bitPos;
        if (!packed && Math.floor(start / unit) !== Math.floor((start + width - 1) / unit)) start = roundUp(start, unit);
        fields.push({ name, type: t, offset: start >> 3, bitOffset: start & 7, bitWidth: width });
        if (!packed) align = Math.max(align, SCALAR_SIZE[t]);
        if (isUnion) size = Math.max(size, Math.ceil(width / 8));
        else bitPos = start + width;
        continue;
      }
      let t: ValueType;
      let fieldAlign: number;
      if (f !== null && typeof f === 'object' && 'alignedType' in f) {
        t = checkValueType(f.alignedType, at);
        if (!isPowerOfTwo(f.alignment) || f.alignment > 4096) throw new RangeError(`${at}: alignment must be a power of two up to 4096, got ${describe(f.alignment)}`);
        fieldAlign = Math.max(packed ? 1 : alignOf(t), f.alignment);
      } else {
        t = checkValueType(f, at);
        fieldAlign = packed ? 1 : alignOf(t);
      }
      const offset = isUnion ? 0 : roundUp(Math.ceil(bitPos / 8), fieldAlign);
      fields.push({ name, type: t, offset, bitOffset: 0, bitWidth: -1 });
      align = Math.max(align, fieldAlign);
      if (isUnion) size = Math.max(size, sizeOf(t));
      else bitPos = (offset + sizeOf(t)) * 8;
    }
    if (fields.length === 0) throw new TypeError(`${what} ${this.name}: a record needs at least one named field`);
    if (options.align !== undefined) align = Math.max(align, options.align);
    this.fields = Object.freeze(fields);
    this.align = align;
    this.size = roundUp(isUnion ? size : Math.ceil(bitPos / 8), align);
    const body = fields.map((x) => `${JSON.stringify(x.name)}:${typeKey(x.type)}@${x.offset}${x.bitWidth >= 0 ? `.${x.bitOffset}:${x.bitWidth}` : ''}`).join(',');
    this.key = `${isUnion ? 'union' : 'struct'}{${body}}${this.size}/${this.align}`;
    const scalars: AbiScalar[] = [];
    if (this.size <= 64) collectLeaves(this, 0, scalars);
    scalars.sort((a, b) => a.offset - b.offset);
    const abiKey = `{${this.size}/${this.align}:${scalars.map((s) => `${s.offset}${s.float ? 'f' : 'i'}${s.size}${s.aligned ? '' : 'u'}`).join(',')}}`;
    this.abi = Object.freeze({ kind: 'record' as const, size: this.size, align: this.align, scalars: Object.freeze(scalars), abiKey });
  }

  /** The field named `name` (undefined if there is none). */
  field(name: string): Field | undefined {
    return this.fields.find((f) => f.name === name);
  }
}

/** Adds the leaves of `t` at byte offset `base` to `out`. */
function collectLeaves(t: ValueType, base: number, out: AbiScalar[]): void {
  if (typeof t === 'string') {
    out.push({ offset: base, size: SCALAR_SIZE[t], float: t === 'f32' || t === 'f64', aligned: base % SCALAR_SIZE[t] === 0 });
    return;
  }
  if (t instanceof RecordType) {
    for (const f of t.fields) {
      if (f.bitWidth >= 0) out.push({ offset: base + f.offset, size: Math.ceil((f.bitOffset + f.bitWidth) / 8), float: false, aligned: true });
      else collectLeaves(f.type, base + f.offset, out);
    }
    return;
  }
  if (t instanceof ArrayType) {
    for (let i = 0; i < t.length; i++) collectLeaves(t.element, base + i * sizeOf(t.element), out);
    return;
  }
  // Pointers, handles, function pointers: one 8-byte integer.
  out.push({ offset: base, size: 8, float: false, aligned: base % 8 === 0 });
}

/** A fixed-length array `T[n]`: reads as a JS array, accepts an array or typed array of length n. */
export class ArrayType<O = unknown[], I = O> extends FfiType<O, I> {
  readonly kind = FfiKind.Array;
  readonly size: number;
  readonly align: number;
  readonly key: string;
  /** Per-process cache of generated code (codec.ts). */
  codecCache: unknown = undefined;
  constructor(readonly element: ValueType, readonly length: number) {
    super();
    checkValueType(element, 'array');
    if (!Number.isSafeInteger(length) || length < 1) throw new RangeError(`array: length must be a positive integer, got ${describe(length)}`);
    this.size = sizeOf(element) * length;
    this.align = alignOf(element);
    this.key = `${typeKey(element)}[${length}]`;
  }
}

/**
 * Which way a pointer parameter's data goes: `in` (C reads it), `out` (C writes it), `inout`
 * (both), `deref` (C reads it; a callback receives the value pointed to, not the address).
 */
export type Direction = 'in' | 'out' | 'inout' | 'deref';

/**
 * A pointer `T*`. As an argument it accepts memory (Buffer, typed array, ArrayBuffer), an
 * address or null, or a JS value of T, which the call encodes into temporary memory: for
 * `out`/`inout` pass a box (`[value]`, or a plain object for a record) that receives the
 * pointee after the call. It reads as a bigint address.
 */
export class PointerType<T extends ValueType = ValueType, O = bigint> extends FfiType<O, PointerValue | JsIn<T> | [JsIn<T>?] | undefined> {
  readonly kind = FfiKind.Pointer;
  readonly size = 8;
  readonly align = 8;
  readonly key: string;
  constructor(readonly target: T, readonly direction: Direction) {
    super();
    checkValueType(target, direction === 'in' ? 'pointer' : direction);
    this.key = `${direction === 'in' ? '' : direction + ' '}*${typeKey(target)}`;
  }
  /** Size of what it points to. */
  get targetSize(): number {
    return sizeOf(this.target);
  }
}

/** Marks Handle values of type N (types only). */
declare const handleBrand: unique symbol;

/**
 * An opaque pointer of a named C type (`sqlite3 *`). Results come back as `Handle` objects
 * tagged with their type; an argument accepts only a Handle of the same HandleType (or null),
 * so handles of different types cannot be mixed up, at compile time (the brand) or at run time.
 */
export class Handle<N extends string = string> {
  /** The type brand (types only). */
  declare readonly [handleBrand]: N;
  /** Creates a handle; `handleType.wrap(address)` is the public way. */
  constructor(readonly type: HandleType<N>, readonly address: bigint) {
    Object.freeze(this);
  }
  /** `sqlite3@0x55d0c0a0`. */
  toString(): string {
    return `${this.type.name}@0x${this.address.toString(16)}`;
  }
}

/** The type of opaque handles named N: `handle('sqlite3')`. */
export class HandleType<N extends string = string> extends FfiType<Handle<N> | null, Handle<N> | null> {
  readonly kind = FfiKind.Handle;
  readonly size = 8;
  readonly align = 8;
  readonly key: string;
  private static next = 0;
  /** Process-unique id: two handle types with the same name are still different types. */
  readonly id = ++HandleType.next;
  constructor(readonly name: N) {
    super();
    if (typeof name !== 'string' || name === '') throw new TypeError(`handle: the name must be a non-empty string, got ${describe(name)}`);
    this.key = `handle#${this.id}`;
  }
  /** A Handle of this type for `address` (null for 0). */
  wrap(address: bigint): Handle<N> | null {
    if (typeof address !== 'bigint' || address < 0n || address >= 1n << 64n) throw new TypeError(`${this.name}.wrap: expected a bigint address, got ${describe(address)}`);
    return address === 0n ? null : new Handle(this, address);
  }
}

/** What a function-pointer argument accepts: a Callback of the same signature, an address, or null. */
export interface CallbackLike {
  /** The C function pointer. */
  readonly address: bigint;
  /** The signature key it was made for (checked against the fnptr type's). */
  readonly signatureKey: string;
}

/** A C function pointer type with its signature; reads as a bigint address. */
export class FunctionPointerType<S extends NativeSignatureSpec = NativeSignatureSpec> extends FfiType<bigint, CallbackLike | bigint | null> {
  readonly kind = FfiKind.FunctionPointer;
  readonly size = 8;
  readonly align = 8;
  readonly key: string;
  constructor(readonly signature: S, signatureKey: string) {
    super();
    this.key = `fn${signatureKey}`;
  }
  /** The signature key of the callbacks this type accepts. */
  get signatureKey(): string {
    return this.key.slice(2);
  }
}

type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** The JS object a record with field specs F reads as. */
export type RecordOut<F> = Simplify<{ -readonly [K in keyof F]: JsOut<F[K]> }>;
/** The JS object a struct with field specs F accepts. */
export type RecordIn<F> = Simplify<{ -readonly [K in keyof F]: JsIn<F[K]> }>;
/** What a union with member specs F accepts: an object with one of its members. */
export type UnionIn<F> = Simplify<{ -readonly [K in keyof F]?: JsIn<F[K]> }>;

/** A struct type: `struct({ x: 'f64', y: 'i32' })` (see the module comment). */
export function struct<const F extends Readonly<Record<string, FieldSpec>>>(fields: F, options?: RecordOptions): RecordType<RecordOut<F>, RecordIn<F>> {
  return new RecordType(false, fields, options);
}

/** A union type: members overlap; encoding writes the first member present in the object. */
export function union<const F extends Readonly<Record<string, FieldSpec>>>(fields: F, options?: RecordOptions): RecordType<RecordOut<F>, UnionIn<F>> {
  return new RecordType(true, fields, options);
}

/** A fixed array `T[length]`. */
export function array<const T extends ValueType>(element: T, length: number): ArrayType<JsOut<T>[], ArrayLike<JsIn<T>>> {
  return new ArrayType(element, length);
}

/** A bit-field of `width` bits of integer type T (record fields only). */
export function bits<const T extends ScalarName>(type: T, width: number): BitFieldSpec<T> {
  return { bitField: type, width };
}

/** A field of type T with alignment raised to `alignment` (gcc's `aligned` on a member). */
export function aligned<const T extends ValueType>(type: T, alignment: number): AlignedSpec<T> {
  return { alignedType: type, alignment };
}

/** `T*`, an input pointer. */
export function pointer<const T extends ValueType>(target: T): PointerType<T> {
  return new PointerType(target, 'in');
}

/** `T*` written by the callee: pass a box (`[undefined]` or a record object) that receives the value. */
export function out<const T extends ValueType>(target: T): PointerType<T> {
  return new PointerType(target, 'out');
}

/** `T*` read and written by the callee: pass a box (`[value]` or a record object), updated after the call. */
export function inout<const T extends ValueType>(target: T): PointerType<T> {
  return new PointerType(target, 'inout');
}

/**
 * `const T *` whose value matters, not its address: a callback receives the T it points to
 * (decoded; null for a null pointer), e.g. a qsort comparator `(a, b) => a - b` with
 * `args: [deref('i32'), deref('i32')]`. As an argument of a wrapped function it is `pointer(T)`.
 */
export function deref<const T extends ValueType>(target: T): PointerType<T, JsOut<T> | null> {
  return new PointerType<T, JsOut<T> | null>(target, 'deref');
}

/** An opaque handle type named `name` (each call makes a distinct type). */
export function handle<const N extends string>(name: N): HandleType<N> {
  return new HandleType(name);
}
