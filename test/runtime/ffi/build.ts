/**
 * Builds a C test library at test time with gcc into a temp directory keyed by a hash of
 * the sources and flags (parallel test files share one build; a changed source rebuilds).
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { packageRoot } from '../../../src/runtime/addon.js';

/** Flags of every test library (plus an optimisation level). */
const FLAGS = ['-shared', '-fPIC', '-std=gnu11', '-Wall', '-Werror', '-Wno-unused-function', '-Wno-psabi', '-Wno-packed-bitfield-compat', '-pthread'];

/**
 * Builds `sources` (C texts by file name) into `lib<name>.so` at optimisation level `opt`
 * (-O0 for large generated sources: the ABI is the same, gcc is 4x faster); returns its path.
 */
export function buildLibrary(name: string, sources: Readonly<Record<string, string>>, opt = '-O2'): string {
  const flags = [opt, ...FLAGS];
  const h = createHash('sha256').update(flags.join(' '));
  for (const [file, text] of Object.entries(sources)) h.update('\0').update(file).update('\0').update(text);
  const dir = path.join(tmpdir(), `jitkit-${name}-${h.digest('hex').slice(0, 16)}`);
  const so = path.join(dir, `lib${name}.so`);
  if (existsSync(so)) return so;
  mkdirSync(dir, { recursive: true });
  const unique = `${process.pid}-${Date.now()}`;
  const files = Object.entries(sources).map(([file, text]) => {
    const p = path.join(dir, `${unique}-${file}`);
    writeFileSync(p, text);
    return p;
  });
  const tmp = path.join(dir, `lib-${unique}.so`);
  execFileSync('gcc', [...flags, '-o', tmp, ...files], { stdio: ['ignore', 'inherit', 'inherit'] });
  renameSync(tmp, so); // atomic: a concurrent build of the same sources just replaces it
  return so;
}

/** The hand-written FFI test library (ffi-lib.c). */
export function ffiLibraryPath(): string {
  return buildLibrary('jkffi', { 'ffi-lib.c': readFileSync(path.join(packageRoot, 'test', 'runtime', 'ffi', 'ffi-lib.c'), 'utf8') });
}
