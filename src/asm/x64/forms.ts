/**
 * The x86-64 form table: the single source of truth for the encoder, the validator
 * (operand matching) and the tests (golden generator, round trips).
 *
 * One row per instruction *form*, written close to the Intel SDM notation:
 *
 *     "mnemonic operands | OpEn | opcode"
 *     "add r/m64, simm8  | MI   | REX.W 83 /0"
 *     "vaddps ymm, ymm, ymm/m256 | RVM | VEX.256.0F.WIG 58 /r"
 *
 * Operand tokens: r8 r16 r32 r64, m8..m256, m (any size), r/mN, xmm ymm, xmm/mN, ymm/m256,
 * r32/m8 style unions, imm8 (raw byte), simm8 (sign-extended to operand size), imm16,
 * imm32, simm32 (sign-extended to 64), imm64, rel8, rel32, and fixed operands al ax eax
 * rax cl xmm0 1 (matched but not encoded).
 * OpEn letters are assigned, in order, to the non-fixed operands: R = ModRM.reg,
 * M = ModRM.rm, V = VEX.vvvv, O = low 3 bits of the opcode, I = immediate,
 * L = register in imm8[7:4] (is4), D = relative branch target, B = both ModRM.reg
 * and ModRM.rm (`imul r, imm` is `imul r, r, imm`).
 * Flags (fourth column): `lock`, `rep` (prefixes accepted); `swap` (a VEX register move
 * with a store twin, see `Form.alt`); `r64as32`: the r64 operand
 * is encoded as the r32 one, without REX.W (`pextrb rax, xmm1, 3` = `pextrb eax, ...`: the
 * result is zero-extended either way; GNU as encodes it so and decoders print the r32 name).
 * Rows are tried in order; the first match wins, so shorter encodings come first
 * (and, between equal lengths, the one GNU as picks).
 */
import { K } from './operands.js';

/** Parsed instruction form. All fields are plain numbers for a monomorphic encoder. */
export class Form {
  /** Mnemonic. */ readonly mnemonic: string;
  /** Source row (for tests and messages). */ readonly row: string;
  /** Operand tokens as written. */ readonly tokens: readonly string[];
  /** Number of operands. */ readonly count: number;
  /** Operand masks. */ readonly m0: number; readonly m1: number; readonly m2: number; readonly m3: number;
  /** Operand index of ModRM.reg, rm, vvvv, opcode-reg, imm, is4, rel (-1 if none). */
  readonly iReg: number; readonly iRm: number; readonly iV: number; readonly iO: number;
  readonly iImm: number; readonly iIs4: number; readonly iRel: number;
  /** Immediate size in bytes (0 none). */ readonly immSize: number;
  /** Rel size 1 or 4 (0 none). */ readonly relSize: number;
  /** ModRM.reg digit, or -1 when the register operand supplies it. */ readonly digit: number;
  /** Legacy prefix bytes before REX (66/F2/F3), packed little-endian, and how many. */
  readonly pfx: number; readonly pfxCount: number;
  /** REX.W (legacy) or VEX.W. */ readonly w: number;
  /** Opcode map: 0 legacy, 1 0F, 2 0F38, 3 0F3A. */ readonly map: number;
  /** Opcode bytes after the map escape (last gets +r), packed little-endian, and count. */
  readonly opc: number; readonly opcCount: number;
  /** 1 for VEX-encoded forms. */ readonly vex: number;
  /** VEX.L. */ readonly vexL: number;
  /** VEX.pp (0 none, 1 66, 2 F3, 3 F2). */ readonly vexPp: number;
  /** Operand size in bits (for sign-extended immediates). */ readonly opSize: number;
  /** Accepts a lock prefix (with a memory destination). */ readonly lockable: boolean;
  /** Accepts a rep prefix. */ readonly repable: boolean;
  /** Its r64 operand is encoded as the r32 one (flag `r64as32`; decoders show the r32 name). */ readonly r64AsR32: boolean;
  /** Size in bytes of the memory operand, 0 if none or any. */ readonly memSize: number;
  /** Position of this form in FORMS. */ readonly index: number;
  /** Legacy form whose only encoded operands are ModRM.reg/digit and ModRM.rm (fast path when rm is a register). */
  readonly simpleModrm: boolean;
  /** VEX form with operands only in ModRM.reg, ModRM.rm and (optionally) vvvv, no immediate. */
  readonly simpleVex: boolean;
  /**
   * VEX reg-reg moves only: the store twin (ModRM roles swapped). When the source
   * is xmm8-15 and the destination xmm0-7, encoding through the twin allows the
   * 2-byte VEX prefix (what GNU as does), so the encoder switches to it.
   */
  alt: Form | null;
  constructor(row: string, index: number) {
    this.row = row;
    this.index = index;
    const [head, openRaw, codeRaw, flags] = row.split('|').map((s) => s.trim()) as [string, string, string, string | undefined];
    const sp = head.indexOf(' ');
    this.mnemonic = sp < 0 ? head : head.slice(0, sp);
    this.tokens = sp < 0 ? [] : head.slice(sp + 1).split(',').map((s) => s.trim());
    this.count = this.tokens.length;
    this.lockable = flags?.includes('lock') ?? false;
    this.repable = flags?.includes('rep') ?? false;
    this.r64AsR32 = flags?.includes('r64as32') ?? false;
    this.alt = null;
    // Opcode
    let pfx = 0, pfxCount = 0, w = 0, map = 0, opc = 0, opcCount = 0, digit = -1, plusR = false;
    let vex = 0, vexL = 0, vexPp = 0;
    for (const t of codeRaw.split(/\s+/)) {
      if (t === '') continue;
      if (t.startsWith('VEX.')) {
        vex = 1;
        for (const p of t.split('.').slice(1)) {
          if (p === '256' || p === 'L1') vexL = 1;
          else if (p === '66') vexPp = 1;
          else if (p === 'F3') vexPp = 2;
          else if (p === 'F2') vexPp = 3;
          else if (p === '0F') map = 1;
          else if (p === '0F38') map = 2;
          else if (p === '0F3A') map = 3;
          else if (p === 'W1') w = 1;
        }
      } else if (t === 'REX.W') w = 1;
      else if (t === 'NP') { /* no prefix */ }
      else if (t[0] === '/') { if (t !== '/r') digit = Number(t.slice(1)); }
      else if (t === 'ib' || t === 'iw' || t === 'id' || t === 'io' || t === 'cb' || t === 'cd' || t === 'is4') { /* sizes come from operands */ }
      else {
        let hex = t;
        if (hex.endsWith('+r')) { plusR = true; hex = hex.slice(0, -2); }
        const b = parseInt(hex, 16);
        if (!/^[0-9A-F]{2}$/.test(hex)) throw new Error(`form table: bad opcode token '${t}' in '${row}'`);
        if (opcCount === 0 && map === 0 && (b === 0x66 || b === 0xf2 || b === 0xf3) && !isLast(codeRaw, t)) {
          pfx |= b << (8 * pfxCount++);
        } else if (opcCount === 0 && map === 0 && b === 0x0f && !isLast(codeRaw, t)) {
          map = 1;
        } else if (opcCount === 0 && map === 1 && (b === 0x38 || b === 0x3a) && hasModrmOrMore(codeRaw)) {
          map = b === 0x38 ? 2 : 3;
        } else {
          opc |= b << (8 * opcCount++);
        }
      }
    }
    void plusR;
    this.pfx = pfx; this.pfxCount = pfxCount; this.w = w; this.map = map; this.opc = opc; this.opcCount = opcCount;
    this.digit = digit; this.vex = vex; this.vexL = vexL; this.vexPp = vexPp;
    // Operands
    const masks = [0, 0, 0, 0];
    let opSize = 0, memSize = 0;
    for (let i = 0; i < this.count; i++) {
      const s = tokenSize(this.tokens[i]!);
      if (s !== 0 && opSize === 0) opSize = s;
    }
    if (opSize === 0) opSize = 64;
    if (this.count > 4) throw new Error(`form table: too many operands in '${row}'`);
    let immSize = 0, relSize = 0;
    const roles = [-1, -1, -1, -1, -1, -1, -1]; // R M V O I L D
    const letters = openRaw === 'ZO' ? '' : openRaw;
    let li = 0;
    for (let i = 0; i < this.count; i++) {
      const t = this.tokens[i]!;
      const { mask, fixed, imm, relb, mem } = tokenMask(t, opSize, row);
      masks[i] = mask;
      if (mem !== 0) memSize = mem;
      if (fixed) continue;
      const letter = letters[li++];
      const role = letter === undefined ? -1 : 'RMVOILDB'.indexOf(letter);
      if (role < 0) throw new Error(`form table: OpEn '${openRaw}' does not cover '${t}' in '${row}'`);
      if (role === 7) { roles[0] = i; roles[1] = i; } else roles[role] = i;
      if (role === 4) immSize = imm;
      if (role === 6) relSize = relb;
    }
    if (li !== letters.length) throw new Error(`form table: OpEn '${openRaw}' has too many letters in '${row}'`);
    this.m0 = masks[0]!; this.m1 = masks[1]!; this.m2 = masks[2]!; this.m3 = masks[3]!;
    [this.iReg, this.iRm, this.iV, this.iO, this.iImm, this.iIs4, this.iRel] = roles as [number, number, number, number, number, number, number];
    this.immSize = immSize; this.relSize = relSize; this.opSize = opSize; this.memSize = memSize;
    this.simpleModrm = vex === 0 && this.iRm >= 0 && this.iV < 0 && this.iO < 0 && this.iIs4 < 0 &&
      this.iRel < 0 && pfxCount <= 1 && opcCount === 1 && immSize <= 4;
    this.simpleVex = vex === 1 && this.iRm >= 0 && this.iReg >= 0 && this.iO < 0 && this.iImm < 0 && this.iIs4 < 0 && this.alt === null;
    if (plusR !== (this.iO >= 0)) throw new Error(`form table: +r and O disagree in '${row}'`);
  }
}

function isLast(code: string, t: string): boolean {
  const parts = code.split(/\s+/).filter((p) => /^[0-9A-F]{2}(\+r)?$/.test(p));
  return parts.indexOf(t) === parts.length - 1;
}
function hasModrmOrMore(code: string): boolean {
  const parts = code.split(/\s+/).filter((p) => /^[0-9A-F]{2}(\+r)?$/.test(p));
  return parts.length >= 3;
}

function tokenSize(t: string): number {
  const m = /^(?:r\/m|r|m)(8|16|32|64)$/.exec(t);
  if (m) return Number(m[1]);
  if (t === 'al') return 8;
  if (t === 'ax') return 16;
  if (t === 'eax') return 32;
  if (t === 'rax') return 64;
  return 0;
}

interface TokenInfo { mask: number; fixed: boolean; imm: number; relb: number; mem: number }

function tokenMask(t: string, opSize: number, row: string): TokenInfo {
  const info: TokenInfo = { mask: 0, fixed: false, imm: 0, relb: 0, mem: 0 };
  switch (t) {
    case 'al': info.mask = K.Al; info.fixed = true; return info;
    case 'ax': info.mask = K.Ax; info.fixed = true; return info;
    case 'eax': info.mask = K.Eax; info.fixed = true; return info;
    case 'rax': info.mask = K.Rax; info.fixed = true; return info;
    case 'cl': info.mask = K.Cl; info.fixed = true; return info;
    case 'xmm0': info.mask = K.Xmm0; info.fixed = true; return info;
    case '1': info.mask = K.One; info.fixed = true; return info;
    case 'imm8': info.mask = K.I8; info.imm = 1; return info;
    case 'simm8': info.mask = opSize === 16 ? K.S8W : opSize === 32 ? K.S8D : K.S8Q; info.imm = 1; return info;
    case 'imm16': info.mask = K.I16; info.imm = 2; return info;
    case 'imm32': info.mask = K.I32; info.imm = 4; return info;
    case 'simm32': info.mask = K.S32; info.imm = 4; return info;
    case 'imm64': info.mask = K.I64; info.imm = 8; return info;
    case 'rel8': info.mask = K.Rel8; info.relb = 1; return info;
    case 'rel32': info.mask = K.Rel; info.relb = 4; return info;
    default: break;
  }
  const parts = t.startsWith('r/m') ? ['r' + t.slice(3), 'm' + t.slice(3)] : t.split('/');
  for (const p of parts) {
    switch (p) {
      case 'r8': info.mask |= K.R8; break;
      case 'r16': info.mask |= K.R16; break;
      case 'r32': info.mask |= K.R32; break;
      case 'r64': info.mask |= K.R64; break;
      case 'xmm': info.mask |= K.Xmm; break;
      case 'ymm': info.mask |= K.Ymm; break;
      case 'm8': info.mask |= K.M8; info.mem = 1; break;
      case 'm16': info.mask |= K.M16; info.mem = 2; break;
      case 'm32': info.mask |= K.M32; info.mem = 4; break;
      case 'm64': info.mask |= K.M64; info.mem = 8; break;
      case 'm128': info.mask |= K.M128; info.mem = 16; break;
      case 'm256': info.mask |= K.M256; info.mem = 32; break;
      case 'm': info.mask |= K.MAny; break;
      default: throw new Error(`form table: unknown operand '${t}' in '${row}'`);
    }
  }
  return info;
}

// ---------------------------------------------------------------------------
// The table. Helpers expand families; every expansion is an ordinary row.

const rows: string[] = [];
const hx = (n: number): string => n.toString(16).toUpperCase().padStart(2, '0');
const SIZES: readonly [number, string][] = [[16, '66'], [32, ''], [64, 'REX.W']];
/** Expands `#` to 16/32/64 and `P` to the operand-size prefix. */
function ww(row: string, sizes: readonly number[] = [16, 32, 64]): void {
  for (const [s, p] of SIZES) {
    if (!sizes.includes(s)) continue;
    rows.push(row.replace(/#/g, String(s)).replace(/\| P /, `| ${p} `).replace(/ {2,}/g, ' '));
  }
}
const r = (row: string): void => { rows.push(row); };

/** Condition-code suffixes in encoding order, with aliases. */
export const CONDITION_NAMES: readonly (readonly string[])[] = [
  ['o'], ['no'], ['b', 'c', 'nae'], ['ae', 'nb', 'nc'], ['e', 'z'], ['ne', 'nz'], ['be', 'na'], ['a', 'nbe'],
  ['s'], ['ns'], ['p', 'pe'], ['np', 'po'], ['l', 'nge'], ['ge', 'nl'], ['le', 'ng'], ['g', 'nle'],
];

// --- integer arithmetic
['add', 'or', 'adc', 'sbb', 'and', 'sub', 'xor', 'cmp'].forEach((m, n) => {
  const b = n * 8, lk = m === 'cmp' ? '' : ' | lock';
  r(`${m} r/m8, r8 | MR | ${hx(b)} /r${lk}`);
  ww(`${m} r/m#, r# | MR | P ${hx(b + 1)} /r${lk}`);
  r(`${m} r8, r/m8 | RM | ${hx(b + 2)} /r`);
  ww(`${m} r#, r/m# | RM | P ${hx(b + 3)} /r`);
  r(`${m} al, imm8 | I | ${hx(b + 4)} ib`);
  r(`${m} r/m8, imm8 | MI | 80 /${n} ib${lk}`);
  r(`${m} r/m16, simm8 | MI | 66 83 /${n} ib${lk}`);
  r(`${m} ax, imm16 | I | 66 ${hx(b + 5)} iw`);
  r(`${m} r/m16, imm16 | MI | 66 81 /${n} iw${lk}`);
  r(`${m} r/m32, simm8 | MI | 83 /${n} ib${lk}`);
  r(`${m} eax, imm32 | I | ${hx(b + 5)} id`);
  r(`${m} r/m32, imm32 | MI | 81 /${n} id${lk}`);
  r(`${m} r/m64, simm8 | MI | REX.W 83 /${n} ib${lk}`);
  r(`${m} rax, simm32 | I | REX.W ${hx(b + 5)} id`);
  r(`${m} r/m64, simm32 | MI | REX.W 81 /${n} id${lk}`);
});
// --- mov
r('mov r/m8, r8 | MR | 88 /r');
ww('mov r/m#, r# | MR | P 89 /r');
r('mov r8, r/m8 | RM | 8A /r');
ww('mov r#, r/m# | RM | P 8B /r');
r('mov r8, imm8 | OI | B0+r ib');
r('mov r/m8, imm8 | MI | C6 /0 ib');
r('mov r16, imm16 | OI | 66 B8+r iw');
r('mov r/m16, imm16 | MI | 66 C7 /0 iw');
r('mov r32, imm32 | OI | B8+r id');
r('mov r/m32, imm32 | MI | C7 /0 id');
r('mov r/m64, simm32 | MI | REX.W C7 /0 id');
r('mov r64, imm64 | OI | REX.W B8+r io');
ww('movzx r#, r/m8 | RM | P 0F B6 /r');
ww('movzx r#, r/m16 | RM | P 0F B7 /r');
ww('movsx r#, r/m8 | RM | P 0F BE /r');
ww('movsx r#, r/m16 | RM | P 0F BF /r');
// movsx from 32 bits is movsxd (GNU accepts both spellings, and movsxd r32, r/m32 without REX.W).
ww('movsx r#, r/m32 | RM | P 63 /r', [32, 64]);
ww('movsxd r#, r/m32 | RM | P 63 /r', [32, 64]);
ww('lea r#, m | RM | P 8D /r');
// --- test, unary, mul/div
r('test r/m8, r8 | MR | 84 /r');
ww('test r/m#, r# | MR | P 85 /r');
// test is symmetric: a memory operand may come second (same encoding).
r('test r8, m8 | RM | 84 /r');
ww('test r#, m# | RM | P 85 /r');
r('test al, imm8 | I | A8 ib');
r('test r/m8, imm8 | MI | F6 /0 ib');
r('test ax, imm16 | I | 66 A9 iw');
r('test r/m16, imm16 | MI | 66 F7 /0 iw');
r('test eax, imm32 | I | A9 id');
r('test r/m32, imm32 | MI | F7 /0 id');
r('test rax, simm32 | I | REX.W A9 id');
r('test r/m64, simm32 | MI | REX.W F7 /0 id');
([['inc', 'FE', 'FF', 0], ['dec', 'FE', 'FF', 1], ['not', 'F6', 'F7', 2], ['neg', 'F6', 'F7', 3],
  ['mul', 'F6', 'F7', 4], ['imul', 'F6', 'F7', 5], ['div', 'F6', 'F7', 6], ['idiv', 'F6', 'F7', 7]] as const)
  .forEach(([m, o8, o, d]) => {
    const lk = d <= 3 ? ' | lock' : '';
    r(`${m} r/m8 | M | ${o8} /${d}${lk}`);
    ww(`${m} r/m# | M | P ${o} /${d}${lk}`);
  });
ww('imul r#, r/m# | RM | P 0F AF /r');
ww('imul r#, r/m#, simm8 | RMI | P 6B /r ib');
r('imul r16, r/m16, imm16 | RMI | 66 69 /r iw');
r('imul r32, r/m32, imm32 | RMI | 69 /r id');
r('imul r64, r/m64, simm32 | RMI | REX.W 69 /r id');
// imul r, imm: the register is both the destination and the source.
ww('imul r#, simm8 | BI | P 6B /r ib');
r('imul r16, imm16 | BI | 66 69 /r iw');
r('imul r32, imm32 | BI | 69 /r id');
r('imul r64, simm32 | BI | REX.W 69 /r id');
r('cbw | ZO | 66 98'); r('cwde | ZO | 98'); r('cdqe | ZO | REX.W 98');
r('cwd | ZO | 66 99'); r('cdq | ZO | 99'); r('cqo | ZO | REX.W 99');
// --- shifts and rotates
['rol', 'ror', 'rcl', 'rcr', 'shl', 'shr', 'sal', 'sar'].forEach((m, i) => {
  const n = m === 'sal' ? 4 : i;
  r(`${m} r/m8, 1 | M | D0 /${n}`);
  r(`${m} r/m8, cl | M | D2 /${n}`);
  r(`${m} r/m8, imm8 | MI | C0 /${n} ib`);
  ww(`${m} r/m#, 1 | M | P D1 /${n}`);
  ww(`${m} r/m#, cl | M | P D3 /${n}`);
  ww(`${m} r/m#, imm8 | MI | P C1 /${n} ib`);
});
ww('shld r/m#, r#, imm8 | MRI | P 0F A4 /r ib');
ww('shld r/m#, r#, cl | MR | P 0F A5 /r');
ww('shrd r/m#, r#, imm8 | MRI | P 0F AC /r ib');
ww('shrd r/m#, r#, cl | MR | P 0F AD /r');
// --- bits
([['bt', 'A3', 4], ['bts', 'AB', 5], ['btr', 'B3', 6], ['btc', 'BB', 7]] as const).forEach(([m, o, d]) => {
  const lk = m === 'bt' ? '' : ' | lock';
  ww(`${m} r/m#, r# | MR | P 0F ${o} /r${lk}`);
  ww(`${m} r/m#, imm8 | MI | P 0F BA /${d} ib${lk}`);
});
ww('bsf r#, r/m# | RM | P 0F BC /r');
ww('bsr r#, r/m# | RM | P 0F BD /r');
ww('lzcnt r#, r/m# | RM | P F3 0F BD /r');
ww('tzcnt r#, r/m# | RM | P F3 0F BC /r');
ww('popcnt r#, r/m# | RM | P F3 0F B8 /r');
CONDITION_NAMES.forEach((names, cc) => {
  for (const c of names) {
    ww(`cmov${c} r#, r/m# | RM | P 0F ${hx(0x40 + cc)} /r`);
    r(`set${c} r/m8 | M | 0F ${hx(0x90 + cc)} /0`);
    r(`j${c} rel8 | D | ${hx(0x70 + cc)} cb`);
    r(`j${c} rel32 | D | 0F ${hx(0x80 + cc)} cd`);
  }
});
// --- control flow
r('jmp rel8 | D | EB cb');
r('jmp rel32 | D | E9 cd');
r('jmp r/m64 | M | FF /4');
r('call rel32 | D | E8 cd');
r('call r/m64 | M | FF /2');
r('ret | ZO | C3');
r('ret imm16 | I | C2 iw');
r('push r64 | O | 50+r');
r('push r16 | O | 66 50+r');
r('push m64 | M | FF /6');
r('push m16 | M | 66 FF /6');
r('push simm8 | I | 6A ib');
r('push simm32 | I | 68 id');
r('pop r64 | O | 58+r');
r('pop r16 | O | 66 58+r');
r('pop m64 | M | 8F /0');
r('pop m16 | M | 66 8F /0');
// --- exchange and atomics
r('xchg ax, r16 | O | 66 90+r');
r('xchg r16, ax | O | 66 90+r');
r('xchg eax, r32 | O | 90+r');
r('xchg r32, eax | O | 90+r');
r('xchg rax, r64 | O | REX.W 90+r');
r('xchg r64, rax | O | REX.W 90+r');
r('xchg r/m8, r8 | MR | 86 /r | lock');
r('xchg r8, r/m8 | RM | 86 /r');
ww('xchg r/m#, r# | MR | P 87 /r | lock');
ww('xchg r#, r/m# | RM | P 87 /r');
r('xadd r/m8, r8 | MR | 0F C0 /r | lock');
ww('xadd r/m#, r# | MR | P 0F C1 /r | lock');
r('cmpxchg r/m8, r8 | MR | 0F B0 /r | lock');
ww('cmpxchg r/m#, r# | MR | P 0F B1 /r | lock');
r('cmpxchg8b m64 | M | 0F C7 /1 | lock');
r('cmpxchg16b m128 | M | REX.W 0F C7 /1 | lock');
r('bswap r32 | O | 0F C8+r');
r('bswap r64 | O | REX.W 0F C8+r');
ww('movbe r#, m# | RM | P 0F 38 F0 /r');
ww('movbe m#, r# | MR | P 0F 38 F1 /r');
// --- misc
r('nop | ZO | 90');
r('nop r/m16 | M | 66 0F 1F /0');
r('nop r/m32 | M | 0F 1F /0');
r('int3 | ZO | CC');
r('ud2 | ZO | 0F 0B');
r('endbr64 | ZO | F3 0F 1E FA');
r('pause | ZO | F3 90');
r('mfence | ZO | 0F AE F0');
r('lfence | ZO | 0F AE E8');
r('sfence | ZO | 0F AE F8');
r('rdtsc | ZO | 0F 31');
r('cpuid | ZO | 0F A2');
r('syscall | ZO | 0F 05');
r('leave | ZO | C9');
r('hlt | ZO | F4');
r('cld | ZO | FC');
r('std | ZO | FD');
r('clc | ZO | F8');
r('stc | ZO | F9');
r('movsb | ZO | A4 | rep'); r('movsw | ZO | 66 A5 | rep'); r('movsd | ZO | A5 | rep'); r('movsq | ZO | REX.W A5 | rep');
r('stosb | ZO | AA | rep'); r('stosw | ZO | 66 AB | rep'); r('stosd | ZO | AB | rep'); r('stosq | ZO | REX.W AB | rep');
r('lodsb | ZO | AC | rep'); r('lodsw | ZO | 66 AD | rep'); r('lodsd | ZO | AD | rep'); r('lodsq | ZO | REX.W AD | rep');
// --- BMI1 / BMI2
for (const [s, w] of [[32, 'W0'], [64, 'W1']] as const) {
  const R = `r${s}`, RM = `r/m${s}`;
  r(`andn ${R}, ${R}, ${RM} | RVM | VEX.LZ.0F38.${w} F2 /r`);
  r(`bextr ${R}, ${RM}, ${R} | RMV | VEX.LZ.0F38.${w} F7 /r`);
  r(`blsi ${R}, ${RM} | VM | VEX.LZ.0F38.${w} F3 /3`);
  r(`blsmsk ${R}, ${RM} | VM | VEX.LZ.0F38.${w} F3 /2`);
  r(`blsr ${R}, ${RM} | VM | VEX.LZ.0F38.${w} F3 /1`);
  r(`bzhi ${R}, ${RM}, ${R} | RMV | VEX.LZ.0F38.${w} F5 /r`);
  r(`mulx ${R}, ${R}, ${RM} | RVM | VEX.LZ.F2.0F38.${w} F6 /r`);
  r(`pdep ${R}, ${R}, ${RM} | RVM | VEX.LZ.F2.0F38.${w} F5 /r`);
  r(`pext ${R}, ${R}, ${RM} | RVM | VEX.LZ.F3.0F38.${w} F5 /r`);
  r(`rorx ${R}, ${RM}, imm8 | RMI | VEX.LZ.F2.0F3A.${w} F0 /r ib`);
  r(`sarx ${R}, ${RM}, ${R} | RMV | VEX.LZ.F3.0F38.${w} F7 /r`);
  r(`shlx ${R}, ${RM}, ${R} | RMV | VEX.LZ.66.0F38.${w} F7 /r`);
  r(`shrx ${R}, ${RM}, ${R} | RMV | VEX.LZ.F2.0F38.${w} F7 /r`);
}

// --- SSE / AVX. `pre` is the legacy prefix + map ("66 0F 38"); VEX rows are derived from it.
function vexOf(pre: string, l: number, w = 'WIG'): string {
  const p = pre.split(' ');
  const pp = p[0] === '66' || p[0] === 'F2' || p[0] === 'F3' ? p.shift()! : '';
  if (p[0] === 'NP') p.shift();
  const map = p.join('');
  return `VEX.${l === 256 ? '256' : '128'}${pp ? '.' + pp : ''}.${map}.${w}`;
}
function legacyOf(pre: string): string { return pre; }
interface SimdOpts { imm?: boolean; no256?: boolean; noLegacy?: boolean; noVex?: boolean; w?: string }
/** Packed op: `op xmm, xmm/m128`, `vop xmm, xmm, xmm/m128`, `vop ymm, ymm, ymm/m256`. */
function pk(m: string, pre: string, op: number, o: SimdOpts = {}): void {
  const i = o.imm ? ', imm8' : '', I = o.imm ? 'I' : '', ib = o.imm ? ' ib' : '';
  if (!o.noLegacy) r(`${m} xmm, xmm/m128${i} | RM${I} | ${legacyOf(pre)} ${hx(op)} /r${ib}`);
  if (o.noVex) return;
  r(`v${m} xmm, xmm, xmm/m128${i} | RVM${I} | ${vexOf(pre, 128, o.w)} ${hx(op)} /r${ib}`);
  if (!o.no256) r(`v${m} ymm, ymm, ymm/m256${i} | RVM${I} | ${vexOf(pre, 256, o.w)} ${hx(op)} /r${ib}`);
}
/** Packed two-operand op (no vvvv): `op xmm, xmm/m128`, `vop xmm, xmm/m128`, `vop ymm, ymm/m256`. */
function pk2(m: string, pre: string, op: number, o: SimdOpts = {}): void {
  const i = o.imm ? ', imm8' : '', I = o.imm ? 'I' : '', ib = o.imm ? ' ib' : '';
  if (!o.noLegacy) r(`${m} xmm, xmm/m128${i} | RM${I} | ${legacyOf(pre)} ${hx(op)} /r${ib}`);
  if (o.noVex) return;
  r(`v${m} xmm, xmm/m128${i} | RM${I} | ${vexOf(pre, 128, o.w)} ${hx(op)} /r${ib}`);
  if (!o.no256) r(`v${m} ymm, ymm/m256${i} | RM${I} | ${vexOf(pre, 256, o.w)} ${hx(op)} /r${ib}`);
}
/** Scalar op: `op xmm, xmm/mN`, `vop xmm, xmm, xmm/mN`. */
function sc(m: string, pre: string, op: number, mem: number, o: SimdOpts = {}): void {
  const i = o.imm ? ', imm8' : '', I = o.imm ? 'I' : '', ib = o.imm ? ' ib' : '';
  r(`${m} xmm, xmm/m${mem}${i} | RM${I} | ${pre} ${hx(op)} /r${ib}`);
  if (!o.noVex) r(`v${m} xmm, xmm, xmm/m${mem}${i} | RVM${I} | ${vexOf(pre, 128, o.w)} ${hx(op)} /r${ib}`);
}
/** Scalar two-operand op: `op xmm, xmm/mN`, `vop xmm, xmm/mN`. */
function sc2(m: string, pre: string, op: number, mem: number): void {
  r(`${m} xmm, xmm/m${mem} | RM | ${pre} ${hx(op)} /r`);
  r(`v${m} xmm, xmm/m${mem} | RM | ${vexOf(pre, 128)} ${hx(op)} /r`);
}
/** Full-width load/store pair. */
function mv(m: string, pre: string, load: number, store: number): void {
  r(`${m} xmm, xmm/m128 | RM | ${pre} ${hx(load)} /r`);
  r(`${m} m128, xmm | MR | ${pre} ${hx(store)} /r`);
  r(`v${m} xmm, xmm/m128 | RM | ${vexOf(pre, 128)} ${hx(load)} /r | swap`);
  r(`v${m} m128, xmm | MR | ${vexOf(pre, 128)} ${hx(store)} /r`);
  r(`v${m} xmm, xmm | MR | ${vexOf(pre, 128)} ${hx(store)} /r`);
  r(`v${m} ymm, ymm/m256 | RM | ${vexOf(pre, 256)} ${hx(load)} /r | swap`);
  r(`v${m} m256, ymm | MR | ${vexOf(pre, 256)} ${hx(store)} /r`);
  r(`v${m} ymm, ymm | MR | ${vexOf(pre, 256)} ${hx(store)} /r`);
}
mv('movaps', 'NP 0F', 0x28, 0x29);
mv('movups', 'NP 0F', 0x10, 0x11);
mv('movapd', '66 0F', 0x28, 0x29);
mv('movupd', '66 0F', 0x10, 0x11);
mv('movdqa', '66 0F', 0x6f, 0x7f);
mv('movdqu', 'F3 0F', 0x6f, 0x7f);
for (const [m, pre, mem] of [['movss', 'F3 0F', 32], ['movsd', 'F2 0F', 64]] as const) {
  r(`${m} xmm, xmm | RM | ${pre} 10 /r`);
  r(`${m} xmm, m${mem} | RM | ${pre} 10 /r`);
  r(`${m} m${mem}, xmm | MR | ${pre} 11 /r`);
  r(`v${m} xmm, xmm, xmm | RVM | ${vexOf(pre, 128)} 10 /r | swap`);
  r(`v${m} xmm, xmm, xmm | MVR | ${vexOf(pre, 128)} 11 /r`);
  r(`v${m} xmm, m${mem} | RM | ${vexOf(pre, 128)} 10 /r`);
  r(`v${m} m${mem}, xmm | MR | ${vexOf(pre, 128)} 11 /r`);
}
r('movd xmm, r/m32 | RM | 66 0F 6E /r');
r('movd r/m32, xmm | MR | 66 0F 7E /r');
r('movq xmm, xmm/m64 | RM | F3 0F 7E /r');
r('movq m64, xmm | MR | 66 0F D6 /r');
r('movq xmm, r/m64 | RM | 66 REX.W 0F 6E /r');
r('movq r/m64, xmm | MR | 66 REX.W 0F 7E /r');
r('vmovd xmm, r/m32 | RM | VEX.128.66.0F.W0 6E /r');
r('vmovd r/m32, xmm | MR | VEX.128.66.0F.W0 7E /r');
r('vmovq xmm, xmm/m64 | RM | VEX.128.F3.0F.WIG 7E /r | swap');
r('vmovq m64, xmm | MR | VEX.128.66.0F.WIG D6 /r');
r('vmovq xmm, xmm | MR | VEX.128.66.0F.WIG D6 /r');
r('vmovq xmm, r/m64 | RM | VEX.128.66.0F.W1 6E /r');
r('vmovq r/m64, xmm | MR | VEX.128.66.0F.W1 7E /r');
r('movhlps xmm, xmm | RM | NP 0F 12 /r');
r('movlhps xmm, xmm | RM | NP 0F 16 /r');
r('vmovhlps xmm, xmm, xmm | RVM | VEX.128.0F.WIG 12 /r');
r('vmovlhps xmm, xmm, xmm | RVM | VEX.128.0F.WIG 16 /r');
// arithmetic
for (const [m, op] of [['add', 0x58], ['mul', 0x59], ['sub', 0x5c], ['min', 0x5d], ['div', 0x5e], ['max', 0x5f]] as const) {
  pk(`${m}ps`, 'NP 0F', op); pk(`${m}pd`, '66 0F', op);
  sc(`${m}ss`, 'F3 0F', op, 32); sc(`${m}sd`, 'F2 0F', op, 64);
}
pk2('sqrtps', 'NP 0F', 0x51); pk2('sqrtpd', '66 0F', 0x51);
sc('sqrtss', 'F3 0F', 0x51, 32); sc('sqrtsd', 'F2 0F', 0x51, 64);
for (const [m, op] of [['and', 0x54], ['andn', 0x55], ['or', 0x56], ['xor', 0x57]] as const) {
  pk(`${m}ps`, 'NP 0F', op); pk(`${m}pd`, '66 0F', op);
}
// compares
sc2('ucomiss', 'NP 0F', 0x2e, 32); sc2('ucomisd', '66 0F', 0x2e, 64);
sc2('comiss', 'NP 0F', 0x2f, 32); sc2('comisd', '66 0F', 0x2f, 64);
sc('cmpss', 'F3 0F', 0xc2, 32, { imm: true }); sc('cmpsd', 'F2 0F', 0xc2, 64, { imm: true });
pk('cmpps', 'NP 0F', 0xc2, { imm: true }); pk('cmppd', '66 0F', 0xc2, { imm: true });
// conversions
for (const [m, p] of [['cvtsi2ss', 'F3'], ['cvtsi2sd', 'F2']] as const) {
  r(`${m} xmm, r/m32 | RM | ${p} 0F 2A /r`);
  r(`${m} xmm, r/m64 | RM | ${p} REX.W 0F 2A /r`);
  r(`v${m} xmm, xmm, r/m32 | RVM | VEX.LIG.${p}.0F.W0 2A /r`);
  r(`v${m} xmm, xmm, r/m64 | RVM | VEX.LIG.${p}.0F.W1 2A /r`);
}
for (const [m, p, op, mem] of [['cvtss2si', 'F3', 0x2d, 32], ['cvttss2si', 'F3', 0x2c, 32],
  ['cvtsd2si', 'F2', 0x2d, 64], ['cvttsd2si', 'F2', 0x2c, 64]] as const) {
  r(`${m} r32, xmm/m${mem} | RM | ${p} 0F ${hx(op)} /r`);
  r(`${m} r64, xmm/m${mem} | RM | ${p} REX.W 0F ${hx(op)} /r`);
  r(`v${m} r32, xmm/m${mem} | RM | VEX.LIG.${p}.0F.W0 ${hx(op)} /r`);
  r(`v${m} r64, xmm/m${mem} | RM | VEX.LIG.${p}.0F.W1 ${hx(op)} /r`);
}
sc('cvtss2sd', 'F3 0F', 0x5a, 32); sc('cvtsd2ss', 'F2 0F', 0x5a, 64);
r('cvtdq2pd xmm, xmm/m64 | RM | F3 0F E6 /r');
r('vcvtdq2pd xmm, xmm/m64 | RM | VEX.128.F3.0F.WIG E6 /r');
r('vcvtdq2pd ymm, xmm/m128 | RM | VEX.256.F3.0F.WIG E6 /r');
r('cvtps2pd xmm, xmm/m64 | RM | NP 0F 5A /r');
r('vcvtps2pd xmm, xmm/m64 | RM | VEX.128.0F.WIG 5A /r');
r('vcvtps2pd ymm, xmm/m128 | RM | VEX.256.0F.WIG 5A /r');
pk2('cvtdq2ps', 'NP 0F', 0x5b);
pk2('cvtps2dq', '66 0F', 0x5b);
pk2('cvttps2dq', 'F3 0F', 0x5b);
for (const [m, pre, op] of [['cvtpd2dq', 'F2 0F', 0xe6], ['cvttpd2dq', '66 0F', 0xe6], ['cvtpd2ps', '66 0F', 0x5a]] as const) {
  r(`${m} xmm, xmm/m128 | RM | ${pre} ${hx(op)} /r`);
  r(`v${m} xmm, xmm | RM | ${vexOf(pre, 128)} ${hx(op)} /r`);
  r(`v${m} xmm, m128 | RM | ${vexOf(pre, 128)} ${hx(op)} /r`);
  r(`v${m} xmm, ymm | RM | ${vexOf(pre, 256)} ${hx(op)} /r`);
  r(`v${m} xmm, m256 | RM | ${vexOf(pre, 256)} ${hx(op)} /r`);
}
// shuffles
pk('shufps', 'NP 0F', 0xc6, { imm: true }); pk('shufpd', '66 0F', 0xc6, { imm: true });
pk2('pshufd', '66 0F', 0x70, { imm: true });
pk('pshufb', '66 0F 38', 0x00);
pk('unpcklps', 'NP 0F', 0x14); pk('unpckhps', 'NP 0F', 0x15);
pk('unpcklpd', '66 0F', 0x14); pk('unpckhpd', '66 0F', 0x15);
for (const [m, op] of [['punpcklbw', 0x60], ['punpcklwd', 0x61], ['punpckldq', 0x62], ['punpcklqdq', 0x6c],
  ['punpckhbw', 0x68], ['punpckhwd', 0x69], ['punpckhdq', 0x6a], ['punpckhqdq', 0x6d]] as const) pk(m, '66 0F', op);
// integer SIMD
for (const [m, op] of [['pand', 0xdb], ['pandn', 0xdf], ['por', 0xeb], ['pxor', 0xef],
  ['paddb', 0xfc], ['paddw', 0xfd], ['paddd', 0xfe], ['paddq', 0xd4],
  ['psubb', 0xf8], ['psubw', 0xf9], ['psubd', 0xfa], ['psubq', 0xfb],
  ['pmullw', 0xd5], ['pmuludq', 0xf4], ['pminsw', 0xea], ['pminub', 0xda], ['pmaxsw', 0xee], ['pmaxub', 0xde],
  ['pcmpeqb', 0x74], ['pcmpeqw', 0x75], ['pcmpeqd', 0x76], ['pcmpgtb', 0x64], ['pcmpgtw', 0x65], ['pcmpgtd', 0x66]] as const) {
  pk(m, '66 0F', op);
}
for (const [m, op] of [['pmulld', 0x40], ['pminsb', 0x38], ['pminsd', 0x39], ['pminuw', 0x3a], ['pminud', 0x3b],
  ['pmaxsb', 0x3c], ['pmaxsd', 0x3d], ['pmaxuw', 0x3e], ['pmaxud', 0x3f], ['pcmpeqq', 0x29], ['pcmpgtq', 0x37]] as const) {
  pk(m, '66 0F 38', op);
}
// shifts: by xmm/m128 count, and by imm8
for (const [m, op, iop, d] of [['psllw', 0xf1, 0x71, 6], ['pslld', 0xf2, 0x72, 6], ['psllq', 0xf3, 0x73, 6],
  ['psrlw', 0xd1, 0x71, 2], ['psrld', 0xd2, 0x72, 2], ['psrlq', 0xd3, 0x73, 2],
  ['psraw', 0xe1, 0x71, 4], ['psrad', 0xe2, 0x72, 4]] as const) {
  r(`${m} xmm, xmm/m128 | RM | 66 0F ${hx(op)} /r`);
  r(`${m} xmm, imm8 | MI | 66 0F ${hx(iop)} /${d} ib`);
  r(`v${m} xmm, xmm, xmm/m128 | RVM | VEX.128.66.0F.WIG ${hx(op)} /r`);
  r(`v${m} ymm, ymm, xmm/m128 | RVM | VEX.256.66.0F.WIG ${hx(op)} /r`);
  r(`v${m} xmm, xmm, imm8 | VMI | VEX.128.66.0F.WIG ${hx(iop)} /${d} ib`);
  r(`v${m} ymm, ymm, imm8 | VMI | VEX.256.66.0F.WIG ${hx(iop)} /${d} ib`);
}
for (const [m, d] of [['pslldq', 7], ['psrldq', 3]] as const) {
  r(`${m} xmm, imm8 | MI | 66 0F 73 /${d} ib`);
  r(`v${m} xmm, xmm, imm8 | VMI | VEX.128.66.0F.WIG 73 /${d} ib`);
  r(`v${m} ymm, ymm, imm8 | VMI | VEX.256.66.0F.WIG 73 /${d} ib`);
}
// widening moves
for (const [s, base] of [['zx', 0x30], ['sx', 0x20]] as const) {
  for (const [t, k, mem] of [['bw', 0, 64], ['bd', 1, 32], ['bq', 2, 16], ['wd', 3, 64], ['wq', 4, 32], ['dq', 5, 64]] as const) {
    const m = `pmov${s}${t}`, op = hx(base + k);
    r(`${m} xmm, xmm/m${mem} | RM | 66 0F 38 ${op} /r`);
    r(`v${m} xmm, xmm/m${mem} | RM | VEX.128.66.0F38.WIG ${op} /r`);
    r(`v${m} ymm, xmm/m${mem * 2} | RM | VEX.256.66.0F38.WIG ${op} /r`);
  }
}
// extract / insert
r('pextrb r32/m8, xmm, imm8 | MRI | 66 0F 3A 14 /r ib');
r('pextrb r64, xmm, imm8 | MRI | 66 0F 3A 14 /r ib | r64as32');
r('pextrw r32, xmm, imm8 | RMI | 66 0F C5 /r ib');
r('pextrw r64, xmm, imm8 | RMI | 66 0F C5 /r ib | r64as32');
r('pextrw m16, xmm, imm8 | MRI | 66 0F 3A 15 /r ib');
r('pextrd r/m32, xmm, imm8 | MRI | 66 0F 3A 16 /r ib');
r('pextrq r/m64, xmm, imm8 | MRI | 66 REX.W 0F 3A 16 /r ib');
r('vpextrb r32/m8, xmm, imm8 | MRI | VEX.128.66.0F3A.W0 14 /r ib');
r('vpextrb r64, xmm, imm8 | MRI | VEX.128.66.0F3A.W0 14 /r ib | r64as32');
r('vpextrw r32, xmm, imm8 | RMI | VEX.128.66.0F.W0 C5 /r ib');
r('vpextrw r64, xmm, imm8 | RMI | VEX.128.66.0F.W0 C5 /r ib | r64as32');
r('vpextrw m16, xmm, imm8 | MRI | VEX.128.66.0F3A.W0 15 /r ib');
r('vpextrd r/m32, xmm, imm8 | MRI | VEX.128.66.0F3A.W0 16 /r ib');
r('vpextrq r/m64, xmm, imm8 | MRI | VEX.128.66.0F3A.W1 16 /r ib');
r('pinsrb xmm, r32/m8, imm8 | RMI | 66 0F 3A 20 /r ib');
r('pinsrw xmm, r32/m16, imm8 | RMI | 66 0F C4 /r ib');
r('pinsrd xmm, r/m32, imm8 | RMI | 66 0F 3A 22 /r ib');
r('pinsrq xmm, r/m64, imm8 | RMI | 66 REX.W 0F 3A 22 /r ib');
r('vpinsrb xmm, xmm, r32/m8, imm8 | RVMI | VEX.128.66.0F3A.W0 20 /r ib');
r('vpinsrw xmm, xmm, r32/m16, imm8 | RVMI | VEX.128.66.0F.W0 C4 /r ib');
r('vpinsrd xmm, xmm, r/m32, imm8 | RVMI | VEX.128.66.0F3A.W0 22 /r ib');
r('vpinsrq xmm, xmm, r/m64, imm8 | RVMI | VEX.128.66.0F3A.W1 22 /r ib');
pk2('ptest', '66 0F 38', 0x17);
sc('roundss', '66 0F 3A', 0x0a, 32, { imm: true }); sc('roundsd', '66 0F 3A', 0x0b, 64, { imm: true });
pk2('roundps', '66 0F 3A', 0x08, { imm: true }); pk2('roundpd', '66 0F 3A', 0x09, { imm: true });
for (const [m, op, vop] of [['blendvps', 0x14, 0x4a], ['blendvpd', 0x15, 0x4b], ['pblendvb', 0x10, 0x4c]] as const) {
  r(`${m} xmm, xmm/m128, xmm0 | RM | 66 0F 38 ${hx(op)} /r`);
  r(`${m} xmm, xmm/m128 | RM | 66 0F 38 ${hx(op)} /r`);
  r(`v${m} xmm, xmm, xmm/m128, xmm | RVML | VEX.128.66.0F3A.W0 ${hx(vop)} /r is4`);
  r(`v${m} ymm, ymm, ymm/m256, ymm | RVML | VEX.256.66.0F3A.W0 ${hx(vop)} /r is4`);
}
r('movmskps r32, xmm | RM | NP 0F 50 /r');
r('movmskps r64, xmm | RM | NP 0F 50 /r | r64as32');
r('movmskpd r32, xmm | RM | 66 0F 50 /r');
r('movmskpd r64, xmm | RM | 66 0F 50 /r | r64as32');
r('pmovmskb r32, xmm | RM | 66 0F D7 /r');
r('pmovmskb r64, xmm | RM | 66 0F D7 /r | r64as32');
r('vmovmskps r32, xmm | RM | VEX.128.0F.WIG 50 /r');
r('vmovmskps r64, xmm | RM | VEX.128.0F.WIG 50 /r | r64as32');
r('vmovmskps r32, ymm | RM | VEX.256.0F.WIG 50 /r');
r('vmovmskps r64, ymm | RM | VEX.256.0F.WIG 50 /r | r64as32');
r('vmovmskpd r32, xmm | RM | VEX.128.66.0F.WIG 50 /r');
r('vmovmskpd r64, xmm | RM | VEX.128.66.0F.WIG 50 /r | r64as32');
r('vmovmskpd r32, ymm | RM | VEX.256.66.0F.WIG 50 /r');
r('vmovmskpd r64, ymm | RM | VEX.256.66.0F.WIG 50 /r | r64as32');
r('vpmovmskb r32, xmm | RM | VEX.128.66.0F.WIG D7 /r');
r('vpmovmskb r64, xmm | RM | VEX.128.66.0F.WIG D7 /r | r64as32');
r('vpmovmskb r32, ymm | RM | VEX.256.66.0F.WIG D7 /r');
r('vpmovmskb r64, ymm | RM | VEX.256.66.0F.WIG D7 /r | r64as32');
// AVX / AVX2 only
r('vbroadcastss xmm, xmm/m32 | RM | VEX.128.66.0F38.W0 18 /r');
r('vbroadcastss ymm, xmm/m32 | RM | VEX.256.66.0F38.W0 18 /r');
r('vbroadcastsd ymm, xmm/m64 | RM | VEX.256.66.0F38.W0 19 /r');
r('vbroadcastf128 ymm, m128 | RM | VEX.256.66.0F38.W0 1A /r');
r('vbroadcasti128 ymm, m128 | RM | VEX.256.66.0F38.W0 5A /r');
for (const [m, op, mem] of [['vpbroadcastb', 0x78, 8], ['vpbroadcastw', 0x79, 16], ['vpbroadcastd', 0x58, 32], ['vpbroadcastq', 0x59, 64]] as const) {
  r(`${m} xmm, xmm/m${mem} | RM | VEX.128.66.0F38.W0 ${hx(op)} /r`);
  r(`${m} ymm, xmm/m${mem} | RM | VEX.256.66.0F38.W0 ${hx(op)} /r`);
}
r('vperm2i128 ymm, ymm, ymm/m256, imm8 | RVMI | VEX.256.66.0F3A.W0 46 /r ib');
r('vperm2f128 ymm, ymm, ymm/m256, imm8 | RVMI | VEX.256.66.0F3A.W0 06 /r ib');
r('vpermq ymm, ymm/m256, imm8 | RMI | VEX.256.66.0F3A.W1 00 /r ib');
r('vpermpd ymm, ymm/m256, imm8 | RMI | VEX.256.66.0F3A.W1 01 /r ib');
r('vpermd ymm, ymm, ymm/m256 | RVM | VEX.256.66.0F38.W0 36 /r');
r('vpermps ymm, ymm, ymm/m256 | RVM | VEX.256.66.0F38.W0 16 /r');
r('vinserti128 ymm, ymm, xmm/m128, imm8 | RVMI | VEX.256.66.0F3A.W0 38 /r ib');
r('vinsertf128 ymm, ymm, xmm/m128, imm8 | RVMI | VEX.256.66.0F3A.W0 18 /r ib');
r('vextracti128 xmm/m128, ymm, imm8 | MRI | VEX.256.66.0F3A.W0 39 /r ib');
r('vextractf128 xmm/m128, ymm, imm8 | MRI | VEX.256.66.0F3A.W0 19 /r ib');
r('vzeroupper | ZO | VEX.128.0F.WIG 77');
r('vzeroall | ZO | VEX.256.0F.WIG 77');
// FMA3
for (const [m, pk0, sc0] of [['fmadd', 0x98, 0x99], ['fmsub', 0x9a, 0x9b], ['fnmadd', 0x9c, 0x9d], ['fnmsub', 0x9e, 0x9f]] as const) {
  for (const [order, add] of [['132', 0], ['213', 0x10], ['231', 0x20]] as const) {
    for (const [t, w] of [['ps', 'W0'], ['pd', 'W1']] as const) {
      r(`v${m}${order}${t} xmm, xmm, xmm/m128 | RVM | VEX.128.66.0F38.${w} ${hx(pk0 + add)} /r`);
      r(`v${m}${order}${t} ymm, ymm, ymm/m256 | RVM | VEX.256.66.0F38.${w} ${hx(pk0 + add)} /r`);
    }
    r(`v${m}${order}ss xmm, xmm, xmm/m32 | RVM | VEX.LIG.66.0F38.W0 ${hx(sc0 + add)} /r`);
    r(`v${m}${order}sd xmm, xmm, xmm/m64 | RVM | VEX.LIG.66.0F38.W1 ${hx(sc0 + add)} /r`);
  }
}

/** Every form, in matching order. */
export const FORMS: readonly Form[] = rows.map((row, i) => new Form(row, i));

// Link each `swap` form to its reg-reg store twin: same mnemonic, operand count and
// VEX.L, ModRM.rm first.
for (const f of FORMS) {
  if (!f.row.endsWith('| swap')) continue;
  const twin = FORMS.find((g) => g.mnemonic === f.mnemonic && g.count === f.count && g.vexL === f.vexL &&
    g.iRm === 0 && g.tokens.every((t) => t === 'xmm' || t === 'ymm'));
  if (twin === undefined) throw new Error(`form table: no store twin for '${f.row}'`);
  f.alt = twin;
}

/** Mnemonic -> forms in matching order. */
export const FORMS_BY_MNEMONIC: ReadonlyMap<string, readonly Form[]> = (() => {
  const m = new Map<string, Form[]>();
  for (const f of FORMS) {
    let list = m.get(f.mnemonic);
    if (list === undefined) m.set(f.mnemonic, (list = []));
    list.push(f);
  }
  return m;
})();
