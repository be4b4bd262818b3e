/**
 * Constant blinding (opt-in, `compile(m, { blindConstants: true })`), the defence
 * JavaScriptCore and eBPF use against JIT spraying: an attacker who chooses the
 * constants of a program must not choose bytes of the machine code, or they could
 * hide instructions inside immediates and jump into the middle of them.
 *
 * An IR-to-IR rewrite, after optimisation (which would fold it away) and before
 * lowering, target-neutral:
 *
 *   iconst.T c            bxor (iconst.T c ^ k), (iconst.T k)      k random per constant
 *   fconst.T x            bitcast.T of the same on x's bits         (no constant-pool entry)
 *   load/store p+off      p + blinded(off), offset 0
 *   stack_addr ssN+off    stack_addr ssN, + blinded(off)
 *
 * for every value that does not fit in a signed byte (smaller ones cannot spell an
 * instruction of their own). The keys come from a generator seeded per compilation
 * from the operating system. User trap codes are blinded by the emitter
 * (EmitOptions.blindTrapCodes); frame sizes and slot offsets, which the compiler
 * lays out, and br_table sizes are not.
 */
import { randomBytes } from 'node:crypto';
import { Func, Module, type Inst, type Value } from '../ir/function.js';
import { Format, OPCODES, Opcode } from '../ir/opcodes.js';
import { Type, typeBits } from '../ir/types.js';

/** Per-compilation key stream (xorshift64*, seeded from the OS). */
class Keys {
  private state: bigint;
  constructor() {
    this.state = randomBytes(8).readBigUInt64LE() | 1n;
  }
  /** A random value of `bits` bits, never 0 and never fitting in a signed byte. */
  next(bits: number): bigint {
    for (;;) {
      let x = this.state;
      x ^= x >> 12n;
      x ^= (x << 25n) & 0xffffffffffffffffn;
      x ^= x >> 27n;
      this.state = x;
      const k = BigInt.asUintN(bits, x * 0x2545f4914f6cdd1dn);
      if (k > 0xffn) return k;
    }
  }
}

function small(v: bigint): boolean {
  return v >= -128n && v <= 127n;
}

/** Rewrites `m` (a copy: changed in place) so that no constant above a byte reaches the code as written. */
export function blindConstants(m: Module): void {
  const keys = new Keys();
  for (const f of m.functions()) blindFunction(f, keys);
}

function blindFunction(f: Func, keys: Keys): void {
  const insts: number[] = [];
  for (let b = f.firstBlock; b !== -1; b = f.blockNext[b]!) {
    for (let i = f.blockFirst[b]!; i !== -1; i = f.instNext[i]!) insts.push(i);
  }
  for (const i of insts) {
    const op = f.instOpcode[i] as Opcode;
    const format = OPCODES[op]!.format;
    if (op === Opcode.IConst) {
      const t = f.instType[i] as Type, v = f.iconstValue(i as Inst);
      if (!small(v)) blindInPlace(f, i, t, v, keys);
    } else if (op === Opcode.FConst) {
      const t = f.instType[i] as Type;
      const bits = t === Type.F32 ? BigInt(f.instImm[i]! >>> 0) : (BigInt(f.instImm2[i]! >>> 0) << 32n) | BigInt(f.instImm[i]! >>> 0);
      if (bits === 0n) continue; // +0.0: xorps, no bytes of the value
      const it = t === Type.F32 ? Type.I32 : Type.I64;
      const raw = constant(f, i, it, bits, keys);
      f.instOpcode[i] = Opcode.Bitcast;
      f.instImm[i] = 0;
      f.instImm2[i] = 0;
      f.setArgs(i as Inst, [raw]);
    } else if ((format === Format.Load || format === Format.Store) && !small(BigInt(f.instImm[i]!))) {
      const k = format === Format.Store ? 1 : 0;
      const offset = constant(f, i, Type.I64, BigInt(f.instImm[i]!), keys);
      f.setArg(i as Inst, k, add(f, i, f.arg(i as Inst, k), offset));
      f.instImm[i] = 0;
    } else if (op === Opcode.StackAddr && !small(BigInt(f.instImm2[i]!))) {
      const offset = BigInt(f.instImm2[i]!);
      f.instImm2[i] = 0;
      // stack_addr ssN ; iadd it, blinded(off): the iadd takes the stack_addr's place as the result.
      const slot = f.newInst(Opcode.StackAddr, Type.Invalid, []);
      f.instImm[slot] = f.instImm[i]!;
      f.makeResults(slot, [Type.Ptr]);
      f.insertInstBefore(slot, i as Inst);
      const k = constant(f, i, Type.I64, offset, keys);
      f.instOpcode[i] = Opcode.IAdd;
      f.instImm[i] = 0;
      f.setArgs(i as Inst, [f.result(slot), k]);
    }
  }
}

/** Inserts before `at` the blinded form of constant `v` of type `t`; returns its value. */
function constant(f: Func, at: number, t: Type, v: bigint, keys: Keys): Value {
  const i = f.newInst(Opcode.IConst, t, []);
  f.setIconstValue(i, BigInt.asIntN(64, v));
  f.makeResults(i, [t]);
  f.insertInstBefore(i, at as Inst);
  blindInPlace(f, i, t, BigInt.asIntN(64, v), keys);
  return f.result(i);
}

/** Turns iconst `i` (value v) into `bxor (iconst v ^ k), (iconst k)`, keeping its result value. */
function blindInPlace(f: Func, i: number, t: Type, v: bigint, keys: Keys): void {
  const bits = typeBits(t);
  const k = keys.next(bits);
  const masked = BigInt.asIntN(bits, BigInt.asUintN(bits, v) ^ k);
  const a = f.newInst(Opcode.IConst, t, []);
  f.setIconstValue(a, BigInt.asIntN(64, masked));
  f.makeResults(a, [t]);
  f.insertInstBefore(a, i as Inst);
  const b = f.newInst(Opcode.IConst, t, []);
  f.setIconstValue(b, BigInt.asIntN(bits, k));
  f.makeResults(b, [t]);
  f.insertInstBefore(b, i as Inst);
  f.instOpcode[i] = Opcode.BXor;
  f.instType[i] = Type.Invalid;
  f.setArgs(i as Inst, [f.result(a), f.result(b)]);
}

/** Inserts `iadd p, x` before `at`. */
function add(f: Func, at: number, p: Value, x: Value): Value {
  const i = f.newInst(Opcode.IAdd, Type.Invalid, [p, x]);
  f.makeResults(i, [f.typeOf(p)]);
  f.insertInstBefore(i, at as Inst);
  return f.result(i);
}
