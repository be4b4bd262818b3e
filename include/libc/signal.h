/* jitkit built-in <signal.h> (used when the system has no libc headers): ISO C
   signal handling with Linux x86-64 signal numbers. */
#ifndef _SIGNAL_H
#define _SIGNAL_H 1

typedef int sig_atomic_t;
typedef void (*__sighandler_t) (int);
#ifndef __pid_t_defined
#define __pid_t_defined
typedef int pid_t;
#endif

#define SIG_ERR ((__sighandler_t) -1)
#define SIG_DFL ((__sighandler_t) 0)
#define SIG_IGN ((__sighandler_t) 1)

#define SIGHUP 1
#define SIGINT 2
#define SIGQUIT 3
#define SIGILL 4
#define SIGTRAP 5
#define SIGABRT 6
#define SIGIOT 6
#define SIGBUS 7
#define SIGFPE 8
#define SIGKILL 9
#define SIGUSR1 10
#define SIGSEGV 11
#define SIGUSR2 12
#define SIGPIPE 13
#define SIGALRM 14
#define SIGTERM 15
#define SIGSTKFLT 16
#define SIGCHLD 17
#define SIGCONT 18
#define SIGSTOP 19
#define SIGTSTP 20
#define SIGTTIN 21
#define SIGTTOU 22
#define SIGURG 23
#define SIGXCPU 24
#define SIGXFSZ 25
#define SIGVTALRM 26
#define SIGPROF 27
#define SIGWINCH 28
#define SIGIO 29
#define SIGPOLL SIGIO
#define SIGPWR 30
#define SIGSYS 31
#define NSIG 65

extern __sighandler_t signal (int __sig, __sighandler_t __handler);
extern int raise (int __sig);
extern int kill (pid_t __pid, int __sig);

#endif
