/**
 * The interpreter's built-in snprintf (src/ir/printf.ts) against glibc's: random formats
 * (src/fuzz/printf-gen.ts) with random arguments, formatted by the interpreter and by compiled
 * code calling libc's snprintf (a variadic call), must give the same bytes and length.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Interpreter, Module, Type } from '../../src/ir/index.js';
import { compile } from '../../src/codegen/compile.js';
import { PrintfArg, printfArgType, randomPrintfFormat } from '../../src/fuzz/printf-gen.js';
import { Rng } from '../../src/fuzz/rng.js';

const DOUBLES = [0, -0, 1, -1, 0.5, 1.5, 2.5, -2.5, 0.125, 1e300, -1e-300, 5e-324, 2.2250738585072014e-308, Infinity, -Infinity,
  0.1, 1 / 3, 123456.789, 9.5, 0.05, 1e21, 1e-5, 99.99, 0.9999999, 1e15 + 0.5, 2 ** 53, 4503599627370497.5];
const STRINGS = ['', 'hello', 'a', 'jitkit ok'];

test('the built-in snprintf writes what glibc writes', () => {
  const r = new Rng(20260501);
  const m = new Module();
  const snprintf = m.import('snprintf', [Type.Ptr, Type.I64, Type.Ptr], [Type.I32], { variadic: true });
  const strBytes: number[] = [], strAt: number[] = [];
  for (const s of STRINGS) { strAt.push(strBytes.length); for (const ch of s) strBytes.push(ch.charCodeAt(0)); strBytes.push(0); }
  const strs = m.addData('strs', strBytes, { readonly: true });
  const formats: string[] = [];
  const cases = 300;
  for (let c = 0; c < cases; c++) {
    const fmt = randomPrintfFormat(r, 6);
    formats.push(fmt.text);
    const fd = m.addData(`fmt${c}`, [...fmt.text].map((ch) => ch.charCodeAt(0)).concat(0), { readonly: true });
    const f = m.function(`case${c}`, [Type.Ptr], [Type.I32]);
    const b = f.builder();
    const args = [b.param(0), b.iconst(Type.I64, 256), b.globalAddr(fd)];
    for (const k of fmt.args) {
      const t = printfArgType(k);
      if (k === PrintfArg.Double) args.push(b.fconst(Type.F64, r.chance(0.7) ? r.pick(DOUBLES) : (r.next() - 0.5) * 10 ** r.int(-30, 30)));
      else if (k === PrintfArg.String) args.push(b.iadd(b.globalAddr(strs), b.iconst(Type.I64, r.pick(strAt))));
      else if (k === PrintfArg.Star) args.push(b.iconst(Type.I32, r.int(0, 15)));
      else if (t === Type.I64) args.push(b.iconst(Type.I64, BigInt.asIntN(64, r.u64())));
      else {
        const bits = t === Type.I8 ? 8 : t === Type.I16 ? 16 : 32;
        args.push(b.iconst(t, BigInt.asIntN(bits, r.chance(0.5) ? BigInt(r.int(-300, 300)) : r.u64())));
      }
    }
    b.return(b.call(snprintf, args));
    b.finish();
  }
  const it = new Interpreter(m);
  const compiled = compile(m);
  try {
    for (let c = 0; c < cases; c++) {
      const want = new Uint8Array(256), got = new Uint8Array(256);
      const n1 = compiled.get(`case${c}`)(want);
      const n2 = it.call(`case${c}`, [got]);
      assert.equal(n2, n1, `length of format ${JSON.stringify(formats[c])}`);
      assert.equal(Buffer.from(got).toString('latin1'), Buffer.from(want).toString('latin1'), `format ${JSON.stringify(formats[c])}`);
    }
  } finally {
    compiled.free();
  }
});
