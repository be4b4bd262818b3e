/**
 * The allocator's tables: the one object every phase of linear-scan.ts works on (as MIR's
 * `gen_ctx`), with a sub-object per phase for what that phase produces or keeps to itself.
 * One instance serves every function of a compilation (`RegisterAllocatorState`): the
 * tables are typed arrays grown on demand and reused, the first ones carved from one slab.
 *
 *   input, operand table        the function (`RegallocInput`), held for one call only
 *   predStart / predBlock       predecessor lists (liveness.ts)
 *   live                        exposed/kill lists and live-in lists (liveness.ts)
 *   loops                       block of each instruction, loop depth of each block (loop-depth.ts)
 *   ranges                      ranges, uses and copy hints per register id (intervals.ts)
 *   pieces                      the pieces being allocated (pieces.ts)
 *   scan                        the linear scan's sets and per-register scratch (scan.ts)
 *   resolution                  pieces by vreg, gap and edge moves, the result arena (resolve.ts)
 *   spillSlotOf, usedPregs      what the scan decided beyond piece locations
 */
import type { RegallocInput } from './allocation.js';
import { NO_INTS, atLeast } from './arrays.js';
import { RangeTables } from './intervals.js';
import { LiveTables } from './liveness.js';
import { LoopTables } from './loop-depth.js';
import { PieceTable } from './pieces.js';
import { ResolutionTables } from './resolve.js';
import { ScanTables } from './scan.js';
import { Slab } from '../util/columns.js';

/** The input the tables hold between calls (so that they keep no function alive). */
const NO_INPUT: RegallocInput = {
  numPregs: 0, pregClass: [], allocatable: [], regCount: 0, regClass: [], blocks: [], instCount: 0,
  opStart: new Int32Array(1), opReg: NO_INTS, opKind: NO_INTS, acceptsSpillSlot(): boolean { return false; }, isCalleeSaved(): boolean { return false; },
};

/** Every table of one allocation (see the file comment). */
export class RegallocTables {
  /** The initial tables, views of one buffer (they are replaced as they grow). */
  private readonly slab = new Slab(36 * 1024);
  /** The function being allocated. */
  input: RegallocInput = NO_INPUT;
  /** Physical registers are 0 .. numPregs-1. */
  numPregs = 0;
  /** Number of blocks. */
  blockCount = 0;
  /**
   * The input's operand table (liveness, intervals and resolution all read it): instruction i
   * has opReg/opKind[opStart[i] .. opStart[i + 1]); opCount operands in all.
   */
  opStart: Int32Array = NO_INTS;
  opReg: Int32Array = NO_INTS;
  opKind: Int32Array = NO_INTS;
  opCount = 0;
  /** Predecessors of block b: predBlock[predStart[b] .. predStart[b + 1]), in ascending block order. */
  predStart = this.slab.i32(16);
  predBlock = this.slab.i32(16);
  /** Per-block marks and a work stack, for one phase at a time (liveness, then the loop phase). */
  blockMarks = this.slab.i32(16);
  blockMarks2 = this.slab.i32(16);
  worklist = this.slab.i32(64);
  /** Per-register-id marks, for one phase at a time (gathering, then resolution). */
  regMarks = this.slab.i32(64);
  regMarks2 = this.slab.i32(64);
  /** Spill slot per register id, or -1; slots in use. */
  spillSlotOf = this.slab.i32(64);
  spillSlotCount = 0;
  /** 1 for every preg that holds a value. */
  usedPregs = this.slab.u8(0);
  readonly live = new LiveTables(this.slab);
  readonly loops = new LoopTables(this.slab);
  readonly ranges = new RangeTables(this.slab);
  readonly pieces = new PieceTable(this.slab);
  readonly scan = new ScanTables(this.slab, this);
  readonly resolution = new ResolutionTables(this.slab, this);

  /** Starts allocating `input`: sizes the tables and clears what the phases expect cleared. */
  reset(input: RegallocInput): void {
    this.input = input;
    const np = input.numPregs, rc = input.regCount, n = input.instCount, nb = input.blocks.length;
    this.numPregs = np;
    this.blockCount = nb;
    this.loops.reset(n, nb);
    this.predStart = atLeast(this.predStart, nb + 1);
    this.blockMarks = atLeast(this.blockMarks, nb);
    this.blockMarks2 = atLeast(this.blockMarks2, nb);
    this.spillSlotOf = atLeast(this.spillSlotOf, rc).fill(-1, 0, rc);
    this.spillSlotCount = 0;
    this.regMarks = atLeast(this.regMarks, rc);
    this.regMarks2 = atLeast(this.regMarks2, rc);
    this.ranges.reset(rc);
    this.pieces.reset(rc);
    this.scan.reset(input);
    this.resolution.reset(rc);
    this.opStart = input.opStart;
    this.opReg = input.opReg;
    this.opKind = input.opKind;
    if (this.usedPregs.length < np) this.usedPregs = new Uint8Array(np);
    this.usedPregs.fill(0, 0, np);
    this.opCount = n > 0 ? input.opStart[n]! : 0;
  }

  /** Lets go of the input and its tables (kept only for the duration of a call). */
  detach(): void {
    this.input = NO_INPUT;
    this.opStart = this.opReg = this.opKind = NO_INTS;
    this.pieces.unbindRanges();
  }
}
