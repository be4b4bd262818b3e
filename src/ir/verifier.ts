/**
 * Verifier: rejects malformed IR before lowering. Also exports the per-instruction
 * operand checker (`checkInst`) and result-type rule (`resultTypes`) that the
 * builder and the parser use, so that every layer agrees on typing.
 *
 * Messages: `verify: function NAME, blockN, inst TEXT: PROBLEM` (block/inst parts
 * omitted when not applicable).
 *
 * Terms: *dominates*: block A dominates B when every path from the entry to B
 * passes through A. Computed with the iterative algorithm of Cooper, Harvey and
 * Kennedy over reverse postorder.
 */
import { Block, Func, Inst, Module, NONE, Value, ValueKind } from './function.js';
import { describe } from '../util/describe.js';
import { Format, OPCODES, Opcode, OperandClass, ResultRule, INT_CC_NAMES, FLOAT_CC_NAMES, OpFlags } from './opcodes.js';
import { instText } from './printer.js';
import { Signature, Type, isFloatType, isIntType, isValidType, typeBits, typeName } from './types.js';

function classText(c: OperandClass): string {
  return c === OperandClass.Int ? 'an integer type' : 'a float type';
}

function fitsClass(t: Type, c: OperandClass): boolean {
  return c === OperandClass.Int ? isIntType(t) : c === OperandClass.Float ? isFloatType(t) : isValidType(t);
}

function checkArgsAgainst(f: Func, inst: Inst, from: number, sig: Signature, what: string): string | null {
  const n = f.instArgCount[inst]! - from;
  if (n !== sig.params.length) return `${what} expects ${sig.params.length} argument${sig.params.length === 1 ? '' : 's'}, got ${n}`;
  for (let i = 0; i < n; i++) {
    const t = f.typeOf(f.arg(inst, from + i));
    if (t !== sig.params[i]) return `argument ${i} of ${what} has type ${typeName(t)}, expected ${typeName(sig.params[i]!)}`;
  }
  return null;
}

function checkDests(f: Func, inst: Inst): string | null {
  for (let i = 0; i < f.instDestCount[inst]!; i++) {
    const d = f.dest(inst, i);
    const b = f.destBlock[d]!;
    if (!f.isBlock(b) || f.blockInLayout[b] === 0) return `unknown block block${b}`;
    if (b === f.firstBlock) return `branch to the entry block block${b}`;
    const want = f.blockParamCount[b]!, got = f.destArgCount[d]!;
    if (want !== got) return `block${b} expects ${want} argument${want === 1 ? '' : 's'}, got ${got}`;
    for (let k = 0; k < got; k++) {
      const v = f.destArg(d, k);
      if (!f.isValue(v)) return `unknown value v${v}`;
      const t = f.typeOf(v), pt = f.typeOf(f.blockParam(b as Block, k));
      if (t !== pt) return `argument ${k} to block${b} has type ${typeName(t)}, expected ${typeName(pt)}`;
    }
  }
  return null;
}

// checkInst's helpers are plain functions rather than closures: it runs on every
// instruction the builder makes and the verifier reads, and closures per call were
// a large share of a compile's garbage.
function argType(f: Func, inst: Inst, i: number): Type {
  return f.typeOf(f.arg(inst, i));
}
function needArgs(f: Func, inst: Inst, n: number): string | null {
  const nargs = f.instArgCount[inst]!;
  return nargs === n ? null : `expects ${n} operand${n === 1 ? '' : 's'}, got ${nargs}`;
}
function argClass(f: Func, inst: Inst, i: number, c: OperandClass): string | null {
  const t = argType(f, inst, i);
  return fitsClass(t, c) ? null : `operand v${f.arg(inst, i)} has type ${typeName(t)}, expected ${classText(c)}`;
}
function plainInt(t: Type): boolean {
  return t >= Type.I8 && t <= Type.I64;
}
function convertOk(op: Opcode, from: Type, ctrl: Type): boolean {
  switch (op) {
    case Opcode.SExt: case Opcode.ZExt: return plainInt(from) && plainInt(ctrl) && typeBits(ctrl) > typeBits(from);
    case Opcode.Trunc: return plainInt(from) && plainInt(ctrl) && typeBits(ctrl) < typeBits(from);
    case Opcode.FPromote: return from === Type.F32 && ctrl === Type.F64;
    case Opcode.FDemote: return from === Type.F64 && ctrl === Type.F32;
    case Opcode.FcvtToSint: case Opcode.FcvtToUint: return isFloatType(from) && plainInt(ctrl);
    case Opcode.FcvtFromSint: case Opcode.FcvtFromUint: return plainInt(from) && isFloatType(ctrl);
    default: return isValidType(ctrl) && typeBits(from) === typeBits(ctrl) && from !== ctrl; // bitcast
  }
}

/**
 * Checks the operands and immediates of one instruction against the opcode
 * table; returns a message (without location) or null.
 */
export function checkInst(f: Func, inst: Inst): string | null {
  const op = f.instOpcode[inst] as Opcode;
  const info = OPCODES[op];
  if (info === undefined) return `unknown opcode ${op}`;
  const nargs = f.instArgCount[inst]!;
  for (let i = 0; i < nargs; i++) if (!f.isValue(f.arg(inst, i))) return `unknown value v${f.arg(inst, i)}`;
  const ctrl = f.instType[inst] as Type;
  const imm = f.instImm[inst]!;
  let e: string | null;
  switch (info.format) {
    case Format.IntImm: {
      if (!isIntType(ctrl)) return `type ${typeName(ctrl)} is not an integer type`;
      // Sign-extended to the width, read from the two halves without making a BigInt.
      const w = typeBits(ctrl), lo = imm, hi = f.instImm2[inst]!;
      const fits = w === 64 || (hi === lo >> 31 && (w === 32 || (lo << (32 - w)) >> (32 - w) === lo));
      if (!fits) return `immediate ${f.iconstValue(inst)} is not a sign-extended ${typeName(ctrl)}`;
      return needArgs(f, inst, 0);
    }
    case Format.FloatImm:
      if (!isFloatType(ctrl)) return `type ${typeName(ctrl)} is not a float type`;
      return needArgs(f, inst, 0);
    case Format.Unary:
      return needArgs(f, inst, 1) ?? argClass(f, inst, 0, info.operands);
    case Format.Binary:
      if ((e = needArgs(f, inst, 2) ?? argClass(f, inst, 0, info.operands) ?? argClass(f, inst, 1, info.operands)) !== null) return e;
      if (op >= Opcode.IShl && op <= Opcode.Rotr) return null; // shift amount may be any integer type
      if ((op === Opcode.IAdd || op === Opcode.ISub) && argType(f, inst, 0) === Type.Ptr && argType(f, inst, 1) === Type.I64) return null;
      return argType(f, inst, 0) === argType(f, inst, 1) ? null : `operand types ${typeName(argType(f, inst, 0))} and ${typeName(argType(f, inst, 1))} differ`;
    case Format.Ternary:
      if ((e = needArgs(f, inst, 3) ?? argClass(f, inst, 0, OperandClass.Int)) !== null) return e;
      return argType(f, inst, 1) === argType(f, inst, 2) ? null : `operand types ${typeName(argType(f, inst, 1))} and ${typeName(argType(f, inst, 2))} differ`;
    case Format.IntCompare:
    case Format.FloatCompare: {
      const names = info.format === Format.IntCompare ? INT_CC_NAMES : FLOAT_CC_NAMES;
      if (imm < 0 || imm >= names.length) return `bad condition code ${imm}`;
      if ((e = needArgs(f, inst, 2) ?? argClass(f, inst, 0, info.operands) ?? argClass(f, inst, 1, info.operands)) !== null) return e;
      return argType(f, inst, 0) === argType(f, inst, 1) ? null : `operand types ${typeName(argType(f, inst, 0))} and ${typeName(argType(f, inst, 1))} differ`;
    }
    case Format.Convert: {
      if ((e = needArgs(f, inst, 1)) !== null) return e;
      const from = argType(f, inst, 0);
      return convertOk(op, from, ctrl) ? null : `cannot ${info.name} ${typeName(from)} to ${typeName(ctrl)}`;
    }
    case Format.Load:
      if ((e = needArgs(f, inst, 1)) !== null) return e;
      if (argType(f, inst, 0) !== Type.Ptr) return `address v${f.arg(inst, 0)} has type ${typeName(argType(f, inst, 0))}, expected ptr`;
      if (!isValidType(ctrl)) return `bad type ${typeName(ctrl)}`;
      if (info.memBytes !== 0 && !(ctrl >= Type.I8 && ctrl <= Type.I64 && typeBits(ctrl) > info.memBytes * 8)) {
        return `${info.name} cannot produce ${typeName(ctrl)}`;
      }
      return null;
    case Format.Store: {
      if ((e = needArgs(f, inst, 2)) !== null) return e;
      if (argType(f, inst, 1) !== Type.Ptr) return `address v${f.arg(inst, 1)} has type ${typeName(argType(f, inst, 1))}, expected ptr`;
      const vt = argType(f, inst, 0);
      if (vt === ctrl) return null;
      if (ctrl >= Type.I8 && ctrl <= Type.I64 && isIntType(vt) && typeBits(ctrl) < typeBits(vt)) return null;
      return `cannot store ${typeName(vt)} value v${f.arg(inst, 0)} as ${typeName(ctrl)}`;
    }
    case Format.StackAddr: {
      const ss = f.stackSlots[imm];
      if (ss === undefined) return `unknown stack slot ss${imm}`;
      const off = f.instImm2[inst]!;
      if (off < 0 || off > ss.size) return `offset ${off} is outside ss${imm} (size ${ss.size})`;
      return needArgs(f, inst, 0);
    }
    case Format.GlobalAddr:
      return f.module.data[imm] === undefined ? `unknown data #${imm}` : needArgs(f, inst, 0);
    case Format.FuncAddr:
      return f.module.callees[imm] === undefined ? `unknown callee #${imm}` : needArgs(f, inst, 0);
    case Format.Call: {
      const c = f.module.callees[imm];
      if (c === undefined) return `unknown callee #${imm}`;
      return checkArgsAgainst(f, inst, 0, c, `call to %${c.name}`);
    }
    case Format.CallIndirect: {
      const sig = f.signatures[imm];
      if (sig === undefined) return `unknown signature sig${imm}`;
      if (nargs < 1) return 'call_indirect needs a callee address';
      if (argType(f, inst, 0) !== Type.Ptr) return `callee address v${f.arg(inst, 0)} has type ${typeName(argType(f, inst, 0))}, expected ptr`;
      return checkArgsAgainst(f, inst, 1, sig, `call_indirect sig${imm}`);
    }
    case Format.Jump:
      if (f.instDestCount[inst] !== 1) return 'jump needs one destination';
      return needArgs(f, inst, 0) ?? checkDests(f, inst);
    case Format.Brif:
      if (f.instDestCount[inst] !== 2) return 'brif needs two destinations';
      return needArgs(f, inst, 1) ?? argClass(f, inst, 0, OperandClass.Int) ?? checkDests(f, inst);
    case Format.BrTable:
      if (f.instDestCount[inst]! < 1) return 'br_table needs a default destination';
      return needArgs(f, inst, 1) ?? argClass(f, inst, 0, OperandClass.Int) ?? checkDests(f, inst);
    case Format.Return: {
      const want = f.results.length;
      if (nargs !== want) return `return expects ${want} value${want === 1 ? '' : 's'}, got ${nargs}`;
      for (let i = 0; i < nargs; i++) {
        if (argType(f, inst, i) !== f.results[i]) return `return value ${i} has type ${typeName(argType(f, inst, i))}, expected ${typeName(f.results[i]!)}`;
      }
      return null;
    }
    case Format.Trap:
      return needArgs(f, inst, 0);
  }
}

/** The result types of an instruction whose operands passed `checkInst`. */
export function resultTypes(f: Func, inst: Inst): readonly Type[] {
  const info = OPCODES[f.instOpcode[inst]!]!;
  switch (info.result) {
    case ResultRule.None: return [];
    case ResultRule.Ctrl: return [f.instType[inst] as Type];
    case ResultRule.Arg0: return [f.typeOf(f.arg(inst, 0))];
    case ResultRule.Arg1: return [f.typeOf(f.arg(inst, 1))];
    case ResultRule.Bool: return [Type.I8];
    case ResultRule.Ptr: return [Type.Ptr];
    case ResultRule.Signature: return f.callSignature(inst).results;
  }
}

/** Dominator tree and reverse postorder of a function's reachable blocks. */
export class DominatorTree {
  /** Reachable blocks in reverse postorder (entry first). */
  readonly rpo: Block[] = [];
  /** Position in `rpo` by block id, -1 when unreachable. */
  readonly rpoIndex: Int32Array;
  /** Immediate dominator by block id (entry: itself; unreachable: -1). */
  readonly idom: Int32Array;

  /** Computes dominators for `f`. */
  constructor(f: Func) {
    const n = f.blockCount;
    this.rpoIndex = new Int32Array(n).fill(-1);
    this.idom = new Int32Array(n).fill(-1);
    if (f.firstBlock === NONE) return;
    const succs = (b: number): number[] => {
      const last = f.blockLast[b]!;
      const out: number[] = [];
      if (last === NONE) return out;
      for (let i = 0; i < f.instDestCount[last]!; i++) {
        const t = f.destBlock[f.dest(last as Inst, i)]!;
        if (f.isBlock(t) && f.blockInLayout[t] !== 0) out.push(t);
      }
      return out;
    };
    // Iterative DFS for postorder.
    const post: number[] = [];
    const seen = new Uint8Array(n);
    const stack: number[] = [f.firstBlock];
    const iter: number[] = [0];
    const succCache: number[][] = [];
    seen[f.firstBlock] = 1;
    succCache[f.firstBlock] = succs(f.firstBlock);
    while (stack.length > 0) {
      const b = stack[stack.length - 1]!;
      const ss = succCache[b]!;
      const k = iter[iter.length - 1]!;
      if (k < ss.length) {
        iter[iter.length - 1] = k + 1;
        const s = ss[k]!;
        if (seen[s] === 0) {
          seen[s] = 1;
          succCache[s] = succs(s);
          stack.push(s);
          iter.push(0);
        }
      } else {
        stack.pop();
        iter.pop();
        post.push(b);
      }
    }
    for (let i = post.length - 1; i >= 0; i--) {
      this.rpoIndex[post[i]!] = this.rpo.length;
      this.rpo.push(post[i]! as Block);
    }
    const preds: number[][] = [];
    for (const b of this.rpo) for (const s of succCache[b]!) (preds[s] ??= []).push(b);
    const entry = f.firstBlock;
    this.idom[entry] = entry;
    let changed = true;
    while (changed) {
      changed = false;
      for (let i = 1; i < this.rpo.length; i++) {
        const b = this.rpo[i]!;
        let nd = -1;
        for (const p of preds[b] ?? []) {
          if (this.idom[p] === -1) continue;
          nd = nd === -1 ? p : this.intersect(p, nd);
        }
        if (this.idom[b] !== nd) {
          this.idom[b] = nd;
          changed = true;
        }
      }
    }
  }
  private intersect(a: number, b: number): number {
    while (a !== b) {
      while (this.rpoIndex[a]! > this.rpoIndex[b]!) a = this.idom[a]!;
      while (this.rpoIndex[b]! > this.rpoIndex[a]!) b = this.idom[b]!;
    }
    return a;
  }
  /** True if block `b` is reachable from the entry. */
  isReachable(b: Block): boolean {
    return this.rpoIndex[b]! >= 0;
  }
  /** True if block `a` dominates block `b` (both reachable). */
  dominates(a: Block, b: Block): boolean {
    if (this.rpoIndex[a]! < 0 || this.rpoIndex[b]! < 0) return false;
    let x: number = b;
    for (;;) {
      if (x === a) return true;
      const up = this.idom[x]!;
      if (up === x) return false;
      x = up;
    }
  }
}

/** Verifies one function; returns all problems found (empty when valid). */
export function verifyFunction(f: Func): string[] {
  if (!(f instanceof Func)) throw new TypeError(`verifyFunction: expected a Func, got ${describe(f)}`);
  const errors: string[] = [];
  const where = (b: number, inst: number): string =>
    `verify: function ${f.name}` + (b >= 0 ? `, block${b}` : '') + (inst >= 0 ? `, inst ${instText(f, inst as Inst)}` : '');
  if (f.firstBlock === NONE) {
    errors.push(`verify: function ${f.name}: no blocks`);
    return errors;
  }
  const entry = f.firstBlock as Block;
  const np = f.blockParamCount[entry]!;
  if (np !== f.params.length) {
    errors.push(`${where(entry, -1)}: entry block has ${np} parameter${np === 1 ? '' : 's'}, function has ${f.params.length}`);
  } else {
    for (let i = 0; i < np; i++) {
      const t = f.typeOf(f.blockParam(entry, i));
      if (t !== f.params[i]) errors.push(`${where(entry, -1)}: entry parameter ${i} has type ${typeName(t)}, function parameter has ${typeName(f.params[i]!)}`);
    }
  }
  // Per-instruction shape, terminators and positions.
  const position = new Int32Array(f.instCount);
  for (let b = f.firstBlock; b !== NONE; b = f.blockNext[b]!) {
    const last = f.blockLast[b]!;
    if (last === NONE || (OPCODES[f.instOpcode[last]!]!.flags & OpFlags.Terminator) === 0) {
      errors.push(`${where(b, -1)}: missing terminator`);
    }
    let pos = 0;
    for (let i = f.blockFirst[b]!; i !== NONE; i = f.instNext[i]!) {
      position[i] = pos++;
      const inst = i as Inst;
      if (i !== last && (OPCODES[f.instOpcode[i]!]!.flags & OpFlags.Terminator) !== 0) {
        errors.push(`${where(b, i)}: terminator in the middle of a block`);
      }
      const e = checkInst(f, inst);
      if (e !== null) {
        errors.push(`${where(b, i)}: ${e}`);
        continue;
      }
      const want = resultTypes(f, inst);
      const have = f.instResultCount[i]!;
      if (want.length !== have) {
        errors.push(`${where(b, i)}: has ${have} result${have === 1 ? '' : 's'}, expected ${want.length}`);
      } else {
        for (let k = 0; k < have; k++) {
          const t = f.typeOf(f.result(inst, k));
          if (t !== want[k]) errors.push(`${where(b, i)}: result ${k} has type ${typeName(t)}, expected ${typeName(want[k]!)}`);
        }
      }
    }
  }
  if (errors.length > 0) return errors;
  // Dominance: each use must be dominated by its definition.
  const dom = new DominatorTree(f);
  const checkUse = (b: Block, inst: Inst, v: Value): void => {
    let defBlock: number;
    let defPos: number;
    if (f.valueKind[v] === ValueKind.Param) {
      defBlock = f.valueDef[v]!;
      defPos = -1;
    } else {
      const di = f.valueDef[v]!;
      defBlock = f.instBlock[di]!;
      defPos = position[di]!;
    }
    const ok = defBlock === b ? defPos < position[inst]! : defBlock !== NONE && dom.dominates(defBlock as Block, b);
    if (!ok) errors.push(`${where(b, inst)}: use of v${v} is not dominated by its definition`);
  };
  for (const b of dom.rpo) {
    for (let i = f.blockFirst[b]!; i !== NONE; i = f.instNext[i]!) {
      const inst = i as Inst;
      for (let k = 0; k < f.instArgCount[i]!; k++) checkUse(b, inst, f.arg(inst, k));
      for (let d = 0; d < f.instDestCount[i]!; d++) {
        const dest = f.dest(inst, d);
        for (let k = 0; k < f.destArgCount[dest]!; k++) checkUse(b, inst, f.destArg(dest, k));
      }
    }
  }
  return errors;
}

/** Verifies every function of a module; returns all problems found. */
export function verifyModule(m: import('./function.js').Module): string[] {
  if (!(m instanceof Module)) throw new TypeError(`verifyModule: expected a Module, got ${describe(m)}`);
  const errors: string[] = [];
  for (const f of m.functions()) errors.push(...verifyFunction(f));
  return errors;
}

/** Verifies a module or function and throws an Error listing every problem. */
export function verify(target: import('./function.js').Module | Func): void {
  if (!(target instanceof Func) && !(target instanceof Module)) throw new TypeError(`verify: expected a Module or Func, got ${describe(target)}`);
  const errors = target instanceof Func ? verifyFunction(target) : verifyModule(target);
  if (errors.length > 0) throw new Error(errors.join('\n'));
}
