/* asm statements with an empty template (compiler barriers, value laundering) are no-ops. */
#include <stdio.h>
int main(void) {
  int x = 5, s = 0;
  for (int i = 0; i < 10; i++) { s += i; __asm__ __volatile__("" ::: "memory"); }
  asm volatile("" : "+r"(x));
  asm("");
  printf("%d %d\n", s, x);
  return 0;
}
