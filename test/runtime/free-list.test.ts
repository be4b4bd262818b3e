import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FreeListAllocator } from '../../src/runtime/free-list.js';

test('allocates aligned, rounded blocks and coalesces on free', () => {
  const a = new FreeListAllocator(1024, 16);
  const x = a.allocate(1, 16);
  const y = a.allocate(17, 64);
  assert.equal(x, 0);
  assert.equal(y, 64);
  assert.equal(a.usedBytes, 16 + 32);
  assert.deepEqual(a.freeBlocks(), [[16, 48], [96, 928]]);
  a.free(x, 1);
  a.free(y, 17);
  assert.ok(a.isEmpty);
  assert.deepEqual(a.freeBlocks(), [[0, 1024]]);
});

test('returns -1 when nothing fits and detects double frees', () => {
  const a = new FreeListAllocator(64, 16);
  assert.equal(a.allocate(64, 16), 0);
  assert.equal(a.allocate(1, 16), -1);
  a.free(0, 64);
  assert.throws(() => a.free(0, 64), /already free/);
  assert.throws(() => a.free(128, 16), /not in this region/);
});

test('random allocate/free agrees with a byte-level model', () => {
  const size = 1 << 16;
  const a = new FreeListAllocator(size, 16);
  const owner = new Int32Array(size / 16).fill(-1);
  const live: Array<[number, number]> = [];
  let seed = 12345;
  const rand = (n: number) => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed % n;
  };
  for (let step = 0; step < 20000; step++) {
    if (live.length > 0 && rand(3) === 0) {
      const [off, len] = live.splice(rand(live.length), 1)[0]!;
      a.free(off, len);
      for (let u = off / 16; u < (off + a.roundUp(len)) / 16; u++) owner[u] = -1;
    } else {
      const len = 1 + rand(700);
      const align = 1 << rand(8);
      const off = a.allocate(len, align);
      if (off < 0) continue;
      assert.equal(off % Math.max(align, 16), 0);
      for (let u = off / 16; u < (off + a.roundUp(len)) / 16; u++) {
        assert.equal(owner[u], -1, `unit ${u} handed out twice`);
        owner[u] = step;
      }
      live.push([off, len]);
    }
  }
  for (const [off, len] of live) a.free(off, len);
  assert.ok(a.isEmpty);
});
