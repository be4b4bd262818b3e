/* jitkit built-in <assert.h> (used when the system has no libc headers). Like
   glibc's, it may be included again with NDEBUG changed; a failure calls
   glibc's __assert_fail, which prints "prog: file:line: func: Assertion `expr' failed." */
#undef assert
#ifdef NDEBUG
#define assert(expr) ((void) 0)
#else
extern void __assert_fail (const char *__assertion, const char *__file, unsigned int __line, const char *__function) __attribute__ ((__noreturn__));
#define assert(expr) ((expr) ? (void) 0 : __assert_fail (#expr, __FILE__, __LINE__, __func__))
#endif

#ifndef _ASSERT_H
#define _ASSERT_H 1
#define static_assert _Static_assert
#endif
