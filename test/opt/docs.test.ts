// The `test optimize` example of docs/ir.md §9, verbatim, so that the documentation cannot drift.
import { test } from 'node:test';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runFiletest } from '../../src/ir/filetest.js';
import { optimize } from '../../src/opt/index.js';

const docs = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'docs', 'ir.md');

test('docs/ir.md test optimize example passes', () => {
  const text = fs.readFileSync(docs, 'utf8');
  const m = /```\n(test optimize fold dce\n[\s\S]*?)```/.exec(text);
  if (m === null) throw new Error('example not found in docs/ir.md');
  runFiletest(m[1]!, { optimizer: (mod, p) => optimize(mod, { level: 2, passes: p, verify: true }) });
});
