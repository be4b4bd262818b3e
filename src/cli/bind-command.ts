/**
 * `jitkit bind`: typed bindings from a C header (src/frontends/ffi/bindgen.ts).
 *
 *   jitkit bind HEADER.h [--lib LIBRARY] [-o FILE.ts] [-DNAME[=V]] [-Ipath] [--also OTHER.h] [--import SPECIFIER]
 *
 * Writes a TypeScript module to stdout (or FILE): the header's records, handles, functions
 * (looked up in LIBRARY, default the process), enums and #define constants. Errors in the
 * header print as gcc's diagnostics; what cannot be bound is listed at the end of the module
 * and counted on stderr.
 */
import * as fs from 'node:fs';
import { CompileError } from '../frontends/c/diagnostics.js';
import { generateBindings, type BindgenOptions } from '../frontends/ffi/bindgen.js';

/** Usage text of `jitkit bind`. */
export const BIND_USAGE = `usage: jitkit bind HEADER.h [--lib LIBRARY] [options] > bindings.ts

  --lib LIBRARY     the shared library the functions are in (a path or soname, e.g. libz.so.1);
                    default: the process (libc)
  -o FILE           write the module to FILE instead of stdout
  -DNAME[=VALUE]    define a macro before reading the header
  -Ipath            add a directory to the #include search path
  --also HEADER.h   bind the declarations of another header too
  --import SPEC     import jitkit's FFI from SPEC (default 'jitkit/ffi')

example: jitkit bind /usr/include/zlib.h --lib libz.so.1 > zlib.ts`;

/** Runs `jitkit bind ARGS`; returns the exit status. Throws an Error for bad command lines. */
export function bindCommand(argv: readonly string[]): number {
  const defines: string[] = [];
  const includePaths: string[] = [];
  const also: string[] = [];
  let header: string | undefined, lib: string | undefined, output: string | undefined, importFrom: string | undefined;
  const value = (i: number, flag: string): string => {
    const v = argv[i + 1];
    if (v === undefined) throw new Error(`${flag} needs a value\n${BIND_USAGE}`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--help' || a === '-h') { console.log(BIND_USAGE); return 0; }
    if (a === '--lib') lib = value(i++, a);
    else if (a === '-o') output = value(i++, a);
    else if (a === '--also') also.push(value(i++, a));
    else if (a === '--import') importFrom = value(i++, a);
    else if (a === '-D' || a === '-I') (a === '-D' ? defines : includePaths).push(value(i++, a));
    else if (a.startsWith('-D')) defines.push(a.slice(2));
    else if (a.startsWith('-I')) includePaths.push(a.slice(2));
    else if (a.startsWith('-')) throw new Error(`unknown option ${a}\n${BIND_USAGE}`);
    else if (header === undefined) header = a;
    else throw new Error(`one header at a time (got ${header} and ${a}; use --also for more)\n${BIND_USAGE}`);
  }
  if (header === undefined) throw new Error(BIND_USAGE);
  const options: BindgenOptions = {
    defines, includePaths, alsoHeaders: also, importFrom,
    command: `jitkit bind ${argv.join(' ')}`,
    ...(lib === undefined ? {} : { lib }),
  };
  let text: string;
  try {
    text = generateBindings(header, options);
  } catch (e) {
    if (!(e instanceof CompileError)) throw e;
    process.stderr.write(e.message.endsWith('\n') ? e.message : e.message + '\n');
    return 1;
  }
  if (output === undefined) process.stdout.write(text);
  else fs.writeFileSync(output, text);
  const skipped = text.split('\n// Not bound:\n')[1];
  if (skipped !== undefined) process.stderr.write(`jitkit bind: ${skipped.split('\n').filter((l) => l.startsWith('//   ')).length} declarations not bound (listed at the end of the module)\n`);
  return 0;
}
