/**
 * The optimiser's public API, exported from jitkit as `opt`: `optimize(module, { level })`
 * and `optimizeFunction(f, options)` (see docs/opt.md). The pass registry and the
 * per-function context stay internal to src/opt.
 */
export { optimize, optimizeFunction, type OptimizeOptions } from './index.js';
export type { InlineOptions } from './inline.js';
