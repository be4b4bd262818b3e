/**
 * The fault matrix's cases, one per child process (`node dist/test/faults/cases.js NAME`):
 * each provokes one kind of fault or endless run in jitted code, checks that it
 * became the right TrapError (or that the worker ended, or the signal listener
 * ran), then runs jitted code again to show the process survived. The last line
 * of output is JSON: { caught, survived, detail, latencies? } (latencies in ms:
 * from the request to stop to the moment JS has control again).
 *
 * test/faults/matrix.ts runs them (npm run test:faults); faults.test.ts runs a subset.
 */
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { Assembler, rax, rcx, rdx, rdi, qword } from '../../src/asm/x64/index.js';
import { CodeMemory, compile, ir, wrap } from '../../src/index.js';
import { TrapError } from '../../src/ir/trap-error.js';
import { interruptThread } from '../../src/runtime/safety.js';
import { faultsModule } from '../helpers/faults.js';
import { native } from '../../src/runtime/addon.js';

/** What a case reports. */
export interface CaseResult {
  /** The fault became the expected TrapError (or the expected ending). */
  caught: boolean;
  /** Jitted code ran correctly afterwards in the same process. */
  survived: boolean;
  /** What happened, for the table. */
  detail: string;
  /** Milliseconds from each stop request to JS having control back. */
  latencies?: number[];
}

const here = fileURLToPath(import.meta.url);

const LOOPS = faultsModule();

const memory = new CodeMemory();

function handWritten(emit: (a: Assembler) => void, args: 'i64'[] = []): (...a: unknown[]) => unknown {
  const a = new Assembler();
  emit(a);
  return wrap(memory.place(a.finish().bytes), { args, result: 'i64' });
}

/** Runs jitted code (hand-written and compiled) once more: the process is fine. */
function stillWorks(): boolean {
  const add4 = handWritten((a) => { a.mov(rax, rdi); a.add(rax, 4); a.ret(); }, ['i64']);
  const c = compile(LOOPS);
  const ok = add4(38n) === 42n && c.get('add')(40n, 2n) === 42n;
  c.free();
  return ok;
}

function expectTrap(f: () => unknown, trap: string, check: (e: TrapError) => boolean = () => true): { caught: boolean; detail: string } {
  try {
    const r = f();
    return { caught: false, detail: `returned ${String(r)}` };
  } catch (e) {
    if (!(e instanceof TrapError)) return { caught: false, detail: `threw ${String(e)}` };
    return { caught: e.trap === trap && check(e), detail: e.message };
  }
}

function faultCase(f: () => unknown, trap: string, check?: (e: TrapError) => boolean): CaseResult {
  const r = expectTrap(f, trap, check);
  return { ...r, survived: stillWorks() };
}

/** Near the deepest JS recursion (room for the call itself), then `f` there. */
function atJsDepth<T>(f: () => T): T {
  let max = 0;
  const probe = (d: number): void => { max = d; probe(d + 1); };
  try { probe(0); } catch { /* RangeError: the JS stack is full */ }
  const target = Math.max(0, max - Math.max(500, Math.floor(max / 20)));
  const down = (d: number): T => (d >= target ? f() : down(d + 1));
  return down(0);
}

/** In a worker with `resourceLimits`: runs case `name` there and reports its result. */
function inWorker(name: string, stackSizeMb?: number): Promise<CaseResult> {
  return new Promise((resolve) => {
    const w = new Worker(here, { workerData: { name }, resourceLimits: stackSizeMb === undefined ? undefined : { stackSizeMb } });
    w.once('message', (r: CaseResult) => resolve(r));
    w.once('error', (e) => resolve({ caught: false, survived: false, detail: `worker error: ${String(e)}` }));
  });
}

const now = (): number => performance.timeOrigin + performance.now();
/** Stop requests per latency case (npm run test:faults: 100, so that its p99 is not just the maximum; the npm test slice: 15). */
const SAMPLES = Number(process.env['JITKIT_FAULTS_SAMPLES'] ?? 15);

/**
 * SAMPLES times: this thread runs an endless loop, which a helper worker stops from outside
 * (`#interrupter`: interrupt(); `#signaller`: SIGINT) a few ms after it started; `between`
 * runs after each stop. Latency: from the helper's request to the TrapError here.
 * The loop (spin_flag) stores 1 at shared byte 16 once it runs: a SIGINT sent before that
 * would reach no jitted code (its listener runs later, and nothing stops the loop).
 */
async function stoppedFromOutside(reason: 'interrupt' | 'signal', between: () => unknown): Promise<CaseResult> {
  const c = compile(LOOPS);
  const shared = new Float64Array(new SharedArrayBuffer(24));
  const flag = new Int32Array(shared.buffer, 8, 1);
  const inLoop = native.addressOf(new Int32Array(shared.buffer, 16, 1)); // a bigint ptr: jitted code stores there
  const helper = reason === 'interrupt' ? '#interrupter' : '#signaller';
  const w = new Worker(here, { workerData: { name: helper, token: c.interruptToken, shared } });
  await new Promise((r) => w.once('message', r));
  const latencies: number[] = [];
  let caught = true, detail = '';
  for (let i = 0; i < SAMPLES; i++) {
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
    const r = expectTrap(() => c.get('spin_flag')(inLoop), 'interrupted', (e) => e.reason === reason);
    latencies.push(now() - shared[0]!);
    caught &&= r.caught;
    detail = r.detail;
    await between();
  }
  Atomics.store(flag, 0, -1);
  Atomics.notify(flag, 0);
  await w.terminate();
  return { caught, detail, latencies, survived: stillWorks() };
}

/**
 * The helper worker of stoppedFromOutside: on each go, waits 10-20 ms (and, with `waitForLoop`,
 * until the loop runs), stamps the time and calls `stop` (until it says it stopped something).
 */
function stopper(stop: (token: number) => boolean, waitForLoop = false): CaseResult {
  const { token, shared } = workerData as { token: number; shared: Float64Array };
  const flag = new Int32Array(shared.buffer, 8, 1);
  const inLoop = new Int32Array(shared.buffer, 16, 1);
  parentPort!.postMessage('ready');
  for (;;) {
    Atomics.wait(flag, 0, 0);
    if (Atomics.load(flag, 0) < 0) break;
    Atomics.store(flag, 0, 0);
    Atomics.wait(flag, 0, 0, 10 + Math.random() * 10); // the other thread is usually in the loop by then
    while (waitForLoop && Atomics.load(inLoop, 0) === 0) Atomics.wait(flag, 0, 0, 1);
    Atomics.store(inLoop, 0, 0);
    for (;;) {
      shared[0] = now();
      if (stop(token)) break; // interrupt() drops requests while no jitted code runs: retry
      Atomics.wait(flag, 0, 0, 1);
    }
  }
  return { caught: true, survived: true, detail: 'helper' };
}

/** The cases, by name. */
export const CASES: Record<string, () => CaseResult | Promise<CaseResult>> = {
  'bad load (hand-written, address 0x10)': () => faultCase(() => handWritten((a) => { a.mov(rax, qword(rdi)); a.ret(); }, ['i64'])(0x10n), 'heap_oob', (e) => e.address === 0x10n),
  'bad store (hand-written)': () => faultCase(() => handWritten((a) => { a.mov(qword(rdi), rdi); a.ret(); }, ['i64'])(0xdead0000n), 'heap_oob', (e) => e.address === 0xdead0000n),
  'wild jump target (hand-written call)': () => faultCase(() => handWritten((a) => { a.call(rdi); a.ret(); }, ['i64'])(0x7777000n), 'heap_oob'),
  'idiv by zero (hand-written)': () => faultCase(() => handWritten((a) => { a.mov(rax, 7); a.xor(rdx, rdx); a.xor(rcx, rcx); a.idiv(rcx); a.ret(); })(), 'int_divz'),
  'ud2 (hand-written)': () => faultCase(() => handWritten((a) => a.ud2())(), 'illegal'),
  'int3 (hand-written)': () => faultCase(() => handWritten((a) => { a.int3(); a.ret(); })(), 'breakpoint'),
  'stale pointer into freed code': () => {
    const keep = memory.place(new Uint8Array([0xc3]));
    const h = memory.place(new Uint8Array([0x48, 0x31, 0xc0, 0xc3]));
    const at = h.address;
    h.free();
    const r = faultCase(() => wrap(at, { args: [], result: 'i64' })(), 'breakpoint');
    keep.free();
    return r;
  },
  'IR load through a null pointer': () => {
    const c = compile(LOOPS);
    return faultCase(() => c.get('load')(0n), 'heap_oob', (e) => e.address === 8n);
  },
  'IR store to a wild address': () => faultCase(() => compile(LOOPS).get('store')(0x50000n, 1n), 'heap_oob', (e) => e.address === 0x50000n),
  'IR call_indirect to a wild address': () => faultCase(() => compile(LOOPS).get('jump')(0x66660000n), 'heap_oob'),
  'recursion, main thread': () => faultCase(() => compile(LOOPS).get('rec')(0n), 'stk_ovf'),
  'recursion, main thread, stackSize 1 GiB (above the real stack)': () => faultCase(() => compile(LOOPS, { stackSize: 1 << 30 }).get('rec')(0n), 'stk_ovf'),
  'recursion, main thread, at the deepest JS depth': () => {
    const f = compile(LOOPS).get('rec');
    return faultCase(() => atJsDepth(() => f(0n)), 'stk_ovf');
  },
  'recursion, hand-written (no stack checks), main thread': () => faultCase(() => handWritten((a) => { const top = a.newLabel(); a.bind(top); a.call(top); a.ret(); })(), 'stk_ovf'),
  'recursion in a worker with stackSizeMb 0.5': () => inWorker('recursion, main thread', 0.5),
  'recursion in a worker with stackSizeMb 0.5 and stackSize 1 GiB': () => inWorker('recursion, main thread, stackSize 1 GiB (above the real stack)', 0.5),
  'recursion in a default worker at the deepest JS depth': () => inWorker('recursion, main thread, at the deepest JS depth'),
  'recursion, hand-written, in a worker with stackSizeMb 0.5': () => inWorker('recursion, hand-written (no stack checks), main thread', 0.5),
  'endless loop, interrupt() from another thread': () => stoppedFromOutside('interrupt', () => undefined),
  '#interrupter': () => stopper((token) => interruptThread(token)),
  'endless loop in a worker, interrupt() from the main thread': async () => {
    const shared = new Float64Array(new SharedArrayBuffer(8 * (SAMPLES + 2)));
    const w = new Worker(here, { workerData: { name: '#spinner', shared } });
    const token = await new Promise<number>((r) => w.once('message', r));
    const done = new Promise<CaseResult>((r) => w.once('message', r));
    for (let i = 0; i < SAMPLES; i++) {
      await new Promise((r) => setTimeout(r, 5 + Math.random() * 10));
      for (;;) {
        shared[1 + i] = now();
        if (interruptThread(token)) break;
        await new Promise((r) => setTimeout(r, 1));
      }
      while (Atomics.load(new Int32Array(shared.buffer, 0, 2), 0) <= i) await new Promise((r) => setTimeout(r, 1));
    }
    const r = await done;
    await w.terminate();
    return { ...r, survived: r.survived && stillWorks() };
  },
  '#spinner': () => {
    const { shared } = workerData as { shared: Float64Array };
    const c = compile(LOOPS);
    const count = new Int32Array(shared.buffer, 0, 2);
    parentPort!.postMessage(c.interruptToken);
    const latencies: number[] = [];
    let caught = true, detail = '';
    for (let i = 0; i < SAMPLES; i++) {
      const r = expectTrap(() => c.get('spin')(0n), 'interrupted', (e) => e.reason === 'interrupt');
      latencies.push(now() - shared[1 + i]!);
      caught &&= r.caught;
      detail = r.detail;
      Atomics.store(count, 0, i + 1);
    }
    return { caught, detail, latencies, survived: stillWorks() };
  },
  'endless loop, timeoutMs': () => {
    const c = compile(LOOPS);
    const latencies: number[] = [];
    let caught = true, detail = '';
    for (let i = 0; i < SAMPLES; i++) {
      const timeout = 10 + i;
      const t0 = now();
      const r = expectTrap(() => c.call('spin', [0n], { timeoutMs: timeout }), 'interrupted', (e) => e.reason === 'timeout');
      latencies.push(now() - t0 - timeout);
      caught &&= r.caught;
      detail = r.detail;
    }
    return { caught, detail, latencies, survived: stillWorks() };
  },
  'endless loop in a worker, worker.terminate()': async () => {
    const latencies: number[] = [];
    let caught = true;
    for (let i = 0; i < 5; i++) {
      const shared = new Int32Array(new SharedArrayBuffer(4));
      const w = new Worker(here, { workerData: { name: '#endless', shared } });
      await new Promise((r) => w.once('online', r));
      while (Atomics.load(shared, 0) === 0) await new Promise((r) => setTimeout(r, 1));
      await new Promise((r) => setTimeout(r, 20 + i * 10)); // well inside the loop
      const t0 = now();
      const code = await Promise.race([w.terminate(), new Promise((r) => setTimeout(() => r('hung'), 5000))]);
      latencies.push(now() - t0);
      caught &&= code === 1;
    }
    return { caught, latencies, detail: `terminate() resolved in ${latencies.map((l) => l.toFixed(1)).join(', ')} ms`, survived: stillWorks() };
  },
  '#endless': () => {
    const { shared } = workerData as { shared: Int32Array };
    const spin = compile(LOOPS).get('spin');
    Atomics.store(shared, 0, 1);
    spin(0n);
    return { caught: false, survived: false, detail: 'the endless loop returned' };
  },
  'endless loop, SIGINT with a JS listener': async () => {
    let heard = 0;
    process.on('SIGINT', () => { heard++; });
    const r = await stoppedFromOutside('signal', () => new Promise((resolve) => setTimeout(resolve, 20))); // the listener runs
    return { ...r, caught: r.caught && heard === SAMPLES, detail: `${r.detail}; the listener ran ${heard} times` };
  },
  '#signaller': () => stopper(() => { process.kill(process.pid, 'SIGINT'); return true; }, true),
  'sandbox: load outside the memory': () => {
    const c = compile(LOOPS, { sandbox: { memoryBytes: 65536 } });
    return faultCase(() => c.get('load')(65536n), 'heap_oob');
  },
  'sandbox: store through a real address': () => {
    const c = compile(LOOPS, { sandbox: { memoryBytes: 65536, checks: 'bounds' } });
    const victim = new BigInt64Array(1);
    const r = faultCase(() => c.get('store')(native.addressOf(victim), 1n), 'heap_oob');
    return { ...r, caught: r.caught && victim[0] === 0n };
  },
  'sandbox: call_indirect to a real code address': () => {
    const c = compile(LOOPS, { sandbox: { memoryBytes: 65536 } });
    return faultCase(() => c.get('jump')(c.address('add')), 'heap_oob');
  },
  'sandbox: an import the embedder did not pass': () => {
    const m = ir.parse('import %system(ptr) -> i32\n\nfunction %f(ptr) -> i32 {\nblock0(v0: ptr):\n    v1 = call %system(v0)\n    return v1\n}\n');
    try {
      compile(m, { sandbox: { memoryBytes: 65536 } });
      return { caught: false, survived: stillWorks(), detail: 'compiled' };
    } catch (e) {
      return { caught: /resolve does not pass/.test((e as Error).message), survived: stillWorks(), detail: (e as Error).message };
    }
  },
};

async function main(): Promise<void> {
  const name = isMainThread ? process.argv[2]! : (workerData as { name: string }).name;
  const run = CASES[name];
  if (run === undefined) throw new Error(`no fault case named ${JSON.stringify(name)}`);
  const result = await run();
  if (isMainThread) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    process.exit(0); // workers the case started must not keep the process
  } else {
    parentPort!.postMessage(result);
  }
}

if (!isMainThread || process.argv[1] === here) await main();
