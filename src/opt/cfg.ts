/**
 * Pass `cfg`: branch folding and control-flow simplification.
 *
 * Pipeline position: after `fold` (which turns conditions into constants) at
 * every level; it leaves unreachable blocks deleted.
 *
 * Steps, repeated while they change something:
 *  1. *branch folding*: `brif` on a constant, `brif` whose two destinations are
 *     equal, and `br_table` on a constant become `jump`; `brif` on
 *     `icmp eq/ne x, 0` tests x directly (swapping the destinations for eq);
 *  2. unreachable blocks are deleted;
 *  3. *jump threading*: an edge into a *forwarder* (a block holding only
 *     `jump C(args)`, not the entry) is redirected to C, with the forwarder's
 *     parameters substituted in its jump arguments (only when nothing else
 *     uses those parameters). Any other value the forwarder
 *     passes is defined in a block that dominates it, hence dominates each of
 *     its predecessors, so the rewritten edge is valid SSA;
 *  4. *merging*: a block whose only incoming edge is a `jump` from another block
 *     is appended to that block (its parameters become the jump's arguments).
 */
import { Block, Dest, Inst, NONE, Value, ValueKind } from '../ir/function.js';
import { IntCC, Opcode } from '../ir/opcodes.js';
import { typeBits } from '../ir/types.js';
import { FuncContext, Scratch } from './context.js';

/** Replaces terminator `t` by `jump` to destination `d` of it. */
function replaceByJump(ctx: FuncContext, t: Inst, d: Dest): void {
  const f = ctx.f;
  const block = f.instBlock[t]! as Block;
  const n = f.destArgCount[d]!;
  const args: number[] = [];
  for (let k = 0; k < n; k++) args.push(f.destArg(d, k));
  const j = f.newInst(Opcode.Jump, 0, []);
  f.instLoc[j] = f.instLoc[t]!;
  f.addDest(j, f.destBlock[d]! as Block, args);
  f.removeInst(t);
  f.appendInst(block, j);
  ctx.cfgChanged();
  ctx.changes++;
}

function sameDest(ctx: FuncContext, a: Dest, b: Dest): boolean {
  const f = ctx.f;
  if (f.destBlock[a] !== f.destBlock[b]) return false;
  const n = f.destArgCount[a]!;
  for (let k = 0; k < n; k++) if (ctx.resolve(f.destArg(a, k)) !== ctx.resolve(f.destArg(b, k))) return false;
  return true;
}

/**
 * `brif (icmp ne x, 0), T, F` -> `brif x, T, F` and `brif (icmp eq x, 0), T, F`
 * -> `brif x, F, T` (brif tests any integer for nonzero); the compare may die.
 */
function branchOnCompareWithZero(ctx: FuncContext, t: Inst, cond: number): boolean {
  const f = ctx.f;
  const d = ctx.defInst(cond as Value);
  if (d === NONE || f.instOpcode[d] !== Opcode.ICmp) return false;
  const cc = f.instImm[d]!;
  if (cc !== IntCC.Eq && cc !== IntCC.Ne) return false;
  const x = ctx.resolve(f.arg(d as Inst, 0)), y = ctx.resolve(f.arg(d as Inst, 1));
  let v: Value;
  if (ctx.iconstOf(y) === 0n) v = x;
  else if (ctx.iconstOf(x) === 0n) v = y;
  else return false;
  f.setArg(t, 0, v);
  if (cc === IntCC.Eq) {
    // Swap the two destinations (block and arguments).
    const d0 = f.dest(t, 0), d1 = f.dest(t, 1);
    const b0 = f.destBlock[d0]!, s0 = f.destArgStart[d0]!, n0 = f.destArgCount[d0]!;
    f.destBlock[d0] = f.destBlock[d1]!; f.destArgStart[d0] = f.destArgStart[d1]!; f.destArgCount[d0] = f.destArgCount[d1]!;
    f.destBlock[d1] = b0; f.destArgStart[d1] = s0; f.destArgCount[d1] = n0;
    ctx.cfgChanged();
  }
  ctx.changes++;
  return true;
}

/** Folds constant and trivial branches; returns true on change. */
function foldBranches(ctx: FuncContext): boolean {
  const f = ctx.f;
  let changed = false;
  for (let b = f.firstBlock; b !== NONE; b = f.blockNext[b]!) {
    const t = f.blockLast[b]!;
    if (t === NONE) continue;
    const op = f.instOpcode[t] as Opcode;
    if (op === Opcode.Brif) {
      const cond = ctx.resolve(f.arg(t as Inst, 0));
      const c = ctx.iconstOf(cond);
      const d0 = f.dest(t as Inst, 0), d1 = f.dest(t as Inst, 1);
      if (c !== null) { replaceByJump(ctx, t as Inst, c !== 0n ? d0 : d1); changed = true; }
      else if (sameDest(ctx, d0, d1)) { replaceByJump(ctx, t as Inst, d0); changed = true; }
      else if (branchOnCompareWithZero(ctx, t as Inst, cond)) changed = true;
    } else if (op === Opcode.BrTable) {
      const x = ctx.resolve(f.arg(t as Inst, 0));
      const c = ctx.iconstOf(x);
      const n = f.instDestCount[t]! - 1;
      if (c !== null) {
        const idx = BigInt.asUintN(typeBits(f.typeOf(x)), c);
        replaceByJump(ctx, t as Inst, f.dest(t as Inst, idx < BigInt(n) ? 1 + Number(idx) : 0));
        changed = true;
      } else {
        let all = true;
        for (let k = 1; k <= n && all; k++) all = sameDest(ctx, f.dest(t as Inst, 0), f.dest(t as Inst, k));
        if (all) { replaceByJump(ctx, t as Inst, f.dest(t as Inst, 0)); changed = true; }
      }
    }
  }
  return changed;
}

/** True when `b` is not the entry and holds nothing but a `jump`. */
function isLoneJump(ctx: FuncContext, b: number): boolean {
  const f = ctx.f;
  const j = f.blockFirst[b]!;
  return j !== NONE && j === f.blockLast[b] && f.instOpcode[j] === Opcode.Jump && b !== f.firstBlock;
}

/**
 * True when `b` holds only `jump C(...)` with C != b, is not the entry, and its
 * parameters are used by nothing but that jump (`uses` counts every use).
 */
function isForwarder(ctx: FuncContext, b: number, uses: Int32Array): boolean {
  const f = ctx.f;
  if (!isLoneJump(ctx, b)) return false;
  const d = f.instDestStart[f.blockFirst[b]!]!;
  if (f.destBlock[d] === b) return false;
  const np = f.blockParamCount[b]!;
  if (np === 0) return true;
  // A parameter may also be used in blocks the forwarder dominates; then it must stay.
  const own = ctx.scratchArray(np, 0);
  for (let k = 0; k < f.destArgCount[d]!; k++) {
    const v = ctx.resolve(f.destArg(d as Dest, k));
    if (f.valueKind[v] === ValueKind.Param && f.valueDef[v] === b) own[f.valueIndex[v]!]!++;
  }
  for (let i = 0; i < np; i++) if (uses[f.blockParam(b as Block, i)] !== own[i]) return false;
  return true;
}

/** Counts the uses of every value (operands and block arguments, through aliases). */
function countUses(ctx: FuncContext): Int32Array {
  const f = ctx.f;
  const uses = ctx.i32(Scratch.CfgUses, f.valueCount, 0);
  for (let b = f.firstBlock; b !== NONE; b = f.blockNext[b]!) {
    for (let i = f.blockFirst[b]!; i !== NONE; i = f.instNext[i]!) {
      for (let k = 0; k < f.instArgCount[i]!; k++) uses[ctx.resolve(f.arg(i as Inst, k))]!++;
      const ds = f.instDestStart[i]!;
      for (let d = ds; d < ds + f.instDestCount[i]!; d++) {
        for (let k = 0; k < f.destArgCount[d]!; k++) uses[ctx.resolve(f.destArg(d as Dest, k))]!++;
      }
    }
  }
  return uses;
}

/** Redirects edges into forwarders; returns true on change. */
function threadJumps(ctx: FuncContext): boolean {
  const f = ctx.f;
  // Counting uses is the costly part: skip it when no block is a lone jump.
  let candidate = false;
  for (let b = f.firstBlock; b !== NONE && !candidate; b = f.blockNext[b]!) candidate = isLoneJump(ctx, b);
  if (!candidate) return false;
  const uses = countUses(ctx);
  let changed = false;
  const args: number[] = [];
  const next: number[] = [];
  for (let b = f.firstBlock; b !== NONE; b = f.blockNext[b]!) {
    const t = f.blockLast[b]!;
    if (t === NONE) continue;
    const ds = f.instDestStart[t]!, dn = f.instDestCount[t]!;
    for (let d = ds; d < ds + dn; d++) {
      let target = f.destBlock[d]!;
      if (!isForwarder(ctx, target, uses)) continue;
      args.length = 0;
      for (let k = 0; k < f.destArgCount[d]!; k++) args.push(ctx.resolve(f.destArg(d as Dest, k)));
      let hops = 0;
      while (isForwarder(ctx, target, uses) && hops < 16) {
        const j = f.blockFirst[target]!;
        const jd = f.instDestStart[j]!;
        next.length = 0;
        for (let k = 0; k < f.destArgCount[jd]!; k++) {
          const v = ctx.resolve(f.destArg(jd as Dest, k));
          next.push(f.valueKind[v] === ValueKind.Param && f.valueDef[v] === target ? args[f.valueIndex[v]!]! : v);
        }
        target = f.destBlock[jd]!;
        args.length = 0;
        for (const v of next) args.push(v);
        hops++;
        if (target === b) break;
      }
      if (target === f.destBlock[d]) continue;
      f.destBlock[d] = target;
      f.setDestArgs(d as Dest, args);
      ctx.cfgChanged();
      ctx.changes++;
      changed = true;
    }
  }
  return changed;
}

/** Merges blocks into their single jumping predecessor; returns true on change. */
function mergeBlocks(ctx: FuncContext): boolean {
  const f = ctx.f;
  // Merging reads the predecessors of the CFG as it was when the sweep started.
  ctx.ensurePreds();
  let changed = false;
  for (let b = f.firstBlock; b !== NONE;) {
    const nextBlock = f.blockNext[b]!;
    if (b !== f.firstBlock && ctx.predCount(b) === 1) {
      const k = ctx.predStart[b]!;
      const term = ctx.predInst[k]!;
      const p = f.instBlock[term]!;
      if (f.instOpcode[term] === Opcode.Jump && p !== b && p !== NONE) {
        const d = ctx.predDest[k]! as Dest;
        for (let i = 0; i < f.blockParamCount[b]!; i++) ctx.setAlias(f.blockParam(b as Block, i), ctx.resolve(f.destArg(d, i)));
        // Parameters are now aliases: drop them (and the jump, which holds their arguments).
        for (let i = f.blockParamCount[b]! - 1; i >= 0; i--) f.removeBlockParam(b as Block, i);
        f.removeInst(term as Inst);
        for (let i = f.blockFirst[b]!; i !== NONE;) {
          const n = f.instNext[i]!;
          f.removeInst(i as Inst);
          f.appendInst(p as Block, i as Inst);
          i = n;
        }
        f.removeBlock(b as Block);
        ctx.changes++;
        changed = true;
      }
    }
    b = nextBlock;
  }
  if (changed) ctx.cfgChanged();
  return changed;
}

/** Runs branch folding and CFG simplification; returns true when anything changed. */
export function cfgPass(ctx: FuncContext): boolean {
  ctx.beginPass();
  let changed = false;
  for (let round = 0; round < 8; round++) {
    // Every round ends with all blocks reachable (merging blocks strands none), so after the
    // first round only folded or threaded branches can leave blocks to remove.
    const folded = foldBranches(ctx);
    let progress = folded;
    if ((round === 0 || folded) && ctx.removeUnreachableBlocks() > 0) progress = true;
    const threaded = threadJumps(ctx);
    if (threaded) progress = true;
    if (threaded && ctx.removeUnreachableBlocks() > 0) progress = true;
    if (mergeBlocks(ctx)) progress = true;
    if (!progress) break;
    changed = true;
  }
  ctx.commitAliases();
  return changed;
}
