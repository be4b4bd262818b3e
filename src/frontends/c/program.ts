/**
 * A compiled C program at run time: JS functions with C signatures, symbol
 * addresses, `main(argv)` returning the exit status, and `free()`.
 *
 * Pipeline position: after the front end (frontend.ts) and `compile()`; used
 * by `cc()` (index.ts) and `jitkit run file.c`.
 *
 * `exit()` inside the program stores its status and traps (irgen.ts defines
 * `exit` that way), so it unwinds to the entry trampoline instead of ending
 * Node in the middle of a call; `abort()` and failed `assert`s do the same
 * with status 134 (what a shell reports for SIGABRT). C's stdio buffers are
 * flushed (`fflush(NULL)`) whenever control returns from `main`, so C's output
 * and Node's stay in order.
 */
import * as fs from 'node:fs';
import { isMainThread } from 'node:worker_threads';
import { TrapError } from '../../ir/interpreter.js';
import { compile, type CompiledModule } from '../../codegen/compile.js';
import { native } from '../../runtime/addon.js';
import { symbol as cSymbol, wrap } from '../../runtime/calling.js';
import type { CompiledC } from './frontend.js';
import { CompileError } from './diagnostics.js';
import { CType, TypeKind, isUnsigned } from './ctypes.js';
import { ABORT_TRAP, ATEXIT_RUN, EXIT_STATUS_DATA, EXIT_TRAP } from './irgen.js';

/** Thrown by a program's JS function when the C code called `exit()` (or `abort()`: status 134). */
export class CExit extends Error {
  /** Creates the error for exit status `status`. */
  constructor(readonly status: number) {
    super(`the C program called exit(${status})`);
    this.name = 'CExit';
  }
}

/** Options of `loadProgram`. */
export interface LoadOptions {
  /** Optimisation level of the backend (default 0). */
  opt?: 0 | 1 | 2;
  /** Native stack bytes the program may use before it traps stk_ovf (default: `defaultStackSize()`). */
  stackSize?: number;
}

const MiB = 1 << 20;

/**
 * The stack a C program gets by default: on Node's main thread what the
 * process's stack limit (`ulimit -s`, 8 MiB usually) leaves after 1.5 MiB for
 * Node's own frames, as a gcc-built program gets nearly all of it (a 4 MB local
 * array works); on other threads, whose stacks are smaller, 1 MiB.
 */
export function defaultStackSize(): number {
  if (!isMainThread) return MiB;
  let limit: number;
  try {
    const m = /^Max stack size\s+(\d+|unlimited)/m.exec(fs.readFileSync('/proc/self/limits', 'utf8'));
    if (m === null) return MiB;
    // Unlimited: as much as an 8 MiB limit gives (the stack grows into free address space).
    limit = m[1] === 'unlimited' ? 8 * MiB : Number(m[1]);
  } catch {
    return MiB;
  }
  return Math.max(MiB, Math.min(limit, 256 * MiB) - 1.5 * MiB);
}

let fflushAll: ((p: null) => unknown) | undefined;

/** Flushes every C stdio stream (`fflush(NULL)`). */
export function flushCStdio(): void {
  fflushAll ??= wrap(cSymbol('fflush'), { args: ['ptr'], result: 'i32' }) as (p: null) => unknown;
  fflushAll(null);
}

/** Converts a result from the IR's signed view to the C type's JS value (unsigned types stay non-negative). */
function fromIr(t: CType, v: unknown): unknown {
  if (!isUnsigned(t) || t.kind === TypeKind.Pointer || t.kind === TypeKind.Bool) {
    if (t.kind === TypeKind.Pointer && typeof v === 'bigint') return BigInt.asUintN(64, v);
    return v;
  }
  switch (t.size) {
    case 1: return (v as number) & 0xff;
    case 2: return (v as number) & 0xffff;
    case 4: return (v as number) >>> 0;
    default: return BigInt.asUintN(64, v as bigint);
  }
}

/** A C program compiled to machine code. */
export class CProgram {
  /** The program's functions with external linkage, by C name, as JS functions. */
  readonly functions: Record<string, (...args: unknown[]) => unknown> = Object.create(null) as Record<string, (...args: unknown[]) => unknown>;
  /** The compiled module (IR, disassembly). */
  readonly compiled: CompiledModule;
  private readonly ir: CompiledC;

  /** Compiles lowered IR; use `cc()`. */
  constructor(ir: CompiledC, options: LoadOptions = {}) {
    this.ir = ir;
    const missing: string[] = [];
    const resolve = (n: string): bigint | undefined => {
      try {
        return cSymbol(ir.aliases.get(n) ?? n);
      } catch {
        missing.push(ir.aliases.get(n) ?? n);
        // A placeholder (compile() takes only real addresses): the module is freed unused below.
        return cSymbol('abort');
      }
    };
    const compiled = compile(ir.module, { opt: options.opt ?? 0, resolve, stackSize: options.stackSize ?? defaultStackSize() });
    if (missing.length > 0) {
      compiled.free();
      const text = missing.map((n) => `jitkit: error: undefined reference to '${n}'`).join('\n');
      throw new CompileError([], text);
    }
    this.compiled = compiled;
    for (const [name, info] of ir.functions) {
      const { type, sig } = info;
      const structs = sig.paramPassing.some((p) => p.k !== 'scalar') || (sig.resultPassing.k !== 'scalar' && sig.resultPassing.k !== 'none');
      const raw = this.compiled.get(name);
      const ret = type.base!;
      this.functions[name] = { [name]: (...args: unknown[]): unknown => {
        if (structs) throw new TypeError(`${name}: structs and unions passed by value cannot be passed from JS`);
        return fromIr(ret, this.call(raw, args));
      } }[name]!;
    }
  }

  /** Calls a compiled function, turning `exit()`/`abort()` traps into `CExit`. */
  private call(fn: (...args: unknown[]) => unknown, args: unknown[]): unknown {
    try {
      return fn(...args);
    } catch (e) {
      if (e instanceof TrapError && (e.trap === EXIT_TRAP || e.trap === ABORT_TRAP)) {
        throw new CExit(e.trap === EXIT_TRAP ? this.exitStatus() : 134);
      }
      throw e;
    }
  }

  private exitStatus(): number {
    return native.read(this.compiled.dataAddress(EXIT_STATUS_DATA), 4).readInt32LE(0);
  }

  /** The address of a function or object of the program (by its C name). */
  symbol(name: string): bigint {
    const d = this.ir.module.lookup(name);
    if (d === undefined) throw new Error(`the C program has no symbol '${name}'`);
    if ('bytes' in d) return this.compiled.dataAddress(name);
    if (d.isImport) return cSymbol(name);
    return this.compiled.address(name);
  }

  /**
   * Runs `main` with `argv` (argv[0] first) and returns its exit status: what
   * `main` returned or what the program passed to `exit()` (134 after
   * `abort()`). C's stdio is flushed before returning.
   */
  main(argv: readonly string[] = ['a.out']): number {
    const mainFn = this.ir.module.lookup('main');
    // A link error, as gcc's driver reports it.
    if (mainFn === undefined || !('builder' in mainFn)) throw new CompileError([], "jitkit: error: undefined reference to 'main'");
    const strings = argv.map((a) => Buffer.from(`${a}\0`, 'utf8'));
    const pointers = new BigUint64Array(argv.length + 2);
    strings.forEach((s, i) => { pointers[i] = native.addressOf(s); });
    const envp = new BigUint64Array(1);
    const params = mainFn.params.length;
    const args: unknown[] = params === 0 ? [] : params === 2 ? [argv.length, pointers] : [argv.length, pointers, envp];
    try {
      const r = this.call(this.compiled.get('main'), args);
      // Returning from main is exit(status): the atexit handlers run (one of them may call exit()).
      if (this.ir.module.lookup(ATEXIT_RUN) !== undefined) this.call(this.compiled.get(ATEXIT_RUN), []);
      return typeof r === 'number' ? r : 0;
    } catch (e) {
      if (e instanceof CExit) return e.status;
      throw e;
    } finally {
      flushCStdio();
      void strings;
    }
  }

  /** Releases the machine code and data. */
  free(): void {
    this.compiled.free();
  }
}
