/**
 * Pass `inline`: inlining of small functions (module level).
 *
 * Pipeline position: first at -O2, after a quick -O1 cleanup of every function
 * (so callee sizes are realistic); the per-function passes then optimise the
 * inlined code in its context.
 *
 * Terms:
 *  - *inlinable*: a function of this module (not an import) with at most
 *    `threshold` instructions, no stack slots (their per-call zero-filling would
 *    change), not variadic (`va_start` reads the extra arguments of its own
 *    call), and not part of a recursive cycle of the call graph. Exception:
 *    a function whose only cycle is calling itself, with at most threshold / 2
 *    instructions, gets its own body (a snapshot) inlined at each self-call
 *    once — one level of unrolling of the recursion (after `tailrec` has turned
 *    what it can into a loop).
 *  - *continuation*: the block that receives the instructions after the call;
 *    its parameters are the call's results, and each `return` of the inlined
 *    body becomes a `jump` to it.
 *
 * Functions are visited callees-first (Tarjan's SCC order), so a callee has
 * already received its own inlining when it is copied. The callee's entry block
 * is copied into the caller's block (its parameters become the call arguments);
 * every other block becomes a new block. A caller grows by at most `budget`
 * instructions. Call depth (and with it `stk_ovf`) can only get smaller.
 */
import { Block, Dest, Func, Inst, Module, NONE, Value } from '../ir/function.js';
import { Opcode } from '../ir/opcodes.js';
import { Type } from '../ir/types.js';

/** Options of `inlineModule`. */
export interface InlineOptions {
  /** Largest callee (instructions) to inline (default 40). */
  threshold?: number;
  /** Most instructions inlined into one caller (default 4000). */
  budget?: number;
}

function instCountOf(f: Func): number {
  let n = 0;
  for (let b = f.firstBlock; b !== NONE; b = f.blockNext[b]!) for (let i = f.blockFirst[b]!; i !== NONE; i = f.instNext[i]!) n++;
  return n;
}

/**
 * True when `f` must not be copied into another function: it moves its stack pointer (`stack_alloc`,
 * `stack_save`, `stack_restore`: its blocks live until it returns, so a copy inside a caller's loop
 * would keep every iteration's until the caller returns), or it has labels (`label_addr`,
 * `indirect_br`: a label's address belongs to its function, so a copy's would differ from f's).
 */
function usesDynamicStack(f: Func): boolean {
  for (let b = f.firstBlock; b !== NONE; b = f.blockNext[b]!) {
    for (let i = f.blockFirst[b]!; i !== NONE; i = f.instNext[i]!) {
      const op = f.instOpcode[i];
      if (op === Opcode.StackAlloc || op === Opcode.StackSave || op === Opcode.StackRestore) return true;
      if (op === Opcode.LabelAddr || op === Opcode.IndirectBr) return true;
    }
  }
  return false;
}

/** Callee indices of `f`'s direct calls of functions of `m` (not imports), in layout order, repeats kept. */
export function directCallees(m: Module, f: Func): number[] {
  const out: number[] = [];
  for (let b = f.firstBlock; b !== NONE; b = f.blockNext[b]!) {
    for (let i = f.blockFirst[b]!; i !== NONE; i = f.instNext[i]!) {
      if (f.instOpcode[i] === Opcode.Call && m.callees[f.instImm[i]!] instanceof Func) out.push(f.instImm[i]!);
    }
  }
  return out;
}

/** Functions in callees-first order, and whether each lies on a call cycle (by callee index). */
function callGraphOrder(m: Module): { order: Func[]; cyclic: Uint8Array; selfOnly: Uint8Array } {
  const funcs = m.functions();
  const n = m.callees.length;
  const succ: number[][] = [];
  for (const f of funcs) succ[f.index] = directCallees(m, f);
  // Tarjan's algorithm (recursive; call graphs are shallow compared to the JS stack).
  const index = new Int32Array(n).fill(-1), low = new Int32Array(n), onStack = new Uint8Array(n);
  const stack: number[] = [];
  const order: Func[] = [];
  const cyclic = new Uint8Array(n);
  const selfOnly = new Uint8Array(n);
  let counter = 0;
  const strong = (v: number): void => {
    index[v] = low[v] = counter++;
    stack.push(v); onStack[v] = 1;
    for (const w of succ[v] ?? []) {
      if (index[w] === -1) { strong(w); low[v] = Math.min(low[v]!, low[w]!); }
      else if (onStack[w] !== 0) low[v] = Math.min(low[v]!, index[w]!);
    }
    if (low[v] === index[v]) {
      const comp: number[] = [];
      let w: number;
      do { w = stack.pop()!; onStack[w] = 0; comp.push(w); } while (w !== v);
      const selfLoop = (succ[v] ?? []).includes(v);
      if (comp.length === 1 && selfLoop) selfOnly[v] = 1;
      for (const c of comp) {
        if (comp.length > 1 || selfLoop) cyclic[c] = 1;
        order.push(m.callees[c] as Func);
      }
    }
  };
  for (const f of funcs) if (index[f.index] === -1) strong(f.index);
  return { order, cyclic, selfOnly };
}

/** Inlines the call `call` (in `f`) of `g`; returns the number of copied instructions. */
function inlineCall(f: Func, call: Inst, g: Func, aliases: Map<number, number>): number {
  const block = f.instBlock[call]! as Block;
  // Inlined code keeps the callee's locations; where it has none, it takes the call's.
  const callLoc = f.instLoc[call]!;
  // Continuation block: the instructions after the call, with the results as parameters.
  const cont = f.newBlock();
  for (let k = 0; k < f.instResultCount[call]!; k++) {
    const r = f.result(call, k);
    aliases.set(r, f.appendBlockParam(cont, f.typeOf(r)));
  }
  for (let i = f.instNext[call]!; i !== NONE;) {
    const nx = f.instNext[i]!;
    f.removeInst(i as Inst);
    f.appendInst(cont, i as Inst);
    i = nx;
  }
  const after = f.blockNext[block]!;
  if (after === NONE) f.appendBlock(cont); else f.insertBlockBefore(cont, after as Block);

  // Value and block maps from g to f.
  const vmap = new Int32Array(g.valueCount).fill(-1);
  const bmap = new Int32Array(g.blockCount).fill(-1);
  const gEntry = g.entryBlock;
  for (let k = 0; k < g.blockParamCount[gEntry]!; k++) vmap[g.blockParam(gEntry, k)] = f.arg(call, k);
  bmap[gEntry] = block;
  for (let b = g.blockNext[gEntry]!; b !== NONE; b = g.blockNext[b]!) {
    const nb = f.newBlock();
    bmap[b] = nb;
    for (let k = 0; k < g.blockParamCount[b]!; k++) {
      const p = g.blockParam(b as Block, k);
      vmap[p] = f.appendBlockParam(nb, g.typeOf(p));
    }
    f.insertBlockBefore(nb, cont);
  }
  f.removeInst(call);
  const sigMap = new Map<number, number>();
  const copies: Inst[] = [];
  let copied = 0;
  for (let b = gEntry as number; b !== NONE; b = g.blockNext[b]!) {
    const into = bmap[b]! as Block;
    for (let i = g.blockFirst[b]!; i !== NONE; i = g.instNext[i]!) {
      const op = g.instOpcode[i] as Opcode;
      // Fresh small lists per instruction: cheaper in V8 than truncating reused ones (`length = 0`).
      const args: number[] = [];
      for (let k = 0; k < g.instArgCount[i]!; k++) args.push(g.arg(i as Inst, k));
      let c: Inst;
      if (op === Opcode.Return) {
        c = f.newInst(Opcode.Jump, 0, []);
        f.addDest(c, cont, args);
        f.instLoc[c] = g.instLoc[i] || callLoc;
      } else {
        c = f.newInst(op, g.instType[i] as Type, args);
        f.instLoc[c] = g.instLoc[i] || callLoc;
        f.instImm[c] = g.instImm[i]!;
        f.instImm2[c] = g.instImm2[i]!;
        if (op === Opcode.CallIndirect || op === Opcode.CallNative) {
          let s = sigMap.get(g.instImm[i]!);
          if (s === undefined) {
            const sig = g.signatures[g.instImm[i]!]!;
            s = f.signature(sig.params, sig.results, sig.variadic === true);
            sigMap.set(g.instImm[i]!, s);
          }
          f.instImm[c] = s;
        }
        for (let d = 0; d < g.instDestCount[i]!; d++) {
          const gd = g.dest(i as Inst, d);
          const dargs: number[] = [];
          for (let k = 0; k < g.destArgCount[gd]!; k++) dargs.push(g.destArg(gd, k));
          f.addDest(c, bmap[g.destBlock[gd]!]! as Block, dargs);
        }
        const types: Type[] = [];
        for (let k = 0; k < g.instResultCount[i]!; k++) {
          const r = g.pool[g.instResultStart[i]! + k]!;
          types.push(g.typeOf(r as Value));
        }
        f.makeResults(c, types);
        for (let k = 0; k < types.length; k++) vmap[g.pool[g.instResultStart[i]! + k]!] = f.result(c, k);
      }
      f.appendInst(into, c);
      copies.push(c);
      copied++;
    }
  }
  // Operands may refer to values defined later in g's layout: map them now.
  for (const c of copies) {
    for (let k = 0; k < f.instArgCount[c]!; k++) f.setArg(c, k, vmap[f.arg(c, k)]! as Value);
    for (let d = 0; d < f.instDestCount[c]!; d++) {
      const dest = f.dest(c, d);
      for (let k = 0; k < f.destArgCount[dest]!; k++) f.setDestArg(dest as Dest, k, vmap[f.destArg(dest, k)]! as Value);
    }
  }
  return copied;
}

/**
 * Inlines small non-recursive functions into their callers; returns true when anything changed.
 * `changedFuncs` receives every function that something was inlined into.
 */
export function inlineModule(m: Module, options: InlineOptions = {}, changedFuncs?: Set<Func>): boolean {
  const threshold = options.threshold ?? 40;
  const budget = options.budget ?? 4000;
  const { order, cyclic, selfOnly } = callGraphOrder(m);
  const size = new Map<Func, number>();
  let changed = false;
  for (const f of order) {
    let grown = 0;
    const aliases = new Map<number, number>();
    // Calls found in the original layout; copied bodies contain only calls that were not inlinable in g.
    const calls: Inst[] = [];
    for (let b = f.firstBlock; b !== NONE; b = f.blockNext[b]!) {
      for (let i = f.blockFirst[b]!; i !== NONE; i = f.instNext[i]!) if (f.instOpcode[i] === Opcode.Call) calls.push(i as Inst);
    }
    // A function that calls only itself may receive one copy of its own body per
    // self-call (one level of unrolling of the recursion): copied from a snapshot
    // taken before this function changes, so the copies keep their calls.
    let self: Func | undefined;
    if (selfOnly[f.index] !== 0 && f.stackSlots.length === 0 && !f.variadic && !usesDynamicStack(f)) {
      const n = instCountOf(f);
      if (n <= threshold / 2) { self = f.cloneInto(m); size.set(self, n); }
    }
    for (const call of calls) {
      let g = m.callees[f.instImm[call]!];
      if (g === f && self !== undefined) g = self;
      // A variadic function's extra arguments live in its own frame (va_start): never inlined.
      else if (!(g instanceof Func) || g === f || cyclic[g.index] !== 0 || g.stackSlots.length > 0 || g.firstBlock === NONE || g.variadic) continue;
      let n = size.get(g);
      // -1: a function that moves its stack pointer.
      if (n === undefined) { n = usesDynamicStack(g) ? -1 : instCountOf(g); size.set(g, n); }
      if (n < 0) continue;
      if (n > threshold || grown + n > budget) continue;
      // Earlier inlining may have renamed this call's operands through `aliases`: apply them first.
      for (let k = 0; k < f.instArgCount[call]!; k++) {
        let v: number = f.arg(call, k);
        while (aliases.has(v)) v = aliases.get(v)!;
        f.setArg(call, k, v as Value);
      }
      grown += inlineCall(f, call, g, aliases);
      changed = true;
      changedFuncs?.add(f);
    }
    if (aliases.size > 0) {
      const map = new Int32Array(f.valueCount).fill(-1);
      for (const [k, v] of aliases) map[k] = v;
      f.replaceValues(map);
    }
    size.set(f, usesDynamicStack(f) ? -1 : instCountOf(f));
  }
  return changed;
}
