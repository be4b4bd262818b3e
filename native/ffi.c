// jitkit native addon, FFI part: callbacks from C into JS, calls on the libuv
// thread pool, and native memory as JS values (src/runtime/callback.ts,
// src/runtime/async-call.ts, src/runtime/memory.ts).
//
// Callbacks. A callback is a record (below) plus a machine-code thunk that
// jitkit generates per callback (Target.callbackThunk). When C calls the thunk,
// it stores its arguments into a frame on its stack, in the slot layout of the
// argument buffer (slot 1 + ...), and calls jk_callback_dispatch(record, frame).
//   - On the record's JS thread: the dispatcher copies the argument slots into
//     the thread's argument buffer and calls the record's JS function (the
//     generated wrapper of callback.ts: it reads the arguments from the buffer,
//     runs the user's function and writes the result to slot 0 or slots 1..),
//     then copies the result slots back into the frame. An exception stays
//     pending in the environment: the callback returns zeros, later callbacks
//     in the same native call return zeros without running JS, and the JS caller
//     of the outer native call gets the exception when that call returns.
//   - On another thread: the call is queued to the JS thread through one
//     thread-safe function per environment. Mode WAIT blocks the calling thread
//     until JS has run and returns JS's result; mode POST copies the arguments,
//     returns zeros at once and runs JS later. An exception there has no JS
//     caller to go to: it becomes an uncaught exception of the process.
// Records are never freed, and neither are thunks (callback.ts keeps them):
// a call after callback.free() finds the record marked freed and aborts the
// process with a message, instead of jumping into reused memory.
//
// Asynchronous calls. invokeAsync copies the argument slots (and the target and
// thunk addresses) the JS side just wrote, and runs the thunk on a libuv pool
// thread with a buffer on that thread's stack; the promise resolves to an
// ArrayBuffer holding the result slots, which JS decodes as for a direct call.

#define _GNU_SOURCE
#include "ffi.h"

#include <pthread.h>
#include <sys/mman.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CB_MAGIC 0x4a4b4342u // "JKCB"
enum { CB_LIVE = 1, CB_FREED = 2 };
enum { MODE_WAIT = 0, MODE_POST = 1 };

// Per JS environment (one per thread that runs JS with the addon loaded). Never
// freed: records of other threads may still point to it after the environment ends.
struct ffi_env {
  napi_env env;
  pthread_t thread;
  napi_threadsafe_function tsfn; // created with the first callback; NULL before
  pthread_mutex_t lock;          // guards tsfn and closing for other threads
  bool closing;                  // the environment is being torn down
  int32_t refs;                  // callbacks that keep the event loop alive
};

static __thread struct ffi_env *this_env JK_TLS_MODEL;

__thread struct jk_cb_batch jk_cb_batch JK_TLS_MODEL;

// The shared handle scope of callbacks at depth jk_cb_batch.open_depth (see ffi.h).
static __thread struct {
  napi_handle_scope scope;
  uint32_t uses;       // callbacks since it was opened: reopened after BATCH_USES
  uint32_t generation; // increments with every scope opened (never 0 while open)
} batch JK_TLS_MODEL;

// Handles made by this many callbacks (a few each) are released together.
#define BATCH_USES 256

void jk_ffi_close_batch(napi_env env) {
  napi_close_handle_scope(env, batch.scope);
  batch.scope = NULL;
  jk_cb_batch.open_depth = 0;
}

// Opens the shared scope for the current depth, or renews it; returns false when this call
// must use a scope of its own (not inside a jitkit call, or a deeper call than the one holding it).
static bool enter_batch(napi_env env) {
  uint32_t depth = jk_cb_batch.depth;
  if (depth == 0) return false;
  if (jk_cb_batch.open_depth == depth) {
    // Innermost here: every scope opened since (nested calls) is closed again.
    if (++batch.uses < BATCH_USES) return true;
    napi_close_handle_scope(env, batch.scope);
    jk_cb_batch.open_depth = 0;
  } else if (jk_cb_batch.open_depth != 0) {
    return false;
  }
  if (napi_open_handle_scope(env, &batch.scope) != napi_ok) return false;
  jk_cb_batch.open_depth = depth;
  batch.uses = 0;
  if (++batch.generation == 0) batch.generation = 1;
  return true;
}

struct jk_callback {
  uint32_t magic;
  uint32_t cached_generation; // `cached_fn` is valid while the shared scope of this generation is open
  napi_value cached_fn;
  _Atomic int state;
  struct ffi_env *fe;
  napi_ref fn;           // the generated JS wrapper
  uint32_t arg_slots;    // frame slots 1..arg_slots hold the arguments
  uint32_t result_slots; // frame slots 0..result_slots hold the result afterwards
  int32_t mode;          // MODE_WAIT or MODE_POST for calls from other threads
  bool refd;
  uint32_t id; // the JS side's index of this callback's wrapper (fiber calls run it from JS)
  char name[64];
  uint32_t nderefs; // `deref(T)` arguments: the pointee is copied into the frame
  struct {
    uint32_t arg_slot, dest_slot, size;
  } derefs[];
};

// A call from another thread, handed to the JS thread.
struct request {
  struct jk_callback *cb;
  uint64_t *frame; // WAIT: the caller's frame; POST: a copy owned by the request
  bool wait;
  bool done;
  pthread_mutex_t mu;
  pthread_cond_t cv;
};

static int arg_u32(napi_env env, napi_value v, uint32_t *out) {
  if (napi_get_value_uint32(env, v, out) != napi_ok) {
    throw_type(env, "jitkit native: expected a non-negative integer");
    return 0;
  }
  return 1;
}

// Runs the callback's JS on its own thread: arguments in, result out (zeros if JS threw).
// `shared`: on the JS thread's own stack, where callbacks may share a handle scope.
static void run_js(napi_env env, struct jk_callback *cb, uint64_t *frame, bool shared) {
  uint64_t *buf = jk_arg_buffer();
  size_t out = 8 * ((size_t)cb->result_slots + 1);
  for (uint32_t i = 1; i <= cb->arg_slots; i++) buf[i] = frame[i];
  napi_handle_scope scope = NULL;
  napi_value fn, recv, result;
  napi_status st;
  if (shared && enter_batch(env)) {
    if (cb->cached_generation != batch.generation) {
      if (napi_get_reference_value(env, cb->fn, &cb->cached_fn) != napi_ok) cb->cached_fn = NULL;
      cb->cached_generation = batch.generation;
    }
    fn = cb->cached_fn;
  } else {
    if (napi_open_handle_scope(env, &scope) != napi_ok) {
      memset(frame, 0, out);
      return;
    }
    if (napi_get_reference_value(env, cb->fn, &fn) != napi_ok) fn = NULL;
  }
  if (fn != NULL) {
    napi_get_undefined(env, &recv);
    st = napi_call_function(env, recv, fn, 0, NULL, &result);
  } else {
    st = napi_generic_failure;
  }
  if (st == napi_ok) {
    for (uint32_t i = 0; i <= cb->result_slots; i++) frame[i] = buf[i];
  } else {
    memset(frame, 0, out);
  }
  if (scope != NULL) napi_close_handle_scope(env, scope);
}

static void die_freed(struct jk_callback *cb) {
  fprintf(stderr, "jitkit: callback '%s' was called from native code after callback.free(); aborting\n", cb->name);
  fflush(stderr);
  abort();
}

// The thread-safe function's JS-thread side: runs one queued call.
static void call_js(napi_env env, napi_value js_cb, void *context, void *data) {
  struct request *req = data;
  struct jk_callback *cb = req->cb;
  if (env != NULL && atomic_load(&cb->state) == CB_LIVE) {
    run_js(env, cb, req->frame, false);
    bool pending = false;
    napi_is_exception_pending(env, &pending);
    if (pending) {
      napi_value e;
      napi_get_and_clear_last_exception(env, &e);
      napi_fatal_exception(env, e); // no JS caller: the process's uncaught-exception path
    }
  } else {
    // Torn down, or freed after a POST call was queued: nothing runs.
    memset(req->frame, 0, 8 * ((size_t)cb->result_slots + 1));
  }
  if (req->wait) {
    pthread_mutex_lock(&req->mu);
    req->done = true;
    pthread_cond_signal(&req->cv);
    pthread_mutex_unlock(&req->mu);
  } else {
    free(req->frame);
    free(req);
  }
}

// A call on a thread other than the callback's JS thread.
static void dispatch_foreign(struct jk_callback *cb, uint64_t *frame) {
  struct ffi_env *fe = cb->fe;
  size_t out = 8 * ((size_t)cb->result_slots + 1);
  size_t in = 8 * ((size_t)cb->arg_slots + 1);
  if (cb->mode == MODE_POST) {
    struct request *req = calloc(1, sizeof *req);
    uint64_t *copy = malloc(in > out ? in : out);
    memset(frame, 0, out);
    if (req == NULL || copy == NULL) {
      free(req);
      free(copy);
      return;
    }
    memcpy(copy, frame, in);
    req->cb = cb;
    req->frame = copy;
    req->wait = false;
    pthread_mutex_lock(&fe->lock);
    napi_status st = fe->closing || fe->tsfn == NULL ? napi_closing : napi_call_threadsafe_function(fe->tsfn, req, napi_tsfn_nonblocking);
    pthread_mutex_unlock(&fe->lock);
    if (st != napi_ok) {
      free(copy);
      free(req);
    }
    return;
  }
  struct request req;
  req.cb = cb;
  req.frame = frame;
  req.wait = true;
  req.done = false;
  pthread_mutex_init(&req.mu, NULL);
  pthread_cond_init(&req.cv, NULL);
  pthread_mutex_lock(&fe->lock);
  napi_status st = fe->closing || fe->tsfn == NULL ? napi_closing : napi_call_threadsafe_function(fe->tsfn, &req, napi_tsfn_blocking);
  pthread_mutex_unlock(&fe->lock);
  if (st == napi_ok) {
    pthread_mutex_lock(&req.mu);
    while (!req.done) pthread_cond_wait(&req.cv, &req.mu);
    pthread_mutex_unlock(&req.mu);
  } else {
    memset(frame, 0, out);
  }
  pthread_cond_destroy(&req.cv);
  pthread_mutex_destroy(&req.mu);
}


// ---------------------------------------------------------------------------
// Fiber calls: C code that calls callbacks runs on a stack of its own.
//
// A call whose signature takes a callback (fnptr) is made with invokeFiber*: the thunk runs
// on a fiber (a separate stack of this thread). When the C code calls a callback of this JS
// thread, the dispatcher copies the arguments into the argument buffer and switches back to
// the JS stack: invokeFiber returns true, the JS side (runtime/fiber-calls.ts) runs the
// callback's wrapper as a plain JS call, and resumeFiber switches back into the C code,
// which gets the result from the buffer. No C -> JS entry through Node-API per callback:
// each costs one JS -> C call instead. A call not made this way (or a callback from a
// fiber of another depth than the innermost) takes run_js's napi_call_function path.
//
// Fibers are kept per nesting depth (a callback making another fiber call uses the next)
// and reused; their stacks are 8 MiB of lazily committed memory under a guard page.

#define FIBER_STACK_BYTES ((size_t)8 << 20)
#define FIBER_GUARD_BYTES ((size_t)64 << 10)
#define FIBER_MAX_DEPTH 64

struct fiber {
  void *sp;        // the fiber's saved context while it waits (or before its first run)
  void *caller_sp; // the JS stack's saved context while the fiber runs
  uint32_t kind;   // 0: integer result, 1: double, 2: float (as the invoke functions)
  bool done;       // the call returned (its result is in the buffer's slot 0)
  struct jk_callback *cb; // a callback waiting for JS
};

// The JS side reads the waiting callback's id here (fiberState()).
static __thread struct { uint32_t callback_id; uint32_t depth; } fiber_state JK_TLS_MODEL;
static __thread struct fiber *fibers[FIBER_MAX_DEPTH];
static __thread uint32_t fiber_depth JK_TLS_MODEL;    // fibers in use on this thread
static __thread struct fiber *running_fiber JK_TLS_MODEL; // the fiber whose code runs now, NULL on the JS stack

// jk_fiber_switch(save, to): saves the callee-saved registers on this stack and its stack
// pointer in *save, then continues the context saved at `to`. MXCSR and the x87 control word
// are left as they are: C calling a callback hands them to JS as a direct call would.
void jk_fiber_switch(void **save, void *to) __attribute__((visibility("hidden")));
__asm__(
    ".text\n"
    ".globl jk_fiber_switch\n"
    ".hidden jk_fiber_switch\n"
    ".type jk_fiber_switch, @function\n"
    "jk_fiber_switch:\n"
    "  pushq %rbp\n"
    "  pushq %rbx\n"
    "  pushq %r12\n"
    "  pushq %r13\n"
    "  pushq %r14\n"
    "  pushq %r15\n"
    "  movq %rsp, (%rdi)\n"
    "  movq %rsi, %rsp\n"
    "  popq %r15\n"
    "  popq %r14\n"
    "  popq %r13\n"
    "  popq %r12\n"
    "  popq %rbx\n"
    "  popq %rbp\n"
    "  ret\n"
    ".size jk_fiber_switch, .-jk_fiber_switch\n");

static uintptr_t buffer_thunk(uint64_t *buffer) {
  double d;
  memcpy(&d, &buffer[JK_THUNK_SLOT], sizeof d);
  return (uintptr_t)(int64_t)d;
}

// Calls the thunk whose address is in `buffer` with its arguments there; the result goes to
// slot 0 (kind 0: integer in rax, 1: double, 2: float in xmm0), as the invoke functions do.
static void call_thunk(uint32_t kind, uint64_t *buffer) {
  uintptr_t thunk = buffer_thunk(buffer);
  if (kind == 1) {
    double r = ((double (*)(uint64_t *))thunk)(buffer);
    memcpy(&buffer[0], &r, sizeof r);
  } else if (kind == 2) {
    float r = ((float (*)(uint64_t *))thunk)(buffer);
    memcpy(&buffer[0], &r, sizeof r);
  } else {
    buffer[0] = ((uint64_t(*)(uint64_t *))thunk)(buffer);
  }
}

// Every fiber runs this loop: one call per switch in, then back to the JS stack.
static void fiber_main(void) {
  for (;;) {
    struct fiber *f = running_fiber;
    call_thunk(f->kind, jk_arg_buffer());
    f->done = true;
    jk_fiber_switch(&f->sp, f->caller_sp);
  }
}

static struct fiber *fiber_new(void) {
  size_t size = FIBER_STACK_BYTES + FIBER_GUARD_BYTES;
  char *mem = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
  if (mem == MAP_FAILED) return NULL;
  if (mprotect(mem, FIBER_GUARD_BYTES, PROT_NONE) != 0) {
    munmap(mem, size);
    return NULL;
  }
  struct fiber *f = calloc(1, sizeof *f);
  if (f == NULL) {
    munmap(mem, size);
    return NULL;
  }
  // The first switch in pops the six registers jk_fiber_switch pushes and "returns" into
  // fiber_main with rsp = 8 (mod 16), as at a function's entry.
  uint64_t *top = (uint64_t *)(mem + size);
  uint64_t *sp = top - 8;
  memset(sp, 0, 8 * sizeof *sp);
  sp[6] = (uint64_t)(uintptr_t)fiber_main; // return address of jk_fiber_switch's ret
  f->sp = sp;
  return f;
}

// Switches into the innermost fiber; back on the JS stack, tells JS whether a callback waits.
static napi_value fiber_run(napi_env env, struct fiber *f) {
  running_fiber = f;
  jk_fiber_switch(&f->caller_sp, f->sp);
  running_fiber = NULL;
  napi_value r;
  if (f->done) {
    fiber_depth--;
    fiber_state.depth = fiber_depth;
    napi_get_boolean(env, false, &r);
  } else {
    fiber_state.callback_id = f->cb->id;
    napi_get_boolean(env, true, &r);
  }
  return r;
}

// invokeFiber{Int,F64,F32}(): boolean — as invokeInt & co. (arguments, target and thunk in the
// buffer), on a fiber; true when a callback waits for JS (then resumeFiber() after running it).
static napi_value js_invoke_fiber(napi_env env, napi_callback_info info) {
  void *data = NULL;
  napi_get_cb_info(env, info, NULL, NULL, NULL, &data);
  uint32_t kind = (uint32_t)(uintptr_t)data;
  if (running_fiber != NULL) return throw_type(env, "jitkit native: fiber call from a fiber");
  struct fiber *f = fiber_depth < FIBER_MAX_DEPTH ? fibers[fiber_depth] : NULL;
  if (f == NULL && fiber_depth < FIBER_MAX_DEPTH) f = fibers[fiber_depth] = fiber_new();
  napi_value r;
  if (f == NULL) {
    // Too deep, or no memory for a stack: the call runs here; callbacks take the Node-API path.
    jk_ffi_enter();
    call_thunk(kind, jk_arg_buffer());
    jk_ffi_leave(env);
    napi_get_boolean(env, false, &r);
    return r;
  }
  fiber_depth++;
  fiber_state.depth = fiber_depth;
  f->kind = kind;
  f->done = false;
  f->cb = NULL;
  return fiber_run(env, f);
}

// resumeFiber(): boolean — continues the innermost waiting fiber (its callback's result is in
// the buffer); true when it waits for another callback.
static napi_value js_resume_fiber(napi_env env, napi_callback_info info) {
  if (running_fiber != NULL || fiber_depth == 0 || fibers[fiber_depth - 1]->done || fibers[fiber_depth - 1]->cb == NULL)
    return throw_type(env, "jitkit native: no fiber waits for a callback");
  struct fiber *f = fibers[fiber_depth - 1];
  f->cb = NULL;
  return fiber_run(env, f);
}

// fiberState(): ArrayBuffer over this thread's { callback_id: u32, depth: u32 }.
static napi_value js_fiber_state(napi_env env, napi_callback_info info) {
  napi_value ab;
  if (napi_create_external_arraybuffer(env, &fiber_state, sizeof fiber_state, NULL, NULL, &ab) != napi_ok) {
    napi_throw_error(env, "ERR_JITKIT_NAPI", "jitkit native: this Node.js does not allow views of native memory");
    return NULL;
  }
  return ab;
}

// On the fiber: hands the callback to JS and waits for its result.
static void dispatch_to_js_stack(struct fiber *f, struct jk_callback *cb, uint64_t *frame) {
  uint64_t *buf = jk_arg_buffer();
  for (uint32_t i = 1; i <= cb->arg_slots; i++) buf[i] = frame[i];
  f->cb = cb;
  jk_fiber_switch(&f->sp, f->caller_sp);
  for (uint32_t i = 0; i <= cb->result_slots; i++) frame[i] = buf[i];
}

// Called by every callback thunk: frame slots 1.. hold the arguments; on return
// slot 0 (scalars) or slots 1.. (records) hold the result.
void jk_callback_dispatch(struct jk_callback *cb, uint64_t *frame) {
  if (__builtin_expect(atomic_load_explicit(&cb->state, memory_order_acquire) != CB_LIVE, 0)) die_freed(cb);
  // On the calling thread, while what the pointers point to surely exists.
  for (uint32_t i = 0; i < cb->nderefs; i++) {
    const void *p = (const void *)(uintptr_t)frame[cb->derefs[i].arg_slot];
    if (p != NULL) memcpy(&frame[cb->derefs[i].dest_slot], p, cb->derefs[i].size);
  }
  struct ffi_env *fe = this_env;
  if (__builtin_expect(fe == cb->fe, 1)) {
    struct fiber *f = running_fiber;
    if (f != NULL && cb->id != 0) dispatch_to_js_stack(f, cb, frame);
    else run_js(fe->env, cb, frame, true);
  } else {
    dispatch_foreign(cb, frame);
  }
}

static void env_closing(void *data) {
  struct ffi_env *fe = data;
  pthread_mutex_lock(&fe->lock);
  fe->closing = true;
  if (fe->tsfn != NULL) napi_release_threadsafe_function(fe->tsfn, napi_tsfn_abort);
  fe->tsfn = NULL;
  pthread_mutex_unlock(&fe->lock);
  if (this_env == fe) this_env = NULL;
}

// callbackCreate(fn, argSlots, resultSlots, mode, name, derefs: Uint32Array of
// [argSlot, destSlot, size]..., id): bigint record address. id: the JS side's index of the
// wrapper for fiber calls (0: none, always the Node-API path). argSlots counts the slots of
// the arguments and of the pointees copied for deref arguments.
static napi_value js_callback_create(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value argv[7];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 7) return throw_type(env, "jitkit native: callbackCreate needs 7 arguments");
  napi_valuetype t;
  napi_typeof(env, argv[0], &t);
  if (t != napi_function) return throw_type(env, "jitkit native: callback must be a function");
  uint32_t arg_slots, result_slots, mode, id;
  if (!arg_u32(env, argv[1], &arg_slots) || !arg_u32(env, argv[2], &result_slots) || !arg_u32(env, argv[3], &mode) || !arg_u32(env, argv[6], &id)) return NULL;
  if (arg_slots >= JK_TARGET_SLOT || result_slots >= JK_TARGET_SLOT || mode > MODE_POST) return throw_type(env, "jitkit native: bad callback layout");
  struct ffi_env *fe = this_env;
  if (fe == NULL) return throw_type(env, "jitkit native: no environment on this thread");
  if (fe->tsfn == NULL) {
    napi_value name;
    napi_create_string_utf8(env, "jitkit callback", NAPI_AUTO_LENGTH, &name);
    napi_threadsafe_function tsfn;
    if (napi_create_threadsafe_function(env, NULL, NULL, name, 0, 1, NULL, NULL, NULL, call_js, &tsfn) != napi_ok) {
      napi_throw_error(env, "ERR_JITKIT_NAPI", "jitkit native: napi_create_threadsafe_function failed");
      return NULL;
    }
    napi_unref_threadsafe_function(env, tsfn); // callback.ref() keeps the loop alive
    pthread_mutex_lock(&fe->lock);
    fe->tsfn = tsfn;
    pthread_mutex_unlock(&fe->lock);
  }
  bool is_typed = false;
  napi_typedarray_type dtype;
  size_t nd = 0;
  void *ddata = NULL;
  napi_is_typedarray(env, argv[5], &is_typed);
  if (!is_typed || napi_get_typedarray_info(env, argv[5], &dtype, &nd, &ddata, NULL, NULL) != napi_ok || dtype != napi_uint32_array || nd % 3 != 0)
    return throw_type(env, "jitkit native: derefs must be a Uint32Array of triples");
  const uint32_t *d = ddata;
  for (size_t i = 0; i < nd; i += 3) {
    if (d[i] == 0 || d[i] > arg_slots || d[i + 1] == 0 || d[i + 1] + (d[i + 2] + 7) / 8 - 1 > arg_slots) return throw_type(env, "jitkit native: bad deref layout");
  }
  struct jk_callback *cb = calloc(1, sizeof *cb + (nd / 3) * sizeof cb->derefs[0]);
  if (cb == NULL) {
    napi_throw_error(env, "ENOMEM", "jitkit native: out of memory for a callback");
    return NULL;
  }
  if (napi_create_reference(env, argv[0], 1, &cb->fn) != napi_ok) {
    free(cb);
    napi_throw_error(env, "ERR_JITKIT_NAPI", "jitkit native: napi_create_reference failed");
    return NULL;
  }
  size_t n = 0;
  napi_get_value_string_utf8(env, argv[4], cb->name, sizeof cb->name, &n);
  cb->magic = CB_MAGIC;
  cb->fe = fe;
  cb->arg_slots = arg_slots;
  cb->result_slots = result_slots;
  cb->mode = (int32_t)mode;
  cb->id = id;
  cb->nderefs = (uint32_t)(nd / 3);
  for (uint32_t i = 0; i < cb->nderefs; i++) {
    cb->derefs[i].arg_slot = d[3 * i];
    cb->derefs[i].dest_slot = d[3 * i + 1];
    cb->derefs[i].size = d[3 * i + 2];
  }
  atomic_store(&cb->state, CB_LIVE);
  return make_address(env, (uintptr_t)cb);
}

static struct jk_callback *arg_callback(napi_env env, napi_value v) {
  uintptr_t a;
  if (!arg_address(env, v, &a)) return NULL;
  struct jk_callback *cb = (struct jk_callback *)a;
  if (cb == NULL || cb->magic != CB_MAGIC || cb->fe != this_env) {
    throw_type(env, "jitkit native: not a callback of this thread");
    return NULL;
  }
  return cb;
}

static void set_refd(napi_env env, struct jk_callback *cb, bool refd) {
  struct ffi_env *fe = cb->fe;
  if (cb->refd == refd || fe->tsfn == NULL) return;
  cb->refd = refd;
  fe->refs += refd ? 1 : -1;
  if (refd && fe->refs == 1) napi_ref_threadsafe_function(env, fe->tsfn);
  if (!refd && fe->refs == 0) napi_unref_threadsafe_function(env, fe->tsfn);
}

// callbackFree(record): undefined — later calls from C abort with a message.
static napi_value js_callback_free(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 1) return throw_type(env, "jitkit native: too few arguments");
  struct jk_callback *cb = arg_callback(env, argv[0]);
  if (cb == NULL) return NULL;
  if (atomic_exchange(&cb->state, CB_FREED) == CB_LIVE) {
    set_refd(env, cb, false);
    napi_delete_reference(env, cb->fn);
    cb->fn = NULL;
  }
  return NULL;
}

// callbackRef(record, keepAlive: boolean): undefined
static napi_value js_callback_ref(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 2) return throw_type(env, "jitkit native: too few arguments");
  struct jk_callback *cb = arg_callback(env, argv[0]);
  if (cb == NULL) return NULL;
  bool keep = false;
  napi_get_value_bool(env, argv[1], &keep);
  if (atomic_load(&cb->state) == CB_LIVE) set_refd(env, cb, keep);
  return NULL;
}

// ---------------------------------------------------------------------------
// Calls on the libuv thread pool

struct async_call {
  napi_async_work work;
  napi_deferred deferred;
  uint32_t kind; // 0: integer result, 1: double, 2: float (as the invoke functions)
  uint32_t arg_slots, result_slots;
  uint64_t target, thunk;
  uint64_t slots[]; // max(arg_slots, result_slots) + 1
};

static void async_execute(napi_env env, void *data) {
  struct async_call *c = data;
  uint64_t buffer[JK_ARG_BUFFER_SLOTS];
  memcpy(buffer, c->slots, 8 * ((size_t)c->arg_slots + 1));
  buffer[JK_TARGET_SLOT] = c->target;
  buffer[JK_THUNK_SLOT] = c->thunk;
  call_thunk(c->kind, buffer);
  memcpy(c->slots, buffer, 8 * ((size_t)c->result_slots + 1));
}

static void async_complete(napi_env env, napi_status status, void *data) {
  struct async_call *c = data;
  if (status == napi_ok) {
    void *bytes;
    napi_value ab;
    size_t n = 8 * ((size_t)c->result_slots + 1);
    if (napi_create_arraybuffer(env, n, &bytes, &ab) == napi_ok) {
      memcpy(bytes, c->slots, n);
      napi_resolve_deferred(env, c->deferred, ab);
    } else {
      napi_value e;
      napi_get_and_clear_last_exception(env, &e);
      napi_reject_deferred(env, c->deferred, e);
    }
  } else {
    napi_value msg, e;
    napi_create_string_utf8(env, "jitkit: the asynchronous call was cancelled", NAPI_AUTO_LENGTH, &msg);
    napi_create_error(env, NULL, msg, &e);
    napi_reject_deferred(env, c->deferred, e);
  }
  napi_delete_async_work(env, c->work);
  free(c);
}

// invokeAsync(kind, argSlots, resultSlots): Promise<ArrayBuffer> — runs the call
// whose arguments, target and thunk the JS side just stored in the buffer.
static napi_value js_invoke_async(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 3) return throw_type(env, "jitkit native: too few arguments");
  uint32_t kind, arg_slots, result_slots;
  if (!arg_u32(env, argv[0], &kind) || !arg_u32(env, argv[1], &arg_slots) || !arg_u32(env, argv[2], &result_slots)) return NULL;
  if (kind > 2 || arg_slots >= JK_TARGET_SLOT || result_slots >= JK_TARGET_SLOT) return throw_type(env, "jitkit native: bad asynchronous call layout");
  uint64_t *buf = jk_arg_buffer();
  size_t n = (arg_slots > result_slots ? arg_slots : result_slots) + 1;
  struct async_call *c = calloc(1, sizeof *c + 8 * n);
  if (c == NULL) {
    napi_throw_error(env, "ENOMEM", "jitkit native: out of memory for an asynchronous call");
    return NULL;
  }
  c->kind = kind;
  c->arg_slots = arg_slots;
  c->result_slots = result_slots;
  c->target = buf[JK_TARGET_SLOT];
  c->thunk = buf[JK_THUNK_SLOT];
  memcpy(c->slots, buf, 8 * ((size_t)arg_slots + 1));
  napi_value promise, name;
  napi_create_string_utf8(env, "jitkit.async", NAPI_AUTO_LENGTH, &name);
  if (napi_create_promise(env, &c->deferred, &promise) != napi_ok ||
      napi_create_async_work(env, NULL, name, async_execute, async_complete, c, &c->work) != napi_ok ||
      napi_queue_async_work(env, c->work) != napi_ok) {
    free(c);
    bool pending = false;
    napi_is_exception_pending(env, &pending);
    if (!pending) napi_throw_error(env, "ERR_JITKIT_NAPI", "jitkit native: could not queue the asynchronous call");
    return NULL;
  }
  return promise;
}

// ---------------------------------------------------------------------------
// Native memory as JS values

// viewAt(address: bigint, length): ArrayBuffer over native memory (not owned, never freed by JS).
static napi_value js_view_at(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 2) return throw_type(env, "jitkit native: too few arguments");
  uintptr_t a;
  uint32_t len;
  if (!arg_address(env, argv[0], &a) || !arg_u32(env, argv[1], &len)) return NULL;
  napi_value ab;
  if (napi_create_external_arraybuffer(env, (void *)a, len, NULL, NULL, &ab) != napi_ok) {
    bool pending = false;
    napi_is_exception_pending(env, &pending);
    if (!pending) napi_throw_error(env, "ERR_JITKIT_NAPI", "jitkit native: this Node.js does not allow views of native memory");
    return NULL;
  }
  return ab;
}

// readCString(address: number): string — UTF-8 up to the NUL; readCString16 (callback
// data non-NULL): UTF-16 up to the 0 unit.
static napi_value js_read_cstring(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  void *utf16 = NULL;
  napi_get_cb_info(env, info, &argc, argv, NULL, &utf16);
  size_t a; // an address as a number: exact below 2^53, where user space is
  if (argc < 1 || !arg_size(env, argv[0], &a)) return NULL;
  napi_value s;
  if (utf16 != NULL) napi_create_string_utf16(env, (const char16_t *)a, NAPI_AUTO_LENGTH, &s);
  else napi_create_string_utf8(env, (const char *)a, NAPI_AUTO_LENGTH, &s);
  return s;
}

// ffiAddresses(): { dispatch } — entry points generated code calls.
static napi_value js_ffi_addresses(napi_env env, napi_callback_info info) {
  napi_value o;
  napi_create_object(env, &o);
  napi_set_named_property(env, o, "dispatch", make_address(env, (uintptr_t)jk_callback_dispatch));
  return o;
}

napi_status jk_ffi_init(napi_env env, napi_value exports) {
  if (this_env == NULL) {
    struct ffi_env *fe = calloc(1, sizeof *fe);
    if (fe == NULL) return napi_generic_failure;
    fe->env = env;
    fe->thread = pthread_self();
    pthread_mutex_init(&fe->lock, NULL);
    this_env = fe;
    napi_add_env_cleanup_hook(env, env_closing, fe);
  }
  napi_property_descriptor fns[] = {
      {"callbackCreate", NULL, js_callback_create, NULL, NULL, NULL, napi_default, NULL},
      {"callbackFree", NULL, js_callback_free, NULL, NULL, NULL, napi_default, NULL},
      {"callbackRef", NULL, js_callback_ref, NULL, NULL, NULL, napi_default, NULL},
      {"invokeAsync", NULL, js_invoke_async, NULL, NULL, NULL, napi_default, NULL},
      {"viewAt", NULL, js_view_at, NULL, NULL, NULL, napi_default, NULL},
      {"readCString", NULL, js_read_cstring, NULL, NULL, NULL, napi_default, NULL},
      {"readCString16", NULL, js_read_cstring, NULL, NULL, NULL, napi_default, (void *)1},
      {"ffiAddresses", NULL, js_ffi_addresses, NULL, NULL, NULL, napi_default, NULL},
      {"invokeFiberInt", NULL, js_invoke_fiber, NULL, NULL, NULL, napi_default, (void *)0},
      {"invokeFiberF64", NULL, js_invoke_fiber, NULL, NULL, NULL, napi_default, (void *)1},
      {"invokeFiberF32", NULL, js_invoke_fiber, NULL, NULL, NULL, napi_default, (void *)2},
      {"resumeFiber", NULL, js_resume_fiber, NULL, NULL, NULL, napi_default, NULL},
      {"fiberState", NULL, js_fiber_state, NULL, NULL, NULL, napi_default, NULL},
  };
  return napi_define_properties(env, exports, sizeof fns / sizeof fns[0], fns);
}
