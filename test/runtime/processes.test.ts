/**
 * Runtime behaviour that needs a process of its own: the whole-process W^X
 * check under --jitless, GC freeing code, and a hardened (MDWE) process.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { packageRoot } from '../../src/runtime/addon.js';

const children = path.join(packageRoot, 'test', 'children');

function runNode(args: string[], launcher?: string): string {
  const argv = [...(launcher ? [process.execPath] : []), ...args];
  const r = spawnSync(launcher ?? process.execPath, argv, { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, `child failed (status ${r.status}, signal ${r.signal}):\n${r.stderr}`);
  return r.stdout.trim().split('\n').pop()!;
}

test('under --jitless, the process has no writable+executable mapping at any W^X stage', () => {
  const stages = JSON.parse(runNode(['--jitless', path.join(children, 'wx-stages.mjs')])) as Array<[string, number]>;
  const rwxRoute = stages.pop()!;
  for (const [stage, count] of stages) assert.equal(count, 0, `rwx mappings ${stage}`);
  assert.deepEqual(rwxRoute, ['rwx route: allocated', 1]);
  assert.ok(stages.length >= 13);
});

test('a FinalizationRegistry frees code whose handle was collected', () => {
  const r = JSON.parse(runNode(['--expose-gc', path.join(children, 'gc-frees.mjs')]));
  assert.equal(r.before, 2002);
  assert.equal(r.after, 1, 'only the handle still referenced stays live');
  assert.ok(r.regionsAfter < r.regionsBefore, `regions released: ${r.regionsBefore} -> ${r.regionsAfter}`);
  assert.equal(r.stillWorks, '5');
});

test('hardened process (PR_SET_MDWE): dual-mapping works, mprotect and RWX fail cleanly', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'jitkit-mdwe-'));
  const launcher = path.join(dir, 'mdwe-launch');
  execFileSync('gcc', ['-O2', '-o', launcher, path.join(children, 'mdwe-launch.c')]);
  // Plain node aborts under MDWE (V8's JIT needs pages to gain execute); --jitless runs.
  const r = JSON.parse(runNode(['--jitless', path.join(children, 'hardened.mjs')], launcher));
  assert.deepEqual(r.dual, { ok: true, value: '6' });
  assert.deepEqual(r.auto, { ok: true, value: 'dual-mapping' });
  assert.equal(r.mprotect.ok, false);
  assert.equal(r.mprotect.syscall, 'mprotect');
  assert.match(r.mprotect.message, /^mprotect failed: Permission denied \(EACCES, errno 13\)$/);
  assert.equal(r.rwx.ok, false);
  assert.equal(r.rwx.syscall, 'mmap');
  assert.match(r.rwx.message, /^mmap failed: Permission denied \(EACCES, errno 13\)$/);
  assert.equal(r.rwxMappings, 0);
});

test('worker threads calling jitted code at the same time each get their own results', () => {
  // Before the argument buffer was thread-local, this saw wrong results in every run.
  const r = JSON.parse(runNode([path.join(children, 'worker-calls.mjs')]));
  assert.deepEqual(r, { bad: [0, 0, 0] });
});
