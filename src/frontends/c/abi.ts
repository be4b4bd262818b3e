/**
 * System V x86-64 classification of C types for argument passing and
 * returns (the psABI's §3.2.3), and the IR signature of a C function type.
 *
 * Pipeline position: IR generation asks how each parameter and result crosses
 * a call: as one scalar IR value, as one or two eightbytes (structs and unions
 * of at most 16 bytes whose eightbytes are INTEGER or SSE), or in memory
 * (larger or unaligned records: a hidden result pointer, or for parameters a
 * pointer to a caller-made copy until the IR gains `byval`).
 */
import { Type } from '../../ir/types.js';
import { CType, TypeKind, irType, isFloating, isRecord } from './ctypes.js';

/** How one value crosses a call. */
export type Passing =
  /** One IR value of this type. */
  | { readonly k: 'scalar'; readonly type: Type }
  /** A record in one or two eightbytes, each an i64 (INTEGER) or f64 (SSE) IR value. */
  | { readonly k: 'eightbytes'; readonly types: readonly Type[]; readonly size: number }
  /** A record in memory (by address). */
  | { readonly k: 'memory' }
  /** void. */
  | { readonly k: 'none' };

const enum Class { None, Integer, Sse, Memory }

function merge(a: Class, b: Class): Class {
  if (a === b) return a;
  if (a === Class.None) return b;
  if (b === Class.None) return a;
  if (a === Class.Memory || b === Class.Memory) return Class.Memory;
  if (a === Class.Integer || b === Class.Integer) return Class.Integer;
  return Class.Sse;
}

/** Classifies the scalars of `t` placed at byte `offset` into `classes` (one per eightbyte). */
function classifyInto(t: CType, offset: number, classes: Class[]): boolean {
  if (isRecord(t)) {
    for (const m of t.record!.members) {
      if (m.bitWidth === 0) continue;
      if (m.type.kind === TypeKind.Array && m.type.length < 0) continue;
      if (m.bitWidth < 0 && (offset + m.offset) % Math.max(1, m.type.align) !== 0) return false; // unaligned (packed)
      if (!classifyInto(m.type, offset + m.offset, classes)) return false;
    }
    return true;
  }
  if (t.kind === TypeKind.Array) {
    for (let i = 0; i < t.length; i++) if (!classifyInto(t.base!, offset + i * t.base!.size, classes)) return false;
    return true;
  }
  if (t.kind === TypeKind.LDouble) return false;
  const idx = Math.floor(offset / 8);
  const c = isFloating(t) ? Class.Sse : Class.Integer;
  classes[idx] = merge(classes[idx] ?? Class.None, c);
  const end = Math.floor((offset + Math.max(t.size, 1) - 1) / 8);
  if (end !== idx) classes[end] = merge(classes[end] ?? Class.None, c);
  return true;
}

/** How a value of type `t` is passed (or returned). */
export function classify(t: CType): Passing {
  if (t.kind === TypeKind.Void) return { k: 'none' };
  if (!isRecord(t)) return { k: 'scalar', type: irType(t) };
  const size = t.size;
  if (size > 16 || size <= 0) return size === 0 ? { k: 'eightbytes', types: [], size: 0 } : { k: 'memory' };
  const n = Math.ceil(size / 8);
  const classes: Class[] = new Array<Class>(n).fill(Class.None);
  if (!classifyInto(t, 0, classes)) return { k: 'memory' };
  const types = classes.map((c) => (c === Class.Sse ? Type.F64 : Type.I64));
  return { k: 'eightbytes', types, size };
}

/** The IR signature of a C function type, and how each parameter and the result are passed. */
export interface LoweredSignature {
  /** IR parameter types (a hidden result pointer first when the result is in memory). */
  readonly params: Type[];
  /** IR result types. */
  readonly results: Type[];
  /** Per C parameter. */
  readonly paramPassing: Passing[];
  /** The result. */
  readonly resultPassing: Passing;
}

/** Lowers a C function type (with the given argument types for the variadic/unprototyped part). */
export function lowerSignature(ret: CType, params: readonly CType[]): LoweredSignature {
  const resultPassing = classify(ret);
  const irParams: Type[] = [];
  const results: Type[] = [];
  switch (resultPassing.k) {
    case 'scalar': results.push(resultPassing.type); break;
    case 'eightbytes': results.push(...resultPassing.types); break;
    case 'memory': irParams.push(Type.Ptr); results.push(Type.Ptr); break;
    case 'none': break;
  }
  const paramPassing: Passing[] = [];
  for (const p of params) {
    const c = classify(p);
    paramPassing.push(c);
    if (c.k === 'scalar') irParams.push(c.type);
    else if (c.k === 'eightbytes') irParams.push(...c.types);
    else if (c.k === 'memory') irParams.push(Type.Ptr);
  }
  return { params: irParams, results, paramPassing, resultPassing };
}
