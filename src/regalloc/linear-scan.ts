/**
 * Linear-scan register allocation with interval splitting (after Wimmer &
 * Franz, "Optimized Interval Splitting in a Linear Scan Register Allocator").
 * Architecture-neutral: the target describes its registers as numbers and
 * reports each instruction's register operands through one visitor
 * (`RegallocTarget.operands`), the same visitor its emitter and printer use.
 * The output is the contract of allocation.ts.
 *
 * Pipeline position: after lowering (machine instructions on virtual
 * registers), before emission.
 *
 *   loops         back edges in layout order -> natural loops -> loop depth per block
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
 */
import { removeDeadMoves } from './dead-moves.js';
import { removeRedundantStores } from './redundant-stores.js';
import { SPILL_BASE, type Allocation, type MoveList } from './allocation.js';
export { SPILL_BASE, isSpill, type Allocation, type MoveList } from './allocation.js';

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

/** Receives the register operands of one instruction. */
export interface OperandSink {
  /** One operand: register number (preg or vreg) and kind. */
  operand(reg: number, kind: OperandKind): void;
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

/** What the allocator needs to know about a target and a function. */
export interface RegallocTarget {
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
  /** The shared operand visitor. */
  operands(inst: number, sink: OperandSink): void;
  /** True if instruction `inst` may have spill-slot operands (copies); such operands never need a register. */
  acceptsSpillSlot(inst: number): boolean;
  /** True if a value in preg p survives calls (the allocator prefers other registers for short values). */
  isCalleeSaved(p: number): boolean;
}

const INF = 0x3fffffff;
/** Shared empty range / use list of register ids not written yet (never written to itself). */
const NONE_YET: number[] = [];
/** Shared empty piece list of vregs not allocated yet (never written to itself). */
const NO_PIECES: Interval[] = [];
/** Cost of using a callee-saved register for the first time: a save and a restore. */
const CALLEE_SAVE_COST = 2;

/** Position of the gap at or before `pos`. */
function gapFloor(pos: number): number { return pos & ~3; }

/**
 * A vreg's interval or a piece of it. Ranges and uses live in per-vreg arrays
 * shared by all pieces; a piece owns the pairs rLo .. rHi-1 (with its own first
 * `from` and last `to`) and the uses uLo .. uHi-1.
 */
class Interval {
  /** Location (preg or SPILL_BASE + slot), -1 while unassigned. */
  loc = -1;
  /** Range pair index of `covers` queries (advances with the scan). */
  cursor: number;
  constructor(
    readonly v: number,
    readonly ranges: number[],
    readonly uses: Int32Array,
    public rLo: number, public rHi: number, public start: number, public end: number,
    public uLo: number, public uHi: number,
  ) { this.cursor = rLo; }
  from(k: number): number { return k === this.rLo ? this.start : this.ranges[2 * k]!; }
  to(k: number): number { return k === this.rHi - 1 ? this.end : this.ranges[2 * k + 1]!; }
  /** True if live at `pos`; `pos` must not decrease between calls. */
  covers(pos: number): boolean {
    while (this.cursor < this.rHi && this.to(this.cursor) <= pos) this.cursor++;
    return this.cursor < this.rHi && this.from(this.cursor) <= pos;
  }
  /** First position where both are live, or INF. */
  intersect(o: Interval): number {
    let i = this.cursor, j = o.cursor;
    while (i < this.rHi && j < o.rHi) {
      if (this.to(i) <= o.from(j)) i++;
      else if (o.to(j) <= this.from(i)) j++;
      else return Math.max(this.from(i), o.from(j));
    }
    return INF;
  }
  /** First use position >= pos that needs a register (use entries are position*2 + needsRegister). */
  nextRegUse(pos: number): number {
    for (let k = this.firstUseAt(pos); k < this.uHi; k++) if ((this.uses[k]! & 1) !== 0) return this.uses[k]! >>> 1;
    return INF;
  }
  /** Index of the first use at or after `pos` (binary search: uses are sorted). */
  firstUseAt(pos: number): number {
    let lo = this.uLo, hi = this.uHi;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.uses[mid]! < 2 * pos) lo = mid + 1; else hi = mid;
    }
    return lo;
  }
  /** Last use position < pos that needs a register, or -1. */
  lastRegUseBefore(pos: number): number {
    for (let k = this.firstUseAt(pos) - 1; k >= this.uLo; k--) if ((this.uses[k]! & 1) !== 0) return this.uses[k]! >>> 1;
    return -1;
  }
  /** Splits off the part from `pos` (start < pos < end) and returns it. */
  split(pos: number): Interval {
    let k = this.rLo;
    while (this.to(k) <= pos) k++;
    const uk = this.firstUseAt(pos);
    const inRange = this.from(k) < pos;
    const child = new Interval(this.v, this.ranges, this.uses, k, this.rHi, inRange ? pos : this.from(k), this.end, uk, this.uHi);
    child.cursor = k;
    if (inRange) { this.rHi = k + 1; this.end = pos; }
    else { this.end = this.to(k - 1); this.rHi = k; }
    if (this.cursor >= this.rHi) this.cursor = this.rHi - 1;
    this.uHi = uk;
    return child;
  }
}

/** Min-heap of intervals by start. */
class Unhandled {
  readonly heap: Interval[] = [];
  push(it: Interval): void {
    const h = this.heap;
    let i = h.push(it) - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (h[p]!.start <= it.start) break;
      h[i] = h[p]!;
      i = p;
    }
    h[i] = it;
  }
  pop(): Interval {
    const h = this.heap, top = h[0]!, last = h.pop()!;
    if (h.length > 0) {
      let i = 0;
      const n = h.length;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && h[c + 1]!.start < h[c]!.start) c++;
        if (h[c]!.start >= last.start) break;
        h[i] = h[c]!;
        i = c;
      }
      h[i] = last;
    }
    return top;
  }
}

/** Growable move list. */
class Moves {
  key: number[] = []; from: number[] = []; to: number[] = []; reg: number[] = [];
  add(k: number, f: number, t: number, r: number): void { this.key.push(k); this.from.push(f); this.to.push(t); this.reg.push(r); }
  /** Sorted by key (stable). */
  finish(): MoveList {
    const n = this.key.length;
    // The four columns share one buffer (one backing-store allocation).
    const words = new Int32Array(4 * n);
    const out = { count: n, key: words.subarray(0, n), from: words.subarray(n, 2 * n), to: words.subarray(2 * n, 3 * n), reg: words.subarray(3 * n) };
    let sorted = true;
    for (let i = 1; i < n; i++) if (this.key[i]! < this.key[i - 1]!) { sorted = false; break; }
    if (sorted) {
      for (let i = 0; i < n; i++) { out.key[i] = this.key[i]!; out.from[i] = this.from[i]!; out.to[i] = this.to[i]!; out.reg[i] = this.reg[i]!; }
      return out;
    }
    const idx = Array.from({ length: n }, (_, i) => i);
    idx.sort((a, b) => this.key[a]! - this.key[b]! || a - b);
    for (let i = 0; i < n; i++) {
      const j = idx[i]!;
      out.key[i] = this.key[j]!; out.from[i] = this.from[j]!; out.to[i] = this.to[j]!; out.reg[i] = this.reg[j]!;
    }
    return out;
  }
}

/** Per-allocation state. */
class Allocator implements OperandSink {
  readonly numPregs: number;
  readonly nb: number;
  /** Block of each instruction. */
  readonly blockOf: Int32Array;
  /** Loop depth of each block. */
  readonly depth: Int32Array;
  /** Per register id: ranges (flat pairs, built descending, then reversed). */
  readonly ranges: number[][];
  /**
   * Uses (2*pos + needsRegister) of all register ids in one table, register r's ascending in
   * useList[useAt[r] .. useAt[r+1]): every operand is one use, so the sizes are known once the
   * operands are gathered; buildIntervals walks backwards and fills each part from its top (useFill).
   */
  useList: Int32Array = new Int32Array(0);
  readonly useAt: Int32Array;
  readonly useFill: Int32Array;
  /** Copy hints per register id (another register id, or -1): where a copy into it reads from, where a copy of it goes. */
  readonly hintSrc: Int32Array;
  readonly hintDst: Int32Array;
  /** Pieces of each vreg, in start order. */
  readonly pieces: Interval[][];
  /** Fixed interval per preg (null when never named). */
  readonly fixed: (Interval | null)[] = [];
  readonly slotOf: Int32Array;
  spillSlots = 0;
  readonly usedPregs: Uint8Array;
  /** 1 for pregs that survive calls (`t.isCalleeSaved`, asked once per preg). */
  readonly calleeSaved: Uint8Array;
  /** Predecessors of each block. */
  readonly preds: number[][] = [];
  readonly active: Interval[] = [];
  readonly inactive: Interval[] = [];
  readonly unhandled = new Unhandled();
  /**
   * Every instruction's operands, gathered once through the visitor (liveness, intervals
   * and resolution all read them): instruction i has opReg/opKind[opStart[i] .. opStart[i+1]).
   */
  readonly opStart: Int32Array;
  /** One number per register id for a single pass at a time (liveness, then resolution). */
  readonly regScratch: Int32Array;
  opReg: Int32Array;
  opKind: Int32Array;
  opCount = 0;
  // scratch per register
  readonly freeUntil: Int32Array;
  readonly nextUse: Int32Array;
  readonly blockPos: Int32Array;

  constructor(readonly t: RegallocTarget) {
    this.numPregs = t.numPregs;
    this.nb = t.blocks.length;
    const np = t.numPregs, rc = t.regCount, n = t.instCount;
    // The fixed-size integer tables are views of one buffer: a typed array of its own
    // costs a backing-store allocation each, which dominated the set-up of small functions.
    const words = new Int32Array(2 * n + 2 + this.nb + 6 * rc + 3 * np);
    let at = 0;
    const take = (len: number): Int32Array => words.subarray(at, at += len);
    this.blockOf = take(n);
    for (let k = 0; k < this.nb; k++) { const b = t.blocks[k]!; this.blockOf.fill(k, b.first, b.first + b.count); }
    this.depth = take(this.nb);
    this.hintSrc = take(rc).fill(-1);
    this.hintDst = take(rc).fill(-1);
    this.slotOf = take(rc).fill(-1);
    this.freeUntil = take(np);
    this.nextUse = take(np);
    this.blockPos = take(np);
    this.opStart = take(n + 1);
    this.regScratch = take(rc);
    this.useAt = take(rc + 1);
    this.useFill = take(rc);
    // Most register ids are never named (pregs) or never split: they share NONE_YET until written.
    this.ranges = new Array<number[]>(rc).fill(NONE_YET);
    this.pieces = new Array<Interval[]>(rc).fill(NO_PIECES);
    const bytes = new Uint8Array(2 * np);
    this.usedPregs = bytes.subarray(0, np);
    this.calleeSaved = bytes.subarray(np);
    for (let p = 0; p < np; p++) this.calleeSaved[p] = t.isCalleeSaved(p) ? 1 : 0;
    // About three operands per instruction; operand() grows them when needed.
    const ops = new Int32Array(8 * n + 32);
    this.opReg = ops.subarray(0, 4 * n + 16);
    this.opKind = ops.subarray(4 * n + 16);
  }

  operand(reg: number, kind: OperandKind): void {
    if (this.opCount === this.opReg.length) {
      const reg2 = new Int32Array(2 * this.opCount), kind2 = new Int32Array(2 * this.opCount);
      reg2.set(this.opReg); kind2.set(this.opKind);
      this.opReg = reg2; this.opKind = kind2;
    }
    this.opReg[this.opCount] = reg;
    this.opKind[this.opCount++] = kind;
  }
  /** Fills opStart / opReg / opKind from the target's visitor. */
  gatherOperands(): void {
    for (let i = 0; i < this.t.instCount; i++) {
      this.opStart[i] = this.opCount;
      this.t.operands(i, this);
    }
    this.opStart[this.t.instCount] = this.opCount;
    const useAt = this.useAt, rc = this.t.regCount;
    for (let k = 0; k < this.opCount; k++) useAt[this.opReg[k]! + 1]!++;
    for (let r = 0; r < rc; r++) useAt[r + 1]! += useAt[r]!;
    this.useFill.set(useAt.subarray(1));
    this.useList = new Int32Array(this.opCount);
  }

  /** Loop depth per block: natural loops of back edges (edges to a block not later in layout order). */
  computeLoops(): void {
    const nb = this.nb, blocks = this.t.blocks, preds = this.preds;
    for (let b = 0; b < nb; b++) preds.push([]);
    blocks.forEach((b, k) => { for (const s of b.succs) preds[s]!.push(k); });
    const stamp = new Int32Array(nb).fill(-1);
    const work: number[] = [];
    for (let h = 0; h < nb; h++) {
      let isHeader = false;
      for (const p of preds[h]!) if (p >= h) { isHeader = true; break; }
      if (!isHeader) continue;
      stamp[h] = h;
      this.depth[h]!++;
      for (const p of preds[h]!) if (p >= h && stamp[p] !== h) { stamp[p] = h; this.depth[p]!++; work.push(p); }
      while (work.length > 0) {
        const b = work.pop()!;
        for (const p of preds[b]!) if (stamp[p] !== h) { stamp[p] = h; this.depth[p]!++; work.push(p); }
      }
    }
  }

  /**
   * Live-in vregs of each block, as lists. Sparse and output-sensitive (the cost is the
   * total size of the live-in sets, not blocks x vregs): each upward-exposed use of v
   * (read before any write in its block) makes v live in there, and liveness spreads
   * backwards through predecessors until blocks that write v.
   */
  liveness(): number[][] {
    const t = this.t, nb = this.nb, np = this.numPregs;
    const defBlock = this.regScratch.fill(-1); // last block scanned that writes v
    const exposed: number[] = [], kills: number[] = []; // (v, block) pairs
    for (let b = 0; b < nb; b++) {
      const blk = t.blocks[b]!;
      for (let i = blk.first; i < blk.first + blk.count; i++) {
        const lo = this.opStart[i]!, hi = this.opStart[i + 1]!;
        for (let k = lo; k < hi; k++) {
          const r = this.opReg[k]!, kind = this.opKind[k]!;
          if (r < np || (kind !== OperandKind.Use && kind !== OperandKind.UseDef)) continue;
          if (defBlock[r] !== b) { exposed.push(r, b); defBlock[r] = b; } // once per block is enough
        }
        for (let k = lo; k < hi; k++) {
          const r = this.opReg[k]!;
          if (r >= np && this.opKind[k] !== OperandKind.Use && defBlock[r] !== b) { kills.push(r, b); defBlock[r] = b; }
        }
      }
    }
    // All tables below are views of one buffer (one backing-store allocation, not eight).
    const rc = t.regCount;
    const words = new Int32Array(4 * rc + 2 + ((exposed.length + kills.length) >> 1) + 2 * nb);
    let at = 0;
    const take = (len: number): Int32Array => words.subarray(at, at += len);
    // Group the pairs by vreg (counting sort).
    const group = (pairs: number[]): { start: Int32Array; blocks: Int32Array } => {
      const start = take(rc + 1);
      for (let k = 0; k < pairs.length; k += 2) start[pairs[k]! + 1]!++;
      for (let r = 0; r < rc; r++) start[r + 1]! += start[r]!;
      const fill = take(rc), blocks = take(pairs.length >> 1);
      fill.set(start.subarray(0, rc));
      for (let k = 0; k < pairs.length; k += 2) blocks[fill[pairs[k]!]!++] = pairs[k + 1]!;
      return { start, blocks };
    };
    const ex = group(exposed), kl = group(kills);
    // A block that writes v before reading it is in kills but not exposed; one that reads
    // v first is exposed (its write, if any, does not stop v being live into it).
    const liveIn: number[][] = Array.from({ length: nb }, () => []);
    const live = take(nb).fill(-1), kill = take(nb).fill(-1);
    const work: number[] = [];
    for (let v = np; v < t.regCount; v++) {
      if (ex.start[v] === ex.start[v + 1]) continue;
      for (let k = kl.start[v]!; k < kl.start[v + 1]!; k++) kill[kl.blocks[k]!] = v;
      for (let k = ex.start[v]!; k < ex.start[v + 1]!; k++) work.push(ex.blocks[k]!);
      while (work.length > 0) {
        const b = work.pop()!;
        if (live[b] === v) continue;
        live[b] = v;
        liveIn[b]!.push(v);
        for (const p of this.preds[b]!) if (live[p] !== v && kill[p] !== v) work.push(p);
      }
    }
    return liveIn;
  }

  /** Records a use of register id r (uses come in descending position order). */
  addUse(r: number, use: number): void {
    this.useList[--this.useFill[r]!] = use;
  }
  /** Adds a piece of vreg v (the list is created on the first). */
  addPiece(it: Interval): void {
    const ps = this.pieces[it.v]!;
    if (ps === NO_PIECES) this.pieces[it.v] = [it]; else ps.push(it);
  }

  /** Adds [from, to) to r's ranges (built in descending order). */
  addRange(r: number, from: number, to: number): void {
    const rs = this.ranges[r]!, n = rs.length;
    // The first range as a literal of two slots (a push onto [] reserves sixteen); most
    // vregs never get a second.
    if (rs === NONE_YET) this.ranges[r] = [from, to];
    else if (n > 0 && rs[n - 2]! <= to) {
      if (from < rs[n - 2]!) rs[n - 2] = from;
      if (to > rs[n - 1]!) rs[n - 1] = to;
    } else rs.push(from, to);
  }
  /** A definition at `pos`: the live range starts there (or a one-position range when dead). */
  define(r: number, pos: number, len: number): void {
    const rs = this.ranges[r]!, n = rs.length; // NONE_YET has no ranges: addRange creates the list
    if (n > 0 && rs[n - 2]! <= pos && pos < rs[n - 1]!) rs[n - 2] = pos;
    else this.addRange(r, pos, pos + len);
  }

  buildIntervals(liveIn: number[][]): void {
    const t = this.t, np = this.numPregs;
    for (let b = this.nb - 1; b >= 0; b--) {
      const blk = t.blocks[b]!;
      const bFrom = 4 * blk.first, bTo = 4 * (blk.first + blk.count);
      // Live out = union of the successors' live-in (a repeated range merges).
      for (const s of blk.succs) for (const v of liveIn[s]!) this.addRange(v, bFrom, bTo);
      for (let i = blk.first + blk.count - 1; i >= blk.first; i--) {
        const lo = this.opStart[i]!, hi = this.opStart[i + 1]!, n = hi - lo;
        const copy = t.acceptsSpillSlot(i);
        const u = 4 * i + 1, d = 4 * i + 2;
        for (let k = lo; k < hi; k++) {
          const r = this.opReg[k]!, kind = this.opKind[k]!;
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
          const r = this.opReg[k]!, kind = this.opKind[k]!;
          if (kind !== OperandKind.Use && kind !== OperandKind.UseDef) continue;
          const need = copy && r >= np && kind === OperandKind.Use ? 0 : 1;
          this.addRange(r, bFrom, u + 1);
          this.addUse(r, 2 * u + need);
        }
        if (copy) {
          // Copy hints: Mov [dst, src]; ParallelMove [srcs..., dsts...].
          const half = n >> 1;
          if (n === 2 && this.opKind[lo] === OperandKind.Def) this.hintPair(this.opReg[lo]!, this.opReg[lo + 1]!);
          else if (n % 2 === 0) for (let k = lo; k < lo + half; k++) if (this.opKind[half + k] === OperandKind.Def) this.hintPair(this.opReg[half + k]!, this.opReg[k]!);
        }
      }
    }
    // Ranges were built descending (the uses were filled in ascending order).
    for (let r = 0; r < t.regCount; r++) {
      const rs = this.ranges[r]!;
      if (rs.length === 0) continue;
      // Reverse the (from, to) pairs in place.
      for (let i = 0, j = rs.length - 2; i < j; i += 2, j -= 2) {
        const f = rs[i]!, e = rs[i + 1]!;
        rs[i] = rs[j]!; rs[i + 1] = rs[j + 1]!;
        rs[j] = f; rs[j + 1] = e;
      }
    }
  }
  hintPair(dst: number, src: number): void {
    if (dst >= this.numPregs && this.hintSrc[dst]! < 0) this.hintSrc[dst] = src;
    if (src >= this.numPregs && this.hintDst[src]! < 0) this.hintDst[src] = dst;
  }

  /**
   * Register a hint resolves to right now, or -1: with `fromSource`, the register of the
   * source of the copy that defines `it` (already allocated); else that of the copy's
   * destination, following a short chain of copies to a preg or an allocated vreg.
   */
  hintReg(it: Interval, fromSource: boolean): number {
    if (fromSource) return this.hintSrc[it.v]! >= 0 ? this.regAt(this.hintSrc[it.v]!, it.start) : -1;
    let h = this.hintDst[it.v]!;
    for (let steps = 0; steps < 4 && h >= 0; steps++) {
      if (h < this.numPregs) return h;
      if (this.pieces[h]!.length > 0) return this.regAt(h, it.start);
      h = this.hintDst[h]!;
    }
    return -1;
  }
  /** Register of register id r's latest piece starting at or before pos, or -1. */
  regAt(r: number, pos: number): number {
    if (r < this.numPregs) return r;
    const ps = this.pieces[r]!;
    for (let k = ps.length - 1; k >= 0; k--) {
      const p = ps[k]!;
      if (p.start <= pos) return p.loc >= 0 && p.loc < this.numPregs ? p.loc : -1;
    }
    return -1;
  }

  /** Spill weight of a piece (its uses, each counted 10^loop depth), counted up to `limit`. */
  weight(it: Interval, limit: number): number {
    let w = 0;
    for (let k = it.uLo; k < it.uHi && w < limit; k++) w += 10 ** Math.min(5, this.depth[this.blockOf[it.uses[k]! >>> 3]!]!);
    return w;
  }

  slot(v: number): number {
    if (this.slotOf[v]! < 0) this.slotOf[v] = this.spillSlots++;
    return SPILL_BASE + this.slotOf[v]!;
  }

  /**
   * Best split position in (min, max]: max, or an earlier block start of lower loop
   * depth (so spill and reload code sits outside loops). `max` must be a gap position.
   */
  splitPos(min: number, max: number): number {
    const maxBlock = this.blockOf[max >> 2]!;
    let best = max, bestDepth = this.depth[maxBlock]!;
    const minBlock = min < 0 ? 0 : this.blockOf[min >> 2]!;
    for (let b = maxBlock, steps = 0; b > minBlock && steps < 256 && bestDepth > 0; b--, steps++) {
      const d = this.depth[b]!;
      if (d < bestDepth) { bestDepth = d; best = 4 * this.t.blocks[b]!.first; }
    }
    return best;
  }

  /** Puts `it` in its spill slot until just before its next register use, whose piece goes back to unhandled. */
  spill(it: Interval, notBefore: number): void {
    const r = it.nextRegUse(it.start);
    if (r !== INF) {
      const max = gapFloor(r);
      if (max <= it.start) throw new Error(`regalloc: cannot spill v${it.v} at ${it.start}: it needs a register there`);
      const pos = this.splitPos(Math.max(it.start, notBefore - 1), max);
      this.unhandled.push(it.split(pos));
    }
    it.loc = this.slot(it.v);
  }

  run(): void {
    const t = this.t, np = this.numPregs;
    for (let p = 0; p < np; p++) {
      const rs = this.ranges[p]!;
      if (rs.length === 0) { this.fixed.push(null); continue; }
      this.usedPregs[p] = 1;
      this.fixed.push(new Interval(p, rs, this.useList, 0, rs.length >> 1, rs[0]!, rs[rs.length - 1]!, 0, 0));
    }
    const initial: Interval[] = [];
    for (let v = np; v < t.regCount; v++) {
      const rs = this.ranges[v]!;
      if (rs.length === 0) continue;
      initial.push(new Interval(v, rs, this.useList, 0, rs.length >> 1, rs[0]!, rs[rs.length - 1]!, this.useAt[v]!, this.useAt[v + 1]!));
    }
    initial.sort((a, b) => a.start - b.start);
    for (const it of initial) this.unhandled.push(it);
    const active = this.active, inactive = this.inactive;
    while (this.unhandled.heap.length > 0) {
      const cur = this.unhandled.pop();
      const pos = cur.start;
      for (let k = 0; k < active.length; k++) {
        const it = active[k]!;
        if (it.end <= pos) { active[k] = active[active.length - 1]!; active.pop(); k--; }
        else if (!it.covers(pos)) { inactive.push(it); active[k] = active[active.length - 1]!; active.pop(); k--; }
      }
      for (let k = 0; k < inactive.length; k++) {
        const it = inactive[k]!;
        if (it.end <= pos) { inactive[k] = inactive[inactive.length - 1]!; inactive.pop(); k--; }
        else if (it.covers(pos)) { active.push(it); inactive[k] = inactive[inactive.length - 1]!; inactive.pop(); k--; }
      }
      this.addPiece(cur);
      if (!this.tryFree(cur)) this.allocateBlocked(cur);
      if (cur.loc < np) { this.usedPregs[cur.loc] = 1; active.push(cur); }
    }
  }

  /** Assigns a register free for all of `cur` or a prefix of it (splitting the rest off). */
  tryFree(cur: Interval): boolean {
    const t = this.t, regs = t.allocatable[t.regClass[cur.v]!]!, fu = this.freeUntil;
    for (const p of regs) {
      const f = this.fixed[p];
      // Fixed intervals of the other class are not looked at, so their cursors advance only here.
      fu[p] = f === null ? INF : (f.covers(cur.start), f.intersect(cur));
    }
    for (const it of this.active) fu[it.loc] = 0;
    for (const it of this.inactive) {
      if (fu[it.loc]! === 0 || t.regClass[it.v] !== t.regClass[cur.v]) continue;
      const x = it.intersect(cur);
      if (x < fu[it.loc]!) fu[it.loc] = x;
    }
    let reg = -1;
    for (let k = 0; k < 2 && reg < 0; k++) {
      const h = this.hintReg(cur, k === 0);
      if (h >= 0 && regs.includes(h) && fu[h]! >= cur.end) reg = h;
    }
    if (reg < 0) {
      // Whole fit: the first register in preference order, but a callee-saved one not used yet
      // only for a value that lives across a call (a call clobbers all caller-saved ones).
      let fallback = -1;
      for (const p of regs) {
        if (fu[p]! < cur.end) continue;
        if (this.calleeSaved[p] === 1 && this.usedPregs[p] === 0 && fallback < 0) { fallback = p; continue; }
        if (this.calleeSaved[p] === 0 || this.usedPregs[p] !== 0) { reg = p; break; }
      }
      if (reg < 0 && fallback >= 0) {
        // A callee-saved register costs a save and a restore; a value used less than that
        // (weighted by loop depth) waits in its slot until it needs a register, if it can.
        const first = cur.nextRegUse(cur.start);
        if (this.weight(cur, CALLEE_SAVE_COST) < CALLEE_SAVE_COST && (first === INF || gapFloor(first) > cur.start)) {
          this.spill(cur, cur.start);
          return true;
        }
        reg = fallback;
      }
    }
    if (reg >= 0) { cur.loc = reg; return true; }
    // Prefix: the register free longest.
    let best = -1;
    for (const p of regs) if (best < 0 || fu[p]! > fu[best]!) best = p;
    const at = gapFloor(fu[best]!);
    if (best < 0 || at <= cur.start) return false;
    this.unhandled.push(cur.split(this.splitPos(cur.start, at)));
    cur.loc = best;
    return true;
  }

  /** No register is free: evict the one used furthest in the future, or spill `cur`. */
  allocateBlocked(cur: Interval): void {
    const t = this.t, regs = t.allocatable[t.regClass[cur.v]!]!, nu = this.nextUse, bp = this.blockPos;
    const pos = cur.start, gap = gapFloor(pos);
    for (const p of regs) {
      const f = this.fixed[p];
      const x = f === null ? INF : (f.covers(pos), f.intersect(cur));
      nu[p] = x; bp[p] = x;
    }
    for (const it of this.active) {
      // A holder read by this instruction can still be stored after the read (see below).
      const n = it.nextRegUse(pos);
      if (n < nu[it.loc]!) nu[it.loc] = n;
    }
    for (const it of this.inactive) {
      if (t.regClass[it.v] !== t.regClass[cur.v] || it.intersect(cur) === INF) continue;
      const n = it.nextRegUse(pos);
      if (n < nu[it.loc]!) nu[it.loc] = n;
    }
    let reg = -1;
    for (const p of regs) if (reg < 0 || nu[p]! > nu[reg]!) reg = p;
    const first = cur.nextRegUse(pos);
    if (nu[reg]! <= first) {
      // Everything else is needed sooner: cur waits in its slot until its first register use.
      if (first !== INF && gapFloor(first) <= pos) {
        throw new Error(`regalloc: no register for a must-have-register operand (v${cur.v}, class ${t.regClass[cur.v]})`);
      }
      this.spill(cur, pos);
      return;
    }
    cur.loc = reg;
    if (bp[reg]! < cur.end) {
      const at = gapFloor(bp[reg]!);
      if (at <= pos) throw new Error(`regalloc: no register for v${cur.v} before a fixed use of ${reg}`);
      this.unhandled.push(cur.split(at));
    }
    // Move the other holders of reg out of cur's way.
    const active = this.active, inactive = this.inactive;
    for (let k = 0; k < active.length; k++) {
      const it = active[k]!;
      if (it.loc !== reg) continue;
      active[k] = active[active.length - 1]!; active.pop(); k--;
      // Store as early as possible after its last register use (outside loops when it can);
      // when this instruction reads it, the store goes before the instruction and the
      // register keeps the value for the read (a split at cur's def position).
      const lastUse = it.lastRegUseBefore(pos);
      if (it.start >= pos || (it.start >= gap && lastUse < gap)) { this.spill(it, pos); continue; }
      const at = lastUse >= gap ? pos : this.splitPos(Math.max(lastUse, it.start), gap);
      const rest = it.split(at);
      this.addPiece(rest);
      this.spill(rest, pos);
    }
    for (let k = 0; k < inactive.length; k++) {
      const it = inactive[k]!;
      if (it.loc !== reg || it.intersect(cur) === INF) continue;
      inactive[k] = inactive[inactive.length - 1]!; inactive.pop(); k--;
      // Split at the end of its lifetime hole; the rest is allocated again.
      let j = it.cursor;
      while (it.to(j) <= pos) j++;
      this.unhandled.push(it.split(it.from(j)));
    }
  }

  /** Location of vreg v at position pos (the piece covering or last ending before it). */
  locAt(v: number, pos: number): number {
    const ps = this.pieces[v]!;
    let lo = 0, hi = ps.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (ps[mid]!.start <= pos) lo = mid; else hi = mid - 1;
    }
    return ps[lo]!.loc;
  }

  resolve(liveIn: number[][]): Allocation {
    const t = this.t, np = this.numPregs;
    for (let v = np; v < t.regCount; v++) if (this.pieces[v]!.length > 1) this.pieces[v]!.sort((a, b) => a.start - b.start);
    // Operand locations: walk the stream with a cursor per vreg into its pieces.
    const cursor = this.regScratch.fill(0);
    const opStart = this.opStart;
    const opLoc = new Int32Array(this.opCount);
    for (let i = 0; i < t.instCount; i++) {
      for (let k = opStart[i]!; k < opStart[i + 1]!; k++) {
        const r = this.opReg[k]!;
        if (r < np) { opLoc[k] = r; continue; }
        const pos = this.opKind[k] === OperandKind.Def ? 4 * i + 2 : 4 * i + 1;
        const ps = this.pieces[r]!;
        let c = cursor[r]!;
        while (c + 1 < ps.length && ps[c + 1]!.start <= pos) c++;
        cursor[r] = c;
        opLoc[k] = ps[c]!.loc;
      }
    }
    // Gap moves: a piece that continues its predecessor's range inside a block.
    const gaps = new Moves();
    for (let v = np; v < t.regCount; v++) {
      const ps = this.pieces[v]!;
      for (let k = 1; k < ps.length; k++) {
        const a = ps[k - 1]!, b = ps[k]!;
        if (a.end !== b.start) continue;
        const i = b.start >> 2, blockStart = 4 * t.blocks[this.blockOf[i]!]!.first;
        if (blockStart === b.start) continue; // block start: edge moves
        // A store after a read (b starts at a def position) whose register was itself loaded
        // at this gap: the parallel move reads the value where the load reads it.
        let from = a.loc;
        for (let j = k - 1; j > 0 && ps[j]!.start === 4 * i && ps[j]!.start !== blockStart && ps[j - 1]!.end === ps[j]!.start; j--) from = ps[j - 1]!.loc;
        if (from !== b.loc) gaps.add(i, from, b.loc, v);
      }
    }
    // Edge moves.
    const edges = new Moves();
    const edgeStart = new Int32Array(this.nb + 1);
    let e = 0;
    for (let b = 0; b < this.nb; b++) {
      edgeStart[b] = e;
      const blk = t.blocks[b]!;
      const endPos = 4 * (blk.first + blk.count) - 1;
      for (const s of blk.succs) {
        const sPos = 4 * t.blocks[s]!.first;
        for (const v of liveIn[s]!) {
          if (this.pieces[v]!.length < 2) continue;
          const from = this.locAt(v, endPos), to = this.locAt(v, sPos);
          if (from !== to) edges.add(e, from, to, v);
        }
        e++;
      }
    }
    edgeStart[this.nb] = e;
    return {
      opStart, opLoc, gapMoves: gaps.finish(), edgeMoves: edges.finish(), edgeStart,
      spillSlots: this.spillSlots, usedPregs: this.usedPregs,
    };
  }
}

/** Allocates registers for every vreg of `t`. */
export function allocateRegisters(t: RegallocTarget): Allocation {
  const a = new Allocator(t);
  a.gatherOperands();
  a.computeLoops();
  const liveIn = a.liveness();
  a.buildIntervals(liveIn);
  a.run();
  const resolved = a.resolve(liveIn);
  const stored = removeRedundantStores(t, resolved, a, a.slotOf);
  // Dead moves are what dropped stores leave behind (the reloads that fed them): only look then.
  return stored === resolved ? resolved : removeDeadMoves(t, stored, a);
}
