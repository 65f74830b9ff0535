/*
 * t.h - a tiny test harness for user-space test programs.
 *
 * CHECK(cond, fmt, ...) records one assertion; a failure prints the
 * location and message.  T_SYS(call) checks a call returned >= 0.
 * T_ERR(call, errno) checks it failed with that errno.  t_done() prints
 * "NAME: N passed, N failed" and returns the exit status (0 = all passed).
 * The same programs pass on Linux, which is how they are checked.
 */
#ifndef USER_T_H
#define USER_T_H

#include <errno.h>
#include <stdio.h>
#include <string.h>

static volatile int t_pass, t_fail; /* volatile: tests siglongjmp */
static const char *t_name = "test";

#define CHECK(cond, ...)                                                       \
	do {                                                                   \
		if (cond) {                                                    \
			t_pass++;                                              \
		} else {                                                       \
			t_fail++;                                              \
			printf("FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
			printf(__VA_ARGS__);                                   \
			printf("\n");                                          \
			fflush(stdout);                                        \
		}                                                              \
	} while (0)

#define T_SYS(call)                                                                 \
	({                                                                          \
		long __r = (long)(call);                                            \
		CHECK(__r >= 0, "%s returned %ld (errno %d %s)", #call, __r, errno, \
		      strerror(errno));                                             \
		__r;                                                                \
	})

#define T_ERR(call, e)                                                                           \
	do {                                                                                     \
		errno = 0;                                                                       \
		long __r = (long)(call);                                                         \
		int __e = errno;                                                                 \
		CHECK(__r == -1 && __e == (e), "%s: want -1/%s, got %ld/%s", #call, strerror(e), \
		      __r, strerror(__e));                                                       \
	} while (0)

static inline void t_start(const char *name)
{
	t_name = name;
	setvbuf(stdout, NULL, _IONBF, 0);
}

static inline int t_done(void)
{
	printf("%s: %d passed, %d failed\n", t_name, t_pass, t_fail);
	return t_fail ? 1 : 0;
}

#endif
