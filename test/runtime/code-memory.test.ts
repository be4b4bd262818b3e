import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CodeHandle, CodeMemory, dangerouslyAllocateRwx, mappingAt, readMappings, writableExecutableMappings } from '../../src/index.js';
import { native } from '../../src/runtime/addon.js';
import type { CodeMemoryScheme } from '../../src/index.js';
import { add4, fmaDouble, INT_SAMPLES, mul, neg, sqrtDouble, sub, sum6, wrap } from './hand-encoded.js';

const SCHEMES: CodeMemoryScheme[] = ['dual-mapping', 'mprotect'];

// A normal Node process holds RWX mappings of V8's own (created lazily; none
// under --jitless, where test/children/wx-stages.mjs checks the whole process).
// Here we check every mapping jitkit made: none may be writable and executable.
function assertNotRwx(stage: string, ...addresses: bigint[]): void {
  for (const a of addresses) {
    const m = mappingAt(a);
    assert.ok(m !== undefined, `0x${a.toString(16)} is mapped ${stage}`);
    assert.ok(!(m.perms[1] === 'w' && m.perms[2] === 'x'), `0x${a.toString(16)} is ${m.perms} ${stage}`);
  }
}

for (const scheme of SCHEMES) {
  describe(`CodeMemory (${scheme})`, () => {
    test('hand-encoded functions return the right values for many inputs', () => {
      const memory = new CodeMemory({ scheme });
      assert.equal(memory.scheme, scheme);
      const f = {
        add4: memory.place(add4, { name: 'add4' }),
        neg: memory.place(neg, { name: 'neg' }),
        mul: memory.place(mul, { name: 'mul' }),
        sub: memory.place(sub, { name: 'sub' }),
        sum6: memory.place(sum6, { name: 'sum6' }),
        fma: memory.place(fmaDouble, { name: 'fma' }),
        sqrt: memory.place(sqrtDouble, { name: 'sqrt' }),
      };
      for (const x of INT_SAMPLES) {
        assert.equal(f.add4.callInt(x), wrap(x + 4n));
        assert.equal(f.neg.callInt(x), wrap(-x));
        for (const y of INT_SAMPLES) {
          assert.equal(f.mul.callInt(x, y), wrap(x * y), `mul ${x} ${y}`);
          assert.equal(f.sub.callInt(x, y), wrap(x - y));
        }
        assert.equal(f.sum6.callInt(x, 1n, -2n, x, 5n, 0x7fffffffffffffffn), wrap(x + 1n - 2n + x + 5n + 0x7fffffffffffffffn));
      }
      assert.equal(f.add4.callInt(2), 6n, 'numbers are accepted when they are safe integers');
      for (const [a, b, c] of [[1, 2, 3], [-0.5, 1e300, 1e-300], [0, -0, 5], [Infinity, 1, 1], [1.5, 2.25, -4]] as const) {
        assert.equal(f.fma.callFloat(a, b, c), a + b * c);
      }
      assert.ok(Object.is(f.fma.callFloat(-0, -0, 0), -0 + -0 * 0));
      assert.ok(Number.isNaN(f.sqrt.callFloat(-1)));
      assert.equal(f.sqrt.callFloat(2), Math.SQRT2);
      memory.dispose();
    });

    test('no page is writable and executable at any stage', () => {
      const memory = new CodeMemory({ scheme });
      const other = memory.place(neg); // code already live in the same memory
      const writer = memory.allocate(add4.length);
      const exec = writer.address;
      const write = writer.writeAddress;
      assertNotRwx('after allocation', exec, write, other.address);
      writer.write(add4);
      assertNotRwx('after writing', exec, write, other.address);
      assert.equal(mappingAt(write)?.perms.slice(0, 3), 'rw-', 'the bytes are written through a non-executable page');
      assert.equal(mappingAt(other.address)?.perms.slice(0, 3), 'r-x', 'live code stays read-only while new code is written');
      if (scheme === 'dual-mapping') assert.equal(mappingAt(exec)?.perms.slice(0, 3), 'r-x', 'the exec view is never writable');
      const code = writer.finalize();
      const gone = scheme === 'dual-mapping' ? [] : [write];
      // Dual mapping: the writable view existed only while the writer needed it.
      if (scheme === 'dual-mapping') assert.equal(mappingAt(write), undefined, 'the writable view is unmapped once the code is final');
      assertNotRwx('after finalising', exec, ...gone, other.address);
      assert.equal(mappingAt(exec)?.perms.slice(0, 3), 'r-x');
      assert.equal(code.callInt(2n), 6n);
      code.free();
      assertNotRwx('after freeing', exec, ...gone, other.address);
      memory.dispose();
    });

    test('freed code is filled with int3 and every later use throws', () => {
      const memory = new CodeMemory({ scheme });
      const keep = memory.place(add4, { name: 'keep' }); // keeps the region mapped
      const code = memory.place(sum6, { name: 'sum6' });
      const at = code.address;
      code.free();
      assert.deepEqual([...native.read(at, sum6.length)], new Array(sum6.length).fill(0xcc));
      assert.throws(() => code.callInt(1n), { code: 'ERR_JITKIT_CODE_FREED', message: /cannot call code 'sum6' \(19 bytes at 0x[0-9a-f]+\): it was freed/ });
      assert.throws(() => code.callFloat(1), /it was freed/);
      assert.throws(() => code.address, /cannot use code 'sum6'.*it was freed/);
      assert.throws(() => code.free(), /cannot free code 'sum6'.*already freed/);
      assert.ok(code.isFreed);
      assert.equal(keep.callInt(1n), 5n);
      memory.dispose();
      assert.throws(() => keep.callInt(1n), /it was freed/);
    });

    test('writing after finalising, out of bounds, zero or huge sizes: clear errors', () => {
      const memory = new CodeMemory({ scheme });
      const writer = memory.allocate(8, { name: 'w' });
      assert.throws(() => writer.write(new Uint8Array(9)), /9 bytes at offset 0 do not fit in code 'w'/);
      assert.throws(() => writer.write(new Uint8Array(2), 7), RangeError);
      assert.throws(() => writer.write([1, 2] as unknown as Uint8Array), /must be a Uint8Array/);
      writer.write(add4);
      writer.finalize();
      assert.throws(() => writer.write(add4), /cannot write to code 'w'.*finalized, and finalized code is never writable/);
      assert.throws(() => writer.finalize(), /cannot finalize/);
      assert.throws(() => memory.allocate(0), /size must be at least 1 byte, got 0/);
      assert.throws(() => memory.allocate(-5), RangeError);
      assert.throws(() => memory.allocate(1.5), /must be an integer/);
      assert.throws(() => memory.allocate('8' as unknown as number), TypeError);
      assert.throws(() => memory.allocate(2 ** 40), /exceeds the limit/);
      assert.throws(() => memory.allocate(16, { align: 3 }), /align must be a power of two/);
      assert.throws(() => memory.place('x' as unknown as Uint8Array), /must be a Uint8Array/);
      const f = memory.place(add4);
      assert.throws(() => f.callInt(1n, 2n, 3n, 4n, 5n, 6n, 7n), /at most 6 integer arguments, got 7/);
      assert.throws(() => f.callInt(1.5), /argument 0 must be a bigint or a safe integer/);
      assert.throws(() => f.callInt(1n << 64n), /argument 0 .* does not fit in 64 bits/);
      assert.throws(() => f.callFloat('1' as unknown as number), /argument 0 must be a number/);
      memory.dispose();
      assert.throws(() => memory.allocate(8), /this CodeMemory was disposed/);
    });

    test('thousands of allocate/write/run/free cycles stay right and bounded', () => {
      const memory = new CodeMemory({ scheme });
      const kinds = [add4, neg, sum6, mul];
      let maxMapped = 0;
      const live: Array<{ code: ReturnType<CodeMemory['place']>; kind: number }> = [];
      const cycles = scheme === 'mprotect' ? 1500 : 5000;
      for (let i = 0; i < cycles; i++) {
        const kind = i % kinds.length;
        // Mixed sizes: pad the code with int3 tails of varying length.
        const body = kinds[kind]!;
        const padded = new Uint8Array(body.length + ((i * 37) % 300));
        padded.fill(0xcc);
        padded.set(body);
        live.push({ code: memory.place(padded), kind });
        if (live.length > 40) {
          const victim = live.splice((i * 7) % live.length, 1)[0]!;
          const x = BigInt(i);
          const expected = [wrap(x + 4n), wrap(-x), wrap(x * 6n), wrap(x * x)][victim.kind]!;
          const got = victim.kind === 2 ? victim.code.callInt(x, x, x, x, x, x) : victim.kind === 3 ? victim.code.callInt(x, x) : victim.code.callInt(x);
          assert.equal(got, expected);
          victim.code.free();
        }
        maxMapped = Math.max(maxMapped, memory.stats().mappedBytes);
      }
      for (const l of live) l.code.free();
      const s = memory.stats();
      assert.equal(s.liveChunks, 0);
      assert.ok(s.regions <= 1, `empty regions are released (one spare kept), have ${s.regions}`);
      assert.ok(maxMapped <= 2 * 1024 * 1024, `mapped code stays bounded: ${maxMapped} bytes`);
      memory.dispose();
    });
  });
}

test('dual-mapping: 100,000 random allocate/free operations never overlap and keep their bytes', () => {
  const memory = new CodeMemory({ scheme: 'dual-mapping' });
  type Live = { writer: ReturnType<CodeMemory['allocate']>; start: bigint; size: number; tag: number };
  const live: Live[] = [];
  let seed = 7;
  const rand = (n: number) => {
    seed = (Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return seed % n;
  };
  const pattern = (size: number, tag: number) => {
    const b = new Uint8Array(size);
    for (let i = 0; i < size; i++) b[i] = (tag * 31 + i) & 0xff;
    return b;
  };
  // One batch: the writable views stay mapped for the whole run instead of one mapping per write.
  memory.batch(() => { for (let op = 0; op < 100_000; op++) {
    if (live.length > 0 && (rand(2) === 0 || live.length > 3000)) {
      const l = live.splice(rand(live.length), 1)[0]!;
      // The bytes are still exactly what was written: nothing overlapped them.
      assert.deepEqual(native.read(l.writer.writeAddress, l.size), Buffer.from(pattern(l.size, l.tag)));
      l.writer.discard();
    } else {
      const size = 1 + (rand(4) === 0 ? rand(5000) : rand(200));
      const align = 1 << rand(7);
      const writer = memory.allocate(size, { align });
      const start = writer.address;
      assert.equal(Number(start % BigInt(align)), 0, 'aligned');
      writer.write(pattern(size, op));
      live.push({ writer, start, size, tag: op });
    }
  } });
  const sorted = [...live].sort((a, b) => (a.start < b.start ? -1 : 1));
  for (let i = 1; i < sorted.length; i++) {
    assert.ok(sorted[i - 1]!.start + BigInt(sorted[i - 1]!.size) <= sorted[i]!.start, 'live chunks do not overlap');
  }
  for (const l of live) l.writer.discard();
  assert.equal(memory.stats().liveChunks, 0);
  memory.dispose();
});

test('70,000 live functions at once stay far below vm.max_map_count', async () => {
  const { readFileSync } = await import('node:fs');
  const maxMapCount = Number(readFileSync('/proc/sys/vm/max_map_count', 'utf8'));
  const before = readFileSync('/proc/self/maps', 'utf8').split('\n').length;
  const memory = new CodeMemory();
  const handles: CodeHandle[] = [];
  memory.batch(() => { for (let i = 0; i < 70_000; i++) handles.push(memory.place(i % 2 === 0 ? add4 : neg)); });
  const s = memory.stats();
  const after = readFileSync('/proc/self/maps', 'utf8').split('\n').length;
  assert.equal(s.liveChunks, 70_000);
  assert.ok(s.mappings <= 20, `jitkit holds ${s.mappings} mappings for 70,000 functions`);
  assert.ok(after - before < 1000, `the process gained ${after - before} mappings`);
  assert.ok(s.mappings < maxMapCount / 100, `${s.mappings} mappings vs max_map_count ${maxMapCount}`);
  for (const i of [0, 1, 12345, 69_999]) assert.equal(handles[i]!.callInt(10n), i % 2 === 0 ? 14n : -10n);
  memory.dispose();
});

/** jitkit's memfd mappings in /proc/self/maps, by permissions. */
function codeMappings(): string[] {
  return readMappings().filter((m) => m.path.includes('jitkit-code')).map((m) => m.perms.slice(0, 3));
}

test('dual mapping: the writable view exists only while bytes are written (or for a batch)', () => {
  const memory = new CodeMemory({ scheme: 'dual-mapping' });
  const before = codeMappings().filter((p) => p === 'rw-').length;
  const f = memory.place(add4);
  assert.equal(f.callInt(1n), 5n);
  assert.equal(codeMappings().filter((p) => p === 'rw-').length, before, 'no writable view after place()');
  memory.batch(() => {
    const g = memory.place(neg);
    assert.equal(codeMappings().filter((p) => p === 'rw-').length, before + 1, 'one writable view during a batch');
    assert.equal(g.callInt(3n), -3n);
    memory.batch(() => memory.place(add4).free()); // nested batches keep it
    assert.equal(codeMappings().filter((p) => p === 'rw-').length, before + 1);
  });
  assert.equal(codeMappings().filter((p) => p === 'rw-').length, before, 'unmapped when the batch ends');
  f.free();
  assert.equal(codeMappings().filter((p) => p === 'rw-').length, before, 'freeing fills int3 through a transient view');
  memory.dispose();
});

test('dual mapping, persistent views: the writable view is at a random distance from the executable one', () => {
  const distances = new Set<bigint>();
  for (let k = 0; k < 4; k++) {
    const memory = new CodeMemory({ scheme: 'dual-mapping', writeView: 'persistent' });
    const w = memory.allocate(add4.length);
    distances.add(w.writeAddress - w.address);
    w.write(add4);
    assert.equal(w.finalize().callInt(2n), 6n);
    memory.dispose();
  }
  assert.equal(distances.size, 4, `distances ${[...distances].map((d) => d.toString(16)).join(', ')}`);
  assert.throws(() => new CodeMemory({ writeView: 'sometimes' as never }), /writeView must be 'transient' or 'persistent', got sometimes/);
});

test('the RWX route really maps a writable+executable page (and only it does)', () => {
  const block = dangerouslyAllocateRwx(add4.length);
  block.write(add4);
  const at = block.address;
  assert.equal(mappingAt(at)?.perms, 'rwxp');
  assert.ok(writableExecutableMappings().some((m) => m.start === at));
  assert.equal(block.callInt(2n), 6n);
  block.free();
  assert.ok(!writableExecutableMappings().some((m) => m.start === at));
  assert.throws(() => block.callInt(2n), /it was freed/);
  assert.throws(() => block.free(), /already freed/);
  assert.throws(() => dangerouslyAllocateRwx(0), RangeError);
});
