/**
 * Column groups (src/util/columns.ts): every column is a view of one buffer, of
 * the group's length, aligned, not overlapping; growing copies the old
 * contents and fills the rest. And the IR function tables built on them keep
 * their contents across growth and cloning.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Columns, Slab, grownCapacity } from '../../src/util/columns.js';
import { Module, Type, printModule } from '../../src/ir/index.js';

test('columns of a group share one buffer without overlapping', () => {
  const c = new Columns(5, 1, 2, 2);
  const f = c.f64(), a = c.i32(), b = c.i32(undefined, -1), u = c.u8(), v = c.u8();
  for (const col of [f, a, b, u, v]) {
    assert.equal(col.length, 5);
    assert.equal(col.buffer, f.buffer);
  }
  assert.equal(f.buffer.byteLength, 5 * (8 + 4 + 4 + 1 + 1));
  assert.deepEqual([...b], [-1, -1, -1, -1, -1]);
  f.fill(1.5); a.fill(7); u.fill(9);
  assert.deepEqual([...b], [-1, -1, -1, -1, -1]);
  assert.deepEqual([...v], [0, 0, 0, 0, 0]);
  assert.deepEqual([...a], [7, 7, 7, 7, 7]);
  assert.equal(a.byteOffset % 4, 0);
});

test('a column copies what it grows from and fills only the rest', () => {
  const old = new Columns(3, 1, 1, 1);
  const of = old.f64(), oi = old.i32(), ou = old.u8();
  of.set([1, 2, 3]); oi.set([4, 5, 6]); ou.set([7, 8, 9]);
  const c = new Columns(6, 1, 1, 1);
  assert.deepEqual([...c.f64(of)], [1, 2, 3, 0, 0, 0]);
  assert.deepEqual([...c.i32(oi, -1)], [4, 5, 6, -1, -1, -1]);
  assert.deepEqual([...c.u8(ou)], [7, 8, 9, 0, 0, 0]);
  assert.equal(grownCapacity(0, 1), 16);
  assert.equal(grownCapacity(16, 17), 32);
  assert.equal(grownCapacity(16, 100), 128);
});

test('an IR function keeps its tables across growth and cloning', () => {
  const m = new Module('grow');
  const f = m.function('f', [Type.I64], [Type.I64]);
  const b = f.builder();
  let x = b.params[0]!;
  // Far past the initial capacities (32 values and instructions, 16 blocks).
  for (let k = 0; k < 40; k++) {
    const [r] = b.forRange(b.iconst(Type.I64, 0), b.iconst(Type.I64, 2), [x], (_i, [acc]) => [b.iadd(acc!, b.iconst(Type.I64, k))]);
    x = r!;
  }
  b.return(x);
  b.finish();
  const text = printModule(m);
  assert.ok(f.instCount > 200 && f.blockCount > 100);
  assert.equal(printModule(m.clone()), text);
  assert.ok(f.instBlock.length > f.instCount);
  assert.equal(f.instBlock[f.instCount], -1, 'unused instruction slots are NONE');
});

test('a slab hands out zeroed views of one buffer, then arrays of their own', () => {
  const s = new Slab(64);
  const a = s.i32(4), b = s.u8(3), c = s.i32(4);
  assert.equal(a.buffer, b.buffer);
  assert.equal(c.buffer, a.buffer, 'aligned after the bytes');
  assert.equal(c.byteOffset % 4, 0);
  a.fill(7); b.fill(9);
  assert.deepEqual([...c], [0, 0, 0, 0]);
  const d = s.i32(100);
  assert.notEqual(d.buffer, a.buffer, 'too large for what is left: an array of its own');
  assert.equal(d.length, 100);
});
