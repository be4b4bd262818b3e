/**
 * C11 lexer: source text -> preprocessing tokens (translation phases 1-3).
 *
 * Position in the pipeline: `lexer` -> `preprocessor` (directives, macros,
 * includes) -> parser. The preprocessor pulls tokens one at a time with
 * `Lexer.next()`; `tokenize()` lexes a whole text without preprocessing.
 *
 * How it works:
 *  - Phase 1-2 happen once per file, up front (`cleanSource`): CR LF and lone CR
 *    become LF, and every line splice (backslash, optional blanks as gcc
 *    allows, newline) is removed, so splices inside tokens (`in\<nl>t`) need no
 *    care while scanning. The offsets where splices were removed are kept, so
 *    lines and columns still point into the physical text.
 *  - Phase 3 scans the cleaned text with character-code switches: white space
 *    and comments set `spaceBefore`/`lineStart` on the next token; identifiers
 *    (with `$` and UCNs, and any non-ASCII character as gcc accepts UTF-8),
 *    pp-numbers, character constants and string literals with every prefix
 *    (`L u U u8`), and all punctuators, digraphs included (spelled canonically,
 *    with the `Digraph` flag so `#` stringizing can restore them).
 *  - Anything else is a one-character `Other` token. An unterminated `'` or
 *    `"` is an `Other` token holding the rest of its line, flagged
 *    `Unterminated` (as gcc lexes it); it is an error only where the
 *    preprocessor emits it: skipped groups and `#error don't` are fine.
 *  - `#line` moves the *presumed* position: `lineDelta` and `presumedFile` are
 *    applied to every token made afterwards.
 */
import type { Diagnostics } from './diagnostics.js';
import type { HideSet } from './macro.js';
import { Token, TokenKind, type SourceFile, type SourceLocation } from './token.js';

/** Bits of `PPToken.flags`. */
export const enum TokenFlags {
  /** White space or a comment precedes the token on its logical line. */
  SpaceBefore = 1,
  /** First token of its logical line (directives start with such a `#`). */
  LineStart = 2,
  /** A punctuator written as a digraph (`<:` is spelled `[`). */
  Digraph = 4,
  /** An `Other` token holding an unterminated character constant or string literal (to the end of its line). */
  Unterminated = 8,
  /** An identifier the preprocessor must never expand (painted blue: `defined`'s operand, a pasted-away name). */
  NoExpand = 16,
}

/**
 * A preprocessing token: the contract's `Token` plus what the preprocessor
 * needs (flag bits and the hide set). The preprocessor hands these objects
 * to the parser as they are (no copy per token); fields other than `hideSet`
 * never change (a token that must be moved or re-flagged is copied).
 */
export class PPToken extends Token {
  /** Creates a token; every field is set here so all tokens share one shape. */
  constructor(
    kind: TokenKind,
    spelling: string,
    file: number,
    line: number,
    col: number,
    /** `TokenFlags` bits (`spaceBefore`/`lineStart` mirror two of them). */
    readonly flags: number,
    /** Macros this token may not expand (Prosser's hide set); `null` for none. */
    public hideSet: HideSet | null,
  ) {
    super(kind, spelling, file, line, col, (flags & TokenFlags.SpaceBefore) !== 0, (flags & TokenFlags.LineStart) !== 0);
  }

  /** A copy with other flags. */
  withFlags(flags: number): PPToken {
    return new PPToken(this.kind, this.spelling, this.file, this.line, this.col, flags, this.hideSet);
  }

  /** A copy at another place. */
  movedTo(file: number, line: number, col: number): PPToken {
    return new PPToken(this.kind, this.spelling, file, line, col, this.flags, this.hideSet);
  }
}

const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 16777619;

/**
 * Shares one string per distinct identifier or pp-number spelling across all
 * files of a compilation: fewer strings to keep, and `Map` lookups of macro
 * names hash each distinct name once. Open addressing over FNV-1a hashes of
 * the characters.
 */
export class Interner {
  private keys: Array<string | undefined> = new Array<string | undefined>(4096).fill(undefined);
  private hashes = new Int32Array(4096);
  private count = 0;

  /** The shared string equal to `text.slice(start, end)`. */
  intern(text: string, start: number, end: number): string {
    let hash = FNV_OFFSET;
    for (let i = start; i < end; i++) hash = Math.imul(hash ^ text.charCodeAt(i), FNV_PRIME);
    return this.internHashed(text, start, end, hash);
  }

  /** `intern` when the caller computed the FNV-1a hash of the characters already. */
  internHashed(text: string, start: number, end: number, hash: number): string {
    let mask = this.keys.length - 1;
    let i = hash & mask;
    const len = end - start;
    for (;;) {
      const k = this.keys[i];
      if (k === undefined) break;
      if (this.hashes[i] === hash && k.length === len) {
        let j = 0;
        while (j < len && k.charCodeAt(j) === text.charCodeAt(start + j)) j++;
        if (j === len) return k;
      }
      i = (i + 1) & mask;
    }
    const s = text.slice(start, end);
    this.keys[i] = s;
    this.hashes[i] = hash;
    if (++this.count * 2 > this.keys.length) {
      const oldKeys = this.keys;
      const oldHashes = this.hashes;
      this.keys = new Array<string | undefined>(oldKeys.length * 2).fill(undefined);
      this.hashes = new Int32Array(oldKeys.length * 2);
      mask = this.keys.length - 1;
      for (let k = 0; k < oldKeys.length; k++) {
        const key = oldKeys[k];
        if (key === undefined) continue;
        let h = oldHashes[k]! & mask;
        while (this.keys[h] !== undefined) h = (h + 1) & mask;
        this.keys[h] = key;
        this.hashes[h] = oldHashes[k]!;
      }
    }
    return s;
  }
}

// Character classes for ASCII (index = char code).
const ID_START = 1;
const ID_CONT = 2;
const DIGIT = 4;
const BLANK = 8; // white space other than newline
const CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[A-Za-z_$]/.test(ch)) CLASS[c] = ID_START | ID_CONT;
  else if (/[0-9]/.test(ch)) CLASS[c] = ID_CONT | DIGIT;
  else if (ch === ' ' || ch === '\t' || ch === '\v' || ch === '\f' || ch === '\r' || ch === '\0') CLASS[c] = BLANK;
}

/** A file's text after translation phases 1-2, and where splices were removed. */
export interface CleanSource {
  /** Text with LF line ends and no line splices. */
  readonly text: string;
  /** Offsets into `text` where a splice was removed, ascending (each one ends a physical line). */
  readonly splices: Int32Array;
}

const NO_SPLICES = new Int32Array(0);

/** Normalises line ends and removes line splices (backslash, blanks, newline), recording where. */
export function cleanSource(raw: string): CleanSource {
  let text = raw;
  if (text.indexOf('\r') >= 0) text = text.replace(/\r\n?/g, '\n');
  let bs = text.indexOf('\\');
  if (bs < 0) return { text, splices: NO_SPLICES };
  const parts: string[] = [];
  const splices: number[] = [];
  let from = 0; // start of the not yet copied text
  let cleanLength = 0;
  while (bs >= 0) {
    let j = bs + 1;
    while (j < text.length) {
      const c = text.charCodeAt(j);
      if (c !== 32 && c !== 9 && c !== 11 && c !== 12) break;
      j++;
    }
    if (j < text.length && text.charCodeAt(j) === 10) {
      parts.push(text.slice(from, bs));
      cleanLength += bs - from;
      splices.push(cleanLength);
      from = j + 1;
      bs = text.indexOf('\\', from);
    } else {
      bs = text.indexOf('\\', bs + 1);
    }
  }
  if (splices.length === 0) return { text, splices: NO_SPLICES };
  parts.push(text.slice(from));
  return { text: parts.join(''), splices: Int32Array.from(splices) };
}

/** Canonical spellings of punctuators, shared by all tokens (no per-token strings). */
const PUNCT_1: string[] = [];
for (const p of '[](){}.&*+-~!/%<>^|?:;=,#') PUNCT_1[p.charCodeAt(0)] = p;

/** Lexes one source file into preprocessing tokens, on demand. */
export class Lexer {
  /** The text after phases 1-2. */
  readonly text: string;
  private readonly splices: Int32Array;
  private spliceIndex = 0;
  /** Offset of the next character to scan. */
  pos = 0;
  /** Physical line of `pos` (1-based). */
  private line = 1;
  /** Offset where the current physical line starts (for columns). */
  private lineStartPos = 0;
  /** Presumed line minus physical line (set by `#line`). */
  lineDelta = 0;
  /** File index stamped on tokens (changed by `#line "name"`). */
  presumedFile: number;
  /** Token read ahead by `peek()`. */
  private peeked: PPToken | null = null;
  /** Whether the next token starts a logical line. */
  private atLineStart = true;
  /** Physical line where the last `lex()` started (the line of the token before it). */
  private lexStartLine = 1;

  /** Creates a lexer over `source`, whose index in the file table is `fileIndex`. */
  constructor(readonly source: SourceFile, readonly fileIndex: number, private readonly diagnostics: Diagnostics, private readonly interner: Interner) {
    const clean = cleanSource(source.text);
    this.text = clean.text;
    this.splices = clean.splices;
    this.presumedFile = fileIndex;
    if (this.text.charCodeAt(0) === 0xfeff) this.pos = this.lineStartPos = 1; // UTF-8 byte order mark
  }

  /** The next token (an `Eof` token at the end, again on every later call). */
  next(): PPToken {
    const t = this.peeked;
    if (t !== null) {
      this.peeked = null;
      return t;
    }
    return this.lex();
  }

  /** The next token without consuming it. */
  peek(): PPToken {
    if (this.peeked === null) this.peeked = this.lex();
    return this.peeked;
  }

  /**
   * For `#line`, after the directive's tokens were read (the next line's first
   * token is peeked): the physical line following the directive.
   */
  lineAfterDirective(): number {
    return this.lexStartLine + 1;
  }

  /** Applies `#line`: later tokens (and the one already peeked) get `file` and `presumed line = physical + offset`. */
  setPresumed(file: number, offset: number): void {
    const t = this.peeked;
    if (t !== null) this.peeked = t.movedTo(file, t.line - this.lineDelta + offset, t.col);
    this.presumedFile = file;
    this.lineDelta = offset;
  }

  /**
   * For `#include <...>`: when the rest of the current line, after blanks, starts with
   * `<`, consumes up to the matching `>` and returns the text between; otherwise null
   * (then the directive's tokens are read as usual). Must be called with nothing peeked.
   * `col` is the column of the `<`.
   */
  angledHeaderName(): { name: string; col: number } | null {
    if (this.peeked !== null) return null;
    const text = this.text;
    let p = this.pos;
    while (p < text.length) {
      const c = text.charCodeAt(p);
      if (c < 128 && (CLASS[c]! & BLANK) !== 0) p++;
      else if (c === 47 && text.charCodeAt(p + 1) === 42) {
        const end = text.indexOf('*/', p + 2);
        if (end < 0 || text.lastIndexOf('\n', end) > p) return null;
        p = end + 2;
      } else break;
    }
    if (text.charCodeAt(p) !== 60) return null;
    const close = text.indexOf('>', p + 1);
    const nl = text.indexOf('\n', p + 1);
    if (close < 0 || (nl >= 0 && nl < close)) return null;
    this.pos = close + 1;
    this.atLineStart = false;
    return { name: text.slice(p + 1, close), col: p - this.lineStartPos + 1 };
  }

  /**
   * For skipped groups: moves to the next line whose first token is `#` (or
   * `%:`), so that `next()` returns it, without making tokens for the text in
   * between. Comments and quotes are still honoured exactly as the lexer would
   * see them (a `"/*"` opens no comment; an unterminated quote ends at the end
   * of its line). A peeked token is dropped unless it is such a `#`. Returns
   * false at the end of the file.
   */
  skipToHashLine(): boolean {
    const pk = this.peeked;
    if (pk !== null) {
      if (pk.kind === TokenKind.Eof) return false;
      if ((pk.flags & TokenFlags.LineStart) !== 0 && pk.kind === TokenKind.Punct && pk.spelling === '#') return true;
      this.peeked = null;
    }
    const text = this.text;
    const n = text.length;
    let p = this.pos;
    let atStart = this.atLineStart;
    while (p < n) {
      const c = text.charCodeAt(p);
      if (c === 10) {
        p++;
        this.line++;
        this.lineStartPos = p;
        atStart = true;
      } else if (c < 128 && (CLASS[c]! & BLANK) !== 0) {
        p++;
      } else if (c === 47 && text.charCodeAt(p + 1) === 47) {
        const nl = text.indexOf('\n', p + 2);
        p = nl < 0 ? n : nl;
      } else if (c === 47 && text.charCodeAt(p + 1) === 42) {
        p = this.skipBlockComment(p);
      } else if (atStart && (c === 35 || (c === 37 && text.charCodeAt(p + 1) === 58))) {
        this.pos = p;
        this.atLineStart = true;
        this.catchUpSplices(p);
        return true;
      } else if (c === 34 || c === 39) {
        atStart = false;
        p++;
        while (p < n) {
          const e = text.charCodeAt(p);
          if (e === c) { p++; break; }
          if (e === 10) break;
          p += e === 92 ? 2 : 1;
        }
      } else {
        atStart = false;
        p++;
      }
    }
    this.pos = n;
    this.catchUpSplices(n);
    return false;
  }

  /** Skips the block comment opening at `p` (counting its lines; unterminated: an error, to the end); returns the offset after it. */
  private skipBlockComment(p: number): number {
    const text = this.text;
    const end = text.indexOf('*/', p + 2);
    const stop = end < 0 ? text.length : end + 2;
    if (end < 0) {
      this.catchUpSplices(p);
      this.diagnostics.error({ file: this.presumedFile, line: this.line + this.lineDelta, col: p - this.lineStartPos + 1 }, 'unterminated comment');
    }
    for (let nl = text.indexOf('\n', p + 2); nl >= 0 && nl < stop; nl = text.indexOf('\n', nl + 1)) {
      this.line++;
      this.lineStartPos = nl + 1;
    }
    return stop;
  }

  /** Where the next unread character is (presumed file and line). */
  location(): SourceLocation {
    this.catchUpSplices(this.pos);
    return { file: this.presumedFile, line: this.line + this.lineDelta, col: this.pos - this.lineStartPos + 1 };
  }

  /** Skips the rest of the current logical line (used after a directive error). */
  skipLine(): void {
    while (true) {
      const t = this.peek();
      if (t.kind === TokenKind.Eof || (t.flags & TokenFlags.LineStart) !== 0) return;
      this.peeked = null;
    }
  }

  /** Scans one token. */
  private lex(): PPToken {
    const text = this.text;
    const n = text.length;
    let p = this.pos;
    let flags = 0;
    this.lexStartLine = this.line;
    // White space and comments.
    while (p < n) {
      const c = text.charCodeAt(p);
      if (c === 10) {
        p++;
        this.line++;
        this.lineStartPos = p;
        this.atLineStart = true;
        flags = 0;
      } else if (c < 128 && (CLASS[c]! & BLANK) !== 0) {
        p++;
        flags |= TokenFlags.SpaceBefore;
      } else if (c === 47) {
        const d = text.charCodeAt(p + 1);
        if (d === 47) {
          const nl = text.indexOf('\n', p + 2);
          p = nl < 0 ? n : nl;
          flags |= TokenFlags.SpaceBefore;
        } else if (d === 42) {
          p = this.skipBlockComment(p);
          flags |= TokenFlags.SpaceBefore;
        } else break;
      } else break;
    }
    if (this.atLineStart) flags |= TokenFlags.LineStart;
    this.atLineStart = false;
    const start = p;
    if (this.spliceIndex < this.splices.length) this.catchUpSplices(start);
    const col = start - this.lineStartPos + 1;
    const line = this.line + this.lineDelta;
    if (p >= n) {
      this.pos = n;
      this.atLineStart = true;
      return new PPToken(TokenKind.Eof, '', this.presumedFile, line, col, flags | TokenFlags.LineStart, null);
    }
    const c = text.charCodeAt(p);
    let kind = TokenKind.Punct;
    let spelling: string;
    switch (c) {
      case 76: // L
      case 85: // U
        if (text.charCodeAt(p + 1) === 39 || text.charCodeAt(p + 1) === 34) return this.quoted(start, p + 1, line, col, flags);
        return new PPToken(TokenKind.Identifier, this.identifier(start), this.presumedFile, line, col, flags, null);
      case 117: { // u, u8
        const d = text.charCodeAt(p + 1);
        if (d === 39 || d === 34) return this.quoted(start, p + 1, line, col, flags);
        if (d === 56 && (text.charCodeAt(p + 2) === 34 || text.charCodeAt(p + 2) === 39)) return this.quoted(start, p + 2, line, col, flags);
        return new PPToken(TokenKind.Identifier, this.identifier(start), this.presumedFile, line, col, flags, null);
      }
      case 39: // '
      case 34: // "
        return this.quoted(start, p, line, col, flags);
      case 46: { // .
        const d = text.charCodeAt(p + 1);
        if (d >= 48 && d <= 57) {
          p = this.numberEnd(p + 1);
          kind = TokenKind.Number;
          spelling = this.interner.intern(text, start, p);
        } else if (d === 46 && text.charCodeAt(p + 2) === 46) {
          p += 3;
          spelling = '...';
        } else {
          p++;
          spelling = '.';
        }
        break;
      }
      case 45: { // -
        const d = text.charCodeAt(p + 1);
        if (d === 62) { p += 2; spelling = '->'; }
        else if (d === 45) { p += 2; spelling = '--'; }
        else if (d === 61) { p += 2; spelling = '-='; }
        else { p++; spelling = '-'; }
        break;
      }
      case 43: { // +
        const d = text.charCodeAt(p + 1);
        if (d === 43) { p += 2; spelling = '++'; }
        else if (d === 61) { p += 2; spelling = '+='; }
        else { p++; spelling = '+'; }
        break;
      }
      case 38: { // &
        const d = text.charCodeAt(p + 1);
        if (d === 38) { p += 2; spelling = '&&'; }
        else if (d === 61) { p += 2; spelling = '&='; }
        else { p++; spelling = '&'; }
        break;
      }
      case 124: { // |
        const d = text.charCodeAt(p + 1);
        if (d === 124) { p += 2; spelling = '||'; }
        else if (d === 61) { p += 2; spelling = '|='; }
        else { p++; spelling = '|'; }
        break;
      }
      case 42: // *
      case 47: // /
      case 33: // !
      case 61: // =
      case 94: // ^
        if (text.charCodeAt(p + 1) === 61) {
          p += 2;
          spelling = c === 42 ? '*=' : c === 47 ? '/=' : c === 33 ? '!=' : c === 61 ? '==' : '^=';
        } else {
          p++;
          spelling = PUNCT_1[c]!;
        }
        break;
      case 37: { // %
        const d = text.charCodeAt(p + 1);
        if (d === 61) { p += 2; spelling = '%='; }
        else if (d === 62) { p += 2; spelling = '}'; flags |= TokenFlags.Digraph; }
        else if (d === 58) {
          flags |= TokenFlags.Digraph;
          if (text.charCodeAt(p + 2) === 37 && text.charCodeAt(p + 3) === 58) { p += 4; spelling = '##'; }
          else { p += 2; spelling = '#'; }
        } else { p++; spelling = '%'; }
        break;
      }
      case 60: { // <
        const d = text.charCodeAt(p + 1);
        if (d === 60) {
          if (text.charCodeAt(p + 2) === 61) { p += 3; spelling = '<<='; }
          else { p += 2; spelling = '<<'; }
        } else if (d === 61) { p += 2; spelling = '<='; }
        else if (d === 58) { p += 2; spelling = '['; flags |= TokenFlags.Digraph; }
        else if (d === 37) { p += 2; spelling = '{'; flags |= TokenFlags.Digraph; }
        else { p++; spelling = '<'; }
        break;
      }
      case 62: { // >
        const d = text.charCodeAt(p + 1);
        if (d === 62) {
          if (text.charCodeAt(p + 2) === 61) { p += 3; spelling = '>>='; }
          else { p += 2; spelling = '>>'; }
        } else if (d === 61) { p += 2; spelling = '>='; }
        else { p++; spelling = '>'; }
        break;
      }
      case 58: // :
        if (text.charCodeAt(p + 1) === 62) { p += 2; spelling = ']'; flags |= TokenFlags.Digraph; }
        else { p++; spelling = ':'; }
        break;
      case 35: // #
        if (text.charCodeAt(p + 1) === 35) { p += 2; spelling = '##'; }
        else { p++; spelling = '#'; }
        break;
      case 91: case 93: case 40: case 41: case 123: case 125: case 126: case 63: case 59: case 44:
        p++;
        spelling = PUNCT_1[c]!;
        break;
      default:
        if (c < 128) {
          const cls = CLASS[c]!;
          if ((cls & DIGIT) !== 0) {
            p = this.numberEnd(p + 1);
            kind = TokenKind.Number;
          } else if ((cls & ID_START) !== 0) {
            return new PPToken(TokenKind.Identifier, this.identifier(start), this.presumedFile, line, col, flags, null);
          } else if (c === 92 && this.ucnLength(p) > 0) {
            p = this.identifierEnd(p + this.ucnLength(p));
            kind = TokenKind.Identifier;
          } else {
            p++;
            kind = TokenKind.Other;
          }
        } else if (isNonAsciiIdentifierChar(c)) {
          p = this.identifierEnd(p + 1);
          kind = TokenKind.Identifier;
        } else {
          p += c >= 0xd800 && c < 0xdc00 && p + 1 < n ? 2 : 1; // keep a surrogate pair together
          kind = TokenKind.Other;
        }
        spelling = kind === TokenKind.Other ? text.slice(start, p) : this.interner.intern(text, start, p);
    }
    this.pos = p;
    return new PPToken(kind, spelling, this.presumedFile, line, col, flags, null);
  }

  /** Applies the splices before `offset` to the line count. */
  private catchUpSplices(offset: number): void {
    const splices = this.splices;
    while (this.spliceIndex < splices.length && splices[this.spliceIndex]! <= offset) {
      const at = splices[this.spliceIndex++]!;
      this.line++;
      if (at > this.lineStartPos) this.lineStartPos = at;
    }
  }

  /** Length of a UCN (`\uXXXX`, `\UXXXXXXXX`) at `p`, or 0. */
  private ucnLength(p: number): number {
    const text = this.text;
    if (text.charCodeAt(p) !== 92) return 0;
    const u = text.charCodeAt(p + 1);
    const digits = u === 117 ? 4 : u === 85 ? 8 : 0;
    if (digits === 0) return 0;
    for (let i = 0; i < digits; i++) if (!isHexDigit(text.charCodeAt(p + 2 + i))) return 0;
    return 2 + digits;
  }

  /** The spelling of the identifier starting at `start` (its first character already checked); advances `pos`. */
  private identifier(start: number): string {
    const text = this.text;
    // ASCII fast path, hashing while scanning; UCNs and non-ASCII characters take the general path.
    let h = Math.imul(FNV_OFFSET ^ text.charCodeAt(start), FNV_PRIME);
    let q = start + 1;
    let c = text.charCodeAt(q);
    while (c < 128 && (CLASS[c]! & ID_CONT) !== 0) {
      h = Math.imul(h ^ c, FNV_PRIME);
      c = text.charCodeAt(++q);
    }
    if (c === 92 || c >= 128) {
      q = this.identifierEnd(q);
      this.pos = q;
      return this.interner.intern(text, start, q);
    }
    this.pos = q;
    return this.interner.internHashed(text, start, q, h);
  }

  /** Length of the identifier character (letter, digit, `_`, `$`, UCN, non-ASCII) at `p`, or 0. */
  private identifierCharLength(p: number): number {
    const c = this.text.charCodeAt(p);
    if (c < 128) {
      if ((CLASS[c]! & ID_CONT) !== 0) return 1;
      return c === 92 ? this.ucnLength(p) : 0;
    }
    return p < this.text.length && isNonAsciiIdentifierChar(c) ? 1 : 0;
  }

  /** End of the identifier whose remaining characters start at `p`. */
  private identifierEnd(p: number): number {
    for (let len = this.identifierCharLength(p); len > 0; len = this.identifierCharLength(p)) p += len;
    return p;
  }

  /** End of the pp-number whose remaining characters start at `p`. */
  private numberEnd(p: number): number {
    const text = this.text;
    for (;;) {
      const c = text.charCodeAt(p);
      if (c === 46) p++;
      else if (c === 43 || c === 45) { // + - after e E p P
        const prev = text.charCodeAt(p - 1) | 0x20;
        if (prev !== 101 && prev !== 112) return p;
        p++;
      } else {
        const len = this.identifierCharLength(p);
        if (len === 0) return p;
        p += len;
      }
    }
  }

  /** A character constant or string literal starting at `start` whose quote is at `q`. */
  private quoted(start: number, q: number, line: number, col: number, flags: number): PPToken {
    const text = this.text;
    const n = text.length;
    const quote = text.charCodeAt(q);
    let p = q + 1;
    while (p < n) {
      const c = text.charCodeAt(p);
      if (c === quote) {
        this.pos = p + 1;
        return new PPToken(quote === 34 ? TokenKind.String : TokenKind.Char, text.slice(start, p + 1), this.presumedFile, line, col, flags, null);
      }
      if (c === 10) break;
      p += c === 92 && text.charCodeAt(p + 1) !== 10 ? 2 : 1;
    }
    // Unterminated: as gcc, the quote and the rest of the line become one Other token
    // (a prefix before it stays an identifier).
    if (q > start) {
      this.pos = q;
      return new PPToken(TokenKind.Identifier, text.slice(start, q), this.presumedFile, line, col, flags, null);
    }
    const end = Math.min(p, n);
    this.pos = end;
    return new PPToken(TokenKind.Other, text.slice(start, end), this.presumedFile, line, col, flags | TokenFlags.Unterminated, null);
  }
}

/** Non-ASCII UTF-16 units accepted in identifiers (gcc accepts UTF-8 identifiers; we exclude only the obvious non-letters). */
function isNonAsciiIdentifierChar(c: number): boolean {
  // No-break space, the General Punctuation spaces and marks, and the BOM / line and paragraph separators.
  return c !== 0xa0 && !(c >= 0x2000 && c <= 0x206f) && c !== 0xfeff && c !== 0x3000;
}

/** True for `0-9 a-f A-F`. */
export function isHexDigit(c: number): boolean {
  return (c >= 48 && c <= 57) || ((c | 0x20) >= 97 && (c | 0x20) <= 102);
}

/**
 * Lexes `source` (a file of the table `diagnostics.files`, or a text, added to
 * the table as `name`) into contract tokens without preprocessing; the last one is `Eof`.
 */
export function tokenize(source: SourceFile, diagnostics: Diagnostics): Token[] {
  let index = diagnostics.files.indexOf(source);
  if (index < 0) index = diagnostics.files.push(source) - 1;
  const lexer = new Lexer(source, index, diagnostics, new Interner());
  const out: Token[] = [];
  while (true) {
    const t = lexer.next();
    out.push(t);
    if (t.kind === TokenKind.Eof) return out;
  }
}
