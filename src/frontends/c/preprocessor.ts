/**
 * The C11 preprocessor (translation phase 4): directives, macro expansion and
 * `#include`, from the lexer's tokens to the parser's `Token[]`.
 *
 *   lexer ──► directives (#define #if #include #line #pragma ...) ──► macro expansion ──► Token[]
 *                 ▲            │ #include pushes a file                 │
 *                 └── reads ───┘                                          └─ pushes frames it rescans
 *
 * Terms:
 *  - *frame*: a list of tokens being read before the current file (a macro's
 *    substituted replacement, pushed back lookahead, or a *barrier* frame that
 *    isolates a macro argument or a `#if` line: reading past its end gives
 *    `BARRIER_END` instead of continuing outside).
 *  - *hide set*: Prosser's algorithm (C11 6.10.3.4, "the C preprocessor
 *    expansion algorithm"): a token carries the set of macros it came from;
 *    a name in its own hide set is never expanded again. An object-like
 *    expansion adds the macro to its name's set; a function-like one uses
 *    (name's set ∩ the closing parenthesis's set) + the macro, so a macro
 *    invoked through `f(...)` whose `)` came from outside can expand again.
 *  - *location*: tokens produced by an expansion are located at the name of
 *    the outermost macro invocation (see `token.ts`).
 *
 * `#pragma`: `once`, `push_macro`/`pop_macro`, `GCC poison`, `GCC warning`,
 * `GCC error`, `GCC system_header` and `GCC dependency` are handled here;
 * every other pragma (and `_Pragma`) reaches the parser as a `Pragma` token.
 * Unknown directives in live code are errors; `#ident`/`#sccs` are ignored;
 * `#assert`/`#unassert` are errors ("not supported").
 *
 * Include guards: a file whose only content is `#ifndef X ... #endif` (or
 * `#if !defined X`) is not read again while `X` is defined; `#pragma once`
 * files never.
 */
import * as fs from 'node:fs';
import { normalize } from 'node:path';
import { Diagnostics, TooManyErrors } from './diagnostics.js';
import { Interner, Lexer, PPToken, TokenFlags } from './lexer.js';
import { Builtin, HideSet, Macro, MacroKind } from './macro.js';
import { evaluateCondition } from './pp-expression.js';
import { predefinedMacrosText } from './predefined.js';
import { attributeBaseName, SUPPORTED_ATTRIBUTES, SUPPORTED_BUILTINS } from './builtins.js';
import { bracketSearchPath, directoryOf, joinIncludePath, type SearchOptions } from './include-search.js';
import { Token, TokenKind, type PreprocessedUnit, type SourceFile, type SourceLocation } from './token.js';

/** Options of `preprocess`. */
export interface PreprocessOptions extends SearchOptions {
  /** Macros to define, as on gcc's command line: `NAME` (defined as 1), `NAME=value`, `NAME(a,b)=body`. */
  readonly defines?: readonly string[];
  /** Macros to undefine after the predefined ones and `defines` (gcc's `-U`). */
  readonly undefines?: readonly string[];
  /** The time `__DATE__` and `__TIME__` show (default: `SOURCE_DATE_EPOCH` from the environment, else now). */
  readonly date?: Date;
  /** Files served from memory instead of the file system (path -> text), e.g. for tests or `cc({ files })`. */
  readonly virtualFiles?: ReadonlyMap<string, string> | Readonly<Record<string, string>>;
  /** Maximum `#include` nesting (default 200, as gcc). */
  readonly maxIncludeDepth?: number;
}

/** A file name to read, or a text with the name diagnostics show. */
export type PreprocessInput = string | { readonly name: string; readonly text: string };

/** Internal kind of the empty token that stands for an empty macro argument next to `##`. */
const PLACEMARKER = 100 as TokenKind;

/** What reading past the end of a barrier frame returns. */
const BARRIER_END = new PPToken(TokenKind.Eof, '', 0, 0, 0, 0, null);

/** How deeply macro arguments may nest (each level is a few JS frames of recursion). */
const MAX_ARGUMENT_NESTING = 256;

/** Stops preprocessing after a fatal error (a missing `#include` file), as gcc does. */
class FatalError extends Error {}

/** A list of tokens read before the current file. */
class Frame {
  /** Next index into `tokens`. */
  pos = 0;
  /** Creates a frame. */
  constructor(readonly tokens: PPToken[], readonly barrier: boolean) {}
}

/** One open `#if` group. */
interface Conditional {
  /** Some branch of this `#if ... #endif` was (or is being) taken. */
  taken: boolean;
  /** `#else` was seen. */
  sawElse: boolean;
  /** The directive that opened it (for "unterminated #ifndef"). */
  readonly directive: string;
  /** Where it opened. */
  readonly loc: SourceLocation;
}

/** Include-guard detection state of an open file. */
const enum Guard {
  /** Nothing but white space and comments seen yet. */
  Start,
  /** Inside the `#ifndef X` that opens the file. */
  Inside,
  /** After its `#endif`; nothing but white space may follow. */
  Closed,
  /** Not a guarded file. */
  None,
}

/** A file being read. */
interface OpenFile {
  readonly lexer: Lexer;
  /** The path it was opened by (as gcc forms it; used for guards, once and include_next). */
  readonly path: string;
  /** Directory for `"..."` includes from it. */
  readonly dir: string;
  /** Index into the bracket search path where it was found, or -1. */
  readonly dirIndex: number;
  readonly conds: Conditional[];
  guard: Guard;
  guardMacro: string;
}

/** Spellings of digraph punctuators, for stringizing. */
const DIGRAPH_SPELLING: Record<string, string> = { '[': '<:', ']': ':>', '{': '<%', '}': '%>', '#': '%:', '##': '%:%:' };

/** The computed macros, by name. */
const BUILTIN_MACROS: ReadonlyArray<[string, Builtin]> = [
  ['__FILE__', Builtin.File], ['__LINE__', Builtin.Line], ['__COUNTER__', Builtin.Counter],
  ['__INCLUDE_LEVEL__', Builtin.IncludeLevel], ['__BASE_FILE__', Builtin.BaseFile], ['__DATE__', Builtin.Date],
  ['__TIME__', Builtin.Time], ['__TIMESTAMP__', Builtin.Timestamp], ['_Pragma', Builtin.Pragma],
  ['__has_include', Builtin.HasInclude], ['__has_include_next', Builtin.HasIncludeNext],
  ['__has_attribute', Builtin.HasAttribute], ['__has_builtin', Builtin.HasBuiltin], ['__has_c_attribute', Builtin.HasCAttribute],
];

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/**
 * Preprocesses a translation unit: `input` is a file path or `{ name, text }`.
 * Files read are appended to `diagnostics.files` (which is also the result's
 * `files`); problems are reported to `diagnostics` (never thrown). After a
 * fatal error (missing include) or too many errors, the tokens so far are returned.
 */
export function preprocess(input: PreprocessInput, options: PreprocessOptions, diagnostics: Diagnostics): PreprocessedUnit {
  return new Preprocessor(options, diagnostics).run(input);
}

/**
 * Like `preprocess`, and also returns the macros defined at the end of the unit
 * (gcc's `-dM`): name -> `#define` line, the computed ones (`__LINE__` ...) left out.
 */
export function preprocessWithMacros(input: PreprocessInput, options: PreprocessOptions, diagnostics: Diagnostics): { unit: PreprocessedUnit; macros: Map<string, string> } {
  const p = new Preprocessor(options, diagnostics);
  const unit = p.run(input);
  return { unit, macros: p.definitions() };
}

/** The preprocessor state of one translation unit. */
class Preprocessor {
  private readonly macros = new Map<string, Macro>();
  /** One string per distinct identifier / number spelling of the unit. */
  private readonly interner = new Interner();
  private readonly frames: Frame[] = [];
  private readonly fileStack: OpenFile[] = [];
  private file!: OpenFile;
  private readonly bracketPath: string[];
  private readonly virtualFiles: Map<string, string>;
  /** Texts read, by path (null: does not exist). */
  private readonly textCache = new Map<string, string | null>();
  /** Include guard macro of each fully read guarded file, by identity. */
  private readonly guards = new Map<string, string>();
  /** Files with `#pragma once`, by identity. */
  private readonly onceFiles = new Set<string>();
  /** `identity()` of each path asked about. */
  private readonly identities = new Map<string, string>();
  /** `#pragma push_macro` stacks. */
  private readonly pushedMacros = new Map<string, Array<Macro | undefined>>();
  private readonly poisoned = new Set<string>();
  private counter = 0;
  private baseFile = '';
  private readonly dateText: string;
  private readonly timeText: string;
  /** True while the tokens of a `#if`/`#elif` line are expanded (`defined` and `__has_*` are operators). */
  private inCondition = false;
  /** Depth of `expandList` calls (nested macro arguments). */
  private listDepth = 0;
  /** Depth of macro argument collection (directives inside arguments are restricted). */
  private collectingArgs = 0;
  /** Pragmas found while collecting macro arguments, emitted before the expansion. */
  private deferredPragmas: PPToken[] = [];
  private readonly maxIncludeDepth: number;

  constructor(private readonly options: PreprocessOptions, private readonly diagnostics: Diagnostics) {
    this.bracketPath = bracketSearchPath(options);
    const vf = options.virtualFiles;
    this.virtualFiles = new Map();
    for (const [k, v] of vf === undefined ? [] : vf instanceof Map ? vf : Object.entries(vf)) this.virtualFiles.set(normalize(k), v);
    this.maxIncludeDepth = options.maxIncludeDepth ?? 200;
    const epoch = process.env['SOURCE_DATE_EPOCH'];
    const date = options.date ?? (epoch !== undefined && /^\d+$/.test(epoch) ? new Date(Number(epoch) * 1000) : new Date());
    const utc = options.date === undefined && epoch !== undefined;
    const d = utc ? date.getUTCDate() : date.getDate();
    const two = (n: number): string => String(n).padStart(2, '0');
    this.dateText = `"${MONTHS[utc ? date.getUTCMonth() : date.getMonth()]} ${String(d).padStart(2, ' ')} ${utc ? date.getUTCFullYear() : date.getFullYear()}"`;
    this.timeText = utc
      ? `"${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())}"`
      : `"${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}"`;
    for (const [name, b] of BUILTIN_MACROS) this.macros.set(name, new Macro(name, MacroKind.Builtin, [], false, [], undefined, b));
  }

  /** Preprocesses the whole unit. */
  run(input: PreprocessInput): PreprocessedUnit {
    const out: Token[] = [];
    const files = this.diagnostics.files;
    try {
      this.runSetup('<built-in>', predefinedMacrosText());
      const cmd: string[] = [];
      for (const d of this.options.defines ?? []) {
        const eq = d.indexOf('=');
        const def = eq < 0 ? `${d} 1` : `${d.slice(0, eq)} ${d.slice(eq + 1)}`;
        cmd.push(`#define ${def.replace(/[\r\n]+/g, ' ')}`);
      }
      for (const u of this.options.undefines ?? []) cmd.push(`#undef ${u}`);
      if (cmd.length > 0) this.runSetup('<command-line>', cmd.join('\n') + '\n');
      let source: SourceFile;
      if (typeof input === 'string') {
        const text = this.readText(input);
        if (text === null) {
          this.diagnostics.error(undefined, `${input}: No such file or directory`);
          throw new FatalError();
        }
        source = { name: input, text };
      } else {
        source = { name: input.name, text: input.text };
      }
      this.baseFile = source.name;
      this.pushFile(source, source.name, directoryOf(source.name), -1);
      for (;;) {
        const t = this.expandNext();
        if (t.kind === TokenKind.Eof) {
          if (this.endOfFile()) continue;
          break;
        }
        if (t.kind === TokenKind.Other && (t.flags & TokenFlags.Unterminated) !== 0) {
          this.diagnostics.error(t, `missing terminating ${t.spelling[0]} character`);
        }
        out.push(t);
      }
    } catch (e) {
      if (e instanceof RangeError && /call stack/.test(e.message)) {
        // A safety net: every recursion is bounded, but never let bad input surface as a JS exception.
        this.diagnostics.error(this.fileStack.length > 0 ? this.file.lexer.location() : undefined, 'input nested too deeply for the preprocessor');
      } else if (!(e instanceof FatalError) && !(e instanceof TooManyErrors)) throw e;
    }
    const last = out.length > 0 ? out[out.length - 1]! : undefined;
    out.push(new PPToken(TokenKind.Eof, '', last?.file ?? 0, last?.line ?? 1, last?.col ?? 1, TokenFlags.LineStart, null));
    return { tokens: out, files };
  }

  /** Every macro defined now (not the computed ones) as its `#define` line, by name. */
  definitions(): Map<string, string> {
    const out = new Map<string, string>();
    for (const [name, m] of this.macros) {
      if (m.kind === MacroKind.Builtin) continue;
      let params = '';
      if (m.kind === MacroKind.Function) {
        const ps = m.params.map((p, i) => (m.variadic && i === m.params.length - 1 ? (p === '__VA_ARGS__' ? '...' : p + '...') : p));
        params = `(${ps.join(', ')})`;
      }
      const body = spellLine(m.body);
      out.set(name, `#define ${name}${params}${body === '' ? '' : ' ' + body}`);
    }
    return out;
  }

  /** Processes a setup text (`<built-in>`, `<command-line>`): directives only. */
  private runSetup(name: string, text: string): void {
    const source: SourceFile = { name, text };
    this.pushFile(source, name, '', -1);
    for (;;) {
      const t = this.expandNext();
      if (t.kind === TokenKind.Eof) break;
      this.diagnostics.error(t, `unexpected token "${t.spelling}" in ${name}`);
    }
    this.endOfFile();
  }

  // ---------------------------------------------------------------- files

  /** Reads a file (virtual first), caching; null when it does not exist. */
  private readText(path: string): string | null {
    let text = this.textCache.get(path);
    if (text !== undefined) return text;
    text = this.virtualFiles.size > 0 ? this.virtualFiles.get(normalize(path)) ?? null : null;
    if (text === null) {
      try {
        const st = fs.statSync(path, { throwIfNoEntry: false });
        text = st !== undefined && st.isFile() ? fs.readFileSync(path, 'utf8') : null;
      } catch {
        text = null;
      }
    }
    this.textCache.set(path, text);
    return text;
  }

  /** One key per file however it is named (`a.h`, `./a.h`, a symlink): its real path, or the normalised path of a virtual file. */
  private identity(path: string): string {
    let id = this.identities.get(path);
    if (id === undefined) {
      const normal = normalize(path);
      try {
        id = this.virtualFiles.has(normal) ? normal : fs.realpathSync(path);
      } catch {
        id = normal;
      }
      this.identities.set(path, id);
    }
    return id;
  }

  private pushFile(source: SourceFile, path: string, dir: string, dirIndex: number): void {
    const index = this.diagnostics.files.push(source) - 1;
    const lexer = new Lexer(source, index, this.diagnostics, this.interner);
    const f: OpenFile = { lexer, path, dir, dirIndex, conds: [], guard: Guard.Start, guardMacro: '' };
    this.fileStack.push(f);
    this.file = f;
  }

  /** Closes the current file at its end; false when it was the main file (nothing left). */
  private endOfFile(): boolean {
    const f = this.file;
    for (const c of f.conds) this.diagnostics.error(c.loc, `unterminated ${c.directive}`);
    if (f.guard === Guard.Closed && f.guardMacro !== '') this.guards.set(this.identity(f.path), f.guardMacro);
    this.fileStack.pop();
    if (this.fileStack.length === 0) return false;
    this.file = this.fileStack[this.fileStack.length - 1]!;
    return true;
  }

  // ---------------------------------------------------------------- token reading

  /** The next unexpanded token: from the innermost frame, else the current file (handling directives there). */
  private nextRaw(): PPToken {
    const frames = this.frames;
    while (frames.length > 0) {
      const top = frames[frames.length - 1]!;
      if (top.pos < top.tokens.length) return top.tokens[top.pos++]!;
      if (top.barrier) return BARRIER_END;
      frames.pop();
    }
    return this.fromFile();
  }

  /** The next token of the current file that is not part of a directive (directives are executed). */
  private fromFile(): PPToken {
    const f = this.file;
    for (;;) {
      const t = f.lexer.next();
      if (t.kind === TokenKind.Punct && (t.flags & TokenFlags.LineStart) !== 0 && t.spelling === '#') {
        const pragma = this.directive(t);
        if (this.file !== f) return this.fromFile(); // #include switched files
        if (pragma !== null) return pragma;
        continue;
      }
      if (f.guard !== Guard.Inside && t.kind !== TokenKind.Eof) f.guard = Guard.None;
      return t;
    }
  }

  /** True when the next token is `(`, without consuming it (a directive line or the end of a file or barrier answers no). */
  private nextIsLParen(): boolean {
    const frames = this.frames;
    while (frames.length > 0) {
      const top = frames[frames.length - 1]!;
      if (top.pos < top.tokens.length) {
        const t = top.tokens[top.pos]!;
        return t.kind === TokenKind.Punct && t.spelling === '(';
      }
      if (top.barrier) return false;
      frames.pop();
    }
    const t = this.file.lexer.peek();
    if (t.kind !== TokenKind.Punct) return false;
    if (t.spelling === '#' && (t.flags & TokenFlags.LineStart) !== 0) return false;
    return t.spelling === '(';
  }

  /** Reads the rest of the current directive line from the file (unexpanded). */
  private lineTokens(): PPToken[] {
    const lexer = this.file.lexer;
    const out: PPToken[] = [];
    for (;;) {
      const t = lexer.peek();
      if (endsLine(t)) return out;
      out.push(lexer.next());
    }
  }

  /** Macro-expands `tokens` in isolation (a macro argument, a `#if` or `#include` line). */
  private expandList(tokens: PPToken[]): PPToken[] {
    // Arguments are expanded recursively (an argument holding an invocation whose
    // arguments hold one ...): bound the depth so that the JS stack is never exhausted.
    if (this.listDepth >= MAX_ARGUMENT_NESTING) {
      if (tokens.length > 0) this.diagnostics.error(tokens[0]!, `macro arguments nested more than ${MAX_ARGUMENT_NESTING} levels deep`);
      throw new FatalError();
    }
    this.listDepth++;
    try {
      return this.expandIsolated(tokens);
    } finally {
      this.listDepth--;
    }
  }

  private expandIsolated(tokens: PPToken[]): PPToken[] {
    const frame = new Frame(tokens, true);
    this.frames.push(frame);
    const depth = this.frames.length;
    const out: PPToken[] = [];
    for (;;) {
      const t = this.expandNext();
      if (t === BARRIER_END) break;
      out.push(t);
    }
    // expandNext never pops a barrier frame; frames above it are exhausted by now.
    this.frames.length = depth - 1;
    return out;
  }

  // ---------------------------------------------------------------- macro expansion

  /** The next fully macro-expanded token. */
  private expandNext(): PPToken {
    for (;;) {
      const t = this.nextRaw();
      if (t.kind !== TokenKind.Identifier || (t.flags & TokenFlags.NoExpand) !== 0) return t;
      const m = this.macros.get(t.spelling);
      if (m === undefined) {
        if (this.inCondition && t.spelling === 'defined') return this.definedOperator(t);
        if (this.poisoned.size > 0 && this.poisoned.has(t.spelling)) this.diagnostics.error(t, `attempt to use poisoned "${t.spelling}"`);
        return t;
      }
      if (t.hideSet !== null && t.hideSet.has(m)) return t;
      if (m.kind === MacroKind.Builtin) {
        const r = this.expandBuiltin(t, m);
        if (r !== null) return r;
        continue;
      }
      if (m.kind === MacroKind.Object) {
        this.pushExpansion(this.substitute(m, t, null, t.hideSet === null ? m.hideSelf() : t.hideSet.with(m)));
        continue;
      }
      if (!this.nextIsLParen()) return t;
      this.nextRaw(); // (
      const collected = this.collectArguments(m, t);
      if (collected === null) continue; // reported; the invocation is dropped
      const hs = HideSet.intersect(t.hideSet, collected.rparen.hideSet);
      this.pushExpansion(this.substitute(m, t, collected.args, hs === null ? m.hideSelf() : hs.with(m)));
      if (this.deferredPragmas.length > 0 && this.collectingArgs === 0) {
        this.frames.push(new Frame(this.deferredPragmas, false));
        this.deferredPragmas = [];
      }
    }
  }

  /** `defined X` / `defined ( X )` in a `#if` line (also when a macro expanded to it, as gcc allows). */
  private definedOperator(t: PPToken): PPToken {
    let id = this.nextRaw();
    const paren = id.kind === TokenKind.Punct && id.spelling === '(';
    if (paren) id = this.nextRaw();
    if (id.kind !== TokenKind.Identifier) {
      this.diagnostics.error(id.kind === TokenKind.Eof ? t : id, 'operator "defined" requires an identifier');
      return numberToken(t, '0');
    }
    if (paren) {
      const close = this.nextRaw();
      if (close.kind !== TokenKind.Punct || close.spelling !== ')') {
        this.diagnostics.error(close.kind === TokenKind.Eof ? id : close, `missing ')' after "defined"`);
        return numberToken(t, '0');
      }
    }
    return numberToken(t, this.macros.has(id.spelling) ? '1' : '0');
  }

  private pushExpansion(tokens: PPToken[]): void {
    if (tokens.length > 0) this.frames.push(new Frame(tokens, false));
  }

  /**
   * Reads the arguments of an invocation of `m` after its `(`. Returns null
   * after reporting an error (unterminated list, wrong count).
   */
  private collectArguments(m: Macro, name: PPToken): { args: PPToken[][]; rparen: PPToken } | null {
    const args: PPToken[][] = [];
    let current: PPToken[] = [];
    let depth = 0;
    const nparams = m.params.length;
    this.collectingArgs++;
    try {
      for (;;) {
        const t = this.nextRaw();
        if (t.kind === TokenKind.Eof) {
          // (The lexer's Eof is sticky: the caller sees it again.)
          this.diagnostics.error(name, `unterminated argument list invoking macro "${m.name}"`);
          return null;
        }
        if (t.kind === TokenKind.Pragma) {
          this.deferredPragmas.push(t);
          continue;
        }
        if (t.kind === TokenKind.Punct) {
          const s = t.spelling;
          if (s === '(') depth++;
          else if (s === ')') {
            if (depth === 0) {
              args.push(current);
              return this.checkArgumentCount(m, name, args) ? { args, rparen: t } : null;
            }
            depth--;
          } else if (s === ',' && depth === 0 && !(m.variadic && args.length === nparams - 1)) {
            args.push(current);
            current = [];
            continue;
          }
        }
        current.push(t);
      }
    } finally {
      this.collectingArgs--;
    }
  }

  private checkArgumentCount(m: Macro, name: PPToken, args: PPToken[][]): boolean {
    const n = m.params.length;
    if (n === 0) {
      if (args.length === 1 && args[0]!.length === 0) {
        args.length = 0;
        return true;
      }
      this.diagnostics.error(name, `macro "${m.name}" passed ${args.length} arguments, but takes just 0`);
      return false;
    }
    if (args.length === n) return true;
    if (args.length < n) {
      if (m.variadic && args.length === n - 1) {
        args.push([]);
        return true;
      }
      this.diagnostics.error(name, `macro "${m.name}" requires ${n} arguments, but only ${args.length} given`);
      return false;
    }
    this.diagnostics.error(name, `macro "${m.name}" passed ${args.length} arguments, but takes just ${n}`);
    return false;
  }

  /**
   * The replacement of an invocation of `m` by `name` (C11 6.10.3.1-3): parameters
   * replaced by their fully expanded arguments (or unexpanded next to `#`/`##`),
   * `#` stringizing, `##` pasting, then `hs` added to every token's hide set.
   * Every token is a fresh copy located at `name`.
   */
  private substitute(m: Macro, name: PPToken, args: PPToken[][] | null, hs: HideSet): PPToken[] {
    const out: PPToken[] = [];
    const expanded: Array<PPToken[] | undefined> = [];
    this.substituteRange(m, name, args, expanded, 0, m.body.length, out);
    let w = 0;
    for (let i = 0; i < out.length; i++) {
      const t = out[i]!;
      if (t.kind === PLACEMARKER) continue;
      t.hideSet = t.hideSet === null ? hs : HideSet.union(t.hideSet, hs);
      out[w++] = t;
    }
    out.length = w;
    if (w > 0) out[0] = out[0]!.withFlags((out[0]!.flags & ~(TokenFlags.SpaceBefore | TokenFlags.LineStart)) | (name.flags & (TokenFlags.SpaceBefore | TokenFlags.LineStart)));
    return out;
  }

  private substituteRange(m: Macro, name: PPToken, args: PPToken[][] | null, expanded: Array<PPToken[] | undefined>, from: number, to: number, out: PPToken[]): void {
    const body = m.body;
    let i = from;
    while (i < to) {
      const rawNeeded = this.operandEnd(m, i) < to && isPasteOp(body[this.operandEnd(m, i)]!);
      i = this.operand(m, name, args, expanded, i, rawNeeded, out);
      while (i < to && isPasteOp(body[i]!)) {
        const commaBefore = body[i - 1]!.kind === TokenKind.Punct && body[i - 1]!.spelling === ',';
        const rhsIndex = i + 1;
        const rhs: PPToken[] = [];
        const end = this.operand(m, name, args, expanded, rhsIndex, true, rhs);
        const vaRhs = m.variadic && m.paramOf[rhsIndex] === m.params.length - 1;
        if (commaBefore && vaRhs && out.length > 0 && out[out.length - 1]!.spelling === ',') {
          // gcc: `, ## __VA_ARGS__` drops the comma when the variable arguments are empty, else does not paste.
          if (rhs.length === 1 && rhs[0]!.kind === PLACEMARKER) out.pop();
          else for (const t of rhs) out.push(t);
        } else {
          const lhs = out.pop();
          if (lhs === undefined || lhs.kind === PLACEMARKER) {
            for (const t of rhs) out.push(t);
          } else if (rhs[0]!.kind === PLACEMARKER) {
            out.push(lhs);
          } else {
            for (const t of this.paste(lhs, rhs[0]!)) out.push(t);
            for (let k = 1; k < rhs.length; k++) out.push(rhs[k]!);
          }
        }
        i = end;
      }
    }
  }

  /** Index just after the operand starting at body index `i`. */
  private operandEnd(m: Macro, i: number): number {
    const t = m.body[i]!;
    if (m.kind === MacroKind.Function) {
      if (t.kind === TokenKind.Punct && t.spelling === '#' && i + 1 < m.body.length && m.paramOf[i + 1]! >= 0) return i + 2;
      if (m.vaOptEnd[i]! > 0) return m.vaOptEnd[i]! + 1;
    }
    return i + 1;
  }

  /**
   * Appends the tokens of the operand at body index `i` to `out` (a placemarker
   * when it is empty and `raw`, i.e. next to `##`); returns the index after it.
   */
  private operand(m: Macro, name: PPToken, args: PPToken[][] | null, expanded: Array<PPToken[] | undefined>, i: number, raw: boolean, out: PPToken[]): number {
    const t = m.body[i]!;
    const p = m.paramOf[i]!;
    if (args !== null) {
      if (t.kind === TokenKind.Punct && t.spelling === '#' && i + 1 < m.body.length && m.paramOf[i + 1]! >= 0) {
        out.push(this.stringize(args[m.paramOf[i + 1]!]!, name, t));
        return i + 2;
      }
      if (m.vaOptEnd[i]! > 0) {
        const end = m.vaOptEnd[i]!;
        const va = args[m.params.length - 1]!;
        const vaExpanded = (expanded[m.params.length - 1] ??= this.expandList(va));
        const start = out.length;
        if (vaExpanded.length > 0) this.substituteRange(m, name, args, expanded, i + 2, end, out);
        if (out.length === start && raw) out.push(this.placemarker(name));
        else if (out.length > start) out[start] = out[start]!.withFlags((out[start]!.flags & ~TokenFlags.SpaceBefore) | (t.flags & TokenFlags.SpaceBefore));
        return end + 1;
      }
      if (p >= 0) {
        const src = raw ? args[p]! : (expanded[p] ??= this.expandList(args[p]!));
        if (src.length === 0) {
          if (raw) out.push(this.placemarker(name));
          return i + 1;
        }
        for (let k = 0; k < src.length; k++) {
          const a = src[k]!;
          const flags = k === 0 ? (a.flags & ~(TokenFlags.SpaceBefore | TokenFlags.LineStart)) | (t.flags & TokenFlags.SpaceBefore) : a.flags & ~TokenFlags.LineStart;
          out.push(new PPToken(a.kind, a.spelling, name.file, name.line, name.col, flags, a.hideSet));
        }
        return i + 1;
      }
    }
    out.push(new PPToken(t.kind, t.spelling, name.file, name.line, name.col, t.flags & (TokenFlags.SpaceBefore | TokenFlags.Digraph), null));
    return i + 1;
  }

  private placemarker(at: PPToken): PPToken {
    return new PPToken(PLACEMARKER, '', at.file, at.line, at.col, 0, null);
  }

  /** `#param`: the argument's spelling as a string literal (C11 6.10.3.2). */
  private stringize(arg: PPToken[], name: PPToken, hash: PPToken): PPToken {
    let s = '"';
    for (let k = 0; k < arg.length; k++) {
      const t = arg[k]!;
      if (k > 0 && (t.flags & (TokenFlags.SpaceBefore | TokenFlags.LineStart)) !== 0) s += ' ';
      if (t.kind === TokenKind.String || t.kind === TokenKind.Char) s += t.spelling.replace(/[\\"]/g, '\\$&');
      else if (t.kind === TokenKind.Other && (t.flags & TokenFlags.Unterminated) !== 0) s += t.spelling.replace(/[\\"]/g, '\\$&');
      else if ((t.flags & TokenFlags.Digraph) !== 0) s += DIGRAPH_SPELLING[t.spelling] ?? t.spelling;
      else s += t.spelling;
    }
    s += '"';
    return new PPToken(TokenKind.String, s, name.file, name.line, name.col, hash.flags & TokenFlags.SpaceBefore, null);
  }

  /** `lhs ## rhs`: one token when the spellings together lex as one, else an error and both tokens. */
  private paste(lhs: PPToken, rhs: PPToken): PPToken[] {
    const text = lhs.spelling + rhs.spelling;
    const lexed = lexOne(text, this.interner);
    if (lexed === null) {
      this.diagnostics.error(lhs, `pasting "${lhs.spelling}" and "${rhs.spelling}" does not give a valid preprocessing token`);
      return [lhs, rhs];
    }
    return [new PPToken(lexed.kind, lexed.spelling, lhs.file, lhs.line, lhs.col, (lhs.flags & TokenFlags.SpaceBefore) | (lexed.flags & TokenFlags.Digraph), null)];
  }

  /** Expands a computed macro; returns the token it stands for, or null when it pushed tokens (or nothing). */
  private expandBuiltin(t: PPToken, m: Macro): PPToken | null {
    const make = (kind: TokenKind, spelling: string): PPToken => new PPToken(kind, spelling, t.file, t.line, t.col, t.flags & (TokenFlags.SpaceBefore | TokenFlags.LineStart), t.hideSet);
    switch (m.builtin) {
      case Builtin.File: return make(TokenKind.String, quoteString(this.diagnostics.files[t.file]?.name ?? ''));
      case Builtin.Line: return make(TokenKind.Number, String(t.line));
      case Builtin.Counter: return make(TokenKind.Number, String(this.counter++));
      case Builtin.IncludeLevel: return make(TokenKind.Number, String(Math.max(0, this.fileStack.length - 1)));
      case Builtin.BaseFile: return make(TokenKind.String, quoteString(this.baseFile));
      case Builtin.Date: return make(TokenKind.String, this.dateText);
      case Builtin.Time: return make(TokenKind.String, this.timeText);
      case Builtin.Timestamp: return make(TokenKind.String, this.timestamp(t));
      case Builtin.Pragma: return this.pragmaOperator(t);
      case Builtin.HasInclude:
      case Builtin.HasIncludeNext:
      case Builtin.HasAttribute:
      case Builtin.HasBuiltin:
      case Builtin.HasCAttribute: {
        if (!this.inCondition) {
          this.diagnostics.error(t, `"${m.name}" used outside of preprocessing directive`);
          return null;
        }
        const value = this.hasOperator(t, m);
        return make(TokenKind.Number, value ? '1' : '0');
      }
      default:
        return t;
    }
  }

  private timestamp(t: PPToken): string {
    const path = this.diagnostics.files[t.file]?.name ?? '';
    try {
      const d = fs.statSync(path).mtime;
      const two = (n: number): string => String(n).padStart(2, '0');
      return `"${DAYS[d.getDay()]} ${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2, ' ')} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())} ${d.getFullYear()}"`;
    } catch {
      return '"??? ??? ?? ??:??:?? ????"';
    }
  }

  /** `__has_include(...)`, `__has_attribute(x)` etc. inside `#if`: reads the operand, returns the answer. */
  private hasOperator(t: PPToken, m: Macro): boolean {
    const open = this.nextRaw();
    if (open.kind !== TokenKind.Punct || open.spelling !== '(') {
      this.diagnostics.error(t, `missing '(' after "${m.name}"`);
      return false;
    }
    if (m.builtin === Builtin.HasInclude || m.builtin === Builtin.HasIncludeNext) {
      let first = this.nextRaw();
      if (first.kind === TokenKind.Identifier && this.macros.has(first.spelling)) {
        // A macro naming the header: expand it, then read the name from the expansion.
        this.frames.push(new Frame([first], false));
        first = this.expandNext();
      }
      let header: { name: string; angled: boolean } | null = null;
      if (first.kind === TokenKind.String && first.spelling.startsWith('"')) header = { name: first.spelling.slice(1, -1), angled: false };
      else if (first.kind === TokenKind.Punct && first.spelling === '<') {
        let name = '';
        for (;;) {
          const x = this.nextRaw();
          if (x.kind === TokenKind.Eof) break;
          if (x.kind === TokenKind.Punct && x.spelling === '>') { header = { name, angled: true }; break; }
          if (name !== '' && (x.flags & TokenFlags.SpaceBefore) !== 0) name += ' ';
          name += x.spelling;
        }
      }
      const close = this.nextRaw();
      if (header === null || close.kind !== TokenKind.Punct || close.spelling !== ')') {
        this.diagnostics.error(t, `operator "${m.name}" requires a header-name`);
        return false;
      }
      return this.findInclude(header.name, header.angled, m.builtin === Builtin.HasIncludeNext) !== null;
    }
    const id = this.nextRaw();
    let name = id.spelling;
    let close = this.nextRaw();
    // C2x scoped attributes: gnu::name
    if (close.kind === TokenKind.Punct && close.spelling === ':') {
      const colon2 = this.nextRaw();
      const scoped = this.nextRaw();
      name = colon2.spelling === ':' ? `${id.spelling}::${scoped.spelling}` : name;
      close = this.nextRaw();
    }
    if (id.kind !== TokenKind.Identifier || close.kind !== TokenKind.Punct || close.spelling !== ')') {
      this.diagnostics.error(t, `macro "${m.name}" requires an identifier`);
      return false;
    }
    if (m.builtin === Builtin.HasBuiltin) return SUPPORTED_BUILTINS.has(name);
    const base = attributeBaseName(name.startsWith('gnu::') ? name.slice(5) : name);
    if (m.builtin === Builtin.HasCAttribute) return false; // no C2x [[attribute]] syntax in the front end
    return SUPPORTED_ATTRIBUTES.has(base);
  }

  /** `_Pragma("text")` (C11 6.10.9): runs the pragma; returns its `Pragma` token, or null. */
  private pragmaOperator(t: PPToken): PPToken | null {
    const open = this.nextRaw();
    const str = open.kind === TokenKind.Punct && open.spelling === '(' ? this.nextRaw() : open;
    const close = str === open ? str : this.nextRaw();
    if (open.spelling !== '(' || str.kind !== TokenKind.String || close.kind !== TokenKind.Punct || close.spelling !== ')') {
      this.diagnostics.error(t, '_Pragma takes a parenthesized string literal');
      return null;
    }
    const body = str.spelling.slice(str.spelling.indexOf('"') + 1, -1).replace(/\\(["\\])/g, '$1');
    const lexer = new Lexer({ name: '<_Pragma>', text: body }, t.file, this.diagnostics, this.interner);
    const tokens: PPToken[] = [];
    for (let x = lexer.next(); x.kind !== TokenKind.Eof; x = lexer.next()) tokens.push(x.movedTo(t.file, t.line, t.col));
    return this.pragma(t, tokens);
  }

  // ---------------------------------------------------------------- directives

  /** Executes the directive whose `#` is `hash`; returns a `Pragma` token to emit, or null. */
  private directive(hash: PPToken): PPToken | null {
    const f = this.file;
    const lexer = f.lexer;
    const nameTok = lexer.peek();
    if (endsLine(nameTok)) {
      this.guardDirective(f, '');
      return null; // the null directive
    }
    lexer.next();
    if (nameTok.kind === TokenKind.Number) {
      // GNU line marker: # 33 "file" flags
      this.guardDirective(f, '');
      this.lineDirective(nameTok, [nameTok, ...this.lineTokens()], true);
      return null;
    }
    const name = nameTok.kind === TokenKind.Identifier ? nameTok.spelling : '';
    if (this.collectingArgs > 0 && (name === 'include' || name === 'include_next' || name === 'import')) {
      this.diagnostics.error(nameTok, `#${name} inside a macro argument list is not supported`);
      lexer.skipLine();
      return null;
    }
    this.guardDirective(f, name);
    switch (name) {
      case 'define': this.define(nameTok); return null;
      case 'undef': this.undef(nameTok); return null;
      case 'include': this.include(nameTok, false, false); return null;
      case 'include_next': this.include(nameTok, true, false); return null;
      case 'import': this.include(nameTok, false, true); return null;
      case 'if': this.ifDirective(nameTok, 'if'); return null;
      case 'ifdef': this.ifDirective(nameTok, 'ifdef'); return null;
      case 'ifndef': this.ifDirective(nameTok, 'ifndef'); return null;
      case 'elif': case 'elifdef': case 'elifndef': case 'else':
        // Reached in a live group: everything up to #endif is skipped.
        this.elseInLiveGroup(nameTok, name);
        return null;
      case 'endif': this.endif(nameTok); return null;
      case 'line': this.lineDirective(nameTok, this.lineTokens(), false); return null;
      case 'error':
      case 'warning': {
        const text = spellLine(this.lineTokens());
        const message = `#${name}${text === '' ? '' : ' ' + text}`;
        if (name === 'error') this.diagnostics.error(hash, message);
        else this.diagnostics.warning(hash, message);
        return null;
      }
      case 'pragma': return this.pragma(nameTok, this.lineTokens());
      case 'ident': case 'sccs': lexer.skipLine(); return null;
      case 'assert': case 'unassert':
        this.diagnostics.error(nameTok, `#${name} is not supported`);
        lexer.skipLine();
        return null;
      default:
        this.diagnostics.error(nameTok, `invalid preprocessing directive #${nameTok.spelling}`);
        lexer.skipLine();
        return null;
    }
  }

  /** Include-guard bookkeeping for a directive named `name` in live code of `f`. */
  private guardDirective(f: OpenFile, name: string): void {
    if (f.guard === Guard.Start) {
      if (name === 'ifndef' || name === 'if') {
        f.guard = Guard.Inside; // confirmed (with the macro) by ifDirective, which may reset it
        f.guardMacro = '';
      } else f.guard = Guard.None;
    } else if (f.guard === Guard.Closed) f.guard = Guard.None;
  }

  /** Reads the macro name after `#define`/`#undef`; null (reported, line skipped) when there is none or it is not valid. */
  private macroNameOperand(at: PPToken, directive: 'define' | 'undef'): PPToken | null {
    const lexer = this.file.lexer;
    const t = lexer.peek();
    if (endsLine(t)) {
      this.diagnostics.error(at, `no macro name given in #${directive} directive`);
      return null;
    }
    lexer.next();
    if (!this.checkMacroName(t, directive)) {
      lexer.skipLine();
      return null;
    }
    return t;
  }

  private define(at: PPToken): void {
    const lexer = this.file.lexer;
    const nameTok = this.macroNameOperand(at, 'define');
    if (nameTok === null) return;
    const name = nameTok.spelling;
    const params: string[] = [];
    let variadic = false;
    let kind = MacroKind.Object;
    const next = lexer.peek();
    const sameLine = next.kind !== TokenKind.Eof && (next.flags & TokenFlags.LineStart) === 0;
    if (sameLine && next.kind === TokenKind.Punct && next.spelling === '(' && (next.flags & TokenFlags.SpaceBefore) === 0) {
      lexer.next();
      kind = MacroKind.Function;
      if (!this.parseParams(params, nameTok)) {
        lexer.skipLine();
        return;
      }
      variadic = params.length > 0 && params[params.length - 1]!.endsWith('...');
      if (variadic) {
        const last = params[params.length - 1]!;
        params[params.length - 1] = last === '...' ? '__VA_ARGS__' : last.slice(0, -3);
      }
    } else if (sameLine && (next.flags & TokenFlags.SpaceBefore) === 0) {
      this.diagnostics.warning(next, 'ISO C99 requires whitespace after the macro name');
    }
    const body = this.lineTokens().map((t, i) => t.withFlags(t.flags & (i === 0 ? TokenFlags.Digraph : TokenFlags.SpaceBefore | TokenFlags.Digraph)));
    const m = new Macro(name, kind, params, variadic, body, nameTok);
    if (!this.validateBody(m)) return;
    const old = this.macros.get(name);
    if (old !== undefined && !old.sameAs(m)) {
      this.diagnostics.warning(nameTok, `"${name}" redefined`);
      if (old.loc !== undefined) this.diagnostics.note(old.loc, 'this is the location of the previous definition');
    }
    this.macros.set(name, m);
  }

  /** Checks a name after `#define`/`#undef`; reports and returns false when it cannot be a macro name. */
  private checkMacroName(t: PPToken, directive: string): boolean {
    if (t.kind !== TokenKind.Identifier) {
      this.diagnostics.error(t, 'macro names must be identifiers');
      return false;
    }
    if (t.spelling === 'defined') {
      this.diagnostics.error(t, `"defined" cannot be used as a macro name`);
      return false;
    }
    if (t.spelling === '__VA_ARGS__' || t.spelling === '__VA_OPT__') {
      this.diagnostics.error(t, `${t.spelling} can only appear in the expansion of a C99 variadic macro`);
      return false;
    }
    const old = this.macros.get(t.spelling);
    if (old !== undefined && old.kind === MacroKind.Builtin && directive === 'undef') this.diagnostics.warning(t, `undefining "${t.spelling}"`);
    return true;
  }

  /** Reads `a, b, ...)` after a function-like macro's `(`. */
  private parseParams(params: string[], nameTok: PPToken): boolean {
    const lexer = this.file.lexer;
    const endOfLine = endsLine;
    let t = lexer.peek();
    if (endOfLine(t)) {
      this.diagnostics.error(nameTok, "missing ')' in macro parameter list");
      return false;
    }
    lexer.next();
    if (t.kind === TokenKind.Punct && t.spelling === ')') return true;
    for (;;) {
      if (t.kind === TokenKind.Punct && t.spelling === '...') {
        params.push('...');
        t = lexer.peek();
        if (endOfLine(t) || t.spelling !== ')') {
          this.diagnostics.error(endOfLine(t) ? nameTok : t, "missing ')' in macro parameter list");
          return false;
        }
        lexer.next();
        return true;
      }
      if (t.kind !== TokenKind.Identifier) {
        this.diagnostics.error(t, `expected parameter name, found "${t.spelling}"`);
        return false;
      }
      if (t.spelling === '__VA_ARGS__') {
        this.diagnostics.error(t, '__VA_ARGS__ can not be used as a parameter name');
        return false;
      }
      if (params.includes(t.spelling)) {
        this.diagnostics.error(t, `duplicate macro parameter "${t.spelling}"`);
        return false;
      }
      let param = t.spelling;
      let sep = lexer.peek();
      if (!endOfLine(sep) && sep.kind === TokenKind.Punct && sep.spelling === '...') {
        lexer.next();
        param += '...'; // gcc's named variadic parameter
        sep = lexer.peek();
        params.push(param);
        if (endOfLine(sep) || sep.spelling !== ')') {
          this.diagnostics.error(endOfLine(sep) ? nameTok : sep, "missing ')' in macro parameter list");
          return false;
        }
        lexer.next();
        return true;
      }
      params.push(param);
      if (endOfLine(sep)) {
        this.diagnostics.error(nameTok, "missing ')' in macro parameter list");
        return false;
      }
      lexer.next();
      if (sep.kind === TokenKind.Punct && sep.spelling === ')') return true;
      if (sep.kind !== TokenKind.Punct || sep.spelling !== ',') {
        this.diagnostics.error(sep, `expected ',' or ')', found "${sep.spelling}"`);
        return false;
      }
      t = lexer.peek();
      if (endOfLine(t)) {
        this.diagnostics.error(nameTok, 'expected parameter name before end of line');
        return false;
      }
      lexer.next();
    }
  }

  /** Constraints on a replacement list (C11 6.10.3.2-3, __VA_ARGS__, __VA_OPT__). */
  private validateBody(m: Macro): boolean {
    const body = m.body;
    const n = body.length;
    if (n > 0 && (isPasteOp(body[0]!) || isPasteOp(body[n - 1]!))) {
      this.diagnostics.error(isPasteOp(body[0]!) ? body[0]! : body[n - 1]!, "'##' cannot appear at either end of a macro expansion");
      return false;
    }
    const vaOptOpen: number[] = [];
    for (let i = 0; i < n; i++) {
      const t = body[i]!;
      if (m.kind === MacroKind.Function && t.kind === TokenKind.Punct && t.spelling === '#' && !(i + 1 < n && m.paramOf[i + 1]! >= 0)) {
        this.diagnostics.error(t, "'#' is not followed by a macro parameter");
        return false;
      }
      if (t.kind !== TokenKind.Identifier) continue;
      if (t.spelling === '__VA_ARGS__' && !(m.variadic && m.params[m.params.length - 1] === '__VA_ARGS__')) {
        this.diagnostics.warning(t, '__VA_ARGS__ can only appear in the expansion of a C99 variadic macro');
      } else if (t.spelling === '__VA_OPT__') {
        if (!m.variadic) {
          this.diagnostics.warning(t, '__VA_OPT__ can only appear in the expansion of a C99 variadic macro');
          continue;
        }
        if (vaOptOpen.length > 0) {
          this.diagnostics.error(t, '__VA_OPT__ may not appear in a __VA_OPT__');
          return false;
        }
        if (!(i + 1 < n && body[i + 1]!.spelling === '(' && body[i + 1]!.kind === TokenKind.Punct)) {
          this.diagnostics.error(t, '__VA_OPT__ must be followed by an open parenthesis');
          return false;
        }
        let depth = 0;
        let j = i + 1;
        for (; j < n; j++) {
          const s = body[j]!;
          if (s.kind !== TokenKind.Punct) continue;
          if (s.spelling === '(') depth++;
          else if (s.spelling === ')' && --depth === 0) break;
        }
        if (j >= n) {
          this.diagnostics.error(t, 'unterminated __VA_OPT__');
          return false;
        }
        (m.vaOptEnd as Int32Array)[i] = j;
      }
    }
    return true;
  }

  private undef(at: PPToken): void {
    const t = this.macroNameOperand(at, 'undef');
    if (t === null) return;
    this.macros.delete(t.spelling);
    this.extraTokens('undef');
  }

  /** Warns about tokens after a directive that takes none (more). */
  private extraTokens(directive: string): void {
    const rest = this.lineTokens();
    if (rest.length > 0) this.diagnostics.warning(rest[0]!, `extra tokens at end of #${directive} directive`);
  }

  // ---------------------------------------------------------------- conditionals

  private ifDirective(at: PPToken, kind: 'if' | 'ifdef' | 'ifndef'): void {
    const f = this.file;
    const guardCandidate = f.guard === Guard.Inside && f.conds.length === 0 && f.guardMacro === '';
    let value: boolean;
    let guardName = '';
    if (kind === 'if') {
      const line = this.lineTokens();
      value = this.condition(at, line);
      guardName = guardCandidate ? negatedDefined(line) : '';
    } else {
      const nameTok = this.file.lexer.peek();
      if (nameTok.kind !== TokenKind.Identifier || (nameTok.flags & TokenFlags.LineStart) !== 0) {
        this.diagnostics.error(nameTok.kind === TokenKind.Eof || (nameTok.flags & TokenFlags.LineStart) !== 0 ? at : nameTok, nameTok.kind === TokenKind.Eof || (nameTok.flags & TokenFlags.LineStart) !== 0 ? `no macro name given in #${kind} directive` : 'macro names must be identifiers');
        this.file.lexer.skipLine();
        value = false;
      } else {
        this.file.lexer.next();
        value = this.macros.has(nameTok.spelling) === (kind === 'ifdef');
        if (kind === 'ifndef') guardName = nameTok.spelling;
        this.extraTokens(kind);
      }
    }
    if (guardCandidate) {
      if (guardName !== '') f.guardMacro = guardName;
      else f.guard = Guard.None;
    }
    f.conds.push({ taken: value, sawElse: false, directive: '#' + kind, loc: at });
    if (!value) this.skipGroup();
  }

  /** Evaluates a `#if`/`#elif` line. */
  private condition(at: PPToken, line: PPToken[]): boolean {
    if (line.length === 0) {
      this.diagnostics.error(at, `#${at.spelling} with no expression`);
      return false;
    }
    this.inCondition = true;
    let expanded: PPToken[];
    try {
      expanded = this.expandList(line);
    } finally {
      this.inCondition = false;
    }
    return evaluateCondition(expanded, at, this.diagnostics);
  }

  /**
   * Skips a group whose condition is false, up to the `#elif`/`#else` that
   * starts a live group or the `#endif` that closes it (both executed here).
   */
  private skipGroup(): void {
    const lexer = this.file.lexer;
    let depth = 0;
    for (;;) {
      if (!lexer.skipToHashLine()) return; // at the end: the reader sees the Eof and reports open groups
      lexer.next(); // #
      const d = lexer.peek();
      if (d.kind !== TokenKind.Identifier || (d.flags & TokenFlags.LineStart) !== 0) continue;
      lexer.next();
      switch (d.spelling) {
        case 'if': case 'ifdef': case 'ifndef':
          depth++;
          break;
        case 'endif':
          if (depth > 0) {
            depth--;
            break;
          }
          this.endif(d);
          return;
        case 'else':
          if (depth === 0 && this.elseDirective(d)) return;
          break;
        case 'elif': case 'elifdef': case 'elifndef':
          if (depth === 0 && this.elifDirective(d, d.spelling)) return;
          break;
      }
    }
  }

  /** `#else` at depth 0 while skipping; true when the group after it is live. */
  private elseDirective(d: PPToken): boolean {
    const c = this.file.conds[this.file.conds.length - 1];
    if (c === undefined) {
      this.diagnostics.error(d, '#else without #if');
      this.file.lexer.skipLine();
      return false;
    }
    if (c.sawElse) this.diagnostics.error(d, '#else after #else');
    c.sawElse = true;
    this.extraTokens('else');
    this.noteGuardElse();
    if (c.taken) return false;
    c.taken = true;
    return true;
  }

  /** `#elif` (or `#elifdef`/`#elifndef`) at depth 0 while skipping; true when its group is live. */
  private elifDirective(d: PPToken, kind: string): boolean {
    const c = this.file.conds[this.file.conds.length - 1];
    if (c === undefined) {
      this.diagnostics.error(d, `#${kind} without #if`);
      this.file.lexer.skipLine();
      return false;
    }
    if (c.sawElse) this.diagnostics.error(d, `#${kind} after #else`);
    this.noteGuardElse();
    if (c.taken) {
      this.file.lexer.skipLine();
      return false;
    }
    let value: boolean;
    if (kind === 'elif') value = this.condition(d, this.lineTokens());
    else {
      const line = this.lineTokens();
      const id = line[0];
      if (id === undefined || id.kind !== TokenKind.Identifier) {
        this.diagnostics.error(id ?? d, id === undefined ? `no macro name given in #${kind} directive` : 'macro names must be identifiers');
        value = false;
      } else value = this.macros.has(id.spelling) === (kind === 'elifdef');
    }
    if (value) c.taken = true;
    return value;
  }

  /** An `#else`/`#elif` in the guard's own group means the file is not simply guarded. */
  private noteGuardElse(): void {
    const f = this.file;
    if (f.guard === Guard.Inside && f.conds.length === 1) f.guard = Guard.None;
  }

  /** `#elif`/`#else` reached in a live group: the rest up to `#endif` is skipped. */
  private elseInLiveGroup(d: PPToken, kind: string): void {
    const c = this.file.conds[this.file.conds.length - 1];
    if (c === undefined) {
      this.diagnostics.error(d, `#${kind} without #if`);
      this.file.lexer.skipLine();
      return;
    }
    if (c.sawElse) this.diagnostics.error(d, `#${kind} after #else`);
    if (kind === 'else') {
      c.sawElse = true;
      this.extraTokens('else');
    } else this.file.lexer.skipLine();
    this.noteGuardElse();
    c.taken = true;
    this.skipGroup();
  }

  private endif(d: PPToken): void {
    const f = this.file;
    const c = f.conds.pop();
    if (c === undefined) {
      this.diagnostics.error(d, '#endif without #if');
      f.lexer.skipLine();
      return;
    }
    this.extraTokens('endif');
    if (f.guard === Guard.Inside && f.conds.length === 0) f.guard = Guard.Closed;
  }

  // ---------------------------------------------------------------- include

  /** Finds an include file; returns its path and the bracket-chain index it was found at. */
  private findInclude(name: string, angled: boolean, next: boolean): { path: string; dirIndex: number } | null {
    if (name.startsWith('/')) return this.readText(name) !== null ? { path: name, dirIndex: -1 } : null;
    let start = 0;
    if (next) {
      const cur = this.file.dirIndex;
      start = cur >= 0 ? cur + 1 : 0;
    } else if (!angled) {
      const path = joinIncludePath(this.file.dir, name);
      if (this.readText(path) !== null) return { path, dirIndex: -1 };
    }
    for (let i = start; i < this.bracketPath.length; i++) {
      const path = joinIncludePath(this.bracketPath[i]!, name);
      if (this.readText(path) !== null) return { path, dirIndex: i };
    }
    return null;
  }

  private include(at: PPToken, next: boolean, importOnce: boolean): void {
    const lexer = this.file.lexer;
    const directive = next ? 'include_next' : importOnce ? 'import' : 'include';
    let name: string | null = null;
    let angled = false;
    let nameLoc: PPToken = at;
    const raw = lexer.angledHeaderName();
    if (raw !== null) {
      name = raw.name;
      nameLoc = new PPToken(TokenKind.Punct, '<', at.file, at.line, raw.col, 0, null);
      angled = true;
      this.extraTokens(directive);
    } else {
      const line = this.lineTokens();
      if (line.length === 0) {
        this.diagnostics.error(at, `#${directive} expects "FILENAME" or <FILENAME>`);
        return;
      }
      nameLoc = line[0]!;
      const tokens = line[0]!.kind === TokenKind.String ? line : this.expandList(line);
      const first = tokens[0];
      let rest = 1;
      if (first !== undefined && first.kind === TokenKind.String && first.spelling.startsWith('"')) {
        name = first.spelling.slice(1, -1);
      } else if (first !== undefined && first.kind === TokenKind.Punct && first.spelling === '<') {
        let text = '';
        for (; rest < tokens.length; rest++) {
          const t = tokens[rest]!;
          if (t.kind === TokenKind.Punct && t.spelling === '>') break;
          if (text !== '' && (t.flags & TokenFlags.SpaceBefore) !== 0) text += ' ';
          text += t.spelling;
        }
        if (rest < tokens.length) {
          name = text;
          angled = true;
          rest++;
        }
      }
      if (name === null) {
        this.diagnostics.error(nameLoc, `#${directive} expects "FILENAME" or <FILENAME>`);
        return;
      }
      if (rest < tokens.length) this.diagnostics.warning(tokens[rest]!, `extra tokens at end of #${directive} directive`);
    }
    if (name === '') {
      this.diagnostics.error(nameLoc, `empty filename in #${directive}`);
      return;
    }
    if (next && this.fileStack.length === 1) this.diagnostics.warning(at, '#include_next in primary source file');
    const found = this.findInclude(name, angled, next);
    if (found === null) {
      this.diagnostics.error(nameLoc, `${name}: No such file or directory`);
      throw new FatalError();
    }
    const id = this.identity(found.path);
    if (this.onceFiles.has(id)) return;
    const guard = this.guards.get(id);
    if (guard !== undefined && this.macros.has(guard)) return;
    if (importOnce) this.onceFiles.add(id);
    if (this.fileStack.length >= this.maxIncludeDepth + 1) {
      this.diagnostics.error(at, `#include nested depth ${this.fileStack.length} exceeds maximum of ${this.maxIncludeDepth}`);
      throw new FatalError();
    }
    this.pushFile({ name: found.path, text: this.readText(found.path)! }, found.path, directoryOf(found.path), found.dirIndex);
  }

  // ---------------------------------------------------------------- #line, #pragma

  /** `#line N ["file"]` (or a GNU line marker `# N "file" flags`). */
  private lineDirective(at: PPToken, line: PPToken[], marker: boolean): void {
    const tokens = line.length > 0 && line[0]!.kind === TokenKind.Number ? line : this.expandList(line);
    const num = tokens[0];
    const directive = marker ? '' : '#line ';
    if (num === undefined || num.kind !== TokenKind.Number || !/^[0-9]+$/.test(num.spelling)) {
      this.diagnostics.error(num ?? at, `"${num?.spelling ?? ''}" after ${marker ? '#' : '#line'} is not a positive integer`);
      return;
    }
    const n = Number(num.spelling);
    if (n > 2147483647) this.diagnostics.warning(num, 'line number out of range');
    let fileName: string | undefined;
    const str = tokens[1];
    if (str !== undefined) {
      if (str.kind !== TokenKind.String || !str.spelling.startsWith('"')) {
        this.diagnostics.error(str, `invalid filename "${str.spelling}"`);
        return;
      }
      fileName = str.spelling.slice(1, -1).replace(/\\(.)/g, '$1');
      if (!marker && tokens.length > 2) this.diagnostics.warning(tokens[2]!, `extra tokens at end of ${directive.trim()} directive`);
    }
    const lexer = this.file.lexer;
    const current = this.diagnostics.files[lexer.presumedFile]!;
    const physicalNext = lexer.lineAfterDirective();
    const offset = n - physicalNext;
    const entry: SourceFile = { name: fileName ?? current.name, text: lexer.source.text, lineOffset: offset };
    const index = this.diagnostics.files.push(entry) - 1;
    lexer.setPresumed(index, offset);
  }

  /** A `#pragma` line (tokens after `pragma`) or `_Pragma`: handled here, or returned as a `Pragma` token. */
  private pragma(at: PPToken, tokens: PPToken[]): PPToken | null {
    const first = tokens[0]?.spelling;
    const second = tokens[1]?.spelling;
    if (first === 'once') {
      if (this.fileStack.length === 1) this.diagnostics.warning(at, '#pragma once in main file');
      this.onceFiles.add(this.identity(this.file.path));
      return null;
    }
    if ((first === 'push_macro' || first === 'pop_macro') && tokens.length === 4 && tokens[2]!.kind === TokenKind.String) {
      const name = tokens[2]!.spelling.slice(1, -1);
      let stack = this.pushedMacros.get(name);
      if (first === 'push_macro') {
        if (stack === undefined) this.pushedMacros.set(name, (stack = []));
        stack.push(this.macros.get(name));
      } else if (stack !== undefined && stack.length > 0) {
        const m = stack.pop();
        if (m === undefined) this.macros.delete(name);
        else this.macros.set(name, m);
      }
      return null;
    }
    if (first === 'GCC') {
      switch (second) {
        case 'system_header':
        case 'dependency':
          return null;
        case 'poison':
          for (const t of tokens.slice(2)) {
            if (t.kind !== TokenKind.Identifier) {
              this.diagnostics.error(t, 'invalid #pragma GCC poison directive');
              break;
            }
            if (this.macros.has(t.spelling)) this.diagnostics.warning(t, `poisoning existing macro "${t.spelling}"`);
            this.poisoned.add(t.spelling);
          }
          return null;
        case 'warning':
        case 'error': {
          const rest = tokens.slice(2).filter((t) => t.spelling !== '(' && t.spelling !== ')');
          const str = rest.length === 1 && rest[0]!.kind === TokenKind.String ? rest[0]! : undefined;
          const msg = str !== undefined ? str.spelling.slice(1, -1) : spellLine(tokens.slice(2));
          if (second === 'error') this.diagnostics.error(str ?? at, msg);
          else this.diagnostics.warning(str ?? at, msg);
          return null;
        }
      }
    }
    const text = tokens.map((t) => t.spelling).join(' ');
    return new PPToken(TokenKind.Pragma, text, at.file, at.line, at.col, TokenFlags.LineStart, null);
  }
}

/** True when `t` (peeked) is not on the current directive's line. */
function endsLine(t: PPToken): boolean {
  return t.kind === TokenKind.Eof || (t.flags & TokenFlags.LineStart) !== 0;
}

/** True for the `##` operator of a replacement list. */
function isPasteOp(t: PPToken): boolean {
  return t.kind === TokenKind.Punct && t.spelling === '##';
}

/** A number token at `t`'s place (for `defined` results). */
function numberToken(t: PPToken, spelling: string): PPToken {
  return new PPToken(TokenKind.Number, spelling, t.file, t.line, t.col, t.flags & TokenFlags.SpaceBefore, null);
}

/** `name` as a C string literal (for `__FILE__`). */
function quoteString(name: string): string {
  return '"' + name.replace(/[\\"]/g, '\\$&').replace(/\n/g, '\\n') + '"';
}

/** Tokens spelled as written on one line (single spaces where there was white space). */
function spellLine(tokens: readonly PPToken[]): string {
  let s = '';
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (i > 0 && (t.flags & TokenFlags.SpaceBefore) !== 0) s += ' ';
    s += t.spelling;
  }
  return s;
}

/** For `#if !defined X` / `#if !defined(X)`: X, else ''. */
function negatedDefined(line: readonly PPToken[]): string {
  const s = line.map((t) => t.spelling);
  if (s.length === 3 && s[0] === '!' && s[1] === 'defined' && line[2]!.kind === TokenKind.Identifier) return s[2]!;
  if (s.length === 5 && s[0] === '!' && s[1] === 'defined' && s[2] === '(' && s[4] === ')' && line[3]!.kind === TokenKind.Identifier) return s[3]!;
  return '';
}

/** Lexes `text` as exactly one preprocessing token, or null (then `##` was invalid). */
function lexOne(text: string, interner: Interner): PPToken | null {
  const scratch = new Diagnostics([]);
  const lexer = new Lexer({ name: '<paste>', text }, 0, scratch, interner);
  const t = lexer.next();
  if (t.kind === TokenKind.Eof || (t.flags & TokenFlags.Unterminated) !== 0) return null;
  if (lexer.next().kind !== TokenKind.Eof || scratch.errorCount > 0) return null;
  if ((t.flags & TokenFlags.SpaceBefore) !== 0) return null; // a comment was formed (`/` ## `/`)
  return t;
}
