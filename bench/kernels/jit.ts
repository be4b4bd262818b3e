/**
 * The kernels bench's view of the compiler: compile the kernel module at an
 * optimisation level and call its functions through the calling layer.
 * `OPT_LEVELS` lists the levels that exist today.
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

/** Compiles `module` at `level` (the highest existing level at or below it). */
export function compileKernelModule(module: Module, level: number): CompiledKernels {
  const use = Math.max(...OPT_LEVELS.filter((l) => l <= level));
  const compiled = compile(module, { opt: use as 0 | 1 | 2 });
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
