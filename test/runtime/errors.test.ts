/**
 * Refused system calls become JS Errors naming the call and errno: through the
 * addon's test-only fault injection (each call site), and for real.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { CodeMemory } from '../../src/index.js';
import { native } from '../../src/runtime/addon.js';
import { packageRoot } from '../../src/runtime/addon.js';
import { add4 } from './hand-encoded.js';

const k = native.constants;
const openFds = () => readdirSync('/proc/self/fd').length;

function errnoError(call: string, text: string, name: string, errno: number) {
  return (e: NodeJS.ErrnoException) => {
    assert.equal(e.message, `${call} failed: ${text} (${name}, errno ${errno})`);
    assert.equal(e.syscall, call);
    assert.equal(e.code, name);
    assert.equal(e.errno, errno);
    return true;
  };
}

test('mmap refused: the error names mmap and ENOMEM, and nothing leaks', () => {
  const fds = openFds();
  native.failNext('mmap', k.ENOMEM);
  assert.throws(() => new CodeMemory({ scheme: 'dual-mapping' }).place(add4), errnoError('mmap', 'Cannot allocate memory', 'ENOMEM', 12));
  assert.equal(openFds(), fds, 'the memfd was closed');
  native.failNext('mmap', k.ENOMEM);
  assert.throws(() => new CodeMemory({ scheme: 'mprotect' }).place(add4), errnoError('mmap', 'Cannot allocate memory', 'ENOMEM', 12));
});

test('memfd_create refused: auto falls back to mprotect and says why; dual-mapping throws', () => {
  native.failNext('memfd_create', k.ENOSYS);
  const auto = new CodeMemory();
  assert.equal(auto.scheme, 'mprotect');
  assert.equal(auto.fallbackReason, 'memfd_create failed: Function not implemented (ENOSYS, errno 38)');
  assert.equal(auto.place(add4).callInt(2n), 6n);
  auto.dispose();
  native.failNext('memfd_create', k.EPERM);
  assert.throws(() => new CodeMemory({ scheme: 'dual-mapping' }).allocate(16), errnoError('memfd_create', 'Operation not permitted', 'EPERM', 1));
});

test('the executable view refused (second mmap): auto falls back, the RW view is unmapped', () => {
  const fds = openFds();
  const memory = new CodeMemory();
  // The first mmap (the RW view) goes through; the second (the RX view) is refused.
  native.failNext('mmap', k.EACCES, 1);
  assert.equal(memory.scheme, 'mprotect');
  assert.equal(openFds(), fds);
  assert.match(memory.fallbackReason!, /^mmap failed: Permission denied \(EACCES/);
  memory.dispose();
});

test('ftruncate, mprotect and munmap refused: errors name the call', () => {
  native.failNext('ftruncate', 28);
  assert.throws(() => new CodeMemory({ scheme: 'dual-mapping' }).allocate(16), errnoError('ftruncate', 'No space left on device', 'ENOSPC', 28));

  const m = new CodeMemory({ scheme: 'mprotect' });
  m.place(add4);
  native.failNext('mprotect', k.EACCES);
  assert.throws(() => m.allocate(16), errnoError('mprotect', 'Permission denied', 'EACCES', 13));
  assert.equal(m.place(add4).callInt(1n), 5n, 'the memory stays usable after a refused call');
  const w = m.allocate(8);
  w.write(add4);
  native.failNext('mprotect', k.ENOMEM);
  assert.throws(() => w.finalize(), errnoError('mprotect', 'Cannot allocate memory', 'ENOMEM', 12));
  assert.equal(w.finalize().callInt(0n), 4n, 'finalize can be retried');

  native.failNext('munmap', k.EINVAL);
  assert.throws(() => m.dispose(), errnoError('munmap', 'Invalid argument', 'EINVAL', 22));
});

test('real kernel refusals through the addon', () => {
  assert.throws(() => native.mmap(0, k.PROT_READ, k.MAP_PRIVATE | k.MAP_ANONYMOUS, -1, 0), errnoError('mmap', 'Invalid argument', 'EINVAL', 22));
  assert.throws(() => native.mprotect(3n, 4096, k.PROT_READ), errnoError('mprotect', 'Invalid argument', 'EINVAL', 22));
  assert.throws(() => native.memfdCreate('x', -1), errnoError('memfd_create', 'Invalid argument', 'EINVAL', 22));
  assert.throws(() => native.mmap(4096, k.PROT_READ, k.MAP_SHARED, 987654, 0), errnoError('mmap', 'Bad file descriptor', 'EBADF', 9));
  assert.throws(() => native.failNext('open' as 'mmap', 1), /unknown call name/);
  assert.throws(() => native.munmap(4096 as unknown as bigint, 1), /address must be a bigint/);
});

test('a real RLIMIT_AS makes mmap fail with ENOMEM, reported as a JS error', async () => {
  const child = spawn(process.execPath, [path.join(packageRoot, 'test', 'children', 'rlimit-as.mjs')], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines: string[] = [];
  let buffered = '';
  const nextLine = () =>
    new Promise<string>((resolve) => {
      const take = () => {
        const i = buffered.indexOf('\n');
        if (i < 0) return false;
        lines.push(buffered.slice(0, i));
        buffered = buffered.slice(i + 1);
        resolve(lines[lines.length - 1]!);
        return true;
      };
      if (take()) return;
      child.stdout.on('data', function on(d: Buffer) {
        buffered += d.toString();
        if (take()) child.stdout.off('data', on);
      });
    });
  assert.equal(await nextLine(), 'ready');
  // Limit the address space to what the child uses now plus 64 MiB.
  const vmSize = Number(/VmSize:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))![1]) * 1024;
  const limit = vmSize + 64 * 1024 * 1024;
  execFileSync('prlimit', [`--pid=${child.pid}`, `--as=${limit}:${limit}`]);
  child.stdin.write('go\n');
  const r = JSON.parse(await nextLine());
  assert.deepEqual(r, { ok: false, message: 'mmap failed: Cannot allocate memory (ENOMEM, errno 12)', syscall: 'mmap', code: 'ENOMEM' });
});
