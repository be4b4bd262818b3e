import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ParseError, parse, printModule, verifyModule } from '../../src/ir/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'test', 'filetests', 'run');

test('mutated texts parse or fail with a positioned ParseError, never a crash', () => {
  const texts = fs.readdirSync(root).filter((f) => f.endsWith('.ir')).map((f) => fs.readFileSync(path.join(root, f), 'utf8'));
  let seed = 7;
  const rand = (n: number): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed % n;
  };
  const junk = ['', ' ', 'v', 'v9', ',', '(', ')', '{', '}', ':', '=', '%', 'block', 'iadd', '.i32', '-', '+', '\n', '999999999', 'i64'];
  let parsed = 0, failed = 0;
  for (let k = 0; k < 600; k++) {
    const t = texts[rand(texts.length)]!;
    const at = rand(t.length);
    const cut = rand(4);
    const mutated = t.slice(0, at) + junk[rand(junk.length)] + t.slice(at + cut);
    let m;
    try {
      m = parse(mutated);
    } catch (e) {
      assert.ok(e instanceof ParseError, `${String(e)}\n---\n${mutated}`);
      assert.match(e.message, /^\d+:\d+: /);
      failed++;
      continue;
    }
    // The verifier must report problems as messages, never crash.
    verifyModule(m);
    printModule(m);
    parsed++;
  }
  assert.ok(parsed > 0 && failed > 0);
});

test('huge ids are rejected', () => {
  assert.throws(() => parse('function %f() {\nblock99999999:\n    return\n}\n'), { message: '2:1: block99999999: number too large (limit 1048575)' });
});
