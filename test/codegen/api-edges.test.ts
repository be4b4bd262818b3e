/**
 * The compile() API at its edges: bad options, bad resolvers, freed modules and
 * disposed code memory, detached buffers and out-of-range arguments each give a
 * precise Error (never a crash, never a silently wrong call).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CodeMemory, compile, ir } from '../../src/index.js';
import { Interpreter } from '../../src/ir/interpreter.js';

const IDENTITY = ir.parse(`function %id32(i32) -> i32 {
block0(v0: i32):
    return v0
}

function %id64(i64) -> i64 {
block0(v0: i64):
    return v0
}

function %id8(i8) -> i8 {
block0(v0: i8):
    return v0
}

function %ptr(ptr) -> ptr {
block0(v0: ptr):
    return v0
}
`);

const WITH_IMPORT = ir.parse(`import %memcmp(ptr, ptr, i64) -> i32

function %cmp(ptr, ptr, i64) -> i32 {
block0(v0: ptr, v1: ptr, v2: i64):
    v3 = call %memcmp(v0, v1, v2)
    return v3
}
`);

test('options: stackSize, memory, resolve, opt and timeoutMs are checked with precise messages', () => {
  for (const bad of [NaN, 0, -1, 1.5, 2 ** 31, '1024']) {
    assert.throws(() => compile(IDENTITY, { stackSize: bad as number }), {
      name: 'RangeError',
      message: `compile: stackSize must be a positive integer number of bytes up to 1073741824 (1 GiB), got ${typeof bad === 'string' ? '"1024"' : String(bad)}`,
    });
  }
  assert.throws(() => compile(IDENTITY, { memory: {} as CodeMemory }), { name: 'TypeError', message: 'compile: memory must be a CodeMemory, got Object' });
  const disposed = new CodeMemory();
  disposed.dispose();
  assert.throws(() => compile(IDENTITY, { memory: disposed }), { message: 'compile: memory was disposed' });
  assert.throws(() => compile(IDENTITY, { resolve: 5 as never }), { name: 'TypeError', message: 'compile: resolve must be a function (name) => bigint address | undefined, got 5' });
  assert.throws(() => compile(IDENTITY, { timeoutMs: 0 }), { name: 'RangeError', message: 'compile: timeoutMs must be an integer number of milliseconds from 1 to 2147483647, got 0' });
  assert.throws(() => compile(IDENTITY, null as never), { name: 'TypeError', message: 'compile: options must be an object, got null' });
  compile(IDENTITY, { stackSize: 4096 }).free();
});

test('resolve must return a bigint address of at least 4096 (or undefined)', () => {
  assert.throws(() => compile(WITH_IMPORT, { resolve: () => 0n }), {
    name: 'RangeError', message: "compile: resolve('memcmp') returned 0n, which is not a valid address (a bigint from 4096 to 2^64-1)",
  });
  assert.throws(() => compile(WITH_IMPORT, { resolve: () => 'x' as never }), {
    name: 'TypeError', message: `compile: resolve('memcmp') must return a bigint address or undefined, got "x"`,
  });
  assert.throws(() => compile(WITH_IMPORT, { resolve: () => 2n ** 64n }), /returned 18446744073709551616n, which is not a valid address/);
  const c = compile(WITH_IMPORT, { resolve: () => undefined }); // falls back to the process's symbols
  assert.equal(c.get('cmp')(Buffer.from('ab'), Buffer.from('ab'), 2n), 0);
  c.free();
});

test('free() twice and address() after free() throw ERR_JITKIT_CODE_FREED; calls throw too', () => {
  const c = compile(IDENTITY);
  const f = c.get('id32');
  assert.equal(f(5), 5);
  assert.ok(c.address('id32') > 0n);
  c.free();
  assert.equal(c.isFreed, true);
  assert.throws(() => c.free(), { code: 'ERR_JITKIT_CODE_FREED', message: 'jitkit: cannot free the compiled module: it was already freed' });
  assert.throws(() => c.address('id32'), { code: 'ERR_JITKIT_CODE_FREED', message: 'jitkit: cannot take the address of %id32: its module was freed' });
  assert.throws(() => f(5), { code: 'ERR_JITKIT_CODE_FREED', message: 'jitkit: cannot call %id32: its module was freed' });
});

test('a module whose code memory was disposed: calls throw a clean Error and isFreed is true', () => {
  const memory = new CodeMemory();
  const c = compile(IDENTITY, { memory });
  const f = c.get('id64');
  assert.equal(f(7n), 7n);
  memory.dispose();
  assert.equal(c.isFreed, true);
  assert.throws(() => f(7n), { code: 'ERR_JITKIT_CODE_FREED', message: 'jitkit: cannot call %id64: its code memory was disposed' });
  assert.throws(() => c.get('id32')(1), /its code memory was disposed/);
  assert.throws(() => c.address('id32'), /its module was freed/);
  c.free(); // releases the data; the code went with the memory
  assert.throws(() => c.free(), /already freed/);
});

test('a detached ArrayBuffer passed as ptr is a TypeError (not a null pointer)', () => {
  const c = compile(IDENTITY);
  const buffer = new ArrayBuffer(16);
  assert.ok((c.get('ptr')(buffer) as bigint) > 0n);
  structuredClone(buffer, { transfer: [buffer] });
  assert.throws(() => c.get('ptr')(buffer), { name: 'TypeError', message: '%ptr: argument 0: the ArrayBuffer is detached' });
  assert.throws(() => c.get('ptr')(new Uint8Array(buffer)), TypeError);
  c.free();
});

test('out-of-range integer arguments throw RangeError like wrap(), in compiled code and the interpreter alike', () => {
  const c = compile(IDENTITY);
  const it = new Interpreter(IDENTITY);
  const cases: [string, unknown, RegExp][] = [
    ['id32', 2 ** 40, /^%id32 argument 0 does not fit in i32 \(an integer from -2\^31 to 2\^32-1\), got 1099511627776$/],
    ['id32', -(2 ** 31) - 1, /does not fit in i32/],
    ['id32', 2n ** 32n, /does not fit in i32 .*got 4294967296n$/],
    ['id64', 2n ** 100n, /^%id64 argument 0 does not fit in i64 \(an integer from -2\^63 to 2\^64-1\), got 1267650600228229401496703205376n$/],
    ['id64', -(2n ** 63n) - 1n, /does not fit in i64/],
    ['id64', 2 ** 60, /must be a safe integer number or a bigint for i64/],
    ['id8', 256, /does not fit in i8/],
    ['ptr', -(2n ** 63n) - 1n, /does not fit in ptr/],
  ];
  for (const [name, value, message] of cases) {
    assert.throws(() => c.get(name)(value), (e: Error) => e instanceof RangeError && message.test(e.message), `compiled ${name}(${String(value)})`);
    assert.throws(() => it.call(name, [value]), (e: Error) => e instanceof RangeError && message.test(e.message), `interpreter ${name}(${String(value)})`);
  }
  // The whole signed and unsigned range is accepted (IR integers are signless).
  assert.equal(c.get('id32')(2 ** 32 - 1), -1);
  assert.equal(c.get('id32')(-(2 ** 31)), -(2 ** 31));
  assert.equal(c.get('id8')(255n), -1);
  assert.equal(c.get('id64')(2n ** 64n - 1n), -1n);
  assert.equal(it.call('id64', [2n ** 64n - 1n]), -1n);
  assert.throws(() => c.get('id32')(1.5), { name: 'TypeError', message: '%id32 argument 0: cannot pass 1.5 as i32' });
  assert.throws(() => c.get('id32')('1'), { name: 'TypeError', message: '%id32 argument 0: cannot pass "1" as i32' });
  c.free();
});

test('get(name, { timeoutMs }) and call(name, args, options) check their options', () => {
  const c = compile(IDENTITY);
  assert.equal(c.call('id32', [3]), 3);
  assert.equal(c.call('id32', [3], { timeoutMs: 1000 }), 3);
  assert.equal(c.get('id32', { timeoutMs: 50 })(4), 4);
  assert.throws(() => c.get('id32', { timeoutMs: -1 }), /get\('id32'\): timeoutMs must be an integer number of milliseconds from 1 to 2147483647, got -1/);
  assert.throws(() => c.call('id32', 3 as never), /call: args must be an array, got 3/);
  assert.throws(() => c.get('nope'), /compiled module has no function %nope/);
  c.free();
});
