/**
 * Machine code on virtual registers, the same container on every target: `MInst` (one machine
 * instruction), `MBlock`, `MFunction`. What lowering produces, the register allocator reads
 * (through regallocView, backend.ts) and the emitter turns into bytes.
 *
 * The target defines what an instruction means: `op` is a target opcode (x86-64: `MOp` in
 * x64/minst.ts) and `sub`, `size`, `imm`, `imm2`, `scale`, `sym` are read by that target's
 * emitter as its opcode documents. The register operands are neutral: every instruction
 * lists them (`reg(k)`, `regCount`) with an `OperandKind` each (use / def / use-def "tied" /
 * early def / temp); a number below the target's `numPregs` is a fixed physical register,
 * a larger one a virtual register. The emitter and the printer read them with `reg(k)` /
 * `kind(k)`; the allocator reads them as one flat table that `copyOperands` fills, so
 * operand k here is operand k there.
 *
 * Kept small because there is one per machine instruction: operands 0..3 and their kinds
 * sit in fields (no array per instruction), immediates are int32s (64-bit values as two
 * halves), never bigints.
 */
import type { Func } from '../ir/function.js';
import { isFloatType, type Type } from '../ir/types.js';
import type { OperandKind } from '../regalloc/allocation.js';
import { BackendScratch } from './scratch.js';
import { RegClass, type TargetRegisters } from './target.js';

/** The `targets` of instructions that branch nowhere: shared, so never modified (branches get a new array). */
const NO_TARGETS: number[] = [];

/** Operand kinds packed into `MInst.kindBits` (3 bits each, within a small integer). */
const PACKED_KINDS = 10;
/** Register operands kept in the fields `r0 .. r3`; calls and parallel moves put the rest in `regsRest`. */
const INLINE_REGS = 4;

/** One machine instruction. */
export class MInst {
  /** Target opcode (x86-64: `MOp`). */ op: number;
  /** Sub-operation. */ sub: number;
  /** Operand size in bytes. */ size: number;
  /** Condition / second size / immediate. */ imm: number;
  /** Second immediate. */ imm2: number;
  /** Index scale (1, 2, 4, 8) of LoadIdx/StoreIdx. */ scale: number;
  /** Symbol for calls and LoadSym. */ sym: string;
  /** Machine block targets for branches. */ targets: number[];
  /**
   * Register operands 0 .. 3 (read them with `reg(k)`): fields rather than an array per instruction,
   * which with its backing store was most of lowering's garbage.
   */ r0: number; r1: number; r2: number; r3: number;
  /** Number of register operands. */ regCount: number;
  /** Register operands INLINE_REGS and up (calls, parallel moves), else null. */ regsRest: number[] | null;
  /**
   * `OperandKind`s of the first PACKED_KINDS register operands, 3 bits each (operand k at bits
   * 3k .. 3k+2): one array per instruction fewer, whose growth to 16 slots on the first push made
   * it the largest garbage of lowering. Read them with `kind(k)`.
   */ kindBits: number;
  /** `OperandKind`s of operands PACKED_KINDS and up (calls, parallel moves), else null. */ kindsRest: OperandKind[] | null;
  /** The IR instruction this came from, or -1. */ irInst: number;
  constructor(op: number, irInst: number) {
    this.op = op;
    this.sub = 0;
    this.size = 8;
    this.imm = 0;
    this.imm2 = 0;
    this.scale = 1;
    this.sym = '';
    this.targets = NO_TARGETS;
    this.r0 = 0; this.r1 = 0; this.r2 = 0; this.r3 = 0;
    this.regCount = 0;
    this.regsRest = null;
    this.kindBits = 0;
    this.kindsRest = null;
    this.irInst = irInst;
  }
  /** Appends a register operand. */
  add(reg: number, kind: OperandKind): this {
    const k = this.regCount++;
    if (k === 0) this.r0 = reg;
    else if (k === 1) this.r1 = reg;
    else if (k === 2) this.r2 = reg;
    else if (k === 3) this.r3 = reg;
    else (this.regsRest ??= []).push(reg);
    if (k < PACKED_KINDS) this.kindBits |= kind << (3 * k);
    else (this.kindsRest ??= []).push(kind);
    return this;
  }
  /** Register operand k (0 <= k < regCount). */
  reg(k: number): number {
    return k === 0 ? this.r0 : k === 1 ? this.r1 : k === 2 ? this.r2 : k === 3 ? this.r3 : this.regsRest![k - INLINE_REGS]!;
  }
  /** The register operands as a new array (for tests and debugging; `reg(k)` on hot paths). */
  get regs(): number[] {
    const r: number[] = [];
    for (let k = 0; k < this.regCount; k++) r.push(this.reg(k));
    return r;
  }
  /** Sets `imm2` and `imm` to the high and low halves (int32 each) of the 64-bit immediate `v` (MovImm). */
  setImm64(v: bigint): this {
    const s = BigInt.asIntN(64, v);
    this.imm = Number(BigInt.asIntN(32, s));
    this.imm2 = Number(s >> 32n);
    return this;
  }
  /**
   * Writes the register operands to `regs` and their kinds to `kinds` from index `at` on (a row
   * of the allocator's operand table, see regallocView); returns the index after them.
   */
  copyOperands(regs: Int32Array, kinds: Int32Array, at: number): number {
    const n = this.regCount, bits = this.kindBits;
    switch (n) {
      case 0: return at;
      case 1: regs[at] = this.r0; kinds[at] = bits & 7; return at + 1;
      case 2: regs[at] = this.r0; regs[at + 1] = this.r1; kinds[at] = bits & 7; kinds[at + 1] = (bits >>> 3) & 7; return at + 2;
      default: break;
    }
    for (let k = 0; k < n; k++) {
      regs[at + k] = this.reg(k);
      kinds[at + k] = k < PACKED_KINDS ? (bits >>> (3 * k)) & 7 : this.kindsRest![k - PACKED_KINDS]!;
    }
    return at + n;
  }
  /** Kind of register operand k. */
  kind(k: number): OperandKind {
    return k < PACKED_KINDS ? ((this.kindBits >>> (3 * k)) & 7) as OperandKind : this.kindsRest![k - PACKED_KINDS]!;
  }
}

/** A machine basic block. */
export class MBlock {
  /** Instructions. */ readonly insts: MInst[] = [];
  /** Successor machine blocks. */ readonly succs: number[] = [];
  /** The IR block (or -1 for an edge block). */ readonly irBlock: number;
  constructor(irBlock: number) { this.irBlock = irBlock; }
}

/** A lowered function. */
export class MFunction {
  /** Blocks by id; `order` is the layout. */ readonly blocks: MBlock[] = [];
  /** Layout order of block ids. */ order: number[] = [];
  /** Register class per register id (pregs included): the first `regCount` entries (the array grows by doubling). */ regClass: Uint8Array;
  /** Number of register ids: pregs, IR values, temporaries. */ regCount: number;
  /** Largest number of outgoing stack argument slots of any call. */ outArgSlots = 0;
  /** Number of incoming stack arguments. */ inArgSlots = 0;
  /**
   * The function moves the stack pointer at run time (`stack_alloc`, `stack_restore`): the emitter
   * addresses its frame (spill slots, stack slots) from the frame pointer.
   */ dynamicStack = false;
  /**
   * Frame slots lowering adds beside the IR function's stack slots (e.g. a variadic function's register
   * save area), numbered after them: slot `func.stackSlots.length + k` is `frameSlots[k]`.
   */ readonly frameSlots: { size: number; align: number }[] = [];
  /** Scratch tables of the compilation, for the phases after lowering. */ readonly scratch: BackendScratch;
  constructor(readonly func: Func, registers: TargetRegisters, scratch: BackendScratch = new BackendScratch()) {
    this.scratch = scratch;
    // The pregs, then IR value v as register numPregs + v; room for about as many temporaries.
    const pregs = registers.numPregs, n = pregs + func.valueCount, rc = new Uint8Array(2 * n);
    rc.set(registers.pregClass);
    for (let v = 0; v < func.valueCount; v++) rc[pregs + v] = isFloatType(func.valueType[v] as Type) ? RegClass.Float : RegClass.Int;
    this.regClass = rc;
    this.regCount = n;
  }
  /** A new virtual register of class `cls` (grows `regClass` by doubling). */
  newReg(cls: number): number {
    if (this.regCount === this.regClass.length) {
      const grown = new Uint8Array(2 * this.regCount);
      grown.set(this.regClass);
      this.regClass = grown;
    }
    this.regClass[this.regCount] = cls;
    return this.regCount++;
  }
}
