/**
 * x86-64 operands: registers, memory references, labels and external symbols.
 *
 * Sits under the assembler (src/asm/x64/assembler.ts): the encoder only ever sees
 * these objects plus JS numbers/bigints for immediates. Registers are preallocated
 * singletons so `a.add(rax, rdi)` allocates nothing. Every operand carries `mask`,
 * a bit set of operand kinds (see OperandMask) that the form matcher tests against.
 */

/** Operand-kind bits: a form operand accepts an actual operand when the masks intersect. */
export const enum K {
  /** 8-bit general register (low byte or ah..bh). */ R8 = 1 << 0,
  /** 16-bit general register. */ R16 = 1 << 1,
  /** 32-bit general register. */ R32 = 1 << 2,
  /** 64-bit general register. */ R64 = 1 << 3,
  /** byte memory. */ M8 = 1 << 4,
  /** word memory. */ M16 = 1 << 5,
  /** dword memory. */ M32 = 1 << 6,
  /** qword memory. */ M64 = 1 << 7,
  /** xmmword memory. */ M128 = 1 << 8,
  /** ymmword memory. */ M256 = 1 << 9,
  /** memory of any size (lea, prefetch-like forms). */ MAny = 1 << 10,
  /** xmm register. */ Xmm = 1 << 11,
  /** ymm register. */ Ymm = 1 << 12,
  /** the register al. */ Al = 1 << 13,
  /** the register ax. */ Ax = 1 << 14,
  /** the register eax. */ Eax = 1 << 15,
  /** the register rax. */ Rax = 1 << 16,
  /** the register cl. */ Cl = 1 << 17,
  /** the register xmm0 (implicit blendv operand). */ Xmm0 = 1 << 18,
  /** immediate in [-128, 255]. */ I8 = 1 << 19,
  /** immediate in [-32768, 65535]. */ I16 = 1 << 20,
  /** immediate in [-2^31, 2^32-1]. */ I32 = 1 << 21,
  /** immediate in [-2^31, 2^31-1] (sign-extended to 64 bits). */ S32 = 1 << 22,
  /** any 64-bit immediate. */ I64 = 1 << 23,
  /** immediate that sign-extends from 8 bits at operand size 16. */ S8W = 1 << 24,
  /** immediate that sign-extends from 8 bits at operand size 32. */ S8D = 1 << 25,
  /** immediate that sign-extends from 8 bits at operand size 64. */ S8Q = 1 << 26,
  /** the immediate 1 (shift by one). */ One = 1 << 27,
  /** a label or external symbol (rel32 target). */ Rel = 1 << 28,
  /** a bound label within rel8 reach of a 2-byte jump. */ Rel8 = 1 << 29,
  /** all memory bits. */ AnyMem = M8 | M16 | M32 | M64 | M128 | M256 | MAny,
}

/** Register classes. */
export const enum RegClass {
  /** 8-bit GPR. */ Gp8 = 0,
  /** 16-bit GPR. */ Gp16 = 1,
  /** 32-bit GPR. */ Gp32 = 2,
  /** 64-bit GPR. */ Gp64 = 3,
  /** 128-bit vector. */ Xmm = 4,
  /** 256-bit vector. */ Ymm = 5,
  /** the instruction pointer (memory base only). */ Rip = 6,
}

/** A machine register. Instances are singletons; compare by identity or `id`+`cls`. */
export class Reg {
  /** Operand-kind mask. */ readonly mask: number;
  /** Hardware number 0..15 (ah..bh use 4..7 with `high`). */ readonly id: number;
  /** Register class. */ readonly cls: RegClass;
  /** Size in bytes. */ readonly size: number;
  /** True for ah, ch, dh, bh (not encodable with a REX prefix). */ readonly high: boolean;
  /** True for spl, bpl, sil, dil (need a REX prefix). */ readonly needsRex: boolean;
  /** Intel-syntax name. */ readonly name: string;
  /** Byte-register flags for the encoder: 1 = needs REX (spl..dil), 2 = high byte (ah..bh). */ readonly byteFlags: number;
  /** Discriminates operand objects without instanceof. */ readonly tag: 1;
  constructor(name: string, id: number, cls: RegClass, size: number, high: boolean) {
    this.name = name;
    this.id = id;
    this.cls = cls;
    this.size = size;
    this.high = high;
    this.needsRex = cls === RegClass.Gp8 && !high && id >= 4 && id < 8;
    this.byteFlags = (this.needsRex ? 1 : 0) | (high ? 2 : 0);
    this.tag = 1;
    let m = 0;
    switch (cls) {
      case RegClass.Gp8: m = K.R8 | (id === 0 && !high ? K.Al : 0) | (id === 1 && !high ? K.Cl : 0); break;
      case RegClass.Gp16: m = K.R16 | (id === 0 ? K.Ax : 0); break;
      case RegClass.Gp32: m = K.R32 | (id === 0 ? K.Eax : 0); break;
      case RegClass.Gp64: m = K.R64 | (id === 0 ? K.Rax : 0); break;
      case RegClass.Xmm: m = K.Xmm | (id === 0 ? K.Xmm0 : 0); break;
      case RegClass.Ymm: m = K.Ymm; break;
      default: m = 0;
    }
    this.mask = m;
  }
  /** The name, for messages. */
  toString(): string { return this.name; }
}

const n64 = ['rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi'];
const n32 = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi'];
const n16 = ['ax', 'cx', 'dx', 'bx', 'sp', 'bp', 'si', 'di'];
const n8 = ['al', 'cl', 'dl', 'bl', 'spl', 'bpl', 'sil', 'dil'];
function mk(cls: RegClass, size: number, names: string[], suffix: string): Reg[] {
  const out: Reg[] = [];
  for (let i = 0; i < 16; i++) out.push(new Reg(i < 8 ? names[i]! : `r${i}${suffix}`, i, cls, size, false));
  return out;
}
/** 64-bit GPRs indexed by number. */ export const gp64: readonly Reg[] = mk(RegClass.Gp64, 8, n64, '');
/** 32-bit GPRs indexed by number. */ export const gp32: readonly Reg[] = mk(RegClass.Gp32, 4, n32, 'd');
/** 16-bit GPRs indexed by number. */ export const gp16: readonly Reg[] = mk(RegClass.Gp16, 2, n16, 'w');
/** 8-bit low GPRs indexed by number (al..dil, r8b..r15b). */ export const gp8: readonly Reg[] = mk(RegClass.Gp8, 1, n8, 'b');
/** xmm registers indexed by number. */
export const xmmRegs: readonly Reg[] = Array.from({ length: 16 }, (_, i) => new Reg(`xmm${i}`, i, RegClass.Xmm, 16, false));
/** ymm registers indexed by number. */
export const ymmRegs: readonly Reg[] = Array.from({ length: 16 }, (_, i) => new Reg(`ymm${i}`, i, RegClass.Ymm, 32, false));

/** rax. */ export const rax = gp64[0]!; /** rcx. */ export const rcx = gp64[1]!;
/** rdx. */ export const rdx = gp64[2]!; /** rbx. */ export const rbx = gp64[3]!;
/** rsp. */ export const rsp = gp64[4]!; /** rbp. */ export const rbp = gp64[5]!;
/** rsi. */ export const rsi = gp64[6]!; /** rdi. */ export const rdi = gp64[7]!;
/** r8. */ export const r8 = gp64[8]!; /** r9. */ export const r9 = gp64[9]!;
/** r10. */ export const r10 = gp64[10]!; /** r11. */ export const r11 = gp64[11]!;
/** r12. */ export const r12 = gp64[12]!; /** r13. */ export const r13 = gp64[13]!;
/** r14. */ export const r14 = gp64[14]!; /** r15. */ export const r15 = gp64[15]!;
/** eax. */ export const eax = gp32[0]!; /** ecx. */ export const ecx = gp32[1]!;
/** edx. */ export const edx = gp32[2]!; /** ebx. */ export const ebx = gp32[3]!;
/** esp. */ export const esp = gp32[4]!; /** ebp. */ export const ebp = gp32[5]!;
/** esi. */ export const esi = gp32[6]!; /** edi. */ export const edi = gp32[7]!;
/** r8d. */ export const r8d = gp32[8]!; /** r9d. */ export const r9d = gp32[9]!;
/** r10d. */ export const r10d = gp32[10]!; /** r11d. */ export const r11d = gp32[11]!;
/** r12d. */ export const r12d = gp32[12]!; /** r13d. */ export const r13d = gp32[13]!;
/** r14d. */ export const r14d = gp32[14]!; /** r15d. */ export const r15d = gp32[15]!;
/** ax. */ export const ax = gp16[0]!; /** cx. */ export const cx = gp16[1]!;
/** dx. */ export const dx = gp16[2]!; /** bx. */ export const bx = gp16[3]!;
/** sp. */ export const sp = gp16[4]!; /** bp. */ export const bp = gp16[5]!;
/** si. */ export const si = gp16[6]!; /** di. */ export const di = gp16[7]!;
/** r8w. */ export const r8w = gp16[8]!; /** r9w. */ export const r9w = gp16[9]!;
/** r10w. */ export const r10w = gp16[10]!; /** r11w. */ export const r11w = gp16[11]!;
/** r12w. */ export const r12w = gp16[12]!; /** r13w. */ export const r13w = gp16[13]!;
/** r14w. */ export const r14w = gp16[14]!; /** r15w. */ export const r15w = gp16[15]!;
/** al. */ export const al = gp8[0]!; /** cl. */ export const cl = gp8[1]!;
/** dl. */ export const dl = gp8[2]!; /** bl. */ export const bl = gp8[3]!;
/** spl. */ export const spl = gp8[4]!; /** bpl. */ export const bpl = gp8[5]!;
/** sil. */ export const sil = gp8[6]!; /** dil. */ export const dil = gp8[7]!;
/** r8b. */ export const r8b = gp8[8]!; /** r9b. */ export const r9b = gp8[9]!;
/** r10b. */ export const r10b = gp8[10]!; /** r11b. */ export const r11b = gp8[11]!;
/** r12b. */ export const r12b = gp8[12]!; /** r13b. */ export const r13b = gp8[13]!;
/** r14b. */ export const r14b = gp8[14]!; /** r15b. */ export const r15b = gp8[15]!;
/** ah (no REX). */ export const ah = new Reg('ah', 4, RegClass.Gp8, 1, true);
/** ch (no REX). */ export const ch = new Reg('ch', 5, RegClass.Gp8, 1, true);
/** dh (no REX). */ export const dh = new Reg('dh', 6, RegClass.Gp8, 1, true);
/** bh (no REX). */ export const bh = new Reg('bh', 7, RegClass.Gp8, 1, true);
/** rip, usable only as a memory base: `qword(rip, label)`. */
export const rip = new Reg('rip', 0, RegClass.Rip, 8, false);
/** xmm0. */ export const xmm0 = xmmRegs[0]!; /** xmm1. */ export const xmm1 = xmmRegs[1]!;
/** xmm2. */ export const xmm2 = xmmRegs[2]!; /** xmm3. */ export const xmm3 = xmmRegs[3]!;
/** xmm4. */ export const xmm4 = xmmRegs[4]!; /** xmm5. */ export const xmm5 = xmmRegs[5]!;
/** xmm6. */ export const xmm6 = xmmRegs[6]!; /** xmm7. */ export const xmm7 = xmmRegs[7]!;
/** xmm8. */ export const xmm8 = xmmRegs[8]!; /** xmm9. */ export const xmm9 = xmmRegs[9]!;
/** xmm10. */ export const xmm10 = xmmRegs[10]!; /** xmm11. */ export const xmm11 = xmmRegs[11]!;
/** xmm12. */ export const xmm12 = xmmRegs[12]!; /** xmm13. */ export const xmm13 = xmmRegs[13]!;
/** xmm14. */ export const xmm14 = xmmRegs[14]!; /** xmm15. */ export const xmm15 = xmmRegs[15]!;
/** ymm0. */ export const ymm0 = ymmRegs[0]!; /** ymm1. */ export const ymm1 = ymmRegs[1]!;
/** ymm2. */ export const ymm2 = ymmRegs[2]!; /** ymm3. */ export const ymm3 = ymmRegs[3]!;
/** ymm4. */ export const ymm4 = ymmRegs[4]!; /** ymm5. */ export const ymm5 = ymmRegs[5]!;
/** ymm6. */ export const ymm6 = ymmRegs[6]!; /** ymm7. */ export const ymm7 = ymmRegs[7]!;
/** ymm8. */ export const ymm8 = ymmRegs[8]!; /** ymm9. */ export const ymm9 = ymmRegs[9]!;
/** ymm10. */ export const ymm10 = ymmRegs[10]!; /** ymm11. */ export const ymm11 = ymmRegs[11]!;
/** ymm12. */ export const ymm12 = ymmRegs[12]!; /** ymm13. */ export const ymm13 = ymmRegs[13]!;
/** ymm14. */ export const ymm14 = ymmRegs[14]!; /** ymm15. */ export const ymm15 = ymmRegs[15]!;

/** Every register by Intel name (used by tests and the golden generator). */
export const registersByName: ReadonlyMap<string, Reg> = new Map(
  [...gp64, ...gp32, ...gp16, ...gp8, ah, ch, dh, bh, ...xmmRegs, ...ymmRegs, rip].map((r) => [r.name, r]),
);

import { describe } from '../../util/describe.js';

/** A code position, bound once with `Assembler.bind`. */
export class Label {
  /** Index into the owning assembler's label table. */ readonly id: number;
  /** Discriminates operand objects. */ readonly tag: 3;
  /** Operand-kind mask (a rel32 target). */ readonly mask: number;
  constructor(id: number) { this.id = id; this.tag = 3; this.mask = K.Rel; }
}

/** An external symbol: target of `call`/`jmp` rel32 or `movAbs64`, resolved by the linker. */
export class Extern {
  /** Symbol name. */ readonly name: string;
  /** Added to the symbol address. */ readonly addend: number;
  /** Discriminates operand objects. */ readonly tag: 4;
  /** Operand-kind mask. */ readonly mask: number;
  constructor(name: string, addend: number) { this.name = name; this.addend = addend; this.tag = 4; this.mask = K.Rel; }
}
/** Names an external symbol for `call(extern('strlen'))`. */
export function extern(name: string, addend = 0): Extern {
  if (typeof name !== 'string' || name === '') throw new TypeError(`extern: symbol name must be a non-empty string, got ${describe(name)}`);
  if (!Number.isSafeInteger(addend) || addend < -0x80000000 || addend > 0x7fffffff) throw new RangeError(`extern: addend must be a 32-bit integer, got ${describe(addend)}`);
  return new Extern(name, addend);
}

/** Memory size codes (bytes; 0 = take the size from the other operand). */
export type MemSize = 0 | 1 | 2 | 4 | 8 | 16 | 32;

function memMask(size: number): number {
  switch (size) {
    case 0: return K.AnyMem;
    case 1: return K.M8 | K.MAny;
    case 2: return K.M16 | K.MAny;
    case 4: return K.M32 | K.MAny;
    case 8: return K.M64 | K.MAny;
    case 16: return K.M128 | K.MAny;
    case 32: return K.M256 | K.MAny;
    default: throw new Error(`memory operand: bad size ${describe(size)} (expected 0, 1, 2, 4, 8, 16 or 32)`);
  }
}

/**
 * A memory reference `[base + index*scale + disp]`, or `[rip + label + disp]`.
 * Fields are public and mutable so a backend can reuse one object per emission.
 */
export class Mem {
  /** Operand-kind mask (derived from size). */ mask: number;
  /** Access size in bytes, 0 if taken from the other operand. */ size: number;
  /** Base register (64-bit GPR or rip) or null. */ base: Reg | null;
  /** Index register (64-bit GPR, not rsp) or null. */ index: Reg | null;
  /** Scale 1, 2, 4 or 8. */ scale: number;
  /** Signed 32-bit displacement. */ disp: number;
  /** RIP-relative target label, or null. */ label: Label | null;
  /** Discriminates operand objects. */ readonly tag: 2;
  constructor(size: number, base: Reg | null, index: Reg | null, scale: number, disp: number, label: Label | null) {
    this.tag = 2;
    this.size = size;
    this.mask = memMask(size);
    this.base = base;
    this.index = index;
    this.scale = scale;
    this.disp = disp;
    this.label = label;
    if (label !== null && !(label instanceof Label)) throw new TypeError(`memory operand: label must be a Label or null, got ${describe(label)}`);
    validateMem(this);
  }
  /** Re-point this reusable operand (no allocation). */
  set(base: Reg | null, index: Reg | null = null, scale = 1, disp = 0): this {
    this.base = base; this.index = index; this.scale = scale; this.disp = disp; this.label = null;
    validateMem(this);
    return this;
  }
  /** Change the access size. */
  withSize(size: MemSize): this { this.size = size; this.mask = memMask(size); return this; }
}

function validateMem(m: Mem): void {
  const b = m.base, x = m.index, s = m.scale, d = m.disp;
  // Fast check (Mem.set is on backends' hot paths); the diagnosis is in memError.
  if ((b === null || (b instanceof Reg && (b.cls === RegClass.Gp64 || b.cls === RegClass.Rip)))
    && (x === null || (x instanceof Reg && x.cls === RegClass.Gp64)) && (b !== rip || x === null)
    && (s === 1 || s === 2 || s === 4 || s === 8) && typeof d === 'number' && (d | 0) === d) return;
  memError(m);
}

function memError(m: Mem): never {
  const b: unknown = m.base, x: unknown = m.index;
  if (b !== null && !(b instanceof Reg)) throw new TypeError(`memory operand: base must be a register, label or null, got ${describe(b)}`);
  if (b !== null && b.cls !== RegClass.Gp64 && b.cls !== RegClass.Rip) {
    throw new Error(`memory operand: base ${b.name} must be a 64-bit register or rip`);
  }
  if (x !== null && !(x instanceof Reg)) throw new TypeError(`memory operand: index must be a register or null, got ${describe(x)}`);
  if (x !== null && x.cls !== RegClass.Gp64) throw new Error(`memory operand: index ${x.name} must be a 64-bit register`);
  if (b === rip && x !== null) throw new Error('memory operand: rip-relative addressing cannot have an index');
  if (m.scale !== 1 && m.scale !== 2 && m.scale !== 4 && m.scale !== 8) throw new Error(`memory operand: scale ${describe(m.scale)} is not 1, 2, 4 or 8`);
  throw new Error(`memory operand: displacement ${describe(m.disp)} does not fit in 32 bits`);
}

/** Arguments of a memory builder: `(base, index?, scale?, disp?)`, `(base, disp)`, `(rip, label, disp?)` or `(label)`. */
export type MemArgs = [base: Reg | Label | null, index?: Reg | Label | number | null, scale?: number, disp?: number];

function build(size: number, base: Reg | Label | null, index?: Reg | Label | number | null, scale?: number, disp?: number): Mem {
  if (base instanceof Label) return new Mem(size, rip, null, 1, typeof index === 'number' ? index : 0, base);
  if (base === rip && index instanceof Label) return new Mem(size, rip, null, 1, scale ?? 0, index);
  if (typeof index === 'number') return new Mem(size, base, null, 1, index, null); // (base, disp)
  if (index instanceof Label) throw new Error('memory operand: a label needs rip as base');
  if (index !== undefined && index !== null && !(index instanceof Reg)) throw new TypeError(`memory operand: index must be a register, a displacement or null, got ${describe(index)}`);
  return new Mem(size, base, index ?? null, scale ?? 1, disp ?? 0, null);
}
/** Memory operand whose size comes from the other operand. */
export function ptr(...a: MemArgs): Mem { return build(0, ...a); }
/** byte [ ... ]. */ export function byte(...a: MemArgs): Mem { return build(1, ...a); }
/** word [ ... ]. */ export function word(...a: MemArgs): Mem { return build(2, ...a); }
/** dword [ ... ]. */ export function dword(...a: MemArgs): Mem { return build(4, ...a); }
/** qword [ ... ]. */ export function qword(...a: MemArgs): Mem { return build(8, ...a); }
/** xmmword [ ... ]. */ export function xmmword(...a: MemArgs): Mem { return build(16, ...a); }
/** ymmword [ ... ]. */ export function ymmword(...a: MemArgs): Mem { return build(32, ...a); }
/** `[rip + label + disp]` with size from the other operand. */
export function rel(label: Label, disp = 0): Mem {
  if (!(label instanceof Label)) throw new TypeError(`rel: expected a label, got ${describe(label)}`);
  return new Mem(0, rip, null, 1, disp, label);
}
/** Absolute `[disp32]` (no base, no index). */
export function abs(size: MemSize, disp: number): Mem { return new Mem(size, null, null, 1, disp, null); }

/** Any operand accepted by instruction methods. */
export type Operand = Reg | Mem | Label | Extern | number | bigint;
