/**
 * Constant blinding (src/codegen/blinding.ts): with `blindConstants`, none of the
 * constants, offsets and trap codes a program chooses appear in its machine code
 * (the emitted bytes are scanned for them; without blinding they are there), and
 * the code computes the same (a program of every kind of constant, and the kernels).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import { compile, ir } from '../../src/index.js';
import type { CompiledModule } from '../../src/codegen/compile.js';
import { buildKernels } from '../../bench/kernels/ir.js';
import { KERNEL_NAMES, TEST_SIZES, runKernel } from '../../bench/kernels/inputs.js';

const PROGRAM = `function %f(i64, ptr) -> i64 {
    ss0 = stack_slot 2048, align 8

block0(v0: i64, v1: ptr):
    v2 = iconst.i64 0x3c909090
    v3 = iadd v0, v2
    v4 = iconst.i64 0x1122334455667788
    v5 = bxor v3, v4
    v6 = load.i64 v1+0x41418
    v7 = iadd v5, v6
    v8 = fconst.f64 1.2345678912345e-270
    v9 = bitcast.i64 v8
    v10 = iadd v7, v9
    v11 = stack_addr ss0+0x6e8
    store.i64 v10, v11
    v12 = load.i64 v11
    v13 = iconst.i32 0x7a7b7c7d
    v14 = sext.i64 v13
    v15 = iadd v12, v14
    v16 = fconst.f32 1234567.5
    v17 = fcvt_from_sint.f32 v0
    v21 = fadd v17, v16
    v18 = fcvt_to_sint.i64 v21
    v19 = iadd v15, v18
    v20 = icmp eq v0, v2
    brif v20, block1, block2

block1:
    trap user4660

block2:
    return v19
}
`;

/** Little-endian bytes of each chosen constant, as they would be encoded. */
const CHOSEN: Record<string, number[]> = {
  'iconst 0x3c909090': [0x90, 0x90, 0x90, 0x3c],
  'iconst 0x1122334455667788': [0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11],
  'load offset 0x41418': [0x18, 0x14, 0x04, 0x00],
  'stack_addr offset 0x6e8': [0xe8, 0x06],
  'iconst.i32 0x7a7b7c7d': [0x7d, 0x7c, 0x7b, 0x7a],
  'trap user4660 (code 4676)': [0x44, 0x12, 0x00, 0x00],
};

function bytesOf(c: CompiledModule): Uint8Array {
  return (c as unknown as { linked: { bytes: Uint8Array } }).linked.bytes;
}

function contains(hay: Uint8Array, needle: readonly number[]): boolean {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

test('blindConstants: no chosen constant, offset or trap code appears in the code, and results are the same', () => {
  const m = ir.parse(PROGRAM);
  const f64 = new DataView(new ArrayBuffer(8));
  f64.setFloat64(0, 1.2345678912345e-270, true);
  const f32 = new DataView(new ArrayBuffer(4));
  f32.setFloat32(0, 1234567.5, true);
  const chosen = { ...CHOSEN, 'fconst.f64 bits': [...new Uint8Array(f64.buffer)], 'fconst.f32 bits': [...new Uint8Array(f32.buffer)] };
  const memory = new BigInt64Array(0x41418 / 8 + 1);
  memory[0x41418 / 8] = 99n;
  for (const opt of [0, 2] as const) {
    const plain = compile(m, { opt }), blinded = compile(m, { opt, blindConstants: true });
    for (const [what, bytes] of Object.entries(chosen)) {
      assert.ok(contains(bytesOf(plain), bytes), `-O${opt}: ${what} is in the code without blinding (the scan can see it)`);
      assert.ok(!contains(bytesOf(blinded), bytes), `-O${opt}: ${what} is in the blinded code`);
    }
    for (const x of [0n, 1n, -5n, 0x3c909090n]) {
      let want: unknown, got: unknown;
      try { want = plain.get('f')(x, memory); } catch (e) { want = (e as Error).message; }
      try { got = blinded.get('f')(x, memory); } catch (e) { got = (e as Error).message; }
      assert.deepEqual(got, want, `-O${opt} f(${x})`);
    }
    plain.free();
    blinded.free();
  }
});

test('blindConstants: each compilation draws new keys', () => {
  const m = ir.parse(PROGRAM);
  const a = compile(m, { blindConstants: true }), b = compile(m, { blindConstants: true });
  assert.notDeepEqual([...bytesOf(a).subarray(0, 200)], [...bytesOf(b).subarray(0, 200)]);
  a.free();
  b.free();
  assert.throws(() => compile(m, { blindConstants: 1 as never }), /blindConstants must be a boolean, got 1/);
});

test('blindConstants: the kernels compute the same', () => {
  const m = buildKernels();
  const plain = compile(m, { opt: 2 }), blinded = compile(m, { opt: 2, blindConstants: true });
  for (const k of KERNEL_NAMES) {
    const want = runKernel(k, TEST_SIZES, (n, args) => plain.get(n)(...args));
    const got = runKernel(k, TEST_SIZES, (n, args) => blinded.get(n)(...args));
    assert.ok(isDeepStrictEqual(got, want), k);
  }
  plain.free();
  blinded.free();
});
