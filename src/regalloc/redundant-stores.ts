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
 * fixed point by sweeps over the blocks whose entry changed) gives the bit at
 * every gap and edge; a store whose slot already holds the value is dropped. Dropping a move from a parallel move changes
 * nothing else in it: the slot's value is the same either way. The checker
 * (checker.ts) proves the result like any other allocation.
 *
 * Each visit of a block marks its stores redundant or not afresh. A block is
 * visited again whenever its entry bits change, so its last visit saw the fixed
 * point: the marks left when the sweeps stop are final (no extra pass).
 */
import { OperandKind, SPILL_BASE, moveStarts, withoutMoves, type Allocation, type GatheredOperands, type MoveList, type RegallocInput } from './allocation.js';

/** Drops redundant stores from `alloc`'s gap and edge moves; returns the allocation to use. */
export function removeRedundantStores(t: RegallocInput, alloc: Allocation, ops: GatheredOperands, slotOf: Int32Array): Allocation {
  const slots = alloc.spillSlots;
  if (slots === 0) return alloc;
  const nb = t.blocks.length;
  const gaps = alloc.gapMoves, edges = alloc.edgeMoves;
  let stores = 0;
  for (let m = 0; m < gaps.count; m++) if (gaps.to[m]! >= SPILL_BASE) stores++;
  for (let m = 0; m < edges.count; m++) if (edges.to[m]! >= SPILL_BASE) stores++;
  if (stores === 0) return alloc;

  // Per block: the bits at entry (1 = holds), `words` 32-bit words per block, slot s at bit
  // s & 31 of word s >> 5. Unvisited blocks start at "all hold" (top).
  const words = (slots + 31) >> 5;
  const inState = new Int32Array(nb * words).fill(-1);
  inState.fill(0, 0, words); // entry: nothing stored yet
  const state = new Int32Array(words), out = new Int32Array(words);
  const dropGap = new Uint8Array(gaps.count), dropEdge = new Uint8Array(edges.count);
  // Gap moves by instruction (the list is sorted by key).
  const gapAt = moveStarts(gaps, t.instCount);
  const edgeAt = moveStarts(edges, alloc.edgeStart[nb]!);
  const opStart = ops.opStart, opKind = ops.opKind, opReg = ops.opReg, opLoc = alloc.opLoc;
  // The greatest fixed point (the meet is AND, every block starts at top) by sweeps in
  // layout order, each running only the blocks marked dirty (entry bits changed; all at
  // first); see the file comment for the marks.
  const dirty = new Uint8Array(nb).fill(1);
  let pending = nb;
  /** Runs block b and its out-edges from its entry bits, marking its redundant stores; meets into the successors. */
  const visit = (b: number): void => {
    for (let x = 0; x < words; x++) state[x] = inState[b * words + x]!; // (a subarray per block costs more)
    const blk = t.blocks[b]!;
    for (let i = blk.first; i < blk.first + blk.count; i++) {
      applyMoves(gaps, gapAt[i]!, gapAt[i + 1]!, slotOf, state, dropGap);
      for (let k = opStart[i]!; k < opStart[i + 1]!; k++) {
        const kind = opKind[k]!;
        if (kind === OperandKind.Use || kind === OperandKind.Temp) continue;
        const r = opReg[k]!;
        const s = r < slotOf.length ? slotOf[r]! : -1;
        if (s < 0) continue;
        if (opLoc[k] === SPILL_BASE + s) state[s >> 5] |= 1 << (s & 31);
        else state[s >> 5] &= ~(1 << (s & 31));
      }
    }
    // Each out-edge: the edge's moves, then (while iterating) the meet into the successor. The
    // block's exit bits are kept in `out` only for a second edge (most blocks have one).
    const succs = blk.succs;
    if (succs.length > 1) for (let x = 0; x < words; x++) out[x] = state[x]!;
    for (let k = 0; k < succs.length; k++) {
      const e = alloc.edgeStart[b]! + k;
      if (k > 0) for (let x = 0; x < words; x++) state[x] = out[x]!;
      applyMoves(edges, edgeAt[e]!, edgeAt[e + 1]!, slotOf, state, dropEdge);
      const succ = succs[k]!, base = succ * words;
      let changed = false;
      for (let x = 0; x < words; x++) {
        const met = inState[base + x]! & state[x]!;
        if (met !== inState[base + x]) { inState[base + x] = met; changed = true; }
      }
      if (changed && dirty[succ] === 0) { dirty[succ] = 1; pending++; }
    }
  };
  while (pending > 0) {
    for (let b = 0; b < nb; b++) {
      if (dirty[b] === 0) continue;
      dirty[b] = 0; pending--;
      visit(b);
    }
  }
  const gapMoves = withoutMoves(gaps, dropGap), edgeMoves = withoutMoves(edges, dropEdge);
  return gapMoves === gaps && edgeMoves === edges ? alloc : { ...alloc, gapMoves, edgeMoves };
}

/** Applies moves [lo, hi) of `list` to the slot bits `state`; sets drop[m] to 1 for the redundant stores, 0 for the other stores. */
function applyMoves(list: MoveList, lo: number, hi: number, slotOf: Int32Array, state: Int32Array, drop: Uint8Array): void {
  for (let m = lo; m < hi; m++) {
    const to = list.to[m]!;
    if (to < SPILL_BASE) continue;
    const s = to - SPILL_BASE;
    if (slotOf[list.reg[m]!] !== s) continue; // not this slot's own value (defensive: slots are per register id)
    const bit = 1 << (s & 31);
    drop[m] = (state[s >> 5]! & bit) !== 0 ? 1 : 0;
    state[s >> 5] |= bit;
  }
}
