/* jitkit built-in <time.h> (used when the system has no libc headers): ISO C
   time functions and common POSIX clocks, with glibc's x86-64 types (struct tm
   is 56 bytes with tm_gmtoff and tm_zone, as glibc declares it by default). */
#ifndef _TIME_H
#define _TIME_H 1

#define __need_size_t
#define __need_NULL
#include <stddef.h>

#ifndef __time_t_defined
#define __time_t_defined 1
typedef long int time_t;
#endif
#ifndef __clock_t_defined
#define __clock_t_defined 1
typedef long int clock_t;
#endif
#ifndef __clockid_t_defined
#define __clockid_t_defined 1
typedef int clockid_t;
#endif
#ifndef _STRUCT_TIMESPEC
#define _STRUCT_TIMESPEC 1
struct timespec {
  time_t tv_sec;
  long int tv_nsec;
};
#endif

struct tm {
  int tm_sec;
  int tm_min;
  int tm_hour;
  int tm_mday;
  int tm_mon;
  int tm_year;
  int tm_wday;
  int tm_yday;
  int tm_isdst;
  long int tm_gmtoff;
  const char *tm_zone;
};

#define CLOCKS_PER_SEC ((clock_t) 1000000)
#define TIME_UTC 1
#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define CLOCK_PROCESS_CPUTIME_ID 2
#define CLOCK_THREAD_CPUTIME_ID 3

extern clock_t clock (void);
extern time_t time (time_t *__timer);
extern double difftime (time_t __time1, time_t __time0) __attribute__ ((__const__));
extern time_t mktime (struct tm *__tp);
extern size_t strftime (char *restrict __s, size_t __maxsize, const char *restrict __format, const struct tm *restrict __tp);
extern struct tm *gmtime (const time_t *__timer);
extern struct tm *localtime (const time_t *__timer);
extern struct tm *gmtime_r (const time_t *restrict __timer, struct tm *restrict __tp);
extern struct tm *localtime_r (const time_t *restrict __timer, struct tm *restrict __tp);
extern char *asctime (const struct tm *__tp);
extern char *ctime (const time_t *__timer);
extern int timespec_get (struct timespec *__ts, int __base);
extern int clock_gettime (clockid_t __clock_id, struct timespec *__tp);
extern int clock_getres (clockid_t __clock_id, struct timespec *__res);
extern int nanosleep (const struct timespec *__requested_time, struct timespec *__remaining);
extern void tzset (void);

#endif
