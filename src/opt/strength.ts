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
 * The bias adds 2^k - 1 to negative dividends, so the arithmetic shift rounds
 * toward zero as `sdiv` must. None of these divisors is 0 or -1, so no trap is
 * lost. The instruction keeps its result id (rewritten in place); helpers are
 * inserted before it. Wrapping makes every rewrite exact at every width.
 */
import { Inst, NONE, Value } from '../ir/function.js';
import { Opcode } from '../ir/opcodes.js';
import { Type, typeBits } from '../ir/types.js';
import { FuncContext } from './context.js';

/** log2 of a power of two > 1, else -1. */
function log2Exact(u: bigint): number {
  if (u <= 1n || (u & (u - 1n)) !== 0n) return -1;
  return u.toString(2).length - 1;
}

/** Creates `iconst.T value` before `before`; returns its result. */
function constBefore(ctx: FuncContext, before: Inst, type: Type, value: bigint): Value {
  const f = ctx.f;
  const c = f.newInst(Opcode.IConst, type, []);
  f.setIconstValue(c, BigInt.asIntN(typeBits(type), value));
  f.makeResults(c, [type]);
  f.insertInstBefore(c, before);
  return f.result(c, 0);
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

/** Reduces one instruction; returns true on change. */
function reduce(ctx: FuncContext, inst: Inst): boolean {
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
      if (k <= 0) return false;
      if (op === Opcode.UDiv) rewrite(ctx, inst, Opcode.UShr, x, constBefore(ctx, inst, t, BigInt(k)));
      else rewrite(ctx, inst, Opcode.BAnd, x, constBefore(ctx, inst, t, u - 1n));
      return true;
    }
    default: {
      // Signed: positive powers of two below 2^(w-1) only (MIN is a negative constant).
      const s = BigInt.asIntN(w, c);
      if (s <= 1n) return false;
      const k = log2Exact(s);
      if (k <= 0) return false;
      const sum = biased(ctx, inst, x, t, w, k);
      if (op === Opcode.SDiv) {
        rewrite(ctx, inst, Opcode.SShr, sum, constBefore(ctx, inst, t, BigInt(k)));
      } else {
        const masked = binBefore(ctx, inst, Opcode.BAnd, sum, constBefore(ctx, inst, t, -s));
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
      if (reduce(ctx, i as Inst)) changed = true;
    }
  }
  return changed;
}
