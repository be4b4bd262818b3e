// The FFI part of the addon (native/ffi.c): callbacks from C into JS, calls on
// the libuv thread pool, and views of native memory. jitkit.c owns the
// thread's argument buffer and calls jk_ffi_init from its init.
#ifndef JITKIT_FFI_H
#define JITKIT_FFI_H

#include <stdint.h>
#include <node_api.h>

// Slots of the argument buffer (uint64_t each); the last two hold the target
// and thunk addresses as doubles (src/runtime/marshal.ts TARGET_SLOT, THUNK_SLOT).
#define JK_ARG_BUFFER_SLOTS 4096
#define JK_TARGET_SLOT (JK_ARG_BUFFER_SLOTS - 2)
#define JK_THUNK_SLOT (JK_ARG_BUFFER_SLOTS - 1)

// Helpers of jitkit.c: a TypeError; a bigint argument as an address (0 after throwing); an address as a bigint.
napi_value throw_type(napi_env env, const char *msg);
int arg_address(napi_env env, napi_value v, uintptr_t *out);
// A number argument from 0 to 2^53 (sizes, and addresses passed as numbers); 0 after throwing.
int arg_size(napi_env env, napi_value v, size_t *out);
napi_value make_address(napi_env env, uintptr_t a);

// The calling thread's argument buffer (NULL on a thread without a JS environment).
uint64_t *jk_arg_buffer(void);

// Initial-exec TLS (one %fs-relative access) where the C library allows it in a dlopen'ed
// library: glibc does for a few bytes, musl does not.
#if defined(__GLIBC__)
#define JK_TLS_MODEL __attribute__((tls_model("initial-exec")))
#else
#define JK_TLS_MODEL
#endif

// Callbacks on the JS thread during a jitkit call share one Node-API handle scope (opening
// one per callback costs more than the rest of the callback). `depth` counts the jitkit
// invoke calls on this thread's stack; `open_depth` is the depth whose callbacks have the
// shared scope open (0: none). The invoke functions bracket every call with
// jk_ffi_enter/jk_ffi_leave, which closes the scope before the invoke returns to Node.
struct jk_cb_batch {
  uint32_t depth;
  uint32_t open_depth;
};
extern __thread struct jk_cb_batch jk_cb_batch JK_TLS_MODEL;
void jk_ffi_close_batch(napi_env env);

static inline void jk_ffi_enter(void) { jk_cb_batch.depth++; }

static inline void jk_ffi_leave(napi_env env) {
  if (__builtin_expect(jk_cb_batch.open_depth == jk_cb_batch.depth, 0)) jk_ffi_close_batch(env);
  jk_cb_batch.depth--;
}

// Adds the FFI functions to the addon's exports; called once per environment.
napi_status jk_ffi_init(napi_env env, napi_value exports);

#endif
