/**
 * Decoding of C literal tokens for the parser: integer and floating constants
 * (C11 6.4.4), character constants and string literals (escapes, prefixes).
 *
 * Pipeline position: the parser calls these on `Number`, `Char` and `String`
 * tokens. Errors are returned as messages for the parser to report.
 */
import { CType, T } from './ctypes.js';

/** A decoded numeric constant. */
export type NumberValue =
  | { kind: 'int'; value: bigint; type: CType }
  | { kind: 'float'; value: number; type: CType }
  | { kind: 'error'; message: string };

const INT_MAX = (1n << 31n) - 1n, UINT_MAX = (1n << 32n) - 1n, LONG_MAX = (1n << 63n) - 1n, ULONG_MAX = (1n << 64n) - 1n;

/** Decodes an integer or floating constant's spelling. */
export function decodeNumber(s: string): NumberValue {
  const lower = s.toLowerCase();
  const isHex = lower.startsWith('0x');
  const isFloat = isHex ? /[.p]/.test(lower) : /[.e]/.test(lower) && !lower.startsWith('0b');
  if (isFloat) return decodeFloat(s);
  let i = 0, base = 10;
  if (isHex) { base = 16; i = 2; } else if (lower.startsWith('0b')) { base = 2; i = 2; } else if (lower.startsWith('0')) base = 8;
  let digits = '';
  while (i < s.length && /[0-9a-fA-F]/.test(s[i]!) && !(base !== 16 && /[a-fA-F]/.test(s[i]!))) digits += s[i++];
  const suffix = lower.slice(i);
  const m = /^(u?)(l|ll)?(u?)$/.exec(suffix);
  if (m === null || (m[1] !== '' && m[3] !== '')) return { kind: 'error', message: `invalid suffix "${s.slice(i)}" on integer constant` };
  if (digits === '' && base !== 8) return { kind: 'error', message: `invalid integer constant '${s}'` };
  let value = 0n;
  const b = BigInt(base);
  for (const c of digits) {
    const d = parseInt(c, 16);
    if (d >= base) return { kind: 'error', message: `invalid digit "${c}" in ${base === 8 ? 'octal' : 'binary'} constant` };
    value = value * b + BigInt(d);
  }
  const unsigned = m[1] !== '' || m[3] !== '';
  const longness = m[2] === undefined ? 0 : m[2] === 'l' ? 1 : 2;
  const decimal = base === 10;
  // C11 6.4.4.1p5: the first type of the list that can represent the value.
  const candidates: [CType, bigint][] = [];
  if (!unsigned && longness === 0) candidates.push([T.int, INT_MAX]);
  if ((unsigned || !decimal) && longness === 0) candidates.push([T.uint, UINT_MAX]);
  if (!unsigned && longness <= 1) candidates.push([T.long, LONG_MAX]);
  if ((unsigned || !decimal) && longness <= 1) candidates.push([T.ulong, ULONG_MAX]);
  if (!unsigned) candidates.push([longness === 2 ? T.llong : T.long, LONG_MAX]);
  candidates.push([longness === 2 ? T.ullong : T.ulong, ULONG_MAX]);
  for (const [t, max] of candidates) if (value <= max) return { kind: 'int', value, type: t };
  return { kind: 'error', message: 'integer constant is too large for its type' };
}

function decodeFloat(s: string): NumberValue {
  let body = s;
  let type = T.double;
  const last = s[s.length - 1]!.toLowerCase();
  if (last === 'f') { type = T.float; body = s.slice(0, -1); } else if (last === 'l') { type = T.ldouble; body = s.slice(0, -1); }
  let value: number;
  if (/^0[xX]/.test(body)) {
    const m = /^0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?\d+)$/.exec(body);
    if (m === null) return { kind: 'error', message: `invalid floating constant '${s}'` };
    const intPart = m[1] ?? '', frac = m[2] ?? '';
    let mant = 0n;
    for (const c of intPart + frac) mant = mant * 16n + BigInt(parseInt(c, 16));
    const exp = Number(m[3]) - 4 * frac.length;
    value = hexToDouble(mant, exp);
  } else {
    if (!/^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(body)) return { kind: 'error', message: `invalid floating constant '${s}'` };
    value = Number(body);
  }
  if (type === T.float) value = Math.fround(value);
  return { kind: 'float', value, type };
}

/** mant * 2^exp correctly rounded to a double. */
function hexToDouble(mant: bigint, exp: number): number {
  if (mant === 0n) return 0;
  // Normalise to 64 significant bits plus a sticky bit so one rounding step is exact.
  let bits = mant.toString(2).length;
  while (bits > 64) {
    const sticky = mant & 1n;
    mant = (mant >> 1n) | sticky;
    exp++;
    bits--;
  }
  // Number(mant) rounds to nearest even on 53 bits; scaling by powers of two is exact unless subnormal.
  let x = Number(mant);
  if (exp > 0) { while (exp > 0) { const s = Math.min(exp, 1000); x *= 2 ** s; exp -= s; } }
  else { while (exp < 0) { const s = Math.max(exp, -1000); x *= 2 ** s; exp -= s; } }
  return x;
}

/** A decoded character constant or string literal. */
export interface TextValue {
  /** Code units (bytes for plain/u8, UTF-16 units for u, code points for L/U). */
  readonly units: number[];
  /** Size in bytes of one unit: 1, 2 or 4. */
  readonly unitSize: number;
  /** Error message, if any. */
  readonly error?: string;
}

function prefixSize(prefix: string): number {
  return prefix === 'L' || prefix === 'U' ? 4 : prefix === 'u' ? 2 : 1;
}

function pushCodePoint(out: number[], cp: number, unitSize: number): void {
  if (unitSize === 4) { out.push(cp); return; }
  if (unitSize === 2) {
    if (cp >= 0x10000) { cp -= 0x10000; out.push(0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff)); } else out.push(cp);
    return;
  }
  if (cp < 0x80) out.push(cp);
  else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 63));
  else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
  else out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
}

/** Decodes the body of a char constant or string literal (between the quotes) into code units. */
function decodeBody(body: string, unitSize: number): TextValue {
  const out: number[] = [];
  let error: string | undefined;
  const maxUnit = unitSize === 4 ? 0xffffffff : unitSize === 2 ? 0xffff : 0xff;
  for (let i = 0; i < body.length;) {
    const c = body.codePointAt(i)!;
    if (c !== 0x5c) { pushCodePoint(out, c, unitSize); i += c >= 0x10000 ? 2 : 1; continue; }
    const e = body[i + 1] ?? '';
    i += 2;
    switch (e) {
      case 'n': out.push(10); break;
      case 't': out.push(9); break;
      case 'r': out.push(13); break;
      case 'a': out.push(7); break;
      case 'b': out.push(8); break;
      case 'f': out.push(12); break;
      case 'v': out.push(11); break;
      case 'e': case 'E': out.push(27); break;
      case '\\': case '\'': case '"': case '?': out.push(e.charCodeAt(0)); break;
      case 'x': {
        let v = 0n, n = 0;
        while (i < body.length && /[0-9a-fA-F]/.test(body[i]!)) { v = v * 16n + BigInt(parseInt(body[i]!, 16)); i++; n++; }
        if (n === 0) error ??= '\\x used with no following hex digits';
        if (v > BigInt(maxUnit)) error ??= 'hex escape sequence out of range';
        out.push(Number(v & BigInt(maxUnit)));
        break;
      }
      case 'u': case 'U': {
        const n = e === 'u' ? 4 : 8;
        const hex = body.slice(i, i + n);
        if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== n) { error ??= `incomplete universal character name`; break; }
        i += n;
        pushCodePoint(out, parseInt(hex, 16), unitSize);
        break;
      }
      default:
        if (e >= '0' && e <= '7') {
          let v = e.charCodeAt(0) - 48, n = 1;
          while (n < 3 && i < body.length && body[i]! >= '0' && body[i]! <= '7') { v = v * 8 + body.charCodeAt(i) - 48; i++; n++; }
          if (v > maxUnit) error ??= 'octal escape sequence out of range';
          out.push(v & maxUnit);
        } else {
          error ??= `unknown escape sequence '\\${e}'`;
          out.push(e.charCodeAt(0));
        }
    }
  }
  return { units: out, unitSize, error };
}

/** Decodes a string literal token's spelling (`"..."`, `L"..."`, `u8"..."`, ...), without the terminator. */
export function decodeString(spelling: string): TextValue & { prefix: string } {
  const q = spelling.indexOf('"');
  const prefix = spelling.slice(0, q);
  return { ...decodeBody(spelling.slice(q + 1, -1), prefixSize(prefix)), prefix };
}

/** Decodes a character constant: its value (as int, or the prefix's type) and type. */
export function decodeChar(spelling: string): { value: bigint; type: CType; error?: string } {
  const q = spelling.indexOf('\'');
  const prefix = spelling.slice(0, q);
  const size = prefixSize(prefix);
  const d = decodeBody(spelling.slice(q + 1, -1), size);
  if (d.units.length === 0) return { value: 0n, type: T.int, error: 'empty character constant' };
  if (prefix === '' ) {
    // Plain char constants have type int; a single char is sign-extended from char (signed on x86-64).
    if (d.units.length === 1) return { value: BigInt(((d.units[0]! << 24) >> 24)), type: T.int, error: d.error };
    let v = 0;
    for (const u of d.units) v = ((v << 8) | (u & 255)) >>> 0;
    return { value: BigInt(v | 0), type: T.int, error: d.error };
  }
  const type = prefix === 'L' ? T.int : prefix === 'u' ? T.ushort : prefix === 'U' ? T.uint : T.uchar;
  return { value: BigInt(d.units[d.units.length - 1]!), type, error: d.error };
}
