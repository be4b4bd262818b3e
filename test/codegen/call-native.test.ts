/**
 * call_native with C function pointers that jitkit did not make: addresses from dlsym (no
 * jitkit function header, so call_indirect refuses them with heap_oob and call_native calls
 * them), a variadic C function through a pointer, jitted callees defined with a compatible but
 * different signature (the interpreter's System V model against compiled code), and the
 * interpreter's rules (known functions only; bad_sig where the hardware leaves bits undefined).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { Interpreter, TrapError, parse } from '../../src/ir/index.js';
import { compile } from '../../src/codegen/compile.js';

const DLSYM = `data %abs_name readonly = { 61 62 73 00 }
data %snprintf_name readonly = { 73 6e 70 72 69 6e 74 66 00 }
data %fmt readonly = { 25 64 3a 25 2e 32 66 3a 25 63 00 }
import %dlsym(ptr, ptr) -> ptr

; dlsym(RTLD_DEFAULT, "abs"): a C function pointer without a jitkit header.
function %lookup_abs() -> ptr {
block0:
    v0 = iconst.i64 0
    v1 = bitcast.ptr v0
    v2 = global_addr %abs_name
    v3 = call %dlsym(v1, v2)
    return v3
}

function %native_abs(i32) -> i32 {
    sig0 = (i32) -> i32

block0(v0: i32):
    v1 = call %lookup_abs()
    v2 = call_native sig0, v1(v0)
    return v2
}

function %checked_abs(i32) -> i32 {
    sig0 = (i32) -> i32

block0(v0: i32):
    v1 = call %lookup_abs()
    v2 = call_indirect sig0, v1(v0)
    return v2
}

; snprintf(buf, 32, "%d:%.2f:%c", i8 -5, 2.5, 'z') through a variadic pointer: the i8 is promoted
; to int, al counts the vector registers.
function %native_snprintf(ptr) -> i32 {
    sig0 = (ptr, i64, ptr, ...) -> i32

block0(v0: ptr):
    v1 = iconst.i64 0
    v2 = bitcast.ptr v1
    v3 = global_addr %snprintf_name
    v4 = call %dlsym(v2, v3)
    v5 = iconst.i64 32
    v6 = global_addr %fmt
    v7 = iconst.i8 -5
    v8 = fconst.f64 2.5
    v9 = iconst.i32 122
    v10 = call_native sig0, v4(v0, v5, v6, v7, v8, v9)
    return v10
}
`;

test('call_native calls a C function pointer from dlsym; call_indirect refuses it (no jitkit header)', () => {
  const c = compile(parse(DLSYM));
  try {
    assert.equal(c.functions.native_abs!(-12), 12);
    assert.equal(c.functions.native_abs!(7), 7);
    assert.throws(() => c.functions.checked_abs!(-12), (e: unknown) => e instanceof TrapError && e.trap === 'heap_oob');
    const buf = Buffer.alloc(32);
    assert.equal(c.functions.native_snprintf!(buf), 9);
    assert.equal(buf.toString('latin1', 0, 9), '-5:2.50:z');
  } finally {
    c.free();
  }
});

test('call_native at every optimisation level: a jitted callee, a C import, null', () => {
  const text = `import %labs(i64) -> i64

function %callee(i16, f32, i64) -> i64, f32 {
block0(v0: i16, v1: f32, v2: i64):
    v3 = sext.i64 v0
    v4 = imul v3, v2
    v5 = fadd v1, v1
    return v4, v5
}

function %main(i16, f32, i64, i64) -> i64 {
    sig0 = (i16, f32, i64) -> i64, f32
    sig1 = (i64) -> i64

block0(v0: i16, v1: f32, v2: i64, v3: i64):
    v4 = func_addr %callee
    v5, v6 = call_native sig0, v4(v0, v1, v2)
    v7 = fcvt_to_sint.i64 v6
    v8 = iadd v5, v7
    v9 = func_addr %labs
    v10 = bitcast.i64 v9
    v11 = icmp eq v3, v3
    v12 = iconst.i64 0
    v13 = select v3, v10, v12
    v14 = bitcast.ptr v13
    v15 = call_native sig1, v14(v8)
    return v15
}
`;
  const interp = new Interpreter(parse(text));
  for (const opt of [0, 1, 2] as const) {
    const c = compile(parse(text), { opt });
    try {
      for (const [a, b, d] of [[-3, 2.5, 7], [100, -8, -3], [0, 0.25, 5]] as const) {
        const want = interp.call('main', [a, b, BigInt(d), 1n]);
        assert.equal(c.functions.main!(a, b, BigInt(d), 1n), want, `-O${opt} main(${a}, ${b}, ${d})`);
      }
      assert.throws(() => c.functions.main!(1, 1, 1n, 0n), (e: unknown) => e instanceof TrapError && e.trap === 'heap_oob');
    } finally {
      c.free();
    }
  }
  assert.throws(() => interp.call('main', [1, 1, 1n, 0n]), (e: unknown) => e instanceof TrapError && e.trap === 'heap_oob');
});

test('interpreter: call_native to an unknown address traps heap_oob; bits nobody set trap bad_sig', () => {
  const m = parse(`function %one() -> i32 {
block0:
    v0 = iconst.i32 1
    return v0
}

function %raw(i64) -> i32 {
    sig0 = () -> i32

block0(v0: i64):
    v1 = bitcast.ptr v0
    v2 = call_native sig0, v1()
    return v2
}

function %wrong() -> i64 {
    sig0 = () -> i64

block0:
    v0 = func_addr %one
    v1 = call_native sig0, v0()
    return v1
}
`);
  const it = new Interpreter(m);
  assert.throws(() => it.call('raw', [0x7f0012345678n]), (e: unknown) => e instanceof TrapError && e.trap === 'heap_oob');
  assert.throws(() => it.call('wrong'), (e: unknown) => e instanceof TrapError && e.trap === 'bad_sig' && /call_native \(\) -> i64 to %one\(\) -> i32: result 0 \(i64\) would read undefined bits of the callee's result 0 \(i32\)/.test(e.message));
});

/** Callees whose signatures differ from the calls' in ways System V defines, and ways it does not. */
const COMPATIBLE = `import %abs(i32) -> i32

; 8 integer and 9 float parameters: the last two integers and the last float on the stack.
function %many(i8, i16, i32, i64, ptr, i32, i64, i32, f32, f64, f64, f64, f64, f64, f64, f64, f32) -> i64, f64 {
block0(v0: i8, v1: i16, v2: i32, v3: i64, v4: ptr, v5: i32, v6: i64, v7: i32, v8: f32, v9: f64, v10: f64, v11: f64, v12: f64, v13: f64, v14: f64, v15: f64, v16: f32):
    v20 = sext.i64 v0
    v21 = sext.i64 v1
    v22 = sext.i64 v2
    v23 = bitcast.i64 v4
    v24 = sext.i64 v5
    v25 = sext.i64 v7
    v26 = iadd v20, v21
    v27 = iadd v26, v22
    v28 = iadd v27, v3
    v29 = iadd v28, v23
    v30 = iadd v29, v24
    v31 = iadd v30, v6
    v32 = iconst.i64 1000
    v33 = imul v25, v32
    v34 = iadd v31, v33
    v35 = fpromote.f64 v8
    v36 = fadd v35, v9
    v37 = fadd v36, v15
    v38 = fpromote.f64 v16
    v39 = fmul v37, v38
    v40 = bitcast.i32 v8
    v41 = sext.i64 v40
    v42 = iadd v34, v41
    return v42, v39
}

; Calls %many with wider integers (i64 for i8, i16, i32: the callee reads the low bits), an f64 for
; the first f32 (the callee reads the double's low 32 bits), an i64 for ptr, an extra argument
; after the last (ignored), and expecting only the first result.
function %wide(i64, f64) -> i64 {
    sig0 = (i64, i64, i64, i64, i64, i64, i64, i64, f64, f64, f64, f64, f64, f64, f64, f64, f32, i64) -> i64

block0(v0: i64, v1: f64):
    v2 = func_addr %many
    v3 = iconst.i64 1
    v4 = fconst.f64 0.5
    v5 = fconst.f32 2.0
    v6 = call_native sig0, v2(v0, v0, v0, v3, v3, v0, v3, v0, v1, v4, v4, v4, v4, v4, v4, v4, v5, v3)
    return v6
}

; The C library's abs(int) called as if it took and returned a long: the argument truncates; the
; result's upper half is undefined (the interpreter traps bad_sig).
function %abs_long(i64) -> i64 {
    sig0 = (i64) -> i64

block0(v0: i64):
    v1 = func_addr %abs
    v2 = call_native sig0, v1(v0)
    return v2
}
function %abs_int(i64) -> i32 {
    sig0 = (i64) -> i32

block0(v0: i64):
    v1 = func_addr %abs
    v2 = call_native sig0, v1(v0)
    return v2
}

; A void callee called as if it returned a value; a callee missing an argument.
function %nothing(i32) {
block0(v0: i32):
    return
}
function %void_as_int() -> i32 {
    sig0 = (i32) -> i32

block0:
    v0 = func_addr %nothing
    v1 = iconst.i32 1
    v2 = call_native sig0, v0(v1)
    return v2
}
function %too_few() {
    sig0 = ()

block0:
    v0 = func_addr %nothing
    call_native sig0, v0()
    return
}
`;

test('call_native with compatible but different signatures: interpreter and compiled code agree', () => {
  const m = parse(COMPATIBLE);
  const it = new Interpreter(m);
  const cases: [bigint, number][] = [[3n, 1.25], [-0x1_0000_0005n, -3.5], [0x7fff_ffff_ffffn, 1e300], [-1n, NaN]];
  const want = cases.map(([x, y]) => it.call('wide', [x, y]));
  assert.equal(it.call('abs_int', [-0x1_0000_0007n]), 7);
  const bad = (name: string, detail: RegExp) => (e: unknown) => e instanceof TrapError && e.trap === 'bad_sig' && detail.test(e.message);
  assert.throws(() => it.call('abs_long', [-5n]), bad('abs_long', /result 0 \(i64\) would read undefined bits of the callee's result 0 \(i32\)/));
  assert.throws(() => it.call('void_as_int'), bad('void_as_int', /result 0 \(i32\) reads integer register 0, which the callee does not set/));
  assert.throws(() => it.call('too_few'), bad('too_few', /parameter 0 \(i32\) in integer register 0 gets no argument/));
  for (const opt of [0, 2] as const) {
    const c = compile(parse(COMPATIBLE), { opt });
    try {
      cases.forEach(([x, y], k) => assert.equal(c.functions.wide!(x, y), want[k], `-O${opt} wide(${x}, ${y})`));
      assert.equal(c.functions.abs_int!(-0x1_0000_0007n), 7);
    } finally {
      c.free();
    }
  }
});
