/* exit() from a nested call runs the atexit handlers before C's stdio is flushed and the
   status is returned; the handlers see the state at the exit. */
#include <stdio.h>
#include <stdlib.h>
static int depth;
static void report(void) { printf("exit at depth %d\n", depth); }
static void dive(int n) { depth++; if (n == 0) exit(7); dive(n - 1); }
int main(void) {
  atexit(report);
  dive(5);
  puts("not reached");
  return 0;
}
