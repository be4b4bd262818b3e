/**
 * TEMPORARY (delete when the splitting allocator lands and produces
 * src/regalloc/allocation.ts's `Allocation` itself): converts the whole-interval
 * allocator's result (one `location` per register id) into the contract
 * format, modelling what emit.ts does with it, so that the independent checker
 * (src/regalloc/checker.ts) can run on today's allocator.
 *
 * Model of emit.ts (`prepare` / `finishInst` / `emitInst`):
 *  - copies (mov, pmove, load_arg, store_arg) and a store_idx whose three
 *    operands are all spilled take their spill-slot operands directly;
 *  - any other instruction gets each spilled operand in a scratch register:
 *    inputs in r10 then r11 (xmm14 then xmm15), loaded just before it (gap
 *    moves); a Def in r10 / xmm14; Def and UseDef scratch registers are stored
 *    back to the slot right after it. The emitter runs those stores before the
 *    next instruction's loads; as one parallel move that is the composition
 *    (a load from a slot just stored reads the store's source instead). After a
 *    block's last instruction the stores become edge moves.
 */
import { type Allocation, type MoveList, SPILL_BASE } from '../../regalloc/allocation.js';
import { OperandKind, type RegallocTarget } from '../../regalloc/linear-scan.js';
import { CLASS_XMM, MInst, MOp, SCRATCH_GP, SCRATCH_XMM } from './minst.js';

/** The whole-interval allocator's result (the fields this adapter reads). */
export interface WholeIntervalAllocation {
  /** Location per register id: the preg itself for pregs; a preg, `SPILL_BASE + slot`, or -1 for vregs. */
  readonly location: Int32Array;
  /** Number of spill slots. */
  readonly spillSlots: number;
  /** 1 for every preg the allocation uses. */
  readonly usedPregs: Uint8Array;
}

/** A growable move list. */
class Moves {
  readonly key: number[] = [];
  readonly from: number[] = [];
  readonly to: number[] = [];
  readonly reg: number[] = [];
  push(key: number, from: number, to: number, reg: number): void {
    this.key.push(key); this.from.push(from); this.to.push(to); this.reg.push(reg);
  }
  list(): MoveList {
    return { count: this.key.length, key: Int32Array.from(this.key), from: Int32Array.from(this.from), to: Int32Array.from(this.to), reg: Int32Array.from(this.reg) };
  }
}

/** Pending stores of one instruction's spilled outputs: (scratch, slot, reg) triples. */
type Stores = number[];

/** True if emit.ts runs instruction `inst` on spill slots directly. */
export function takesSpillSlots(inst: MInst, location: Int32Array): boolean {
  switch (inst.op) {
    case MOp.Mov: case MOp.ParallelMove: case MOp.LoadArg: case MOp.StoreArg: return true;
    case MOp.StoreIdx: return inst.sub === 0 && inst.regs.every((r) => r >= 32 && location[r]! >= SPILL_BASE);
    default: return false;
  }
}

/** The contract-format equivalent of a whole-interval allocation, as emit.ts implements it. */
export function fromWholeIntervalAllocation(target: RegallocTarget, insts: readonly MInst[], old: WholeIntervalAllocation): Allocation {
  const loc = old.location, np = target.numPregs;
  const where = (r: number): number => {
    const l = r < np ? r : loc[r]!;
    if (l < 0) throw new Error(`legacy adapter: v${r} has no location`);
    return l;
  };
  const opStart = new Int32Array(target.instCount + 1);
  const opLoc: number[] = [];
  const gap = new Moves(), edge = new Moves();
  const usedPregs = old.usedPregs.slice();
  const edgeStart = new Int32Array(target.blocks.length + 1);
  target.blocks.forEach((b, k) => { edgeStart[k + 1] = edgeStart[k]! + b.succs.length; });
  for (let b = 0; b < target.blocks.length; b++) {
    const blk = target.blocks[b]!;
    let stores: Stores = [];
    for (let i = blk.first; i < blk.first + blk.count; i++) {
      const inst = insts[i]!;
      opStart[i] = opLoc.length;
      const loads: number[] = []; // (slot, scratch, reg) triples
      const next: Stores = [];
      if (takesSpillSlots(inst, loc)) {
        for (const r of inst.regs) opLoc.push(where(r));
      } else {
        let gp = 0, xmm = 0;
        for (let k = 0; k < inst.regs.length; k++) {
          const r = inst.regs[k]!, kind = inst.kinds[k]!, l = where(r);
          if (l < SPILL_BASE) { opLoc.push(l); continue; }
          if (kind === OperandKind.Temp || kind === OperandKind.EarlyDef) throw new Error('legacy adapter: a must-have-register operand was spilled');
          const xmmClass = target.regClass[r] === CLASS_XMM;
          let s: number;
          if (kind === OperandKind.Def) s = xmmClass ? SCRATCH_XMM[0]! : SCRATCH_GP[0]!;
          else if (xmmClass) { if (xmm >= 2) throw new Error('legacy adapter: too many spilled xmm operands'); s = SCRATCH_XMM[xmm++]!; }
          else { if (gp >= 2) throw new Error('legacy adapter: too many spilled gp operands'); s = SCRATCH_GP[gp++]!; }
          usedPregs[s] = 1;
          opLoc.push(s);
          if (kind !== OperandKind.Def) loads.push(l, s, r);
          if (kind === OperandKind.Def || kind === OperandKind.UseDef) next.push(s, l, r);
        }
      }
      // Sequential (stores of i-1; loads of i) as one parallel move keyed i.
      for (let m = 0; m < stores.length; m += 3) {
        let overwritten = false;
        for (let n = 0; n < loads.length; n += 3) if (loads[n + 1] === stores[m + 1]) overwritten = true;
        if (!overwritten) gap.push(i, stores[m]!, stores[m + 1]!, stores[m + 2]!);
      }
      for (let n = 0; n < loads.length; n += 3) {
        let from = loads[n]!;
        for (let m = 0; m < stores.length; m += 3) if (stores[m + 1] === from) from = stores[m]!;
        gap.push(i, from, loads[n + 1]!, loads[n + 2]!);
      }
      stores = next;
    }
    for (let k = 0; k < blk.succs.length; k++) {
      for (let m = 0; m < stores.length; m += 3) edge.push(edgeStart[b]! + k, stores[m]!, stores[m + 1]!, stores[m + 2]!);
    }
  }
  opStart[target.instCount] = opLoc.length;
  return { opStart, opLoc: Int32Array.from(opLoc), gapMoves: gap.list(), edgeMoves: edge.list(), edgeStart, spillSlots: old.spillSlots, usedPregs };
}
