/**
 * compiled.get(name, signature): the signature text is parsed, checked against the IR
 * function (a mismatch throws before anything runs), and gives the JS function its types.
 * Oracle for the values: the reference interpreter on the same module.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compile, ir } from '../../src/index.js';
import { parseSignatureText } from '../../src/codegen/js-signature.js';

const m = ir.parse(`
function %mix(i8, i16, i32, i64, ptr, f32, f64) -> i64, f64 {
block0(v0: i8, v1: i16, v2: i32, v3: i64, v4: ptr, v5: f32, v6: f64):
    v7 = sext.i64 v0
    v8 = sext.i64 v1
    v9 = sext.i64 v2
    v10 = iadd v7, v8
    v11 = iadd v10, v9
    v12 = iadd v11, v3
    v13 = load.i64 v4
    v14 = iadd v12, v13
    v15 = fpromote.f64 v5
    v16 = fadd v15, v6
    return v14, v16
}
function %none() {
block0:
    return
}`);

test('signature text parses as the IR prints it, with optional spaces', () => {
  assert.deepEqual(parseSignatureText('(i64, ptr) -> i32', 'x'), { params: [ir.Type.I64, ir.Type.Ptr], results: [ir.Type.I32] });
  assert.deepEqual(parseSignatureText(' (i64,ptr)->i32 ', 'x'), { params: [ir.Type.I64, ir.Type.Ptr], results: [ir.Type.I32] });
  assert.deepEqual(parseSignatureText('()', 'x'), { params: [], results: [] });
  assert.deepEqual(parseSignatureText('(f64) -> i32, i32', 'x'), { params: [ir.Type.F64], results: [ir.Type.I32, ir.Type.I32] });
  for (const bad of ['', 'i64', '(i64', '(i65) -> i64', '(i64) ->', '(i64) i64', '(i64,) -> i64', '((i64)) -> i64', '(i64) -> i64,']) {
    assert.throws(() => parseSignatureText(bad, 'compiled.get(\'f\')'), {
      name: 'TypeError',
      message: `compiled.get('f'): ${JSON.stringify(bad)} is not an IR signature; expected the form (i64, ptr) -> i32, () or (f64) -> i32, i32`,
    });
  }
  assert.throws(() => parseSignatureText(42 as unknown as string, 'x'), TypeError);
});

test('compiled.get(name, signature) checks the signature and calls like the interpreter', () => {
  const compiled = compile(m);
  const mix = compiled.get('mix', '(i8, i16, i32, i64, ptr, f32, f64) -> i64, f64');
  const cell = new BigInt64Array([1000n]);
  const args = [-1, -2, -3, 10n, cell, 0.5, 0.25] as const;
  const got = mix(...args);
  const want = new ir.Interpreter(m).call('mix', [...args]);
  assert.deepEqual(got, want);
  assert.deepEqual(got, [1004n, 0.75]);
  const none = compiled.get('none', '()');
  assert.equal(none(), undefined);
  // The same function as get(name) and functions.NAME.
  assert.equal(compiled.get('none'), none);
  assert.equal(compiled.functions['none'], none);
  for (const [name, sig, have] of [
    ['mix', '(i8, i16, i32, i64, ptr, f32, f64) -> i64', '(i8, i16, i32, i64, ptr, f32, f64) -> i64, f64'],
    ['mix', '(i8, i16, i32, i64, i64, f32, f64) -> i64, f64', '(i8, i16, i32, i64, ptr, f32, f64) -> i64, f64'],
    ['none', '() -> i32', '()'],
  ] as const) {
    assert.throws(() => compiled.get(name, sig), { name: 'TypeError', message: `compiled.get('${name}'): the function's signature is ${have}, not ${sig}` });
  }
  assert.throws(() => compiled.get('nothing', '()'), { message: 'compiled module has no function %nothing' });
  compiled.free();
});
