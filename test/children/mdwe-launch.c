// Test-only launcher: turns on PR_SET_MDWE(PR_MDWE_REFUSE_EXEC_GAIN) and execs
// its arguments. Under it the kernel refuses any mapping that is writable and
// executable and any page that gains execute permission (as systemd's
// MemoryDenyWriteExecute does); the setting survives execve.
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>
#include <sys/prctl.h>

#ifndef PR_SET_MDWE
#define PR_SET_MDWE 65
#endif
#ifndef PR_MDWE_REFUSE_EXEC_GAIN
#define PR_MDWE_REFUSE_EXEC_GAIN 1
#endif

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: mdwe-launch program [args...]\n");
    return 2;
  }
  if (prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN, 0, 0, 0) != 0) {
    fprintf(stderr, "mdwe-launch: prctl(PR_SET_MDWE) failed: %s\n", strerror(errno));
    return 3;
  }
  execv(argv[1], argv + 1);
  fprintf(stderr, "mdwe-launch: execv %s failed: %s\n", argv[1], strerror(errno));
  return 4;
}
