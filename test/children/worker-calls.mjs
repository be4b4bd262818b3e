// Two worker threads and the main thread call jitted code at the same time;
// each must see its own results (the argument buffer is per thread).
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { CodeMemory, wrap } from '../../dist/src/index.js';

function run(offset) {
  const memory = new CodeMemory();
  // lea rax, [rdi + rsi] ; ret   (i64 add of two arguments)
  const add = wrap(memory.place(new Uint8Array([0x48, 0x8d, 0x04, 0x37, 0xc3])), { args: ['i64', 'i64'], result: 'i64' });
  let bad = 0;
  for (let i = 0; i < 3_000_000; i++) if (add(i, offset) !== BigInt(i + offset)) bad++;
  return bad;
}

if (isMainThread) {
  const workers = [1_000_000, 2_000_000].map((o) => new Worker(new URL(import.meta.url), { workerData: o }));
  const results = workers.map((w) => new Promise((res, rej) => { w.on('message', res); w.on('error', rej); }));
  const mine = run(3_000_000);
  const theirs = await Promise.all(results);
  console.log(JSON.stringify({ bad: [mine, ...theirs] }));
} else {
  parentPort.postMessage(run(workerData));
}
