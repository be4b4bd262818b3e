/**
 * Redundant spill-store removal (src/regalloc/redundant-stores.ts): a store
 * into a slot that holds the value on every path is dropped; a store after a
 * redefinition, or where one path did not store, is kept. Dead-move removal
 * (src/regalloc/dead-moves.ts): moves nothing reads go, chains at once. Every
 * result is also proven by the independent checker.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { OperandKind, SPILL_BASE, type Allocation, type MoveList, type RegallocInput } from '../../src/regalloc/allocation.js';
import { checkAllocation } from '../../src/regalloc/checker.js';
import { operandTable } from '../../src/regalloc/linear-scan.js';
import { removeRedundantStores } from '../../src/regalloc/redundant-stores.js';
import { removeDeadMoves } from '../../src/regalloc/dead-moves.js';

const NP = 4, S = SPILL_BASE, V = 4; // pregs p0..p3 (one class); v4 spilled to slot 0
const U = OperandKind.Use, D = OperandKind.Def;

/** Blocks of instructions ([reg, kind, loc] operands) and gap moves [inst, from, to, reg]. */
function run(blocks: { insts: [number, OperandKind, number][][]; succs: number[] }[], gaps: [number, number, number, number][], pass: 'stores' | 'dead' = 'stores'): { before: number; after: number } {
  const insts = blocks.flatMap((b) => b.insts);
  let first = 0;
  const target: RegallocInput = {
    numPregs: NP, pregClass: [0, 0, 0, 0], allocatable: [[0, 1, 2, 3]], regCount: V + 1, regClass: new Uint8Array(V + 1),
    blocks: blocks.map((b) => { const blk = { first, count: b.insts.length, succs: b.succs }; first += b.insts.length; return blk; }),
    instCount: insts.length,
    ...operandTable(insts),
    acceptsSpillSlot: () => true,
    isCalleeSaved: () => false,
  };
  const opStart = new Int32Array(insts.length + 1), opReg: number[] = [], opKind: number[] = [], opLoc: number[] = [];
  insts.forEach((ops, i) => { opStart[i] = opReg.length; for (const [r, k, l] of ops) { opReg.push(r); opKind.push(k); opLoc.push(l); } });
  opStart[insts.length] = opReg.length;
  const list: MoveList = { count: gaps.length, key: Int32Array.from(gaps, (g) => g[0]), from: Int32Array.from(gaps, (g) => g[1]), to: Int32Array.from(gaps, (g) => g[2]), reg: Int32Array.from(gaps, (g) => g[3]) };
  const edgeStart = new Int32Array(blocks.length + 1);
  blocks.forEach((b, n) => { edgeStart[n + 1] = edgeStart[n]! + b.succs.length; });
  const empty: MoveList = { count: 0, key: new Int32Array(0), from: new Int32Array(0), to: new Int32Array(0), reg: new Int32Array(0) };
  const alloc: Allocation = { opStart, opLoc: Int32Array.from(opLoc), gapMoves: list, edgeMoves: empty, edgeStart, spillSlots: 1, usedPregs: new Uint8Array(NP).fill(1) };
  const slotOf = Int32Array.from({ length: V + 1 }, (_, r) => (r === V ? 0 : -1));
  const ops = { opStart, opReg: Int32Array.from(opReg), opKind: Int32Array.from(opKind) };
  const out = pass === 'stores' ? removeRedundantStores(target, alloc, ops, slotOf) : removeDeadMoves(target, alloc, ops);
  checkAllocation(target, out);
  return { before: alloc.gapMoves.count, after: out.gapMoves.count };
}

const def: [number, OperandKind, number][] = [[V, D, 0]];
const use0: [number, OperandKind, number][] = [[V, U, 0]];
const use1: [number, OperandKind, number][] = [[V, U, 1]];

test('a second store of an unchanged value is dropped, also around a loop', () => {
  // b0: v = def (p0); store; jump b1.  b1 (loop): reload into p1, use; store again (dropped); back to b1 or exit.
  const r = run([
    { insts: [def, use0], succs: [1] },
    { insts: [use1, use1], succs: [1, 2] },
    { insts: [[]], succs: [] },
  ], [[1, 0, S, V], [2, S, 1, V], [3, 1, S, V]]);
  assert.deepEqual(r, { before: 3, after: 2 });
});

test('a store after a redefinition is kept', () => {
  const r = run([{ insts: [def, use0, def, use0, use1], succs: [] }], [[1, 0, S, V], [3, 0, S, V], [4, S, 1, V]]);
  assert.deepEqual(r, { before: 3, after: 3 });
});

test('a store at a merge is kept when one path did not store', () => {
  const r = run([
    { insts: [def], succs: [1, 2] },
    { insts: [use0], succs: [3] },
    { insts: [use0], succs: [3] },
    { insts: [use0, use1], succs: [] },
  ], [[1, 0, S, V], [3, 0, S, V], [4, S, 1, V]]);
  assert.deepEqual(r, { before: 3, after: 3 });
});

test('dead moves: a chain of moves nothing reads goes at once; a store and reload that are read stay', () => {
  // gap 1: p0 -> slot (read by gap 2), p0 -> p3 (only read by a dead move); gap 2: slot -> p1 (read by inst 2), p3 -> p2 (never read).
  const r = run([{ insts: [def, use0, use1], succs: [] }], [[1, 0, S, V], [1, 0, 3, V], [2, S, 1, V], [2, 3, 2, V]], 'dead');
  assert.deepEqual(r, { before: 4, after: 2 });
});

test('dead moves: a move read on one successor path stays', () => {
  // b0: def; gap 1 (in b0's second inst): p0 -> p2; b0 branches to b1 (reads p2) or b2 (does not).
  const r = run([
    { insts: [def, []], succs: [1, 2] },
    { insts: [[[V, U, 2]]], succs: [] },
    { insts: [[]], succs: [] },
  ], [[1, 0, 2, V]], 'dead');
  assert.deepEqual(r, { before: 1, after: 1 });
});
