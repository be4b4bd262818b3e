/**
 * Jitted callees for the calling tests, assembled per signature with jitkit's
 * assembler. Where each argument lives comes from `planCall`; what these
 * functions must return comes from the tests' own oracles (gen.ts, JS).
 *
 * Results deliberately carry garbage outside their width (upper bits of rax
 * above a narrow result, upper half of xmm0's low quadword above an f32), so
 * the caller's extension is what the tests observe.
 */
import { Assembler, Cond, byte, dword, qword, word, gp8, gp16, gp32, gp64, xmmRegs, type Mem, type Reg,
  rax, rcx, rdx, rdi, rsi, rsp, rbx, r11, r11d, eax, ecx, edx, al, cl, ax } from '../../../src/asm/x64/index.js';
import { CodeMemory, type CodeHandle } from '../../../src/index.js';
import { planCall, ArgClass, SYSV } from '../../../src/codegen/x64/sysv.js';
import { NativeSignature } from '../../../src/runtime/signature.js';
import { entryThunkAddress } from '../../../src/runtime/calling.js';
import type { ArgType } from './gen.js';

/** Garbage for the bits a narrow result does not define. */
export const GARBAGE = 0xdeadbeefcafe5a5an;

const xmm0 = xmmRegs[0]!;
const xmm8 = xmmRegs[8]!;
const xmm9 = xmmRegs[9]!;
const xmm15 = xmmRegs[15]!;

/** Where argument k is on entry (rsp points at the return address): a register or a stack slot. */
function argSource(sig: NativeSignature, k: number): { reg?: number; xmm?: number; slot?: number } {
  const loc = planCall(sig).args[k]!;
  if (loc.cls === ArgClass.IntReg) return { reg: SYSV.intArgs[loc.index]! };
  if (loc.cls === ArgClass.VecReg) return { xmm: loc.index };
  return { slot: loc.index };
}

function mem(size: 1 | 2 | 4 | 8, slot: number): Mem {
  const disp = 8 + 8 * slot;
  return size === 1 ? byte(rsp, undefined, 1, disp) : size === 2 ? word(rsp, undefined, 1, disp) : size === 4 ? dword(rsp, undefined, 1, disp) : qword(rsp, undefined, 1, disp);
}

/** Emits: rax/xmm0 = argument k of `sig`, as type `t`, with garbage above its width. */
export function emitReturnArg(a: Assembler, sig: NativeSignature, k: number): void {
  const t = sig.args[k]!;
  const src = argSource(sig, k);
  const intSrc = (size: 1 | 2 | 4 | 8): Reg | Mem => {
    if (src.reg !== undefined) return (size === 1 ? gp8 : size === 2 ? gp16 : size === 4 ? gp32 : gp64)[src.reg]!;
    return mem(size, src.slot!);
  };
  switch (t) {
    case 'i64': case 'u64': case 'ptr':
      a.mov(rax, intSrc(8));
      break;
    case 'i32': case 'u32':
      a.mov(ecx, intSrc(4)); // zero-extends into rcx
      a.mov(rax, GARBAGE & 0xffffffff00000000n);
      a.or(rax, rcx);
      break;
    case 'i16': case 'u16':
      a.mov(rax, GARBAGE);
      a.mov(ax, intSrc(2));
      break;
    case 'i8': case 'u8': case 'bool':
      a.mov(rax, GARBAGE);
      a.mov(al, intSrc(1));
      break;
    case 'f64':
      if (src.xmm !== undefined) { if (src.xmm !== 0) a.movsd(xmm0, xmmRegs[src.xmm]!); }
      else a.movsd(xmm0, mem(8, src.slot!));
      break;
    case 'f32':
      if (src.xmm !== undefined) a.movss(xmm15, xmmRegs[src.xmm]!);
      else a.movss(xmm15, mem(4, src.slot!));
      a.mov(rax, GARBAGE);
      a.movq(xmm0, rax);
      a.movss(xmm0, xmm15); // low 32 bits only: bits 32..63 of xmm0 stay garbage
      break;
  }
}

/** Emits: rax = sum over integer-class arguments of (k+1) * extend(arg k), wrapping (scratch r11: no argument lives there). */
export function emitIntChecksum(a: Assembler, sig: NativeSignature): void {
  a.xor(eax, eax);
  sig.args.forEach((t, k) => {
    if (t === 'f32' || t === 'f64') return;
    const src = argSource(sig, k);
    const s = (size: 1 | 2 | 4 | 8): Reg | Mem => (src.reg !== undefined ? (size === 1 ? gp8 : size === 2 ? gp16 : size === 4 ? gp32 : gp64)[src.reg]! : mem(size, src.slot!));
    switch (t) {
      case 'i8': a.movsx(r11, s(1)); break;
      case 'i16': a.movsx(r11, s(2)); break;
      case 'i32': a.movsxd(r11, s(4)); break;
      case 'u8': case 'bool': a.movzx(r11d, s(1)); break;
      case 'u16': a.movzx(r11d, s(2)); break;
      case 'u32': a.mov(r11d, s(4)); break;
      default: a.mov(r11, s(8)); break;
    }
    a.imul(r11, r11, k + 1);
    a.add(rax, r11);
  });
}

/** Emits: xmm0 = 0.0 + each float-class argument (f32 widened), in order. */
export function emitFloatChecksum(a: Assembler, sig: NativeSignature): void {
  a.xorps(xmm8, xmm8);
  sig.args.forEach((t, k) => {
    if (t !== 'f32' && t !== 'f64') return;
    const src = argSource(sig, k);
    if (t === 'f64') a.addsd(xmm8, src.xmm !== undefined ? xmmRegs[src.xmm]! : mem(8, src.slot!));
    else {
      a.cvtss2sd(xmm9, src.xmm !== undefined ? xmmRegs[src.xmm]! : mem(4, src.slot!));
      a.addsd(xmm8, xmm9);
    }
  });
  a.movsd(xmm0, xmm8);
}

/** Emits: flips bit 0 of a result of type t (a deliberately wrong callee). */
export function emitFlipBit0(a: Assembler, t: ArgType): void {
  if (t === 'f32' || t === 'f64') {
    a.movq(rax, xmm0);
    a.xor(rax, 1);
    a.movq(xmm0, rax);
  } else {
    a.xor(rax, 1);
  }
}

/** Places the code emitted by `body` (followed by ret) into `memory`. */
export function jit(memory: CodeMemory, name: string, body: (a: Assembler) => void): CodeHandle {
  const a = new Assembler();
  body(a);
  a.ret();
  return memory.place(a.finish().bytes, { name });
}

/** The identity callee: returns argument k of `args` as its own type. */
export function returnArg(memory: CodeMemory, args: readonly ArgType[], k: number, wrong = false): CodeHandle {
  const sig = new NativeSignature({ args, result: args[k]! });
  return jit(memory, `ret${k}`, (a) => {
    emitReturnArg(a, sig, k);
    if (wrong) emitFlipBit0(a, args[k]!);
  });
}

/** int cmp(const int32_t *x, const int32_t *y): (x > y) - (x < y), or reversed when `descending`. */
export function int32Comparator(memory: CodeMemory, descending = false): CodeHandle {
  return jit(memory, descending ? 'cmp_i32_desc' : 'cmp_i32', (a) => {
    a.xor(eax, eax);
    a.mov(ecx, dword(descending ? rsi : rdi));
    a.cmp(ecx, dword(descending ? rdi : rsi));
    a.setcc(Cond.G, al);
    a.setcc(Cond.L, cl);
    a.movzx(ecx, cl);
    a.sub(eax, ecx);
  });
}

/**
 * void sort(int32_t *base, uint64_t n): calls qsort(base, n, 4, comparator)
 * through addresses loaded into registers (jitted -> C -> jitted).
 */
export function jittedSorter(memory: CodeMemory, qsortAddress: bigint, comparator: bigint): CodeHandle {
  return jit(memory, 'sort_i32', (a) => {
    a.push(rbx); // realigns rsp to 16 for the call
    a.mov(rdx, 4);
    a.mov(rcx, comparator);
    a.mov(rax, qsortAddress);
    a.call(rax);
    a.pop(rbx);
  });
}


/** The entry thunk `wrap` uses for `fn`'s signature (one per signature and debug flag). */
export function thunkOf(fn: { signature: NativeSignature }, checkStackAlignment = false): { address: bigint } {
  return { address: entryThunkAddress(fn.signature, checkStackAlignment) };
}
