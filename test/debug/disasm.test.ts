import { test } from 'node:test';
import assert from 'node:assert/strict';
import { disassemble } from '../../src/debug/disasm.js';
import { Assembler, rax, rdi, qword, rcx, r11, ymm0, ymm1, ymm2 } from '../../src/asm/x64/index.js';

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

test('disassemble: 64-bit immediates print in full (iced-x86 1.21 prints 0x7f0000000000 as 0); branch targets without leading zeros', async () => {
  const a = new Assembler();
  const end = a.newLabel();
  a.mov(r11, 0x7f0000000000n);
  a.mov(rax, 0x100000000n);
  a.mov(rax, -0xeddcbbaa99887788n & 0xffffffffffffffffn);
  a.jmp(end);
  a.bind(end);
  a.ret();
  const lines = await disassemble(a.finish().bytes);
  assert.deepEqual(lines.map((l) => l.slice(49)), [
    'mov r11, 7F0000000000h',
    'mov rax, 100000000h',
    'mov rax, 1223445566778878h',
    'jmp short 20h',
    'ret',
  ]);
});
