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
 *   loops         dominators -> back edges (to a dominator) -> natural loops -> loop depth per block
 *                 (on demand: only splitting and spilling look at depths)
 *   liveness      live-in lists per block: upward-exposed uses spread backwards
 *                 through predecessors to the writing blocks (sparse, output-sensitive)
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
 * Storage: one allocator instance (`RegisterAllocatorState`, one per compilation)
 * serves every call, its tables typed arrays that grow on demand and are reused
 * (pieces, ranges and lists are numbers indexing them, struct-of-arrays); results
 * are views of its arena (see Arena). A call never re-enters (the target only
 * supplies tables), so sharing is safe.
 */
import { Slab } from '../util/columns.js';
import { DominatorTree, type FlowGraph } from '../analysis/dominators.js';
import { loopDepths as computeLoopDepths } from '../analysis/loops.js';
import { removeDeadMoves } from './dead-moves.js';
import { removeRedundantStores } from './redundant-stores.js';
import { OperandKind, SPILL_BASE, type Allocation, type MoveList, type RegallocInput } from './allocation.js';

const INF = 0x3fffffff;
/** Cost of using a callee-saved register for the first time: a save and a restore. */
const CALLEE_SAVE_COST = 2;

/** Position of the gap at or before `pos`. */
function gapFloor(pos: number): number { return pos & ~3; }

/** `a` if it has at least `n` entries, else a new, larger array (contents not kept). */
function atLeast(a: Int32Array<ArrayBuffer>, n: number): Int32Array<ArrayBuffer> {
  return a.length >= n ? a : new Int32Array(Math.max(n, 2 * a.length));
}
/** `a` if it has at least `n` entries, else a larger copy of it. */
function grown(a: Int32Array<ArrayBuffer>, n: number): Int32Array<ArrayBuffer> {
  if (a.length >= n) return a;
  const b = new Int32Array(Math.max(n, 2 * a.length));
  b.set(a);
  return b;
}

/** An empty table (the allocator's operand-table fields between calls). */
const NO_INTS = new Int32Array(0);
/** The empty move list, shared by every result that has no moves of a kind (nothing writes to a list). */
const NO_MOVES: MoveList = { count: 0, key: new Int32Array(0), from: new Int32Array(0), to: new Int32Array(0), reg: new Int32Array(0) };

/**
 * Where results live: consecutive regions of shared buffers (4 KiB for a compilation's
 * first, doubling up to 64 KiB), handed out as views.
 * A typed array of its own costs a backing-store allocation, which for a small function
 * costs more than the rest of its allocation. Regions are never reused (results own them);
 * a buffer stays alive while any result in it does.
 */
class Arena {
  /** The current buffer as words and as bytes; words[used ..) are free. */
  words = new Int32Array(0);
  bytes = new Uint8Array(0);
  used = 0;
  /** Reserves `ints` words followed by `extraBytes` bytes; returns the word index of the region in `words` (changed when a new buffer was needed). */
  /** Words in the next buffer: a compilation starts small and doubles up to ARENA_WORDS. */
  private nextWords = 1024;
  take(ints: number, extraBytes: number): number {
    const need = ints + ((extraBytes + 3) >> 2);
    if (this.used + need > this.words.length) {
      // A new buffer (of the result's size when that is larger).
      const buffer = new ArrayBuffer(4 * Math.max(need, this.nextWords));
      this.nextWords = Math.min(2 * this.nextWords, ARENA_WORDS);
      this.words = new Int32Array(buffer);
      this.bytes = new Uint8Array(buffer);
      this.used = 0;
    }
    const at = this.used;
    this.used += need;
    return at;
  }
}
/** Words per arena buffer (64 KiB). */
const ARENA_WORDS = 1 << 14;

/** Growable move list (its arrays are reused from one function to the next). */
class Moves {
  count = 0;
  key = new Int32Array(64);
  from = new Int32Array(64);
  to = new Int32Array(64);
  reg = new Int32Array(64);
  /** Counting-sort buckets of `finish` (one per key value). */
  private bucket = new Int32Array(64);
  add(k: number, f: number, t: number, r: number): void {
    const n = this.count;
    if (n === this.key.length) {
      this.key = grown(this.key, n + 1); this.from = grown(this.from, n + 1);
      this.to = grown(this.to, n + 1); this.reg = grown(this.reg, n + 1);
    }
    this.key[n] = k; this.from[n] = f; this.to[n] = t; this.reg[n] = r;
    this.count = n + 1;
  }
  /** The list sorted by key (stable) in words[at .. at + 4 * count), or the shared empty list; this one is emptied. */
  finish(words: Int32Array, at: number): MoveList {
    const n = this.count;
    if (n === 0) return NO_MOVES;
    this.count = 0;
    const out = { count: n, key: words.subarray(at, at + n), from: words.subarray(at + n, at + 2 * n), to: words.subarray(at + 2 * n, at + 3 * n), reg: words.subarray(at + 3 * n, at + 4 * n) };
    const key = this.key;
    let sorted = true, maxKey = 0;
    for (let i = 0; i < n; i++) {
      const k = key[i]!;
      if (i > 0 && k < key[i - 1]!) sorted = false;
      if (k > maxKey) maxKey = k;
    }
    if (sorted) {
      for (let i = 0; i < n; i++) { out.key[i] = key[i]!; out.from[i] = this.from[i]!; out.to[i] = this.to[i]!; out.reg[i] = this.reg[i]!; }
      return out;
    }
    // Stable counting sort by key (keys are instruction or edge indexes, so at most about the
    // function's size): moves of one key keep the order they were added in.
    const bucket = this.bucket = atLeast(this.bucket, maxKey + 2).fill(0, 0, maxKey + 2);
    for (let i = 0; i < n; i++) bucket[key[i]! + 1]!++;
    for (let k = 0; k <= maxKey; k++) bucket[k + 1]! += bucket[k]!;
    for (let i = 0; i < n; i++) {
      const j = bucket[key[i]!]!++;
      out.key[j] = key[i]!; out.from[j] = this.from[i]!; out.to[j] = this.to[i]!; out.reg[j] = this.reg[i]!;
    }
    return out;
  }
}

/**
 * Allocation state. One instance serves every call (`reset` starts a function): its
 * tables are typed arrays grown on demand and reused, so a small function allocates
 * little more than its result. Only the result's arrays are new per call.
 *
 * Ranges: while intervals are built (backwards), each register id's ranges form a
 * list of nodes (nFrom/nTo/nNext) with the earliest first; then they are copied to
 * the flat tables rFrom/rTo, register r's ascending in [rStart[r], rStart[r+1]).
 *
 * Pieces (a vreg's interval or part of it after splitting; also the fixed interval
 * of a preg) are numbers with struct-of-arrays fields p*: register id, location,
 * the range indexes it owns [pRLo, pRHi) with its own first `from` (pStart) and last
 * `to` (pEnd), its uses useList[pULo .. pUHi), and the range index where `covers`
 * queries resume (pCursor). Each vreg's pieces form a list in the order they were
 * allocated (vLast, pPrev).
 */
class Allocator {
  /** The initial tables, views of one buffer (they are replaced as they grow). */
  private readonly slab = new Slab(36 * 1024);
  t: RegallocInput;
  numPregs = 0;
  nb = 0;
  /** Block of each instruction. */
  blockOf = this.slab.i32(64);
  /** Loop depth of each block. */
  depth = this.slab.i32(16);
  /** True once blockOf and depth are filled for this function (see loopInfo). */
  loopsKnown = false;
  /** Predecessors of block b: predList[predStart[b] .. predStart[b+1]), in ascending block order. */
  predStart = this.slab.i32(16);
  predList = this.slab.i32(16);
  /** Block stamps and a work stack for loopInfo and liveness. */
  blockScratch = this.slab.i32(16);
  blockScratch2 = this.slab.i32(16);
  work = this.slab.i32(64);
  /** loopInfo: blocks in reverse postorder; the blocks of one loop; the dominator tree (src/analysis). */
  rpoOrder = this.slab.i32(16);
  loopBody = this.slab.i32(16);
  readonly dominators = new DominatorTree();
  /**
   * The target's operand table (liveness, intervals and resolution all read it): instruction i
   * has opReg/opKind[opStart[i] .. opStart[i+1]); opCount operands in all.
   */
  opStart: Int32Array = NO_INTS;
  opReg: Int32Array = NO_INTS;
  opKind: Int32Array = NO_INTS;
  opCount = 0;
  /**
   * Uses (2*pos + needsRegister) of all register ids in one table, register r's ascending in
   * useList[useAt[r] .. useAt[r+1]): every operand is one use, so the sizes are known once the
   * operands are gathered; buildIntervals walks backwards and fills each part from its top (useFill).
   */
  useList = this.slab.i32(256);
  useAt = this.slab.i32(64);
  useFill = this.slab.i32(64);
  /** Copy hints per register id (another register id, or -1): where a copy into it reads from, where a copy of it goes. */
  hintSrc = this.slab.i32(64);
  hintDst = this.slab.i32(64);
  /** Spill slot per register id, or -1. */
  slotOf = this.slab.i32(64);
  spillSlots = 0;
  /** One number per register id for a single pass at a time (liveness, then resolution). */
  regScratch = this.slab.i32(64);
  /** Live-in vregs of block b (ascending): liveV[x] for x = liveHead[b], liveNext[x], ... until -1. */
  liveHead = this.slab.i32(16);
  liveTail = this.slab.i32(16);
  liveV = this.slab.i32(64);
  liveNext = this.slab.i32(64);
  /** Number of live-in nodes (liveV / liveNext entries in use). */
  liveCount = 0;
  /** edgeMovesOf: per live-in node, the value's location at the start of its block. */
  startLoc = this.slab.i32(64);
  /** edgeMovesOf: a second cursor per register id (see there). */
  regScratch2 = this.slab.i32(64);
  /** Liveness lists per vreg of the blocks that read it first / write it first (nodes: nodeBlock, nodeNext). */
  exHead = this.slab.i32(64);
  klHead = this.slab.i32(64);
  nodeBlock = this.slab.i32(256);
  nodeNext = this.slab.i32(256);
  /** Number of exposed nodes. */
  exposedCount = 0;
  /** Range nodes while building (see the class comment); rHead per register id, -1 for none. */
  nFrom = this.slab.i32(256);
  nTo = this.slab.i32(256);
  nNext = this.slab.i32(256);
  nodeCount = 0;
  rHead = this.slab.i32(64);
  /** Ranges after building: register r's in [rStart[r], rStart[r+1]). */
  rStart = this.slab.i32(64);
  rFrom = this.slab.i32(256);
  rTo = this.slab.i32(256);
  /** Piece fields (see the class comment). */
  pV = this.slab.i32(256);
  pLoc = this.slab.i32(256);
  pCursor = this.slab.i32(256);
  pRLo = this.slab.i32(256);
  pRHi = this.slab.i32(256);
  pStart = this.slab.i32(256);
  pEnd = this.slab.i32(256);
  pULo = this.slab.i32(256);
  pUHi = this.slab.i32(256);
  pPrev = this.slab.i32(256);
  /**
   * Position before which the last `covers` answer for the piece still holds (the end of the
   * range it is in, or the start of the next one; -1 when unknown): the scan re-asks only then.
   */
  pStable = this.slab.i32(256);
  pieceCount = 0;
  /** Per vreg: its last allocated piece (-1 for none) and its number of pieces. */
  vLast = this.slab.i32(64);
  vCount = this.slab.i32(64);
  /** Fixed piece per preg (-1 when never named). */
  fixed = this.slab.i32(32);
  /** 1 for every preg that holds a value. */
  usedPregs = this.slab.u8(0);
  /** 1 for pregs that survive calls (`t.isCalleeSaved`, asked once per preg). */
  calleeSaved = this.slab.u8(32);
  // scratch per register
  freeUntil = this.slab.i32(32);
  nextUse = this.slab.i32(32);
  blockPos = this.slab.i32(32);
  /** Pieces live at the scan position / in a lifetime hole, and the unhandled ones (a min-heap by start). */
  active = this.slab.i32(256);
  activeLen = 0;
  /** Per preg: the number of active pieces in it (0 or 1). */
  activeIn = this.slab.i32(32);
  inactive = this.slab.i32(256);
  inactiveLen = 0;
  heap = this.slab.i32(256);
  heapLen = 0;
  /** Scratch of sortByStart: the other buffer and the run boundaries. */
  sortTmp = this.slab.i32(256);
  runBounds = this.slab.i32(64);
  /** Pieces of each vreg in start order, for resolution: pieceList[pieceAt[v] .. pieceAt[v+1]). */
  pieceAt = this.slab.i32(64);
  pieceList = this.slab.i32(256);
  readonly gaps = new Moves();
  readonly edges = new Moves();
  readonly arena = new Arena();

  constructor() { this.t = NO_TARGET; }

  /** Starts allocating `t`: sizes the tables and clears what the passes expect cleared. */
  reset(t: RegallocInput): void {
    this.t = t;
    const np = t.numPregs, rc = t.regCount, n = t.instCount, nb = t.blocks.length;
    this.numPregs = np;
    this.nb = nb;
    this.blockOf = atLeast(this.blockOf, n);
    this.depth = atLeast(this.depth, nb);
    this.loopsKnown = false;
    this.predStart = atLeast(this.predStart, nb + 1);
    this.blockScratch = atLeast(this.blockScratch, nb);
    this.blockScratch2 = atLeast(this.blockScratch2, nb);
    this.hintSrc = atLeast(this.hintSrc, rc).fill(-1, 0, rc);
    this.hintDst = atLeast(this.hintDst, rc).fill(-1, 0, rc);
    this.slotOf = atLeast(this.slotOf, rc).fill(-1, 0, rc);
    this.regScratch = atLeast(this.regScratch, rc);
    this.regScratch2 = atLeast(this.regScratch2, rc);
    this.useAt = atLeast(this.useAt, rc + 1).fill(0, 0, rc + 1);
    this.useFill = atLeast(this.useFill, rc);
    this.rHead = atLeast(this.rHead, rc).fill(-1, 0, rc);
    this.rStart = atLeast(this.rStart, rc + 1);
    this.vLast = atLeast(this.vLast, rc).fill(-1, 0, rc);
    this.vCount = atLeast(this.vCount, rc).fill(0, 0, rc);
    this.pieceAt = atLeast(this.pieceAt, rc + 1);
    this.fixed = atLeast(this.fixed, np);
    this.freeUntil = atLeast(this.freeUntil, np);
    this.nextUse = atLeast(this.nextUse, np);
    this.blockPos = atLeast(this.blockPos, np);
    this.activeIn = atLeast(this.activeIn, np).fill(0, 0, np);
    if (this.calleeSaved.length < np) this.calleeSaved = new Uint8Array(np);
    for (let p = 0; p < np; p++) this.calleeSaved[p] = t.isCalleeSaved(p) ? 1 : 0;
    this.opStart = t.opStart;
    this.opReg = t.opReg;
    this.opKind = t.opKind;
    if (this.usedPregs.length < np) this.usedPregs = new Uint8Array(np);
    this.usedPregs.fill(0, 0, np);
    this.opCount = n > 0 ? t.opStart[n]! : 0;
    this.spillSlots = 0;
    this.nodeCount = 0;
    this.pieceCount = 0;
    this.activeLen = 0;
    this.inactiveLen = 0;
    this.heapLen = 0;
    this.gaps.count = 0;
    this.edges.count = 0;
  }

  /**
   * Walks the operand table once: counts the uses of each register id (useAt) and starts
   * liveness: per vreg, lists of the blocks that read it before writing it (exposed: exHead)
   * and that write it first (kills: klHead).
   */
  gatherOperands(): void {
    const t = this.t, nb = this.nb, np = this.numPregs, rc = t.regCount, opStart = this.opStart, opReg = this.opReg, opKind = this.opKind;
    const useAt = this.useAt, defBlock = this.regScratch.fill(-1, 0, rc); // last block scanned that writes v
    const exHead = this.exHead = atLeast(this.exHead, rc).fill(-1, 0, rc);
    const klHead = this.klHead = atLeast(this.klHead, rc).fill(-1, 0, rc);
    // Each operand adds at most one node.
    const nodeBlock = this.nodeBlock = atLeast(this.nodeBlock, this.opCount), nodeNext = this.nodeNext = atLeast(this.nodeNext, this.opCount);
    let nodes = 0, exposed = 0;
    for (let b = 0; b < nb; b++) {
      const blk = t.blocks[b]!;
      for (let i = blk.first; i < blk.first + blk.count; i++) {
        const lo = opStart[i]!, hi = opStart[i + 1]!;
        for (let k = lo; k < hi; k++) {
          const r = opReg[k]!, kind = opKind[k]!;
          useAt[r + 1]!++;
          if (r < np || (kind !== OperandKind.Use && kind !== OperandKind.UseDef)) continue;
          if (defBlock[r] !== b) { nodeBlock[nodes] = b; nodeNext[nodes] = exHead[r]!; exHead[r] = nodes++; exposed++; defBlock[r] = b; } // once per block is enough
        }
        for (let k = lo; k < hi; k++) {
          const r = opReg[k]!;
          if (r >= np && opKind[k] !== OperandKind.Use && defBlock[r] !== b) { nodeBlock[nodes] = b; nodeNext[nodes] = klHead[r]!; klHead[r] = nodes++; defBlock[r] = b; }
        }
      }
    }
    this.exposedCount = exposed;
    const useFill = this.useFill;
    for (let r = 0; r < rc; r++) { useAt[r + 1]! += useAt[r]!; useFill[r] = useAt[r + 1]!; }
    this.useList = atLeast(this.useList, this.opCount);
  }

  /** Lets go of the target and its tables (kept only for the duration of a call). */
  detach(): void {
    this.t = NO_TARGET;
    this.opStart = this.opReg = this.opKind = NO_INTS;
  }

  /** Predecessor lists (predStart / predList). */
  computePreds(): void {
    const nb = this.nb, blocks = this.t.blocks;
    // Predecessor lists by counting sort (each in ascending block order).
    const predStart = this.predStart.fill(0, 0, nb + 1);
    for (let b = 0; b < nb; b++) for (const s of blocks[b]!.succs) predStart[s + 1]!++;
    for (let b = 0; b < nb; b++) predStart[b + 1]! += predStart[b]!;
    const fill = this.blockScratch;
    for (let b = 0; b < nb; b++) fill[b] = predStart[b]!;
    const preds = this.predList = atLeast(this.predList, predStart[nb]!);
    for (let b = 0; b < nb; b++) for (const s of blocks[b]!.succs) preds[fill[s]!++] = b;
  }

  /**
   * The block of each instruction (blockOf) and the loop depth of each block (depth): the
   * number of natural loops it is in. The blocks are in layout order, and layout rotates
   * loops (a header follows its latch, so the edge into the body is the one that goes
   * backwards in layout), so loops come from dominators, not from layout: a back edge is an
   * edge u -> h where h dominates u, and h's loop is h and every block that reaches u
   * backwards without passing h (all of them dominated by h, so the walk stays inside the
   * loop). A retreating edge to a block that does not dominate its source (an irreducible
   * cycle) makes no loop (the shared analyses, src/analysis/dominators.ts and loops.ts). Only splitting and spilling ask, so this is worked out on the
   * first question (after liveness: it reuses its scratch). Cost: a depth-first search,
   * the dominator iteration (Cooper, Harvey & Kennedy: a few passes over the blocks in
   * reverse postorder) and, per loop, a walk over its blocks.
   */
  loopInfo(): void {
    if (this.loopsKnown) return;
    this.loopsKnown = true;
    const t = this.t, blocks = t.blocks, nb = this.nb, predStart = this.predStart, preds = this.predList;
    for (let k = 0; k < nb; k++) { const b = blocks[k]!; this.blockOf.fill(k, b.first, b.first + b.count); }
    const depth = this.depth.fill(0, 0, nb);
    if (nb === 0) return;
    // Reverse postorder from the entry (block 0): rpoIndex[b] (-1: unreachable, -2: on the
    // search stack), rpo[i] the i-th block; the postorder fills rpo from its end.
    const rpoIndex = this.blockScratch.fill(-1, 0, nb);
    const rpo = this.rpoOrder = atLeast(this.rpoOrder, nb);
    const stack = this.work = atLeast(this.work, 2 * nb); // (block, next successor) pairs
    let first = nb, sp = 2;
    stack[0] = 0; stack[1] = 0; rpoIndex[0] = -2;
    while (sp > 0) {
      const b = stack[sp - 2]!, k = stack[sp - 1]!, succs = blocks[b]!.succs;
      if (k < succs.length) {
        stack[sp - 1] = k + 1;
        const s = succs[k]!;
        if (rpoIndex[s] === -1) { rpoIndex[s] = -2; stack[sp++] = s; stack[sp++] = 0; }
      } else {
        sp -= 2;
        rpo[--first] = b;
      }
    }
    const reachable = nb - first;
    if (first > 0) rpo.copyWithin(0, first, nb);
    for (let i = 0; i < reachable; i++) rpoIndex[rpo[i]!] = i;
    // Dominators and natural loops: the shared analyses (src/analysis).
    const graph: FlowGraph = { blockCount: nb, rpo, rpoCount: reachable, rpoIndex, predStart, predBlock: preds };
    const body = this.loopBody = atLeast(this.loopBody, nb);
    computeLoopDepths(graph, this.dominators.compute(graph), depth, this.blockScratch2, body, stack);
  }

  /**
   * Live-in vregs of each block, as lists (liveHead / liveV / liveNext). Sparse and
   * output-sensitive (the cost is the total size of the live-in sets, not blocks x vregs):
   * each upward-exposed use of v (read before any write in its block) makes v live in
   * there, and liveness spreads backwards through predecessors until blocks that write v
   * (the exposed and kill lists come from gatherOperands).
   */
  liveness(): void {
    const t = this.t, nb = this.nb, np = this.numPregs, rc = t.regCount;
    const exHead = this.exHead, klHead = this.klHead, nodeBlock = this.nodeBlock, nodeNext = this.nodeNext;
    // A block that writes v before reading it is in kills but not exposed; one that reads
    // v first is exposed (its write, if any, does not stop v being live into it).
    const live = this.blockScratch.fill(-1, 0, nb), kill = this.blockScratch2.fill(-1, 0, nb);
    const liveHead = this.liveHead = atLeast(this.liveHead, nb).fill(-1, 0, nb), liveTail = this.liveTail = atLeast(this.liveTail, nb);
    const predStart = this.predStart, preds = this.predList;
    // A block is pushed once per exposed use and once per predecessor edge of a block made live.
    const work = this.work = atLeast(this.work, this.exposedCount + predStart[nb]! + 1);
    let liveV = this.liveV, liveNext = this.liveNext, count = 0;
    // Vregs in ascending order, so each block's list is ascending.
    for (let v = np; v < rc; v++) {
      if (exHead[v]! < 0) continue;
      for (let x = klHead[v]!; x >= 0; x = nodeNext[x]!) kill[nodeBlock[x]!] = v;
      let top = 0;
      for (let x = exHead[v]!; x >= 0; x = nodeNext[x]!) work[top++] = nodeBlock[x]!;
      while (top > 0) {
        const b = work[--top]!;
        if (live[b] === v) continue;
        live[b] = v;
        if (count === liveV.length) { liveV = this.liveV = grown(liveV, count + 1); liveNext = this.liveNext = grown(liveNext, count + 1); }
        liveV[count] = v; liveNext[count] = -1;
        if (liveHead[b]! < 0) liveHead[b] = count; else liveNext[liveTail[b]!] = count;
        liveTail[b] = count++;
        for (let k = predStart[b]!; k < predStart[b + 1]!; k++) {
          const p = preds[k]!;
          if (live[p] !== v && kill[p] !== v) work[top++] = p;
        }
      }
    }
    this.liveCount = count;
  }

  /** Records a use of register id r (uses come in descending position order). */
  addUse(r: number, use: number): void {
    this.useList[--this.useFill[r]!] = use;
  }

  /** Adds [from, to) to r's ranges (built in descending order: the head node is the earliest). */
  addRange(r: number, from: number, to: number): void {
    const h = this.rHead[r]!;
    if (h >= 0 && this.nFrom[h]! <= to) {
      if (from < this.nFrom[h]!) this.nFrom[h] = from;
      if (to > this.nTo[h]!) this.nTo[h] = to;
      return;
    }
    const x = this.nodeCount++;
    if (x === this.nFrom.length) {
      this.nFrom = grown(this.nFrom, x + 1); this.nTo = grown(this.nTo, x + 1); this.nNext = grown(this.nNext, x + 1);
    }
    this.nFrom[x] = from; this.nTo[x] = to; this.nNext[x] = h;
    this.rHead[r] = x;
  }
  /** A definition at `pos`: the live range starts there (or a one-position range when dead). */
  define(r: number, pos: number, len: number): void {
    const h = this.rHead[r]!;
    if (h >= 0 && this.nFrom[h]! <= pos && pos < this.nTo[h]!) this.nFrom[h] = pos;
    else this.addRange(r, pos, pos + len);
  }

  buildIntervals(): void {
    const t = this.t, np = this.numPregs, opStart = this.opStart, opReg = this.opReg, opKind = this.opKind;
    const liveHead = this.liveHead, liveV = this.liveV, liveNext = this.liveNext;
    for (let b = this.nb - 1; b >= 0; b--) {
      const blk = t.blocks[b]!;
      const bFrom = 4 * blk.first, bTo = 4 * (blk.first + blk.count);
      // Live out = union of the successors' live-in (a repeated range merges).
      for (const s of blk.succs) for (let x = liveHead[s]!; x >= 0; x = liveNext[x]!) this.addRange(liveV[x]!, bFrom, bTo);
      for (let i = blk.first + blk.count - 1; i >= blk.first; i--) {
        const lo = opStart[i]!, hi = opStart[i + 1]!, n = hi - lo;
        const copy = t.acceptsSpillSlot(i);
        const u = 4 * i + 1, d = 4 * i + 2;
        for (let k = lo; k < hi; k++) {
          const r = opReg[k]!, kind = opKind[k]!;
          const need = copy && r >= np && (kind === OperandKind.Use || kind === OperandKind.Def) ? 0 : 1;
          switch (kind) {
            case OperandKind.Def: this.define(r, d, 1); this.addUse(r, 2 * d + need); break;
            case OperandKind.UseDef: this.define(r, d, 1); break;
            // Early defs and temps are written at u but hold their register through d: their
            // register use is recorded at d, so nothing evicts them within the instruction.
            case OperandKind.EarlyDef: this.define(r, u, 2); this.addUse(r, 2 * d + 1); break;
            case OperandKind.Temp: this.addRange(r, u, d + 1); this.addUse(r, 2 * d + 1); break;
            default: break;
          }
        }
        for (let k = lo; k < hi; k++) {
          const r = opReg[k]!, kind = opKind[k]!;
          if (kind !== OperandKind.Use && kind !== OperandKind.UseDef) continue;
          const need = copy && r >= np && kind === OperandKind.Use ? 0 : 1;
          this.addRange(r, bFrom, u + 1);
          this.addUse(r, 2 * u + need);
        }
        if (copy) {
          // Copy hints: Mov [dst, src]; ParallelMove [srcs..., dsts...].
          const half = n >> 1;
          if (n === 2 && opKind[lo] === OperandKind.Def) this.hintPair(opReg[lo]!, opReg[lo + 1]!);
          else if (n % 2 === 0) for (let k = lo; k < lo + half; k++) if (opKind[half + k] === OperandKind.Def) this.hintPair(opReg[half + k]!, opReg[k]!);
        }
      }
    }
    // Copy each register id's node list (earliest first) to the flat tables.
    const rc = t.regCount, rStart = this.rStart, rHead = this.rHead, nFrom = this.nFrom, nTo = this.nTo, nNext = this.nNext;
    const rFrom = this.rFrom = atLeast(this.rFrom, this.nodeCount), rTo = this.rTo = atLeast(this.rTo, this.nodeCount);
    let at = 0;
    for (let r = 0; r < rc; r++) {
      rStart[r] = at;
      for (let x = rHead[r]!; x >= 0; x = nNext[x]!) { rFrom[at] = nFrom[x]!; rTo[at] = nTo[x]!; at++; }
    }
    rStart[rc] = at;
  }
  hintPair(dst: number, src: number): void {
    if (dst >= this.numPregs && this.hintSrc[dst]! < 0) this.hintSrc[dst] = src;
    if (src >= this.numPregs && this.hintDst[src]! < 0) this.hintDst[src] = dst;
  }

  // ---- pieces ----

  /** A new piece of register id v owning ranges [rLo, rHi) and uses [uLo, uHi). */
  newPiece(v: number, rLo: number, rHi: number, start: number, end: number, uLo: number, uHi: number): number {
    const p = this.pieceCount++;
    if (p === this.pV.length) {
      const n = p + 1;
      this.pV = grown(this.pV, n); this.pLoc = grown(this.pLoc, n); this.pCursor = grown(this.pCursor, n);
      this.pRLo = grown(this.pRLo, n); this.pRHi = grown(this.pRHi, n); this.pStart = grown(this.pStart, n);
      this.pEnd = grown(this.pEnd, n); this.pULo = grown(this.pULo, n); this.pUHi = grown(this.pUHi, n);
      this.pPrev = grown(this.pPrev, n); this.pStable = grown(this.pStable, n);
    }
    this.pV[p] = v; this.pLoc[p] = -1; this.pCursor[p] = rLo;
    this.pRLo[p] = rLo; this.pRHi[p] = rHi; this.pStart[p] = start; this.pEnd[p] = end;
    this.pULo[p] = uLo; this.pUHi[p] = uHi; this.pPrev[p] = -1; this.pStable[p] = -1;
    return p;
  }
  /** Start of range k of piece p. */
  from(p: number, k: number): number { return k === this.pRLo[p] ? this.pStart[p]! : this.rFrom[k]!; }
  /** End of range k of piece p. */
  to(p: number, k: number): number { return k === this.pRHi[p]! - 1 ? this.pEnd[p]! : this.rTo[k]!; }
  /** True if piece p is live at `pos`; `pos` must not decrease between calls. Sets pStable[p]. */
  covers(p: number, pos: number): boolean {
    let c = this.pCursor[p]!;
    const hi = this.pRHi[p]!;
    while (c < hi && this.to(p, c) <= pos) c++;
    this.pCursor[p] = c;
    if (c === hi) { this.pStable[p] = -1; return false; }
    const f = this.from(p, c);
    if (f <= pos) { this.pStable[p] = this.to(p, c); return true; }
    this.pStable[p] = f;
    return false;
  }
  /** First position where pieces a and b are both live, or INF. */
  intersect(a: number, b: number): number {
    let i = this.pCursor[a]!, j = this.pCursor[b]!;
    const ih = this.pRHi[a]!, jh = this.pRHi[b]!;
    while (i < ih && j < jh) {
      const fi = this.from(a, i), fj = this.from(b, j);
      if (this.to(a, i) <= fj) i++;
      else if (this.to(b, j) <= fi) j++;
      else return fi > fj ? fi : fj;
    }
    return INF;
  }
  /** Index of piece p's first use at or after `pos` (binary search: uses are sorted). */
  firstUseAt(p: number, pos: number): number {
    const uses = this.useList;
    let lo = this.pULo[p]!, hi = this.pUHi[p]!;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (uses[mid]! < 2 * pos) lo = mid + 1; else hi = mid;
    }
    return lo;
  }
  /** First use position >= pos of piece p that needs a register (use entries are position*2 + needsRegister). */
  nextRegUse(p: number, pos: number): number {
    const uses = this.useList, hi = this.pUHi[p]!;
    for (let k = this.firstUseAt(p, pos); k < hi; k++) if ((uses[k]! & 1) !== 0) return uses[k]! >>> 1;
    return INF;
  }
  /** Last use position < pos of piece p that needs a register, or -1. */
  lastRegUseBefore(p: number, pos: number): number {
    const uses = this.useList, lo = this.pULo[p]!;
    for (let k = this.firstUseAt(p, pos) - 1; k >= lo; k--) if ((uses[k]! & 1) !== 0) return uses[k]! >>> 1;
    return -1;
  }
  /** Splits off the part of piece p from `pos` (start < pos < end) and returns it. */
  split(p: number, pos: number): number {
    let k = this.pRLo[p]!;
    while (this.to(p, k) <= pos) k++;
    const uk = this.firstUseAt(p, pos);
    const fk = this.from(p, k);
    const inRange = fk < pos;
    const child = this.newPiece(this.pV[p]!, k, this.pRHi[p]!, inRange ? pos : fk, this.pEnd[p]!, uk, this.pUHi[p]!);
    if (inRange) { this.pRHi[p] = k + 1; this.pEnd[p] = pos; }
    else { this.pEnd[p] = this.to(p, k - 1); this.pRHi[p] = k; }
    if (this.pCursor[p]! >= this.pRHi[p]!) this.pCursor[p] = this.pRHi[p]! - 1;
    this.pUHi[p] = uk;
    this.pStable[p] = -1;
    return child;
  }
  /** Adds piece p to its vreg's list. */
  addPiece(p: number): void {
    const v = this.pV[p]!;
    this.pPrev[p] = this.vLast[v]!;
    this.vLast[v] = p;
    this.vCount[v]!++;
  }

  // ---- unhandled pieces: a binary min-heap by start ----

  push(p: number): void {
    if (this.heapLen === this.heap.length) this.heap = grown(this.heap, this.heapLen + 1);
    const h = this.heap, pStart = this.pStart, s = pStart[p]!;
    let i = this.heapLen++;
    while (i > 0) {
      const q = (i - 1) >> 1;
      if (pStart[h[q]!]! <= s) break;
      h[i] = h[q]!;
      i = q;
    }
    h[i] = p;
  }
  pop(): number {
    const h = this.heap, pStart = this.pStart, top = h[0]!, last = h[--this.heapLen]!, n = this.heapLen;
    if (n > 0) {
      const s = pStart[last]!;
      let i = 0;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && pStart[h[c + 1]!]! < pStart[h[c]!]!) c++;
        if (pStart[h[c]!]! >= s) break;
        h[i] = h[c]!;
        i = c;
      }
      h[i] = last;
    }
    return top;
  }

  /** Sorts heap[0 .. n) by piece start, stably: merges its ascending runs pairwise until one is left. */
  sortByStart(n: number): void {
    const pStart = this.pStart;
    let src = this.heap, dst = this.sortTmp = atLeast(this.sortTmp, n);
    let bounds = this.runBounds = atLeast(this.runBounds, n + 1);
    let runs = 0;
    bounds[0] = 0;
    for (let k = 1; k < n; k++) if (pStart[src[k]!]! < pStart[src[k - 1]!]!) bounds[++runs] = k;
    bounds[++runs] = n;
    while (runs > 1) {
      let out = 0;
      for (let r = 0; r < runs; r += 2) {
        const lo = bounds[r]!, mid = bounds[r + 1]!, hi = r + 2 <= runs ? bounds[r + 2]! : mid;
        let i = lo, j = mid, o = lo;
        while (i < mid && j < hi) dst[o++] = pStart[src[j]!]! < pStart[src[i]!]! ? src[j++]! : src[i++]!;
        while (i < mid) dst[o++] = src[i++]!;
        while (j < hi) dst[o++] = src[j++]!;
        bounds[out++] = lo;
      }
      bounds[out] = n;
      runs = out;
      const swap = src; src = dst; dst = swap;
    }
    if (src !== this.heap) this.heap.set(src.subarray(0, n));
  }

  /**
   * Register a hint resolves to right now, or -1: with `fromSource`, the register of the
   * source of the copy that defines piece `it` (already allocated); else that of the copy's
   * destination, following a short chain of copies to a preg or an allocated vreg.
   */
  hintReg(it: number, fromSource: boolean): number {
    const v = this.pV[it]!, start = this.pStart[it]!;
    if (fromSource) return this.hintSrc[v]! >= 0 ? this.regAt(this.hintSrc[v]!, start) : -1;
    let h = this.hintDst[v]!;
    for (let steps = 0; steps < 4 && h >= 0; steps++) {
      if (h < this.numPregs) return h;
      if (this.vLast[h]! >= 0) return this.regAt(h, start);
      h = this.hintDst[h]!;
    }
    return -1;
  }
  /** Register of register id r's latest allocated piece starting at or before pos, or -1. */
  regAt(r: number, pos: number): number {
    if (r < this.numPregs) return r;
    for (let p = this.vLast[r]!; p >= 0; p = this.pPrev[p]!) {
      if (this.pStart[p]! <= pos) { const loc = this.pLoc[p]!; return loc >= 0 && loc < this.numPregs ? loc : -1; }
    }
    return -1;
  }

  /** Spill weight of piece `it` (its uses, each counted 10^loop depth), counted up to `limit`. */
  weight(it: number, limit: number): number {
    this.loopInfo();
    let w = 0;
    const uses = this.useList, hi = this.pUHi[it]!;
    for (let k = this.pULo[it]!; k < hi && w < limit; k++) w += 10 ** Math.min(5, this.depth[this.blockOf[uses[k]! >>> 3]!]!);
    return w;
  }

  slot(v: number): number {
    if (this.slotOf[v]! < 0) this.slotOf[v] = this.spillSlots++;
    return SPILL_BASE + this.slotOf[v]!;
  }

  /**
   * Best split position in (min, max]: max, or an earlier block start of lower loop
   * depth (so spill and reload code sits outside loops). `max` must be a gap position.
   * The moves of a split at a block's start go on the edges into it; when the block
   * before it in the layout is less deeply nested, it is the first block of a loop laid
   * out in one piece (rotated: body, latch, header), whose only entry edge comes from
   * outside, so the start counts at the outer depth.
   */
  splitPos(min: number, max: number): number {
    this.loopInfo();
    const maxBlock = this.blockOf[max >> 2]!;
    let best = max, bestDepth = this.depth[maxBlock]!;
    const minBlock = min < 0 ? 0 : this.blockOf[min >> 2]!;
    for (let b = maxBlock, steps = 0; b > minBlock && steps < 256 && bestDepth > 0; b--, steps++) {
      const d = Math.min(this.depth[b]!, this.depth[b - 1]!);
      if (d < bestDepth) { bestDepth = d; best = 4 * this.t.blocks[b]!.first; }
    }
    return best;
  }

  /** Puts piece `it` in its spill slot until just before its next register use, whose piece goes back to unhandled. */
  spill(it: number, notBefore: number): void {
    const start = this.pStart[it]!;
    const r = this.nextRegUse(it, start);
    if (r !== INF) {
      const max = gapFloor(r);
      if (max <= start) throw new Error(`regalloc: cannot spill v${this.pV[it]!} at ${start}: it needs a register there`);
      const pos = this.splitPos(Math.max(start, notBefore - 1), max);
      this.push(this.split(it, pos));
    }
    this.pLoc[it] = this.slot(this.pV[it]!);
  }

  run(): void {
    const t = this.t, np = this.numPregs, rc = t.regCount, rStart = this.rStart, rFrom = this.rFrom, rTo = this.rTo;
    for (let p = 0; p < np; p++) {
      const lo = rStart[p]!, hi = rStart[p + 1]!;
      if (lo === hi) { this.fixed[p] = -1; continue; }
      this.usedPregs[p] = 1;
      this.fixed[p] = this.newPiece(p, lo, hi, rFrom[lo]!, rTo[hi - 1]!, 0, 0);
    }
    // The first heap: the vregs' pieces in start order (ties by vreg), which is a valid heap.
    // Pieces are numbered in vreg order, which is a few ascending runs of starts (values are
    // numbered as they are defined, temps after them): a stable merge of those runs.
    const first = this.pieceCount;
    let n = 0;
    for (let v = np; v < rc; v++) {
      const lo = rStart[v]!, hi = rStart[v + 1]!;
      if (lo !== hi) { this.newPiece(v, lo, hi, rFrom[lo]!, rTo[hi - 1]!, this.useAt[v]!, this.useAt[v + 1]!); n++; }
    }
    this.heap = atLeast(this.heap, n);
    for (let k = 0; k < n; k++) this.heap[k] = first + k;
    this.sortByStart(n);
    this.heapLen = n;
    while (this.heapLen > 0) {
      // Active and inactive pieces are distinct pieces, so room for all of them is enough.
      if (this.active.length < this.pieceCount) {
        this.active = grown(this.active, this.pieceCount);
        this.inactive = grown(this.inactive, this.pieceCount);
      }
      const cur = this.pop();
      const pos = this.pStart[cur]!;
      const active = this.active, inactive = this.inactive, pEnd = this.pEnd, pLoc = this.pLoc, activeIn = this.activeIn;
      const stable = this.pStable;
      for (let k = 0; k < this.activeLen; k++) {
        const it = active[k]!;
        if (pos < stable[it]!) continue; // still in the same range
        if (pEnd[it]! <= pos) { activeIn[pLoc[it]!]!--; active[k] = active[--this.activeLen]!; k--; }
        else if (!this.covers(it, pos)) { activeIn[pLoc[it]!]!--; inactive[this.inactiveLen++] = it; active[k] = active[--this.activeLen]!; k--; }
      }
      for (let k = 0; k < this.inactiveLen; k++) {
        const it = inactive[k]!;
        if (pos < stable[it]!) continue; // still in the same hole
        if (pEnd[it]! <= pos) { inactive[k] = inactive[--this.inactiveLen]!; k--; }
        else if (this.covers(it, pos)) { activeIn[pLoc[it]!]!++; active[this.activeLen++] = it; inactive[k] = inactive[--this.inactiveLen]!; k--; }
      }
      this.addPiece(cur);
      if (!this.tryFree(cur)) this.allocateBlocked(cur);
      const loc = this.pLoc[cur]!;
      if (loc < np) { this.usedPregs[loc] = 1; this.activeIn[loc]!++; this.active[this.activeLen++] = cur; }
    }
  }

  /** Assigns a register free for all of piece `cur` or a prefix of it (splitting the rest off). */
  tryFree(cur: number): boolean {
    const t = this.t, cls = t.regClass[this.pV[cur]!]!, regs = t.allocatable[cls]!, fu = this.freeUntil;
    const start = this.pStart[cur]!, end = this.pEnd[cur]!, nr = regs.length;
    // A hint register free for the whole piece wins (the source's first), so try those
    // before working out how long every register is free.
    for (let k = 0; k < 2; k++) {
      const h = this.hintReg(cur, k === 0);
      if (h >= 0 && regs.includes(h) && this.freeUntilOf(h, cur, cls) >= end) { this.pLoc[cur] = h; return true; }
    }
    // Whole fit: the first register in preference order, but a callee-saved one not used yet
    // only for a value that lives across a call (a call clobbers all caller-saved ones).
    let reg = -1, fallback = -1;
    for (let k = 0; k < nr; k++) {
      const p = regs[k]!;
      if (this.freeUntilOf(p, cur, cls) < end) continue;
      if (this.calleeSaved[p] === 1 && this.usedPregs[p] === 0 && fallback < 0) { fallback = p; continue; }
      if (this.calleeSaved[p] === 0 || this.usedPregs[p] !== 0) { reg = p; break; }
    }
    if (reg < 0 && fallback >= 0) {
      // A callee-saved register costs a save and a restore; a value used less than that
      // (weighted by loop depth) waits in its slot until it needs a register, if it can.
      const first = this.nextRegUse(cur, start);
      if (this.weight(cur, CALLEE_SAVE_COST) < CALLEE_SAVE_COST && (first === INF || gapFloor(first) > start)) {
        this.spill(cur, start);
        return true;
      }
      reg = fallback;
    }
    if (reg >= 0) { this.pLoc[cur] = reg; return true; }
    // Prefix: the register free longest (how long each one is free, all at once).
    for (let k = 0; k < nr; k++) {
      const p = regs[k]!, f = this.fixed[p]!;
      // Taken by an active piece. (Else the fixed interval: those of the other class are not
      // looked at, so their cursors advance only here; a cursor left behind only costs steps.)
      if (this.activeIn[p] !== 0) fu[p] = 0;
      else if (f < 0) fu[p] = INF;
      else { this.covers(f, start); fu[p] = this.intersect(f, cur); }
    }
    for (let k = 0; k < this.inactiveLen; k++) {
      const it = this.inactive[k]!, loc = this.pLoc[it]!;
      if (fu[loc]! === 0 || t.regClass[this.pV[it]!] !== cls) continue;
      const x = this.intersect(it, cur);
      if (x < fu[loc]!) fu[loc] = x;
    }
    let best = -1;
    for (let k = 0; k < nr; k++) { const p = regs[k]!; if (best < 0 || fu[p]! > fu[best]!) best = p; }
    const at = gapFloor(fu[best]!);
    if (best < 0 || at <= start) return false;
    const pos = this.splitPos(start, at);
    // A split inside a loop, in the block where the piece starts, moves the value on every
    // iteration: then let the blocked case evict a value used less often (or spill this one).
    if (pos > 4 * this.t.blocks[this.blockOf[pos >> 2]!]!.first && this.blockOf[pos >> 2] === this.blockOf[start >> 2] &&
      this.depth[this.blockOf[pos >> 2]!]! > 0) return false;
    this.push(this.split(cur, pos));
    this.pLoc[cur] = best;
    return true;
  }

  /** Until where preg p is free for piece `cur` of class `cls` (what tryFree computes for every register, for one). */
  freeUntilOf(p: number, cur: number, cls: number): number {
    if (this.activeIn[p] !== 0) return 0;
    const f = this.fixed[p]!;
    let x = INF;
    if (f >= 0) { this.covers(f, this.pStart[cur]!); x = this.intersect(f, cur); }
    for (let k = 0; k < this.inactiveLen; k++) {
      const it = this.inactive[k]!;
      if (this.pLoc[it] !== p || this.t.regClass[this.pV[it]!] !== cls) continue;
      const y = this.intersect(it, cur);
      if (y < x) x = y;
    }
    return x;
  }

  /** No register is free: evict the one used furthest in the future, or spill piece `cur`. */
  allocateBlocked(cur: number): void {
    const t = this.t, cls = t.regClass[this.pV[cur]!]!, regs = t.allocatable[cls]!, nu = this.nextUse, bp = this.blockPos;
    // No local alias of the piece tables: splits below may grow them.
    const pos = this.pStart[cur]!, gap = gapFloor(pos), nr = regs.length;
    for (let k = 0; k < nr; k++) {
      const p = regs[k]!, f = this.fixed[p]!;
      let x = INF;
      if (f >= 0) { this.covers(f, pos); x = this.intersect(f, cur); }
      nu[p] = x; bp[p] = x;
    }
    for (let k = 0; k < this.activeLen; k++) {
      // A holder read by this instruction can still be stored after the read (see below).
      const it = this.active[k]!, loc = this.pLoc[it]!;
      const n = this.nextRegUse(it, pos);
      if (n < nu[loc]!) nu[loc] = n;
    }
    for (let k = 0; k < this.inactiveLen; k++) {
      const it = this.inactive[k]!;
      if (t.regClass[this.pV[it]!] !== cls || this.intersect(it, cur) === INF) continue;
      const n = this.nextRegUse(it, pos), loc = this.pLoc[it]!;
      if (n < nu[loc]!) nu[loc] = n;
    }
    let reg = -1;
    for (let k = 0; k < nr; k++) { const p = regs[k]!; if (reg < 0 || nu[p]! > nu[reg]!) reg = p; }
    const first = this.nextRegUse(cur, pos);
    if (nu[reg]! <= first) {
      // Everything else is needed sooner: cur waits in its slot until its first register use.
      if (first !== INF && gapFloor(first) <= pos) {
        throw new Error(`regalloc: no register for a must-have-register operand (v${this.pV[cur]!}, class ${cls})`);
      }
      this.spill(cur, pos);
      return;
    }
    this.pLoc[cur] = reg;
    if (bp[reg]! < this.pEnd[cur]!) {
      const at = gapFloor(bp[reg]!);
      if (at <= pos) throw new Error(`regalloc: no register for v${this.pV[cur]!} before a fixed use of ${reg}`);
      this.push(this.split(cur, at));
    }
    // Move the other holders of reg out of cur's way.
    const active = this.active, inactive = this.inactive;
    for (let k = 0; k < this.activeLen; k++) {
      const it = active[k]!;
      if (this.pLoc[it] !== reg) continue;
      active[k] = active[--this.activeLen]!; k--;
      this.activeIn[reg]!--;
      // Store as early as possible after its last register use (outside loops when it can);
      // when this instruction reads it, the store goes before the instruction and the
      // register keeps the value for the read (a split at cur's def position).
      const lastUse = this.lastRegUseBefore(it, pos), itStart = this.pStart[it]!;
      if (itStart >= pos || (itStart >= gap && lastUse < gap)) { this.spill(it, pos); continue; }
      const at = lastUse >= gap ? pos : this.splitPos(Math.max(lastUse, itStart), gap);
      const rest = this.split(it, at);
      this.addPiece(rest);
      this.spill(rest, pos);
    }
    for (let k = 0; k < this.inactiveLen; k++) {
      const it = inactive[k]!;
      if (this.pLoc[it] !== reg || this.intersect(it, cur) === INF) continue;
      inactive[k] = inactive[--this.inactiveLen]!; k--;
      // Split at the end of its lifetime hole; the rest is allocated again.
      let j = this.pCursor[it]!;
      while (this.to(it, j) <= pos) j++;
      this.push(this.split(it, this.from(it, j)));
    }
  }

  resolve(): Allocation {
    const t = this.t, np = this.numPregs, rc = t.regCount, nb = this.nb, n = t.instCount, pStart = this.pStart, pLoc = this.pLoc;
    // Each vreg's pieces in start order (they are allocated in that order but for ties; a
    // stable insertion sort keeps allocation order among equal starts).
    const pieceAt = this.pieceAt;
    let total = 0, split = false;
    for (let v = 0; v < rc; v++) { pieceAt[v] = total; total += this.vCount[v]!; if (this.vCount[v]! > 1) split = true; }
    pieceAt[rc] = total;
    const list = this.pieceList = atLeast(this.pieceList, total);
    if (split) {
      for (let v = np; v < rc; v++) {
        const lo = pieceAt[v]!;
        let at = pieceAt[v + 1]!;
        for (let p = this.vLast[v]!; p >= 0; p = this.pPrev[p]!) list[--at] = p;
        for (let k = lo + 1; k < pieceAt[v + 1]!; k++) {
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
    const gaps = this.gaps, edges = this.edges, nOps = this.opCount;
    const ints = n + 1 + nOps + nb + 1 + 4 * (gaps.count + edges.count);
    const arena = this.arena, at = arena.take(ints, np), words = arena.words;
    const opStart = words.subarray(at, at + n + 1), opLoc = words.subarray(at + n + 1, at + n + 1 + nOps);
    const edgeStart = words.subarray(at + n + 1 + nOps, at + n + nOps + nb + 2);
    for (let i = 0; i <= n; i++) opStart[i] = this.opStart[i]!;
    const gapMoves = gaps.finish(words, at + n + nOps + nb + 2);
    const edgeMoves = edges.finish(words, at + n + nOps + nb + 2 + 4 * gapMoves.count);
    const usedPregs = arena.bytes.subarray(4 * (at + ints), 4 * (at + ints) + np);
    for (let p = 0; p < np; p++) usedPregs[p] = this.usedPregs[p]!;
    let e = 0;
    for (let b = 0; b < nb; b++) { edgeStart[b] = e; e += t.blocks[b]!.succs.length; }
    edgeStart[nb] = e;
    // Operand locations: walk the stream with a cursor per vreg into its pieces.
    const opReg = this.opReg, opKind = this.opKind, vLast = this.vLast;
    if (!split) {
      for (let k = 0; k < nOps; k++) { const r = opReg[k]!; opLoc[k] = r < np ? r : pLoc[vLast[r]!]!; }
    } else {
      const cursor = this.regScratch.fill(0, 0, rc), gathered = this.opStart;
      for (let i = 0; i < n; i++) {
        for (let k = gathered[i]!; k < gathered[i + 1]!; k++) {
          const r = opReg[k]!;
          if (r < np) { opLoc[k] = r; continue; }
          const pos = opKind[k] === OperandKind.Def ? 4 * i + 2 : 4 * i + 1;
          const base = pieceAt[r]!, last = pieceAt[r + 1]! - 1;
          let c = base + cursor[r]!;
          while (c < last && pStart[list[c + 1]!]! <= pos) c++;
          cursor[r] = c - base;
          opLoc[k] = pLoc[list[c]!]!;
        }
      }
    }
    return { opStart, opLoc, gapMoves, edgeMoves, edgeStart, spillSlots: this.spillSlots, usedPregs };
  }

  /** Gap moves: a piece that continues its predecessor's range inside a block (`list`: pieces by vreg, in start order). */
  gapMovesOf(list: Int32Array): void {
    const t = this.t, np = this.numPregs, rc = t.regCount, pStart = this.pStart, pLoc = this.pLoc, pieceAt = this.pieceAt;
    const gaps = this.gaps;
    this.loopInfo();
    for (let v = np; v < rc; v++) {
      const base = pieceAt[v]!, n = pieceAt[v + 1]! - base;
      for (let k = 1; k < n; k++) {
        const a = list[base + k - 1]!, b = list[base + k]!;
        const bs = pStart[b]!;
        if (this.pEnd[a] !== bs) continue;
        const i = bs >> 2, blockStart = 4 * t.blocks[this.blockOf[i]!]!.first;
        if (blockStart === bs) continue; // block start: edge moves
        // A store after a read (b starts at a def position) whose register was itself loaded
        // at this gap: the parallel move reads the value where the load reads it.
        let from = pLoc[a]!;
        for (let j = k - 1; j > 0; j--) {
          const pj = list[base + j]!, sj = pStart[pj]!;
          if (sj !== 4 * i || sj === blockStart || this.pEnd[list[base + j - 1]!] !== sj) break;
          from = pLoc[list[base + j - 1]!]!;
        }
        if (from !== pLoc[b]) gaps.add(i, from, pLoc[b]!, v);
      }
    }
  }

  /** Edge moves: where a value's location at the end of a block differs from the one at the start of its successor. */
  edgeMovesOf(): void {
    const t = this.t, edges = this.edges, liveHead = this.liveHead, liveV = this.liveV, liveNext = this.liveNext, nb = this.nb;
    const list = this.pieceList, pieceAt = this.pieceAt, pStart = this.pStart, pLoc = this.pLoc, vCount = this.vCount, rc = t.regCount;
    // A vreg's location at a position is that of its last piece (by start) starting at or before
    // it (else its first piece). Found by cursors rather than searches: per vreg, an index into
    // its pieces that only moves forward, since both kinds of query come in increasing position.
    // First the location of every live-in value at the start of its block (blocks in order)...
    const startLoc = this.startLoc = atLeast(this.startLoc, this.liveCount);
    let cursor = this.regScratch2.fill(0, 0, rc);
    for (let b = 0; b < nb; b++) {
      const pos = 4 * t.blocks[b]!.first;
      for (let x = liveHead[b]!; x >= 0; x = liveNext[x]!) {
        const v = liveV[x]!;
        if (vCount[v]! < 2) continue;
        const base = pieceAt[v]!, last = pieceAt[v + 1]! - 1;
        let c = base + cursor[v]!;
        while (c < last && pStart[list[c + 1]!]! <= pos) c++;
        cursor[v] = c - base;
        startLoc[x] = pLoc[list[c]!]!;
      }
    }
    // ... then at the end of each block, against the successors' starts.
    cursor = this.regScratch.fill(0, 0, rc);
    let e = 0;
    for (let b = 0; b < nb; b++) {
      const blk = t.blocks[b]!;
      const endPos = 4 * (blk.first + blk.count) - 1;
      for (const s of blk.succs) {
        for (let x = liveHead[s]!; x >= 0; x = liveNext[x]!) {
          const v = liveV[x]!;
          if (vCount[v]! < 2) continue;
          const base = pieceAt[v]!, last = pieceAt[v + 1]! - 1;
          let c = base + cursor[v]!;
          while (c < last && pStart[list[c + 1]!]! <= endPos) c++;
          cursor[v] = c - base;
          const from = pLoc[list[c]!]!, to = startLoc[x]!;
          if (from !== to) edges.add(e, from, to, v);
        }
        e++;
      }
    }
  }
}

/** The target an allocator holds between calls (so that it keeps no function alive). */
const NO_TARGET: RegallocInput = {
  numPregs: 0, pregClass: [], allocatable: [], regCount: 0, regClass: [], blocks: [], instCount: 0,
  opStart: new Int32Array(1), opReg: NO_INTS, opKind: NO_INTS, acceptsSpillSlot(): boolean { return false; }, isCalleeSaved(): boolean { return false; },
};

/**
 * The allocator's state, to be reused by every function of one compilation: its
 * tables grow to the largest function and are then only refilled, and its results
 * come from a shared arena. Allocation is synchronous and never re-entered (the
 * target only supplies tables), so one instance serves call after call.
 */
export class RegisterAllocatorState {
  private current: Allocator | null = null;
  /** @internal The allocator, made on first use. */
  get allocator(): Allocator {
    return (this.current ??= new Allocator());
  }
  /** Drops the tables (a compilation calls this when done, so that what it returns does not keep them alive). */
  release(): void {
    this.current = null;
  }
}

/**
 * Allocates registers for every vreg of `t`. Pass the compilation's `state`
 * (src/codegen/x64/scratch.ts owns one); without it the call builds its tables anew.
 */
export function allocateRegisters(t: RegallocInput, state: RegisterAllocatorState = new RegisterAllocatorState()): Allocation {
  const a = state.allocator;
  a.reset(t);
  a.gatherOperands();
  a.computePreds();
  a.liveness();
  a.buildIntervals();
  a.run();
  const resolved = a.resolve();
  const stored = removeRedundantStores(t, resolved, a, a.slotOf);
  // Dead moves are what dropped stores leave behind (the reloads that fed them): only look then.
  const result = stored === resolved ? resolved : removeDeadMoves(t, stored, a);
  a.detach();
  return result;
}

/**
 * The operand table of a hand-built target (tests, tools): `insts[i]` lists instruction i's
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

/** Loop depth of each block of `t` (the number of natural loops it is in), as the allocator weighs and places code by it. */
export function loopDepths(t: RegallocInput): Int32Array {
  const a = new Allocator();
  a.reset(t);
  a.computePreds();
  a.loopInfo();
  a.detach();
  return a.depth.slice(0, t.blocks.length);
}
