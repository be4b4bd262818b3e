/**
 * The x86-64 target (System V AMD64): the `Target` (src/codegen/target.ts) that ties the
 * x86-64 lowering, emitter, glue and call thunks to the neutral backend.
 *
 *   lowerFunction    lower.ts        IR -> MInst with `MOp` opcodes (minst.ts)
 *   emitFunction     emit.ts         allocated MInsts -> bytes (src/asm/x64)
 *   emitModuleGlue   entry.ts        entry trampolines, trap handler, import stubs
 *   entryThunk       entry-thunk.ts  the runtime's native call thunk
 *   callbackThunk    callback-thunk.ts  a JS callback's C function pointer
 *   registers        registers.ts    16 GPRs + 16 xmm
 *   callingConvention sysv.ts        the one System V table
 *   loadDisassembler  src/debug/x64/decode.ts  iced-x86, loaded on demand
 */
import { Assembler } from '../../asm/x64/index.js';
import type { LinkRelocation, LinkUnit } from '../../runtime/link.js';
import type { MInst } from '../minst.js';
import type { Target } from '../target.js';
import { emitFunction } from './emit.js';
import { emitImportStub, emitTrampoline, emitTrapHandler } from './entry.js';
import { emitCallbackThunk } from './callback-thunk.js';
import { emitEntryThunk } from './entry-thunk.js';
import { lowerFunction } from './lower.js';
import { MOp, printMInst } from './minst.js';
import { X64_REGISTERS } from './registers.js';
import { x64State } from './scratch.js';
import { SYSV, planCall } from './sysv.js';

/** True for the copies whose operands the emitter can read or write in a spill slot. */
export function acceptsSpillSlot(inst: MInst): boolean {
  const op = inst.op;
  return op === MOp.Mov || op === MOp.ParallelMove || op === MOp.LoadArg || op === MOp.StoreArg;
}

/** The x86-64 System V target. */
export const X64_TARGET: Target = {
  name: 'x86-64',
  arch: 'x64',
  registers: X64_REGISTERS,
  callingConvention: SYSV,
  relocationKinds: ['abs64', 'rel32'],
  lowerFunction,
  acceptsSpillSlot,
  emitFunction,
  printInst: printMInst,
  emitModuleGlue(glue, scratch): LinkUnit[] {
    // The glue is assembled in one session on the compilation's assembler and finished once; each
    // piece, from its mark to the next, becomes a unit whose bytes are a view of the finished code
    // (link copies them). Each piece's code is the same as assembled alone: nothing in it depends
    // on where it starts.
    const a = x64State(scratch).assembler();
    const symbols: string[] = [], entries: number[] = [], marks: number[] = [];
    const piece = (symbol: string): void => {
      symbols.push(symbol);
      marks.push(a.mark());
    };
    for (const t of glue.trampolines) {
      piece(t.symbol);
      entries.push(0);
      emitTrampoline(a, t.params, t.results, t.target, glue.stateAddress, glue.stackBudget);
    }
    piece(glue.trapSymbol);
    entries.push(0);
    emitTrapHandler(a, glue.stateAddress);
    for (const s of glue.importStubs) {
      piece(s.symbol);
      entries.push(emitImportStub(a, s.signatureHash, s.target));
    }
    const endMark = a.mark();
    const code = a.finish();
    const units: LinkUnit[] = [];
    for (let k = 0; k < symbols.length; k++) {
      const start = code.markOffset(marks[k]!), end = code.markOffset(k + 1 < marks.length ? marks[k + 1]! : endMark);
      const own: LinkRelocation[] = [];
      for (const x of code.relocations) {
        if (x.offset >= start && x.offset < end) own.push({ kind: x.kind, offset: x.offset - start, symbol: x.symbol, addend: x.addend });
      }
      units.push({ symbol: symbols[k]!, bytes: code.bytes.subarray(start, end), entry: entries[k]!, relocations: own });
    }
    return units;
  },
  entryThunk(sig, options): Uint8Array {
    const a = new Assembler();
    emitEntryThunk(a, sig, planCall(sig), options);
    return a.finish().bytes;
  },
  callbackThunk(sig, record, dispatch, frameSlots): Uint8Array {
    const a = new Assembler();
    emitCallbackThunk(a, sig, planCall(sig), record, dispatch, frameSlots);
    return a.finish().bytes;
  },
  async loadDisassembler() {
    // Imported on demand: the decoder (iced-x86, WebAssembly) is never loaded by normal runs.
    const { loadX64Disassembler } = await import('../../debug/x64/decode.js');
    return loadX64Disassembler();
  },
};
