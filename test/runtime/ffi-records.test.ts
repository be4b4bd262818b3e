/**
 * Records by value against gcc (test/runtime/abi/records.ts generates the types, values and
 * C functions): layouts, JS -> C (arguments and results), C -> JS (callbacks receiving and
 * returning records), checked leaf by leaf and bit for bit on the C side, and the checks
 * shown able to fail.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Library, array, callback, decode, fnptr, type NativeSignatureSpec, type RecordType, type ValueType } from '../../src/frontends/ffi/index.js';
import { classifyRecord } from '../../src/codegen/x64/sysv.js';
import { buildLibrary } from './ffi/build.js';
import { ffiType, leaves, recordCases, recordSource, sameValue, type Desc, type RecordCase, type Value } from './abi/records.js';
import { randomValue, Rng, type ArgType } from './abi/gen.js';

const { gen, cases } = recordCases();
const lib = Library.open(buildLibrary('jkrec', { 'records.c': recordSource(gen, cases) }, '-O0'));
const recError = lib.func('rec_error', { args: [], result: 'i32' });
const types = new Map<Desc, ValueType>();
const typeOf = (d: Desc) => ffiType(d, types);

function signature(c: RecordCase): NativeSignatureSpec {
  return { args: c.args.map(typeOf), result: c.result === null ? 'void' : typeOf(c.result) };
}

function show(v: unknown): string {
  return JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? `${x}n` : Object.is(x, -0) ? '-0' : x));
}

test('every record layout (size, alignment, field offsets) is gcc\'s', () => {
  for (const d of gen.records) {
    const t = typeOf(d) as RecordType;
    const ordinary = t.fields.filter((f) => f.bitWidth < 0);
    const got = decode(array('u32', 2 + ordinary.length), lib.symbol(`rec_layout_${d.name}`));
    assert.deepEqual(got, [t.size, t.align, ...ordinary.map((f) => f.offset)], `${d.name}: ${t.key}`);
  }
  assert.ok(gen.records.length >= 300, `${gen.records.length} record types`);
});

test('JS -> C: every case receives its records and scalars exactly and returns its record', () => {
  for (const c of cases) {
    const f = lib.func(`rec_${c.index}`, signature(c));
    const got = f(...(c.argValues as unknown[]));
    const err = recError();
    assert.equal(err, 0, `rec_${c.index}: C saw argument ${Math.floor((err - 1) / 10000)} leaf ${(err - 1) % 10000} wrong; args ${show(c.argValues)}`);
    if (c.result !== null) assert.ok(sameValue(c.result, c.resultValue!, got), `rec_${c.index}: result ${show(got)}, expected ${show(c.resultValue)}`);
  }
});

test('C -> JS: every case as a callback receives its arguments exactly, and C receives its result', () => {
  for (const c of cases) {
    const sig = signature(c);
    const wrong: string[] = [];
    const cb = callback((...args: unknown[]) => {
      c.args.forEach((d, i) => { if (!sameValue(d, c.argValues[i]!, args[i])) wrong.push(`argument ${i}: ${show(args[i])}, expected ${show(c.argValues[i])}`); });
      return c.resultValue as never;
    }, sig);
    const code = lib.func(`rec_call_${c.index}`, { args: [fnptr(sig)], result: 'i32' })(cb);
    cb.free();
    assert.deepEqual(wrong, [], `rec_call_${c.index}`);
    assert.equal(code, 0, `rec_call_${c.index}: C saw leaf ${code - 1} of the result wrong (${show(c.resultValue)})`);
  }
});

test('the same through fn.async (pool threads)', async () => {
  const some = cases.filter((c) => c.index % 6 === 0);
  const results = await Promise.all(some.map((c) => lib.func(`rec_${c.index}`, signature(c)).async(...(c.argValues as unknown[]))));
  some.forEach((c, k) => { if (c.result !== null) assert.ok(sameValue(c.result, c.resultValue!, results[k]), `rec_${c.index} async`); });
});

test('the C checks can fail: a changed leaf is reported by argument and leaf', () => {
  const r = new Rng(7);
  let checked = 0;
  for (const c of cases) {
    const i = c.args.findIndex((d) => d.k === 'record');
    if (i < 0) continue;
    const ls = leaves(c.args[i]!, c.argValues[i]!, '');
    const j = r.int(ls.length);
    const [, t, v, isBits] = ls[j]!;
    if (isBits || t === 'bool') continue; // bit-field and bool ranges: a random other value may not fit
    let w: Value = v;
    for (let k = 0; k < 20 && (Object.is(w, v) || w === v); k++) w = randomValue(r, t as ArgType) as Value;
    if (Object.is(w, v) || w === v) continue;
    const values = c.argValues.slice() as Value[];
    values[i] = replaceLeaf(c.args[i]!, values[i]!, j, w);
    lib.func(`rec_${c.index}`, signature(c))(...(values as unknown[]));
    assert.equal(recError(), i * 10000 + j + 1, `rec_${c.index}: leaf ${j} of argument ${i} changed to ${show(w)}`);
    checked++;
  }
  assert.ok(checked >= 100, `checked ${checked}`);
});

test('coverage: every classification, in registers and on the stack', () => {
  const kinds = new Set<string>();
  let stack = 0;
  for (const c of cases) {
    let ints = 0, sses = 0;
    for (const d of c.args) {
      if (d.k === 'scalar') { if (d.t === 'f32' || d.t === 'f64') sses++; else ints++; continue; }
      if (d.k !== 'record') continue;
      const t = typeOf(d) as RecordType;
      const cls = classifyRecord(t.abi);
      kinds.add(cls === null ? 'memory' : cls.join(''));
      if (cls === null || ints + cls.filter((x) => x === 0).length > 6 || sses + cls.filter((x) => x === 1).length > 8) stack++;
      else { ints += cls.filter((x) => x === 0).length; sses += cls.filter((x) => x === 1).length; }
    }
  }
  // 0 = INTEGER, 1 = SSE: one and two eightbytes of every combination, and memory.
  for (const k of ['0', '1', '00', '01', '10', '11', 'memory']) assert.ok(kinds.has(k), `a record classified ${k}`);
  assert.ok(stack >= 40, `${stack} records passed on the stack`);
  const records = gen.records;
  assert.ok(records.filter((d) => d.packed).length >= 20);
  assert.ok(records.filter((d) => d.union).length >= 20);
  assert.ok(records.filter((d) => d.fields.some((f) => f.bits > 0)).length >= 20);
  assert.ok(records.filter((d) => d.fields.some((f) => f.desc.k === 'array')).length >= 20);
  assert.ok(records.filter((d) => d.fields.some((f) => f.desc.k === 'record')).length >= 20);
});

/** `v` with its leaf number `j` (in `leaves` order) replaced by `w`. */
function replaceLeaf(d: Desc, v: Value, j: number, w: Value): Value {
  let k = 0;
  const walk = (d: Desc, v: Value): Value => {
    if (d.k === 'scalar') return k++ === j ? w : v;
    if (d.k === 'array') return (v as Value[]).map((e) => walk(d.elem, e));
    const o = v as { [key: string]: Value };
    const out: { [key: string]: Value } = {};
    for (const f of d.fields) if (f.name in o) out[f.name] = walk(f.desc, o[f.name]!);
    return out;
  };
  return walk(d, v);
}
