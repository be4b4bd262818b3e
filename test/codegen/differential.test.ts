/**
 * Compiled == interpreted, for every instruction and type on boundary values.
 * Each case is one small IR function generated as text; the whole set is one
 * module compiled once. Traps must match by name; NaNs compare equal.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { Interpreter, parse } from '../../src/ir/index.js';
import { compile } from '../../src/codegen/compile.js';

const INT_TYPES = ['i8', 'i16', 'i32', 'i64'] as const;
const FLOAT_TYPES = ['f32', 'f64'] as const;
type IntT = (typeof INT_TYPES)[number];
const BITS: Record<string, number> = { i8: 8, i16: 16, i32: 32, i64: 64, f32: 32, f64: 64 };

function intValues(t: IntT): (number | bigint)[] {
  const w = BigInt(BITS[t]!);
  const min = -(1n << (w - 1n)), max = (1n << (w - 1n)) - 1n;
  const raw = [0n, 1n, -1n, 2n, -2n, 3n, 7n, min, max, min + 1n, max - 1n, w, w + 1n, 0x55n, -0x56n];
  return [...new Set(raw.map((v) => BigInt.asIntN(Number(w), v)))].map((v) => (t === 'i64' ? v : Number(v)));
}
const FLOATS = [0, -0, 1, -1, 0.5, -0.5, 1.5, 2.5, -2.5, 0.9, -0.9, 127.9, 128, -128.5, -129, 255.5, 256, 32767.5, 32768, -32769,
  2147483647, 2147483648, -2147483648, -2147483649, 4294967295, 4294967296, 2 ** 53 + 2, 2 ** 63, -(2 ** 63), 2 ** 64, 1e300,
  -1e300, 5e-324, 1.17549435e-38, 3.4028234663852886e38, NaN, Infinity, -Infinity, 0.1, 1 / 3];
function floatValues(t: string): number[] {
  return t === 'f32' ? [...new Set(FLOATS.map(Math.fround))] : FLOATS;
}
function valuesOf(t: string): (number | bigint)[] {
  return t === 'f32' || t === 'f64' ? floatValues(t) : intValues(t as IntT);
}

interface Case { name: string; params: string[]; text: string }
const cases: Case[] = [];
function unary(name: string, t: string, rt: string, body: string): void {
  cases.push({ name, params: [t], text: `function %${name}(${t}) -> ${rt} {\nblock0(v0: ${t}):\n    v1 = ${body}\n    return v1\n}\n` });
}
function binary(name: string, t: string, t2: string, rt: string, body: string): void {
  cases.push({ name, params: [t, t2], text: `function %${name}(${t}, ${t2}) -> ${rt} {\nblock0(v0: ${t}, v1: ${t2}):\n    v2 = ${body}\n    return v2\n}\n` });
}

for (const t of INT_TYPES) {
  for (const op of ['iadd', 'isub', 'imul', 'sdiv', 'udiv', 'srem', 'urem', 'band', 'bor', 'bxor', 'ishl', 'ushr', 'sshr', 'rotl', 'rotr']) {
    binary(`${op}_${t}`, t, t, t, `${op} v0, v1`);
  }
  for (const st of INT_TYPES) if (st !== t) for (const op of ['ishl', 'ushr', 'sshr', 'rotl']) binary(`${op}_${t}_by_${st}`, t, st, t, `${op} v0, v1`);
  for (const op of ['ineg', 'bnot', 'clz', 'ctz', 'popcnt']) unary(`${op}_${t}`, t, t, `${op} v0`);
  for (const cc of ['eq', 'ne', 'slt', 'sle', 'sgt', 'sge', 'ult', 'ule', 'ugt', 'uge']) binary(`icmp_${cc}_${t}`, t, t, 'i8', `icmp ${cc} v0, v1`);
  for (const to of INT_TYPES) {
    if (BITS[to]! > BITS[t]!) { unary(`sext_${t}_${to}`, t, to, `sext.${to} v0`); unary(`zext_${t}_${to}`, t, to, `zext.${to} v0`); }
    if (BITS[to]! < BITS[t]!) unary(`trunc_${t}_${to}`, t, to, `trunc.${to} v0`);
  }
  for (const ft of FLOAT_TYPES) {
    unary(`fcvt_from_sint_${t}_${ft}`, t, ft, `fcvt_from_sint.${ft} v0`);
    unary(`fcvt_from_uint_${t}_${ft}`, t, ft, `fcvt_from_uint.${ft} v0`);
    unary(`fcvt_to_sint_${ft}_${t}`, ft, t, `fcvt_to_sint.${t} v0`);
    unary(`fcvt_to_uint_${ft}_${t}`, ft, t, `fcvt_to_uint.${t} v0`);
  }
  // select on an int condition of this type, choosing ints and floats
  cases.push({ name: `select_${t}`, params: [t, 'i64', 'i64'], text: `function %select_${t}(${t}, i64, i64) -> i64 {\nblock0(v0: ${t}, v1: i64, v2: i64):\n    v3 = select v0, v1, v2\n    return v3\n}\n` });
  cases.push({ name: `fselect_${t}`, params: [t, 'f64', 'f64'], text: `function %fselect_${t}(${t}, f64, f64) -> f64 {\nblock0(v0: ${t}, v1: f64, v2: f64):\n    v3 = select v0, v1, v2\n    return v3\n}\n` });
  cases.push({ name: `brif_${t}`, params: [t], text: `function %brif_${t}(${t}) -> i32 {\nblock0(v0: ${t}):\n    brif v0, block1, block2\n\nblock1:\n    v1 = iconst.i32 1\n    return v1\n\nblock2:\n    v2 = iconst.i32 2\n    return v2\n}\n` });
  cases.push({ name: `br_table_${t}`, params: [t], text: `function %br_table_${t}(${t}) -> i32 {\nblock0(v0: ${t}):\n    br_table v0, block1, [block2, block3, block4]\n\nblock1:\n    v1 = iconst.i32 10\n    return v1\n\nblock2:\n    v2 = iconst.i32 20\n    return v2\n\nblock3:\n    v3 = iconst.i32 30\n    return v3\n\nblock4:\n    v4 = iconst.i32 40\n    return v4\n}\n` });
  // store/load round trip through a stack slot at every width
  cases.push({ name: `stack_${t}`, params: [t], text: `function %stack_${t}(${t}) -> ${t} {\n    ss0 = stack_slot 16, align 8\n\nblock0(v0: ${t}):\n    v1 = stack_addr ss0+3\n    store.${t} v0, v1\n    v2 = load.${t} v1\n    return v2\n}\n` });
}
for (const [op, w, rt] of [['sload8', 8, 'i32'], ['uload8', 8, 'i32'], ['sload16', 16, 'i64'], ['uload16', 16, 'i64'], ['sload32', 32, 'i64'], ['uload32', 32, 'i64'], ['sload8', 8, 'i64'], ['uload16', 16, 'i32']] as const) {
  const t = `i${w}`;
  cases.push({ name: `${op}_${rt}`, params: [t], text: `function %${op}_${rt}(${t}) -> ${rt} {\n    ss0 = stack_slot 8\n\nblock0(v0: ${t}):\n    v1 = stack_addr ss0\n    store.${t} v0, v1\n    v2 = ${op}.${rt} v1\n    return v2\n}\n` });
}
for (const t of FLOAT_TYPES) {
  for (const op of ['fadd', 'fsub', 'fmul', 'fdiv', 'fmin', 'fmax', 'fcopysign']) binary(`${op}_${t}`, t, t, t, `${op} v0, v1`);
  for (const op of ['fneg', 'fabs', 'fsqrt', 'ffloor', 'fceil', 'ftrunc', 'fnearest']) unary(`${op}_${t}`, t, t, `${op} v0`);
  for (const cc of ['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'uno', 'ord', 'ueq', 'une', 'ult', 'ule', 'ugt', 'uge']) binary(`fcmp_${cc}_${t}`, t, t, 'i8', `fcmp ${cc} v0, v1`);
  cases.push({ name: `fstack_${t}`, params: [t], text: `function %fstack_${t}(${t}) -> ${t} {\n    ss0 = stack_slot 8\n\nblock0(v0: ${t}):\n    v1 = stack_addr ss0\n    store.${t} v0, v1\n    v2 = load.${t} v1\n    return v2\n}\n` });
}
unary('fpromote', 'f32', 'f64', 'fpromote.f64 v0');
unary('fdemote', 'f64', 'f32', 'fdemote.f32 v0');
unary('bitcast_f32_i32', 'f32', 'i32', 'bitcast.i32 v0');
unary('bitcast_i32_f32', 'i32', 'f32', 'bitcast.f32 v0');
unary('bitcast_f64_i64', 'f64', 'i64', 'bitcast.i64 v0');
unary('bitcast_i64_f64', 'i64', 'f64', 'bitcast.f64 v0');
unary('bitcast_i64_ptr', 'i64', 'ptr', 'bitcast.ptr v0');
binary('iadd_ptr', 'ptr', 'i64', 'ptr', 'iadd v0, v1');
binary('isub_ptr', 'ptr', 'i64', 'ptr', 'isub v0, v1');
for (const t of [...INT_TYPES, ...FLOAT_TYPES]) cases.push({ name: `const_${t}`, params: [], text: '' });

function constCases(): string {
  let s = '';
  for (const t of INT_TYPES) {
    const vals = intValues(t);
    s += `function %const_${t}() -> ${vals.map(() => t).join(', ')} {\nblock0:\n`;
    vals.forEach((v, k) => { s += `    v${k} = iconst.${t} ${v}\n`; });
    s += `    return ${vals.map((_, k) => `v${k}`).join(', ')}\n}\n`;
  }
  for (const t of FLOAT_TYPES) {
    const vals = [0, -0, 1.5, -2.25, NaN, Infinity, -Infinity, 1e-300, 0.1];
    const show = (x: number): string => Number.isNaN(x) ? 'NaN' : x === Infinity ? 'Inf' : x === -Infinity ? '-Inf' : Object.is(x, -0) ? '-0.0' : String(x);
    s += `function %const_${t}() -> ${vals.map(() => t).join(', ')} {\nblock0:\n`;
    vals.forEach((v, k) => { s += `    v${k} = fconst.${t} ${show(v)}\n`; });
    s += `    return ${vals.map((_, k) => `v${k}`).join(', ')}\n}\n`;
  }
  return s;
}

const PTRS = [0n, 1n, 0x7fff_ffff_ffffn, -1n];
function argSets(params: string[]): unknown[][] {
  if (params.length === 0) return [[]];
  const lists = params.map((t) => (t === 'ptr' ? PTRS : valuesOf(t)));
  if (params.length === 1) return lists[0]!.map((x) => [x]);
  if (params.length === 2) return lists[0]!.flatMap((x) => lists[1]!.map((y) => [x, y]));
  // select: condition x a few pairs
  return lists[0]!.flatMap((c) => [[c, lists[1]![1], lists[2]![2]], [c, lists[1]![5], lists[2]![0]]]);
}

function same(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => same(x, b[i]));
  if (typeof a === 'number' && typeof b === 'number') return Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));
  return a === b;
}
function run(fn: () => unknown): unknown {
  try { return fn(); } catch (e) { const t = (e as { trap?: string }).trap; if (t === undefined) throw e; return `trap ${t}`; }
}

test('compiled == interpreted for every instruction and type on boundary values', () => {
  const text = cases.map((c) => c.text).join('\n') + constCases();
  const m = parse(text);
  const interp = new Interpreter(m);
  const compiled = compile(m);
  let checked = 0;
  const failures: string[] = [];
  try {
    for (const c of cases) {
      const fn = compiled.get(c.name);
      for (const args of argSets(c.params)) {
        const want = run(() => interp.call(c.name, args));
        const got = run(() => fn(...args));
        checked++;
        if (!same(got, want)) failures.push(`${c.name}(${args.map(String).join(', ')}): compiled ${String(got)}, interpreted ${String(want)}`);
      }
    }
  } finally {
    compiled.free();
  }
  assert.equal(failures.slice(0, 30).join('\n'), '');
  assert.ok(checked > 10000, `only ${checked} checks`);
  console.log(`# ${cases.length} cases, ${checked} checks`);
});
