// jitkit native addon: the few things JavaScript cannot do by itself.
//
// It maps, protects and unmaps memory, creates memfds, copies bytes to and from
// raw addresses, and calls a raw address with a fixed minimal signature. Every
// failing system call becomes a JS Error naming the call and the errno. All
// policy (W^X, allocation, bounds checks, freed-code checks) lives in
// TypeScript: src/runtime/. Functions here trust the TS layer for addresses
// and lengths, but check JS types so that misuse throws instead of crashing.

#include "safety.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <dlfcn.h>
#include <signal.h>
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
// mmap(length, prot, flags, fd, offset, hint?): bigint address (hint: where to
// map if that range is free; the kernel picks elsewhere otherwise).
static napi_value js_mmap(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 5) return throw_type(env, "jitkit native: too few arguments");
  size_t len, off;
  int32_t prot, flags, fd;
  uintptr_t hint = 0;
  if (!arg_size(env, argv[0], &len) || !arg_int(env, argv[1], &prot) ||
      !arg_int(env, argv[2], &flags) || !arg_int(env, argv[3], &fd) ||
      !arg_size(env, argv[4], &off) || (argc > 5 && !arg_address(env, argv[5], &hint)))
    return NULL;
  if (injected(FAIL_MMAP)) return throw_errno(env, "mmap", errno);
  void *p = mmap((void *)hint, len, prot, flags, fd, (off_t)off);
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

// writeShared(fd, offset, bytes: Uint8Array | null, length, byte, hint): undefined —
// maps the pages of a shared memory object that hold [offset, offset + length)
// read-write at `hint` (if free), copies `bytes` there (or fills `length` bytes
// with `byte` when bytes is null), and unmaps them: a writable view of code that
// exists only while it is written.
static napi_value js_write_shared(napi_env env, napi_callback_info info) {
  ARGS(6);
  int32_t fd, byte;
  size_t off, len;
  uintptr_t hint;
  if (!arg_int(env, argv[0], &fd) || !arg_size(env, argv[1], &off) || !arg_size(env, argv[3], &len) ||
      !arg_int(env, argv[4], &byte) || !arg_address(env, argv[5], &hint))
    return NULL;
  void *data = NULL;
  napi_valuetype vt;
  napi_typeof(env, argv[2], &vt);
  if (vt != napi_null) {
    bool is_typed;
    napi_is_typedarray(env, argv[2], &is_typed);
    napi_typedarray_type type;
    size_t n;
    if (!is_typed) return throw_type(env, "jitkit native: bytes must be a Uint8Array or null");
    CHECK(napi_get_typedarray_info(env, argv[2], &type, &n, &data, NULL, NULL));
    if (type != napi_uint8_array) return throw_type(env, "jitkit native: bytes must be a Uint8Array or null");
    len = n;
  }
  if (len == 0) return undefined(env);
  size_t page = (size_t)sysconf(_SC_PAGESIZE);
  size_t start = off & ~(page - 1);
  size_t span = ((off + len + page - 1) & ~(page - 1)) - start;
  if (injected(FAIL_MMAP)) return throw_errno(env, "mmap", errno);
  char *view = mmap((void *)hint, span, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)start);
  if (view == MAP_FAILED) return throw_errno(env, "mmap", errno);
  if (data != NULL) memcpy(view + (off - start), data, len);
  else memset(view + (off - start), byte & 0xff, len);
  if (injected(FAIL_MUNMAP)) return throw_errno(env, "munmap", errno);
  if (munmap(view, span) != 0) return throw_errno(env, "munmap", errno);
  return undefined(env);
}

// ---------------------------------------------------------------------------
// Linear memory of sandboxed modules: a reservation of `reserve` bytes mapped with
// no access, of which `accessible` bytes from `below` on are read-write. JS sees
// the accessible part as an external ArrayBuffer that owns the reservation (its
// finalizer unmaps it, unless releaseLinearMemory did already).

struct linear_memory {
  void *reservation;
  size_t length;
  bool released;
};

static void finalize_linear_memory(napi_env env, void *data, void *hint) {
  struct linear_memory *l = hint;
  if (!l->released) munmap(l->reservation, l->length);
  free(l);
}

// linearMemory(reserve, below, accessible): [ArrayBuffer, bigint address, bigint handle]
static napi_value js_linear_memory(napi_env env, napi_callback_info info) {
  ARGS(3);
  size_t reserve, below, accessible;
  if (!arg_size(env, argv[0], &reserve) || !arg_size(env, argv[1], &below) || !arg_size(env, argv[2], &accessible))
    return NULL;
  if (below + accessible > reserve) return throw_type(env, "jitkit native: linear memory does not fit its reservation");
  struct linear_memory *l = calloc(1, sizeof *l);
  if (l == NULL) return throw_errno(env, "calloc", ENOMEM);
  if (injected(FAIL_MMAP)) {
    free(l);
    return throw_errno(env, "mmap", errno);
  }
  char *p = mmap(NULL, reserve, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) {
    int e = errno;
    free(l);
    return throw_errno(env, "mmap", e);
  }
  size_t page = (size_t)sysconf(_SC_PAGESIZE);
  size_t rw = (accessible + page - 1) & ~(page - 1);
  if (rw > 0 && mprotect(p + below, rw, PROT_READ | PROT_WRITE) != 0) {
    int e = errno;
    munmap(p, reserve);
    free(l);
    return throw_errno(env, "mprotect", e);
  }
  l->reservation = p;
  l->length = reserve;
  napi_value ab, out, addr, handle;
  if (napi_create_external_arraybuffer(env, p + below, accessible, finalize_linear_memory, l, &ab) != napi_ok) {
    munmap(p, reserve);
    free(l);
    return throw_pending(env);
  }
  addr = make_address(env, (uintptr_t)(p + below));
  handle = make_address(env, (uintptr_t)l);
  napi_create_array_with_length(env, 3, &out);
  napi_set_element(env, out, 0, ab);
  napi_set_element(env, out, 1, addr);
  napi_set_element(env, out, 2, handle);
  return out;
}

// releaseLinearMemory(buffer, handle): detaches the buffer and unmaps the reservation now.
static napi_value js_release_linear_memory(napi_env env, napi_callback_info info) {
  ARGS(2);
  uintptr_t h;
  if (!arg_address(env, argv[1], &h)) return NULL;
  struct linear_memory *l = (struct linear_memory *)h;
  if (l->released) return undefined(env);
  CHECK(napi_detach_arraybuffer(env, argv[0]));
  l->released = true;
  if (munmap(l->reservation, l->length) != 0) return throw_errno(env, "munmap", errno);
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

// Each invoke goes through the guarded call (native/faults.c): a fault in
// jitkit's code lands back here, and the invoke throws the TrapError instead. The FFI's
// callback batch scope (native/ffi.h) is closed either way.
static napi_value throw_fault(napi_env env, struct jk_thread *t);

#define INVOKE(name, type, call)                                                                   \
  static napi_value name(napi_env env, napi_callback_info info) {                                  \
    uint64_t *buffer = arg_buffer;                                                                 \
    struct jk_thread *t = jk_self;                                                                 \
    jk_ffi_enter();                                                                                \
    if (__builtin_expect(t == NULL, 0)) {                                                          \
      type r = ((type(*)(uint64_t *))thunk_address(buffer))(buffer);                               \
      jk_ffi_leave(env);                                                                           \
      memcpy(&buffer[0], &r, sizeof r);                                                            \
      return NULL;                                                                                 \
    }                                                                                              \
    t->depth++;                                                                                    \
    t->calls++;                                                                                    \
    if (__builtin_expect(atomic_load_explicit(&jk_watchdog_idle, memory_order_relaxed), 0))        \
      jk_watchdog_wake_if_idle();                                                                  \
    type r = call(buffer, thunk_address(buffer), &t->guard_rsp);                                   \
    t->depth--;                                                                                    \
    jk_ffi_leave(env);                                                                             \
    if (__builtin_expect(t->fault_code != 0, 0)) return throw_fault(env, t);                       \
    memcpy(&buffer[0], &r, sizeof r);                                                              \
    return NULL;                                                                                   \
  }

INVOKE(js_invoke_int, uint64_t, jk_guarded_call)
INVOKE(js_invoke_f64, double, jk_guarded_call_f64)
INVOKE(js_invoke_f32, float, jk_guarded_call_f32)

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
// Safety (native/safety.h): faults, stack bounds, interrupts. JS gives each
// environment a TrapError factory (and a no-op function for termination checks)
// through setup().

struct env_data {
  struct jk_thread *thread;
  napi_ref trap_error; // (code, address?, pc, signal) => Error
};

static napi_value throw_fault(napi_env env, struct jk_thread *t) {
  int32_t code = t->fault_code, sig = t->fault_signal;
  uintptr_t addr = t->fault_addr, pc = t->fault_pc;
  t->fault_code = 0;
  t->fault_signal = 0;
  t->fault_addr = 0;
  t->fault_pc = 0;
  struct env_data *d = NULL;
  napi_get_instance_data(env, (void **)&d);
  napi_value factory = NULL, error = NULL, recv, argv[4];
  if (d != NULL && d->trap_error != NULL) napi_get_reference_value(env, d->trap_error, &factory);
  if (factory == NULL) {
    char msg[96];
    snprintf(msg, sizeof msg, "jitkit: fault in jitted code (trap code %d, signal %d)", code, sig);
    napi_throw_error(env, "ERR_JITKIT_FAULT", msg);
    return NULL;
  }
  napi_create_int32(env, code, &argv[0]);
  if (sig == SIGSEGV || sig == SIGBUS) argv[1] = make_address(env, addr);
  else napi_get_undefined(env, &argv[1]);
  if (sig != 0) argv[2] = make_address(env, pc);
  else napi_get_undefined(env, &argv[2]);
  napi_create_int32(env, sig, &argv[3]);
  napi_get_undefined(env, &recv);
  if (napi_call_function(env, recv, factory, 4, argv, &error) != napi_ok) return NULL; // it threw
  napi_throw(env, error);
  return NULL;
}

// setup(trapError, noop): undefined
static napi_value js_setup(napi_env env, napi_callback_info info) {
  ARGS(2);
  struct env_data *d = NULL;
  napi_get_instance_data(env, (void **)&d);
  if (d == NULL) return throw_type(env, "jitkit native: not initialised");
  napi_valuetype t0, t1;
  napi_typeof(env, argv[0], &t0);
  napi_typeof(env, argv[1], &t1);
  if (t0 != napi_function || t1 != napi_function) return throw_type(env, "jitkit native: setup expects two functions");
  if (d->trap_error != NULL) napi_delete_reference(env, d->trap_error);
  CHECK(napi_create_reference(env, argv[0], 1, &d->trap_error));
  if (d->thread != NULL) {
    if (d->thread->noop != NULL) napi_delete_reference(env, d->thread->noop);
    CHECK(napi_create_reference(env, argv[1], 1, &d->thread->noop));
  }
  return undefined(env);
}

static void free_env_data(napi_env env, void *data, void *hint) {
  struct env_data *d = data;
  if (d->trap_error != NULL) napi_delete_reference(env, d->trap_error);
  free(d);
}

// registerCode(start, end, faultEntry): number id — a code range the fault handler owns.
static napi_value js_register_code(napi_env env, napi_callback_info info) {
  ARGS(3);
  uintptr_t start, end, entry;
  if (!arg_address(env, argv[0], &start) || !arg_address(env, argv[1], &end) || !arg_address(env, argv[2], &entry))
    return NULL;
  int32_t id = jk_register_range(start, end, entry);
  if (id < 0) return throw_errno(env, "registerCode", ENOMEM);
  napi_value r;
  napi_create_int32(env, id, &r);
  return r;
}

// unregisterCode(id): undefined
static napi_value js_unregister_code(napi_env env, napi_callback_info info) {
  ARGS(1);
  int32_t id;
  if (!arg_int(env, argv[0], &id)) return NULL;
  jk_unregister_range(id);
  return undefined(env);
}

static uintptr_t thread_pointer(void) {
  uintptr_t tp;
  __asm__("movq %%fs:0, %0" : "=r"(tp));
  return tp;
}

static void set_int(napi_env env, napi_value obj, const char *name, int64_t v) {
  napi_value x;
  napi_create_int64(env, v, &x);
  napi_set_named_property(env, obj, name, x);
}

static void set_address(napi_env env, napi_value obj, const char *name, uintptr_t v) {
  napi_set_named_property(env, obj, name, make_address(env, v));
}

// threadInfo(): { id, isMain, stackLow, stackHigh, stackFloor } for the calling thread
static napi_value js_thread_info(napi_env env, napi_callback_info info) {
  struct jk_thread *t = jk_self;
  if (t == NULL) return throw_type(env, "jitkit native: this thread is not registered");
  napi_value o, b;
  napi_create_object(env, &o);
  set_int(env, o, "id", t->id);
  napi_get_boolean(env, t->is_main, &b);
  napi_set_named_property(env, o, "isMain", b);
  set_address(env, o, "stackLow", t->stack_low);
  set_address(env, o, "stackHigh", t->stack_high);
  set_address(env, o, "stackFloor", jk_stack_floor);
  return o;
}

// Addresses and offsets generated code needs: TLS offsets from the fs base (the
// same on every thread: initial-exec TLS), and the entries in faults.c.
static napi_value js_runtime_addresses(napi_env env, napi_callback_info info) {
  napi_value o;
  napi_create_object(env, &o);
  uintptr_t tp = thread_pointer();
  set_int(env, o, "stackFloorOffset", JK_TLS_FLOOR ? (int64_t)((uintptr_t)&jk_stack_floor - tp) : 0);
  napi_value ready;
  napi_get_boolean(env, jk_interrupt_signal_ready(), &ready);
  napi_set_named_property(env, o, "interruptible", ready);
  set_address(env, o, "moduleUnwind", (uintptr_t)jk_module_unwind);
  return o;
}

// interrupt(threadId): boolean — true when that thread was running jitted code.
static napi_value js_interrupt(napi_env env, napi_callback_info info) {
  ARGS(1);
  int32_t id;
  if (!arg_int(env, argv[0], &id)) return NULL;
  napi_value r;
  napi_get_boolean(env, jk_interrupt(id, JK_REASON_INTERRUPT), &r);
  return r;
}

// takeInterrupt(): number — the calling thread's pending reasons (cleared).
static napi_value js_take_interrupt(napi_env env, napi_callback_info info) {
  napi_value r;
  napi_create_uint32(env, jk_take_interrupt(), &r);
  return r;
}

// armTimeout(ms): number ticket; disarmTimeout(ticket)
static napi_value js_arm_timeout(napi_env env, napi_callback_info info) {
  ARGS(1);
  int32_t ms;
  if (!arg_int(env, argv[0], &ms) || ms < 0) return throw_type(env, "jitkit native: timeout must be a non-negative integer");
  int64_t ticket = jk_arm_timeout((uint32_t)ms);
  if (ticket < 0) {
    napi_throw_error(env, "ERR_JITKIT_NO_INTERRUPTS",
                     "jitkit: timeouts are unavailable: another handler owns the interrupt signal (SIGRTMAX-2), or no timer could be made");
    return NULL;
  }
  napi_value r;
  napi_create_int64(env, ticket, &r);
  return r;
}

static napi_value js_disarm_timeout(napi_env env, napi_callback_info info) {
  ARGS(1);
  int64_t ticket;
  if (napi_get_value_int64(env, argv[0], &ticket) != napi_ok) return throw_type(env, "jitkit native: expected a ticket");
  jk_disarm_timeout(ticket);
  return undefined(env);
}

// assertSignalHooks(): puts the SIGINT/SIGTERM hooks back in front if a listener replaced them.
static napi_value js_assert_signal_hooks(napi_env env, napi_callback_info info) {
  jk_assert_signal_hooks();
  return undefined(env);
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
  struct env_data *data = calloc(1, sizeof *data);
  if (data == NULL) return throw_errno(env, "calloc", ENOMEM);
  data->thread = jk_thread_register(env);
  if (data->thread != NULL) napi_add_env_cleanup_hook(env, jk_thread_unregister, data->thread);
  CHECK(napi_set_instance_data(env, data, free_env_data, NULL));
  napi_property_descriptor fns[] = {
      {"pageSize", NULL, js_page_size, NULL, NULL, NULL, napi_default, NULL},
      {"mmap", NULL, js_mmap, NULL, NULL, NULL, napi_default, NULL},
      {"mprotect", NULL, js_mprotect, NULL, NULL, NULL, napi_default, NULL},
      {"munmap", NULL, js_munmap, NULL, NULL, NULL, napi_default, NULL},
      {"memfdCreate", NULL, js_memfd_create, NULL, NULL, NULL, napi_default, NULL},
      {"ftruncate", NULL, js_ftruncate, NULL, NULL, NULL, napi_default, NULL},
      {"close", NULL, js_close, NULL, NULL, NULL, napi_default, NULL},
      {"write", NULL, js_write, NULL, NULL, NULL, napi_default, NULL},
      {"writeShared", NULL, js_write_shared, NULL, NULL, NULL, napi_default, NULL},
      {"linearMemory", NULL, js_linear_memory, NULL, NULL, NULL, napi_default, NULL},
      {"releaseLinearMemory", NULL, js_release_linear_memory, NULL, NULL, NULL, napi_default, NULL},
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
      {"setup", NULL, js_setup, NULL, NULL, NULL, napi_default, NULL},
      {"registerCode", NULL, js_register_code, NULL, NULL, NULL, napi_default, NULL},
      {"unregisterCode", NULL, js_unregister_code, NULL, NULL, NULL, napi_default, NULL},
      {"threadInfo", NULL, js_thread_info, NULL, NULL, NULL, napi_default, NULL},
      {"runtimeAddresses", NULL, js_runtime_addresses, NULL, NULL, NULL, napi_default, NULL},
      {"interrupt", NULL, js_interrupt, NULL, NULL, NULL, napi_default, NULL},
      {"takeInterrupt", NULL, js_take_interrupt, NULL, NULL, NULL, napi_default, NULL},
      {"armTimeout", NULL, js_arm_timeout, NULL, NULL, NULL, napi_default, NULL},
      {"disarmTimeout", NULL, js_disarm_timeout, NULL, NULL, NULL, napi_default, NULL},
      {"assertSignalHooks", NULL, js_assert_signal_hooks, NULL, NULL, NULL, napi_default, NULL},
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
  set_int(env, c, "TRAP_INT_DIVZ", JK_TRAP_INT_DIVZ);
  set_int(env, c, "TRAP_INT_OVF", JK_TRAP_INT_OVF);
  set_int(env, c, "TRAP_HEAP_OOB", JK_TRAP_HEAP_OOB);
  set_int(env, c, "TRAP_STK_OVF", JK_TRAP_STK_OVF);
  set_int(env, c, "TRAP_ILLEGAL", JK_TRAP_ILLEGAL);
  set_int(env, c, "TRAP_BREAKPOINT", JK_TRAP_BREAKPOINT);
  set_int(env, c, "TRAP_INTERRUPTED", JK_TRAP_INTERRUPTED);
  set_int(env, c, "REASON_INTERRUPT", JK_REASON_INTERRUPT);
  set_int(env, c, "REASON_TIMEOUT", JK_REASON_TIMEOUT);
  set_int(env, c, "REASON_SIGNAL", JK_REASON_SIGNAL);
  set_int(env, c, "REASON_TERMINATE", JK_REASON_TERMINATE);
  set_int(env, c, "STACK_MARGIN", JK_STACK_MARGIN);
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
