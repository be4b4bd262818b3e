// Waits for the parent to shrink this process's RLIMIT_AS (prlimit --pid),
// then asks for a code region larger than the remaining address space: the
// kernel's real ENOMEM must arrive as a JS Error naming mmap.
import { CodeMemory } from '../../dist/src/index.js';

process.stdout.write('ready\n');
process.stdin.once('data', () => {
  let result;
  try {
    new CodeMemory({ scheme: 'dual-mapping', regionSize: 256 * 1024 * 1024 }).allocate(16);
    result = { ok: true };
  } catch (e) {
    result = { ok: false, message: e.message, syscall: e.syscall, code: e.code };
  }
  process.stdout.write(JSON.stringify(result) + '\n');
  process.exit(0);
});
