/**
 * The benchmark kernels written with jitkit's IR builder, mirroring kernels.c
 * and js.ts operation for operation (same float evaluation order, so results
 * agree bit for bit). `buildKernels()` returns one module holding all of them.
 */
import { Module, Type } from '../../src/ir/index.js';
import type { Builder, Value } from '../../src/ir/index.js';

const { I8, I32, I64, F64, Ptr } = { I8: Type.I8, I32: Type.I32, I64: Type.I64, F64: Type.F64, Ptr: Type.Ptr };

/** The signature of each kernel, in IR types (the bench maps them to the calling layer). */
export const KERNEL_SIGNATURES = {
  fib: { params: [I64], results: [I64] },
  sieve: { params: [Ptr, I64], results: [I64] },
  mandelbrot: { params: [I64, I64], results: [I64] },
  matmul: { params: [Ptr, Ptr, Ptr, I64], results: [] },
  nbody: { params: [Ptr, I64, I64], results: [F64] },
  spectral: { params: [Ptr, Ptr, Ptr, I64], results: [F64] },
  heapsort: { params: [Ptr, I64], results: [] },
  crc32: { params: [Ptr, I64], results: [I32] },
  interp: { params: [Ptr, Ptr], results: [I32] },
} as const;

/** Kernel names. */
export type KernelName = keyof typeof KERNEL_SIGNATURES;

function consts(b: Builder) {
  return {
    i64: (n: number | bigint) => b.iconst(I64, n),
    i32: (n: number) => b.iconst(I32, n),
    f64: (x: number) => b.fconst(F64, x),
    /** base + index * scale (ptr + i64). */
    at: (base: Value, index: Value, scale: number) => b.iadd(base, b.imul(index, b.iconst(I64, scale))),
  };
}

function buildFib(m: Module): void {
  const f = m.function('fib', [I64], [I64]);
  const b = f.builder();
  const c = consts(b);
  const n = b.param(0);
  const [r] = b.ifElse(b.icmp('slt', n, c.i64(2)), [I64], () => [n], () => [
    b.iadd(b.call(f, [b.isub(n, c.i64(1))]), b.call(f, [b.isub(n, c.i64(2))])),
  ]);
  b.return(r!);
  b.finish();
}

function buildSieve(m: Module): void {
  const b = m.function('sieve', [Ptr, I64], [I64]).builder();
  const c = consts(b);
  const [flags, n] = b.params as [Value, Value];
  b.forRange(c.i64(0), n, [], (i) => {
    b.store(b.iconst(I8, 1), b.iadd(flags, i));
    return [];
  });
  const [count] = b.forRange(c.i64(2), n, [c.i64(0)], (i, [count]) => {
    const flag = b.uload8(I32, b.iadd(flags, i));
    return b.ifElse(flag, [I64], () => {
      b.while([b.iadd(i, i)], ([j]) => b.icmp('slt', j!, n), ([j]) => {
        b.store(b.iconst(I8, 0), b.iadd(flags, j!));
        return [b.iadd(j!, i)];
      });
      return [b.iadd(count!, c.i64(1))];
    }, () => [count!]);
  });
  b.return(count!);
  b.finish();
}

function buildMandelbrot(m: Module): void {
  const b = m.function('mandelbrot', [I64, I64], [I64]).builder();
  const c = consts(b);
  const [size, maxIter] = b.params as [Value, Value];
  const sizeF = b.fcvtFromSint(F64, size);
  const [inside] = b.forRange(c.i64(0), size, [c.i64(0)], (y, [inside]) => {
    const ci = b.fadd(c.f64(-1.25), b.fdiv(b.fmul(c.f64(2.5), b.fcvtFromSint(F64, y)), sizeF));
    return b.forRange(c.i64(0), size, [inside!], (x, [inside]) => {
      const cr = b.fadd(c.f64(-2.0), b.fdiv(b.fmul(c.f64(2.5), b.fcvtFromSint(F64, x)), sizeF));
      const [, , it] = b.while(
        [c.f64(0), c.f64(0), c.i64(0)],
        ([zr, zi, it]) => b.band(
          b.icmp('slt', it!, maxIter),
          b.fcmp('le', b.fadd(b.fmul(zr!, zr!), b.fmul(zi!, zi!)), c.f64(4.0)),
        ),
        ([zr, zi, it]) => {
          const t = b.fadd(b.fsub(b.fmul(zr!, zr!), b.fmul(zi!, zi!)), cr);
          const zi2 = b.fadd(b.fmul(b.fmul(c.f64(2.0), zr!), zi!), ci);
          return [t, zi2, b.iadd(it!, c.i64(1))];
        },
      );
      return [b.iadd(inside!, b.zext(I64, b.icmp('eq', it!, maxIter)))];
    });
  });
  b.return(inside!);
  b.finish();
}

function buildMatmul(m: Module): void {
  const b = m.function('matmul', [Ptr, Ptr, Ptr, I64], []).builder();
  const c = consts(b);
  const [pa, pb, pc, n] = b.params as [Value, Value, Value, Value];
  b.forRange(c.i64(0), n, [], (i) => {
    b.forRange(c.i64(0), n, [], (j) => {
      const [s] = b.forRange(c.i64(0), n, [c.f64(0)], (k, [s]) => {
        const x = b.load(F64, c.at(pa, b.iadd(b.imul(i, n), k), 8));
        const y = b.load(F64, c.at(pb, b.iadd(b.imul(k, n), j), 8));
        return [b.fadd(s!, b.fmul(x, y))];
      });
      b.store(s!, c.at(pc, b.iadd(b.imul(i, n), j), 8));
      return [];
    });
    return [];
  });
  b.return();
  b.finish();
}

function buildNbody(m: Module): void {
  const b = m.function('nbody', [Ptr, I64, I64], [F64]).builder();
  const c = consts(b);
  const [p, nb, steps] = b.params as [Value, Value, Value];
  const body = (i: Value) => c.at(p, i, 56); // 7 doubles per body
  const ld = (q: Value, field: number) => b.load(F64, q, field * 8);
  const st = (q: Value, field: number, v: Value) => b.store(v, q, field * 8);
  b.forRange(c.i64(0), steps, [], () => {
    b.forRange(c.i64(0), nb, [], (i) => {
      const bi = body(i);
      b.forRange(b.iadd(i, c.i64(1)), nb, [], (j) => {
        const bj = body(j);
        const dx = b.fsub(ld(bi, 0), ld(bj, 0));
        const dy = b.fsub(ld(bi, 1), ld(bj, 1));
        const dz = b.fsub(ld(bi, 2), ld(bj, 2));
        const d2 = b.fadd(b.fadd(b.fmul(dx, dx), b.fmul(dy, dy)), b.fmul(dz, dz));
        const mag = b.fdiv(c.f64(0.01), b.fmul(d2, b.fsqrt(d2)));
        st(bi, 3, b.fsub(ld(bi, 3), b.fmul(b.fmul(dx, ld(bj, 6)), mag)));
        st(bi, 4, b.fsub(ld(bi, 4), b.fmul(b.fmul(dy, ld(bj, 6)), mag)));
        st(bi, 5, b.fsub(ld(bi, 5), b.fmul(b.fmul(dz, ld(bj, 6)), mag)));
        st(bj, 3, b.fadd(ld(bj, 3), b.fmul(b.fmul(dx, ld(bi, 6)), mag)));
        st(bj, 4, b.fadd(ld(bj, 4), b.fmul(b.fmul(dy, ld(bi, 6)), mag)));
        st(bj, 5, b.fadd(ld(bj, 5), b.fmul(b.fmul(dz, ld(bi, 6)), mag)));
        return [];
      });
      return [];
    });
    b.forRange(c.i64(0), nb, [], (i) => {
      const q = body(i);
      st(q, 0, b.fadd(ld(q, 0), b.fmul(c.f64(0.01), ld(q, 3))));
      st(q, 1, b.fadd(ld(q, 1), b.fmul(c.f64(0.01), ld(q, 4))));
      st(q, 2, b.fadd(ld(q, 2), b.fmul(c.f64(0.01), ld(q, 5))));
      return [];
    });
    return [];
  });
  const [e] = b.forRange(c.i64(0), nb, [c.f64(0)], (i, [e]) => {
    const bi = body(i);
    const v2 = b.fadd(b.fadd(b.fmul(ld(bi, 3), ld(bi, 3)), b.fmul(ld(bi, 4), ld(bi, 4))), b.fmul(ld(bi, 5), ld(bi, 5)));
    const e1 = b.fadd(e!, b.fmul(b.fmul(c.f64(0.5), ld(bi, 6)), v2));
    return b.forRange(b.iadd(i, c.i64(1)), nb, [e1], (j, [e]) => {
      const bj = body(j);
      const dx = b.fsub(ld(bi, 0), ld(bj, 0));
      const dy = b.fsub(ld(bi, 1), ld(bj, 1));
      const dz = b.fsub(ld(bi, 2), ld(bj, 2));
      const d = b.fsqrt(b.fadd(b.fadd(b.fmul(dx, dx), b.fmul(dy, dy)), b.fmul(dz, dz)));
      return [b.fsub(e!, b.fdiv(b.fmul(ld(bi, 6), ld(bj, 6)), d))];
    });
  });
  b.return(e!);
  b.finish();
}

function buildSpectral(m: Module): void {
  // snA(i, j) = 1 / ((i+j)(i+j+1)/2 + i + 1)
  const fa = m.function('sn_a', [I64, I64], [F64]);
  {
    const b = fa.builder();
    const c = consts(b);
    const [i, j] = b.params as [Value, Value];
    const s = b.iadd(i, j);
    const t = b.sdiv(b.imul(s, b.iadd(s, c.i64(1))), c.i64(2));
    b.return(b.fdiv(c.f64(1.0), b.fcvtFromSint(F64, b.iadd(b.iadd(t, i), c.i64(1)))));
    b.finish();
  }
  const mult = (name: string, transpose: boolean) => {
    const f = m.function(name, [I64, Ptr, Ptr], []);
    const b = f.builder();
    const c = consts(b);
    const [n, v, out] = b.params as [Value, Value, Value];
    b.forRange(c.i64(0), n, [], (i) => {
      const [s] = b.forRange(c.i64(0), n, [c.f64(0)], (j, [s]) => {
        const a = transpose ? b.call(fa, [j, i]) : b.call(fa, [i, j]);
        return [b.fadd(s!, b.fmul(a, b.load(F64, c.at(v, j, 8))))];
      });
      b.store(s!, c.at(out, i, 8));
      return [];
    });
    b.return();
    b.finish();
    return f;
  };
  const av = mult('sn_av', false);
  const atv = mult('sn_atv', true);
  const b = m.function('spectral', [Ptr, Ptr, Ptr, I64], [F64]).builder();
  const c = consts(b);
  const [u, v, tmp, n] = b.params as [Value, Value, Value, Value];
  b.forRange(c.i64(0), n, [], (i) => {
    b.store(c.f64(1.0), c.at(u, i, 8));
    return [];
  });
  b.forRange(c.i64(0), c.i64(10), [], () => {
    b.callAll(av, [n, u, tmp]);
    b.callAll(atv, [n, tmp, v]);
    b.callAll(av, [n, v, tmp]);
    b.callAll(atv, [n, tmp, u]);
    return [];
  });
  const [vbv, vv] = b.forRange(c.i64(0), n, [c.f64(0), c.f64(0)], (i, [vbv, vv]) => {
    const ui = b.load(F64, c.at(u, i, 8));
    const vi = b.load(F64, c.at(v, i, 8));
    return [b.fadd(vbv!, b.fmul(ui, vi)), b.fadd(vv!, b.fmul(vi, vi))];
  });
  b.return(b.fsqrt(b.fdiv(vbv!, vv!)));
  b.finish();
}

function buildHeapsort(m: Module): void {
  const b = m.function('heapsort', [Ptr, I64], []).builder();
  const c = consts(b);
  const [a, n] = b.params as [Value, Value];
  const elem = (k: Value) => c.at(a, k, 4);
  const limit = b.ineg(b.isub(n, c.i64(1)));
  b.while([b.isub(b.sdiv(n, c.i64(2)), c.i64(1))], ([start]) => b.icmp('sge', start!, limit), ([start]) => {
    const [root0, end] = b.ifElse(b.icmp('sge', start!, c.i64(0)), [I64, I64], () => [start!, n], () => {
      const end = b.iadd(n, start!);
      const t = b.load(I32, a);
      b.store(b.load(I32, elem(end)), a);
      b.store(t, elem(end));
      return [c.i64(0), end];
    });
    // sift down: loop with two exits
    const head = b.block(I64);
    const check = b.block();
    const swap = b.block(I64);
    const done = b.block();
    b.jump(head, [root0!]);
    b.switchTo(head);
    const [root] = b.blockParams(head) as [Value];
    const child = b.iadd(b.imul(root, c.i64(2)), c.i64(1));
    b.brif(b.icmp('sge', child, end!), done, check);
    b.switchTo(check);
    const next = b.iadd(child, c.i64(1));
    const [chosen] = b.ifElse(b.icmp('slt', next, end!), [I64], () => [
      b.select(b.icmp('slt', b.load(I32, elem(child)), b.load(I32, elem(next))), next, child),
    ], () => [child]);
    b.brif(b.icmp('sge', b.load(I32, elem(root)), b.load(I32, elem(chosen!))), done, { block: swap, args: [chosen!] });
    b.switchTo(swap);
    const [ch] = b.blockParams(swap) as [Value];
    const t = b.load(I32, elem(root));
    b.store(b.load(I32, elem(ch)), elem(root));
    b.store(t, elem(ch));
    b.jump(head, [ch]);
    b.switchTo(done);
    return [b.isub(start!, c.i64(1))];
  });
  b.return();
  b.finish();
}

function buildCrc32(m: Module): void {
  const b = m.function('crc32', [Ptr, I64], [I32]).builder();
  const c = consts(b);
  const [p, len] = b.params as [Value, Value];
  const [crc] = b.forRange(c.i64(0), len, [c.i32(-1)], (i, [crc]) => {
    const x = b.bxor(crc!, b.uload8(I32, b.iadd(p, i)));
    return b.forRange(c.i32(0), c.i32(8), [x], (_k, [v]) => [
      b.bxor(b.ushr(v!, c.i32(1)), b.band(c.i32(0xedb88320 | 0), b.ineg(b.band(v!, c.i32(1))))),
    ]);
  });
  b.return(b.bnot(crc!));
  b.finish();
}

function buildInterp(m: Module): void {
  const b = m.function('interp', [Ptr, Ptr], [I32]).builder();
  const c = consts(b);
  const [code, stack] = b.params as [Value, Value];
  const head = b.block(I64, I64);
  const cases = Array.from({ length: 8 }, () => b.block());
  const other = b.block();
  b.jump(head, [c.i64(0), c.i64(0)]);
  b.switchTo(head);
  const [pc, sp] = b.blockParams(head) as [Value, Value];
  const op = b.load(I32, c.at(code, pc, 4));
  b.brTable(op, other, cases);
  const slot = (k: Value) => c.at(stack, k, 4);
  const top = () => slot(b.isub(sp, c.i64(1)));
  const pc1 = () => b.iadd(pc, c.i64(1));
  // 0 halt
  b.switchTo(cases[0]!);
  b.return(b.load(I32, top()));
  // 1 push imm
  b.switchTo(cases[1]!);
  b.store(b.load(I32, c.at(code, pc, 4), 4), slot(sp));
  b.jump(head, [b.iadd(pc, c.i64(2)), b.iadd(sp, c.i64(1))]);
  // 2 add, 3 sub
  for (const [k, sub] of [[2, false], [3, true]] as const) {
    b.switchTo(cases[k]!);
    const sp1 = b.isub(sp, c.i64(1));
    const x = b.load(I32, slot(sp1), -4);
    const y = b.load(I32, slot(sp1));
    b.store(sub ? b.isub(x, y) : b.iadd(x, y), slot(sp1), -4);
    b.jump(head, [pc1(), sp1]);
  }
  // 4 dup
  b.switchTo(cases[4]!);
  b.store(b.load(I32, top()), slot(sp));
  b.jump(head, [pc1(), b.iadd(sp, c.i64(1))]);
  // 5 jnz target
  b.switchTo(cases[5]!);
  {
    const sp1 = b.isub(sp, c.i64(1));
    const cond = b.load(I32, slot(sp1));
    const target = b.sext(I64, b.load(I32, c.at(code, pc, 4), 4));
    b.jump(head, [b.select(cond, target, b.iadd(pc, c.i64(2))), sp1]);
  }
  // 6 swap
  b.switchTo(cases[6]!);
  {
    const q = top();
    const x = b.load(I32, q);
    b.store(b.load(I32, q, -4), q);
    b.store(x, q, -4);
    b.jump(head, [pc1(), sp]);
  }
  // 7 x = (x * 3) ^ 0x5a
  b.switchTo(cases[7]!);
  {
    const q = top();
    b.store(b.bxor(b.imul(b.load(I32, q), c.i32(3)), c.i32(0x5a)), q);
    b.jump(head, [pc1(), sp]);
  }
  // other: drop
  b.switchTo(other);
  b.jump(head, [pc1(), b.isub(sp, c.i64(1))]);
  b.finish();
}

const BUILDERS: Record<KernelName, (m: Module) => void> = {
  fib: buildFib,
  sieve: buildSieve,
  mandelbrot: buildMandelbrot,
  matmul: buildMatmul,
  nbody: buildNbody,
  spectral: buildSpectral,
  heapsort: buildHeapsort,
  crc32: buildCrc32,
  interp: buildInterp,
};

/** One module with every kernel (and spectral-norm's helpers). */
export function buildKernels(): Module {
  const m = new Module('kernels');
  for (const build of Object.values(BUILDERS)) build(m);
  return m;
}

/** A module with one kernel (and its helpers), for per-kernel compile times. */
export function buildKernel(name: KernelName): Module {
  const m = new Module(name);
  BUILDERS[name](m);
  return m;
}
