/**
 * Emits the entry thunk of the fast call path, with jitkit's own assembler:
 * `void thunk(uint64_t *buffer)` loads the arguments of one signature from
 * the argument buffer (its rdi, or an address embedded in the thunk) into
 * System V registers and stack slots, calls the target, and stores the result
 * into slot 0.
 *
 *     push rbx                  ; rbx keeps the buffer across the call; rsp is now 16-aligned
 *     mov  rbx, rdi / buffer   ; the embedded address when options.argBuffer is set
 *     sub  rsp, S               ; stack arguments, S a multiple of 16
 *     mov  rax, [rbx+8*(1+i)]   ; for each stack argument k:
 *     mov  [rsp+8*k], rax
 *     mov  rdi/esi/..., [rbx+..]; integer registers (32-bit loads for types <= 32 bits)
 *     movsd/movss xmmN, [rbx+..]; vector registers
 *     mov  eax, V               ; variadic callees: al = vector registers used
 *     [test spl, 15; jz ok; ud2]; debug mode: trap if the stack is misaligned at the call
 *     mov  r11, target
 *     call r11
 *     mov  [rbx], rax / movsd [rbx], xmm0 (narrow results extended first)
 *     add  rsp, S
 *     pop  rbx
 *     ret
 *
 * The thunk reads every argument before it calls, and JS reads the result
 * before anything else runs, so one shared buffer serves re-entrant calls.
 */
import { Assembler, Cond, dword, qword, gp32, gp64, xmmRegs, rax, rbx, rdi, rsp, r11, eax, al, ax, spl } from '../asm/x64/index.js';
import { ArgClass, INT_ARG_REGS, type CallPlan } from './sysv-abi.js';
import type { NativeType, Signature } from './signature.js';

/** Options for thunk emission. */
export interface ThunkOptions {
  /** Check 16-byte stack alignment at the call and trap (ud2) if it is wrong. */
  readonly checkStackAlignment?: boolean;
  /**
   * The argument buffer's address, embedded in the thunk (the calling layer
   * passes its per-thread buffer). Without it the thunk uses its rdi argument.
   */
  readonly argBuffer?: bigint;
}

const isWide = (t: NativeType) => t === 'i64' || t === 'u64' || t === 'ptr';

/** Emits the entry thunk for `sig` calling `target` into `a`. */
export function emitEntryThunk(a: Assembler, sig: Signature, plan: CallPlan, target: bigint, options: ThunkOptions = {}): void {
  const stackBytes = Math.ceil((plan.stackSlots * 8) / 16) * 16;
  a.push(rbx);
  if (options.argBuffer !== undefined) a.mov(rbx, options.argBuffer);
  else a.mov(rbx, rdi);
  if (stackBytes > 0) a.sub(rsp, stackBytes);
  // Stack arguments first: rax is free until the call.
  plan.args.forEach((loc, i) => {
    if (loc.cls !== ArgClass.Stack) return;
    const src = 8 * (i + 1);
    if (isWide(loc.type) || loc.type === 'f64') a.mov(rax, qword(rbx, undefined, 1, src));
    else a.mov(eax, dword(rbx, undefined, 1, src)); // 32-bit load zero-extends; the callee reads the low bytes
    a.mov(qword(rsp, undefined, 1, 8 * loc.index), rax);
  });
  plan.args.forEach((loc, i) => {
    const src = 8 * (i + 1);
    if (loc.cls === ArgClass.IntReg) {
      const id = INT_ARG_REGS[loc.index]!;
      if (isWide(loc.type)) a.mov(gp64[id]!, qword(rbx, undefined, 1, src));
      else a.mov(gp32[id]!, dword(rbx, undefined, 1, src)); // JS stored it extended to 32 bits
    } else if (loc.cls === ArgClass.VecReg) {
      const x = xmmRegs[loc.index]!;
      if (loc.type === 'f64') a.movsd(x, qword(rbx, undefined, 1, src));
      else a.movss(x, dword(rbx, undefined, 1, src));
    }
  });
  if (sig.isVariadic) a.mov(eax, plan.vectorRegs);
  if (options.checkStackAlignment) {
    const ok = a.newLabel();
    a.test(spl, 15);
    a.jcc(Cond.E, ok);
    a.ud2();
    a.bind(ok);
  }
  a.mov(r11, target);
  a.call(r11);
  switch (sig.result) {
    case 'void': break;
    case 'i8': a.movsx(rax, al); a.mov(qword(rbx), rax); break;
    case 'i16': a.movsx(rax, ax); a.mov(qword(rbx), rax); break;
    case 'u8': case 'bool': a.movzx(eax, al); a.mov(qword(rbx), rax); break;
    case 'u16': a.movzx(eax, ax); a.mov(qword(rbx), rax); break;
    case 'i32': case 'u32': a.mov(dword(rbx), eax); break;
    case 'i64': case 'u64': case 'ptr': a.mov(qword(rbx), rax); break;
    case 'f64': a.movsd(qword(rbx), xmmRegs[0]!); break;
    case 'f32': a.movss(dword(rbx), xmmRegs[0]!); break;
  }
  if (stackBytes > 0) a.add(rsp, stackBytes);
  a.pop(rbx);
  a.ret();
}
