/**
 * The compiled backend as a filetest `Executor` (src/ir/filetest.ts): loads a
 * module by compiling it, calls functions through the JS wrappers. Used by
 * test/filetests.test.ts so that every `test run` file runs both interpreted
 * and compiled, and by the differential fuzzer.
 */
import type { Module } from '../ir/function.js';
import type { Executor, ExternalData, LoadedModule } from '../ir/filetest.js';
import { native } from '../runtime/addon.js';
import { compile, type CompileOptions } from './compile.js';

/**
 * A `resolve` option for `compile` that gives external data bound to JS buffers (`data`, by name)
 * their buffers' addresses and leaves other names to `fallback`. The caller keeps the buffers
 * alive while the code runs.
 */
export function resolveExternalData(data: ExternalData, fallback?: CompileOptions['resolve']): (name: string) => bigint | undefined {
  return (name) => (Object.hasOwn(data, name) ? native.addressOf(data[name]!) : fallback?.(name));
}

/** Makes an Executor that compiles with `options`. */
export function makeCompiledExecutor(options: CompileOptions = {}): Executor {
  return {
    name: options.tier === 'baseline' ? 'compiled (baseline tier)' : 'compiled',
    load(module: Module, data?: ExternalData): LoadedModule {
      // External data bound to JS buffers resolves to their bytes (the caller keeps `data`).
      const resolve = data === undefined ? options.resolve : resolveExternalData(data, options.resolve);
      const c = compile(module, { ...options, resolve });
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
