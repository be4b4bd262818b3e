/* Initializer lists: brace elision, designators continuing in nested and
   anonymous members, unions, unnamed bit-fields, ranges, strings. */
#include <stdio.h>
#include <string.h>

union U { int a; struct { int b; int c; }; int d; };
union U u1 = {.b = 1, 2};
struct S { int a; union { struct { struct { int b; int c; }; }; }; int d; };
struct S s1 = {.a = 1, 2, .c = 3, 4};
union A { int : 3; char b; } ua = {'b'};
struct P { int x, y; };
struct L { struct P p[3]; int n; char name[6]; };
struct L l1 = {1, 2, 3, 4, 5, 6, 7, "abc"};
struct L l2 = {{{1, 2}, [2].y = 9}, .name = "xy", .n = 5};
struct L l3 = {.p[1] = {7, 8}, 10, 11, 12};
int grid[3][4] = {1, 2, 3, 4, 5, [2][1] = 6, 7};
int ranged[10] = {[2 ... 5] = 3, 9, [8] = 1};
char words[][5] = {"one", "two", {'x', 'y'}, "four"};
struct { char s[4]; int x; } sx[] = {"abc", 1, "de", 2};
struct B { unsigned a : 3; unsigned : 2; unsigned b : 5; int c; } bf = {5, 17, -3};
struct P pts[] = {[1] = {.y = 2}, {3}, [0].x = 4};
union V { struct P p; long l; } uv = {{1, 2}};
struct Nest { struct P a, b; } nest = {{1}, 2, 3};
int scalar = {42};

static void print_l(const char *n, struct L *l) {
  printf("%s:", n);
  for (int i = 0; i < 3; i++) printf(" (%d,%d)", l->p[i].x, l->p[i].y);
  printf(" n=%d name=%s\n", l->n, l->name);
}

int main(void) {
  union U u2 = {.b = 1, 2};
  struct S s2 = {.a = 1, 2, .c = 3, 4};
  struct L l4 = {1, 2, 3, 4, 5, 6, 7, "abc"};
  struct L l5 = {.p[1] = {7, 8}, 10, 11, 12};
  int g2[3][4] = {1, 2, 3, 4, 5, [2][1] = 6, 7};
  struct P p2[] = {[1] = {.y = 2}, {3}, [0].x = 4};
  struct B b2 = {5, 17, -3};
  struct Nest n2 = {{1}, 2, 3};
  printf("%d %d %d %d | %d %d %d\n", u1.a, u1.b, u1.c, u1.d, u2.a, u2.b, u2.c);
  printf("%d %d %d %d | %d %d %d %d\n", s1.a, s1.b, s1.c, s1.d, s2.a, s2.b, s2.c, s2.d);
  printf("%d %zu\n", ua.b, sizeof ua);
  print_l("l1", &l1); print_l("l2", &l2); print_l("l3", &l3); print_l("l4", &l4); print_l("l5", &l5);
  for (int i = 0; i < 3; i++) for (int j = 0; j < 4; j++) printf("%d%d%c", grid[i][j], g2[i][j], j == 3 ? '\n' : ' ');
  for (int i = 0; i < 10; i++) printf("%d ", ranged[i]);
  printf("\n%zu %s %s %c%c %s\n", sizeof words / sizeof words[0], words[0], words[1], words[2][0], words[2][1], words[3]);
  printf("%zu %s %d %s %d\n", sizeof sx / sizeof sx[0], sx[0].s, sx[0].x, sx[1].s, sx[1].x);
  printf("%u %u %d | %u %u %d\n", bf.a, bf.b, bf.c, b2.a, b2.b, b2.c);
  printf("%zu %d %d %d %d %d %d | %d %d %d %d %d %d\n", sizeof pts / sizeof pts[0], pts[0].x, pts[0].y, pts[1].x, pts[1].y, pts[2].x, pts[2].y,
         p2[0].x, p2[0].y, p2[1].x, p2[1].y, p2[2].x, p2[2].y);
  printf("%d %d | %d %d %d %d | %d %d %d %d\n", uv.p.x, uv.p.y, nest.a.x, nest.a.y, nest.b.x, nest.b.y, n2.a.x, n2.a.y, n2.b.x, n2.b.y);
  printf("%d\n", scalar);
  return 0;
}
