/**
 * The C front end's mutation fuzzer (src/fuzz/c-fuzz.ts): a fixed-seed slice of
 * mutated corpus files gives no internal error and no hang; planted failures
 * (an internal error and a hang on an error path) are found, reduced to a few
 * tokens and written out; mutation and token printing are deterministic.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FrontEndWorker, fuzzC, mutate, sourceText, sourceTokens } from '../../src/fuzz/c-fuzz.js';
import { Rng } from '../../src/fuzz/rng.js';
import { C_TESTDATA } from '../helpers/c-testdata.js';

const skip = C_TESTDATA === undefined && 'needs the C corpus (../shared/testdata/c)';

test('tokens print back to text that lexes the same; mutations depend on the seed only', () => {
  const text = '#include <stdio.h>\n#define SQ(x) ((x)*(x))\nint main(void) {\n  return SQ(2) - 4; /* zero */\n}\n';
  const toks = sourceTokens(text);
  assert.deepEqual(sourceTokens(sourceText(toks)), toks);
  assert.equal(sourceText(toks).split('\n')[1], '#define SQ(x) ((x)*(x))');
  const a = mutate(toks, new Rng(42));
  const b = mutate(toks, new Rng(42));
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.tokens, toks);
});

test('fixed-seed slice: mutated corpus files give diagnostics, never an internal error or a hang', { skip }, async () => {
  const lines: string[] = [];
  const stats = await fuzzC({ seed: 14, corpus: C_TESTDATA!, mutants: 300, timeLimitMs: 120000, hangMs: 20000, reduceTimeMs: 20000, log: (l) => lines.push(l) });
  assert.deepEqual(stats.failures.map((f) => `${f.outcome.kind}: ${f.outcome.detail}\n${f.reduced}`), [], lines.join('\n'));
  assert.ok(stats.mutants >= 100, `only ${stats.mutants} mutants ran`);
  assert.ok(stats.rejected > stats.mutants / 2, `only ${stats.rejected} of ${stats.mutants} mutants were rejected`);
  assert.equal(stats.internalErrors + stats.hangs, 0);
});

test('a planted internal error is found and reduced to a few tokens, written as a C file', { skip }, async () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'jitkit-cfuzz-'));
  const stats = await fuzzC({ seed: 2, corpus: C_TESTDATA!, mutants: 200, timeLimitMs: 120000, planted: 'internal', maxFailures: 1, outDir: out, reduceTimeMs: 30000 });
  assert.equal(stats.failures.length, 1);
  const f = stats.failures[0]!;
  assert.equal(f.outcome.kind, 'internal');
  assert.match(f.outcome.detail, /^TypeError: planted internal error on an error path/);
  assert.ok(sourceTokens(f.reduced).length <= 6, f.reduced);
  const written = fs.readFileSync(f.written!, 'utf8');
  assert.ok(written.endsWith(f.reduced));
  // The written file reproduces the failure, and the unplanted front end takes it with diagnostics.
  const planted = new FrontEndWorker('internal');
  const clean = new FrontEndWorker(undefined);
  try {
    assert.equal((await planted.run('x.c', written, 20000)).kind, 'internal');
    assert.equal((await clean.run('x.c', written, 20000)).kind, 'error');
  } finally {
    planted.stop();
    clean.stop();
  }
  fs.rmSync(out, { recursive: true, force: true });
});

test('a planted hang is detected, the worker restarted, and the input reduced', { skip }, async () => {
  const stats = await fuzzC({ seed: 2, corpus: C_TESTDATA!, mutants: 200, timeLimitMs: 120000, planted: 'hang', hangMs: 2500, maxFailures: 1, reduceTimeMs: 20000 });
  assert.equal(stats.failures.length, 1);
  assert.equal(stats.failures[0]!.outcome.kind, 'hang');
  assert.ok(sourceTokens(stats.failures[0]!.reduced).length < 40, stats.failures[0]!.reduced);
});
