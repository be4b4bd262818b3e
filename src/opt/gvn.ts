/** Pass `gvn` (placeholder). */
import { FuncContext } from './context.js';

/** Runs gvn; returns true when anything changed. */
export function gvnPass(_ctx: FuncContext): boolean {
  return false;
}
