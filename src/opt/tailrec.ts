/**
 * Pass `tailrec`: self-recursive tail calls become loops, including calls
 * whose result is combined with an accumulator (the "accumulator recursion"
 * form, as in `fib(n - 1) + fib(n - 2)`).
 *
 * Pipeline position: -O2, after inlining and the first cleanup rounds (so
 * that return blocks are simple), before loop passes.
 *
 * A *return site* is a block ending in `return x`, or in `jump R(x)` where R is
 * a *return block* (its only instruction is `return p` of its one parameter).
 * A site is *recursive* when its last instructions are
 *
 *     c = call %self(args)        ; pure tail call  -> jump loop(args, acc)
 *     [r = op e, c  |  op c, e]   ; accumulated     -> jump loop(args, op(acc, e))
 *     return r / jump R(r)
 *
 * with op one of iadd, imul, band, bor, bxor (associative and commutative on
 * wrapping integers, so `acc op (e op f(args)) == (acc op e) op f(args)`) and c
 * used nowhere else. Then the function becomes
 *
 *     new entry(params):  jump old_entry(params, identity(op), DEPTH_BUDGET)
 *     old_entry(params, acc, budget): ... every other return x -> return op(acc, x)
 *     each site:  budget' = budget - 1; brif budget', old_entry(args, acc', budget'), overflow
 *     overflow:   trap stk_ovf
 *
 * so the loop computes `acc op f(params)`, and a recursion that never ends
 * still traps stk_ovf (after DEPTH_BUDGET iterations) instead of hanging. All accumulated sites of a function
 * must use the same op; with only pure tail calls no accumulator is added.
 * Single-result functions only (and result-less ones with pure tail calls).
 *
 * What changes observably: where stk_ovf happens. A finite recursion deeper
 * than the native stack allows but within DEPTH_BUDGET now finishes.
 */
import { Block, Inst, NONE, Value } from '../ir/function.js';
import { Opcode, TrapCode } from '../ir/opcodes.js';
import { Type, typeBits } from '../ir/types.js';
import { FuncContext } from './context.js';

/**
 * Iterations a rewritten function may loop before trapping stk_ovf: the same
 * order as the recursion depth the native stack allows (1 MiB / small frames),
 * so endless recursion still ends in a trap instead of hanging.
 */
export const DEPTH_BUDGET = 1 << 20;

const ACCUMULATORS: readonly Opcode[] = [Opcode.IAdd, Opcode.IMul, Opcode.BAnd, Opcode.BOr, Opcode.BXor];

function identity(op: Opcode): bigint {
  switch (op) {
    case Opcode.IMul: return 1n;
    case Opcode.BAnd: return -1n;
    default: return 0n;
  }
}

/** A recursive return site. */
interface Site {
  /** The block ending in the site. */
  readonly block: number;
  readonly call: Inst;
  /** The accumulating instruction, or -1 for a pure tail call. */
  readonly acc: number;
  /** The other operand of the accumulating instruction. */
  readonly other: Value;
  /** The terminator (return or jump to a return block). */
  readonly term: Inst;
}

/** Runs the pass; returns true when the function was changed. */
export function tailRecPass(ctx: FuncContext): boolean {
  const f = ctx.f;
  ctx.beginPass();
  // A variadic function's self-call passes extra arguments that a loop could not carry.
  if (f.results.length > 1 || f.firstBlock === NONE || f.variadic) return false;
  const single = f.results.length === 1;
  const type = single ? f.results[0]! : 0;
  const integer = single && type !== Type.F32 && type !== Type.F64;
  // Most functions never call themselves: find that out before counting uses.
  let selfCall = false;
  for (let i = 0; i < f.instCount && !selfCall; i++) {
    selfCall = f.instOpcode[i] === Opcode.Call && f.instImm[i] === f.index && f.instBlock[i] !== NONE;
  }
  if (!selfCall) return false;
  // Uses per value, to insist that the call result is used only by the site.
  const uses = ctx.scratchArray(f.valueCount, 0);
  for (let b = f.firstBlock; b !== NONE; b = f.blockNext[b]!) {
    for (let i = f.blockFirst[b]!; i !== NONE; i = f.instNext[i]!) f.forEachUse(i as Inst, (v) => { uses[v]!++; });
  }
  /** The returned value of a return site ending in `term`, or -1 when `term` is not one. */
  const returned = (term: number): number => {
    const op = f.instOpcode[term] as Opcode;
    if (op === Opcode.Return) return single ? f.arg(term as Inst, 0) : NONE - 1;
    if (op !== Opcode.Jump || !single) return -1;
    const d = f.dest(term as Inst, 0);
    const r = f.destBlock[d]!;
    const first = f.blockFirst[r]!;
    if (f.blockParamCount[r] !== 1 || first !== f.blockLast[r] || f.instOpcode[first] !== Opcode.Return) return -1;
    if (f.arg(first as Inst, 0) !== f.blockParam(r as Block, 0)) return -1;
    return f.destArg(d, 0);
  };
  const sites: Site[] = [];
  let accOp = -1;
  for (let b = f.firstBlock; b !== NONE; b = f.blockNext[b]!) {
    const term = f.blockLast[b]!;
    if (term === NONE) continue;
    const r = returned(term);
    if (r === -1) continue;
    let call = f.instPrev[term]!, acc = -1, other = -1 as Value;
    if (single) {
      if (call === NONE) continue;
      if (f.instOpcode[call] !== Opcode.Call) {
        // op e, c just before the terminator?
        acc = call;
        const op = f.instOpcode[acc] as Opcode;
        if (!integer || !ACCUMULATORS.includes(op) || f.result(acc as Inst, 0) !== r || uses[r] !== 1) continue;
        call = f.instPrev[acc]!;
        if (call === NONE || f.instOpcode[call] !== Opcode.Call || f.instResultCount[call] !== 1) continue;
        const c = f.result(call as Inst, 0);
        const a0 = f.arg(acc as Inst, 0), a1 = f.arg(acc as Inst, 1);
        if (a0 === c && a1 !== c) other = a1; else if (a1 === c && a0 !== c) other = a0; else continue;
        if (uses[c] !== 1) continue;
        if (accOp !== -1 && accOp !== op) return false; // mixed operators: leave the function alone
        accOp = op;
      } else if (f.instResultCount[call] !== 1 || f.result(call as Inst, 0) !== r || uses[r] !== 1) continue;
    } else if (call === NONE || f.instOpcode[call] !== Opcode.Call) continue;
    if (f.instImm[call] !== f.index) continue;
    sites.push({ block: b, call: call as Inst, acc, other, term: term as Inst });
  }
  if (sites.length === 0) return false;

  // New entry block; the old entry becomes the loop header with an accumulator parameter.
  const oldEntry = f.firstBlock as Block;
  const entry = f.newBlock();
  const args: Value[] = [];
  for (const t of f.params) args.push(f.appendBlockParam(entry, t));
  f.insertBlockBefore(entry, oldEntry);
  let acc = -1 as Value;
  if (accOp !== -1) {
    acc = f.appendBlockParam(oldEntry, type);
    const c = f.newInst(Opcode.IConst, type, []);
    f.setIconstValue(c, BigInt.asIntN(typeBits(type as Type), identity(accOp as Opcode)));
    f.makeResults(c, [type as Type]);
    f.appendInst(entry, c);
    args.push(f.result(c, 0));
  }
  // The depth budget: the loop traps stk_ovf where endless recursion would have.
  const constant = (t: Type, value: bigint): Value => {
    const c = f.newInst(Opcode.IConst, t, []);
    f.setIconstValue(c, value);
    f.makeResults(c, [t]);
    f.appendInst(entry, c);
    return f.result(c, 0);
  };
  const budget = f.appendBlockParam(oldEntry, Type.I32);
  const one = constant(Type.I32, 1n);
  args.push(constant(Type.I32, BigInt(DEPTH_BUDGET)));
  const j = f.newInst(Opcode.Jump, 0, []);
  f.addDest(j, oldEntry, args);
  f.appendInst(entry, j);
  const overflow = f.newBlock();
  const trap = f.newInst(Opcode.Trap, 0, []);
  f.instImm[trap] = TrapCode.StackOverflow;
  f.appendInst(overflow, trap);
  f.appendBlock(overflow);

  // Non-recursive returns: return op(acc, x). Done before the sites are rewritten (they stop returning).
  const siteTerms = new Set<number>(sites.map((s) => s.term));
  if (acc !== -1) {
    for (let b = f.firstBlock; b !== NONE; b = f.blockNext[b]!) {
      const term = f.blockLast[b]!;
      if (term === NONE || f.instOpcode[term] !== Opcode.Return || siteTerms.has(term)) continue;
      const x = f.arg(term as Inst, 0);
      const t = f.newInst(accOp as Opcode, 0, [acc, x]);
      f.makeResults(t, [type as Type]);
      f.insertInstBefore(t, term as Inst);
      f.setArg(term as Inst, 0, f.result(t, 0));
    }
  }
  // Recursive sites: jump back to the header.
  for (const s of sites) {
    const next: Value[] = f.instArgs(s.call);
    if (acc !== -1) {
      let a = acc;
      if (s.acc !== -1) {
        const t = f.newInst(accOp as Opcode, 0, [acc, s.other]);
        f.makeResults(t, [type as Type]);
        f.insertInstBefore(t, s.term);
        a = f.result(t, 0);
      }
      next.push(a);
    }
    if (s.acc !== -1) f.removeInst(s.acc as Inst);
    f.removeInst(s.call);
    f.removeInst(s.term);
    const left = f.newInst(Opcode.ISub, 0, [budget, one]);
    f.instLoc[left] = f.instLoc[s.call]!;
    f.makeResults(left, [Type.I32]);
    f.appendInst(s.block as Block, left);
    next.push(f.result(left, 0));
    const back = f.newInst(Opcode.Brif, 0, [f.result(left, 0)]);
    f.instLoc[back] = f.instLoc[s.call]!;
    f.addDest(back, oldEntry, next);
    f.addDest(back, overflow, []);
    f.appendInst(s.block as Block, back);
  }
  ctx.changes += sites.length;
  ctx.cfgChanged();
  return true;
}
