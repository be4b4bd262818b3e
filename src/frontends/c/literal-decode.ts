/**
 * Decoding of C literal tokens for the parser: integer and floating constants
 * (C11 6.4.4), character constants and string literals (escapes, prefixes).
 *
 * Pipeline position: the parser calls these on `Number`, `Char` and `String`
 * tokens. Errors are returned as messages for the parser to report. The
 * decoding itself is literals.ts (shared with `#if`); this module gives its
 * results the parser's C types.
 */
import { CType, T } from './ctypes.js';
import * as lit from './literals.js';

/** A decoded numeric constant. */
export type NumberValue =
  | { kind: 'int'; value: bigint; type: CType }
  | { kind: 'float'; value: number; type: CType; x87: bigint | undefined }
  | { kind: 'error'; message: string };

const INTEGER_TYPES: Record<lit.IntegerConstantType, CType> = {
  'int': T.int, 'unsigned int': T.uint, 'long': T.long, 'unsigned long': T.ulong, 'long long': T.llong, 'unsigned long long': T.ullong,
};
const FLOATING_TYPES: Record<lit.FloatingConstantType, CType> = { 'float': T.float, 'double': T.double, 'long double': T.ldouble };

/** Decodes an integer or floating constant's spelling (warnings such as gcc's "so large that it is unsigned" are dropped). */
export function decodeNumber(s: string): NumberValue {
  let message: string | undefined;
  const n = lit.decodeNumber(s, (m, severity) => {
    if (severity === 'error') message ??= m;
  });
  if (message !== undefined) return { kind: 'error', message };
  return n.kind === 'integer' ? { kind: 'int', value: n.value, type: INTEGER_TYPES[n.type] } : { kind: 'float', value: n.value, type: FLOATING_TYPES[n.type], x87: n.x87 };
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

/** Decodes a string literal token's spelling (`"..."`, `L"..."`, `u8"..."`, ...), without the terminator. */
export function decodeString(spelling: string): TextValue & { prefix: string } {
  let error: string | undefined;
  const d = lit.decodeStrings([spelling], (m, severity) => {
    if (severity === 'error') error ??= m;
  });
  return { units: d.units.slice(0, -1), unitSize: d.elementSize, error, prefix: spelling.slice(0, spelling.indexOf('"')) };
}

const CHAR_TYPES: Record<lit.CharConstantType, CType> = { 'int': T.int, 'wchar_t': T.int, 'char16_t': T.ushort, 'char32_t': T.uint, 'unsigned char': T.uchar };

/** Decodes a character constant: its value (as int, or the prefix's type) and type. */
export function decodeChar(spelling: string): { value: bigint; type: CType; error?: string } {
  let error: string | undefined;
  const c = lit.decodeChar(spelling, (m, severity) => {
    if (severity === 'error') error ??= m;
  });
  return error === undefined ? { value: BigInt(c.value), type: CHAR_TYPES[c.type] } : { value: BigInt(c.value), type: CHAR_TYPES[c.type], error };
}
