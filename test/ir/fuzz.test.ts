/**
 * Randomised round-trip check: builds random functions through the builder
 * (skipping ill-typed picks, which must throw), then requires that they verify,
 * print -> parse -> print identically, and run in the interpreter to a result
 * or a TrapError (never another exception). Deterministic seed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Builder, Interpreter, Module, TrapError, Type, Value, parse, printModule, verifyModule } from '../../src/ir/index.js';
import { randomInstructions, rng, TYPES } from '../helpers/random-ir.js';


function randomFunction(m: Module, name: string, r: () => number): void {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const params = [pick(TYPES), pick(TYPES), pick(TYPES)];
  const ret = pick(TYPES);
  const f = m.function(name, params, [ret]);
  const b: Builder = f.builder();
  const vals: Value[] = [...b.params];
  const ofType = (t: Type): Value[] => vals.filter((v) => f.typeOf(v) === t);
  randomInstructions(b, vals, r, 25, (e) => {
    assert.ok(e instanceof Error && !(e instanceof TypeError) && !(e instanceof RangeError), String(e));
  });
  let out = ofType(ret);
  if (out.length === 0) out = [ret === Type.F32 || ret === Type.F64 ? b.fconst(ret, 0) : b.iconst(ret, 0)];
  b.return(pick(out));
  b.finish();
}

test('random functions verify, round-trip through text and interpret', () => {
  const r = rng(12345);
  let insts = 0;
  for (let round = 0; round < 60; round++) {
    const m = new Module();
    randomFunction(m, 'f', r);
    assert.deepEqual(verifyModule(m), []);
    const text = printModule(m);
    const again = parse(text);
    assert.equal(printModule(again), text);
    assert.deepEqual(verifyModule(again), []);
    const f = m.getFunction('f');
    insts += f.instCount;
    const args = f.params.map((t) => (t === Type.I64 ? BigInt(Math.floor(r() * 200) - 100) : t === Type.F32 || t === Type.F64 ? r() * 10 - 5 : Math.floor(r() * 200) - 100));
    let a: unknown, c: unknown;
    try { a = new Interpreter(m).call('f', args); } catch (e) { assert.ok(e instanceof TrapError, `${String(e)}\n${text}`); a = (e as TrapError).trap; }
    try { c = new Interpreter(again).call('f', args); } catch (e) { assert.ok(e instanceof TrapError, String(e)); c = (e as TrapError).trap; }
    assert.ok(Object.is(a, c) || a === c || (Number.isNaN(a) && Number.isNaN(c)), `${String(a)} vs ${String(c)}\n${text}`);
  }
  // Most random picks are well typed enough to build: the test must exercise real code.
  assert.ok(insts > 60 * 8, `only ${insts} instructions built`);
});
