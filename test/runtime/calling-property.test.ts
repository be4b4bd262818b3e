/**
 * Property-based round trips (fast-check): random signatures of 1-20 arguments
 * of random types, random values with every edge case, through `wrap` into a
 * jitted identity function (returns argument k; where k lives comes from
 * planCall) and back to JS, exactly. Both the generated wrappers and the generic
 * path. The oracle is the JS value model of signature.ts: -0 of an integer type
 * is 0, f32 rounds like Math.fround, 64-bit and pointer results are bigints.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CodeMemory, NativeSignature, wrap } from '../../src/index.js';
import { ARG_TYPES, INT_RANGE, type ArgType, type JsValue } from './abi/gen.js';
import { emitReturnArg, jit, returnArg } from './abi/jit.js';

const memory = new CodeMemory();

/** A JS argument and the value the identity must give back. */
interface Sample { readonly arg: JsValue; readonly expected: JsValue }

const same = (v: JsValue): Sample => ({ arg: v, expected: v });

function integerSample(t: ArgType): fc.Arbitrary<Sample> {
  const [lo, hi] = INT_RANGE[t]!;
  if (t === 'i64' || t === 'u64') {
    const edges = [lo, hi, 0n, 1n, lo + 1n, hi - 1n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 53n + 1n, -(2n ** 53n) - 1n, -(2n ** 53n) + 1n, 2n ** 32n, 2n ** 31n, -1n]
      .filter((v) => v >= lo && v <= hi);
    const asNumber = fc.maxSafeInteger().filter((n) => BigInt(n) >= lo).map((n) => ({ arg: n, expected: BigInt(n) }));
    return fc.oneof(fc.constantFrom(...edges).map(same), fc.bigInt({ min: lo, max: hi }).map(same), asNumber, fc.constant({ arg: -0, expected: 0n }));
  }
  const [l, h] = [Number(lo), Number(hi)];
  const edges = [l, h, 0, 1, l + 1, h - 1, ...(l < 0 ? [-1] : [])];
  return fc.oneof(fc.constantFrom(...edges).map(same), fc.integer({ min: l, max: h }).map(same), fc.constant({ arg: -0, expected: 0 }));
}

const F64_EDGES = [0, -0, Infinity, -Infinity, NaN, 5e-324, -5e-324, 2.225073858507201e-308, 2.2250738585072014e-308, Number.MAX_VALUE, -Number.MAX_VALUE, 2 ** 53 + 2, 1 / 3];
const F32_EDGES = [0, -0, Infinity, -Infinity, NaN, 2 ** -149, -(2 ** -149), 2 ** -126 - 2 ** -149, 2 ** -126, 3.4028234663852886e38, -3.4028234663852886e38, Math.fround(1 / 3)];

/** Every value of `t` a wrapped function accepts, paired with the round-trip result. */
function sample(t: ArgType): fc.Arbitrary<Sample> {
  switch (t) {
    case 'f64': return fc.oneof(fc.constantFrom(...F64_EDGES).map(same), fc.double().map(same));
    case 'f32': return fc.oneof(
      fc.constantFrom(...F32_EDGES).map(same),
      fc.float().map(same), // exactly representable
      fc.double().map((x) => ({ arg: x, expected: Math.fround(x) })), // rounded like a Float32Array store
    );
    case 'bool': return fc.boolean().map(same);
    case 'ptr': return fc.oneof(
      fc.constant({ arg: null, expected: 0n }),
      fc.constantFrom(0n, 1n, 2n ** 53n - 1n, 2n ** 47n - 1n).map(same),
      fc.bigInt({ min: 0n, max: 2n ** 53n - 1n }).map(same),
    );
    default: return integerSample(t);
  }
}

const caseArbitrary = fc
  .array(fc.constantFrom(...ARG_TYPES), { minLength: 1, maxLength: 20 })
  .chain((types) => fc.record({
    types: fc.constant(types),
    k: fc.nat(types.length - 1),
    samples: fc.array(fc.tuple(...types.map(sample)), { minLength: 1, maxLength: 4 }),
  }));

function identical(got: unknown, expected: unknown): boolean {
  return Object.is(got, expected);
}

function roundTrip(generic: boolean) {
  fc.assert(
    fc.property(caseArbitrary, ({ types, k, samples }) => {
      const code = returnArg(memory, types, k);
      try {
        const f = wrap(code, { args: types, result: types[k]! }, { generic, checkStackAlignment: true });
        for (const s of samples) {
          const got = f(...s.map((x) => x.arg));
          assert.ok(identical(got, s[k]!.expected), `(${types.join(', ')}) -> arg ${k} (${types[k]}): passed ${String(s[k]!.arg)}, got ${String(got)}`);
        }
      } finally {
        code.free();
      }
    }),
    { numRuns: 1500, seed: generic ? 20261124 : 1124 },
  );
}

test('round trip JS -> jitted identity (argument k) -> JS is exact: generated wrappers', () => {
  roundTrip(false);
});

test('round trip JS -> jitted identity (argument k) -> JS is exact: generic path', () => {
  roundTrip(true);
});

const NARROW = ['i8', 'i16', 'u8', 'u16', 'bool'] as const;

test('narrow arguments arrive extended to 32 bits (sign for i8/i16, zero for u8/u16/bool), as clang callees assume', () => {
  fc.assert(
    fc.property(
      fc.array(fc.constantFrom(...ARG_TYPES), { minLength: 0, maxLength: 12 }),
      fc.constantFrom(...NARROW),
      fc.nat(),
      fc.boolean(),
      (others, t, at, generic) => {
        const k = at % (others.length + 1);
        const types: ArgType[] = [...others.slice(0, k), t, ...others.slice(k)];
        // Read argument k as a whole 32-bit register / stack dword and return it as i32.
        const as32 = new NativeSignature({ args: types.map((x, i) => (i === k ? 'i32' : x)), result: 'i32' });
        const code = jit(memory, 'read32', (a) => emitReturnArg(a, as32, k));
        try {
          const f = wrap(code, { args: types, result: 'i32' }, { generic });
          const filler = (x: ArgType): JsValue => (x === 'bool' ? true : x === 'ptr' ? null : x === 'i64' || x === 'u64' ? 0n : 0);
          const values: JsValue[] = t === 'bool' ? [true, false] : t[0] === 'i' ? [-1, Number(INT_RANGE[t]![0]), 5] : [Number(INT_RANGE[t]![1]), 0x80, 3];
          for (const v of values) {
            const args = types.map((x, i) => (i === k ? v : filler(x)));
            assert.equal(f(...args), v === true ? 1 : v === false ? 0 : v, `(${types.join(', ')}) arg ${k}: ${t} ${String(v)}`);
          }
        } finally {
          code.free();
        }
      },
    ),
    { numRuns: 400, seed: 4 },
  );
});

test('the widest signature (255 arguments, every type, most of them on the stack) round-trips each argument', () => {
  const cycle: ArgType[] = ['i8', 'f64', 'u64', 'f32', 'bool', 'ptr', 'i16', 'u32', 'i64', 'u8', 'f32', 'i32', 'u16', 'f64'];
  const types = Array.from({ length: 255 }, (_, i) => cycle[i % cycle.length]!);
  const value = (t: ArgType, i: number): Sample => {
    switch (t) {
      case 'bool': return same(i % 3 === 0);
      case 'ptr': return same(BigInt(i) << 40n);
      case 'f32': return same(Math.fround(i / 3));
      case 'f64': return same(-i / 7);
      case 'i64': return same(-(BigInt(i) << 50n));
      case 'u64': return same((1n << 63n) + BigInt(i));
      case 'u32': return same(4294967295 - i);
      default: { const [lo] = INT_RANGE[t]!; return same(Number(lo) + i); }
    }
  };
  const samples = types.map(value);
  for (const k of [0, 5, 6, 13, 14, 100, 200, 253, 254]) {
    for (const generic of [false, true]) {
      const code = returnArg(memory, types, k);
      const f = wrap(code, { args: types, result: types[k]! }, { generic, checkStackAlignment: true });
      assert.ok(identical(f(...samples.map((s) => s.arg)), samples[k]!.expected), `argument ${k} (${types[k]})`);
      code.free();
    }
  }
});
