import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { packageRoot } from '../../src/runtime/addon.js';

test('npm start: add4 built by the assembler, result = 6 on every route, W^X visible in the page protections', () => {
  const out = execFileSync(process.execPath, [path.join(packageRoot, 'dist', 'examples', 'demo.js')], { encoding: 'utf8' });
  assert.match(out, /48 89 f8\s+mov rax, rdi/);
  assert.match(out, /48 83 c0 04\s+add rax, 4/);
  assert.equal(out.match(/^  result = 6$/gm)?.length, 3);
  const rwx = out.slice(out.indexOf('RWX route'), out.indexOf("scheme 'dual-mapping'"));
  assert.equal(rwx.match(/rwxp/g)?.length, 2, 'the RWX route shows rwx at write and run time');
  const dual = out.slice(out.indexOf("scheme 'dual-mapping'"), out.indexOf("scheme 'mprotect'"));
  assert.match(dual, /page written \(write view\):\s+0x[0-9a-f]+\s+rw-s/);
  assert.match(dual, /page running \(exec view\):\s+0x[0-9a-f]+\s+r-xs/);
  const mp = out.slice(out.indexOf("scheme 'mprotect'"));
  assert.match(mp, /page written \(write view\):\s+0x[0-9a-f]+\s+rw-p/);
  assert.match(mp, /page running \(exec view\):\s+0x[0-9a-f]+\s+r-xp/);
  assert.doesNotMatch(out.slice(out.indexOf('W^X route')), /rwx/);
});
