/**
 * The x86-64 callback thunk: a C function of signature `sig` that C code calls (a callback
 * made by runtime/callback.ts). It stores its arguments into a frame on its own stack, in
 * the argument buffer's slot layout (`sig.slots`; slot 0 for the result), calls the
 * addon's dispatcher `dispatch(record, frame)` (native/ffi.c), which runs the JS function
 * and leaves the result in the frame, and returns that result the System V way.
 *
 *     push rbp ; mov rbp, rsp ; push rbx ; sub rsp, F     ; rsp 16-aligned at the call below
 *     mov rbx, rdi                                         ; record results in memory: the hidden pointer
 *     mov [rsp + 8*slot], rsi / movsd [rsp + 8*slot], xmm0 ...   register arguments
 *     mov rax, [rbp + 16 + 8*k] ; mov [rsp + 8*slot], rax  ...   stack arguments
 *     mov rdi, RECORD ; mov rsi, rsp ; mov rax, DISPATCH ; call rax
 *     mov rax, [rsp] / movsd xmm0, [rsp]                   scalar result
 *     mov rax, [rsp + 8] ; movsd xmm0, [rsp + 16] ...       record result in registers
 *     copy [rsp + 8 ..] to [rbx], mov rax, rbx             record result in memory
 *     mov rbx, [rbp - 8] ; leave ; ret
 *
 * Records in registers are stored as whole eightbytes (the frame is the thunk's own), and
 * a record result in memory is copied byte-exactly (qwords, then the tail), because the
 * caller's object may end at its size.
 */
import { Assembler, byte, dword, qword, word, gp64, xmmRegs, rax, rbp, rbx, rdi, rsi, rsp, eax, ax, al } from '../../asm/x64/index.js';
import { isAbiRecord, type NativeSignature } from '../../runtime/signature.js';
import { ArgClass, EightbyteClass, SYSV, type CallPlan } from './sysv.js';

/** Emits the callback thunk for `sig` calling `dispatch(record, frame)` with a frame of `frameSlots` slots. */
export function emitCallbackThunk(a: Assembler, sig: NativeSignature, plan: CallPlan, record: bigint, dispatch: bigint, frameSlots: number): void {
  // rsp = 8 (mod 16) at entry; after push rbp and push rbx it is 8 again: F = 8 (mod 16).
  const frameBytes = Math.ceil(frameSlots / 2) * 16 + 8;
  a.push(rbp);
  a.mov(rbp, rsp);
  a.push(rbx);
  a.sub(rsp, frameBytes);
  if (plan.resultInMemory) a.mov(rbx, rdi);
  const slotAt = (slot: number) => qword(rsp, undefined, 1, 8 * slot);
  const stackArg = (k: number) => qword(rbp, undefined, 1, 16 + 8 * k);
  plan.args.forEach((loc, i) => {
    const slot = sig.slots[i]!;
    switch (loc.cls) {
      case ArgClass.IntReg:
        a.mov(slotAt(slot), gp64[SYSV.intArgs[loc.index]!]!);
        break;
      case ArgClass.VecReg:
        a.movsd(slotAt(slot), xmmRegs[loc.index]!);
        break;
      case ArgClass.Stack:
        a.mov(rax, stackArg(loc.index));
        a.mov(slotAt(slot), rax);
        break;
      case ArgClass.RecordRegs:
        loc.classes.forEach((c, j) => {
          if (c === EightbyteClass.Integer) a.mov(slotAt(slot + j), gp64[SYSV.intArgs[loc.regs[j]!]!]!);
          else if (c === EightbyteClass.Sse) a.movsd(slotAt(slot + j), xmmRegs[loc.regs[j]!]!);
        });
        break;
      case ArgClass.RecordStack: {
        const n = Math.ceil((loc.type as { size: number }).size / 8);
        for (let j = 0; j < n; j++) {
          a.mov(rax, stackArg(loc.index + j));
          a.mov(slotAt(slot + j), rax);
        }
        break;
      }
    }
  });
  a.mov(rdi, record);
  a.mov(rsi, rsp);
  a.mov(rax, dispatch);
  a.call(rax);
  const result = sig.abiResult;
  if (isAbiRecord(result)) {
    if (plan.resultInMemory) {
      copyBytes(a, result.size);
      a.mov(rax, rbx);
    } else {
      let ints = 0, vecs = 0;
      plan.resultClasses.forEach((c, j) => {
        if (c === EightbyteClass.Integer) a.mov(gp64[SYSV.intResults[ints++]!]!, slotAt(1 + j));
        else if (c === EightbyteClass.Sse) a.movsd(xmmRegs[vecs++]!, slotAt(1 + j));
      });
    }
  } else if (result === 'f64') {
    a.movsd(xmmRegs[0]!, slotAt(0));
  } else if (result === 'f32') {
    a.movss(xmmRegs[0]!, dword(rsp, undefined, 1, 0));
  } else if (result !== 'void') {
    a.mov(rax, slotAt(0));
  }
  a.mov(rbx, qword(rbp, undefined, 1, -8));
  a.leave();
  a.ret();
}

/** Copies `size` bytes from frame slot 1 on ([rsp + 8]) to [rbx], never writing past `size`. */
function copyBytes(a: Assembler, size: number): void {
  let at = 0;
  const src = (w: (b: typeof rsp, i: undefined, s: 1, d: number) => ReturnType<typeof qword>) => w(rsp, undefined, 1, 8 + at);
  const dst = (w: (b: typeof rsp, i: undefined, s: 1, d: number) => ReturnType<typeof qword>) => w(rbx, undefined, 1, at);
  for (; at + 8 <= size; at += 8) {
    a.mov(rax, src(qword));
    a.mov(dst(qword), rax);
  }
  if (at + 4 <= size) {
    a.mov(eax, src(dword));
    a.mov(dst(dword), eax);
    at += 4;
  }
  if (at + 2 <= size) {
    a.mov(ax, src(word));
    a.mov(dst(word), ax);
    at += 2;
  }
  if (at < size) {
    a.mov(al, src(byte));
    a.mov(dst(byte), al);
  }
}
