/**
 * API fuzzing in child processes: wrong inputs to wrap, CodeMemory, the
 * Assembler, the parser, the builder and the verifier produce Errors, never a
 * crash; and a crashing child is detected as one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { API_CATEGORIES, apiFuzz } from '../../src/fuzz/api-fuzz.js';

for (const category of API_CATEGORIES) {
  test(`api fuzz in a child process: ${category}`, () => {
    const r = apiFuzz(category, 11, 300);
    assert.equal(r.crash, '');
    assert.ok(r.calls >= 300, `${r.calls} calls`);
    assert.ok(r.errors > r.calls / 4, `only ${r.errors} of ${r.calls} wrong calls threw`);
    // No category may fail internally (a V8 TypeError instead of a checked message).
    assert.deepEqual(r.internal, []);
  });
}

test('a child killed by a signal, or failing, is reported as a crash', () => {
  assert.match(apiFuzz('crash-selftest' as never, 1, 1).crash, /killed by SIGSEGV/);
  assert.match(apiFuzz('nonsense' as never, 1, 1).crash, /exit status 1/);
});
