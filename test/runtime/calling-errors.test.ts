/**
 * Bad input to wrapped functions: wrong argument counts, wrong types and
 * out-of-range values for every type, detached buffers, freed code. Each is a
 * TypeError or RangeError naming the function and the argument, thrown before
 * any native code runs (a C counter shows the callee never ran).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CodeMemory, NativeSignature, symbol, wrap, type NativeType } from '../../src/index.js';
import { abiLibrary } from './abi/lib.js';
import { returnArg } from './abi/jit.js';
import type { ArgType } from './abi/gen.js';

const lib = abiLibrary();
const bumps = lib.func('jk_bumps', { args: [], result: 'i32' });
const TYPES: ArgType[] = ['i8', 'i16', 'i32', 'i64', 'u8', 'u16', 'u32', 'u64', 'f32', 'f64', 'bool', 'ptr'];
const NAMES = TYPES.map((t) => `the_${t}`);
const GOOD: unknown[] = [-1, -1, -1, -1n, 1, 1, 1, 1n, 1.5, 1.5, true, null];

type Bad = [value: unknown, kind: typeof TypeError | typeof RangeError];
const T = TypeError;
const R = RangeError;
const notNumbers: Bad[] = [['1', T], [1n, T], [null, T], [undefined, T], [true, T], [{}, T]];
const BAD: Record<ArgType, Bad[]> = {
  i8: [[128, R], [-129, R], [1.5, T], [NaN, T], [Infinity, T], ...notNumbers],
  i16: [[32768, R], [-32769, R], [0.5, T], ...notNumbers],
  i32: [[2 ** 31, R], [-(2 ** 31) - 1, R], [-0.5, T], [-Infinity, T], ...notNumbers.filter(([v]) => typeof v !== 'bigint')],
  i64: [[2n ** 63n, R], [-(2n ** 63n) - 1n, R], [2 ** 53, R], [-(2 ** 53), R], [1.5, T], [NaN, T], ['1', T], [null, T], [undefined, T], [false, T]],
  u8: [[256, R], [-1, R], [2.5, T], ...notNumbers],
  u16: [[65536, R], [-1, R], ...notNumbers],
  u32: [[2 ** 32, R], [-1, R], [1e-9, T], ...notNumbers],
  u64: [[2n ** 64n, R], [-1n, R], [-1, R], [2 ** 53, R], [0.5, T], ['0', T], [null, T]],
  f32: [['1.5', T], [1n, T], [null, T], [undefined, T], [false, T]],
  f64: [['1.5', T], [1n, T], [null, T], [undefined, T], [{ valueOf: () => 1 }, T]],
  bool: [[1, T], [0, T], ['true', T], [null, T], [undefined, T], [1n, T]],
  ptr: [[1, T], [0, T], ['x', T], [{}, T], [undefined, T], [true, T], [[1, 2], T],
    // Regression: out-of-range bigint addresses were TypeErrors, and the 2^53 error omitted the argument name.
    [-1n, R], [2n ** 64n, R], [2n ** 53n, R], [2n ** 63n, R]],
};

for (const generic of [false, true]) {
  const f = lib.func('jk_bump_all', { args: TYPES, result: 'i32' }, { argNames: NAMES, generic, checkStackAlignment: true });

  test(`every type rejects wrong types (TypeError) and out-of-range values (RangeError), naming function and argument${generic ? ' (generic)' : ''}`, () => {
    const before = bumps();
    let checked = 0;
    TYPES.forEach((t, i) => {
      for (const [value, kind] of BAD[t]) {
        const args = [...GOOD];
        args[i] = value;
        assert.throws(() => f(...args), (e: Error) => {
          assert.equal(e.constructor, kind, `${t} given ${String(value)}: ${e.message}`);
          assert.ok(e.message.startsWith(`jk_bump_all: argument ${i} (the_${t})`), e.message);
          return true;
        });
        checked++;
      }
    });
    assert.equal(bumps(), before, 'the C function never ran');
    assert.ok(checked >= 90);
    // The control: good arguments do run it.
    assert.equal(f(...GOOD), before + 1);
  });

  test(`wrong argument counts are TypeErrors naming the function${generic ? ' (generic)' : ''}`, () => {
    const before = bumps();
    for (const n of [0, 11, 13, 24]) {
      const args = Array.from({ length: n }, (_, i) => GOOD[i % GOOD.length]);
      assert.throws(() => f(...args), { name: 'TypeError', message: `jk_bump_all: expected 12 arguments, got ${n}` });
    }
    const none = lib.func('jk_bump', { args: [] }, { generic });
    // (Reflect.apply: the wrong counts are compile errors against the typed signature.)
    assert.throws(() => Reflect.apply(none, undefined, [1]), { name: 'TypeError', message: 'jk_bump: expected 0 arguments, got 1' });
    assert.throws(() => Reflect.apply(none, undefined, [undefined]), TypeError);
    assert.equal(bumps(), before);
  });

  test(`a detached ArrayBuffer is a TypeError naming the argument, also when its address was seen before${generic ? ' (generic)' : ''}`, () => {
    const sum = lib.func('jk_sum_bytes', { args: ['ptr', 'u64'], result: 'u64' }, { argNames: ['data', 'n'], generic });
    const ab = new ArrayBuffer(16);
    const view = new Uint8Array(ab, 4);
    view.fill(1);
    assert.equal(sum(view, 3), 6n); // caches the address
    structuredClone(ab, { transfer: [ab] });
    assert.equal(ab.byteLength, 0);
    // Regression: a DataView over a detached buffer threw V8's own TypeError, naming neither function nor argument.
    const dataView = new DataView(new ArrayBuffer(8), 2);
    structuredClone(dataView.buffer, { transfer: [dataView.buffer as ArrayBuffer] });
    const another = new ArrayBuffer(8);
    structuredClone(another, { transfer: [another] });
    for (const arg of [ab, view, another, dataView]) {
      assert.throws(() => sum(arg, 3), { name: 'TypeError', message: 'jk_sum_bytes: argument 0 (data): the ArrayBuffer is detached' });
    }
  });

  test(`a freed CodeHandle throws before the (int3-filled) code could run${generic ? ' (generic)' : ''}`, () => {
    const memory = new CodeMemory();
    const code = returnArg(memory, ['i32'], 0);
    const g = wrap(code, { args: ['i32'], result: 'i32' }, { generic });
    assert.equal(g(7), 7);
    code.free();
    // Reaching the freed bytes would kill this process with SIGTRAP.
    assert.throws(() => g(7), (e: NodeJS.ErrnoException) => e.code === 'ERR_JITKIT_CODE_FREED' && /cannot call code 'ret0' .*: it was freed/.test(e.message));
    // Argument errors still come first for a bad count: nothing native runs either way.
    assert.throws(() => Reflect.apply(g, undefined, []), TypeError);
    // Code whose whole memory was disposed (unmapped) is refused the same way.
    const other = new CodeMemory();
    const h = wrap(returnArg(other, ['i32'], 0), { args: ['i32'], result: 'i32' }, { generic });
    assert.equal(h(9), 9);
    other.dispose();
    assert.throws(() => h(9), { code: 'ERR_JITKIT_CODE_FREED' });
  });
}

test('wrap and NativeSignature reject bad targets and signatures', () => {
  assert.throws(() => lib.symbol('jk_no_such_function'), /dlsym failed/);
  assert.throws(() => lib.symbol(''), TypeError);
  assert.throws(() => wrap(0n, { args: [] }), RangeError);
  assert.throws(() => wrap(2n ** 64n, { args: [] }), RangeError);
  assert.throws(() => wrap(4096 as unknown as bigint, { args: [] }), TypeError);
  assert.throws(() => new NativeSignature({ args: ['void'] }), /argument 0 has type "void"/);
  assert.throws(() => new NativeSignature({ args: ['int' as NativeType] }), TypeError);
  assert.throws(() => new NativeSignature({ args: [], result: 'float' as NativeType }), TypeError);
  assert.throws(() => new NativeSignature({ args: ['ptr', 'f32'], fixedArgs: 1 }), /variadic argument 1 has type f32; C promotes it, declare it as f64/);
  assert.throws(() => new NativeSignature({ args: ['ptr', 'i8'], fixedArgs: 1 }), /declare it as i32/);
  assert.throws(() => new NativeSignature({ args: ['ptr'], fixedArgs: 2 }), RangeError);
  assert.throws(() => new NativeSignature({ args: Array(256).fill('i32') }), RangeError);
  // Regression: holes in a sparse args array skipped validation and became `undefined` types.
  // eslint-disable-next-line no-sparse-arrays
  assert.throws(() => new NativeSignature({ args: [, 'i32'] as unknown as NativeType[] }), /argument 0 has type undefined/);
  assert.throws(() => new NativeSignature({ args: Array(3) as NativeType[] }), TypeError);
});

test('NativeSignature names a bigint or symbol type without an internal error (API fuzzer)', () => {
  assert.throws(() => new NativeSignature({ args: [1n] as unknown as NativeType[] }), { name: 'TypeError', message: 'NativeSignature: argument 0 has type 1n; expected one of i8 i16 i32 i64 u8 u16 u32 u64 f32 f64 bool ptr str str16 or an FFI type (struct, union, pointer, handle, fnptr)' });
  assert.throws(() => new NativeSignature({ args: [Symbol('s')] as unknown as NativeType[] }), { name: 'TypeError', message: 'NativeSignature: argument 0 has type Symbol(s); expected one of i8 i16 i32 i64 u8 u16 u32 u64 f32 f64 bool ptr str str16 or an FFI type (struct, union, pointer, handle, fnptr)' });
  assert.throws(() => new NativeSignature({ args: [], result: 1n as unknown as NativeType }), { name: 'TypeError', message: 'NativeSignature: result type 1n is not a native type' });
});

test('a buffer smaller than the signature declares is a RangeError before the call (both wrapper paths)', () => {
  const spec = { args: ['ptr', 'i32', 'u64'], result: 'ptr', bufferSizes: [16] } as const;
  for (const generic of [false, true]) {
    const memset = wrap(symbol('memset'), spec, { name: 'memset', argNames: ['dst'], generic });
    const ok = Buffer.alloc(16);
    memset(ok, 7, 16n);
    assert.equal(ok[15], 7);
    const guard = Buffer.alloc(32, 1);
    for (const [small, bytes] of [[Buffer.alloc(15), 15], [guard.subarray(20), 12], [new DataView(new ArrayBuffer(8)), 8], [new ArrayBuffer(4), 4]] as const) {
      assert.throws(() => memset(small, 0, 64n), { name: 'RangeError', message: `memset: argument 0 (dst): the buffer has ${bytes} bytes; this function needs at least 16` });
    }
    assert.deepEqual([...guard], new Array(32).fill(1), 'no native code ran');
    assert.equal(memset(null, 0, 0n), 0n, 'null is not checked');
  }
  assert.throws(() => wrap(symbol('memset'), { args: ['ptr', 'i32', 'u64'], bufferSizes: [undefined, 4] }), /bufferSizes\[1\] is given, but argument 1 is not a ptr/);
  assert.throws(() => wrap(symbol('memset'), { args: ['ptr', 'i32', 'u64'], bufferSizes: [-1] }), RangeError);
});
