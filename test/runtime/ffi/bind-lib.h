/* A header for the binding tests (ffi-bind.test.ts): records of every kind by value,
   an opaque handle, callbacks, enums, #define constants, and declarations with no FFI form. */
#ifndef BIND_LIB_H
#define BIND_LIB_H
#include <stdint.h>

#define BIND_VERSION "1.2.3"
#define BIND_ANSWER 42
#define BIND_BIG 0xFFFFFFFFFFFFFFFFull
#define BIND_HALF 0.5
#define BIND_NEG (-7)
#define BIND_SHIFTED (1u << 31)
#define BIND_EXPR (BIND_ANSWER * 2 + 1)
#define BIND_CHAR 'A'
#define BIND_NOT_CONSTANT bind_counter()
#define BIND_EMPTY
#define BIND_MACRO(x) ((x) + 1)

typedef enum { COLOR_RED, COLOR_GREEN = 5, COLOR_BLUE } color;
enum shape { SHAPE_DOT = -1, SHAPE_LINE = 2 };

typedef struct point { double x, y; } point;
typedef struct flags { unsigned a : 3; unsigned b : 5; int c : 10; uint8_t tail; } flags;
typedef union number { int32_t i; float f; } number;
typedef struct __attribute__((packed)) packed_rec { uint8_t tag; uint32_t value; } packed_rec;
typedef struct named { char name[16]; point where; color c; } named;
struct __attribute__((aligned(32))) wide { int32_t v; };
typedef struct counter counter; /* incomplete: a handle */
typedef int (*visit_fn)(const point *p, void *user);

counter *counter_new(int start);
int counter_add(counter *c, int by);
void counter_free(counter *c);
point point_mid(point a, point b);
flags flags_bump(flags f);
double number_as_double(number n, int is_float);
uint32_t packed_sum(packed_rec r);
named named_make(const char *name, double x, double y, color c);
const char *color_name(color c);
int visit_points(const point *ps, int n, visit_fn f, void *user);
int32_t wide_get(struct wide w);
long double bind_long_double(long double x);
int bind_printf(const char *fmt, ...);
int bind_missing(int x);
static inline int bind_inline(int x) { return x + 1; }
int bind_counter(void);
#endif
