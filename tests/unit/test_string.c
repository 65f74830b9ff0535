/*
 * test_string.c - host unit tests for kernel/lib/string.c.
 *
 * host_rename.h is force-included, so memcpy() here is the kernel's
 * (kmemcpy), not libc's. Reference results are computed with plain loops.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <kernel/errno.h>
#include <kernel/string.h>

#define GUARD 0xa5

/* Sign of x: -1, 0 or 1. */
static int sign(int x) { return (x > 0) - (x < 0); }

static void fill_pattern(unsigned char *p, size_t n, unsigned int seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(seed + i * 7);
}

static void test_memcpy(void **state)
{
	unsigned char src[80], dst[80];

	(void)state;
	for (size_t off = 0; off < 8; off++) {
		for (size_t n = 0; n <= 64; n++) {
			fill_pattern(src, sizeof(src), (unsigned int)(n + off));
			for (size_t i = 0; i < sizeof(dst); i++)
				dst[i] = GUARD;
			assert_ptr_equal(memcpy(dst + off, src + 8 - off, n), dst + off);
			for (size_t i = 0; i < sizeof(dst); i++) {
				if (i >= off && i < off + n)
					assert_int_equal(dst[i], src[8 - off + i - off]);
				else
					assert_int_equal(dst[i], GUARD);
			}
		}
	}
}

static void test_memset(void **state)
{
	unsigned char buf[80];

	(void)state;
	for (size_t off = 0; off < 8; off++) {
		for (size_t n = 0; n <= 64; n++) {
			for (size_t i = 0; i < sizeof(buf); i++)
				buf[i] = GUARD;
			assert_ptr_equal(memset(buf + off, 0x3c, n), buf + off);
			for (size_t i = 0; i < sizeof(buf); i++)
				assert_int_equal(buf[i], i >= off && i < off + n ? 0x3c : GUARD);
		}
	}
	/* Only the low byte of c counts. */
	memset(buf, 0x1ff, 4);
	for (int i = 0; i < 4; i++)
		assert_int_equal(buf[i], 0xff);
	memset(buf, -1, 4);
	assert_int_equal(buf[3], 0xff);
	memset(buf, 0, sizeof(buf));
	for (size_t i = 0; i < sizeof(buf); i++)
		assert_int_equal(buf[i], 0);
}

/* memmove with every overlap: dst before, on and after src. */
static void test_memmove_overlap(void **state)
{
	unsigned char buf[64], ref[64], tmp[64];

	(void)state;
	for (size_t src = 0; src < 24; src++) {
		for (size_t dst = 0; dst < 24; dst++) {
			for (size_t n = 0; n <= 32; n++) {
				fill_pattern(buf, sizeof(buf), (unsigned int)(src * 3 + n));
				fill_pattern(ref, sizeof(ref), (unsigned int)(src * 3 + n));
				/* The reference goes through a separate buffer. */
				for (size_t i = 0; i < n; i++)
					tmp[i] = ref[src + i];
				for (size_t i = 0; i < n; i++)
					ref[dst + i] = tmp[i];
				assert_ptr_equal(memmove(buf + dst, buf + src, n), buf + dst);
				assert_memory_equal(buf, ref, sizeof(buf));
			}
		}
	}
}

static void test_memmove_simple(void **state)
{
	char s[] = "0123456789";

	(void)state;
	memmove(s + 2, s, 5); /* dst above src: copied backwards */
	assert_string_equal(s, "0101234789");
	memmove(s, s + 3, 8); /* dst below src, with the NUL */
	assert_string_equal(s, "1234789");
	memmove(s, s, 3); /* same place */
	assert_string_equal(s, "1234789");
	memmove(s, "zz", 0);
	assert_string_equal(s, "1234789");
}

static void test_memcmp(void **state)
{
	const unsigned char a[] = { 1, 2, 3, 0x80 };
	const unsigned char b[] = { 1, 2, 3, 0x01 };
	const unsigned char c[] = { 1, 2, 4, 0x00 };

	(void)state;
	assert_int_equal(memcmp(a, a, 4), 0);
	assert_int_equal(memcmp(a, b, 3), 0);
	assert_int_equal(memcmp(a, b, 0), 0);
	assert_int_equal(memcmp("x", "y", 0), 0);
	/* Bytes compare as unsigned: 0x80 > 0x01. */
	assert_int_equal(sign(memcmp(a, b, 4)), 1);
	assert_int_equal(sign(memcmp(b, a, 4)), -1);
	/* The first difference decides. */
	assert_int_equal(sign(memcmp(a, c, 4)), -1);
	assert_int_equal(sign(memcmp(c, a, 4)), 1);
}

static void test_strlen(void **state)
{
	(void)state;
	assert_int_equal(strlen(""), 0);
	assert_int_equal(strlen("a"), 1);
	assert_int_equal(strlen("hello, world"), 12);
	assert_int_equal(strlen("ab\0cd"), 2);
}

static void test_strnlen(void **state)
{
	const char unterminated[4] = { 'a', 'b', 'c', 'd' };

	(void)state;
	assert_int_equal(strnlen("", 0), 0);
	assert_int_equal(strnlen("", 5), 0);
	assert_int_equal(strnlen("abc", 0), 0);
	assert_int_equal(strnlen("abc", 2), 2);
	assert_int_equal(strnlen("abc", 3), 3);
	assert_int_equal(strnlen("abc", 100), 3);
	/* Must not read past max (ASan would notice). */
	assert_int_equal(strnlen(unterminated, sizeof(unterminated)), 4);
}

static void test_strcmp(void **state)
{
	(void)state;
	assert_int_equal(strcmp("", ""), 0);
	assert_int_equal(strcmp("abc", "abc"), 0);
	assert_int_equal(sign(strcmp("abc", "abd")), -1);
	assert_int_equal(sign(strcmp("abd", "abc")), 1);
	assert_int_equal(sign(strcmp("ab", "abc")), -1); /* a prefix is smaller */
	assert_int_equal(sign(strcmp("abc", "ab")), 1);
	assert_int_equal(sign(strcmp("", "a")), -1);
	/* Unsigned: "\x80" sorts after "a". */
	assert_int_equal(sign(strcmp("\x80", "a")), 1);
	assert_int_equal(sign(strcmp("a", "\xff")), -1);
}

static void test_strncmp(void **state)
{
	(void)state;
	assert_int_equal(strncmp("abc", "abd", 0), 0);
	assert_int_equal(strncmp("abc", "abd", 2), 0);
	assert_int_equal(sign(strncmp("abc", "abd", 3)), -1);
	assert_int_equal(sign(strncmp("abd", "abc", 100)), 1);
	assert_int_equal(strncmp("abc", "abc", 100), 0); /* stops at the NUL */
	assert_int_equal(sign(strncmp("ab", "abc", 3)), -1);
	assert_int_equal(strncmp("ab", "abc", 2), 0);
	assert_int_equal(sign(strncmp("\x80", "\x01", 1)), 1);
	/* Bytes after the NUL are not compared. */
	assert_int_equal(strncmp("a\0x", "a\0y", 3), 0);
}

static void test_strchr(void **state)
{
	const char *s = "hello";
	const char *t = "a\xe9";

	(void)state;
	assert_ptr_equal(strchr(s, 'h'), s);
	assert_ptr_equal(strchr(s, 'l'), s + 2);
	assert_ptr_equal(strchr(s, 'o'), s + 4);
	assert_null(strchr(s, 'z'));
	assert_ptr_equal(strchr(s, '\0'), s + 5);
	assert_ptr_equal(strchr(s + 5, '\0'), s + 5);
	assert_null(strchr("", 'a'));
	/* c is converted to char. */
	assert_ptr_equal(strchr(s, 'e' + 256), s + 1);
	assert_ptr_equal(strchr(t, 0xe9), t + 1); /* a byte >= 0x80 */
}

static void test_strrchr(void **state)
{
	const char *s = "hello";
	const char *p = "a/b/c";

	(void)state;
	assert_ptr_equal(strrchr(s, 'l'), s + 3);
	assert_ptr_equal(strrchr(s, 'h'), s);
	assert_ptr_equal(strrchr(s, 'o'), s + 4);
	assert_null(strrchr(s, 'z'));
	assert_ptr_equal(strrchr(s, '\0'), s + 5);
	assert_null(strrchr("", 'a'));
	assert_ptr_equal(strrchr(p, '/'), p + 3);
	assert_ptr_equal(strrchr(p, 'a'), p);
}

static void test_strstr(void **state)
{
	const char *h = "the cat sat on the mat";

	(void)state;
	assert_ptr_equal(strstr(h, ""), h);
	assert_ptr_equal(strstr(h + 22, ""), h + 22); /* empty haystack too */
	assert_null(strstr("", "a"));
	assert_ptr_equal(strstr(h, "the"), h);
	assert_ptr_equal(strstr(h, "at"), h + 5);
	assert_ptr_equal(strstr(h, "mat"), h + 19);
	assert_ptr_equal(strstr(h, "t"), h);
	assert_null(strstr(h, "dog"));
	assert_null(strstr(h, "mat!"));
	assert_null(strstr("ab", "abc"));
	/* A partial match must not skip the real one. */
	assert_string_equal(strstr("aaab", "aab"), "aab");
	assert_string_equal(strstr("abababc", "ababc"), "ababc");
}

static void test_strlcpy(void **state)
{
	char buf[8];

	(void)state;
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(strlcpy(buf, "hello", 0), 5);
	assert_int_equal(buf[0], 'x'); /* size 0: nothing written */

	assert_int_equal(strlcpy(buf, "hello", 1), 5);
	assert_string_equal(buf, "");
	assert_int_equal(buf[1], 'x');

	assert_int_equal(strlcpy(buf, "hello", 4), 5); /* truncated */
	assert_string_equal(buf, "hel");
	assert_int_equal(buf[4], 'x');

	assert_int_equal(strlcpy(buf, "hello", 6), 5); /* exact fit */
	assert_string_equal(buf, "hello");

	assert_int_equal(strlcpy(buf, "hello", sizeof(buf)), 5);
	assert_string_equal(buf, "hello");

	assert_int_equal(strlcpy(buf, "", sizeof(buf)), 0);
	assert_string_equal(buf, "");

	assert_int_equal(strlcpy(buf, "a much longer string", sizeof(buf)), 20);
	assert_string_equal(buf, "a much ");
}

static void test_strsep(void **state)
{
	char s1[] = "a,b,,c";
	char s2[] = "key=value; x y";
	char s3[] = "nodelim";
	char s4[] = "trail,";
	char s5[] = "";
	char *p;

	(void)state;
	p = s1;
	assert_string_equal(strsep(&p, ","), "a");
	assert_string_equal(strsep(&p, ","), "b");
	assert_string_equal(strsep(&p, ","), ""); /* empty token */
	assert_string_equal(strsep(&p, ","), "c");
	assert_null(p);
	assert_null(strsep(&p, ",")); /* *s NULL: done */
	assert_null(p);

	/* Several delimiter characters. */
	p = s2;
	assert_string_equal(strsep(&p, "=; "), "key");
	assert_string_equal(strsep(&p, "=; "), "value");
	assert_string_equal(strsep(&p, "=; "), "");
	assert_string_equal(strsep(&p, "=; "), "x");
	assert_ptr_equal(p, s2 + 13);
	assert_string_equal(strsep(&p, "=; "), "y");
	assert_null(p);

	p = s3;
	assert_ptr_equal(strsep(&p, ","), s3);
	assert_null(p);

	p = s4;
	assert_string_equal(strsep(&p, ","), "trail");
	assert_non_null(p);
	assert_string_equal(strsep(&p, ","), "");
	assert_null(p);

	p = s5;
	assert_ptr_equal(strsep(&p, ","), s5);
	assert_null(p);

	/* An empty delimiter set: the whole string is one token. */
	p = s1;
	assert_ptr_equal(strsep(&p, ""), s1);
	assert_null(p);
}

static void test_kstrtoull_prefix(void **state)
{
	char *end;
	const char *s;

	(void)state;
	s = "123abc";
	assert_int_equal(kstrtoull_prefix(s, &end, 10), 123);
	assert_ptr_equal(end, s + 3);

	s = "0x1fZ";
	assert_int_equal(kstrtoull_prefix(s, &end, 0), 0x1f);
	assert_ptr_equal(end, s + 4);
	s = "0X1F";
	assert_int_equal(kstrtoull_prefix(s, &end, 0), 0x1f);
	assert_ptr_equal(end, s + 4);
	s = "0777 ";
	assert_int_equal(kstrtoull_prefix(s, &end, 0), 0777);
	assert_ptr_equal(end, s + 4);
	s = "089"; /* octal: stops at 8 */
	assert_int_equal(kstrtoull_prefix(s, &end, 0), 0);
	assert_ptr_equal(end, s + 1);
	s = "0";
	assert_int_equal(kstrtoull_prefix(s, &end, 0), 0);
	assert_ptr_equal(end, s + 1);
	s = "42";
	assert_int_equal(kstrtoull_prefix(s, &end, 0), 42);
	assert_ptr_equal(end, s + 2);

	/* "0x" not followed by a hex digit: just the 0. */
	s = "0x";
	assert_int_equal(kstrtoull_prefix(s, &end, 0), 0);
	assert_ptr_equal(end, s + 1);
	s = "0xg";
	assert_int_equal(kstrtoull_prefix(s, &end, 16), 0);
	assert_ptr_equal(end, s + 1);

	/* Base 16 takes an optional prefix; other bases do not. */
	s = "0xff";
	assert_int_equal(kstrtoull_prefix(s, &end, 16), 255);
	assert_ptr_equal(end, s + 4);
	s = "ff";
	assert_int_equal(kstrtoull_prefix(s, &end, 16), 255);
	s = "0x10";
	assert_int_equal(kstrtoull_prefix(s, &end, 10), 0);
	assert_ptr_equal(end, s + 1);
	s = "1012";
	assert_int_equal(kstrtoull_prefix(s, &end, 2), 5);
	assert_ptr_equal(end, s + 3);
	s = "zZ";
	assert_int_equal(kstrtoull_prefix(s, &end, 36), 35 * 36 + 35);
	assert_ptr_equal(end, s + 2);

	/* No digits: end is s. */
	s = "abc";
	assert_int_equal(kstrtoull_prefix(s, &end, 10), 0);
	assert_ptr_equal(end, s);
	s = "";
	assert_int_equal(kstrtoull_prefix(s, &end, 0), 0);
	assert_ptr_equal(end, s);
	s = " 1"; /* no blanks skipped */
	assert_int_equal(kstrtoull_prefix(s, &end, 10), 0);
	assert_ptr_equal(end, s);
	s = "-1"; /* no sign */
	assert_int_equal(kstrtoull_prefix(s, &end, 10), 0);
	assert_ptr_equal(end, s);

	/* Bad base. */
	s = "12";
	assert_int_equal(kstrtoull_prefix(s, &end, 1), 0);
	assert_ptr_equal(end, s);
	assert_int_equal(kstrtoull_prefix(s, &end, 37), 0);
	assert_ptr_equal(end, s);
	assert_int_equal(kstrtoull_prefix(s, &end, -5), 0);

	/* Limits and overflow (saturates, eats all digits). */
	s = "18446744073709551615";
	assert_true(kstrtoull_prefix(s, &end, 10) == UINT64_MAX);
	assert_ptr_equal(end, s + 20);
	s = "18446744073709551616x";
	assert_true(kstrtoull_prefix(s, &end, 10) == UINT64_MAX);
	assert_ptr_equal(end, s + 20);
	s = "0x10000000000000000";
	assert_true(kstrtoull_prefix(s, &end, 0) == UINT64_MAX);
	assert_ptr_equal(end, s + 19);

	/* end may be NULL. */
	assert_int_equal(kstrtoull_prefix("77", NULL, 8), 63);
}

static void test_kstrtoull(void **state)
{
	unsigned long long v;

	(void)state;
	assert_int_equal(kstrtoull("0", 10, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(kstrtoull("12345", 10, &v), 0);
	assert_int_equal(v, 12345);
	assert_int_equal(kstrtoull("+7", 10, &v), 0);
	assert_int_equal(v, 7);
	assert_int_equal(kstrtoull("99\n", 10, &v), 0); /* one newline is fine */
	assert_int_equal(v, 99);
	assert_int_equal(kstrtoull("0x10", 0, &v), 0);
	assert_int_equal(v, 16);
	assert_int_equal(kstrtoull("0x10", 16, &v), 0);
	assert_int_equal(v, 16);
	assert_int_equal(kstrtoull("10", 16, &v), 0);
	assert_int_equal(v, 16);
	assert_int_equal(kstrtoull("010", 0, &v), 0);
	assert_int_equal(v, 8);
	assert_int_equal(kstrtoull("010", 10, &v), 0);
	assert_int_equal(v, 10);
	assert_int_equal(kstrtoull("11111111", 2, &v), 0);
	assert_int_equal(v, 255);
	assert_int_equal(kstrtoull("18446744073709551615", 10, &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(kstrtoull("0xffffffffffffffff", 0, &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(kstrtoull("1777777777777777777777", 8, &v), 0);
	assert_true(v == UINT64_MAX);

	/* Errors leave v alone. */
	v = 1234;
	assert_int_equal(kstrtoull("", 10, &v), -EINVAL);
	assert_int_equal(kstrtoull("\n", 10, &v), -EINVAL);
	assert_int_equal(kstrtoull("+", 10, &v), -EINVAL);
	assert_int_equal(kstrtoull("++1", 10, &v), -EINVAL);
	assert_int_equal(kstrtoull("-1", 10, &v), -EINVAL);
	assert_int_equal(kstrtoull(" 1", 10, &v), -EINVAL);
	assert_int_equal(kstrtoull("1 ", 10, &v), -EINVAL);
	assert_int_equal(kstrtoull("1\n\n", 10, &v), -EINVAL);
	assert_int_equal(kstrtoull("12a", 10, &v), -EINVAL);
	assert_int_equal(kstrtoull("0x", 0, &v), -EINVAL);
	assert_int_equal(kstrtoull("0x", 16, &v), -EINVAL);
	assert_int_equal(kstrtoull("0xg", 16, &v), -EINVAL);
	assert_int_equal(kstrtoull("08", 0, &v), -EINVAL);
	assert_int_equal(kstrtoull("2", 2, &v), -EINVAL);
	assert_int_equal(kstrtoull("12", 1, &v), -EINVAL);
	assert_int_equal(kstrtoull("12", 37, &v), -EINVAL);
	assert_int_equal(kstrtoull("12", -1, &v), -EINVAL);
	assert_int_equal(kstrtoull("18446744073709551616", 10, &v), -ERANGE);
	assert_int_equal(kstrtoull("99999999999999999999999", 10, &v), -ERANGE);
	assert_int_equal(kstrtoull("0x10000000000000000", 0, &v), -ERANGE);
	assert_int_equal(kstrtoull("2000000000000000000000", 8, &v), -ERANGE);
	assert_int_equal(v, 1234);
}

static void test_kstrtoll(void **state)
{
	long long v;

	(void)state;
	assert_int_equal(kstrtoll("0", 10, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(kstrtoll("-0", 10, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(kstrtoll("-42", 10, &v), 0);
	assert_int_equal(v, -42);
	assert_int_equal(kstrtoll("+42\n", 10, &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(kstrtoll("-42\n", 0, &v), 0);
	assert_int_equal(v, -42);
	assert_int_equal(kstrtoll("-0x10", 0, &v), 0);
	assert_int_equal(v, -16);
	assert_int_equal(kstrtoll("-010", 0, &v), 0);
	assert_int_equal(v, -8);
	assert_int_equal(kstrtoll("9223372036854775807", 10, &v), 0);
	assert_true(v == INT64_MAX);
	assert_int_equal(kstrtoll("-9223372036854775808", 10, &v), 0);
	assert_true(v == INT64_MIN);
	assert_int_equal(kstrtoll("-0x8000000000000000", 0, &v), 0);
	assert_true(v == INT64_MIN);
	assert_int_equal(kstrtoll("-9223372036854775807", 10, &v), 0);
	assert_true(v == -INT64_MAX);

	v = 77;
	assert_int_equal(kstrtoll("9223372036854775808", 10, &v), -ERANGE);
	assert_int_equal(kstrtoll("-9223372036854775809", 10, &v), -ERANGE);
	assert_int_equal(kstrtoll("18446744073709551615", 10, &v), -ERANGE);
	assert_int_equal(kstrtoll("-18446744073709551615", 10, &v), -ERANGE);
	assert_int_equal(kstrtoll("-18446744073709551616", 10, &v), -ERANGE);
	assert_int_equal(kstrtoll("", 10, &v), -EINVAL);
	assert_int_equal(kstrtoll("-", 10, &v), -EINVAL);
	assert_int_equal(kstrtoll("--1", 10, &v), -EINVAL);
	assert_int_equal(kstrtoll("-+1", 10, &v), -EINVAL);
	assert_int_equal(kstrtoll("+-1", 10, &v), -EINVAL);
	assert_int_equal(kstrtoll("- 1", 10, &v), -EINVAL);
	assert_int_equal(kstrtoll("1-", 10, &v), -EINVAL);
	assert_int_equal(kstrtoll("abc", 10, &v), -EINVAL);
	assert_int_equal(kstrtoll("-12", 40, &v), -EINVAL);
	assert_int_equal(v, 77);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_memcpy),		 cmocka_unit_test(test_memset),
		cmocka_unit_test(test_memmove_overlap),	 cmocka_unit_test(test_memmove_simple),
		cmocka_unit_test(test_memcmp),		 cmocka_unit_test(test_strlen),
		cmocka_unit_test(test_strnlen),		 cmocka_unit_test(test_strcmp),
		cmocka_unit_test(test_strncmp),		 cmocka_unit_test(test_strchr),
		cmocka_unit_test(test_strrchr),		 cmocka_unit_test(test_strstr),
		cmocka_unit_test(test_strlcpy),		 cmocka_unit_test(test_strsep),
		cmocka_unit_test(test_kstrtoull_prefix), cmocka_unit_test(test_kstrtoull),
		cmocka_unit_test(test_kstrtoll),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
