/**
 * Scratch space of the backend, reused from function to function of one compilation.
 *
 * Lowering, loop rotation, the allocator adapter and emission each need a few
 * per-block or per-value tables while they work on one function; allocating
 * them anew for every function cost more than filling them (a small typed
 * array is about 250 ns to create). A `BackendScratch` owns them: compile()
 * makes one per module, and the target's lowering hands it on to the later
 * phases through `MFunction.scratch`. Each table has its own slot, so phases
 * never share one (the tables are a `ScratchTables`, src/util/columns.ts: valid
 * until the slot is asked for again, possibly longer than asked for). The
 * neutral phases use the `ScratchSlot`s below; a target numbers its own slots
 * from `ScratchSlot.FirstTarget` on (x86-64: `X64Slot` in x64/scratch-slots.ts).
 * The target keeps its other reusable state (its assembler, operand objects) in
 * `targetState`, and the register allocator its state in `regalloc`.
 */
import { RegisterAllocatorState } from '../regalloc/linear-scan.js';
import { LocalAllocatorState } from '../regalloc/local.js';
import { ScratchTables } from '../util/columns.js';

/** The neutral phases' tables, one per use; targets number theirs from `FirstTarget` on. */
export const enum ScratchSlot {
  /** layout: position of each block in the layout. */ LayoutPos,
  /** layout: the latch of each loop header. */ Latch,
  /** layout: next block in the layout list. */ Next,
  /** layout: previous block in the layout list. */ Prev,
  /** regallocView: layout position of each block. */ ViewIndex,
  /** regallocView: the operand table's row starts (`RegallocInput.opStart`). */ OpStart,
  /** regallocView: the operand table's registers. */ OpReg,
  /** regallocView: the operand table's kinds. */ OpKind,
  /** regallocView: 1 per instruction that takes spill-slot operands. */ SlotOk,
  /** The first slot a target may use for its own tables. */ FirstTarget,
}

/** Reusable typed arrays and state of one compilation (see the file comment). */
export class BackendScratch {
  private readonly tables = new ScratchTables();
  /** The register allocator's reusable state. */
  readonly regalloc = new RegisterAllocatorState();
  /** The baseline tier's (local) register allocator's reusable state, made on first use. */
  private localMade: LocalAllocatorState | null = null;
  /** The local allocator's state (src/regalloc/local.ts), made on first use. */
  get localRegalloc(): LocalAllocatorState {
    return (this.localMade ??= new LocalAllocatorState());
  }
  /** The target's reusable state (made by `targetStateMaker`), or null before its first use. */
  private targetStateMade: object | null;
  private targetStateMaker: (() => object) | null;
  /** `memoBig`'s last argument and result. */
  private lastBig: bigint;
  private lastConverted: unknown;
  /** 16 bytes where emission builds each function's header (padding, magic, signature hash). */
  readonly header: Uint8Array;
  constructor() {
    this.targetStateMade = null;
    this.targetStateMaker = null;
    this.lastBig = 0n;
    this.lastConverted = undefined;
    this.header = new Uint8Array(16);
  }
  /**
   * The target's reusable state for this compilation (e.g. its assembler), made by `make` on first
   * use and kept until `release`. A compilation has one target, so one `make` per scratch.
   */
  targetState<T extends object>(make: () => T): T {
    if (this.targetStateMaker !== make) {
      if (this.targetStateMaker !== null) throw new Error('BackendScratch: used by two targets');
      this.targetStateMaker = make;
    }
    return (this.targetStateMade ??= make()) as T;
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
  /** The table of `slot` (a `ScratchSlot` or a target's slot) with at least `n` entries, the first `n` set to `fill`. */
  int32(slot: number, n: number, fill: number): Int32Array {
    return this.tables.i32(slot, n, fill);
  }
  /** The table of `slot` with at least `n` entries, its contents kept (for a table filled as it grows). */
  int32Kept(slot: number, n: number): Int32Array {
    return this.tables.i32Kept(slot, n);
  }
  /**
   * Drops every table, the target's state and the allocator state: compile() calls this when its
   * functions are done, because compiled functions keep their `MFunction` (and with it this
   * object) for printing, and the tables are as large as the largest function compiled.
   */
  release(): void {
    this.tables.clear();
    this.targetStateMade = null;
    this.regalloc.release();
    this.localMade = null;
  }
}
