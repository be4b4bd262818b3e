/**
 * Random straight-line IR for randomised tests (not a test file itself): a
 * seeded generator and a loop that appends builder calls for random opcodes
 * of every arithmetic, compare, select and conversion format.
 */
import { Builder, Format, OPCODES, Opcode, Type, Value } from '../../src/ir/index.js';

/** A deterministic generator of numbers in [0, 1). */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** Every value type the random functions use. */
export const TYPES = [Type.I8, Type.I16, Type.I32, Type.I64, Type.F32, Type.F64];

/**
 * Appends `count` random instructions to `b`, each reading random values of
 * `vals` and pushing its result there. A pick the builder rejects (ill-typed)
 * is skipped after `rejected` sees the error.
 */
export function randomInstructions(b: Builder, vals: Value[], r: () => number, count: number, rejected: (e: unknown) => void): void {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  for (let k = 0; k < count; k++) {
    const op = Math.floor(r() * Opcode.Load) as Opcode;
    const info = OPCODES[op]!;
    const x = pick(vals), y = pick(vals), z = pick(vals);
    try {
      switch (info.format) {
        case Format.IntImm: { const t = pick([Type.I8, Type.I16, Type.I32, Type.I64]); vals.push(b.iconst(t, Math.floor(r() * 2000) - 1000)); break; }
        case Format.FloatImm: vals.push(b.fconst(pick([Type.F32, Type.F64]), pick([0, -0, 1.5, NaN, Infinity, -2.25, 1e10]))); break;
        case Format.Unary: vals.push(b.unary(op, x)); break;
        case Format.Binary: vals.push(b.binary(op, x, y)); break;
        case Format.Ternary: vals.push(b.select(x, y, z)); break;
        case Format.IntCompare: vals.push(b.icmp(Math.floor(r() * 10), x, y)); break;
        case Format.FloatCompare: vals.push(b.fcmp(Math.floor(r() * 14), x, y)); break;
        case Format.Convert: vals.push(b.convert(op, pick(TYPES), x)); break;
        default: break;
      }
    } catch (e) {
      rejected(e);
    }
  }
}
