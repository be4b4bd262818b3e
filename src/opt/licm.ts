/** Pass `licm` (placeholder). */
import { FuncContext } from './context.js';

/** Runs licm; returns true when anything changed. */
export function licmPass(_ctx: FuncContext): boolean {
  return false;
}
