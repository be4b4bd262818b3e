/* jitkit built-in <stdio.h> (used when the system has no libc headers): the
   ISO C functions and a few POSIX ones, declared with glibc's x86-64 ABI. FILE
   is opaque; stdin/stdout/stderr are glibc's exported FILE * variables. */
#ifndef _STDIO_H
#define _STDIO_H 1

#define __need_size_t
#define __need_NULL
#include <stddef.h>
#define __need___va_list
#include <stdarg.h>

typedef struct _IO_FILE FILE;

/* glibc's __fpos_t: the offset and the multibyte conversion state (16 bytes). */
typedef struct {
  long int __pos;
  struct {
    int __count;
    union { unsigned int __wch; char __wchb[4]; } __value;
  } __state;
} fpos_t;

#ifndef __off_t_defined
#define __off_t_defined
typedef long int off_t;
#endif
#ifndef __ssize_t_defined
#define __ssize_t_defined
typedef long int ssize_t;
#endif

#define _IOFBF 0
#define _IOLBF 1
#define _IONBF 2
#define BUFSIZ 8192
#define EOF (-1)
#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2
#define P_tmpdir "/tmp"
#define L_tmpnam 20
#define TMP_MAX 238328
#define FILENAME_MAX 4096
#define FOPEN_MAX 16
#define L_ctermid 9

extern FILE *stdin;
extern FILE *stdout;
extern FILE *stderr;
#define stdin stdin
#define stdout stdout
#define stderr stderr

extern int remove (const char *__filename);
extern int rename (const char *__old, const char *__new);
extern FILE *tmpfile (void);
extern char *tmpnam (char *__s);
extern int fclose (FILE *__stream);
extern int fflush (FILE *__stream);
extern FILE *fopen (const char *restrict __filename, const char *restrict __modes);
extern FILE *freopen (const char *restrict __filename, const char *restrict __modes, FILE *restrict __stream);
extern FILE *fdopen (int __fd, const char *__modes);
extern FILE *fmemopen (void *__s, size_t __len, const char *__modes);
extern void setbuf (FILE *restrict __stream, char *restrict __buf);
extern int setvbuf (FILE *restrict __stream, char *restrict __buf, int __modes, size_t __n);

extern int fprintf (FILE *restrict __stream, const char *restrict __format, ...);
extern int printf (const char *restrict __format, ...);
extern int sprintf (char *restrict __s, const char *restrict __format, ...);
extern int snprintf (char *restrict __s, size_t __maxlen, const char *restrict __format, ...);
extern int vfprintf (FILE *restrict __s, const char *restrict __format, __gnuc_va_list __arg);
extern int vprintf (const char *restrict __format, __gnuc_va_list __arg);
extern int vsprintf (char *restrict __s, const char *restrict __format, __gnuc_va_list __arg);
extern int vsnprintf (char *restrict __s, size_t __maxlen, const char *restrict __format, __gnuc_va_list __arg);
extern int dprintf (int __fd, const char *restrict __fmt, ...);
extern int vdprintf (int __fd, const char *restrict __fmt, __gnuc_va_list __arg);

/* As glibc in C99 and later modes: the scanf family binds to the ISO C variants. */
extern int fscanf (FILE *restrict __stream, const char *restrict __format, ...) __asm__ ("__isoc99_fscanf");
extern int scanf (const char *restrict __format, ...) __asm__ ("__isoc99_scanf");
extern int sscanf (const char *restrict __s, const char *restrict __format, ...) __asm__ ("__isoc99_sscanf");
extern int vfscanf (FILE *restrict __s, const char *restrict __format, __gnuc_va_list __arg) __asm__ ("__isoc99_vfscanf");
extern int vscanf (const char *restrict __format, __gnuc_va_list __arg) __asm__ ("__isoc99_vscanf");
extern int vsscanf (const char *restrict __s, const char *restrict __format, __gnuc_va_list __arg) __asm__ ("__isoc99_vsscanf");

extern int fgetc (FILE *__stream);
extern int getc (FILE *__stream);
extern int getchar (void);
extern int fputc (int __c, FILE *__stream);
extern int putc (int __c, FILE *__stream);
extern int putchar (int __c);
extern char *fgets (char *restrict __s, int __n, FILE *restrict __stream);
extern int fputs (const char *restrict __s, FILE *restrict __stream);
extern int puts (const char *__s);
extern int ungetc (int __c, FILE *__stream);
extern ssize_t getdelim (char **restrict __lineptr, size_t *restrict __n, int __delimiter, FILE *restrict __stream);
extern ssize_t getline (char **restrict __lineptr, size_t *restrict __n, FILE *restrict __stream);

extern size_t fread (void *restrict __ptr, size_t __size, size_t __n, FILE *restrict __stream);
extern size_t fwrite (const void *restrict __ptr, size_t __size, size_t __n, FILE *restrict __s);

extern int fseek (FILE *__stream, long int __off, int __whence);
extern long int ftell (FILE *__stream);
extern void rewind (FILE *__stream);
extern int fseeko (FILE *__stream, off_t __off, int __whence);
extern off_t ftello (FILE *__stream);
extern int fgetpos (FILE *restrict __stream, fpos_t *restrict __pos);
extern int fsetpos (FILE *__stream, const fpos_t *__pos);

extern void clearerr (FILE *__stream);
extern int feof (FILE *__stream);
extern int ferror (FILE *__stream);
extern void perror (const char *__s);
extern int fileno (FILE *__stream);
extern FILE *popen (const char *__command, const char *__modes);
extern int pclose (FILE *__stream);

#endif
