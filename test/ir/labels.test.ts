/**
 * label_addr / indirect_br (GNU C's `&&label`, `goto *p`) built with the Builder: argument checks,
 * and a dispatch over many labels where the interpreter and compiled code (-O0, -O2) agree.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Interpreter, Module, TrapError, Type } from '../../src/ir/index.js';
import { compile } from '../../src/codegen/compile.js';

test('labelAddr checks its label; indirectBr its targets', () => {
  const f = new Module().function('f', [Type.Ptr], []);
  const b = f.builder();
  for (const bad of [-1, 65536, 1.5, NaN, '1'] as unknown[]) {
    assert.throws(() => b.labelAddr(bad as number), /^RangeError: label_addr: label must be an integer 0\.\.65535, got /);
  }
  assert.throws(() => b.indirectBr(b.param(0), 3 as never), /indirect_br/);
  assert.throws(() => b.indirectBr(b.iconst(Type.I64, 0), []), /indirect_br address v\d+ has type i64, expected ptr/);
});

test('indirect_br over 300 labels: each label reaches its own block, with block arguments', () => {
  const N = 300;
  const m = new Module();
  const f = m.function('pick', [Type.I32, Type.I64], [Type.I64]);
  const b = f.builder();
  const [k, x] = [b.param(0), b.param(1)];
  // A table of N label addresses in a stack slot, indexed by k (unsigned, masked to 512 entries:
  // past N the entries are zero, an address no label has).
  const slot = f.stackSlot(8 * 512, 8);
  const base = b.stackAddr(slot);
  for (let i = 0; i < 512; i++) b.store(i < N ? b.labelAddr(i) : b.bitcast(Type.Ptr, b.iconst(Type.I64, 0)), base, 8 * i);
  const idx = b.band(b.zext(Type.I64, k), b.iconst(Type.I64, 511));
  const p = b.load(Type.Ptr, b.iadd(base, b.imul(idx, b.iconst(Type.I64, 8))));
  const targets = [];
  const blocks = [];
  for (let i = 0; i < N; i++) {
    const blk = b.block(Type.I64);
    blocks.push(blk);
    targets.push({ block: blk, args: [i % 2 === 0 ? x : b.iconst(Type.I64, i)] });
  }
  b.indirectBr(p, targets);
  blocks.forEach((blk, i) => {
    b.switchTo(blk);
    b.return(b.iadd(b.blockParams(blk)[0]!, b.iconst(Type.I64, i * i)));
  });
  b.finish();
  const want = (i: number, xv: bigint): bigint => (i % 2 === 0 ? xv : BigInt(i)) + BigInt(i * i);
  const it = new Interpreter(m);
  for (const i of [0, 1, 2, 149, 298, 299]) assert.equal(it.call('pick', [i, 1000n]), want(i, 1000n));
  assert.throws(() => it.call('pick', [300, 1n]), (e: unknown) => e instanceof TrapError && e.trap === 'bad_target');
  for (const opt of [0, 2] as const) {
    const c = compile(m, { opt });
    try {
      const pick = c.get('pick');
      for (let i = 0; i < N; i++) assert.equal(pick(i, 1000n), want(i, 1000n), `label ${i} at -O${opt}`);
      assert.throws(() => pick(300, 1n), /bad_target/);
      assert.throws(() => pick(-1, 1n), /bad_target/);
    } finally { c.free(); }
  }
});
