/**
 * The nine benchmark kernels (bench/kernels/ir.ts) give the same answers in the
 * interpreter after -O1 and -O2 as the JS reference; -O1 never increases the
 * static instruction count of the module, and -O2 (which inlines) by at most 10%.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Interpreter, Module, parse, printModule } from '../../src/ir/index.js';
import { optimize } from '../../src/opt/index.js';
import { buildKernels } from '../../bench/kernels/ir.js';
import { jsCaller, KERNEL_NAMES, runKernel, TEST_SIZES, type KernelCaller } from '../../bench/kernels/inputs.js';

function count(m: Module): number {
  return printModule(m).split('\n').filter((l) => l.startsWith('    ') && !/^\s+(ss|sig)\d+ =/.test(l)).length;
}

for (const level of [1, 2] as const) {
  test(`benchmark kernels agree with JS after -O${level}`, () => {
    const original = buildKernels();
    const m = parse(printModule(original));
    optimize(m, { level, verify: true });
    // -O1 only removes code; -O2 may grow by inlining (and unrolling recursion once), by a bounded amount.
    const limit = level === 1 ? count(original) : Math.ceil(count(original) * 1.1);
    assert.ok(count(m) <= limit, `-O${level}: ${count(original)} -> ${count(m)} instructions`);
    const interp = new Interpreter(m);
    const caller: KernelCaller = (name, args) => interp.call(name, args);
    for (const name of KERNEL_NAMES) {
      assert.deepEqual(runKernel(name, TEST_SIZES, caller), runKernel(name, TEST_SIZES, jsCaller), `${name} at -O${level}`);
    }
  });
}
