/**
 * `jitkit cc`: the C front end from the shell.
 *
 *   jitkit cc -E FILE.c [-DNAME[=V]] [-UNAME] [-Ipath] [-isystem path] [-P] [-dM] [-o OUT] [--no-system-headers]
 *
 * `-E` prints the preprocessed text as `gcc -E` does (with `# LINE "FILE"`
 * markers; `-P` leaves them out; `-dM` prints the macros defined at the end
 * instead, one `#define` per line, sorted). Diagnostics go to stderr in gcc's format;
 * the exit status is 1 when there were errors. `--no-system-headers` ignores
 * /usr/include and uses jitkit's built-in libc headers. FILE `-` reads stdin.
 */
import * as fs from 'node:fs';
import { CompileError, Diagnostics } from '../frontends/c/diagnostics.js';
import { compileToIR, type CcOptions } from '../frontends/c/index.js';
import { optimize } from '../opt/index.js';
import { printModule } from '../ir/printer.js';
import { preprocessWithMacros, type PreprocessOptions } from '../frontends/c/preprocessor.js';
import { formatPreprocessed } from '../frontends/c/pp-output.js';

/** Usage text of `jitkit cc`. */
export const CC_USAGE = `usage: jitkit cc -E FILE.c [options]

  -E                    preprocess only; print the result (with # line markers)
  --emit-ir             compile and print the program's IR (after mem2reg; with -O1/-O2 optimised)
  -P                    with -E: no line markers
  -dM                   with -E: print the #define of every macro at the end instead
  -DNAME[=VALUE]        define a macro (VALUE defaults to 1)
  -UNAME                undefine a macro
  -Ipath                add a directory to the #include search path
  -isystem path         add a system include directory (after -I)
  -o FILE               write the output to FILE instead of stdout
  --no-system-headers   ignore /usr/include; use jitkit's built-in libc headers`;

/** Runs `jitkit cc ARGS`; returns the exit status. Throws an Error for bad command lines. */
export function ccCommand(argv: readonly string[]): number {
  const defines: string[] = [];
  const undefines: string[] = [];
  const includePaths: string[] = [];
  const systemIncludePaths: string[] = [];
  let preprocessOnly = false;
  let emitIr = false;
  let opt: 0 | 1 | 2 = 0;
  let lineMarkers = true;
  let dumpMacros = false;
  let hideSystemHeaders = false;
  let output: string | undefined;
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (flag: string): string => {
      if (a.length > flag.length) return a.slice(flag.length);
      const v = argv[++i];
      if (v === undefined) throw new Error(`missing argument after ${flag}\n${CC_USAGE}`);
      return v;
    };
    if (a === '-E') preprocessOnly = true;
    else if (a === '--emit-ir') emitIr = true;
    else if (/^-O[012]$/.test(a)) opt = Number(a.slice(2)) as 0 | 1 | 2;
    else if (a === '-P') lineMarkers = false;
    else if (a === '-dM') dumpMacros = true;
    else if (a === '--no-system-headers') hideSystemHeaders = true;
    else if (a === '--help' || a === '-h') {
      process.stdout.write(CC_USAGE + '\n');
      return 0;
    } else if (a.startsWith('-D')) defines.push(value('-D'));
    else if (a.startsWith('-U')) undefines.push(value('-U'));
    else if (a === '-isystem') systemIncludePaths.push(value('-isystem'));
    else if (a.startsWith('-I')) includePaths.push(value('-I'));
    else if (a.startsWith('-o')) output = value('-o');
    else if (a === '-' || !a.startsWith('-')) files.push(a);
    else throw new Error(`unknown option ${a}\n${CC_USAGE}`);
  }
  if (emitIr && !preprocessOnly) return emitIrCommand(files, { defines, includePaths, hideSystemHeaders, opt }, output);
  if (!preprocessOnly) throw new Error(`cc: give -E (preprocess) or --emit-ir\n${CC_USAGE}`);
  if (files.length !== 1) throw new Error(`cc -E takes one input file, got ${files.length}\n${CC_USAGE}`);
  const file = files[0]!;
  const options: PreprocessOptions = { defines, undefines, includePaths, systemIncludePaths, hideSystemHeaders };
  const diagnostics = new Diagnostics([]);
  const input = file === '-' ? { name: '<stdin>', text: fs.readFileSync(0, 'utf8') } : file;
  const { unit, macros } = preprocessWithMacros(input, options, diagnostics);
  const text = dumpMacros ? [...macros.keys()].sort().map((k) => macros.get(k)! + '\n').join('') : formatPreprocessed(unit, { lineMarkers });
  if (output !== undefined) fs.writeFileSync(output, text);
  else process.stdout.write(text);
  if (diagnostics.list.length > 0) process.stderr.write(diagnostics.formatAll() + '\n');
  return diagnostics.hasErrors ? 1 : 0;
}

/** `jitkit cc --emit-ir FILES`: the program's IR text. */
function emitIrCommand(files: string[], options: CcOptions & { opt: 0 | 1 | 2 }, output: string | undefined): number {
  if (files.length === 0) throw new Error(`cc --emit-ir needs an input file\n${CC_USAGE}`);
  let ir;
  try {
    ir = compileToIR({ files }, { ...options, onWarnings: (w) => process.stderr.write(w + '\n') });
  } catch (e) {
    if (e instanceof CompileError) {
      process.stderr.write(e.message + '\n');
      return 1;
    }
    throw e;
  }
  if (options.opt > 0) optimize(ir.module, { level: options.opt });
  const text = printModule(ir.module);
  if (output !== undefined) fs.writeFileSync(output, text);
  else process.stdout.write(text);
  return 0;
}
