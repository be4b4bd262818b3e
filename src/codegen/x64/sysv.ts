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
 *   records        (structs, unions by value; `classifyRecord`) up to 16 bytes with aligned members:
 *                  each eightbyte INTEGER (any integer in it) or SSE, in the next register of its
 *                  class if all eightbytes fit, else the whole record on the stack; larger ones in
 *                  memory: arguments copied to the stack, results through a hidden pointer in rdi
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
import { isAbiRecord, isIntegerClass, type AbiRecord, type AbiType, type NativeSignature } from '../../runtime/signature.js';
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
  /** A record in registers: eightbyte j in `regs[j]` (an intArgs index for INTEGER, an xmm number for SSE). */ RecordRegs,
  /** A record in memory on the stack: its eightbytes at [rsp + (index + j)*8]. */ RecordStack,
}

/** The System V class of one eightbyte of a record. */
export const enum EightbyteClass {
  /** General-purpose registers. */ Integer,
  /** Vector registers. */ Sse,
  /** Only padding (raised alignment): takes no register. */ None,
}

/** The location of one argument. */
export interface ArgLocation {
  readonly type: AbiType;
  readonly cls: ArgClass;
  /** Register number or first stack slot (see ArgClass). */
  readonly index: number;
  /** RecordRegs: the class of each eightbyte. */
  readonly classes: readonly EightbyteClass[];
  /** RecordRegs: the register of each eightbyte (-1 for a None eightbyte). */
  readonly regs: readonly number[];
}

/** The full placement of a native signature's arguments and result. */
export interface CallPlan {
  readonly args: readonly ArgLocation[];
  /** Stack argument slots (8 bytes each). */
  readonly stackSlots: number;
  /** Vector registers used (what AL must be at least, for variadic callees). */
  readonly vectorRegs: number;
  /** A record result returned in memory: the caller passes its address in rdi (and gets it back in rax). */
  readonly resultInMemory: boolean;
  /** A record result in registers: the class of each eightbyte (INTEGER in rax then rdx, SSE in xmm0 then xmm1). */
  readonly resultClasses: readonly EightbyteClass[];
  /** Alignment of the stack pointer the call needs: 16, or more for stack arguments aligned beyond it. */
  readonly stackAlign: number;
}

/**
 * The System V classes of a record's eightbytes, or null when it is passed in memory
 * (larger than 16 bytes, or a member at less than its natural alignment). An eightbyte
 * holding any integer is INTEGER, one holding only floats SSE, one holding nothing (padding
 * of a raised alignment) NO_CLASS, which takes no register.
 */
export function classifyRecord(r: AbiRecord): EightbyteClass[] | null {
  if (r.size > 16) return null;
  const n = Math.ceil(r.size / 8);
  const classes = new Array<EightbyteClass>(n).fill(EightbyteClass.None);
  for (const s of r.scalars) {
    if (!s.aligned) return null;
    for (let k = s.offset >> 3; k <= (s.offset + s.size - 1) >> 3 && k < n; k++) {
      if (!s.float) classes[k] = EightbyteClass.Integer;
      else if (classes[k] === EightbyteClass.None) classes[k] = EightbyteClass.Sse;
    }
  }
  return classes;
}

const NONE: readonly number[] = [];

/** Places every argument (and the result) of the native signature `sig` per the System V AMD64 ABI. */
export function planCall(sig: NativeSignature): CallPlan {
  const intRegs = SYSV.intArgs.length, vecRegs = SYSV.floatArgs.length;
  let ints = 0;
  let vecs = 0;
  let stack = 0;
  let resultInMemory = false;
  let resultClasses: readonly EightbyteClass[] = [];
  if (isAbiRecord(sig.abiResult)) {
    const c = classifyRecord(sig.abiResult);
    if (c === null) {
      resultInMemory = true;
      ints = 1; // the hidden pointer takes rdi
    } else {
      resultClasses = c;
    }
  }
  let stackAlign = 16;
  const args: ArgLocation[] = [];
  for (const type of sig.abiArgs) {
    if (isAbiRecord(type)) {
      const c = classifyRecord(type);
      const needInt = c === null ? 0 : c.filter((x) => x === EightbyteClass.Integer).length;
      const needVec = c === null ? 0 : c.filter((x) => x === EightbyteClass.Sse).length;
      if (c !== null && ints + needInt <= intRegs && vecs + needVec <= vecRegs) {
        const regs = c.map((x) => (x === EightbyteClass.Integer ? ints++ : x === EightbyteClass.Sse ? vecs++ : -1));
        args.push({ type, cls: ArgClass.RecordRegs, index: regs[0]!, classes: c, regs });
      } else {
        // A record on the stack starts at its alignment (gcc realigns the stack for more than 16).
        const slotsAlign = Math.max(1, type.align / 8);
        stack = Math.ceil(stack / slotsAlign) * slotsAlign;
        stackAlign = Math.max(stackAlign, type.align);
        args.push({ type, cls: ArgClass.RecordStack, index: stack, classes: [], regs: NONE });
        stack += Math.ceil(type.size / 8);
      }
    } else if (isIntegerClass(type)) {
      if (ints < intRegs) args.push({ type, cls: ArgClass.IntReg, index: ints++, classes: [], regs: NONE });
      else args.push({ type, cls: ArgClass.Stack, index: stack++, classes: [], regs: NONE });
    } else if (vecs < vecRegs) {
      args.push({ type, cls: ArgClass.VecReg, index: vecs++, classes: [], regs: NONE });
    } else {
      args.push({ type, cls: ArgClass.Stack, index: stack++, classes: [], regs: NONE });
    }
  }
  return { args, stackSlots: stack, vectorRegs: vecs, resultInMemory, resultClasses, stackAlign };
}
