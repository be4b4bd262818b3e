/* jitkit built-in <stdlib.h> (used when the system has no libc headers): the
   ISO C functions and a few POSIX ones, declared with glibc's x86-64 ABI. */
#ifndef _STDLIB_H
#define _STDLIB_H 1

#define __need_size_t
#define __need_wchar_t
#define __need_NULL
#include <stddef.h>

typedef struct { int quot; int rem; } div_t;
typedef struct { long int quot; long int rem; } ldiv_t;
typedef struct { long long int quot; long long int rem; } lldiv_t;

#define RAND_MAX 2147483647
#define EXIT_FAILURE 1
#define EXIT_SUCCESS 0
extern size_t __ctype_get_mb_cur_max (void);
#define MB_CUR_MAX (__ctype_get_mb_cur_max ())

extern double atof (const char *__nptr);
extern int atoi (const char *__nptr);
extern long int atol (const char *__nptr);
extern long long int atoll (const char *__nptr);
extern double strtod (const char *restrict __nptr, char **restrict __endptr);
extern float strtof (const char *restrict __nptr, char **restrict __endptr);
extern long double strtold (const char *restrict __nptr, char **restrict __endptr);
extern long int strtol (const char *restrict __nptr, char **restrict __endptr, int __base);
extern unsigned long int strtoul (const char *restrict __nptr, char **restrict __endptr, int __base);
extern long long int strtoll (const char *restrict __nptr, char **restrict __endptr, int __base);
extern unsigned long long int strtoull (const char *restrict __nptr, char **restrict __endptr, int __base);

extern int rand (void);
extern void srand (unsigned int __seed);
extern long int random (void);
extern void srandom (unsigned int __seed);

extern void *malloc (size_t __size);
extern void *calloc (size_t __nmemb, size_t __size);
extern void *realloc (void *__ptr, size_t __size);
extern void free (void *__ptr);
extern void *aligned_alloc (size_t __alignment, size_t __size);
extern int posix_memalign (void **__memptr, size_t __alignment, size_t __size);

extern _Noreturn void abort (void);
extern int atexit (void (*__func) (void));
extern int at_quick_exit (void (*__func) (void));
extern _Noreturn void exit (int __status);
extern _Noreturn void quick_exit (int __status);
extern _Noreturn void _Exit (int __status);

extern char *getenv (const char *__name);
extern int setenv (const char *__name, const char *__value, int __replace);
extern int unsetenv (const char *__name);
extern int putenv (char *__string);
extern int system (const char *__command);
extern char *realpath (const char *restrict __name, char *restrict __resolved);
extern int mkstemp (char *__template);

extern void *bsearch (const void *__key, const void *__base, size_t __nmemb, size_t __size, int (*__compar) (const void *, const void *));
extern void qsort (void *__base, size_t __nmemb, size_t __size, int (*__compar) (const void *, const void *));

extern int abs (int __x) __attribute__ ((__const__));
extern long int labs (long int __x) __attribute__ ((__const__));
extern long long int llabs (long long int __x) __attribute__ ((__const__));
extern div_t div (int __numer, int __denom) __attribute__ ((__const__));
extern ldiv_t ldiv (long int __numer, long int __denom) __attribute__ ((__const__));
extern lldiv_t lldiv (long long int __numer, long long int __denom) __attribute__ ((__const__));

extern int mblen (const char *__s, size_t __n);
extern int mbtowc (wchar_t *restrict __pwc, const char *restrict __s, size_t __n);
extern int wctomb (char *__s, wchar_t __wchar);
extern size_t mbstowcs (wchar_t *restrict __pwcs, const char *restrict __s, size_t __n);
extern size_t wcstombs (char *restrict __s, const wchar_t *restrict __pwcs, size_t __n);

#endif
