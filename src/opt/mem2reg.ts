/**
 * Pass `mem2reg`: promotes stack slots to SSA values.
 *
 * Pipeline position: run by front ends right after IR generation (the C front
 * end gives every local a stack slot and runs this at every level), and
 * available by name to `optimize` and `test optimize` filetests.
 *
 * A slot is promotable when every `stack_addr` of it has offset 0 and every
 * use of those addresses is the address operand of a `load`/`store` (or an
 * extending load) that covers the whole slot with one memory type. Stores
 * become definitions, loads become uses, and block parameters are placed at
 * the iterated dominance frontier of the stores, pruned to blocks where the
 * slot is live (Cytron et al., with liveness pruning). Reads before any store
 * see zero (the interpreter's zero-filled stack slots; C leaves them
 * indeterminate). Terms: *memory type* = the type the slot is accessed as;
 * *upward-exposed* = loaded in a block before any store in it.
 */
import { Block, Dest, Inst, NONE, Value } from '../ir/function.js';
import { Opcode } from '../ir/opcodes.js';
import { Type, typeBytes } from '../ir/types.js';
import { FuncContext } from './context.js';

/** The memory type implied by an access, or Invalid for accesses that do not cover a whole slot. */
function accessType(op: Opcode, ctrl: Type): Type {
  switch (op) {
    case Opcode.Load: return ctrl;
    case Opcode.SLoad8: case Opcode.ULoad8: return Type.I8;
    case Opcode.SLoad16: case Opcode.ULoad16: return Type.I16;
    case Opcode.SLoad32: case Opcode.ULoad32: return Type.I32;
    case Opcode.Store: return ctrl;
    default: return Type.Invalid;
  }
}

function isFloatType(t: Type): boolean {
  return t === Type.F32 || t === Type.F64;
}

/** Promotes every promotable stack slot of `ctx.f`; returns true when it changed something. */
export function mem2regPass(ctx: FuncContext): boolean {
  const f = ctx.f;
  const nslots = f.stackSlots.length;
  if (nslots === 0 || f.firstBlock === NONE) return false;
  ctx.beginPass();
  const cfgChanged = ctx.removeUnreachableBlocks() > 0;
  // 1. Which slots are promotable, and their memory types.
  const memType = new Int32Array(nslots).fill(-1); // -1 unseen, -2 not promotable, else Type
  const isAddr = new Int32Array(f.valueCount).fill(-1); // stack_addr result -> slot
  for (let b = f.firstBlock; b !== NONE; b = f.blockNext[b]!) {
    for (let i = f.blockFirst[b]!; i !== NONE; i = f.instNext[i]!) {
      if (f.instOpcode[i] === Opcode.StackAddr) {
        const slot = f.instImm[i]!;
        if (f.instImm2[i] !== 0) memType[slot] = -2;
        isAddr[f.result(i as Inst)] = slot;
      }
    }
  }
  const reject = (v: number): void => {
    const s = isAddr[v]!;
    if (s >= 0) memType[s] = -2;
  };
  for (let b = f.firstBlock; b !== NONE; b = f.blockNext[b]!) {
    for (let i = f.blockFirst[b]!; i !== NONE; i = f.instNext[i]!) {
      const op = f.instOpcode[i] as Opcode;
      const as = f.instArgStart[i]!, an = f.instArgCount[i]!;
      const mt = accessType(op, f.instType[i] as Type);
      const addrArg = op === Opcode.Store ? 1 : 0;
      for (let k = 0; k < an; k++) {
        const v = f.pool[as + k]!;
        const slot = isAddr[v]!;
        if (slot < 0) continue;
        if (mt === Type.Invalid || k !== addrArg || f.instImm[i] !== 0) { memType[slot] = -2; continue; }
        if (memType[slot] === -2) continue;
        if (typeBytes(mt) !== f.stackSlots[slot]!.size) { memType[slot] = -2; continue; }
        if (memType[slot] === -1) memType[slot] = mt;
        else if (memType[slot] !== mt) memType[slot] = -2;
        // A float slot must be stored as a float; an integer slot may take wider integer stores (truncating).
        if (op === Opcode.Store) {
          const vt = f.typeOf(f.pool[as]! as Value);
          if (isFloatType(mt) !== isFloatType(vt) || (vt === Type.Ptr) !== (mt === Type.Ptr)) memType[slot] = -2;
        }
      }
      const ds = f.instDestStart[i]!, dn = f.instDestCount[i]!;
      for (let d = ds; d < ds + dn; d++) for (let k = 0; k < f.destArgCount[d]!; k++) reject(f.destArg(d as Dest, k));
    }
  }
  const promoted: number[] = [];
  const varOf = new Int32Array(nslots).fill(-1);
  for (let s = 0; s < nslots; s++) if (memType[s]! >= 0) { varOf[s] = promoted.length; promoted.push(s); }
  if (promoted.length === 0) return cfgChanged;
  const nv = promoted.length;
  ctx.ensureDominators();
  const nb = f.blockCount;
  // 2. Per variable: blocks that store it, blocks where it is upward-exposed.
  const defBlocks: number[][] = promoted.map(() => []);
  const useBlocks: number[][] = promoted.map(() => []);
  const lastMark = new Int32Array(nv).fill(-1);
  const storedIn = new Int32Array(nv).fill(-1);
  for (let b = f.firstBlock; b !== NONE; b = f.blockNext[b]!) {
    for (let i = f.blockFirst[b]!; i !== NONE; i = f.instNext[i]!) {
      const op = f.instOpcode[i] as Opcode;
      if (op === Opcode.Store) {
        const s = isAddr[f.arg(i as Inst, 1)]!;
        if (s < 0 || varOf[s]! < 0) continue;
        const v = varOf[s]!;
        if (storedIn[v] !== b) { storedIn[v] = b; defBlocks[v]!.push(b); }
      } else if (accessType(op, f.instType[i] as Type) !== Type.Invalid && f.instArgCount[i] === 1) {
        const s = isAddr[f.arg(i as Inst, 0)]!;
        if (s < 0 || varOf[s]! < 0) continue;
        const v = varOf[s]!;
        if (storedIn[v] !== b && lastMark[v] !== b) { lastMark[v] = b; useBlocks[v]!.push(b); }
      }
    }
  }
  // 3. Dominance frontiers (Cooper, Harvey & Kennedy).
  const df: number[][] = [];
  for (let b = 0; b < nb; b++) df.push([]);
  for (let b = f.firstBlock; b !== NONE; b = f.blockNext[b]!) {
    if (ctx.predCount(b) < 2) continue;
    for (let p = ctx.predStart[b]!; p < ctx.predStart[b + 1]!; p++) {
      let r = ctx.predBlock[p]!;
      while (r !== ctx.dom.idom[b] && r !== -1) {
        const list = df[r]!;
        if (list[list.length - 1] !== b) list.push(b);
        if (ctx.dom.idom[r] === r) break;
        r = ctx.dom.idom[r]!;
      }
    }
  }
  // 4. Place parameters: iterated DF of defs, where the variable is live in.
  const paramOf: Int32Array[] = []; // per block: variable -> param value (lazily)
  const blockVars: number[][] = [];
  for (let b = 0; b < nb; b++) blockVars.push([]);
  const liveIn = new Uint8Array(nb);
  const hasParam = new Int32Array(nb).fill(-1);
  const inWork = new Int32Array(nb).fill(-1);
  const isDef = new Int32Array(nb).fill(-1);
  for (let v = 0; v < nv; v++) {
    liveIn.fill(0);
    for (const b of defBlocks[v]!) isDef[b] = v;
    // Liveness: from upward-exposed uses backwards until a defining block.
    const stack: number[] = [...useBlocks[v]!];
    for (const b of stack) liveIn[b] = 1;
    while (stack.length > 0) {
      const b = stack.pop()!;
      for (let p = ctx.predStart[b]!; p < ctx.predStart[b + 1]!; p++) {
        const q = ctx.predBlock[p]!;
        if (liveIn[q] === 1 || isDef[q] === v) continue;
        liveIn[q] = 1;
        stack.push(q);
      }
    }
    const work: number[] = [...defBlocks[v]!];
    for (const b of work) inWork[b] = v;
    while (work.length > 0) {
      const b = work.pop()!;
      for (const y of df[b]!) {
        if (hasParam[y] === v || liveIn[y] === 0) continue;
        hasParam[y] = v;
        blockVars[y]!.push(v);
        if (inWork[y] !== v) { inWork[y] = v; work.push(y); }
      }
    }
  }
  const mtOf = (v: number): Type => memType[promoted[v]!]! as Type;
  for (let b = 0; b < nb; b++) {
    const vars = blockVars[b]!;
    if (vars.length === 0) continue;
    const m = new Int32Array(nv).fill(-1);
    for (const v of vars) m[v] = f.appendBlockParam(b as Block, mtOf(v));
    paramOf[b] = m;
  }
  // 5. Rename along the dominator tree.
  const replace = new Int32Array(f.valueCount).fill(-1);
  const resolve = (x: number): number => {
    while (replace[x]! >= 0) x = replace[x]!;
    return x;
  };
  const entry = f.firstBlock;
  const zeros = new Int32Array(nv).fill(-1);
  const atEntry = (inst: Inst, t: Type): number => {
    f.makeResults(inst, [t]);
    const head = f.blockFirst[entry]!;
    if (head !== NONE) f.insertInstBefore(inst, head as Inst); else f.appendInst(entry as Block, inst);
    return f.result(inst);
  };
  const zeroOf = (v: number): number => {
    if (zeros[v]! >= 0) return zeros[v]!;
    const t = mtOf(v);
    let z: number;
    if (t === Type.F32 || t === Type.F64) {
      const inst = f.newInst(Opcode.FConst, t, []); // bits 0: +0.0
      z = atEntry(inst, t);
    } else if (t === Type.Ptr) {
      // Bitcast a 0 of i64, both placed before the entry's first instruction (in that order).
      const c = f.newInst(Opcode.IConst, Type.I64, []);
      f.setIconstValue(c, 0n);
      f.makeResults(c, [Type.I64]);
      const cast = f.newInst(Opcode.Bitcast, Type.Ptr, [f.result(c)]);
      z = atEntry(cast, Type.Ptr);
      f.insertInstBefore(c, cast);
    } else {
      const inst = f.newInst(Opcode.IConst, t, []);
      f.setIconstValue(inst, 0n);
      z = atEntry(inst, t);
    }
    zeros[v] = z;
    return z;
  };
  const current = new Int32Array(nv).fill(-1);
  const toRemove: number[] = [];
  const convertBefore = (at: Inst, op: Opcode, t: Type, x: number): number => {
    const c = f.newInst(op, t, [x]);
    f.makeResults(c, [t]);
    f.insertInstBefore(c, at);
    return f.result(c);
  };
  // Iterative DFS over the dominator tree with saved variable states.
  const stackB: number[] = [entry];
  const saved: Int32Array[] = [];
  const iter: number[] = [ctx.dom.childStart[entry]!];
  const enter = (b: number): void => {
    saved.push(current.slice());
    const pm = paramOf[b];
    if (pm !== undefined) for (let v = 0; v < nv; v++) if (pm[v]! >= 0) current[v] = pm[v]!;
    for (let i = f.blockFirst[b]!; i !== NONE; i = f.instNext[i]!) {
      const op = f.instOpcode[i] as Opcode;
      if (op === Opcode.StackAddr) {
        if (varOf[f.instImm[i]!]! >= 0) toRemove.push(i);
        continue;
      }
      if (op === Opcode.Store) {
        const s = isAddr[f.arg(i as Inst, 1)]!;
        if (s < 0 || varOf[s]! < 0) continue;
        const v = varOf[s]!;
        let x = resolve(f.arg(i as Inst, 0));
        const mt = mtOf(v);
        const xt = f.typeOf(x as Value);
        if (xt !== mt) x = convertBefore(i as Inst, Opcode.Trunc, mt, x);
        current[v] = x;
        toRemove.push(i);
        continue;
      }
      const mt0 = accessType(op, f.instType[i] as Type);
      if (mt0 === Type.Invalid || f.instArgCount[i] !== 1) continue;
      const s = isAddr[f.arg(i as Inst, 0)]!;
      if (s < 0 || varOf[s]! < 0) continue;
      const v = varOf[s]!;
      let x = current[v]! >= 0 ? current[v]! : zeroOf(v);
      const rt = f.instType[i] as Type;
      if (op === Opcode.SLoad8 || op === Opcode.SLoad16 || op === Opcode.SLoad32) x = convertBefore(i as Inst, Opcode.SExt, op === Opcode.SLoad32 ? Type.I64 : rt, x);
      else if (op === Opcode.ULoad8 || op === Opcode.ULoad16 || op === Opcode.ULoad32) x = convertBefore(i as Inst, Opcode.ZExt, op === Opcode.ULoad32 ? Type.I64 : rt, x);
      replace[f.result(i as Inst)] = x;
      toRemove.push(i);
    }
    // Pass the current values to successors' new parameters.
    const t = f.blockLast[b]!;
    if (t === NONE) return;
    const ds = f.instDestStart[t]!, dn = f.instDestCount[t]!;
    for (let d = ds; d < ds + dn; d++) {
      const target = f.destBlock[d]!;
      const vars = blockVars[target]!;
      if (vars.length === 0) continue;
      const args: number[] = [];
      for (let k = 0; k < f.destArgCount[d]!; k++) args.push(f.destArg(d as Dest, k));
      for (const v of vars) args.push(current[v]! >= 0 ? current[v]! : zeroOf(v));
      f.setDestArgs(d as Dest, args);
    }
  };
  enter(entry);
  while (stackB.length > 0) {
    const top = stackB.length - 1;
    const b = stackB[top]!;
    const k = iter[top]!;
    if (k < ctx.dom.childStart[b + 1]!) {
      iter[top] = k + 1;
      const c = ctx.dom.children[k]!;
      stackB.push(c);
      iter.push(ctx.dom.childStart[c]!);
      enter(c);
    } else {
      stackB.pop();
      iter.pop();
      current.set(saved.pop()!);
    }
  }
  // 6. Rewrite uses of removed loads, then delete the memory operations.
  const map = new Int32Array(f.valueCount).fill(-1);
  let any = false;
  for (let x = 0; x < replace.length; x++) if (replace[x]! >= 0) { map[x] = resolve(x); any = true; }
  if (any) f.replaceValues(map);
  for (const i of toRemove) f.removeInst(i as Inst);
  ctx.cfgChanged();
  return true;
}
