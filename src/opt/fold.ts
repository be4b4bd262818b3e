/**
 * Pass `fold`: constant folding and algebraic simplification.
 *
 * Pipeline position: first in every level (it exposes constants to the CFG and
 * copy passes) and again after passes that create new arithmetic.
 *
 * An instruction whose operands are constants is rewritten *in place* into an
 * `iconst`/`fconst` (its result value keeps its id, so no uses change). An
 * instruction that simplifies to an existing value (`x + 0`) becomes an alias of
 * it (see context.ts) and is removed. Rules never make code bigger and follow
 * docs/ir.md §4 exactly:
 *  - integer arithmetic wraps at the type's width; shift amounts are masked;
 *  - an instruction that would trap (`sdiv x, 0`, `sdiv MIN, -1`,
 *    `fcvt_to_sint NaN`) is never folded to a value. Since it traps whenever it
 *    executes, it and the rest of its block become `trap CODE` (effects before
 *    it in the block stay; the successors may become unreachable);
 *  - float constants are bit patterns and fold with the interpreter's own functions
 *    (src/ir/semantics.ts), so folding is bit-exact, NaN payloads and -0.0 included;
 *    an identity such as `x * 1.0 -> x` applies only when x is never a signalling NaN
 *    (the multiplication would quiet it).
 * Terms: *canonical order* puts a constant operand of a commutative operation on
 * the right (and mirrors `icmp`), so that later rules and GVN see one shape.
 */
import { Block, Func, Inst, NONE, Value } from '../ir/function.js';
import {
  FloatCC, IntCC, Opcode, TrapCode, isShift, unhandledOpcode, type ConvertOpcode, type IntArithOpcode, type IntUnaryOpcode, type ShiftOpcode,
} from '../ir/opcodes.js';
import { Type, isIntType, typeBits } from '../ir/types.js';
import { FuncContext, constBefore } from './context.js';
import {
  evalF32Binary, evalF32Unary, evalF64Binary, evalF64Unary, evalFcmp, evalFcvtFromInt, evalFcvtToInt, evalFcvtToIntSat,
} from '../ir/semantics.js';
import { demoteBits, f32FromBits, f64FromBits, promoteBits } from '../ir/float-bits.js';

export { evalFcmp };

function bitLength(u: bigint): number {
  return u === 0n ? 0 : u.toString(2).length;
}
function popcount(u: bigint): number {
  let n = 0;
  for (const c of u.toString(2)) if (c === '1') n++;
  return n;
}

/** Evaluates an integer binary opcode on sign-extended constants of width `w`; null when it would trap. */
export function evalIntBinary(op: IntArithOpcode | ShiftOpcode, w: number, a: bigint, b: bigint): bigint | null {
  const W = BigInt(w);
  const ua = BigInt.asUintN(w, a), ub = BigInt.asUintN(w, b);
  switch (op) {
    case Opcode.IAdd: return BigInt.asIntN(w, a + b);
    case Opcode.ISub: return BigInt.asIntN(w, a - b);
    case Opcode.IMul: return BigInt.asIntN(w, a * b);
    case Opcode.SDiv:
      if (b === 0n || (b === -1n && a === -(1n << (W - 1n)))) return null;
      return BigInt.asIntN(w, a / b);
    case Opcode.UDiv: return b === 0n ? null : BigInt.asIntN(w, ua / ub);
    case Opcode.SRem:
      if (b === 0n) return null;
      return b === -1n ? 0n : a % b;
    case Opcode.URem: return b === 0n ? null : BigInt.asIntN(w, ua % ub);
    case Opcode.BAnd: return a & b;
    case Opcode.BOr: return a | b;
    case Opcode.BXor: return a ^ b;
    default: {
      const n = BigInt(Number(BigInt.asUintN(64, b) % W));
      switch (op) {
        case Opcode.IShl: return BigInt.asIntN(w, a << n);
        case Opcode.UShr: return BigInt.asIntN(w, ua >> n);
        case Opcode.SShr: return a >> n;
        case Opcode.Rotl: return n === 0n ? a : BigInt.asIntN(w, (ua << n) | (ua >> (W - n)));
        case Opcode.Rotr: return n === 0n ? a : BigInt.asIntN(w, (ua >> n) | (ua << (W - n)));
        default: return unhandledOpcode(op, 'evalIntBinary');
      }
    }
  }
}

/** Evaluates an integer unary opcode. */
export function evalIntUnary(op: IntUnaryOpcode, w: number, a: bigint): bigint {
  const u = BigInt.asUintN(w, a);
  switch (op) {
    case Opcode.INeg: return BigInt.asIntN(w, -a);
    case Opcode.BNot: return BigInt.asIntN(w, ~a);
    case Opcode.Clz: return BigInt(w - bitLength(u));
    case Opcode.Ctz: {
      if (u === 0n) return BigInt(w);
      return BigInt(bitLength(u & -u) - 1);
    }
    case Opcode.Popcnt: return BigInt(popcount(u));
    default: return unhandledOpcode(op, 'evalIntUnary');
  }
}

/** Evaluates `icmp cc` on sign-extended constants of width `w`. */
export function evalIcmp(cc: IntCC, w: number, a: bigint, b: bigint): boolean {
  if (cc >= IntCC.Ult) { a = BigInt.asUintN(w, a); b = BigInt.asUintN(w, b); }
  switch (cc) {
    case IntCC.Eq: return a === b;
    case IntCC.Ne: return a !== b;
    case IntCC.Slt: case IntCC.Ult: return a < b;
    case IntCC.Sle: case IntCC.Ule: return a <= b;
    case IntCC.Sgt: case IntCC.Ugt: return a > b;
    default: return a >= b;
  }
}

/** Swapped-operand condition: `a cc b` == `b swapCC(cc) a`. */
function swapIntCC(cc: IntCC): IntCC {
  switch (cc) {
    case IntCC.Slt: return IntCC.Sgt;
    case IntCC.Sle: return IntCC.Sge;
    case IntCC.Sgt: return IntCC.Slt;
    case IntCC.Sge: return IntCC.Sle;
    case IntCC.Ult: return IntCC.Ugt;
    case IntCC.Ule: return IntCC.Uge;
    case IntCC.Ugt: return IntCC.Ult;
    case IntCC.Uge: return IntCC.Ule;
    default: return cc;
  }
}

function isCommutative(op: Opcode): boolean {
  return op === Opcode.IAdd || op === Opcode.IMul || op === Opcode.BAnd || op === Opcode.BOr || op === Opcode.BXor;
}

/** Rewrites `inst` in place into `iconst.T value`. */
export function makeIconst(f: Func, inst: Inst, type: Type, value: bigint): void {
  f.instOpcode[inst] = Opcode.IConst;
  f.instType[inst] = type;
  f.setIconstValue(inst, BigInt.asIntN(typeBits(type), value));
  f.instArgCount[inst] = 0;
}
/** Rewrites `inst` in place into `fconst.T` with `bits` (f32 an int32 number, f64 a bigint). */
export function makeFconst(f: Func, inst: Inst, type: Type, bits: number | bigint): void {
  f.instOpcode[inst] = Opcode.FConst;
  f.instType[inst] = type;
  f.setFconstBits(inst, bits);
  f.instArgCount[inst] = 0;
}
/** The value of float constant bits. */
function floatValue(bits: number | bigint): number {
  return typeof bits === 'number' ? f32FromBits(bits) : f64FromBits(bits);
}
/**
 * True when `v` is never a signalling NaN: it is the result of arithmetic, which quiets every NaN
 * (docs/ir.md §4). Then `x * 1.0` is x bit for bit; for a signalling x it is x quieted.
 */
function neverSignalling(ctx: FuncContext, v: Value): boolean {
  const d = ctx.defInst(v);
  if (d === NONE) return false;
  switch (ctx.f.instOpcode[d] as Opcode) {
    case Opcode.FAdd: case Opcode.FSub: case Opcode.FMul: case Opcode.FDiv: case Opcode.FMin: case Opcode.FMax:
    case Opcode.FSqrt: case Opcode.FFloor: case Opcode.FCeil: case Opcode.FTrunc: case Opcode.FNearest:
    case Opcode.FPromote: case Opcode.FDemote: case Opcode.FcvtFromSint: case Opcode.FcvtFromUint:
      return true;
    default:
      return false;
  }
}
/** Rewrites `inst` in place into a unary/binary opcode with new operands (same result type). */
function rewrite(f: Func, inst: Inst, op: Opcode, args: readonly number[]): void {
  f.instOpcode[inst] = op;
  f.instType[inst] = 0;
  f.instImm[inst] = 0;
  f.setArgs(inst, args);
}

/** Replaces the result of `inst` by `v` and deletes `inst`; false when the types differ. */
function replaceWith(ctx: FuncContext, inst: Inst, v: Value): boolean {
  const f = ctx.f;
  const r = f.result(inst, 0);
  if (f.typeOf(r) !== f.typeOf(v)) return false;
  ctx.setAlias(r, v);
  f.removeInst(inst);
  return true;
}

/** Tries to fold or simplify one instruction (operands already resolved). Returns true on change. */
export function foldInst(ctx: FuncContext, inst: Inst): boolean {
  const f = ctx.f;
  const op = f.instOpcode[inst] as Opcode;
  switch (op) {
    case Opcode.INeg: case Opcode.BNot: case Opcode.Clz: case Opcode.Ctz: case Opcode.Popcnt: {
      const x = f.arg(inst, 0);
      const t = f.typeOf(x);
      const c = ctx.iconstOf(x);
      if (c !== null) { makeIconst(f, inst, t, evalIntUnary(op, typeBits(t), c)); return true; }
      if (op === Opcode.INeg || op === Opcode.BNot) {
        const d = ctx.defInst(x);
        if (d !== NONE && f.instOpcode[d] === op) return replaceWith(ctx, inst, f.arg(d as Inst, 0));
      }
      return false;
    }
    case Opcode.IAdd: case Opcode.ISub: case Opcode.IMul: case Opcode.SDiv: case Opcode.UDiv:
    case Opcode.SRem: case Opcode.URem: case Opcode.BAnd: case Opcode.BOr: case Opcode.BXor:
    case Opcode.IShl: case Opcode.UShr: case Opcode.SShr: case Opcode.Rotl: case Opcode.Rotr:
      return foldIntBinary(ctx, inst, op);
    case Opcode.ICmp: {
      let x = f.arg(inst, 0), y = f.arg(inst, 1);
      let cc = f.instImm[inst]! as IntCC;
      const w = typeBits(f.typeOf(x));
      const cx = ctx.iconstOf(x), cy = ctx.iconstOf(y);
      if (cx !== null && cy !== null) { makeIconst(f, inst, Type.I8, evalIcmp(cc, w, cx, cy) ? 1n : 0n); return true; }
      if (x === y) {
        const t = cc === IntCC.Eq || cc === IntCC.Sle || cc === IntCC.Sge || cc === IntCC.Ule || cc === IntCC.Uge;
        makeIconst(f, inst, Type.I8, t ? 1n : 0n);
        return true;
      }
      if (cx !== null) {
        // Canonical order: constant on the right.
        cc = swapIntCC(cc);
        f.instImm[inst] = cc;
        f.setArg(inst, 0, y); f.setArg(inst, 1, x);
        const t = x; x = y; y = t;
        ctx.changes++;
        const c2 = ctx.iconstOf(y);
        if (c2 === 0n && (cc === IntCC.Ult || cc === IntCC.Uge)) { makeIconst(f, inst, Type.I8, cc === IntCC.Uge ? 1n : 0n); }
        return true;
      }
      if (cy === 0n && (cc === IntCC.Ult || cc === IntCC.Uge)) { makeIconst(f, inst, Type.I8, cc === IntCC.Uge ? 1n : 0n); return true; }
      return false;
    }
    case Opcode.FNeg: case Opcode.FAbs: case Opcode.FSqrt: case Opcode.FFloor: case Opcode.FCeil:
    case Opcode.FTrunc: case Opcode.FNearest: {
      const x = f.arg(inst, 0);
      const t = f.typeOf(x);
      const c = ctx.fconstOf(x);
      if (c !== null) { makeFconst(f, inst, t, typeof c === 'number' ? evalF32Unary(op, c) : evalF64Unary(op, c)); return true; }
      const d = ctx.defInst(x);
      if (d === NONE) return false;
      const dop = f.instOpcode[d] as Opcode;
      if (op === Opcode.FNeg && dop === Opcode.FNeg) return replaceWith(ctx, inst, f.arg(d as Inst, 0));
      if (op === Opcode.FAbs && dop === Opcode.FAbs) return replaceWith(ctx, inst, x);
      if (op === Opcode.FAbs && dop === Opcode.FNeg) { f.setArg(inst, 0, f.arg(d as Inst, 0)); ctx.changes++; return true; }
      return false;
    }
    case Opcode.FAdd: case Opcode.FSub: case Opcode.FMul: case Opcode.FDiv: case Opcode.FMin:
    case Opcode.FMax: case Opcode.FCopysign: {
      const x = f.arg(inst, 0), y = f.arg(inst, 1);
      const t = f.typeOf(x);
      const cx = ctx.fconstOf(x), cy = ctx.fconstOf(y);
      if (cx !== null && cy !== null) {
        makeFconst(f, inst, t, typeof cx === 'number' ? evalF32Binary(op, cx, cy as number) : evalF64Binary(op, cx, cy as bigint));
        return true;
      }
      if (cy !== null && neverSignalling(ctx, x)) {
        // Identities exact for every x that is not a signalling NaN, including -0.0.
        const y = floatValue(cy);
        if ((op === Opcode.FMul || op === Opcode.FDiv) && y === 1) return replaceWith(ctx, inst, x);
        if (op === Opcode.FAdd && Object.is(y, -0)) return replaceWith(ctx, inst, x);
        if (op === Opcode.FSub && Object.is(y, 0)) return replaceWith(ctx, inst, x);
      }
      return false;
    }
    case Opcode.FCmp: {
      const cx = ctx.fconstOf(f.arg(inst, 0)), cy = ctx.fconstOf(f.arg(inst, 1));
      if (cx !== null && cy !== null) { makeIconst(f, inst, Type.I8, evalFcmp(f.instImm[inst]! as FloatCC, floatValue(cx), floatValue(cy)) ? 1n : 0n); return true; }
      return false;
    }
    case Opcode.Select: {
      const c = f.arg(inst, 0), x = f.arg(inst, 1), y = f.arg(inst, 2);
      if (x === y) return replaceWith(ctx, inst, x);
      const cc = ctx.iconstOf(c);
      if (cc !== null) return replaceWith(ctx, inst, cc !== 0n ? x : y);
      // select (icmp ne v, 0), x, y -> select v, x, y; eq swaps the arms.
      const d = ctx.defInst(c);
      if (d !== NONE && f.instOpcode[d] === Opcode.ICmp && (f.instImm[d] === IntCC.Eq || f.instImm[d] === IntCC.Ne) &&
        ctx.iconstOf(ctx.resolve(f.arg(d as Inst, 1))) === 0n) {
        const v = ctx.resolve(f.arg(d as Inst, 0));
        if (f.instImm[d] === IntCC.Eq) f.setArgs(inst, [v, y, x]);
        else f.setArg(inst, 0, v);
        ctx.changes++;
        return true;
      }
      return false;
    }
    case Opcode.SExt: case Opcode.ZExt: case Opcode.Trunc: case Opcode.FPromote: case Opcode.FDemote:
    case Opcode.FcvtToSint: case Opcode.FcvtToUint: case Opcode.FcvtFromSint: case Opcode.FcvtFromUint:
    case Opcode.FcvtToSintSat: case Opcode.FcvtToUintSat: case Opcode.Bitcast:
      return foldConvert(ctx, inst, op);
    // Nothing to fold: constants, memory, addresses, calls and control flow.
    case Opcode.IConst: case Opcode.FConst:
    case Opcode.Load: case Opcode.SLoad8: case Opcode.ULoad8: case Opcode.SLoad16: case Opcode.ULoad16:
    case Opcode.SLoad32: case Opcode.ULoad32: case Opcode.Store:
    case Opcode.StackAddr: case Opcode.StackAlloc: case Opcode.StackSave: case Opcode.StackRestore:
    case Opcode.GlobalAddr: case Opcode.FuncAddr: case Opcode.LabelAddr: case Opcode.Call: case Opcode.CallIndirect: case Opcode.CallNative:
    case Opcode.VaStart: case Opcode.VaArg:
    case Opcode.Jump: case Opcode.Brif: case Opcode.BrTable: case Opcode.IndirectBr: case Opcode.Return: case Opcode.Trap:
      return false;
    default:
      return unhandledOpcode(op, 'fold');
  }
}

function foldIntBinary(ctx: FuncContext, inst: Inst, op: IntArithOpcode | ShiftOpcode): boolean {
  const f = ctx.f;
  let x = f.arg(inst, 0), y = f.arg(inst, 1);
  const rt = f.typeOf(f.result(inst, 0));
  const w = typeBits(f.typeOf(x));
  let cx = ctx.iconstOf(x), cy = ctx.iconstOf(y);
  if (cx !== null && cy !== null) {
    const r = evalIntBinary(op, w, cx, cy);
    if (r === null) return false; // would trap: keep it
    makeIconst(f, inst, rt, r);
    return true;
  }
  let changed = false;
  if (cx !== null && isCommutative(op) && f.typeOf(x) === f.typeOf(y)) {
    f.setArg(inst, 0, y); f.setArg(inst, 1, x);
    const t = x; x = y; y = t;
    cx = null; cy = ctx.iconstOf(y);
    ctx.changes++;
    changed = true;
  }
  const allOnes = -1n;
  if (cy !== null) {
    if (isShift(op)) {
      if (BigInt.asUintN(64, cy) % BigInt(w) === 0n) return replaceWith(ctx, inst, x) || changed;
      return changed;
    }
    const yw = typeBits(f.typeOf(y));
    const c = BigInt.asIntN(yw, cy);
    switch (op) {
      case Opcode.IAdd: case Opcode.ISub: case Opcode.BOr: case Opcode.BXor:
        if (c === 0n) return replaceWith(ctx, inst, x) || changed;
        if (op === Opcode.BOr && c === allOnes) { makeIconst(f, inst, rt, -1n); return true; }
        if (op === Opcode.BXor && c === allOnes) { rewrite(f, inst, Opcode.BNot, [x]); ctx.changes++; return true; }
        break;
      case Opcode.IMul:
        if (c === 0n) { makeIconst(f, inst, rt, 0n); return true; }
        if (c === 1n) return replaceWith(ctx, inst, x) || changed;
        if (c === allOnes) { rewrite(f, inst, Opcode.INeg, [x]); ctx.changes++; return true; }
        break;
      case Opcode.BAnd:
        if (c === 0n) { makeIconst(f, inst, rt, 0n); return true; }
        if (c === allOnes) return replaceWith(ctx, inst, x) || changed;
        break;
      case Opcode.SDiv: case Opcode.UDiv:
        if (c === 1n) return replaceWith(ctx, inst, x) || changed;
        break;
      case Opcode.SRem:
        if (c === 1n || c === -1n) { makeIconst(f, inst, rt, 0n); return true; }
        break;
      case Opcode.URem:
        if (c === 1n) { makeIconst(f, inst, rt, 0n); return true; }
        break;
      default: break;
    }
  }
  if (cx !== null) {
    // Shifting or rotating a constant 0 (or sshr/rotates of -1) gives the constant.
    if (isShift(op) && (cx === 0n || (cx === -1n && op !== Opcode.IShl && op !== Opcode.UShr))) return replaceWith(ctx, inst, x) || changed;
    if (op === Opcode.ISub && cx === 0n && isIntType(rt) && f.typeOf(y) === rt) { rewrite(f, inst, Opcode.INeg, [y]); ctx.changes++; return true; }
  }
  if (op === Opcode.BAnd && isIntType(rt)) {
    // -(z & 1) & y  ->  select(z & 1, y, 0): a test and a cmov instead of a neg and an and
    // on the dependency chain (the bitwise-CRC step).
    for (let k = 0; k < 2; k++) {
      const n = k === 0 ? x : y, other = k === 0 ? y : x;
      const nd = ctx.defInst(n);
      if (nd < 0 || f.instOpcode[nd] !== Opcode.INeg) continue;
      const bit = f.arg(nd as Inst, 0);
      const bd = ctx.defInst(bit);
      if (bd < 0 || f.instOpcode[bd] !== Opcode.BAnd || ctx.iconstOf(f.arg(bd as Inst, 1)) !== 1n) continue;
      rewrite(f, inst, Opcode.Select, [bit, other, constBefore(ctx, inst, rt, 0n)]);
      ctx.changes++;
      return true;
    }
  }
  if (x === y) {
    switch (op) {
      case Opcode.ISub: case Opcode.BXor: makeIconst(f, inst, rt, 0n); return true;
      case Opcode.BAnd: case Opcode.BOr: return replaceWith(ctx, inst, x) || changed;
      default: break;
    }
  }
  return changed;
}

function foldConvert(ctx: FuncContext, inst: Inst, op: ConvertOpcode): boolean {
  const f = ctx.f;
  const x = f.arg(inst, 0);
  const from = f.typeOf(x), to = f.instType[inst] as Type;
  if (op === Opcode.FPromote || op === Opcode.FDemote || op === Opcode.FcvtToSint || op === Opcode.FcvtToUint ||
    op === Opcode.FcvtToSintSat || op === Opcode.FcvtToUintSat || (op === Opcode.Bitcast && (from === Type.F32 || from === Type.F64))) {
    const c = ctx.fconstOf(x);
    if (c === null) return false;
    switch (op) {
      case Opcode.FPromote: makeFconst(f, inst, to, promoteBits(c as number)); return true;
      case Opcode.FDemote: makeFconst(f, inst, to, demoteBits(c as bigint)); return true;
      case Opcode.Bitcast: makeIconst(f, inst, to, BigInt(c)); return true;
      case Opcode.FcvtToSintSat: case Opcode.FcvtToUintSat:
        makeIconst(f, inst, to, evalFcvtToIntSat(op === Opcode.FcvtToSintSat, typeBits(to), floatValue(c)));
        return true;
      case Opcode.FcvtToSint: case Opcode.FcvtToUint: {
        const r = evalFcvtToInt(op === Opcode.FcvtToSint, typeBits(to), floatValue(c));
        if (r === null) return false; // traps bad_conv: keep
        makeIconst(f, inst, to, r);
        return true;
      }
      default: return unhandledOpcode(op, 'fold');
    }
  }
  const c = ctx.iconstOf(x);
  if (c === null) {
    // trunc(sext/zext y) of y's own type is y.
    if (op === Opcode.Trunc) {
      const d = ctx.defInst(x);
      if (d !== NONE && (f.instOpcode[d] === Opcode.SExt || f.instOpcode[d] === Opcode.ZExt) && f.typeOf(f.arg(d as Inst, 0)) === to) {
        return replaceWith(ctx, inst, f.arg(d as Inst, 0));
      }
    }
    return false;
  }
  const fw = typeBits(from);
  switch (op) {
    case Opcode.SExt: makeIconst(f, inst, to, c); return true;
    case Opcode.ZExt: makeIconst(f, inst, to, BigInt.asUintN(fw, c)); return true;
    case Opcode.Trunc: makeIconst(f, inst, to, c); return true;
    case Opcode.FcvtFromSint: case Opcode.FcvtFromUint: {
      const v = op === Opcode.FcvtFromSint ? c : BigInt.asUintN(fw, c);
      makeFconst(f, inst, to, evalFcvtFromInt(to === Type.F32, v));
      return true;
    }
    case Opcode.Bitcast: // from an integer: floats are their bits
      if (to === Type.F32 || to === Type.F64) makeFconst(f, inst, to, c);
      else makeIconst(f, inst, to, c);
      return true;
    default: return unhandledOpcode(op, 'fold');
  }
}

/**
 * The trap code `inst` raises every time it executes (a division by the
 * constant 0, `sdiv MIN, -1` on constants, a float-to-int conversion of a
 * constant NaN or out-of-range value), or -1.
 */
function alwaysTraps(ctx: FuncContext, inst: Inst): number {
  const f = ctx.f;
  const op = f.instOpcode[inst] as Opcode;
  switch (op) {
    case Opcode.SDiv: case Opcode.UDiv: case Opcode.SRem: case Opcode.URem: {
      const d = ctx.iconstOf(f.arg(inst, 1));
      if (d === null) return -1;
      if (d === 0n) return TrapCode.IntDivz;
      const x = ctx.iconstOf(f.arg(inst, 0));
      const w = typeBits(f.typeOf(f.arg(inst, 0)));
      if (op === Opcode.SDiv && d === -1n && x === -(1n << BigInt(w - 1))) return TrapCode.IntOvf;
      return -1;
    }
    case Opcode.FcvtToSint: case Opcode.FcvtToUint: {
      const c = ctx.fconstOf(f.arg(inst, 0));
      if (c === null) return -1;
      return evalFcvtToInt(op === Opcode.FcvtToSint, typeBits(f.instType[inst] as Type), floatValue(c)) === null ? TrapCode.BadConv : -1;
    }
    default: return -1;
  }
}

/** Replaces `inst` and everything after it in its block by `trap code`. */
function truncateWithTrap(ctx: FuncContext, inst: Inst, code: number): void {
  const f = ctx.f;
  const block = f.instBlock[inst]! as Block;
  for (let i: number = inst; i !== NONE;) {
    const nx = f.instNext[i]!;
    f.removeInst(i as Inst);
    i = nx;
  }
  const t = f.newInst(Opcode.Trap, 0, []);
  f.instLoc[t] = f.instLoc[inst]!; // where the trapping instruction was
  f.instImm[t] = code;
  f.appendInst(block, t);
  ctx.cfgChanged();
  ctx.changes++;
}

/** What `foldFully` did to an instruction. */
export const enum FoldResult {
  Unchanged,
  /** Rewritten in place, or removed (then its result is an alias). */
  Changed,
  /** It always traps: it and the rest of its block became `trap` (the CFG changed). */
  Truncated,
}

/** Folds `inst` (operands resolved) as far as it goes, then ends its block with a trap if it always traps. */
export function foldFully(ctx: FuncContext, inst: Inst): FoldResult {
  const f = ctx.f;
  let r = FoldResult.Unchanged;
  // Repeat on the same instruction while it keeps simplifying (e.g. swap, then identity).
  for (let guard = 0; guard < 4 && f.instBlock[inst] !== NONE; guard++) {
    if (!foldInst(ctx, inst)) break;
    r = FoldResult.Changed;
  }
  if (f.instBlock[inst] !== NONE) {
    // An instruction that traps whenever it runs ends the block: the rest is dead.
    const code = alwaysTraps(ctx, inst);
    if (code >= 0) { truncateWithTrap(ctx, inst, code); return FoldResult.Truncated; }
  }
  return r;
}

/** Runs constant folding and simplification over `ctx.f`; returns true when anything changed. */
export function foldPass(ctx: FuncContext): boolean {
  const f = ctx.f;
  ctx.beginPass();
  ctx.ensureRPO();
  let changed = false;
  // Reverse postorder: definitions in dominating blocks are folded before their uses.
  for (let k = 0; k < ctx.rpoCount; k++) {
    const b = ctx.rpo[k]!;
    for (let i = f.blockFirst[b]!; i !== NONE;) {
      const next = f.instNext[i]!;
      ctx.resolveArgs(i as Inst);
      const r = foldFully(ctx, i as Inst);
      if (r !== FoldResult.Unchanged) changed = true;
      if (r === FoldResult.Truncated) break;
      i = next;
    }
  }
  ctx.commitAliases();
  return changed;
}
