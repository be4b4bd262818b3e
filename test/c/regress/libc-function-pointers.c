/* Calls through C function pointers to C library functions (puts, strlen, printf, math,
   signal()'s returned handler) and to jitted ones: unchecked System V calls (call_native). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <math.h>
static void on(int s) { (void)s; }
int main(void) {
  int (*p)(const char *) = puts;
  size_t (*len)(const char *) = strlen;
  double (*fn[])(double) = { sqrt, fabs, floor };
  int (*pf)(const char *, ...) = printf;
  p("through puts");
  pf("%zu %.1f %.1f %.1f %d\n", len("abcd"), fn[0](16), fn[1](-2), fn[2](2.7), abs(-3));
  void (*old)(int) = signal(SIGINT, on);
  void (*mine)(int) = signal(SIGINT, old);
  mine(1);
  printf("%d\n", mine == on);
  return 0;
}
