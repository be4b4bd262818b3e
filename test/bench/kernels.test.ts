/**
 * The benchmark kernels agree across their implementations before anyone
 * times them: IR (reference interpreter) == C (gcc -O2 through the calling
 * layer) == JS, on small inputs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Interpreter } from '../../src/ir/index.js';
import { buildKernels } from '../../bench/kernels/ir.js';
import { jsCaller, KERNEL_NAMES, runKernel, TEST_SIZES, type KernelCaller } from '../../bench/kernels/inputs.js';
import { buildCKernels } from '../../bench/kernels/c-library.js';

const module = buildKernels();
const interp = new Interpreter(module);
const irCaller: KernelCaller = (name, args) => interp.call(name, args);
const cCaller = buildCKernels(2);

for (const name of KERNEL_NAMES) {
  test(`kernel ${name}: IR interpreter == gcc -O2 == JS`, () => {
    const c = runKernel(name, TEST_SIZES, cCaller);
    assert.deepEqual(runKernel(name, TEST_SIZES, irCaller), c, 'IR vs C');
    assert.deepEqual(runKernel(name, TEST_SIZES, jsCaller), c, 'JS vs C');
  });
}

test('kernel results are the known answers', () => {
  assert.equal(runKernel('fib', TEST_SIZES, cCaller), 610);
  assert.equal(runKernel('sieve', TEST_SIZES, cCaller), 168);
  const crc = runKernel('crc32', { ...TEST_SIZES, crc32: 0 }, cCaller);
  assert.equal(crc, 0);
  // CRC-32 of "123456789" is 0xCBF43926.
  assert.equal(cCaller('crc32', [Buffer.from('123456789'), 9n]), 0xcbf43926 | 0);
  assert.equal(irCaller('crc32', [Buffer.from('123456789'), 9n]), 0xcbf43926 | 0);
});

test('the large compile-throughput function has the size asked for and computes the same compiled as interpreted', async () => {
  const { buildLargeFunction } = await import('../../bench/kernels/large.js');
  const { countInstructions } = await import('../../bench/kernels/jit.js');
  const { compile } = await import('../../src/codegen/compile.js');
  const m = buildLargeFunction(3000);
  const n = countInstructions(m);
  assert.ok(n >= 3000 && n < 3300, `${n} instructions`); // whole loops: up to one loop over
  const expected = new Interpreter(m).call('large', [3n, 5n]);
  for (const opt of [0, 2] as const) {
    const c = compile(m, { opt });
    assert.equal(c.get('large')(3n, 5n), expected, `-O${opt}`);
    c.free();
  }
});
