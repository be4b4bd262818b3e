/**
 * Which target generates code in this process: the one for `process.arch`. The only module
 * outside the targets' folders that names a target; everything else asks `hostTarget()`.
 * To add a target, add its entry to `TARGETS` (docs/porting.md).
 */
import type { Target } from './target.js';
import { X64_TARGET } from './x64/target.js';

/** Every target, by the `process.arch` it runs on. */
const TARGETS: ReadonlyMap<string, Target> = new Map([[X64_TARGET.arch, X64_TARGET]]);

/** The target for a `process.arch` value; throws a clear Error when jitkit has none. */
export function targetFor(arch: string): Target {
  const t = TARGETS.get(arch);
  if (t === undefined) {
    throw new Error(`jitkit: no code generator for this machine (process.arch '${arch}'; supported: ${[...TARGETS.keys()].join(', ')}). `
      + 'The IR builder, verifier, optimiser and interpreter work on any machine; compiling and calling native code do not.');
  }
  return t;
}

/** Every target jitkit has (for tests that check each one's tables). */
export function allTargets(): readonly Target[] {
  return [...TARGETS.values()];
}

/** The target of the running process (`process.arch`); throws a clear Error on a machine jitkit cannot generate code for. */
export function hostTarget(): Target {
  return targetFor(process.arch);
}
