/**
 * The fast slice of `npm run test:c` inside `npm test`: every 12th program of
 * c-testsuite and MIR's C tests at -O0 and -O2 (worker processes, gcc -O0 as
 * the oracle where a program has no expectation), plus two Csmith programs
 * when csmith is installed. A program that fails must be one that
 * test/c/failures.txt already lists (the full run writes that file).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { csmithPrograms, listPrograms, runPrograms, DATA } from './suite/run-suite.js';

test('C programs (fast slice of npm run test:c) match their expectations at -O0 and -O2', { skip: !fs.existsSync(DATA) && `no test data at ${DATA}` }, async () => {
  const programs = [...listPrograms().filter((_, i) => i % 12 === 0), ...csmithPrograms(2, 1000)];
  const failures = await runPrograms(programs, 2, 60000);
  const known = new Set(fs.readFileSync(path.resolve('test/c/failures.txt'), 'utf8').split('\n').filter((l) => !l.startsWith('#') && l !== '').map((l) => l.slice(0, l.indexOf(': '))));
  const unexpected = [...failures].filter(([p]) => !known.has(p.name)).map(([p, why]) => `${p.name}: ${why}`);
  assert.deepEqual(unexpected, [], `${programs.length} programs`);
});
