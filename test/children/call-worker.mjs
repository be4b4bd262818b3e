// A worker thread that calls a wrapped jitted function in a tight loop with its
// own values and reports how many results were not its own argument.
import { workerData, parentPort } from 'node:worker_threads';
import { CodeMemory, wrap } from '../../dist/src/index.js';
import { returnArg } from '../../dist/test/runtime/abi/jit.js';

const { base, calls } = workerData;
const memory = new CodeMemory();
const f = wrap(returnArg(memory, ['i32', 'f64', 'i32'], 0), { args: ['i32', 'f64', 'i32'], result: 'i32' });
let wrong = 0;
for (let i = 0; i < calls; i++) {
  const v = base + (i & 0xfffff);
  if (f(v, i, -v) !== v) wrong++;
}
parentPort.postMessage(wrong);
