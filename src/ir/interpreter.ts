/**
 * Reference interpreter: executes IR directly and thereby *defines* its
 * semantics (docs/ir.md, "Semantics"). Correctness over speed.
 *
 * Value representation inside the interpreter ("IR values"):
 *   i8, i16, i32 -> JS number, sign-extended to the width (canonical signed form)
 *   i64, ptr     -> bigint in signed 64-bit canonical form
 *   f32          -> its bits as a JS number, a signed int32 (like i32)
 *   f64          -> its bits as a bigint, signed 64-bit (like i64)
 * Floats are bits so that NaN results are exact (src/ir/float-bits.ts explains why a
 * JS number cannot carry them); `bitcast` is then the identity. At the edges (`call`
 * arguments and results, JS import hooks) floats are JS numbers.
 *
 * Address model: an address is `region << 32 | offset`. Region 0 is unmapped
 * (null); region 1 is the stack (stack slots, bump-allocated per call and
 * zero-filled); then one region per module data object (external data: the JS buffer
 * `options.data` binds to it, else an empty region); JS buffers passed as
 * `ptr` arguments get a region on first use, aliasing the buffer's bytes. Every
 * access is bounds-checked against its region and traps `heap_oob` outside it.
 * Function addresses (`func_addr`) live in region 0xFFFFF and cannot be loaded.
 */
import { DataObject, Func, Import, Inst, Module, NONE } from './function.js';
import {
  FloatCC, IntCC, OPCODES, Opcode, TrapCode, isShift, trapDescription, trapName, unhandledOpcode,
  type ConvertOpcode, type IntArithOpcode, type IntUnaryOpcode, type ShiftOpcode,
} from './opcodes.js';
import { instText } from './printer.js';
import { verifyModule } from './verifier.js';
import { Signature, Type, sameSignature, signatureText, typeBits, typeName } from './types.js';
import {
  evalF32Binary, evalF32Unary, evalF64Binary, evalF64Unary, evalFcmp, evalFcvtFromInt, evalFcvtToInt, evalFcvtToIntSat,
} from './semantics.js';
import { demoteBits, f32FromBits, f32ToBits, f64FromBits, f64ToBits, promoteBits } from './float-bits.js';
import { formatPrintf, type ArgSource } from './printf.js';
import { nativeArguments, nativeResults } from './native-call.js';

/** A value as the interpreter holds it: number (i8..i32, f32 bits) or bigint (i64, ptr, f64 bits). */
export type IrValue = number | bigint;

/** Thrown when interpreted code traps; `trap` is the trap name (`int_divz`, `user3`, ...). */
export class TrapError extends Error {
  /** Trap name, e.g. `int_divz`. */
  readonly trap: string;
  /** Numeric `TrapCode`. */
  readonly code: number;
  /** What the message says after the trap's description (location, address, ...). */
  readonly where: string;
  /** Creates a trap error for `code`, with an optional location. */
  constructor(code: number, where = '') {
    super(`trap ${trapName(code)}: ${trapDescription(code)}${where}`);
    this.name = 'TrapError';
    this.trap = trapName(code);
    this.code = code;
    this.where = where;
  }
}

/** One memory region of the address model. */
export interface Region {
  /** The bytes (may alias a caller's buffer). */
  readonly bytes: Uint8Array;
  /** DataView over `bytes`. */
  readonly view: DataView;
  /** Writes trap when true. */
  readonly readonly: boolean;
  /** Description for messages. */
  readonly name: string;
}

const REGION_SHIFT = 32n;
const FUNC_REGION = 0xfffff;
/** `stack_save` marks are addresses in region MARK_REGION + the call's serial number (never mapped). */
const MARK_REGION = 0x100000;
/**
 * `label_addr N` is an address in region LABEL_REGION + N (never mapped) whose low 32 bits are
 * those of the function's `func_addr`: unique per function and label.
 */
const LABEL_REGION = 0x7ff00000;

/** The interpreter's memory: regions addressed as `region << 32 | offset`. */
export class Memory {
  /** Regions by id (0 is the null region). */
  readonly regions: (Region | undefined)[] = [undefined];
  private readonly mapped = new Map<object, bigint>();
  /** Ids of freed `stack_alloc` regions. */
  private readonly freeIds: number[] = [];

  /** Adds a region over `bytes` and returns its base address. */
  addRegion(bytes: Uint8Array, name: string, readonly = false): bigint {
    const id = this.regions.length;
    if (id >= FUNC_REGION) throw new Error('interpreter: too many memory regions');
    this.regions.push({ bytes, view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), readonly, name });
    return BigInt(id) << REGION_SHIFT;
  }
  /**
   * Adds a region for a `stack_alloc` of `size` bytes (zero-filled) and returns its id. Ids of freed
   * ones are reused only once every id is taken, so an access through a stale pointer traps.
   */
  addStackRegion(size: number): number {
    const bytes = new Uint8Array(size);
    const region = { bytes, view: new DataView(bytes.buffer), readonly: false, name: 'stack_alloc' };
    let id = this.regions.length;
    if (id < FUNC_REGION) this.regions.push(region);
    else {
      id = this.freeIds.pop() ?? -1;
      if (id < 0) throw new Error('interpreter: too many memory regions');
      this.regions[id] = region;
    }
    return id;
  }
  /** Frees a region made by `addStackRegion` (later accesses trap heap_oob). */
  freeStackRegion(id: number): void {
    this.regions[id] = undefined;
    this.freeIds.push(id);
  }
  /** Maps a JS buffer (its bytes, aliased) and returns its address; the same object maps to the same address. */
  mapBuffer(buf: ArrayBufferView | ArrayBuffer): bigint {
    let a = this.mapped.get(buf);
    if (a === undefined) {
      const bytes = buf instanceof ArrayBuffer ? new Uint8Array(buf) : new Uint8Array(buf.buffer as ArrayBuffer, buf.byteOffset, buf.byteLength);
      a = this.addRegion(bytes, buf.constructor.name);
      this.mapped.set(buf, a);
    }
    return a;
  }
  /** Resolves `addr + offset` for an access of `size` bytes; traps heap_oob when out of bounds. */
  locate(addr: bigint, offset: number, size: number, write: boolean): { region: Region; at: number } {
    let id = Number(addr >> REGION_SHIFT);
    let at = Number(addr & 0xffffffffn) + offset;
    // The address is the 64-bit sum: an offset may carry into (or borrow from) the region number,
    // as for a pointer to just before an object with a positive offset.
    if (at < 0 || at >= 0x100000000) {
      const carry = Math.floor(at / 0x100000000);
      id += carry;
      at -= carry * 0x100000000;
    }
    const region = id >= 0 ? this.regions[id] : undefined;
    if (region === undefined || at < 0 || at + size > region.bytes.length || (write && region.readonly)) {
      throw new TrapError(TrapCode.HeapOob, ` (address 0x${BigInt.asUintN(64, addr + BigInt(offset)).toString(16)}, ${size} bytes${region ? ` in ${region.name}` : ''})`);
    }
    return { region, at };
  }
  /** A view of `length` bytes at `addr` (bounds-checked; aliases memory). */
  bytes(addr: bigint, length: number, write = false): Uint8Array {
    const { region, at } = this.locate(addr, 0, length, write);
    return region.bytes.subarray(at, at + length);
  }
}

/**
 * A JS implementation of an imported function. Arguments and results are JS values: integers as
 * the interpreter holds them (i8..i32 numbers, i64/ptr bigints), floats as numbers. `types` are the
 * IR types of `args` (for a variadic import they tell the extra arguments apart: i32 and f64 are both
 * numbers).
 */
export type ImportHook = (args: IrValue[], memory: Memory, types: readonly Type[]) => IrValue | IrValue[] | void;

/** Options of `Interpreter`. */
export interface InterpreterOptions {
  /** JS implementations of imports, by name (checked before built-ins). */
  imports?: Record<string, ImportHook>;
  /** Other modules providing `import ... from "name"` functions (matched by `Module.name`). */
  modules?: Module[];
  /** Maximum call depth before trapping `stk_ovf` (default 1000). */
  maxDepth?: number;
  /** Stack region size in bytes (default 1 MiB). */
  stackSize?: number;
  /** Verify the modules first and throw on invalid IR (default true). */
  verify?: boolean;
  /**
   * JS buffers holding external data (`import data %name`), by name: `global_addr` gives the
   * buffer's address (the same as passing the buffer as a `ptr`), and its bytes are the object's.
   * External data not given here has an address but no bytes: any access traps `heap_oob`.
   */
  data?: Record<string, ArrayBufferView | ArrayBuffer>;
}

/** A built-in libc function; unlike a hook it works on IR values (floats as bits), so it keeps NaN bits exact. */
interface Builtin {
  readonly sig: Signature;
  readonly fn: (args: IrValue[], memory: Memory, types: readonly Type[]) => IrValue;
}

/** The magic word of a va_list set up by the interpreter's va_start. */
const VA_MAGIC = 0x4a4b5641;

/** A va_list being read: `next(T)` for va_arg, and the printf family's view of it. */
interface VaSource extends ArgSource {
  /** The next extra argument as type T. */
  next(t: Type): IrValue;
}

/** libc functions the interpreter provides for C imports; `vaList` reads a va_list (vsnprintf). */
function builtins(vaList: (addr: bigint) => ArgSource): Map<string, Builtin> {
  const m = new Map<string, Builtin>();
  const add = (name: string, params: Type[], results: Type[], fn: Builtin['fn'], variadic = false): void => {
    m.set(name, { sig: { params, results, variadic }, fn });
  };
  add('memcmp', [Type.Ptr, Type.Ptr, Type.I64], [Type.I32], ([a, b, n], mem) => {
    const len = Number(n);
    const x = mem.bytes(a as bigint, len), y = mem.bytes(b as bigint, len);
    for (let i = 0; i < len; i++) if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
    return 0;
  });
  add('memcpy', [Type.Ptr, Type.Ptr, Type.I64], [Type.Ptr], ([d, s, n], mem) => {
    mem.bytes(d as bigint, Number(n), true).set(mem.bytes(s as bigint, Number(n)).slice());
    return d;
  });
  add('memset', [Type.Ptr, Type.I32, Type.I64], [Type.Ptr], ([d, c, n], mem) => {
    mem.bytes(d as bigint, Number(n), true).fill((c as number) & 0xff);
    return d;
  });
  add('strlen', [Type.Ptr], [Type.I64], ([s], mem) => {
    let n = 0;
    while (mem.bytes((s as bigint) + BigInt(n), 1)[0] !== 0) n++;
    return BigInt(n);
  });
  add('abs', [Type.I32], [Type.I32], ([x]) => Math.abs(x as number) | 0);
  add('labs', [Type.I64], [Type.I64], ([x]) => BigInt.asIntN(64, (x as bigint) < 0n ? -(x as bigint) : (x as bigint)));
  // sqrt and fabs are exactly fsqrt and fabs (glibc's are sqrtsd and andpd), NaN bits included.
  add('sqrt', [Type.F64], [Type.F64], ([x]) => evalF64Unary(Opcode.FSqrt, x as bigint));
  add('fabs', [Type.F64], [Type.F64], ([x]) => evalF64Unary(Opcode.FAbs, x as bigint));
  const libm = (fn: (...a: number[]) => number) => (args: IrValue[]): IrValue => f64ToBits(fn(...args.map((a) => f64FromBits(a as bigint))));
  add('sin', [Type.F64], [Type.F64], libm(Math.sin));
  add('cos', [Type.F64], [Type.F64], libm(Math.cos));
  add('pow', [Type.F64, Type.F64], [Type.F64], libm(Math.pow));
  add('snprintf', [Type.Ptr, Type.I64, Type.Ptr], [Type.I32], (args, mem, types) =>
    printTo(mem, args[0] as bigint, args[1] as bigint, args[2] as bigint, listSource('snprintf', args, types, 3)), true);
  add('vsnprintf', [Type.Ptr, Type.I64, Type.Ptr, Type.Ptr], [Type.I32], (args, mem) =>
    printTo(mem, args[0] as bigint, args[1] as bigint, args[2] as bigint, vaList(args[3] as bigint)));
  return m;
}

/** The `ArgSource` of a variadic call's extra arguments `args[from..]` (of IR types `types`). */
function listSource(what: string, args: readonly IrValue[], types: readonly Type[], from: number): ArgSource {
  let k = from;
  const next = (conv: string, float: boolean): IrValue => {
    if (k >= args.length) throw new TrapError(TrapCode.HeapOob, ` (${what}: no argument left for ${conv})`);
    const t = types[k]!;
    if ((t === Type.F32 || t === Type.F64) !== float) throw new TrapError(TrapCode.HeapOob, ` (${what}: argument ${k} for ${conv} has type ${typeName(t)})`);
    return args[k++]!;
  };
  return {
    int: (conv) => BigInt(next(conv, false)),
    float: (conv) => { const v = next(conv, true); return typeof v === 'number' ? f32FromBits(v) : f64FromBits(v); },
  };
}

/** C's `vsnprintf` core: formats the NUL-terminated format at `fmt` into `size` bytes at `dst`; returns the full length. */
function printTo(mem: Memory, dst: bigint, size: bigint, fmt: bigint, args: ArgSource): number {
  const out = formatPrintf(cString(mem, fmt, Infinity), args, (a, limit) => cString(mem, a, limit));
  const n = BigInt.asUintN(64, size);
  if (n > 0n) {
    const len = n - 1n < BigInt(out.length) ? Number(n - 1n) : out.length;
    const view = mem.bytes(dst, len + 1, true);
    for (let i = 0; i < len; i++) view[i] = out[i]!;
    view[len] = 0;
  }
  return out.length | 0;
}

/** The bytes of the C string at `addr` (up to its NUL, at most `limit`). */
function cString(mem: Memory, addr: bigint, limit: number): Uint8Array {
  const bytes: number[] = [];
  for (let i = 0; i < limit; i++) {
    const b = mem.bytes(addr + BigInt(i), 1)[0]!;
    if (b === 0) break;
    bytes.push(b);
  }
  return Uint8Array.from(bytes);
}

const MIN = [0, -0x80, -0x8000, -0x80000000];

/** Wraps a JS number to the canonical signed form of i8/i16/i32. */
function wrapN(t: Type, x: number): number {
  return t === Type.I32 ? x | 0 : t === Type.I16 ? (x << 16) >> 16 : (x << 24) >> 24;
}
/** Unsigned view of a canonical i8/i16/i32. */
function uN(t: Type, x: number): number {
  return t === Type.I32 ? x >>> 0 : t === Type.I16 ? x & 0xffff : x & 0xff;
}
function isBig(t: Type): boolean {
  return t === Type.I64 || t === Type.Ptr;
}
function popcount32(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}
/** Converts a JS argument to the IR value of type `t` (throws Error on a bad argument). */
export function toIrValue(t: Type, x: unknown, memory: Memory, what: string): IrValue {
  switch (t) {
    case Type.I8: case Type.I16: case Type.I32:
      if (typeof x === 'bigint') return Number(BigInt.asIntN(typeBits(t), x));
      if (typeof x === 'number' && Number.isSafeInteger(x)) return Number(BigInt.asIntN(typeBits(t), BigInt(x)));
      break;
    case Type.I64:
      if (typeof x === 'bigint') return BigInt.asIntN(64, x);
      if (typeof x === 'number' && Number.isSafeInteger(x)) return BigInt(x);
      break;
    case Type.F32: if (typeof x === 'number') return f32ToBits(x); break;
    case Type.F64: if (typeof x === 'number') return f64ToBits(x); break;
    case Type.Ptr:
      if (typeof x === 'bigint') return BigInt.asIntN(64, x);
      if (typeof x === 'number' && Number.isSafeInteger(x)) return BigInt(x);
      if (x === null) return 0n;
      if (x instanceof ArrayBuffer || ArrayBuffer.isView(x)) return memory.mapBuffer(x);
      break;
  }
  throw new Error(`${what}: cannot pass ${typeof x === 'bigint' ? `${x}n` : String(x)} as ${['', 'i8', 'i16', 'i32', 'i64', 'f32', 'f64', 'ptr'][t]}`);
}

/** Converts an IR value of type `t` to the JS convention of `call` results: floats become numbers (an f32 NaN quieted, as any f32 -> number conversion does). */
export function fromIrValue(t: Type, v: IrValue): unknown {
  if (t === Type.F32) return f32FromBits(v as number);
  if (t === Type.F64) return f64FromBits(v as bigint);
  return v;
}

/** Executes IR functions of a module. Each instance owns its memory and scratch space. */
export class Interpreter {
  /** The module being run. */
  readonly module: Module;
  /** Memory shared by all calls of this interpreter. */
  readonly memory = new Memory();
  /** Base address of each data object of `module` (and of linked modules), by module then index. */
  private readonly dataBase = new Map<DataObject, bigint>();
  private readonly modules: Module[];
  private readonly hooks: Record<string, ImportHook>;
  private readonly libc = builtins((addr) => this.vaSource(addr, 'in vsnprintf'));
  /** The extra arguments of each live variadic activation, by the handle its va_lists hold. */
  private readonly vaFrames = new Map<number, { values: readonly IrValue[]; types: readonly Type[] }>();
  private nextVaHandle = 1;
  private readonly maxDepth: number;
  private readonly stack: Region;
  private readonly stackBase: bigint;
  private sp = 0;
  private depth = 0;
  /** Live `stack_alloc` regions (ids and sizes), innermost call's last; each call frees its own on return. */
  private readonly dynIds: number[] = [];
  private readonly dynSizes: number[] = [];
  /** Bytes of the live `stack_alloc` regions (they count against `stackSize` with the stack slots). */
  private dynBytes = 0;
  /** Number of calls run so far: a `stack_save` mark names its call by it. */
  private calls = 0;
  // Scratch for block-argument copies.
  private readonly argTemp: IrValue[] = [];

  /** Creates an interpreter for `module`. */
  constructor(module: Module, options: InterpreterOptions = {}) {
    this.module = module;
    this.modules = [module, ...(options.modules ?? [])];
    if (options.verify !== false) {
      // The interpreter assumes verified IR; refuse anything else up front.
      const errors = this.modules.flatMap((m) => verifyModule(m));
      if (errors.length > 0) throw new Error(`interpreter: invalid IR:\n${errors.join('\n')}`);
    }
    this.hooks = options.imports ?? {};
    this.maxDepth = options.maxDepth ?? 1000;
    this.stackBase = this.memory.addRegion(new Uint8Array(options.stackSize ?? 1 << 20), 'stack');
    this.stack = this.memory.regions[1]!;
    const bound = options.data ?? {};
    for (const name of Object.keys(bound)) {
      if (!this.modules.some((m) => m.data.some((d) => d.external && d.name === name))) throw new Error(`interpreter: options.data gives %${name}, which no module declares as external data (import data %${name})`);
    }
    for (const m of this.modules) {
      for (const d of m.data) {
        if (d.external) {
          // Bound to a JS buffer, or an empty region: an address that traps on every access.
          const buf = Object.hasOwn(bound, d.name) ? bound[d.name] : undefined;
          if (buf !== undefined && !(buf instanceof ArrayBuffer || ArrayBuffer.isView(buf))) throw new TypeError(`interpreter: options.data.${d.name} must be an ArrayBuffer or a typed array`);
          this.dataBase.set(d, buf !== undefined ? this.memory.mapBuffer(buf) : this.memory.addRegion(new Uint8Array(0), `external data %${d.name} (no bytes: give them in the interpreter's options.data)`));
          continue;
        }
        const bytes = new Uint8Array(d.size);
        bytes.set(d.bytes);
        this.dataBase.set(d, this.memory.addRegion(bytes, `data %${d.name}`, d.readonly));
      }
    }
    // Relocations once every object has its address (readonly ones too: only IR stores are refused).
    for (const m of this.modules) {
      for (const d of m.data) {
        if (d.relocs.length === 0) continue;
        const { region, at } = this.memory.locate(this.dataBase.get(d)!, 0, d.size, false);
        for (const r of d.relocs) {
          const base = r.target instanceof DataObject ? this.dataAddress(r.target) : this.funcAddress(m, r.target.index);
          region.view.setBigInt64(at + r.offset, BigInt.asIntN(64, base + BigInt(r.addend)), true);
        }
      }
    }
  }

  /** The address `func_addr` gives callee `index` of module `m` (region 0xFFFFF: module number, callee index). */
  private funcAddress(m: Module, index: number): bigint {
    return (BigInt(FUNC_REGION) << REGION_SHIFT) | (BigInt(this.modules.indexOf(m)) << 20n) | BigInt(index);
  }

  /** The address `label_addr label` gives in function `f`. */
  private labelAddress(f: Func, label: number): bigint {
    return (BigInt(LABEL_REGION + label) << REGION_SHIFT) | (this.funcAddress(f.module, f.index) & 0xffffffffn);
  }

  /** The 24 bytes of the va_list at `addr` (heap_oob outside memory). */
  private vaList(addr: bigint, f: Func, inst: number): { region: Region; at: number } {
    try {
      return this.memory.locate(addr, 0, 24, true);
    } catch (e) {
      if (e instanceof TrapError) this.trap(TrapCode.HeapOob, f, inst);
      throw e;
    }
  }

  /**
   * Reads the va_list at `addr`: `next(T)` returns its next extra argument as type T and
   * advances it (in memory, so copies of the 24 bytes advance on their own). Its layout in the
   * interpreter: u32 index of the next argument, u32 VA_MAGIC, u64 handle of the activation.
   * Traps heap_oob (`where` says where) for a va_list that va_start did not set up or whose
   * function returned, past the last argument, and for a type the argument cannot be read as
   * (another class, or 4 and 8 bytes mixed: compiled code would read undefined bits).
   */
  private vaSource(addr: bigint, where: string): VaSource {
    const fail = (why: string): never => { throw new TrapError(TrapCode.HeapOob, ` (va_arg: ${why}) ${where}`); };
    let loc: { region: Region; at: number };
    try { loc = this.memory.locate(addr, 0, 24, true); } catch { return fail('the va_list is outside memory'); }
    const { region, at } = loc;
    const frame = region.view.getUint32(at + 4, true) === VA_MAGIC ? this.vaFrames.get(Number(region.view.getBigUint64(at + 8, true))) : undefined;
    if (frame === undefined) return fail('the va_list was not set up by va_start, or its function has returned');
    const next = (t: Type): IrValue => {
      const k = region.view.getUint32(at, true);
      if (k >= frame.values.length) fail(`no extra argument left (${frame.values.length} passed)`);
      const have = frame.types[k]!, v = frame.values[k]!;
      region.view.setUint32(at, k + 1, true);
      const float = t === Type.F32 || t === Type.F64;
      if (float || have === Type.F32 || have === Type.F64) {
        if (have !== t) fail(`extra argument ${k} is ${typeName(have)}, read as ${typeName(t)}`);
        return v;
      }
      const wide = isBig(t);
      if (wide !== isBig(have)) fail(`extra argument ${k} is ${typeName(have)}, read as ${typeName(t)}`);
      // Narrow integers travel as their value sign-extended to 32 bits (as the caller passes them).
      return wide ? v : wrapN(t, v as number);
    };
    return {
      next,
      // printf reads an integer at the width it was passed (its conversion then narrows it).
      int: () => {
        const have = frame.types[region.view.getUint32(at, true)];
        return BigInt(next(have !== undefined && isBig(have) ? Type.I64 : Type.I32));
      },
      float: () => f64FromBits(next(Type.F64) as bigint),
    };
  }

  /** Address of a data object (for tests and hooks). */
  dataAddress(d: DataObject): bigint {
    const a = this.dataBase.get(d);
    if (a === undefined) throw new Error(`data %${d.name} is not loaded in this interpreter`);
    return a;
  }

  /**
   * Calls function `name` with JS arguments (numbers, bigints, typed arrays for
   * ptr). Returns undefined (no result), the single result, or an array.
   * i64/ptr results are bigints. Traps throw `TrapError`.
   */
  call(name: string, args: readonly unknown[] = []): unknown {
    const f = this.module.getFunction(name);
    if (args.length !== f.params.length) throw new Error(`%${name} expects ${f.params.length} argument${f.params.length === 1 ? '' : 's'}, got ${args.length}`);
    const irArgs = f.params.map((t, i) => toIrValue(t, args[i], this.memory, `%${name} argument ${i}`));
    // Save and restore so that an import hook may call back into the interpreter.
    const savedDepth = this.depth, savedSp = this.sp, savedDyn = this.dynIds.length, savedVa = this.nextVaHandle;
    let out: IrValue[];
    try {
      out = this.run(f, irArgs);
    } catch (e) {
      if (e instanceof RangeError && /call stack/i.test(e.message)) throw new TrapError(TrapCode.StackOverflow, ' (JS stack exhausted)');
      throw e;
    } finally {
      this.depth = savedDepth;
      this.sp = savedSp;
      this.freeStackAllocs(savedDyn);
      // The variadic activations a trap left behind.
      for (let h = savedVa; h < this.nextVaHandle; h++) this.vaFrames.delete(h);
    }
    const rt = f.results;
    return out.length === 0 ? undefined : out.length === 1 ? fromIrValue(rt[0]!, out[0]!) : out.map((v, i) => fromIrValue(rt[i]!, v));
  }

  /** Calls a callee of `module` with IR values. */
  private callCallee(m: Module, index: number, args: IrValue[], types: readonly Type[]): IrValue[] {
    const c = m.callees[index];
    if (c === undefined) throw new Error(`unknown callee #${index}`);
    if (c instanceof Func) return this.run(c, args, types);
    return this.callImport(c, args, types);
  }

  private callImport(imp: Import, args: IrValue[], types: readonly Type[]): IrValue[] {
    const hook = this.hooks[imp.name];
    if (hook === undefined && imp.from !== undefined) {
      const other = this.modules.find((m) => m.name === imp.from);
      if (other === undefined) throw new Error(`import %${imp.name}: module "${imp.from}" is not linked`);
      const g = other.lookup(imp.name);
      if (!(g instanceof Func)) throw new Error(`import %${imp.name}: module "${imp.from}" has no function %${imp.name}`);
      if (!sameSignature(g, imp)) throw new Error(`import %${imp.name}: signature ${signatureText(imp)} does not match ${signatureText(g)} in "${imp.from}"`);
      return this.run(g, args, types);
    }
    if (hook === undefined) {
      const b = this.libc.get(imp.name);
      if (b === undefined) throw new Error(`import %${imp.name} is not resolved (register a JS implementation in options.imports)`);
      if (!sameSignature(b.sig, imp)) throw new Error(`import %${imp.name}: signature ${signatureText(imp)} does not match the built-in ${signatureText(b.sig)}`);
      return [b.fn(args, this.memory, types)];
    }
    const r = hook(args.map((v, i) => fromIrValue(types[i]!, v)) as IrValue[], this.memory, types);
    const list = r === undefined ? [] : Array.isArray(r) ? r : [r];
    if (list.length !== imp.results.length) throw new Error(`import %${imp.name} returned ${list.length} values, expected ${imp.results.length}`);
    return list.map((v, i) => toIrValue(imp.results[i]!, v, this.memory, `result of import %${imp.name}`));
  }

  /** Frees the `stack_alloc` regions from index `from` of the live list on. */
  private freeStackAllocs(from: number): void {
    const ids = this.dynIds, sizes = this.dynSizes;
    while (ids.length > from) {
      this.memory.freeStackRegion(ids.pop()!);
      this.dynBytes -= sizes.pop()!;
    }
  }

  /** Throws trap `code` at `inst` of `f`; `detail` (e.g. the address) goes before the location. */
  private trap(code: number, f: Func, inst: number, detail = ''): never {
    throw new TrapError(code, `${detail} in function ${f.name} at ${instText(f, inst as Inst)}`);
  }

  /**
   * Runs `f` on IR-value arguments; returns its results. `types` are the arguments' IR types
   * (needed for the extra arguments of a variadic `f`; default: `f`'s parameter types).
   */
  run(f: Func, args: readonly IrValue[], types: readonly Type[] = f.params): IrValue[] {
    if (++this.depth > this.maxDepth) {
      throw new TrapError(TrapCode.StackOverflow, ` (more than ${this.maxDepth} nested calls, in function ${f.name})`);
    }
    const savedSp = this.sp, dynStart = this.dynIds.length;
    const serial = this.calls = (this.calls + 1) & 0x3fffffff;
    // Allocate stack slots.
    const slotBase: number[] = [];
    for (const ss of f.stackSlots) {
      const at = (this.sp + ss.align - 1) & ~(ss.align - 1);
      if (at + ss.size + this.dynBytes > this.stack.bytes.length) this.trap(TrapCode.StackOverflow, f, f.blockFirst[f.entryBlock]!);
      this.stack.bytes.fill(0, at, at + ss.size);
      slotBase.push(at);
      this.sp = at + ss.size;
    }
    const vals: IrValue[] = new Array<IrValue>(f.valueCount).fill(0);
    const pool = f.pool;
    let block = f.entryBlock as number;
    const fixed = f.params.length;
    for (let i = 0; i < fixed; i++) vals[pool[f.blockParamStart[block]! + i]!] = args[i]!;
    // A variadic function's extra arguments, for va_start (dropped on return; `call` drops those of a trap).
    let vaHandle = 0;
    if (f.variadic) {
      vaHandle = this.nextVaHandle++;
      this.vaFrames.set(vaHandle, { values: args.slice(fixed), types: types.slice(fixed) });
    }
    const mem = this.memory;
    let inst = f.blockFirst[block]!;
    for (;;) {
      if (inst === NONE) throw new Error(`interpreter: block${block} of ${f.name} has no terminator`);
      const op = f.instOpcode[inst] as Opcode;
      const as = f.instArgStart[inst]!;
      const rs = pool[f.instResultStart[inst]!]!;
      let next = f.instNext[inst]!;
      switch (op) {
        case Opcode.IConst: {
          const t = f.instType[inst] as Type;
          vals[rs] = isBig(t) ? f.iconstValue(inst as Inst) : f.instImm[inst]!;
          break;
        }
        case Opcode.FConst: vals[rs] = f.fconstBits(inst as Inst); break;
        case Opcode.INeg: case Opcode.BNot: case Opcode.Clz: case Opcode.Ctz: case Opcode.Popcnt: {
          const a = vals[pool[as]!]!;
          const t = f.valueType[pool[as]!] as Type;
          vals[rs] = typeof a === 'bigint' ? this.intUnary64(op, a) : this.intUnaryN(op, t, a);
          break;
        }
        case Opcode.IAdd: case Opcode.ISub: case Opcode.IMul: case Opcode.SDiv: case Opcode.UDiv:
        case Opcode.SRem: case Opcode.URem: case Opcode.BAnd: case Opcode.BOr: case Opcode.BXor:
        case Opcode.IShl: case Opcode.UShr: case Opcode.SShr: case Opcode.Rotl: case Opcode.Rotr: {
          const a = vals[pool[as]!]!, b = vals[pool[as + 1]!]!;
          const t = f.valueType[pool[as]!] as Type;
          if (isShift(op)) {
            const w = typeBits(t);
            const n = (typeof b === 'bigint' ? Number(b & 63n) : b) & (w - 1);
            vals[rs] = typeof a === 'bigint' ? this.shift64(op, a, n) : this.shiftN(op, t, a, n);
          } else if (typeof a === 'bigint') {
            const r = this.intBinary64(op, a, b as bigint);
            if (typeof r === 'number') this.trap(r, f, inst);
            vals[rs] = r;
          } else {
            const r = this.intBinaryN(op, t, a, b as number);
            if (r === null) this.trap((b as number) === 0 ? TrapCode.IntDivz : TrapCode.IntOvf, f, inst);
            vals[rs] = r;
          }
          break;
        }
        case Opcode.ICmp: {
          const a = vals[pool[as]!]!, b = vals[pool[as + 1]!]!;
          const t = f.valueType[pool[as]!] as Type;
          vals[rs] = this.icmp(f.instImm[inst]! as IntCC, t, a, b) ? 1 : 0;
          break;
        }
        case Opcode.FNeg: case Opcode.FAbs: case Opcode.FSqrt: case Opcode.FFloor: case Opcode.FCeil:
        case Opcode.FTrunc: case Opcode.FNearest: {
          const a = vals[pool[as]!]!;
          vals[rs] = typeof a === 'number' ? evalF32Unary(op, a) : evalF64Unary(op, a);
          break;
        }
        case Opcode.FAdd: case Opcode.FSub: case Opcode.FMul: case Opcode.FDiv: case Opcode.FMin:
        case Opcode.FMax: case Opcode.FCopysign: {
          const a = vals[pool[as]!]!, b = vals[pool[as + 1]!]!;
          vals[rs] = typeof a === 'number' ? evalF32Binary(op, a, b as number) : evalF64Binary(op, a, b as bigint);
          break;
        }
        case Opcode.FCmp: {
          const a = vals[pool[as]!]!, b = vals[pool[as + 1]!]!;
          const x = typeof a === 'number' ? f32FromBits(a) : f64FromBits(a), y = typeof b === 'number' ? f32FromBits(b) : f64FromBits(b);
          vals[rs] = evalFcmp(f.instImm[inst]! as FloatCC, x, y) ? 1 : 0;
          break;
        }
        case Opcode.Select: {
          const c = vals[pool[as]!]!;
          vals[rs] = vals[pool[(c !== 0 && c !== 0n) ? as + 1 : as + 2]!]!;
          break;
        }
        case Opcode.SExt: case Opcode.ZExt: case Opcode.Trunc: case Opcode.FPromote: case Opcode.FDemote:
        case Opcode.FcvtToSint: case Opcode.FcvtToUint: case Opcode.FcvtFromSint: case Opcode.FcvtFromUint:
        case Opcode.FcvtToSintSat: case Opcode.FcvtToUintSat: case Opcode.Bitcast: {
          const r = this.convert(op, f.valueType[pool[as]!] as Type, f.instType[inst] as Type, vals[pool[as]!]!);
          if (r === null) this.trap(TrapCode.BadConv, f, inst);
          vals[rs] = r;
          break;
        }
        case Opcode.Load: case Opcode.SLoad8: case Opcode.ULoad8: case Opcode.SLoad16: case Opcode.ULoad16:
        case Opcode.SLoad32: case Opcode.ULoad32: {
          const t = f.instType[inst] as Type;
          const info = OPCODES[op]!;
          const size = info.memBytes === 0 ? typeBits(t) >> 3 : info.memBytes;
          let loc;
          try {
            loc = mem.locate(vals[pool[as]!] as bigint, f.instImm[inst]!, size, false);
          } catch (e) {
            if (e instanceof TrapError) this.trap(TrapCode.HeapOob, f, inst, e.where);
            throw e;
          }
          const v = loc.region.view, at = loc.at;
          let r: IrValue;
          if (info.memBytes === 0) {
            switch (t) {
              case Type.I8: r = v.getInt8(at); break;
              case Type.I16: r = v.getInt16(at, true); break;
              case Type.I32: case Type.F32: r = v.getInt32(at, true); break;
              default: r = v.getBigInt64(at, true); // i64, ptr, f64 bits
            }
          } else {
            const raw = size === 1 ? (info.signed ? v.getInt8(at) : v.getUint8(at))
              : size === 2 ? (info.signed ? v.getInt16(at, true) : v.getUint16(at, true))
                : (info.signed ? v.getInt32(at, true) : v.getUint32(at, true));
            r = isBig(t) ? BigInt(raw) : wrapN(t, raw);
          }
          vals[rs] = r;
          break;
        }
        case Opcode.Store: {
          const t = f.instType[inst] as Type;
          const x = vals[pool[as]!]!;
          let loc;
          try {
            loc = mem.locate(vals[pool[as + 1]!] as bigint, f.instImm[inst]!, typeBits(t) >> 3, true);
          } catch (e) {
            if (e instanceof TrapError) this.trap(TrapCode.HeapOob, f, inst, e.where);
            throw e;
          }
          const v = loc.region.view, at = loc.at;
          const low = (bits: number): number => typeof x === 'bigint' ? Number(BigInt.asIntN(bits, x)) : x;
          switch (t) {
            case Type.I8: v.setInt8(at, low(8)); break;
            case Type.I16: v.setInt16(at, low(16), true); break;
            case Type.I32: case Type.F32: v.setInt32(at, low(32), true); break;
            default: v.setBigInt64(at, x as bigint, true); // i64, ptr, f64 bits
          }
          break;
        }
        case Opcode.StackAddr:
          vals[rs] = this.stackBase + BigInt(slotBase[f.instImm[inst]!]! + f.instImm2[inst]!);
          break;
        case Opcode.StackAlloc: {
          const size = BigInt.asUintN(64, vals[pool[as]!] as bigint);
          if (size > BigInt(this.stack.bytes.length - this.sp - this.dynBytes)) this.trap(TrapCode.StackOverflow, f, inst);
          const n = Number(size);
          this.dynIds.push(this.memory.addStackRegion(n));
          this.dynSizes.push(n);
          this.dynBytes += n;
          vals[rs] = BigInt(this.dynIds[this.dynIds.length - 1]!) << REGION_SHIFT;
          break;
        }
        case Opcode.StackSave:
          // A mark outside every region: the call's serial number above the region ids, and how many allocations live.
          vals[rs] = (BigInt(MARK_REGION + serial) << REGION_SHIFT) | BigInt(this.dynIds.length - dynStart);
          break;
        case Opcode.StackRestore: {
          const mark = vals[pool[as]!] as bigint;
          const count = Number(mark & 0xffffffffn);
          if ((mark >> REGION_SHIFT) !== BigInt(MARK_REGION + serial) || count > this.dynIds.length - dynStart) {
            throw new TrapError(TrapCode.HeapOob, ` (stack_restore: 0x${BigInt.asUintN(64, mark).toString(16)} is no stack_save mark of this call) in function ${f.name} at ${instText(f, inst as Inst)}`);
          }
          this.freeStackAllocs(dynStart + count);
          break;
        }
        case Opcode.GlobalAddr:
          vals[rs] = this.dataAddress(f.module.data[f.instImm[inst]!]!);
          break;
        case Opcode.FuncAddr:
          vals[rs] = this.funcAddress(f.module, f.instImm[inst]!);
          break;
        case Opcode.LabelAddr:
          vals[rs] = this.labelAddress(f, f.instImm[inst]!);
          break;
        case Opcode.Call: case Opcode.CallIndirect: case Opcode.CallNative: {
          const n = f.instArgCount[inst]!;
          const first = op === Opcode.Call ? 0 : 1;
          const callArgs: IrValue[] = [];
          const callTypes: Type[] = [];
          for (let i = first; i < n; i++) {
            callArgs.push(vals[pool[as + i]!]!);
            callTypes.push(f.valueType[pool[as + i]!] as Type);
          }
          let out: IrValue[];
          if (op === Opcode.Call) {
            out = this.callCallee(f.module, f.instImm[inst]!, callArgs, callTypes);
          } else {
            const addr = vals[pool[as]!] as bigint;
            const mi = Number((addr >> 20n) & 0xfffn), ci = Number(addr & 0xfffffn);
            const m = this.modules[mi];
            const c = m?.callees[ci];
            if ((addr >> REGION_SHIFT) !== BigInt(FUNC_REGION) || c === undefined) this.trap(TrapCode.HeapOob, f, inst);
            const sig = f.signatures[f.instImm[inst]!]!;
            if (op === Opcode.CallNative) {
              // Any signature the System V registers and stack slots make sense of (src/ir/native-call.ts).
              const bad = (why: string): never => {
                throw new TrapError(TrapCode.BadSig, ` (call_native ${signatureText(sig)} to %${c.name}${signatureText(c)}: ${why}) in function ${f.name} at ${instText(f, inst as Inst)}`);
              };
              const passed = nativeArguments(c, sig.variadic === true, callArgs, callTypes);
              if (typeof passed === 'string') bad(passed);
              const { args: cArgs, types: cTypes } = passed as { args: IrValue[]; types: Type[] };
              const got = nativeResults(sig.results, this.callCallee(m!, ci, cArgs, cTypes), c.results);
              if (typeof got === 'string') bad(got);
              out = got as IrValue[];
            } else {
              if (!sameSignature(sig, c)) {
                throw new TrapError(TrapCode.BadSig, ` (call_indirect signature ${signatureText(sig)} does not match %${c.name}${signatureText(c)}) in function ${f.name}`);
              }
              out = this.callCallee(m!, ci, callArgs, callTypes);
            }
          }
          const rstart = f.instResultStart[inst]!;
          for (let i = 0; i < out.length; i++) vals[pool[rstart + i]!] = out[i]!;
          break;
        }
        case Opcode.VaStart: {
          const { region, at } = this.vaList(vals[pool[as]!] as bigint, f, inst);
          region.view.setUint32(at, 0, true);
          region.view.setUint32(at + 4, VA_MAGIC, true);
          region.view.setBigUint64(at + 8, BigInt(vaHandle), true);
          region.view.setBigUint64(at + 16, 0n, true);
          break;
        }
        case Opcode.VaArg: {
          const src = this.vaSource(vals[pool[as]!] as bigint, `in function ${f.name} at ${instText(f, inst as Inst)}`);
          const t = f.instType[inst] as Type, second = f.instImm[inst]! as Type;
          vals[rs] = src.next(t);
          if (second !== Type.Invalid) vals[pool[f.instResultStart[inst]! + 1]!] = src.next(second);
          break;
        }
        case Opcode.Jump: case Opcode.Brif: case Opcode.BrTable: case Opcode.IndirectBr: {
          let d = f.instDestStart[inst]!;
          if (op === Opcode.IndirectBr) {
            const p = BigInt.asUintN(64, vals[pool[as]!] as bigint), n = f.instDestCount[inst]!;
            const label = Number(p >> REGION_SHIFT) - LABEL_REGION;
            if (label < 0 || label >= n || p !== this.labelAddress(f, label)) {
              throw new TrapError(TrapCode.BadTarget, ` (indirect_br to 0x${p.toString(16)}, not one of its ${n} labels) in function ${f.name} at ${instText(f, inst as Inst)}`);
            }
            d += label;
          } else if (op === Opcode.Brif) {
            const c = vals[pool[as]!]!;
            if (c === 0 || c === 0n) d++;
          } else if (op === Opcode.BrTable) {
            const x = vals[pool[as]!]!;
            const idx = typeof x === 'bigint' ? BigInt.asUintN(64, x) : BigInt(uN(f.valueType[pool[as]!] as Type, x));
            const n = f.instDestCount[inst]! - 1;
            if (idx < BigInt(n)) d += 1 + Number(idx);
          }
          // Parallel copy of block arguments.
          const target = f.destBlock[d]!;
          const na = f.destArgCount[d]!, da = f.destArgStart[d]!;
          const tmp = this.argTemp;
          for (let i = 0; i < na; i++) tmp[i] = vals[pool[da + i]!]!;
          const ps = f.blockParamStart[target]!;
          for (let i = 0; i < na; i++) vals[pool[ps + i]!] = tmp[i]!;
          block = target;
          next = f.blockFirst[target]!;
          break;
        }
        case Opcode.Return: {
          const n = f.instArgCount[inst]!;
          const out: IrValue[] = [];
          for (let i = 0; i < n; i++) out.push(vals[pool[as + i]!]!);
          this.sp = savedSp;
          this.freeStackAllocs(dynStart);
          this.depth--;
          if (vaHandle !== 0) this.vaFrames.delete(vaHandle);
          return out;
        }
        case Opcode.Trap:
          return this.trap(f.instImm[inst]!, f, inst);
        default:
          return unhandledOpcode(op, 'interpreter');
      }
      inst = next;
    }
  }

  private intUnaryN(op: IntUnaryOpcode, t: Type, a: number): number {
    const w = typeBits(t);
    const u = uN(t, a);
    switch (op) {
      case Opcode.INeg: return wrapN(t, -a);
      case Opcode.BNot: return wrapN(t, ~a);
      case Opcode.Clz: return Math.clz32(u) - (32 - w);
      case Opcode.Ctz: return u === 0 ? w : 31 - Math.clz32(u & -u);
      case Opcode.Popcnt: return popcount32(u);
      default: return unhandledOpcode(op, 'interpreter');
    }
  }
  private intUnary64(op: IntUnaryOpcode, a: bigint): bigint {
    const u = BigInt.asUintN(64, a);
    switch (op) {
      case Opcode.INeg: return BigInt.asIntN(64, -a);
      case Opcode.BNot: return ~a;
      case Opcode.Clz: return u === 0n ? 64n : BigInt(64 - u.toString(2).length);
      case Opcode.Ctz: {
        if (u === 0n) return 64n;
        const hi = Number(u >> 32n), lo = Number(u & 0xffffffffn);
        return BigInt(lo !== 0 ? 31 - Math.clz32(lo & -lo) : 63 - Math.clz32(hi & -hi));
      }
      case Opcode.Popcnt: return BigInt(popcount32(Number(u >> 32n)) + popcount32(Number(u & 0xffffffffn)));
      default: return unhandledOpcode(op, 'interpreter');
    }
  }
  /** Returns null on a trap. */
  private intBinaryN(op: IntArithOpcode, t: Type, a: number, b: number): number | null {
    switch (op) {
      case Opcode.IAdd: return wrapN(t, a + b);
      case Opcode.ISub: return wrapN(t, a - b);
      case Opcode.IMul: return wrapN(t, Math.imul(a, b));
      case Opcode.SDiv:
        if (b === 0) return null;
        if (b === -1 && a === MIN[t]) return null;
        return wrapN(t, Math.trunc(a / b));
      case Opcode.UDiv: return b === 0 ? null : wrapN(t, Math.trunc(uN(t, a) / uN(t, b)));
      case Opcode.SRem:
        if (b === 0) return null;
        return b === -1 ? 0 : wrapN(t, a % b);
      case Opcode.URem: return b === 0 ? null : wrapN(t, uN(t, a) % uN(t, b));
      case Opcode.BAnd: return a & b;
      case Opcode.BOr: return a | b;
      case Opcode.BXor: return a ^ b;
      default: return unhandledOpcode(op, 'interpreter');
    }
  }
  /** Returns a TrapCode number on a trap. */
  private intBinary64(op: IntArithOpcode, a: bigint, b: bigint): bigint | number {
    switch (op) {
      case Opcode.IAdd: return BigInt.asIntN(64, a + b);
      case Opcode.ISub: return BigInt.asIntN(64, a - b);
      case Opcode.IMul: return BigInt.asIntN(64, a * b);
      case Opcode.SDiv:
        if (b === 0n) return TrapCode.IntDivz;
        if (b === -1n && a === -(1n << 63n)) return TrapCode.IntOvf;
        return a / b;
      case Opcode.UDiv: return b === 0n ? TrapCode.IntDivz : BigInt.asIntN(64, BigInt.asUintN(64, a) / BigInt.asUintN(64, b));
      case Opcode.SRem:
        if (b === 0n) return TrapCode.IntDivz;
        return b === -1n ? 0n : a % b;
      case Opcode.URem: return b === 0n ? TrapCode.IntDivz : BigInt.asIntN(64, BigInt.asUintN(64, a) % BigInt.asUintN(64, b));
      case Opcode.BAnd: return a & b;
      case Opcode.BOr: return a | b;
      case Opcode.BXor: return a ^ b;
      default: return unhandledOpcode(op, 'interpreter');
    }
  }
  private shiftN(op: ShiftOpcode, t: Type, a: number, n: number): number {
    const w = typeBits(t);
    const u = uN(t, a);
    switch (op) {
      case Opcode.IShl: return wrapN(t, a << n);
      case Opcode.UShr: return wrapN(t, u >>> n);
      case Opcode.SShr: return a >> n;
      case Opcode.Rotl: return n === 0 ? a : wrapN(t, (u << n) | (u >>> (w - n)));
      case Opcode.Rotr: return n === 0 ? a : wrapN(t, (u >>> n) | (u << (w - n)));
      default: return unhandledOpcode(op, 'interpreter');
    }
  }
  private shift64(op: ShiftOpcode, a: bigint, n: number): bigint {
    const u = BigInt.asUintN(64, a), s = BigInt(n);
    switch (op) {
      case Opcode.IShl: return BigInt.asIntN(64, a << s);
      case Opcode.UShr: return BigInt.asIntN(64, u >> s);
      case Opcode.SShr: return a >> s;
      case Opcode.Rotl: return n === 0 ? a : BigInt.asIntN(64, (u << s) | (u >> BigInt(64 - n)));
      case Opcode.Rotr: return n === 0 ? a : BigInt.asIntN(64, (u >> s) | (u << BigInt(64 - n)));
      default: return unhandledOpcode(op, 'interpreter');
    }
  }
  private icmp(cc: IntCC, t: Type, a: IrValue, b: IrValue): boolean {
    if (cc >= IntCC.Ult) {
      if (typeof a === 'bigint') {
        a = BigInt.asUintN(64, a);
        b = BigInt.asUintN(64, b as bigint);
      } else {
        a = uN(t, a);
        b = uN(t, b as number);
      }
    }
    switch (cc) {
      case IntCC.Eq: return a === b;
      case IntCC.Ne: return a !== b;
      case IntCC.Slt: case IntCC.Ult: return a < b;
      case IntCC.Sle: case IntCC.Ule: return a <= b;
      case IntCC.Sgt: case IntCC.Ugt: return a > b;
      default: return a >= b;
    }
  }
  /** Returns null for a bad_conv trap. */
  private convert(op: ConvertOpcode, from: Type, to: Type, x: IrValue): IrValue | null {
    switch (op) {
      case Opcode.SExt:
        return isBig(to) ? BigInt(x as number) : x;
      case Opcode.ZExt: {
        const u = uN(from, x as number);
        return isBig(to) ? BigInt(u) : wrapN(to, u);
      }
      case Opcode.Trunc:
        return typeof x === 'bigint' ? Number(BigInt.asIntN(typeBits(to), x)) : wrapN(to, x);
      case Opcode.FPromote: return promoteBits(x as number);
      case Opcode.FDemote: return demoteBits(x as bigint);
      case Opcode.FcvtToSint: case Opcode.FcvtToUint: {
        const v = typeof x === 'number' ? f32FromBits(x) : f64FromBits(x);
        const r = evalFcvtToInt(op === Opcode.FcvtToSint, typeBits(to), v);
        if (r === null) return null;
        return isBig(to) ? BigInt.asIntN(64, r) : wrapN(to, Number(r));
      }
      case Opcode.FcvtToSintSat: case Opcode.FcvtToUintSat: {
        const r = evalFcvtToIntSat(op === Opcode.FcvtToSintSat, typeBits(to), typeof x === 'number' ? f32FromBits(x) : f64FromBits(x));
        return isBig(to) ? BigInt.asIntN(64, r) : wrapN(to, Number(r));
      }
      case Opcode.FcvtFromSint: case Opcode.FcvtFromUint: {
        let v: bigint;
        if (op === Opcode.FcvtFromSint) v = BigInt(x);
        else v = typeof x === 'bigint' ? BigInt.asUintN(64, x) : BigInt(uN(from, x));
        return evalFcvtFromInt(to === Type.F32, v);
      }
      case Opcode.Bitcast: // floats are held as the bits of the same-width integer
        return x;
      default: return unhandledOpcode(op, 'interpreter');
    }
  }
}

/** Convenience: runs `name` in a fresh interpreter over `module`. */
export function interpret(module: Module, name: string, args: readonly unknown[] = [], options?: InterpreterOptions): unknown {
  return new Interpreter(module, options).call(name, args);
}
