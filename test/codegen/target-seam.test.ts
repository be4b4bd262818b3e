/**
 * The target seam (src/codegen/target.ts): the import rule that keeps architecture-neutral
 * code free of any target (checked by scanning the sources, so it cannot regress), the host
 * target's choice and its error on other machines, and the consistency of every target's
 * register and calling-convention tables.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { allTargets, hostTarget, targetFor } from '../../src/codegen/host.js';
import { RegClass } from '../../src/codegen/target.js';
import { parse } from '../../src/ir/index.js';
import { compile } from '../../src/codegen/compile.js';
import { NativeSignature } from '../../src/runtime/signature.js';

/** The repository root (this file runs as dist/test/codegen/target-seam.test.js). */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** Folders whose every file must stay architecture-neutral, and single files with the same rule. */
const NEUTRAL_DIRS = ['src/runtime', 'src/ir', 'src/opt', 'src/regalloc', 'src/frontends'];
const NEUTRAL_FILES = ['src/codegen/compile.ts'];

/** Module specifiers of every static import, re-export, side-effect import and dynamic import in `text`. */
function specifiers(text: string): string[] {
  const out: string[] = [];
  const re = /\b(?:import|export)\s[^;'"]*?\bfrom\s*['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)|\bimport\s+['"]([^'"]+)['"]/g;
  for (const m of text.matchAll(re)) out.push((m[1] ?? m[2] ?? m[3])!);
  return out;
}

/** The violations in one file: specifiers that resolve into a folder named `x64`. */
function violations(file: string, text: string): string[] {
  const bad: string[] = [];
  for (const s of specifiers(text)) {
    const resolved = s.startsWith('.') ? path.resolve(path.dirname(file), s) : s;
    if (resolved.split(/[\\/]/).slice(0, -1).includes('x64')) bad.push(`${path.relative(ROOT, file)}: imports '${s}'`);
  }
  return bad;
}

function walk(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p) : /\.(ts|mts|js|mjs)$/.test(e.name) ? [p] : [];
  });
}

test('import rule: the scanner finds every form of import into an x64 folder (and nothing else)', () => {
  const file = path.join(ROOT, 'src/runtime/example.ts');
  const text = `import { a } from '../asm/x64/index.js';
import type {
  B,
} from "../codegen/x64/lower.js";
export { c } from '../codegen/x64/emit.js';
import '../codegen/x64/side-effect.js';
const d = await import('../codegen/x64/lazy.js');
import { e } from './x64-ish.js';
import { f } from '../codegen/target.js';
// a comment naming x64 is fine
`;
  assert.deepEqual(violations(file, text).map((v) => v.replace(/^.*imports /, '')),
    [`'../asm/x64/index.js'`, `'../codegen/x64/lower.js'`, `'../codegen/x64/emit.js'`, `'../codegen/x64/side-effect.js'`, `'../codegen/x64/lazy.js'`]);
});

test('import rule: src/runtime, src/ir, src/opt, src/regalloc, src/frontends and codegen/compile.ts import no x64 folder', () => {
  const files = [...NEUTRAL_DIRS.flatMap((d) => walk(path.join(ROOT, d))), ...NEUTRAL_FILES.map((f) => path.join(ROOT, f))];
  assert.ok(files.length > 30, `scanned only ${files.length} files: wrong root ${ROOT}?`);
  const bad = files.flatMap((f) => violations(f, fs.readFileSync(f, 'utf8')));
  assert.deepEqual(bad, [], `architecture-neutral code imports a target (ask hostTarget(), src/codegen/host.ts):\n${bad.join('\n')}`);
});

test('host target: chosen by process.arch; other machines get a clear Error', () => {
  assert.equal(hostTarget().arch, process.arch);
  assert.equal(targetFor('x64').name, 'x86-64');
  assert.throws(() => targetFor('riscv64'), /^Error: jitkit: no code generator for this machine \(process\.arch 'riscv64'; supported: x64\)\. The IR builder, verifier, optimiser and interpreter work on any machine/);
});

test('every target: register and calling-convention tables agree', () => {
  for (const t of allTargets()) {
    const r = t.registers, cc = t.callingConvention, name = `${t.name}: `;
    assert.equal(r.pregClass.length, r.numPregs, name + 'pregClass covers every preg');
    const allocatable = new Set<number>();
    r.allocatable.forEach((list, cls) => {
      for (const p of list) {
        assert.ok(p >= 0 && p < r.numPregs, `${name}allocatable ${p} is a preg`);
        assert.equal(r.pregClass[p], cls, `${name}${r.regName(p)} is allocated in its own class`);
        assert.ok(!allocatable.has(p), `${name}${r.regName(p)} listed once`);
        allocatable.add(p);
      }
    });
    for (const p of r.scratch) assert.ok(!allocatable.has(p), `${name}scratch ${r.regName(p)} is never allocated`);
    // Every allocatable register either survives calls or is in the clobber list a call defines.
    const clobbers = new Set(cc.callClobbers);
    for (const p of allocatable) {
      const saved = cc.calleeSaved.includes(p);
      assert.equal(r.isCalleeSaved(p), saved, `${name}isCalleeSaved(${r.regName(p)}) matches the ${cc.name} table`);
      assert.notEqual(saved, clobbers.has(p), `${name}${r.regName(p)} is exactly one of callee-saved and clobbered by calls`);
    }
    for (const p of [...cc.intArgs, ...cc.intResults]) assert.equal(r.pregClass[p], RegClass.Int, `${name}${r.regName(p)} is an integer register`);
    for (const p of [...cc.floatArgs, ...cc.floatResults]) assert.equal(r.pregClass[p], RegClass.Float, `${name}${r.regName(p)} is a float register`);
    for (const p of [...cc.intArgs, ...cc.floatArgs, ...cc.intResults, ...cc.floatResults]) {
      assert.ok(clobbers.has(p), `${name}argument/result register ${r.regName(p)} is clobbered by calls`);
    }
  }
});

test('host target: compiled code carries only the relocation kinds the target declares', () => {
  const m = parse(`import %abs(i64) -> i64
function %g(i64) -> i64 {
block0(v0: i64):
    v1 = call %abs(v0)
    return v1
}
function %f(i64) -> i64 {
    sig0 = (i64) -> i64

block0(v0: i64):
    v1 = call %g(v0)
    v2 = func_addr %abs
    v3 = call_indirect sig0, v2(v1)
    return v3
}
`);
  const c = compile(m, { resolve: (n) => (n === 'abs' ? 0x1000n : undefined) });
  const kinds = new Set<string>();
  for (const fc of (c as unknown as { compiled: Map<string, { code: { relocations: { kind: string }[] } }> }).compiled.values()) {
    for (const x of fc.code.relocations) kinds.add(x.kind);
  }
  const declared = new Set<string>(hostTarget().relocationKinds);
  assert.ok(kinds.size > 0);
  for (const k of kinds) assert.ok(declared.has(k), `relocation kind ${k} is declared by ${hostTarget().name}`);
  c.free();
});

test('every target: its disassembler decodes its own code, instruction by instruction, to the last byte', async () => {
  const sig = new NativeSignature({ args: ['i64', 'f64', 'ptr', 'i32', 'i64', 'i64', 'i64', 'i64', 'f32'], result: 'f64' });
  for (const t of allTargets()) {
    const bytes = t.entryThunk(sig, { checkStackAlignment: true });
    const decoded = (await t.loadDisassembler()).decode(bytes, 0x1000n);
    assert.ok(decoded.length > 5, `${t.name}: ${decoded.length} instructions`);
    let at = 0x1000n;
    for (const d of decoded) {
      assert.equal(d.address, at, `${t.name}: instructions follow one another`);
      assert.equal(d.hex.split(' ').length, d.length, `${t.name}: ${d.text}: hex shows every byte`);
      assert.ok(d.text.length > 0 && !/^\(bad\)|invalid/i.test(d.text), `${t.name}: decoded as ${d.text}`);
      at += BigInt(d.length);
    }
    assert.equal(at - 0x1000n, BigInt(bytes.length), `${t.name}: the whole thunk decodes`);
  }
});
