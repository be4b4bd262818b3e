// Runs inside `mdwe-launch node --jitless`: reports, as one JSON line, how each
// code-memory route behaves when the kernel refuses execute gain.
import { CodeMemory, dangerouslyAllocateRwx, writableExecutableMappings } from '../../dist/src/index.js';

const add4 = new Uint8Array([0x48, 0x89, 0xf8, 0x48, 0x83, 0xc0, 0x04, 0xc3]);
const out = {};
function attempt(name, fn) {
  try {
    out[name] = { ok: true, value: String(fn()) };
  } catch (e) {
    out[name] = { ok: false, message: e.message, code: e.code, syscall: e.syscall };
  }
}
attempt('dual', () => {
  const m = new CodeMemory({ scheme: 'dual-mapping' });
  const f = m.place(add4);
  const r = f.callInt(2n);
  f.free();
  m.dispose();
  return r;
});
attempt('auto', () => new CodeMemory().scheme);
attempt('mprotect', () => new CodeMemory({ scheme: 'mprotect' }).place(add4).callInt(2n));
attempt('rwx', () => dangerouslyAllocateRwx(add4.length).callInt(2n));
out.rwxMappings = writableExecutableMappings().length;
console.log(JSON.stringify(out));
