/* GNU labels as values and computed goto: tables of label addresses (static
   and automatic), label differences, dispatch loops in two functions. */
#include <stdio.h>

static int run(const unsigned char *code) {
  static void *ops[] = {&&op_halt, &&op_inc, &&op_dbl, &&op_jnz};
  static const int offs[] = {&&op_halt - &&op_halt, &&op_inc - &&op_halt, &&op_dbl - &&op_halt};
  int acc = 0, pc = 0, n = 3;
  goto *ops[code[pc]];
op_inc: acc++; pc++; goto *ops[code[pc]];
op_dbl: acc *= 2; pc++; goto *(&&op_halt + offs[code[pc] < 3 ? code[pc] : 0]) == ops[code[pc]] ? ops[code[pc]] : &&op_jnz;
op_jnz: if (--n > 0) { pc = 0; goto *ops[code[pc]]; } pc++; goto *ops[code[pc]];
op_halt: return acc;
}

static int pick(int i) {
  void *t[] = {&&a, &&b, &&c};
  void *p = t[i % 3];
  goto *p;
a: return 10;
b: return 20;
c: return 30;
}

int main(void) {
  const unsigned char prog[] = {1, 1, 2, 3, 1, 0};
  printf("%d\n", run(prog));
  printf("%d %d %d %d\n", pick(0), pick(1), pick(2), pick(4));
  return 0;
}
