/**
 * What `call_native` passes when the callee was defined with another signature than the call's: the
 * System V model the interpreter uses, so that it agrees with compiled code (a plain `call`) on every
 * call whose outcome the hardware defines, and traps bad_sig on the others.
 *
 * Each argument and result has a *location* (integer register k, vector register k, or stack slot k)
 * and a number of *defined bits*: the low bits of that location the caller (for a result: the
 * callee) wrote. A callee parameter reads the call's argument at its own location; a result the call
 * expects is the callee's result at that location. Reading more bits than were defined (an `i64`
 * parameter from an `i32` argument, `f64` from `f32`, a parameter or result nobody passed) is
 * undefined in hardware and a bad_sig trap here; reading fewer takes the low bits (an `i32` parameter
 * from an `i64` argument truncates, `f32` from `f64` gets the double's low 32 bits). Arguments no
 * parameter reads are ignored, or are the extra arguments of a variadic callee, in order.
 */
import { Signature, Type, isFloatType, typeBits, typeName } from './types.js';

/** An interpreter value (see src/ir/interpreter.ts): i8..i32 and f32 bits numbers, i64/ptr and f64 bits bigints. */
type Value = number | bigint;

const INT_REGS = 6, VEC_REGS = 8;
/** Location numbers: integer register k is k, vector register k is VEC + k, stack slot k is STACK + k. */
const VEC = 100, STACK = 200;

/** Locations of System V arguments of `types` in order. */
function argLocations(types: readonly Type[]): number[] {
  let ints = 0, vecs = 0, stack = 0;
  return types.map((t) => {
    if (isFloatType(t)) return vecs < VEC_REGS ? VEC + vecs++ : STACK + stack++;
    return ints < INT_REGS ? ints++ : STACK + stack++;
  });
}

/** Locations of results of `types` (rax, rdx; xmm0, xmm1), -1 past the registers. */
function resultLocations(types: readonly Type[]): number[] {
  let ints = 0, vecs = 0;
  return types.map((t) => (isFloatType(t) ? (vecs < 2 ? VEC + vecs++ : -1) : (ints < 2 ? ints++ : -1)));
}

function locationText(loc: number): string {
  return loc >= STACK ? `stack slot ${loc - STACK}` : loc >= VEC ? `vector register ${loc - VEC}` : `integer register ${loc}`;
}

/** The low bits of `v` (of type `from`) as a value of type `to`. */
function reinterpret(v: Value, from: Type, to: Type): Value {
  const bits = BigInt.asUintN(64, BigInt(v)) & ((1n << BigInt(typeBits(from) < 32 ? 32 : typeBits(from))) - 1n);
  const w = typeBits(to);
  return w <= 32 ? Number(BigInt.asIntN(w, bits)) : BigInt.asIntN(64, bits);
}

/** Defined bits of an argument: narrow integers are passed sign-extended to 32 bits. */
function argBits(t: Type): number {
  return !isFloatType(t) && typeBits(t) < 32 ? 32 : typeBits(t);
}

/** The arguments (values and types) `callee` receives from a call passing `args` of `types`; a string says why the call is undefined. */
export function nativeArguments(callee: Signature, callVariadic: boolean, args: readonly Value[], types: readonly Type[]): { args: Value[]; types: Type[] } | string {
  if (callee.variadic === true && !callVariadic) return 'a variadic callee needs a variadic call signature (al holds the vector register count)';
  const at = new Map<number, number>();
  argLocations(types).forEach((l, i) => at.set(l, i));
  const used = new Uint8Array(args.length);
  const out: Value[] = [], outTypes: Type[] = [];
  const locs = argLocations(callee.params);
  for (let j = 0; j < callee.params.length; j++) {
    const p = callee.params[j]!, i = at.get(locs[j]!);
    if (i === undefined) return `parameter ${j} (${typeName(p)}) in ${locationText(locs[j]!)} gets no argument`;
    const t = types[i]!;
    if (typeBits(p) > argBits(t)) return `parameter ${j} (${typeName(p)}) would read undefined bits of argument ${i} (${typeName(t)})`;
    used[i] = 1;
    out.push(reinterpret(args[i]!, t, p));
    outTypes.push(p);
  }
  if (callee.variadic === true) {
    for (let i = 0; i < args.length; i++) if (used[i] === 0) { out.push(args[i]!); outTypes.push(types[i]!); }
  }
  return { args: out, types: outTypes };
}

/** The results a call expecting `want` gets from a callee that returned `got` of types `gotTypes`; a string says why they are undefined. */
export function nativeResults(want: readonly Type[], got: readonly Value[], gotTypes: readonly Type[]): Value[] | string {
  const at = new Map<number, number>();
  resultLocations(gotTypes).forEach((l, k) => { if (l >= 0) at.set(l, k); });
  const locs = resultLocations(want);
  const out: Value[] = [];
  for (let k = 0; k < want.length; k++) {
    const r = want[k]!, c = at.get(locs[k]!);
    if (c === undefined) return `result ${k} (${typeName(r)}) reads ${locationText(locs[k]!)}, which the callee does not set`;
    const t = gotTypes[c]!;
    if (typeBits(r) > typeBits(t)) return `result ${k} (${typeName(r)}) would read undefined bits of the callee's result ${c} (${typeName(t)})`;
    out.push(reinterpret(got[c]!, t, r));
  }
  return out;
}
