/*
 * string.h - memory and string helpers (kernel/lib/string.c) and the
 * printf family (kernel/lib/vsprintf.c). Portable: also built on the host.
 */
#ifndef KERNEL_STRING_H
#define KERNEL_STRING_H

#include <kernel/compiler.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
char *strstr(const char *haystack, const char *needle);
size_t strlcpy(char *dst, const char *src, size_t size);
char *strsep(char **s, const char *delim);
/* Parses an unsigned/signed number in base (0 = auto: 0x, 0 prefixes). */
unsigned long long kstrtoull_prefix(const char *s, char **end, int base);
int kstrtoull(const char *s, int base, unsigned long long *res);
int kstrtoll(const char *s, int base, long long *res);

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

#endif
