/**
 * What the C front end supports beyond plain C11, in one place: the
 * preprocessor answers `__has_builtin` and `__has_attribute` from these lists
 * and `predefined.ts` reads the feature switches, so programs and headers only
 * take code paths the parser and IR generation can compile.
 *
 * Owned jointly: the parser / IR generation side adds a name here in the same
 * commit that makes it work (and the preprocessor tests pick it up), so the
 * answers stay truthful.
 */

/** Feature switches that change predefined macros. */
export const FRONT_END = {
  /** `__int128` and `unsigned __int128` (then `__SIZEOF_INT128__` is defined). */
  int128: false,
} as const;

/**
 * Builtin functions `__has_builtin(name)` reports as supported. The first group
 * is what glibc's headers use under our predefined macros (see
 * `HEADER_BUILTINS`); the rest is what issue 14 asks the front end to provide.
 */
export const SUPPORTED_BUILTINS: ReadonlySet<string> = new Set([
  '__builtin_va_start', '__builtin_va_end', '__builtin_va_arg', '__builtin_va_copy',
  '__builtin_offsetof', '__builtin_expect', '__builtin_unreachable', '__builtin_trap',
  '__builtin_huge_val', '__builtin_huge_valf', '__builtin_huge_vall',
  '__builtin_inf', '__builtin_inff', '__builtin_infl', '__builtin_nan', '__builtin_nanf', '__builtin_nanl',
  '__builtin_clz', '__builtin_clzl', '__builtin_clzll', '__builtin_ctz', '__builtin_ctzl', '__builtin_ctzll',
  '__builtin_popcount', '__builtin_popcountl', '__builtin_popcountll',
  '__builtin_bswap16', '__builtin_bswap32', '__builtin_bswap64',
  '__builtin_types_compatible_p', '__builtin_constant_p',
]);

/**
 * Builtins and keywords that glibc's headers (and our built-in headers) use
 * with the predefined macros of `predefined.ts`, so the front end must accept
 * them to compile `#include <stdio.h>` etc. (measured by preprocessing every
 * header of the test corpus; see test/frontends/c/header-builtins.test.ts).
 */
export const HEADER_BUILTINS: readonly string[] = [
  '__builtin_va_list', '__builtin_va_start', '__builtin_va_end', '__builtin_va_arg', '__builtin_va_copy',
  '__builtin_offsetof', '__builtin_expect', '__builtin_huge_val', '__builtin_huge_valf', '__builtin_huge_vall',
  '__builtin_inff', '__builtin_nanf',
];

/**
 * Attributes `__has_attribute(name)` reports (either spelling, `x` or `__x__`):
 * the ones the front end honours (`aligned packed noreturn unused always_inline`
 * ...) and the ones that only inform a compiler and are safe to ignore. Not
 * listed on purpose, because ignoring them would miscompile: `vector_size`,
 * `mode`, `transparent_union`, `alias`, `cleanup`, `weak`, `section`.
 */
export const SUPPORTED_ATTRIBUTES: ReadonlySet<string> = new Set([
  'aligned', 'packed', 'noreturn', 'unused', 'used', 'always_inline', 'noinline', 'gnu_inline',
  'const', 'pure', 'malloc', 'format', 'format_arg', 'nonnull', 'returns_nonnull', 'nothrow', 'leaf',
  'warn_unused_result', 'deprecated', 'cold', 'hot', 'sentinel', 'may_alias', 'artificial',
  'alloc_size', 'alloc_align', 'access', 'visibility', 'fallthrough', 'no_instrument_function',
  'noclone', 'flatten', 'optimize', 'externally_visible', 'error', 'warning',
]);

/** The attribute name without gcc's optional underscores (`__packed__` -> `packed`). */
export function attributeBaseName(name: string): string {
  return name.length > 4 && name.startsWith('__') && name.endsWith('__') ? name.slice(2, -2) : name;
}
