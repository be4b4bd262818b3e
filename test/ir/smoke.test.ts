import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Module, Type, printModule, parse, verify, Interpreter, IntCC } from '../../src/ir/index.js';

test('fib smoke', () => {
  const m = new Module();
  const fib = m.function('fib', [Type.I64], [Type.I64]);
  const b = fib.builder();
  const n = b.params[0]!;
  const [r] = b.ifElse(b.icmp(IntCC.Slt, n, b.iconst(Type.I64, 2)), [Type.I64], () => [n], () => {
    const a = b.call(fib, [b.isub(n, b.iconst(Type.I64, 1))]);
    const c = b.call(fib, [b.isub(n, b.iconst(Type.I64, 2))]);
    return [b.iadd(a, c)];
  });
  b.return(r!);
  b.finish();
  const text = printModule(m);
  console.log(text);
  assert.equal(printModule(parse(text)), text);
  verify(parse(text));
  const t0 = Date.now();
  assert.equal(new Interpreter(m).call('fib', [25n]), 75025n);
  console.log('fib25 ms', Date.now() - t0);
});
