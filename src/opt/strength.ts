/**
 * Pass `strength`: strength reduction of multiplies and divides by constants.
 *
 * Pipeline position: -O2, after `fold` (constants on the right) and `gvn`; the
 * following `fold`/`gvn` round merges the constants it creates.
 *
 * Rewrites (w = width, c constant operand, k = log2 c):
 *   imul x, 2^k        -> ishl x, k
 *   imul x, 2^k + 1    -> iadd (ishl x, k), x          (x*3, x*5, x*9, ...)
 *   imul x, 2^k - 1    -> isub (ishl x, k), x          (x*7, x*15, ...)
 *   udiv x, 2^k        -> ushr x, k
 *   urem x, 2^k        -> band x, 2^k - 1
 *   sdiv x, 2^k        -> sshr (x + bias), k           bias = (x >>s w-1) >>u (w-k)
 *   srem x, 2^k        -> x - ((x + bias) & -2^k)
 *   sdiv x, -2^k       -> ineg (sdiv x, 2^k);  srem x, -2^k == srem x, 2^k
 *   udiv/sdiv x, d     -> multiply by a "magic" reciprocal in 64 bits (i8..i32;
 *                         see magicUnsigned/magicSigned); urem/srem -> x - q*d
 * The bias adds 2^k - 1 to negative dividends, so the arithmetic shift rounds
 * toward zero as `sdiv` must. None of these divisors is 0 or -1, so no trap is
 * lost. The instruction keeps its result id (rewritten in place); helpers are
 * inserted before it. Wrapping makes every rewrite exact at every width.
 */
import { Inst, NONE, Value } from '../ir/function.js';
import { Opcode } from '../ir/opcodes.js';
import { Type, typeBits } from '../ir/types.js';
import { FuncContext, constBefore } from './context.js';

/** log2 of a power of two > 1, else -1. */
function log2Exact(u: bigint): number {
  if (u <= 1n || (u & (u - 1n)) !== 0n) return -1;
  return u.toString(2).length - 1;
}

/** Creates `op x, y` before `before`; returns its result. */
function binBefore(ctx: FuncContext, before: Inst, op: Opcode, x: Value, y: Value): Value {
  const f = ctx.f;
  const i = f.newInst(op, 0, [x, y]);
  f.makeResults(i, [f.typeOf(x)]);
  f.insertInstBefore(i, before);
  return f.result(i, 0);
}
/** Turns `inst` in place into `op x, y`. */
function rewrite(ctx: FuncContext, inst: Inst, op: Opcode, x: Value, y: Value): void {
  const f = ctx.f;
  f.instOpcode[inst] = op;
  f.instImm[inst] = 0;
  f.setArgs(inst, [x, y]);
  ctx.changes++;
}

/** Adds the rounding bias for a signed divide by 2^k: x + ((x >>s w-1) >>u (w-k)). */
function biased(ctx: FuncContext, inst: Inst, x: Value, t: Type, w: number, k: number): Value {
  const sign = binBefore(ctx, inst, Opcode.SShr, x, constBefore(ctx, inst, t, BigInt(w - 1)));
  const bias = binBefore(ctx, inst, Opcode.UShr, sign, constBefore(ctx, inst, t, BigInt(w - k)));
  return binBefore(ctx, inst, Opcode.IAdd, x, bias);
}

/** Deletes the instruction defining `v` (a helper that turned out not to be needed). */
function removeFrom(ctx: FuncContext, v: Value): void {
  ctx.f.removeInst(ctx.f.valueDef[v]! as Inst);
}
/** Creates `op.T x` (a conversion) before `before`. */
function convBefore(ctx: FuncContext, before: Inst, op: Opcode, type: Type, x: Value): Value {
  const f = ctx.f;
  const i = f.newInst(op, type, [x]);
  f.makeResults(i, [type]);
  f.insertInstBefore(i, before);
  return f.result(i, 0);
}
/** Turns `inst` in place into the conversion `op.T x`. */
function rewriteConv(ctx: FuncContext, inst: Inst, op: Opcode, type: Type, x: Value): void {
  const f = ctx.f;
  f.instOpcode[inst] = op;
  f.instType[inst] = type;
  f.instImm[inst] = 0;
  f.setArgs(inst, [x]);
  ctx.changes++;
}

/**
 * Unsigned divide/remainder of an i8..i32 x by a constant d (not a power of
 * two) through a 64-bit multiply: q = (zext(x) * m) >> k with m = ceil(2^k / d).
 * With e = m*d - 2^k, the quotient is exact for every x < 2^w when
 * e * 2^w <= 2^k (k the smallest such value). When m needs 33 bits (some i32
 * divisors, e.g. 7) the product is split so that every step fits in 64 bits.
 */
function magicUnsigned(ctx: FuncContext, inst: Inst, op: Opcode, x: Value, t: Type, w: number, d: bigint): boolean {
  if (w > 32 || d < 3n) return false;
  const N = BigInt(w);
  for (let k = N; k <= N + 64n; k++) {
    const p = 1n << k;
    const m = (p + d - 1n) / d;
    const e = m * d - p;
    if ((e << N) > p) continue;
    const xw = convBefore(ctx, inst, Opcode.ZExt, Type.I64, x);
    let q64: Value;
    if (m * ((1n << N) - 1n) < 1n << 64n) {
      const prod = binBefore(ctx, inst, Opcode.IMul, xw, constBefore(ctx, inst, Type.I64, m));
      q64 = binBefore(ctx, inst, Opcode.UShr, prod, constBefore(ctx, inst, Type.I64, k));
    } else {
      // m needs 33 bits (i32 only): x*m = x*(m - 2^32) + (x << 32), so
      // (x*m) >> k == ((x*(m - 2^32)) >> 32) + x) >> (k - 32), all below 2^64.
      const m1 = m - (1n << 32n);
      if (N !== 32n || m1 < 0n || m1 >= 1n << 32n || k < 32n) { removeFrom(ctx, xw); return false; }
      const prod = binBefore(ctx, inst, Opcode.IMul, xw, constBefore(ctx, inst, Type.I64, m1));
      const hi = binBefore(ctx, inst, Opcode.UShr, prod, constBefore(ctx, inst, Type.I64, 32n));
      const sum = binBefore(ctx, inst, Opcode.IAdd, hi, xw);
      q64 = binBefore(ctx, inst, Opcode.UShr, sum, constBefore(ctx, inst, Type.I64, k - 32n));
    }
    if (op === Opcode.UDiv) { rewriteConv(ctx, inst, Opcode.Trunc, t, q64); return true; }
    const q = convBefore(ctx, inst, Opcode.Trunc, t, q64);
    const qd = binBefore(ctx, inst, Opcode.IMul, q, constBefore(ctx, inst, t, d));
    rewrite(ctx, inst, Opcode.ISub, x, qd);
    return true;
  }
  return false;
}

/**
 * Signed divide/remainder of an i8..i32 x by a constant d, |d| >= 3 and not a
 * power of two: q0 = (sext(x) * m) >>s k (rounds toward -inf), then
 * q = q0 - (x >>s 63) adds 1 for negative x (rounding toward zero), and a
 * negative divisor negates q. Exact when e * 2^(w-1) < 2^k (e as above).
 */
function magicSigned(ctx: FuncContext, inst: Inst, op: Opcode, x: Value, t: Type, w: number, s: bigint): boolean {
  const d = s < 0n ? -s : s;
  if (w > 32 || d < 3n || log2Exact(d) > 0) return false;
  const N = BigInt(w);
  for (let k = N; k <= N + 64n; k++) {
    const p = 1n << k;
    const m = (p + d - 1n) / d;
    const e = m * d - p;
    if ((e << (N - 1n)) >= p) continue;
    if (m << (N - 1n) >= 1n << 63n) return false;
    const xw = convBefore(ctx, inst, Opcode.SExt, Type.I64, x);
    const prod = binBefore(ctx, inst, Opcode.IMul, xw, constBefore(ctx, inst, Type.I64, m));
    const q0 = binBefore(ctx, inst, Opcode.SShr, prod, constBefore(ctx, inst, Type.I64, k));
    const sign = binBefore(ctx, inst, Opcode.SShr, xw, constBefore(ctx, inst, Type.I64, 63n));
    let q64 = binBefore(ctx, inst, Opcode.ISub, q0, sign);
    if (s < 0n) {
      const neg = ctx.f.newInst(Opcode.INeg, 0, [q64]);
      ctx.f.makeResults(neg, [Type.I64]);
      ctx.f.insertInstBefore(neg, inst);
      q64 = ctx.f.result(neg, 0);
    }
    if (op === Opcode.SDiv) { rewriteConv(ctx, inst, Opcode.Trunc, t, q64); return true; }
    const q = convBefore(ctx, inst, Opcode.Trunc, t, q64);
    const qd = binBefore(ctx, inst, Opcode.IMul, q, constBefore(ctx, inst, t, s));
    rewrite(ctx, inst, Opcode.ISub, x, qd);
    return true;
  }
  return false;
}

/** Reduces one instruction (helpers are inserted before it); returns true on change. */
export function reduceInst(ctx: FuncContext, inst: Inst): boolean {
  const f = ctx.f;
  const op = f.instOpcode[inst] as Opcode;
  if (op !== Opcode.IMul && op !== Opcode.UDiv && op !== Opcode.URem && op !== Opcode.SDiv && op !== Opcode.SRem) return false;
  const x = f.arg(inst, 0);
  const t = f.typeOf(x);
  if (t === Type.Ptr || f.typeOf(f.arg(inst, 1)) !== t) return false;
  const c = ctx.iconstOf(f.arg(inst, 1));
  if (c === null) return false;
  const w = typeBits(t);
  const u = BigInt.asUintN(w, c);
  switch (op) {
    case Opcode.IMul: {
      const k = log2Exact(u);
      if (k > 0) { rewrite(ctx, inst, Opcode.IShl, x, constBefore(ctx, inst, t, BigInt(k))); return true; }
      const kp = log2Exact(u - 1n);
      if (kp > 0) {
        const sh = binBefore(ctx, inst, Opcode.IShl, x, constBefore(ctx, inst, t, BigInt(kp)));
        rewrite(ctx, inst, Opcode.IAdd, sh, x);
        return true;
      }
      const km = log2Exact(u + 1n);
      if (km > 1 && km < w) {
        const sh = binBefore(ctx, inst, Opcode.IShl, x, constBefore(ctx, inst, t, BigInt(km)));
        rewrite(ctx, inst, Opcode.ISub, sh, x);
        return true;
      }
      return false;
    }
    case Opcode.UDiv: case Opcode.URem: {
      const k = log2Exact(u);
      if (k <= 0) return magicUnsigned(ctx, inst, op, x, t, w, u);
      if (op === Opcode.UDiv) rewrite(ctx, inst, Opcode.UShr, x, constBefore(ctx, inst, t, BigInt(k)));
      else rewrite(ctx, inst, Opcode.BAnd, x, constBefore(ctx, inst, t, u - 1n));
      return true;
    }
    default: {
      // Signed: powers of two of either sign, except MIN (whose magnitude does not fit).
      const s = BigInt.asIntN(w, c);
      const a = s < 0n ? -s : s;
      const k = log2Exact(a);
      if (k <= 0 || k === w - 1) return magicSigned(ctx, inst, op, x, t, w, s);
      const sum = biased(ctx, inst, x, t, w, k);
      if (op === Opcode.SDiv) {
        if (s > 0n) {
          rewrite(ctx, inst, Opcode.SShr, sum, constBefore(ctx, inst, t, BigInt(k)));
        } else {
          const q = binBefore(ctx, inst, Opcode.SShr, sum, constBefore(ctx, inst, t, BigInt(k)));
          f.instOpcode[inst] = Opcode.INeg;
          f.instImm[inst] = 0;
          f.setArgs(inst, [q]);
          ctx.changes++;
        }
      } else {
        // The remainder takes the dividend's sign: the divisor's sign does not matter.
        const masked = binBefore(ctx, inst, Opcode.BAnd, sum, constBefore(ctx, inst, t, -a));
        rewrite(ctx, inst, Opcode.ISub, x, masked);
      }
      return true;
    }
  }
}

/** Runs strength reduction; returns true when anything changed. */
export function strengthPass(ctx: FuncContext): boolean {
  const f = ctx.f;
  ctx.beginPass();
  let changed = false;
  for (let b = f.firstBlock; b !== NONE; b = f.blockNext[b]!) {
    for (let i = f.blockFirst[b]!; i !== NONE; i = f.instNext[i]!) {
      if (reduceInst(ctx, i as Inst)) changed = true;
    }
  }
  return changed;
}
