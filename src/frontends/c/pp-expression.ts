/**
 * `#if` / `#elif` expression evaluation (C11 6.10.1).
 *
 * Input: the directive's tokens after macro expansion, with `defined X` and
 * the `__has_*` operators already replaced by `0`/`1` and every remaining
 * identifier standing for 0. Arithmetic is in `intmax_t` / `uintmax_t` (64
 * bits, bigint): a value is unsigned when it comes from an unsigned constant
 * or the usual arithmetic conversions make it so (`-1 < 0u` is false).
 * Signed overflow wraps (gcc warns, we don't); division by zero is an error
 * only where it is evaluated (`0 && 1/0` is fine). Shifts by a negative count
 * shift the other way and by 64 or more give 0 (or -1), as gcc does.
 */
import type { Diagnostics } from './diagnostics.js';
import type { PPToken } from './lexer.js';
import { decodeChar, decodeNumber, type LiteralReport } from './literals.js';
import { TokenKind, type SourceLocation } from './token.js';

/** A value of a `#if` expression. */
interface Value {
  /** The value, normalised to the signed or unsigned 64-bit range. */
  v: bigint;
  /** True for uintmax_t. */
  u: boolean;
}

/** How deeply parentheses and unary operators may nest. */
const MAX_DEPTH = 256;

/** Thrown inside the evaluator after an error was reported; caught by `evaluateCondition`. */
class ExpressionError extends Error {}

/** Binary operator precedence (higher binds tighter); 0 for tokens that are not binary operators. */
function precedence(op: string): number {
  switch (op) {
    case '*': case '/': case '%': return 10;
    case '+': case '-': return 9;
    case '<<': case '>>': return 8;
    case '<': case '>': case '<=': case '>=': return 7;
    case '==': case '!=': return 6;
    case '&': return 5;
    case '^': return 4;
    case '|': return 3;
    case '&&': return 2;
    case '||': return 1;
    default: return 0;
  }
}

const norm = (v: bigint, u: boolean): Value => ({ v: u ? BigInt.asUintN(64, v) : BigInt.asIntN(64, v), u });
const bool = (b: boolean): Value => ({ v: b ? 1n : 0n, u: false });

/** Evaluates a `#if` expression; reports errors at the tokens (or `at`, the directive) and returns false after one. */
export function evaluateCondition(tokens: readonly PPToken[], at: SourceLocation, diagnostics: Diagnostics): boolean {
  let pos = 0;
  /** Nesting of parentheses and unary operators (the parser recurses on them). */
  let depth = 0;
  const locOf = (t: PPToken | undefined): SourceLocation => (t === undefined ? at : { file: t.file, line: t.line, col: t.col });
  const fail = (t: PPToken | undefined, message: string): never => {
    diagnostics.error(locOf(t), message);
    throw new ExpressionError(message);
  };
  const peek = (): PPToken | undefined => tokens[pos];
  const isPunct = (t: PPToken | undefined, s: string): boolean => t !== undefined && t.kind === TokenKind.Punct && t.spelling === s;

  /** Decodes a literal token; its first error fails the expression, warnings are reported where evaluated. */
  function decodeOrFail<T>(t: PPToken, evaluated: boolean, decode: (spelling: string, report: LiteralReport) => T): T {
    let problem = '';
    const r = decode(t.spelling, (m, sev) => {
      if (sev === 'error' && problem === '') problem = m;
      else if (sev === 'warning' && evaluated) diagnostics.warning(locOf(t), m);
    });
    if (problem !== '') fail(t, problem);
    return r;
  }

  function primary(evaluated: boolean): Value {
    const t = tokens[pos];
    if (t === undefined) {
      return pos === 0 ? fail(undefined, '#if with no expression') : fail(tokens[pos - 1], `operator '${tokens[pos - 1]!.spelling}' has no right operand`);
    }
    pos++;
    switch (t.kind) {
      case TokenKind.Number: {
        const n = decodeOrFail(t, evaluated, decodeNumber);
        if (n.kind === 'floating') fail(t, 'floating constant in preprocessor expression');
        return norm(n.value as bigint, n.kind === 'integer' && n.type.startsWith('unsigned'));
      }
      case TokenKind.Char: {
        const c = decodeOrFail(t, evaluated, decodeChar);
        return norm(BigInt(c.value), c.type === 'char16_t' || c.type === 'char32_t' || c.type === 'unsigned char');
      }
      case TokenKind.Identifier:
        // Identifiers left after expansion (keywords too) are 0 (C11 6.10.1p4).
        if (isPunct(peek(), '(')) fail(t, `missing binary operator before token "("`);
        return { v: 0n, u: false };
      case TokenKind.Punct:
        switch (t.spelling) {
          case '(': {
            if (isPunct(peek(), ')')) fail(peek(), "missing expression between '(' and ')'");
            if (++depth > MAX_DEPTH) fail(t, `#if expression nested more than ${MAX_DEPTH} levels deep`);
            const v = comma(evaluated);
            depth--;
            if (!isPunct(peek(), ')')) fail(peek() ?? t, "missing ')' in expression");
            pos++;
            return v;
          }
          case '+': case '-': case '~': case '!': {
            if (++depth > MAX_DEPTH) fail(t, `#if expression nested more than ${MAX_DEPTH} levels deep`);
            const v = primary(evaluated);
            depth--;
            return t.spelling === '+' ? v : t.spelling === '-' ? wrap(-v.v, v.u, t, evaluated) : t.spelling === '~' ? norm(~v.v, v.u) : bool(v.v === 0n);
          }
        }
        if (t.spelling === ')') return fail(t, "missing expression between '(' and ')'");
        return fail(t, `token "${t.spelling}" is not valid in preprocessor expressions`);
      case TokenKind.String:
        return fail(t, `token "${t.spelling}" is not valid in preprocessor expressions`);
      default:
        return fail(t, `token "${t.spelling}" is not valid in preprocessor expressions`);
    }
  }

  function binary(minPrec: number, evaluated: boolean): Value {
    let left = primary(evaluated);
    for (;;) {
      const t = peek();
      if (t === undefined || t.kind !== TokenKind.Punct) {
        if (t !== undefined && t.kind !== TokenKind.Punct) fail(t, `missing binary operator before token "${t.spelling}"`);
        return left;
      }
      const op = t.spelling;
      const prec = precedence(op);
      if (prec === 0) {
        if (op === '?' || op === ':' || op === ')' || op === ',') return left;
        if (op === '=' || op.endsWith('=') && op.length >= 2 && op !== '==' && op !== '!=' && op !== '<=' && op !== '>=') fail(t, `token "${op}" is not valid in preprocessor expressions`);
        if (op === '(') fail(t, 'missing binary operator before token "("');
        return fail(t, `token "${op}" is not valid in preprocessor expressions`);
      }
      if (prec < minPrec) return left;
      pos++;
      if (op === '&&') {
        const right = binary(prec + 1, evaluated && left.v !== 0n);
        left = bool(left.v !== 0n && right.v !== 0n);
        continue;
      }
      if (op === '||') {
        const right = binary(prec + 1, evaluated && left.v === 0n);
        left = bool(left.v !== 0n || right.v !== 0n);
        continue;
      }
      const right = binary(prec + 1, evaluated);
      left = apply(op, left, right, t, evaluated);
    }
  }

  /** The signed or unsigned result `v`, with gcc's warning when a signed result overflowed. */
  function wrap(v: bigint, u: boolean, t: PPToken, evaluated: boolean): Value {
    const r = norm(v, u);
    if (!u && r.v !== v && evaluated) diagnostics.warning(locOf(t), 'integer overflow in preprocessor expression');
    return r;
  }

  function apply(op: string, a: Value, b: Value, t: PPToken, evaluated: boolean): Value {
    if (op === '<<' || op === '>>') return shift(op === '<<', a, b, t, evaluated);
    const u = a.u || b.u;
    const x = u ? BigInt.asUintN(64, a.v) : a.v;
    const y = u ? BigInt.asUintN(64, b.v) : b.v;
    switch (op) {
      case '*': return wrap(x * y, u, t, evaluated);
      case '/':
      case '%':
        if (y === 0n) {
          if (evaluated) fail(t, 'division by zero in #if');
          return { v: 0n, u };
        }
        return op === '/' ? wrap(x / y, u, t, evaluated) : norm(x % y, u);
      case '+': return wrap(x + y, u, t, evaluated);
      case '-': return wrap(x - y, u, t, evaluated);
      case '<': return bool(x < y);
      case '>': return bool(x > y);
      case '<=': return bool(x <= y);
      case '>=': return bool(x >= y);
      case '==': return bool(x === y);
      case '!=': return bool(x !== y);
      case '&': return norm(x & y, u);
      case '^': return norm(x ^ y, u);
      case '|': return norm(x | y, u);
    }
    return fail(t, `token "${op}" is not valid in preprocessor expressions`);
  }

  function shift(left: boolean, a: Value, b: Value, t: PPToken, evaluated: boolean): Value {
    let n = b.v;
    if (!b.u && n < 0n) { left = !left; n = -n; }
    if (left) {
      if (n >= 64n) {
        if (!a.u && a.v !== 0n && evaluated) diagnostics.warning(locOf(t), 'integer overflow in preprocessor expression');
        return { v: 0n, u: a.u };
      }
      return wrap(a.v << n, a.u, t, evaluated);
    }
    if (n >= 64n) return { v: !a.u && a.v < 0n ? -1n : 0n, u: a.u };
    return norm(a.v >> n, a.u); // bigint >> is arithmetic: right for signed, and unsigned values are non-negative
  }

  function conditional(evaluated: boolean): Value {
    const c = binary(1, evaluated);
    if (!isPunct(peek(), '?')) return c;
    pos++;
    const taken = c.v !== 0n;
    const a = comma(evaluated && taken);
    if (!isPunct(peek(), ':')) fail(peek() ?? tokens[pos - 1], "'?' without following ':'");
    pos++;
    if (++depth > MAX_DEPTH) fail(tokens[pos - 1], `#if expression nested more than ${MAX_DEPTH} levels deep`);
    const b = conditional(evaluated && !taken);
    depth--;
    const u = a.u || b.u;
    return norm(taken ? a.v : b.v, u);
  }

  function comma(evaluated: boolean): Value {
    let v = conditional(evaluated);
    while (isPunct(peek(), ',')) {
      pos++;
      v = conditional(evaluated);
    }
    return v;
  }

  try {
    const v = comma(true);
    const t = peek();
    if (t !== undefined) {
      if (isPunct(t, ':')) fail(t, "':' without preceding '?'");
      if (isPunct(t, ')')) fail(t, "missing '(' in expression");
      fail(t, `missing binary operator before token "${t.spelling}"`);
    }
    return v.v !== 0n;
  } catch (e) {
    if (e instanceof ExpressionError) return false;
    throw e;
  }
}
