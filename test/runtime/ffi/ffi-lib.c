/*
 * Hand-written C for the FFI tests (test/runtime/ffi-*.test.ts): callbacks called on the
 * JS thread and from other threads, strings in and out, out parameters, handles.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <uchar.h>
#include <unistd.h>
#define EXPORT __attribute__((visibility("default")))

typedef struct { double x, y; } vec2;
typedef struct { int32_t id; float weight; int64_t stamp; } event;      /* 16 bytes: INTEGER, INTEGER */
typedef struct { double re; int32_t tag; } tagged;                       /* SSE, INTEGER */
typedef struct { char name[24]; int32_t n; } named;                      /* 28 bytes: MEMORY */

EXPORT int64_t ffi_call_n(int32_t (*f)(int32_t), int32_t n) {
  int64_t s = 0;
  for (int32_t i = 0; i < n; i++) s += f(i);
  return s;
}

EXPORT vec2 ffi_call_vec(vec2 (*f)(vec2, double), vec2 v, double k) { return f(v, k); }
EXPORT tagged ffi_call_tagged(tagged (*f)(tagged), tagged t) { return f(t); }
EXPORT named ffi_call_named(named (*f)(named, int32_t), named x, int32_t k) { return f(x, k); }
EXPORT int64_t ffi_call_event(int64_t (*f)(event, const char *), int32_t id) {
  event e = { id, 0.5f, 1234567890123LL };
  return f(e, "évènement");
}
EXPORT int32_t ffi_call_twice(int32_t (*f)(int32_t), int32_t x) { return f(x) + f(x + 1); }

/* Threads: call f(i) for i < n on a new thread, return its handle; ffi_join waits and returns the sum. */
struct job { int32_t (*f)(int32_t); int32_t n; int64_t sum; pthread_t t; };
static void *run_job(void *p) {
  struct job *j = p;
  for (int32_t i = 0; i < j->n; i++) j->sum += j->f(i);
  return NULL;
}
EXPORT struct job *ffi_start_thread(int32_t (*f)(int32_t), int32_t n) {
  struct job *j = calloc(1, sizeof *j);
  j->f = f;
  j->n = n;
  pthread_create(&j->t, NULL, run_job, j);
  return j;
}
EXPORT int64_t ffi_join(struct job *j) {
  pthread_join(j->t, NULL);
  int64_t s = j->sum;
  free(j);
  return s;
}
/* Runs on the calling thread (a pool thread under fn.async): sums f over n calls after a delay. */
EXPORT int64_t ffi_slow_sum(int32_t (*f)(int32_t), int32_t n, int32_t ms) {
  usleep((useconds_t)ms * 1000);
  int64_t s = 0;
  for (int32_t i = 0; i < n; i++) s += f ? f(i) : i;
  return s;
}
EXPORT int64_t ffi_sleep_add(int32_t ms, int64_t a, int64_t b) {
  usleep((useconds_t)ms * 1000);
  return a + b;
}
EXPORT uint64_t ffi_sum_bytes(const uint8_t *p, uint32_t n) {
  uint64_t s = 0;
  for (uint32_t i = 0; i < n; i++) s += p[i];
  return s;
}

/* Strings. */
EXPORT size_t ffi_strlen(const char *s) { return s ? strlen(s) : (size_t)-1; }
EXPORT const char *ffi_greeting(int32_t which) { return which == 0 ? NULL : which == 1 ? "héllo, wörld" : ""; }
EXPORT size_t ffi_strlen16(const char16_t *s) { size_t n = 0; while (s[n]) n++; return n; }
EXPORT const char16_t *ffi_greeting16(void) { return u"h\u00e9llo \U0001F600"; }
EXPORT int32_t ffi_concat(const char *a, const char *b, char *out, int32_t cap) {
  int32_t n = (int32_t)(strlen(a) + strlen(b));
  if (n + 1 > cap) return -1;
  strcpy(out, a);
  strcat(out, b);
  return n;
}

/* Out and in-out parameters. */
EXPORT void ffi_divmod(int32_t a, int32_t b, int32_t *q, int32_t *r) { *q = a / b; *r = a % b; }
EXPORT void ffi_scale(vec2 *v, double k) { v->x *= k; v->y *= k; }
EXPORT void ffi_fill(int32_t *xs, int32_t n) { for (int32_t i = 0; i < n; i++) xs[i] = i * i; }
EXPORT double ffi_norm(const vec2 *v) { return v->x * v->x + v->y * v->y; }
EXPORT void ffi_make_name(const char **out) { *out = "made in C"; }

/* Handles: two opaque types. */
struct counter { int64_t n; };
struct timer { double t; };
EXPORT struct counter *ffi_counter_new(int64_t start) { struct counter *c = malloc(sizeof *c); c->n = start; return c; }
EXPORT int64_t ffi_counter_bump(struct counter *c) { return ++c->n; }
EXPORT void ffi_counter_free(struct counter *c) { free(c); }
EXPORT struct timer *ffi_timer_new(void) { struct timer *t = malloc(sizeof *t); t->t = 0; return t; }
EXPORT struct counter *ffi_counter_null(void) { return NULL; }
