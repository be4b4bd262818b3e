/**
 * `jitkit/c`: compile C11 at run time and call it from JS.
 *
 *   cc({ source } | { files }, { defines, includePaths, opt })
 *     preprocess each file (preprocessor.ts)  -> tokens
 *     lowerToIR (parser, IR generation, mem2reg; frontend.ts)
 *     compile (optimiser at -O1/-O2, x86-64 backend, W^X memory)
 *     -> CProgram: functions.NAME, symbol(name), main(argv), free()
 *
 * Errors in the C program throw `CompileError` whose message holds every
 * diagnostic in gcc's format (`file.c:3:9: error: ...`, the line, a caret).
 */
import * as fs from 'node:fs';
import { CompileError, Diagnostics } from './diagnostics.js';
import { lowerToIR, type CompiledC } from './frontend.js';
import { preprocess, type PreprocessOptions } from './preprocessor.js';
import { CProgram } from './program.js';
import type { PreprocessedUnit } from './token.js';

export { CompileError } from './diagnostics.js';
export { CProgram, CExit, flushCStdio } from './program.js';

/** What to compile: one source text, or files (each a translation unit of one program). */
export type CInput = { source: string; name?: string } | { files: readonly string[] };

/** Options of `cc`. */
export interface CcOptions {
  /** Macros as on gcc's command line: `NAME`, `NAME=VALUE`. */
  defines?: readonly string[];
  /** `#include` directories searched before the system's. */
  includePaths?: readonly string[];
  /** Optimisation level (default 0). */
  opt?: 0 | 1 | 2;
  /** Native stack bytes the program may use before it traps stk_ovf (default: on Node's main thread the process's stack limit less 1.5 MiB, else 1 MiB). */
  stackSize?: number;
  /** Ignore /usr/include and use jitkit's built-in libc headers. */
  hideSystemHeaders?: boolean;
  /** Receives warnings (formatted as gcc does); default: ignored. */
  onWarnings?: (text: string) => void;
}

/** Preprocesses and lowers a C program to IR without compiling it (for `jitkit cc --emit-ir` and tests). */
export function compileToIR(input: CInput, options: CcOptions = {}): CompiledC {
  if (input === null || typeof input !== 'object') throw new TypeError('cc: input must be { source } or { files }');
  const ppOptions: PreprocessOptions = {
    defines: options.defines ?? [],
    includePaths: options.includePaths ?? [],
    hideSystemHeaders: options.hideSystemHeaders ?? false,
  };
  const diags = new Diagnostics([]);
  const units: PreprocessedUnit[] = [];
  if ('source' in input) {
    if (typeof input.source !== 'string') throw new TypeError('cc: source must be a string');
    units.push(preprocess({ name: input.name ?? '<source>', text: input.source }, ppOptions, diags));
  } else {
    if (!Array.isArray(input.files) || input.files.length === 0) throw new TypeError('cc: files must be a non-empty array of paths');
    for (const f of input.files) {
      if (typeof f !== 'string') throw new TypeError('cc: files must be paths');
      if (!fs.existsSync(f)) throw new CompileError([], `jitkit: error: ${f}: No such file or directory`);
      units.push(preprocess(f, ppOptions, diags));
    }
  }
  if (diags.hasErrors) throw new CompileError(diags.list, diags.formatAll());
  const r = lowerToIR(units, diags.files, diags);
  if (r.warnings !== '' && options.onWarnings !== undefined) options.onWarnings(r.warnings);
  return r;
}

/** Compiles a C program to machine code; see the module comment. */
export function cc(input: CInput, options: CcOptions = {}): CProgram {
  const ir = compileToIR(input, options);
  return new CProgram(ir, { opt: options.opt ?? 0, stackSize: options.stackSize });
}

// The preprocessor, lexer and literal decoding (docs/c-preprocessor.md).
export { Diagnostics } from './diagnostics.js';
export type { Diagnostic, Severity } from './diagnostics.js';
export { preprocess, preprocessWithMacros } from './preprocessor.js';
export type { PreprocessOptions, PreprocessInput } from './preprocessor.js';
export { formatPreprocessed } from './pp-output.js';
export type { FormatOptions } from './pp-output.js';
export { tokenize } from './lexer.js';
export { decodeNumber, decodeInteger, decodeFloating, decodeChar, decodeStrings, integerTypeInfo } from './literals.js';
export type { IntegerConstant, FloatingConstant, CharConstant, StringLiteral, LiteralReport } from './literals.js';
export { Token } from './token.js';
export type { SourceFile, SourceLocation, PreprocessedUnit } from './token.js';
