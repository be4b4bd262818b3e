/**
 * Reading a C header for bindings: the C front end's preprocessor and parser turn the header
 * into a description of what it declares, in FFI terms, which bind.ts turns into live typed
 * functions and bindgen.ts into a TypeScript module.
 *
 *   #include "<header>"                preprocess (src/frontends/c/preprocessor.ts), parse
 *   + one probe per #define of it     `static __typeof__((NAME)) probe = (NAME);` evaluates the
 *                                      object-like macros that are C constants (integer, float,
 *                                      string), with C's types and arithmetic
 *   the header's files                 the header and the `bits/` pieces it includes (glibc's
 *                                      math.h declares its functions in bits/mathcalls.h); not
 *                                      the public headers it includes (stddef.h, unistd.h)
 *   functions                          prototypes declared there (not inline definitions, not
 *                                      reserved `__names`)
 *   records                            structs/unions declared in the header or used by value by its
 *                                      functions, laid out by the front end and checked against
 *                                      the FFI's own layout (a record both cannot express is skipped)
 *   enums, constants                   enumeration constants and #define constants of the header
 *
 * Type mapping (C -> FFI): char/short/int/long/long long -> i8/i16/i32/i64 (unsigned: u..),
 * _Bool -> bool, float/double -> f32/f64, enums -> their integer type, `const char *` -> 'str'
 * (arguments and results), pointers to incomplete structs -> handle(name), function pointers ->
 * fnptr(signature), other pointers (including `char *`, which C may write) -> 'ptr', records
 * by value -> struct/union. What has no FFI type (long double, variadic functions, functions
 * without a prototype) is listed in `skipped` with the reason.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CompileError, Diagnostics } from '../c/diagnostics.js';
import { LinkageTable, Parser, type FileDeclaration } from '../c/parser.js';
import { preprocessWithMacros } from '../c/preprocessor.js';
import { evalConst } from '../c/consteval.js';
import { Qual, TypeKind, typeToString, unqual, type CType, type Record as CRecord } from '../c/ctypes.js';
import type { Symbol as CSymbol } from '../c/ast.js';
import type { SourceFile } from '../c/token.js';
import { struct, union, array, bits, type FieldSpec, type RecordType, type ScalarName, type ValueType } from '../../runtime/ffi-types.js';

/** An FFI type in a header description. */
export type BindType =
  | { readonly k: 'scalar'; readonly name: ScalarName | 'void' }
  | { readonly k: 'str' }
  | { readonly k: 'record'; readonly name: string }
  | { readonly k: 'array'; readonly element: BindType; readonly length: number }
  | { readonly k: 'handle'; readonly name: string }
  | { readonly k: 'fnptr'; readonly sig: BindSignature }
  | { readonly k: 'ptr' };

/** A function signature in FFI terms. */
export interface BindSignature {
  readonly args: readonly BindType[];
  readonly result: BindType;
}

/** A record field: a value, or a bit-field of `bits` bits. */
export interface BindField {
  readonly name: string;
  readonly type: BindType;
  readonly bits?: number;
}

/** A struct or union of the header. */
export interface BindRecord {
  /** The JS name: the typedef name when the header has one, else the tag. */
  readonly name: string;
  /** How C spells it (`struct z_stream_s`). */
  readonly c: string;
  readonly union: boolean;
  readonly packed: boolean;
  /** Alignment beyond the natural one (gcc's `aligned`), else undefined. */
  readonly align?: number;
  readonly fields: readonly BindField[];
  /** Size and alignment as C lays it out. */
  readonly size: number;
  readonly alignment: number;
}

/** A function prototype. */
export interface BindFunction {
  /** The name in C (and in JS). */
  readonly name: string;
  /** The symbol to look up (differs with `__asm__("name")`). */
  readonly symbol: string;
  /** Parameter names ('' where the prototype has none). */
  readonly params: readonly string[];
  readonly sig: BindSignature;
  /** The C prototype, for documentation. */
  readonly c: string;
}

/** An enumeration: its name ('' for an anonymous enum) and constants. */
export interface BindEnum {
  readonly name: string;
  readonly constants: readonly { readonly name: string; readonly value: bigint }[];
}

/** A `#define` constant: a number (or a bigint beyond 2^53), or a string. */
export interface BindConstant {
  readonly name: string;
  readonly value: number | bigint | string;
  /** The C type of the value (`int`, `unsigned long`, `char[7]`). */
  readonly c: string;
}

/** What a header declares, in FFI terms (see the module comment). */
export interface HeaderBindings {
  /** The header's path as read. */
  readonly header: string;
  /** Records in dependency order (a record after the records it holds by value). */
  readonly records: readonly BindRecord[];
  readonly functions: readonly BindFunction[];
  readonly enums: readonly BindEnum[];
  readonly constants: readonly BindConstant[];
  /** Declarations with no FFI form, and why. */
  readonly skipped: readonly { readonly name: string; readonly reason: string }[];
}

/** Options of `readHeader`. */
export interface ReadHeaderOptions {
  /** Macros as on gcc's command line (`NAME`, `NAME=VALUE`). */
  defines?: readonly string[];
  /** `#include` directories searched before the system's. */
  includePaths?: readonly string[];
  /** More headers whose declarations are bound too (e.g. a library's second public header). */
  alsoHeaders?: readonly string[];
}

class Unsupported extends Error {}

const PROBE = '__jitkit_bind_probe_';
const IDENT = /^[A-Za-z_$][\w$]*$/;

/** Reads `header` with the C front end (see the module comment); throws `CompileError` when the header has errors. */
export function readHeader(header: string, options: ReadHeaderOptions = {}): HeaderBindings {
  if (typeof header !== 'string' || header === '') throw new TypeError('readHeader: header must be a path');
  const headers = [header, ...(options.alsoHeaders ?? [])].map((h) => {
    if (!fs.existsSync(h)) throw new Error(`readHeader: ${h}: No such file or directory`);
    return path.resolve(h);
  });
  const real = new Set(headers.map((h) => fs.realpathSync(h)));
  // Object-like macros #defined in the headers themselves: candidates for constants.
  const candidates: string[] = [];
  for (const h of headers) {
    for (const m of fs.readFileSync(h, 'utf8').matchAll(/^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)(?=[ \t]|$)/gm)) {
      if (!candidates.includes(m[1]!)) candidates.push(m[1]!);
    }
  }
  const probeText = candidates.map((n, i) => `static __typeof__((${n})) ${PROBE}${i} = (${n});`).join('\n');
  const text = headers.map((h) => `#include ${JSON.stringify(h)}\n`).join('') + probeText + '\n';
  const input = '<bind>';
  const diags = new Diagnostics([]);
  const { unit } = preprocessWithMacros({ name: input, text }, { defines: options.defines ?? [], includePaths: options.includePaths ?? [] }, diags);
  const probeFile = diags.files.findIndex((f) => f.name === input);
  // The header's own tokens are parsed alone first: its errors are real ones.
  let split = unit.tokens.findIndex((t) => t.file === probeFile && t.line > headers.length);
  if (split < 0) split = unit.tokens.length - 1;
  const headerDiags = new Diagnostics(diags.files);
  const parser = new Parser([...unit.tokens.slice(0, split), unit.tokens[unit.tokens.length - 1]!], headerDiags, new LinkageTable(), 0);
  const tu = parser.parseUnit();
  if (headerDiags.hasErrors || diags.hasErrors) {
    const errors = [...diags.list, ...headerDiags.list].filter((d) => d.severity === 'error');
    throw new CompileError(errors, errors.map((d) => diags.format(d)).join('\n'));
  }
  // Then everything with the probes, whose errors only mean "not a constant".
  const probed = new Parser(unit.tokens, new Diagnostics(diags.files, 1_000_000), new LinkageTable(), 0).parseUnit();
  const inHeader = headerFiles(diags.files, real);
  const probes = probed.symbols.filter((sym) => sym.name.startsWith(PROBE));
  return new HeaderReader(header, tu.symbols, probes, parser.fileDeclarations, inHeader, candidates).read();
}

/**
 * The files whose declarations are the header's: the header (by real path), and the internal
 * pieces it includes, transitively: files in a `bits/` directory (glibc's and musl's
 * convention for "never include directly"), such as math.h's bits/mathcalls.h. Public headers
 * it includes (stddef.h, unistd.h) are not: their declarations are theirs.
 */
function headerFiles(files: readonly SourceFile[], roots: ReadonlySet<string>): Set<number> {
  const out = new Set<number>();
  const byName = new Map<string, number[]>();
  files.forEach((f, i) => {
    if (f.name.startsWith('<')) return;
    let real: string;
    try {
      real = fs.realpathSync(f.name);
    } catch {
      return;
    }
    if (roots.has(real)) out.add(i);
    const list = byName.get(f.name);
    if (list === undefined) byName.set(f.name, [i]); else list.push(i);
  });
  const queue = [...out];
  while (queue.length > 0) {
    const text = files[queue.pop()!]!.text;
    for (const m of text.matchAll(/^[ \t]*#[ \t]*include[ \t]*[<"]([^>"]+)[>"]/gm)) {
      const name = m[1]!;
      if (!/(^|\/)bits\//.test(name)) continue;
      for (const [path, indices] of byName) {
        if (!path.endsWith('/' + name)) continue;
        for (const i of indices) if (!out.has(i)) { out.add(i); queue.push(i); }
      }
    }
  }
  return out;
}

/** Turns the parsed declarations into the description. */
class HeaderReader {
  private readonly records: BindRecord[] = [];
  private readonly recordNames = new Map<CRecord, string>();
  private readonly recordDone = new Map<CRecord, BindRecord | Error>();
  private readonly usedNames = new Set<string>();
  private readonly typedefNames = new Map<CRecord, string>();
  private readonly skipped: { name: string; reason: string }[] = [];
  private anonymous = 0;

  constructor(
    private readonly header: string,
    private readonly symbols: readonly CSymbol[],
    private readonly probes: readonly CSymbol[],
    private readonly decls: readonly FileDeclaration[],
    private readonly inHeader: ReadonlySet<number>,
    private readonly candidates: readonly string[],
  ) {
    // Name records by their typedef (`typedef struct z_stream_s {...} z_stream;`), the header's first.
    const typedefs = decls.filter((d) => d.kind === 'typedef');
    for (const pass of [true, false]) {
      for (const d of typedefs) {
        if (this.inHeader.has(d.loc.file) !== pass) continue;
        const t = d.type;
        if ((t.kind === TypeKind.Struct || t.kind === TypeKind.Union) && !this.typedefNames.has(t.record!)) this.typedefNames.set(t.record!, d.name);
      }
    }
  }

  read(): HeaderBindings {
    const functions: BindFunction[] = [];
    for (const s of this.symbols) {
      if (!s.isFunction || s.body !== null || s.isStatic || !this.inHeader.has(s.loc.file) || s.name.startsWith('__')) continue;
      const t = s.type;
      try {
        if (!t.hasProto) throw new Unsupported('it has no prototype');
        if (t.variadic) throw new Unsupported('it is variadic (wrap it with the argument types of each call: { args, fixedArgs })');
        functions.push({ name: s.name, symbol: s.linkName, params: t.params.map((p) => p.name), sig: this.signature(t), c: prototype(s) });
      } catch (e) {
        if (!(e instanceof Unsupported)) throw e;
        this.skipped.push({ name: s.name, reason: e.message });
      }
    }
    for (const d of this.decls) {
      if (d.kind !== 'record' || !this.inHeader.has(d.loc.file) || !d.type.record!.complete) continue;
      const r = this.record(d.type);
      if (r instanceof Error) this.skipped.push({ name: this.nameOf(d.type.record!), reason: r.message });
    }
    return {
      header: this.header,
      records: this.records,
      functions,
      enums: this.enums(),
      constants: this.constants(),
      skipped: this.skipped,
    };
  }

  private enums(): BindEnum[] {
    const out: BindEnum[] = [];
    let pending: { name: string; value: bigint }[] = [];
    for (const d of this.decls) {
      if (d.kind === 'enumerator') pending.push({ name: d.name, value: d.value! });
      else if (d.kind === 'enum') {
        if (this.inHeader.has(d.loc.file) && pending.length > 0) {
          const typedef = d.name !== '' ? undefined : this.decls.find((x) => x.kind === 'typedef' && unqual(x.type) === d.type);
          out.push({ name: d.name !== '' ? d.name : typedef?.name ?? '', constants: pending });
        }
        pending = [];
      }
    }
    return out;
  }

  private constants(): BindConstant[] {
    const out: BindConstant[] = [];
    for (const s of this.probes) {
      if (s.init === null) continue;
      const name = this.candidates[Number(s.name.slice(PROBE.length))]!;
      const init = s.init;
      if (init.k === 'string' && init.elemSize === 1 && unqual(s.type).kind === TypeKind.Array) {
        const end = init.bytes.indexOf(0);
        out.push({ name, value: Buffer.from(init.bytes.subarray(0, end < 0 ? init.bytes.length : end)).toString('utf8'), c: typeToString(s.type) });
      } else if (init.k === 'expr') {
        const k = unqual(s.type).kind;
        if (k === TypeKind.Pointer || k === TypeKind.LDouble || k > TypeKind.LDouble) continue;
        const v = evalConst(init.expr);
        if (v === undefined) continue;
        const value = typeof v === 'number' ? v : v >= -(2n ** 53n) && v <= 2n ** 53n ? Number(v) : v;
        out.push({ name, value, c: typeToString(unqual(s.type)) });
      }
    }
    return out;
  }

  private signature(fn: CType): BindSignature {
    return { args: fn.params.map((p) => this.type(p.type, 'arg')), result: this.type(fn.base!, 'result') };
  }

  private type(t: CType, where: 'arg' | 'result' | 'field'): BindType {
    const u = unqual(t);
    switch (u.kind) {
      case TypeKind.Void:
        if (where !== 'result') throw new Unsupported('void outside a result');
        return { k: 'scalar', name: 'void' };
      case TypeKind.Bool: return { k: 'scalar', name: 'bool' };
      case TypeKind.Char: case TypeKind.SChar: return { k: 'scalar', name: 'i8' };
      case TypeKind.UChar: return { k: 'scalar', name: 'u8' };
      case TypeKind.Short: return { k: 'scalar', name: 'i16' };
      case TypeKind.UShort: return { k: 'scalar', name: 'u16' };
      case TypeKind.Int: return { k: 'scalar', name: 'i32' };
      case TypeKind.UInt: return { k: 'scalar', name: 'u32' };
      case TypeKind.Long: case TypeKind.LLong: return { k: 'scalar', name: 'i64' };
      case TypeKind.ULong: case TypeKind.ULLong: return { k: 'scalar', name: 'u64' };
      case TypeKind.Float: return { k: 'scalar', name: 'f32' };
      case TypeKind.Double: return { k: 'scalar', name: 'f64' };
      case TypeKind.LDouble: throw new Unsupported('long double has no FFI type');
      case TypeKind.Enum: return u.base === null ? { k: 'scalar', name: 'i32' } : this.type(u.base, where);
      case TypeKind.Pointer: {
        const to = u.base!;
        const target = unqual(to);
        if (target.kind === TypeKind.Char && (to.quals & Qual.Const) !== 0 && where !== 'field') return { k: 'str' };
        if (target.kind === TypeKind.Function) {
          if (!target.hasProto || target.variadic) return { k: 'ptr' };
          try {
            return { k: 'fnptr', sig: this.signature(target) };
          } catch (e) {
            if (e instanceof Unsupported) return { k: 'ptr' };
            throw e;
          }
        }
        if ((target.kind === TypeKind.Struct || target.kind === TypeKind.Union) && !target.record!.complete) return { k: 'handle', name: this.nameOf(target.record!) };
        return { k: 'ptr' };
      }
      case TypeKind.Array:
        if (where !== 'field') return { k: 'ptr' };
        if (u.length < 0) throw new Unsupported('a flexible array member');
        return { k: 'array', element: this.type(u.base!, 'field'), length: u.length };
      case TypeKind.Struct: case TypeKind.Union: {
        const r = this.record(u);
        if (r instanceof Error) throw new Unsupported(`${typeToString(u)}: ${r.message}`);
        return { k: 'record', name: r.name };
      }
      case TypeKind.Function: throw new Unsupported('a function type');
    }
  }

  /** The JS name of a record (unique, an identifier). */
  private nameOf(r: CRecord): string {
    let name = this.recordNames.get(r);
    if (name !== undefined) return name;
    name = this.typedefNames.get(r) ?? r.tag;
    if (name === '' || !IDENT.test(name)) name = `anonymous${this.anonymous++}`;
    while (this.usedNames.has(name)) name += '_';
    this.usedNames.add(name);
    this.recordNames.set(r, name);
    return name;
  }

  /** Describes a record (and the records it holds), checking that the FFI lays it out as C does. */
  private record(t: CType): BindRecord | Error {
    const r = t.record!;
    const done = this.recordDone.get(r);
    if (done !== undefined) return done;
    if (!r.complete) return new Error('incomplete');
    const placeholder = new Error('it contains itself');
    this.recordDone.set(r, placeholder);
    let result: BindRecord | Error;
    try {
      const fields: BindField[] = [];
      let pad = 0, anon = 0;
      for (const m of r.members) {
        const type = this.type(m.type, 'field');
        const name = m.name !== '' ? m.name : m.bitWidth >= 0 ? `_pad${pad++}` : `_anonymous${anon++}`;
        if (m.bitWidth === 0) throw new Unsupported('a zero-width bit-field');
        fields.push(m.bitWidth >= 0 ? { name, type, bits: m.bitWidth } : { name, type });
      }
      const base = { name: this.nameOf(r), c: `${r.isUnion ? 'union' : 'struct'} ${r.tag || '<anonymous>'}`, union: r.isUnion, fields, size: r.size, alignment: r.align };
      result = this.fitLayout(base, r);
    } catch (e) {
      if (!(e instanceof Unsupported)) throw e;
      result = new Error(e.message);
    }
    this.recordDone.set(r, result);
    if (!(result instanceof Error)) this.records.push(result);
    return result;
  }

  /** The packing and alignment options under which the FFI's layout equals C's, or an Error. */
  private fitLayout(base: Omit<BindRecord, 'packed' | 'align'>, r: CRecord): BindRecord | Error {
    for (const packed of [false, true]) {
      const natural = liveRecord({ ...base, packed }, this.liveLookup);
      const align = natural.align < r.align ? r.align : undefined;
      const live = align === undefined ? natural : liveRecord({ ...base, packed, align }, this.liveLookup);
      if (sameLayout(live, r)) return align === undefined ? { ...base, packed } : { ...base, packed, align };
    }
    return new Error(`its layout (${r.size} bytes, aligned ${r.align}) has no FFI form`);
  }

  private readonly liveLookup = (name: string): RecordType => {
    const rec = this.records.find((x) => x.name === name);
    if (rec === undefined) throw new Error(`internal error: record ${name} used before it was described`);
    return liveRecord(rec, this.liveLookup);
  };
}

function sameLayout(live: RecordType, r: CRecord): boolean {
  if (live.size !== r.size || live.align !== r.align || live.fields.length !== r.members.length) return false;
  return r.members.every((m, i) => {
    const f = live.fields[i]!;
    // Bit-fields: C names the unit's offset and the bit in it; the FFI the byte and bit.
    return m.bitWidth < 0 ? f.offset === m.offset : f.offset * 8 + f.bitOffset === m.offset * 8 + m.bitOffset;
  });
}

const liveCache = new WeakMap<BindRecord, RecordType>();

/** The FFI record type of a described record; `lookup` gives the records it holds by name. */
export function liveRecord(rec: BindRecord, lookup: (name: string) => RecordType): RecordType {
  const cached = liveCache.get(rec);
  if (cached !== undefined) return cached;
  const spec: { [name: string]: FieldSpec } = {};
  for (const f of rec.fields) {
    const t = liveType(f.type, lookup);
    if (f.bits !== undefined) {
      if (typeof t !== 'string') throw new Unsupported(`bit-field ${f.name} of a non-integer type`);
      spec[f.name] = bits(t, f.bits);
    } else {
      spec[f.name] = t;
    }
  }
  const options = { name: rec.name, packed: rec.packed, ...(rec.align === undefined ? {} : { align: rec.align }) };
  const t = (rec.union ? union(spec, options) : struct(spec, options)) as RecordType;
  liveCache.set(rec, t);
  return t;
}

/** The FFI value type of a field type (pointers of every kind are 8-byte 'ptr' values inside records). */
function liveType(t: BindType, lookup: (name: string) => RecordType): ValueType {
  switch (t.k) {
    case 'scalar':
      if (t.name === 'void') throw new Unsupported('a void field');
      return t.name;
    case 'record': return lookup(t.name);
    case 'array': return array(liveType(t.element, lookup), t.length);
    case 'str': case 'handle': case 'fnptr': case 'ptr': return 'ptr';
  }
}

/** The C prototype of a function symbol, for comments. */
function prototype(s: CSymbol): string {
  const t = s.type;
  const params = t.params.map((p) => `${typeToString(p.type)}${p.name === '' ? '' : ' ' + p.name}`);
  if (t.variadic) params.push('...');
  return `${typeToString(t.base!)} ${s.name}(${params.length === 0 ? 'void' : params.join(', ')})`;
}
