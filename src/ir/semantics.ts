/**
 * Numeric helpers that define parts of the IR's semantics (docs/ir.md §4),
 * shared by everything that must agree with them bit for bit: the reference
 * interpreter, which defines the semantics, and the constant folder.
 *
 * Floats are bit patterns here (src/ir/float-bits.ts: f32 an int32 number, f64 a
 * bigint), so that NaN results are exact. The NaN rules (docs/ir.md §4, "NaN bits"),
 * which are those of x86-64 SSE:
 *  - arithmetic (`fadd fsub fmul fdiv fmin fmax fsqrt ffloor fceil ftrunc fnearest`)
 *    with a NaN operand returns the first NaN operand, quieted;
 *  - arithmetic that makes a NaN from non-NaN operands returns the default NaN
 *    (negative, quiet, payload 0: f32 0xffc00000, f64 0xfff8000000000000);
 *  - `fneg fabs fcopysign` change the sign bit only; everything that moves values
 *    (`select`, block arguments, loads, stores, `bitcast`, calls) keeps all bits;
 *  - `fpromote`/`fdemote` quiet a NaN and keep its sign and the top payload bits.
 */
import { FloatCC, Opcode, unhandledOpcode, type FloatBinaryOpcode, type FloatUnaryOpcode } from './opcodes.js';
import {
  DEFAULT_NAN_F32, DEFAULT_NAN_F64, QUIET_BIT_F32, QUIET_BIT_F64, f32FromBits, f32ToBits, f64FromBits, f64ToBits,
  isNaN32, isNaN64,
} from './float-bits.js';

const SIGN_F64 = -(1n << 63n);
const ABS_F64 = (1n << 63n) - 1n;

/** Round half to even, keeping the sign of zero (`fnearest`). */
export function roundEven(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const f = Math.floor(x);
  const d = x - f;
  let r = d < 0.5 ? f : d > 0.5 ? f + 1 : f % 2 === 0 ? f : f + 1;
  if (r === 0 && x < 0) r = -0;
  return r;
}

/** bigint -> f32 with a single rounding (converting through f64 would round twice). */
export function bigToF32(v: bigint): number {
  const neg = v < 0n;
  let m = neg ? -v : v;
  const bits = m.toString(2).length;
  if (bits <= 53) return Math.fround(neg ? -Number(m) : Number(m));
  const shift = bits - 53;
  const sticky = (m & ((1n << BigInt(shift)) - 1n)) !== 0n ? 1n : 0n;
  m = (m >> BigInt(shift)) | sticky;
  const r = Math.fround(Number(m) * 2 ** shift);
  return neg ? -r : r;
}

/** Evaluates `fcmp cc a, b` on values: ordered predicates are false on NaN, unordered ones true. */
export function evalFcmp(cc: FloatCC, a: number, b: number): boolean {
  const uno = Number.isNaN(a) || Number.isNaN(b);
  switch (cc) {
    case FloatCC.Eq: return a === b;
    case FloatCC.Ne: case FloatCC.Une: return a !== b;
    case FloatCC.Lt: return a < b;
    case FloatCC.Le: return a <= b;
    case FloatCC.Gt: return a > b;
    case FloatCC.Ge: return a >= b;
    case FloatCC.Uno: return uno;
    case FloatCC.Ord: return !uno;
    case FloatCC.Ueq: return uno || a === b;
    case FloatCC.Ult: return uno || a < b;
    case FloatCC.Ule: return uno || a <= b;
    case FloatCC.Ugt: return uno || a > b;
    default: return uno || a >= b;
  }
}

/** A rounding or root of a non-NaN value (the result is NaN only for the root of a negative number). */
function unaryValue(op: Exclude<FloatUnaryOpcode, Opcode.FNeg | Opcode.FAbs>, x: number): number {
  switch (op) {
    case Opcode.FSqrt: return Math.sqrt(x);
    case Opcode.FFloor: return Math.floor(x);
    case Opcode.FCeil: return Math.ceil(x);
    case Opcode.FTrunc: return Math.trunc(x);
    case Opcode.FNearest: return roundEven(x);
    default: return unhandledOpcode(op, 'unaryValue');
  }
}
/** A binary operation on non-NaN values (`fmin`/`fmax` order -0 below +0, as Math.min/max do). */
function binaryValue(op: Exclude<FloatBinaryOpcode, Opcode.FCopysign>, x: number, y: number): number {
  switch (op) {
    case Opcode.FAdd: return x + y;
    case Opcode.FSub: return x - y;
    case Opcode.FMul: return x * y;
    case Opcode.FDiv: return x / y;
    case Opcode.FMin: return Math.min(x, y);
    case Opcode.FMax: return Math.max(x, y);
    default: return unhandledOpcode(op, 'binaryValue');
  }
}

/** Evaluates a float unary opcode on f32 bits. */
export function evalF32Unary(op: FloatUnaryOpcode, a: number): number {
  if (op === Opcode.FNeg) return a ^ 0x80000000;
  if (op === Opcode.FAbs) return a & 0x7fffffff;
  if (isNaN32(a)) return a | QUIET_BIT_F32;
  // f64 arithmetic rounded once to f32 is exact for these (the f64 result is exact or has
  // more than twice the f32 precision).
  const r = unaryValue(op, f32FromBits(a));
  return Number.isNaN(r) ? DEFAULT_NAN_F32 : f32ToBits(r);
}
/** Evaluates a float unary opcode on f64 bits. */
export function evalF64Unary(op: FloatUnaryOpcode, a: bigint): bigint {
  if (op === Opcode.FNeg) return a ^ SIGN_F64;
  if (op === Opcode.FAbs) return a & ABS_F64;
  if (isNaN64(a)) return a | QUIET_BIT_F64;
  const r = unaryValue(op, f64FromBits(a));
  return Number.isNaN(r) ? DEFAULT_NAN_F64 : f64ToBits(r);
}
/** Evaluates a float binary opcode (`fcopysign` included) on f32 bits. */
export function evalF32Binary(op: FloatBinaryOpcode, a: number, b: number): number {
  if (op === Opcode.FCopysign) return (a & 0x7fffffff) | (b & 0x80000000);
  if (isNaN32(a)) return a | QUIET_BIT_F32;
  if (isNaN32(b)) return b | QUIET_BIT_F32;
  const r = binaryValue(op, f32FromBits(a), f32FromBits(b));
  return Number.isNaN(r) ? DEFAULT_NAN_F32 : f32ToBits(r);
}
/** Evaluates a float binary opcode (`fcopysign` included) on f64 bits. */
export function evalF64Binary(op: FloatBinaryOpcode, a: bigint, b: bigint): bigint {
  if (op === Opcode.FCopysign) return (a & ABS_F64) | (b & SIGN_F64);
  if (isNaN64(a)) return a | QUIET_BIT_F64;
  if (isNaN64(b)) return b | QUIET_BIT_F64;
  const r = binaryValue(op, f64FromBits(a), f64FromBits(b));
  return Number.isNaN(r) ? DEFAULT_NAN_F64 : f64ToBits(r);
}

/**
 * `fcvt_to_sint`/`fcvt_to_uint` of the value `x` to `width` bits: the truncated value as a
 * bigint, or null when it traps `bad_conv` (NaN, infinite, or out of range).
 */
export function evalFcvtToInt(signed: boolean, width: number, x: number): bigint | null {
  if (Number.isNaN(x)) return null;
  const t = Math.trunc(x);
  const lo = signed ? -(2 ** (width - 1)) : 0;
  const hi = signed ? 2 ** (width - 1) : 2 ** width;
  return t >= lo && t < hi ? BigInt(t) : null;
}

/**
 * `fcvt_to_sint_sat`/`fcvt_to_uint_sat` of the value `x` to `width` bits: the truncated value
 * clamped to the target range, and 0 for NaN (WebAssembly's `trunc_sat`).
 */
export function evalFcvtToIntSat(signed: boolean, width: number, x: number): bigint {
  if (Number.isNaN(x)) return 0n;
  const lo = signed ? -(1n << BigInt(width - 1)) : 0n;
  const hi = signed ? (1n << BigInt(width - 1)) - 1n : (1n << BigInt(width)) - 1n;
  if (x === Infinity) return hi;
  if (x === -Infinity) return lo;
  const t = BigInt(Math.trunc(x));
  return t < lo ? lo : t > hi ? hi : t;
}

/** `fcvt_from_sint`/`fcvt_from_uint` of the exact integer `v` (already read signed or unsigned): f32 or f64 bits. */
export function evalFcvtFromInt(toF32: boolean, v: bigint): number | bigint {
  return toF32 ? f32ToBits(bigToF32(v)) : f64ToBits(Number(v));
}
