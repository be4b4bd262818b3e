/**
 * Register preservation: a C harness (harness.c, inline asm) sets rbx rbp
 * r12-r15 to known patterns, calls a function pointer, and reports which of
 * them changed and whether rsp moved. Applied to jitted functions, to entry
 * thunks (wrap's emitter, called directly over a test buffer), and to
 * deliberately bad functions, which it must catch.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CodeMemory, Signature, wrap } from '../../src/index.js';
import { Assembler, rbx, rbp, r12, r13, r14, r15, rcx, rsp, rax, rdi, rsi, type Reg } from '../../src/asm/x64/index.js';
import { abiLibrary } from './abi/lib.js';
import { emitFloatChecksum, emitIntChecksum, jit, returnArg, thunkOf } from './abi/jit.js';
import { emitEntryThunk } from '../../src/runtime/entry-thunk.js';
import { planCall } from '../../src/runtime/sysv-abi.js';
import { randomValue, Rng, type ArgType } from './abi/gen.js';

const lib = abiLibrary();
const memory = new CodeMemory();
const check = lib.func('jk_check_preserved', { args: ['ptr', 'u64', 'u64', 'u64'], result: 'i32' }, { checkStackAlignment: true });
const checkThunk = lib.func('jk_check_preserved', { args: ['u64', 'u64', 'u64', 'u64'], result: 'i32' }, { checkStackAlignment: true });
const lastResult = lib.func('jk_preserved_result', { args: [], result: 'u64' });
const CALLEE_SAVED: Reg[] = [rbx, rbp, r12, r13, r14, r15];
const RSP_MOVED = 1 << 6;

test('a jitted function using every callee-saved register (saved and restored) passes; so do plain ones', () => {
  // f(x, y) = x + y + 6 * 0x1111, computed through rbx rbp r12-r15.
  const f = jit(memory, 'uses_callee_saved', (a) => {
    for (const r of CALLEE_SAVED) a.push(r);
    a.mov(rbx, rdi);
    a.mov(rbp, rsi);
    a.mov(rax, rbx);
    a.add(rax, rbp);
    for (const r of CALLEE_SAVED) {
      a.mov(r, 0x1111);
      a.add(rax, r);
    }
    for (const r of [...CALLEE_SAVED].reverse()) a.pop(r);
  });
  assert.equal(check(f.address, 5n, 7n, 0n), 0);
  assert.equal(lastResult(), 12n + 6n * 0x1111n);
  const id = returnArg(memory, ['i64', 'i64'], 1);
  assert.equal(check(id.address, 5n, 7n, 0n), 0);
  assert.equal(lastResult(), 7n, 'the harness passes its arguments through');
});

test('the harness catches a callee that clobbers rbx (and each other callee-saved register), or moves rsp', () => {
  CALLEE_SAVED.forEach((r, i) => {
    const bad = jit(memory, `clobbers_${r.name}`, (a) => {
      a.mov(r, 0);
    });
    assert.equal(check(bad.address, 0n, 0n, 0n), 1 << i, `clobbering ${r.name} must be reported`);
  });
  // Returns 8 bytes below where a ret would leave rsp: pop the return address, then jump to it.
  const movesRsp = jit(memory, 'moves_rsp', (a) => {
    a.pop(rcx);
    a.sub(rsp, 16);
    a.jmp(rcx);
  });
  assert.equal(check(movesRsp.address, 0n, 0n, 0n), RSP_MOVED);
});

/** Fills an argument buffer the way the marshaller does: slot 0 result, slot 1+i argument i. */
function argumentBuffer(args: readonly ArgType[], values: ReadonlyArray<number | bigint | boolean>): { buf: ArrayBuffer; i64: BigInt64Array; f64: Float64Array } {
  const buf = new ArrayBuffer(8 * (1 + args.length));
  const i64 = new BigInt64Array(buf);
  const f64 = new Float64Array(buf);
  const f32 = new Float32Array(buf);
  const i32 = new Int32Array(buf);
  args.forEach((t, i) => {
    const v = values[i]!;
    if (t === 'f64') f64[1 + i] = v as number;
    else if (t === 'f32') f32[2 * (1 + i)] = v as number;
    else if (t === 'bool') i32[2 * (1 + i)] = v ? 1 : 0;
    else if (t === 'i64' || t === 'u64' || t === 'ptr') i64[1 + i] = BigInt.asIntN(64, v as bigint);
    else i32[2 * (1 + i)] = v as number;
  });
  return { buf, i64, f64 };
}

test('entry thunks preserve callee-saved registers and rsp (register and stack arguments)', () => {
  // wrap's thunks use the thread's argument buffer, which the harness call
  // itself uses; so these thunks come from the same emitter with the buffer
  // embedded being one of the test's own.
  const r = new Rng(77);
  const shapes: ArgType[][] = [
    [],
    ['i64'],
    ['i32', 'f64', 'u8'],
    Array(7).fill('i64'), // one stack slot (odd: padding)
    Array(8).fill('i64'), // two
    [...Array(9).fill('i16'), ...Array(11).fill('f32')], // 3 + 3 stack slots
    Array.from({ length: 30 }, (_, i) => (['i8', 'f64', 'u64', 'f32', 'bool', 'ptr'] as const)[i % 6]!),
  ];
  for (const args of shapes) {
    const values = args.map((t) => randomValue(r, t, true));
    const sig = new Signature({ args, result: 'i64' });
    const fsig = new Signature({ args, result: 'f64' });
    const isum = jit(memory, 'isum', (a) => emitIntChecksum(a, sig));
    const fsum = jit(memory, 'fsum', (a) => emitFloatChecksum(a, sig));
    const expectedInt = wrap(isum, sig)(...values) as bigint;
    const expectedFloat = wrap(fsum, fsig)(...values) as number;
    for (const checkStackAlignment of [false, true]) {
      const { buf, i64, f64 } = argumentBuffer(args, values);
      const address = bufferAddress(buf);
      const thunk = (target: bigint, s: Signature) => {
        const a = new Assembler();
        emitEntryThunk(a, s, planCall(s), target, { checkStackAlignment, argBuffer: address });
        return memory.place(a.finish().bytes, { name: 'thunk' });
      };
      assert.equal(checkThunk(thunk(isum.address, sig).address, 0n, 0n, 0n), 0, `thunk for (${args.join(',')}) -> i64`);
      assert.equal(i64[0], expectedInt, 'the thunk stored the result in slot 0');
      assert.equal(checkThunk(thunk(fsum.address, fsig).address, 0n, 0n, 0n), 0, `thunk for (${args.join(',')}) -> f64`);
      assert.ok(Object.is(f64[0], expectedFloat));
      // The variant without an embedded buffer takes it in rdi.
      const a = new Assembler();
      emitEntryThunk(a, sig, planCall(sig), isum.address, { checkStackAlignment });
      i64[0] = 0n;
      assert.equal(checkThunk(memory.place(a.finish().bytes).address, address, 0n, 0n), 0);
      assert.equal(i64[0], expectedInt);
    }
    isum.free();
    fsum.free();
  }
});

const identity = wrap(returnArg(memory, ['ptr'], 0), { args: ['ptr'], result: 'ptr' });
/** The data address of an ArrayBuffer, as the calling layer passes it. */
function bufferAddress(b: ArrayBuffer): bigint {
  return identity(b) as bigint;
}

test('the thunk wrap made, run under the harness over the thread\'s own argument buffer', () => {
  // The harness call writes its own arguments (thunk, a0, a1, a2) into slots
  // 1..4 of the buffer the wrapped thunk reads, so the signature starts with
  // four i64 and the remaining slots are filled here beforehand.
  const args: ArgType[] = ['i64', 'i64', 'i64', 'i64', 'i8', 'f64', 'u16', 'i32', 'f32', 'i64', 'u8', 'ptr', 'i16', 'bool', 'u32'];
  const sig = new Signature({ args, result: 'i64' });
  const isum = jit(memory, 'isum', (a) => emitIntChecksum(a, sig));
  const tail: Array<number | bigint | boolean> = [-7, 2.5, 65535, -123456, 1.25, -(2n ** 62n), 200, 0x123456789n, -300, true, 4000000000];
  for (const checkStackAlignment of [false, true]) {
    const wrapped = wrap(isum, sig, { checkStackAlignment });
    const thunk = thunkOf(wrapped).address;
    const values = [thunk, 11n, 22n, 33n, ...tail];
    const expected = wrapped(...values) as bigint; // also leaves every slot filled as marshalled
    assert.equal(check(thunk, 11n, 22n, 33n), 0);
    assert.equal(BigInt.asIntN(64, lastResult() as bigint), expected);
    // Oracle for the checksum: sum of (k+1) * value over integer-class arguments.
    const oracle = values.reduce<bigint>((s, v, k) => (args[k] === 'f32' || args[k] === 'f64' ? s : s + BigInt(k + 1) * (v === true ? 1n : BigInt(v as number | bigint))), 0n);
    assert.equal(expected, BigInt.asIntN(64, oracle));
  }
});
