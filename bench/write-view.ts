/**
 * bench:write-view — what the dual mapping's writable view costs per install
 * (docs/safety.md §6), measured side by side in one run:
 *
 *   persistent          new CodeMemory({ writeView: 'persistent' }): one RW view per region, kept
 *   transient           the default: a RW view mapped at a random address for each write, unmapped after
 *   transient, batch    the default inside memory.batch(): one view per region for the whole batch
 *
 * Each variant places an 8-byte function (`place`: allocate, write, finalise) and frees it
 * (overwrite with int3), timed separately; interleaved rounds, best batch kept (bench/timing.ts).
 * Ends with: place us: persistent <a> transient <b> batch <c>  free us: persistent <d> transient <e> batch <f>
 */
import { cpus } from 'node:os';
import { CodeMemory, type CodeHandle } from '../src/index.js';
import { fmt, measureInterleaved, table } from './timing.js';

const CODE = new Uint8Array([0x48, 0x89, 0xf8, 0x48, 0x83, 0xc0, 0x04, 0xc3]); // mov rax, rdi; add rax, 4; ret

const persistent = new CodeMemory({ writeView: 'persistent' });
const transient = new CodeMemory();
if (transient.scheme !== 'dual-mapping') throw new Error(`bench: the write view exists only with dual mapping (this machine uses ${transient.scheme}: ${transient.fallbackReason})`);

// Every variant keeps one function placed all along, so no region is mapped or unmapped inside a batch.
const anchors = [persistent.place(CODE), transient.place(CODE)];
const placed: CodeHandle[] = [];
const placeIn = (memory: CodeMemory) => (n: number) => { for (let i = 0; i < n; i++) placed.push(memory.place(CODE)); };
const freeAll = (): void => { for (const h of placed) h.free(); placed.length = 0; };

const place = measureInterleaved({
  persistent: placeIn(persistent),
  transient: placeIn(transient),
  batch: (n: number) => transient.batch(() => placeIn(transient)(n)),
}, { rounds: 15, batchMs: 5, after: freeAll });

// Freeing: each batch frees what an untimed placement before it made.
const prepare = (memory: CodeMemory, n: number): CodeHandle[] => memory.batch(() => Array.from({ length: n }, () => memory.place(CODE)));
const freeIn = (memory: CodeMemory, batched: boolean) => (n: number) => {
  const hs = prepare(memory, n);
  const t0 = process.hrtime.bigint();
  if (batched) memory.batch(() => { for (const h of hs) h.free(); });
  else for (const h of hs) h.free();
  freeTimes.push(Number(process.hrtime.bigint() - t0) / n);
};
let freeTimes: number[] = [];
const free: Record<'persistent' | 'transient' | 'batch', number> = { persistent: Infinity, transient: Infinity, batch: Infinity };
for (let round = 0; round < 15; round++) {
  for (const [k, body] of [['persistent', freeIn(persistent, false)], ['transient', freeIn(transient, false)], ['batch', freeIn(transient, true)]] as const) {
    freeTimes = [];
    body(200);
    free[k] = Math.min(free[k], freeTimes[0]!);
  }
}
for (const a of anchors) a.free();

const us = (ns: number): string => fmt(ns / 1000, 2);
console.log(`${cpus()[0]?.model ?? 'cpu'}, ${cpus().length} cpus, Node ${process.version}; best of 15 interleaved rounds\n`);
table(['write view', 'place us', 'free us'], [
  ['persistent', us(place.persistent), us(free.persistent)],
  ['transient', us(place.transient), us(free.transient)],
  ['transient, in batch()', us(place.batch), us(free.batch)],
]);
console.log(`\nplace us: persistent ${us(place.persistent)} transient ${us(place.transient)} batch ${us(place.batch)}  free us: persistent ${us(free.persistent)} transient ${us(free.transient)} batch ${us(free.batch)}`);
