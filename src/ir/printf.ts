/**
 * C `printf` formatting for the reference interpreter's built-in `snprintf` and `vsnprintf`
 * (src/ir/interpreter.ts): the same bytes glibc writes, so interpreted and compiled programs
 * that format text can be compared byte for byte.
 *
 * Supported: flags `- + space # 0`, width and precision (also `*`), length modifiers
 * `hh h l ll j z t` (and `L` rejected: no long double), conversions `d i u o x X c s p % e E f F g G
 * a A`. Floats are formatted from their exact binary value with BigInt arithmetic and rounded
 * half to even, as glibc does in the default rounding mode. `%n` is refused (it writes memory
 * through an argument).
 *
 * Terms: a *conversion* is one `%...` directive; arguments come from an `ArgSource` (a
 * variadic call's extra arguments, or a va_list).
 */
import { f64ToBits } from './float-bits.js';

/** Where a conversion's arguments come from, in order. */
export interface ArgSource {
  /** The next argument as a 64-bit integer (signed; narrower ones sign-extended); for `%d`, `*`, ... */
  int(what: string): bigint;
  /** The next argument as a double (a NaN keeps its sign bit, which glibc prints: `-nan`); for `%f` ... */
  float(what: string): number;
}

/** Reads the NUL-terminated (or `limit`-long) string at `address`. */
export type StringReader = (address: bigint, limit: number) => Uint8Array;

/** Formats `format` (bytes, without its NUL) with the arguments of `args`; returns the output bytes. */
export function formatPrintf(format: Uint8Array, args: ArgSource, readString: StringReader): number[] {
  const out: number[] = [];
  const text = (s: string): void => { for (let i = 0; i < s.length; i++) out.push(s.charCodeAt(i) & 0xff); };
  let i = 0;
  const n = format.length;
  while (i < n) {
    const c = format[i++]!;
    if (c !== 37) { out.push(c); continue; } // not '%'
    const start = i - 1;
    let left = false, plus = false, space = false, alt = false, zero = false;
    for (; i < n; i++) {
      const f = format[i]!;
      if (f === 45) left = true; else if (f === 43) plus = true; else if (f === 32) space = true;
      else if (f === 35) alt = true; else if (f === 48) zero = true; else break;
    }
    let width = 0;
    if (format[i] === 42) { // '*'
      i++;
      const w = Number(BigInt.asIntN(32, args.int('a * width')));
      if (w < 0) { left = true; width = -w; } else width = w;
    } else while (i < n && format[i]! >= 48 && format[i]! <= 57) width = width * 10 + (format[i++]! - 48);
    let precision = -1;
    if (format[i] === 46) { // '.'
      i++;
      if (format[i] === 42) {
        i++;
        const p = Number(BigInt.asIntN(32, args.int('a * precision')));
        precision = p < 0 ? -1 : p;
      } else {
        precision = 0;
        while (i < n && format[i]! >= 48 && format[i]! <= 57) precision = precision * 10 + (format[i++]! - 48);
      }
    }
    // Length modifier: the integer width in bits (0 = int).
    let bits = 32;
    const lm = format[i];
    if (lm === 104) { i++; if (format[i] === 104) { i++; bits = 8; } else bits = 16; } // h, hh
    else if (lm === 108) { i++; if (format[i] === 108) i++; bits = 64; } // l, ll
    else if (lm === 106 || lm === 122 || lm === 116) { i++; bits = 64; } // j z t
    else if (lm === 76) throw new Error(`printf: long double conversions ('${directive(format, start, i + 1)}') are not supported`);
    if (i >= n) throw new Error(`printf: incomplete conversion '${directive(format, start, i)}' at the end of the format`);
    const conv = String.fromCharCode(format[i++]!);
    const pad = (body: string, prefix: string, numeric: boolean): void => {
      const len = prefix.length + body.length;
      if (len >= width) { text(prefix + body); return; }
      const fill = width - len;
      if (left) text(prefix + body + ' '.repeat(fill));
      else if (zero && numeric) text(prefix + '0'.repeat(fill) + body);
      else text(' '.repeat(fill) + prefix + body);
    };
    switch (conv) {
      case '%': out.push(37); break;
      case 'd': case 'i': {
        const v = BigInt.asIntN(bits, args.int(`%${conv}`));
        const sign = v < 0n ? '-' : plus ? '+' : space ? ' ' : '';
        pad(intDigits(v < 0n ? -v : v, 10, precision, false), sign, precision < 0);
        break;
      }
      case 'u': case 'o': case 'x': case 'X': {
        const v = BigInt.asUintN(bits, args.int(`%${conv}`));
        const radix = conv === 'u' ? 10 : conv === 'o' ? 8 : 16;
        let body = intDigits(v, radix, precision, conv === 'X');
        let prefix = '';
        if (alt && conv === 'o' && !body.startsWith('0')) body = '0' + body;
        if (alt && v !== 0n && (conv === 'x' || conv === 'X')) prefix = conv === 'x' ? '0x' : '0X';
        pad(body, prefix, precision < 0);
        break;
      }
      case 'c': pad(String.fromCharCode(Number(BigInt.asUintN(8, args.int('%c')))), '', false); break;
      case 's': {
        const bytes = readString(args.int('%s'), precision < 0 ? Infinity : precision);
        let s = '';
        for (const b of bytes) s += String.fromCharCode(b);
        pad(s, '', false);
        break;
      }
      case 'p': {
        const v = BigInt.asUintN(64, args.int('%p'));
        if (v === 0n) pad('(nil)', '', false);
        else pad(v.toString(16), '0x', false);
        break;
      }
      case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': case 'a': case 'A': {
        const x = args.float(`%${conv}`);
        const upper = conv === 'E' || conv === 'F' || conv === 'G' || conv === 'A';
        const negative = f64ToBits(x) < 0n; // the sign bit, of a NaN too
        const sign = negative ? '-' : plus ? '+' : space ? ' ' : '';
        if (!Number.isFinite(x)) {
          const word = Number.isNaN(x) ? 'nan' : 'inf';
          pad(upper ? word.toUpperCase() : word, sign, false);
          break;
        }
        const ax = Math.abs(x);
        const lower = conv.toLowerCase();
        let body: string, prefix = sign;
        if (lower === 'a') { body = hexFloat(ax, precision, alt); prefix += '0x'; }
        else if (lower === 'f') body = fixed(ax, precision < 0 ? 6 : precision, alt);
        else if (lower === 'e') body = scientific(ax, precision < 0 ? 6 : precision, alt);
        else body = general(ax, precision < 0 ? 6 : precision, alt);
        if (upper) { body = body.toUpperCase(); prefix = prefix.toUpperCase(); }
        pad(body, prefix, true);
        break;
      }
      case 'n': throw new Error("printf: '%n' is not supported");
      default: throw new Error(`printf: unknown conversion '${directive(format, start, i)}'`);
    }
  }
  return out;
}

function directive(format: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let k = from; k < Math.min(to, format.length); k++) s += String.fromCharCode(format[k]!);
  return s;
}

/** Digits of `v` in `radix` with at least `precision` digits (0 with precision 0 is empty). */
function intDigits(v: bigint, radix: number, precision: number, upper: boolean): string {
  if (precision === 0 && v === 0n) return '';
  let s = v.toString(radix);
  if (upper) s = s.toUpperCase();
  return precision > s.length ? '0'.repeat(precision - s.length) + s : s;
}

/** The exact value of finite `x >= 0` as `digits * 10^-scale` (digits a bigint). */
function exactDecimal(x: number): { digits: bigint; scale: number } {
  if (x === 0) return { digits: 0n, scale: 0 };
  const { mantissa, exponent } = decompose(x);
  if (exponent >= 0) return { digits: mantissa << BigInt(exponent), scale: 0 };
  return { digits: mantissa * 5n ** BigInt(-exponent), scale: -exponent };
}

/** Finite `x > 0` as mantissa * 2^exponent with an integer mantissa (53 bits at most). */
function decompose(x: number): { mantissa: bigint; exponent: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const e = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & ((1n << 52n) - 1n);
  return e === 0 ? { mantissa: frac, exponent: -1074 } : { mantissa: frac | (1n << 52n), exponent: e - 1075 };
}

/** `digits * 10^-scale` rounded half to even to an integer number of units of 10^-keep. */
function roundTo(digits: bigint, scale: number, keep: number): bigint {
  if (keep >= scale) return digits * 10n ** BigInt(keep - scale);
  const div = 10n ** BigInt(scale - keep);
  const q = digits / div, r = digits % div;
  const twice = 2n * r;
  return twice > div || (twice === div && (q & 1n) === 1n) ? q + 1n : q;
}

/** `%f` body of `x >= 0` with `precision` fraction digits. */
function fixed(x: number, precision: number, alt: boolean): string {
  const { digits, scale } = exactDecimal(x);
  const s = roundTo(digits, scale, precision).toString().padStart(precision + 1, '0');
  const int = s.slice(0, s.length - precision), frac = s.slice(s.length - precision);
  return precision > 0 ? `${int}.${frac}` : alt ? `${int}.` : int;
}

/** The decimal exponent and `precision + 1` significant digits of `x >= 0` after rounding. */
function significant(x: number, precision: number): { mant: string; exp: number } {
  if (x === 0) return { mant: '0'.repeat(precision + 1), exp: 0 };
  const { digits, scale } = exactDecimal(x);
  let exp = digits.toString().length - 1 - scale;
  let r = roundTo(digits, scale, precision - exp);
  if (r.toString().length > precision + 1) { exp++; r /= 10n; }
  return { mant: r.toString(), exp };
}

function expText(exp: number): string {
  const a = Math.abs(exp);
  return `e${exp < 0 ? '-' : '+'}${a < 10 ? '0' : ''}${a}`;
}

/** `%e` body of `x >= 0`. */
function scientific(x: number, precision: number, alt: boolean): string {
  const { mant, exp } = significant(x, precision);
  const point = precision > 0 || alt ? '.' : '';
  return `${mant[0]}${point}${mant.slice(1)}${expText(exp)}`;
}

/** `%g` body of `x >= 0`. */
function general(x: number, precision: number, alt: boolean): string {
  const p = precision === 0 ? 1 : precision;
  const { exp } = significant(x, p - 1);
  let s = p > exp && exp >= -4 ? fixed(x, p - 1 - exp, alt) : scientific(x, p - 1, alt);
  if (!alt) {
    // Trailing zeros of the fraction go, and the point with them.
    const e = s.indexOf('e');
    let m = e < 0 ? s : s.slice(0, e);
    const tail = e < 0 ? '' : s.slice(e);
    if (m.includes('.')) m = m.replace(/0+$/, '').replace(/\.$/, '');
    s = m + tail;
  }
  return s;
}

/** `%a` body of `x >= 0` after the `0x` prefix: glibc's form (`1.8p+1`, subnormals `0.0000000000001p-1022`). */
function hexFloat(x: number, precision: number, alt: boolean): string {
  if (x === 0) return `0${precision > 0 ? '.' + '0'.repeat(precision) : alt ? '.' : ''}p+0`;
  const { mantissa, exponent } = decompose(x);
  const normal = mantissa >= 1n << 52n;
  let lead = normal ? 1n : 0n;
  let frac = mantissa & ((1n << 52n) - 1n); // 13 hex digits
  const exp = normal ? exponent + 52 : -1022;
  let digits = 13;
  if (precision >= 0 && precision < 13) {
    const drop = BigInt(4 * (13 - precision));
    const whole = (lead << 52n) | frac;
    const q = whole >> drop, r = whole & ((1n << drop) - 1n), half = 1n << (drop - 1n);
    const rounded = r > half || (r === half && (q & 1n) === 1n) ? q + 1n : q;
    lead = rounded >> BigInt(4 * precision);
    frac = rounded & ((1n << BigInt(4 * precision)) - 1n);
    digits = precision;
  }
  let f = digits > 0 ? frac.toString(16).padStart(digits, '0') : '';
  if (precision < 0) f = f.replace(/0+$/, '');
  else if (precision > digits) f += '0'.repeat(precision - digits);
  let s = lead.toString(16);
  if (f.length > 0 || alt) s += '.' + f;
  return `${s}p${exp < 0 ? '-' : '+'}${Math.abs(exp)}`;
}
