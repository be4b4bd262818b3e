/**
 * Disassembly of machine code for debugging, through the iced-x86 decoder
 * (WebAssembly), loaded lazily on first use so that normal runs never pay for it.
 * The public entry point `jitkit/debug`; the decoding itself is decode.ts.
 */
import { decodeWith, type Iced } from './decode.js';

let iced: Promise<Iced> | null = null;

/** Loads iced-x86 once. */
export function loadIced(): Promise<Iced> {
  if (iced === null) iced = import('iced-x86');
  return iced;
}

/** Options for `disassemble`. */
export interface DisassembleOptions {
  /** Address of the first byte (default 0). */
  address?: bigint | number;
}

/**
 * Decodes `bytes` as 64-bit code and returns one Intel-syntax line per instruction:
 * `0000000000001000  48 01 f8               add rax,rdi`.
 */
export async function disassemble(bytes: Uint8Array, options: DisassembleOptions = {}): Promise<string[]> {
  return decodeWith(await loadIced(), bytes, options.address ?? 0).map((l) => `${l.address.toString(16).padStart(16, '0')}  ${l.hex.padEnd(30)} ${l.text}`);
}
