/**
 * Compiling a whole IR module to machine code you can call from JS.
 *
 *   compile(module)
 *     verify
 *     optimize       -> opt >= 1: src/opt on a copy of the module
 *     data objects   -> writable (never executable) memory kept alive by the result;
 *                       relocations patched once the code is linked (function addresses)
 *     module state   -> writable block: trap frame, stack limit, trap code, results
 *     each function  -> backend.ts on the host target (lower, linear scan, emit)
 *     glue           -> the target's entry trampolines, trap handler, import stubs
 *     link           -> one W^X code allocation, relocations patched  src/runtime/link.ts
 *     wrappers       -> JS functions (src/runtime/calling.ts `wrap`) that check the trap code,
 *                       each made on first use
 *
 * JS value mapping (same as the interpreter's): i8 i16 i32 <-> number
 * (bigints accepted, wrapped to the width); i64 <-> bigint (safe-integer
 * numbers accepted); ptr <-> bigint result, and as an argument a Buffer /
 * typed array / DataView / ArrayBuffer (its data address), a bigint address or
 * null; f32 f64 <-> number. No result -> undefined; several -> an array.
 * A trap throws the IR's `TrapError` (`.trap` = name, `.code`).
 */
import { DataObject, Func, Import, Module } from '../ir/function.js';
import { Opcode } from '../ir/opcodes.js';
import { TrapError } from '../ir/interpreter.js';
import { instText } from '../ir/printer.js';
import { optimize } from '../opt/index.js';
import { Type, typeName, type Signature } from '../ir/types.js';
import { verify } from '../ir/verifier.js';
import { native } from '../runtime/addon.js';
import { callback, type Callback } from '../runtime/callback.js';
import { symbol as cSymbol, wrap } from '../runtime/calling.js';
import { CodeMemory } from '../runtime/code-memory.js';
import { link, type LinkUnit, type LinkedCode } from '../runtime/link.js';
import type { NativeType } from '../runtime/signature.js';
import { compileFunction, printMFunction, type CompiledFunction } from './backend.js';
import { hostTarget } from './host.js';
import { MAX_RESULTS, STATE_RESULTS, STATE_SIZE, STATE_STACK_LIMIT, STATE_TRAP_CODE, TRAP_SYMBOL } from './module-state.js';
import { BackendScratch } from './scratch.js';
import { signatureHash } from './signature-hash.js';
import type { ImportStubSpec, LowerContext, Target, TrampolineSpec } from './target.js';
import { listingLine } from '../debug/listing.js';
import { checkSignatureText, type CompiledFn, type IrSignatureText } from './js-signature.js';

/** Code [start, end) of a function (offsets from its entry) implementing source `file:line:column` (column 0: unknown). */
export interface LineRange {
  /** First byte, as an offset from the function's entry. */
  readonly start: number;
  /** One past the last byte. */
  readonly end: number;
  /** The file name (`Module.addFile`). */
  readonly file: string;
  /** Line, from 1. */
  readonly line: number;
  /** Column, from 1; 0 when unknown. */
  readonly column: number;
}

/** A compiled function's line table (`CompiledModule.lineTable`). */
export interface LineTable {
  /** Address of the function's entry (its first instruction). */
  readonly address: bigint;
  /** Bytes of machine code from `address` (trap stubs included; jump tables and constants not). */
  readonly size: number;
  /** Ranges in ascending order, not overlapping. */
  readonly ranges: readonly LineRange[];
}

/** Options of `compile`. */
export interface CompileOptions {
  /**
   * Optimisation level: 0 (default) compiles the IR as written; 1 and 2 first
   * run `optimize` (src/opt) at that level on a copy, so the caller's module
   * is left unchanged.
   */
  opt?: 0 | 1 | 2;
  /**
   * Code generator: `'optimizing'` (default: the IR optimised at `opt`, loop rotation, linear-scan
   * allocation) or `'baseline'` (the IR as written, one pass per function: the local allocator of
   * src/regalloc/local.ts; compiles several times faster, runs slower; `opt` must be 0 or absent).
   */
  tier?: 'optimizing' | 'baseline';
  /**
   * Resolves imported C symbols by name, functions (`import %f`) and external data (`import data
   * %stdout`) alike; undefined falls back to the process's symbols (dlsym).
   */
  resolve?: (name: string) => bigint | undefined;
  /**
   * JS functions for imports, by import name (before `resolve`): compiled code calls them as C
   * functions (each becomes a `callback` of the import's signature; ptr values are bigints,
   * i64 bigints, the rest numbers). An exception thrown by one is rethrown by the compiled
   * function's JS call, the import returning zero meanwhile.
   */
  imports?: Readonly<Record<string, (...args: any[]) => unknown>>;
  /** Native stack bytes jitted code may use below the outermost entry before trapping stk_ovf (default 1 MiB). */
  stackSize?: number;
  /** Code memory to place the module in (default: the process-wide one). */
  memory?: CodeMemory;
  /**
   * Prove each function's register allocation with the independent checker
   * (src/regalloc/checker.ts) before emitting it; throws on a wrong allocation.
   * Default: on when the environment variable JITKIT_CHECK_REGALLOC is 1 (as jitkit found it
   * when it was loaded).
   */
  checkRegalloc?: boolean;
}


/**
 * The default of `checkRegalloc`: JITKIT_CHECK_REGALLOC, read once when this module loads (a
 * read of process.env costs a few µs, a noticeable share of compiling a small module).
 */
const CHECK_REGALLOC_DEFAULT = process.env['JITKIT_CHECK_REGALLOC'] === '1';

const NATIVE: Record<number, NativeType> = {
  [Type.I8]: 'i8', [Type.I16]: 'i16', [Type.I32]: 'i32', [Type.I64]: 'i64', [Type.F32]: 'f32', [Type.F64]: 'f64', [Type.Ptr]: 'i64', // ptr: converted here so any 64-bit address passes
};

function aligned(size: number, align: number): { bytes: Uint8Array; address: bigint } {
  const buf = new Uint8Array(new ArrayBuffer(Math.max(size, 1) + align));
  const addr = native.addressOf(buf);
  const pad = Number((BigInt(align) - (addr % BigInt(align))) % BigInt(align));
  return { bytes: buf.subarray(pad, pad + size), address: addr + BigInt(pad) };
}

function coerce(t: Type, x: unknown, what: string): unknown {
  switch (t) {
    case Type.I8: case Type.I16: case Type.I32: {
      const w = t === Type.I8 ? 8 : t === Type.I16 ? 16 : 32;
      if (typeof x === 'bigint') return Number(BigInt.asIntN(w, x));
      if (typeof x === 'number' && Number.isSafeInteger(x)) return w === 32 ? Number(BigInt.asIntN(32, BigInt(x))) : (x << (32 - w)) >> (32 - w);
      break;
    }
    case Type.I64:
      if (typeof x === 'bigint') return BigInt.asIntN(64, x);
      if (typeof x === 'number' && Number.isSafeInteger(x)) return BigInt(x);
      break;
    case Type.Ptr:
      if (typeof x === 'bigint') return BigInt.asIntN(64, x);
      if (typeof x === 'number' && Number.isSafeInteger(x)) return BigInt.asIntN(64, BigInt(x));
      if (x === null) return 0n;
      if (ArrayBuffer.isView(x) || x instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && x instanceof SharedArrayBuffer)) {
        return BigInt.asIntN(64, native.addressOf(x));
      }
      break;
    default:
      if (typeof x === 'number') return x;
  }
  throw new TypeError(`${what}: cannot pass ${typeof x === 'bigint' ? `${x}n` : String(x)} as ${typeName(t)}`);
}

/** A compiled module: callable functions, disassembly, and the memory it owns. */
export class CompiledModule {
  /** The IR module. */
  readonly module: Module;
  private readonly linked: LinkedCode;
  private readonly compiled: Map<string, CompiledFunction>;
  private readonly target: Target;
  /** Keeps data objects and the state block alive while the module is. */
  private readonly keep: Uint8Array[];
  private readonly state: DataView;
  /** The JS functions made so far, by IR function name. */
  private readonly made: Record<string, CompiledFn> = Object.create(null) as Record<string, CompiledFn>;
  /** Addresses of the module's data objects, by index. */
  private readonly dataAddresses: readonly bigint[];
  /** True once `made` holds every function. */
  private allMade = false;
  private freed = false;
  /** The callbacks standing for JS imports (freed with the module). */
  private readonly jsImports: readonly Callback[];

  /** Use `compile()`. */
  constructor(module: Module, target: Target, linked: LinkedCode, compiled: Map<string, CompiledFunction>, keep: Uint8Array[], state: Uint8Array, dataAddresses: readonly bigint[] = [], jsImports: readonly Callback[] = []) {
    this.module = module;
    this.jsImports = jsImports;
    this.target = target;
    this.dataAddresses = dataAddresses;
    this.linked = linked;
    this.compiled = compiled;
    this.keep = keep;
    this.state = new DataView(state.buffer, state.byteOffset, state.byteLength);
  }

  /**
   * JS functions by IR function name. Each is made on first use (here or by `get`): a
   * caller that calls a few functions of a large module does not pay for the others.
   */
  get functions(): Record<string, CompiledFn> {
    if (!this.allMade) {
      for (const f of this.module.functions()) if (this.made[f.name] === undefined) this.made[f.name] = this.makeFunction(f);
      this.allMade = true;
    }
    return this.made;
  }

  /** The JS function for IR function `name`; throws if there is none. */
  get(name: string): CompiledFn;
  /**
   * The JS function for IR function `name`, typed by its signature as text, e.g.
   * `get('fib', '(i64) -> i64')` is `(a0: bigint | number) => bigint`. Throws a TypeError
   * if the function's signature differs.
   */
  get<const S extends string>(name: string, signature: IrSignatureText<S>): CompiledFn<S>;
  get(name: string, signature?: string): CompiledFn {
    const made = this.made[name];
    if (made !== undefined && signature === undefined) return made;
    const f = this.module.lookup(name);
    if (!(f instanceof Func)) throw new Error(`compiled module has no function %${name}`);
    if (signature !== undefined) checkSignatureText(f, signature, `compiled.get('${name}')`);
    return (this.made[name] ??= this.makeFunction(f));
  }

  /** The JS function calling `f` through its entry trampoline. */
  private makeFunction(f: Func): CompiledFn {
    const sv = this.state;
    const raw = wrap(this.linked.base + BigInt(this.linked.entries.get(`entry:${f.name}`)!), { args: f.params.map((t) => NATIVE[t]!), result: 'void' }, { name: f.name });
    const params = f.params, results = f.results, name = f.name;
    // Named by its property key (fn.name === name) without a defineProperty, which costs more.
    return { [name]: (...args: unknown[]): unknown => {
      if (this.freed) throw new Error(`jitkit: %${name} was freed`);
      if (args.length !== params.length) throw new TypeError(`%${name} expects ${params.length} argument${params.length === 1 ? '' : 's'}, got ${args.length}`);
      const native = args.map((x, i) => coerce(params[i]!, x, `%${name} argument ${i}`));
      try {
        raw(...native);
      } catch (e) {
        // A JS import threw (rethrown when the call returned): a trap it caused is moot.
        sv.setUint32(STATE_TRAP_CODE, 0, true);
        throw e;
      }
      const code = sv.getUint32(STATE_TRAP_CODE, true);
      if (code !== 0) {
        sv.setUint32(STATE_TRAP_CODE, 0, true);
        throw new TrapError(code - 1, ` in compiled code called as %${name}`);
      }
      if (results.length === 0) return undefined;
      // One result is returned as it is read: in an array of doubles V8 would quiet a signalling NaN.
      if (results.length === 1) return readResult(sv, results[0]!, STATE_RESULTS);
      return results.map((t, k) => readResult(sv, t, STATE_RESULTS + 8 * k));
    } }[name]!;
  }

  /** Entry address of a function's machine code (not the trampoline). */
  address(name: string): bigint {
    const entry = this.linked.entries.get(`fn:${name}`);
    if (entry === undefined) throw new Error(`compiled module has no function %${name}`);
    return this.linked.base + BigInt(entry);
  }

  /** Address of data object `name` (where compiled code reads and writes it). */
  dataAddress(name: string): bigint {
    const d = this.module.lookup(name);
    if (!(d instanceof DataObject)) throw new Error(`compiled module has no data object %${name}`);
    if (this.freed) throw new Error(`jitkit: the module was freed (data %${name})`);
    return this.dataAddresses[d.index]!;
  }

  /** Machine instructions on virtual registers (before allocation) of function `name`. */
  machineCode(name: string): string {
    const c = this.compiled.get(name);
    if (c === undefined) throw new Error(`compiled module has no function %${name}`);
    return printMFunction(this.target, c.mf);
  }

  /** Disassembly of one function (or all), annotated with the IR instructions each range implements. */
  async disassemble(name?: string): Promise<string> {
    const disassembler = await this.target.loadDisassembler();
    const names = name === undefined ? [...this.compiled.keys()] : [name];
    const out: string[] = [];
    for (const n of names) {
      const c = this.compiled.get(n);
      if (c === undefined) throw new Error(`compiled module has no function %${n}`);
      const start = this.linked.offsets.get(`fn:${n}`)!;
      const entry = this.linked.base + BigInt(this.linked.entries.get(`fn:${n}`)!);
      const bytes = this.linked.bytes.subarray(start + c.code.entry, start + c.code.codeEnd);
      const lines = disassembler.decode(bytes, entry).map(listingLine);
      const f = this.module.getFunction(n);
      out.push(`function %${n} @ 0x${entry.toString(16)} (${c.code.bytes.length - c.code.entry} bytes, frame ${c.code.frameSize}, ${c.alloc.spillSlots} spill slots):`);
      const marks = new Map<string, string[]>();
      const mark = (offset: number, text: string): void => {
        const key = (entry + BigInt(offset - c.code.entry)).toString(16).padStart(16, '0');
        const list = marks.get(key);
        if (list === undefined) marks.set(key, [text]); else list.push(text);
      };
      mark(c.code.entry, '(stack check, prologue)');
      for (const b of c.code.blockMap) mark(b.offset, b.irBlock >= 0 ? `block${b.irBlock}:` : '(edge block: block arguments)');
      const shown = new Set(c.code.irMap.map((m) => m.irInst));
      // The source line (with its text when the module has it) before the code of each new line.
      let lastLine = '';
      const fileLines = new Map<number, string[] | undefined>();
      for (const m of c.code.irMap) {
        const loc = this.module.locationOf(f.instLoc[m.irInst]!);
        if (loc !== null) {
          const file = this.module.files[loc.file]!, at = `${file.name}:${loc.line}`;
          if (at !== lastLine) {
            lastLine = at;
            if (!fileLines.has(loc.file)) fileLines.set(loc.file, file.text?.split('\n'));
            const text = fileLines.get(loc.file)?.[loc.line - 1];
            mark(m.offset, text === undefined ? at : `${at}: ${text.trim()}`);
          }
        }
        // An icmp fused into its brif has no code of its own: show it with the branch.
        if (f.instOpcode[m.irInst] === Opcode.Brif) {
          const cond = f.arg(m.irInst as never, 0);
          const def = f.valueDef[cond]!;
          if (f.valueKind[cond] === 1 && f.instOpcode[def] === Opcode.ICmp && !shown.has(def)) mark(m.offset, `    ${instText(f, def as never)}   (fused with the branch)`);
        }
        mark(m.offset, `    ${instText(f, m.irInst as never)}`);
      }
      if (c.code.trapStubs < c.code.codeEnd) mark(c.code.trapStubs, '(trap stubs)');
      for (const l of lines) {
        for (const note of marks.get(l.slice(0, 16)) ?? []) out.push(`                  ; ${note}`);
        out.push(l);
      }
      out.push('');
    }
    return out.join('\n');
  }

  /**
   * Function `name`'s machine code by source line, for debuggers and profilers (perf's jitdump
   * DEBUG_INFO, gdb's .debug_line): ranges of code offsets from its entry with the source location
   * of the IR instructions they implement (`Builder.setLocation`). Code of no location (the
   * prologue, trap stubs, instructions built without one) is in no range.
   */
  lineTable(name: string): LineTable {
    const c = this.compiled.get(name);
    if (c === undefined) throw new Error(`compiled module has no function %${name}`);
    const f = this.module.getFunction(name), m = this.module;
    const entry = c.code.entry, ir = c.code.irMap, end = c.code.trapStubs - entry;
    const ranges: LineRange[] = [];
    let open: { start: number; end: number; loc: number } | null = null;
    const close = (): void => {
      if (open === null) return;
      const l = m.locationOf(open.loc)!;
      if (open.end > open.start) ranges.push({ start: open.start, end: open.end, file: m.files[l.file]!.name, line: l.line, column: l.column });
      open = null;
    };
    for (let k = 0; k < ir.length; k++) {
      const start = ir[k]!.offset - entry, stop = (k + 1 < ir.length ? ir[k + 1]!.offset - entry : end);
      const loc = f.instLoc[ir[k]!.irInst]!;
      if (open !== null && (open.loc !== loc || open.end !== start)) close();
      if (loc === 0) continue;
      if (open === null) open = { start, end: stop, loc };
      else open.end = stop;
    }
    close();
    return { address: this.linked.base + BigInt(this.linked.entries.get(`fn:${name}`)!), size: c.code.codeEnd - entry, ranges };
  }

  /** True once `free()` ran. */
  get isFreed(): boolean {
    return this.freed;
  }

  /** Releases the machine code and data; the functions throw afterwards. */
  free(): void {
    if (this.freed) return;
    this.freed = true;
    this.linked.handle.free();
    this.keep.length = 0;
    for (const cb of this.jsImports) cb.free();
  }
}

function readResult(sv: DataView, t: Type, at: number): unknown {
  switch (t) {
    case Type.I8: return sv.getInt8(at);
    case Type.I16: return sv.getInt16(at, true);
    case Type.I32: return sv.getInt32(at, true);
    case Type.F32: return sv.getFloat32(at, true);
    case Type.F64: return sv.getFloat64(at, true);
    default: return sv.getBigInt64(at, true);
  }
}

/**
 * Writes each data relocation: the 8-byte address of its target plus the addend. Data addresses
 * are known before linking; functions and imports (their callable stubs, as func_addr gives
 * them) once the code is placed. `placed[i]` are data object i's bytes.
 */
function patchDataRelocations(module: Module, placed: readonly Uint8Array[], dataAddr: readonly bigint[], linked: LinkedCode): void {
  for (const d of module.data) {
    if (d.relocs.length === 0) continue;
    const bytes = placed[d.index]!;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (const r of d.relocs) {
      const t = r.target;
      const base = t instanceof DataObject ? dataAddr[t.index]! : linked.base + BigInt(linked.entries.get(t instanceof Import ? `stub:${t.name}` : `fn:${t.name}`)!);
      view.setBigUint64(r.offset, BigInt.asUintN(64, base + BigInt(r.addend)), true);
    }
  }
}

/** The address of C symbol `name` (an import or external data, `what` in the error): `options.resolve`, else the process's. */
function resolveSymbol(options: CompileOptions, name: string, what: string): bigint {
  const user: unknown = options.resolve?.(name);
  if (typeof user === 'bigint') return user;
  if (user !== undefined) throw new TypeError(`compile: resolve('${name}') must return a bigint address or undefined, got ${typeof user}`);
  try {
    return cSymbol(name);
  } catch (e) {
    throw new Error(`compile: ${what} is not resolved (${(e as Error).message})`);
  }
}

/** Compiles a module (verified first) to machine code; see the module comment for the value mapping. */
export function compile(module: Module, options: CompileOptions = {}): CompiledModule {
  verify(module);
  const level = options.opt ?? 0;
  if (level !== 0 && level !== 1 && level !== 2) throw new RangeError(`compile: opt must be 0, 1 or 2, got ${String(level)}`);
  const tier = options.tier ?? 'optimizing';
  if (tier !== 'optimizing' && tier !== 'baseline') throw new RangeError(`compile: tier must be 'optimizing' or 'baseline', got ${String(tier)}`);
  if (tier === 'baseline' && level !== 0) throw new RangeError(`compile: the baseline tier compiles the IR as written (opt ${level} needs tier 'optimizing')`);
  if (level > 0) {
    module = module.clone();
    optimize(module, { level });
  }
  const checkRegalloc = options.checkRegalloc ?? CHECK_REGALLOC_DEFAULT;
  const target = hostTarget();
  const keep: Uint8Array[] = [];
  const dataAddr: bigint[] = [];
  for (const d of module.data) {
    if (d.external) {
      // Defined outside (C's `stdout`): its address, known before lowering like every data address.
      dataAddr.push(resolveSymbol(options, d.name, `external data %${d.name}`));
      keep.push(new Uint8Array(0));
      continue;
    }
    const { bytes, address } = aligned(d.size, Math.max(d.align, 8));
    bytes.set(d.bytes);
    keep.push(bytes);
    dataAddr.push(address);
  }
  const st = aligned(STATE_SIZE, 64);
  keep.push(st.bytes);
  const stateAddress = st.address;
  const scratch = new BackendScratch();
  const cx: LowerContext = {
    dataAddress: (i) => dataAddr[i]!,
    functionSymbol: (n) => `fn:${n}`,
    importStubSymbol: (n) => `stub:${n}`,
    importSymbol: (n) => `c:${n}`,
    resultsAddress: stateAddress + BigInt(STATE_RESULTS),
    scratch,
  };
  const funcs = module.functions(), imports = module.imports();
  const jsImports = jsImportCallbacks(module, options.imports);
  for (const imp of imports) {
    if (imp.from !== undefined && !jsImports.has(imp.name)) throw new Error(`compile: import %${imp.name} from "${imp.from}": linking IR modules together is not supported yet (a JS function can stand for it: { imports: { ${imp.name}: fn } })`);
  }
  const units: LinkUnit[] = [];
  const compiled = new Map<string, CompiledFunction>();
  for (const f of funcs) {
    if (f.results.length > MAX_RESULTS) throw new Error(`compile: %${f.name} has more than ${MAX_RESULTS} results`);
    const c = compileFunction(target, f, cx, { stateAddress, stackLimitOffset: STATE_STACK_LIMIT, symbol: `fn:${f.name}`, checkRegalloc, tier });
    compiled.set(f.name, c);
    units.push({ symbol: `fn:${f.name}`, bytes: c.code.bytes, entry: c.code.entry, relocations: c.code.relocations });
  }
  const budget = options.stackSize ?? 1 << 20;
  // Stubs for imports whose address is taken (they carry a header for call_indirect checks).
  const stubbed = new Set<string>();
  if (imports.length > 0) for (const f of funcs) {
    for (let i = 0; i < f.instCount; i++) {
      if (f.instBlock[i] === -1 || f.instOpcode[i] !== Opcode.FuncAddr) continue;
      const c = module.callees[f.instImm[i]!]!;
      if (c.isImport) stubbed.add(c.name);
    }
  }
  // Data holding an import's address holds its stub's, as func_addr does.
  for (const d of module.data) for (const r of d.relocs) if (r.target instanceof Import) stubbed.add(r.target.name);
  const trampolines: TrampolineSpec[] = funcs.map((f) => ({ symbol: `entry:${f.name}`, target: `fn:${f.name}`, params: f.params, results: f.results }));
  const importStubs: ImportStubSpec[] = [...stubbed].map((name) => ({ symbol: `stub:${name}`, target: `c:${name}`, signatureHash: signatureHash(module.lookup(name) as Signature) }));
  for (const u of target.emitModuleGlue({ stateAddress, stackBudget: budget, trapSymbol: TRAP_SYMBOL, trampolines, importStubs }, scratch)) units.push(u);
  // Compiled functions keep their MFunction (for printing) and with it this scratch: drop its tables.
  scratch.release();
  const resolve = (s: string): bigint | undefined => {
    if (!s.startsWith('c:')) return undefined;
    const js = jsImports.get(s.slice(2));
    return js !== undefined ? js.address : resolveSymbol(options, s.slice(2), `import %${s.slice(2)}`);
  };
  let linked: LinkedCode;
  try {
    linked = link(units, resolve, { memory: options.memory, name: module.name || 'module' });
  } catch (e) {
    for (const cb of jsImports.values()) cb.free();
    throw e;
  }
  patchDataRelocations(module, keep, dataAddr, linked);
  return new CompiledModule(module, target, linked, compiled, keep, st.bytes, dataAddr, [...jsImports.values()]);
}

/** The native type of each IR type for JS imports (ptr as a bigint address). */
const CALLBACK_TYPE: Record<number, NativeType> = { ...NATIVE, [Type.Ptr]: 'ptr' };

/** A callback per JS function of `options.imports`, by import name (checked against the module's imports). */
function jsImportCallbacks(module: Module, given: CompileOptions['imports']): Map<string, Callback> {
  const out = new Map<string, Callback>();
  if (given === undefined) return out;
  if (given === null || typeof given !== 'object') throw new TypeError('compile: imports must be an object of functions by import name');
  try {
    for (const [name, fn] of Object.entries(given)) {
      const imp = module.lookup(name);
      if (!(imp instanceof Import)) throw new Error(`compile: imports.${name}: the module has no import %${name}`);
      if (typeof fn !== 'function') throw new TypeError(`compile: imports.${name} must be a function, got ${fn === null ? 'null' : typeof fn}`);
      if (imp.variadic) throw new TypeError(`compile: imports.${name}: a JS function cannot stand for the variadic import %${name}`);
      if (imp.results.length > 1) throw new TypeError(`compile: imports.${name}: a JS function returns one value, %${name} returns ${imp.results.length}`);
      const result = imp.results.length === 0 ? 'void' : CALLBACK_TYPE[imp.results[0]!]!;
      out.set(name, callback(fn as (...a: unknown[]) => never, { args: imp.params.map((t) => CALLBACK_TYPE[t]!), result }, { name: `import %${name}` }));
    }
  } catch (e) {
    for (const cb of out.values()) cb.free();
    throw e;
  }
  return out;
}
