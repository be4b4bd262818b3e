/* jitkit <stdarg.h>: C11 7.16. va_list is the System V x86-64 va_list
   (__builtin_va_list, 24 bytes); the macros are the front end's builtins.
   glibc's <stdio.h> defines __need___va_list to get just __gnuc_va_list. */

#ifndef __jitkit_gnuc_va_list
#define __jitkit_gnuc_va_list
#define __GNUC_VA_LIST
typedef __builtin_va_list __gnuc_va_list;
#endif

#ifndef __need___va_list
#ifndef _STDARG_H
#define _STDARG_H
#define _ANSI_STDARG_H_

typedef __gnuc_va_list va_list;
#define _VA_LIST_DEFINED
#define _VA_LIST
#define _VA_LIST_

#define va_start(ap, last) __builtin_va_start(ap, last)
#define va_arg(ap, type) __builtin_va_arg(ap, type)
#define va_end(ap) __builtin_va_end(ap)
#define va_copy(dest, src) __builtin_va_copy(dest, src)
#define __va_copy(dest, src) __builtin_va_copy(dest, src)

#endif
#endif
#undef __need___va_list
