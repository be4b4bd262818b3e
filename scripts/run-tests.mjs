#!/usr/bin/env node
// Runs Node's test runner on dist/test/**/*.test.js only. (Node 20's runner,
// given a directory, would also execute every helper module under test/.)
// Extra arguments are passed to `node --test` (e.g. --test-name-pattern=...).
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function collect(dir, out) {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) collect(p, out);
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}

const files = collect('dist/test', []);
const extra = process.argv.slice(2);
// Every function compiled in tests goes through the register-allocation
// checker (src/regalloc/checker.ts) unless JITKIT_CHECK_REGALLOC=0.
const env = { ...process.env, JITKIT_CHECK_REGALLOC: process.env.JITKIT_CHECK_REGALLOC ?? '1' };
const r = spawnSync(process.execPath, ['--test', '--test-reporter=spec', ...extra, ...files], { stdio: 'inherit', env });
process.exit(r.status ?? 1);
