/**
 * The macros every translation unit starts with (`<built-in>`), for x86-64
 * Linux (LP64, glibc), and why each group is there.
 *
 * We present ourselves as **gcc 4.2 in gnu11 mode** (`__GNUC__ 4`,
 * `__GNUC_MINOR__ 2`, as clang does). glibc's headers pick their code paths
 * with `__GNUC_PREREQ(major, minor)`: claiming a recent gcc makes them use
 * `_Float128`/`_Float32x` types (gcc >= 7), `__builtin_isnan`-style generic
 * builtins (>= 4.4) and other features the front end would all have to
 * support, while claiming no gcc at all loses `__attribute__`,
 * `__extension__`, `__asm__` renaming (`scanf` -> `__isoc99_scanf`) and
 * makes ordinary programs take their least-tested paths. gcc 4.2 is the
 * oldest version that glibc and most programs still treat as a full GNU
 * compiler. The builtins this choice makes the headers use are listed in
 * `builtins.ts` (`HEADER_BUILTINS`) and docs/c.md.
 *
 * gnu11 rather than c11: no `__STRICT_ANSI__`, so glibc declares POSIX and
 * BSD functions by default (`_DEFAULT_SOURCE`) as `gcc` without `-std` does,
 * and `linux`/`unix` are defined as gcc's gnu modes define them.
 *
 * Deliberately absent: `__OPTIMIZE__` (glibc would switch to extern inline
 * definitions), `__SSE__`/`__SSE2__` (programs would include the intrinsic
 * headers), `__SIZEOF_INT128__` unless `FRONT_END.int128`, `__STDC_IEC_559_COMPLEX__`
 * (no `_Complex`, hence `__STDC_NO_COMPLEX__`), `_Float16`/`__float128` families.
 * `__NO_INLINE__` is defined as gcc defines it without optimisation.
 */
import { FRONT_END } from './builtins.js';

/** One `#define` line per fixed-width integer family member, as gcc spells them. */
function integerFamilies(): string[] {
  const out: string[] = [];
  // [gcc's name stem, type, bits, unsigned]
  const exact: Array<[string, string, number, boolean]> = [
    ['INT8', 'signed char', 8, false], ['UINT8', 'unsigned char', 8, true],
    ['INT16', 'short int', 16, false], ['UINT16', 'short unsigned int', 16, true],
    ['INT32', 'int', 32, false], ['UINT32', 'unsigned int', 32, true],
    ['INT64', 'long int', 64, false], ['UINT64', 'long unsigned int', 64, true],
  ];
  const max = (bits: number, unsigned: boolean): string => {
    const hex = '0x' + (unsigned ? 'f' : '7') + 'f'.repeat(bits / 4 - 1);
    return hex + (bits === 64 ? (unsigned ? 'UL' : 'L') : bits === 32 && unsigned ? 'U' : '');
  };
  const cSuffix = (bits: number, unsigned: boolean): string => (bits === 64 ? (unsigned ? ' ## UL' : ' ## L') : bits === 32 && unsigned ? ' ## U' : '');
  for (const [name, type, bits, unsigned] of exact) {
    out.push(`${name}_TYPE__ ${type}`, `${name}_MAX__ ${max(bits, unsigned)}`, `${name}_C(c) c${cSuffix(bits, unsigned)}`);
  }
  for (const kind of ['LEAST', 'FAST']) {
    for (const [, type, bits, unsigned] of exact) {
      // int_fastN_t for N > 8 is long on x86-64 glibc.
      const fastWide = kind === 'FAST' && bits > 8;
      const b = fastWide ? 64 : bits;
      const t = fastWide ? (unsigned ? 'long unsigned int' : 'long int') : type;
      const stem = `${unsigned ? 'UINT' : 'INT'}_${kind}${bits}`;
      out.push(`${stem}_TYPE__ ${t}`, `${stem}_MAX__ ${max(b, unsigned)}`);
      if (!unsigned) out.push(`${stem}_WIDTH__ ${b}`);
    }
  }
  out.push(
    'INTMAX_TYPE__ long int', 'INTMAX_MAX__ 0x7fffffffffffffffL', 'INTMAX_C(c) c ## L', 'INTMAX_WIDTH__ 64',
    'UINTMAX_TYPE__ long unsigned int', 'UINTMAX_MAX__ 0xffffffffffffffffUL', 'UINTMAX_C(c) c ## UL',
    'INTPTR_TYPE__ long int', 'INTPTR_MAX__ 0x7fffffffffffffffL', 'INTPTR_WIDTH__ 64',
    'UINTPTR_TYPE__ long unsigned int', 'UINTPTR_MAX__ 0xffffffffffffffffUL',
    'INT_MAX__ 0x7fffffff', 'INT_WIDTH__ 32',
  );
  return out.map((l) => `#define __${l}`);
}

const FIXED = `
#define __STDC__ 1
#define __STDC_VERSION__ 201112L
#define __STDC_HOSTED__ 1
#define __STDC_UTF_16__ 1
#define __STDC_UTF_32__ 1
#define __STDC_IEC_559__ 1
#define __STDC_ISO_10646__ 201706L
#define __STDC_NO_ATOMICS__ 1
#define __STDC_NO_COMPLEX__ 1
#define _STDC_PREDEF_H 1
#define __GNUC__ 4
#define __GNUC_MINOR__ 2
#define __GNUC_PATCHLEVEL__ 1
#define __GNUC_STDC_INLINE__ 1
#define __VERSION__ "4.2.1 Compatible jitkit"
#define __jitkit__ 1
#define __NO_INLINE__ 1
#define __USER_LABEL_PREFIX__
#define __REGISTER_PREFIX__
#define __x86_64__ 1
#define __x86_64 1
#define __amd64__ 1
#define __amd64 1
#define __linux__ 1
#define __linux 1
#define __gnu_linux__ 1
#define linux 1
#define __unix__ 1
#define __unix 1
#define unix 1
#define __ELF__ 1
#define _LP64 1
#define __LP64__ 1
#define __CHAR_BIT__ 8
#define __BIGGEST_ALIGNMENT__ 16
#define __ORDER_LITTLE_ENDIAN__ 1234
#define __ORDER_BIG_ENDIAN__ 4321
#define __ORDER_PDP_ENDIAN__ 3412
#define __BYTE_ORDER__ __ORDER_LITTLE_ENDIAN__
#define __FLOAT_WORD_ORDER__ __ORDER_LITTLE_ENDIAN__
#define __SIZEOF_SHORT__ 2
#define __SIZEOF_INT__ 4
#define __SIZEOF_LONG__ 8
#define __SIZEOF_LONG_LONG__ 8
#define __SIZEOF_POINTER__ 8
#define __SIZEOF_FLOAT__ 4
#define __SIZEOF_DOUBLE__ 8
#define __SIZEOF_LONG_DOUBLE__ 16
#define __SIZEOF_SIZE_T__ 8
#define __SIZEOF_WCHAR_T__ 4
#define __SIZEOF_WINT_T__ 4
#define __SIZEOF_PTRDIFF_T__ 8
#define __SIZE_TYPE__ long unsigned int
#define __SIZE_MAX__ 0xffffffffffffffffUL
#define __SIZE_WIDTH__ 64
#define __PTRDIFF_TYPE__ long int
#define __PTRDIFF_MAX__ 0x7fffffffffffffffL
#define __PTRDIFF_WIDTH__ 64
#define __WCHAR_TYPE__ int
#define __WCHAR_MAX__ 0x7fffffff
#define __WCHAR_MIN__ (-__WCHAR_MAX__ - 1)
#define __WCHAR_WIDTH__ 32
#define __WINT_TYPE__ unsigned int
#define __WINT_MAX__ 0xffffffffU
#define __WINT_MIN__ 0U
#define __WINT_WIDTH__ 32
#define __CHAR16_TYPE__ short unsigned int
#define __CHAR32_TYPE__ unsigned int
#define __SIG_ATOMIC_TYPE__ int
#define __SIG_ATOMIC_MAX__ 0x7fffffff
#define __SIG_ATOMIC_MIN__ (-__SIG_ATOMIC_MAX__ - 1)
#define __SIG_ATOMIC_WIDTH__ 32
#define __SCHAR_MAX__ 0x7f
#define __SCHAR_WIDTH__ 8
#define __SHRT_MAX__ 0x7fff
#define __SHRT_WIDTH__ 16
#define __LONG_MAX__ 0x7fffffffffffffffL
#define __LONG_WIDTH__ 64
#define __LONG_LONG_MAX__ 0x7fffffffffffffffLL
#define __LONG_LONG_WIDTH__ 64
#define __FLT_EVAL_METHOD__ 0
#define __FLT_EVAL_METHOD_TS_18661_3__ 0
#define __FLT_RADIX__ 2
#define __FLT_MANT_DIG__ 24
#define __FLT_DIG__ 6
#define __FLT_MIN_EXP__ (-125)
#define __FLT_MIN_10_EXP__ (-37)
#define __FLT_MAX_EXP__ 128
#define __FLT_MAX_10_EXP__ 38
#define __FLT_DECIMAL_DIG__ 9
#define __FLT_MAX__ 3.40282346638528859811704183484516925e+38F
#define __FLT_MIN__ 1.17549435082228750796873653722224568e-38F
#define __FLT_EPSILON__ 1.19209289550781250000000000000000000e-7F
#define __FLT_DENORM_MIN__ 1.40129846432481707092372958328991613e-45F
#define __FLT_HAS_DENORM__ 1
#define __FLT_HAS_INFINITY__ 1
#define __FLT_HAS_QUIET_NAN__ 1
#define __DBL_MANT_DIG__ 53
#define __DBL_DIG__ 15
#define __DBL_MIN_EXP__ (-1021)
#define __DBL_MIN_10_EXP__ (-307)
#define __DBL_MAX_EXP__ 1024
#define __DBL_MAX_10_EXP__ 308
#define __DBL_DECIMAL_DIG__ 17
#define __DBL_MAX__ ((double)1.79769313486231570814527423731704357e+308)
#define __DBL_MIN__ ((double)2.22507385850720138309023271733240406e-308)
#define __DBL_EPSILON__ ((double)2.22044604925031308084726333618164062e-16)
#define __DBL_DENORM_MIN__ ((double)4.94065645841246544176568792868221372e-324)
#define __DBL_HAS_DENORM__ 1
#define __DBL_HAS_INFINITY__ 1
#define __DBL_HAS_QUIET_NAN__ 1
#define __LDBL_MANT_DIG__ 64
#define __LDBL_DIG__ 18
#define __LDBL_MIN_EXP__ (-16381)
#define __LDBL_MIN_10_EXP__ (-4931)
#define __LDBL_MAX_EXP__ 16384
#define __LDBL_MAX_10_EXP__ 4932
#define __LDBL_DECIMAL_DIG__ 21
#define __LDBL_MAX__ 1.18973149535723176502126385303097021e+4932L
#define __LDBL_MIN__ 3.36210314311209350626267781732175260e-4932L
#define __LDBL_EPSILON__ 1.08420217248550443400745280086994171e-19L
#define __LDBL_DENORM_MIN__ 3.64519953188247460252840593361941982e-4951L
#define __LDBL_HAS_DENORM__ 1
#define __LDBL_HAS_INFINITY__ 1
#define __LDBL_HAS_QUIET_NAN__ 1
`;

/** The text of `<built-in>`: `#define` lines for every predefined macro (the computed ones, `__FILE__` etc., are built into the preprocessor). */
export function predefinedMacrosText(): string {
  const lines = [FIXED.trim(), ...integerFamilies()];
  if (FRONT_END.int128) lines.push('#define __SIZEOF_INT128__ 16');
  return lines.join('\n') + '\n';
}
