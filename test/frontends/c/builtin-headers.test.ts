/**
 * jitkit's built-in libc headers (include/libc, used when /usr/include is absent
 * or hidden) against the real thing: every integer, string and floating macro
 * they define has the value gcc + glibc give it (a program built by gcc prints
 * them), the struct layouts that matter agree (checked by the C front end with
 * _Static_assert), and a program using all eleven headers compiles both ways.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Diagnostics } from '../../../src/frontends/c/diagnostics.js';
import { decodeNumber, decodeStrings } from '../../../src/frontends/c/literals.js';
import { preprocess } from '../../../src/frontends/c/preprocessor.js';
import { lowerToIR } from '../../../src/frontends/c/frontend.js';
import { BUILTIN_LIBC_INCLUDE_DIR, FREESTANDING_INCLUDE_DIR, systemHeadersPresent } from '../../../src/frontends/c/include-search.js';
import { TokenKind } from '../../../src/frontends/c/token.js';

const HEADERS = ['stdio', 'stdlib', 'string', 'math', 'ctype', 'errno', 'assert', 'time', 'setjmp', 'signal', 'inttypes', 'stdint', 'limits', 'stddef', 'stdarg', 'float', 'stdbool'];
const includes = HEADERS.map((h) => `#include <${h}.h>\n`).join('');

/** Object-like macros defined by the built-in libc headers and the freestanding stdint.h / limits.h / float.h. */
function definedNames(): string[] {
  const names = new Set<string>();
  const files = [...fs.readdirSync(BUILTIN_LIBC_INCLUDE_DIR).map((f) => path.join(BUILTIN_LIBC_INCLUDE_DIR, f)), ...['stdint.h', 'limits.h', 'float.h'].map((f) => path.join(FREESTANDING_INCLUDE_DIR, f))];
  for (const f of files) {
    for (const m of fs.readFileSync(f, 'utf8').matchAll(/^#define ([A-Za-z_][A-Za-z0-9_]*) +\S/gm)) {
      const name = m[1]!;
      // Include guards and internal names, and macros whose value is not a constant (pointers, lvalues, calls).
      if (name.startsWith('_') || /^(SIG_(ERR|DFL|IGN)|stdin|stdout|stderr|errno|MB_CUR_MAX|NULL|assert|static_assert|HUGE_VAL[FL]?|INFINITY|NAN|P_tmpdir|math_errhandling)$/.test(name)) continue;
      names.add(name);
    }
  }
  return [...names].sort();
}

test('a program using every built-in header preprocesses without diagnostics, with and without the system headers', () => {
  for (const hideSystemHeaders of [true, false]) {
    const d = new Diagnostics([]);
    preprocess({ name: 'all.c', text: includes + 'int main(void) { return EXIT_SUCCESS; }\n' }, { hideSystemHeaders }, d);
    assert.equal(d.formatAll(), '', `hideSystemHeaders: ${hideSystemHeaders}`);
    if (hideSystemHeaders) assert.ok(d.files.some((f) => f.name.startsWith(BUILTIN_LIBC_INCLUDE_DIR)));
  }
});

test('built-in header macros have glibc\'s values (gcc + system headers print them)', { skip: !systemHeadersPresent() && 'no system headers' }, () => {
  const names = definedNames();
  assert.ok(names.length > 400, `only ${names.length} macros`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jitkit-hdr-'));
  const show = names.map((n) => `#ifdef ${n}\n  SHOW("${n}", ${n});\n#else\n  printf("${n} undefined\\n");\n#endif\n`).join('');
  fs.writeFileSync(path.join(dir, 'v.c'), `${includes}
static void ps(const char *n, const char *v) { printf("%s s %s\\n", n, v); }
static void pd(const char *n, long double v) { printf("%s d %.21Lg\\n", n, v); }
static void pu(const char *n, unsigned long long v) { printf("%s u %llu\\n", n, v); }
static void pi(const char *n, long long v) { printf("%s i %lld\\n", n, v); }
#define SHOW(n, x) _Generic((x), char *: ps, const char *: ps, float: pd, double: pd, long double: pd, unsigned int: pu, unsigned long: pu, unsigned long long: pu, default: pi)(n, x)
int main(void) {
${show}  return 0;
}
`);
  execFileSync('gcc', ['-w', '-o', path.join(dir, 'v'), path.join(dir, 'v.c')]);
  const lines = execFileSync(path.join(dir, 'v'), { encoding: 'utf8' }).trim().split('\n');
  fs.rmSync(dir, { recursive: true, force: true });
  assert.equal(lines.length, names.length);
  // Check each value with the built-in headers: first their expansions, one per `;`-ended line.
  const entries = lines.map((line) => {
    const [name, kind, ...rest] = line.split(' ');
    assert.notEqual(kind, 'undefined', `${name} is not defined by glibc`);
    return { name: name!, kind: kind!, value: rest.join(' ') };
  });
  const expand = (text: string): { groups: Array<Array<{ kind: TokenKind; spelling: string }>>; messages: string } => {
    const d = new Diagnostics([]);
    const unit = preprocess({ name: 'values.c', text: includes + text }, { hideSystemHeaders: true }, d);
    const groups: Array<Array<{ kind: TokenKind; spelling: string }>> = [[]];
    for (const t of unit.tokens) {
      if (t.kind === TokenKind.Eof) break;
      if (t.spelling === ';') groups.push([]);
      else groups[groups.length - 1]!.push(t);
    }
    return { groups: groups.slice(-(entries.length + 1), -1), messages: d.formatAll() };
  };
  const { groups, messages } = expand(entries.map((e) => `${e.name} ;`).join('\n') + '\n');
  assert.equal(messages, '');
  const checks: string[] = [];
  entries.forEach(({ name, kind, value }, i) => {
    const toks = groups[i]!;
    if (kind === 'i' || kind === 'u') {
      const numbers = toks.filter((t) => t.kind === TokenKind.Number);
      if (toks.some((t) => t.kind === TokenKind.Identifier)) {
        // A cast such as ((clock_t) 1000000): compare the one constant.
        assert.equal(numbers.length, 1, name);
        const n = decodeNumber(numbers[0]!.spelling, () => assert.fail(name));
        assert.equal(String(n.value), value, name);
      } else {
        const v = BigInt(value);
        checks.push(`#if (${name}) != (${kind === 'u' ? `${v}u` : v < 0n ? `${v + 1n}-1` : v})\n#error ${name} differs: glibc ${value}\n#endif`);
      }
    } else if (kind === 's') {
      const got = decodeStrings(toks.map((t) => t.spelling), () => assert.fail(name)).units.slice(0, -1);
      assert.equal(Buffer.from(got).toString('latin1'), value, name);
    } else {
      const numbers = toks.filter((t) => t.kind === TokenKind.Number);
      assert.equal(numbers.length, 1, `${name}: ${toks.map((t) => t.spelling).join(' ')}`);
      const n = decodeNumber(numbers[0]!.spelling, () => assert.fail(name));
      assert.ok(n.kind === 'floating', name);
      // gcc printed the value (as long double, 21 digits); compare at the constant's own precision.
      const want = Number(value);
      assert.equal(n.value, n.type === 'float' ? Math.fround(want) : want, name);
    }
  });
  assert.equal(expand(checks.join('\n') + '\n').messages, '');
});

test('struct layouts of the built-in headers are glibc\'s (sizes gcc reports)', () => {
  const asserts = `_Static_assert(sizeof(fpos_t) == 16, "fpos_t");
_Static_assert(sizeof(struct tm) == 56 && offsetof(struct tm, tm_zone) == 48, "struct tm");
_Static_assert(sizeof(jmp_buf) == 200, "jmp_buf");
_Static_assert(sizeof(div_t) == 8 && sizeof(ldiv_t) == 16 && sizeof(lldiv_t) == 16 && sizeof(imaxdiv_t) == 16, "div_t");
_Static_assert(sizeof(struct timespec) == 16, "timespec");
_Static_assert(sizeof(max_align_t) == 32 && _Alignof(max_align_t) == 16, "max_align_t");
_Static_assert(sizeof(va_list) == 24, "va_list");
int main(void) { return 0; }
`;
  for (const hideSystemHeaders of [true, false]) {
    const d = new Diagnostics([]);
    const unit = preprocess({ name: 'layout.c', text: includes + asserts }, { hideSystemHeaders }, d);
    assert.doesNotThrow(() => lowerToIR([unit], d.files, d), `hideSystemHeaders: ${hideSystemHeaders}`);
  }
  // The check can fail: a wrong size is reported.
  const d = new Diagnostics([]);
  const unit = preprocess({ name: 'layout.c', text: includes + '_Static_assert(sizeof(jmp_buf) == 199, "jmp_buf");' }, { hideSystemHeaders: true }, d);
  assert.throws(() => lowerToIR([unit], d.files, d), /jmp_buf/);
});
