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
import { Func, Inst, Module, NONE, ValueKind } from '../../ir/function.js';
import { FloatCC, IntCC, Opcode } from '../../ir/opcodes.js';
import { Type, isFloatType, typeBytes, signatureText, type Signature } from '../../ir/types.js';
import { OperandKind } from '../../regalloc/linear-scan.js';
import {
  AluOp, BitOp, CALL_CLOBBERS, CLASS_GP, CLASS_XMM, DivOp, ExtOp, FAluOp, FLOAT_ARGS, FLOAT_RESULTS, Gp,
  INT_ARGS, INT_RESULTS, LoadKind, MInst, MOp, NUM_PREGS, ShiftOp, UnaryOp,
} from './minst.js';

/** A machine basic block. */
export class MBlock {
  /** Instructions. */ readonly insts: MInst[] = [];
  /** Successor machine blocks. */ readonly succs: number[] = [];
  /** The IR block (or -1 for an edge block). */ readonly irBlock: number;
  constructor(irBlock: number) { this.irBlock = irBlock; }
}

/** A lowered function. */
export class MFunction {
  /** Blocks by id; `order` is the layout. */ readonly blocks: MBlock[] = [];
  /** Layout order of block ids. */ order: number[] = [];
  /** Register class per register id (pregs included). */ readonly regClass: number[] = [];
  /** Largest number of outgoing stack argument slots of any call. */ outArgSlots = 0;
  /** Number of incoming stack arguments. */ inArgSlots = 0;
  constructor(readonly func: Func) {
    for (let p = 0; p < NUM_PREGS; p++) this.regClass.push(p < 16 ? CLASS_GP : CLASS_XMM);
  }
}

/** What lowering needs from the module-level compilation. */
export interface LowerContext {
  /** Absolute address of module data object `index`. */
  dataAddress(index: number): bigint;
  /** Link symbol of module function `name`. */
  functionSymbol(name: string): string;
  /** Link symbol of the callable stub of import `name` (func_addr of an import). */
  importStubSymbol(name: string): string;
  /** Link symbol of a C import `name`. */
  importSymbol(name: string): string;
  /** Absolute address of result slot 0 of the module state (results returned in memory). */
  readonly resultsAddress: bigint;
}

/** 32-bit hash of a signature, checked by call_indirect (FNV-1a of its text). */
export function signatureHash(sig: Signature): number {
  const s = signatureText(sig);
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h | 0;
}

const INT_CC_TO_X86 = [4, 5, 12, 14, 15, 13, 2, 6, 7, 3]; // eq ne slt sle sgt sge ult ule ugt uge -> E NE L LE G GE B BE A AE

/** Where each argument of a signature goes: preg, or -(1 + stack slot). */
export function argLocations(types: readonly Type[]): { locs: number[]; stackSlots: number } {
  let ints = 0, floats = 0, stack = 0;
  const locs: number[] = [];
  for (const t of types) {
    if (isFloatType(t)) locs.push(floats < 8 ? FLOAT_ARGS[floats++]! : -(1 + stack++));
    else locs.push(ints < 6 ? INT_ARGS[ints++]! : -(1 + stack++));
  }
  return { locs, stackSlots: stack };
}

/**
 * Result locations of a signature: a result register, or -(1 + k) for result k
 * returned in memory (the module state's results area, slot k) once the
 * registers of its class are used up. The callee stores such results just
 * before returning and the caller loads them right after the call, so one
 * area per module suffices even with recursion.
 */
export function resultLocations(types: readonly Type[]): number[] {
  let ints = 0, floats = 0;
  return types.map((t, k) => {
    if (isFloatType(t)) return floats < FLOAT_RESULTS.length ? FLOAT_RESULTS[floats++]! : -(1 + k);
    return ints < INT_RESULTS.length ? INT_RESULTS[ints++]! : -(1 + k);
  });
}

const isWide = (t: Type): boolean => t === Type.I64 || t === Type.Ptr;
const aluSize = (t: Type): number => (isWide(t) ? 8 : 4);

/** A folded address `[base + index*scale + disp]` (IR values); `via` = the folded address computations. */
interface AddrMode { base: number; index: number; scale: number; disp: number; via: number[] }

/** Per-function lowering state. */
class Lowerer {
  readonly mf: MFunction;
  cur!: MBlock;
  curInst = -1;
  /** Machine block of each IR block. */
  readonly blockOf = new Map<number, number>();
  /** Uses of each IR value (operands and block arguments). */
  useCount!: Int32Array;
  /** Uses of each IR value that lowering turns into immediate operands. */
  immUses!: Int32Array;
  /** icmp results folded into the brif that is their only use. */
  readonly fused = new Set<number>();
  /** Memory instructions whose address is folded into `[base + index*scale + disp]`. */
  readonly amodes = new Map<number, AddrMode>();
  /** Address computations (iadd/imul/ishl results) not materialised: every use was folded into addressing modes. */
  readonly addrSkipped = new Set<number>();
  constructor(readonly f: Func, readonly cx: LowerContext) {
    this.mf = new MFunction(f);
    for (let v = 0; v < f.valueCount; v++) this.mf.regClass.push(isFloatType(f.valueType[v] as Type) ? CLASS_XMM : CLASS_GP);
  }
  vreg(v: number): number { return NUM_PREGS + v; }
  temp(cls: number): number { this.mf.regClass.push(cls); return this.mf.regClass.length - 1; }
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
    const reach = new Set<number>();
    const stack = [f.entryBlock as number];
    while (stack.length > 0) {
      const b = stack.pop()!;
      if (reach.has(b)) continue;
      reach.add(b);
      const last = f.blockLast[b]!;
      if (last !== NONE) for (let d = 0; d < f.instDestCount[last]!; d++) stack.push(f.destBlock[f.instDestStart[last]! + d]!);
    }
    this.useCount = new Int32Array(f.valueCount);
    for (const b of reach) for (let i = f.blockFirst[b]!; i !== NONE; i = f.instNext[i]!) f.forEachUse(i as Inst, (v) => { this.useCount[v]!++; });
    this.immUses = new Int32Array(f.valueCount);
    for (const b of reach) {
      for (let i = f.blockFirst[b]!; i !== NONE; i = f.instNext[i]!) {
        if (this.immOperand(i as Inst) !== null) this.immUses[f.arg(i as Inst, 1)]!++;
      }
    }
    this.planAddressModes(reach);
    const layout: number[] = [];
    for (let b = f.firstBlock; b !== NONE; b = f.blockNext[b]!) {
      if (!reach.has(b)) continue;
      this.blockOf.set(b, mf.blocks.length);
      mf.blocks.push(new MBlock(b));
      layout.push(b);
    }
    for (const b of layout) {
      const id = this.blockOf.get(b)!;
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
    const v = BigInt.asIntN(64, f.iconstValue(def));
    const ta = f.valueType[f.arg(i, 0)] as Type;
    if (op === Opcode.IShl || op === Opcode.UShr || op === Opcode.SShr || op === Opcode.Rotl || op === Opcode.Rotr) {
      return Number(BigInt.asUintN(64, v) & BigInt(typeBytes(ta) * 8 - 1));
    }
    const size = op === Opcode.ICmp ? typeBytes(ta) : aluSize(ta);
    if (size === 8) return BigInt.asIntN(32, v) === v ? Number(v) : null;
    return Number(BigInt.asIntN(size * 8, v));
  }

  /** The defining instruction of `v` if it is an instruction result with opcode `op`, else -1. */
  defOf(v: number, op: Opcode): number {
    const f = this.f;
    if (f.valueKind[v] !== ValueKind.Result) return -1;
    const d = f.valueDef[v]!;
    return f.instOpcode[d] === op ? d : -1;
  }
  /** Signed 64-bit value of `v` if it is an iconst, else null. */
  constOf(v: number): bigint | null {
    const d = this.defOf(v, Opcode.IConst);
    return d < 0 ? null : BigInt.asIntN(64, this.f.iconstValue(d as Inst));
  }
  is64(v: number): boolean {
    const t = this.f.valueType[v] as Type;
    return (t === Type.I64 || t === Type.Ptr);
  }
  /** `x` as `index * scale`: imul(i, 1|2|4|8), ishl(i, 0..3), else x itself with scale 1; `via` gets the folded value. */
  scaled(x: number, via: number[]): { index: number; scale: number } {
    const f = this.f;
    let d = this.defOf(x, Opcode.IMul);
    if (d >= 0) {
      const c = this.constOf(f.arg(d as Inst, 1)), i = f.arg(d as Inst, 0);
      if ((c === 1n || c === 2n || c === 4n || c === 8n) && this.is64(i)) { via.push(x); return { index: i, scale: Number(c) }; }
    }
    d = this.defOf(x, Opcode.IShl);
    if (d >= 0) {
      const c = this.constOf(f.arg(d as Inst, 1)), i = f.arg(d as Inst, 0);
      if (c !== null && c >= 0n && c <= 3n && this.is64(i)) { via.push(x); return { index: i, scale: 1 << Number(c) }; }
    }
    return { index: x, scale: 1 };
  }
  /** Addressing mode for an access at `addr + off`, or null. */
  matchAddress(addr: number, off: number): AddrMode | null {
    const f = this.f;
    if (!this.is64(addr)) return null;
    const via: number[] = [];
    let disp = BigInt(off), a = addr;
    let d = this.defOf(a, Opcode.IAdd);
    if (d < 0) return null;
    const c = this.constOf(f.arg(d as Inst, 1));
    if (c !== null) {
      disp += c;
      via.push(a);
      a = f.arg(d as Inst, 0);
      d = this.defOf(a, Opcode.IAdd);
      if (d < 0 || !this.is64(a)) return null;
    }
    if (BigInt.asIntN(32, disp) !== disp) return null;
    const x = f.arg(d as Inst, 0), y = f.arg(d as Inst, 1);
    if (!this.is64(x) || !this.is64(y)) return null;
    via.push(a);
    let base = x, sc = this.scaled(y, via);
    if (sc.scale === 1) {
      const v2: number[] = [];
      const sx = this.scaled(x, v2);
      if (sx.scale !== 1) { base = y; sc = sx; via.push(...v2); }
    }
    // A constant operand may be an immediate that is never materialised: keep such addresses as they are.
    if (this.constOf(base) !== null || this.constOf(sc.index) !== null) return null;
    return { base, index: sc.index, scale: sc.scale, disp: Number(disp), via };
  }
  /** Finds foldable addresses and the address computations that need not be materialised. */
  planAddressModes(reach: Set<number>): void {
    const f = this.f;
    const cand = new Set<number>();
    for (const b of reach) {
      for (let i = f.blockFirst[b]!; i !== NONE; i = f.instNext[i]!) {
        const op = f.instOpcode[i] as Opcode;
        let addr = -1;
        if (op === Opcode.Load || op === Opcode.SLoad8 || op === Opcode.ULoad8 || op === Opcode.SLoad16 || op === Opcode.ULoad16
          || op === Opcode.SLoad32 || op === Opcode.ULoad32) addr = f.arg(i as Inst, 0);
        else if (op === Opcode.Store) addr = f.arg(i as Inst, 1);
        else continue;
        const m = this.matchAddress(addr, f.instImm[i]!);
        if (m === null) continue;
        this.amodes.set(i, m);
        for (const v of m.via) cand.add(v);
      }
    }
    if (cand.size === 0) return;
    // Fixpoint: a candidate is skipped when every use comes from a memory access that folded it as its
    // address or from a skipped candidate (which reads none of its operands).
    const skip = new Set(cand);
    // Values the folded accesses read directly must be materialised.
    for (const m of this.amodes.values()) { skip.delete(m.base); skip.delete(m.index); }
    for (let changed = true; changed;) {
      changed = false;
      const absorbed = new Map<number, number>();
      const bump = (v: number): void => { absorbed.set(v, (absorbed.get(v) ?? 0) + 1); };
      for (const b of reach) {
        for (let i = f.blockFirst[b]!; i !== NONE; i = f.instNext[i]!) {
          const m = this.amodes.get(i);
          if (m !== undefined) {
            const op = f.instOpcode[i] as Opcode;
            bump(op === Opcode.Store ? f.arg(i as Inst, 1) : f.arg(i as Inst, 0));
            continue;
          }
          if (f.instResultCount[i]! > 0 && skip.has(f.result(i as Inst, 0))) f.forEachUse(i as Inst, (v) => { bump(v); });
        }
      }
      for (const v of [...skip]) {
        if ((absorbed.get(v) ?? 0) !== this.useCount[v]) { skip.delete(v); changed = true; }
      }
    }
    for (const v of skip) this.addrSkipped.add(v);
  }

  lowerParams(b: number): void {
    const f = this.f;
    const { locs, stackSlots } = argLocations(f.params);
    this.mf.inArgSlots = stackSlots;
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
    const target = this.blockOf.get(f.destBlock[dest]!)!;
    const n = f.destArgCount[dest]!;
    if (n === 0) return target;
    const saved = this.cur;
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
    const id = this.mf.blocks.indexOf(this.cur);
    this.cur = saved;
    return id;
  }

  lowerCall(i: Inst, target: number, sym: string, sig: Signature, isImport: boolean, firstArg: number): void {
    const f = this.f;
    const argTypes = sig.params;
    const { locs, stackSlots } = argLocations(argTypes);
    if (stackSlots > this.mf.outArgSlots) this.mf.outArgSlots = stackSlots;
    const srcs: number[] = [];
    for (let k = 0; k < argTypes.length; k++) {
      let v = this.vreg(f.arg(i, firstArg + k));
      const t = argTypes[k]!;
      // C callees compiled by clang expect narrow arguments extended to 32 bits.
      if (isImport && (t === Type.I8 || t === Type.I16)) v = this.extend(v, t, true);
      srcs.push(v);
    }
    for (let k = 0; k < srcs.length; k++) {
      if (locs[k]! < 0) this.inst(MOp.StoreArg).add(srcs[k]!, OperandKind.Use).imm = -1 - locs[k]!;
    }
    for (let k = 0; k < srcs.length; k++) if (locs[k]! >= 0) this.mov(locs[k]!, srcs[k]!);
    const m = this.inst(target >= 0 ? MOp.CallIndirect : MOp.Call);
    if (target >= 0) {
      m.add(target, OperandKind.Use);
      m.imm = signatureHash(sig);
    } else {
      m.sym = sym;
      m.sub = isImport ? 1 : 0;
      m.imm = locs.filter((l) => l >= 16).length;
    }
    for (const l of locs) if (l >= 0) m.add(l, OperandKind.Use);
    for (const r of CALL_CLOBBERS) m.add(r, OperandKind.Def);
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
    if (D >= 0 && this.addrSkipped.has(f.result(i, 0))) return;
    const am = this.amodes.get(i);
    switch (op) {
      case Opcode.IConst: {
        // Every use became an immediate operand: nothing to materialise.
        if (this.immUses[f.result(i, 0)]! > 0 && this.immUses[f.result(i, 0)] === this.useCount[f.result(i, 0)]) return;
        const m = this.inst(MOp.MovImm).add(D, OperandKind.Def);
        m.big = f.iconstValue(i);
        return;
      }
      case Opcode.FConst: {
        const m = this.inst(MOp.FConst).add(D, OperandKind.Def);
        const x = f.instFImm[i]!;
        const dv = new DataView(new ArrayBuffer(8));
        if (ctrl === Type.F32) { dv.setFloat32(0, x, true); m.big = BigInt(dv.getUint32(0, true)); m.size = 4; }
        else { dv.setFloat64(0, x, true); m.big = dv.getBigUint64(0, true); m.size = 8; }
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
        const k = this.immOperand(i);
        if (k !== null && op === Opcode.IMul) {
          const m = this.inst(MOp.MulImm).add(D, OperandKind.Def).add(A, OperandKind.Use);
          m.size = aluSize(ta);
          m.imm2 = k;
          return;
        }
        if (k !== null) {
          const d = this.copy(A);
          const m = this.inst(MOp.AluImm).add(d, OperandKind.UseDef);
          m.sub = op === Opcode.IAdd ? AluOp.Add : op === Opcode.ISub ? AluOp.Sub
            : op === Opcode.BAnd ? AluOp.And : op === Opcode.BOr ? AluOp.Or : AluOp.Xor;
          m.size = aluSize(ta);
          m.imm2 = k;
          this.mov(D, d);
          return;
        }
        const d = this.copy(A);
        const m = this.inst(MOp.Alu).add(d, OperandKind.UseDef).add(B, OperandKind.Use);
        m.sub = op === Opcode.IAdd ? AluOp.Add : op === Opcode.ISub ? AluOp.Sub : op === Opcode.IMul ? AluOp.Mul
          : op === Opcode.BAnd ? AluOp.And : op === Opcode.BOr ? AluOp.Or : AluOp.Xor;
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
        // Fuse into the block's brif when that is the only use: `cmp a, b; jcc` instead of setcc + test.
        const term = f.blockLast[f.instBlock[i]!]!;
        if (this.useCount[f.result(i, 0)] === 1 && f.instOpcode[term] === Opcode.Brif && f.arg(term as Inst, 0) === f.result(i, 0)) {
          this.fused.add(f.result(i, 0));
          return;
        }
        const k = this.immOperand(i);
        if (k !== null) {
          const m = this.inst(MOp.ICmpSetImm).add(D, OperandKind.Def).add(A, OperandKind.Use);
          m.size = typeBytes(ta);
          m.imm = INT_CC_TO_X86[f.instImm[i]! as IntCC]!;
          m.imm2 = k;
          return;
        }
        const m = this.inst(MOp.ICmpSet).add(D, OperandKind.Def).add(A, OperandKind.Use).add(B, OperandKind.Use);
        m.size = typeBytes(ta);
        m.imm = INT_CC_TO_X86[f.instImm[i]! as IntCC]!;
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
        const tst = this.inst(MOp.Brif).add(C, OperandKind.Use); // flags only: targets empty = `test c, c`
        tst.size = typeBytes(ta);
        const m = this.inst(MOp.Select).add(d, OperandKind.UseDef).add(X, OperandKind.Use);
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
      case Opcode.GlobalAddr: {
        const m = this.inst(MOp.MovImm).add(D, OperandKind.Def);
        m.big = BigInt.asIntN(64, cx.dataAddress(f.instImm[i]!));
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
      case Opcode.Jump: {
        const t = this.destTarget(f.dest(i, 0), true);
        this.inst(MOp.Jump).targets = [t];
        this.cur.succs.push(t);
        return;
      }
      case Opcode.Brif: {
        const t = this.destTarget(f.dest(i, 0), false), e = this.destTarget(f.dest(i, 1), false);
        if (this.fused.has(a0)) {
          const cmp = f.valueDef[a0]! as Inst;
          const x = f.arg(cmp, 0), y = f.arg(cmp, 1);
          const k = this.immOperand(cmp);
          if (k !== null) {
            const m = this.inst(MOp.CmpBranchImm).add(this.vreg(x), OperandKind.Use);
            m.size = typeBytes(f.valueType[x] as Type);
            m.imm = INT_CC_TO_X86[f.instImm[cmp]! as IntCC]!;
            m.imm2 = k;
            m.targets = [t, e];
            this.cur.succs.push(t, e);
            return;
          }
          const m = this.inst(MOp.CmpBranch).add(this.vreg(x), OperandKind.Use).add(this.vreg(y), OperandKind.Use);
          m.size = typeBytes(f.valueType[x] as Type);
          m.imm = INT_CC_TO_X86[f.instImm[cmp]! as IntCC]!;
          m.targets = [t, e];
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
        throw new Error(`lowering: opcode ${op as number} is not supported`);
    }
  }

  /** A vreg holding the address of the module's results area. */
  resultsBase(): number {
    const b = this.temp(CLASS_GP);
    this.inst(MOp.MovImm).add(b, OperandKind.Def).big = BigInt.asIntN(64, this.cx.resultsAddress);
    return b;
  }
}

/** Lowers one verified IR function. */
export function lowerFunction(f: Func, cx: LowerContext): MFunction {
  return new Lowerer(f, cx).run();
}

/** Module-level helper for tests: lowers every function with placeholder addresses. */
export function lowerModuleForTest(m: Module): MFunction[] {
  const cx: LowerContext = {
    dataAddress: (i) => BigInt(0x1000 * (i + 1)),
    functionSymbol: (n) => `fn:${n}`,
    importStubSymbol: (n) => `stub:${n}`,
    importSymbol: (n) => `c:${n}`,
    resultsAddress: 0x10000n,
  };
  return m.functions().map((f) => lowerFunction(f, cx));
}
