/**
 * Regression tests for the builder / module API's argument checks (found by the API
 * fuzzer, src/fuzz/api-fuzz.ts): junk arguments get a checked Error / TypeError /
 * RangeError naming the instruction or method and what is wrong, never an internal
 * TypeError such as "Cannot read properties of undefined (reading 'results')".
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Module, Type } from '../../src/ir/index.js';

const throwsMsg = (f: () => unknown, cls: new (...a: any[]) => Error, msg: string): void => {
  assert.throws(f, (e: Error) => { assert.ok(e instanceof cls, `${String(e)} is not a ${cls.name}`); assert.equal(e.message, msg); return true; });
};

test('builder and module methods reject junk arguments with checked messages', () => {
  const sym = Symbol('x');
  const m = new Module();
  const f = m.function('f', [Type.I32, Type.I64, Type.F64, Type.Ptr], [Type.I32]);
  const g = m.function('g', [Type.I32], [Type.I32]);
  const b: any = f.builder();
  const M: any = Module;
  const mm: any = m;
  const x = b.params[0];
  throwsMsg(() => b.call(undefined as never, []), TypeError, "call: callee must be a function or import of this module, got undefined");
  throwsMsg(() => b.call(null), TypeError, "call: callee must be a function or import of this module, got null");
  throwsMsg(() => b.call(g, undefined), TypeError, "call: arguments must be an array, got undefined");
  throwsMsg(() => b.callAll({ index: 0 }, []), TypeError, "call: callee must be a function or import of this module, got an object");
  throwsMsg(() => b.funcAddr(), TypeError, "func_addr: callee must be a function or import of this module, got undefined");
  throwsMsg(() => b.globalAddr(null), TypeError, "global_addr: expected a data object of this module (from module.addData), got null");
  throwsMsg(() => b.icmp(sym, x, x), Error, "icmp: unknown condition Symbol(x)");
  throwsMsg(() => b.fcmp(1.5, x, x), Error, "fcmp: unknown condition 1.5");
  throwsMsg(() => b.sext(sym, x), TypeError, "sext: type must be an IR type (i8 i16 i32 i64 f32 f64 ptr), got Symbol(x)");
  throwsMsg(() => b.zext(1n, x), TypeError, "zext: type must be an IR type (i8 i16 i32 i64 f32 f64 ptr), got 1n");
  throwsMsg(() => b.trunc({}, x), TypeError, "trunc: type must be an IR type (i8 i16 i32 i64 f32 f64 ptr), got an object");
  throwsMsg(() => b.bitcast(99, x), TypeError, "bitcast: type must be an IR type (i8 i16 i32 i64 f32 f64 ptr), got type99");
  throwsMsg(() => b.load(sym, x), TypeError, "load: type must be an IR type (i8 i16 i32 i64 f32 f64 ptr), got Symbol(x)");
  throwsMsg(() => b.load(Type.I32, x, sym), Error, "load: offset Symbol(x) is not a 32-bit integer");
  throwsMsg(() => b.store(x, x, 1n), Error, "store: offset 1n is not a 32-bit integer");
  throwsMsg(() => b.store(x, x, 0, sym), TypeError, "store: type must be an IR type (i8 i16 i32 i64 f32 f64 ptr), got Symbol(x)");
  throwsMsg(() => b.iconst(Type.I32), TypeError, "iconst.i32: value must be a number or bigint, got undefined");
  throwsMsg(() => b.iconst(Type.I32, 'v0'), TypeError, "iconst.i32: value must be a number or bigint, got \"v0\"");
  throwsMsg(() => b.iconst(sym, 1), Error, "iconst: type Symbol(x) is not an integer type");
  throwsMsg(() => b.fconst(sym, 1), Error, "fconst: type Symbol(x) is not a float type");
  throwsMsg(() => b.fconst(Type.F64, '1'), TypeError, "fconst: value must be a number, got \"1\"");
  throwsMsg(() => b.stackAddr(sym), Error, "stack_addr: unknown stack slot Symbol(x) (function f has 0)");
  throwsMsg(() => b.stackAddr(0), Error, "stack_addr: unknown stack slot 0 (function f has 0)");
  throwsMsg(() => b.block(sym), Error, "block: bad parameter type Symbol(x)");
  throwsMsg(() => b.block(1n), Error, "block: bad parameter type 1n");
  throwsMsg(() => b.switchTo(sym), Error, "switchTo: unknown block Symbol(x)");
  throwsMsg(() => b.switchTo(1.5), Error, "switchTo: unknown block 1.5");
  throwsMsg(() => b.jump(0, 1), TypeError, "jump: block arguments must be an array, got 1");
  throwsMsg(() => b.brif(x), TypeError, "brif: branch target must be a block or { block, args }, got undefined");
  throwsMsg(() => b.brif(x, null, 0), TypeError, "brif: branch target must be a block or { block, args }, got null");
  throwsMsg(() => b.brif(x, { block: 0 }, 0), TypeError, "brif: block arguments must be an array, got undefined");
  throwsMsg(() => b.brTable(x, 0, 0), TypeError, "br_table: table must be an array, got 0");
  throwsMsg(() => b.callIndirect(sym), Error, "call_indirect: unknown signature Symbol(x)");
  throwsMsg(() => b.callIndirectAll(0, x, []), Error, "call_indirect: unknown signature sig0");
  throwsMsg(() => b.iadd(), Error, "iadd: operand 0 (undefined) is not a value of function f");
  throwsMsg(() => b.unary(999, x), TypeError, "builder: unknown opcode 999");
  throwsMsg(() => b.param(sym), Error, "function f has no parameter Symbol(x)");
  throwsMsg(() => b.blockParams(sym), Error, "blockParams: unknown block Symbol(x)");
  throwsMsg(() => b.signature(1), TypeError, "signature: parameter types must be an array, got 1");
  throwsMsg(() => b.signature([sym]), TypeError, "signature: parameter type must be an IR type (i8 i16 i32 i64 f32 f64 ptr), got Symbol(x)");
  throwsMsg(() => b.ifElse(x, [], 1), TypeError, "ifElse: then must be a function, got 1");
  throwsMsg(() => b.while(1), TypeError, "while: init must be an array, got 1");
  throwsMsg(() => b.forRange(sym), Error, "forRange: start Symbol(x) is not a value of function f");
  throwsMsg(() => b.stackSlot(sym), Error, "stack_slot: bad size Symbol(x)");
  throwsMsg(() => new M(sym), TypeError, "new Module: name must be a string, got Symbol(x)");
  throwsMsg(() => mm.function(sym, []), TypeError, "Module.function: symbol name must be a string, got Symbol(x)");
  throwsMsg(() => mm.function('h', 1), TypeError, "%h: parameter types must be an array, got 1");
  throwsMsg(() => mm.function('h', [sym]), Error, "%h: bad type Symbol(x) in signature");
  throwsMsg(() => mm.import('h', [], [], 5), TypeError, "import %h: 'from' must be a module name string, got 5");
  throwsMsg(() => mm.addData('d', undefined), TypeError, "data %d: bytes must be a Uint8Array or an array of numbers, got undefined");
  throwsMsg(() => mm.addData('d', [sym]), RangeError, "data %d: byte 0 must be an integer from -128 to 255, got Symbol(x)");
  throwsMsg(() => mm.addData('d', [1], null), TypeError, "data %d: options must be an object, got null");
  throwsMsg(() => mm.addData('d', [1], { align: sym }), Error, "data %d: alignment Symbol(x) is not a power of two <= 4096");
  throwsMsg(() => mm.getFunction(sym), Error, "module has no function %Symbol(x)");
  // The builder is still usable after all those errors.
  b.return(b.iadd(x, b.iconst(Type.I32, 1)));
  assert.equal(b.finish(), f);
  void g;
});

test('parse, verify and print entry points reject non-IR arguments with checked messages', async () => {
  const ir: any = await import('../../src/ir/index.js');
  const sym = Symbol('x');
  throwsMsg(() => ir.parse(), TypeError, 'parse: text must be a string, got undefined');
  throwsMsg(() => ir.parse(sym), TypeError, 'parse: text must be a string, got Symbol(x)');
  throwsMsg(() => ir.parse(null), TypeError, 'parse: text must be a string, got null');
  throwsMsg(() => ir.parseFunction(1), TypeError, 'parseFunction: text must be a string, got 1');
  throwsMsg(() => ir.verifyModule(), TypeError, 'verifyModule: expected a Module, got undefined');
  throwsMsg(() => ir.verifyModule({}), TypeError, 'verifyModule: expected a Module, got an object');
  throwsMsg(() => ir.verifyFunction(null), TypeError, 'verifyFunction: expected a Func, got null');
  throwsMsg(() => ir.verify(1), TypeError, 'verify: expected a Module or Func, got 1');
  throwsMsg(() => ir.printModule({}), TypeError, 'printModule: expected a Module, got an object');
  throwsMsg(() => ir.printFunction(sym), TypeError, 'printFunction: expected a Func, got Symbol(x)');
  throwsMsg(() => new ir.Builder(undefined), TypeError, 'new Builder: expected a Func (from module.function), got undefined');
  // Valid input is unchanged.
  const m = ir.parse('function %f(i32) -> i32 {\nblock0(v0: i32):\n    return v0\n}\n');
  ir.verify(m);
  assert.equal(ir.verifyModule(m).length, 0);
  assert.match(ir.printModule(m), /return v0/);
});
