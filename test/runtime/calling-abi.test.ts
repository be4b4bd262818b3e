/**
 * ABI conformance of `wrap`: gcc-compiled C functions of many signatures check
 * every argument they receive bit for bit and return a known value of every
 * result type (gen.ts). Called with checkStackAlignment, through the generated
 * wrappers and the generic path.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { wrap, type NativeType } from '../../src/index.js';
import { abiLibrary } from './abi/lib.js';
import { abiCases, expectedResult, jsArgument, randomValue, Rng, type AbiCase, type JsValue } from './abi/gen.js';

const lib = abiLibrary();
const lastError = lib.func('jk_abi_last_error', { args: [], result: 'i32' });
const cases = abiCases();

function show(v: unknown): string {
  return typeof v === 'bigint' ? `${v}n` : Object.is(v, -0) ? '-0' : String(v);
}

function describeCase(c: AbiCase): string {
  return `${c.name}(${c.args.map((t, i) => `${i === c.fixedArgs ? '...' : ''}${t}=${show(c.values[i])}`).join(', ')}) -> ${c.result}`;
}

function wrapCase(c: AbiCase, generic: boolean) {
  const sig = { args: c.args, result: c.result as NativeType, fixedArgs: c.fixedArgs };
  return wrap(lib.symbol(c.name), sig, { name: c.name, checkStackAlignment: true, generic });
}

function runCases(generic: boolean) {
  const r = new Rng(generic ? 2 : 1);
  let calls = 0;
  for (const c of cases) {
    const f = wrapCase(c, generic);
    const args: JsValue[] = c.args.map((t, i) => jsArgument(r, t, c.values[i]!));
    const got = f(...args);
    const err = lastError();
    assert.equal(err, 0, `${describeCase(c)}: C saw argument ${err - 1} wrong (args passed: ${args.map(show).join(', ')})`);
    assert.ok(Object.is(got, expectedResult(c.result, c.resultValue)) || (typeof got === 'bigint' && got === expectedResult(c.result, c.resultValue)),
      `${describeCase(c)}: result ${show(got)}, expected ${show(expectedResult(c.result, c.resultValue))}`);
    calls++;
  }
  return calls;
}

test('every generated C case receives its arguments and returns its result exactly (generated wrappers)', () => {
  assert.ok(runCases(false) >= 250);
});

test('the same through the generic (no code generation) path', () => {
  assert.ok(runCases(true) >= 250);
});

test('the coverage the cases promise: every type as argument and result, stack arguments, variadic calls', () => {
  const argTypes = new Set(cases.flatMap((c) => c.args));
  const resultTypes = new Set(cases.map((c) => c.result));
  assert.equal(argTypes.size, 12);
  assert.equal(resultTypes.size, 13);
  const ints = (c: AbiCase) => c.args.filter((t) => t !== 'f32' && t !== 'f64').length;
  const floats = (c: AbiCase) => c.args.filter((t) => t === 'f32' || t === 'f64').length;
  assert.ok(cases.filter((c) => ints(c) > 6).length >= 10, 'many cases pass integers on the stack');
  assert.ok(cases.filter((c) => floats(c) > 8).length >= 5, 'several pass floats on the stack');
  assert.ok(cases.filter((c) => ints(c) > 6 && floats(c) > 8).length >= 3, 'some pass both on the stack');
  const variadic = cases.filter((c) => c.fixedArgs !== undefined);
  assert.ok(variadic.filter((c) => c.args.slice(c.fixedArgs).some((t) => t === 'f64')).length >= 20, 'variadic calls with doubles (AL matters)');
  assert.ok(variadic.filter((c) => c.args.length - c.fixedArgs! > 8).length >= 5, 'variadic calls with stack arguments');
  assert.ok(cases.some((c) => c.args.length >= 16 && c.args.length <= 16));
});

test('the C checks can fail: a changed argument is reported by index, for every case with arguments', () => {
  const r = new Rng(3);
  let checked = 0;
  for (const c of cases) {
    if (c.args.length === 0) continue;
    const j = r.int(c.args.length);
    const t = c.args[j]!;
    let v = c.values[j]!;
    for (let tries = 0; tries < 50 && (Object.is(v, c.values[j]) || v === c.values[j]); tries++) v = t === 'bool' ? !c.values[j] : randomValue(r, t);
    if (Object.is(v, c.values[j]) || v === c.values[j]) continue;
    const f = wrapCase(c, false);
    const args: JsValue[] = c.values.map((x, i) => (i === j ? v : x));
    f(...args);
    // The C side stops at the first mismatch; earlier arguments are right.
    assert.equal(lastError(), j + 1, `${describeCase(c)} with argument ${j} = ${show(v)}`);
    checked++;
  }
  assert.ok(checked >= 250, `checked ${checked}`);
});

test('narrow and exact results named in the issue', () => {
  const r = (result: NativeType, v: JsValue) => {
    const c = cases.find((x) => x.args.length === 0 && x.result === result && x.resultValue === v)!;
    assert.ok(c, `a case returning ${result} ${show(v)}`);
    return wrapCase(c, false)();
  };
  assert.equal(r('i8', -5), -5);
  assert.equal(r('u16', 65535), 65535);
  assert.equal(r('bool', true), true);
  assert.equal(r('bool', false), false);
  assert.equal(r('f32', Math.fround(0.1)), 0.10000000149011612);
  assert.equal(r('i16', -1), -1);
  assert.equal(r('u8', 255), 255);
  assert.equal(r('u32', 4294967295), 4294967295);
  assert.equal(r('i32', -2147483648), -2147483648);
  assert.equal(r('u64', 2n ** 64n - 1n), 18446744073709551615n);
  assert.equal(r('ptr', 2n ** 64n - 16n), 18446744073709551600n);
});

test('a variadic function reading its arguments by a type string (libc-style va_arg)', () => {
  const r = new Rng(9);
  const codes: Record<string, string> = { i32: 'i', u32: 'u', i64: 'l', u64: 'L', ptr: 'p', f64: 'd' };
  const types = Object.keys(codes) as Array<'i32' | 'u32' | 'i64' | 'u64' | 'ptr' | 'f64'>;
  for (let n = 0; n <= 20; n++) {
    const ts = Array.from({ length: n }, () => r.pick(types));
    const values = ts.map((t) => randomValue(r, t));
    const f = wrap(lib.symbol('jk_vhash'), { args: ['ptr', ...ts], result: 'u64', fixedArgs: 1 }, { checkStackAlignment: true });
    const got = f(Buffer.from(ts.map((t) => codes[t]).join('') + '\0'), ...values);
    // Oracle: the same hash over the 64-bit patterns, computed with bigints.
    let h = 7n;
    ts.forEach((t, i) => {
      const v = values[i]!;
      const bits = t === 'f64' ? new BigUint64Array(new Float64Array([v as number]).buffer)[0]! : BigInt.asUintN(64, BigInt(v as number | bigint));
      h = BigInt.asUintN(64, h * 1000003n + bits);
    });
    assert.equal(got, h, `jk_vhash(${ts.join(',')})`);
  }
});

test('pointer arguments: Buffer, typed arrays with offsets, DataView and ArrayBuffer reach C as their data', () => {
  const sum = lib.func('jk_sum_bytes', { args: ['ptr', 'u64'], result: 'u64' }, { checkStackAlignment: true });
  const bytes = Uint8Array.from({ length: 64 }, (_, i) => (i * 37 + 11) & 255);
  const oracle = (u: Uint8Array) => u.reduce((s, b, i) => s + BigInt(b) * BigInt(i + 1), 0n);
  const ab = bytes.slice().buffer;
  assert.equal(sum(ab, 64), oracle(bytes));
  assert.equal(sum(new Uint8Array(ab, 5, 20), 20), oracle(bytes.subarray(5, 25)));
  assert.equal(sum(new DataView(ab, 9), 30n), oracle(bytes.subarray(9, 39)));
  assert.equal(sum(new Uint32Array(ab, 8, 4), 16), oracle(bytes.subarray(8, 24)));
  assert.equal(sum(Buffer.from(bytes.subarray(3, 10)), 7), oracle(bytes.subarray(3, 10)));
  assert.equal(sum(null, 0), 0n);
});
