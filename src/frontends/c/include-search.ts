/**
 * Where `#include` looks, in gcc's order:
 *
 *   "name"   1. the directory of the file holding the directive
 *   <name>   2. `-I` directories (`includePaths`), in order
 *            3. `-isystem` directories (`systemIncludePaths`), in order
 *            4. jitkit's freestanding headers (`include/freestanding`: stddef.h,
 *               stdarg.h, stdint.h, limits.h, float.h, ...), where gcc has its own
 *               include directory
 *            5. the system's libc headers: /usr/local/include,
 *               /usr/include/x86_64-linux-gnu, /usr/include — when
 *               /usr/include/stdio.h exists and `hideSystemHeaders` is off;
 *               otherwise jitkit's built-in libc subset (`include/libc`)
 *
 * `#include_next` continues after the directory that held the current file.
 * The headers ship inside the package (`include/` at its root).
 */
import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';

/** `<package>/include/`: this file is `dist/src/frontends/c/include-search.js`. */
const PACKAGE_INCLUDE = fileURLToPath(new URL('../../../../include/', import.meta.url));

/** Directory of jitkit's freestanding headers (searched before the libc headers). */
export const FREESTANDING_INCLUDE_DIR = PACKAGE_INCLUDE + 'freestanding';

/** Directory of jitkit's built-in libc subset (used when the system headers are absent or hidden). */
export const BUILTIN_LIBC_INCLUDE_DIR = PACKAGE_INCLUDE + 'libc';

/** The system's libc header directories, in gcc's order. */
export const SYSTEM_INCLUDE_DIRS: readonly string[] = ['/usr/local/include', '/usr/include/x86_64-linux-gnu', '/usr/include'];

/** Per-process cache: whether the system has libc headers (/usr/include/stdio.h). */
let systemHeadersPresentCache: boolean | undefined;

/** True when the system's libc development headers are installed. */
export function systemHeadersPresent(): boolean {
  systemHeadersPresentCache ??= fs.existsSync('/usr/include/stdio.h');
  return systemHeadersPresentCache;
}

/** Options that decide the search path. */
export interface SearchOptions {
  /** `-I` directories. */
  readonly includePaths?: readonly string[];
  /** `-isystem` directories. */
  readonly systemIncludePaths?: readonly string[];
  /** Ignore /usr/include even when present and use the built-in libc headers. */
  readonly hideSystemHeaders?: boolean;
}

/** The `<...>` search chain (steps 2-5 above). Trailing slashes are dropped as gcc does. */
export function bracketSearchPath(options: SearchOptions): string[] {
  const trim = (d: string): string => (d.length > 1 ? d.replace(/\/+$/, '') : d);
  const dirs = [...(options.includePaths ?? []).map(trim), ...(options.systemIncludePaths ?? []).map(trim), FREESTANDING_INCLUDE_DIR];
  if (!options.hideSystemHeaders && systemHeadersPresent()) dirs.push(...SYSTEM_INCLUDE_DIRS);
  else dirs.push(BUILTIN_LIBC_INCLUDE_DIR);
  return dirs;
}

/** `dir/name` as gcc forms it (no normalisation; an empty dir means the current directory). */
export function joinIncludePath(dir: string, name: string): string {
  if (dir === '') return name;
  return dir.endsWith('/') ? dir + name : dir + '/' + name;
}

/** The directory part of a path as gcc keeps it for `"..."` includes (`a/b.c` -> `a`, `b.c` -> ``). */
export function directoryOf(path: string): string {
  const slash = path.lastIndexOf('/');
  if (slash < 0) return '';
  return slash === 0 ? '/' : path.slice(0, slash);
}
