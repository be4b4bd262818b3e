/**
 * The x86-64 backend driver for one function: lower -> allocate -> emit.
 *
 *   IR Func --lowerFunction--> MFunction (virtual registers)
 *           --rotateLoops (layout.ts)--> loop headers placed after their latches
 *           --allocateRegisters (src/regalloc, reading the flat operand table regallocView builds)--> Allocation
 *           --emitFunction--> bytes + relocations + IR offset map
 */
import { Func } from '../../ir/function.js';
import { allocateRegisters, type Allocation, type RegallocTarget } from '../../regalloc/linear-scan.js';
import type { Allocation as ContractAllocation } from '../../regalloc/allocation.js';
import { checkAllocation } from '../../regalloc/checker.js';
import { emitFunction, type EmittedFunction } from './emit.js';
import { rotateLoops } from './layout.js';
import { lowerFunction, signatureHash, type LowerContext, type MFunction } from './lower.js';
import {
  ALLOCATABLE, CALLEE_SAVED_GP, CLASS_GP, CLASS_XMM, MInst, MOp, NUM_PREGS, SCRATCH_GP, SCRATCH_XMM, XMM_BASE, printMInst, regName,
} from './minst.js';
import { ScratchSlot } from './scratch.js';

/** Bit p set for each callee-saved physical register p (all below 32). */
const CALLEE_SAVED_MASK = CALLEE_SAVED_GP.reduce((m, p) => m | (1 << p), 0);
/** Register class of each physical register (never written). */
const PREG_CLASS: ArrayLike<number> = Uint8Array.from({ length: NUM_PREGS }, (_, p) => (p < XMM_BASE ? CLASS_GP : CLASS_XMM));

/**
 * Adapts a lowered function to the allocator's view: a flat instruction list in layout order and
 * its operand table (tables of `mf.scratch`, valid until the next function's view).
 */
export function regallocView(mf: MFunction): { target: RegallocTarget; insts: MInst[] } {
  const order = mf.order, n = order.length, scratch = mf.scratch;
  // Layout position of each block id, and the instruction count (from the blocks, without
  // touching the instructions: the loop below reads each one once).
  const index = scratch.int32(ScratchSlot.ViewIndex, mf.blocks.length, 0);
  let ni = 0;
  for (let k = 0; k < n; k++) { index[order[k]!] = k; ni += mf.blocks[order[k]!]!.insts.length; }
  const insts = new Array<MInst>(ni);
  const opStart = scratch.int32(ScratchSlot.OpStart, ni + 1, 0);
  // 1 for the instructions that take spill-slot operands, read here with the operands (the allocator
  // asks for every instruction; the table spares it a second read of each object).
  const slotOk = scratch.int32(ScratchSlot.SlotOk, ni, 0);
  // Most instructions have at most 3 operands; calls and parallel moves grow the tables.
  let opReg = scratch.int32Kept(ScratchSlot.OpReg, 3 * ni + 64), opKind = scratch.int32Kept(ScratchSlot.OpKind, 3 * ni + 64);
  const blocks: { first: number; count: number; succs: number[] }[] = [];
  let i = 0, at = 0;
  for (let k = 0; k < n; k++) {
    const blk = mf.blocks[order[k]!]!, list = blk.insts, first = i;
    for (let j = 0; j < list.length; j++, i++) {
      const inst = list[j]!;
      insts[i] = inst;
      opStart[i] = at;
      if (at + inst.regCount > opReg.length) {
        opReg = scratch.int32Kept(ScratchSlot.OpReg, at + inst.regCount);
        opKind = scratch.int32Kept(ScratchSlot.OpKind, at + inst.regCount);
      }
      at = inst.copyOperands(opReg, opKind, at);
      if (acceptsSpillSlot(inst)) slotOk[i] = 1;
    }
    const succs: number[] = [];
    for (const s of blk.succs) succs.push(index[s]!);
    blocks.push({ first, count: list.length, succs });
  }
  opStart[ni] = at;
  const target: RegallocTarget = {
    numPregs: NUM_PREGS,
    pregClass: PREG_CLASS,
    allocatable: ALLOCATABLE,
    regCount: mf.regCount,
    regClass: mf.regClass,
    blocks,
    instCount: ni,
    opStart,
    opReg,
    opKind,
    acceptsSpillSlot(i: number): boolean { return slotOk[i] === 1; },
    isCalleeSaved(p: number): boolean { return p < 32 && ((CALLEE_SAVED_MASK >>> p) & 1) !== 0; },
  };
  return { target, insts };
}

/** True for the copies whose operands the emitter can read or write in a spill slot. */
export function acceptsSpillSlot(inst: MInst): boolean {
  const op = inst.op;
  return op === MOp.Mov || op === MOp.ParallelMove || op === MOp.LoadArg || op === MOp.StoreArg;
}

/** Everything produced for one function. */
export interface CompiledFunction {
  readonly mf: MFunction;
  readonly alloc: Allocation;
  readonly code: EmittedFunction;
}

/** Options for `compileFunction`. */
export interface FunctionCodegenOptions {
  readonly stateAddress: bigint;
  readonly stackLimitOffset: number;
  readonly symbol: string;
  /** Run the independent register-allocation checker (src/regalloc/checker.ts) on the allocation. */
  readonly checkRegalloc?: boolean;
}

/** Compiles one function to a relocatable unit. */
export function compileFunction(f: Func, cx: LowerContext, opts: FunctionCodegenOptions): CompiledFunction {
  const mf = lowerFunction(f, cx);
  rotateLoops(mf);
  const { target, insts } = regallocView(mf);
  const alloc = allocateRegisters(target, mf.scratch.regalloc);
  if (opts.checkRegalloc === true) checkFunctionAllocation(f.name, target, insts, alloc);
  const code = emitFunction(mf, alloc, { stateAddress: opts.stateAddress, stackLimitOffset: opts.stackLimitOffset, symbol: opts.symbol, signatureHash: signatureHash(f) });
  return { mf, alloc, code };
}

/** Runs the register-allocation checker (src/regalloc/checker.ts) on one function's allocation. */
export function checkFunctionAllocation(name: string, target: RegallocTarget, insts: readonly MInst[], alloc: ContractAllocation): void {
  checkAllocation(target, alloc, {
    name: `%${name}`,
    regName,
    printInst: (i: number): string => printMInst(insts[i]!),
    // JITKIT_CHECK_REGALLOC_MOVES=0: report only wrong reads by instructions (triage of a failing allocator).
    checkMoveSources: process.env['JITKIT_CHECK_REGALLOC_MOVES'] !== '0',
    // Never allocatable: emit.ts uses them inside copies and parallel moves.
    scratchPregs: [...SCRATCH_GP, ...SCRATCH_XMM],
  });
}

/** Text of the machine instructions of a lowered function (virtual registers), for debugging. */
export function printMFunction(mf: MFunction): string {
  const lines: string[] = [];
  for (const b of mf.order) {
    lines.push(`mb${b}:${mf.blocks[b]!.irBlock >= 0 ? ` ; block${mf.blocks[b]!.irBlock}` : ' ; edge'}`);
    for (const i of mf.blocks[b]!.insts) lines.push(`    ${printMInst(i)}`);
  }
  return lines.join('\n') + '\n';
}
