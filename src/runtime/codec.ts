/**
 * Generated JS that converts FFI values (ffi-types.ts) between JS and their C bytes: the
 * pieces the calling layer's generated wrappers (ffi-marshal.ts), callbacks (callback.ts)
 * and `encode`/`decode`/`view` (ffi-api.ts) are made of.
 *
 * Writing a value happens in two phases, so that no user code runs between the first write
 * into shared memory and the call (a getter could call a native function, which would
 * overwrite the shared argument buffer):
 *   read   (`emitRead`)   every property of the JS value is read once and checked, into
 *                        locals (a tree of `ValueNode`s); unions and long arrays are encoded
 *                        into private bytes right here (a `Bulk` node)
 *   write  (`emitWrite`)  the locals are stored through a DataView at a byte offset; no user
 *                        code runs
 * Reading C bytes back (`decoder`) builds plain objects and arrays from a DataView.
 *
 * Terms: `dv`/`u8` name the destination DataView and Uint8Array in generated code, `o` a
 * byte-offset expression; `s` is the MarshalSupport (errors, pointers), `arg` the argument
 * index errors name (-1: a callback's result, -2: a standalone value), `path` the field path
 * (`.pos.x`, `[3]`) inside it.
 */
import {
  ArrayType, FfiType, FunctionPointerType, Handle, HandleType, RecordType, SCALAR_SIZE,
  type Field, type ScalarName, type ValueType,
} from './ffi-types.js';

/** The source of one generated function, with the run-time values it refers to. */
export class SourceBuilder {
  /** Lines of the body (see `capture`). */
  lines: string[] = [];
  /** Values the code refers to as k0, k1, ... (unpacked from the `K` parameter). */
  readonly constants: unknown[] = [];
  private next = 0;

  /** A fresh local name. */
  local(prefix = 't'): string {
    return `${prefix}${this.next++}`;
  }
  /** The name of run-time constant `v`. */
  constant(v: unknown): string {
    let i = this.constants.indexOf(v);
    if (i < 0) {
      i = this.constants.length;
      this.constants.push(v);
    }
    return `k${i}`;
  }
  /** Appends a line. */
  line(s: string): void {
    this.lines.push(s);
  }
  /** Runs `emit` with an empty line list and returns the lines it added (the builder's lines are kept). */
  capture(emit: () => void): string[] {
    const saved = this.lines;
    this.lines = [];
    try {
      emit();
      return this.lines;
    } finally {
      this.lines = saved;
    }
  }
  /** `const k0 = K[0], ...;` (empty when there are no constants). */
  constantsPrologue(): string {
    return this.constants.length === 0 ? '' : `const ${this.constants.map((_, i) => `k${i} = K[${i}]`).join(', ')};`;
  }
}

/** What generated code needs from the wrapper's support object (marshal.ts MarshalSupport). */
export interface CodecSupport {
  /** Error for a value of the wrong type or out of range. */
  valueError(arg: number, path: string, type: string, value: unknown): Error;
  /** The data address of memory (a Buffer, typed array, ArrayBuffer), a bigint address, as a number. */
  fieldPointer(arg: number, path: string, value: unknown): number;
}

const INT_RANGE: Partial<Record<ScalarName, readonly [number, number]>> = {
  i8: [-128, 127], u8: [0, 255], i16: [-32768, 32767], u16: [0, 65535], i32: [-2147483648, 2147483647], u32: [0, 4294967295],
};

/**
 * Where a value sits, for error messages: `arg` is a JS expression of the argument index,
 * `base` a JS expression of a path prefix known only at run time (null: none), `path` the
 * path inside it known now.
 */
export interface Where {
  readonly arg: string;
  readonly base: string | null;
  readonly path: string;
}

/** A location for argument `arg` (a number; -1: a callback's result, -2: a standalone value). */
export function argumentWhere(arg: number): Where {
  return { arg: String(arg), base: null, path: '' };
}

/** The location of a part (`.x`, `[3]`) of `w`. */
function child(w: Where, suffix: string): Where {
  return { arg: w.arg, base: w.base, path: w.path + suffix };
}

/** The path of `w` as a JS expression. */
function pathCode(w: Where): string {
  return w.base === null ? JSON.stringify(w.path) : w.path === '' ? w.base : `${w.base} + ${JSON.stringify(w.path)}`;
}

/** `throw s.valueError(...)` for `x`. */
export function err(w: Where, type: string, x: string): string {
  return `throw s.valueError(${w.arg}, ${pathCode(w)}, ${JSON.stringify(type)}, ${x});`;
}

/** Code that checks scalar local `x` of type `t` (and normalises i64/u64 to bigint, ptr to a number). */
export function checkScalarCode(t: ScalarName, x: string, w: Where): string {
  const e = err(w, t, x);
  switch (t) {
    case 'i8': return `if (typeof ${x} !== 'number' || ((${x} << 24) >> 24) !== ${x}) ${e}`;
    case 'i16': return `if (typeof ${x} !== 'number' || ((${x} << 16) >> 16) !== ${x}) ${e}`;
    case 'i32': return `if (typeof ${x} !== 'number' || (${x} | 0) !== ${x}) ${e}`;
    case 'u8': return `if (typeof ${x} !== 'number' || (${x} & 255) !== ${x}) ${e}`;
    case 'u16': return `if (typeof ${x} !== 'number' || (${x} & 65535) !== ${x}) ${e}`;
    case 'u32': return `if (typeof ${x} !== 'number' || (${x} >>> 0) !== ${x}) ${e}`;
    case 'bool': return `if (typeof ${x} !== 'boolean') ${e}`;
    case 'f32': case 'f64': return `if (typeof ${x} !== 'number') ${e}`;
    case 'i64':
      return `if (typeof ${x} === 'bigint') { if (BigInt.asIntN(64, ${x}) !== ${x}) ${e} } else if (typeof ${x} === 'number' && Number.isSafeInteger(${x})) ${x} = BigInt(${x}); else ${e}`;
    case 'u64':
      return `if (typeof ${x} === 'bigint') { if (BigInt.asUintN(64, ${x}) !== ${x}) ${e} } else if (typeof ${x} === 'number' && Number.isSafeInteger(${x}) && ${x} >= 0) ${x} = BigInt(${x}); else ${e}`;
    case 'ptr':
      return `${x} = ${x} === null ? 0 : s.fieldPointer(${w.arg}, ${pathCode(w)}, ${x});`;
  }
}

/** Code that stores checked scalar local `x` of type `t` at byte offset `o` of DataView `dv`. */
export function storeScalarCode(t: ScalarName, dv: string, o: string, x: string): string {
  switch (t) {
    case 'i8': return `${dv}.setInt8(${o}, ${x});`;
    case 'u8': return `${dv}.setUint8(${o}, ${x});`;
    case 'bool': return `${dv}.setUint8(${o}, ${x} ? 1 : 0);`;
    case 'i16': return `${dv}.setInt16(${o}, ${x}, true);`;
    case 'u16': return `${dv}.setUint16(${o}, ${x}, true);`;
    case 'i32': return `${dv}.setInt32(${o}, ${x}, true);`;
    case 'u32': return `${dv}.setUint32(${o}, ${x}, true);`;
    case 'f32': return `${dv}.setFloat32(${o}, ${x}, true);`;
    case 'f64': return `${dv}.setFloat64(${o}, ${x}, true);`;
    case 'i64': return `${dv}.setBigInt64(${o}, ${x}, true);`;
    case 'u64': return `${dv}.setBigUint64(${o}, ${x}, true);`;
    case 'ptr': return storeAddressCode(dv, o, x);
  }
}

/** Stores a number address (below 2^53) as 8 bytes. */
export function storeAddressCode(dv: string, o: string, x: string): string {
  return `${dv}.setUint32(${o}, ${x} >>> 0, true); ${dv}.setUint32((${o}) + 4, Math.floor(${x} / 4294967296), true);`;
}

/** An expression reading a scalar of type `t` at byte offset `o` of DataView `dv`. */
export function loadScalarCode(t: ScalarName, dv: string, o: string): string {
  switch (t) {
    case 'i8': return `${dv}.getInt8(${o})`;
    case 'u8': return `${dv}.getUint8(${o})`;
    case 'bool': return `(${dv}.getUint8(${o}) !== 0)`;
    case 'i16': return `${dv}.getInt16(${o}, true)`;
    case 'u16': return `${dv}.getUint16(${o}, true)`;
    case 'i32': return `${dv}.getInt32(${o}, true)`;
    case 'u32': return `${dv}.getUint32(${o}, true)`;
    case 'f32': return `${dv}.getFloat32(${o}, true)`;
    case 'f64': return `${dv}.getFloat64(${o}, true)`;
    case 'i64': return `${dv}.getBigInt64(${o}, true)`;
    case 'u64': case 'ptr': return `${dv}.getBigUint64(${o}, true)`;
  }
}

const off = (o: string, k: number) => (k === 0 ? o : /^\d+$/.test(o) ? String(Number(o) + k) : `${o} + ${k}`);
const prop = (name: string) => (/^[A-Za-z_$][\w$]*$/.test(name) ? `.${name}` : `[${JSON.stringify(name)}]`);

/** The locals a value was read into (see the module comment). */
export type ValueNode =
  | { readonly k: 'scalar'; readonly t: ScalarName; readonly x: string }
  | { readonly k: 'address'; readonly x: string } // handles, function pointers, pointers inside records: a number
  | { readonly k: 'bits'; readonly field: Field; readonly x: string }
  | { readonly k: 'struct'; readonly type: RecordType; readonly fields: readonly ValueNode[] }
  | { readonly k: 'array'; readonly type: ArrayType; readonly elements: readonly ValueNode[] }
  | { readonly k: 'bulk'; readonly size: number; readonly x: string };

/** Arrays up to this many elements, and records up to this many leaves, are read into locals. */
const INLINE_ELEMENTS = 16;

/** Reads the JS value in expression `src` as type `t` into locals (phase 1). */
export function emitRead(b: SourceBuilder, t: ValueType, src: string, w: Where): ValueNode {
  const x = b.local('v');
  b.line(`let ${x} = ${src};`);
  if (typeof t === 'string') {
    b.line(checkScalarCode(t, x, w));
    return { k: 'scalar', t, x };
  }
  if (t instanceof RecordType && !t.isUnion) {
    b.line(`if (typeof ${x} !== 'object' || ${x} === null) ${err(w, `a ${t.name} object`, x)}`);
    return { k: 'struct', type: t, fields: t.fields.map((f) => readField(b, f, x, w)) };
  }
  if (t instanceof ArrayType && t.length <= INLINE_ELEMENTS) {
    b.line(`if (!${b.constant(isArrayLike)}(${x}, ${t.length})) ${err(w, `an array of ${t.length}`, x)}`);
    const elements: ValueNode[] = [];
    for (let i = 0; i < t.length; i++) elements.push(emitRead(b, t.element, `${x}[${i}]`, child(w, `[${i}]`)));
    return { k: 'array', type: t, elements };
  }
  if (t instanceof RecordType || t instanceof ArrayType) {
    // Unions and long arrays: encoded into private bytes now.
    const bytes = b.local('e');
    b.line(`const ${bytes} = ${b.constant(encoderOf(t))}(${x}, s, ${w.arg}, ${pathCode(w)});`);
    return { k: 'bulk', size: t.size, x: bytes };
  }
  b.line(addressCheckCode(b, t, x, w));
  return { k: 'address', x };
}

/** Reads record field `f` of the object in local `obj` (a bit-field or an ordinary field). */
export function readField(b: SourceBuilder, f: Field, obj: string, w: Where): ValueNode {
  const at = child(w, `.${f.name}`);
  if (f.bitWidth < 0) return emitRead(b, f.type, `${obj}${prop(f.name)}`, at);
  const v = b.local('v');
  b.line(`let ${v} = ${obj}${prop(f.name)};`);
  b.line(bitsCheckCode(f, v, at));
  return { k: 'bits', field: f, x: v };
}

/** Writes what `emitRead` read at byte offset `o` of DataView `dv` / Uint8Array `u8` (phase 2). */
export function emitWrite(b: SourceBuilder, node: ValueNode, dv: string, u8: string, o: string): void {
  switch (node.k) {
    case 'scalar': b.line(storeScalarCode(node.t, dv, o, node.x)); return;
    case 'address': b.line(storeAddressCode(dv, o, node.x)); return;
    case 'bits': {
      const f = node.field;
      // `o` is the record's offset: bit-field nodes are written relative to it.
      const wide = f.type === 'i64' || f.type === 'u64';
      b.line(`${b.constant(wide ? setBitsBig : setBits)}(${dv}, ${off(o, f.offset)}, ${f.bitOffset}, ${f.bitWidth}, ${node.x});`);
      return;
    }
    case 'struct':
      node.type.fields.forEach((f, i) => {
        const child = node.fields[i]!;
        emitWrite(b, child, dv, u8, child.k === 'bits' ? o : off(o, f.offset));
      });
      return;
    case 'array': {
      const size = elementSize(node.type.element);
      node.elements.forEach((e, i) => emitWrite(b, e, dv, u8, off(o, i * size)));
      return;
    }
    case 'bulk':
      b.line(`${u8}.set(${node.x}, ${o});`);
      return;
  }
}

function elementSize(t: ValueType): number {
  return typeof t === 'string' ? SCALAR_SIZE[t] : t.size;
}

/** Zeroes `size` bytes at offset `o` (padding and bit-field neighbours start at zero). */
export function emitZero(b: SourceBuilder, u8: string, o: string, size: number): void {
  b.line(`${u8}.fill(0, ${o}, ${off(o, size)});`);
}

/** True for arrays and typed arrays of exactly `n` elements. */
export function isArrayLike(v: unknown, n: number): boolean {
  return (Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView))) && (v as ArrayLike<unknown>).length === n;
}

/** Range check of a bit-field value (bigint for 64-bit types, number otherwise; bool: boolean). */
function bitsCheckCode(f: Field, x: string, where: Where): string {
  const t = f.type as ScalarName;
  const w = f.bitWidth;
  const desc = `a ${w}-bit ${t} bit-field value`;
  const e = err(where, desc, x);
  if (t === 'bool') return `if (typeof ${x} !== 'boolean') ${e} ${x} = ${x} ? 1 : 0;`;
  const signed = t[0] === 'i';
  if (t === 'i64' || t === 'u64') {
    const lo = signed ? -(1n << BigInt(w - 1)) : 0n, hi = signed ? (1n << BigInt(w - 1)) - 1n : (1n << BigInt(w)) - 1n;
    return `if (typeof ${x} === 'number' && Number.isSafeInteger(${x})) ${x} = BigInt(${x}); if (typeof ${x} !== 'bigint' || ${x} < ${lo}n || ${x} > ${hi}n) ${e}`;
  }
  const lo = signed ? -(2 ** (w - 1)) : 0, hi = signed ? 2 ** (w - 1) - 1 : 2 ** w - 1;
  return `if (typeof ${x} !== 'number' || !Number.isInteger(${x}) || ${x} < ${lo} || ${x} > ${hi}) ${e}`;
}

/** Checks a handle / function pointer / pointer field value and turns it into a number address. */
export function addressCheckCode(b: SourceBuilder, t: FfiType, x: string, w: Where): string {
  if (t instanceof HandleType) {
    const H = b.constant(t), HandleClass = b.constant(Handle);
    return `if (${x} === null) ${x} = 0; else if (${x} instanceof ${HandleClass} && ${x}.type === ${H}) ${x} = Number(${x}.address); else ${err(w, `a ${t.name} handle`, x)}`;
  }
  if (t instanceof FunctionPointerType) {
    const key = JSON.stringify(t.signatureKey);
    return `if (${x} === null) ${x} = 0;
    else if (typeof ${x} === 'object' && typeof ${x}.address === 'bigint' && ${x}.signatureKey !== undefined) {
      if (${x}.signatureKey !== ${key}) ${err(w, `a callback of signature ${t.signatureKey}`, x)}
      if (${x}.isFreed === true) ${err(w, 'a live callback (this one was freed)', x)}
      ${x} = Number(${x}.address);
    } else ${x} = s.fieldPointer(${w.arg}, ${pathCode(w)}, ${x});`;
  }
  // PointerType inside a record, or anything else 8 bytes wide: an address.
  return `${x} = ${x} === null ? 0 : s.fieldPointer(${w.arg}, ${pathCode(w)}, ${x});`;
}

// --- bit-fields -----------------------------------------------------------------

/** Writes the low `width` bits of integer `value` at bit `bit` of the bytes from `at`. */
function setBits(dv: DataView, at: number, bit: number, width: number, value: number): void {
  let v = value < 0 ? value + 2 ** width : value;
  let pos = bit, left = width, i = at;
  while (left > 0) {
    const take = Math.min(8 - pos, left);
    const part = v % (1 << take);
    const mask = ((1 << take) - 1) << pos;
    dv.setUint8(i, (dv.getUint8(i) & ~mask) | (part << pos));
    v = Math.floor(v / (1 << take));
    left -= take;
    pos = 0;
    i++;
  }
}

/** `setBits` for 64-bit bit-field types (bigint values). */
function setBitsBig(dv: DataView, at: number, bit: number, width: number, value: bigint): void {
  let v = BigInt.asUintN(width, value);
  let pos = bit, left = width, i = at;
  while (left > 0) {
    const take = Math.min(8 - pos, left);
    const part = Number(v & ((1n << BigInt(take)) - 1n));
    const mask = ((1 << take) - 1) << pos;
    dv.setUint8(i, (dv.getUint8(i) & ~mask) | (part << pos));
    v >>= BigInt(take);
    left -= take;
    pos = 0;
    i++;
  }
}

/** Reads `width` bits at bit `bit` of the bytes from `at` (sign-extended when `signed`). */
function getBits(dv: DataView, at: number, bit: number, width: number, signed: boolean): number {
  let v = 0, scale = 1, pos = bit, left = width, i = at;
  while (left > 0) {
    const take = Math.min(8 - pos, left);
    v += ((dv.getUint8(i) >> pos) & ((1 << take) - 1)) * scale;
    scale *= 2 ** take;
    left -= take;
    pos = 0;
    i++;
  }
  return signed && v >= 2 ** (width - 1) ? v - 2 ** width : v;
}

/** `getBits` for 64-bit bit-field types (bigint results). */
function getBitsBig(dv: DataView, at: number, bit: number, width: number, signed: boolean): bigint {
  let v = 0n, shift = 0n, pos = bit, left = width, i = at;
  while (left > 0) {
    const take = Math.min(8 - pos, left);
    v |= BigInt((dv.getUint8(i) >> pos) & ((1 << take) - 1)) << shift;
    shift += BigInt(take);
    left -= take;
    pos = 0;
    i++;
  }
  return signed ? BigInt.asIntN(width, v) : v;
}

// --- decoding -------------------------------------------------------------------

/** A Handle of type `h` for address `p`, or null for 0. */
export function makeHandle(h: HandleType, p: bigint): Handle | null {
  return p === 0n ? null : new Handle(h, p);
}

/** An expression decoding type `t` at offset `o` of DataView `dv` into a JS value. */
export function emitDecode(b: SourceBuilder, t: ValueType, dv: string, o: string): string {
  if (typeof t === 'string') return loadScalarCode(t, dv, o);
  if (t instanceof RecordType) {
    const parts = t.fields.map((f) => {
      let v: string;
      if (f.bitWidth >= 0) {
        const ft = f.type as ScalarName;
        if (ft === 'bool') v = `(${b.constant(getBits)}(${dv}, ${off(o, f.offset)}, ${f.bitOffset}, 1, false) !== 0)`;
        else v = `${b.constant(ft === 'i64' || ft === 'u64' ? getBitsBig : getBits)}(${dv}, ${off(o, f.offset)}, ${f.bitOffset}, ${f.bitWidth}, ${ft[0] === 'i'})`;
      } else {
        v = emitDecode(b, f.type, dv, off(o, f.offset));
      }
      return `${JSON.stringify(f.name)}: ${v}`;
    });
    return `{ ${parts.join(', ')} }`;
  }
  if (t instanceof ArrayType) {
    const size = elementSize(t.element);
    if (t.length <= INLINE_ELEMENTS) return `[${Array.from({ length: t.length }, (_, i) => emitDecode(b, t.element, dv, off(o, i * size))).join(', ')}]`;
    return `${b.constant(decodeArray)}(${dv}, ${o}, ${t.length}, ${size}, ${b.constant(decoderOf(t.element))})`;
  }
  if (t instanceof HandleType) return `${b.constant(makeHandle)}(${b.constant(t)}, ${dv}.getBigUint64(${o}, true))`;
  // Pointers and function pointers read as addresses.
  return `${dv}.getBigUint64(${o}, true)`;
}

function decodeArray(dv: DataView, o: number, n: number, size: number, element: (dv: DataView, o: number) => unknown): unknown[] {
  const out = new Array<unknown>(n);
  for (let i = 0; i < n; i++) out[i] = element(dv, o + i * size);
  return out;
}

/** Compiles a generated function: `K` holds the builder's constants. */
export function compileWith<F>(b: SourceBuilder, params: readonly string[], body: string): F {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const factory = new Function('K', `'use strict';\n${b.constantsPrologue()}\nreturn function (${params.join(', ')}) {\n${body}\n};`) as (k: unknown[]) => F;
  return factory(b.constants);
}

type Decoder = (dv: DataView, o: number) => unknown;
type Encoder = (value: unknown, s: CodecSupport, arg: number, path: string) => Uint8Array;

// Decoders and encoders of scalar types (element types of long arrays), made once.
const scalarDecoders = new Map<string, Decoder>();
const scalarEncoders = new Map<string, Encoder>();

/** The standalone decoder of `t`: `(dv, o) => value` (generated once per type object). */
export function decoderOf(t: ValueType): Decoder {
  const cache = typeof t === 'string' ? scalarDecoders.get(t) : codecCacheOf(t).decoder;
  if (cache !== undefined) return cache;
  const b = new SourceBuilder();
  const expr = emitDecode(b, t, 'dv', 'o');
  const fn = compileWith<Decoder>(b, ['dv', 'o'], `return ${expr};`);
  if (typeof t === 'string') scalarDecoders.set(t, fn);
  else codecCacheOf(t).decoder = fn;
  return fn;
}

/**
 * The standalone encoder of `t`: `(value, s, arg, path) => Uint8Array` of `t.size` bytes (a
 * fresh buffer; unions write the first member present in the object).
 */
export function encoderOf(t: ValueType): Encoder {
  const cache = typeof t === 'string' ? scalarEncoders.get(t) : codecCacheOf(t).encoder;
  if (cache !== undefined) return cache;
  const b = new SourceBuilder();
  const w: Where = { arg: 'arg', base: 'path', path: '' };
  b.line(`const u8 = new Uint8Array(${elementSize(t)}), dv = new DataView(u8.buffer);`);
  if (t instanceof RecordType && t.isUnion) {
    b.line(`if (typeof value !== 'object' || value === null) ${err(w, `a ${t.name} object`, 'value')}`);
    t.fields.forEach((f, i) => {
      b.line(`${i === 0 ? '' : 'else '}if (value${prop(f.name)} !== undefined) {`);
      emitWrite(b, readField(b, f, 'value', w), 'dv', 'u8', f.bitWidth >= 0 ? '0' : String(f.offset));
      b.line('}');
    });
    b.line(`else ${err(w, `a ${t.name} object with one of the members ${t.fields.map((f) => f.name).join(', ')}`, 'value')}`);
  } else if (t instanceof ArrayType && t.length > INLINE_ELEMENTS) {
    const es = elementSize(t.element);
    b.line(`if (!${b.constant(isArrayLike)}(value, ${t.length})) ${err(w, `an array of ${t.length}`, 'value')}`);
    b.line(`const enc = ${b.constant(encoderOf(t.element))};`);
    b.line(`for (let i = 0; i < ${t.length}; i++) u8.set(enc(value[i], s, arg, path + '[' + i + ']'), i * ${es});`);
  } else {
    emitWrite(b, emitRead(b, t, 'value', w), 'dv', 'u8', '0');
  }
  b.line('return u8;');
  const fn = compileWith<Encoder>(b, ['value', 's', 'arg', 'path'], b.lines.join('\n'));
  if (typeof t === 'string') scalarEncoders.set(t, fn);
  else codecCacheOf(t).encoder = fn;
  return fn;
}

interface CodecCache {
  decoder?: Decoder;
  encoder?: Encoder;
}

function codecCacheOf(t: FfiType): CodecCache {
  const holder = t as { codecCache?: unknown };
  if (holder.codecCache === undefined) holder.codecCache = {} as CodecCache;
  return holder.codecCache as CodecCache;
}

/** True for types whose values are objects or arrays (records, arrays). */
export function isAggregate(t: ValueType): t is RecordType | ArrayType {
  return t instanceof RecordType || t instanceof ArrayType;
}

