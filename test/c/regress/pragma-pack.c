#include <stdio.h>
#include <stddef.h>
#pragma pack(push, 1)
struct A { char c; int i; short s; };
#pragma pack(pop)
#pragma pack(2)
struct B { char c; int i; double d; };
#pragma pack()
struct C { char c; int i; };
#pragma weird stuff
_Pragma("pack(push, 4)")
struct D { char c; double d; };
#pragma pack(pop)
int main(void) {
  printf("%zu %zu %zu | %zu %zu %zu | %zu %zu | %zu %zu\n", sizeof(struct A), offsetof(struct A, i), offsetof(struct A, s),
    sizeof(struct B), offsetof(struct B, i), offsetof(struct B, d), sizeof(struct C), offsetof(struct C, i), sizeof(struct D), offsetof(struct D, d));
  struct A a = {1, 2, 3}; a.i += 5; printf("%d %d %d\n", a.c, a.i, a.s);
  return 0;
}
