/**
 * x86-64 machine instructions on virtual registers: what lowering produces,
 * the register allocator reads, and the emitter turns into bytes.
 *
 * Every instruction lists its register operands (`reg(k)`, `regCount`) with an
 * `OperandKind` each (use / def / use-def "tied" / early def / temp); a number
 * below `NUM_PREGS` is a fixed physical register, a larger one a virtual
 * register. The emitter and the printer read them with `reg(k)` / `kind(k)`;
 * the allocator reads them as one flat table that `copyOperands` fills
 * (regallocView in backend.ts), so operand k here is operand k there.
 *
 * Register numbers: 0..15 general-purpose (hardware numbers), 16..31 xmm0..15.
 *
 * Kept small because there is one per machine instruction: operands 0..3 and
 * their kinds sit in fields (no array per instruction), immediates are int32s
 * (64-bit values as two halves), never bigints.
 */
import type { OperandKind } from '../../regalloc/linear-scan.js';

/** Number of physical register ids (16 GPRs + 16 XMMs). */
export const NUM_PREGS = 32;
/** First xmm register id. */
export const XMM_BASE = 16;
/** Register class: general-purpose. */
export const CLASS_GP = 0;
/** Register class: xmm. */
export const CLASS_XMM = 1;

/** GPR ids. */
export const enum Gp { Rax = 0, Rcx = 1, Rdx = 2, Rbx = 3, Rsp = 4, Rbp = 5, Rsi = 6, Rdi = 7, R8 = 8, R9 = 9, R10 = 10, R11 = 11, R12 = 12, R13 = 13, R14 = 14, R15 = 15 }

/** Spill scratch registers (never allocated): r10, r11 and xmm14, xmm15. */
export const SCRATCH_GP: readonly number[] = [Gp.R10, Gp.R11];
/** XMM spill scratch registers. */
export const SCRATCH_XMM: readonly number[] = [XMM_BASE + 14, XMM_BASE + 15];
/** Allocatable registers per class; caller-saved first, callee-saved (rbx r12..r15) last. */
export const ALLOCATABLE: readonly (readonly number[])[] = [
  [Gp.Rax, Gp.Rcx, Gp.Rdx, Gp.Rsi, Gp.Rdi, Gp.R8, Gp.R9, Gp.Rbx, Gp.R12, Gp.R13, Gp.R14, Gp.R15],
  Array.from({ length: 14 }, (_, i) => XMM_BASE + i),
];
/** Callee-saved GPRs that the allocator may hand out (rbp is the frame pointer). */
export const CALLEE_SAVED_GP: readonly number[] = [Gp.Rbx, Gp.R12, Gp.R13, Gp.R14, Gp.R15];
/** Caller-saved registers clobbered by a call (excluding the spill scratch ones, which are never live). */
export const CALL_CLOBBERS: readonly number[] = [
  Gp.Rax, Gp.Rcx, Gp.Rdx, Gp.Rsi, Gp.Rdi, Gp.R8, Gp.R9,
  ...Array.from({ length: 14 }, (_, i) => XMM_BASE + i),
];
/** System V integer argument registers. */
export const INT_ARGS: readonly number[] = [Gp.Rdi, Gp.Rsi, Gp.Rdx, Gp.Rcx, Gp.R8, Gp.R9];
/** Float argument registers xmm0..7. */
export const FLOAT_ARGS: readonly number[] = Array.from({ length: 8 }, (_, i) => XMM_BASE + i);
/**
 * Integer result registers. One result is rax (System V), two are rax:rdx (as a
 * C struct of two integers); further results of jitkit-to-jitkit calls use the
 * remaining caller-saved registers.
 */
export const INT_RESULTS: readonly number[] = [Gp.Rax, Gp.Rdx, Gp.Rcx, Gp.Rsi, Gp.Rdi, Gp.R8, Gp.R9];
/** Float result registers xmm0.. (xmm0:xmm1 as in System V for two). */
export const FLOAT_RESULTS: readonly number[] = Array.from({ length: 8 }, (_, i) => XMM_BASE + i);

/** Machine opcodes. Comments give the operand layout of `regs`. */
export const enum MOp {
  /** regs [dst D, src U]: register/spill move of the class (64-bit / whole xmm). */
  Mov,
  /** regs [dst D]: the 64-bit value with halves `imm2` (high) and `imm` (low), both int32, into a GPR (see `setImm64`). */
  MovImm,
  /** regs [dst D]: float constant, bit pattern in `imm` (low 32 bits) and `imm2` (high; 0 at `size` 4), `size` 4 or 8. */
  FConst,
  /** regs [dst UD, src U]: `sub` AluOp at `size` 4/8. */
  Alu,
  /** regs [dst UD]: `sub` UnaryOp at `size`. */
  Unary,
  /** regs [dst UD, rcx U(fixed)]: `sub` ShiftOp at `size` 1/2/4/8 (count in cl). */
  Shift,
  /** regs [rax UD, rdx EarlyDef (written before the divisor is read; the remainder), divisor U]: division macro; `sub` DivOp, `size` 4/8, `imm` narrow width bits. */
  Div,
  /** regs [dst D, src U]: `sub` BitOp (clz/ctz/popcnt) at `size`; `imm` = type width. */
  BitCount,
  /** regs [dst D, src U]: extension; `sub` ExtOp, `size` source bytes, `imm` dest bytes. */
  Ext,
  /** regs [dst D, a U, b U]: `cmp a, b` (`sub` 1: `test a, b`) at `size`, set dst to 0/1 by x86 condition `imm`. */
  ICmpSet,
  /** regs [dst D, a U, b U, tmp T]: float compare `cond` (FloatCC), `size` 4/8. */
  FCmpSet,
  /**
   * regs [dst UD, x U]: dst = x when x86 condition `sub` holds, else dst unchanged (`cmovcc`, or a jump
   * around a move when `imm` is 1 for floats); `size` of x. The flags come from the flags-only
   * instruction lowered right before it (Brif / CmpBranch / CmpBranchImm without targets).
   */
  Select,
  /** regs [dst UD, src U]: `sub` FAluOp, `size` 4/8. */
  FAlu,
  /** regs [dst UD, src U]: fmin (sub 0) / fmax (sub 1), `size` 4/8. */
  FMinMax,
  /** regs [dst UD]: `sub` 0 fneg / 1 fabs, `size`. */
  FSign,
  /** regs [dst UD, src U, tmp T]: fcopysign, `size`. */
  FCopysign,
  /** regs [dst D, src U]: `sub` 0 sqrt, 1 floor, 2 ceil, 3 trunc, 4 nearest, 5 promote (f32->f64), 6 demote, `size` 4/8. */
  FUnary,
  /** regs [dst D, src U, t1 T, t2 T]: int -> float; `sub` 0 signed / 1 unsigned; `size` int bytes 4/8, `imm` float bytes. */
  CvtFromInt,
  /** regs [dst D, src U, xtmp T]: float -> int with range check; `sub` 0 signed / 1 unsigned; `size` float bytes, `imm` int bits. */
  CvtToInt,
  /** regs [dst D, src U]: bit move between classes; `size` 4/8. */
  BitMove,
  /** regs [dst D, base U]: load; `sub` LoadKind, `imm` displacement. */
  Load,
  /** regs [value U, base U]: store `size` bytes (`imm` displacement); `sub` 1 when the value is an xmm. */
  Store,
  /** regs [dst D]: address of IR stack slot `imm` + `imm2`. */
  StackAddr,
  /** regs [dst D]: 64-bit absolute address of symbol `sym` (linker relocation). */
  LoadSym,
  /** regs [dst D]: incoming stack argument `imm` (0-based). */
  LoadArg,
  /** regs [src U]: outgoing stack argument slot `imm`. */
  StoreArg,
  /** regs [arg pregs U..., clobbers D...]: call `sym`; `sub` 1 for a C import (absolute, al = `imm` vector args). */
  Call,
  /** regs [target U, arg pregs U..., clobbers D...]: checked indirect call; `imm` = signature hash. */
  CallIndirect,
  /** regs [srcs U..., dsts D...]: parallel copy (block arguments); `imm` = count. */
  ParallelMove,
  /** regs []: jump to `targets[0]`. */
  Jump,
  /** regs [c U]: to targets[0] if c != 0 (`size` bytes) else targets[1]; without targets only `test c, c` (flags for Select). */
  Brif,
  /** regs [i U, tmp T]: `targets[0]` default, then the table; `size` index bytes. */
  BrTable,
  /**
   * regs [a U, b U]: `cmp a, b` (`sub` 1: `test a, b`) at `size` and branch on x86 condition `imm` to
   * targets[0], else targets[1] (fused icmp + brif); without targets only the flags (for Select).
   */
  CmpBranch,
  /** regs [result pregs U...]: epilogue and ret. */
  Ret,
  /** regs []: trap with code `imm`. */
  Trap,
  /** regs [dst UD]: `sub` AluOp (not Mul) with immediate `imm2` at `size` 4/8 (sign-extended imm32 at 8). */
  AluImm,
  /** regs [dst D, src U]: dst = src * immediate `imm2` (`imul r, r/m, imm32`) at `size` 4/8. */
  MulImm,
  /** regs [dst UD]: `sub` ShiftOp by the constant `imm2` (already masked to the width, nonzero) at `size` 1/2/4/8. */
  ShiftImm,
  /**
   * regs [dst D, a U]: compare a with immediate `imm2` (`test a, a` when it is 0; `sub` 1: `test a, imm2`)
   * at `size`, set dst to 0/1 by x86 condition `imm`.
   */
  ICmpSetImm,
  /**
   * regs [a U]: as ICmpSetImm for the flags, then branch on `imm` to targets[0], else targets[1];
   * without targets only the flags (for Select).
   */
  CmpBranchImm,
  /** regs [dst D, base U, index U]: load from `[base + index*scale + imm]`; `sub` LoadKind, `imm2` as for Load. */
  LoadIdx,
  /** regs [value U, base U, index U]: store `size` bytes to `[base + index*scale + imm]`; `sub` 1 when the value is an xmm. */
  StoreIdx,
  /**
   * regs [dst D, base U] or [dst D, base U, index U]: `lea dst, [base + index*scale + imm]` at `size`
   * 4/8 (a 32-bit lea truncates, which narrow integers allow): three-operand add, add of a scaled
   * value, multiplication by 3/5/9.
   */
  Lea,
  /**
   * regs [dst UD, base U] or [dst UD, base U, index U]: `sub` AluOp (Mul too) with the memory operand
   * `[base + index*scale + imm]` at `size` 4/8: a single-use load folded into its ALU user.
   */
  AluLoad,
  /**
   * regs [a U, base U] or [a U, base U, index U]: `cmp a, [base + index*scale + imm2]` at `size` 4/8
   * (a single-use load folded into its fused icmp), then as CmpBranch: branch on x86 condition `imm`
   * to targets[0], else targets[1]; without targets only the flags (for Select).
   */
  CmpLoad,
}

/** `Alu` sub-operations. */
export const enum AluOp { Add, Sub, And, Or, Xor, Mul }
/** `Unary` sub-operations. */
export const enum UnaryOp { Neg, Not }
/** `Shift` sub-operations. */
export const enum ShiftOp { Shl, Shr, Sar, Rol, Ror }
/** `Div` sub-operations. */
export const enum DivOp { SDiv, UDiv, SRem, URem }
/** `BitCount` sub-operations. */
export const enum BitOp { Clz, Ctz, Popcnt }
/** `Ext` sub-operations. */
export const enum ExtOp { Sign, Zero }
/** `FAlu` sub-operations. */
export const enum FAluOp { Add, Sub, Mul, Div }
/** Load kinds. */
export const enum LoadKind { Int, SignExt, ZeroExt, Float }

/** The `targets` of instructions that branch nowhere: shared, so never modified (branches get a new array). */
const NO_TARGETS: number[] = [];

/** Operand kinds packed into `MInst.kindBits` (3 bits each, within a small integer). */
const PACKED_KINDS = 10;
/** Register operands kept in the fields `r0 .. r3`; calls and parallel moves put the rest in `regsRest`. */
const INLINE_REGS = 4;

/** One machine instruction. */
export class MInst {
  /** Opcode. */ op: MOp;
  /** Sub-operation. */ sub: number;
  /** Operand size in bytes. */ size: number;
  /** Condition / second size / immediate. */ imm: number;
  /** Second immediate. */ imm2: number;
  /** Index scale (1, 2, 4, 8) of LoadIdx/StoreIdx. */ scale: number;
  /** Symbol for calls and LoadSym. */ sym: string;
  /** Machine block targets for branches. */ targets: number[];
  /**
   * Register operands 0 .. 3 (read them with `reg(k)`): fields rather than an array per instruction,
   * which with its backing store was most of lowering's garbage.
   */ r0: number; r1: number; r2: number; r3: number;
  /** Number of register operands. */ regCount: number;
  /** Register operands INLINE_REGS and up (calls, parallel moves), else null. */ regsRest: number[] | null;
  /**
   * `OperandKind`s of the first PACKED_KINDS register operands, 3 bits each (operand k at bits
   * 3k .. 3k+2): one array per instruction fewer, whose growth to 16 slots on the first push made
   * it the largest garbage of lowering. Read them with `kind(k)`.
   */ kindBits: number;
  /** `OperandKind`s of operands PACKED_KINDS and up (calls, parallel moves), else null. */ kindsRest: OperandKind[] | null;
  /** The IR instruction this came from, or -1. */ irInst: number;
  constructor(op: MOp, irInst: number) {
    this.op = op;
    this.sub = 0;
    this.size = 8;
    this.imm = 0;
    this.imm2 = 0;
    this.scale = 1;
    this.sym = '';
    this.targets = NO_TARGETS;
    this.r0 = 0; this.r1 = 0; this.r2 = 0; this.r3 = 0;
    this.regCount = 0;
    this.regsRest = null;
    this.kindBits = 0;
    this.kindsRest = null;
    this.irInst = irInst;
  }
  /** Appends a register operand. */
  add(reg: number, kind: OperandKind): this {
    const k = this.regCount++;
    if (k === 0) this.r0 = reg;
    else if (k === 1) this.r1 = reg;
    else if (k === 2) this.r2 = reg;
    else if (k === 3) this.r3 = reg;
    else (this.regsRest ??= []).push(reg);
    if (k < PACKED_KINDS) this.kindBits |= kind << (3 * k);
    else (this.kindsRest ??= []).push(kind);
    return this;
  }
  /** Register operand k (0 <= k < regCount). */
  reg(k: number): number {
    return k === 0 ? this.r0 : k === 1 ? this.r1 : k === 2 ? this.r2 : k === 3 ? this.r3 : this.regsRest![k - INLINE_REGS]!;
  }
  /** The register operands as a new array (for tests and debugging; `reg(k)` on hot paths). */
  get regs(): number[] {
    const r: number[] = [];
    for (let k = 0; k < this.regCount; k++) r.push(this.reg(k));
    return r;
  }
  /** Sets `imm2` and `imm` to the high and low halves (int32 each) of the 64-bit immediate `v` (MovImm). */
  setImm64(v: bigint): this {
    const s = BigInt.asIntN(64, v);
    this.imm = Number(BigInt.asIntN(32, s));
    this.imm2 = Number(s >> 32n);
    return this;
  }
  /**
   * Writes the register operands to `regs` and their kinds to `kinds` from index `at` on (a row
   * of the allocator's operand table, see regallocView); returns the index after them.
   */
  copyOperands(regs: Int32Array, kinds: Int32Array, at: number): number {
    const n = this.regCount, bits = this.kindBits;
    switch (n) {
      case 0: return at;
      case 1: regs[at] = this.r0; kinds[at] = bits & 7; return at + 1;
      case 2: regs[at] = this.r0; regs[at + 1] = this.r1; kinds[at] = bits & 7; kinds[at + 1] = (bits >>> 3) & 7; return at + 2;
      default: break;
    }
    for (let k = 0; k < n; k++) {
      regs[at + k] = this.reg(k);
      kinds[at + k] = k < PACKED_KINDS ? (bits >>> (3 * k)) & 7 : this.kindsRest![k - PACKED_KINDS]!;
    }
    return at + n;
  }
  /** Kind of register operand k. */
  kind(k: number): OperandKind {
    return k < PACKED_KINDS ? ((this.kindBits >>> (3 * k)) & 7) as OperandKind : this.kindsRest![k - PACKED_KINDS]!;
  }
}


const GP_NAMES = ['rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15'];
const KIND_MARK = ['', '=', '+=', '=!', '~'];
const OP_NAMES = ['mov', 'mov_imm', 'fconst', 'alu', 'unary', 'shift', 'div', 'bitcount', 'ext', 'icmp_set', 'fcmp_set',
  'select', 'falu', 'fminmax', 'fsign', 'fcopysign', 'funary', 'cvt_from_int', 'cvt_to_int', 'bitmove', 'load', 'store',
  'stack_addr', 'load_sym', 'load_arg', 'store_arg', 'call', 'call_indirect', 'pmove', 'jump', 'brif', 'br_table', 'cmp_branch', 'ret', 'trap',
  'alu_imm', 'mul_imm', 'shift_imm', 'icmp_set_imm', 'cmp_branch_imm',
  'load_idx', 'store_idx', 'lea', 'alu_load', 'cmp_load'];

/** Name of a register id: `rax`, `xmm3`, `%12` (vreg). */
export function regName(r: number): string {
  if (r < XMM_BASE) return GP_NAMES[r]!;
  if (r < NUM_PREGS) return `xmm${r - XMM_BASE}`;
  return `%${r}`;
}

/** Prints a machine instruction. */
export function printMInst(inst: MInst): string {
  const parts: string[] = [];
  for (let k = 0; k < inst.regCount; k++) parts.push(`${KIND_MARK[inst.kind(k)]}${regName(inst.reg(k))}`);
  let s = `${OP_NAMES[inst.op]}.${inst.sub}.${inst.size}`;
  if (inst.op >= MOp.LoadIdx) parts.push(`*${inst.scale}`, `#${inst.imm}`);
  else if (inst.op === MOp.Select) parts.push(`?${inst.sub}`);
  else if (inst.op >= MOp.AluImm) parts.push(`#${inst.imm2}`);
  if (parts.length > 0) s += ' ' + parts.join(', ');
  if (inst.sym !== '') s += ` @${inst.sym}`;
  if (inst.targets.length > 0) s += ` -> ${inst.targets.map((t) => `mb${t}`).join(', ')}`;
  return s;
}
