/**
 * FFI types in calls from JS to C (gcc-built ffi-lib.c): records by value in and out,
 * strings in and out, pointers to JS values, out and in-out parameters, handles, and the
 * errors for wrong values.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Library, array, handle, inout, out, pointer, struct, encode, decode, readCString, addressOf, memoryAt, Handle,
} from '../../src/frontends/ffi/index.js';
import { ffiLibraryPath } from './ffi/build.js';

const lib = Library.open(ffiLibraryPath());
const vec2 = struct({ x: 'f64', y: 'f64' }, { name: 'vec2' });

test('strings in and out: UTF-8 and UTF-16, null, empty, NUL rejected, long strings', () => {
  const strlen = lib.func('ffi_strlen', { args: ['str'], result: 'i64' });
  assert.equal(strlen('héllo'), 6n);
  assert.equal(strlen(''), 0n);
  assert.equal(strlen(null), -1n);
  const long = 'x'.repeat(300_000) + 'é'; // larger than the arena: its own buffer
  assert.equal(strlen(long), 300_002n);
  assert.throws(() => strlen('a\0b'), { name: 'TypeError', message: /ffi_strlen: argument 0 must be a string without NUL characters/ });
  assert.throws(() => strlen(3 as unknown as string), { name: 'TypeError', message: 'ffi_strlen: argument 0 must be a string or null, got 3' });
  const greeting = lib.func('ffi_greeting', { args: ['i32'], result: 'str' });
  assert.equal(greeting(1), 'héllo, wörld');
  assert.equal(greeting(0), null);
  assert.equal(greeting(2), '');
  assert.equal(lib.func('ffi_strlen16', { args: ['str16'], result: 'u64' })('h\u00e9llo \u{1F600}'), 8n);
  assert.equal(lib.func('ffi_greeting16', { args: [], result: 'str16' })(), 'h\u00e9llo \u{1F600}');
  const concat = lib.func('ffi_concat', { args: ['str', 'str', 'ptr', 'i32'], result: 'i32' });
  const buf = Buffer.alloc(32);
  assert.equal(concat('ab', 'çd', buf, 32), 5);
  assert.equal(buf.toString('utf8', 0, 5), 'abçd');
  assert.equal(readCString(addressOf(buf)), 'abçd');
});

test('out and in-out parameters: boxes, record objects updated in place, arrays, memory', () => {
  const divmod = lib.func('ffi_divmod', { args: ['i32', 'i32', out('i32'), out('i32')] });
  const q: [number?] = [undefined], r: [number?] = [undefined];
  divmod(17, 5, q, r);
  assert.deepEqual([q[0], r[0]], [3, 2]);
  const qs = new Int32Array(1), rs = new Int32Array(1);
  divmod(-17, 5, qs, rs); // memory passes straight through
  assert.deepEqual([qs[0], rs[0]], [-3, -2]);
  assert.throws(() => divmod(1, 1, 5 as unknown as [number], r), { name: 'TypeError', message: /ffi_divmod: argument 2 must be memory, an address, null, or a one-element array \[value\] to fill, got 5/ });
  const scale = lib.func('ffi_scale', { args: [inout(vec2), 'f64'] });
  const v = { x: 1.5, y: -2 };
  scale(v, 4);
  assert.deepEqual(v, { x: 6, y: -8 });
  const boxed: [{ x: number; y: number }] = [{ x: 1, y: 2 }];
  scale(boxed, 0.5);
  assert.deepEqual(boxed[0], { x: 0.5, y: 1 });
  const fill = lib.func('ffi_fill', { args: [out(array('i32', 5)), 'i32'] });
  const xs = [0, 0, 0, 0, 0];
  fill(xs, 5);
  assert.deepEqual(xs, [0, 1, 4, 9, 16]);
  const norm = lib.func('ffi_norm', { args: [pointer(vec2)], result: 'f64' });
  assert.equal(norm({ x: 3, y: 4 }), 25);
  assert.equal(norm(encode(vec2, { x: 1, y: 2 })), 5);
  const name = lib.func('ffi_make_name', { args: [out('ptr')] });
  const p: [bigint?] = [undefined];
  name(p);
  assert.equal(readCString(p[0]!), 'made in C');
});

test('handles of different types cannot be mixed up; null pointers are null', () => {
  const Counter = handle('counter'), Timer = handle('timer');
  const counterNew = lib.func('ffi_counter_new', { args: ['i64'], result: Counter });
  const bump = lib.func('ffi_counter_bump', { args: [Counter], result: 'i64' });
  const timerNew = lib.func('ffi_timer_new', { args: [], result: Timer });
  const c = counterNew(41n)!;
  assert.ok(c instanceof Handle);
  assert.equal(c.type, Counter);
  assert.equal(bump(c), 42n);
  const t = timerNew()!;
  assert.throws(() => bump(t as unknown as typeof c), { name: 'TypeError', message: 'ffi_counter_bump: argument 0 must be a counter handle, got a timer handle' });
  assert.throws(() => bump(c.address as unknown as typeof c), TypeError);
  assert.throws(() => bump(Handle.prototype as unknown as typeof c), TypeError);
  assert.equal(lib.func('ffi_counter_null', { args: [], result: Counter })(), null);
  assert.equal(String(c).startsWith('counter@0x'), true);
  assert.equal(Counter.wrap(0n), null);
  lib.func('ffi_counter_free', { args: [Counter] })(c);
});

test('records by value: wrong values are clear errors naming the field', () => {
  const f = lib.func('ffi_call_vec', { args: ['ptr', vec2, 'f64'], result: vec2 });
  assert.throws(() => f(null, { x: 1 } as { x: number; y: number }, 1), { name: 'TypeError', message: 'ffi_call_vec: argument 1: field y must be an f64: a number, got undefined' });
  assert.throws(() => f(null, null as unknown as { x: number; y: number }, 1), { name: 'TypeError', message: 'ffi_call_vec: argument 1 must be a vec2 object, got null' });
});

test('decode, encode and memoryAt agree on bytes in native memory', () => {
  const buf = encode(vec2, { x: 0.25, y: -1 });
  assert.deepEqual(decode(vec2, addressOf(buf)), { x: 0.25, y: -1 });
  assert.deepEqual([...memoryAt(addressOf(buf), 16)], [...buf]);
});
