// Runs an entry thunk made by wrap() behind a jitted trampoline that calls it
// with rsp aligned (8 bytes pushed) or misaligned (16 bytes pushed).
// argv: aligned|misaligned  check|nocheck. Prints the callee's result (42) if
// the call completes; with check + misaligned the thunk must die on ud2 (SIGILL).
import { CodeMemory, wrap } from '../../dist/src/index.js';
import { Assembler, eax, rax, rsp } from '../../dist/src/asm/x64/index.js';
import { thunkOf } from '../../dist/test/runtime/abi/jit.js';
import { argViews } from '../../dist/src/runtime/marshal.js';

const [alignment, mode] = process.argv.slice(2);
const memory = new CodeMemory();
const place = (emit) => {
  const a = new Assembler();
  emit(a);
  a.ret();
  return memory.place(a.finish().bytes);
};
const target = place((a) => a.mov(eax, 42)); // indifferent to stack alignment
const fn = wrap(target, { args: [], result: 'i32' }, { checkStackAlignment: mode === 'check' });
const thunk = thunkOf(fn);
// void trampoline(void): calls the thunk, which stores its result in this thread's argument buffer.
const pushed = alignment === 'aligned' ? 8 : 16;
const trampoline = place((a) => {
  a.sub(rsp, pushed);
  a.mov(rax, thunk.address);
  a.call(rax);
  a.add(rsp, pushed);
});
const viaTrampoline = wrap(trampoline, { args: [], result: 'void' });
process.stdout.write(`direct ${fn()}\n`); // the thunk works when called normally
viaTrampoline();
process.stdout.write(`trampoline ${argViews().i32[0]}\n`);
