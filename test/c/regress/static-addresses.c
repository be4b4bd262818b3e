/* Static initializers holding addresses (data relocations): pointers to
   objects, into arrays and structs (with offsets, also negative), strings,
   functions and libc functions, self references, compound literals. */
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

struct node { int value; struct node *next; const char *name; };
static int arr[10] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
int *p3 = &arr[3], *pend = arr + 10, *pback = &arr[10] - 2;
char *names[] = {"zero", "one", "two", NULL};
const char *msg = "hello, world" + 7;
struct node n2 = {2, NULL, "n2"};
struct node n1 = {1, &n2, "n1"};
struct node self = {9, &self, "self"};
struct node *list = &(struct node){0, &n1, "lit"};
static int twice(int x) { return 2 * x; }
static int square(int x) { return x * x; }
int (*ops[])(int) = {twice, square, &abs};
size_t (*len)(const char *) = strlen;
long addr_as_long = (long)&arr[1];
struct { int *p; char c[4]; int **pp; } mixed = {arr + 5, "ab", &p3};
char (*strp)[6] = &"world";

int main(void) {
  static int *local = &arr[7];
  static const char *const table[] = {"a" "b", "cd"};
  printf("%d %d %d %d\n", *p3, (int)(pend - arr), *pback, *local);
  for (char **s = names; *s; s++) printf("%s ", *s);
  printf("| %s\n", msg);
  for (struct node *n = list; n; n = n->next) printf("%s=%d ", n->name, n->value);
  printf("| %d %s\n", self.next->next->value, self.next->name);
  printf("%d %d %d %zu\n", ops[0](5), ops[1](5), ops[2](-5), len("four"));
  printf("%d %d %s %d\n", *(int *)addr_as_long, *mixed.p, mixed.c, **mixed.pp);
  printf("%s %s %s %zu\n", table[0], table[1], *strp, sizeof *strp);
  return 0;
}
