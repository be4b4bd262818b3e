/**
 * Fiber calls: the JS side of calling C that calls back into JS (native/ffi.c, "Fiber calls").
 *
 *   fn(..., callback, ...)       a signature with a fnptr argument calls through fiberInvoker:
 *     invokeFiber*()             the C code runs on a stack of its own; returns true when it
 *                                called a callback of this thread and waits
 *     wrappers[id]()             the callback's generated wrapper runs as a plain JS call
 *                                (arguments and result in the argument buffer)
 *     resumeFiber()              back into the C code, until it returns (false)
 *
 * A callback then costs one JS -> C call instead of a C -> JS entry through Node-API. An
 * exception in a callback is kept: the callback returns zero, later callbacks of the same
 * call return zero without running, and the exception is thrown when the C call returns (as
 * on the Node-API path).
 */
import { native } from './addon.js';
import { argViews } from './marshal.js';

// Per-process registry (per JS thread: each worker loads its own copy) of callback wrappers by
// id, with their result slot counts; id 0 means "none".
const wrappers: Array<(() => void) | undefined> = [undefined];
const resultSlots: number[] = [0];

/** Registers a callback's wrapper; returns its id for native/ffi.c. */
export function registerCallback(wrapper: () => void, slots: number): number {
  wrappers.push(wrapper);
  resultSlots.push(slots);
  return wrappers.length - 1;
}

/** Drops a freed callback's wrapper (C calling it aborts before JS is asked). */
export function unregisterCallback(id: number): void {
  wrappers[id] = undefined;
}

let state: Uint32Array | undefined;

/** The invoke function (see marshal.ts `invokerFor`) that runs the call on a fiber; kind 0 integer, 1 f64, 2 f32. */
export function fiberInvoker(kind: 0 | 1 | 2): () => void {
  const start = kind === 1 ? native.invokeFiberF64 : kind === 2 ? native.invokeFiberF32 : native.invokeFiberInt;
  return function fiberCall(): void {
    if (start()) runCallbacks();
  };
}

function runCallbacks(): void {
  const st = (state ??= new Uint32Array(native.fiberState()));
  const u64 = argViews().u64;
  let failed = false;
  let error: unknown;
  do {
    const id = st[0]!;
    if (!failed) {
      try {
        wrappers[id]!();
        continue;
      } catch (e) {
        failed = true;
        error = e;
      }
    }
    u64.fill(0n, 0, resultSlots[id]! + 1);
  } while (native.resumeFiber());
  if (failed) throw error;
}
