/**
 * API fuzzing: random wrong inputs to the public API must produce `Error`s,
 * never a crash. Each category runs in a **child process** (this file with
 * `--child`), so that a signal (SIGSEGV, SIGILL, abort) is seen by the parent
 * and reported as a crash instead of killing the fuzzer.
 *
 *   parent: apiFuzz(seed, count) --spawn--> node api-fuzz.js --child CATEGORY SEED COUNT
 *   child:  COUNT random calls; prints one JSON line { calls, errors, internal[] }
 *
 * Categories: `wrap` (wrong argument types/counts to wrapped functions, bad
 * targets/signatures), `codemem` (CodeMemory / CodeWriter / CodeHandle misuse),
 * `asm` (Assembler methods with junk), `parse` (mutated IR text), `builder`
 * (invalid builder sequences), `verify` (corrupted IR tables to the verifier),
 * `compile` (bad modules and options to `compile`, wrong arguments to compiled
 * functions, calls after `free`).
 * An *internal* error is an exception that is not an Error, or a JS engine
 * TypeError/RangeError from inside the library ("Cannot read properties ...",
 * see `isInternalError`): the input was not checked. The CLI counts every kind
 * as a failure; the library must answer wrong input with a checked message.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Assembler, gp64, gp32, xmmRegs, Mem } from '../asm/x64/index.js';
import { CodeMemory } from '../runtime/code-memory.js';
import { compile } from '../codegen/compile.js';
import { resolveExternalData } from '../codegen/executor.js';
import { zeroedExternalData } from '../ir/filetest.js';
import { wrap, symbol } from '../runtime/calling.js';
import type { NativeSignatureSpec } from '../runtime/signature.js';
import { Builder, Module, Opcode, Type, parse, printModule, verifyModule, type Value } from '../ir/index.js';
import { OPCODE_COUNT } from '../ir/opcodes.js';
import { generate } from './generator.js';
import { Rng, mixSeed } from './rng.js';
import { isInternalError, showOperand } from './asm-fuzz.js';

/** API fuzzing categories, each run in its own child process. */
export const API_CATEGORIES = ['wrap', 'codemem', 'asm', 'parse', 'builder', 'verify', 'compile'] as const;
/** One category name. */
export type ApiCategory = (typeof API_CATEGORIES)[number];

/** What one child reported (or what the parent saw of it). */
export interface ApiFuzzResult {
  readonly category: ApiCategory;
  /** API calls made. */
  readonly calls: number;
  /** Calls that threw an Error (expected for wrong inputs). */
  readonly errors: number;
  /** Internal errors (library bugs in input checking). */
  readonly internal: readonly string[];
  /** Set when the child died from a signal, timed out or printed no report. */
  readonly crash: string;
}

const JUNK: readonly unknown[] = [undefined, null, true, 0, -1, 1.5, NaN, Infinity, -0, 2 ** 53, 1n, -1n, 1n << 64n, -(1n << 63n) - 1n,
  '', 'x', '12', [], [1], {}, { length: 3 }, Symbol('s'), () => 0, new Uint8Array(2), new ArrayBuffer(1), new Date(0)];

type Rec = { calls: number; errors: number; internal: string[] };

function attempt(rec: Rec, what: string, fn: () => unknown): void {
  rec.calls++;
  try {
    fn();
  } catch (e) {
    rec.errors++;
    if (isInternalError(e)) rec.internal.push(`${what}: ${e instanceof Error ? `${e.name}: ${e.message}` : `threw non-Error ${String(e)}`}`);
  }
}
function show(xs: readonly unknown[]): string {
  return xs.map(showOperand).join(', ');
}

function fuzzWrap(r: Rng, n: number, rec: Rec): void {
  const mem = new CodeMemory();
  // `mov rax, rdi; ret` and `movsd xmm0, xmm0; ret`-like bodies never dereference anything.
  const a = new Assembler();
  a.emitNamed('mov', gp64[0]!, gp64[7]!);
  a.emitNamed('ret');
  const w = mem.allocate(16);
  w.write(a.finish().bytes);
  const handle = w.finalize();
  const types = ['i8', 'i16', 'i32', 'i64', 'u8', 'u16', 'u32', 'u64', 'f32', 'f64', 'bool', 'ptr'];
  const sigs: { args: string[]; result: string }[] = [];
  for (let i = 0; i < 8; i++) {
    const args = Array.from({ length: r.int(0, 9) }, () => r.pick(types));
    sigs.push({ args, result: r.pick([...types.filter((t) => t !== 'ptr'), 'void']) });
  }
  const fns = sigs.map((s) => wrap(handle, s as NativeSignatureSpec, { generic: r.chance(0.3) }));
  for (let i = 0; i < n; i++) {
    const k = r.int(0, 9);
    if (k < 7) {
      const j = r.int(0, fns.length - 1);
      // Pointer arguments get wrong types only: a bigint there is a raw address and is trusted.
      const args = Array.from({ length: r.chance(0.2) ? r.int(0, 11) : sigs[j]!.args.length }, (_, q) => {
        const t = sigs[j]!.args[q];
        const v = r.pick(JUNK);
        return t === 'ptr' && (typeof v === 'bigint' || v === null) ? 'p' : v;
      });
      attempt(rec, `wrapped ${JSON.stringify(sigs[j])}(${show(args)})`, () => fns[j]!(...args));
    } else if (k === 7) {
      const target = r.pick([...JUNK.filter((x) => typeof x !== 'bigint' || x <= 0n || x >= 1n << 64n), handle]);
      const sig = r.pick([undefined, null, {}, { args: 'i32' }, { args: [r.pick(JUNK)] }, { args: ['i32'], result: r.pick(JUNK) },
        { args: ['i32'], fixedArgs: r.pick(JUNK) }, { args: Array(300).fill('i32') }, { args: ['f32'], fixedArgs: 0 }]);
      attempt(rec, `wrap(${showOperand(target)}, ${showOperand(sig)})`, () => wrap(target as never, sig as never, r.pick([undefined, {}, { argNames: 'x' }, { name: 5 }]) as never));
    } else if (k === 8) {
      attempt(rec, 'symbol(junk)', () => symbol(r.pick(JUNK) as never));
    } else {
      attempt(rec, 'symbol(missing)', () => symbol(`no_such_symbol_${r.int(0, 1e6)}`));
    }
  }
}

function fuzzCodeMemory(r: Rng, n: number, rec: Rec): void {
  const mems = [new CodeMemory()];
  for (let i = 0; i < n; i++) {
    const mem = r.pick(mems);
    switch (r.int(0, 7)) {
      case 0: attempt(rec, 'new CodeMemory(junk)', () => mems.push(new CodeMemory({ scheme: r.pick(['auto', 'x', 5, undefined]) as never, regionSize: r.pick([undefined, 0, -4096, 4095, 1.5, 'a', 4096 * 4]) as never }))); break;
      case 1: attempt(rec, 'allocate(junk)', () => mem.allocate(r.pick([...JUNK, 1, 4096, 2 ** 31]) as never, { align: r.pick([undefined, 1, 3, 16, 8192, -1, 'x']) as never })); break;
      case 2: attempt(rec, 'write(junk)', () => {
        const w = mem.allocate(r.int(1, 64));
        w.write(r.pick([new Uint8Array(r.int(0, 80)).fill(0xc3), 'x', [1, 2], null]) as never, r.pick([0, -1, 1.5, 63, 100]) as never);
        if (r.chance(0.5)) w.discard(); else w.finalize().free();
      }); break;
      case 3: attempt(rec, 'finalize twice', () => { const w = mem.allocate(4); w.write(new Uint8Array([0xc3])); w.finalize(); w.finalize(); }); break;
      case 4: attempt(rec, 'free twice / call freed', () => {
        const w = mem.allocate(4); w.write(new Uint8Array([0xc3])); const h = w.finalize(); h.free();
        if (r.chance(0.5)) h.free(); else h.callInt();
      }); break;
      case 5: attempt(rec, 'callInt(junk)', () => {
        const w = mem.allocate(4); w.write(new Uint8Array([0x48, 0x89, 0xf8, 0xc3])); const h = w.finalize();
        try { h.callInt(...Array.from({ length: r.int(0, 8) }, () => r.pick(JUNK)) as never[]); } finally { h.free(); }
      }); break;
      case 6: attempt(rec, 'callFloat(junk)', () => {
        const w = mem.allocate(4); w.write(new Uint8Array([0xc3])); const h = w.finalize();
        try { h.callFloat(...Array.from({ length: r.int(0, 10) }, () => r.pick(JUNK)) as never[]); } finally { h.free(); }
      }); break;
      default: attempt(rec, 'dispose and use', () => {
        const m2 = new CodeMemory(); const w = m2.allocate(8); m2.dispose(); if (r.chance(0.5)) w.write(new Uint8Array(1)); else m2.allocate(8);
      });
    }
  }
}

function fuzzAssembler(r: Rng, n: number, rec: Rec): void {
  const names = ['add', 'mov', 'lea', 'jmp', 'call', 'vaddps', 'movsd', 'shl', 'push', 'ret', 'cmovl', 'imul', 'pext', 'nop'];
  const ops: unknown[] = [...JUNK, gp64[1], gp32[2], xmmRegs[3], new Mem(8, gp64[2]!, null, 1, 4, null), 5, 1n << 40n];
  for (let i = 0; i < n; i++) {
    const a = new Assembler();
    switch (r.int(0, 5)) {
      case 0: {
        const args = Array.from({ length: r.int(0, 4) }, () => r.pick(ops));
        const name = r.pick(names);
        attempt(rec, `${name}(${show(args)})`, () => (a as unknown as Record<string, (...x: unknown[]) => unknown>)[name]!.apply(a, args));
        break;
      }
      case 1: attempt(rec, 'bind twice', () => { const l = a.newLabel(); a.bind(l); a.bind(l); }); break;
      case 2: attempt(rec, 'foreign/unbound label', () => { const l = new Assembler().newLabel(); a.emitNamed('jmp', l); a.finish(); }); break;
      case 3: attempt(rec, 'align/nopN/embed(junk)', () => { const f = r.pick(['align', 'nopN', 'embed', 'constant']); (a as unknown as Record<string, (x: unknown) => unknown>)[f]!.call(a, r.pick(JUNK)); }); break;
      case 4: attempt(rec, 'jcc/setcc(junk)', () => a.jcc(r.pick(JUNK) as never, r.pick(JUNK) as never)); break;
      default: attempt(rec, 'lock/rep on wrong instruction', () => { a.lock(); a.emitNamed('mov', gp64[0]!, gp64[1]!); }); break;
    }
  }
}

function mutateText(r: Rng, text: string): string {
  let t = text;
  const edits = r.int(1, 4);
  for (let e = 0; e < edits; e++) {
    const at = r.int(0, Math.max(0, t.length - 1));
    switch (r.int(0, 6)) {
      case 0: t = t.slice(0, at) + t.slice(at + r.int(1, 20)); break;
      case 1: t = t.slice(0, at) + r.pick(['(', ')', '{', '}', ',', ':', '=', '%', 'v', 'block', ' ', '\n', '-', '+', '.', '9', '99999999999999999999', 'ss0', 'sig9', 'iconst', 'NaN', '\u0000', 'é']) + t.slice(at); break;
      case 2: t = t.slice(0, at); break;
      case 3: { const lines = t.split('\n'); const i = r.int(0, lines.length - 1), j = r.int(0, lines.length - 1); [lines[i], lines[j]] = [lines[j]!, lines[i]!]; t = lines.join('\n'); break; }
      case 4: { const lines = t.split('\n'); lines.splice(r.int(0, lines.length - 1), 1); t = lines.join('\n'); break; }
      case 5: t = t.replace(new RegExp(`\\b${r.pick(['i8', 'i16', 'i32', 'i64', 'f32', 'f64', 'ptr'])}\\b`), r.pick(['i8', 'i64', 'f64', 'ptr', 'i7'])); break;
      default: t = t.replace(/v(\d+)/, () => `v${r.int(0, 2000)}`);
    }
  }
  return t;
}

function fuzzParser(r: Rng, n: number, rec: Rec, seed: number): void {
  let base = printModule(generate(mixSeed(seed, 1), { maxHelpers: 1, regionSize: 4 }).module);
  for (let i = 0; i < n; i++) {
    if (i % 50 === 0) base = printModule(generate(mixSeed(seed, i + 2), { maxHelpers: 1, regionSize: 4 }).module);
    const t = mutateText(r, base);
    attempt(rec, 'parse(mutated)', () => {
      const m = parse(t);
      verifyModule(m);
      printModule(m);
    });
  }
}

function fuzzBuilder(r: Rng, n: number, rec: Rec): void {
  const methods = ['iadd', 'isub', 'fadd', 'icmp', 'fcmp', 'select', 'sext', 'zext', 'trunc', 'load', 'store', 'call', 'jump', 'brif', 'brTable',
    'return', 'trap', 'iconst', 'fconst', 'stackAddr', 'bitcast', 'fcvtToSint', 'ushr', 'block', 'switchTo', 'callIndirect', 'funcAddr', 'globalAddr', 'setLocation'];
  for (let i = 0; i < n; i += 20) {
    const m = new Module();
    const f = m.function('f', [Type.I32, Type.I64, Type.F64, Type.Ptr], [Type.I32]);
    const g = m.function('g', [Type.I32], [Type.I32]);
    const b: Builder = f.builder();
    const vals: unknown[] = [...b.params, 999, -1, 1.5, 'v0', g, { index: 0 }, Type.I32, Type.Invalid, 42 as Value];
    for (let k = 0; k < 20; k++) {
      const name = r.pick(methods);
      const args = Array.from({ length: r.int(0, 4) }, () => (r.chance(0.7) ? r.pick(vals) : r.pick(JUNK)));
      attempt(rec, `builder.${name}(${show(args)})`, () => {
        const v = (b as unknown as Record<string, (...x: unknown[]) => unknown>)[name]!.apply(b, args);
        if (typeof v === 'number') vals.push(v);
      });
    }
    attempt(rec, 'finish', () => b.finish());
    attempt(rec, 'module misuse', () => r.pick([() => m.function('f', []), () => m.function('bad name', []), () => m.import('x', [99 as Type]),
      () => m.addData('d', [1], { align: 3 }), () => m.getFunction('nope'), () => f.stackSlot(-1), () => new Module().function('h', []).builder().param(3),
      () => m.importData(r.pick(JUNK) as never), () => m.importData('f'), () => m.addFile(r.pick(JUNK) as never),
      () => m.location(r.pick(JUNK) as never, r.pick(JUNK) as never), () => m.addData('e', []).addReloc(0, m.importData('x'))])());
  }
}

function fuzzVerifier(r: Rng, n: number, rec: Rec, seed: number): void {
  for (let i = 0; i < n; i += 10) {
    const text = printModule(generate(mixSeed(seed, i + 77), { maxHelpers: 1, regionSize: 4 }).module);
    for (let k = 0; k < 10; k++) {
      const m = parse(text);
      const fs = m.functions();
      const f = r.pick(fs);
      const insts = f.blocks().flatMap((b) => f.insts(b));
      for (let e = r.int(1, 3); e > 0; e--) {
        const inst = r.pick(insts);
        switch (r.int(0, 6)) {
          case 0: f.removeInst(inst); break;
          case 1: if (f.instArgCount[inst]! > 0) f.setArg(inst, r.int(0, f.instArgCount[inst]! - 1), r.int(0, f.valueCount + 5) as Value); break;
          case 2: if (f.instDestCount[inst]! > 0) f.destBlock[f.dest(inst, 0)] = r.int(0, f.blockCount + 3); break;
          case 3: f.instImm[inst] = r.pick([-1, 0, 7, 1000, 2 ** 31 - 1]); break;
          case 4: f.instType[inst] = r.int(0, 9); break;
          case 5: f.instLoc[inst] = r.pick([-1, 1, 99999]); break;
          default: f.instOpcode[inst] = r.int(0, OPCODE_COUNT - 1);
        }
      }
      attempt(rec, `verify(corrupted ${f.name})`, () => {
        const errs = verifyModule(m);
        if (!Array.isArray(errs)) throw new TypeError('Cannot convert: verifyModule did not return a list');
        // Rejected IR counts as an expected error (most corruptions are caught).
        if (errs.length > 0) throw new Error(errs[0]);
      });
    }
  }
}

function fuzzCompile(r: Rng, n: number, rec: Rec, seed: number): void {
  for (let i = 0; i < n; i += 20) {
    const p = generate(mixSeed(seed, i + 99), { maxHelpers: 2, regionSize: 3 });
    attempt(rec, 'compile(junk)', () => compile(r.pick([null, undefined, {}, 5, new Module(), 'module']) as never, r.pick([undefined, {}, { opt: 3 }, { stackSize: -1 }, { resolve: 5 }]) as never));
    const ext = zeroedExternalData(p.module);
    const c = compile(p.module, { resolve: resolveExternalData(ext) });
    try {
      for (let k = 0; k < 19; k++) {
        const f = r.pick(p.module.functions());
        // Wrong types only for ptr parameters: an IR ptr is trusted memory (compiled
        // code does not bounds-check), so any address, and any buffer (of whatever
        // size), is a valid argument there; only non-pointers must be rejected.
        const args = Array.from({ length: r.chance(0.3) ? r.int(0, 12) : f.params.length }, (_, q) => {
          const v = r.pick(JUNK);
          const pointerLike = typeof v === 'bigint' || typeof v === 'number' || v === null || ArrayBuffer.isView(v) || v instanceof ArrayBuffer;
          return f.params[q] === Type.Ptr && pointerLike ? {} : v;
        });
        const name = r.chance(0.1) ? r.pick(['nope', '', '__proto__', 'constructor', 'toString']) : f.name;
        attempt(rec, `compiled %${name}(${show(args)})`, () => c.get(name)(...args));
      }
    } finally {
      c.free();
    }
    attempt(rec, 'call after free', () => c.get(p.module.functions()[0]!.name)(new Uint8Array(512), 0n, 0, 0, 0));
  }
}

/** Runs one category in this process (the child side). */
export function runApiCategory(category: ApiCategory, seed: number, count: number): Rec {
  const rec: Rec = { calls: 0, errors: 0, internal: [] };
  const r = new Rng(mixSeed(seed, API_CATEGORIES.indexOf(category) + 1000));
  switch (category) {
    case 'wrap': fuzzWrap(r, count, rec); break;
    case 'codemem': fuzzCodeMemory(r, count, rec); break;
    case 'asm': fuzzAssembler(r, count, rec); break;
    case 'parse': fuzzParser(r, count, rec, seed); break;
    case 'builder': fuzzBuilder(r, count, rec); break;
    case 'verify': fuzzVerifier(r, count, rec, seed); break;
    case 'compile': fuzzCompile(r, count, rec, seed); break;
    default: throw new Error(`api fuzz: unknown category ${String(category)}`);
  }
  return rec;
}

/** Runs `category` in a child process and reports what it saw (signals become `crash`). */
export function apiFuzz(category: ApiCategory, seed: number, count: number, timeoutMs = 60000): ApiFuzzResult {
  const file = fileURLToPath(import.meta.url);
  const res = spawnSync(process.execPath, [file, '--child', category, String(seed), String(count)], { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 << 20 });
  const line = res.stdout?.split('\n').find((l) => l.startsWith('{"calls"'));
  if (res.signal !== null || res.status !== 0 || line === undefined) {
    const why = res.signal !== null ? `killed by ${res.signal}${res.error ? ' (timeout)' : ''}` : `exit status ${res.status}`;
    return { category, calls: 0, errors: 0, internal: [], crash: `${category} seed ${seed}: ${why}: ${(res.stderr ?? '').trim().split('\n').slice(-5).join(' | ')}` };
  }
  const rec = JSON.parse(line) as Rec;
  return { category, ...rec, crash: '' };
}

// Child entry point.
if (process.argv[2] === '--child' && process.argv[1] === fileURLToPath(import.meta.url)) {
  // Self-test of crash detection: die the way a bad native call would.
  if (process.argv[3] === 'crash-selftest') process.kill(process.pid, 'SIGSEGV');
  const rec = runApiCategory(process.argv[3] as ApiCategory, Number(process.argv[4]), Number(process.argv[5]));
  // Distinct kinds only, to keep the report small.
  const internal = [...new Set(rec.internal)];
  process.stdout.write(JSON.stringify({ calls: rec.calls, errors: rec.errors, internal: internal.slice(0, 100) }) + '\n');
}
