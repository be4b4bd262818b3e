/**
 * Shared by the fault tests (test/runtime/faults.test.ts, test/faults/cases.ts,
 * test/codegen/sandbox.test.ts): an IR module whose functions fault, recurse or
 * spin on demand, and a helper that expects a TrapError.
 */
import assert from 'node:assert/strict';
import { ir } from '../../src/index.js';
import type { Module } from '../../src/ir/index.js';
import { TrapError } from '../../src/ir/trap-error.js';

/** Text of the module: spin (endless loop), spin_flag (stores 1 at its ptr argument, then spins), rec (endless recursion), load/store/jump through a pointer, add. */
export const FAULTS_IR = `function %spin(i64) -> i64 {
block0(v0: i64):
    jump block1(v0)

block1(v1: i64):
    v2 = iconst.i64 1
    v3 = iadd v1, v2
    jump block1(v3)
}

function %spin_flag(ptr) -> i64 {
block0(v0: ptr):
    v1 = iconst.i32 1
    store.i32 v1, v0
    v2 = iconst.i64 0
    jump block1(v2)

block1(v3: i64):
    v4 = iconst.i64 1
    v5 = iadd v3, v4
    jump block1(v5)
}

function %rec(i64) -> i64 {
block0(v0: i64):
    v1 = iconst.i64 1
    v2 = iadd v0, v1
    v3 = call %rec(v2)
    v4 = iadd v3, v1
    return v4
}

function %load(ptr) -> i64 {
block0(v0: ptr):
    v1 = load.i64 v0+8
    return v1
}

function %store(ptr, i64) {
block0(v0: ptr, v1: i64):
    store.i64 v1, v0
    return
}

function %jump(ptr) -> i64 {
    sig0 = () -> i64

block0(v0: ptr):
    v1 = call_indirect sig0, v0()
    return v1
}

function %add(i64, i64) -> i64 {
block0(v0: i64, v1: i64):
    v2 = iadd v0, v1
    return v2
}
`;

/** A fresh parse of FAULTS_IR. */
export function faultsModule(): Module {
  return ir.parse(FAULTS_IR);
}

/** Runs `f`, which must throw a TrapError; returns it. */
export function trapOf(f: () => unknown): TrapError {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof TrapError, `expected a TrapError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a trap');
}
