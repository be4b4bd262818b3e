/**
 * The x86-64 target's machine instructions: the registers (preg numbering, classes,
 * allocation order), the opcodes (`MOp`, held in the neutral `MInst.op`, src/codegen/minst.ts)
 * with the meaning of each instruction's operands and fields, and the printer.
 *
 * Register numbers: 0..15 general-purpose (hardware numbers), 16..31 xmm0..15. The calling
 * convention's registers are in sysv.ts.
 */
import type { MInst } from '../minst.js';
import { RegClass } from '../target.js';

/** Number of physical register ids (16 GPRs + 16 XMMs). */
export const NUM_PREGS = 32;
/** First xmm register id. */
export const XMM_BASE = 16;
/** Register class: general-purpose. */
export const CLASS_GP = RegClass.Int;
/** Register class: xmm. */
export const CLASS_XMM = RegClass.Float;

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
  /**
   * regs [target U, arg pregs U..., clobbers D...]: indirect call; `sub` 0 checks jitkit's function
   * header and signature hash `imm` (call_indirect), `sub` 1 only traps on an address below 4096
   * (call_native: any C function).
   */
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
  /** Range marker: the first immediate form (the printer shows `imm2`). */
  FirstImmForm = AluImm,
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
  /** Range marker: the last immediate form. */
  LastImmForm = CmpBranchImm,
  /** regs [dst D, base U, index U]: load from `[base + index*scale + imm]`; `sub` LoadKind, `imm2` as for Load. */
  LoadIdx,
  /** Range marker: the first addressing-mode form (the printer shows `scale` and `imm`). */
  FirstAddressForm = LoadIdx,
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
  /** Range marker: the last addressing-mode form. */
  LastAddressForm = CmpLoad,
  /**
   * regs [dst D, src U, temps T...]: saturating float -> int (NaN -> 0, out of range -> the nearer
   * bound); `sub` 0 signed / 1 unsigned, `size` float bytes, `imm` int bits. Temps: signed i8/i16 one
   * gp; unsigned i8..i32 an xmm and a gp; unsigned i64 an xmm; signed i32/i64 none.
   */
  CvtToIntSat,
  /**
   * regs [dst D, size U, tmp T]: `stack_alloc`: dst = (rsp - size) rounded down to `imm` (a power of
   * two >= 16), rsp = dst - the outgoing argument area; traps stk_ovf first when that would pass the
   * stack limit. Only in functions with `MFunction.dynamicStack` (their frame is rbp-relative).
   */
  StackAlloc,
  /** regs [dst D]: dst = rsp (`stack_save`). */
  StackSave,
  /** regs [src U]: rsp = src (`stack_restore` of a `stack_save` mark). */
  StackRestore,
  /**
   * regs [rdi, rsi, rdx, rcx, r8, r9, rax, xmm0..7: all U]: a variadic function's prologue stores the
   * six integer argument registers in frame slot `imm` (176 bytes) at 0..47 and, when al is not
   * zero, xmm0..7 at 48..175 (the System V register save area).
   */
  VaSave,
  /**
   * regs [p U, tmp T]: va_start of the 24-byte va_list at p: gp_offset `sub & 0xffff`, fp_offset
   * `sub >>> 16`, overflow_arg_area rbp + `imm2`, reg_save_area the address of frame slot `imm`.
   */
  VaStart,
  /**
   * regs [dst D, p U, t1 T] or, for a pair, [dst D, dst2 D, p U, t1 T, t2 T]: va_arg of IR type `imm`
   * (and `imm2` for a pair's second part, else 0) from the va_list at p, the System V way (register
   * save area while gp_offset / fp_offset leave room, else the overflow area).
   */
  VaArg,
  /** regs [dst D]: dst = the address of label `imm` of this function (`label_addr`): a byte of its label area. */
  LabelAddr,
  /**
   * regs [p U, tmp T]: `indirect_br`: to `targets[k]` when p is the address of label k (k < the
   * number of targets), else traps bad_target.
   */
  IndirectBr,
}

/** The end of every exhaustive `switch` over `MOp`: its parameter is `never`, so a new machine opcode does not compile until the switch handles it. */
export function unhandledMOp(op: never): never {
  throw new Error(`x86-64: machine op ${String(op)} is not handled`);
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

const GP_NAMES = ['rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15'];
const KIND_MARK = ['', '=', '+=', '=!', '~'];
const OP_NAMES = ['mov', 'mov_imm', 'fconst', 'alu', 'unary', 'shift', 'div', 'bitcount', 'ext', 'icmp_set', 'fcmp_set',
  'select', 'falu', 'fminmax', 'fsign', 'fcopysign', 'funary', 'cvt_from_int', 'cvt_to_int', 'bitmove', 'load', 'store',
  'stack_addr', 'load_sym', 'load_arg', 'store_arg', 'call', 'call_indirect', 'pmove', 'jump', 'brif', 'br_table', 'cmp_branch', 'ret', 'trap',
  'alu_imm', 'mul_imm', 'shift_imm', 'icmp_set_imm', 'cmp_branch_imm',
  'load_idx', 'store_idx', 'lea', 'alu_load', 'cmp_load', 'cvt_to_int_sat', 'stack_alloc', 'stack_save', 'stack_restore', 'va_save', 'va_start', 'va_arg', 'label_addr', 'indirect_br'];

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
  const op = inst.op as MOp;
  if (op >= MOp.FirstAddressForm && op <= MOp.LastAddressForm) parts.push(`*${inst.scale}`, `#${inst.imm}`);
  else if (op === MOp.Select) parts.push(`?${inst.sub}`);
  else if (op >= MOp.FirstImmForm && op <= MOp.LastImmForm) parts.push(`#${inst.imm2}`);
  if (parts.length > 0) s += ' ' + parts.join(', ');
  if (inst.sym !== '') s += ` @${inst.sym}`;
  if (inst.targets.length > 0) s += ` -> ${inst.targets.map((t) => `mb${t}`).join(', ')}`;
  return s;
}
