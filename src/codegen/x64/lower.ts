/**
 * Lowering: IR function -> x86-64 machine instructions on virtual registers.
 *
 * Pipeline position: after the IR (verified), before register allocation
 * (src/regalloc) and emission (emit.ts).
 *
 * Conventions:
 *  - IR value vN becomes virtual register NUM_PREGS + N; extra temporaries follow.
 *  - Narrow integers (i8, i16, i32) live in 64-bit registers with *undefined
 *    upper bits*; operations that read the whole value (division, compares of a
 *    wider width, conversions, extension) extend explicitly or use the narrow
 *    operand size (cmp r8, test r16, 8-bit shifts and rotates).
 *  - Two-address x86 forms are written `dst = mov a; op dst(use-def), b`.
 *  - Fixed registers are explicit moves to/from physical registers, so the
 *    allocator sees them as short fixed ranges (arguments, rax:rdx, cl).
 *  - Block arguments: a ParallelMove before the jump; a conditional branch
 *    with arguments gets an edge block holding the ParallelMove.
 */
import { Func, Inst, NONE, ValueKind } from '../../ir/function.js';
import { FloatCC, IntCC, OPCODES, OpFlags, Opcode, isLoad, unhandledOpcode } from '../../ir/opcodes.js';
import { Type, isFloatType, typeBytes, type Signature } from '../../ir/types.js';
import { OperandKind } from '../../regalloc/allocation.js';
import { MBlock, MFunction, MInst } from '../minst.js';
import { BackendScratch } from '../scratch.js';
import { signatureHash } from '../signature-hash.js';
import type { LowerContext } from '../target.js';
import {
  AluOp, BitOp, CLASS_GP, CLASS_XMM, DivOp, ExtOp, FAluOp, Gp, LoadKind, MOp, NUM_PREGS, ShiftOp, UnaryOp, XMM_BASE,
} from './minst.js';
import { X64_REGISTERS } from './registers.js';
import { X64Slot } from './scratch.js';
import { SYSV, argLocations, resultLocations } from './sysv.js';

const INT_CC_TO_X86 = [4, 5, 12, 14, 15, 13, 2, 6, 7, 3]; // eq ne slt sle sgt sge ult ule ugt uge -> E NE L LE G GE B BE A AE

const isWide = (t: Type): boolean => t === Type.I64 || t === Type.Ptr;
const aluSize = (t: Type): number => (isWide(t) ? 8 : 4);

/** The `AluOp` of an integer binary opcode (iadd isub imul band bor bxor). */
function aluOpOf(op: Opcode): AluOp {
  return op === Opcode.IAdd ? AluOp.Add : op === Opcode.ISub ? AluOp.Sub : op === Opcode.IMul ? AluOp.Mul
    : op === Opcode.BAnd ? AluOp.And : op === Opcode.BOr ? AluOp.Or : AluOp.Xor;
}

/** A folded address `[base + index*scale + disp]` (IR values); `via` = the folded address computations. */
interface AddrMode { base: number; index: number; scale: number; disp: number; via: number[] }

/** Per-IR-value facts of lowering's planning passes, bits of `Lowerer.valueFlags`. */
const enum ValueFlag {
  /** An icmp result folded into the brif or select that is its only use. */
  Fused = 1,
  /** A band result folded into `test a, b` by the icmp with zero (or brif/select) that is its only use. */
  TestFolded = 2,
  /** A load result folded into the memory operand of its only user (`AluLoad`, `CmpLoad`). */
  FoldedLoad = 4,
  /** An address computation (iadd/imul/ishl result) not materialised: every use was folded into addressing modes. */
  AddrSkipped = 8,
  /** Planning only: folded into some addressing mode (a candidate for AddrSkipped). */
  AddrCandidate = 16,
  /** Planning only: read as a register (base or index) by a folded address. */
  AddressOperand = 32,
}

/** Per-function lowering state. */
class Lowerer {
  readonly mf: MFunction;
  cur!: MBlock;
  curInst = -1;
  /** The index `scaled` found (see there). */
  scaledIndex = 0;
  /** Machine block of each IR block (-1 for unreachable ones). */
  blockOf!: Int32Array;
  /** Uses of each IR value (operands and block arguments). */
  useCount!: Int32Array;
  /** Uses of each IR value that lowering turns into immediate operands. */
  immUses!: Int32Array;
  /** `immOperand` answers per IR instruction (see there). */
  readonly immState: Int32Array;
  readonly immValue: Int32Array;
  /** `ValueFlag` bits per IR value. */
  readonly valueFlags: Int32Array;
  /** The instruction using each IR value (the last one seen; the only one when `useCount` is 1). */
  userOf!: Int32Array;
  /** Per IR instruction: the iadd lowered to `lea dst, [base + index*scale + disp]` (same matcher as the memory accesses). */
  readonly leas: (AddrMode | undefined)[];
  /** Per IR instruction: the memory access whose address is folded into `[base + index*scale + disp]`. */
  readonly amodes: (AddrMode | undefined)[];
  /** Instructions with an entry in `leas` / `amodes` (an entry in `leas` may have been removed since). */
  readonly leaInsts: number[] = [];
  readonly amodeInsts: number[] = [];
  /** A variadic function's register save area (frame slot number), and where va_start starts. */
  vaSaveSlot = -1;
  vaStartState: { gpOffset: number; fpOffset: number; overflow: number } | null = null;
  constructor(readonly f: Func, readonly cx: LowerContext) {
    const scratch = cx.scratch ?? new BackendScratch();
    this.mf = new MFunction(f, X64_REGISTERS, scratch);
    this.immState = scratch.int32(X64Slot.ImmState, f.instCount, 0);
    this.immValue = scratch.int32(X64Slot.ImmValue, f.instCount, 0);
    this.valueFlags = scratch.int32(X64Slot.ValueFlags, f.valueCount, 0);
    // Sized up front: stores at instruction ids past the end would make sparse (slow) arrays.
    this.leas = new Array<AddrMode | undefined>(f.instCount);
    this.amodes = new Array<AddrMode | undefined>(f.instCount);
  }
  vreg(v: number): number { return NUM_PREGS + v; }
  /** Whether IR value `v` has `ValueFlag` `flag`. */
  is(v: number, flag: ValueFlag): boolean { return (this.valueFlags[v]! & flag) !== 0; }
  temp(cls: number): number { return this.mf.newReg(cls); }
  inst(op: MOp): MInst { const m = new MInst(op, this.curInst); this.cur.insts.push(m); return m; }
  mov(dst: number, src: number): void { this.inst(MOp.Mov).add(dst, OperandKind.Def).add(src, OperandKind.Use); }
  /** New vreg holding a copy of `src` (the tied output of a two-address op). */
  copy(src: number): number {
    const d = this.temp(this.mf.regClass[src]!);
    this.mov(d, src);
    return d;
  }
  /** Extends a narrow integer (8/16 bits) to 32 (or `to` bytes); returns the vreg (src itself when no extension). */
  extend(src: number, t: Type, signed: boolean, to = 4): number {
    const bytes = typeBytes(t);
    if (bytes >= to) return src;
    const d = this.temp(CLASS_GP);
    const m = this.inst(MOp.Ext).add(d, OperandKind.Def).add(src, OperandKind.Use);
    m.sub = signed ? ExtOp.Sign : ExtOp.Zero;
    m.size = bytes;
    m.imm = to;
    return d;
  }

  run(): MFunction {
    const f = this.f, mf = this.mf;
    // Reachable blocks only (the verifier does not check uses in unreachable code).
    // `reach` lists them in discovery order, which the planning passes below iterate in.
    const reach: number[] = [];
    const scratch = mf.scratch;
    const reached = scratch.int32(X64Slot.Reached, f.blockCount, 0);
    const stack = [f.entryBlock as number];
    while (stack.length > 0) {
      const b = stack.pop()!;
      if (reached[b] !== 0) continue;
      reached[b] = 1;
      reach.push(b);
      const last = f.blockLast[b]!;
      if (last !== NONE) for (let d = 0; d < f.instDestCount[last]!; d++) stack.push(f.destBlock[f.instDestStart[last]! + d]!);
    }
    this.useCount = scratch.int32(X64Slot.UseCount, f.valueCount, 0);
    this.userOf = scratch.int32(X64Slot.UserOf, f.valueCount, -1);
    // One closure for all instructions (not one per instruction).
    let user = -1;
    const countUse = (v: number): void => { this.useCount[v]!++; this.userOf[v] = user; };
    for (const b of reach) {
      for (let i = f.blockFirst[b]!; i !== NONE; i = f.instNext[i]!) { user = i; f.forEachUse(i as Inst, countUse); }
    }
    this.immUses = scratch.int32(X64Slot.ImmUses, f.valueCount, 0);
    // One walk for the immediate operands, the compares and bands that become flags, and the lists of
    // the instructions the address and load planning look at (in walk order, which theirs keeps).
    const memInsts: number[] = [], loads: number[] = [];
    for (const b of reach) {
      for (let i = f.blockFirst[b]!; i !== NONE; i = f.instNext[i]!) {
        if (this.immOperand(i as Inst) !== null) this.immUses[f.arg(i as Inst, 1)]!++;
        const op = f.instOpcode[i] as Opcode;
        if (op === Opcode.ICmp || op === Opcode.BAnd) this.planFlags(i as Inst, b);
        else if (op === Opcode.Load) { memInsts.push(i); loads.push(i); }
        else if (op === Opcode.IAdd || op === Opcode.Store || isLoad(op)) memInsts.push(i);
      }
    }
    this.planAddressModes(memInsts);
    this.planLoadFolds(loads);
    const layout: number[] = [];
    this.blockOf = scratch.int32(X64Slot.BlockOf, f.blockCount, -1);
    for (let b = f.firstBlock; b !== NONE; b = f.blockNext[b]!) {
      if (reached[b] === 0) continue;
      this.blockOf[b] = mf.blocks.length;
      mf.blocks.push(new MBlock(b));
      layout.push(b);
    }
    for (const b of layout) {
      const id = this.blockOf[b]!;
      this.cur = mf.blocks[id]!;
      mf.order.push(id);
      const edgeStart = mf.blocks.length;
      if (b === f.entryBlock) this.lowerParams(b);
      for (let i = f.blockFirst[b]!; i !== NONE; i = f.instNext[i]!) {
        this.curInst = i;
        this.lowerInst(i as Inst);
      }
      for (let e = edgeStart; e < mf.blocks.length; e++) mf.order.push(e);
    }
    return mf;
  }

  /**
   * The immediate that replaces the second operand of `i` when it is an iconst
   * and `i` has an immediate form: the value at the operand size (sign-extended
   * imm32 for 8-byte operations, only when it equals the 64-bit constant), or
   * the shift amount masked to the width. Null when the register form is used.
   */
  immOperand(i: Inst): number | null {
    // Asked several times per instruction (planning, then lowering); the answer reads the operand's
    // definition and type, so it is kept: immState 0 = not asked yet, 1 = null, 2 = immValue[i].
    const state = this.immState[i]!;
    if (state !== 0) return state === 1 ? null : this.immValue[i]!;
    const k = this.computeImmOperand(i);
    this.immState[i] = k === null ? 1 : 2;
    if (k !== null) this.immValue[i] = k;
    return k;
  }
  /** `immOperand` without the memo. */
  computeImmOperand(i: Inst): number | null {
    const f = this.f;
    const op = f.instOpcode[i] as Opcode;
    switch (op) {
      case Opcode.IAdd: case Opcode.ISub: case Opcode.IMul: case Opcode.BAnd: case Opcode.BOr: case Opcode.BXor:
      case Opcode.ICmp: case Opcode.IShl: case Opcode.UShr: case Opcode.SShr: case Opcode.Rotl: case Opcode.Rotr:
        break;
      default:
        return null;
    }
    if (f.instArgCount[i]! < 2) return null;
    const b = f.arg(i, 1);
    if (f.valueKind[b] !== ValueKind.Result) return null;
    const def = f.valueDef[b]! as Inst;
    if (f.instOpcode[def] !== Opcode.IConst) return null;
    // The constant is hi * 2^32 + (lo >>> 0) (iconstValue), here without BigInts: the answers need its low bits.
    const lo = f.instImm[def]!, hi = f.instImm2[def]!;
    const ta = f.valueType[f.arg(i, 0)] as Type;
    if (op === Opcode.IShl || op === Opcode.UShr || op === Opcode.SShr || op === Opcode.Rotl || op === Opcode.Rotr) {
      return lo & (typeBytes(ta) * 8 - 1);
    }
    const size = op === Opcode.ICmp ? typeBytes(ta) : aluSize(ta);
    // At 8 bytes only a constant that is its sign-extended low 32 bits.
    if (size === 8) return hi === lo >> 31 ? lo : null;
    return size === 4 ? lo : size === 2 ? (lo << 16) >> 16 : (lo << 24) >> 24;
  }

  /** The defining instruction of `v` if it is an instruction result with opcode `op`, else -1. */
  defOf(v: number, op: Opcode): number {
    const f = this.f;
    if (f.valueKind[v] !== ValueKind.Result) return -1;
    const d = f.valueDef[v]!;
    return f.instOpcode[d] === op ? d : -1;
  }
  /**
   * Signed 64-bit value of `v` if it is an iconst, else null, as a number: exact below 2^53 in
   * magnitude, else a number that large (which no caller takes for a scale or displacement).
   */
  constOf(v: number): number | null {
    const d = this.defOf(v, Opcode.IConst);
    return d < 0 ? null : this.f.instImm2[d]! * 4294967296 + (this.f.instImm[d]! >>> 0);
  }
  is64(v: number): boolean {
    const t = this.f.valueType[v] as Type;
    return (t === Type.I64 || t === Type.Ptr);
  }
  /**
   * Whether `v` can be a component of an address computation of type `narrow`: any 64-bit integer
   * or pointer for a real address (`narrow` null), else exactly that type (the sum of a narrow
   * `lea`, whose low bits depend only on the low bits of its components).
   */
  fitsAddress(v: number, narrow: Type | null): boolean {
    return narrow === null ? this.is64(v) : this.f.valueType[v] === narrow;
  }
  /**
   * `x` as `index * scale`: imul(i, 1|2|4|8), ishl(i, 0..3), else x itself with scale 1. Returns the
   * scale and leaves the index in `scaledIndex` (no object per call); the index differs from `x`
   * exactly when `x` is folded.
   */
  scaled(x: number, narrow: Type | null): number {
    const f = this.f;
    let d = this.defOf(x, Opcode.IMul);
    if (d >= 0) {
      const c = this.constOf(f.arg(d as Inst, 1)), i = f.arg(d as Inst, 0);
      if ((c === 1 || c === 2 || c === 4 || c === 8) && this.fitsAddress(i, narrow)) { this.scaledIndex = i; return c; }
    }
    d = this.defOf(x, Opcode.IShl);
    if (d >= 0) {
      const c = this.constOf(f.arg(d as Inst, 1)), i = f.arg(d as Inst, 0);
      if (c !== null && c >= 0 && c <= 3 && this.fitsAddress(i, narrow)) { this.scaledIndex = i; return 1 << c; }
    }
    this.scaledIndex = x;
    return 1;
  }
  /**
   * Addressing mode for an access at `addr + off`, or null. With `narrow` (i8/i16/i32) it matches the
   * iadd `addr` of that type for a 32-bit `lea`: the displacement wraps at 32 bits.
   */
  matchAddress(addr: number, off: number, narrow: Type | null = null): AddrMode | null {
    const f = this.f;
    if (!this.fitsAddress(addr, narrow)) return null;
    let a = addr, d = this.defOf(a, Opcode.IAdd);
    if (d < 0) return null;
    const via: number[] = [];
    // `disp` is exact while it can fit 32 bits (see constOf); `dispLow` has its low 32 bits exactly (wrapped at 32 bits below).
    let disp = off, dispLow = off;
    const cv = f.arg(d as Inst, 1), c = this.constOf(cv);
    if (c !== null) {
      disp += c;
      dispLow += f.instImm[f.valueDef[cv]!]!;
      via.push(a);
      a = f.arg(d as Inst, 0);
      d = this.defOf(a, Opcode.IAdd);
      if (d < 0 || !this.fitsAddress(a, narrow)) return null;
    }
    if (narrow !== null) disp = dispLow | 0;
    if ((disp | 0) !== disp) return null;
    const x = f.arg(d as Inst, 0), y = f.arg(d as Inst, 1);
    if (!this.fitsAddress(x, narrow) || !this.fitsAddress(y, narrow)) return null;
    via.push(a);
    let base = x, scale = this.scaled(y, narrow), index = this.scaledIndex;
    if (index !== y) via.push(y);
    if (scale === 1) {
      const sx = this.scaled(x, narrow);
      if (sx !== 1) { base = y; scale = sx; index = this.scaledIndex; via.push(x); }
    }
    // A constant operand may be an immediate that is never materialised: keep such addresses as they are.
    if (this.constOf(base) !== null || this.constOf(index) !== null) return null;
    return { base, index, scale, disp, via };
  }
  /** Whether instruction `i` has a result that is an address computation not materialised. */
  resultSkipped(i: number): boolean {
    return this.f.instResultCount[i]! > 0 && this.is(this.f.result(i as Inst, 0), ValueFlag.AddrSkipped);
  }
  /**
   * Finds foldable addresses among `memInsts` (iadds, loads, stores, in function order) and the
   * address computations that need not be materialised.
   */
  planAddressModes(memInsts: readonly number[]): void {
    const f = this.f, flags = this.valueFlags;
    // Distinct values folded into some address (flag AddrCandidate).
    const cand: number[] = [];
    const addCandidates = (via: readonly number[]): void => {
      for (const u of via) if ((flags[u]! & ValueFlag.AddrCandidate) === 0) { flags[u]! |= ValueFlag.AddrCandidate; cand.push(u); }
    };
    for (const i of memInsts) {
      const op = f.instOpcode[i] as Opcode;
      if (op === Opcode.IAdd) {
        // A three-operand add: `lea d, [x + y*scale + disp]` folds the scaled operand and constant.
        const v = f.result(i as Inst, 0), t = f.valueType[v] as Type;
        const m = this.matchAddress(v, 0, isWide(t) ? null : t);
        if (m === null) continue;
        // The iadd itself is the lea's own result, not a value folded into it.
        const via = m.via;
        let w = 0;
        for (let r = 0; r < via.length; r++) if (via[r] !== v) via[w++] = via[r]!;
        via.length = w;
        this.leas[i] = m;
        this.leaInsts.push(i);
        addCandidates(m.via);
        continue;
      }
      // A load (address operand 0) or store (operand 1).
      const m = this.matchAddress(f.arg(i as Inst, op === Opcode.Store ? 1 : 0), f.instImm[i]!);
      if (m === null) continue;
      this.amodes[i] = m;
      this.amodeInsts.push(i);
      addCandidates(m.via);
    }
    if (cand.length === 0) return;
    // Fixpoint: a candidate is skipped (flag AddrSkipped) when every use comes from a memory access
    // that folded it as its address or from a skipped candidate (which reads none of its operands).
    for (const v of cand) flags[v]! |= ValueFlag.AddrSkipped;
    // Values the folded accesses read directly must be materialised.
    const keep = (m: AddrMode): void => { flags[m.base]! &= ~ValueFlag.AddrSkipped; flags[m.index]! &= ~ValueFlag.AddrSkipped; };
    for (const i of this.amodeInsts) keep(this.amodes[i]!);
    for (const i of this.leaInsts) keep(this.leas[i]!);
    // Uses of each value by folded accesses and skipped candidates; one counting closure (and one
    // for the lea operands, which reads `via`) for all, not one per instruction. Only those
    // instructions are visited: the candidates' definitions, the folded accesses and the leas.
    const absorbed = this.mf.scratch.int32(X64Slot.Absorbed, f.valueCount, 0);
    const bump = (v: number): void => { absorbed[v]!++; };
    let via: number[] = [];
    const bumpVia = (v: number): void => { if (via.includes(v)) absorbed[v]!++; };
    for (let changed = true; changed;) {
      changed = false;
      absorbed.fill(0, 0, f.valueCount);
      // A skipped candidate (an iadd/imul/ishl result) reads none of its operands itself: it passes
      // its uses on; the accesses and leas count only when their own result is not skipped.
      for (const v of cand) if ((flags[v]! & ValueFlag.AddrSkipped) !== 0) f.forEachUse(f.valueDef[v]! as Inst, bump);
      for (const i of this.amodeInsts) {
        if (this.resultSkipped(i)) continue;
        bump(f.instOpcode[i] === Opcode.Store ? f.arg(i as Inst, 1) : f.arg(i as Inst, 0));
      }
      for (const i of this.leaInsts) {
        const l = this.leas[i];
        if (l === undefined || this.resultSkipped(i)) continue;
        via = l.via;
        f.forEachUse(i as Inst, bumpVia);
      }
      for (const v of cand) {
        if ((flags[v]! & ValueFlag.AddrSkipped) !== 0 && absorbed[v] !== this.useCount[v]) { flags[v]! &= ~ValueFlag.AddrSkipped; changed = true; }
      }
    }
  }

  /**
   * Compares that need no materialised value: an icmp whose only use is the block's brif or the
   * condition of a select becomes the flags of that instruction, and a band whose only use is an icmp
   * with zero (or such a brif or select) becomes `test a, b` (the flags of `a & b` are those of
   * `cmp a & b, 0`: CF = OF = 0). For icmp or band `i` of block `b`.
   */
  planFlags(i: Inst, b: number): void {
    const f = this.f, op = f.instOpcode[i] as Opcode;
    const v = f.result(i, 0), user = this.userOf[v]!;
    if (this.useCount[v] !== 1 || f.arg(user as Inst, 0) !== v) return;
    const uop = f.instOpcode[user] as Opcode;
    if ((uop === Opcode.Brif && f.instBlock[user] === b) || uop === Opcode.Select) this.valueFlags[v]! |= op === Opcode.ICmp ? ValueFlag.Fused : ValueFlag.TestFolded;
    else if (uop === Opcode.ICmp && op === Opcode.BAnd && this.immOperand(user as Inst) === 0) this.valueFlags[v]! |= ValueFlag.TestFolded;
  }
  /**
   * Loads folded into their user: a 32/64-bit integer `load` whose only use is an operand of
   * `isub band bor bxor imul` (or an `iadd` that is no `lea`), or the second operand of an icmp fused
   * into a brif or select, later in the same block with no store or call in between (the load moves
   * to where its user is emitted), becomes that op's memory operand.
   */
  planLoadFolds(loads: readonly number[]): void {
    const f = this.f;
    // Values that folded addresses read as registers are used beyond their IR uses: keep them.
    const flags = this.valueFlags;
    for (const i of this.amodeInsts) { const m = this.amodes[i]!; flags[m.base]! |= ValueFlag.AddressOperand; flags[m.index]! |= ValueFlag.AddressOperand; }
    for (const i of this.leaInsts) { const m = this.leas[i]!; flags[m.base]! |= ValueFlag.AddressOperand; flags[m.index]! |= ValueFlag.AddressOperand; }
    for (const i of loads) {
      const b = f.instBlock[i]!;
      const v = f.result(i as Inst, 0), t = f.valueType[v] as Type;
      if (this.useCount[v] !== 1 || (t !== Type.I32 && t !== Type.I64) || this.is(v, ValueFlag.AddressOperand)) continue;
      const u = this.userOf[v]! as Inst, uop = f.instOpcode[u] as Opcode;
      if (uop === Opcode.ICmp) {
        // Emitted at the fused brif or select: `cmp a, [m]`.
        const c = f.result(u, 0);
        if (!this.is(c, ValueFlag.Fused) || f.arg(u, 1) !== v || f.arg(u, 0) === v) continue;
        const at = this.userOf[c]! as Inst;
        if (f.instBlock[at] !== b || !this.noStoreBetween(i as Inst, at)) continue;
        this.valueFlags[v]! |= ValueFlag.FoldedLoad;
        continue;
      }
      if (uop !== Opcode.IAdd && uop !== Opcode.ISub && uop !== Opcode.BAnd && uop !== Opcode.BOr && uop !== Opcode.BXor && uop !== Opcode.IMul) continue;
      if (f.instBlock[u] !== b || this.is(f.result(u, 0), ValueFlag.AddrSkipped | ValueFlag.TestFolded)) continue;
      // A plain `lea [a + b]` is no better than `add a, [m]`, which needs no register for the loaded value.
      const lm = this.leas[u];
      if (lm !== undefined && (lm.via.length > 0 || lm.scale !== 1 || lm.disp !== 0)) continue;
      // One memory operand per instruction.
      if (this.immOperand(u) !== null || this.is(f.arg(u, 0), ValueFlag.FoldedLoad) || this.is(f.arg(u, 1), ValueFlag.FoldedLoad)) continue;
      if (uop === Opcode.ISub && f.arg(u, 1) !== v) continue;
      if (!this.noStoreBetween(i as Inst, u)) continue;
      this.valueFlags[v]! |= ValueFlag.FoldedLoad;
      this.leas[u] = undefined;
    }
  }
  /**
   * Whether no instruction that may write memory (the opcode's `MemWrite` flag: stores, calls)
   * lies between instructions `from` and `to` of one block (exclusive).
   */
  noStoreBetween(from: Inst, to: Inst): boolean {
    const f = this.f;
    for (let j = f.instNext[from]!; j !== to; j = f.instNext[j]!) {
      if ((OPCODES[f.instOpcode[j]!]!.flags & OpFlags.MemWrite) !== 0) return false;
    }
    return true;
  }
  /** Appends the address registers of folded load `v` to `m`; returns the displacement (scale set on `m`). */
  loadAddress(m: MInst, v: number): number {
    const f = this.f;
    const l = f.valueDef[v]! as Inst, lm = this.amodes[l];
    if (lm === undefined) { m.add(this.vreg(f.arg(l, 0)), OperandKind.Use); return f.instImm[l]!; }
    m.add(this.vreg(lm.base), OperandKind.Use).add(this.vreg(lm.index), OperandKind.Use);
    m.scale = lm.scale;
    return lm.disp;
  }
  /** Emits flags-only `test` of the operands of folded band `v` (CmpBranch/CmpBranchImm, `sub` 1, no targets) with condition NE. */
  testFlags(v: number): MInst {
    const { x, y, k } = this.bandOperands(v);
    const m = k !== null ? this.inst(MOp.CmpBranchImm).add(x, OperandKind.Use) : this.inst(MOp.CmpBranch).add(x, OperandKind.Use).add(y, OperandKind.Use);
    m.size = typeBytes(this.f.valueType[v] as Type);
    m.imm = 5; // NE
    m.imm2 = k ?? 0;
    m.sub = 1;
    return m;
  }
  /**
   * Emits the flags of icmp `cmp` as a flags-only CmpBranch/CmpBranchImm (no targets; the caller may
   * add them): `test` for a folded band or a comparison with zero, else `cmp`.
   */
  compareFlags(cmp: Inst): MInst {
    const f = this.f;
    if (this.is(f.arg(cmp, 1), ValueFlag.FoldedLoad)) {
      const m = this.inst(MOp.CmpLoad).add(this.vreg(f.arg(cmp, 0)), OperandKind.Use);
      m.imm2 = this.loadAddress(m, f.arg(cmp, 1));
      m.size = typeBytes(f.valueType[f.arg(cmp, 0)] as Type);
      m.imm = INT_CC_TO_X86[f.instImm[cmp]! as IntCC]!;
      return m;
    }
    const { x, y, k, test } = this.compareOperands(cmp);
    const m = k !== null ? this.inst(MOp.CmpBranchImm).add(x, OperandKind.Use) : this.inst(MOp.CmpBranch).add(x, OperandKind.Use).add(y, OperandKind.Use);
    m.size = typeBytes(f.valueType[f.arg(cmp, 0)] as Type);
    m.imm = INT_CC_TO_X86[f.instImm[cmp]! as IntCC]!;
    m.imm2 = k ?? 0;
    m.sub = test ? 1 : 0;
    return m;
  }
  /** Operands of the compare for icmp `cmp`: vregs `x`, `y` (or immediate `k`), `test` when they are the operands of a folded band. */
  compareOperands(cmp: Inst): { x: number; y: number; k: number | null; test: boolean } {
    const f = this.f;
    const a = f.arg(cmp, 0);
    if (!this.is(a, ValueFlag.TestFolded)) return { x: this.vreg(a), y: this.vreg(f.arg(cmp, 1)), k: this.immOperand(cmp), test: false };
    const { x, y, k } = this.bandOperands(a);
    return { x, y, k, test: true };
  }
  /** Operands of band result `v` for `test`: vregs `x`, `y`, or immediate `k` at the band's width. */
  bandOperands(v: number): { x: number; y: number; k: number | null } {
    const f = this.f;
    const band = f.valueDef[v]! as Inst;
    const kb = this.immOperand(band), bytes = typeBytes(f.valueType[v] as Type);
    // The band immediate is sign-extended to 32 bits; a narrow `test` takes it at its own width.
    const k = kb === null ? null : bytes === 2 ? (kb << 16) >> 16 : bytes === 1 ? (kb << 24) >> 24 : kb;
    return { x: this.vreg(f.arg(band, 0)), y: this.vreg(f.arg(band, 1)), k };
  }

  lowerParams(b: number): void {
    const f = this.f;
    const { locs, stackSlots } = argLocations(f.params);
    this.mf.inArgSlots = stackSlots;
    if (f.variadic) {
      // The register save area, filled before anything else reads the argument registers.
      this.vaSaveSlot = f.stackSlots.length + this.mf.frameSlots.length;
      this.mf.frameSlots.push({ size: 176, align: 16 });
      const m = this.inst(MOp.VaSave);
      m.imm = this.vaSaveSlot;
      for (const r of SYSV.intArgs) m.add(r, OperandKind.Use);
      m.add(Gp.Rax, OperandKind.Use);
      for (const r of SYSV.floatArgs) m.add(r, OperandKind.Use);
      // va_start's starting point: past the fixed arguments in registers and on the stack.
      let ints = 0, floats = 0;
      for (const l of locs) if (l >= XMM_BASE) floats++; else if (l >= 0) ints++;
      this.vaStartState = { gpOffset: 8 * ints, fpOffset: 48 + 16 * floats, overflow: 16 + 8 * stackSlots };
    }
    for (let i = 0; i < locs.length; i++) {
      const v = this.vreg(f.blockParam(b as never, i));
      const loc = locs[i]!;
      if (loc >= 0) this.mov(v, loc);
      else this.inst(MOp.LoadArg).add(v, OperandKind.Def).imm = -1 - loc;
    }
  }

  /** The machine block for a branch destination; an edge block when it has arguments. */
  destTarget(dest: number, inline: boolean): number {
    const f = this.f;
    const target = this.blockOf[f.destBlock[dest]!]!;
    const n = f.destArgCount[dest]!;
    if (n === 0) return target;
    const saved = this.cur, id = this.mf.blocks.length;
    if (!inline) {
      const e = new MBlock(-1);
      this.mf.blocks.push(e);
      this.cur = e;
    }
    const pm = this.inst(MOp.ParallelMove);
    pm.imm = n;
    const params = f.blockParamStart[f.destBlock[dest]!]!;
    for (let k = 0; k < n; k++) pm.add(this.vreg(f.destArg(dest as never, k)), OperandKind.Use);
    for (let k = 0; k < n; k++) pm.add(this.vreg(f.pool[params + k]!), OperandKind.Def);
    if (inline) return target;
    const j = this.inst(MOp.Jump);
    j.targets = [target];
    this.cur.succs.push(target);
    this.cur = saved;
    return id;
  }

  lowerCall(i: Inst, target: number, sym: string, sig: Signature, isImport: boolean, firstArg: number): void {
    const f = this.f;
    // The arguments' own types: a variadic call passes extra arguments after the signature's.
    const argTypes: Type[] = [];
    for (let k = firstArg; k < f.instArgCount[i]!; k++) argTypes.push(f.valueType[f.arg(i, k)] as Type);
    const { locs, stackSlots } = argLocations(argTypes);
    if (stackSlots > this.mf.outArgSlots) this.mf.outArgSlots = stackSlots;
    const srcs: number[] = [];
    for (let k = 0; k < argTypes.length; k++) {
      let v = this.vreg(f.arg(i, firstArg + k));
      const t = argTypes[k]!;
      // C callees compiled by clang expect narrow arguments extended to 32 bits (C promotes the
      // extra arguments of a variadic call to int: sign extension matches a signed char's).
      if ((isImport || k >= sig.params.length) && (t === Type.I8 || t === Type.I16)) v = this.extend(v, t, true);
      srcs.push(v);
    }
    for (let k = 0; k < srcs.length; k++) {
      if (locs[k]! < 0) this.inst(MOp.StoreArg).add(srcs[k]!, OperandKind.Use).imm = -1 - locs[k]!;
    }
    for (let k = 0; k < srcs.length; k++) if (locs[k]! >= 0) this.mov(locs[k]!, srcs[k]!);
    // System V: a variadic callee finds in al how many vector registers carry arguments (an upper
    // bound is allowed). A C import gets it from the call itself (`mov eax, imm`, see emit.ts);
    // other calls set rax here, as a fixed register the call reads.
    const vectorArgs = locs.filter((l) => l >= XMM_BASE).length;
    const setsAl = sig.variadic === true && !(target < 0 && isImport);
    if (setsAl) {
      const n = this.temp(CLASS_GP);
      this.inst(MOp.MovImm).add(n, OperandKind.Def).setImm64(BigInt(vectorArgs));
      this.mov(Gp.Rax, n);
    }
    const m = this.inst(target >= 0 ? MOp.CallIndirect : MOp.Call);
    if (target >= 0) {
      m.add(target, OperandKind.Use);
      m.imm = signatureHash(sig);
      m.sub = isImport ? 1 : 0;
    } else {
      m.sym = sym;
      m.sub = isImport ? 1 : 0;
      m.imm = vectorArgs;
    }
    if (setsAl) m.add(Gp.Rax, OperandKind.Use);
    for (const l of locs) if (l >= 0) m.add(l, OperandKind.Use);
    for (const r of SYSV.callClobbers) m.add(r, OperandKind.Def);
    const rl = resultLocations(sig.results);
    let base = -1;
    for (let k = 0; k < rl.length; k++) {
      const d = this.vreg(f.result(i, k));
      if (rl[k]! >= 0) { this.mov(d, rl[k]!); continue; }
      if (base < 0) base = this.resultsBase();
      const m = this.inst(MOp.Load).add(d, OperandKind.Def).add(base, OperandKind.Use);
      m.sub = isFloatType(sig.results[k]!) ? LoadKind.Float : LoadKind.Int;
      m.size = typeBytes(sig.results[k]!) < 4 ? 4 : typeBytes(sig.results[k]!);
      m.imm = 8 * k;
    }
  }

  lowerInst(i: Inst): void {
    const f = this.f, cx = this.cx;
    const op = f.instOpcode[i] as Opcode;
    const nargs = f.instArgCount[i]!;
    const a0 = nargs > 0 ? f.arg(i, 0) : -1, a1 = nargs > 1 ? f.arg(i, 1) : -1;
    const ta = a0 >= 0 ? (f.valueType[a0] as Type) : Type.Invalid;
    const A = a0 >= 0 ? this.vreg(a0) : -1, B = a1 >= 0 ? this.vreg(a1) : -1;
    const D = f.instResultCount[i]! > 0 ? this.vreg(f.result(i, 0)) : -1;
    const ctrl = f.instType[i] as Type;
    if (D >= 0 && this.is(f.result(i, 0), ValueFlag.AddrSkipped)) return;
    const am = this.amodes[i];
    switch (op) {
      case Opcode.IConst: {
        // Every use became an immediate operand: nothing to materialise.
        if (this.immUses[f.result(i, 0)]! > 0 && this.immUses[f.result(i, 0)] === this.useCount[f.result(i, 0)]) return;
        const m = this.inst(MOp.MovImm).add(D, OperandKind.Def);
        // The halves of iconstValue. Upper bits of narrow integers are undefined: the zero-extended
        // 32-bit form is `mov r32, imm32`.
        m.imm = f.instImm[i]!;
        m.imm2 = isWide(ctrl) ? f.instImm2[i]! : 0;
        return;
      }
      case Opcode.FConst: {
        // The constant's bits, exactly (a NaN's payload included).
        const m = this.inst(MOp.FConst).add(D, OperandKind.Def);
        m.imm = f.instImm[i]!;
        m.imm2 = ctrl === Type.F32 ? 0 : f.instImm2[i]!;
        m.size = ctrl === Type.F32 ? 4 : 8;
        return;
      }
      case Opcode.INeg: case Opcode.BNot: {
        const d = this.copy(A);
        const m = this.inst(MOp.Unary).add(d, OperandKind.UseDef);
        m.sub = op === Opcode.INeg ? UnaryOp.Neg : UnaryOp.Not;
        m.size = aluSize(ta);
        this.mov(D, d);
        return;
      }
      case Opcode.Clz: case Opcode.Ctz: case Opcode.Popcnt: {
        const m = this.inst(MOp.BitCount).add(D, OperandKind.Def).add(A, OperandKind.Use);
        m.sub = op === Opcode.Clz ? BitOp.Clz : op === Opcode.Ctz ? BitOp.Ctz : BitOp.Popcnt;
        m.size = typeBytes(ta);
        return;
      }
      case Opcode.IAdd: case Opcode.ISub: case Opcode.IMul: case Opcode.BAnd: case Opcode.BOr: case Opcode.BXor: {
        if (this.is(f.result(i, 0), ValueFlag.TestFolded)) return; // becomes `test a, b` at its icmp
        const lm = this.leas[i];
        if (lm !== undefined) {
          this.lea(D, this.vreg(lm.base), this.vreg(lm.index), lm.scale, lm.disp, aluSize(ta));
          return;
        }
        const k = this.immOperand(i);
        if (k !== null && (op === Opcode.IAdd || op === Opcode.ISub)) {
          // Three-operand `lea d, [a + k]`; `sub` keeps -2^31, whose negation does not fit a 64-bit displacement.
          const size = aluSize(ta);
          const disp = op === Opcode.IAdd ? k : size === 4 ? -k | 0 : -k;
          if (disp === (disp | 0)) { this.lea(D, A, -1, 1, disp, size); return; }
        }
        if (k !== null && op === Opcode.IMul && (k === 3 || k === 5 || k === 9)) {
          this.lea(D, A, A, k - 1, 0, aluSize(ta));
          return;
        }
        if (k !== null && op === Opcode.IMul) {
          const m = this.inst(MOp.MulImm).add(D, OperandKind.Def).add(A, OperandKind.Use);
          m.size = aluSize(ta);
          m.imm2 = k;
          return;
        }
        if (k !== null) {
          const d = this.copy(A);
          const m = this.inst(MOp.AluImm).add(d, OperandKind.UseDef);
          m.sub = aluOpOf(op);
          m.size = aluSize(ta);
          m.imm2 = k;
          this.mov(D, d);
          return;
        }
        if (this.is(a0, ValueFlag.FoldedLoad) || this.is(a1, ValueFlag.FoldedLoad)) {
          const ld = this.is(a1, ValueFlag.FoldedLoad) ? a1 : a0;
          const d = this.copy(ld === a1 ? A : B);
          const m = this.inst(MOp.AluLoad).add(d, OperandKind.UseDef);
          m.imm = this.loadAddress(m, ld);
          m.sub = aluOpOf(op);
          m.size = aluSize(ta);
          this.mov(D, d);
          return;
        }
        const [x, y] = op !== Opcode.ISub && this.diesHere(a1, i) && !this.diesHere(a0, i) ? [B, A] : [A, B];
        const d = this.copy(x);
        const m = this.inst(MOp.Alu).add(d, OperandKind.UseDef).add(y, OperandKind.Use);
        m.sub = aluOpOf(op);
        m.size = aluSize(ta);
        this.mov(D, d);
        return;
      }
      case Opcode.SDiv: case Opcode.UDiv: case Opcode.SRem: case Opcode.URem: {
        const signed = op === Opcode.SDiv || op === Opcode.SRem;
        const xa = this.extend(A, ta, signed), xb = this.extend(B, ta, signed);
        this.mov(Gp.Rax, xa);
        const m = this.inst(MOp.Div).add(Gp.Rax, OperandKind.UseDef).add(Gp.Rdx, OperandKind.EarlyDef).add(xb, OperandKind.Use);
        m.sub = op === Opcode.SDiv ? DivOp.SDiv : op === Opcode.UDiv ? DivOp.UDiv : op === Opcode.SRem ? DivOp.SRem : DivOp.URem;
        m.size = aluSize(ta);
        m.imm = typeBytes(ta) * 8;
        this.mov(D, op === Opcode.SDiv || op === Opcode.UDiv ? Gp.Rax : Gp.Rdx);
        return;
      }
      case Opcode.IShl: case Opcode.UShr: case Opcode.SShr: case Opcode.Rotl: case Opcode.Rotr: {
        const k = this.immOperand(i);
        if (k !== null) {
          if (k === 0) { this.mov(D, A); return; } // amount mod width is 0: the identity
          const d = this.copy(A);
          const m = this.inst(MOp.ShiftImm).add(d, OperandKind.UseDef);
          m.sub = op === Opcode.IShl ? ShiftOp.Shl : op === Opcode.UShr ? ShiftOp.Shr : op === Opcode.SShr ? ShiftOp.Sar
            : op === Opcode.Rotl ? ShiftOp.Rol : ShiftOp.Ror;
          m.size = typeBytes(ta);
          m.imm2 = k;
          this.mov(D, d);
          return;
        }
        this.mov(Gp.Rcx, B);
        const d = this.copy(A);
        const m = this.inst(MOp.Shift).add(d, OperandKind.UseDef).add(Gp.Rcx, OperandKind.Use);
        m.sub = op === Opcode.IShl ? ShiftOp.Shl : op === Opcode.UShr ? ShiftOp.Shr : op === Opcode.SShr ? ShiftOp.Sar
          : op === Opcode.Rotl ? ShiftOp.Rol : ShiftOp.Ror;
        m.size = typeBytes(ta);
        this.mov(D, d);
        return;
      }
      case Opcode.ICmp: {
        // Fused into the brif or select that is the only use: `cmp a, b; jcc` / `cmovcc` instead of setcc + test.
        if (this.is(f.result(i, 0), ValueFlag.Fused)) return;
        const { x, y, k, test } = this.compareOperands(i);
        const m = k !== null ? this.inst(MOp.ICmpSetImm).add(D, OperandKind.Def).add(x, OperandKind.Use)
          : this.inst(MOp.ICmpSet).add(D, OperandKind.Def).add(x, OperandKind.Use).add(y, OperandKind.Use);
        m.size = typeBytes(ta);
        m.imm = INT_CC_TO_X86[f.instImm[i]! as IntCC]!;
        m.imm2 = k ?? 0;
        m.sub = test ? 1 : 0;
        return;
      }
      case Opcode.FNeg: case Opcode.FAbs: {
        const d = this.copy(A);
        const m = this.inst(MOp.FSign).add(d, OperandKind.UseDef);
        m.sub = op === Opcode.FNeg ? 0 : 1;
        m.size = typeBytes(ta);
        this.mov(D, d);
        return;
      }
      case Opcode.FSqrt: case Opcode.FFloor: case Opcode.FCeil: case Opcode.FTrunc: case Opcode.FNearest:
      case Opcode.FPromote: case Opcode.FDemote: {
        const m = this.inst(MOp.FUnary).add(D, OperandKind.Def).add(A, OperandKind.Use);
        m.sub = op === Opcode.FSqrt ? 0 : op === Opcode.FFloor ? 1 : op === Opcode.FCeil ? 2 : op === Opcode.FTrunc ? 3
          : op === Opcode.FNearest ? 4 : op === Opcode.FPromote ? 5 : 6;
        m.size = typeBytes(ta);
        return;
      }
      case Opcode.FAdd: case Opcode.FSub: case Opcode.FMul: case Opcode.FDiv: {
        // Never commuted: with two NaN operands, SSE returns the first one (quieted), as docs/ir.md §4 defines.
        const d = this.copy(A);
        const m = this.inst(MOp.FAlu).add(d, OperandKind.UseDef).add(B, OperandKind.Use);
        m.sub = op === Opcode.FAdd ? FAluOp.Add : op === Opcode.FSub ? FAluOp.Sub : op === Opcode.FMul ? FAluOp.Mul : FAluOp.Div;
        m.size = typeBytes(ta);
        this.mov(D, d);
        return;
      }
      case Opcode.FMin: case Opcode.FMax: {
        const d = this.copy(A);
        const m = this.inst(MOp.FMinMax).add(d, OperandKind.UseDef).add(B, OperandKind.Use);
        m.sub = op === Opcode.FMin ? 0 : 1;
        m.size = typeBytes(ta);
        this.mov(D, d);
        return;
      }
      case Opcode.FCopysign: {
        const d = this.copy(A);
        const m = this.inst(MOp.FCopysign).add(d, OperandKind.UseDef).add(B, OperandKind.Use).add(this.temp(CLASS_XMM), OperandKind.Temp);
        m.size = typeBytes(ta);
        this.mov(D, d);
        return;
      }
      case Opcode.FCmp: {
        const m = this.inst(MOp.FCmpSet).add(D, OperandKind.Def).add(A, OperandKind.Use).add(B, OperandKind.Use);
        const cc = f.instImm[i]! as FloatCC;
        if (cc === FloatCC.Eq || cc === FloatCC.Ne || cc === FloatCC.Une) m.add(this.temp(CLASS_GP), OperandKind.Temp);
        m.imm = cc;
        m.size = typeBytes(ta);
        return;
      }
      case Opcode.Select: {
        const C = A, X = B, Y = this.vreg(f.arg(i, 2));
        const d = this.copy(Y);
        // Flags only (no targets): the fused icmp's `cmp`/`test`, else `test c, c`. Nothing may come between them and the cmov.
        let cc = 5; // NE
        if (this.is(a0, ValueFlag.Fused)) cc = this.compareFlags(f.valueDef[a0]! as Inst).imm;
        else if (this.is(a0, ValueFlag.TestFolded)) this.testFlags(a0);
        else this.inst(MOp.Brif).add(C, OperandKind.Use).size = typeBytes(ta);
        const m = this.inst(MOp.Select).add(d, OperandKind.UseDef).add(X, OperandKind.Use);
        m.sub = cc;
        const tx = f.valueType[a1] as Type;
        m.imm = isFloatType(tx) ? 1 : 0;
        m.size = aluSize(tx);
        this.mov(D, d);
        return;
      }
      case Opcode.SExt: case Opcode.ZExt: {
        const m = this.inst(MOp.Ext).add(D, OperandKind.Def).add(A, OperandKind.Use);
        m.sub = op === Opcode.SExt ? ExtOp.Sign : ExtOp.Zero;
        m.size = typeBytes(ta);
        m.imm = isWide(ctrl) ? 8 : 4;
        return;
      }
      case Opcode.Trunc:
        this.mov(D, A);
        return;
      case Opcode.FcvtToSint: case Opcode.FcvtToUint: {
        const m = this.inst(MOp.CvtToInt).add(D, OperandKind.Def).add(A, OperandKind.Use).add(this.temp(CLASS_XMM), OperandKind.Temp);
        m.sub = op === Opcode.FcvtToSint ? 0 : 1;
        m.size = typeBytes(ta);
        m.imm = typeBytes(ctrl) * 8;
        return;
      }
      case Opcode.FcvtToSintSat: case Opcode.FcvtToUintSat: {
        const m = this.inst(MOp.CvtToIntSat).add(D, OperandKind.Def).add(A, OperandKind.Use);
        const signed = op === Opcode.FcvtToSintSat, w = typeBytes(ctrl) * 8;
        if (!signed) m.add(this.temp(CLASS_XMM), OperandKind.Temp);
        if (signed ? w < 32 : w < 64) m.add(this.temp(CLASS_GP), OperandKind.Temp);
        m.sub = signed ? 0 : 1;
        m.size = typeBytes(ta);
        m.imm = w;
        return;
      }
      case Opcode.FcvtFromSint: case Opcode.FcvtFromUint: {
        const signed = op === Opcode.FcvtFromSint;
        let src = A, size = aluSize(ta), sub = 0;
        if (!signed && !isWide(ta)) { src = this.extend(A, ta, false, 8); size = 8; } // exact as a signed 64-bit value
        else if (!signed) sub = 1;
        else src = this.extend(A, ta, true);
        const m = this.inst(MOp.CvtFromInt).add(D, OperandKind.Def).add(src, OperandKind.Use);
        if (sub === 1) m.add(this.temp(CLASS_GP), OperandKind.Temp).add(this.temp(CLASS_GP), OperandKind.Temp);
        m.sub = sub;
        m.size = size;
        m.imm = typeBytes(ctrl);
        return;
      }
      case Opcode.Bitcast: {
        if (isFloatType(ta) === isFloatType(ctrl)) { this.mov(D, A); return; }
        const m = this.inst(MOp.BitMove).add(D, OperandKind.Def).add(A, OperandKind.Use);
        m.size = typeBytes(ctrl);
        return;
      }
      case Opcode.Load: case Opcode.SLoad8: case Opcode.ULoad8: case Opcode.SLoad16: case Opcode.ULoad16:
      case Opcode.SLoad32: case Opcode.ULoad32: {
        if (this.is(f.result(i, 0), ValueFlag.FoldedLoad)) return; // the memory operand of its user
        let m: MInst;
        if (am !== undefined) {
          m = this.inst(MOp.LoadIdx).add(D, OperandKind.Def).add(this.vreg(am.base), OperandKind.Use).add(this.vreg(am.index), OperandKind.Use);
          m.imm = am.disp;
          m.scale = am.scale;
        } else {
          m = this.inst(MOp.Load).add(D, OperandKind.Def).add(A, OperandKind.Use);
          m.imm = f.instImm[i]!;
        }
        if (op === Opcode.Load) {
          m.sub = isFloatType(ctrl) ? LoadKind.Float : LoadKind.Int;
          m.size = typeBytes(ctrl);
        } else {
          m.sub = op === Opcode.SLoad8 || op === Opcode.SLoad16 || op === Opcode.SLoad32 ? LoadKind.SignExt : LoadKind.ZeroExt;
          m.size = op === Opcode.SLoad8 || op === Opcode.ULoad8 ? 1 : op === Opcode.SLoad16 || op === Opcode.ULoad16 ? 2 : 4;
          m.imm2 = isWide(ctrl) ? 8 : 4;
        }
        return;
      }
      case Opcode.Store: {
        const m = am !== undefined
          ? this.inst(MOp.StoreIdx).add(A, OperandKind.Use).add(this.vreg(am.base), OperandKind.Use).add(this.vreg(am.index), OperandKind.Use)
          : this.inst(MOp.Store).add(A, OperandKind.Use).add(B, OperandKind.Use);
        m.size = typeBytes(ctrl);
        m.sub = isFloatType(ctrl) ? 1 : 0;
        if (am !== undefined) { m.imm = am.disp; m.scale = am.scale; } else m.imm = f.instImm[i]!;
        return;
      }
      case Opcode.StackAddr: {
        const m = this.inst(MOp.StackAddr).add(D, OperandKind.Def);
        m.imm = f.instImm[i]!;
        m.imm2 = f.instImm2[i]!;
        return;
      }
      case Opcode.StackAlloc: {
        const m = this.inst(MOp.StackAlloc).add(D, OperandKind.Def).add(A, OperandKind.Use).add(this.temp(CLASS_GP), OperandKind.Temp);
        m.imm = Math.max(16, f.instImm[i]!);
        this.mf.dynamicStack = true;
        return;
      }
      case Opcode.LabelAddr:
        this.inst(MOp.LabelAddr).add(D, OperandKind.Def).imm = f.instImm[i]!;
        return;
      case Opcode.StackSave:
        this.inst(MOp.StackSave).add(D, OperandKind.Def);
        return;
      case Opcode.StackRestore:
        this.inst(MOp.StackRestore).add(A, OperandKind.Use);
        this.mf.dynamicStack = true;
        return;
      case Opcode.GlobalAddr: {
        this.inst(MOp.MovImm).add(D, OperandKind.Def).setImm64(cx.dataAddress(f.instImm[i]!));
        return;
      }
      case Opcode.FuncAddr: {
        const c = f.module.callees[f.instImm[i]!]!;
        const m = this.inst(MOp.LoadSym).add(D, OperandKind.Def);
        m.sym = c.isImport ? cx.importStubSymbol(c.name) : cx.functionSymbol(c.name);
        return;
      }
      case Opcode.Call: {
        const c = f.module.callees[f.instImm[i]!]!;
        if (c.isImport) this.lowerCall(i, -1, cx.importSymbol(c.name), c, true, 0);
        else this.lowerCall(i, -1, cx.functionSymbol(c.name), c, false, 0);
        return;
      }
      case Opcode.CallIndirect:
        this.lowerCall(i, A, '', f.signatures[f.instImm[i]!]!, false, 1);
        return;
      case Opcode.CallNative: // a C callee (narrow arguments extended), no header check
        this.lowerCall(i, A, '', f.signatures[f.instImm[i]!]!, true, 1);
        return;
      case Opcode.VaStart: {
        const st = this.vaStartState!;
        const m = this.inst(MOp.VaStart).add(A, OperandKind.Use).add(this.temp(CLASS_GP), OperandKind.Temp);
        m.imm = this.vaSaveSlot;
        m.sub = st.gpOffset | (st.fpOffset << 16);
        m.imm2 = st.overflow;
        return;
      }
      case Opcode.VaArg: {
        const second = f.instImm[i]!;
        const m = this.inst(MOp.VaArg).add(D, OperandKind.Def);
        if (second !== 0) m.add(this.vreg(f.result(i, 1)), OperandKind.Def);
        m.add(A, OperandKind.Use).add(this.temp(CLASS_GP), OperandKind.Temp);
        if (second !== 0) m.add(this.temp(CLASS_GP), OperandKind.Temp);
        m.imm = ctrl;
        m.imm2 = second;
        return;
      }
      case Opcode.Jump: {
        const t = this.destTarget(f.dest(i, 0), true);
        this.inst(MOp.Jump).targets = [t];
        this.cur.succs.push(t);
        return;
      }
      case Opcode.Brif: {
        const t = this.destTarget(f.dest(i, 0), false), e = this.destTarget(f.dest(i, 1), false);
        if (this.is(a0, ValueFlag.Fused | ValueFlag.TestFolded)) {
          (this.is(a0, ValueFlag.Fused) ? this.compareFlags(f.valueDef[a0]! as Inst) : this.testFlags(a0)).targets = [t, e];
          this.cur.succs.push(t, e);
          return;
        }
        const m = this.inst(MOp.Brif).add(A, OperandKind.Use);
        m.size = typeBytes(ta);
        m.targets = [t, e];
        this.cur.succs.push(t, e);
        return;
      }
      case Opcode.BrTable: {
        const targets: number[] = [];
        for (let d = 0; d < f.instDestCount[i]!; d++) targets.push(this.destTarget(f.dest(i, d), false));
        const m = this.inst(MOp.BrTable).add(A, OperandKind.Use).add(this.temp(CLASS_GP), OperandKind.Temp);
        m.size = typeBytes(ta);
        m.targets = targets;
        for (const t of new Set(targets)) this.cur.succs.push(t);
        return;
      }
      case Opcode.IndirectBr: {
        const targets: number[] = [];
        for (let d = 0; d < f.instDestCount[i]!; d++) targets.push(this.destTarget(f.dest(i, d), false));
        const m = this.inst(MOp.IndirectBr).add(A, OperandKind.Use).add(this.temp(CLASS_GP), OperandKind.Temp);
        m.targets = targets;
        for (const t of new Set(targets)) this.cur.succs.push(t);
        return;
      }
      case Opcode.Return: {
        const rl = resultLocations(f.results);
        let base = -1;
        for (let k = 0; k < nargs; k++) {
          if (rl[k]! >= 0) continue;
          if (base < 0) base = this.resultsBase();
          const t = f.results[k]!;
          const m = this.inst(MOp.Store).add(this.vreg(f.arg(i, k)), OperandKind.Use).add(base, OperandKind.Use);
          m.sub = isFloatType(t) ? 1 : 0;
          m.size = isFloatType(t) ? typeBytes(t) : 8;
          m.imm = 8 * k;
        }
        for (let k = 0; k < nargs; k++) if (rl[k]! >= 0) this.mov(rl[k]!, this.vreg(f.arg(i, k)));
        const m = this.inst(MOp.Ret);
        for (const r of rl) if (r >= 0) m.add(r, OperandKind.Use);
        return;
      }
      case Opcode.Trap:
        this.inst(MOp.Trap).imm = f.instImm[i]!;
        return;
      default:
        return unhandledOpcode(op, 'lowering (x86-64)');
    }
  }

  /** `lea dst, [base + index*scale + disp]` at `size` (no index when `index` is -1). */
  lea(dst: number, base: number, index: number, scale: number, disp: number, size: number): void {
    const m = this.inst(MOp.Lea).add(dst, OperandKind.Def).add(base, OperandKind.Use);
    if (index >= 0) m.add(index, OperandKind.Use);
    m.scale = scale;
    m.imm = disp;
    m.size = size;
  }
  /**
   * Whether IR value `v` certainly has its last use at instruction `i`: its only use, defined earlier
   * in the same block (so not live around a loop). Commutative two-address ops tie such an operand,
   * whose register the copy can then reuse.
   */
  diesHere(v: number, i: Inst): boolean {
    const f = this.f;
    return this.useCount[v] === 1 && f.valueKind[v] === ValueKind.Result && f.instBlock[f.valueDef[v]!] === f.instBlock[i];
  }

  /** A vreg holding the address of the module's results area. */
  resultsBase(): number {
    const b = this.temp(CLASS_GP);
    this.inst(MOp.MovImm).add(b, OperandKind.Def).setImm64(this.cx.resultsAddress);
    return b;
  }
}

/** Lowers one verified IR function. */
export function lowerFunction(f: Func, cx: LowerContext): MFunction {
  return new Lowerer(f, cx).run();
}
