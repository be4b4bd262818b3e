/**
 * Callbacks: JS functions as C function pointers.
 *
 *   callback(fn, signature)   a record in the addon (native/ffi.c) holding the generated
 *                             wrapper of `fn`, and a thunk from the host target
 *                             (`Target.callbackThunk`) whose address C calls
 *   C calls the address       thunk: arguments -> frame -> dispatcher(record, frame)
 *                             dispatcher on the JS thread: frame -> argument buffer, wrapper()
 *                             wrapper: decode arguments, fn(...), check and store the result
 *                             from another thread: queued to the JS thread (`threads` option)
 *
 * A JS exception inside `fn` (or a result of the wrong type) stays pending: the callback
 * returns zero (all result bytes zero), later callbacks during the same native call return
 * zero without running, and the exception is thrown to the JS caller when the outer native
 * call returns. From another thread it becomes an uncaught exception (process
 * 'uncaughtException'), the calling thread getting zero.
 *
 * `free()` releases the JS function. The thunk and the record stay allocated (a few hundred
 * bytes per callback), so that C calling a freed callback finds it marked freed and aborts
 * the process with a message instead of jumping into reused memory.
 */
import { hostTarget } from '../codegen/host.js';
import { native } from './addon.js';
import { argumentWhere, checkScalarCode, addressCheckCode, emitDecode, emitRead, emitWrite, emitZero, SourceBuilder } from './codec.js';
import { CodeMemory, type CodeHandle } from './code-memory.js';
import { FunctionPointerType, HandleType, PointerType, RecordType, type CallbackLike } from './ffi-types.js';
import { emitSlotDecode, storeSlotCode } from './ffi-marshal.js';
import { registerCallback, unregisterCallback } from './fiber-calls.js';
import { argViews, MarshalSupport } from './marshal.js';
import { MAX_SLOTS, NativeSignature, type NativeResult, type NativeArg, type NativeSignatureSpec, type ArgType } from './signature.js';

/** How calls from threads other than the callback's JS thread are handled. */
export type CallbackThreads = 'wait' | 'post';

/** Options of `callback`. */
export interface CallbackOptions {
  /** Name for error messages and the abort message of a call after free() (default: the function's name). */
  name?: string;
  /**
   * Calls from other threads (a C library's worker thread, a `fn.async` call): `'wait'`
   * (default) queues the call to the JS thread and blocks the calling thread until JS has
   * returned, with JS's result; `'post'` queues it and returns zero at once (fire and forget).
   * A thread that waits while the JS thread waits for it deadlocks: call such C functions
   * with `fn.async`.
   */
  threads?: CallbackThreads;
}

/** The parameters a callback with argument types A receives. */
export type CallbackArgs<A extends readonly ArgType[]> =
  number extends A['length'] ? unknown[] : { -readonly [K in keyof A]: NativeResult<A[K]> };

/** What a callback of signature S returns. */
export type CallbackResult<S extends NativeSignatureSpec> =
  'result' extends keyof S ? (S['result'] extends 'void' | undefined ? unknown : NativeArg<S['result']>) : unknown;

// Callback thunks live in their own code memory, never freed (see the module comment): their
// handles are kept here for the process's life, or the code memory's collector would free a
// thunk once its Callback object is garbage-collected while C still holds the address.
let thunkMemory: CodeMemory | undefined;
const keptThunks: CodeHandle[] = [];
function thunks(): CodeMemory {
  if (thunkMemory === undefined) thunkMemory = new CodeMemory();
  return thunkMemory;
}

let dispatchAddress: bigint | undefined;

/** A JS function callable from C through `address` (made by `callback`). */
export class Callback<S extends NativeSignatureSpec = NativeSignatureSpec> implements CallbackLike {
  /** The C function pointer. */
  readonly address: bigint;
  /** The signature. */
  readonly signature: NativeSignature;
  /** The name in messages. */
  readonly name: string;
  private readonly record: bigint;
  private readonly id: number;
  private freed = false;
  private refd = false;
  /** Phantom: the signature spec (types only). */
  declare readonly __spec: S;

  /** Use `callback(fn, signature, options)`. */
  constructor(address: bigint, record: bigint, signature: NativeSignature, name: string, id: number) {
    this.address = address;
    this.record = record;
    this.id = id;
    this.signature = signature;
    this.name = name;
  }

  /** The key of the signature (a fnptr type accepts callbacks of the same key). */
  get signatureKey(): string {
    return this.signature.key;
  }

  /** True once freed. */
  get isFreed(): boolean {
    return this.freed;
  }

  /** Releases the JS function; C must not call the address afterwards (it would abort the process). */
  free(): void {
    if (this.freed) return;
    this.freed = true;
    native.callbackFree(this.record);
    unregisterCallback(this.id);
  }

  /** Keeps the event loop alive while this callback exists, so calls queued from other threads are run (like a ref'ed timer). */
  ref(): this {
    if (this.freed) throw new Error(`callback ${this.name}: ref() after free()`);
    if (!this.refd) native.callbackRef(this.record, true);
    this.refd = true;
    return this;
  }

  /** The default: the callback does not keep the event loop alive. */
  unref(): this {
    if (!this.freed && this.refd) native.callbackRef(this.record, false);
    this.refd = false;
    return this;
  }
}

/** Factories of the JS side of callbacks, by signature key. */
const factories = new Map<string, { make: (...a: unknown[]) => () => void; constants: unknown[] }>();

/**
 * A C function pointer that calls `fn` (see the module comment): `callback((a, b) => a - b,
 * { args: ['i32', 'i32'], result: 'i32' })`. Arguments arrive as results of their types do
 * (numbers, bigints, strings for `str`, objects for records, Handles); the result is checked
 * as an argument of its type would be.
 */
export function callback<const S extends NativeSignatureSpec>(
  fn: (...args: CallbackArgs<S['args']>) => CallbackResult<S>,
  sig: S,
  options: CallbackOptions = {},
): Callback<S> {
  if (typeof fn !== 'function') throw new TypeError(`callback: expected a function, got ${typeof fn}`);
  if (options === null || typeof options !== 'object') throw new TypeError('callback: options must be an object');
  const signature = NativeSignature.from(sig);
  const name = options.name ?? (fn.name || 'callback');
  if (typeof name !== 'string') throw new TypeError('callback: name must be a string');
  const threads = options.threads ?? 'wait';
  if (threads !== 'wait' && threads !== 'post') throw new TypeError(`callback ${name}: threads must be 'wait' or 'post', got ${String(threads)}`);
  if (signature.isVariadic) throw new TypeError(`callback ${name}: a callback cannot be variadic`);
  if (signature.result === 'str' || signature.result === 'str16') {
    throw new TypeError(`callback ${name}: a callback cannot return a string (its memory would not outlive the call); return a ptr`);
  }
  let f = factories.get(signature.key);
  if (f === undefined) {
    f = generate(signature);
    factories.set(signature.key, f);
  }
  const wrapper = f.make(argViews(), new MarshalSupport(`callback ${name}`, []), fn, f.constants);
  const layout = derefLayout(signature);
  const id = registerCallback(wrapper, signature.resultSlots);
  const record = native.callbackCreate(wrapper, layout.argSlots, signature.resultSlots, threads === 'post' ? 1 : 0, name, layout.triples, id);
  dispatchAddress ??= native.ffiAddresses().dispatch;
  const frameSlots = Math.max(layout.argSlots, signature.resultSlots) + 1;
  const bytes = hostTarget().callbackThunk(signature, record, dispatchAddress, frameSlots);
  const handle = thunks().place(bytes, { name: `callback:${name}` });
  keptThunks.push(handle);
  return new Callback<S>(handle.address, record, signature, name, id);
}

/**
 * Where the pointees of `deref(T)` arguments go: slots after the arguments, one run per
 * argument; `triples` is [argument slot, first pointee slot, size] per deref argument.
 */
function derefLayout(sig: NativeSignature): { argSlots: number; dest: number[]; triples: Uint32Array } {
  let next = sig.argSlots + 1;
  const dest: number[] = [], triples: number[] = [];
  sig.args.forEach((t, i) => {
    if (t instanceof PointerType && t.direction === 'deref') {
      dest[i] = next;
      triples.push(sig.slots[i]!, next, t.targetSize);
      next += Math.max(1, Math.ceil(t.targetSize / 8));
    }
  });
  if (next - 1 > MAX_SLOTS) throw new RangeError('callback: the arguments and the values behind deref arguments take more than 32 KiB');
  return { argSlots: next - 1, dest, triples: new Uint32Array(triples) };
}

function generate(sig: NativeSignature): { make: (...a: unknown[]) => () => void; constants: unknown[] } {
  const b = new SourceBuilder();
  const dest = derefLayout(sig).dest;
  const decode = b.capture(() => {
    sig.args.forEach((t, i) => {
      if (t instanceof PointerType && t.direction === 'deref') {
        b.line(`const a${i} = (u32[${sig.slots[i]! * 2}] | u32[${sig.slots[i]! * 2 + 1}]) === 0 ? null : ${emitDecode(b, t.target, 'dv', String(dest[i]! * 8))};`);
      } else {
        b.line(`const a${i} = ${emitSlotDecode(b, t, sig.slots[i]!)};`);
      }
    });
  });
  const call = `const r = fn(${sig.args.map((_, i) => `a${i}`).join(', ')});`;
  const store = b.capture(() => emitResultStore(b, sig.result, sig.resultSlots));
  const source = [
    `'use strict';`,
    `const i32 = v.i32, u32 = v.u32, f32 = v.f32, f64 = v.f64, i64 = v.i64, u64 = v.u64, u8 = v.u8, dv = v.dv;`,
    b.constantsPrologue(),
    'return function jitkitCallback() {',
    ...decode, call, ...store,
    '};',
  ].join('\n');
  const make = new Function('v', 's', 'fn', 'K', source) as (...a: unknown[]) => () => void;
  return { make, constants: b.constants };
}

/** Checks the callback's result `r` and stores it in slot 0 (or a record's bytes from slot 1). */
function emitResultStore(b: SourceBuilder, t: ArgType, resultSlots: number): void {
  const w = argumentWhere(-1);
  if (t === 'void') return;
  if (typeof t === 'string') {
    b.line('let x = r;');
    b.line(checkScalarCode(t as Exclude<typeof t, 'void' | 'str' | 'str16'>, 'x', w));
    b.line(storeSlotCode(t as Exclude<typeof t, 'void' | 'str' | 'str16'>, 0, 'x'));
    return;
  }
  if (t instanceof RecordType) {
    const node = emitRead(b, t, 'r', w);
    emitZero(b, 'u8', '8', resultSlots * 8);
    emitWrite(b, node, 'dv', 'u8', '8');
    return;
  }
  if (t instanceof HandleType || t instanceof FunctionPointerType || t instanceof PointerType) {
    b.line('let x = r;');
    b.line(addressCheckCode(b, t, 'x', w));
    b.line(storeSlotCode('ptr', 0, 'x'));
    return;
  }
  throw new TypeError(`callback: cannot return ${(t as { key?: string }).key ?? String(t)}`);
}
