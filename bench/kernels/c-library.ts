/**
 * Builds kernels.c into a shared library with gcc at the given optimisation
 * level (in a temp dir, at benchmark or test time) and exposes it as a
 * KernelCaller through jitkit's calling layer.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Library, wrap } from '../../src/index.js';
import type { NativeType } from '../../src/index.js';
import { Type } from '../../src/ir/index.js';
import { packageRoot } from '../../src/runtime/addon.js';
import { KERNEL_SIGNATURES, type KernelName } from './ir.js';
import type { KernelCaller } from './inputs.js';

/** Maps an IR type to the calling layer's type. */
export function nativeTypeOf(t: Type): NativeType {
  switch (t) {
    case Type.I8: return 'i8';
    case Type.I16: return 'i16';
    case Type.I32: return 'i32';
    case Type.I64: return 'i64';
    case Type.F32: return 'f32';
    case Type.F64: return 'f64';
    case Type.Ptr: return 'ptr';
    default: throw new Error(`no native type for IR type ${t}`);
  }
}

/** The calling-layer signature of a kernel. */
export function kernelSignature(name: KernelName) {
  const s = KERNEL_SIGNATURES[name];
  return { args: s.params.map(nativeTypeOf), result: s.results.length === 0 ? 'void' as const : nativeTypeOf(s.results[0]!) };
}

/** Compiles kernels.c with `gcc -O<level>` and returns a caller for its functions. */
export function buildCKernels(level: 0 | 2): KernelCaller {
  const dir = mkdtempSync(path.join(tmpdir(), 'jitkit-kernels-'));
  const so = path.join(dir, `kernels-O${level}.so`);
  execFileSync('gcc', [`-O${level}`, '-shared', '-fPIC', '-o', so, path.join(packageRoot, 'bench', 'kernels', 'kernels.c'), '-lm']);
  const lib = Library.open(so);
  const fns = new Map<string, (...a: unknown[]) => unknown>();
  return (name, args) => {
    let f = fns.get(name);
    if (f === undefined) {
      f = wrap(lib.symbol(`k_${name}`), kernelSignature(name), { name: `k_${name}` });
      fns.set(name, f);
    }
    return f(...args);
  };
}
