/** Literal decoding: integer constant types (C11 6.4.4.1), floating constants (correct rounding, x87), characters, strings. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { decodeChar, decodeNumber, decodeStrings, type LiteralReport } from '../../../src/frontends/c/literals.js';

function collect(): { report: LiteralReport; messages: string[] } {
  const messages: string[] = [];
  return { report: (m, s) => messages.push(`${s}: ${m}`), messages };
}

function int(s: string): string {
  const { report, messages } = collect();
  const n = decodeNumber(s, report);
  assert.equal(n.kind, 'integer', s);
  return `${n.kind === 'integer' ? n.value : ''} ${n.kind === 'integer' ? n.type : ''}${messages.length ? ' | ' + messages.join('; ') : ''}`;
}

test('integer constants: value and the C11 type list for LP64', () => {
  const cases: Array<[string, string]> = [
    ['0', '0 int'], ['42', '42 int'], ['2147483647', '2147483647 int'], ['2147483648', '2147483648 long'],
    ['0x7fffffff', '2147483647 int'], ['0x80000000', '2147483648 unsigned int'], ['0xffffffff', '4294967295 unsigned int'],
    ['0x100000000', '4294967296 long'], ['0x8000000000000000', '9223372036854775808 unsigned long'],
    ['017', '15 int'], ['0b1010', '10 int'], ['10u', '10 unsigned int'], ['4294967296u', '4294967296 unsigned long'],
    ['10l', '10 long'], ['10L', '10 long'], ['10ul', '10 unsigned long'], ['10LU', '10 unsigned long'], ['10ll', '10 long long'],
    ['10LL', '10 long long'], ['10ull', '10 unsigned long long'], ['10llu', '10 unsigned long long'],
    ['0xffffffffffffffffll', '18446744073709551615 unsigned long long'],
    ['9223372036854775807', '9223372036854775807 long'],
    ['9223372036854775808', '9223372036854775808 unsigned long long | warning: integer constant is so large that it is unsigned'],
    ['18446744073709551616', '0 unsigned long long | warning: integer constant is too large for its type'],
  ];
  for (const [s, want] of cases) assert.equal(int(s), want, s);
});

test('integer constant errors', () => {
  for (const [s, msg] of [['08', 'invalid digit "8" in octal constant'], ['0b102', 'invalid digit "2" in binary constant'], ['1lL', 'invalid suffix "lL" on integer constant'], ['12abc', 'invalid suffix "abc" on integer constant'], ['0x', 'invalid suffix "x" on integer constant'], ['1uu', 'invalid suffix "uu" on integer constant']]) {
    const { report, messages } = collect();
    decodeNumber(s!, report);
    assert.deepEqual(messages, [`error: ${msg}`], s);
  }
});

test('floating constants are correctly rounded to their type', () => {
  const f = (s: string): [number, string, bigint | undefined] => {
    const n = decodeNumber(s, () => assert.fail(`unexpected report for ${s}`));
    assert.equal(n.kind, 'floating', s);
    return n.kind === 'floating' ? [n.value, n.type, n.x87] : [0, '', undefined];
  };
  assert.deepEqual(f('1.5'), [1.5, 'double', undefined]);
  assert.deepEqual(f('0.1'), [0.1, 'double', undefined]);
  assert.deepEqual(f('1e-5f'), [Math.fround(1e-5), 'float', undefined]);
  assert.deepEqual(f('.5e1'), [5, 'double', undefined]);
  assert.deepEqual(f('1.'), [1, 'double', undefined]);
  assert.deepEqual(f('0x1p-3'), [0.125, 'double', undefined]);
  assert.deepEqual(f('0x1.8p1'), [3, 'double', undefined]);
  assert.deepEqual(f('0X.8P0F'), [0.5, 'float', undefined]);
  assert.deepEqual(f('1.79769313486231570814527423731704357e+308'), [Number.MAX_VALUE, 'double', undefined]);
  assert.deepEqual(f('4.94065645841246544176568792868221372e-324'), [5e-324, 'double', undefined]);
  assert.deepEqual(f('2.2250738585072011e-308'), [2.225073858507201e-308, 'double', undefined]);
  // A decimal that is exactly between two floats (1 + 2^-24) rounds to even; via double it would round twice.
  assert.deepEqual(f('1.000000059604644775390625f'), [1, 'float', undefined]);
  assert.deepEqual(f('1.0000000596046447753906251f'), [1 + 2 ** -23, 'float', undefined]);
  // long double: the x87 80-bit pattern (sign | 15-bit exponent | 64-bit significand with explicit integer bit).
  assert.deepEqual(f('1.0L'), [1, 'long double', 0x3fff8000000000000000n]);
  assert.deepEqual(f('0.1L'), [0.1, 'long double', 0x3ffbcccccccccccccccdn]);
  assert.deepEqual(f('1.18973149535723176502126385303097021e+4932L'), [Infinity, 'long double', 0x7ffeffffffffffffffffn]);
  assert.deepEqual(f('3.64519953188247460252840593361941982e-4951L'), [0, 'long double', 1n]);
});

test('floating constant errors and range warnings', () => {
  const msgs = (s: string): string[] => {
    const { report, messages } = collect();
    decodeNumber(s, report);
    return messages;
  };
  assert.deepEqual(msgs('1e'), ['error: exponent has no digits']);
  assert.deepEqual(msgs('0x1.8'), ['error: hexadecimal floating constants require an exponent']);
  assert.deepEqual(msgs('1.5q'), ['error: invalid suffix "q" on floating constant']);
  assert.deepEqual(msgs('1.2.3'), ['error: too many decimal points in number']);
  assert.deepEqual(msgs('1e999'), ["warning: floating constant exceeds range of 'double'"]);
  assert.deepEqual(msgs('1e-999'), ['warning: floating constant truncated to zero']);
});

test('character constants: escapes, signed char, multi-character, prefixes', () => {
  const c = (s: string): string => {
    const { report, messages } = collect();
    const r = decodeChar(s, report);
    return `${r.value} ${r.type}${messages.length ? ' | ' + messages.join('; ') : ''}`;
  };
  assert.equal(c("'a'"), '97 int');
  assert.equal(c("'\\n'"), '10 int');
  assert.equal(c("'\\0'"), '0 int');
  assert.equal(c("'\\377'"), '-1 int');
  assert.equal(c("'\\xff'"), '-1 int');
  assert.equal(c("'\\e'"), '27 int');
  assert.equal(c("'\\''"), '39 int');
  assert.equal(c("'ab'"), '24930 int | warning: multi-character character constant');
  assert.equal(c("'abcde'"), '1650680933 int | warning: character constant too long for its type');
  assert.equal(c("'é'"), '50089 int | warning: multi-character character constant');
  assert.equal(c("L'é'"), '233 wchar_t');
  assert.equal(c("L'\\xffffffff'"), '-1 wchar_t');
  assert.equal(c("u'\\u20ac'"), '8364 char16_t');
  assert.equal(c("U'\\U0001F600'"), '128512 char32_t');
  assert.equal(c("u8'a'"), '97 unsigned char');
  assert.equal(c("'\\q'"), "113 int | warning: unknown escape sequence: '\\q'");
  assert.equal(c("''"), '0 int | error: empty character constant');
  assert.equal(c("'\\400'"), '0 int | warning: octal escape sequence out of range');
});

test('string literals: concatenation with prefixes, UTF-8/16/32 encodings, escapes', () => {
  const s = (...parts: string[]): string => {
    const problems: string[] = [];
    const r = decodeStrings(parts, (m, sev, i) => problems.push(`${sev}@${i}: ${m}`));
    return `${r.encoding}/${r.elementSize}: ${r.units.join(',')}${problems.length ? ' | ' + problems.join('; ') : ''}`;
  };
  assert.equal(s('"ab"', '"c"'), 'char/1: 97,98,99,0');
  assert.equal(s('"é\\u00e9\\xe9"'), 'char/1: 195,169,195,169,233,0');
  assert.equal(s('"a"', 'L"b"'), 'wchar/4: 97,98,0');
  assert.equal(s('u"\\U0001F600"'), 'char16/2: 55357,56832,0');
  assert.equal(s('U"😀"'), 'char32/4: 128512,0');
  assert.equal(s('u8"é"', '"x"'), 'utf8/1: 195,169,120,0');
  assert.equal(s('"\\1\\12\\123\\1234"'), 'char/1: 1,10,83,83,52,0');
  assert.equal(s('L"a"', 'u"b"'), 'wchar/4: 97,98,0 | error@1: unsupported non-standard concatenation of string literals');
  assert.equal(s('"\\x100"'), 'char/1: 0,0 | warning@0: hex escape sequence out of range');
  assert.equal(s('"\\u0041"'), 'char/1: 0 | error@0: \\u0041 is not a valid universal character');
});
