/**
 * The differential harness on a fixed-seed slice: compiled code (every
 * optimisation level, in a supervised child process) and the interpreter through
 * print+parse agree with the interpreter on every program; planted bugs (a `ushr`
 * that shifts arithmetically, in the interpreter and in the compiled lowering)
 * are caught in the same slice, reduced to a few lines and written out as
 * filetests: evidence that the fuzzer can fail.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from '../../src/ir/index.js';
import { runFiletest } from '../../src/ir/filetest.js';
import {
  Coverage, checkModule, compareOutcomes, fuzzPrograms, perturbedExecutor, referenceExecutor, roundTripExecutor,
} from '../../src/fuzz/harness.js';
import { runSupervised } from '../../src/fuzz/supervisor.js';

/**
 * The fixed-seed slice run by `npm test`. Its time limits are CPU time (`clock: 'cpu'`): the
 * slice must fit its budget of work however many other processes share the machine.
 */
const SLICE = { seed: 20261124, programs: 1500, clock: 'cpu' } as const;

test('fixed-seed slice: the interpreter agrees with itself through print+parse; every opcode runs', () => {
  const coverage = new Coverage();
  const stats = fuzzPrograms({ ...SLICE, programs: 800, executors: [referenceExecutor, roundTripExecutor], coverage, coverageEvery: 8, reduce: false });
  assert.deepEqual(stats.generatorErrors, []);
  assert.deepEqual(stats.mismatches.map((m) => `${m.seed}: ${m.description}`), []);
  assert.ok(stats.traps > 50 && stats.traps < stats.programs / 2, `${stats.traps} traps`);
  const missing = coverage.missing();
  assert.deepEqual(missing.generated, []);
  assert.deepEqual(missing.executed, []);
});

test('fixed-seed slice: compiled code agrees with the interpreter (supervised child process)', async () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'jitkit-fuzz-'));
  const stats = await runSupervised({ ...SLICE, executors: ['interp', 'compiled'], timeLimitMs: 60000, hangMs: 30000, outDir: out, reduceTimeMs: 10000 });
  assert.deepEqual(stats.generatorErrors, []);
  assert.deepEqual(stats.crashes.map((c) => `${c.seed}: ${c.description} ${c.file}`), []);
  assert.deepEqual(stats.mismatches.map((m) => `${m.seed}: ${m.description} ${m.file}`), []);
  assert.equal(stats.programs, SLICE.programs, `only ${stats.programs} programs within 60 s of CPU time`);
  console.log(`# supervised slice: ${stats.programs} programs in ${(stats.cpuMs / 1000).toFixed(1)} s of CPU time (${(stats.ms / 1000).toFixed(1)} s wall-clock)`);
  fs.rmSync(out, { recursive: true });
});

test('planted bug in the compiled lowering (shr emitted as sar) is caught in the slice and reduced', async () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'jitkit-fuzz-'));
  const stats = await runSupervised({ ...SLICE, executors: ['compiled', 'planted-compiled'], timeLimitMs: 60000, hangMs: 30000, outDir: out, maxMismatches: 1, reduceTimeMs: 20000 });
  assert.equal(stats.mismatches.length + stats.crashes.length, 1, 'the planted bug was not found');
  const m = stats.mismatches[0]!;
  assert.ok(m !== undefined, `found a crash instead: ${stats.crashes[0]?.description}`);
  assert.match(m.description, /planted-compiled/);
  assert.match(m.reduced, /\bushr\b/);
  const insts = m.reduced.split('\n').filter((l) => /^    /.test(l)).length;
  assert.ok(insts <= 20, `reduced program still has ${insts} instructions:\n${m.reduced}`);
  fs.rmSync(out, { recursive: true });
});

test('planted bug: the fixed-seed slice catches a wrong ushr and reduces it', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'jitkit-fuzz-'));
  const stats = fuzzPrograms({ ...SLICE, executors: [referenceExecutor, perturbedExecutor()], maxMismatches: 1, outDir: out, reduceTimeMs: 20000 });
  assert.equal(stats.mismatches.length, 1, 'the planted bug was not found');
  const m = stats.mismatches[0]!;
  assert.match(m.description, /perturbed-interpreter/);
  assert.match(m.reduced, /\bushr\b/);
  const insts = m.reduced.split('\n').filter((l) => /^    /.test(l)).length;
  assert.ok(insts <= 20, `reduced program still has ${insts} instructions:\n${m.reduced}`);
  // The written file is a filetest: it passes on the interpreter and fails on the perturbed executor.
  const text = fs.readFileSync(m.file!, 'utf8');
  runFiletest(text, { file: m.file });
  assert.throws(() => runFiletest(text, { file: m.file, executors: [perturbedExecutor()] }), /perturbed-interpreter/);
  fs.rmSync(out, { recursive: true });
});

test('outcome comparison: results, NaN, -0, traps and buffer bytes', () => {
  const mk = (kind: 'return' | 'trap', values: unknown[], detail = '', buf = [0], ext = [0]) => ({ kind, values, detail, buffer: Uint8Array.from(buf), external: { ext: Uint8Array.from(ext) } });
  assert.equal(compareOutcomes(mk('return', [NaN]), mk('return', [NaN])), '');
  assert.notEqual(compareOutcomes(mk('return', [0]), mk('return', [-0])), '');
  assert.notEqual(compareOutcomes(mk('return', [1n]), mk('return', [2n])), '');
  assert.notEqual(compareOutcomes(mk('trap', [], 'int_divz'), mk('trap', [], 'bad_conv')), '');
  assert.match(compareOutcomes(mk('return', [1], '', [1, 2]), mk('return', [1], '', [1, 3])), /byte 1/);
  assert.match(compareOutcomes(mk('return', [1], '', [1], [0, 5]), mk('return', [1], '', [1], [0, 6])), /external data %ext differs at byte 1: 5 vs 6/);
  const m = parse('function %main(ptr, i64, i32, f64, f32) -> i32 {\nblock0(v0: ptr, v1: i64, v2: i32, v3: f64, v4: f32):\n    v5 = sdiv v2, v2\n    return v5\n}\n');
  const r = checkModule([referenceExecutor, roundTripExecutor], m, new Uint8Array(8), [0n, 0, 0, 0]);
  assert.equal(r.reference.kind, 'trap');
  assert.equal(r.reference.detail, 'int_divz');
  assert.deepEqual(r.mismatches, []);
});
