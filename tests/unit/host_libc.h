/*
 * host_libc.h - the host C library's printf, under names that
 * host_rename.h leaves alone, so tests can compare the kernel's output
 * with libc's. Implemented in host_libc.c, built without host_rename.h.
 */
#ifndef HOST_LIBC_H
#define HOST_LIBC_H

#include <stdarg.h>
#include <stddef.h>

int host_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int host_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
