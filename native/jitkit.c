// jitkit native addon: the few things JavaScript cannot do by itself.
//
// It maps, protects and unmaps memory, creates memfds, copies bytes to and from
// raw addresses, and calls a raw address with a fixed minimal signature. Every
// failing system call becomes a JS Error naming the call and the errno. All
// policy (W^X, allocation, bounds checks, freed-code checks) lives in
// TypeScript: src/runtime/. Functions here trust the TS layer for addresses
// and lengths, but check JS types so that misuse throws instead of crashing.

#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <dlfcn.h>
#include <node_api.h>
#include "ffi.h"

// The prebuilt glibc binary must load on every glibc Node 20 runs on (2.28 and later). glibc
// 2.34 moved dlopen & co. from libdl into libc under a new symbol version; bind the original
// version, which every glibc has: in libc.so.6 since 2.34, before that in libdl.so.2, which a
// Node built against such a glibc links itself (libuv calls dlopen).
#if defined(__GLIBC__) && defined(__x86_64__)
__asm__(".symver dlopen,dlopen@GLIBC_2.2.5");
__asm__(".symver dlsym,dlsym@GLIBC_2.2.5");
__asm__(".symver dlerror,dlerror@GLIBC_2.2.5");
__asm__(".symver dlclose,dlclose@GLIBC_2.2.5");
#endif

// ---------------------------------------------------------------------------
// Test-only fault injection: failNext("mmap", ENOMEM, skip) lets `skip` calls of
// that system call through, then makes the next one fail with that errno
// without entering the kernel.

enum { FAIL_MMAP, FAIL_MPROTECT, FAIL_MUNMAP, FAIL_MEMFD_CREATE, FAIL_FTRUNCATE, FAIL_COUNT };
static const char *const fail_names[FAIL_COUNT] = {"mmap", "mprotect", "munmap", "memfd_create",
                                                   "ftruncate"};
static int fail_errno[FAIL_COUNT];
static int fail_skip[FAIL_COUNT];

static int injected(int which) {
  int e = fail_errno[which];
  if (e != 0 && fail_skip[which] > 0) {
    fail_skip[which]--;
    return 0;
  }
  if (e != 0) {
    fail_errno[which] = 0;
    errno = e;
    return 1;
  }
  return 0;
}

// ---------------------------------------------------------------------------
// Error helpers

#define CHECK(call)                                                                                \
  do {                                                                                             \
    if ((call) != napi_ok) return throw_pending(env);                                              \
  } while (0)

static napi_value throw_pending(napi_env env) {
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (!pending) napi_throw_error(env, "ERR_JITKIT_NAPI", "jitkit native: Node-API call failed");
  return NULL;
}

napi_value throw_type(napi_env env, const char *msg) {
  napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", msg);
  return NULL;
}

// The symbolic name of an errno value (glibc's strerrorname_np is 2.32+ and musl has none).
// Where two names share a value (EAGAIN/EWOULDBLOCK, ...) the first listed wins.
#define ERRNO_NAME(e) {e, #e}
static const struct {
  int code;
  const char *name;
} errno_names[] = {
    ERRNO_NAME(EPERM),     ERRNO_NAME(ENOENT),       ERRNO_NAME(ESRCH),        ERRNO_NAME(EINTR),
    ERRNO_NAME(EIO),       ERRNO_NAME(ENXIO),        ERRNO_NAME(E2BIG),        ERRNO_NAME(ENOEXEC),
    ERRNO_NAME(EBADF),     ERRNO_NAME(ECHILD),       ERRNO_NAME(EAGAIN),       ERRNO_NAME(ENOMEM),
    ERRNO_NAME(EACCES),    ERRNO_NAME(EFAULT),       ERRNO_NAME(EBUSY),        ERRNO_NAME(EEXIST),
    ERRNO_NAME(EXDEV),     ERRNO_NAME(ENODEV),       ERRNO_NAME(ENOTDIR),      ERRNO_NAME(EISDIR),
    ERRNO_NAME(EINVAL),    ERRNO_NAME(ENFILE),       ERRNO_NAME(EMFILE),       ERRNO_NAME(ENOTTY),
    ERRNO_NAME(ETXTBSY),   ERRNO_NAME(EFBIG),        ERRNO_NAME(ENOSPC),       ERRNO_NAME(ESPIPE),
    ERRNO_NAME(EROFS),     ERRNO_NAME(EMLINK),       ERRNO_NAME(EPIPE),        ERRNO_NAME(EDOM),
    ERRNO_NAME(ERANGE),    ERRNO_NAME(EDEADLK),      ERRNO_NAME(ENAMETOOLONG), ERRNO_NAME(ENOLCK),
    ERRNO_NAME(ENOSYS),    ERRNO_NAME(ENOTEMPTY),    ERRNO_NAME(ELOOP),        ERRNO_NAME(ENODATA),
    ERRNO_NAME(EOVERFLOW), ERRNO_NAME(EOPNOTSUPP),   ERRNO_NAME(ENOTSUP),      ERRNO_NAME(ECANCELED),
    ERRNO_NAME(EDQUOT),    ERRNO_NAME(ENOMEDIUM),    ERRNO_NAME(EMEDIUMTYPE),  ERRNO_NAME(EHWPOISON),
};

static const char *errno_name(int err) {
  for (size_t i = 0; i < sizeof errno_names / sizeof errno_names[0]; i++) {
    if (errno_names[i].code == err) return errno_names[i].name;
  }
  return NULL;
}

// Throws Error("<call> failed: <strerror> (<ENAME>, errno <n>)") with .code,
// .errno and .syscall set, like Node's own system errors.
static napi_value throw_errno(napi_env env, const char *call, int err) {
  const char *name = errno_name(err);
  char msg[256];
  snprintf(msg, sizeof msg, "%s failed: %s (%s, errno %d)", call, strerror(err),
           name ? name : "E?", err);
  napi_value js_msg, js_code, error, js_errno, js_call;
  napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &js_msg);
  napi_create_string_utf8(env, name ? name : "EUNKNOWN", NAPI_AUTO_LENGTH, &js_code);
  napi_create_error(env, js_code, js_msg, &error);
  napi_create_int32(env, err, &js_errno);
  napi_create_string_utf8(env, call, NAPI_AUTO_LENGTH, &js_call);
  napi_set_named_property(env, error, "errno", js_errno);
  napi_set_named_property(env, error, "syscall", js_call);
  napi_set_named_property(env, error, "code", js_code);
  napi_throw(env, error);
  return NULL;
}

// ---------------------------------------------------------------------------
// Argument helpers

int arg_address(napi_env env, napi_value v, uintptr_t *out) {
  uint64_t x;
  bool lossless;
  if (napi_get_value_bigint_uint64(env, v, &x, &lossless) != napi_ok) {
    throw_type(env, "jitkit native: address must be a bigint");
    return 0;
  }
  *out = (uintptr_t)x;
  return 1;
}

int arg_size(napi_env env, napi_value v, size_t *out) {
  double d;
  if (napi_get_value_double(env, v, &d) != napi_ok || !(d >= 0) || d > 9007199254740991.0) {
    throw_type(env, "jitkit native: size must be a non-negative number");
    return 0;
  }
  *out = (size_t)d;
  return 1;
}

static int arg_int(napi_env env, napi_value v, int32_t *out) {
  if (napi_get_value_int32(env, v, out) != napi_ok) {
    throw_type(env, "jitkit native: expected an integer");
    return 0;
  }
  return 1;
}

napi_value make_address(napi_env env, uintptr_t a) {
  napi_value r;
  napi_create_bigint_uint64(env, (uint64_t)a, &r);
  return r;
}

static napi_value undefined(napi_env env) {
  napi_value r;
  napi_get_undefined(env, &r);
  return r;
}

#define ARGS(n)                                                                                    \
  size_t argc = (n);                                                                               \
  napi_value argv[(n) > 0 ? (n) : 1];                                                              \
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));                                     \
  if (argc < (n)) return throw_type(env, "jitkit native: too few arguments");

// ---------------------------------------------------------------------------
// System calls

// pageSize(): number
static napi_value js_page_size(napi_env env, napi_callback_info info) {
  napi_value r;
  napi_create_int32(env, (int32_t)sysconf(_SC_PAGESIZE), &r);
  return r;
}

// mmap(length, prot, flags, fd, offset): bigint address
static napi_value js_mmap(napi_env env, napi_callback_info info) {
  ARGS(5);
  size_t len, off;
  int32_t prot, flags, fd;
  if (!arg_size(env, argv[0], &len) || !arg_int(env, argv[1], &prot) ||
      !arg_int(env, argv[2], &flags) || !arg_int(env, argv[3], &fd) ||
      !arg_size(env, argv[4], &off))
    return NULL;
  if (injected(FAIL_MMAP)) return throw_errno(env, "mmap", errno);
  void *p = mmap(NULL, len, prot, flags, fd, (off_t)off);
  if (p == MAP_FAILED) return throw_errno(env, "mmap", errno);
  return make_address(env, (uintptr_t)p);
}

// mprotect(address, length, prot): undefined
static napi_value js_mprotect(napi_env env, napi_callback_info info) {
  ARGS(3);
  uintptr_t addr;
  size_t len;
  int32_t prot;
  if (!arg_address(env, argv[0], &addr) || !arg_size(env, argv[1], &len) ||
      !arg_int(env, argv[2], &prot))
    return NULL;
  if (injected(FAIL_MPROTECT)) return throw_errno(env, "mprotect", errno);
  if (mprotect((void *)addr, len, prot) != 0) return throw_errno(env, "mprotect", errno);
  return undefined(env);
}

// munmap(address, length): undefined
static napi_value js_munmap(napi_env env, napi_callback_info info) {
  ARGS(2);
  uintptr_t addr;
  size_t len;
  if (!arg_address(env, argv[0], &addr) || !arg_size(env, argv[1], &len)) return NULL;
  if (injected(FAIL_MUNMAP)) return throw_errno(env, "munmap", errno);
  if (munmap((void *)addr, len) != 0) return throw_errno(env, "munmap", errno);
  return undefined(env);
}

// memfdCreate(name, flags): number fd
static napi_value js_memfd_create(napi_env env, napi_callback_info info) {
  ARGS(2);
  char name[64];
  size_t n;
  int32_t flags;
  if (napi_get_value_string_utf8(env, argv[0], name, sizeof name, &n) != napi_ok)
    return throw_type(env, "jitkit native: memfd name must be a string");
  if (!arg_int(env, argv[1], &flags)) return NULL;
  if (injected(FAIL_MEMFD_CREATE)) return throw_errno(env, "memfd_create", errno);
  int fd = memfd_create(name, (unsigned)flags);
  if (fd < 0) return throw_errno(env, "memfd_create", errno);
  napi_value r;
  napi_create_int32(env, fd, &r);
  return r;
}

// ftruncate(fd, length): undefined
static napi_value js_ftruncate(napi_env env, napi_callback_info info) {
  ARGS(2);
  int32_t fd;
  size_t len;
  if (!arg_int(env, argv[0], &fd) || !arg_size(env, argv[1], &len)) return NULL;
  if (injected(FAIL_FTRUNCATE)) return throw_errno(env, "ftruncate", errno);
  if (ftruncate(fd, (off_t)len) != 0) return throw_errno(env, "ftruncate", errno);
  return undefined(env);
}

// close(fd): undefined
static napi_value js_close(napi_env env, napi_callback_info info) {
  ARGS(1);
  int32_t fd;
  if (!arg_int(env, argv[0], &fd)) return NULL;
  if (close(fd) != 0) return throw_errno(env, "close", errno);
  return undefined(env);
}

// ---------------------------------------------------------------------------
// Memory access at raw addresses (the TS layer checks bounds and state)

// write(address, bytes: Uint8Array): undefined — memcpy into memory the caller owns.
static napi_value js_write(napi_env env, napi_callback_info info) {
  ARGS(2);
  uintptr_t addr;
  if (!arg_address(env, argv[0], &addr)) return NULL;
  bool is_typed;
  napi_is_typedarray(env, argv[1], &is_typed);
  if (!is_typed) return throw_type(env, "jitkit native: bytes must be a Uint8Array");
  napi_typedarray_type type;
  size_t length;
  void *data;
  CHECK(napi_get_typedarray_info(env, argv[1], &type, &length, &data, NULL, NULL));
  if (type != napi_uint8_array) return throw_type(env, "jitkit native: bytes must be a Uint8Array");
  if (length > 0) memcpy((void *)addr, data, length);
  return undefined(env);
}

// fill(address, length, byte): undefined
static napi_value js_fill(napi_env env, napi_callback_info info) {
  ARGS(3);
  uintptr_t addr;
  size_t len;
  int32_t byte;
  if (!arg_address(env, argv[0], &addr) || !arg_size(env, argv[1], &len) ||
      !arg_int(env, argv[2], &byte))
    return NULL;
  memset((void *)addr, byte & 0xff, len);
  return undefined(env);
}

// read(address, length): Buffer (a copy)
static napi_value js_read(napi_env env, napi_callback_info info) {
  ARGS(2);
  uintptr_t addr;
  size_t len;
  if (!arg_address(env, argv[0], &addr) || !arg_size(env, argv[1], &len)) return NULL;
  napi_value buf;
  CHECK(napi_create_buffer_copy(env, len, (const void *)addr, NULL, &buf));
  return buf;
}

// addressOf(typedArrayOrBuffer): bigint — the data address of a JS buffer.
static napi_value js_address_of(napi_env env, napi_callback_info info) {
  ARGS(1);
  void *data = NULL;
  bool is;
  napi_is_typedarray(env, argv[0], &is);
  if (is) {
    size_t byte_offset;
    napi_value ab;
    CHECK(napi_get_typedarray_info(env, argv[0], NULL, NULL, &data, &ab, &byte_offset));
    return make_address(env, (uintptr_t)data);
  }
  napi_is_dataview(env, argv[0], &is);
  if (is) {
    CHECK(napi_get_dataview_info(env, argv[0], NULL, &data, NULL, NULL));
    return make_address(env, (uintptr_t)data);
  }
  napi_is_arraybuffer(env, argv[0], &is);
  if (is) {
    CHECK(napi_get_arraybuffer_info(env, argv[0], &data, NULL));
    return make_address(env, (uintptr_t)data);
  }
  return throw_type(env, "jitkit native: expected a TypedArray, DataView or ArrayBuffer");
}

// isDetached(arrayBuffer): boolean
static napi_value js_is_detached(napi_env env, napi_callback_info info) {
  ARGS(1);
  bool detached = false;
  if (napi_is_detached_arraybuffer(env, argv[0], &detached) != napi_ok)
    return throw_type(env, "jitkit native: expected an ArrayBuffer");
  napi_value r;
  napi_get_boolean(env, detached, &r);
  return r;
}

// ---------------------------------------------------------------------------
// Minimal calls (the foundation's call path; the calling layer replaces it)

typedef int64_t (*fn_i64)(int64_t, int64_t, int64_t, int64_t, int64_t, int64_t);
typedef double (*fn_f64)(double, double, double, double, double, double, double, double);

// callI64(address, a0..a5: bigint): bigint — passes 6 integer registers.
static napi_value js_call_i64(napi_env env, napi_callback_info info) {
  ARGS(7);
  uintptr_t addr;
  if (!arg_address(env, argv[0], &addr)) return NULL;
  int64_t a[6];
  for (int i = 0; i < 6; i++) {
    bool lossless;
    if (napi_get_value_bigint_int64(env, argv[i + 1], &a[i], &lossless) != napi_ok)
      return throw_type(env, "jitkit native: integer arguments must be bigints");
  }
  int64_t r = ((fn_i64)addr)(a[0], a[1], a[2], a[3], a[4], a[5]);
  napi_value out;
  napi_create_bigint_int64(env, r, &out);
  return out;
}

// callF64(address, d0..d7: number): number — passes 8 xmm registers.
static napi_value js_call_f64(napi_env env, napi_callback_info info) {
  ARGS(9);
  uintptr_t addr;
  if (!arg_address(env, argv[0], &addr)) return NULL;
  double d[8];
  for (int i = 0; i < 8; i++) {
    if (napi_get_value_double(env, argv[i + 1], &d[i]) != napi_ok)
      return throw_type(env, "jitkit native: float arguments must be numbers");
  }
  double r = ((fn_f64)addr)(d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]);
  napi_value out;
  napi_create_double(env, r, &out);
  return out;
}

// ---------------------------------------------------------------------------
// Shared libraries

static napi_value throw_dl(napi_env env, const char *call, const char *what) {
  const char *err = dlerror();
  char msg[512];
  snprintf(msg, sizeof msg, "%s failed: %s", call, err ? err : what);
  napi_value js_msg, js_code, error, js_call;
  napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &js_msg);
  napi_create_string_utf8(env, "ERR_JITKIT_DL", NAPI_AUTO_LENGTH, &js_code);
  napi_create_error(env, js_code, js_msg, &error);
  napi_create_string_utf8(env, call, NAPI_AUTO_LENGTH, &js_call);
  napi_set_named_property(env, error, "syscall", js_call);
  napi_throw(env, error);
  return NULL;
}

// dlopen(path: string | null): bigint handle (null: the process and its libraries)
// dlopen(path: string | null, deepBind: boolean): bigint handle. deepBind (glibc's
// RTLD_DEEPBIND; ignored where the C library lacks it): the library's references to its own
// symbols bind to itself before the process's (node exports zlib, OpenSSL and libuv symbols).
static napi_value js_dlopen(napi_env env, napi_callback_info info) {
  ARGS(2);
  napi_valuetype t;
  napi_typeof(env, argv[0], &t);
  char path[4096];
  const char *p = NULL;
  if (t == napi_string) {
    size_t n;
    if (napi_get_value_string_utf8(env, argv[0], path, sizeof path, &n) != napi_ok || n >= sizeof path - 1)
      return throw_type(env, "jitkit native: library path too long");
    p = path;
  } else if (t != napi_null && t != napi_undefined) {
    return throw_type(env, "jitkit native: library path must be a string or null");
  }
  bool deep = false;
  napi_get_value_bool(env, argv[1], &deep);
  int flags = RTLD_NOW | RTLD_LOCAL;
#ifdef RTLD_DEEPBIND
  if (deep && p != NULL) flags |= RTLD_DEEPBIND;
#endif
  dlerror();
  void *h = dlopen(p, flags);
  if (h == NULL) return throw_dl(env, "dlopen", "unknown error");
  return make_address(env, (uintptr_t)h);
}

// dlsym(handle: bigint, name: string): bigint address
static napi_value js_dlsym(napi_env env, napi_callback_info info) {
  ARGS(2);
  uintptr_t h;
  if (!arg_address(env, argv[0], &h)) return NULL;
  char name[512];
  size_t n;
  if (napi_get_value_string_utf8(env, argv[1], name, sizeof name, &n) != napi_ok)
    return throw_type(env, "jitkit native: symbol name must be a string");
  dlerror();
  void *a = dlsym((void *)h, name);
  if (a == NULL) return throw_dl(env, "dlsym", "symbol resolves to NULL");
  return make_address(env, (uintptr_t)a);
}

// dlclose(handle: bigint): undefined
static napi_value js_dlclose(napi_env env, napi_callback_info info) {
  ARGS(1);
  uintptr_t h;
  if (!arg_address(env, argv[0], &h)) return NULL;
  dlerror();
  if (dlclose((void *)h) != 0) return throw_dl(env, "dlclose", "unknown error");
  return undefined(env);
}

// ---------------------------------------------------------------------------
// The fast call path (src/runtime/calling.ts): JS writes the arguments into one
// shared buffer and the address of a generated entry thunk into its last slot,
// then calls one of the invoke functions below with no arguments. The thunk
// loads the System V registers (and stack arguments) from the buffer and calls
// or tail-jumps to the target; the invoke function stores the result (rax,
// xmm0 as double, or xmm0 as float) into slot 0. Re-entrant: the thunk address
// and all arguments are read before the target runs, and JS reads the result
// before anything else can run.

#define ARG_BUFFER_SLOTS 4096
// One buffer per JS environment (main thread, each worker), allocated when the
// addon initialises on that thread. Only the pointer is thread-local, with the
// initial-exec model: one %fs-relative load, where a thread-local array in a
// dlopen'ed library would cost a __tls_get_addr call on every access. (8 bytes
// of static TLS fit in what glibc reserves for dlopen'ed libraries.) musl reserves
// none and refuses to load a library with initial-exec TLS, so there the pointer
// uses the default model (musl's __tls_get_addr is a few loads).
#if defined(__GLIBC__)
#define ARG_BUFFER_TLS_MODEL __attribute__((tls_model("initial-exec")))
#else
#define ARG_BUFFER_TLS_MODEL
#endif
static __thread uint64_t *arg_buffer ARG_BUFFER_TLS_MODEL;

// The thunk address is stored as a double: user-space addresses are below
// 2^53, so exact, and one Float64Array store is the cheapest write from JS.
static inline uintptr_t thunk_address(uint64_t *buffer) {
  double d;
  memcpy(&d, &buffer[ARG_BUFFER_SLOTS - 1], sizeof d);
  return (uintptr_t)(int64_t)d; // below 2^53: the signed conversion is exact and branch-free
}

static napi_value js_invoke_int(napi_env env, napi_callback_info info) {
  uint64_t *buffer = arg_buffer;
  jk_ffi_enter();
  uint64_t r = ((uint64_t(*)(uint64_t *))thunk_address(buffer))(buffer);
  jk_ffi_leave(env);
  buffer[0] = r;
  return NULL;
}

static napi_value js_invoke_f64(napi_env env, napi_callback_info info) {
  uint64_t *buffer = arg_buffer;
  jk_ffi_enter();
  double r = ((double (*)(uint64_t *))thunk_address(buffer))(buffer);
  jk_ffi_leave(env);
  memcpy(&buffer[0], &r, sizeof r);
  return NULL;
}

static napi_value js_invoke_f32(napi_env env, napi_callback_info info) {
  uint64_t *buffer = arg_buffer;
  jk_ffi_enter();
  float r = ((float (*)(uint64_t *))thunk_address(buffer))(buffer);
  jk_ffi_leave(env);
  memcpy(&buffer[0], &r, sizeof r);
  return NULL;
}

uint64_t *jk_arg_buffer(void) { return arg_buffer; }

// argBuffer(): ArrayBuffer over the shared argument buffer
static napi_value js_arg_buffer(napi_env env, napi_callback_info info) {
  napi_value ab;
  CHECK(napi_create_external_arraybuffer(env, arg_buffer, ARG_BUFFER_SLOTS * sizeof(uint64_t), NULL, NULL, &ab));
  return ab;
}

// argBufferAddress(): bigint
static napi_value js_arg_buffer_address(napi_env env, napi_callback_info info) {
  return make_address(env, (uintptr_t)arg_buffer);
}

// ---------------------------------------------------------------------------
// Baselines for bench/ (the floor and the hand-written equivalents the calling
// layer is measured against). Tiny and side-effect free.

static napi_value bench_nop(napi_env env, napi_callback_info info) { return NULL; }

static napi_value bench_add4_i32(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t x = 0;
  if (napi_get_value_int32(env, argv[0], &x) != napi_ok) return throw_type(env, "expected a number");
  napi_value r;
  napi_create_int32(env, x + 4, &r);
  return r;
}

static napi_value bench_add4_i64(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int64_t x = 0;
  bool lossless;
  if (napi_get_value_bigint_int64(env, argv[0], &x, &lossless) != napi_ok) return throw_type(env, "expected a bigint");
  napi_value r;
  napi_create_bigint_int64(env, x + 4, &r);
  return r;
}

static napi_value bench_add4_f64(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  double x = 0;
  if (napi_get_value_double(env, argv[0], &x) != napi_ok) return throw_type(env, "expected a number");
  napi_value r;
  napi_create_double(env, x + 4, &r);
  return r;
}

static napi_value bench_sum6(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  double s = 0;
  for (size_t i = 0; i < argc; i++) {
    int32_t x;
    if (napi_get_value_int32(env, argv[i], &x) != napi_ok) return throw_type(env, "expected a number");
    s += x;
  }
  napi_value r;
  napi_create_double(env, s, &r);
  return r;
}

// failNext(call, errno, skip?): undefined — test-only fault injection.
static napi_value js_fail_next(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 2) return throw_type(env, "jitkit native: too few arguments");
  char name[32];
  size_t n;
  int32_t err, skip = 0;
  if (napi_get_value_string_utf8(env, argv[0], name, sizeof name, &n) != napi_ok)
    return throw_type(env, "jitkit native: call name must be a string");
  if (!arg_int(env, argv[1], &err)) return NULL;
  if (argc > 2 && !arg_int(env, argv[2], &skip)) return NULL;
  for (int i = 0; i < FAIL_COUNT; i++) {
    if (strcmp(name, fail_names[i]) == 0) {
      fail_errno[i] = err;
      fail_skip[i] = skip;
      return undefined(env);
    }
  }
  napi_throw_range_error(env, "ERR_OUT_OF_RANGE", "jitkit native: failNext: unknown call name");
  return NULL;
}

// ---------------------------------------------------------------------------

static void set_int(napi_env env, napi_value obj, const char *name, int64_t v) {
  napi_value x;
  napi_create_int64(env, v, &x);
  napi_set_named_property(env, obj, name, x);
}

static void free_arg_buffer(void *buffer) {
  if (arg_buffer == buffer) arg_buffer = NULL;
  free(buffer);
}

static napi_value init(napi_env env, napi_value exports) {
  if (arg_buffer == NULL) {
    uint64_t *buffer = aligned_alloc(64, ARG_BUFFER_SLOTS * sizeof(uint64_t));
    if (buffer == NULL) return throw_errno(env, "aligned_alloc", ENOMEM);
    memset(buffer, 0, ARG_BUFFER_SLOTS * sizeof(uint64_t));
    arg_buffer = buffer;
    napi_add_env_cleanup_hook(env, free_arg_buffer, buffer);
  }
  napi_property_descriptor fns[] = {
      {"pageSize", NULL, js_page_size, NULL, NULL, NULL, napi_default, NULL},
      {"mmap", NULL, js_mmap, NULL, NULL, NULL, napi_default, NULL},
      {"mprotect", NULL, js_mprotect, NULL, NULL, NULL, napi_default, NULL},
      {"munmap", NULL, js_munmap, NULL, NULL, NULL, napi_default, NULL},
      {"memfdCreate", NULL, js_memfd_create, NULL, NULL, NULL, napi_default, NULL},
      {"ftruncate", NULL, js_ftruncate, NULL, NULL, NULL, napi_default, NULL},
      {"close", NULL, js_close, NULL, NULL, NULL, napi_default, NULL},
      {"write", NULL, js_write, NULL, NULL, NULL, napi_default, NULL},
      {"fill", NULL, js_fill, NULL, NULL, NULL, napi_default, NULL},
      {"read", NULL, js_read, NULL, NULL, NULL, napi_default, NULL},
      {"addressOf", NULL, js_address_of, NULL, NULL, NULL, napi_default, NULL},
      {"isDetached", NULL, js_is_detached, NULL, NULL, NULL, napi_default, NULL},
      {"callI64", NULL, js_call_i64, NULL, NULL, NULL, napi_default, NULL},
      {"callF64", NULL, js_call_f64, NULL, NULL, NULL, napi_default, NULL},
      {"failNext", NULL, js_fail_next, NULL, NULL, NULL, napi_default, NULL},
      {"dlopen", NULL, js_dlopen, NULL, NULL, NULL, napi_default, NULL},
      {"dlsym", NULL, js_dlsym, NULL, NULL, NULL, napi_default, NULL},
      {"dlclose", NULL, js_dlclose, NULL, NULL, NULL, napi_default, NULL},
      {"argBuffer", NULL, js_arg_buffer, NULL, NULL, NULL, napi_default, NULL},
      {"argBufferAddress", NULL, js_arg_buffer_address, NULL, NULL, NULL, napi_default, NULL},
      {"invokeInt", NULL, js_invoke_int, NULL, NULL, NULL, napi_default, NULL},
      {"invokeF64", NULL, js_invoke_f64, NULL, NULL, NULL, napi_default, NULL},
      {"invokeF32", NULL, js_invoke_f32, NULL, NULL, NULL, napi_default, NULL},
  };
  CHECK(napi_define_properties(env, exports, sizeof fns / sizeof fns[0], fns));
  napi_value c;
  napi_create_object(env, &c);
  set_int(env, c, "PROT_NONE", PROT_NONE);
  set_int(env, c, "PROT_READ", PROT_READ);
  set_int(env, c, "PROT_WRITE", PROT_WRITE);
  set_int(env, c, "PROT_EXEC", PROT_EXEC);
  set_int(env, c, "MAP_PRIVATE", MAP_PRIVATE);
  set_int(env, c, "MAP_SHARED", MAP_SHARED);
  set_int(env, c, "MAP_ANONYMOUS", MAP_ANONYMOUS);
  set_int(env, c, "MFD_CLOEXEC", MFD_CLOEXEC);
  set_int(env, c, "ENOMEM", ENOMEM);
  set_int(env, c, "EACCES", EACCES);
  set_int(env, c, "EPERM", EPERM);
  set_int(env, c, "EINVAL", EINVAL);
  set_int(env, c, "ENOSYS", ENOSYS);
  napi_set_named_property(env, exports, "constants", c);
  napi_value bench;
  napi_create_object(env, &bench);
  napi_property_descriptor bench_fns[] = {
      {"nop", NULL, bench_nop, NULL, NULL, NULL, napi_default, NULL},
      {"add4I32", NULL, bench_add4_i32, NULL, NULL, NULL, napi_default, NULL},
      {"add4I64", NULL, bench_add4_i64, NULL, NULL, NULL, napi_default, NULL},
      {"add4F64", NULL, bench_add4_f64, NULL, NULL, NULL, napi_default, NULL},
      {"sum6", NULL, bench_sum6, NULL, NULL, NULL, napi_default, NULL},
  };
  CHECK(napi_define_properties(env, bench, sizeof bench_fns / sizeof bench_fns[0], bench_fns));
  napi_set_named_property(env, exports, "bench", bench);
  CHECK(jk_ffi_init(env, exports));
  return exports;
}

NAPI_MODULE_INIT() { return init(env, exports); }
