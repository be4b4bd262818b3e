/**
 * Assembler throughput, modelled on asmjit_bench_codegen: build functions of
 * GP reg-only, GP reg/mem, SSE, AVX and mixed instruction sequences with the public
 * API (every instruction is matched and validated against the form table), and
 * report million instructions and MiB of code per second.
 * Run: npm run bench:asm. The last line is `validated MInst/s: <mixed figure>`.
 */
import {
  Assembler, Cond, qword, dword, xmmword, ymmword,
  rax, rbx, rcx, rdx, rsi, rdi, rsp, r8, r9, r10, r11, r12, r13, r14, r15, eax, ecx, edx, r8d, al, cl,
  xmm0, xmm1, xmm2, xmm3, xmm8, xmm9, xmm12, xmm15, ymm0, ymm1, ymm2, ymm3, ymm8, ymm9, ymm12, ymm15,
} from '../src/asm/x64/index.js';

const m1 = qword(rdi, rcx, 8, 16), m2 = dword(rsi, 0x100), m3 = qword(rsp, 8), m4 = qword(r13, r14, 4, -8);
const x1 = xmmword(rdi, rcx, 8, 0), x2 = xmmword(rsi, 64), y1 = ymmword(rdi, rcx, 8, 0), y2 = ymmword(r12, 32);

function gpRegOnly(a: Assembler): number {
  a.add(rax, rdi); a.sub(rcx, rdx); a.and(r8, r9); a.or(r10, r11); a.xor(eax, eax); a.mov(r12, r13);
  a.imul(r14, r15); a.shl(rax, 3); a.sar(rdx, cl); a.cmp(rax, rbx); a.test(ecx, edx); a.add(rsi, 1);
  a.sub(rdi, 0x1000); a.inc(r8d); a.neg(r9); a.lea(rax, qword(rdi, rsi, 4, 8)); a.mov(eax, 0x12345);
  a.cmovcc(Cond.L, rax, rbx); a.setcc(Cond.E, al); a.movzx(ecx, al); a.bswap(r10); a.popcnt(r11, r12);
  a.xchg(rdx, r15); a.not(r13);
  return 24;
}
function gpRegMem(a: Assembler): number {
  a.mov(rax, m1); a.mov(m1, rdx); a.add(rax, m1); a.add(m2, 5); a.cmp(m3, r8); a.sub(r9, m4);
  a.mov(m2, 0x7fff); a.lea(r10, m4); a.movsxd(r11, m2); a.and(m1, -16); a.or(m4, r12); a.xor(r13, m3);
  a.test(m2, 1); a.inc(m1); a.imul(r14, m4, 10); a.push(m3); a.pop(m3); a.movzx(eax, dword(rdi).withSize(1));
  return 18;
}
function sse(a: Assembler): number {
  a.movaps(xmm0, x1); a.addps(xmm0, xmm1); a.mulps(xmm2, xmm8); a.subsd(xmm9, xmm15); a.divss(xmm3, xmm12);
  a.movups(x2, xmm0); a.pxor(xmm1, xmm1); a.paddd(xmm8, x1); a.pshufd(xmm2, xmm3, 0x1b); a.cvtsi2sd(xmm0, rax);
  a.ucomisd(xmm0, xmm1); a.sqrtpd(xmm12, xmm15); a.movq(rax, xmm0); a.movd(xmm1, ecx); a.pcmpeqb(xmm2, xmm3);
  a.andps(xmm9, x2);
  return 16;
}
function avx(a: Assembler): number {
  a.vmovaps(ymm0, y1); a.vaddps(ymm0, ymm1, ymm2); a.vmulpd(ymm8, ymm9, y2); a.vfmadd231pd(ymm0, ymm1, ymm2);
  a.vpxor(ymm3, ymm3, ymm3); a.vmovups(y2, ymm12); a.vpermq(ymm15, ymm1, 0x4e); a.vpaddd(xmm0, xmm1, x1);
  a.vbroadcastss(ymm1, xmm0); a.vinserti128(ymm2, ymm2, xmm3, 1); a.vsubss(xmm8, xmm9, xmm12); a.vpshufb(ymm8, ymm9, ymm12);
  a.vandps(xmm15, xmm0, x2); a.vcvtsi2sd(xmm1, xmm1, rax); a.vpermd(ymm0, ymm1, y1); a.vsqrtpd(ymm2, ymm3);
  return 16;
}
function mixed(a: Assembler): number {
  return gpRegOnly(a) + gpRegMem(a) + sse(a) + avx(a);
}

function bench(name: string, seq: (a: Assembler) => number): number {
  const REPEAT = 8; // sequences per function
  let insts = 0, bytes = 0, iterations = 0;
  const a = new Assembler(4096); // reused like asmjit's CodeHolder: reset() per function
  // Time is process CPU time (user + system): the figure stays meaningful on a shared,
  // loaded host where wall-clock time includes waiting for a core. Wall time is shown too.
  const cpu = (): number => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
  const w0 = performance.now();
  const t0 = cpu();
  let t = t0;
  while (t - t0 < 700) {
    for (let k = 0; k < 200; k++) {
      a.reset();
      for (let r = 0; r < REPEAT; r++) insts += seq(a);
      a.ret();
      insts++;
      bytes += a.finish({ copy: false }).bytes.length; // zero-copy view, as a linker would consume it
      iterations++;
    }
    t = cpu();
  }
  const s = (t - t0) / 1000, wall = (performance.now() - w0) / 1000;
  const minst = insts / s / 1e6;
  console.log(`${name.padEnd(12)} ${minst.toFixed(1).padStart(7)} MInst/s ${(bytes / s / 1048576).toFixed(1).padStart(8)} MiB/s` +
    `  (${iterations} functions, ${(insts / iterations).toFixed(0)} inst each; wall-clock ${(insts / wall / 1e6).toFixed(1)} MInst/s)`);
  return minst;
}

for (const [n, f] of [['gp reg', gpRegOnly], ['gp reg/mem', gpRegMem], ['sse', sse], ['avx', avx], ['mixed', mixed]] as const) bench(n, f); // warm-up
console.log('--');
bench('gp reg', gpRegOnly);
bench('gp reg/mem', gpRegMem);
bench('sse', sse);
bench('avx', avx);
const mixedRate = bench('mixed', mixed);
console.log(`validated MInst/s: ${mixedRate.toFixed(1)}`);
