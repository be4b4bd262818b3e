/**
 * A fast slice of the fault matrix (npm run test:faults runs all of it): one case
 * of each kind, each in its own child process: a fault, a stack overflow in a
 * small worker, an interrupt from another thread, a timeout, worker.terminate(),
 * SIGINT, and a sandbox escape.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { caseNames, percentile, runCase } from './matrix.js';

const SLICE = [
  'bad load (hand-written, address 0x10)',
  'IR call_indirect to a wild address',
  'recursion in a worker with stackSizeMb 0.5',
  'recursion in a default worker at the deepest JS depth',
  'endless loop, interrupt() from another thread',
  'endless loop, timeoutMs',
  'endless loop in a worker, worker.terminate()',
  'endless loop, SIGINT with a JS listener',
  'sandbox: store through a real address',
];

test('the slice names cases of the matrix', async () => {
  const names = await caseNames();
  for (const n of SLICE) assert.ok(names.includes(n), n);
  assert.ok(names.length >= 25, `${names.length} cases`);
});

for (const name of SLICE) {
  test(`fault matrix: ${name}`, () => {
    const r = runCase(name);
    assert.ok(r.caught, `not caught: ${r.detail}`);
    assert.ok(r.survived, `the process did not survive: ${r.detail}`);
    // Latencies are checked loosely here (a loaded machine); the bar line reports the p99.
    if (r.latencies.length > 0) assert.ok(percentile(r.latencies, 50) < 1000, `median latency ${percentile(r.latencies, 50)} ms`);
  });
}
