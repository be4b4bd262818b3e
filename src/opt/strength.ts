/** Pass `strength` (placeholder). */
import { FuncContext } from './context.js';

/** Runs strength; returns true when anything changed. */
export function strengthPass(_ctx: FuncContext): boolean {
  return false;
}
