/**
 * The JS half of the fast call path: per signature, a JS function is generated
 * (source text, compiled once per signature) that checks each argument, writes
 * it into the shared argument buffer, stores the entry thunk's address, calls
 * the addon's shared zero-argument invoke function (which runs the generated
 * machine-code thunk), and reads the result back. No argument crosses
 * Node-API, so a call costs one zero-argument Node-API call plus a few
 * typed-array stores.
 *
 * Buffer layout (8-byte slots): slot 0 = result, slot 1 + i = argument i (records
 * by value take several slots: `NativeSignature.slots`; a record result comes back in
 * slots 1..), the last slot = the thunk's address as a double. Narrow integers are stored
 * sign- or zero-extended to 32 bits (the thunk loads 32 or 64 bits as the type
 * needs); f32 in the slot's low 4 bytes. Narrow results come back with
 * undefined upper bits (the ABI leaves them so) and are extended here. The
 * buffer is thread-local in the addon, so worker threads never share one.
 *
 * Where code generation from strings is disallowed
 * (--disallow-code-generation-from-strings), `marshalGeneric` interprets the
 * signature per call instead: slower, same checks and results. Signatures with FFI types
 * (records, strings, pointers to JS values, handles: ffi-marshal.ts) need code generation.
 */
import { types } from 'node:util';
import { native } from './addon.js';
import type { AbiType, NativeType, NativeSignature } from './signature.js';
import { Handle } from './ffi-types.js';
import { describe } from '../util/describe.js';

/** Typed views over the shared argument buffer. */
export interface ArgViews {
  readonly i32: Int32Array;
  readonly u32: Uint32Array;
  readonly f32: Float32Array;
  readonly f64: Float64Array;
  readonly i64: BigInt64Array;
  readonly u64: BigUint64Array;
  readonly u8: Uint8Array;
  readonly dv: DataView;
}

let views: ArgViews | undefined;

/**
 * The views over this thread's argument buffer (the addon's buffer is
 * thread-local, so each worker thread gets its own; created once per isolate).
 */
export function argViews(): ArgViews {
  if (views === undefined) {
    const ab = native.argBuffer();
    views = {
      i32: new Int32Array(ab),
      u32: new Uint32Array(ab),
      f32: new Float32Array(ab),
      f64: new Float64Array(ab),
      i64: new BigInt64Array(ab),
      u64: new BigUint64Array(ab),
      u8: new Uint8Array(ab),
      dv: new DataView(ab),
    };
  }
  return views;
}

/** Slots available for arguments in the shared buffer. */
export const MAX_ARG_SLOTS = 4093;

/** Scalar type names (for errors about values of them). */
const SCALARS: ReadonlySet<string> = new Set(['i8', 'i16', 'i32', 'i64', 'u8', 'u16', 'u32', 'u64', 'f32', 'f64', 'bool', 'ptr']);

const RANGES: Partial<Record<NativeType, [number, number]>> = {
  i8: [-128, 127], u8: [0, 255], i16: [-32768, 32767], u16: [0, 65535],
  i32: [-2147483648, 2147483647], u32: [0, 4294967295],
};

/** Describes what a type accepts, for error messages. */
function expectation(t: NativeType): string {
  const r = RANGES[t];
  if (r) return `an integer from ${r[0]} to ${r[1]}`;
  switch (t) {
    case 'i64': return 'a bigint from -2^63 to 2^63-1 (or a safe integer number)';
    case 'u64': return 'a bigint from 0 to 2^64-1 (or a non-negative safe integer number)';
    case 'f32': case 'f64': return 'a number';
    case 'bool': return 'a boolean';
    case 'ptr': return 'a Buffer, TypedArray, DataView, ArrayBuffer, bigint address or null';
    default: return t;
  }
}

function show(v: unknown): string {
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  if (typeof v === 'string') return JSON.stringify(v.length > 20 ? v.slice(0, 20) + '…' : v);
  if (v === null) return 'null';
  if (typeof v === 'object') return (v as object).constructor?.name ?? 'object';
  return typeof v;
}

// Data addresses of ArrayBuffers (stable for a buffer's life unless detached).
const addresses = new WeakMap<ArrayBuffer | SharedArrayBuffer, number>();

/** `f.call` captured at load time (later changes to Function.prototype do not reach it). */
function uncurryGetter<T>(proto: object, name: string): (self: unknown) => T {
  const get = Object.getOwnPropertyDescriptor(proto, name)!.get!;
  return Function.prototype.call.bind(get) as (self: unknown) => T;
}
const typedArrayPrototype = Object.getPrototypeOf(Uint8Array.prototype) as object;
const typedArrayBuffer = uncurryGetter<ArrayBuffer | SharedArrayBuffer>(typedArrayPrototype, 'buffer');
const typedArrayByteOffset = uncurryGetter<number>(typedArrayPrototype, 'byteOffset');
const dataViewBuffer = uncurryGetter<ArrayBuffer | SharedArrayBuffer>(DataView.prototype, 'buffer');
const dataViewByteOffset = uncurryGetter<number>(DataView.prototype, 'byteOffset');
const typedArrayByteLength = uncurryGetter<number>(typedArrayPrototype, 'byteLength');
const dataViewByteLength = uncurryGetter<number>(DataView.prototype, 'byteLength');
const arrayBufferByteLength = uncurryGetter<number>(ArrayBuffer.prototype, 'byteLength');
// SharedArrayBuffer can be absent (embedders without cross-origin isolation).
const sharedByteLength: (self: unknown) => number =
  typeof SharedArrayBuffer === 'undefined' ? () => 0 : uncurryGetter<number>(SharedArrayBuffer.prototype, 'byteLength');

/** What kind of view a pointer argument is. */
const enum View {
  /** An ArrayBuffer or SharedArrayBuffer itself. */ None,
  /** A typed array (Buffer included). */ TypedArray,
  /** A DataView. */ DataView,
}

/** Helpers the generated code calls on its slow paths (errors, pointers). */
export class MarshalSupport {
  constructor(readonly name: string, readonly argNames: readonly string[]) {}

  /** Error for a wrong argument count. */
  countError(expected: number, got: number): TypeError {
    return new TypeError(`${this.name}: expected ${expected} argument${expected === 1 ? '' : 's'}, got ${got}`);
  }

  /** `name: argument i (argName)`, the start of every argument error (-1: the result, -2: the value). */
  argument(index: number): string {
    if (index === -1) return `${this.name}: the result`;
    if (index === -2) return `${this.name}: the value`;
    return `${this.name}: argument ${index}${this.argNames[index] ? ` (${this.argNames[index]})` : ''}`;
  }

  /** `argument(index)`, plus `: field x.y` for a part of it. */
  private where(index: number, path: string): string {
    return path === '' ? this.argument(index) : `${this.argument(index)}: field ${path.startsWith('.') ? path.slice(1) : path}`;
  }

  /** Error for an argument of the wrong type or out of range. */
  argError(index: number, type: NativeType, value: unknown): TypeError | RangeError {
    return scalarError(this.argument(index), type, value);
  }

  /** Error for argument `index` (or field `path` inside it) not being a `type` (codec.ts): a scalar name or a description. */
  valueError(index: number, path: string, type: string, value: unknown): TypeError | RangeError {
    const where = this.where(index, path);
    if (SCALARS.has(type)) return scalarError(where, type as NativeType, value);
    // Bit-field values out of range are range errors; everything else is the wrong kind of value.
    const range = /bit-field/.test(type) && (typeof value === 'number' || typeof value === 'bigint');
    const got = value instanceof Handle ? `a ${value.type.name} handle` : describe(value);
    return new (range ? RangeError : TypeError)(`${where} must be ${type}, got ${got}`);
  }

  /** The address of memory or a raw address inside a value (codec.ts), as a number. */
  fieldPointer(index: number, path: string, value: unknown): number {
    return pointerAt(this.where(index, path), value, 0);
  }

  /** The data address of a pointer argument, as a number (user addresses fit in 47 bits). */
  pointer(index: number, v: unknown, minBytes = 0): number {
    if (v === null) return 0;
    return pointerAt(this.argument(index), v, minBytes);
  }
}

/** The error for `value` not being a `type` at `where` (TypeError for the wrong kind, RangeError out of range). */
function scalarError(where: string, type: NativeType, value: unknown): TypeError | RangeError {
  const what = `${where} must be ${type === 'ptr' ? '' : `an ${type}: `}${expectation(type)}, got ${show(value)}`;
  const wrongKind =
    type === 'ptr'
      ? typeof value !== 'bigint' // a bigint address out of range is a range error, as for the integer types
      : type === 'bool'
      ? true
      : type === 'i64' || type === 'u64'
        ? typeof value !== 'bigint' && !(typeof value === 'number' && Number.isInteger(value))
        : typeof value !== 'number' || ((type === 'f32' || type === 'f64') ? false : !Number.isInteger(value));
  return wrongKind ? new TypeError(what) : new RangeError(what);
}

/** The data address of memory `v` (or a bigint address) passed at `where`, as a number. */
function pointerAt(where: string, v: unknown, minBytes: number): number {
  if (v === null) return 0;
  if (typeof v === 'bigint') {
    if (v < 0n || v >= 1n << 64n) throw scalarError(where, 'ptr', v);
    if (v >= 1n << 53n) throw new RangeError(`${where}: address ${v} is beyond 2^53; pass addresses below 2^53 (all user-space addresses are)`);
    return Number(v);
  }
  // Intrinsic getters only: a subclass's own getters would run user JS in the
  // middle of marshalling (a nested wrapped call overwrites the shared buffer)
  // and could name memory other than the argument's own.
  let buffer: ArrayBuffer | SharedArrayBuffer;
  let view = View.None;
  if (types.isTypedArray(v)) {
    buffer = typedArrayBuffer(v);
    view = View.TypedArray;
  } else if (types.isDataView(v)) {
    buffer = dataViewBuffer(v);
    view = View.DataView;
  } else if (types.isArrayBuffer(v) || types.isSharedArrayBuffer(v)) {
    buffer = v;
  } else {
    throw scalarError(where, 'ptr', v);
  }
  const byteLength = types.isSharedArrayBuffer(buffer) ? sharedByteLength(buffer) : arrayBufferByteLength(buffer);
  let base = addresses.get(buffer);
  if (base === undefined || byteLength === 0) {
    if (byteLength === 0 && native.isDetached(buffer)) {
      throw new TypeError(`${where}: the ArrayBuffer is detached`);
    }
    base = Number(native.addressOf(buffer));
    addresses.set(buffer, base);
  }
  // After the detached check: a detached DataView's byteOffset getter throws.
  if (minBytes > 0) {
    const have = view === View.TypedArray ? typedArrayByteLength(v) : view === View.DataView ? dataViewByteLength(v) : byteLength;
    if (have < minBytes) {
      throw new RangeError(`${where}: the buffer has ${have} bytes; this function needs at least ${minBytes}`);
    }
  }
  return base + (view === View.TypedArray ? typedArrayByteOffset(v) : view === View.DataView ? dataViewByteOffset(v) : 0);
}

/** True for memory a `ptr` accepts (typed arrays, DataViews, ArrayBuffers), checked with intrinsics only. */
export function isMemory(v: unknown): boolean {
  return types.isTypedArray(v) || types.isDataView(v) || types.isArrayBuffer(v) || types.isSharedArrayBuffer(v);
}

/** Where a wrapper calls: the target, the signature's thunk, and the invoke function that runs it. */
export interface Entry {
  /** The target's address, as a number (exact: user addresses are below 2^53). */
  readonly target: number;
  /** The signature's entry thunk address, as a number. */
  readonly thunk: number;
  /** The addon's invoke function for the signature's result class. */
  readonly invoke: () => void;
}

/** Index of the thunk-address slot in a Float64Array over the buffer. */
export const THUNK_SLOT = 4095;
/** Index of the target-address slot (read by the host target's entry thunk, e.g. codegen/x64/entry-thunk.ts). */
export const TARGET_SLOT = 4094;

/** The addon's invoke function for a result type. */
export function invokerFor(result: AbiType): () => void {
  return result === 'f64' ? native.invokeF64 : result === 'f32' ? native.invokeF32 : native.invokeInt;
}
/** Liveness check: throws if the code behind the wrapper was freed. */
export type LiveCheck = { readonly isFreed: boolean; assertLive(action?: string): void };

function storeCode(t: NativeType, i: number, slot: number, a: string, minBytes = 0): string {
  const err = `throw s.argError(${i}, '${t}', ${a});`;
  const w = slot * 2; // index in 32-bit views
  switch (t) {
    case 'i8': return `if (typeof ${a} !== 'number' || ((${a} << 24) >> 24) !== ${a}) ${err}\n    i32[${w}] = ${a};`;
    case 'i16': return `if (typeof ${a} !== 'number' || ((${a} << 16) >> 16) !== ${a}) ${err}\n    i32[${w}] = ${a};`;
    case 'i32': return `if (typeof ${a} !== 'number' || (${a} | 0) !== ${a}) ${err}\n    i32[${w}] = ${a};`;
    case 'u8': return `if (typeof ${a} !== 'number' || (${a} & 255) !== ${a}) ${err}\n    i32[${w}] = ${a};`;
    case 'u16': return `if (typeof ${a} !== 'number' || (${a} & 65535) !== ${a}) ${err}\n    i32[${w}] = ${a};`;
    case 'u32': return `if (typeof ${a} !== 'number' || (${a} >>> 0) !== ${a}) ${err}\n    u32[${w}] = ${a};`;
    case 'bool': return `if (typeof ${a} !== 'boolean') ${err}\n    i32[${w}] = ${a} ? 1 : 0;`;
    case 'f32': return `if (typeof ${a} !== 'number') ${err}\n    f32[${w}] = ${a};`;
    case 'f64': return `if (typeof ${a} !== 'number') ${err}\n    f64[${slot}] = ${a};`;
    case 'i64':
      // asIntN(64, x) === x is the range test; V8 compiles it to a few instructions,
      // where comparisons with 64-bit bigint literals cost ~6 ns.
      return `if (typeof ${a} === 'bigint') { if (BigInt.asIntN(64, ${a}) !== ${a}) ${err} i64[${slot}] = ${a}; }
    else if (typeof ${a} === 'number' && Number.isSafeInteger(${a})) { u32[${w}] = ${a} >>> 0; i32[${w + 1}] = Math.floor(${a} / 4294967296); }
    else ${err}`;
    case 'u64':
      return `if (typeof ${a} === 'bigint') { if (BigInt.asUintN(64, ${a}) !== ${a}) ${err} u64[${slot}] = ${a}; }
    else if (typeof ${a} === 'number' && Number.isSafeInteger(${a}) && ${a} >= 0) { u32[${w}] = ${a} >>> 0; u32[${w + 1}] = Math.floor(${a} / 4294967296); }
    else ${err}`;
    case 'ptr':
      return `{ const p = (${a} === null) ? 0 : s.pointer(${i}, ${a}${minBytes > 0 ? `, ${minBytes}` : ''}); u32[${w}] = p >>> 0; u32[${w + 1}] = Math.floor(p / 4294967296); }`;
    default:
      throw new Error(`marshal: no store for ${t}`);
  }
}

/** Code returning a scalar result of type `t` from slot 0. */
export function loadCode(t: NativeType): string {
  switch (t) {
    case 'void': return 'return undefined;';
    case 'i8': return 'return (i32[0] << 24) >> 24;';
    case 'i16': return 'return (i32[0] << 16) >> 16;';
    case 'u8': return 'return i32[0] & 255;';
    case 'u16': return 'return i32[0] & 65535;';
    case 'i32': return 'return i32[0];';
    case 'u32': return 'return u32[0];';
    case 'bool': return 'return (i32[0] & 255) !== 0;';
    case 'f32': return 'return f32[0];';
    case 'f64': return 'return f64[0];';
    case 'i64': return 'return i64[0];';
    case 'u64': case 'ptr': return 'return u64[0];';
  }
}

// Compiled wrapper factories by signature key, with and without a liveness check.
const factories = new Map<string, Function>();
const liveFactories = new Map<string, Function>();

/**
 * Builds the JS function for `sig` around `entry`. The generated source is
 * compiled once per signature and instantiated per function (a closure).
 */
export function marshal(sig: NativeSignature, entry: Entry, live: LiveCheck | undefined, support: MarshalSupport): Function {
  const n = sig.args.length;
  if (n > MAX_ARG_SLOTS) throw new RangeError(`${support.name}: at most ${MAX_ARG_SLOTS} arguments`);
  const cache = live ? liveFactories : factories;
  const key = sig.key;
  let factory = cache.get(key);
  if (factory === undefined) {
    const params = Array.from({ length: n }, (_, i) => `a${i}`);
    const body = [
      `'use strict';`,
      `const i32 = v.i32, u32 = v.u32, f32 = v.f32, f64 = v.f64, i64 = v.i64, u64 = v.u64;`,
      `return function jitkitCall(${params.join(', ')}) {`,
      `    if (arguments.length !== ${n}) throw s.countError(${n}, arguments.length);`,
      live ? `    if (live.isFreed) live.assertLive('call');` : '',
      ...sig.abiArgs.map((t, i) => '    ' + storeCode(t as NativeType, i, i + 1, `a${i}`, sig.bufferSizes[i] ?? 0)),
      `    f64[${TARGET_SLOT}] = target;`,
      `    f64[${THUNK_SLOT}] = thunk;`,
      `    invoke();`,
      `    ${loadCode(sig.abiResult as NativeType)}`,
      `};`,
    ].join('\n');
    factory = new Function('v', 's', 'target', 'thunk', 'invoke', 'live', body);
    cache.set(key, factory);
  }
  return factory(argViews(), support, entry.target, entry.thunk, entry.invoke, live) as Function;
}

/** The same contract as `marshal`, interpreting the signature per call (no code generation). */
export function marshalGeneric(sig: NativeSignature, entry: Entry, live: LiveCheck | undefined, support: MarshalSupport): Function {
  if (sig.hasFfiTypes) {
    throw new TypeError(`${support.name}: signatures with strings, records, pointers to JS values or handles need code generation from strings, which this host disallows (or { generic: true } was given); use scalar types`);
  }
  const v = argViews();
  const types = sig.abiArgs as readonly NativeType[];
  const n = types.length;
  return function jitkitCall(...args: unknown[]): unknown {
    if (args.length !== n) throw support.countError(n, args.length);
    if (live && live.isFreed) live.assertLive('call');
    for (let i = 0; i < n; i++) {
      const t = types[i]!;
      const a = args[i];
      const slot = i + 1;
      const w = slot * 2;
      const r = RANGES[t];
      if (r) {
        if (typeof a !== 'number' || !Number.isInteger(a) || a < r[0] || a > r[1]) throw support.argError(i, t, a);
        if (t === 'u32') v.u32[w] = a;
        else v.i32[w] = a;
      } else if (t === 'bool') {
        if (typeof a !== 'boolean') throw support.argError(i, t, a);
        v.i32[w] = a ? 1 : 0;
      } else if (t === 'f32' || t === 'f64') {
        if (typeof a !== 'number') throw support.argError(i, t, a);
        if (t === 'f32') v.f32[w] = a;
        else v.f64[slot] = a;
      } else if (t === 'i64' || t === 'u64') {
        const lo = t === 'i64' ? -(1n << 63n) : 0n;
        const hi = t === 'i64' ? (1n << 63n) - 1n : (1n << 64n) - 1n;
        let b: bigint;
        if (typeof a === 'bigint') b = a;
        else if (typeof a === 'number' && Number.isSafeInteger(a)) b = BigInt(a);
        else throw support.argError(i, t, a);
        if (b < lo || b > hi) throw support.argError(i, t, a);
        v.u64[slot] = BigInt.asUintN(64, b);
      } else {
        const p = a === null ? 0 : support.pointer(i, a, sig.bufferSizes[i] ?? 0);
        v.u64[slot] = BigInt(p);
      }
    }
    v.f64[TARGET_SLOT] = entry.target;
    v.f64[THUNK_SLOT] = entry.thunk;
    entry.invoke();
    switch (sig.abiResult as NativeType) {
      case 'void': return undefined;
      case 'i8': return (v.i32[0]! << 24) >> 24;
      case 'i16': return (v.i32[0]! << 16) >> 16;
      case 'u8': return v.i32[0]! & 255;
      case 'u16': return v.i32[0]! & 65535;
      case 'u32': return v.u32[0];
      case 'bool': return (v.i32[0]! & 255) !== 0;
      case 'f32': return v.f32[0];
      case 'f64': return v.f64[0];
      case 'i64': return v.i64[0];
      case 'u64': case 'ptr': return v.u64[0];
      default: return v.i32[0];
    }
  };
}
