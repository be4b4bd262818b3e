/**
 * The published typings: no const enum (a consumer with isolatedModules cannot use one:
 * TS2748), internals stripped, and a consumer that compiles with strict + isolatedModules
 * under moduleResolution node16 and bundler type-checks the public API, including the
 * precise types of wrap() and compiled.get(name, signature). (npm run test:package does the
 * same against the packed tarball with every documentation snippet.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { packageRoot } from '../../src/runtime/addon.js';

const dist = path.join(packageRoot, 'dist', 'src');

function declarationFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? declarationFiles(path.join(dir, e.name)) : e.name.endsWith('.d.ts') ? [path.join(dir, e.name)] : []);
}

test('no published .d.ts declares a const enum', () => {
  const files = declarationFiles(dist);
  assert.ok(files.length > 50);
  const withConst = files.filter((f) => /\bconst\s+enum\b/.test(readFileSync(f, 'utf8')));
  assert.deepEqual(withConst, []);
  // ...and the enums are still there, as plain enums.
  assert.match(readFileSync(path.join(dist, 'ir', 'types.d.ts'), 'utf8'), /^export declare enum Type \{/m);
});

test('the .d.ts rewrite turns exactly the const enum declarations into plain ones', async () => {
  const { plainEnums } = (await import(pathToFileURL(path.join(packageRoot, 'scripts', 'dts-plain-enums.mjs')).href)) as { plainEnums(s: string): string };
  const input = [
    'export declare const enum Type {', '    I8 = 1', '}',
    'declare const enum State {', '    A = 0', '}',
    '    export declare const enum Nested {', '}',
    'export declare const enumerations: string[];',
    '/** a const enum in a comment */',
  ].join('\n');
  assert.equal(plainEnums(input), [
    'export declare enum Type {', '    I8 = 1', '}',
    'declare enum State {', '    A = 0', '}',
    '    export declare enum Nested {', '}',
    'export declare const enumerations: string[];',
    '/** a const enum in a comment */',
  ].join('\n'));
});

test('internals are stripped from the typings', () => {
  const codeMemory = readFileSync(path.join(dist, 'runtime', 'code-memory.d.ts'), 'utf8');
  assert.doesNotMatch(codeMemory, /finalizeChunk|releaseChunk/);
  assert.match(codeMemory, /place\(bytes: Uint8Array/);
  const ir = readFileSync(path.join(dist, 'ir', 'index.d.ts'), 'utf8');
  assert.doesNotMatch(ir, /from '\.\/filetest\.js'/);
});

/** Type-checks `source` as a consumer's module importing jitkit; returns the diagnostics as text. */
function typeCheck(source: string, moduleResolution: 'node16' | 'bundler'): string[] {
  const ts = createRequire(path.join(packageRoot, 'package.json'))('typescript') as typeof import('typescript');
  const project = mkdtempSync(path.join(tmpdir(), 'jitkit-typings-'));
  try {
    mkdirSync(path.join(project, 'node_modules'));
    symlinkSync(packageRoot, path.join(project, 'node_modules', 'jitkit'));
    writeFileSync(path.join(project, 'package.json'), '{ "type": "module" }');
    const file = path.join(project, 'consumer.ts');
    writeFileSync(file, source);
    const { options } = ts.convertCompilerOptionsFromJson({
      strict: true, isolatedModules: true, noEmit: true, skipLibCheck: true, target: 'ES2022', lib: ['ES2022'],
      types: ['node'], typeRoots: [path.join(packageRoot, 'node_modules', '@types')],
      module: moduleResolution === 'node16' ? 'node16' : 'esnext', moduleResolution,
    }, project);
    const program = ts.createProgram([file], options);
    return ts.getPreEmitDiagnostics(program).map((d) => {
      const where = d.file !== undefined && d.start !== undefined ? `${d.file.getLineAndCharacterOfPosition(d.start).line + 1}: ` : '';
      return `${where}TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
    });
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
}

const CONSUMER = `
import { compile, ir, opt, wrap, symbol, CodeMemory, NativeSignature, type CompiledModule, type PointerValue } from 'jitkit';
import { Module, Type, Opcode, IntCC } from 'jitkit/ir';
import { Assembler, rax, rdi } from 'jitkit/asm/x64';
import { disassemble } from 'jitkit/debug';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
const expectType = <T>(_: T): void => {};
const same = <A, B>(_: Equal<A, B>): void => {};

const t: Type = ir.Type.I64;          // TS2748 with a const enum
const o = Opcode.IAdd, cc = IntCC.Slt;
const m = new Module();
m.function('f', [Type.I64], [Type.I64]);
opt.optimize(m, { level: 2 });

const strlen = wrap(symbol('strlen'), { args: ['ptr'], result: 'u64' });
same<Parameters<typeof strlen>, [PointerValue]>(true);
same<ReturnType<typeof strlen>, bigint>(true);
const mixed = wrap(0n, { args: ['i8', 'i64', 'f32', 'bool'], result: 'bool' });
same<Parameters<typeof mixed>, [number, bigint | number, number, boolean]>(true);
same<ReturnType<typeof mixed>, boolean>(true);
const noResult = wrap(0n, { args: [] });
same<ReturnType<typeof noResult>, void>(true);
const loose = wrap(0n, new NativeSignature({ args: ['i32'] }));
same<Parameters<typeof loose>, unknown[]>(true);
// @ts-expect-error a string is no i32
mixed('1', 2n, 3, true);
// @ts-expect-error too few arguments
mixed(1, 2n, 3);

declare const compiled: CompiledModule;
const fib = compiled.get('fib', '(i64) -> i64');
same<Parameters<typeof fib>, [bigint | number]>(true);
same<ReturnType<typeof fib>, bigint>(true);
const two = compiled.get('two', '(i32, ptr, f64)->i32, i64');
same<Parameters<typeof two>, [number | bigint, PointerValue | number, number]>(true);
same<ReturnType<typeof two>, [number, bigint]>(true);
const none = compiled.get('none', '()');
same<ReturnType<typeof none>, undefined>(true);
same<ReturnType<typeof compiled.get>, (...args: unknown[]) => unknown>(true);
// @ts-expect-error not an IR type
compiled.get('bad', '(i65) -> i64');
// @ts-expect-error an arrow needs results
compiled.get('bad', '(i64) ->');

const a = new Assembler();
a.mov(rax, rdi);
expectType<Promise<string[]>>(disassemble(a.finish().bytes));
new CodeMemory().place(a.finish().bytes);
export { t, o, cc };
`;

for (const mode of ['node16', 'bundler'] as const) {
  test(`a consumer with strict and isolatedModules type-checks the public API (moduleResolution ${mode})`, () => {
    assert.deepEqual(typeCheck(CONSUMER, mode), []);
  });
}

test('the consumer check fails where it must: a wrong result type is reported', () => {
  const errors = typeCheck(`import { wrap } from 'jitkit';\nconst f = wrap(0n, { args: [], result: 'i64' });\nconst n: number = f();\nexport { n };\n`, 'bundler');
  assert.equal(errors.length, 1);
  assert.match(errors[0]!, /^3: TS2322 Type 'bigint' is not assignable to type 'number'/);
});
