/**
 * Integer and floating constant expressions (C11 6.6) over the typed AST.
 *
 * Pipeline position: used by the parser (array sizes, case labels, enum
 * values, bit-field widths, `_Static_assert`, `#if` is the preprocessor's) and
 * by IR generation (static initializers, folding).
 *
 * Values wrap to the width and signedness of each node's C type, as the
 * target computes them.
 */
import type { Expr } from './ast.js';
import { CType, TypeKind, isFloating, isInteger, isUnsigned } from './ctypes.js';

/** Wraps `v` to the range of integer type `t` (pointers as unsigned long). */
export function wrapInt(t: CType, v: bigint): bigint {
  if (t.kind === TypeKind.Bool) return v !== 0n ? 1n : 0n;
  const bits = BigInt((t.kind === TypeKind.Pointer ? 8 : t.size) * 8);
  return isUnsigned(t) ? BigInt.asUintN(Number(bits), v) : BigInt.asIntN(Number(bits), v);
}

/** The value of an integer constant expression, or undefined when `e` is not one. */
export function evalInt(e: Expr): bigint | undefined {
  const v = evalConst(e);
  if (v === undefined) return undefined;
  if (typeof v === 'number') return undefined;
  return v;
}

/** Converts a double to an integer type as a cast does (truncation; out of range as the hardware's conversion). */
function floatToInt(t: CType, x: number): bigint {
  if (Number.isNaN(x) || !Number.isFinite(x)) return wrapInt(t, -(1n << 63n));
  const tr = Math.trunc(x);
  if (Math.abs(tr) >= 2 ** 64) return wrapInt(t, -(1n << 63n));
  return wrapInt(t, BigInt(tr));
}

/** Rounds to float precision when `t` is float. */
function roundFloat(t: CType, x: number): number {
  return t.kind === TypeKind.Float ? Math.fround(x) : x;
}

/**
 * The value of an arithmetic constant expression: a bigint for integer types,
 * a number for floating types, undefined when it is not constant. Address
 * constants are handled by the static-initializer code.
 */
export function evalConst(e: Expr): bigint | number | undefined {
  switch (e.k) {
    case 'int': return wrapInt(e.type, e.value);
    case 'float': return roundFloat(e.type, e.value);
    case 'cast': {
      if (e.type.kind === TypeKind.Void) return undefined;
      const v = evalConst(e.operand);
      if (v === undefined) return undefined;
      if (isFloating(e.type)) return roundFloat(e.type, typeof v === 'number' ? v : isUnsigned(e.operand.type) ? Number(BigInt.asUintN(64, v)) : Number(v));
      if (isInteger(e.type) || e.type.kind === TypeKind.Pointer) {
        if (typeof v === 'number') return e.type.kind === TypeKind.Bool ? (v !== 0 ? 1n : 0n) : floatToInt(e.type, v);
        return wrapInt(e.type, v);
      }
      return undefined;
    }
    case 'neg': {
      const v = evalConst(e.operand);
      if (v === undefined) return undefined;
      return typeof v === 'number' ? -v : wrapInt(e.type, -v);
    }
    case 'bitnot': {
      const v = evalConst(e.operand);
      return typeof v === 'bigint' ? wrapInt(e.type, ~v) : undefined;
    }
    case 'not': {
      const v = evalConst(e.operand);
      if (v === undefined) return undefined;
      return (typeof v === 'number' ? v === 0 : v === 0n) ? 1n : 0n;
    }
    case 'cond': {
      const c = evalConst(e.cond);
      if (c === undefined) return undefined;
      const truth = typeof c === 'number' ? c !== 0 : c !== 0n;
      return evalConst(truth ? e.then : e.else);
    }
    case 'comma': return undefined;
    case 'binary': return evalBinary(e);
    default: return undefined;
  }
}

function evalBinary(e: Extract<Expr, { k: 'binary' }>): bigint | number | undefined {
  if (e.op === '&&' || e.op === '||') {
    const a = evalConst(e.lhs);
    if (a === undefined) return undefined;
    const ta = typeof a === 'number' ? a !== 0 : a !== 0n;
    if (e.op === '&&' && !ta) return 0n;
    if (e.op === '||' && ta) return 1n;
    const b = evalConst(e.rhs);
    if (b === undefined) return undefined;
    return (typeof b === 'number' ? b !== 0 : b !== 0n) ? 1n : 0n;
  }
  const a = evalConst(e.lhs), b = evalConst(e.rhs);
  if (a === undefined || b === undefined) return undefined;
  if (typeof a === 'number' || typeof b === 'number') {
    const x = Number(a), y = Number(b);
    switch (e.op) {
      case '+': return roundFloat(e.type, x + y);
      case '-': return roundFloat(e.type, x - y);
      case '*': return roundFloat(e.type, x * y);
      case '/': return roundFloat(e.type, x / y);
      case '==': return x === y ? 1n : 0n;
      case '!=': return x !== y ? 1n : 0n;
      case '<': return x < y ? 1n : 0n;
      case '>': return x > y ? 1n : 0n;
      case '<=': return x <= y ? 1n : 0n;
      case '>=': return x >= y ? 1n : 0n;
      default: return undefined;
    }
  }
  const t = e.lhs.type; // operands are converted to the common type (comparisons: type int)
  switch (e.op) {
    case '+': return wrapInt(e.type, a + b);
    case '-': return wrapInt(e.type, a - b);
    case '*': return wrapInt(e.type, a * b);
    case '/': if (b === 0n) return undefined; return wrapInt(e.type, a / b);
    case '%': if (b === 0n) return undefined; return wrapInt(e.type, a % b);
    case '<<': return wrapInt(e.type, a << BigInt.asUintN(6, b));
    case '>>': return wrapInt(e.type, a >> BigInt.asUintN(6, b));
    case '&': return wrapInt(e.type, a & b);
    case '|': return wrapInt(e.type, a | b);
    case '^': return wrapInt(e.type, a ^ b);
    case '==': return a === b ? 1n : 0n;
    case '!=': return a !== b ? 1n : 0n;
    case '<': return cmp(t, a, b) < 0 ? 1n : 0n;
    case '>': return cmp(t, a, b) > 0 ? 1n : 0n;
    case '<=': return cmp(t, a, b) <= 0 ? 1n : 0n;
    case '>=': return cmp(t, a, b) >= 0 ? 1n : 0n;
    default: return undefined;
  }
}

function cmp(t: CType, a: bigint, b: bigint): number {
  const x = wrapInt(t, a), y = wrapInt(t, b);
  return x < y ? -1 : x > y ? 1 : 0;
}
