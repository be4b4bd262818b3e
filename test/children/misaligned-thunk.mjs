// Runs an entry thunk made by wrap() behind a jitted trampoline that calls it
// with rsp aligned (8 bytes pushed: rdi) or misaligned (16 bytes pushed).
// argv: aligned|misaligned  check|nocheck. Prints the callee's result (42) if
// the call completes; with check + misaligned the thunk's ud2 (SIGILL) becomes
// TrapError('illegal'), printed as `trapped illegal`.
import { CodeMemory, wrap } from '../../dist/src/index.js';
import { Assembler, eax, rax, rdi, rsp, qword } from '../../dist/src/asm/x64/index.js';
import { thunkOf } from '../../dist/test/runtime/abi/jit.js';
import { argViews, TARGET_SLOT } from '../../dist/src/runtime/marshal.js';

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
const thunk = thunkOf(fn, mode === 'check');
// void trampoline(void *buffer): points the buffer's target slot at `target`
// (the thunk reads its target there), calls the thunk with rdi = buffer, and
// stores the result in slot 0.
const pushed = alignment === 'aligned' ? 0 : 8; // plus the 8 of `push rdi`
const targetBits = new BigInt64Array(new Float64Array([Number(target.address)]).buffer)[0];
const trampoline = place((a) => {
  if (pushed) a.sub(rsp, pushed);
  a.push(rdi);
  a.mov(rax, targetBits);
  a.mov(qword(rdi, undefined, 1, 8 * TARGET_SLOT), rax);
  a.mov(rax, thunk.address);
  a.call(rax);
  a.pop(rdi);
  a.mov(qword(rdi), rax);
  if (pushed) a.add(rsp, pushed);
});
const viaTrampoline = wrap(trampoline, { args: [], result: 'void' });
process.stdout.write(`direct ${fn()}\n`); // the thunk works when called normally
try {
  viaTrampoline();
  process.stdout.write(`trampoline ${argViews().i32[0]}\n`);
} catch (e) {
  process.stdout.write(`trapped ${e.trap}\n`);
}
