/* jitkit built-in <ctype.h> (used when the system has no libc headers): the
   classification functions glibc exports (no table-lookup macros). */
#ifndef _CTYPE_H
#define _CTYPE_H 1

extern int isalnum (int);
extern int isalpha (int);
extern int isblank (int);
extern int iscntrl (int);
extern int isdigit (int);
extern int isgraph (int);
extern int islower (int);
extern int isprint (int);
extern int ispunct (int);
extern int isspace (int);
extern int isupper (int);
extern int isxdigit (int);
extern int tolower (int __c);
extern int toupper (int __c);
extern int isascii (int __c);
extern int toascii (int __c);

#endif
