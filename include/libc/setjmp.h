/* jitkit built-in <setjmp.h> (used when the system has no libc headers):
   glibc's x86-64 jmp_buf (200 bytes: 8 saved registers, a flag and a signal
   mask). setjmp is glibc's _setjmp, which does not save the signal mask. */
#ifndef _SETJMP_H
#define _SETJMP_H 1

typedef long int __jmp_buf[8];
typedef struct { unsigned long int __val[1024 / (8 * sizeof (unsigned long int))]; } __jmp_buf_sigset_t;
struct __jmp_buf_tag {
  __jmp_buf __jmpbuf;
  int __mask_was_saved;
  __jmp_buf_sigset_t __saved_mask;
};
typedef struct __jmp_buf_tag jmp_buf[1];
typedef struct __jmp_buf_tag sigjmp_buf[1];

extern int setjmp (jmp_buf __env);
extern int _setjmp (struct __jmp_buf_tag __env[1]);
extern int __sigsetjmp (struct __jmp_buf_tag __env[1], int __savemask);
#define setjmp(env) _setjmp (env)
#define sigsetjmp(env, savemask) __sigsetjmp (env, savemask)

extern void longjmp (struct __jmp_buf_tag __env[1], int __val) __attribute__ ((__noreturn__));
extern void _longjmp (struct __jmp_buf_tag __env[1], int __val) __attribute__ ((__noreturn__));
extern void siglongjmp (sigjmp_buf __env, int __val) __attribute__ ((__noreturn__));

#endif
