/**
 * IR generation: typed AST (ast.ts) -> jitkit IR module.
 *
 * Pipeline position: parser -> **irgen** -> mem2reg (src/opt/mem2reg.ts, always)
 * -> optimiser (-O1/-O2) -> backend.
 *
 * Every local object gets a stack slot and every access is a load or store;
 * mem2reg then turns the slots whose address never escapes into SSA values.
 * Struct values are handled by address (a temporary slot for call results and
 * other rvalues); calls follow System V (abi.ts). Objects with static storage
 * become data objects whose bytes come from their initializers.
 *
 * Terms: an *lvalue address* is the IR `ptr` of an object; a *value* is an IR
 * value of the scalar's IR type (`irType`), or the address for records.
 */
import type { BinaryOp, Expr, Initializer, Stmt, TranslationUnit } from './ast.js';
import { Storage, Symbol } from './ast.js';
import { classify, lowerSignature, type LoweredSignature, type Passing } from './abi.js';
import { evalConst, evalInt, wrapInt } from './consteval.js';
import { writeStatic, type AddressConstant, type StaticTargets } from './static-data.js';
import {
  CType, T, TypeKind, irType, isFloating, isInteger, isPointer, isRecord, isScalar, isUnsigned, isVariablySized, typeToString, type Member,
} from './ctypes.js';
import type { Diagnostics } from './diagnostics.js';
import type { Builder } from '../../ir/builder.js';
import { Func, Import, Module, type Block, type Callee, type DataObject, type Value } from '../../ir/function.js';
import { IntCC, FloatCC } from '../../ir/opcodes.js';
import { Type, typeBytes } from '../../ir/types.js';
import type { SourceLocation } from './token.js';

/** Thrown when IR generation meets something it cannot express (already reported). */
class GenAbort extends Error {}

/** Link names the module defines itself (so that a program's `exit()` unwinds to the entry instead of ending Node). */
export const EXIT_STATUS_DATA = '__jitkit_exit_status';
/** The module's function that runs the `atexit` handlers (last registered first); defined when the program calls `atexit`. */
export const ATEXIT_RUN = '__jitkit_atexit_run';
/** Trap code of `exit()`: the status is in `EXIT_STATUS_DATA`. */
export const EXIT_TRAP = 'user1';
/** Trap code of `abort()` and failed assertions. */
export const ABORT_TRAP = 'user2';

/** The result of IR generation. */
export interface GeneratedModule {
  /** The IR. */
  readonly module: Module;
  /** Import names that are aliases of a C symbol (one import per call signature of a variadic C function). */
  readonly aliases: Map<string, string>;
  /** C function types of the module's functions with external linkage, by name (for `cc()`'s JS functions). */
  readonly functions: Map<string, { type: CType; sig: LoweredSignature }>;
}

/** Generates the IR module of a program's translation units. */
export function generateIR(units: readonly TranslationUnit[], diags: Diagnostics): GeneratedModule {
  const g = new ModuleGen(diags);
  return g.run(units);
}

class ModuleGen implements StaticTargets {
  readonly m = new Module('c');
  readonly callees = new Map<Symbol, Callee>();
  readonly sigs = new Map<Symbol, LoweredSignature>();
  readonly data = new Map<Symbol, DataObject>();
  readonly strings = new Map<string, DataObject>();
  readonly aliases = new Map<string, string>();
  readonly aliasBySig = new Map<string, Import>();
  /** `&&label` values: the first id of each function's address-taken labels (ids are consecutive per function, unique in the module). */
  private readonly labelBase = new Map<Symbol, number>();
  private nextLabelId = 1;
  private exitData: DataObject | null = null;
  /** Module file numbers of the compilation's source files (-1: not representable), by diagnostics' file index. */
  private readonly fileNumbers = new Map<number, number>();
  /** `atexit`'s table: the count (i64), then up to ATEXIT_MAX handler addresses. */
  private atexitTable: DataObject | null = null;
  private atexitRun: Func | null = null;
  /** `_Thread_local` objects' accessor functions (see threadLocalAccessor). */
  private readonly tlsAccessors = new Map<Symbol, Func>();
  private stringCount = 0;

  constructor(readonly diags: Diagnostics) {}

  run(units: readonly TranslationUnit[]): GeneratedModule {
    const all: Symbol[] = [];
    const seen = new Set<Symbol>();
    for (const u of units) for (const s of [...u.symbols, ...u.statics]) if (!seen.has(s)) { seen.add(s); all.push(s); }
    const functions = new Map<string, { type: CType; sig: LoweredSignature }>();
    const builtins: Symbol[] = [];
    // Functions first: every callee must exist before bodies refer to it.
    for (const s of all) {
      if (!s.isFunction) continue;
      // Declarations nobody calls, and static functions nobody refers to (a header's static inline helpers), need no code.
      if (!s.used && (s.body === null || s.isStatic)) continue;
      const sig = lowerSignature(s.type.base!, s.type.params.map((p) => p.type));
      this.sigs.set(s, sig);
      if (s.body !== null) {
        const f = this.m.function(irName(s.linkName), sig.params, sig.results, { variadic: s.type.variadic });
        this.callees.set(s, f);
        if (!s.isStatic) functions.set(s.linkName, { type: s.type, sig });
      } else if (BUILTIN_BODIES.has(s.linkName)) {
        builtins.push(s);
      } else {
        // Variadic C functions, and functions declared without a prototype, take any extra arguments.
        const variadic = s.type.variadic || !s.type.hasProto;
        // Another C declaration of the same assembler name (glibc's __REDIRECT) may have imported it already.
        const existing = this.m.lookup(irName(s.linkName));
        this.callees.set(s, existing === undefined ? this.m.import(irName(s.linkName), sig.params, sig.results, { variadic })
          : existing instanceof Import && existing.variadic === variadic && sameTypes(existing.params, sig.params) && sameTypes(existing.results, sig.results) ? existing
          : this.aliasImport(s.linkName, sig.params, sig.results));
      }
    }
    // After the program's own imports, so that the bodies reuse their declarations.
    if (builtins.some((s) => s.linkName === 'atexit')) this.atexitRun = this.atexitRunner();
    for (const s of builtins) this.callees.set(s, this.builtinFunction(s.linkName, this.sigs.get(s)!));
    for (const s of all) {
      if (s.isFunction || s.storage === Storage.Local) continue;
      if (!s.defined) continue;
      this.defineData(s);
    }
    for (const s of all) {
      if (s.isFunction || s.storage !== Storage.Static) continue;
      if (!s.defined) continue;
      try {
        this.fillData(s);
      } catch (e) {
        if (!(e instanceof GenAbort)) throw e;
      }
    }
    for (const s of all) {
      if (!s.isFunction || s.body === null) continue;
      const f = this.callees.get(s);
      if (!(f instanceof Func)) continue;
      try {
        new FuncGen(this, s, f).run();
      } catch (e) {
        if (!(e instanceof GenAbort)) throw e;
      }
    }
    return { module: this.m, aliases: this.aliases, functions };
  }

  /**
   * The value of `&&name` in function `fn`: a small integer unique in the
   * module (C only lets `goto *` use it; the function's dispatch block turns
   * it back into a label with one `br_table`).
   */
  labelValue(fn: Symbol, name: string): number {
    let base = this.labelBase.get(fn);
    if (base === undefined) {
      base = this.nextLabelId;
      this.labelBase.set(fn, base);
      this.nextLabelId += fn.addressedLabels.length;
    }
    return base + fn.addressedLabels.indexOf(name);
  }

  /**
   * Makes `b` give the instructions it builds from now on the C location `loc`
   * (`disassemble()` shows the C lines): the module's copy of the source file,
   * with its text unless `#line` renumbered it.
   */
  locate(b: Builder, loc: SourceLocation): void {
    let n = this.fileNumbers.get(loc.file);
    if (n === undefined) {
      const sf = this.diags.files[loc.file];
      n = -1;
      if (sf !== undefined) {
        try {
          n = this.m.addFile(sf.name.replace(/["\n\r]/g, '_') || '<unknown>', sf.lineOffset ? undefined : sf.text);
        } catch {
          n = -1; // more files than the IR numbers: no locations for this one
        }
      }
      this.fileNumbers.set(loc.file, n);
    }
    if (n >= 0 && loc.line >= 1 && loc.line < 1 << 26) b.setLocation(n, loc.line, Math.min(Math.max(loc.col, 0), 0xffff));
    else b.setLocation(null);
  }

  fail(loc: SourceLocation, message: string): never {
    this.diags.error(loc, message);
    throw new GenAbort(message);
  }

  /**
   * The data object of a static-storage symbol: defined here, or, for one defined outside the
   * program (a C library variable: stdout, environ, optarg), external data (`import data`) whose
   * address is resolved by name when the program is linked.
   */
  dataOf(s: Symbol, loc: SourceLocation): DataObject {
    const d = this.data.get(s);
    if (d !== undefined) return d;
    if (!s.defined) {
      const name = irName(s.linkName);
      if (this.m.lookup(name) !== undefined) this.fail(loc, `'${s.name}' is defined outside the program, and its name '${name}' is taken by another symbol of the program`);
      const ext = this.m.importData(name);
      this.data.set(s, ext);
      return ext;
    }
    return this.defineData(s);
  }

  defineData(s: Symbol): DataObject {
    let d = this.data.get(s);
    if (d !== undefined) return d;
    const size = Math.max(s.type.size, 0);
    const align = Math.max(s.type.align, s.align, 1);
    // Objects without initializer are zeros (no bytes stored); the others get their bytes from fillData.
    d = this.m.addData(irName(s.linkName), new Uint8Array(s.init === null ? 0 : size), { size, align: Math.min(align, 4096) });
    this.data.set(s, d);
    return d;
  }

  /** Writes a static object's initial bytes and relocations. */
  fillData(s: Symbol): void {
    const d = this.defineData(s);
    if (s.init === null) return;
    writeStatic(this, d, 0, s.type, s.init, s.loc);
  }

  /** Static data at `offset` of `d` holds address `a` (StaticTargets). */
  relocate(d: DataObject, offset: number, a: AddressConstant, loc: SourceLocation): void {
    let target: DataObject | Callee;
    if (a.str !== null) target = this.stringData(a.str);
    else if (a.sym!.isFunction) {
      const c = this.callees.get(a.sym!);
      if (c === undefined) this.fail(loc, `function '${a.sym!.name}' has no code in the module (internal error)`);
      target = c;
    } else target = this.dataOf(a.sym!, loc);
    d.addReloc(offset, target, Number(BigInt.asIntN(64, a.offset)));
  }

  /**
   * The function returning this thread's copy of `_Thread_local` object `s`
   * (emulated TLS through POSIX thread-specific data, as gcc's emutls does):
   * a key made once (`pthread_once`), and per thread a heap copy of the
   * object's initial value made on first use and freed when the thread exits.
   * The object's data symbol holds that initial value.
   */
  threadLocalAccessor(s: Symbol, loc: SourceLocation): Func {
    let f = this.tlsAccessors.get(s);
    if (f !== undefined) return f;
    if (!s.defined) this.fail(loc, `thread-local variable '${s.name}' is defined outside the program: not supported`);
    const image = this.dataOf(s, loc);
    const size = Math.max(s.type.size, 1);
    const name = irName(s.linkName);
    // pthread_key_t (unsigned int) at 0, pthread_once_t (int, PTHREAD_ONCE_INIT = 0) at 4.
    const control = this.m.addData(`${name}.tls`, new Uint8Array(8), { align: 8 });
    const makeKey = this.m.function(`${name}.tls_init`, [], []);
    {
      const b = makeKey.builder();
      const create = this.libImport('pthread_key_create', [Type.Ptr, Type.Ptr], [Type.I32]);
      b.call(create, [b.globalAddr(control), b.funcAddr(this.libImport('free', [Type.Ptr], []))]);
      b.return();
      b.finish();
    }
    f = this.m.function(`${name}.tls_addr`, [], [Type.Ptr]);
    const b = f.builder();
    const key = b.globalAddr(control);
    b.call(this.libImport('pthread_once', [Type.Ptr, Type.Ptr], [Type.I32]), [b.iadd(key, b.iconst(Type.I64, 4)), b.funcAddr(makeKey)]);
    const k = b.load(Type.I32, key);
    const mine = b.call(this.libImport('pthread_getspecific', [Type.I32], [Type.Ptr]), [k]);
    const create = b.block(), done = b.block(Type.Ptr), noMemory = b.block(), copyIt = b.block();
    const isNull = (p: Value): Value => b.icmp(IntCC.Eq, b.bitcast(Type.I64, p), b.iconst(Type.I64, 0));
    b.brif(isNull(mine), create, { block: done, args: [mine] });
    b.switchTo(create);
    const copy = b.call(this.libImport('malloc', [Type.I64], [Type.Ptr]), [b.iconst(Type.I64, size)]);
    b.brif(isNull(copy), noMemory, copyIt);
    b.switchTo(noMemory);
    b.trap('heap_oob');
    b.switchTo(copyIt);
    b.call(this.libImport('memcpy', [Type.Ptr, Type.Ptr, Type.I64], [Type.Ptr]), [copy, b.globalAddr(image), b.iconst(Type.I64, size)]);
    b.call(this.libImport('pthread_setspecific', [Type.I32, Type.Ptr], [Type.I32]), [k, copy]);
    b.jump(done, [copy]);
    b.switchTo(done);
    b.return(b.blockParams(done)[0]!);
    b.finish();
    this.tlsAccessors.set(s, f);
    return f;
  }

  stringData(bytes: Uint8Array): DataObject {
    const key = Buffer.from(bytes).toString('latin1');
    let d = this.strings.get(key);
    if (d === undefined) {
      d = this.m.addData(`str.${this.stringCount++}`, bytes, { readonly: true, align: 1 });
      this.strings.set(key, d);
    }
    return d;
  }

  /** An import aliasing C symbol `name` with this exact IR signature (variadic calls, calls without prototype). */
  aliasImport(name: string, params: Type[], results: Type[]): Import {
    const key = `${name}(${params.join(',')})->${results.join(',')}`;
    let imp = this.aliasBySig.get(key);
    if (imp === undefined) {
      const existing = this.m.lookup(irName(name));
      if (existing instanceof Import && sameTypes(existing.params, params) && sameTypes(existing.results, results)) imp = existing;
      else {
        const alias = `${irName(name)}$v${this.aliasBySig.size}`;
        imp = this.m.import(alias, params, results);
        this.aliases.set(alias, name);
      }
      this.aliasBySig.set(key, imp);
    }
    return imp;
  }

  /** A C library import for the front end's own use (reusing the program's declaration when it has the same signature). */
  libImport(name: string, params: Type[], results: Type[], variadic = false): Import {
    const existing = this.m.lookup(name);
    if (existing instanceof Import && existing.variadic === variadic && sameTypes(existing.params, params) && sameTypes(existing.results, results)) return existing;
    if (existing === undefined) return this.m.import(name, params, results, { variadic });
    return this.aliasImport(name, params, results);
  }

  exitStatus(): DataObject {
    this.exitData ??= this.m.addData(EXIT_STATUS_DATA, new Uint8Array(8), { align: 8 });
    return this.exitData;
  }

  /** Defines the table of `atexit` and ATEXIT_RUN, which pops and calls its handlers until none is left (a handler may register more). */
  private atexitRunner(): Func {
    this.atexitTable = this.m.addData('__jitkit_atexit', new Uint8Array(8 + 8 * ATEXIT_MAX), { align: 8 });
    const f = this.m.function(ATEXIT_RUN, [], []);
    const b = f.builder();
    const loop = b.block(), call = b.block(), done = b.block();
    b.jump(loop);
    b.switchTo(loop);
    const table = b.globalAddr(this.atexitTable);
    const n = b.load(Type.I64, table);
    b.brif(b.icmp(IntCC.Eq, n, b.iconst(Type.I64, 0)), done, call);
    b.switchTo(call);
    const last = b.isub(n, b.iconst(Type.I64, 1));
    b.store(last, table, 0, Type.I64);
    const handler = b.load(Type.Ptr, b.iadd(table, b.iadd(b.imul(last, b.iconst(Type.I64, 8)), b.iconst(Type.I64, 8))));
    b.callNativeAll(f.signature([], []), handler, []);
    b.jump(loop);
    b.switchTo(done);
    b.return();
    b.finish();
    return f;
  }

  /** Defines `exit`/`_Exit`/`abort`/`__assert_fail` so that they unwind to the entry (the runtime's trap path). */
  builtinFunction(name: string, sig: LoweredSignature): Func {
    const existing = this.m.lookup(name);
    if (existing instanceof Func) return existing;
    const f = this.m.function(irName(name), sig.params, sig.results);
    const b = f.builder();
    if (name === 'exit' || name === '_exit' || name === '_Exit') {
      const status = this.exitStatus();
      const p = f.params.length > 0 ? b.param(0) : b.iconst(Type.I32, 0);
      b.store(p, b.globalAddr(status), 0, f.params[0] ?? Type.I32);
      // Run the atexit handlers and flush C's stdio as exit() would (the runtime does both when main returns).
      if (name === 'exit' && this.atexitRun !== null) b.callAll(this.atexitRun, []);
      if (name === 'exit') {
        const fflush = this.libImport('fflush', [Type.Ptr], [Type.I32]);
        b.call(fflush, [b.bitcast(Type.Ptr, b.iconst(Type.I64, 0))]);
      }
      b.trap(EXIT_TRAP);
    } else if (name === 'atexit') {
      // atexit(f): appends f to the table (0), or -1 when it is full (C requires room for 32).
      const table = b.globalAddr(this.atexitTable!);
      const n = b.load(Type.I64, table);
      const room = b.block(), full = b.block();
      b.brif(b.icmp(IntCC.Ult, n, b.iconst(Type.I64, ATEXIT_MAX)), room, full);
      b.switchTo(full);
      b.return(b.iconst(Type.I32, -1));
      b.switchTo(room);
      b.store(b.param(0), b.iadd(table, b.iadd(b.imul(n, b.iconst(Type.I64, 8)), b.iconst(Type.I64, 8))), 0, Type.Ptr);
      b.store(b.iadd(n, b.iconst(Type.I64, 1)), table, 0, Type.I64);
      b.return(b.iconst(Type.I32, 0));
    } else if (name === '__assert_fail') {
      const dprintf = this.libImport('dprintf', [Type.I32, Type.Ptr], [Type.I32], true);
      const fmt = this.stringData(Buffer.from("%s:%u: %s: Assertion `%s' failed.\n\0", 'latin1'));
      const fflush = this.libImport('fflush', [Type.Ptr], [Type.I32]);
      b.call(fflush, [b.bitcast(Type.Ptr, b.iconst(Type.I64, 0))]);
        b.call(dprintf, [b.iconst(Type.I32, 2), b.globalAddr(fmt), b.param(1), b.param(2), b.param(3), b.param(0)]);
      b.trap(ABORT_TRAP);
    } else {
      const fflush = this.libImport('fflush', [Type.Ptr], [Type.I32]);
      b.call(fflush, [b.bitcast(Type.Ptr, b.iconst(Type.I64, 0))]);
      b.trap(ABORT_TRAP);
    }
    b.finish();
    return f;
  }
}

/**
 * Where a block's VLA mark goes: the index of its first VLA declaration, or -1
 * when it has none, or when a label or `case` follows it (a jump from outside
 * could reach the block's end without passing the mark; C forbids jumping into
 * a VLA's scope, but a label after it may still be reached from inside).
 */
function vlaMarkPoint(items: readonly Stmt[]): number {
  const at = items.findIndex((it) => it.k === 'decl' && isVariablySized(it.sym.type));
  if (at < 0) return -1;
  for (let i = at + 1; i < items.length; i++) if (hasJumpTarget(items[i]!)) return -1;
  return at;
}

/** True when `s` contains a label, or a `case`/`default` of an enclosing switch. */
function hasJumpTarget(s: Stmt): boolean {
  switch (s.k) {
    case 'label': case 'case': return true;
    case 'block': return s.items.some(hasJumpTarget);
    case 'if': return hasJumpTarget(s.then) || (s.else !== null && hasJumpTarget(s.else));
    case 'while': case 'do': case 'for': return hasJumpTarget(s.body);
    // A nested switch's cases are its own, but its body may hold labels.
    case 'switch': return hasLabel(s.body);
    default: return false;
  }
}

function hasLabel(s: Stmt): boolean {
  switch (s.k) {
    case 'label': return true;
    case 'case': return hasLabel(s.body);
    case 'block': return s.items.some(hasLabel);
    case 'if': return hasLabel(s.then) || (s.else !== null && hasLabel(s.else));
    case 'while': case 'do': case 'for': case 'switch': return hasLabel(s.body);
    default: return false;
  }
}

/** Size of System V's va_list (gp_offset, fp_offset, overflow_arg_area, reg_save_area). */
const VA_LIST_BYTES = 24;

/** Library functions the module defines itself instead of importing. */
const BUILTIN_BODIES = new Set(['exit', '_exit', '_Exit', 'abort', '__assert_fail', 'atexit']);

/** Handlers `atexit` has room for (C11 7.22.4.2 requires 32). */
const ATEXIT_MAX = 64;

function sameTypes(a: readonly Type[], b: readonly Type[]): boolean {
  return a.length === b.length && a.every((t, i) => t === b[i]);
}

/** A C link name as an IR symbol name (IR names allow `[A-Za-z0-9_.$]`). */
function irName(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_.$]*$/.test(name) ? name : `_${name.replace(/[^A-Za-z0-9_.$]/g, (c) => `$${c.charCodeAt(0).toString(16)}`)}`;
}

// ---------------------------------------------------------------- functions

/** Where an lvalue is: its address, and the bit-field member when it is one. */
interface LValue {
  addr: Value;
  field: Member | null;
}

interface SwitchCtx {
  blocks: Map<object, Block>;
  defaultBlock: Block;
}

class FuncGen {
  private readonly b: Builder;
  private readonly slots = new Map<Symbol, number>();
  private readonly byRef = new Map<Symbol, Value>();
  private readonly labels = new Map<string, Block>();
  private readonly breaks: Block[] = [];
  private readonly continues: Block[] = [];
  /** `stack_save` marks of the enclosing blocks that declare VLAs (innermost last). */
  private readonly vlaMarks: Value[] = [];
  /** `vlaMarks.length` where each enclosing `break`/`continue` target was entered. */
  private readonly breakMarks: number[] = [];
  private readonly continueMarks: number[] = [];
  private readonly switches: SwitchCtx[] = [];
  private sret: Value | null = null;
  /** The block every `goto *p` jumps to (with p as i64): one `br_table` over the function's `&&label` values. */
  private dispatch: Block | null = null;
  private readonly sig: LoweredSignature;
  private readonly retType: CType;

  constructor(private readonly g: ModuleGen, private readonly sym: Symbol, private readonly f: Func) {
    this.b = f.builder();
    this.sig = g.sigs.get(sym)!;
    this.retType = sym.type.base!;
  }

  private fail(loc: SourceLocation, message: string): never {
    return this.g.fail(loc, message);
  }

  run(): void {
    const b = this.b;
    this.g.locate(b, this.sym.loc);
    const params = b.params;
    let k = 0;
    if (this.sig.resultPassing.k === 'memory') this.sret = params[k++]!;
    for (let i = 0; i < this.sym.params.length; i++) {
      const p = this.sym.params[i]!;
      const pass = this.sig.paramPassing[i]!;
      if (pass.k === 'memory') { this.byRef.set(p, params[k++]!); continue; }
      const slot = this.slotFor(p);
      const addr = b.stackAddr(slot);
      if (pass.k === 'scalar') {
        b.store(params[k++]!, addr, 0, irType(p.type));
      } else if (pass.k === 'eightbytes') {
        for (let e = 0; e < pass.types.length; e++) this.storeEightbyte(params[k++]!, addr, e * 8, Math.min(8, pass.size - e * 8));
      }
    }
    this.stmt(this.sym.body!);
    if (!b.isTerminated) {
      // Falling off the end: main returns 0 (C11 5.1.2.2.3); other functions return an unspecified value.
      this.returnZero();
    }
    if (this.dispatch !== null) this.computedGotoDispatch(this.dispatch);
    b.finish();
  }

  /** Fills the dispatch block of `goto *p`: a label value of this function selects its block; anything else traps. */
  private computedGotoDispatch(dispatch: Block): void {
    const b = this.b;
    const labels = this.sym.addressedLabels;
    const invalid = this.newBlock();
    b.switchTo(dispatch);
    const p = this.f.blockParam(dispatch, 0);
    if (labels.length === 0) { b.jump(invalid); } else {
      const base = this.g.labelValue(this.sym, labels[0]!);
      const idx = b.isub(p, b.iconst(Type.I64, base));
      b.brTable(idx, invalid, labels.map((l) => this.labelBlock(l)));
    }
    b.switchTo(invalid);
    b.trap('unreachable');
  }

  private returnZero(): void {
    const b = this.b;
    const vals = this.f.results.map((t) => (t === Type.F32 || t === Type.F64 ? b.fconst(t, 0) : t === Type.Ptr ? (this.sret ?? b.bitcast(Type.Ptr, b.iconst(Type.I64, 0))) : b.iconst(t, 0)));
    b.return(...vals);
  }

  private slotFor(s: Symbol): number {
    let slot = this.slots.get(s);
    if (slot === undefined) {
      const size = Math.max(s.type.size, 1);
      const align = Math.max(s.type.align, s.align, 1);
      slot = this.b.stackSlot(isRecord(s.type) ? (size + 7) & ~7 : size, Math.min(align, 4096));
      this.slots.set(s, slot);
    }
    return slot;
  }

  /** A fresh temporary of type `t` (records: rounded to eightbytes, so eightbyte stores fit). */
  private temp(t: CType): Value {
    const size = Math.max(t.size, 1);
    const slot = this.b.stackSlot((size + 7) & ~7, Math.max(t.align, 8));
    return this.b.stackAddr(slot);
  }

  // ---------------------------------------------------------------- helpers

  private newBlock(): Block {
    return this.b.block();
  }

  /** Continues in a fresh block when the current one is terminated (code after return/break/goto). */
  private ensureOpen(): void {
    if (this.b.isTerminated) this.b.switchTo(this.newBlock());
  }

  private jumpTo(target: Block): void {
    if (!this.b.isTerminated) this.b.jump(target);
  }

  private iconst(t: Type, v: bigint | number): Value {
    const n = typeof v === 'number' ? BigInt(v) : v;
    const bits = typeBytes(t) * 8;
    return this.b.iconst(t, BigInt.asIntN(bits, n));
  }

  private nullPtr(): Value {
    return this.b.bitcast(Type.Ptr, this.b.iconst(Type.I64, 0));
  }

  private ptrAdd(p: Value, off: number | Value): Value {
    if (typeof off === 'number') {
      if (off === 0) return p;
      return this.b.iadd(p, this.b.iconst(Type.I64, off));
    }
    return this.b.iadd(p, off);
  }

  /** Loads a scalar of C type `t` from `addr`. */
  private load(t: CType, addr: Value): Value {
    return this.b.load(irType(t), addr);
  }

  private store(t: CType, v: Value, addr: Value): void {
    this.b.store(v, addr, 0, irType(t));
  }

  /** Copies `size` bytes (records). */
  private copy(dst: Value, src: Value, size: number): void {
    const b = this.b;
    if (size > 64) {
      const memcpy = this.g.libImport('memcpy', [Type.Ptr, Type.Ptr, Type.I64], [Type.Ptr]);
      b.call(memcpy, [dst, src, b.iconst(Type.I64, size)]);
      return;
    }
    let off = 0;
    for (const [w, t] of [[8, Type.I64], [4, Type.I32], [2, Type.I16], [1, Type.I8]] as const) {
      while (size - off >= w) {
        b.store(b.load(t, src, off), dst, off, t);
        off += w;
      }
    }
  }

  private zero(dst: Value, size: number): void {
    const b = this.b;
    if (size > 64) {
      const memset = this.g.libImport('memset', [Type.Ptr, Type.I32, Type.I64], [Type.Ptr]);
      b.call(memset, [dst, b.iconst(Type.I32, 0), b.iconst(Type.I64, size)]);
      return;
    }
    let off = 0;
    for (const [w, t] of [[8, Type.I64], [4, Type.I32], [2, Type.I16], [1, Type.I8]] as const) {
      if (size - off < w) continue;
      const z = b.iconst(t, 0);
      while (size - off >= w) { b.store(z, dst, off, t); off += w; }
    }
  }

  /** Loads the eightbyte at `off` of a record (only its `size` bytes) as i64 or f64. */
  private loadEightbyte(addr: Value, off: number, size: number, t: Type): Value {
    const b = this.b;
    let v: Value;
    if (size >= 8) v = b.load(Type.I64, addr, off);
    else {
      v = b.iconst(Type.I64, 0);
      let o = 0;
      for (const [w, lt] of [[4, Type.I32], [2, Type.I16], [1, Type.I8]] as const) {
        if (size - o >= w) {
          const part = b.zext(Type.I64, b.load(lt, addr, off + o));
          v = o === 0 ? part : b.bor(v, b.ishl(part, b.iconst(Type.I64, 8 * o)));
          o += w;
        }
      }
    }
    return t === Type.F64 ? b.bitcast(Type.F64, v) : v;
  }

  private storeEightbyte(v: Value, addr: Value, off: number, size: number): void {
    const b = this.b;
    let x = this.f.typeOf(v) === Type.F64 ? b.bitcast(Type.I64, v) : v;
    if (size >= 8) { b.store(x, addr, off, Type.I64); return; }
    let o = 0;
    for (const [w, lt] of [[4, Type.I32], [2, Type.I16], [1, Type.I8]] as const) {
      if (size - o >= w) {
        b.store(b.trunc(lt, x), addr, off + o, lt);
        x = b.ushr(x, b.iconst(Type.I64, 8 * w));
        o += w;
      }
    }
  }

  // ---------------------------------------------------------------- statements

  private stmt(s: Stmt): void {
    const b = this.b;
    if (s.k !== 'block' && s.k !== 'empty') this.g.locate(b, s.loc);
    switch (s.k) {
      case 'block': {
        // A block that declares a VLA frees it on the way out (a VLA in a loop body must not grow the stack).
        const at = vlaMarkPoint(s.items);
        const depth = this.vlaMarks.length;
        for (let i = 0; i < s.items.length; i++) {
          if (i === at) { this.ensureOpen(); this.vlaMarks.push(b.stackSave()); }
          this.stmt(s.items[i]!);
        }
        if (this.vlaMarks.length > depth) {
          if (!b.isTerminated) b.stackRestore(this.vlaMarks[depth]!);
          this.vlaMarks.length = depth;
        }
        return;
      }
      case 'empty': return;
      case 'expr':
        this.ensureOpen();
        this.exprDiscard(s.expr);
        return;
      case 'decl': {
        this.ensureOpen();
        const sym = s.sym;
        if (isVariablySized(sym.type)) {
          this.byRef.set(sym, b.stackAlloc(this.sizeOf(sym.type), Math.min(Math.max(16, sym.align, sym.type.align), 4096)));
          return;
        }
        if (sym.init === null) return;
        const addr = b.stackAddr(this.slotFor(sym));
        this.initLocal(addr, sym.type, sym.init, true);
        return;
      }
      case 'if': {
        this.ensureOpen();
        const then = this.newBlock(), end = this.newBlock();
        const els = s.else === null ? end : this.newBlock();
        this.branch(s.cond, then, els);
        b.switchTo(then);
        this.stmt(s.then);
        this.jumpTo(end);
        if (s.else !== null) {
          b.switchTo(els);
          this.stmt(s.else);
          this.jumpTo(end);
        }
        b.switchTo(end);
        return;
      }
      case 'while': {
        this.ensureOpen();
        const head = this.newBlock(), body = this.newBlock(), end = this.newBlock();
        b.jump(head);
        b.switchTo(head);
        this.branch(s.cond, body, end);
        b.switchTo(body);
        this.loop(s.body, end, head);
        this.jumpTo(head);
        b.switchTo(end);
        return;
      }
      case 'do': {
        this.ensureOpen();
        const body = this.newBlock(), cond = this.newBlock(), end = this.newBlock();
        b.jump(body);
        b.switchTo(body);
        this.loop(s.body, end, cond);
        this.jumpTo(cond);
        b.switchTo(cond);
        this.branch(s.cond, body, end);
        b.switchTo(end);
        return;
      }
      case 'for': {
        this.ensureOpen();
        if (s.init !== null) this.stmt(s.init);
        this.ensureOpen();
        const head = this.newBlock(), body = this.newBlock(), step = this.newBlock(), end = this.newBlock();
        b.jump(head);
        b.switchTo(head);
        if (s.cond !== null) this.branch(s.cond, body, end); else b.jump(body);
        b.switchTo(body);
        this.loop(s.body, end, step);
        this.jumpTo(step);
        b.switchTo(step);
        if (s.step !== null) this.exprDiscard(s.step);
        this.jumpTo(head);
        b.switchTo(end);
        return;
      }
      case 'switch': this.switchStmt(s); return;
      case 'case': {
        const sw = this.switches[this.switches.length - 1]!;
        const target = s.label === null ? sw.defaultBlock : sw.blocks.get(s.label)!;
        this.jumpTo(target);
        b.switchTo(target);
        this.stmt(s.body);
        return;
      }
      case 'label': {
        const target = this.labelBlock(s.name);
        this.jumpTo(target);
        b.switchTo(target);
        this.stmt(s.body);
        return;
      }
      case 'goto':
        this.ensureOpen();
        b.jump(this.labelBlock(s.name));
        return;
      case 'gotoind': {
        this.ensureOpen();
        const target = b.bitcast(Type.I64, this.expr(s.target));
        this.dispatch ??= this.newBlock();
        if (this.f.blockParams(this.dispatch).length === 0) this.f.appendBlockParam(this.dispatch, Type.I64);
        b.jump(this.dispatch, [target]);
        return;
      }
      case 'break':
        this.ensureOpen();
        this.leaveVlaBlocks(this.breakMarks[this.breakMarks.length - 1]!);
        b.jump(this.breaks[this.breaks.length - 1]!);
        return;
      case 'continue':
        this.ensureOpen();
        this.leaveVlaBlocks(this.continueMarks[this.continueMarks.length - 1]!);
        b.jump(this.continues[this.continues.length - 1]!);
        return;
      case 'return': this.returnStmt(s.value); return;
    }
  }

  private loop(body: Stmt, brk: Block, cont: Block): void {
    this.breaks.push(brk);
    this.continues.push(cont);
    this.breakMarks.push(this.vlaMarks.length);
    this.continueMarks.push(this.vlaMarks.length);
    try { this.stmt(body); } finally { this.breaks.pop(); this.continues.pop(); this.breakMarks.pop(); this.continueMarks.pop(); }
  }

  /** Frees the VLAs of the blocks a jump leaves (those entered after `vlaMarks` had `depth` entries). */
  private leaveVlaBlocks(depth: number): void {
    if (this.vlaMarks.length > depth) this.b.stackRestore(this.vlaMarks[depth]!);
  }

  /** `sizeof` of `t` as an `i64`: a constant, or for variably sized arrays the evaluated lengths times the element size. */
  private sizeOf(t: CType): Value {
    if (!isVariablySized(t)) return this.b.iconst(Type.I64, Math.max(t.size, 1));
    const n = t.vla !== null ? this.load(T.ulong, this.b.stackAddr(this.slotFor(t.vla as Symbol))) : this.b.iconst(Type.I64, t.length);
    return this.b.imul(n, this.sizeOf(t.base!));
  }

  /** `index` scaled by the size of `elem` (pointer arithmetic). */
  private scaled(index: Value, elem: CType): Value {
    if (isVariablySized(elem)) return this.b.imul(index, this.sizeOf(elem));
    const size = Math.max(elem.size, 1);
    return size === 1 ? index : this.b.imul(index, this.b.iconst(Type.I64, size));
  }

  private labelBlock(name: string): Block {
    let blk = this.labels.get(name);
    if (blk === undefined) { blk = this.newBlock(); this.labels.set(name, blk); }
    return blk;
  }

  private returnStmt(value: Expr | null): void {
    this.ensureOpen();
    const b = this.b;
    if (value === null) { if (this.f.results.length === 0) b.return(); else this.returnZero(); return; }
    const rp = this.sig.resultPassing;
    if (rp.k === 'none') { this.exprDiscard(value); b.return(); return; }
    if (rp.k === 'scalar') { b.return(this.expr(value)); return; }
    const addr = this.expr(value);
    if (rp.k === 'memory') {
      this.copy(this.sret!, addr, this.retType.size);
      b.return(this.sret!);
      return;
    }
    const vals = rp.types.map((t, i) => this.loadEightbyte(addr, i * 8, Math.min(8, rp.size - i * 8), t));
    b.return(...vals);
  }

  private switchStmt(s: Extract<Stmt, { k: 'switch' }>): void {
    this.ensureOpen();
    const b = this.b;
    const v = this.expr(s.cond);
    const t = this.f.typeOf(v);
    const end = this.newBlock();
    const ctx: SwitchCtx = { blocks: new Map(), defaultBlock: s.hasDefault ? this.newBlock() : end };
    for (const c of s.cases) ctx.blocks.set(c, this.newBlock());
    const signed = !isUnsigned(s.cond.type);
    // Dense: one br_table over (v - min); sparse: compare chains.
    let count = 0n;
    let min = 0n, max = 0n;
    const cases = s.cases;
    for (let i = 0; i < cases.length; i++) {
      const c = cases[i]!;
      count += c.hi - c.lo + 1n;
      if (i === 0 || c.lo < min) min = c.lo;
      if (i === 0 || c.hi > max) max = c.hi;
    }
    const range = max - min + 1n;
    if (cases.length >= 4 && range <= 4096n && range <= 3n * count + 8n) {
      const table: Block[] = new Array<Block>(Number(range)).fill(ctx.defaultBlock);
      for (const c of cases) for (let x = c.lo; x <= c.hi; x++) table[Number(x - min)] = ctx.blocks.get(c)!;
      const idx = min === 0n ? v : b.isub(v, this.iconst(t, min));
      b.brTable(idx, ctx.defaultBlock, table);
    } else {
      for (const c of cases) {
        const target = ctx.blocks.get(c)!;
        const next = this.newBlock();
        if (c.lo === c.hi) {
          b.brif(b.icmp(IntCC.Eq, v, this.iconst(t, c.lo)), target, next);
        } else {
          // lo <= v <= hi as (v - lo) <= (hi - lo) unsigned.
          const d = b.isub(v, this.iconst(t, c.lo));
          b.brif(b.icmp(IntCC.Ule, d, this.iconst(t, c.hi - c.lo)), target, next);
        }
        b.switchTo(next);
      }
      b.jump(ctx.defaultBlock);
    }
    void signed;
    // The body starts unreachable until its first label.
    b.switchTo(this.newBlock());
    this.switches.push(ctx);
    this.breaks.push(end);
    this.breakMarks.push(this.vlaMarks.length);
    try { this.stmt(s.body); } finally { this.switches.pop(); this.breaks.pop(); this.breakMarks.pop(); }
    this.jumpTo(end);
    if (s.hasDefault && this.f.blockFirst[ctx.defaultBlock] === -1 && !this.isPlaced(ctx.defaultBlock)) {
      b.switchTo(ctx.defaultBlock);
      b.jump(end);
    }
    b.switchTo(end);
  }

  private isPlaced(blk: Block): boolean {
    return this.f.blockLast[blk] !== -1;
  }

  /** Initialises a local object at `addr` (zero-filling what the initializer leaves out when `whole`). */
  private initLocal(addr: Value, t: CType, init: Initializer, whole: boolean): void {
    const b = this.b;
    switch (init.k) {
      case 'expr': {
        if (isRecord(t)) {
          const src = this.expr(init.expr);
          this.copy(addr, src, t.size);
          return;
        }
        const v = this.expr(init.expr);
        this.store(t, v, addr);
        return;
      }
      case 'string': {
        const size = t.size;
        const n = Math.min(init.bytes.length, size);
        const d = this.g.stringData(init.bytes);
        this.copy(addr, b.globalAddr(d), n);
        if (size > n) this.zero(this.ptrAdd(addr, n), size - n);
        return;
      }
      case 'list': {
        if (isScalar(t)) {
          const first = init.items[0];
          if (first !== undefined) this.initLocal(addr, t, first, whole);
          else this.store(t, this.zeroValue(t), addr);
          return;
        }
        if (whole && !this.coversAll(t, init)) this.zero(addr, t.size);
        if (t.kind === TypeKind.Array) {
          const es = t.base!.size;
          for (let i = 0; i < init.items.length; i++) {
            const it = init.items[i];
            if (it !== undefined) this.initLocal(this.ptrAdd(addr, i * es), t.base!, it, false);
          }
          return;
        }
        const ms = t.record!.members;
        for (let i = 0; i < init.items.length; i++) {
          const it = init.items[i];
          if (it === undefined) continue;
          const m = ms[i]!;
          if (m.bitWidth >= 0) {
            if (it.k !== 'expr') this.fail(m.type === undefined ? this.sym.loc : this.sym.loc, 'invalid bit-field initializer');
            this.storeBitField({ addr: this.ptrAdd(addr, m.offset), field: m }, this.expr(it.expr));
          } else this.initLocal(this.ptrAdd(addr, m.offset), m.type, it, false);
        }
      }
    }
  }

  /** True when a list initializer sets every byte (no zero fill needed). */
  private coversAll(t: CType, init: Initializer): boolean {
    if (init.k === 'expr') return true;
    if (init.k === 'string') return init.bytes.length >= t.size;
    if (isScalar(t)) return init.items[0] !== undefined;
    if (t.kind === TypeKind.Array) {
      if (init.items.length < t.length) return false;
      for (let i = 0; i < t.length; i++) { const it = init.items[i]; if (it === undefined || !this.coversAll(t.base!, it)) return false; }
      return true;
    }
    if (t.kind === TypeKind.Union) return false;
    const ms = t.record!.members;
    let end = 0;
    for (let i = 0; i < ms.length; i++) {
      const m = ms[i]!;
      const it = init.items[i];
      if (m.bitWidth >= 0) return false;
      if (it === undefined || m.offset !== end || !this.coversAll(m.type, it)) return false;
      end = m.offset + m.type.size;
    }
    return end === t.size;
  }

  private irZero(t: Type): Value {
    if (t === Type.F32 || t === Type.F64) return this.b.fconst(t, 0);
    if (t === Type.Ptr) return this.nullPtr();
    return this.b.iconst(t, 0);
  }

  private zeroValue(t: CType): Value {
    return this.irZero(irType(t));
  }

  // ---------------------------------------------------------------- conditions

  /** Branches on a scalar condition without materialising 0/1 where possible. */
  private branch(e: Expr, then: Block, els: Block): void {
    const b = this.b;
    if (e.k === 'binary' && e.op === '&&') {
      const mid = this.newBlock();
      this.branch(e.lhs, mid, els);
      b.switchTo(mid);
      this.branch(e.rhs, then, els);
      return;
    }
    if (e.k === 'binary' && e.op === '||') {
      const mid = this.newBlock();
      this.branch(e.lhs, then, mid);
      b.switchTo(mid);
      this.branch(e.rhs, then, els);
      return;
    }
    if (e.k === 'not') { this.branch(e.operand, els, then); return; }
    const c = evalConst(e);
    if (c !== undefined) { b.jump((typeof c === 'number' ? c !== 0 : c !== 0n) ? then : els); return; }
    b.brif(this.truth(e), then, els);
  }

  /** An i8 0/1 (or any nonzero integer) for a scalar condition. */
  private truth(e: Expr): Value {
    const b = this.b;
    if (e.k === 'binary' && isComparison(e.op)) return this.compare(e);
    const v = this.expr(e);
    const t = this.f.typeOf(v);
    if (t === Type.F32 || t === Type.F64) return b.fcmp(FloatCC.Ne, v, b.fconst(t, 0));
    if (t === Type.Ptr) return b.icmp(IntCC.Ne, v, this.nullPtr());
    return v;
  }

  private compare(e: Extract<Expr, { k: 'binary' }>): Value {
    const b = this.b;
    const l = this.expr(e.lhs), r = this.expr(e.rhs);
    const ct = e.lhs.type;
    if (isFloating(ct)) {
      const cc = e.op === '==' ? FloatCC.Eq : e.op === '!=' ? FloatCC.Ne : e.op === '<' ? FloatCC.Lt : e.op === '>' ? FloatCC.Gt : e.op === '<=' ? FloatCC.Le : FloatCC.Ge;
      return b.fcmp(cc, l, r);
    }
    const u = isUnsigned(ct) || isPointer(ct);
    let cc: IntCC;
    switch (e.op) {
      case '==': cc = IntCC.Eq; break;
      case '!=': cc = IntCC.Ne; break;
      case '<': cc = u ? IntCC.Ult : IntCC.Slt; break;
      case '>': cc = u ? IntCC.Ugt : IntCC.Sgt; break;
      case '<=': cc = u ? IntCC.Ule : IntCC.Sle; break;
      default: cc = u ? IntCC.Uge : IntCC.Sge; break;
    }
    return b.icmp(cc, l, r);
  }

  // ---------------------------------------------------------------- expressions

  /** Evaluates for side effects only. */
  private exprDiscard(e: Expr): void {
    if (e.k === 'cast' && e.type.kind === TypeKind.Void) { this.exprDiscard(e.operand); return; }
    if (e.k === 'incdec') { this.incdec(e, false); return; }
    if (e.k === 'comma') { this.exprDiscard(e.lhs); this.exprDiscard(e.rhs); return; }
    if (e.k === 'cond' && e.type.kind === TypeKind.Void) { this.condExpr(e); return; }
    if (e.k === 'var' || e.k === 'int' || e.k === 'float' || e.k === 'string') return;
    this.exprOrVoid(e);
  }

  /** Evaluates `e`; void expressions give null. */
  private exprOrVoid(e: Expr): Value | null {
    if (e.type.kind === TypeKind.Void) {
      switch (e.k) {
        case 'call': this.call(e); return null;
        case 'cast': this.exprDiscard(e.operand); return null;
        case 'cond': this.condExpr(e); return null;
        case 'comma': this.exprDiscard(e.lhs); return this.exprOrVoid(e.rhs);
        case 'stmtexpr': this.stmtExpr(e); return null;
        case 'builtin': this.builtinExpr(e); return null;
        case 'deref': this.expr(e.operand); return null;
        default: this.fail(e.loc, `cannot evaluate void expression '${e.k}'`);
      }
    }
    return this.expr(e);
  }

  /** The value of `e` (its IR type per `irType`; records: their address). */
  expr(e: Expr): Value {
    const b = this.b;
    switch (e.k) {
      case 'int': {
        const t = irType(e.type);
        if (t === Type.Ptr) return e.value === 0n ? this.nullPtr() : b.bitcast(Type.Ptr, this.iconst(Type.I64, e.value));
        return this.iconst(t, wrapInt(e.type, e.value));
      }
      case 'float': return b.fconst(irType(e.type), e.value);
      case 'string': case 'var': case 'deref': case 'member': case 'compound': {
        if (e.k === 'var' && e.sym.isFunction) return this.functionAddress(e.sym, e.loc);
        const lv = this.lvalue(e);
        if (isRecord(e.type) || e.type.kind === TypeKind.Array || e.type.kind === TypeKind.Function) return lv.addr;
        if (lv.field !== null) return this.loadBitField(lv, e.type);
        return this.load(e.type, lv.addr);
      }
      case 'addr': {
        if (e.operand.k === 'var' && e.operand.sym.isFunction) return this.functionAddress(e.operand.sym, e.loc);
        return this.lvalue(e.operand).addr;
      }
      case 'binary': return this.binary(e);
      case 'ptradd': {
        const p = this.expr(e.ptr);
        const idx = this.scaled(this.expr(e.index), e.ptr.type.base!);
        return e.sub ? b.isub(p, idx) : b.iadd(p, idx);
      }
      case 'ptrdiff': {
        const l = b.bitcast(Type.I64, this.expr(e.lhs)), r = b.bitcast(Type.I64, this.expr(e.rhs));
        const d = b.isub(l, r);
        if (isVariablySized(e.lhs.type.base!)) return b.sdiv(d, this.sizeOf(e.lhs.type.base!));
        const size = Math.max(e.lhs.type.base!.size, 1);
        return size === 1 ? d : b.sdiv(d, b.iconst(Type.I64, size));
      }
      case 'neg': {
        const v = this.expr(e.operand);
        return isFloating(e.type) ? b.fneg(v) : b.ineg(v);
      }
      case 'bitnot': return b.bnot(this.expr(e.operand));
      case 'not': {
        const c = this.truthBool(e.operand);
        return b.zext(Type.I32, b.bxor(c, b.iconst(Type.I8, 1)));
      }
      case 'assign': return this.assign(e);
      case 'incdec': return this.incdec(e, true)!;
      case 'cond': return this.condExpr(e)!;
      case 'comma': this.exprDiscard(e.lhs); return this.expr(e.rhs);
      case 'call': {
        const v = this.call(e);
        if (v === null) this.fail(e.loc, 'void value not ignored as it ought to be');
        return v;
      }
      case 'cast': return this.cast(e);
      case 'stmtexpr': {
        const v = this.stmtExpr(e);
        if (v === null) this.fail(e.loc, 'void value not ignored as it ought to be');
        return v;
      }
      case 'builtin': {
        const v = this.builtinExpr(e);
        if (v === null) this.fail(e.loc, 'void value not ignored as it ought to be');
        return v;
      }
      case 'vlasize': return this.sizeOf(e.of);
      case 'labeladdr': return b.bitcast(Type.Ptr, b.iconst(Type.I64, this.g.labelValue(e.fn, e.name)));
    }
  }

  /** An i8 0/1 truth value. */
  private truthBool(e: Expr): Value {
    const b = this.b;
    if (e.k === 'binary' && isComparison(e.op)) return this.compare(e);
    const v = this.expr(e);
    const t = this.f.typeOf(v);
    if (t === Type.F32 || t === Type.F64) return b.fcmp(FloatCC.Ne, v, b.fconst(t, 0));
    if (t === Type.Ptr) return b.icmp(IntCC.Ne, v, this.nullPtr());
    return b.icmp(IntCC.Ne, v, b.iconst(t, 0));
  }

  private functionAddress(s: Symbol, loc: SourceLocation): Value {
    const c = this.g.callees.get(s);
    if (c === undefined) this.fail(loc, `function '${s.name}' has no code in the module (internal error)`);
    return this.b.funcAddr(c);
  }

  private lvalue(e: Expr): LValue {
    const b = this.b;
    switch (e.k) {
      case 'var': {
        const s = e.sym;
        if (s.storage === Storage.Local) {
          const ref = this.byRef.get(s);
          if (ref !== undefined) return { addr: ref, field: null };
          return { addr: b.stackAddr(this.slotFor(s)), field: null };
        }
        if (s.isFunction) return { addr: this.functionAddress(s, e.loc), field: null };
        if (s.threadLocal) return { addr: b.call(this.g.threadLocalAccessor(s, e.loc), []), field: null };
        return { addr: b.globalAddr(this.g.dataOf(s, e.loc)), field: null };
      }
      case 'string': return { addr: b.globalAddr(this.g.stringData(e.bytes)), field: null };
      case 'deref': return { addr: this.expr(e.operand), field: null };
      case 'member': {
        const base = isRecord(e.base.type) && e.base.k !== 'var' && e.base.k !== 'deref' && e.base.k !== 'member' && e.base.k !== 'compound' && e.base.k !== 'string'
          ? this.expr(e.base) : this.lvalue(e.base).addr;
        return { addr: this.ptrAdd(base, e.offset), field: e.member.bitWidth >= 0 ? e.member : null };
      }
      case 'compound': {
        const s = e.sym;
        if (s.storage === Storage.Static) return { addr: b.globalAddr(this.g.dataOf(s, e.loc)), field: null };
        const addr = b.stackAddr(this.slotFor(s));
        if (s.init !== null) this.initLocal(addr, s.type, s.init, true);
        return { addr, field: null };
      }
      default: {
        if (isRecord(e.type)) return { addr: this.expr(e), field: null };
        this.fail(e.loc, 'expression is not an lvalue');
      }
    }
  }

  // ---- bit-fields

  private fieldUnit(m: Member): Type {
    const bits = m.bitOffset + m.bitWidth;
    return bits <= 8 ? Type.I8 : bits <= 16 ? Type.I16 : bits <= 32 ? Type.I32 : Type.I64;
  }

  /** Loads bit-field `lv` as a value of `t`, the C type of the member expression (int for narrow fields). */
  private loadBitField(lv: LValue, t: CType): Value {
    const b = this.b;
    const m = lv.field!;
    const ut = this.fieldUnit(m);
    let v = b.load(ut, lv.addr);
    const rt = irType(t);
    const wide = typeBytes(rt) > typeBytes(ut) ? rt : ut;
    if (wide !== ut) v = b.zext(wide, v);
    const wbits = typeBytes(wide) * 8;
    const signed = !isUnsigned(m.type);
    // Move the field to the top, then shift back down with sign or zero fill.
    const up = wbits - m.bitOffset - m.bitWidth;
    if (up > 0) v = b.ishl(v, b.iconst(wide, up));
    const down = wbits - m.bitWidth;
    if (down > 0) v = signed ? b.sshr(v, b.iconst(wide, down)) : b.ushr(v, b.iconst(wide, down));
    if (wide !== rt) v = b.trunc(rt, v);
    return v;
  }

  private storeBitField(lv: LValue, v: Value): void {
    const b = this.b;
    const m = lv.field!;
    const ut = this.fieldUnit(m);
    let x = v;
    const vt = this.f.typeOf(x);
    if (typeBytes(vt) > typeBytes(ut)) x = b.trunc(ut, x);
    else if (typeBytes(vt) < typeBytes(ut)) x = b.zext(ut, x);
    const bits = typeBytes(ut) * 8;
    const mask = ((1n << BigInt(m.bitWidth)) - 1n) << BigInt(m.bitOffset);
    const old = b.load(ut, lv.addr);
    const kept = b.band(old, this.iconst(ut, BigInt.asIntN(bits, ~mask)));
    let field = m.bitOffset > 0 ? b.ishl(x, b.iconst(ut, m.bitOffset)) : x;
    field = b.band(field, this.iconst(ut, BigInt.asIntN(bits, mask)));
    b.store(b.bor(kept, field), lv.addr, 0, ut);
  }

  /** The value a bit-field holds after storing `v` (truncated to its width, sign-extended when signed). */
  private bitFieldValue(m: Member, v: Value): Value {
    const b = this.b;
    const t = this.f.typeOf(v);
    const bits = typeBytes(t) * 8;
    if (m.bitWidth >= bits) return v;
    const sh = b.iconst(t, bits - m.bitWidth);
    const up = b.ishl(v, sh);
    return isUnsigned(m.type) ? b.ushr(up, sh) : b.sshr(up, sh);
  }

  // ---- operators

  private binary(e: Extract<Expr, { k: 'binary' }>): Value {
    const b = this.b;
    if (e.op === '&&' || e.op === '||') {
      const res = this.newBlock();
      b.func.appendBlockParam(res, Type.I32);
      const t = this.newBlock(), f = this.newBlock();
      this.branch(e, t, f);
      b.switchTo(t);
      b.jump(res, [b.iconst(Type.I32, 1)]);
      b.switchTo(f);
      b.jump(res, [b.iconst(Type.I32, 0)]);
      b.switchTo(res);
      return b.func.blockParam(res, 0);
    }
    if (isComparison(e.op)) return b.zext(Type.I32, this.compare(e));
    const l = this.expr(e.lhs), r = this.expr(e.rhs);
    return this.arith(e.op, e.type, l, r, e.lhs.type, e.rhs.type);
  }

  /** `l op r` computed in C type `t` (operands already of `t`, except shift amounts). */
  private arith(op: BinaryOp, t: CType, l: Value, r: Value, lt: CType, rt: CType): Value {
    const b = this.b;
    void lt;
    if (isFloating(t)) {
      switch (op) {
        case '+': return b.fadd(l, r);
        case '-': return b.fsub(l, r);
        case '*': return b.fmul(l, r);
        case '/': return b.fdiv(l, r);
        default: break;
      }
    } else {
      const u = isUnsigned(t);
      switch (op) {
        case '+': return b.iadd(l, r);
        case '-': return b.isub(l, r);
        case '*': return b.imul(l, r);
        case '/': return u ? b.udiv(l, r) : b.sdiv(l, r);
        case '%': return u ? b.urem(l, r) : b.srem(l, r);
        case '&': return b.band(l, r);
        case '|': return b.bor(l, r);
        case '^': return b.bxor(l, r);
        case '<<': return b.ishl(l, r);
        case '>>': return u ? b.ushr(l, r) : b.sshr(l, r);
        default: break;
      }
    }
    void rt;
    throw new Error(`irgen: operator ${op} on ${typeToString(t)}`);
  }

  private assign(e: Extract<Expr, { k: 'assign' }>): Value {
    const b = this.b;
    const t = e.type;
    if (e.op === '=') {
      if (isRecord(t)) {
        const src = this.expr(e.value);
        const lv = this.lvalue(e.target);
        this.copy(lv.addr, src, t.size);
        return lv.addr;
      }
      const v = this.expr(e.value);
      const lv = this.lvalue(e.target);
      if (lv.field !== null) { this.storeBitField(lv, v); return this.bitFieldValue(lv.field, v); }
      this.store(t, v, lv.addr);
      return v;
    }
    // gcc evaluates the right operand first.
    const rhs = this.expr(e.value);
    const lv = this.lvalue(e.target);
    const old = lv.field !== null ? this.loadBitField(lv, t) : this.load(t, lv.addr);
    let result: Value;
    if (e.ptrArith) {
      const idx = this.scaled(rhs, t.base!);
      result = e.op === '+' ? b.iadd(old, idx) : b.isub(old, idx);
    } else {
      const opType = e.opType!;
      const l = this.convertValue(old, t, e.op === '<<' || e.op === '>>' ? opType : opType);
      const r = rhs;
      const v = this.arith(e.op as BinaryOp, opType, l, r, opType, e.value.type);
      result = this.convertValue(v, opType, t);
    }
    if (lv.field !== null) { this.storeBitField(lv, result); return this.bitFieldValue(lv.field, result); }
    this.store(t, result, lv.addr);
    return result;
  }

  private incdec(e: Extract<Expr, { k: 'incdec' }>, wantValue: boolean): Value | null {
    const b = this.b;
    const t = e.type;
    const lv = this.lvalue(e.target);
    const old = lv.field !== null ? this.loadBitField(lv, t) : this.load(t, lv.addr);
    let nv: Value;
    if (isPointer(t)) nv = b.iadd(old, this.scaled(b.iconst(Type.I64, e.delta), t.base!));
    else if (isFloating(t)) nv = b.fadd(old, b.fconst(irType(t), e.delta));
    else if (t.kind === TypeKind.Bool) nv = e.delta > 0 ? b.iconst(Type.I8, 1) : b.bxor(old, b.iconst(Type.I8, 1));
    else nv = b.iadd(old, this.iconst(irType(t), e.delta));
    if (lv.field !== null) {
      this.storeBitField(lv, nv);
      if (!wantValue) return null;
      return e.prefix ? this.bitFieldValue(lv.field, nv) : old;
    }
    this.store(t, nv, lv.addr);
    return e.prefix ? nv : old;
  }

  private condExpr(e: Extract<Expr, { k: 'cond' }>): Value | null {
    const b = this.b;
    // A constant condition: only the selected arm has code (the parser let `long double` pass in the other).
    const known = evalInt(e.cond);
    if (known !== undefined) {
      const arm = known !== 0n ? e.then : e.else;
      if (e.type.kind === TypeKind.Void) { this.exprDiscard(arm); return null; }
      return this.expr(arm);
    }
    const then = this.newBlock(), els = this.newBlock(), end = this.newBlock();
    const isVoid = e.type.kind === TypeKind.Void;
    const rt = isVoid ? Type.I32 : isRecord(e.type) ? Type.Ptr : irType(e.type);
    if (!isVoid) b.func.appendBlockParam(end, rt);
    this.branch(e.cond, then, els);
    b.switchTo(then);
    const tv = isVoid ? (this.exprDiscard(e.then), null) : this.expr(e.then);
    if (!b.isTerminated) b.jump(end, tv === null ? [] : [tv]);
    b.switchTo(els);
    const ev = isVoid ? (this.exprDiscard(e.else), null) : this.expr(e.else);
    if (!b.isTerminated) b.jump(end, ev === null ? [] : [ev]);
    b.switchTo(end);
    return isVoid ? null : b.func.blockParam(end, 0);
  }

  private stmtExpr(e: Extract<Expr, { k: 'stmtexpr' }>): Value | null {
    for (const s of e.body) this.stmt(s);
    this.ensureOpen();
    if (e.result === null) return null;
    if (e.result.type.kind === TypeKind.Void) { this.exprDiscard(e.result); return null; }
    return this.expr(e.result);
  }

  // ---- conversions

  private cast(e: Extract<Expr, { k: 'cast' }>): Value {
    const to = e.type;
    if (to.kind === TypeKind.Void) { this.exprDiscard(e.operand); return this.b.iconst(Type.I32, 0); }
    const from = e.operand.type;
    // Narrow loads widened in one step.
    if (isInteger(to) && isInteger(from) && from.size < to.size && to.kind !== TypeKind.Bool && (e.operand.k === 'var' || e.operand.k === 'deref' || e.operand.k === 'member') && !(e.operand.k === 'var' && e.operand.sym.isFunction)) {
      const lv = this.lvalue(e.operand);
      if (lv.field === null && from.size <= 2) {
        const tt = irType(to);
        const signed = !isUnsigned(from);
        if (from.size === 1) return signed ? this.b.sload8(tt, lv.addr) : this.b.uload8(tt, lv.addr);
        return signed ? this.b.sload16(tt, lv.addr) : this.b.uload16(tt, lv.addr);
      }
      const v = lv.field !== null ? this.loadBitField(lv, from) : this.load(from, lv.addr);
      return this.convertValue(v, from, to);
    }
    return this.convertValue(this.expr(e.operand), from, to);
  }

  /** Converts an IR value of C type `from` to C type `to`. */
  convertValue(v: Value, from: CType, to: CType): Value {
    const b = this.b;
    if (isRecord(to) || to.kind === TypeKind.Array) return v;
    const ft = this.f.typeOf(v);
    const tt = irType(to);
    if (to.kind === TypeKind.Bool) {
      if (from.kind === TypeKind.Bool) return v;
      if (ft === Type.F32 || ft === Type.F64) return b.fcmp(FloatCC.Ne, v, b.fconst(ft, 0));
      if (ft === Type.Ptr) return b.icmp(IntCC.Ne, v, this.nullPtr());
      return b.icmp(IntCC.Ne, v, b.iconst(ft, 0));
    }
    const fromFloat = ft === Type.F32 || ft === Type.F64;
    const toFloat = tt === Type.F32 || tt === Type.F64;
    if (fromFloat && toFloat) {
      if (ft === tt) return v;
      return tt === Type.F64 ? b.fpromote(v) : b.fdemote(v);
    }
    if (fromFloat) {
      // Float -> integer: C's conversion (the out-of-range behaviour is undefined in C; jitkit traps bad_conv).
      if (isUnsigned(to) && to.size >= 4) {
        if (to.size === 4) return b.trunc(Type.I32, this.floatToInt64(v, ft));
        return this.floatToUint64(v, ft);
      }
      if (to.size < 4) return b.trunc(tt, b.fcvtToSint(Type.I32, v));
      return b.fcvtToSint(tt, v);
    }
    if (toFloat) {
      let x = v;
      if (ft === Type.Ptr) x = b.bitcast(Type.I64, v);
      if (isUnsigned(from) || from.kind === TypeKind.Pointer) {
        if (typeBytes(this.f.typeOf(x)) < 8) return b.fcvtFromSint(tt, b.zext(Type.I64, x));
        return b.fcvtFromUint(tt, x);
      }
      return b.fcvtFromSint(tt, x);
    }
    // Integer/pointer -> integer/pointer.
    if (ft === tt) return v;
    let x = v;
    let xt = ft;
    if (xt === Type.Ptr) { x = b.bitcast(Type.I64, x); xt = Type.I64; }
    const want = tt === Type.Ptr ? Type.I64 : tt;
    if (typeBytes(xt) < typeBytes(want)) x = isUnsigned(from) ? b.zext(want, x) : b.sext(want, x);
    else if (typeBytes(xt) > typeBytes(want)) x = b.trunc(want, x);
    if (tt === Type.Ptr) x = b.bitcast(Type.Ptr, x);
    return x;
  }

  /** Float -> i64 for values in [0, 2^32) (unsigned int conversions). */
  private floatToInt64(v: Value, ft: Type): Value {
    return this.b.fcvtToSint(Type.I64, v);
    void ft;
  }

  private floatToUint64(v: Value, ft: Type): Value {
    return this.b.fcvtToUint(Type.I64, v);
    void ft;
  }

  // ---- calls

  private call(e: Extract<Expr, { k: 'call' }>): Value | null {
    const b = this.b;
    const ft = e.fnType;
    const argTypes = e.args.map((a) => a.type);
    // The callee's own lowering for direct calls to defined functions; the call's argument types otherwise.
    let direct: Callee | undefined;
    let sym: Symbol | undefined;
    if (e.callee.k === 'addr' && e.callee.operand.k === 'var' && e.callee.operand.sym.isFunction) {
      sym = e.callee.operand.sym;
      direct = this.g.callees.get(sym);
      if (direct === undefined) this.fail(e.loc, `function '${sym.name}' has no code in the module (internal error)`);
    }
    const protoParams = ft.hasProto ? ft.params.map((p) => p.type) : [];
    const fixed = ft.hasProto ? protoParams.length : 0;
    const passTypes = [...protoParams, ...argTypes.slice(fixed)];
    const sig = lowerSignature(ft.base!, passTypes);
    const variadic = ft.variadic || !ft.hasProto;
    const fixedSig = variadic ? lowerSignature(ft.base!, protoParams) : sig;
    const args: Value[] = [];
    let sretAddr: Value | null = null;
    if (sig.resultPassing.k === 'memory') { sretAddr = this.temp(ft.base!); args.push(sretAddr); }
    for (let i = 0; i < e.args.length; i++) {
      const a = e.args[i]!;
      const pass = sig.paramPassing[i]!;
      this.passArg(a, pass, args);
    }
    let results: Value[];
    if (direct !== undefined) {
      let callee = direct;
      const matches = direct.variadic
        ? sameTypes(direct.params, sig.params.slice(0, direct.params.length)) && direct.params.length <= sig.params.length && sameTypes(direct.results, sig.results)
        : sameTypes(direct.params, sig.params) && sameTypes(direct.results, sig.results);
      if (!matches) {
        if (direct instanceof Import) callee = this.g.aliasImport(sym!.linkName, sig.params, sig.results);
        else {
          // A defined function called through a declaration without prototype: adapt the arguments.
          // Missing arguments are zero and extra ones dropped (undefined behaviour in C; gcc's code passes whatever the registers hold).
          const fn = direct as Func;
          args.length = Math.min(args.length, fn.params.length);
          for (let i = 0; i < fn.params.length; i++) args[i] = i < args.length ? this.adaptIr(args[i]!, fn.params[i]!, e.loc) : this.irZero(fn.params[i]!);
          results = b.callAll(fn, args);
          return this.callResult(results, sig, fn.results, sretAddr, ft.base!);
        }
      }
      results = b.callAll(callee, args);
    } else {
      const fp = this.expr(e.callee);
      // Through a pointer without prototype: the promoted arguments' types, as a definition with those parameters has.
      const si = this.f.signature(ft.variadic ? fixedSig.params : sig.params, sig.results, ft.variadic);
      // Unchecked (call_native): a C function pointer may point to any C function, jitted or not (libc, dlsym, signal()).
      results = b.callNativeAll(si, fp, args);
    }
    return this.callResult(results, sig, sig.results, sretAddr, ft.base!);
  }

  private adaptIr(v: Value, want: Type, loc: SourceLocation): Value {
    const b = this.b;
    const have = this.f.typeOf(v);
    if (have === want) return v;
    const isF = (t: Type): boolean => t === Type.F32 || t === Type.F64;
    if (isF(have) && isF(want)) return want === Type.F64 ? b.fpromote(v) : b.fdemote(v);
    if (isF(have) || isF(want)) this.fail(loc, 'argument type does not match the called function\'s definition');
    let x = have === Type.Ptr ? b.bitcast(Type.I64, v) : v;
    const xt = this.f.typeOf(x);
    const w = want === Type.Ptr ? Type.I64 : want;
    if (typeBytes(xt) < typeBytes(w)) x = b.sext(w, x);
    else if (typeBytes(xt) > typeBytes(w)) x = b.trunc(w, x);
    return want === Type.Ptr ? b.bitcast(Type.Ptr, x) : x;
  }

  private callResult(results: Value[], sig: LoweredSignature, got: readonly Type[], sretAddr: Value | null, ret: CType): Value | null {
    const rp = sig.resultPassing;
    void got;
    switch (rp.k) {
      case 'none': return null;
      case 'scalar': return results[0]!;
      case 'memory': return sretAddr!;
      case 'eightbytes': {
        const tmp = this.temp(ret);
        for (let i = 0; i < rp.types.length; i++) this.storeEightbyte(results[i]!, tmp, i * 8, 8);
        return tmp;
      }
    }
  }

  private passArg(a: Expr, pass: Passing, out: Value[]): void {
    switch (pass.k) {
      case 'scalar': out.push(this.expr(a)); return;
      case 'eightbytes': {
        const addr = this.expr(a);
        for (let i = 0; i < pass.types.length; i++) out.push(this.loadEightbyte(addr, i * 8, Math.min(8, pass.size - i * 8), pass.types[i]!));
        return;
      }
      case 'memory': {
        // A copy the callee may modify (C passes by value).
        const src = this.expr(a);
        const tmp = this.temp(a.type);
        this.copy(tmp, src, a.type.size);
        out.push(tmp);
        return;
      }
      case 'none': return;
    }
  }

  // ---- builtins

  private builtinExpr(e: Extract<Expr, { k: 'builtin' }>): Value | null {
    const b = this.b;
    const a = (i: number): Value => this.expr(e.args[i]!);
    switch (e.name) {
      case '__builtin_unreachable': b.trap('unreachable'); b.switchTo(this.newBlock()); return null;
      case '__builtin_trap': b.trap('unreachable'); b.switchTo(this.newBlock()); return null;
      case '__builtin_abort': {
        b.callAll(this.g.builtinFunction('abort', { params: [], results: [], paramPassing: [], resultPassing: { k: 'none' } }), []);
        return null;
      }
      case '__builtin_clz': case '__builtin_clzl': case '__builtin_clzll': return this.toInt(b.clz(a(0)));
      case '__builtin_ctz': case '__builtin_ctzl': case '__builtin_ctzll': return this.toInt(b.ctz(a(0)));
      case '__builtin_popcount': case '__builtin_popcountl': case '__builtin_popcountll': return this.toInt(b.popcnt(a(0)));
      case '__builtin_parity': case '__builtin_parityl': case '__builtin_parityll': {
        const p = b.popcnt(a(0));
        return this.toInt(b.band(p, b.iconst(this.f.typeOf(p), 1)));
      }
      case '__builtin_ffs': case '__builtin_ffsl': case '__builtin_ffsll': {
        const x = a(0);
        const t = this.f.typeOf(x);
        const z = b.icmp(IntCC.Eq, x, b.iconst(t, 0));
        const r = b.iadd(b.ctz(x), b.iconst(t, 1));
        return this.toInt(b.select(z, b.iconst(t, 0), r));
      }
      case '__builtin_clrsb': case '__builtin_clrsbl': case '__builtin_clrsbll': {
        const x = a(0);
        const t = this.f.typeOf(x);
        const y = b.bxor(x, b.sshr(x, b.iconst(t, typeBytes(t) * 8 - 1)));
        return this.toInt(b.isub(b.clz(y), b.iconst(t, 1)));
      }
      case '__builtin_bswap16': case '__builtin_bswap32': case '__builtin_bswap64': return this.bswap(a(0));
      case '__builtin_frame_address': case '__builtin_return_address': this.fail(e.loc, `'${e.name}' is not supported`);
      case '__builtin_alloca': return b.stackAlloc(this.convertValue(a(0), e.args[0]!.type, T.ulong), 16);
      case '__builtin_va_start': {
        if (!this.f.variadic) this.fail(e.loc, "'va_start' used in function with fixed arguments");
        b.vaStart(a(0));
        for (const x of e.args.slice(1)) this.exprDiscard(x);
        return null;
      }
      case '__builtin_va_end': this.exprDiscard(e.args[0]!); return null;
      case '__builtin_va_copy': {
        // A va_list is 24 bytes of state that va_arg advances in memory: a copy is independent.
        const dst = a(0);
        this.copy(dst, a(1), VA_LIST_BYTES);
        return null;
      }
      case '__builtin_va_arg': return this.vaArg(a(0), e.argType!, e.loc);
      case '__builtin_isnan': {
        const x = a(0);
        return b.zext(Type.I32, b.fcmp(FloatCC.Uno, x, x));
      }
      case '__builtin_isinf': case '__builtin_isinf_sign': {
        const x = a(0);
        const t = this.f.typeOf(x);
        const inf = b.fcmp(FloatCC.Eq, b.fabs(x), b.fconst(t, Infinity));
        if (e.name === '__builtin_isinf') return b.zext(Type.I32, inf);
        const neg = b.fcmp(FloatCC.Lt, x, b.fconst(t, 0));
        return b.select(inf, b.select(neg, b.iconst(Type.I32, -1), b.iconst(Type.I32, 1)), b.iconst(Type.I32, 0));
      }
      case '__builtin_isfinite': {
        const x = a(0);
        const t = this.f.typeOf(x);
        return b.zext(Type.I32, b.fcmp(FloatCC.Lt, b.fabs(x), b.fconst(t, Infinity)));
      }
      case '__builtin_isgreater': case '__builtin_isgreaterequal': case '__builtin_isless': case '__builtin_islessequal':
      case '__builtin_islessgreater': case '__builtin_isunordered': return this.quietCompare(e.name, a(0), a(1), e.args[0]!.type);
      case '__builtin_nans': return b.bitcast(Type.F64, b.iconst(Type.I64, 0x7ff4000000000000n));
      case '__builtin_nansf': return b.bitcast(Type.F32, b.iconst(Type.I32, 0x7fa00000));
      case '__builtin_signbit': case '__builtin_signbitf': case '__builtin_signbitl': {
        const x = a(0);
        const t = this.f.typeOf(x);
        const bits = t === Type.F32 ? b.bitcast(Type.I32, x) : b.bitcast(Type.I64, x);
        return b.zext(Type.I32, b.icmp(IntCC.Slt, bits, b.iconst(this.f.typeOf(bits), 0)));
      }
      case '__builtin_fabs': case '__builtin_fabsf': return b.fabs(a(0));
      case '__builtin_sqrt': case '__builtin_sqrtf': return b.fsqrt(a(0));
      case '__builtin_copysign': case '__builtin_copysignf': return b.fcopysign(a(0), a(1));
      case '__builtin_add_overflow': case '__builtin_sub_overflow': case '__builtin_mul_overflow': return this.overflowBuiltin(e);
      case '__builtin_prefetch': for (const x of e.args) this.exprDiscard(x); return null;
      default: this.fail(e.loc, `'${e.name}' is not supported`);
    }
  }

  /** `isgreater(x, y)` and its kin (C11 7.12.14) on operands already converted to their common type `t`. */
  private quietCompare(name: string, x: Value, y: Value, t: CType): Value {
    const b = this.b;
    const cmp = (fc: FloatCC, ic: IntCC): Value => isFloating(t) ? b.fcmp(fc, x, y) : b.icmp(ic, x, y);
    const u = isUnsigned(t);
    let c: Value;
    switch (name) {
      case '__builtin_isgreater': c = cmp(FloatCC.Gt, u ? IntCC.Ugt : IntCC.Sgt); break;
      case '__builtin_isgreaterequal': c = cmp(FloatCC.Ge, u ? IntCC.Uge : IntCC.Sge); break;
      case '__builtin_isless': c = cmp(FloatCC.Lt, u ? IntCC.Ult : IntCC.Slt); break;
      case '__builtin_islessequal': c = cmp(FloatCC.Le, u ? IntCC.Ule : IntCC.Sle); break;
      case '__builtin_islessgreater': c = b.bor(cmp(FloatCC.Lt, u ? IntCC.Ult : IntCC.Slt), cmp(FloatCC.Gt, u ? IntCC.Ugt : IntCC.Sgt)); break;
      default: c = isFloating(t) ? b.fcmp(FloatCC.Uno, x, y) : b.iconst(Type.I8, 0);
    }
    return b.zext(Type.I32, c);
  }

  /** `va_arg(ap, t)`: scalars as their promoted IR type, small structs as their eightbytes (in a temporary), large ones by address. */
  private vaArg(ap: Value, t: CType, loc: SourceLocation): Value {
    const b = this.b;
    if (t.kind === TypeKind.LDouble) this.fail(loc, "'long double' is not supported (jitkit's IR has no 80-bit x87 type)");
    const pass = classify(t);
    switch (pass.k) {
      case 'scalar': {
        const it = pass.type;
        // Arguments narrower than int arrive promoted (reading them so is undefined in C, but common).
        if (it === Type.F32) return b.fdemote(b.vaArg(Type.F64, ap));
        if (it === Type.I8 || it === Type.I16) return b.trunc(it, b.vaArg(Type.I32, ap));
        return b.vaArg(it, ap);
      }
      case 'eightbytes': {
        const tmp = this.temp(t);
        const parts = pass.types.length === 2 ? b.vaArgPair(pass.types[0]!, pass.types[1]!, ap) : pass.types.map((pt) => b.vaArg(pt, ap));
        parts.forEach((v, i) => this.storeEightbyte(v, tmp, i * 8, 8));
        return tmp;
      }
      case 'memory': {
        // Passed as the address of the caller's copy, as jitted C passes large structs (docs/c.md).
        const tmp = this.temp(t);
        this.copy(tmp, b.vaArg(Type.Ptr, ap), t.size);
        return tmp;
      }
      case 'none': this.fail(loc, "second argument to 'va_arg' is of incomplete type 'void'");
    }
  }

  private toInt(v: Value): Value {
    const t = this.f.typeOf(v);
    if (t === Type.I32) return v;
    return typeBytes(t) > 4 ? this.b.trunc(Type.I32, v) : this.b.zext(Type.I32, v);
  }

  private bswap(x: Value): Value {
    const b = this.b;
    const t = this.f.typeOf(x);
    const n = typeBytes(t);
    let r = b.iconst(t, 0);
    for (let i = 0; i < n; i++) {
      const byte = b.band(b.ushr(x, b.iconst(t, 8 * i)), b.iconst(t, 0xff));
      r = b.bor(r, b.ishl(byte, b.iconst(t, 8 * (n - 1 - i))));
    }
    return r;
  }

  private overflowBuiltin(e: Extract<Expr, { k: 'builtin' }>): Value {
    const b = this.b;
    const [x, y, p] = e.args as [Expr, Expr, Expr];
    if (!isPointer(p.type) || !isInteger(p.type.base!)) this.fail(e.loc, `third argument to '${e.name}' must be a pointer to an integer`);
    const rt = p.type.base!;
    // Compute exactly in 64 bits (operands up to 64 bits; 64-bit products checked by division).
    const wide = (v: Expr): Value => this.convertValue(this.expr(v), v.type, isUnsigned(v.type) && v.type.size === 8 ? T.ulong : T.long);
    const a1 = wide(x), a2 = wide(y);
    const ptr = this.expr(p);
    let r: Value;
    let ovf: Value;
    const bothSmall = x.type.size < 8 && y.type.size < 8;
    const op = e.name.includes('add') ? '+' : e.name.includes('sub') ? '-' : '*';
    r = op === '+' ? b.iadd(a1, a2) : op === '-' ? b.isub(a1, a2) : b.imul(a1, a2);
    if (bothSmall && !(op === '*' && false)) {
      ovf = b.iconst(Type.I8, 0);
    } else {
      // 64-bit operands: signed overflow checks on the sign bits (unsigned: carries).
      const ux = isUnsigned(x.type), uy = isUnsigned(y.type);
      if (op === '+') ovf = ux && uy ? b.icmp(IntCC.Ult, r, a1) : b.icmp(IntCC.Slt, b.band(b.bxor(a1, r), b.bxor(a2, r)), b.iconst(Type.I64, 0));
      else if (op === '-') ovf = ux && uy ? b.icmp(IntCC.Ult, a1, a2) : b.icmp(IntCC.Slt, b.band(b.bxor(a1, a2), b.bxor(a1, r)), b.iconst(Type.I64, 0));
      else {
        const nz = b.icmp(IntCC.Ne, a2, b.iconst(Type.I64, 0));
        const safe = b.select(nz, a2, b.iconst(Type.I64, 1));
        const q = ux && uy ? b.udiv(r, safe) : b.sdiv(r, safe);
        ovf = b.band(nz, b.icmp(IntCC.Ne, q, a1));
      }
    }
    // Then whether the result fits the destination type.
    const stored = this.convertValue(r, T.long, rt);
    const back = this.convertValue(stored, rt, T.long);
    const fits = b.icmp(IntCC.Eq, back, r);
    let sameSign: Value = b.iconst(Type.I8, 1);
    if (isUnsigned(rt) && rt.size === 8) sameSign = b.iconst(Type.I8, 1);
    else if (isUnsigned(rt)) sameSign = b.icmp(IntCC.Sge, r, b.iconst(Type.I64, 0));
    const bad = b.bor(ovf, b.bxor(b.band(fits, sameSign), b.iconst(Type.I8, 1)));
    this.store(rt, stored, ptr);
    return b.zext(Type.I32, bad);
  }
}

function isComparison(op: string): boolean {
  return op === '==' || op === '!=' || op === '<' || op === '>' || op === '<=' || op === '>=';
}

