/**
 * The baseline tier's register allocator: one forward pass per block, no liveness
 * dataflow and no intervals. Architecture-neutral; its input and output are the same
 * contract as linear scan's (allocation.ts), so the same emitter implements it and the
 * same independent checker (checker.ts) proves it.
 *
 * Pipeline position: after lowering (the baseline tier does not rotate loops), before
 * emission. Also the optimising tier's fallback for a function whose live-in lists would
 * make linear scan super-linear (`liveInBudget` in linear-scan.ts).
 *
 * The convention (what makes one pass enough):
 *  - A *global* register id is one named in more than one block (a value live across a
 *    block boundary, a block parameter). Its home is its spill slot: at every block
 *    boundary a global value is in its slot and nowhere else is assumed.
 *  - Within a block, values sit in registers while they fit: a use of a global value
 *    loads it from its slot into a register the first time (a gap move) and keeps it
 *    there; a definition of a global value leaves it in a register, marked dirty, and it
 *    is stored when its register is needed or before the block's last instruction.
 *    Copies (`acceptsSpillSlot`: moves, parallel moves of block arguments) read and write
 *    global values in their slots directly.
 *  - A block whose only predecessor is the block before it (a fall-through: a loop body
 *    after its header's branch, the first arm of an if) starts with the registers that block
 *    ended with: global values there are clean copies of their slots, still valid (an extended
 *    basic block), so it does not load them again.
 *  - *Local* ids (one block) live in registers; when registers run out, the one whose
 *    next use is furthest is evicted (stored to a slot of its own, reloaded at its next use).
 *  - Fixed registers named by an instruction (arguments, results, call clobbers, `cl` of a
 *    shift) are emptied before it; a register is given to a value preferably when no
 *    instruction names it before the value's next use (so values living across a call
 *    land in callee-saved registers when any is free).
 *
 * Next uses come from one backward scan per block over the operand table (`nextUse` per
 * operand): the only look-ahead there is. Cost: a few array reads per operand and, per
 * register choice, a walk over the class's allocatable registers.
 */
import { OperandKind, SPILL_BASE, type Allocation, type MoveList, type RegallocInput } from './allocation.js';

const INF = 0x3fffffff;
/** `nextFixed` when no later instruction names the register (even: not a read; `>> 1` is INF). */
const NO_FIXED = 2 * INF;

/** An empty table (the state's operand-table fields between calls). */
const NO_INTS: Int32Array = new Int32Array(0);
/** The empty move list, shared by results that have no moves of a kind. */
const NO_MOVES: MoveList = { count: 0, key: new Int32Array(0), from: new Int32Array(0), to: new Int32Array(0), reg: new Int32Array(0) };

/** `a` if it has at least `n` entries, else a new, larger array (contents not kept). */
function atLeast(a: Int32Array, n: number): Int32Array {
  return a.length >= n ? a : new Int32Array(Math.max(n, 2 * a.length));
}

/** Moves appended in key order (so never sorted), four parallel growable tables. */
class MoveBuffer {
  count = 0;
  words = new Int32Array(256);
  add(key: number, from: number, to: number, reg: number): void {
    if (4 * this.count + 4 > this.words.length) {
      const w = new Int32Array(2 * this.words.length);
      w.set(this.words);
      this.words = w;
    }
    const at = 4 * this.count++;
    this.words[at] = key; this.words[at + 1] = from; this.words[at + 2] = to; this.words[at + 3] = reg;
  }
  /** The moves as a `MoveList` of new arrays; this buffer is emptied. */
  finish(): MoveList {
    const n = this.count;
    if (n === 0) return NO_MOVES;
    this.count = 0;
    const out = new Int32Array(4 * n), w = this.words;
    const list = { count: n, key: out.subarray(0, n), from: out.subarray(n, 2 * n), to: out.subarray(2 * n, 3 * n), reg: out.subarray(3 * n) };
    for (let m = 0; m < n; m++) { list.key[m] = w[4 * m]!; list.from[m] = w[4 * m + 1]!; list.to[m] = w[4 * m + 2]!; list.reg[m] = w[4 * m + 3]!; }
    return list;
  }
}

/**
 * The local allocator's reusable tables (one per compilation, like linear scan's state): typed
 * arrays grown to the largest function and refilled. Never re-entered.
 */
export class LocalAllocatorState {
  /** Per register id: block that first named it, 1 if global, spill slot (-1), register holding it (-1), 1 if dirty, next use. */
  vBlock: Int32Array = NO_INTS; vGlobal: Int32Array = NO_INTS; vSlot: Int32Array = NO_INTS; vReg: Int32Array = NO_INTS; vDirty: Int32Array = NO_INTS; vNext: Int32Array = NO_INTS;
  /** Per register id: the next Use/UseDef in the block seen by the backward scan, and the block of that entry. */
  seenNext: Int32Array = NO_INTS; seenBlock: Int32Array = NO_INTS;
  /** Per operand: instruction index of the register id's next read in the block (INF if none). */
  opNext: Int32Array = NO_INTS;
  /** Per preg: the register id it holds (-1), its cursor into `fixedPos`, the instruction index it is pinned for. */
  holder: Int32Array = NO_INTS; fixedCursor: Int32Array = NO_INTS; pinned: Int32Array = NO_INTS;
  /** Positions naming each preg, ascending: fixedPos[fixedAt[p] .. fixedEnd[p]), each 2*i + (1 if read). */
  fixedAt: Int32Array = NO_INTS; fixedEnd: Int32Array = NO_INTS; fixedPos: Int32Array = NO_INTS;
  /** Per register id: the instruction before which it was last stored by an eviction, and from which register. */
  evictedAt: Int32Array = NO_INTS; evictedFrom: Int32Array = NO_INTS;
  /** Per block: its number of predecessors, and the last one seen (the only one when there is one). */
  predCount: Int32Array = NO_INTS; lastPred: Int32Array = NO_INTS;
  readonly gaps = new MoveBuffer();
  readonly edges = new MoveBuffer();
}

/** Allocates registers for `t` by the local convention (see the file comment). */
export function allocateLocal(t: RegallocInput, s: LocalAllocatorState = new LocalAllocatorState()): Allocation {
  return new LocalPass(t, s).run();
}

/** One allocation: the pass over one function (its fields alias the state's tables). */
class LocalPass {
  readonly t: RegallocInput;
  readonly s: LocalAllocatorState;
  readonly np: number;
  readonly opStart: Int32Array;
  readonly opReg: Int32Array;
  readonly opKind: Int32Array;
  readonly opLoc: Int32Array;
  readonly usedPregs: Uint8Array;
  spillSlots = 0;
  constructor(t: RegallocInput, s: LocalAllocatorState) {
    this.t = t;
    this.s = s;
    this.np = t.numPregs;
    this.opStart = t.opStart;
    this.opReg = t.opReg;
    this.opKind = t.opKind;
    const nOps = t.instCount > 0 ? t.opStart[t.instCount]! : 0;
    this.opLoc = new Int32Array(nOps);
    this.usedPregs = new Uint8Array(t.numPregs);
  }

  run(): Allocation {
    const t = this.t, s = this.s, np = this.np, rc = t.regCount, n = t.instCount, nb = t.blocks.length;
    const nOps = this.opLoc.length, opReg = this.opReg, opKind = this.opKind, opStart = this.opStart;
    const vBlock = s.vBlock = atLeast(s.vBlock, rc).fill(-1, 0, rc);
    const vGlobal = s.vGlobal = atLeast(s.vGlobal, rc).fill(0, 0, rc);
    s.vSlot = atLeast(s.vSlot, rc).fill(-1, 0, rc);
    s.vReg = atLeast(s.vReg, rc).fill(-1, 0, rc);
    s.vDirty = atLeast(s.vDirty, rc).fill(0, 0, rc);
    s.vNext = atLeast(s.vNext, rc);
    s.seenBlock = atLeast(s.seenBlock, rc).fill(-1, 0, rc);
    s.seenNext = atLeast(s.seenNext, rc);
    s.opNext = atLeast(s.opNext, nOps);
    s.holder = atLeast(s.holder, np).fill(-1, 0, np);
    s.pinned = atLeast(s.pinned, np).fill(-1, 0, np);
    s.fixedCursor = atLeast(s.fixedCursor, np);
    s.fixedEnd = atLeast(s.fixedEnd, np);
    s.evictedAt = atLeast(s.evictedAt, rc).fill(-1, 0, rc);
    s.evictedFrom = atLeast(s.evictedFrom, rc);
    const predCount = s.predCount = atLeast(s.predCount, nb).fill(0, 0, nb), lastPred = s.lastPred = atLeast(s.lastPred, nb);
    for (let b = 0; b < nb; b++) for (const x of t.blocks[b]!.succs) { predCount[x]!++; lastPred[x] = b; }
    // Globals, and the positions naming each preg (counting sort by preg).
    const fixedAt = s.fixedAt = atLeast(s.fixedAt, np + 1).fill(0, 0, np + 1);
    for (let b = 0; b < nb; b++) {
      const blk = t.blocks[b]!, lo = opStart[blk.first]!, hi = opStart[blk.first + blk.count]!;
      for (let k = lo; k < hi; k++) {
        const r = opReg[k]!;
        if (r < np) { fixedAt[r + 1]!++; continue; }
        const seen = vBlock[r]!;
        if (seen < 0) vBlock[r] = b; else if (seen !== b) vGlobal[r] = 1;
      }
    }
    for (let p = 0; p < np; p++) fixedAt[p + 1]! += fixedAt[p]!;
    const fixedPos = s.fixedPos = atLeast(s.fixedPos, fixedAt[np]!);
    const fill = s.fixedCursor;
    for (let p = 0; p < np; p++) fill[p] = fixedAt[p]!;
    for (let i = 0; i < n; i++) {
      for (let k = opStart[i]!; k < opStart[i + 1]!; k++) {
        const r = opReg[k]!;
        if (r >= np) continue;
        const kind = opKind[k]!;
        // A register both read and written by one instruction is recorded once, as read.
        const at = fill[r]!;
        const read = kind === OperandKind.Use || kind === OperandKind.UseDef ? 1 : 0;
        if (at > fixedAt[r]! && fixedPos[at - 1]! >> 1 === i) { fixedPos[at - 1] = fixedPos[at - 1]! | read; continue; }
        fixedPos[at] = 2 * i + read;
        fill[r] = at + 1;
      }
    }
    // Duplicates within an instruction shortened some lists.
    for (let p = 0; p < np; p++) { s.fixedEnd[p] = fill[p]!; s.fixedCursor[p] = fixedAt[p]!; }
    for (let p = 0; p < np; p++) if (fixedAt[p + 1]! > fixedAt[p]!) this.usedPregs[p] = 1;
    for (let b = 0; b < nb; b++) this.block(b);
    const edgeStart = new Int32Array(nb + 1);
    let e = 0;
    for (let b = 0; b < nb; b++) { edgeStart[b] = e; e += t.blocks[b]!.succs.length; }
    edgeStart[nb] = e;
    const opStartOut = new Int32Array(n + 1);
    opStartOut.set(opStart.subarray(0, n + 1));
    return { opStart: opStartOut, opLoc: this.opLoc, gapMoves: s.gaps.finish(), edgeMoves: s.edges.finish(), edgeStart, spillSlots: this.spillSlots, usedPregs: this.usedPregs };
  }

  /** The next position (2*i + read) at or after instruction i naming preg p, or INF. */
  nextFixed(p: number, i: number): number {
    const s = this.s, pos = s.fixedPos, end = s.fixedEnd[p]!;
    let c = s.fixedCursor[p]!;
    while (c < end && pos[c]! >> 1 < i) c++;
    s.fixedCursor[p] = c;
    return c < end ? pos[c]! : NO_FIXED;
  }

  slotOf(v: number): number {
    const s = this.s;
    if (s.vSlot[v]! < 0) s.vSlot[v] = this.spillSlots++;
    return SPILL_BASE + s.vSlot[v]!;
  }

  /** Forgets that preg p holds a value. */
  drop(p: number): void {
    const s = this.s, v = s.holder[p]!;
    if (v < 0) return;
    s.holder[p] = -1;
    if (s.vReg[v] === p) s.vReg[v] = -1;
  }

  /**
   * Empties preg p before instruction i (gap moves keyed i): its value goes to its slot when it
   * is still needed (global and dirty, or local and read again), else is forgotten.
   */
  evict(p: number, i: number): void {
    const s = this.s, v = s.holder[p]!;
    if (v < 0) return;
    if (s.vGlobal[v] === 1 ? s.vDirty[v] === 1 : s.vNext[v]! < INF) {
      s.gaps.add(i, p, this.slotOf(v), v);
      s.vDirty[v] = 0;
      // A reload in the same parallel move must read the register: the slot is written by it.
      s.evictedAt[v] = i;
      s.evictedFrom[v] = p;
    }
    this.drop(p);
  }

  /**
   * A register of class `cls` for a value read next at `until`, usable at instruction i (not
   * named by it, not pinned for it, no fixed value live in it): a free one no instruction names
   * before `until` (allocatable order: caller-saved first), else the free one named latest,
   * else the holder of the value read furthest ahead is evicted.
   */
  pick(cls: number, i: number, until: number): number {
    const s = this.s, regs = this.t.allocatable[cls]!, holder = s.holder, pinned = s.pinned;
    let late = -1, lateAt = -1, victim = -1, victimNext = -1;
    for (let k = 0; k < regs.length; k++) {
      const p = regs[k]!;
      if (pinned[p] === i) continue;
      const f = this.nextFixed(p, i);
      if (f >> 1 === i || (f & 1) === 1) continue; // named here, or a fixed value lives in it
      const v = holder[p]!;
      if (v < 0) {
        if (f >> 1 > until || f === NO_FIXED) return p;
        if (f > lateAt) { late = p; lateAt = f; }
      } else {
        const nx = s.vGlobal[v] === 1 && s.vDirty[v] === 0 ? s.vNext[v]! + 1 : s.vNext[v]!; // clean globals are cheaper to drop
        if (nx > victimNext) { victim = p; victimNext = nx; }
      }
    }
    if (late >= 0) return late;
    if (victim < 0) throw new Error(`regalloc (local): no register of class ${cls} for instruction ${i}`);
    this.evict(victim, i);
    return victim;
  }

  /** Puts register id v in preg p (held from now on). */
  hold(v: number, p: number): void {
    const s = this.s;
    s.holder[p] = v;
    s.vReg[v] = p;
    this.usedPregs[p] = 1;
  }

  block(b: number): void {
    const t = this.t, s = this.s, np = this.np, blk = t.blocks[b]!, first = blk.first, last = first + blk.count - 1;
    const opStart = this.opStart, opReg = this.opReg, opKind = this.opKind, opLoc = this.opLoc, opNext = s.opNext;
    const seenNext = s.seenNext, seenBlock = s.seenBlock, vReg = s.vReg, vNext = s.vNext, vGlobal = s.vGlobal, vDirty = s.vDirty;
    const holder = s.holder, pinned = s.pinned, regClass = t.regClass;
    // Next reads within the block, backwards: a definition ends the previous value.
    for (let i = last; i >= first; i--) {
      const lo = opStart[i]!, hi = opStart[i + 1]!;
      for (let k = lo; k < hi; k++) {
        const r = opReg[k]!, kind = opKind[k]!;
        if (r < np || kind === OperandKind.Use || kind === OperandKind.UseDef) continue;
        opNext[k] = seenBlock[r] === b ? seenNext[r]! : INF;
        seenBlock[r] = b; seenNext[r] = INF;
      }
      // Operands in reverse too: of two reads of one value here, the later one carries the next read.
      for (let k = hi - 1; k >= lo; k--) {
        const r = opReg[k]!, kind = opKind[k]!;
        if (r < np || (kind !== OperandKind.Use && kind !== OperandKind.UseDef)) continue;
        opNext[k] = seenBlock[r] === b ? seenNext[r]! : INF;
        seenBlock[r] = b; seenNext[r] = i;
      }
    }
    // Values carried in from the block before (see the file comment): their next read is here, if any.
    if (this.carriesInto(b)) {
      for (let p = 0; p < np; p++) {
        const v = holder[p]!;
        if (v >= 0) vNext[v] = seenBlock[v] === b ? seenNext[v]! : INF;
      }
    }
    for (let i = first; i <= last; i++) {
      const lo = opStart[i]!, hi = opStart[i + 1]!, copy = t.acceptsSpillSlot(i);
      // 1. Fixed registers named here are emptied; before the last instruction, dirty globals are stored.
      for (let k = lo; k < hi; k++) { const r = opReg[k]!; if (r < np) { this.evict(r, i); opLoc[k] = r; } }
      if (i === last) {
        for (let p = 0; p < np; p++) {
          const v = holder[p]!;
          if (v >= 0 && vGlobal[v] === 1 && vDirty[v] === 1) { s.gaps.add(i, p, this.slotOf(v), v); vDirty[v] = 0; }
        }
      }
      // 2. Reads: in the register holding the value, in its slot (copies, globals), or loaded.
      for (let k = lo; k < hi; k++) {
        const v = opReg[k]!, kind = opKind[k]!;
        if (v < np || (kind !== OperandKind.Use && kind !== OperandKind.UseDef)) continue;
        let p = vReg[v]!;
        if (p < 0) {
          // A global's slot is its home (numbered when first named); a local one's exists once it was evicted.
          if (vGlobal[v] === 0 && s.vSlot[v]! < 0) throw new Error(`regalloc (local): v${v} is read at instruction ${i} before any definition reaches it`);
          const home = this.slotOf(v);
          if (copy && kind === OperandKind.Use) { opLoc[k] = home; vNext[v] = opNext[k]!; continue; }
          p = this.pick(regClass[v]!, i, opNext[k]!);
          s.gaps.add(i, s.evictedAt[v] === i ? s.evictedFrom[v]! : home, p, v);
          this.hold(v, p);
          vDirty[v] = 0;
        }
        pinned[p] = i;
        opLoc[k] = p;
        vNext[v] = opNext[k]!;
      }
      // 3. Early definitions and temporaries: registers no input of this instruction is in.
      for (let k = lo; k < hi; k++) {
        const v = opReg[k]!, kind = opKind[k]!;
        if (v < np || (kind !== OperandKind.EarlyDef && kind !== OperandKind.Temp)) continue;
        const p = this.pick(regClass[v]!, i, kind === OperandKind.Temp ? i : opNext[k]!);
        this.hold(v, p);
        pinned[p] = i;
        opLoc[k] = p;
        vNext[v] = opNext[k]!;
      }
      // 4. Inputs read for the last time here free their registers for this instruction's outputs.
      for (let k = lo; k < hi; k++) {
        const v = opReg[k]!;
        if (v < np || opKind[k] !== OperandKind.Use || vNext[v]! < INF || vReg[v]! < 0) continue;
        if (vGlobal[v] === 1 && vDirty[v] === 1) continue; // kept until stored
        const p = vReg[v]!;
        this.drop(p);
        pinned[p] = -1;
      }
      // 5. Definitions: globals defined by copies go straight to their slots; the rest to registers.
      for (let k = lo; k < hi; k++) {
        const v = opReg[k]!, kind = opKind[k]!;
        if (v < np) continue;
        if (kind === OperandKind.UseDef || kind === OperandKind.EarlyDef) { vDirty[v] = vGlobal[v]!; continue; }
        if (kind !== OperandKind.Def) continue;
        const old = vReg[v]!;
        if (old >= 0) this.drop(old); // a block parameter redefined: the cached value is stale
        if (copy && vGlobal[v] === 1) { opLoc[k] = this.slotOf(v); vDirty[v] = 0; continue; }
        const p = this.pick(regClass[v]!, i, opNext[k]!);
        this.hold(v, p);
        pinned[p] = i;
        opLoc[k] = p;
        vNext[v] = opNext[k]!;
        vDirty[v] = vGlobal[v]!;
        if (vGlobal[v] === 1) this.slotOf(v);
      }
      // 6. Temporaries and values nothing reads again leave their registers.
      for (let k = lo; k < hi; k++) {
        const v = opReg[k]!, kind = opKind[k]!;
        if (v < np || kind === OperandKind.Use) continue;
        const p = vReg[v]!;
        if (p < 0) continue;
        if (kind === OperandKind.Temp || (vNext[v] === INF && vGlobal[v] === 0)) this.drop(p);
      }
    }
    // Globals the last instruction defined go to their slots on the way out; then every register is
    // forgotten, except global values when the next block carries them in.
    const e0 = this.edgeBase(b), carry = this.carriesInto(b + 1);
    for (let p = 0; p < np; p++) {
      const v = holder[p]!;
      if (v < 0) continue;
      if (vGlobal[v] === 1 && vDirty[v] === 1) {
        for (let j = 0; j < blk.succs.length; j++) s.edges.add(e0 + j, p, this.slotOf(v), v);
        vDirty[v] = 0;
      }
      if (!carry || vGlobal[v] === 0) this.drop(p);
    }
  }

  /** Whether block b starts with the registers block b - 1 ended with (b - 1 is its only predecessor). */
  carriesInto(b: number): boolean {
    return b > 0 && b < this.t.blocks.length && this.s.predCount[b] === 1 && this.s.lastPred[b] === b - 1;
  }

  /** Edge index of block b's first successor (computed on demand: only blocks whose last instruction defines a global ask). */
  private edgeBaseAt = -1;
  private edgeBaseValue = 0;
  edgeBase(b: number): number {
    // Blocks come in order: keep a running count.
    if (this.edgeBaseAt !== b - 1) {
      let e = 0;
      for (let k = 0; k < b; k++) e += this.t.blocks[k]!.succs.length;
      this.edgeBaseValue = e;
    } else if (b > 0) this.edgeBaseValue += this.t.blocks[b - 1]!.succs.length;
    this.edgeBaseAt = b;
    return this.edgeBaseValue;
  }
}
