/**
 * Pass `licm`: loop-invariant code motion.
 *
 * Pipeline position: -O2, after `simplify` (so invariant expressions are unique).
 *
 * Terms:
 *  - *back edge*: an edge B -> H where H dominates B; H is a loop *header*, B a
 *    *latch*.
 *  - *natural loop* of H (its *body*): H plus every block that reaches a latch
 *    without passing through H (the shared loop analysis, src/analysis/loops.ts).
 *  - *preheader*: a block P that dominates the loop, runs once per entry into
 *    it and ends in a jump to H. When one edge enters H, from a block ending in
 *    a jump, that block is P. When one edge enters H from a branch, P is a new
 *    block without parameters that takes the edge and passes its arguments on.
 *    Otherwise P is a new block with H's parameter types, taking every non-back
 *    edge into H and jumping to H with its parameters. (These are the shapes the
 *    cleanups would reduce a preheader with parameters to; new preheaders that
 *    receive nothing are removed again, so the cleanups find nothing to undo.)
 *  - *invariant*: a pure instruction (no effect, no trap, no memory access)
 *    whose operands are all defined outside the body.
 *
 * All preheaders are created first, the CFG is recomputed once, then loops are
 * processed innermost first (smaller bodies first), so an expression hoisted
 * into an inner preheader can move on to an outer one. Pure instructions move
 * from anywhere in the body: executing them when the body would not have run
 * (zero-trip loops, untaken branches) changes nothing observable. A trapping
 * instruction (`sdiv`, `fcvt_to_sint`, ...) moves only from the header and only
 * while every instruction before it there is pure: the header runs right after
 * the preheader, so the trap would have happened at the same point anyway. A value
 * defined outside the body that a body instruction uses dominates that use,
 * and every path to the use passes through P, so it dominates P's end as well.
 */
import { Block, Dest, Func, Inst, NONE, Value } from '../ir/function.js';
import { OPCODES, OpFlags, Opcode } from '../ir/opcodes.js';
import { Type } from '../ir/types.js';
import { FuncContext, isPure, Scratch } from './context.js';
import { isLoopHeader, naturalLoop } from '../analysis/loops.js';

/** Opcodes that may trap but have no other effect and touch no memory (division, float-to-int). */
function isTrappingArithmetic(op: Opcode): boolean {
  const fl = OPCODES[op]!.flags;
  return (fl & OpFlags.CanTrap) !== 0 && (fl & (OpFlags.SideEffects | OpFlags.MemRead | OpFlags.MemWrite | OpFlags.Call | OpFlags.Terminator)) === 0;
}

/** What the hoisting loop does with one instruction of a loop body. */
const enum Verdict {
  /** Stays, and later trapping instructions of the block may still move. */
  Stays,
  /** Moves to the preheader. */
  Hoist,
  /** Stays, and no later trapping instruction of the block may move. */
  Blocks,
}

/**
 * The verdict on instruction `i` of loop `id` (blocks with `inLoop[b] === id`), where
 * `clean` says that every instruction before it in the header is pure (else false).
 */
function judge(ctx: FuncContext, i: number, clean: boolean, inLoop: Int32Array, id: number): Verdict {
  const f = ctx.f;
  const op = f.instOpcode[i] as Opcode;
  const pure = isPure(op);
  if (f.instResultCount[i] === 1 && (pure || (clean && isTrappingArithmetic(op)))) {
    let ok = true;
    for (let k = 0; k < f.instArgCount[i]! && ok; k++) ok = inLoop[ctx.defBlock(f.arg(i as Inst, k))] !== id;
    if (ok) return Verdict.Hoist;
    return pure ? Verdict.Stays : Verdict.Blocks;
  }
  return pure ? Verdict.Stays : Verdict.Blocks;
}

/**
 * Collects the natural loop of header `h` (src/analysis/loops.ts) into `body` (header first, room
 * for every block), stamping its blocks with `id`; returns the block count.
 */
function collectBody(ctx: FuncContext, h: number, id: number, stamp: Int32Array, body: Int32Array): number {
  return naturalLoop(ctx, ctx.dom, h, id, stamp, body, ctx.i32(Scratch.LicmStack, ctx.f.blockCount, 0));
}

/**
 * True when the hoisting pass would move something out of some loop, judged on
 * the CFG without preheaders (a preheader is outside its loop, so the bodies are the
 * same). Otherwise the pass would only add preheaders, which `cfg` removes again.
 */
function anyHoistable(ctx: FuncContext, headers: readonly number[]): boolean {
  const f = ctx.f;
  const stamp = ctx.i32(Scratch.LicmStamp, f.blockCount, -1), body = ctx.i32(Scratch.LicmBody, f.blockCount, 0);
  for (let id = 0; id < headers.length; id++) {
    const n = collectBody(ctx, headers[id]!, id, stamp, body);
    for (let k = 0; k < n; k++) {
      const b = body[k]!;
      let clean = b === headers[id];
      for (let i = f.blockFirst[b]!; i !== NONE; i = f.instNext[i]!) {
        const verdict = judge(ctx, i, clean, stamp, id);
        if (verdict === Verdict.Hoist) return true;
        if (verdict === Verdict.Blocks) clean = false;
      }
    }
  }
  return false;
}

/** Moves the argument list of destination `from` to `to` (which has none); `from` is left with none. */
function moveDestArgs(f: Func, from: Dest, to: Dest): void {
  f.destArgStart[to] = f.destArgStart[from]!;
  f.destArgCount[to] = f.destArgCount[from]!;
  f.destArgCount[from] = 0;
}

/** Runs LICM; returns true when anything was hoisted. */
export function licmPass(ctx: FuncContext): boolean {
  const f = ctx.f;
  ctx.beginPass();
  ctx.removeUnreachableBlocks();
  ctx.ensureDominators();
  const headers: number[] = [];
  for (let k = 0; k < ctx.rpoCount; k++) if (isLoopHeader(ctx, ctx.dom, ctx.rpo[k]!)) headers.push(ctx.rpo[k]!);
  if (headers.length === 0 || !anyHoistable(ctx, headers)) return false;

  // 1. Preheaders, all at once, from the original predecessor lists. Where the later
  //    cleanups would fold a new preheader away again, it is not made (the pipeline then
  //    has nothing to undo, and its cleanup rounds find nothing to do):
  //    - a loop entered by one edge, from a block ending in a jump: that block is the
  //      preheader (it runs once per entry into the loop and falls into the header);
  //    - a loop entered by one edge from a branch: a new block without parameters, which
  //      passes the edge's arguments on (parameters would only be copies of them);
  //    - otherwise a new block with the header's parameter types takes every entry edge.
  const preheaderJump: number[] = [];
  /** Per header: the new preheader block, or -1 when an existing block serves. */
  const madeBlock: number[] = [];
  /** Per header with a new preheader: the entry destinations redirected to it (undone if it stays empty). */
  const redirected: number[][] = [];
  const types: Type[] = [];
  for (const h of headers) {
    let entry = -1, entries = 0;
    for (let e = ctx.predStart[h]!; e < ctx.predStart[h + 1]!; e++) {
      if (!ctx.dominates(h, ctx.predBlock[e]!)) { entry = e; entries++; }
    }
    if (entries === 1 && f.instOpcode[ctx.predInst[entry]!] === Opcode.Jump) {
      preheaderJump.push(ctx.predInst[entry]!);
      madeBlock.push(-1);
      redirected.push([]);
      continue;
    }
    const p = f.newBlock();
    const j = f.newInst(Opcode.Jump, 0, []);
    f.instLoc[j] = f.instLoc[ctx.predInst[entry]!]!; // where the branch into the loop was
    const dests: number[] = [];
    if (entries === 1) {
      const d = ctx.predDest[entry]! as Dest;
      const jd = f.addDest(j, h as Block, []);
      moveDestArgs(f, d, jd);
      f.destBlock[d] = p;
      dests.push(d);
    } else {
      types.length = 0;
      for (let i = 0; i < f.blockParamCount[h]!; i++) types.push(f.typeOf(f.blockParam(h as Block, i)));
      const params: Value[] = [];
      for (const t of types) params.push(f.appendBlockParam(p, t));
      for (let e = ctx.predStart[h]!; e < ctx.predStart[h + 1]!; e++) {
        if (!ctx.dominates(h, ctx.predBlock[e]!)) { f.destBlock[ctx.predDest[e]!] = p; dests.push(ctx.predDest[e]!); }
      }
      f.addDest(j, h as Block, params);
    }
    f.insertBlockBefore(p, h as Block);
    f.appendInst(p, j);
    preheaderJump.push(j);
    madeBlock.push(p);
    redirected.push(dests);
  }
  const newBlocks = madeBlock.some((p) => p !== -1);

  // 2. Loop bodies on the new CFG (moving instructions between blocks changes no edge).
  if (newBlocks) {
    ctx.cfgChanged();
    ctx.computeDominators();
  }
  const nb = f.blockCount;
  const stamp = ctx.i32(Scratch.LicmStamp, nb, -1);
  const bodies: number[][] = [];
  const found = ctx.i32(Scratch.LicmBody, nb, 0);
  headers.forEach((h, id) => {
    const body = Array.from(found.subarray(0, collectBody(ctx, h, id, stamp, found)));
    body.sort((a, b) => ctx.rpoIndex[a]! - ctx.rpoIndex[b]!);
    bodies.push(body);
  });
  const order = headers.map((_, i) => i).sort((a, b) => bodies[a]!.length - bodies[b]!.length);

  // 3. Hoist, innermost loops first.
  const inLoop = ctx.i32(Scratch.LicmInLoop, nb, -1);
  let hoisted = 0;
  for (const id of order) {
    const body = bodies[id]!;
    for (const b of body) inLoop[b] = id;
    const jump = preheaderJump[id]! as Inst;
    // One pass is enough: the body is in reverse postorder, so an instruction comes after
    // the definitions of its operands (block parameters never move), and once those have
    // moved its own verdict is Hoist; what blocks a trapping instruction in the header is
    // something that never moves (a memory access, a call, a trap with loop-varying operands).
    for (const b of body) {
      // In the header, a trapping instruction (sdiv, fcvt_to_sint, ...) may move too
      // while everything before it is pure: the preheader always falls into the
      // header, which would reach it and trap at the same point of the program.
      let clean = b === headers[id];
      for (let i = f.blockFirst[b]!; i !== NONE;) {
        const nx = f.instNext[i]!;
        const verdict = judge(ctx, i, clean, inLoop, id);
        if (verdict === Verdict.Hoist) {
          f.removeInst(i as Inst);
          f.insertInstBefore(i as Inst, jump);
          hoisted++;
        } else if (verdict === Verdict.Blocks) {
          clean = false;
        }
        i = nx;
      }
    }
    for (const b of body) inLoop[b] = -1;
  }
  ctx.changes += hoisted;

  // 4. New preheaders that received nothing go again: their entry edges lead to the header as before.
  if (newBlocks) {
    for (let id = 0; id < headers.length; id++) {
      const p = madeBlock[id]!;
      if (p === -1 || f.blockFirst[p] !== preheaderJump[id]) continue;
      const h = headers[id]!, dests = redirected[id]!;
      if (f.blockParamCount[p] === 0 && dests.length === 1) moveDestArgs(f, f.dest(preheaderJump[id]! as Inst, 0), dests[0]! as Dest);
      for (const d of dests) f.destBlock[d] = h;
      f.removeBlock(p as Block);
    }
    ctx.cfgChanged();
  }
  return true;
}
