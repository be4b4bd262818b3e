/**
 * The JS side of native/safety.h: how a fault, a stack overflow or an
 * interrupt in jitted code becomes a `TrapError` instead of taking the process
 * down.
 *
 *   faults        the addon's signal handler catches SIGSEGV/SIGBUS/SIGFPE/SIGILL/
 *                 SIGTRAP whose PC is in registered code (CodeMemory regions, compiled
 *                 modules); the invoke that ran the code throws the TrapError this
 *                 module's factory makes (kind, faulting address, pc, signal)
 *   stack bounds  each thread's real stack (pthread_getattr_np) minus a margin: the
 *                 floor entry trampolines clamp their stack limit to
 *   interrupts    `interruptThread(id)` from any thread, timeouts, SIGINT/SIGTERM and
 *                 worker termination send a signal to the thread, whose handler
 *                 preempts its jitted code at whatever instruction it is (no polls:
 *                 nothing costs while nobody interrupts; native/safety.h)
 *
 * Importing this module gives the addon, once per thread (JS environment), the
 * factory and a no-op function the safepoint calls to let V8 act on a pending
 * worker termination.
 */
import { constants as osConstants } from 'node:os';
import { TrapError } from '../ir/trap-error.js';
import { native } from './addon.js';

const SIGNAL_NAMES = new Map<number, string>();
for (const [name, n] of Object.entries(osConstants.signals)) SIGNAL_NAMES.set(n, name);

const REASONS: ReadonlyArray<readonly [number, string]> = [
  [native.constants.REASON_TIMEOUT, 'timeout'],
  [native.constants.REASON_SIGNAL, 'signal'],
  [native.constants.REASON_TERMINATE, 'terminate'],
  [native.constants.REASON_INTERRUPT, 'interrupt'],
];

/** The name of the most specific reason among `bits` (the addon's REASON_* bits); undefined for none (an explicit `trap interrupted`). */
export function reasonName(bits: number): string | undefined {
  for (const [bit, name] of REASONS) if ((bits & bit) !== 0) return name;
  return undefined;
}

/** Makes the TrapError for a fault the addon caught (called from native code). */
function faultError(code: number, address: bigint | undefined, pc: bigint | undefined, signal: number): TrapError {
  if (code === native.constants.TRAP_INTERRUPTED) {
    return new TrapError(code, ' in jitted code', { reason: reasonName(native.takeInterrupt()) });
  }
  return new TrapError(code, ' in jitted code', {
    address, pc, signal: signal !== 0 ? SIGNAL_NAMES.get(signal) ?? `signal ${signal}` : undefined,
  });
}

native.setup(faultError, () => undefined);

/** The calling thread as the addon registered it. */
export interface ThreadInfo {
  /** Token for `interruptThread` (unique in the process). */
  readonly id: number;
  /** True on the process's main thread. */
  readonly isMain: boolean;
  /** Lowest address of the thread's stack. */
  readonly stackLow: bigint;
  /** One past the highest address of the thread's stack. */
  readonly stackHigh: bigint;
  /** The lowest stack address jitted code may reach (`stackLow` plus a margin for C and signal handling). */
  readonly stackFloor: bigint;
}

let self: ThreadInfo | undefined;

/** This thread's registration (stack bounds, interrupt token). */
export function currentThread(): ThreadInfo {
  return (self ??= native.threadInfo());
}

/**
 * Stops the jitted code running on thread `threadId` (a `currentThread().id`,
 * e.g. posted from a worker): it throws `TrapError('interrupted')` wherever it is
 * (a signal preempts it; in C code it called, once that returns). Callable from any
 * thread. Returns true when that thread was running jitted code; a request while it
 * runs none is dropped.
 */
export function interruptThread(threadId: number): boolean {
  if (!Number.isInteger(threadId) || threadId <= 0 || threadId > 0x7fffffff) {
    throw new RangeError(`interruptThread: threadId must be a positive integer (a thread's interrupt token), got ${String(threadId)}`);
  }
  return native.interrupt(threadId);
}

/** What generated code needs from the runtime: the TLS offset of the stack floor, the unwinder; and whether interrupts work. */
export interface RuntimeAddresses {
  /** fs-relative offset of this thread's stack floor (u64). */
  readonly stackFloorOffset: number;
  /** Where a module's trap with no trap frame goes (edi = trap code): unwinds to the guarded call. */
  readonly moduleUnwind: bigint;
  /** False when another handler owns the interrupt signal (SIGRTMAX-2): nothing can be interrupted. */
  readonly interruptible: boolean;
}

let addresses: RuntimeAddresses | undefined;

/** The runtime addresses generated code embeds (the same on every thread). */
export function runtimeAddresses(): RuntimeAddresses {
  return (addresses ??= native.runtimeAddresses());
}

/** Arms a `ms` timeout for the calling thread's next jitted call; returns the ticket for `disarmTimeout`. */
export function armTimeout(ms: number): number {
  return native.armTimeout(ms);
}

/** Ends a timeout (one that fired after its call returned is dropped). */
export function disarmTimeout(ticket: number): void {
  native.disarmTimeout(ticket);
}

/** The calling thread's pending interrupt reasons (REASON_* bits; `reasonName` names them), cleared. */
export function takeInterrupt(): number {
  return native.takeInterrupt();
}
