/**
 * The kernels bench's view of the compiler: compile the kernel module at an
 * optimisation level (or in the baseline tier) and call its functions through the
 * calling layer. `OPT_LEVELS` lists the levels that exist today.
 */
import { compile } from '../../src/codegen/compile.js';
import { NONE, type Module } from '../../src/ir/index.js';
import type { KernelCaller } from './inputs.js';

/** Optimisation levels the compiler offers now. */
export const OPT_LEVELS: readonly number[] = [0, 1, 2];

/** A compiled kernel module. */
export interface CompiledKernels {
  readonly call: KernelCaller;
  dispose(): void;
}

/** What the bench compiles with: an optimisation level of the optimising tier, or the baseline tier. */
export type JitConfig = number | 'baseline';

/** The configuration's name in tables: `-O2`, `baseline`. */
export function configName(config: JitConfig): string {
  return config === 'baseline' ? 'baseline' : `-O${config}`;
}

/** Compiles `module` in the baseline tier, or at `config` (the highest existing level at or below it). */
export function compileKernelModule(module: Module, config: JitConfig): CompiledKernels {
  const compiled = config === 'baseline'
    ? compile(module, { tier: 'baseline' })
    : compile(module, { opt: Math.max(...OPT_LEVELS.filter((l) => l <= config)) as 0 | 1 | 2 });
  return {
    call: (name, args) => compiled.get(name)(...args),
    dispose: () => compiled.free(),
  };
}

/** IR instructions in a module (what "instructions compiled per second" counts). */
export function countInstructions(module: Module): number {
  let n = 0;
  for (const f of module.functions()) {
    for (let b = f.firstBlock; b !== NONE; b = f.blockNext[b]!) {
      for (let i = f.blockFirst[b]!; i !== NONE; i = f.instNext[i]!) n++;
    }
  }
  return n;
}
