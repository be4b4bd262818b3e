/* _Thread_local and __thread objects (file scope, static, block-scope static, extern
   declared before the definition; scalars, arrays, structs holding pointers), read,
   written and through their address. Runs single-threaded (gcc -O0 is the oracle). */
#include <stdio.h>
#include <string.h>
static _Thread_local int counter = 5;
__thread char name[16] = "main";
_Thread_local struct { long a; double d; const char *s; } pair = { 7, 1.5, "str" };
extern _Thread_local int later;
static int bump(void) { static _Thread_local int calls; return ++calls; }
int main(void) {
  for (int i = 0; i < 1000; i++) counter += i;
  int *p = &counter;
  *p += 1;
  strcat(name, "-x");
  pair.a += 3;
  later++;
  bump(); bump();
  printf("%s %d %ld %.1f %s %d %d\n", name, counter, pair.a, pair.d, pair.s, bump(), later);
  return 0;
}
_Thread_local int later = 41;
