/**
 * Sandboxing untrusted IR: an IR-to-IR rewrite, before lowering, that confines
 * every memory access of a module to one linear memory (as WebAssembly does),
 * so that a `ptr` is an offset into that memory and never a usable address.
 *
 *   compile(m, { sandbox: { memoryBytes } })
 *     planSandbox      where data, the shadow stack and its pointer go in the memory
 *     sandboxModule    rewrites the (copied) module, target-neutral:
 *       load/store p+off      guard:  base + zext(low 32 bits of p), + off
 *                                     (the reservation around the memory is unmapped:
 *                                     any such address is in it, and what is outside
 *                                     the memory faults: heap_oob)
 *                             bounds: p + off checked against the memory's size, then
 *                                     base + p, + off (trap heap_oob otherwise)
 *       global_addr %d        the data object's offset in the memory (data is copied there;
 *                             its relocations hold offsets of data and table indices of functions)
 *       stack_addr ssN+k      an offset in a shadow stack at the top of the memory: each
 *                             function with stack slots moves the shadow stack pointer
 *                             (stored at SSP_OFFSET) down on entry and back before each
 *                             return, trapping stk_ovf when it would leave the stack area
 *       func_addr %f          an index into the module's function table (0 is no function)
 *       call_indirect p       the table's entry p (entry 0 when p is out of range, whose
 *                             address 0 the call's own checks reject: heap_oob)
 *       va_start, va_arg      refused: a va_list in the memory would hold real addresses
 *       stack_alloc, stack_save, stack_restore, call_native, label_addr
 *                             refused: real stack pointers, unchecked native calls, code addresses
 *
 * Imports are what the embedder passes (compile's `resolve`; no fallback to the
 * process's symbols): their pointer arguments are offsets too. The instructions the
 * rewrite adds (the shadow stack pointer, the table) use real addresses; they are
 * added after the accesses are confined, and nothing the module computes reaches them.
 *
 * Terms: the *memory* is `memoryBytes` bytes at `base`; an *offset* is a ptr value of
 * the module; the *reservation* is the address space around the memory mapped with no
 * access (guard mode: 2 GiB below, 6 GiB above, covering every base + u32 + i32).
 */
import { DataObject, Func, Module, type Inst, type Value } from '../ir/function.js';
import { Format, IntCC, OPCODES, Opcode, TrapCode } from '../ir/opcodes.js';
import { Type, typeBits } from '../ir/types.js';

/** How a sandboxed module's memory accesses are confined. */
export type SandboxChecks = 'guard' | 'bounds';

/** The `sandbox` option of compile(). */
export interface SandboxOptions {
  /** Bytes of linear memory (an integer from 4096 to 2^32). */
  readonly memoryBytes: number;
  /** Bytes of the shadow stack for stack slots, at the top of the memory (default: 64 KiB, at most a quarter of the memory). */
  readonly stackBytes?: number;
  /** `'guard'` (default): 32-bit offsets and an unmapped reservation around the memory; `'bounds'`: an explicit check per access. */
  readonly checks?: SandboxChecks;
}

/** Where things are in a sandboxed module's memory. */
export interface SandboxLayout {
  readonly memoryBytes: number;
  readonly checks: SandboxChecks;
  /** Offset of each module data object (by data index). */
  readonly dataOffsets: readonly number[];
  /** Offset and length (whole pages) of the read-only data, which is mapped read-only. */
  readonly readonlyStart: number;
  readonly readonlyBytes: number;
  /** The shadow stack: [stackLow, stackTop); its pointer (u64) is at SSP_OFFSET. */
  readonly stackLow: number;
  readonly stackTop: number;
}

/** Offset of the shadow stack pointer in the memory (offsets 0..15 hold no data). */
export const SSP_OFFSET = 8;
/** Address space reserved below the memory in guard mode (a signed 32-bit displacement reaches 2 GiB down). */
export const GUARD_BELOW = 2 ** 31;
/** Address space reserved from the memory's base in guard mode (u32 offset + i32 displacement + access size). */
export const GUARD_ABOVE = 2 ** 32 + 2 ** 31 + 65536;
const PAGE = 4096;
const DEFAULT_STACK = 64 * 1024;

function alignUp(x: number, a: number): number {
  return Math.ceil(x / a) * a;
}

/** Checks the options and lays out the memory: data (writable, then read-only pages), free space, the shadow stack. */
export function planSandbox(m: Module, o: SandboxOptions): SandboxLayout {
  if (typeof o !== 'object' || o === null) throw new TypeError('compile: sandbox must be an object { memoryBytes, stackBytes?, checks? }');
  const memoryBytes = o.memoryBytes;
  if (typeof memoryBytes !== 'number' || !Number.isInteger(memoryBytes) || memoryBytes < PAGE || memoryBytes > 2 ** 32) {
    throw new RangeError(`compile: sandbox.memoryBytes must be an integer from 4096 to 4294967296, got ${String(memoryBytes)}`);
  }
  const checks = o.checks ?? 'guard';
  if (checks !== 'guard' && checks !== 'bounds') throw new TypeError(`compile: sandbox.checks must be 'guard' or 'bounds', got ${String(checks)}`);
  const stackBytes = o.stackBytes ?? Math.min(DEFAULT_STACK, alignUp(memoryBytes / 4, 16));
  if (typeof stackBytes !== 'number' || !Number.isInteger(stackBytes) || stackBytes < 16 || stackBytes % 16 !== 0 || stackBytes > memoryBytes) {
    throw new RangeError(`compile: sandbox.stackBytes must be a multiple of 16 from 16 to memoryBytes, got ${String(stackBytes)}`);
  }
  for (const d of m.data) {
    if (d.external) throw new Error(`compile: a sandboxed module cannot import data (%${d.name}): its memory is the only memory it reaches`);
  }
  const dataOffsets: number[] = new Array<number>(m.data.length).fill(0);
  let at = 16;
  m.data.forEach((d, i) => {
    if (d.readonly) return;
    at = alignUp(at, d.align);
    dataOffsets[i] = at;
    at += d.size;
  });
  const readonlyStart = alignUp(at, PAGE);
  at = readonlyStart;
  m.data.forEach((d, i) => {
    if (!d.readonly) return;
    at = alignUp(at, d.align);
    dataOffsets[i] = at;
    at += d.size;
  });
  const readonlyBytes = alignUp(at, PAGE) - readonlyStart;
  const dataEnd = readonlyBytes > 0 ? readonlyStart + readonlyBytes : at;
  const stackTop = memoryBytes - (memoryBytes % 16);
  const stackLow = stackTop - stackBytes;
  if (dataEnd > stackLow) {
    throw new RangeError(`compile: sandbox.memoryBytes (${memoryBytes}) cannot hold the module's data (${dataEnd} bytes) and a ${stackBytes}-byte stack`);
  }
  return { memoryBytes, checks, dataOffsets, readonlyStart, readonlyBytes, stackLow, stackTop };
}

/** Instruction building inside an existing function (the builder only appends). */
class Editor {
  constructor(readonly f: Func) {}

  /** Inserts `op` with `args` before `before` (or at the end of `block` when before is -1); returns its result. */
  insert(op: Opcode, type: Type, args: readonly number[], resultType: Type, before: number, block = -1): Value {
    const f = this.f;
    const i = f.newInst(op, type, args);
    f.makeResults(i, [resultType]);
    if (before >= 0) f.insertInstBefore(i, before as Inst);
    else f.appendInst(block as never, i);
    return f.result(i);
  }

  iconst(type: Type, value: bigint | number, before: number, block = -1): Value {
    const f = this.f;
    const i = f.newInst(Opcode.IConst, type, []);
    f.setIconstValue(i, BigInt.asIntN(64, BigInt(value)));
    f.makeResults(i, [type]);
    if (before >= 0) f.insertInstBefore(i, before as Inst);
    else f.appendInst(block as never, i);
    return f.result(i);
  }

  /** An instruction with no result, before `before` or at the end of `block`. */
  effect(op: Opcode, type: Type, args: readonly number[], imm: number, before: number, block = -1): Inst {
    const f = this.f;
    const i = f.newInst(op, type, args);
    f.instImm[i] = imm;
    if (before >= 0) f.insertInstBefore(i, before as Inst);
    else f.appendInst(block as never, i);
    return i;
  }
}

/** What the rewrite needs besides the layout: where the memory and the function table are. */
export interface SandboxAddresses {
  /** Address of offset 0 of the memory. */
  readonly memoryBase: bigint;
  /** Address of the function table (8 bytes per entry, entry 0 is 0), outside the memory. */
  readonly tableAddress: bigint;
}

/**
 * Rewrites `m` (a copy: it is changed in place) as the module comment says. Returns the callees
 * (by callee index) whose address the module takes, in function-table order from entry 1.
 */
export function sandboxModule(m: Module, layout: SandboxLayout, at: SandboxAddresses): number[] {
  const table: number[] = [];
  const tableIndex = new Map<number, number>();
  const indexOf = (callee: number): number => {
    let k = tableIndex.get(callee);
    if (k === undefined) {
      table.push(callee);
      k = table.length; // entry 0 is no function
      tableIndex.set(callee, k);
    }
    return k;
  };
  // Table indices first: every function's call_indirect range check needs the final size.
  for (const f of m.functions()) forEachInst(f, (i) => { if (f.instOpcode[i] === Opcode.FuncAddr) indexOf(f.instImm[i]!); });
  for (const d of m.data) for (const r of d.relocs) if (!(r.target instanceof DataObject)) indexOf(r.target.index);
  for (const f of m.functions()) rewriteFunction(f, layout, at, indexOf, table.length);
  return table;
}

function forEachInst(f: Func, fn: (i: number) => void): void {
  for (let b = f.firstBlock; b !== -1; b = f.blockNext[b]!) {
    for (let i = f.blockFirst[b]!; i !== -1;) {
      const next = f.instNext[i]!;
      fn(i);
      i = next;
    }
  }
}

function rewriteFunction(f: Func, layout: SandboxLayout, at: SandboxAddresses, indexOf: (callee: number) => number, tableSize: number): void {
  const e = new Editor(f);
  const memory: number[] = [], stackAddrs: number[] = [], indirect: number[] = [], returns: number[] = [];
  forEachInst(f, (i) => {
    const op = f.instOpcode[i] as Opcode, format = OPCODES[op]!.format;
    if (format === Format.Load || format === Format.Store) memory.push(i);
    else if (op === Opcode.VaStart || op === Opcode.VaArg) {
      // A va_list holds real addresses (the register save area, the caller's stack) in memory the module can write.
      throw new Error(`compile: a sandboxed module cannot use ${OPCODES[op]!.name} (in %${f.name}): a va_list holds real addresses, which sandboxed code could forge`);
    } else if (op === Opcode.StackAlloc || op === Opcode.StackSave || op === Opcode.StackRestore || op === Opcode.CallNative || op === Opcode.LabelAddr) {
      // Real stack pointers (stack_restore would set rsp), unchecked native calls, code addresses.
      throw new Error(`compile: a sandboxed module cannot use ${OPCODES[op]!.name} (in %${f.name}): it works on real addresses`);
    } else if (op === Opcode.StackAddr) stackAddrs.push(i);
    else if (op === Opcode.CallIndirect) indirect.push(i);
    else if (op === Opcode.Return) returns.push(i);
    else if (op === Opcode.GlobalAddr) toIconst(f, i, BigInt(layout.dataOffsets[f.instImm[i]!]!));
    else if (op === Opcode.FuncAddr) toIconst(f, i, BigInt(indexOf(f.instImm[i]!)));
  });
  const entry = f.firstBlock;
  const first = f.blockFirst[entry]!;
  let base: Value | undefined;
  const memoryBase = (): Value => (base ??= e.iconst(Type.Ptr, at.memoryBase, first));
  let oob = -1;
  for (const i of memory) {
    const isStore = OPCODES[f.instOpcode[i] as Opcode]!.format === Format.Store;
    const k = isStore ? 1 : 0;
    const p = f.arg(i as Inst, k);
    const wide = e.insert(Opcode.Bitcast, Type.I64, [p], Type.I64, i);
    if (layout.checks === 'guard') {
      const low = e.insert(Opcode.Trunc, Type.I32, [wide], Type.I32, i);
      const offset = e.insert(Opcode.ZExt, Type.I64, [low], Type.I64, i);
      f.setArg(i as Inst, k, e.insert(Opcode.IAdd, Type.Invalid, [memoryBase(), offset], Type.Ptr, i));
      continue;
    }
    // bounds: 0 <= p + off <= memoryBytes - size, as one unsigned compare of the 64-bit sum.
    const size = accessBytes(f, i);
    const end = e.insert(Opcode.IAdd, Type.Invalid, [wide, e.iconst(Type.I64, f.instImm[i]!, i)], Type.I64, i);
    const ok = e.insert(Opcode.ICmp, Type.Invalid, [end, e.iconst(Type.I64, layout.memoryBytes - size, i)], Type.I8, i);
    f.instImm[f.valueDef[ok]!] = IntCC.Ule;
    if (oob < 0) oob = trapBlock(f, TrapCode.HeapOob);
    splitBefore(f, i, ok, oob);
    f.setArg(i as Inst, k, e.insert(Opcode.IAdd, Type.Invalid, [memoryBase(), wide], Type.Ptr, i));
  }
  for (const i of indirect) {
    // entry = table[p < size + 1 ? p : 0]
    const wide = e.insert(Opcode.Bitcast, Type.I64, [f.arg(i as Inst, 0)], Type.I64, i);
    const inRange = e.insert(Opcode.ICmp, Type.Invalid, [wide, e.iconst(Type.I64, tableSize + 1, i)], Type.I8, i);
    f.instImm[f.valueDef[inRange]!] = IntCC.Ult;
    const index = e.insert(Opcode.Select, Type.Invalid, [inRange, wide, e.iconst(Type.I64, 0, i)], Type.I64, i);
    const scaled = e.insert(Opcode.IShl, Type.Invalid, [index, e.iconst(Type.I64, 3, i)], Type.I64, i);
    const slot = e.insert(Opcode.IAdd, Type.Invalid, [e.iconst(Type.Ptr, at.tableAddress, i), scaled], Type.Ptr, i);
    const target = e.insert(Opcode.Load, Type.Ptr, [slot], Type.Ptr, i);
    f.instImm[f.valueDef[target]!] = 0;
    f.setArg(i as Inst, 0, target);
  }
  if (f.stackSlots.length > 0) shadowStack(f, e, layout, at, stackAddrs, returns);
}

function toIconst(f: Func, i: number, value: bigint): void {
  f.instOpcode[i] = Opcode.IConst;
  f.instType[i] = Type.Ptr;
  f.setArgs(i as Inst, []);
  f.setIconstValue(i as Inst, value);
}

function accessBytes(f: Func, i: number): number {
  const info = OPCODES[f.instOpcode[i] as Opcode]!;
  return info.memBytes !== 0 ? info.memBytes : typeBits(f.instType[i] as Type) >> 3;
}

/** A new block at the end of the layout that traps `code`; returns it. */
function trapBlock(f: Func, code: number): number {
  const b = f.newBlock();
  f.appendBlock(b);
  const t = f.newInst(Opcode.Trap, Type.Invalid, []);
  f.instImm[t] = code;
  f.appendInst(b, t);
  return b;
}

/** Ends `inst`'s block before it with `brif cond, rest, otherwise`; `inst` and what follows move to the new block `rest`. */
function splitBefore(f: Func, inst: number, cond: Value, otherwise: number): void {
  const block = f.instBlock[inst]!;
  const rest = f.newBlock();
  const after = f.blockNext[block]!;
  if (after === -1) f.appendBlock(rest); else f.insertBlockBefore(rest, after as never);
  for (let i = inst; i !== -1;) {
    const next = f.instNext[i]!;
    f.removeInst(i as Inst);
    f.appendInst(rest, i as Inst);
    i = next;
  }
  const br = f.newInst(Opcode.Brif, Type.Invalid, [cond]);
  f.addDest(br, rest, []);
  f.addDest(br, otherwise as never, []);
  f.appendInst(block as never, br);
}

/**
 * Stack slots in the shadow stack: a new entry block loads the shadow stack pointer, moves it
 * down by the frame (trapping stk_ovf outside the stack area) and branches to the old entry;
 * each stack_addr becomes an offset from the new pointer; each return puts the old one back.
 */
function shadowStack(f: Func, e: Editor, layout: SandboxLayout, at: SandboxAddresses, stackAddrs: number[], returns: number[]): void {
  const slotOffset: number[] = [];
  let size = 0;
  for (const ss of f.stackSlots) {
    size = alignUp(size, Math.max(ss.align, 1));
    slotOffset.push(size);
    size += ss.size;
  }
  const frame = alignUp(Math.max(size, 16), 16);
  const oldEntry = f.firstBlock;
  const entry = f.newBlock();
  f.insertBlockBefore(entry, oldEntry as never);
  const args: Value[] = [];
  for (let k = 0; k < f.params.length; k++) args.push(f.appendBlockParam(entry, f.params[k]!));
  const ssp = e.iconst(Type.Ptr, at.memoryBase + BigInt(SSP_OFFSET), -1, entry);
  const old = e.insert(Opcode.Load, Type.I64, [ssp], Type.I64, -1, entry);
  f.instImm[f.valueDef[old]!] = 0;
  const sp = e.insert(Opcode.ISub, Type.Invalid, [old, e.iconst(Type.I64, frame, -1, entry)], Type.I64, -1, entry);
  const low = e.insert(Opcode.ICmp, Type.Invalid, [sp, e.iconst(Type.I64, layout.stackLow, -1, entry)], Type.I8, -1, entry);
  f.instImm[f.valueDef[low]!] = IntCC.Uge;
  const high = e.insert(Opcode.ICmp, Type.Invalid, [old, e.iconst(Type.I64, layout.stackTop, -1, entry)], Type.I8, -1, entry);
  f.instImm[f.valueDef[high]!] = IntCC.Ule;
  const ok = e.insert(Opcode.BAnd, Type.Invalid, [low, high], Type.I8, -1, entry);
  e.effect(Opcode.Store, Type.I64, [sp, ssp], 0, -1, entry);
  const spPtr = e.insert(Opcode.Bitcast, Type.Ptr, [sp], Type.Ptr, -1, entry);
  const overflow = trapBlock(f, TrapCode.StackOverflow);
  const br = f.newInst(Opcode.Brif, Type.Invalid, [ok]);
  f.addDest(br, oldEntry as never, args);
  f.addDest(br, overflow as never, []);
  f.appendInst(entry, br);
  for (const i of stackAddrs) {
    const offset = e.iconst(Type.I64, slotOffset[f.instImm[i]!]! + f.instImm2[i]!, i);
    f.instOpcode[i] = Opcode.IAdd;
    f.instType[i] = Type.Invalid;
    f.instImm[i] = 0;
    f.instImm2[i] = 0;
    f.setArgs(i as Inst, [spPtr, offset]);
  }
  for (const r of returns) e.effect(Opcode.Store, Type.I64, [old, ssp], 0, r);
  f.stackSlots.length = 0;
}

/**
 * Copies the module's data into the sandbox's memory at the layout's offsets; each relocation
 * holds the target's offset plus the addend (data) or its function-table index (functions and
 * imports; `table` as sandboxModule returned it).
 */
export function placeSandboxData(m: Module, layout: SandboxLayout, table: readonly number[], memory: Uint8Array): void {
  const view = new DataView(memory.buffer, memory.byteOffset, memory.byteLength);
  for (const d of m.data) {
    const at = layout.dataOffsets[d.index]!;
    memory.set(d.bytes, at);
    for (const r of d.relocs) {
      const t = r.target;
      let value: bigint;
      if (t instanceof DataObject) value = BigInt(layout.dataOffsets[t.index]! + r.addend);
      else {
        if (r.addend !== 0) {
          throw new Error(`compile: sandboxed data %${d.name} holds the address of %${t.name} plus ${r.addend}: in a sandbox a function address is a table index, which takes no addend`);
        }
        value = BigInt(table.indexOf(t.index) + 1);
      }
      view.setBigUint64(at + r.offset, BigInt.asUintN(64, value), true);
    }
  }
}
