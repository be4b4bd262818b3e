/**
 * Linear-scan register allocation with interval splitting (after Wimmer &
 * Franz, "Optimized Interval Splitting in a Linear Scan Register Allocator").
 * Architecture-neutral: the target describes its registers as numbers and
 * lists every instruction's register operands in one flat table
 * (`RegallocInput.opStart` / `opReg` / `opKind`, compressed-row style), which
 * the passes below loop over directly (no call per operand).
 * The output is the contract of allocation.ts.
 *
 * Pipeline position: after lowering (machine instructions on virtual
 * registers), before emission.
 *
 *   liveness      live-in lists per block: upward-exposed uses spread backwards
 *                 through predecessors to the writing blocks (sparse, output-sensitive)
 *   loops         dominators -> back edges (to a dominator) -> natural loops -> loop depth per block
 *                 (on demand: only splitting and spilling look at depths)
 *   intervals     per vreg: sorted ranges with holes, use positions (needs a
 *                 register or not), a hint from copies; per preg: fixed ranges
 *   scan          intervals by start: take a register free for the whole
 *                 interval (the hint first, caller-saved before callee-saved),
 *                 else one free for a prefix (split the rest off), else evict the
 *                 register whose next use is furthest (split and spill it); spill
 *                 and reload points move to block boundaries of the lowest loop depth
 *   resolution    operand locations; gap moves where a split child continues a
 *                 value inside a block; edge moves where a value's location at
 *                 the end of a block differs from the one at the start of its successor
 *   stores        spill stores into a slot that already holds the value are
 *                 dropped (redundant-stores.ts), then moves nothing reads (dead-moves.ts)
 *
 * Terms:
 *  - *position*: instruction i has the gap 4i (moves before it), the use
 *    position 4i+1 (inputs read; early defs and temps written) and the def
 *    position 4i+2 (outputs written). Ranges are half-open [from, to).
 *  - *preg*: physical register, numbers 0 .. numPregs-1; a *vreg* is any larger number.
 *  - *child*: a piece of a vreg's interval after splitting; each child has one
 *    location (register or the vreg's spill slot). Values live across a split
 *    are only split at gap positions, so every operand has one location.
 *  - *spill slot*: one 8-byte slot per vreg that is ever spilled.
 *
 * Files, one per phase, over one tables object (`RegallocTables`, tables.ts, with a
 * sub-object per phase, as MIR's gen_ctx):
 *   allocation.ts        the contract: input (`RegallocInput`, `OperandKind`) and output (`Allocation`)
 *   liveness.ts          operand gathering, predecessors, live-in lists
 *   loop-depth.ts        loop depth per block (the shared analyses of src/analysis)
 *   intervals.ts         ranges, uses and copy hints per register id
 *   pieces.ts            the piece table (intervals and their split children)
 *   scan.ts              the linear scan: free, prefix or blocked allocation, splitting, spilling
 *   resolve.ts           operand locations, gap and edge moves (result-storage.ts: arena, move lists)
 *   redundant-stores.ts, dead-moves.ts   the clean-up after resolution
 *
 * Storage: one `RegallocTables` (in `RegisterAllocatorState`, one per compilation)
 * serves every call, its tables typed arrays that grow on demand and are reused
 * (pieces, ranges and lists are numbers indexing them, struct-of-arrays); results
 * are views of its arena (result-storage.ts). A call never re-enters (the target only
 * supplies tables), so sharing is safe.
 */
import { removeDeadMoves } from './dead-moves.js';
import { removeRedundantStores } from './redundant-stores.js';
import type { Allocation, RegallocInput } from './allocation.js';
import { buildIntervals } from './intervals.js';
import { computeLiveIns, computePredecessors, gatherOperands } from './liveness.js';
import { ensureLoopDepths } from './loop-depth.js';
import { RegallocTables } from './tables.js';
import { allocateLocal, LocalAllocatorState } from './local.js';

/**
 * The allocator's state, to be reused by every function of one compilation: its
 * tables grow to the largest function and are then only refilled, and its results
 * come from a shared arena. Allocation is synchronous and never re-entered (the
 * target only supplies tables), so one instance serves call after call.
 */
export class RegisterAllocatorState {
  private current: RegallocTables | null = null;
  private localMade: LocalAllocatorState | null = null;
  /** @internal The tables, made on first use. */
  get tables(): RegallocTables {
    return (this.current ??= new RegallocTables());
  }
  /** The local allocator's state, for functions whose live-in sets pass `liveInBudget` (made on first use). */
  get local(): LocalAllocatorState {
    return (this.localMade ??= new LocalAllocatorState());
  }
  /** Drops the tables (a compilation calls this when done, so that what it returns does not keep them alive). */
  release(): void {
    this.current = null;
    this.localMade = null;
  }
}

/**
 * Live-in list entries (blocks x values live into them, summed) beyond which `allocateRegisters`
 * hands a function to the local allocator (src/regalloc/local.ts): intervals, the scan and the
 * edge moves cost as much as these lists, so the budget keeps compile time linear in the
 * function's size. Ordinary code has 1-2 entries per machine instruction (the kernels 1.4-1.7,
 * bench/kernels/large.ts 1.0); a function where an eighth of all values live to its end
 * (bench/kernels/large-live.ts) has 17 at 13k instructions and 46 at 32k, growing with its size.
 */
export function liveInBudget(instCount: number): number {
  return 8 * instCount + 65536;
}

/**
 * Allocates registers for every vreg of `input`. Pass the compilation's `state`
 * (src/codegen/scratch.ts owns one); without it the call builds its tables anew.
 */
export function allocateRegisters(input: RegallocInput, state: RegisterAllocatorState = new RegisterAllocatorState()): Allocation {
  const x = state.tables;
  x.reset(input);
  gatherOperands(x);
  computePredecessors(x);
  if (!computeLiveIns(x, liveInBudget(input.instCount))) {
    // Values live across this many blocks would make the rest cost blocks x values: allocate
    // by the baseline tier's block-local convention instead (slower code, linear time).
    x.detach();
    return allocateLocal(input, state.local);
  }
  buildIntervals(x);
  x.scan.run();
  const resolved = x.resolution.resolve();
  const stored = removeRedundantStores(input, resolved, x, x.spillSlotOf);
  // Dead moves are what dropped stores leave behind (the reloads that fed them): only look then.
  const result = stored === resolved ? resolved : removeDeadMoves(input, stored, x);
  x.detach();
  return result;
}

/**
 * The operand table of a hand-built input (tests, tools): `insts[i]` lists instruction i's
 * operands, each `[register, OperandKind, ...]` (further entries are ignored).
 */
export function operandTable(insts: readonly (readonly (readonly number[])[])[]): Pick<RegallocInput, 'opStart' | 'opReg' | 'opKind'> {
  let n = 0;
  for (const ops of insts) n += ops.length;
  const opStart = new Int32Array(insts.length + 1), opReg = new Int32Array(n), opKind = new Int32Array(n);
  let at = 0;
  insts.forEach((ops, i) => {
    opStart[i] = at;
    for (const o of ops) { opReg[at] = o[0]!; opKind[at++] = o[1]!; }
  });
  opStart[insts.length] = at;
  return { opStart, opReg, opKind };
}

/** Loop depth of each block of `input` (the number of natural loops it is in), as the allocator weighs and places code by it. */
export function loopDepths(input: RegallocInput): Int32Array {
  const x = new RegallocTables();
  x.reset(input);
  computePredecessors(x);
  ensureLoopDepths(x);
  x.detach();
  return x.loops.loopDepth.slice(0, input.blocks.length);
}
