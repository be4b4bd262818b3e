/**
 * Assembler fuzzing: random legal operands for random forms agree with iced-x86;
 * illegal combinations throw Errors with checked messages (never an internal engine
 * error); malformed operands (a 5th operand, null, look-alike objects) name the instruction.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadIced } from '../../src/debug/disasm.js';
import { asmFuzz } from '../../src/fuzz/asm-fuzz.js';
import { Assembler, gp64, ymmRegs } from '../../src/asm/x64/index.js';

test('asm fuzz: 20000 random encodings agree with iced-x86, illegal ones throw', async () => {
  const s = asmFuzz(await loadIced(), 7, 20000);
  assert.equal(s.legal, 20000);
  assert.ok(s.illegal >= 5000);
  assert.ok(s.forms.size > 1000, `${s.forms.size} forms`);
  assert.deepEqual(s.failures.slice(0, 10), []);
});

test('asm fuzz can fail: a corrupted encoding is reported', async () => {
  const iced = await loadIced();
  const proto = Assembler.prototype as unknown as { finish: () => { bytes: Uint8Array } };
  const finish = proto.finish;
  proto.finish = function (this: Assembler) {
    const r = finish.call(this);
    if (r.bytes.length > 2) r.bytes[r.bytes.length - 1] ^= 0x01;
    return r;
  };
  try {
    assert.ok(asmFuzz(iced, 7, 500).failures.length > 50);
  } finally {
    proto.finish = finish;
  }
});

test('asm: a 5th operand is rejected', () => {
  assert.throws(() => (new Assembler() as unknown as Record<string, (...a: unknown[]) => unknown>).vshufps!(ymmRegs[0], ymmRegs[1], ymmRegs[2], 1, gp64[3]),
    /^Error: vshufps: at most 4 operands, got a 5th \(rbx\)$/);
});

test('asm: a forged operand object is rejected', () => {
  assert.throws(() => new Assembler().emitNamed('cmovnp', { mask: 8 } as never, gp64[0]!),
    /^Error: cmovnp: operand object is not a register, memory operand, label or immediate$/);
});

test('asm: null operands get a checked message', () => {
  assert.throws(() => new Assembler().emitNamed('add', gp64[0]!, null as never),
    /^Error: add: operand null is not a register, memory operand, label or immediate$/);
});
