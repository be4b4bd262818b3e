/**
 * External data (`import data %name`): C library objects such as `stdout`, declared in IR and
 * resolved by name: the API and text form, the interpreter's binding to JS buffers (and its trap
 * without one), compiled code through `resolve` and through the process's own symbols (glibc's
 * real `stdout` and `stderr`, written by jitted fputs/fprintf in a child process).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as path from 'node:path';
import { Interpreter, Module, Type, parse, printModule, verifyModule } from '../../src/ir/index.js';
import { compile } from '../../src/codegen/compile.js';
import { native } from '../../src/runtime/addon.js';
import { symbol } from '../../src/runtime/calling.js';

const distRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** `get(i)`/`set(i, v)` of the i64 array `%table`, `%cell` holding `&table[1]`, `%stdout`'s address. */
const TEXT = `import data %table
data %cell align 8 = { addr %table+8 }
import data %stdout

function %get(i64) -> i64 {
block0(v0: i64):
    v1 = global_addr %table
    v2 = iconst.i64 8
    v3 = imul v0, v2
    v4 = iadd v1, v3
    v5 = load.i64 v4
    return v5
}

function %set(i64, i64) {
block0(v0: i64, v1: i64):
    v2 = global_addr %table
    v3 = iconst.i64 8
    v4 = imul v0, v3
    v5 = iadd v2, v4
    store.i64 v1, v5
    return
}

function %through_cell() -> i64 {
block0:
    v0 = global_addr %cell
    v1 = load.ptr v0
    v2 = load.i64 v1
    return v2
}

function %stdout_addr() -> ptr {
block0:
    v0 = global_addr %stdout
    return v0
}
`;

test('API and text: import data declares a bytes-less object; relocations may point into it', () => {
  const m = new Module();
  const out = m.importData('stdout');
  assert.equal(out.external, true);
  assert.equal(out.size, 0);
  assert.equal(m.lookup('stdout'), out);
  const tab = m.addData('tab', [], { size: 16, align: 8, relocs: [{ offset: 8, target: out, addend: 0 }] });
  assert.equal(printModule(m), 'import data %stdout\ndata %tab align 8 = { 00 00 00 00 00 00 00 00 addr %stdout }\n');
  assert.throws(() => out.addReloc(0, tab), /data %stdout: relocation: external data \(import data %stdout\) has no bytes of its own/);
  assert.throws(() => m.importData('tab'), /symbol %tab is already defined/);
  assert.throws(() => m.importData('a b'), /bad symbol name 'a b'/);
  const copy = m.clone();
  assert.equal(copy.data[0]!.external, true);
  assert.equal(printModule(copy), printModule(m));
  assert.equal(printModule(parse(TEXT)), TEXT);
  // The verifier refuses bytes of its own (only reachable by writing the tables directly).
  (out.relocs as unknown[]).push({ offset: 0, target: tab, addend: 0 });
  assert.deepEqual(verifyModule(m), ['verify: data %stdout: external data (import data) has bytes or relocations of its own',
    'verify: data %stdout: relocation at offset 0 is outside the object (size 0)']);
});

test('interpreter: external data is the JS buffer options.data binds; unbound, every access traps', () => {
  const table = new BigInt64Array([10n, 20n, 30n]);
  const it = new Interpreter(parse(TEXT), { data: { table } });
  assert.equal(it.call('get', [2]), 30n);
  it.call('set', [0, -5]);
  assert.equal(table[0], -5n, 'stores reach the bound buffer');
  assert.equal(it.call('through_cell'), 20n, 'a relocation points into the bound buffer');
  assert.equal(typeof it.call('stdout_addr'), 'bigint', 'unbound external data still has an address');
  const bare = new Interpreter(parse(TEXT));
  assert.throws(() => bare.call('get', [0]), (e: Error & { trap?: string }) =>
    e.trap === 'heap_oob' && /in external data %table \(no bytes: give them in the interpreter's options\.data\)/.test(e.message));
  assert.throws(() => new Interpreter(parse(TEXT), { data: { nope: new Uint8Array(8) } }),
    /options\.data gives %nope, which no module declares as external data \(import data %nope\)/);
});

test('compiled: external data resolves through compile({ resolve }) like an import, relocations included', () => {
  const table = new BigInt64Array([10n, 20n, 30n]);
  const addr = native.addressOf(table);
  const asked: string[] = [];
  const c = compile(parse(TEXT), { resolve: (n) => { asked.push(n); return n === 'table' ? addr : undefined; } });
  try {
    assert.equal(c.get('get')(2n), 30n);
    c.get('set')(1n, 77n);
    assert.equal(table[1], 77n);
    assert.equal(c.get('through_cell')(), 77n);
    // Not given by resolve: the process's own symbol (glibc's stdout variable).
    assert.equal(c.get('stdout_addr')(), symbol('stdout'));
    assert.equal(c.dataAddress('table'), addr);
    assert.ok(asked.includes('table') && asked.includes('stdout'));
  } finally {
    c.free();
  }
  for (const opt of [1, 2] as const) {
    const o = compile(parse(TEXT), { opt, resolve: (n) => (n === 'table' ? addr : undefined) });
    assert.equal(o.get('get')(1n), 77n);
    o.free();
  }
  assert.throws(() => compile(parse('import data %no_such_symbol_xyz\n')), /compile: external data %no_such_symbol_xyz is not resolved/);
  assert.throws(() => compile(parse(TEXT), { resolve: () => 5 as unknown as bigint }), /compile: resolve\('table'\) must return a bigint address or undefined, got number/);
});

test('jitted code writes to the real stdout and stderr FILE*s with fputs and fprintf (child process)', () => {
  const script = `
    import { parse } from ${JSON.stringify(path.join(distRoot, 'src/ir/index.js'))};
    import { compile } from ${JSON.stringify(path.join(distRoot, 'src/codegen/compile.js'))};
    const m = parse(\`import data %stdout
import data %stderr
data %hello readonly = { "hello from jitted code" 0a 00 }
data %fmt readonly = { "n=%d %s" 0a 00 }
data %streams readonly align 8 = { addr %stdout addr %stderr }
import %fputs(ptr, ptr) -> i32
import %fprintf(ptr, ptr, ...) -> i32
import %fflush(ptr) -> i32

function %run(i32) -> i32 {
block0(v0: i32):
    v1 = global_addr %stdout
    v2 = load.ptr v1
    v3 = global_addr %hello
    v4 = call %fputs(v3, v2)
    v5 = global_addr %streams
    v6 = load.ptr v5+8
    v7 = load.ptr v6
    v8 = global_addr %fmt
    v9 = call %fprintf(v7, v8, v0, v3)
    v10 = call %fflush(v2)
    return v9
}
\`);
    const n = compile(m).functions.run(42);
    process.stdout.write('returned ' + n + '\\n');`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'hello from jitted code\nreturned 29\n');
  assert.equal(r.stderr, 'n=42 hello from jitted code\n\n');
});
