/**
 * Oracle: every C file of the test corpus (../shared/testdata/c) preprocesses
 * to the same tokens as `gcc -E` gives under the same conditions: gcc with
 * `-undef -nostdinc` and our predefined macros (`-include`), the same include
 * path (jitkit's freestanding headers, then the system's), `-std=gnu11` and one
 * SOURCE_DATE_EPOCH. Our output is printed with `formatPreprocessed` (so the
 * printer's paste avoidance is checked too) and both texts are lexed by our
 * lexer. Files gcc rejects must get errors from us as well.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Diagnostics } from '../../../src/frontends/c/diagnostics.js';
import { tokenize } from '../../../src/frontends/c/lexer.js';
import { preprocess } from '../../../src/frontends/c/preprocessor.js';
import { formatPreprocessed } from '../../../src/frontends/c/pp-output.js';
import { predefinedMacrosText } from '../../../src/frontends/c/predefined.js';
import { FREESTANDING_INCLUDE_DIR, SYSTEM_INCLUDE_DIRS, systemHeadersPresent } from '../../../src/frontends/c/include-search.js';
import { TokenKind } from '../../../src/frontends/c/token.js';
import { C_TESTDATA } from '../../helpers/c-testdata.js';

const corpus = C_TESTDATA ?? '';
const EPOCH = 1700000000;

/** Files whose tokens legitimately differ from gcc's, and why. */
const EXPECTED_DIFFERENCES: Record<string, string> = {};

function haveGcc(): boolean {
  try {
    execFileSync('gcc', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Runs gcc -E on `rel` (relative to the corpus); resolves to its output, or null when gcc rejects the file. */
function gccPreprocess(rel: string, predef: string): Promise<string | null> {
  const args = ['-E', '-P', '-w', '-std=gnu11', '-undef', '-nostdinc', '-include', predef, '-isystem', FREESTANDING_INCLUDE_DIR];
  for (const d of SYSTEM_INCLUDE_DIRS) args.push('-isystem', d);
  args.push(rel);
  return new Promise((resolve, reject) => {
    const child = spawn('gcc', args, { cwd: corpus, env: { ...process.env, SOURCE_DATE_EPOCH: String(EPOCH) }, stdio: ['ignore', 'pipe', 'ignore'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.on('error', reject);
    child.on('close', (code) => resolve(code === 0 ? Buffer.concat(chunks).toString('utf8') : null));
  });
}

const spellings = (text: string): string[] => tokenize({ name: 'x', text }, new Diagnostics([])).filter((t) => t.kind !== TokenKind.Eof).map((t) => t.spelling);

test('the corpus preprocesses to gcc -E\'s tokens', { skip: (!haveGcc() || !systemHeadersPresent() || C_TESTDATA === undefined) && 'needs gcc, /usr/include and the corpus' }, async () => {
  const files = execFileSync('find', ['.', '-name', '*.c'], { cwd: corpus, encoding: 'utf8' }).trim().split('\n').map((f) => f.slice(2)).sort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jitkit-oracle-'));
  const predef = path.join(dir, 'predef.h');
  // gcc keeps its own __STDC__ family even with -undef (same values with -std=gnu11).
  fs.writeFileSync(predef, predefinedMacrosText().split('\n').filter((l) => !/^#define __STDC(_VERSION|_HOSTED|_UTF_16|_UTF_32)?__ /.test(l)).join('\n'));
  const date = new Date(EPOCH * 1000);
  const cwd = process.cwd();
  const results: string[] = [];
  let matched = 0;
  let rejectedByBoth = 0;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const rel = files[next++]!;
      const gcc = await gccPreprocess(rel, predef);
      process.chdir(corpus);
      const d = new Diagnostics([]);
      let mine: string;
      try {
        mine = formatPreprocessed(preprocess(rel, { date }, d), { lineMarkers: false });
      } finally {
        process.chdir(cwd);
      }
      if (gcc === null) {
        if (d.hasErrors) rejectedByBoth++;
        else results.push(`${rel}: gcc rejects it, we report no error`);
        continue;
      }
      // gcc -E only warns about unterminated ' and " (compiling would fail); we report them as errors.
      const errors = d.list.filter((x) => x.severity === 'error' && !x.message.startsWith('missing terminating'));
      if (errors.length > 0) {
        results.push(`${rel}: gcc accepts it, we report ${d.format(errors[0]!)}`);
        continue;
      }
      const a = spellings(gcc);
      const b = spellings(mine);
      let i = 0;
      while (i < a.length && i < b.length && a[i] === b[i]) i++;
      if (i === a.length && i === b.length) matched++;
      else if (!(rel in EXPECTED_DIFFERENCES)) results.push(`${rel}: token ${i}: gcc ${a.slice(i, i + 6).join(' ')} | ours ${b.slice(i, i + 6).join(' ')}`);
    }
  };
  await Promise.all([worker(), worker()]);
  fs.rmSync(dir, { recursive: true, force: true });
  console.log(`gcc oracle: ${matched}/${files.length} files give gcc -E's tokens; ${rejectedByBoth} rejected by both; ${Object.keys(EXPECTED_DIFFERENCES).length} expected differences`);
  assert.deepEqual(results, []);
  assert.equal(matched + rejectedByBoth + Object.keys(EXPECTED_DIFFERENCES).length, files.length);
});
