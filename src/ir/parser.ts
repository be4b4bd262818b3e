/**
 * Parser: canonical IR text -> `Module`. Accepts everything the printer writes,
 * plus comments (`;` to end of line), any blank lines, hex integer immediates and
 * unsigned spellings of integers within the width. Value and block numbers of the
 * text are kept, so `print(parse(text)) === text` for canonical text.
 *
 * Two phases: (1) tokens -> a small syntax tree per function; (2) declare all
 * module symbols, infer value types (block parameters are annotated; results
 * follow the opcode table's result rule, iterated until nothing changes so that
 * uses may textually precede definitions), then build the tables.
 * Type *checking* is the verifier's job; the parser only needs result types.
 */
import { Block, DataObject, Func, Inst, Module } from './function.js';
import { FLOAT_CC_NAMES, Format, INT_CC_NAMES, OPCODES, Opcode, ResultRule, opcodeByName, parseTrapCode } from './opcodes.js';
import { Type, isIntType, parseType, typeBits, typeName } from './types.js';
import { canonicalIntImm } from './builder.js';
import { describe } from '../util/describe.js';
import { parseFloatBits } from './float-bits.js';

/** A syntax error with its position (1-based line and column). */
export class ParseError extends Error {
  /** Creates `line:col: message`. */
  constructor(
    /** 1-based line. */
    readonly line: number,
    /** 1-based column. */
    readonly col: number,
    /** The message without position. */
    readonly reason: string,
  ) {
    super(`${line}:${col}: ${reason}`);
    this.name = 'ParseError';
  }
}

const enum Tok { Word, Name, Str, Punct, End }

/** Largest value/block/slot number accepted in text. */
const MAX_ID = 0xfffff;

interface Token {
  kind: Tok;
  text: string;
  line: number;
  col: number;
}

function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 46 || c === 36;
}

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0, line = 1, lineStart = 0;
  while (i < src.length) {
    const c = src.charCodeAt(i);
    const col = i - lineStart + 1;
    if (c === 10) { i++; line++; lineStart = i; continue; }
    if (c === 32 || c === 9 || c === 13) { i++; continue; }
    if (c === 59) { while (i < src.length && src.charCodeAt(i) !== 10) i++; continue; } // ;
    if (c === 37) { // %name
      let j = i + 1;
      while (j < src.length && isWordChar(src.charCodeAt(j))) j++;
      if (j === i + 1) throw new ParseError(line, col, "expected a name after '%'");
      out.push({ kind: Tok.Name, text: src.slice(i + 1, j), line, col });
      i = j;
      continue;
    }
    if (c === 34) { // "string"
      let j = i + 1;
      while (j < src.length && src.charCodeAt(j) !== 34 && src.charCodeAt(j) !== 10) j++;
      if (src.charCodeAt(j) !== 34) throw new ParseError(line, col, 'unterminated string');
      out.push({ kind: Tok.Str, text: src.slice(i + 1, j), line, col });
      i = j + 1;
      continue;
    }
    if (isWordChar(c)) {
      let j = i;
      while (j < src.length) {
        const d = src.charCodeAt(j);
        if (isWordChar(d)) { j++; continue; }
        // Exponent sign in a decimal float: 1e+21, 2.5e-7.
        if ((d === 43 || d === 45) && /^\d[\d.]*e$/i.test(src.slice(i, j))) { j++; continue; }
        break;
      }
      out.push({ kind: Tok.Word, text: src.slice(i, j), line, col });
      i = j;
      continue;
    }
    if (c === 45 && src.charCodeAt(i + 1) === 62) { out.push({ kind: Tok.Punct, text: '->', line, col }); i += 2; continue; }
    if ('(){}[],:=+-@'.includes(src[i]!)) { out.push({ kind: Tok.Punct, text: src[i]!, line, col }); i++; continue; }
    throw new ParseError(line, col, `unexpected character '${src[i]}'`);
  }
  out.push({ kind: Tok.End, text: '<end of input>', line, col: i - lineStart + 1 });
  return out;
}

interface DestAst { block: number; args: number[]; tok: Token }
interface InstAst {
  tok: Token;
  op: Opcode;
  type: Type;
  results: number[];
  args: number[];
  argToks: Token[];
  imm: number;
  imm2: number;
  big: bigint;
  callee: string;
  calleeTok: Token | undefined;
  dests: DestAst[];
  /** Source location id (0: none). */
  loc: number;
}
interface BlockAst { id: number; params: { id: number; type: Type }[]; insts: InstAst[]; tok: Token }
interface FuncAst {
  name: string; tok: Token; params: Type[]; results: Type[]; variadic: boolean;
  slots: { size: number; align: number }[];
  sigs: { params: Type[]; results: Type[]; variadic: boolean }[];
  blocks: BlockAst[];
}

class Parser {
  private pos = 0;
  /** The module being parsed (set by `parseModule`). */
  private module!: Module;
  constructor(private readonly toks: Token[]) {}

  private get peek(): Token { return this.toks[this.pos]!; }
  private next(): Token { return this.toks[this.pos++]!; }
  /** Throws a ParseError at `t`. */
  err(t: Token, msg: string): never { throw new ParseError(t.line, t.col, msg); }
  private describe(t: Token): string {
    return t.kind === Tok.End ? 'end of input' : t.kind === Tok.Name ? `'%${t.text}'` : `'${t.text}'`;
  }
  private isPunct(p: string): boolean { const t = this.peek; return t.kind === Tok.Punct && t.text === p; }
  private eat(p: string): boolean { if (this.isPunct(p)) { this.pos++; return true; } return false; }
  private expect(p: string): Token {
    const t = this.next();
    if (t.kind !== Tok.Punct || t.text !== p) this.err(t, `expected '${p}', found ${this.describe(t)}`);
    return t;
  }
  private word(what: string): Token {
    const t = this.next();
    if (t.kind !== Tok.Word) this.err(t, `expected ${what}, found ${this.describe(t)}`);
    return t;
  }
  private keyword(k: string): void {
    const t = this.next();
    if (t.kind !== Tok.Word || t.text !== k) this.err(t, `expected '${k}', found ${this.describe(t)}`);
  }
  private name(what: string): Token {
    const t = this.next();
    if (t.kind !== Tok.Name) this.err(t, `expected ${what} (%name), found ${this.describe(t)}`);
    return t;
  }
  private type(): Type {
    const t = this.word('a type');
    const ty = parseType(t.text);
    if (ty === 0) this.err(t, `unknown type '${t.text}'`);
    return ty;
  }
  private uint(what: string): number {
    const t = this.word(what);
    if (!/^(\d+|0x[0-9a-f]+)$/i.test(t.text) || Number(t.text) > 0x7fffffff) this.err(t, `expected ${what}, found '${t.text}'`);
    return Number(t.text);
  }
  private numbered(prefix: string, what: string): number {
    const t = this.word(what);
    const m = new RegExp(`^${prefix}(\\d+)$`).exec(t.text);
    if (m === null) this.err(t, `expected ${what}, found '${t.text}'`);
    // Ids index dense tables, so keep them small.
    if (m[1]!.length > 7 || Number(m[1]) > MAX_ID) this.err(t, `${t.text}: number too large (limit ${MAX_ID})`);
    return Number(m[1]);
  }
  private value(): { id: number; tok: Token } {
    const tok = this.peek;
    return { id: this.numbered('v', 'a value'), tok };
  }
  private signature(): { params: Type[]; results: Type[]; variadic: boolean } {
    this.expect('(');
    const params: Type[] = [];
    let variadic = false;
    if (!this.isPunct(')')) {
      do {
        const t = this.peek;
        if (t.kind === Tok.Word && t.text === '...') {
          this.pos++;
          variadic = true;
          if (!this.isPunct(')')) this.err(this.peek, `expected ')' after '...' (it ends the parameter list), found ${this.describe(this.peek)}`);
          break;
        }
        params.push(this.type());
      } while (this.eat(','));
    }
    this.expect(')');
    const results: Type[] = [];
    if (this.eat('->')) do results.push(this.type()); while (this.eat(','));
    return { params, results, variadic };
  }
  private offset(): number {
    if (!this.isPunct('+') && !this.isPunct('-')) return 0;
    const neg = this.next().text === '-';
    const t = this.word('an offset');
    if (!/^(\d+|0x[0-9a-f]+)$/i.test(t.text)) this.err(t, `expected an offset, found '${t.text}'`);
    const v = neg ? -Number(t.text) : Number(t.text);
    if (v < -0x80000000 || v > 0x7fffffff) this.err(t, `offset ${v} does not fit in 32 bits`);
    return v;
  }

  /**
   * A data body `{ items }`: hex bytes, `"text"` (printable ASCII), `zeroes N` and relocations
   * `addr %name[+-addend]` (8 bytes, resolved once every symbol is declared). Trailing zeros
   * only count toward the size.
   */
  private dataBody(): { bytes: number[]; size: number; relocs: { offset: number; target: Token; addend: number }[] } {
    const bytes: number[] = [];
    const relocs: { offset: number; target: Token; addend: number }[] = [];
    let size = 0;
    const grow = (n: number, t: Token): void => {
      size += n;
      if (size > 0x7fffffff) this.err(t, 'data object larger than 2^31-1 bytes');
    };
    // Explicit bytes up to `size` (zeros filled in before a non-zero item).
    const fill = (): void => { while (bytes.length < size) bytes.push(0); };
    this.expect('{');
    while (!this.eat('}')) {
      const t = this.next();
      if (t.kind === Tok.Str) {
        for (let i = 0; i < t.text.length; i++) {
          const c = t.text.charCodeAt(i);
          if (c < 0x20 || c > 0x7e) this.err(t, 'data strings hold printable ASCII only (write other bytes in hex)');
        }
        fill();
        for (let i = 0; i < t.text.length; i++) bytes.push(t.text.charCodeAt(i));
        grow(t.text.length, t);
      } else if (t.kind === Tok.Word && t.text === 'zeroes') {
        grow(this.uint('a byte count'), t);
      } else if (t.kind === Tok.Word && t.text === 'addr') {
        const target = this.name('a symbol');
        let addend = 0;
        if (this.isPunct('+') || this.isPunct('-')) {
          const neg = this.next().text === '-';
          const a = this.word('an addend');
          if (!/^(\d+|0x[0-9a-f]+)$/i.test(a.text) || !Number.isSafeInteger(Number(a.text))) this.err(a, `expected an addend (a safe integer), found '${a.text}'`);
          addend = neg ? -Number(a.text) : Number(a.text);
        }
        relocs.push({ offset: size, target, addend });
        grow(8, t);
      } else if (t.kind === Tok.Word && /^[0-9a-f]{2}$/i.test(t.text)) {
        fill();
        bytes.push(parseInt(t.text, 16));
        grow(1, t);
      } else {
        this.err(t, `expected a hex byte, a string, 'zeroes N', 'addr %name' or '}', found ${this.describe(t)}`);
      }
    }
    // Zeros at the end stay implicit: only `size` covers them.
    let end = bytes.length;
    while (end > 0 && bytes[end - 1] === 0) end--;
    bytes.length = end;
    return { bytes, size, relocs };
  }

  parseModule(): { m: Module; funcs: FuncAst[]; imports: Token[] } {
    const m = (this.module = new Module());
    const funcs: FuncAst[] = [];
    const imports: Token[] = [];
    const relocs: { data: string; offset: number; target: Token; addend: number }[] = [];
    while (this.peek.kind !== Tok.End) {
      const t = this.word("'function', 'data', 'import' or 'file'");
      if (t.text === 'test') {
        // Filetest header line (`test run`): ignored by the parser.
        while (this.toks[this.pos]!.kind !== Tok.End && this.toks[this.pos]!.line === t.line) this.pos++;
      } else if (t.text === 'function') {
        funcs.push(this.parseFunction(t));
      } else if (t.text === 'data') {
        const n = this.name('a data name');
        let readonly = false, align = 1;
        if (this.peek.kind === Tok.Word && this.peek.text === 'readonly') { this.pos++; readonly = true; }
        if (this.peek.kind === Tok.Word && this.peek.text === 'align') { this.pos++; align = this.uint('an alignment'); }
        this.expect('=');
        const body = this.dataBody();
        this.declare(n, () => m.addData(n.text, body.bytes, { readonly, align, size: body.size }));
        relocs.push(...body.relocs.map((r) => ({ ...r, data: n.text })));
      } else if (t.text === 'file') {
        const k = this.uint('a file number');
        if (k !== m.files.length) this.err(t, `expected file ${m.files.length} (files are numbered in order)`);
        const n = this.next();
        if (n.kind !== Tok.Str) this.err(n, `expected a file name string, found ${this.describe(n)}`);
        this.declare(n, () => m.addFile(n.text));
      } else if (t.text === 'import' && this.peek.kind === Tok.Word && this.peek.text === 'data') {
        // `import data %name`: external data (C's `stdout`), its address resolved at load or link time.
        this.pos++;
        const n = this.name('an external data name');
        this.declare(n, () => m.importData(n.text));
      } else if (t.text === 'import') {
        const n = this.name("an import name (or 'data')");
        const sig = this.signature();
        let from: string | undefined;
        if (this.peek.kind === Tok.Word && this.peek.text === 'from') {
          this.pos++;
          const s = this.next();
          if (s.kind !== Tok.Str) this.err(s, `expected a module name string, found ${this.describe(s)}`);
          from = s.text;
        }
        this.declare(n, () => m.import(n.text, sig.params, sig.results, { from, variadic: sig.variadic }));
        imports.push(n);
      } else {
        this.err(t, `expected 'function', 'data', 'import' or 'file', found '${t.text}'`);
      }
    }
    for (const f of funcs) this.declare(f.tok, () => m.function(f.name, f.params, f.results, { variadic: f.variadic }));
    for (const r of relocs) {
      const target = m.lookup(r.target.text);
      if (target === undefined) this.err(r.target, `unknown symbol %${r.target.text}`);
      this.declare(r.target, () => (m.lookup(r.data) as DataObject).addReloc(r.offset, target, r.addend));
    }
    return { m, funcs, imports };
  }
  /** After `@`: `file:line[:column]` (its location id in the module) or `-` (none, 0). */
  private location(at: Token): number {
    if (this.eat('-')) return 0;
    const file = this.uint('a file number');
    this.expect(':');
    const line = this.uint('a line number');
    const column = this.eat(':') ? this.uint('a column number') : 0;
    let id = 0;
    this.declare(at, () => { id = this.module.location(file, line, column); });
    return id;
  }
  private declare(t: Token, fn: () => unknown): void {
    try { fn(); } catch (e) { this.err(t, (e as Error).message); }
  }

  private parseFunction(start: Token): FuncAst {
    const n = this.name('a function name');
    const sig = this.signature();
    const f: FuncAst = { name: n.text, tok: n, params: sig.params, results: sig.results, variadic: sig.variadic, slots: [], sigs: [], blocks: [] };
    this.expect('{');
    // Preamble.
    for (;;) {
      const t = this.peek;
      if (t.kind !== Tok.Word) break;
      if (/^ss\d+$/.test(t.text)) {
        const id = this.numbered('ss', 'a stack slot');
        if (id !== f.slots.length) this.err(t, `expected ss${f.slots.length} (stack slots are numbered in order)`);
        this.expect('=');
        this.keyword('stack_slot');
        const size = this.uint('a size');
        let align = 8;
        if (this.eat(',')) { this.keyword('align'); align = this.uint('an alignment'); }
        if (align < 1 || align > 4096 || (align & (align - 1)) !== 0) this.err(t, `alignment ${align} is not a power of two <= 4096`);
        f.slots.push({ size, align });
      } else if (/^sig\d+$/.test(t.text)) {
        const id = this.numbered('sig', 'a signature');
        if (id !== f.sigs.length) this.err(t, `expected sig${f.sigs.length} (signatures are numbered in order)`);
        this.expect('=');
        f.sigs.push(this.signature());
      } else break;
    }
    let block: BlockAst | undefined;
    let loc = 0;
    for (;;) {
      const t = this.peek;
      if (this.eat('}')) break;
      if (this.eat('@')) {
        loc = this.location(t);
        continue;
      }
      if (t.kind === Tok.End) this.err(t, `missing '}' at the end of function %${f.name} (opened at ${start.line}:${start.col})`);
      if (t.kind === Tok.Word && /^block\d+$/.test(t.text) && this.toks[this.pos + 1]!.kind === Tok.Punct &&
        (this.toks[this.pos + 1]!.text === ':' || this.toks[this.pos + 1]!.text === '(')) {
        const id = this.numbered('block', 'a block');
        block = { id, params: [], insts: [], tok: t };
        if (this.eat('(')) {
          do {
            const v = this.value();
            this.expect(':');
            block.params.push({ id: v.id, type: this.type() });
          } while (this.eat(','));
          this.expect(')');
        }
        this.expect(':');
        f.blocks.push(block);
        continue;
      }
      if (block === undefined) this.err(t, `expected a block label, found ${this.describe(t)}`);
      const inst = this.parseInst();
      inst.loc = loc;
      block.insts.push(inst);
    }
    return f;
  }

  private parseDest(): DestAst {
    const tok = this.peek;
    const block = this.numbered('block', 'a block');
    const args: number[] = [];
    if (this.eat('(')) {
      if (!this.isPunct(')')) do args.push(this.value().id); while (this.eat(','));
      this.expect(')');
    }
    return { block, args, tok };
  }

  private parseInst(): InstAst {
    const results: number[] = [];
    const first = this.peek;
    if (first.kind === Tok.Word && /^v\d+$/.test(first.text)) {
      do results.push(this.value().id); while (this.eat(','));
      this.expect('=');
    }
    const tok = this.word('an instruction');
    const dot = tok.text.indexOf('.');
    const opName = dot < 0 ? tok.text : tok.text.slice(0, dot);
    const op = opcodeByName(opName);
    if (op === -1) this.err(tok, `unknown instruction '${opName}'`);
    const info = OPCODES[op]!;
    let type = Type.Invalid;
    const wantsType = info.result === ResultRule.Ctrl || info.format === Format.Store || info.format === Format.VaArg;
    let second = Type.Invalid;
    if (dot >= 0) {
      if (!wantsType) this.err(tok, `${opName} takes no type suffix`);
      let suffix = tok.text.slice(dot + 1);
      const dot2 = suffix.indexOf('.');
      if (dot2 >= 0 && info.format === Format.VaArg) {
        // va_arg.T.U: a pair.
        second = parseType(suffix.slice(dot2 + 1));
        if (second === Type.Invalid) this.err(tok, `unknown type '${suffix.slice(dot2 + 1)}'`);
        suffix = suffix.slice(0, dot2);
      }
      type = parseType(suffix);
      if (type === Type.Invalid) this.err(tok, `unknown type '${suffix}'`);
    } else if (wantsType) {
      this.err(tok, `${opName} needs a type suffix (e.g. ${opName}.i32)`);
    }
    const inst: InstAst = { tok, op, type, results, args: [], argToks: [], imm: 0, imm2: 0, big: 0n, callee: '', calleeTok: undefined, dests: [], loc: 0 };
    const arg = (): void => { const v = this.value(); inst.args.push(v.id); inst.argToks.push(v.tok); };
    const args2 = (): void => { arg(); this.expect(','); arg(); };
    const cc = (names: readonly string[]): void => {
      const t = this.word('a condition code');
      const i = names.indexOf(t.text);
      if (i < 0) this.err(t, `unknown condition code '${t.text}' for ${opName}`);
      inst.imm = i;
    };
    switch (info.format) {
      case Format.IntImm: {
        const neg = this.eat('-');
        const t = this.word('an integer');
        if (!/^(\d+|0x[0-9a-f]+)$/i.test(t.text)) this.err(t, `expected an integer, found '${t.text}'`);
        if (!isIntType(type)) this.err(tok, `iconst needs an integer type, found ${typeName(type)}`);
        const v = neg ? -BigInt(t.text) : BigInt(t.text);
        try { inst.big = canonicalIntImm(type, v); } catch { this.err(t, `${v} does not fit in ${typeBits(type)} bits`); }
        break;
      }
      case Format.FloatImm: {
        const neg = this.eat('-');
        const t = this.word('a float');
        let text = (neg ? '-' : '') + t.text;
        // A NaN with a payload: `NaN:0x1f`, `sNaN:0x1`.
        if ((t.text === 'NaN' || t.text === 'sNaN') && this.eat(':')) text += `:${this.word('a NaN payload').text}`;
        // A non-float suffix is the verifier's to report; read the literal as f64 then.
        try { inst.big = BigInt(parseFloatBits(type === Type.F32 ? Type.F32 : Type.F64, text)); } catch (e) { this.err(t, (e as Error).message); }
        break;
      }
      case Format.Unary: case Format.Convert: arg(); break;
      case Format.Binary: args2(); break;
      case Format.Ternary: arg(); this.expect(','); arg(); this.expect(','); arg(); break;
      case Format.IntCompare: cc(INT_CC_NAMES); args2(); break;
      case Format.FloatCompare: cc(FLOAT_CC_NAMES); args2(); break;
      case Format.Load: arg(); inst.imm = this.offset(); break;
      case Format.Store: arg(); this.expect(','); arg(); inst.imm = this.offset(); break;
      case Format.StackAddr: inst.imm = this.numbered('ss', 'a stack slot'); inst.imm2 = this.offset(); break;
      case Format.StackAlloc: {
        arg();
        this.expect(',');
        this.keyword('align');
        inst.imm = this.uint('an alignment');
        break;
      }
      case Format.Nullary: break;
      case Format.GlobalAddr: inst.calleeTok = this.name('a data name'); inst.callee = inst.calleeTok.text; break;
      case Format.LabelAddr: inst.imm = this.uint('a label number'); break;
      case Format.FuncAddr: inst.calleeTok = this.name('a function name'); inst.callee = inst.calleeTok.text; break;
      case Format.Call:
        inst.calleeTok = this.name('a function name');
        inst.callee = inst.calleeTok.text;
        this.expect('(');
        if (!this.isPunct(')')) do arg(); while (this.eat(','));
        this.expect(')');
        break;
      case Format.CallIndirect:
        inst.imm = this.numbered('sig', 'a signature');
        this.expect(',');
        arg();
        this.expect('(');
        if (!this.isPunct(')')) do arg(); while (this.eat(','));
        this.expect(')');
        break;
      case Format.VaStart: arg(); break;
      case Format.VaArg: arg(); inst.imm = second; break;
      case Format.Jump: inst.dests.push(this.parseDest()); break;
      case Format.Brif:
        arg(); this.expect(','); inst.dests.push(this.parseDest()); this.expect(','); inst.dests.push(this.parseDest());
        break;
      case Format.BrTable:
        arg(); this.expect(','); inst.dests.push(this.parseDest()); this.expect(',');
        this.expect('[');
        if (!this.isPunct(']')) do inst.dests.push(this.parseDest()); while (this.eat(','));
        this.expect(']');
        break;
      case Format.IndirectBr:
        arg(); this.expect(',');
        this.expect('[');
        if (!this.isPunct(']')) do inst.dests.push(this.parseDest()); while (this.eat(','));
        this.expect(']');
        break;
      case Format.Return:
        // Return values are on the same line as `return`.
        if (this.peek.kind === Tok.Word && this.peek.line === tok.line) do arg(); while (this.eat(','));
        break;
      case Format.Trap: {
        const t = this.word('a trap code');
        inst.imm = parseTrapCode(t.text);
        if (inst.imm < 0) this.err(t, `unknown trap code '${t.text}'`);
        break;
      }
    }
    return inst;
  }
}

function buildFunction(p: { err(t: Token, m: string): never }, m: Module, ast: FuncAst): void {
  const f = m.getFunction(ast.name);
  for (const s of ast.slots) f.stackSlot(s.size, s.align);
  for (const s of ast.sigs) f.signature(s.params, s.results, s.variadic);
  // Value types: known from block parameters, inferred for results.
  const types = new Map<number, Type>();
  const defTok = new Map<number, Token>();
  const define = (id: number, t: Type, tok: Token): void => {
    if (defTok.has(id)) p.err(tok, `value v${id} is defined twice (first at ${defTok.get(id)!.line}:${defTok.get(id)!.col})`);
    defTok.set(id, tok);
    if (t !== Type.Invalid) types.set(id, t);
  };
  const blockIds = new Set<number>();
  for (const b of ast.blocks) {
    if (blockIds.has(b.id)) p.err(b.tok, `block${b.id} is defined twice`);
    blockIds.add(b.id);
    for (const q of b.params) define(q.id, q.type, b.tok);
  }
  const calleeOf = (inst: InstAst): Func | import('./function.js').Import => {
    const c = m.lookup(inst.callee);
    if (c === undefined || !('params' in c)) p.err(inst.calleeTok ?? inst.tok, `unknown function %${inst.callee}`);
    return c;
  };
  const all: InstAst[] = [];
  for (const b of ast.blocks) {
    for (const inst of b.insts) {
      all.push(inst);
      const info = OPCODES[inst.op]!;
      let want: number;
      if (info.result === ResultRule.Signature) {
        if (inst.op === Opcode.Call) want = calleeOf(inst).results.length;
        else {
          const s = f.signatures[inst.imm];
          if (s === undefined) p.err(inst.tok, `unknown signature sig${inst.imm}`);
          want = s.results.length;
        }
      } else if (info.result === ResultRule.VaArg) want = inst.imm !== 0 ? 2 : 1;
      else want = info.result === ResultRule.None ? 0 : 1;
      if (inst.results.length !== want) {
        const what = inst.op === Opcode.Call ? `call to %${inst.callee}` : info.name;
        p.err(inst.tok, `${what} has ${want} result${want === 1 ? '' : 's'}, but ${inst.results.length} ${inst.results.length === 1 ? 'is' : 'are'} named`);
      }
      for (const r of inst.results) define(r, Type.Invalid, inst.tok);
    }
  }
  for (const inst of all) {
    inst.args.forEach((a, i) => { if (!defTok.has(a)) p.err(inst.argToks[i]!, `undefined value v${a}`); });
    for (const d of inst.dests) {
      if (!blockIds.has(d.block)) p.err(d.tok, `undefined block block${d.block}`);
      for (const a of d.args) if (!defTok.has(a)) p.err(d.tok, `undefined value v${a}`);
    }
  }
  const resultTypesOf = (inst: InstAst): Type[] | null => {
    const info = OPCODES[inst.op]!;
    const argT = (i: number): Type | undefined => types.get(inst.args[i]!);
    switch (info.result) {
      case ResultRule.None: return [];
      case ResultRule.Ctrl: return [inst.type];
      case ResultRule.Arg0: { const t = argT(0); return t === undefined ? null : [t]; }
      case ResultRule.Arg1: { const t = argT(1); return t === undefined ? null : [t]; }
      case ResultRule.Bool: return [Type.I8];
      case ResultRule.Ptr: return [Type.Ptr];
      case ResultRule.Signature:
        return [...(inst.op === Opcode.Call ? calleeOf(inst).results : f.signatures[inst.imm]!.results)];
      case ResultRule.VaArg: return inst.imm !== 0 ? [inst.type, inst.imm as Type] : [inst.type];
    }
  };
  const resolved = new Map<InstAst, Type[]>();
  let progress = true;
  while (progress) {
    progress = false;
    for (const inst of all) {
      if (resolved.has(inst)) continue;
      const ts = resultTypesOf(inst);
      if (ts === null) continue;
      resolved.set(inst, ts);
      inst.results.forEach((r, i) => types.set(r, ts[i]!));
      progress = true;
    }
  }
  for (const inst of all) {
    if (!resolved.has(inst)) p.err(inst.tok, `cannot infer the type of v${inst.results[0]} (its operands' types depend on it)`);
  }
  // Build.
  for (const b of ast.blocks) {
    const blk = f.newBlock(b.id);
    for (const q of b.params) f.appendBlockParam(blk, q.type, q.id);
    f.appendBlock(blk);
  }
  for (const b of ast.blocks) {
    for (const inst of b.insts) {
      const i: Inst = f.newInst(inst.op, inst.type, inst.args);
      f.instLoc[i] = inst.loc;
      f.instImm[i] = inst.imm;
      f.instImm2[i] = inst.imm2;
      if (inst.op === Opcode.IConst) f.setIconstValue(i, inst.big);
      else if (inst.op === Opcode.FConst) f.setFconstBits(i, inst.big);
      if (inst.op === Opcode.GlobalAddr) {
        const d = m.data.find((x) => x.name === inst.callee);
        if (d === undefined) p.err(inst.calleeTok ?? inst.tok, `unknown data %${inst.callee}`);
        f.instImm[i] = d.index;
      } else if (inst.op === Opcode.Call || inst.op === Opcode.FuncAddr) {
        f.instImm[i] = calleeOf(inst).index;
      }
      for (const d of inst.dests) f.addDest(i, d.block as Block, d.args);
      f.makeResults(i, resolved.get(inst)!, inst.results);
      f.appendInst(b.id as Block, i);
    }
  }
}

/** Parses IR text into a module; throws `ParseError` (`line:col: message`). */
export function parse(text: string): Module {
  if (typeof text !== 'string') throw new TypeError(`parse: text must be a string, got ${describe(text)}`);
  const p = new Parser(tokenize(text));
  const { m, funcs } = p.parseModule();
  for (const f of funcs) buildFunction(p, m, f);
  return m;
}

/** Parses text that holds exactly one function and returns it. */
export function parseFunction(text: string): Func {
  if (typeof text !== 'string') throw new TypeError(`parseFunction: text must be a string, got ${describe(text)}`);
  const m = parse(text);
  const fs = m.functions();
  if (fs.length !== 1) throw new Error(`expected one function, found ${fs.length}`);
  return fs[0]!;
}
