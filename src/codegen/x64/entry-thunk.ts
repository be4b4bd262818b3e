/**
 * The x86-64 native call thunk of the runtime's fast call path (runtime/calling.ts asks
 * the target for it), emitted with jitkit's own assembler.
 * The thunk is `R thunk(uint64_t *buffer)`, one per signature (cached): it
 * loads the arguments from the shared buffer (`sig.slots[i]` is argument i's slot)
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
 * Records by value (sysv.ts `classifyRecord`): a record argument's bytes are in consecutive
 * slots from its first (`sig.slots`); in registers, each eightbyte is loaded whole into the
 * next register of its class; in memory, its eightbytes are copied to the stack. A record
 * result takes the frame path too: after the call the thunk stores rax/rdx/xmm0/xmm1 (or the
 * memory the callee filled through the hidden pointer in rdi, space in this frame) into
 * slots 1.. of the buffer, where the JS side decodes it.
 *
 * Debug mode (`checkStackAlignment`) traps with ud2 unless rsp is 16-byte
 * aligned at the call (rsp = 8 mod 16 at the tail jump, which stands for it).
 */
import { Assembler, Cond, dword, qword, gp32, gp64, xmmRegs, rax, rbp, rbx, rdi, rsp, r10, r11, eax } from '../../asm/x64/index.js';
import type { Reg } from '../../asm/x64/index.js';
import { TARGET_SLOT } from '../../runtime/marshal.js';
import { isAbiRecord, type AbiType, type NativeSignature } from '../../runtime/signature.js';
import type { EntryThunkOptions } from '../target.js';
import { ArgClass, EightbyteClass, SYSV, type CallPlan } from './sysv.js';

const isWide = (t: AbiType) => t === 'i64' || t === 'u64' || t === 'ptr';

/** Loads the register arguments from the buffer at `base`; rdi (if an argument) last. */
function loadRegisterArgs(a: Assembler, sig: NativeSignature, plan: CallPlan, base: Reg): void {
  let rdiArg = -1;
  plan.args.forEach((loc, i) => {
    const src = 8 * sig.slots[i]!;
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
    } else if (loc.cls === ArgClass.RecordRegs) {
      // Whole eightbytes: the record's slots are 8-byte units of the buffer.
      loc.classes.forEach((c, j) => {
        const at = qword(base, undefined, 1, src + 8 * j);
        if (c === EightbyteClass.Integer) a.mov(gp64[SYSV.intArgs[loc.regs[j]!]!]!, at);
        else if (c === EightbyteClass.Sse) a.movsd(xmmRegs[loc.regs[j]!]!, at);
      });
    }
  });
  if (rdiArg >= 0) {
    const t = plan.args[rdiArg]!.type;
    if (isWide(t)) a.mov(rdi, qword(base, undefined, 1, 8 * sig.slots[rdiArg]!));
    else a.mov(gp32[7]!, dword(base, undefined, 1, 8 * sig.slots[rdiArg]!));
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
  const recordResult = isAbiRecord(sig.abiResult);
  const target = qword(plan.stackSlots === 0 && !recordResult ? r11 : rbx, undefined, 1, 8 * TARGET_SLOT);
  if (plan.stackSlots === 0 && !recordResult) {
    if (options.checkStackAlignment) emitAlignmentCheck(a, 8);
    a.mov(r11, rdi);
    a.cvttsd2si(r10, target);
    loadRegisterArgs(a, sig, plan, r11);
    if (sig.isVariadic) a.mov(eax, plan.vectorRegs);
    a.jmp(r10);
    return;
  }
  // A frame: stack arguments at [rsp], then the memory a record result is returned in. The
  // stack is realigned (rbp keeps the old rsp) when an argument or the result needs more than 16.
  const result = sig.abiResult;
  const resultAlign = plan.resultInMemory && isAbiRecord(result) ? Math.max(16, result.align) : 16;
  const align = Math.max(plan.stackAlign, resultAlign);
  const resultAt = Math.ceil((plan.stackSlots * 8) / resultAlign) * resultAlign;
  const resultBytes = plan.resultInMemory ? sig.resultSlots * 8 : 0;
  const frameBytes = Math.ceil((resultAt + resultBytes) / align) * align;
  a.push(rbx);
  a.mov(rbx, rdi);
  if (align > 16) {
    a.push(rbp);
    a.mov(rbp, rsp);
    a.and(rsp, -align);
  }
  if (frameBytes > 0) a.sub(rsp, frameBytes);
  plan.args.forEach((loc, i) => {
    const src = 8 * sig.slots[i]!;
    if (loc.cls === ArgClass.Stack) {
      if (isWide(loc.type) || loc.type === 'f64') a.mov(rax, qword(rbx, undefined, 1, src));
      else a.mov(eax, dword(rbx, undefined, 1, src)); // zero-extends; the callee reads the low bytes
      a.mov(qword(rsp, undefined, 1, 8 * loc.index), rax);
    } else if (loc.cls === ArgClass.RecordStack) {
      const n = Math.ceil((loc.type as { size: number }).size / 8);
      for (let j = 0; j < n; j++) {
        a.mov(rax, qword(rbx, undefined, 1, src + 8 * j));
        a.mov(qword(rsp, undefined, 1, 8 * (loc.index + j)), rax);
      }
    }
  });
  if (options.checkStackAlignment) emitAlignmentCheck(a, 0);
  loadRegisterArgs(a, sig, plan, rbx);
  if (plan.resultInMemory) a.lea(rdi, qword(rsp, undefined, 1, resultAt));
  if (sig.isVariadic) a.mov(eax, plan.vectorRegs);
  a.cvttsd2si(r10, target);
  a.call(r10);
  if (recordResult) storeRecordResult(a, sig, plan, resultAt);
  if (align > 16) {
    a.mov(rsp, rbp);
    a.pop(rbp);
  } else if (frameBytes > 0) {
    a.add(rsp, frameBytes);
  }
  a.pop(rbx);
  a.ret();
}

/** Stores a record result into buffer slots 1.. (rbx = buffer): from rax/rdx/xmm0/xmm1, or copied from memory at [rsp + resultAt]. */
function storeRecordResult(a: Assembler, sig: NativeSignature, plan: CallPlan, resultAt: number): void {
  if (plan.resultInMemory) {
    for (let j = 0; j < sig.resultSlots; j++) {
      a.mov(r10, qword(rsp, undefined, 1, resultAt + 8 * j));
      a.mov(qword(rbx, undefined, 1, 8 * (1 + j)), r10);
    }
    return;
  }
  let ints = 0, vecs = 0;
  plan.resultClasses.forEach((c, j) => {
    const at = qword(rbx, undefined, 1, 8 * (1 + j));
    if (c === EightbyteClass.Integer) a.mov(at, gp64[SYSV.intResults[ints++]!]!);
    else if (c === EightbyteClass.Sse) a.movsd(at, xmmRegs[vecs++]!);
  });
}
