/**
 * Linear-scan register allocation (Poletto & Sarkar) on live intervals, with
 * fixed-register ranges and whole-interval spilling. Architecture-neutral: the
 * target describes its registers as numbers and reports each instruction's
 * register operands through one visitor (`RegallocTarget.operands`), the same
 * visitor its emitter and printer use.
 *
 * Pipeline position: after lowering (machine instructions on virtual
 * registers), before emission.
 *
 *   liveness      backward data flow over blocks (bit sets of virtual registers)
 *   intervals     one [start, end] per virtual register: the hull of its live
 *                 ranges (no holes; correctness first)
 *   fixed ranges  per physical register, where the instruction stream itself names
 *                 it (argument registers, rax:rdx of a division, call clobbers)
 *   scan          intervals by start; free register = not held by an active
 *                 interval and no fixed range inside the interval; else spill
 *                 the interval that ends last (never a must-have-register one)
 *
 * Terms:
 *  - *position*: instruction i has a use position 2i and a def position 2i+1,
 *    so an instruction's inputs may share a register with its (late) outputs.
 *  - *preg*: physical register, numbers 0 .. numPregs-1; a *vreg* is any larger number.
 *  - *early def* / *temp*: defined at the use position (cannot share a register
 *    with inputs); temps also live to the def position. Both must get a register.
 *  - *spill slot*: an 8-byte stack slot holding a spilled vreg for its whole life.
 *
 * Must-have-register intervals are expected to be short (a temp lives for one
 * instruction); when one finds no register even after evicting every spillable
 * interval, allocation throws (a lowering bug, not a user error).
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
  /** Allocatable pregs per class, in preference order. */
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
}

import { SPILL_BASE } from './allocation.js';
export { SPILL_BASE, isSpill } from './allocation.js';

/** The allocator's result. */
export interface Allocation {
  /** Location per register id: the preg itself for pregs; a preg, `SPILL_BASE + slot`, or -1 (never used) for vregs. */
  readonly location: Int32Array;
  /** Number of spill slots. */
  readonly spillSlots: number;
  /** 1 for every preg assigned to some vreg or named by an instruction. */
  readonly usedPregs: Uint8Array;
  /** Interval start per register id (for printing and tests). */
  readonly start: Int32Array;
  /** Interval end per register id. */
  readonly end: Int32Array;
}

/** Per-allocation scratch state. */
class ScanContext implements OperandSink {
  /** Liveness (0) or interval (1) phase. */
  readonly start: Int32Array;
  readonly end: Int32Array;
  readonly mustReg: Uint8Array;
  /** Fixed ranges per preg: flat [start, end] pairs. */
  readonly fixed: number[][];
  /** Per preg: index into fixed[p] of the open range, or -1. */
  readonly open: Int32Array;
  pos = 0;
  blockStart = 0;
  mode = 0;
  // liveness scratch
  words: number;
  use!: Uint32Array;
  def!: Uint32Array;
  constructor(readonly t: RegallocTarget) {
    this.start = new Int32Array(t.regCount).fill(0x7fffffff);
    this.end = new Int32Array(t.regCount).fill(-1);
    this.mustReg = new Uint8Array(t.regCount);
    this.fixed = [];
    for (let p = 0; p < t.numPregs; p++) this.fixed.push([]);
    this.open = new Int32Array(t.numPregs).fill(-1);
    this.words = (t.regCount + 31) >>> 5;
  }
  extend(r: number, a: number, b: number): void {
    if (a < this.start[r]!) this.start[r] = a;
    if (b > this.end[r]!) this.end[r] = b;
  }
  /** Operands of the current instruction, collected so that uses are handled before defs. */
  readonly regs: number[] = [];
  readonly kinds: number[] = [];
  operand(reg: number, kind: OperandKind): void {
    this.regs.push(reg);
    this.kinds.push(kind);
  }
  /** Runs the visitor for instruction `i` and handles its operands, uses first. */
  visit(i: number): void {
    this.regs.length = 0;
    this.kinds.length = 0;
    this.t.operands(i, this);
    const n = this.regs.length;
    for (let k = 0; k < n; k++) {
      const kind = this.kinds[k]!;
      if (kind === OperandKind.Use || kind === OperandKind.UseDef) this.handle(this.regs[k]!, kind, true);
    }
    for (let k = 0; k < n; k++) {
      const kind = this.kinds[k]!;
      if (kind !== OperandKind.Use) this.handle(this.regs[k]!, kind, false);
    }
  }
  private handle(reg: number, kind: OperandKind, usePhase: boolean): void {
    if (this.mode === 0) {
      // Local liveness: use before def in this block => upward exposed.
      if (reg < this.t.numPregs) return;
      const w = reg >>> 5, bit = 1 << (reg & 31);
      if (usePhase) {
        if ((this.def[w]! & bit) === 0) this.use[w]! |= bit;
      } else this.def[w]! |= bit;
      return;
    }
    const u = this.pos, d = this.pos + 1;
    if (reg < this.t.numPregs) {
      const ranges = this.fixed[reg]!;
      if (usePhase) {
        const o = this.open[reg]!;
        if (o >= 0) { if (ranges[o + 1]! < u) ranges[o + 1] = u; }
        else { this.open[reg] = ranges.length; ranges.push(this.blockStart, u); }
      } else {
        const s = kind === OperandKind.Def || kind === OperandKind.UseDef ? d : u;
        this.open[reg] = ranges.length;
        ranges.push(s, d);
      }
      return;
    }
    if (usePhase) { this.extend(reg, u, u); return; }
    switch (kind) {
      case OperandKind.Def: this.extend(reg, d, d); break;
      case OperandKind.UseDef: this.extend(reg, u, d); break;
      case OperandKind.Use: break;
      default: this.extend(reg, u, d); this.mustReg[reg] = 1;
    }
  }
}

/** Allocates registers for every vreg of `t`. */
export function allocateRegisters(t: RegallocTarget): Allocation {
  const cx = new ScanContext(t);
  const nb = t.blocks.length, words = cx.words;
  const liveIn: Uint32Array[] = [], liveOut: Uint32Array[] = [], uses: Uint32Array[] = [], defs: Uint32Array[] = [];
  // 1. Local use/def sets.
  cx.mode = 0;
  for (let b = 0; b < nb; b++) {
    cx.use = new Uint32Array(words);
    cx.def = new Uint32Array(words);
    const blk = t.blocks[b]!;
    for (let i = blk.first; i < blk.first + blk.count; i++) cx.visit(i);
    uses.push(cx.use); defs.push(cx.def);
    liveIn.push(new Uint32Array(words)); liveOut.push(new Uint32Array(words));
  }
  // 2. Global liveness to a fixed point (reverse layout order converges fast).
  for (let changed = true; changed;) {
    changed = false;
    for (let b = nb - 1; b >= 0; b--) {
      const out = liveOut[b]!, inn = liveIn[b]!, u = uses[b]!, d = defs[b]!;
      for (const s of t.blocks[b]!.succs) {
        const si = liveIn[s]!;
        for (let w = 0; w < words; w++) out[w]! |= si[w]!;
      }
      for (let w = 0; w < words; w++) {
        const v = (u[w]! | (out[w]! & ~d[w]!)) >>> 0; // unsigned, like the Uint32Array it is compared with
        if (v !== inn[w]) { inn[w] = v; changed = true; }
      }
    }
  }
  // 3. Intervals and fixed ranges.
  cx.mode = 1;
  for (let b = 0; b < nb; b++) {
    const blk = t.blocks[b]!;
    const bs = 2 * blk.first, be = 2 * (blk.first + blk.count) - 1;
    cx.blockStart = bs;
    cx.open.fill(-1);
    const inn = liveIn[b]!, out = liveOut[b]!;
    for (let w = 0; w < words; w++) {
      let x = inn[w]!;
      while (x !== 0) { const bit = 31 - Math.clz32(x & -x); x &= x - 1; cx.extend(w * 32 + bit, bs, bs); }
      x = out[w]!;
      while (x !== 0) { const bit = 31 - Math.clz32(x & -x); x &= x - 1; cx.extend(w * 32 + bit, be, be); }
    }
    for (let i = blk.first; i < blk.first + blk.count; i++) {
      cx.pos = 2 * i;
      cx.visit(i);
    }
  }
  // 4. Scan.
  const location = new Int32Array(t.regCount).fill(-1);
  const usedPregs = new Uint8Array(t.numPregs);
  for (let p = 0; p < t.numPregs; p++) { location[p] = p; if (cx.fixed[p]!.length > 0) usedPregs[p] = 1; }
  const order: number[] = [];
  for (let r = t.numPregs; r < t.regCount; r++) if (cx.end[r]! >= 0) order.push(r);
  order.sort((a, b) => cx.start[a]! - cx.start[b]! || a - b);
  const active: number[] = [];
  const holder = new Int32Array(t.numPregs).fill(-1); // vreg holding a preg among active
  let spillSlots = 0;
  const start = cx.start, end = cx.end;
  const blockedByFixed = (p: number, s: number, e: number): boolean => {
    const rs = cx.fixed[p]!;
    for (let k = 0; k < rs.length; k += 2) if (rs[k]! <= e && rs[k + 1]! >= s) return true;
    return false;
  };
  for (const cur of order) {
    const s = start[cur]!, e = end[cur]!;
    // Expire.
    for (let k = active.length - 1; k >= 0; k--) {
      const a = active[k]!;
      if (end[a]! < s) { holder[location[a]!] = -1; active.splice(k, 1); }
    }
    const cls = t.regClass[cur]!;
    let chosen = -1;
    for (const p of t.allocatable[cls]!) {
      if (holder[p] !== -1 || blockedByFixed(p, s, e)) continue;
      chosen = p;
      break;
    }
    if (chosen < 0) {
      // Spill the interval ending last among those whose register would fit.
      let victim = -1;
      for (const a of active) {
        if (t.regClass[a] !== cls || cx.mustReg[a] !== 0) continue;
        if (blockedByFixed(location[a]!, s, e)) continue;
        if (victim < 0 || end[a]! > end[victim]!) victim = a;
      }
      if (victim >= 0 && (cx.mustReg[cur] !== 0 || end[victim]! > e)) {
        chosen = location[victim]!;
        location[victim] = SPILL_BASE + spillSlots++;
        holder[chosen] = -1;
        active.splice(active.indexOf(victim), 1);
      } else if (cx.mustReg[cur] !== 0) {
        throw new Error(`regalloc: no register for a must-have-register operand (v${cur}, class ${cls})`);
      } else {
        location[cur] = SPILL_BASE + spillSlots++;
        continue;
      }
    }
    location[cur] = chosen;
    holder[chosen] = cur;
    usedPregs[chosen] = 1;
    active.push(cur);
  }
  return { location, spillSlots, usedPregs, start, end };
}
