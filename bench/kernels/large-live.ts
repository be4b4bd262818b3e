/**
 * A large generated function that keeps many values live, as a hostile user would write it:
 * straight-line i64 arithmetic where 30% of the operands are any earlier (dominating) value of
 * the function and the rest one of the last 16, with counted loops of 3-5 trips and if/else
 * diamonds mixed in, and every 8th value summed at the end (so about an eighth of all values
 * live from their definition to the return). Compile time on it shows whether the backend is
 * near-linear in the function's size (bench:kernels' "large function" line).
 */
import { IntCC, Module, Type, type Value } from '../../src/ir/index.js';

/** Seeded linear congruential generator (deterministic programs). */
class Lcg {
  private s: number;
  constructor(seed: number) { this.s = seed >>> 0 || 1; }
  /** An integer in [0, n). */
  next(n: number): number {
    this.s = (Math.imul(this.s, 1103515245) + 12345) >>> 0;
    return (this.s >>> 8) % n;
  }
}

const BINARY = ['iadd', 'isub', 'imul', 'bxor', 'band', 'bor'] as const;

/** A module with one function `%live(i64, i64) -> i64` of about `instructions` IR instructions. */
export function buildLiveFunction(instructions: number, seed = 7): Module {
  const m = new Module('live');
  const f = m.function('live', [Type.I64, Type.I64], [Type.I64]);
  const b = f.builder();
  const rnd = new Lcg(seed);
  // Values that dominate the current point: the top level's, then the current loop body's or arm's.
  const pool: Value[] = [b.params[0]!, b.params[1]!];
  const summed: Value[] = [];
  let count = 0, topLevel = 0;
  const operand = (): Value => (rnd.next(10) < 3 ? pool[rnd.next(pool.length)]! : pool[pool.length - 1 - rnd.next(Math.min(16, pool.length))]!);
  const op = (): Value => {
    const name = BINARY[rnd.next(BINARY.length)]!;
    count++;
    return b[name](operand(), operand());
  };
  /** `n` operations at the top level (every 8th value is summed at the end). */
  const straight = (n: number): void => {
    for (let k = 0; k < n; k++) {
      const v = op();
      pool.push(v);
      if (++topLevel % 8 === 0) summed.push(v);
    }
  };
  /** Runs `body` with values it defines visible only inside it; returns its result. */
  const scoped = (body: () => Value): Value => {
    const mark = pool.length;
    const r = body();
    pool.length = mark;
    return r;
  };
  const local = (n: number): Value => {
    let v = operand();
    for (let k = 0; k < n; k++) { v = op(); pool.push(v); }
    return v;
  };
  while (count < instructions) {
    const kind = rnd.next(10);
    if (kind < 6) straight(8 + rnd.next(17));
    else if (kind < 8) {
      const trips = 3 + rnd.next(3), size = 6 + rnd.next(11);
      const [r] = b.forRange(b.iconst(Type.I64, 0), b.iconst(Type.I64, trips), [operand()], (i, [acc]) => [scoped(() => {
        pool.push(acc!, i);
        const v = local(size);
        count++;
        return b.iadd(v, acc!);
      })]);
      count += 5;
      pool.push(r!);
    } else {
      const c = b.icmp(IntCC.Slt, operand(), operand());
      const sizeA = 3 + rnd.next(6), sizeB = 3 + rnd.next(6);
      const [r] = b.ifElse(c, [Type.I64], () => [scoped(() => local(sizeA))], () => [scoped(() => local(sizeB))]);
      count += 4;
      pool.push(r!);
    }
  }
  let sum = b.params[0]!;
  for (const v of summed) { sum = b.iadd(sum, v); count++; }
  b.return(sum);
  b.finish();
  return m;
}
