/**
 * Backend behaviour beyond the filetests: C calls (variadic snprintf/printf,
 * qsort calling back into jitted code), traps (every code, re-entrancy through
 * C frames, stack overflow, recovery), the JS value mapping, free(), and the
 * annotated disassembly.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as path from 'node:path';
import { Interpreter, TrapError, parse } from '../../src/ir/index.js';
import { compile } from '../../src/codegen/compile.js';
import { signatureHash } from '../../src/codegen/signature-hash.js';
import { Type, signatureText } from '../../src/ir/types.js';

const distRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

test('variadic C call: snprintf with an f64 (al = vector register count) and an i32', () => {
  const m = parse(`data %fmt readonly = { 25 2e 33 66 20 25 64 20 25 73 00 }
data %word readonly = { 6f 6b 00 }
import %snprintf(ptr, i64, ptr, f64, i32, ptr) -> i32

function %format(ptr, f64, i32) -> i32 {
block0(v0: ptr, v1: f64, v2: i32):
    v3 = iconst.i64 64
    v4 = global_addr %fmt
    v5 = global_addr %word
    v6 = call %snprintf(v0, v3, v4, v1, v2, v5)
    return v6
}
`);
  const c = compile(m);
  const buf = Buffer.alloc(64);
  assert.equal(c.functions.format!(buf, 1.5, -42), 12);
  assert.equal(buf.toString('latin1', 0, 12), '1.500 -42 ok');
  c.free();
});

test('printf through a variadic import prints from jitted code (child process)', () => {
  const script = `
    import { parse } from ${JSON.stringify(path.join(distRoot, 'src/ir/index.js'))};
    import { compile } from ${JSON.stringify(path.join(distRoot, 'src/codegen/compile.js'))};
    const m = parse(\`data %fmt readonly = { 78 3d 25 6c 64 20 79 3d 25 67 0a 00 }
import %printf(ptr, i64, f64) -> i32
import %fflush(ptr) -> i32

function %show(i64, f64) -> i32 {
block0(v0: i64, v1: f64):
    v2 = global_addr %fmt
    v3 = call %printf(v2, v0, v1)
    v4 = iconst.i64 0
    v5 = bitcast.ptr v4
    v6 = call %fflush(v5)
    return v3
}
\`);
    const n = compile(m).functions.show(42n, 0.25);
    process.stderr.write('returned ' + n + '\\n');`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(r.stderr, 'returned 12\n');
  assert.equal(r.stdout, 'x=42 y=0.25\n');
});

const QSORT = `import %qsort(ptr, i64, i64, ptr)

function %cmp(ptr, ptr) -> i32 {
block0(v0: ptr, v1: ptr):
    v2 = load.i32 v0
    v3 = load.i32 v1
    v4 = icmp slt v2, v3
    v5 = icmp sgt v2, v3
    v6 = sext.i32 v5
    v7 = sext.i32 v4
    v8 = isub v6, v7
    return v8
}

function %cmp_trapping(ptr, ptr) -> i32 {
block0(v0: ptr, v1: ptr):
    v2 = load.i32 v0
    v3 = load.i32 v1
    v4 = iconst.i32 13
    v5 = icmp eq v2, v4
    brif v5, block1, block2

block1:
    trap user13

block2:
    v6 = call %cmp(v0, v1)
    return v6
}

function %sort(ptr, i64, i8) {
block0(v0: ptr, v1: i64, v2: i8):
    v3 = iconst.i64 4
    v4 = func_addr %cmp
    v5 = func_addr %cmp_trapping
    v6 = select v2, v5, v4
    call %qsort(v0, v1, v3, v6)
    return
}
`;

test('C calls back into jitted code: qsort with a jitted comparator (function pointer)', () => {
  const c = compile(parse(QSORT));
  const a = Int32Array.from({ length: 200 }, (_, i) => ((i * 7919) % 211) - 100);
  const want = Array.from(a).sort((x, y) => x - y);
  c.functions.sort!(a, BigInt(a.length), 0);
  assert.deepEqual(Array.from(a), want);
  c.free();
});

test('a trap under C frames (qsort callback) unwinds to the entry and is re-entrant-safe', () => {
  const c = compile(parse(QSORT));
  const a = Int32Array.from([5, 13, 1, 9]);
  assert.throws(() => c.functions.sort!(a, 4n, 1), (e: unknown) => e instanceof TrapError && e.trap === 'user13');
  // The module still works, repeatedly, and traps again.
  for (let k = 0; k < 3; k++) {
    const b = Int32Array.from([3, 2, 1]);
    c.functions.sort!(b, 3n, 1);
    assert.deepEqual(Array.from(b), [1, 2, 3]);
    assert.throws(() => c.functions.sort!(Int32Array.from([13, 0]), 2n, 1), /trap user13/);
  }
  c.free();
});

test('every trap code becomes a TrapError equal to the interpreter\'s', () => {
  const m = parse(`function %t(i32, i64, f64) -> i64 {
    sig0 = (i64) -> i64

block0(v0: i32, v1: i64, v2: f64):
    br_table v0, block9, [block1, block2, block3, block4, block5, block6, block7]

block1:
    trap unreachable

block2:
    v3 = iconst.i64 0
    v4 = sdiv v1, v3
    return v4

block3:
    v5 = iconst.i64 -1
    v6 = sdiv v1, v5
    return v6

block4:
    v7 = fcvt_to_sint.i64 v2
    return v7

block5:
    v8 = call %t(v0, v1, v2)
    return v8

block6:
    v9 = func_addr %t
    v10 = call_indirect sig0, v9(v1)
    return v10

block7:
    trap user65535

block9:
    return v1
}
`);
  const c = compile(m, { stackSize: 256 * 1024 });
  const it = new Interpreter(m, { maxDepth: 100 });
  const min = -(1n << 63n);
  const cases: [number, bigint, number, string][] = [
    [0, 1n, 0, 'unreachable'], [1, 1n, 0, 'int_divz'], [2, min, 0, 'int_ovf'], [3, 0n, NaN, 'bad_conv'],
    [3, 0n, 2 ** 63, 'bad_conv'], [4, 0n, 0, 'stk_ovf'], [5, 0n, 0, 'bad_sig'], [6, 0n, 0, 'user65535'],
  ];
  for (const [sel, x, y, name] of cases) {
    let got: unknown, want: unknown;
    try { c.functions.t!(sel, x, y); } catch (e) { got = e; }
    try { it.call('t', [sel, x, y]); } catch (e) { want = e; }
    assert.ok(got instanceof TrapError, `${name}: compiled did not trap`);
    assert.ok(want instanceof TrapError, `${name}: interpreter did not trap`);
    assert.equal(got.trap, name);
    assert.equal(got.trap, want.trap);
    assert.equal(got.code, want.code);
    assert.match(got.message, new RegExp(`^trap ${name}: `));
    // No trap left behind: a normal call right after works.
    assert.equal(c.functions.t!(100, 77n, 0), 77n);
  }
  c.free();
});

test('the JS value mapping: narrow ints wrap, i64 and ptr are bigints, several results come back as an array', () => {
  const c = compile(parse(`function %f(i8, i16, i32, i64, ptr, f32, f64) -> i8, i16, i32, i64, ptr, f32, f64 {
block0(v0: i8, v1: i16, v2: i32, v3: i64, v4: ptr, v5: f32, v6: f64):
    return v0, v1, v2, v3, v4, v5, v6
}
function %addr(ptr) -> ptr {
block0(v0: ptr):
    return v0
}
`));
  assert.deepEqual(c.functions.f!(200, 40000n, 2 ** 31, 5, -1n, 0.1, -0), [-56, -25536, -(2 ** 31), 5n, -1n, Math.fround(0.1), -0]);
  const buf = Buffer.alloc(16);
  const a1 = c.functions.addr!(buf) as bigint, a2 = c.functions.addr!(buf.subarray(4)) as bigint;
  assert.equal(a2 - a1, 4n);
  assert.equal(c.functions.addr!(null), 0n);
  assert.throws(() => c.functions.f!(1.5, 0, 0, 0n, 0n, 0, 0), /cannot pass 1.5 as i8/);
  assert.throws(() => c.functions.addr!(), /expects 1 argument/);
  c.free();
  assert.throws(() => c.functions.addr!(0n), /was freed/);
});

test('disassembly is annotated with the IR', async () => {
  const c = compile(parse(`function %fib(i64) -> i64 {
block0(v0: i64):
    v1 = iconst.i64 2
    v2 = icmp slt v0, v1
    brif v2, block1, block2

block1:
    return v0

block2:
    v3 = iconst.i64 1
    v4 = isub v0, v3
    v5 = call %fib(v4)
    v6 = isub v0, v1
    v7 = call %fib(v6)
    v8 = iadd v5, v7
    return v8
}
`));
  const text = await c.disassemble('fib');
  assert.match(text, /^function %fib @ 0x[0-9a-f]+ \(\d+ bytes/);
  assert.match(text, /;\s+v2 = icmp slt v0, v1 +\(fused with the branch\)\n\s+;\s+brif v2, block1, block2\n[0-9a-f]{16}  [0-9a-f ]+cmp /);
  assert.match(text, /;\s+v5 = call %fib\(v4\)/);
  assert.match(text, /\bcall [0-9A-F]+h/);
  assert.match(text, /\bret\b/);
  assert.match(text, /; block2:\n/);
  assert.match(text, /; \(trap stubs\)/);
  assert.equal(await c.disassemble(), text);
  assert.match(c.machineCode('fib'), /call\.0\.8 rdi, =rax/);
  assert.equal(c.functions.fib!(25n), 75025n);
  c.free();
});

test('compiled code is never in a writable+executable mapping; free() returns the code memory', async () => {
  const { writableExecutableMappings } = await import('../../src/runtime/proc-maps.js');
  const { CodeMemory } = await import('../../src/runtime/code-memory.js');
  const memory = new CodeMemory();
  const m = parse(QSORT);
  const before = memory.stats().liveChunks;
  const c = compile(m, { memory });
  assert.equal(memory.stats().liveChunks, before + 1);
  // V8's own JIT may map rwx pages (the W^X tests run --jitless children); ours must not be in any.
  const code = c.address('cmp');
  assert.ok(!writableExecutableMappings().some((mp) => mp.start <= code && code < mp.end));
  const a = Int32Array.from([3, 1, 2]);
  c.functions.sort!(a, 3n, 0);
  assert.deepEqual(Array.from(a), [1, 2, 3]);
  c.free();
  assert.equal(memory.stats().liveChunks, before);
  assert.equal(c.isFreed, true);
  memory.dispose();
});

test('compile errors: unresolved imports and imports from other modules are reported by name', () => {
  assert.throws(() => compile(parse(`import %no_such_symbol_here(i64) -> i64

function %f(i64) -> i64 {
block0(v0: i64):
    v1 = call %no_such_symbol_here(v0)
    return v1
}
`)), /import %no_such_symbol_here is not resolved/);
  const resolved = compile(parse(`import %twice(i64) -> i64

function %f(i64) -> i64 {
block0(v0: i64):
    v1 = call %twice(v0)
    return v1
}
`), { resolve: (name) => (name === 'twice' ? compile(parse(`function %t(i64) -> i64 {
block0(v0: i64):
    v1 = iadd v0, v0
    return v1
}
`)).address('t') : undefined) });
  assert.equal(resolved.functions.f!(21n), 42n);
  assert.throws(() => compile(parse(`import %g(i64) -> i64 from "other"

function %f(i64) -> i64 {
block0(v0: i64):
    v1 = call %g(v0)
    return v1
}
`)), /not supported yet/);
});

test('signatureHash is FNV-1a of the signature text (call_indirect checks it)', () => {
  const types = [Type.I8, Type.I16, Type.I32, Type.I64, Type.F32, Type.F64, Type.Ptr];
  let seed = 7;
  const pick = (): Type => types[(seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % types.length]!;
  for (let n = 0; n < 200; n++) {
    const sig = { params: Array.from({ length: n % 5 }, pick), results: Array.from({ length: (n >> 2) % 3 }, pick) };
    const s = signatureText(sig);
    let h = 0x811c9dc5;
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
    assert.equal(signatureHash(sig), h | 0, s);
  }
});
