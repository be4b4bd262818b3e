/**
 * Runs every `test/filetests/**\/*.ir` file (see src/ir/filetest.ts for the format).
 * To also run `test run` files through a compiled backend, add its `Executor`
 * to `executors` below. `JITKIT_BLESS=1 npm test` rewrites the `; error:` lines
 * of `test verify` files to the verifier's current messages and the `; expect:`
 * sections of `test optimize` and `test compile` files to the optimiser's output
 * and the machine code (review the diff!). `test compile` files for a target other
 * than this machine's are skipped (shown as skipped).
 *
 * Differential check of the optimiser: every run line is also executed on the
 * module optimised at -O1 and at -O2 (verifier after each pass), which must give
 * the same results and traps.
 */
import { test } from 'node:test';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Executor, type ExternalData, compileSettings, interpreterExecutor, runFiletest } from '../src/ir/filetest.js';
import { baselineExecutor, compiledExecutor, compiledRunLines } from '../src/codegen/executor.js';
import { compiledCodeText } from '../src/codegen/filetest-compiler.js';
import { hostTarget } from '../src/codegen/host.js';
import { Module } from '../src/ir/function.js';
import { parse } from '../src/ir/parser.js';
import { printModule } from '../src/ir/printer.js';
import { optimize } from '../src/opt/index.js';

/** dist/test/filetests.test.js -> <package>/test/filetests */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'test', 'filetests');

/** The interpreter on a copy of the module optimised at `level` (verifying after each pass). */
function optimizedExecutor(level: 1 | 2): Executor {
  return {
    name: `interpreter -O${level}`,
    load(module: Module, data?: ExternalData) {
      const copy = parse(printModule(module));
      optimize(copy, { level, verify: true });
      return interpreterExecutor.load(copy, data);
    },
  };
}

/** Runs a `test optimize` pipeline: `O0`/`O1`/`O2`, or pass names. */
function optimizer(module: Module, pipeline: readonly string[]): void {
  const level = /^O([012])$/.exec(pipeline[0] ?? '');
  if (level !== null) optimize(module, { level: Number(level[1]) as 0 | 1 | 2, verify: true });
  else optimize(module, { level: 2, passes: pipeline, verify: true });
}

/** Executors for `test run`: the interpreter, plain and on copies optimised at -O1 and -O2... */
const executors: Executor[] = [interpreterExecutor, optimizedExecutor(1), optimizedExecutor(2)];

/** Compiles a copy of the module optimised at `level`. */
function optimizedCompiledExecutor(level: 1 | 2): Executor {
  return {
    name: `compiled -O${level}`,
    load(module: Module, data?: ExternalData) {
      const copy = parse(printModule(module));
      optimize(copy, { level, verify: true });
      return compiledExecutor.load(copy, data);
    },
  };
}
/**
 * ...and the compiled backend, plain and after -O1/-O2, on every run line
 * except `traps heap_oob` (compiled code does not bounds-check).
 */
const compiledExecutors: Executor[] = [compiledExecutor, optimizedCompiledExecutor(1), optimizedCompiledExecutor(2), baselineExecutor];

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p));
    else if (e.name.endsWith('.ir')) out.push(p);
  }
  return out.sort();
}

/** `test compile`: machine code on the host target, decoded by its disassembler (loaded once, before the tests). */
const disassembler = await hostTarget().loadDisassembler();
const compiler = (module: Module, target: string, level: 0 | 1 | 2): string => compiledCodeText(module, target, level, disassembler);

const files = walk(root);
test('filetests exist', () => {
  if (files.length === 0) throw new Error(`no .ir files under ${root}`);
});
for (const file of files) {
  const rel = path.relative(root, file);
  test(`filetest ${rel}`, (t) => {
    const text = fs.readFileSync(file, 'utf8');
    const settings = compileSettings(text);
    if (settings !== undefined && settings.target !== hostTarget().name) {
      t.skip(`test compile ${settings.target}: this machine compiles for ${hostTarget().name}`);
      return;
    }
    const blessed = runFiletest(text, { executors, optimizer, compiler, file: rel, bless: process.env.JITKIT_BLESS === '1' });
    if (blessed !== undefined) fs.writeFileSync(file, blessed);
    if (/^test run\b/m.test(text)) runFiletest(compiledRunLines(blessed ?? text), { executors: compiledExecutors, optimizer, compiler, file: rel });
  });
}
