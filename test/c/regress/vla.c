/* Variable-length arrays and alloca: sizeof at run time, VLA parameters (int a[n][m]),
   pointers to VLAs and their arithmetic, typedefs of VLA type (evaluated once, at the
   typedef), VLAs in loop bodies freed each iteration (also on break/continue), in switch
   arms, behind labels and backward gotos. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <alloca.h>
static int sum2(int n, int m, int a[n][m]) {
  int s = 0;
  for (int i = 0; i < n; i++) for (int j = 0; j < m; j++) s += a[i][j] * (i + 1);
  return s + (int)sizeof(a[0]) + (int)sizeof(*a);
}
static long loops(int k) {
  long t = 0;
  for (int r = 0; r < 200000; r++) {
    char buf[k + (r & 7)];
    memset(buf, r & 0xff, sizeof buf);
    if (r % 3 == 0) continue;
    t += buf[sizeof buf - 1] + (long)sizeof buf;
    if (r == 199990) break;
  }
  return t;
}
static int part1(int argc) {
  int n = argc + 2, m = argc + 3;
  int a[n][m];
  printf("%zu %zu %zu\n", sizeof a, sizeof a[0], sizeof(int[n][m]));
  for (int i = 0; i < n; i++) for (int j = 0; j < m; j++) a[i][j] = i * 10 + j;
  printf("%d\n", sum2(n, m, a));
  int (*p)[m] = a;
  p++;
  printf("%d %td\n", (*p)[1], p - a);
  typedef double row[m];
  row *rows = malloc(n * sizeof(row));
  for (int i = 0; i < n; i++) for (int j = 0; j < m; j++) rows[i][j] = i + j / 10.0;
  printf("%.1f %zu\n", rows[2][3], sizeof(row));
  free(rows);
  printf("%ld\n", loops(1000));
  char *s = alloca(n * 10);
  strcpy(s, "alloca ok");
  puts(s);
  int three[3][n];
  printf("%zu\n", sizeof three);
  { int k = 5; int v[k]; k = 9; printf("%zu\n", sizeof v); }
  return 0;
}
static int f(int n, int x) {
  int r = 0;
  switch (x) {
    case 0: { int a[n]; a[0] = 1; r = a[0]; break; }
    case 1: r = 2; break;
  }
  int tries = 0;
again:
  {
    int b[n + tries];
    b[0] = tries;
    r += b[0];
    if (++tries < 3) goto again;
  retry:
    if (tries++ < 5) goto retry;
  }
  while (n-- > 0) { int c[n + 1]; c[n] = n; r += c[n]; if (n == 2) break; }
  return r + (int)sizeof(int[x + 1]);
}
int main(int argc, char **argv) { (void)argv; part1(argc); printf("%d %d\n", f(5, 0), f(4, 1)); return 0; }
