/* Variadic definitions: va_start/va_arg/va_copy/va_end with ints, longs,
   pointers, doubles (past the 8 vector registers), promoted chars and floats,
   small structs (INTEGER, SSE, mixed), large structs, and a va_list handed
   to libc's vsnprintf; called directly and through a pointer. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct I2 { long a, b; };
struct F2 { double x, y; };
struct M { int i; float f; double d; };
struct Big { long v[5]; };

static double sum(int n, ...) {
  va_list ap, aq;
  va_start(ap, n);
  va_copy(aq, ap);
  double s = 0, t = 0;
  for (int i = 0; i < n; i++) s += va_arg(ap, double);
  for (int i = 0; i < n; i++) t += va_arg(aq, double) * (i + 1);
  va_end(aq);
  va_end(ap);
  return s * 1000 + t;
}

static long mixed(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  long acc = 0;
  for (const char *p = fmt; *p; p++) {
    switch (*p) {
      case 'i': acc = acc * 3 + va_arg(ap, int); break;
      case 'c': acc = acc * 3 + (char)va_arg(ap, int); break;
      case 'l': acc = acc * 3 + va_arg(ap, long); break;
      case 'p': acc = acc * 3 + *va_arg(ap, int *); break;
      case 'd': acc = acc * 3 + (long)(va_arg(ap, double) * 10); break;
      case 'I': { struct I2 s = va_arg(ap, struct I2); acc = acc * 3 + s.a - s.b; break; }
      case 'F': { struct F2 s = va_arg(ap, struct F2); acc = acc * 3 + (long)(s.x * s.y); break; }
      case 'M': { struct M s = va_arg(ap, struct M); acc = acc * 3 + s.i + (long)s.f + (long)s.d; break; }
      case 'B': { struct Big s = va_arg(ap, struct Big); acc = acc * 3 + s.v[0] + s.v[4]; break; }
    }
  }
  va_end(ap);
  return acc;
}

static int format(char *buf, size_t n, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int r = vsnprintf(buf, n, fmt, ap);
  va_end(ap);
  return r;
}

int main(void) {
  int seven = 7;
  struct I2 i2 = {10, 3};
  struct F2 f2 = {1.5, 4};
  struct M m = {1, 2.5f, 3.25};
  struct Big big = {{1, 2, 3, 4, 5}};
  printf("%.3f\n", sum(10, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.5));
  printf("%ld\n", mixed("iclpd", 1, (char)-2, 3L, &seven, 2.5));
  printf("%ld\n", mixed("IFMiiiiiiI", i2, f2, m, 1, 2, 3, 4, 5, 6, i2));
  printf("%ld\n", mixed("B", big));
  float fl = 1.25f;
  printf("%ld\n", mixed("dddddddddd", 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, fl, 10.0));
  long (*fp)(const char *, ...) = mixed;
  printf("%ld\n", fp("ii", 4, 5));
  char buf[64];
  int r = format(buf, sizeof buf, "%d-%s-%.2f-%c", 42, "x", 3.14159, 'z');
  printf("%d %s\n", r, buf);
  return 0;
}
