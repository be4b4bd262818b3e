/**
 * IR entities and their storage: `Module` (functions, imports, data) and `Func`
 * (one function body in struct-of-arrays tables).
 *
 * Terms:
 *  - *value*, *block*, *inst*: integer ids (branded numbers) into dense typed-array
 *    tables of one `Func`. Ids may have holes (a parsed function keeps the text's
 *    numbers); `isValue/isBlock` tell live ids apart.
 *  - *layout*: the order of blocks in the function and of instructions in a block;
 *    doubly linked lists kept apart from the data-flow tables.
 *  - *destination* (dest): a branch target with its block arguments, `block3(v1, v2)`.
 *  - *pool*: one growable `Int32Array` holding operand, result and block-parameter
 *    lists; an entity stores (start, count) into it.
 */
import { OPCODES, Opcode } from './opcodes.js';
import { Builder } from './builder.js';
import { Signature, Type, signatureText, typeName } from './types.js';
import { describe } from '../util/describe.js';
import { f32FromBits, f64FromBits } from './float-bits.js';
import { ColumnArena, Columns, grownCapacity } from '../util/columns.js';

/** An SSA value id. */
export type Value = number & { readonly __brand: 'Value' };
/** A basic block id. */
export type Block = number & { readonly __brand: 'Block' };
/** An instruction id. */
export type Inst = number & { readonly __brand: 'Inst' };
/** A branch destination id (target block + arguments). */
export type Dest = number & { readonly __brand: 'Dest' };

/** What defines a value. */
export const enum ValueKind {
  /** Unused id (hole). */
  None = 0,
  /** Result of an instruction (`valueDef` = inst, `valueIndex` = result number). */
  Result = 1,
  /** Block parameter (`valueDef` = block, `valueIndex` = parameter number). */
  Param = 2,
}

/** The null id for blocks and instructions in the linked lists. */
export const NONE = -1;

function growI32(a: Int32Array, min: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(grownCapacity(a.length, min));
  b.set(a);
  return b;
}

/** A stack slot: `ssN = stack_slot size, align A`. */
export interface StackSlot {
  /** Size in bytes. */
  readonly size: number;
  /** Alignment in bytes (power of two). */
  readonly align: number;
}

/** Anything that can be called directly: a function of the module or an import. */
export type Callee = Func | Import;

/** One function: signature, stack slots, signatures for call_indirect, and body tables. */
export class Func implements Signature {
  /** Index in `module.callees` (the `call`/`func_addr` immediate). */
  readonly index: number;
  /** Always false (distinguishes from `Import`). */
  readonly isImport = false;
  /** Variadic (`function %f(i32, ...)`): calls pass extra arguments after the fixed ones. */
  readonly variadic: boolean;

  // ---- values ----
  /** Number of value ids (live or holes). */
  valueCount = 0;
  /** Value type, by value id. */
  valueType!: Uint8Array<ArrayBuffer>;
  /** `ValueKind` by value id. */
  valueKind!: Uint8Array<ArrayBuffer>;
  /** Defining inst or block, by value id. */
  valueDef!: Int32Array<ArrayBuffer>;
  /** Result number or parameter number, by value id. */
  valueIndex!: Int32Array<ArrayBuffer>;

  // ---- instructions ----
  /** Number of instruction ids. */
  instCount = 0;
  /** Opcode by inst. */
  instOpcode!: Uint8Array<ArrayBuffer>;
  /** Controlling type by inst (0 when none). */
  instType!: Uint8Array<ArrayBuffer>;
  /** First integer immediate (cond code, offset, slot, data/callee/sig index, trap code, iconst/fconst low 32 bits). */
  instImm!: Int32Array<ArrayBuffer>;
  /** Second integer immediate (stack_addr offset, iconst/fconst high 32 bits). */
  instImm2!: Int32Array<ArrayBuffer>;
  /** Start of value operands in `pool`. */
  instArgStart!: Int32Array<ArrayBuffer>;
  /** Number of value operands (not counting block arguments). */
  instArgCount!: Int32Array<ArrayBuffer>;
  /** First destination id (branches). */
  instDestStart!: Int32Array<ArrayBuffer>;
  /** Number of destinations (jump 1, brif 2, br_table 1 + table size; default first). */
  instDestCount!: Int32Array<ArrayBuffer>;
  /** Start of result value ids in `pool`. */
  instResultStart!: Int32Array<ArrayBuffer>;
  /** Number of results. */
  instResultCount!: Int32Array<ArrayBuffer>;
  /** Block containing the inst, or NONE. */
  instBlock!: Int32Array<ArrayBuffer>;
  /** Source location by inst: an id of `module`'s location table (`Module.location`), 0 for none. */
  instLoc!: Int32Array<ArrayBuffer>;
  /** The location `newInst` gives new instructions (the builder's current location; 0 for none). */
  currentLoc = 0;
  /** Previous inst in the block, or NONE. */
  instPrev!: Int32Array<ArrayBuffer>;
  /** Next inst in the block, or NONE. */
  instNext!: Int32Array<ArrayBuffer>;

  // ---- destinations ----
  /** Number of destination ids. */
  destCount = 0;
  /** Target block by dest. */
  destBlock!: Int32Array<ArrayBuffer>;
  /** Start of block arguments in `pool`. */
  destArgStart!: Int32Array<ArrayBuffer>;
  /** Number of block arguments. */
  destArgCount!: Int32Array<ArrayBuffer>;

  // ---- blocks ----
  /** Number of block ids. */
  blockCount = 0;
  /** 1 when the id is a created block. */
  blockLive!: Uint8Array<ArrayBuffer>;
  /** Start of parameter value ids in `pool`. */
  blockParamStart!: Int32Array<ArrayBuffer>;
  /** Number of parameters. */
  blockParamCount!: Int32Array<ArrayBuffer>;
  /** Capacity of the parameter list in the pool. */
  blockParamCap!: Int32Array<ArrayBuffer>;
  /** First inst in the block, or NONE. */
  blockFirst!: Int32Array<ArrayBuffer>;
  /** Last inst in the block, or NONE. */
  blockLast!: Int32Array<ArrayBuffer>;
  /** Previous block in layout, or NONE. */
  blockPrev!: Int32Array<ArrayBuffer>;
  /** Next block in layout, or NONE. */
  blockNext!: Int32Array<ArrayBuffer>;
  /** 1 when the block is in the layout. */
  blockInLayout!: Uint8Array<ArrayBuffer>;
  /** First block in layout (the entry block), or NONE. */
  firstBlock = NONE;
  /** Last block in layout, or NONE. */
  lastBlock = NONE;

  // ---- pool ----
  /** Operand/result/parameter lists. */
  pool!: Int32Array<ArrayBuffer>;
  /** Used length of `pool`. */
  poolLength = 0;

  /** Stack slots, by slot number. */
  readonly stackSlots: StackSlot[] = [];
  /** Signatures for `call_indirect`, by number. */
  readonly signatures: Signature[] = [];

  /** Creates an empty function; use `Module.function`. */
  constructor(
    /** The module that owns the function. */
    readonly module: Module,
    /** Name without the `%`. */
    readonly name: string,
    /** Parameter types. */
    readonly params: readonly Type[],
    /** Result types. */
    readonly results: readonly Type[],
    index: number,
    /** Size the tables to hold `like`'s contents and copy them (`cloneInto`). */
    like?: Func,
    /** With `like`: carve the tables from this arena (sized by `cloneBytes`) instead of buffers of their own. */
    arena?: ColumnArena,
    /** Variadic: calls may pass extra arguments after `params` (read with `va_start`/`va_arg`). */
    variadic = false,
  ) {
    this.index = index;
    this.variadic = variadic;
    const src = like ?? this;
    this.allocValues(like === undefined ? 32 : like.valueType.length, src, arena);
    this.allocInsts(like === undefined ? 32 : like.instOpcode.length, src, arena);
    this.allocDests(like === undefined ? 32 : like.destBlock.length, src, arena);
    this.allocBlocks(like === undefined ? 16 : like.blockLive.length, src, arena);
    if (like === undefined) this.pool = new Int32Array(128);
    else {
      const n = Math.min(like.pool.length, Math.max(like.poolLength, 16));
      if (arena === undefined) this.pool = like.pool.slice(0, n);
      else {
        this.pool = new Int32Array(arena.buffer, arena.take((4 * n + 7) & ~7), n);
        this.pool.set(like.pool.subarray(0, n));
      }
    }
  }

  /** Bytes of a `ColumnArena` that a copy of this function's tables takes (`Module.clone`). */
  cloneBytes(): number {
    return Columns.bytes(this.valueType.length, 0, 2, 2) + Columns.bytes(this.instOpcode.length, 0, 12, 2) +
      Columns.bytes(this.destBlock.length, 0, 3, 0) + Columns.bytes(this.blockLive.length, 0, 7, 2) +
      ((4 * Math.min(this.pool.length, Math.max(this.poolLength, 16)) + 7) & ~7);
  }

  // The column groups (src/util/columns.ts: one buffer per group, or a share of a clone's arena).
  // `from` is the function whose columns are copied into the new ones (this one when growing;
  // not yet allocated when constructing).
  private allocValues(n: number, from: Func, arena?: ColumnArena): void {
    const c = new Columns(n, 0, 2, 2, arena);
    this.valueDef = c.i32(from.valueDef); this.valueIndex = c.i32(from.valueIndex);
    this.valueType = c.u8(from.valueType); this.valueKind = c.u8(from.valueKind);
  }
  private allocInsts(n: number, from: Func, arena?: ColumnArena): void {
    const c = new Columns(n, 0, 12, 2, arena);
    this.instImm = c.i32(from.instImm); this.instImm2 = c.i32(from.instImm2); this.instLoc = c.i32(from.instLoc);
    this.instArgStart = c.i32(from.instArgStart); this.instArgCount = c.i32(from.instArgCount);
    this.instDestStart = c.i32(from.instDestStart); this.instDestCount = c.i32(from.instDestCount);
    this.instResultStart = c.i32(from.instResultStart); this.instResultCount = c.i32(from.instResultCount);
    this.instBlock = c.i32(from.instBlock, NONE); this.instPrev = c.i32(from.instPrev, NONE); this.instNext = c.i32(from.instNext, NONE);
    this.instOpcode = c.u8(from.instOpcode); this.instType = c.u8(from.instType);
  }
  private allocDests(n: number, from: Func, arena?: ColumnArena): void {
    const c = new Columns(n, 0, 3, 0, arena);
    this.destBlock = c.i32(from.destBlock); this.destArgStart = c.i32(from.destArgStart); this.destArgCount = c.i32(from.destArgCount);
  }
  private allocBlocks(n: number, from: Func, arena?: ColumnArena): void {
    const c = new Columns(n, 0, 7, 2, arena);
    this.blockParamStart = c.i32(from.blockParamStart); this.blockParamCount = c.i32(from.blockParamCount);
    this.blockParamCap = c.i32(from.blockParamCap);
    this.blockFirst = c.i32(from.blockFirst, NONE); this.blockLast = c.i32(from.blockLast, NONE);
    this.blockPrev = c.i32(from.blockPrev, NONE); this.blockNext = c.i32(from.blockNext, NONE);
    this.blockLive = c.u8(from.blockLive); this.blockInLayout = c.u8(from.blockInLayout);
  }

  /** A copy of this function's body and slots owned by `module` (same callee index); used by `Module.clone`. */
  cloneInto(module: Module, arena?: ColumnArena): Func {
    const f = new Func(module, this.name, this.params, this.results, this.index, this, arena, this.variadic);
    f.valueCount = this.valueCount;
    f.instCount = this.instCount;
    f.destCount = this.destCount;
    f.blockCount = this.blockCount;
    f.firstBlock = this.firstBlock; f.lastBlock = this.lastBlock;
    f.poolLength = this.poolLength;
    for (const s of this.stackSlots) f.stackSlots.push({ size: s.size, align: s.align });
    for (const sig of this.signatures) f.signatures.push({ params: [...sig.params], results: [...sig.results], variadic: sig.variadic === true });
    return f;
  }

  /** Returns a builder positioned at a new entry block (created if the function has none). */
  builder(): Builder {
    return new Builder(this);
  }

  // ---- pool ----
  /** Appends `n` slots to the pool and returns the start. */
  poolAlloc(n: number): number {
    const start = this.poolLength;
    if (start + n > this.pool.length) this.pool = growI32(this.pool, start + n);
    this.poolLength = start + n;
    return start;
  }

  // ---- values ----
  private ensureValues(n: number): void {
    if (n > this.valueType.length) this.allocValues(grownCapacity(this.valueType.length, n), this);
  }
  /** Creates a value; `id` forces a specific id (parser), otherwise the next free one. */
  newValue(type: Type, kind: ValueKind, def: number, index: number, id = -1): Value {
    if (id < 0) id = this.valueCount;
    else if (id < this.valueCount && this.valueKind[id] !== ValueKind.None) throw new Error(`value v${id} defined twice`);
    this.ensureValues(id + 1);
    if (id >= this.valueCount) this.valueCount = id + 1;
    this.valueType[id] = type;
    this.valueKind[id] = kind;
    this.valueDef[id] = def;
    this.valueIndex[id] = index;
    return id as Value;
  }
  /** True if `v` names a defined value. */
  isValue(v: number): boolean {
    return v >= 0 && v < this.valueCount && this.valueKind[v]! > ValueKind.None; // false for a non-integer v
  }
  /** Type of a value. */
  typeOf(v: Value): Type {
    return this.valueType[v] as Type;
  }

  // ---- blocks ----
  /** Creates a block (not yet in the layout); `id` forces a specific id (parser). */
  newBlock(id = -1): Block {
    if (id < 0) id = this.blockCount;
    else if (id < this.blockCount && this.blockLive[id] !== 0) throw new Error(`block${id} defined twice`);
    const n = id + 1;
    if (n > this.blockLive.length) this.allocBlocks(grownCapacity(this.blockLive.length, n), this);
    if (n > this.blockCount) this.blockCount = n;
    this.blockLive[id] = 1;
    return id as Block;
  }
  /** True if `b` names a created block. */
  isBlock(b: number): boolean {
    return b >= 0 && b < this.blockCount && this.blockLive[b] === 1; // false for a non-integer b
  }
  /** Appends a parameter of type `type` to `block`; `id` forces the value id (parser). */
  appendBlockParam(block: Block, type: Type, id = -1): Value {
    const count = this.blockParamCount[block]!;
    let cap = this.blockParamCap[block]!;
    if (count === cap) {
      // Move the list to the end of the pool with double capacity.
      const newCap = cap === 0 ? 2 : cap * 2;
      const start = this.poolAlloc(newCap);
      this.pool.copyWithin(start, this.blockParamStart[block]!, this.blockParamStart[block]! + count);
      this.blockParamStart[block] = start;
      this.blockParamCap[block] = cap = newCap;
    }
    const v = this.newValue(type, ValueKind.Param, block, count, id);
    this.pool[this.blockParamStart[block]! + count] = v;
    this.blockParamCount[block] = count + 1;
    return v;
  }
  /** The i-th parameter of a block. */
  blockParam(block: Block, i: number): Value {
    return this.pool[this.blockParamStart[block]! + i] as Value;
  }
  /** The parameters of a block as a new array (convenience; allocates). */
  blockParams(block: Block): Value[] {
    const out: Value[] = [];
    for (let i = 0; i < this.blockParamCount[block]!; i++) out.push(this.blockParam(block, i));
    return out;
  }
  /** Appends a block at the end of the layout. */
  appendBlock(block: Block): void {
    if (this.blockInLayout[block] !== 0) throw new Error(`block${block} is already in the layout`);
    this.blockInLayout[block] = 1;
    this.blockPrev[block] = this.lastBlock;
    this.blockNext[block] = NONE;
    if (this.lastBlock !== NONE) this.blockNext[this.lastBlock] = block;
    else this.firstBlock = block;
    this.lastBlock = block;
  }
  /** The entry block (first in layout). */
  get entryBlock(): Block {
    if (this.firstBlock === NONE) throw new Error(`function ${this.name} has no blocks`);
    return this.firstBlock as Block;
  }
  /** Blocks in layout order (allocates; for hot loops use firstBlock/blockNext). */
  blocks(): Block[] {
    const out: Block[] = [];
    for (let b = this.firstBlock; b !== NONE; b = this.blockNext[b]!) out.push(b as Block);
    return out;
  }
  /** Instructions of a block in order (allocates; for hot loops use blockFirst/instNext). */
  insts(block: Block): Inst[] {
    const out: Inst[] = [];
    for (let i = this.blockFirst[block]!; i !== NONE; i = this.instNext[i]!) out.push(i as Inst);
    return out;
  }

  // ---- instructions ----
  /** Creates an instruction (not in any block). Operands are copied from `args`. */
  newInst(opcode: Opcode, type: Type, args: ArrayLike<number>): Inst {
    const id = this.instCount++;
    if (id >= this.instOpcode.length) this.allocInsts(grownCapacity(this.instOpcode.length, id + 1), this);
    this.instOpcode[id] = opcode;
    this.instType[id] = type;
    this.instImm[id] = 0;
    this.instImm2[id] = 0;
    const start = this.poolAlloc(args.length);
    for (let i = 0; i < args.length; i++) this.pool[start + i] = args[i]!;
    this.instArgStart[id] = start;
    this.instArgCount[id] = args.length;
    this.instDestStart[id] = this.destCount;
    this.instDestCount[id] = 0;
    this.instResultStart[id] = 0;
    this.instResultCount[id] = 0;
    this.instBlock[id] = NONE;
    this.instLoc[id] = this.currentLoc;
    return id as Inst;
  }
  /** Adds a destination to `inst` (must be the most recently created inst's dests). */
  addDest(inst: Inst, block: Block, args: ArrayLike<number>): Dest {
    const id = this.destCount++;
    if (id >= this.destBlock.length) this.allocDests(grownCapacity(this.destBlock.length, id + 1), this);
    if (this.instDestStart[inst]! + this.instDestCount[inst]! !== id) throw new Error('addDest: destinations of an instruction must be added together');
    this.destBlock[id] = block;
    const start = this.poolAlloc(args.length);
    for (let i = 0; i < args.length; i++) this.pool[start + i] = args[i]!;
    this.destArgStart[id] = start;
    this.destArgCount[id] = args.length;
    this.instDestCount[inst]!++;
    return id as Dest;
  }
  /** Creates the results of `inst` with the given types; `ids` forces value ids (parser). */
  makeResults(inst: Inst, types: readonly Type[], ids?: readonly number[]): void {
    const start = this.poolAlloc(types.length);
    for (let i = 0; i < types.length; i++) {
      this.pool[start + i] = this.newValue(types[i]!, ValueKind.Result, inst, i, ids ? ids[i]! : -1);
    }
    this.instResultStart[inst] = start;
    this.instResultCount[inst] = types.length;
  }
  /** Appends `inst` at the end of `block`. */
  appendInst(block: Block, inst: Inst): void {
    const last = this.blockLast[block]!;
    this.instBlock[inst] = block;
    this.instPrev[inst] = last;
    this.instNext[inst] = NONE;
    if (last !== NONE) this.instNext[last] = inst;
    else this.blockFirst[block] = inst;
    this.blockLast[block] = inst;
  }
  /** Removes `inst` from its block (its ids stay allocated). */
  removeInst(inst: Inst): void {
    const block = this.instBlock[inst]!;
    if (block === NONE) return;
    const prev = this.instPrev[inst]!, next = this.instNext[inst]!;
    if (prev !== NONE) this.instNext[prev] = next; else this.blockFirst[block] = next;
    if (next !== NONE) this.instPrev[next] = prev; else this.blockLast[block] = prev;
    this.instBlock[inst] = NONE;
    this.instPrev[inst] = NONE;
    this.instNext[inst] = NONE;
  }

  /**
   * Inserts `inst` (not in any block) just before `before`, in `before`'s block. An instruction
   * without a location takes `before`'s (what a pass puts in front of an instruction computes
   * part of it).
   */
  insertInstBefore(inst: Inst, before: Inst): void {
    const block = this.instBlock[before]!;
    if (block === NONE) throw new Error('insertInstBefore: anchor instruction is not in a block');
    if (this.instLoc[inst] === 0) this.instLoc[inst] = this.instLoc[before]!;
    const prev = this.instPrev[before]!;
    this.instBlock[inst] = block;
    this.instPrev[inst] = prev;
    this.instNext[inst] = before;
    this.instPrev[before] = inst;
    if (prev !== NONE) this.instNext[prev] = inst; else this.blockFirst[block] = inst;
  }
  /** Replaces all value operands of `inst` (the list is reallocated when it grows). */
  setArgs(inst: Inst, args: ArrayLike<number>): void {
    let start = this.instArgStart[inst]!;
    if (args.length > this.instArgCount[inst]!) start = this.poolAlloc(args.length);
    for (let i = 0; i < args.length; i++) this.pool[start + i] = args[i]!;
    this.instArgStart[inst] = start;
    this.instArgCount[inst] = args.length;
  }
  /** Replaces all block arguments of a destination (the list is reallocated when it grows). */
  setDestArgs(dest: Dest, args: ArrayLike<number>): void {
    let start = this.destArgStart[dest]!;
    if (args.length > this.destArgCount[dest]!) start = this.poolAlloc(args.length);
    for (let i = 0; i < args.length; i++) this.pool[start + i] = args[i]!;
    this.destArgStart[dest] = start;
    this.destArgCount[dest] = args.length;
  }
  /** Removes the i-th block argument of a destination. */
  removeDestArg(dest: Dest, i: number): void {
    const s = this.destArgStart[dest]!, n = this.destArgCount[dest]!;
    if (i < 0 || i >= n) throw new Error(`removeDestArg: no argument ${i}`);
    this.pool.copyWithin(s + i, s + i + 1, s + n);
    this.destArgCount[dest] = n - 1;
  }
  /**
   * Removes the i-th parameter of `block`; the value id becomes a hole. Callers
   * must remove the matching argument of every branch to the block (`removeDestArg`).
   */
  removeBlockParam(block: Block, i: number): void {
    const s = this.blockParamStart[block]!, n = this.blockParamCount[block]!;
    if (i < 0 || i >= n) throw new Error(`removeBlockParam: block${block} has no parameter ${i}`);
    const v = this.pool[s + i]!;
    this.valueKind[v] = ValueKind.None;
    this.valueType[v] = 0;
    this.pool.copyWithin(s + i, s + i + 1, s + n);
    this.blockParamCount[block] = n - 1;
    for (let k = i; k < n - 1; k++) this.valueIndex[this.pool[s + k]!] = k;
  }
  /** Removes `block` from the layout (its instructions stay attached to it). */
  removeBlock(block: Block): void {
    if (this.blockInLayout[block] === 0) return;
    const prev = this.blockPrev[block]!, next = this.blockNext[block]!;
    if (prev !== NONE) this.blockNext[prev] = next; else this.firstBlock = next;
    if (next !== NONE) this.blockPrev[next] = prev; else this.lastBlock = prev;
    this.blockPrev[block] = NONE;
    this.blockNext[block] = NONE;
    this.blockInLayout[block] = 0;
  }
  /** Inserts `block` (not in the layout) just before `before` in the layout. */
  insertBlockBefore(block: Block, before: Block): void {
    if (this.blockInLayout[block] !== 0) throw new Error(`block${block} is already in the layout`);
    if (this.blockInLayout[before] === 0) throw new Error(`block${before} is not in the layout`);
    const prev = this.blockPrev[before]!;
    this.blockInLayout[block] = 1;
    this.blockPrev[block] = prev;
    this.blockNext[block] = before;
    this.blockPrev[before] = block;
    if (prev !== NONE) this.blockNext[prev] = block; else this.firstBlock = block;
  }
  /**
   * Rewrites every operand and block argument of the instructions in the layout
   * through `map`: a value v with `map[v] >= 0` becomes `map[v]`, repeatedly
   * (chains are followed, so `map` may hold v1 -> v2 -> v3). Ids beyond `map` stay.
   */
  replaceValues(map: Int32Array): void {
    const pool = this.pool, n = map.length;
    const get = (v: number): number => {
      let x = v, guard = 0;
      while (x < n && map[x]! >= 0) {
        x = map[x]!;
        if (++guard > n) throw new Error('replaceValues: cyclic value map');
      }
      return x;
    };
    for (let b = this.firstBlock; b !== NONE; b = this.blockNext[b]!) {
      for (let i = this.blockFirst[b]!; i !== NONE; i = this.instNext[i]!) {
        const as = this.instArgStart[i]!;
        for (let k = as; k < as + this.instArgCount[i]!; k++) {
          const v = pool[k]!;
          if (v < n && map[v]! >= 0) pool[k] = get(v);
        }
        const ds = this.instDestStart[i]!;
        for (let d = ds; d < ds + this.instDestCount[i]!; d++) {
          const s = this.destArgStart[d]!;
          for (let k = s; k < s + this.destArgCount[d]!; k++) {
            const v = pool[k]!;
            if (v < n && map[v]! >= 0) pool[k] = get(v);
          }
        }
      }
    }
  }

  /** Opcode of an inst. */
  opcode(inst: Inst): Opcode {
    return this.instOpcode[inst] as Opcode;
  }
  /** The i-th value operand of an inst. */
  arg(inst: Inst, i: number): Value {
    return this.pool[this.instArgStart[inst]! + i] as Value;
  }
  /** Replaces the i-th value operand of an inst. */
  setArg(inst: Inst, i: number, v: Value): void {
    this.pool[this.instArgStart[inst]! + i] = v;
  }
  /** Value operands of an inst (allocates). */
  instArgs(inst: Inst): Value[] {
    const out: Value[] = [];
    for (let i = 0; i < this.instArgCount[inst]!; i++) out.push(this.arg(inst, i));
    return out;
  }
  /** The i-th result of an inst. */
  result(inst: Inst, i = 0): Value {
    if (i >= this.instResultCount[inst]!) throw new Error(`instruction ${OPCODES[this.instOpcode[inst]!]!.name} has no result ${i}`);
    return this.pool[this.instResultStart[inst]! + i] as Value;
  }
  /** Results of an inst (allocates). */
  instResults(inst: Inst): Value[] {
    const out: Value[] = [];
    for (let i = 0; i < this.instResultCount[inst]!; i++) out.push(this.pool[this.instResultStart[inst]! + i] as Value);
    return out;
  }
  /** The i-th destination of a branch (br_table: 0 is the default). */
  dest(inst: Inst, i: number): Dest {
    return (this.instDestStart[inst]! + i) as Dest;
  }
  /** The i-th argument of a destination. */
  destArg(dest: Dest, i: number): Value {
    return this.pool[this.destArgStart[dest]! + i] as Value;
  }
  /** Replaces the i-th argument of a destination. */
  setDestArg(dest: Dest, i: number, v: Value): void {
    this.pool[this.destArgStart[dest]! + i] = v;
  }
  /** Calls `fn` for every value an inst uses: operands, then block arguments of each destination. */
  forEachUse(inst: Inst, fn: (v: Value) => void): void {
    const as = this.instArgStart[inst]!;
    for (let i = 0; i < this.instArgCount[inst]!; i++) fn(this.pool[as + i] as Value);
    const ds = this.instDestStart[inst]!;
    for (let d = ds; d < ds + this.instDestCount[inst]!; d++) {
      const s = this.destArgStart[d]!;
      for (let k = 0; k < this.destArgCount[d]!; k++) fn(this.pool[s + k] as Value);
    }
  }
  /** Successor blocks of a block (targets of its terminator; allocates). */
  successors(block: Block): Block[] {
    const last = this.blockLast[block]!;
    const out: Block[] = [];
    if (last === NONE) return out;
    for (let i = 0; i < this.instDestCount[last]!; i++) out.push(this.destBlock[this.instDestStart[last]! + i] as Block);
    return out;
  }
  /** The 64-bit immediate of an iconst (sign-extended canonical form). */
  iconstValue(inst: Inst): bigint {
    const lo = this.instImm[inst]!, hi = this.instImm2[inst]!;
    // Most constants fit in 32 bits: one BigInt instead of four.
    if (hi === lo >> 31) return BigInt(lo);
    return (BigInt(hi) << 32n) | BigInt(lo >>> 0);
  }
  /** Sets the 64-bit immediate of an iconst. */
  setIconstValue(inst: Inst, value: bigint): void {
    if (value >= -0x80000000n && value <= 0x7fffffffn) {
      const n = Number(value);
      this.instImm[inst] = n;
      this.instImm2[inst] = n >> 31;
      return;
    }
    const v = BigInt.asIntN(64, value);
    this.instImm[inst] = Number(BigInt.asIntN(32, v));
    this.instImm2[inst] = Number(v >> 32n);
  }
  /**
   * The bits of an fconst (src/ir/float-bits.ts): f32 an int32 number, f64 a bigint. They are kept
   * like an iconst's immediate of the same width, so every NaN is exact.
   */
  fconstBits(inst: Inst): number | bigint {
    return this.instType[inst] === Type.F32 ? this.instImm[inst]! : this.iconstValue(inst);
  }
  /** Sets the bits of an fconst whose type is already set (f32: the low 32 bits of `bits`). */
  setFconstBits(inst: Inst, bits: number | bigint): void {
    if (this.instType[inst] === Type.F32) this.setIconstValue(inst, BigInt.asIntN(32, BigInt(bits)));
    else this.setIconstValue(inst, BigInt(bits));
  }
  /** The value of an fconst as a JS number (any NaN becomes some NaN). */
  fconstValue(inst: Inst): number {
    return this.instType[inst] === Type.F32 ? f32FromBits(this.instImm[inst]!) : f64FromBits(this.iconstValue(inst));
  }
  /** The signature a call/call_indirect inst uses. */
  callSignature(inst: Inst): Signature {
    const op = this.instOpcode[inst] as Opcode;
    if (op === Opcode.Call) {
      const c = this.module.callees[this.instImm[inst]!];
      if (c === undefined) throw new Error(`unknown callee #${this.instImm[inst]}`);
      return c;
    }
    const s = this.signatures[this.instImm[inst]!];
    if (s === undefined) throw new Error(`unknown signature sig${this.instImm[inst]}`);
    return s;
  }

  /** Declares a stack slot and returns its number. */
  stackSlot(size: number, align = 8): number {
    if (!Number.isInteger(size) || size < 0 || size > 0x7fffffff) throw new Error(`stack_slot: bad size ${describe(size)}`);
    if (!Number.isInteger(align) || align < 1 || align > 4096 || (align & (align - 1)) !== 0) throw new Error(`stack_slot: alignment ${describe(align)} is not a power of two <= 4096`);
    this.stackSlots.push({ size, align });
    return this.stackSlots.length - 1;
  }
  /** Declares a signature for call_indirect (`variadic`: `(ptr, ...)`) and returns its number. */
  signature(params: readonly Type[], results: readonly Type[], variadic = false): number {
    checkTypes(`${this.name} signature`, params, results);
    if (typeof variadic !== 'boolean') throw new TypeError(`${this.name} signature: variadic must be a boolean, got ${describe(variadic)}`);
    this.signatures.push({ params: [...params], results: [...results], variadic });
    return this.signatures.length - 1;
  }
  /** `(i64) -> i64` */
  toString(): string {
    return `%${this.name}${signatureText(this)}`;
  }
}

/** An imported function: a C symbol, or a function of another module (`from`). */
export class Import implements Signature {
  /** Always true. */
  readonly isImport = true;
  /** Creates an import; use `Module.import`. */
  constructor(
    /** Symbol name without `%`. */
    readonly name: string,
    /** Parameter types. */
    readonly params: readonly Type[],
    /** Result types. */
    readonly results: readonly Type[],
    /** Index in `module.callees`. */
    readonly index: number,
    /** Name of the module providing it, or undefined for a C symbol. */
    readonly from: string | undefined,
    /** Variadic (`import %printf(ptr, ...) -> i32`): calls pass extra arguments after the fixed ones. */
    readonly variadic = false,
  ) {}
}

/**
 * A relocation in a data object: the 8 bytes at `offset` hold the absolute address of `target`
 * (a data object, function or import of the same module) plus `addend`, written when the module
 * is loaded (interpreter) or linked (compiled).
 */
export interface DataReloc {
  /** Byte offset in the object (8 bytes from there are the address; any alignment). */
  readonly offset: number;
  /** What the address points to: data, or a function or import (as `func_addr` gives it). */
  readonly target: DataObject | Callee;
  /** Added to the target's address (a safe integer, may be negative). */
  readonly addend: number;
}

/**
 * Module data: `data %name [readonly] [align N] = { items }`. `size` bytes: the first
 * `bytes.length` are `bytes`, the rest are zero (a large zero-initialised object costs no
 * bytes); the 8 bytes at each relocation's offset are its address. An *external* one
 * (`import data %name`, `Module.importData`) is defined outside the module, e.g. C's `stdout`:
 * it has no bytes, and its address is resolved when the module is loaded or linked.
 */
export class DataObject {
  /** Relocations in ascending offset order, not overlapping (add them with `addReloc`). */
  readonly relocs: DataReloc[] = [];
  /** Size in bytes (at least `bytes.length`). */
  readonly size: number;
  /** Creates a data object; use `Module.addData`. */
  constructor(
    /** Name without `%`. */
    readonly name: string,
    /** Initial contents of the first `bytes.length` bytes (the rest up to `size` is zero). */
    readonly bytes: Uint8Array,
    /** Stores to readonly data trap (interpreter). */
    readonly readonly: boolean,
    /** Alignment (power of two). */
    readonly align: number,
    /** Index in `module.data` (the `global_addr` immediate). */
    readonly index: number,
    /** The module that owns it (relocation targets must belong to it too). */
    readonly module: Module,
    size = bytes.length,
    /** Defined outside the module (`import data`): no bytes, size 0, the address resolved by name. */
    readonly external = false,
  ) {
    this.size = size;
  }

  /**
   * Makes the 8 bytes at `offset` hold the address of `target` (data, function or import of the
   * same module) plus `addend`; those bytes of `bytes` become zero. Returns this object.
   */
  addReloc(offset: number, target: DataObject | Callee, addend = 0): this {
    const what = `data %${this.name}: relocation`;
    if (this.external) throw new Error(`${what}: external data (import data %${this.name}) has no bytes of its own`);
    if (typeof offset !== 'number' || !Number.isInteger(offset) || offset < 0 || offset + 8 > this.size) {
      throw new RangeError(`${what} offset ${describe(offset)} does not leave 8 bytes inside the object (size ${this.size})`);
    }
    if (target instanceof DataObject) {
      if (target !== this && this.module.data[target.index] !== target) throw new Error(`${what} at ${offset}: data %${target.name} belongs to another module`);
    } else if (target instanceof Func || target instanceof Import) {
      if (this.module.callees[target.index] !== target) throw new Error(`${what} at ${offset}: %${target.name} belongs to another module`);
    } else throw new TypeError(`${what} at ${offset}: target must be a data object, function or import of this module, got ${describe(target)}`);
    if (typeof addend !== 'number' || !Number.isSafeInteger(addend)) throw new RangeError(`${what} at ${offset}: addend ${describe(addend)} is not a safe integer`);
    let at = this.relocs.length;
    while (at > 0 && this.relocs[at - 1]!.offset > offset) at--;
    const before = this.relocs[at - 1], after = this.relocs[at];
    if ((before !== undefined && before.offset + 8 > offset) || (after !== undefined && offset + 8 > after.offset)) {
      throw new Error(`${what} at ${offset} overlaps the relocation at ${before !== undefined && before.offset + 8 > offset ? before.offset : after!.offset}`);
    }
    this.relocs.splice(at, 0, { offset, target, addend });
    this.bytes.fill(0, Math.min(offset, this.bytes.length), Math.min(offset + 8, this.bytes.length));
    return this;
  }
}

/** Options of `Module.addData`. */
export interface DataOptions {
  /** Stores trap in the interpreter (default false). */
  readonly?: boolean;
  /** Alignment, a power of two up to 4096 (default 1). */
  align?: number;
  /** Total size in bytes (default `bytes.length`); the bytes after `bytes` are zero. */
  size?: number;
  /** Relocations (`DataObject.addReloc`); a target defined later can be added with `addReloc` once it exists. */
  relocs?: readonly { offset: number; target: DataObject | Callee; addend?: number }[];
}

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_.$]*$/;
/** Limits of source locations (they pack into one safe integer: 11 + 26 + 16 bits). */
const MAX_FILES = 2048, MAX_LINE = (1 << 26) - 1, MAX_COLUMN = 0xffff;

/** A source file of a module's locations. */
export interface SourceFile {
  /** The name as given (`main.c`, `/usr/include/stdio.h`). */
  readonly name: string;
  /** Its contents, when known (for annotated disassembly). */
  text: string | undefined;
}

/** A module: functions, imports (callees share one index space) and data. */
export class Module {
  /** Functions and imports, by callee index. */
  readonly callees: Callee[] = [];
  /** Data objects, by index. */
  readonly data: DataObject[] = [];
  /** Optional module name (used by other modules' `import ... from "name"`). */
  name: string;
  /** Source files that instruction locations refer to, by number (`addFile`). */
  readonly files: SourceFile[] = [];
  private readonly names = new Map<string, Callee | DataObject>();
  /** The location table: file, line and column of each location id (id 0: no location). */
  private locFile: number[] = [0];
  private locLine: number[] = [0];
  private locColumn: number[] = [0];
  /** Location id by packed (file, line, column). */
  private readonly locIds = new Map<number, number>();

  /** Creates an empty module. */
  constructor(name = '') {
    if (typeof name !== 'string') throw new TypeError(`new Module: name must be a string, got ${describe(name)}`);
    this.name = name;
  }

  /**
   * The number of source file `name` (added if new), for `location`; `text`, when given, is the
   * file's contents, shown by `disassemble()` beside the machine code of each line.
   */
  addFile(name: string, text?: string): number {
    if (typeof name !== 'string' || name === '' || /["\n\r]/.test(name)) throw new TypeError(`addFile: a file name is a non-empty string without quotes or line breaks, got ${describe(name)}`);
    if (text !== undefined && typeof text !== 'string') throw new TypeError(`addFile: text must be a string, got ${describe(text)}`);
    let k = this.files.findIndex((f) => f.name === name);
    if (k < 0) {
      if (this.files.length >= MAX_FILES) throw new RangeError(`addFile: more than ${MAX_FILES} files`);
      k = this.files.push({ name, text: undefined }) - 1;
    }
    if (text !== undefined) this.files[k]!.text = text;
    return k;
  }
  /**
   * The id of source location `file:line:column` (file from `addFile`; line from 1; column from 1,
   * or 0 when unknown) for `Builder.setLocation` and `Func.instLoc`; equal locations share an id.
   */
  location(file: number, line: number, column = 0): number {
    if (!Number.isInteger(file) || file < 0 || file >= this.files.length) throw new RangeError(`location: unknown file ${describe(file)} (the module has ${this.files.length})`);
    if (!Number.isInteger(line) || line < 1 || line > MAX_LINE) throw new RangeError(`location: line ${describe(line)} is not from 1 to ${MAX_LINE}`);
    if (!Number.isInteger(column) || column < 0 || column > MAX_COLUMN) throw new RangeError(`location: column ${describe(column)} is not from 0 to ${MAX_COLUMN}`);
    const key = (file * (MAX_LINE + 1) + line) * (MAX_COLUMN + 1) + column;
    let id = this.locIds.get(key);
    if (id === undefined) {
      id = this.locFile.length;
      this.locFile.push(file); this.locLine.push(line); this.locColumn.push(column);
      this.locIds.set(key, id);
    }
    return id;
  }
  /** Number of location ids (valid ids are 1 .. locationCount - 1). */
  get locationCount(): number {
    return this.locFile.length;
  }
  /** File number, line and column of location `id`, or null for 0 (no location) and unknown ids. */
  locationOf(id: number): { file: number; line: number; column: number } | null {
    if (!(id > 0 && id < this.locFile.length)) return null;
    return { file: this.locFile[id]!, line: this.locLine[id]!, column: this.locColumn[id]! };
  }

  private claim(name: string, what: string): void {
    if (typeof name !== 'string') throw new TypeError(`${what}: symbol name must be a string, got ${describe(name)}`);
    if (!NAME_RE.test(name)) throw new Error(`bad symbol name '${name}'`);
    if (this.names.has(name)) throw new Error(`symbol %${name} is already defined`);
  }
  /**
   * Defines a function with the given signature; build its body with `.builder()`.
   * `options.variadic`: calls may pass extra arguments after `params` (`function %f(i32, ...)`).
   */
  function(name: string, params: readonly Type[], results: readonly Type[] = [], options: { variadic?: boolean } = {}): Func {
    this.claim(name, 'Module.function');
    checkTypes(name, params, results);
    const variadic = checkVariadic(name, options);
    const f = new Func(this, name, [...params], [...results], this.callees.length, undefined, undefined, variadic);
    this.callees.push(f);
    this.names.set(name, f);
    return f;
  }
  /**
   * Declares an imported C symbol (or a function of module `from`). The fourth argument is the
   * module name `from`, or options `{ from?, variadic? }` (`variadic`: `import %printf(ptr, ...)`).
   */
  import(name: string, params: readonly Type[], results: readonly Type[] = [], fromOrOptions?: string | { from?: string; variadic?: boolean }): Import {
    this.claim(name, 'Module.import');
    checkTypes(name, params, results);
    const options = typeof fromOrOptions === 'object' && fromOrOptions !== null ? fromOrOptions : { from: fromOrOptions };
    const variadic = checkVariadic(name, options);
    const from: unknown = options.from;
    if (from !== undefined && typeof from !== 'string') throw new TypeError(`import %${name}: 'from' must be a module name string, got ${describe(from)}`);
    const f = new Import(name, [...params], [...results], this.callees.length, from, variadic);
    this.callees.push(f);
    this.names.set(name, f);
    return f;
  }
  /**
   * Defines module data: `bytes` (copied) then zeros up to `options.size`, with relocations
   * `options.relocs` (8-byte absolute addresses of data, functions or imports plus an addend).
   */
  addData(name: string, bytes: Uint8Array | readonly number[], options: DataOptions = {}): DataObject {
    this.claim(name, 'Module.addData');
    if (!(bytes instanceof Uint8Array) && !Array.isArray(bytes)) throw new TypeError(`data %${name}: bytes must be a Uint8Array or an array of numbers, got ${describe(bytes)}`);
    if (Array.isArray(bytes)) {
      for (let i = 0; i < bytes.length; i++) {
        const v: unknown = bytes[i];
        if (typeof v !== 'number' || !Number.isInteger(v) || v < -128 || v > 255) throw new RangeError(`data %${name}: byte ${i} must be an integer from -128 to 255, got ${describe(v)}`);
      }
    }
    if (options === null || typeof options !== 'object') throw new TypeError(`data %${name}: options must be an object, got ${describe(options)}`);
    const align = options.align ?? 1;
    if (!Number.isInteger(align) || align < 1 || align > 4096 || (align & (align - 1)) !== 0) throw new Error(`data %${name}: alignment ${describe(align)} is not a power of two <= 4096`);
    const size: unknown = options.size ?? bytes.length;
    if (typeof size !== 'number' || !Number.isInteger(size) || size < bytes.length || size > 0x7fffffff) {
      throw new RangeError(`data %${name}: size ${describe(size)} must be an integer from ${bytes.length} (the bytes given) to 2^31-1`);
    }
    const relocs: unknown = options.relocs ?? [];
    if (!Array.isArray(relocs)) throw new TypeError(`data %${name}: relocs must be an array, got ${describe(relocs)}`);
    const d = new DataObject(name, Uint8Array.from(bytes), options.readonly ?? false, align, this.data.length, this, size);
    // Checked before the object is added, so a bad relocation leaves the module unchanged.
    for (const r of relocs as unknown[]) {
      if (r === null || typeof r !== 'object') throw new TypeError(`data %${name}: a relocation must be { offset, target, addend? }, got ${describe(r)}`);
      const { offset, target, addend } = r as { offset: number; target: DataObject | Callee; addend?: number };
      d.addReloc(offset, target, addend ?? 0);
    }
    this.data.push(d);
    this.names.set(name, d);
    return d;
  }
  /**
   * Declares external data `name` (`import data %name`): an object defined outside the module,
   * such as C's `stdout` or `environ`. `global_addr` gives its address and data relocations may
   * point into it; compiled code gets the address by name like an imported function's (the
   * `resolve` option of `compile`, else the process's symbols); the interpreter maps it to a
   * JS buffer (its `data` option).
   */
  importData(name: string): DataObject {
    this.claim(name, 'Module.importData');
    const d = new DataObject(name, new Uint8Array(0), false, 1, this.data.length, this, 0, true);
    this.data.push(d);
    this.names.set(name, d);
    return d;
  }
  /**
   * A deep copy: functions, imports and data with the same names, indices and
   * value/block/instruction ids (passes can then change the copy freely).
   * Much cheaper than a print/parse round trip.
   */
  clone(): Module {
    const m = new Module(this.name);
    for (const f of this.files) m.files.push({ name: f.name, text: f.text });
    m.locFile = this.locFile.slice(); m.locLine = this.locLine.slice(); m.locColumn = this.locColumn.slice();
    for (const [k, v] of this.locIds) m.locIds.set(k, v);
    // Every function's tables in one buffer (a backing store costs ~0.5 µs; a module has dozens of groups).
    let bytes = 0;
    for (const c of this.callees) if (c instanceof Func) bytes += c.cloneBytes();
    const arena = new ColumnArena(new ArrayBuffer(bytes));
    for (const c of this.callees) {
      const copy = c instanceof Func ? c.cloneInto(m, arena) : new Import(c.name, c.params, c.results, c.index, c.from, c.variadic);
      m.callees.push(copy);
      m.names.set(copy.name, copy);
    }
    for (const d of this.data) {
      const copy = new DataObject(d.name, d.bytes.slice(), d.readonly, d.align, d.index, m, d.size, d.external);
      m.data.push(copy);
      m.names.set(copy.name, copy);
    }
    for (const d of this.data) {
      const relocs = m.data[d.index]!.relocs;
      for (const r of d.relocs) {
        const target = r.target instanceof DataObject ? m.data[r.target.index]! : m.callees[r.target.index]!;
        relocs.push({ offset: r.offset, target, addend: r.addend });
      }
    }
    return m;
  }
  /** Looks up a function, import or data object by name. */
  lookup(name: string): Callee | DataObject | undefined {
    return this.names.get(name);
  }
  /** The defined function named `name`; throws if there is none. */
  getFunction(name: string): Func {
    const f = this.names.get(name);
    if (!(f instanceof Func)) throw new Error(`module has no function %${String(name)}`);
    return f;
  }
  /** Defined functions in order. */
  functions(): Func[] {
    return this.callees.filter((c): c is Func => c instanceof Func);
  }
  /** Imports in order. */
  imports(): Import[] {
    return this.callees.filter((c): c is Import => c instanceof Import);
  }
}

/** The `variadic` option of `Module.function`/`Module.import`, checked (default false). */
function checkVariadic(name: string, options: unknown): boolean {
  if (options === null || typeof options !== 'object') throw new TypeError(`%${name}: options must be an object, got ${describe(options)}`);
  const v: unknown = (options as { variadic?: unknown }).variadic;
  if (v !== undefined && typeof v !== 'boolean') throw new TypeError(`%${name}: variadic must be a boolean, got ${describe(v)}`);
  return v === true;
}

function checkTypes(name: string, params: readonly Type[], results: readonly Type[]): void {
  if (!Array.isArray(params)) throw new TypeError(`%${name}: parameter types must be an array, got ${describe(params)}`);
  if (!Array.isArray(results)) throw new TypeError(`%${name}: result types must be an array, got ${describe(results)}`);
  for (const t of [...params, ...results]) {
    if (typeof t !== 'number' || !(t >= Type.First && t <= Type.Last)) throw new Error(`%${name}: bad type ${typeof t === 'number' ? typeName(t) : describe(t)} in signature`);
  }
}

