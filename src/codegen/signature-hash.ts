/**
 * The 32-bit signature hash every target writes into a function's header and checks at
 * call_indirect (and the import stubs carry), so a call through a pointer of the wrong
 * type traps instead of running.
 */
import { typeName, type Signature } from '../ir/types.js';

/**
 * 32-bit hash of a signature: FNV-1a of its text (`signatureText`, e.g. `(i32, ptr) -> f64`, `(ptr, ...) -> i32`),
 * fed piece by piece so no string is built.
 */
export function signatureHash(sig: Signature): number {
  let h = fnv(0x811c9dc5, '(');
  const params = sig.params, results = sig.results;
  for (let i = 0; i < params.length; i++) h = fnv(i === 0 ? h : fnv(h, ', '), typeName(params[i]!));
  if (sig.variadic === true) h = fnv(h, params.length > 0 ? ', ...' : '...');
  h = fnv(h, ')');
  for (let i = 0; i < results.length; i++) h = fnv(fnv(h, i === 0 ? ' -> ' : ', '), typeName(results[i]!));
  return h | 0;
}

/** FNV-1a hash `h` continued over the characters of `s`. */
function fnv(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h;
}
