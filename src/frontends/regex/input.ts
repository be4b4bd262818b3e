/**
 * Strings to native buffers for the native scan (native-scan.ts): an ASCII string becomes
 * one byte per unit (Latin-1 write), any other string two bytes per unit (UTF-16LE write).
 * The last converted string is remembered, so the searches of an exec loop over one input
 * convert it once; the buffer is reused (grown when needed) for the next string.
 */

/** A string in native memory. */
export interface NativeInput {
  /** The string it holds. */
  readonly str: string;
  /** Its units (valid until the next conversion of a different string). */
  readonly bytes: Uint8Array;
  /** True for 16-bit units. */
  readonly wide: boolean;
}

/** Per-process cache: the reused buffer and the string it holds. */
let buffer: Buffer = Buffer.allocUnsafe(0);
let current: NativeInput | undefined;

/** The native form of `s`, converting only if `s` is not the string converted last. */
export function nativeInput(s: string): NativeInput {
  if (current !== undefined && current.str === s) return current;
  const wide = Buffer.byteLength(s, 'utf8') !== s.length;
  const size = wide ? 2 * s.length : s.length;
  if (buffer.length < size + 16) buffer = Buffer.allocUnsafe(Math.max(size + 16, 2 * buffer.length));
  buffer.write(s, 0, size, wide ? 'utf16le' : 'latin1');
  current = { str: s, bytes: buffer, wide };
  return current;
}
