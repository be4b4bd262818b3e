/**
 * Compiled executors for the differential harness, found at run time so that the
 * fuzzer builds and runs before the backend exists. A backend module that exports
 * `compiledExecutors(): Executor[]` (one per optimisation level) or
 * `compiledExecutor: Executor` at one of `CANDIDATES` is picked up automatically.
 */
import type { Executor } from '../ir/index.js';

/** Module paths (relative to this file) where a compiled executor may live. */
export const CANDIDATES = ['../codegen/executor.js', '../codegen/x64/executor.js', '../codegen/index.js', '../backend/index.js'];

/** Every compiled executor available (empty until the backend lands). */
export async function compiledExecutors(): Promise<Executor[]> {
  for (const c of CANDIDATES) {
    let mod: Record<string, unknown>;
    try {
      mod = (await import(c)) as Record<string, unknown>;
    } catch (e) {
      if ((e as { code?: string }).code === 'ERR_MODULE_NOT_FOUND') continue;
      throw e;
    }
    if (typeof mod.compiledExecutors === 'function') return (mod.compiledExecutors as () => Executor[])();
    if (mod.compiledExecutor !== undefined) return [mod.compiledExecutor as Executor];
  }
  return [];
}
