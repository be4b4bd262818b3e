/**
 * The dominator tree: one analysis for the verifier (src/ir/verifier.ts), the optimiser
 * (src/opt/context.ts) and the register allocator's loop depths (src/regalloc), over any
 * control-flow graph a client describes as a `FlowGraph`.
 *
 *   FlowGraph (client: its blocks in reverse postorder, predecessors in compressed rows)
 *     --computeIdoms--> idom per block         Cooper, Harvey & Kennedy, "A Simple, Fast
 *                                              Dominance Algorithm": iterate over the blocks in
 *                                              reverse postorder to a fixed point
 *     --compute-------> + the tree as children lists and a preorder/postorder numbering,
 *                         so `dominates(a, b)` is two comparisons
 *
 * Terms: block A *dominates* B when every path from the entry to B passes through A (every
 * block dominates itself); the *immediate dominator* of B is its closest strict dominator.
 * Only blocks reachable from the entry are in the tree.
 *
 * Storage: the tables are typed arrays owned by the tree and grown on demand, so one tree
 * reused for every function of a compilation allocates nothing once grown.
 */

/** A control-flow graph as the analyses read it; each client fills one from its own blocks. */
export interface FlowGraph {
  /** Blocks are numbered 0 .. blockCount-1. */
  readonly blockCount: number;
  /** The blocks reachable from the entry in reverse postorder, entry first: `rpo[0 .. rpoCount)`. */
  readonly rpo: Int32Array;
  /** Number of reachable blocks. */
  readonly rpoCount: number;
  /** Position of each block in `rpo`; negative when unreachable. */
  readonly rpoIndex: Int32Array;
  /** Start of each block's predecessors in `predBlock` (blockCount + 1 entries). */
  readonly predStart: Int32Array;
  /** Predecessor blocks of block b: `predBlock[predStart[b] .. predStart[b + 1])` (repeats and unreachable ones allowed). */
  readonly predBlock: Int32Array;
}

/** `a` if it holds at least `n` entries, else a new, larger array (contents not kept). */
function atLeast(a: Int32Array, n: number): Int32Array {
  return a.length >= n ? a : new Int32Array(Math.max(n, 2 * a.length, 16));
}

const NO_BLOCKS = new Int32Array(0);

/** Dominator tree of a `FlowGraph` (see the file comment); `compute` fills it, reusing its tables. */
export class DominatorTree {
  /** Immediate dominator by block (entry: itself; unreachable: -1). */
  idom: Int32Array;
  /** Dominator-tree preorder number by block (-1: unreachable); set by `compute`. */
  pre: Int32Array;
  /** Dominator-tree postorder number by block (-1: unreachable); set by `compute`. */
  post: Int32Array;
  /** Children of block b in the tree: `children[childStart[b] .. childStart[b + 1])`, in reverse postorder; set by `compute`. */
  childStart: Int32Array;
  /** See `childStart`. */
  children: Int32Array;
  /** The reachable blocks in reverse postorder (the graph's `rpo`, `rpoCount` entries). */
  rpo: Int32Array;
  /** Number of reachable blocks. */
  rpoCount: number;
  /** Position of each block in `rpo`, negative when unreachable (the graph's). */
  rpoIndex: Int32Array;
  /** Block count of the last graph. */
  private blockCount: number;
  /** True when `pre`/`post` describe the current tree (`compute`), false after `computeIdoms` alone. */
  private numbered: boolean;
  /** DFS stack and child cursors of the numbering. */
  private stack: Int32Array;
  private cursor: Int32Array;
  /** Idom-chain steps `dominates` has walked since `computeIdoms` (it numbers the tree once they pass a few per block). */
  private walked: number;

  constructor() {
    this.idom = NO_BLOCKS;
    this.pre = NO_BLOCKS;
    this.post = NO_BLOCKS;
    this.childStart = NO_BLOCKS;
    this.children = NO_BLOCKS;
    this.rpo = NO_BLOCKS;
    this.rpoCount = 0;
    this.rpoIndex = NO_BLOCKS;
    this.blockCount = 0;
    this.numbered = false;
    this.stack = NO_BLOCKS;
    this.cursor = NO_BLOCKS;
    this.walked = 0;
  }

  /**
   * Immediate dominators of `g`'s blocks only: no children lists or numbering, so `dominates`
   * walks up the tree (for a client asking a few questions per block, such as the verifier).
   */
  computeIdoms(g: FlowGraph): this {
    const nb = g.blockCount, rpo = g.rpo, n = g.rpoCount, ri = g.rpoIndex, predStart = g.predStart, predBlock = g.predBlock;
    this.numbered = false;
    this.walked = 0;
    this.rpo = rpo;
    this.rpoCount = n;
    this.rpoIndex = ri;
    this.blockCount = nb;
    const idom = (this.idom = atLeast(this.idom, nb)).fill(-1, 0, nb);
    if (n === 0) return this;
    const entry = rpo[0]!;
    idom[entry] = entry;
    for (let changed = true; changed;) {
      changed = false;
      for (let i = 1; i < n; i++) {
        const b = rpo[i]!;
        let nd = -1;
        for (let k = predStart[b]!, end = predStart[b + 1]!; k < end; k++) {
          let x = predBlock[k]!;
          if (ri[x]! < 0 || idom[x] === -1) continue; // unreachable, or not reached by this pass yet
          if (nd === -1) { nd = x; continue; }
          // The nearest common dominator of x and nd: climb whichever is later in reverse postorder.
          let y = nd;
          while (x !== y) {
            while (ri[x]! > ri[y]!) x = idom[x]!;
            while (ri[y]! > ri[x]!) y = idom[y]!;
          }
          nd = x;
        }
        if (idom[b] !== nd) { idom[b] = nd; changed = true; }
      }
    }
    return this;
  }

  /** Immediate dominators, then the tree (children lists) and its preorder/postorder numbering. */
  compute(g: FlowGraph): this {
    this.computeIdoms(g);
    this.numberTree();
    return this;
  }

  /** The tree (children lists) and its preorder/postorder numbering, from `idom` and the graph's `rpo`. */
  private numberTree(): void {
    const nb = this.blockCount, rpo = this.rpo, n = this.rpoCount, idom = this.idom;
    const pre = (this.pre = atLeast(this.pre, nb)).fill(-1, 0, nb);
    const post = (this.post = atLeast(this.post, nb)).fill(-1, 0, nb);
    this.numbered = true;
    if (n === 0) return;
    // Children lists by counting (each in reverse postorder, as `rpo` visits them).
    const cs = (this.childStart = atLeast(this.childStart, nb + 1)).fill(0, 0, nb + 1);
    for (let i = 1; i < n; i++) cs[idom[rpo[i]!]! + 1]!++;
    for (let b = 0; b < nb; b++) cs[b + 1]! += cs[b]!;
    const kids = (this.children = atLeast(this.children, n));
    const fill = (this.cursor = atLeast(this.cursor, nb + 1));
    for (let b = 0; b < nb; b++) fill[b] = cs[b]!;
    for (let i = 1; i < n; i++) { const b = rpo[i]!; kids[fill[idom[b]!]!++] = b; }
    // Preorder and postorder numbers by an iterative walk (a stack of blocks and child cursors).
    const stack = (this.stack = atLeast(this.stack, n)), iter = fill;
    const entry = rpo[0]!;
    let sp = 0, preNum = 0, postNum = 0;
    stack[sp] = entry; iter[sp] = cs[entry]!; sp++;
    pre[entry] = preNum++;
    while (sp > 0) {
      const b = stack[sp - 1]!, k = iter[sp - 1]!;
      if (k < cs[b + 1]!) {
        iter[sp - 1] = k + 1;
        const c = kids[k]!;
        pre[c] = preNum++;
        stack[sp] = c; iter[sp] = cs[c]!; sp++;
      } else {
        post[b] = postNum++;
        sp--;
      }
    }
  }

  /** True if block `b` is reachable from the entry. */
  isReachable(b: number): boolean {
    return b >= 0 && b < this.blockCount && this.rpoIndex[b]! >= 0;
  }

  /**
   * True if block `a` dominates block `b` (both reachable; false otherwise): two comparisons
   * after `compute`, a walk up the tree from `b` after `computeIdoms`.
   */
  dominates(a: number, b: number): boolean {
    if (!(a >= 0 && a < this.blockCount && b >= 0 && b < this.blockCount)) return false;
    if (this.numbered) {
      const pa = this.pre[a]!, pb = this.pre[b]!;
      return pa >= 0 && pb >= 0 && pa <= pb && this.post[a]! >= this.post[b]!;
    }
    const ri = this.rpoIndex, idom = this.idom, at = ri[a]!;
    if (at < 0 || ri[b]! < 0) return false;
    // A dominator comes before the blocks it dominates in reverse postorder: stop once above `a`.
    let x = b, steps = 0;
    while (ri[x]! > at) { x = idom[x]!; steps++; }
    // Walks are short in most functions; in a deep tree (long chains of diamonds and loops) they
    // would make the questions quadratic in all: then number the tree once and compare numbers.
    if ((this.walked += steps) > 4 * this.rpoCount + 64) this.numberTree();
    return x === a;
  }
}
