/**
 * bench:cpp — the C preprocessor (lexer + directives + macro expansion, to the
 * parser's Token[]) against gcc's, on the same files in one run:
 *   jitkit   preprocess() in this process, best of 7 (wall and CPU time)
 *   gcc -E   `gcc -E -P -undef -nostdinc` with our predefined macros and include
 *            path (the oracle test's conditions), output to /dev/null, best of 5
 *            (includes gcc's process start, ~10 ms)
 * Inputs: c-benchmarks/oggenc.c from the C corpus (1.7 MB) and, when
 * JITKIT_SQLITE3_C names it, SQLite's amalgamation sqlite3.c (9.5 MB).
 *
 * Ends with: oggenc.c MB/s: <a>  vs gcc -E: <r>x  [sqlite3.c MB/s: <b>  vs gcc -E: <s>x]
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Diagnostics } from '../src/frontends/c/diagnostics.js';
import { preprocess } from '../src/frontends/c/preprocessor.js';
import { predefinedMacrosText } from '../src/frontends/c/predefined.js';
import { FREESTANDING_INCLUDE_DIR, SYSTEM_INCLUDE_DIRS } from '../src/frontends/c/include-search.js';
import { fmt, table } from './timing.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const corpus = [process.env['JITKIT_C_TESTDATA'], path.join(root, '..', 'shared', 'testdata', 'c'), path.join(root, '..', '..', 'shared', 'testdata', 'c')]
  .find((d): d is string => d !== undefined && fs.existsSync(path.join(d, 'c-benchmarks', 'oggenc.c')));
const inputs: string[] = [];
if (corpus !== undefined) inputs.push(path.join(corpus, 'c-benchmarks', 'oggenc.c'));
if (process.env['JITKIT_SQLITE3_C']) inputs.push(process.env['JITKIT_SQLITE3_C']);
if (inputs.length === 0) throw new Error('bench:cpp: no input (the C corpus ../shared/testdata/c, or JITKIT_SQLITE3_C)');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jitkit-bench-cpp-'));
const predef = path.join(dir, 'predef.h');
fs.writeFileSync(predef, predefinedMacrosText().split('\n').filter((l) => !/^#define __STDC(_VERSION|_HOSTED|_UTF_16|_UTF_32)?__ /.test(l)).join('\n'));
const gccArgs = ['-E', '-P', '-w', '-std=gnu11', '-undef', '-nostdinc', '-include', predef, '-isystem', FREESTANDING_INCLUDE_DIR, ...SYSTEM_INCLUDE_DIRS.flatMap((d) => ['-isystem', d]), '-o', '/dev/null'];

const rows: string[][] = [];
const summary: string[] = [];
for (const file of inputs) {
  const mb = fs.statSync(file).size / 1e6;
  let bestWall = Infinity, bestCpu = Infinity, tokens = 0, inputMb = 0;
  for (let r = 0; r < 7; r++) {
    const d = new Diagnostics([]);
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const unit = preprocess(file, {}, d);
    const wall = performance.now() - t0;
    const cpu = process.cpuUsage(c0);
    if (d.hasErrors) throw new Error(`${file}: ${d.formatAll().slice(0, 500)}`);
    bestWall = Math.min(bestWall, wall);
    bestCpu = Math.min(bestCpu, (cpu.user + cpu.system) / 1000);
    tokens = unit.tokens.length;
    inputMb = d.files.reduce((s, f) => s + f.text.length, 0) / 1e6;
  }
  let gccBest = Infinity;
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    const g = spawnSync('gcc', [...gccArgs, file], { stdio: 'ignore' });
    const ms = performance.now() - t0;
    if (g.status !== 0) throw new Error(`gcc -E failed on ${file}`);
    gccBest = Math.min(gccBest, ms);
  }
  const name = path.basename(file);
  rows.push([name, fmt(mb, 2), fmt(inputMb, 2), String(tokens), fmt(bestWall, 0), fmt(bestCpu, 0), fmt(mb / (bestWall / 1000), 1), fmt(gccBest, 0), fmt(bestWall / gccBest, 2)]);
  summary.push(`${name} MB/s: ${fmt(mb / (bestWall / 1000), 1)}  vs gcc -E: ${fmt(bestWall / gccBest, 2)}x`);
}
fs.rmSync(dir, { recursive: true, force: true });
table(['file', 'MB', 'read MB', 'tokens', 'jitkit ms', 'cpu ms', 'MB/s', 'gcc -E ms', 'jitkit/gcc'], rows);
console.log(summary.join('  '));
