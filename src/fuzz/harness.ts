/**
 * Differential harness: runs one program through several `Executor`s (the
 * interpreter first, as the reference) and compares what each observed:
 * results (floats bit for bit: NaN payloads and signs, -0 differs from +0),
 * trap kind, and the final contents of the buffer argument byte for byte.
 *
 *   Program --(copy of buffer, args)--> executor.load(module).call('main')
 *           --> Outcome { kind: return | trap | error, values, trap, buffer }
 *   compare(reference, other) --> '' or a description of the first difference
 *
 * Executors are pluggable (src/ir/filetest.ts's interface). Until the compiled
 * backend exists, `perturbedExecutor` (an interpreter with a deliberately wrong
 * `ushr`) shows that the harness detects a wrong executor.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  Func, Inst, Interpreter, Module, OPCODES, Opcode, ResultRule, TrapError, Type as IrType,
  parse, printModule, typeName,
} from '../ir/index.js';
import { interpreterExecutor, zeroedExternalData, type Executor, type ExternalData } from '../ir/filetest.js';
import { f32ToBits, f64ToBits, formatFloatBits } from '../ir/float-bits.js';
import { MAIN_PARAMS, generate, type GenOptions, type Program } from './generator.js';
import { reduce } from './reducer.js';
import { mixSeed } from './rng.js';
import { clockMs, processCpuMs, type BudgetClock } from '../util/cpu-time.js';

/** What one executor observed for one program. */
export interface Outcome {
  /** `return`: normal completion; `trap`: a trap with a name; `error`: any other exception. */
  readonly kind: 'return' | 'trap' | 'error';
  /** Results as a list (empty when none). */
  readonly values: readonly unknown[];
  /** Trap name (kind `trap`) or error message (kind `error`). */
  readonly detail: string;
  /** The buffer after the call. */
  readonly buffer: Uint8Array;
  /** The external data's buffers after the call (`zeroedExternalData`), by name. */
  readonly external: Readonly<Record<string, Uint8Array>>;
}

/** Runs `main` of a program on one executor. */
export function runOn(ex: Executor, module: Module, buffer: Uint8Array, args: readonly unknown[]): Outcome {
  const buf = buffer.slice();
  const external = zeroedExternalData(module);
  let loaded;
  try {
    loaded = ex.load(module, external);
  } catch (e) {
    return { kind: 'error', values: [], detail: `load: ${(e as Error)?.message ?? String(e)}`, buffer: buf, external };
  }
  try {
    const r = loaded.call('main', [buf, ...args]);
    const n = module.getFunction('main').results.length;
    const values = n === 0 ? [] : n === 1 ? [r] : (r as unknown[]);
    return { kind: 'return', values, detail: '', buffer: buf, external };
  } catch (e) {
    const trap = (e as { trap?: unknown })?.trap;
    if (typeof trap === 'string') return { kind: 'trap', values: [], detail: trap, buffer: buf, external };
    return { kind: 'error', values: [], detail: (e as Error)?.message ?? String(e), buffer: buf, external };
  } finally {
    loaded.dispose?.();
  }
}

function sameValue(a: unknown, b: unknown): boolean {
  // Bit for bit (the IR defines NaN bits); integers of i8..i32 compare equal this way too.
  if (typeof a === 'number' && typeof b === 'number') return f64ToBits(a) === f64ToBits(b);
  if ((typeof a === 'bigint' || typeof a === 'number') && (typeof b === 'bigint' || typeof b === 'number')) {
    return BigInt(a) === BigInt(b);
  }
  return a === b;
}

/**
 * Formats a value for messages and filetests (`-0.0`, `-NaN:0x5`, bigints without `n`); a float
 * argument of type `t` (f32 or f64) as a literal of that type.
 */
export function showValue(x: unknown, t: IrType = IrType.F64): string {
  if (typeof x === 'number') {
    if (Number.isInteger(x) && !Object.is(x, -0)) return String(x);
    return t === IrType.F32 ? formatFloatBits(t, f32ToBits(x)) : formatFloatBits(IrType.F64, f64ToBits(x));
  }
  return String(x);
}

/** Describes an outcome in one line. */
export function showOutcome(o: Outcome): string {
  if (o.kind === 'return') return `returns ${o.values.map((v) => showValue(v)).join(', ') || '(nothing)'}`;
  return o.kind === 'trap' ? `traps ${o.detail}` : `error: ${o.detail}`;
}

/** '' when the outcomes agree, else a description of the difference. */
export function compareOutcomes(ref: Outcome, got: Outcome): string {
  if (ref.kind !== got.kind) return `${showOutcome(ref)} vs ${showOutcome(got)}`;
  if (ref.kind === 'trap' && ref.detail !== got.detail) return `traps ${ref.detail} vs traps ${got.detail}`;
  if (ref.kind === 'error') return '';
  if (ref.values.length !== got.values.length || !ref.values.every((v, i) => sameValue(v, got.values[i]))) {
    return `${showOutcome(ref)} vs ${showOutcome(got)}`;
  }
  for (let i = 0; i < ref.buffer.length; i++) {
    if (ref.buffer[i] !== got.buffer[i]) return `buffer differs at byte ${i}: ${ref.buffer[i]} vs ${got.buffer[i]}`;
  }
  for (const [name, a] of Object.entries(ref.external)) {
    const b = got.external[name]!;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return `external data %${name} differs at byte ${i}: ${a[i]} vs ${b[i]}`;
  }
  return '';
}

/** The result of checking one program. */
export interface CheckResult {
  /** The reference outcome (first executor). */
  readonly reference: Outcome;
  /** One entry per differing executor: `name: description`. */
  readonly mismatches: readonly string[];
  /** Set when the reference itself failed with a non-trap error (a generator bug). */
  readonly referenceError: string;
}

/** Runs a module on every executor (the first is the reference) and compares. */
export function checkModule(executors: readonly Executor[], module: Module, buffer: Uint8Array, args: readonly unknown[]): CheckResult {
  const reference = runOn(executors[0]!, module, buffer, args);
  const mismatches: string[] = [];
  for (let i = 1; i < executors.length; i++) {
    const d = compareOutcomes(reference, runOn(executors[i]!, module, buffer, args));
    if (d !== '') mismatches.push(`${executors[i]!.name}: ${d}`);
  }
  return { reference, mismatches, referenceError: reference.kind === 'error' ? reference.detail : '' };
}

/** `checkModule` for a generated program. */
export function checkProgram(executors: readonly Executor[], p: Program): CheckResult {
  return checkModule(executors, p.module, p.buffer, p.args);
}

/** The reference executor. */
export const referenceExecutor: Executor = interpreterExecutor;

/**
 * An interpreter with a planted bug: `ushr` of a negative i32/i64 value shifts
 * arithmetically (as if a lowering picked `sar` instead of `shr`). Used to show
 * that the fuzzer, its reducer and its tests can fail.
 */
export function perturbedExecutor(): Executor {
  class Perturbed extends Interpreter {}
  const proto = Interpreter.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
  const shiftN = proto.shiftN!, shift64 = proto.shift64!;
  const p = Perturbed.prototype as unknown as Record<string, unknown>;
  // Opcode.UShr = 18, Opcode.SShr = 19, Type.I32 = 3 (const enums; see src/ir/opcodes.ts).
  p.shiftN = function (this: unknown, op: number, t: number, a: number, n: number): unknown {
    return shiftN.call(this, op === 18 && t === 3 && a < 0 && n !== 0 ? 19 : op, t, a, n);
  };
  p.shift64 = function (this: unknown, op: number, a: bigint, n: number): unknown {
    return shift64.call(this, op === 18 && a < 0n && n !== 0 ? 19 : op, a, n);
  };
  return {
    name: 'perturbed-interpreter',
    load(module: Module, data?: ExternalData) {
      const it = new Perturbed(module, { data });
      return { call: (name: string, args: readonly unknown[]) => it.call(name, args) };
    },
  };
}

export { TrapError };

// ---------------------------------------------------------------------------
// Fuzzing sessions over many programs.


/** The interpreter on a print -> parse copy of the module: a second, independent path to compare against. */
export const roundTripExecutor: Executor = {
  name: 'interpreter(print+parse)',
  load(module: Module, data?: ExternalData) {
    const text = printModule(module);
    const back = parse(text);
    // The text must also come back exactly (data items, locations, every instruction form).
    const again = printModule(back);
    if (again !== text) {
      const a = text.split('\n'), b = again.split('\n');
      let k = 0;
      while (a[k] === b[k]) k++;
      throw new Error(`print/parse round trip differs at line ${k + 1}: ${JSON.stringify(a[k])} became ${JSON.stringify(b[k])}`);
    }
    const it = new Interpreter(back, { data });
    return { call: (name: string, args: readonly unknown[]) => it.call(name, args) };
  },
};

/** `opcode` and `opcode.type` coverage key of an instruction. */
export function coverageKey(f: Func, inst: Inst): string {
  const op = f.instOpcode[inst] as Opcode;
  const info = OPCODES[op]!;
  let t = f.instType[inst] as IrType;
  if (info.result !== ResultRule.Ctrl && op !== Opcode.Store) {
    if (f.instArgCount[inst]! > 0 && op !== Opcode.Select && op !== Opcode.Call && op !== Opcode.CallIndirect && op !== Opcode.CallNative) t = f.typeOf(f.arg(inst, 0));
    else if (f.instResultCount[inst]! > 0) t = f.typeOf(f.result(inst, 0));
    else t = 0 as IrType;
  }
  return t === 0 ? info.name : `${info.name}.${typeName(t)}`;
}

/** Coverage counters: how often each opcode / opcode.type was generated and executed. */
export class Coverage {
  readonly generated = new Map<string, number>();
  readonly executed = new Map<string, number>();
  private add(map: Map<string, number>, key: string): void {
    map.set(key, (map.get(key) ?? 0) + 1);
    const op = key.split('.')[0]!;
    if (op !== key) map.set(op, (map.get(op) ?? 0) + 1);
  }
  /** Counts every instruction of `m` as generated. */
  addGenerated(m: Module): void {
    for (const f of m.functions()) for (const b of f.blocks()) for (const i of f.insts(b)) this.add(this.generated, coverageKey(f, i));
  }
  /** Runs `m` once more on an interpreter that records entered blocks; counts their instructions as executed. */
  addExecuted(m: Module, buffer: Uint8Array, args: readonly unknown[]): void {
    const lines: string[] = [];
    const hooks: string[] = [];
    let fn = '';
    for (const line of printModule(m).split('\n')) {
      lines.push(line);
      const fm = /^function %(\S+)\(/.exec(line);
      if (fm) fn = fm[1]!;
      const bm = /^block(\d+)[(:]/.exec(line);
      if (bm) { const h = `__cov_${fn}_${bm[1]}`; hooks.push(h); lines.push(`    call %${h}()`); }
    }
    const text = hooks.map((h) => `import %${h}()`).join('\n') + '\n' + lines.join('\n');
    const entered = new Set<string>();
    const imports = new Proxy({}, {
      get: (_t, name) => typeof name === 'string' && name.startsWith('__cov_') ? () => { entered.add(name); } : undefined,
      has: (_t, name) => typeof name === 'string' && name.startsWith('__cov_'),
    });
    try {
      const cm = parse(text);
      new Interpreter(cm, { imports, data: zeroedExternalData(cm) }).call('main', [buffer.slice(), ...args]);
    } catch { /* traps end the run; blocks entered so far count */ }
    for (const f of m.functions()) {
      for (const b of f.blocks()) {
        if (!entered.has(`__cov_${f.name}_${b}`)) continue;
        for (const i of f.insts(b)) this.add(this.executed, coverageKey(f, i));
      }
    }
  }
  /** Opcode names never generated / never executed. */
  missing(): { generated: string[]; executed: string[] } {
    const names = OPCODES.map((o) => o.name);
    return { generated: names.filter((n) => !this.generated.has(n)), executed: names.filter((n) => !this.executed.has(n)) };
  }
  /** A short report. */
  report(): string {
    const names = OPCODES.map((o) => o.name);
    const pairs = (m: Map<string, number>): number => [...m.keys()].filter((k) => k.includes('.')).length;
    const miss = this.missing();
    const lines = [
      `coverage: opcodes generated ${names.length - miss.generated.length}/${names.length}, executed ${names.length - miss.executed.length}/${names.length}; opcode.type pairs generated ${pairs(this.generated)}, executed ${pairs(this.executed)}`,
    ];
    if (miss.generated.length > 0) lines.push(`  never generated: ${miss.generated.join(' ')}`);
    if (miss.executed.length > 0) lines.push(`  never executed: ${miss.executed.join(' ')}`);
    const notExec = [...this.generated.keys()].filter((k) => k.includes('.') && !this.executed.has(k)).sort();
    if (notExec.length > 0) lines.push(`  opcode.type generated but not executed: ${notExec.join(' ')}`);
    return lines.join('\n');
  }
}

/** Options for `fuzzPrograms`. */
export interface FuzzOptions {
  /** Run seed. */
  seed: number;
  /** Executors; the first is the reference (default: interpreter vs print+parse interpreter). */
  executors?: readonly Executor[];
  /** Stop after this many programs. */
  programs?: number;
  /** Stop after this many milliseconds. */
  timeLimitMs?: number;
  /** How `timeLimitMs` and `reduceTimeMs` are measured (default `'wall'`; `'cpu'`: this process's CPU time). */
  clock?: BudgetClock;
  /** Generator options. */
  gen?: GenOptions;
  /** Record executed coverage for one program in this many (0 = never; default 0). */
  coverageEvery?: number;
  /** Coverage counters to fill. */
  coverage?: Coverage;
  /** Reduce mismatches and write them here (no writing when undefined). */
  outDir?: string;
  /** Reduce mismatching programs (default true). */
  reduce?: boolean;
  /** Time limit per reduction (default 30 s). */
  reduceTimeMs?: number;
  /** Stop after this many mismatches (default 5). */
  maxMismatches?: number;
  /** Progress/mismatch messages. */
  log?: (line: string) => void;
  /** First program number (default 0). */
  first?: number;
  /** Called before each program is generated (supervisor progress). */
  onProgram?: (n: number) => void;
  /** Called for each mismatch once it is reduced and written. */
  onMismatch?: (m: Mismatch) => void;
  /** Called before each candidate of a reduction is checked (supervisor progress). */
  onReduceProgress?: () => void;
}

/** One mismatch found by `fuzzPrograms`. */
export interface Mismatch {
  readonly seed: number;
  readonly description: string;
  /** Reduced program text (or the original when not reduced). */
  readonly reduced: string;
  /** Where it was written, if anywhere. */
  readonly file?: string;
}

/** Totals of a session. */
export interface FuzzStats {
  programs: number;
  traps: number;
  instructions: number;
  mismatches: Mismatch[];
  /** Reference failures other than traps (generator bugs). */
  generatorErrors: string[];
  /** Time taken, by the session's clock. */
  ms: number;
  /** CPU time this process spent on the session, in milliseconds. */
  cpuMs: number;
}

/** A `test run` filetest reproducing a program with its inputs and the reference outcome. */
export function reproducer(text: string, buffer: Uint8Array, args: readonly unknown[], ref: Outcome, note: string): string {
  const argText = [`u8[${Array.from(buffer).join(', ')}]`, ...args.map((a, i) => showValue(a, MAIN_PARAMS[i + 1]))].join(', ');
  const expect = ref.kind === 'return' ? (ref.values.length > 0 ? ` == ${ref.values.map((v) => showValue(v)).join(', ')}` : '') : ref.kind === 'trap' ? ` traps ${ref.detail}` : '';
  return `test run\n; ${note.split('\n').join('\n; ')}\n; run: main(${argText})${expect}\n\n${text.trim()}\n`;
}

/** Generates and checks programs until a limit; reduces and records mismatches. */
export function fuzzPrograms(o: FuzzOptions): FuzzStats {
  const executors = o.executors ?? [referenceExecutor, roundTripExecutor];
  const stats: FuzzStats = { programs: 0, traps: 0, instructions: 0, mismatches: [], generatorErrors: [], ms: 0, cpuMs: 0 };
  const clock = o.clock ?? 'wall', t0 = clockMs(clock), cpu0 = processCpuMs();
  const maxMismatches = o.maxMismatches ?? 5;
  const first = o.first ?? 0;
  for (let n = first; ; n++) {
    if (o.programs !== undefined && n >= first + o.programs) break;
    if (o.timeLimitMs !== undefined && clockMs(clock) - t0 >= o.timeLimitMs) break;
    if (stats.mismatches.length >= maxMismatches) break;
    o.onProgram?.(n);
    const seed = mixSeed(o.seed, n);
    let p: Program;
    try {
      p = generate(seed, o.gen);
    } catch (e) {
      stats.generatorErrors.push(`seed ${seed}: ${(e as Error).message.split('\n')[0]}`);
      continue;
    }
    stats.programs++;
    for (const f of p.module.functions()) stats.instructions += f.instCount;
    o.coverage?.addGenerated(p.module);
    if (o.coverage && o.coverageEvery && n % o.coverageEvery === 0) o.coverage.addExecuted(p.module, p.buffer, p.args);
    const r = checkProgram(executors, p);
    if (r.referenceError !== '') { stats.generatorErrors.push(`seed ${seed}: reference failed: ${r.referenceError}`); continue; }
    if (r.reference.kind === 'trap') stats.traps++;
    if (r.mismatches.length === 0) continue;
    const description = r.mismatches.join('; ');
    o.log?.(`mismatch: program seed ${seed}: ${description}`);
    let text = printModule(p.module);
    if (o.reduce !== false) {
      const before = text.split('\n').length;
      text = reduce(text, (m) => {
        const c = checkModule(executors, m, p.buffer, p.args);
        return c.referenceError === '' && c.mismatches.length > 0;
      }, { buffer: p.buffer, args: p.args, timeLimitMs: o.reduceTimeMs ?? 30000, clock, onProgress: o.onReduceProgress });
      o.log?.(`  reduced from ${before} to ${text.split('\n').length} lines`);
    }
    const m = parse(text);
    const c = checkModule(executors, m, p.buffer, p.args);
    const note = `fuzz: seed ${seed} (run seed ${o.seed}, program ${n}): ${c.mismatches.join('; ') || description}`;
    const file = o.outDir === undefined ? undefined : path.join(o.outDir, `mismatch-${seed}.ir`);
    if (file !== undefined) {
      fs.mkdirSync(o.outDir!, { recursive: true });
      fs.writeFileSync(file, reproducer(text, p.buffer, p.args, c.reference, note));
      o.log?.(`  written to ${file}`);
    }
    const mm: Mismatch = { seed, description, reduced: text, file };
    stats.mismatches.push(mm);
    o.onMismatch?.(mm);
  }
  stats.ms = clockMs(clock) - t0;
  stats.cpuMs = processCpuMs() - cpu0;
  return stats;
}
