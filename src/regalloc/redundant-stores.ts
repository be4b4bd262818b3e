/**
 * Removing redundant spill stores from an allocation (allocation.ts contract).
 *
 * Pipeline position: the last step of `allocateRegisters`, after resolution.
 *
 * The splitting allocator stores a value to its spill slot each time a piece
 * of it is evicted from a register, so a value that is defined once, spilled
 * before a loop and reloaded inside it is stored again on every iteration.
 * Each spilled register id has a slot of its own (`slotOf`), so a slot's
 * state is one bit: does it hold the *current* value of its register id?
 *
 *   a move into the slot carrying its register id    -> holds (a store)
 *   a def of the register id elsewhere               -> stale (new value)
 *   a def of the register id into the slot itself    -> holds (a copy into a slot)
 *
 * A forward must-analysis (AND over predecessors, iterated to the greatest
 * fixed point) gives the bit at every gap and edge; a store whose slot already
 * holds the value is dropped. Dropping a move from a parallel move changes
 * nothing else in it: the slot's value is the same either way. The checker
 * (checker.ts) proves the result like any other allocation.
 */
import { SPILL_BASE, moveStarts, withoutMoves, type Allocation, type MoveList } from './allocation.js';
import { OperandKind, type RegallocTarget } from './linear-scan.js';

/** The operands of every instruction, as the allocator gathered them. */
export interface GatheredOperands {
  /** Instruction i's operands are [opStart[i], opStart[i + 1]). */
  readonly opStart: Int32Array;
  readonly opReg: Int32Array;
  readonly opKind: Int32Array;
}

/** Drops redundant stores from `alloc`'s gap and edge moves; returns the allocation to use. */
export function removeRedundantStores(t: RegallocTarget, alloc: Allocation, ops: GatheredOperands, slotOf: Int32Array): Allocation {
  const slots = alloc.spillSlots;
  if (slots === 0) return alloc;
  const nb = t.blocks.length;
  const gaps = alloc.gapMoves, edges = alloc.edgeMoves;
  let stores = 0;
  for (let m = 0; m < gaps.count; m++) if (gaps.to[m]! >= SPILL_BASE) stores++;
  for (let m = 0; m < edges.count; m++) if (edges.to[m]! >= SPILL_BASE) stores++;
  if (stores === 0) return alloc;

  // Per block: the bits at entry (1 = holds). Unvisited blocks start at "all hold" (top).
  const inState = new Uint8Array(nb * slots).fill(1);
  inState.fill(0, 0, slots); // entry: nothing stored yet
  const state = new Uint8Array(slots);
  const dropGap = new Uint8Array(gaps.count), dropEdge = new Uint8Array(edges.count);
  // Gap moves by instruction (the list is sorted by key).
  const gapAt = moveStarts(gaps, t.instCount);
  const edgeAt = moveStarts(edges, alloc.edgeStart[nb]!);

  /** Applies moves [from, to) of `list` to `state`; marks the redundant ones when `drop` is given. */
  const applyMoves = (list: MoveList, lo: number, hi: number, drop: Uint8Array | null): void => {
    for (let m = lo; m < hi; m++) {
      const to = list.to[m]!;
      if (to < SPILL_BASE) continue;
      const s = to - SPILL_BASE;
      if (slotOf[list.reg[m]!] !== s) continue; // not this slot's own value (defensive: slots are per register id)
      if (state[s] !== 0 && drop !== null) drop[m] = 1;
      state[s] = 1;
    }
  };
  const runBlock = (b: number, final: boolean): void => {
    state.set(inState.subarray(b * slots, (b + 1) * slots));
    const blk = t.blocks[b]!;
    for (let i = blk.first; i < blk.first + blk.count; i++) {
      applyMoves(gaps, gapAt[i]!, gapAt[i + 1]!, final ? dropGap : null);
      for (let k = ops.opStart[i]!; k < ops.opStart[i + 1]!; k++) {
        const kind = ops.opKind[k]!;
        if (kind === OperandKind.Use || kind === OperandKind.Temp) continue;
        const r = ops.opReg[k]!;
        const s = r < slotOf.length ? slotOf[r]! : -1;
        if (s < 0) continue;
        state[s] = alloc.opLoc[k] === SPILL_BASE + s ? 1 : 0;
      }
    }
  };
  const out = new Uint8Array(slots);
  /** Runs block b, then each out-edge's moves; `atEdge` sees the state on entry to that successor. */
  const visit = (b: number, final: boolean, atEdge: ((succ: number) => void) | null): void => {
    runBlock(b, final);
    out.set(state);
    const succs = t.blocks[b]!.succs;
    for (let k = 0; k < succs.length; k++) {
      const e = alloc.edgeStart[b]! + k;
      state.set(out);
      applyMoves(edges, edgeAt[e]!, edgeAt[e + 1]!, final ? dropEdge : null);
      atEdge?.(succs[k]!);
    }
  };
  let changed = true;
  const meet = (succ: number): void => {
    const base = succ * slots;
    for (let x = 0; x < slots; x++) {
      if (inState[base + x] !== 0 && state[x] === 0) { inState[base + x] = 0; changed = true; }
    }
  };
  while (changed) {
    changed = false;
    for (let b = 0; b < nb; b++) visit(b, false, meet);
  }
  // Final pass: mark the redundant stores with the fixed-point states.
  for (let b = 0; b < nb; b++) visit(b, true, null);
  const gapMoves = withoutMoves(gaps, dropGap), edgeMoves = withoutMoves(edges, dropEdge);
  return gapMoves === gaps && edgeMoves === edges ? alloc : { ...alloc, gapMoves, edgeMoves };
}
