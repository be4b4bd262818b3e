/* jitkit <limits.h>: C11 5.2.4.2.1 for x86-64 Linux (LP64, signed char).
   With the system's headers, glibc's <limits.h> follows for the POSIX limits
   (PATH_MAX, SSIZE_MAX, ...); _GCC_LIMITS_H_ tells it this part is done. */
#ifndef _JITKIT_LIMITS_H
#define _JITKIT_LIMITS_H
#define _GCC_LIMITS_H_

#define CHAR_BIT 8
#define SCHAR_MIN (-128)
#define SCHAR_MAX 127
#define UCHAR_MAX 255
#define CHAR_MIN SCHAR_MIN
#define CHAR_MAX SCHAR_MAX
#define MB_LEN_MAX 16
#define SHRT_MIN (-32768)
#define SHRT_MAX 32767
#define USHRT_MAX 65535
#define INT_MIN (-INT_MAX - 1)
#define INT_MAX 2147483647
#define UINT_MAX 4294967295U
#define LONG_MIN (-LONG_MAX - 1L)
#define LONG_MAX 9223372036854775807L
#define ULONG_MAX 18446744073709551615UL
#define LLONG_MIN (-LLONG_MAX - 1LL)
#define LLONG_MAX 9223372036854775807LL
#define ULLONG_MAX 18446744073709551615ULL

#if __has_include_next(<limits.h>)
#include_next <limits.h>
#endif

#endif
