/**
 * Runs every `test/filetests/**\/*.ir` file (see src/ir/filetest.ts for the format).
 * To also run `test run` files through a compiled backend, add its `Executor`
 * to `executors` below. `JITKIT_BLESS=1 npm test` rewrites the `; error:` lines
 * of `test verify` files to the verifier's current messages (review the diff!).
 */
import { test } from 'node:test';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Executor, interpreterExecutor, runFiletest } from '../src/ir/filetest.js';
import { compiledExecutor, compiledRunLines } from '../src/codegen/executor.js';

/** dist/test/filetests.test.js -> <package>/test/filetests */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'test', 'filetests');

/** Executors for `test run`: the interpreter on every run line... */
const executors: Executor[] = [interpreterExecutor];
/** ...and the compiled backend on every run line except `traps heap_oob` (compiled code does not bounds-check). */
const compiledExecutors: Executor[] = [compiledExecutor];

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p));
    else if (e.name.endsWith('.ir')) out.push(p);
  }
  return out.sort();
}

const files = walk(root);
test('filetests exist', () => {
  if (files.length === 0) throw new Error(`no .ir files under ${root}`);
});
for (const file of files) {
  const rel = path.relative(root, file);
  test(`filetest ${rel}`, () => {
    const blessed = runFiletest(fs.readFileSync(file, 'utf8'), { executors, file: rel, bless: process.env.JITKIT_BLESS === '1' });
    if (blessed !== undefined) fs.writeFileSync(file, blessed);
  });
}
