/**
 * `cc()` (jitkit/c) and `jitkit run file.c`: whole programs with the real
 * preprocessor and the system's headers, checked against the output of the
 * same program built by gcc -O0 (the oracle).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cc, CompileError, CExit } from '../../src/frontends/c/index.js';

const PROGRAM = `#include <stdio.h>
#include <stdlib.h>
#include <string.h>
struct node { int value; struct node *next; };
static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }
int main(int argc, char **argv) {
  struct node *list = NULL;
  for (int i = 0; i < 5; i++) { struct node *n = malloc(sizeof *n); n->value = i * i; n->next = list; list = n; }
  long sum = 0;
  while (list) { struct node *n = list; sum += n->value; list = n->next; free(n); }
  qsort(argv + 1, argc - 1, sizeof(char *), cmp);
  for (int i = 1; i < argc; i++) printf("%s%c", argv[i], i + 1 < argc ? ' ' : '\\n');
  printf("sum=%ld %.3f %5.2e %x %c\\n", sum, 3.14159, 12345.678, 255u, 'z');
  if (argc > 3) exit(argc);
  return (int)(sum % 7);
}
`;

test('cc(): functions with C signatures, main(argv) and exit()', () => {
  const p = cc({ source: 'unsigned char low(unsigned x) { return x; }\nint add(int a, int b) { return a + b; }\nlong neg(long x) { return -x; }\nint main(void) { return 42; }' });
  try {
    assert.equal(p.functions.add!(2, 40), 42);
    assert.equal(p.functions.low!(0x1ff), 0xff);
    assert.equal(p.functions.neg!(5n), -5n);
    assert.equal(p.main(), 42);
    assert.equal(typeof p.symbol('add'), 'bigint');
  } finally {
    p.free();
  }
  const q = cc({ source: '#include <stdlib.h>\nint f(int x) { if (x) exit(x); return 0; }' });
  try {
    assert.equal(q.functions.f!(0), 0);
    assert.throws(() => q.functions.f!(3), (e: unknown) => e instanceof CExit && e.status === 3);
  } finally {
    q.free();
  }
  assert.throws(() => cc({ source: 'int main(void) { return x; }', name: 'bad.c' }), (e: unknown) => e instanceof CompileError && /bad\.c:1:25: error: 'x' undeclared/.test(e.message));
});

test('jitkit run file.c agrees with gcc -O0 (stdout and exit status) at -O0 and -O2', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jitkit-cc-'));
  try {
    const src = path.join(dir, 'prog.c');
    fs.writeFileSync(src, PROGRAM);
    const exe = path.join(dir, 'prog');
    execFileSync('gcc', ['-O0', '-w', '-o', exe, src]);
    const cli = path.resolve('dist/src/cli/jitkit.js');
    for (const args of [['pear', 'apple'], ['c', 'b', 'a']]) {
      const want = spawnSync(exe, args, { encoding: 'utf8' });
      for (const opt of ['-O0', '-O2']) {
        const got = spawnSync(process.execPath, [cli, 'run', src, opt, '--', ...args], { encoding: 'utf8' });
        assert.equal(got.stdout, want.stdout, `${opt} ${args.join(' ')}: stdout (stderr: ${got.stderr})`);
        assert.equal(got.status, want.status, `${opt} ${args.join(' ')}: exit status`);
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('programs of several files: declarations with structs and va_list agree across units; glibc 64-bit file APIs and attribute statements (as SQLite uses them)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jitkit-cc-'));
  try {
    fs.writeFileSync(path.join(dir, 'db.h'), `#include <stdarg.h>
struct db;
struct db *db_open(const char *name);
int db_printf(struct db *d, const char *fmt, va_list ap);
int db_log(struct db *d, const char *fmt, ...);
`);
    fs.writeFileSync(path.join(dir, 'db.c'), `#define _FILE_OFFSET_BITS 64
#define _LARGEFILE64_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include "db.h"
struct db { char name[16]; int lines; };
struct db *db_open(const char *name) {
  struct db *d = calloc(1, sizeof *d);
  snprintf(d->name, sizeof d->name, "%s", name);
  struct stat st;
  struct stat64 st64;
  d->lines = (stat("/", &st) == 0) + (stat64("/", &st64) == 0);
  return d;
}
int db_printf(struct db *d, const char *fmt, va_list ap) {
  switch (d->lines) {
    case 2: d->lines++;
      __attribute__((fallthrough));
    default: break;
  }
  printf("%s: ", d->name);
  return vprintf(fmt, ap);
}
`);
    fs.writeFileSync(path.join(dir, 'main.c'), `#include <stdio.h>
#include "db.h"
int db_log(struct db *d, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = db_printf(d, fmt, ap);
  va_end(ap);
  return n;
}
int main(void) {
  struct db *d = db_open("main");
  int n = db_log(d, "%d-%s\\n", 42, "x");
  printf("%d\\n", n);
  return 0;
}
`);
    const files = [path.join(dir, 'main.c'), path.join(dir, 'db.c')];
    const exe = path.join(dir, 'prog');
    execFileSync('gcc', ['-O0', '-w', '-o', exe, ...files]);
    const want = spawnSync(exe, [], { encoding: 'utf8' });
    const got = spawnSync(process.execPath, [path.resolve('dist/src/cli/jitkit.js'), 'run', ...files], { encoding: 'utf8' });
    assert.equal(got.stderr, '');
    assert.equal(got.stdout, want.stdout);
    assert.equal(got.status, want.status);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('source locations: the IR carries C file:line:column, and disassemble() shows the C lines', async () => {
  const p = cc({ source: 'int sum(int n) {\n  int s = 0;\n  for (int i = 0; i < n; i++)\n    s += i * i;\n  return s;\n}\n', name: 'sum.c' }, { opt: 2 });
  try {
    assert.equal(p.functions.sum!(10), 285);
    const text = await p.compiled.disassemble('sum');
    assert.match(text, /; sum\.c:2: int s = 0;/);
    assert.match(text, /; sum\.c:4: s \+= i \* i;/);
  } finally {
    p.free();
  }
});
