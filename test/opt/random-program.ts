/**
 * A small random-program generator for differential tests of the optimiser:
 * modules with a few helper functions (inlining candidates) and a main function
 * mixing integer/float arithmetic with interesting constants (0, ±1, powers of
 * two, MIN/MAX), divisions that may trap, compares and selects, if/else
 * diamonds, counted loops with loop-carried values, loads and stores through a
 * pointer argument and a stack slot, br_table switches, irreducible loops,
 * while loops with work in the header, and calls.
 * Deterministic per seed.
 */
import { Block, Builder, Func, IntCC, Module, Opcode, Type, Value } from '../../src/ir/index.js';

/** A deterministic PRNG (LCG) returning floats in [0, 1). */
export function rng(seed: number): () => number {
  let s = (seed * 2654435761) >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

const INT_CONSTS = [0n, 1n, -1n, 2n, 3n, 4n, 5n, 7n, 8n, 9n, 16n, 31n, 32n, 63n, 64n, 100n, -8n, -16n, 0x7fffffffn, -0x80000000n, 0x7fffffffffffffffn, -0x8000000000000000n];
const FLOAT_CONSTS = [0, -0, 1, -1, 0.5, 2, 1.5, -2.25, 1e10, NaN, Infinity, 3.0000001];
const INT_BIN = [Opcode.IAdd, Opcode.ISub, Opcode.IMul, Opcode.SDiv, Opcode.UDiv, Opcode.SRem, Opcode.URem, Opcode.BAnd, Opcode.BOr,
  Opcode.BXor, Opcode.IShl, Opcode.UShr, Opcode.SShr, Opcode.Rotl, Opcode.Rotr];
const INT_UN = [Opcode.INeg, Opcode.BNot, Opcode.Clz, Opcode.Ctz, Opcode.Popcnt];
const FLOAT_BIN = [Opcode.FAdd, Opcode.FSub, Opcode.FMul, Opcode.FDiv, Opcode.FMin, Opcode.FMax, Opcode.FCopysign];
const FLOAT_UN = [Opcode.FNeg, Opcode.FAbs, Opcode.FSqrt, Opcode.FFloor, Opcode.FCeil, Opcode.FTrunc, Opcode.FNearest];
const INT_TYPES = [Type.I8, Type.I32, Type.I64];
const TYPES = [Type.I8, Type.I32, Type.I64, Type.F64];

function bitsOf(t: Type): bigint {
  return t === Type.I8 ? 8n : t === Type.I16 ? 16n : t === Type.I32 ? 32n : 64n;
}

/** Emits random code into a builder, with values scoped by nesting. */
class Gen {
  private readonly scopes: Value[][] = [];
  /** A 24-byte stack slot of the function, or -1. */
  slot = -1;
  constructor(readonly b: Builder, readonly r: () => number, readonly helpers: Func[], readonly buf: Value | null) {}
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.r() * xs.length)]!;
  }
  push(): void { this.scopes.push([]); }
  pop(): void { this.scopes.pop(); }
  add(v: Value): Value { this.scopes[this.scopes.length - 1]!.push(v); return v; }
  /** A random available value of type `t`, or a new constant. */
  value(t: Type): Value {
    const all: Value[] = [];
    for (const s of this.scopes) for (const v of s) if (this.b.func.typeOf(v) === t) all.push(v);
    if (all.length === 0 || this.r() < 0.25) return this.add(this.constant(t));
    return this.pick(all);
  }
  constant(t: Type): Value {
    if (t === Type.F64 || t === Type.F32) return this.b.fconst(t, this.pick(FLOAT_CONSTS));
    return this.b.iconst(t, BigInt.asIntN(Number(bitsOf(t)), this.pick(INT_CONSTS)));
  }
  /** One random instruction producing a value. */
  expr(): void {
    const b = this.b;
    const k = this.r();
    if (k < 0.35) {
      const t = this.pick(INT_TYPES);
      const op = this.pick(INT_BIN);
      const y = op >= Opcode.IShl && this.r() < 0.3 ? this.value(this.pick(INT_TYPES)) : this.value(t);
      this.add(b.binary(op, this.value(t), y));
    } else if (k < 0.42) {
      const t = this.pick(INT_TYPES);
      this.add(b.unary(this.pick(INT_UN), this.value(t)));
    } else if (k < 0.52) {
      this.add(b.binary(this.pick(FLOAT_BIN), this.value(Type.F64), this.value(Type.F64)));
    } else if (k < 0.56) {
      this.add(b.unary(this.pick(FLOAT_UN), this.value(Type.F64)));
    } else if (k < 0.64) {
      const t = this.pick(INT_TYPES);
      this.add(b.icmp(Math.floor(this.r() * 10) as IntCC, this.value(t), this.value(t)));
    } else if (k < 0.67) {
      this.add(b.fcmp(Math.floor(this.r() * 14), this.value(Type.F64), this.value(Type.F64)));
    } else if (k < 0.72) {
      const t = this.pick(TYPES);
      this.add(b.select(this.value(Type.I8), this.value(t), this.value(t)));
    } else if (k < 0.82) {
      const conv = this.pick([
        () => b.sext(Type.I64, this.value(Type.I32)), () => b.zext(Type.I32, this.value(Type.I8)),
        () => b.trunc(Type.I8, this.value(Type.I64)), () => b.trunc(Type.I32, this.value(Type.I64)),
        () => b.fcvtFromSint(Type.F64, this.value(Type.I64)), () => b.fcvtFromUint(Type.F64, this.value(Type.I32)),
        () => b.fcvtToSint(Type.I32, this.value(Type.F64)), () => b.bitcast(Type.I64, this.value(Type.F64)),
      ]);
      this.add(conv());
    } else if (k < 0.92 && this.buf !== null) {
      const t = this.pick(TYPES);
      if (this.slot >= 0 && this.r() < 0.3) {
        // Stack slot traffic (the slot is stored before it is read: see randomModule).
        const off = Math.floor(this.r() * 3) * 8;
        const addr = b.stackAddr(this.slot, off);
        if (this.r() < 0.5) b.store(this.value(Type.I64), addr);
        else this.add(b.load(Type.I64, addr));
        return;
      }
      const size = t === Type.I8 ? 1 : t === Type.I32 ? 4 : 8;
      // Mostly a few aligned offsets, so that loads repeat and follow stores; rarely out of bounds.
      const off = this.r() < 0.6 ? this.pick([0, 8, 16]) : Math.floor(this.r() * (64 - size + 1)) + (this.r() < 0.02 ? 64 : 0);
      if (this.r() < 0.5) b.store(this.value(t), this.buf, off);
      else this.add(b.load(t, this.buf, off));
    } else if (this.helpers.length > 0) {
      const h = this.pick(this.helpers);
      this.add(b.call(h, h.params.map((t) => this.value(t))));
    } else {
      this.add(this.constant(this.pick(TYPES)));
    }
  }
  /** A sequence of statements, with nested control flow up to `depth`. */
  body(n: number, depth: number): void {
    const b = this.b;
    for (let i = 0; i < n; i++) {
      const k = this.r();
      if (depth > 0 && k < 0.12) {
        const t = this.pick(TYPES);
        const c = this.value(Type.I8);
        const [v] = b.ifElse(c, [t], () => { this.push(); this.body(3, depth - 1); const x = this.value(t); this.pop(); return [x]; },
          () => { this.push(); this.body(3, depth - 1); const x = this.value(t); this.pop(); return [x]; });
        this.add(v!);
      } else if (depth > 0 && k < 0.15) {
        // A switch: br_table over a few arms that each pass a value to the join.
        const t = this.pick(TYPES);
        const n = 1 + Math.floor(this.r() * 3);
        const join = b.block(t);
        const arms: Block[] = [];
        for (let a = 0; a <= n; a++) arms.push(b.block());
        const idx = this.value(this.pick(INT_TYPES));
        const same = this.r() < 0.3 ? arms[0]! : null;
        b.brTable(idx, arms[n]!, arms.slice(0, n).map((x) => same ?? x));
        for (const arm of arms) {
          b.switchTo(arm);
          this.push();
          this.body(2, depth - 1);
          const v = this.value(t);
          this.pop();
          b.jump(join, [v]);
        }
        b.switchTo(join);
        this.add(b.blockParams(join)[0]!);
      } else if (depth > 0 && k < 0.165) {
        // An irreducible loop: two blocks that branch to each other, entered at either.
        const t = this.pick([Type.I32, Type.I64, Type.F64]);
        const n = b.band(this.value(Type.I64), b.iconst(Type.I64, 7));
        const a = b.block(Type.I64, t), c = b.block(Type.I64, t), exit = b.block(t);
        const init = this.value(t);
        b.brif(this.value(Type.I8), { block: a, args: [n, init] }, { block: c, args: [n, init] });
        for (const [self, other] of [[a, c], [c, a]] as const) {
          b.switchTo(self);
          const [i, v] = b.blockParams(self) as [Value, Value];
          this.push();
          this.add(v);
          this.body(2, 0);
          const next = this.value(t);
          this.pop();
          const i2 = b.isub(i, b.iconst(Type.I64, 1));
          b.brif(b.icmp('sgt', i2, b.iconst(Type.I64, 0)), { block: other, args: [i2, next] }, { block: exit, args: [next] });
        }
        b.switchTo(exit);
        this.add(b.blockParams(exit)[0]!);
      } else if (depth > 0 && k < 0.18) {
        // A while loop whose header computes values (possibly trapping) before its test.
        const t = this.pick([Type.I32, Type.I64]);
        const limit = b.band(this.value(Type.I64), b.iconst(Type.I64, 3));
        this.push();
        const [, acc] = b.while([b.iconst(Type.I64, 0), this.value(t)], ([i, a]) => {
          this.add(a!);
          this.expr();
          this.expr();
          return b.icmp('slt', i!, limit);
        }, ([i, a]) => {
          this.push();
          this.body(2, depth - 1);
          const next = b.binary(Opcode.IAdd, a!, this.value(t));
          this.pop();
          return [b.iadd(i!, b.iconst(Type.I64, 1)), next];
        });
        this.pop();
        this.add(acc!);
      } else if (depth > 0 && k < 0.22) {
        const t = this.pick([Type.I32, Type.I64, Type.F64]);
        const n64 = b.band(this.value(Type.I64), b.iconst(Type.I64, 7));
        const init = this.value(t);
        const [acc] = b.forRange(b.iconst(Type.I64, 0), n64, [init], (iv, [a]) => {
          this.push();
          this.add(iv);
          this.add(a!);
          this.body(4, depth - 1);
          const next = this.value(t);
          this.pop();
          return [next];
        });
        this.add(acc!);
      } else {
        this.expr();
      }
    }
  }
}

/** A random module: helpers `h0..`, and `main(i32, i64, f64, ptr) -> (i32, i64, f64)` (ptr: 64 bytes). */
export function randomModule(seed: number): Module {
  const r = rng(seed);
  const m = new Module();
  const helpers: Func[] = [];
  const nh = Math.floor(r() * 3);
  for (let h = 0; h < nh; h++) {
    const t = [Type.I32, Type.I64, Type.F64][Math.floor(r() * 3)]!;
    const f = m.function(`h${h}`, [t, Type.I64], [t]);
    const b = f.builder();
    const g = new Gen(b, r, [...helpers], null);
    g.push();
    for (const p of b.params) g.add(p);
    g.body(4 + Math.floor(r() * 6), 1);
    b.return(g.value(t));
    b.finish();
    helpers.push(f);
  }
  const f = m.function('main', [Type.I32, Type.I64, Type.F64, Type.Ptr], [Type.I32, Type.I64, Type.F64]);
  const b = f.builder();
  const g = new Gen(b, r, helpers, b.param(3));
  g.slot = b.stackSlot(24, 8);
  // Initialise the slot so that no run depends on the interpreter's zero-filling.
  for (let off = 0; off < 24; off += 8) b.store(b.iconst(Type.I64, off + 1), b.stackAddr(g.slot, off));
  g.push();
  for (const p of b.params.slice(0, 3)) g.add(p);
  g.body(10 + Math.floor(r() * 20), 2);
  b.return(g.value(Type.I32), g.value(Type.I64), g.value(Type.F64));
  b.finish();
  return m;
}

/** Argument vectors for `main` (the buffer is made fresh per call by the caller). */
export const MAIN_ARGS: readonly [number, bigint, number][] = [
  [0, 0n, 0], [1, 1n, 1.5], [-1, -1n, -0], [7, 100n, -2.5], [0x7fffffff, -0x8000000000000000n, NaN],
  [-0x80000000, 0x7fffffffffffffffn, 1e300], [12345, 6n, 0.1], [-8, 3n, Infinity],
];
