/**
 * Builds the ABI test library at test time: the generated cases (gen.ts) plus
 * harness.c, compiled with `gcc -O2 -shared -fPIC` into a temp directory keyed
 * by a hash of the source (so parallel test files share one build).
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Library } from '../../../src/index.js';
import { packageRoot } from '../../../src/runtime/addon.js';
import { generatedSource } from './gen.js';

let cached: Library | undefined;
const GCC_FLAGS = ['-O2', '-shared', '-fPIC', '-std=gnu11', '-Wall', '-Werror', '-Wno-unused-function'];

/** The path of the built test library (building it if needed). */
export function abiLibraryPath(): string {
  const harness = readFileSync(path.join(packageRoot, 'test', 'runtime', 'abi', 'harness.c'), 'utf8');
  const generated = generatedSource();
  const hash = createHash('sha256').update(GCC_FLAGS.join(' ')).update('\0').update(harness).update('\0').update(generated).digest('hex').slice(0, 16);
  const dir = path.join(tmpdir(), `jitkit-abi-${hash}`);
  const so = path.join(dir, 'libjkabi.so');
  if (existsSync(so)) return so;
  mkdirSync(dir, { recursive: true });
  const unique = `${process.pid}-${Date.now()}`;
  const genPath = path.join(dir, `gen-${unique}.c`);
  const harnessPath = path.join(dir, `harness-${unique}.c`);
  writeFileSync(genPath, generated);
  writeFileSync(harnessPath, harness);
  const tmp = path.join(dir, `lib-${unique}.so`);
  execFileSync('gcc', [...GCC_FLAGS, '-o', tmp, genPath, harnessPath], { stdio: ['ignore', 'inherit', 'inherit'] });
  renameSync(tmp, so); // atomic: a concurrent build of the same source just replaces it
  return so;
}

/** The loaded test library (built on first use). */
export function abiLibrary(): Library {
  if (cached === undefined) cached = Library.open(abiLibraryPath());
  return cached;
}
