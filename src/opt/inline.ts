/** Pass `inline` (placeholder). */
import { Module } from '../ir/function.js';

/** Inlines small functions; returns true when anything changed. */
export function inlineModule(_m: Module): boolean {
  return false;
}
