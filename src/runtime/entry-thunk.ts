/**
 * Emits the entry thunk of the fast call path, with jitkit's own assembler.
 * The thunk is `R thunk(uint64_t *buffer)`: it loads one signature's
 * arguments from the shared buffer (slot 1 + i holds argument i) into System V
 * registers and stack slots and runs the target; the target's result comes
 * back in rax/xmm0 and the addon's invoke function stores it into slot 0.
 *
 * All arguments in registers (the common case): a tail jump, no frame.
 *     mov  r11, rdi             ; r11 = buffer (rdi is an argument register)
 *     mov  esi, [r11+16] ...    ; 32-bit loads for types <= 32 bits (JS stored them extended)
 *     movsd xmm0, [r11+..] ...
 *     mov  rdi, [r11+8]         ; rdi last
 *     mov  eax, V               ; variadic callees: al = vector registers used
 *     mov  r11, target
 *     jmp  r11                  ; the target returns straight to the invoke function
 *
 * Stack arguments: a frame, then a call.
 *     push rbx                  ; rbx keeps the buffer; rsp is now 16-aligned
 *     mov  rbx, rdi
 *     sub  rsp, S               ; S = 8 * stack slots, rounded up to 16
 *     mov  rax, [rbx+..] ; mov [rsp+8k], rax   (each stack argument k)
 *     ... registers as above, from rbx ...
 *     call r11
 *     add  rsp, S ; pop rbx ; ret
 *
 * Debug mode (`checkStackAlignment`) traps with ud2 unless rsp is 16-byte
 * aligned at the call (rsp = 8 mod 16 at the tail jump, which stands for it).
 */
import { Assembler, Cond, dword, qword, gp32, gp64, xmmRegs, rax, rbx, rdi, rsp, r10, r10d, r11, eax } from '../asm/x64/index.js';
import type { Reg } from '../asm/x64/index.js';
import { ArgClass, INT_ARG_REGS, type CallPlan } from './sysv-abi.js';
import type { NativeType, Signature } from './signature.js';

/** Options for thunk emission. */
export interface ThunkOptions {
  /** Check 16-byte stack alignment at the call and trap (ud2) if it is wrong. */
  readonly checkStackAlignment?: boolean;
}

const isWide = (t: NativeType) => t === 'i64' || t === 'u64' || t === 'ptr';

/** Loads the register arguments from the buffer at `base`; rdi (if an argument) last. */
function loadRegisterArgs(a: Assembler, plan: CallPlan, base: Reg): void {
  let rdiArg = -1;
  plan.args.forEach((loc, i) => {
    const src = 8 * (i + 1);
    if (loc.cls === ArgClass.IntReg) {
      if (loc.index === 0) {
        rdiArg = i;
        return;
      }
      const id = INT_ARG_REGS[loc.index]!;
      if (isWide(loc.type)) a.mov(gp64[id]!, qword(base, undefined, 1, src));
      else a.mov(gp32[id]!, dword(base, undefined, 1, src));
    } else if (loc.cls === ArgClass.VecReg) {
      const x = xmmRegs[loc.index]!;
      if (loc.type === 'f64') a.movsd(x, qword(base, undefined, 1, src));
      else a.movss(x, dword(base, undefined, 1, src));
    }
  });
  if (rdiArg >= 0) {
    const t = plan.args[rdiArg]!.type;
    if (isWide(t)) a.mov(rdi, qword(base, undefined, 1, 8 * (rdiArg + 1)));
    else a.mov(gp32[7]!, dword(base, undefined, 1, 8 * (rdiArg + 1)));
  }
}

/** Emits `ud2` unless (rsp mod 16) == `expected`. Clobbers r10. */
function emitAlignmentCheck(a: Assembler, expected: number): void {
  const ok = a.newLabel();
  a.mov(r10, rsp);
  a.and(r10d, 15);
  a.cmp(r10d, expected);
  a.jcc(Cond.E, ok);
  a.ud2();
  a.bind(ok);
}

/** Emits the entry thunk for `sig` calling `target` into `a`. */
export function emitEntryThunk(a: Assembler, sig: Signature, plan: CallPlan, target: bigint, options: ThunkOptions = {}): void {
  if (plan.stackSlots === 0) {
    if (options.checkStackAlignment) emitAlignmentCheck(a, 8);
    a.mov(r11, rdi);
    loadRegisterArgs(a, plan, r11);
    if (sig.isVariadic) a.mov(eax, plan.vectorRegs);
    a.mov(r11, target);
    a.jmp(r11);
    return;
  }
  const stackBytes = Math.ceil((plan.stackSlots * 8) / 16) * 16;
  a.push(rbx);
  a.mov(rbx, rdi);
  a.sub(rsp, stackBytes);
  plan.args.forEach((loc, i) => {
    if (loc.cls !== ArgClass.Stack) return;
    const src = 8 * (i + 1);
    if (isWide(loc.type) || loc.type === 'f64') a.mov(rax, qword(rbx, undefined, 1, src));
    else a.mov(eax, dword(rbx, undefined, 1, src)); // zero-extends; the callee reads the low bytes
    a.mov(qword(rsp, undefined, 1, 8 * loc.index), rax);
  });
  loadRegisterArgs(a, plan, rbx);
  if (sig.isVariadic) a.mov(eax, plan.vectorRegs);
  if (options.checkStackAlignment) emitAlignmentCheck(a, 0);
  a.mov(r11, target);
  a.call(r11);
  a.add(rsp, stackBytes);
  a.pop(rbx);
  a.ret();
}
