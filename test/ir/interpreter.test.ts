import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Interpreter, Module, OPCODES, Opcode, TrapError, Type, parse, printModule } from '../../src/ir/index.js';
import { OPCODE_COUNT } from '../../src/ir/opcodes.js';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

test('TrapError carries the trap name and a message naming it', () => {
  const m = parse(`function %d(i32, i32) -> i32 {
block0(v0: i32, v1: i32):
    v2 = sdiv v0, v1
    return v2
}
`);
  assert.throws(() => new Interpreter(m).call('d', [1, 0]), (e: unknown) => {
    assert.ok(e instanceof TrapError);
    assert.equal(e.trap, 'int_divz');
    assert.equal(e.message, 'trap int_divz: integer division by zero in function d at v2 = sdiv v0, v1');
    return true;
  });
});

test('stores through a ptr argument are visible in the JS buffer', () => {
  const m = parse(`function %fill(ptr, i64, i8) {
block0(v0: ptr, v1: i64, v2: i8):
    v3 = iconst.i64 0
    jump block1(v3)

block1(v4: i64):
    v5 = icmp slt v4, v1
    brif v5, block2, block3

block2:
    v6 = iadd v0, v4
    store.i8 v2, v6
    v7 = iconst.i64 1
    v8 = iadd v4, v7
    jump block1(v8)

block3:
    return
}
`);
  const buf = new Uint8Array(8);
  new Interpreter(m).call('fill', [buf.subarray(2, 6), 4, 7]);
  assert.deepEqual([...buf], [0, 0, 7, 7, 7, 7, 0, 0]);
});

test('imports resolve to JS hooks, built-ins and other modules', () => {
  const lib = parse(`function %twice(i64) -> i64 {
block0(v0: i64):
    v1 = iadd v0, v0
    return v1
}
`);
  lib.name = 'lib';
  const m = parse(`import %twice(i64) -> i64 from "lib"
import %cb(i32) -> i32
import %abs(i32) -> i32

function %go(i32) -> i64 {
block0(v0: i32):
    v1 = call %cb(v0)
    v2 = call %abs(v1)
    v3 = sext.i64 v2
    v4 = call %twice(v3)
    return v4
}
`);
  const interp = new Interpreter(m, { modules: [lib], imports: { cb: ([x]) => -(x as number) * 10 } });
  assert.equal(interp.call('go', [4]), 80n);
  assert.throws(() => new Interpreter(m).call('go', [1]), { message: 'import %cb is not resolved (register a JS implementation in options.imports)' });
});

test('bad JS arguments throw Errors', () => {
  const m = parse(`function %f(i64, ptr) {
block0(v0: i64, v1: ptr):
    return
}
`);
  const it = new Interpreter(m);
  assert.throws(() => it.call('f', [1]), { message: '%f expects 2 arguments, got 1' });
  assert.throws(() => it.call('f', [1.5, null]), { message: '%f argument 0: cannot pass 1.5 as i64' });
  assert.throws(() => it.call('nope', []), { message: 'module has no function %nope' });
});

test('every opcode appears in at least one filetest', () => {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'test', 'filetests');
  const texts: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(d, e.name));
      else if (e.name.endsWith('.ir')) texts.push(fs.readFileSync(path.join(d, e.name), 'utf8'));
    }
  };
  walk(root);
  const all = texts.join('\n');
  const missing = OPCODES.filter((o) => !new RegExp(`\\b${o.name}\\b`).test(all)).map((o) => o.name);
  assert.deepEqual(missing, []);
  assert.equal(OPCODES.length, OPCODE_COUNT);
  assert.equal(new Set(OPCODES.map((o) => o.name)).size, OPCODES.length);
});

test('a module built in TS prints and parses to the same text', () => {
  const m = new Module();
  const d = m.addData('msg', [104, 105, 0], { readonly: true, align: 2 });
  const ext = m.import('strlen', [Type.Ptr], [Type.I64]);
  const f = m.function('len', [], [Type.I64]);
  const b = f.builder();
  b.return(b.call(ext, [b.globalAddr(d)]));
  b.finish();
  assert.equal(new Interpreter(m).call('len'), 2n);
  const text = 'data %msg readonly align 2 = { 68 69 00 }\nimport %strlen(ptr) -> i64\n\nfunction %len() -> i64 {\nblock0:\n    v0 = global_addr %msg\n    v1 = call %strlen(v0)\n    return v1\n}\n';
  assert.equal(printModule(m), text);
  assert.equal(printModule(parse(text)), text);
});

test('the interpreter refuses invalid IR', () => {
  const m = parse(`function %f(i32) -> i64 {
block0(v0: i32):
    return v0
}
`);
  assert.throws(() => new Interpreter(m), {
    message: 'interpreter: invalid IR:\nverify: function f, block0, inst return v0: return value 0 has type i32, expected i64',
  });
});
