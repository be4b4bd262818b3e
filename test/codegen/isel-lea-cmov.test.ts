/**
 * Instruction selection of three-operand adds as `lea`, of compares with zero and of single-use
 * `band`s as `test`, of integer selects as `cmp`/`test` + `cmovcc` (the icmp fused), and of
 * single-use loads as the memory operand of their ALU user. Each test
 * checks the emitted instructions through the disassembler and the results against the IR
 * interpreter.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { interpret, parse } from '../../src/ir/index.js';
import { compile } from '../../src/codegen/compile.js';

/** The instruction lines of the disassembly after the prologue, without the IR annotations. */
function body(text: string): string {
  return text.slice(text.indexOf('; block0:'), text.indexOf('; (trap stubs)')).replace(/^\s*;.*\n/gm, '');
}

/** Compiles `src`, checks each function's disassembly with `check`, and compares every call in `cases` with the interpreter. */
async function checkAgainstInterpreter(src: string, cases: Record<string, unknown[][]>, check: (name: string, text: string) => void): Promise<void> {
  const m = parse(src);
  const c = compile(parse(src));
  try {
    for (const [name, calls] of Object.entries(cases)) {
      check(name, body(await c.disassemble(name)));
      for (const args of calls) assert.equal(c.functions[name]!(...args), interpret(m, name, args), `${name}(${args.join(', ')})`);
    }
  } finally {
    c.free();
  }
}

const I64_EDGES = [0n, 1n, -1n, 0x7fffffffn, -0x80000000n, 0x7fffffffffffffffn, -0x8000000000000000n];
const I32_EDGES = [0, 1, -1, 0x7fffffff, -0x80000000, 12345];
const pairs = <T>(xs: readonly T[]): T[][] => xs.flatMap((x) => xs.map((y) => [x, y]));

test('adds become lea: a + b, a + b*8 + disp32 (i64), a + b*4 + INT_MIN (i32), imul by 9, a - k; sub keeps -INT_MIN', async () => {
  await checkAgainstInterpreter(`function %add(i64, i64) -> i64 {
block0(v0: i64, v1: i64):
    v2 = iadd v0, v1
    v3 = imul v2, v0
    return v3
}
function %scaled(i64, i64) -> i64 {
block0(v0: i64, v1: i64):
    v2 = iconst.i64 3
    v3 = ishl v1, v2
    v4 = iadd v0, v3
    v5 = iconst.i64 0x7fffffff
    v6 = iadd v4, v5
    return v6
}
function %scaled32(i32, i32) -> i32 {
block0(v0: i32, v1: i32):
    v2 = iconst.i32 4
    v3 = imul v1, v2
    v4 = iadd v3, v0
    v5 = iconst.i32 -2147483648
    v6 = iadd v4, v5
    return v6
}
function %mul9(i64) -> i64 {
block0(v0: i64):
    v1 = iconst.i64 9
    v2 = imul v0, v1
    return v2
}
function %dec(i32) -> i32 {
block0(v0: i32):
    v1 = iconst.i32 1
    v2 = isub v0, v1
    return v2
}
function %subMin(i64) -> i64 {
block0(v0: i64):
    v1 = iconst.i64 -2147483648
    v2 = isub v0, v1
    return v2
}
`, {
    add: pairs(I64_EDGES), scaled: pairs(I64_EDGES), scaled32: pairs(I32_EDGES),
    mul9: I64_EDGES.map((x) => [x]), dec: I32_EDGES.map((x) => [x]), subMin: I64_EDGES.map((x) => [x]),
  }, (name, text) => {
    switch (name) {
      case 'add': assert.match(text, /\blea r[a-z0-9]+, \[r[a-z0-9]+\+r[a-z0-9]+\]\n/); assert.doesNotMatch(text, /\badd\b/); break;
      case 'scaled': assert.match(text, /\blea r[a-z0-9]+, \[r[a-z0-9]+\+r[a-z0-9]+\*8\+7FFFFFFFh\]\n/); assert.doesNotMatch(text, /\b(shl|add)\b/); break;
      case 'scaled32': assert.match(text, /\blea e[a-z0-9]+, \[r[a-z0-9]+\+r[a-z0-9]+\*4-80000000h\]\n/); assert.doesNotMatch(text, /\b(imul|add)\b/); break;
      case 'mul9': assert.match(text, /\blea (r[a-z0-9]+), \[(r[a-z0-9]+)\+\2\*8\]\n/); assert.doesNotMatch(text, /\bimul\b/); break;
      case 'dec': assert.match(text, /\blea e[a-z0-9]+, \[r[a-z0-9]+-1\]\n/); break;
      default: assert.match(text, /\bsub r[a-z0-9]+, 0FFFFFFFF80000000h\n/); // 2^31 fits no displacement
    }
  });
});

test('compares with zero and single-use bands become test', async () => {
  await checkAgainstInterpreter(`function %neg(i64) -> i32 {
block0(v0: i64):
    v1 = iconst.i64 0
    v2 = icmp slt v0, v1
    brif v2, block1, block2
block1:
    v3 = iconst.i32 1
    return v3
block2:
    v4 = iconst.i32 2
    return v4
}
function %isZero(i32) -> i8 {
block0(v0: i32):
    v1 = iconst.i32 0
    v2 = icmp eq v0, v1
    return v2
}
function %anyBits(i64, i64) -> i8 {
block0(v0: i64, v1: i64):
    v2 = band v0, v1
    v3 = iconst.i64 0
    v4 = icmp ne v2, v3
    return v4
}
function %signBit8(i8) -> i32 {
block0(v0: i8):
    v1 = iconst.i8 0x80
    v2 = band v0, v1
    brif v2, block1, block2
block1:
    v3 = iconst.i32 1
    return v3
block2:
    v4 = iconst.i32 0
    return v4
}
`, {
    neg: I64_EDGES.map((x) => [x]), isZero: I32_EDGES.map((x) => [x]), anyBits: pairs(I64_EDGES),
    signBit8: [[0], [1], [-1], [127], [-128]],
  }, (name, text) => {
    assert.doesNotMatch(text, /\b(cmp|and)\b/);
    if (name === 'signBit8') assert.match(text, /\btest [a-z0-9]+l, 80h\n/);
    else if (name === 'anyBits') assert.match(text, /\btest r[a-z0-9]+, r[a-z0-9]+\n/);
    else assert.match(text, /\btest ([a-z0-9]+), \1\n/);
  });
});

test('integer selects become cmp/test + cmovcc with the icmp fused; float selects jump around a move', async () => {
  await checkAgainstInterpreter(`function %max(i64, i64) -> i64 {
block0(v0: i64, v1: i64):
    v2 = icmp sgt v0, v1
    v3 = select v2, v0, v1
    return v3
}
function %umin(i32, i32) -> i32 {
block0(v0: i32, v1: i32):
    v2 = icmp ult v0, v1
    v3 = select v2, v0, v1
    return v3
}
function %clampNeg(i32) -> i32 {
block0(v0: i32):
    v1 = iconst.i32 0
    v2 = icmp slt v0, v1
    v3 = select v2, v1, v0
    return v3
}
function %fpick(i64, f64, f64) -> f64 {
block0(v0: i64, v1: f64, v2: f64):
    v3 = iconst.i64 -2147483648
    v4 = icmp sle v0, v3
    v5 = select v4, v1, v2
    return v5
}
`, {
    max: pairs(I64_EDGES), umin: pairs(I32_EDGES), clampNeg: I32_EDGES.map((x) => [x]),
    fpick: I64_EDGES.map((x) => [x, 1.5, -2.5]),
  }, (name, text) => {
    assert.doesNotMatch(text, /\bset[a-z]+\b/);
    if (name === 'fpick') { assert.match(text, /\bcmp r[a-z0-9]+, 0FFFFFFFF80000000h\n.*\bjg\b/); return; }
    assert.doesNotMatch(text, /\bj[a-z]+ /);
    if (name === 'max') assert.match(text, /\bcmp r[a-z0-9]+, r[a-z0-9]+\n(.*\n)?.*\bcmov(g|le) /);
    else if (name === 'umin') assert.match(text, /\bcmov(b|ae) e/);
    else assert.match(text, /\btest ([a-z0-9]+), \1\n(.*\n)?.*\bcmov(l|ge) /);
  });
});

test('a single-use load is the memory operand of its ALU user, but not past a store', async () => {
  await checkAgainstInterpreter(`function %sum(i64, i64) -> i64 {
    ss0 = stack_slot 32, align 8
block0(v0: i64, v1: i64):
    v2 = stack_addr ss0
    store.i64 v0, v2
    store.i64 v1, v2+16
    v3 = iconst.i64 1
    v4 = iconst.i64 3
    v5 = ishl v3, v4
    v6 = iadd v2, v5
    v7 = load.i64 v6+8
    v8 = load.i64 v2
    v9 = bxor v8, v7
    v10 = imul v9, v1
    return v10
}
function %stored(i32, i32) -> i32 {
    ss0 = stack_slot 8, align 8
block0(v0: i32, v1: i32):
    v2 = stack_addr ss0
    store.i32 v0, v2
    v3 = load.i32 v2
    store.i32 v1, v2
    v4 = isub v1, v3
    return v4
}
`, { sum: pairs(I64_EDGES), stored: pairs(I32_EDGES) }, (name, text) => {
    if (name === 'sum') assert.match(text, /\bxor r[a-z0-9]+, qword ptr \[r[a-z0-9]+(\+8)?\]\n/);
    else assert.match(text, /\bmov e[a-z0-9]+, dword ptr \[r[a-z0-9]+\]\n/); // loaded before the store
  });
});
