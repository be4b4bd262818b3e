// The examples of docs/ir.md §5, verbatim, so that the documentation cannot drift.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Module, Type, IntCC, Interpreter, printModule } from '../../src/ir/index.js';

test('docs/ir.md examples run as documented', () => {
  const m = new Module();
  const fib = m.function('fib', [Type.I64], [Type.I64]);
  const b = fib.builder();                 // positioned at the entry block
  const n = b.param(0);
  const [r] = b.ifElse(b.icmp(IntCC.Slt, n, b.iconst(Type.I64, 2)), [Type.I64],
    () => [n],
    () => [b.iadd(b.call(fib, [b.isub(n, b.iconst(Type.I64, 1))]),
                  b.call(fib, [b.isub(n, b.iconst(Type.I64, 2))]))]);
  b.return(r);
  b.finish();                              // verifies; throws with every problem
  assert.equal(new Interpreter(m).call('fib', [10n]), 55n);

  const sum = m.function('sum', [Type.Ptr, Type.I64], [Type.I64]);
  const s = sum.builder();
  const [buf, len] = s.params;
  const zero = s.iconst(Type.I64, 0);
  const [total] = s.forRange(zero, len, [zero], (i, [acc]) => {
    const addr = s.iadd(buf, s.imul(i, s.iconst(Type.I64, 4)));   // ptr + i64
    return [s.iadd(acc, s.sload32(addr))];
  });
  s.return(total);
  s.finish();
  assert.equal(new Interpreter(m).call('sum', [new Int32Array([1, 2, 3]), 3]), 6n);
  assert.match(printModule(m), /^function %fib\(i64\) -> i64 \{\nblock0\(v0: i64\):\n/);
});
