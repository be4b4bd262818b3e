/* <math.h>'s classification and comparison macros on doubles and floats: glibc's
   isinf/isnan/signbit/isfinite/isnormal/fpclassify pick the function by sizeof in a ?:
   whose dead arms take long double (no code is generated for them); isgreater and kin,
   signaling NaNs, __builtin_object_size of named objects. */
#include <stdio.h>
#include <math.h>
#include <string.h>
static const char *cls(int c) { return c == FP_NAN ? "nan" : c == FP_INFINITE ? "inf" : c == FP_ZERO ? "zero" : c == FP_SUBNORMAL ? "sub" : "normal"; }
int main(void) {
  double v[] = { 0.0, -0.0, 1.5, -2.25, INFINITY, -INFINITY, NAN, 1e-310, HUGE_VAL };
  float f = -3.5f;
  for (unsigned i = 0; i < sizeof v / sizeof v[0]; i++) {
    double x = v[i];
    printf("%d %d %d %d %d %s | %d %d %d %d %d %d\n", isinf(x) != 0, isnan(x) != 0, signbit(x) != 0, isfinite(x) != 0, isnormal(x) != 0, cls(fpclassify(x)),
           isgreater(x, 1.0), isgreaterequal(x, 1.5), isless(x, 0), islessequal(x, -0.0), islessgreater(x, 1.5), isunordered(x, 2.0));
  }
  printf("%d %d %d %d\n", signbit(f) != 0, isinf(f), isnan(f), isgreater(f, -4));
  char buf[8]; printf("%zu %d\n", __builtin_object_size(buf, 0), (int)__builtin_object_size(buf, 2));
  printf("%d\n", isnan(__builtin_nans("")));
  return 0;
}
