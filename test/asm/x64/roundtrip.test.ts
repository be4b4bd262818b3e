/**
 * Round trip against an independent decoder: every form, with the golden samples and
 * a seeded random sweep of operands (all 16 registers of each class, byte registers
 * that need REX, rsp/r12 bases needing a SIB, rbp/r13 bases needing a displacement,
 * index-only and absolute addressing, RIP-relative, displacement and immediate width
 * boundaries), is encoded by jitkit and decoded by iced-x86; mnemonic, every operand
 * and the length must agree.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Decoder, DecoderOptions, Mnemonic, OpKind, Register } from 'iced-x86';
import { FORMS, type Form } from '../../../src/asm/x64/forms.js';
import { assembleSample, randomSample, rng, specOperand, loadGolden } from '../../../scripts/asm-samples.js';
import { Mem, Reg, gp32 } from '../../../src/asm/x64/operands.js';
import { decodedMnemonic, decodedOperands } from '../../../src/fuzz/asm-fuzz.js';

function regName(r: number): string {
  const n = (Register as unknown as Record<number, string>)[r]!.toLowerCase();
  return n.replace(/^r(\d+)l$/, 'r$1b');
}
const IMM_BITS: Partial<Record<number, number>> = {
  [OpKind.Immediate8]: 8, [OpKind.Immediate8_2nd]: 8, [OpKind.Immediate16]: 16, [OpKind.Immediate32]: 32,
  [OpKind.Immediate64]: 64, [OpKind.Immediate8to16]: 16, [OpKind.Immediate8to32]: 32, [OpKind.Immediate8to64]: 64,
  [OpKind.Immediate32to64]: 64,
};

/** Decodes `bytes` and checks it against the sample; returns an error string or ''. */
function check(f: Form, ops: string[], bytes: Uint8Array): string {
  if (ops[0] === 'label:far') bytes = bytes.subarray(200);
  const d = new Decoder(64, bytes, DecoderOptions.None);
  if (ops[0] === 'label:far') d.ip = 200n;
  const ins = d.decode();
  try {
    const what = `${f.mnemonic} ${ops.join(', ')} -> ${Buffer.from(bytes).toString('hex')}`;
    if (ins.length !== bytes.length) return `${what}: iced length ${ins.length}`;
    const mn = (Mnemonic as unknown as Record<number, string>)[ins.mnemonic]!.toLowerCase();
    const want = decodedMnemonic(f);
    // 66 90 / 48 90 (xchg ax,ax / rax,rax) are architecturally NOPs; GNU encodes them the same.
    if (mn === 'nop' && f.mnemonic === 'xchg' && ops[0] === ops[1]) return '';
    if (mn !== want) return `${what}: iced mnemonic ${mn}`;
    ops = decodedOperands(f, ops, (s) => { const o = specOperand(s); return o instanceof Reg ? gp32[o.id]!.name : s; });
    // iced leaves the implicit xmm0 of legacy blendv* out of the operand list.
    if (f.tokens[ops.length - 1] === 'xmm0' && ins.opCount === ops.length - 1) ops = ops.slice(0, -1);
    if (ins.opCount < ops.length) return `${what}: iced has ${ins.opCount} operands`;
    const err = compareOperands(what, ops, ins, bytes);
    // xchg is symmetric; iced may print the operands the other way round.
    if (err !== '' && f.mnemonic === 'xchg' && compareOperands(what, [ops[1]!, ops[0]!], ins, bytes) === '') return '';
    return err;
  } finally {
    ins.free();
    d.free();
  }
}

function compareOperands(what: string, ops: string[], ins: import('iced-x86').Instruction, bytes: Uint8Array): string {
  {
    for (let i = 0; i < ops.length; i++) {
      const s = ops[i]!, k = ins.opKind(i);
      if (s.startsWith('label:')) {
        const target = s === 'label:back' || s === 'label:far' ? 0n : BigInt(bytes.length);
        if (k !== OpKind.NearBranch64 || ins.nearBranchTarget !== target) return `${what}: branch target ${ins.nearBranchTarget}`;
        continue;
      }
      const o = specOperand(s);
      if (typeof o === 'number' || typeof o === 'bigint') {
        const bits = IMM_BITS[k];
        if (bits === undefined) return `${what}: operand ${i} is not an immediate`;
        const got = BigInt.asUintN(bits, ins.immediate(i));
        if (got !== BigInt.asUintN(bits, BigInt(o))) return `${what}: immediate ${got}`;
      } else if (o instanceof Mem) {
        if (k !== OpKind.Memory) return `${what}: operand ${i} is not memory`;
        const base = o.base === null ? 'none' : o.base.name;
        const index = o.index === null ? 'none' : o.index.name;
        if (regName(ins.memoryBase) !== base) return `${what}: base ${regName(ins.memoryBase)}`;
        if (regName(ins.memoryIndex) !== index) return `${what}: index ${regName(ins.memoryIndex)}`;
        if (o.index !== null && ins.memoryIndexScale !== o.scale) return `${what}: scale ${ins.memoryIndexScale}`;
        const disp = BigInt.asUintN(64, BigInt(base === 'rip' ? bytes.length + o.disp : o.disp));
        if (BigInt.asUintN(64, ins.memoryDisplacement) !== disp) return `${what}: displacement ${ins.memoryDisplacement}`;
      } else if ('cls' in o) {
        if (k !== OpKind.Register || regName(ins.opRegister(i)) !== o.name) return `${what}: operand ${i} is ${regName(ins.opRegister(i))}`;
      }
    }
    return '';
  }
}

const golden = loadGolden();
const goldenByForm = new Map<string, string[][]>();
for (const e of golden.entries) {
  let l = goldenByForm.get(e.form);
  if (!l) goldenByForm.set(e.form, (l = []));
  l.push(e.ops);
}

test('round trip through iced-x86: every form, golden samples and a seeded random sweep', () => {
  const next = rng(0x5eed);
  const failures: string[] = [];
  let count = 0;
  for (const f of FORMS) {
    const samples = [...(goldenByForm.get(f.row) ?? [])];
    if (f.iRel < 0) for (let i = 0; i < 24; i++) samples.push(randomSample(f, next));
    for (const ops of samples) {
      let bytes: Uint8Array;
      try { bytes = assembleSample(f.mnemonic, ops); } catch (e) { failures.push(`${f.mnemonic} ${ops.join(', ')}: threw ${(e as Error).message}`); continue; }
      const err = check(f, ops, bytes);
      if (err) failures.push(err);
      count++;
    }
  }
  assert.ok(count > 30000, `only ${count} samples`);
  assert.deepEqual(failures.slice(0, 40), [], `${failures.length} failures`);
});

test('round trip: every base x index x scale x displacement boundary, legacy and VEX', () => {
  const rows = [
    'mov r64, r/m64 | RM | REX.W 8B /r',
    'add r/m32, simm8 | MI | 83 /0 ib | lock',
    'movzx r32, r/m8 | RM | 0F B6 /r',
    'vaddps ymm, ymm, ymm/m256 | RVM | VEX.256.0F.WIG 58 /r',
    'vfmadd231sd xmm, xmm, xmm/m64 | RVM | VEX.LIG.66.0F38.W1 B9 /r',
  ];
  const regs = ['rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15'];
  const failures: string[] = [];
  let count = 0;
  for (const row of rows) {
    const f = FORMS.find((x) => x.row === row)!;
    assert.ok(f, row);
    const memIdx = f.tokens.findIndex((t) => t.includes('/m'));
    const size = f.memSize;
    for (const base of ['-', 'rip', ...regs]) {
      for (const index of ['-', ...regs.filter((r) => r !== 'rsp')]) {
        if (base === 'rip' && index !== '-') continue;
        for (const scale of index === '-' ? [1] : [1, 2, 4, 8]) {
          for (const disp of [0, 1, -1, 127, 128, -128, -129, 0x7fffffff, -0x80000000]) {
            const ops = f.tokens.map((t, i) => i === memIdx ? `mem:${size}:${base}:${index}:${scale}:${disp}`
              : t === 'simm8' ? 'imm:-3' : t.startsWith('ymm') ? 'ymm9' : t.startsWith('xmm') ? 'xmm3' : t.includes('64') ? 'r11' : 'esi');
            let bytes: Uint8Array;
            try { bytes = assembleSample(f.mnemonic, ops); } catch (e) { failures.push(`${ops}: ${(e as Error).message}`); continue; }
            const err = check(f, ops, bytes);
            if (err) failures.push(err);
            count++;
          }
        }
      }
    }
  }
  assert.ok(count > 40000, `${count}`);
  assert.deepEqual(failures.slice(0, 20), []);
});
