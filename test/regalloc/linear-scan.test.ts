/**
 * The architecture-neutral splitting allocator on a synthetic target (4
 * registers in class 0, the last callee-saved; 2 in class 1): random programs
 * with loops, redefinitions, temps, fixed registers, calls and copies. An
 * executor walks random paths through the allocated program, tracking which
 * value each location holds (gap and edge moves as parallel moves), and
 * checks that every operand finds its own value: no two live values ever share
 * a location, fixed registers are respected, must-have-register operands are
 * in registers.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { allocateRegisters, operandTable } from '../../src/regalloc/linear-scan.js';
import { OperandKind, SPILL_BASE, firstMove, type Allocation, type MoveList, type RegallocInput } from '../../src/regalloc/allocation.js';

interface Op { reg: number; kind: OperandKind }
interface Inst { ops: Op[]; copy: boolean }

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 4294967296; };
}

const NUM_PREGS = 6; // 0..3 class 0 (3 callee-saved), 4..5 class 1
const PREG_CLASS = [0, 0, 0, 0, 1, 1];

function target(insts: Inst[], regClass: number[], blocks: RegallocInput['blocks']): RegallocInput {
  return {
    numPregs: NUM_PREGS,
    pregClass: PREG_CLASS,
    allocatable: [[0, 1, 2, 3], [4, 5]],
    regCount: regClass.length,
    regClass,
    blocks,
    instCount: insts.length,
    ...operandTable(insts.map((i) => i.ops.map((o) => [o.reg, o.kind]))),
    acceptsSpillSlot(i: number): boolean { return insts[i]!.copy; },
    isCalleeSaved(p: number): boolean { return p === 3; },
  };
}

/** Random program: blocks with random successors (forward and back edges). */
function program(seed: number): { t: RegallocInput; insts: Inst[] } {
  const r = rng(seed);
  const regClass = [...PREG_CLASS];
  const insts: Inst[] = [];
  const vregs: number[] = [];
  const nb = 1 + Math.floor(r() * 6);
  const blocks: { first: number; count: number; succs: number[] }[] = [];
  const any = (): number => vregs[Math.floor(r() * vregs.length)]!;
  for (let b = 0; b < nb; b++) {
    const first = insts.length;
    const n = 3 + Math.floor(r() * 25);
    for (let i = 0; i < n; i++) {
      const c = r();
      if (c < 0.1 && vregs.length > 0) {
        // A copy, possibly redefining a vreg (non-SSA, like block arguments).
        const dst = r() < 0.3 ? any() : regClass.push(regClass[any()]!) - 1;
        const src = vregs.filter((v) => regClass[v] === regClass[dst])[0] ?? dst;
        insts.push({ ops: [{ reg: dst, kind: OperandKind.Def }, { reg: src, kind: OperandKind.Use }], copy: true });
        vregs.push(dst);
        continue;
      }
      const gp = vregs.filter((v) => regClass[v] === 0);
      if (c < 0.15 && gp.length > 0) {
        // A fixed register as lowering makes them (live within a block): moved into, then consumed by the next instruction (which clobbers another).
        const p = Math.floor(r() * 4), q = Math.floor(r() * 4);
        insts.push({ ops: [{ reg: p, kind: OperandKind.Def }, { reg: gp[Math.floor(r() * gp.length)]!, kind: OperandKind.Use }], copy: true });
        insts.push({ ops: [{ reg: p, kind: OperandKind.Use }, { reg: q, kind: OperandKind.Def }], copy: false });
        continue;
      }
      if (c < 0.2) {
        // A call: clobbers every caller-saved register.
        insts.push({ ops: [0, 1, 2, 4, 5].map((p) => ({ reg: p, kind: OperandKind.Def })), copy: false });
        continue;
      }
      const ops: Op[] = [];
      for (let k = 0; k < 2 && vregs.length > 0; k++) if (r() < 0.7) ops.push({ reg: any(), kind: OperandKind.Use });
      if (r() < 0.1) ops.push({ reg: regClass.push(0) - 1, kind: OperandKind.Temp });
      if (r() < 0.2 && vregs.length > 0) {
        const v = any();
        // Class 1 has two registers: at most two class-1 inputs.
        const inputs1 = ops.filter((o) => regClass[o.reg] === 1).length + (regClass[v] === 1 ? 1 : 0);
        if (!ops.some((o) => o.reg === v) && inputs1 <= 2) ops.push({ reg: v, kind: OperandKind.UseDef });
      } else {
        const v = r() < 0.1 && vregs.length > 0 ? any() : regClass.push(r() < 0.25 ? 1 : 0) - 1;
        // An early def needs a register besides the inputs: class 1 has only two.
        if (!ops.some((o) => o.reg === v)) ops.push({ reg: v, kind: r() < 0.1 && regClass[v] === 0 ? OperandKind.EarlyDef : OperandKind.Def });
        vregs.push(v);
      }
      insts.push({ ops, copy: false });
    }
    // Keep a few values live across the block end (more than fit in registers: slots allowed).
    insts.push({ ops: vregs.filter(() => r() < 0.2).map((reg) => ({ reg, kind: OperandKind.Use })), copy: true });
    const succs: number[] = [];
    const ns = b === nb - 1 ? Math.floor(r() * 2) : 1 + Math.floor(r() * 2);
    for (let k = 0; k < ns; k++) succs.push(k === 0 && b + 1 < nb ? b + 1 : Math.floor(r() * nb));
    blocks.push({ first, count: insts.length - first, succs });
  }
  return { t: target(insts, regClass, blocks), insts };
}

/** Walks random paths, checking that every read finds the value it names. */
function execute(t: RegallocInput, insts: Inst[], a: Allocation, seed: number): void {
  const r = rng(seed);
  const holds = new Map<number, number>(); // location -> value
  const current = new Map<number, number>(); // register id -> its latest value
  let fresh = 0;
  const runMoves = (list: MoveList, key: number, where: string): void => {
    const writes: [number, number][] = [];
    for (let m = firstMove(list, key); m < list.count && list.key[m] === key; m++) {
      const reg = list.reg[m]!, val = current.get(reg);
      if (val !== undefined) assert.equal(holds.get(list.from[m]!), val, `${where}: move of ${reg} reads a location that holds another value`);
      assert.equal(t.regClass[reg], list.to[m]! >= SPILL_BASE ? t.regClass[reg] : t.pregClass[list.to[m]!], `${where}: move to the wrong class`);
      writes.push([list.to[m]!, holds.get(list.from[m]!) ?? -1]);
    }
    for (const [to, v] of writes) holds.set(to, v);
  };
  let b = 0;
  for (let steps = 0; steps < 40; steps++) {
    const blk = t.blocks[b]!;
    for (let i = blk.first; i < blk.first + blk.count; i++) {
      runMoves(a.gapMoves, i, `seed ${seed} inst ${i} gap`);
      const ops = insts[i]!.ops, base = a.opStart[i]!;
      assert.equal(a.opStart[i + 1]! - base, ops.length);
      const loc = (k: number): number => a.opLoc[base + k]!;
      ops.forEach((o, k) => {
        if (o.reg < NUM_PREGS) assert.equal(loc(k), o.reg, `inst ${i}: fixed operand moved`);
        else if (loc(k) >= SPILL_BASE) assert.ok(insts[i]!.copy && (o.kind === OperandKind.Use || o.kind === OperandKind.Def), `inst ${i}: operand ${k} in a slot`);
        else assert.equal(t.pregClass[loc(k)], t.regClass[o.reg], `inst ${i}: operand ${k} in the wrong class`);
      });
      // Early defs and temps are written before the inputs are read.
      ops.forEach((o, k) => { if (o.kind === OperandKind.EarlyDef || o.kind === OperandKind.Temp) { const v = fresh++; holds.set(loc(k), v); current.set(o.reg, v); } });
      ops.forEach((o, k) => {
        if (o.kind !== OperandKind.Use && o.kind !== OperandKind.UseDef) return;
        const v = current.get(o.reg);
        if (v !== undefined) assert.equal(holds.get(loc(k)), v, `seed ${seed} inst ${i}: operand ${k} (reg ${o.reg}) does not find its value`);
      });
      ops.forEach((o, k) => { if (o.kind === OperandKind.Def || o.kind === OperandKind.UseDef) { const v = fresh++; holds.set(loc(k), v); current.set(o.reg, v); } });
    }
    if (blk.succs.length === 0) return;
    const k = Math.floor(r() * blk.succs.length);
    runMoves(a.edgeMoves, a.edgeStart[b]! + k, `seed ${seed} edge ${b}->${blk.succs[k]}`);
    b = blk.succs[k]!;
  }
}

test('splitting allocator: every operand finds its value on random paths (loops, fixed registers, calls, copies)', () => {
  let spilled = 0, moved = 0;
  for (let seed = 1; seed <= 400; seed++) {
    const { t, insts } = program(seed);
    let a: Allocation;
    try { a = allocateRegisters(t); } catch (e) { throw new Error(`seed ${seed}: ${(e as Error).message}`); }
    spilled += a.spillSlots;
    moved += a.gapMoves.count + a.edgeMoves.count;
    for (let run = 0; run < 4; run++) execute(t, insts, a, seed * 7 + run);
  }
  // The programs must exercise splitting and spilling, not only easy cases.
  assert.ok(spilled > 50, `only ${spilled} spill slots`);
  assert.ok(moved > 100, `only ${moved} moves`);
});

test('splitting allocator: copy hints give a copy the register of its source, so the move disappears', () => {
  // v6 = def; v7 = mov v6; use v7 (v6 dead after the copy).
  const regClass = [...PREG_CLASS, 0, 0];
  const insts: Inst[] = [
    { ops: [{ reg: 6, kind: OperandKind.Def }], copy: false },
    { ops: [{ reg: 7, kind: OperandKind.Def }, { reg: 6, kind: OperandKind.Use }], copy: true },
    { ops: [{ reg: 1, kind: OperandKind.Def }, { reg: 7, kind: OperandKind.Use }], copy: true },
    { ops: [{ reg: 1, kind: OperandKind.Use }], copy: false },
  ];
  const a = allocateRegisters(target(insts, regClass, [{ first: 0, count: insts.length, succs: [] }]));
  // Both take the register of the final fixed use.
  assert.equal(a.opLoc[a.opStart[0]!], 1);
  assert.equal(a.opLoc[a.opStart[1]!], 1);
  assert.equal(a.gapMoves.count, 0);
});

test('splitting allocator: a value unused in a loop is stored and reloaded outside the loop', () => {
  // b0: v6 = def; b1 (loop, pressure on all 4 registers); b2: use v6.
  const regClass = [...PREG_CLASS, 0, 0, 0, 0, 0];
  const insts: Inst[] = [
    { ops: [{ reg: 6, kind: OperandKind.Def }], copy: false },
    { ops: [], copy: false },
    // loop body
    { ops: [{ reg: 7, kind: OperandKind.Def }, { reg: 8, kind: OperandKind.Def }, { reg: 9, kind: OperandKind.Def }, { reg: 10, kind: OperandKind.Def }], copy: false },
    { ops: [7, 8, 9, 10].map((reg) => ({ reg, kind: OperandKind.Use })), copy: false },
    { ops: [], copy: false },
    // exit
    { ops: [{ reg: 6, kind: OperandKind.Use }], copy: false },
  ];
  const blocks = [{ first: 0, count: 2, succs: [1] }, { first: 2, count: 3, succs: [1, 2] }, { first: 5, count: 1, succs: [] }];
  const t = target(insts, regClass, blocks);
  const a = allocateRegisters(t);
  execute(t, insts, a, 1);
  for (let m = 0; m < a.gapMoves.count; m++) assert.ok(a.gapMoves.key[m]! < 2 || a.gapMoves.key[m]! >= 5, `a gap move inside the loop at ${a.gapMoves.key[m]}`);
  // Edge moves only on the loop's entry and exit edges (edges 0: b0->b1, 1: b1->b1, 2: b1->b2).
  for (let m = 0; m < a.edgeMoves.count; m++) assert.notEqual(a.edgeMoves.key[m], 1, 'a move on the back edge');
});

test('splitting allocator: a loop value live across a call gets the callee-saved register for the whole loop, not a caller-saved one until the call', () => {
  // Layout as after loop rotation (fib's inner loop): b0 entry; b1 body with a call; b2 latch;
  // b3 header (b0 jumps here); b4 exit. v6 is used only outside the loop (twice in b0, so it
  // is worth the callee-saved register first); v7 is carried around the loop across the call.
  const regClass = [...PREG_CLASS, 0, 0];
  const use = (reg: number): Op => ({ reg, kind: OperandKind.Use });
  const insts: Inst[] = [
    { ops: [{ reg: 6, kind: OperandKind.Def }], copy: false },
    { ops: [use(6), use(6), { reg: 7, kind: OperandKind.Def }], copy: false },
    // b1: read v7, call, update v7
    { ops: [use(7)], copy: false },
    { ops: [0, 1, 2, 4, 5].map((p) => ({ reg: p, kind: OperandKind.Def })), copy: false },
    { ops: [{ reg: 7, kind: OperandKind.UseDef }], copy: false },
    // b2: latch
    { ops: [], copy: false },
    // b3: header
    { ops: [use(7)], copy: false },
    // b4: exit
    { ops: [use(6), use(7)], copy: false },
  ];
  const blocks = [
    { first: 0, count: 2, succs: [3] }, { first: 2, count: 3, succs: [2] }, { first: 5, count: 1, succs: [3] },
    { first: 6, count: 1, succs: [1, 4] }, { first: 7, count: 1, succs: [] },
  ];
  const t = target(insts, regClass, blocks);
  const a = allocateRegisters(t);
  execute(t, insts, a, 1);
  for (let m = 0; m < a.gapMoves.count; m++) {
    const at = a.gapMoves.key[m]!;
    assert.ok(at < 2 || at >= 7, `a move inside the loop, before instruction ${at}`);
  }
  // Edges in succs order: 0 b0->b3, 1 b1->b2, 2 b2->b3, 3 b3->b1, 4 b3->b4; 1-3 are inside the loop.
  for (let m = 0; m < a.edgeMoves.count; m++) assert.ok(a.edgeMoves.key[m] === 0 || a.edgeMoves.key[m] === 4, `a move on loop edge ${a.edgeMoves.key[m]}`);
  assert.equal(a.opLoc[a.opStart[2]!], 3, 'v7 in the callee-saved register in the loop');
});
