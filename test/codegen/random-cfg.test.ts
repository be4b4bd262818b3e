/**
 * Random control flow: seeded functions made of blocks with parameters, joined
 * by jump / brif / br_table edges that pass random block arguments (often the
 * same value twice, or parameters in rotated order), with calls that take stack
 * arguments and return several results. Exercises liveness across blocks, edge
 * blocks, parallel moves with spilled locations and cycles. Compiled == interpreted.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { Interpreter, parse } from '../../src/ir/index.js';
import { compile } from '../../src/codegen/compile.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return ((s >>> 8) & 0xffffff) / 0x1000000;
  };
}

const TYPES = ['i8', 'i32', 'i64', 'f64'] as const;
type T = (typeof TYPES)[number];

const HELPERS = `function %h8(i64, i64, i64, i64, i64, i64, i64, i64, f64) -> i64, f64 {
block0(v0: i64, v1: i64, v2: i64, v3: i64, v4: i64, v5: i64, v6: i64, v7: i64, v8: f64):
    v9 = isub v0, v7
    v10 = imul v9, v6
    v11 = bxor v10, v1
    v12 = iadd v11, v5
    v13 = fcvt_from_sint.f64 v12
    v14 = fadd v13, v8
    return v12, v14
}
`;

function genFunction(name: string, seed: number): string {
  const r = rng(seed);
  const pick = <X>(xs: readonly X[]): X => xs[Math.floor(r() * xs.length)]!;
  const nb = 3 + Math.floor(r() * 8);
  const params: T[][] = [['i64', 'i32', 'f64', 'i8']];
  for (let b = 1; b < nb; b++) params.push(Array.from({ length: 1 + Math.floor(r() * 6) }, () => pick(TYPES)));
  let vn = 0;
  const out: string[] = [];
  for (let b = 0; b < nb; b++) {
    const avail: { v: string; t: T }[] = [];
    const ps = params[b]!.map((t) => { const v = `v${vn++}`; avail.push({ v, t }); return `${v}: ${t}`; });
    out.push(`${b === 0 ? '' : '\n'}block${b}(${ps.join(', ')}):`);
    const def = (t: T, text: string): string => { const v = `v${vn++}`; out.push(`    ${v} = ${text}`); avail.push({ v, t }); return v; };
    const of = (t: T): string => { const c = avail.filter((a) => a.t === t); if (c.length > 0) return pick(c).v; return def(t, t === 'f64' ? 'fconst.f64 1.25' : `iconst.${t} 3`); };
    const ops = 2 + Math.floor(r() * 8);
    for (let k = 0; k < ops; k++) {
      const c = r();
      if (c < 0.25) { const t = pick(['i8', 'i32', 'i64'] as const); def(t, `${pick(['iadd', 'isub', 'imul', 'bxor', 'band', 'rotl', 'sshr'])} ${of(t)}, ${of(t)}`); }
      else if (c < 0.4) def('f64', `${pick(['fadd', 'fmul', 'fsub', 'fmax'])} ${of('f64')}, ${of('f64')}`);
      else if (c < 0.5) def('i64', `sext.i64 ${of(pick(['i8', 'i32'] as const))}`);
      else if (c < 0.6) def('i32', `trunc.i32 ${of('i64')}`);
      else if (c < 0.7) { const t = pick(['i32', 'i64'] as const); const cond = def('i8', `icmp ${pick(['slt', 'ugt', 'eq'])} ${of(t)}, ${of(t)}`); def(t, `select ${cond}, ${of(t)}, ${of(t)}`); }
      else if (c < 0.78) {
        const args = Array.from({ length: 8 }, () => of('i64'));
        const a = `v${vn++}`, f = `v${vn++}`;
        out.push(`    ${a}, ${f} = call %h8(${args.join(', ')}, ${of('f64')})`);
        avail.push({ v: a, t: 'i64' }, { v: f, t: 'f64' });
      } else if (c < 0.85) def('f64', `fcvt_from_sint.f64 ${of('i32')}`);
      else { const one = def('i64', 'iconst.i64 1'); const d = def('i64', `bor ${of('i64')}, ${one}`); def('i64', `urem ${of('i64')}, ${d}`); }
    }
    const dest = (j: number): string => `block${j}(${params[j]!.map((t) => of(t)).join(', ')})`;
    if (b === nb - 1 || (b > 0 && r() < 0.08)) {
      // Fold everything available into the results.
      let acc = def('i64', 'iconst.i64 0'), facc = def('f64', 'fconst.f64 0.0');
      for (const a of [...avail]) {
        if (a.t === 'f64') facc = def('f64', `fadd ${facc}, ${a.v}`);
        else { const x = a.t === 'i64' ? a.v : def('i64', `sext.i64 ${a.v}`); acc = def('i64', `bxor ${def('i64', `rotl ${acc}, ${of('i64')}`)}, ${x}`); }
      }
      out.push(`    return ${acc}, ${facc}`);
      continue;
    }
    const later = (): number => b + 1 + Math.floor(r() * (nb - b - 1));
    const c = r();
    if (c < 0.35) out.push(`    jump ${dest(later())}`);
    else if (c < 0.75) out.push(`    brif ${of(pick(['i8', 'i32', 'i64'] as const))}, ${dest(later())}, ${dest(later())}`);
    else out.push(`    br_table ${of(pick(['i8', 'i32'] as const))}, ${dest(later())}, [${dest(later())}, ${dest(later())}, ${dest(later())}]`);
  }
  return `function %${name}(i64, i32, f64, i8) -> i64, f64 {\n${out.join('\n')}\n}\n`;
}

for (const tier of ['optimizing', 'baseline'] as const) test(`random control flow with block arguments: compiled (${tier} tier) == interpreted`, () => {
  const count = 150;
  const m = parse(HELPERS + Array.from({ length: count }, (_, i) => genFunction(`g${i}`, 77 + i)).join('\n'));
  const it = new Interpreter(m);
  const c = compile(m, { tier });
  const inputs: [bigint, number, number, number][] = [[0n, 0, 0, 0], [5n, 1, 2.5, 1], [-3n, 2, -1.5, 2], [1n << 40n, -1, 1e9, -1], [-(1n << 63n), 0x7fffffff, NaN, 127]];
  const failures: string[] = [];
  try {
    for (let i = 0; i < count; i++) {
      for (const args of inputs) {
        const want = it.call(`g${i}`, args) as [bigint, number];
        const got = c.functions[`g${i}`]!(...args) as [bigint, number];
        const ok = got[0] === want[0] && (Object.is(got[1], want[1]) || (Number.isNaN(got[1]) && Number.isNaN(want[1])));
        if (!ok) failures.push(`g${i}(${args.join(', ')}): compiled (${tier}) ${got.join(', ')}, interpreted ${want.join(', ')}`);
      }
    }
  } finally {
    c.free();
  }
  assert.equal(failures.slice(0, 10).join('\n'), '');
});
