/**
 * Removing dead moves from an allocation (allocation.ts contract).
 *
 * Pipeline position: the last step of `allocateRegisters`, after
 * redundant-stores.ts, and only when that pass dropped a store (dropped
 * stores are what leave the reloads that fed them with no reader).
 *
 * A gap or edge move is dead when its destination is written again, or never
 * read, before anything reads it. Liveness here is per *location* (register or
 * spill slot), backwards to a fixed point: an operand that reads (Use, UseDef)
 * makes its location live, one that writes (Def, UseDef, EarlyDef, Temp) kills
 * it, and a move makes its source live only if its destination is live (so a
 * chain of dead moves goes at once); sweeps over the blocks whose successors
 * changed reach the fixed point. Moves carry register ids, and the values
 * they carry are only ever read through explicit operands and moves (a Ret
 * lists its result registers, a call its argument registers), so explicit
 * reads are all the reads there are. The checker (checker.ts) proves the
 * result like any other allocation.
 *
 * Each run of a block marks its moves dead or alive afresh. A block runs again
 * whenever a successor's live-in grows, so its last run saw the fixed point:
 * the marks left when the sweeps stop are final (no extra pass).
 */
import { OperandKind, SPILL_BASE, moveStarts, withoutMoves, type Allocation, type GatheredOperands, type MoveList, type RegallocInput } from './allocation.js';

/** Drops dead gap and edge moves from `alloc`; returns the allocation to use. */
export function removeDeadMoves(t: RegallocInput, alloc: Allocation, ops: GatheredOperands): Allocation {
  const gaps = alloc.gapMoves, edges = alloc.edgeMoves;
  if (gaps.count + edges.count === 0) return alloc;
  const np = t.numPregs, nl = np + alloc.spillSlots, nb = t.blocks.length;
  // Location sets as bitsets of `words` 32-bit words (location x at bit x & 31 of word x >> 5).
  const words = (nl + 31) >> 5;
  const liveIn = new Int32Array(nb * words);
  const live = new Int32Array(words), acc = new Int32Array(words);
  const gapAt = moveStarts(gaps, t.instCount), edgeAt = moveStarts(edges, alloc.edgeStart[nb]!);
  const dropGap = new Uint8Array(gaps.count), dropEdge = new Uint8Array(edges.count);
  const readers = new Int32Array(Math.max(gaps.count, edges.count));
  const opStart = ops.opStart, opKind = ops.opKind, opLoc = alloc.opLoc;

  /** Block b backwards from its successors' live-in; returns true if its live-in grew. */
  const runBlock = (b: number): boolean => {
    // live := union over successors of (liveIn[succ] through the edge's moves).
    const succs = t.blocks[b]!.succs;
    if (succs.length === 1) {
      // One successor (most blocks): no union to form, so `live` is the edge's result itself.
      const e = alloc.edgeStart[b]!, base = succs[0]! * words;
      for (let x = 0; x < words; x++) live[x] = liveIn[base + x]!;
      moves(edges, edgeAt[e]!, edgeAt[e + 1]!, np, live, readers, dropEdge);
    } else {
      acc.fill(0);
      for (let k = 0; k < succs.length; k++) {
        const e = alloc.edgeStart[b]! + k;
        const base = succs[k]! * words;
        for (let x = 0; x < words; x++) live[x] = liveIn[base + x]!; // (a subarray per edge costs more)
        moves(edges, edgeAt[e]!, edgeAt[e + 1]!, np, live, readers, dropEdge);
        for (let x = 0; x < words; x++) acc[x] |= live[x]!;
      }
      for (let x = 0; x < words; x++) live[x] = acc[x]!;
    }
    const blk = t.blocks[b]!;
    for (let i = blk.first + blk.count - 1; i >= blk.first; i--) {
      const lo = opStart[i]!, hi = opStart[i + 1]!;
      for (let k = lo; k < hi; k++) {
        if (opKind[k] === OperandKind.Use) continue;
        const x = index(opLoc[k]!, np);
        live[x >> 5] &= ~(1 << (x & 31));
      }
      for (let k = lo; k < hi; k++) {
        const kind = opKind[k]!;
        if (kind !== OperandKind.Use && kind !== OperandKind.UseDef) continue;
        const x = index(opLoc[k]!, np);
        live[x >> 5] |= 1 << (x & 31);
      }
      moves(gaps, gapAt[i]!, gapAt[i + 1]!, np, live, readers, dropGap);
    }
    let changed = false;
    const base = b * words;
    for (let x = 0; x < words; x++) {
      const grownIn = liveIn[base + x]! | live[x]!;
      if (grownIn !== liveIn[base + x]) { liveIn[base + x] = grownIn; changed = true; }
    }
    return changed;
  };
  // The least fixed point by sweeps from the last block to the first, each running only the
  // blocks marked dirty (a successor's live-in grew; all at first); see the file comment for the marks.
  const predStart = new Int32Array(nb + 1);
  for (let b = 0; b < nb; b++) for (const s of t.blocks[b]!.succs) predStart[s + 1]!++;
  for (let b = 0; b < nb; b++) predStart[b + 1]! += predStart[b]!;
  const preds = new Int32Array(predStart[nb]!), fill = predStart.slice(0, nb);
  for (let b = 0; b < nb; b++) for (const s of t.blocks[b]!.succs) preds[fill[s]!++] = b;
  const dirty = new Uint8Array(nb).fill(1);
  for (let pending = nb; pending > 0;) {
    for (let b = nb - 1; b >= 0; b--) {
      if (dirty[b] === 0) continue;
      dirty[b] = 0; pending--;
      if (!runBlock(b)) continue;
      for (let k = predStart[b]!; k < predStart[b + 1]!; k++) {
        const p = preds[k]!;
        if (dirty[p] === 0) { dirty[p] = 1; pending++; }
      }
    }
  }
  return { ...alloc, gapMoves: withoutMoves(gaps, dropGap), edgeMoves: withoutMoves(edges, dropEdge) };
}

/** Bit index of a location: pregs first, then spill slots. */
function index(loc: number, np: number): number {
  return loc >= SPILL_BASE ? np + loc - SPILL_BASE : loc;
}

/**
 * One parallel move [lo, hi) of `list`, backwards: destinations die; the sources of live destinations
 * become live. Sets drop[m] to 1 for each move whose destination is dead, 0 for the others.
 */
function moves(list: MoveList, lo: number, hi: number, np: number, live: Int32Array, readers: Int32Array, drop: Uint8Array): void {
  let any = false;
  for (let m = lo; m < hi; m++) {
    const x = index(list.to[m]!, np);
    if ((live[x >> 5]! & (1 << (x & 31))) === 0) { drop[m] = 1; continue; }
    drop[m] = 0;
    any = true;
  }
  if (!any) return;
  // Read the destinations' liveness before killing them (a source may also be a destination).
  let n = 0;
  for (let m = lo; m < hi; m++) {
    const x = index(list.to[m]!, np);
    if ((live[x >> 5]! & (1 << (x & 31))) !== 0) readers[n++] = index(list.from[m]!, np);
  }
  for (let m = lo; m < hi; m++) { const x = index(list.to[m]!, np); live[x >> 5] &= ~(1 << (x & 31)); }
  for (let k = 0; k < n; k++) { const x = readers[k]!; live[x >> 5] |= 1 << (x & 31); }
}
