/**
 * Integer arguments crossing from JS into IR code, checked alike by the
 * interpreter and by compiled functions. IR integers are signless, so an
 * `iN` argument may be given in the signed or the unsigned range
 * (-2^(N-1) .. 2^N - 1); anything outside is a RangeError, as `wrap()` makes it,
 * never silently wrapped. i8..i32 take numbers (or bigints), i64 and ptr
 * bigints (or safe-integer numbers).
 */
import { Type, typeBits, typeName } from './types.js';

/** Describes `x` in an argument error. */
function show(x: unknown): string {
  if (typeof x === 'bigint') return `${x}n`;
  if (typeof x === 'string') return JSON.stringify(x.length > 20 ? x.slice(0, 20) + '…' : x);
  if (x === null) return 'null';
  if (typeof x === 'object') return (x as object).constructor?.name ?? 'object';
  if (typeof x === 'function') return 'a function';
  return String(x);
}

/**
 * The IR value (canonical signed form: number for i8..i32, bigint for i64/ptr)
 * of integer argument `x` of type `t`, or undefined when `x` is not an integer
 * at all (the caller adds its other accepted kinds, e.g. buffers for ptr, before
 * throwing `argumentTypeError`). Throws RangeError for integers out of range.
 */
export function integerArgument(t: Type, x: unknown, what: string): number | bigint | undefined {
  const bits = typeBits(t);
  if (bits <= 32 && typeof x === 'number' && Number.isInteger(x)) {
    if (x < -(2 ** (bits - 1)) || x >= 2 ** bits) throw rangeError(t, bits, x, what);
    return bits === 32 ? x | 0 : (x << (32 - bits)) >> (32 - bits);
  }
  let v: bigint;
  if (typeof x === 'bigint') v = x;
  else if (typeof x === 'number' && Number.isInteger(x)) {
    if (!Number.isSafeInteger(x) && bits > 32) throw new RangeError(`${what} must be a safe integer number or a bigint for ${typeName(t)}, got ${show(x)}`);
    v = BigInt(x);
  } else return undefined;
  if (v < -(1n << BigInt(bits - 1)) || v >= 1n << BigInt(bits)) throw rangeError(t, bits, x, what);
  return bits > 32 ? BigInt.asIntN(64, v) : Number(BigInt.asIntN(bits, v));
}

function rangeError(t: Type, bits: number, x: unknown, what: string): RangeError {
  return new RangeError(`${what} does not fit in ${typeName(t)} (an integer from -2^${bits - 1} to 2^${bits}-1), got ${show(x)}`);
}

/** The TypeError for an argument of the wrong kind. */
export function argumentTypeError(t: Type, x: unknown, what: string): TypeError {
  return new TypeError(`${what}: cannot pass ${show(x)} as ${typeName(t)}`);
}
