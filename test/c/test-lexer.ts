/**
 * A minimal C tokenizer for the front-end tests: source text without
 * preprocessing directives -> `Token[]` (the preprocessor's contract). The
 * parser and IR generation are tested with it independently of the
 * preprocessor.
 */
import { Token, TokenKind, type PreprocessedUnit, type SourceFile } from '../../src/frontends/c/token.js';

const TOKEN_RE = /\s+|\/\/[^\n]*|\/\*[\s\S]*?\*\/|(?:L|u8|u|U)?"(?:[^"\\\n]|\\.)*"|(?:L|u|U)?'(?:[^'\\\n]|\\.)*'|\.?[0-9](?:[eEpP][+-]|[0-9a-zA-Z_.])*|[A-Za-z_$][A-Za-z0-9_$]*|\.\.\.|<<=|>>=|->|\+\+|--|<<|>>|<=|>=|==|!=|&&|\|\||[*/%+\-&^|]=|##|./y;

/** Tokenizes `text` (file index 0 of the returned unit's file table). */
export function lexForTest(text: string, name = 'test.c'): PreprocessedUnit {
  const files: SourceFile[] = [{ name, text }];
  const tokens: Token[] = [];
  let i = 0, line = 1, lineStart = 0, space = false, first = true;
  while (i < text.length) {
    TOKEN_RE.lastIndex = i;
    const s = TOKEN_RE.exec(text)![0];
    let kind: TokenKind | null = null;
    if (/^\s/.test(s) || s.startsWith('//') || s.startsWith('/*')) space = true;
    else if (/^(L|u8|u|U)?"/.test(s)) kind = TokenKind.String;
    else if (/^(L|u|U)?'/.test(s)) kind = TokenKind.Char;
    else if (/^\.?[0-9]/.test(s)) kind = TokenKind.Number;
    else if (/^[A-Za-z_$]/.test(s)) kind = TokenKind.Identifier;
    else kind = TokenKind.Punct;
    if (kind !== null) {
      tokens.push(new Token(kind, s, 0, line, i - lineStart + 1, space, first));
      space = false;
      first = false;
    }
    for (const ch of s) {
      i++;
      if (ch === '\n') { line++; lineStart = i; first = true; }
    }
  }
  tokens.push(new Token(TokenKind.Eof, '', 0, line, 1, false, true));
  return { tokens, files };
}
