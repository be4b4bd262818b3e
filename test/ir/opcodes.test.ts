/**
 * The opcode groups (src/ir/opcodes.ts): every `First*`/`Last*` range agrees with the opcode
 * table, so a new opcode placed outside its group (or a marker left behind) fails here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Format, OPCODES, OPCODE_COUNT, OperandClass, Opcode, isConvert, isFloatBinary, isFloatUnary, isIntBinary, isIntUnary, isLoad, isShift,
} from '../../src/ir/opcodes.js';

const all = Array.from({ length: OPCODE_COUNT }, (_, i) => i as Opcode);

test('opcodes: the range markers span the table', () => {
  assert.equal(Opcode.First, 0);
  assert.equal(OPCODE_COUNT, OPCODES.length);
  assert.equal(OPCODES[Opcode.Last]!.name, 'trap');
});

test('opcodes: each group is exactly the opcodes of its format and operand class', () => {
  const groups: [string, (op: Opcode) => boolean, (i: (typeof OPCODES)[number]) => boolean][] = [
    ['integer unary', isIntUnary, (i) => i.format === Format.Unary && i.operands === OperandClass.Int],
    ['integer binary', isIntBinary, (i) => i.format === Format.Binary && i.operands === OperandClass.Int],
    ['float unary', isFloatUnary, (i) => i.format === Format.Unary && i.operands === OperandClass.Float],
    ['float binary', isFloatBinary, (i) => i.format === Format.Binary && i.operands === OperandClass.Float],
    ['conversion', isConvert, (i) => i.format === Format.Convert],
    ['load', isLoad, (i) => i.format === Format.Load],
  ];
  for (const [name, inGroup, byTable] of groups) {
    const wrong = all.filter((op) => inGroup(op) !== byTable(OPCODES[op]!)).map((op) => OPCODES[op]!.name);
    assert.deepEqual(wrong, [], `${name} group and table disagree on`);
  }
});

test('opcodes: the shift group is the shifts and rotates, inside the integer binary group', () => {
  assert.deepEqual(all.filter(isShift).map((op) => OPCODES[op]!.name), ['ishl', 'ushr', 'sshr', 'rotl', 'rotr']);
  for (const op of all) if (isShift(op)) assert.ok(isIntBinary(op));
});
