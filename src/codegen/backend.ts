/**
 * The backend driver for one function, the same on every target: lower -> lay out ->
 * allocate -> emit, asking the `Target` (target.ts) for the machine-specific steps.
 *
 *   IR Func --target.lowerFunction--> MFunction (virtual registers)
 *           --rotateLoops (layout.ts)--> loop headers placed after their latches
 *           --allocateRegisters (src/regalloc, reading the flat operand table regallocView builds)--> Allocation
 *           --target.emitFunction--> bytes + relocations + IR offset map
 */
import { Func } from '../ir/function.js';
import type { Allocation, RegallocInput } from '../regalloc/allocation.js';
import { checkAllocation } from '../regalloc/checker.js';
import { allocateRegisters } from '../regalloc/linear-scan.js';
import { allocateLocal } from '../regalloc/local.js';
import { rotateLoops } from './layout.js';
import type { MFunction, MInst } from './minst.js';
import { ScratchSlot } from './scratch.js';
import { signatureHash } from './signature-hash.js';
import type { EmittedFunction, LowerContext, Target } from './target.js';

/**
 * Adapts a lowered function to the allocator's view: a flat instruction list in layout order and
 * its operand table (tables of `mf.scratch`, valid until the next function's view).
 */
export function regallocView(target: Target, mf: MFunction): { input: RegallocInput; insts: MInst[] } {
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
      if (target.acceptsSpillSlot(inst)) slotOk[i] = 1;
    }
    const succs: number[] = [];
    for (const s of blk.succs) succs.push(index[s]!);
    blocks.push({ first, count: list.length, succs });
  }
  opStart[ni] = at;
  const registers = target.registers;
  const input: RegallocInput = {
    numPregs: registers.numPregs,
    pregClass: registers.pregClass,
    allocatable: registers.allocatable,
    regCount: mf.regCount,
    regClass: mf.regClass,
    blocks,
    instCount: ni,
    opStart,
    opReg,
    opKind,
    acceptsSpillSlot(i: number): boolean { return slotOk[i] === 1; },
    isCalleeSaved: registers.isCalleeSaved,
  };
  return { input, insts };
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
  /**
   * `'optimizing'` (default): loop rotation and linear scan. `'baseline'`: the layout as written
   * and the one-pass local allocator (src/regalloc/local.ts), for compile speed.
   */
  readonly tier?: CodegenTier;
}

/** Which register allocation (and layout) a function gets: see `FunctionCodegenOptions.tier`. */
export type CodegenTier = 'optimizing' | 'baseline';

/** Compiles one function to a relocatable unit on `target`. */
export function compileFunction(target: Target, f: Func, cx: LowerContext, opts: FunctionCodegenOptions): CompiledFunction {
  const mf = target.lowerFunction(f, cx);
  const baseline = opts.tier === 'baseline';
  if (!baseline) rotateLoops(mf);
  const { input, insts } = regallocView(target, mf);
  const alloc = baseline ? allocateLocal(input, mf.scratch.localRegalloc) : allocateRegisters(input, mf.scratch.regalloc);
  if (opts.checkRegalloc === true) checkFunctionAllocation(target, f.name, input, insts, alloc);
  const code = target.emitFunction(mf, alloc, { stateAddress: opts.stateAddress, stackLimitOffset: opts.stackLimitOffset, symbol: opts.symbol, signatureHash: signatureHash(f) });
  return { mf, alloc, code };
}

/** Runs the register-allocation checker (src/regalloc/checker.ts) on one function's allocation. */
export function checkFunctionAllocation(target: Target, name: string, input: RegallocInput, insts: readonly MInst[], alloc: Allocation): void {
  checkAllocation(input, alloc, {
    name: `%${name}`,
    regName: target.registers.regName,
    printInst: (i: number): string => target.printInst(insts[i]!),
    // JITKIT_CHECK_REGALLOC_MOVES=0: report only wrong reads by instructions (triage of a failing allocator).
    checkMoveSources: process.env['JITKIT_CHECK_REGALLOC_MOVES'] !== '0',
    // Never allocatable: emission uses them inside copies and parallel moves.
    scratchPregs: target.registers.scratch,
  });
}

/** Text of the machine instructions of a lowered function (virtual registers), for debugging. */
export function printMFunction(target: Target, mf: MFunction): string {
  const lines: string[] = [];
  for (const b of mf.order) {
    lines.push(`mb${b}:${mf.blocks[b]!.irBlock >= 0 ? ` ; block${mf.blocks[b]!.irBlock}` : ' ; edge'}`);
    for (const i of mf.blocks[b]!.insts) lines.push(`    ${target.printInst(i)}`);
  }
  return lines.join('\n') + '\n';
}
