/**
 * A large generated function for compile-throughput figures: `rounds` small
 * counted loops in a row, each a chain of multiply-adds over values from
 * earlier loops (so many values are live at once), about 66 IR instructions
 * per loop (so the count overshoots by up to one loop). The kernels are small; this shows the rate once per-function and
 * per-module overheads no longer dominate.
 */
import { Module, Type, type Value } from '../../src/ir/index.js';

/** A module with one function `%large(i64, i64) -> i64` of about `instructions` IR instructions. */
export function buildLargeFunction(instructions: number): Module {
  const m = new Module('large');
  const f = m.function('large', [Type.I64, Type.I64], [Type.I64]);
  const b = f.builder();
  let x = b.params[0]!;
  const recent: Value[] = [x, b.params[1]!];
  let count = 0;
  for (let k = 0; count < instructions; k++) {
    const [r] = b.forRange(b.iconst(Type.I64, 0), b.iconst(Type.I64, 3), [x], (i, [acc]) => {
      let a = acc!;
      for (let j = 0; j < 20; j++) {
        a = b.iadd(b.imul(a, recent[(j * 7 + k) % recent.length]!), b.iconst(Type.I64, j + k));
        count += 3;
      }
      return [b.bxor(a, i)];
    });
    count += 6;
    x = r!;
    recent.push(x);
    if (recent.length > 30) recent.shift();
  }
  b.return(x);
  b.finish();
  return m;
}
