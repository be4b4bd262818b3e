/**
 * Loop rotation by layout (src/codegen/x64/layout.ts): a loop's header is
 * placed after its latch, so each iteration ends in one conditional backward
 * branch and the loop body contains no unconditional jump.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { parse } from '../../src/ir/index.js';
import { compile } from '../../src/codegen/compile.js';

const SUM = `function %sum(i64) -> i64 {
block0(v0: i64):
    v1 = iconst.i64 0
    jump block1(v1, v1)

block1(v2: i64, v3: i64):
    v4 = icmp slt v2, v0
    brif v4, block2, block3

block2:
    v5 = iadd v3, v2
    v6 = iconst.i64 1
    v7 = iadd v2, v6
    jump block1(v7, v5)

block3:
    return v3
}
`;

/** Disassembly lines as [address, mnemonic text] of the function body. */
async function lines(text: string): Promise<{ addr: bigint; text: string }[]> {
  return text.split('\n').filter((l) => /^[0-9a-f]{16} /.test(l)).map((l) => ({ addr: BigInt(`0x${l.slice(0, 16)}`), text: l.slice(16).replace(/^\s+([0-9a-f]{2} )+\s*/, '') }));
}

for (const opt of [0, 2] as const) {
  test(`-O${opt}: a counting loop ends in one backward conditional branch`, async () => {
    const c = compile(parse(SUM), { opt });
    assert.equal(c.functions.sum!(10n), 45n);
    assert.equal(c.functions.sum!(0n), 0n);
    const ls = await lines(await c.disassemble('sum'));
    const target = (t: string): bigint => BigInt(`0x${/([0-9A-F]+)h$/.exec(t)![1]!}`);
    const back = ls.filter((l) => /^j[a-z]+ /.test(l.text) && target(l.text) < l.addr);
    assert.equal(back.length, 1, `one backward branch expected:\n${ls.map((l) => l.text).join('\n')}`);
    assert.match(back[0]!.text, /^j(l|ge|nge|nl) /, 'the backward branch is the loop test');
    // No unconditional jump inside the loop [back-edge target, back edge].
    const start = target(back[0]!.text), end = back[0]!.addr;
    const jumpsInside = ls.filter((l) => l.addr >= start && l.addr < end && /^jmp /.test(l.text));
    assert.deepEqual(jumpsInside.map((l) => l.text), []);
    c.free();
  });

  test(`-O${opt}: interruptible code has no polls: the same instructions as with interruptible: false`, async () => {
    const on = compile(parse(SUM), { opt }), off = compile(parse(SUM), { opt, interruptible: false });
    const text = async (c: typeof on): Promise<string[]> => (await lines(await c.disassemble('sum'))).map((l) => l.text.replace(/[0-9A-F]{6,}h/g, 'ADDR'));
    assert.deepEqual(await text(on), await text(off));
    assert.equal(on.functions.sum!(10n), 45n);
    off.free();
    on.free();
  });
}
