/**
 * Scale check: -O2 on a generated function of about 200,000 instructions
 * (hundreds of diamonds and loops, long straight-line runs with redundant and
 * constant arithmetic) must finish in a few seconds, i.e. the passes are
 * near-linear. The result must still compute the same value.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Interpreter, Module, Type, Value, verifyModule } from '../../src/ir/index.js';
import { optimize } from '../../src/opt/index.js';
import { processCpuMs } from '../../src/util/cpu-time.js';

function bigModule(sections: number, perSection: number): Module {
  const m = new Module();
  const f = m.function('big', [Type.I64, Type.I64], [Type.I64]);
  const b = f.builder();
  let [x, y] = b.params as [Value, Value];
  for (let s = 0; s < sections; s++) {
    // Straight-line run: redundant and foldable arithmetic.
    for (let k = 0; k < perSection; k++) {
      const c = b.iconst(Type.I64, (k % 7) + 1);
      const t = b.iadd(x, c);
      const u = b.iadd(x, c);               // GVN: same as t
      const z = b.imul(b.isub(t, u), y);    // (t - u) * y folds to 0 once t == u
      x = b.bxor(b.iadd(t, z), b.iconst(Type.I64, s));
    }
    if (s % 2 === 0) {
      const [r] = b.ifElse(b.icmp('slt', x, y), [Type.I64], () => [b.iadd(x, y)], () => [b.isub(x, y)]);
      x = r!;
    } else {
      const inv = b.imul(y, b.iconst(Type.I64, 3));
      const [acc] = b.forRange(b.iconst(Type.I64, 0), b.iconst(Type.I64, 2), [x], (i, [a]) => [b.iadd(b.iadd(a!, inv), i)]);
      x = acc!;
    }
  }
  b.return(x);
  b.finish();
  return m;
}

test('-O2 on a 200k-instruction function is near-linear', () => {
  const m = bigModule(400, 70);
  let n = 0;
  const f = m.getFunction('big');
  for (const blk of f.blocks()) n += f.insts(blk).length;
  assert.ok(n >= 200_000, `only ${n} instructions`);
  const want = new Interpreter(m).call('big', [5n, 3n]);
  // CPU time, not wall-clock time (which a loaded machine stretches): the bound is on work done.
  const t0 = processCpuMs();
  const timings: Record<string, number> = {};
  optimize(m, { level: 2, timings });
  const ms = processCpuMs() - t0;
  let after = 0;
  for (const blk of f.blocks()) after += f.insts(blk).length;
  assert.deepEqual(verifyModule(m), []);
  assert.equal(new Interpreter(m, { verify: false }).call('big', [5n, 3n]), want);
  assert.ok(after < n / 2, `${n} -> ${after} instructions`);
  assert.ok(ms < 8000, `-O2 took ${ms.toFixed(0)} ms of CPU time for ${n} instructions`);
  const per = Object.entries(timings).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ');
  console.log(`# -O2: ${n} -> ${after} instructions in ${ms.toFixed(0)} ms of CPU time (wall-clock per pass: ${per})`);
});
