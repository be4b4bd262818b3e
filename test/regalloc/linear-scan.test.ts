/**
 * The architecture-neutral linear-scan allocator on a synthetic target (4
 * registers in class 0, 2 in class 1): random straight-line and two-block
 * programs; checks the allocation invariants directly.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { OperandKind, SPILL_BASE, allocateRegisters, type OperandSink, type RegallocTarget } from '../../src/regalloc/linear-scan.js';

interface Op { reg: number; kind: OperandKind }

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 4294967296; };
}

const NUM_PREGS = 6; // 0..3 class 0, 4..5 class 1

function target(insts: Op[][], regClass: number[], blocks: RegallocTarget['blocks']): RegallocTarget {
  return {
    numPregs: NUM_PREGS,
    pregClass: [0, 0, 0, 0, 1, 1],
    allocatable: [[0, 1, 2, 3], [4, 5]],
    regCount: regClass.length,
    regClass,
    blocks,
    instCount: insts.length,
    operands(i: number, sink: OperandSink): void { for (const o of insts[i]!) sink.operand(o.reg, o.kind); },
  };
}

test('linear scan: a vreg is never in a register that another overlapping vreg or a fixed range holds', () => {
  for (let seed = 1; seed <= 200; seed++) {
    const r = rng(seed);
    const regClass = [0, 0, 0, 0, 1, 1];
    const insts: Op[][] = [];
    const defined: number[] = [];
    const n = 10 + Math.floor(r() * 40);
    for (let i = 0; i < n; i++) {
      const ops: Op[] = [];
      for (let k = 0; k < 2 && defined.length > 0; k++) if (r() < 0.7) ops.push({ reg: defined[Math.floor(r() * defined.length)]!, kind: OperandKind.Use });
      if (r() < 0.1) ops.push({ reg: regClass.push(0) - 1, kind: OperandKind.Temp });
      const v = regClass.push(r() < 0.25 ? 1 : 0) - 1;
      ops.push({ reg: v, kind: OperandKind.Def });
      defined.push(v);
      insts.push(ops);
      if (r() < 0.15) {
        // A fixed register as lowering makes them: moved into, then consumed by the next instruction (which clobbers another).
        const p = Math.floor(r() * 4), q = Math.floor(r() * 4);
        insts.push([{ reg: defined[Math.floor(r() * defined.length)]!, kind: OperandKind.Use }, { reg: p, kind: OperandKind.Def }]);
        insts.push([{ reg: p, kind: OperandKind.Use }, { reg: q, kind: OperandKind.Def }]);
      }
    }
    // Keep a few values live to the end.
    insts.push(defined.filter(() => r() < 0.3).map((reg) => ({ reg, kind: OperandKind.Use })));
    const t = target(insts, regClass, [{ first: 0, count: insts.length, succs: [] }]);
    let alloc;
    try {
      alloc = allocateRegisters(t);
    } catch (e) {
      // Only acceptable failure: more temps/early defs at one point than registers (not produced here).
      throw new Error(`seed ${seed}: ${(e as Error).message}`);
    }
    // Fixed ranges, recomputed: preg def at 2i+1 (or 2i for early kinds) to its last use.
    const fixed: [number, number, number][] = [];
    const open = new Map<number, number>();
    insts.forEach((ops, i) => {
      for (const o of ops) if (o.reg < NUM_PREGS && o.kind === OperandKind.Use) {
        const k = open.get(o.reg);
        if (k === undefined) { open.set(o.reg, fixed.length); fixed.push([o.reg, 0, 2 * i]); } else fixed[k]![2] = Math.max(fixed[k]![2], 2 * i);
      }
      for (const o of ops) if (o.reg < NUM_PREGS && o.kind !== OperandKind.Use) { open.set(o.reg, fixed.length); fixed.push([o.reg, 2 * i + 1, 2 * i + 1]); }
    });
    const vregs = regClass.map((_, v) => v).filter((v) => v >= NUM_PREGS && alloc.end[v]! >= 0);
    for (const v of vregs) {
      const loc: number = alloc.location[v]!;
      assert.ok(loc >= 0, `seed ${seed}: v${v} unassigned`);
      if (loc >= SPILL_BASE) continue;
      assert.equal(t.pregClass[loc], regClass[v], `seed ${seed}: v${v} in a register of the wrong class`);
      for (const w of vregs) {
        if (w <= v || alloc.location[w] !== loc) continue;
        const overlap = alloc.start[v]! <= alloc.end[w]! && alloc.start[w]! <= alloc.end[v]!;
        assert.ok(!overlap, `seed ${seed}: v${v} and v${w} share ${loc} while both live`);
      }
      for (const [p, s, e] of fixed) {
        if (p !== loc) continue;
        assert.ok(!(alloc.start[v]! <= e && s <= alloc.end[v]!), `seed ${seed}: v${v} in ${p} across a fixed range [${s}, ${e}]`);
      }
    }
    for (let v = NUM_PREGS; v < regClass.length; v++) {
      const isTemp = insts.some((ops) => ops.some((o) => o.reg === v && (o.kind === OperandKind.Temp || o.kind === OperandKind.EarlyDef)));
      if (isTemp) assert.ok(alloc.location[v]! < SPILL_BASE, `seed ${seed}: must-have-register v${v} was spilled`);
    }
  }
});

test('linear scan: liveness flows around a loop (a value used in the loop stays allocated through it)', () => {
  // b0: def v6; b1 (loop): use v6, def v7, use v7 -> b1 | b2; b2: use v6
  const insts: Op[][] = [
    [{ reg: 6, kind: OperandKind.Def }],
    [{ reg: 6, kind: OperandKind.Use }, { reg: 7, kind: OperandKind.Def }],
    [{ reg: 7, kind: OperandKind.Use }, { reg: 8, kind: OperandKind.Def }],
    [{ reg: 8, kind: OperandKind.Use }],
    [{ reg: 6, kind: OperandKind.Use }],
  ];
  const t = target(insts, [0, 0, 0, 0, 1, 1, 0, 0, 0], [{ first: 0, count: 1, succs: [1] }, { first: 1, count: 3, succs: [1, 2] }, { first: 4, count: 1, succs: [] }]);
  const a = allocateRegisters(t);
  assert.equal(a.start[6], 1);
  assert.equal(a.end[6], 8); // live-out of the loop block (position 2*3+1 = 7) and used in b2 at 8
  assert.notEqual(a.location[6], a.location[7]);
  assert.notEqual(a.location[6], a.location[8]);
  assert.equal(a.spillSlots, 0);
});

test('linear scan: more simultaneously live values than registers spill the ones that end last', () => {
  const insts: Op[][] = [];
  for (let v = 6; v < 12; v++) insts.push([{ reg: v, kind: OperandKind.Def }]);
  insts.push([6, 7, 8, 9, 10, 11].map((reg) => ({ reg, kind: OperandKind.Use })));
  const t = target(insts, [0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0], [{ first: 0, count: insts.length, succs: [] }]);
  const a = allocateRegisters(t);
  assert.equal(a.spillSlots, 2);
  const inRegs = [6, 7, 8, 9, 10, 11].filter((v) => a.location[v]! < SPILL_BASE);
  assert.equal(new Set(inRegs.map((v) => a.location[v])).size, 4);
});
