/**
 * The text of a disassembly listing line, the same for every target:
 * `0000000000001000  48 01 f8                       add rax, rdi` (address, bytes, instruction).
 */
import type { DecodedInstruction } from '../codegen/target.js';

/** One listing line of a decoded instruction: 16 hex digits of address, the bytes, the instruction text. */
export function listingLine(d: DecodedInstruction): string {
  return `${d.address.toString(16).padStart(16, '0')}  ${d.hex.padEnd(30)} ${d.text}`;
}
