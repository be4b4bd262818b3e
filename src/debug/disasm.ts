/**
 * Disassembly of x86-64 machine code for debugging (what `src/asm/x64` assembles), through the
 * iced-x86 decoder (WebAssembly), loaded lazily on first use so that normal runs never pay for
 * it. The public entry point `jitkit/debug`; the decoding itself is the x86-64 target's
 * disassembler (x64/decode.ts). Compiled modules disassemble through their target
 * (`CompiledModule.disassemble`, `Target.loadDisassembler`).
 */
import { listingLine } from './listing.js';
import { decodeWith, loadIced } from './x64/decode.js';

export { loadIced };

/** Options for `disassemble`. */
export interface DisassembleOptions {
  /** Address of the first byte (default 0). */
  address?: bigint | number;
}

/**
 * Decodes `bytes` as 64-bit x86 code and returns one Intel-syntax line per instruction:
 * `0000000000001000  48 01 f8                       add rax, rdi`.
 */
export async function disassemble(bytes: Uint8Array, options: DisassembleOptions = {}): Promise<string[]> {
  return decodeWith(await loadIced(), bytes, options.address ?? 0).map(listingLine);
}
