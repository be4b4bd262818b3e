/**
 * Golden encodings: every form of the form table against bytes recorded from GNU as
 * 2.40 / objdump by scripts/gen-asm-golden.ts (fixtures in test/asm/x64/golden.json).
 *
 * Where two encodings are valid (add rax, rdi as 48 01 f8 or 48 03 c7; movq xmm, xmm
 * as F3 0F 7E or 66 0F D6; accumulator short forms), the form table is ordered so that
 * the first match is GNU's choice, which is never longer than the alternative; these
 * tests therefore require byte-identical output.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FORMS } from '../../../src/asm/x64/forms.js';
import { assembleSample, toHex, loadGolden, type GoldenEntry } from '../../../scripts/asm-samples.js';

const golden = loadGolden();

const byForm = new Map<string, GoldenEntry[]>();
for (const e of golden.entries) {
  let l = byForm.get(e.form);
  if (!l) byForm.set(e.form, (l = []));
  l.push(e);
}

test('every form of the table has golden samples', () => {
  const missing = FORMS.filter((f) => !byForm.has(f.row)).map((f) => f.row);
  assert.deepEqual(missing, []);
});

for (const [form, entries] of byForm) {
  test(`golden: ${form}`, () => {
    const mnemonic = form.split(/[ |]/)[0]!;
    for (const e of entries) {
      let hex: string;
      try { hex = toHex(assembleSample(mnemonic, e.ops)); } catch (err) { hex = `threw ${(err as Error).message}`; }
      assert.equal(hex, e.hex, `${e.text}  (GNU: ${e.objdump})`);
    }
  });
}
