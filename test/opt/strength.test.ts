/**
 * Strength reduction of division by constants checked against the reference
 * semantics: every i8 dividend and divisor exhaustively, and i16/i32 on edge
 * and random dividends for many divisors (powers of two, "magic" divisors,
 * negative ones). Each rewritten function must give the interpreter's result
 * for the original operation (evalIntBinary, which mirrors it).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Interpreter, Module, Opcode, Type, printModule } from '../../src/ir/index.js';
import { optimize } from '../../src/opt/index.js';
import { evalIntBinary } from '../../src/opt/fold.js';
import { rng } from './random-program.js';

const OPS = [Opcode.SDiv, Opcode.UDiv, Opcode.SRem, Opcode.URem] as const;

function check(t: Type, w: number, d: bigint, xs: readonly bigint[]): number {
  const m = new Module();
  const names: string[] = [];
  for (const op of OPS) {
    const name = `f${op}`;
    names.push(name);
    const f = m.function(name, [t], [t]);
    const b = f.builder();
    b.return(b.binary(op, b.param(0), b.iconst(t, d)));
    b.finish();
  }
  optimize(m, { level: 2, passes: ['strength'], verify: true });
  const text = printModule(m);
  const it = new Interpreter(m);
  let divs = 0;
  OPS.forEach((op, k) => {
    for (const x of xs) {
      const want = evalIntBinary(op, w, x, d);
      let got: bigint | string;
      try {
        got = BigInt(it.call(names[k]!, [w === 64 ? x : Number(x)]) as number | bigint);
      } catch (e) {
        got = `trap ${(e as { trap?: string }).trap}`;
      }
      const wantText = want === null ? (d === 0n ? 'trap int_divz' : 'trap int_ovf') : want;
      if (wantText !== got) assert.fail(`${names[k]}: x=${x} d=${d}: want ${wantText}, got ${got}\n${text}`);
    }
  });
  for (const line of text.split('\n')) if (/ [su](div|rem) /.test(line)) divs++;
  return divs;
}

test('i8 division by every constant, every dividend', () => {
  const xs: bigint[] = [];
  for (let x = -128; x < 128; x++) xs.push(BigInt(x));
  let left = 0;
  const kept: number[] = [];
  for (let d = -128; d < 128; d++) {
    if (d === 0) continue;
    const n = check(Type.I8, 8, BigInt(d), xs);
    if (n > 0) kept.push(d);
    left += n;
  }
  // Only 1 (4 ops), sdiv/srem by -1 (left to `fold`) and sdiv/srem by MIN keep a division.
  assert.ok(left <= 8, `${left} divisions left, divisors ${kept.join(" ")}`);
});

test('i16/i32 division by constants on edge and random dividends', () => {
  const r = rng(99);
  for (const [t, w] of [[Type.I16, 16], [Type.I32, 32]] as const) {
    const min = -(1n << BigInt(w - 1)), max = (1n << BigInt(w - 1)) - 1n;
    const xs: bigint[] = [0n, 1n, -1n, 2n, -2n, 3n, -3n, min, min + 1n, max, max - 1n, 7n, -7n, 100n, -100n];
    for (let i = 0; i < 200; i++) xs.push(BigInt.asIntN(w, BigInt(Math.floor(r() * 2 ** 32))));
    const ds = [2n, 3n, 5n, 6n, 7n, 10n, 11n, 12n, 13n, 25n, 100n, 641n, 1000n, 4096n, max, max - 1n, -3n, -7n, -10n, -100n, -8n, min, min + 1n];
    for (let i = 0; i < 20; i++) ds.push(BigInt.asIntN(w, BigInt(Math.floor(r() * 2 ** 32))) || 1n);
    for (const d of ds) check(t, w, d, [...xs, d, -d, d - 1n, d + 1n, 2n * d, -2n * d].map((x) => BigInt.asIntN(w, x)));
  }
});
