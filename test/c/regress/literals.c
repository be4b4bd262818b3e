/* Literals: integer constant types, floating constants (hex, suffixes),
   character constants with prefixes, string concatenation and escapes. */
#include <stdio.h>
#include <string.h>
#include <wchar.h>
#include <uchar.h>

#define TYPE(x) _Generic((x), int: "int", unsigned: "unsigned", long: "long", unsigned long: "ulong", long long: "llong", unsigned long long: "ullong", float: "float", double: "double", default: "other")

int main(void) {
  printf("%s %s %s %s %s %s %s\n", TYPE(2147483647), TYPE(2147483648), TYPE(0x80000000), TYPE(4294967296), TYPE(0xffffffffffffffff), TYPE(10u), TYPE(10ll));
  printf("%s %s %s %a %a %.17g %g\n", TYPE(1.5f), TYPE(1.5), TYPE(0x1p3), 0x1.8p1, 0x.8p-2, 0.1, 1e300 * 10);
  printf("%d %d %d %d %d\n", 'a', '\xff', '\377', '\n', 'ab');
  printf("%d %d %u %d\n", (int)L'\x1234', (int)u'\xffff', (unsigned)U'\U0001F600', (int)sizeof(u8"x"[0]));
  const char *s = "a\tb" "\x41" "\101\e" "\u00e9";
  for (const char *p = s; *p; p++) printf("%02x", (unsigned char)*p);
  printf(" %zu\n", strlen(s));
  wchar_t w[] = L"h\u00e9" "llo";
  char16_t c16[] = u"\U0001F600";
  char32_t c32[] = U"x" "\U0001F600";
  printf("%zu %d %zu %x %x %zu %x\n", sizeof w / sizeof w[0], (int)w[1], sizeof c16 / sizeof c16[0], c16[0], c16[1], sizeof c32 / sizeof c32[0], (unsigned)c32[1]);
  printf("%d %d %d\n", 0b1011, 017, 0x1F);
  return 0;
}
