/**
 * The preprocessor against C11's own examples (6.10.3.3-6.10.3.5, written from
 * the standard's semantics), hide-set cases, conditionals, includes, #line,
 * pragmas and the diagnostics gcc gives for bad directives.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { pp, tokens } from './pp-helpers.js';

test('C11 6.10.3.5 EXAMPLE 3: rescanning, hide sets, empty arguments, ##', () => {
  const r = pp(`#define x 3
#define f(a) f(x * (a))
#undef x
#define x 2
#define g f
#define z z[0]
#define h g(~
#define m(a) a(w)
#define w 0,1
#define t(a) a
#define p() int
#define q(x) x
#define r(x,y) x ## y
#define str(x) # x
f(y+1) + f(f(z)) % t(t(g)(0) + t)(1);
g(x+(3,4)-w) | h 5) & m
(f)^m(m);
p() i[q()] = { q(1), r(2,3), r(4,), r(,5), r(,) };
char c[2][6] = { str(hello), str() };
`);
  assert.deepEqual(r.messages, []);
  assert.equal(r.text, tokens(`f(2 * (y+1)) + f(2 * (f(2 * (z[0])))) % f(2 * (0)) + t(1);
f(2 * (2+(3,4)-0,1)) | f(2 * (~ 5)) & f(2 * (0,1))^m(0,1);
int i[] = { 1, 23, 4, 5, };
char c[2][6] = { "hello", "" };`));
});

test('C11 6.10.3.5 EXAMPLE 4: # and ## operands, stringizing string literals, macro-expanded #include', () => {
  const r = pp(`#define str(s) # s
#define xstr(s) str(s)
#define debug(s, t) printf("x" # s "= %d, x" # t "= %s", \\
 x ## s, x ## t)
#define INCFILE(n) vers ## n
#define glue(a, b) a ## b
#define xglue(a, b) glue(a, b)
#define HIGHLOW "hello"
#define LOW LOW ", world"
debug(1, 2);
fputs(str(strncmp("abc\\0d", "abc", '\\4') // this goes away
 == 0) str(: @\\n), s);
#include xstr(INCFILE(2).h)
glue(HIGH, LOW);
xglue(HIGH, LOW)
`, { virtualFiles: { 'vers2.h': 'included_vers2' } });
  assert.deepEqual(r.messages, []);
  assert.equal(r.text, tokens(`printf("x" "1" "= %d, x" "2" "= %s", x1, x2);
fputs("strncmp(\\"abc\\\\0d\\", \\"abc\\", '\\\\4') == 0" ": @\\n", s);
included_vers2
"hello";
"hello" ", world"`));
});

test('C11 6.10.3.5 EXAMPLE 5: placemarkers', () => {
  const r = pp(`#define t(x,y,z) x ## y ## z
int j[] = { t(1,2,3), t(,4,5), t(6,,7), t(8,9,),
t(10,,), t(,11,), t(,,12), t(,,) };`);
  assert.deepEqual(r.messages, []);
  assert.equal(r.text, tokens('int j[] = { 123, 45, 67, 89, 10, 11, 12, };'));
});

test('C11 6.10.3.5 EXAMPLE 6: valid redefinitions are silent, invalid ones warn', () => {
  const valid = pp(`#define OBJ_LIKE (1-1)
#define OBJ_LIKE /* white space */ (1-1) /* other */
#define FUNC_LIKE(a) ( a )
#define FUNC_LIKE( a )( /* note the white space */ \\
a /* other stuff on this line
*/ )
`);
  assert.deepEqual(valid.messages, []);
  for (const bad of ['#define OBJ_LIKE (0)', '#define OBJ_LIKE (1 - 1)', '#define FUNC_LIKE(b) ( a )', '#define FUNC_LIKE(b) ( b )']) {
    const r = pp(`#define OBJ_LIKE (1-1)\n#define FUNC_LIKE(a) ( a )\n${bad}\n`);
    const name = bad.split(/[ (]/)[1];
    assert.deepEqual(r.messages, [`t.c:3:9: warning: "${name}" redefined`, `t.c:${name === 'OBJ_LIKE' ? 1 : 2}:9: note: this is the location of the previous definition`], bad);
  }
});

test('C11 6.10.3.5 EXAMPLE 7: variable arguments', () => {
  const r = pp(`#define debug(...) fprintf(stderr, __VA_ARGS__)
#define showlist(...) puts(#__VA_ARGS__)
#define report(test, ...) ((test)?puts(#test):\\
 printf(__VA_ARGS__))
debug("Flag");
debug("X = %d\\n", x);
showlist(The first, second, and third items.);
report(x>y, "x is %d but y is %d", x, y);`);
  assert.deepEqual(r.messages, []);
  assert.equal(r.text, tokens(`fprintf(stderr, "Flag" );
fprintf(stderr, "X = %d\\n", x );
puts( "The first, second, and third items." );
((x>y)?puts("x>y"): printf("x is %d but y is %d", x, y));`));
});

test('C11 6.10.3.3 EXAMPLE: ## formed by ## is not an operator', () => {
  const r = pp(`#define hash_hash # ## #
#define mkstr(a) # a
#define in_between(a) mkstr(a)
#define join(c, d) in_between(c hash_hash d)
char p[] = join(x, y);`);
  assert.equal(r.text, tokens('char p[] = "x ## y";'));
});

test('C11 6.10.3.4 EXAMPLE: f(2)(9) gives 2*9*g (as gcc)', () => {
  assert.equal(pp('#define f(a) a*g\n#define g(a) f(a)\nf(2)(9)').text, tokens('2*9*g'));
});

test('hide sets: self-reference, mutual recursion, painted tokens stay painted', () => {
  assert.equal(pp('#define foo foo\nfoo').text, 'foo');
  assert.equal(pp('#define a a b\na').text, 'a b');
  assert.equal(pp('#define AA BB\n#define BB AA\nAA BB').text, 'AA BB');
  assert.equal(pp('#define recur(x) recur(x) + 1\nrecur(recur(1))').text, tokens('recur(recur(1) + 1) + 1'));
  // The `f` produced by expanding f is painted: passing it through another macro does not revive it.
  assert.equal(pp('#define f(x) x f\n#define id(x) x\nid(f(1))(2)').text, tokens('1 f(2)'));
  // A function-like name whose ( comes after the expansion still expands (the ) is outside).
  assert.equal(pp('#define f(x) [x]\n#define g f\ng(1)').text, tokens('[1]'));
  // Prosser: HS = (HS(name) ∩ HS(")")) ∪ {m}.
  assert.equal(pp('#define lparen (\n#define f(x) <x>\n#define call f lparen 1)\ncall').text, tokens('f ( 1)'));
  assert.equal(pp('#define obj(x) x obj\nobj(obj)(2)').text, tokens('obj obj(2)'));
});

test('function-like macro names without ( are left alone, also across lines and at the end of a file', () => {
  assert.equal(pp('#define f(x) <x>\nf + f\n(1) f').text, tokens('f + <1> f'));
  assert.equal(pp('#define f(x) <x>\nf\n#define y 2\n(y)').text, tokens('f (2)'));
  assert.equal(pp('#include "a.h"\n(1)', { virtualFiles: { 'a.h': '#define f(x) <x>\nf' } }).text, tokens('f (1)'));
});

test('arguments: nested parentheses, commas, newlines and directives inside', () => {
  assert.equal(pp('#define f(a, b) [a|b]\nf((1, 2), (3))').text, tokens('[(1, 2)|(3)]'));
  assert.equal(pp('#define f(a) [a]\nf(\n1\n#ifdef X\n+2\n#else\n+3\n#endif\n)').text, tokens('[1 +3]'));
  assert.equal(pp('#define f(a) #a\nf(  a   +\n  b  )').text, '"a + b"');
});

test('gcc extensions: , ## __VA_ARGS__, named variadic parameters, __VA_OPT__', () => {
  assert.equal(pp('#define e(fmt, ...) f(fmt, ## __VA_ARGS__)\ne(a) e(a,) e(a, b, c)').text, tokens('f(a) f(a) f(a,b, c)'));
  assert.equal(pp('#define e(fmt, args...) f(fmt , ##args)\ne(x) e(x, 1, 2)').text, tokens('f(x) f(x ,1, 2)'));
  assert.equal(pp('#define F(a, ...) f(a __VA_OPT__(,) __VA_ARGS__)\nF(1) F(1, 2)').text, tokens('f(1) f(1 , 2)'));
  assert.equal(pp('#define G(x, ...) x ## __VA_OPT__(y)\nG(a) G(a, 1)').text, tokens('a ay'));
});

test('stringizing: spacing, quotes and backslashes, digraphs keep their spelling', () => {
  assert.equal(pp('#define s(x) #x\ns( "a\\n" ) s(\'"\') s(a  /* c */  b) s(<:) s()').text, tokens(`"\\"a\\\\n\\"" "'\\"'" "a b" "<:" ""`));
});

test('pasting: new tokens, digraphs, invalid pastes are errors', () => {
  assert.equal(pp('#define c(a,b) a##b\nc(x,1) c(+,=) c(<,:) c(.,.) c(1,e) c(L, "s")').text, tokens('x1 += [ . . 1e L"s"'));
  const r = pp('#define c(a,b) a##b\nc(+,-)');
  assert.deepEqual(r.messages, ['t.c:2:1: error: pasting "+" and "-" does not give a valid preprocessing token']);
  assert.equal(r.text, '+ -');
  assert.deepEqual(pp('#define c(a,b) a##b\nc(/,/) c(/,*)').messages.length, 2);
});

test('argument count errors and unterminated invocations', () => {
  assert.deepEqual(pp('#define f(a,b) a\nf(1)').messages, ['t.c:2:1: error: macro "f" requires 2 arguments, but only 1 given']);
  assert.deepEqual(pp('#define f(a) a\nf(1,2)').messages, ['t.c:2:1: error: macro "f" passed 2 arguments, but takes just 1']);
  assert.deepEqual(pp('#define f() a\nf(1)').messages, ['t.c:2:1: error: macro "f" passed 1 arguments, but takes just 0']);
  assert.equal(pp('#define f() a\n#define g(x) x\nf() g()').text, 'a');
  assert.deepEqual(pp('#define f(a) a\nf(1, (2)').messages, ['t.c:2:1: error: unterminated argument list invoking macro "f"']);
});

test('#define errors', () => {
  const cases: Array<[string, string]> = [
    ['#define', 't.c:1:2: error: no macro name given in #define directive'],
    ['#define 3', 't.c:1:9: error: macro names must be identifiers'],
    ['#define defined', 't.c:1:9: error: "defined" cannot be used as a macro name'],
    ['#define f(a,a) a', 't.c:1:13: error: duplicate macro parameter "a"'],
    ['#define f(a+) a', 't.c:1:12: error: expected \',\' or \')\', found "+"'],
    ['#define f(a', "t.c:1:9: error: missing ')' in macro parameter list"],
    ['#define f(1) a', 't.c:1:11: error: expected parameter name, found "1"'],
    ['#define f(a) #b', "t.c:1:14: error: '#' is not followed by a macro parameter"],
    ['#define f ## a', "t.c:1:11: error: '##' cannot appear at either end of a macro expansion"],
    ['#define f(a) a ##', "t.c:1:16: error: '##' cannot appear at either end of a macro expansion"],
  ];
  for (const [src, msg] of cases) assert.deepEqual(pp(src).messages, [msg], src);
  assert.deepEqual(pp('#define X"a"').messages, ['t.c:1:10: warning: ISO C99 requires whitespace after the macro name']);
  assert.deepEqual(pp('#define f(x) __VA_ARGS__').messages, ['t.c:1:14: warning: __VA_ARGS__ can only appear in the expansion of a C99 variadic macro']);
});

test('#if arithmetic: intmax_t/uintmax_t, conversions, short circuits, shifts, char constants', () => {
  const yes = (expr: string): boolean => {
    const r = pp(`#if ${expr}\nyes\n#else\nno\n#endif`);
    assert.deepEqual(r.messages.filter((m) => m.includes('error')), [], expr);
    return r.text === 'yes';
  };
  const truths = [
    '(-1 >> 64) == -1', '(1 << -1) == 0', '(4 >> -1) == 8', '(1 ? -1 : 0u) > 0', '0x7fffffffffffffff + 1 < 0',
    "'\\377' < 0", "u'\\xffff' > 0 && U'\\xffffffff' > 0 && L'\\xffffffff' < 0", '(-9223372036854775807 - 1) / -1 < 0',
    '1 ? 2 : (1/0)', '(2 || 1/0) && !(0 && 1/0)', '0xffffffffffffffff >> 63 == 1 && -0xffffffffffffffff == 1', '(1, 2) == 2',
    '~0u == 18446744073709551615u', 'undefined_name == 0', 'true == 0', "'ab' == 0x6162", '-7 / 2 == -3 && -7 % 2 == -1',
    '1 + 2 * 3 - 4 / 2 == 5 && (1 | 2 ^ 3 & 4) == 3', '1 < 2 == 1', '!0 == 1 && !5 == 0', '0b101 == 5 && 017 == 15',
    '10000000000 * 10000000000 != 0', '-1 / 2u > 0', '(0 ? 1u : -1) > 0', '(1u ? -1 : 0) < 0',
  ];
  for (const e of truths) assert.equal(yes(e), true, e);
  for (const e of ['-1 < 0u', '1 > 2', '0 && 1', "'\\0'", '(1 ? -1 : 0u) < 0']) assert.equal(yes(e), false, e);
});

test('#if errors and warnings', () => {
  const cases: Array<[string, string]> = [
    ['#if', 't.c:1:2: error: #if with no expression'],
    ['#if 1.0', 't.c:1:5: error: floating constant in preprocessor expression'],
    ['#if 1 +', "t.c:1:7: error: operator '+' has no right operand"],
    ['#if (1', "t.c:1:5: error: missing ')' in expression"],
    ['#if 1/0', 't.c:1:6: error: division by zero in #if'],
    ['#if "s"', 't.c:1:5: error: token ""s"" is not valid in preprocessor expressions'],
    ['#if 1 2', 't.c:1:7: error: missing binary operator before token "2"'],
    ['#if x = 1', 't.c:1:7: error: token "=" is not valid in preprocessor expressions'],
    ['#if 1 : 2', "t.c:1:7: error: ':' without preceding '?'"],
    ['#if defined', 't.c:1:5: error: operator "defined" requires an identifier'],
    ['#if defined(X', 't.c:1:13: error: missing \')\' after "defined"'],
    ['#if 08', 't.c:1:5: error: invalid digit "8" in octal constant'],
    ['#if 1x', 't.c:1:5: error: invalid suffix "x" on integer constant'],
  ];
  for (const [src, msg] of cases) assert.deepEqual(pp(src + '\n#endif').messages, [msg], src);
  assert.deepEqual(pp('#if 0x7fffffffffffffff + 1\n#endif').messages, ['t.c:1:24: warning: integer overflow in preprocessor expression']);
});

test('defined, #ifdef, #ifndef, #elif chains, nested skipped groups, C2x #elifdef', () => {
  const src = `#define A
#if defined A && !defined(B) && defined ( A )
one
#endif
#ifdef B
no
#elif 1
two
#else
no
#endif
#ifndef A
no
#elifdef A
three
#endif
#if 0
#if garbage ((
#else
#endif
#elif 0
no
#else
four
#endif
#define D defined(A)
#if D
five
#endif`;
  const r = pp(src);
  assert.deepEqual(r.messages, []);
  assert.equal(r.text, 'one two three four five');
});

test('conditional structure errors', () => {
  assert.deepEqual(pp('#endif').messages, ['t.c:1:2: error: #endif without #if']);
  assert.deepEqual(pp('#else').messages, ['t.c:1:2: error: #else without #if']);
  assert.deepEqual(pp('#if 1\n#else\n#else\n#endif').messages, ['t.c:3:2: error: #else after #else']);
  assert.deepEqual(pp('#if 0\n#else\n#elif 1\n#endif').messages, ['t.c:3:2: error: #elif after #else']);
  assert.deepEqual(pp('#ifndef X\nint x;\n').messages, ['t.c:1:2: error: unterminated #ifndef']);
  assert.deepEqual(pp('#if 0\n#if 1\n#endif\n').messages, ['t.c:1:2: error: unterminated #if']);
  assert.deepEqual(pp('#if 1\n#endif X').messages, ['t.c:2:8: warning: extra tokens at end of #endif directive']);
  // Skipped groups may hold anything lexable.
  assert.deepEqual(pp("#if 0\ndon't #error x\n#bogus\n#endif").messages, []);
});

test('#error, #warning, unknown directives, the null directive', () => {
  const r = pp('#\n# /* c */\n#warning careful   now\n#error "stop" here\n#frobnicate\n#ident "x"\n#assert x(y)');
  assert.deepEqual(r.messages, [
    't.c:3:1: warning: #warning careful now',
    't.c:4:1: error: #error "stop" here',
    't.c:5:2: error: invalid preprocessing directive #frobnicate',
    't.c:7:2: error: #assert is not supported',
  ]);
  assert.equal(r.formatted.split('\n').slice(3, 6).join('\n'), 't.c:4:1: error: #error "stop" here\n 4 | #error "stop" here\n   | ^');
});

test('#include: quotes search the includer\'s directory first, <> the -I paths; include_next; missing files are fatal', () => {
  const files = {
    'dir/a.h': '#include "b.h"\nA',
    'dir/b.h': 'dir_b',
    'b.h': 'top_b',
    'inc1/c.h': 'c1 #include_next <c.h>',
    'inc1/d.h': 'd1\n#include_next <d.h>',
    'inc2/d.h': 'd2',
  };
  const opts = { virtualFiles: files, includePaths: ['inc1', 'inc2/'] };
  assert.equal(pp('#include "dir/a.h"\n#include "b.h"\n#include <d.h>', opts).text, 'dir_b A top_b d1 d2');
  const missing = pp('#include <nope.h>\nafter', opts);
  assert.deepEqual(missing.messages, ['t.c:1:10: error: nope.h: No such file or directory']);
  assert.equal(missing.text, '');
  assert.deepEqual(pp('#include\n', opts).messages, ['t.c:1:2: error: #include expects "FILENAME" or <FILENAME>']);
  assert.deepEqual(pp('#define H <d.h>\n#include H\n#define Q "b.h"\n#include Q', opts).text, 'd1 d2 top_b');
});

test('include guards and #pragma once: the file is read once', () => {
  const files = {
    'g.h': '/* guard */\n#ifndef G_H\n#define G_H\nguarded\n#endif\n',
    'g2.h': '#if !defined(G2_H)\n#define G2_H\nguarded2\n#endif',
    'o.h': '#pragma once\nonce',
    'n.h': '#ifndef N_H\n#define N_H\n#endif\nnot_guarded',
  };
  const r = pp('#include "g.h"\n#include "g.h"\n#include "g2.h"\n#include "g2.h"\n#include "o.h"\n#include "o.h"\n#include "n.h"\n#include "n.h"', { virtualFiles: files });
  assert.equal(r.text, 'guarded guarded2 once not_guarded not_guarded');
  // Each guarded file was pushed once (files table: t.c, <built-in>, each include).
  assert.equal(r.unit.files.filter((f) => f.name === 'g.h').length, 1);
  assert.equal(r.unit.files.filter((f) => f.name === 'o.h').length, 1);
  // Another name of the same file is the same file.
  assert.equal(pp('#include "o.h"\n#include "./o.h"\n#include "g.h"\n#include "./g.h"', { virtualFiles: files }).text, 'once guarded');
  // Undefining the guard macro makes the next #include read it again.
  assert.equal(pp('#include "g.h"\n#undef G_H\n#include "g.h"', { virtualFiles: files }).text, 'guarded guarded');
});

test('__FILE__, __LINE__, __COUNTER__, __INCLUDE_LEVEL__, __BASE_FILE__, __DATE__, __TIME__', () => {
  const r = pp('__FILE__ __LINE__\n__COUNTER__ __COUNTER__ __INCLUDE_LEVEL__\n#include "i.h"\n__DATE__ __TIME__', { virtualFiles: { 'i.h': '__FILE__ __LINE__ __INCLUDE_LEVEL__ __BASE_FILE__' } });
  assert.equal(r.text, '"t.c" 1 0 1 0 "i.h" 1 1 "t.c" "Jan  5 2024" "07:08:09"');
  // In a macro invocation spanning lines, __LINE__ from the body is the line of the macro name, in an argument its own line (as gcc).
  assert.equal(pp('#define f(x) __LINE__ x\nf(\n__LINE__\n)').text, '2 3');
});

test('#line and GNU line markers change presumed lines and names; diagnostics show the physical line', () => {
  const r = pp('a __LINE__\n#line 100\nb __LINE__ __FILE__\n#line 7 "other.c"\nc __LINE__ __FILE__\n# 50 "m.c" 2\nd __LINE__\n#error here');
  assert.equal(r.text, 'a 1 b 100 "t.c" c 7 "other.c" d 50');
  assert.deepEqual(r.messages, ['m.c:51:1: error: #error here']);
  assert.match(r.formatted, /m\.c:51:1: error: #error here\n 51 \| #error here\n    \| \^/);
  assert.deepEqual(pp('#line x').messages, ['t.c:1:7: error: "x" after #line is not a positive integer']);
});

test('pragmas: once/push_macro/pop_macro/GCC handled, others passed on as Pragma tokens, _Pragma', () => {
  const r = pp(`#define X 1
#pragma push_macro("X")
#undef X
#define X 2
X
#pragma pop_macro("X")
X
#pragma pack(push, 1)
#pragma STDC FP_CONTRACT ON
#define P(x) _Pragma(#x) after
P(omp parallel) _Pragma("weak \\"q\\"")
#pragma GCC warning "watch out"
#pragma GCC poison bad
bad
`);
  assert.equal(r.text, '2 1 #pragma pack ( push , 1 ) #pragma STDC FP_CONTRACT ON #pragma omp parallel after #pragma weak "q" bad');
  assert.deepEqual(r.messages, ['t.c:12:21: warning: watch out', 't.c:14:1: error: attempt to use poisoned "bad"']);
  assert.deepEqual(pp('_Pragma(1)').messages, ['t.c:1:1: error: _Pragma takes a parenthesized string literal']);
});

test('__has_include, __has_include_next, __has_attribute, __has_builtin', () => {
  const r = pp(`#if __has_include("h.h") && __has_include(<h.h>) && !__has_include("nope.h") && defined __has_include
a
#endif
#if __has_attribute(packed) && __has_attribute(__aligned__) && !__has_attribute(vector_size) && !__has_attribute(cleanup)
b
#endif
#if __has_builtin(__builtin_expect) && !__has_builtin(__builtin_frobnicate)
c
#endif
#if defined __has_builtin && defined __has_c_attribute && !__has_c_attribute(deprecated) && !__has_c_attribute(gnu::packed)
d
#endif
#define HDR <h.h>
#if __has_include(HDR)
e
#endif`, { virtualFiles: { 'h.h': '' }, includePaths: ['.'] });
  assert.deepEqual(r.messages, []);
  assert.equal(r.text, 'a b c d e');
  assert.deepEqual(pp('__has_include("x")').messages, ['t.c:1:1: error: "__has_include" used outside of preprocessing directive']);
});

test('command-line defines and undefines', () => {
  const r = pp('A B C D __STDC_VERSION__ __x86_64__', { defines: ['A', 'B=2', 'C(x)=x', 'D=', '__x86_64__=7'], undefines: ['__STDC_VERSION__'] });
  assert.equal(r.text, '1 2 C __STDC_VERSION__ 7');
});

test('predefined macros: C11 hosted, gcc 4.2, LP64 x86-64 Linux', () => {
  const r = pp('__STDC__ __STDC_VERSION__ __STDC_HOSTED__ __GNUC__ __GNUC_MINOR__ __x86_64__ __linux__ __LP64__ __SIZEOF_LONG__ __SIZEOF_POINTER__ __CHAR_BIT__ __INT_MAX__ __LONG_MAX__ __BYTE_ORDER__ __SIZE_TYPE__ __INT64_C(5) __UINT32_MAX__');
  assert.equal(r.text, tokens('1 201112L 1 4 2 1 1 1 8 8 8 0x7fffffff 0x7fffffffffffffffL 1234 long unsigned int 5L 0xffffffffU'));
  assert.equal(pp('#ifdef __OPTIMIZE__\nx\n#endif\n#ifdef __STRICT_ANSI__\ny\n#endif\n#ifdef __SSE2__\nz\n#endif').text, '');
});

test('unterminated quotes are errors only where they reach the output', () => {
  const r = pp("#if 0\nit's\n#endif\n#error don't\nx = 'a;\ny");
  assert.equal(r.text, "x = 'a; y");
  assert.deepEqual(r.messages, ["t.c:4:1: error: #error don't", "t.c:5:5: error: missing terminating ' character"]);
  // As in gcc, the rest of the line is part of the bad token, so a ) there does not end an argument list.
  assert.deepEqual(pp("#define Q(x) #x\nQ(don't)\ny").messages, ['t.c:2:1: error: unterminated argument list invoking macro "Q"']);
});

test('output tokens of an expansion are located at the outermost macro name', () => {
  const r = pp('#define inner(x) x + 1\n#define outer(y) inner(y) * 2\nint v =\n  outer(\n3);');
  const locs = r.unit.tokens.slice(0, -1).map((t) => `${t.spelling}@${t.line}:${t.col}`);
  assert.deepEqual(locs, ['int@3:1', 'v@3:5', '=@3:7', '3@4:3', '+@4:3', '1@4:3', '*@4:3', '2@4:3', ';@5:3']);
});

test('deep nesting gets a diagnostic, never a JS stack overflow', () => {
  const deepArgs = pp(`#define f(x) (x)\nint v = ${'f('.repeat(3000)}1${')'.repeat(3000)};`);
  assert.deepEqual(deepArgs.messages, ['t.c:2:523: error: macro arguments nested more than 256 levels deep']);
  // Within the limit, deep nesting works.
  assert.equal(pp(`#define f(x) (x)\n${'f('.repeat(200)}1${')'.repeat(200)}`).text, `${'( '.repeat(200)}1${' )'.repeat(200)}`);
  assert.deepEqual(pp(`#if ${'('.repeat(5000)}1${')'.repeat(5000)}\n#endif`).messages, ['t.c:1:261: error: #if expression nested more than 256 levels deep']);
  assert.deepEqual(pp(`#if ${'- '.repeat(5000)}1\n#endif`).messages, [`t.c:1:${5 + 2 * 256}: error: #if expression nested more than 256 levels deep`]);
  assert.deepEqual(pp(`#if ${'1?1:'.repeat(5000)}1\n#endif`).messages.length, 1);
  assert.deepEqual(pp('#include "self.h"', { virtualFiles: { 'self.h': '#include "self.h"\n' } }).messages, ['self.h:1:2: error: #include nested depth 201 exceeds maximum of 200']);
});
