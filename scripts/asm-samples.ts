/**
 * Sample operands for every form of the x86-64 form table, shared by the golden
 * generator (scripts/gen-asm-golden.ts) and the assembler tests.
 *
 * An operand *spec* is a short string so fixtures stay readable JSON:
 *   "rdx"                      register
 *   "imm:-2" / "imm:0x1234"    immediate (bigint when not a safe integer)
 *   "mem:8:rbx:rcx:4:16"       memory: size bytes (0 = ptr), base, index, scale, disp ("-" = none)
 *   "label:back" / "label:fwd" branch to a label bound before / after the instruction;
 *   "label:far" branch back over 200 bytes of NOPs (the sample's bytes include them)
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Form } from '../src/asm/x64/forms.js';
import { Assembler } from '../src/asm/x64/assembler.js';
import { tokenParts } from '../src/fuzz/asm-fuzz.js';
import { Mem, Reg, registersByName, gp8, gp16, gp32, gp64, xmmRegs, ymmRegs, type Operand } from '../src/asm/x64/operands.js';

/** One concrete instruction: GNU as text and jitkit operand specs. */
export interface Sample { text: string; ops: string[] }

const REG_SETS = [[2, 3, 1, 6], [9, 10, 11, 12], [6, 7, 15, 8], [3, 12, 5, 13]];
const MEMS = [
  { base: 'rbx', index: 'rcx', scale: 4, disp: 0x10 },
  { base: 'r13', index: 'r14', scale: 8, disp: 0x12345678 },
  { base: 'rip', index: '-', scale: 1, disp: 0x40 },
  { base: 'rsp', index: '-', scale: 1, disp: -8 },
];
const IMMS: Record<string, (number | bigint)[]> = {
  imm8: [0x7f, 5, 0xc8, 1], simm8: [-2, 0x7f, -128, 0], imm16: [0x1234, 0x7fff, 0x8000, 0xffff],
  imm32: [0x12345678, 0x80000000, 0x1000, 0xffffffff], simm32: [0x12345678, -0x12345678, 0x1000, -0x80000000],
  imm64: [0x123456789abcdef0n, 0xffffffff, 0x8000000000000000n, -1],
};
const SIZE_WORD: Record<number, string> = { 1: 'byte', 2: 'word', 4: 'dword', 8: 'qword', 16: 'xmmword', 32: 'ymmword' };

function regName(kind: string, id: number): string {
  switch (kind) {
    case 'r8': return gp8[id]!.name;
    case 'r16': return gp16[id]!.name;
    case 'r32': return gp32[id]!.name;
    case 'r64': return gp64[id]!.name;
    case 'xmm': return xmmRegs[id]!.name;
    default: return ymmRegs[id]!.name;
  }
}

export { tokenParts };

/** Formats a spec as GNU Intel syntax. */
export function specText(s: string): string {
  if (s.startsWith('imm:')) return s.slice(4);
  if (s.startsWith('mem:')) {
    const [, size, base, index, scale, disp] = s.split(':') as [string, string, string, string, string, string];
    const d = Number(disp);
    let inner = base !== '-' ? base : '';
    if (index !== '-') inner += (inner ? '+' : '') + `${index}*${scale}`;
    if (d !== 0 || inner === '') inner += (d < 0 ? '-' : inner ? '+' : '') + '0x' + Math.abs(d).toString(16);
    const sz = SIZE_WORD[Number(size)];
    return `${sz ? sz + ' ptr ' : ''}[${inner}]`;
  }
  return s;
}

/** Builds the operand for a spec (labels are handled by the caller). */
export function specOperand(s: string): Operand {
  if (s.startsWith('imm:')) {
    const t = s.slice(4);
    const big = BigInt(t.startsWith('-') ? '-' + t.slice(1) : t);
    return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
  }
  if (s.startsWith('mem:')) {
    const [, size, base, index, scale, disp] = s.split(':') as [string, string, string, string, string, string];
    return new Mem(Number(size), base === '-' ? null : registersByName.get(base)!, index === '-' ? null : registersByName.get(index)!,
      Number(scale), Number(disp), null);
  }
  const r = registersByName.get(s);
  if (r === undefined) throw new Error(`bad operand spec ${s}`);
  return r;
}

function immSpec(v: number | bigint): string {
  if (typeof v === 'bigint' || v > 0xffff) return `imm:0x${v.toString(16)}`;
  return `imm:${v}`;
}

/** Deterministic samples for one form (register variants, then memory variants). */
export function samplesFor(f: Form): Sample[] {
  const out: Sample[] = [];
  const seen = new Set<string>();
  const add = (ops: string[]): void => {
    let text: string;
    if (f.iRel >= 0) {
      text = ops[0] === 'label:back' ? `1: ${f.mnemonic} 1b`
        : ops[0] === 'label:far' ? `1: .fill 200, 1, 0x90\n${f.mnemonic} 1b` : `${f.mnemonic} 1f\n1:`;
    } else text = `${f.mnemonic}${ops.length ? ' ' : ''}${ops.map(specText).join(', ')}`;
    if (!seen.has(text)) { seen.add(text); out.push({ text, ops }); }
  };
  // rel8: jump to itself; rel32 jmp/jcc: 200 bytes back (out of rel8 reach); call: forward.
  if (f.iRel >= 0) { add([f.relSize === 1 ? 'label:back' : f.mnemonic === 'call' ? 'label:fwd' : 'label:far']); return out; }
  const memIdx = f.tokens.findIndex((t) => tokenParts(t).mem >= 0);
  for (let v = 0; v < 4; v++) {
    for (const useMem of [false, true]) {
      if (useMem && memIdx < 0) continue;
      const ops: string[] = [];
      let regNo = 0, ok = true;
      f.tokens.forEach((t, i) => {
        if (t in IMMS) { ops.push(immSpec(IMMS[t]![v]!)); return; }
        if (t === '1') { ops.push('imm:1'); return; }
        if (['al', 'ax', 'eax', 'rax', 'cl', 'xmm0'].includes(t)) { ops.push(t); return; }
        const { reg, mem } = tokenParts(t);
        if (i === memIdx && (useMem || reg === null)) {
          const m = MEMS[useMem ? v : (v + 1) % 4]!;
          ops.push(`mem:${mem}:${m.base}:${m.index}:${m.scale}:${m.disp}`);
          return;
        }
        if (reg === null) { ok = false; return; }
        ops.push(regName(reg, REG_SETS[v]![regNo++]!));
      });
      if (ok) add(ops);
    }
  }
  return out;
}

/** A tiny seeded PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DISPS = [0, 1, -1, 127, 128, -128, -129, 0x7fffffff, -0x80000000, 0x1000];
const IMM_EDGES: Record<string, (number | bigint)[]> = {
  imm8: [0, 1, 127, 128, 255, -128, -1], simm8: [0, -1, 127, -128, 1],
  imm16: [0, 0x7fff, 0x8000, 0xffff, -0x8000, 300], imm32: [0, 0x7fffffff, 0x80000000, 0xffffffff, -0x80000000, 70000],
  simm32: [0, 0x7fffffff, -0x80000000, 128, -129], imm64: [0x7fffffffffffffffn, 0x8000000000000000n, 0xffffffffffffffffn, 0x100000000, -0x80000001],
};

/** A random operand spec list for form `f` (registers of every number, all addressing shapes, boundary values). */
export function randomSample(f: Form, next: () => number): string[] {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  return f.tokens.map((t) => {
    if (t in IMM_EDGES) return immSpec(pick(IMM_EDGES[t]!));
    if (t === '1') return 'imm:1';
    if (['al', 'ax', 'eax', 'rax', 'cl', 'xmm0'].includes(t)) return t;
    const { reg, mem } = tokenParts(t);
    if (mem >= 0 && (reg === null || next() < 0.5)) {
      const shape = Math.floor(next() * 5);
      const base = shape === 0 ? 'rip' : shape === 1 ? '-' : gp64[Math.floor(next() * 16)]!.name;
      let index = shape === 0 || next() < 0.3 ? '-' : gp64[pick([0, 1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15])]!.name;
      if (base === '-' && index === '-' && next() < 0.5) index = 'r11';
      return `mem:${mem}:${base}:${index}:${pick([1, 2, 4, 8])}:${pick(DISPS)}`;
    }
    return regName(reg!, Math.floor(next() * 16));
  });
}

/** True if the spec names a register object. */
export function isRegSpec(s: string): boolean { return registersByName.get(s) instanceof Reg; }

/** Assembles one sample with jitkit and returns its bytes. */
export function assembleSample(mnemonic: string, ops: readonly string[]): Uint8Array {
  const a = new Assembler();
  if (ops[0] === 'label:back') {
    const l = a.newLabel(); a.bind(l); a.emitNamed(mnemonic, l);
  } else if (ops[0] === 'label:far') {
    const l = a.newLabel(); a.bind(l); a.embed(new Uint8Array(200).fill(0x90)); a.emitNamed(mnemonic, l);
  } else if (ops[0] === 'label:fwd') {
    const l = a.newLabel(); a.emitNamed(mnemonic, l); a.bind(l);
  } else {
    const o = ops.map(specOperand);
    a.emitNamed(mnemonic, o[0], o[1], o[2], o[3]);
  }
  return a.finish().bytes;
}

/** Lower-case hex of bytes. */
export function toHex(b: Uint8Array): string { return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(''); }

/** One golden fixture entry. */
export interface GoldenEntry { form: string; text: string; ops: string[]; hex: string; objdump: string }
/** Reads test/asm/x64/golden.json (path relative to the compiled dist/scripts). */
export function loadGolden(): { entries: GoldenEntry[] } {
  return JSON.parse(readFileSync(fileURLToPath(new URL('../../test/asm/x64/golden.json', import.meta.url)), 'utf8'));
}
