/**
 * Source locations: the builder's current location, the text form, the passes keeping them
 * (the inliner the callee's), the compiled line table and the annotated disassembly.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Module, Type, parse, printModule, verifyModule } from '../../src/ir/index.js';
import { optimize } from '../../src/opt/index.js';
import { compile } from '../../src/codegen/compile.js';

const SOURCE = [
  'int sq(int x) {',
  '  return x * x;',
  '}',
  'int f(int n) {',
  '  int s = 0;',
  '  for (int i = 0; i < n; i++)',
  '    s += sq(i);',
  '  return s;',
  '}',
].join('\n');

/** `sq` and `f` of SOURCE, with the locations a C front end would give them. */
function build(): Module {
  const m = new Module();
  const file = m.addFile('demo.c', SOURCE);
  const sq = m.function('sq', [Type.I32], [Type.I32]);
  const b = sq.builder();
  b.setLocation(file, 2, 10);
  b.return(b.imul(b.param(0), b.param(0)));
  b.finish();
  const f = m.function('f', [Type.I32], [Type.I32]);
  const g = f.builder();
  g.setLocation(file, 5, 7);
  const zero = g.iconst(Type.I32, 0);
  g.setLocation(file, 6, 3);
  const [s] = g.forRange(zero, g.param(0), [zero], (i, [acc]) => {
    g.setLocation(file, 7, 5);
    return [g.iadd(acc!, g.call(sq, [i]))];
  });
  g.setLocation(file, 8, 3);
  g.return(s!);
  g.finish();
  return m;
}

test('the builder gives instructions its current location; the text round-trips them', () => {
  const m = build();
  const f = m.getFunction('f');
  const lines = new Set<number>();
  for (const b of f.blocks()) for (const i of f.insts(b)) lines.add(m.locationOf(f.instLoc[i]!)!.line);
  assert.deepEqual([...lines].sort(), [5, 6, 7, 8]);
  const text = printModule(m);
  assert.match(text, /^file 0 "demo\.c"$/m);
  assert.match(text, /^ {4}@0:2:10\n {4}v\d+ = imul/m);
  assert.equal(printModule(parse(text)), text);
  assert.equal(printModule(m.clone()), text);
  assert.equal(m.location(0, 2, 10), m.location(0, 2, 10), 'equal locations share an id');
  assert.equal(m.addFile('demo.c'), 0, 'a file is added once');
  assert.throws(() => m.location(3, 1), /location: unknown file 3 \(the module has 1\)/);
  assert.throws(() => m.location(0, 0), /location: line 0 is not from 1/);
  assert.throws(() => m.addFile('a"b'), /addFile: a file name is a non-empty string without quotes/);
  assert.throws(() => f.builder().setLocation(0), /line undefined is not from 1/);
});

test('the optimiser keeps locations: inlined code carries the callee\'s', () => {
  const m = build();
  optimize(m, { level: 2, verify: true });
  assert.deepEqual(verifyModule(m), []);
  const f = m.getFunction('f');
  let inlinedMul = false;
  for (const b of f.blocks()) {
    for (const i of f.insts(b)) {
      if (f.instOpcode[i] === 9 /* imul */) inlinedMul = m.locationOf(f.instLoc[i]!)?.line === 2;
    }
  }
  assert.ok(inlinedMul, 'the inlined x * x keeps sq\'s line 2');
  assert.match(printModule(m), /@0:2:10/);
});

test('inlined code without locations of its own takes the call\'s', () => {
  const m = parse(`file 0 "main.c"

function %twice(i64) -> i64 {
block0(v0: i64):
    v1 = iadd v0, v0
    return v1
}

function %f(i64) -> i64 {
block0(v0: i64):
    @0:9:3
    v1 = call %twice(v0)
    @0:10
    return v1
}
`);
  optimize(m, { level: 2, verify: true });
  const f = m.getFunction('f');
  const lines: (number | undefined)[] = [];
  for (const b of f.blocks()) for (const i of f.insts(b)) lines.push(m.locationOf(f.instLoc[i]!)?.line);
  assert.match(printModule(m), /iadd/, 'twice was inlined');
  assert.ok(!lines.includes(undefined), `every instruction has a location: ${lines}`);
  assert.ok(lines.includes(9) && lines.includes(10), `${lines}`);
});

test('compiled code: a line table per function and disassembly with the source lines', async () => {
  for (const opt of [0, 2] as const) {
    const c = compile(build(), { opt });
    try {
      assert.equal(c.get('f')(4), 14);
      const t = c.lineTable('f');
      assert.ok(t.ranges.length >= 3, `${t.ranges.length} ranges`);
      let end = 0;
      for (const r of t.ranges) {
        assert.ok(r.start >= end && r.end > r.start && r.end <= t.size, `range ${r.start}..${r.end} of ${t.size}`);
        assert.equal(r.file, 'demo.c');
        end = r.end;
      }
      const lines = new Set(t.ranges.map((r) => r.line));
      for (const l of [5, 7, 8]) assert.ok(lines.has(l), `line ${l} in ${[...lines]}`);
      const text = await c.disassemble('f');
      assert.match(text, /; demo\.c:7: s \+= sq\(i\);/);
      assert.match(text, /; demo\.c:8: return s;/);
      assert.throws(() => c.lineTable('nope'), /compiled module has no function %nope/);
    } finally {
      c.free();
    }
  }
});
