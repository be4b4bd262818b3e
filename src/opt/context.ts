/**
 * Per-function optimisation context: the scratch space every pass shares, so
 * that no pass keeps module-level mutable state and no pass allocates per
 * instruction. Pipeline position: created by the pass manager (`index.ts`) for
 * each function, handed to each pass in turn.
 *
 * Terms:
 *  - *alias*: `alias[v] = w` means "every use of v is to become w". Passes record
 *    aliases while they work (reading operands through `resolve`), and
 *    `commitAliases` rewrites all operands once at the end: O(n) per pass instead
 *    of a use list per value.
 *  - *CFG tables*: predecessors in CSR form (`predStart`/`predDest`: for block b,
 *    the destinations `predDest[predStart[b] .. predStart[b+1])` that target b;
 *    `predBlock` the block whose terminator holds each), reverse postorder of the
 *    reachable blocks (`rpo`, `rpoIndex`), and the dominator tree `dom` (the shared
 *    analysis, src/analysis/dominators.ts: immediate dominators, children, and a
 *    numbering that answers `dominates` in O(1)). The context is the `FlowGraph` it reads.
 *  - *pure*: an opcode with no side effect, no trap, no memory access, no call,
 *    not a terminator; it may be removed, merged or moved freely.
 */
import { Block, Dest, Func, Inst, NONE, Value, ValueKind } from '../ir/function.js';
import { OPCODES, OpFlags, Opcode } from '../ir/opcodes.js';
import { Type, typeBits } from '../ir/types.js';
import { ScopedInstTable } from './scoped-table.js';
import { ScratchTables, grownCapacity } from '../util/columns.js';
import { DominatorTree, type FlowGraph } from '../analysis/dominators.js';

const IMPURE = OpFlags.SideEffects | OpFlags.CanTrap | OpFlags.MemRead | OpFlags.MemWrite | OpFlags.Call | OpFlags.Terminator;
const NOT_REMOVABLE = OpFlags.SideEffects | OpFlags.CanTrap | OpFlags.MemWrite | OpFlags.Call | OpFlags.Terminator;

/** True when an instruction with this opcode may be deleted, merged or moved anywhere (no effect, no trap, no memory). */
export function isPure(op: Opcode): boolean {
  return (OPCODES[op]!.flags & IMPURE) === 0;
}
/** True when an unused instruction with this opcode may be deleted (no effect and no trap). */
export function isRemovable(op: Opcode): boolean {
  return (OPCODES[op]!.flags & NOT_REMOVABLE) === 0;
}

function growI32(a: Int32Array, n: number, fill: number): Int32Array {
  if (a.length >= n) return a;
  const b = new Int32Array(grownCapacity(a.length, n)).fill(fill);
  b.set(a);
  return b;
}

/**
 * Numbered scratch arrays of `FuncContext.i32`/`u8`: one number per use, so
 * that no two uses that can be live together share an array.
 */
export const enum Scratch {
  /** scratchArray, scratchArray2: general (the CFG helpers, and passes between their calls). */ General, General2,
  /** computeRPO: postorder. */ RpoPost,
  /** walkDominatorTree: block stack, child cursor, enter marks. */ WalkStack, WalkIter, WalkMarks,
  /** dce: value worklist; live values; live instructions. */ DceWork, DceLiveValue, DceLiveInst,
  /** cfg: use counts per value. */ CfgUses,
  /** licm: loop stamp per block; innermost loop per block; a loop's blocks; the loop walk's stack. */ LicmStamp, LicmInLoop, LicmBody, LicmStack,
  /** loadelim: epoch per instruction; epoch at block end. */ LoadElimEpoch, LoadElimEndEpoch,
}

/**
 * Which passes would change nothing on a function: a pass is deterministic, so
 * run again on the function it last left unchanged, it changes nothing.
 */
export class PassRecord {
  /** Bumped each time a pass reports a change. */
  version = 0;
  /** Pass name -> the `version` at which that pass last ran and changed nothing. */
  private readonly unchangedSince = new Map<string, number>();
  /** True when pass `name` would change nothing now. */
  isDone(name: string): boolean {
    return this.unchangedSince.get(name) === this.version;
  }
  /** Records a run of pass `name`. */
  ran(name: string, changed: boolean): void {
    if (changed) this.version++;
    else this.unchangedSince.set(name, this.version);
  }
}

/**
 * Scratch state for optimising a function; reused by every pass, and by the
 * pass manager for every function of a module (`retarget`), so that passes
 * allocate nothing per run once the arrays have grown to the largest function
 * (a typed array costs ~0.5 µs to allocate; see src/util/columns.ts).
 */
export class FuncContext implements FlowGraph {
  /** The function being optimised. */
  f: Func;
  /** Pending value replacements (-1 = none); see the module comment. */
  alias: Int32Array = new Int32Array(0);
  /** True when `alias` holds an entry not yet committed. */
  aliasDirty = false;
  /** One past the highest entry of `alias` set since it was last cleared (entries from there on are -1). */
  private aliasEnd = 0;
  /** Per block: start of its predecessor list in `predDest` (length blockCount + 1). */
  predStart: Int32Array = new Int32Array(0);
  /** Destinations targeting each block, grouped by target block. */
  predDest: Int32Array = new Int32Array(0);
  /** Block holding the terminator of each entry of `predDest` (when computed). */
  predBlock: Int32Array = new Int32Array(0);
  /** The terminator holding each entry of `predDest` (its block may change when blocks merge). */
  predInst: Int32Array = new Int32Array(0);
  /** Reachable blocks in reverse postorder (entry first); `rpoCount` entries used. */
  rpo: Int32Array = new Int32Array(0);
  /** Number of reachable blocks. */
  rpoCount = 0;
  /** Position in `rpo` by block, -1 when unreachable. */
  rpoIndex: Int32Array = new Int32Array(0);
  /** The dominator tree (`idom`, children, numbering), valid after `computeDominators`. */
  readonly dom = new DominatorTree();
  /** Number of changes made by the last pass (for statistics). */
  changes = 0;
  /** The pass manager's record of which passes have nothing left to do on `f`. */
  passes: PassRecord = new PassRecord();

  private readonly tables = new ScratchTables();
  private table: ScopedInstTable | null = null;

  /** Creates a context for `f`. */
  constructor(f: Func) {
    this.f = f;
  }
  /** Points the context at another function (scratch arrays are kept; pass bookkeeping is cleared). */
  retarget(f: Func, passes: PassRecord = new PassRecord()): void {
    this.f = f;
    this.cfgChanged();
    this.passes = passes;
  }

  /** Scratch int array number `k` (`Scratch`) of at least `n` entries, the first `n` set to `fill`. */
  i32(k: Scratch, n: number, fill: number): Int32Array {
    return this.tables.i32(k, n, fill);
  }
  /** Scratch byte array number `k` (`Scratch`) of at least `n` entries, the first `n` zeroed. */
  u8(k: Scratch, n: number): Uint8Array {
    return this.tables.u8(k, n);
  }
  /** The scoped instruction table (gvn, loadelim), emptied and sized for the current function. */
  scopedTable(): ScopedInstTable {
    // Room to spare: functions grow while they are optimised, and later ones may be larger.
    if (this.table === null || !this.table.fits(this.f.instCount)) this.table = new ScopedInstTable(2 * this.f.instCount);
    this.table.clear();
    return this.table;
  }

  /** Starts a pass: clears the alias table. */
  beginPass(): void {
    const n = this.f.valueCount;
    if (this.alias.length < n) this.alias = new Int32Array(Math.max(n, 16) * 2).fill(-1);
    else this.alias.fill(-1, 0, this.aliasEnd);
    this.aliasEnd = 0;
    this.aliasDirty = false;
    this.changes = 0;
  }
  /** Records that uses of `v` are to become `to` (same type; `to` must dominate every use of `v`). */
  setAlias(v: Value, to: Value): void {
    if (v === to) return;
    this.alias = growI32(this.alias, v + 1, -1);
    this.alias[v] = to;
    if (v >= this.aliasEnd) this.aliasEnd = v + 1;
    this.aliasDirty = true;
    this.changes++;
  }
  /** The value `v` currently stands for (follows aliases). */
  resolve(v: Value): Value {
    const a = this.alias;
    let x: number = v;
    while (x < a.length && a[x]! >= 0) x = a[x]!;
    // Path compression keeps chains short.
    let y: number = v;
    while (y < a.length && a[y]! >= 0 && a[y] !== x) { const n = a[y]!; a[y] = x; y = n; }
    return x as Value;
  }
  /** Rewrites the operands of `inst` through the alias table now (so a pass can read them directly). */
  resolveArgs(inst: Inst): void {
    if (!this.aliasDirty) return;
    const f = this.f;
    const n = f.instArgCount[inst]!;
    for (let k = 0; k < n; k++) {
      const v = f.arg(inst, k);
      const r = this.resolve(v);
      if (r !== v) f.setArg(inst, k, r);
    }
  }
  /**
   * Walks the dominator tree in preorder from the entry. `enter(b)` returns a
   * mark (e.g. the size of a scoped table) that `leave(b, mark)` receives once
   * b's whole subtree is done, so scoped facts can be popped back to it.
   */
  walkDominatorTree(enter: (b: number) => number, leave: (b: number, mark: number) => void): void {
    if (this.rpoCount === 0) return;
    const nb = this.f.blockCount;
    const stack = this.i32(Scratch.WalkStack, nb, 0), iter = this.i32(Scratch.WalkIter, nb, 0), marks = this.i32(Scratch.WalkMarks, nb, 0);
    const cs = this.dom.childStart, kids = this.dom.children;
    const entry = this.rpo[0]!;
    let sp = 0;
    stack[sp] = entry; iter[sp] = cs[entry]!; marks[sp] = enter(entry); sp++;
    while (sp > 0) {
      const b = stack[sp - 1]!;
      const k = iter[sp - 1]!;
      if (k < cs[b + 1]!) {
        iter[sp - 1] = k + 1;
        const c = kids[k]!;
        stack[sp] = c; iter[sp] = cs[c]!; marks[sp] = enter(c); sp++;
      } else {
        leave(b, marks[sp - 1]!);
        sp--;
      }
    }
  }

  /** Applies all recorded aliases to the function. */
  commitAliases(): void {
    if (!this.aliasDirty) return;
    this.f.replaceValues(this.alias);
    this.alias.fill(-1, 0, this.aliasEnd);
    this.aliasEnd = 0;
    this.aliasDirty = false;
  }

  /** General integer scratch of at least `n` entries filled with `fill` (CFG helpers use it between a pass's own calls). */
  scratchArray(n: number, fill: number): Int32Array {
    return this.tables.i32(Scratch.General, n, fill);
  }
  /** A second general integer scratch array. */
  scratchArray2(n: number, fill: number): Int32Array {
    return this.tables.i32(Scratch.General2, n, fill);
  }

  /** The integer constant defining `v` (sign-extended), or null. */
  iconstOf(v: Value): bigint | null {
    const f = this.f;
    if (f.valueKind[v] !== ValueKind.Result) return null;
    const d = f.valueDef[v]!;
    if (f.instOpcode[d] !== Opcode.IConst) return null;
    return f.iconstValue(d as Inst);
  }
  /** The bits of the float constant defining `v` (f32 an int32 number, f64 a bigint), or null. */
  fconstOf(v: Value): number | bigint | null {
    const f = this.f;
    if (f.valueKind[v] !== ValueKind.Result) return null;
    const d = f.valueDef[v]!;
    if (f.instOpcode[d] !== Opcode.FConst) return null;
    return f.fconstBits(d as Inst);
  }
  /** The instruction defining `v`, or NONE for block parameters. */
  defInst(v: Value): number {
    return this.f.valueKind[v] === ValueKind.Result ? this.f.valueDef[v]! : NONE;
  }
  /** The block defining `v` (its parameter's block, or its instruction's block). */
  defBlock(v: Value): number {
    const f = this.f;
    return f.valueKind[v] === ValueKind.Param ? f.valueDef[v]! : f.instBlock[f.valueDef[v]!]!;
  }

  /** Fills the predecessor tables from the terminators of the blocks in the layout. */
  computePreds(): void {
    this.predsValid = true;
    const f = this.f, nb = f.blockCount;
    const start = (this.predStart = growI32(this.predStart, nb + 1, 0));
    start.fill(0, 0, nb + 1);
    let total = 0;
    for (let b = f.firstBlock; b !== NONE; b = f.blockNext[b]!) {
      const t = f.blockLast[b]!;
      if (t === NONE) continue;
      const ds = f.instDestStart[t]!, dn = f.instDestCount[t]!;
      for (let d = ds; d < ds + dn; d++) { start[f.destBlock[d]! + 1]!++; total++; }
    }
    for (let b = 0; b < nb; b++) start[b + 1]! += start[b]!;
    this.predDest = growI32(this.predDest, total, 0);
    this.predBlock = growI32(this.predBlock, total, 0);
    this.predInst = growI32(this.predInst, total, 0);
    const fillAt = this.scratchArray(nb, 0);
    for (let b = f.firstBlock; b !== NONE; b = f.blockNext[b]!) {
      const t = f.blockLast[b]!;
      if (t === NONE) continue;
      const ds = f.instDestStart[t]!, dn = f.instDestCount[t]!;
      for (let d = ds; d < ds + dn; d++) {
        const target = f.destBlock[d]!;
        const at = start[target]! + fillAt[target]!++;
        this.predDest[at] = d;
        this.predBlock[at] = b;
        this.predInst[at] = t;
      }
    }
  }
  /** Number of blocks of `f` (block ids are below it): the `FlowGraph` view of this context. */
  get blockCount(): number {
    return this.f.blockCount;
  }
  /** Number of predecessor edges (destinations) of a block; valid after `computePreds`. */
  predCount(b: number): number {
    return this.predStart[b + 1]! - this.predStart[b]!;
  }

  /** Computes reverse postorder of the reachable blocks (iterative DFS). */
  computeRPO(): void {
    this.rpoValid = true;
    const f = this.f, nb = f.blockCount;
    this.rpo = growI32(this.rpo, nb, 0);
    this.rpoIndex = growI32(this.rpoIndex, nb, -1);
    this.rpoIndex.fill(-1, 0, nb);
    this.rpoCount = 0;
    if (f.firstBlock === NONE) return;
    const stack = this.scratchArray(nb, 0);       // block stack
    const iter = this.scratchArray2(nb, 0);       // next successor index per stack entry
    const post = this.i32(Scratch.RpoPost, nb, 0);
    let np = 0, sp = 0;
    const seen = this.rpoIndex; // -1 unseen, -2 on stack/done during DFS
    stack[sp] = f.firstBlock; iter[sp] = 0; sp++;
    seen[f.firstBlock] = -2;
    while (sp > 0) {
      const b = stack[sp - 1]!;
      const t = f.blockLast[b]!;
      const k = iter[sp - 1]!;
      const dn = t === NONE ? 0 : f.instDestCount[t]!;
      if (k < dn) {
        iter[sp - 1] = k + 1;
        const s = f.destBlock[f.instDestStart[t]! + k]!;
        if (seen[s] === -1 && f.blockInLayout[s] !== 0) {
          seen[s] = -2;
          stack[sp] = s; iter[sp] = 0; sp++;
        }
      } else {
        sp--;
        post[np++] = b;
      }
    }
    for (let i = 0; i < np; i++) {
      const b = post[np - 1 - i]!;
      this.rpo[i] = b;
      this.rpoIndex[b] = i;
    }
    this.rpoCount = np;
  }

  // Which CFG tables still describe the function: set by the computations, cleared by
  // `cfgChanged()`, which every change to blocks, terminators or edges must be followed by
  // (each pass calls it where it makes one; `staleTables` lets a test check that).
  private rpoValid = false;
  private predsValid = false;
  private dominatorsValid = false;
  /** True when every block in the layout is reachable (`removeUnreachableBlocks` ran since the last change). */
  private allReachable = false;

  /** Counts `cfgChanged()` calls (the pass manager compares it around a pass). */
  cfgChanges = 0;
  /** Records that blocks, terminators or edges changed: the CFG tables must be recomputed. */
  cfgChanged(): void {
    this.cfgChanges++;
    this.rpoValid = this.predsValid = this.dominatorsValid = this.allReachable = false;
  }
  /**
   * The CFG tables this context holds as current that a fresh computation disagrees
   * with (for tests: every pass must report its CFG changes). Empty when all are right.
   */
  staleTables(): string[] {
    const fresh = new FuncContext(this.f);
    const out: string[] = [];
    const same = (a: Int32Array, b: Int32Array, n: number): boolean => {
      for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
      return true;
    };
    const nb = this.f.blockCount;
    if (this.rpoValid || this.dominatorsValid) {
      fresh.computeRPO();
      if (fresh.rpoCount !== this.rpoCount || !same(fresh.rpo, this.rpo, this.rpoCount)) out.push('rpo');
    }
    if (this.predsValid) {
      fresh.computePreds();
      const n = fresh.predStart[nb]!;
      if (!same(fresh.predStart, this.predStart, nb + 1) || !same(fresh.predDest, this.predDest, n) ||
        !same(fresh.predBlock, this.predBlock, n) || !same(fresh.predInst, this.predInst, n)) out.push('preds');
    }
    if (this.dominatorsValid) {
      fresh.computeDominators();
      for (let i = 0; i < fresh.rpoCount; i++) {
        const b = fresh.rpo[i]!;
        if (fresh.dom.idom[b] !== this.dom.idom[b] || fresh.dom.pre[b] !== this.dom.pre[b] || fresh.dom.post[b] !== this.dom.post[b]) { out.push('dominators'); break; }
      }
    }
    if (this.allReachable) {
      fresh.computeRPO();
      for (let b = this.f.firstBlock; b !== NONE; b = this.f.blockNext[b]!) if (fresh.rpoIndex[b]! < 0) { out.push('reachability'); break; }
    }
    return out;
  }

  /** `computeRPO` unless its tables are current. */
  ensureRPO(): void {
    if (!this.rpoValid) this.computeRPO();
  }
  /** `computePreds` unless its tables are current. */
  ensurePreds(): void {
    if (!this.predsValid) this.computePreds();
  }
  /** `computeDominators` unless its tables (and the predecessors) are current. */
  ensureDominators(): void {
    if (!this.dominatorsValid) this.computeDominators();
    else this.ensurePreds();
  }

  /**
   * Computes `dom` (immediate dominators, the tree and its numbering; src/analysis/dominators.ts)
   * over this context's RPO and predecessor tables, reusing them when current.
   */
  computeDominators(): void {
    this.ensureRPO();
    this.ensurePreds();
    this.dominatorsValid = true;
    this.dom.compute(this);
  }
  /** True if block `a` dominates block `b` (both reachable); valid after `computeDominators`. */
  dominates(a: number, b: number): boolean {
    return this.dom.dominates(a, b);
  }

  /** Removes blocks that the entry cannot reach from the layout; returns how many. Recomputes `rpo`. */
  removeUnreachableBlocks(): number {
    if (this.allReachable) return 0;
    const f = this.f;
    this.ensureRPO();
    let removed = 0;
    for (let b = f.firstBlock; b !== NONE;) {
      const next = f.blockNext[b]!;
      if (this.rpoIndex[b]! < 0) { f.removeBlock(b as Block); removed++; }
      b = next;
    }
    // The reachable blocks keep their order and dominators; only edges from removed blocks are gone.
    if (removed > 0) this.predsValid = false;
    this.allReachable = true;
    this.changes += removed;
    return removed;
  }

  /** Removes parameter `i` of `block` and the matching argument of every predecessor edge (`computePreds` must be current). */
  removeParamEverywhere(block: number, i: number): void {
    const f = this.f;
    for (let p = this.predStart[block]!; p < this.predStart[block + 1]!; p++) f.removeDestArg(this.predDest[p]! as Dest, i);
    f.removeBlockParam(block as Block, i);
  }
}

/** Creates `iconst.T value` before `before`; returns its result. */
export function constBefore(ctx: FuncContext, before: Inst, type: Type, value: bigint): Value {
  const f = ctx.f;
  const c = f.newInst(Opcode.IConst, type, []);
  f.setIconstValue(c, BigInt.asIntN(typeBits(type), value));
  f.makeResults(c, [type]);
  f.insertInstBefore(c, before);
  return f.result(c, 0);
}
