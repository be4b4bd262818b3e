/**
 * Addressing-mode folding: a load/store whose address is
 * `iadd(base, ishl/imul(i, scale))` (plus a constant) uses one
 * `[base + index*scale + disp]` operand.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { parse } from '../../src/ir/index.js';
import { compile } from '../../src/codegen/compile.js';

/** The instruction lines of the disassembly (after the prologue). */
function body(text: string): string {
  return text.slice(text.indexOf('; block0:'), text.indexOf('; (trap stubs)'));
}

test('load.f64 (iadd p, (ishl i, 3))+8 uses [r + r*8 + 8]', async () => {
  const c = compile(parse(`function %f(ptr, i64) -> f64 {
block0(v0: ptr, v1: i64):
    v2 = iconst.i64 3
    v3 = ishl v1, v2
    v4 = iadd v0, v3
    v5 = load.f64 v4+8
    return v5
}
`));
  const text = body(await c.disassemble('f'));
  assert.match(text, /movsd xmm\d+, (qword ptr )?\[r[a-z0-9]+\+r[a-z0-9]+\*8\+8\]/);
  assert.doesNotMatch(text, /\bshl\b/);
  assert.doesNotMatch(text, /\badd\b/);
  const a = new Float64Array([1.5, 2.5, 3.5, 4.5]);
  assert.equal(c.functions.f!(a, 1n), 3.5);
  assert.equal(c.functions.f!(a, 2n), 4.5);
  c.free();
});

test('imul scale, constant added to the address, store, and an address with another use', async () => {
  const c = compile(parse(`function %g(ptr, i64, i32) -> i64 {
block0(v0: ptr, v1: i64, v2: i32):
    v3 = iconst.i64 4
    v4 = imul v1, v3
    v5 = iadd v0, v4
    v6 = iconst.i64 -4
    v7 = iadd v5, v6
    store.i32 v2, v7+8
    v8 = sload32.i64 v7+4
    v9 = bitcast.i64 v5
    v11 = bitcast.i64 v0
    v12 = isub v9, v11
    v10 = iadd v8, v12
    return v10
}
`));
  const text = body(await c.disassemble('g'));
  assert.match(text, /\[r[a-z0-9]+\+r[a-z0-9]+\*4\+4\]/);
  assert.match(text, /\[r[a-z0-9]+\+r[a-z0-9]+\*4\]/);
  const a = new Int32Array([10, 20, 30, 40]);
  assert.equal(c.functions.g!(a, 1n, -7), 4n + 20n);
  assert.deepEqual([...a], [10, 20, -7, 40]);
  assert.equal(c.functions.g!(a, 2n, 5), 8n - 7n);
  assert.deepEqual([...a], [10, 20, -7, 5]);
  c.free();
});
