/**
 * Numeric helpers that define parts of the IR's semantics (docs/ir.md §4),
 * shared by everything that must agree with them bit for bit: the reference
 * interpreter, which defines the semantics, and the constant folder.
 */
import { FloatCC, Opcode, unhandledOpcode, type FloatBinaryOpcode, type FloatUnaryOpcode } from './opcodes.js';

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

/** Evaluates `fcmp cc a, b`: ordered predicates are false on NaN, unordered ones true. */
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

/** Evaluates a float unary opcode; `f32` rounds the result. */
export function evalFloatUnary(op: FloatUnaryOpcode, f32: boolean, a: number): number {
  let r: number;
  switch (op) {
    case Opcode.FNeg: r = -a; break;
    case Opcode.FAbs: r = Math.abs(a); break;
    case Opcode.FSqrt: r = Math.sqrt(a); break;
    case Opcode.FFloor: r = Math.floor(a); break;
    case Opcode.FCeil: r = Math.ceil(a); break;
    case Opcode.FTrunc: r = Math.trunc(a); break;
    case Opcode.FNearest: r = roundEven(a); break;
    default: return unhandledOpcode(op, 'evalFloatUnary');
  }
  return f32 ? Math.fround(r) : r;
}

/** Evaluates a float binary opcode (not fcopysign); `f32` rounds the result. */
export function evalFloatBinary(op: Exclude<FloatBinaryOpcode, Opcode.FCopysign>, f32: boolean, a: number, b: number): number {
  let r: number;
  switch (op) {
    case Opcode.FAdd: r = a + b; break;
    case Opcode.FSub: r = a - b; break;
    case Opcode.FMul: r = a * b; break;
    case Opcode.FDiv: r = a / b; break;
    // Math.min/max propagate NaN and order -0 below +0, as specified.
    case Opcode.FMin: r = Math.min(a, b); break;
    case Opcode.FMax: r = Math.max(a, b); break;
    default: return unhandledOpcode(op, 'evalFloatBinary');
  }
  return f32 ? Math.fround(r) : r;
}
