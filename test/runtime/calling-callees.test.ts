/**
 * Jitted callees called from C: gcc-compiled harnesses (gen.ts) call jitted
 * functions of many signatures (stack arguments, mixed int/float orders) with
 * known arguments and check what comes back. Also libc qsort with a jitted
 * comparator, called from JS and from jitted code (JS -> jitted -> C -> jitted).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CodeMemory, NativeSignature, symbol, wrap } from '../../src/index.js';
import { abiLibrary } from './abi/lib.js';
import { calleeCases, floatChecksum, intChecksum, Rng } from './abi/gen.js';
import { emitFloatChecksum, emitIntChecksum, int32Comparator, jit, jittedSorter, returnArg } from './abi/jit.js';

const lib = abiLibrary();
const memory = new CodeMemory();
const cases = calleeCases();
const harness = (name: string) => lib.func(name, { args: ['ptr'], result: 'i32' }, { checkStackAlignment: true });

test('C calls jitted functions returning argument k, for every k of every callee signature', () => {
  let calls = 0;
  for (const c of cases) {
    for (let k = 0; k < c.args.length; k++) {
      const check = harness(`${c.name}_ret${k}`);
      const good = returnArg(memory, c.args, k);
      assert.equal(check(good.address), 0, `${c.name}(${c.args.join(', ')}): argument ${k} (${c.args[k]}) came back wrong`);
      // The harness can fail: a callee returning the value with bit 0 flipped is caught.
      const bad = returnArg(memory, c.args, k, true);
      assert.equal(check(bad.address), 1, `${c.name}: a wrong result for argument ${k} must be detected`);
      good.free();
      bad.free();
      calls++;
    }
  }
  assert.ok(calls >= 150, `${calls} harness calls`);
  assert.ok(cases.some((c) => c.args.filter((t) => t !== 'f32' && t !== 'f64').length > 6 && c.args.filter((t) => t === 'f32' || t === 'f64').length > 8));
});

test('C calls jitted checksums over all arguments (integer and float), compared with JS oracles', () => {
  for (const c of cases) {
    const sig = new NativeSignature({ args: c.args, result: 'i64' });
    const isum = jit(memory, 'isum', (a) => emitIntChecksum(a, sig));
    const fsum = jit(memory, 'fsum', (a) => emitFloatChecksum(a, sig));
    assert.equal(harness(`${c.name}_isum`)(isum.address), 0, `${c.name}: integer checksum (expected ${intChecksum(c)})`);
    assert.equal(harness(`${c.name}_fsum`)(fsum.address), 0, `${c.name}: float checksum (expected ${floatChecksum(c)})`);
    // The same jitted checksums called from JS through wrap agree with the oracles too.
    const values = c.values.map((v) => v);
    assert.equal(wrap(isum, { args: c.args, result: 'i64' }, { checkStackAlignment: true })(...values), intChecksum(c));
    assert.ok(Object.is(wrap(fsum, { args: c.args, result: 'f64' }, { checkStackAlignment: true })(...values), floatChecksum(c)));
    isum.free();
    fsum.free();
  }
});

function randomInt32s(n: number, seed: number): Int32Array {
  const r = new Rng(seed);
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = r.u32() | 0;
  a[0] = -2147483648; // the extremes, where a subtracting comparator would overflow
  a[1] = 2147483647;
  a[2] = 0;
  a[3] = a[4]!; // duplicates
  return a;
}

const qsortAddress = symbol('qsort');

test('JS -> wrap(qsort) -> jitted comparator sorts 10,000 int32 like Int32Array.prototype.sort', () => {
  const qsort = wrap(qsortAddress, { args: ['ptr', 'u64', 'u64', 'ptr'], result: 'void' }, { name: 'qsort', checkStackAlignment: true });
  const ascending = int32Comparator(memory);
  const descending = int32Comparator(memory, true);
  const data = randomInt32s(10_000, 42);
  const expected = Int32Array.from(data).sort();
  const a = Int32Array.from(data);
  qsort(a, a.length, 4, ascending.address);
  assert.deepEqual(a, expected);
  const d = Int32Array.from(data);
  qsort(d, d.length, 4, descending.address);
  assert.deepEqual(d, expected.slice().reverse());
  // A typed array at an offset into its buffer: only that window is sorted.
  const big = Int32Array.from(data);
  const window = big.subarray(100, 600);
  qsort(window, window.length, 4, ascending.address);
  assert.deepEqual(big.subarray(100, 600), Int32Array.from(data.subarray(100, 600)).sort());
  assert.deepEqual(big.subarray(0, 100), data.subarray(0, 100));
  assert.deepEqual(big.subarray(600), data.subarray(600));
});

test('JS -> jitted -> qsort (C) -> jitted comparator: re-entrant native calls under one wrap call', () => {
  const cmp = int32Comparator(memory);
  const sorter = jittedSorter(memory, qsortAddress, cmp.address);
  const sort = wrap(sorter, { args: ['ptr', 'u64'], result: 'void' }, { checkStackAlignment: true });
  for (const [n, seed] of [[10_000, 7], [1, 8], [0, 9], [257, 10]] as const) {
    const data = randomInt32s(Math.max(n, 5), seed).subarray(0, n);
    const a = Int32Array.from(data);
    sort(a, n);
    assert.deepEqual(a, Int32Array.from(data).sort(), `n = ${n}`);
  }
});

test('regression: getters of typed-array subclasses cannot run JS mid-marshal or redirect a pointer argument', () => {
  // A wrapped call made from inside argument conversion would overwrite the
  // shared buffer slots already written for this call.
  const g = wrap(returnArg(memory, ['i32', 'i32'], 0), { args: ['i32', 'i32'], result: 'i32' });
  let getterCalls = 0;
  class Reentrant extends Uint8Array {
    override get buffer(): ArrayBuffer { getterCalls++; g(111, 222); return super.buffer as ArrayBuffer; }
    override get byteOffset(): number { getterCalls++; g(333, 444); return super.byteOffset; }
  }
  const decoy = new Uint8Array(64);
  class Liar extends Uint8Array {
    override get buffer(): ArrayBuffer { return decoy.buffer; }
    override get byteOffset(): number { return 8; }
  }
  const DataViewClass = DataView as new (buffer: ArrayBuffer, byteOffset?: number) => DataView;
  class LiarView extends DataViewClass {
    override get byteOffset(): number { return 16; }
  }
  class LiarBuffer extends ArrayBuffer {
    override get byteLength(): number { getterCalls++; g(555, 666); return 0; }
  }
  for (const generic of [false, true]) {
    const arg0 = wrap(returnArg(memory, ['i32', 'ptr', 'i32'], 0), { args: ['i32', 'ptr', 'i32'], result: 'i32' }, { generic });
    const arg1 = wrap(returnArg(memory, ['i32', 'ptr', 'i32'], 1), { args: ['i32', 'ptr', 'i32'], result: 'ptr' }, { generic });
    assert.equal(arg0(5, new Reentrant(16), 6), 5);
    assert.equal(arg0(7, new LiarBuffer(16), 8), 7);
    const liar = new Liar(16);
    // The address is the array's own data, whatever its getters claim.
    assert.equal(arg1(0, liar, 0), arg1(0, plainView(liar), 0));
    const ab = new ArrayBuffer(32);
    assert.equal(arg1(0, new LiarView(ab, 4), 0), arg1(0, new DataView(ab, 4), 0));
  }
  assert.equal(getterCalls, 0, 'no user getter ran');
});

/** A plain Uint8Array over the same memory as `a`, read through the intrinsic getters. */
function plainView(a: Uint8Array): Uint8Array {
  const proto = Object.getPrototypeOf(Uint8Array.prototype) as object;
  const get = (name: string) => Object.getOwnPropertyDescriptor(proto, name)!.get!.call(a);
  return new Uint8Array(get('buffer') as ArrayBuffer, get('byteOffset') as number, get('length') as number);
}
