/**
 * The compile-speed reference program (bench/kernels/compile-reference.ts) is the
 * same program in both forms: its IR, compiled by jitkit at -O0 and -O2, and its
 * WebAssembly, run by V8, give the same results; and a V8 compiler child process
 * reports a time.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compile } from '../../src/index.js';
import { referenceModule, referenceWasm, V8_COMPILERS, v8CompileMs } from '../../bench/kernels/compile-reference.js';
import { WA } from '../../bench/wasm.js';

test('the reference program computes the same as jitkit IR (-O0, -O2) and as WebAssembly', () => {
  for (const seed of [1, 2, 3]) {
    const wasm = new WA.Instance(new WA.Module(referenceWasm(4, 24, seed))).exports;
    for (const opt of [0, 2] as const) {
      const jitted = compile(referenceModule(4, 24, seed), { opt });
      for (let i = 0; i < 4; i++) {
        for (const [n, x] of [[1, 0], [3, 77], [9, -123456789]] as const) {
          new Uint8Array((wasm.mem as { buffer: ArrayBuffer }).buffer).fill(0);
          const want = (wasm[`f${i}`] as (n: number, x: number) => number)(n, x);
          assert.equal(jitted.get(`f${i}`)(n, x, new Uint8Array(1024)), want, `seed ${seed} -O${opt} f${i}(${n}, ${x})`);
        }
      }
      jitted.free();
    }
  }
});

test('V8 compiles the reference program in a child process with the flags of each compiler', () => {
  for (const flags of Object.values(V8_COMPILERS)) {
    const ms = v8CompileMs(flags, 2, 10, 2, 1);
    assert.ok(ms > 0 && ms < 1000, `${flags.join(' ')}: ${ms} ms`);
  }
});
