/**
 * DominatorTree.dominates after `computeIdoms` alone walks the idom chain until the walks
 * pass a few steps per block, then numbers the tree once (deep trees made the verifier's
 * questions quadratic). Before and after that switch it answers as `compute`'s numbering
 * does, and as the definition (every path from the entry passes through a) does.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DominatorTree } from '../../src/analysis/dominators.js';
import { FuncFlowGraph } from '../../src/ir/flow-graph.js';
import { parse } from '../../src/ir/parser.js';

/** A chain of `n` diamonds (a deep tree: each join is dominated by every earlier branch), with a loop back to the first join. */
function diamonds(n: number): string {
  const lines = ['function %d(i64) -> i64 {', 'block0(v0: i64):', '    jump block1'];
  for (let k = 0; k < n; k++) {
    const head = 1 + 3 * k;
    lines.push(`block${head}:`, `    brif v0, block${head + 1}, block${head + 2}`);
    lines.push(`block${head + 1}:`, `    jump block${head + 3}`);
    lines.push(`block${head + 2}:`, `    jump block${head + 3}`);
  }
  const last = 1 + 3 * n;
  lines.push(`block${last}:`, '    brif v0, block4, block' + (last + 1), `block${last + 1}:`, '    return v0', '}');
  return lines.join('\n') + '\n';
}

/** Whether every path from the entry to `b` passes through `a` (b unreachable from the entry once `a` is removed). */
function dominatesByDefinition(g: FuncFlowGraph, a: number, b: number): boolean {
  if (a === b) return true;
  const entry = g.rpo[0]!;
  if (entry === a) return true;
  const seen = new Uint8Array(g.blockCount);
  const stack = [entry];
  seen[entry] = 1;
  while (stack.length > 0) {
    const x = stack.pop()!;
    if (x === b) return false;
    for (let k = g.succStart[x]!; k < g.succStart[x + 1]!; k++) {
      const y = g.succBlock[k]!;
      if (y !== a && seen[y] === 0) { seen[y] = 1; stack.push(y); }
    }
  }
  return true;
}

test('dominates: the idom walk, the numbering it switches to, and compute() agree with the definition', () => {
  const f = parse(diamonds(40)).getFunction('d');
  const g = new FuncFlowGraph().compute(f);
  const numbered = new DominatorTree().compute(g);
  const walking = new DominatorTree().computeIdoms(g);
  const n = g.blockCount;
  let yes = 0;
  // Every pair twice: the first sweep starts on walks and switches to numbers part-way.
  for (let sweep = 0; sweep < 2; sweep++) {
    for (let a = 0; a < n; a++) {
      for (let b = 0; b < n; b++) {
        const want = dominatesByDefinition(g, a, b);
        assert.equal(walking.dominates(a, b), want, `sweep ${sweep}: block${a} dominates block${b}`);
        assert.equal(numbered.dominates(a, b), want, `compute(): block${a} dominates block${b}`);
        if (want) yes++;
      }
    }
  }
  assert.ok(yes > n * 20, `only ${yes} dominating pairs: the tree is not deep`);
  assert.equal((walking as unknown as { numbered: boolean }).numbered, true, 'the walking tree never switched to numbers');
});
