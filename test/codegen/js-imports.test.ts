/**
 * compile(m, { imports }): JS functions standing for IR imports, called by compiled code as C
 * functions. The oracle is the JS side itself (what the functions saw and returned) and the
 * IR interpreter running the same module with the same functions as its import hooks.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compile } from '../../src/codegen/compile.js';
import { parse } from '../../src/ir/parser.js';
import { Interpreter, TrapError } from '../../src/ir/interpreter.js';

const SOURCE = `
import %scale(i64, f64) -> i32
import %seen(ptr, i8, i16)
import %next() -> i64

; sum over i < n of scale(i, 0.5) + next(), reporting each i to seen(&i-ish, i, -i).
function %run(i64) -> i64 {
block0(v0: i64):
    v1 = iconst.i64 0
    jump block1(v1, v1)

block1(v2: i64, v3: i64):
    v4 = icmp slt v2, v0
    brif v4, block2, block3

block2:
    v5 = fconst.f64 0.5
    v6 = call %scale(v2, v5)
    v7 = sext.i64 v6
    v8 = call %next()
    v9 = iadd v7, v8
    v10 = iadd v3, v9
    v11 = iconst.i64 4096
    v18 = iadd v11, v2
    v12 = bitcast.ptr v18
    v13 = trunc.i8 v2
    v14 = ineg v2
    v15 = trunc.i16 v14
    call %seen(v12, v13, v15)
    v16 = iconst.i64 1
    v17 = iadd v2, v16
    jump block1(v17, v10)

block3:
    return v3
}

; 100 / scale(x, 1.0): traps when scale returns 0.
function %divide(i64) -> i64 {
block0(v0: i64):
    v1 = fconst.f64 1.0
    v2 = call %scale(v0, v1)
    v3 = sext.i64 v2
    v4 = iconst.i64 100
    v5 = sdiv v4, v3
    return v5
}
`;

function jsImports(log: unknown[]) {
  let counter = 0n;
  return {
    scale: (i: bigint, k: number) => Number(i) * 10 * k,
    seen: (p: bigint, a: number, b: number) => { log.push([p, a, b]); },
    next: () => ++counter,
  };
}

test('JS functions as imports: called from compiled code with the IR types, results back', () => {
  const m = parse(SOURCE);
  const log: unknown[] = [];
  const c = compile(m, { imports: jsImports(log) });
  // sum of 5*i + (i+1) for i < 200 with 200 > 127: i8 and i16 wrap as the IR reduces them.
  assert.equal(c.get('run')(200n), 5n * 19900n + 20100n);
  assert.equal(log.length, 200);
  assert.deepEqual(log[3], [4099n, 3, -3]);
  assert.deepEqual(log[130], [4096n + 130n, 130 - 256, -130]);
  const ilog: unknown[] = [];
  const imports = jsImports(ilog);
  const interp = new Interpreter(m, { imports: { scale: ([i, k]) => imports.scale(i as bigint, k as number), next: () => imports.next(), seen: () => undefined } });
  assert.equal(interp.call('run', [200n]), 5n * 19900n + 20100n);
  c.free();
});

test('an exception in a JS import is rethrown by the compiled function; its trap is moot', () => {
  const boom = new Error('boom');
  let calls = 0;
  const c = compile(parse(SOURCE), { imports: { scale: () => { calls++; throw boom; }, seen: () => undefined, next: () => 0n } });
  // scale returns 0 meanwhile, so 100 / 0 traps: the JS exception wins, and the trap is cleared.
  assert.throws(() => c.get('divide')(1n), (e) => e === boom);
  assert.throws(() => c.get('run')(3n), (e) => e === boom);
  assert.equal(calls, 2, 'after the throw, later calls of the import in the same call return 0 without running');
  c.free();
  const ok = compile(parse(SOURCE), { imports: { scale: (i: bigint) => Number(i), seen: () => undefined, next: () => 0n } });
  assert.equal(ok.get('divide')(4n), 25n);
  assert.throws(() => ok.get('divide')(0n), TrapError);
  ok.free();
});

test('JS imports are checked: unknown names, non-functions, results of the wrong type', () => {
  const m = parse(SOURCE);
  assert.throws(() => compile(m, { imports: { nope: () => 0 } }), { message: 'compile: imports.nope: the module has no import %nope' });
  assert.throws(() => compile(m, { imports: { next: 5 as never } }), { name: 'TypeError', message: 'compile: imports.next must be a function, got number' });
  assert.throws(() => compile(m, { imports: null as never }), /imports must be an object/);
  const c = compile(m, { imports: { scale: () => 'x', seen: () => undefined, next: () => 0n } });
  assert.throws(() => c.get('divide')(1n), { name: 'TypeError', message: /callback import %scale: the result must be an i32/ });
  c.free();
  const v = parse('import %printf(ptr, ...) -> i32\nfunction %f() -> i32 {\nblock0:\n    v0 = iconst.i32 0\n    return v0\n}\n');
  assert.throws(() => compile(v, { imports: { printf: () => 0 } }), /cannot stand for the variadic import %printf/);
});
