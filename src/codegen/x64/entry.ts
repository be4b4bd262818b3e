/**
 * Module glue code for x86-64: the entry trampoline of each exported
 * function, the module's trap handler, and callable stubs for imports whose
 * address is taken.
 *
 * Trap mechanism. The module owns a small writable *state* block (module-state.ts:
 * trap frame, stack limit, trap code, results). An entry trampoline saves the
 * callee-saved registers, pushes the previous trap frame and stack limit,
 * records its own rsp as the trap frame, calls the function and stores its results. A trap anywhere below it (even under C
 * frames, e.g. a qsort callback) jumps to the trap handler with edi = code,
 * which stores the code, resets rsp to the trap frame and runs the same
 * epilogue: previous frame and limit restored, callee-saved registers restored,
 * return to the caller of the trampoline. The JS wrapper then sees the code and
 * throws a TrapError. Nested entries (JS -> jitted -> JS -> jitted) each save
 * and restore the previous frame, so the mechanism is re-entrant.
 *
 * Safety (src/runtime/safety.ts). The stack limit an outermost trampoline sets is
 * max(rsp - budget, the thread's stack floor), the floor read from thread-local
 * storage (`fs:[stackFloorOffset]`): the real stack minus a margin, on any thread.
 * The runtime's fault handler enters the trap handler like a trap (edi = code). A
 * trap with no trap frame (the function was called by another module's code, not
 * through its own trampoline) goes to the runtime's `moduleUnwind`, which returns
 * to the guarded call that entered jitted code. An interrupt (native/safety.h)
 * enters the trap handler the same way, from the runtime's asynchronous safepoint.
 */
import { Assembler, Cond, Label, extern, gp64, qword, dword, rsp, rbp, rax, r11, xmmRegs, edi } from '../../asm/x64/index.js';
import { Type } from '../../ir/types.js';
import { STATE_RESULTS, STATE_STACK_LIMIT, STATE_TRAP_CODE, STATE_TRAP_FRAME } from '../module-state.js';
import { XMM_BASE } from './minst.js';
import { CALLEE_SAVED_GP, argLocations, resultLocations } from './sysv.js';
import { FUNC_MAGIC, MOVSD_MR, MOV_MR, MOV_RM, MOV_RR, POP_R64, PUSH_R64, RET, fsOperand, imm64 } from './emit.js';

/** The callee-saved registers a trampoline saves besides rbp (the allocator may use them all). */
const SAVED = CALLEE_SAVED_GP.map((p) => gp64[p]!);
/** `push m64`, `pop m64` and `lea r64, m` (the other shapes come from emit.ts): matched once, encoded with `emitForm`. */
const PUSH_M64 = Assembler.formFor('push', qword(r11, 0)), POP_M64 = Assembler.formFor('pop', qword(r11, 0));
const LEA_R64 = Assembler.formFor('lea', rax, qword(rax, 0));
/** The state's trap frame and stack limit, addressed through r11 (read-only operands, shared by every trampoline). */
const TRAP_FRAME = qword(r11, STATE_TRAP_FRAME), STACK_LIMIT = qword(r11, STATE_STACK_LIMIT);

function epilogue(a: Assembler): void {
  // rsp = trap frame, r11 = state.
  a.add(rsp, 8);
  a.emitForm(POP_M64, STACK_LIMIT);
  a.emitForm(POP_M64, TRAP_FRAME);
  for (let k = SAVED.length - 1; k >= 0; k--) a.emitForm(POP_R64, SAVED[k]!);
  a.emitForm(POP_R64, rbp);
  a.emitForm(RET);
}

/**
 * Emits the entry trampoline of a function with the given IR signature; it calls `target` (a link
 * symbol). `floorOffset`: the thread-local stack floor that bounds the limit it sets (none: no bound).
 */
export function emitTrampoline(a: Assembler, params: readonly Type[], results: readonly Type[], target: string,
  stateAddress: bigint, stackBudget: number, floorOffset?: number): void {
  const state = imm64(stateAddress);
  a.emitForm(PUSH_R64, rbp);
  a.emitForm(MOV_RR[1], rbp, rsp);
  for (const r of SAVED) a.emitForm(PUSH_R64, r);
  a.mov(r11, state);
  a.emitForm(PUSH_M64, TRAP_FRAME);
  a.emitForm(PUSH_M64, STACK_LIMIT);
  const haveLimit: Label = a.newLabel();
  a.cmp(STACK_LIMIT, 0);
  a.jumpLabel(Cond.NE, haveLimit);
  a.emitForm(LEA_R64, rax, qword(rsp, -stackBudget));
  if (floorOffset !== undefined) {
    // limit = max(rsp - budget, floor), unsigned (a floor of 0 means unknown: no bound).
    const aboveFloor = a.newLabel();
    fsOperand.cmpRax(a, floorOffset);
    a.jcc(Cond.AE, aboveFloor);
    fsOperand.movRax(a, floorOffset);
    a.bind(aboveFloor);
  }
  a.emitForm(MOV_MR[1], STACK_LIMIT, rax);
  a.bind(haveLimit);
  a.sub(rsp, 8);
  a.emitForm(MOV_MR[1], TRAP_FRAME, rsp);
  const { stackSlots } = argLocations(params);
  if (stackSlots % 2 === 1) a.sub(rsp, 8);
  for (let j = stackSlots - 1; j >= 0; j--) a.emitForm(PUSH_M64, qword(rbp, 16 + 8 * j));
  a.call(extern(target));
  a.mov(r11, state);
  const locations = resultLocations(results);
  for (let k = 0; k < locations.length; k++) {
    const r = locations[k]!;
    if (r < 0) continue; // already stored in memory by the callee
    if (r >= XMM_BASE) a.emitForm(MOVSD_MR, qword(r11, STATE_RESULTS + 8 * k), xmmRegs[r - XMM_BASE]!);
    else a.emitForm(MOV_MR[1], qword(r11, STATE_RESULTS + 8 * k), gp64[r]!);
  }
  a.emitForm(MOV_RM[1], rsp, TRAP_FRAME);
  epilogue(a);
}

/**
 * Emits the module trap handler: edi = trap code. `moduleUnwind`: where a trap with no trap frame
 * goes (the runtime's unwinder; none: ud2).
 */
export function emitTrapHandler(a: Assembler, stateAddress: bigint, moduleUnwind?: bigint): void {
  const noFrame = a.newLabel();
  a.mov(r11, imm64(stateAddress));
  a.mov(rax, qword(r11, STATE_TRAP_FRAME));
  a.test(rax, rax);
  a.jcc(Cond.E, noFrame);
  a.inc(edi);
  a.mov(dword(r11, STATE_TRAP_CODE), edi);
  a.mov(rsp, rax);
  epilogue(a);
  // No entry trampoline of this module on the stack: its code was called by another module's
  // code, or by C outside any jitkit call. The runtime unwinds to the call from JS if there is
  // one (and stops the process otherwise).
  a.bind(noFrame);
  if (moduleUnwind === undefined) a.ud2();
  else {
    a.mov(r11, imm64(moduleUnwind));
    a.jmp(r11);
  }
}

/** Emits a callable stub (with function header) that jumps to C symbol `symbol`. */
export function emitImportStub(a: Assembler, signatureHash: number, symbol: string): number {
  const h = signatureHash;
  a.embed([FUNC_MAGIC & 0xff, (FUNC_MAGIC >>> 8) & 0xff, (FUNC_MAGIC >>> 16) & 0xff, FUNC_MAGIC >>> 24,
    h & 0xff, (h >>> 8) & 0xff, (h >>> 16) & 0xff, (h >>> 24) & 0xff]);
  a.movAbs64(r11, symbol);
  a.jmp(r11);
  return 8;
}
