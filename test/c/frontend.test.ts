/**
 * C front end (parser, types, IR generation, mem2reg) on programs without
 * preprocessing: each program is compiled at -O0 and -O2 and its functions are
 * called from JS; expected values are C's (worked out by hand, or gcc's output
 * where a comment says so).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { lowerToIR } from '../../src/frontends/c/frontend.js';
import { CompileError, Diagnostics } from '../../src/frontends/c/diagnostics.js';
import { compile, type CompiledModule } from '../../src/codegen/compile.js';
import { symbol } from '../../src/runtime/calling.js';
import { printModule } from '../../src/ir/printer.js';
import { lexForTest } from './test-lexer.js';

function build(source: string, opt: 0 | 2): CompiledModule {
  const unit = lexForTest(source);
  const r = lowerToIR([unit], unit.files);
  return compile(r.module, { opt, resolve: (n) => (r.aliases.has(n) ? symbol(r.aliases.get(n)!) : undefined) });
}

/** Compiles at -O0 and -O2 and checks `fn(...args) === expected` on both. */
function check(source: string, calls: [string, unknown[], unknown][]): void {
  for (const opt of [0, 2] as const) {
    const m = build(source, opt);
    try {
      for (const [fn, args, want] of calls) assert.deepEqual(m.get(fn)(...args), want, `${fn}(${args.join(', ')}) at -O${opt}`);
    } finally {
      m.free();
    }
  }
}

function errors(source: string): string {
  const unit = lexForTest(source);
  try {
    lowerToIR([unit], unit.files);
  } catch (e) {
    assert.ok(e instanceof CompileError, String(e));
    return e.message;
  }
  assert.fail('expected a compile error');
}

test('arithmetic, promotions and the usual conversions', () => {
  check(`
    int add(int a, int b) { return a + b; }
    unsigned cmp(int a, unsigned b) { return a < b; }
    int shr(int a) { return a >> 1; }
    unsigned ushr(unsigned a) { return a >> 1; }
    int chars(void) { signed char c = -1; unsigned char u = 255; return c + u; }
    long mixed(int a, long b) { return a * b; }
    double fdiv(int a, int b) { return (double)a / b; }
    int trunc(double d) { return (int)d; }
    unsigned long long ull(void) { return 0xffffffffffffffffULL / 3; }
    int sdivs(int a, int b) { return a / b * 100 + a % b; }
  `, [
    ['add', [2, 40], 42], ['cmp', [-1, 1], 0], ['shr', [-7], -4], ['ushr', [-8], 0x7ffffffc], ['chars', [], 254],
    ['mixed', [-3, 5n], -15n], ['fdiv', [7, 2], 3.5], ['trunc', [-2.9], -2], ['ull', [], 6148914691236517205n], ['sdivs', [-7, 2], -301],
  ]);
});

test('loops, switch (table and sparse), goto, short-circuit and the conditional operator', () => {
  check(`
    int sum(int n) { int s = 0; for (int i = 1; i <= n; i++) s += i; return s; }
    int collatz(long n) { int steps = 0; while (n != 1) { n = n % 2 ? 3 * n + 1 : n / 2; steps++; } return steps; }
    int dense(int x) { switch (x) { case 0: return 10; case 1: case 2: return 20; case 3: x += 5; case 4: return x; default: return -1; } }
    int sparse(int x) { switch (x) { case -1000: return 1; case 7: return 2; case 1 ... 3: return 3; case 100000: return 4; } return 0; }
    int gotos(int n) { int i = 0; again: if (i < n) { i += 2; goto again; } return i; }
    int logic(int a, int b) { return (a && b) * 100 + (a || b) * 10 + !a; }
    int dowhile(int n) { int c = 0; do { c++; n /= 2; } while (n); return c; }
    int brk(void) { int i; for (i = 0; ; i++) { if (i == 3) continue; if (i > 5) break; } return i; }
  `, [
    ['sum', [100], 5050], ['collatz', [27n], 111], ['dense', [0], 10], ['dense', [2], 20], ['dense', [3], 8], ['dense', [4], 4],
    ['dense', [9], -1], ['dense', [-1], -1], ['sparse', [-1000], 1], ['sparse', [7], 2], ['sparse', [2], 3], ['sparse', [100000], 4], ['sparse', [5], 0],
    ['gotos', [5], 6], ['logic', [0, 3], 11], ['logic', [2, 3], 110], ['dowhile', [8], 4], ['brk', [], 6],
  ]);
});

test('pointers, arrays, structs, unions, bit-fields and initializers', () => {
  check(`
    struct point { int x, y; };
    struct bits { unsigned a : 3; int b : 5; unsigned c : 24; };
    union u { int i; unsigned char bytes[4]; };
    static int table[5] = { [2] = 7, 1, [4] = 9 };
    int arr(void) { int a[10]; for (int i = 0; i < 10; i++) a[i] = i * i; int *p = a + 3; return p[2] + *(a + 9) + (int)(&a[9] - p); }
    int st(void) { struct point p = { .y = 2, .x = 1 }; struct point q = p; q.x += 10; return p.x * 100 + q.x + q.y; }
    int bf(int v) { struct bits s = { 0 }; s.a = 9; s.b = v; s.c = 0xabcdef; return s.a * 1000 + s.b * 10 + (s.c == 0xabcdef); }
    int un(void) { union u x; x.i = 0x01020304; return x.bytes[0] + x.bytes[3] * 10; }
    int tab(int i) { return table[i]; }
    int str(void) { char s[] = "hello"; char *t = "world"; return sizeof s * 100 + s[1] + t[4]; }
    int nested(void) { struct { struct point p[2]; int n; } v = { { {1, 2}, {3, 4} }, 5 }; return v.p[1].y * 10 + v.n; }
    int sz(void) { return sizeof(struct bits) * 100 + _Alignof(double) * 10 + sizeof(union u); }
  `, [
    ['arr', [], 25 + 81 + 6], ['st', [], 100 + 11 + 2], ['bf', [-3], 1000 - 30 + 1], ['bf', [15], 1000 + 150 + 1], ['un', [], 4 + 10],
    ['tab', [2], 7], ['tab', [3], 1], ['tab', [4], 9], ['tab', [0], 0], ['str', [], 600 + 101 + 100], ['nested', [], 45], ['sz', [], 400 + 80 + 4],
  ]);
});

test('structs by value follow System V (eightbytes in registers, memory class by pointer)', () => {
  check(`
    struct pair { long a, b; };
    struct mixed { double d; int i; };
    struct big { long v[5]; };
    struct pair mkpair(long a, long b) { struct pair p = { a, b }; return p; }
    long sumpair(struct pair p) { return p.a - p.b; }
    struct mixed mkmixed(double d, int i) { struct mixed m; m.d = d; m.i = i; return m; }
    double usemixed(void) { struct mixed m = mkmixed(1.5, 4); return m.d * m.i; }
    struct big mkbig(long x) { struct big b; for (int i = 0; i < 5; i++) b.v[i] = x + i; return b; }
    long usebig(struct big b) { b.v[0] = 100; return b.v[0] + b.v[4]; }
    long roundtrip(long x) { struct big b = mkbig(x); long r = usebig(b); return r + b.v[0] + sumpair(mkpair(x, 1)); }
  `, [['usemixed', [], 6], ['roundtrip', [10n], 100n + 14n + 10n + 9n]]);
});

test('calls into libc: qsort with a jitted comparator, div() returning a struct, strlen', () => {
  check(`
    typedef unsigned long size_t;
    typedef struct { int quot; int rem; } div_t;
    div_t div(int, int);
    void qsort(void *, size_t, size_t, int (*)(const void *, const void *));
    size_t strlen(const char *);
    static int cmp(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }
    int sorted(void) { int v[6] = { 5, 3, 9, 1, 7, 2 }; qsort(v, 6, sizeof v[0], cmp); return v[0] * 100000 + v[1] * 10000 + v[2] * 1000 + v[3] * 100 + v[4] * 10 + v[5]; }
    int divs(int a, int b) { div_t d = div(a, b); return d.quot * 100 + d.rem; }
    int len(void) { return strlen("jitkit"); }
  `, [['sorted', [], 123579 + 0 * 1], ['divs', [47, 5], 902], ['len', [], 6]]);
});

test('function pointers, recursion, statics and the comma operator', () => {
  check(`
    static int counter(void) { static int n; return ++n; }
    int twice(int (*f)(void)) { return f() * 10 + f(); }
    int fact(int n) { return n <= 1 ? 1 : n * fact(n - 1); }
    int apply(int i) { int (*ops[2])(int) = { fact, fact }; return ops[i](5); }
    int comma(void) { int a = 1, b; b = (a += 2, a * 3); return b; }
  `, [['twice', [null], undefined as unknown]].slice(1).concat([['apply', [1], 120], ['comma', [], 9]]) as [string, unknown[], unknown][]);
  check(`
    static int counter(void) { static int n; return ++n; }
    int twice(void) { int (*f)(void) = counter; return f() * 10 + f(); }
  `, [['twice', [], 12]]);
});

test('locals become SSA values unless their address is taken', () => {
  const unit = lexForTest('int f(int n) { int s = 0; for (int i = 0; i < n; i++) s += i; return s; }\nint g(void) { int x = 1; int *p = &x; *p = 5; return x; }');
  const r = lowerToIR([unit], unit.files);
  const text = printModule(r.module);
  const f = text.slice(text.indexOf('function %f'), text.indexOf('function %g'));
  const g = text.slice(text.indexOf('function %g'));
  assert.doesNotMatch(f, /load|store/);
  assert.match(g, /store/);
});

test('diagnostics: gcc-style errors with line, column and caret, several per run', () => {
  const msg = errors('int f(void) {\n  return y;\n}\nint g(void) { int a; a(); }\n');
  assert.match(msg, /test\.c:2:10: error: 'y' undeclared/);
  assert.match(msg, /test\.c:4:23: error: called object is not a function or function pointer/);
  assert.match(msg, /\n 2 \| {3}return y;\n {3}\| {10}\^/);
  assert.match(errors('_Atomic int x;'), /'_Atomic' is not supported/);
  assert.match(errors('int f(void) { __asm__("nop"); }'), /inline assembly is not supported/);
  assert.match(errors('long double x;'), /'long double' is not supported/);
  assert.match(errors('_Static_assert(sizeof(int) == 8, "int is 8 bytes");'), /static assertion failed: "int is 8 bytes"/);
  assert.match(errors('int f(void) { register int r = 1; return *&r; }'), /test\.c:1:43: error: address of register variable 'r' requested/);
});

test('diagnostics: thread-local storage where C forbids it (as gcc reports them)', () => {
  assert.match(errors('_Thread_local int x;\nint *p = &x;'), /test\.c:2:10: error: initializer element is not constant/);
  assert.match(errors('typedef _Thread_local int T;'), /'_Thread_local' used with 'typedef'/);
  assert.match(errors('void f(void) { _Thread_local int y; }'), /function-scope 'y' implicitly auto and declared '_Thread_local'/);
  assert.match(errors('__thread int g(void);'), /function 'g' declared '_Thread_local'/);
});

test('warnings: comparing unsigned with a signed value warns, with a non-negative constant or a widened unsigned short not (as gcc -Wsign-compare)', () => {
  const unit = lexForTest('int f(unsigned d, int s, unsigned short h) { return (d > 0) + (d < s) + (5 <= d) + (d == -1) + (d <= h) + (h > d); }');
  const diags = new Diagnostics(unit.files);
  lowerToIR([unit], unit.files, diags);
  const warnings = diags.list.filter((d) => d.severity === 'warning').map((d) => `${d.loc!.line}:${d.loc!.col}: ${d.message}`);
  assert.deepEqual(warnings, ['1:66: comparison of integer expressions of different signedness']);
});

test('diagnostics: variable-length arrays where C forbids them (as gcc reports them)', () => {
  assert.match(errors('int n = 3;\nint g[n];'), /test\.c:2:6: error: variably modified type at file scope/);
  assert.match(errors('void f(int k) { static int s[k]; }'), /storage size of 's' isn't constant/);
  assert.match(errors('void f(int k) { extern int e[k]; }'), /object with variably modified type must have no linkage/);
  assert.match(errors('void f(int k) { int v[k] = {0}; }'), /variable-sized object may not be initialized/);
  assert.match(errors('void f(int k) { struct { int m[k]; } q; }'), /a member of a structure or union cannot have a variably modified type/);
  assert.match(errors('void f(int k) { (void)(int[k]){0}; }'), /compound literal has variable size/);
  assert.match(errors('int f(int n) {\n  goto in;\n  { int a[n];\n  in: return a[0]; }\n}'), /test\.c:2:8: error: jump into scope of identifier with variably modified type/);
  assert.match(errors('int f(int n, int k) {\n  switch (k) {\n  case 0: ;\n    int a[n];\n  case 1: return a[0];\n  }\n  return 0;\n}'), /test\.c:5:3: error: switch jumps into scope of identifier with variably modified type/);
});
