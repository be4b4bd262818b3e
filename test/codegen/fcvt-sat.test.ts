/**
 * Saturating float -> int conversions (`fcvt_to_sint_sat` / `fcvt_to_uint_sat`) against an
 * independent oracle: V8's WebAssembly `i32/i64.trunc_sat_f32/f64_s/u`. Compiled code (-O0 and
 * -O2) and the interpreter must give the oracle's result for special values, values around every
 * bound and random bit patterns; i8/i16 are the oracle's i32 result clamped to their range.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Interpreter, Module, Type } from '../../src/ir/index.js';
import { f64FromBits } from '../../src/ir/float-bits.js';
import { compile } from '../../src/codegen/compile.js';
import { WA } from '../../bench/wasm.js';

const FLOATS = [Type.F32, Type.F64] as const;
const WIDTHS = [8, 16, 32, 64] as const;
const INT: Record<number, Type> = { 8: Type.I8, 16: Type.I16, 32: Type.I32, 64: Type.I64 };
const name = (f: Type, w: number, signed: boolean): string => `${signed ? 's' : 'u'}${w}_${f === Type.F32 ? 'f32' : 'f64'}`;

/** The 16 conversions as IR functions. */
function irModule(): Module {
  const m = new Module();
  for (const f of FLOATS) {
    for (const w of WIDTHS) {
      for (const signed of [true, false]) {
        const b = m.function(name(f, w, signed), [f], [INT[w]!]).builder();
        b.return(signed ? b.fcvtToSintSat(INT[w]!, b.param(0)) : b.fcvtToUintSat(INT[w]!, b.param(0)));
        b.finish();
      }
    }
  }
  return m;
}

/** A wasm module exporting the 8 trunc_sat instructions as `s32_f32` ... `u64_f64` (0xFC 0..7). */
function wasmOracle(): Record<string, (x: number) => number | bigint> {
  const I32 = 0x7f, I64 = 0x7e, F32 = 0x7d, F64 = 0x7c;
  const fns: { name: string; param: number; result: number; op: number }[] = [];
  [[I32, F32], [I32, F64], [I64, F32], [I64, F64]].forEach(([res, par], k) => {
    for (const signed of [true, false]) {
      fns.push({ name: name(par === F32 ? Type.F32 : Type.F64, res === I32 ? 32 : 64, signed), param: par!, result: res!, op: 2 * k + (signed ? 0 : 1) });
    }
  });
  const bytes: number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  const section = (id: number, body: number[]): void => { bytes.push(id, body.length, ...body); };
  const str = (s: string): number[] => [s.length, ...Buffer.from(s)];
  section(1, [fns.length, ...fns.flatMap((f) => [0x60, 1, f.param, 1, f.result])]);
  section(3, [fns.length, ...fns.map((_, i) => i)]);
  section(7, [fns.length, ...fns.flatMap((f, i) => [...str(f.name), 0x00, i])]);
  section(10, [fns.length, ...fns.flatMap((f) => [6, 0, 0x20, 0, 0xfc, f.op, 0x0b])]);
  return new WA.Instance(new WA.Module(Uint8Array.from(bytes))).exports as Record<string, (x: number) => number | bigint>;
}

/** Inputs: specials, values around every bound of every width, random bit patterns and magnitudes. */
function inputs(): number[] {
  const out = [NaN, -NaN, f64FromBits(0x7ff0000000000001n), f64FromBits(-0x7ffffffffffffedcn), Infinity, -Infinity, 0, -0, 0.5, -0.5, -0.9999, 1e-300];
  for (let w = 8; w <= 64; w *= 2) {
    for (const bound of [2 ** w, 2 ** (w - 1), -(2 ** (w - 1))]) {
      for (const d of [-1.5, -1, -0.5, -1e-7, 0, 1e-7, 0.5, 1, 1.5]) out.push(bound + d, bound * (1 + d * 2 ** -52), bound * (1 + d * 2 ** -23));
    }
  }
  let s = 0x9e3779b9;
  const next = (): number => { s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) | 0; return (s >>> 0) / 2 ** 32; };
  for (let i = 0; i < 1500; i++) {
    const k = next();
    if (k < 0.3) out.push(f64FromBits(BigInt.asIntN(64, (BigInt(Math.floor(next() * 2 ** 32)) << 32n) | BigInt(Math.floor(next() * 2 ** 32)))));
    else out.push((next() - 0.5) * 2 ** Math.floor(next() * 70));
  }
  return out;
}

/** The oracle's result for a conversion, as the IR's JS convention gives it (i64 bigint, narrower number). */
function expected(oracle: Record<string, (x: number) => number | bigint>, f: Type, w: number, signed: boolean, x: number): number | bigint {
  if (w >= 32) return oracle[name(f, w, signed)]!(x);
  const v = oracle[name(f, 32, true)]!(x) as number;
  const lo = signed ? -(2 ** (w - 1)) : 0, hi = signed ? 2 ** (w - 1) - 1 : 2 ** w - 1;
  const c = Math.min(hi, Math.max(lo, v));
  return (c << (32 - w)) >> (32 - w); // i8/i16 results are sign-extended numbers
}

test('fcvt_to_sint_sat / fcvt_to_uint_sat agree with WebAssembly trunc_sat (compiled -O0, -O2, interpreted)', () => {
  const m = irModule();
  const oracle = wasmOracle();
  const it = new Interpreter(m);
  const runners = [{ name: 'interpreter', call: (fn: string, x: number) => it.call(fn, [x]) }];
  const c0 = compile(m, { opt: 0 }), c2 = compile(m, { opt: 2 });
  runners.push({ name: 'compiled -O0', call: (fn, x) => c0.get(fn)(x) }, { name: 'compiled -O2', call: (fn, x) => c2.get(fn)(x) });
  const failures: string[] = [];
  let checked = 0;
  try {
    for (const x of inputs()) {
      for (const f of FLOATS) {
        for (const w of WIDTHS) {
          for (const signed of [true, false]) {
            const want = expected(oracle, f, w, signed, x);
            for (const r of runners) {
              const got = r.call(name(f, w, signed), x);
              checked++;
              if (got !== want && failures.length < 20) failures.push(`${r.name}: ${name(f, w, signed)}(${x}) = ${got}, WebAssembly ${want}`);
            }
          }
        }
      }
    }
  } finally {
    c0.free(); c2.free();
  }
  assert.deepEqual(failures, []);
  assert.ok(checked > 80000, `${checked}`);
});
