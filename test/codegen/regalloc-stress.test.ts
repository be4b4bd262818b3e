/**
 * Register allocation stress: seeded random functions with many values live
 * at once (all folded into the result, so every value lives to the end),
 * calls in the middle (forcing callee-saved registers and spills), and loops
 * whose block parameters rotate (parallel-move cycles). Compiled == interpreted.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { Interpreter, parse } from '../../src/ir/index.js';
import { compile } from '../../src/codegen/compile.js';
import { cpuTimed } from '../../src/util/cpu-time.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return s / 4294967296;
  };
}

function genFunction(name: string, seed: number): string {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  let n = 0;
  const lines: string[] = [];
  const ints64: string[] = ['v0', 'v1'], ints32: string[] = [], floats: string[] = ['v2'];
  const def = (text: string): string => { const v = `v${3 + n++}`; lines.push(`    ${v} = ${text}`); return v; };
  ints32.push(def('trunc.i32 v0'));
  const count = 30 + Math.floor(r() * 40);
  for (let k = 0; k < count; k++) {
    const c = r();
    if (c < 0.3) {
      const op = pick(['iadd', 'isub', 'imul', 'band', 'bor', 'bxor', 'ishl', 'ushr', 'sshr', 'rotl', 'rotr']);
      const shift = op === 'ishl' || op === 'ushr' || op === 'sshr' || op === 'rotl' || op === 'rotr';
      ints64.push(def(`${op} ${pick(ints64)}, ${pick(shift ? [...ints64, ...ints32] : ints64)}`));
    } else if (c < 0.45) {
      ints32.push(def(`${pick(['iadd', 'isub', 'imul', 'bxor', 'ishl', 'sshr', 'rotr'])} ${pick(ints32)}, ${pick(ints32)}`));
    } else if (c < 0.55) {
      const one = def('iconst.i64 1');
      const d = def(`bor ${pick(ints64)}, ${one}`);
      ints64.push(def(`${pick(['udiv', 'urem', 'sdiv'])} ${pick(ints64)}, ${d}`));
    } else if (c < 0.7) {
      floats.push(def(`${pick(['fadd', 'fsub', 'fmul', 'fmin', 'fmax'])} ${pick(floats)}, ${pick(floats)}`));
    } else if (c < 0.75) {
      floats.push(def(`fcvt_from_sint.f64 ${pick(ints32)}`));
    } else if (c < 0.82) {
      const cond = def(`icmp ${pick(['slt', 'ult', 'eq', 'sge'])} ${pick(ints64)}, ${pick(ints64)}`);
      ints64.push(def(`select ${cond}, ${pick(ints64)}, ${pick(ints64)}`));
    } else if (c < 0.9) {
      ints64.push(def(`call %helper(${pick(ints64)}, ${pick(floats)})`));
    } else {
      ints64.push(def(`sext.i64 ${pick(ints32)}`));
    }
  }
  // A loop rotating three int and two float values (parallel-move cycles), 5 times.
  const [p1, p2, p3] = [pick(ints64), pick(ints64), pick(ints64)];
  const [q1, q2] = [pick(floats), pick(floats)];
  const zero = def('iconst.i64 0');
  lines.push(`    jump block1(${p1}, ${p2}, ${p3}, ${q1}, ${q2}, ${zero})`);
  lines.push('', 'block1(v1000: i64, v1001: i64, v1002: i64, v1003: f64, v1004: f64, v1005: i64):');
  lines.push('    v1006 = iconst.i64 5', '    v1007 = icmp slt v1005, v1006', '    brif v1007, block2, block3', '', 'block2:');
  lines.push('    v1008 = iconst.i64 1', '    v1009 = iadd v1005, v1008', '    v1010 = iadd v1000, v1009');
  lines.push('    jump block1(v1001, v1002, v1010, v1004, v1003, v1009)', '', 'block3:');
  // Fold everything so every value is live until here.
  let acc = 'v1000';
  let k = 0;
  for (const v of [...ints64, 'v1001', 'v1002']) { lines.push(`    v${1100 + k} = bxor ${acc}, ${v}`); acc = `v${1100 + k++}`; lines.push(`    v${1100 + k} = rotl ${acc}, ${acc}`); acc = `v${1100 + k++}`; }
  for (const v of ints32) { lines.push(`    v${1100 + k} = sext.i64 ${v}`); lines.push(`    v${1101 + k} = iadd ${acc}, v${1100 + k}`); acc = `v${1101 + k}`; k += 2; }
  let facc = 'v1003';
  for (const v of [...floats, 'v1004']) { lines.push(`    v${1100 + k} = fadd ${facc}, ${v}`); facc = `v${1100 + k++}`; }
  lines.push(`    return ${acc}, ${facc}`);
  return `function %${name}(i64, i64, f64) -> i64, f64 {\nblock0(v0: i64, v1: i64, v2: f64):\n${lines.join('\n')}\n}\n`;
}

const HELPER = `function %helper(i64, f64) -> i64 {
block0(v0: i64, v1: f64):
    v2 = fcvt_from_sint.f64 v0
    v3 = fcmp lt v2, v1
    v4 = sext.i64 v3
    v5 = iconst.i64 3
    v6 = imul v0, v5
    v7 = iadd v6, v4
    return v7
}
`;

for (const tier of ['optimizing', 'baseline'] as const) test(`random functions with high register pressure: compiled (${tier} tier) == interpreted`, async () => {
  const count = 60;
  const text = HELPER + Array.from({ length: count }, (_, i) => genFunction(`r${i}`, 1000 + i)).join('');
  const m = parse(text);
  const it = new Interpreter(m);
  const c = compile(m, { tier });
  const inputs: [bigint, bigint, number][] = [[0n, 0n, 0], [1n, -1n, 1.5], [123456789n, -987654321n, -2.25], [-(1n << 63n), (1n << 63n) - 1n, 1e10], [42n, 7n, NaN]];
  let spills = 0;
  try {
    for (let i = 0; i < count; i++) {
      for (const args of inputs) {
        const want = it.call(`r${i}`, args) as [bigint, number];
        const got = c.functions[`r${i}`]!(...args) as [bigint, number];
        assert.equal(got[0], want[0], `r${i}(${args.join(', ')}) (${tier})`);
        assert.ok(Object.is(got[1], want[1]) || (Number.isNaN(got[1]) && Number.isNaN(want[1])), `r${i}(${args.join(', ')}): ${got[1]} vs ${want[1]}`);
      }
    }
    // The pressure is real: most functions spill.
    const text = await c.disassemble();
    for (const mm of text.matchAll(/, (\d+) spill slots\)/g)) if (Number(mm[1]) > 0) spills++;
  } finally {
    c.free();
  }
  assert.ok(spills > count / 2, `only ${spills} functions spilled`);
});

/**
 * A ~200k-machine-instruction function: a long straight-line chain where many
 * values stay live (sliding window), then a loop over a window of them.
 */
function bigFunction(values: number): string {
  const lines: string[] = ['block0(v0: i64, v1: i64):'];
  const window = 40;
  for (let i = 2; i < values; i++) {
    const a = `v${i - 1}`, b = `v${Math.max(0, i - 1 - ((i * 7) % window))}`;
    lines.push(`    v${i} = ${i % 3 === 0 ? 'iadd' : i % 3 === 1 ? 'bxor' : 'isub'} ${a}, ${b}`);
  }
  const n = values;
  lines.push(`    v${n} = iconst.i64 0`, `    jump block1(v${n}, v${n - 1})`, '', `block1(v${n + 1}: i64, v${n + 2}: i64):`);
  let acc = `v${n + 2}`, k = n + 3;
  for (let j = 0; j < window; j++) { lines.push(`    v${k} = iadd ${acc}, v${n - 1 - j}`); acc = `v${k++}`; }
  lines.push(`    v${k} = iconst.i64 1`, `    v${k + 1} = iadd v${n + 1}, v${k}`, `    v${k + 2} = icmp slt v${k + 1}, v1`);
  lines.push(`    brif v${k + 2}, block1(v${k + 1}, ${acc}), block2`, '', 'block2:', `    return v${n + 2}`);
  return `function %big(i64, i64) -> i64 {\n${lines.join('\n')}\n}\n`;
}

/** ~17 machine instructions per block (block arguments on both edges: edge blocks), `blocks` blocks. */
function manyBlocks(blocks: number): string {
  const lines = ['block0(v0: i64, v1: i64):', '    jump block1(v0, v1)'];
  let v = 2;
  for (let b = 1; b <= blocks; b++) {
    const a = v++, c = v++;
    lines.push('', `block${b}(v${a}: i64, v${c}: i64):`);
    let x = a;
    for (let k = 0; k < 4; k++) { lines.push(`    v${v} = iadd v${x}, v${c}`); x = v++; }
    const cond = v++;
    lines.push(`    v${cond} = icmp slt v${x}, v1`);
    lines.push(b < blocks ? `    brif v${cond}, block${b + 1}(v${x}, v${c}), block${b + 1}(v${c}, v${x})` : `    return v${x}`);
  }
  return `function %blocks(i64, i64) -> i64 {\n${lines.join('\n')}\n}\n`;
}

/**
 * Compiles `text` at -O0, checks `name(3, 1000)` against the interpreter, and returns the
 * compile's CPU time in ms (not wall-clock time, which a loaded machine stretches).
 */
function timedCompile(text: string, name: string): number {
  const m = parse(text);
  const { result: c, cpuMs: ms } = cpuTimed(() => compile(m));
  try {
    assert.equal(c.functions[name]!(3n, 1000n), new Interpreter(m).call(name, [3n, 1000n]));
  } finally {
    c.free();
  }
  return ms;
}

test('a ~200k-instruction function in 12k blocks compiles at -O0 in seconds (liveness is sparse)', () => {
  const ms = timedCompile(manyBlocks(12000), 'blocks');
  assert.ok(ms < 10000, `compiling took ${ms.toFixed(0)} ms of CPU time`);
});

test('a ~200k-instruction function compiles at -O0 in seconds (allocation is near-linear)', () => {
  const ms = timedCompile(bigFunction(100000), 'big');
  assert.ok(ms < 10000, `compiling took ${ms.toFixed(0)} ms of CPU time`);
});
