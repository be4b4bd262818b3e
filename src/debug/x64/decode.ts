/**
 * The x86-64 target's disassembler: decoding machine code into Intel-syntax instructions
 * with iced-x86 (WebAssembly, loaded lazily on first use so that normal runs never pay for
 * it). What `disassemble` (src/debug/disasm.ts, the public `jitkit/debug`) prints, what
 * `CompiledModule.disassemble` and `test compile` filetests (src/codegen/filetest-compiler.ts)
 * get through `Target.loadDisassembler`.
 */
import type { DecodedInstruction, Disassembler } from '../../codegen/target.js';

/** The iced-x86 module. */
export type Iced = typeof import('iced-x86');

/** The iced-x86 module, loading once (per-process cache). */
let iced: Promise<Iced> | null = null;

/** Loads iced-x86 once. */
export function loadIced(): Promise<Iced> {
  if (iced === null) iced = import('iced-x86');
  return iced;
}

/** The x86-64 disassembler (`Target.loadDisassembler` of the x86-64 target). */
export async function loadX64Disassembler(): Promise<Disassembler> {
  const icedModule = await loadIced();
  return { decode: (bytes, address) => decodeWith(icedModule, bytes, address) };
}

/** Decodes `bytes` as 64-bit code at `address` with an iced-x86 module already loaded (`loadIced`). */
export function decodeWith(icedModule: Iced, bytes: Uint8Array, address: bigint | number = 0): DecodedInstruction[] {
  const { Decoder, DecoderOptions, Formatter, FormatterSyntax, MemorySizeOptions, OpKind } = icedModule;
  const start = BigInt(address);
  const decoder = new Decoder(64, bytes, DecoderOptions.None);
  decoder.ip = start;
  const formatter = new Formatter(FormatterSyntax.Intel);
  formatter.digitSeparator = '';
  formatter.firstOperandCharIndex = 0;
  formatter.memorySizeOptions = MemorySizeOptions.Always;
  formatter.spaceAfterOperandSeparator = true;
  formatter.branchLeadingZeros = false;
  const out: DecodedInstruction[] = [];
  try {
    while (decoder.canDecode) {
      const instr = decoder.decode();
      const off = Number(instr.ip - start);
      const hex = Array.from(bytes.subarray(off, off + instr.length), (x) => x.toString(16).padStart(2, '0')).join(' ');
      let text = formatter.format(instr);
      // iced-x86 1.21's JS formatter prints some 64-bit immediates wrongly (`mov r11, 0` for
      // 7F0000000000h): rebuild the text of such instructions with the immediate formatted here.
      const operands = formatter.operandCount(instr);
      for (let k = 0; k < operands; k++) {
        if (instr.opKind(k) !== OpKind.Immediate64) continue;
        const parts: string[] = [];
        for (let j = 0; j < operands; j++) parts.push(j === k ? icedNumber(instr.immediate64) : formatter.formatOperand(instr, j));
        text = `${formatter.formatMnemonic(instr)} ${parts.join(', ')}`;
        break;
      }
      out.push({ address: instr.ip, length: instr.length, hex, text });
      instr.free();
    }
  } finally {
    formatter.free();
    decoder.free();
  }
  return out;
}

/** An unsigned number as iced-x86 formats it: 0..9 in decimal, else uppercase hex with an `h` suffix (and a leading 0 before a letter). */
function icedNumber(v: bigint): string {
  if (v <= 9n) return String(v);
  const hex = v.toString(16).toUpperCase();
  return `${/^[A-F]/.test(hex) ? '0' : ''}${hex}h`;
}
