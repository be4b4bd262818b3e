/**
 * The x86-64 native call thunk of the runtime's fast call path (runtime/calling.ts asks
 * the target for it), emitted with jitkit's own assembler.
 * The thunk is `R thunk(uint64_t *buffer)`, one per signature (cached): it
 * loads the arguments from the shared buffer (slot 1 + i holds argument i)
 * into System V registers and stack slots and runs the target, whose address
 * JS stored as a double in slot TARGET_SLOT; the target's result comes back in
 * rax/xmm0 and the addon's invoke function stores it into slot 0.
 *
 * All arguments in registers (the common case): a tail jump, no frame.
 *     mov  r11, rdi             ; r11 = buffer (rdi is an argument register)
 *     cvttsd2si r10, [r11+T]    ; r10 = target (r10, r11 are free scratch in System V)
 *     mov  esi, [r11+16] ...    ; 32-bit loads for types <= 32 bits (JS stored them extended)
 *     movsd xmm0, [r11+..] ...
 *     mov  rdi, [r11+8]         ; rdi last
 *     mov  eax, V               ; variadic callees: al = vector registers used
 *     jmp  r10                  ; the target returns straight to the invoke function
 *
 * Stack arguments: a frame, then a call.
 *     push rbx                  ; rbx keeps the buffer; rsp is now 16-aligned
 *     mov  rbx, rdi
 *     sub  rsp, S               ; S = 8 * stack slots, rounded up to 16
 *     mov  rax, [rbx+..] ; mov [rsp+8k], rax   (each stack argument k)
 *     ... registers as above, from rbx ...
 *     cvttsd2si r10, [rbx+T] ; call r10
 *     add  rsp, S ; pop rbx ; ret
 *
 * Debug mode (`checkStackAlignment`) traps with ud2 unless rsp is 16-byte
 * aligned at the call (rsp = 8 mod 16 at the tail jump, which stands for it).
 */
import { Assembler, Cond, dword, qword, gp32, gp64, xmmRegs, rax, rbx, rdi, rsp, r10, r11, eax } from '../../asm/x64/index.js';
import type { Reg } from '../../asm/x64/index.js';
import { TARGET_SLOT } from '../../runtime/marshal.js';
import type { NativeType, NativeSignature } from '../../runtime/signature.js';
import type { EntryThunkOptions } from '../target.js';
import { ArgClass, SYSV, type CallPlan } from './sysv.js';

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
      const id = SYSV.intArgs[loc.index]!;
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

/** Emits `ud2` unless (rsp mod 16) == `expected`. Clobbers eax before it is set. */
function emitAlignmentCheck(a: Assembler, expected: number): void {
  const ok = a.newLabel();
  a.mov(rax, rsp);
  a.and(eax, 15);
  a.cmp(eax, expected);
  a.jcc(Cond.E, ok);
  a.ud2();
  a.bind(ok);
}

/** Emits the entry thunk for `sig` into `a`. */
export function emitEntryThunk(a: Assembler, sig: NativeSignature, plan: CallPlan, options: EntryThunkOptions = {}): void {
  const target = qword(plan.stackSlots === 0 ? r11 : rbx, undefined, 1, 8 * TARGET_SLOT);
  if (plan.stackSlots === 0) {
    if (options.checkStackAlignment) emitAlignmentCheck(a, 8);
    a.mov(r11, rdi);
    a.cvttsd2si(r10, target);
    loadRegisterArgs(a, plan, r11);
    if (sig.isVariadic) a.mov(eax, plan.vectorRegs);
    a.jmp(r10);
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
  if (options.checkStackAlignment) emitAlignmentCheck(a, 0);
  loadRegisterArgs(a, plan, rbx);
  if (sig.isVariadic) a.mov(eax, plan.vectorRegs);
  a.cvttsd2si(r10, target);
  a.call(r10);
  a.add(rsp, stackBytes);
  a.pop(rbx);
  a.ret();
}
