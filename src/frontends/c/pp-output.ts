/**
 * Preprocessed text, as `gcc -E` prints it (`jitkit cc -E`).
 *
 * Tokens go on the line they came from: a token on a later line of the same
 * file starts a new output line (up to 8 blank lines are printed as such, a
 * bigger gap or another file gets a `# LINE "FILE"` marker instead), and the
 * first token of a line keeps its indentation. Within a line, a space is
 * printed where the source had one, and wherever two tokens printed together
 * would lex differently (`+` `+` from a macro is printed `+ +`), so lexing the
 * output again gives the same tokens. `Pragma` tokens are printed as
 * `#pragma ...` lines. With `lineMarkers: false` (gcc's `-P`) there are no
 * markers and blank lines are not kept.
 */
import { TokenKind, type PreprocessedUnit, type Token } from './token.js';

/** Options of `formatPreprocessed`. */
export interface FormatOptions {
  /** Print `# LINE "FILE"` markers (default true; gcc's `-P` turns them off). */
  readonly lineMarkers?: boolean;
}

/** Two-character sequences that lex as something else when the tokens touch. */
const PASTING = new Set([
  '++', '--', '+=', '-=', '->', '*=', '/=', '%=', '^=', '|=', '&=', '!=', '==', '<=', '>=', '<<', '>>', '&&', '||',
  '##', '//', '/*', '<:', '<%', ':>', '%>', '%:', '..', '.0', '.1', '.2', '.3', '.4', '.5', '.6', '.7', '.8', '.9',
]);

function isIdentifierChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36 || c === 92 || c >= 128;
}

/** True when `a` followed directly by `b` would not lex as the two tokens. */
export function wouldPaste(a: Token, b: Token): boolean {
  const as = a.spelling;
  const bs = b.spelling;
  if (as.length === 0 || bs.length === 0) return false;
  const last = as.charCodeAt(as.length - 1);
  const first = bs.charCodeAt(0);
  if (a.kind === TokenKind.Identifier || a.kind === TokenKind.Number) {
    if (isIdentifierChar(first)) return true;
    if (a.kind === TokenKind.Number && (first === 46 || ((first === 43 || first === 45) && /[eEpP]$/.test(as)))) return true;
    if (a.kind === TokenKind.Identifier && (b.kind === TokenKind.String || b.kind === TokenKind.Char)) return true;
    return false;
  }
  if (a.kind === TokenKind.Other) return true;
  if (a.kind === TokenKind.Punct) {
    if (a.spelling === '.' && b.kind === TokenKind.Number) return true;
    return PASTING.has(String.fromCharCode(last, first));
  }
  return false;
}

/** Escapes a file name for a line marker. */
function markerName(name: string): string {
  return name.replace(/[\\"]/g, '\\$&');
}

/** The unit's tokens as preprocessed source text. */
export function formatPreprocessed(unit: PreprocessedUnit, options: FormatOptions = {}): string {
  const markers = options.lineMarkers ?? true;
  const parts: string[] = [];
  let file = -1;
  let line = 0;
  let atLineStart = true;
  let prev: Token | undefined;
  const newline = (): void => {
    if (!atLineStart) parts.push('\n');
    atLineStart = true;
  };
  for (const t of unit.tokens) {
    if (t.kind === TokenKind.Eof) break;
    if (t.kind === TokenKind.Pragma) {
      newline();
      parts.push(`#pragma ${t.spelling}\n`);
      line++;
      prev = undefined;
      continue;
    }
    if (t.file !== file || t.line < line || t.line > line + 8) {
      newline();
      if (markers) parts.push(`# ${t.line} "${markerName(unit.files[t.file]?.name ?? '')}"\n`);
      file = t.file;
      line = t.line;
    } else if (t.line > line) {
      if (markers) {
        if (!atLineStart) parts.push('\n');
        for (let k = line + 1; k < t.line; k++) parts.push('\n');
      } else newline();
      atLineStart = true;
      line = t.line;
    } else if (t.lineStart && !atLineStart && markers) {
      // A new logical line with the same number (only after #line tricks): keep lines apart.
      parts.push('\n');
      atLineStart = true;
    }
    if (atLineStart) {
      if (t.col > 1) parts.push(' '.repeat(Math.min(t.col - 1, 200)));
    } else if (t.spaceBefore || (prev !== undefined && wouldPaste(prev, t))) {
      parts.push(' ');
    }
    parts.push(t.spelling);
    atLineStart = false;
    prev = t;
  }
  if (!atLineStart) parts.push('\n');
  return parts.join('');
}
