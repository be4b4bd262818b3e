/**
 * The pass manager's contract: -O0 changes nothing, explicit pass lists run
 * exactly those passes, unknown names are errors, and -O1 reaches a fixed
 * point (running it twice changes nothing).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { parse, printModule } from '../../src/ir/index.js';
import { FuncContext, PASSES, SELF_FIXED_POINT, optimize } from '../../src/opt/index.js';
import { generate } from '../../src/fuzz/generator.js';
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

test('a pass that reports no change leaves the function as it was (what lets the manager skip it)', () => {
  for (let seed = 1; seed <= 30; seed++) {
    const text = printModule(randomModule(seed));
    for (const name of Object.keys(PASSES)) {
      const m = parse(text);
      for (const f of m.functions()) {
        if (f.firstBlock === -1) continue;
        const before = printModule(m);
        const changed = PASSES[name]!(new FuncContext(f));
        if (!changed) assert.equal(printModule(m), before, `seed ${seed}, pass ${name}, %${f.name}`);
      }
    }
  }
});

test('a pass that reaches its own fixed point changes nothing when run again after a change that kept the CFG (what lets the manager skip the rerun)', () => {
  let checked = 0;
  for (let seed = 1; seed <= 120; seed++) {
    // Random programs as they are, and after the cleanups, inlining and licm the pipeline runs first.
    const raw = seed % 2 === 0 ? randomModule(seed) : generate(seed).module;
    const prepared = parse(printModule(raw));
    if (seed % 3 === 0) optimize(prepared, { level: 2, passes: ['fold', 'copyprop', 'cfg', 'dce', 'tailrec', 'inline', 'licm'] });
    const text = printModule(prepared);
    for (const name of SELF_FIXED_POINT) {
      const m = parse(text);
      for (const f of m.functions()) {
        if (f.firstBlock === -1) continue;
        const ctx = new FuncContext(f);
        const cfgChanges = ctx.cfgChanges;
        if (!PASSES[name]!(ctx) || ctx.cfgChanges !== cfgChanges) continue;
        const once = printModule(m);
        assert.equal(PASSES[name]!(new FuncContext(f)), false, `seed ${seed}, pass ${name}, %${f.name}: second run reports a change`);
        assert.equal(printModule(m), once, `seed ${seed}, pass ${name}, %${f.name}`);
        checked++;
      }
    }
  }
  assert.ok(checked > 500, `only ${checked} runs checked`);
});

test('-O2 on functions with nothing to improve runs each pass once, skipping those the cleanups before inlining found done', () => {
  // %g is called (an inlining candidate, too big for threshold 1): it is cleaned before inlining.
  // %h calls it but nothing calls %h: only the pipeline after inlining runs on it.
  const text = `function %g(i64, i64) -> i64 {
block0(v0: i64, v1: i64):
    v2 = imul v0, v1
    v3 = iadd v2, v0
    return v3
}

function %h(i64) -> i64 {
block0(v0: i64):
    v1 = call %g(v0, v0)
    return v1
}
`;
  const runs: string[] = [];
  const passes = PASSES as Record<string, (ctx: FuncContext) => boolean>;
  const saved = { ...passes };
  try {
    for (const name of Object.keys(saved)) passes[name] = (ctx) => { runs.push(`${ctx.f.name}:${name}`); return saved[name]!(ctx); };
    const m = parse(text);
    optimize(m, { level: 2, verify: true, inline: { threshold: 1 } });
    assert.equal(printModule(m), text);
  } finally {
    Object.assign(passes, saved);
  }
  // %g before inlining: fold copyprop cfg dce tailrec. After (nothing was inlined into it): only the
  // passes that have not run yet (simplify), then licm; the final cleanup round finds everything done.
  assert.deepEqual(runs.filter((r) => r.startsWith('g:')).map((r) => r.slice(2)), ['fold', 'copyprop', 'cfg', 'dce', 'tailrec', 'simplify', 'licm']);
  assert.deepEqual(runs.filter((r) => r.startsWith('h:')).map((r) => r.slice(2)), ['simplify', 'copyprop', 'cfg', 'dce', 'tailrec', 'licm']);
});

test('after every pass, the CFG tables the context keeps as current match a fresh computation', () => {
  const passes = PASSES as Record<string, (ctx: FuncContext) => boolean>;
  const saved = { ...passes };
  let checked = 0;
  try {
    for (const name of Object.keys(saved)) {
      passes[name] = (ctx) => {
        const changed = saved[name]!(ctx);
        const stale = ctx.staleTables();
        assert.deepEqual(stale, [], `after ${name} on %${ctx.f.name}:\n${printModule(ctx.f.module)}`);
        checked++;
        return changed;
      };
    }
    for (let seed = 1; seed <= 40; seed++) optimize(randomModule(seed), { level: 2 });
    // The optimiser's filetests hold the CFG shapes each pass was written for.
    const dir = new URL('../../../test/filetests/opt/', import.meta.url);
    for (const file of readdirSync(dir)) {
      const text = readFileSync(new URL(file, dir), 'utf8').replace(/^test .*$/m, '');
      optimize(parse(text), { level: 2 });
    }
  } finally {
    Object.assign(passes, saved);
  }
  assert.ok(checked > 1000, `only ${checked} pass runs checked`);
});
