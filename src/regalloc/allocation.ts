/**
 * The register allocator's contract, both directions: its input (`RegallocInput`:
 * the target's registers and one flat operand table per function, with an
 * `OperandKind` per operand) and its output (`Allocation`): what the allocator
 * produces, what the emitter implements and what the independent checker
 * (checker.ts) proves. Architecture-neutral. Every regalloc module and every
 * target imports these types from here, so no allocator module imports another
 * for a type.
 *
 * Numbering:
 *  - instruction i is the i-th of the target's flat stream (blocks in layout order);
 *  - its register operands are numbered k = 0, 1, ... in the order the shared
 *    operand table (`RegallocInput.opStart` / `opReg` / `opKind`) lists them;
 *  - a *location* is a physical register p (0 .. numPregs-1) or a spill slot
 *    `SPILL_BASE + s` (8 bytes each, s = 0 .. spillSlots-1);
 *  - edge e = `edgeStart[b] + k` is the edge from block b to its k-th successor
 *    (`RegallocInput.blocks[b].succs[k]`).
 *
 * Semantics, in execution order:
 *  1. Gap moves keyed i run just before instruction i, as ONE parallel move
 *     (every source is read before any destination is written).
 *  2. Instruction i runs with operand k at location `opLoc[opStart[i] + k]`:
 *     a physical register, or a spill slot only for instructions the target
 *     says can take one (`RegallocInput.acceptsSpillSlot`; copies such as Mov and ParallelMove: a block-argument
 *     move with more values than registers must be able to use slots). A preg
 *     operand is at itself.
 *     A UseDef operand is read and written in that one register. Def operands
 *     are written after all inputs are read; EarlyDef and Temp operands are
 *     written before the inputs are read, so they must not share a register
 *     with a Use/UseDef operand. A Temp's value is garbage afterwards.
 *  3. When control leaves block b for successor k (after all of b's
 *     instructions), the edge moves keyed `edgeStart[b] + k` run as ONE
 *     parallel move, before the successor's first gap moves. (The emitter
 *     places them at the end of b when b has one successor, at the start of
 *     the successor when it has one predecessor, or in an edge stub.)
 *
 * Each move names the register id (vreg, or preg for a fixed value) whose value
 * it carries: the checker verifies that the source holds exactly that value.
 */

/** How an instruction uses one register operand. */
export const enum OperandKind {
  /** Read at the use position. */
  Use = 0,
  /** Written at the def position (after all inputs are read). */
  Def = 1,
  /** Read and written (two-address "tied" operand: the output reuses the input register). */
  UseDef = 2,
  /** Written before inputs are read; never shares a register with an input. Must be in a register. */
  EarlyDef = 3,
  /** Scratch register for the instruction (early def, live to the end). Must be in a register. */
  Temp = 4,
}

/** A linear block of the instruction stream. */
export interface RegallocBlock {
  /** First instruction index. */
  readonly first: number;
  /** Number of instructions. */
  readonly count: number;
  /** Successor block indices. */
  readonly succs: readonly number[];
}

/** What the allocator needs to know about a target and a function: its registers and one flat operand table. */
export interface RegallocInput {
  /** Physical registers are 0 .. numPregs-1. */
  readonly numPregs: number;
  /** Register class of each preg. */
  readonly pregClass: ArrayLike<number>;
  /** Allocatable pregs per class, in preference order (caller-saved first). */
  readonly allocatable: readonly (readonly number[])[];
  /** Number of register ids in use (pregs + vregs). */
  readonly regCount: number;
  /** Register class of each register id (vregs included). */
  readonly regClass: ArrayLike<number>;
  /** Blocks in layout order, covering instructions 0 .. instCount-1 in order. */
  readonly blocks: readonly RegallocBlock[];
  /** Number of instructions. */
  readonly instCount: number;
  /**
   * The register operands of every instruction, in one table: instruction i's are
   * `opReg[k]` (preg or vreg) with `opKind[k]` (an OperandKind) for k in
   * [opStart[i], opStart[i + 1]); opStart has instCount + 1 entries. The allocator
   * reads them during the call only; allocation.ts numbers operands by this order.
   */
  readonly opStart: Int32Array;
  /** Register of each operand (see `opStart`). */
  readonly opReg: Int32Array;
  /** OperandKind of each operand (see `opStart`). */
  readonly opKind: Int32Array;
  /** True if instruction `inst` may have spill-slot operands (copies); such operands never need a register. */
  acceptsSpillSlot(inst: number): boolean;
  /** True if a value in preg p survives calls (the allocator prefers other registers for short values). */
  isCalleeSaved(p: number): boolean;
}

/** The operands of every instruction, as the allocator gathered them. */
export interface GatheredOperands {
  /** Instruction i's operands are [opStart[i], opStart[i + 1]). */
  readonly opStart: Int32Array;
  readonly opReg: Int32Array;
  readonly opKind: Int32Array;
}

/** Location value base for spill slots: `SPILL_BASE + slot`. */
export const SPILL_BASE = 1 << 16;

/** True if a location is a spill slot. */
export function isSpill(loc: number): boolean {
  return loc >= SPILL_BASE;
}

/**
 * Moves sorted by key (ascending; order within a key is irrelevant: each key's
 * moves form one parallel move). Entries 0 .. count-1 are valid.
 */
export interface MoveList {
  readonly count: number;
  /** Gap moves: instruction index. Edge moves: edge index. */
  readonly key: Int32Array;
  /** Source location. */
  readonly from: Int32Array;
  /** Destination location. */
  readonly to: Int32Array;
  /** Register id whose value the move carries. */
  readonly reg: Int32Array;
}

/** The allocator's result. */
export interface Allocation {
  /** Operands of instruction i are `opLoc[opStart[i] .. opStart[i + 1])`; length instCount + 1. */
  readonly opStart: Int32Array;
  /** Location of each operand (see 2. above). */
  readonly opLoc: Int32Array;
  /** Moves before instructions (key = instruction index). */
  readonly gapMoves: MoveList;
  /** Moves on CFG edges (key = edge index). */
  readonly edgeMoves: MoveList;
  /** First edge index of block b; length blocks + 1. */
  readonly edgeStart: Int32Array;
  /** Number of spill slots. */
  readonly spillSlots: number;
  /** 1 for every preg that holds a value somewhere (the emitter saves the callee-saved ones). */
  readonly usedPregs: Uint8Array;
}

/** Index of the first move with `key >= k` (binary search); `list.count` if none. */
export function firstMove(list: MoveList, k: number): number {
  let lo = 0, hi = list.count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list.key[mid]! < k) lo = mid + 1; else hi = mid;
  }
  return lo;
}

/** For keys 0 .. n: the index of the first move with that key or more (n + 1 entries; key k's moves are [at[k], at[k + 1])). */
export function moveStarts(list: MoveList, n: number): Int32Array {
  const at = new Int32Array(n + 1);
  for (let m = 0, k = 0; k <= n; k++) { while (m < list.count && list.key[m]! < k) m++; at[k] = m; }
  return at;
}

/** `list` without the moves marked in `drop`. */
export function withoutMoves(list: MoveList, drop: Uint8Array): MoveList {
  let n = 0;
  for (let m = 0; m < list.count; m++) if (drop[m] === 0) n++;
  if (n === list.count) return list;
  const words = new Int32Array(4 * n);
  const out = { count: n, key: words.subarray(0, n), from: words.subarray(n, 2 * n), to: words.subarray(2 * n, 3 * n), reg: words.subarray(3 * n) };
  for (let m = 0, j = 0; m < list.count; m++) {
    if (drop[m] !== 0) continue;
    out.key[j] = list.key[m]!; out.from[j] = list.from[m]!; out.to[j] = list.to[m]!; out.reg[j] = list.reg[m]!;
    j++;
  }
  return out;
}
