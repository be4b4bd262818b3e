/* The definitions behind bind-lib.h (bind_missing is deliberately left out). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bind-lib.h"

struct counter { int value; };

counter *counter_new(int start) { counter *c = malloc(sizeof *c); c->value = start; return c; }
int counter_add(counter *c, int by) { return c->value += by; }
void counter_free(counter *c) { free(c); }
point point_mid(point a, point b) { point m = { (a.x + b.x) / 2, (a.y + b.y) / 2 }; return m; }
flags flags_bump(flags f) { f.a += 1; f.b += 2; f.c -= 3; f.tail += 4; return f; }
double number_as_double(number n, int is_float) { return is_float ? n.f : n.i; }
uint32_t packed_sum(packed_rec r) { return r.tag + r.value; }
named named_make(const char *name, double x, double y, color c) {
  named n;
  memset(&n, 0, sizeof n);
  strncpy(n.name, name, sizeof n.name - 1);
  n.where.x = x;
  n.where.y = y;
  n.c = c;
  return n;
}
const char *color_name(color c) { return c == COLOR_RED ? "red" : c == COLOR_GREEN ? "green" : c == COLOR_BLUE ? "blue" : NULL; }
int visit_points(const point *ps, int n, visit_fn f, void *user) {
  int total = 0;
  for (int i = 0; i < n; i++) total += f(&ps[i], user);
  return total;
}
int32_t wide_get(struct wide w) { return w.v; }
long double bind_long_double(long double x) { return x; }
int bind_printf(const char *fmt, ...) { va_list ap; va_start(ap, fmt); int r = vprintf(fmt, ap); va_end(ap); return r; }
int bind_counter(void) { static int n; return ++n; }
