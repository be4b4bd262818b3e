import { test } from 'node:test';
import assert from 'node:assert/strict';
import { disassemble } from '../../src/debug/disasm.js';
import { Assembler, rax, rdi, qword, rcx, ymm0, ymm1, ymm2 } from '../../src/asm/x64/index.js';

test('disassemble: Intel syntax lines with addresses and bytes (iced-x86, lazy)', async () => {
  const a = new Assembler();
  a.add(rax, rdi);
  a.mov(rax, qword(rdi, rcx, 8, 16));
  a.vfmadd231pd(ymm0, ymm1, ymm2);
  a.ret();
  const lines = await disassemble(a.finish().bytes, { address: 0x1000n });
  assert.deepEqual(lines, [
    '0000000000001000  48 01 f8                       add rax, rdi',
    '0000000000001003  48 8b 44 cf 10                 mov rax, qword ptr [rdi+rcx*8+10h]',
    '0000000000001008  c4 e2 f5 b8 c2                 vfmadd231pd ymm0, ymm1, ymm2',
    '000000000000100d  c3                             ret',
  ]);
});
