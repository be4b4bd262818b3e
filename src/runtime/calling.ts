/**
 * The calling layer: turns a native address (jitted code or a C symbol) and a
 * NativeSignature into a real JS function.
 *
 *   wrap(target, sig) = marshal(sig)        JS: check + store args in the shared buffer
 *                     + native.invoke*()    one zero-argument Node-API call
 *                     + entry thunk(sig)    machine code from the host target (`Target.entryThunk`,
 *                                           src/codegen/host.ts): load registers, jump or call
 *
 * A faster native-call mechanism (e.g. Node >= 26's node:ffi fast calls) would
 * replace only the middle step: the `Entry` a wrapper gets (marshal.ts; made
 * by `invokerFor` here) is the seam. Signatures, thunks and the JS-side checks
 * stay as they are, and so does the public API.
 */
import { hostTarget } from '../codegen/host.js';
import { native } from './addon.js';
import { CodeHandle, CodeMemory } from './code-memory.js';
import { ffiMarshal } from './ffi-marshal.js';
import { invokerFor, marshal, marshalGeneric, MarshalSupport, type LiveCheck } from './marshal.js';
import { NativeSignature, type NativeArgs, type NativeResultOf, type NativeSignatureSpec } from './signature.js';

/** Options for `wrap`. */
export interface WrapOptions {
  /** Function name for errors and `fn.name`. */
  name?: string;
  /** Argument names for error messages. */
  argNames?: readonly string[];
  /** Debug mode: the thunk traps (ud2) if the stack is not 16-byte aligned at the call. */
  checkStackAlignment?: boolean;
  /** Interpret the signature per call instead of generating JS (what hosts without eval use). */
  generic?: boolean;
}

/**
 * A JS function made by `wrap`, with what it wraps attached. Its parameter and result
 * types follow the signature when that is written as a literal (or `as const`): with
 * `{ args: ['ptr', 'i32'], result: 'i64' }` it is `(a: PointerValue, b: number) => bigint`.
 */
export interface WrappedFunction<S extends NativeSignatureSpec = NativeSignatureSpec> {
  (...args: NativeArgs<S['args']>): NativeResultOf<S>;
  /**
   * The same call on the libuv thread pool: the arguments are checked and copied now, the
   * promise resolves to the result. Buffers passed stay referenced until it settles (do not
   * detach or transfer them meanwhile); out and in-out boxes are filled before it resolves.
   */
  async(...args: NativeArgs<S['args']>): Promise<NativeResultOf<S>>;
  /** The native address called. */
  readonly address: bigint;
  /** The signature. */
  readonly signature: NativeSignature;
  /** The name used in error messages. */
  readonly nativeName: string;
}

// Thunks live in their own code memory, which users never dispose.
let thunkMemory: CodeMemory | undefined;
function thunks(): CodeMemory {
  if (thunkMemory === undefined) thunkMemory = new CodeMemory();
  return thunkMemory;
}

let evalAllowed: boolean | undefined;
function canGenerateCode(): boolean {
  if (evalAllowed === undefined) {
    try {
      evalAllowed = new Function('return true')() === true;
    } catch {
      evalAllowed = false;
    }
  }
  return evalAllowed;
}

/**
 * Makes a JS function that calls native code at `target` with signature `sig`.
 * `target` is a CodeHandle (calls throw once it is freed) or a raw bigint address
 * (e.g. from `symbol()`); a raw address must stay valid as long as the function is used.
 */
export function wrap<const S extends NativeSignatureSpec>(target: CodeHandle | bigint, sig: S, options: WrapOptions = {}): WrappedFunction<S> {
  const signature = NativeSignature.from(sig);
  let address: bigint;
  let live: LiveCheck | undefined;
  if (target instanceof CodeHandle) {
    address = target.address;
    live = target;
  } else if (typeof target === 'bigint') {
    if (target <= 0n || target >= 1n << 64n) throw new RangeError(`wrap: address ${target} is not a valid code address`);
    address = target;
  } else {
    throw new TypeError('wrap: target must be a CodeHandle or a bigint address');
  }
  const name = options.name ?? (target instanceof CodeHandle ? target.name : `native_0x${address.toString(16)}`);
  if (options.argNames !== undefined && !Array.isArray(options.argNames)) throw new TypeError('wrap: argNames must be an array of strings');
  const thunk = thunkFor(signature, options.checkStackAlignment === true);
  const entry = { target: Number(address), thunk, invoke: invokerFor(signature.abiResult) };
  const support = new MarshalSupport(name, options.argNames ?? []);
  const useGeneric = options.generic === true || !canGenerateCode();
  const fn = (signature.hasFfiTypes && !useGeneric
    ? ffiMarshal(signature, entry, live, support, false)
    : (useGeneric ? marshalGeneric : marshal)(signature, entry, live, support)) as WrappedFunction<S>;
  let asyncCall: Function | undefined;
  (fn as { async: Function }).async = (...args: unknown[]): unknown => {
    if (asyncCall === undefined) {
      if (useGeneric) throw new TypeError(`${name}.async: asynchronous calls need code generation from strings, which this host disallows (or { generic: true } was given)`);
      asyncCall = ffiMarshal(signature, entry, live, support, true);
    }
    return asyncCall(...args);
  };
  // (fn.name is not renamed: defineProperty costs ~300 ns, a third of installing a
  // function. Errors name the function; `fn.nativeName` carries it.)
  (fn as { nativeName: string }).nativeName = name;
  // `live` (the CodeHandle) is captured by the function, keeping the code alive as long as it.
  (fn as { address: bigint }).address = address;
  (fn as { signature: NativeSignature }).signature = signature;
  return fn;
}

// One entry thunk per signature (and debug flag), placed once and kept for the process.
const thunkCache = new Map<string, { handle: CodeHandle; address: number }>();

/** Internal (tests): the entry thunk `wrap` uses for a signature, as a bigint address. */
export function entryThunkAddress(sig: NativeSignature | NativeSignatureSpec, checkStackAlignment = false): bigint {
  return BigInt(thunkFor(NativeSignature.from(sig), checkStackAlignment));
}

/** The entry thunk's address for a signature, assembled and placed on first use. */
function thunkFor(signature: NativeSignature, checkStackAlignment: boolean): number {
  const key = checkStackAlignment ? signature.abiKey + '!align' : signature.abiKey;
  let t = thunkCache.get(key);
  if (t === undefined) {
    const bytes = hostTarget().entryThunk(signature, { checkStackAlignment });
    const handle = thunks().place(bytes, { name: `entry${key}` });
    t = { handle, address: Number(handle.address) };
    thunkCache.set(key, t);
  }
  return t.address;
}

/** Options of `Library.open`. */
export interface LibraryOptions {
  /** Bind the library's references to its own symbols to itself first (RTLD_DEEPBIND on glibc; default true). */
  deepBind?: boolean;
}

/** A loaded shared library. */
export class Library {
  private readonly handle: bigint;
  private readonly cache = new Map<string, bigint>();
  /** The path given, or null for the process itself (libc and everything loaded). */
  readonly path: string | null;

  /** Use `Library.open`. */
  protected constructor(path: string | null, handle: bigint) {
    this.path = path;
    this.handle = handle;
  }

  /**
   * Opens a shared library (dlopen, RTLD_NOW); null opens the process's global namespace.
   * Libraries stay loaded. By default (`deepBind: true`, glibc's RTLD_DEEPBIND) the library's
   * calls to its own functions stay inside it: Node exports the symbols of the zlib, OpenSSL
   * and libuv it contains, and without it libz.so's deflateInit_ would call Node's
   * deflateInit2_. `deepBind: false` lets the process's definitions win, as plain dlopen does.
   */
  static open(path: string | null, options: LibraryOptions = {}): Library {
    if (path !== null && typeof path !== 'string') throw new TypeError('Library.open: path must be a string or null');
    if (options === null || typeof options !== 'object') throw new TypeError('Library.open: options must be an object');
    const deepBind = options.deepBind ?? true;
    if (typeof deepBind !== 'boolean') throw new TypeError('Library.open: deepBind must be a boolean');
    return new this(path, native.dlopen(path, deepBind)); // `this`: a subclass opens instances of itself
  }

  /** The address of `name`; throws `dlsym failed: ...` if it is not defined. */
  symbol(name: string): bigint {
    if (typeof name !== 'string' || name === '') throw new TypeError('Library.symbol: name must be a non-empty string');
    let a = this.cache.get(name);
    if (a === undefined) {
      a = native.dlsym(this.handle, name);
      this.cache.set(name, a);
    }
    return a;
  }

  /** `wrap(this.symbol(name), sig)`. */
  func<const S extends NativeSignatureSpec>(name: string, sig: S, options: WrapOptions = {}): WrappedFunction<S> {
    return wrap(this.symbol(name), sig, { name, ...options });
  }
}

let processLibrary: Library | undefined;

/** Looks up a C symbol in the process (libc and every library already loaded), or in `library`. */
export function symbol(name: string, library?: Library): bigint {
  if (library !== undefined) return library.symbol(name);
  if (processLibrary === undefined) processLibrary = Library.open(null);
  return processLibrary.symbol(name);
}
