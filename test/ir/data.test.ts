/**
 * Data objects: the builder API of sizes and relocations, its errors, the text form (short for
 * large zero-initialised objects), cloning, and the addresses the interpreter and compiled code
 * write into relocated data.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Interpreter, Module, Type, parse, printModule, verifyModule } from '../../src/ir/index.js';
import { compile } from '../../src/codegen/compile.js';

/** A module with data pointing at data (forward and self references), a function and an import. */
function sample(): Module {
  const m = new Module();
  const labs = m.import('labs', [Type.I64], [Type.I64]);
  const get = m.function('get', [Type.Ptr, Type.I64], [Type.I64]);
  const b = get.builder();
  b.return(b.load(Type.I64, b.iadd(b.param(0), b.param(1))));
  b.finish();
  const values = m.addData('values', [5, 0, 0, 0, 0, 0, 0, 0, 7], { align: 8, size: 16 });
  const table = m.addData('table', [0xff, 0xff], { readonly: true, align: 8, size: 40, relocs: [
    { offset: 0, target: values, addend: 8 }, { offset: 8, target: get }, { offset: 16, target: labs, addend: 0 }] });
  table.addReloc(24, table, -8); // itself, minus 8
  return m;
}

test('relocations: builder API, zeroed bytes under them, canonical text and round trip', () => {
  const m = sample();
  const table = m.lookup('table') as import('../../src/ir/index.js').DataObject;
  assert.deepEqual([...table.bytes], [0, 0], 'the bytes under a relocation are zero');
  assert.equal(table.size, 40);
  assert.deepEqual(verifyModule(m), []);
  const text = printModule(m);
  assert.match(text, /^data %values align 8 = \{ 05 00 00 00 00 00 00 00 07 00 00 00 00 00 00 00 \}$/m);
  assert.match(text, /^data %table readonly align 8 = \{ addr %values\+8 addr %get addr %labs addr %table-8 00 00 00 00 00 00 00 00 \}$/m);
  assert.equal(printModule(parse(text)), text);
  assert.equal(printModule(m.clone()), text);
});

test('relocation errors name the object, the offset and the problem', () => {
  const m = sample();
  const other = new Module();
  const foreign = other.addData('x', [1]);
  const d = m.addData('d', [], { size: 24 });
  assert.throws(() => d.addReloc(17, d), /data %d: relocation offset 17 does not leave 8 bytes inside the object \(size 24\)/);
  assert.throws(() => d.addReloc(-1, d), /offset -1 does not leave 8 bytes/);
  assert.throws(() => d.addReloc(0, foreign), /data %d: relocation at 0: data %x belongs to another module/);
  assert.throws(() => d.addReloc(0, {} as never), /target must be a data object, function or import of this module/);
  assert.throws(() => d.addReloc(0, d, 0.5), /addend 0.5 is not a safe integer/);
  d.addReloc(8, d);
  assert.throws(() => d.addReloc(4, d), /relocation at 4 overlaps the relocation at 8/);
  assert.throws(() => d.addReloc(12, d), /relocation at 12 overlaps the relocation at 8/);
  d.addReloc(16, d).addReloc(0, d);
  assert.deepEqual(d.relocs.map((r) => r.offset), [0, 8, 16]);
  assert.throws(() => m.addData('e', [1, 2, 3], { size: 2 }), /data %e: size 2 must be an integer from 3/);
  assert.throws(() => m.addData('e', [], { relocs: [{ offset: 0, target: d }] }), /data %e: relocation offset 0 does not leave 8 bytes inside the object \(size 0\)/);
  assert.equal(m.lookup('e'), undefined, 'a failed addData defines nothing');
});

test('a large zero-initialised object costs no bytes: text, parse and clone stay small', () => {
  const m = new Module();
  const big = m.addData('big', [], { size: 64 << 20, align: 16 });
  assert.equal(big.bytes.length, 0);
  const text = printModule(m);
  assert.equal(text, 'data %big align 16 = { zeroes 67108864 }\n');
  const back = parse(text).lookup('big') as typeof big;
  assert.equal(back.size, 64 << 20);
  assert.equal(back.bytes.length, 0);
  assert.equal(m.clone().data[0]!.bytes.length, 0);
  // Zeros inside the explicit bytes print as a run too, trailing ones stay implicit after parsing.
  const m2 = parse('data %a = { 01 zeroes 40 02 zeroes 100 }\n');
  assert.equal(m2.data[0]!.bytes.length, 42);
  assert.equal(m2.data[0]!.size, 142);
  assert.equal(printModule(m2), 'data %a = { 01 zeroes 40 02 zeroes 100 }\n');
});

test('the interpreter and compiled code write the same addresses into relocated data', () => {
  const m = sample();
  const f = m.function('check', [], [Type.I64]);
  const b = f.builder();
  const table = b.globalAddr(m.lookup('table') as never), values = b.globalAddr(m.lookup('values') as never);
  // values + 8 -> 7; get(values, 0) through the relocated function pointer -> 5; labs(-3) -> 3; table - 8 + 8 == table.
  const seven = b.load(Type.I64, b.load(Type.Ptr, table, 0));
  const sig = b.signature([Type.Ptr, Type.I64], [Type.I64]);
  const five = b.callIndirect(sig, b.load(Type.Ptr, table, 8), [values, b.iconst(Type.I64, 0)]);
  const three = b.callIndirect(b.signature([Type.I64], [Type.I64]), b.load(Type.Ptr, table, 16), [b.iconst(Type.I64, -3)]);
  const self = b.icmp('eq', b.iadd(b.load(Type.Ptr, table, 24), b.iconst(Type.I64, 8)), table);
  const sum = b.iadd(b.iadd(seven, b.imul(five, b.iconst(Type.I64, 10))), b.imul(three, b.iconst(Type.I64, 100)));
  b.return(b.iadd(sum, b.imul(b.zext(Type.I64, self), b.iconst(Type.I64, 1000))));
  b.finish();
  assert.equal(new Interpreter(m).call('check'), 1357n);
  for (const opt of [0, 2] as const) {
    const c = compile(m, { opt });
    try { assert.equal(c.get('check')(), 1357n); } finally { c.free(); }
  }
});
