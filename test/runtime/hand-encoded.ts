/**
 * Hand-encoded x86-64 functions used by the runtime tests (bytes checked with
 * GNU as/objdump when written; the assembler issue replaces hand encoding).
 */
const MOV_RAX_RDI = [0x48, 0x89, 0xf8];
const RET = [0xc3];

/** add4(x) = x + 4: mov rax, rdi; add rax, 4; ret. */
export const add4 = new Uint8Array([...MOV_RAX_RDI, 0x48, 0x83, 0xc0, 0x04, ...RET]);
/** neg(x) = -x: mov rax, rdi; neg rax; ret. */
export const neg = new Uint8Array([...MOV_RAX_RDI, 0x48, 0xf7, 0xd8, ...RET]);
/** mul(x, y) = x * y (wrapping): mov rax, rdi; imul rax, rsi; ret. */
export const mul = new Uint8Array([...MOV_RAX_RDI, 0x48, 0x0f, 0xaf, 0xc6, ...RET]);
/** sub(x, y) = x - y: mov rax, rdi; sub rax, rsi; ret. */
export const sub = new Uint8Array([...MOV_RAX_RDI, 0x48, 0x29, 0xf0, ...RET]);
/** sum6(a..f): rax = rdi + rsi + rdx + rcx + r8 + r9. */
export const sum6 = new Uint8Array([
  ...MOV_RAX_RDI,
  0x48, 0x01, 0xf0, // add rax, rsi
  0x48, 0x01, 0xd0, // add rax, rdx
  0x48, 0x01, 0xc8, // add rax, rcx
  0x4c, 0x01, 0xc0, // add rax, r8
  0x4c, 0x01, 0xc8, // add rax, r9
  ...RET,
]);
/** fma(a, b, c) = a + b * c in doubles: mulsd xmm1, xmm2; addsd xmm0, xmm1; ret. */
export const fmaDouble = new Uint8Array([0xf2, 0x0f, 0x59, 0xca, 0xf2, 0x0f, 0x58, 0xc1, ...RET]);
/** sqrt(x) in doubles: sqrtsd xmm0, xmm0; ret. */
export const sqrtDouble = new Uint8Array([0xf2, 0x0f, 0x51, 0xc0, ...RET]);

/** Edge-case 64-bit inputs. */
export const INT_SAMPLES: bigint[] = [
  0n, 1n, -1n, 2n, -2n, 4n, -4n, 123456789n, -987654321n,
  0x7fffffffn, -0x80000000n, 0xffffffffn, 0x100000000n,
  0x7ffffffffffffffbn, 0x7fffffffffffffffn, -0x8000000000000000n, -0x7fffffffffffffffn,
  0x123456789abcdefn, -0x123456789abcdefn,
];

/** Wraps to a signed 64-bit value. */
export const wrap = (x: bigint): bigint => BigInt.asIntN(64, x);
