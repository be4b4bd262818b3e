/**
 * Emission: allocated machine instructions -> x86-64 bytes (via the assembler),
 * with the frame, spill code, parallel moves and out-of-line trap stubs.
 *
 * Pipeline position: after register allocation; the result goes to the linker.
 *
 * Function layout in memory (the unit the linker places):
 *
 *   offset 0   8 bytes of int3 padding                (so the entry is 16-byte aligned)
 *   offset 8   u32 FUNC_MAGIC, i32 signature hash   (checked by call_indirect)
 *   offset 16  entry: stack check, prologue, body, trap stubs, jump tables, constants
 *
 * Frame (rsp 16-byte aligned after the prologue; every local is rsp-relative, or rbp-relative in
 * a function whose stack pointer moves (`dynamicStack`: stack_alloc blocks go between the fixed
 * frame and the outgoing arguments; docs/backend.md §4):
 *
 *   [rbp + 16 + 8k]   incoming stack argument k
 *   [rbp + 8]         return address
 *   [rbp]             saved rbp
 *   [rbp - 8 ...]     saved callee-saved registers (pushes)
 *   ...               padding / dynamic alignment
 *   [rsp + spillBase + 8s]  spill slot s
 *   [rsp + slotOffset[n]]   IR stack slot n
 *   [rsp + 8k]        outgoing stack argument k
 *
 * Every operand is where the allocation puts it (only copies take spill
 * slots). The allocator's gap moves run before their instruction; edge moves
 * run at the end of a block with one successor, at the start of a block with
 * one predecessor, or else in an out-of-line stub the branch goes through.
 * Moves between two stack locations go through r10, move cycles through r11 /
 * xmm15 (never allocated). Move code is only `mov`, so it never disturbs flags.
 */
import {
  Assembler, Cond, Form, Label, Reg, byte, dword, extern, gp16, gp32, gp64, gp8, qword, rip, rsp, rbp, r10, r11,
  xmmRegs, xmmword, edi, eax, ecx, edx, bl, CONDITION_NAMES, type AssembledCode, type Relocation, Mem, type Mnemonic, rax, rbx, ebx, xmm1,
} from '../../asm/x64/index.js';
import { Func, NONE } from '../../ir/function.js';
import { FloatCC, Opcode, TrapCode } from '../../ir/opcodes.js';
import { Type } from '../../ir/types.js';
import { SPILL_BASE, firstMove, type Allocation, type MoveList } from '../../regalloc/allocation.js';
import type { MFunction, MInst } from '../minst.js';
import { TRAP_SYMBOL } from '../module-state.js';
import type { EmitOptions, EmittedFunction } from '../target.js';
import {
  AluOp, BitOp, CLASS_XMM, DivOp, ExtOp, FAluOp, LoadKind, MOp, ShiftOp, UnaryOp, XMM_BASE, unhandledMOp,
} from './minst.js';
import { X64Slot, x64State } from './scratch.js';
import { CALLEE_SAVED_GP } from './sysv.js';

/** Offset of a function's entry in its unit: padding and the 8-byte header come first. */
const ENTRY = 16;
/** Marks a jitted function's header (ASCII "JITK"). */
export const FUNC_MAGIC = 0x4b54494a;

/** The trap handler as a jump target (the assembler keeps no operand, so one serves every stub). */
const TRAP_TARGET = extern(TRAP_SYMBOL);

/**
 * The `EmittedFunction` emission returns. The IR and block maps are only read for disassembly, so
 * they are built on first use from what emission kept (the IR instruction of each assembler mark,
 * the label of each block): most functions never make those objects.
 */
class EmittedCode implements EmittedFunction {
  readonly entry = ENTRY;
  private irMapMade: { offset: number; irInst: number }[] | null = null;
  private blockMapMade: { offset: number; irBlock: number }[] | null = null;
  constructor(readonly bytes: Uint8Array, readonly relocations: readonly Relocation[], readonly trapStubs: number,
    readonly frameSize: number, readonly codeEnd: number, private readonly out: AssembledCode,
    private readonly irInsts: readonly number[], private readonly mf: MFunction, private readonly labels: readonly Label[]) {}
  get irMap(): readonly { offset: number; irInst: number }[] {
    if (this.irMapMade === null) this.irMapMade = this.irInsts.map((irInst, k) => ({ offset: this.out.markOffset(k), irInst }));
    return this.irMapMade;
  }
  get blockMap(): readonly { offset: number; irBlock: number }[] {
    if (this.blockMapMade === null) {
      const mf = this.mf;
      this.blockMapMade = mf.order.map((b) => ({ offset: this.out.labelOffsets(this.labels[b]!), irBlock: mf.blocks[b]!.irBlock }));
    }
    return this.blockMapMade;
  }
}

const FLOAT_SIGN32 = new Uint8Array(16);
const FLOAT_ABS32 = new Uint8Array(16);
const FLOAT_SIGN64 = new Uint8Array(16);
const FLOAT_ABS64 = new Uint8Array(16);
{
  const s32 = new DataView(FLOAT_SIGN32.buffer), a32 = new DataView(FLOAT_ABS32.buffer);
  const s64 = new DataView(FLOAT_SIGN64.buffer), a64 = new DataView(FLOAT_ABS64.buffer);
  for (let i = 0; i < 4; i++) { s32.setUint32(4 * i, 0x80000000, true); a32.setUint32(4 * i, 0x7fffffff, true); }
  for (let i = 0; i < 2; i++) { s64.setBigUint64(8 * i, 1n << 63n, true); a64.setBigUint64(8 * i, (1n << 63n) - 1n, true); }
}

const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER), MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
/** A 64-bit immediate as the assembler takes it fastest: a number when it is a safe integer (the same encoding), else the bigint. */
export function imm64(v: bigint): number | bigint {
  const s = BigInt.asIntN(64, v);
  return s >= MIN_SAFE && s <= MAX_SAFE ? Number(s) : s;
}

/** The `size` (4 or 8) little-endian bytes of the value with 32-bit halves `lo` and `hi`. */
function int32Bytes(lo: number, hi: number, size: number): Uint8Array {
  const b = new Uint8Array(size);
  for (let k = 0; k < size; k++) b[k] = ((k < 4 ? lo : hi) >>> (8 * (k & 3))) & 0xff;
  return b;
}

function f32Bytes(x: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setFloat32(0, x, true);
  return b;
}

/**
 * Forms of the most frequent instruction shapes, matched once here: the instruction methods check
 * and match their operands on every call, `Assembler.emitForm` encodes a known form directly (same
 * bytes). Pairs are [32-bit, 64-bit] (index `size >> 3`); rbx/ebx stand for any register of the
 * class, memory operands for any address of the size (their kinds alone decide the form).
 */
const rr = (m: Mnemonic, r: Reg): Form => Assembler.formFor(m, r, r);
const MEM32 = dword(rax, 0), MEM64 = qword(rax, 0);
/** `mov r, r`. */
export const MOV_RR = [rr('mov', ebx), rr('mov', rbx)] as const;
/** `mov r, m`. */
export const MOV_RM = [Assembler.formFor('mov', ebx, MEM32), Assembler.formFor('mov', rbx, MEM64)] as const;
/** `mov m, r`. */
export const MOV_MR = [Assembler.formFor('mov', MEM32, ebx), Assembler.formFor('mov', MEM64, rbx)] as const;
const LEA = [Assembler.formFor('lea', ebx, MEM64), Assembler.formFor('lea', rbx, MEM64)] as const;
const CMP_RR = [rr('cmp', ebx), rr('cmp', rbx)] as const;
const TEST_RR = [rr('test', ebx), rr('test', rbx)] as const;
/** By `AluOp`. */
const ALU_RR = (['add', 'sub', 'and', 'or', 'xor', 'imul'] as const).map((m) => [rr(m, ebx), rr(m, rbx)] as const);
/** By `FAluOp`, [f32, f64]. */
const FALU_RR = ([['addss', 'addsd'], ['subss', 'subsd'], ['mulss', 'mulsd'], ['divss', 'divsd']] as const)
  .map(([s32, s64]) => [rr(s32, xmm1), rr(s64, xmm1)] as const);
const MOVAPS_RR = rr('movaps', xmm1);
/** `setcc r8` by condition code (bl: any 8-bit register; a REX prefix comes from the register). */
const SETCC_R8 = CONDITION_NAMES.map((n) => Assembler.formFor(`set${n[0]!}` as Mnemonic, bl));
/** `movzx r32, r8`. */
const MOVZX_R32_R8 = Assembler.formFor('movzx', ebx, bl);
/** `movsd xmm, m64` and `movsd m64, xmm`. */
export const MOVSD_RM = Assembler.formFor('movsd', xmm1, MEM64), MOVSD_MR = Assembler.formFor('movsd', MEM64, xmm1);
const MOVSS_RM = Assembler.formFor('movss', xmm1, MEM32), MOVSS_MR = Assembler.formFor('movss', MEM32, xmm1);
const XORPS_RR = rr('xorps', xmm1);
const CMP_RM = [Assembler.formFor('cmp', ebx, MEM32), Assembler.formFor('cmp', rbx, MEM64)] as const;
/** `push r64`, `pop r64`, `ret`. */
export const PUSH_R64 = Assembler.formFor('push', rbx), POP_R64 = Assembler.formFor('pop', rbx), RET = Assembler.formFor('ret');

/** Per-function emission state. */

class Emitter {
  readonly a: Assembler;
  /** Memory operands reused by every instruction (`memOf`), by size in bytes (1, 2, 4; 8 for the others). */
  readonly mems: readonly Mem[];
  readonly labels: Label[] = [];
  readonly trapLabels = new Map<number, Label>();
  readonly tables: { label: Label; targets: Label[] }[] = [];
  /**
   * The label area (`label_addr`, `indirect_br`): label k's address is byte k of it, an int3 after the
   * function's code, so each label of each function has its own address. Made on first use.
   */
  labelAreaLabel: Label | null = null;
  /** Bytes of the label area: one per label some label_addr or indirect_br names. */
  labelAreaSize = 0;
  readonly consts = new Map<string, Label>();
  /** IR instruction starts: assembler marks (offsets are only final after branch relaxation), mark k for `irInsts[k]`. */
  readonly irInsts: number[] = [];
  readonly saved: number[] = [];
  slotOffset: number[] = [];
  /** Per IR stack slot: its alignment when a dynamic-stack frame aligns its address at run time (> 16), else 0. */
  slotRealign: number[] = [];
  spillBase = 0;
  /**
   * The register the frame is addressed from and the offset of the fixed frame's bottom from it: rsp
   * and 0, or (dynamic stack: rsp moves) rbp and minus the bytes between rbp and the fixed frame's bottom.
   */
  frameReg: Reg = rsp;
  frameBias = 0;
  frameSize = 0;
  maxAlign = 16;
  /** Operand locations of the current instruction: the first `physCount` entries (the array is reused, never shrunk). */
  readonly phys: number[] = [];
  physCount = 0;
  /** Index of the current instruction in the allocator's flat stream. */
  index = 0;
  /** Successor block ids of the current block and the label each edge jumps to. */
  succs: readonly number[] = [];
  readonly succLabels: Label[] = [];
  /** The parallel move being collected (`addMove`) for `flushMoves`: destinations, sources, classes of the first `pendCount` entries. */
  readonly pendDst: number[] = [];
  readonly pendSrc: number[] = [];
  readonly pendCls: number[] = [];
  pendCount = 0;
  /** The first gap move not emitted yet (gap moves are sorted by instruction, which emission visits in order). */
  gapCursor = 0;
  /** Edge stubs still to emit: label, edge index, target block. */
  readonly stubs: { label: Label; edge: number; target: number }[] = [];

  constructor(readonly mf: MFunction, readonly alloc: Allocation, readonly opts: EmitOptions) {
    const state = x64State(mf.scratch);
    this.a = state.assembler();
    this.mems = state.mems;
  }

  /**
   * `[base + index*scale + disp]` of `size` bytes: the reused operand of that size, valid until the next
   * `memOf` of the same size (the assembler keeps no operand after encoding it).
   */
  memOf(size: number, base: Reg, index: Reg | null, scale: number, disp: number): Mem {
    return this.mems[size & 15]!.set(base, index, scale, disp);
  }

  trapLabel(code: number): Label {
    let l = this.trapLabels.get(code);
    if (l === undefined) { l = this.a.newLabel(); this.trapLabels.set(code, l); }
    return l;
  }
  constLabel(key: string, data: Uint8Array | number, align?: number): Label {
    let l = this.consts.get(key);
    if (l === undefined) { l = this.a.constant(data, align); this.consts.set(key, l); }
    return l;
  }
  /**
   * The pool label of the `size`-byte (4 or 8) constant with 32-bit halves `lo` and `hi`, keyed by
   * its bit pattern so equal constants share one; the bytes are only made for a new constant.
   */
  bitsLabel(lo: number, hi: number, size: number): Label {
    const key = size === 4 ? `f#${lo >>> 0}` : `d#${hi}:${lo >>> 0}`;
    let l = this.consts.get(key);
    if (l === undefined) { l = this.a.constant(int32Bytes(lo, hi, size), size); this.consts.set(key, l); }
    return l;
  }
  f64Const(x: number): Mem { return qword(rip, this.constLabel(`d${x}`, x)); }
  f32Const(x: number): Mem { return dword(rip, this.constLabel(`f${x}`, f32Bytes(x), 4)); }
  /**
   * Saturating float -> int (`fcvt_to_*_sat`, MOp.CvtToIntSat). cvtts*2si gives the "integer
   * indefinite" (the minimum) for NaN and out-of-range values. Signed: that result alone takes the
   * slow path, which makes NaN 0 and a positive value the maximum (`not` of the minimum); i8/i16
   * then clamp the i32. Unsigned: `max(x, +0.0)` first (maxs returns its second operand when either
   * is NaN), so negative and NaN become 0; the conversion at a wider signed width then only needs an
   * unsigned clamp from above, where the indefinite (top bit set) also lands; u64 converts values
   * from 2^63 as for fcvt_to_uint.
   */
  private cvtToIntSat(inst: MInst, p: readonly number[]): void {
    const a = this.a;
    const s = this.reg(p[1]!, 8);
    const f32 = inst.size === 4, w = inst.imm;
    const cvt = (d: Reg, x: Reg): void => { if (f32) a.cvttss2si(d, x); else a.cvttsd2si(d, x); };
    const ucom = (x: Reg, m: Reg | Mem): void => { if (f32) a.ucomiss(x, m); else a.ucomisd(x, m); };
    const done = a.newLabel();
    if (inst.sub === 0) {
      const d = w === 64 ? gp64[p[0]!]! : gp32[p[0]!]!;
      const inRange = a.newLabel(), nan = a.newLabel();
      cvt(d, s);
      a.cmp(d, 1);
      a.jumpLabel(Cond.NO, inRange); // d - 1 overflows only for the minimum
      ucom(s, s);
      a.jumpLabel(Cond.P, nan);
      ucom(s, this.fConst(inst.size, 0));
      a.jumpLabel(Cond.BE, inRange); // negative: the minimum is right
      a.not(d); // positive: the maximum
      a.jumpLabel(-1, inRange);
      a.bind(nan);
      a.xor(gp32[p[0]!]!, gp32[p[0]!]!);
      if (w < 32) a.jumpLabel(-1, done); // past the clamp
      a.bind(inRange);
      if (w < 32) {
        const t = gp32[p[2]!]!;
        a.mov(t, 2 ** (w - 1) - 1);
        a.cmp(d, t);
        a.cmovcc(Cond.G, d, t);
        a.mov(t, -(2 ** (w - 1)));
        a.cmp(d, t);
        a.cmovcc(Cond.L, d, t);
      }
      a.bind(done);
      return;
    }
    const x = this.reg(p[2]!, 8);
    a.movaps(x, s);
    if (f32) a.maxss(x, this.fConst(4, 0)); else a.maxsd(x, this.fConst(8, 0));
    if (w < 64) {
      // u8/u16 from an i32 conversion, u32 from an i64 one: exact below the bound.
      const d = w === 32 ? gp64[p[0]!]! : gp32[p[0]!]!, t = gp32[p[3]!]!;
      cvt(d, x);
      a.mov(t, w === 32 ? 0xffffffff : 2 ** w - 1);
      a.cmp(d, w === 32 ? gp64[p[3]!]! : t);
      a.cmovcc(Cond.A, d, w === 32 ? gp64[p[3]!]! : t);
      return;
    }
    const d = gp64[p[0]!]!;
    const big = a.newLabel(), max = a.newLabel();
    ucom(x, this.fConst(inst.size, 2 ** 63));
    a.jumpLabel(Cond.AE, big);
    cvt(d, x);
    a.jumpLabel(-1, done);
    a.bind(big);
    ucom(x, this.fConst(inst.size, 2 ** 64));
    a.jumpLabel(Cond.AE, max);
    if (f32) a.subss(x, this.fConst(4, 2 ** 63)); else a.subsd(x, this.fConst(8, 2 ** 63));
    cvt(d, x);
    a.btc(d, 63);
    a.jumpLabel(-1, done);
    a.bind(max);
    a.mov(d, -1);
    a.bind(done);
  }

  /** The label area's label, made to hold at least `labels` labels. */
  labelArea(labels: number): Label {
    if (labels > this.labelAreaSize) this.labelAreaSize = labels;
    return this.labelAreaLabel ??= this.a.newLabel();
  }

  fConst(size: number, x: number): Mem { return size === 4 ? this.f32Const(x) : this.f64Const(x); }
  mask(name: string, data: Uint8Array): Mem { return xmmword(rip, this.constLabel(name, data, 16)); }

  spillMem(loc: number): Mem { return this.memOf(8, this.frameReg, null, 1, this.frameBias + this.spillBase + 8 * (loc - SPILL_BASE)); }

  layoutFrame(): void {
    const f: Func = this.mf.func;
    for (const p of CALLEE_SAVED_GP) if (this.alloc.usedPregs[p]) this.saved.push(p);
    const dynamic = this.mf.dynamicStack;
    let off = this.mf.outArgSlots * 8;
    const place = (ss: { size: number; align: number }): void => {
      // rsp moves in a dynamic-stack frame, so `and rsp, -align` cannot align it: such a slot gets
      // align - 16 bytes more, and its address is rounded down at run time (StackAddr).
      const realign = dynamic && ss.align > 16;
      const align = realign ? 16 : ss.align;
      if (align > this.maxAlign) this.maxAlign = align;
      off = (off + align - 1) & ~(align - 1);
      this.slotOffset.push(off);
      this.slotRealign.push(realign ? ss.align : 0);
      off += realign ? ss.size + ss.align - 16 : ss.size;
    };
    // Stack slots no stack_addr refers to (promoted to registers by mem2reg, or never used) take no space.
    const used = new Uint8Array(f.stackSlots.length);
    for (let b = f.firstBlock; b !== NONE; b = f.blockNext[b]!) {
      for (let i = f.blockFirst[b]!; i !== NONE; i = f.instNext[i]!) if (f.instOpcode[i] === Opcode.StackAddr) used[f.instImm[i]!] = 1;
    }
    f.stackSlots.forEach((ss, n) => {
      if (used[n] !== 0) place(ss);
      else { this.slotOffset.push(0); this.slotRealign.push(0); }
    });
    for (const ss of this.mf.frameSlots) place(ss);
    off = (off + 7) & ~7;
    this.spillBase = off;
    off += 8 * this.alloc.spillSlots;
    // After push rbp, rsp is 16-aligned; the pushes add 8 each.
    const pushed = 8 * this.saved.length;
    off = ((off + pushed + 15) & ~15) - pushed;
    this.frameSize = off;
    if (dynamic) {
      this.frameReg = rbp;
      this.frameBias = -(pushed + off);
    }
  }

  /** Register object for register id `r` at operand size `size`. */
  reg(r: number, size: number): Reg {
    if (r >= XMM_BASE) return xmmRegs[r - XMM_BASE]!;
    return size === 8 ? gp64[r]! : size === 4 ? gp32[r]! : size === 2 ? gp16[r]! : gp8[r]!;
  }

  emit(): EmittedFunction {
    const a = this.a, mf = this.mf;
    this.layoutFrame();
    // The linker places units 16-byte aligned: padding puts the entry (after the header) on 16 bytes too.
    // One embed of the 16 bytes: int3 padding, FUNC_MAGIC, the signature hash (little-endian).
    const header = mf.scratch.header, h = this.opts.signatureHash;
    header.fill(0xcc, 0, 8);
    for (let k = 0; k < 4; k++) { header[8 + k] = (FUNC_MAGIC >>> (8 * k)) & 0xff; header[12 + k] = (h >>> (8 * k)) & 0xff; }
    a.embed(header);
    // Stack check: trap stk_ovf before the frame would cross the limit the entry trampoline set.
    const total = 16 + 8 * this.saved.length + this.frameSize + this.maxAlign;
    if (total > 0x40000000) throw new Error(`compile: the frame of %${mf.func.name} (${total} bytes) is larger than 1 GiB`);
    a.mov(r11, mf.scratch.memoBig(this.opts.stateAddress, imm64));
    a.lea(r10, qword(rsp, -total));
    a.emitForm(CMP_RM[1], r10, this.memOf(8, r11, null, 1, this.opts.stackLimitOffset));
    a.jumpLabel(Cond.B, this.trapLabel(TrapCode.StackOverflow));
    a.emitForm(PUSH_R64, rbp);
    a.mov(rbp, rsp);
    for (const p of this.saved) a.emitForm(PUSH_R64, gp64[p]!);
    if (this.frameSize > 0) a.sub(rsp, this.frameSize);
    if (this.maxAlign > 16) a.and(rsp, -this.maxAlign);
    for (let b = 0; b < mf.blocks.length; b++) this.labels.push(a.newLabel());
    // Edge placement: predecessor counts (the entry block is also entered from outside).
    const scratch = mf.scratch, nb = mf.order.length;
    const layout = scratch.int32(X64Slot.EmitLayout, mf.blocks.length, 0);
    for (let k = 0; k < nb; k++) layout[mf.order[k]!] = k;
    const preds = scratch.int32(X64Slot.Preds, nb, 0);
    preds[0] = 1;
    // An edge's moves go at the end of its block when the block ends in a plain jump (no other
    // successor and nothing read after the moves: `endMoves`), else at the start of a successor
    // with one predecessor, else in a stub.
    const endMoves = scratch.int32(X64Slot.EndMoves, nb, 0);
    // Loop heads (targets of a branch from the same or a later block) start on 16 bytes, as
    // compilers do: a loop whose first instructions straddle a fetch boundary can run slower.
    const loopHead = scratch.int32(X64Slot.LoopHead, nb, 0);
    // One pass over the blocks for all three (on large functions, touching each block object
    // once more costs a cache miss per block).
    for (let k = 0; k < nb; k++) {
      const blk = mf.blocks[mf.order[k]!]!, succs = blk.succs, insts = blk.insts;
      for (let j = 0; j < succs.length; j++) {
        const t = layout[succs[j]!]!;
        preds[t]!++;
        if (t <= k) loopHead[t] = 1;
      }
      if (succs.length === 1 && insts.length > 0 && insts[insts.length - 1]!.op === MOp.Jump) endMoves[k] = 1;
    }
    const entryEdge = scratch.int32(X64Slot.EntryEdge, nb, -1);
    const edges = this.alloc.edgeMoves, edgeStart = this.alloc.edgeStart;
    for (let k = 0; k < nb; k++) {
      if (endMoves[k] !== 0) continue;
      const succs = mf.blocks[mf.order[k]!]!.succs;
      for (let j = 0; j < succs.length; j++) if (preds[layout[succs[j]!]!] === 1) entryEdge[layout[succs[j]!]!] = edgeStart[k]! + j;
    }
    for (let k = 0; k < mf.order.length; k++) {
      const id = mf.order[k]!;
      // Only where no block falls in (else the padding would run on every pass).
      if (k > 0 && loopHead[k] !== 0 && !mf.blocks[mf.order[k - 1]!]!.succs.includes(id)) a.align(16);
      a.bind(this.labels[id]!);
      const next = k + 1 < mf.order.length ? mf.order[k + 1]! : -1;
      const blk = mf.blocks[id]!;
      this.succs = blk.succs;
      const end = endMoves[k] !== 0;
      // Entry j is the label of succs[j] (entries past the block's successor count are stale).
      const succLabels = this.succLabels;
      for (let j = 0; j < blk.succs.length; j++) {
        const s = blk.succs[j]!, e = edgeStart[k]! + j;
        let label = this.labels[s]!;
        if (!end && preds[layout[s]!]! > 1 && this.hasMoves(edges, e)) {
          label = a.newLabel();
          this.stubs.push({ label, edge: e, target: s });
        }
        if (j < succLabels.length) succLabels[j] = label; else succLabels.push(label);
      }
      if (entryEdge[k]! >= 0) this.moves(edges, entryEdge[k]!);
      const n = blk.insts.length;
      for (let i = 0; i < n; i++) {
        const inst = blk.insts[i]!;
        const ir = inst.irInst, marks = this.irInsts;
        if (ir >= 0 && (marks.length === 0 || marks[marks.length - 1] !== ir)) {
          a.mark();
          marks.push(ir);
        }
        this.gapMoves(this.index);
        if (end && i === n - 1) this.moves(edges, edgeStart[k]!);
        this.emitInst(inst, next);
        this.index++;
      }
    }
    for (const st of this.stubs) {
      a.bind(st.label);
      this.moves(edges, st.edge);
      a.jumpLabel(-1, this.labels[st.target]!);
    }
    const trapStubs = a.newLabel();
    a.bind(trapStubs);
    for (const [code, label] of this.trapLabels) {
      a.bind(label);
      a.mov(edi, code);
      a.jmp(TRAP_TARGET);
    }
    const codeEnd = a.newLabel();
    a.bind(codeEnd);
    const extra: Relocation[] = [];
    const tableFix: { at: Label; targets: Label[] }[] = [];
    for (const t of this.tables) {
      a.align(8);
      a.bind(t.label);
      a.embed(new Uint8Array(8 * t.targets.length));
      tableFix.push({ at: t.label, targets: t.targets });
    }
    if (this.labelAreaLabel !== null) {
      a.bind(this.labelAreaLabel);
      a.embed(new Uint8Array(this.labelAreaSize).fill(0xcc));
    }
    const out = a.finish();
    for (const t of tableFix) {
      const base = out.labelOffsets(t.at);
      t.targets.forEach((l, k) => {
        extra.push({ kind: 'abs64', offset: base + 8 * k, symbol: this.opts.symbol, addend: out.labelOffsets(l) - ENTRY });
      });
    }
    return new EmittedCode(out.bytes, extra.length === 0 ? out.relocations : [...out.relocations, ...extra],
      out.labelOffsets(trapStubs), this.frameSize, out.labelOffsets(codeEnd), out, this.irInsts, mf, this.labels);
  }

  epilogue(): void {
    const a = this.a;
    if (this.saved.length > 0 || this.frameSize > 0 || this.maxAlign > 16 || this.mf.dynamicStack) a.lea(rsp, qword(rbp, -8 * this.saved.length));
    for (let k = this.saved.length - 1; k >= 0; k--) a.emitForm(POP_R64, gp64[this.saved[k]!]!);
    a.emitForm(POP_R64, rbp);
    a.emitForm(RET);
  }

  /** True if move list `list` has moves keyed `key`. */
  hasMoves(list: MoveList, key: number): boolean {
    const m = firstMove(list, key);
    return m < list.count && list.key[m] === key;
  }
  /** Emits the moves keyed `key` of `list` as one parallel move. */
  moves(list: MoveList, key: number): void {
    const m = firstMove(list, key);
    if (m < list.count && list.key[m] === key) this.movesFrom(list, m, key);
  }
  /** Emits the moves of `list` from index `m` on that have key `key` as one parallel move; returns the index after them. */
  movesFrom(list: MoveList, m: number, key: number): number {
    const regClass = this.mf.regClass;
    for (; m < list.count && list.key[m] === key; m++) this.addMove(list.to[m]!, list.from[m]!, regClass[list.reg[m]!]!);
    this.flushMoves();
    return m;
  }
  /** Emits the allocator's gap moves before instruction `index` (the instructions come in index order). */
  gapMoves(index: number): void {
    const list = this.alloc.gapMoves;
    let m = this.gapCursor;
    while (m < list.count && list.key[m]! < index) m++;
    if (m < list.count && list.key[m] === index) m = this.movesFrom(list, m, index);
    this.gapCursor = m;
  }
  /** Label the current block's branch to block `t` jumps to (the block, or an edge stub). */
  target(t: number): Label {
    const j = this.succs.indexOf(t);
    return j >= 0 ? this.succLabels[j]! : this.labels[t]!;
  }
  /** True if a branch to block `t` can fall through to `next`. */
  fallsTo(t: number, next: number): boolean {
    return t === next && this.target(t) === this.labels[t];
  }

  /** Move between two locations (registers or spill slots) of class `cls`. */
  moveLoc(dst: number, src: number, cls: number): void {
    if (dst === src) return;
    const a = this.a;
    const dMem = dst >= SPILL_BASE, sMem = src >= SPILL_BASE;
    if (dMem && sMem) {
      a.emitForm(MOV_RM[1], r10, this.spillMem(src));
      a.emitForm(MOV_MR[1], this.spillMem(dst), r10);
    } else if (dMem) {
      if (cls === CLASS_XMM) a.emitForm(MOVSD_MR, this.spillMem(dst), this.reg(src, 8));
      else a.emitForm(MOV_MR[1], this.spillMem(dst), gp64[src]!);
    } else if (sMem) {
      if (cls === CLASS_XMM) a.emitForm(MOVSD_RM, this.reg(dst, 8), this.spillMem(src));
      else a.emitForm(MOV_RM[1], gp64[dst]!, this.spillMem(src));
    } else if (cls === CLASS_XMM) a.emitForm(MOVAPS_RR, this.reg(dst, 8), this.reg(src, 8));
    else a.emitForm(MOV_RR[1], gp64[dst]!, gp64[src]!);
  }

  /** Adds the copy `dst <- src` (locations of class `cls`) to the parallel move that `flushMoves` emits. */
  addMove(dst: number, src: number, cls: number): void {
    if (dst === src) return;
    const k = this.pendCount++;
    if (k < this.pendDst.length) { this.pendDst[k] = dst; this.pendSrc[k] = src; this.pendCls[k] = cls; }
    else { this.pendDst.push(dst); this.pendSrc.push(src); this.pendCls.push(cls); }
  }
  /** Emits the collected parallel copy as moves, each once no pending move reads its destination; cycles broken through r11 / xmm15. */
  flushMoves(): void {
    const d = this.pendDst, s = this.pendSrc, c = this.pendCls;
    let n = this.pendCount;
    while (n > 0) {
      let progress = false;
      for (let k = 0; k < n; k++) {
        const dst = d[k]!;
        let read = false;
        for (let o = 0; o < n; o++) if (o !== k && s[o] === dst) { read = true; break; }
        if (read) continue;
        this.moveLoc(dst, s[k]!, c[k]!);
        for (let o = k + 1; o < n; o++) { d[o - 1] = d[o]!; s[o - 1] = s[o]!; c[o - 1] = c[o]!; }
        n--;
        k--;
        progress = true;
      }
      if (!progress) {
        // Every pending move is on a cycle: save one destination in the class's cycle register.
        const dst = d[0]!, cls = c[0]!;
        const tmp = cls === CLASS_XMM ? XMM_BASE + 15 : 11;
        this.moveLoc(tmp, dst, cls);
        for (let o = 0; o < n; o++) if (s[o] === dst) s[o] = tmp;
      }
    }
    this.pendCount = 0;
  }

  /** Operand locations of the current instruction (registers, or slots for copies). */
  prepare(): void {
    const phys = this.phys, a = this.alloc, base = a.opStart[this.index]!, n = a.opStart[this.index + 1]! - base;
    for (let k = 0; k < n; k++) {
      if (k < phys.length) phys[k] = a.opLoc[base + k]!; else phys.push(a.opLoc[base + k]!);
    }
    this.physCount = n;
  }

  emitInst(inst: MInst, next: number): void {
    const a = this.a, p = this.phys;
    this.prepare();
    switch (inst.op) {
      case MOp.Mov:
        this.moveLoc(p[0]!, p[1]!, this.mf.regClass[inst.r0]!);
        return;
      case MOp.ParallelMove: {
        const n = inst.imm, regClass = this.mf.regClass;
        for (let k = 0; k < n; k++) this.addMove(p[n + k]!, p[k]!, regClass[inst.reg(n + k)]!);
        this.flushMoves();
        return;
      }
      case MOp.Jump:
        if (!this.fallsTo(inst.targets[0]!, next)) a.jumpLabel(-1, this.target(inst.targets[0]!));
        return;
      case MOp.Ret:
        this.epilogue();
        return;
      case MOp.Trap:
        a.jumpLabel(-1, this.trapLabel(inst.imm));
        return;
      case MOp.LoadArg: {
        const d = p[0]!;
        const src = qword(rbp, 16 + 8 * inst.imm);
        const cls = this.mf.regClass[inst.r0]!;
        if (d >= SPILL_BASE) { a.mov(r10, src); a.mov(this.spillMem(d), r10); }
        else if (cls === CLASS_XMM) a.movsd(this.reg(d, 8), src);
        else a.mov(gp64[d]!, src);
        return;
      }
      case MOp.StoreArg: {
        const s = p[0]!;
        const dst = qword(rsp, 8 * inst.imm);
        const cls = this.mf.regClass[inst.r0]!;
        if (s >= SPILL_BASE) { a.mov(r10, this.spillMem(s)); a.mov(dst, r10); }
        else if (cls === CLASS_XMM) a.movsd(dst, this.reg(s, 8));
        else a.mov(dst, gp64[s]!);
        return;
      }
      case MOp.Call:
        if (inst.sub === 1) {
          a.mov(eax, inst.imm);
          a.movAbs64(r11, inst.sym);
          a.call(r11);
        } else a.call(extern(inst.sym));
        return;
      default:
        break;
    }
    for (let k = 0; k < this.physCount; k++) if (p[k]! >= SPILL_BASE) throw new Error(`emit: operand of ${inst.op} in a spill slot`);
    this.emitOp(inst, next);
  }

  /**
   * va_arg (MOp.VaArg) the System V way. Each part's address goes to a temporary: from the register
   * save area at gp_offset (integers, 8 bytes each, up to 48) or fp_offset (floats, 16 bytes each,
   * 48 up to 176) when every part still fits there, else from the overflow area (8 bytes each,
   * both parts of a pair together); the va_list is advanced in memory. The loads come last, so a
   * destination may share the va_list pointer's register.
   */
  emitVaArg(inst: MInst): void {
    const a = this.a, p = this.phys;
    const pair = inst.imm2 !== 0, types = pair ? [inst.imm as Type, inst.imm2 as Type] : [inst.imm as Type];
    const ap = gp64[p[types.length]!]!;
    const temps = types.map((_, k) => gp64[p[types.length + 1 + k]!]!);
    const float = types.map((t) => t === Type.F32 || t === Type.F64);
    const needGp = float.filter((x) => !x).length, needFp = float.length - needGp;
    const over = a.newLabel(), load = a.newLabel();
    const t0 = temps[0]!, t032 = gp32[p[types.length + 1]!]!;
    if (needGp > 0) {
      a.emitForm(MOV_RM[0], t032, this.memOf(4, ap, null, 1, 0));
      a.cmp(t032, 48 - 8 * needGp);
      a.jumpLabel(Cond.A, over);
    }
    if (needFp > 0) {
      a.emitForm(MOV_RM[0], t032, this.memOf(4, ap, null, 1, 4));
      a.cmp(t032, 176 - 16 * needFp);
      a.jumpLabel(Cond.A, over);
    }
    for (let k = 0; k < types.length; k++) {
      const field = float[k] ? 4 : 0;
      a.emitForm(MOV_RM[0], gp32[p[types.length + 1 + k]!]!, this.memOf(4, ap, null, 1, field));
      a.add(dword(ap, field), float[k] ? 16 : 8);
      a.add(temps[k]!, qword(ap, 16));
    }
    a.jumpLabel(-1, load);
    a.bind(over);
    a.emitForm(MOV_RM[1], t0, this.memOf(8, ap, null, 1, 8));
    if (pair) a.lea(temps[1]!, qword(t0, 8));
    a.add(qword(ap, 8), 8 * types.length);
    a.bind(load);
    for (let k = 0; k < types.length; k++) {
      const t = types[k]!, d = p[k]!, mem = this.memOf(t === Type.F32 || t === Type.I8 || t === Type.I16 || t === Type.I32 ? 4 : 8, temps[k]!, null, 1, 0);
      if (t === Type.F32) a.emitForm(MOVSS_RM, this.reg(d, 8), mem);
      else if (t === Type.F64) a.emitForm(MOVSD_RM, this.reg(d, 8), mem);
      else if (t === Type.I64 || t === Type.Ptr) a.emitForm(MOV_RM[1], gp64[d]!, mem);
      else a.emitForm(MOV_RM[0], gp32[d]!, mem);
    }
  }

  /** `cmp x, y` (`sub` 0) or `test x, y` (`sub` 1) of registers at `size` bytes. */
  compareRegs(sub: number, size: number, x: number, y: number): void {
    const a = this.a, rx = this.reg(x, size), ry = this.reg(y, size);
    if (size < 4) { if (sub === 1) a.test(rx, ry); else a.cmp(rx, ry); }
    else a.emitForm((sub === 1 ? TEST_RR : CMP_RR)[size >> 3]!, rx, ry);
  }

  /** The conditional branch on condition `cc` (default: the compare-and-branch's `imm`); nothing without targets (flags for a Select). */
  branchOn(inst: MInst, next: number, cc = inst.imm as Cond): void {
    if (inst.targets.length === 0) return;
    const a = this.a;
    const [t, e] = inst.targets as [number, number];
    if (this.fallsTo(t, next)) a.jumpLabel((cc ^ 1) as Cond, this.target(e));
    else {
      a.jumpLabel(cc, this.target(t));
      if (!this.fallsTo(e, next)) a.jumpLabel(-1, this.target(e));
    }
  }

  emitOp(inst: MInst, next: number): void {
    const a = this.a, p = this.phys;
    const size = inst.size, op = inst.op as MOp;
    switch (op) {
      case MOp.MovImm: {
        const lo = inst.imm, hi = inst.imm2, d = p[0]!;
        if (hi === 0) a.mov(gp32[d]!, lo >>> 0);
        else if (hi === -1 && lo < 0) a.mov(gp64[d]!, lo);
        else {
          // A safe integer is encoded like the bigint of the same value (and faster).
          const v = hi * 4294967296 + (lo >>> 0);
          a.mov(gp64[d]!, Number.isSafeInteger(v) ? v : (BigInt(hi) << 32n) | BigInt(lo >>> 0));
        }
        return;
      }
      case MOp.FConst: {
        const x = this.reg(p[0]!, 8), lo = inst.imm, hi = inst.imm2;
        if (lo === 0 && hi === 0) { a.emitForm(XORPS_RR, x, x); return; }
        // The pool entry is keyed by the bit pattern, so equal constants share one.
        if (size === 4) a.emitForm(MOVSS_RM, x, dword(rip, this.bitsLabel(lo, 0, 4)));
        else a.emitForm(MOVSD_RM, x, qword(rip, this.bitsLabel(lo, hi, 8)));
        return;
      }
      case MOp.Alu:
        a.emitForm(ALU_RR[inst.sub]![size >> 3]!, this.reg(p[0]!, size), this.reg(p[1]!, size));
        return;
      case MOp.AluImm:
        emitAlu(a, inst.sub as AluOp, this.reg(p[0]!, size), inst.imm2);
        return;
      case MOp.MulImm:
        a.imul(this.reg(p[0]!, size), this.reg(p[1]!, size), inst.imm2);
        return;
      case MOp.ShiftImm:
        emitShift(a, inst.sub as ShiftOp, this.reg(p[0]!, size), inst.imm2);
        return;
      case MOp.ICmpSetImm: {
        compareImm(a, inst, this.reg(p[1]!, size));
        a.emitForm(SETCC_R8[inst.imm]!, gp8[p[0]!]!);
        a.emitForm(MOVZX_R32_R8, gp32[p[0]!]!, gp8[p[0]!]!);
        return;
      }
      case MOp.CmpBranchImm: {
        compareImm(a, inst, this.reg(p[0]!, size));
        this.branchOn(inst, next);
        return;
      }
      case MOp.Unary: {
        const d = this.reg(p[0]!, size);
        if (inst.sub === UnaryOp.Neg) a.neg(d); else a.not(d);
        return;
      }
      case MOp.Shift: {
        const d = this.reg(p[0]!, size);
        const cl = gp8[1]!;
        if (size < 4 && inst.sub <= ShiftOp.Sar) a.and(ecx, size * 8 - 1);
        emitShift(a, inst.sub as ShiftOp, d, cl);
        return;
      }
      case MOp.Div: {
        const b = this.reg(p[2]!, size);
        const done = a.newLabel();
        a.test(b, b);
        a.jumpLabel(Cond.E, this.trapLabel(TrapCode.IntDivz));
        if (inst.sub === DivOp.SDiv || inst.sub === DivOp.SRem) {
          const normal = a.newLabel();
          a.cmp(b, -1);
          a.jumpLabel(Cond.NE, normal);
          if (inst.sub === DivOp.SDiv) {
            a.neg(this.reg(0, inst.imm / 8));
            a.jumpLabel(Cond.O, this.trapLabel(TrapCode.IntOvf));
          } else a.xor(edx, edx);
          a.jumpLabel(-1, done);
          a.bind(normal);
          if (size === 8) a.cqo(); else a.cdq();
          a.idiv(b);
        } else {
          a.xor(edx, edx);
          a.div(b);
        }
        a.bind(done);
        return;
      }
      case MOp.BitCount: {
        const w = size * 8;
        if (size >= 4) {
          const d = this.reg(p[0]!, size), s = this.reg(p[1]!, size);
          if (inst.sub === BitOp.Clz) a.lzcnt(d, s); else if (inst.sub === BitOp.Ctz) a.tzcnt(d, s); else a.popcnt(d, s);
          return;
        }
        const d = gp32[p[0]!]!;
        a.movzx(d, this.reg(p[1]!, size));
        if (inst.sub === BitOp.Clz) { a.lzcnt(d, d); a.sub(d, 32 - w); }
        else if (inst.sub === BitOp.Ctz) { a.or(d, 1 << w); a.tzcnt(d, d); }
        else a.popcnt(d, d);
        return;
      }
      case MOp.Ext: {
        const from = size, to = inst.imm;
        const s = this.reg(p[1]!, from);
        if (inst.sub === ExtOp.Sign) {
          if (from === 4) a.movsxd(gp64[p[0]!]!, s);
          else a.movsx(this.reg(p[0]!, to === 8 ? 8 : 4), s);
        } else if (from === 4) a.mov(gp32[p[0]!]!, s);
        else if (from === 8) a.mov(gp64[p[0]!]!, s);
        else a.movzx(gp32[p[0]!]!, s);
        return;
      }
      case MOp.ICmpSet: {
        this.compareRegs(inst.sub, size, p[1]!, p[2]!);
        a.emitForm(SETCC_R8[inst.imm]!, gp8[p[0]!]!);
        a.emitForm(MOVZX_R32_R8, gp32[p[0]!]!, gp8[p[0]!]!);
        return;
      }
      case MOp.FCmpSet: {
        const x = this.reg(p[1]!, 8), y = this.reg(p[2]!, 8);
        const d8 = gp8[p[0]!]!;
        const cmp = (u: Reg, v: Reg): void => { if (size === 4) a.ucomiss(u, v); else a.ucomisd(u, v); };
        switch (inst.imm as FloatCC) {
          case FloatCC.Eq: cmp(x, y); a.setcc(Cond.E, d8); a.setcc(Cond.NP, gp8[p[3]!]!); a.and(d8, gp8[p[3]!]!); break;
          case FloatCC.Ne: case FloatCC.Une: cmp(x, y); a.setcc(Cond.NE, d8); a.setcc(Cond.P, gp8[p[3]!]!); a.or(d8, gp8[p[3]!]!); break;
          case FloatCC.Lt: cmp(y, x); a.setcc(Cond.A, d8); break;
          case FloatCC.Le: cmp(y, x); a.setcc(Cond.AE, d8); break;
          case FloatCC.Gt: cmp(x, y); a.setcc(Cond.A, d8); break;
          case FloatCC.Ge: cmp(x, y); a.setcc(Cond.AE, d8); break;
          case FloatCC.Uno: cmp(x, y); a.setcc(Cond.P, d8); break;
          case FloatCC.Ord: cmp(x, y); a.setcc(Cond.NP, d8); break;
          case FloatCC.Ueq: cmp(x, y); a.setcc(Cond.E, d8); break;
          case FloatCC.Ult: cmp(x, y); a.setcc(Cond.B, d8); break;
          case FloatCC.Ule: cmp(x, y); a.setcc(Cond.BE, d8); break;
          case FloatCC.Ugt: cmp(y, x); a.setcc(Cond.B, d8); break;
          default: cmp(y, x); a.setcc(Cond.BE, d8); break; // uge
        }
        a.movzx(gp32[p[0]!]!, d8);
        return;
      }
      case MOp.Select: {
        const cc = inst.sub as Cond;
        if (inst.imm === 1) {
          const skip = a.newLabel();
          a.jumpLabel((cc ^ 1) as Cond, skip);
          a.movaps(this.reg(p[0]!, 8), this.reg(p[1]!, 8));
          a.bind(skip);
        } else a.cmovcc(cc, this.reg(p[0]!, size), this.reg(p[1]!, size));
        return;
      }
      case MOp.AluLoad: {
        const mem = this.memOf(size, gp64[p[1]!]!, this.physCount > 2 ? gp64[p[2]!]! : null, inst.scale, inst.imm);
        emitAlu(a, inst.sub as AluOp, this.reg(p[0]!, size), mem);
        return;
      }
      case MOp.CmpLoad:
        {
          const mem = this.memOf(size, gp64[p[1]!]!, this.physCount > 2 ? gp64[p[2]!]! : null, inst.scale, inst.imm2);
          if (size >= 4) a.emitForm(CMP_RM[size >> 3]!, this.reg(p[0]!, size), mem); else a.cmp(this.reg(p[0]!, size), mem);
        }
        this.branchOn(inst, next);
        return;
      case MOp.Lea: {
        const index = this.physCount > 2 ? gp64[p[2]!]! : null;
        a.emitForm(LEA[size >> 3]!, this.reg(p[0]!, size), this.memOf(8, gp64[p[1]!]!, index, inst.scale, inst.imm));
        return;
      }
      case MOp.FAlu: {
        a.emitForm(FALU_RR[inst.sub]![size >> 3]!, this.reg(p[0]!, 8), this.reg(p[1]!, 8));
        return;
      }
      case MOp.FMinMax: {
        const d = this.reg(p[0]!, 8), s = this.reg(p[1]!, 8);
        const f32 = size === 4, isMin = inst.sub === 0;
        const nan = a.newLabel(), normal = a.newLabel(), done = a.newLabel();
        if (f32) a.ucomiss(d, s); else a.ucomisd(d, s);
        a.jumpLabel(Cond.P, nan);
        a.jumpLabel(Cond.NE, normal);
        // Equal (including +0 == -0): merge sign bits; min ORs (-0 wins), max ANDs (+0 wins).
        if (isMin) a.orps(d, s); else a.andps(d, s);
        a.jumpLabel(-1, done);
        a.bind(normal);
        if (isMin) { if (f32) a.minss(d, s); else a.minsd(d, s); } else if (f32) a.maxss(d, s); else a.maxsd(d, s);
        a.jumpLabel(-1, done);
        a.bind(nan);
        if (f32) a.addss(d, s); else a.addsd(d, s);
        a.bind(done);
        return;
      }
      case MOp.FSign: {
        const d = this.reg(p[0]!, 8);
        if (inst.sub === 0) a.xorps(d, this.mask(`sign${size}`, size === 4 ? FLOAT_SIGN32 : FLOAT_SIGN64));
        else a.andps(d, this.mask(`abs${size}`, size === 4 ? FLOAT_ABS32 : FLOAT_ABS64));
        return;
      }
      case MOp.FCopysign: {
        const d = this.reg(p[0]!, 8), s = this.reg(p[1]!, 8), t = this.reg(p[2]!, 8);
        a.movaps(t, s);
        a.andps(t, this.mask(`sign${size}`, size === 4 ? FLOAT_SIGN32 : FLOAT_SIGN64));
        a.andps(d, this.mask(`abs${size}`, size === 4 ? FLOAT_ABS32 : FLOAT_ABS64));
        a.orps(d, t);
        return;
      }
      case MOp.FUnary: {
        const d = this.reg(p[0]!, 8), s = this.reg(p[1]!, 8);
        const f32 = size === 4;
        // These write only the low lane and merge the rest of d: clearing d first breaks the
        // false dependency on d's previous value (often a loop-carried chain).
        if (d !== s) a.emitForm(XORPS_RR, d, d);
        switch (inst.sub) {
          case 0: if (f32) a.sqrtss(d, s); else a.sqrtsd(d, s); break;
          case 5: a.cvtss2sd(d, s); break;
          case 6: a.cvtsd2ss(d, s); break;
          default: {
            // roundss/sd immediate: 0 nearest-even, 1 floor, 2 ceil, 3 trunc; bit 3 suppresses the inexact exception.
            const mode = inst.sub === 4 ? 0 : inst.sub === 1 ? 1 : inst.sub === 2 ? 2 : 3;
            if (f32) a.roundss(d, s, 8 | mode); else a.roundsd(d, s, 8 | mode);
          }
        }
        return;
      }
      case MOp.CvtFromInt: {
        const d = this.reg(p[0]!, 8), s = this.reg(p[1]!, size);
        const toF32 = inst.imm === 4;
        const cvt = (r: Reg): void => { if (toF32) a.cvtsi2ss(d, r); else a.cvtsi2sd(d, r); };
        // cvtsi2sd/ss merge into d's upper lanes: clear d so the conversion doesn't wait on d's old value.
        a.emitForm(XORPS_RR, d, d);
        if (inst.sub === 0) { cvt(s); return; }
        // Unsigned 64-bit: halve (keeping the low bit sticky) when the top bit is set, convert, double.
        const big = a.newLabel(), done = a.newLabel();
        const t1 = gp64[p[2]!]!, t2 = gp64[p[3]!]!;
        a.test(s, s);
        a.jumpLabel(Cond.S, big);
        cvt(s);
        a.jumpLabel(-1, done);
        a.bind(big);
        a.mov(t1, s);
        a.shr(t1, 1);
        a.mov(t2, s);
        a.and(t2, 1);
        a.or(t1, t2);
        cvt(t1);
        if (toF32) a.addss(d, d); else a.addsd(d, d);
        a.bind(done);
        return;
      }
      case MOp.CvtToInt: {
        const s = this.reg(p[1]!, 8);
        const f32 = size === 4, w = inst.imm, signed = inst.sub === 0;
        const bad = this.trapLabel(TrapCode.BadConv);
        const ucom = (m: Mem): void => { if (f32) a.ucomiss(s, m); else a.ucomisd(s, m); };
        const cvt = (d: Reg, x: Reg): void => { if (f32) a.cvttss2si(d, x); else a.cvttsd2si(d, x); };
        if (signed) {
          const lo = -(2 ** (w - 1));
          // Lower bound: x > lo - 1 when lo - 1 is exact in the float type, else x >= lo.
          const exact = f32 ? w <= 16 : w <= 32;
          ucom(this.fConst(size, exact ? lo - 1 : lo));
          a.jumpLabel(exact ? Cond.BE : Cond.B, bad);
          ucom(this.fConst(size, 2 ** (w - 1)));
          a.jumpLabel(Cond.AE, bad);
          cvt(w === 64 ? gp64[p[0]!]! : gp32[p[0]!]!, s);
          return;
        }
        ucom(this.fConst(size, -1));
        a.jumpLabel(Cond.BE, bad);
        ucom(this.fConst(size, 2 ** w));
        a.jumpLabel(Cond.AE, bad);
        if (w < 32) { cvt(gp32[p[0]!]!, s); return; }
        if (w === 32) { cvt(gp64[p[0]!]!, s); return; }
        const big = a.newLabel(), done = a.newLabel();
        const d = gp64[p[0]!]!, t = this.reg(p[2]!, 8);
        ucom(this.fConst(size, 2 ** 63));
        a.jumpLabel(Cond.AE, big);
        cvt(d, s);
        a.jumpLabel(-1, done);
        a.bind(big);
        a.movaps(t, s);
        if (f32) a.subss(t, this.fConst(size, 2 ** 63)); else a.subsd(t, this.fConst(size, 2 ** 63));
        cvt(d, t);
        a.btc(d, 63);
        a.bind(done);
        return;
      }
      case MOp.CvtToIntSat:
        this.cvtToIntSat(inst, p);
        return;
      case MOp.BitMove: {
        const d = p[0]!, s = p[1]!;
        if (d >= XMM_BASE) { if (size === 4) a.movd(this.reg(d, 8), gp32[s]!); else a.movq(this.reg(d, 8), gp64[s]!); }
        else if (size === 4) a.movd(gp32[d]!, this.reg(s, 8)); else a.movq(gp64[d]!, this.reg(s, 8));
        return;
      }
      case MOp.Load: case MOp.LoadIdx: {
        const d = p[0]!;
        const base = gp64[p[1]!]!, index = inst.op === MOp.LoadIdx ? gp64[p[2]!]! : null;
        // Every access below is of `size` bytes.
        const mem = this.memOf(size, base, index, inst.scale, inst.imm);
        switch (inst.sub as LoadKind) {
          case LoadKind.Float:
            a.emitForm(size === 4 ? MOVSS_RM : MOVSD_RM, this.reg(d, 8), mem);
            return;
          case LoadKind.Int:
            if (size === 1) a.movzx(gp32[d]!, mem);
            else if (size === 2) a.movzx(gp32[d]!, mem);
            else if (size === 4) a.emitForm(MOV_RM[0], gp32[d]!, mem);
            else a.emitForm(MOV_RM[1], gp64[d]!, mem);
            return;
          case LoadKind.SignExt: {
            const dr = inst.imm2 === 8 ? gp64[d]! : gp32[d]!;
            if (size === 1) a.movsx(dr, mem);
            else if (size === 2) a.movsx(dr, mem);
            else a.movsxd(gp64[d]!, mem);
            return;
          }
          default:
            if (size === 1) a.movzx(gp32[d]!, mem);
            else if (size === 2) a.movzx(gp32[d]!, mem);
            else a.mov(gp32[d]!, mem);
            return;
        }
      }
      case MOp.Store: case MOp.StoreIdx: {
        const v = p[0]!;
        const base = gp64[p[1]!]!, index = inst.op === MOp.StoreIdx ? gp64[p[2]!]! : null;
        // Every access below is of `size` bytes.
        const mem = this.memOf(size, base, index, inst.scale, inst.imm);
        if (inst.sub === 1) {
          a.emitForm(size === 4 ? MOVSS_MR : MOVSD_MR, mem, this.reg(v, 8));
        } else if (size === 1) a.mov(mem, gp8[v]!);
        else if (size === 2) a.mov(mem, gp16[v]!);
        else if (size === 4) a.emitForm(MOV_MR[0], mem, gp32[v]!);
        else a.emitForm(MOV_MR[1], mem, gp64[v]!);
        return;
      }
      case MOp.StackAddr: {
        const d = gp64[p[0]!]!, realign = this.slotRealign[inst.imm]!;
        const at = this.frameBias + this.slotOffset[inst.imm]!;
        if (realign === 0) { a.lea(d, qword(this.frameReg, at + inst.imm2)); return; }
        a.lea(d, qword(this.frameReg, at + realign - 16));
        a.and(d, -realign);
        if (inst.imm2 !== 0) a.lea(d, qword(d, inst.imm2));
        return;
      }
      case MOp.StackAlloc: {
        // The new block must leave the stack limit below the outgoing argument area under it:
        // size <= rsp - limit - (align - 1) - outgoing bytes (all unsigned), else stk_ovf.
        const d = gp64[p[0]!]!, size = gp64[p[1]!]!, t = gp64[p[2]!]!;
        const align = inst.imm, out = (this.mf.outArgSlots * 8 + 15) & ~15;
        const overflow = this.trapLabel(TrapCode.StackOverflow);
        a.mov(t, rsp);
        a.mov(r11, this.mf.scratch.memoBig(this.opts.stateAddress, imm64));
        a.sub(t, this.memOf(8, r11, null, 1, this.opts.stackLimitOffset));
        a.jumpLabel(Cond.B, overflow);
        a.sub(t, align - 1 + out);
        a.jumpLabel(Cond.B, overflow);
        a.cmp(size, t);
        a.jumpLabel(Cond.A, overflow);
        a.mov(t, rsp);
        a.sub(t, size);
        a.and(t, -align);
        a.lea(rsp, qword(t, -out));
        a.mov(d, t);
        return;
      }
      case MOp.StackSave:
        a.mov(gp64[p[0]!]!, rsp);
        return;
      case MOp.LabelAddr:
        a.lea(gp64[p[0]!]!, qword(rip, this.labelArea(inst.imm + 1), inst.imm));
        return;
      case MOp.IndirectBr: {
        // index = p - the label area, unsigned; below the number of targets it picks a table entry.
        const n = inst.targets.length, t = gp64[p[1]!]!;
        a.lea(r11, qword(rip, this.labelArea(n)));
        a.mov(t, gp64[p[0]!]!);
        a.sub(t, r11);
        a.cmp(t, n);
        a.jumpLabel(Cond.AE, this.trapLabel(TrapCode.BadTarget));
        const table = a.newLabel();
        a.lea(r11, qword(rip, table));
        a.jmp(qword(r11, t, 8, 0));
        this.tables.push({ label: table, targets: inst.targets.map((x) => this.target(x)) });
        return;
      }
      case MOp.StackRestore:
        a.mov(rsp, gp64[p[0]!]!);
        return;
      case MOp.LoadSym:
        a.movAbs64(gp64[p[0]!]!, inst.sym);
        return;
      case MOp.VaSave: {
        // The System V register save area, as gcc fills it: integer registers always, vector
        // registers only when al (the caller's count of vector arguments) is not zero.
        const at = this.frameBias + this.slotOffset[inst.imm]!;
        for (let k = 0; k < 6; k++) a.emitForm(MOV_MR[1], this.memOf(8, this.frameReg, null, 1, at + 8 * k), gp64[p[k]!]!);
        const skip = a.newLabel();
        a.test(gp8[p[6]!]!, gp8[p[6]!]!);
        a.jumpLabel(Cond.E, skip);
        for (let k = 0; k < 8; k++) a.movups(xmmword(this.frameReg, at + 48 + 16 * k), this.reg(p[7 + k]!, 8));
        a.bind(skip);
        return;
      }
      case MOp.VaStart: {
        const ap = gp64[p[0]!]!, t = gp64[p[1]!]!;
        a.mov(dword(ap, 0), inst.sub & 0xffff);
        a.mov(dword(ap, 4), inst.sub >>> 16);
        a.lea(t, qword(rbp, inst.imm2));
        a.emitForm(MOV_MR[1], this.memOf(8, ap, null, 1, 8), t);
        a.lea(t, qword(this.frameReg, this.frameBias + this.slotOffset[inst.imm]!));
        a.emitForm(MOV_MR[1], this.memOf(8, ap, null, 1, 16), t);
        return;
      }
      case MOp.VaArg:
        this.emitVaArg(inst);
        return;
      case MOp.CallIndirect: {
        const t = gp64[p[0]!]!;
        // A null (or near-null) function pointer traps cleanly; call_native checks nothing more.
        a.cmp(t, 4096);
        a.jumpLabel(Cond.B, this.trapLabel(TrapCode.HeapOob));
        if (inst.sub === 1) { a.call(t); return; }
        a.cmp(dword(t, -8), FUNC_MAGIC | 0);
        a.jumpLabel(Cond.NE, this.trapLabel(TrapCode.HeapOob));
        a.cmp(dword(t, -4), inst.imm | 0);
        a.jumpLabel(Cond.NE, this.trapLabel(TrapCode.BadSig));
        a.call(t);
        return;
      }
      case MOp.Brif: {
        const c = this.reg(p[0]!, size);
        a.test(c, c);
        this.branchOn(inst, next, Cond.NE); // no targets: flags for a following Select
        return;
      }
      case MOp.CmpBranch: {
        this.compareRegs(inst.sub, size, p[0]!, p[1]!);
        this.branchOn(inst, next);
        return;
      }
      case MOp.BrTable: {
        const idx = p[0]!, tmp = gp64[p[1]!]!;
        const n = inst.targets.length - 1;
        const ir = this.reg(idx, size === 8 ? 8 : size === 4 ? 4 : 4);
        if (size < 4) a.movzx(gp32[p[1]!]!, this.reg(idx, size));
        else if (size === 4) a.mov(gp32[p[1]!]!, ir);
        else a.mov(tmp, ir);
        a.cmp(tmp, n);
        a.jumpLabel(Cond.AE, this.target(inst.targets[0]!));
        const table = a.newLabel();
        a.lea(r11, qword(rip, table));
        a.jmp(qword(r11, tmp, 8, 0));
        this.tables.push({ label: table, targets: inst.targets.slice(1).map((t) => this.target(t)) });
        return;
      }
      // Emitted by emitInst (they may have spill-slot operands or need no register checks).
      case MOp.Mov: case MOp.ParallelMove: case MOp.Jump: case MOp.Ret: case MOp.Trap: case MOp.LoadArg: case MOp.StoreArg: case MOp.Call:
        throw new Error(`emit: machine op ${op} reached emitOp`);
      default:
        return unhandledMOp(op);
    }
  }
}

/**
 * The flags of ICmpSetImm / CmpBranchImm on register `r`: `cmp r, imm`, or `test r, r` against zero
 * (same flags: CF = OF = 0, SF and ZF from r), or `test r, imm` when `sub` is 1.
 */
function compareImm(a: Assembler, inst: MInst, r: Reg): void {
  if (inst.sub === 1) a.test(r, inst.imm2);
  else if (inst.imm2 === 0) a.test(r, r);
  else a.cmp(r, inst.imm2);
}

/** Emits one allocated machine function. */
export function emitFunction(mf: MFunction, alloc: Allocation, opts: EmitOptions): EmittedFunction {
  return new Emitter(mf, alloc, opts).emit();
}

/** `op d, src` for the two-operand ALU ops; `src` a register, memory or an immediate (Mul: not an immediate). */
function emitAlu(a: Assembler, op: AluOp, d: Reg, src: Reg | Mem | number): void {
  switch (op) {
    case AluOp.Add: a.add(d, src); break;
    case AluOp.Sub: a.sub(d, src); break;
    case AluOp.And: a.and(d, src); break;
    case AluOp.Or: a.or(d, src); break;
    case AluOp.Xor: a.xor(d, src); break;
    default: a.imul(d, src);
  }
}

/** `op d, amount` for shifts and rotates; `amount` is cl or an immediate. */
function emitShift(a: Assembler, op: ShiftOp, d: Reg, amount: Reg | number): void {
  switch (op) {
    case ShiftOp.Shl: a.shl(d, amount); break;
    case ShiftOp.Shr: a.shr(d, amount); break;
    case ShiftOp.Sar: a.sar(d, amount); break;
    case ShiftOp.Rol: a.rol(d, amount); break;
    default: a.ror(d, amount);
  }
}
