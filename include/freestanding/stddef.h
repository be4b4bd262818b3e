/* jitkit <stddef.h>: C11 7.19 for x86-64 Linux (LP64).
   Also answers glibc's partial requests: a header that defines __need_size_t,
   __need_ptrdiff_t, __need_wchar_t, __need_wint_t, __need_NULL or
   __need_max_align_t before including <stddef.h> gets only those. */

#if !defined __need_size_t && !defined __need_ptrdiff_t && !defined __need_wchar_t \
    && !defined __need_wint_t && !defined __need_NULL && !defined __need_max_align_t
#define __jitkit_stddef_all
#define _STDDEF_H
#define _STDDEF_H_
#define _ANSI_STDDEF_H
#endif

#if defined __jitkit_stddef_all || defined __need_size_t
#ifndef __jitkit_size_t
#define __jitkit_size_t
typedef __SIZE_TYPE__ size_t;
#endif
#endif

#if defined __jitkit_stddef_all || defined __need_ptrdiff_t
#ifndef __jitkit_ptrdiff_t
#define __jitkit_ptrdiff_t
typedef __PTRDIFF_TYPE__ ptrdiff_t;
#endif
#endif

#if defined __jitkit_stddef_all || defined __need_wchar_t
#ifndef __jitkit_wchar_t
#define __jitkit_wchar_t
typedef __WCHAR_TYPE__ wchar_t;
#endif
#endif

#if defined __need_wint_t
#ifndef __jitkit_wint_t
#define __jitkit_wint_t
typedef __WINT_TYPE__ wint_t;
#endif
#endif

#if defined __jitkit_stddef_all || defined __need_NULL
#undef NULL
#define NULL ((void *)0)
#endif

#if defined __jitkit_stddef_all || defined __need_max_align_t
#ifndef __jitkit_max_align_t
#define __jitkit_max_align_t
/* 32 bytes, 16-byte aligned, as gcc's (whose second member is a long double). */
typedef struct {
  _Alignas(16) long long __max_align_ll;
  _Alignas(16) long long __max_align_ld[2];
} max_align_t;
#endif
#endif

#ifdef __jitkit_stddef_all
#undef offsetof
#define offsetof(type, member) __builtin_offsetof(type, member)
#endif

#undef __jitkit_stddef_all
#undef __need_size_t
#undef __need_ptrdiff_t
#undef __need_wchar_t
#undef __need_wint_t
#undef __need_NULL
#undef __need_max_align_t
