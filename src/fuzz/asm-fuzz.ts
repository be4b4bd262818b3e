/**
 * Assembler fuzzing, driven by the form table `FORMS`:
 *
 *   legal:   pick a form, make random operands its tokens accept (all 16
 *            registers, every addressing shape, boundary immediates), encode
 *            with `emitNamed`, decode with iced-x86: mnemonic, every operand
 *            and the length must agree.
 *   illegal: make combinations no form accepts (wrong operand count, two
 *            memory operands, ah next to a REX register, size mismatches,
 *            ymm to a general-purpose instruction, bad immediates, bad memory
 *            operands); the assembler must throw an `Error` with a message, not
 *            encode, and not fail with an internal JS error.
 *
 * iced-x86 is loaded by the caller (`loadIced()` in src/debug/disasm.ts).
 */
import { Assembler, CONDITION_NAMES, FORMS, FORMS_BY_MNEMONIC, type Form } from '../asm/x64/index.js';
import { Mem, gp16, gp32, gp64, gp8, ah, bh, ch, dh, rip, xmmRegs, ymmRegs, Reg, type Operand } from '../asm/x64/operands.js';
import { Rng } from './rng.js';

type Iced = typeof import('iced-x86');

/** Totals of an assembler fuzzing run. */
export interface AsmFuzzStats {
  /** Legal instructions encoded and decoded. */
  legal: number;
  /** Illegal combinations tried. */
  illegal: number;
  /** Descriptions of disagreements (legal) or accepted/crashing illegal combinations. */
  failures: string[];
  /** Forms exercised. */
  forms: Set<number>;
}

const DISPS = [0, 1, -1, 127, 128, -128, -129, 0x7fffffff, -0x80000000, 0x1000, 0x12345];
const IMMS: Record<string, readonly (number | bigint)[]> = {
  imm8: [0, 1, 127, 128, 255, -128, -1, 0x55], simm8: [0, -1, 127, -128, 1, 42],
  imm16: [0, 0x7fff, 0x8000, 0xffff, -0x8000, 300, -2], imm32: [0, 0x7fffffff, 0x80000000, 0xffffffff, -0x80000000, 70000, -5],
  simm32: [0, 0x7fffffff, -0x80000000, 128, -129, 1], imm64: [0x7fffffffffffffffn, 0x8000000000000000n, 0xffffffffffffffffn, 0x100000000, -0x80000001, 7],
};
const FIXED: Record<string, Reg> = { al: gp8[0]!, ax: gp16[0]!, eax: gp32[0]!, rax: gp64[0]!, cl: gp8[1]!, xmm0: xmmRegs[0]! };

/** Register kind and memory size (bytes, 0 = any, -1 = none) a form token accepts. */
export function tokenParts(t: string): { reg: string | null; mem: number } {
  const parts = t.startsWith('r/m') ? ['r' + t.slice(3), 'm' + t.slice(3)] : t.split('/');
  let reg: string | null = null, mem = -1;
  for (const p of parts) {
    if (/^(r8|r16|r32|r64|xmm|ymm)$/.test(p)) reg = p;
    else if (p === 'm') mem = 0;
    else if (/^m\d+$/.test(p)) mem = Number(p.slice(1)) / 8;
  }
  return { reg, mem };
}
function regOf(kind: string, id: number): Reg {
  switch (kind) {
    case 'r8': return gp8[id]!;
    case 'r16': return gp16[id]!;
    case 'r32': return gp32[id]!;
    case 'r64': return gp64[id]!;
    case 'xmm': return xmmRegs[id]!;
    default: return ymmRegs[id]!;
  }
}
function randomMem(r: Rng, size: number): Mem {
  const shape = r.int(0, 4);
  const base = shape === 0 ? rip : shape === 1 ? null : gp64[r.int(0, 15)]!;
  let index: Reg | null = shape === 0 || r.chance(0.3) ? null : gp64[r.pick([0, 1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15])]!;
  if (base === null && index === null && r.chance(0.5)) index = gp64[11]!;
  return new Mem(size, base, index, r.pick([1, 2, 4, 8]), r.pick(DISPS), null);
}

/** Random legal operands for `f` (undefined for relative-branch forms: a label is used). */
export function randomOperands(f: Form, r: Rng): Operand[] {
  return f.tokens.map((t) => {
    if (t in IMMS) return r.pick(IMMS[t]!);
    if (t === '1') return 1;
    const fixed = FIXED[t];
    if (fixed !== undefined) return fixed;
    const { reg, mem } = tokenParts(t);
    if (mem >= 0 && (reg === null || r.chance(0.5))) return randomMem(r, mem);
    return regOf(reg!, r.int(0, 15));
  });
}

const ALIAS = new Map<string, string>();
for (const names of CONDITION_NAMES) for (const n of names) for (const p of ['j', 'set', 'cmov']) ALIAS.set(p + n, p + names[0]);
ALIAS.set('sal', 'shl');

/** The mnemonic a decoder (iced-x86) shows for form `f`: condition-code aliases folded, `movsx` from 32 bits is `movsxd`. */
export function decodedMnemonic(f: Form): string {
  if (f.mnemonic === 'movsx' && f.tokens[1] === 'r/m32') return 'movsxd';
  return ALIAS.get(f.mnemonic) ?? f.mnemonic;
}

/**
 * The operands a decoder shows for form `f` given `ops`: `imul r, imm` decodes as `imul r, r, imm`,
 * `test r, m` as `test m, r` (one opcode for both orders), and the r64 operand of an `r64as32` form as
 * its r32 (`asR32` maps an operand to that register).
 */
export function decodedOperands<T>(f: Form, ops: readonly T[], asR32: (o: T) => T): T[] {
  let out = [...ops];
  if (f.r64AsR32) out = out.map((o, i) => (f.tokens[i] === 'r64' ? asR32(o) : o));
  if (f.count === 2 && f.iReg === 0 && f.iRm === 0) out = [out[0]!, out[0]!, out[1]!];
  if (f.mnemonic === 'test' && f.iReg === 0 && f.iRm === 1) out = [out[1]!, out[0]!];
  return out;
}

/** Compares an iced decode of `bytes` with the operands; '' when they agree. */
function compare(iced: Iced, f: Form, ops: Operand[], bytes: Uint8Array, branchTarget: bigint | null): string {
  const { Decoder, DecoderOptions, Mnemonic, OpKind, Register } = iced;
  const d = new Decoder(64, bytes, DecoderOptions.None);
  const ins = d.decode();
  try {
    const show = ops.map((o) => (o instanceof Reg ? o.name : o instanceof Mem ? `[${o.base?.name ?? ''}+${o.index?.name ?? ''}*${o.scale}+${o.disp}]` : String(o)));
    const what = `${f.mnemonic} ${show.join(', ')} -> ${Buffer.from(bytes).toString('hex')}`;
    if (ins.length !== bytes.length) return `${what}: iced length ${ins.length}`;
    const mn = (Mnemonic as unknown as Record<number, string>)[ins.mnemonic]!.toLowerCase();
    if (mn === 'nop' && f.mnemonic === 'xchg' && ops[0] === ops[1]) return '';
    if (mn !== decodedMnemonic(f)) return `${what}: iced mnemonic ${mn}`;
    ops = decodedOperands(f, ops, (o) => (o instanceof Reg ? gp32[o.id]! : o));
    if (branchTarget !== null) {
      return ins.opKind(0) === OpKind.NearBranch64 && ins.nearBranchTarget === branchTarget ? '' : `${what}: branch target ${ins.nearBranchTarget}`;
    }
    if (f.tokens[ops.length - 1] === 'xmm0' && ins.opCount === ops.length - 1) ops = ops.slice(0, -1);
    if (ins.opCount < ops.length) return `${what}: iced has ${ins.opCount} operands`;
    const regName = (x: number): string => (Register as unknown as Record<number, string>)[x]!.toLowerCase().replace(/^r(\d+)l$/, 'r$1b');
    const check = (list: Operand[]): string => {
      for (let i = 0; i < list.length; i++) {
        const o = list[i]!, k = ins.opKind(i);
        if (typeof o === 'number' || typeof o === 'bigint') {
          if (k === OpKind.Register || k === OpKind.Memory) return `${what}: operand ${i} is not an immediate`;
          // Compare in the width of the immediate kind.
          const bits = k === OpKind.Immediate8 || k === OpKind.Immediate8_2nd ? 8 : k === OpKind.Immediate16 || k === OpKind.Immediate8to16 ? 16
            : k === OpKind.Immediate32 || k === OpKind.Immediate8to32 ? 32 : 64;
          if (BigInt.asUintN(bits, ins.immediate(i)) !== BigInt.asUintN(bits, BigInt(o))) return `${what}: immediate ${ins.immediate(i)}`;
        } else if (o instanceof Mem) {
          if (k !== OpKind.Memory) return `${what}: operand ${i} is not memory`;
          if (regName(ins.memoryBase) !== (o.base?.name ?? 'none')) return `${what}: base ${regName(ins.memoryBase)}`;
          if (regName(ins.memoryIndex) !== (o.index?.name ?? 'none')) return `${what}: index ${regName(ins.memoryIndex)}`;
          if (o.index !== null && ins.memoryIndexScale !== o.scale) return `${what}: scale ${ins.memoryIndexScale}`;
          const disp = BigInt.asUintN(64, BigInt(o.base === rip ? bytes.length + o.disp : o.disp));
          if (BigInt.asUintN(64, ins.memoryDisplacement) !== disp) return `${what}: displacement ${ins.memoryDisplacement}`;
        } else if (o instanceof Reg) {
          if (k !== OpKind.Register || regName(ins.opRegister(i)) !== o.name) return `${what}: operand ${i} is ${regName(ins.opRegister(i))}`;
        }
      }
      return '';
    };
    const err = check(ops);
    if (err !== '' && f.mnemonic === 'xchg' && check([ops[1]!, ops[0]!]) === '') return '';
    return err;
  } finally {
    ins.free();
    d.free();
  }
}

/** True for errors that come from a JS bug rather than a deliberate check. */
export function isInternalError(e: unknown): boolean {
  if (!(e instanceof Error)) return true;
  return INTERNAL_MESSAGE.test(e.message) || e.message === '';
}
/**
 * V8's own messages (a JS engine error escaping from inside the library, i.e. input that
 * was not checked), as opposed to the library's checked messages.
 */
const INTERNAL_MESSAGE = new RegExp([
  'Cannot read properties', 'Cannot set properties', 'is not a function', 'is not iterable', 'Cannot convert', 'Cannot mix BigInt',
  'is not a constructor', 'Maximum call stack', 'Invalid array length', 'Invalid typed array length', 'Do not know how to serialize',
  'Cannot create property', 'Cannot access .* before initialization', 'is not defined', 'Reduce of empty array', 'Invalid time value',
  'must be non-object', 'Cannot destructure',
].join('|'));

/** One illegal combination: a mnemonic and operands no form accepts. */
function illegalCase(r: Rng): { mnemonic: string; ops: unknown[]; wrongType?: boolean } {
  const f = r.pick(FORMS);
  const ops: unknown[] = randomOperands(f, r);
  const forms = FORMS_BY_MNEMONIC.get(f.mnemonic)!;
  const maxCount = Math.max(...forms.map((x) => x.count));
  const gpOnly = forms.every((x) => x.tokens.every((t) => !/xmm|ymm/.test(t)));
  switch (r.int(0, 7)) {
    case 0: { // a wrong operand count (methods take at most 4 operands)
      const counts = new Set(forms.map((x) => x.count));
      const bad = [0, 1, 2, 3, 4].filter((c) => !counts.has(c));
      if (bad.length === 0) return { mnemonic: 'ret', ops: [gp64[1]!, gp64[2]!] };
      const n = r.pick(bad);
      while (ops.length < n) ops.push(gp64[r.int(0, 15)]!);
      return { mnemonic: f.mnemonic, ops: ops.slice(0, n) };
    }
    case 1: // two memory operands where a form has a memory operand and a register operand
      if (ops.length >= 2) return { mnemonic: f.mnemonic, ops: [randomMem(r, 8), randomMem(r, 8), ...ops.slice(2)] };
      return { mnemonic: 'mov', ops: [randomMem(r, 8), randomMem(r, 8)] };
    case 2: // a high-byte register next to one that needs REX
      return { mnemonic: r.pick(['mov', 'add', 'xor', 'cmp', 'test']), ops: r.chance(0.5) ? [r.pick([ah, bh, ch, dh]), gp8[r.int(4, 15)]!] : [gp8[r.int(4, 15)]!, r.pick([ah, bh, ch, dh])] };
    case 3: // size mismatch
      return { mnemonic: r.pick(['add', 'sub', 'and', 'or', 'xor', 'cmp', 'mov', 'adc', 'sbb', 'test']), ops: [gp32[r.int(0, 15)]!, gp64[r.int(0, 15)]!] };
    case 4: // vector register to a general-purpose-only instruction
      if (gpOnly && ops.length > 0) { ops[r.int(0, ops.length - 1)] = ymmRegs[r.int(0, 15)]!; return { mnemonic: f.mnemonic, ops }; }
      return { mnemonic: 'add', ops: [ymmRegs[1]!, gp64[2]!] };
    case 5: // bad immediates, or an immediate with a memory operand of no size (ptr): ambiguous whatever the value
      if (r.chance(0.3)) {
        const m = new Mem(0, gp64[r.int(0, 15)]!, null, 1, r.pick(DISPS), null);
        return { mnemonic: r.pick(['add', 'mov', 'cmp', 'and', 'test', 'adc', 'shl', 'sar', 'rol', 'bt', 'btc']), ops: [m, r.pick([1, 0xff, 0xffff, 0xffffffff, -1, 0x7fffffff])] };
      }
      return { mnemonic: r.pick(['add', 'mov', 'cmp', 'and']), ops: [gp64[r.int(0, 15)]!, r.pick([1.5, NaN, Infinity, 2 ** 60, 1n << 70n, -(1n << 64n)])] };
    case 6: // unknown mnemonic
      return { mnemonic: r.pick(['addd', 'movv', '', 'constructor', '__proto__', 'toString']), ops };
    default: // operands of a wrong JS type
      if (ops.length === 0) ops.push(undefined);
      ops[r.int(0, ops.length - 1)] = r.pick([{}, [], 'rax', true, Symbol('x'), () => 0, null]);
      return { mnemonic: f.mnemonic, ops, wrongType: true };
  }
}

/** Throws in the memory-operand constructor must be deliberate Errors too. */
function badMem(r: Rng): () => unknown {
  switch (r.int(0, 4)) {
    case 0: return () => new Assembler().emitNamed('mov', gp64[0]!, new Mem(8, gp64[1]!, gp64[4]!, 1, 0, null)).finish(); // rsp index
    case 1: return () => new Mem(8, rip, gp64[1]!, 1, 0, null);
    case 2: return () => new Mem(8, gp32[1]!, null, 1, 0, null);
    case 3: return () => new Mem(8, gp64[1]!, gp64[2]!, 3, 0, null);
    default: return () => new Mem(r.pick([3, 5, 64]), gp64[1]!, null, 1, 0, null);
  }
}

/** Operand text for messages. */
export function showOperand(o: unknown): string {
  if (o instanceof Reg) return o.name;
  if (o instanceof Mem) {
    const parts = [o.base?.name, o.index === null ? undefined : `${o.index.name}*${o.scale}`, o.disp !== 0 ? String(o.disp) : undefined].filter((x) => x !== undefined);
    return `${['ptr', 'byte', 'word', '', 'dword', '', '', '', 'qword'][o.size] ?? `m${o.size * 8}`} [${parts.join('+') || '0'}]`;
  }
  if (typeof o === 'bigint') return `${o}n`;
  if (typeof o === 'symbol') return o.toString();
  if (typeof o === 'object' && o !== null) {
    try { return JSON.stringify(o, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)) ?? String(o); } catch { return `[${o.constructor?.name ?? 'object'}]`; }
  }
  return String(o);
}

/** Runs `count` legal and `count / 4` illegal cases (or until `deadline`). */
export function asmFuzz(iced: Iced, seed: number, count: number, deadline = Infinity): AsmFuzzStats {
  const r = new Rng(seed);
  const stats: AsmFuzzStats = { legal: 0, illegal: 0, failures: [], forms: new Set() };
  const a = new Assembler();
  for (let n = 0; n < count && Date.now() < deadline; n++) {
    const f = r.pick(FORMS);
    stats.forms.add(f.index);
    a.reset();
    let ops: Operand[] = [];
    let target: bigint | null = null;
    try {
      if (f.iRel >= 0) {
        const l = a.newLabel();
        if (f.relSize === 1) { a.bind(l); a.emitNamed(f.mnemonic, l); target = 0n; } else { a.emitNamed(f.mnemonic, l); a.bind(l); }
      } else {
        ops = randomOperands(f, r);
        a.emitNamed(f.mnemonic, ops[0], ops[1], ops[2], ops[3]);
      }
    } catch (e) {
      stats.failures.push(`${f.row}: legal operands rejected: ${(e as Error).message}`);
      continue;
    }
    const bytes = a.finish().bytes;
    if (f.iRel >= 0 && target === null) target = BigInt(bytes.length);
    const err = compare(iced, f, ops, bytes, target);
    if (err !== '') stats.failures.push(err);
    stats.legal++;
    if (n % 4 === 0) {
      stats.illegal++;
      const c = illegalCase(r);
      const b = new Assembler();
      try {
        (b as unknown as { emitNamed: (...x: unknown[]) => unknown }).emitNamed(c.mnemonic, ...c.ops);
        const bytes2 = b.finish().bytes;
        stats.failures.push(`illegal ${c.mnemonic} ${c.ops.map(showOperand).join(', ')}: encoded ${Buffer.from(bytes2).toString('hex')}`);
      } catch (e) {
        // Every illegal input, of any JS type, must get a checked message.
        if (isInternalError(e)) {
          stats.failures.push(`illegal ${c.mnemonic} ${c.ops.map(showOperand).join(', ')}: internal error ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
        }
      }
      try {
        badMem(r)();
        stats.failures.push('bad memory operand accepted');
      } catch (e) {
        if (isInternalError(e)) stats.failures.push(`bad memory operand: internal error ${String(e)}`);
      }
    }
  }
  return stats;
}
