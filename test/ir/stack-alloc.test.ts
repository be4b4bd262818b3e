/**
 * stack_alloc / stack_save / stack_restore in the interpreter, which defines them: each block is a
 * region of its own (accesses past it or after it is freed trap), blocks count against stackSize,
 * and a stack_restore frees exactly the blocks made since its stack_save.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Interpreter, Module, TrapError, Type, parse } from '../../src/ir/index.js';

const traps = (fn: () => unknown, name: string, detail?: RegExp): void => {
  assert.throws(fn, (e: unknown) => e instanceof TrapError && e.trap === name && (detail === undefined || detail.test(e.message)));
};

test('stack_alloc: a block is its own region, freed by stack_restore', () => {
  const m = parse(`
function %after_restore(i64) -> i64 {
block0(v0: i64):
    v1 = stack_save
    v2 = stack_alloc v0, align 8
    store.i64 v0, v2
    stack_restore v1
    v3 = load.i64 v2
    return v3
}
function %past_end(i64) -> i8 {
block0(v0: i64):
    v1 = stack_alloc v0, align 8
    v2 = iadd v1, v0
    v3 = load.i8 v2
    return v3
}
function %twice() -> i64 {
block0:
    v0 = stack_save
    v1 = iconst.i64 8
    v2 = stack_alloc v1, align 8
    stack_restore v0
    stack_restore v0
    v3 = stack_alloc v1, align 8
    store.i64 v1, v3
    v4 = load.i64 v3
    return v4
}`);
  const it = new Interpreter(m);
  traps(() => it.call('after_restore', [8n]), 'heap_oob', /stack_alloc|load/);
  traps(() => it.call('past_end', [16n]), 'heap_oob');
  assert.equal(it.call('twice'), 8n);
});

test('stack_alloc: blocks count against stackSize and are freed when the call returns or traps', () => {
  const m = parse(`
function %take(i64) -> i64 {
block0(v0: i64):
    v1 = stack_alloc v0, align 16
    store.i64 v0, v1
    v2 = load.i64 v1
    return v2
}`);
  const it = new Interpreter(m, { stackSize: 4096 });
  assert.equal(it.call('take', [4000n]), 4000n);
  assert.equal(it.call('take', [4000n]), 4000n); // the first call's block was freed at its return
  traps(() => it.call('take', [4097n]), 'stk_ovf', /stack_alloc/);
  traps(() => it.call('take', [-8n]), 'stk_ovf');
  assert.equal(it.call('take', [4096n]), 4096n);
});

test('stack_restore: a mark whose blocks an earlier restore freed is refused; the verifier wants a stack_save result', () => {
  const m = parse(`
function %late() -> i32 {
block0:
    v0 = stack_save
    v1 = iconst.i64 8
    v2 = stack_alloc v1, align 8
    v3 = stack_save
    stack_restore v0
    stack_restore v3
    v4 = iconst.i32 1
    return v4
}`);
  traps(() => new Interpreter(m).call('late'), 'heap_oob', /stack_restore: .* is no stack_save mark of this call/);
  const f = new Module().function('f', [Type.Ptr], []);
  const b = f.builder();
  assert.throws(() => b.stackRestore(b.param(0)), /^Error: stack_restore: v0 is not the result of a stack_save$/);
});
