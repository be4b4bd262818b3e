#!/usr/bin/env node
/**
 * The `jitkit` command.
 *
 *   jitkit run FILE.ir [FUNCTION [ARGS...]] [--interp] [--disasm] [-O0|-O1|-O2]
 *   jitkit cc -E FILE.c [-DNAME[=V]] [-Ipath] ...   (see cc-command.ts)
 *   jitkit run FILE.c [MORE.c ...] [-O0|-O1|-O2] [-DNAME[=V]] [-Ipath] [-- ARGS...]   (see run-c.ts)
 *   jitkit bind HEADER.h [--lib LIBRARY] [-o FILE.ts] ...   (see bind-command.ts)
 *
 * Parses and verifies the IR file, compiles it (or, with --interp, runs it on
 * the reference interpreter), calls FUNCTION (default: `main`, or the only
 * function) with ARGS parsed per parameter type, and prints the result.
 * `--disasm` prints the annotated machine code first. Arguments: integers
 * (decimal, 0x hex, negative; i64 may exceed 2^53), floats (1.5, -0.0, NaN,
 * Inf), and for ptr parameters an integer address, `null`, or a quoted string
 * (passed as a NUL-terminated byte buffer).
 */
import * as fs from 'node:fs';
import { Module } from '../ir/function.js';
import { Interpreter, TrapError } from '../ir/interpreter.js';
import { parse } from '../ir/parser.js';
import { Type, typeName } from '../ir/types.js';
import { verify } from '../ir/verifier.js';
import { compile } from '../codegen/compile.js';
import { bindCommand } from './bind-command.js';
import { ccCommand } from './cc-command.js';
import { isCRun, runC } from './run-c.js';

const USAGE = `usage: jitkit run FILE.ir [FUNCTION [ARGS...]] [--interp] [--disasm] [-O0|-O1|-O2]

  --interp   run on the reference interpreter instead of compiling
  --disasm   print the compiled machine code (annotated with the IR)
  -O0 -O1 -O2  optimisation level for compiling (default -O0)

example: jitkit run examples/fib.ir fib 30

also: jitkit run FILE.c ... (C programs), jitkit cc -E FILE.c (the C preprocessor),
      jitkit bind HEADER.h --lib LIBRARY > bindings.ts (typed FFI bindings; jitkit bind --help)`;

function parseArg(text: string, t: Type): unknown {
  if (t === Type.F32 || t === Type.F64) {
    const neg = text.startsWith('-');
    const body = neg || text.startsWith('+') ? text.slice(1) : text;
    const x = body === 'NaN' ? NaN : body === 'Inf' || body === 'inf' ? Infinity : Number(body);
    if (body === '' || (Number.isNaN(x) && body !== 'NaN')) throw new Error(`'${text}' is not a ${typeName(t)}`);
    return neg ? -x : x;
  }
  if (t === Type.Ptr) {
    if (text === 'null') return null;
    if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) return Buffer.from(text.slice(1, -1) + '\0', 'utf8');
    if (!/^-?(\d+|0x[0-9a-f]+)$/i.test(text)) return Buffer.from(text + '\0', 'utf8');
  }
  if (!/^-?(\d+|0x[0-9a-f]+)$/i.test(text)) throw new Error(`'${text}' is not an integer (${typeName(t)})`);
  const v = text.startsWith('-') ? -BigInt(text.slice(1)) : BigInt(text);
  const bits = t === Type.I8 ? 8 : t === Type.I16 ? 16 : t === Type.I32 ? 32 : 64;
  if (v < -(1n << BigInt(bits - 1)) || v >= 1n << BigInt(bits)) throw new Error(`${text} does not fit in ${typeName(t)}`);
  return bits === 64 ? BigInt.asIntN(64, v) : Number(BigInt.asIntN(bits, v));
}

function show(x: unknown): string {
  if (Array.isArray(x)) return x.map(show).join(', ');
  if (typeof x === 'number') return Object.is(x, -0) ? '-0' : String(x);
  return String(x);
}

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'cc') return ccCommand(argv.slice(1));
  if (argv[0] === 'bind') return bindCommand(argv.slice(1));
  if (argv[0] === 'run' && isCRun(argv.slice(1))) return runC(argv.slice(1));
  const levels = argv.filter((a) => /^-O\d$/.test(a));
  if (levels.some((l) => !/^-O[012]$/.test(l))) throw new Error(`unknown optimisation level ${levels.find((l) => !/^-O[012]$/.test(l))} (use -O0, -O1 or -O2)\n${USAGE}`);
  const opt = levels.length > 0 ? (Number(levels[levels.length - 1]!.slice(2)) as 0 | 1 | 2) : 0;
  const flags = new Set(argv.filter((a) => a.startsWith('--')));
  const rest = argv.filter((a) => !a.startsWith('--') && !/^-O\d$/.test(a));
  if (flags.has('--help') || rest.length === 0) { console.log(USAGE); return rest.length === 0 && !flags.has('--help') ? 1 : 0; }
  for (const f of flags) if (f !== '--interp' && f !== '--disasm' && f !== '--help') throw new Error(`unknown option ${f}\n${USAGE}`);
  const [cmd, file, fnName, ...args] = rest;
  if (cmd !== 'run' || file === undefined) throw new Error(USAGE);
  const module: Module = parse(fs.readFileSync(file, 'utf8'));
  verify(module);
  const fns = module.functions();
  const name = fnName ?? (module.lookup('main') !== undefined ? 'main' : fns.length === 1 ? fns[0]!.name : undefined);
  const interp = flags.has('--interp');
  if (name === undefined && !flags.has('--disasm')) throw new Error(`${file}: name the function to run (${fns.map((f) => f.name).join(', ')})`);
  const compiled = interp ? undefined : compile(module, { opt });
  try {
    if (flags.has('--disasm')) {
      const c = compiled ?? compile(module);
      process.stdout.write(await c.disassemble(fnName));
      if (c !== compiled) c.free();
    }
    if (name === undefined) return 0;
    const f = module.getFunction(name);
    if (args.length !== f.params.length) throw new Error(`%${name} takes ${f.params.length} argument${f.params.length === 1 ? '' : 's'} (${f.params.map(typeName).join(', ')}), got ${args.length}`);
    const values = args.map((a, i) => parseArg(a, f.params[i]!));
    const result = interp ? new Interpreter(module).call(name, values) : compiled!.get(name)(...values);
    if (result !== undefined) console.log(show(result));
    return 0;
  } finally {
    compiled?.free();
  }
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e: unknown) => {
  if (e instanceof TrapError) console.error(e.message);
  else console.error(`jitkit: ${(e as Error).message}`);
  process.exitCode = e instanceof TrapError ? 2 : 1;
});
