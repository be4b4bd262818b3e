/**
 * ABI conformance cases, shared by the C generator and the JS tests: a seeded
 * list of signatures, a known value for every argument and result, and the C
 * source that checks them. The C side compares bit patterns (floats through
 * memcpy), so the oracle is gcc's own calling convention, not jitkit's plan.
 *
 * Terms: a *case* is one C function with fixed expected arguments; a *callee
 * case* is a signature whose jitted implementations C harnesses call.
 */
import type { NativeType } from '../../../src/index.js';

/** Argument types (every NativeType except void). */
export type ArgType = Exclude<NativeType, 'void'>;
/** All argument types. */
export const ARG_TYPES: readonly ArgType[] = ['i8', 'i16', 'i32', 'i64', 'u8', 'u16', 'u32', 'u64', 'f32', 'f64', 'bool', 'ptr'];
/** All result types. */
export const RESULT_TYPES: readonly NativeType[] = [...ARG_TYPES, 'void'];
/** Types a variadic argument may have (already promoted). */
export const VARIADIC_TYPES: readonly ArgType[] = ['i32', 'u32', 'i64', 'u64', 'f64', 'ptr'];

/** A JS value passed to or returned by a wrapped function. */
export type JsValue = number | bigint | boolean | null | undefined;

/** Small deterministic PRNG (mulberry32). */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  /** Uniform 32-bit unsigned integer. */
  u32(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor((this.u32() / 4294967296) * n);
  }
  /** Uniform 64-bit unsigned bigint. */
  u64(): bigint {
    return (BigInt(this.u32()) << 32n) | BigInt(this.u32());
  }
  /** One element of `xs`. */
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  /** True with probability p. */
  chance(p: number): boolean {
    return this.u32() / 4294967296 < p;
  }
}

/** Integer ranges of the integer types (bool and ptr excluded). */
export const INT_RANGE: Partial<Record<NativeType, readonly [bigint, bigint]>> = {
  i8: [-128n, 127n], i16: [-32768n, 32767n], i32: [-(2n ** 31n), 2n ** 31n - 1n], i64: [-(2n ** 63n), 2n ** 63n - 1n],
  u8: [0n, 255n], u16: [0n, 65535n], u32: [0n, 2n ** 32n - 1n], u64: [0n, 2n ** 64n - 1n],
};

const F64_EDGES = [0, -0, Infinity, -Infinity, 5e-324, -5e-324, 2.2250738585072014e-308, 2.225073858507201e-308, Number.MAX_VALUE, -Number.MIN_VALUE, 1, -1, 0.1, Math.PI];
const F32_EDGES = [0, -0, Infinity, -Infinity, 1.401298464324817e-45, -1.401298464324817e-45, 1.1754942106924411e-38, 1.1754943508222875e-38, 3.4028234663852886e38, -3.4028234663852886e38, 1, -1.5, Math.fround(0.1)];

const f64Scratch = new DataView(new ArrayBuffer(8));

/** Bits of a double as a bigint. */
export function f64Bits(x: number): bigint {
  f64Scratch.setFloat64(0, x, true);
  return f64Scratch.getBigUint64(0, true);
}
/** Bits of a float (x must be f32-representable) as a number. */
export function f32Bits(x: number): number {
  f64Scratch.setFloat32(0, x, true);
  return f64Scratch.getUint32(0, true);
}
/** A double from its bits. */
export function f64FromBits(b: bigint): number {
  f64Scratch.setBigUint64(0, b, true);
  return f64Scratch.getFloat64(0, true);
}
/** A float from its bits. */
export function f32FromBits(b: number): number {
  f64Scratch.setUint32(0, b, true);
  return f64Scratch.getFloat32(0, true);
}

/** A random non-NaN double, mixing edge cases, random bit patterns and plain values. */
function randomF64(r: Rng, finite: boolean): number {
  for (;;) {
    const k = r.int(4);
    const x = k === 0 ? r.pick(F64_EDGES) : k === 1 ? f64FromBits(r.u64()) : k === 2 ? (r.u32() - 2147483648) / 256 : r.int(2001) - 1000;
    if (!Number.isNaN(x) && (!finite || Number.isFinite(x))) return x;
  }
}
function randomF32(r: Rng, finite: boolean): number {
  for (;;) {
    const k = r.int(4);
    const x = k === 0 ? r.pick(F32_EDGES) : k === 1 ? f32FromBits(r.u32()) : k === 2 ? Math.fround((r.u32() - 2147483648) / 64) : r.int(2001) - 1000;
    if (!Number.isNaN(x) && (!finite || Number.isFinite(x))) return x;
  }
}

/**
 * A random value of `t` as the canonical oracle value: numbers for <= 32-bit
 * integers and floats, bigints for 64-bit integers and pointers, booleans for bool.
 * Pointers stay below 2^53 (what `wrap` accepts as an address).
 */
export function randomValue(r: Rng, t: ArgType, finite = false): number | bigint | boolean {
  switch (t) {
    case 'bool': return r.chance(0.5);
    case 'f64': return randomF64(r, finite);
    case 'f32': return randomF32(r, finite);
    case 'ptr': {
      const k = r.int(4);
      return k === 0 ? 0n : k === 1 ? 2n ** 53n - 1n : r.u64() & (2n ** 47n - 1n);
    }
    default: {
      const [lo, hi] = INT_RANGE[t]!;
      const k = r.int(5);
      let v: bigint;
      if (k === 0) v = lo;
      else if (k === 1) v = hi;
      else if (k === 2) v = r.pick([0n, 1n, -1n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 53n + 1n, -(2n ** 53n) + 1n, -(2n ** 53n) - 1n, 0x80n, 0x8000n, 0x80000000n]);
      else v = BigInt.asUintN(64, r.u64());
      // Reduce into the type's range with its own wrap-around.
      const bits = t === 'i8' || t === 'u8' ? 8 : t === 'i16' || t === 'u16' ? 16 : t === 'i32' || t === 'u32' ? 32 : 64;
      v = t[0] === 'i' ? BigInt.asIntN(bits, v) : BigInt.asUintN(bits, v);
      return bits === 64 ? v : Number(v);
    }
  }
}

/** How a value is handed to `wrap`'s JS function (64-bit safe integers sometimes as numbers; null for pointer 0). */
export function jsArgument(r: Rng, t: ArgType, v: number | bigint | boolean): JsValue {
  if ((t === 'i64' || t === 'u64') && typeof v === 'bigint' && v >= -(2n ** 53n) + 1n && v <= 2n ** 53n - 1n && r.chance(0.5)) return Number(v);
  if (t === 'ptr' && v === 0n && r.chance(0.5)) return null;
  return v;
}

/** The C type of a native type. */
export function cType(t: NativeType): string {
  switch (t) {
    case 'i8': return 'int8_t';
    case 'i16': return 'int16_t';
    case 'i32': return 'int32_t';
    case 'i64': return 'int64_t';
    case 'u8': return 'uint8_t';
    case 'u16': return 'uint16_t';
    case 'u32': return 'uint32_t';
    case 'u64': return 'uint64_t';
    case 'f32': return 'float';
    case 'f64': return 'double';
    case 'bool': return 'bool';
    case 'ptr': return 'void *';
    case 'void': return 'void';
  }
}

/** A C expression of type `t` with value `v`. */
export function cLiteral(t: ArgType, v: number | bigint | boolean): string {
  switch (t) {
    case 'bool': return v ? 'true' : 'false';
    case 'f64': return `jk_f64(UINT64_C(0x${f64Bits(v as number).toString(16)}))`;
    case 'f32': return `jk_f32(UINT32_C(0x${f32Bits(v as number).toString(16)}))`;
    case 'ptr': return `((void *)(uintptr_t)UINT64_C(${v}))`;
    case 'i64': return v === -(2n ** 63n) ? 'INT64_MIN' : `INT64_C(${v})`;
    case 'u64': return `UINT64_C(${v})`;
    default: return `((${cType(t)})(${v}LL))`;
  }
}

/** A C condition that is true when `expr` (of type t) differs from `v`, bit for bit for floats. */
export function cDiffers(t: ArgType, expr: string, v: number | bigint | boolean): string {
  switch (t) {
    case 'f64': return `jk_f64_bits(${expr}) != UINT64_C(0x${f64Bits(v as number).toString(16)})`;
    case 'f32': return `jk_f32_bits(${expr}) != UINT32_C(0x${f32Bits(v as number).toString(16)})`;
    case 'ptr': return `(uintptr_t)(${expr}) != (uintptr_t)UINT64_C(${v})`;
    case 'bool': return `${expr} != ${v ? 'true' : 'false'}`;
    default: return `${expr} != ${cLiteral(t, v)}`;
  }
}

/** The JS value a wrapped function must return for a C result `v` of type t. */
export function expectedResult(t: NativeType, v: number | bigint | boolean | undefined): JsValue {
  if (t === 'void') return undefined;
  if (t === 'ptr' || t === 'u64') return BigInt.asUintN(64, v as bigint);
  return v as JsValue;
}

/** One C function with fixed expected argument values. */
export interface AbiCase {
  readonly name: string;
  readonly args: readonly ArgType[];
  readonly result: NativeType;
  /** For variadic cases: how many args are fixed. */
  readonly fixedArgs?: number;
  readonly values: ReadonlyArray<number | bigint | boolean>;
  readonly resultValue: number | bigint | boolean | undefined;
}

function makeCase(r: Rng, name: string, args: readonly ArgType[], result: NativeType, fixedArgs?: number): AbiCase {
  const values = args.map((t) => randomValue(r, t));
  const resultValue = result === 'void' ? undefined : randomValue(r, result);
  return { name, args, result, fixedArgs, values, resultValue };
}

/** The seeded list of C conformance cases (fixed shapes first, then random ones). */
export function abiCases(seed = 0x1abc): AbiCase[] {
  const r = new Rng(seed);
  const cases: AbiCase[] = [];
  const add = (args: readonly ArgType[], result: NativeType, fixedArgs?: number) =>
    cases.push(makeCase(r, `${fixedArgs === undefined ? 'abi' : 'abiv'}_${cases.length}`, args, result, fixedArgs));
  const addFixed = (args: readonly ArgType[], result: NativeType, values: Array<number | bigint | boolean>, resultValue: number | bigint | boolean | undefined) =>
    cases.push({ name: `abi_${cases.length}`, args, result, values, resultValue });
  // Narrow and exact results named in the issue.
  addFixed([], 'i8', [], -5);
  addFixed([], 'u16', [], 65535);
  addFixed([], 'bool', [], true);
  addFixed([], 'bool', [], false);
  addFixed([], 'f32', [], Math.fround(0.1));
  addFixed([], 'i16', [], -1);
  addFixed([], 'u8', [], 255);
  addFixed([], 'u32', [], 4294967295);
  addFixed([], 'i32', [], -2147483648);
  addFixed([], 'u64', [], 2n ** 64n - 1n);
  addFixed([], 'ptr', [], 2n ** 64n - 16n);
  addFixed(['i8', 'u8', 'i16', 'u16', 'bool'], 'i8', [-1, 255, -32768, 65535, true], -128);
  for (const t of RESULT_TYPES) add([], t); // every result type, no arguments
  for (const t of ARG_TYPES) {
    add([t], 'i32');
    add([t], t); // every type both ways
  }
  const ints: ArgType[] = ['i8', 'i16', 'i32', 'i64', 'u8', 'u16', 'u32', 'u64', 'bool', 'ptr'];
  add(Array(16).fill('i64'), 'i64');
  add(Array(16).fill('f64'), 'f64');
  add(Array(16).fill('f32'), 'f32');
  add(Array.from({ length: 16 }, (_, i) => (i % 2 ? 'f64' : 'i32')), 'u32');
  add(Array.from({ length: 16 }, (_, i) => ARG_TYPES[i % ARG_TYPES.length]!), 'i16');
  add([...Array(6).fill('i64'), ...Array(8).fill('f64')], 'u8'); // registers exactly full
  add([...Array(7).fill('i8'), ...Array(9).fill('f32')], 'i8'); // one more of each: both go to the stack
  add(Array.from({ length: 12 }, (_, i) => ints[i % ints.length]!), 'u16'); // narrow ints on the stack
  add(Array.from({ length: 24 }, (_, i) => (i % 3 === 0 ? 'f32' : i % 3 === 1 ? 'u8' : 'f64')), 'f64');
  add(Array.from({ length: 20 }, (_, i) => (i % 2 ? 'f64' : 'i64')), 'i64'); // both spill, interleaved
  add(Array.from({ length: 22 }, (_, i) => (i % 2 ? 'f32' : 'u16')), 'f32');
  add(Array.from({ length: 30 }, (_, i) => ARG_TYPES[(i * 5) % ARG_TYPES.length]!), 'ptr');
  add(Array.from({ length: 40 }, (_, i) => ARG_TYPES[(i * 7) % ARG_TYPES.length]!), 'u64');
  for (let i = 0; i < 160; i++) {
    const n = r.int(17);
    add(Array.from({ length: n }, () => r.pick(ARG_TYPES)), r.pick(RESULT_TYPES));
  }
  // Float-heavy: more than 8 vector arguments spill to the stack between integer ones.
  for (let i = 0; i < 20; i++) {
    const n = 9 + r.int(8);
    add(Array.from({ length: n }, () => (r.chance(0.7) ? r.pick(['f32', 'f64'] as const) : r.pick(ARG_TYPES))), r.pick(RESULT_TYPES));
  }
  // Variadic: 1..3 fixed arguments of any type, 0..14 promoted variadic ones.
  for (let i = 0; i < 50; i++) {
    const fixed = 1 + r.int(3);
    const nv = r.int(15);
    const args = [...Array.from({ length: fixed }, () => r.pick(ARG_TYPES)), ...Array.from({ length: nv }, () => r.pick(VARIADIC_TYPES))];
    add(args, r.pick(RESULT_TYPES), fixed);
  }
  return cases;
}

/** The va_arg type of a variadic argument. */
function vaType(t: ArgType): string {
  return cType(t);
}

/**
 * C source of one case: checks each argument in order; on the first mismatch
 * sets jk_abi_error to (index + 1) and returns a zero result; otherwise sets it
 * to 0 and returns the expected result value.
 */
export function caseSource(c: AbiCase): string {
  const fixed = c.fixedArgs ?? c.args.length;
  const params = c.args.slice(0, fixed).map((t, i) => `${cType(t)} a${i}`);
  if (c.fixedArgs !== undefined) params.push('...');
  const fail = (i: number) => `{ jk_abi_error = ${i + 1};${c.fixedArgs !== undefined ? ' va_end(ap);' : ''} return${c.result === 'void' ? '' : ` (${cType(c.result)})0`}; }`;
  const lines = [`JK_EXPORT ${cType(c.result)} ${c.name}(${params.length ? params.join(', ') : 'void'}) {`];
  if (c.fixedArgs !== undefined) lines.push(`  va_list ap; va_start(ap, a${fixed - 1});`);
  c.args.forEach((t, i) => {
    if (i >= fixed) lines.push(`  ${cType(t)} a${i} = va_arg(ap, ${vaType(t)});`);
    lines.push(`  if (${cDiffers(t, `a${i}`, c.values[i]!)}) ${fail(i)}`);
  });
  if (c.fixedArgs !== undefined) lines.push('  va_end(ap);');
  lines.push('  jk_abi_error = 0;');
  if (c.result !== 'void') lines.push(`  return ${cLiteral(c.result, c.resultValue!)};`);
  lines.push('}');
  return lines.join('\n');
}

/** A signature whose jitted implementations C code calls with known arguments. */
export interface CalleeCase {
  readonly name: string;
  readonly args: readonly ArgType[];
  readonly values: ReadonlyArray<number | bigint | boolean>;
}

/** The seeded list of callee signatures (stack arguments and mixed int/float orders included). */
export function calleeCases(seed = 0xca11): CalleeCase[] {
  const r = new Rng(seed);
  const shapes: ArgType[][] = [
    ['i32'],
    ['f64'],
    ['i8', 'u8', 'i16', 'u16', 'bool'],
    Array.from({ length: 10 }, (_, i) => ARG_TYPES[i]!),
    Array.from({ length: 12 }, (_, i) => ARG_TYPES[(i * 5) % 12]!),
    [...Array(8).fill('i64'), ...Array(10).fill('f64')],
    Array.from({ length: 20 }, (_, i) => (i % 2 ? 'f32' : 'i16')),
    ['f32', 'f64', 'f32', 'f64', 'f32', 'f64', 'f32', 'f64', 'f32', 'f64', 'i8', 'u16'],
  ];
  for (let i = 0; i < 16; i++) shapes.push(Array.from({ length: 1 + r.int(16) }, () => r.pick(ARG_TYPES)));
  return shapes.map((args, i) => ({ name: `jk_callee_${i}`, args, values: args.map((t) => randomValue(r, t, true)) }));
}

/** The i64 checksum a jitted callee computes: sum of (k+1) * extend(arg k) over integer-class args, wrapping. */
export function intChecksum(c: CalleeCase): bigint {
  let s = 0n;
  c.args.forEach((t, k) => {
    if (t === 'f32' || t === 'f64') return;
    const v = c.values[k]!;
    const x = typeof v === 'boolean' ? (v ? 1n : 0n) : BigInt(v as number | bigint);
    s = BigInt.asIntN(64, s + BigInt(k + 1) * x);
  });
  return s;
}

/** The f64 checksum: 0 + each float-class argument (as double), in order. */
export function floatChecksum(c: CalleeCase): number {
  let s = 0;
  c.args.forEach((t, k) => {
    if (t === 'f32' || t === 'f64') s += c.values[k] as number;
  });
  return s;
}

/**
 * C harnesses for one callee case: `<name>_ret<k>(fp)` calls fp as
 * `T_k (*)(T_0, ..., T_n-1)` and returns 0 if it got argument k back, else 1;
 * `<name>_isum(fp)` / `<name>_fsum(fp)` check the two checksums.
 */
export function calleeSource(c: CalleeCase): string {
  const argList = c.args.map(cType).join(', ');
  const callArgs = c.args.map((t, i) => cLiteral(t, c.values[i]!)).join(', ');
  const out: string[] = [];
  c.args.forEach((t, k) => {
    out.push(`JK_EXPORT int ${c.name}_ret${k}(void *fp) {
  ${cType(t)} r = ((${cType(t)} (*)(${argList}))fp)(${callArgs});
  return (${cDiffers(t, 'r', c.values[k]!)}) ? 1 : 0;
}`);
  });
  const fsum = floatChecksum(c);
  out.push(`JK_EXPORT int ${c.name}_isum(void *fp) {
  int64_t r = ((int64_t (*)(${argList}))fp)(${callArgs});
  return r != ${cLiteral('i64', intChecksum(c))} ? 1 : 0;
}
JK_EXPORT int ${c.name}_fsum(void *fp) {
  double r = ((double (*)(${argList}))fp)(${callArgs});
  return (${cDiffers('f64', 'r', fsum)}) ? 1 : 0;
}`);
  return out.join('\n');
}

/** Prelude shared by the generated sources. */
export const C_PRELUDE = `#include <stdint.h>
#include <stdbool.h>
#include <stdarg.h>
#include <string.h>
#define JK_EXPORT __attribute__((visibility("default"), noinline))
static inline double jk_f64(uint64_t b) { double x; memcpy(&x, &b, 8); return x; }
static inline float jk_f32(uint32_t b) { float x; memcpy(&x, &b, 4); return x; }
static inline uint64_t jk_f64_bits(double x) { uint64_t b; memcpy(&b, &x, 8); return b; }
static inline uint32_t jk_f32_bits(float x) { uint32_t b; memcpy(&b, &x, 4); return b; }
`;

/** The whole generated C file: error cell, all conformance cases and all callee harnesses. */
export function generatedSource(): string {
  return [
    C_PRELUDE,
    'static int jk_abi_error = -1;',
    'JK_EXPORT int jk_abi_last_error(void) { int e = jk_abi_error; jk_abi_error = -1; return e; }',
    ...abiCases().map(caseSource),
    ...calleeCases().map(calleeSource),
  ].join('\n');
}
