/**
 * Register-allocation checker: an independent pass that symbolically runs the
 * allocator's output (`Allocation`, see allocation.ts for the semantics) over
 * the target's instruction stream and proves that every use reads the value
 * the instruction stream meant. It shares nothing with the allocator but the
 * input (`RegallocInput` and its operand table) and the output contract: no
 * liveness, no intervals, no interference.
 *
 * Pipeline position: after register allocation, before emission (in tests and
 * the fuzzer, or with `compile(..., { checkRegalloc: true })`).
 *
 *   structure   opStart / operand counts / locations in range / classes /
 *               move lists sorted and in range / edgeStart matches the CFG
 *   fixed point forward data flow over blocks in reverse postorder; the state
 *               of a block is, per location, which register id it holds;
 *               merge = keep a value all predecessors agree on, else Conflict
 *   final pass  every block once more from its fixed-point entry state, now
 *               checking each move source and each Use/UseDef operand
 *
 * Terms:
 *  - *location*: preg p (0 .. numPregs-1) or spill slot `SPILL_BASE + s`,
 *    state index numPregs + s.
 *  - *value*: a register id (preg or vreg) >= 0, or one of the negative
 *    markers below. At function entry each preg holds itself (its incoming
 *    value), every slot holds Nothing.
 *  - *stale*: the machine code is not SSA (block parameters are redefined by
 *    the ParallelMove of each predecessor), so a def of register r into L makes
 *    every other location that held r hold an old value: it is cleared.
 */
import { OperandKind, SPILL_BASE, firstMove, type Allocation, type MoveList, type RegallocInput } from './allocation.js';

/** Location holds nothing defined (slot at entry, location never written). */
const NOTHING = -1;
/** Predecessors disagree on the value. */
const CONFLICT = -2;
/** Written by a Temp operand. */
const GARBAGE = -3;
/** Held a register whose value was redefined elsewhere. */
const STALE = -4;
/** `home` of a register written to more than one location. */
const MANY = -5;

/** Optional extras for `checkAllocation`. */
export interface CheckOptions {
  /** Function name for messages. */
  readonly name?: string;
  /**
   * True if instruction `inst` may take spill-slot operands (copies). Default:
   * the target's `acceptsSpillSlot` method if it has one, else every instruction may.
   */
  readonly acceptsSpillSlot?: (inst: number) => boolean;
  /** Name of a register id (preg or vreg) for messages; default `p3` / `v45`. */
  readonly regName?: (reg: number) => string;
  /** Text of instruction `inst` for messages. */
  readonly printInst?: (inst: number) => string;
  /**
   * Pregs the emitter uses internally (e.g. for memory-to-memory moves): a
   * value in one survives only from a gap move to the same instruction's
   * inputs, or from an instruction's def to the next gap move.
   */
  readonly scratchPregs?: readonly number[];
  /**
   * Check that each move's source holds the register the move names (default
   * true, as the contract says). False checks only what instructions read, so
   * a wrong move of a value nobody reads afterwards passes (for triage).
   */
  readonly checkMoveSources?: boolean;
}

const KIND_NAMES = ['use', 'def', 'usedef', 'earlydef', 'temp'];

/** Per-check state: operands of the current instruction, states, scratch. */
class CheckContext {
  readonly regs: number[] = [];
  readonly kinds: number[] = [];
  /** Number of locations: pregs + slots. */
  readonly size: number;
  /** Entry state per block (null = not reached yet). */
  readonly entry: (Int32Array | null)[];
  /** The state being transformed. */
  readonly cur: Int32Array;
  /** Edge-out scratch state. */
  readonly edge: Int32Array;
  /** Parallel-move scratch: value read per move. */
  readonly moveVal: Int32Array;
  /**
   * Per register id: the one location it is ever written to (defs, moves, a
   * preg's entry value), NOTHING, or MANY. Only a MANY register can have a
   * stale copy, so only its defs scan the state.
   */
  readonly home: Int32Array;
  /** Per location: mark of the last instruction / move that wrote it (duplicate-write detection). */
  readonly written: Int32Array;
  mark = 0;
  /** Checking pass (after the fixed point) rather than state propagation. */
  checking = false;
  /** First gap move not yet applied in the current block. */
  gapCursor = 0;
  /** Which instructions may take spill-slot operands (see `CheckOptions.acceptsSpillSlot`). */
  readonly slotHook: ((inst: number) => boolean) | undefined;

  constructor(readonly t: RegallocInput, readonly a: Allocation, readonly o: CheckOptions) {
    this.size = t.numPregs + a.spillSlots;
    this.entry = new Array<Int32Array | null>(t.blocks.length).fill(null);
    this.cur = new Int32Array(this.size);
    this.edge = new Int32Array(this.size);
    let maxMoves = 1;
    for (const list of [a.gapMoves, a.edgeMoves]) {
      for (let m = 0, run = 0; m < list.count; m++) {
        run = m > 0 && list.key[m] === list.key[m - 1] ? run + 1 : 1;
        if (run > maxMoves) maxMoves = run;
      }
    }
    this.moveVal = new Int32Array(maxMoves);
    this.written = new Int32Array(this.size);
    const own = (t as { acceptsSpillSlot?: (inst: number) => boolean }).acceptsSpillSlot;
    this.slotHook = o.acceptsSpillSlot ?? (own !== undefined ? own.bind(t) : undefined);
    this.home = new Int32Array(t.regCount).fill(NOTHING);
    for (let p = 0; p < t.numPregs && p < t.regCount; p++) this.home[p] = p;
    for (const list of [a.gapMoves, a.edgeMoves]) for (let m = 0; m < list.count; m++) this.noteWrite(list.reg[m]!, list.to[m]!);
  }

  /** Operands of the current instruction: regs/kinds 0 .. count-1 (the arrays are reused, never shrunk). */
  count = 0;

  /** Copies instruction `i`'s operands from the target's table into regs / kinds. */
  collect(i: number): void {
    const t = this.t, lo = t.opStart[i]!, hi = t.opStart[i + 1]!;
    if (!(lo >= 0 && lo <= hi && hi <= t.opReg.length && hi <= t.opKind.length)) this.fail(`inst ${i}: operand table entries [${lo}, ${hi}) out of order or out of range`, i);
    let n = 0;
    for (let k = lo; k < hi; k++, n++) {
      this.regs[n] = t.opReg[k]!;
      this.kinds[n] = t.opKind[k]!;
    }
    this.count = n;
  }

  fail(msg: string, inst = -1): never {
    const where = this.o.name !== undefined ? `${this.o.name}: ` : '';
    const text = inst >= 0 && this.o.printInst !== undefined ? ` [${this.o.printInst(inst)}]` : '';
    throw new Error(`regalloc check: ${where}${msg}${text}`);
  }

  regName(r: number): string {
    if (this.o.regName !== undefined) return this.o.regName(r);
    return r < this.t.numPregs ? `p${r}` : `v${r}`;
  }

  locName(loc: number): string {
    return loc >= SPILL_BASE ? `slot${loc - SPILL_BASE}` : this.regName(loc);
  }

  valueName(v: number): string {
    switch (v) {
      case NOTHING: return 'nothing';
      case CONFLICT: return 'conflicting values from its predecessors';
      case GARBAGE: return 'garbage (a temp or an emitter scratch register)';
      case STALE: return 'a stale value (its register was redefined)';
      default: return this.regName(v);
    }
  }

  /** State index of a location, or -1 if out of range. */
  index(loc: number): number {
    if (loc >= 0 && loc < this.t.numPregs) return loc;
    if (loc >= SPILL_BASE && loc < SPILL_BASE + this.a.spillSlots) return this.t.numPregs + loc - SPILL_BASE;
    return -1;
  }

  /** State index of `loc` if it is a valid location for a value of register `reg`, else -1. */
  fits(loc: number, reg: number): number {
    const x = this.index(loc);
    if (x < 0 || reg < 0 || reg >= this.t.regCount) return -1;
    if (x < this.t.numPregs && (this.t.pregClass[loc] !== this.t.regClass[reg] || this.a.usedPregs[loc] !== 1)) return -1;
    return x;
  }

  /** Checks that `loc` is a valid location for a value of register `reg` (slow path of `fits`, with the message); returns its state index. */
  place(loc: number, reg: number, what: string, inst: number): number {
    const x = this.index(loc);
    if (x < 0) this.fail(`${what}: location ${loc} is out of range`, inst);
    if (reg < 0 || reg >= this.t.regCount) this.fail(`${what}: register id ${reg} is out of range`, inst);
    if (x < this.t.numPregs) {
      if (this.t.pregClass[loc] !== this.t.regClass[reg]) {
        this.fail(`${what}: ${this.regName(reg)} (class ${this.t.regClass[reg]}) is placed in ${this.locName(loc)} (class ${this.t.pregClass[loc]})`, inst);
      }
      if (this.a.usedPregs[loc] !== 1) this.fail(`${what}: ${this.locName(loc)} is used but not in usedPregs`, inst);
    }
    return x;
  }

  /** Writes register `reg`'s new value into state index `x`: other copies of `reg` become stale. */
  define(s: Int32Array, x: number, reg: number): void {
    if (this.home[reg] === MANY) for (let y = 0; y < this.size; y++) if (s[y] === reg) s[y] = STALE;
    s[x] = reg;
  }

  /** Notes that register `reg` is written to `loc` somewhere (see `home`). */
  noteWrite(reg: number, loc: number): void {
    if (reg < 0 || reg >= this.t.regCount) return; // reported by the structure checks
    const h = this.home[reg]!;
    if (h === NOTHING) this.home[reg] = loc;
    else if (h !== loc) this.home[reg] = MANY;
  }

  /** Where the moves being applied are: `inst N gap` or `edge B->S` (messages only). */
  moveWhere(inst: number, block: number, succ: number): string {
    return inst >= 0 ? `inst ${inst} gap` : `edge ${block}->${succ}`;
  }

  moveLabel(list: MoveList, m: number, from: number, what: string): string {
    return `${what} move ${m - from} (${this.regName(list.reg[m]!)} ${this.locName(list.from[m]!)} -> ${this.locName(list.to[m]!)})`;
  }

  /** Applies the parallel move list entries [from, to) to state `s`: the gap moves of `inst`, or (inst -1) of the edge block -> succ. */
  applyMoves(s: Int32Array, list: MoveList, from: number, to: number, inst: number, block: number, succ: number): void {
    const vals = this.moveVal;
    for (let m = from; m < to; m++) {
      const reg = list.reg[m]!;
      let src = this.fits(list.from[m]!, reg);
      if (src < 0 || this.fits(list.to[m]!, reg) < 0) {
        src = this.place(list.from[m]!, reg, this.moveLabel(list, m, from, this.moveWhere(inst, block, succ)), inst);
        this.place(list.to[m]!, reg, this.moveLabel(list, m, from, this.moveWhere(inst, block, succ)), inst);
      }
      const v = s[src]!;
      if (this.checking && v !== reg && this.o.checkMoveSources !== false) this.fail(`${this.moveLabel(list, m, from, this.moveWhere(inst, block, succ))} reads ${this.locName(list.from[m]!)}, which holds ${this.valueName(v)}`, inst);
      vals[m - from] = v;
    }
    const mark = ++this.mark;
    for (let m = from; m < to; m++) {
      const x = this.index(list.to[m]!);
      if (this.written[x] === mark) this.fail(`${this.moveWhere(inst, block, succ)}: two moves write ${this.locName(list.to[m]!)}`, inst);
      this.written[x] = mark;
      s[x] = vals[m - from]!;
    }
  }

  operandLabel(i: number, k: number): string {
    return `inst ${i} operand ${k} (${KIND_NAMES[this.kinds[k]!]} of ${this.regName(this.regs[k]!)})`;
  }

  /** Runs instruction `i` (its gap moves, then its operands) on `cur`. */
  step(i: number): void {
    const a = this.a, s = this.cur;
    const list = a.gapMoves;
    let start = this.gapCursor;
    while (start < list.count && list.key[start]! < i) start++;
    let end = start;
    while (end < list.count && list.key[end] === i) end++;
    if (end > start) this.applyMoves(s, list, start, end, i, -1, -1);
    this.gapCursor = end;
    const base = a.opStart[i]!, n = this.count;
    // Operands were collected by the caller (`collect`).
    const slotOk = this.slotHook === undefined || this.slotHook(i);
    const mark = ++this.mark;
    const useMark = ++this.mark;
    // Inputs and structure first.
    for (let k = 0; k < n; k++) {
      const reg = this.regs[k]!, kind = this.kinds[k]!, loc = a.opLoc[base + k]!;
      let x = this.fits(loc, reg);
      if (x < 0) x = this.place(loc, reg, this.operandLabel(i, k), i);
      if (reg < this.t.numPregs && loc !== reg) this.fail(`${this.operandLabel(i, k)} is a fixed register but placed in ${this.locName(loc)}`, i);
      if (loc >= SPILL_BASE && (!slotOk || kind === OperandKind.EarlyDef || kind === OperandKind.Temp)) {
        this.fail(`${this.operandLabel(i, k)} is in ${this.locName(loc)}, but the instruction cannot take a spill slot`, i);
      }
      if (kind === OperandKind.Use || kind === OperandKind.UseDef) {
        const v = s[x]!;
        if (this.checking && v !== reg) this.fail(`${this.operandLabel(i, k)} reads ${this.locName(loc)}, which holds ${this.valueName(v)}`, i);
        this.written[x] = useMark;
      }
    }
    // Early writes may not land on an input; no two writes to one location.
    for (let k = 0; k < n; k++) {
      const kind = this.kinds[k]!;
      if (kind === OperandKind.Use) continue;
      const loc = a.opLoc[base + k]!, x = this.index(loc);
      if ((kind === OperandKind.EarlyDef || kind === OperandKind.Temp) && this.written[x] === useMark) {
        this.fail(`inst ${i} operand ${k} (${KIND_NAMES[kind]} of ${this.regName(this.regs[k]!)}) shares ${this.locName(loc)} with an input`, i);
      }
    }
    for (let k = 0; k < n; k++) {
      const kind = this.kinds[k]!;
      if (kind === OperandKind.Use) continue;
      const loc = a.opLoc[base + k]!, x = this.index(loc);
      if (this.written[x] === mark) this.fail(`inst ${i} operand ${k} (${KIND_NAMES[kind]} of ${this.regName(this.regs[k]!)}) writes ${this.locName(loc)}, which another operand also writes`, i);
      this.written[x] = mark;
    }
    // Scratch registers lose their values inside the instruction; temps are written early, then defs.
    const scratch = this.o.scratchPregs;
    if (scratch !== undefined) for (const p of scratch) s[p] = GARBAGE;
    for (let k = 0; k < n; k++) if (this.kinds[k] === OperandKind.Temp) s[this.index(a.opLoc[base + k]!)] = GARBAGE;
    for (let k = 0; k < n; k++) {
      const kind = this.kinds[k]!;
      if (kind === OperandKind.Use || kind === OperandKind.Temp) continue;
      this.define(s, this.index(a.opLoc[base + k]!), this.regs[k]!);
    }
  }
}

/** Checks that a move list is sorted by key and its keys are below `limit`. */
function checkMoveList(cx: CheckContext, list: MoveList, limit: number, what: string): void {
  if (list.key.length < list.count || list.from.length < list.count || list.to.length < list.count || list.reg.length < list.count) {
    cx.fail(`${what} moves: arrays shorter than count ${list.count}`);
  }
  for (let m = 0; m < list.count; m++) {
    const k = list.key[m]!;
    if (k < 0 || k >= limit) cx.fail(`${what} move ${m}: key ${k} out of range 0..${limit - 1}`);
    if (m > 0 && k < list.key[m - 1]!) cx.fail(`${what} moves are not sorted by key at ${m}`);
  }
}

/** Blocks reachable from block 0, in reverse postorder. */
function reversePostorder(t: RegallocInput): number[] {
  const nb = t.blocks.length;
  const seen = new Uint8Array(nb);
  const post: number[] = [];
  const stack: number[] = [0], next: number[] = [0];
  seen[0] = 1;
  while (stack.length > 0) {
    const b = stack[stack.length - 1]!, k = next[next.length - 1]!;
    const succs = t.blocks[b]!.succs;
    if (k < succs.length) {
      next[next.length - 1] = k + 1;
      const s = succs[k]!;
      if (seen[s] === 0) { seen[s] = 1; stack.push(s); next.push(0); }
    } else {
      post.push(b);
      stack.pop();
      next.pop();
    }
  }
  return post.reverse();
}

/**
 * Proves that `alloc` implements `target`: throws an Error naming the first
 * instruction, operand or move that reads a location not holding the register
 * the instruction stream meant, or that breaks the contract's structure.
 */
export function checkAllocation(target: RegallocInput, alloc: Allocation, options: CheckOptions = {}): void {
  const t = target, a = alloc, nb = t.blocks.length;
  const cx = new CheckContext(t, a, options);
  // Structure.
  if (a.opStart.length !== t.instCount + 1) cx.fail(`opStart has length ${a.opStart.length}, expected ${t.instCount + 1}`);
  if (a.opStart[0] !== 0) cx.fail(`opStart[0] is ${a.opStart[0]}, expected 0`);
  for (let i = 0; i < t.instCount; i++) {
    cx.collect(i);
    const n = a.opStart[i + 1]! - a.opStart[i]!;
    if (n !== cx.count) cx.fail(`inst ${i} has ${n} operand locations, but the target lists ${cx.count} operands`, i);
    for (let k = 0; k < n; k++) if (cx.kinds[k] !== OperandKind.Use) cx.noteWrite(cx.regs[k]!, a.opLoc[a.opStart[i]! + k]!);
  }
  if (a.opStart[t.instCount] !== a.opLoc.length) cx.fail(`opLoc has length ${a.opLoc.length}, expected ${a.opStart[t.instCount]}`);
  if (a.edgeStart.length !== nb + 1) cx.fail(`edgeStart has length ${a.edgeStart.length}, expected ${nb + 1}`);
  for (let b = 0; b < nb; b++) {
    const n = a.edgeStart[b + 1]! - a.edgeStart[b]!;
    if (n !== t.blocks[b]!.succs.length) {
      cx.fail(`block ${b}: edgeStart gives ${n} edges, but it has ${t.blocks[b]!.succs.length} successors`);
    }
  }
  if (nb > 0 && a.edgeStart[0] !== 0) cx.fail(`edgeStart[0] is ${a.edgeStart[0]}, expected 0`);
  checkMoveList(cx, a.gapMoves, t.instCount, 'gap');
  checkMoveList(cx, a.edgeMoves, nb > 0 ? a.edgeStart[nb]! : 0, 'edge');
  if (nb === 0) return;
  // Fixed point, then a checking pass.
  const order = reversePostorder(t);
  const init = new Int32Array(cx.size).fill(NOTHING);
  for (let p = 0; p < t.numPregs; p++) init[p] = p;
  cx.entry[0] = init.slice();
  const dirty = new Uint8Array(nb);
  dirty[0] = 1;
  for (let changed = true; changed;) {
    changed = false;
    for (const b of order) {
      if (dirty[b] === 0) continue;
      dirty[b] = 0;
      runBlock(cx, b);
      const blk = t.blocks[b]!;
      for (let k = 0; k < blk.succs.length; k++) {
        const succ = blk.succs[k]!;
        const out = edgeOut(cx, b, k);
        const e = cx.entry[succ];
        if (e === null) { cx.entry[succ] = out.slice(); dirty[succ] = 1; changed = true; continue; }
        let moved = false;
        for (let x = 0; x < cx.size; x++) {
          if (e[x] !== out[x] && e[x] !== CONFLICT) { e[x] = CONFLICT; moved = true; }
        }
        if (moved) { dirty[succ] = 1; changed = true; }
      }
    }
  }
  for (let b = 0; b < nb; b++) {
    // Unreachable blocks get the structural checks only (from an empty state).
    const reached = cx.entry[b] !== null;
    if (!reached) cx.entry[b] = new Int32Array(cx.size).fill(NOTHING);
    cx.checking = reached;
    runBlock(cx, b);
    const blk = t.blocks[b]!;
    for (let k = 0; k < blk.succs.length; k++) edgeOut(cx, b, k);
  }
}

/** Runs block `b` from its entry state into `cx.cur`. */
function runBlock(cx: CheckContext, b: number): void {
  const blk = cx.t.blocks[b]!;
  cx.cur.set(cx.entry[b]!);
  cx.gapCursor = blk.count > 0 ? firstMove(cx.a.gapMoves, blk.first) : 0;
  for (let i = blk.first; i < blk.first + blk.count; i++) {
    cx.collect(i);
    cx.step(i);
  }
}

/** State after block `b`'s edge moves to its k-th successor (in `cx.edge`). */
function edgeOut(cx: CheckContext, b: number, k: number): Int32Array {
  const e = cx.a.edgeStart[b]! + k, list = cx.a.edgeMoves;
  cx.edge.set(cx.cur);
  const start = firstMove(list, e);
  let end = start;
  while (end < list.count && list.key[end] === e) end++;
  if (end > start) cx.applyMoves(cx.edge, list, start, end, -1, b, cx.t.blocks[b]!.succs[k]!);
  return cx.edge;
}
