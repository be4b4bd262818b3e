/**
 * Timing helpers for bench/: each measurement runs a body in batches for a
 * fixed wall time, several rounds, and keeps the best round (least disturbed
 * by the rest of the machine). Results are ns per operation.
 */

/** Runs `body(n)` (which must perform n operations) and returns the best ns/op over `rounds`. */
export function measure(body: (n: number) => unknown, opts: { ms?: number; rounds?: number } = {}): number {
  const ms = opts.ms ?? 150;
  const rounds = opts.rounds ?? 5;
  // Warm up and find a batch size that takes ~5 ms.
  let n = 1000;
  for (;;) {
    const t0 = process.hrtime.bigint();
    body(n);
    const dt = Number(process.hrtime.bigint() - t0) / 1e6;
    if (dt > 5 || n > 1e9) break;
    n *= 4;
  }
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    let ops = 0;
    const t0 = process.hrtime.bigint();
    let elapsed = 0;
    while (elapsed < ms * 1e6) {
      body(n);
      ops += n;
      elapsed = Number(process.hrtime.bigint() - t0);
    }
    best = Math.min(best, elapsed / ops);
  }
  return best;
}

/** Formats a number with `digits` decimals. */
export function fmt(x: number, digits = 1): string {
  return x.toFixed(digits);
}

/** Prints rows as an aligned table. */
export function table(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}

/**
 * Measures several bodies fairly on a shared, noisy machine: each is
 * calibrated to ~`batchMs` per batch, then all are run in turn for `rounds`
 * rounds, and each keeps its best batch (ns/op). Interleaving gives every
 * variant the same chances at quiet moments, so ratios between them hold.
 * `after` runs untimed after every batch (e.g. to free what a batch made).
 */
export function measureInterleaved<K extends string>(
  bodies: Record<K, (n: number) => unknown>,
  opts: { rounds?: number; batchMs?: number; after?: () => void } = {},
): Record<K, number> {
  const after = opts.after ?? (() => undefined);
  const rounds = opts.rounds ?? 40;
  const batchMs = opts.batchMs ?? 3;
  const keys = Object.keys(bodies) as K[];
  const sizes = new Map<K, number>();
  for (const k of keys) {
    let n = 100;
    for (;;) {
      const t0 = process.hrtime.bigint();
      bodies[k](n);
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      after();
      if (ms > batchMs || n > 1e8) break;
      n *= 2;
    }
    sizes.set(k, n);
  }
  const best = {} as Record<K, number>;
  for (const k of keys) best[k] = Infinity;
  for (let r = 0; r < rounds; r++) {
    for (const k of keys) {
      const n = sizes.get(k)!;
      const t0 = process.hrtime.bigint();
      bodies[k](n);
      const ns = Number(process.hrtime.bigint() - t0) / n;
      after(); // untimed clean-up between batches
      if (ns < best[k]) best[k] = ns;
    }
  }
  return best;
}
