/**
 * Scratch space of the x86-64 backend, reused from function to function of one compilation.
 *
 * Lowering, loop rotation, the allocator adapter and emission each need a few
 * per-block or per-value tables while they work on one function; allocating
 * them anew for every function cost more than filling them (a small typed
 * array is about 250 ns to create). A `BackendScratch` owns them: compile()
 * makes one per module, and `lowerFunction` hands it on to the later phases
 * through `MFunction.scratch`. Each table has its own `ScratchSlot`, so phases
 * never share one (the tables are a `ScratchTables`, src/util/columns.ts: valid
 * until the slot is asked for again, possibly longer than asked for).
 * Emission also reuses one assembler (and its buffers) through `assembler()`, and
 * the register allocator its state (`regalloc`).
 */
import { Assembler, Mem, rsp } from '../../asm/x64/index.js';
import { RegisterAllocatorState } from '../../regalloc/linear-scan.js';
import { ScratchTables } from '../../util/columns.js';

/** The tables, one per use. */
export const enum ScratchSlot {
  /** lower: uses of each IR value. */ UseCount,
  /** lower: the (last) instruction using each IR value. */ UserOf,
  /** lower: uses of each IR value that become immediates. */ ImmUses,
  /** lower: `immOperand` memo state per IR instruction. */ ImmState,
  /** lower: `immOperand` memo value per IR instruction. */ ImmValue,
  /** lower: ValueFlag bits per IR value. */ ValueFlags,
  /** lower: machine block of each IR block. */ BlockOf,
  /** lower: IR blocks reached from the entry. */ Reached,
  /** lower: address-mode fixpoint use counts. */ Absorbed,
  /** layout: position of each block in the layout. */ LayoutPos,
  /** layout: the latch of each loop header. */ Latch,
  /** layout: next block in the layout list. */ Next,
  /** layout: previous block in the layout list. */ Prev,
  /** emit: layout position of each block. */ EmitLayout,
  /** emit: predecessor count per layout position. */ Preds,
  /** emit: edge whose moves go at the start of the block at each layout position. */ EntryEdge,
  /** emit: loop head flag per layout position. */ LoopHead,
  /** emit: 1 at each layout position whose block's edge moves go before its final jump. */ EndMoves,
  /** regallocView: layout position of each block. */ ViewIndex,
  /** regallocView: the operand table's row starts (`RegallocTarget.opStart`). */ OpStart,
  /** regallocView: the operand table's registers. */ OpReg,
  /** regallocView: the operand table's kinds. */ OpKind,
  /** regallocView: 1 per instruction that takes spill-slot operands. */ SlotOk,
}

/** Reusable typed arrays of one compilation (see the file comment). */
export class BackendScratch {
  private readonly tables = new ScratchTables();
  /** The register allocator's reusable state. */
  readonly regalloc = new RegisterAllocatorState();
  private asm: Assembler | null;
  /** `memoBig`'s last argument and result. */
  private lastBig: bigint;
  private lastConverted: unknown;
  /** 16 bytes where emission builds each function's header (padding, magic, signature hash). */
  readonly header: Uint8Array;
  /** Emission's reusable memory operands, by size in bytes (1, 2, 4; 8 for the others), index 0..15. */
  readonly mems: readonly Mem[];
  constructor() {
    const m8 = new Mem(8, rsp, null, 1, 0, null);
    this.mems = Array.from({ length: 16 }, (_, k) => (k === 1 || k === 2 || k === 4 ? new Mem(k, rsp, null, 1, 0, null) : m8));
    this.asm = null;
    this.lastBig = 0n;
    this.lastConverted = undefined;
    this.header = new Uint8Array(16);
  }
  /**
   * `convert(v)` memoised for the last `v` asked for: emission's state-address immediate,
   * the same for every function of a module, is converted from its bigint once.
   */
  memoBig<T>(v: bigint, convert: (v: bigint) => T): T {
    if (v !== this.lastBig || this.lastConverted === undefined) {
      this.lastBig = v;
      this.lastConverted = convert(v);
    }
    return this.lastConverted as T;
  }
  /** The table of `slot` with at least `n` entries, the first `n` set to `fill`. */
  int32(slot: ScratchSlot, n: number, fill: number): Int32Array {
    return this.tables.i32(slot, n, fill);
  }
  /** The table of `slot` with at least `n` entries, its contents kept (for a table filled as it grows). */
  int32Kept(slot: ScratchSlot, n: number): Int32Array {
    return this.tables.i32Kept(slot, n);
  }
  /**
   * Drops every table, the assembler and the allocator state: compile() calls this when its
   * functions are done, because compiled functions keep their `MFunction` (and with it this
   * object) for printing, and the tables are as large as the largest function compiled.
   */
  release(): void {
    this.tables.clear();
    this.asm = null;
    this.regalloc.release();
  }
  /** The compilation's assembler, reset (valid until the next call; `finish()` copies the code out). */
  assembler(): Assembler {
    if (this.asm === null) this.asm = new Assembler(1024);
    return this.asm.reset();
  }
}
