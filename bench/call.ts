/**
 * bench:call — the cost of crossing from JS into native code, measured side by
 * side in one run:
 *   jitkit   wrap()ed jitted code (generated JS marshalling + one zero-argument
 *            Node-API call + generated machine-code thunk)
 *   napi     an empty zero-argument Node-API function (the floor on Node 20) and
 *            hand-written Node-API functions doing the same work
 *   wasm     a WebAssembly export doing the same work
 *   koffi    koffi.call(pointer, proto, ...) on the same native pointer
 *   js       a plain JS function (for scale)
 * plus a jitted loop calling C abs/sqrt 10^7 times, and the cost of installing
 * a function (assemble + place in W^X memory + make callable).
 *
 * Every variant is measured interleaved with the others (40 rounds of short
 * batches, best batch kept), so the ratios hold on a shared, noisy machine.
 *
 * Then the FFI against koffi (bench/call-ffi.ts): a 16-byte struct by value, callbacks from C
 * into JS, and libc qsort with a JS comparator against Array.prototype.sort.
 *
 * Ends with: i32 ns/call: <a>  f64 ns/call: <b>  i64 ns/call: <c>  napi-empty ns/call: <d>  wasm ns/call: <e>  koffi ns/call: <f>
 * and: struct16 ns/call: <a> koffi: <b>  callback ns/call: <c> koffi: <d>  qsort 1e5 JS comparator ms: <e> koffi: <f> Array.sort: <g>
 */
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import {
  Assembler, Cond, rax, rbx, rdi, rsp, r12, r13, eax, ebx, edi, esi, edx, ecx, r8d, r9d, xmm0, qword, rip,
} from '../src/asm/x64/index.js';
import { CodeMemory, symbol, wrap } from '../src/index.js';
import { native } from '../src/runtime/addon.js';
import { measureFfi } from './call-ffi.js';
import { fmt, measure, measureInterleaved, table } from './timing.js';
import { WA } from './wasm.js';

const require = createRequire(import.meta.url);
const koffi = require('koffi') as {
  load(path: string): unknown;
  proto(decl: string): unknown;
  call(ptr: bigint, proto: unknown, ...args: unknown[]): unknown;
};
// koffi 3.3.4 crashes in koffi.call() when no library was loaded first; load libc.
koffi.load('libc.so.6');

const memory = new CodeMemory();
function jit(build: (a: Assembler) => void, name: string) {
  const a = new Assembler();
  build(a);
  return memory.place(a.finish().bytes, { name });
}

// --- the functions under test -------------------------------------------------
const add4i32 = jit((a) => { a.mov(eax, edi); a.add(eax, 4); a.ret(); }, 'add4i32');
const add4i64 = jit((a) => { a.mov(rax, rdi); a.add(rax, 4); a.ret(); }, 'add4i64');
const add4f64 = jit((a) => { const four = a.constant(4.0); a.addsd(xmm0, qword(rip, four)); a.ret(); }, 'add4f64');
const sum6 = jit((a) => {
  a.mov(eax, edi); a.add(eax, esi); a.add(eax, edx); a.add(eax, ecx); a.add(eax, r8d); a.add(eax, r9d); a.ret();
}, 'sum6');

const jI32 = wrap(add4i32, { args: ['i32'], result: 'i32' });
const jI64 = wrap(add4i64, { args: ['i64'], result: 'i64' });
const jF64 = wrap(add4f64, { args: ['f64'], result: 'f64' });
const jSum6 = wrap(sum6, { args: ['i32', 'i32', 'i32', 'i32', 'i32', 'i32'], result: 'i32' });

// Sanity: every path computes the same thing before anything is timed.
if (jI32(2) !== 6 || jI64(2n) !== 6n || jF64(2) !== 6 || jSum6(1, 2, 3, 4, 5, 6) !== 21) throw new Error('jitted functions are wrong');

// --- WebAssembly: add4 for i32, i64, f64 (hand-encoded module) ----------------
const wasmBytes = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  0x01, 0x10, 0x03, 0x60, 0x01, 0x7f, 0x01, 0x7f, 0x60, 0x01, 0x7e, 0x01, 0x7e, 0x60, 0x01, 0x7c, 0x01, 0x7c,
  0x03, 0x04, 0x03, 0x00, 0x01, 0x02,
  0x07, 0x13, 0x03, 0x03, 0x69, 0x33, 0x32, 0x00, 0x00, 0x03, 0x69, 0x36, 0x34, 0x00, 0x01, 0x03, 0x66, 0x36, 0x34, 0x00, 0x02,
  0x0a, 0x20, 0x03,
  0x07, 0x00, 0x20, 0x00, 0x41, 0x04, 0x6a, 0x0b,
  0x07, 0x00, 0x20, 0x00, 0x42, 0x04, 0x7c, 0x0b,
  0x0e, 0x00, 0x20, 0x00, 0x44, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x40, 0xa0, 0x0b,
]);
const wasm = new WA.Instance(new WA.Module(wasmBytes)).exports as {
  i32(x: number): number; i64(x: bigint): bigint; f64(x: number): number;
};
if (wasm.i32(2) !== 6 || wasm.i64(2n) !== 6n || wasm.f64(2) !== 6) throw new Error('wasm module is wrong');

// --- koffi on the same native pointers ----------------------------------------
const kI32 = koffi.proto('int32_t kadd4i32(int32_t)');
const kI64 = koffi.proto('int64_t kadd4i64(int64_t)');
const kF64 = koffi.proto('double kadd4f64(double)');
const kSum6 = koffi.proto('int32_t ksum6(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t)');
const pI32 = add4i32.address, pI64 = add4i64.address, pF64 = add4f64.address, pSum6 = sum6.address;
if (koffi.call(pI32, kI32, 2) !== 6) throw new Error('koffi call is wrong');

const nb = native.bench;
const jsAdd4 = (x: number) => x + 4;

// --- measurements --------------------------------------------------------------
let sink = 0;
let sinkBig = 0n;
const ns = measureInterleaved({
  jsI32: (n) => { let s = 0; for (let i = 0; i < n; i++) s += jsAdd4(i & 1023); sink += s; },
  napiEmpty: (n) => { for (let i = 0; i < n; i++) nb.nop(); },
  napiI32: (n) => { let s = 0; for (let i = 0; i < n; i++) s += nb.add4I32(i & 1023); sink += s; },
  napiI64: (n) => { let s = 0n; for (let i = 0; i < n; i++) s = nb.add4I64(s); sinkBig += s; },
  napiF64: (n) => { let s = 0; for (let i = 0; i < n; i++) s += nb.add4F64(i); sink += s; },
  napiSum6: (n) => { let s = 0; for (let i = 0; i < n; i++) s += nb.sum6(i, 1, 2, 3, 4, 5); sink += s; },
  wasmI32: (n) => { let s = 0; for (let i = 0; i < n; i++) s += wasm.i32(i & 1023); sink += s; },
  wasmI64: (n) => { let s = 0n; for (let i = 0; i < n; i++) s = wasm.i64(s); sinkBig += s; },
  wasmF64: (n) => { let s = 0; for (let i = 0; i < n; i++) s += wasm.f64(i); sink += s; },
  koffiI32: (n) => { let s = 0; for (let i = 0; i < n; i++) s += koffi.call(pI32, kI32, i & 1023) as number; sink += s; },
  koffiI64: (n) => { let s = 0; for (let i = 0; i < n; i++) s += Number(koffi.call(pI64, kI64, i & 1023)); sink += s; },
  koffiF64: (n) => { let s = 0; for (let i = 0; i < n; i++) s += koffi.call(pF64, kF64, i) as number; sink += s; },
  koffiSum6: (n) => { let s = 0; for (let i = 0; i < n; i++) s += koffi.call(pSum6, kSum6, i, 1, 2, 3, 4, 5) as number; sink += s; },
  jitI32: (n) => { let s = 0; for (let i = 0; i < n; i++) s += jI32(i & 1023); sink += s; },
  jitI64: (n) => { let s = 0n; for (let i = 0; i < n; i++) s = jI64(s); sinkBig += s; },
  jitF64: (n) => { let s = 0; for (let i = 0; i < n; i++) s += jF64(i); sink += s; },
  jitSum6: (n) => { let s = 0; for (let i = 0; i < n; i++) s += jSum6(i, 1, 2, 3, 4, 5); sink += s; },
});

// --- a jitted loop calling C 10^7 times ------------------------------------------
const CALLS = 10_000_000;
const absLoop = wrap(jit((a) => {
  // i64 loop(i64 n): sum of abs(i - n/2) for i = n..1, calling libc abs each time.
  a.push(rbx); a.push(r12); a.push(r13); // 3 pushes keep rsp 16-aligned at the calls
  a.mov(rbx, rdi); a.mov(r12, 0); a.mov(r13, symbol('abs'));
  const top = a.newLabel();
  a.bind(top);
  a.mov(edi, ebx); a.sub(edi, CALLS / 2); a.call(r13); a.movsxd(rax, eax); a.add(r12, rax);
  a.dec(rbx); a.jcc(Cond.NE, top);
  a.mov(rax, r12); a.pop(r13); a.pop(r12); a.pop(rbx); a.ret();
}, 'absLoop'), { args: ['i64'], result: 'i64' });
const sqrtLoop = wrap(jit((a) => {
  // f64 loop(i64 n): sum of sqrt(i) for i = n..1, calling libm sqrt each time.
  a.push(rbx); a.push(r12); a.sub(rsp, 24);
  a.mov(rbx, rdi); a.mov(r12, symbol('sqrt')); a.mov(qword(rsp), 0);
  const top = a.newLabel();
  a.bind(top);
  a.cvtsi2sd(xmm0, rbx); a.call(r12); a.addsd(xmm0, qword(rsp)); a.movsd(qword(rsp), xmm0);
  a.dec(rbx); a.jcc(Cond.NE, top);
  a.movsd(xmm0, qword(rsp)); a.add(rsp, 24); a.pop(r12); a.pop(rbx); a.ret();
}, 'sqrtLoop'), { args: ['i64'], result: 'f64' });

function timeOnce(f: () => unknown): [number, unknown] {
  const t0 = process.hrtime.bigint();
  const r = f();
  return [Number(process.hrtime.bigint() - t0), r];
}
let expectAbs = 0n;
for (let i = CALLS; i >= 1; i--) expectAbs += BigInt(Math.abs(i - CALLS / 2));
/** Best of `runs` timings of f (ns), checking its result every time. */
function bestOf(runs: number, f: () => unknown, check: (r: unknown) => void): number {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const [ns, r] = timeOnce(f);
    check(r);
    best = Math.min(best, ns);
  }
  return best;
}
const jsSqrtLoop = () => { let s = 0; for (let i = CALLS; i >= 1; i--) s += Math.sqrt(i); return s; };
const jsSqrt = jsSqrtLoop();
const absNs = bestOf(5, () => absLoop(CALLS), (r) => { if (r !== expectAbs) throw new Error(`abs loop: ${r} != ${expectAbs}`); });
const sqrtNs = bestOf(5, () => sqrtLoop(CALLS), (r) => { if (r !== jsSqrt) throw new Error(`sqrt loop: ${r} != ${jsSqrt}`); });
const jsSqrtNs = bestOf(5, jsSqrtLoop, () => undefined);
const absP = symbol('abs');
const kAbs = koffi.proto('int kabs(int)');
const koffiAbs = measure((n) => { let s = 0; for (let i = 0; i < n; i++) s += koffi.call(absP, kAbs, i - 500) as number; sink += s; }, { rounds: 3 });

// --- installing a function: assemble + place + wrap ------------------------------
// What a batch installs is freed after it, untimed, so the figure is the
// installation itself, not the garbage collection of earlier batches.
const installMem = new CodeMemory();
const installed: Array<{ free(): void }> = [];
const install = measureInterleaved({
  full: (n) => {
    for (let i = 0; i < n; i++) {
      const a = new Assembler();
      a.mov(rax, rdi); a.add(rax, i & 127); a.ret();
      const code = installMem.place(a.finish().bytes);
      sink += wrap(code, { args: ['i64'], result: 'i64' }).length;
      installed.push(code);
    }
  },
  place: (n) => {
    for (let i = 0; i < n; i++) {
      const a = new Assembler();
      a.mov(rax, rdi); a.add(rax, i & 127); a.ret();
      installed.push(installMem.place(a.finish().bytes));
    }
  },
}, { rounds: 15, batchMs: 5, after: () => { for (const c of installed) c.free(); installed.length = 0; } });
const installUs = install.full / 1000;
const placeUs = install.place / 1000;

// --- report ------------------------------------------------------------------------
const floor = ns.napiEmpty;
const r = (x: number) => `${fmt(x)} ns`;
const x = (v: number) => `${fmt(v / floor, 2)}x`;
console.log(`jitkit bench:call — ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, code memory: ${memory.scheme}`);
console.log('ns per call (best batch of 40 interleaved rounds); "vs empty" = / empty Node-API call\n');
table(
  ['signature', 'jitkit', 'vs empty', 'napi by hand', 'wasm', 'koffi', 'plain JS'],
  [
    ['add4 i32', r(ns.jitI32), x(ns.jitI32), r(ns.napiI32), r(ns.wasmI32), r(ns.koffiI32), r(ns.jsI32)],
    ['add4 i64 (bigint)', r(ns.jitI64), x(ns.jitI64), r(ns.napiI64), r(ns.wasmI64), r(ns.koffiI64), ''],
    ['add4 f64', r(ns.jitF64), x(ns.jitF64), r(ns.napiF64), r(ns.wasmF64), r(ns.koffiF64), ''],
    ['sum6 (6 x i32)', r(ns.jitSum6), x(ns.jitSum6), r(ns.napiSum6), '', r(ns.koffiSum6), ''],
    ['empty Node-API call', r(floor), '1.00x', '', '', '', ''],
  ],
);
console.log('');
table(
  ['jitted loop calling C, 10^7 calls', 'ns per C call', 'alternative'],
  [
    ['abs (libc)', fmt(absNs / CALLS, 2), `koffi from JS: ${fmt(koffiAbs, 1)} ns/call`],
    ['sqrt (libm)', fmt(sqrtNs / CALLS, 2), `JS Math.sqrt loop: ${fmt(jsSqrtNs / CALLS, 2)} ns/iteration`],
  ],
);
console.log('');
console.log(`install a function (assemble + place W^X + wrap): ${fmt(installUs, 2)} us; assemble + place only: ${fmt(placeUs, 2)} us`);
if (sink === 42 && sinkBig === 42n) console.log('');
console.log(
  `i32 ns/call: ${fmt(ns.jitI32)}  f64 ns/call: ${fmt(ns.jitF64)}  i64 ns/call: ${fmt(ns.jitI64)}  napi-empty ns/call: ${fmt(floor)}  wasm ns/call: ${fmt(ns.wasmI32)}  koffi ns/call: ${fmt(ns.koffiI32)}`,
);

// --- the FFI against koffi ------------------------------------------------------------
const ffi = measureFfi(memory);
console.log(
  `struct16 ns/call: ${fmt(ffi.struct16)} koffi: ${fmt(ffi.koffiStruct16)}  callback ns/call: ${fmt(ffi.callback)} koffi: ${fmt(ffi.koffiCallback)}  ` +
  `qsort 1e5 JS comparator ms: ${fmt(ffi.qsortMs)} koffi: ${fmt(ffi.koffiQsortMs)} Array.sort: ${fmt(ffi.arraySortMs)}`,
);
