/**
 * The pass manager: `optimize(module, { level })` runs the IR optimisation
 * pipeline over every function of a module, in place. See docs/opt.md for the
 * pipeline diagram and glossary.
 *
 *   -O0  nothing
 *   -O1  fold -> copyprop -> cfg -> dce, repeated until nothing changes (<= 4 rounds)
 *   -O2  one round of the -O1 passes and tailrec on every function the module calls (so
 *        inlining sees cleaned-up callee sizes),
 *        inline (module level), then per function one round of
 *        [simplify copyprop cfg dce tailrec], where `simplify` is fold, strength, gvn and
 *        loadelim in one dominator-tree walk; licm (and one more round when it moved
 *        something); then [simplify copyprop cfg dce] while something changes (<= 3 rounds).
 *        docs/opt.md says why `simplify` and what the round limits cost.
 *
 * Each function gets one `FuncContext` (scratch space shared by its passes); the
 * manager keeps no state between calls. With `verify: true` the verifier runs
 * after every pass and an invalid result throws naming the pass.
 */
import { Func, Module } from '../ir/function.js';
import { verifyFunction } from '../ir/verifier.js';
import { printFunction } from '../ir/printer.js';
import { FuncContext, PassRecord } from './context.js';
import { foldPass } from './fold.js';
import { copyPropPass } from './copyprop.js';
import { dcePass } from './dce.js';
import { cfgPass } from './cfg.js';
import { gvnPass } from './gvn.js';
import { licmPass } from './licm.js';
import { strengthPass } from './strength.js';
import { loadElimPass } from './loadelim.js';
import { tailRecPass } from './tailrec.js';
import { simplifyPass } from './simplify.js';
import { mem2regPass } from './mem2reg.js';
import { InlineOptions, directCallees, inlineModule } from './inline.js';

/** A function-level pass: transforms `ctx.f` in place; returns true when it changed something. */
export type FunctionPass = (ctx: FuncContext) => boolean;

/** Function passes by name (the names `test optimize` filetests and `passes` accept). */
export const PASSES: Readonly<Record<string, FunctionPass>> = {
  fold: foldPass,
  copyprop: copyPropPass,
  dce: dcePass,
  cfg: cfgPass,
  gvn: gvnPass,
  licm: licmPass,
  strength: strengthPass,
  loadelim: loadElimPass,
  tailrec: tailRecPass,
  simplify: simplifyPass,
  mem2reg: mem2regPass,
};

/** Options of `optimize`. */
export interface OptimizeOptions {
  /** 0: nothing; 1: cheap cleanups; 2: everything. */
  level: 0 | 1 | 2;
  /** Run the verifier after every pass and throw on invalid IR (debugging; default false). */
  verify?: boolean;
  /** Instead of a level's pipeline, run exactly these passes in order (names of `PASSES`, or `inline`). */
  passes?: readonly string[];
  /** When given, receives the milliseconds spent in each pass (summed over functions and rounds). */
  timings?: Record<string, number>;
  /** Inlining limits (callee size threshold, growth budget per caller). */
  inline?: InlineOptions;
}

const O1: readonly string[] = ['fold', 'copyprop', 'cfg', 'dce'];
/** Before inlining: cleanups, and tail recursion to loops (so a self-inlined copy keeps its loop). */
const PRE_INLINE: readonly string[] = ['fold', 'copyprop', 'cfg', 'dce', 'tailrec'];
const O2: readonly string[] = ['simplify', 'copyprop', 'cfg', 'dce', 'tailrec'];
/** After licm: the main round's passes but tailrec, while something changes. */
const O2_CLEANUP: readonly string[] = ['simplify', 'copyprop', 'cfg', 'dce'];
/**
 * Passes that reach their own fixed point in one run unless they change the CFG: they visit
 * every definition before its uses (dominator-tree preorder or reverse postorder), and what
 * they find depends only on an instruction's operands and what dominates it, so a second run
 * finds nothing new (test/opt/manager.test.ts checks this on random modules). `strength` is
 * not one: the helpers it inserts may be reducible again.
 */
export const SELF_FIXED_POINT: ReadonlySet<string> = new Set(['simplify', 'fold', 'gvn', 'loadelim']);
/** The passes `simplify` runs in one walk: when it changes nothing, neither would they. */
const SIMPLIFY_PARTS: readonly string[] = ['fold', 'gvn', 'loadelim', 'strength'];

function runPass(name: string, ctx: FuncContext, verify: boolean, timings?: Record<string, number>): boolean {
  const pass = PASSES[name];
  if (pass === undefined) throw new Error(`optimize: unknown pass '${name}'`);
  if (ctx.passes.isDone(name)) return false;
  const t0 = timings !== undefined ? performance.now() : 0;
  const cfgChanges = ctx.cfgChanges;
  const changed = pass(ctx);
  // A pass that reports no change left the function as it was, and every pass reports its
  // CFG changes with ctx.cfgChanged() (test/opt/manager.test.ts checks both).
  ctx.passes.ran(name, changed);
  // Run again right away, a pass that reaches its own fixed point would change nothing.
  if (changed && ctx.cfgChanges === cfgChanges && SELF_FIXED_POINT.has(name)) ctx.passes.ran(name, false);
  if (!changed && name === 'simplify') for (const part of SIMPLIFY_PARTS) ctx.passes.ran(part, false);
  if (timings !== undefined) timings[name] = (timings[name] ?? 0) + performance.now() - t0;
  if (verify) {
    const errors = verifyFunction(ctx.f);
    if (errors.length > 0) {
      throw new Error(`optimize: pass ${name} left invalid IR:\n${errors.join('\n')}\n${printFunction(ctx.f)}`);
    }
  }
  return changed;
}

function runToFixedPoint(ctx: FuncContext, pipeline: readonly string[], rounds: number, verify: boolean, timings?: Record<string, number>): void {
  for (let r = 0; r < rounds; r++) {
    let changed = false;
    for (const name of pipeline) if (runPass(name, ctx, verify, timings)) changed = true;
    if (!changed) break;
  }
}

/** Optimises one function with the pipeline of `level` (no inlining). */
export function optimizeFunction(f: Func, options: OptimizeOptions): void {
  f.currentLoc = 0;
  if (f.firstBlock !== -1) optimizeIn(new FuncContext(f), options);
}

/** Optimises `ctx.f` with the pipeline of `options` (no inlining). */
function optimizeIn(ctx: FuncContext, options: OptimizeOptions): void {
  const verify = options.verify === true;
  const tm = options.timings;
  if (options.passes !== undefined) {
    for (const name of options.passes) if (name !== 'inline') runPass(name, ctx, verify, tm);
    return;
  }
  if (options.level === 0) return;
  if (options.level === 1) {
    runToFixedPoint(ctx, O1, 4, verify, tm);
    return;
  }
  runToFixedPoint(ctx, O2, 1, verify, tm);
  if (runPass('licm', ctx, verify, tm)) runToFixedPoint(ctx, O2, 1, verify, tm);
  runToFixedPoint(ctx, O2_CLEANUP, 3, verify, tm);
}

/** The functions of `module` that some function of it calls directly (inlining candidates). */
function calledFunctions(module: Module): Set<Func> {
  const out = new Set<Func>();
  for (const f of module.functions()) for (const g of directCallees(module, f)) out.add(module.callees[g] as Func);
  return out;
}

/** Optimises every function of `module` in place. */
export function optimize(module: Module, options: OptimizeOptions): void {
  const verify = options.verify === true;
  // Instructions the passes make take their locations from what they replace (Func.insertInstBefore,
  // the inliner), never the builder's last one.
  for (const f of module.functions()) f.currentLoc = 0;
  const wantInline = options.passes !== undefined ? options.passes.includes('inline') : options.level === 2;
  // One context serves every function in turn: its scratch arrays grow to the largest and are reused.
  let ctx: FuncContext | null = null;
  // What the cleanups before inlining found done stays done in functions inlining did not change.
  const records = new Map<Func, PassRecord>();
  const contextFor = (f: Func): FuncContext => {
    let r = records.get(f);
    if (r === undefined) records.set(f, (r = new PassRecord()));
    if (ctx === null) ctx = new FuncContext(f);
    ctx.retarget(f, r);
    return ctx;
  };
  if (wantInline) {
    // Clean callees first so that size estimates are realistic.
    // One round is enough for that: the full pipeline runs on every function after inlining anyway.
    if (options.passes === undefined) {
      // Only functions that something in the module calls can be inlined: the others are
      // cleaned by the main pipeline after inlining, once instead of twice.
      const called = calledFunctions(module);
      for (const f of module.functions()) if (f.firstBlock !== -1 && called.has(f)) runToFixedPoint(contextFor(f), PRE_INLINE, 1, verify, options.timings);
    }
    const t0 = performance.now();
    const inlinedInto = new Set<Func>();
    inlineModule(module, options.inline, inlinedInto);
    for (const f of inlinedInto) records.delete(f);
    if (options.timings !== undefined) options.timings.inline = (options.timings.inline ?? 0) + performance.now() - t0;
    if (verify) {
      for (const f of module.functions()) {
        const errors = verifyFunction(f);
        if (errors.length > 0) throw new Error(`optimize: pass inline left invalid IR:\n${errors.join('\n')}\n${printFunction(f)}`);
      }
    }
  }
  if (options.passes === undefined && options.level === 0) return;
  for (const f of module.functions()) if (f.firstBlock !== -1) optimizeIn(contextFor(f), options);
}

export { FuncContext } from './context.js';
export type { InlineOptions } from './inline.js';
