/**
 * Random program generator for differential fuzzing (seeded, reproducible).
 *
 *   seed -> Rng -> ModuleGen:  imports, data, helper signatures
 *                  FuncGen per function (helpers last-to-first, then %main):
 *                    stack slots (initialised), regions of
 *                    { straight-line instructions | if/else | loop | br_table or indirect_br | early exit }
 *                    -> return values that fold many live values (register pressure)
 *            -> verified Module + inputs (buffer, scalar arguments)
 *
 * Every program is valid IR whose behaviour the IR semantics fully define, so any
 * two executors must agree on results, trap kind and final buffer bytes:
 *  - memory accesses stay inside the 512-byte buffer argument, the stack slots or
 *    the module data (offsets are masked); the buffer's last 8 bytes are never
 *    written and are zero, so `strlen` stops inside it;
 *  - `memcpy` gets disjoint ranges; `memcmp` results are reduced to their sign;
 *  - NaN bits are defined (docs/ir.md §4) and observable everywhere (bitcast, store,
 *    fcopysign); constants include signalling NaNs and NaNs with payloads. `%main`'s
 *    results are integers (floats reach them as bits): a JS number is no reliable
 *    carrier of a NaN's bits;
 *  - pointers never reach results or memory (their values differ per executor);
 *  - calls form a DAG (function i calls only j > i) and loops have small trip
 *    counts, so every program terminates quickly; stack slots are written before
 *    they are read;
 *  - traps may happen (division, conversions without a guard, `trap` in a branch).
 *
 * Terms: a *region* is a single-entry piece of structured code that leaves the
 * builder in a block that falls through; the *pool* is the list of values that
 * dominate the current point (a stack: regions pop what they pushed).
 */
import {
  Block, Builder, FloatCC, Func, Import, IntCC, Module, Opcode, Type, Value, verifyModule, printModule,
  type DataObject,
} from '../ir/index.js';
import { Rng, mixSeed } from './rng.js';
import { PrintfArg, printfArgType, randomPrintfFormat } from './printf-gen.js';

/** Size of the buffer every program receives as its first argument. */
export const BUF_SIZE = 512;
/** The last BUF_TAIL bytes of the buffer are zero and never written. */
export const BUF_TAIL = 8;
/** Parameter types of every generated `%main` (buffer first). */
export const MAIN_PARAMS: readonly Type[] = [Type.Ptr, Type.I64, Type.I32, Type.F64, Type.F32];

/** Knobs of the generator; defaults exercise everything. */
export interface GenOptions {
  /** Most helper functions besides %main (default 3). */
  maxHelpers?: number;
  /** Most nesting of control structures (default 3). */
  maxDepth?: number;
  /** Most parameters of a helper besides the buffer (default 9: some go on the stack). */
  maxParams?: number;
  /** Most results of a function (default 3). */
  maxResults?: number;
  /** Straight-line instructions per region, roughly (default 10). */
  regionSize?: number;
  /** Generate C imports (default true). */
  imports?: boolean;
  /** Generate call_indirect (default true). */
  callIndirect?: boolean;
  /** Generate traps (`trap`, unguarded division and conversions; default true). */
  traps?: boolean;
}

/** A generated program: its module and the inputs of `%main`. */
export interface Program {
  /** The seed it was generated from. */
  readonly seed: number;
  /** The module (verified); `%main` is the entry. */
  readonly module: Module;
  /** Initial buffer contents (BUF_SIZE bytes). */
  readonly buffer: Uint8Array;
  /** Arguments of %main after the buffer, in the interpreter's JS convention. */
  readonly args: readonly (number | bigint)[];
}

const INTS = [Type.I8, Type.I16, Type.I32, Type.I64] as const;
const FLOATS = [Type.F32, Type.F64] as const;
const SCALARS = [...INTS, ...FLOATS] as const;
/** Value types of the pool: ptr values there are data (constants, loaded bytes), never addresses. */
const VALUES = [...SCALARS, Type.Ptr] as const;
/** Types of a variadic helper's extra arguments (ptr ones are data, like the pool's). */
const VARARGS = [...SCALARS, Type.I32, Type.I64, Type.F64, Type.Ptr] as const;
const BITS: Record<number, number> = { [Type.I8]: 8, [Type.I16]: 16, [Type.I32]: 32, [Type.I64]: 64, [Type.F32]: 32, [Type.F64]: 64, [Type.Ptr]: 64 };

const INT_UNARY = [Opcode.INeg, Opcode.BNot, Opcode.Clz, Opcode.Ctz, Opcode.Popcnt];
const INT_BINARY = [Opcode.IAdd, Opcode.ISub, Opcode.IMul, Opcode.BAnd, Opcode.BOr, Opcode.BXor];
const SHIFTS = [Opcode.IShl, Opcode.UShr, Opcode.SShr, Opcode.Rotl, Opcode.Rotr];
const DIVS = [Opcode.SDiv, Opcode.UDiv, Opcode.SRem, Opcode.URem];
const FLOAT_UNARY = [Opcode.FNeg, Opcode.FAbs, Opcode.FSqrt, Opcode.FFloor, Opcode.FCeil, Opcode.FTrunc, Opcode.FNearest];
const FLOAT_BINARY = [Opcode.FAdd, Opcode.FSub, Opcode.FMul, Opcode.FDiv, Opcode.FMin, Opcode.FMax, Opcode.FCopysign];
const LOADS = [Opcode.Load, Opcode.SLoad8, Opcode.ULoad8, Opcode.SLoad16, Opcode.ULoad16, Opcode.SLoad32, Opcode.ULoad32];

const FLOAT_CONSTS = [0, -0, 1, -1, 0.5, 1.5, -2.25, 2.5, -0.5, 3e9, -3e9, 1e300, -1e-300, 5e-324, NaN, Infinity, -Infinity,
  2147483648, -2147483649, 4294967296, 9223372036854775808, 18446744073709551616, 127.9, -128.5, 65535.5, 1e-7];

/** The bits of a NaN of type `t`: either sign, quiet or signalling, a small, random or all-ones payload. */
function nanBits(r: Rng, t: Type): bigint {
  const f32 = t === Type.F32;
  const payloadBits = f32 ? 22 : 51;
  const quiet = r.chance(0.5);
  let payload = r.pick([0n, 1n, 5n, (1n << BigInt(payloadBits)) - 1n, BigInt.asUintN(payloadBits, r.u64())]);
  if (!quiet && payload === 0n) payload = 1n;
  const exp = f32 ? 0xffn << 23n : 0x7ffn << 52n;
  const sign = r.chance(0.5) ? 1n << (f32 ? 31n : 63n) : 0n;
  return sign | exp | (quiet ? 1n << BigInt(payloadBits) : 0n) | payload;
}

/** Interesting integer constants of `bits` width (as bigint, may be unsigned-range). */
function intConst(r: Rng, bits: number): bigint {
  const w = BigInt(bits);
  const min = -(1n << (w - 1n)), max = (1n << (w - 1n)) - 1n;
  switch (r.int(0, 9)) {
    case 0: return 0n;
    case 1: return 1n;
    case 2: return -1n;
    case 3: return r.chance(0.5) ? min : max;
    case 4: return BigInt(r.int(-16, 16));
    case 5: return BigInt.asIntN(bits, 1n << BigInt(r.int(0, bits - 1)));
    case 6: return BigInt(bits - r.int(0, 2));
    default: return BigInt.asIntN(bits, r.u64());
  }
}

/** Builds one module: helpers, then %main. */
class ModuleGen {
  readonly m = new Module();
  readonly helpers: Func[] = [];
  readonly imports = new Map<string, Import>();
  ro!: DataObject;
  rw!: DataObject;
  /** External data (`import data %ext`, with `imports`): the executors bind it to zeroed bytes (`zeroedExternalData`). */
  ext: DataObject | undefined;
  /** Recursive helpers: index of their depth parameter. */
  readonly depthParam = new Map<Func, number>();
  /** Estimated dynamic instruction count of each function (by callee index). */
  readonly cost = new Map<Func, number>();
  /** The extra arguments each variadic helper is called with (and reads with va_arg). */
  readonly extras = new Map<Func, Type[]>();
  /** Variadic helpers that hand their va_list to vsnprintf with this format. */
  readonly vformat = new Map<Func, { at: number; args: readonly PrintfArg[] }>();
  /** The source file of the instructions' locations, and the last line given out. */
  readonly file: number;
  line = 0;
  /** NUL-terminated strings (offsets in `text`) for printf's %s. */
  readonly strings: number[] = [];
  /** printf formats (offsets in `text`) and the extra arguments each reads. */
  readonly formats: { at: number; args: readonly PrintfArg[] }[] = [];
  /** Readonly data holding `strings` and `formats` (with imports). */
  text: DataObject | undefined;
  /** Readonly data: the addresses of `rw`, `ro` and `ext` plus `dataAddend`. */
  ptrs!: DataObject;
  /** The addends of `ptrs`' two relocations. */
  dataAddend: number[] = [];
  /** Writable data: the address of each helper and import at `funcSlot`. */
  funcs!: DataObject;
  /** Offset of each callee's address in `funcs`. */
  readonly funcSlot = new Map<Func | Import, number>();

  /**
   * `side` draws the choices of later features (source locations, external data) from a stream of
   * their own, so the programs `r` shapes stay those of the seed before the features came.
   */
  constructor(readonly r: Rng, readonly o: Required<GenOptions>, readonly side: Rng) {
    this.file = this.m.addFile('gen.c');
  }

  build(): Module {
    const { r, o, m } = this;
    // Integer results only: floats reach them as bits (a JS number is no reliable carrier of NaN bits).
    const main = m.function('main', MAIN_PARAMS, this.randomResults(1).map((t) => (t === Type.F32 ? Type.I32 : t === Type.F64 ? Type.I64 : t)));
    const n = r.int(0, o.maxHelpers);
    for (let i = 0; i < n; i++) {
      const params: Type[] = [Type.Ptr];
      const np = r.chance(0.2) ? r.int(6, o.maxParams) : r.int(0, Math.min(4, o.maxParams));
      for (let k = 0; k < np; k++) params.push(r.pick(SCALARS));
      // Some helpers recurse: their last parameter is a depth (callers pass 0..3).
      const recursive = r.chance(0.3);
      if (recursive) params.push(Type.I32);
      // Some helpers are variadic: they read extra arguments of random types with va_arg.
      const variadic = r.chance(0.25);
      const f = m.function(`f${i + 1}`, params, this.randomResults(0), { variadic });
      if (recursive) this.depthParam.set(f, params.length - 1);
      if (variadic) this.extras.set(f, Array.from({ length: r.int(0, 12) }, () => r.pick(VARARGS)));
      this.helpers.push(f);
    }
    if (o.imports) {
      const I64 = Type.I64, P = Type.Ptr;
      this.imports.set('abs', m.import('abs', [Type.I32], [Type.I32]));
      this.imports.set('labs', m.import('labs', [I64], [I64]));
      this.imports.set('sqrt', m.import('sqrt', [Type.F64], [Type.F64]));
      this.imports.set('fabs', m.import('fabs', [Type.F64], [Type.F64]));
      this.imports.set('memcmp', m.import('memcmp', [P, P, I64], [Type.I32]));
      this.imports.set('memcpy', m.import('memcpy', [P, P, I64], [P]));
      this.imports.set('memset', m.import('memset', [P, Type.I32, I64], [P]));
      this.imports.set('strlen', m.import('strlen', [P], [I64]));
      this.imports.set('snprintf', m.import('snprintf', [P, I64, P], [Type.I32], { variadic: true }));
      this.imports.set('vsnprintf', m.import('vsnprintf', [P, I64, P, P], [Type.I32]));
    }
    const bytes = (): Uint8Array => Uint8Array.from({ length: 64 }, () => r.int(0, 255));
    this.ro = m.addData('ro', bytes(), { readonly: true, align: 8 });
    this.rw = m.addData('rw', bytes(), { align: 8 });
    if (o.imports) this.ext = m.importData('ext');
    if (o.imports) {
      // printf formats and the strings their %s read, for variadic calls of snprintf.
      const text: number[] = [];
      const cstring = (s: string): number => {
        const at = text.length;
        for (let i = 0; i < s.length; i++) text.push(s.charCodeAt(i));
        text.push(0);
        return at;
      };
      for (const s of ['', 'jit', 'kit ok!']) this.strings.push(cstring(s));
      for (let i = r.int(1, 4); i > 0; i--) {
        const f = randomPrintfFormat(r, 8);
        this.formats.push({ at: cstring(f.text), args: f.args });
      }
      this.text = m.addData('text', text, { readonly: true });
      // Some variadic helpers pass their va_list to vsnprintf: their extra arguments are a format's.
      for (const f of this.extras.keys()) {
        if (!r.chance(0.4)) continue;
        const fmt = r.pick(this.formats);
        this.vformat.set(f, fmt);
        this.extras.set(f, fmt.args.map(printfArgType));
      }
    }
    // Relocated data: a readonly table of the two data objects' addresses (with an addend the
    // user subtracts again) and a writable one of every callee's address (call_indirect
    // through a loaded pointer).
    this.dataAddend = [r.int(-64, 64), r.int(-64, 64), this.side.int(-64, 64)];
    this.ptrs = m.addData('ptrs', [], { readonly: true, align: 8, size: 24, relocs: [
      { offset: 0, target: this.rw, addend: this.dataAddend[0]! }, { offset: 8, target: this.ro, addend: this.dataAddend[1]! },
      { offset: 16, target: this.ext ?? this.rw, addend: this.dataAddend[2]! }] });
    const callees = [...this.helpers, ...this.imports.values()].filter((c) => c.name !== 'snprintf');
    this.funcs = m.addData('funcs', [], { align: r.pick([1, 8]), size: 8 * callees.length + r.int(0, 3) });
    callees.forEach((c, k) => { this.funcSlot.set(c, 8 * k); this.funcs.addReloc(8 * k, c); });
    for (let i = this.helpers.length - 1; i >= 0; i--) new FuncGen(this, this.helpers[i]!, i + 1, false).generate();
    new FuncGen(this, main, 0, true).generate();
    return m;
  }

  randomResults(min: number): Type[] {
    const n = this.r.int(min, this.o.maxResults);
    const out: Type[] = [];
    for (let i = 0; i < n; i++) out.push(this.r.pick(VALUES));
    return out;
  }
}

/** Generates the body of one function. */
class FuncGen {
  readonly r: Rng;
  readonly b: Builder;
  readonly pool: Value[] = [];
  readonly buf: Value;
  readonly slots: { slot: number; size: number }[] = [];
  /** `stack_alloc` blocks (32 bytes written, so readable) usable at this point: scoped like the pool. */
  readonly blocks: Value[] = [];
  /** Product of the trip-count bounds of the enclosing loops. */
  mult = 1;
  /** A recursive helper calls itself at most once. */
  selfCalled = false;
  cost = 0;
  depth = 0;
  readonly budget: number;

  constructor(readonly g: ModuleGen, readonly f: Func, readonly index: number, readonly isMain: boolean) {
    this.r = g.r;
    this.b = f.builder();
    this.buf = this.b.param(0);
    this.budget = isMain ? 20000 : 3000;
  }

  get o(): Required<GenOptions> { return this.g.o; }

  generate(): void {
    const { b, r } = this;
    for (let i = 1; i < this.f.params.length; i++) this.pool.push(b.param(i));
    // Stack slots, fully written before any read.
    const ns = r.int(0, 2);
    for (let i = 0; i < ns; i++) {
      const size = r.pick([16, 32, 64]);
      const slot = b.stackSlot(size, r.pick([1, 8, 16]));
      for (let off = 0; off < size; off += 8) b.store(this.get(Type.I64), b.stackAddr(slot, off));
      this.slots.push({ slot, size });
    }
    if (this.f.variadic) this.readExtras();
    this.region(this.o.regionSize * (this.isMain ? 3 : 1));
    if (!b.isTerminated) this.emitReturn(true);
    this.g.cost.set(this.f, this.cost);
  }

  // ---- values ----
  tick(n = 1): void {
    this.cost += n * this.mult;
  }
  push(v: Value): Value {
    this.pool.push(v);
    return v;
  }
  /** A value of type `t` from the pool (often a recent one), or a new constant. */
  get(t: Type): Value {
    const { r, pool, f } = this;
    if (r.chance(0.85)) {
      const start = r.chance(0.5) ? Math.max(0, pool.length - 8) : 0;
      const n = pool.length - start;
      for (let tries = 0; tries < 6 && n > 0; tries++) {
        const v = pool[start + r.int(0, n - 1)]!;
        if (f.typeOf(v) === t) return v;
      }
      for (let i = pool.length - 1; i >= 0 && r.chance(0.9); i--) if (f.typeOf(pool[i]!) === t) return pool[i]!;
    }
    return this.constant(t);
  }
  constant(t: Type): Value {
    this.tick();
    if ((t === Type.F32 || t === Type.F64) && this.r.chance(0.12)) return this.b.fconstBits(t, nanBits(this.r, t));
    if (t === Type.F32 || t === Type.F64) return this.b.fconst(t, this.r.chance(0.7) ? this.r.pick(FLOAT_CONSTS) : (this.r.next() - 0.5) * 2000);
    return this.b.iconst(t, intConst(this.r, BITS[t]!));
  }
  iconst(t: Type, v: number | bigint): Value {
    this.tick();
    return this.b.iconst(t, v);
  }
  /** Any int value widened/narrowed to i64. */
  toI64(v: Value): Value {
    const t = this.f.typeOf(v);
    this.tick();
    if (t === Type.I64) return v;
    if (t === Type.F32 || t === Type.F64 || t === Type.Ptr) return this.convert(v, Type.I64);
    return this.r.chance(0.5) ? this.b.sext(Type.I64, v) : this.b.zext(Type.I64, v);
  }
  /** Converts any scalar to type `t` without trapping (bits reinterpreted for floats -> ints). */
  convert(v: Value, t: Type): Value {
    const b = this.b, f = this.f;
    let s = f.typeOf(v);
    if (s === t) return v;
    this.tick(2);
    if (s === Type.Ptr) { v = b.bitcast(Type.I64, v); s = Type.I64; if (t === Type.I64) return v; }
    if (t === Type.Ptr) return b.bitcast(Type.Ptr, this.convert(v, Type.I64));
    if (t === Type.F32 || t === Type.F64) {
      if (s === Type.F32) return b.fpromote(v);
      if (s === Type.F64) return b.fdemote(v);
      return this.r.chance(0.5) ? b.fcvtFromSint(t, v) : b.fcvtFromUint(t, v);
    }
    if (s === Type.F32 || s === Type.F64) {
      v = b.bitcast(s === Type.F32 ? Type.I32 : Type.I64, v);
      s = f.typeOf(v);
      if (s === t) return v;
    }
    return BITS[s]! < BITS[t]! ? (this.r.chance(0.5) ? b.sext(t, v) : b.zext(t, v)) : b.trunc(t, v);
  }
  cond(): Value {
    const { r, b } = this;
    this.tick();
    if (r.chance(0.2)) return this.get(r.pick(INTS));
    if (r.chance(0.2)) {
      const t = r.pick(FLOATS);
      return b.fcmp(r.int(0, 13) as FloatCC, this.get(t), this.get(t));
    }
    const t = r.pick(INTS);
    return b.icmp(r.int(0, 9) as IntCC, this.get(t), this.get(t));
  }

  // ---- addresses ----
  /** `buf + (x & mask)`: in bounds for an access of 8 bytes at offsets up to 240. */
  bufAddr(mask = 0xff): Value {
    const { r, b } = this;
    this.tick(2);
    const idx = this.toI64(this.get(r.pick(INTS)));
    if (r.chance(0.35)) {
      // A scaled index, for base + index*scale addressing: (idx & mask >> k) << k stays within mask.
      const k = r.int(1, 3);
      const i = b.band(idx, this.iconst(Type.I64, mask >> k));
      return b.iadd(this.buf, r.chance(0.5) ? b.imul(i, this.iconst(Type.I64, 1 << k)) : b.ishl(i, this.iconst(Type.I64, k)));
    }
    return b.iadd(this.buf, b.band(idx, this.iconst(Type.I64, mask)));
  }
  /** A memory location: [address value, constant offset, bytes writable]. */
  location(write: boolean): [Value, number] {
    const { r, b } = this;
    const k = r.weighted([6, this.slots.length > 0 ? 3 : 0, 2, this.blocks.length > 0 ? 3 : 0]);
    if (k === 0) {
      let p = this.bufAddr(r.chance(0.3) ? 0xf8 : 0xff);
      if (r.chance(0.3)) { p = b.iadd(p, this.iconst(Type.I64, 64)); return [p, -r.int(0, 64)]; }
      return [p, r.pick([0, 0, 1, 3, 8, 17, 100, 240])];
    }
    if (k === 1) {
      const { slot, size } = r.pick(this.slots);
      this.tick(2);
      if (r.chance(0.4)) return [b.stackAddr(slot, r.int(0, size - 8)), 0];
      const mask = r.chance(0.5) ? size - 8 : size / 2 - 1;
      const idx = b.band(this.toI64(this.get(r.pick(INTS))), this.iconst(Type.I64, mask));
      return [b.iadd(b.stackAddr(slot), idx), 0];
    }
    if (k === 3) {
      // A stack_alloc block: 8-byte accesses within its first 32 bytes.
      const p = r.pick(this.blocks);
      this.tick(2);
      if (r.chance(0.4)) return [p, r.int(0, 24)];
      const idx = b.band(this.toI64(this.get(r.pick(INTS))), this.iconst(Type.I64, r.pick([24, 15, 7])));
      return [b.iadd(p, idx), 0];
    }
    this.tick(3);
    let data = write || r.chance(0.5) ? this.g.rw : this.g.ro;
    if (this.g.ext !== undefined && this.g.side.chance(0.25)) data = this.g.ext; // external data: compiled code gets its address by name
    const idx = b.band(this.toI64(this.get(r.pick(INTS))), this.iconst(Type.I64, 0x1f));
    let base: Value;
    if (r.chance(0.3)) {
      // The address from the relocated table, its addend taken off again.
      const k = data === this.g.rw ? 0 : data === this.g.ro ? 1 : 2;
      base = b.iadd(b.load(Type.Ptr, b.globalAddr(this.g.ptrs), 8 * k), this.iconst(Type.I64, -this.g.dataAddend[k]!));
    } else base = b.globalAddr(data);
    return [b.iadd(base, idx), r.pick([0, 8, 24])];
  }
  /** The address of callee `c` for call_indirect: func_addr, or loaded from the relocated table. */
  calleeAddr(c: Func | Import): Value {
    const at = this.g.funcSlot.get(c);
    if (at === undefined || this.r.chance(0.5)) return this.b.funcAddr(c);
    this.tick(2);
    return this.b.load(Type.Ptr, this.b.globalAddr(this.g.funcs), at);
  }

  // ---- instructions ----
  emitOne(): void {
    const { r, b, f } = this;
    this.tick();
    // Source locations (printed, parsed, kept by the passes, mapped to code): mostly a new line,
    // sometimes none or the same as before.
    const side = this.g.side, where = side.weighted([7, 1, 2]);
    if (where === 0) b.setLocation(this.g.file, ++this.g.line, side.int(0, 40));
    else if (where === 1) b.setLocation(null);
    const k = r.weighted([3, 6, 3, 2, 2, 3, 4, 2, 3, 4, 3, 2, 2, 1, 1, 1.2]);
    switch (k) {
      case 0: this.push(this.constant(r.pick(VALUES))); break;
      case 1: {
        const t = r.pick(INTS);
        this.push(b.binary(r.pick(INT_BINARY), this.get(t), this.get(t)));
        break;
      }
      case 2: {
        const t = r.pick(INTS);
        this.push(b.binary(r.pick(SHIFTS), this.get(t), this.get(r.pick(INTS))));
        break;
      }
      case 3: this.push(b.unary(r.pick(INT_UNARY), this.get(r.pick(INTS)))); break;
      case 4: {
        const t = r.pick(INTS);
        let y = this.get(t);
        if (!this.o.traps || r.chance(0.8)) y = b.bor(y, this.iconst(t, 1));
        let x = this.get(t);
        // sdiv MIN, -1 traps; keep it rare.
        if (r.chance(0.7)) x = b.band(x, this.iconst(t, BITS[t] === 64 ? 0x7fffffffffffffffn : (1n << BigInt(BITS[t]! - 1)) - 1n));
        this.push(b.binary(r.pick(DIVS), x, y));
        break;
      }
      case 5: {
        const t = r.chance(0.1) ? Type.Ptr : r.pick(INTS);
        this.push(b.icmp(r.int(0, 9) as IntCC, this.get(t), this.get(t)));
        break;
      }
      case 6: {
        const t = r.pick(FLOATS);
        if (r.chance(0.4)) this.push(b.unary(r.pick(FLOAT_UNARY), this.get(t)));
        else {
          this.push(b.binary(r.pick(FLOAT_BINARY), this.get(t), this.get(t)));
        }
        break;
      }
      case 7: {
        const t = r.pick(FLOATS);
        this.push(b.fcmp(r.int(0, 13) as FloatCC, this.get(t), this.get(t)));
        break;
      }
      case 8: {
        const t = r.pick(VALUES);
        this.push(b.select(this.get(r.pick(INTS)), this.get(t), this.get(t)));
        break;
      }
      case 9: this.emitConversion(); break;
      case 10: this.emitLoad(); break;
      case 11: this.emitStore(); break;
      case 12: this.emitCall(); break;
      case 13: this.emitImportCall(); break;
      case 15: this.emitStackAlloc(); break;
      default: {
        // Pointer round trips and differences: deterministic although addresses are not.
        const p = this.bufAddr(), q = this.bufAddr();
        const pi = b.bitcast(Type.I64, p), qi = b.bitcast(Type.I64, q);
        this.push(b.isub(pi, qi));
        this.push(b.icmp(r.int(0, 9) as IntCC, p, q));
        const back = b.bitcast(Type.Ptr, b.iadd(pi, this.iconst(Type.I64, 3)));
        this.push(b.uload8(Type.I32, b.isub(back, this.iconst(Type.I64, 3)), 0));
        this.tick(6);
      }
    }
    void f;
  }

  emitConversion(): void {
    const { r, b } = this;
    switch (r.int(0, 6)) {
      case 0: case 1: {
        const from = r.pick([Type.I8, Type.I16, Type.I32]);
        const to = r.pick(INTS.filter((t) => BITS[t]! > BITS[from]!));
        this.push(r.chance(0.5) ? b.sext(to, this.get(from)) : b.zext(to, this.get(from)));
        break;
      }
      case 2: {
        const from = r.pick([Type.I16, Type.I32, Type.I64]);
        const to = r.pick(INTS.filter((t) => BITS[t]! < BITS[from]!));
        this.push(b.trunc(to, this.get(from)));
        break;
      }
      case 3:
        this.push(r.chance(0.5) ? b.fpromote(this.get(Type.F32)) : b.fdemote(this.get(Type.F64)));
        break;
      case 4: {
        const from = r.pick(FLOATS), to = r.pick(INTS), signed = r.chance(0.5);
        let x = this.get(from);
        if (r.chance(0.35)) { // saturating: any input, NaN and infinities included
          this.push(signed ? b.fcvtToSintSat(to, x) : b.fcvtToUintSat(to, x));
          break;
        }
        if (!this.o.traps || r.chance(0.85)) {
          const w = BITS[to]!;
          const lo = signed ? -(2 ** (w - 1)) - 1 : -1, hi = signed ? 2 ** (w - 1) : 2 ** w;
          const ok = b.band(b.fcmp(FloatCC.Gt, x, b.fconst(from, lo)), b.fcmp(FloatCC.Lt, x, b.fconst(from, hi)));
          x = b.select(ok, x, b.fconst(from, r.pick([0, 1.5, -0.75])));
          this.tick(5);
        }
        this.push(signed ? b.fcvtToSint(to, x) : b.fcvtToUint(to, x));
        break;
      }
      case 5: {
        const to = r.pick(FLOATS), from = r.pick(INTS);
        this.push(r.chance(0.5) ? b.fcvtFromSint(to, this.get(from)) : b.fcvtFromUint(to, this.get(from)));
        break;
      }
      default: {
        const t = r.pick([Type.I32, Type.I64, Type.F32, Type.F64]);
        const x = this.get(t);
        const to = t === Type.I32 ? Type.F32 : t === Type.I64 ? Type.F64 : t === Type.F32 ? Type.I32 : Type.I64;
        this.push(b.bitcast(to, x));
      }
    }
  }

  emitLoad(): void {
    const { r, b } = this;
    const op = r.pick(LOADS);
    const [p, off] = this.location(false);
    let t: Type;
    switch (op) {
      case Opcode.Load: t = r.pick(VALUES); break;
      case Opcode.SLoad8: case Opcode.ULoad8: t = r.pick([Type.I16, Type.I32, Type.I64]); break;
      case Opcode.SLoad16: case Opcode.ULoad16: t = r.pick([Type.I32, Type.I64]); break;
      default: t = Type.I64;
    }
    this.push(b.loadOp(op, t, p, off));
  }

  emitStore(): void {
    const { r, b, f } = this;
    const [p, off] = this.location(true);
    let v = this.get(r.pick(VALUES));
    const t = f.typeOf(v);
    let st = t;
    if (t !== Type.Ptr && t !== Type.F32 && t !== Type.F64 && r.chance(0.3)) st = r.pick(INTS.filter((s) => BITS[s]! <= BITS[t]!));
    b.store(v, p, off, st);
  }

  /** A helper this function may call without exceeding its budget, or undefined. */
  callee(): Func | undefined {
    const later = this.g.helpers.slice(this.index);
    if (later.length === 0) return undefined;
    const c = this.r.pick(later);
    const cost = this.g.cost.get(c) ?? Infinity;
    return this.cost + cost * this.mult > this.budget ? undefined : c;
  }
  args(c: { params: readonly Type[] }, depth?: Value): Value[] {
    const di = c instanceof Func ? this.g.depthParam.get(c) : undefined;
    const out = c.params.map((t, i) => {
      if (i === di) return depth ?? this.b.band(this.convert(this.get(Type.I32), Type.I32), this.iconst(Type.I32, 3));
      return t === Type.Ptr ? this.buf : this.get(t);
    });
    // A variadic helper's extra arguments: a printf format's, or values of its types.
    if (c instanceof Func && c.variadic) {
      const fmt = this.g.vformat.get(c);
      if (fmt !== undefined) out.push(...this.printfArgs(fmt.args));
      else for (const t of this.g.extras.get(c) ?? []) out.push(this.get(t));
    }
    return out;
  }
  /** The extra arguments for a printf format's conversions. */
  printfArgs(kinds: readonly PrintfArg[]): Value[] {
    const { r, b, g } = this;
    return kinds.map((k) => {
      if (k === PrintfArg.String) return this.text(r.pick(g.strings));
      if (k === PrintfArg.Star) return b.band(this.get(Type.I32), this.iconst(Type.I32, 15));
      if (k === PrintfArg.Double) return this.get(Type.F64); // NaNs too: glibc prints their sign (-nan)
      return this.get(printfArgType(k));
    });
  }
  /** The address of offset `at` of the fuzzer's text data. */
  text(at: number): Value {
    return this.b.iadd(this.b.globalAddr(this.g.text!), this.iconst(Type.I64, at));
  }
  /**
   * A variadic helper's start: va_start, then every extra argument read with va_arg (narrow
   * integers sometimes at another narrow width), part of them also through a 24-byte copy of the
   * va_list (va_copy); or the va_list handed to vsnprintf.
   */
  readExtras(): void {
    const { r, b, g } = this;
    const ap = b.stackAddr(b.stackSlot(24, 8));
    b.vaStart(ap);
    this.tick(10);
    const fmt = g.vformat.get(this.f);
    if (fmt !== undefined) {
      const len = b.band(this.toI64(this.get(r.pick(INTS))), this.iconst(Type.I64, 127));
      this.push(b.call(g.imports.get('vsnprintf')!, [this.bufAddr(0x7f), len, this.text(fmt.at), ap]));
      return;
    }
    const types = g.extras.get(this.f) ?? [];
    const copyAt = r.chance(0.3) ? r.int(0, types.length) : -1;
    let copy: Value | undefined;
    const narrow = [Type.I8, Type.I16, Type.I32];
    types.forEach((t, k) => {
      if (k === copyAt) {
        copy = b.stackAddr(b.stackSlot(24, 8));
        for (let off = 0; off < 24; off += 8) b.store(b.load(Type.I64, ap, off), copy, off);
      }
      const as = narrow.includes(t) && r.chance(0.3) ? r.pick(narrow) : t;
      this.push(b.vaArg(as, ap));
      if (copy !== undefined) this.push(b.vaArg(as, copy));
      this.tick(6);
    });
  }
  /** A guarded self-call of a recursive helper (depth - 1, at most once per body, not in loops). */
  emitSelfCall(): boolean {
    const { b, f } = this;
    const di = this.g.depthParam.get(f);
    if (di === undefined || this.selfCalled || this.mult !== 1) return false;
    this.selfCalled = true;
    const depth = b.param(di);
    const types = [...f.results];
    const out = b.ifElse(b.icmp(IntCC.Sgt, depth, this.iconst(Type.I32, 0)), types,
      () => b.callAll(f, this.args(f, b.isub(depth, this.iconst(Type.I32, 1)))),
      () => this.scoped(() => this.values(types)));
    for (const v of out) this.push(v);
    this.cost *= 2;
    return true;
  }

  emitCall(): void {
    const { r, b } = this;
    if (r.chance(0.3) && this.emitSelfCall()) return;
    const c = this.callee();
    if (c === undefined) return;
    this.cost += (this.g.cost.get(c) ?? 0) * this.mult;
    if (this.o.callIndirect && this.o.traps && r.chance(0.03)) {
      // A signature that differs from the callee's: the call traps bad_sig.
      const params = [...c.params];
      const results = [...c.results];
      if (results.length > 0 && r.chance(0.5)) results[0] = results[0] === Type.I64 ? Type.I32 : Type.I64;
      else if (params.length > 1 && r.chance(0.5)) params[params.length - 1] = params[params.length - 1] === Type.F64 ? Type.F32 : Type.F64;
      else results.push(Type.I8);
      const sig = b.signature(params, results);
      for (const v of b.callIndirectAll(sig, this.calleeAddr(c), this.args({ params }))) this.push(v);
      return;
    }
    if (this.o.callIndirect && r.chance(0.3)) {
      const sig = b.signature(c.params, c.results, { variadic: c.variadic });
      // call_native (no header check) when a C function could return the results: at most two.
      const native = c.results.length <= 2 && r.chance(0.3);
      const p = this.calleeAddr(c), args = this.args(c);
      if (native && !c.variadic && r.chance(0.5)) {
        // A compatible but different signature, whose outcome System V defines: wider integer
        // arguments (the callee reads their low bits), an f64 where it takes an f32 (it reads the
        // double's low 32 bits), an extra argument it ignores, fewer results.
        const params: Type[] = [], values: Value[] = [];
        c.params.forEach((t, i) => {
          if ((t === Type.I8 || t === Type.I16 || t === Type.I32) && r.chance(0.5)) { params.push(Type.I64); values.push(b.sext(Type.I64, args[i]!)); }
          else if (t === Type.F32 && r.chance(0.2)) { params.push(Type.F64); values.push(this.get(Type.F64)); }
          else { params.push(t); values.push(args[i]!); }
        });
        if (r.chance(0.3)) { const t = r.pick(SCALARS); params.push(t); values.push(this.get(t)); }
        const results = c.results.slice(0, r.int(0, c.results.length));
        for (const v of b.callNativeAll(b.signature(params, results), p, values)) this.push(v);
        return;
      }
      for (const v of native ? b.callNativeAll(sig, p, args) : b.callIndirectAll(sig, p, args)) this.push(v);
    } else {
      for (const v of b.callAll(c, this.args(c))) this.push(v);
    }
  }

  emitImportCall(): void {
    const { r, b, g } = this;
    if (!this.o.imports) return;
    const name = r.pick(['abs', 'labs', 'sqrt', 'fabs', 'memcmp', 'memcpy', 'memset', 'strlen', 'snprintf']);
    const imp = g.imports.get(name)!;
    this.tick(20);
    const len = (): Value => b.band(this.toI64(this.get(r.pick(INTS))), this.iconst(Type.I64, 63));
    switch (name) {
      case 'abs': case 'labs': case 'sqrt': case 'fabs': {
        const args = this.args(imp);
        if (this.o.callIndirect && r.chance(0.3)) {
          const sig = b.signature(imp.params, imp.results), p = this.calleeAddr(imp);
          this.push(r.chance(0.5) ? b.callNative(sig, p, args) : b.callIndirect(sig, p, args));
        } else this.push(b.call(imp, args));
        break;
      }
      case 'memcmp': {
        const res = b.call(imp, [this.bufAddr(), this.bufAddr(), len()]);
        // C only promises the sign.
        const zero = this.iconst(Type.I32, 0);
        this.push(b.isub(b.icmp(IntCC.Sgt, res, zero), b.icmp(IntCC.Slt, res, zero)));
        break;
      }
      case 'memcpy': {
        // Disjoint halves: [0, 190] and [256, 446].
        const lo = this.bufAddr(0x7f);
        const hi = b.iadd(this.bufAddr(0x7f), this.iconst(Type.I64, 256));
        const [d, s] = r.chance(0.5) ? [lo, hi] : [hi, lo];
        b.call(imp, [d, s, len()]);
        break;
      }
      case 'memset':
        b.call(imp, [this.bufAddr(), this.get(Type.I32), len()]);
        break;
      case 'snprintf': {
        // A variadic call: the format's extra arguments after (buffer, size, format), some in
        // registers and some on the stack. Writes at most 128 bytes at buf + 0..127.
        const fmt = r.pick(g.formats);
        const args = [this.bufAddr(0x7f), b.band(this.toI64(this.get(r.pick(INTS))), this.iconst(Type.I64, 127)), this.text(fmt.at), ...this.printfArgs(fmt.args)];
        this.tick(4 * args.length);
        this.push(b.call(imp, args));
        break;
      }
      default:
        this.push(b.call(imp, [this.bufAddr()]));
    }
  }

  // ---- control flow ----
  /** Emits about `n` instructions and nested structures; leaves a fall-through block unless it terminated. */
  region(n: number): void {
    const { r, b } = this;
    for (let i = 0; i < n && !b.isTerminated; i++) {
      if (this.cost > this.budget) break;
      const canNest = this.depth < this.o.maxDepth;
      const k = r.weighted([20, canNest ? 1.5 : 0, canNest ? 1.2 : 0, canNest ? 0.8 : 0, 0.5]);
      switch (k) {
        case 0: this.emitOne(); break;
        case 1: this.emitIf(); break;
        case 2: this.emitLoop(); break;
        case 3: this.emitSwitch(); break;
        default: this.emitEarlyExit(); break;
      }
    }
  }
  /** Runs `fn` with a nested pool scope. */
  scoped<T>(fn: () => T): T {
    const mark = this.pool.length, blocks = this.blocks.length;
    this.depth++;
    try {
      return fn();
    } finally {
      this.depth--;
      this.pool.length = mark;
      this.blocks.length = blocks;
    }
  }
  /** `stack_alloc` of 32..63 bytes (its first 32 written), or rarely one too large for any stack (stk_ovf). */
  emitStackAlloc(): void {
    const { r, b } = this;
    this.tick(8);
    let size = b.iadd(b.band(this.toI64(this.get(r.pick(INTS))), this.iconst(Type.I64, 31)), this.iconst(Type.I64, 32));
    if (this.o.traps && r.chance(0.03)) size = b.bor(size, this.iconst(Type.I64, r.chance(0.5) ? 1n << 40n : -1n));
    const p = b.stackAlloc(size, r.pick([1, 4, 8, 16, 32, 64]));
    for (let off = 0; off < 32; off += 8) b.store(this.get(Type.I64), p, off);
    this.blocks.push(p);
  }
  /** Values of `types` from the pool. */
  values(types: readonly Type[]): Value[] {
    return types.map((t) => this.get(t));
  }
  someTypes(max: number): Type[] {
    const n = this.r.int(0, max);
    const out: Type[] = [];
    for (let i = 0; i < n; i++) out.push(this.r.pick(VALUES));
    return out;
  }

  emitIf(): void {
    const { r, b } = this;
    const types = this.someTypes(3);
    const size = Math.max(1, this.o.regionSize >> 1);
    const arm = (): Value[] | void => this.scoped(() => {
      const mark = r.chance(0.2) ? b.stackSave() : undefined;
      this.region(r.int(0, size));
      if (b.isTerminated) return undefined;
      if (r.chance(0.04)) { this.terminate(); return undefined; }
      const out = this.values(types);
      if (mark !== undefined) b.stackRestore(mark);
      return out;
    });
    const out = b.ifElse(this.cond(), types, arm, arm);
    for (const v of out) this.push(v);
  }

  emitLoop(): void {
    const { r, b } = this;
    const maxTrips = r.int(0, 5);
    if (this.cost + this.mult * (maxTrips + 1) * 10 > this.budget || this.mult * (maxTrips + 1) > 40) return;
    const carried = this.someTypes(3);
    const ctrT = r.pick([Type.I32, Type.I64, Type.I8]);
    // Trip count: a constant, or a pool value masked into [0, maxTrips].
    const limit = r.chance(0.5) ? this.iconst(ctrT, maxTrips)
      : b.urem(b.band(this.get(ctrT), this.iconst(ctrT, 0x7f)), this.iconst(ctrT, maxTrips + 1));
    const header = b.block(ctrT, ...carried);
    const body = b.block();
    const exit = b.block(...carried);
    b.jump(header, [this.iconst(ctrT, 0), ...this.values(carried)]);
    b.switchTo(header);
    const hp = b.blockParams(header);
    const stay = b.icmp(r.chance(0.5) ? IntCC.Slt : IntCC.Ult, hp[0]!, limit);
    b.brif(stay, body, { block: exit, args: hp.slice(1) });
    b.switchTo(body);
    const savedMult = this.mult;
    this.mult *= maxTrips + 1;
    this.scoped(() => {
      // The body may free its stack_alloc blocks at the end of each iteration, as C does for a VLA
      // declared in a loop body.
      const mark = r.chance(0.2) ? b.stackSave() : undefined;
      for (const v of hp) this.push(v);
      const size = Math.max(1, this.o.regionSize);
      this.region(r.int(1, size));
      if (!b.isTerminated && r.chance(0.3)) {
        // break: leave the loop early with the current values.
        const cont = b.block();
        b.brif(this.cond(), { block: exit, args: this.values(carried) }, cont);
        b.switchTo(cont);
        this.region(r.int(0, 3));
      }
      if (!b.isTerminated) {
        const next = b.iadd(hp[0]!, this.iconst(ctrT, 1));
        const values = this.values(carried);
        if (mark !== undefined) b.stackRestore(mark);
        b.jump(header, [next, ...values]);
      }
    });
    this.mult = savedMult;
    b.switchTo(exit);
    for (const v of b.blockParams(exit)) this.push(v);
  }

  emitSwitch(): void {
    const { r, b } = this;
    const ncases = r.int(1, 4);
    const mergeTypes = this.someTypes(2);
    const cases: { block: Block; types: Type[] }[] = [];
    for (let i = 0; i < ncases; i++) {
      const types = r.chance(0.3) ? this.someTypes(2) : [];
      cases.push({ block: b.block(...types), types });
    }
    const merge = b.block(...mergeTypes);
    let index = this.get(r.pick(INTS));
    const tableLen = r.int(0, 6);
    if (r.chance(0.6)) index = b.band(index, this.iconst(this.f.typeOf(index), r.pick([1, 3, 7])));
    const target = (): { block: Block; args: Value[] } => {
      const c = r.pick(cases);
      return { block: c.block, args: this.values(c.types) };
    };
    if (r.chance(0.25)) {
      // Computed goto: label k is indirect_br's k-th destination; the index picks a label address
      // through selects (a label past the list traps bad_target).
      const labels: { block: Block; args: Value[] }[] = [];
      for (let i = r.int(1, 5); i > 0; i--) labels.push(target());
      const it = this.f.typeOf(index);
      const label = (): number => (this.o.traps && r.chance(0.05) ? labels.length + r.int(0, 2) : r.int(0, labels.length - 1));
      let addr = b.labelAddr(label());
      for (let k = 0; k < tableLen; k++) addr = b.select(b.icmp(IntCC.Eq, index, this.iconst(it, k)), b.labelAddr(label()), addr);
      b.indirectBr(addr, labels);
    } else {
      const table: { block: Block; args: Value[] }[] = [];
      for (let i = 0; i < tableLen; i++) table.push(target());
      b.brTable(index, target(), table);
    }
    for (const c of cases) {
      b.switchTo(c.block);
      this.scoped(() => {
        for (const v of b.blockParams(c.block)) this.push(v);
        this.region(r.int(0, Math.max(1, this.o.regionSize >> 1)));
        if (!b.isTerminated) {
          if (r.chance(0.04)) this.terminate();
          else b.jump(merge, this.values(mergeTypes));
        }
      });
    }
    b.switchTo(merge);
    for (const v of b.blockParams(merge)) this.push(v);
  }

  emitEarlyExit(): void {
    const { b } = this;
    const exit = b.block(), cont = b.block();
    b.brif(this.cond(), exit, cont);
    b.switchTo(exit);
    this.scoped(() => this.terminate());
    b.switchTo(cont);
  }

  /** Ends the current block with a return (usually) or a trap. */
  terminate(): void {
    const { r, b } = this;
    if (this.o.traps && r.chance(0.25)) b.trap(r.chance(0.5) ? 'unreachable' : `user${r.int(0, 9)}`);
    else this.emitReturn(false);
  }

  /** Returns values folding many pool values (all of them at the end of %main). */
  emitReturn(final: boolean): void {
    const { r, b } = this;
    const out: Value[] = [];
    this.f.results.forEach((t, i) => {
      const folded = this.pool.length === 0 ? [] : final && this.isMain && i === 0 ? [...this.pool]
        : Array.from({ length: r.int(1, 6) }, () => r.pick(this.pool));
      if (t === Type.F32 || t === Type.F64) {
        let acc = this.get(t);
        if (folded.length > 0) {
          let h = this.iconst(Type.I32, 0);
          for (const v of folded) h = b.bxor(b.rotl(h, this.iconst(Type.I32, 5)), this.convert(v, Type.I32));
          acc = b.fadd(acc, b.fcvtFromSint(t, h));
        }
        out.push(acc);
      } else {
        const it = t === Type.Ptr ? Type.I64 : t;
        let acc = this.convert(this.get(t), it);
        for (const v of folded) {
          const x = this.convert(v, it);
          acc = r.chance(0.5) ? b.bxor(b.rotl(acc, this.iconst(Type.I8, 7)), x) : b.iadd(b.imul(acc, this.iconst(it, 31)), x);
        }
        out.push(this.convert(acc, t));
      }
    });
    b.return(...out);
  }
}

const DEFAULTS: Required<GenOptions> = {
  maxHelpers: 3, maxDepth: 3, maxParams: 9, maxResults: 3, regionSize: 10, imports: true, callIndirect: true, traps: true,
};

/** Generates the program for `seed`; throws if the generator produced invalid IR (a generator bug). */
export function generate(seed: number, options: GenOptions = {}): Program {
  const o = { ...DEFAULTS, ...options };
  const r = new Rng(mixSeed(seed, 0x51ed));
  const module = new ModuleGen(r, o, new Rng(mixSeed(seed, 0x10c5))).build();
  const errors = verifyModule(module);
  if (errors.length > 0) throw new Error(`generator: seed ${seed} produced invalid IR:\n${errors.join('\n')}\n${printModule(module)}`);
  const buffer = new Uint8Array(BUF_SIZE);
  for (let i = 0; i < BUF_SIZE - BUF_TAIL; i++) buffer[i] = r.chance(0.1) ? 0 : r.int(0, 255);
  const args: (number | bigint)[] = [
    r.chance(0.5) ? BigInt(r.int(-100, 100)) : BigInt.asIntN(64, r.u64()),
    r.chance(0.5) ? r.int(-100, 100) : r.u32() | 0,
    r.chance(0.3) ? r.pick(FLOAT_CONSTS) : (r.next() - 0.5) * 1e4,
    Math.fround(r.chance(0.3) ? r.pick(FLOAT_CONSTS) : (r.next() - 0.5) * 100),
  ];
  return { seed, module, buffer, args };
}
