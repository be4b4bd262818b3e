/**
 * Resolution (linear-scan.ts, after the scan): the allocation the pieces describe, in the
 * contract of allocation.ts. Operand locations come from a cursor per vreg into its pieces
 * in start order; *gap moves* go where a piece continues its predecessor's range inside a
 * block, *edge moves* where a value's location at the end of a block differs from the one
 * at the start of its successor. The result's tables are views of one region of the arena.
 *
 *   vregPieces[vregPieceStart[v] .. vregPieceStart[v + 1])   vreg v's pieces by start
 */
import { OperandKind, type Allocation } from './allocation.js';
import { atLeast } from './arrays.js';
import { ensureLoopDepths } from './loop-depth.js';
import type { PieceTable } from './pieces.js';
import { Arena, MoveBuffer } from './result-storage.js';
import type { RegallocTables } from './tables.js';
import type { Slab } from '../util/columns.js';

/** Resolution's tables and the result storage (see the file comment). */
export class ResolutionTables {
  /** The pieces (`x.pieces`). */
  readonly pieces: PieceTable;
  /** Each vreg's pieces in start order (see the file comment). */
  vregPieceStart: Int32Array<ArrayBuffer>;
  vregPieces: Int32Array<ArrayBuffer>;
  /** Per live-in node (liveness.ts): the value's location at the start of its block. */
  liveInStartLoc: Int32Array<ArrayBuffer>;
  /** The moves found, sorted into the result by `MoveBuffer.finish`. */
  readonly gapMoves = new MoveBuffer();
  readonly edgeMoves = new MoveBuffer();
  /** Where results live. */
  readonly arena = new Arena();

  constructor(slab: Slab, readonly x: RegallocTables) {
    this.pieces = x.pieces;
    this.vregPieceStart = slab.i32(64);
    this.vregPieces = slab.i32(256);
    this.liveInStartLoc = slab.i32(64);
  }

  /** Starts a function with `regCount` register ids. */
  reset(regCount: number): void {
    this.vregPieceStart = atLeast(this.vregPieceStart, regCount + 1);
    this.gapMoves.count = 0;
    this.edgeMoves.count = 0;
  }

  /** The allocation of the scanned pieces: operand locations, gap and edge moves, in the arena. */
  resolve(): Allocation {
    const pieces = this.pieces;
    const input = this.x.input, np = this.x.numPregs, rc = input.regCount, nb = this.x.blockCount, n = input.instCount, pStart = pieces.start, pLoc = pieces.location;
    // Each vreg's pieces in start order (they are allocated in that order but for ties; a
    // stable insertion sort keeps allocation order among equal starts).
    const pieceStart = this.vregPieceStart;
    let total = 0, split = false;
    for (let v = 0; v < rc; v++) { pieceStart[v] = total; total += pieces.pieceCount[v]!; if (pieces.pieceCount[v]! > 1) split = true; }
    pieceStart[rc] = total;
    const list = this.vregPieces = atLeast(this.vregPieces, total);
    if (split) {
      for (let v = np; v < rc; v++) {
        const lo = pieceStart[v]!;
        let at = pieceStart[v + 1]!;
        for (let p = pieces.lastPiece[v]!; p >= 0; p = pieces.previous[p]!) list[--at] = p;
        for (let k = lo + 1; k < pieceStart[v + 1]!; k++) {
          const p = list[k]!, s = pStart[p]!;
          let j = k;
          while (j > lo && pStart[list[j - 1]!]! > s) { list[j] = list[j - 1]!; j--; }
          list[j] = p;
        }
      }
      this.gapMovesOf(list);
      this.edgeMovesOf();
    }
    // The result's tables: views of one region of the arena.
    const gaps = this.gapMoves, edges = this.edgeMoves, nOps = this.x.opCount;
    const ints = n + 1 + nOps + nb + 1 + 4 * (gaps.count + edges.count);
    const arena = this.arena, at = arena.take(ints, np), words = arena.words;
    const opStart = words.subarray(at, at + n + 1), opLoc = words.subarray(at + n + 1, at + n + 1 + nOps);
    const edgeStart = words.subarray(at + n + 1 + nOps, at + n + nOps + nb + 2);
    for (let i = 0; i <= n; i++) opStart[i] = this.x.opStart[i]!;
    const gapMoves = gaps.finish(words, at + n + nOps + nb + 2);
    const edgeMoves = edges.finish(words, at + n + nOps + nb + 2 + 4 * gapMoves.count);
    const usedPregs = arena.bytes.subarray(4 * (at + ints), 4 * (at + ints) + np);
    for (let p = 0; p < np; p++) usedPregs[p] = this.x.usedPregs[p]!;
    let e = 0;
    for (let b = 0; b < nb; b++) { edgeStart[b] = e; e += input.blocks[b]!.succs.length; }
    edgeStart[nb] = e;
    // Operand locations: walk the stream with a cursor per vreg into its pieces.
    const opReg = this.x.opReg, opKind = this.x.opKind, vLast = pieces.lastPiece;
    if (!split) {
      for (let k = 0; k < nOps; k++) { const r = opReg[k]!; opLoc[k] = r < np ? r : pLoc[vLast[r]!]!; }
    } else {
      const cursor = this.x.regMarks.fill(0, 0, rc), gathered = this.x.opStart;
      for (let i = 0; i < n; i++) {
        for (let k = gathered[i]!; k < gathered[i + 1]!; k++) {
          const r = opReg[k]!;
          if (r < np) { opLoc[k] = r; continue; }
          opLoc[k] = this.locationAt(cursor, r, opKind[k] === OperandKind.Def ? 4 * i + 2 : 4 * i + 1);
        }
      }
    }
    return { opStart, opLoc, gapMoves, edgeMoves, edgeStart, spillSlots: this.x.spillSlotCount, usedPregs };
  }

  /**
   * Vreg `v`'s location at `pos`: that of its last piece (by start) starting at or before
   * `pos`, else its first. `cursor[v]` indexes v's pieces and only moves forward, so a
   * series of queries in increasing position costs one walk over the pieces.
   */
  private locationAt(cursor: Int32Array, v: number, pos: number): number {
    const list = this.vregPieces, pStart = this.pieces.start, base = this.vregPieceStart[v]!, last = this.vregPieceStart[v + 1]! - 1;
    let c = base + cursor[v]!;
    while (c < last && pStart[list[c + 1]!]! <= pos) c++;
    cursor[v] = c - base;
    return this.pieces.location[list[c]!]!;
  }

  /** Gap moves: a piece that continues its predecessor's range inside a block (`list`: pieces by vreg, in start order). */
  gapMovesOf(list: Int32Array): void {
    const pieces = this.pieces;
    const input = this.x.input, np = this.x.numPregs, rc = input.regCount, pStart = pieces.start, pLoc = pieces.location, pieceStart = this.vregPieceStart;
    const gaps = this.gapMoves;
    ensureLoopDepths(this.x);
    for (let v = np; v < rc; v++) {
      const base = pieceStart[v]!, n = pieceStart[v + 1]! - base;
      for (let k = 1; k < n; k++) {
        const a = list[base + k - 1]!, b = list[base + k]!;
        const bs = pStart[b]!;
        if (pieces.end[a] !== bs) continue;
        const i = bs >> 2, blockStart = 4 * input.blocks[this.x.loops.blockOfInst[i]!]!.first;
        if (blockStart === bs) continue; // block start: edge moves
        // A store after a read (b starts at a def position) whose register was itself loaded
        // at this gap: the parallel move reads the value where the load reads it.
        let from = pLoc[a]!;
        for (let j = k - 1; j > 0; j--) {
          const pj = list[base + j]!, sj = pStart[pj]!;
          if (sj !== 4 * i || sj === blockStart || pieces.end[list[base + j - 1]!] !== sj) break;
          from = pLoc[list[base + j - 1]!]!;
        }
        if (from !== pLoc[b]) gaps.add(i, from, pLoc[b]!, v);
      }
    }
  }

  /** Edge moves: where a value's location at the end of a block differs from the one at the start of its successor. */
  edgeMovesOf(): void {
    const pieces = this.pieces;
    const input = this.x.input, edges = this.edgeMoves, live = this.x.live, liveInHead = live.liveInHead, liveInReg = live.liveInReg, liveInNext = live.liveInNext, nb = this.x.blockCount;
    const vCount = pieces.pieceCount, rc = input.regCount;
    // Locations by cursors (`locationAt`), since both kinds of query come in increasing position.
    // First the location of every live-in value at the start of its block (blocks in order)...
    const startLoc = this.liveInStartLoc = atLeast(this.liveInStartLoc, live.liveInCount);
    let cursor = this.x.regMarks2.fill(0, 0, rc);
    for (let b = 0; b < nb; b++) {
      const pos = 4 * input.blocks[b]!.first;
      for (let node = liveInHead[b]!; node >= 0; node = liveInNext[node]!) {
        const v = liveInReg[node]!;
        if (vCount[v]! >= 2) startLoc[node] = this.locationAt(cursor, v, pos);
      }
    }
    // ... then at the end of each block, against the successors' starts.
    cursor = this.x.regMarks.fill(0, 0, rc);
    let e = 0;
    for (let b = 0; b < nb; b++) {
      const blk = input.blocks[b]!;
      const endPos = 4 * (blk.first + blk.count) - 1;
      for (const s of blk.succs) {
        for (let node = liveInHead[s]!; node >= 0; node = liveInNext[node]!) {
          const v = liveInReg[node]!;
          if (vCount[v]! < 2) continue;
          const from = this.locationAt(cursor, v, endPos), to = startLoc[node]!;
          if (from !== to) edges.add(e, from, to, v);
        }
        e++;
      }
    }
  }
}
