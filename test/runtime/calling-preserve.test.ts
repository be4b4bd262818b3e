/**
 * Register preservation: a C harness (harness.c, inline asm) sets rbx rbp
 * r12-r15 to known patterns, calls a function pointer, and reports which of
 * them changed and whether rsp moved. Applied to jitted functions, to entry
 * thunks (wrap's emitter, called directly over a test buffer), and to
 * deliberately bad functions, which it must catch.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CodeMemory, NativeSignature, wrap } from '../../src/index.js';
import { Assembler, rbx, rbp, r12, r13, r14, r15, rcx, rsp, rax, rdi, rsi, type Reg } from '../../src/asm/x64/index.js';
import { abiLibrary } from './abi/lib.js';
import { emitFloatChecksum, emitIntChecksum, jit, returnArg, thunkOf } from './abi/jit.js';
import { emitEntryThunk } from '../../src/codegen/x64/entry-thunk.js';
import { planCall } from '../../src/codegen/x64/sysv.js';
import { TARGET_SLOT } from '../../src/runtime/marshal.js';
import { native } from '../../src/runtime/addon.js';
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

/**
 * Fills an argument buffer the way the marshaller does: slot 0 result, slot
 * 1+i argument i, the target's address (a double) in TARGET_SLOT.
 */
function argumentBuffer(args: readonly ArgType[], values: ReadonlyArray<number | bigint | boolean>, target: bigint): { buf: ArrayBuffer; i64: BigInt64Array; f64: Float64Array } {
  const buf = new ArrayBuffer(8 * (TARGET_SLOT + 2));
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
  f64[TARGET_SLOT] = Number(target);
  return { buf, i64, f64 };
}

test('entry thunks preserve callee-saved registers and rsp (register and stack arguments)', () => {
  // A thunk embeds nothing per function or per call (it reads the target from
  // the buffer it is given in rdi), so the thunk emitted here over a test
  // buffer is byte for byte the one wrap() places for the signature.
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
    const sig = new NativeSignature({ args, result: 'i64' });
    const fsig = new NativeSignature({ args, result: 'f64' });
    const isum = jit(memory, 'isum', (a) => emitIntChecksum(a, sig));
    const fsum = jit(memory, 'fsum', (a) => emitFloatChecksum(a, sig));
    const expectedInt = wrap(isum, sig)(...values) as bigint;
    for (const checkStackAlignment of [false, true]) {
      const thunk = (s: NativeSignature) => {
        const a = new Assembler();
        emitEntryThunk(a, s, planCall(s), { checkStackAlignment });
        return memory.place(a.finish().bytes, { name: 'thunk' });
      };
      const ints = argumentBuffer(args, values, isum.address);
      assert.equal(checkThunk(thunk(sig).address, bufferAddress(ints.buf), 0n, 0n), 0, `thunk for (${args.join(',')}) -> i64`);
      assert.equal(BigInt.asIntN(64, lastResult() as bigint), expectedInt, 'the thunk ran the target with the buffer\'s arguments');
      const floats = argumentBuffer(args, values, fsum.address);
      assert.equal(checkThunk(thunk(fsig).address, bufferAddress(floats.buf), 0n, 0n), 0, `thunk for (${args.join(',')}) -> f64`);
      // Same code as wrap's: wrap's thunk for the signature is byte-identical.
      const a = new Assembler();
      emitEntryThunk(a, sig, planCall(sig), { checkStackAlignment });
      const bytes = a.finish().bytes;
      const placed = thunkOf({ signature: sig }, checkStackAlignment).address;
      assert.deepEqual(native.read(placed, bytes.length), Buffer.from(bytes));
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
