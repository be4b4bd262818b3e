/**
 * Regenerates test/asm/x64/golden.json: for every form of the form table, a few
 * sample instructions assembled by GNU as (.intel_syntax noprefix) and the bytes
 * objdump shows for them. Run with `npm run gen:asm-golden`; tests only read the JSON.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { FORMS } from '../src/asm/x64/forms.js';
import { samplesFor, type Sample } from './asm-samples.js';

interface Entry extends Sample { form: string; hex: string; objdump: string }

const dir = mkdtempSync(path.join(tmpdir(), 'jitkit-golden-'));
const all: { form: string; sample: Sample }[] = [];
for (const f of FORMS) for (const s of samplesFor(f)) all.push({ form: f.row, sample: s });

/** Assembles a batch, one section per sample; returns per-sample [hex, text] or the failing sample index. */
function assemble(batch: { sample: Sample }[]): { ok: true; out: [string, string][] } | { ok: false; bad: number[] } {
  const lines = ['.intel_syntax noprefix'];
  const lineOf: number[] = [];
  batch.forEach((b, i) => {
    lines.push(`.section .t${i},"ax",@progbits`);
    for (const l of b.sample.text.split('\n')) { lines.push(l); lineOf[lines.length] = i; }
  });
  const src = path.join(dir, 'in.s'), obj = path.join(dir, 'in.o');
  writeFileSync(src, lines.join('\n') + '\n');
  try {
    execFileSync('as', ['--64', '-o', obj, src], { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const msg = String((e as { stderr: Buffer }).stderr);
    const bad = [...msg.matchAll(/in\.s:(\d+): Error/g)].map((m) => lineOf[Number(m[1])]!).filter((x) => x !== undefined);
    if (bad.length === 0) throw new Error(msg);
    return { ok: false, bad: [...new Set(bad)] };
  }
  const dump = execFileSync('objdump', ['-d', '-M', 'intel', '-w', obj], { maxBuffer: 1 << 28 }).toString();
  const out: [string, string][] = batch.map(() => ['', '']);
  let cur = -1;
  for (const line of dump.split('\n')) {
    const sec = /^Disassembly of section \.t(\d+):/.exec(line);
    if (sec) { cur = Number(sec[1]); continue; }
    const m = /^\s*[0-9a-f]+:\t([0-9a-f ]+)\t?(.*)$/.exec(line);
    if (m && cur >= 0) {
      out[cur]![0] += m[1]!.replace(/\s+/g, '');
      if (m[2]) out[cur]![1] += (out[cur]![1] ? '; ' : '') + m[2].trim().replace(/\s+/g, ' ');
    }
  }
  return { ok: true, out };
}

const entries: Entry[] = [];
const rejected: string[] = [];
let pending = all;
const BATCH = 400;
for (let i = 0; i < pending.length; i += BATCH) {
  let batch = pending.slice(i, i + BATCH);
  for (;;) {
    const r = assemble(batch);
    if (r.ok) {
      batch.forEach((b, j) => entries.push({ form: b.form, ...b.sample, hex: r.out[j]![0], objdump: r.out[j]![1] }));
      break;
    }
    for (const k of r.bad) rejected.push(`${batch[k]!.form} :: ${batch[k]!.sample.text}`);
    batch = batch.filter((_, k) => !r.bad.includes(k));
  }
}
rmSync(dir, { recursive: true });
const file = path.resolve(process.argv[2] ?? 'test/asm/x64/golden.json');
const version = execFileSync('as', ['--version']).toString().split('\n')[0];
writeFileSync(file, JSON.stringify({ generator: 'scripts/gen-asm-golden.ts', assembler: version, entries }, null, 0)
  .replace(/\},\{/g, '},\n{') + '\n');
console.log(`${entries.length} samples for ${new Set(entries.map((e) => e.form)).size}/${FORMS.length} forms -> ${file}`);
if (rejected.length) console.log(`GNU as rejected ${rejected.length}:\n  ${rejected.join('\n  ')}`);
