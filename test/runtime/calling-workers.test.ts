/**
 * Wrapped functions in worker threads: each thread's calls get their own
 * arguments and results while other threads call at the same time.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import * as path from 'node:path';
import { packageRoot } from '../../src/runtime/addon.js';

const script = path.join(packageRoot, 'test', 'children', 'call-worker.mjs');

test('regression: concurrent calls from worker threads do not see each other\'s arguments', async () => {
  // Before the fix, one process-wide argument buffer served every thread:
  // runs of this test saw 10^4..10^5 wrong results per worker.
  const workers = [1, 2, 3].map((i) => new Worker(script, { workerData: { base: i << 24, calls: 300_000 } }));
  const wrong = await Promise.all(workers.map((w) => new Promise<number>((resolve, reject) => {
    w.once('message', resolve);
    w.once('error', reject);
  })));
  assert.deepEqual(wrong, [0, 0, 0]);
});
