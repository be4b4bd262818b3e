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
 * chain of dead moves goes at once). Moves carry register ids, and the values
 * they carry are only ever read through explicit operands and moves (a Ret
 * lists its result registers, a call its argument registers), so explicit
 * reads are all the reads there are. The checker (checker.ts) proves the
 * result like any other allocation.
 */
import { SPILL_BASE, moveStarts, withoutMoves, type Allocation, type MoveList } from './allocation.js';
import { OperandKind, type RegallocTarget } from './linear-scan.js';
import type { GatheredOperands } from './redundant-stores.js';

/** Drops dead gap and edge moves from `alloc`; returns the allocation to use. */
export function removeDeadMoves(t: RegallocTarget, alloc: Allocation, ops: GatheredOperands): Allocation {
  const gaps = alloc.gapMoves, edges = alloc.edgeMoves;
  if (gaps.count + edges.count === 0) return alloc;
  const np = t.numPregs, nl = np + alloc.spillSlots, nb = t.blocks.length;
  const index = (loc: number): number => (loc >= SPILL_BASE ? np + loc - SPILL_BASE : loc);
  const liveIn = new Uint8Array(nb * nl);
  const live = new Uint8Array(nl), acc = new Uint8Array(nl);
  const gapAt = moveStarts(gaps, t.instCount), edgeAt = moveStarts(edges, alloc.edgeStart[nb]!);
  const dropGap = new Uint8Array(gaps.count), dropEdge = new Uint8Array(edges.count);
  const readers: number[] = [];

  /** One parallel move, backwards: destinations die; the sources of live destinations become live. */
  const moves = (list: MoveList, lo: number, hi: number, drop: Uint8Array | null): void => {
    let any = false;
    for (let m = lo; m < hi; m++) {
      if (live[index(list.to[m]!)] === 0) { if (drop !== null) drop[m] = 1; continue; }
      any = true;
    }
    if (!any) return;
    // Read the destinations' liveness before killing them (a source may also be a destination).
    let n = 0;
    for (let m = lo; m < hi; m++) if (live[index(list.to[m]!)] !== 0) readers[n++] = index(list.from[m]!);
    for (let m = lo; m < hi; m++) live[index(list.to[m]!)] = 0;
    for (let k = 0; k < n; k++) live[readers[k]!] = 1;
  };
  const edgeMoves = (b: number, final: boolean): void => {
    // live := union over successors of (liveIn[succ] through the edge's moves).
    const succs = t.blocks[b]!.succs;
    acc.fill(0);
    for (let k = 0; k < succs.length; k++) {
      const e = alloc.edgeStart[b]! + k;
      live.set(liveIn.subarray(succs[k]! * nl, (succs[k]! + 1) * nl));
      moves(edges, edgeAt[e]!, edgeAt[e + 1]!, final ? dropEdge : null);
      for (let x = 0; x < nl; x++) acc[x] |= live[x]!;
    }
    live.set(acc);
  };
  const runBlock = (b: number, final: boolean): boolean => {
    edgeMoves(b, final);
    const blk = t.blocks[b]!;
    for (let i = blk.first + blk.count - 1; i >= blk.first; i--) {
      const lo = ops.opStart[i]!, hi = ops.opStart[i + 1]!;
      for (let k = lo; k < hi; k++) {
        const kind = ops.opKind[k]!;
        if (kind !== OperandKind.Use) live[index(alloc.opLoc[k]!)] = 0;
      }
      for (let k = lo; k < hi; k++) {
        const kind = ops.opKind[k]!;
        if (kind === OperandKind.Use || kind === OperandKind.UseDef) live[index(alloc.opLoc[k]!)] = 1;
      }
      moves(gaps, gapAt[i]!, gapAt[i + 1]!, final ? dropGap : null);
    }
    let changed = false;
    const base = b * nl;
    for (let x = 0; x < nl; x++) if (live[x] !== 0 && liveIn[base + x] === 0) { liveIn[base + x] = 1; changed = true; }
    return changed;
  };
  for (let changed = true; changed;) {
    changed = false;
    for (let b = nb - 1; b >= 0; b--) if (runBlock(b, false)) changed = true;
  }
  for (let b = 0; b < nb; b++) runBlock(b, true);
  return { ...alloc, gapMoves: withoutMoves(gaps, dropGap), edgeMoves: withoutMoves(edges, dropEdge) };
}
