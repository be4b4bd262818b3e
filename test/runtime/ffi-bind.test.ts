/**
 * Bindings from C headers: readHeader / Library.bind / jitkit bind, against gcc-built C
 * (bind-lib.h, bind-lib.c) and real system libraries (zlib, libm, libc, sqlite3). The oracles
 * are the C functions' results (gcc compiled them), zlib's round trip, and TypeScript's
 * type checker on the generated modules.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { Library, callback, decode, encode, memoryAt, readCString, readHeader, sizeOf, view, type HeaderModule, type NativeSignatureSpec } from '../../src/frontends/ffi/index.js';
import { packageRoot } from '../../src/runtime/addon.js';
import { buildLibrary } from './ffi/build.js';

const headerPath = path.join(packageRoot, 'test', 'runtime', 'ffi', 'bind-lib.h');
// Generated modules go inside the package (so that 'jitkit/ffi' resolves to this build).
after(() => rmSync(path.join(packageRoot, 'tmp', `bind-test-${process.pid}`), { recursive: true, force: true }));
function bindLibraryPath(): string {
  const header = readFileSync(headerPath, 'utf8');
  const source = readFileSync(path.join(packageRoot, 'test', 'runtime', 'ffi', 'bind-lib.c'), 'utf8').replace('#include "bind-lib.h"', header);
  return buildLibrary('jkbind', { 'bind-lib.c': source });
}

test('readHeader: functions, records laid out as C, handles, callbacks, enums, constants, and what is not bound', () => {
  const d = readHeader(headerPath);
  const fns = d.functions.map((f) => f.name);
  assert.deepEqual(fns, ['counter_new', 'counter_add', 'counter_free', 'point_mid', 'flags_bump', 'number_as_double', 'packed_sum', 'named_make',
    'color_name', 'visit_points', 'wide_get', 'bind_missing', 'bind_counter']);
  assert.deepEqual(d.skipped.map((s) => s.name), ['bind_long_double', 'bind_printf']);
  assert.match(d.skipped[0]!.reason, /long double/);
  assert.match(d.skipped[1]!.reason, /variadic/);
  const byName = Object.fromEntries(d.records.map((r) => [r.name, r]));
  assert.deepEqual(Object.keys(byName).sort(), ['flags', 'named', 'number', 'packed_rec', 'point', 'wide']);
  assert.deepEqual([byName.flags!.size, byName.packed_rec!.size, byName.packed_rec!.packed, byName.wide!.size, byName.wide!.align], [4, 5, true, 32, 32]);
  assert.ok(d.records.findIndex((r) => r.name === 'point') < d.records.findIndex((r) => r.name === 'named'), 'nested records come first');
  const visit = d.functions.find((f) => f.name === 'visit_points')!;
  assert.deepEqual(visit.sig.args.map((a) => a.k), ['ptr', 'scalar', 'fnptr', 'ptr']);
  assert.deepEqual(visit.params, ['ps', 'n', 'f', 'user']);
  assert.deepEqual(d.functions.find((f) => f.name === 'counter_new')!.sig.result, { k: 'handle', name: 'counter' });
  assert.deepEqual(d.functions.find((f) => f.name === 'color_name')!.sig.result, { k: 'str' });
  assert.deepEqual(d.enums.map((e) => [e.name, e.constants.map((c) => [c.name, c.value])]), [
    ['color', [['COLOR_RED', 0n], ['COLOR_GREEN', 5n], ['COLOR_BLUE', 6n]]],
    ['shape', [['SHAPE_DOT', -1n], ['SHAPE_LINE', 2n]]],
  ]);
  assert.deepEqual(d.constants.map((c) => [c.name, c.value, c.c]), [
    ['BIND_VERSION', '1.2.3', 'char [6]'], ['BIND_ANSWER', 42, 'int'], ['BIND_BIG', 0xffffffffffffffffn, 'unsigned long long'],
    ['BIND_HALF', 0.5, 'double'], ['BIND_NEG', -7, 'int'], ['BIND_SHIFTED', 2147483648, 'unsigned int'], ['BIND_EXPR', 85, 'int'], ['BIND_CHAR', 65, 'int'],
  ]);
});

test('Library.bind: the header\'s functions called on gcc-built C, records by value both ways, handles, callbacks', () => {
  const b: HeaderModule = Library.open(bindLibraryPath()).bind(headerPath);
  const f = b.functions, t = b.types;
  assert.deepEqual(b.skipped.map((s) => s.name), ['bind_long_double', 'bind_printf', 'bind_missing']);
  assert.match(b.skipped[2]!.reason, /does not define bind_missing/);
  const c = f.counter_new!(10);
  assert.equal(String(c).startsWith('counter@0x'), true);
  assert.equal(f.counter_add!(c, 5), 15);
  assert.throws(() => f.counter_add!(b.types.point as never, 1), TypeError);
  f.counter_free!(c);
  assert.deepEqual(f.point_mid!({ x: 1, y: 2 }, { x: 3, y: -6 }), { x: 2, y: -2 });
  assert.deepEqual(f.flags_bump!({ a: 6, b: 30, c: -500, tail: 250 }), { a: 7, b: 0, c: -503, tail: 254 });
  assert.equal(f.number_as_double!({ f: 1.5 }, 1), 1.5);
  assert.equal(f.number_as_double!({ i: -9 }, 0), -9);
  assert.equal(f.packed_sum!({ tag: 7, value: 4000000000 }), 4000000007);
  const n = f.named_make!('jitkit', 0.25, -1, b.constants.COLOR_BLUE) as { name: number[]; where: unknown; c: number };
  assert.equal(Buffer.from(n.name).toString('latin1').replace(/\0+$/, ''), 'jitkit');
  assert.deepEqual([n.where, n.c], [{ x: 0.25, y: -1 }, 6]);
  assert.equal(f.color_name!(b.enums.color!.COLOR_GREEN!), 'green');
  assert.equal(f.color_name!(99), null);
  assert.equal(f.wide_get!({ v: -123 }), -123);
  const pts = Buffer.concat([encode(t.point!, { x: 1, y: 2 }), encode(t.point!, { x: 3, y: 4 })]);
  const seen: number[] = [];
  const visitSig = (f.visit_points!.signature.args[2] as unknown as { signature: NativeSignatureSpec }).signature;
  const visit = callback(((p: bigint) => { const q = decode(t.point!, p) as { x: number; y: number }; seen.push(q.x); return q.x * q.y; }) as never, visitSig);
  assert.equal(f.visit_points!(pts, 2, visit, null), 14);
  assert.deepEqual(seen, [1, 3]);
  visit.free();
  assert.deepEqual([b.constants.BIND_VERSION, b.constants.BIND_BIG, b.constants.SHAPE_DOT], ['1.2.3', 0xffffffffffffffffn, -1]);
});

test('bad headers: gcc-style diagnostics from readHeader and jitkit bind (exit 1), missing files, bad options', () => {
  const dir = path.join(packageRoot, 'tmp', `bind-test-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const bad = path.join(dir, 'bad.h');
  writeFileSync(bad, 'int f(int x;\nint g(void);\n');
  assert.throws(() => readHeader(bad), { name: 'CompileError', message: new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:1:12: error: expected '\\)'`) });
  const cli = spawnSync(process.execPath, [fileURLToPath(new URL('../../src/cli/jitkit.js', import.meta.url)), 'bind', bad], { encoding: 'utf8' });
  assert.equal(cli.status, 1);
  assert.match(cli.stderr, /bad\.h:1:12: error: expected '\)' after parameter list/);
  assert.equal(cli.stdout, '');
  assert.throws(() => readHeader(path.join(dir, 'missing.h')), /missing\.h: No such file or directory/);
  const usage = spawnSync(process.execPath, [fileURLToPath(new URL('../../src/cli/jitkit.js', import.meta.url)), 'bind', bad, '--frobnicate'], { encoding: 'utf8' });
  assert.equal(usage.status, 1);
  assert.match(usage.stderr, /unknown option --frobnicate/);
});

/** Writes `jitkit bind ARGS` output for `name` into a directory inside the package (so 'jitkit/ffi' resolves to this build). */
function generate(name: string, args: string[]): string {
  const dir = path.join(packageRoot, 'tmp', `bind-test-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.ts`);
  const out = execFileSync(process.execPath, [fileURLToPath(new URL('../../src/cli/jitkit.js', import.meta.url)), 'bind', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  writeFileSync(file, out);
  return file;
}

/** Type-checks `files` strictly (the generated module and a use of it); returns the diagnostics as text. */
function typeCheck(files: string[]): string {
  const program = ts.createProgram(files, {
    strict: true, noEmit: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022, types: ['node'], skipLibCheck: true,
  });
  return ts.formatDiagnostics(ts.getPreEmitDiagnostics(program), { getCanonicalFileName: (f) => f, getCurrentDirectory: () => packageRoot, getNewLine: () => '\n' });
}

/** Transpiles a TypeScript file to an .mjs next to it and imports it. */
async function load<T>(file: string): Promise<T> {
  const js = ts.transpileModule(readFileSync(file, 'utf8'), { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
  const out = file.replace(/\.ts$/, '.mjs');
  writeFileSync(out, js);
  return import(out) as Promise<T>;
}

test('jitkit bind /usr/include/zlib.h --lib libz.so.1: a typed module that compresses and decompresses', { skip: !existsSync('/usr/include/zlib.h') && 'no zlib.h' }, async () => {
  // Node exports its own zlib's symbols: libz.so's internal calls must stay in libz.so (deepBind, the default).
  assert.throws(() => Library.open('libz.so.1', { deepBind: 'yes' as never }), { name: 'TypeError', message: 'Library.open: deepBind must be a boolean' });
  const file = generate('zlib', ['/usr/include/zlib.h', '--lib', 'libz.so.1']);
  const text = readFileSync(file, 'utf8');
  assert.match(text, /export const z_stream = struct\(\{ next_in: 'ptr', avail_in: 'u32', total_in: 'u64', /);
  assert.match(text, /export const compress = fn\("compress", \{ args: \['ptr', 'ptr', 'ptr', 'u64'\], result: 'i32' \} as const, \["dest","destLen","source","sourceLen"\]\);/);
  assert.match(text, /export const ZLIB_VERSION = "\d+\.\d+/);
  // A use of the module that only type-checks when the types are precise.
  const use = path.join(path.dirname(file), 'zlib-use.ts');
  writeFileSync(use, [
    `import { compressBound, zlibVersion, deflateInit_, Z_OK, z_stream } from './zlib.js';`,
    `const n: bigint = compressBound(100);`,
    `const v: string | null = zlibVersion();`,
    `const ok: 0 = Z_OK;`,
    `const r: number = deflateInit_(Buffer.alloc(Number(z_stream.size)), 6, v, z_stream.size);`,
    `// @ts-expect-error a string is not a level`,
    `deflateInit_(null, 'fast', v, 1);`,
    `export { n, ok, r };`,
  ].join('\n'));
  assert.equal(typeCheck([file, use]), '');
  type Fn = (...a: unknown[]) => any;
  const z = await load<Record<string, any>>(file);
  // One-shot: compress / uncompress with in-out lengths.
  const input = Buffer.from('jitkit '.repeat(2000) + 'binds zlib from its header', 'utf8');
  const bound = (z.compressBound as Fn)(input.length) as bigint;
  const packed = Buffer.alloc(Number(bound));
  const packedLen = new BigUint64Array([bound]);
  assert.equal((z.compress as Fn)(packed, packedLen, input, input.length), z.Z_OK);
  assert.ok(packedLen[0]! < BigInt(input.length) / 20n, `compressed to ${packedLen[0]} bytes`);
  const back = Buffer.alloc(input.length);
  const backLen = new BigUint64Array([BigInt(input.length)]);
  assert.equal((z.uncompress as Fn)(back, backLen, packed, packedLen[0]), z.Z_OK);
  assert.equal(backLen[0], BigInt(input.length));
  assert.ok(back.equals(input));
  // Streaming, with a z_stream in a buffer seen through view().
  const strm = Buffer.alloc(sizeOf(z.z_stream));
  const s = view(z.z_stream, strm) as Record<string, any>;
  assert.equal((z.deflateInit_ as Fn)(strm, z.Z_BEST_COMPRESSION, z.ZLIB_VERSION, sizeOf(z.z_stream)), z.Z_OK);
  const out = Buffer.alloc(Number(bound));
  s.next_in = input; s.avail_in = input.length; s.next_out = out; s.avail_out = out.length;
  assert.equal((z.deflate as Fn)(strm, z.Z_FINISH), z.Z_STREAM_END);
  const total = Number(s.total_out);
  assert.equal((z.deflateEnd as Fn)(strm), z.Z_OK);
  const inflated = Buffer.alloc(input.length);
  strm.fill(0);
  assert.equal((z.inflateInit_ as Fn)(strm, z.ZLIB_VERSION, sizeOf(z.z_stream)), z.Z_OK);
  s.next_in = out; s.avail_in = total; s.next_out = inflated; s.avail_out = inflated.length;
  assert.equal((z.inflate as Fn)(strm, z.Z_NO_FLUSH), z.Z_STREAM_END);
  assert.equal((z.inflateEnd as Fn)(strm), z.Z_OK);
  assert.ok(inflated.equals(input));
  assert.equal((z.crc32 as Fn)(0, input, input.length), BigInt(crc32(input)));
});

/** CRC-32 (the zlib polynomial), computed in JS as the oracle. */
function crc32(bytes: Uint8Array): number {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

test('system headers bind and run: libm (math.h), libc (time.h, stdio.h), sqlite3.h with a JS callback', async () => {
  const m = Library.open('libm.so.6').bind('/usr/include/math.h');
  assert.equal(m.functions.cos!(0), 1);
  assert.equal(m.functions.ldexp!(0.75, 4), 12);
  const exp = new Int32Array(1);
  assert.equal(m.functions.frexp!(12, exp), 0.75);
  assert.equal(exp[0], 4);
  assert.equal(m.constants.M_PI, Math.PI);
  const time = Library.open(null).bind('/usr/include/time.h');
  const tm = Buffer.alloc(sizeOf(time.types.tm!));
  const when = new BigInt64Array([1_700_000_000n]);
  assert.equal(time.functions.gmtime_r!(when, tm) !== 0n, true);
  const d = decode(time.types.tm!, tm) as Record<string, number>;
  const js = new Date(1_700_000_000_000);
  assert.deepEqual([d.tm_year! + 1900, d.tm_mon, d.tm_mday, d.tm_hour, d.tm_min], [js.getUTCFullYear(), js.getUTCMonth(), js.getUTCDate(), js.getUTCHours(), js.getUTCMinutes()]);
  const stdio = Library.open(null).bind('/usr/include/stdio.h');
  const dir = path.join(packageRoot, 'tmp', `bind-test-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const where = path.join(dir, 'stdio.txt');
  const fp = stdio.functions.fopen!(where, 'w');
  assert.ok((stdio.functions.fputs!('written through stdio.h bindings\n', fp) as number) >= 0);
  assert.equal(stdio.functions.fclose!(fp), 0);
  assert.equal(readFileSync(where, 'utf8'), 'written through stdio.h bindings\n');
  if (!existsSync('/usr/include/sqlite3.h')) return;
  const file = generate('sqlite3', ['/usr/include/sqlite3.h', '--lib', 'libsqlite3.so.0']);
  assert.equal(typeCheck([file]), '');
  const sq = await load<Record<string, any>>(file);
  const box = new BigUint64Array(1);
  assert.equal(sq.sqlite3_open(':memory:', box), sq.SQLITE_OK);
  const db = sq.sqlite3.wrap(box[0]);
  const rows: (string | null)[][] = [];
  const onRow = callback(((_user: bigint, n: number, values: bigint) => {
    const cells = new BigUint64Array(Uint8Array.from(memoryAt(values, 8 * n)).buffer);
    rows.push([...cells].map((a) => readCString(a)));
    return 0;
  }) as never, sq.sqlite3_exec.signature.args[2].signature as NativeSignatureSpec);
  const sql = "create table t(x, y); insert into t values (1, 'one'), (2, null), (3, 'three'); select x, y from t order by x desc;";
  assert.equal(sq.sqlite3_exec(db, sql, onRow, null, null), sq.SQLITE_OK);
  assert.deepEqual(rows, [['3', 'three'], ['2', null], ['1', 'one']]);
  onRow.free();
  assert.equal(sq.sqlite3_close(db), sq.SQLITE_OK);
});
