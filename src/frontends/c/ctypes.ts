/**
 * C types of the front end and their System V x86-64 layout.
 *
 * Pipeline position: built by the parser (declarators, specifiers), read by
 * semantic checks and by IR generation.
 *
 * Terms:
 *  - *kind*: what a type is (`TypeKind`); integer kinds are ordered by rank.
 *  - *qualifiers*: const/volatile/restrict bits (`Qual`) carried by a `CType`
 *    object; `unqual(t)` is the same type without them. Records (struct/union)
 *    are shared objects, so two uses of `struct s` are the same record.
 *  - *record layout*: member offsets, bit-field positions, size and alignment
 *    as gcc lays them out on x86-64 (bit-fields in units of their declared type,
 *    never straddling a unit boundary unless packed).
 */
import { Type } from '../../ir/types.js';

/** What a C type is. Integer kinds are in rank order (Bool < Char < ... < ULLong). */
export const enum TypeKind {
  Void,
  Bool,
  Char,
  SChar,
  UChar,
  Short,
  UShort,
  Int,
  UInt,
  Long,
  ULong,
  LLong,
  ULLong,
  Float,
  Double,
  LDouble,
  Pointer,
  Array,
  Function,
  Struct,
  Union,
  Enum,
}

/** Type qualifier bits. */
export const enum Qual {
  None = 0,
  Const = 1,
  Volatile = 2,
  Restrict = 4,
}

/** One member of a struct or union. */
export interface Member {
  /** Name, or '' for an anonymous struct/union member or an unnamed bit-field. */
  readonly name: string;
  /** Declared type. */
  readonly type: CType;
  /** Byte offset (of the storage unit holding it, for bit-fields). */
  offset: number;
  /** Bit position inside the unit at `offset` (bit-fields), else 0. */
  bitOffset: number;
  /** Width in bits for bit-fields, -1 otherwise. */
  readonly bitWidth: number;
}

/** A struct or union: shared by every reference to the same tag. */
export class Record {
  /** Members in declaration order (anonymous members hold nested records). */
  members: Member[] = [];
  /** Size in bytes (valid once complete). */
  size = 0;
  /** Alignment in bytes. */
  align = 1;
  /** True once the definition's closing brace was seen. */
  complete = false;
  /** True when the last member is a flexible array member. */
  hasFlexibleArray = false;
  /** Creates an incomplete record of translation unit `unit`. */
  constructor(readonly tag: string, readonly isUnion: boolean, readonly unit = 0) {}
}

/**
 * Records compatible across translation units (C11 6.2.7p1): the same tag and
 * kind. (Members are not compared: a program whose units disagree on them is
 * undefined, and gcc, linking separately compiled units, does not check either.)
 */
function sameRecord(a: Record, b: Record): boolean {
  return a === b || (a.unit !== b.unit && a.tag !== '' && a.tag === b.tag && a.isUnion === b.isUnion);
}

/** A parameter of a function type. */
export interface Param {
  /** Name ('' in abstract declarators). */
  readonly name: string;
  /** Adjusted type (arrays and functions become pointers). */
  readonly type: CType;
}

/** A C type. Construct through the helpers below; fields are read-only by convention. */
export class CType {
  /** Qualifiers. */
  quals: Qual = Qual.None;
  /** Pointer target, array element, function result, enum underlying type. */
  base: CType | null = null;
  /** Array length (-1: incomplete `[]`); for VLAs see `vla`. */
  length = -1;
  /** For VLAs: the hidden local that holds the length evaluated at the declaration (an ast.ts `Symbol`, set by the parser). */
  vla: unknown = null;
  /** Function parameters. */
  params: Param[] = [];
  /** Function takes `...`. */
  variadic = false;
  /** Function type has a prototype (false for `int f()` and K&R definitions). */
  hasProto = true;
  /** Struct/union record. */
  record: Record | null = null;
  /** Enum: the tag (for compatibility checks) and completeness. */
  enumTag = '';
  /** Enum: true once the enumerator list was seen. */
  enumComplete = true;
  /** The unqualified version (itself when quals == 0). */
  unqualified: CType = this;
  /** Alignment requested with `_Alignas`/`aligned` on a typedef (0: natural). */
  alignOverride = 0;
  /** Creates a type of `kind`. */
  constructor(readonly kind: TypeKind) {}

  /** Size in bytes (-1 when incomplete; functions 1 as gcc's sizeof extension). */
  get size(): number {
    switch (this.kind) {
      case TypeKind.Void: return 1;
      case TypeKind.Bool: case TypeKind.Char: case TypeKind.SChar: case TypeKind.UChar: return 1;
      case TypeKind.Short: case TypeKind.UShort: return 2;
      case TypeKind.Int: case TypeKind.UInt: case TypeKind.Float: return 4;
      case TypeKind.Long: case TypeKind.ULong: case TypeKind.LLong: case TypeKind.ULLong:
      case TypeKind.Double: case TypeKind.Pointer: return 8;
      case TypeKind.LDouble: return 16;
      case TypeKind.Array: return this.length < 0 || this.base!.size < 0 ? -1 : this.length * this.base!.size;
      case TypeKind.Function: return 1;
      case TypeKind.Struct: case TypeKind.Union: return this.record!.complete ? this.record!.size : -1;
      case TypeKind.Enum: return this.base!.size;
    }
  }

  /** Alignment in bytes. */
  get align(): number {
    if (this.alignOverride !== 0) return this.alignOverride;
    switch (this.kind) {
      case TypeKind.Array: return this.base!.align;
      case TypeKind.Struct: case TypeKind.Union: return this.record!.align;
      case TypeKind.Function: return 1;
      case TypeKind.Void: return 1;
      default: return this.size;
    }
  }
}

/** Basic (unqualified, shared) types. */
export const T = {
  void: new CType(TypeKind.Void),
  bool: new CType(TypeKind.Bool),
  char: new CType(TypeKind.Char),
  schar: new CType(TypeKind.SChar),
  uchar: new CType(TypeKind.UChar),
  short: new CType(TypeKind.Short),
  ushort: new CType(TypeKind.UShort),
  int: new CType(TypeKind.Int),
  uint: new CType(TypeKind.UInt),
  long: new CType(TypeKind.Long),
  ulong: new CType(TypeKind.ULong),
  llong: new CType(TypeKind.LLong),
  ullong: new CType(TypeKind.ULLong),
  float: new CType(TypeKind.Float),
  double: new CType(TypeKind.Double),
  ldouble: new CType(TypeKind.LDouble),
};

/** `t` with qualifiers `q` added. */
export function qualify(t: CType, q: Qual): CType {
  if (q === Qual.None || (t.quals | q) === t.quals) return t;
  const u = Object.assign(new CType(t.kind), t) as CType;
  u.quals = t.quals | q;
  u.unqualified = t.unqualified;
  return u;
}

/** `t` without qualifiers. */
export function unqual(t: CType): CType {
  return t.unqualified;
}

/** Pointer to `t`. */
export function pointerTo(t: CType): CType {
  const p = new CType(TypeKind.Pointer);
  p.base = t;
  return p;
}

/** Array of `length` (-1: unknown) elements of `t`. */
export function arrayOf(t: CType, length: number): CType {
  const a = new CType(TypeKind.Array);
  a.base = t;
  a.length = length;
  return a;
}

/** Function returning `ret`. */
export function functionType(ret: CType, params: Param[], variadic: boolean, hasProto: boolean): CType {
  const f = new CType(TypeKind.Function);
  f.base = ret;
  f.params = params;
  f.variadic = variadic;
  f.hasProto = hasProto;
  return f;
}

/** A struct/union type for `record`. */
export function recordType(record: Record): CType {
  const t = new CType(record.isUnion ? TypeKind.Union : TypeKind.Struct);
  t.record = record;
  return t;
}

/** An enum type with the given tag (underlying type int until completed). */
export function enumType(tag: string): CType {
  const t = new CType(TypeKind.Enum);
  t.base = T.uint;
  t.enumTag = tag;
  t.enumComplete = false;
  return t;
}

/** True for integer types (including _Bool, char, enums). */
export function isInteger(t: CType): boolean {
  return (t.kind >= TypeKind.Bool && t.kind <= TypeKind.ULLong) || t.kind === TypeKind.Enum;
}

/** True for float, double, long double. */
export function isFloating(t: CType): boolean {
  return t.kind === TypeKind.Float || t.kind === TypeKind.Double || t.kind === TypeKind.LDouble;
}

/** True for integer and floating types. */
export function isArithmetic(t: CType): boolean {
  return isInteger(t) || isFloating(t);
}

/** True for arithmetic and pointer types. */
export function isScalar(t: CType): boolean {
  return isArithmetic(t) || t.kind === TypeKind.Pointer;
}

/** True for struct and union types. */
export function isRecord(t: CType): boolean {
  return t.kind === TypeKind.Struct || t.kind === TypeKind.Union;
}

/** True for pointer types. */
export function isPointer(t: CType): boolean {
  return t.kind === TypeKind.Pointer;
}

/** True for unsigned integer types (plain char is signed on x86-64; enums per their underlying type). */
export function isUnsigned(t: CType): boolean {
  switch (t.kind) {
    case TypeKind.Bool: case TypeKind.UChar: case TypeKind.UShort: case TypeKind.UInt:
    case TypeKind.ULong: case TypeKind.ULLong: case TypeKind.Pointer:
      return true;
    case TypeKind.Enum: return isUnsigned(t.base!);
    default: return false;
  }
}

/** True for a variable-length array, or an array of them (its size is known only at run time). */
export function isVariablySized(t: CType): boolean {
  for (let x = t; x.kind === TypeKind.Array; x = x.base!) if (x.vla !== null) return true;
  return false;
}

/** True for a variably modified type: a variably sized array, or a pointer to (arrays of) one. */
export function isVariablyModified(t: CType): boolean {
  let x = t;
  while (x.kind === TypeKind.Pointer || x.kind === TypeKind.Array) {
    if (x.vla !== null) return true;
    x = x.base!;
  }
  return false;
}

/** True when the type is complete (known size), void never. */
export function isComplete(t: CType): boolean {
  if (t.kind === TypeKind.Void) return false;
  if (t.kind === TypeKind.Array) return t.length >= 0 || t.vla !== null;
  if (isRecord(t)) return t.record!.complete;
  return true;
}

/** Integer conversion rank (C11 6.3.1.1). */
export function rank(t: CType): number {
  switch (t.kind) {
    case TypeKind.Bool: return 0;
    case TypeKind.Char: case TypeKind.SChar: case TypeKind.UChar: return 1;
    case TypeKind.Short: case TypeKind.UShort: return 2;
    case TypeKind.Int: case TypeKind.UInt: return 3;
    case TypeKind.Long: case TypeKind.ULong: return 4;
    case TypeKind.LLong: case TypeKind.ULLong: return 5;
    case TypeKind.Enum: return rank(t.base!);
    default: return -1;
  }
}

/** Integer promotion (C11 6.3.1.1p2). Bit-fields are handled by the caller. */
export function promote(t: CType): CType {
  if (t.kind === TypeKind.Enum) return promote(t.base!);
  if (isInteger(t) && rank(t) < 3) return T.int;
  return unqual(t);
}

function unsignedOf(t: CType): CType {
  switch (t.kind) {
    case TypeKind.Int: return T.uint;
    case TypeKind.Long: return T.ulong;
    case TypeKind.LLong: return T.ullong;
    default: return t;
  }
}

/** The usual arithmetic conversions (C11 6.3.1.8): the common type of two arithmetic operands. */
export function usualArithmetic(a: CType, b: CType): CType {
  if (a.kind === TypeKind.LDouble || b.kind === TypeKind.LDouble) return T.ldouble;
  if (a.kind === TypeKind.Double || b.kind === TypeKind.Double) return T.double;
  if (a.kind === TypeKind.Float || b.kind === TypeKind.Float) return T.float;
  a = promote(a);
  b = promote(b);
  if (a.kind === b.kind) return a;
  const ua = isUnsigned(a), ub = isUnsigned(b);
  if (ua === ub) return rank(a) >= rank(b) ? a : b;
  const [u, s] = ua ? [a, b] : [b, a];
  if (rank(u) >= rank(s)) return u;
  if (s.size > u.size) return s;
  return unsignedOf(s);
}

/** The IR type holding a scalar C type's values. */
export function irType(t: CType): Type {
  switch (t.kind) {
    case TypeKind.Bool: case TypeKind.Char: case TypeKind.SChar: case TypeKind.UChar: return Type.I8;
    case TypeKind.Short: case TypeKind.UShort: return Type.I16;
    case TypeKind.Int: case TypeKind.UInt: return Type.I32;
    case TypeKind.Long: case TypeKind.ULong: case TypeKind.LLong: case TypeKind.ULLong: return Type.I64;
    case TypeKind.Float: return Type.F32;
    case TypeKind.Double: return Type.F64;
    case TypeKind.Pointer: case TypeKind.Array: case TypeKind.Function: return Type.Ptr;
    case TypeKind.Enum: return irType(t.base!);
    default: return Type.Ptr; // records are handled by address
  }
}

/**
 * Type compatibility (C11 6.2.7), ignoring top-level qualifiers when `ignoreQuals`.
 * Used for redeclarations, pointer assignment checks and `_Generic`.
 */
export function compatible(a: CType, b: CType, ignoreQuals = false): boolean {
  if (a === b) return true;
  if (!ignoreQuals && a.quals !== b.quals) return false;
  if (a.kind === TypeKind.Enum && isInteger(b) && b.kind !== TypeKind.Enum) return compatible(a.base!, b, true);
  if (b.kind === TypeKind.Enum && isInteger(a) && a.kind !== TypeKind.Enum) return compatible(a, b.base!, true);
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case TypeKind.Pointer: return compatible(a.base!, b.base!);
    case TypeKind.Array:
      if (a.length >= 0 && b.length >= 0 && a.length !== b.length) return false;
      return compatible(a.base!, b.base!);
    case TypeKind.Struct: case TypeKind.Union: return sameRecord(a.record!, b.record!);
    case TypeKind.Enum: return a.enumTag === b.enumTag && a.enumTag !== '' ? true : a.unqualified === b.unqualified;
    case TypeKind.Function: {
      if (!compatible(a.base!, b.base!)) return false;
      if (!a.hasProto || !b.hasProto) return true;
      if (a.variadic !== b.variadic || a.params.length !== b.params.length) return false;
      for (let i = 0; i < a.params.length; i++) if (!compatible(a.params[i]!.type, b.params[i]!.type, true)) return false;
      return true;
    }
    default: return true;
  }
}

/** Options of `layoutRecord`. */
export interface LayoutOptions {
  /** `__attribute__((packed))`: members at byte offsets without padding. */
  packed: boolean;
  /** `__attribute__((aligned(N)))` on the record (0: none). */
  aligned: number;
  /** `#pragma pack(N)`: members aligned to at most N bytes (0: none). */
  maxAlign: number;
}

/** A member being laid out: its declared alignment override (`_Alignas`, `aligned`) and packing. */
export interface MemberDecl {
  /** Name ('' when unnamed). */
  name: string;
  /** Type. */
  type: CType;
  /** Bit-field width, -1 for ordinary members. */
  bitWidth: number;
  /** Alignment override for this member (0: natural). */
  align: number;
  /** `packed` on the member itself. */
  packed: boolean;
}

/**
 * Lays out `record` from its member declarations as gcc does on x86-64 and
 * marks it complete. Bit-fields fill units of their declared type's size and
 * start a new unit when the field would straddle one (unless packed); a
 * zero-width bit-field moves to the next unit of its type; unnamed bit-fields
 * do not raise the record's alignment.
 */
export function layoutRecord(record: Record, decls: readonly MemberDecl[], options: LayoutOptions): void {
  const members: Member[] = [];
  let bitPos = 0; // struct: current position in bits
  let size = 0; // union: size so far in bytes
  let align = 1;
  for (const d of decls) {
    const t = d.type;
    const packed = options.packed || d.packed || options.maxAlign === 1;
    let a = d.align !== 0 ? d.align : packed ? 1 : t.align;
    if (d.align !== 0 && packed) a = d.align;
    if (options.maxAlign !== 0) a = Math.min(a, options.maxAlign);
    if (d.bitWidth >= 0) {
      const unitBits = t.size * 8;
      if (record.isUnion) {
        if (d.bitWidth > 0 && d.name !== '') align = Math.max(align, a);
        size = Math.max(size, Math.ceil(d.bitWidth / 8));
        if (d.bitWidth > 0) members.push({ name: d.name, type: t, offset: 0, bitOffset: 0, bitWidth: d.bitWidth });
        continue;
      }
      if (d.bitWidth === 0) {
        bitPos = Math.ceil(bitPos / unitBits) * unitBits;
        continue;
      }
      if (!packed && Math.floor(bitPos / unitBits) !== Math.floor((bitPos + d.bitWidth - 1) / unitBits)) {
        bitPos = Math.ceil(bitPos / unitBits) * unitBits;
      }
      if (d.align !== 0) bitPos = Math.ceil(bitPos / (d.align * 8)) * d.align * 8;
      // The member is accessed through the unit of its type that contains its first bit (gcc's
      // access unit); for packed fields that may straddle, the access uses a wider unit.
      let unitOffset = packed ? Math.floor(bitPos / 8) : Math.floor(bitPos / unitBits) * t.size;
      let bitOffset = bitPos - unitOffset * 8;
      if (packed && bitOffset + d.bitWidth > unitBits) {
        unitOffset = Math.floor(bitPos / 8);
        bitOffset = bitPos - unitOffset * 8;
      }
      members.push({ name: d.name, type: t, offset: unitOffset, bitOffset, bitWidth: d.bitWidth });
      bitPos += d.bitWidth;
      if (d.name !== '') align = Math.max(align, a);
      continue;
    }
    const memberSize = t.kind === TypeKind.Array && t.length < 0 ? 0 : Math.max(t.size, 0);
    if (record.isUnion) {
      members.push({ name: d.name, type: t, offset: 0, bitOffset: 0, bitWidth: -1 });
      size = Math.max(size, memberSize);
      align = Math.max(align, a);
      continue;
    }
    let off = Math.ceil(bitPos / 8);
    off = Math.ceil(off / a) * a;
    members.push({ name: d.name, type: t, offset: off, bitOffset: 0, bitWidth: -1 });
    bitPos = (off + memberSize) * 8;
    align = Math.max(align, a);
  }
  if (options.aligned > align) align = options.aligned;
  const raw = record.isUnion ? size : Math.ceil(bitPos / 8);
  record.members = members;
  record.align = align;
  record.size = Math.ceil(raw / align) * align;
  const last = decls[decls.length - 1];
  record.hasFlexibleArray = !record.isUnion && last !== undefined && last.type.kind === TypeKind.Array && last.type.length < 0;
  record.complete = true;
}

/** A member found by name, with its byte offset from the start of the outermost record. */
export interface FoundMember {
  /** The member (bit-field info included). */
  readonly member: Member;
  /** Offset of the member's unit from the start of the record searched. */
  readonly offset: number;
}

/** Finds member `name` in `record`, looking inside anonymous struct/union members. */
export function findMember(record: Record, name: string): FoundMember | undefined {
  for (const m of record.members) {
    if (m.name === name) return { member: m, offset: m.offset };
    if (m.name === '' && isRecord(m.type)) {
      const inner = findMember(m.type.record!, name);
      if (inner !== undefined) return { member: inner.member, offset: m.offset + inner.offset };
    }
  }
  return undefined;
}

/** The C spelling of a type, as diagnostics print it (`const char *`, `int (*)(int)`, `struct s`). */
export function typeToString(t: CType): string {
  return declaratorString(t, '').trim();
}

function qualText(q: Qual): string {
  let s = '';
  if (q & Qual.Const) s += 'const ';
  if (q & Qual.Volatile) s += 'volatile ';
  if (q & Qual.Restrict) s += 'restrict ';
  return s;
}

function baseName(t: CType): string {
  switch (t.kind) {
    case TypeKind.Void: return 'void';
    case TypeKind.Bool: return '_Bool';
    case TypeKind.Char: return 'char';
    case TypeKind.SChar: return 'signed char';
    case TypeKind.UChar: return 'unsigned char';
    case TypeKind.Short: return 'short';
    case TypeKind.UShort: return 'unsigned short';
    case TypeKind.Int: return 'int';
    case TypeKind.UInt: return 'unsigned int';
    case TypeKind.Long: return 'long';
    case TypeKind.ULong: return 'unsigned long';
    case TypeKind.LLong: return 'long long';
    case TypeKind.ULLong: return 'unsigned long long';
    case TypeKind.Float: return 'float';
    case TypeKind.Double: return 'double';
    case TypeKind.LDouble: return 'long double';
    case TypeKind.Struct: return `struct ${t.record!.tag || '<anonymous>'}`;
    case TypeKind.Union: return `union ${t.record!.tag || '<anonymous>'}`;
    case TypeKind.Enum: return `enum ${t.enumTag || '<anonymous>'}`;
    default: return '?';
  }
}

function declaratorString(t: CType, inner: string): string {
  switch (t.kind) {
    case TypeKind.Pointer: {
      const q = qualText(t.quals).trim();
      const s = `*${q === '' ? '' : q + ' '}${inner}`;
      const b = t.base!;
      return declaratorString(b, b.kind === TypeKind.Array || b.kind === TypeKind.Function ? `(${s})` : s);
    }
    case TypeKind.Array: return declaratorString(t.base!, `${inner}[${t.length >= 0 ? t.length : ''}]`);
    case TypeKind.Function: {
      const ps = t.params.map((p) => typeToString(p.type));
      if (t.variadic) ps.push('...');
      if (ps.length === 0 && t.hasProto) ps.push('void');
      return declaratorString(t.base!, `${inner}(${ps.join(', ')})`);
    }
    default: return `${qualText(t.quals)}${baseName(t)}${inner === '' ? '' : ' ' + inner}`;
  }
}
