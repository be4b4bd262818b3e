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
 * Builtin functions `__has_builtin(name)` reports as supported: the ones the
 * parser (parser.ts) and IR generation (irgen.ts) handle by name.
 */
export const SUPPORTED_BUILTINS: ReadonlySet<string> = new Set([
  '__builtin_abort', '__builtin_add_overflow', '__builtin_alloca', '__builtin_assume_aligned',
  '__builtin_bswap16', '__builtin_bswap32', '__builtin_bswap64', '__builtin_choose_expr', '__builtin_clrsb',
  '__builtin_clrsbl', '__builtin_clrsbll', '__builtin_clz', '__builtin_clzl', '__builtin_clzll',
  '__builtin_constant_p', '__builtin_copysign', '__builtin_copysignf', '__builtin_ctz', '__builtin_ctzl',
  '__builtin_ctzll', '__builtin_expect', '__builtin_expect_with_probability', '__builtin_fabs',
  '__builtin_fabsf', '__builtin_ffs', '__builtin_ffsl', '__builtin_ffsll', '__builtin_frame_address',
  '__builtin_huge_val', '__builtin_huge_valf', '__builtin_inf', '__builtin_inff', '__builtin_isfinite',
  '__builtin_isgreater', '__builtin_isgreaterequal', '__builtin_isinf', '__builtin_isinf_sign', '__builtin_isless',
  '__builtin_islessequal', '__builtin_islessgreater', '__builtin_isnan', '__builtin_isunordered', '__builtin_nans',
  '__builtin_nansf', '__builtin_object_size', '__builtin_signbitf', '__builtin_signbitl', '__builtin_mul_overflow', '__builtin_nan',
  '__builtin_nanf', '__builtin_offsetof', '__builtin_parity', '__builtin_parityl', '__builtin_parityll',
  '__builtin_popcount', '__builtin_popcountl', '__builtin_popcountll', '__builtin_prefetch',
  '__builtin_return_address', '__builtin_signbit', '__builtin_sqrt', '__builtin_sqrtf',
  '__builtin_sub_overflow', '__builtin_trap', '__builtin_types_compatible_p', '__builtin_unreachable',
  '__builtin_va_arg', '__builtin_va_copy', '__builtin_va_end', '__builtin_va_start',
]);

/**
 * The `__builtin_*` names that reach the parser from the common headers (glibc's
 * with our predefined macros, and the built-in ones): in declarations
 * (`__builtin_va_list`) and in the expansion of the macros they define (`HUGE_VAL`,
 * `isgreater`, `va_arg`, `alloca`, ...). Kept exact by
 * test/frontends/c/header-builtins.test.ts; the front end must implement each one
 * for programs using those macros to compile (see docs/c-preprocessor.md).
 */
export const HEADER_BUILTINS: readonly string[] = [
  '__builtin_alloca', '__builtin_constant_p', '__builtin_expect', '__builtin_huge_val',
  '__builtin_huge_valf', '__builtin_huge_vall', '__builtin_inf', '__builtin_inff', '__builtin_infl',
  '__builtin_isgreater', '__builtin_isgreaterequal', '__builtin_isless', '__builtin_islessequal',
  '__builtin_islessgreater', '__builtin_isunordered', '__builtin_nan', '__builtin_nanf', '__builtin_nanl',
  '__builtin_nans', '__builtin_nansf', '__builtin_nansl', '__builtin_object_size', '__builtin_offsetof',
  '__builtin_signbit', '__builtin_signbitf', '__builtin_signbitl', '__builtin_va_arg', '__builtin_va_copy',
  '__builtin_va_end', '__builtin_va_list', '__builtin_va_start',
];

/**
 * Attributes `__has_attribute(name)` reports (either spelling, `x` or `__x__`):
 * the ones the front end honours (`aligned packed noreturn unused always_inline`
 * `mode` ...) and the ones that only inform a compiler and are safe to ignore.
 * Not listed on purpose, because ignoring them would miscompile: `vector_size`,
 * `transparent_union`, `alias`, `cleanup`, `weak`, `section`.
 */
export const SUPPORTED_ATTRIBUTES: ReadonlySet<string> = new Set([
  'aligned', 'packed', 'noreturn', 'unused', 'mode', 'used', 'always_inline', 'noinline', 'gnu_inline',
  'const', 'pure', 'malloc', 'format', 'format_arg', 'nonnull', 'returns_nonnull', 'nothrow', 'leaf',
  'warn_unused_result', 'deprecated', 'cold', 'hot', 'sentinel', 'may_alias', 'artificial',
  'alloc_size', 'alloc_align', 'access', 'visibility', 'fallthrough', 'no_instrument_function',
  'noclone', 'flatten', 'optimize', 'externally_visible', 'error', 'warning',
]);

/** The attribute name without gcc's optional underscores (`__packed__` -> `packed`). */
export function attributeBaseName(name: string): string {
  return name.length > 4 && name.startsWith('__') && name.endsWith('__') ? name.slice(2, -2) : name;
}
