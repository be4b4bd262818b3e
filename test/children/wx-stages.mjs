// Runs under `node --jitless` (V8 then maps no RWX pages of its own): checks the
// whole process's /proc/self/maps for writable+executable mappings at every
// stage of W^X use, for both schemes, then shows the RWX route does create one.
import { CodeMemory, dangerouslyAllocateRwx, writableExecutableMappings } from '../../dist/src/index.js';

const add4 = new Uint8Array([0x48, 0x89, 0xf8, 0x48, 0x83, 0xc0, 0x04, 0xc3]);
const stages = [];
const check = (stage) => stages.push([stage, writableExecutableMappings().length]);
check('start');
for (const scheme of ['dual-mapping', 'mprotect']) {
  const m = new CodeMemory({ scheme });
  const w = m.allocate(add4.length);
  check(`${scheme}: after allocation`);
  w.write(add4);
  check(`${scheme}: after writing`);
  const f = w.finalize();
  check(`${scheme}: after finalising`);
  if (f.callInt(2n) !== 6n) throw new Error('add4 is wrong');
  check(`${scheme}: after running`);
  f.free();
  check(`${scheme}: after freeing`);
  m.dispose();
  check(`${scheme}: after dispose`);
}
const block = dangerouslyAllocateRwx(16);
check('rwx route: allocated');
block.free();
console.log(JSON.stringify(stages));
