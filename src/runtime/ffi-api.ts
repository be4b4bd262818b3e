/**
 * FFI values outside calls: C bytes <-> JS values for any FFI type, live views of records in
 * memory, and reading native memory behind addresses.
 *
 *   encode(T, value)              a Buffer with the C bytes of value (T.size bytes)
 *   decode(T, source, offset?)    the JS value of the bytes in a buffer, or at a bigint address
 *   view(T, buffer, offset?)      an object whose properties read and write the record's
 *                                 fields in the buffer (nested records are views too)
 *   sizeOf(T), alignOf(T)         layout
 *   readCString(address), readCString16(address), memoryAt(address, length), addressOf(buffer)
 *
 * Addresses are bigints. Reading an invalid address crashes the process, as in C.
 */
import { native } from './addon.js';
import { argumentWhere, decoderOf, emitDecode, emitWrite, encoderOf, readField, SourceBuilder } from './codec.js';
import { RecordType, SCALAR_SIZE, checkValueType, type JsIn, type JsOut, type ValueType } from './ffi-types.js';
import { isMemory, MarshalSupport } from './marshal.js';
import { describe } from '../util/describe.js';

/** Size in bytes of a value type. */
export function sizeOf(t: ValueType): number {
  checkValueType(t, 'sizeOf');
  return typeof t === 'string' ? SCALAR_SIZE[t] : t.size;
}

/** Alignment in bytes of a value type. */
export function alignOf(t: ValueType): number {
  checkValueType(t, 'alignOf');
  return typeof t === 'string' ? SCALAR_SIZE[t] : t.align;
}

function typeName(t: ValueType): string {
  return typeof t === 'string' ? t : t instanceof RecordType ? t.name : t.key;
}

/** The C bytes of `value` as type `t`, in a new Buffer (padding zero). */
export function encode<const T extends ValueType>(t: T, value: JsIn<T>): Buffer {
  checkValueType(t, 'encode');
  const bytes = encoderOf(t)(value, new MarshalSupport(`encode(${typeName(t)})`, []), -2, '');
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A DataView of `size` bytes of `source` (memory, or a bigint address) from `offset`. */
function bytesAt(what: string, source: unknown, offset: number, size: number): DataView {
  if (!Number.isSafeInteger(offset) || offset < 0) throw new RangeError(`${what}: offset must be a non-negative integer, got ${describe(offset)}`);
  if (typeof source === 'bigint') {
    if (source <= 0n || source >= 1n << 64n) throw new RangeError(`${what}: ${describe(source)} is not a valid address`);
    return new DataView(native.viewAt(source + BigInt(offset), size));
  }
  if (!isMemory(source)) throw new TypeError(`${what}: expected a Buffer, typed array, DataView, ArrayBuffer or bigint address, got ${describe(source)}`);
  const view = ArrayBuffer.isView(source) ? source : null;
  const buffer = view ? view.buffer : (source as ArrayBuffer);
  const start = (view ? view.byteOffset : 0) + offset;
  const length = view ? view.byteLength : (source as ArrayBuffer).byteLength;
  if (offset + size > length) throw new RangeError(`${what}: needs ${size} bytes at offset ${offset}, the buffer has ${length}`);
  return new DataView(buffer, start, size);
}

/** The JS value of type `t` in `source` (a buffer from `offset`, or memory at a bigint address). */
export function decode<const T extends ValueType>(t: T, source: ArrayBufferView | ArrayBuffer | bigint, offset = 0): JsOut<T> {
  const size = sizeOf(t);
  return decoderOf(t)(bytesAt(`decode(${typeName(t)})`, source, offset, size), 0) as JsOut<T>;
}

/** Makes the class of live views of record type `t` (generated once per type). */
function viewClass(t: RecordType): new (dv: DataView, o: number) => object {
  const holder = t as unknown as { viewClass?: new (dv: DataView, o: number) => object };
  if (holder.viewClass !== undefined) return holder.viewClass;
  const b = new SourceBuilder();
  const members: string[] = [];
  for (const f of t.fields) {
    const name = JSON.stringify(f.name);
    const at = `this.o + ${f.offset}`;
    let get: string;
    if (f.bitWidth < 0 && f.type instanceof RecordType) {
      const inner = f.type;
      get = `new (${b.constant(() => viewClass(inner))}())(this.dv, ${at})`;
    } else if (f.bitWidth < 0) {
      get = emitDecode(b, f.type, 'this.dv', at);
    } else {
      // A bit-field: decode the record's field from the record's offset.
      get = `(${emitDecode(b, t, 'this.dv', 'this.o')})[${name}]`;
    }
    const set = b.capture(() => {
      b.line(`const u8 = new Uint8Array(this.dv.buffer, this.dv.byteOffset, this.dv.byteLength);`);
      const node = readField(b, f, 'box', argumentWhere(-2));
      emitWrite(b, node, 'this.dv', 'u8', node.k === 'bits' ? 'this.o' : at);
    });
    members.push(`get [${name}]() { return ${get}; }`);
    members.push(`set [${name}](value) { const box = { [${name}]: value }; const s = ${b.constant(new MarshalSupport(`view(${t.name})`, []))};\n${set.join('\n')}\n}`);
  }
  const source = `class View { constructor(dv, o) { Object.defineProperty(this, 'dv', { value: dv }); Object.defineProperty(this, 'o', { value: o }); } ${members.join('\n')} }; return View;`;
  const make = new Function('K', `'use strict';\n${b.constantsPrologue()}\n${source}`) as (k: unknown[]) => new (dv: DataView, o: number) => object;
  holder.viewClass = make(b.constants);
  return holder.viewClass;
}

/**
 * A live view of record type `t` in `buffer` at `offset`: reading a property decodes the
 * field's bytes, assigning it encodes them (nested records are views; arrays decode to copies).
 */
export function view<T extends RecordType<any, any>>(t: T, buffer: ArrayBufferView | ArrayBuffer | bigint, offset = 0): JsOut<T> {
  if (!(t instanceof RecordType)) throw new TypeError(`view: expected a struct or union type, got ${describe(t)}`);
  const dv = bytesAt(`view(${t.name})`, buffer, offset, t.size);
  const View = viewClass(t);
  return new View(dv, 0) as JsOut<T>;
}

/** The NUL-terminated UTF-8 string at `address` (null for 0n). */
export function readCString(address: bigint): string | null {
  if (typeof address !== 'bigint') throw new TypeError(`readCString: expected a bigint address, got ${describe(address)}`);
  if (address === 0n) return null;
  if (address < 0n || address >= 1n << 53n) throw new RangeError(`readCString: ${address} is not a valid address`);
  return native.readCString(Number(address));
}

/** The 0-terminated UTF-16 string at `address` (null for 0n). */
export function readCString16(address: bigint): string | null {
  if (typeof address !== 'bigint') throw new TypeError(`readCString16: expected a bigint address, got ${describe(address)}`);
  if (address === 0n) return null;
  if (address < 0n || address >= 1n << 53n) throw new RangeError(`readCString16: ${address} is not a valid address`);
  return native.readCString16(Number(address));
}

/** A Buffer over `length` bytes of native memory at `address` (no copy; valid while that memory is). */
export function memoryAt(address: bigint, length: number): Buffer {
  if (typeof address !== 'bigint' || address <= 0n || address >= 1n << 64n) throw new TypeError(`memoryAt: expected a bigint address, got ${describe(address)}`);
  if (!Number.isSafeInteger(length) || length < 0 || length > 0xffffffff) throw new RangeError(`memoryAt: length must be an integer from 0 to 2^32-1, got ${describe(length)}`);
  return Buffer.from(native.viewAt(address, length));
}

/** The data address of a buffer (a Buffer, typed array, DataView or ArrayBuffer; views include their byteOffset). */
export function addressOf(buffer: ArrayBufferView | ArrayBuffer | SharedArrayBuffer): bigint {
  if (!isMemory(buffer)) throw new TypeError(`addressOf: expected a Buffer, typed array, DataView or ArrayBuffer, got ${describe(buffer)}`);
  return BigInt(new MarshalSupport('addressOf', []).pointer(0, buffer));
}

