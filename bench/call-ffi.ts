/**
 * The FFI part of bench:call (issue 18's bar line): jitkit/ffi against koffi on the same
 * native code, measured interleaved in one run.
 *
 *   struct16   a jitted C function `vec2 f(vec2 v)` with `struct vec2 { double x, y; }`
 *              (16 bytes, two SSE eightbytes both ways): JS object in, JS object out
 *   callback   a jitted loop `i64 loop(i32 (*f)(i32), i32 n)` calling a JS function n times;
 *              the figure is ns per callback (the loop's one call from JS is shared by n)
 *   qsort      libc qsort of 10^5 i32 with a JS comparator (jitkit: deref('i32') arguments;
 *              koffi: its documented way, `const void *` arguments read with koffi.decode),
 *              against Array.prototype.sort with a comparator on the same numbers
 *
 * Every path is checked for the right answer before it is timed.
 */
import { createRequire } from 'node:module';
import { Assembler, Cond, rax, rbx, rdi, r12, r13, r14, r12d, r14d, esi, edi, eax, xmm0, xmm1, xmm2 } from '../src/asm/x64/index.js';
import { CodeMemory } from '../src/index.js';
import { callback, deref, fnptr, struct, symbol, wrap } from '../src/frontends/ffi/index.js';
import { measureInterleaved } from './timing.js';

/** The figures of the FFI bar line (ns per call, ms per sort). */
export interface FfiFigures {
  struct16: number;
  koffiStruct16: number;
  callback: number;
  koffiCallback: number;
  qsortMs: number;
  koffiQsortMs: number;
  arraySortMs: number;
}

interface Koffi {
  struct(name: string, def: Record<string, string>): unknown;
  proto(decl: string): unknown;
  pointer(t: unknown): unknown;
  call(ptr: bigint, proto: unknown, ...args: unknown[]): unknown;
  register(fn: Function, type: unknown): bigint;
  unregister(cb: bigint): void;
  decode(ptr: unknown, type: string): unknown;
  load(path: string): { func(decl: string): (...args: unknown[]) => unknown };
}

const QSORT_N = 100_000;
const CALLBACKS_PER_CALL = 1000;
const SORT_ROUNDS = 7;

/** Wall time of one run of f in ms. */
function msOf(f: () => unknown): number {
  const t0 = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** Measures the FFI figures; `memory` holds the jitted functions. */
export function measureFfi(memory: CodeMemory): FfiFigures {
  const require = createRequire(import.meta.url);
  const koffi = require('koffi') as Koffi;
  const libc = koffi.load('libc.so.6');
  const jit = (build: (a: Assembler) => void, name: string) => {
    const a = new Assembler();
    build(a);
    return memory.place(a.finish().bytes, { name });
  };

  // --- struct16: vec2 f(vec2 v) = { v.x + v.y, v.x - v.y } -------------------------
  const f = jit((a) => {
    a.movsd(xmm2, xmm0); a.addsd(xmm0, xmm1); a.subsd(xmm2, xmm1); a.movsd(xmm1, xmm2); a.ret();
  }, 'vec2_mix');
  const vec2 = struct({ x: 'f64', y: 'f64' }, { name: 'vec2' });
  const jMix = wrap(f, { args: [vec2], result: vec2 });
  koffi.struct('vec2', { x: 'double', y: 'double' });
  const kMix = koffi.proto('vec2 kmix(vec2)');
  const j = jMix({ x: 3, y: 1 }), k = koffi.call(f.address, kMix, { x: 3, y: 1 }) as { x: number; y: number };
  if (j.x !== 4 || j.y !== 2 || k.x !== 4 || k.y !== 2) throw new Error(`struct16: jitkit ${JSON.stringify(j)}, koffi ${JSON.stringify(k)}`);

  // --- callback: i64 loop(i32 (*f)(i32), i32 n) = sum of f(i), i < n ------------------
  const loop = jit((a) => {
    a.push(rbx); a.push(r12); a.push(r13); a.push(r14); a.push(rax); // 5 pushes: rsp 16-aligned at the calls
    a.mov(rbx, rdi); a.mov(r12d, esi); a.mov(r13, 0); a.mov(r14, 0);
    const top = a.newLabel(), done = a.newLabel();
    a.bind(top);
    a.cmp(r14, r12); a.jcc(Cond.GE, done);
    a.mov(edi, r14d); a.call(rbx); a.movsxd(rax, eax); a.add(r13, rax); a.inc(r14);
    a.jmp(top);
    a.bind(done);
    a.mov(rax, r13); a.pop(r14); a.pop(r14); a.pop(r13); a.pop(r12); a.pop(rbx); a.ret();
  }, 'callback_loop');
  const intFn = { args: ['i32'], result: 'i32' } as const;
  const jLoop = wrap(loop, { args: [fnptr(intFn), 'i32'], result: 'i64' });
  const rawLoop = wrap(loop, { args: ['ptr', 'i32'], result: 'i64' });
  let jsCalls = 0;
  const jCb = callback((x: number) => { jsCalls++; return x + 1; }, intFn);
  const kProto = koffi.proto('int kcb(int)');
  const kCb = koffi.register((x: number) => { jsCalls++; return x + 1; }, koffi.pointer(kProto));
  const expect = BigInt(CALLBACKS_PER_CALL * (CALLBACKS_PER_CALL + 1) / 2);
  if (jLoop(jCb, CALLBACKS_PER_CALL) !== expect || rawLoop(kCb, CALLBACKS_PER_CALL) !== expect || jsCalls !== 2 * CALLBACKS_PER_CALL) {
    throw new Error('callback loop: wrong sums');
  }

  // --- qsort of 10^5 i32 ---------------------------------------------------------------
  const data = Int32Array.from({ length: QSORT_N }, (_, i) => Math.imul(i, 2654435761) >> 7);
  const sorted = Int32Array.from(data).sort();
  const cmpSig = { args: [deref('i32'), deref('i32')], result: 'i32' } as const;
  const jQsort = wrap(symbol('qsort'), { args: ['ptr', 'u64', 'u64', fnptr(cmpSig)] });
  const jCmp = callback((x, y) => x! - y!, cmpSig);
  const kCmpProto = koffi.proto('int kcmp(const void *a, const void *b)');
  const kQsort = libc.func('void qsort(_Inout_ void *array, size_t count, size_t size, kcmp *cmp)');
  const kCmp = (p: unknown, q: unknown) => (koffi.decode(p, 'int') as number) - (koffi.decode(q, 'int') as number);
  const work = new Int32Array(QSORT_N);
  const arr: number[] = new Array(QSORT_N);
  const same = (what: string, xs: ArrayLike<number>) => {
    for (let i = 0; i < QSORT_N; i++) if (xs[i] !== sorted[i]) throw new Error(`${what}: not sorted at ${i}`);
  };
  const sorts = {
    jitkit: () => { work.set(data); jQsort(work, QSORT_N, 4, jCmp); return work; },
    koffi: () => { work.set(data); kQsort(work, QSORT_N, 4, kCmp); return work; },
    array: () => { for (let i = 0; i < QSORT_N; i++) arr[i] = data[i]!; return arr.sort((x, y) => x - y); },
  };
  for (const [name, run] of Object.entries(sorts)) same(name, run());

  let sink = 0n, sinkN = 0;
  const ns = measureInterleaved({
    struct16: (n) => { let s = 0; for (let i = 0; i < n; i++) s += jMix({ x: i, y: 1 }).y; sinkN += s; },
    koffiStruct16: (n) => { let s = 0; for (let i = 0; i < n; i++) s += (koffi.call(f.address, kMix, { x: i, y: 1 }) as { y: number }).y; sinkN += s; },
    // One operation: one loop call making CALLBACKS_PER_CALL callbacks.
    callback: (n) => { for (let i = 0; i < n; i++) sink += jLoop(jCb, CALLBACKS_PER_CALL); },
    koffiCallback: (n) => { for (let i = 0; i < n; i++) sink += rawLoop(kCb, CALLBACKS_PER_CALL); },
  }, { rounds: 30 });
  // Sorts take tens of ms: the best of SORT_ROUNDS interleaved runs of each.
  const sortMs = { qsort: Infinity, koffiQsort: Infinity, arraySort: Infinity };
  for (let r = 0; r < SORT_ROUNDS; r++) {
    sortMs.qsort = Math.min(sortMs.qsort, msOf(sorts.jitkit));
    sortMs.koffiQsort = Math.min(sortMs.koffiQsort, msOf(sorts.koffi));
    sortMs.arraySort = Math.min(sortMs.arraySort, msOf(sorts.array));
  }
  jCb.free();
  jCmp.free();
  koffi.unregister(kCb);
  if (sink === 42n && sinkN === 42) console.log('');
  return {
    struct16: ns.struct16,
    koffiStruct16: ns.koffiStruct16,
    callback: ns.callback / CALLBACKS_PER_CALL,
    koffiCallback: ns.koffiCallback / CALLBACKS_PER_CALL,
    qsortMs: sortMs.qsort,
    koffiQsortMs: sortMs.koffiQsort,
    arraySortMs: sortMs.arraySort,
  };
}
