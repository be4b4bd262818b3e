/**
 * The x86-64 target's share of a compilation's scratch space (src/codegen/scratch.ts): its
 * table slots, numbered after the neutral ones, and its reusable emission state (one
 * assembler and its buffers, the memory operands), kept in `BackendScratch.targetState`.
 */
import { Assembler, Mem, rsp } from '../../asm/x64/index.js';
import { ScratchSlot, type BackendScratch } from '../scratch.js';

/** The x86-64 lowering's and emitter's tables, one per use. */
export const enum X64Slot {
  /** lower: uses of each IR value. */ UseCount = ScratchSlot.FirstTarget,
  /** lower: the (last) instruction using each IR value. */ UserOf,
  /** lower: uses of each IR value that become immediates. */ ImmUses,
  /** lower: `immOperand` memo state per IR instruction. */ ImmState,
  /** lower: `immOperand` memo value per IR instruction. */ ImmValue,
  /** lower: ValueFlag bits per IR value. */ ValueFlags,
  /** lower: machine block of each IR block. */ BlockOf,
  /** lower: IR blocks reached from the entry. */ Reached,
  /** lower: address-mode fixpoint use counts. */ Absorbed,
  /** emit: layout position of each block. */ EmitLayout,
  /** emit: predecessor count per layout position. */ Preds,
  /** emit: edge whose moves go at the start of the block at each layout position. */ EntryEdge,
  /** emit: loop head flag per layout position. */ LoopHead,
  /** emit: 1 at each layout position whose block's edge moves go before its final jump. */ EndMoves,
}

/** Reusable emission state of one compilation. */
export class X64State {
  private asm: Assembler | null;
  /** Emission's reusable memory operands, by size in bytes (1, 2, 4; 8 for the others), index 0..15. */
  readonly mems: readonly Mem[];
  constructor() {
    const m8 = new Mem(8, rsp, null, 1, 0, null);
    this.mems = Array.from({ length: 16 }, (_, k) => (k === 1 || k === 2 || k === 4 ? new Mem(k, rsp, null, 1, 0, null) : m8));
    this.asm = null;
  }
  /** The compilation's assembler, reset (valid until the next call; `finish()` copies the code out). */
  assembler(): Assembler {
    if (this.asm === null) this.asm = new Assembler(1024);
    return this.asm.reset();
  }
}

const makeState = (): X64State => new X64State();

/** The x86-64 state of `scratch`'s compilation. */
export function x64State(scratch: BackendScratch): X64State {
  return scratch.targetState(makeState);
}
