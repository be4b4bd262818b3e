/**
 * The C11 parser with semantic analysis: tokens -> typed AST (ast.ts).
 *
 * Pipeline position: preprocessor (`PreprocessedUnit`) -> **parser** -> IR
 * generation (irgen.ts).
 *
 * The parser resolves names as it goes (typedef names decide how a statement
 * parses), builds C types from specifiers and declarators, and types every
 * expression, inserting the implicit conversions of C11 6.3 as `cast` nodes.
 * Errors go to the compilation's `Diagnostics`; after an error the parser
 * skips to the next `;` or `}` and goes on, so one run reports several.
 *
 * Terms: *specifiers* (storage class, qualifiers, the base type) come before
 * the *declarators* (`*p`, `a[3]`, `(*f)(int)`) that derive a type from them.
 */
import type { CaseLabel, Expr, Initializer, Stmt, BinaryOp } from './ast.js';
import { Storage, Symbol } from './ast.js';
import { evalConst, evalInt, wrapInt } from './consteval.js';
import {
  CType, Qual, Record, T, TypeKind, arrayOf, compatible, enumType, findMember, functionType, isArithmetic, isComplete,
  isFloating, isInteger, isPointer, isRecord, isScalar, isUnsigned, isVariablyModified, isVariablySized, layoutRecord, pointerTo, promote, qualify, recordType,
  typeToString, unqual, usualArithmetic, type MemberDecl, type Param,
} from './ctypes.js';
import type { Diagnostics } from './diagnostics.js';
import { decodeChar, decodeNumber, decodeStrings, type CharConstantType, type FloatingConstantType, type IntegerConstantType, type StringLiteral } from './literals.js';
import { Scope } from './scope.js';
import { Token, TokenKind, type SourceLocation } from './token.js';

/** Thrown to abandon the current declaration or statement after an error (the parser resynchronises). */
class ParseAbort extends Error {}

/** Symbols with external linkage shared by the translation units of one compilation. */
export class LinkageTable {
  /** By link name. */
  readonly byName = new Map<string, Symbol>();
  /** Next symbol id. */
  nextId = 0;
}

/** Declaration specifiers. */
interface Specifiers {
  type: CType;
  storage: 'typedef' | 'extern' | 'static' | 'auto' | 'register' | '';
  inline: boolean;
  noreturn: boolean;
  /** `_Thread_local` / `__thread`. */
  threadLocal: boolean;
  align: number;
  attrs: Attributes;
}

/** Attributes the front end honours. */
interface Attributes {
  aligned: number;
  packed: boolean;
  noreturn: boolean;
  unused: boolean;
  asmName: string;
  mode: string;
}

function noAttrs(): Attributes {
  return { aligned: 0, packed: false, noreturn: false, unused: false, asmName: '', mode: '' };
}

/** A parsed declarator. */
interface Declarator {
  name: string;
  type: CType;
  loc: SourceLocation;
  /** K&R identifier list of a function declarator (old-style definition). */
  krNames: string[] | null;
  /** Parameter symbols' declarations in order (for definitions). */
  params: ParamDecl[] | null;
  /** Hidden VLA length locals of the parameter types (evaluated on entry when this declares a definition). */
  paramVlas: Symbol[];
}

/** A parameter of a prototype: its symbol in prototype scope, which a definition keeps (VLA lengths refer to it). */
interface ParamDecl {
  name: string;
  type: CType;
  loc: SourceLocation;
  sym?: Symbol;
}

const TYPE_KEYWORDS = new Set([
  'void', 'char', 'short', 'int', 'long', 'float', 'double', 'signed', 'unsigned', '_Bool', '_Complex', 'struct', 'union', 'enum',
  'const', 'volatile', 'restrict', '_Atomic', '__const', '__const__', '__volatile', '__volatile__', '__restrict', '__restrict__',
  '__signed', '__signed__', 'typeof', '__typeof', '__typeof__', '__builtin_va_list', '_Alignas', '__int128', '__int128_t', '__uint128_t',
  '__attribute__', '__attribute', '__extension__', '__auto_type',
]);
const STORAGE_KEYWORDS = new Set(['typedef', 'extern', 'static', 'auto', 'register', 'inline', '__inline', '__inline__', '_Noreturn', '_Thread_local', '__thread']);

/** Library functions that `__builtin_NAME` may call when NAME is not declared: their prototypes. */
const BUILTIN_LIBC: globalThis.Record<string, string> = {
  memcpy: 'p:ppL', memmove: 'p:ppL', memset: 'p:piL', memcmp: 'i:ppL', strlen: 'L:p', strcpy: 'p:pp', strncpy: 'p:ppL',
  strcmp: 'i:pp', strncmp: 'i:ppL', strchr: 'p:pi', strrchr: 'p:pi', strcat: 'p:pp', printf: 'i:p.', sprintf: 'i:pp.',
  snprintf: 'i:pLp.', puts: 'i:p', putchar: 'i:i', malloc: 'p:L', calloc: 'p:LL', realloc: 'p:pL', free: 'v:p', abort: 'v:',
  exit: 'v:i', abs: 'i:i', labs: 'l:l', llabs: 'l:l', sqrt: 'd:d', fabs: 'd:d', floor: 'd:d', ceil: 'd:d', sin: 'd:d',
  cos: 'd:d', exp: 'd:d', log: 'd:d', pow: 'd:dd', fmod: 'd:dd', sqrtf: 'f:f', fabsf: 'f:f', fprintf: 'i:pp.', strstr: 'p:pp',
};

/** A file-scope declaration other than an object or function (what binding generators need beyond `symbols`). */
export interface FileDeclaration {
  /** A typedef, a struct/union/enum definition (named by its tag, '' if none), or an enumeration constant. */
  readonly kind: 'typedef' | 'record' | 'enum' | 'enumerator';
  readonly name: string;
  /** The type defined (the enumerator's type for constants). */
  readonly type: CType;
  /** Enumeration constants: the value. */
  readonly value?: bigint;
  /** Where it is declared. */
  readonly loc: SourceLocation;
}

/** The parser of one translation unit. */
export class Parser {
  /** File-scope typedefs, record and enum definitions and enumeration constants, in source order. */
  readonly fileDeclarations: FileDeclaration[] = [];
  private pos = 0;
  private scope: Scope;
  private readonly symbols: Symbol[] = [];
  private readonly statics: Symbol[] = [];
  private func: Symbol | null = null;
  private funcName = '';
  private labels = new Map<string, SourceLocation>();
  /** `goto`s of the function, with the VLAs in scope there (null for `&&label`, which C does not restrict). */
  private gotos: { name: string; loc: SourceLocation; vlas: number[] | null }[] = [];
  private switches: { cases: CaseLabel[]; hasDefault: boolean; type: CType; vlas: number[] }[] = [];
  /** Ids of the VLA objects in scope at the cursor (C11 6.8.6.1: no jump may enter one's scope). */
  private vlaScope: number[] = [];
  /** The VLAs in scope at each label of the function. */
  private labelVlas = new Map<string, number[]>();
  private loopDepth = 0;
  private breakDepth = 0;
  /** Local symbols of the current function, for address-taken marking. */
  private anonCount = 0;
  /**
   * Depth of arms of `?:` whose constant condition selects the other arm: their
   * code is never generated, so `long double` in them is no error (glibc's
   * `isinf(x)` is `sizeof (x) == sizeof (float) ? __isinff (x) : ... __isinfl (x)`).
   */
  private deadArms = 0;
  /**
   * Hidden locals holding VLA lengths (`int a[n]`) made since the last
   * declaration statement: each becomes a `decl` statement before the object,
   * so the length is evaluated once, where the declaration is.
   */
  private vlaLengths: Symbol[] = [];
  /** Nesting depth of parameter lists (VLA parameters are allowed at file scope there). */
  private protoDepth = 0;

  /** Creates a parser over `tokens` (ending with Eof). `unit` numbers the translation unit for static names. */
  private readonly tokens: Token[];
  /** `#pragma pack` in effect from token index `at` on (0: natural alignment), in token order. */
  private readonly packChanges: { at: number; pack: number }[] = [];

  constructor(
    tokens: Token[],
    private readonly diags: Diagnostics,
    private readonly linkage: LinkageTable,
    private readonly unit: number,
  ) {
    this.scope = new Scope(null);
    this.tokens = this.takePragmas(tokens);
  }

  /** Removes the preprocessor's `Pragma` tokens, keeping where `#pragma pack` changes (other pragmas are ignored, as gcc does). */
  private takePragmas(tokens: Token[]): Token[] {
    if (!tokens.some((t) => t.kind === TokenKind.Pragma)) return tokens;
    const out: Token[] = [];
    const stack: number[] = [];
    let pack = 0;
    for (const t of tokens) {
      if (t.kind !== TokenKind.Pragma) { out.push(t); continue; }
      const m = /^pack\s*\(\s*(.*?)\s*\)$/.exec(t.spelling.trim());
      if (m === null) continue;
      const args = m[1] === '' ? [] : m[1]!.split(/\s*,\s*/);
      const n = args.find((a) => /^\d+$/.test(a));
      if (args[0] === 'push') { stack.push(pack); if (n !== undefined) pack = Number(n); }
      else if (args[0] === 'pop') pack = stack.pop() ?? 0;
      else if (args.length === 0) pack = 0;
      else if (n !== undefined && args.length === 1) pack = Number(n);
      else { this.diags.warning(t, `unknown form of '#pragma pack' ignored`); continue; }
      if (pack !== 0 && (pack & (pack - 1)) !== 0) { this.diags.warning(t, "alignment must be a small power of two in '#pragma pack'"); pack = 0; }
      this.packChanges.push({ at: out.length, pack });
    }
    return out;
  }

  /** The `#pragma pack` value at the current token (0: none). */
  private currentPack(): number {
    let pack = 0;
    for (const c of this.packChanges) { if (c.at > this.pos) break; pack = c.pack; }
    return pack;
  }

  // ---------------------------------------------------------------- tokens

  private get tok(): Token {
    return this.tokens[this.pos]!;
  }

  private peek(n = 1): Token {
    return this.tokens[Math.min(this.pos + n, this.tokens.length - 1)]!;
  }

  private is(s: string): boolean {
    const t = this.tok;
    return (t.kind === TokenKind.Punct || t.kind === TokenKind.Identifier) && t.spelling === s;
  }

  private next(): Token {
    const t = this.tok;
    if (t.kind !== TokenKind.Eof) this.pos++;
    return t;
  }

  private accept(s: string): boolean {
    if (this.is(s)) { this.pos++; return true; }
    return false;
  }

  private expect(s: string, what = ''): Token {
    if (this.is(s)) return this.next();
    this.fail(this.tok, `expected '${s}'${what === '' ? '' : ' ' + what} before ${this.describeTok(this.tok)}`);
  }

  private describeTok(t: Token): string {
    return t.kind === TokenKind.Eof ? 'end of input' : `'${t.spelling}'`;
  }

  private fail(loc: SourceLocation, message: string): never {
    this.diags.error(loc, message);
    throw new ParseAbort(message);
  }

  private error(loc: SourceLocation, message: string): void {
    this.diags.error(loc, message);
  }

  private warn(loc: SourceLocation, message: string): void {
    this.diags.warning(loc, message);
  }

  private identifier(what: string): Token {
    if (this.tok.kind !== TokenKind.Identifier) this.fail(this.tok, `expected ${what} before ${this.describeTok(this.tok)}`);
    return this.next();
  }

  /** Skips to just after the next `;` at this nesting level, or before a `}` that closes it. */
  private recover(start: number): void {
    // Brackets the failed construct opened before the error are still open.
    let depth = 0;
    for (let i = start; i < this.pos; i++) {
      const sp = this.tokens[i]!.spelling;
      if (sp === '(' || sp === '[' || sp === '{') depth++;
      else if ((sp === ')' || sp === ']' || sp === '}') && depth > 0) depth--;
    }
    while (this.tok.kind !== TokenKind.Eof) {
      if (this.is('(') || this.is('[') || this.is('{')) depth++;
      else if (this.is(')') || this.is(']')) depth = Math.max(0, depth - 1);
      else if (this.is('}')) {
        if (depth === 0) return;
        depth--;
        if (depth === 0) { this.next(); if (this.is(';')) this.next(); return; }
      } else if (this.is(';') && depth === 0) { this.next(); return; }
      this.next();
    }
  }

  // ---------------------------------------------------------------- translation unit

  /** Parses the whole unit. */
  parseUnit(): { symbols: Symbol[]; statics: Symbol[] } {
    while (this.tok.kind !== TokenKind.Eof) {
      if (this.accept(';')) continue;
      const start = this.pos;
      try {
        this.externalDeclaration();
      } catch (e) {
        if (!(e instanceof ParseAbort)) throw e;
        this.func = null;
        this.scope = this.scope.file;
        if (this.pos === start) this.next();
        this.recover(start);
      }
    }
    this.completeTentativeDefinitions();
    return { symbols: this.symbols, statics: this.statics };
  }

  /** At the end of the unit, objects defined at file scope must have a complete type (C11 6.9.2). */
  private completeTentativeDefinitions(): void {
    for (const s of this.symbols) {
      if (s.isFunction || !s.defined || s.storage !== Storage.Static || isComplete(s.type)) continue;
      if (s.type.kind === TypeKind.Array && s.type.length < 0 && isComplete(s.type.base!)) {
        this.warn(s.loc, `array '${s.name}' assumed to have one element`);
        s.type = arrayOf(s.type.base!, 1);
      } else this.error(s.loc, `storage size of '${s.name}' isn't known`);
    }
  }

  private newSymbol(name: string, type: CType, isFunction: boolean, storage: Storage, loc: SourceLocation): Symbol {
    return new Symbol(name, type, isFunction, storage, loc, this.linkage.nextId++);
  }

  private externalDeclaration(): void {
    if (this.is('_Static_assert')) { this.staticAssert(); return; }
    if (this.is('asm') || this.is('__asm__') || this.is('__asm')) this.fail(this.tok, 'inline assembly is not supported');
    let specs: Specifiers;
    if (this.tok.kind === TokenKind.Identifier && !this.isDeclStart() && (this.peek().spelling === '(' || this.peek().spelling === ',' || this.peek().spelling === ';' || this.peek().spelling === '=')) {
      // C89 implicit int: `main() { ... }`, `x;`.
      this.warn(this.tok, "type specifier missing, defaults to 'int'");
      specs = { type: T.int, storage: '', inline: false, noreturn: false, threadLocal: false, align: 0, attrs: noAttrs() };
    } else specs = this.declSpecifiers(true);
    if (this.accept(';')) return;
    let first = true;
    for (;;) {
      const d = this.declarator(specs.type, false);
      const attrs = this.attributesAfterDeclarator(specs.attrs);
      if (first && d.type.kind === TypeKind.Function && specs.storage !== 'typedef' && (this.is('{') || (d.krNames !== null && d.krNames.length > 0 && !this.is(';') && !this.is(',')))) {
        this.functionDefinition(d, specs, attrs);
        return;
      }
      first = false;
      this.declareOne(d, specs, attrs, true);
      if (this.accept(',')) continue;
      this.expect(';', 'after declaration');
      return;
    }
  }

  private staticAssert(): void {
    const t = this.next();
    this.expect('(');
    const e = this.conditional();
    let message = '';
    if (this.accept(',')) {
      if (this.tok.kind === TokenKind.String) message = literalText(this.stringTokens());
    }
    this.expect(')');
    this.expect(';');
    const v = evalInt(e);
    if (v === undefined) this.error(t, 'expression in static assertion is not an integer constant expression');
    else if (v === 0n) this.error(t, `static assertion failed${message === '' ? '' : `: "${message}"`}`);
  }

  // ---------------------------------------------------------------- specifiers

  private isTypeNameStart(t: Token = this.tok): boolean {
    if (t.kind !== TokenKind.Identifier) return false;
    if (TYPE_KEYWORDS.has(t.spelling)) return true;
    const e = this.scope.lookup(t.spelling);
    return e !== undefined && e.k === 'typedef';
  }

  private isDeclStart(t: Token = this.tok): boolean {
    return this.isTypeNameStart(t) || (t.kind === TokenKind.Identifier && (STORAGE_KEYWORDS.has(t.spelling) || t.spelling === '_Static_assert'));
  }

  private declSpecifiers(allowStorage: boolean): Specifiers {
    const specs: Specifiers = { type: T.int, storage: '', inline: false, noreturn: false, threadLocal: false, align: 0, attrs: noAttrs() };
    let counter = 0;
    let quals = Qual.None;
    let other: CType | null = null;
    let sawAny = false;
    const start = this.tok;
    const VOID = 1, BOOL = 1 << 2, CHAR = 1 << 4, SHORT = 1 << 6, INT = 1 << 8, LONG = 1 << 10, FLOAT = 1 << 12, DOUBLE = 1 << 14,
      OTHER = 1 << 16, SIGNED = 1 << 17, UNSIGNED = 1 << 18, INT128 = 1 << 19;
    for (;;) {
      const t = this.tok;
      if (t.kind !== TokenKind.Identifier) break;
      const s = t.spelling;
      if (STORAGE_KEYWORDS.has(s)) {
        if (!allowStorage) this.fail(t, `storage class specifier '${s}' is not allowed here`);
        this.next();
        sawAny = true;
        if (s === 'inline' || s === '__inline' || s === '__inline__') { specs.inline = true; continue; }
        if (s === '_Noreturn') { specs.noreturn = true; continue; }
        if (s === '_Thread_local' || s === '__thread') { specs.threadLocal = true; continue; }
        if (specs.storage !== '') this.fail(t, 'multiple storage classes in declaration specifiers');
        specs.storage = s as Specifiers['storage'];
        continue;
      }
      if (s === 'const' || s === '__const' || s === '__const__') { this.next(); quals |= Qual.Const; sawAny = true; continue; }
      if (s === 'volatile' || s === '__volatile' || s === '__volatile__') { this.next(); quals |= Qual.Volatile; sawAny = true; continue; }
      if (s === 'restrict' || s === '__restrict' || s === '__restrict__') { this.next(); quals |= Qual.Restrict; sawAny = true; continue; }
      if (s === '_Atomic') this.fail(t, "'_Atomic' is not supported");
      if (s === '__extension__') { this.next(); continue; }
      if (s === '__attribute__' || s === '__attribute') { this.attributes(specs.attrs); continue; }
      if (s === '_Alignas') {
        this.next();
        this.expect('(');
        let a: number;
        if (this.isTypeNameStart()) a = this.typeName().align;
        else a = Number(this.constInt(this.conditional(), 'alignment'));
        this.expect(')');
        if (a !== 0 && (a & (a - 1)) !== 0) this.error(t, 'requested alignment is not a positive power of 2');
        specs.align = Math.max(specs.align, a);
        sawAny = true;
        continue;
      }
      // Type specifiers.
      const entry = this.scope.lookup(s);
      if (entry !== undefined && entry.k === 'typedef') {
        if (counter !== 0) break; // a redeclared name: `typedef int T; { int T; }` or T used as declarator
        this.next();
        other = entry.type;
        counter += OTHER;
        sawAny = true;
        continue;
      }
      if (s === 'struct' || s === 'union') {
        if (counter !== 0) this.fail(t, 'two or more data types in declaration specifiers');
        other = this.recordSpecifier(specs.attrs);
        counter += OTHER;
        sawAny = true;
        continue;
      }
      if (s === 'enum') {
        if (counter !== 0) this.fail(t, 'two or more data types in declaration specifiers');
        other = this.enumSpecifier();
        counter += OTHER;
        sawAny = true;
        continue;
      }
      if (s === 'typeof' || s === '__typeof' || s === '__typeof__') {
        if (counter !== 0) this.fail(t, 'two or more data types in declaration specifiers');
        this.next();
        this.expect('(');
        if (this.isTypeNameStart()) other = this.typeName();
        else other = this.expression().type;
        this.expect(')');
        counter += OTHER;
        sawAny = true;
        continue;
      }
      if (s === '__builtin_va_list') {
        this.next();
        other = this.vaListType();
        counter += OTHER;
        sawAny = true;
        continue;
      }
      if (s === '__auto_type') this.fail(t, "'__auto_type' is not supported");
      let bit = 0;
      switch (s) {
        case 'void': bit = VOID; break;
        case '_Bool': bit = BOOL; break;
        case 'char': bit = CHAR; break;
        case 'short': bit = SHORT; break;
        case 'int': bit = INT; break;
        case 'long': bit = LONG; break;
        case 'float': bit = FLOAT; break;
        case 'double': bit = DOUBLE; break;
        case 'signed': case '__signed': case '__signed__': bit = SIGNED; break;
        case 'unsigned': bit = UNSIGNED; break;
        case '_Complex': this.fail(t, "'_Complex' is not supported");
        // eslint-disable-next-line no-fallthrough
        case '__int128': case '__int128_t': case '__uint128_t': this.fail(t, `'${s}' (128-bit integers) is not supported`);
      }
      if (bit === 0) break;
      if (counter & OTHER) break;
      this.next();
      sawAny = true;
      counter += bit;
      void INT128;
    }
    if (!sawAny) this.fail(start, `expected declaration specifiers before ${this.describeTok(start)}`);
    let type: CType;
    switch (counter) {
      case OTHER: type = other!; break;
      case VOID: type = T.void; break;
      case BOOL: type = T.bool; break;
      case CHAR: type = T.char; break;
      case SIGNED + CHAR: type = T.schar; break;
      case UNSIGNED + CHAR: type = T.uchar; break;
      case SHORT: case SHORT + INT: case SIGNED + SHORT: case SIGNED + SHORT + INT: type = T.short; break;
      case UNSIGNED + SHORT: case UNSIGNED + SHORT + INT: type = T.ushort; break;
      case 0: case INT: case SIGNED: case SIGNED + INT:
        if (counter === 0 && specs.storage === '' && !specs.inline && quals === 0 && specs.align === 0) this.warn(start, 'type specifier missing, defaults to \'int\'');
        type = T.int; break;
      case UNSIGNED: case UNSIGNED + INT: type = T.uint; break;
      case LONG: case LONG + INT: case SIGNED + LONG: case SIGNED + LONG + INT: type = T.long; break;
      case LONG + LONG: case LONG + LONG + INT: case SIGNED + LONG + LONG: case SIGNED + LONG + LONG + INT: type = T.llong; break;
      case UNSIGNED + LONG: case UNSIGNED + LONG + INT: type = T.ulong; break;
      case UNSIGNED + LONG + LONG: case UNSIGNED + LONG + LONG + INT: type = T.ullong; break;
      case FLOAT: type = T.float; break;
      case DOUBLE: type = T.double; break;
      case LONG + DOUBLE: type = T.ldouble; break;
      default: this.fail(start, 'invalid combination of type specifiers');
    }
    if (specs.attrs.mode !== '') type = this.applyMode(type, specs.attrs.mode, start);
    specs.type = qualify(type, quals);
    if (specs.attrs.aligned !== 0 && specs.storage === 'typedef') {
      const u = qualify(specs.type, Qual.None);
      const copy = Object.assign(new CType(u.kind), u) as CType;
      copy.alignOverride = specs.attrs.aligned;
      copy.unqualified = copy;
      specs.type = copy;
    }
    return specs;
  }

  private applyMode(t: CType, mode: string, loc: SourceLocation): CType {
    const u = isUnsigned(t);
    switch (mode.replace(/^__|__$/g, '')) {
      case 'QI': return u ? T.uchar : T.schar;
      case 'HI': return u ? T.ushort : T.short;
      case 'SI': return u ? T.uint : T.int;
      case 'DI': case 'word': case 'pointer': return u ? T.ulong : T.long;
      case 'SF': return T.float;
      case 'DF': return T.double;
      default: this.fail(loc, `mode '${mode}' is not supported`);
    }
  }

  /** The type of `__builtin_va_list`: System V's `struct { unsigned gp_offset, fp_offset; void *overflow_arg_area, *reg_save_area; }[1]`. */
  private vaListType(): CType {
    const file = this.scope.file;
    let t = file.tags.get('__va_list_tag');
    if (t === undefined) {
      const r = new Record('__va_list_tag', false, this.unit);
      layoutRecord(r, [
        { name: 'gp_offset', type: T.uint, bitWidth: -1, align: 0, packed: false },
        { name: 'fp_offset', type: T.uint, bitWidth: -1, align: 0, packed: false },
        { name: 'overflow_arg_area', type: pointerTo(T.void), bitWidth: -1, align: 0, packed: false },
        { name: 'reg_save_area', type: pointerTo(T.void), bitWidth: -1, align: 0, packed: false },
      ], { packed: false, aligned: 0, maxAlign: 0 });
      t = recordType(r);
      file.tags.set('__va_list_tag', t);
    }
    return arrayOf(t, 1);
  }

  /** Parses `__attribute__((...))` lists into `attrs` (all are parsed; the ones jitkit honours are recorded). */
  private attributes(attrs: Attributes): void {
    while (this.is('__attribute__') || this.is('__attribute')) {
      this.next();
      this.expect('(');
      this.expect('(');
      while (!this.is(')')) {
        if (this.accept(',')) continue;
        const nameTok = this.next();
        const name = nameTok.spelling.replace(/^__(.*)__$/, '$1');
        const args: Expr[] = [];
        let argIdent = '';
        if (this.accept('(')) {
          if (!this.is(')')) {
            for (;;) {
              if (this.tok.kind === TokenKind.Identifier && (this.peek().spelling === ',' || this.peek().spelling === ')') && this.scope.lookup(this.tok.spelling) === undefined) {
                argIdent = this.next().spelling;
              } else if (name === 'aligned' || name === 'vector_size' || name === 'alloc_size') {
                args.push(this.assignment());
              } else {
                this.skipBalanced();
              }
              if (!this.accept(',')) break;
            }
          }
          this.expect(')');
        }
        switch (name) {
          case 'aligned': {
            const v = args.length > 0 ? evalInt(args[0]!) : 16n;
            attrs.aligned = Math.max(attrs.aligned, v === undefined ? 16 : Number(v));
            break;
          }
          case 'packed': attrs.packed = true; break;
          case 'noreturn': attrs.noreturn = true; break;
          case 'unused': attrs.unused = true; break;
          case 'mode': attrs.mode = argIdent; break;
          case 'vector_size': this.fail(nameTok, "'vector_size' (vector types) is not supported");
        }
      }
      this.expect(')');
      this.expect(')');
    }
  }

  /** Skips one balanced token sequence up to a `,` or `)` at depth 0. */
  private skipBalanced(): void {
    let depth = 0;
    while (this.tok.kind !== TokenKind.Eof) {
      if (depth === 0 && (this.is(',') || this.is(')'))) return;
      if (this.is('(') || this.is('[') || this.is('{')) depth++;
      if (this.is(')') || this.is(']') || this.is('}')) depth--;
      this.next();
    }
  }

  private attributesAfterDeclarator(base: Attributes): Attributes {
    const attrs = { ...base };
    for (;;) {
      if (this.is('__asm__') || this.is('__asm') || this.is('asm')) {
        this.next();
        this.expect('(');
        let name = '';
        if (this.tok.kind === TokenKind.String) name = literalText(this.stringTokens());
        this.expect(')');
        attrs.asmName = name;
        continue;
      }
      if (this.is('__attribute__') || this.is('__attribute')) { this.attributes(attrs); continue; }
      return attrs;
    }
  }

  private recordSpecifier(outer: Attributes): CType {
    const kw = this.next();
    const isUnion = kw.spelling === 'union';
    const attrs = noAttrs();
    this.attributes(attrs);
    let tag = '';
    let tagTok: Token | null = null;
    if (this.tok.kind === TokenKind.Identifier && !this.is('{')) { tagTok = this.next(); tag = tagTok.spelling; }
    if (tag !== '' && !this.is('{')) {
      const existing = this.scope.lookupTag(tag);
      if (existing !== undefined && !(this.is(';') && this.scope.tags.get(tag) === undefined)) {
        if (isRecord(existing) && existing.record!.isUnion === isUnion) return existing;
        if (isRecord(existing) || existing.kind === TypeKind.Enum) this.fail(tagTok!, `'${tag}' defined as wrong kind of tag`);
      }
      const t = recordType(new Record(tag, isUnion, this.unit));
      this.scope.tags.set(tag, t);
      return t;
    }
    if (tag === '' && !this.is('{')) this.fail(this.tok, `expected '{' or a tag name after '${kw.spelling}'`);
    // Definition.
    let t = tag === '' ? undefined : this.scope.tags.get(tag);
    if (t !== undefined && (!isRecord(t) || t.record!.isUnion !== isUnion)) this.fail(tagTok!, `'${tag}' defined as wrong kind of tag`);
    if (t !== undefined && t.record!.complete) { this.error(tagTok!, `redefinition of '${kw.spelling} ${tag}'`); t = undefined; }
    if (t === undefined) {
      t = recordType(new Record(tag, isUnion, this.unit));
      if (tag !== '') this.scope.tags.set(tag, t);
    }
    this.expect('{');
    const decls: MemberDecl[] = [];
    const names = new Set<string>();
    while (!this.accept('}')) {
      if (this.accept(';')) continue;
      if (this.is('_Static_assert')) { this.staticAssert(); continue; }
      const specs = this.declSpecifiers(false);
      if (this.accept(';')) {
        // An anonymous struct/union member (C11), or a useless declaration.
        if (isRecord(specs.type) && specs.type.record!.tag === '' ) decls.push({ name: '', type: specs.type, bitWidth: -1, align: specs.align, packed: specs.attrs.packed });
        else if (isRecord(specs.type) && specs.type.record!.complete) decls.push({ name: '', type: specs.type, bitWidth: -1, align: specs.align, packed: specs.attrs.packed });
        continue;
      }
      for (;;) {
        let d: Declarator;
        if (this.is(':')) d = { name: '', type: specs.type, loc: this.tok, krNames: null, params: null, paramVlas: [] };
        else d = this.declarator(specs.type, false);
        let bitWidth = -1;
        if (this.accept(':')) {
          const w = this.constInt(this.conditional(), 'bit-field width');
          if (!isInteger(d.type)) this.error(d.loc, `bit-field '${d.name}' has invalid type`);
          else if (w < 0n || w > BigInt(d.type.size * 8)) this.error(d.loc, `width of bit-field '${d.name}' (${w} bits) exceeds its type (${d.type.size * 8} bits)`);
          else if (w === 0n && d.name !== '') this.error(d.loc, `zero width for bit-field '${d.name}'`);
          bitWidth = Number(w);
        }
        const ma = this.attributesAfterDeclarator(noAttrs());
        if (d.name !== '') {
          if (names.has(d.name)) this.error(d.loc, `duplicate member '${d.name}'`);
          names.add(d.name);
        }
        if (d.type.kind === TypeKind.Function) this.error(d.loc, `field '${d.name}' declared as a function`);
        else if (isVariablyModified(d.type)) this.error(d.loc, `a member of a structure or union cannot have a variably modified type`);
        else if (!isComplete(d.type) && !(d.type.kind === TypeKind.Array && d.type.length < 0)) this.error(d.loc, `field '${d.name}' has incomplete type '${typeToString(d.type)}'`);
        decls.push({ name: d.name, type: d.type, bitWidth, align: Math.max(specs.align, ma.aligned, specs.attrs.aligned), packed: ma.packed || specs.attrs.packed });
        if (this.accept(',')) continue;
        this.expect(';', 'at end of member declaration');
        break;
      }
    }
    this.attributes(attrs);
    if (outer.packed) attrs.packed = true;
    for (let i = 0; i < decls.length - 1; i++) {
      const d = decls[i]!;
      if (d.type.kind === TypeKind.Array && d.type.length < 0) this.error(kw, `flexible array member '${d.name}' not at end of struct`);
    }
    layoutRecord(t.record!, decls, { packed: attrs.packed, aligned: attrs.aligned, maxAlign: this.currentPack() });
    if (this.scope.parent === null) this.fileDeclarations.push({ kind: 'record', name: tag, type: t, loc: kw });
    return t;
  }

  private enumSpecifier(): CType {
    const kw = this.next();
    this.attributes(noAttrs());
    let tag = '';
    if (this.tok.kind === TokenKind.Identifier && !this.is('{')) tag = this.next().spelling;
    if (tag !== '' && !this.is('{')) {
      const existing = this.scope.lookupTag(tag);
      if (existing !== undefined) {
        if (existing.kind !== TypeKind.Enum) this.fail(kw, `'${tag}' defined as wrong kind of tag`);
        return existing;
      }
      const t = enumType(tag);
      this.scope.tags.set(tag, t);
      return t;
    }
    if (tag === '' && !this.is('{')) this.fail(this.tok, "expected '{' after 'enum'");
    let t = tag === '' ? undefined : this.scope.tags.get(tag);
    if (t === undefined || t.enumComplete) {
      t = enumType(tag);
      if (tag !== '') this.scope.tags.set(tag, t);
    }
    this.expect('{');
    let value = 0n;
    const entries: { name: string; value: bigint }[] = [];
    while (!this.accept('}')) {
      const name = this.identifier('an enumerator name');
      this.attributes(noAttrs());
      if (this.accept('=')) value = this.constInt(this.conditional(), 'enumerator value');
      entries.push({ name: name.spelling, value });
      if (this.scope.ordinary.has(name.spelling)) this.error(name, `redeclaration of '${name.spelling}'`);
      // Enumeration constants have type int (C11 6.7.2.2p3) while their value fits.
      const ct = value >= -(1n << 31n) && value < (1n << 31n) ? T.int : value >= 0n && value < (1n << 32n) ? T.uint : value < 0n ? T.long : T.ulong;
      this.scope.ordinary.set(name.spelling, { k: 'enum', value, type: ct });
      if (this.scope.parent === null) this.fileDeclarations.push({ kind: 'enumerator', name: name.spelling, type: ct, value, loc: name });
      value++;
      if (!this.accept(',')) { this.expect('}', 'after enumerator list'); break; }
    }
    this.attributes(noAttrs());
    // gcc: unsigned int when no value is negative, else int; wider when needed.
    let min = 0n, max = 0n;
    for (const e of entries) { if (e.value < min) min = e.value; if (e.value > max) max = e.value; }
    t.base = min < 0n ? (min >= -(1n << 31n) && max < (1n << 31n) ? T.int : T.long) : max < (1n << 32n) ? T.uint : T.ulong;
    t.enumComplete = true;
    if (this.scope.parent === null) this.fileDeclarations.push({ kind: 'enum', name: tag, type: t, loc: kw });
    return t;
  }

  // ---------------------------------------------------------------- declarators

  /** Parses a declarator (`abstract`: the name may be missing, as in type names and parameters). */
  private declarator(base: CType, abstract: boolean): Declarator {
    let type = base;
    this.attributes(noAttrs());
    while (this.accept('*')) {
      let q = Qual.None;
      for (;;) {
        const s = this.tok.spelling;
        if (this.tok.kind !== TokenKind.Identifier) break;
        if (s === 'const' || s === '__const' || s === '__const__') q |= Qual.Const;
        else if (s === 'volatile' || s === '__volatile' || s === '__volatile__') q |= Qual.Volatile;
        else if (s === 'restrict' || s === '__restrict' || s === '__restrict__') q |= Qual.Restrict;
        else if (s === '_Atomic') this.fail(this.tok, "'_Atomic' is not supported");
        else if (s === '__attribute__' || s === '__attribute') { this.attributes(noAttrs()); continue; }
        else if (s === '__extension__') { /* ignored */ }
        else break;
        this.next();
      }
      type = qualify(pointerTo(type), q);
    }
    this.attributes(noAttrs());
    const after = this.peek();
    const isAttr = after.spelling === '__attribute__' || after.spelling === '__attribute';
    if (this.is('(') && !(abstract && !isAttr && (this.isTypeNameStart(after) || after.spelling === ')'))) {
      // A nested declarator: `(*name)(params)`. Parse the suffix after the parenthesis first.
      const open = this.pos;
      this.next();
      let depth = 1;
      while (depth > 0 && this.tok.kind !== TokenKind.Eof) {
        if (this.is('(')) depth++;
        else if (this.is(')')) depth--;
        this.next();
      }
      const suffix = this.typeSuffix(type);
      const end = this.pos;
      this.pos = open + 1;
      const inner = this.declarator(suffix.type, abstract);
      this.expect(')');
      this.pos = end;
      return { ...inner, krNames: inner.krNames ?? suffix.krNames, params: inner.params ?? suffix.params, paramVlas: inner.params !== null ? inner.paramVlas : suffix.paramVlas };
    }
    let name = '';
    let loc: SourceLocation = this.tok;
    if (this.tok.kind === TokenKind.Identifier && !TYPE_KEYWORDS.has(this.tok.spelling)) {
      if (this.is('__attribute__')) this.attributes(noAttrs());
      else { loc = this.tok; name = this.next().spelling; }
    } else if (!abstract) {
      this.fail(this.tok, `expected identifier or '(' before ${this.describeTok(this.tok)}`);
    }
    const suffix = this.typeSuffix(type);
    return { name, type: suffix.type, loc, krNames: suffix.krNames, params: suffix.params, paramVlas: suffix.paramVlas };
  }

  private typeSuffix(type: CType): { type: CType; krNames: string[] | null; params: Declarator['params']; paramVlas: Symbol[] } {
    if (this.is('(')) {
      this.next();
      const r = this.parameterList();
      const rest = this.typeSuffix(type);
      if (rest.type.kind === TypeKind.Function) this.error(this.tok, 'function returning a function');
      if (rest.type.kind === TypeKind.Array) this.error(this.tok, 'function returning an array');
      const ft = functionType(rest.type, r.params.map((p) => ({ name: p.name, type: p.type })), r.variadic, r.hasProto);
      return { type: ft, krNames: r.krNames, params: r.params, paramVlas: r.vlas };
    }
    if (this.is('[')) {
      const lb = this.next();
      while (this.is('static') || this.is('const') || this.is('restrict') || this.is('volatile') || this.is('__restrict')) this.next();
      let length = -1;
      let vla: Expr | null = null;
      if (this.is('*')) { this.next(); vla = null; }
      else if (!this.is(']')) {
        const e = this.assignment();
        if (!isInteger(e.type)) this.error(lb, 'size of array has non-integer type');
        const v = evalInt(e);
        if (v === undefined) vla = e;
        else if (v < 0n) this.error(lb, 'size of array is negative');
        else length = Number(v);
      }
      this.expect(']');
      const rest = this.typeSuffix(type);
      if (rest.type.kind === TypeKind.Function) this.error(lb, 'declaration of an array of functions');
      if (!isComplete(rest.type) && rest.type.kind !== TypeKind.Void) this.error(lb, `array type has incomplete element type '${typeToString(rest.type)}'`);
      if (rest.type.kind === TypeKind.Void) this.error(lb, "declaration of an array of 'void'");
      const at = arrayOf(rest.type, length);
      if (vla !== null) {
        if (this.func === null && this.protoDepth === 0) this.fail(lb, 'variably modified type at file scope');
        // The length lives in a hidden local, set where the declaration (or type name) is evaluated.
        const len = this.newSymbol(`.vla.${this.anonCount++}`, T.ulong, false, Storage.Local, lb);
        len.defined = true;
        len.init = { k: 'expr', expr: this.convert(vla, T.ulong) };
        at.vla = len;
        this.vlaLengths.push(len);
      }
      return { type: at, krNames: null, params: null, paramVlas: [] };
    }
    return { type, krNames: null, params: null, paramVlas: [] };
  }

  /** Takes the VLA length locals made since the last call, as `decl` statements that evaluate them. */
  private takeVlaLengths(): Stmt[] {
    const out: Stmt[] = this.vlaLengths.map((sym) => ({ k: 'decl', loc: sym.loc, sym }));
    this.vlaLengths = [];
    return out;
  }

  /** Parses a type name in an expression; `wrap` gets the expression built from it, evaluated after the type's VLA lengths. */
  private exprTypeName(): { type: CType; wrap: (e: Expr) => Expr } {
    const outer = this.vlaLengths;
    this.vlaLengths = [];
    try {
      const type = this.typeName();
      const decls = this.takeVlaLengths();
      if (decls.length === 0) return { type, wrap: (e) => e };
      return { type, wrap: (e) => ({ k: 'stmtexpr', type: e.type, loc: e.loc, body: decls, result: e }) };
    } finally {
      this.vlaLengths = outer;
    }
  }

  private parameterList(): { params: ParamDecl[]; variadic: boolean; hasProto: boolean; krNames: string[] | null; vlas: Symbol[] } {
    if (this.accept(')')) return { params: [], variadic: false, hasProto: false, krNames: [], vlas: [] };
    if (this.is('void') && this.peek().spelling === ')') { this.next(); this.next(); return { params: [], variadic: false, hasProto: true, krNames: null, vlas: [] }; }
    if (this.tok.kind === TokenKind.Identifier && !this.isDeclStart()) {
      // K&R identifier list.
      const names: string[] = [];
      for (;;) {
        names.push(this.identifier('a parameter name').spelling);
        if (!this.accept(',')) break;
      }
      this.expect(')');
      return { params: [], variadic: false, hasProto: false, krNames: names, vlas: [] };
    }
    const params: ParamDecl[] = [];
    let variadic = false;
    // Parameters get their own scope so that tags and names declared in them do not leak.
    const saved = this.scope;
    this.scope = new Scope(saved);
    const outerVlas = this.vlaLengths;
    this.vlaLengths = [];
    let vlas: Symbol[] = [];
    this.protoDepth++;
    try {
      for (;;) {
        if (this.accept('...')) { variadic = true; break; }
        const loc = this.tok;
        const specs = this.declSpecifiers(true);
        const d = this.declarator(specs.type, true);
        this.attributesAfterDeclarator(noAttrs());
        const type = adjustParam(d.type);
        const p: ParamDecl = { name: d.name, type, loc: d.name === '' ? loc : d.loc };
        if (d.name !== '') {
          p.sym = this.newSymbol(d.name, type, false, Storage.Local, d.loc);
          this.scope.ordinary.set(d.name, { k: 'sym', sym: p.sym });
        }
        params.push(p);
        if (!this.accept(',')) break;
      }
      this.expect(')', 'after parameter list');
    } finally {
      this.scope = saved;
      vlas = this.vlaLengths;
      this.vlaLengths = outerVlas;
      this.protoDepth--;
    }
    for (const p of params) if (p.type.kind === TypeKind.Void) this.error(p.loc, "'void' must be the only parameter");
    return { params, variadic, hasProto: true, krNames: null, vlas };
  }

  /** Parses a type name (casts, sizeof, compound literals). */
  private typeName(): CType {
    const specs = this.declSpecifiers(false);
    const d = this.declarator(specs.type, true);
    if (d.name !== '') this.error(d.loc, `unexpected identifier '${d.name}' in type name`);
    return d.type;
  }

  // ---------------------------------------------------------------- declarations

  private linkNameFor(name: string, attrs: Attributes): string {
    return attrs.asmName !== '' ? attrs.asmName : name;
  }

  /** Declares one declarator of a declaration (file or block scope), with its initializer. */
  private declareOne(d: Declarator, specs: Specifiers, attrs: Attributes, fileScope: boolean): Symbol | null {
    if (d.name === '') { this.error(d.loc, 'declaration does not declare anything'); return null; }
    if (specs.threadLocal) {
      if (specs.storage === 'typedef') this.error(d.loc, "'_Thread_local' used with 'typedef'");
      else if (d.type.kind === TypeKind.Function) this.error(d.loc, `function '${d.name}' declared '_Thread_local'`);
      else if (!fileScope && specs.storage !== 'static' && specs.storage !== 'extern') this.error(d.loc, `function-scope '${d.name}' implicitly auto and declared '_Thread_local'`);
    }
    if (specs.storage === 'typedef') {
      const prev = this.scope.ordinary.get(d.name);
      if (prev !== undefined && !(prev.k === 'typedef' && compatible(prev.type, d.type))) this.error(d.loc, `redefinition of '${d.name}' as a different kind of symbol`);
      let type = d.type;
      if (attrs.aligned !== 0 && type.alignOverride !== attrs.aligned) {
        type = Object.assign(new CType(type.kind), type) as CType;
        type.alignOverride = attrs.aligned;
        type.unqualified = type;
      }
      this.scope.ordinary.set(d.name, { k: 'typedef', type });
      if (fileScope) this.fileDeclarations.push({ kind: 'typedef', name: d.name, type, loc: d.loc });
      if (this.is('=')) this.fail(this.tok, `typedef '${d.name}' is initialized`);
      return null;
    }
    const isFunc = d.type.kind === TypeKind.Function;
    if (isFunc) {
      if (!fileScope && specs.storage === 'static') this.error(d.loc, `invalid storage class for function '${d.name}'`);
      const sym = this.declareFunction(d, specs, attrs);
      if (this.is('=')) this.fail(this.tok, `function '${d.name}' is initialized like a variable`);
      return sym;
    }
    if (d.type.kind === TypeKind.Void) this.error(d.loc, `variable '${d.name}' declared void`);
    if (specs.storage !== 'extern') this.checkNoLongDouble(d.type, d.loc);
    const align = Math.max(specs.align, attrs.aligned);
    if (!fileScope && specs.storage !== '' && specs.storage !== 'auto' && specs.storage !== 'register' && isVariablyModified(d.type)) {
      this.error(d.loc, specs.storage === 'static' ? `storage size of '${d.name}' isn't constant` : `object with variably modified type must have no linkage`);
    }
    if (fileScope || specs.storage === 'extern') {
      const sym = this.declareGlobalObject(d, specs, attrs, fileScope);
      if (specs.threadLocal) sym.threadLocal = true;
      if (align > sym.align) sym.align = align;
      if (this.accept('=')) {
        if (!fileScope) this.error(d.loc, `'${d.name}' has both 'extern' and initializer`);
        if (sym.init !== null) this.error(d.loc, `redefinition of '${d.name}'`);
        const init = this.initializer(sym.type, true);
        sym.init = init.init;
        if (init.type !== sym.type) sym.type = init.type;
        sym.defined = true;
        sym.storage = Storage.Static;
      }
      if (fileScope && specs.storage !== 'extern') {
        sym.defined = true;
        sym.storage = Storage.Static;
      }
      return sym;
    }
    // Block scope object.
    const prev = this.scope.ordinary.get(d.name);
    if (prev !== undefined) this.error(d.loc, `redefinition of '${d.name}'`);
    if (specs.storage === 'static') {
      const sym = this.newSymbol(d.name, d.type, false, Storage.Static, d.loc);
      sym.isStatic = true;
      sym.defined = true;
      sym.threadLocal = specs.threadLocal;
      sym.align = align;
      sym.linkName = `${this.funcName}.${d.name}.${sym.id}`;
      this.scope.ordinary.set(d.name, { k: 'sym', sym });
      if (this.accept('=')) {
        const init = this.initializer(sym.type, true);
        sym.init = init.init;
        sym.type = init.type;
      }
      if (!isComplete(sym.type)) this.error(d.loc, `storage size of '${d.name}' isn't known`);
      this.statics.push(sym);
      return sym;
    }
    const sym = this.newSymbol(d.name, d.type, false, Storage.Local, d.loc);
    sym.align = align;
    sym.defined = true;
    sym.isRegister = specs.storage === 'register';
    if (d.type.quals & Qual.Volatile) sym.addressTaken = true;
    this.scope.ordinary.set(d.name, { k: 'sym', sym });
    if (this.is('=') && isVariablySized(d.type)) this.fail(this.tok, 'variable-sized object may not be initialized');
    if (this.accept('=')) {
      const init = this.initializer(sym.type, false);
      sym.init = init.init;
      sym.type = init.type;
    }
    if (!isComplete(sym.type)) this.error(d.loc, `storage size of '${d.name}' isn't known`);
    return sym;
  }

  /** `long double` is parsed (headers declare functions with it) but objects and values of it are an error. */
  private checkNoLongDouble(t: CType, loc: SourceLocation): void {
    if (this.deadArms > 0) return;
    let x = t;
    while (x.kind === TypeKind.Array) x = x.base!;
    if (x.kind === TypeKind.LDouble) this.error(loc, "'long double' is not supported (jitkit's IR has no 80-bit x87 type)");
  }

  private declareGlobalObject(d: Declarator, specs: Specifiers, attrs: Attributes, fileScope: boolean): Symbol {
    const existingEntry = this.scope.file.ordinary.get(d.name);
    let sym: Symbol | undefined;
    if (existingEntry !== undefined) {
      if (existingEntry.k !== 'sym' || existingEntry.sym.isFunction) this.fail(d.loc, `'${d.name}' redeclared as different kind of symbol`);
      sym = existingEntry.sym;
    }
    const isStatic = specs.storage === 'static';
    if (sym === undefined && !isStatic) {
      const linked = this.linkage.byName.get(this.linkNameFor(d.name, attrs));
      if (linked !== undefined && !linked.isFunction && !linked.isStatic) sym = linked;
    }
    if (sym !== undefined) {
      if (!compatible(unqual(sym.type), unqual(d.type), true) && !(sym.type.kind === TypeKind.Array && d.type.kind === TypeKind.Array && compatible(sym.type.base!, d.type.base!))) {
        this.error(d.loc, `conflicting types for '${d.name}'; have '${typeToString(d.type)}'`);
        this.diags.note(sym.loc, `previous declaration of '${d.name}' with type '${typeToString(sym.type)}'`);
      } else if (sym.type.kind === TypeKind.Array && sym.type.length < 0 && d.type.kind === TypeKind.Array && d.type.length >= 0) {
        sym.type = d.type;
      }
      if (isStatic && !sym.isStatic && fileScope) this.error(d.loc, `static declaration of '${d.name}' follows non-static declaration`);
    } else {
      sym = this.newSymbol(d.name, d.type, false, Storage.Extern, d.loc);
      sym.isStatic = isStatic;
      sym.linkName = this.linkNameFor(d.name, attrs);
      if (isStatic) {
        if (this.linkage.byName.has(sym.linkName)) sym.linkName = `${d.name}.${this.unit}.${sym.id}`;
        this.linkage.byName.set(sym.linkName, sym);
      } else this.linkage.byName.set(sym.linkName, sym);
      this.symbols.push(sym);
    }
    if (fileScope) this.scope.file.ordinary.set(d.name, { k: 'sym', sym });
    this.scope.ordinary.set(d.name, { k: 'sym', sym });
    return sym;
  }

  private declareFunction(d: Declarator, specs: Specifiers, attrs: Attributes): Symbol {
    const fileEntry = this.scope.file.ordinary.get(d.name);
    let sym: Symbol | undefined;
    if (fileEntry !== undefined && fileEntry.k === 'sym') sym = fileEntry.sym;
    else if (fileEntry !== undefined) this.fail(d.loc, `'${d.name}' redeclared as different kind of symbol`);
    const linkName = this.linkNameFor(d.name, attrs);
    if (sym === undefined && specs.storage !== 'static') {
      const linked = this.linkage.byName.get(linkName);
      // Two C functions may share an assembler name with different types (glibc's __REDIRECT
      // renames `stat` to `stat64` beside `stat64`'s own declaration): gcc keeps them apart.
      if (linked !== undefined && linked.isFunction && !linked.isStatic && (linked.name === d.name || compatible(linked.type, d.type))) sym = linked;
    }
    if (sym !== undefined) {
      if (!sym.isFunction) this.fail(d.loc, `'${d.name}' redeclared as different kind of symbol`);
      if (!compatible(sym.type, d.type)) {
        if (sym.implicitDecl) {
          this.warn(d.loc, `conflicting types for '${d.name}' (implicitly declared before)`);
        } else {
          this.error(d.loc, `conflicting types for '${d.name}'; have '${typeToString(d.type)}'`);
          this.diags.note(sym.loc, `previous declaration of '${d.name}' with type '${typeToString(sym.type)}'`);
        }
        sym.type = d.type;
      } else if (!sym.type.hasProto && d.type.hasProto) {
        sym.type = d.type;
      }
      sym.implicitDecl = false;
      if (attrs.asmName !== '') sym.linkName = attrs.asmName;
    } else {
      sym = this.newSymbol(d.name, d.type, true, Storage.Extern, d.loc);
      sym.linkName = linkName;
      sym.isStatic = specs.storage === 'static';
      if (sym.isStatic && this.linkage.byName.has(linkName)) sym.linkName = `${d.name}.${this.unit}.${sym.id}`;
      if (!this.linkage.byName.has(sym.linkName)) this.linkage.byName.set(sym.linkName, sym);
      this.symbols.push(sym);
    }
    if (specs.inline) sym.isInline = true;
    if (specs.noreturn || attrs.noreturn) sym.noreturn = true;
    this.scope.file.ordinary.set(d.name, { k: 'sym', sym });
    this.scope.ordinary.set(d.name, { k: 'sym', sym });
    return sym;
  }

  private functionDefinition(d: Declarator, specs: Specifiers, attrs: Attributes): void {
    let type = d.type;
    let params = d.params ?? [];
    if (d.krNames !== null && d.krNames.length > 0) {
      // Old-style definition: `int f(a, b) int a; char *b; { ... }`.
      const declared = new Map<string, { type: CType; loc: SourceLocation }>();
      while (!this.is('{')) {
        const ps = this.declSpecifiers(true);
        for (;;) {
          const pd = this.declarator(ps.type, false);
          if (!d.krNames.includes(pd.name)) this.error(pd.loc, `declaration for parameter '${pd.name}' but no such parameter`);
          declared.set(pd.name, { type: adjustParam(pd.type), loc: pd.loc });
          if (!this.accept(',')) break;
        }
        this.expect(';');
      }
      params = d.krNames.map((n) => ({ name: n, type: declared.get(n)?.type ?? T.int, loc: declared.get(n)?.loc ?? d.loc }));
      type = functionType(type.base!, params.map((p) => ({ name: p.name, type: p.type })), false, false);
    }
    const sym = this.declareFunction({ ...d, type }, specs, attrs);
    if (sym.body !== null) this.error(d.loc, `redefinition of '${d.name}'`);
    if (!type.hasProto && sym.type.hasProto && d.krNames !== null && d.krNames.length > 0) {
      // A prototype was declared before the K&R definition: calls use the prototype.
      type = sym.type;
    } else sym.type = type;
    sym.defined = true;
    sym.storage = Storage.Static;
    const ret = type.base!;
    if (ret.kind !== TypeKind.Void && !isComplete(ret)) this.error(d.loc, `return type is an incomplete type`);
    this.checkNoLongDouble(ret, d.loc);
    for (const p of type.params) this.checkNoLongDouble(p.type, d.loc);
    this.func = sym;
    this.funcName = d.name;
    this.labels = new Map();
    this.labelVlas = new Map();
    this.vlaScope = [];
    this.gotos = [];
    const saved = this.scope;
    this.scope = new Scope(saved);
    sym.params = [];
    for (let i = 0; i < params.length; i++) {
      const p = params[i]!;
      const ptype = type.params[i]?.type ?? p.type;
      if (p.name === '') { this.error(p.loc, 'parameter name omitted'); continue; }
      if (!isComplete(ptype)) this.error(p.loc, `parameter ${i + 1} ('${p.name}') has incomplete type`);
      // The prototype's own symbol when it is this parameter (VLA lengths of later parameters refer to it).
      const ps = p.sym !== undefined && p.sym.type === ptype ? p.sym : this.newSymbol(p.name, ptype, false, Storage.Local, p.loc);
      ps.defined = true;
      if (ptype.quals & Qual.Volatile) ps.addressTaken = true;
      if (this.scope.ordinary.has(p.name)) this.error(p.loc, `redefinition of parameter '${p.name}'`);
      this.scope.ordinary.set(p.name, { k: 'sym', sym: ps });
      sym.params.push(ps);
    }
    try {
      const body = this.compoundStatement(false);
      // Parameters' VLA lengths (`int m[n][n]`) are evaluated on entry.
      const entry: Stmt[] = d.paramVlas.map((v) => ({ k: 'decl', loc: v.loc, sym: v }));
      sym.body = entry.length === 0 ? body : { k: 'block', loc: body.loc, items: [...entry, body] };
    } finally {
      this.scope = saved;
      this.func = null;
    }
    for (const g of this.gotos) {
      if (!this.labels.has(g.name)) this.error(g.loc, `label '${g.name}' used but not defined`);
      else if (g.vlas !== null && this.labelVlas.get(g.name)!.some((v) => !g.vlas!.includes(v))) this.error(g.loc, 'jump into scope of identifier with variably modified type');
    }
  }

  // ---------------------------------------------------------------- initializers

  /**
   * Parses an initializer for an object of type `type`; returns it and the
   * completed type (an array of unknown size gets its length from the initializer).
   */
  private initializer(type: CType, isStatic: boolean): { init: Initializer; type: CType } {
    void isStatic;
    if (this.is('{')) return this.bracedInit(type, this.next());
    if (type.kind === TypeKind.Array) {
      let parens = 0;
      while (this.is('(') && this.peek(parens + 1).kind !== TokenKind.Identifier) { if (this.peek(parens).spelling !== '(') break; parens++; if (this.peek(parens).kind === TokenKind.String) break; }
      const save = this.pos;
      this.pos += parens;
      const s = this.stringInitializer(type, parens);
      if (s !== null) { for (let i = 0; i < parens; i++) this.expect(')'); return s; }
      this.pos = save;
      const e = this.assignment();
      this.fail(e.loc, `array initializer must be an initializer list or string literal`);
    }
    const e = this.assignment();
    return { init: this.scalarInit(type, e), type };
  }

  /** A char array initialised from a string literal (optionally in braces). */
  private stringInitializer(type: CType, parens = 0): { init: Initializer; type: CType } | null {
    if (this.tok.kind !== TokenKind.String) return null;
    const elem = type.base!;
    if (!isInteger(elem)) return null;
    const save = this.pos;
    const lit = this.stringLiteral();
    if (parens > 0 ? !this.is(')') : !this.is(',') && !this.is('}') && !this.is(';')) { this.pos = save; return null; }
    return this.stringInitFrom(type, lit);
  }

  /** A character array of `type` initialised from string literal `lit` (completing an unknown size). */
  private stringInitFrom(type: CType, lit: Extract<Expr, { k: 'string' }>): { init: Initializer; type: CType } {
    const elem = type.base!;
    const unit = lit.type.base!.size;
    if (unit !== elem.size) { this.error(lit.loc, 'initializing an array from a string literal of another character type'); }
    const n = lit.bytes.length / unit;
    let t = type;
    if (type.length < 0) t = arrayOf(elem, n);
    else if (n - 1 > type.length) this.warn(lit.loc, 'initializer-string for array of chars is too long');
    return { init: { k: 'string', bytes: lit.bytes, elemSize: unit }, type: t };
  }

  private scalarInit(type: CType, e: Expr): Initializer {
    if (isRecord(type)) {
      if (!compatible(unqual(e.type), unqual(type), true)) this.fail(e.loc, `invalid initializer: '${typeToString(e.type)}' for '${typeToString(type)}'`);
      return { k: 'expr', expr: e };
    }
    return { k: 'expr', expr: this.assignConvert(e, type, 'initializing') };
  }

  /**
   * Parses the rest of a brace-enclosed initializer (after `{`) for an object
   * of `type`; returns it and the completed type (an array of unknown size
   * gets its length from the list).
   *
   * Follows C11 6.7.9's *current object* model: a stack of the aggregates
   * being filled, so that an initializer without braces fills the next scalar
   * (brace elision) and one after a designator continues after the designated
   * sub-object, even inside nested or anonymous members (`{ .b = 1, 2 }`).
   */
  private bracedInit(type: CType, lb: SourceLocation): { init: Initializer; type: CType } {
    if (isScalar(type)) {
      // `int x = { 3 };` (and gcc's `{ { 3 } }`).
      if (this.is('}')) this.fail(this.tok, 'empty scalar initializer');
      const init = this.is('{') ? this.bracedInit(type, this.next()).init : this.scalarInit(type, this.assignment());
      while (this.accept(',')) { if (this.is('}')) break; this.warn(this.tok, 'excess elements in scalar initializer'); this.assignment(); }
      this.expect('}');
      return { init, type };
    }
    if (isRecord(type) && !type.record!.complete) this.fail(lb, `variable has incomplete type '${typeToString(type)}'`);
    if (type.kind !== TypeKind.Array && !isRecord(type)) this.fail(lb, `invalid initializer for type '${typeToString(type)}'`);
    if (type.kind === TypeKind.Array) {
      // `char s[] = { "abc" }`.
      const s = this.stringInBraces(type);
      if (s !== null) return s;
    }
    const root: ListInit = { k: 'list', type, items: [] };
    const stack: InitFrame[] = [{ type, list: root, index: 0 }];
    while (!this.is('}')) {
      let rangeEnd = -1;
      if (this.isDesignatorStart()) {
        stack.length = 1;
        rangeEnd = this.designation(stack);
      } else if (!this.nextPosition(stack)) {
        this.warn(this.tok, `excess elements in ${type.kind === TypeKind.Array ? 'array' : type.kind === TypeKind.Union ? 'union' : 'struct'} initializer`);
        if (this.is('{')) this.bracedInit(T.int, this.next()); else this.assignment();
        if (!this.accept(',')) break;
        continue;
      }
      this.fillPosition(stack, rangeEnd);
      if (!this.accept(',')) break;
    }
    this.expect('}');
    if (type.kind === TypeKind.Array && type.length < 0) {
      const t = arrayOf(type.base!, root.items.length);
      root.type = t;
      return { init: root, type: t };
    }
    return { init: root, type };
  }

  /** `{ "abc" }` for a character array, or null (position restored). */
  private stringInBraces(type: CType): { init: Initializer; type: CType } | null {
    if (this.tok.kind !== TokenKind.String || !isInteger(type.base!)) return null;
    const save = this.pos;
    const s = this.stringInitializer(type);
    if (s !== null) {
      this.accept(',');
      if (this.accept('}')) return s;
    }
    this.pos = save;
    return null;
  }

  private isDesignatorStart(): boolean {
    return this.is('.') || this.is('[');
  }

  /**
   * Parses a designation (`[i]`, `[lo ... hi]`, `.name`, chained, then `=`),
   * leaving the stack at the designated sub-object; returns the end of a
   * final range designator (-1 when there is none).
   */
  private designation(stack: InitFrame[]): number {
    for (;;) {
      const f = stack[stack.length - 1]!;
      let rangeEnd = -1;
      if (this.is('[')) {
        const lbk = this.next();
        if (f.type.kind !== TypeKind.Array) this.fail(lbk, 'array index in non-array initializer');
        const lo = this.constInt(this.conditional(), 'array index in initializer');
        let hi = lo;
        if (this.accept('...')) hi = this.constInt(this.conditional(), 'array index in initializer');
        this.expect(']');
        const limit = f.type.length;
        if (lo < 0n || hi < lo || (limit >= 0 && hi >= BigInt(limit))) this.fail(lbk, 'array index in initializer exceeds array bounds');
        f.index = Number(lo);
        if (hi !== lo) rangeEnd = Number(hi);
      } else {
        const dot = this.expect('.');
        if (!isRecord(f.type)) this.fail(dot, 'field name not in record or union initializer');
        const name = this.identifier('a member name');
        const path = memberPath(f.type, name.spelling);
        if (path === undefined) this.fail(name, `'${typeToString(f.type)}' has no member named '${name.spelling}'`);
        // Members of anonymous structs and unions: through each level.
        for (let p = 0; p < path.length - 1; p++) {
          stack[stack.length - 1]!.index = path[p]!;
          this.enterSubobject(stack);
        }
        stack[stack.length - 1]!.index = path[path.length - 1]!;
      }
      if (!this.isDesignatorStart()) {
        this.expect('=');
        return rangeEnd;
      }
      if (rangeEnd >= 0) this.fail(this.tok, 'a range designator followed by another designator is not supported');
      this.enterSubobject(stack);
    }
  }

  /** The type of the sub-object at the top frame's position. */
  private subobjectType(f: InitFrame): CType {
    return f.type.kind === TypeKind.Array ? f.type.base! : f.type.record!.members[f.index]!.type;
  }

  /** Stores `init` at the top frame's position (a union keeps only its last initialised member). */
  private setSubobject(f: InitFrame, init: Initializer): void {
    if (f.type.kind === TypeKind.Union) f.list.items.length = 0;
    f.list.items[f.index] = init;
  }

  /** Pushes a frame for the sub-object at the top frame's position (reusing a copy of its list when it has one). */
  private enterSubobject(stack: InitFrame[]): void {
    const f = stack[stack.length - 1]!;
    const t = this.subobjectType(f);
    if (t.kind !== TypeKind.Array && !isRecord(t)) this.fail(this.tok, `designator into non-aggregate type '${typeToString(t)}'`);
    if (isRecord(t) && !t.record!.complete) this.fail(this.tok, `invalid use of incomplete type '${typeToString(t)}'`);
    const old = f.list.items[f.index];
    // A copy: the same list may be shared by the elements of a range designator.
    const list: ListInit = old !== undefined && old.k === 'list' ? { k: 'list', type: old.type, items: old.items.slice() } : { k: 'list', type: t, items: [] };
    if (old !== undefined && old.k !== 'list') this.warn(this.tok, 'initialized field overwritten');
    this.setSubobject(f, list);
    stack.push({ type: t, list, index: 0 });
  }

  /** Moves the stack to the next sub-object for an initializer without designator; false when the list is full. */
  private nextPosition(stack: InitFrame[]): boolean {
    for (;;) {
      const f = stack[stack.length - 1]!;
      if (f.type.kind === TypeKind.Array) {
        if (f.type.length < 0 || f.index < f.type.length) return true;
      } else {
        const ms = f.type.record!.members;
        // Unnamed bit-fields are not initialised; a union takes one initializer.
        while (f.index < ms.length && ms[f.index]!.name === '' && ms[f.index]!.bitWidth >= 0) f.index++;
        if (f.index < ms.length && (f.type.kind !== TypeKind.Union || f.list.items.length === 0)) return true;
      }
      if (stack.length === 1) return false;
      stack.pop();
      stack[stack.length - 1]!.index++;
    }
  }

  /** Parses the initializer of the sub-object at the stack's position, descending into aggregates whose braces are elided. */
  private fillPosition(stack: InitFrame[], rangeEnd: number): void {
    let pre: Expr | undefined;
    let f = stack[stack.length - 1]!;
    const first = f;
    for (;;) {
      const t = this.subobjectType(f);
      if (pre === undefined && this.is('{')) { this.setSubobject(f, this.bracedInit(t, this.next()).init); break; }
      if (pre === undefined && t.kind === TypeKind.Array && this.tok.kind === TokenKind.String) {
        const s = this.stringInitializer(t);
        if (s !== null) { this.setSubobject(f, s.init); break; }
      }
      if (pre !== undefined && pre.k === 'string' && t.kind === TypeKind.Array && isInteger(t.base!) && t.base!.size === pre.type.base!.size) {
        this.setSubobject(f, this.stringInitFrom(t, pre).init);
        break;
      }
      if (isScalar(t)) { this.setSubobject(f, this.scalarInit(t, pre ?? this.assignment())); break; }
      pre ??= this.assignment();
      if (isRecord(t) && isRecord(pre.type) && compatible(unqual(pre.type), unqual(t), true)) { this.setSubobject(f, { k: 'expr', expr: pre }); break; }
      if (t.kind !== TypeKind.Array && !isRecord(t)) this.fail(pre.loc, `invalid initializer for type '${typeToString(t)}'`);
      // Brace elision: the expression initialises the first scalar of the aggregate.
      this.enterSubobject(stack);
      if (!this.nextPosition(stack)) { this.warn(pre.loc, 'excess elements in initializer'); return; }
      f = stack[stack.length - 1]!;
    }
    if (rangeEnd >= 0 && f !== first) this.fail(this.tok, 'a range designator whose initializer elides braces is not supported');
    if (rangeEnd >= 0) {
      const init = f.list.items[f.index]!;
      for (let i = f.index + 1; i <= rangeEnd; i++) f.list.items[i] = init;
      f.index = rangeEnd;
    }
    f.index++;
  }

  // ---------------------------------------------------------------- statements

  private compoundStatement(newScope = true): Stmt {
    const lb = this.expect('{');
    const saved = this.scope;
    if (newScope) this.scope = new Scope(saved);
    const items: Stmt[] = [];
    const vlaDepth = this.vlaScope.length;
    try {
      while (!this.is('}')) {
        if (this.tok.kind === TokenKind.Eof) this.fail(this.tok, "expected '}' at end of input");
        const start = this.pos;
        try {
          // GNU attribute statement: `__attribute__((fallthrough));`.
          if ((this.is('__attribute__') || this.is('__attribute')) && this.attributeStatement()) { items.push({ k: 'empty', loc: this.tok }); continue; }
          if (this.isDeclStart() && !(this.tok.kind === TokenKind.Identifier && this.peek().spelling === ':' && !TYPE_KEYWORDS.has(this.tok.spelling) && !STORAGE_KEYWORDS.has(this.tok.spelling))) {
            this.blockDeclaration(items);
          } else {
            items.push(this.statement());
          }
        } catch (e) {
          if (!(e instanceof ParseAbort)) throw e;
          if (this.pos === start) this.next();
          this.recover(start);
        }
      }
      this.next();
    } finally {
      this.scope = saved;
      this.vlaScope.length = vlaDepth;
    }
    return { k: 'block', loc: lb, items };
  }

  /**
   * An `asm` statement. Only the empty template is supported: `asm volatile ("" ::: "memory")`,
   * the compiler barrier of benchmarks and lock-free code, does nothing here (no code moves
   * memory accesses across it that C's rules would not allow anyway, and the operands of an
   * empty template keep their values). Any instruction is an error.
   */
  private asmStatement(): Stmt {
    const t = this.next();
    while (['volatile', '__volatile__', '__volatile', 'inline', '__inline__', 'goto'].includes(this.tok.spelling)) this.next();
    this.expect('(');
    const template = this.tok.kind === TokenKind.String ? this.stringTokens() : null;
    if (template === null || template.units.some((c) => c !== 0 && c !== 0x20 && c !== 0x09 && c !== 0x0a)) this.fail(t, 'inline assembly is not supported');
    for (let depth = 1; depth > 0;) {
      if (this.tok.kind === TokenKind.Eof) this.fail(t, "expected ')' to end the asm statement");
      if (this.is('(')) depth++;
      else if (this.is(')')) depth--;
      this.next();
    }
    this.expect(';');
    return { k: 'empty', loc: t };
  }

  /** A `case`/`default` label where a VLA is in scope that was not at its `switch` (C11 6.8.4.2p2). */
  private checkSwitchVlas(sw: { vlas: number[] }, at: SourceLocation): void {
    if (this.vlaScope.some((v) => !sw.vlas.includes(v))) this.error(at, 'switch jumps into scope of identifier with variably modified type');
  }

  /** `__attribute__((...));` as a statement (gcc's `fallthrough`): consumes it and returns true, else leaves the cursor. */
  private attributeStatement(): boolean {
    const start = this.pos;
    this.attributes(noAttrs());
    if (this.accept(';')) return true;
    this.pos = start;
    return false;
  }

  private blockDeclaration(items: Stmt[]): void {
    if (this.is('_Static_assert')) { this.staticAssert(); return; }
    const specs = this.declSpecifiers(true);
    if (this.accept(';')) return;
    for (;;) {
      const d = this.declarator(specs.type, false);
      const attrs = this.attributesAfterDeclarator(specs.attrs);
      const sym = this.declareOne(d, specs, attrs, false);
      // VLA lengths of the declarator (also of a typedef) are evaluated here, before the object exists.
      items.push(...this.takeVlaLengths());
      if (sym !== null && !sym.isFunction && sym.storage === Storage.Local) {
        items.push({ k: 'decl', loc: d.loc, sym });
        if (isVariablySized(sym.type)) this.vlaScope.push(sym.id);
      }
      if (this.accept(',')) continue;
      this.expect(';', 'after declaration');
      return;
    }
  }

  private statement(): Stmt {
    const t = this.tok;
    if (t.kind === TokenKind.Identifier) {
      switch (t.spelling) {
        case 'if': {
          this.next();
          this.expect('(');
          const cond = this.condition(this.expression());
          this.expect(')');
          const then = this.substatement();
          const els = this.accept('else') ? this.substatement() : null;
          return { k: 'if', loc: t, cond, then, else: els };
        }
        case 'while': {
          this.next();
          this.expect('(');
          const cond = this.condition(this.expression());
          this.expect(')');
          this.loopDepth++; this.breakDepth++;
          try { return { k: 'while', loc: t, cond, body: this.substatement() }; } finally { this.loopDepth--; this.breakDepth--; }
        }
        case 'do': {
          this.next();
          this.loopDepth++; this.breakDepth++;
          let body: Stmt;
          try { body = this.substatement(); } finally { this.loopDepth--; this.breakDepth--; }
          this.expect('while');
          this.expect('(');
          const cond = this.condition(this.expression());
          this.expect(')');
          this.expect(';');
          return { k: 'do', loc: t, cond, body };
        }
        case 'for': {
          this.next();
          this.expect('(');
          const saved = this.scope;
          this.scope = new Scope(saved);
          try {
            let init: Stmt | null = null;
            if (this.accept(';')) init = null;
            else if (this.isDeclStart()) {
              const items: Stmt[] = [];
              this.blockDeclaration(items);
              init = { k: 'block', loc: t, items };
            } else {
              init = { k: 'expr', loc: this.tok, expr: this.expression() };
              this.expect(';');
            }
            const cond = this.is(';') ? null : this.condition(this.expression());
            this.expect(';');
            const step = this.is(')') ? null : this.expression();
            this.expect(')');
            this.loopDepth++; this.breakDepth++;
            try { return { k: 'for', loc: t, init, cond, step, body: this.substatement() }; } finally { this.loopDepth--; this.breakDepth--; }
          } finally {
            this.scope = saved;
          }
        }
        case 'switch': {
          this.next();
          this.expect('(');
          let cond = this.rvalue(this.expression());
          if (!isInteger(cond.type)) this.error(cond.loc, 'switch quantity not an integer');
          else cond = this.convert(cond, promote(cond.type));
          this.expect(')');
          const sw = { cases: [] as CaseLabel[], hasDefault: false, type: cond.type, vlas: this.vlaScope.slice() };
          this.switches.push(sw);
          this.breakDepth++;
          let body: Stmt;
          try { body = this.substatement(); } finally { this.switches.pop(); this.breakDepth--; }
          return { k: 'switch', loc: t, cond, body, cases: sw.cases, hasDefault: sw.hasDefault };
        }
        case 'case': {
          this.next();
          const lo = this.constInt(this.conditional(), 'case label');
          let hi = lo;
          if (this.accept('...')) hi = this.constInt(this.conditional(), 'case label');
          this.expect(':');
          const sw = this.switches[this.switches.length - 1];
          if (sw === undefined) this.fail(t, "'case' label not within a switch statement");
          this.checkSwitchVlas(sw, t);
          const label: CaseLabel = { lo: wrapInt(sw.type, lo), hi: wrapInt(sw.type, hi) };
          for (const c of sw.cases) if (label.lo <= c.hi && c.lo <= label.hi) { this.error(t, 'duplicate case value'); break; }
          sw.cases.push(label);
          return { k: 'case', loc: t, body: this.labeledBody(), label };
        }
        case 'default': {
          if (this.peek().spelling !== ':') break;
          this.next();
          this.expect(':');
          const sw = this.switches[this.switches.length - 1];
          if (sw === undefined) this.fail(t, "'default' label not within a switch statement");
          this.checkSwitchVlas(sw, t);
          if (sw.hasDefault) this.error(t, "multiple default labels in one switch");
          sw.hasDefault = true;
          return { k: 'case', loc: t, body: this.labeledBody(), label: null };
        }
        case 'break':
          this.next();
          this.expect(';');
          if (this.breakDepth === 0) this.error(t, 'break statement not within loop or switch');
          return { k: 'break', loc: t };
        case 'continue':
          this.next();
          this.expect(';');
          if (this.loopDepth === 0) this.error(t, 'continue statement not within a loop');
          return { k: 'continue', loc: t };
        case 'return': {
          this.next();
          const ret = this.func!.type.base!;
          if (this.accept(';')) {
            if (ret.kind !== TypeKind.Void) this.warn(t, `'return' with no value, in function returning non-void`);
            return { k: 'return', loc: t, value: null };
          }
          let value = this.expression();
          this.expect(';');
          if (ret.kind === TypeKind.Void) {
            if (value.type.kind !== TypeKind.Void) this.warn(t, "'return' with a value, in function returning void");
            return { k: 'return', loc: t, value };
          }
          value = isRecord(ret) ? this.recordValue(value, ret, 'returning') : this.assignConvert(value, ret, 'returning');
          return { k: 'return', loc: t, value };
        }
        case 'goto': {
          this.next();
          if (this.accept('*')) {
            const target = this.rvalue(this.expression());
            if (!isPointer(target.type) && !isInteger(target.type)) this.fail(t, `cannot convert to a pointer type in computed goto`);
            this.expect(';');
            return { k: 'gotoind', loc: t, target: this.convert(target, pointerTo(T.void)) };
          }
          const name = this.identifier('a label name');
          this.expect(';');
          this.gotos.push({ name: name.spelling, loc: name, vlas: this.vlaScope.slice() });
          return { k: 'goto', loc: t, name: name.spelling };
        }
        case 'asm': case '__asm__': case '__asm':
          return this.asmStatement();
      }
      if (this.peek().spelling === ':' && this.peek().kind === TokenKind.Punct) {
        this.next();
        this.next();
        this.attributes(noAttrs());
        if (this.labels.has(t.spelling)) this.error(t, `duplicate label '${t.spelling}'`);
        this.labels.set(t.spelling, t);
        this.labelVlas.set(t.spelling, this.vlaScope.slice());
        return { k: 'label', loc: t, name: t.spelling, body: this.labeledBody() };
      }
    }
    if (this.is('{')) return this.compoundStatement();
    if (this.accept(';')) return { k: 'empty', loc: t };
    const expr = this.expression();
    this.expect(';', 'after expression');
    return { k: 'expr', loc: t, expr };
  }

  /** The statement after a label (C11 requires one; a declaration or `}` there is accepted as in C23). */
  private labeledBody(): Stmt {
    if (this.is('}')) return { k: 'empty', loc: this.tok };
    if (this.isDeclStart()) {
      const items: Stmt[] = [];
      this.blockDeclaration(items);
      return { k: 'block', loc: this.tok, items };
    }
    return this.statement();
  }

  /** A statement in its own scope (C11 6.8.4p3: selection and iteration bodies are blocks). */
  private substatement(): Stmt {
    const saved = this.scope;
    this.scope = new Scope(saved);
    try {
      return this.statement();
    } finally {
      this.scope = saved;
    }
  }

  private condition(e: Expr): Expr {
    const r = this.rvalue(e);
    if (!isScalar(r.type)) this.error(e.loc, `used ${typeToString(r.type)} where scalar is required`);
    if (e.k === 'assign' && e.op === '=' && !this.parenthesized.has(e)) this.warn(e.loc, 'suggest parentheses around assignment used as truth value');
    return r;
  }

  // ---------------------------------------------------------------- expressions: helpers

  /** Expressions written in parentheses (for the assignment-as-condition warning). */
  private readonly parenthesized = new WeakSet<Expr>();

  private intConst(value: bigint, type: CType, loc: SourceLocation): Expr {
    return { k: 'int', type, loc, value };
  }

  private constInt(e: Expr, what: string): bigint {
    const v = evalConst(e);
    if (typeof v === 'bigint' && isInteger(e.type)) return v;
    this.fail(e.loc, `${what} is not an integer constant expression`);
  }

  /** Array-to-pointer and function-to-pointer conversion (C11 6.3.2.1). */
  private rvalue(e: Expr): Expr {
    if (e.type.kind === TypeKind.Array) {
      this.markAddressTaken(e);
      return { k: 'addr', type: pointerTo(e.type.base!), loc: e.loc, operand: e };
    }
    if (e.type.kind === TypeKind.Function) return { k: 'addr', type: pointerTo(e.type), loc: e.loc, operand: e };
    return e;
  }

  /** Marks the variable an lvalue designates as address-taken (it must live in memory). */
  private markAddressTaken(e: Expr): void {
    for (;;) {
      if (e.k === 'var') { e.sym.addressTaken = true; return; }
      if (e.k === 'member') { e = e.base; continue; }
      if (e.k === 'cast' && e.implicit) { e = e.operand; continue; }
      return;
    }
  }

  /** A conversion to `t` (no check), folded away when nothing changes. */
  private convert(e: Expr, t: CType): Expr {
    if (unqual(e.type) === unqual(t) && !isRecord(t)) return e;
    if (e.type.kind === t.kind && t.kind !== TypeKind.Pointer && t.kind !== TypeKind.Enum && !isRecord(t) && t.kind !== TypeKind.Array && t.kind !== TypeKind.Function) return e.type === t ? e : { ...e, type: t } as Expr;
    if (isRecord(t) && isRecord(e.type)) return e;
    return { k: 'cast', type: unqual(t), loc: e.loc, operand: e, implicit: true };
  }

  private isNullPointerConstant(e: Expr): boolean {
    let x = e;
    while (x.k === 'cast' && (isInteger(x.type) || (x.type.kind === TypeKind.Pointer && x.type.base!.kind === TypeKind.Void && x.type.base!.quals === 0))) x = x.operand;
    return isInteger(x.type) && evalInt(x) === 0n;
  }

  /** Conversion as if by assignment (C11 6.5.16.1), with gcc's warnings. */
  private assignConvert(e0: Expr, t: CType, what: string): Expr {
    const e = this.rvalue(e0);
    const to = unqual(t);
    if (isArithmetic(to) && isArithmetic(e.type)) return this.convert(e, to);
    if (to.kind === TypeKind.Bool && isPointer(e.type)) return this.convert(e, to);
    if (isPointer(to)) {
      if (isPointer(e.type)) {
        const a = to.base!, b = e.type.base!;
        if (a.kind !== TypeKind.Void && b.kind !== TypeKind.Void && !compatible(unqual(a), unqual(b), true)) {
          this.warn(e.loc, `incompatible pointer types ${what} '${typeToString(to)}' from '${typeToString(e.type)}'`);
        } else if ((b.quals & ~a.quals) !== 0) {
          this.warn(e.loc, `${what} '${typeToString(to)}' from '${typeToString(e.type)}' discards qualifiers from pointer target type`);
        }
        return this.convert(e, to);
      }
      if (isInteger(e.type)) {
        if (!this.isNullPointerConstant(e)) this.warn(e.loc, `${what} '${typeToString(to)}' from '${typeToString(e.type)}' makes pointer from integer without a cast`);
        return this.convert(e, to);
      }
    }
    if (isInteger(to) && isPointer(e.type)) {
      this.warn(e.loc, `${what} '${typeToString(to)}' from '${typeToString(e.type)}' makes integer from pointer without a cast`);
      return this.convert(e, to);
    }
    if (isRecord(to) && isRecord(e.type) && compatible(to, unqual(e.type), true)) return e;
    this.fail(e.loc, `incompatible types when ${what} type '${typeToString(to)}' using type '${typeToString(e.type)}'`);
  }

  private recordValue(e: Expr, t: CType, what: string): Expr {
    if (isRecord(e.type) && compatible(unqual(e.type), unqual(t), true)) return e;
    this.fail(e.loc, `incompatible types when ${what} type '${typeToString(t)}' using type '${typeToString(e.type)}'`);
  }

  private isLvalue(e: Expr): boolean {
    switch (e.k) {
      case 'var': return !e.sym.isFunction;
      case 'deref': return e.type.kind !== TypeKind.Function;
      case 'member': return this.isLvalue(e.base) || e.base.k === 'deref';
      case 'string': case 'compound': return true;
      default: return false;
    }
  }

  private checkModifiable(e: Expr, what: string): void {
    if (!this.isLvalue(e)) this.fail(e.loc, `lvalue required as ${what}`);
    if (e.type.kind === TypeKind.Array) this.fail(e.loc, `assignment to expression with array type`);
    if (e.type.quals & Qual.Const) this.error(e.loc, `${what === 'left operand of assignment' ? 'assignment of' : what.includes('increment') || what.includes('decrement') ? what + ' of' : 'assignment of'} read-only ${e.k === 'var' ? `variable '${e.sym.name}'` : 'location'}`);
    if (isRecord(e.type) && hasConstMember(e.type)) this.error(e.loc, 'assignment of read-only location');
  }

  // ---------------------------------------------------------------- expressions

  /** expression: assignment (',' assignment)* */
  expression(): Expr {
    let e = this.assignment();
    while (this.is(',')) {
      const t = this.next();
      const r = this.assignment();
      e = { k: 'comma', type: this.rvalue(r).type, loc: t, lhs: e, rhs: this.rvalue(r) };
    }
    return e;
  }

  private static readonly ASSIGN_OPS: globalThis.Record<string, BinaryOp | '='> = {
    '=': '=', '+=': '+', '-=': '-', '*=': '*', '/=': '/', '%=': '%', '<<=': '<<', '>>=': '>>', '&=': '&', '|=': '|', '^=': '^',
  };

  private assignment(): Expr {
    const lhs = this.conditional();
    const t = this.tok;
    const op = t.kind === TokenKind.Punct ? Parser.ASSIGN_OPS[t.spelling] : undefined;
    if (op === undefined) return lhs;
    this.next();
    const rhs = this.assignment();
    return this.makeAssign(op, lhs, rhs, t);
  }

  private makeAssign(op: BinaryOp | '=', lhs: Expr, rhs: Expr, loc: SourceLocation): Expr {
    this.checkModifiable(lhs, 'left operand of assignment');
    const lt = unqual(lhs.type);
    if (op === '=') {
      const value = isRecord(lt) ? this.recordValue(rhs, lt, 'assigning to') : this.assignConvert(rhs, lt, 'assigning to');
      return { k: 'assign', type: lt, loc, op, target: lhs, value, opType: null, ptrArith: false };
    }
    const r = this.rvalue(rhs);
    if (isPointer(lt) && (op === '+' || op === '-')) {
      if (!isInteger(r.type)) this.fail(loc, `invalid operands to binary ${op}=`);
      this.checkPointerArith(lt, loc);
      return { k: 'assign', type: lt, loc, op, target: lhs, value: this.convert(r, T.long), opType: lt, ptrArith: true };
    }
    if (!isArithmetic(lt) || !isArithmetic(r.type)) this.fail(loc, `invalid operands to binary ${op}= (have '${typeToString(lt)}' and '${typeToString(r.type)}')`);
    let opType: CType;
    if (op === '<<' || op === '>>') {
      if (!isInteger(lt) || !isInteger(r.type)) this.fail(loc, `invalid operands to binary ${op}=`);
      opType = promote(lt);
      return { k: 'assign', type: lt, loc, op, target: lhs, value: this.convert(r, promote(r.type)), opType, ptrArith: false };
    }
    if ((op === '%' || op === '&' || op === '|' || op === '^') && (!isInteger(lt) || !isInteger(r.type))) this.fail(loc, `invalid operands to binary ${op}=`);
    opType = usualArithmetic(lt, r.type);
    return { k: 'assign', type: lt, loc, op, target: lhs, value: this.convert(r, opType), opType, ptrArith: false };
  }

  private conditional(): Expr {
    const cond = this.logicalOr();
    if (!this.is('?')) return cond;
    const q = this.next();
    const c = this.condition(cond);
    const known = evalInt(c);
    // GNU `a ?: b`.
    let then: Expr;
    if (this.is(':')) then = c;
    else {
      if (known === 0n) this.deadArms++;
      try { then = this.rvalue(this.expression()); } finally { if (known === 0n) this.deadArms--; }
    }
    this.expect(':');
    const deadElse = known !== undefined && known !== 0n;
    if (deadElse) this.deadArms++;
    let els: Expr;
    try { els = this.rvalue(this.conditional()); } finally { if (deadElse) this.deadArms--; }
    return this.makeCond(c, then, els, q);
  }

  private makeCond(c: Expr, then: Expr, els: Expr, loc: SourceLocation): Expr {
    const a = then.type, b = els.type;
    let type: CType;
    if (isArithmetic(a) && isArithmetic(b)) {
      type = usualArithmetic(a, b);
      return { k: 'cond', type, loc, cond: c, then: this.convert(then, type), else: this.convert(els, type) };
    }
    if (a.kind === TypeKind.Void || b.kind === TypeKind.Void) return { k: 'cond', type: T.void, loc, cond: c, then, else: els };
    if (isRecord(a) && isRecord(b)) {
      if (!compatible(unqual(a), unqual(b), true)) this.error(loc, 'type mismatch in conditional expression');
      return { k: 'cond', type: unqual(a), loc, cond: c, then, else: els };
    }
    if (isPointer(a) && isPointer(b)) {
      const qa = a.base!.quals | b.base!.quals;
      if (a.base!.kind === TypeKind.Void || b.base!.kind === TypeKind.Void) {
        const pa = this.isNullPointerConstant(then) ? b : this.isNullPointerConstant(els) ? a : pointerTo(qualify(T.void, qa));
        type = pa;
      } else {
        if (!compatible(unqual(a.base!), unqual(b.base!), true)) this.warn(loc, 'pointer type mismatch in conditional expression');
        type = pointerTo(qualify(unqual(a.base!), qa));
      }
      return { k: 'cond', type, loc, cond: c, then: this.convert(then, type), else: this.convert(els, type) };
    }
    if (isPointer(a) && isInteger(b)) {
      if (!this.isNullPointerConstant(els)) this.warn(loc, 'pointer/integer type mismatch in conditional expression');
      return { k: 'cond', type: a, loc, cond: c, then, else: this.convert(els, a) };
    }
    if (isPointer(b) && isInteger(a)) {
      if (!this.isNullPointerConstant(then)) this.warn(loc, 'pointer/integer type mismatch in conditional expression');
      return { k: 'cond', type: b, loc, cond: c, then: this.convert(then, b), else: els };
    }
    this.fail(loc, 'type mismatch in conditional expression');
  }

  private logicalOr(): Expr {
    let e = this.logicalAnd();
    while (this.is('||')) {
      const t = this.next();
      const r = this.logicalAnd();
      e = { k: 'binary', type: T.int, loc: t, op: '||', lhs: this.condition(e), rhs: this.condition(r) };
    }
    return e;
  }

  private logicalAnd(): Expr {
    let e = this.binaryLevel(0);
    while (this.is('&&')) {
      const t = this.next();
      const r = this.binaryLevel(0);
      e = { k: 'binary', type: T.int, loc: t, op: '&&', lhs: this.condition(e), rhs: this.condition(r) };
    }
    return e;
  }

  /** Binary operators from `|` (level 0) to `*` (the last level), left-associative. */
  private binaryLevel(level: number): Expr {
    if (level === BINARY_LEVELS.length) return this.castExpr();
    const ops = BINARY_LEVELS[level]!;
    let e = this.binaryLevel(level + 1);
    for (;;) {
      const t = this.tok;
      if (t.kind !== TokenKind.Punct || !ops.includes(t.spelling)) return e;
      this.next();
      e = this.binary(t.spelling as BinaryOp, e, this.binaryLevel(level + 1), t);
    }
  }

  private checkPointerArith(pt: CType, loc: SourceLocation): void {
    const b = pt.base!;
    if (b.kind === TypeKind.Function) return; // gcc extension: size 1
    if (b.kind === TypeKind.Void) return; // gcc extension: size 1
    if (!isComplete(b)) this.error(loc, `arithmetic on a pointer to an incomplete type '${typeToString(b)}'`);
  }

  /** Builds a binary operator node with C's conversions (also used for compound assignment checks). */
  private binary(op: BinaryOp, l0: Expr, r0: Expr, loc: SourceLocation): Expr {
    const l = this.rvalue(l0), r = this.rvalue(r0);
    const lt = l.type, rt = r.type;
    const bad = (): never => this.fail(loc, `invalid operands to binary ${op} (have '${typeToString(lt)}' and '${typeToString(rt)}')`);
    switch (op) {
      case '+':
        if (isPointer(lt) && isInteger(rt)) { this.checkPointerArith(lt, loc); return { k: 'ptradd', type: lt, loc, ptr: l, index: this.convert(r, T.long), sub: false }; }
        if (isInteger(lt) && isPointer(rt)) { this.checkPointerArith(rt, loc); return { k: 'ptradd', type: rt, loc, ptr: r, index: this.convert(l, T.long), sub: false }; }
        break;
      case '-':
        if (isPointer(lt) && isInteger(rt)) { this.checkPointerArith(lt, loc); return { k: 'ptradd', type: lt, loc, ptr: l, index: this.convert(r, T.long), sub: true }; }
        if (isPointer(lt) && isPointer(rt)) {
          if (!compatible(unqual(lt.base!), unqual(rt.base!), true)) this.error(loc, 'invalid operands to binary - (pointers to different types)');
          this.checkPointerArith(lt, loc);
          return { k: 'ptrdiff', type: T.long, loc, lhs: l, rhs: r };
        }
        break;
      case '==': case '!=': case '<': case '>': case '<=': case '>=':
        if (isPointer(lt) && isPointer(rt)) {
          const a = lt.base!, b = rt.base!;
          if (a.kind !== TypeKind.Void && b.kind !== TypeKind.Void && !compatible(unqual(a), unqual(b), true)) this.warn(loc, 'comparison of distinct pointer types lacks a cast');
          return { k: 'binary', type: T.int, loc, op, lhs: this.convert(l, T.ulong), rhs: this.convert(r, T.ulong) };
        }
        if (isPointer(lt) && isInteger(rt)) {
          if (!this.isNullPointerConstant(r)) this.warn(loc, 'comparison between pointer and integer');
          return { k: 'binary', type: T.int, loc, op, lhs: this.convert(l, T.ulong), rhs: this.convert(r, T.ulong) };
        }
        if (isInteger(lt) && isPointer(rt)) {
          if (!this.isNullPointerConstant(l)) this.warn(loc, 'comparison between pointer and integer');
          return { k: 'binary', type: T.int, loc, op, lhs: this.convert(l, T.ulong), rhs: this.convert(r, T.ulong) };
        }
        if (!isArithmetic(lt) || !isArithmetic(rt)) bad();
        {
          const ct = usualArithmetic(lt, rt);
          if (isInteger(ct) && isUnsigned(ct) && (op !== '==' && op !== '!=') && isInteger(lt) && isInteger(rt) && isUnsigned(promote(lt)) !== isUnsigned(promote(rt)) && promote(lt).size === promote(rt).size &&
            !this.knownNonNegative(isUnsigned(promote(lt)) ? r : l)) {
            this.warn(loc, 'comparison of integer expressions of different signedness');
          }
          return { k: 'binary', type: T.int, loc, op, lhs: this.convert(l, ct), rhs: this.convert(r, ct) };
        }
      case '<<': case '>>':
        if (!isInteger(lt) || !isInteger(rt)) bad();
        return { k: 'binary', type: promote(lt), loc, op, lhs: this.convert(l, promote(lt)), rhs: this.convert(r, promote(rt)) };
      case '%': case '&': case '|': case '^':
        if (!isInteger(lt) || !isInteger(rt)) bad();
        break;
      default: break;
    }
    if (!isArithmetic(lt) || !isArithmetic(rt)) bad();
    const ct = usualArithmetic(lt, rt);
    if ((op === '/' || op === '%') && isInteger(ct)) {
      const v = evalInt(r);
      if (v === 0n) this.warn(loc, 'division by zero');
    }
    return { k: 'binary', type: ct, loc, op, lhs: this.convert(l, ct), rhs: this.convert(r, ct) };
  }

  /**
   * True when a signed operand cannot be negative: a constant >= 0, or a narrower
   * unsigned value widened (gcc's -Wsign-compare does not warn about those).
   */
  private knownNonNegative(e: Expr): boolean {
    for (let x = e; ; x = x.operand) {
      if (isInteger(x.type) && isUnsigned(x.type)) return true;
      if (x.k !== 'cast' || !isInteger(x.operand.type) || x.operand.type.size >= x.type.size) break;
    }
    const v = evalInt(e);
    return v !== undefined && v >= 0n;
  }

  private castExpr(): Expr {
    if (this.is('(') && this.isTypeNameStart(this.peek())) {
      const lp = this.next();
      const { type: t, wrap } = this.exprTypeName();
      this.expect(')');
      if (this.is('{')) {
        if (isVariablySized(t)) this.fail(lp, 'compound literal has variable size');
        return this.postfixTail(this.compoundLiteral(t, lp));
      }
      const operand = this.rvalue(this.castExpr());
      return wrap(this.makeCast(operand, t, lp));
    }
    return this.unary();
  }

  private makeCast(operand: Expr, t: CType, loc: SourceLocation): Expr {
    const to = unqual(t);
    this.checkNoLongDouble(to, loc);
    if (to.kind === TypeKind.Void) return { k: 'cast', type: T.void, loc, operand, implicit: false };
    if (isRecord(to)) {
      if (isRecord(operand.type) && compatible(to, unqual(operand.type), true)) return operand;
      this.fail(loc, `conversion to non-scalar type requested`);
    }
    if (!isScalar(to)) this.fail(loc, `cast specifies ${to.kind === TypeKind.Array ? 'array' : 'function'} type`);
    if (!isScalar(operand.type)) this.fail(loc, `cannot convert a value of type '${typeToString(operand.type)}' to '${typeToString(to)}'`);
    if (isFloating(to) && isPointer(operand.type)) this.fail(loc, 'pointer value used where a floating-point value was expected');
    if (isPointer(to) && isFloating(operand.type)) this.fail(loc, 'cannot convert to a pointer type');
    if (isPointer(to) && isInteger(operand.type) && operand.type.size < 8 && evalInt(operand) === undefined) this.warn(loc, 'cast to pointer from integer of different size');
    return { k: 'cast', type: to, loc, operand, implicit: false };
  }

  private compoundLiteral(t: CType, loc: SourceLocation): Expr {
    const atFile = this.func === null;
    const sym = this.newSymbol(`.compound.${this.anonCount++}`, t, false, atFile ? Storage.Static : Storage.Local, loc);
    sym.defined = true;
    sym.addressTaken = true;
    const init = this.initializer(t, atFile);
    sym.init = init.init;
    sym.type = init.type;
    if (atFile) {
      sym.isStatic = true;
      sym.linkName = `compound.${this.unit}.${sym.id}`;
      this.statics.push(sym);
    }
    return { k: 'compound', type: sym.type, loc, sym };
  }

  private unary(): Expr {
    const t = this.tok;
    if (t.kind === TokenKind.Punct) {
      switch (t.spelling) {
        case '+': {
          this.next();
          const e = this.rvalue(this.castExpr());
          if (!isArithmetic(e.type)) this.fail(t, 'wrong type argument to unary plus');
          return this.convert(e, promote(e.type));
        }
        case '-': {
          this.next();
          const e = this.rvalue(this.castExpr());
          if (!isArithmetic(e.type)) this.fail(t, 'wrong type argument to unary minus');
          const pt = promote(e.type);
          return { k: 'neg', type: pt, loc: t, operand: this.convert(e, pt) };
        }
        case '~': {
          this.next();
          const e = this.rvalue(this.castExpr());
          if (!isInteger(e.type)) this.fail(t, 'wrong type argument to bit-complement');
          const pt = promote(e.type);
          return { k: 'bitnot', type: pt, loc: t, operand: this.convert(e, pt) };
        }
        case '!': {
          this.next();
          const e = this.condition(this.castExpr());
          return { k: 'not', type: T.int, loc: t, operand: e };
        }
        case '&': {
          this.next();
          const e = this.castExpr();
          return this.addressOf(e, t);
        }
        case '*': {
          this.next();
          const e = this.rvalue(this.castExpr());
          return this.deref(e, t);
        }
        case '++': case '--': {
          this.next();
          const e = this.unary();
          return this.incdec(e, t.spelling === '++' ? 1 : -1, true, t);
        }
        case '&&': {
          this.next();
          const name = this.identifier('a label name');
          const fn = this.func;
          if (fn === null) this.fail(t, "label address ('&&label') outside a function");
          this.gotos.push({ name: name.spelling, loc: name, vlas: null });
          if (!fn.addressedLabels.includes(name.spelling)) fn.addressedLabels.push(name.spelling);
          return { k: 'labeladdr', type: pointerTo(T.void), loc: t, fn, name: name.spelling };
        }
      }
    }
    if (t.kind === TokenKind.Identifier) {
      switch (t.spelling) {
        case 'sizeof': {
          this.next();
          let type: CType;
          let wrap = (e: Expr): Expr => e;
          if (this.is('(') && this.isTypeNameStart(this.peek())) {
            this.next();
            ({ type, wrap } = this.exprTypeName());
            this.expect(')');
            if (this.is('{')) { const e = this.postfixTail(this.compoundLiteral(type, t)); type = e.type; }
          } else type = this.unary().type;
          return wrap(this.sizeofType(type, t));
        }
        case '_Alignof': case '__alignof__': case '__alignof': {
          this.next();
          let type: CType;
          if (this.is('(') && this.isTypeNameStart(this.peek())) {
            this.next();
            type = this.typeName();
            this.expect(')');
          } else {
            const e = this.unary();
            type = e.type;
            if (e.k === 'var' && e.sym.align > type.align) return this.intConst(BigInt(e.sym.align), T.ulong, t);
          }
          if (!isComplete(type) && type.kind !== TypeKind.Void) this.error(t, `invalid application of '_Alignof' to an incomplete type`);
          return this.intConst(BigInt(type.align), T.ulong, t);
        }
        case '__extension__': this.next(); return this.castExpr();
        case '__real__': case '__imag__': case '__real': case '__imag': this.fail(t, `'${t.spelling}' (complex numbers) is not supported`);
      }
    }
    return this.postfix();
  }

  private sizeofType(type: CType, loc: SourceLocation): Expr {
    if (type.kind === TypeKind.Function) { this.warn(loc, "invalid application of 'sizeof' to a function type"); return this.intConst(1n, T.ulong, loc); }
    if (type.kind === TypeKind.Void) { this.warn(loc, "invalid application of 'sizeof' to a void type"); return this.intConst(1n, T.ulong, loc); }
    if (!isComplete(type)) this.fail(loc, `invalid application of 'sizeof' to incomplete type '${typeToString(type)}'`);
    if (isVariablySized(type)) return { k: 'vlasize', type: T.ulong, loc, of: type };
    return this.intConst(BigInt(type.size), T.ulong, loc);
  }

  private addressOf(e: Expr, loc: SourceLocation): Expr {
    if (e.k === 'member' && e.member.bitWidth >= 0) this.fail(loc, `cannot take address of bit-field '${e.member.name}'`);
    if (e.k === 'deref') return this.convert(e.operand, pointerTo(e.type)) as Expr;
    if (e.type.kind === TypeKind.Function) return { k: 'addr', type: pointerTo(e.type), loc, operand: e };
    if (!this.isLvalue(e)) this.fail(loc, 'lvalue required as unary \'&\' operand');
    let base: Expr = e;
    while (base.k === 'member') base = base.base;
    if (base.k === 'var' && base.sym.isRegister) this.error(loc, `address of register variable '${base.sym.name}' requested`);
    this.markAddressTaken(e);
    return { k: 'addr', type: pointerTo(e.type), loc, operand: e };
  }

  private deref(e: Expr, loc: SourceLocation): Expr {
    if (!isPointer(e.type)) this.fail(loc, `invalid type argument of unary '*' (have '${typeToString(e.type)}')`);
    const b = e.type.base!;
    return { k: 'deref', type: b, loc, operand: e };
  }

  private incdec(e: Expr, delta: number, prefix: boolean, loc: SourceLocation): Expr {
    this.checkModifiable(e, delta > 0 ? 'increment operand' : 'decrement operand');
    const t = unqual(e.type);
    if (isPointer(t)) this.checkPointerArith(t, loc);
    else if (!isArithmetic(t)) this.fail(loc, `wrong type argument to ${delta > 0 ? 'increment' : 'decrement'}`);
    return { k: 'incdec', type: t, loc, target: e, delta, prefix };
  }

  private postfix(): Expr {
    return this.postfixTail(this.primary());
  }

  private postfixTail(e: Expr): Expr {
    for (;;) {
      const t = this.tok;
      if (t.kind !== TokenKind.Punct) return e;
      switch (t.spelling) {
        case '[': {
          this.next();
          const idx = this.expression();
          this.expect(']');
          const a = this.rvalue(e), i = this.rvalue(idx);
          let sum: Expr;
          if (isPointer(a.type) && isInteger(i.type)) sum = this.binary('+', a, i, t);
          else if (isInteger(a.type) && isPointer(i.type)) sum = this.binary('+', i, a, t);
          else this.fail(t, 'subscripted value is neither array nor pointer');
          e = this.deref(sum, t);
          continue;
        }
        case '(': {
          this.next();
          e = this.call(e, t);
          continue;
        }
        case '.': case '->': {
          this.next();
          const name = this.identifier('a member name');
          let base = e;
          if (t.spelling === '->') {
            const p = this.rvalue(e);
            if (!isPointer(p.type) || !isRecord(p.type.base!)) this.fail(t, `invalid type argument of '->' (have '${typeToString(p.type)}')`);
            base = this.deref(p, t);
          }
          if (!isRecord(base.type)) this.fail(t, `request for member '${name.spelling}' in something not a structure or union`);
          const rec = base.type.record!;
          if (!rec.complete) this.fail(t, `invalid use of incomplete type '${typeToString(base.type)}'`);
          const found = findMember(rec, name.spelling);
          if (found === undefined) this.fail(name, `'${typeToString(base.type)}' has no member named '${name.spelling}'`);
          const m = found.member;
          // A bit-field narrower than int promotes to int (C11 6.3.1.1p2), as gcc also does for unsigned and long ones.
          const fieldType = m.bitWidth >= 0 && m.type.kind !== TypeKind.Bool ? (m.bitWidth < 32 ? T.int : m.bitWidth === 32 ? (isUnsigned(m.type) ? T.uint : T.int) : m.type) : m.type;
          const mt = qualify(fieldType, base.type.quals & (Qual.Const | Qual.Volatile));
          e = { k: 'member', type: mt, loc: name, base, member: found.member, offset: found.offset };
          continue;
        }
        case '++': case '--':
          this.next();
          e = this.incdec(e, t.spelling === '++' ? 1 : -1, false, t);
          continue;
        default:
          return e;
      }
    }
  }

  private call(callee0: Expr, loc: SourceLocation): Expr {
    const args: Expr[] = [];
    if (!this.is(')')) {
      for (;;) {
        args.push(this.assignment());
        if (!this.accept(',')) break;
      }
    }
    this.expect(')');
    const callee = this.rvalue(callee0);
    if (!isPointer(callee.type) || callee.type.base!.kind !== TypeKind.Function) this.fail(loc, `called object is not a function or function pointer`);
    const ft = callee.type.base!;
    const name = callee0.k === 'var' ? callee0.sym.name : 'function';
    if (callee0.k === 'var' && callee0.sym.isFunction) callee0.sym.used = true;
    if (callee0.k === 'var' && (callee0.sym.linkName === 'setjmp' || callee0.sym.linkName === '_setjmp' || callee0.sym.linkName === '__sigsetjmp' || callee0.sym.linkName === 'sigsetjmp') && this.func !== null) {
      this.func.callsSetjmp = true;
    }
    const out: Expr[] = [];
    if (ft.hasProto) {
      if (args.length < ft.params.length) this.fail(loc, `too few arguments to function '${name}'`);
      if (args.length > ft.params.length && !ft.variadic) this.fail(loc, `too many arguments to function '${name}'`);
    }
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      const p = ft.hasProto ? ft.params[i] : undefined;
      if (p !== undefined) {
        out.push(isRecord(p.type) ? this.recordValue(this.rvalue(a), p.type, `passing argument ${i + 1} of '${name}'`) : this.assignConvert(a, p.type, `passing argument ${i + 1} of '${name}'`));
      } else {
        // Default argument promotions (C11 6.5.2.2p6).
        const r = this.rvalue(a);
        if (r.type.kind === TypeKind.Void) this.fail(r.loc, 'invalid use of void expression');
        if (r.type.kind === TypeKind.Float) out.push(this.convert(r, T.double));
        else if (isInteger(r.type)) out.push(this.convert(r, promote(r.type)));
        else out.push(r);
      }
    }
    const ret = ft.base!;
    if (isRecord(ret) && !isComplete(ret)) this.error(loc, 'calling a function with incomplete return type');
    this.checkNoLongDouble(ret, loc);
    for (const a of out) this.checkNoLongDouble(a.type, a.loc);
    return { k: 'call', type: unqual(ret), loc, callee, args: out, fnType: ft };
  }

  /** Decodes the adjacent string literal tokens at the cursor (C11 translation phase 6), reporting problems at their token. */
  private stringTokens(): StringLiteral {
    const toks: Token[] = [];
    while (this.tok.kind === TokenKind.String) toks.push(this.next());
    return decodeStrings(toks.map((t) => t.spelling), (message, severity, i) => {
      if (severity === 'error') this.error(toks[i]!, message); else this.warn(toks[i]!, message);
    });
  }

  private stringLiteral(): Extract<Expr, { k: 'string' }> {
    const first = this.tok;
    const lit = this.stringTokens();
    const units = lit.units;
    const size = lit.elementSize;
    const bytes = new Uint8Array(units.length * size);
    const dv = new DataView(bytes.buffer);
    for (let i = 0; i < units.length; i++) {
      if (size === 1) bytes[i] = units[i]!;
      else if (size === 2) dv.setUint16(2 * i, units[i]!, true);
      else dv.setUint32(4 * i, units[i]!, true);
    }
    const elem = lit.encoding === 'wchar' ? T.int : lit.encoding === 'char16' ? T.ushort : lit.encoding === 'char32' ? T.uint : T.char;
    return { k: 'string', type: arrayOf(elem, units.length), loc: first, bytes };
  }

  /** Reports a literal's problems at its token. */
  private literalReport(t: Token): (message: string, severity: 'error' | 'warning') => void {
    return (message, severity) => { if (severity === 'error') this.error(t, message); else this.warn(t, message); };
  }

  private primary(): Expr {
    const t = this.tok;
    switch (t.kind) {
      case TokenKind.Number: {
        this.next();
        const v = decodeNumber(t.spelling, this.literalReport(t));
        if (v.kind === 'integer') return this.intConst(v.value, INTEGER_CONSTANT_TYPES[v.type], t);
        if (v.type === 'long double' && this.deadArms === 0) this.fail(t, "'long double' constants are not supported (jitkit's IR has no 80-bit x87 type)");
        return { k: 'float', type: FLOATING_CONSTANT_TYPES[v.type], loc: t, value: v.value };
      }
      case TokenKind.Char: {
        this.next();
        const c = decodeChar(t.spelling, this.literalReport(t));
        return this.intConst(BigInt(c.value), CHAR_CONSTANT_TYPES[c.type], t);
      }
      case TokenKind.String:
        return this.stringLiteral();
      case TokenKind.Punct:
        if (t.spelling === '(') {
          this.next();
          if (this.is('{')) {
            // GNU statement expression.
            if (this.func === null) this.fail(t, 'braced-group within expression allowed only inside a function');
            const body = this.compoundStatement();
            this.expect(')');
            const items = (body as Extract<Stmt, { k: 'block' }>).items;
            let type = T.void;
            let result: Expr | null = null;
            // The value is the last expression statement's, also under a label (`skip: res;`).
            let holder: Stmt[] = items;
            let last = items[items.length - 1];
            while (last !== undefined && last.k === 'label') { holder = [last]; last = last.body; }
            if (last !== undefined && last.k === 'expr') {
              result = this.rvalue(last.expr);
              type = result.type;
              if (holder === items) items.pop();
              else (holder[0] as Extract<Stmt, { k: 'label' }>).body = { k: 'empty', loc: last.loc };
            }
            return { k: 'stmtexpr', type, loc: t, body: [body], result };
          }
          const e = this.expression();
          this.expect(')');
          this.parenthesized.add(e);
          return e;
        }
        break;
      case TokenKind.Identifier:
        return this.identifierExpr();
      default: break;
    }
    this.fail(t, `expected expression before ${this.describeTok(t)}`);
  }

  private identifierExpr(): Expr {
    const t = this.next();
    const name = t.spelling;
    if (name.startsWith('__builtin_') || name === '_Generic' || name === '__func__' || name === '__FUNCTION__' || name === '__PRETTY_FUNCTION__') {
      const b = this.builtin(t);
      if (b !== null) return b;
    }
    const e = this.scope.lookup(name);
    if (e === undefined) {
      if (this.is('(')) {
        // Implicit function declaration (C89): `int name()`.
        this.warn(t, `implicit declaration of function '${name}'`);
        const sym = this.implicitFunction(name, t);
        return { k: 'var', type: sym.type, loc: t, sym };
      }
      this.fail(t, `'${name}' undeclared`);
    }
    if (e.k === 'typedef') this.fail(t, `unexpected type name '${name}': expected expression`);
    if (e.k === 'enum') return this.intConst(e.value, e.type, t);
    e.sym.used = true;
    return { k: 'var', type: e.sym.type, loc: t, sym: e.sym };
  }

  private implicitFunction(name: string, loc: SourceLocation): Symbol {
    const linked = this.linkage.byName.get(name);
    let sym: Symbol;
    if (linked !== undefined && linked.isFunction) sym = linked;
    else {
      sym = this.newSymbol(name, functionType(T.int, [], false, false), true, Storage.Extern, loc);
      sym.implicitDecl = true;
      this.linkage.byName.set(name, sym);
      this.symbols.push(sym);
    }
    this.scope.file.ordinary.set(name, { k: 'sym', sym });
    sym.used = true;
    return sym;
  }

  /** Builtins that parse specially or compute at compile time; null when `t` names none (an ordinary identifier). */
  private builtin(t: Token): Expr | null {
    const name = t.spelling;
    const loc = t;
    switch (name) {
      case '__func__': case '__FUNCTION__': case '__PRETTY_FUNCTION__': {
        const text = this.funcName;
        const bytes = new Uint8Array(text.length + 1);
        for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i) & 255;
        return { k: 'string', type: arrayOf(qualify(T.char, Qual.Const), bytes.length), loc, bytes };
      }
      case '_Generic': return this.generic(t);
      case '__builtin_va_arg': {
        this.expect('(');
        const ap = this.rvalue(this.assignment());
        this.expect(',');
        const type = this.typeName();
        this.expect(')');
        return { k: 'builtin', type: unqual(type), loc, name, args: [ap], argType: type };
      }
      case '__builtin_offsetof': {
        this.expect('(');
        const type = this.typeName();
        this.expect(',');
        let off = 0;
        let cur = type;
        let first = true;
        for (;;) {
          if (first || this.accept('.')) {
            const m = this.identifier('a member name');
            if (!isRecord(cur)) this.fail(m, 'offsetof of a member of a non-record type');
            const f = findMember(cur.record!, m.spelling);
            if (f === undefined) this.fail(m, `'${typeToString(cur)}' has no member named '${m.spelling}'`);
            off += f.offset;
            cur = f.member.type;
            first = false;
            continue;
          }
          if (this.accept('[')) {
            const i = this.constInt(this.expression(), 'array index in offsetof');
            this.expect(']');
            if (cur.kind !== TypeKind.Array) this.fail(this.tok, 'subscript of a non-array in offsetof');
            off += Number(i) * cur.base!.size;
            cur = cur.base!;
            continue;
          }
          break;
        }
        this.expect(')');
        return this.intConst(BigInt(off), T.ulong, loc);
      }
      case '__builtin_types_compatible_p': {
        this.expect('(');
        const a = this.typeName();
        this.expect(',');
        const b = this.typeName();
        this.expect(')');
        return this.intConst(compatible(unqual(a), unqual(b), true) ? 1n : 0n, T.int, loc);
      }
      case '__builtin_choose_expr': {
        this.expect('(');
        const c = this.constInt(this.assignment(), 'first argument to __builtin_choose_expr');
        this.expect(',');
        const a = this.assignment();
        this.expect(',');
        const b = this.assignment();
        this.expect(')');
        return c !== 0n ? a : b;
      }
      case '__builtin_constant_p': {
        this.expect('(');
        const e = this.assignment();
        this.expect(')');
        return this.intConst(evalConst(e) !== undefined ? 1n : 0n, T.int, loc);
      }
      default: break;
    }
    if (!this.is('(')) return null;
    const simple = SIMPLE_BUILTINS[name];
    if (simple !== undefined) {
      this.next();
      const args: Expr[] = [];
      if (!this.is(')')) for (;;) { args.push(this.rvalue(this.assignment())); if (!this.accept(',')) break; }
      this.expect(')');
      return this.simpleBuiltin(name, simple, args, loc);
    }
    // `__builtin_memcpy` and friends: the library function.
    const lib = name.slice('__builtin_'.length);
    const declared = this.scope.lookup(lib);
    if (declared !== undefined && declared.k === 'sym' && declared.sym.isFunction) {
      declared.sym.used = true;
      return { k: 'var', type: declared.sym.type, loc, sym: declared.sym };
    }
    const proto = BUILTIN_LIBC[lib];
    if (proto !== undefined) {
      const sym = this.declareLibc(lib, proto, loc);
      return { k: 'var', type: sym.type, loc, sym };
    }
    return null;
  }

  private declareLibc(name: string, proto: string, loc: SourceLocation): Symbol {
    const linked = this.linkage.byName.get(name);
    if (linked !== undefined && linked.isFunction) return linked;
    const code = (c: string): CType => c === 'p' ? pointerTo(T.void) : c === 'i' ? T.int : c === 'L' ? T.ulong : c === 'l' ? T.long : c === 'd' ? T.double : c === 'f' ? T.float : T.void;
    const [r, ps] = proto.split(':') as [string, string];
    const variadic = ps.endsWith('.');
    const params = [...ps.replace('.', '')].map((c, i) => ({ name: `a${i}`, type: code(c) }));
    const sym = this.newSymbol(name, functionType(code(r), params, variadic, true), true, Storage.Extern, loc);
    this.linkage.byName.set(name, sym);
    this.symbols.push(sym);
    sym.used = true;
    return sym;
  }

  private simpleBuiltin(name: string, spec: string, args: Expr[], loc: SourceLocation): Expr {
    const [r, ps] = spec.split(':') as [string, string];
    const code = (c: string): CType => c === 'i' ? T.int : c === 'u' ? T.uint : c === 'l' ? T.long : c === 'L' ? T.ulong : c === 'U' ? T.ullong : c === 'h' ? T.ushort : c === 'd' ? T.double : c === 'f' ? T.float : c === 'p' ? pointerTo(T.void) : c === 'v' ? T.void : c === 'D' ? T.ldouble : T.int;
    if (ps !== '*' && args.length !== ps.length) this.fail(loc, `wrong number of arguments to '${name}'`);
    const conv = ps === '*' ? args : args.map((a, i) => ps[i] === 'x' ? a : ps[i] === 'p' ? this.assignConvert(a, pointerTo(T.void), `passing argument ${i + 1} of '${name}'`) : this.convert(a, code(ps[i]!)));
    if (r === 'D') {
      // `long double` results (HUGE_VALL, nanl("")): fine where no code is generated (a dead `?:` arm).
      if (this.deadArms === 0) this.fail(loc, `'${name}' returns 'long double', which is not supported (jitkit's IR has no 80-bit x87 type)`);
      return { k: 'float', type: T.ldouble, loc, value: NaN };
    }
    switch (name) {
      case '__builtin_isgreater': case '__builtin_isgreaterequal': case '__builtin_isless': case '__builtin_islessequal':
      case '__builtin_islessgreater': case '__builtin_isunordered': {
        // C11 7.12.14: the comparison in the arguments' common real type, without raising on NaN.
        const [x, y] = conv as [Expr, Expr];
        if (!isArithmetic(x.type) || !isArithmetic(y.type)) this.fail(loc, `non-floating-point arguments in call to function '${name}'`);
        const ct = usualArithmetic(x.type, y.type);
        return { k: 'builtin', type: T.int, loc, name, args: [this.convert(x, ct), this.convert(y, ct)], argType: null };
      }
      case '__builtin_object_size': {
        // Size unknown: (size_t)-1 for types 0 and 1, 0 for 2 and 3 (what gcc answers when it cannot tell);
        const kind = evalInt(conv[1]!);
        if (kind === undefined || kind < 0n || kind > 3n) this.fail(loc, `the last argument of '${name}' must be a constant 0..3`);
        // A whole named object (`buf`, `&s`) has its size; gcc does not evaluate the pointer argument either.
        let p = conv[0]!;
        while (p.k === 'cast') p = p.operand;
        const obj = p.k === 'addr' ? p.operand : p.k === 'var' && p.type.kind === TypeKind.Array ? p : null;
        if (obj !== null && obj.k === 'var' && !obj.sym.isFunction && obj.type.size > 0) return this.intConst(BigInt(obj.type.size), T.ulong, loc);
        return this.intConst(kind < 2n ? (1n << 64n) - 1n : 0n, T.ulong, loc);
      }
      case '__builtin_expect': case '__builtin_expect_with_probability': return conv[0]!;
      case '__builtin_assume_aligned': return conv[0]!;
      case '__builtin_huge_val': case '__builtin_inf': return { k: 'float', type: T.double, loc, value: Infinity };
      case '__builtin_huge_valf': case '__builtin_inff': return { k: 'float', type: T.float, loc, value: Infinity };
      case '__builtin_nan': return { k: 'float', type: T.double, loc, value: NaN };
      case '__builtin_nanf': return { k: 'float', type: T.float, loc, value: NaN };
    }
    return { k: 'builtin', type: code(r), loc, name, args: conv, argType: null };
  }

  private generic(t: Token): Expr {
    this.expect('(');
    const ctrl = this.rvalue(this.assignment());
    const ct = unqual(ctrl.type);
    let chosen: Expr | null = null;
    let dflt: Expr | null = null;
    while (this.accept(',')) {
      if (this.accept('default')) {
        this.expect(':');
        dflt = this.assignment();
        continue;
      }
      const type = this.typeName();
      this.expect(':');
      const e = this.assignment();
      if (chosen === null && compatible(unqual(type), ct, false)) chosen = e;
    }
    this.expect(')');
    const r = chosen ?? dflt;
    if (r === null) this.fail(t, `'_Generic' selector of type '${typeToString(ct)}' is not compatible with any association`);
    return r;
  }
}

/**
 * Builtins with ordinary argument lists: result and argument type codes
 * (`i` int, `u` unsigned, `l` long, `L` unsigned long, `U` unsigned long long, `h` unsigned short,
 * `d` double, `f` float, `p` pointer, `v` void, `x` any, `*` any number).
 */
const SIMPLE_BUILTINS: globalThis.Record<string, string> = {
  __builtin_expect: 'l:lx', __builtin_expect_with_probability: 'l:lxx', __builtin_assume_aligned: 'p:p*',
  __builtin_unreachable: 'v:', __builtin_trap: 'v:', __builtin_abort: 'v:',
  __builtin_clz: 'i:u', __builtin_clzl: 'i:L', __builtin_clzll: 'i:U',
  __builtin_ctz: 'i:u', __builtin_ctzl: 'i:L', __builtin_ctzll: 'i:U',
  __builtin_popcount: 'i:u', __builtin_popcountl: 'i:L', __builtin_popcountll: 'i:U',
  __builtin_parity: 'i:u', __builtin_parityl: 'i:L', __builtin_parityll: 'i:U',
  __builtin_ffs: 'i:i', __builtin_ffsl: 'i:l', __builtin_ffsll: 'i:l',
  __builtin_clrsb: 'i:i', __builtin_clrsbl: 'i:l', __builtin_clrsbll: 'i:l',
  __builtin_bswap16: 'h:h', __builtin_bswap32: 'u:u', __builtin_bswap64: 'U:U',
  __builtin_huge_val: 'd:', __builtin_huge_valf: 'f:', __builtin_inf: 'd:', __builtin_inff: 'f:',
  __builtin_nan: 'd:p', __builtin_nanf: 'f:p',
  __builtin_va_start: 'v:x*', __builtin_va_end: 'v:x', __builtin_va_copy: 'v:xx',
  __builtin_frame_address: 'p:u', __builtin_return_address: 'p:u',
  __builtin_alloca: 'p:L',
  __builtin_isnan: 'i:x', __builtin_isinf: 'i:x', __builtin_isfinite: 'i:x', __builtin_signbit: 'i:x',
  __builtin_signbitf: 'i:x', __builtin_signbitl: 'i:x', __builtin_isinf_sign: 'i:x',
  __builtin_isgreater: 'i:xx', __builtin_isgreaterequal: 'i:xx', __builtin_isless: 'i:xx', __builtin_islessequal: 'i:xx',
  __builtin_islessgreater: 'i:xx', __builtin_isunordered: 'i:xx',
  __builtin_nans: 'd:p', __builtin_nansf: 'f:p', __builtin_object_size: 'L:px',
  __builtin_huge_vall: 'D:', __builtin_infl: 'D:', __builtin_nanl: 'D:p', __builtin_nansl: 'D:p',
  __builtin_fabs: 'd:d', __builtin_fabsf: 'f:f', __builtin_sqrt: 'd:d', __builtin_sqrtf: 'f:f',
  __builtin_copysign: 'd:dd', __builtin_copysignf: 'f:ff',
  __builtin_add_overflow: 'i:xxx', __builtin_sub_overflow: 'i:xxx', __builtin_mul_overflow: 'i:xxx',
  __builtin_prefetch: 'v:*',
};

/** The binary operators between `&&` and casts, by precedence (lowest first). */
const BINARY_LEVELS: readonly (readonly string[])[] = [['|'], ['^'], ['&'], ['==', '!='], ['<', '>', '<=', '>='], ['<<', '>>'], ['+', '-'], ['*', '/', '%']];

/** Parameter type adjustment (C11 6.7.6.3p7-8): arrays and functions become pointers. */
function adjustParam(t: CType): CType {
  if (t.kind === TypeKind.Array) return qualify(pointerTo(t.base!), t.quals);
  if (t.kind === TypeKind.Function) return pointerTo(t);
  return t;
}

function hasConstMember(t: CType): boolean {
  for (const m of t.record!.members) {
    if (m.type.quals & Qual.Const) return true;
    if (isRecord(m.type) && hasConstMember(m.type)) return true;
  }
  return false;
}

/** Indices of the members leading to `name` (through anonymous members), or undefined. */
function memberPath(t: CType, name: string): number[] | undefined {
  const members = t.record!.members;
  for (let i = 0; i < members.length; i++) {
    const m = members[i]!;
    if (m.name === name) return [i];
    if (m.name === '' && isRecord(m.type)) {
      const inner = memberPath(m.type, name);
      if (inner !== undefined) return [i, ...inner];
    }
  }
  return undefined;
}

/** The C types of literals.ts's constant types (LP64; `wchar_t` is int). */
const INTEGER_CONSTANT_TYPES: { readonly [K in IntegerConstantType]: CType } = {
  'int': T.int, 'unsigned int': T.uint, 'long': T.long, 'unsigned long': T.ulong, 'long long': T.llong, 'unsigned long long': T.ullong,
};
const FLOATING_CONSTANT_TYPES: { readonly [K in FloatingConstantType]: CType } = { 'float': T.float, 'double': T.double, 'long double': T.ldouble };
const CHAR_CONSTANT_TYPES: { readonly [K in CharConstantType]: CType } = {
  'int': T.int, 'wchar_t': T.int, 'char16_t': T.ushort, 'char32_t': T.uint, 'unsigned char': T.uchar,
};

/** The text of a narrow string literal (UTF-8), without its terminator. */
function literalText(lit: StringLiteral): string {
  return lit.elementSize === 1 ? Buffer.from(lit.units.slice(0, -1)).toString('utf8') : String.fromCodePoint(...lit.units.slice(0, -1));
}

/** A list initializer. */
type ListInit = Extract<Initializer, { k: 'list' }>;

/** An aggregate being filled while an initializer list is parsed: its list and the position of the next sub-object. */
interface InitFrame {
  readonly type: CType;
  readonly list: ListInit;
  index: number;
}
