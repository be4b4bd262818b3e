import { test } from 'node:test';
import assert from 'node:assert/strict';
import { processCpuMs } from '../../src/util/cpu-time.js';
import {
  Block, Inst, IntCC, Interpreter, Module, Opcode, Type, Value, parse, printModule, verifyFunction, verifyModule,
} from '../../src/ir/index.js';

function buildFib(m: Module) {
  const fib = m.function('fib', [Type.I64], [Type.I64]);
  const b = fib.builder();
  const n = b.param(0);
  const [r] = b.ifElse(b.icmp(IntCC.Slt, n, b.iconst(Type.I64, 2)), [Type.I64], () => [n], () => {
    const a = b.call(fib, [b.isub(n, b.iconst(Type.I64, 1))]);
    const c = b.call(fib, [b.isub(n, b.iconst(Type.I64, 2))]);
    return [b.iadd(a, c)];
  });
  b.return(r!);
  return b.finish();
}

test('builder: fib builds, verifies, prints, round-trips and runs', () => {
  const m = new Module();
  buildFib(m);
  const text = printModule(m);
  assert.equal(printModule(parse(text)), text);
  assert.deepEqual(verifyModule(parse(text)), []);
  assert.equal(new Interpreter(m).call('fib', [10n]), 55n);
});

test('interpreter: fib(25) runs in well under 2 s', () => {
  const m = new Module();
  buildFib(m);
  const t0 = processCpuMs(); // CPU time: a loaded machine must not fail this
  assert.equal(new Interpreter(m).call('fib', [25n]), 75025n);
  assert.ok(processCpuMs() - t0 < 2000);
});

test('builder: forRange sums a buffer', () => {
  const m = new Module();
  const f = m.function('sum', [Type.Ptr, Type.I64], [Type.I64]);
  const b = f.builder();
  const [buf, len] = b.params as [Value, Value];
  const zero = b.iconst(Type.I64, 0);
  const [total] = b.forRange(zero, len, [zero], (i, [acc]) => {
    const addr = b.iadd(buf, b.imul(i, b.iconst(Type.I64, 4)));
    return [b.iadd(acc!, b.sload32(addr))];
  });
  b.return(total!);
  b.finish();
  assert.equal(new Interpreter(m).call('sum', [new Int32Array([1, 2, 3, -4]), 4]), 2n);
  assert.equal(printModule(parse(printModule(m))), printModule(m));
});

test('builder: while loop and stack slot', () => {
  const m = new Module();
  const f = m.function('pow2', [Type.I32], [Type.I32]);
  const b = f.builder();
  const ss = b.stackSlot(4, 4);
  const p = b.stackAddr(ss);
  b.store(b.iconst(Type.I32, 1), p);
  const [n] = b.while([b.param(0)], ([k]) => b.icmp('sgt', k!, b.iconst(Type.I32, 0)), ([k]) => {
    b.store(b.ishl(b.load(Type.I32, p), b.iconst(Type.I32, 1)), p);
    return [b.isub(k!, b.iconst(Type.I32, 1))];
  });
  void n;
  b.return(b.load(Type.I32, p));
  b.finish();
  assert.equal(new Interpreter(m).call('pow2', [10]), 1024);
});

test('builder: bad calls throw precise errors', () => {
  const m = new Module();
  const f = m.function('f', [Type.I32, Type.I64], [Type.I32]);
  const b = f.builder();
  const [x, y] = b.params as [Value, Value];
  assert.throws(() => b.iadd(x, y), { message: 'iadd: operand types i32 and i64 differ' });
  assert.throws(() => b.fadd(x, x), { message: 'fadd: operand v0 has type i32, expected a float type' });
  assert.throws(() => b.iconst(Type.I8, 300), { message: 'iconst.i8: 300 does not fit in 8 bits' });
  assert.throws(() => b.iconst(Type.F64, 1), { message: 'iconst: type f64 is not an integer type' });
  assert.throws(() => b.sext(Type.I32, y), { message: 'sext: cannot sext i64 to i32' });
  assert.throws(() => b.load(Type.I32, y), { message: 'load: address v1 has type i64, expected ptr' });
  assert.throws(() => b.iadd(x, 99 as Value), { message: 'iadd: operand 1 (99) is not a value of function f' });
  assert.throws(() => b.icmp('lt' as 'slt', x, x), { message: 'icmp: unknown condition lt' });
  assert.throws(() => b.return(y), { message: 'return: return value 0 has type i64, expected i32' });
  const other = new Module().function('g', [], []);
  assert.throws(() => b.call(other, []), { message: 'call: %g has 0 results; use callAll' });
  assert.throws(() => b.callAll(other, []), { message: 'call: %g belongs to another module' });
  b.return(x);
  assert.throws(() => b.iadd(x, x), { message: 'iadd: block0 is already terminated' });
  assert.throws(() => m.function('f', []), { message: 'symbol %f is already defined' });
  assert.throws(() => b.jump(77 as Block), { message: 'jump: block0 is already terminated' });
  const bb = b.block(Type.I32);
  b.switchTo(bb);
  assert.throws(() => b.jump(77 as Block), { message: 'jump: unknown block 77' });
});

test('verifier: unknown callee (built through the low-level tables)', () => {
  const m = new Module();
  const f = m.function('f', [], []);
  const b = f.builder();
  const i = f.newInst(Opcode.Call, Type.Invalid, []);
  f.instImm[i] = 99;
  f.appendInst(f.entryBlock, i);
  b.return();
  assert.deepEqual(verifyFunction(f), ['verify: function f, block0, inst call #99(): unknown callee #99']);
});

test('tables: iterate blocks, instructions, operands, results and types', () => {
  const m = new Module();
  const f = buildFib(m);
  const seen: string[] = [];
  for (const block of f.blocks()) {
    for (const inst of f.insts(block)) {
      const op = f.opcode(inst);
      const args = f.instArgs(inst).map((v) => f.typeOf(v));
      const results = f.instResults(inst).map((v) => f.typeOf(v));
      seen.push(`${op}:${args.length}:${results.length}`);
    }
  }
  assert.ok(seen.length > 5);
  assert.equal(f.blockParams(f.entryBlock).length, 1);
  const entry = f.entryBlock;
  const term = f.blockLast[entry]! as Inst;
  const uses: Value[] = [];
  f.forEachUse(term, (v) => uses.push(v));
  assert.equal(uses.length, 1); // brif condition
  assert.equal(f.successors(entry).length, 2);
});
