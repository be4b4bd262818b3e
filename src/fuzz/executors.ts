/**
 * Compiled executors for the differential harness: one per optimisation level
 * of the backend (`compile(module, { opt })`, src/codegen/compile.ts): -O0
 * compiles the IR as written, -O1 and -O2 run the src/opt passes first.
 */
import { makeCompiledExecutor } from '../codegen/executor.js';
import type { Executor } from '../ir/filetest.js';

/** Optimisation levels the backend accepts. */
export const OPT_LEVELS = [0, 1, 2] as const;

/** Every compiled executor (one per optimisation level, then the baseline tier). */
export async function compiledExecutors(): Promise<Executor[]> {
  // Every fuzzed function's register allocation is proven by the checker (src/regalloc/checker.ts).
  const checkRegalloc = process.env['JITKIT_CHECK_REGALLOC'] !== '0';
  const out: Executor[] = OPT_LEVELS.map((opt) => {
    const ex = makeCompiledExecutor({ opt, checkRegalloc });
    return { name: `compiled(opt=${opt})`, load: (m, data) => ex.load(m, data) };
  });
  const baseline = makeCompiledExecutor({ tier: 'baseline', checkRegalloc });
  out.push({ name: 'compiled(baseline)', load: (m, data) => baseline.load(m, data) });
  return out;
}
