/**
 * Loop depths as the allocator sees them (loopDepths): blocks come in layout
 * order, where rotation (src/codegen/x64/layout.ts) puts each loop header after
 * its latch. Hand-built layouts with loops in sequence and nested, then random
 * control-flow graphs against natural loops worked out from the definitions
 * (dominance by removing a block and searching from the entry).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { loopDepths, operandTable } from '../../src/regalloc/linear-scan.js';
import type { RegallocInput } from '../../src/regalloc/allocation.js';

/** A target of one empty instruction per block, with successors `succs[b]`. */
function cfg(succs: number[][]): RegallocInput {
  return {
    numPregs: 1, pregClass: [0], allocatable: [[0]], regCount: 1, regClass: [0],
    blocks: succs.map((s, b) => ({ first: b, count: 1, succs: s })),
    instCount: succs.length,
    ...operandTable(succs.map(() => [])),
    acceptsSpillSlot(): boolean { return false; },
    isCalleeSaved(): boolean { return false; },
  };
}

test('loop depth: rotated loops in sequence and nested', () => {
  const depths = loopDepths(cfg([
    /* 0 entry         */ [5],
    /* 1 A body        */ [3],
    /* 2 B body        */ [3],
    /* 3 B header      */ [2, 4],
    /* 4 A latch       */ [5],
    /* 5 A header      */ [1, 6],
    /* 6 C preheader   */ [8],
    /* 7 C body        */ [8],
    /* 8 C header      */ [7, 9],
    /* 9 D (self loop) */ [9, 10],
    /* 10 exit         */ [],
    /* 11 unreachable  */ [7],
  ]));
  assert.deepEqual([...depths], [0, 1, 2, 2, 1, 1, 0, 1, 1, 1, 0, 0]);
});

test('loop depth: many rotated loops in a row stay at depth 1 (the entry at 0)', () => {
  // entry; then per loop: body, header (body -> header -> body | next); exit.
  const n = 500, succs: number[][] = [[2]];
  for (let k = 0; k < n; k++) succs.push([2 * k + 2], [2 * k + 1, 2 * k + 3]);
  succs.push([]);
  const depths = loopDepths(cfg(succs));
  assert.equal(depths[0], 0);
  for (let b = 1; b <= 2 * n; b++) assert.equal(depths[b], 1, `block ${b}`);
  assert.equal(depths[2 * n + 1], 0);
});

test('loop depth: loops in IR order (header first) and several latches', () => {
  const depths = loopDepths(cfg([
    /* 0 entry          */ [1],
    /* 1 outer header   */ [2, 7],
    /* 2 inner header   */ [3, 6],
    /* 3 inner body     */ [4, 5],
    /* 4 inner latch 1  */ [2],
    /* 5 inner latch 2  */ [2],
    /* 6 outer latch    */ [1],
    /* 7 exit           */ [],
  ]));
  assert.deepEqual([...depths], [0, 1, 2, 2, 2, 2, 1, 0]);
});

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 4294967296; };
}

/** Blocks reachable from the entry without passing `removed` (-1: none). */
function reach(succs: number[][], removed: number): boolean[] {
  const seen = succs.map(() => false);
  if (removed === 0) return seen;
  const stack = [0];
  seen[0] = true;
  while (stack.length > 0) for (const s of succs[stack.pop()!]!) if (s !== removed && !seen[s]) { seen[s] = true; stack.push(s); }
  return seen;
}

/** Natural-loop depths from the definitions. */
function referenceDepths(succs: number[][]): number[] {
  const n = succs.length, reachable = reach(succs, -1);
  const dominates = (h: number, u: number): boolean => reachable[u]! && (h === u || !reach(succs, h)[u]!);
  const preds: number[][] = succs.map(() => []);
  succs.forEach((ss, b) => { for (const s of ss) preds[s]!.push(b); });
  const depth = new Array<number>(n).fill(0);
  for (let h = 0; h < n; h++) {
    const sources = preds[h]!.filter((u) => dominates(h, u));
    if (sources.length === 0) continue;
    const inLoop = new Set([h]), stack = [...sources];
    while (stack.length > 0) {
      const b = stack.pop()!;
      if (inLoop.has(b)) continue;
      inLoop.add(b);
      for (const p of preds[b]!) if (reachable[p]) stack.push(p);
    }
    for (const b of inLoop) depth[b]!++;
  }
  return depth;
}

test('loop depth: random control-flow graphs match natural loops from the definitions', () => {
  for (let seed = 1; seed <= 400; seed++) {
    const r = rng(seed), n = 1 + Math.floor(r() * 14);
    const succs: number[][] = [];
    for (let b = 0; b < n; b++) {
      const k = Math.floor(r() * 3), ss: number[] = [];
      // Mostly forward edges (so most blocks are reachable), some backward ones.
      for (let j = 0; j < k; j++) ss.push(r() < 0.7 ? Math.min(n - 1, b + 1 + Math.floor(r() * 3)) : Math.floor(r() * n));
      succs.push(ss);
    }
    assert.deepEqual([...loopDepths(cfg(succs))], referenceDepths(succs), `seed ${seed}: ${JSON.stringify(succs)}`);
  }
});
