/**
 * Float values as bit patterns. The IR defines NaN results exactly (docs/ir.md §4,
 * "NaN bits"), and a JS number cannot carry them: reading an f32 signalling NaN into a
 * number quiets it, and V8 quiets any signalling NaN stored into an array of doubles.
 * So the interpreter, the constant folder and `fconst` immediates hold a float as its
 * IEEE-754 bits, in the form of the integer of the same width:
 *
 *   f32 -> number: the 32 bits as a signed int32 (like an `i32` value)
 *   f64 -> bigint: the 64 bits as a signed 64-bit integer (like an `i64` value)
 *
 *   binary64:  sign(1) | exponent(11) | quiet(1) payload(51)     NaN: exponent all ones,
 *   binary32:  sign(1) | exponent(8)  | quiet(1) payload(22)          significand != 0
 *
 * This module converts between bits and JS numbers, classifies and quiets NaNs, and
 * writes and reads float literals, which can name every NaN: `NaN` (positive, quiet,
 * payload 0), `-NaN`, `NaN:0x1f` (quiet, payload 0x1f), `sNaN:0x1` (signalling; its
 * payload is not 0), with an optional leading `-` or `+`.
 */
import { Type, typeName } from './types.js';

// Scratch for reinterpreting bits (no state is kept between calls).
const scratchF64 = new Float64Array(1);
const scratchI64 = new BigInt64Array(scratchF64.buffer);
const scratchF32 = new Float32Array(1);
const scratchI32 = new Int32Array(scratchF32.buffer);

/** The quiet bit of an f32 NaN. */
export const QUIET_BIT_F32 = 0x400000;
/** The quiet bit of an f64 NaN. */
export const QUIET_BIT_F64 = 1n << 51n;
/** The NaN x86-64 SSE produces from non-NaN operands (`0/0`, `inf - inf`, `sqrt(-1)`), f32 bits 0xffc00000. */
export const DEFAULT_NAN_F32 = 0xffc00000 | 0;
/** The NaN x86-64 SSE produces from non-NaN operands, f64 bits 0xfff8000000000000. */
export const DEFAULT_NAN_F64 = -(1n << 51n);

/** The value of f32 bits (any NaN bits give some NaN). */
export function f32FromBits(bits: number): number {
  scratchI32[0] = bits;
  return scratchF32[0]!;
}
/** The f32 bits of `x` rounded to f32 (a NaN gives a quiet NaN, as the hardware's conversion does). */
export function f32ToBits(x: number): number {
  scratchF32[0] = x;
  return scratchI32[0]!;
}
/** The value of f64 bits (any NaN bits give some NaN). */
export function f64FromBits(bits: bigint): number {
  scratchI64[0] = bits;
  return scratchF64[0]!;
}
/** The f64 bits of `x`. */
export function f64ToBits(x: number): bigint {
  scratchF64[0] = x;
  return scratchI64[0]!;
}

/** True when f32 bits are a NaN. */
export function isNaN32(bits: number): boolean {
  return (bits & 0x7fffffff) > 0x7f800000;
}
/** True when f64 bits are a NaN. */
export function isNaN64(bits: bigint): boolean {
  return (bits & 0x7fffffffffffffffn) > 0x7ff0000000000000n;
}

/** True when float bits (f32 an int32 number, f64 a bigint) are a signalling NaN. */
export function isSignallingNaN(bits: number | bigint): boolean {
  return typeof bits === 'number' ? isNaN32(bits) && (bits & QUIET_BIT_F32) === 0 : isNaN64(bits) && (bits & QUIET_BIT_F64) === 0n;
}

/** `fpromote` on bits: a NaN is quieted and keeps its payload in the top bits (as `cvtss2sd`). */
export function promoteBits(bits: number): bigint {
  if (!isNaN32(bits)) return f64ToBits(f32FromBits(bits));
  const sign = bits < 0 ? -(1n << 63n) : 0n;
  return sign | 0x7ff8000000000000n | (BigInt(bits & 0x3fffff) << 29n);
}
/** `fdemote` on bits: a NaN is quieted and keeps the top 22 bits of its payload (as `cvtsd2ss`). */
export function demoteBits(bits: bigint): number {
  if (!isNaN64(bits)) return f32ToBits(f64FromBits(bits));
  const payload = Number((bits >> 29n) & 0x3fffffn);
  return (bits < 0n ? 0x80000000 : 0) | 0x7fc00000 | payload;
}

/** The f32 bits of a NaN: `quiet`, with `payload` (22 bits), negative when `negative`. */
export function nan32(negative: boolean, quiet: boolean, payload: number): number {
  return (negative ? 0x80000000 : 0) | 0x7f800000 | (quiet ? QUIET_BIT_F32 : 0) | payload;
}
/** The f64 bits of a NaN: `quiet`, with `payload` (51 bits), negative when `negative`. */
export function nan64(negative: boolean, quiet: boolean, payload: bigint): bigint {
  return (negative ? -(1n << 63n) : 0n) | 0x7ff0000000000000n | (quiet ? QUIET_BIT_F64 : 0n) | payload;
}

/** A float value as text: shortest decimal that reads back (`1.5`, `-0.0`, `1e+300`), `Inf`, `-Inf`. */
export function formatFloat(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Inf';
  if (x === -Infinity) return '-Inf';
  if (Object.is(x, -0)) return '-0.0';
  const s = String(x);
  return /^-?\d+$/.test(s) ? `${s}.0` : s;
}

/** Float bits of type `t` (number for f32, bigint for f64) as a literal; NaNs with their sign and payload. */
export function formatFloatBits(t: Type, bits: number | bigint): string {
  let negative: boolean, quiet: boolean, payload: bigint;
  if (t === Type.F32) {
    const b = Number(bits) | 0;
    if (!isNaN32(b)) return formatFloat(f32FromBits(b));
    negative = b < 0; quiet = (b & QUIET_BIT_F32) !== 0; payload = BigInt(b & 0x3fffff);
  } else {
    const b = BigInt.asIntN(64, BigInt(bits));
    if (!isNaN64(b)) return formatFloat(f64FromBits(b));
    negative = b < 0n; quiet = (b & QUIET_BIT_F64) !== 0n; payload = b & (QUIET_BIT_F64 - 1n);
  }
  const sign = negative ? '-' : '';
  if (!quiet) return `${sign}sNaN:0x${payload.toString(16)}`;
  return payload === 0n ? `${sign}NaN` : `${sign}NaN:0x${payload.toString(16)}`;
}

/**
 * Reads a float literal of type `t` (`1.5`, `-0.0`, `1e+300`, `Inf`, `-Inf`, `NaN`, `-NaN:0x5`,
 * `sNaN:0x1`, optional leading `+`) into bits: a number for f32 (decimal values rounded to f32), a
 * bigint for f64. Throws an Error naming the problem.
 */
export function parseFloatBits(t: Type, text: string): number | bigint {
  const s = text.trim();
  const negative = s.startsWith('-');
  const body = negative || s.startsWith('+') ? s.slice(1) : s;
  const nan = /^(s?)NaN(?::(0x[0-9a-fA-F]+))?$/.exec(body);
  if (nan !== null) {
    const quiet = nan[1] === '';
    const payload = nan[2] === undefined ? 0n : BigInt(nan[2]);
    const bits = t === Type.F32 ? 22 : 51;
    if (payload >= 1n << BigInt(bits)) throw new Error(`NaN payload ${nan[2]} of '${s}' does not fit in the ${bits} payload bits of an ${typeName(t)} NaN`);
    if (!quiet && payload === 0n) throw new Error(`'${s}': a signalling NaN needs a nonzero payload, e.g. sNaN:0x1`);
    return t === Type.F32 ? nan32(negative, quiet, Number(payload)) : nan64(negative, quiet, payload);
  }
  let x: number;
  if (body === 'Inf') x = Infinity;
  else if (/^\d+(\.\d*)?([eE][+-]?\d+)?$/.test(body)) x = Number(body);
  else throw new Error(`expected a ${typeName(t)} literal, found '${s}'`);
  if (negative) x = -x;
  return t === Type.F32 ? f32ToBits(x) : f64ToBits(x);
}
