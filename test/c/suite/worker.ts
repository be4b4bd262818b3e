/**
 * A worker process of the C test-suite runner (run-suite.ts): compiles and
 * runs one program per message, in this process, with C's stdout captured in
 * a temporary file (`dup2` over fd 1 through jitkit's own `wrap`), and answers
 * `{ stdout, status, error }`. The runner kills and replaces a worker whose
 * program hangs or crashes.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cc, CompileError } from '../../../src/frontends/c/index.js';
import { flushCStdio } from '../../../src/frontends/c/program.js';
import { TrapError } from '../../../src/ir/interpreter.js';
import { symbol, wrap } from '../../../src/runtime/calling.js';

/** A request from the runner. */
export interface WorkRequest {
  id: number;
  files: string[];
  opt: 0 | 1 | 2;
  args: string[];
  includePaths: string[];
  cwd: string;
}

/** The answer. */
export interface WorkResult {
  id: number;
  stdout: string;
  status: number;
  error: string;
}

const dup = wrap(symbol('dup'), { args: ['i32'], result: 'i32' });
const dup2 = wrap(symbol('dup2'), { args: ['i32', 'i32'], result: 'i32' });
const close = wrap(symbol('close'), { args: ['i32'], result: 'i32' });
const outFile = path.join(os.tmpdir(), `jitkit-c-worker-${process.pid}.out`);

/** The reason of a failed build: the first errors (not the warnings before them), or an internal error's stack. */
function compileFailure(e: unknown): string {
  if (!(e instanceof CompileError)) return `compile: internal error: ${((e as Error).stack ?? String(e)).split('\n').slice(0, 6).join('\n')}`;
  const lines = e.message.split('\n');
  const first = lines.findIndex((l) => / error: /.test(l));
  return `compile: ${lines.slice(Math.max(first, 0), Math.max(first, 0) + 6).join('\n')}`;
}

function runOne(req: WorkRequest): WorkResult {
  let program;
  try {
    program = cc({ files: req.files }, { opt: req.opt, includePaths: req.includePaths });
  } catch (e) {
    return { id: req.id, stdout: '', status: -1, error: compileFailure(e) };
  }
  flushCStdio();
  const fd = fs.openSync(outFile, 'w');
  const saved = dup(1) as number;
  dup2(fd, 1);
  fs.closeSync(fd);
  let status = 0;
  let error = '';
  const cwd = process.cwd();
  try {
    process.chdir(req.cwd);
    status = program.main([req.files[0]!, ...req.args]) & 0xff;
  } catch (e) {
    if (e instanceof TrapError) { status = 128; error = `trap: ${e.message}`; } else if (e instanceof CompileError) { status = -1; error = compileFailure(e); } else { status = -1; error = `internal error: ${(e as Error).stack ?? String(e)}`; }
  } finally {
    process.chdir(cwd);
    flushCStdio();
    dup2(saved as number, 1);
    close(saved as number);
    program.free();
  }
  return { id: req.id, stdout: fs.readFileSync(outFile, 'latin1'), status, error };
}

process.on('message', (req: WorkRequest) => {
  process.send!(runOne(req));
});
process.on('disconnect', () => {
  try { fs.unlinkSync(outFile); } catch { /* already gone */ }
  process.exit(0);
});
