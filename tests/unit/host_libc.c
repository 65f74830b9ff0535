/*
 * host_libc.c - wrappers around the host C library's printf (see
 * host_libc.h). Built WITHOUT host_rename.h, so vsnprintf here is libc's.
 */
#include <stdio.h>

#include "host_libc.h"

int host_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	return vsnprintf(buf, size, fmt, ap);
}

int host_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
