/** Helpers for the preprocessor tests: run on a text (with virtual files) and compare token streams. */
import { Diagnostics } from '../../../src/frontends/c/diagnostics.js';
import { tokenize } from '../../../src/frontends/c/lexer.js';
import { preprocess, type PreprocessOptions } from '../../../src/frontends/c/preprocessor.js';
import { TokenKind, type PreprocessedUnit } from '../../../src/frontends/c/token.js';

/** The result of preprocessing a test text. */
export interface PPResult {
  /** Output token spellings joined by single spaces (pragmas as `#pragma TEXT`). */
  readonly text: string;
  /** Every diagnostic formatted, one string each (without the source-line part). */
  readonly messages: string[];
  /** The formatted diagnostics (with source lines and carets). */
  readonly formatted: string;
  /** The unit itself. */
  readonly unit: PreprocessedUnit;
  /** The collector. */
  readonly diagnostics: Diagnostics;
}

/** Preprocesses `text` as `t.c`. */
export function pp(text: string, options: PreprocessOptions = {}): PPResult {
  const diagnostics = new Diagnostics([]);
  const unit = preprocess({ name: 't.c', text }, { date: new Date(2024, 0, 5, 7, 8, 9), ...options }, diagnostics);
  const text2 = unit.tokens.filter((t) => t.kind !== TokenKind.Eof).map((t) => (t.kind === TokenKind.Pragma ? `#pragma ${t.spelling}` : t.spelling)).join(' ');
  const messages = diagnostics.list.map((d) => {
    const loc = d.loc === undefined ? '' : `${diagnostics.files[d.loc.file]!.name}:${d.loc.line}:${d.loc.col}: `;
    return `${loc}${d.severity}: ${d.message}`;
  });
  return { text: text2, messages, formatted: diagnostics.formatAll(), unit, diagnostics };
}

/** `text`'s tokens joined by single spaces (white space normalised the way `pp().text` is). */
export function tokens(text: string): string {
  return tokenize({ name: 'expected.c', text }, new Diagnostics([])).filter((t) => t.kind !== TokenKind.Eof).map((t) => t.spelling).join(' ');
}
