/**
 * The opcode table: the single source of truth for every IR instruction. The
 * builder, printer, parser, verifier and interpreter all read `OPCODES`.
 *
 * Terms:
 *  - *format*: the operand shape of an instruction (how it is printed/parsed and
 *    which immediates it has).
 *  - *controlling type*: the type suffix of an instruction (`iconst.i64`,
 *    `load.i32`, `sext.i64`, `store.i8`); stored per instruction.
 *  - *result rule*: how the result type follows from operands or the suffix.
 */
import { Type } from './types.js';

/**
 * IR opcodes. Numeric order groups opcodes by kind; see `OPCODES` for details. Each group is
 * bracketed by `First*`/`Last*` range markers (aliases of its first and last member, placed
 * right after its last one): test a group with the `is*` predicates below, never with a bare
 * `op >= Opcode.X`. A new opcode goes inside its group, before the group's `Last*` marker,
 * and moves that marker (test/ir/opcodes.test.ts checks every group against the table).
 * Every `switch` over opcodes in the interpreter, the folder and each target's lowering ends
 * in `unhandledOpcode(op, ...)`, whose parameter is `never`: a new opcode does not compile
 * until each of them handles it.
 */
export const enum Opcode {
  /** `v = iconst.T imm`: integer constant. */
  IConst,
  /** `v = fconst.T imm`: float constant. */
  FConst,
  /** `v = ineg x`: two's-complement negation. */
  INeg,
  /** `v = bnot x`: bitwise not. */
  BNot,
  /** `v = clz x`: count leading zeros (width for 0). */
  Clz,
  /** `v = ctz x`: count trailing zeros (width for 0). */
  Ctz,
  /** `v = popcnt x`: count one bits. */
  Popcnt,
  /** Range marker: first integer unary opcode. */
  FirstIntUnary = INeg,
  /** Range marker: last integer unary opcode. */
  LastIntUnary = Popcnt,
  /** `v = iadd x, y`: wrapping add (ptr + i64 -> ptr allowed). */
  IAdd,
  /** `v = isub x, y`: wrapping subtract (ptr - i64 -> ptr allowed). */
  ISub,
  /** `v = imul x, y`: wrapping multiply. */
  IMul,
  /** `v = sdiv x, y`: signed divide, truncating; traps int_divz / int_ovf. */
  SDiv,
  /** `v = udiv x, y`: unsigned divide; traps int_divz. */
  UDiv,
  /** `v = srem x, y`: signed remainder (sign of x); traps int_divz; MIN % -1 = 0. */
  SRem,
  /** `v = urem x, y`: unsigned remainder; traps int_divz. */
  URem,
  /** `v = band x, y`: bitwise and. */
  BAnd,
  /** `v = bor x, y`: bitwise or. */
  BOr,
  /** `v = bxor x, y`: bitwise xor. */
  BXor,
  /** `v = ishl x, n`: shift left, n masked to width-1. */
  IShl,
  /** `v = ushr x, n`: logical shift right, n masked. */
  UShr,
  /** `v = sshr x, n`: arithmetic shift right, n masked. */
  SShr,
  /** `v = rotl x, n`: rotate left, n masked. */
  Rotl,
  /** `v = rotr x, n`: rotate right, n masked. */
  Rotr,
  /** Range marker: first integer binary opcode (shifts and rotates included). */
  FirstIntBinary = IAdd,
  /** Range marker: last integer binary opcode. */
  LastIntBinary = Rotr,
  /** Range marker: first shift or rotate. */
  FirstShift = IShl,
  /** Range marker: last shift or rotate. */
  LastShift = Rotr,
  /** `v = icmp cc x, y`: integer compare, i8 result 0 or 1. */
  ICmp,
  /** `v = fneg x`: flip the sign bit. */
  FNeg,
  /** `v = fabs x`: clear the sign bit. */
  FAbs,
  /** `v = fsqrt x`: square root. */
  FSqrt,
  /** `v = ffloor x`: round toward -inf. */
  FFloor,
  /** `v = fceil x`: round toward +inf. */
  FCeil,
  /** `v = ftrunc x`: round toward zero. */
  FTrunc,
  /** `v = fnearest x`: round to nearest, ties to even. */
  FNearest,
  /** Range marker: first float unary opcode. */
  FirstFloatUnary = FNeg,
  /** Range marker: last float unary opcode. */
  LastFloatUnary = FNearest,
  /** `v = fadd x, y`. */
  FAdd,
  /** `v = fsub x, y`. */
  FSub,
  /** `v = fmul x, y`. */
  FMul,
  /** `v = fdiv x, y`. */
  FDiv,
  /** `v = fmin x, y`: NaN in -> NaN out; -0 < +0. */
  FMin,
  /** `v = fmax x, y`: NaN in -> NaN out; -0 < +0. */
  FMax,
  /** `v = fcopysign x, y`: magnitude of x, sign of y. */
  FCopysign,
  /** Range marker: first float binary opcode. */
  FirstFloatBinary = FAdd,
  /** Range marker: last float binary opcode. */
  LastFloatBinary = FCopysign,
  /** `v = fcmp cc x, y`: float compare, i8 result 0 or 1. */
  FCmp,
  /** `v = select c, x, y`: x if int c != 0 else y. */
  Select,
  /** `v = sext.T x`: sign-extend to wider int T. */
  SExt,
  /** `v = zext.T x`: zero-extend to wider int T. */
  ZExt,
  /** `v = trunc.T x`: keep low bits, narrower int T. */
  Trunc,
  /** `v = fpromote.f64 x`: f32 -> f64. */
  FPromote,
  /** `v = fdemote.f32 x`: f64 -> f32 (round to nearest even). */
  FDemote,
  /** `v = fcvt_to_sint.T x`: float -> signed int, truncating; traps bad_conv. */
  FcvtToSint,
  /** `v = fcvt_to_uint.T x`: float -> unsigned int, truncating; traps bad_conv. */
  FcvtToUint,
  /** `v = fcvt_to_sint_sat.T x`: float -> signed int, truncating; NaN -> 0, out of range -> the nearer bound. */
  FcvtToSintSat,
  /** `v = fcvt_to_uint_sat.T x`: float -> unsigned int, truncating; NaN -> 0, out of range -> the nearer bound. */
  FcvtToUintSat,
  /** `v = fcvt_from_sint.T x`: signed int -> float (round to nearest even). */
  FcvtFromSint,
  /** `v = fcvt_from_uint.T x`: unsigned int -> float. */
  FcvtFromUint,
  /** `v = bitcast.T x`: reinterpret bits; same width (i32<->f32, i64/ptr<->f64, i64<->ptr). */
  Bitcast,
  /** Range marker: first conversion (`op.T x`). */
  FirstConvert = SExt,
  /** Range marker: last conversion. */
  LastConvert = Bitcast,
  /** `v = load.T p+off`: load a T. */
  Load,
  /** `v = sload8.T p+off`: load 8 bits, sign-extend to int T. */
  SLoad8,
  /** `v = uload8.T p+off`: load 8 bits, zero-extend. */
  ULoad8,
  /** `v = sload16.T p+off`. */
  SLoad16,
  /** `v = uload16.T p+off`. */
  ULoad16,
  /** `v = sload32.i64 p+off`. */
  SLoad32,
  /** `v = uload32.i64 p+off`. */
  ULoad32,
  /** Range marker: first load. */
  FirstLoad = Load,
  /** Range marker: last load. */
  LastLoad = ULoad32,
  /** `store.T x, p+off`: store T; an int x wider than T is truncated. */
  Store,
  /** `v = stack_addr ssN+off`: address of a stack slot. */
  StackAddr,
  /** `v = stack_alloc n, align A`: n (i64, unsigned) bytes of stack, valid until the function returns; traps stk_ovf. */
  StackAlloc,
  /** `v = stack_save`: marks the dynamic stack (for `stack_restore`). */
  StackSave,
  /** `stack_restore v`: frees the `stack_alloc`s made since the `stack_save` that gave v. */
  StackRestore,
  /** `v = global_addr %data`: address of module data. */
  GlobalAddr,
  /** `v = func_addr %f`: address of a function (for call_indirect). */
  FuncAddr,
  /** `v = label_addr N`: the address of label N of this function (C's `&&label`), for `indirect_br`. */
  LabelAddr,
  /** `v.. = call %f(args)`: direct call to a module function or import. */
  Call,
  /** `v.. = call_indirect sigN, p(args)`: call through an address. */
  CallIndirect,
  /** `v.. = call_native sigN, p(args)`: unchecked call through an address (any C function pointer). */
  CallNative,
  /** `va_start p`: initialises the 24-byte System V va_list at p for this variadic function's extra arguments. */
  VaStart,
  /**
   * `v = va_arg.T p`: the next extra argument, of type T, from the va_list at p; `v1, v2 =
   * va_arg.T.U p`: the two eightbytes of a small struct, both from registers or both from the stack.
   */
  VaArg,
  /** `jump blockN(args)`. */
  Jump,
  /** `brif c, blockT(args), blockF(args)`: to T if int c != 0. */
  Brif,
  /** `br_table i, blockD(args), [block0(args), ...]`: i as unsigned index, D if out of range. */
  BrTable,
  /** `indirect_br p, [block0(args), ...]`: to the k-th destination when p is `label_addr k` of this function, else traps bad_target. */
  IndirectBr,
  /** `return args`. */
  Return,
  /** `trap code`. */
  Trap,
  /** Range marker: the first opcode. */
  First = IConst,
  /** Range marker: the last opcode. */
  Last = Trap,
}

/** Number of opcodes (`OPCODES.length`). */
export const OPCODE_COUNT = Opcode.Last + 1;

/** The integer unary opcodes (ineg .. popcnt). */
export type IntUnaryOpcode = Opcode.INeg | Opcode.BNot | Opcode.Clz | Opcode.Ctz | Opcode.Popcnt;
/** The integer binary opcodes without the shifts (iadd .. bxor). */
export type IntArithOpcode = Opcode.IAdd | Opcode.ISub | Opcode.IMul | Opcode.SDiv | Opcode.UDiv | Opcode.SRem | Opcode.URem
  | Opcode.BAnd | Opcode.BOr | Opcode.BXor;
/** The shifts and rotates (ishl .. rotr). */
export type ShiftOpcode = Opcode.IShl | Opcode.UShr | Opcode.SShr | Opcode.Rotl | Opcode.Rotr;
/** The float unary opcodes (fneg .. fnearest). */
export type FloatUnaryOpcode = Opcode.FNeg | Opcode.FAbs | Opcode.FSqrt | Opcode.FFloor | Opcode.FCeil | Opcode.FTrunc | Opcode.FNearest;
/** The float binary opcodes (fadd .. fcopysign). */
export type FloatBinaryOpcode = Opcode.FAdd | Opcode.FSub | Opcode.FMul | Opcode.FDiv | Opcode.FMin | Opcode.FMax | Opcode.FCopysign;
/** The conversions (sext .. bitcast). */
export type ConvertOpcode = Opcode.SExt | Opcode.ZExt | Opcode.Trunc | Opcode.FPromote | Opcode.FDemote | Opcode.FcvtToSint
  | Opcode.FcvtToUint | Opcode.FcvtToSintSat | Opcode.FcvtToUintSat | Opcode.FcvtFromSint | Opcode.FcvtFromUint | Opcode.Bitcast;
/** The loads (load .. uload32). */
export type LoadOpcode = Opcode.Load | Opcode.SLoad8 | Opcode.ULoad8 | Opcode.SLoad16 | Opcode.ULoad16 | Opcode.SLoad32 | Opcode.ULoad32;

/** True for the integer unary opcodes. */
export function isIntUnary(op: Opcode): op is IntUnaryOpcode { return op >= Opcode.FirstIntUnary && op <= Opcode.LastIntUnary; }
/** True for the integer binary opcodes, shifts and rotates included. */
export function isIntBinary(op: Opcode): op is IntArithOpcode | ShiftOpcode { return op >= Opcode.FirstIntBinary && op <= Opcode.LastIntBinary; }
/** True for the shifts and rotates. */
export function isShift(op: Opcode): op is ShiftOpcode { return op >= Opcode.FirstShift && op <= Opcode.LastShift; }
/** True for the float unary opcodes. */
export function isFloatUnary(op: Opcode): op is FloatUnaryOpcode { return op >= Opcode.FirstFloatUnary && op <= Opcode.LastFloatUnary; }
/** True for the float binary opcodes. */
export function isFloatBinary(op: Opcode): op is FloatBinaryOpcode { return op >= Opcode.FirstFloatBinary && op <= Opcode.LastFloatBinary; }
/** True for the conversions. */
export function isConvert(op: Opcode): op is ConvertOpcode { return op >= Opcode.FirstConvert && op <= Opcode.LastConvert; }
/** True for the loads. */
export function isLoad(op: Opcode): op is LoadOpcode { return op >= Opcode.FirstLoad && op <= Opcode.LastLoad; }

/**
 * The end of every exhaustive `switch` over opcodes: `default: return unhandledOpcode(op, 'where')`.
 * Its parameter is `never`, so the switch does not compile while an opcode lacks a case; at run
 * time (a corrupted opcode number) it throws.
 */
export function unhandledOpcode(op: never, where: string): never {
  throw new Error(`${where}: opcode ${String(op)} is not handled`);
}

/** Operand shape of an instruction; drives printing, parsing and checking. */
export const enum Format {
  /** `iconst.T imm` */
  IntImm,
  /** `fconst.T imm` */
  FloatImm,
  /** `op x` */
  Unary,
  /** `op x, y` */
  Binary,
  /** `select c, x, y` */
  Ternary,
  /** `icmp cc x, y` */
  IntCompare,
  /** `fcmp cc x, y` */
  FloatCompare,
  /** `op.T x` */
  Convert,
  /** `load.T p+off` */
  Load,
  /** `store.T x, p+off` */
  Store,
  /** `stack_addr ssN+off` */
  StackAddr,
  /** `stack_alloc x, align N` */
  StackAlloc,
  /** `op` (no operands) */
  Nullary,
  /** `global_addr %d` */
  GlobalAddr,
  /** `func_addr %f` */
  FuncAddr,
  /** `label_addr N` */
  LabelAddr,
  /** `call %f(args)` */
  Call,
  /** `call_indirect sigN, p(args)`, `call_native sigN, p(args)` */
  CallIndirect,
  /** `va_start p` */
  VaStart,
  /** `va_arg.T p`, `va_arg.T.U p` */
  VaArg,
  /** `jump blockN(args)` */
  Jump,
  /** `brif c, blockT(args), blockF(args)` */
  Brif,
  /** `br_table i, blockD(args), [...]` */
  BrTable,
  /** `indirect_br p, [block0(args), ...]` */
  IndirectBr,
  /** `return args` */
  Return,
  /** `trap code` */
  Trap,
}

/** Which operand types an arithmetic opcode accepts. */
export const enum OperandClass {
  /** No constraint from the table (format-specific checks apply). */
  Any,
  /** Integer types (i8..i64, ptr). */
  Int,
  /** Float types (f32, f64). */
  Float,
  /** `ptr` only. */
  Ptr,
}

/** How an instruction's result types are determined. */
export const enum ResultRule {
  /** No results. */
  None,
  /** The controlling type suffix. */
  Ctrl,
  /** Same type as operand 0. */
  Arg0,
  /** Same type as operand 1 (select). */
  Arg1,
  /** i8 (compare results, 0 or 1). */
  Bool,
  /** ptr. */
  Ptr,
  /** The callee's / signature's result types. */
  Signature,
  /** va_arg: the controlling type, and the second type in `instImm` when it is not 0 (a pair). */
  VaArg,
}

/** Opcode flags (bit set). */
export const enum OpFlags {
  /** No flags. */
  None = 0,
  /** Ends a block. */
  Terminator = 1,
  /** Must not be removed even if its results are unused. */
  SideEffects = 2,
  /** May trap. */
  CanTrap = 4,
  /** Reads memory. */
  MemRead = 8,
  /** Writes memory. */
  MemWrite = 16,
  /** A call. */
  Call = 32,
  /** A branch with block destinations. */
  Branch = 64,
}

/** One row of the opcode table. */
export interface OpcodeInfo {
  /** Text name (`iadd`). */
  readonly name: string;
  /** Operand shape. */
  readonly format: Format;
  /** Result type rule. */
  readonly result: ResultRule;
  /** Operand type class for arithmetic. */
  readonly operands: OperandClass;
  /** `OpFlags` bit set. */
  readonly flags: number;
  /** For loads: memory access width in bytes (0 = the controlling type's width). */
  readonly memBytes: number;
  /** For loads: sign-extend the loaded bits. */
  readonly signed: boolean;
}

function op(name: string, format: Format, result: ResultRule, operands: OperandClass, flags: number,
  memBytes = 0, signed = false): OpcodeInfo {
  return { name, format, result, operands, flags, memBytes, signed };
}

const T = OpFlags.Terminator, S = OpFlags.SideEffects, C = OpFlags.CanTrap;
const R = OpFlags.MemRead, W = OpFlags.MemWrite, B = OpFlags.Branch;
const LD = R | C;

/** The opcode table, indexed by `Opcode`. */
export const OPCODES: readonly OpcodeInfo[] = [
  op('iconst', Format.IntImm, ResultRule.Ctrl, OperandClass.Int, 0),
  op('fconst', Format.FloatImm, ResultRule.Ctrl, OperandClass.Float, 0),
  op('ineg', Format.Unary, ResultRule.Arg0, OperandClass.Int, 0),
  op('bnot', Format.Unary, ResultRule.Arg0, OperandClass.Int, 0),
  op('clz', Format.Unary, ResultRule.Arg0, OperandClass.Int, 0),
  op('ctz', Format.Unary, ResultRule.Arg0, OperandClass.Int, 0),
  op('popcnt', Format.Unary, ResultRule.Arg0, OperandClass.Int, 0),
  op('iadd', Format.Binary, ResultRule.Arg0, OperandClass.Int, 0),
  op('isub', Format.Binary, ResultRule.Arg0, OperandClass.Int, 0),
  op('imul', Format.Binary, ResultRule.Arg0, OperandClass.Int, 0),
  op('sdiv', Format.Binary, ResultRule.Arg0, OperandClass.Int, C),
  op('udiv', Format.Binary, ResultRule.Arg0, OperandClass.Int, C),
  op('srem', Format.Binary, ResultRule.Arg0, OperandClass.Int, C),
  op('urem', Format.Binary, ResultRule.Arg0, OperandClass.Int, C),
  op('band', Format.Binary, ResultRule.Arg0, OperandClass.Int, 0),
  op('bor', Format.Binary, ResultRule.Arg0, OperandClass.Int, 0),
  op('bxor', Format.Binary, ResultRule.Arg0, OperandClass.Int, 0),
  op('ishl', Format.Binary, ResultRule.Arg0, OperandClass.Int, 0),
  op('ushr', Format.Binary, ResultRule.Arg0, OperandClass.Int, 0),
  op('sshr', Format.Binary, ResultRule.Arg0, OperandClass.Int, 0),
  op('rotl', Format.Binary, ResultRule.Arg0, OperandClass.Int, 0),
  op('rotr', Format.Binary, ResultRule.Arg0, OperandClass.Int, 0),
  op('icmp', Format.IntCompare, ResultRule.Bool, OperandClass.Int, 0),
  op('fneg', Format.Unary, ResultRule.Arg0, OperandClass.Float, 0),
  op('fabs', Format.Unary, ResultRule.Arg0, OperandClass.Float, 0),
  op('fsqrt', Format.Unary, ResultRule.Arg0, OperandClass.Float, 0),
  op('ffloor', Format.Unary, ResultRule.Arg0, OperandClass.Float, 0),
  op('fceil', Format.Unary, ResultRule.Arg0, OperandClass.Float, 0),
  op('ftrunc', Format.Unary, ResultRule.Arg0, OperandClass.Float, 0),
  op('fnearest', Format.Unary, ResultRule.Arg0, OperandClass.Float, 0),
  op('fadd', Format.Binary, ResultRule.Arg0, OperandClass.Float, 0),
  op('fsub', Format.Binary, ResultRule.Arg0, OperandClass.Float, 0),
  op('fmul', Format.Binary, ResultRule.Arg0, OperandClass.Float, 0),
  op('fdiv', Format.Binary, ResultRule.Arg0, OperandClass.Float, 0),
  op('fmin', Format.Binary, ResultRule.Arg0, OperandClass.Float, 0),
  op('fmax', Format.Binary, ResultRule.Arg0, OperandClass.Float, 0),
  op('fcopysign', Format.Binary, ResultRule.Arg0, OperandClass.Float, 0),
  op('fcmp', Format.FloatCompare, ResultRule.Bool, OperandClass.Float, 0),
  op('select', Format.Ternary, ResultRule.Arg1, OperandClass.Any, 0),
  op('sext', Format.Convert, ResultRule.Ctrl, OperandClass.Int, 0),
  op('zext', Format.Convert, ResultRule.Ctrl, OperandClass.Int, 0),
  op('trunc', Format.Convert, ResultRule.Ctrl, OperandClass.Int, 0),
  op('fpromote', Format.Convert, ResultRule.Ctrl, OperandClass.Float, 0),
  op('fdemote', Format.Convert, ResultRule.Ctrl, OperandClass.Float, 0),
  op('fcvt_to_sint', Format.Convert, ResultRule.Ctrl, OperandClass.Float, C),
  op('fcvt_to_uint', Format.Convert, ResultRule.Ctrl, OperandClass.Float, C),
  op('fcvt_to_sint_sat', Format.Convert, ResultRule.Ctrl, OperandClass.Float, 0),
  op('fcvt_to_uint_sat', Format.Convert, ResultRule.Ctrl, OperandClass.Float, 0),
  op('fcvt_from_sint', Format.Convert, ResultRule.Ctrl, OperandClass.Int, 0),
  op('fcvt_from_uint', Format.Convert, ResultRule.Ctrl, OperandClass.Int, 0),
  op('bitcast', Format.Convert, ResultRule.Ctrl, OperandClass.Any, 0),
  op('load', Format.Load, ResultRule.Ctrl, OperandClass.Any, LD, 0),
  op('sload8', Format.Load, ResultRule.Ctrl, OperandClass.Any, LD, 1, true),
  op('uload8', Format.Load, ResultRule.Ctrl, OperandClass.Any, LD, 1, false),
  op('sload16', Format.Load, ResultRule.Ctrl, OperandClass.Any, LD, 2, true),
  op('uload16', Format.Load, ResultRule.Ctrl, OperandClass.Any, LD, 2, false),
  op('sload32', Format.Load, ResultRule.Ctrl, OperandClass.Any, LD, 4, true),
  op('uload32', Format.Load, ResultRule.Ctrl, OperandClass.Any, LD, 4, false),
  op('store', Format.Store, ResultRule.None, OperandClass.Any, W | C | S),
  op('stack_addr', Format.StackAddr, ResultRule.Ptr, OperandClass.Any, 0),
  op('stack_alloc', Format.StackAlloc, ResultRule.Ptr, OperandClass.Any, S | C),
  op('stack_save', Format.Nullary, ResultRule.Ptr, OperandClass.Any, S),
  op('stack_restore', Format.Unary, ResultRule.None, OperandClass.Ptr, S),
  op('global_addr', Format.GlobalAddr, ResultRule.Ptr, OperandClass.Any, 0),
  op('func_addr', Format.FuncAddr, ResultRule.Ptr, OperandClass.Any, 0),
  op('label_addr', Format.LabelAddr, ResultRule.Ptr, OperandClass.Any, 0),
  op('call', Format.Call, ResultRule.Signature, OperandClass.Any, OpFlags.Call | S | C | R | W),
  op('call_indirect', Format.CallIndirect, ResultRule.Signature, OperandClass.Any, OpFlags.Call | S | C | R | W),
  op('call_native', Format.CallIndirect, ResultRule.Signature, OperandClass.Any, OpFlags.Call | S | C | R | W),
  op('va_start', Format.VaStart, ResultRule.None, OperandClass.Any, S | C | W),
  op('va_arg', Format.VaArg, ResultRule.VaArg, OperandClass.Any, S | C | R | W),
  op('jump', Format.Jump, ResultRule.None, OperandClass.Any, T | B | S),
  op('brif', Format.Brif, ResultRule.None, OperandClass.Any, T | B | S),
  op('br_table', Format.BrTable, ResultRule.None, OperandClass.Any, T | B | S),
  op('indirect_br', Format.IndirectBr, ResultRule.None, OperandClass.Any, T | B | S | C),
  op('return', Format.Return, ResultRule.None, OperandClass.Any, T | S),
  op('trap', Format.Trap, ResultRule.None, OperandClass.Any, T | S | C),
];

const BY_NAME = new Map<string, Opcode>(OPCODES.map((info, i) => [info.name, i as Opcode]));

/** Looks up an opcode by text name; -1 when unknown. */
export function opcodeByName(name: string): Opcode | -1 {
  return BY_NAME.get(name) ?? -1;
}

/** True if the opcode ends a block. */
export function isTerminator(op: Opcode): boolean {
  return (OPCODES[op]!.flags & OpFlags.Terminator) !== 0;
}

/** Integer comparison condition codes (`icmp`). */
export const enum IntCC {
  /** == */
  Eq, /** != */ Ne, /** signed < */ Slt, /** signed <= */ Sle, /** signed > */ Sgt,
  /** signed >= */ Sge, /** unsigned < */ Ult, /** unsigned <= */ Ule, /** unsigned > */ Ugt,
  /** unsigned >= */ Uge,
}

/** Text names of `IntCC`, indexed by code. */
export const INT_CC_NAMES: readonly string[] = ['eq', 'ne', 'slt', 'sle', 'sgt', 'sge', 'ult', 'ule', 'ugt', 'uge'];

/**
 * Float comparison condition codes (`fcmp`). Ordered codes (eq lt le gt ge ord)
 * are false when either operand is NaN; unordered codes (ne uno ueq une ult ule
 * ugt uge) are true when either is NaN. `ne` is the same as `une`.
 */
export const enum FloatCC {
  /** ordered and equal */ Eq, /** unordered or not equal */ Ne, /** ordered and < */ Lt,
  /** ordered and <= */ Le, /** ordered and > */ Gt, /** ordered and >= */ Ge,
  /** either is NaN */ Uno, /** neither is NaN */ Ord, /** unordered or equal */ Ueq,
  /** unordered or not equal */ Une, /** unordered or < */ Ult, /** unordered or <= */ Ule,
  /** unordered or > */ Ugt, /** unordered or >= */ Uge,
}

/** Text names of `FloatCC`, indexed by code. */
export const FLOAT_CC_NAMES: readonly string[] =
  ['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'uno', 'ord', 'ueq', 'une', 'ult', 'ule', 'ugt', 'uge'];

/** Trap codes. Codes >= `User` are user traps `user0`, `user1`, ... */
export const enum TrapCode {
  /** `trap unreachable`: code that must not run. */
  Unreachable = 0,
  /** Integer division or remainder by zero. */
  IntDivz = 1,
  /** Integer overflow (sdiv INT_MIN / -1). */
  IntOvf = 2,
  /** Float-to-int conversion of NaN or out-of-range value. */
  BadConv = 3,
  /** Memory access out of bounds (interpreter memory model). */
  HeapOob = 4,
  /** Call depth exceeded. */
  StackOverflow = 5,
  /** call_indirect through an address whose function has another signature. */
  BadSig = 6,
  /** indirect_br to an address that is not one of its labels. */
  BadTarget = 7,
  /** First user trap code (`user0`). */
  User = 16,
}

const TRAP_NAMES = ['unreachable', 'int_divz', 'int_ovf', 'bad_conv', 'heap_oob', 'stk_ovf', 'bad_sig', 'bad_target'];
const TRAP_TEXT = ['unreachable code reached', 'integer division by zero', 'integer overflow',
  'bad float-to-int conversion', 'memory access out of bounds', 'call stack exhausted',
  'indirect call signature mismatch', 'indirect branch to an address that is not one of its labels'];

/** Text name of a trap code (`int_divz`, `user3`). */
export function trapName(code: number): string {
  if (code >= TrapCode.User) return `user${code - TrapCode.User}`;
  return TRAP_NAMES[code] ?? `trap${code}`;
}

/** Human description of a trap code. */
export function trapDescription(code: number): string {
  if (code >= TrapCode.User) return `user trap ${code - TrapCode.User}`;
  return TRAP_TEXT[code] ?? 'unknown trap';
}

/** Parses a trap code name; -1 when unknown. */
export function parseTrapCode(name: string): number {
  const i = TRAP_NAMES.indexOf(name);
  if (i >= 0) return i;
  const m = /^user(\d+)$/.exec(name);
  if (m !== null && Number(m[1]) <= 65535) return TrapCode.User + Number(m[1]);
  return -1;
}
