/**
 * The pass manager's contract: -O0 changes nothing, explicit pass lists run
 * exactly those passes, unknown names are errors, and -O1 reaches a fixed
 * point (running it twice changes nothing).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse, printModule } from '../../src/ir/index.js';
import { PASSES, optimize } from '../../src/opt/index.js';
import { randomModule } from './random-program.js';

const TEXT = `function %f(i32) -> i32 {
block0(v0: i32):
    v1 = iconst.i32 2
    v2 = iconst.i32 3
    v3 = imul v1, v2
    v4 = imul v0, v3
    v5 = iadd v0, v0
    return v4
}
`;

test('-O0 leaves the module untouched', () => {
  const m = parse(TEXT);
  optimize(m, { level: 0, verify: true });
  assert.equal(printModule(m), TEXT);
});

test('an explicit pass list runs exactly those passes', () => {
  const m = parse(TEXT);
  optimize(m, { level: 2, passes: ['fold'], verify: true });
  // Folded, but the dead iadd stays (no dce).
  assert.match(printModule(m), /v3 = iconst.i32 6\n    v4 = imul v0, v3\n    v5 = iadd v0, v0/);
  optimize(m, { level: 2, passes: ['dce'] });
  assert.doesNotMatch(printModule(m), /iadd/);
});

test('unknown pass names are errors; every documented pass exists', () => {
  assert.throws(() => optimize(parse(TEXT), { level: 2, passes: ['nope'] }), /unknown pass 'nope'/);
  for (const name of ['fold', 'copyprop', 'dce', 'cfg', 'gvn', 'licm', 'strength', 'loadelim']) assert.equal(typeof PASSES[name], 'function', name);
});

test('-O1 reaches a fixed point', () => {
  for (let seed = 1; seed <= 40; seed++) {
    const m = parse(printModule(randomModule(seed)));
    optimize(m, { level: 1 });
    const once = printModule(m);
    optimize(m, { level: 1 });
    assert.equal(printModule(m), once, `seed ${seed}`);
  }
});
