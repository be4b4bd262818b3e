/**
 * Sandboxed compilation (src/codegen/sandbox.ts): in both modes ('guard': 32-bit
 * offsets in a reservation of guard pages, 'bounds': explicit checks), results
 * equal the interpreter's on programs that stay in bounds, every access that
 * leaves the memory traps heap_oob, and nothing the module computes reaches
 * memory outside it (real addresses passed in, function addresses, stack
 * slots); imports are only what resolve passes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compile, ir, symbol } from '../../src/index.js';
import { Interpreter } from '../../src/ir/interpreter.js';
import type { TrapError } from '../../src/ir/trap-error.js';
import { native } from '../../src/runtime/addon.js';
import type { SandboxChecks } from '../../src/codegen/sandbox.js';
import { trapOf } from '../helpers/faults.js';

const PROGRAM = `data %squares readonly align 8 = { 01 00 00 00 00 00 00 00 02 00 00 00 00 00 00 00 03 00 00 00 00 00 00 00 }
data %counter align 8 = { 00 00 00 00 00 00 00 00 }

function %sum(ptr, i64) -> i64 {
block0(v0: ptr, v1: i64):
    v2 = iconst.i64 0
    jump block1(v2, v2)

block1(v3: i64, v4: i64):
    v5 = icmp slt v3, v1
    brif v5, block2, block3

block2:
    v6 = iconst.i64 8
    v7 = imul v3, v6
    v8 = iadd v0, v7
    v9 = load.i64 v8
    v10 = iadd v4, v9
    v11 = iconst.i64 1
    v12 = iadd v3, v11
    jump block1(v12, v10)

block3:
    return v4
}

function %load(ptr) -> i64 {
block0(v0: ptr):
    v1 = load.i64 v0
    return v1
}

function %load8(ptr, i64) -> i32 {
block0(v0: ptr, v1: i64):
    v2 = iadd v0, v1
    v3 = uload8.i32 v2-1
    return v3
}

function %store(ptr, i64) {
block0(v0: ptr, v1: i64):
    store.i64 v1, v0
    return
}

function %table(i64) -> i64 {
block0(v0: i64):
    v1 = global_addr %squares
    v2 = iconst.i64 8
    v3 = imul v0, v2
    v4 = iadd v1, v3
    v5 = load.i64 v4
    return v5
}

function %poke_table() {
block0:
    v0 = global_addr %squares
    v1 = iconst.i64 7
    store.i64 v1, v0
    return
}

function %count() -> i64 {
block0:
    v0 = global_addr %counter
    v1 = load.i64 v0
    v2 = iconst.i64 1
    v3 = iadd v1, v2
    store.i64 v3, v0
    return v3
}

function %fact(i64) -> i64 {
    ss0 = stack_slot 24, align 8

block0(v0: i64):
    v1 = stack_addr ss0
    store.i64 v0, v1+16
    v2 = iconst.i64 1
    v3 = icmp sle v0, v2
    brif v3, block1, block2

block1:
    return v2

block2:
    v4 = isub v0, v2
    v5 = call %fact(v4)
    v6 = load.i64 v1+16
    v7 = imul v5, v6
    return v7
}

function %slot_addr() -> ptr {
    ss0 = stack_slot 8, align 8

block0:
    v0 = stack_addr ss0
    return v0
}

function %deep(i64) -> i64 {
    ss0 = stack_slot 256, align 8

block0(v0: i64):
    v1 = stack_addr ss0
    store.i64 v0, v1
    v2 = iconst.i64 1
    v3 = iadd v0, v2
    v4 = call %deep(v3)
    return v4
}

function %twice(i64) -> i64 {
block0(v0: i64):
    v1 = iadd v0, v0
    return v1
}

function %fn_index() -> ptr {
block0:
    v0 = func_addr %twice
    return v0
}

function %call_at(ptr, i64) -> i64 {
    sig0 = (i64) -> i64

block0(v0: ptr, v1: i64):
    v2 = call_indirect sig0, v0(v1)
    return v2
}

function %call_wrong(ptr) -> i32 {
    sig0 = () -> i32

block0(v0: ptr):
    v1 = call_indirect sig0, v0()
    return v1
}
`;


for (const checks of ['guard', 'bounds'] as SandboxChecks[]) {
  test(`sandbox (${checks}): in-bounds programs compute what the interpreter computes`, () => {
    const m = ir.parse(PROGRAM);
    for (const opt of [0, 2] as const) {
      const c = compile(m, { opt, sandbox: { memoryBytes: 1 << 16, checks } });
      const mem = c.memory!;
      const words = new BigInt64Array(mem.buffer, 8192, 100);
      for (let i = 0; i < 100; i++) words[i] = BigInt(i * i);
      const it = new Interpreter(m);
      assert.equal(c.get('sum')(8192n, 100n), it.call('sum', [new BigInt64Array(words), 100n]));
      assert.equal(c.get('load8')(8192n + 17n, 0n), 4, 'uload8 at offset -1: the low byte of 2 * 2');
      for (const k of [0n, 1n, 2n]) assert.equal(c.get('table')(k), it.call('table', [k]));
      assert.deepEqual([c.get('count')(), c.get('count')(), c.get('count')()], [1n, 2n, 3n], 'module data persists between calls');
      for (const n of [1n, 5n, 20n]) assert.equal(c.get('fact')(n), it.call('fact', [n]));
      const index = c.get('fn_index')() as bigint;
      assert.ok(index > 0n && index < 16n, `func_addr is a small table index, got ${index}`);
      assert.equal(c.get('call_at')(index, 21n), 42n);
      c.get('store')(100n, 0x1122334455667788n);
      assert.equal(new DataView(mem.buffer).getBigUint64(100, true), 0x1122334455667788n, 'stores land in the memory the embedder sees');
      c.free();
      assert.equal(c.memory!.length, 0, 'the memory is released with the module');
    }
  });

  test(`sandbox (${checks}): accesses outside the memory trap heap_oob and the module keeps working`, () => {
    const size = 1 << 16;
    const c = compile(ir.parse(PROGRAM), { sandbox: { memoryBytes: size, checks } });
    const outside = [BigInt(size), BigInt(size - 7), -8n, -1n, BigInt(2 ** 31)];
    if (checks === 'bounds') outside.push(2n ** 32n, 2n ** 40n, -(2n ** 40n));
    for (const at of outside) {
      assert.equal(trapOf(() => c.get('load')(at)).trap, 'heap_oob', `load at ${at}`);
      assert.equal(trapOf(() => c.get('store')(at, 1n)).trap, 'heap_oob', `store at ${at}`);
    }
    assert.equal(trapOf(() => c.get('load8')(0n, 0n)).trap, 'heap_oob', 'offset -1 below 0');
    // A real address of JS memory is just an offset: outside the memory (or inside it, aliasing it).
    const secret = new BigInt64Array([0x5ec7e7n]);
    const real = native.addressOf(secret);
    try {
      assert.notEqual(c.get('load')(real), 0x5ec7e7n);
    } catch (e) {
      assert.equal((e as TrapError).trap, 'heap_oob');
    }
    assert.equal(trapOf(() => c.get('poke_table')()).trap, 'heap_oob', 'read-only data is mapped read-only');
    assert.equal(c.get('table')(1n), 2n);
    assert.equal(c.get('sum')(2048n, 4n), 0n, 'still works');
    c.free();
  });

  test(`sandbox (${checks}): stack slots live in a shadow stack inside the memory; overflowing it traps stk_ovf`, () => {
    const c = compile(ir.parse(PROGRAM), { sandbox: { memoryBytes: 1 << 16, stackBytes: 4096, checks } });
    const slot = c.get('slot_addr')() as bigint;
    assert.ok(slot >= BigInt((1 << 16) - 4096) && slot < BigInt(1 << 16), `slot offset ${slot} in the shadow stack`);
    assert.equal(trapOf(() => c.get('deep')(0n)).trap, 'stk_ovf');
    assert.equal(c.get('fact')(10n), 3628800n, 'the next call starts with an empty shadow stack');
    c.free();
  });

  test(`sandbox (${checks}): call_indirect goes through the function table only`, () => {
    const c = compile(ir.parse(PROGRAM), { sandbox: { memoryBytes: 1 << 16, checks } });
    const index = c.get('fn_index')() as bigint;
    const real = c.address('twice');
    for (const target of [0n, 999n, -1n, real, index + 100n]) {
      assert.equal(trapOf(() => c.get('call_at')(target, 1n)).trap, 'heap_oob', `call_indirect to ${target}`);
    }
    assert.equal(trapOf(() => c.get('call_wrong')(index)).trap, 'bad_sig');
    c.free();
  });
}

test('sandbox: imports come only from resolve, and receive offsets', () => {
  const m = ir.parse(`import %peek(ptr) -> i64

function %f(ptr) -> i64 {
block0(v0: ptr):
    v1 = call %peek(v0)
    return v1
}
`);
  assert.throws(() => compile(m, { sandbox: { memoryBytes: 65536 } }), /compile: the sandboxed module imports %peek, which resolve does not pass/);
  const labs = ir.parse(`import %labs(i64) -> i64

function %f(i64) -> i64 {
block0(v0: i64):
    v1 = call %labs(v0)
    return v1
}
`);
  assert.throws(() => compile(labs, { sandbox: { memoryBytes: 65536 } }), /imports %labs, which resolve does not pass/, 'no fallback to the process symbols');
  const c = compile(labs, { sandbox: { memoryBytes: 65536 }, resolve: (n) => (n === 'labs' ? symbol('labs') : undefined) });
  assert.equal(c.get('f')(-5n), 5n);
  c.free();
});

test('sandbox: va_start, va_arg, stack_alloc/save/restore, call_native and label_addr are refused (real addresses)', () => {
  const variadic = ir.parse(`function %first(i32, ...) -> i64 {
    ss0 = stack_slot 24, align 8

block0(v0: i32):
    v1 = stack_addr ss0
    va_start v1
    v2 = va_arg.i64 v1
    return v2
}
`);
  assert.throws(() => compile(variadic, { sandbox: { memoryBytes: 65536 } }), /compile: a sandboxed module cannot use va_start \(in %first\)/);
  const reader = ir.parse(`function %next(ptr) -> i64 {
block0(v0: ptr):
    v1 = va_arg.i64 v0
    return v1
}
`);
  for (const checks of ['guard', 'bounds'] as const) {
    assert.throws(() => compile(reader, { sandbox: { memoryBytes: 65536, checks } }), /compile: a sandboxed module cannot use va_arg \(in %next\)/);
  }
  compile(variadic).free(); // outside a sandbox the same module compiles
  const dynamic = ir.parse(`function %f(i64) -> i64 {
block0(v0: i64):
    v1 = stack_save
    v2 = stack_alloc v0, align 16
    stack_restore v1
    return v0
}
`);
  assert.throws(() => compile(dynamic, { sandbox: { memoryBytes: 65536 } }), /compile: a sandboxed module cannot use stack_save \(in %f\): it works on real addresses/);
});

test('sandbox: options are checked; ptr arguments must be integers', () => {
  const m = ir.parse(PROGRAM);
  assert.throws(() => compile(m, { sandbox: { memoryBytes: 100 } }), /sandbox.memoryBytes must be an integer from 4096 to 4294967296, got 100/);
  assert.throws(() => compile(m, { sandbox: { memoryBytes: 2 ** 33 } }), RangeError);
  assert.throws(() => compile(m, { sandbox: { memoryBytes: 65536, checks: 'none' as never } }), /sandbox.checks must be 'guard' or 'bounds', got none/);
  assert.throws(() => compile(m, { sandbox: { memoryBytes: 65536, stackBytes: 15 } }), /stackBytes must be a multiple of 16/);
  assert.throws(() => compile(m, { sandbox: { memoryBytes: 8192, stackBytes: 8192 } }), /cannot hold the module's data/);
  const c = compile(m, { sandbox: { memoryBytes: 65536 } });
  assert.throws(() => c.get('load')(Buffer.alloc(8)), { name: 'TypeError', message: '%load argument 0: a sandboxed module takes ptr arguments as offsets into its memory (an integer), got Buffer' });
  assert.equal(compile(m).memory, undefined, 'a module that is not sandboxed has no memory');
  c.free();
});

test('sandbox: data relocations hold offsets of data and table indices of functions', () => {
  const m = ir.parse(`data %target = { 2a 00 00 00 00 00 00 00 07 00 00 00 00 00 00 00 }
data %pointers = { 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 }

function %twice(i64) -> i64 {
block0(v0: i64):
    v1 = iadd v0, v0
    return v1
}

function %deref() -> i64 {
block0:
    v0 = global_addr %pointers
    v1 = load.ptr v0
    v2 = load.i64 v1
    return v2
}

function %via_table(i64) -> i64 {
    sig0 = (i64) -> i64

block0(v0: i64):
    v1 = global_addr %pointers
    v2 = load.ptr v1+8
    v3 = call_indirect sig0, v2(v0)
    return v3
}
`);
  const pointers = m.data.find((d) => d.name === 'pointers')!, target = m.data.find((d) => d.name === 'target')!;
  pointers.addReloc(0, target, 8);
  pointers.addReloc(8, m.getFunction('twice'));
  const plain = compile(m);
  for (const checks of ['guard', 'bounds'] as SandboxChecks[]) {
    const c = compile(m, { sandbox: { memoryBytes: 65536, checks } });
    assert.equal(c.get('deref')(), 7n);
    assert.equal(c.get('deref')(), plain.get('deref')());
    assert.equal(c.get('via_table')(21n), 42n);
    // Writable data from offset 16: %target at 16, %pointers at 32; its first word is %target + 8.
    assert.equal(new DataView(c.memory!.buffer).getBigUint64(32, true), 24n, 'a data pointer in the sandbox is an offset');
    c.free();
  }
  plain.free();
});
