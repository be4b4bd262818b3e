/**
 * Hand-written functions built with the assembler and executed through the runtime
 * addon: map RW, write, flip to RX (never writable and executable at once), call, unmap.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { native } from '../../../src/runtime/addon.js';
import {
  Assembler, Cond, dword, qword, ymmword, rel,
  rax, rcx, rdx, rsi, rdi, eax, ecx, xmm0, xmm1, xmm2, ymm0, ymm1, ymm2,
} from '../../../src/asm/x64/index.js';

const C = native.constants;

/** Places code in fresh RX memory, runs `f` with its address, unmaps. */
function withCode<T>(bytes: Uint8Array, f: (address: bigint) => T): T {
  const size = Math.ceil(bytes.length / native.pageSize()) * native.pageSize();
  const address = native.mmap(size, C.PROT_READ | C.PROT_WRITE, C.MAP_PRIVATE | C.MAP_ANONYMOUS, -1, 0);
  try {
    native.write(address, bytes);
    native.mprotect(address, size, C.PROT_READ | C.PROT_EXEC);
    return f(address);
  } finally {
    native.munmap(address, size);
  }
}
const callI64 = (bytes: Uint8Array, a0 = 0n, a1 = 0n): bigint => withCode(bytes, (p) => native.callI64(p, a0, a1, 0n, 0n, 0n, 0n));
const callF64 = (bytes: Uint8Array): number => withCode(bytes, (p) => native.callF64(p, 0, 0, 0, 0, 0, 0, 0, 0));
const cpu = readFileSync('/proc/cpuinfo', 'utf8');
const has = (flag: string): boolean => new RegExp(`\\b${flag}\\b`).test(cpu);

test('sum of an Int32Array (loop, movsxd, backward jcc)', () => {
  const a = new Assembler();
  const loop = a.newLabel(), done = a.newLabel();
  a.xor(eax, eax);
  a.test(rsi, rsi);
  a.je(done);
  a.xor(ecx, ecx);
  a.align(16);
  a.bind(loop);
  a.movsxd(rdx, dword(rdi, rcx, 4, 0));
  a.add(rax, rdx);
  a.inc(rcx);
  a.cmp(rcx, rsi);
  a.jcc(Cond.B, loop);
  a.bind(done);
  a.ret();
  const code = a.finish().bytes;
  const arr = Int32Array.from({ length: 1000 }, (_, i) => (i % 7 === 0 ? -i * 1000 : i * 3));
  const want = arr.reduce((s, x) => s + BigInt(x), 0n);
  assert.equal(callI64(code, native.addressOf(arr), BigInt(arr.length)), want);
  assert.equal(callI64(code, native.addressOf(arr), 0n), 0n);
});

function dotInputs(n: number): [Float64Array, Float64Array, number] {
  const x = Float64Array.from({ length: n }, (_, i) => (i % 13) - 6);
  const y = Float64Array.from({ length: n }, (_, i) => (i % 5) + 0.5);
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i]! * y[i]!;
  return [x, y, s];
}

test('float64 dot product with SSE2 (pointers as imm64, constant pool)', () => {
  const [x, y, want] = dotInputs(256);
  const a = new Assembler();
  const one = a.constant(1.0);
  const loop = a.newLabel();
  a.mov(rdi, native.addressOf(x));
  a.mov(rsi, native.addressOf(y));
  a.mov(rdx, x.length);
  a.xorpd(xmm0, xmm0);
  a.xor(ecx, ecx);
  a.bind(loop);
  a.movupd(xmm1, qword(rdi, rcx, 8, 0).withSize(16));
  a.movupd(xmm2, qword(rsi, rcx, 8, 0).withSize(16));
  a.mulpd(xmm1, xmm2);
  a.addpd(xmm0, xmm1);
  a.add(rcx, 2);
  a.cmp(rcx, rdx);
  a.jb(loop);
  a.movapd(xmm1, xmm0);
  a.unpckhpd(xmm1, xmm1);
  a.addsd(xmm0, xmm1);
  a.addsd(xmm0, rel(one)); // + 1.0 from the constant pool
  a.ret();
  assert.equal(callF64(a.finish().bytes), want + 1);
});

test('float64 dot product with AVX2 + FMA', { skip: !(has('avx2') && has('fma')) }, () => {
  const [x, y, want] = dotInputs(1024);
  const a = new Assembler();
  const loop = a.newLabel();
  a.mov(rdi, native.addressOf(x));
  a.mov(rsi, native.addressOf(y));
  a.mov(rdx, x.length);
  a.vxorpd(ymm0, ymm0, ymm0);
  a.xor(ecx, ecx);
  a.bind(loop);
  a.vmovupd(ymm1, ymmword(rdi, rcx, 8, 0));
  a.vfmadd231pd(ymm0, ymm1, ymmword(rsi, rcx, 8, 0));
  a.add(rcx, 4);
  a.cmp(rcx, rdx);
  a.jb(loop);
  a.vextractf128(xmm1, ymm0, 1);
  a.vaddpd(xmm0, xmm0, xmm1);
  a.vunpckhpd(xmm1, xmm0, xmm0);
  a.vaddsd(xmm0, xmm0, xmm1);
  a.vzeroupper();
  a.ret();
  void ymm2;
  assert.equal(callF64(a.finish().bytes), want);
});

test('popcount (popcnt) and BMI2 (pext)', () => {
  const a = new Assembler();
  a.popcnt(rax, rdi);
  a.ret();
  const code = a.finish().bytes;
  for (const v of [0n, 1n, 0xffn, 0x8000000000000001n, 0xffffffffffffffffn, 0x123456789abcdefn]) {
    const want = BigInt([...v.toString(2)].filter((c) => c === '1').length);
    assert.equal(callI64(code, BigInt.asIntN(64, v)), want);
  }
  if (has('bmi2')) {
    const b = new Assembler();
    b.pext(rax, rdi, rsi);
    b.ret();
    assert.equal(callI64(b.finish().bytes, 0b10110110n, 0b11110000n), 0b1011n);
  }
});
