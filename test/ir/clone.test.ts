/**
 * Module.clone: the copy prints exactly like the original, and optimising
 * (or otherwise changing) the copy leaves the original untouched. Checked on
 * every filetest module with functions and on the benchmark kernels.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Module, parse, printModule, verify } from '../../src/ir/index.js';
import { optimize } from '../../src/opt/index.js';
import { buildKernels } from '../../bench/kernels/ir.js';

const ROOT = join(import.meta.dirname, '..', '..', '..', 'test', 'filetests');

function modules(): [string, Module][] {
  const out: [string, Module][] = [['kernels', buildKernels()]];
  for (const dir of ['run', 'opt', 'regress']) {
    for (const name of readdirSync(join(ROOT, dir)).filter((n) => n.endsWith('.ir'))) {
      const text = readFileSync(join(ROOT, dir, name), 'utf8');
      try {
        const m = parse(text);
        verify(m);
        out.push([`${dir}/${name}`, m]);
      } catch { /* files testing parse/verify errors */ }
    }
  }
  return out;
}

test('Module.clone prints like the original and is independent of it', () => {
  const all = modules();
  assert.ok(all.length > 50, `only ${all.length} modules`);
  let changed = 0;
  for (const [name, m] of all) {
    const before = printModule(m);
    const copy = m.clone();
    assert.equal(printModule(copy), before, `${name}: clone prints differently`);
    optimize(copy, { level: 2, verify: true });
    if (printModule(copy) !== before) changed++;
    assert.equal(printModule(m), before, `${name}: optimising the clone changed the original`);
    assert.notEqual(copy.functions()[0], m.functions()[0]);
    for (const f of copy.functions()) assert.equal(f.module, copy, `${name}: %${f.name} belongs to the wrong module`);
  }
  assert.ok(changed > 20, `optimising changed only ${changed} clones: the independence check is too weak`);
});
