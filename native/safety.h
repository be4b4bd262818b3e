// jitkit native addon: what keeps jitted code from taking the process down.
//
//   threads.c  per-thread state (stack bounds, alternate signal stack, pending
//              interrupt reasons), interrupts from any thread, timeouts, the
//              watchdog thread (re-delivery, long-call termination checks),
//              SIGINT/SIGTERM hooks, and the safepoint's decision
//   faults.c   the registry of code ranges, the SIGSEGV/SIGBUS/SIGFPE/SIGILL/SIGTRAP
//              handler, the interrupt signal's handler (asynchronous preemption),
//              and the guarded call every invoke goes through
//
// Terms. A *guarded call* is one call from JS into native code through
// jk_guarded_call: it records the stack pointer to return to when a fault in
// jitkit's code cannot be unwound by a module's own trap handler. A *code
// range* is registered machine code: a CodeMemory region (any code jitkit
// placed) or a compiled module's allocation (which also names its fault entry,
// the glue that unwinds to the module's entry trampoline).
//
// Interrupting running code costs it nothing while nobody interrupts: there are
// no polls. A request (interrupt(), a timeout, SIGINT, a termination check)
// records a reason and sends JK_INTERRUPT_SIGNAL to the thread. Its handler
// looks at the interrupted PC: in a compiled module's code, it makes the code
// call jk_async_safepoint (as if the interrupted instruction had been a call),
// which saves every register and flag, asks jk_safepoint, and either resumes
// or traps `interrupted` through the module's trap handler; in other jitkit code
// it unwinds to the guarded call; elsewhere (C code the jitted code called, the
// addon) it does nothing, and the watchdog sends the signal again a tick later.
#ifndef JITKIT_SAFETY_H
#define JITKIT_SAFETY_H

#define _GNU_SOURCE
#include <node_api.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

// The prebuilt addon runs on glibc 2.28 and later: bind the pthread functions glibc 2.32/2.34
// moved into libc (with new symbol versions) to their original versions, which libc keeps.
#if defined(__GLIBC__) && defined(__x86_64__)
__asm__(".symver pthread_create,pthread_create@GLIBC_2.2.5");
__asm__(".symver pthread_once,pthread_once@GLIBC_2.2.5");
__asm__(".symver pthread_sigmask,pthread_sigmask@GLIBC_2.2.5");
__asm__(".symver pthread_getattr_np,pthread_getattr_np@GLIBC_2.2.5");
__asm__(".symver pthread_attr_getstack,pthread_attr_getstack@GLIBC_2.2.5");
__asm__(".symver pthread_attr_setstacksize,pthread_attr_setstacksize@GLIBC_2.2.5");
#endif

// Trap codes shared with src/ir/opcodes.ts TrapCode (test/runtime/faults.test.ts checks them).
enum {
  JK_TRAP_INT_DIVZ = 1,
  JK_TRAP_INT_OVF = 2,
  JK_TRAP_HEAP_OOB = 4,
  JK_TRAP_STK_OVF = 5,
  JK_TRAP_ILLEGAL = 8,
  JK_TRAP_BREAKPOINT = 9,
  JK_TRAP_INTERRUPTED = 10,
};

// Why a thread's jitted code is asked to stop (bits of jk_thread.reasons).
enum {
  JK_REASON_INTERRUPT = 1, // interrupt() from any thread
  JK_REASON_TIMEOUT = 2,   // a call's timeoutMs expired
  JK_REASON_SIGNAL = 4,    // SIGINT or SIGTERM with a JS listener
  JK_REASON_TERMINATE = 8, // the worker is being terminated (found by a check)
  JK_REASON_CHECK = 16,    // the watchdog asks the thread to look for termination
  JK_REASONS_STOP = JK_REASON_INTERRUPT | JK_REASON_TIMEOUT | JK_REASON_SIGNAL | JK_REASON_TERMINATE,
};

// Bytes kept free below the stack floor jitted code may reach: C functions that
// jitted code calls and the safepoint's call into V8 run there.
#define JK_STACK_MARGIN (64 * 1024)

// The signal that interrupts a thread's jitted code (sent by interrupt(), the
// SIGINT hook and the watchdog, and by each thread's timeout timer).
#define JK_INTERRUPT_SIGNAL (SIGRTMAX - 2)

// A module range whose fault entry has this bit set is never preempted: its
// code runs until it returns (compile(m, { interruptible: false })).
#define JK_RANGE_NO_PREEMPT ((uintptr_t)1)

/**
 * One registered JS thread (main thread or worker). The first fields sit at fixed
 * offsets: the assembly in faults.c reads them (checked by static asserts there).
 */
struct jk_thread {
  uintptr_t guard_rsp;    // +0  stack pointer to recover to (0: no guarded call)
  int32_t fault_code;     // +8  the last fault or unwound trap (0: none), set by the handler
  int32_t fault_signal;   // +12 its signal (0: a trap or interrupt unwound without a trap frame)
  uintptr_t fault_addr;   // +16 si_addr of a SIGSEGV/SIGBUS
  uintptr_t fault_pc;     // +24 where it happened
  uintptr_t async_entry;  // +32 the preempted module's trap handler (jk_async_safepoint traps there)
  // Written by other threads (the watchdog, interrupters, signal handlers).
  _Atomic uint32_t reasons;
  // Owned by the thread; read racily by the watchdog.
  uint32_t depth;         // guarded calls in progress
  uint64_t calls;         // guarded calls started so far
  uint64_t stop_call;     // `calls` when an interrupt or signal asked to stop (older: stale)
  uintptr_t stack_low, stack_high;
  pid_t tid;
  // Bookkeeping (under the thread list's lock).
  struct jk_thread *next;
  int32_t id;
  int32_t refs;
  bool is_main;
  void *altstack;          // ours, or NULL when the thread had one already
  size_t altstack_size;
  uint64_t watch_calls;    // the watchdog's view of `calls` at its last tick
  int watch_ticks;
  // Timeouts: a POSIX timer that signals this thread (JK_INTERRUPT_SIGNAL).
  int timer; // the kernel's timer id (timer_create by system call)
  bool has_timer;
  int64_t timer_ticket;    // the armed timeout's ticket (0: not armed)
  // The thread's JS environment (safepoint termination checks).
  napi_env env;
  napi_ref noop;
};

// initial-exec TLS (one fs-relative load, the same offset on every thread) where the C
// library allows it in a dlopen'ed library (glibc); musl refuses to load such a library,
// so there the default model is used and entry trampolines get no stack floor.
#if defined(__GLIBC__) && !defined(JK_NO_INITIAL_EXEC) // (defined: tests the other path on glibc)
#define JK_TLS_MODEL __attribute__((tls_model("initial-exec")))
#define JK_TLS_FLOOR 1
#else
#define JK_TLS_MODEL
#define JK_TLS_FLOOR 0
#endif

// The current thread's state (NULL on threads jitkit never saw).
extern __thread struct jk_thread *jk_self JK_TLS_MODEL;
// The lowest stack address jitted code on this thread may reach (0: unknown).
// Entry trampolines read it directly (fs:[tpoff]) where JK_TLS_FLOOR.
extern __thread uintptr_t jk_stack_floor JK_TLS_MODEL;
// jk_self, for the assembly of faults.c where TLS is not initial-exec (preserves rdi).
struct jk_thread *jk_current_thread(void);

// threads.c
struct jk_thread *jk_thread_register(napi_env env);
void jk_thread_unregister(void *thread);
bool jk_interrupt(int32_t id, uint32_t reason);
uint32_t jk_take_interrupt(void);
int64_t jk_arm_timeout(uint32_t ms);
void jk_disarm_timeout(int64_t ticket);
void jk_assert_signal_hooks(void);
void jk_watchdog_wake_if_idle(void);
int jk_safepoint(void);
bool jk_interrupt_signal_ready(void);
extern atomic_bool jk_watchdog_idle;

// faults.c
void jk_faults_install(void);
void jk_on_interrupt_signal(int sig, siginfo_t *si, void *uc);
int32_t jk_register_range(uintptr_t start, uintptr_t end, uintptr_t fault_entry);
void jk_unregister_range(int32_t id);
uint64_t jk_guarded_call(uint64_t *buffer, uintptr_t thunk, uintptr_t *guard);
double jk_guarded_call_f64(uint64_t *buffer, uintptr_t thunk, uintptr_t *guard);
float jk_guarded_call_f32(uint64_t *buffer, uintptr_t thunk, uintptr_t *guard);
void jk_module_unwind(void);

#endif
