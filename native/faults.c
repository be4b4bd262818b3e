// jitkit native addon: faults in jitted code become TrapErrors.
//
// One handler for SIGSEGV, SIGBUS, SIGFPE, SIGILL and SIGTRAP, installed once
// (SA_SIGINFO | SA_ONSTACK; each registered thread has an alternate signal stack).
// It acts only when the fault is jitkit's:
//   - the faulting PC is inside a registered code range, or
//   - an instruction fetch from a bad address (si_addr == PC) whose return address,
//     at [rsp], is inside a registered range or is the guarded call's return site
//     (jitted code called a wild pointer).
// Anything else goes to the handler that was installed before, exactly as it
// would have without jitkit (V8's WebAssembly trap handler lives there).
//
// Recovery, for a fault that is jitkit's:
//   range of a compiled module    RIP = its fault entry, RDI = trap code: the module's
//                                 glue unwinds to the entry trampoline as a trap does
//   any other code range          RSP = the guarded call's saved stack pointer,
//                                 RIP = jk_guard_recover: the invoke returns and throws
// The trap code and fault address are recorded in the thread's jk_thread.
//
// The registry is an array of slots written under a mutex and read without locks
// (each slot has a sequence number, odd while it changes), so the handler can
// read it at any moment. It grows by doubling; old arrays are kept (and updated
// on removal), since a handler may be reading one.
#include "safety.h"

#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>

_Static_assert(offsetof(struct jk_thread, guard_rsp) == 0, "asm reads guard_rsp at +0");
_Static_assert(offsetof(struct jk_thread, fault_code) == 8, "asm writes fault_code at +8");
_Static_assert(offsetof(struct jk_thread, async_entry) == 32, "asm reads async_entry at +32");

// ---------------------------------------------------------------------------
// The guarded call: every invoke from JS runs the entry thunk through it.
//
//   jk_guarded_call(buffer, thunk, &t->guard_rsp)
//     push rbp rbx r12..r15 ; push guard ptr ; push previous guard ; sub rsp, 8
//     [guard] = rsp ; call thunk(buffer)
//   jk_guard_return:                     (also where a recovery lands)
//     add rsp, 8 ; pop previous guard into [guard] ; pop registers ; ret
//
// Callee-saved registers live on this frame, so a fault anywhere below cannot
// corrupt what the invoke's caller expects. The stack is 16-byte aligned at the call.
// rax = jk_self (rdi is kept): one fs-relative load with initial-exec TLS, else a call
// (stack aligned for it).
#if JK_TLS_FLOOR
#define LOAD_JK_SELF_RAX \
  "  movq jk_self@gottpoff(%rip), %rax\n" \
  "  movq %fs:(%rax), %rax\n"
#else
#define LOAD_JK_SELF_RAX \
  "  pushq %rbp\n" \
  "  movq %rsp, %rbp\n" \
  "  pushq %rdi\n" \
  "  andq $-16, %rsp\n" \
  "  call jk_current_thread@PLT\n" \
  "  movq -8(%rbp), %rdi\n" \
  "  movq %rbp, %rsp\n" \
  "  popq %rbp\n"
#endif

__asm__(".text\n"
        ".p2align 4\n"
        ".globl jk_guarded_call, jk_guarded_call_f64, jk_guarded_call_f32\n"
        ".hidden jk_guarded_call, jk_guarded_call_f64, jk_guarded_call_f32\n"
        ".type jk_guarded_call, @function\n"
        "jk_guarded_call:\n"
        "jk_guarded_call_f64:\n"
        "jk_guarded_call_f32:\n"
        "  pushq %rbp\n"
        "  pushq %rbx\n"
        "  pushq %r12\n"
        "  pushq %r13\n"
        "  pushq %r14\n"
        "  pushq %r15\n"
        "  pushq %rdx\n"
        "  pushq (%rdx)\n"
        "  subq $8, %rsp\n"
        "  movq %rsp, (%rdx)\n"
        "  callq *%rsi\n"
        ".globl jk_guard_return\n"
        ".hidden jk_guard_return\n"
        "jk_guard_return:\n"
        "  addq $8, %rsp\n"
        "  popq %r11\n"
        "  popq %rdx\n"
        "  movq %r11, (%rdx)\n"
        "  popq %r15\n"
        "  popq %r14\n"
        "  popq %r13\n"
        "  popq %r12\n"
        "  popq %rbx\n"
        "  popq %rbp\n"
        "  ret\n"
        ".size jk_guarded_call, .-jk_guarded_call\n"
        // Recovery: rsp = the saved guard value. The result registers are garbage;
        // the invoke sees fault_code and throws.
        ".globl jk_guard_recover\n"
        ".hidden jk_guard_recover\n"
        "jk_guard_recover:\n"
        "  cld\n"
        "  xorl %eax, %eax\n"
        "  jmp jk_guard_return\n"
        // A module's trap with no trap frame (its code was called from another
        // module's code, not through its own entry trampoline): edi = trap code.
        // Unwind to the thread's guarded call when there is one, else stop (ud2
        // here is outside every code range, so the fault is not caught again).
        ".globl jk_module_unwind\n"
        ".hidden jk_module_unwind\n"
        "jk_module_unwind:\n"
        LOAD_JK_SELF_RAX
        "  testq %rax, %rax\n"
        "  jz 1f\n"
        "  movq (%rax), %rcx\n"
        "  testq %rcx, %rcx\n"
        "  jz 1f\n"
        "  movq %rcx, %rsp\n"
        "  cmpl $0, 8(%rax)\n"
        "  jne jk_guard_recover\n"
        "  movl %edi, 8(%rax)\n"
        "  jmp jk_guard_recover\n"
        "1:\n"
        "  ud2\n"
        // Asynchronous preemption: the interrupt signal's handler makes a compiled
        // module's code call here, as if the interrupted instruction had been
        // `call jk_async_safepoint` ([rsp] = that instruction). Every register and
        // the flags are kept; jk_safepoint says 0 (return there) or a trap code
        // (go to the module's trap handler, jk_thread.async_entry, with edi = code).
        ".globl jk_async_safepoint\n"
        ".hidden jk_async_safepoint\n"
        "jk_async_safepoint:\n"
        "  pushfq\n"
        "  pushq %rax\n"
        "  pushq %rcx\n"
        "  pushq %rdx\n"
        "  pushq %rsi\n"
        "  pushq %rdi\n"
        "  pushq %r8\n"
        "  pushq %r9\n"
        "  pushq %r10\n"
        "  pushq %r11\n"
        "  pushq %rbp\n"
        "  movq %rsp, %rbp\n"
        "  andq $-16, %rsp\n"
        "  subq $256, %rsp\n"
        "  movdqu %xmm0, 0(%rsp)\n"
        "  movdqu %xmm1, 16(%rsp)\n"
        "  movdqu %xmm2, 32(%rsp)\n"
        "  movdqu %xmm3, 48(%rsp)\n"
        "  movdqu %xmm4, 64(%rsp)\n"
        "  movdqu %xmm5, 80(%rsp)\n"
        "  movdqu %xmm6, 96(%rsp)\n"
        "  movdqu %xmm7, 112(%rsp)\n"
        "  movdqu %xmm8, 128(%rsp)\n"
        "  movdqu %xmm9, 144(%rsp)\n"
        "  movdqu %xmm10, 160(%rsp)\n"
        "  movdqu %xmm11, 176(%rsp)\n"
        "  movdqu %xmm12, 192(%rsp)\n"
        "  movdqu %xmm13, 208(%rsp)\n"
        "  movdqu %xmm14, 224(%rsp)\n"
        "  movdqu %xmm15, 240(%rsp)\n"
        "  cld\n"
        "  call jk_safepoint\n"
        "  testl %eax, %eax\n"
        "  jnz 2f\n"
        "  movdqu 0(%rsp), %xmm0\n"
        "  movdqu 16(%rsp), %xmm1\n"
        "  movdqu 32(%rsp), %xmm2\n"
        "  movdqu 48(%rsp), %xmm3\n"
        "  movdqu 64(%rsp), %xmm4\n"
        "  movdqu 80(%rsp), %xmm5\n"
        "  movdqu 96(%rsp), %xmm6\n"
        "  movdqu 112(%rsp), %xmm7\n"
        "  movdqu 128(%rsp), %xmm8\n"
        "  movdqu 144(%rsp), %xmm9\n"
        "  movdqu 160(%rsp), %xmm10\n"
        "  movdqu 176(%rsp), %xmm11\n"
        "  movdqu 192(%rsp), %xmm12\n"
        "  movdqu 208(%rsp), %xmm13\n"
        "  movdqu 224(%rsp), %xmm14\n"
        "  movdqu 240(%rsp), %xmm15\n"
        "  movq %rbp, %rsp\n"
        "  popq %rbp\n"
        "  popq %r11\n"
        "  popq %r10\n"
        "  popq %r9\n"
        "  popq %r8\n"
        "  popq %rdi\n"
        "  popq %rsi\n"
        "  popq %rdx\n"
        "  popq %rcx\n"
        "  popq %rax\n"
        "  popfq\n"
        "  ret\n"
        "2:\n"
        "  movl %eax, %edi\n"
        LOAD_JK_SELF_RAX
        "  movq 32(%rax), %r11\n"
        "  jmp *%r11\n");

extern char jk_guard_return[], jk_guard_recover[], jk_async_safepoint[];

// ---------------------------------------------------------------------------
// The registry of code ranges

struct range {
  _Atomic uint32_t seq; // odd while the slot changes
  uintptr_t start, end; // end == 0: free slot
  uintptr_t fault_entry; // 0: no module glue (recover through the guarded call)
};

struct table {
  size_t cap;
  _Atomic size_t used; // slots [0, used) may be live
  struct table *older;
  struct range slots[];
};

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static _Atomic(struct table *) registry;

static struct table *new_table(size_t cap) {
  struct table *t = calloc(1, sizeof *t + cap * sizeof(struct range));
  if (t != NULL) t->cap = cap;
  return t;
}

static void write_slot(struct range *s, uintptr_t start, uintptr_t end, uintptr_t fault_entry) {
  atomic_fetch_add(&s->seq, 1);
  s->start = start;
  s->fault_entry = fault_entry;
  s->end = end;
  atomic_fetch_add(&s->seq, 1);
}

int32_t jk_register_range(uintptr_t start, uintptr_t end, uintptr_t fault_entry) {
  pthread_mutex_lock(&registry_lock);
  struct table *t = atomic_load(&registry);
  if (t == NULL) {
    t = new_table(256);
    if (t == NULL) goto fail;
    atomic_store(&registry, t);
  }
  size_t used = atomic_load(&t->used);
  size_t i = 0;
  while (i < used && t->slots[i].end != 0) i++;
  if (i == t->cap) {
    struct table *g = new_table(2 * t->cap);
    if (g == NULL) goto fail;
    for (size_t k = 0; k < t->cap; k++) {
      g->slots[k].start = t->slots[k].start;
      g->slots[k].end = t->slots[k].end;
      g->slots[k].fault_entry = t->slots[k].fault_entry;
    }
    atomic_store(&g->used, used);
    g->older = t;
    atomic_store(&registry, g);
    t = g;
  }
  write_slot(&t->slots[i], start, end, fault_entry);
  if (i == used) atomic_store(&t->used, used + 1);
  pthread_mutex_unlock(&registry_lock);
  return (int32_t)i;
fail:
  pthread_mutex_unlock(&registry_lock);
  return -1;
}

void jk_unregister_range(int32_t id) {
  pthread_mutex_lock(&registry_lock);
  for (struct table *t = atomic_load(&registry); t != NULL; t = t->older) {
    if (id >= 0 && (size_t)id < t->cap) write_slot(&t->slots[id], 0, 0, 0);
  }
  pthread_mutex_unlock(&registry_lock);
}

/** Finds the range holding `pc`: 1 and its fault entry, or 0. Async-signal-safe. */
static int lookup(uintptr_t pc, uintptr_t *fault_entry) {
  struct table *t = atomic_load(&registry);
  if (t == NULL) return 0;
  size_t used = atomic_load(&t->used);
  int found = 0;
  for (size_t i = 0; i < used; i++) {
    struct range *s = &t->slots[i];
    for (int attempt = 0; attempt < 4; attempt++) {
      uint32_t before = atomic_load(&s->seq);
      if (before & 1) continue;
      uintptr_t start = s->start, end = s->end, entry = s->fault_entry;
      if (atomic_load(&s->seq) != before) continue;
      if (pc >= start && pc < end) {
        // A module's range (with its glue) lies inside a region: it wins.
        if (!found || entry != 0) *fault_entry = entry;
        found = 1;
      }
      break;
    }
  }
  return found;
}

// ---------------------------------------------------------------------------
// The handler

static struct sigaction previous[NSIG];
static const int fault_signals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP};

static int trap_code(int sig, const siginfo_t *si, const struct jk_thread *t) {
  switch (sig) {
  case SIGFPE:
    return si->si_code == FPE_INTOVF ? JK_TRAP_INT_OVF : JK_TRAP_INT_DIVZ;
  case SIGILL:
    return JK_TRAP_ILLEGAL;
  case SIGTRAP:
    return JK_TRAP_BREAKPOINT;
  default: {
    uintptr_t a = (uintptr_t)si->si_addr;
    // A touch of the guard area below the thread's stack is a stack overflow.
    if (t != NULL && t->stack_low != 0 && a < t->stack_low + 4096 && a + (1u << 20) >= t->stack_low)
      return JK_TRAP_STK_OVF;
    return JK_TRAP_HEAP_OOB;
  }
  }
}

static void chain(int sig, siginfo_t *si, void *uc) {
  struct sigaction *p = &previous[sig];
  if (p->sa_flags & SA_SIGINFO) {
    if (p->sa_sigaction != NULL) {
      p->sa_sigaction(sig, si, uc);
      return;
    }
  } else if (p->sa_handler != SIG_DFL && p->sa_handler != SIG_IGN) {
    p->sa_handler(sig);
    return;
  }
  // The default action: return with it installed, so the faulting instruction
  // runs again and the kernel acts (a synchronous fault cannot be ignored).
  signal(sig, SIG_DFL);
}

// The interrupt signal (safety.h): preempts jitted code that has a pending request.
void jk_on_interrupt_signal(int sig, siginfo_t *si, void *ucv) {
  (void)sig;
  struct jk_thread *t = jk_self;
  if (t == NULL) return;
  if (si->si_code == SI_TIMER && t->timer_ticket != 0) atomic_fetch_or(&t->reasons, JK_REASON_TIMEOUT);
  uint32_t r = atomic_load(&t->reasons);
  // An interrupt or signal meant for a call that has ended is dropped.
  if ((r & (JK_REASON_INTERRUPT | JK_REASON_SIGNAL)) && t->stop_call != t->calls) {
    atomic_fetch_and(&t->reasons, ~(uint32_t)(JK_REASON_INTERRUPT | JK_REASON_SIGNAL));
    r &= ~(uint32_t)(JK_REASON_INTERRUPT | JK_REASON_SIGNAL);
  }
  if (r == 0 || t->depth == 0 || t->fault_code != 0) return;
  ucontext_t *uc = ucv;
  greg_t *regs = uc->uc_mcontext.gregs;
  uintptr_t pc = (uintptr_t)regs[REG_RIP], entry = 0;
  // Not in jitted code (C code it called, the addon, V8): the watchdog sends the signal again.
  if (!lookup(pc, &entry) || (entry & JK_RANGE_NO_PREEMPT)) return;
  if (entry != 0) {
    // A compiled module (its code never uses memory below rsp): call the safepoint from here.
    uintptr_t sp = (uintptr_t)regs[REG_RSP] - 8;
    *(uintptr_t *)sp = pc;
    regs[REG_RSP] = (greg_t)sp;
    regs[REG_RIP] = (greg_t)(uintptr_t)jk_async_safepoint;
    t->async_entry = entry;
    return;
  }
  // Other jitkit code (hand-written: it may keep data below rsp, so it is not resumed
  // after a call): stop requests unwind it to the guarded call.
  if ((r & JK_REASONS_STOP) && t->guard_rsp != 0) {
    t->fault_code = JK_TRAP_INTERRUPTED;
    t->fault_signal = 0;
    t->fault_addr = 0;
    t->fault_pc = pc;
    regs[REG_RSP] = (greg_t)t->guard_rsp;
    regs[REG_RIP] = (greg_t)(uintptr_t)jk_guard_recover;
  }
}

static void on_fault(int sig, siginfo_t *si, void *ucv) {
  ucontext_t *uc = ucv;
  greg_t *regs = uc->uc_mcontext.gregs;
  uintptr_t pc = (uintptr_t)regs[REG_RIP], sp = (uintptr_t)regs[REG_RSP];
  struct jk_thread *t = jk_self;
  uintptr_t entry = 0;
  // int3 reports the address after it.
  if (sig == SIGTRAP && si->si_code == SI_KERNEL && pc > 0) pc--;
  // A second fault before the first was reported means the recovery itself failed.
  if (t != NULL && t->fault_code != 0) {
    chain(sig, si, ucv);
    return;
  }
  int ours = lookup(pc, &entry);
  if (!ours && sig == SIGSEGV && (uintptr_t)si->si_addr == pc && t != NULL && t->stack_low != 0 &&
      sp >= t->stack_low && sp + 8 <= t->stack_high) {
    // A call to a wild address: the return address names the caller.
    uintptr_t ret = *(const uintptr_t *)sp;
    ours = lookup(ret, &entry) || (t->guard_rsp != 0 && ret == (uintptr_t)jk_guard_return);
  }
  if (!ours || t == NULL || (entry == 0 && t->guard_rsp == 0)) {
    chain(sig, si, ucv);
    return;
  }
  entry &= ~JK_RANGE_NO_PREEMPT;
  int code = trap_code(sig, si, t);
  t->fault_code = code;
  t->fault_signal = sig;
  t->fault_addr = (sig == SIGSEGV || sig == SIGBUS) ? (uintptr_t)si->si_addr : 0;
  t->fault_pc = pc;
  if (entry != 0) {
    regs[REG_RIP] = (greg_t)entry;
    regs[REG_RDI] = code;
  } else {
    regs[REG_RSP] = (greg_t)t->guard_rsp;
    regs[REG_RIP] = (greg_t)(uintptr_t)jk_guard_recover;
  }
}

static pthread_once_t install_once = PTHREAD_ONCE_INIT;

static void install(void) {
  for (size_t k = 0; k < sizeof fault_signals / sizeof fault_signals[0]; k++) {
    int sig = fault_signals[k];
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, &previous[sig]);
  }
}

void jk_faults_install(void) {
  pthread_once(&install_once, install);
  jk_assert_signal_hooks();
}
