/**
 * Tokens of the C front end: the contract between the preprocessor (which
 * produces them) and the parser (which consumes them).
 *
 * Pipeline: source text -> lexer (preprocessing tokens) -> preprocessor
 * (directives, macro expansion, #include) -> `Token[]` -> parser.
 *
 * Terms:
 *  - *spelling*: the token's exact text as written (after line splicing), e.g.
 *    `0x1fULL`, `L"a\n"`, `'\0'`, `>>=`. Literals are decoded by the parser
 *    (see `literals.ts`), not here.
 *  - *location*: where the user sees the token. A token that came out of a
 *    macro expansion is located at the name of the outermost macro invocation
 *    (what gcc reports first, and what `file:line` debug info should point at).
 */

/** What a token is. Keywords are identifiers here; the parser recognises them by spelling. */
export const enum TokenKind {
  /** End of the token stream (the last token of every stream). */
  Eof,
  /** An identifier or keyword. */
  Identifier,
  /** A preprocessing number: every integer and floating constant (`12u`, `1e-5f`, `0x1p3`). */
  Number,
  /** A character constant with optional prefix: `'a'`, `L'\0'`, `u'x'`, `U'x'`, `u8'x'`. */
  Char,
  /** A string literal with optional prefix: `"a"`, `L"a"`, `u8"a"`, `u"a"`, `U"a"`. */
  String,
  /** A punctuator (`+`, `->`, `...`, `<<=`, ...); which one is in `spelling`. Digraphs are spelled canonically (`<:` as `[`). */
  Punct,
  /**
   * Any other non-white-space character (`@`, `\`, `` ` ``), or an unterminated `'` or
   * `"` with the rest of its line (the preprocessor has reported that one). Valid while
   * preprocessing (it can be stringized); the parser reports it as a stray token.
   */
  Other,
  /**
   * A `#pragma` line or `_Pragma("...")` the preprocessor does not consume itself; `spelling` is
   * the pragma's text after `pragma`, tokens separated by single spaces (`pack ( push , 1 )`).
   * It can appear anywhere in the stream, also inside an expression (from `_Pragma` in a
   * macro); the parser honours what it supports (e.g. `pack`) and drops the rest.
   */
  Pragma,
}

/** A source file the front end read (or a built-in header, or a command-line string). */
export interface SourceFile {
  /** The name diagnostics print (as given to `#include` resolution, e.g. `/usr/include/stdio.h`, `<built-in>`). */
  readonly name: string;
  /** The whole text. */
  readonly text: string;
  /**
   * Set on the extra entries `#line` creates: the presumed line (what tokens carry) minus the
   * physical line of `text` (what a diagnostic shows under the message). Absent means 0.
   */
  readonly lineOffset?: number;
}

/** A source position: `files[file]`, 1-based line and column (columns count UTF-16 units, tabs as 1). */
export interface SourceLocation {
  /** Index into the compilation's `SourceFile` table. */
  readonly file: number;
  /** 1-based line (after `#line` adjustment: the line diagnostics should print). */
  readonly line: number;
  /** 1-based column. */
  readonly col: number;
}

/** One token after preprocessing. All fields are set by the constructor (stable shape). */
export class Token implements SourceLocation {
  /** Creates a token. */
  constructor(
    /** What kind of token this is. */
    readonly kind: TokenKind,
    /** The exact text (see the module comment). */
    readonly spelling: string,
    /** Index into the `SourceFile` table. */
    readonly file: number,
    /** 1-based line. */
    readonly line: number,
    /** 1-based column. */
    readonly col: number,
    /** True when white space (or a comment) precedes the token on its line; used by `#` stringizing and `-E` output. */
    readonly spaceBefore: boolean,
    /** True when the token is the first on its (logical) line; used by `-E` output. */
    readonly lineStart: boolean,
  ) {}
}

/** The output of preprocessing a translation unit. */
export interface PreprocessedUnit {
  /** The tokens, ending with one `TokenKind.Eof`. */
  readonly tokens: Token[];
  /** Every file read, indexed by `SourceLocation.file`. */
  readonly files: SourceFile[];
}
