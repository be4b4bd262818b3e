/**
 * Faults in jitted code become TrapErrors and the process goes on
 * (native/faults.c, src/runtime/safety.ts): hand-written code that loads from a
 * bad address, calls a wild pointer, divides by zero, runs ud2 or int3, or jumps
 * into freed code; compiled IR that does the same through pointers; and what
 * must not change: a WebAssembly out-of-bounds trap in the same process still
 * reaches V8's handler, and faults outside jitkit's code (C code, the addon)
 * keep their default behaviour (checked in child processes).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { Assembler, rax, rcx, rdx, rdi, qword } from '../../src/asm/x64/index.js';
import { CodeMemory, compile, wrap, ir } from '../../src/index.js';
import { TrapCode } from '../../src/ir/opcodes.js';
import { TrapError } from '../../src/ir/trap-error.js';
import { native, packageRoot } from '../../src/runtime/addon.js';
import { currentThread } from '../../src/runtime/safety.js';
import { WA } from '../../bench/wasm.js';
import { faultsModule, trapOf } from '../helpers/faults.js';

const memory = new CodeMemory();

function place(emit: (a: Assembler) => void, result: 'i64' | 'void' = 'i64', args: ('i64' | 'ptr')[] = []) {
  const a = new Assembler();
  emit(a);
  const handle = memory.place(a.finish().bytes);
  return { handle, fn: wrap(handle, { args, result }) };
}


test('the addon reports the IR trap codes', () => {
  const k = native.constants;
  assert.deepEqual(
    [k.TRAP_INT_DIVZ, k.TRAP_INT_OVF, k.TRAP_HEAP_OOB, k.TRAP_STK_OVF, k.TRAP_ILLEGAL, k.TRAP_BREAKPOINT, k.TRAP_INTERRUPTED],
    [TrapCode.IntDivz, TrapCode.IntOvf, TrapCode.HeapOob, TrapCode.StackOverflow, TrapCode.Illegal, TrapCode.Breakpoint, TrapCode.Interrupted]);
});

test('hand-written code: a bad load, a bad store, a wild call, idiv by zero, ud2 and int3 each throw their TrapError', () => {
  const load = place((a) => { a.mov(rax, qword(rdi)); a.ret(); }, 'i64', ['i64']);
  const store = place((a) => { a.mov(qword(rdi), rdi); a.ret(); }, 'void', ['i64']);
  const call = place((a) => { a.call(rdi); a.ret(); }, 'void', ['i64']);
  const divide = place((a) => { a.mov(rax, 7); a.xor(rdx, rdx); a.xor(rcx, rcx); a.idiv(rcx); a.ret(); });
  const ud2 = place((a) => { a.ud2(); });
  const int3 = place((a) => { a.int3(); a.ret(); });
  for (let round = 0; round < 3; round++) {
    const l = trapOf(() => load.fn(0x10));
    assert.equal(l.trap, 'heap_oob');
    assert.equal(l.address, 0x10n);
    assert.equal(l.signal, 'SIGSEGV');
    assert.equal(l.pc, load.handle.address);
    assert.match(l.message, /^trap heap_oob: memory access out of bounds \(SIGSEGV, at address 0x10, pc 0x[0-9a-f]+\) in jitted code$/);
    const s = trapOf(() => store.fn(0xdead0000));
    assert.equal(s.trap, 'heap_oob');
    assert.equal(s.address, 0xdead0000n);
    const c = trapOf(() => call.fn(0x7777000));
    assert.equal(c.trap, 'heap_oob', 'a call to an unmapped address');
    assert.equal(c.address, 0x7777000n);
    assert.equal(trapOf(() => divide.fn()).trap, 'int_divz');
    assert.equal(trapOf(() => divide.fn()).signal, 'SIGFPE');
    assert.equal(trapOf(() => ud2.fn()).trap, 'illegal');
    const b = trapOf(() => int3.fn());
    assert.equal(b.trap, 'breakpoint');
    assert.equal(b.pc, int3.handle.address, 'the pc of the int3 itself');
    assert.equal(b.address, undefined);
  }
  // The same code works with good inputs afterwards.
  const cell = new BigInt64Array([42n]);
  assert.equal(load.fn(Number(native.addressOf(cell))), 42n);
});

test('a stale pointer into freed code traps breakpoint (the int3 fill)', () => {
  const { handle } = place((a) => { a.mov(rax, 5); a.ret(); });
  const at = handle.address;
  const keep = memory.place(new Uint8Array([0xc3])); // keeps the region mapped
  handle.free();
  const stale = wrap(at, { args: [], result: 'i64' });
  assert.equal(trapOf(() => stale()).trap, 'breakpoint');
  keep.free();
});

test('compiled IR: loads and stores through bad pointers and a call_indirect to a wild address throw heap_oob; the module keeps working', () => {
  const m = faultsModule();
  const c = compile(m);
  for (let round = 0; round < 3; round++) {
    const l = trapOf(() => c.get('load')(0n));
    assert.equal(l.trap, 'heap_oob');
    assert.equal(l.address, 8n);
    assert.match(l.message, /in compiled code called as %load$/);
    assert.equal(trapOf(() => c.get('store')(0x50000n, 1n)).address, 0x50000n);
    const j = trapOf(() => c.get('jump')(0x66660000n));
    assert.equal(j.trap, 'heap_oob', 'reading the header of the wild target');
    assert.equal(c.get('load')(new BigInt64Array([0n, -3n])), -3n);
  }
  c.free();
});

test('WebAssembly keeps its own trap handling: an out-of-bounds load is a RuntimeError', () => {
  // (module (memory 1) (func (export "f") (param i32) (result i32) (i32.load (local.get 0))))
  const bytes = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 6, 1, 96, 1, 127, 1, 127, 3, 2, 1, 0, 5, 3, 1, 0, 1,
    7, 5, 1, 1, 102, 0, 0, 10, 9, 1, 7, 0, 32, 0, 40, 2, 0, 11]);
  const wasm = new WA.Instance(new WA.Module(bytes)).exports as unknown as { f(x: number): number };
  assert.throws(() => place((a) => a.ud2()).fn(), TrapError); // jitkit's handler is installed
  assert.throws(() => wasm.f(1 << 20), (e: Error) => e.constructor.name === 'RuntimeError' && /memory access out of bounds/.test(e.message));
  assert.equal(wasm.f(0), 0);
});

function child(script: string) {
  const r = spawnSync('/bin/sh', ['-c', 'ulimit -c 0; exec "$0" "$@"', process.execPath, '--input-type=module', '-e', script],
    { encoding: 'utf8', timeout: 60_000, cwd: packageRoot });
  return r;
}

test('faults outside jitkit code keep their default behaviour: C called from jitted code, and the addon itself', () => {
  const inC = child(`
    import { compile, ir } from './dist/src/index.js';
    const c = compile(ir.parse('import %strlen(ptr) -> i64\\n\\nfunction %f(ptr) -> i64 {\\nblock0(v0: ptr):\\n    v1 = call %strlen(v0)\\n    return v1\\n}\\n'));
    console.log(c.get('f')(Buffer.from('abc\\0')));
    c.get('f')(16n);
    console.log('survived');`);
  assert.equal(inC.signal, 'SIGSEGV', `status ${inC.status}, stderr ${inC.stderr}`);
  assert.equal(inC.stdout, '3n\n');
  const inAddon = child(`
    import { native } from './dist/src/runtime/addon.js';
    import './dist/src/runtime/safety.js';
    native.read(16n, 8);
    console.log('survived');`);
  assert.equal(inAddon.signal, 'SIGSEGV', `status ${inAddon.status}, stderr ${inAddon.stderr}`);
});

test('each thread knows its real stack: bounds around the current frame, the floor a margin above the bottom', () => {
  const t = currentThread();
  const here = native.addressOf(new Uint8Array(1)); // heap, not stack: only the bounds' shape is checked
  assert.ok(t.stackLow < t.stackHigh);
  assert.equal(t.stackFloor, t.stackLow + BigInt(native.constants.STACK_MARGIN));
  assert.ok(here > 0n);
  assert.equal(t.isMain, true);
  assert.ok(t.id > 0);
});

test('dispose() unregisters the regions: code placed later at the same addresses is still caught', () => {
  const m = new CodeMemory();
  const f = m.place(new Uint8Array([0x0f, 0x0b]));
  const fn = wrap(f, { args: [], result: 'void' });
  assert.equal(trapOf(() => fn()).trap, 'illegal');
  m.dispose();
  for (let k = 0; k < 3; k++) assert.equal(trapOf(() => place((a) => a.ud2()).fn()).trap, 'illegal');
  assert.ok(path.isAbsolute(packageRoot));
});
