/**
 * Unit tests of the Func mutation primitives that the optimiser added:
 * insertInstBefore, setArgs, setDestArgs, removeDestArg, removeBlockParam,
 * removeBlock, insertBlockBefore, replaceValues.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Block, Func, Inst, Opcode, Type, Value, ValueKind, parse, printFunction, verifyFunction } from '../../src/ir/index.js';

function fn(text: string): Func {
  return parse(text).functions()[0]!;
}

const LOOP = `function %f(i32, i32) -> i32 {
block0(v0: i32, v1: i32):
    jump block1(v0, v1, v0)

block1(v2: i32, v3: i32, v4: i32):
    v5 = iadd v2, v3
    brif v5, block1(v5, v3, v4), block2

block2:
    return v4
}
`;

test('removeBlockParam + removeDestArg drop a parameter and renumber the rest', () => {
  const f = fn(LOOP);
  const b1 = 1 as Block;
  // Parameter 1 (v3) is passed v1 from block0 and v3 around the loop: replace it by v1.
  const ret = f.blockLast[b1]! as Inst;
  f.removeDestArg(f.dest(f.blockLast[0]! as Inst, 0), 1);
  f.removeDestArg(f.dest(ret, 0), 1);
  f.removeBlockParam(b1, 1);
  const map = new Int32Array(f.valueCount).fill(-1);
  map[3] = 1;
  f.replaceValues(map);
  assert.equal(f.valueKind[3], ValueKind.None);
  assert.equal(f.valueIndex[4], 1);
  assert.deepEqual(f.blockParams(b1), [2, 4]);
  assert.deepEqual(verifyFunction(f), []);
  assert.match(printFunction(f), /block1\(v2: i32, v4: i32\):\n    v5 = iadd v2, v1\n    brif v5, block1\(v5, v4\), block2/);
});

test('replaceValues follows chains and rejects cycles', () => {
  const f = fn(LOOP);
  const map = new Int32Array(f.valueCount).fill(-1);
  map[4] = 3; map[3] = 1;
  f.replaceValues(map);
  assert.match(printFunction(f), /return v1/);
  const g = fn(LOOP);
  const cyc = new Int32Array(g.valueCount).fill(-1);
  cyc[2] = 3; cyc[3] = 2;
  assert.throws(() => g.replaceValues(cyc), /cyclic/);
});

test('insertInstBefore, setArgs and setDestArgs', () => {
  const f = fn(LOOP);
  const add = f.blockFirst[1]! as Inst;
  const c = f.newInst(Opcode.IConst, Type.I32, []);
  f.setIconstValue(c, 7n);
  f.makeResults(c, [Type.I32]);
  f.insertInstBefore(c, add);
  assert.equal(f.blockFirst[1], c);
  assert.equal(f.instNext[c], add);
  f.setArgs(add, [f.result(c), f.result(c)]);
  f.instOpcode[add] = Opcode.IMul;
  const br = f.blockLast[1]! as Inst;
  f.setDestArgs(f.dest(br, 0), [f.result(add), 3 as Value, 4 as Value]);
  assert.deepEqual(verifyFunction(f), []);
  assert.match(printFunction(f), /v\d+ = iconst.i32 7\n    v5 = imul v(\d+), v\1\n    brif v5, block1\(v5, v3, v4\)/);
  f.setArgs(add, [2 as Value]);
  assert.equal(f.instArgCount[add], 1);
});

test('removeBlock and insertBlockBefore keep the layout list consistent', () => {
  const f = fn(LOOP);
  const nb = f.newBlock();
  f.insertBlockBefore(nb, 0 as Block);
  assert.deepEqual(f.blocks(), [nb, 0, 1, 2]);
  f.removeBlock(nb);
  f.removeBlock(2 as Block);
  assert.deepEqual(f.blocks(), [0, 1]);
  assert.equal(f.lastBlock, 1);
  f.insertBlockBefore(2 as Block, 1 as Block);
  assert.deepEqual(f.blocks(), [0, 2, 1]);
  assert.throws(() => f.insertBlockBefore(2 as Block, 1 as Block), /already in the layout/);
  assert.throws(() => f.removeBlockParam(2 as Block, 0), /no parameter 0/);
});
