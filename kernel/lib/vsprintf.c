/*
 * vsprintf.c - vsnprintf() and snprintf(): formatted output into a buffer.
 *
 * Contract (as in Linux and C99):
 *  - At most size bytes are stored, and the result is always NUL-terminated
 *    when size > 0. buf may be NULL when size is 0.
 *  - The return value is the length the whole output would have had
 *    (without the NUL), so a result >= size means it was truncated.
 * Conversions: %d %i %u %x %X %o %c %s %p %%. %p prints "0x" and 16 hex
 * digits (NULL too). %s of NULL prints "(null)". Length modifiers: hh h l
 * ll z t. Flags: '-' '0' '+' ' ' '#'. Field width and precision may be
 * numbers or '*' (taken from an int argument; a negative width means '-',
 * a negative precision means none). There is no floating point.
 * An unknown conversion is copied to the output as it is, and consumes no
 * argument.
 *
 * Locking: none needed. These are pure functions of their arguments; the
 * caller makes sure nobody else writes buf meanwhile.
 */
#include <kernel/string.h>

/* Widths and precisions are capped here, so that parsing cannot overflow. */
#define WIDTH_MAX (1 << 20)

/* Flags of one conversion. */
#define F_LEFT 0x01 /* '-': pad on the right */
#define F_ZERO 0x02 /* '0': pad numbers with zeros */
#define F_PLUS 0x04 /* '+': show '+' on non-negative signed numbers */
#define F_SPACE 0x08 /* ' ': show ' ' on non-negative signed numbers */
#define F_ALT 0x10 /* '#': "0x" prefix for %x, leading 0 for %o */

/* One parsed conversion, like "%-08.3lx". */
struct spec {
	unsigned int flags;
	int width; /* minimum field width; 0 if none */
	int prec; /* precision; -1 if none */
};

enum length { LEN_NONE, LEN_HH, LEN_H, LEN_L, LEN_LL, LEN_Z, LEN_T };

/* Where the output goes: len counts every character, stored or not. */
struct out {
	char *buf;
	size_t size;
	size_t len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size) /* keep the last byte for the NUL */
		o->buf[o->len] = c;
	o->len++;
}

static void put_many(struct out *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

static void put_string(struct out *o, const struct spec *sp, const char *s)
{
	int len, pad;

	if (!s)
		s = "(null)";
	len = sp->prec >= 0 ? (int)strnlen(s, sp->prec) : (int)strlen(s);
	pad = sp->width - len;
	if (!(sp->flags & F_LEFT))
		put_many(o, ' ', pad);
	for (int i = 0; i < len; i++)
		put(o, s[i]);
	if (sp->flags & F_LEFT)
		put_many(o, ' ', pad);
}

/*
 * Prints v in base 8, 10 or 16 as: [spaces] [sign] [prefix] [zeros] digits
 * [spaces]. sign is '-', '+', ' ' or 0 for none; prefix is "" or "0x".
 */
static void put_number(struct out *o, const struct spec *sp, unsigned long long v,
		       unsigned int base, bool upper, char sign, const char *prefix)
{
	const char *digit_set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char digits[24]; /* 64 bits in octal take 22 digits */
	int n = 0, zeros, len, pad;

	/* Digits are produced last one first. */
	for (; v != 0; v /= base)
		digits[n++] = digit_set[v % base];
	if (n == 0 && sp->prec != 0)
		digits[n++] = '0'; /* but "%.0d" prints nothing for 0 */

	/* The precision is the minimum number of digits. */
	zeros = sp->prec > n ? sp->prec - n : 0;
	/* "%#o" makes sure the number starts with a 0. */
	if ((sp->flags & F_ALT) && base == 8 && zeros == 0 && (n == 0 || digits[n - 1] != '0'))
		zeros = 1;

	len = (sign ? 1 : 0) + (int)strlen(prefix) + zeros + n;
	pad = sp->width > len ? sp->width - len : 0;
	/* '0' pads with zeros, after sign and prefix; a precision turns it off. */
	if ((sp->flags & F_ZERO) && !(sp->flags & F_LEFT) && sp->prec < 0) {
		zeros += pad;
		pad = 0;
	}

	if (!(sp->flags & F_LEFT))
		put_many(o, ' ', pad);
	if (sign)
		put(o, sign);
	while (*prefix)
		put(o, *prefix++);
	put_many(o, '0', zeros);
	while (n > 0)
		put(o, digits[--n]);
	if (sp->flags & F_LEFT)
		put_many(o, ' ', pad);
}

/* Fetches the argument of a signed conversion (%d, %i). */
static long long get_signed(va_list *ap, enum length len)
{
	switch (len) {
	case LEN_HH:
		return (signed char)va_arg(*ap, int);
	case LEN_H:
		return (short)va_arg(*ap, int);
	case LEN_L:
		return va_arg(*ap, long);
	case LEN_LL:
		return va_arg(*ap, long long);
	case LEN_Z:
		return va_arg(*ap, ssize_t);
	case LEN_T:
		return va_arg(*ap, ptrdiff_t);
	default:
		return va_arg(*ap, int);
	}
}

/* Fetches the argument of an unsigned conversion (%u, %x, %X, %o). */
static unsigned long long get_unsigned(va_list *ap, enum length len)
{
	switch (len) {
	case LEN_HH:
		return (unsigned char)va_arg(*ap, unsigned int);
	case LEN_H:
		return (unsigned short)va_arg(*ap, unsigned int);
	case LEN_L:
		return va_arg(*ap, unsigned long);
	case LEN_LL:
		return va_arg(*ap, unsigned long long);
	case LEN_Z:
		return va_arg(*ap, size_t);
	case LEN_T:
		return (size_t)va_arg(*ap, ptrdiff_t);
	default:
		return va_arg(*ap, unsigned int);
	}
}

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

/* Parses a decimal width or precision at *fmt, capped at WIDTH_MAX. */
static int parse_num(const char **fmt)
{
	int n = 0;

	while (is_digit(**fmt)) {
		n = n * 10 + (**fmt - '0');
		if (n > WIDTH_MAX)
			n = WIDTH_MAX;
		(*fmt)++;
	}
	return n;
}

/*
 * Parses flags, width, precision and length of the conversion starting
 * after '%' at *fmt, and leaves *fmt at the conversion character.
 */
static void parse_spec(const char **fmt, va_list *ap, struct spec *sp, enum length *len)
{
	const char *f = *fmt;

	sp->flags = 0;
	for (;; f++) {
		if (*f == '-')
			sp->flags |= F_LEFT;
		else if (*f == '0')
			sp->flags |= F_ZERO;
		else if (*f == '+')
			sp->flags |= F_PLUS;
		else if (*f == ' ')
			sp->flags |= F_SPACE;
		else if (*f == '#')
			sp->flags |= F_ALT;
		else
			break;
	}

	sp->width = 0;
	if (*f == '*') {
		int w = va_arg(*ap, int);

		f++;
		if (w < 0) {
			sp->flags |= F_LEFT;
			w = w < -WIDTH_MAX ? WIDTH_MAX : -w;
		}
		sp->width = w > WIDTH_MAX ? WIDTH_MAX : w;
	} else {
		sp->width = parse_num(&f);
	}

	sp->prec = -1;
	if (*f == '.') {
		f++;
		if (*f == '*') {
			int p = va_arg(*ap, int);

			f++;
			sp->prec = p < 0 ? -1 : p > WIDTH_MAX ? WIDTH_MAX : p;
		} else {
			sp->prec = parse_num(&f); /* "%.d" means precision 0 */
		}
	}

	*len = LEN_NONE;
	if (f[0] == 'h' && f[1] == 'h') {
		*len = LEN_HH;
		f += 2;
	} else if (f[0] == 'l' && f[1] == 'l') {
		*len = LEN_LL;
		f += 2;
	} else if (*f == 'h') {
		*len = LEN_H;
		f++;
	} else if (*f == 'l') {
		*len = LEN_L;
		f++;
	} else if (*f == 'z') {
		*len = LEN_Z;
		f++;
	} else if (*f == 't') {
		*len = LEN_T;
		f++;
	}
	*fmt = f;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list args)
{
	struct out o = { .buf = buf, .size = size, .len = 0 };
	struct spec sp;
	enum length len;
	/*
	 * The helpers take a va_list pointer. &args would not do: on x86_64
	 * va_list is an array, so a va_list parameter is really a pointer.
	 */
	va_list ap;

	va_copy(ap, args);
	while (*fmt) {
		const char *start = fmt;
		unsigned long long v;
		long long sv;
		const char *prefix;
		char sign;

		if (*fmt != '%') {
			put(&o, *fmt++);
			continue;
		}
		fmt++;
		parse_spec(&fmt, &ap, &sp, &len);

		switch (*fmt) {
		case '%':
			put(&o, '%');
			break;
		case 'c':
			if (!(sp.flags & F_LEFT))
				put_many(&o, ' ', sp.width - 1);
			put(&o, (char)va_arg(ap, int));
			if (sp.flags & F_LEFT)
				put_many(&o, ' ', sp.width - 1);
			break;
		case 's':
			put_string(&o, &sp, va_arg(ap, const char *));
			break;
		case 'd':
		case 'i':
			sv = get_signed(&ap, len);
			/* 0 - v, in unsigned arithmetic, works even for LLONG_MIN. */
			v = sv < 0 ? 0 - (unsigned long long)sv : (unsigned long long)sv;
			sign = 0;
			if (sv < 0)
				sign = '-';
			else if (sp.flags & F_PLUS)
				sign = '+';
			else if (sp.flags & F_SPACE)
				sign = ' ';
			put_number(&o, &sp, v, 10, false, sign, "");
			break;
		case 'u':
			put_number(&o, &sp, get_unsigned(&ap, len), 10, false, 0, "");
			break;
		case 'o':
			put_number(&o, &sp, get_unsigned(&ap, len), 8, false, 0, "");
			break;
		case 'x':
		case 'X':
			v = get_unsigned(&ap, len);
			prefix = "";
			if ((sp.flags & F_ALT) && v != 0)
				prefix = *fmt == 'X' ? "0X" : "0x";
			put_number(&o, &sp, v, 16, *fmt == 'X', 0, prefix);
			break;
		case 'p':
			sp.prec = 16; /* all 16 digits of a 64-bit address */
			put_number(&o, &sp, (uintptr_t)va_arg(ap, void *), 16, false, 0, "0x");
			break;
		default:
			/* Unknown (or cut short by the end of fmt): copy it. */
			while (start < fmt)
				put(&o, *start++);
			if (!*fmt)
				continue; /* the loop ends */
			put(&o, *fmt);
			break;
		}
		fmt++;
	}
	va_end(ap);

	if (size > 0)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return o.len > (size_t)__INT_MAX__ ? __INT_MAX__ : (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
