/**
 * Calling-layer behaviour that needs a process of its own. Debug mode can
 * fail: an entry thunk built with checkStackAlignment traps
 * (ud2: SIGILL, which the fault handler turns into TrapError('illegal')) when
 * entered with a misaligned stack; without the check, or
 * with the stack aligned, the same call completes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { packageRoot } from '../../src/runtime/addon.js';

const child = path.join(packageRoot, 'test', 'children', 'misaligned-thunk.mjs');

function run(alignment: 'aligned' | 'misaligned', mode: 'check' | 'nocheck') {
  // No core files from the expected crash.
  return spawnSync('/bin/sh', ['-c', 'ulimit -c 0; exec "$0" "$@"', process.execPath, child, alignment, mode], { encoding: 'utf8', timeout: 30_000 });
}

test('checkStackAlignment: a misaligned stack at the call traps illegal (ud2) and the process goes on', () => {
  const r = run('misaligned', 'check');
  assert.equal(r.status, 0, `status ${r.status}, signal ${r.signal}, stdout ${r.stdout}, stderr ${r.stderr}`);
  assert.equal(r.stdout, 'direct 42\ntrapped illegal\n', 'the same thunk worked when called normally, then trapped');
});

test('controls: the aligned call completes with the check; the misaligned one completes without it', () => {
  for (const [alignment, mode] of [['aligned', 'check'], ['misaligned', 'nocheck'], ['aligned', 'nocheck']] as const) {
    const r = run(alignment, mode);
    assert.equal(r.status, 0, `${alignment} ${mode}: status ${r.status}, signal ${r.signal}, stderr ${r.stderr}`);
    assert.equal(r.stdout, 'direct 42\ntrampoline 42\n', `${alignment} ${mode}`);
  }
});

test('without code generation from strings, wrap falls back to the generic marshaller by itself', () => {
  const script = path.join(packageRoot, 'test', 'children', 'no-codegen.mjs');
  const r = spawnSync(process.execPath, ['--disallow-code-generation-from-strings', script], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), {
    codegen: false,
    value: 2.5,
    error: 'RangeError: ret1: argument 2 must be an u8: an integer from 0 to 255, got 256',
    strlen: '5',
  });
});
