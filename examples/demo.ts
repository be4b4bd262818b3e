/**
 * The classic "how to JIT" add4, run through the dangerous RWX route and through
 * jitkit's W^X code memory (both of its schemes), printing the page protections
 * as the kernel reports them in /proc/self/maps, at write time and at run time,
 * so you can watch W^X happen.
 *
 * Run: npm start
 */
import { CodeMemory, dangerouslyAllocateRwx, mappingAt } from '../src/index.js';
import type { CodeMemoryScheme } from '../src/index.js';
import { Assembler, rax, rdi } from '../src/asm/x64/index.js';
import { disassemble } from '../src/debug/disasm.js';

// The article's bytes: mov rax, rdi ; add rax, 4 ; ret
const articleBytes = [0x48, 0x89, 0xf8, 0x48, 0x83, 0xc0, 0x04, 0xc3];

// Built with jitkit's assembler instead of by hand:
const a = new Assembler();
a.mov(rax, rdi);
a.add(rax, 4);
a.ret();
const add4 = a.finish().bytes;
if (add4.join() !== articleBytes.join()) throw new Error('the assembler did not produce the article\'s bytes');

function protection(label: string, address: bigint): void {
  const m = mappingAt(address);
  const perms = m === undefined ? '(unmapped)' : m.perms;
  console.log(`  ${label.padEnd(34)} 0x${address.toString(16).padStart(12, '0')}  ${perms}${m?.path ? '  ' + m.path : ''}`);
}

function runWx(scheme: CodeMemoryScheme, why: string): void {
  const memory = new CodeMemory({ scheme });
  console.log(`\nW^X route: CodeMemory, scheme '${memory.scheme}' (${why})`);
  const writer = memory.allocate(add4.length, { name: 'add4' });
  writer.write(add4);
  const writeView = writer.writeAddress;
  const execView = writer.address;
  console.log(' at write time:');
  protection('page written (write view):', writeView);
  if (writeView !== execView) protection('page that will run (exec view):', execView);
  const code = writer.finalize();
  console.log(' at run time:');
  if (writeView !== execView) protection('write view:', writeView);
  protection('page running (exec view):', code.address);
  console.log(`  result = ${code.callInt(2n)}`);
  code.free();
  memory.dispose();
}

console.log('add4, built with the assembler (a.mov(rax, rdi); a.add(rax, 4); a.ret()):');
for (const line of await disassemble(add4)) console.log('  ' + line);

console.log('\nRWX route: dangerouslyAllocateRwx (the classic article; unsafe, demo only)');
const rwx = dangerouslyAllocateRwx(add4.length);
rwx.write(add4);
console.log(' at write time:');
protection('page written:', rwx.address);
const r1 = rwx.callInt(2n);
console.log(' at run time:');
protection('page running:', rwx.address);
console.log(`  result = ${r1}`);
rwx.free();

runWx('dual-mapping', 'the default: one memfd mapped RW and RX at two addresses');
runWx('mprotect', 'the fallback: map RW, write, flip to RX');
