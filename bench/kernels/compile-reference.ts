/**
 * The compile-speed reference: one random program built twice, as jitkit IR and as a
 * WebAssembly module, so that jitkit's compile time can be set beside V8's own
 * compilers on the same machine in the same run: TurboFan (V8's optimising tier, C++)
 * and Liftoff (its single-pass baseline compiler, C++).
 *
 * The program: `functions` functions `(i32 n, i32 x, ptr/memory) -> i32`, each a
 * do-while loop (n times) over `statements` statements on twelve i32 variables
 * (`c = a op b` or `c = a op k` with op in add sub mul and or xor shl shr_u, and every
 * eighth statement a store and a load at `(a & 1020)` in a 1 KiB buffer), returning the
 * xor of the variables. In the IR the variables are loop block parameters; in wasm they
 * are locals. Both compute the same function (bench:kernels checks one result).
 *
 * V8's flags are per process, so each V8 compiler is timed in a child process:
 * `node <this file> <functions> <statements>` with the flags, printing the best
 * compile time in ms. Lazy compilation is off, and `--single-threaded` keeps V8 from
 * compiling functions on background threads (jitkit uses one thread).
 */
import { Module, Type, type Value } from '../../src/ir/index.js';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { WA } from '../wasm.js';
import { processCpuMs } from '../../src/util/cpu-time.js';

const VARS = 12;
/** The i32 operations: wasm opcode, and the builder method name. */
const OPS: readonly (readonly [number, 'iadd' | 'isub' | 'imul' | 'band' | 'bor' | 'bxor' | 'ishl' | 'ushr'])[] = [
  [0x6a, 'iadd'], [0x6b, 'isub'], [0x6c, 'imul'], [0x71, 'band'], [0x72, 'bor'], [0x73, 'bxor'], [0x74, 'ishl'], [0x76, 'ushr'],
];

/** One statement: `c = a op b`, `c = a op k`, or (kind 'mem') `mem[a & 1020] = b; c = mem[b & 1020]`. */
interface Statement { kind: 'reg' | 'imm' | 'mem'; op: number; a: number; b: number; c: number; k: number }

function statements(seed: number, count: number): Statement[] {
  let s = seed >>> 0 || 1;
  const rnd = (n: number): number => { s = (Math.imul(s, 1103515245) + 12345) >>> 0; return (s >>> 8) % n; };
  const out: Statement[] = [];
  for (let i = 0; i < count; i++) {
    // Variable 0 is the loop counter: read, never written.
    const a = rnd(VARS), b = rnd(VARS), c = 1 + rnd(VARS - 1), op = rnd(OPS.length), k = 1 + rnd(100);
    out.push({ kind: i % 8 === 7 ? 'mem' : rnd(3) === 0 ? 'imm' : 'reg', op, a, b, c, k });
  }
  return out;
}

/** The program as a jitkit module: functions `f0` ... `f<functions-1>` of type `(i32, i32, ptr) -> i32`. */
export function referenceModule(functions: number, count: number, seed = 1): Module {
  const m = new Module('reference');
  for (let fi = 0; fi < functions; fi++) {
    const f = m.function(`f${fi}`, [Type.I32, Type.I32, Type.Ptr], [Type.I32]);
    const b = f.builder();
    const [n, x, buf] = [b.params[0]!, b.params[1]!, b.params[2]!];
    const zero = b.iconst(Type.I32, 0);
    const init: Value[] = [n, x];
    for (let v = 2; v < VARS; v++) init.push(zero);
    const loop = b.block(...init.map(() => Type.I32));
    const exit = b.block(...init.map(() => Type.I32));
    b.jump(loop, init);
    b.switchTo(loop);
    const vars = b.blockParams(loop);
    const addr = (v: Value): Value => b.iadd(buf, b.zext(Type.I64, b.band(v, b.iconst(Type.I32, 1020))));
    for (const st of statements(seed * 7919 + fi, count)) {
      if (st.kind === 'mem') {
        b.store(vars[st.b]!, addr(vars[st.a]!));
        vars[st.c] = b.load(Type.I32, addr(vars[st.b]!));
        continue;
      }
      const y = st.kind === 'imm' ? b.iconst(Type.I32, st.k) : vars[st.b]!;
      vars[st.c] = b[OPS[st.op]![1]](vars[st.a]!, y);
    }
    vars[0] = b.isub(vars[0]!, b.iconst(Type.I32, 1));
    b.brif(b.icmp('ne', vars[0]!, zero), { block: loop, args: vars }, { block: exit, args: vars });
    b.switchTo(exit);
    const out = b.blockParams(exit);
    let acc = out[1]!;
    for (let v = 2; v < VARS; v++) acc = b.bxor(acc, out[v]!);
    b.return(acc);
    b.finish();
  }
  return m;
}

/** The same program as WebAssembly bytes: functions exported as `f0` ..., memory of one page exported as `mem`. */
export function referenceWasm(functions: number, count: number, seed = 1): Uint8Array {
  const uleb = (v: number): number[] => { const o: number[] = []; do { let byte = v & 0x7f; v >>>= 7; if (v !== 0) byte |= 0x80; o.push(byte); } while (v !== 0); return o; };
  const sleb = (v: number): number[] => {
    const o: number[] = [];
    for (;;) {
      const byte = v & 0x7f; v >>= 7;
      if ((v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0)) { o.push(byte); return o; }
      o.push(byte | 0x80);
    }
  };
  const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
  const section = (id: number, bytes: number[]): number[] => [id, ...uleb(bytes.length), ...bytes];
  const name = (s: string): number[] => vec([...s].map((ch) => [ch.charCodeAt(0)]));
  const I32 = 0x7f;
  const GET = 0x20, SET = 0x21, CONST = 0x41;
  // Locals: 0 n, 1 x (the parameters), 2 .. VARS-1 the other variables (zero-initialised).
  const bodies: number[][] = [];
  for (let fi = 0; fi < functions; fi++) {
    const code: number[] = [0x03, 0x40]; // loop
    const masked = (v: number): number[] => [GET, v, CONST, ...sleb(1020), 0x71];
    for (const st of statements(seed * 7919 + fi, count)) {
      if (st.kind === 'mem') {
        code.push(...masked(st.a), GET, st.b, 0x36, 2, 0); // i32.store align=4 offset=0
        code.push(...masked(st.b), 0x28, 2, 0, SET, st.c); // i32.load
        continue;
      }
      code.push(GET, st.a, ...(st.kind === 'imm' ? [CONST, ...sleb(st.k)] : [GET, st.b]), OPS[st.op]![0], SET, st.c);
    }
    code.push(GET, 0, CONST, 1, 0x6b, 0x22, 0, 0x0d, 0, 0x0b); // n = n - 1 (tee); br_if 0; end loop
    code.push(GET, 1);
    for (let v = 2; v < VARS; v++) code.push(GET, v, 0x73);
    code.push(0x0b);
    const body = [...vec([[...uleb(VARS - 2), I32]]), ...code];
    bodies.push([...uleb(body.length), ...body]);
  }
  const type = [0x60, ...vec([[I32], [I32]]), ...vec([[I32]])];
  const exports = [...Array.from({ length: functions }, (_, i) => [...name(`f${i}`), 0x00, ...uleb(i)]), [...name('mem'), 0x02, 0]];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    ...section(1, vec([type])),
    ...section(3, vec(Array.from({ length: functions }, () => [0]))),
    ...section(5, vec([[0x00, 1]])),
    ...section(7, vec(exports)),
    ...section(10, vec(bodies)),
  ]);
}

/** The program bench:kernels uses: functions, statements per function (about twice the kernel module's IR). */
export const REFERENCE_SHAPE = [12, 40] as const;

/** V8's compilers, as the flags that select each. */
export const V8_COMPILERS = {
  'V8 TurboFan (optimising)': ['--no-liftoff', '--no-wasm-lazy-compilation', '--single-threaded'],
  'V8 Liftoff (baseline)': ['--liftoff', '--no-wasm-tier-up', '--no-wasm-lazy-compilation', '--single-threaded'],
} as const;

/** Best time (ms) of V8 compiling the wasm program in a child process with `flags`, after `warmups` compiles. */
export function v8CompileMs(flags: readonly string[], functions: number, count: number, rounds: number, warmups: number): number {
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, [...flags, self, String(functions), String(count), String(rounds), String(warmups)], { encoding: 'utf8' });
  const ms = Number(r.stdout.trim());
  if (r.status !== 0 || !Number.isFinite(ms)) throw new Error(`compile-reference child (${flags.join(' ')}) failed: ${r.stderr || r.stdout}`);
  return ms;
}

// Child process: time `new WebAssembly.Module` on fresh programs (another seed each time, so
// that no cache can serve it) and print the best time in ms (CPU time: with --single-threaded,
// V8 compiles on this thread).
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [functions, count, rounds, warmups] = process.argv.slice(2, 6).map(Number) as [number, number, number, number];
  for (let w = 0; w < warmups; w++) new WA.Module(referenceWasm(functions, count, 1000 + w));
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const bytes = referenceWasm(functions, count, 2 + r);
    const t0 = processCpuMs();
    new WA.Module(bytes);
    best = Math.min(best, processCpuMs() - t0);
  }
  console.log(best);
}
