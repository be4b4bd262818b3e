/**
 * The compiled backend as a filetest `Executor` (src/ir/filetest.ts): loads a
 * module by compiling it, calls functions through the JS wrappers. Used by
 * test/filetests.test.ts so that every `test run` file runs both interpreted
 * and compiled, and by the differential fuzzer.
 */
import type { Module } from '../ir/function.js';
import type { Executor, LoadedModule } from '../ir/filetest.js';
import { compile, type CompileOptions } from './compile.js';

/** Makes an Executor that compiles with `options`. */
export function makeCompiledExecutor(options: CompileOptions = {}): Executor {
  return {
    name: options.tier === 'baseline' ? 'compiled (baseline tier)' : 'compiled',
    load(module: Module): LoadedModule {
      const c = compile(module, options);
      return { call: (name, args) => c.get(name)(...args), dispose: () => c.free() };
    },
  };
}

/** The compiled backend with default options. */
export const compiledExecutor: Executor = makeCompiledExecutor();

/** The baseline tier (one pass per function, src/regalloc/local.ts) with default options. */
export const baselineExecutor: Executor = makeCompiledExecutor({ tier: 'baseline' });

/**
 * Run lines the compiled backend cannot check: compiled code does not
 * bounds-check memory (docs/ir.md §4), so `traps heap_oob` expectations are
 * interpreter-only. Returns the filetest text with those run lines removed.
 */
export function compiledRunLines(text: string): string {
  return text.split('\n').filter((l) => !/^\s*;\s*run:.*\btraps\s+heap_oob\s*$/.test(l)).join('\n');
}
