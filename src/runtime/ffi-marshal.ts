/**
 * Generated wrappers for signatures with FFI types (records by value, strings, pointers to
 * JS values, out/in-out parameters, handles, function pointers), and the asynchronous
 * variant (`fn.async`) of every wrapper. The scalar fast path stays in marshal.ts.
 *
 *   phase 1   read and check every argument (user getters may run: nothing shared written yet)
 *   phase 2   write the argument buffer: scalars by slot, records' bytes from their first
 *             slot, addresses of temporary memory (strings, JS values behind pointers)
 *   call      sync: the invoke function; async: invokeAsync, which copies the slots and runs
 *             the thunk on the libuv pool
 *   results   decode slot 0 (scalars, strings, handles) or slots 1.. (records); copy out and
 *             in-out parameters back into their boxes
 *
 * Temporary memory (temp-memory.ts): a synchronous call allocates on the thread's arena and
 * releases it when it returns or throws; an asynchronous call has its own, kept alive with
 * the arguments (buffers passed are pinned) until its promise settles.
 */
import {
  addressCheckCode, argumentWhere, checkScalarCode, decoderOf, emitDecode, emitRead, emitWrite, emitZero,
  encoderOf, err, isArrayLike, makeHandle, SourceBuilder, storeAddressCode, type Where,
} from './codec.js';
import { native } from './addon.js';
import { ArrayType, FfiType, FunctionPointerType, HandleType, PointerType, RecordType, SCALAR_SIZE, type ScalarName } from './ffi-types.js';
import { argViews, isMemory, TARGET_SLOT, THUNK_SLOT, type Entry, type LiveCheck, type MarshalSupport } from './marshal.js';
import { isAbiRecord, type ArgType, type NativeSignature, type ResultType } from './signature.js';
import { privateTempMemory, threadTempMemory } from './temp-memory.js';
import { fiberInvoker } from './fiber-calls.js';

/** Code storing checked scalar local `x` of type `t` into buffer slot `slot` (typed-array views). */
export function storeSlotCode(t: ScalarName, slot: number, x: string): string {
  const w = slot * 2;
  switch (t) {
    case 'i8': case 'i16': case 'i32': case 'u8': case 'u16': return `i32[${w}] = ${x};`;
    case 'u32': return `u32[${w}] = ${x};`;
    case 'bool': return `i32[${w}] = ${x} ? 1 : 0;`;
    case 'f32': return `f32[${w}] = ${x};`;
    case 'f64': return `f64[${slot}] = ${x};`;
    case 'i64': return `i64[${slot}] = ${x};`;
    case 'u64': return `u64[${slot}] = ${x};`;
    case 'ptr': return storeAddressSlot(slot, x);
  }
}

/** Code storing number address `x` into slot `slot`. */
function storeAddressSlot(slot: number, x: string): string {
  return `u32[${slot * 2}] = ${x} >>> 0; u32[${slot * 2 + 1}] = Math.floor(${x} / 4294967296);`;
}

/** An expression reading a scalar of type `t` from slot `slot` (narrow types extended: their upper bits are undefined). */
export function loadSlotCode(t: ScalarName, slot: number): string {
  const w = slot * 2;
  switch (t) {
    case 'i8': return `((i32[${w}] << 24) >> 24)`;
    case 'i16': return `((i32[${w}] << 16) >> 16)`;
    case 'u8': return `(i32[${w}] & 255)`;
    case 'u16': return `(i32[${w}] & 65535)`;
    case 'i32': return `i32[${w}]`;
    case 'u32': return `u32[${w}]`;
    case 'bool': return `((i32[${w}] & 255) !== 0)`;
    case 'f32': return `f32[${w}]`;
    case 'f64': return `f64[${slot}]`;
    case 'i64': return `i64[${slot}]`;
    case 'u64': case 'ptr': return `u64[${slot}]`;
  }
}

/** An expression: the address in slot `slot` as a number. */
function slotAddressCode(slot: number): string {
  return `(u32[${slot * 2 + 1}] * 4294967296 + u32[${slot * 2}])`;
}

/**
 * An expression decoding a value of type `t` that sits in buffer slot `slot` (a scalar, a
 * string's address, a handle's address) or from slot `slot` on (a record's bytes).
 */
export function emitSlotDecode(b: SourceBuilder, t: ResultType, slot: number): string {
  if (t === 'void') return 'undefined';
  if (t === 'str' || t === 'str16') {
    const p = b.local('p');
    b.line(`const ${p} = ${slotAddressCode(slot)};`);
    return `(${p} === 0 ? null : ${b.constant(t === 'str' ? native.readCString : native.readCString16)}(${p}))`;
  }
  if (typeof t === 'string') return loadSlotCode(t, slot);
  if (t instanceof RecordType) return emitDecode(b, t, 'dv', String(slot * 8));
  if (t instanceof HandleType) return `${b.constant(makeHandle)}(${b.constant(t)}, u64[${slot}])`;
  return `u64[${slot}]`; // pointers and function pointers: addresses
}

/** What one argument needs after phase 1: its stores, and what runs after the call. */
interface ArgCode {
  readonly store: string[];
  readonly after: string[];
  readonly usesTemp: boolean;
}

/** Phase 1 of argument `i` (into `b.lines`); returns its phase-2 stores and after-call code. */
function emitArgument(b: SourceBuilder, t: ArgType, i: number, slot: number, minBytes: number): ArgCode {
  const a = `a${i}`;
  const w = argumentWhere(i);
  if (typeof t === 'string' && t !== 'str' && t !== 'str16' && t !== 'void') {
    const x = b.local('x');
    b.line(`let ${x} = ${a};`);
    if (t === 'ptr') b.line(`${x} = ${x} === null ? 0 : s.pointer(${i}, ${x}${minBytes > 0 ? `, ${minBytes}` : ''});`);
    else b.line(checkScalarCode(t, x, w));
    return { store: [storeSlotCode(t, slot, x)], after: [], usesTemp: false };
  }
  if (t === 'str' || t === 'str16') {
    b.line(`if (${a} !== null && typeof ${a} !== 'string') ${err(w, `a string or null`, a)}`);
    b.line(`if (${a} !== null && ${a}.indexOf('\\0') >= 0) ${err(w, 'a string without NUL characters (C would see it end there)', a)}`);
    const x = b.local('x');
    return { store: [`const ${x} = ${a} === null ? 0 : tm.${t === 'str' ? 'utf8' : 'utf16'}(${a});`, storeAddressSlot(slot, x)], after: [], usesTemp: true };
  }
  if (t instanceof RecordType) {
    const node = emitRead(b, t, a, w);
    const store = b.capture(() => {
      emitZero(b, 'u8', String(slot * 8), Math.ceil(t.size / 8) * 8);
      emitWrite(b, node, 'dv', 'u8', String(slot * 8));
    });
    return { store, after: [], usesTemp: false };
  }
  if (t instanceof PointerType) return emitPointerArgument(b, t, i, slot, w);
  if (t instanceof HandleType || t instanceof FunctionPointerType) {
    const x = b.local('x');
    b.line(`let ${x} = ${a};`);
    b.line(addressCheckCode(b, t, x, w));
    return { store: [storeAddressSlot(slot, x)], after: [], usesTemp: false };
  }
  throw new TypeError(`internal error: no argument code for ${(t as FfiType).key}`);
}

/**
 * A `pointer(T)` / `out(T)` / `inout(T)` argument: memory, an address or null pass through;
 * a JS value (in) or a box (out, in-out) is encoded into temporary memory.
 *   box kinds: 1 `[value]`, 2 a record object updated in place, 3 an array of T's length
 */
function emitPointerArgument(b: SourceBuilder, t: PointerType, i: number, slot: number, w: Where): ArgCode {
  const a = `a${i}`, target = t.target;
  const p = b.local('p'), e = b.local('e'), box = b.local('bk');
  b.line(`let ${p} = 0, ${e} = null, ${box} = 0;`);
  b.line(`if (${a} === null) ${p} = 0;`);
  b.line(`else if (typeof ${a} === 'bigint' || ${b.constant(isMemory)}(${a})) ${p} = s.pointer(${i}, ${a});`);
  const enc = b.constant(encoderOf(target));
  if (t.direction === 'in' || t.direction === 'deref') {
    b.line(`else { ${box} = -1; ${e} = ${enc}(${a}, s, ${i}, ''); }`);
  } else {
    const what = target instanceof RecordType ? `memory, an address, null, [value] or a ${target.name} object to fill`
      : target instanceof ArrayType ? `memory, an address, null, or an array of ${target.length} to fill`
      : `memory, an address, null, or a one-element array [value] to fill`;
    const bad = err(w, what, a);
    b.line('else {');
    if (target instanceof RecordType) {
      b.line(`  if (Array.isArray(${a}) && ${a}.length === 1) ${box} = 1; else if (typeof ${a} === 'object') ${box} = 2; else ${bad}`);
    } else if (target instanceof ArrayType) {
      b.line(`  if (${b.constant(isArrayLike)}(${a}, ${target.length})) ${box} = 3; else ${bad}`);
    } else {
      b.line(`  if (Array.isArray(${a}) && ${a}.length === 1) ${box} = 1; else ${bad}`);
    }
    if (t.direction === 'inout') b.line(`  ${e} = ${enc}(${box} === 1 ? ${a}[0] : ${a}, s, ${i}, ${box} === 1 ? '[0]' : '');`);
    b.line('}');
  }
  const size = typeof target === 'string' ? SCALAR_SIZE[target] : target.size;
  const store = [`if (${box} !== 0) ${p} = ${e} === null ? tm.zeros(${size}) : tm.bytes(${e});`, storeAddressSlot(slot, p)];
  const after: string[] = [];
  if (t.direction === 'out' || t.direction === 'inout') {
    const dec = b.constant(decoderOf(target));
    const d = b.local('d');
    after.push(`if (${box} > 0) {`);
    after.push(`  const ${d} = ${dec}(tm.dvAt(${p}), tm.offsetOf(${p}));`);
    after.push(`  if (${box} === 1) ${a}[0] = ${d}; else if (${box} === 2) Object.assign(${a}, ${d}); else for (let j = 0; j < ${d}.length; j++) ${a}[j] = ${d}[j];`);
    after.push('}');
  }
  return { store, after, usesTemp: true };
}

/** The generated functions of one signature (cached by key and liveness check). */
interface Factory {
  readonly make: (...args: unknown[]) => Function;
  readonly constants: unknown[];
}
const syncFactories = new Map<string, Factory>();
const asyncFactories = new Map<string, Factory>();

/**
 * The JS function calling `entry` with signature `sig`: synchronous (`async` false, for
 * signatures with FFI types) or returning a Promise (any signature).
 */
export function ffiMarshal(sig: NativeSignature, entry: Entry, live: LiveCheck | undefined, support: MarshalSupport, async: boolean): Function {
  const cache = async ? asyncFactories : syncFactories;
  const key = `${live ? 'live' : ''}${sig.key}`;
  let f = cache.get(key);
  if (f === undefined) {
    f = generate(sig, live !== undefined, async);
    cache.set(key, f);
  }
  const kind = sig.abiResult === 'f64' ? 1 : sig.abiResult === 'f32' ? 2 : 0;
  // C that takes a callback runs on a fiber, so that its callbacks are plain JS calls (fiber-calls.ts).
  const invoke = sig.args.some((t) => t instanceof FunctionPointerType) ? fiberInvoker(kind) : entry.invoke;
  return f.make(argViews(), support, entry.target, entry.thunk, invoke, native.invokeAsync, live, f.constants, threadTempMemory, privateTempMemory, kind);
}

function generate(sig: NativeSignature, checkLive: boolean, async: boolean): Factory {
  const b = new SourceBuilder();
  const n = sig.args.length;
  const params = Array.from({ length: n }, (_, i) => `a${i}`);
  const phase1 = b.capture(() => {
    b.line(`if (arguments.length !== ${n}) throw s.countError(${n}, arguments.length);`);
    if (checkLive) b.line(`if (live.isFreed) live.assertLive('call');`);
  });
  const stores: string[] = [], after: string[] = [];
  let usesTemp = false;
  phase1.push(...b.capture(() => {
    sig.args.forEach((t, i) => {
      const c = emitArgument(b, t, i, sig.slots[i]!, sig.bufferSizes[i] ?? 0);
      stores.push(...c.store);
      after.push(...c.after);
      usesTemp ||= c.usesTemp;
    });
  }));
  const result = b.capture(() => b.line(`const r = ${emitSlotDecode(b, sig.result, isAbiRecord(sig.abiResult) ? 1 : 0)};`));
  const call = [`f64[${TARGET_SLOT}] = target;`, `f64[${THUNK_SLOT}] = thunk;`];
  let body: string[];
  if (!async) {
    body = [
      `return function jitkitCall(${params.join(', ')}) {`,
      ...phase1,
      ...(usesTemp ? ['const tm = arena(), mark = tm.top, chunks = tm.chunks.length;', 'try {'] : []),
      ...stores, ...call, 'invoke();', ...result, ...after, 'return r;',
      ...(usesTemp ? ['} finally { tm.release(mark, chunks); }'] : []),
      '};',
    ];
  } else {
    // `start` throws argument errors; the returned function turns them into rejections.
    body = [
      `function start(${params.join(', ')}) {`,
      ...phase1,
      'const tm = privateTemp();',
      ...stores, ...call,
      `const keep = [${[...params, 'tm'].join(', ')}];`,
      `return invokeAsync(kind, ${sig.argSlots}, ${sig.resultSlots}).then((ab) => {`,
      'u8.set(new Uint8Array(ab), 0);',
      ...result, ...after,
      'keep.length = 0;',
      'return r;',
      '});',
      '}',
      `return function jitkitCallAsync(${params.join(', ')}) {`,
      `try { return start.apply(undefined, arguments); } catch (error) { return Promise.reject(error); }`,
      '};',
    ];
  }
  const source = [
    `'use strict';`,
    `const i32 = v.i32, u32 = v.u32, f32 = v.f32, f64 = v.f64, i64 = v.i64, u64 = v.u64, u8 = v.u8, dv = v.dv;`,
    b.constantsPrologue(),
    ...body,
  ].join('\n');
  const make = new Function('v', 's', 'target', 'thunk', 'invoke', 'invokeAsync', 'live', 'K', 'arena', 'privateTemp', 'kind', source) as Factory['make'];
  return { make, constants: b.constants };
}
