// jitkit native addon: per-thread state, interrupts, timeouts, the watchdog, signal hooks.
//
// Every JS thread that loads the addon (the main thread, each worker) is
// registered here: its real stack bounds (pthread_getattr_np), an alternate
// signal stack (so a stack-overflow fault can be handled), its pending interrupt
// reasons, and its thread id, to which JK_INTERRUPT_SIGNAL is sent.
//
// Stopping running jitted code (safety.h explains the preemption itself):
//   interrupt(id)         any thread: records the reason, signals the thread
//   timeouts              a per-thread POSIX timer signals the thread itself
//   SIGINT / SIGTERM      when JS listens for the signal (libuv's handler is
//                         installed), the hook signals the main thread, then chains
//   worker.terminate()    V8's TerminateExecution cannot reach native code that never
//                         returns; the watchdog marks a worker whose call has run for a
//                         tick (JK_REASON_CHECK) and the safepoint calls a JS no-op
//                         there: a terminating isolate refuses it, and the call unwinds.
// The watchdog also signals again a thread whose request arrived while it was not in
// jitted code (in C code the jitted code called, say): every tick until it is.
#include "safety.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

__thread struct jk_thread *jk_self JK_TLS_MODEL;
__thread uintptr_t jk_stack_floor JK_TLS_MODEL;

struct jk_thread *jk_current_thread(void) {
  return jk_self;
}

// The thread list and the watchdog share one lock.
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static struct jk_thread *threads;
static int32_t next_thread_id = 1;
static _Atomic(struct jk_thread *) main_thread;
static bool watchdog_started;
atomic_bool jk_watchdog_idle;
static _Atomic int64_t next_ticket = 1;

#define ALTSTACK_SIZE (64 * 1024)
// The watchdog's period while a guarded call is running somewhere.
#define TICK_NS (5 * 1000 * 1000)
// Idle ticks before the watchdog stops ticking (the next guarded call wakes it).
#define IDLE_TICKS 20

// ---------------------------------------------------------------------------
// The interrupt signal

static atomic_int signal_state; // 0: not installed yet, 1: ours, -1: another handler owns it

// Installs the handler if nobody else uses the signal (async-signal-unsafe: at registration).
static void install_interrupt_signal(void) {
  if (atomic_load(&signal_state) != 0) return;
  struct sigaction cur;
  int state = -1;
  if (sigaction(JK_INTERRUPT_SIGNAL, NULL, &cur) == 0 && !(cur.sa_flags & SA_SIGINFO) && cur.sa_handler == SIG_DFL) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = jk_on_interrupt_signal;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART;
    sigemptyset(&sa.sa_mask);
    if (sigaction(JK_INTERRUPT_SIGNAL, &sa, NULL) == 0) state = 1;
  }
  atomic_store(&signal_state, state);
}

bool jk_interrupt_signal_ready(void) {
  return atomic_load(&signal_state) > 0;
}

// Records `reason` for `t`'s current call and signals it. Async-signal-safe.
static void request(struct jk_thread *t, uint32_t reason) {
  if (reason & (JK_REASON_INTERRUPT | JK_REASON_SIGNAL)) t->stop_call = __atomic_load_n(&t->calls, __ATOMIC_RELAXED);
  atomic_fetch_or(&t->reasons, reason);
  if (jk_interrupt_signal_ready()) syscall(SYS_tgkill, getpid(), t->tid, JK_INTERRUPT_SIGNAL);
}

// ---------------------------------------------------------------------------
// Registration

static void stack_bounds(struct jk_thread *t) {
  pthread_attr_t attr;
  void *addr = NULL;
  size_t size = 0;
  if (pthread_getattr_np(pthread_self(), &attr) == 0) {
    pthread_attr_getstack(&attr, &addr, &size);
    pthread_attr_destroy(&attr);
  }
  t->stack_low = (uintptr_t)addr;
  t->stack_high = (uintptr_t)addr + size;
}

static void install_altstack(struct jk_thread *t) {
  stack_t old;
  if (sigaltstack(NULL, &old) == 0 && !(old.ss_flags & SS_DISABLE)) return; // the thread has one
  size_t page = (size_t)sysconf(_SC_PAGESIZE);
  size_t size = ALTSTACK_SIZE + page;
  char *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return; // faults on an exhausted stack then kill the thread, as before
  mprotect(p, page, PROT_NONE); // guard page below the signal stack
  stack_t ss = {.ss_sp = p + page, .ss_size = ALTSTACK_SIZE, .ss_flags = 0};
  if (sigaltstack(&ss, NULL) != 0) {
    munmap(p, size);
    return;
  }
  t->altstack = p;
  t->altstack_size = size;
}

static void start_watchdog_locked(void);

struct jk_thread *jk_thread_register(napi_env env) {
  struct jk_thread *t = jk_self;
  if (t != NULL) {
    pthread_mutex_lock(&lock);
    t->refs++;
    pthread_mutex_unlock(&lock);
    return t;
  }
  t = calloc(1, sizeof *t);
  if (t == NULL) return NULL;
  t->env = env;
  t->refs = 1;
  t->tid = (pid_t)syscall(SYS_gettid);
  t->is_main = getpid() == t->tid;
  stack_bounds(t);
  install_altstack(t);
  jk_faults_install();
  pthread_mutex_lock(&lock);
  install_interrupt_signal();
  t->id = next_thread_id++;
  t->next = threads;
  threads = t;
  if (t->is_main) atomic_store(&main_thread, t);
  start_watchdog_locked();
  pthread_mutex_unlock(&lock);
  jk_stack_floor = t->stack_low != 0 ? t->stack_low + JK_STACK_MARGIN : 0;
  jk_self = t;
  return t;
}

void jk_thread_unregister(void *thread) {
  struct jk_thread *t = thread;
  pthread_mutex_lock(&lock);
  if (--t->refs > 0) {
    pthread_mutex_unlock(&lock);
    return;
  }
  for (struct jk_thread **p = &threads; *p != NULL; p = &(*p)->next) {
    if (*p == t) {
      *p = t->next;
      break;
    }
  }
  if (atomic_load(&main_thread) == t) atomic_store(&main_thread, NULL);
  pthread_mutex_unlock(&lock);
  if (t->noop != NULL) napi_delete_reference(t->env, t->noop);
  if (t->has_timer) syscall(SYS_timer_delete, t->timer);
  if (t->altstack != NULL) {
    stack_t ss = {.ss_flags = SS_DISABLE};
    if (sigaltstack(&ss, NULL) == 0) munmap(t->altstack, t->altstack_size);
  }
  if (jk_self == t) {
    jk_self = NULL;
    jk_stack_floor = 0;
  }
  free(t);
}

// ---------------------------------------------------------------------------
// Interrupts

bool jk_interrupt(int32_t id, uint32_t reason) {
  bool running = false;
  pthread_mutex_lock(&lock);
  for (struct jk_thread *t = threads; t != NULL; t = t->next) {
    if (t->id != id) continue;
    // Only code that is running is interrupted: a request while the thread runs
    // no jitted code is dropped (the next call is not affected).
    running = __atomic_load_n(&t->depth, __ATOMIC_RELAXED) > 0;
    if (running) request(t, reason);
    break;
  }
  pthread_mutex_unlock(&lock);
  return running;
}

uint32_t jk_take_interrupt(void) {
  struct jk_thread *t = jk_self;
  return t == NULL ? 0 : atomic_exchange(&t->reasons, 0);
}

// Called by jk_async_safepoint (every register saved) on the thread itself: 0 to resume, else a trap code.
int jk_safepoint(void) {
  struct jk_thread *t = jk_self;
  if (t == NULL) return 0;
  uint32_t r = atomic_load(&t->reasons);
  if (r & JK_REASONS_STOP) return JK_TRAP_INTERRUPTED; // JS takes the reasons
  if (!(r & JK_REASON_CHECK)) return 0;
  atomic_fetch_and(&t->reasons, ~(uint32_t)JK_REASON_CHECK);
  if (t->noop == NULL || t->env == NULL) return 0;
  // Running JS lets V8 act on a pending TerminateExecution: a terminating isolate
  // refuses the call. Only a failure with no catchable exception (the termination)
  // stops the code; a RangeError (this deep, V8's own stack limit refuses JS) is
  // cleared and the code goes on.
  napi_env env = t->env;
  napi_value fn, recv, result;
  if (napi_get_reference_value(env, t->noop, &fn) != napi_ok || fn == NULL) return 0;
  napi_get_undefined(env, &recv);
  if (napi_call_function(env, recv, fn, 0, NULL, &result) == napi_ok) return 0;
  napi_value exc;
  napi_valuetype type = napi_undefined;
  if (napi_get_and_clear_last_exception(env, &exc) == napi_ok) napi_typeof(env, exc, &type);
  if (type == napi_object) return 0;
  atomic_fetch_or(&t->reasons, JK_REASON_TERMINATE);
  return JK_TRAP_INTERRUPTED;
}

// ---------------------------------------------------------------------------
// Timeouts: a per-thread POSIX timer that sends the interrupt signal to the thread
// itself, so no other thread needs to run for the timeout to happen.

// The kernel's struct sigevent (64 bytes), for timer_create by system call: the C
// libraries spell the thread-id member differently, and glibc's timer_* functions carry
// symbol versions newer than the oldest glibc the prebuilt addon supports (2.28).
struct kernel_sigevent {
  uint64_t value;
  int signo;
  int notify;
  int tid;
  int pad[11];
};
#ifndef SIGEV_THREAD_ID
#define SIGEV_THREAD_ID 4
#endif

static int set_timer(int timer, const struct itimerspec *when) {
  return (int)syscall(SYS_timer_settime, timer, 0, when, NULL);
}

static bool thread_timer(struct jk_thread *t) {
  if (t->has_timer) return true;
  if (!jk_interrupt_signal_ready()) return false;
  struct kernel_sigevent ev;
  memset(&ev, 0, sizeof ev);
  ev.notify = SIGEV_THREAD_ID;
  ev.signo = JK_INTERRUPT_SIGNAL;
  ev.tid = t->tid;
  if (syscall(SYS_timer_create, CLOCK_MONOTONIC, &ev, &t->timer) != 0) return false;
  t->has_timer = true;
  return true;
}

// Returns the ticket, 0 when the thread is unknown, -1 when no timer can be made.
int64_t jk_arm_timeout(uint32_t ms) {
  struct jk_thread *t = jk_self;
  if (t == NULL) return 0;
  if (t->timer_ticket != 0 || !thread_timer(t)) return -1;
  struct itimerspec when;
  memset(&when, 0, sizeof when);
  when.it_value.tv_sec = ms / 1000;
  when.it_value.tv_nsec = (long)(ms % 1000) * 1000000;
  int64_t ticket = atomic_fetch_add(&next_ticket, 1);
  t->timer_ticket = ticket;
  if (set_timer(t->timer, &when) == 0) return ticket;
  t->timer_ticket = 0;
  return -1;
}

// Ends a timeout of the calling thread; one that fired after its call returned is dropped.
void jk_disarm_timeout(int64_t ticket) {
  struct jk_thread *t = jk_self;
  if (t == NULL || t->timer_ticket != ticket || ticket == 0) return;
  struct itimerspec off;
  memset(&off, 0, sizeof off);
  set_timer(t->timer, &off);
  t->timer_ticket = 0;
  atomic_fetch_and(&t->reasons, ~(uint32_t)JK_REASON_TIMEOUT);
}

// ---------------------------------------------------------------------------
// The watchdog

void jk_watchdog_wake_if_idle(void) {
  if (!atomic_exchange(&jk_watchdog_idle, false)) return;
  pthread_mutex_lock(&lock);
  pthread_cond_signal(&wake);
  pthread_mutex_unlock(&lock);
}

static void hook_signals(void);

// One tick, for each thread in a guarded call: a pending request is sent again (it
// arrived while the thread was outside jitted code), and a call that has lasted a
// whole tick is running long: a worker is asked to check for termination; for the
// main thread the SIGINT and SIGTERM hooks are put back if a later listener (libuv)
// replaced them.
static bool tick_locked(void) {
  bool busy = false;
  for (struct jk_thread *t = threads; t != NULL; t = t->next) {
    uint32_t depth = __atomic_load_n(&t->depth, __ATOMIC_RELAXED);
    uint64_t calls = __atomic_load_n(&t->calls, __ATOMIC_RELAXED);
    if (depth == 0) {
      t->watch_ticks = 0;
      continue;
    }
    busy = true;
    if (atomic_load(&t->reasons) != 0) request(t, 0);
    if (calls != t->watch_calls) {
      t->watch_calls = calls;
      t->watch_ticks = 0;
      continue;
    }
    if (++t->watch_ticks < 2) continue;
    if (t->is_main) hook_signals();
    else request(t, JK_REASON_CHECK);
  }
  return busy;
}

static void *watchdog(void *arg) {
  (void)arg;
  sigset_t all;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, NULL); // signals go to the JS threads
  int idle = 0;
  pthread_mutex_lock(&lock);
  for (;;) {
    idle = tick_locked() ? 0 : idle + 1;
    if (idle >= IDLE_TICKS) {
      atomic_store(&jk_watchdog_idle, true);
      pthread_cond_wait(&wake, &lock);
      idle = 0;
      continue;
    }
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t ns = (uint64_t)ts.tv_nsec + TICK_NS;
    ts.tv_sec += (time_t)(ns / 1000000000u);
    ts.tv_nsec = (long)(ns % 1000000000u);
    pthread_cond_timedwait(&wake, &lock, &ts);
  }
  return NULL;
}

static void start_watchdog_locked(void) {
  if (watchdog_started) return;
  pthread_t th;
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_attr_setstacksize(&attr, 64 * 1024);
  if (pthread_create(&th, &attr, watchdog, NULL) == 0) watchdog_started = true;
  pthread_attr_destroy(&attr);
}

// ---------------------------------------------------------------------------
// SIGINT / SIGTERM: interrupt the main thread's jitted code, then behave as before.

static struct sigaction prev_term[2]; // SIGINT, SIGTERM
static const int term_signals[2] = {SIGINT, SIGTERM};

static void on_term_signal(int sig, siginfo_t *si, void *uc) {
  int k = sig == SIGINT ? 0 : 1;
  struct sigaction *p = &prev_term[k];
  bool has_fn = (p->sa_flags & SA_SIGINFO) ? p->sa_sigaction != NULL
                                           : (p->sa_handler != SIG_DFL && p->sa_handler != SIG_IGN);
  if (!has_fn) {
    if (p->sa_handler == SIG_IGN && !(p->sa_flags & SA_SIGINFO)) return;
    // Default action: the process ends as it would have without jitkit.
    signal(sig, SIG_DFL);
    raise(sig);
    return;
  }
  if (p->sa_flags & SA_RESETHAND) {
    // A one-shot handler: Node's own (no JS listener: it restores the terminal and
    // raises the signal again to end the process). The kernel would have reset the
    // disposition before running it; do the same, or its raise() comes back here forever.
    signal(sig, SIG_DFL);
    if (p->sa_flags & SA_SIGINFO) p->sa_sigaction(sig, si, uc);
    else p->sa_handler(sig);
    return;
  }
  // A JS listener exists (libuv's handler): stop the main thread's jitted code so
  // that the event loop, and with it the listener, runs again.
  struct jk_thread *m = atomic_load(&main_thread);
  if (m != NULL && __atomic_load_n(&m->depth, __ATOMIC_RELAXED) > 0) request(m, JK_REASON_SIGNAL);
  if (p->sa_flags & SA_SIGINFO) p->sa_sigaction(sig, si, uc);
  else p->sa_handler(sig);
}

// Installs the hooks, or puts them back in front of whatever replaced them.
static void hook_signals(void) {
  for (int k = 0; k < 2; k++) {
    struct sigaction cur;
    if (sigaction(term_signals[k], NULL, &cur) != 0) continue;
    if ((cur.sa_flags & SA_SIGINFO) && cur.sa_sigaction == on_term_signal) continue;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_term_signal;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART;
    sigemptyset(&sa.sa_mask);
    // When the hook runs on the main thread itself, the interrupt it sends there waits
    // until the hook returns, so that its handler sees the jitted code's context
    // (inside the hook it would see the addon and wait for the watchdog's next tick).
    sigaddset(&sa.sa_mask, JK_INTERRUPT_SIGNAL);
    prev_term[k] = cur;
    sigaction(term_signals[k], &sa, NULL);
  }
}

void jk_assert_signal_hooks(void) {
  pthread_mutex_lock(&lock);
  hook_signals();
  pthread_mutex_unlock(&lock);
}
