// Best time per backend phase (lower, rotateLoops, regallocView, allocateRegisters, emitFunction) over
// the benchmark kernel module: node scripts/backend-phases.mjs [opt level|baseline] [large[=N]|live[=N]]. Run
// after a build. With `large`, over one large generated function instead (bench/kernels/large.ts, N IR
// instructions, default 50000; fewer rounds); with `live`, bench/kernels/large-live.ts (many values live).
// `baseline`: the baseline tier (no rotation, the local allocator). One BackendScratch for all functions,
// as compile() has one per module.
import { buildKernels } from '../dist/bench/kernels/ir.js';
import { buildLargeFunction } from '../dist/bench/kernels/large.js';
import { buildLiveFunction } from '../dist/bench/kernels/large-live.js';
import { allocateLocal } from '../dist/src/regalloc/local.js';
import { hostTarget } from '../dist/src/codegen/host.js';
import { signatureHash } from '../dist/src/codegen/signature-hash.js';
import { rotateLoops } from '../dist/src/codegen/layout.js';
import { regallocView } from '../dist/src/codegen/backend.js';
import { allocateRegisters } from '../dist/src/regalloc/linear-scan.js';
import { optimize } from '../dist/src/opt/index.js';
import { BackendScratch } from '../dist/src/codegen/scratch.js';
const target = hostTarget();
const baseline = process.argv[2] === 'baseline';
const level = baseline ? 0 : Number(process.argv[2] ?? 0);
const large = /^(large|live)(=(\d+))?$/.exec(process.argv[3] ?? '');
const size = large === null ? 0 : Number(large[3] ?? 50000);
const build = large === null ? buildKernels : large[1] === 'live' ? () => buildLiveFunction(size) : () => buildLargeFunction(size);
// Rounds, and how many of the first are warm-up (the large function: about 600k IR instructions in all).
const rounds = large === null ? 400 : Math.max(12, Math.round(600000 / size)), warm = Math.floor(rounds / 4);
const cx = { dataAddress: () => 0x10000n, functionSymbol: (n) => `fn:${n}`, importStubSymbol: (n) => `stub:${n}`, importSymbol: (n) => `c:${n}`, resultsAddress: 0x20000n, scratch: new BackendScratch() };
const names = ['lower', 'rotate', 'view', 'alloc', 'emit'];
const best = names.map(() => Infinity);
for (let r = 0; r < rounds; r++) {
  const m = build(); if (level) optimize(m, { level });
  const t = [0, 0, 0, 0, 0];
  for (const f of m.functions()) {
    let t0 = performance.now();
    const mf = target.lowerFunction(f, cx); let t1 = performance.now(); t[0] += t1 - t0; t0 = t1;
    if (!baseline) rotateLoops(mf); t1 = performance.now(); t[1] += t1 - t0; t0 = t1;
    const { input } = regallocView(target, mf); t1 = performance.now(); t[2] += t1 - t0; t0 = t1;
    const alloc = baseline ? allocateLocal(input, cx.scratch.localRegalloc) : allocateRegisters(input, cx.scratch.regalloc); t1 = performance.now(); t[3] += t1 - t0; t0 = t1;
    target.emitFunction(mf, alloc, { stateAddress: 0x30000n, stackLimitOffset: 0, symbol: 'fn:' + f.name, signatureHash: signatureHash(f) }); t1 = performance.now(); t[4] += t1 - t0;
  }
  if (r > warm) for (let k = 0; k < 5; k++) best[k] = Math.min(best[k], t[k]);
}
console.log(names.map((n, k) => `${n} ${best[k].toFixed(3)}`).join('  '), 'sum', best.reduce((a, b) => a + b).toFixed(3));
