/**
 * The lazy DFA's inner loop as machine code, generated once per process through jitkit's IR
 * and `compile()` (-O2). Four variants: input of 8-bit units (ASCII strings) or 16-bit units
 * (other strings), scanning forward or backward.
 *
 *   scan(context, i, stop, state, stride, surrogateExit) -> exit code
 *     context (ScanContext, 48 bytes): +0 trans, +8 classes, +16 input (addresses),
 *     +24 out: [i, state, last] as i32
 *     loop: unit = input[i]; cls = classes[unit]; t = trans[state * stride + cls]
 *           t < 0          -> exit UNKNOWN (JS builds the transition, then calls again)
 *           t & 1          -> out.last = i   (a match ended before this character)
 *           t >> 1 = DEAD  -> exit DEAD
 *           16-bit surrogate unit with `u`  -> exit SURROGATE (JS steps over the code point)
 *     i == stop            -> exit END (JS takes the end-of-input transition)
 *   out: [i, state, last] on exit (`last` is read on entry too)
 *
 * The tables are the DFA's own typed arrays (dfa.ts), passed by address in the context block
 * (one pointer argument instead of four: each argument costs a conversion per call); the JS
 * side owns building states, so the machine code never allocates and never calls back.
 */
import { compile, type CompiledModule } from '../../codegen/compile.js';
import { Module } from '../../ir/function.js';
import { IntCC } from '../../ir/opcodes.js';
import { Type } from '../../ir/types.js';
import { native } from '../../runtime/addon.js';

/** Exit codes of a native scan. */
export const enum ScanExit {
  End = 0,
  Unknown = 1,
  Dead = 2,
  Surrogate = 3,
}

/** Transition target meaning "dead" (dfa.ts). */
export const DEAD_TARGET = 0x3fffffff;

/** A native scan function: (context, i, stop, state, stride, surrogateExit) -> ScanExit. */
export type ScanFn = (context: Uint8Array, i: number, stop: number, state: number, stride: number, surrogateExit: number) => number;

/** Offsets in a scan context block. */
export const CTX_TRANS = 0, CTX_CLASSES = 8, CTX_INPUT = 16, CTX_OUT = 24;

/** The memory a DFA shares with its native scans: table and input addresses, exit record. */
export class ScanContext {
  /** The block (off the JS heap, so its address is stable). */
  readonly block: Buffer = Buffer.alloc(48);
  /** The exit record [i, state, last] over the block. */
  readonly out: Int32Array = new Int32Array(this.block.buffer, this.block.byteOffset + CTX_OUT, 3);
  private trans: Int32Array | undefined;
  private classes: Uint16Array | undefined;
  private input: Uint8Array | undefined;

  /** Points the block at these tables and input (an address is looked up only when its array changed). */
  use(trans: Int32Array, classes: Uint16Array, input: Uint8Array): void {
    if (trans !== this.trans) { this.trans = trans; this.block.writeBigInt64LE(native.addressOf(trans), CTX_TRANS); }
    if (classes !== this.classes) { this.classes = classes; this.block.writeBigInt64LE(native.addressOf(classes), CTX_CLASSES); }
    if (input !== this.input) { this.input = input; this.block.writeBigInt64LE(native.addressOf(input), CTX_INPUT); }
  }
}

/** The four scan variants. */
export interface ScanFunctions { forward8: ScanFn; forward16: ScanFn; backward8: ScanFn; backward16: ScanFn }

function buildScan(m: Module, name: string, wide: boolean, backward: boolean): void {
  const f = m.function(name, [Type.Ptr, Type.I32, Type.I32, Type.I32, Type.I32, Type.I32], [Type.I32]);
  const b = f.builder();
  const [context, i0, stop, state0, stride, surrogateExit] = b.params as [never, never, never, never, never, never];
  const trans = b.load(Type.Ptr, context, CTX_TRANS), classes = b.load(Type.Ptr, context, CTX_CLASSES), input = b.load(Type.Ptr, context, CTX_INPUT);
  const last0 = b.load(Type.I32, context, CTX_OUT + 8);
  const head = b.block(Type.I32, Type.I32, Type.I32);
  const body = b.block();
  const exit = b.block(Type.I32, Type.I32, Type.I32, Type.I32);
  b.jump(head, [i0, state0, last0]);

  b.switchTo(head);
  const [i, st, last] = b.blockParams(head) as [never, never, never];
  const more = b.icmp(backward ? IntCC.Sgt : IntCC.Slt, i, stop);
  b.brif(more, body, { block: exit, args: [b.iconst(Type.I32, ScanExit.End), i, st, last] });

  b.switchTo(body);
  const at = backward ? b.isub(i, b.iconst(Type.I32, 1)) : i;
  const offset = b.zext(Type.I64, at);
  const unit = wide ? b.uload16(Type.I32, b.iadd(input, b.ishl(offset, b.iconst(Type.I64, 1)))) : b.uload8(Type.I32, b.iadd(input, offset));
  const afterSurrogateCheck = b.block();
  if (wide) {
    const isSurrogate = b.band(b.icmp(IntCC.Eq, b.band(unit, b.iconst(Type.I32, 0xf800)), b.iconst(Type.I32, 0xd800)), b.trunc(Type.I8, surrogateExit));
    b.brif(isSurrogate, { block: exit, args: [b.iconst(Type.I32, ScanExit.Surrogate), i, st, last] }, afterSurrogateCheck);
  } else b.jump(afterSurrogateCheck);
  b.switchTo(afterSurrogateCheck);
  const cls = b.uload16(Type.I32, b.iadd(classes, b.ishl(b.zext(Type.I64, unit), b.iconst(Type.I64, 1))));
  const index = b.iadd(b.imul(st, stride), cls);
  const t = b.load(Type.I32, b.iadd(trans, b.ishl(b.zext(Type.I64, index), b.iconst(Type.I64, 2))));
  const known = b.block();
  b.brif(b.icmp(IntCC.Slt, t, b.iconst(Type.I32, 0)), { block: exit, args: [b.iconst(Type.I32, ScanExit.Unknown), i, st, last] }, known);
  b.switchTo(known);
  const matched = b.band(t, b.iconst(Type.I32, 1));
  const last2 = b.select(matched, i, last);
  const next = b.ushr(t, b.iconst(Type.I32, 1));
  const live = b.block();
  b.brif(b.icmp(IntCC.Eq, next, b.iconst(Type.I32, DEAD_TARGET)), { block: exit, args: [b.iconst(Type.I32, ScanExit.Dead), i, st, last2] }, live);
  b.switchTo(live);
  const step = b.iconst(Type.I32, 1);
  b.jump(head, [backward ? b.isub(i, step) : b.iadd(i, step), next, last2]);

  b.switchTo(exit);
  const [code, ei, est, elast] = b.blockParams(exit) as [never, never, never, never];
  b.store(ei, context, CTX_OUT);
  b.store(est, context, CTX_OUT + 4);
  b.store(elast, context, CTX_OUT + 8);
  b.return(code);
  b.finish();
}

/** Per-process cache: the compiled scan functions (compiled on first use of the DFA). */
let scans: { module: CompiledModule; fns: ScanFunctions } | undefined;

/** The native scan functions (compiled once per process, about a millisecond). */
export function nativeScans(): ScanFunctions {
  if (scans !== undefined) return scans.fns;
  const m = new Module('jitkit_regex_scan');
  buildScan(m, 'forward8', false, false);
  buildScan(m, 'forward16', true, false);
  buildScan(m, 'backward8', false, true);
  buildScan(m, 'backward16', true, true);
  const module = compile(m, { opt: 2 });
  const fns: ScanFunctions = {
    forward8: module.get('forward8') as unknown as ScanFn,
    forward16: module.get('forward16') as unknown as ScanFn,
    backward8: module.get('backward8') as unknown as ScanFn,
    backward16: module.get('backward16') as unknown as ScanFn,
  };
  scans = { module, fns };
  return fns;
}
