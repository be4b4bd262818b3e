/**
 * Random differential test: seeded random straight-line functions over every
 * arithmetic, compare, select and conversion opcode and type (built through the
 * builder, ill-typed picks skipped), run on boundary arguments, compiled ==
 * interpreted (results, or the same trap).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { Builder, Interpreter, Module, Type, Value } from '../../src/ir/index.js';
import { randomInstructions, rng, TYPES } from '../helpers/random-ir.js';
import { compile } from '../../src/codegen/compile.js';

const INTS = [0, 1, -1, 2, 7, -128, 127, 255, -32768, 65535, 0x7fffffff, -0x80000000, 1000, -1000];
const BIGS = [0n, 1n, -1n, 63n, 64n, 0x7fffffffffffffffn, -0x8000000000000000n, 0xffffffffn, -12345678901n];
const FLOATS = [0, -0, 1, -1, 0.5, -2.5, 3.75, 1e10, -1e10, 2 ** 31, 2 ** 63, NaN, Infinity, -Infinity, 1e-310];

function randomFunction(m: Module, name: string, r: () => number): Type[] {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const params = [pick(TYPES), pick(TYPES), pick(TYPES), pick(TYPES)];
  const f = m.function(name, params, [Type.I64, Type.F64]);
  const b: Builder = f.builder();
  const vals: Value[] = [...b.params];
  randomInstructions(b, vals, r, 40, () => { /* ill-typed pick: skipped */ });
  // Fold every value into the two results so that all of them matter.
  let acc = b.iconst(Type.I64, 0), facc = b.fconst(Type.F64, 0);
  for (const v of vals) {
    const t = f.typeOf(v);
    if (t === Type.F32) facc = b.fadd(facc, b.fpromote(v));
    else if (t === Type.F64) facc = b.fadd(facc, v);
    else acc = b.bxor(b.rotl(acc, b.iconst(Type.I64, 7)), t === Type.I64 ? v : b.sext(Type.I64, v));
  }
  b.return(acc, facc);
  b.finish();
  return params;
}

function argFor(t: Type, r: () => number): unknown {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  if (t === Type.F32 || t === Type.F64) return pick(FLOATS);
  if (t === Type.I64) return pick(BIGS);
  return pick(INTS);
}

function outcome(fn: () => unknown): unknown {
  try { return fn(); } catch (e) { const t = (e as { trap?: string }).trap; if (t === undefined) throw e; return `trap ${t}`; }
}
function same(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => same(x, b[i]));
  if (typeof a === 'number' && typeof b === 'number') return Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));
  return a === b;
}

for (const tier of ['optimizing', 'baseline'] as const) test(`random straight-line functions: compiled (${tier} tier) == interpreted`, () => {
  const r = rng(2024);
  const m = new Module();
  const sigs: Type[][] = [];
  const count = 300;
  for (let i = 0; i < count; i++) sigs.push(randomFunction(m, `f${i}`, r));
  const it = new Interpreter(m);
  const c = compile(m, { tier });
  const failures: string[] = [];
  try {
    for (let i = 0; i < count; i++) {
      for (let k = 0; k < 8; k++) {
        const args = sigs[i]!.map((t) => argFor(t, r));
        const want = outcome(() => it.call(`f${i}`, args));
        const got = outcome(() => c.functions[`f${i}`]!(...args));
        if (!same(got, want)) failures.push(`f${i}(${args.map(String).join(', ')}): compiled (${tier}) ${String(got)}, interpreted ${String(want)}`);
      }
    }
  } finally {
    c.free();
  }
  assert.equal(failures.slice(0, 10).join('\n'), '');
});
