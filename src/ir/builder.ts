/**
 * Builder: the TypeScript API for writing IR. Each method appends one checked
 * instruction at the end of the current block and returns its result handle;
 * bad calls (wrong types, unknown handles, appending after a terminator) throw at
 * once with a message naming the instruction.
 *
 *   const m = new Module();
 *   const f = m.function('add1', [Type.I64], [Type.I64]);
 *   const b = f.builder();
 *   b.return(b.iadd(b.params[0], b.iconst(Type.I64, 1)));
 *
 * Helpers (`ifElse`, `while`, `forRange`) create blocks with parameters for the
 * values that flow out of or around the construct.
 */
import { Block, Callee, DataObject, Func, Import, Inst, NONE, Value } from './function.js';
import { FLOAT_CC_NAMES, FloatCC, INT_CC_NAMES, IntCC, OPCODES, OpFlags, Opcode, parseTrapCode } from './opcodes.js';
import { Type, isFloatType, isIntType, isValidType, typeBits, typeName } from './types.js';
import { MAX_LABELS, checkInst, resultTypes, verifyFunction } from './verifier.js';
import { describe } from '../util/describe.js';
import { f32ToBits, f64ToBits } from './float-bits.js';

/** A type argument for messages: its IR name if it is a number, else a safe description. */
function typeDesc(t: unknown): string {
  return typeof t === 'number' && Number.isInteger(t) ? typeName(t as Type) : describe(t);
}
/** Throws unless `t` is a valid IR type. */
function checkType(name: string, t: unknown, what = 'type'): void {
  if (typeof t !== 'number' || !isValidType(t as Type)) throw new TypeError(`${name}: ${what} must be an IR type (i8 i16 i32 i64 f32 f64 ptr), got ${typeDesc(t)}`);
}
/** Throws unless `xs` is an array (or typed array). */
function checkList(name: string, xs: unknown, what: string): void {
  if (!Array.isArray(xs) && !ArrayBuffer.isView(xs)) throw new TypeError(`${name}: ${what} must be an array, got ${describe(xs)}`);
}
/** Throws unless `fn` is a function. */
function checkFn(name: string, fn: unknown, what: string): void {
  if (typeof fn !== 'function') throw new TypeError(`${name}: ${what} must be a function, got ${describe(fn)}`);
}

/** Integer condition code names accepted by `icmp`. */
export type IntCCName = 'eq' | 'ne' | 'slt' | 'sle' | 'sgt' | 'sge' | 'ult' | 'ule' | 'ugt' | 'uge';
/** Float condition code names accepted by `fcmp`. */
export type FloatCCName = 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge' | 'uno' | 'ord' | 'ueq' | 'une' | 'ult' | 'ule' | 'ugt' | 'uge';
/** A branch target: a block, or a block with arguments. */
export type BranchTarget = Block | { readonly block: Block; readonly args: readonly Value[] };

/** Range-checks and canonicalises an integer immediate for type `t` (sign-extended). */
export function canonicalIntImm(t: Type, value: number | bigint, what = 'iconst'): bigint {
  if (typeof value !== 'number' && typeof value !== 'bigint') throw new TypeError(`${what}.${typeName(t)}: value must be a number or bigint, got ${describe(value)}`);
  if (typeof value === 'number' && !Number.isSafeInteger(value)) throw new Error(`${what}.${typeName(t)}: ${value} is not a safe integer (pass a bigint)`);
  const v = BigInt(value);
  const w = BigInt(typeBits(t));
  if (v < -(1n << (w - 1n)) || v >= 1n << w) throw new Error(`${what}.${typeName(t)}: ${v} does not fit in ${w} bits`);
  return BigInt.asIntN(Number(w), v);
}

/** Builds IR into a `Func`; get one with `func.builder()`. */
export class Builder {
  /** The function being built. */
  readonly func: Func;
  /** The current block (instructions are appended to it), or NONE. */
  current: number = NONE;

  /** Creates a builder; makes the entry block (with the function's parameters) if missing. */
  constructor(func: Func) {
    if (!(func instanceof Func)) throw new TypeError(`new Builder: expected a Func (from module.function), got ${describe(func)}`);
    this.func = func;
    if (func.firstBlock === NONE) {
      const b = func.newBlock();
      for (const t of func.params) func.appendBlockParam(b, t);
      func.appendBlock(b);
    }
    this.current = func.lastBlock;
  }

  /** The entry block's parameters (the function arguments). */
  get params(): Value[] {
    return this.func.blockParams(this.func.entryBlock);
  }
  /** The i-th function argument. */
  param(i: number): Value {
    if (typeof i !== 'number' || !Number.isInteger(i) || i < 0 || i >= this.func.params.length) throw new Error(`function ${this.func.name} has no parameter ${describe(i)}`);
    return this.func.blockParam(this.func.entryBlock, i);
  }
  /** Creates a block with parameters of the given types, appended to the layout. */
  block(...paramTypes: Type[]): Block {
    const f = this.func;
    for (const t of paramTypes) if (typeof t !== 'number' || !isValidType(t)) throw new Error(`block: bad parameter type ${typeDesc(t)}`);
    const b = f.newBlock();
    for (const t of paramTypes) f.appendBlockParam(b, t);
    f.appendBlock(b);
    return b;
  }
  /** Parameters of a block. */
  blockParams(b: Block): Value[] {
    if (typeof b !== 'number' || !this.func.isBlock(b)) throw new Error(`blockParams: unknown block ${describe(b)}`);
    return this.func.blockParams(b);
  }
  /** Makes `b` the current block. */
  switchTo(b: Block): this {
    if (typeof b !== 'number' || !this.func.isBlock(b)) throw new Error(`switchTo: unknown block ${describe(b)}`);
    this.current = b;
    return this;
  }
  /**
   * Sets the source location of the instructions built from now on: file number (`module.addFile`),
   * line, column (0 when unknown); `setLocation(null)` builds them without one.
   */
  setLocation(file: number | null, line?: number, column = 0): this {
    this.func.currentLoc = file === null ? 0 : this.func.module.location(file, line as number, column);
    return this;
  }
  /** The location id (`module.location`) given to the next instructions; 0 for none. */
  get location(): number {
    return this.func.currentLoc;
  }
  /** True if the current block ends in a terminator. */
  get isTerminated(): boolean {
    const last = this.current === NONE ? NONE : this.func.blockLast[this.current]!;
    return last !== NONE && (OPCODES[this.func.instOpcode[last]!]!.flags & OpFlags.Terminator) !== 0;
  }

  // ---- core ----
  private begin(op: Opcode, type: Type, args: readonly Value[]): Inst {
    const f = this.func;
    const info = OPCODES[op];
    if (info === undefined) throw new TypeError(`builder: unknown opcode ${describe(op)}`);
    const name = info.name;
    if (this.current === NONE) throw new Error(`${name}: no current block`);
    if (this.isTerminated) throw new Error(`${name}: block${this.current} is already terminated`);
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      if (typeof a !== 'number' || !f.isValue(a)) throw new Error(`${name}: operand ${i} (${describe(a)}) is not a value of function ${f.name}`);
    }
    return f.newInst(op, type, args);
  }
  private end(inst: Inst): Inst {
    const f = this.func;
    const e = checkInst(f, inst);
    if (e !== null) throw new Error(`${OPCODES[f.instOpcode[inst]!]!.name}: ${e}`);
    f.makeResults(inst, resultTypes(f, inst));
    f.appendInst(this.current as Block, inst);
    return inst;
  }
  private one(inst: Inst): Value {
    return this.func.result(this.end(inst), 0);
  }
  private dest(inst: Inst, t: BranchTarget): void {
    const f = this.func;
    const name = OPCODES[f.instOpcode[inst]!]!.name;
    if (typeof t !== 'number' && (t === null || typeof t !== 'object')) throw new TypeError(`${name}: branch target must be a block or { block, args }, got ${describe(t)}`);
    const block = typeof t === 'number' ? t : t.block;
    const args = typeof t === 'number' ? [] : t.args;
    if (typeof block !== 'number' || !f.isBlock(block)) throw new Error(`${name}: unknown block ${describe(block)}`);
    checkList(name, args, 'block arguments');
    for (const a of args) if (typeof a !== 'number' || !f.isValue(a)) throw new Error(`${name}: block argument ${describe(a)} is not a value`);
    f.addDest(inst, block, args);
  }
  /** Appends any unary-format instruction (`ineg`, `fsqrt`, ...). */
  unary(op: Opcode, x: Value): Value {
    return this.one(this.begin(op, Type.Invalid, [x]));
  }
  /** Appends any binary-format instruction (`iadd`, `fmul`, ...). */
  binary(op: Opcode, x: Value, y: Value): Value {
    return this.one(this.begin(op, Type.Invalid, [x, y]));
  }
  /** Appends any conversion (`sext.T` ...). */
  convert(op: Opcode, type: Type, x: Value): Value {
    checkType(OPCODES[op]?.name ?? 'convert', type);
    return this.one(this.begin(op, type, [x]));
  }

  // ---- constants ----
  /** `iconst.T value` (value may be signed or unsigned within the width). */
  iconst(type: Type, value: number | bigint): Value {
    if (typeof type !== 'number' || !isIntType(type)) throw new Error(`iconst: type ${typeDesc(type)} is not an integer type`);
    const v = canonicalIntImm(type, value);
    const i = this.begin(Opcode.IConst, type, []);
    this.func.setIconstValue(i, v);
    return this.one(i);
  }
  /** `fconst.T value` (rounded to f32 for f32). */
  fconst(type: Type, value: number): Value {
    if (typeof type !== 'number' || !isFloatType(type)) throw new Error(`fconst: type ${typeDesc(type)} is not a float type`);
    if (typeof value !== 'number') throw new TypeError(`fconst: value must be a number, got ${describe(value)}`);
    const i = this.begin(Opcode.FConst, type, []);
    this.func.setFconstBits(i, type === Type.F32 ? f32ToBits(value) : f64ToBits(value));
    return this.one(i);
  }
  /**
   * `fconst.T` with exact bits, e.g. a NaN with a payload: `fconstBits(Type.F64, 0x7ff0000000000001n)`
   * (a signalling NaN) or `fconstBits(Type.F32, 0x7fa00000)`.
   */
  fconstBits(type: Type, bits: number | bigint): Value {
    if (typeof type !== 'number' || !isFloatType(type)) throw new Error(`fconstBits: type ${typeDesc(type)} is not a float type`);
    const w = type === Type.F32 ? 32 : 64;
    const ok = typeof bits === 'bigint' || (typeof bits === 'number' && Number.isSafeInteger(bits));
    if (!ok) throw new TypeError(`fconstBits: bits must be an integer (number or bigint), got ${describe(bits)}`);
    const big = BigInt(bits);
    if (big < -(1n << BigInt(w - 1)) || big >= 1n << BigInt(w)) throw new RangeError(`fconstBits.${typeName(type)}: ${big} does not fit in ${w} bits`);
    const i = this.begin(Opcode.FConst, type, []);
    this.func.setFconstBits(i, BigInt.asIntN(w, big));
    return this.one(i);
  }

  // ---- integer ----
  /** Two's-complement negation. */ ineg(x: Value): Value { return this.unary(Opcode.INeg, x); }
  /** Bitwise not. */ bnot(x: Value): Value { return this.unary(Opcode.BNot, x); }
  /** Count leading zeros. */ clz(x: Value): Value { return this.unary(Opcode.Clz, x); }
  /** Count trailing zeros. */ ctz(x: Value): Value { return this.unary(Opcode.Ctz, x); }
  /** Population count. */ popcnt(x: Value): Value { return this.unary(Opcode.Popcnt, x); }
  /** Wrapping add. */ iadd(x: Value, y: Value): Value { return this.binary(Opcode.IAdd, x, y); }
  /** Wrapping subtract. */ isub(x: Value, y: Value): Value { return this.binary(Opcode.ISub, x, y); }
  /** Wrapping multiply. */ imul(x: Value, y: Value): Value { return this.binary(Opcode.IMul, x, y); }
  /** Signed divide (traps). */ sdiv(x: Value, y: Value): Value { return this.binary(Opcode.SDiv, x, y); }
  /** Unsigned divide (traps). */ udiv(x: Value, y: Value): Value { return this.binary(Opcode.UDiv, x, y); }
  /** Signed remainder (traps). */ srem(x: Value, y: Value): Value { return this.binary(Opcode.SRem, x, y); }
  /** Unsigned remainder (traps). */ urem(x: Value, y: Value): Value { return this.binary(Opcode.URem, x, y); }
  /** Bitwise and. */ band(x: Value, y: Value): Value { return this.binary(Opcode.BAnd, x, y); }
  /** Bitwise or. */ bor(x: Value, y: Value): Value { return this.binary(Opcode.BOr, x, y); }
  /** Bitwise xor. */ bxor(x: Value, y: Value): Value { return this.binary(Opcode.BXor, x, y); }
  /** Shift left. */ ishl(x: Value, n: Value): Value { return this.binary(Opcode.IShl, x, n); }
  /** Logical shift right. */ ushr(x: Value, n: Value): Value { return this.binary(Opcode.UShr, x, n); }
  /** Arithmetic shift right. */ sshr(x: Value, n: Value): Value { return this.binary(Opcode.SShr, x, n); }
  /** Rotate left. */ rotl(x: Value, n: Value): Value { return this.binary(Opcode.Rotl, x, n); }
  /** Rotate right. */ rotr(x: Value, n: Value): Value { return this.binary(Opcode.Rotr, x, n); }
  /** Integer compare; i8 result 0 or 1. */
  icmp(cc: IntCC | IntCCName, x: Value, y: Value): Value {
    const code = typeof cc === 'string' ? INT_CC_NAMES.indexOf(cc) : typeof cc === 'number' && Number.isInteger(cc) ? cc : -1;
    if (code < 0 || code >= INT_CC_NAMES.length) throw new Error(`icmp: unknown condition ${typeof cc === 'string' ? cc : describe(cc)}`);
    const i = this.begin(Opcode.ICmp, Type.Invalid, [x, y]);
    this.func.instImm[i] = code;
    return this.one(i);
  }

  // ---- float ----
  /** Negate. */ fneg(x: Value): Value { return this.unary(Opcode.FNeg, x); }
  /** Absolute value. */ fabs(x: Value): Value { return this.unary(Opcode.FAbs, x); }
  /** Square root. */ fsqrt(x: Value): Value { return this.unary(Opcode.FSqrt, x); }
  /** Round down. */ ffloor(x: Value): Value { return this.unary(Opcode.FFloor, x); }
  /** Round up. */ fceil(x: Value): Value { return this.unary(Opcode.FCeil, x); }
  /** Round toward zero. */ ftrunc(x: Value): Value { return this.unary(Opcode.FTrunc, x); }
  /** Round half to even. */ fnearest(x: Value): Value { return this.unary(Opcode.FNearest, x); }
  /** Add. */ fadd(x: Value, y: Value): Value { return this.binary(Opcode.FAdd, x, y); }
  /** Subtract. */ fsub(x: Value, y: Value): Value { return this.binary(Opcode.FSub, x, y); }
  /** Multiply. */ fmul(x: Value, y: Value): Value { return this.binary(Opcode.FMul, x, y); }
  /** Divide. */ fdiv(x: Value, y: Value): Value { return this.binary(Opcode.FDiv, x, y); }
  /** Minimum (NaN-propagating, -0 < +0). */ fmin(x: Value, y: Value): Value { return this.binary(Opcode.FMin, x, y); }
  /** Maximum (NaN-propagating, -0 < +0). */ fmax(x: Value, y: Value): Value { return this.binary(Opcode.FMax, x, y); }
  /** Magnitude of x with the sign of y. */ fcopysign(x: Value, y: Value): Value { return this.binary(Opcode.FCopysign, x, y); }
  /** Float compare; i8 result 0 or 1. */
  fcmp(cc: FloatCC | FloatCCName, x: Value, y: Value): Value {
    const code = typeof cc === 'string' ? FLOAT_CC_NAMES.indexOf(cc) : typeof cc === 'number' && Number.isInteger(cc) ? cc : -1;
    if (code < 0 || code >= FLOAT_CC_NAMES.length) throw new Error(`fcmp: unknown condition ${typeof cc === 'string' ? cc : describe(cc)}`);
    const i = this.begin(Opcode.FCmp, Type.Invalid, [x, y]);
    this.func.instImm[i] = code;
    return this.one(i);
  }
  /** `c != 0 ? x : y`. */
  select(c: Value, x: Value, y: Value): Value {
    return this.one(this.begin(Opcode.Select, Type.Invalid, [c, x, y]));
  }

  // ---- conversions ----
  /** Sign-extend to `type`. */ sext(type: Type, x: Value): Value { return this.convert(Opcode.SExt, type, x); }
  /** Zero-extend to `type`. */ zext(type: Type, x: Value): Value { return this.convert(Opcode.ZExt, type, x); }
  /** Truncate to `type`. */ trunc(type: Type, x: Value): Value { return this.convert(Opcode.Trunc, type, x); }
  /** f32 -> f64. */ fpromote(x: Value): Value { return this.convert(Opcode.FPromote, Type.F64, x); }
  /** f64 -> f32. */ fdemote(x: Value): Value { return this.convert(Opcode.FDemote, Type.F32, x); }
  /** Float -> signed int (traps). */ fcvtToSint(type: Type, x: Value): Value { return this.convert(Opcode.FcvtToSint, type, x); }
  /** Float -> unsigned int (traps). */ fcvtToUint(type: Type, x: Value): Value { return this.convert(Opcode.FcvtToUint, type, x); }
  /** Float -> signed int, saturating (NaN -> 0). */ fcvtToSintSat(type: Type, x: Value): Value { return this.convert(Opcode.FcvtToSintSat, type, x); }
  /** Float -> unsigned int, saturating (NaN -> 0). */ fcvtToUintSat(type: Type, x: Value): Value { return this.convert(Opcode.FcvtToUintSat, type, x); }
  /** Signed int -> float. */ fcvtFromSint(type: Type, x: Value): Value { return this.convert(Opcode.FcvtFromSint, type, x); }
  /** Unsigned int -> float. */ fcvtFromUint(type: Type, x: Value): Value { return this.convert(Opcode.FcvtFromUint, type, x); }
  /** Reinterpret bits as `type`. */ bitcast(type: Type, x: Value): Value { return this.convert(Opcode.Bitcast, type, x); }

  // ---- memory ----
  private checkOffset(name: string, offset: number): void {
    if (typeof offset !== 'number' || !Number.isInteger(offset) || offset < -0x80000000 || offset > 0x7fffffff) throw new Error(`${name}: offset ${describe(offset)} is not a 32-bit integer`);
  }
  /** A load: `op` is Load or one of the extending loads; result type `type`. */
  loadOp(op: Opcode, type: Type, addr: Value, offset = 0): Value {
    const info = OPCODES[op];
    if (info === undefined) throw new TypeError(`loadOp: unknown opcode ${describe(op)}`);
    checkType(info.name, type);
    this.checkOffset(info.name, offset);
    const i = this.begin(op, type, [addr]);
    this.func.instImm[i] = offset;
    return this.one(i);
  }
  /** `load.T addr+offset`. */ load(type: Type, addr: Value, offset = 0): Value { return this.loadOp(Opcode.Load, type, addr, offset); }
  /** Load 8 bits, sign-extend. */ sload8(type: Type, addr: Value, offset = 0): Value { return this.loadOp(Opcode.SLoad8, type, addr, offset); }
  /** Load 8 bits, zero-extend. */ uload8(type: Type, addr: Value, offset = 0): Value { return this.loadOp(Opcode.ULoad8, type, addr, offset); }
  /** Load 16 bits, sign-extend. */ sload16(type: Type, addr: Value, offset = 0): Value { return this.loadOp(Opcode.SLoad16, type, addr, offset); }
  /** Load 16 bits, zero-extend. */ uload16(type: Type, addr: Value, offset = 0): Value { return this.loadOp(Opcode.ULoad16, type, addr, offset); }
  /** Load 32 bits, sign-extend to i64. */ sload32(addr: Value, offset = 0): Value { return this.loadOp(Opcode.SLoad32, Type.I64, addr, offset); }
  /** Load 32 bits, zero-extend to i64. */ uload32(addr: Value, offset = 0): Value { return this.loadOp(Opcode.ULoad32, Type.I64, addr, offset); }
  /** `store.T value, addr+offset`; `type` defaults to the value's type (a narrower int truncates). */
  store(value: Value, addr: Value, offset = 0, type?: Type): void {
    this.checkOffset('store', offset);
    if (type !== undefined) checkType('store', type);
    const t = type ?? (typeof value === 'number' && this.func.isValue(value) ? this.func.typeOf(value) : Type.Invalid);
    const i = this.begin(Opcode.Store, t, [value, addr]);
    this.func.instImm[i] = offset;
    this.end(i);
  }
  /** Declares a stack slot of `size` bytes; returns its number for `stackAddr`. */
  stackSlot(size: number, align = 8): number {
    return this.func.stackSlot(size, align);
  }
  /** Address of stack slot `slot` plus `offset`. */
  stackAddr(slot: number, offset = 0): Value {
    if (typeof slot !== 'number' || !Number.isInteger(slot) || slot < 0 || slot >= this.func.stackSlots.length) {
      throw new Error(`stack_addr: unknown stack slot ${describe(slot)} (function ${this.func.name} has ${this.func.stackSlots.length})`);
    }
    this.checkOffset('stack_addr', offset);
    const i = this.begin(Opcode.StackAddr, Type.Invalid, []);
    this.func.instImm[i] = slot;
    this.func.instImm2[i] = offset;
    return this.one(i);
  }
  /**
   * `stack_alloc size, align A`: `size` (an i64, read as unsigned) bytes of stack aligned to `align`
   * (a power of two <= 4096), valid until the function returns or a `stackRestore` frees them;
   * traps `stk_ovf` when the stack cannot hold them.
   */
  stackAlloc(size: Value, align = 16): Value {
    if (typeof align !== 'number' || !Number.isInteger(align)) throw new TypeError(`stack_alloc: alignment must be an integer, got ${describe(align)}`);
    const i = this.begin(Opcode.StackAlloc, Type.Invalid, [size]);
    this.func.instImm[i] = align;
    return this.one(i);
  }
  /** `stack_save`: a mark of the dynamic stack for `stackRestore` (C: entering a block that declares a VLA). */
  stackSave(): Value {
    return this.one(this.begin(Opcode.StackSave, Type.Invalid, []));
  }
  /** `stack_restore mark`: frees every `stack_alloc` made since the `stackSave` that returned `mark` (C: leaving the block). */
  stackRestore(mark: Value): void {
    this.end(this.begin(Opcode.StackRestore, Type.Invalid, [mark]));
  }
  /** Address of module data. */
  globalAddr(data: DataObject): Value {
    if (!(data instanceof DataObject)) throw new TypeError(`global_addr: expected a data object of this module (from module.addData), got ${describe(data)}`);
    if (this.func.module.data[data.index] !== data) throw new Error(`global_addr: data %${data.name} belongs to another module`);
    const i = this.begin(Opcode.GlobalAddr, Type.Invalid, []);
    this.func.instImm[i] = data.index;
    return this.one(i);
  }
  /** Address of a function or import (for call_indirect). */
  funcAddr(callee: Callee): Value {
    this.checkCallee('func_addr', callee);
    const i = this.begin(Opcode.FuncAddr, Type.Invalid, []);
    this.func.instImm[i] = callee.index;
    return this.one(i);
  }
  /**
   * `label_addr label`: the address of label `label` (0 .. 65535) of this function, C's `&&label`:
   * `indirect_br` goes to its destination number `label` when given this address.
   */
  labelAddr(label: number): Value {
    if (!Number.isInteger(label) || label < 0 || label >= MAX_LABELS) throw new RangeError(`label_addr: label must be an integer 0..${MAX_LABELS - 1}, got ${describe(label)}`);
    const i = this.begin(Opcode.LabelAddr, Type.Invalid, []);
    this.func.instImm[i] = label;
    return this.one(i);
  }

  // ---- calls ----
  private checkCallee(name: string, callee: Callee): void {
    if (!(callee instanceof Func) && !(callee instanceof Import)) throw new TypeError(`${name}: callee must be a function or import of this module, got ${describe(callee)}`);
    if (this.func.module.callees[callee.index] !== callee) throw new Error(`${name}: %${callee.name} belongs to another module`);
  }
  /** Direct call; returns all results. */
  callAll(callee: Callee, args: readonly Value[]): Value[] {
    this.checkCallee('call', callee);
    checkList('call', args, 'arguments');
    const i = this.begin(Opcode.Call, Type.Invalid, args);
    this.func.instImm[i] = callee.index;
    return this.func.instResults(this.end(i));
  }
  /** Direct call of a function with exactly one result; returns it. */
  call(callee: Callee, args: readonly Value[]): Value {
    if (!(callee instanceof Func) && !(callee instanceof Import)) throw new TypeError(`call: callee must be a function or import of this module, got ${describe(callee)}`);
    if (callee.results.length !== 1) throw new Error(`call: %${callee.name} has ${callee.results.length} results; use callAll`);
    return this.callAll(callee, args)[0]!;
  }
  /**
   * Declares a call_indirect signature; returns its number. `options.variadic`: the signature
   * is `(params, ...)` and calls through it may pass extra arguments of any type.
   */
  signature(params: readonly Type[], results: readonly Type[] = [], options: { variadic?: boolean } = {}): number {
    checkList('signature', params, 'parameter types');
    checkList('signature', results, 'result types');
    for (const t of params) checkType('signature', t, 'parameter type');
    for (const t of results) checkType('signature', t, 'result type');
    if (options === null || typeof options !== 'object') throw new TypeError(`signature: options must be an object, got ${describe(options)}`);
    const variadic: unknown = options.variadic ?? false;
    if (typeof variadic !== 'boolean') throw new TypeError(`signature: variadic must be a boolean, got ${describe(variadic)}`);
    return this.func.signature(params, results, variadic);
  }
  /** `call_indirect` / `call_native` through `addr` with signature `sig`; returns all results. */
  private callThrough(op: Opcode.CallIndirect | Opcode.CallNative, sig: number, addr: Value, args: readonly Value[]): Value[] {
    const name = op === Opcode.CallNative ? 'call_native' : 'call_indirect';
    if (typeof sig !== 'number' || this.func.signatures[sig] === undefined) throw new Error(`${name}: unknown signature ${typeof sig === 'number' ? `sig${sig}` : describe(sig)}`);
    checkList(name, args, 'arguments');
    const i = this.begin(op, Type.Invalid, [addr, ...args]);
    this.func.instImm[i] = sig;
    return this.func.instResults(this.end(i));
  }
  /** The one result of a `call_indirect` / `call_native` with signature `sig`. */
  private callThroughOne(op: Opcode.CallIndirect | Opcode.CallNative, sig: number, addr: Value, args: readonly Value[]): Value {
    const name = op === Opcode.CallNative ? 'call_native' : 'call_indirect';
    const s = typeof sig === 'number' ? this.func.signatures[sig] : undefined;
    if (s === undefined) throw new Error(`${name}: unknown signature ${typeof sig === 'number' ? `sig${sig}` : describe(sig)}`);
    if (s.results.length !== 1) throw new Error(`${name}: sig${sig} has ${s.results.length} results; use ${op === Opcode.CallNative ? 'callNativeAll' : 'callIndirectAll'}`);
    return this.callThrough(op, sig, addr, args)[0]!;
  }
  /** Indirect call through `addr` with signature `sig`; returns all results. */
  callIndirectAll(sig: number, addr: Value, args: readonly Value[]): Value[] { return this.callThrough(Opcode.CallIndirect, sig, addr, args); }
  /** Indirect call with exactly one result. */
  callIndirect(sig: number, addr: Value, args: readonly Value[]): Value { return this.callThroughOne(Opcode.CallIndirect, sig, addr, args); }
  /**
   * `call_native sig, addr(args)`: a plain System V call to `addr`, without `call_indirect`'s check
   * of jitkit's function header and signature hash, for C function pointers (from libc, `dlsym`,
   * `signal()`) and callees defined with a compatible signature; returns all results (at most 2).
   */
  callNativeAll(sig: number, addr: Value, args: readonly Value[]): Value[] { return this.callThrough(Opcode.CallNative, sig, addr, args); }
  /** `call_native` with exactly one result. */
  callNative(sig: number, addr: Value, args: readonly Value[]): Value { return this.callThroughOne(Opcode.CallNative, sig, addr, args); }

  // ---- variadic functions ----
  /** `va_start p`: initialises the 24-byte va_list at `p` (this function must be variadic). */
  vaStart(valist: Value): void {
    this.end(this.begin(Opcode.VaStart, Type.Invalid, [valist]));
  }
  /** `va_arg.T p`: the next extra argument, of type `type`, from the va_list at `p`. */
  vaArg(type: Type, valist: Value): Value {
    checkType('va_arg', type);
    return this.one(this.begin(Opcode.VaArg, type, [valist]));
  }
  /**
   * `va_arg.T.U p`: the two eightbytes (each i64 or f64) of a small struct, both from registers
   * or both from the stack, as System V passes such a struct.
   */
  vaArgPair(first: Type, second: Type, valist: Value): [Value, Value] {
    checkType('va_arg', first);
    checkType('va_arg', second);
    const i = this.begin(Opcode.VaArg, first, [valist]);
    this.func.instImm[i] = second;
    const [a, b] = this.func.instResults(this.end(i));
    return [a!, b!];
  }

  // ---- control flow ----
  /** `jump block(args)`. */
  jump(block: Block, args: readonly Value[] = []): void {
    checkList('jump', args, 'block arguments');
    const i = this.begin(Opcode.Jump, Type.Invalid, []);
    this.dest(i, { block, args });
    this.end(i);
  }
  /** `brif c, then, else`. */
  brif(c: Value, then: BranchTarget, otherwise: BranchTarget): void {
    const i = this.begin(Opcode.Brif, Type.Invalid, [c]);
    this.dest(i, then);
    this.dest(i, otherwise);
    this.end(i);
  }
  /** `br_table index, default, [table...]`. */
  brTable(index: Value, defaultTarget: BranchTarget, table: readonly BranchTarget[]): void {
    checkList('br_table', table, 'table');
    const i = this.begin(Opcode.BrTable, Type.Invalid, [index]);
    this.dest(i, defaultTarget);
    for (const t of table) this.dest(i, t);
    this.end(i);
  }
  /**
   * `indirect_br addr, [targets...]` (C's `goto *p`): to `targets[k]` when `addr` is `labelAddr(k)`
   * of this function; traps bad_target for any other address.
   */
  indirectBr(addr: Value, targets: readonly BranchTarget[]): void {
    checkList('indirect_br', targets, 'targets');
    const i = this.begin(Opcode.IndirectBr, Type.Invalid, [addr]);
    for (const t of targets) this.dest(i, t);
    this.end(i);
  }
  /** `return values`. */
  return(...values: Value[]): void {
    this.end(this.begin(Opcode.Return, Type.Invalid, values));
  }
  /** `trap code` (a TrapCode number or a name such as 'unreachable', 'user3'). */
  trap(code: number | string = 'unreachable'): void {
    const c = typeof code === 'string' ? parseTrapCode(code) : code;
    if (!Number.isInteger(c) || c < 0 || c > 0xffff) throw new Error(`trap: unknown trap code ${String(code)}`);
    const i = this.begin(Opcode.Trap, Type.Invalid, []);
    this.func.instImm[i] = c;
    this.end(i);
  }

  // ---- structured helpers ----
  /**
   * if/else producing values: runs `then`/`otherwise` in new blocks; each returns
   * the values (of `types`) flowing to the merge block, whose parameters are
   * returned. A branch that terminates itself (e.g. returns) may return nothing.
   */
  ifElse(c: Value, types: readonly Type[], then: () => readonly Value[] | void, otherwise?: () => readonly Value[] | void): Value[] {
    checkList('ifElse', types, 'types');
    checkFn('ifElse', then, 'then');
    if (otherwise !== undefined) checkFn('ifElse', otherwise, 'otherwise');
    const tb = this.block(), eb = this.block(), merge = this.block(...types);
    this.brif(c, tb, eb);
    const arm = (b: Block, fn: (() => readonly Value[] | void) | undefined): void => {
      this.switchTo(b);
      const out = fn === undefined ? [] : fn();
      if (!this.isTerminated) this.jump(merge, out ?? []);
    };
    arm(tb, then);
    arm(eb, otherwise);
    this.switchTo(merge);
    return this.blockParams(merge);
  }
  /**
   * while loop with loop-carried values: a header block takes `init`'s values as
   * parameters; `cond` (in the header) decides whether to run `body`, which returns
   * the next values. Returns the header's parameters as seen on exit.
   */
  while(init: readonly Value[], cond: (vals: Value[]) => Value, body: (vals: Value[]) => readonly Value[]): Value[] {
    const f = this.func;
    checkList('while', init, 'init');
    checkFn('while', cond, 'cond');
    checkFn('while', body, 'body');
    for (const v of init) if (typeof v !== 'number' || !f.isValue(v)) throw new Error(`while: init value ${describe(v)} is not a value of function ${f.name}`);
    const header = this.block(...init.map((v) => f.typeOf(v)));
    const bodyB = this.block(), exit = this.block();
    this.jump(header, init);
    this.switchTo(header);
    const vals = this.blockParams(header);
    this.brif(cond(vals), bodyB, exit);
    this.switchTo(bodyB);
    const next = body(vals);
    if (!this.isTerminated) this.jump(header, next);
    this.switchTo(exit);
    return vals;
  }
  /**
   * Counted loop `for (i = start; i < end (signed); i++)` with carried values;
   * `body(i, vals)` returns the next carried values. Returns the final values.
   */
  forRange(start: Value, end: Value, init: readonly Value[], body: (i: Value, vals: Value[]) => readonly Value[]): Value[] {
    if (typeof start !== 'number' || !this.func.isValue(start)) throw new Error(`forRange: start ${describe(start)} is not a value of function ${this.func.name}`);
    checkList('forRange', init, 'init');
    checkFn('forRange', body, 'body');
    const t = this.func.typeOf(start);
    const out = this.while([start, ...init], (v) => this.icmp(IntCC.Slt, v[0]!, end), (v) => {
      const next = body(v[0]!, v.slice(1));
      return [this.iadd(v[0]!, this.iconst(t, 1)), ...next];
    });
    return out.slice(1);
  }
  /** Verifies the function and throws on any problem; returns the function. */
  finish(): Func {
    const errors = verifyFunction(this.func);
    if (errors.length > 0) throw new Error(errors.join('\n'));
    return this.func;
  }
}
