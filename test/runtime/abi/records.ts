/**
 * Record (struct/union by value) conformance cases, shared by the C generator and the JS
 * test (test/runtime/ffi-records.test.ts): a seeded list of record types of every System V
 * classification (INTEGER, SSE, mixed eightbytes, MEMORY over 16 bytes, nested, arrays
 * inside, packed with misaligned members, bit-fields, unions, raised alignment, odd sizes),
 * and functions that take and return them with fixed expected values. gcc compiles the C
 * side, so its layout and calling convention are the oracle:
 *
 *   rec_k(args...)       checks every argument leaf bit for bit (the first wrong one is
 *                        reported by rec_error()), returns a known record
 *   rec_call_k(fn)       calls fn(args...) with the known values (JS callback direction) and
 *                        checks every leaf of what fn returned (0, or the wrong leaf's code)
 *   rec_layout_k[]       sizeof, _Alignof and the offset of every ordinary field of each type
 */
import {
  aligned, array, bits, struct, union, type RecordType, type ArrayType, type ScalarName, type ValueType,
} from '../../../src/frontends/ffi/index.js';
import { C_PRELUDE, cDiffers, cLiteral, cType, randomValue, Rng, type ArgType } from './gen.js';

/** A type of the generator: a scalar, a record or an array, with its C name. */
export type Desc =
  | { readonly k: 'scalar'; readonly t: ScalarName }
  | { readonly k: 'record'; readonly name: string; readonly union: boolean; readonly packed: boolean; readonly align: number; readonly fields: readonly FieldDesc[] }
  | { readonly k: 'array'; readonly elem: Desc; readonly n: number };

/** A record field: its type, and a bit-field width (0: none) or a raised alignment (0: none). */
export interface FieldDesc {
  readonly name: string;
  readonly desc: Desc;
  readonly bits: number;
  readonly align: number;
}

/** A value of a Desc: a scalar, an object (records; unions hold one member), an array. */
export type Value = number | bigint | boolean | { [k: string]: Value } | Value[];

/** One generated function. */
export interface RecordCase {
  readonly index: number;
  readonly args: readonly Desc[];
  readonly result: Desc | null;
  readonly argValues: readonly Value[];
  readonly resultValue: Value | undefined;
}

const INT_TYPES: readonly ScalarName[] = ['i8', 'i16', 'i32', 'i64', 'u8', 'u16', 'u32', 'u64', 'bool', 'ptr'];
const FLOAT_TYPES: readonly ScalarName[] = ['f32', 'f64'];
const BIT_TYPES: readonly ScalarName[] = ['i8', 'u8', 'i16', 'u16', 'i32', 'u32', 'i64', 'u64', 'bool'];

/** Generates record types and cases from a seed. */
export class RecordGenerator {
  private readonly r: Rng;
  /** Every record type made, in declaration order (nested types first). */
  readonly records: Extract<Desc, { k: 'record' }>[] = [];

  constructor(seed: number) {
    this.r = new Rng(seed);
  }

  private scalar(pool: readonly ScalarName[]): Desc {
    return { k: 'scalar', t: this.r.pick(pool) };
  }

  private record(fields: FieldDesc[], opts: { union?: boolean; packed?: boolean; align?: number } = {}): Extract<Desc, { k: 'record' }> {
    const d = { k: 'record' as const, name: `R${this.records.length}`, union: opts.union ?? false, packed: opts.packed ?? false, align: opts.align ?? 0, fields };
    this.records.push(d);
    return d;
  }

  private fields(n: number, make: (i: number) => Desc): FieldDesc[] {
    return Array.from({ length: n }, (_, i) => ({ name: `f${i}`, desc: make(i), bits: 0, align: 0 }));
  }

  /** A record of shape category `c` (see the module comment). */
  recordOf(c: number): Extract<Desc, { k: 'record' }> {
    const r = this.r;
    switch (c % 11) {
      case 0: return this.record(this.fields(1 + r.int(4), () => this.scalar(INT_TYPES)));
      case 1: return this.record(this.fields(1 + r.int(4), () => this.scalar(FLOAT_TYPES)));
      case 2: return this.record(this.fields(2 + r.int(3), () => this.scalar(r.chance(0.5) ? INT_TYPES : FLOAT_TYPES)));
      case 3: return this.record(this.fields(3 + r.int(6), () => this.scalar(r.chance(0.6) ? INT_TYPES : FLOAT_TYPES)));
      case 4: {
        const inner = this.recordOf(r.int(3));
        return this.record(this.fields(1 + r.int(3), (i) => (i === 0 || r.chance(0.3) ? inner : this.scalar(r.chance(0.5) ? INT_TYPES : FLOAT_TYPES))));
      }
      case 5: return this.record(this.fields(1 + r.int(3), () => (r.chance(0.6)
        ? { k: 'array', elem: this.scalar(r.chance(0.6) ? ['i8', 'u8', 'i16', 'i32', 'f32', 'u64'] : FLOAT_TYPES), n: 1 + r.int(6) }
        : this.scalar(INT_TYPES))));
      case 6: return this.record(this.fields(2 + r.int(4), () => this.scalar(r.chance(0.6) ? ['u8', 'i8', 'i16', 'i32', 'f64', 'i64'] : FLOAT_TYPES)), { packed: true });
      case 7: {
        const fields: FieldDesc[] = [];
        const n = 1 + r.int(5);
        for (let i = 0; i < n; i++) {
          if (r.chance(0.75)) {
            const t = r.pick(BIT_TYPES);
            const max = t === 'bool' ? 1 : t.endsWith('8') ? 8 : t.endsWith('16') ? 16 : t.endsWith('32') ? 32 : 64;
            fields.push({ name: `f${i}`, desc: { k: 'scalar', t }, bits: 1 + r.int(max), align: 0 });
          } else {
            fields.push({ name: `f${i}`, desc: this.scalar(r.chance(0.7) ? INT_TYPES : FLOAT_TYPES), bits: 0, align: 0 });
          }
        }
        return this.record(fields, { packed: r.chance(0.25) });
      }
      case 8: return this.record(this.fields(1 + r.int(3), () => (r.chance(0.3) ? this.recordOf(r.int(2)) : this.scalar(r.chance(0.5) ? INT_TYPES : FLOAT_TYPES))), { union: true });
      case 9: {
        const fields = this.fields(1 + r.int(3), () => this.scalar(r.chance(0.5) ? INT_TYPES : FLOAT_TYPES))
          .map((f) => (r.chance(0.4) ? { ...f, align: r.pick([4, 8, 16]) } : f));
        return this.record(fields, { align: r.chance(0.5) ? r.pick([8, 16, 32]) : 0 });
      }
      default: return this.record(this.fields(1 + r.int(2), () => ({ k: 'array', elem: this.scalar(['u8', 'i8']), n: 1 + r.int(7) })));
    }
  }

  /** A value of `d`. */
  value(d: Desc, bitsWidth = 0): Value {
    const r = this.r;
    if (d.k === 'scalar') {
      if (bitsWidth > 0) return bitValue(r, d.t, bitsWidth);
      return randomValue(r, d.t as ArgType, d.t === 'f32' || d.t === 'f64' ? false : false);
    }
    if (d.k === 'array') return Array.from({ length: d.n }, () => this.value(d.elem));
    if (d.union) {
      const f = r.pick(d.fields);
      return { [f.name]: this.value(f.desc, f.bits) };
    }
    const o: { [k: string]: Value } = {};
    for (const f of d.fields) o[f.name] = this.value(f.desc, f.bits);
    return o;
  }

  /** `count` cases: arguments of records and scalars (sometimes after enough scalars to use up the registers), a record result. */
  cases(count: number): RecordCase[] {
    const r = this.r;
    const out: RecordCase[] = [];
    for (let i = 0; i < count; i++) {
      const args: Desc[] = [];
      const pad = r.int(6);
      if (pad === 0) for (let k = 0; k < 5 + r.int(2); k++) args.push({ k: 'scalar', t: 'i64' });
      if (pad === 1) for (let k = 0; k < 7 + r.int(2); k++) args.push({ k: 'scalar', t: 'f64' });
      const n = 1 + r.int(3);
      for (let k = 0; k < n; k++) args.push(r.chance(0.8) ? this.recordOf(i + k) : this.scalar(r.chance(0.5) ? INT_TYPES : FLOAT_TYPES));
      const result = r.chance(0.9) ? this.recordOf(i + 3) : null;
      out.push({ index: i, args, result, argValues: args.map((d) => this.value(d)), resultValue: result === null ? undefined : this.value(result) });
    }
    return out;
  }
}

/** A random value that fits a bit-field of type t and `width` bits. */
function bitValue(r: Rng, t: ScalarName, width: number): Value {
  if (t === 'bool') return r.chance(0.5);
  const signed = t[0] === 'i';
  const u = BigInt.asUintN(width, r.u64());
  const v = signed ? BigInt.asIntN(width, u) : u;
  return t === 'i64' || t === 'u64' ? v : Number(v);
}

/** The FFI type of a Desc (one object per record Desc). */
export function ffiType(d: Desc, made = new Map<Desc, ValueType>()): ValueType {
  if (d.k === 'scalar') return d.t;
  let t = made.get(d);
  if (t !== undefined) return t;
  if (d.k === 'array') {
    t = array(ffiType(d.elem, made), d.n) as ArrayType;
  } else {
    const spec: Record<string, unknown> = {};
    for (const f of d.fields) {
      const ft = ffiType(f.desc, made);
      spec[f.name] = f.bits > 0 ? bits(ft as ScalarName, f.bits) : f.align > 0 ? aligned(ft, f.align) : ft;
    }
    const options = { packed: d.packed, name: d.name, ...(d.align > 0 ? { align: d.align } : {}) };
    t = (d.union ? union(spec as never, options) : struct(spec as never, options)) as RecordType;
  }
  made.set(d, t);
  return t;
}

/** The C type name of a Desc (records by name; arrays only as fields). */
function cName(d: Desc): string {
  if (d.k === 'scalar') return cType(d.t);
  if (d.k === 'record') return d.name;
  throw new Error('arrays have no C type name here');
}

/** The C declaration of a field. */
function cField(f: FieldDesc): string {
  const d = f.desc;
  if (d.k === 'array') return `${cName(d.elem)} ${f.name}[${d.n}];`;
  if (f.bits > 0) return `${cName(d)} ${f.name} : ${f.bits};`;
  return `${cName(d)} ${f.name}${f.align > 0 ? ` __attribute__((aligned(${f.align})))` : ''};`;
}

/** The C typedef of a record. */
function cRecord(d: Extract<Desc, { k: 'record' }>): string {
  const attrs = [d.packed ? 'packed' : '', d.align > 0 ? `aligned(${d.align})` : ''].filter((a) => a !== '');
  const attr = attrs.length > 0 ? ` __attribute__((${attrs.join(', ')}))` : '';
  return `typedef ${d.union ? 'union' : 'struct'}${attr} {\n${d.fields.map((f) => `  ${cField(f)}`).join('\n')}\n} ${d.name};`;
}

/** The leaves of a value of `d` at C path `path`: [C expression, scalar type, value, bit-field]. */
export function leaves(d: Desc, v: Value, path: string, out: [string, ScalarName, Value, boolean][] = [], isBits = false): [string, ScalarName, Value, boolean][] {
  if (d.k === 'scalar') {
    out.push([path, d.t, v, isBits]);
  } else if (d.k === 'array') {
    (v as Value[]).forEach((e, i) => leaves(d.elem, e, `${path}[${i}]`, out));
  } else {
    const o = v as { [k: string]: Value };
    for (const f of d.fields) if (f.name in o) leaves(f.desc, o[f.name]!, `${path}.${f.name}`, out, f.bits > 0);
  }
  return out;
}

/** A C condition: leaf `expr` of type t differs from v (bit-fields compared as values of their type). */
function differs(t: ScalarName, expr: string, v: Value): string {
  return cDiffers(t as ArgType, expr, v as number | bigint | boolean);
}

/** C statements giving `target` (of Desc d, zeroed first) the value v. */
function assign(d: Desc, v: Value, target: string): string[] {
  const lines = [`memset(&${target}, 0, sizeof ${target});`];
  for (const [expr, t, x] of leaves(d, v, target)) lines.push(`${expr} = ${cLiteral(t as ArgType, x as number | bigint | boolean)};`);
  return lines;
}

/** The C source of every case (records first, then functions). */
export function recordSource(gen: RecordGenerator, cases: readonly RecordCase[]): string {
  const out = [C_PRELUDE, '#include <stddef.h>', '#define REC_EXPORT __attribute__((visibility("default"), noinline))', 'static int rec_err;', 'REC_EXPORT int rec_error(void) { int e = rec_err; rec_err = 0; return e; }'];
  for (const d of gen.records) out.push(cRecord(d));
  for (const d of gen.records) {
    const offsets = d.fields.filter((f) => f.bits === 0).map((f) => `offsetof(${d.name}, ${f.name})`);
    out.push(`__attribute__((visibility("default"))) const uint32_t rec_layout_${d.name}[] = { sizeof(${d.name}), _Alignof(${d.name})${offsets.map((o) => `, ${o}`).join('')} };`);
  }
  for (const c of cases) {
    const ret = c.result === null ? 'void' : cName(c.result);
    const params = c.args.map((d, i) => `${cName(d)} a${i}`).join(', ') || 'void';
    const body: string[] = [];
    c.args.forEach((d, i) => {
      leaves(d, c.argValues[i]!, `a${i}`).forEach(([expr, t, v], j) => {
        body.push(`  if (rec_err == 0 && (${differs(t, expr, v)})) rec_err = ${i * 10000 + j + 1};`);
      });
    });
    if (c.result !== null) {
      body.push(`  ${ret} r;`);
      for (const l of assign(c.result, c.resultValue!, 'r')) body.push(`  ${l}`);
      body.push('  return r;');
    }
    out.push(`REC_EXPORT ${ret} rec_${c.index}(${params}) {\n${body.join('\n')}\n}`);
    // The callback direction: C makes the arguments, calls fn, checks its result.
    const fnType = `${ret} (*fn)(${c.args.map((d) => cName(d)).join(', ') || 'void'})`;
    const call: string[] = [];
    c.args.forEach((d, i) => {
      call.push(`  ${cName(d)} a${i};`);
      for (const l of assign(d, c.argValues[i]!, `a${i}`)) call.push(`  ${l}`);
    });
    const invoke = `fn(${c.args.map((_, i) => `a${i}`).join(', ')})`;
    if (c.result === null) {
      call.push(`  ${invoke};`, '  return 0;');
    } else {
      call.push(`  ${ret} r = ${invoke};`);
      leaves(c.result, c.resultValue!, 'r').forEach(([expr, t, v], j) => call.push(`  if (${differs(t, expr, v)}) return ${j + 1};`));
      call.push('  return 0;');
    }
    out.push(`REC_EXPORT int rec_call_${c.index}(${fnType}) {\n${call.join('\n')}\n}`);
  }
  return out.join('\n\n') + '\n';
}

/** True when `got` (what the FFI decoded) equals the expected value `want` of `d` (unions: the member set in `want`). */
export function sameValue(d: Desc, want: Value, got: unknown): boolean {
  if (d.k === 'scalar') {
    if (d.t === 'ptr' || d.t === 'u64') return got === BigInt.asUintN(64, want as bigint);
    return Object.is(got, want);
  }
  if (d.k === 'array') return Array.isArray(got) && got.length === d.n && (want as Value[]).every((w, i) => sameValue(d.elem, w, got[i]));
  if (got === null || typeof got !== 'object') return false;
  const o = want as { [k: string]: Value };
  return d.fields.every((f) => !(f.name in o) || sameValue(f.desc, o[f.name]!, (got as Record<string, unknown>)[f.name]));
}

/** The cases of the test library (fixed seed). */
export function recordCases(): { gen: RecordGenerator; cases: RecordCase[] } {
  const gen = new RecordGenerator(0x5eed);
  const cases = gen.cases(240);
  return { gen, cases };
}
