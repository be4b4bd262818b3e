/**
 * jitkit's SIGINT/SIGTERM hooks (native/threads.c) sit in front of Node's handlers: with no
 * JS listener the signal must still end the process as it would without jitkit (Node's own
 * handler is one-shot, SA_RESETHAND, and re-raises the signal), and with a listener the
 * listener runs and the process lives. Each case runs in a child process (killed after 20 s
 * if the signal hangs it).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { packageRoot } from '../../src/runtime/addon.js';

const index = pathToFileURL(path.join(packageRoot, 'dist', 'src', 'index.js')).href;

function child(source: string): ReturnType<typeof spawnSync> {
  return spawnSync(process.execPath, ['--input-type=module', '-e', source], { encoding: 'utf8', timeout: 20_000, killSignal: 'SIGKILL' });
}

for (const sig of ['SIGTERM', 'SIGINT'] as const) {
  test(`${sig} with no listener ends a process that loaded jitkit (and compiled code)`, () => {
    const r = child(`
      const { compile, ir } = await import(${JSON.stringify(index)});
      const c = compile(ir.parse('function %f(i64) -> i64 {\\nblock0(v0: i64):\\n    return v0\\n}\\n'));
      if (c.get('f')(7n) !== 7n) process.exit(4);
      process.kill(process.pid, '${sig}');
      setTimeout(() => { console.log('still alive'); process.exit(3); }, 3000);`);
    assert.equal(r.signal, sig, `the child should die by ${sig}: status ${r.status}, signal ${r.signal}, stdout ${String(r.stdout)}, stderr ${String(r.stderr)}`);
  });

  test(`${sig} with a listener runs it and the process lives`, () => {
    const r = child(`
      await import(${JSON.stringify(index)});
      process.on('${sig}', () => { console.log('heard'); process.exit(0); });
      process.kill(process.pid, '${sig}');
      setTimeout(() => process.exit(3), 10000);`);
    assert.equal(r.status, 0, `stderr ${String(r.stderr)}`);
    assert.equal(String(r.stdout).trim(), 'heard');
  });
}
