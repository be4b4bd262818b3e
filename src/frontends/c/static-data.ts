/**
 * Static initializers: the bytes and relocations of an object with static
 * storage duration, from its (parsed, resolved) initializer.
 *
 * Pipeline position: called by IR generation (irgen.ts) for every object with
 * static storage; the result lives in an IR data object.
 *
 * An initializer element is an arithmetic constant (written as bytes), or an
 * *address constant* (C11 6.6p9): the address of an object, string literal or
 * function plus a byte offset, which becomes a data relocation. GNU's `&&label`
 * values are small integers (see irgen.ts's `labelValue`), so they are
 * arithmetic constants here.
 */
import type { Expr, Initializer } from './ast.js';
import { Storage, Symbol } from './ast.js';
import { evalConst, wrapInt } from './consteval.js';
import { CType, TypeKind, isFloating, isInteger, isPointer, isRecord, type Member } from './ctypes.js';
import type { DataObject } from '../../ir/function.js';
import type { SourceLocation } from './token.js';

/** An address constant: symbol (or string literal) plus byte offset; both null for an integer cast to a pointer. */
export interface AddressConstant {
  sym: Symbol | null;
  str: Uint8Array | null;
  offset: bigint;
}

/** Resolves `&&label` of function `fn` to its value. */
export type LabelValue = (fn: Symbol, name: string) => number;

/** What filling static data needs from the module being generated. */
export interface StaticTargets {
  /** The value of `&&name` in `fn`. */
  labelValue: LabelValue;
  /** Makes the 8 bytes at `offset` of `d` hold the address `a` (a symbol or string, plus its offset); reports unresolvable targets. */
  relocate(d: DataObject, offset: number, a: AddressConstant, loc: SourceLocation): void;
  /** Reports an error at `loc` and abandons the object. */
  fail(loc: SourceLocation, message: string): never;
}

/** Writes the initial bytes and relocations of an object of type `t` at `off` of data object `d`. */
export function writeStatic(g: StaticTargets, d: DataObject, off: number, t: CType, init: Initializer, loc: SourceLocation): void {
  const bytes = d.bytes;
  switch (init.k) {
    case 'string': {
      const n = t.kind === TypeKind.Array && t.length >= 0 ? Math.min(init.bytes.length, t.size) : init.bytes.length;
      bytes.set(init.bytes.subarray(0, n), off);
      return;
    }
    case 'list': {
      if (t.kind === TypeKind.Array) {
        const es = t.base!.size;
        init.items.forEach((it, i) => { if (it !== undefined) writeStatic(g, d, off + i * es, t.base!, it, loc); });
        return;
      }
      if (isRecord(t)) {
        const ms = t.record!.members;
        init.items.forEach((it, i) => {
          if (it === undefined) return;
          const m = ms[i]!;
          if (m.bitWidth >= 0) writeBitField(g, bytes, off + m.offset, m, it, loc);
          else writeStatic(g, d, off + m.offset, m.type, it, loc);
        });
        return;
      }
      // A scalar in braces.
      const first = init.items[0];
      if (first !== undefined) writeStatic(g, d, off, t, first, loc);
      return;
    }
    case 'expr': {
      const e = init.expr;
      if (isRecord(t)) {
        // A struct initialised from a constant compound literal: its initializer.
        if (e.k === 'compound' && e.sym.init !== null) { writeStatic(g, d, off, t, e.sym.init, loc); return; }
        g.fail(e.loc, 'initializer element is not constant');
      }
      const v = evalConst(e);
      if (v !== undefined) { writeScalarBytes(bytes, off, t, v); return; }
      const addr = addressConstant(e, (fn, name) => g.labelValue(fn, name));
      if (addr !== undefined) {
        if (addr.sym === null && addr.str === null) { writeScalarBytes(bytes, off, t, addr.offset); return; }
        if (!isPointer(t) && t.size !== 8) g.fail(e.loc, 'initializer element is not computable at load time');
        g.relocate(d, off, addr, e.loc);
        return;
      }
      g.fail(e.loc, 'initializer element is not constant');
    }
  }
}

function writeScalarBytes(bytes: Uint8Array, off: number, t: CType, v: bigint | number): void {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (isFloating(t)) {
    const x = typeof v === 'number' ? v : Number(v);
    if (t.kind === TypeKind.Float) dv.setFloat32(off, x, true); else dv.setFloat64(off, x, true);
    return;
  }
  const n = typeof v === 'bigint' ? v : BigInt(Math.trunc(v));
  const size = t.kind === TypeKind.Pointer ? 8 : t.size;
  for (let i = 0; i < size; i++) bytes[off + i] = Number((n >> BigInt(8 * i)) & 0xffn);
}

function writeBitField(g: StaticTargets, bytes: Uint8Array, off: number, m: Member, init: Initializer, loc: SourceLocation): void {
  if (init.k !== 'expr') g.fail(loc, 'invalid initializer for a bit-field');
  const v = evalConst(init.expr);
  if (typeof v !== 'bigint') g.fail(init.expr.loc, 'initializer element is not constant');
  const mask = (1n << BigInt(m.bitWidth)) - 1n;
  const unitBytes = Math.ceil((m.bitOffset + m.bitWidth) / 8);
  let unit = 0n;
  for (let i = 0; i < unitBytes; i++) unit |= BigInt(bytes[off + i]!) << BigInt(8 * i);
  unit = (unit & ~(mask << BigInt(m.bitOffset))) | ((v & mask) << BigInt(m.bitOffset));
  for (let i = 0; i < unitBytes; i++) bytes[off + i] = Number((unit >> BigInt(8 * i)) & 0xffn);
}

/** Evaluates an address constant (C11 6.6p9), or undefined. */
export function addressConstant(e: Expr, label: LabelValue): AddressConstant | undefined {
  switch (e.k) {
    case 'cast': {
      if (isPointer(e.type) || isInteger(e.type)) {
        const inner = addressConstant(e.operand, label);
        if (inner !== undefined && inner.sym === null && inner.str === null) return { ...inner, offset: wrapInt(e.type, inner.offset) };
        if (inner !== undefined && (isPointer(e.type) || e.type.size === 8)) return inner;
        if (!isPointer(e.type) && e.type.size !== 8) return undefined;
        const v = evalConst(e.operand);
        if (typeof v === 'bigint') return { sym: null, str: null, offset: v };
      }
      return undefined;
    }
    case 'addr': return lvalueConstant(e.operand, label);
    case 'ptradd': {
      const base = addressConstant(e.ptr, label);
      const idx = evalConst(e.index);
      if (base === undefined || typeof idx !== 'bigint') return undefined;
      const size = BigInt(Math.max(e.ptr.type.base!.size, 1));
      return { ...base, offset: base.offset + (e.sub ? -idx : idx) * size };
    }
    case 'int': return { sym: null, str: null, offset: e.value };
    case 'labeladdr': return { sym: null, str: null, offset: BigInt(label(e.fn, e.name)) };
    case 'comma': return evalConst(e.lhs) !== undefined ? addressConstant(e.rhs, label) : undefined;
    case 'cond': {
      const c = evalConst(e.cond);
      if (c === undefined) return undefined;
      return addressConstant((typeof c === 'number' ? c !== 0 : c !== 0n) ? e.then : e.else, label);
    }
    case 'binary': {
      if (e.op !== '+' && e.op !== '-') return undefined;
      const a = addressConstant(e.lhs, label);
      const k = evalConst(e.rhs);
      if (a !== undefined && typeof k === 'bigint') return { ...a, offset: e.op === '+' ? a.offset + k : a.offset - k };
      const b = addressConstant(e.rhs, label);
      const j = evalConst(e.lhs);
      if (e.op === '+' && b !== undefined && typeof j === 'bigint') return { ...b, offset: b.offset + j };
      if (a !== undefined && b !== undefined && a.sym === null && a.str === null && b.sym === null && b.str === null) {
        return { sym: null, str: null, offset: wrapInt(e.type, e.op === '+' ? a.offset + b.offset : a.offset - b.offset) };
      }
      return undefined;
    }
    case 'ptrdiff': {
      // `&&a - &&b`, `&x[3] - &x[1]`: the same base.
      const a = addressConstant(e.lhs, label), b = addressConstant(e.rhs, label);
      if (a === undefined || b === undefined || a.sym !== b.sym || a.str !== b.str) return undefined;
      return { sym: null, str: null, offset: (a.offset - b.offset) / BigInt(Math.max(e.lhs.type.base!.size, 1)) };
    }
    default: return undefined;
  }
}

function lvalueConstant(e: Expr, label: LabelValue): AddressConstant | undefined {
  switch (e.k) {
    case 'var': return (e.sym.storage === Storage.Local && !e.sym.isFunction) || e.sym.threadLocal ? undefined : { sym: e.sym, str: null, offset: 0n };
    case 'string': return { sym: null, str: e.bytes, offset: 0n };
    case 'compound': return e.sym.storage === Storage.Static ? { sym: e.sym, str: null, offset: 0n } : undefined;
    case 'member': {
      const b = lvalueConstant(e.base, label);
      return b === undefined ? undefined : { ...b, offset: b.offset + BigInt(e.offset) };
    }
    case 'deref': return addressConstant(e.operand, label);
    default: return undefined;
  }
}
