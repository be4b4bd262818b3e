/**
 * Float bit patterns (src/ir/float-bits.ts) and the NaN rules of docs/ir.md §4 as the
 * interpreter, the builder and the text form implement them. Compiled code is checked
 * against the same rules by test/filetests/run/nan_bits.ir.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Interpreter, Module, Type, parse, printModule } from '../../src/ir/index.js';
import {
  DEFAULT_NAN_F32, DEFAULT_NAN_F64, demoteBits, f32ToBits, f64FromBits, f64ToBits, formatFloatBits, parseFloatBits, promoteBits,
} from '../../src/ir/float-bits.js';
import { evalF32Binary, evalF64Binary, evalF64Unary } from '../../src/ir/semantics.js';
import { Opcode } from '../../src/ir/opcodes.js';

test('float literals name every NaN and read back to the same bits', () => {
  const f64s: [string, bigint][] = [
    ['NaN', 0x7ff8000000000000n], ['-NaN', -0x8000000000000n], ['NaN:0x1', 0x7ff8000000000001n],
    ['sNaN:0x1', 0x7ff0000000000001n], ['-sNaN:0x7ffffffffffff', BigInt.asIntN(64, 0xfff7ffffffffffffn)],
    ['1.5', 0x3ff8000000000000n], ['-0.0', -(1n << 63n)], ['Inf', 0x7ff0000000000000n],
  ];
  for (const [text, bits] of f64s) {
    const got = parseFloatBits(Type.F64, text) as bigint;
    assert.equal(got, bits, text);
    assert.equal(formatFloatBits(Type.F64, got), text);
  }
  const f32s: [string, number][] = [['NaN', 0x7fc00000], ['-NaN', DEFAULT_NAN_F32], ['sNaN:0x3', 0x7f800003], ['-NaN:0x3fffff', -1], ['0.10000000149011612', 0x3dcccccd]];
  for (const [text, bits] of f32s) {
    assert.equal(parseFloatBits(Type.F32, text), bits, text);
    assert.equal(formatFloatBits(Type.F32, bits), text);
  }
  assert.equal(parseFloatBits(Type.F32, '+NaN:0x5'), 0x7fc00005);
  assert.throws(() => parseFloatBits(Type.F32, 'NaN:0x400000'), /does not fit in the 22 payload bits of an f32 NaN/);
  assert.throws(() => parseFloatBits(Type.F64, 'sNaN'), /a signalling NaN needs a nonzero payload/);
  assert.throws(() => parseFloatBits(Type.F64, 'nan'), /expected a f64 literal, found 'nan'/);
});

test('NaN rules: first NaN operand quieted, the default NaN from non-NaN operands, sign ops keep bits', () => {
  const s1 = 0x7ff0000000000001n, q2 = -0x7fffffffffffen; // sNaN payload 1; -NaN payload 2
  assert.equal(evalF64Binary(Opcode.FAdd, s1, q2), 0x7ff8000000000001n);
  assert.equal(evalF64Binary(Opcode.FSub, q2, s1), q2);
  assert.equal(evalF64Binary(Opcode.FMul, f64ToBits(2), s1), 0x7ff8000000000001n);
  assert.equal(evalF64Binary(Opcode.FMin, f64ToBits(1), s1), 0x7ff8000000000001n);
  assert.equal(evalF64Binary(Opcode.FDiv, 0n, 0n), DEFAULT_NAN_F64);
  assert.equal(evalF64Binary(Opcode.FCopysign, s1, -1n), s1 | -(1n << 63n));
  assert.equal(evalF64Unary(Opcode.FNeg, s1), s1 | -(1n << 63n));
  assert.equal(evalF64Unary(Opcode.FFloor, s1), s1 | (1n << 51n));
  assert.equal(evalF64Unary(Opcode.FSqrt, f64ToBits(-4)), DEFAULT_NAN_F64);
  assert.equal(evalF32Binary(Opcode.FAdd, f32ToBits(Infinity), f32ToBits(-Infinity)), DEFAULT_NAN_F32);
  assert.equal(evalF32Binary(Opcode.FAdd, 0x7f800003, 0x7fc00009), 0x7fc00003);
  // fpromote moves the payload to the top bits and quiets; fdemote keeps the top 22 bits.
  assert.equal(promoteBits(0x7f800003), 0x7ff8000060000000n);
  assert.equal(demoteBits(0x7ff8000060000000n), 0x7fc00003);
  assert.equal(demoteBits(0x7ff0000000000001n), 0x7fc00000);
  assert.equal(promoteBits(f32ToBits(1.5)), f64ToBits(1.5));
});

test('the interpreter keeps NaN bits through calls, selects, memory and block parameters; hooks see numbers', () => {
  const m = parse(`import %twice(f64) -> f64

function %pass(f64, i8) -> f64 {
    ss0 = stack_slot 8, align 8
block0(v0: f64, v1: i8):
    v2 = fconst.f64 -sNaN:0x5
    v3 = select v1, v0, v2
    v4 = stack_addr ss0
    store.f64 v3, v4
    v5 = load.f64 v4
    jump block1(v5)

block1(v6: f64):
    return v6
}

function %hook(f64) -> f64 {
block0(v0: f64):
    v1 = call %twice(v0)
    return v1
}
`);
  let seen: unknown;
  const it = new Interpreter(m, { imports: { twice: ([x]) => { seen = x; return (x as number) * 2; } } });
  const snan = f64FromBits(0x7ff0000000000003n);
  // The bigint keeps the argument array's elements tagged: V8 quiets a signalling NaN stored in an array of doubles.
  assert.equal(f64ToBits(it.call('pass', [snan, 1n]) as number), 0x7ff0000000000003n);
  assert.equal(BigInt.asUintN(64, f64ToBits(it.call('pass', [0, 0]) as number)), 0xfff0000000000005n);
  assert.equal(it.call('hook', [1.25]), 2.5);
  assert.equal(seen, 1.25);
});

test('Builder.fconstBits makes exact constants and checks its arguments', () => {
  const m = new Module();
  const f = m.function('f', [], [Type.F32]);
  const b = f.builder();
  b.return(b.fconstBits(Type.F32, 0xff800001));
  b.finish();
  assert.match(printModule(m), /fconst\.f32 -sNaN:0x1/);
  const g = m.function('g', [], []).builder();
  assert.throws(() => g.fconstBits(Type.I32, 0), /fconstBits: type i32 is not a float type/);
  assert.throws(() => g.fconstBits(Type.F32, 1.5), /fconstBits: bits must be an integer/);
  assert.throws(() => g.fconstBits(Type.F32, 1n << 32n), /fconstBits\.f32: 4294967296 does not fit in 32 bits/);
});
