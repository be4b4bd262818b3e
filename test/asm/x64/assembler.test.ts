/**
 * Assembler behaviour beyond single forms: error messages, labels and branch sizing,
 * alignment NOPs, constant pool, relocations, prefixes, high-byte registers, the
 * condition-code API and reusable memory operands. Byte expectations were checked
 * against GNU as 2.40 / objdump; multi-instruction layouts are decoded with iced-x86.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Assembler, Cond, Mem, type Reg, extern, rel, ptr, byte, dword, qword, xmmword, abs,
  rax, rbx, rcx, rdx, rsi, rdi, rsp, rbp, r8, r12, r13, rip, eax, ecx, ax, al, ah, bh, sil, r8b, xmm0, xmm1, ymm0,
} from '../../../src/asm/x64/index.js';
import { disassemble } from '../../../src/debug/disasm.js';
import { MNEMONICS, FORMS_BY_MNEMONIC } from '../../../src/asm/x64/index.js';
import { toHex } from '../../../scripts/asm-samples.js';

const hexOf = (f: (a: Assembler) => void): string => { const a = new Assembler(); f(a); return toHex(a.finish().bytes); };
const throwsMsg = (f: (a: Assembler) => void, msg: string | RegExp): void => {
  assert.throws(() => f(new Assembler()), (e: Error) => { if (typeof msg === 'string') assert.equal(e.message, msg); else assert.match(e.message, msg); return true; });
};

test('invalid operands throw errors naming the instruction and the problem', () => {
  throwsMsg((a) => a.add(qword(rax), qword(rdi)), 'add: memory-to-memory operands are not encodable');
  throwsMsg((a) => a.mov(al, 300), 'mov: immediate 300 does not fit in 8 bits');
  throwsMsg((a) => a.add(eax, 0x100000000), 'add: immediate 4294967296 does not fit in 32 bits');
  throwsMsg((a) => a.add(rax, 0x80000000), 'add: immediate 2147483648 does not fit in 32 bits');
  throwsMsg((a) => a.mov(ah, r8b), 'mov: ah cannot be encoded with an instruction that needs a REX prefix (r8b)');
  throwsMsg((a) => a.mov(bh, sil), 'mov: bh cannot be encoded with an instruction that needs a REX prefix (sil)');
  throwsMsg((a) => a.movzx(rax, ah), 'movzx: ah cannot be encoded with an instruction that needs a REX prefix (REX.W)');
  throwsMsg((a) => a.lea(rax, qword(rbx, rsp, 2, 0)), 'lea: rsp cannot be an index register');
  throwsMsg((a) => a.inc(ptr(rax)), /^inc: operand size is ambiguous/);
  // An immediate never decides the size of a ptr operand, whatever its value (GNU as: "ambiguous operand size").
  throwsMsg((a) => a.add(ptr(rax), 0xffffffff), 'add: operand size is ambiguous; use byte/word/dword/qword/xmmword/ymmword instead of ptr');
  throwsMsg((a) => a.mov(ptr(rax), 0x12345678), /^mov: operand size is ambiguous/);
  throwsMsg((a) => a.test(ptr(rax), 0x10000), /^test: operand size is ambiguous/);
  throwsMsg((a) => a.bt(ptr(rax), 3), /^bt: operand size is ambiguous/);
  throwsMsg((a) => a.shl(ptr(rax), 1), /^shl: operand size is ambiguous/);
  throwsMsg((a) => a.mov(rax, ecx), 'mov: invalid operand combination (rax, ecx)');
  throwsMsg((a) => a.ret(1, 2), 'ret: expects 0 or 1 operands, got 2');
  throwsMsg((a) => a.lock().add(rax, rdi), 'add: lock prefix requires a memory destination');
  throwsMsg((a) => a.lock().mov(qword(rax), rdi), 'mov: lock prefix is not allowed with this instruction');
  throwsMsg((a) => a.rep().add(rax, rdi), 'add: rep prefix is not allowed with this instruction');
  throwsMsg((a) => a.emitNamed('frob', rax), 'frob: unknown instruction');
  throwsMsg((a) => a.mov(rax, 2 ** 60), /not a safe integer/);
  throwsMsg(() => qword(rax, rcx, 3), 'memory operand: scale 3 is not 1, 2, 4 or 8');
  throwsMsg(() => qword(rax, rcx, 1, 2 ** 31), /displacement 2147483648 does not fit in 32 bits/);
  throwsMsg(() => qword(eax), /base eax must be a 64-bit register/);
  throwsMsg((a) => { const l = a.newLabel(); a.jmp(l); a.finish(); }, 'finish: label 0 is referenced but never bound');
  throwsMsg((a) => { const l = a.newLabel(); a.bind(l); a.bind(l); }, 'bind: label 0 is already bound');
  throwsMsg((a) => a.nopN(16), 'nop: length 16 is not in 1..15');
  throwsMsg((a) => a.vaddps(xmm0, xmm1, ymm0), /^vaddps: invalid operand combination/);
});

test('forms GNU as accepts beyond the SDM spellings (bytes checked against GNU as 2.40)', () => {
  assert.equal(hexOf((a) => a.imul(rax, 5)), '486bc005'); // imul rax, rax, 5
  assert.equal(hexOf((a) => a.imul(r8, 300)), '4d69c02c010000');
  assert.equal(hexOf((a) => a.imul(ax, 300)), '6669c02c01');
  assert.equal(hexOf((a) => a.movsxd(eax, ecx)), '63c1');
  assert.equal(hexOf((a) => a.movsx(rax, dword(rdi))), '486307'); // = movsxd rax, dword [rdi]
  assert.equal(hexOf((a) => a.movzx(ax, ax)), '660fb7c0');
  assert.equal(hexOf((a) => a.test(rcx, ptr(rax))), '488508'); // = test [rax], rcx; the register gives the size
  assert.equal(hexOf((a) => a.pextrb(r8, xmm1, 3)), '66410f3a14c803'); // = pextrb r8d, xmm1, 3
  assert.equal(hexOf((a) => a.vmovmskps(rax, ymm0)), 'c5fc50c0');
  // Sized memory with an immediate is fine.
  assert.equal(hexOf((a) => a.add(dword(rax), 0xffffffff)), '8300ff');
});

test('short forms: imm8 sign-extension, accumulator forms, 64-bit immediates', () => {
  assert.equal(hexOf((a) => a.add(rax, rdi)), '4801f8'); // GNU: MR form 01 /r, not 03 /r
  assert.equal(hexOf((a) => a.add(rax, -1)), '4883c0ff');
  assert.equal(hexOf((a) => a.add(eax, 0xffffffff)), '83c0ff'); // 0xffffffff == -1 at 32 bits
  assert.equal(hexOf((a) => a.add(ax, 0xff80)), '6683c080');
  assert.equal(hexOf((a) => a.add(eax, 0x1000)), '0500100000');
  assert.equal(hexOf((a) => a.add(ecx, 0x1000)), '81c100100000');
  assert.equal(hexOf((a) => a.mov(rax, 1)), '48c7c001000000');
  assert.equal(hexOf((a) => a.mov(rax, -1n)), '48c7c0ffffffff');
  assert.equal(hexOf((a) => a.mov(rax, 0xffffffffffffffffn)), '48c7c0ffffffff');
  assert.equal(hexOf((a) => a.mov(rax, 0x123456789abcdef0n)), '48b8f0debc9a78563412');
  assert.equal(hexOf((a) => a.mov(r8, 0x80000000)), '49b80000008000000000');
  assert.equal(hexOf((a) => a.shl(rax, 1)), '48d1e0');
  assert.equal(hexOf((a) => a.push(-1)), '6aff');
  assert.equal(hexOf((a) => a.mov(ah, al)), '88c4');
  assert.equal(hexOf((a) => a.movzx(eax, ah)), '0fb6c4');
});

test('addressing: SIB for rsp/r12, displacement for rbp/r13, index-only, absolute, RIP', () => {
  assert.equal(hexOf((a) => a.mov(rax, qword(rsp))), '488b0424');
  assert.equal(hexOf((a) => a.mov(rax, qword(r12))), '498b0424');
  assert.equal(hexOf((a) => a.mov(rax, qword(rbp))), '488b4500');
  assert.equal(hexOf((a) => a.mov(rax, qword(r13))), '498b4500');
  assert.equal(hexOf((a) => a.mov(rax, qword(rdi, rsi, 8, 16))), '488b44f710');
  assert.equal(hexOf((a) => a.mov(rax, qword(null, rsi, 8, 16))), '488b04f510000000');
  assert.equal(hexOf((a) => a.mov(rax, abs(8, 0x1000))), '488b042500100000');
  assert.equal(hexOf((a) => a.mov(rax, qword(rip, 0x10))), '488b0510000000');
  assert.equal(hexOf((a) => a.mov(rax, qword(rdi, 128))), '488b8780000000');
  assert.equal(hexOf((a) => a.mov(rax, qword(rdi, -128))), '488b4780');
});

test('prefixes: lock and rep in GNU order', () => {
  assert.equal(hexOf((a) => a.lock().add(qword(rdi), 1)), 'f0488307' + '01');
  assert.equal(hexOf((a) => a.lock().add(ptr(rax), ax)), '66f00100');
  assert.equal(hexOf((a) => a.lock().cmpxchg16b(xmmword(rdi))), 'f0480fc70f');
  assert.equal(hexOf((a) => a.rep().movsb()), 'f3a4');
  assert.equal(hexOf((a) => a.rep().stosw()), '66f3ab');
  assert.equal(hexOf((a) => a.rep().movsq()), 'f348a5');
});

test('condition-code API and aliases', () => {
  assert.equal(hexOf((a) => a.setcc(Cond.E, al)), '0f94c0');
  assert.equal(hexOf((a) => a.sete(al)), '0f94c0');
  assert.equal(hexOf((a) => a.setz(al)), '0f94c0');
  assert.equal(hexOf((a) => a.cmovcc(Cond.L, rax, rbx)), '480f4cc3');
  assert.equal(hexOf((a) => a.cmovnge(rax, rbx)), '480f4cc3');
  assert.equal(hexOf((a) => { const l = a.newLabel(); a.bind(l); a.jcc(Cond.NE, l); a.jnz(l); }), '75fe75fc');
});

test('branches: backward rel8/rel32 by distance, relaxed forward jumps, calls and label offsets', () => {
  // Backward: 2-byte jump reaches -128 exactly when 126 bytes precede it.
  for (const [pad, expect] of [[126, 'eb80'], [127, 'e97cffffff']] as const) {
    const a = new Assembler();
    const l = a.newLabel();
    a.bind(l);
    for (let i = 0; i < pad; i++) a.nop();
    a.jmp(l);
    assert.equal(toHex(a.finish().bytes.subarray(pad)), expect);
  }
  {
    const a = new Assembler();
    const l = a.newLabel();
    a.bind(l);
    for (let i = 0; i < 200; i++) a.nop();
    a.je(l);
    assert.equal(toHex(a.finish().bytes.subarray(200)), '0f8432ffffff');
  }
  const a = new Assembler();
  const fwd = a.newLabel(), fn = a.newLabel();
  a.jmp(fwd); a.jl(fwd); a.call(fn);
  a.lea(rax, rel(fwd));
  a.bind(fwd); a.ret();
  a.bind(fn); a.ret();
  const out = a.finish();
  // Forward jumps are relaxed to rel8 by finish(); call is always rel32.
  assert.equal(toHex(out.bytes), 'eb0e' + '7c0c' + 'e808000000' + '488d0500000000' + 'c3' + 'c3');
  assert.equal(out.labelOffsets(fwd), 16);
  assert.equal(a.labelOffset(fn), 17);
  assert.equal(a.offset, 18);
});

test('align pads with multi-byte NOPs that decode as NOPs; nopN makes 1..15-byte NOPs', async () => {
  for (let n = 1; n <= 15; n++) {
    const a = new Assembler();
    a.nopN(n);
    const bytes = a.finish().bytes;
    assert.equal(bytes.length, n);
    const lines = await disassemble(bytes);
    assert.equal(lines.length, 1, lines.join('\n'));
    assert.match(lines[0]!, /\s(nop\b|xchg ax, ax$)/); // 66 90 is the canonical 2-byte NOP
  }
  assert.equal(hexOf((b) => b.nop().nop(3).nop(dword(rax))), '90' + '0f1f00' + '0f1f00');
  for (let start = 0; start < 32; start++) {
    const a = new Assembler();
    for (let i = 0; i < start; i++) a.int3();
    a.align(32);
    assert.equal(a.offset, start === 0 ? 0 : 32);
    const lines = await disassemble(a.finish().bytes.subarray(start));
    assert.ok(lines.every((l) => /\s(nop\b|xchg ax, ax$)/.test(l)), lines.join('\n'));
  }
});

test('constant pool: RIP-relative constants placed after the code, aligned', () => {
  const a = new Assembler();
  const c = a.constant(1.5);
  const d = a.constant(new Uint8Array(16).fill(7));
  a.movsd(xmm0, qword(rip, c));
  a.movaps(xmm1, rel(d));
  a.ret();
  const out = a.finish();
  assert.equal(out.labelOffsets(c), 16);
  assert.equal(out.labelOffsets(d), 32);
  assert.equal(toHex(out.bytes.subarray(0, 16)), 'f20f100508000000' + '0f280d11000000' + 'c3');
  assert.equal(new DataView(out.bytes.buffer).getFloat64(16, true), 1.5);
  assert.deepEqual([...out.bytes.subarray(32, 48)], new Array(16).fill(7));
});

test('relocations: rel32 calls to externals and abs64 addresses', () => {
  const a = new Assembler();
  a.call(extern('strlen'));
  a.movAbs64(r8, 'table', 8);
  a.jmp(extern('tail'));
  const out = a.finish();
  assert.equal(toHex(out.bytes), 'e800000000' + '49b80000000000000000' + 'e900000000');
  assert.deepEqual(out.relocations, [
    { kind: 'rel32', offset: 1, symbol: 'strlen', addend: -4 },
    { kind: 'abs64', offset: 7, symbol: 'table', addend: 8 },
    { kind: 'rel32', offset: 16, symbol: 'tail', addend: -4 },
  ]);
});

test('embed, reusable memory operands and buffer growth', () => {
  const a = new Assembler(64);
  const m = new Mem(8, rdi, null, 1, 0, null);
  for (let i = 0; i < 1000; i++) a.mov(rax, m.set(rdi, rcx, 8, i * 8));
  a.embed([1, 2, 3]);
  const bytes = a.finish().bytes;
  assert.equal(toHex(bytes.subarray(0, 4)), '488b04cf');
  assert.equal(toHex(bytes.subarray(bytes.length - 3)), '010203');
  assert.equal(hexOf((a2) => a2.mov(byte(rdx, 1), 0xff).mov(dword(rdx), -1)), 'c64201ff' + 'c702ffffffff');
});

test('short(): forward rel8 jumps, checked at finish', () => {
  const a = new Assembler();
  const l = a.newLabel();
  a.short().jne(l);
  a.short().jmp(l);
  a.nop();
  a.bind(l);
  a.ret();
  assert.equal(toHex(a.finish().bytes), '7503' + 'eb01' + '90' + 'c3');
  throwsMsg((b) => { const m = b.newLabel(); b.short().jmp(m); for (let i = 0; i < 128; i++) b.nop(); b.bind(m); b.finish(); },
    'finish: short jump at offset 0 to label 0 does not reach (distance 128)');
  throwsMsg((b) => { const m = b.newLabel(); b.bind(m); for (let i = 0; i < 200; i++) b.nop(); b.short().jmp(m); },
    'short jump: label 0 is -202 bytes away, out of rel8 reach');
  throwsMsg((b) => b.short().add(rax, rdi), 'add: short() applies only to jmp/jcc to a label');
  throwsMsg((b) => { const m = b.newLabel(); b.short().call(m); }, /^call: invalid operand combination/);
});

test('branch relaxation: random jump graphs with alignment decode to the right targets (iced-x86)', async () => {
  const { Decoder, DecoderOptions, FlowControl, Mnemonic } = await import('iced-x86');
  let seed = 12345;
  const rnd = (n: number): number => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return (seed >>> 8) % n; };
  let shortJumps = 0, longJumps = 0;
  for (let round = 0; round < 60; round++) {
    const a = new Assembler();
    const labels = Array.from({ length: 8 }, () => a.newLabel());
    const bound = new Set<number>();
    const expected: number[] = []; // label index per branch / lea, in code order
    for (let i = 0; i < 120; i++) {
      const k = rnd(10);
      if (k < 3) a.nopN(1 + rnd(15));
      else if (k < 6) { const l = rnd(8); expected.push(l); if (rnd(2)) a.jmp(labels[l]!); else a.jcc(rnd(16) as Cond, labels[l]!); }
      else if (k === 6) { const l = rnd(8); expected.push(l); a.lea(rax, rel(labels[l]!)); }
      else if (k === 7) a.align(1 << (1 + rnd(5)));
      else if (k === 8) { const l = rnd(8); if (!bound.has(l)) { a.bind(labels[l]!); bound.add(l); } }
      else a.embed(new Uint8Array(rnd(100)).fill(0xcc));
    }
    for (let l = 0; l < 8; l++) if (!bound.has(l)) { a.bind(labels[l]!); a.int3(); }
    const out = a.finish();
    const d = new Decoder(64, out.bytes, DecoderOptions.None);
    const got: number[] = [];
    const targets: bigint[] = [];
    while (d.canDecode) {
      const ins = d.decode();
      if (ins.flowControl === FlowControl.UnconditionalBranch || ins.flowControl === FlowControl.ConditionalBranch) {
        targets.push(ins.nearBranchTarget);
        if (ins.length === 2) shortJumps++; else longJumps++;
      } else if (ins.mnemonic === Mnemonic.Lea) targets.push(ins.memoryDisplacement); // rip-relative: absolute target
      ins.free();
    }
    d.free();
    for (const l of expected) got.push(out.labelOffsets(labels[l]!));
    // Embedded 0xcc bytes and NOPs decode as int3/nop, so the branch list lines up with `expected`.
    assert.deepEqual(targets.map(Number), got, `round ${round}`);
  }
  assert.ok(shortJumps > 300 && longJumps > 300, `${shortJumps} short, ${longJumps} long`);
});

test('mnemonics.ts lists exactly the mnemonics of the form table', () => {
  assert.deepEqual([...MNEMONICS], [...FORMS_BY_MNEMONIC.keys()]);
});

test('formFor + emitForm: the bytes of the instruction method for every register of the shape', () => {
  const gp64 = [rax, rbx, rcx, rdx, rsi, rdi, rsp, rbp, r8, r12, r13], gp32 = [eax, ecx], xmms = [xmm0, xmm1];
  const shapes: [string, readonly Reg[]][] = [['mov', gp64], ['add', gp64], ['imul', gp64], ['cmp', gp32], ['test', gp32], ['addsd', xmms], ['movaps', xmms]];
  for (const [m, regs] of shapes) {
    const f = Assembler.formFor(m as 'mov', regs[0], regs[0]);
    for (const x of regs) for (const y of regs) {
      assert.equal(hexOf((a) => a.emitForm(f, x, y)), hexOf((a) => (a as unknown as Record<string, (p: unknown, q: unknown) => void>)[m]!(x, y)), `${m} ${x.name}, ${y.name}`);
    }
  }
  const load = Assembler.formFor('mov', rax, qword(rax, 0)), store = Assembler.formFor('mov', qword(rax, 0), rax);
  for (const base of [rax, rsp, rbp, r12, r13]) for (const disp of [0, 8, -200, 4096]) {
    assert.equal(hexOf((a) => a.emitForm(load, r8, qword(base, rcx, 4, disp))), hexOf((a) => a.mov(r8, qword(base, rcx, 4, disp))));
    assert.equal(hexOf((a) => a.emitForm(store, qword(base, disp), rdi)), hexOf((a) => a.mov(qword(base, disp), rdi)));
  }
  assert.throws(() => Assembler.formFor('add', rax, 1 as never), /operands must be registers or memory operands/);
});

test('jumpLabel writes what jmp/jcc to a label write (random code with near, far, unbound and short jumps)', () => {
  let seed = 3;
  const rnd = (n: number): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n;
  for (let round = 0; round < 200; round++) {
    const general = new Assembler(), fast = new Assembler();
    const labels = Array.from({ length: 1 + rnd(8) }, () => [general.newLabel(), fast.newLabel()] as const);
    const bound = new Set<number>();
    for (let step = 0; step < 60; step++) {
      const k = rnd(labels.length), [lg, lf] = labels[k]!, cc = rnd(17) - 1;
      const what = rnd(10);
      if (what === 0 && !bound.has(k)) { general.bind(lg); fast.bind(lf); bound.add(k); }
      else if (what === 1) { general.nop(1 + rnd(15)); fast.nop(general.offset - fast.offset); }
      else if (what === 2) { const n = 100 + rnd(200); general.embed(new Uint8Array(n)); fast.embed(new Uint8Array(n)); }
      else if (what === 3 && !bound.has(k)) {
        // A short jump (rel8 forced): both take the general path.
        if (cc < 0) { general.short().jmp(lg); fast.short().jumpLabel(-1, lf); } else { general.short().jcc(cc as Cond, lg); fast.short().jumpLabel(cc as Cond, lf); }
      } else if (cc < 0) { general.jmp(lg); fast.jumpLabel(-1, lf); }
      else { general.jcc(cc as Cond, lg); fast.jumpLabel(cc as Cond, lf); }
      assert.equal(fast.offset, general.offset);
    }
    labels.forEach(([lg, lf], k) => { if (!bound.has(k)) { general.bind(lg); fast.bind(lf); } });
    let g: Uint8Array;
    try { g = general.finish().bytes; } catch (e) { assert.throws(() => fast.finish(), { message: (e as Error).message }); continue; }
    assert.equal(toHex(fast.finish().bytes), toHex(g));
  }
});
