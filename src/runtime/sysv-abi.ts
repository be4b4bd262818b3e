/**
 * The System V AMD64 calling convention, as data: where each argument of a
 * signature goes (integer register, vector register, or stack slot) and how
 * narrow values are extended. The entry-thunk emitter and the IR backend's
 * call lowering both read this; nothing here emits code.
 *
 *   integer class  rdi rsi rdx rcx r8 r9, then the stack
 *   vector class   xmm0..xmm7, then the stack
 *   stack          8 bytes per argument, in order, at [rsp] of the call (16-aligned)
 *   variadic       al = number of vector registers used (upper bound)
 *   results        rax (integer class) or xmm0; narrow results are extended by the caller
 */
import { isIntegerClass, type NativeType, type NativeSignature } from './signature.js';

/** Hardware numbers of the integer argument registers, in order: rdi rsi rdx rcx r8 r9. */
export const INT_ARG_REGS: readonly number[] = [7, 6, 2, 1, 8, 9];
/** Vector argument registers xmm0..xmm7. */
export const VEC_ARG_COUNT = 8;
/** Callee-saved integer registers: rbx rbp r12 r13 r14 r15. */
export const CALLEE_SAVED: readonly number[] = [3, 5, 12, 13, 14, 15];

/** Where one argument lives at the call. */
export const enum ArgClass {
  /** In integer register INT_ARG_REGS[index]. */ IntReg,
  /** In xmm<index>. */ VecReg,
  /** At [rsp + index*8] at the call. */ Stack,
}

/** The location of one argument. */
export interface ArgLocation {
  readonly type: NativeType;
  readonly cls: ArgClass;
  readonly index: number;
}

/** The full placement of a signature's arguments. */
export interface CallPlan {
  readonly args: readonly ArgLocation[];
  /** Stack argument slots (8 bytes each). */
  readonly stackSlots: number;
  /** Vector registers used (what AL must be at least, for variadic callees). */
  readonly vectorRegs: number;
}

/** Places every argument of `sig` per the System V AMD64 ABI. */
export function planCall(sig: NativeSignature): CallPlan {
  let ints = 0;
  let vecs = 0;
  let stack = 0;
  const args: ArgLocation[] = [];
  for (const type of sig.args) {
    if (isIntegerClass(type)) {
      if (ints < INT_ARG_REGS.length) args.push({ type, cls: ArgClass.IntReg, index: ints++ });
      else args.push({ type, cls: ArgClass.Stack, index: stack++ });
    } else if (vecs < VEC_ARG_COUNT) {
      args.push({ type, cls: ArgClass.VecReg, index: vecs++ });
    } else {
      args.push({ type, cls: ArgClass.Stack, index: stack++ });
    }
  }
  return { args, stackSlots: stack, vectorRegs: vecs };
}
