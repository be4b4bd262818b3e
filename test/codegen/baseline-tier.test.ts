/**
 * The baseline tier (`compile(m, { tier: 'baseline' })`, src/regalloc/local.ts): option
 * errors, the benchmark kernels compiled by it agree with -O2 and the interpreter (with the
 * register-allocation checker on), and the many-live-values function of bench:kernels
 * compiles correctly in both tiers (the optimising tier hands it to the local allocator once
 * its live-in lists pass the budget, which keeps compile time linear).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Interpreter } from '../../src/ir/index.js';
import { compile } from '../../src/codegen/compile.js';
import { buildKernels } from '../../bench/kernels/ir.js';
import { KERNEL_NAMES, runKernel, TEST_SIZES, type KernelCaller } from '../../bench/kernels/inputs.js';
import { buildLiveFunction } from '../../bench/kernels/large-live.js';
import { countInstructions } from '../../bench/kernels/jit.js';
import { allocateRegisters } from '../../src/regalloc/linear-scan.js';
import { allocateLocal } from '../../src/regalloc/local.js';
import { hostTarget } from '../../src/codegen/host.js';
import { regallocView } from '../../src/codegen/backend.js';
import { BackendScratch } from '../../src/codegen/scratch.js';
import type { Module } from '../../src/ir/index.js';

/** Linear scan's and the local allocator's operand locations for the only function of `m` (lowered, not rotated). */
function bothAllocations(m: Module): { linear: Int32Array; local: Int32Array } {
  const target = hostTarget();
  const cx = { dataAddress: () => 0x10000n, functionSymbol: (n: string) => `fn:${n}`, importStubSymbol: (n: string) => `stub:${n}`, importSymbol: (n: string) => `c:${n}`, resultsAddress: 0x20000n, scratch: new BackendScratch() };
  const f = [...m.functions()][0]!;
  const { input } = regallocView(target, target.lowerFunction(f, cx));
  return { linear: allocateRegisters(input).opLoc, local: allocateLocal(input).opLoc };
}

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

test('the many-live-values function: both tiers == the interpreter, and the optimising tier falls back past the live-in budget', () => {
  const m = buildLiveFunction(40000);
  const n = countInstructions(m);
  assert.ok(n >= 40000 && n < 48000, `${n} instructions`); // plus the final sum of every 8th value
  // Past the budget linear scan returns the local allocator's allocation; below it, its own.
  const big = bothAllocations(m);
  assert.deepEqual(big.linear, big.local, 'linear scan did not hand the 40k function to the local allocator');
  const small = bothAllocations(buildLiveFunction(2000));
  assert.notDeepEqual(small.linear, small.local, 'linear scan handed a 2k function to the local allocator');
  const want = new Interpreter(m).call('live', [3n, -7n]);
  for (const options of [{ tier: 'baseline' }, { opt: 0 }, { opt: 2 }] as const) {
    const t0 = performance.now();
    const c = compile(m, { ...options, checkRegalloc: true });
    const ms = performance.now() - t0;
    try {
      assert.equal(c.get('live')(3n, -7n), want, JSON.stringify(options));
    } finally {
      c.free();
    }
    // Generous (a loaded 2-core machine, the checker on): quadratic behaviour takes minutes here.
    assert.ok(ms < 30000, `${JSON.stringify(options)}: compiling took ${ms.toFixed(0)} ms`);
  }
});
