/**
 * The x86-64 target's registers as the neutral backend sees them (`TargetRegisters`,
 * src/codegen/target.ts): numbering, classes and allocation order from minst.ts, the
 * callee-saved set from the System V table (sysv.ts).
 */
import type { TargetRegisters } from '../target.js';
import { ALLOCATABLE, CLASS_GP, CLASS_XMM, NUM_PREGS, SCRATCH_GP, SCRATCH_XMM, XMM_BASE, regName } from './minst.js';
import { CALLEE_SAVED_GP } from './sysv.js';

/** Bit p set for each callee-saved physical register p the allocator hands out (all below 32). */
const CALLEE_SAVED_MASK = CALLEE_SAVED_GP.reduce((m, p) => m | (1 << p), 0);

/** The x86-64 registers: 16 general-purpose, then 16 xmm. */
export const X64_REGISTERS: TargetRegisters = {
  numPregs: NUM_PREGS,
  pregClass: Uint8Array.from({ length: NUM_PREGS }, (_, p) => (p < XMM_BASE ? CLASS_GP : CLASS_XMM)),
  allocatable: ALLOCATABLE,
  scratch: [...SCRATCH_GP, ...SCRATCH_XMM],
  isCalleeSaved(p: number): boolean { return p < 32 && ((CALLEE_SAVED_MASK >>> p) & 1) !== 0; },
  regName,
};
