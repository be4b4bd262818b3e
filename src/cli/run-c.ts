/**
 * `jitkit run FILE.c [MORE.c ...] [-O0|-O1|-O2] [-DNAME[=V]] [-Ipath] [-- ARGS...]`:
 * compiles a C program and runs its `main` with ARGS (argv[0] is the first
 * file), then exits with main's status (or `exit()`'s). Diagnostics go to
 * stderr in gcc's format; a compile error exits with status 1.
 */
import { CompileError, cc } from '../frontends/c/index.js';
import { TrapError } from '../ir/interpreter.js';

/** Usage of the C form of `jitkit run`. */
export const RUN_C_USAGE = `usage: jitkit run FILE.c [MORE.c ...] [-O0|-O1|-O2] [-DNAME[=V]] [-Ipath] [--no-system-headers] [-- ARGS...]`;

/** Exit statuses for traps, as a shell reports the signal gcc's code would die of. */
const TRAP_STATUS: Record<string, number> = { int_divz: 136, int_ovf: 136, bad_conv: 136, heap_oob: 139, stk_ovf: 139, unreachable: 132 };

/** True when `jitkit run` was given C files. */
export function isCRun(argv: readonly string[]): boolean {
  const dash = argv.indexOf('--');
  return (dash < 0 ? argv : argv.slice(0, dash)).some((a) => a.endsWith('.c'));
}

/** Runs `jitkit run` on C files; returns the process exit status. */
export function runC(argv: readonly string[]): number {
  const dash = argv.indexOf('--');
  const opts = dash < 0 ? argv : argv.slice(0, dash);
  const args = dash < 0 ? [] : argv.slice(dash + 1);
  const files: string[] = [];
  const defines: string[] = [];
  const includePaths: string[] = [];
  let opt: 0 | 1 | 2 = 0;
  let hideSystemHeaders = false;
  for (let i = 0; i < opts.length; i++) {
    const a = opts[i]!;
    const value = (flag: string): string => {
      if (a.length > flag.length) return a.slice(flag.length);
      const v = opts[++i];
      if (v === undefined) throw new Error(`missing argument after ${flag}\n${RUN_C_USAGE}`);
      return v;
    };
    if (/^-O[012]$/.test(a)) opt = Number(a.slice(2)) as 0 | 1 | 2;
    else if (a.startsWith('-D')) defines.push(value('-D'));
    else if (a.startsWith('-I')) includePaths.push(value('-I'));
    else if (a === '--no-system-headers') hideSystemHeaders = true;
    else if (a.endsWith('.c')) files.push(a);
    else throw new Error(`unknown option ${a}\n${RUN_C_USAGE}`);
  }
  let program;
  try {
    program = cc({ files }, { defines, includePaths, opt, hideSystemHeaders, onWarnings: (w) => process.stderr.write(w + '\n') });
  } catch (e) {
    if (e instanceof CompileError) {
      process.stderr.write(e.message + '\n');
      return 1;
    }
    throw e;
  }
  try {
    return program.main([files[0]!, ...args]) & 0xff;
  } catch (e) {
    if (e instanceof TrapError) {
      process.stderr.write(`jitkit: ${e.message}\n`);
      return TRAP_STATUS[e.trap] ?? 134;
    }
    if (e instanceof CompileError) {
      process.stderr.write(e.message + '\n');
      return 1;
    }
    throw e;
  } finally {
    program.free();
  }
}
