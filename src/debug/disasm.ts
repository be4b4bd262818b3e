/**
 * Disassembly of machine code for debugging, through the iced-x86 decoder
 * (WebAssembly), loaded lazily on first use so that normal runs never pay for it.
 */

type Iced = typeof import('iced-x86');
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
  const { Decoder, DecoderOptions, Formatter, FormatterSyntax, MemorySizeOptions } = await loadIced();
  const address = BigInt(options.address ?? 0);
  const decoder = new Decoder(64, bytes, DecoderOptions.None);
  decoder.ip = address;
  const formatter = new Formatter(FormatterSyntax.Intel);
  formatter.digitSeparator = '';
  formatter.firstOperandCharIndex = 0;
  formatter.memorySizeOptions = MemorySizeOptions.Always;
  formatter.spaceAfterOperandSeparator = true;
  const lines: string[] = [];
  try {
    while (decoder.canDecode) {
      const instr = decoder.decode();
      const off = Number(instr.ip - address);
      const hex = Array.from(bytes.subarray(off, off + instr.length), (x) => x.toString(16).padStart(2, '0')).join(' ');
      lines.push(`${instr.ip.toString(16).padStart(16, '0')}  ${hex.padEnd(30)} ${formatter.format(instr)}`);
      instr.free();
    }
  } finally {
    formatter.free();
    decoder.free();
  }
  return lines;
}
