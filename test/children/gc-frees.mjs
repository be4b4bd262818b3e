// Runs under `node --expose-gc`: code whose handle is collected is freed by the
// FinalizationRegistry, and its region unmapped.
import { CodeMemory } from '../../dist/src/index.js';

const add4 = new Uint8Array([0x48, 0x89, 0xf8, 0x48, 0x83, 0xc0, 0x04, 0xc3]);
const memory = new CodeMemory({ regionSize: 4096 });
const keep = memory.place(add4);
(function drop() {
  for (let i = 0; i < 2000; i++) memory.place(add4); // handles dropped at once
  memory.allocate(64); // a writer dropped without finalize
})();
const before = memory.stats();
for (let i = 0; i < 20 && memory.stats().liveChunks > 1; i++) {
  globalThis.gc();
  await new Promise((r) => setTimeout(r, 10));
}
const after = memory.stats();
console.log(JSON.stringify({ before: before.liveChunks, after: after.liveChunks, regionsBefore: before.regions, regionsAfter: after.regions, stillWorks: String(keep.callInt(1n)) }));
