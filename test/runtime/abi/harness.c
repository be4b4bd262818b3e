/*
 * Hand-written C for the calling-layer tests, linked with the generated cases
 * (gen.ts) into one test library.
 *
 *   jk_check_preserved(fp, a0, a1, a2)  calls fp(a0, a1, a2) with the callee-saved
 *       registers rbx rbp r12-r15 set to known patterns; returns a bit mask of the
 *       registers found changed afterwards (bit 6: rsp moved). fp's rax result is
 *       kept for jk_preserved_result().
 *   jk_vhash(types, ...)               a variadic function reading its arguments by a
 *       type string and hashing their bits in order.
 *   jk_bump / jk_bumps                 a side effect, to show that a call did (not) run.
 *   jk_sum_bytes(p, n)                 reads memory through a pointer argument.
 */
#include <stdint.h>
#include <stddef.h>
#include <stdarg.h>
#include <string.h>
#define JK_EXPORT __attribute__((visibility("default"), noinline))
#define JK_HIDDEN __attribute__((visibility("hidden"), used))

/* rbx rbp r12 r13 r14 r15 rsp rax after the call. */
JK_HIDDEN uint64_t jk_after[8];
JK_HIDDEN uint64_t jk_saved_rsp;
static const uint64_t jk_patterns[6] = {
  0x0123456789abcd03ULL, 0x1123456789abcd05ULL, 0x2123456789abcd0cULL,
  0x3123456789abcd0dULL, 0x4123456789abcd0eULL, 0x5123456789abcd0fULL,
};

uint64_t jk_raw_call(void *fp, uint64_t a0, uint64_t a1, uint64_t a2);
__asm__(
  ".intel_syntax noprefix\n"
  ".text\n"
  ".type jk_raw_call, @function\n"
  "jk_raw_call:\n"
  "  push rbx\n  push rbp\n  push r12\n  push r13\n  push r14\n  push r15\n"
  "  sub rsp, 8\n"                         /* 8 (return address) + 48 + 8: aligned at the call */
  "  mov rax, rdi\n  mov rdi, rsi\n  mov rsi, rdx\n  mov rdx, rcx\n"
  "  movabs rbx, 0x0123456789abcd03\n"
  "  movabs rbp, 0x1123456789abcd05\n"
  "  movabs r12, 0x2123456789abcd0c\n"
  "  movabs r13, 0x3123456789abcd0d\n"
  "  movabs r14, 0x4123456789abcd0e\n"
  "  movabs r15, 0x5123456789abcd0f\n"
  "  mov qword ptr [rip + jk_saved_rsp], rsp\n"
  "  call rax\n"
  "  mov qword ptr [rip + jk_after], rbx\n"
  "  mov qword ptr [rip + jk_after + 8], rbp\n"
  "  mov qword ptr [rip + jk_after + 16], r12\n"
  "  mov qword ptr [rip + jk_after + 24], r13\n"
  "  mov qword ptr [rip + jk_after + 32], r14\n"
  "  mov qword ptr [rip + jk_after + 40], r15\n"
  "  mov qword ptr [rip + jk_after + 48], rsp\n"
  "  mov qword ptr [rip + jk_after + 56], rax\n"
  "  mov rsp, qword ptr [rip + jk_saved_rsp]\n"  /* survive a callee that moved rsp */
  "  add rsp, 8\n"
  "  pop r15\n  pop r14\n  pop r13\n  pop r12\n  pop rbp\n  pop rbx\n"
  "  ret\n"
  ".size jk_raw_call, .-jk_raw_call\n"
  ".att_syntax prefix\n");

JK_EXPORT int jk_check_preserved(void *fp, uint64_t a0, uint64_t a1, uint64_t a2) {
  memset(jk_after, 0, sizeof jk_after);
  jk_raw_call(fp, a0, a1, a2);
  int bad = 0;
  for (int i = 0; i < 6; i++)
    if (jk_after[i] != jk_patterns[i]) bad |= 1 << i;
  if (jk_after[6] != jk_saved_rsp) bad |= 1 << 6;
  return bad;
}

JK_EXPORT uint64_t jk_preserved_result(void) { return jk_after[7]; }

JK_EXPORT uint64_t jk_vhash(const char *types, ...) {
  va_list ap;
  va_start(ap, types);
  uint64_t h = 7;
  for (const char *t = types; *t; t++) {
    uint64_t b;
    switch (*t) {
      case 'i': b = (uint64_t)(int64_t)va_arg(ap, int32_t); break;
      case 'u': b = va_arg(ap, uint32_t); break;
      case 'l': b = (uint64_t)va_arg(ap, int64_t); break;
      case 'L': b = va_arg(ap, uint64_t); break;
      case 'p': b = (uintptr_t)va_arg(ap, void *); break;
      case 'd': { double d = va_arg(ap, double); memcpy(&b, &d, 8); break; }
      default: va_end(ap); return 0;
    }
    h = h * 1000003 + b;
  }
  va_end(ap);
  return h;
}

static int jk_bump_count;
JK_EXPORT void jk_bump(void) { jk_bump_count++; }
JK_EXPORT int jk_bumps(void) { return jk_bump_count; }
/* Every type once; bumps the counter when it runs. */
JK_EXPORT int jk_bump_all(int8_t a, int16_t b, int32_t c, int64_t d, uint8_t e, uint16_t f, uint32_t g,
                          uint64_t h, float i, double j, _Bool k, void *l) {
  (void)a; (void)b; (void)c; (void)d; (void)e; (void)f; (void)g; (void)h; (void)i; (void)j; (void)k; (void)l;
  return ++jk_bump_count;
}

JK_EXPORT uint64_t jk_sum_bytes(const uint8_t *p, size_t n) {
  uint64_t s = 0;
  for (size_t i = 0; i < n; i++) s += (uint64_t)p[i] * (i + 1);
  return s;
}
