/**
 * The benchmark kernels in plain JS, mirroring kernels.c and ir.ts operation
 * for operation (same float evaluation order), so that V8 runs the same work.
 */

/** Recursive Fibonacci. */
export function fib(n: number): number {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

/** Counts primes below n; flags holds n bytes. */
export function sieve(flags: Uint8Array, n: number): number {
  for (let i = 0; i < n; i++) flags[i] = 1;
  let count = 0;
  for (let i = 2; i < n; i++) {
    if (flags[i]) {
      count++;
      for (let j = i + i; j < n; j += i) flags[j] = 0;
    }
  }
  return count;
}

/** Grid points inside the Mandelbrot set after maxIter iterations. */
export function mandelbrot(size: number, maxIter: number): number {
  let inside = 0;
  for (let y = 0; y < size; y++) {
    const ci = -1.25 + (2.5 * y) / size;
    for (let x = 0; x < size; x++) {
      const cr = -2.0 + (2.5 * x) / size;
      let zr = 0, zi = 0, it = 0;
      while (it < maxIter && zr * zr + zi * zi <= 4.0) {
        const t = zr * zr - zi * zi + cr;
        zi = 2.0 * zr * zi + ci;
        zr = t;
        it++;
      }
      if (it === maxIter) inside++;
    }
  }
  return inside;
}

/** c = a * b, n x n row-major. */
export function matmul(a: Float64Array, b: Float64Array, c: Float64Array, n: number): void {
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += a[i * n + k]! * b[k * n + j]!;
      c[i * n + j] = s;
    }
}

/** n-body: bodies[b*7 + {x,y,z,vx,vy,vz,mass}]; returns the energy after `steps`. */
export function nbody(p: Float64Array, nb: number, steps: number): number {
  for (let s = 0; s < steps; s++) {
    for (let i = 0; i < nb; i++) {
      const bi = i * 7;
      for (let j = i + 1; j < nb; j++) {
        const bj = j * 7;
        const dx = p[bi]! - p[bj]!, dy = p[bi + 1]! - p[bj + 1]!, dz = p[bi + 2]! - p[bj + 2]!;
        const d2 = dx * dx + dy * dy + dz * dz;
        const mag = 0.01 / (d2 * Math.sqrt(d2));
        p[bi + 3] = p[bi + 3]! - dx * p[bj + 6]! * mag;
        p[bi + 4] = p[bi + 4]! - dy * p[bj + 6]! * mag;
        p[bi + 5] = p[bi + 5]! - dz * p[bj + 6]! * mag;
        p[bj + 3] = p[bj + 3]! + dx * p[bi + 6]! * mag;
        p[bj + 4] = p[bj + 4]! + dy * p[bi + 6]! * mag;
        p[bj + 5] = p[bj + 5]! + dz * p[bi + 6]! * mag;
      }
    }
    for (let i = 0; i < nb; i++) {
      const b = i * 7;
      p[b] = p[b]! + 0.01 * p[b + 3]!;
      p[b + 1] = p[b + 1]! + 0.01 * p[b + 4]!;
      p[b + 2] = p[b + 2]! + 0.01 * p[b + 5]!;
    }
  }
  let e = 0;
  for (let i = 0; i < nb; i++) {
    const bi = i * 7;
    e += 0.5 * p[bi + 6]! * (p[bi + 3]! * p[bi + 3]! + p[bi + 4]! * p[bi + 4]! + p[bi + 5]! * p[bi + 5]!);
    for (let j = i + 1; j < nb; j++) {
      const bj = j * 7;
      const dx = p[bi]! - p[bj]!, dy = p[bi + 1]! - p[bj + 1]!, dz = p[bi + 2]! - p[bj + 2]!;
      e -= (p[bi + 6]! * p[bj + 6]!) / Math.sqrt(dx * dx + dy * dy + dz * dz);
    }
  }
  return e;
}

function snA(i: number, j: number): number {
  return 1.0 / ((((i + j) * (i + j + 1)) >> 1) + i + 1);
}
function snAv(n: number, v: Float64Array, out: Float64Array): void {
  for (let i = 0; i < n; i++) { let s = 0; for (let j = 0; j < n; j++) s += snA(i, j) * v[j]!; out[i] = s; }
}
function snAtv(n: number, v: Float64Array, out: Float64Array): void {
  for (let i = 0; i < n; i++) { let s = 0; for (let j = 0; j < n; j++) s += snA(j, i) * v[j]!; out[i] = s; }
}
/** Spectral norm, 10 power iterations. */
export function spectral(u: Float64Array, v: Float64Array, tmp: Float64Array, n: number): number {
  for (let i = 0; i < n; i++) u[i] = 1.0;
  for (let k = 0; k < 10; k++) {
    snAv(n, u, tmp); snAtv(n, tmp, v);
    snAv(n, v, tmp); snAtv(n, tmp, u);
  }
  let vbv = 0, vv = 0;
  for (let i = 0; i < n; i++) { vbv += u[i]! * v[i]!; vv += v[i]! * v[i]!; }
  return Math.sqrt(vbv / vv);
}

/** In-place heapsort. */
export function heapsort(a: Int32Array, n: number): void {
  for (let start = (n >> 1) - 1; start >= -(n - 1); start--) {
    let root: number, end: number;
    if (start >= 0) { root = start; end = n; }
    else { end = n + start; const t = a[0]!; a[0] = a[end]!; a[end] = t; root = 0; }
    for (;;) {
      let child = 2 * root + 1;
      if (child >= end) break;
      if (child + 1 < end && a[child]! < a[child + 1]!) child++;
      if (a[root]! >= a[child]!) break;
      const t = a[root]!; a[root] = a[child]!; a[child] = t;
      root = child;
    }
  }
}

/** Bitwise CRC-32 (IEEE). */
export function crc32(p: Uint8Array, len: number): number {
  let crc = -1;
  for (let i = 0; i < len; i++) {
    crc ^= p[i]!;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc;
}

/** The switch-driven bytecode interpreter of kernels.c (int32 values, wrapping). */
export function interp(code: Int32Array, stack: Int32Array): number {
  let pc = 0, sp = 0;
  for (;;) {
    switch (code[pc]) {
      case 0: return stack[sp - 1]!;
      case 1: stack[sp++] = code[pc + 1]!; pc += 2; break;
      case 2: sp--; stack[sp - 1] = (stack[sp - 1]! + stack[sp]!) | 0; pc++; break;
      case 3: sp--; stack[sp - 1] = (stack[sp - 1]! - stack[sp]!) | 0; pc++; break;
      case 4: stack[sp] = stack[sp - 1]!; sp++; pc++; break;
      case 5: sp--; pc = stack[sp] !== 0 ? code[pc + 1]! : pc + 2; break;
      case 6: { const t = stack[sp - 1]!; stack[sp - 1] = stack[sp - 2]!; stack[sp - 2] = t; pc++; break; }
      case 7: stack[sp - 1] = Math.imul(stack[sp - 1]!, 3) ^ 0x5a; pc++; break;
      default: sp--; pc++; break;
    }
  }
}

/** The bytecode program: acc = (acc * 3) ^ 0x5a, `count` times; returns acc. */
export function interpProgram(count: number): Int32Array {
  //                 push 0  push count  swap op7 swap push 1  sub dup jnz 4  drop halt
  return new Int32Array([1, 0, 1, count, 6, 7, 6, 1, 1, 3, 4, 5, 4, 8, 0]);
}
