/**
 * Verifier: rejects malformed IR before lowering. Also exports the per-instruction
 * operand checker (`checkInst`) and result-type rule (`resultTypes`) that the
 * builder and the parser use, so that every layer agrees on typing.
 *
 * Messages: `verify: function NAME, blockN, inst TEXT: PROBLEM` (block/inst parts
 * omitted when not applicable).
 *
 * Terms: *dominates*: block A dominates B when every path from the entry to B
 * passes through A; the shared dominator tree (src/analysis/dominators.ts) answers
 * it over the function's flow graph (flow-graph.ts).
 */
import { Block, DataObject, Func, Inst, Module, NONE, Value, ValueKind } from './function.js';
import { describe } from '../util/describe.js';
import { DominatorTree } from '../analysis/dominators.js';
import { FuncFlowGraph } from './flow-graph.js';
import { Format, OPCODES, Opcode, OperandClass, ResultRule, INT_CC_NAMES, FLOAT_CC_NAMES, OpFlags, isShift } from './opcodes.js';
import { instText } from './printer.js';
import { Signature, Type, isFloatType, isIntType, isValidType, typeBits, typeName } from './types.js';

/** Largest alignment of `stack_alloc` (and of stack slots). */
const MAX_STACK_ALIGN = 4096;

function classText(c: OperandClass): string {
  return c === OperandClass.Int ? 'an integer type' : c === OperandClass.Ptr ? 'ptr' : 'a float type';
}

function fitsClass(t: Type, c: OperandClass): boolean {
  return c === OperandClass.Int ? isIntType(t) : c === OperandClass.Float ? isFloatType(t) : c === OperandClass.Ptr ? t === Type.Ptr : isValidType(t);
}

function checkArgsAgainst(f: Func, inst: Inst, from: number, sig: Signature, what: string): string | null {
  const n = f.instArgCount[inst]! - from, want = sig.params.length;
  // A variadic callee takes any number of extra arguments of any type after the fixed ones.
  if (sig.variadic === true ? n < want : n !== want) {
    return `${what} expects ${sig.variadic === true ? 'at least ' : ''}${want} argument${want === 1 ? '' : 's'}, got ${n}`;
  }
  for (let i = 0; i < want; i++) {
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
    case Opcode.FcvtToSint: case Opcode.FcvtToUint: case Opcode.FcvtToSintSat: case Opcode.FcvtToUintSat:
      return isFloatType(from) && plainInt(ctrl);
    case Opcode.FcvtFromSint: case Opcode.FcvtFromUint: return plainInt(from) && isFloatType(ctrl);
    default: return isValidType(ctrl) && typeBits(from) === typeBits(ctrl) && from !== ctrl; // bitcast
  }
}

/** Labels of a function (`label_addr N`, the destinations of `indirect_br`) are 0 .. MAX_LABELS - 1. */
export const MAX_LABELS = 65536;

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
      if ((e = needArgs(f, inst, 1) ?? argClass(f, inst, 0, info.operands)) !== null) return e;
      // A mark is the stack pointer of this very call: only a stack_save's own result is one.
      if (op === Opcode.StackRestore) {
        const v = f.arg(inst, 0);
        if (f.valueKind[v] !== ValueKind.Result || f.instOpcode[f.valueDef[v]!] !== Opcode.StackSave) return `v${v} is not the result of a stack_save`;
      }
      return null;
    case Format.Binary: {
      // The most frequent format: each operand's type is read once.
      if ((e = needArgs(f, inst, 2)) !== null) return e;
      const t0 = argType(f, inst, 0), t1 = argType(f, inst, 1);
      if (!fitsClass(t0, info.operands)) return argClass(f, inst, 0, info.operands);
      if (!fitsClass(t1, info.operands)) return argClass(f, inst, 1, info.operands);
      if (isShift(op)) return null; // shift amount may be any integer type
      if ((op === Opcode.IAdd || op === Opcode.ISub) && t0 === Type.Ptr && t1 === Type.I64) return null;
      return t0 === t1 ? null : `operand types ${typeName(t0)} and ${typeName(t1)} differ`;
    }
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
    case Format.LabelAddr:
      if (imm < 0 || imm >= MAX_LABELS) return `label ${imm} is out of range (0..${MAX_LABELS - 1})`;
      return needArgs(f, inst, 0);
    case Format.StackAlloc:
      if ((e = needArgs(f, inst, 1)) !== null) return e;
      if (argType(f, inst, 0) !== Type.I64) return `size v${f.arg(inst, 0)} has type ${typeName(argType(f, inst, 0))}, expected i64`;
      return imm >= 1 && imm <= MAX_STACK_ALIGN && (imm & (imm - 1)) === 0 ? null : `alignment ${imm} is not a power of two <= ${MAX_STACK_ALIGN}`;
    case Format.Nullary:
      return needArgs(f, inst, 0);
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
      if (nargs < 1) return `${info.name} needs a callee address`;
      if (argType(f, inst, 0) !== Type.Ptr) return `callee address v${f.arg(inst, 0)} has type ${typeName(argType(f, inst, 0))}, expected ptr`;
      // A C function returns at most two values in registers (rax:rdx, xmm0:xmm1, or one of each).
      if (op === Opcode.CallNative && sig.results.length > 2) return `call_native sig${imm} has ${sig.results.length} results; a C function returns at most 2`;
      return checkArgsAgainst(f, inst, 1, sig, `${info.name} sig${imm}`);
    }
    case Format.VaStart:
      if ((e = needArgs(f, inst, 1)) !== null) return e;
      if (argType(f, inst, 0) !== Type.Ptr) return `va_list address v${f.arg(inst, 0)} has type ${typeName(argType(f, inst, 0))}, expected ptr`;
      return f.variadic ? null : `va_start in function %${f.name}, which is not variadic`;
    case Format.VaArg: {
      if ((e = needArgs(f, inst, 1)) !== null) return e;
      if (argType(f, inst, 0) !== Type.Ptr) return `va_list address v${f.arg(inst, 0)} has type ${typeName(argType(f, inst, 0))}, expected ptr`;
      if (!isValidType(ctrl)) return `bad type ${typeName(ctrl)}`;
      if (imm === 0) return null;
      // A pair: the two eightbytes of a small struct, each an integer or a float eightbyte.
      const second = imm as Type;
      if ((ctrl !== Type.I64 && ctrl !== Type.F64) || (second !== Type.I64 && second !== Type.F64)) {
        return `va_arg.${typeName(ctrl)}.${typeName(second)}: the two parts of a pair must each be i64 or f64`;
      }
      return null;
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
    case Format.IndirectBr:
      if (f.instDestCount[inst]! > MAX_LABELS) return `indirect_br has ${f.instDestCount[inst]} destinations; at most ${MAX_LABELS} labels`;
      if ((e = needArgs(f, inst, 1)) !== null) return e;
      if (argType(f, inst, 0) !== Type.Ptr) return `indirect_br address v${f.arg(inst, 0)} has type ${typeName(argType(f, inst, 0))}, expected ptr`;
      return checkDests(f, inst);
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
    case ResultRule.VaArg: {
      const second = f.instImm[inst]!;
      return second === 0 ? [f.instType[inst] as Type] : [f.instType[inst] as Type, second as Type];
    }
  }
}

/** The verifier's working state, shared by a module's functions: instruction positions, the flow graph and the dominator tree. */
class VerifierScratch {
  /** Each instruction's index in its block. */
  position = new Int32Array(0);
  readonly graph = new FuncFlowGraph();
  readonly dom = new DominatorTree();
}

/** The result type rule `rule` gives an instruction with one result. */
function singleResultType(f: Func, inst: Inst, rule: ResultRule): Type {
  switch (rule) {
    case ResultRule.Ctrl: return f.instType[inst] as Type;
    case ResultRule.Arg0: return f.typeOf(f.arg(inst, 0));
    case ResultRule.Arg1: return f.typeOf(f.arg(inst, 1));
    case ResultRule.Bool: return Type.I8;
    default: return Type.Ptr;
  }
}

/** Verifies one function; returns all problems found (empty when valid). */
export function verifyFunction(f: Func): string[] {
  if (!(f instanceof Func)) throw new TypeError(`verifyFunction: expected a Func, got ${describe(f)}`);
  const errors: string[] = [];
  verifyInto(f, errors, new VerifierScratch());
  return errors;
}

/** Location prefix of a message: `verify: function NAME, blockN, inst TEXT` (parts omitted when < 0). */
function where(f: Func, b: number, inst: number): string {
  return `verify: function ${f.name}` + (b >= 0 ? `, block${b}` : '') + (inst >= 0 ? `, inst ${instText(f, inst as Inst)}` : '');
}

/**
 * Appends `f`'s problems to `errors`; `scratch` holds the working tables (a module's functions
 * share one). Runs on every compile: no allocation per instruction, and the tables are read into locals.
 */
function verifyInto(f: Func, errors: string[], scratch: VerifierScratch): void {
  const firstError = errors.length;
  if (f.firstBlock === NONE) {
    errors.push(`verify: function ${f.name}: no blocks`);
    return;
  }
  // Each instruction's index in its block; zeroed (a malformed instBlock may point a use at an instruction outside the layout).
  if (scratch.position.length < f.instCount) scratch.position = new Int32Array(Math.max(16, 2 * f.instCount));
  const position = scratch.position.fill(0, 0, f.instCount);
  const entry = f.firstBlock as Block;
  const np = f.blockParamCount[entry]!;
  if (np !== f.params.length) {
    errors.push(`${where(f, entry, -1)}: entry block has ${np} parameter${np === 1 ? '' : 's'}, function has ${f.params.length}`);
  } else {
    for (let i = 0; i < np; i++) {
      const t = f.typeOf(f.blockParam(entry, i));
      if (t !== f.params[i]) errors.push(`${where(f, entry, -1)}: entry parameter ${i} has type ${typeName(t)}, function parameter has ${typeName(f.params[i]!)}`);
    }
  }
  const instOpcode = f.instOpcode, instNext = f.instNext, blockFirst = f.blockFirst, blockLast = f.blockLast, blockNext = f.blockNext;
  const instResultCount = f.instResultCount, instResultStart = f.instResultStart;
  const instArgStart = f.instArgStart, instArgCount = f.instArgCount, instDestStart = f.instDestStart, instDestCount = f.instDestCount;
  const destArgStart = f.destArgStart, destArgCount = f.destArgCount, instBlock = f.instBlock;
  const instLoc = f.instLoc, locationCount = f.module.locationCount;
  const valueKind = f.valueKind, valueDef = f.valueDef, valueType = f.valueType;
  // Per-instruction shape, terminators and positions.
  for (let b = f.firstBlock; b !== NONE; b = blockNext[b]!) {
    const last = blockLast[b]!;
    if (last === NONE || (OPCODES[instOpcode[last]!]!.flags & OpFlags.Terminator) === 0) {
      errors.push(`${where(f, b, -1)}: missing terminator`);
    }
    let pos = 0;
    for (let i = blockFirst[b]!; i !== NONE; i = instNext[i]!) {
      position[i] = pos++;
      const inst = i as Inst;
      if (i !== last && (OPCODES[instOpcode[i]!]!.flags & OpFlags.Terminator) !== 0) {
        errors.push(`${where(f, b, i)}: terminator in the middle of a block`);
      }
      const e = checkInst(f, inst);
      if (e !== null) {
        errors.push(`${where(f, b, i)}: ${e}`);
        continue;
      }
      const loc = instLoc[i]!;
      if (loc !== 0 && !(loc > 0 && loc < locationCount)) errors.push(`${where(f, b, i)}: unknown source location ${loc}`);
      // The result types of `resultTypes`, compared without making its array.
      const rule = OPCODES[instOpcode[i]!]!.result;
      const have = instResultCount[i]!, rs = instResultStart[i]!;
      if (rule === ResultRule.Signature || rule === ResultRule.VaArg) {
        const want = rule === ResultRule.Signature ? f.callSignature(inst).results : resultTypes(f, inst);
        if (want.length !== have) {
          errors.push(`${where(f, b, i)}: has ${have} result${have === 1 ? '' : 's'}, expected ${want.length}`);
        } else {
          for (let k = 0; k < have; k++) {
            const t = valueType[f.pool[rs + k]!] as Type;
            if (t !== want[k]) errors.push(`${where(f, b, i)}: result ${k} has type ${typeName(t)}, expected ${typeName(want[k]!)}`);
          }
        }
      } else {
        const want = rule === ResultRule.None ? 0 : 1;
        if (want !== have) {
          errors.push(`${where(f, b, i)}: has ${have} result${have === 1 ? '' : 's'}, expected ${want}`);
        } else if (have === 1) {
          const t = valueType[f.pool[rs]!] as Type, w = singleResultType(f, inst, rule);
          if (t !== w) errors.push(`${where(f, b, i)}: result 0 has type ${typeName(t)}, expected ${typeName(w)}`);
        }
      }
    }
  }
  if (errors.length > firstError) return;
  // Dominance: each use must be dominated by its definition (an earlier instruction of the
  // same block, a parameter of the same block, or a definition in a dominating block).
  const graph = scratch.graph.compute(f), dom = scratch.dom.computeIdoms(graph);
  const pool = f.pool, rpo = graph.rpo;
  for (let r = 0; r < graph.rpoCount; r++) {
    const b = rpo[r]!;
    for (let i = blockFirst[b]!; i !== NONE; i = instNext[i]!) {
      const at = position[i]!;
      for (let k = instArgStart[i]!, end = k + instArgCount[i]!; k < end; k++) {
        const v = pool[k]!;
        if (!isDominated(f, dom, position, valueKind, valueDef, instBlock, v, b, at)) {
          errors.push(`${where(f, b, i)}: use of v${v} is not dominated by its definition`);
        }
      }
      for (let d = instDestStart[i]!, dend = d + instDestCount[i]!; d < dend; d++) {
        for (let k = destArgStart[d]!, end = k + destArgCount[d]!; k < end; k++) {
          const v = pool[k]!;
          if (!isDominated(f, dom, position, valueKind, valueDef, instBlock, v, b, at)) {
            errors.push(`${where(f, b, i)}: use of v${v} is not dominated by its definition`);
          }
        }
      }
    }
  }
}

/** True if value `v`'s definition dominates a use at position `at` of block `b`. */
function isDominated(f: Func, dom: DominatorTree, position: Int32Array, valueKind: Uint8Array, valueDef: Int32Array,
  instBlock: Int32Array, v: number, b: number, at: number): boolean {
  let defBlock: number;
  let defPos: number;
  if (valueKind[v] === ValueKind.Param) {
    defBlock = valueDef[v]!;
    defPos = -1;
  } else {
    const di = valueDef[v]!;
    defBlock = instBlock[di]!;
    defPos = position[di]!;
  }
  return defBlock === b ? defPos < at : defBlock !== NONE && dom.dominates(defBlock, b);
}

/** Verifies every function of a module; returns all problems found. */
export function verifyModule(m: import('./function.js').Module): string[] {
  if (!(m instanceof Module)) throw new TypeError(`verifyModule: expected a Module, got ${describe(m)}`);
  const errors: string[] = [];
  for (const d of m.data) verifyData(m, d, errors);
  const scratch = new VerifierScratch();
  for (const c of m.callees) if (c instanceof Func) verifyInto(c, errors, scratch);
  return errors;
}

/** Appends the problems of data object `d` of `m` (its relocations) to `errors`. */
function verifyData(m: Module, d: DataObject, errors: string[]): void {
  if (d.bytes.length > d.size) errors.push(`verify: data %${d.name}: ${d.bytes.length} initial bytes exceed its size ${d.size}`);
  if (d.external && (d.size !== 0 || d.relocs.length !== 0)) errors.push(`verify: data %${d.name}: external data (import data) has bytes or relocations of its own`);
  let end = 0;
  for (const r of d.relocs) {
    const at = `verify: data %${d.name}: relocation at offset ${r.offset}`;
    if (!Number.isInteger(r.offset) || r.offset < 0 || r.offset + 8 > d.size) errors.push(`${at} is outside the object (size ${d.size})`);
    else if (r.offset < end) errors.push(`${at} overlaps the previous one or is out of order`);
    end = r.offset + 8;
    const t = r.target;
    if (t instanceof DataObject ? m.data[t.index] !== t : m.callees[t.index] !== t) errors.push(`${at}: target %${t.name} is not in this module`);
    if (!Number.isSafeInteger(r.addend)) errors.push(`${at}: addend ${String(r.addend)} is not a safe integer`);
  }
}

/** Verifies a module or function and throws an Error listing every problem. */
export function verify(target: import('./function.js').Module | Func): void {
  if (!(target instanceof Func) && !(target instanceof Module)) throw new TypeError(`verify: expected a Module or Func, got ${describe(target)}`);
  const errors = target instanceof Func ? verifyFunction(target) : verifyModule(target);
  if (errors.length > 0) throw new Error(errors.join('\n'));
}
