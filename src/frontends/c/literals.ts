/**
 * Decoding of C literals: what a `Number`, `Char` or `String` token means.
 * Used by `#if` (preprocessor) and by the parser. Target: x86-64 Linux (LP64,
 * signed 8-bit `char`, 32-bit `wchar_t` = `int`, UTF-8 execution character set).
 *
 * API (every function reports problems through `report(message, severity)` and
 * still returns a usable value, 0 after an error, so the caller can go on):
 *
 *  - `decodeNumber(spelling, report)`: a pp-number as an integer constant
 *    (`{ kind: 'integer', value: bigint, type }`, `value` already reduced to
 *    the type's range, `type` chosen by C11 6.4.4.1 for LP64: decimal
 *    constants try int, long, long long; octal/hex/binary ones also the
 *    unsigned types; `u`/`l`/`ll` suffixes narrow the list) or a floating
 *    constant (`{ kind: 'floating', value: number, type, x87 }`: decimal or hex,
 *    `f`/`l` suffixes, correctly rounded to the type, `value` the nearest double
 *    for every type, `x87` the 80-bit pattern of a `long double`).
 *    A decimal constant too large for `long long` is `unsigned long long` with a
 *    warning (gcc makes it `__int128`); one too large for 64 bits is truncated
 *    with a warning, as gcc does.
 *  - `decodeChar(spelling, report)`: a character constant: `'a'` is an `int`
 *    with the value of a (signed) `char`, multi-character constants combine
 *    bytes as gcc (`'ab'` = 0x6162, with a warning); `L'x'` is `wchar_t`
 *    (int), `u'x'` `char16_t`, `U'x'` `char32_t`, `u8'x'` `unsigned char`.
 *  - `decodeStrings(spellings, report)`: the string literal formed by adjacent
 *    string literal tokens (translation phase 6): the encoding prefix rules of
 *    concatenation, escapes, source characters and `\u` escapes encoded as
 *    UTF-8 (plain, `u8`), UTF-16 (`u`) or UTF-32 (`L`, `U`); `\x` and octal
 *    escapes give one code unit. The result's `units` end with the NUL.
 *
 * Escapes: `\' \" \? \\ \a \b \f \n \r \t \v`, gcc's `\e`/`\E` (27), octal
 * (1-3 digits), hex (any length, truncated to the unit with a warning), UCNs.
 */

/** How a literal problem is reported: an error or a warning, message as gcc words it. */
export type LiteralReport = (message: string, severity: 'error' | 'warning') => void;

/** The integer types a constant can have on LP64. */
export type IntegerConstantType = 'int' | 'unsigned int' | 'long' | 'unsigned long' | 'long long' | 'unsigned long long';

/** The floating types a constant can have. */
export type FloatingConstantType = 'float' | 'double' | 'long double';

/** A decoded integer constant. */
export interface IntegerConstant {
  /** Discriminant. */
  readonly kind: 'integer';
  /** The value, in the range of `type`. */
  readonly value: bigint;
  /** The C type chosen by C11 6.4.4.1. */
  readonly type: IntegerConstantType;
}

/** A decoded floating constant. */
export interface FloatingConstant {
  /** Discriminant. */
  readonly kind: 'floating';
  /** The value correctly rounded to `type`, as a JS number (for `long double`: rounded to double). */
  readonly value: number;
  /** The C type from the suffix. */
  readonly type: FloatingConstantType;
  /** For `long double`: the 80-bit x87 extended pattern (sign << 79 | exponent << 64 | 64-bit significand); else undefined. */
  readonly x87: bigint | undefined;
}

/** Width in bits and signedness of an integer constant type (LP64). */
export function integerTypeInfo(type: IntegerConstantType): { bits: 32 | 64; unsigned: boolean } {
  switch (type) {
    case 'int': return { bits: 32, unsigned: false };
    case 'unsigned int': return { bits: 32, unsigned: true };
    case 'long': case 'long long': return { bits: 64, unsigned: false };
    case 'unsigned long': case 'unsigned long long': return { bits: 64, unsigned: true };
  }
}

/** True when a pp-number is a floating constant rather than an integer constant (by its form). */
export function isFloatingSpelling(s: string): boolean {
  const hex = s.length > 1 && s.charCodeAt(0) === 48 && (s.charCodeAt(1) | 0x20) === 120;
  for (let i = hex ? 2 : 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) return true;
    if (hex ? (c | 0x20) === 112 : (c | 0x20) === 101) return true;
  }
  return false;
}

/** Decodes a pp-number as an integer or floating constant. */
export function decodeNumber(spelling: string, report: LiteralReport): IntegerConstant | FloatingConstant {
  return isFloatingSpelling(spelling) ? decodeFloating(spelling, report) : decodeInteger(spelling, report);
}

const TWO_64 = 1n << 64n;

/** Decodes an integer constant (see the module comment for the type rules). */
export function decodeInteger(spelling: string, report: LiteralReport): IntegerConstant {
  const s = spelling;
  let base = 10;
  let i = 0;
  if (s.charCodeAt(0) === 48 && s.length > 1) {
    const x = s.charCodeAt(1) | 0x20;
    if (x === 120) { base = 16; i = 2; }
    else if (x === 98) { base = 2; i = 2; }
    else { base = 8; i = 1; }
  }
  const digitsStart = i;
  let badDigit = -1;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let d: number;
    if (c >= 48 && c <= 57) d = c - 48;
    else if (base === 16 && (c | 0x20) >= 97 && (c | 0x20) <= 102) d = (c | 0x20) - 87;
    else break;
    if (d >= base && badDigit < 0) badDigit = i;
  }
  const digits = s.slice(digitsStart, i);
  const kindName = base === 8 ? 'octal' : base === 2 ? 'binary' : base === 16 ? 'hexadecimal' : 'decimal';
  if (badDigit >= 0) {
    report(`invalid digit "${s[badDigit]}" in ${kindName} constant`, 'error');
    return { kind: 'integer', value: 0n, type: 'int' };
  }
  const suffix = s.slice(i);
  if ((base === 16 || base === 2) && digits.length === 0) {
    report(`invalid suffix "${s.slice(1)}" on integer constant`, 'error');
    return { kind: 'integer', value: 0n, type: 'int' };
  }
  const value = digits.length === 0 ? 0n : digits.length <= 15 && base === 10 ? BigInt(Number(digits)) : BigInt((base === 16 ? '0x' : base === 8 ? '0o' : base === 2 ? '0b' : '') + digits);
  let unsigned = false;
  let longs = 0;
  switch (suffix) {
    case '': break;
    case 'u': case 'U': unsigned = true; break;
    case 'l': case 'L': longs = 1; break;
    case 'ul': case 'uL': case 'Ul': case 'UL': case 'lu': case 'lU': case 'Lu': case 'LU': unsigned = true; longs = 1; break;
    case 'll': case 'LL': longs = 2; break;
    case 'ull': case 'uLL': case 'Ull': case 'ULL': case 'llu': case 'llU': case 'LLu': case 'LLU': unsigned = true; longs = 2; break;
    default:
      report(`invalid suffix "${suffix}" on integer constant`, 'error');
      return { kind: 'integer', value: 0n, type: 'int' };
  }
  if (value >= TWO_64) {
    report('integer constant is too large for its type', 'warning');
    return { kind: 'integer', value: BigInt.asUintN(64, value), type: 'unsigned long long' };
  }
  const decimal = base === 10;
  let type: IntegerConstantType;
  const fits32 = value <= 0x7fffffffn;
  const fitsU32 = value <= 0xffffffffn;
  const fits64 = value <= 0x7fffffffffffffffn;
  if (unsigned) {
    type = longs === 0 && fitsU32 ? 'unsigned int' : longs <= 1 ? 'unsigned long' : 'unsigned long long';
  } else if (longs === 0) {
    type = fits32 ? 'int' : !decimal && fitsU32 ? 'unsigned int' : fits64 ? 'long' : decimal ? 'unsigned long long' : 'unsigned long';
  } else if (longs === 1) {
    type = fits64 ? 'long' : decimal ? 'unsigned long long' : 'unsigned long';
  } else {
    type = fits64 ? 'long long' : 'unsigned long long';
  }
  if (decimal && !unsigned && !fits64) report('integer constant is so large that it is unsigned', 'warning');
  return { kind: 'integer', value, type };
}

/** Binary format of a floating type: precision (significand bits with the leading one) and exponent limits of `m * 2^e`. */
interface BinaryFormat {
  readonly precision: number;
  /** e of the smallest subnormal, `1 * 2^minExp`. */
  readonly minExp: number;
  /** Largest e with a `precision`-bit m: the maximum is `(2^precision - 1) * 2^maxExp`. */
  readonly maxExp: number;
}

const FLOAT: BinaryFormat = { precision: 24, minExp: -149, maxExp: 104 };
const DOUBLE: BinaryFormat = { precision: 53, minExp: -1074, maxExp: 971 };
const X87: BinaryFormat = { precision: 64, minExp: -16445, maxExp: 16320 };

/** `num / den` (positive) rounded to nearest-even in `fmt`: `m * 2^e`, or infinity. */
function roundRational(num: bigint, den: bigint, fmt: BinaryFormat): { m: bigint; e: number } | 'inf' {
  const p = fmt.precision;
  let e = bitLength(num) - bitLength(den) - p;
  for (;;) {
    if (e < fmt.minExp) e = fmt.minExp;
    const n = e < 0 ? num << BigInt(-e) : num;
    const d = e > 0 ? den << BigInt(e) : den;
    let q = n / d;
    if (q >= 1n << BigInt(p)) { e++; continue; } // estimate was one too small
    if (q < 1n << BigInt(p - 1) && e > fmt.minExp) { e--; continue; } // one too large (not subnormal)
    const r2 = (n - q * d) * 2n;
    if (r2 > d || (r2 === d && (q & 1n) === 1n)) {
      q++;
      if (q === 1n << BigInt(p)) { q >>= 1n; e++; }
    }
    if (e > fmt.maxExp) return 'inf';
    return { m: q, e };
  }
}

/** Number of bits of a positive bigint. */
function bitLength(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length;
}

/** `m * 2^e` as a JS number (exact when it is representable). */
function scale(m: bigint, e: number): number {
  const x = Number(m);
  if (e < -1000) return x * 2 ** (e + 600) * 2 ** -600;
  if (e > 1000) return x * 2 ** (e - 600) * 2 ** 600;
  return x * 2 ** e;
}

/** Decodes a floating constant (decimal or hexadecimal, suffix `f`, `l` or none). */
export function decodeFloating(spelling: string, report: LiteralReport): FloatingConstant {
  const s = spelling;
  const hex = s.length > 1 && s.charCodeAt(0) === 48 && (s.charCodeAt(1) | 0x20) === 120;
  let i = hex ? 2 : 0;
  let digits = '';
  let fractionDigits = 0;
  let seenPoint = false;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (seenPoint) {
        report('too many decimal points in number', 'error');
        return zeroFloat('double');
      }
      seenPoint = true;
    } else if ((c >= 48 && c <= 57) || (hex && (c | 0x20) >= 97 && (c | 0x20) <= 102)) {
      digits += s[i];
      if (seenPoint) fractionDigits++;
    } else break;
  }
  let exponent = 0;
  const expChar = hex ? 112 : 101;
  if (i < s.length && (s.charCodeAt(i) | 0x20) === expChar) {
    i++;
    let sign = 1;
    if (s[i] === '+' || s[i] === '-') { if (s[i] === '-') sign = -1; i++; }
    const from = i;
    while (i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
    if (i === from) {
      report('exponent has no digits', 'error');
      return zeroFloat('double');
    }
    exponent = sign * Math.min(Number(s.slice(from, i)), 1e6);
  } else if (hex) {
    report('hexadecimal floating constants require an exponent', 'error');
    return zeroFloat('double');
  }
  if (digits.length === 0) {
    report(`invalid suffix "${s.slice(hex ? 2 : 0)}" on floating constant`, 'error');
    return zeroFloat('double');
  }
  const suffix = s.slice(i);
  let type: FloatingConstantType;
  if (suffix === '') type = 'double';
  else if (suffix === 'f' || suffix === 'F') type = 'float';
  else if (suffix === 'l' || suffix === 'L') type = 'long double';
  else {
    report(`invalid suffix "${suffix}" on floating constant`, 'error');
    return zeroFloat('double');
  }
  let num = BigInt((hex ? '0x' : '') + digits);
  let den = 1n;
  if (num === 0n) return zeroFloat(type);
  if (hex) {
    const e2 = exponent - 4 * fractionDigits;
    const magnitude = e2 + bitLength(num);
    if (magnitude > 20000) return infinite(type, report);
    if (magnitude < -20000) return tooSmall(type, report);
    if (e2 >= 0) num <<= BigInt(e2);
    else den = 1n << BigInt(-e2);
  } else {
    const e10 = exponent - fractionDigits;
    const magnitude = e10 + digits.replace(/^0+/, '').length;
    if (magnitude > 5000) return infinite(type, report);
    if (magnitude < -5000) return tooSmall(type, report);
    if (e10 >= 0) num *= 10n ** BigInt(e10);
    else den = 10n ** BigInt(-e10);
  }
  const fmt = type === 'float' ? FLOAT : type === 'double' ? DOUBLE : X87;
  const r = roundRational(num, den, fmt);
  if (r === 'inf') return infinite(type, report);
  if (r.m === 0n) return tooSmall(type, report);
  let value: number;
  let x87: bigint | undefined;
  if (type === 'long double') {
    const rd = roundRational(num, den, DOUBLE);
    value = rd === 'inf' ? Infinity : scale(rd.m, rd.e);
    x87 = x87Bits(r.m, r.e);
  } else {
    value = scale(r.m, r.e);
  }
  return { kind: 'floating', value, type, x87 };
}

/** The 80-bit pattern of the positive x87 value `m * 2^e` (m < 2^64). */
function x87Bits(m: bigint, e: number): bigint {
  if (m === 0n) return 0n;
  // Normalise so the explicit integer bit is bit 63, unless that would go below the minimum exponent (subnormal: biased exponent 0).
  const shift = 64 - bitLength(m);
  let biased = e - shift + 63 + 16383;
  let significand = m << BigInt(shift);
  if (biased <= 0) {
    significand = m << BigInt(e - X87.minExp); // 2^-16445 is bit 0 of a subnormal
    biased = 0;
  }
  return (BigInt(biased) << 64n) | significand;
}

function zeroFloat(type: FloatingConstantType): FloatingConstant {
  return { kind: 'floating', value: 0, type, x87: type === 'long double' ? 0n : undefined };
}

function infinite(type: FloatingConstantType, report: LiteralReport): FloatingConstant {
  report(`floating constant exceeds range of '${type}'`, 'warning');
  return { kind: 'floating', value: Infinity, type, x87: type === 'long double' ? 0x7fffn << 64n | 1n << 63n : undefined };
}

function tooSmall(type: FloatingConstantType, report: LiteralReport): FloatingConstant {
  report(`floating constant truncated to zero`, 'warning');
  return zeroFloat(type);
}

/** The encoding a character constant or string literal has, from its prefix. */
export type Encoding = 'char' | 'utf8' | 'wchar' | 'char16' | 'char32';

/** The prefix and the index of the opening quote. */
function encodingOf(spelling: string): { encoding: Encoding; quote: number } {
  const c = spelling.charCodeAt(0);
  if (c === 76) return { encoding: 'wchar', quote: 1 };
  if (c === 85) return { encoding: 'char32', quote: 1 };
  if (c === 117) return spelling.charCodeAt(1) === 56 ? { encoding: 'utf8', quote: 2 } : { encoding: 'char16', quote: 1 };
  return { encoding: 'char', quote: 0 };
}

/** Bits of one code unit of an encoding. */
function unitBits(encoding: Encoding): number {
  return encoding === 'char' || encoding === 'utf8' ? 8 : encoding === 'char16' ? 16 : 32;
}

/**
 * Appends the code units of the body `s[from, to)` of a literal to `out`:
 * escapes decoded, characters encoded per `encoding`.
 */
function decodeBody(s: string, from: number, to: number, encoding: Encoding, out: number[], report: LiteralReport): void {
  const bits = unitBits(encoding);
  const mask = bits === 32 ? 0xffffffff : (1 << bits) - 1;
  for (let i = from; i < to; ) {
    let c = s.charCodeAt(i);
    if (c !== 92) {
      // A source character (a surrogate pair is one code point).
      let cp = c;
      if (c >= 0xd800 && c < 0xdc00 && i + 1 < to) {
        const lo = s.charCodeAt(i + 1);
        if (lo >= 0xdc00 && lo < 0xe000) { cp = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00); i++; }
      }
      i++;
      encodeCodePoint(cp, encoding, out);
      continue;
    }
    i++;
    c = s.charCodeAt(i);
    switch (c) {
      case 39: case 34: case 63: case 92: out.push(c); i++; break; // ' " ? backslash
      case 97: out.push(7); i++; break; // a
      case 98: out.push(8); i++; break; // b
      case 102: out.push(12); i++; break; // f
      case 110: out.push(10); i++; break; // n
      case 114: out.push(13); i++; break; // r
      case 116: out.push(9); i++; break; // t
      case 118: out.push(11); i++; break; // v
      case 101: case 69: out.push(27); i++; break; // e E (GNU)
      case 120: { // x
        i++;
        let v = 0n;
        const start = i;
        while (i < to && isHex(s.charCodeAt(i))) v = v * 16n + BigInt(parseInt(s[i++]!, 16));
        if (i === start) {
          report('\\x used with no following hex digits', 'error');
          break;
        }
        if (v > BigInt(mask)) report('hex escape sequence out of range', 'warning');
        out.push(Number(v & BigInt(mask)));
        break;
      }
      case 117: case 85: { // u U
        const n = c === 117 ? 4 : 8;
        i++;
        let cp = 0;
        let k = 0;
        for (; k < n && i < to && isHex(s.charCodeAt(i)); k++, i++) cp = cp * 16 + parseInt(s[i]!, 16);
        if (k < n) {
          report(`incomplete universal character name \\${String.fromCharCode(c)}${s.slice(i - k, i)}`, 'error');
          break;
        }
        if ((cp < 0xa0 && cp !== 0x24 && cp !== 0x40 && cp !== 0x60) || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) {
          report(`\\${String.fromCharCode(c)}${s.slice(i - n, i)} is not a valid universal character`, 'error');
          break;
        }
        encodeCodePoint(cp, encoding, out);
        break;
      }
      default:
        if (c >= 48 && c <= 55) {
          let v = 0;
          for (let k = 0; k < 3 && i < to && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 55; k++) v = v * 8 + s.charCodeAt(i++) - 48;
          if (v > mask) report('octal escape sequence out of range', 'warning');
          out.push(v & mask);
        } else if (i >= to) {
          report('missing character after backslash', 'error');
        } else {
          report(`unknown escape sequence: '\\${s[i]}'`, 'warning');
          encodeCodePoint(c, encoding, out);
          i++;
        }
    }
  }
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || ((c | 0x20) >= 97 && (c | 0x20) <= 102);
}

/** Appends code point `cp` in `encoding`'s code units. */
function encodeCodePoint(cp: number, encoding: Encoding, out: number[]): void {
  switch (encoding) {
    case 'char': case 'utf8':
      if (cp < 0x80) out.push(cp);
      else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 63));
      else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
      else out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
      break;
    case 'char16':
      if (cp < 0x10000) out.push(cp);
      else out.push(0xd800 + ((cp - 0x10000) >> 10), 0xdc00 + ((cp - 0x10000) & 0x3ff));
      break;
    case 'wchar': case 'char32':
      out.push(cp);
      break;
  }
}

/** The C type of a character constant, by prefix. */
export type CharConstantType = 'int' | 'wchar_t' | 'char16_t' | 'char32_t' | 'unsigned char';

/** A decoded character constant. */
export interface CharConstant {
  /** The value as the constant's type holds it (`'\xff'` is -1, `u'\xffff'` 65535). */
  readonly value: number;
  /** `int` (no prefix), `wchar_t` (L, a 32-bit int), `char16_t` (u), `char32_t` (U), `unsigned char` (u8). */
  readonly type: CharConstantType;
}

/** Decodes a character constant token (`'a'`, `L'\0'`, `u'x'`, `U'x'`, `u8'x'`). */
export function decodeChar(spelling: string, report: LiteralReport): CharConstant {
  const { encoding, quote } = encodingOf(spelling);
  const units: number[] = [];
  decodeBody(spelling, quote + 1, spelling.length - 1, encoding, units, report);
  if (units.length === 0) {
    report('empty character constant', 'error');
    return { value: 0, type: charType(encoding) };
  }
  switch (encoding) {
    case 'char': {
      if (units.length === 1) return { value: (units[0]! << 24) >> 24, type: 'int' };
      if (units.length > 4) report('character constant too long for its type', 'warning');
      else report('multi-character character constant', 'warning');
      let v = 0;
      for (const u of units) v = ((v << 8) | u) | 0;
      return { value: v, type: 'int' };
    }
    case 'utf8':
      if (units.length > 1) report('character not encodable in a single code unit', 'error');
      return { value: units[0]!, type: 'unsigned char' };
    case 'char16':
    case 'wchar':
    case 'char32': {
      if (units.length > 1) report(encoding === 'char16' && units.length === 2 && units[0]! >= 0xd800 && units[0]! < 0xdc00 ? 'character not encodable in a single code unit' : 'character constant too long for its type', 'warning');
      const last = units[units.length - 1]!;
      return { value: encoding === 'wchar' ? last | 0 : last >>> 0, type: charType(encoding) };
    }
  }
}

function charType(encoding: Encoding): CharConstantType {
  return encoding === 'char' ? 'int' : encoding === 'utf8' ? 'unsigned char' : encoding === 'wchar' ? 'wchar_t' : encoding === 'char16' ? 'char16_t' : 'char32_t';
}

/** A decoded string literal (after concatenation). */
export interface StringLiteral {
  /** The encoding of the whole literal: `char` (no prefix), `utf8` (u8), `wchar` (L), `char16` (u), `char32` (U). */
  readonly encoding: Encoding;
  /** Bytes per element: 1 (`char`), 2 (`char16_t`), 4 (`wchar_t`, `char32_t`). */
  readonly elementSize: 1 | 2 | 4;
  /** The array's elements, unsigned code units, ending with the terminating 0 (so `units.length` is the array length). */
  readonly units: number[];
}

/**
 * Decodes adjacent string literal tokens into one literal. `report` receives the
 * index of the token a problem is in (0 for the first).
 */
export function decodeStrings(spellings: readonly string[], report: (message: string, severity: 'error' | 'warning', index: number) => void): StringLiteral {
  let encoding: Encoding = 'char';
  let conflict = -1;
  for (let k = 0; k < spellings.length; k++) {
    const e = encodingOf(spellings[k]!).encoding;
    if (e === 'char') continue;
    if (encoding === 'char') encoding = e;
    else if (e !== encoding && conflict < 0) conflict = k;
  }
  if (conflict >= 0) report('unsupported non-standard concatenation of string literals', 'error', conflict);
  const units: number[] = [];
  for (let k = 0; k < spellings.length; k++) {
    const s = spellings[k]!;
    const { quote } = encodingOf(s);
    decodeBody(s, quote + 1, s.length - 1, encoding, units, (m, sev) => report(m, sev, k));
  }
  units.push(0);
  const bits = unitBits(encoding);
  return { encoding, elementSize: (bits / 8) as 1 | 2 | 4, units };
}
