/**
 * Regression tests for the assembler's argument checks (found by the API fuzzer,
 * src/fuzz/api-fuzz.ts): junk arguments to align/nopN/embed/constant, condition codes,
 * labels, movAbs64, extern and memory-operand constructors get checked messages, never
 * an internal TypeError such as "Cannot convert a Symbol value to a string".
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Assembler, Mem, Label, extern, rel, qword, ptr, rax, rcx, eax } from '../../../src/asm/x64/index.js';
import { describe } from '../../../src/util/describe.js';

const throwsMsg = (f: () => unknown, msg: string): void => {
  assert.throws(f, (e: Error) => { assert.ok(e instanceof Error); assert.equal(e.message, msg); return true; });
};
const sym = Symbol('x');

test('describe() never throws and names the value', () => {
  assert.equal(describe(sym), 'Symbol(x)');
  assert.equal(describe(undefined), 'undefined');
  assert.equal(describe(null), 'null');
  assert.equal(describe('12'), '"12"');
  assert.equal(describe(1n), '1n');
  assert.equal(describe(-0), '-0');
  assert.equal(describe([1]), 'an array of length 1');
  assert.equal(describe({}), 'an object');
  assert.equal(describe(new Uint8Array(2)), 'a Uint8Array');
  assert.equal(describe(() => 0), 'a function');
  assert.equal(describe(Object.create(null)), 'an object');
});

test('align, nopN, embed, constant reject junk with checked messages', () => {
  const a = new Assembler();
  throwsMsg(() => a.align(sym as never), 'align: alignment must be a power of two from 1 to 4096, got Symbol(x)');
  throwsMsg(() => a.align(3), 'align: alignment must be a power of two from 1 to 4096, got 3');
  throwsMsg(() => a.align(8192), 'align: alignment must be a power of two from 1 to 4096, got 8192');
  throwsMsg(() => a.align(1n as never), 'align: alignment must be a power of two from 1 to 4096, got 1n');
  throwsMsg(() => a.nopN(sym as never), 'nop: length Symbol(x) is not in 1..15');
  throwsMsg(() => a.nopN(undefined as never), 'nop: length undefined is not in 1..15');
  throwsMsg(() => a.embed(undefined as never), 'embed: bytes must be an array or typed array of numbers, got undefined');
  throwsMsg(() => a.embed(null as never), 'embed: bytes must be an array or typed array of numbers, got null');
  throwsMsg(() => a.embed('x' as never), 'embed: bytes must be an array or typed array of numbers, got "x"');
  throwsMsg(() => a.embed(sym as never), 'embed: bytes must be an array or typed array of numbers, got Symbol(x)');
  throwsMsg(() => a.embed({ length: 3 } as never), 'embed: byte 0 must be an integer, got undefined');
  throwsMsg(() => a.embed([1, sym] as never), 'embed: byte 1 must be an integer, got Symbol(x)');
  throwsMsg(() => a.constant(undefined as never), 'constant: value must be a Uint8Array, number (float64) or bigint (int64), got undefined');
  throwsMsg(() => a.constant(null as never), 'constant: value must be a Uint8Array, number (float64) or bigint (int64), got null');
  throwsMsg(() => a.constant('x' as never), 'constant: value must be a Uint8Array, number (float64) or bigint (int64), got "x"');
  throwsMsg(() => a.constant(1.5, 3), 'constant: alignment must be a power of two from 1 to 4096, got 3');
  // Valid input is unchanged.
  a.embed([0x90, -1]).align(16).nopN(3);
  a.constant(new Uint8Array([1, 2]), 2);
  assert.equal(a.finish().bytes.length, 16 + 3 + 2 + 1);
});

test('condition codes, labels, movAbs64, emitNamed, finish, constructor', () => {
  const a = new Assembler();
  throwsMsg(() => a.jcc(sym as never, sym as never), 'jcc: condition must be a Cond value from 0 to 15, got Symbol(x)');
  throwsMsg(() => a.jcc(16 as never, a.newLabel()), 'jcc: condition must be a Cond value from 0 to 15, got 16');
  throwsMsg(() => a.setcc(1.5 as never, rax), 'setcc: condition must be a Cond value from 0 to 15, got 1.5');
  throwsMsg(() => a.cmovcc('length' as never, rax, rcx), 'cmovcc: condition must be a Cond value from 0 to 15, got "length"');
  throwsMsg(() => a.bind(undefined as never), 'bind: expected a label from newLabel(), got undefined');
  throwsMsg(() => a.bind({ id: 0 } as never), 'bind: expected a label from newLabel(), got an object');
  throwsMsg(() => a.labelOffset(null as never), 'labelOffset: expected a label, got null');
  throwsMsg(() => a.movAbs64(undefined as never, 'x'), 'movAbs64: destination must be a 64-bit register, got undefined');
  throwsMsg(() => a.movAbs64(eax, 'x'), 'movAbs64: eax is not a 64-bit register');
  throwsMsg(() => a.movAbs64(rax, sym as never), 'movAbs64: symbol must be a non-empty string, got Symbol(x)');
  throwsMsg(() => a.movAbs64(rax, 'x', 1.5), 'movAbs64: addend must be a safe integer, got 1.5');
  throwsMsg(() => a.emitNamed(sym as never), 'emitNamed: mnemonic must be a string, got Symbol(x)');
  throwsMsg(() => (a.add as (...x: unknown[]) => unknown)(rax, rcx, 1, 2, sym), 'add: at most 4 operands, got a 5th (Symbol(x))');
  throwsMsg(() => new Assembler(sym as never), 'new Assembler: initial capacity must be an integer from 0 to 2^30, got Symbol(x)');
  throwsMsg(() => new Assembler(NaN), 'new Assembler: initial capacity must be an integer from 0 to 2^30, got NaN');
  throwsMsg(() => new Assembler().finish(null as never), 'finish: options must be an object, got null');
});

test('memory operands and extern reject junk with checked messages', () => {
  throwsMsg(() => qword(sym as never), 'memory operand: base must be a register, label or null, got Symbol(x)');
  throwsMsg(() => qword(undefined as never), 'memory operand: base must be a register, label or null, got undefined');
  throwsMsg(() => qword(rax, 'x' as never), 'memory operand: index must be a register, a displacement or null, got "x"');
  throwsMsg(() => qword(rax, rcx, 1, sym as never), 'memory operand: displacement Symbol(x) does not fit in 32 bits');
  throwsMsg(() => qword(rax, rcx, 1, 1n as never), 'memory operand: displacement 1n does not fit in 32 bits');
  throwsMsg(() => qword(rax, rcx, sym as never), 'memory operand: scale Symbol(x) is not 1, 2, 4 or 8');
  throwsMsg(() => ptr(rax).withSize(sym as never), 'memory operand: bad size Symbol(x) (expected 0, 1, 2, 4, 8, 16 or 32)');
  throwsMsg(() => new Mem(8, rax, null, 1, 0, {} as never), 'memory operand: label must be a Label or null, got an object');
  throwsMsg(() => qword(rax).set(sym as never), 'memory operand: base must be a register, label or null, got Symbol(x)');
  throwsMsg(() => qword(rax).set(rax, {} as never), 'memory operand: index must be a register or null, got an object');
  throwsMsg(() => rel(undefined as never), 'rel: expected a label, got undefined');
  throwsMsg(() => extern(sym as never), 'extern: symbol name must be a non-empty string, got Symbol(x)');
  throwsMsg(() => extern('f', 2 ** 40), 'extern: addend must be a 32-bit integer, got 1099511627776');
  // Valid input is unchanged.
  assert.equal(qword(rax, rcx, 8, -4).disp, -4);
  assert.ok(rel(new Label(0)).label instanceof Label);
});
