/* A program using more than 1 MiB of stack, as gcc-built programs may (8 MiB by
   default): a 3 MB local array and 40000-deep recursion. jitkit gives a C program
   on Node's main thread the process's stack limit less 1.5 MiB. */
#include <stdio.h>
#include <string.h>
static int depth(int n) {
  volatile char pad[48];
  pad[0] = (char)n;
  return n == 0 ? 0 : 1 + depth(n - 1) + pad[0] * 0;
}
int main(void) {
  int a[750000];
  memset(a, 0, sizeof a);
  for (int i = 0; i < 750000; i += 3) a[i] = i;
  long s = 0;
  for (int i = 0; i < 750000; i++) s += a[i];
  printf("%ld %d\n", s, depth(40000));
  return 0;
}
