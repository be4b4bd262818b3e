// Fingerprint of generated code (run after a build: node scripts/codegen-fingerprint.mjs): one hash over
// every function's bytes and relocations, kernels and filetests, at -O0 and -O2. A compile-speed change
// must leave it unchanged. FP_DUMP=1 prints one line per function to find the one that changed.
// It reads CompiledModule's private `compiled` map (each function's unlinked code).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { buildKernels } from '../dist/bench/kernels/ir.js';
import { compile } from '../dist/src/codegen/compile.js';
import { parse } from '../dist/src/ir/parser.js';
import iced from 'iced-x86';
/** Zeroes the immediates/displacements of instructions whose bytes differ between two compiles (embedded addresses). */
function maskAddresses(x, y, entry, end) {
  const dec = new iced.Decoder(64, x.subarray(entry, end), iced.DecoderOptions.None);
  const ins = new iced.Instruction();
  let at = entry;
  while (dec.canDecode) {
    dec.decodeOut(ins);
    const len = ins.length;
    let differs = false;
    for (let i = at; i < at + len; i++) if (x[i] !== y[i]) differs = true;
    if (differs) {
      const co = dec.getConstantOffsets(ins);
      if (co.hasImmediate) x.fill(0, at + co.immediateOffset, at + co.immediateOffset + co.immediateSize);
      if (co.hasDisplacement) x.fill(0, at + co.displacementOffset, at + co.displacementOffset + co.displacementSize);
      co.free();
    }
    at += len;
  }
  ins.free(); dec.free();
  for (let i = 0; i < x.length; i++) if (i < entry || i >= end) { if (x[i] !== y[i]) x[i] = 0; }
}
const mods = [['kernels', () => buildKernels()]];
const root = fileURLToPath(new URL('../test/filetests', import.meta.url));
const walk = (d) => fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => e.isDirectory() ? walk(path.join(d, e.name)) : e.name.endsWith('.ir') ? [path.join(d, e.name)] : []);
for (const f of walk(root).sort()) {
  const text = fs.readFileSync(f, 'utf8');
  if (/^test (parse|verify)/m.test(text)) continue;
  // Named relative to test/filetests, so that every checkout prints the same hash.
  mods.push([path.relative(root, f), () => parse(text)]);
}
const all = createHash('sha256');
let n = 0, fails = 0;
for (const [name, mk] of mods) {
  for (const opt of [0, 2]) {
    let c, c2;
    // Embedded addresses (state block, data) differ from run to run: compile twice, zero the bytes that differ.
    try { c = compile(mk(), { opt }); c2 = compile(mk(), { opt }); } catch (e) { fails++; all.update(`${name} ${opt} ERR ${e.message}\n`); continue; }
    for (const [fn, cf] of c.compiled) {
      all.update(`${name} ${opt} ${fn}\n`);
      const x = Uint8Array.from(cf.code.bytes), y = c2.compiled.get(fn).code.bytes;
      maskAddresses(x, y, cf.code.entry, cf.code.codeEnd);
      all.update(x);
      const rel = JSON.stringify(cf.code.relocations, (k, v) => typeof v === "bigint" ? v.toString() : v); all.update(rel); if (process.env.FP_DUMP) console.log(name, opt, fn, createHash("sha1").update(x).digest("hex"), rel);
      n++;
    }
    c.free(); c2.free();
  }
}
console.log(all.digest('hex'), n, 'functions', fails, 'failures');
