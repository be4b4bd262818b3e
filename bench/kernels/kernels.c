/* The benchmark kernels in C, compiled at benchmark time with gcc -O2 and -O0
 * into shared libraries and called through jitkit's calling layer, so the call
 * path is the same as for the jitted versions (bench/kernels/ir.ts). Each
 * function mirrors the IR and JS versions line for line. */
#include <stdint.h>
#include <math.h>

int64_t k_fib(int64_t n) { return n < 2 ? n : k_fib(n - 1) + k_fib(n - 2); }

/* Counts primes below n; flags must hold n bytes. */
int64_t k_sieve(uint8_t *flags, int64_t n) {
  for (int64_t i = 0; i < n; i++) flags[i] = 1;
  int64_t count = 0;
  for (int64_t i = 2; i < n; i++) {
    if (flags[i]) {
      count++;
      for (int64_t j = i + i; j < n; j += i) flags[j] = 0;
    }
  }
  return count;
}

/* Points of a size x size grid over [-2,0.5]x[-1.25,1.25] inside the set after maxIter. */
int64_t k_mandelbrot(int64_t size, int64_t maxIter) {
  int64_t inside = 0;
  for (int64_t y = 0; y < size; y++) {
    double ci = -1.25 + 2.5 * (double)y / (double)size;
    for (int64_t x = 0; x < size; x++) {
      double cr = -2.0 + 2.5 * (double)x / (double)size;
      double zr = 0, zi = 0;
      int64_t it = 0;
      while (it < maxIter && zr * zr + zi * zi <= 4.0) {
        double t = zr * zr - zi * zi + cr;
        zi = 2.0 * zr * zi + ci;
        zr = t;
        it++;
      }
      if (it == maxIter) inside++;
    }
  }
  return inside;
}

/* c = a * b for n x n row-major doubles. */
void k_matmul(double *a, double *b, double *c, int64_t n) {
  for (int64_t i = 0; i < n; i++)
    for (int64_t j = 0; j < n; j++) {
      double s = 0;
      for (int64_t k = 0; k < n; k++) s += a[i * n + k] * b[k * n + j];
      c[i * n + j] = s;
    }
}

/* n-body: bodies[b*7 + {x,y,z,vx,vy,vz,mass}] for nb bodies; advances `steps` steps of dt 0.01, returns the energy. */
double k_nbody(double *bodies, int64_t nb, int64_t steps) {
  for (int64_t s = 0; s < steps; s++) {
    for (int64_t i = 0; i < nb; i++) {
      double *bi = bodies + i * 7;
      for (int64_t j = i + 1; j < nb; j++) {
        double *bj = bodies + j * 7;
        double dx = bi[0] - bj[0], dy = bi[1] - bj[1], dz = bi[2] - bj[2];
        double d2 = dx * dx + dy * dy + dz * dz;
        double mag = 0.01 / (d2 * sqrt(d2));
        bi[3] -= dx * bj[6] * mag; bi[4] -= dy * bj[6] * mag; bi[5] -= dz * bj[6] * mag;
        bj[3] += dx * bi[6] * mag; bj[4] += dy * bi[6] * mag; bj[5] += dz * bi[6] * mag;
      }
    }
    for (int64_t i = 0; i < nb; i++) {
      double *b = bodies + i * 7;
      b[0] += 0.01 * b[3]; b[1] += 0.01 * b[4]; b[2] += 0.01 * b[5];
    }
  }
  double e = 0;
  for (int64_t i = 0; i < nb; i++) {
    double *bi = bodies + i * 7;
    e += 0.5 * bi[6] * (bi[3] * bi[3] + bi[4] * bi[4] + bi[5] * bi[5]);
    for (int64_t j = i + 1; j < nb; j++) {
      double *bj = bodies + j * 7;
      double dx = bi[0] - bj[0], dy = bi[1] - bj[1], dz = bi[2] - bj[2];
      e -= bi[6] * bj[6] / sqrt(dx * dx + dy * dy + dz * dz);
    }
  }
  return e;
}

static double sn_a(int64_t i, int64_t j) { return 1.0 / (double)((i + j) * (i + j + 1) / 2 + i + 1); }
static void sn_av(int64_t n, double *v, double *out) {
  for (int64_t i = 0; i < n; i++) { double s = 0; for (int64_t j = 0; j < n; j++) s += sn_a(i, j) * v[j]; out[i] = s; }
}
static void sn_atv(int64_t n, double *v, double *out) {
  for (int64_t i = 0; i < n; i++) { double s = 0; for (int64_t j = 0; j < n; j++) s += sn_a(j, i) * v[j]; out[i] = s; }
}
/* spectral norm with 10 power iterations; u, v, tmp hold n doubles each. */
double k_spectral(double *u, double *v, double *tmp, int64_t n) {
  for (int64_t i = 0; i < n; i++) u[i] = 1.0;
  for (int64_t k = 0; k < 10; k++) {
    sn_av(n, u, tmp); sn_atv(n, tmp, v);
    sn_av(n, v, tmp); sn_atv(n, tmp, u);
  }
  double vbv = 0, vv = 0;
  for (int64_t i = 0; i < n; i++) { vbv += u[i] * v[i]; vv += v[i] * v[i]; }
  return sqrt(vbv / vv);
}

/* In-place heapsort of n int32 values. */
void k_heapsort(int32_t *a, int64_t n) {
  for (int64_t start = n / 2 - 1; start >= -(n - 1); start--) {
    int64_t root, end;
    if (start >= 0) { root = start; end = n; }
    else { end = n + start; int32_t t = a[0]; a[0] = a[end]; a[end] = t; root = 0; }
    for (;;) {
      int64_t child = 2 * root + 1;
      if (child >= end) break;
      if (child + 1 < end && a[child] < a[child + 1]) child++;
      if (a[root] >= a[child]) break;
      int32_t t = a[root]; a[root] = a[child]; a[child] = t;
      root = child;
    }
  }
}

/* Bitwise CRC-32 (IEEE, reflected, poly 0xEDB88320) of len bytes. */
int32_t k_crc32(uint8_t *p, int64_t len) {
  uint32_t crc = 0xffffffffu;
  for (int64_t i = 0; i < len; i++) {
    crc ^= p[i];
    for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
  }
  return (int32_t)~crc;
}

/* A switch-driven bytecode interpreter: opcodes 0 halt, 1 push imm, 2 add, 3 sub,
 * 4 dup, 5 jnz target (pops), 6 swap, 7 x = (x*3) ^ 0x5a, other: drop.
 * Code and the value stack are int32 words; arithmetic wraps (done unsigned).
 * Returns the top of the stack at halt. */
int32_t k_interp(int32_t *code, int32_t *stack) {
  int64_t pc = 0, sp = 0;
  for (;;) {
    int32_t op = code[pc];
    switch (op) {
      case 0: return stack[sp - 1];
      case 1: stack[sp++] = code[pc + 1]; pc += 2; break;
      case 2: sp--; stack[sp - 1] = (int32_t)((uint32_t)stack[sp - 1] + (uint32_t)stack[sp]); pc++; break;
      case 3: sp--; stack[sp - 1] = (int32_t)((uint32_t)stack[sp - 1] - (uint32_t)stack[sp]); pc++; break;
      case 4: stack[sp] = stack[sp - 1]; sp++; pc++; break;
      case 5: sp--; pc = stack[sp] != 0 ? code[pc + 1] : pc + 2; break;
      case 6: { int32_t t = stack[sp - 1]; stack[sp - 1] = stack[sp - 2]; stack[sp - 2] = t; pc++; break; }
      case 7: stack[sp - 1] = (int32_t)((uint32_t)stack[sp - 1] * 3u) ^ 0x5a; pc++; break;
      default: sp--; pc++; break;
    }
  }
}
