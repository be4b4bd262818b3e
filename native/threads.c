// jitkit native addon: per-thread state, interrupts, the watchdog, signal hooks.
//
// Every JS thread that loads the addon (the main thread, each worker) is
// registered here: its real stack bounds (pthread_getattr_np), an alternate
// signal stack (so a stack-overflow fault can be handled), and its interrupt
// word `jk_poll`, which jitted code polls at loop heads and function entries.
//
// Stopping running jitted code:
//   interrupt(id)         any thread: sets the target thread's reason bit and poll word
//   timeouts              the watchdog thread sets them when a call's deadline passes
//   SIGINT / SIGTERM      when JS listens for the signal (libuv's handler is
//                         installed), the hook interrupts the main thread, then chains
//   worker.terminate()    V8's TerminateExecution cannot reach native code that never
//                         returns; the watchdog marks a worker whose call has run for a
//                         tick (JK_REASON_CHECK) and the safepoint calls a JS no-op
//                         there: a terminating isolate refuses it, and the call unwinds.
// The safepoint (jk_safepoint, reached from jk_safepoint_entry in faults.c with
// every register saved) decides: 0 = continue, else a trap code.
#include "safety.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

__thread struct jk_thread *jk_self __attribute__((tls_model("initial-exec")));
__thread volatile uint32_t jk_poll __attribute__((tls_model("initial-exec")));
__thread uintptr_t jk_stack_floor __attribute__((tls_model("initial-exec")));

// The thread list, the timeouts and the watchdog share one lock.
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static struct jk_thread *threads;
static int32_t next_thread_id = 1;
static struct jk_thread *main_thread;
static bool watchdog_started;
atomic_bool jk_watchdog_idle;

#define ALTSTACK_SIZE (64 * 1024)
// The watchdog's period while a guarded call is running somewhere.
#define TICK_NS (5 * 1000 * 1000)
// Idle ticks before the watchdog stops ticking (the next guarded call wakes it).
#define IDLE_TICKS 20

static void set_poll(struct jk_thread *t, uint32_t reason) {
  atomic_fetch_or(&t->reasons, reason);
  atomic_store_explicit((_Atomic uint32_t *)t->poll, 1, memory_order_release);
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
  t->poll = &jk_poll;
  t->env = env;
  t->refs = 1;
  t->is_main = getpid() == (pid_t)syscall(SYS_gettid);
  stack_bounds(t);
  install_altstack(t);
  jk_faults_install();
  pthread_mutex_lock(&lock);
  t->id = next_thread_id++;
  t->next = threads;
  threads = t;
  if (t->is_main) main_thread = t;
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
  if (main_thread == t) main_thread = NULL;
  pthread_mutex_unlock(&lock);
  if (t->noop != NULL) napi_delete_reference(t->env, t->noop);
  if (t->has_timer) timer_delete(t->timer);
  if (t->altstack != NULL) {
    stack_t ss = {.ss_flags = SS_DISABLE};
    if (sigaltstack(&ss, NULL) == 0) munmap(t->altstack, t->altstack_size);
  }
  if (jk_self == t) {
    jk_self = NULL;
    jk_stack_floor = 0;
    jk_poll = 0;
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
    if (running) {
      t->stop_call = __atomic_load_n(&t->calls, __ATOMIC_RELAXED);
      set_poll(t, reason);
    }
    break;
  }
  pthread_mutex_unlock(&lock);
  return running;
}

uint32_t jk_take_interrupt(void) {
  struct jk_thread *t = jk_self;
  if (t == NULL) return 0;
  atomic_store((_Atomic uint32_t *)&jk_poll, 0);
  return atomic_exchange(&t->reasons, 0);
}

int jk_safepoint(void) {
  struct jk_thread *t = jk_self;
  if (t == NULL) {
    jk_poll = 0;
    return 0;
  }
  // Clear the poll word first: a request that arrives after this read sets it again.
  atomic_store((_Atomic uint32_t *)&jk_poll, 0);
  uint32_t r = atomic_load(&t->reasons);
  // An interrupt or signal that was meant for a call that has ended is dropped.
  if ((r & (JK_REASON_INTERRUPT | JK_REASON_SIGNAL)) && t->stop_call != t->calls) {
    atomic_fetch_and(&t->reasons, ~(uint32_t)(JK_REASON_INTERRUPT | JK_REASON_SIGNAL));
    r &= ~(uint32_t)(JK_REASON_INTERRUPT | JK_REASON_SIGNAL);
  }
  if (r & JK_REASONS_STOP) {
    atomic_store((_Atomic uint32_t *)&jk_poll, 1); // stay stopped until JS takes the reasons
    return JK_TRAP_INTERRUPTED;
  }
  if (r & JK_REASON_CHECK) {
    atomic_fetch_and(&t->reasons, ~(uint32_t)JK_REASON_CHECK);
    if (t->noop == NULL || t->env == NULL) return 0;
    // Running JS lets V8 act on a pending TerminateExecution: a terminating
    // isolate refuses the call. Only a failure with no catchable exception (the
    // termination) stops the code; a RangeError (this deep, V8's own stack limit
    // refuses JS) is cleared and the code goes on.
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
    atomic_store((_Atomic uint32_t *)&jk_poll, 1);
    return JK_TRAP_INTERRUPTED;
  }
  return 0;
}

// ---------------------------------------------------------------------------
// Timeouts and the watchdog

struct timeout {
  int64_t ticket;
  struct jk_thread *thread;
  uint64_t deadline; // CLOCK_MONOTONIC ns
};
static struct timeout *timeouts;
static size_t timeout_count, timeout_cap;
static int64_t next_ticket = 1;

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

// Timeouts are per-thread POSIX timers that signal the thread itself: the kernel
// delivers the signal as soon as the (running) thread is scheduled, so no other
// thread needs to run for the interrupt to happen. Where another handler owns
// JK_TIMER_SIGNAL, the watchdog thread keeps the deadlines instead.
static atomic_int timer_signal_state; // 0: unknown, 1: ours, -1: taken by someone else

static void on_timer_signal(int sig, siginfo_t *si, void *uc) {
  (void)sig;
  (void)si;
  (void)uc;
  struct jk_thread *t = jk_self;
  if (t != NULL && t->timer_ticket != 0) set_poll(t, JK_REASON_TIMEOUT);
}

static bool timer_signal_ready(void) {
  int state = atomic_load(&timer_signal_state);
  if (state != 0) return state > 0;
  pthread_mutex_lock(&lock);
  state = atomic_load(&timer_signal_state);
  if (state == 0) {
    struct sigaction cur;
    state = -1;
    if (sigaction(JK_TIMER_SIGNAL, NULL, &cur) == 0 && !(cur.sa_flags & SA_SIGINFO) && cur.sa_handler == SIG_DFL) {
      struct sigaction sa;
      memset(&sa, 0, sizeof sa);
      sa.sa_sigaction = on_timer_signal;
      sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART;
      sigemptyset(&sa.sa_mask);
      if (sigaction(JK_TIMER_SIGNAL, &sa, NULL) == 0) state = 1;
    }
    atomic_store(&timer_signal_state, state);
  }
  pthread_mutex_unlock(&lock);
  return state > 0;
}

static bool thread_timer(struct jk_thread *t) {
  if (t->has_timer) return true;
  if (!timer_signal_ready()) return false;
  struct sigevent ev;
  memset(&ev, 0, sizeof ev);
  ev.sigev_notify = SIGEV_THREAD_ID;
  ev.sigev_signo = JK_TIMER_SIGNAL;
  ev._sigev_un._tid = (pid_t)syscall(SYS_gettid);
  if (timer_create(CLOCK_MONOTONIC, &ev, &t->timer) != 0) return false;
  t->has_timer = true;
  return true;
}

int64_t jk_arm_timeout(uint32_t ms) {
  struct jk_thread *t = jk_self;
  if (t == NULL) return 0;
  if (t->timer_ticket == 0 && thread_timer(t)) {
    struct itimerspec when = {.it_value = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000}};
    pthread_mutex_lock(&lock);
    int64_t ticket = next_ticket++;
    pthread_mutex_unlock(&lock);
    t->timer_ticket = ticket;
    if (timer_settime(t->timer, 0, &when, NULL) == 0) return ticket;
    t->timer_ticket = 0;
  }
  pthread_mutex_lock(&lock);
  if (timeout_count == timeout_cap) {
    size_t cap = timeout_cap == 0 ? 16 : 2 * timeout_cap;
    struct timeout *grown = realloc(timeouts, cap * sizeof *grown);
    if (grown == NULL) {
      pthread_mutex_unlock(&lock);
      return -1;
    }
    timeouts = grown;
    timeout_cap = cap;
  }
  int64_t ticket = next_ticket++;
  timeouts[timeout_count++] = (struct timeout){ticket, t, now_ns() + (uint64_t)ms * 1000000u};
  start_watchdog_locked();
  pthread_cond_signal(&wake);
  pthread_mutex_unlock(&lock);
  return ticket;
}

// Ends a timeout of the calling thread; one that fired after its call returned is dropped.
void jk_disarm_timeout(int64_t ticket) {
  struct jk_thread *self = jk_self;
  if (self != NULL && self->timer_ticket == ticket && ticket != 0) {
    struct itimerspec off;
    memset(&off, 0, sizeof off);
    timer_settime(self->timer, 0, &off, NULL);
    self->timer_ticket = 0;
    atomic_fetch_and(&self->reasons, ~(uint32_t)JK_REASON_TIMEOUT);
    return;
  }
  bool pending = true;
  pthread_mutex_lock(&lock);
  for (size_t i = 0; i < timeout_count; i++) {
    if (timeouts[i].ticket == ticket) {
      timeouts[i] = timeouts[--timeout_count];
      pending = false;
      break;
    }
  }
  pthread_mutex_unlock(&lock);
  struct jk_thread *t = jk_self;
  if (pending && t != NULL) atomic_fetch_and(&t->reasons, ~(uint32_t)JK_REASON_TIMEOUT);
}

void jk_watchdog_wake_if_idle(void) {
  if (!atomic_exchange(&jk_watchdog_idle, false)) return;
  pthread_mutex_lock(&lock);
  pthread_cond_signal(&wake);
  pthread_mutex_unlock(&lock);
}

static void hook_signals(void);

// One tick: a thread whose guarded call has lasted a whole tick is running long.
// A worker is asked to check for termination; for the main thread the SIGINT and
// SIGTERM hooks are put back if a later listener (libuv) replaced them.
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
    if (calls != t->watch_calls) {
      t->watch_calls = calls;
      t->watch_ticks = 0;
      continue;
    }
    if (++t->watch_ticks < 2) continue;
    if (t->is_main) hook_signals();
    else set_poll(t, JK_REASON_CHECK);
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
    uint64_t now = now_ns();
    for (size_t i = 0; i < timeout_count;) {
      if (timeouts[i].deadline <= now) {
        set_poll(timeouts[i].thread, JK_REASON_TIMEOUT);
        timeouts[i] = timeouts[--timeout_count];
      } else {
        i++;
      }
    }
    idle = tick_locked() ? 0 : idle + 1;
    uint64_t until = UINT64_MAX;
    for (size_t i = 0; i < timeout_count; i++)
      if (timeouts[i].deadline < until) until = timeouts[i].deadline;
    if (idle < IDLE_TICKS && now + TICK_NS < until) until = now + TICK_NS;
    if (until == UINT64_MAX) {
      atomic_store(&jk_watchdog_idle, true);
      pthread_cond_wait(&wake, &lock);
      idle = 0;
    } else {
      struct timespec ts;
      clock_gettime(CLOCK_REALTIME, &ts);
      uint64_t wait = until > now ? until - now : 0;
      uint64_t ns = (uint64_t)ts.tv_nsec + wait % 1000000000u;
      ts.tv_sec += (time_t)(wait / 1000000000u + ns / 1000000000u);
      ts.tv_nsec = (long)(ns % 1000000000u);
      pthread_cond_timedwait(&wake, &lock, &ts);
    }
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
  // A JS listener exists (libuv's handler): stop the main thread's jitted code so
  // that the event loop, and with it the listener, runs again.
  struct jk_thread *m = main_thread;
  if (m != NULL && __atomic_load_n(&m->depth, __ATOMIC_RELAXED) > 0) {
    m->stop_call = __atomic_load_n(&m->calls, __ATOMIC_RELAXED);
    set_poll(m, JK_REASON_SIGNAL);
  }
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
    prev_term[k] = cur;
    sigaction(term_signals[k], &sa, NULL);
  }
}

void jk_assert_signal_hooks(void) {
  pthread_mutex_lock(&lock);
  hook_signals();
  pthread_mutex_unlock(&lock);
}
