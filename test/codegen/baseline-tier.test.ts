/**
 * The baseline tier (`compile(m, { tier: 'baseline' })`, src/regalloc/local.ts): option
 * errors, the benchmark kernels compiled by it agree with -O2 and the interpreter (with the
 * register-allocation checker on), and the many-live-values function of bench:kernels
 * compiles correctly.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Interpreter } from '../../src/ir/index.js';
import { compile } from '../../src/codegen/compile.js';
import { buildKernels } from '../../bench/kernels/ir.js';
import { KERNEL_NAMES, runKernel, TEST_SIZES, type KernelCaller } from '../../bench/kernels/inputs.js';
import { buildLiveFunction } from '../../bench/kernels/large-live.js';
import { countInstructions } from '../../bench/kernels/jit.js';

test('tier option: unknown tiers and optimisation levels with the baseline tier are clear errors', () => {
  const m = buildKernels();
  assert.throws(() => compile(m, { tier: 'fast' as never }), /tier must be 'optimizing' or 'baseline', got fast/);
  assert.throws(() => compile(m, { tier: 'baseline', opt: 2 }), /baseline tier compiles the IR as written \(opt 2 needs tier 'optimizing'\)/);
  compile(m, { tier: 'baseline', opt: 0 }).free();
});

test('every benchmark kernel compiled by the baseline tier == -O2 == the interpreter (allocation checked)', () => {
  const m = buildKernels();
  const interp = new Interpreter(m);
  const base = compile(m, { tier: 'baseline', checkRegalloc: true });
  const o2 = compile(m, { opt: 2, checkRegalloc: true });
  try {
    const call = (c: typeof base): KernelCaller => (name, args) => c.get(name)(...args);
    for (const name of KERNEL_NAMES) {
      const want = runKernel(name, TEST_SIZES, (n, args) => interp.call(n, args));
      assert.deepEqual(runKernel(name, TEST_SIZES, call(base)), want, `${name}: baseline`);
      assert.deepEqual(runKernel(name, TEST_SIZES, call(o2)), want, `${name}: -O2`);
    }
  } finally {
    base.free();
    o2.free();
  }
});

test('the many-live-values function (bench:kernels\' large-function shape) compiled by the baseline tier == the interpreter', () => {
  const m = buildLiveFunction(40000);
  const n = countInstructions(m);
  assert.ok(n >= 40000 && n < 48000, `${n} instructions`); // plus the final sum of every 8th value
  const want = new Interpreter(m).call('live', [3n, -7n]);
  const t0 = performance.now();
  const c = compile(m, { tier: 'baseline', checkRegalloc: true });
  const ms = performance.now() - t0;
  try {
    assert.equal(c.get('live')(3n, -7n), want);
  } finally {
    c.free();
  }
  // Generous (a loaded 2-core machine, the checker on): quadratic behaviour takes minutes here.
  assert.ok(ms < 30000, `compiling took ${ms.toFixed(0)} ms`);
});
