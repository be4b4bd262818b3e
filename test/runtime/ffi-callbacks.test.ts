/**
 * Callbacks (C calling JS) against gcc-built C (ffi-lib.c, libc's qsort and bsearch): on the
 * JS thread, with records by value both ways, exceptions, nesting, free(); from a pthread
 * and from the libuv pool (fn.async), in both thread modes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { Library, callback, deref, fnptr, struct, array, symbol, wrap, addressOf } from '../../src/frontends/ffi/index.js';
import { packageRoot } from '../../src/runtime/addon.js';
import { ffiLibraryPath } from './ffi/build.js';

const lib = Library.open(ffiLibraryPath());
const intFn = { args: ['i32'], result: 'i32' } as const;
const callN = lib.func('ffi_call_n', { args: [fnptr(intFn), 'i32'], result: 'i64' });

test('a JS function as a C function pointer: called synchronously, many times', () => {
  let calls = 0;
  const cb = callback((x: number) => { calls++; return x * 3; }, intFn);
  assert.equal(callN(cb, 1000), 3n * 499500n);
  assert.equal(calls, 1000);
  assert.equal(typeof cb.address, 'bigint');
  cb.free();
  assert.equal(cb.isFreed, true);
  assert.throws(() => callN(cb, 1), { name: 'TypeError', message: /argument 0 must be a live callback \(this one was freed\)/ });
});

test('records by value into and out of callbacks: SSE, mixed, memory class, with a string', () => {
  const vec2 = struct({ x: 'f64', y: 'f64' });
  const vecSig = { args: [vec2, 'f64'], result: vec2 } as const;
  const scale = callback((v, k) => ({ x: v.x * k, y: v.y - k }), vecSig);
  assert.deepEqual(lib.func('ffi_call_vec', { args: [fnptr(vecSig), vec2, 'f64'], result: vec2 })(scale, { x: 2, y: 3 }, 10), { x: 20, y: -7 });
  const tagged = struct({ re: 'f64', tag: 'i32' });
  const tagSig = { args: [tagged], result: tagged } as const;
  const bump = callback((t) => ({ re: -t.re, tag: t.tag + 1 }), tagSig);
  assert.deepEqual(lib.func('ffi_call_tagged', { args: [fnptr(tagSig), tagged], result: tagged })(bump, { re: 1.25, tag: 41 }), { re: -1.25, tag: 42 });
  const named = struct({ name: array('u8', 24), n: 'i32' });
  const namedSig = { args: [named, 'i32'], result: named } as const;
  const rename = callback((x, k) => ({ name: x.name.map((c) => (c === 0 ? 0 : c + k)), n: x.n * k }), namedSig);
  const name = Array.from({ length: 24 }, (_, i) => (i < 5 ? 97 + i : 0));
  const got = lib.func('ffi_call_named', { args: [fnptr(namedSig), named, 'i32'], result: named })(rename, { name, n: 7 }, 2);
  assert.deepEqual(got, { name: name.map((c) => (c === 0 ? 0 : c + 2)), n: 14 });
  const event = struct({ id: 'i32', weight: 'f32', stamp: 'i64' });
  const eventSig = { args: [event, 'str'], result: 'i64' } as const;
  let seen: unknown;
  const onEvent = callback((e, what) => { seen = [e, what]; return e.stamp + BigInt(e.id); }, eventSig);
  assert.equal(lib.func('ffi_call_event', { args: [fnptr(eventSig), 'i32'], result: 'i64' })(onEvent, 7), 1234567890130n);
  assert.deepEqual(seen, [{ id: 7, weight: 0.5, stamp: 1234567890123n }, 'évènement']);
});

test('an exception in a callback is rethrown to the JS caller; meanwhile callbacks return zero and do not run', () => {
  const twice = lib.func('ffi_call_twice', { args: [fnptr(intFn), 'i32'], result: 'i32' });
  let calls = 0;
  const boom = new Error('boom');
  const cb = callback(() => { calls++; throw boom; }, intFn);
  assert.throws(() => twice(cb, 1), (e) => e === boom);
  assert.equal(calls, 1, 'the second call from C did not run JS');
  // The next call is unaffected.
  const ok = callback((x: number) => x, intFn);
  assert.equal(twice(ok, 20), 41);
  const bad = callback(() => 'nope' as unknown as number, intFn, { name: 'cmp' });
  assert.throws(() => twice(bad, 1), { name: 'TypeError', message: 'callback cmp: the result must be an i32: an integer from -2147483648 to 2147483647, got "nope"' });
});

test('nested: a callback calls C, which calls another callback', () => {
  const inner = callback((x: number) => x + 1, intFn);
  const outer = callback((x: number) => Number(callN(inner, x)), intFn);
  // sum over i < 5 of (sum over j < i of j + 1) = 0 + 1 + 3 + 6 + 10
  assert.equal(callN(outer, 5), 20n);
});

test('qsort and bsearch with JS comparators (deref), numbers and records', () => {
  const cmpSig = { args: [deref('i32'), deref('i32')], result: 'i32' } as const;
  const qsort = wrap(symbol('qsort'), { args: ['ptr', 'u64', 'u64', fnptr(cmpSig)] });
  const xs = Int32Array.from({ length: 5000 }, (_, i) => (i * 7919) % 5003 - 2500);
  const cmp = callback((a, b) => (a! < b! ? -1 : a! > b! ? 1 : 0), cmpSig);
  qsort(xs, xs.length, 4, cmp);
  assert.deepEqual([...xs], [...xs].sort((a, b) => a - b));
  const bsearch = wrap(symbol('bsearch'), { args: [deref('i32'), 'ptr', 'u64', 'u64', fnptr(cmpSig)], result: 'ptr' });
  const hit = bsearch(xs[1234]!, xs, xs.length, 4, cmp);
  assert.equal(hit, addressOf(xs) + 4n * BigInt(xs.indexOf(xs[1234]!)));
  assert.equal(bsearch(99999, xs, xs.length, 4, cmp), 0n);
  const pair = struct({ key: 'f64', id: 'u16' });
  const pairCmp = { args: [deref(pair), deref(pair)], result: 'i32' } as const;
  const rows = Array.from({ length: 100 }, (_, i) => ({ key: Math.sin(i), id: i }));
  const mem = Buffer.alloc(16 * rows.length);
  rows.forEach((r, i) => { mem.writeDoubleLE(r.key, 16 * i); mem.writeUInt16LE(r.id, 16 * i + 8); });
  const byKey = callback((a, b) => Math.sign(a!.key - b!.key), pairCmp);
  wrap(symbol('qsort'), { args: ['ptr', 'u64', 'u64', fnptr(pairCmp)] })(mem, rows.length, 16, byKey);
  const ids = rows.map((_, i) => mem.readUInt16LE(16 * i + 8));
  assert.deepEqual(ids, [...rows].sort((a, b) => a.key - b.key).map((r) => r.id));
});

test('callback signatures are checked: fnptr type, variadic, string results', () => {
  const other = callback((x: bigint) => x, { args: ['i64'], result: 'i64' });
  assert.throws(() => callN(other as never, 1), { name: 'TypeError', message: /argument 0 must be a callback of signature \(i32\)->i32/ });
  assert.throws(() => callback(() => 0, { args: ['ptr', 'i32'], result: 'i32', fixedArgs: 1 }), /cannot be variadic/);
  assert.throws(() => callback(() => 'x', { args: [], result: 'str' }), /cannot return a string/);
  assert.throws(() => callback(() => 0, intFn, { threads: 'maybe' as 'wait' }), /threads must be 'wait' or 'post'/);
});

test('from a C library thread: wait mode returns JS results to the thread (join on the pool with fn.async)', async () => {
  const start = lib.func('ffi_start_thread', { args: [fnptr(intFn), 'i32'], result: 'ptr' });
  const join = lib.func('ffi_join', { args: ['ptr'], result: 'i64' });
  const threads: number[] = [];
  const cb = callback((x: number) => { threads.push(x); return x * 2; }, intFn).ref();
  const job = start(cb, 200);
  assert.equal(await join.async(job), 2n * 19900n);
  assert.equal(threads.length, 200);
  assert.deepEqual(threads.slice(0, 3), [0, 1, 2]);
  cb.unref();
  cb.free();
});

test('from a C library thread: post mode returns zero at once and runs JS later, in order', async () => {
  const start = lib.func('ffi_start_thread', { args: [fnptr(intFn), 'i32'], result: 'ptr' });
  const join = lib.func('ffi_join', { args: ['ptr'], result: 'i64' });
  const seen: number[] = [];
  let done!: () => void;
  const all = new Promise<void>((resolve) => { done = resolve; });
  const cb = callback((x: number) => { seen.push(x); if (seen.length === 100) done(); return 7; }, intFn, { threads: 'post' }).ref();
  assert.equal(await join.async(start(cb, 100)), 0n, 'the thread got zeros');
  await all;
  assert.deepEqual(seen, Array.from({ length: 100 }, (_, i) => i));
  cb.free();
});

test('fn.async: calls on the pool under load, with callbacks from pool threads, buffers pinned', async () => {
  const sleepAdd = lib.func('ffi_sleep_add', { args: ['i32', 'i64', 'i64'], result: 'i64' });
  const results = await Promise.all(Array.from({ length: 64 }, (_, i) => sleepAdd.async(1 + (i % 5), i, 1000n * BigInt(i))));
  assert.deepEqual(results, Array.from({ length: 64 }, (_, i) => 1001n * BigInt(i)));
  const sumBytes = lib.func('ffi_sum_bytes', { args: ['ptr', 'u32'], result: 'u64' });
  const pending = Array.from({ length: 32 }, (_, i) => sumBytes.async(Buffer.alloc(4096, i), 4096));
  assert.deepEqual(await Promise.all(pending), Array.from({ length: 32 }, (_, i) => BigInt(4096 * i)));
  const slowSum = lib.func('ffi_slow_sum', { args: [fnptr(intFn), 'i32', 'i32'], result: 'i64' });
  const cb = callback((x: number) => x + 1, intFn);
  const sums = await Promise.all([slowSum.async(cb, 50, 5), slowSum.async(cb, 10, 1), slowSum.async(null, 10, 1)]);
  assert.deepEqual(sums, [1275n, 55n, 45n]);
  await assert.rejects(sleepAdd.async(1, 'x' as unknown as number, 1), { name: 'TypeError', message: /ffi_sleep_add: argument 1 must be an i64/ });
  const vec2 = struct({ x: 'f64', y: 'f64' });
  const vecSig = { args: [vec2, 'f64'], result: vec2 } as const;
  const scale = callback((v, k) => ({ x: v.x * k, y: v.y * k }), vecSig);
  const callVec = lib.func('ffi_call_vec', { args: [fnptr(vecSig), vec2, 'f64'], result: vec2 });
  assert.deepEqual(await callVec.async(scale, { x: 1, y: 2 }, 3), { x: 3, y: 6 });
});

test('calling a freed callback from C aborts the process with a message', () => {
  const script = path.join(packageRoot, 'test', 'children', 'callback-freed.mjs');
  const r = spawnSync(process.execPath, [script, ffiLibraryPath()], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.signal, 'SIGABRT', `status ${r.status}, stderr: ${r.stderr}`);
  assert.match(r.stderr, /jitkit: callback 'late' was called from native code after callback.free\(\); aborting/);
  assert.match(r.stdout, /before free: 6/);
});

test('fiber calls: callbacks nest 100 deep (fibers to depth 64, then the Node-API path), exceptions unwind every level', () => {
  // f(x) = x > 0 ? 1 + callN(f, 1)... : each level makes one nested C call through callN.
  let depth = 0, maxDepth = 0;
  const rec: { cb?: ReturnType<typeof callback> } = {};
  rec.cb = callback((x: number) => {
    depth++;
    maxDepth = Math.max(maxDepth, depth);
    const r = depth < 100 ? Number(callN(rec.cb!, 1)) + 1 : 1;
    depth--;
    return r + x;
  }, intFn);
  assert.equal(callN(rec.cb, 1), 100n);
  assert.equal(maxDepth, 100);
  const boom = new Error('deep');
  let calls = 0;
  const t: { cb?: ReturnType<typeof callback> } = {};
  t.cb = callback((x: number): number => {
    calls++;
    if (calls === 70) throw boom;
    return Number(callN(t.cb!, 2)) + x;
  }, intFn);
  const thrower = t.cb;
  assert.throws(() => callN(thrower, 1), (e) => e === boom);
  assert.equal(calls, 70, 'the throw at depth 70 stopped every level above it');
  // The thread is back to depth 0: a plain fiber call works.
  assert.equal(callN(rec.cb, 1), 100n);
  rec.cb.free();
  thrower.free();
});

test('a callback reached through a plain ptr argument takes the Node-API path, with the same results and exceptions', () => {
  const rawCallN = lib.func('ffi_call_n', { args: ['ptr', 'i32'], result: 'i64' });
  const cb = callback((x: number) => x * 2, intFn);
  assert.equal(rawCallN(cb.address, 100), 2n * 4950n);
  const boom = new Error('raw');
  const bad = callback(() => { throw boom; }, intFn);
  assert.throws(() => rawCallN(bad.address, 3), (e) => e === boom);
  assert.equal(rawCallN(cb.address, 3), 6n);
  cb.free();
  bad.free();
});
