/**
 * Time limits that mean "this much work", not "this much of the clock on the wall": on a
 * machine shared by many processes a wall-clock budget runs out after a fraction of the
 * work, so tests and time-boxed loops that promise an amount of work measure the CPU time
 * of their own process instead.
 */

/** How a time limit is measured: `'wall'` (elapsed real time) or `'cpu'` (this process's CPU time). */
export type BudgetClock = 'wall' | 'cpu';

/** CPU time (user + system, all threads) this process has used so far, in milliseconds. */
export function processCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** The current reading of `clock` in milliseconds (only differences between readings mean anything). */
export function clockMs(clock: BudgetClock = 'wall'): number {
  return clock === 'cpu' ? processCpuMs() : Date.now();
}

/** Runs `fn` and returns its result with the CPU time it took, in milliseconds. */
export function cpuTimed<T>(fn: () => T): { result: T; cpuMs: number } {
  const t0 = processCpuMs();
  const result = fn();
  return { result, cpuMs: processCpuMs() - t0 };
}
