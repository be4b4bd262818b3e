/**
 * The addon names errno values itself (glibc's strerrorname_np is 2.32+ and musl has none, and
 * the prebuilt binaries must run on both). Oracle: Node's os.constants.errno, which maps the
 * same names to this system's values.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { constants } from 'node:os';
import { CodeMemory } from '../../src/index.js';
import { native } from '../../src/runtime/addon.js';
import { add4 } from './hand-encoded.js';

/** What a refused mmap reports for `errno`. */
function refusedMmap(errno: number): NodeJS.ErrnoException {
  native.failNext('mmap', errno);
  try {
    new CodeMemory({ scheme: 'mprotect' }).place(add4);
  } catch (e) {
    return e as NodeJS.ErrnoException;
  }
  throw new Error(`mmap did not fail with injected errno ${errno}`);
}

test('every errno the addon names gets the name Node gives that value', () => {
  const values = [...new Set(Object.values(constants.errno))].sort((a, b) => a - b);
  let named = 0;
  for (const v of values) {
    const e = refusedMmap(v);
    assert.equal(e.errno, v);
    if (e.code === 'EUNKNOWN') {
      assert.match(e.message, new RegExp(`\\(E\\?, errno ${v}\\)$`));
      continue;
    }
    assert.equal((constants.errno as Record<string, number>)[e.code!], v, `errno ${v} named ${e.code}`);
    assert.ok(e.message.endsWith(`(${e.code}, errno ${v})`), e.message);
    named++;
  }
  assert.ok(named >= 40, `${named} errno values named`);
});

test('the errors memory and symbol calls can meet are named', () => {
  for (const name of ['EPERM', 'EACCES', 'EAGAIN', 'EBADF', 'EEXIST', 'EINVAL', 'ENFILE', 'EMFILE', 'ENODEV', 'ENOMEM', 'ENOSPC', 'EFBIG', 'EOVERFLOW', 'ENOSYS', 'EINTR', 'EFAULT']) {
    const v = (constants.errno as Record<string, number>)[name]!;
    assert.equal(refusedMmap(v).code, name);
  }
});
