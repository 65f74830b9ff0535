/*
 * test_vsprintf.c - host unit tests for kernel/lib/vsprintf.c.
 *
 * host_rename.h is force-included, so snprintf() here is the kernel's
 * (ksnprintf). The host C library's printf, reached through host_libc.h,
 * is the reference for everything the two should agree on; %p, %s of NULL
 * and unknown conversions are kernel-specific and checked against fixed
 * strings.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include <kernel/string.h>

#include "host_libc.h"

#define BUF 512
#define GUARD 0x5a

/* Reports a problem; the tests count them and fail if there was any. */
static int mismatches;

static void report(const char *what, const char *fmt, const char *got, int got_n, const char *want,
		   int want_n)
{
	if (++mismatches <= 20)
		print_error("%s: fmt \"%s\": got \"%s\" (%d), want \"%s\" (%d)\n", what, fmt, got,
			    got_n, want, want_n);
}

/*
 * Checks that truncated output is the right prefix of the full output
 * want[want_n], for several buffer sizes, that the result is always want_n
 * and that nothing past size is written.
 */
static void check_truncation(const char *fmt, va_list ap, const char *want, int want_n)
{
	size_t sizes[] = { 0, 1, (size_t)want_n / 2, (size_t)want_n };
	char buf[BUF + 8];

	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		size_t size = sizes[i];
		size_t stored = size ? MIN(size - 1, (size_t)want_n) : 0;
		va_list aq;
		int n;

		if (size > BUF)
			continue;
		memset(buf, GUARD, sizeof(buf));
		va_copy(aq, ap);
		n = vsnprintf(buf, size, fmt, aq);
		va_end(aq);
		if (n != want_n || memcmp(buf, want, stored) != 0 ||
		    (size && buf[stored] != '\0')) {
			report("truncated", fmt, size ? buf : "", n, want, want_n);
			continue;
		}
		for (size_t j = size; j < sizeof(buf); j++) {
			if ((unsigned char)buf[j] != GUARD) {
				report("wrote past size", fmt, buf, n, want, want_n);
				break;
			}
		}
	}
}

/* Compares the kernel's vsnprintf with libc's for fmt and the arguments. */
static void vcompare(const char *fmt, va_list ap)
{
	char want[BUF], got[BUF];
	int want_n, got_n;
	va_list aq;

	va_copy(aq, ap);
	want_n = host_vsnprintf(want, sizeof(want), fmt, aq);
	va_end(aq);
	va_copy(aq, ap);
	got_n = vsnprintf(got, sizeof(got), fmt, aq);
	va_end(aq);
	if (got_n != want_n || strcmp(got, want) != 0) {
		report("differs from libc", fmt, got, got_n, want, want_n);
		return;
	}
	if (want_n < BUF)
		check_truncation(fmt, ap, want, want_n);
}

/* No format attribute: the callers build formats at run time. */
static void compare(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vcompare(fmt, ap);
	va_end(ap);
}

/* Checks the kernel's output against a fixed string (and truncation). */
static void vexpect(const char *want, const char *fmt, va_list ap)
{
	char got[BUF];
	int want_n = (int)strlen(want);
	int got_n;
	va_list aq;

	va_copy(aq, ap);
	got_n = vsnprintf(got, sizeof(got), fmt, aq);
	va_end(aq);
	if (got_n != want_n || strcmp(got, want) != 0)
		report("unexpected", fmt, got, got_n, want, want_n);
	else
		check_truncation(fmt, ap, want, want_n);
}

static void __printf(2, 3) expect(const char *want, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vexpect(want, fmt, ap);
	va_end(ap);
}

/* Like expect(), for formats the compiler would warn about. */
static void expect_raw(const char *want, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vexpect(want, fmt, ap);
	va_end(ap);
}

static int setup(void **state)
{
	(void)state;
	mismatches = 0;
	return 0;
}

#define TEST(f) cmocka_unit_test_setup(f, setup)

/* Integer conversions: every flag set, widths, precisions, lengths, values. */

enum { L_HH, L_H, L_NONE, L_L, L_LL, L_Z, L_T, NR_LENGTHS };
static const char *const length_str[NR_LENGTHS] = { "hh", "h", "", "l", "ll", "z", "t" };

static const unsigned long long int_values[] = {
	0,
	1,
	7,
	8,
	9,
	10,
	42,
	100,
	127,
	128,
	255,
	256,
	0x7fff,
	0x8000,
	0xffff,
	0x10000,
	0x7fffffff,
	0x80000000,
	0xffffffff,
	0x100000000,
	0x123456789abcdef0,
	0x7fffffffffffffff,
	0x8000000000000000,
	-1ULL,
	-2ULL,
	-42ULL,
	-128ULL,
	-129ULL,
	-32768ULL,
	-2147483648ULL,
	-2147483649ULL,
};

/*
 * Passes raw, as the type the length modifier asks for, plus the '*'
 * width and precision arguments if the format has them.
 */
#define PASS(type)                                           \
	do {                                                 \
		if (wstar && pstar)                          \
			compare(fmt, wval, pval, (type)raw); \
		else if (wstar)                              \
			compare(fmt, wval, (type)raw);       \
		else if (pstar)                              \
			compare(fmt, pval, (type)raw);       \
		else                                         \
			compare(fmt, (type)raw);             \
	} while (0)

static void compare_int(const char *fmt, int len, bool is_signed, unsigned long long raw,
			bool wstar, int wval, bool pstar, int pval)
{
	switch (len) {
	case L_HH:
	case L_H:
	case L_NONE:
		if (is_signed)
			PASS(int);
		else
			PASS(unsigned int);
		break;
	case L_L:
		if (is_signed)
			PASS(long);
		else
			PASS(unsigned long);
		break;
	case L_LL:
		if (is_signed)
			PASS(long long);
		else
			PASS(unsigned long long);
		break;
	case L_Z:
		if (is_signed)
			PASS(ssize_t);
		else
			PASS(size_t);
		break;
	case L_T:
		PASS(ptrdiff_t);
		break;
	}
}

struct field {
	const char *str;
	bool star;
	int val;
};

static const struct field widths[] = {
	{ "", false, 0 },  { "1", false, 0 },  { "3", false, 0 },
	{ "8", false, 0 }, { "25", false, 0 }, { "*", true, 0 },
	{ "*", true, 6 },  { "*", true, -6 },  { "*", true, -30 },
};

static const struct field precisions[] = {
	{ "", false, 0 },   { ".", false, 0 },	 { ".0", false, 0 }, { ".1", false, 0 },
	{ ".4", false, 0 }, { ".22", false, 0 }, { ".*", true, 0 },  { ".*", true, 3 },
	{ ".*", true, -1 }, { ".*", true, -9 },
};

/* Compares "[%<flags><width><precision><length><conv>]" for all of them. */
static void compare_conv(const char *flags, char conv)
{
	bool is_signed = conv == 'd' || conv == 'i';
	char fmt[64];

	for (size_t w = 0; w < ARRAY_SIZE(widths); w++) {
		for (size_t p = 0; p < ARRAY_SIZE(precisions); p++) {
			for (int len = 0; len < NR_LENGTHS; len++) {
				host_snprintf(fmt, sizeof(fmt), "[%%%s%s%s%s%c]", flags,
					      widths[w].str, precisions[p].str, length_str[len],
					      conv);
				for (size_t v = 0; v < ARRAY_SIZE(int_values); v++)
					compare_int(fmt, len, is_signed, int_values[v],
						    widths[w].star, widths[w].val,
						    precisions[p].star, precisions[p].val);
			}
		}
	}
}

/* Writes the subset of chars selected by the bits of mask into out. */
static void flag_subset(char *out, const char *chars, unsigned int mask)
{
	for (; *chars; chars++, mask >>= 1)
		if (mask & 1)
			*out++ = *chars;
	*out = '\0';
}

static void test_compare_signed(void **state)
{
	char flags[8];

	(void)state;
	/* '#' is left out: C leaves it undefined for %d. */
	for (unsigned int mask = 0; mask < 16; mask++) {
		flag_subset(flags, "-0+ ", mask);
		compare_conv(flags, 'd');
	}
	compare_conv("", 'i');
	compare_conv("-+0", 'i');
	assert_int_equal(mismatches, 0);
}

static void test_compare_unsigned(void **state)
{
	char flags[8];

	(void)state;
	for (unsigned int mask = 0; mask < 8; mask++) {
		flag_subset(flags, "-0#", mask);
		for (const char *c = "uxXo"; *c; c++)
			compare_conv(flags, *c);
	}
	/* '+' and ' ' are ignored for unsigned conversions. */
	compare_conv("+", 'u');
	compare_conv(" #", 'x');
	assert_int_equal(mismatches, 0);
}

static void test_compare_strings(void **state)
{
	const char *const strs[] = { "", "a", "hello", "hello, world", "tab\tand\nnewline" };
	const char *const wid[] = { "", "1", "5", "20" };
	const char *const pre[] = { "", ".", ".0", ".3", ".5", ".40" };
	char fmt[64];

	(void)state;
	for (int left = 0; left < 2; left++) {
		for (size_t w = 0; w < ARRAY_SIZE(wid); w++) {
			for (size_t p = 0; p < ARRAY_SIZE(pre); p++) {
				host_snprintf(fmt, sizeof(fmt), "<%%%s%s%ss>", left ? "-" : "",
					      wid[w], pre[p]);
				for (size_t s = 0; s < ARRAY_SIZE(strs); s++)
					compare(fmt, strs[s]);
			}
			host_snprintf(fmt, sizeof(fmt), "<%%%s%sc>", left ? "-" : "", wid[w]);
			compare(fmt, 'x');
			compare(fmt, ' ');
			compare(fmt, 0xe9);
		}
	}
	/* Width and precision from arguments. */
	for (int w = -12; w <= 12; w += 3) {
		for (int p = -2; p <= 8; p += 2) {
			compare("%*.*s|", w, p, "abcdef");
			compare("%.*s|", p, "abcdef");
			compare("%*s|", w, "abcdef");
			compare("%*c|", w, 'q');
		}
	}
	assert_int_equal(mismatches, 0);
}

/* Several conversions in one format, and literal text around them. */
static void test_compare_mixed(void **state)
{
	(void)state;
	compare("");
	compare("plain text, no conversions");
	compare("100%% sure, %d%%", 50);
	compare("%s=%d (%#x) [%-6s] %c%c", "answer", 42, 42, "ok", 'o', 'k');
	compare("%d %i %u %x %X %o", -1, -2, 3u, 0xabcu, 0xabcu, 8u);
	compare("%lld %llu %llx", (long long)INT64_MIN, (unsigned long long)UINT64_MAX,
		(unsigned long long)INT64_MIN);
	compare("%hhd %hhu %hd %hu", 300, 300, 70000, 70000);
	compare("%zu %zd %zx %td %tx", (size_t)12345, (ssize_t)-5, (size_t)0xfeed, (ptrdiff_t)-7,
		(ptrdiff_t)0x77);
	compare("%08.3d|%-8.3d|%+.0d|% d|%+ d", 5, 5, 0, 5, 5);
	compare("%#o %#.0o %#.3o %#5o %#x %#X %#08x %#-8x|", 0u, 0u, 8u, 8u, 0u, 255u, 255u, 255u);
	compare("%-+8d|%-08d|%0-8d|", 42, 42, 42);
	compare("%s%s%s", "", "", "");
	compare("%.0s|%.s|%10.0s|", "gone", "gone", "gone");
	compare("%1000d|", 1);
	compare("%.300d|", -1);
	compare("%-1000s|", "left");
	assert_int_equal(mismatches, 0);
}

static void test_pointer(void **state)
{
	(void)state;
	expect("0x0000000000000000", "%p", (void *)NULL);
	expect("0x0000000000001000", "%p", (void *)0x1000);
	expect("0xffff800000001000", "%p", (void *)0xffff800000001000);
	expect("0xffffffffffffffff", "%p", (void *)UINTPTR_MAX);
	expect("[  0x00000000deadbeef]", "[%20p]", (void *)0xdeadbeef);
	expect("[0x00000000deadbeef  ]", "[%-20p]", (void *)0xdeadbeef);
	expect("[0x00000000deadbeef]", "[%5p]", (void *)0xdeadbeef);
	expect("[  0x00000000deadbeef]", "[%*p]", 20, (void *)0xdeadbeef);
	expect("[0x00000000deadbeef  ]", "[%*p]", -20, (void *)0xdeadbeef);
	expect("a 0x0000000000000010 b", "a %p %s", (void *)16, "b");
	assert_int_equal(mismatches, 0);
}

static void test_null_string(void **state)
{
	const char *null = NULL;

	(void)state;
	expect_raw("(null)", "%s", null);
	expect_raw("[  (null)]", "[%8s]", null);
	expect_raw("[(null)  ]", "[%-8s]", null);
	expect_raw("[(nu]", "[%.3s]", null);
	expect_raw("[]", "[%.0s]", null);
	assert_int_equal(mismatches, 0);
}

static void test_specific(void **state)
{
	char c3[3];

	(void)state;
	expect("-9223372036854775808", "%lld", (long long)INT64_MIN);
	expect("-9223372036854775808", "%ld", (long)INT64_MIN);
	expect("9223372036854775807", "%lli", (long long)INT64_MAX);
	expect("18446744073709551615", "%llu", (unsigned long long)UINT64_MAX);
	expect("1777777777777777777777", "%llo", (unsigned long long)UINT64_MAX);
	expect("FFFFFFFFFFFFFFFF", "%llX", (unsigned long long)UINT64_MAX);
	expect("-2147483648", "%d", INT32_MIN);
	expect("-128 127 255", "%hhd %hhd %hhu", -128, 127, -1);
	expect("-1 65535", "%hd %hu", 65535, -1);
	expect("[-0042]", "[%05d]", -42);
	expect("[  -42]", "[%5d]", -42);
	expect("[-42  ]", "[%-5d]", -42);
	expect("[ -042]", "[%5.3d]", -42);
	expect("[+42]", "[%+d]", 42);
	expect("[ 42]", "[% d]", 42);
	expect("[+0]", "[%+d]", 0);
	expect("[]", "[%.0d]", 0);
	expect("[0]", "[%#.0o]", 0u);
	expect("[0x00ff]", "[%#06x]", 255u);
	expect("[0XFF]", "[%#X]", 255u);
	expect("[0]", "[%#x]", 0u);
	expect("[   ab]", "[%*x]", 5, 0xabu);
	expect("[ab   ]", "[%*x]", -5, 0xabu);
	expect("[00042]", "[%.*d]", 5, 42);
	expect("[42]", "[%.*d]", -5, 42);
	expect("[   00042]", "[%*.*d]", 8, 5, 42);
	expect("[hel]", "[%.*s]", 3, "hello");
	expect("[hello]", "[%.*s]", 10, "hello");
	expect("[hello]", "[%.*s]", -1, "hello");
	expect("%", "%%");
	expect("a%b", "a%%b");

	/* %c of NUL stores a NUL byte and counts it. */
	memset(c3, 'x', sizeof(c3));
	assert_int_equal(snprintf(c3, sizeof(c3), "%c%c", 0, 'z'), 2);
	assert_int_equal(c3[0], '\0');
	assert_int_equal(c3[1], 'z');
	assert_int_equal(c3[2], '\0');
	assert_int_equal(mismatches, 0);
}

/* Things the compiler would warn about: unknown or unfinished conversions. */
static void test_unknown(void **state)
{
	(void)state;
	expect_raw("%y", "%y");
	expect_raw("a%5yb", "a%5yb");
	expect_raw("%ly 3", "%ly %d", 3);
	expect_raw("abc%", "abc%");
	expect_raw("abc%-5", "abc%-5");
	expect_raw("x%l", "x%l");
	expect_raw("[%]", "[%5%]"); /* '%%' takes no width */
	assert_int_equal(mismatches, 0);
}

static void test_sizes(void **state)
{
	char buf[16];

	(void)state;
	/* Size 0: only the length; buf may be NULL and is never touched. */
	assert_int_equal(snprintf(NULL, 0, "%d", 12345), 5);
	assert_int_equal(snprintf(NULL, 0, "%s", ""), 0);
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(snprintf(buf, 0, "hello"), 5);
	assert_int_equal(buf[0], 'x');

	/* Size 1: just the NUL. */
	assert_int_equal(snprintf(buf, 1, "hello"), 5);
	assert_int_equal(buf[0], '\0');
	assert_int_equal(buf[1], 'x');

	/* Truncation keeps size - 1 characters. */
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(snprintf(buf, 4, "hello"), 5);
	assert_string_equal(buf, "hel");
	assert_int_equal(buf[4], 'x');
	assert_int_equal(snprintf(buf, 6, "hello"), 5);
	assert_string_equal(buf, "hello");
	assert_int_equal(snprintf(buf, 5, "%d-%s", -12, "abcdef"), 10);
	assert_string_equal(buf, "-12-");
	assert_int_equal(snprintf(buf, 8, "%020d", 7), 20);
	assert_string_equal(buf, "0000000");

	/* The result can exceed any buffer. */
	assert_int_equal(snprintf(buf, sizeof(buf), "%s%s%s%s", "0123456789", "0123456789",
				  "0123456789", "0123456789"),
			 40);
	assert_string_equal(buf, "012345678901234");
	assert_int_equal(snprintf(NULL, 0, "%100000d", 1), 100000);
}

/* The kernel's snprintf without the format attribute. */
static int raw_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

/* Widths that would overflow an int are capped (at 1 << 20), not undefined. */
static void test_huge_width(void **state)
{
	char buf[8];

	(void)state;
	expect_raw("", "%.99999999999999999999s", "");
	assert_int_equal(raw_snprintf(buf, sizeof(buf), "%*d", INT32_MIN, 5), 1 << 20);
	assert_string_equal(buf, "5      ");
	assert_int_equal(raw_snprintf(NULL, 0, "%*d", INT32_MAX, 5), 1 << 20);
	assert_int_equal(raw_snprintf(NULL, 0, "%.*d", INT32_MAX, 5), 1 << 20);
	expect_raw("  x", "%00000000000000000000003s", "x");
	assert_int_equal(mismatches, 0);
}

static int __printf(3, 4) wrap(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

/* vsnprintf called from another variadic function, as printk does. */
static void test_vsnprintf_va_list(void **state)
{
	char buf[64];

	(void)state;
	assert_int_equal(wrap(buf, sizeof(buf), "%s %d %lld %p %c", "v", -3, (long long)INT64_MIN,
			      (void *)0xff, '!'),
			 46);
	assert_string_equal(buf, "v -3 -9223372036854775808 0x00000000000000ff !");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(test_compare_signed), TEST(test_compare_unsigned),	 TEST(test_compare_strings),
		TEST(test_compare_mixed),  TEST(test_pointer),		 TEST(test_null_string),
		TEST(test_specific),	   TEST(test_unknown),		 TEST(test_sizes),
		TEST(test_huge_width),	   TEST(test_vsnprintf_va_list),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
