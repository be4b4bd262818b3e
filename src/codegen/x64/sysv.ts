/**
 * The System V AMD64 calling convention, as data: the one table of argument, result,
 * callee-saved and call-clobbered registers that lowering, the module glue (entry.ts), the
 * native call thunks (entry-thunk.ts) and the register allocator's preferences all read,
 * and the placement of a signature's arguments, for IR types (`argLocations`,
 * `resultLocations`) and for the runtime's native types (`planCall`). Nothing here emits code.
 *
 *   integer class  rdi rsi rdx rcx r8 r9, then the stack
 *   vector class   xmm0..xmm7, then the stack
 *   stack          8 bytes per argument, in order, at [rsp] of the call (16-aligned)
 *   variadic       al = number of vector registers used (upper bound)
 *   results        rax (integer class) or xmm0 (rax:rdx, xmm0:xmm1 for two); narrow results are
 *                  extended by the caller. Between jitted functions further results use the
 *                  remaining caller-saved registers, then the module state's results area.
 *   callee-saved   rbx rbp r12 r13 r14 r15
 *
 * Register ids are the backend's preg numbers (minst.ts): general-purpose registers by their
 * hardware number, xmm n as XMM_BASE + n.
 */
import { isFloatType, type Type } from '../../ir/types.js';
import { isIntegerClass, type NativeType, type NativeSignature } from '../../runtime/signature.js';
import type { CallingConvention } from '../target.js';
import { Gp, XMM_BASE } from './minst.js';

/** xmm0 .. xmm<n-1> as preg ids. */
const xmms = (n: number): number[] => Array.from({ length: n }, (_, i) => XMM_BASE + i);

/** The System V AMD64 table. */
export const SYSV: CallingConvention = {
  name: 'System V AMD64',
  intArgs: [Gp.Rdi, Gp.Rsi, Gp.Rdx, Gp.Rcx, Gp.R8, Gp.R9],
  floatArgs: xmms(8),
  intResults: [Gp.Rax, Gp.Rdx, Gp.Rcx, Gp.Rsi, Gp.Rdi, Gp.R8, Gp.R9],
  floatResults: xmms(8),
  calleeSaved: [Gp.Rbx, Gp.Rbp, Gp.R12, Gp.R13, Gp.R14, Gp.R15],
  // The spill scratch registers (r10 r11 xmm14 xmm15, minst.ts) are clobbered too, but never live across anything.
  callClobbers: [Gp.Rax, Gp.Rcx, Gp.Rdx, Gp.Rsi, Gp.Rdi, Gp.R8, Gp.R9, ...xmms(14)],
  stackSlotBytes: 8,
  stackAlign: 16,
};

/** Callee-saved registers the allocator may hand out, in save order: the table's without rbp (the frame pointer). */
export const CALLEE_SAVED_GP: readonly number[] = SYSV.calleeSaved.filter((p) => p !== Gp.Rbp);

/** Where each argument of an IR signature goes: preg, or -(1 + stack slot). */
export function argLocations(types: readonly Type[]): { locs: number[]; stackSlots: number } {
  const intArgs = SYSV.intArgs, floatArgs = SYSV.floatArgs;
  let ints = 0, floats = 0, stack = 0;
  const locs: number[] = [];
  for (const t of types) {
    if (isFloatType(t)) locs.push(floats < floatArgs.length ? floatArgs[floats++]! : -(1 + stack++));
    else locs.push(ints < intArgs.length ? intArgs[ints++]! : -(1 + stack++));
  }
  return { locs, stackSlots: stack };
}

/**
 * Result locations of an IR signature: a result register, or -(1 + k) for result k
 * returned in memory (the module state's results area, slot k) once the
 * registers of its class are used up. The callee stores such results just
 * before returning and the caller loads them right after the call, so one
 * area per module suffices even with recursion.
 */
export function resultLocations(types: readonly Type[]): number[] {
  const intResults = SYSV.intResults, floatResults = SYSV.floatResults;
  let ints = 0, floats = 0;
  return types.map((t, k) => {
    if (isFloatType(t)) return floats < floatResults.length ? floatResults[floats++]! : -(1 + k);
    return ints < intResults.length ? intResults[ints++]! : -(1 + k);
  });
}

/** Where one native argument lives at the call. */
export const enum ArgClass {
  /** In integer register `SYSV.intArgs[index]`. */ IntReg,
  /** In xmm<index>. */ VecReg,
  /** At [rsp + index*8] at the call. */ Stack,
}

/** The location of one argument. */
export interface ArgLocation {
  readonly type: NativeType;
  readonly cls: ArgClass;
  readonly index: number;
}

/** The full placement of a native signature's arguments. */
export interface CallPlan {
  readonly args: readonly ArgLocation[];
  /** Stack argument slots (8 bytes each). */
  readonly stackSlots: number;
  /** Vector registers used (what AL must be at least, for variadic callees). */
  readonly vectorRegs: number;
}

/** Places every argument of the native signature `sig` per the System V AMD64 ABI. */
export function planCall(sig: NativeSignature): CallPlan {
  const intRegs = SYSV.intArgs.length, vecRegs = SYSV.floatArgs.length;
  let ints = 0;
  let vecs = 0;
  let stack = 0;
  const args: ArgLocation[] = [];
  for (const type of sig.args) {
    if (isIntegerClass(type)) {
      if (ints < intRegs) args.push({ type, cls: ArgClass.IntReg, index: ints++ });
      else args.push({ type, cls: ArgClass.Stack, index: stack++ });
    } else if (vecs < vecRegs) {
      args.push({ type, cls: ArgClass.VecReg, index: vecs++ });
    } else {
      args.push({ type, cls: ArgClass.Stack, index: stack++ });
    }
  }
  return { args, stackSlots: stack, vectorRegs: vecs };
}
