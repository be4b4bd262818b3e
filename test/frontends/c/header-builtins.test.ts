/**
 * What glibc's headers (and our built-in ones) ask of the front end under our
 * predefined macros: every `__builtin_*` name that reaches the parser from the
 * declarations of the common headers or from the macros they define. The list in builtins.ts
 * (HEADER_BUILTINS, documented in docs/c-preprocessor.md) must be exactly this
 * set, so it stays the truthful to-do list for the parser side.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { Diagnostics } from '../../../src/frontends/c/diagnostics.js';
import { HEADER_BUILTINS } from '../../../src/frontends/c/builtins.js';
import { preprocessWithMacros } from '../../../src/frontends/c/preprocessor.js';
import { systemHeadersPresent } from '../../../src/frontends/c/include-search.js';
import { TokenKind } from '../../../src/frontends/c/token.js';

const ISO = ['stdio', 'stdlib', 'string', 'math', 'ctype', 'errno', 'assert', 'time', 'setjmp', 'signal', 'inttypes', 'stdint', 'limits', 'stddef', 'stdarg', 'float', 'stdbool', 'stdalign', 'stdnoreturn', 'iso646'];
const POSIX = ['unistd', 'sys/types', 'sys/stat', 'sys/time', 'fcntl', 'strings', 'wchar', 'locale', 'dirent', 'getopt'];

/**
 * `__builtin_*` names that reach the parser: in the headers' declarations, and in
 * the expansion of every macro the headers define (each one invoked once with
 * placeholder arguments), not counting names that are macros themselves.
 */
function builtinsUsed(headers: readonly string[], hideSystemHeaders: boolean): Set<string> {
  const includes = headers.map((h) => `#include <${h}.h>\n`).join('');
  const base = preprocessWithMacros({ name: 'empty.c', text: '' }, { hideSystemHeaders }, new Diagnostics([])).macros;
  const first = preprocessWithMacros({ name: 'h.c', text: includes }, { hideSystemHeaders }, new Diagnostics([]));
  const uses: string[] = [];
  for (const [name, def] of first.macros) {
    // (Macros for #if only, such as glibc's __glibc_has_builtin, are not invoked.)
    if (base.get(name) === def || def.includes('__has_')) continue;
    const params = /^#define [A-Za-z0-9_]+\(([^)]*)\)/.exec(def);
    const count = params === null ? -1 : params[1]!.trim() === '' ? 0 : params[1]!.split(',').length;
    uses.push(count < 0 ? `${name} ;` : `${name}(${Array.from({ length: count }, (_, i) => `a${i}`).join(', ')}) ;`);
  }
  const d = new Diagnostics([]);
  const { unit, macros } = preprocessWithMacros({ name: 'h.c', text: includes + uses.join('\n') + '\n' }, { hideSystemHeaders }, d);
  assert.equal(d.formatAll(), '', `hideSystemHeaders: ${hideSystemHeaders}`);
  const used = new Set<string>();
  for (const t of unit.tokens) if (t.kind === TokenKind.Identifier && t.spelling.startsWith('__builtin_') && !macros.has(t.spelling)) used.add(t.spelling);
  return used;
}

test('HEADER_BUILTINS is exactly what the headers use', () => {
  const used = new Set<string>();
  for (const b of builtinsUsed(ISO, true)) used.add(b);
  if (systemHeadersPresent()) for (const b of builtinsUsed([...ISO, ...POSIX], false)) used.add(b);
  if (process.env['SHOW_HEADER_BUILTINS']) console.log(JSON.stringify([...used].sort()));
  assert.deepEqual([...used].sort(), [...HEADER_BUILTINS].sort());
});
