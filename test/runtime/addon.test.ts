import { test } from 'node:test';
import assert from 'node:assert/strict';
import { native } from '../../src/runtime/addon.js';

test('addon loads and reports the page size', () => {
  const size = native.pageSize();
  assert.ok(size >= 4096 && (size & (size - 1)) === 0, `page size ${size}`);
});

test('a refused system call becomes an Error naming the call and errno', () => {
  // munmap of an address that is not page-aligned is EINVAL from the kernel itself.
  assert.throws(() => native.munmap(1n, 4096), (e: NodeJS.ErrnoException) => {
    assert.match(e.message, /^munmap failed: Invalid argument \(EINVAL, errno 22\)$/);
    assert.equal(e.code, 'EINVAL');
    assert.equal(e.syscall, 'munmap');
    assert.equal(e.errno, 22);
    return true;
  });
});
