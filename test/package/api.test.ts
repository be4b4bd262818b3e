/**
 * The public API as a user imports it, through the package's own `exports` map (the package
 * imports itself by name): exactly these names, one per concept, nothing internal. A change
 * here is a change of the public API: update docs and README with it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';

/**
 * Imports a specifier through the package's exports map at run time. (Not a literal
 * `import('jitkit')`: tsc would resolve it to the .d.ts of the previous build, which a clean
 * clone does not have yet.)
 */
function load<T>(specifier: string): Promise<T> {
  return import(specifier) as Promise<T>;
}
type Root = typeof import('../../src/index.js');
type Ir = typeof import('../../src/ir/index.js');

test('jitkit exports exactly the public API', async () => {
  const root = await load<Root>('jitkit');
  assert.deepEqual(Object.keys(root).sort(), [
    'CodeHandle', 'CodeMemory', 'CodeWriter', 'CompiledModule', 'DangerousRwxBlock', 'Library', 'MAX_CODE_SIZE',
    'NativeSignature', 'TRAP_FILL_BYTE', 'compile', 'dangerouslyAllocateRwx', 'defaultCodeMemory', 'ir', 'mappingAt',
    'opt', 'readMappings', 'symbol', 'wrap', 'writableExecutableMappings',
  ]);
  assert.deepEqual(Object.keys(root.opt).sort(), ['optimize', 'optimizeFunction']);
});

test('jitkit/ir is the IR without its test harness or layer-internal helpers', async () => {
  const ir = await load<Ir>('jitkit/ir');
  const root = await load<Root>('jitkit');
  assert.equal(root.ir.Module, ir.Module, 'jitkit.ir and jitkit/ir are one module');
  const names = Object.keys(ir);
  for (const name of ['Module', 'Func', 'Builder', 'Type', 'Opcode', 'IntCC', 'FloatCC', 'TrapCode', 'OPCODES', 'NONE',
    'Interpreter', 'TrapError', 'parse', 'printModule', 'printFunction', 'instText', 'verify', 'verifyModule', 'verifyFunction',
    'DominatorTree', 'typeName', 'signatureText']) {
    assert.ok(names.includes(name), `jitkit/ir exports ${name}`);
  }
  for (const name of ['runFiletest', 'interpreterExecutor', 'canonicalIntImm', 'checkInst', 'toIrValue', 'formatFloat', 'blockHeader']) {
    assert.ok(!names.includes(name), `jitkit/ir does not export ${name}`);
  }
  // Enums are real objects at run time (the typings declare them as plain enums).
  assert.equal(ir.Type.I64, 4);
  assert.equal((ir as unknown as { Type: Record<number, string> }).Type[4], 'I64');
});

test('jitkit/ffi is the FFI: types, calls, callbacks, values, bindings; wrap is the root\'s, Library the root\'s plus bind', async () => {
  const ffi = await load<typeof import('../../src/frontends/ffi/index.js')>('jitkit/ffi');
  const root = await load<Root>('jitkit');
  assert.deepEqual(Object.keys(ffi).sort(), [
    'ArrayType', 'Callback', 'FfiType', 'FunctionPointerType', 'Handle', 'HandleType', 'Library', 'NativeSignature', 'PointerType',
    'RecordType', 'addressOf', 'alignOf', 'aligned', 'array', 'bindHeader', 'bits', 'callback', 'decode', 'deref', 'encode', 'fnptr',
    'generateBindings', 'handle', 'inout', 'memoryAt', 'out', 'pointer', 'readCString', 'readCString16', 'readHeader', 'sizeOf',
    'struct', 'symbol', 'union', 'view', 'wrap',
  ]);
  assert.ok(ffi.Library.prototype instanceof root.Library);
  assert.equal(typeof ffi.Library.open(null).bind, 'function');
  assert.equal(ffi.wrap, root.wrap);
});

test('the assembler and the disassembler are their own entry points', async () => {
  const x64 = await load<typeof import('../../src/asm/x64/index.js')>('jitkit/asm/x64');
  assert.equal(typeof x64.Assembler, 'function');
  assert.equal(typeof x64.rax, 'object');
  const debug = await load<object>('jitkit/debug');
  assert.deepEqual(Object.keys(debug).sort(), ['disassemble', 'loadIced']);
});

test('internal modules are not reachable through the package', async () => {
  for (const specifier of ['jitkit/src/runtime/addon.js', 'jitkit/dist/src/runtime/code-memory.js', 'jitkit/opt']) {
    await assert.rejects(load(specifier), { code: 'ERR_PACKAGE_PATH_NOT_EXPORTED' }, specifier);
  }
});
