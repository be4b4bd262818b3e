/**
 * Filetests: `.ir` files whose header lines say what to check, with expectations
 * in comments (Cranelift style). One file may carry several headers.
 *
 *   test parse    the text must fail to parse; `; error: L:C: message` is the exact error
 *   test verify   the module must verify, or fail with exactly the `; error: ...` messages
 *   test print    print(parse(text)) must equal the text without comment/test lines
 *   test run      each `; run: f(args) == result` / `; run: f(args) traps code` /
 *                 `; run: f(args)` line is executed by every `Executor`
 *   test optimize P...   the module is optimised by `options.optimizer` with the
 *                 pipeline P (`O1`, `O2`, or pass names such as `fold dce`); the
 *                 result must print exactly as the `; expect:` section at the end
 *                 of the file (each line prefixed `; `), and every run line must
 *                 also hold on the optimised module. Bless rewrites the section.
 *   test compile TARGET [O0|O1|O2]   the module (optimised at that level, default O0)
 *                 is compiled for TARGET (e.g. `x86-64`) by `options.compiler`; its
 *                 machine code must print exactly as the `; expect:` section. Bless
 *                 rewrites the section. A file has `test optimize` or `test compile`,
 *                 not both (they would share the section).
 *
 * Run-line arguments: integers (decimal, hex, negative), floats (`1.5`, `-0.0`,
 * `Inf`, and NaNs as the IR text writes them: `NaN`, `-NaN:0x1`), `null`, and buffers
 * for ptr parameters written `u8[1, 2, 3]` (also i8 i16 u16 i32 u32 i64 u64 f32 f64;
 * float buffers hold the exact bits, `sNaN:0x1` included). Several results: `== 1, 2`.
 * Float results compare bit for bit (NaN payloads and signs included). A signalling
 * NaN cannot be a scalar argument or result: a JS number does not keep it (V8 quiets
 * it in arrays of doubles, and every f32 -> number conversion quiets it).
 *
 * An `Executor` loads a verified module and calls functions by name with JS
 * values (the interpreter's calling convention: i64/ptr as bigint). The backend
 * adds its own executor so that every run line is also compiled and executed.
 */
import { Module } from './function.js';
import { Interpreter, TrapError } from './interpreter.js';
import { parse } from './parser.js';
import { printModule } from './printer.js';
import { Type, typeName } from './types.js';
import { f32FromBits, f32ToBits, f64FromBits, f64ToBits, formatFloatBits, isSignallingNaN, parseFloatBits } from './float-bits.js';
import { verifyModule } from './verifier.js';

/** A module loaded into an executor, ready to call. */
export interface LoadedModule {
  /** Calls function `name`; returns undefined, the result, or an array of results; traps throw an Error with a `trap` name. */
  call(name: string, args: readonly unknown[]): unknown;
  /** Releases resources (optional). */
  dispose?(): void;
}

/** Something that can run IR: the interpreter, or later the compiler. */
export interface Executor {
  /** Name shown in failure messages. */
  readonly name: string;
  /**
   * Loads a verified module; `data` binds its external data (`import data %name`) to JS buffers,
   * by name (the interpreter's `data` option; compiled code uses the buffers' addresses).
   */
  load(module: Module, data?: ExternalData): LoadedModule;
}

/** JS buffers standing for a module's external data objects, by name (`Executor.load`). */
export type ExternalData = Readonly<Record<string, Uint8Array>>;

/** The reference interpreter as an `Executor`. */
export const interpreterExecutor: Executor = {
  name: 'interpreter',
  load(module: Module, data?: ExternalData): LoadedModule {
    const interp = new Interpreter(module, { data });
    return { call: (name, args) => interp.call(name, args) };
  },
};

/** Options for `runFiletest`. */
export interface FiletestOptions {
  /** Executors for `test run` (default: the interpreter). */
  executors?: readonly Executor[];
  /** File name for messages. */
  file?: string;
  /** Instead of failing on `test verify`/`test optimize` mismatches, return the corrected text. */
  bless?: boolean;
  /** Runs an optimisation pipeline (`test optimize` arguments) on a module in place. */
  optimizer?: (module: Module, pipeline: readonly string[]) => void;
  /**
   * For `test compile`: the machine code of `module` (optimised at `level` first) for the
   * target named in the header, as text. The caller skips files for other targets than its own.
   */
  compiler?: (module: Module, target: string, level: 0 | 1 | 2) => string;
}

/** The commands a filetest header may name. */
export type FiletestCommand = 'parse' | 'verify' | 'print' | 'run' | 'optimize' | 'compile';

/** Reads the `test X` header lines of a filetest. */
export function filetestCommands(text: string): FiletestCommand[] {
  const out: FiletestCommand[] = [];
  for (const line of text.split('\n')) {
    const m = /^test\s+(\S+)(.*)$/.exec(line.trim());
    if (m === null) continue;
    if (m[1] !== 'parse' && m[1] !== 'verify' && m[1] !== 'print' && m[1] !== 'run' && m[1] !== 'optimize' && m[1] !== 'compile') throw new Error(`unknown filetest command 'test ${m[1]}'`);
    if (m[1] !== 'optimize' && m[1] !== 'compile' && m[2]!.trim() !== '') throw new Error(`filetest command 'test ${m[1]}' takes no arguments`);
    out.push(m[1]);
  }
  return out;
}

/** The arguments of the `test optimize` header (`['O2']`, `['fold', 'dce']`). */
export function optimizePipeline(text: string): string[] {
  for (const line of text.split('\n')) {
    const m = /^test\s+optimize\b(.*)$/.exec(line.trim());
    if (m !== null) return m[1]!.trim().split(/[\s,]+/).filter((x) => x !== '');
  }
  return [];
}

/** The target and optimisation level of the `test compile` header, or undefined when there is none. */
export function compileSettings(text: string): { target: string; level: 0 | 1 | 2 } | undefined {
  for (const line of text.split('\n')) {
    const m = /^test\s+compile\b(.*)$/.exec(line.trim());
    if (m === null) continue;
    const args = m[1]!.trim().split(/\s+/).filter((x) => x !== '');
    const level = args.length > 1 ? /^O([012])$/.exec(args[1]!) : null;
    if (args.length === 0 || args.length > 2 || (args.length === 2 && level === null)) {
      throw new Error(`'test compile' takes a target name and an optional level O0, O1 or O2, got '${m[1]!.trim()}'`);
    }
    return { target: args[0]!, level: level === null ? 0 : (Number(level[1]) as 0 | 1 | 2) };
  }
  return undefined;
}

const EXPECT_RE = /^;\s*expect:\s*$/;

/** The text of a `test optimize` or `test compile` file's `; expect:` section (without the `; ` prefixes), or undefined. */
export function expectedSection(text: string): string | undefined {
  const lines = text.split('\n');
  const at = lines.findIndex((l) => EXPECT_RE.test(l.trim()));
  if (at < 0) return undefined;
  const body = lines.slice(at + 1).map((l) => l.replace(/^; ?/, ''));
  while (body.length > 0 && body[body.length - 1]!.trim() === '') body.pop();
  return body.join('\n') + '\n';
}

/** `text` with its `; expect:` section replaced by `printed`. */
export function withExpectedSection(text: string, printed: string): string {
  const lines = text.split('\n');
  let at = lines.findIndex((l) => EXPECT_RE.test(l.trim()));
  if (at < 0) at = lines.length;
  const head = lines.slice(0, at).join('\n').replace(/\n*$/, '\n\n');
  const body = printed.replace(/\n$/, '').split('\n').map((l) => (l === '' ? ';' : `; ${l}`)).join('\n');
  return `${head}; expect:\n${body}\n`;
}

function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0, start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '[' || c === '(') depth++;
    else if (c === ']' || c === ')') depth--;
    else if (c === ',' && depth === 0) { out.push(s.slice(start, i).trim()); start = i + 1; }
  }
  const last = s.slice(start).trim();
  if (last !== '' || out.length > 0) out.push(last);
  return out;
}

/** The bits of a scalar float literal (an argument or an expected result); refuses signalling NaNs. */
function scalarFloatBits(s: string, t: Type): number | bigint {
  const bits = parseFloatBits(t, s);
  if (isSignallingNaN(bits)) throw new Error(`'${s.trim()}': a signalling NaN does not survive as a JS number; pass or check its bits as an integer and bitcast`);
  return bits;
}

function parseNumber(s: string, t: Type): number | bigint {
  s = s.trim();
  if (t === Type.F32 || t === Type.F64) {
    const bits = scalarFloatBits(s, t);
    return typeof bits === 'number' ? f32FromBits(bits) : f64FromBits(bits);
  }
  if (!/^-?(\d+|0x[0-9a-f]+)$/i.test(s)) throw new Error(`bad ${typeName(t)} literal '${s}'`);
  const v = s.startsWith('-') ? -BigInt(s.slice(1)) : BigInt(s);
  if (t === Type.I64 || t === Type.Ptr) return BigInt.asIntN(64, v);
  return Number(BigInt.asIntN(t === Type.I8 ? 8 : t === Type.I16 ? 16 : 32, v));
}

const ARRAYS: Record<string, new (n: number) => ArrayBufferView & { [i: number]: number | bigint }> = {
  u8: Uint8Array, i8: Int8Array, u16: Uint16Array, i16: Int16Array, u32: Uint32Array, i32: Int32Array,
  u64: BigUint64Array, i64: BigInt64Array, f32: Float32Array, f64: Float64Array,
};

function parseArg(s: string, t: Type): unknown {
  const m = /^([uif]\d+)\[(.*)\]$/s.exec(s);
  if (m !== null) {
    const Ctor = ARRAYS[m[1]!];
    if (Ctor === undefined) throw new Error(`unknown buffer type '${m[1]}'`);
    const items = splitTop(m[2]!);
    const arr = new Ctor(items.length);
    const big = m[1] === 'u64' || m[1] === 'i64';
    // Float buffers get the literal's exact bits (any NaN), written through an integer view.
    const bitsView = m[1] === 'f32' ? new Int32Array(arr.buffer) : m[1] === 'f64' ? new BigInt64Array(arr.buffer) : null;
    items.forEach((x, i) => {
      if (bitsView !== null) { bitsView[i] = parseFloatBits(m[1] === 'f32' ? Type.F32 : Type.F64, x) as never; return; }
      const v = parseNumber(x, Type.I64);
      arr[i] = big ? BigInt(v) : Number(v);
    });
    return arr;
  }
  if (s === 'null') return null;
  return parseNumber(s, t);
}

/** Compares a result with the expected value (floats: expected bits, compared bit for bit). */
function sameResult(got: unknown, want: number | bigint, t: Type): boolean {
  if (t === Type.F32) return typeof got === 'number' && f32ToBits(got) === want;
  if (t === Type.F64) return typeof got === 'number' && f64ToBits(got) === want;
  if (t === Type.I64 || t === Type.Ptr) return typeof got === 'bigint' && BigInt.asIntN(64, got) === want;
  return (typeof got === 'number' || typeof got === 'bigint') && Number(got) === want;
}

/** Results as a run line writes them (floats by their bits: `-NaN:0x5`); `types` are the result types. */
function show(x: unknown, types: readonly Type[]): string {
  // A single float is not put into an array: V8 may quiet or canonicalise a NaN stored in an array of doubles.
  if (types.length === 1 || !Array.isArray(x)) return showOne(x, types[0]);
  return x.map((v, i) => showOne(v, types[i])).join(', ');
}
function showOne(v: unknown, t: Type | undefined): string {
  if (typeof v === 'number' && (t === Type.F32 || t === Type.F64)) return formatFloatBits(t, t === Type.F32 ? f32ToBits(v) : f64ToBits(v));
  if (typeof v === 'number') return Object.is(v, -0) ? '-0.0' : String(v);
  return String(v);
}

/** Bytes of the zeroed buffer each external data object of a `test run` file is bound to. */
export const FILETEST_EXTERNAL_BYTES = 4096;

/**
 * Fresh buffers for `m`'s external data (`import data %name`), FILETEST_EXTERNAL_BYTES zeroed
 * bytes each: how `test run` files and the differential fuzzer bind them in every executor.
 */
export function zeroedExternalData(m: Module): Record<string, Uint8Array> {
  const data: Record<string, Uint8Array> = {};
  for (const d of m.data) if (d.external) data[d.name] = new Uint8Array(FILETEST_EXTERNAL_BYTES);
  return data;
}

/** Executes run lines on `m` with each executor, collecting failures. */
function runLines(m: Module, runs: readonly { line: number; text: string }[], executors: readonly Executor[], file: string, tag: string, failures: string[]): void {
  for (const ex of executors) {
    // Each executor gets its own zeroed buffers for the module's external data.
    const loaded = ex.load(m, zeroedExternalData(m));
    try {
      for (const run of runs) {
        const where = `${file}:${run.line}: [${ex.name}${tag}] run: ${run.text}`;
        const mm = /^%?([A-Za-z_][\w.$]*)\((.*)\)\s*(?:==\s*(.+?)|traps\s+(\w+))?\s*$/s.exec(run.text);
        if (mm === null) { failures.push(`${where}: cannot parse run line`); continue; }
        const name = mm[1]!;
        const f = m.getFunction(name);
        const argTexts = splitTop(mm[2]!);
        if (argTexts.length !== f.params.length) { failures.push(`${where}: %${name} takes ${f.params.length} arguments, run line has ${argTexts.length}`); continue; }
        let args: unknown[];
        let want: (number | bigint)[] | undefined;
        try {
          args = argTexts.map((a, i) => parseArg(a, f.params[i]!));
          if (mm[3] !== undefined) {
            const ws = splitTop(mm[3]);
            if (ws.length !== f.results.length) throw new Error(`%${name} has ${f.results.length} results, run line expects ${ws.length}`);
            want = ws.map((w, i) => {
              const t = f.results[i]!;
              return t === Type.F32 || t === Type.F64 ? scalarFloatBits(w, t) : parseNumber(w, t);
            });
          }
        } catch (e) {
          failures.push(`${where}: ${(e as Error).message}`);
          continue;
        }
        let got: unknown;
        try {
          got = loaded.call(name, args);
        } catch (e) {
          const trap = (e as { trap?: unknown }).trap;
          if (mm[4] !== undefined && trap === mm[4]) continue;
          failures.push(`${where}: ${e instanceof TrapError || typeof trap === 'string' ? '' : 'error: '}${(e as Error).message}`);
          continue;
        }
        if (mm[4] !== undefined) { failures.push(`${where}: expected trap ${mm[4]}, got ${show(got, f.results)}`); continue; }
        if (want !== undefined) {
          // A single result is compared as it is (an array of doubles could change a NaN's bits).
          const ok = want.length === 1 ? sameResult(got, want[0]!, f.results[0]!)
            : Array.isArray(got) && got.length === want.length && want.every((w, i) => sameResult(got[i], w, f.results[i]!));
          if (!ok) failures.push(`${where}: got ${show(got, f.results)}`);
        }
      }
    } finally {
      loaded.dispose?.();
    }
  }
}

/** The canonical text of a `test print` file: its lines minus comments and headers. */
export function canonicalPart(text: string): string {
  const lines = text.split('\n').filter((l) => !/^\s*;/.test(l) && !/^test\s/.test(l.trim()));
  while (lines.length > 0 && lines[0]!.trim() === '') lines.shift();
  while (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines.pop();
  return lines.join('\n') + '\n';
}

/**
 * Runs one filetest; throws an Error describing every failed expectation. With
 * `bless`, returns the corrected text when `test verify` expectations differ.
 */
export function runFiletest(text: string, options: FiletestOptions = {}): string | undefined {
  const file = options.file ?? '<filetest>';
  const cmds = filetestCommands(text);
  if (cmds.length === 0) throw new Error(`${file}: no 'test' header line`);
  const lines = text.split('\n');
  const expectedErrors: string[] = [];
  const runs: { line: number; text: string }[] = [];
  lines.forEach((l, i) => {
    const e = /^\s*;\s*error:\s?(.*)$/.exec(l);
    if (e !== null) expectedErrors.push(e[1]!.trimEnd());
    const r = /^\s*;\s*run:\s*(.*)$/.exec(l);
    if (r !== null) runs.push({ line: i + 1, text: r[1]!.trim() });
  });
  const failures: string[] = [];
  if (cmds.includes('parse')) {
    try {
      parse(text);
      failures.push('test parse: expected a parse error, but the text parsed');
    } catch (e) {
      const msg = (e as Error).message;
      if (expectedErrors.length !== 1 || expectedErrors[0] !== msg) failures.push(`test parse: got error '${msg}', expected '${expectedErrors.join("' / '")}'`);
    }
    if (failures.length > 0) throw new Error(`${file}:\n  ${failures.join('\n  ')}`);
    return undefined;
  }
  const m = parse(text);
  const errors = verifyModule(m);
  if (cmds.includes('verify')) {
    const want = [...expectedErrors].sort(), got = [...errors].sort();
    if (want.join('\n') !== got.join('\n') && options.bless === true) {
      const kept = text.split('\n').filter((l) => !/^\s*;\s*error:/.test(l)).join('\n').replace(/\n*$/, '\n');
      return kept + errors.map((e) => `; error: ${e}\n`).join('');
    }
    if (want.join('\n') !== got.join('\n')) {
      failures.push(`test verify: expected errors:\n    ${want.join('\n    ') || '(none)'}\n  got:\n    ${got.join('\n    ') || '(none)'}`);
    }
  }
  if (cmds.includes('print')) {
    const canon = canonicalPart(text);
    const printed = printModule(m);
    if (printed !== canon) failures.push(`test print: printed text differs:\n--- expected\n${canon}--- got\n${printed}`);
    else if (printModule(parse(printed)) !== printed) failures.push('test print: second round trip differs');
  }
  if (cmds.includes('run')) {
    if (errors.length > 0) throw new Error(`${file}: test run: module does not verify:\n  ${errors.join('\n  ')}`);
    runLines(m, runs, options.executors ?? [interpreterExecutor], file, '', failures);
  }
  let blessed: string | undefined;
  if (cmds.includes('optimize')) {
    if (errors.length > 0) throw new Error(`${file}: test optimize: module does not verify:\n  ${errors.join('\n  ')}`);
    if (options.optimizer === undefined) throw new Error(`${file}: test optimize needs an optimizer (FiletestOptions.optimizer)`);
    const opt = parse(text);
    options.optimizer(opt, optimizePipeline(text));
    const optErrors = verifyModule(opt);
    if (optErrors.length > 0) failures.push(`test optimize: optimised module does not verify:\n    ${optErrors.join('\n    ')}`);
    const printed = printModule(opt);
    const want = expectedSection(text);
    if (want !== printed) {
      if (options.bless === true) blessed = withExpectedSection(text, printed);
      else failures.push(`test optimize: optimised module differs:\n--- expected\n${want ?? '(no ; expect: section)\n'}--- got\n${printed}`);
    }
    if (optErrors.length === 0) runLines(opt, runs, options.executors ?? [interpreterExecutor], file, ' optimised', failures);
  }
  if (cmds.includes('compile')) {
    if (cmds.includes('optimize')) throw new Error(`${file}: a file has 'test optimize' or 'test compile', not both (they share the ; expect: section)`);
    if (errors.length > 0) throw new Error(`${file}: test compile: module does not verify:\n  ${errors.join('\n  ')}`);
    if (options.compiler === undefined) throw new Error(`${file}: test compile needs a compiler (FiletestOptions.compiler)`);
    const { target, level } = compileSettings(text)!;
    const printed = options.compiler(parse(text), target, level);
    const want = expectedSection(text);
    if (want !== printed) {
      if (options.bless === true) blessed = withExpectedSection(text, printed);
      else failures.push(`test compile: machine code differs:\n--- expected\n${want ?? '(no ; expect: section)\n'}--- got\n${printed}`);
    }
  }
  if (failures.length > 0) throw new Error(`${file}:\n  ${failures.join('\n  ')}`);
  return blessed;
}
