/** The jitkit command: run compiled and interpreted, disassembly, traps, argument errors. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const cli = path.join(root, 'dist', 'src', 'cli', 'jitkit.js');

function jitkit(...args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

test('the built CLI keeps its shebang', () => {
  assert.ok(fs.readFileSync(cli, 'utf8').startsWith('#!/usr/bin/env node\n'));
});

test('jitkit run examples/fib.ir fib 30 prints 832040, compiled and with --interp', () => {
  assert.deepEqual(jitkit('run', 'examples/fib.ir', 'fib', '30'), { code: 0, out: '832040\n', err: '' });
  assert.deepEqual(jitkit('run', 'examples/fib.ir', 'fib', '30', '--interp'), { code: 0, out: '832040\n', err: '' });
});

test('--disasm prints machine code annotated with the IR', () => {
  const r = jitkit('run', 'examples/fib.ir', 'fib', '10', '--disasm');
  assert.equal(r.code, 0);
  assert.match(r.out, /^function %fib @ 0x/);
  assert.match(r.out, /;\s+v2 = icmp slt v0, v1/);
  assert.match(r.out, /\n55\n$/);
});

test('arguments are parsed per parameter type; traps and errors exit non-zero', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jitkit-cli-'));
  const file = path.join(dir, 't.ir');
  fs.writeFileSync(file, `function %div(i32, i32) -> i32 {
block0(v0: i32, v1: i32):
    v2 = sdiv v0, v1
    return v2
}
function %mix(i8, f64, i64) -> f64, i64 {
block0(v0: i8, v1: f64, v2: i64):
    v3 = fcvt_from_sint.f64 v0
    v4 = fadd v1, v3
    return v4, v2
}
`);
  assert.deepEqual(jitkit('run', file, 'div', '-7', '2'), { code: 0, out: '-3\n', err: '' });
  assert.deepEqual(jitkit('run', file, 'mix', '-5', '0.25', '-9223372036854775808'), { code: 0, out: '-4.75, -9223372036854775808\n', err: '' });
  const trap = jitkit('run', file, 'div', '1', '0');
  assert.equal(trap.code, 2);
  assert.match(trap.err, /^trap int_divz: integer division by zero/);
  assert.equal(jitkit('run', file, 'div', '1', '0', '--interp').code, 2);
  const bad = jitkit('run', file, 'div', '1', 'x');
  assert.equal(bad.code, 1);
  assert.match(bad.err, /'x' is not an integer \(i32\)/);
  assert.match(jitkit('run', file, 'div', '1').err, /takes 2 arguments/);
  assert.match(jitkit('run', file, 'div', '300000000000', '1').err, /does not fit in i32/);
  assert.equal(jitkit().code, 1);
  fs.rmSync(dir, { recursive: true });
});

test('-O1 and -O2 compile after optimising; an unknown level is an error', () => {
  for (const level of ['-O0', '-O1', '-O2']) {
    assert.deepEqual(jitkit('run', 'examples/fib.ir', 'fib', '25', level), { code: 0, out: '75025\n', err: '' });
  }
  const bad = jitkit('run', 'examples/fib.ir', 'fib', '25', '-O3');
  assert.notEqual(bad.code, 0);
  assert.match(bad.err, /unknown optimisation level -O3/);
});

test('jitkit cc -E preprocesses with -D/-I and line markers; errors go to stderr with exit status 1', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jitkit-cc-'));
  fs.mkdirSync(path.join(dir, 'inc'));
  fs.writeFileSync(path.join(dir, 'inc', 'h.h'), '#define TWICE(x) ((x) + (x))\n');
  const file = path.join(dir, 't.c');
  fs.writeFileSync(file, '#include <h.h>\nint v = TWICE(N);\n');
  const r = jitkit('cc', '-E', file, '-DN=21', '-I', path.join(dir, 'inc'));
  assert.equal(r.code, 0, r.err);
  assert.equal(r.out, `# 2 "${file}"\nint v = ((21) + (21));\n`);
  assert.equal(jitkit('cc', '-E', '-P', file, `-I${path.join(dir, 'inc')}`, '-DN=1').out, 'int v = ((1) + (1));\n');
  fs.writeFileSync(file, '#include <missing.h>\n');
  const bad = jitkit('cc', '-E', file);
  assert.equal(bad.code, 1);
  assert.equal(bad.err, `${file}:1:10: error: missing.h: No such file or directory\n 1 | #include <missing.h>\n   |          ^\n`);
  assert.match(jitkit('cc', '-E').err, /takes one input file/);
  assert.match(jitkit('cc', '-E', file, '--frob').err, /unknown option --frob/);
});

test('jitkit cc -E -dM prints the macros defined at the end, sorted', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jitkit-cc-'));
  const file = path.join(dir, 'm.c');
  fs.writeFileSync(file, '#define ZZ(a, ...) a + __VA_ARGS__\n#define AA 1\n#undef __STDC_HOSTED__\n');
  const r = jitkit('cc', '-E', '-dM', file);
  assert.equal(r.code, 0, r.err);
  const lines = r.out.trim().split('\n');
  assert.ok(lines.includes('#define AA 1') && lines.includes('#define ZZ(a, ...) a + __VA_ARGS__') && lines.includes('#define __GNUC__ 4'));
  assert.ok(!lines.some((l) => l.startsWith('#define __STDC_HOSTED__')));
  assert.deepEqual(lines, [...lines].sort());
});
