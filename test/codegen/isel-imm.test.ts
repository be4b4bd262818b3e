/**
 * Instruction selection of immediate operands: an iconst second operand of
 * iadd/isub/band/bor/bxor/imul/icmp becomes an immediate when it fits, and a
 * constant shift/rotate amount becomes `shl r, imm8` (masked to the width)
 * instead of going through cl.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { parse } from '../../src/ir/index.js';
import { compile } from '../../src/codegen/compile.js';

/** The instruction lines of the disassembly (after the prologue). */
function body(text: string): string {
  return text.slice(text.indexOf('; block0:'), text.indexOf('; (trap stubs)'));
}

test('iadd v0, 7 and ishl v0, 3 use immediates, not a register or cl', async () => {
  const c = compile(parse(`function %f(i64) -> i64 {
block0(v0: i64):
    v1 = iconst.i64 7
    v2 = iadd v0, v1
    v3 = iconst.i64 3
    v4 = ishl v2, v3
    return v4
}
`));
  const text = body(await c.disassemble('f'));
  assert.match(text, /\blea r[a-z0-9]+, \[r[a-z0-9]+\+7\]\n/); // three-operand add
  assert.match(text, /\bshl r[a-z0-9]+, 3\n/);
  assert.doesNotMatch(text, /\bcl\b/);
  assert.doesNotMatch(text, /\bmov [a-z0-9]+, [37]\n/); // the constants are not materialised
  assert.match(c.machineCode('f'), /lea\.0\.8 =%\d+, %\d+, \*1, #7/);
  assert.equal(c.functions.f!(5n), 96n);
  c.free();
});

test('constants that do not fit stay in registers; narrow shifts mask the amount; cmp/imul take immediates', async () => {
  const c = compile(parse(`function %big(i64) -> i64 {
block0(v0: i64):
    v1 = iconst.i64 0x100000000
    v2 = iadd v0, v1
    return v2
}

function %narrow(i8) -> i8 {
block0(v0: i8):
    v1 = iconst.i8 9
    v2 = ishl v0, v1
    v3 = iconst.i8 11
    v4 = rotr v2, v3
    return v4
}

function %cmpmul(i32) -> i32 {
block0(v0: i32):
    v1 = iconst.i32 -5
    v2 = imul v0, v1
    v3 = iconst.i32 100
    v4 = icmp sgt v2, v3
    v5 = zext.i32 v4
    return v5
}
`));
  const big = body(await c.disassemble('big'));
  assert.doesNotMatch(big, /\badd r[a-z0-9]+, 100000000h/);
  assert.equal(c.functions.big!(1n), 0x100000001n);
  const narrow = body(await c.disassemble('narrow'));
  assert.match(narrow, /\bshl [a-z0-9]+, 1\n/);
  assert.match(narrow, /\bror [a-z0-9]+, 3\n/);
  assert.doesNotMatch(narrow, /\bcl\b/);
  // (0x53 << 1) & 0xff = 0xa6, rotr 3 (8-bit) = 0xd4 -> -44 as i8
  assert.equal(c.functions.narrow!(0x53), -44);
  const cm = body(await c.disassemble('cmpmul'));
  assert.match(cm, /\bimul [a-z0-9]+, (?:[a-z0-9]+, )?0FFFFFFFBh\n/);
  assert.match(cm, /\bcmp [a-z0-9]+, 64h/);
  assert.equal(c.functions.cmpmul!(-21), 1);
  assert.equal(c.functions.cmpmul!(-20), 0);
  c.free();
});
