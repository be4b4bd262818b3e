/**
 * Pass `licm`: loop-invariant code motion.
 *
 * Pipeline position: -O2, after `gvn` (so invariant expressions are unique);
 * `cfg` afterwards removes preheaders that received nothing.
 *
 * Terms:
 *  - *back edge*: an edge B -> H where H dominates B; H is a loop *header*, B a
 *    *latch*.
 *  - *natural loop* of H (its *body*): H plus every block that reaches a latch
 *    without passing through H.
 *  - *preheader*: a new block P with H's parameter types, taking every
 *    non-back edge into H and jumping to H with its parameters; P dominates the
 *    loop and runs once per entry into it.
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
import { Block, Inst, NONE, Value } from '../ir/function.js';
import { OPCODES, OpFlags, Opcode } from '../ir/opcodes.js';
import { Type } from '../ir/types.js';
import { FuncContext, isPure, Scratch } from './context.js';

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

/** Collects the natural loop of header `h` into `body` (header first), stamping its blocks with `id`. */
function collectBody(ctx: FuncContext, h: number, id: number, stamp: Int32Array, body: number[], stack: number[]): void {
  body.length = 0;
  body.push(h);
  stamp[h] = id;
  for (let e = ctx.predStart[h]!; e < ctx.predStart[h + 1]!; e++) {
    const l = ctx.predBlock[e]!;
    if (ctx.dominates(h, l) && stamp[l] !== id) { stamp[l] = id; body.push(l); stack.push(l); }
  }
  while (stack.length > 0) {
    const b = stack.pop()!;
    for (let e = ctx.predStart[b]!; e < ctx.predStart[b + 1]!; e++) {
      const q = ctx.predBlock[e]!;
      if (stamp[q] !== id && ctx.rpoIndex[q]! >= 0) { stamp[q] = id; body.push(q); stack.push(q); }
    }
  }
}

/**
 * True when the first hoisting round would move something out of some loop, judged on
 * the CFG without preheaders (a preheader is outside its loop, so the bodies are the
 * same). Otherwise the pass would only add preheaders, which `cfg` removes again.
 */
function anyHoistable(ctx: FuncContext, headers: readonly number[]): boolean {
  const f = ctx.f;
  const stamp = ctx.i32(Scratch.LicmStamp, f.blockCount, -1);
  const body: number[] = [], stack: number[] = [];
  for (let id = 0; id < headers.length; id++) {
    collectBody(ctx, headers[id]!, id, stamp, body, stack);
    for (const b of body) {
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

/** Runs LICM; returns true when anything was hoisted (then preheaders were created for every loop). */
export function licmPass(ctx: FuncContext): boolean {
  const f = ctx.f;
  ctx.beginPass();
  ctx.removeUnreachableBlocks();
  ctx.ensureDominators();
  const headers: number[] = [];
  for (let k = 0; k < ctx.rpoCount; k++) {
    const b = ctx.rpo[k]!;
    for (let p = ctx.predStart[b]!; p < ctx.predStart[b + 1]!; p++) {
      if (ctx.dominates(b, ctx.predBlock[p]!)) { headers.push(b); break; }
    }
  }
  if (headers.length === 0 || !anyHoistable(ctx, headers)) return false;

  // 1. Preheaders, all at once, from the original predecessor lists.
  const preheaderJump: number[] = [];
  const types: Type[] = [];
  for (const h of headers) {
    const p = f.newBlock();
    types.length = 0;
    for (let i = 0; i < f.blockParamCount[h]!; i++) types.push(f.typeOf(f.blockParam(h as Block, i)));
    const params: Value[] = [];
    for (const t of types) params.push(f.appendBlockParam(p, t));
    f.insertBlockBefore(p, h as Block);
    for (let e = ctx.predStart[h]!; e < ctx.predStart[h + 1]!; e++) {
      if (!ctx.dominates(h, ctx.predBlock[e]!)) f.destBlock[ctx.predDest[e]!] = p;
    }
    const j = f.newInst(Opcode.Jump, 0, []);
    f.addDest(j, h as Block, params);
    f.appendInst(p, j);
    preheaderJump.push(j);
  }
  ctx.changes += headers.length;

  // 2. Loop bodies on the new CFG.
  ctx.cfgChanged();
  ctx.computeDominators();
  const nb = f.blockCount;
  const stamp = ctx.i32(Scratch.LicmStamp, nb, -1);
  const bodies: number[][] = [];
  const stack: number[] = [];
  headers.forEach((h, id) => {
    const body: number[] = [];
    collectBody(ctx, h, id, stamp, body, stack);
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
    for (let round = 0; round < 8; round++) {
      let moved = false;
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
            moved = true;
            hoisted++;
          } else if (verdict === Verdict.Blocks) {
            clean = false;
          }
          i = nx;
        }
      }
      if (!moved) break;
    }
    for (const b of body) inLoop[b] = -1;
  }
  ctx.changes += hoisted;
  return true;
}
