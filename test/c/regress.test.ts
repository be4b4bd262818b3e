/**
 * Regression programs of the C front end (test/c/regress/*.c): each one runs
 * at -O0 and -O2 in the test-suite runner's workers and must print and return
 * what the same program built by gcc -O0 prints and returns (gcc is the oracle).
 * Bugs found in the test suites, by Csmith or by users become programs here
 * before they are fixed.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runPrograms, type Program } from './suite/run-suite.js';

const DIR = path.resolve('test/c/regress');

test('C regression programs agree with gcc -O0 at -O0 and -O2', { skip: !fs.existsSync(DIR) && `no ${DIR}` }, async () => {
  const programs: Program[] = fs.readdirSync(DIR).filter((f) => f.endsWith('.c')).sort()
    .map((f) => ({ suite: 'regress', name: f, files: [path.join(DIR, f)], includePaths: [] }));
  assert.ok(programs.length > 0);
  const failures = await runPrograms(programs, 2, 120000);
  assert.deepEqual([...failures].map(([p, why]) => `${p.name}: ${why}`), []);
});
