/** Pass `loadelim` (placeholder). */
import { FuncContext } from './context.js';

/** Runs loadelim; returns true when anything changed. */
export function loadElimPass(_ctx: FuncContext): boolean {
  return false;
}
