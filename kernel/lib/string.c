/*
 * string.c - memory and string helpers declared in <kernel/string.h>, plus
 * the kstrto* number parsers. The printf family lives in vsprintf.c.
 *
 * Contract: the usual C library semantics, with these kernel choices:
 *  - memcpy/memset use "rep movsb"/"rep stosb" on x86_64 (the direction flag
 *    must be clear, as the ABI guarantees; entry code must "cld").
 *  - strcmp/strncmp/memcmp compare bytes as unsigned char and return their
 *    difference: only the sign of the result means anything.
 *  - kstrtoull_prefix() is strtoull() without leading blanks or sign: it
 *    parses digits in base 2..36, or base 0 for auto-detection ("0x" means
 *    16, a leading "0" means 8, otherwise 10). It saturates to ULLONG_MAX on
 *    overflow. *end (if end is not NULL) points after the last digit, or to
 *    s itself when there were no digits.
 *  - kstrtoull()/kstrtoll() accept only a whole number: an optional sign
 *    ('+' for both, '-' for kstrtoll), digits, and at most one trailing
 *    newline. They return 0 and store *res, or return -EINVAL (not a number)
 *    or -ERANGE (does not fit) and leave *res alone.
 * Pointers passed in must be valid and non-NULL (except end, see above).
 *
 * Locking: none needed. These are pure functions of their arguments; the
 * caller makes sure nobody else writes the buffers meanwhile.
 */
#include <kernel/string.h>
#include <kernel/errno.h>

/* Compiler-provided limits, so we need no <limits.h>. */
#define ULLONG_MAX_K (~0ULL)
#define LLONG_MAX_K __LONG_LONG_MAX__

void *memcpy(void *dst, const void *src, size_t n)
{
#ifdef __x86_64__
	void *d = dst;

	/* Copies n bytes from [rsi] to [rdi], forwards. */
	__asm__ __volatile__("rep movsb" : "+D"(d), "+S"(src), "+c"(n) : : "memory");
#else
	unsigned char *d = dst;
	const unsigned char *s = src;

	while (n--)
		*d++ = *s++;
#endif
	return dst;
}

/* Like memcpy, but the two areas may overlap. */
void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if ((uintptr_t)d <= (uintptr_t)s) {
		/* Destination at or below source: copying forwards never
		 * overwrites a source byte before it has been read. */
		while (n--)
			*d++ = *s++;
	} else {
		/* Destination above source: copy backwards, from the end. */
		d += n;
		s += n;
		while (n--)
			*--d = *--s;
	}
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
#ifdef __x86_64__
	void *d = dst;

	/* Stores the byte in al n times at [rdi], forwards. */
	__asm__ __volatile__("rep stosb" : "+D"(d), "+c"(n) : "a"(c) : "memory");
#else
	unsigned char *d = dst;

	while (n--)
		*d++ = (unsigned char)c;
#endif
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *p = a, *q = b;

	for (; n; n--, p++, q++)
		if (*p != *q)
			return *p - *q;
	return 0;
}

size_t strlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return p - s;
}

/* Like strlen, but looks at no more than max bytes. */
size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	const unsigned char *p = (const unsigned char *)a;
	const unsigned char *q = (const unsigned char *)b;

	while (*p && *p == *q) {
		p++;
		q++;
	}
	return *p - *q;
}

int strncmp(const char *a, const char *b, size_t n)
{
	const unsigned char *p = (const unsigned char *)a;
	const unsigned char *q = (const unsigned char *)b;

	for (; n; n--, p++, q++) {
		if (*p != *q)
			return *p - *q;
		if (!*p)
			break;
	}
	return 0;
}

/* Returns the first c in s; c == '\0' finds the terminator. */
char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

/* Returns the last c in s; c == '\0' finds the terminator. */
char *strrchr(const char *s, int c)
{
	const char *last = NULL;

	for (;; s++) {
		if (*s == (char)c)
			last = s;
		if (!*s)
			return (char *)last;
	}
}

/* Returns the first occurrence of needle in haystack; "" matches at once. */
char *strstr(const char *haystack, const char *needle)
{
	size_t n = strlen(needle);

	for (; *haystack; haystack++)
		if (strncmp(haystack, needle, n) == 0)
			return (char *)haystack;
	return n == 0 ? (char *)haystack : NULL;
}

/*
 * Copies src into dst[size], truncating if needed; dst is always
 * NUL-terminated when size > 0. Returns strlen(src): a result >= size means
 * the copy was truncated.
 */
size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size > 0) {
		size_t n = len < size - 1 ? len : size - 1;

		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

/*
 * Splits off the first token of *s, ending at any character of delim.
 * The delimiter is overwritten with '\0' and *s moves past it (or becomes
 * NULL after the last token). Returns the token, or NULL if *s was NULL.
 * Empty tokens are returned too: "a,,b" gives "a", "", "b".
 */
char *strsep(char **s, const char *delim)
{
	char *start = *s;
	char *p;

	if (!start)
		return NULL;
	for (p = start; *p; p++) {
		if (strchr(delim, *p)) {
			*p = '\0';
			*s = p + 1;
			return start;
		}
	}
	*s = NULL;
	return start;
}

/* The value of digit c (0-9, a-z, A-Z), or 36 (too big for any base). */
static unsigned int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 36;
}

/*
 * Skips a "0x" prefix if *base allows one (0 or 16) and a hex digit follows
 * it, and picks the real base when *base is 0. Returns where digits start.
 */
static const char *skip_prefix(const char *s, unsigned int *base)
{
	if ((*base == 0 || *base == 16) && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') &&
	    digit_value(s[2]) < 16) {
		*base = 16;
		return s + 2;
	}
	if (*base == 0)
		*base = s[0] == '0' ? 8 : 10;
	return s;
}

/*
 * Parses as many base digits as there are at s. Returns the first byte
 * that is not a digit (s itself if none was); *overflow tells whether the
 * value did not fit (*res is then meaningless).
 */
static const char *parse_digits(const char *s, unsigned int base, unsigned long long *res,
				bool *overflow)
{
	unsigned long long v = 0;
	unsigned int d;

	*overflow = false;
	for (; (d = digit_value(*s)) < base; s++) {
		if (v > (ULLONG_MAX_K - d) / base)
			*overflow = true; /* v * base + d would not fit */
		v = v * base + d;
	}
	*res = v;
	return s;
}

static bool base_ok(int base) { return base == 0 || (base >= 2 && base <= 36); }

unsigned long long kstrtoull_prefix(const char *s, char **end, int base)
{
	unsigned int b = base;
	unsigned long long v = 0;
	const char *digits, *after;
	bool overflow = false;

	if (!base_ok(base)) {
		after = s;
	} else {
		digits = skip_prefix(s, &b);
		after = parse_digits(digits, b, &v, &overflow);
		if (after == digits)
			after = s; /* no digits: nothing was parsed */
	}
	if (end)
		*end = (char *)after;
	return overflow ? ULLONG_MAX_K : v;
}

/* kstrtoull() without the optional '+'. */
static int parse_whole(const char *s, int base, unsigned long long *res)
{
	unsigned int b = base;
	const char *digits, *after;
	unsigned long long v;
	bool overflow;

	if (!base_ok(base))
		return -EINVAL;
	digits = skip_prefix(s, &b);
	after = parse_digits(digits, b, &v, &overflow);
	if (overflow)
		return -ERANGE;
	if (after == digits)
		return -EINVAL;
	if (*after == '\n')
		after++;
	if (*after)
		return -EINVAL;
	*res = v;
	return 0;
}

int kstrtoull(const char *s, int base, unsigned long long *res)
{
	if (s[0] == '+')
		s++;
	return parse_whole(s, base, res);
}

int kstrtoll(const char *s, int base, long long *res)
{
	unsigned long long v;
	int err;

	if (s[0] == '-') {
		err = parse_whole(s + 1, base, &v);
		if (err)
			return err;
		/* The magnitude of LLONG_MIN is LLONG_MAX + 1. */
		if (v > (unsigned long long)LLONG_MAX_K + 1)
			return -ERANGE;
		if (v == (unsigned long long)LLONG_MAX_K + 1)
			*res = -LLONG_MAX_K - 1; /* -v itself would overflow */
		else
			*res = -(long long)v;
		return 0;
	}
	err = kstrtoull(s, base, &v);
	if (err)
		return err;
	if (v > (unsigned long long)LLONG_MAX_K)
		return -ERANGE;
	*res = (long long)v;
	return 0;
}
