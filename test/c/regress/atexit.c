/* atexit handlers run when main returns, last registered first; a handler may register
   another (it runs next). glibc's atexit is not exported by libc.so, so the module defines it. */
#include <stdio.h>
#include <stdlib.h>
static int stage;
static void second(void) { printf("second %d\n", stage++); }
static void first(void) { printf("first %d\n", stage++); }
static void late(void) { printf("late %d\n", stage++); }
static void reg(void) { printf("reg %d\n", stage++); atexit(late); }
int main(int argc, char **argv) {
  atexit(first); atexit(second); atexit(reg);
  printf("main\n");
  (void)argv; if (argc > 1) exit(3);
  return 0;
}
