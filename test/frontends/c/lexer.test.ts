/** The C lexer: token kinds and spellings, line splices, comments, locations, flags, digraphs, literals' prefixes. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { Diagnostics } from '../../../src/frontends/c/diagnostics.js';
import { cleanSource, tokenize } from '../../../src/frontends/c/lexer.js';
import { TokenKind, type Token } from '../../../src/frontends/c/token.js';

function lex(text: string): { tokens: Token[]; diagnostics: Diagnostics } {
  const diagnostics = new Diagnostics([]);
  const tokens = tokenize({ name: 't.c', text }, diagnostics);
  return { tokens, diagnostics };
}

const spellings = (text: string): string[] => lex(text).tokens.slice(0, -1).map((t) => t.spelling);
const kinds = (text: string): TokenKind[] => lex(text).tokens.slice(0, -1).map((t) => t.kind);

test('every punctuator, longest match first', () => {
  const all = '[ ] ( ) { } . -> ++ -- & * + - ~ ! / % << >> < > <= >= == != ^ | && || ? : ; ... = *= /= %= += -= <<= >>= &= ^= |= , # ##';
  assert.deepEqual(spellings(all), all.split(' '));
  assert.ok(kinds(all).every((k) => k === TokenKind.Punct));
  assert.deepEqual(spellings('a+++++b'), ['a', '++', '++', '+', 'b']);
  assert.deepEqual(spellings('x<<=y>>=z..w...'), ['x', '<<=', 'y', '>>=', 'z', '.', '.', 'w', '...']);
  assert.deepEqual(spellings('p->q-->r'), ['p', '->', 'q', '--', '>', 'r']);
});

test('digraphs are spelled canonically', () => {
  assert.deepEqual(spellings('<: :> <% %> %: %:%:'), ['[', ']', '{', '}', '#', '##']);
  assert.deepEqual(spellings('%:%'), ['#', '%']);
});

test('identifiers with $, UCNs and UTF-8; keywords are identifiers', () => {
  assert.deepEqual(spellings('int $x a$b _1 \\u00e9t\\U0001F600 été'), ['int', '$x', 'a$b', '_1', '\\u00e9t\\U0001F600', 'été']);
  assert.ok(kinds('int $x été').every((k) => k === TokenKind.Identifier));
});

test('pp-numbers take e+/p- signs, dots and letters', () => {
  assert.deepEqual(spellings('1e+5 0x1p-3 1.2.3 .5f 0x1e+1 12ULL 1_000 08 1..2'), ['1e+5', '0x1p-3', '1.2.3', '.5f', '0x1e+1', '12ULL', '1_000', '08', '1..2']);
  assert.deepEqual(spellings('1+2 a.5'), ['1', '+', '2', 'a', '.5']);
  assert.ok(kinds('1e+5 .5').every((k) => k === TokenKind.Number));
});

test('character constants and string literals with every prefix', () => {
  const src = `'a' L'b' u'c' U'd' u8'e' "s" L"t" u"u" U"v" u8"w" '\\'' "\\"\\\\"`;
  assert.deepEqual(spellings(src), src.split(' '));
  assert.deepEqual(kinds(src), [...Array(5).fill(TokenKind.Char), ...Array(5).fill(TokenKind.String), TokenKind.Char, TokenKind.String]);
  // A prefix-like identifier not followed by a quote stays an identifier.
  assert.deepEqual(spellings('L u8 u U u8x'), ['L', 'u8', 'u', 'U', 'u8x']);
  assert.deepEqual(kinds('u8 "x"'), [TokenKind.Identifier, TokenKind.String]);
});

test('an unterminated quote is an Other token with the rest of its line (as gcc)', () => {
  const { tokens, diagnostics } = lex(`don't stop\n"abc\nx`);
  assert.deepEqual(tokens.slice(0, -1).map((t) => [t.kind, t.spelling]), [
    [TokenKind.Identifier, 'don'], [TokenKind.Other, "'t stop"], [TokenKind.Other, '"abc'], [TokenKind.Identifier, 'x'],
  ]);
  assert.equal(diagnostics.errorCount, 0); // the preprocessor decides (skipped groups are fine)
});

test('stray characters are Other tokens', () => {
  assert.deepEqual(lex('a @ ` \\ b').tokens.slice(0, -1).map((t) => [t.kind, t.spelling]), [
    [TokenKind.Identifier, 'a'], [TokenKind.Other, '@'], [TokenKind.Other, '`'], [TokenKind.Other, '\\'], [TokenKind.Identifier, 'b'],
  ]);
});

test('comments are white space; // ends at the newline; /* */ spans lines', () => {
  assert.deepEqual(spellings('a/**/b // c\nd /* e\n f */ g'), ['a', 'b', 'd', 'g']);
  const { tokens } = lex('a/**/b');
  assert.equal(tokens[1]!.spaceBefore, true);
  assert.deepEqual(spellings('a / / b /\\\n/ c'), ['a', '/', '/', 'b']);
});

test('an unterminated comment is an error at its start', () => {
  const { diagnostics } = lex('int x; /* oops\n\n');
  assert.equal(diagnostics.errorCount, 1);
  assert.equal(diagnostics.format(diagnostics.list[0]!), 't.c:1:8: error: unterminated comment\n 1 | int x; /* oops\n   |        ^');
});

test('line splices join anything, also inside tokens, and keep physical locations', () => {
  const { tokens } = lex('in\\\nt x = 1\\\n2;\n"ab\\\ncd" +\\\n+ y');
  assert.deepEqual(tokens.slice(0, -1).map((t) => t.spelling), ['int', 'x', '=', '12', ';', '"abcd"', '++', 'y']);
  const loc = tokens.slice(0, -1).map((t) => `${t.line}:${t.col}`);
  assert.deepEqual(loc, ['1:1', '2:3', '2:5', '2:7', '3:2', '4:1', '5:5', '6:3']);
  // gcc also accepts blanks between the backslash and the newline; CR LF line ends.
  assert.deepEqual(spellings('a\\  \nb c\r\nd\re'), ['ab', 'c', 'd', 'e']);
  assert.deepEqual(lex('x\r\n  y').tokens.map((t) => `${t.line}:${t.col}`), ['1:1', '2:3', '2:4']);
});

test('spaceBefore and lineStart', () => {
  const { tokens } = lex('#define X\n  a b(c)\\\n d');
  const flags = tokens.slice(0, -1).map((t) => `${t.spelling}${t.lineStart ? '^' : ''}${t.spaceBefore ? '_' : ''}`);
  assert.deepEqual(flags, ['#^', 'define', 'X_', 'a^_', 'b_', '(', 'c', ')', 'd_']);
});

test('columns count UTF-16 units and tabs as one', () => {
  const { tokens } = lex('\tx\n\u00e9 y\n\uFEFFz');
  assert.deepEqual(tokens.slice(0, -1).map((t) => `${t.spelling}@${t.line}:${t.col}`), ['x@1:2', '\u00e9@2:1', 'y@2:3', '\uFEFF@3:1', 'z@3:2']);
  // A byte order mark is a stray character, except at the very start, where it is skipped.
  assert.deepEqual(lex('\uFEFFa').tokens[0]!.col, 1);
});

test('the stream ends with one Eof token', () => {
  const { tokens } = lex('');
  assert.equal(tokens.length, 1);
  assert.equal(tokens[0]!.kind, TokenKind.Eof);
});

test('cleanSource records where splices were removed', () => {
  assert.deepEqual(cleanSource('ab\\\ncd\\ \nef'), { text: 'abcdef', splices: Int32Array.from([2, 4]) });
  const plain = cleanSource('no splices \\n here');
  assert.equal(plain.text, 'no splices \\n here');
  assert.equal(plain.splices.length, 0);
});
