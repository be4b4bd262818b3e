/**
 * The x86-64 assembler: matches operands against the form table (forms.ts) and
 * encodes the chosen form into a growable byte buffer.
 *
 * Pipeline position: emission (DESIGN.md). Input: instruction calls on operands
 * (operands.ts). Output: `finish()` -> bytes, relocations, label offsets.
 *
 * Encoding layout written by `encode` (one space check per instruction for 16 bytes,
 * one more than the 15-byte architectural maximum, then unchecked writes):
 *
 *   [F0|F3] [66|F2|F3]* [REX | VEX2 C5 xx | VEX3 C4 xx xx] [0F [38|3A]] opcode
 *   [ModRM [SIB] [disp8|disp32]] [imm8|imm16|imm32|imm64|is4] [rel8|rel32]
 *
 * Branches: every jmp/jcc to a label is recorded as a layout event (with alignments
 * and label bindings). `finish()` relaxes them: all start as rel8, a layout pass
 * turns the ones that do not reach into rel32, repeated until stable (jumps only
 * grow, so it terminates); then the code is rebuilt and labels, fixups and
 * relocations are moved. Offsets read before `finish()` are provisional.
 * `call label` and RIP-relative label references are always 32-bit.
 */
import { CONDITION_NAMES, FORMS_BY_MNEMONIC, Form } from './forms.js';
import { Extern, K, Label, Mem, Reg, RegClass, rip, type Operand } from './operands.js';
import type { Mnemonic } from './mnemonics.js';
import { describe as describeValue } from '../../util/describe.js';

/** Condition codes for `jcc`, `setcc`, `cmovcc` (value = low 4 bits of the opcode). */
export const Cond = {
  O: 0, NO: 1, B: 2, C: 2, NAE: 2, AE: 3, NB: 3, NC: 3, E: 4, Z: 4, NE: 5, NZ: 5, BE: 6, NA: 6, A: 7, NBE: 7,
  S: 8, NS: 9, P: 10, PE: 10, NP: 11, PO: 11, L: 12, NGE: 12, GE: 13, NL: 13, LE: 14, NG: 14, G: 15, NLE: 15,
} as const;
/** A condition code 0..15. */
export type Cond = (typeof Cond)[keyof typeof Cond];

/** A relocation the linker applies after placing the code. */
export interface Relocation {
  /** abs64: write u64(S + addend); rel32: write i32(S + addend - (base + offset)). */
  readonly kind: 'abs64' | 'rel32';
  /** Byte offset of the field in the code. */
  readonly offset: number;
  /** Symbol name. */
  readonly symbol: string;
  /** Addend (rel32 includes -4 for the field's own size, as in ELF). */
  readonly addend: number;
}

/** Result of `Assembler.finish()`. */
export interface AssembledCode {
  /** The machine code (and constant pool). */
  readonly bytes: Uint8Array;
  /** Relocations to apply at link time. */
  readonly relocations: readonly Relocation[];
  /** Offset of a bound label. */
  labelOffsets(label: Label): number;
  /** Final offset of mark `k` (see `Assembler.mark`). */
  markOffset(k: number): number;
}

const PREFIX_LOCK = 1, PREFIX_REP = 2, PREFIX_SHORT = 4;
/** The spare buffer before the first branch relaxation. */
const EMPTY_BUFFER = new Uint8Array(0);
const TWO32 = 4294967296;

/** Operand kind mask of an immediate number. */
/** Every immediate kind. */
const IMM_KINDS = K.I8 | K.I16 | K.I32 | K.S32 | K.I64 | K.S8W | K.S8D | K.S8Q | K.One;
/** An immediate's operand mask widened to every immediate kind (registers and memory unchanged). */
function anyImmediate(m: number): number {
  return (m & IMM_KINDS) !== 0 ? IMM_KINDS : m;
}

function immMask(v: number): number {
  let m = 0;
  if (v >= -128 && v <= 127) m = K.I8 | K.I16 | K.I32 | K.S32 | K.I64 | K.S8W | K.S8D | K.S8Q;
  else {
    if (v >= -128 && v <= 255) m |= K.I8;
    if (v >= -32768 && v <= 65535) m |= K.I16;
    if (v >= -2147483648 && v <= 4294967295) m |= K.I32;
    if (v >= -2147483648 && v <= 2147483647) m |= K.S32;
    if (v >= 0xff80 && v <= 0xffff) m |= K.S8W;
    if (v >= 0xffffff80 && v <= 0xffffffff) m |= K.S8D;
    m |= K.I64;
  }
  if (v === 1) m |= K.One;
  return m;
}

function describe(o: Operand | undefined): string {
  if (o === undefined) return 'none';
  if (typeof o === 'number' || typeof o === 'bigint') return `imm ${o}`;
  if (o instanceof Reg) return o.name;
  if (o instanceof Mem) return o.size === 0 ? 'mem' : `m${o.size * 8}`;
  if (o instanceof Label) return 'label';
  return `extern ${o.name}`;
}

interface Fixup { at: number; end: number; label: number; addend: number }

const EV_JUMP = 0, EV_ALIGN = 1, EV_BIND = 2;
/**
 * Layout events are rows of EV_FIELDS int32s in `Assembler.ev` (one typed array, reused, not an
 * object per event):
 *
 *   kind   EV_JUMP / EV_ALIGN / EV_BIND
 *   start  offset where it was emitted
 *   len    jumps: bytes emitted (2, 5 or 6); aligns: padding emitted; binds: 0
 *   label  jumps and binds: label id
 *   cc     jumps: condition, or -1 for jmp; aligns: the alignment
 *   forced jumps: 1 when short() asked for rel8
 *   newStart, newLen  the relaxed layout computed by finish()
 */
const EV_KIND = 0, EV_START = 1, EV_LEN = 2, EV_LABEL = 3, EV_CC = 4, EV_FORCED = 5, EV_NEW_START = 6, EV_NEW_LEN = 7, EV_FIELDS = 8;
/** The event table of an assembler before its first event (never written: it has no rows). */
const NO_EVENTS = new Int32Array(0);

/** Multi-byte NOP bodies (without 66 padding prefixes), index = length 1..8. */
const NOPS: readonly (readonly number[])[] = [
  [], [0x90], [0x66, 0x90], [0x0f, 0x1f, 0x00], [0x0f, 0x1f, 0x40, 0x00], [0x0f, 0x1f, 0x44, 0x00, 0x00],
  [0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00], [0x0f, 0x1f, 0x80, 0, 0, 0, 0], [0x0f, 0x1f, 0x84, 0, 0, 0, 0, 0],
];

/** Instruction methods generated from the form table (one per mnemonic); declaration-merged into Assembler. */
export type InstructionMethods = {
  [M in Mnemonic]: (o0?: Operand, o1?: Operand, o2?: Operand, o3?: Operand) => Assembler;
};

export interface Assembler extends InstructionMethods {}

/** x86-64 assembler. Create one per function (or batch); call `finish()` once. */
export class Assembler {
  /** Output buffer (grown by doubling). */ private buf: Uint8Array;
  /** The buffer branch relaxation writes the relaxed code into (then the two swap), kept for reuse after `reset()`. */ private spare: Uint8Array;
  /** Write position. */ private pos: number;
  /** Label offsets, -1 while unbound. */ private labels: number[];
  /** rel32 / rip-relative label references (call, lea, memory), resolved by finish. */ private fixups: Fixup[];
  /** Jumps, alignments and label bindings in emission order, for branch relaxation: `evCount` rows (see EV_FIELDS). */ private ev: Int32Array;
  /** Number of layout events. */ private evCount: number;
  /** True while encoding a jump that had `short()`. */ private shortHint: boolean;
  /** Relocation records. */ private relocs: Relocation[];
  /** Pending lock/rep prefix bits. */ private prefix: number;
  /** Constant pool entries: data, alignment, label. */ private pool: { data: Uint8Array; align: number; label: Label }[];
  /** Immediate being encoded when it does not fit a JS number (cold path). */ private immBig: bigint;
  /** Set once finish() ran. */ private finished: boolean;
  /**
   * Marks, two numbers each: the offset and how many layout events preceded it; finish() turns
   * the offset into the relaxed one.
   */ private marks: number[];

  constructor(initialCapacity = 256) {
    if (typeof initialCapacity !== 'number' || !Number.isInteger(initialCapacity) || initialCapacity < 0 || initialCapacity > 2 ** 30) {
      throw new RangeError(`new Assembler: initial capacity must be an integer from 0 to 2^30, got ${describeValue(initialCapacity)}`);
    }
    this.buf = new Uint8Array(Math.max(64, initialCapacity));
    this.spare = EMPTY_BUFFER;
    this.pos = 0;
    this.labels = [];
    this.fixups = [];
    this.ev = NO_EVENTS;
    this.evCount = 0;
    this.shortHint = false;
    this.relocs = [];
    this.prefix = 0;
    this.pool = [];
    this.immBig = 0n;
    this.finished = false;
    this.marks = [];
  }

  /** Clears code, labels and relocations so the assembler (and its buffer) can be reused. */
  reset(): this {
    this.pos = 0;
    this.labels = [];
    this.fixups = [];
    this.evCount = 0;
    this.shortHint = false;
    this.relocs = [];
    this.prefix = 0;
    this.pool = [];
    this.finished = false;
    this.marks = [];
    return this;
  }

  /** Current offset in bytes. */
  get offset(): number { return this.pos; }

  /** Makes sure `n` more bytes can be written unchecked. */
  ensureSpace(n: number): void {
    if (this.pos + n > this.buf.length) {
      let size = this.buf.length * 2;
      while (size < this.pos + n) size *= 2;
      const nb = new Uint8Array(size);
      nb.set(this.buf.subarray(0, this.pos));
      this.buf = nb;
    }
  }

  /** A new unbound label. */
  newLabel(): Label {
    const l = new Label(this.labels.length);
    this.labels.push(-1);
    return l;
  }

  /** Binds `label` to the current offset. */
  bind(label: Label): this {
    if (!(label instanceof Label)) throw new TypeError(`bind: expected a label from newLabel(), got ${describeValue(label)}`);
    if (this.labels[label.id] === undefined) throw new Error(`bind: label ${label.id} belongs to another assembler`);
    if (this.labels[label.id]! >= 0) throw new Error(`bind: label ${label.id} is already bound`);
    this.labels[label.id] = this.pos;
    this.addEvent(EV_BIND, this.pos, 0, label.id, 0, 0);
    return this;
  }

  /**
   * Records the current offset and returns its index: a position to look up after `finish()`
   * (`markOffset`) that, unlike a label, adds no layout event and cannot be a jump target.
   */
  mark(): number {
    this.marks.push(this.pos, this.evCount);
    return (this.marks.length >> 1) - 1;
  }

  /** Offset of a bound label (throws if unbound). */
  labelOffset(label: Label): number {
    if (!(label instanceof Label)) throw new TypeError(`labelOffset: expected a label, got ${describeValue(label)}`);
    const o = this.labels[label.id];
    if (o === undefined || o < 0) throw new Error(`label ${label.id} is not bound`);
    return o;
  }

  /** Next instruction gets a lock prefix. */
  lock(): this { this.prefix |= PREFIX_LOCK; return this; }
  /** Next (string) instruction gets a rep prefix. */
  rep(): this { this.prefix |= PREFIX_REP; return this; }
  /**
   * Next jump must use rel8 (`a.short().jne(L)`): lets a forward jump be 2 bytes.
   * `finish()` throws if the label ends up out of reach.
   */
  short(): this { this.prefix |= PREFIX_SHORT; return this; }

  /** Appends raw bytes. */
  embed(bytes: ArrayLike<number>): this {
    if (bytes === null || typeof bytes !== 'object' || !Number.isSafeInteger(bytes.length) || bytes.length < 0) {
      throw new TypeError(`embed: bytes must be an array or typed array of numbers, got ${describeValue(bytes)}`);
    }
    for (let i = 0; i < bytes.length; i++) {
      const v = bytes[i];
      if (typeof v !== 'number' || !Number.isInteger(v)) throw new TypeError(`embed: byte ${i} must be an integer, got ${describeValue(v)}`);
    }
    this.ensureSpace(bytes.length);
    for (let i = 0; i < bytes.length; i++) this.buf[this.pos++] = bytes[i]! & 0xff;
    return this;
  }

  /**
   * Adds a constant to the pool (emitted after the code by `finish`) and returns its label,
   * for `rel(label)` / `qword(rip, label)` operands. Numbers are float64, bigints int64.
   */
  constant(value: Uint8Array | number | bigint, align?: number): Label {
    let data: Uint8Array;
    if (typeof value === 'number') { data = new Uint8Array(8); new DataView(data.buffer).setFloat64(0, value, true); }
    else if (typeof value === 'bigint') { data = new Uint8Array(8); new DataView(data.buffer).setBigUint64(0, BigInt.asUintN(64, value), true); }
    else if (value instanceof Uint8Array) data = value.slice();
    else throw new TypeError(`constant: value must be a Uint8Array, number (float64) or bigint (int64), got ${describeValue(value)}`);
    if (align !== undefined && !isAlignment(align)) throw new RangeError(`constant: alignment must be a power of two from 1 to 4096, got ${describeValue(align)}`);
    let a = align ?? 1;
    if (align === undefined) while (a < data.length && a < 32) a *= 2;
    const label = this.newLabel();
    this.pool.push({ data, align: a, label });
    return label;
  }

  /** Pads with multi-byte NOPs up to a multiple of `alignment` (a power of two). */
  align(alignment: number): this {
    if (!isAlignment(alignment)) throw new RangeError(`align: alignment must be a power of two from 1 to 4096, got ${describeValue(alignment)}`);
    const pad = (alignment - (this.pos & (alignment - 1))) & (alignment - 1);
    this.addEvent(EV_ALIGN, this.pos, pad, -1, alignment, 0);
    this.ensureSpace(pad);
    this.pos = writeNops(this.buf, this.pos, pad);
    return this;
  }

  /** Emits one NOP instruction of exactly `n` bytes (1..15). */
  nopN(n: number): this {
    if (!Number.isInteger(n) || n < 1 || n > 15) throw new RangeError(`nop: length ${describeValue(n)} is not in 1..15`);
    this.ensureSpace(16);
    this.pos = writeNop(this.buf, this.pos, n);
    return this;
  }

  /** `jcc` with a condition code: `a.jcc(Cond.E, label)`. */
  jcc(cond: Cond, target: Label | Extern): this { return this.emitSet((typeof cond === 'number' ? JCC[cond] : undefined) ?? badCond('jcc', cond), target); }
  /**
   * `jmp label` (`cond` -1) or `jcc label`: the bytes and layout event of `jmp(label)` /
   * `jcc(cond, label)` without matching the operands against the form table (a code
   * generator's hot path). A pending prefix (`short()`) takes the general path.
   */
  jumpLabel(cond: Cond | -1, label: Label): this {
    const t = this.labels[label.id];
    if (this.prefix !== 0 || t === undefined || !(label instanceof Label) || (cond | 0) !== cond || cond < -1 || cond > 15) {
      if (cond === -1) this.jmp(label); else this.jcc(cond, label);
      return this;
    }
    if (this.pos + 16 > this.buf.length) this.ensureSpace(16);
    const b = this.buf, start = this.pos;
    let p = start;
    // rel8 when the label is bound and in reach (as the form match picks), else rel32 (relaxed by finish()).
    if (t >= 0 && t - (start + 2) >= -128 && t - (start + 2) <= 127) {
      b[p++] = cond < 0 ? 0xeb : 0x70 + cond;
      b[p] = (t - (p + 1)) & 0xff;
      p++;
    } else {
      if (cond < 0) b[p++] = 0xe9;
      else { b[p++] = 0x0f; b[p++] = 0x80 + cond; }
      writeI32(b, p, t >= 0 ? t - (p + 4) : 0);
      p += 4;
    }
    this.addEvent(EV_JUMP, start, p - start, label.id, cond, 0);
    this.pos = p;
    return this;
  }
  /** `setcc` with a condition code. */
  setcc(cond: Cond, dst: Operand): this { return this.emitSet((typeof cond === 'number' ? SETCC[cond] : undefined) ?? badCond('setcc', cond), dst); }
  /** `cmovcc` with a condition code. */
  cmovcc(cond: Cond, dst: Operand, src: Operand): this { return this.emitSet((typeof cond === 'number' ? CMOVCC[cond] : undefined) ?? badCond('cmovcc', cond), dst, src); }

  /** `mov r64, imm64` whose immediate is the absolute address of `symbol` (+addend), patched by the linker. */
  movAbs64(dst: Reg, symbol: string, addend = 0): this {
    if (!(dst instanceof Reg)) throw new TypeError(`movAbs64: destination must be a 64-bit register, got ${describeValue(dst)}`);
    if (dst.cls !== RegClass.Gp64) throw new Error(`movAbs64: ${dst.name} is not a 64-bit register`);
    if (typeof symbol !== 'string' || symbol === '') throw new TypeError(`movAbs64: symbol must be a non-empty string, got ${describeValue(symbol)}`);
    if (!Number.isSafeInteger(addend)) throw new TypeError(`movAbs64: addend must be a safe integer, got ${describeValue(addend)}`);
    this.ensureSpace(16);
    const b = this.buf;
    b[this.pos++] = 0x48 | (dst.id >> 3);
    b[this.pos++] = 0xb8 | (dst.id & 7);
    this.relocs.push({ kind: 'abs64', offset: this.pos, symbol, addend });
    for (let i = 0; i < 8; i++) b[this.pos++] = 0;
    return this;
  }

  /** Emits an instruction by mnemonic name (what the generated methods call). */
  emitNamed(name: string, o0?: Operand, o1?: Operand, o2?: Operand, o3?: Operand): this {
    const set = FORM_SETS.get(name);
    if (set === undefined) throw new Error(typeof name === 'string' ? `${name}: unknown instruction` : `emitNamed: mnemonic must be a string, got ${describeValue(name)}`);
    return this.emitSet(set, o0, o1, o2, o3);
  }

  /** Matches the operands against the mnemonic's forms (through its match cache) and encodes. */
  emitSet(set: FormSet, o0?: Operand, o1?: Operand, o2?: Operand, o3?: Operand): this {
    set.emit.call(this, o0, o1, o2, o3);
    return this;
  }

  /**
   * Builds the method for one mnemonic. Each mnemonic gets its own closure (own type
   * feedback, so operand checks stay monomorphic) and the match cache is inlined:
   * the only call per instruction is `encode`.
   */
  static makeEmitter(set: FormSet): (this: Assembler, o0?: Operand, o1?: Operand, o2?: Operand, o3?: Operand) => Assembler {
    return function (this: Assembler, o0?: Operand, o1?: Operand, o2?: Operand, o3?: Operand, o4?: unknown): Assembler {
      if (o4 !== undefined) throw new Error(`${set.forms[0]!.mnemonic}: at most 4 operands, got a 5th (${o4 instanceof Reg ? o4.name : describeValue(o4)})`);
      const count = o3 !== undefined ? 4 : o2 !== undefined ? 3 : o1 !== undefined ? 2 : o0 !== undefined ? 1 : 0;
      const m0 = count > 0 ? this.maskOf(o0!, set.forms) : 0;
      const m1 = count > 1 ? this.maskOf(o1!, set.forms) : 0;
      const m2 = count > 2 ? this.maskOf(o2!, set.forms) : 0;
      const m3 = count > 3 ? this.maskOf(o3!, set.forms) : 0;
      let f = set.lastForm;
      if (f === null || set.lastM0 !== m0 || set.lastM1 !== m1 || set.lastM2 !== m2 || set.lastM3 !== m3 || set.lastCount !== count) {
        f = this.lookup(set, count, m0, m1, m2, m3, o0, o1, o2, o3);
      }
      this.encode(f, o0, o1, o2, o3);
      return this;
    };
  }

  /** Second-level cache (8 slots keyed by the operand masks), then the table scan. */
  private lookup(set: FormSet, count: number, m0: number, m1: number, m2: number, m3: number,
    o0?: Operand, o1?: Operand, o2?: Operand, o3?: Operand): Form {
    const slot = Math.imul(m0 ^ Math.imul(m1, 0x9e3779b1) ^ Math.imul(m2 ^ count, 0x85ebca6b) ^ m3, 0x27d4eb2f) >>> 29;
    const keys = set.keys, k = slot * 5;
    let f = set.hit[slot]!;
    if (f === null || keys[k] !== m0 || keys[k + 1] !== m1 || keys[k + 2] !== m2 || keys[k + 3] !== m3 || keys[k + 4] !== count) {
      f = this.match(set.forms, count, m0, m1, m2, m3, o0, o1, o2, o3);
      keys[k] = m0; keys[k + 1] = m1; keys[k + 2] = m2; keys[k + 3] = m3; keys[k + 4] = count;
      set.hit[slot] = f;
    }
    set.lastM0 = m0; set.lastM1 = m1; set.lastM2 = m2; set.lastM3 = m3; set.lastCount = count; set.lastForm = f;
    return f;
  }

  /**
   * The form instruction `mnemonic` matches for operands of the kinds of `o0..o3` (registers and
   * memory operands: their kinds alone decide the form; no immediates or labels, whose values do).
   * With `emitForm`, for emitters that write one operand shape many times.
   */
  static formFor(mnemonic: Mnemonic, o0?: Operand, o1?: Operand, o2?: Operand, o3?: Operand): Form {
    const set = FORM_SETS.get(mnemonic);
    if (set === undefined) throw new Error(`formFor: unknown instruction ${describeValue(mnemonic)}`);
    const ops = [o0, o1, o2, o3];
    if (ops.some((o) => o !== undefined && !(o instanceof Reg) && !(o instanceof Mem))) throw new TypeError(`formFor: ${mnemonic}: operands must be registers or memory operands`);
    const a = new Assembler(0);
    const count = o3 !== undefined ? 4 : o2 !== undefined ? 3 : o1 !== undefined ? 2 : o0 !== undefined ? 1 : 0;
    const m = ops.map((o) => (o === undefined ? 0 : a.maskOf(o, set.forms)));
    return a.match(set.forms, count, m[0]!, m[1]!, m[2]!, m[3]!, o0, o1, o2, o3);
  }

  /**
   * Encodes form `f` (from `formFor`) with operands of the kinds it was matched for: the same bytes as
   * the instruction method, without checking the operands or matching them against the form table.
   */
  emitForm(f: Form, o0?: Operand, o1?: Operand, o2?: Operand, o3?: Operand): this {
    this.encode(f, o0, o1, o2, o3);
    return this;
  }

  /** Matches the operands against `forms` and encodes the first match (no cache). */
  emitForms(forms: readonly Form[], o0?: Operand, o1?: Operand, o2?: Operand, o3?: Operand): this {
    const count = o3 !== undefined ? 4 : o2 !== undefined ? 3 : o1 !== undefined ? 2 : o0 !== undefined ? 1 : 0;
    const m0 = count > 0 ? this.maskOf(o0!, forms) : 0;
    const m1 = count > 1 ? this.maskOf(o1!, forms) : 0;
    const m2 = count > 2 ? this.maskOf(o2!, forms) : 0;
    const m3 = count > 3 ? this.maskOf(o3!, forms) : 0;
    this.encode(this.match(forms, count, m0, m1, m2, m3, o0, o1, o2, o3), o0, o1, o2, o3);
    return this;
  }

  /** The first form accepting operand masks m0..m3 (a pure function of the masks, hence cacheable). */
  private match(forms: readonly Form[], count: number, m0: number, m1: number, m2: number, m3: number,
    o0?: Operand, o1?: Operand, o2?: Operand, o3?: Operand): Form {
    for (let i = 0; i < forms.length; i++) {
      const f = forms[i]!;
      if (f.count !== count) continue;
      if (count > 0 && (f.m0 & m0) === 0) continue;
      if (count > 1 && (f.m1 & m1) === 0) continue;
      if (count > 2 && (f.m2 & m2) === 0) continue;
      if (count > 3 && (f.m3 & m3) === 0) continue;
      if (((m0 | m1 | m2 | m3) & K.AnyMem) === K.AnyMem) this.checkAmbiguous(forms, f, count, m0, m1, m2, m3);
      if (f.iO >= 0 && f.mnemonic === 'xchg' && f.opSize === 32 && (m0 & m1 & K.Eax) !== 0) continue; // 90 is nop, not xchg eax,eax
      return f;
    }
    throw this.noMatch(forms, count, [o0, o1, o2, o3], [m0, m1, m2, m3]);
  }

  /** Operand-kind mask of `o`; `forms` only name the instruction in errors. */
  private maskOf(o: Operand, forms: readonly Form[]): number {
    if (typeof o === 'object') {
      // Only jitkit's own operand objects: a look-alike `{ mask }` must never be encoded.
      if (o instanceof Reg || o instanceof Mem || o instanceof Extern) return o.mask;
      if (o instanceof Label) return this.labelMask(o);
      throw new Error(`${forms[0]!.mnemonic}: operand ${o === null ? 'null' : 'object'} is not a register, memory operand, label or immediate`);
    }
    if (typeof o === 'number') {
      if (!Number.isSafeInteger(o)) throw new Error(`${forms[0]!.mnemonic}: immediate ${o} is not a safe integer (use a bigint for 64-bit values)`);
      return immMask(o);
    }
    if (typeof o === 'bigint') {
      if (o < -(1n << 63n) || o >= 1n << 64n) throw new Error(`${forms[0]!.mnemonic}: immediate ${o} does not fit in 64 bits`);
      const s = BigInt.asIntN(64, o);
      if (s >= BigInt(Number.MIN_SAFE_INTEGER) && s <= BigInt(Number.MAX_SAFE_INTEGER)) return immMask(Number(s));
      return K.I64;
    }
    throw new Error(`${forms[0]!.mnemonic}: operand ${typeof o === 'string' ? JSON.stringify(o) : String(o)} is not a register, memory operand, label or immediate`);
  }

  private labelMask(o: Label): number {
    const t = this.labels[o.id];
    if (t === undefined) throw new Error(`label ${o.id} belongs to another assembler`);
    if (t >= 0) {
      const d = t - (this.pos + 2);
      if (d >= -128 && d <= 127) return K.Rel | K.Rel8;
      if (this.prefix & PREFIX_SHORT) { this.prefix = 0; throw new Error(`short jump: label ${o.id} is ${d} bytes away, out of rel8 reach`); }
      return K.Rel;
    }
    return (this.prefix & PREFIX_SHORT) !== 0 ? K.Rel8 : K.Rel;
  }

  /**
   * Throws when an unsized memory operand (`ptr`) could be of more than one size. An immediate does
   * not decide the size, whatever its value (as in GNU as): `add(ptr(rax), 0xffffffff)` fits only the
   * dword form, but is as ambiguous as `add(ptr(rax), 1)`.
   */
  private checkAmbiguous(forms: readonly Form[], f: Form, count: number, m0: number, m1: number, m2: number, m3: number): void {
    m0 = anyImmediate(m0); m1 = anyImmediate(m1); m2 = anyImmediate(m2); m3 = anyImmediate(m3);
    for (const g of forms) {
      if (g === f || g.count !== count || g.memSize === f.memSize) continue;
      if ((g.m0 & m0) && (count < 2 || g.m1 & m1) && (count < 3 || g.m2 & m2) && (count < 4 || g.m3 & m3)) {
        throw new Error(`${f.mnemonic}: operand size is ambiguous; use byte/word/dword/qword/xmmword/ymmword instead of ptr`);
      }
    }
  }

  private noMatch(forms: readonly Form[], count: number, ops: (Operand | undefined)[], masks: number[]): Error {
    const name = forms[0]!.mnemonic;
    this.prefix = 0; // a failed instruction does not leave its prefixes to the next one
    const mems = ops.filter((o) => o instanceof Mem).length;
    if (mems >= 2) return new Error(`${name}: memory-to-memory operands are not encodable`);
    const immIdx = ops.findIndex((o) => typeof o === 'number' || typeof o === 'bigint');
    if (immIdx >= 0) {
      // Does some form fit every operand but the immediate?
      let best = 0;
      for (const f of forms) {
        if (f.count !== count || f.iImm !== immIdx) continue;
        const fm = [f.m0, f.m1, f.m2, f.m3];
        let ok = true;
        for (let i = 0; i < count; i++) if (i !== immIdx && (fm[i]! & masks[i]!) === 0) ok = false;
        if (ok) best = Math.max(best, f.immSize);
      }
      if (best > 0) return new Error(`${name}: immediate ${ops[immIdx]} does not fit in ${best * 8} bits`);
    }
    if (!forms.some((f) => f.count === count)) {
      const counts = [...new Set(forms.map((f) => f.count))].join(' or ');
      return new Error(`${name}: expects ${counts} operands, got ${count}`);
    }
    return new Error(`${name}: invalid operand combination (${ops.slice(0, count).map(describe).join(', ')})`);
  }

  /** Encodes form `f` (operands already matched). */
  private encode(f: Form, o0?: Operand, o1?: Operand, o2?: Operand, o3?: Operand): void {
    if (f.alt !== null) {
      const src = f.count === 2 ? o1 : o2;
      if ((src as Reg).tag === 1 && (src as Reg).id >= 8 && (o0 as Reg).id < 8) f = f.alt;
    }
    if (this.pos + 16 > this.buf.length) this.ensureSpace(16);
    const b = this.buf;
    let p = this.pos;
    const start = p;
    // Fast path: legacy register-register ModRM forms (add rax, rdi; movaps xmm0, xmm1; ...).
    if (f.simpleModrm && this.prefix === 0) {
      const rm = (f.iRm === 0 ? o0 : f.iRm === 1 ? o1 : f.iRm === 2 ? o2 : o3) as Reg | Mem;
      if (rm.tag === 2 && rm.base !== null && rm.base !== rip && (rm.index === null || rm.index.id !== 4)) {
        // Memory with a base register: same as below with ModRM from writeBaseMem.
        let reg = f.digit, flags = 0;
        if (f.iReg >= 0) {
          const r = (f.iReg === 0 ? o0 : f.iReg === 1 ? o1 : f.iReg === 2 ? o2 : o3) as Reg;
          reg = r.id; flags = r.byteFlags;
        }
        const rex = (f.w << 3) | ((reg >> 3) << 2) | (rm.index === null ? 0 : (rm.index.id >> 3) << 1) | (rm.base.id >> 3);
        if ((flags & 2) === 0 || (rex === 0 && (flags & 1) === 0)) {
          if (f.pfxCount !== 0) b[p++] = f.pfx;
          if (rex !== 0 || (flags & 1) !== 0) b[p++] = 0x40 | rex;
          if (f.map !== 0) { b[p++] = 0x0f; if (f.map === 2) b[p++] = 0x38; else if (f.map === 3) b[p++] = 0x3a; }
          b[p++] = f.opc;
          p = writeBaseMem(b, p, (reg & 7) << 3, rm.base, rm.index, rm.scale, rm.disp);
          if (f.iImm >= 0) {
            const v = (f.iImm === 0 ? o0 : f.iImm === 1 ? o1 : f.iImm === 2 ? o2 : o3) as number | bigint;
            if (typeof v !== 'number') return this.encodeGeneric(f, o0, o1, o2, o3);
            const n = f.immSize;
            if (n === 1) b[p++] = v & 0xff;
            else if (n === 2) { b[p++] = v & 0xff; b[p++] = (v >> 8) & 0xff; }
            else p = writeI32(b, p, v | 0);
          }
          this.pos = p;
          return;
        }
      } else if (rm.tag === 1) {
        let reg = f.digit, flags = rm.byteFlags;
        if (f.iReg >= 0) {
          const r = (f.iReg === 0 ? o0 : f.iReg === 1 ? o1 : f.iReg === 2 ? o2 : o3) as Reg;
          reg = r.id; flags |= r.byteFlags;
        }
        const rex = (f.w << 3) | ((reg >> 3) << 2) | (rm.id >> 3);
        if ((flags & 2) === 0 || (rex === 0 && (flags & 1) === 0)) {
          if (f.pfxCount !== 0) b[p++] = f.pfx;
          if (rex !== 0 || (flags & 1) !== 0) b[p++] = 0x40 | rex;
          if (f.map !== 0) { b[p++] = 0x0f; if (f.map === 2) b[p++] = 0x38; else if (f.map === 3) b[p++] = 0x3a; }
          b[p++] = f.opc;
          b[p++] = 0xc0 | ((reg & 7) << 3) | (rm.id & 7);
          if (f.iImm >= 0) {
            const v = (f.iImm === 0 ? o0 : f.iImm === 1 ? o1 : f.iImm === 2 ? o2 : o3) as number | bigint;
            if (typeof v !== 'number') return this.encodeGeneric(f, o0, o1, o2, o3);
            const n = f.immSize;
            if (n === 1) b[p++] = v & 0xff;
            else if (n === 2) { b[p++] = v & 0xff; b[p++] = (v >> 8) & 0xff; }
            else p = writeI32(b, p, v | 0);
          }
          this.pos = p;
          return;
        }
      }
    } else if (f.simpleVex) {
      const rm = (f.iRm === 0 ? o0 : f.iRm === 1 ? o1 : f.iRm === 2 ? o2 : o3) as Reg | Mem;
      if (rm.tag === 1) {
        const reg = ((f.iReg === 0 ? o0 : f.iReg === 1 ? o1 : f.iReg === 2 ? o2 : o3) as Reg).id;
        const vvvv = f.iV >= 0 ? ((f.iV === 0 ? o0 : f.iV === 1 ? o1 : f.iV === 2 ? o2 : o3) as Reg).id : 0;
        if (rm.byteFlags === 0 && this.prefix === 0) {
          const rexB = rm.id >> 3;
          if (rexB === 0 && f.w === 0 && f.map === 1) {
            b[p++] = 0xc5;
            b[p++] = (((reg >> 3) ^ 1) << 7) | ((~vvvv & 15) << 3) | (f.vexL << 2) | f.vexPp;
          } else {
            b[p++] = 0xc4;
            b[p++] = (((reg >> 3) ^ 1) << 7) | 0x40 | ((rexB ^ 1) << 5) | f.map;
            b[p++] = (f.w << 7) | ((~vvvv & 15) << 3) | (f.vexL << 2) | f.vexPp;
          }
          if (f.opcCount === 1) b[p++] = f.opc;
          else { b[p++] = f.opc & 0xff; b[p++] = (f.opc >> 8) & 0xff; }
          b[p++] = 0xc0 | (((f.digit >= 0 ? f.digit : reg) & 7) << 3) | (rm.id & 7);
          this.pos = p;
          return;
        }
      }
    }
    this.encodeGeneric(f, o0, o1, o2, o3);
  }

  /** Encodes any form (prefixes, REX/VEX, memory operands, immediates, branches). */
  private encodeGeneric(f: Form, o0?: Operand, o1?: Operand, o2?: Operand, o3?: Operand): void {
    const b = this.buf;
    let p = this.pos;
    const start = p;
    // Gather register fields.
    let rexR = 0, rexX = 0, rexB = 0, byteFlags = 0, regField = 0, vvvv = 0;
    let rmReg: Reg | null = null, mem: Mem | null = null;
    if (f.iReg >= 0) {
      const r = (f.iReg === 0 ? o0 : f.iReg === 1 ? o1 : f.iReg === 2 ? o2 : o3)! as Reg;
      regField = r.id; rexR = r.id >> 3;
      byteFlags |= r.byteFlags;
    }
    if (f.digit >= 0) regField = f.digit;
    if (f.iRm >= 0) {
      const o = (f.iRm === 0 ? o0 : f.iRm === 1 ? o1 : f.iRm === 2 ? o2 : o3)! as Reg | Mem;
      if (o.tag === 1) {
        rmReg = o; rexB = o.id >> 3;
        byteFlags |= o.byteFlags;
      } else {
        mem = o;
        if (o.base !== null && o.base !== rip) rexB = o.base.id >> 3;
        if (o.index !== null) {
          if (o.index.id === 4) throw new Error(`${f.mnemonic}: rsp cannot be an index register`);
          rexX = o.index.id >> 3;
        }
      }
    }
    let opReg = 0;
    if (f.iO >= 0) {
      const r = (f.iO === 0 ? o0 : f.iO === 1 ? o1 : f.iO === 2 ? o2 : o3)! as Reg;
      opReg = r.id & 7; rexB = r.id >> 3;
      byteFlags |= r.byteFlags;
    }
    if (f.iV >= 0) vvvv = ((f.iV === 0 ? o0 : f.iV === 1 ? o1 : f.iV === 2 ? o2 : o3)! as Reg).id;
    // Prefixes: operand-size/mandatory prefixes first, then lock/rep (GNU as order).
    const lockRep = this.prefix !== 0 ? this.takePrefix(f, mem) : 0;
    if (f.vex === 0) {
      if (f.pfxCount !== 0) for (let i = 0, v = f.pfx; i < f.pfxCount; i++, v >>>= 8) b[p++] = v & 0xff;
      if (lockRep !== 0) b[p++] = lockRep;
      const rex = (f.w << 3) | (rexR << 2) | (rexX << 1) | rexB;
      if (rex !== 0 || (byteFlags & 1) !== 0) {
        if ((byteFlags & 2) !== 0) {
          const cause = describeRexCause(f, o0, o1, o2, o3);
          throw new Error(`${f.mnemonic}: ${highName(o0, o1, o2, o3)} cannot be encoded with an instruction that needs a REX prefix (${cause})`);
        }
        b[p++] = 0x40 | rex;
      }
      if (f.map === 1) b[p++] = 0x0f;
      else if (f.map === 2) { b[p++] = 0x0f; b[p++] = 0x38; }
      else if (f.map === 3) { b[p++] = 0x0f; b[p++] = 0x3a; }
    } else {
      if (byteFlags !== 0) throw new Error(`${f.mnemonic}: byte registers are not valid operands`);
      if (rexX === 0 && rexB === 0 && f.w === 0 && f.map === 1) {
        b[p++] = 0xc5;
        b[p++] = ((rexR ^ 1) << 7) | ((~vvvv & 15) << 3) | (f.vexL << 2) | f.vexPp;
      } else {
        b[p++] = 0xc4;
        b[p++] = ((rexR ^ 1) << 7) | ((rexX ^ 1) << 6) | ((rexB ^ 1) << 5) | f.map;
        b[p++] = (f.w << 7) | ((~vvvv & 15) << 3) | (f.vexL << 2) | f.vexPp;
      }
    }
    if (f.opcCount === 1) b[p++] = f.opc | opReg;
    else for (let i = 0, v = f.opc; i < f.opcCount; i++, v >>>= 8) b[p++] = i === f.opcCount - 1 ? (v & 0xff) | opReg : v & 0xff;
    // ModRM / SIB / displacement.
    if (rmReg !== null) {
      b[p++] = 0xc0 | ((regField & 7) << 3) | (rmReg.id & 7);
    } else if (mem !== null) {
      const reg3 = (regField & 7) << 3;
      const base = mem.base, index = mem.index, disp = mem.disp;
      if (base === rip) {
        b[p++] = reg3 | 5;
        const end = p + 4 + f.immSize + (f.iIs4 >= 0 ? 1 : 0);
        if (mem.label !== null) p = this.ripLabel(f, mem.label, p, end, disp);
        else p = writeI32(b, p, disp);
      } else if (base === null) {
        b[p++] = reg3 | 4;
        b[p++] = index === null ? 0x25 : (scaleBits(mem.scale) << 6) | ((index.id & 7) << 3) | 5;
        p = writeI32(b, p, disp);
      } else p = writeBaseMem(b, p, reg3, base, index, mem.scale, disp);
    }
    // Immediate.
    if (f.iImm >= 0) {
      const v = (f.iImm === 0 ? o0 : f.iImm === 1 ? o1 : f.iImm === 2 ? o2 : o3)! as number | bigint;
      const n = f.immSize;
      if (typeof v === 'number') {
        if (n === 1) b[p++] = v & 0xff;
        else if (n === 2) { b[p++] = v & 0xff; b[p++] = (v >> 8) & 0xff; }
        else if (n === 4) p = writeI32(b, p, v | 0);
        else { p = writeI32(b, p, v >>> 0); p = writeI32(b, p, Math.floor(v / TWO32) | 0); }
      } else p = this.writeBigImm(p, v, n);
    }
    if (f.iIs4 >= 0) b[p++] = ((f.iIs4 === 0 ? o0 : f.iIs4 === 1 ? o1 : f.iIs4 === 2 ? o2 : o3)! as Reg).id << 4;
    // Relative target.
    if (f.iRel >= 0) {
      const t = (f.iRel === 0 ? o0 : f.iRel === 1 ? o1 : f.iRel === 2 ? o2 : o3)! as Label | Extern;
      if (t.tag === 4) {
        this.relocs.push({ kind: 'rel32', offset: p, symbol: t.name, addend: t.addend - 4 });
        p = writeI32(b, p, 0);
      } else {
        const target = this.labels[t.id]!;
        if (f.mnemonic.charCodeAt(0) === 106 /* j: jmp/jcc, relaxable */) {
          const cc = f.relSize === 1 ? (f.opc === 0xeb ? -1 : f.opc - 0x70) : (f.opc === 0xe9 ? -1 : f.opc - 0x80);
          if (f.relSize === 1) b[p] = target >= 0 ? (target - (p + 1)) & 0xff : 0;
          else writeI32(b, p, target >= 0 ? target - (p + 4) : 0);
          p += f.relSize;
          this.addEvent(EV_JUMP, start, p - start, t.id, cc, this.shortHint ? 1 : 0);
          this.shortHint = false;
        } else {
          this.fixups.push({ at: p, end: p + 4, label: t.id, addend: 0 });
          p = writeI32(b, p, 0);
        }
      }
    }
    if (p - start > 15) throw new Error(`${f.mnemonic}: instruction longer than 15 bytes`);
    this.pos = p;
  }

  /**
   * Branch relaxation. Every jmp/jcc to a label starts as rel8; a layout pass places
   * jumps, alignment padding and labels; any rel8 that does not reach becomes rel32;
   * repeat until nothing changes (jumps only ever grow, so this terminates). Then the
   * code is rebuilt and every recorded position (labels, fixups, relocations) moved.
   */
  private relax(): void {
    const ev = this.ev, end = this.evCount * EV_FIELDS, labels = this.labels;
    for (let e = 0; e < end; e += EV_FIELDS) if (ev[e + EV_KIND] === EV_JUMP) ev[e + EV_NEW_LEN] = 2;
    let shift = 0;
    for (let changed = true; changed;) {
      changed = false;
      shift = 0;
      for (let e = 0; e < end; e += EV_FIELDS) {
        const kind = ev[e + EV_KIND]!, newStart = ev[e + EV_START]! + shift;
        ev[e + EV_NEW_START] = newStart;
        if (kind === EV_JUMP) shift += ev[e + EV_NEW_LEN]! - ev[e + EV_LEN]!;
        else if (kind === EV_ALIGN) {
          const align = ev[e + EV_CC]!, newLen = (align - (newStart & (align - 1))) & (align - 1);
          ev[e + EV_NEW_LEN] = newLen;
          shift += newLen - ev[e + EV_LEN]!;
        } else labels[ev[e + EV_LABEL]!] = newStart;
      }
      for (let e = 0; e < end; e += EV_FIELDS) {
        if (ev[e + EV_KIND] !== EV_JUMP || ev[e + EV_NEW_LEN] !== 2) continue;
        const label = ev[e + EV_LABEL]!, t = labels[label]!;
        if (t < 0) throw new Error(`finish: label ${label} is referenced but never bound`);
        const d = t - (ev[e + EV_NEW_START]! + 2);
        if (d < -128 || d > 127) {
          if (ev[e + EV_FORCED] !== 0) throw new Error(`finish: short jump at offset ${ev[e + EV_START]} to label ${label} does not reach (distance ${d})`);
          ev[e + EV_NEW_LEN] = ev[e + EV_CC]! < 0 ? 5 : 6;
          changed = true;
        }
      }
    }
    const src = this.buf, size = this.pos + shift + 64;
    const out = this.spare.length >= size ? this.spare : new Uint8Array(Math.max(2 * this.spare.length, size));
    let s = 0, d = 0;
    for (let e = 0; e < end; e += EV_FIELDS) {
      // A label binding changes no bytes: the run of code goes on to the next jump or alignment.
      const kind = ev[e + EV_KIND]!;
      if (kind === EV_BIND) continue;
      const start = ev[e + EV_START]!, newLen = ev[e + EV_NEW_LEN]!;
      copyBytes(out, d, src, s, start);
      d += start - s;
      s = start;
      if (kind === EV_JUMP) {
        const t = labels[ev[e + EV_LABEL]!]!, cc = ev[e + EV_CC]!;
        if (newLen === 2) { out[d] = cc < 0 ? 0xeb : 0x70 + cc; out[d + 1] = (t - (d + 2)) & 0xff; }
        else if (cc < 0) { out[d] = 0xe9; writeI32(out, d + 1, t - (d + 5)); }
        else { out[d] = 0x0f; out[d + 1] = 0x80 + cc; writeI32(out, d + 2, t - (d + 6)); }
      } else writeNops(out, d, newLen);
      d += newLen;
      s += ev[e + EV_LEN]!;
    }
    copyBytes(out, d, src, s, this.pos);
    d += this.pos - s;
    // Positions inside instructions move by the shift of the last event that starts before them.
    const move = (x: number): number => {
      let lo = 0, hi = this.evCount - 1, k = -1;
      while (lo <= hi) { const mid = (lo + hi) >> 1; if (ev[mid * EV_FIELDS + EV_START]! < x) { k = mid; lo = mid + 1; } else hi = mid - 1; }
      return k < 0 ? x : x + this.eventShift(k);
    };
    for (const fx of this.fixups) { fx.at = move(fx.at); fx.end = move(fx.end); }
    this.relocs = this.relocs.map((r) => ({ ...r, offset: move(r.offset) }));
    this.spare = src;
    this.buf = out;
    this.pos = d;
  }

  /** Appends a layout event (see EV_FIELDS); newStart and newLen are set by relax(). */
  private addEvent(kind: number, start: number, len: number, label: number, cc: number, forced: number): void {
    let ev = this.ev;
    const e = this.evCount * EV_FIELDS;
    if (e + EV_FIELDS > ev.length) {
      const grown = new Int32Array(Math.max(2 * ev.length, 16 * EV_FIELDS));
      grown.set(ev);
      this.ev = ev = grown;
    }
    ev[e + EV_KIND] = kind; ev[e + EV_START] = start; ev[e + EV_LEN] = len; ev[e + EV_LABEL] = label;
    ev[e + EV_CC] = cc; ev[e + EV_FORCED] = forced; ev[e + EV_NEW_START] = 0; ev[e + EV_NEW_LEN] = 0;
    this.evCount++;
  }
  /** How far relaxation moved the code after event `k` (its new end minus its old end). */
  private eventShift(k: number): number {
    const ev = this.ev, e = k * EV_FIELDS;
    return ev[e + EV_NEW_START]! + ev[e + EV_NEW_LEN]! - (ev[e + EV_START]! + ev[e + EV_LEN]!);
  }

  /** Consumes a pending lock/rep prefix for form `f`, returning its byte. */
  private takePrefix(f: Form, mem: Mem | null): number {
    const pf = this.prefix;
    this.prefix = 0;
    let lockRep = 0;
    if (pf & PREFIX_LOCK) {
      if (!f.lockable) throw new Error(`${f.mnemonic}: lock prefix is not allowed with this instruction`);
      if (mem === null) throw new Error(`${f.mnemonic}: lock prefix requires a memory destination`);
      lockRep = 0xf0;
    }
    if (pf & PREFIX_REP) {
      if (!f.repable) throw new Error(`${f.mnemonic}: rep prefix is not allowed with this instruction`);
      lockRep = 0xf3;
    }
    if ((pf & PREFIX_SHORT) !== 0) {
      if (f.relSize !== 1) throw new Error(`${f.mnemonic}: short() applies only to jmp/jcc to a label`);
      this.shortHint = true;
    }
    return lockRep;
  }

  /** Writes the disp32 of a `[rip + label]` operand (now, or as a fixup). */
  private ripLabel(f: Form, label: Label, p: number, end: number, disp: number): number {
    if (this.labels[label.id] === undefined) throw new Error(`${f.mnemonic}: label belongs to another assembler`);
    this.fixups.push({ at: p, end, label: label.id, addend: disp });
    return writeI32(this.buf, p, 0);
  }

  /** Writes an immediate given as a bigint (cold path). */
  private writeBigImm(p: number, v: bigint, n: number): number {
    this.immBig = BigInt.asUintN(64, v);
    for (let i = 0; i < n; i++) this.buf[p++] = Number((this.immBig >> BigInt(8 * i)) & 0xffn);
    return p;
  }

  /**
   * Resolves label references, appends the constant pool, and returns the code.
   * With `{ copy: false }` the bytes are a view of the internal buffer, valid until
   * `reset()` (zero-copy for a linker that immediately writes them to code memory).
   */
  finish(options?: { copy?: boolean }): AssembledCode {
    if (this.finished) throw new Error('finish: already finished');
    if (options !== undefined && (options === null || typeof options !== 'object')) throw new TypeError(`finish: options must be an object, got ${describeValue(options)}`);
    if (this.prefix !== 0) throw new Error('finish: a lock/rep prefix has no instruction');
    this.finished = true;
    if (this.evCount !== 0) this.relax();
    // A mark moves by the shift of the last layout event before it (all of which end at or before it).
    const marks = this.marks;
    for (let k = 0; k < marks.length; k += 2) {
      const n = marks[k + 1]!;
      if (n !== 0) marks[k] = marks[k]! + this.eventShift(n - 1);
    }
    for (const c of this.pool) {
      const pad = (c.align - (this.pos % c.align)) % c.align;
      this.ensureSpace(pad + c.data.length);
      this.buf.fill(0xcc, this.pos, this.pos + pad);
      this.pos += pad;
      this.labels[c.label.id] = this.pos;
      this.buf.set(c.data, this.pos);
      this.pos += c.data.length;
    }
    for (const fx of this.fixups) {
      const t = this.labels[fx.label]!;
      if (t < 0) throw new Error(`finish: label ${fx.label} is referenced but never bound`);
      writeI32(this.buf, fx.at, t - fx.end + fx.addend);
    }
    const labels = this.labels;
    const bytes = options !== undefined && options.copy === false ? this.buf.subarray(0, this.pos) : this.buf.slice(0, this.pos);
    return {
      bytes,
      relocations: this.relocs.slice(),
      labelOffsets(label: Label): number {
        const o = labels[label.id];
        if (o === undefined || o < 0) throw new Error(`label ${label.id} is not bound`);
        return o;
      },
      markOffset(k: number): number {
        const o = marks[2 * k];
        if (o === undefined) throw new Error(`mark ${k} does not exist`);
        return o;
      },
    };
  }
}

/** True for a power of two from 1 to 4096. */
function isAlignment(a: unknown): boolean {
  return typeof a === 'number' && Number.isInteger(a) && a >= 1 && a <= 4096 && (a & (a - 1)) === 0;
}
/** The error for a condition code that is not 0..15 (cold path of jcc/setcc/cmovcc). */
function badCond(what: string, cond: unknown): never {
  throw new RangeError(`${what}: condition must be a Cond value from 0 to 15, got ${describeValue(cond)}`);
}

/** Writes one NOP of `n` (1..15) bytes: 9..15 bytes are 66 prefixes on the 8-byte form. */
function writeNop(b: Uint8Array, p: number, n: number): number {
  const body = NOPS[n > 8 ? 8 : n]!;
  for (let i = 8; i < n; i++) b[p++] = 0x66;
  for (let i = 0; i < body.length; i++) b[p++] = body[i]!;
  return p;
}
/** Writes `n` bytes of padding as NOPs of at most 11 bytes each. */
function writeNops(b: Uint8Array, p: number, n: number): number {
  while (n > 0) { const k = n > 11 ? 11 : n; p = writeNop(b, p, k); n -= k; }
  return p;
}
/** ModRM [+SIB] [+disp] for a memory operand with a base register (not rip). */
function writeBaseMem(b: Uint8Array, p: number, reg3: number, base: Reg, index: Reg | null, scale: number, disp: number): number {
  const bl = base.id & 7;
  const mod = disp === 0 && bl !== 5 ? 0 : disp >= -128 && disp <= 127 ? 0x40 : 0x80;
  if (index === null && bl !== 4) b[p++] = mod | reg3 | bl;
  else {
    b[p++] = mod | reg3 | 4;
    b[p++] = (scaleBits(scale) << 6) | ((index === null ? 4 : index.id & 7) << 3) | bl;
  }
  if (mod === 0x40) b[p++] = disp & 0xff;
  else if (mod === 0x80) p = writeI32(b, p, disp);
  return p;
}
/** Copies src[from, to) to dst at `at`; short runs (most, between two jumps) byte by byte, without a subarray view. */
function copyBytes(dst: Uint8Array, at: number, src: Uint8Array, from: number, to: number): void {
  if (to - from > 32) { dst.set(src.subarray(from, to), at); return; }
  for (let i = from; i < to; i++) dst[at++] = src[i]!;
}
function scaleBits(s: number): number { return s === 1 ? 0 : s === 2 ? 1 : s === 4 ? 2 : 3; }
function writeI32(b: Uint8Array, p: number, v: number): number {
  b[p] = v & 0xff; b[p + 1] = (v >> 8) & 0xff; b[p + 2] = (v >> 16) & 0xff; b[p + 3] = (v >>> 24) & 0xff;
  return p + 4;
}
function highName(...ops: (Operand | undefined)[]): string {
  for (const o of ops) if (o instanceof Reg && o.high) return o.name;
  return 'high byte register';
}
function describeRexCause(f: Form, ...ops: (Operand | undefined)[]): string {
  for (const o of ops) {
    if (o instanceof Reg && !o.high && (o.needsRex || o.id >= 8)) return o.name;
    if (o instanceof Mem) {
      if (o.base !== null && o.base !== rip && o.base.id >= 8) return o.base.name;
      if (o.index !== null && o.index.id >= 8) return o.index.name;
    }
  }
  return f.w ? 'REX.W' : 'REX';
}

const CACHE_SIZE = 8; // slot = top 3 bits of the mask hash
/** A mnemonic's forms plus a small direct-mapped cache: operand masks -> matched form. */
export class FormSet {
  /** Forms in matching order. */ readonly forms: readonly Form[];
  /** Cache keys, 5 ints per slot (m0..m3, count). */ readonly keys: Int32Array;
  /** Cached form per slot. */ readonly hit: (Form | null)[];
  /** The instruction method (see Assembler.makeEmitter). */
  emit: (this: Assembler, o0?: Operand, o1?: Operand, o2?: Operand, o3?: Operand) => Assembler;
  /** Most recent match (checked first). */
  lastM0: number; lastM1: number; lastM2: number; lastM3: number; lastCount: number; lastForm: Form | null;
  constructor(forms: readonly Form[]) {
    this.emit = Assembler.makeEmitter(this);
    this.lastM0 = 0; this.lastM1 = 0; this.lastM2 = 0; this.lastM3 = 0; this.lastCount = -1; this.lastForm = null;
    this.forms = forms;
    this.keys = new Int32Array(CACHE_SIZE * 5);
    this.hit = new Array<Form | null>(CACHE_SIZE).fill(null);
  }
}
const FORM_SETS = new Map<string, FormSet>([...FORMS_BY_MNEMONIC].map(([n, f]) => [n, new FormSet(f)]));
const JCC = CONDITION_NAMES.map((n) => FORM_SETS.get(`j${n[0]}`)!);
const SETCC = CONDITION_NAMES.map((n) => FORM_SETS.get(`set${n[0]}`)!);
const CMOVCC = CONDITION_NAMES.map((n) => FORM_SETS.get(`cmov${n[0]}`)!);

// Install one method per mnemonic of the table (mnemonics.ts only types them; a test
// checks the two lists agree, and `npm run gen:asm-golden` regenerates mnemonics.ts).
for (const [name, set] of FORM_SETS) {
  Object.defineProperty(Assembler.prototype, name, { value: set.emit, writable: true, configurable: true });
}
// `a.nop(n)` with a number emits one n-byte NOP (1..15); other operands use the table.
{
  const tableNop = FORM_SETS.get('nop')!.emit;
  Object.defineProperty(Assembler.prototype, 'nop', {
    value: function (this: Assembler, o0?: Operand, o1?: Operand, o2?: Operand, o3?: Operand): Assembler {
      return typeof o0 === 'number' && o1 === undefined ? this.nopN(o0) : tableNop.call(this, o0, o1, o2, o3);
    },
    writable: true,
    configurable: true,
  });
}
