/* jitkit built-in <string.h> (used when the system has no libc headers): the
   ISO C functions and common POSIX ones, declared as glibc exports them. */
#ifndef _STRING_H
#define _STRING_H 1

#define __need_size_t
#define __need_NULL
#include <stddef.h>

extern void *memcpy (void *restrict __dest, const void *restrict __src, size_t __n);
extern void *memmove (void *__dest, const void *__src, size_t __n);
extern void *memset (void *__s, int __c, size_t __n);
extern int memcmp (const void *__s1, const void *__s2, size_t __n);
extern void *memchr (const void *__s, int __c, size_t __n);
extern void *memccpy (void *restrict __dest, const void *restrict __src, int __c, size_t __n);

extern char *strcpy (char *restrict __dest, const char *restrict __src);
extern char *strncpy (char *restrict __dest, const char *restrict __src, size_t __n);
extern char *strcat (char *restrict __dest, const char *restrict __src);
extern char *strncat (char *restrict __dest, const char *restrict __src, size_t __n);
extern int strcmp (const char *__s1, const char *__s2);
extern int strncmp (const char *__s1, const char *__s2, size_t __n);
extern int strcoll (const char *__s1, const char *__s2);
extern size_t strxfrm (char *restrict __dest, const char *restrict __src, size_t __n);
extern char *strchr (const char *__s, int __c);
extern char *strrchr (const char *__s, int __c);
extern size_t strcspn (const char *__s, const char *__reject);
extern size_t strspn (const char *__s, const char *__accept);
extern char *strpbrk (const char *__s, const char *__accept);
extern char *strstr (const char *__haystack, const char *__needle);
extern char *strtok (char *restrict __s, const char *restrict __delim);
extern char *strtok_r (char *restrict __s, const char *restrict __delim, char **restrict __save_ptr);
extern size_t strlen (const char *__s);
extern size_t strnlen (const char *__string, size_t __maxlen);
extern char *strerror (int __errnum);
/* The XSI strerror_r (int result), as glibc gives it without _GNU_SOURCE. */
extern int strerror_r (int __errnum, char *__buf, size_t __buflen) __asm__ ("__xpg_strerror_r");
extern char *strdup (const char *__s);
extern char *strndup (const char *__string, size_t __n);
extern char *stpcpy (char *restrict __dest, const char *restrict __src);
extern char *strsignal (int __sig);
extern int strcasecmp (const char *__s1, const char *__s2);
extern int strncasecmp (const char *__s1, const char *__s2, size_t __n);

#endif
