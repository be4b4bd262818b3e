/**
 * The reference interpreter catches the undefined behaviour compiled code
 * would crash on (the fuzzer decides from it which programs are safe to run
 * compiled): accesses past a stack slot into the next one, past a data object,
 * lengths of -1 for the libc built-ins; and its `pow` is C's (special cases of
 * C11 F.10.4.4, other results correctly rounded), checked against the C library.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Interpreter, TrapError, parse } from '../../src/ir/index.js';
import { cPow } from '../../src/ir/pow.js';
import { symbol, wrap } from '../../src/index.js';

const M = parse(`data %a = { 01 02 03 04 05 06 07 08 }
data %b = { 11 12 13 14 15 16 17 18 }
import %memcmp(ptr, ptr, i64) -> i32
import %memcpy(ptr, ptr, i64) -> ptr
import %memset(ptr, i32, i64) -> ptr
import %pow(f64, f64) -> f64

function %past_slot(i64) -> i64 {
    ss0 = stack_slot 8, align 8
    ss1 = stack_slot 64, align 8

block0(v0: i64):
    v1 = stack_addr ss0
    v2 = stack_addr ss1
    store.i64 v0, v2+48
    v3 = iadd v1, v0
    v4 = load.i64 v3
    return v4
}

function %past_data(i64) -> i64 {
block0(v0: i64):
    v1 = global_addr %a
    v2 = iadd v1, v0
    v3 = load.i64 v2
    return v3
}

function %calls(i32, i64) -> i32 {
block0(v0: i32, v1: i64):
    v2 = global_addr %a
    v3 = global_addr %b
    br_table v0, block3, [block1, block2]

block1:
    v4 = call %memcmp(v2, v3, v1)
    return v4

block2:
    v5 = call %memcpy(v2, v3, v1)
    v6 = iconst.i32 0
    return v6

block3:
    v7 = iconst.i32 0
    v8 = call %memset(v2, v7, v1)
    return v7
}

function %power(f64, f64) -> f64 {
block0(v0: f64, v1: f64):
    v2 = call %pow(v0, v1)
    return v2
}

function %dangling() -> ptr {
    ss0 = stack_slot 8, align 8

block0:
    v0 = stack_addr ss0
    return v0
}

function %deref(ptr) -> i64 {
block0(v0: ptr):
    v1 = load.i64 v0
    return v1
}
`);

function trap(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof TrapError, String(e));
    return e.trap;
  }
  return 'no trap';
}

test('a load 56 bytes past an 8-byte stack slot traps heap_oob, even where another slot lies', () => {
  const it = new Interpreter(M);
  assert.equal(it.call('past_slot', [0n]), 0n);
  assert.equal(trap(() => it.call('past_slot', [56n])), 'heap_oob');
  assert.equal(trap(() => it.call('past_slot', [8n])), 'heap_oob', 'one past the end');
  assert.equal(trap(() => it.call('past_slot', [-8n])), 'heap_oob', 'before the start');
  // A stack address outlives its call: using it afterwards traps too.
  const p = it.call('dangling', []) as bigint;
  assert.equal(trap(() => it.call('deref', [p])), 'heap_oob');
});

test('reads past a data object never reach the next one, whatever the offset', () => {
  const it = new Interpreter(M);
  assert.equal(it.call('past_data', [0n]), 0x0807060504030201n);
  for (const off of [8n, 1n, 16n, 1n << 32n, (1n << 32n) - 8n, 1n << 39n, -8n]) {
    assert.equal(trap(() => it.call('past_data', [off])), 'heap_oob', `offset ${off}`);
  }
});

test('memcmp, memcpy and memset with length -1 (SIZE_MAX) trap heap_oob', () => {
  const it = new Interpreter(M);
  for (const which of [0, 1, 2]) {
    assert.equal(trap(() => it.call('calls', [which, -1n])), 'heap_oob', `built-in ${which}`);
    assert.equal(it.call('calls', [which, 0n]), 0);
  }
  assert.equal(it.call('calls', [0, 8n]), -1);
});

const cLibraryPow = wrap(symbol('pow'), { args: ['f64', 'f64'], result: 'f64' });
const SPECIAL = [0, -0, 1, -1, 0.5, -0.5, 2, -2, 3, -3, 1.5, -1.5, Infinity, -Infinity, NaN, 2 ** 53, -(2 ** 53), 2 ** 53 + 2,
  1e-310, -1e-310, 1e308, 0.1, 1024, -1075, 1023.5];

test('pow: every C11 special case (pow(1, NaN), pow(-1, ±Inf), signed zeros and infinities) equals C\'s pow', () => {
  const it = new Interpreter(M);
  for (const x of SPECIAL) {
    for (const y of SPECIAL) {
      const want = cLibraryPow(x, y) as number;
      assert.ok(Object.is(cPow(x, y), want), `pow(${x}, ${y}) = ${cPow(x, y)}, C says ${want}`);
      assert.ok(Object.is(it.call('power', [x, y]), want));
    }
  }
  assert.equal(it.call('power', [1, NaN]), 1);
  assert.equal(it.call('power', [-1, Infinity]), 1);
});

test('pow: ordinary arguments are correctly rounded; C agrees but where its own rounding is off by one ulp', () => {
  let seed = 12345;
  const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const bits = new DataView(new ArrayBuffer(8));
  let differ = 0, n = 0;
  for (let i = 0; i < 20000; i++) {
    let x: number, y: number;
    if (i % 3 === 0) {
      bits.setUint32(0, next() * 2 ** 32); bits.setUint32(4, next() * 2 ** 32); x = bits.getFloat64(0);
      bits.setUint32(0, (next() * 2 ** 32) & 0x40ffffff); bits.setUint32(4, next() * 2 ** 32); y = bits.getFloat64(0);
    } else {
      x = next() * 20 - 10;
      y = i % 3 === 1 ? Math.round(next() * 60 - 30) : next() * 40 - 20;
    }
    const a = cPow(x, y), b = cLibraryPow(x, y) as number;
    n++;
    if (Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b))) continue;
    differ++;
    // Then both are finite neighbours (one ulp apart).
    bits.setFloat64(0, a);
    const ua = bits.getBigUint64(0);
    bits.setFloat64(0, b);
    const ub = bits.getBigUint64(0);
    assert.ok(ua - ub === 1n || ub - ua === 1n, `pow(${x}, ${y}): ${a} vs C ${b}`);
  }
  assert.ok(differ <= n / 1000, `${differ} of ${n} differ from C's pow`);
  // Exact powers, including ones midway between two doubles (ties go to even).
  assert.equal(cPow(3, 40), 3 ** 40);
  assert.equal(cPow(2 ** 27 - 1, 2), 18014398241046528); // (2^27-1)^2 = 2^54 - 2^28 + 1: a tie, to even
  assert.equal(cPow(2, -1074), 5e-324);
  assert.equal(cPow(2, -1075), 0, 'exactly half the smallest subnormal: ties to even (0)');
  assert.equal(cPow(2, 1024), Infinity);
  assert.equal(cPow(10, 308.5), Infinity);
  assert.equal(cPow(0.5, 1074.5), 5e-324, '2^-1074.5 is above half the smallest subnormal');
  assert.equal(cPow(0.5, 1075.5), 0);
});
