/**
 * Pass `dce`: dead-code elimination.
 *
 * Pipeline position: after every pass that leaves unused code behind, at every
 * level.
 *
 * Deletes (1) blocks the entry cannot reach, (2) instructions without effect
 * (`isRemovable`: no side effect, no trap, no store, no call) whose results no
 * live instruction uses, and (3) block parameters that only feed other dead
 * parameters, with their branch arguments. Liveness is a single worklist over
 * values: an effectful instruction's operands are live; a live result makes its
 * instruction live; a live parameter makes the matching argument on every
 * incoming edge live. Branch arguments alone do not make a value live.
 */
import { Block, Dest, Inst, NONE, Value, ValueKind } from '../ir/function.js';
import { Opcode } from '../ir/opcodes.js';
import { FuncContext, isRemovable, Scratch } from './context.js';

/** Runs dead-code elimination; returns true when anything changed. */
export function dcePass(ctx: FuncContext): boolean {
  const f = ctx.f;
  ctx.beginPass();
  let changed = ctx.removeUnreachableBlocks() > 0;
  ctx.ensurePreds();
  const liveVal = ctx.u8(Scratch.DceLiveValue, f.valueCount);
  const liveInst = ctx.u8(Scratch.DceLiveInst, f.instCount);
  const work = ctx.i32(Scratch.DceWork, f.valueCount + 1, 0);
  let sp = 0;
  const pool = f.pool;
  const push = (v: number): void => {
    if (liveVal[v] === 0) { liveVal[v] = 1; work[sp++] = v; }
  };
  for (let b = f.firstBlock; b !== NONE; b = f.blockNext[b]!) {
    for (let i = f.blockFirst[b]!; i !== NONE; i = f.instNext[i]!) {
      if (isRemovable(f.instOpcode[i] as Opcode)) continue;
      liveInst[i] = 1;
      const as = f.instArgStart[i]!;
      for (let k = 0; k < f.instArgCount[i]!; k++) push(pool[as + k]!);
    }
  }
  const entry = f.firstBlock;
  while (sp > 0) {
    const v = work[--sp]!;
    if (f.valueKind[v] === ValueKind.Result) {
      const d = f.valueDef[v]!;
      if (liveInst[d] !== 0) continue;
      liveInst[d] = 1;
      const as = f.instArgStart[d]!;
      for (let k = 0; k < f.instArgCount[d]!; k++) push(pool[as + k]!);
    } else if (f.valueKind[v] === ValueKind.Param) {
      const b = f.valueDef[v]!;
      if (b === entry) continue;
      const idx = f.valueIndex[v]!;
      for (let p = ctx.predStart[b]!; p < ctx.predStart[b + 1]!; p++) push(f.destArg(ctx.predDest[p]! as Dest, idx));
    }
  }
  for (let b = f.firstBlock; b !== NONE; b = f.blockNext[b]!) {
    for (let i = f.blockFirst[b]!; i !== NONE;) {
      const next = f.instNext[i]!;
      if (liveInst[i] === 0) { f.removeInst(i as Inst); changed = true; }
      i = next;
    }
    if (b === entry) continue;
    for (let k = f.blockParamCount[b]! - 1; k >= 0; k--) {
      const p = f.blockParam(b as Block, k);
      if (liveVal[p as Value] === 0) { ctx.removeParamEverywhere(b, k); changed = true; }
    }
  }
  return changed;
}
