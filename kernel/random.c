/*
 * random.c - the kernel's random-number generator and getrandom(2).
 *
 * State: a 256-bit ChaCha20 key and a block counter under rng_lock
 * (IRQ-safe).  Each request mixes the TSC into the key, produces its
 * bytes from consecutive blocks, then replaces the key with fresh output
 * (fast key erasure).  Seeded on first use from RDRAND (if CPUID says so)
 * and the TSC.  getrandom(2) fills the user buffer 256 bytes at a time,
 * never holding the lock while it copies; it never blocks.
 */
#include <kernel/errno.h>
#include <kernel/random.h>
#include <kernel/spinlock.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>
#include <x86/asm.h>

#define GRND_NONBLOCK 0x1
#define GRND_RANDOM 0x2
#define GRND_INSECURE 0x4

static u32 rng_key[8];
static u64 rng_counter;
static bool rng_seeded;
static DEFINE_SPINLOCK(rng_lock);

static inline u32 rotl32(u32 v, int n) { return (v << n) | (v >> (32 - n)); }

#define QR(a, b, c, d)             \
	do {                       \
		a += b;            \
		d ^= a;            \
		d = rotl32(d, 16); \
		c += d;            \
		b ^= c;            \
		b = rotl32(b, 12); \
		a += b;            \
		d ^= a;            \
		d = rotl32(d, 8);  \
		c += d;            \
		b ^= c;            \
		b = rotl32(b, 7);  \
	} while (0)

/* One ChaCha20 block (RFC 8439 layout, 64-bit counter, zero nonce). */
static void chacha20_block(const u32 key[8], u64 counter, u32 out[16])
{
	u32 x[16], in[16] = { 0x61707865, 0x3320646e, 0x79622d32, 0x6b206574 };

	for (int i = 0; i < 8; i++)
		in[4 + i] = key[i];
	in[12] = (u32)counter;
	in[13] = (u32)(counter >> 32);
	in[14] = in[15] = 0;
	memcpy(x, in, sizeof(x));
	for (int i = 0; i < 10; i++) {
		QR(x[0], x[4], x[8], x[12]);
		QR(x[1], x[5], x[9], x[13]);
		QR(x[2], x[6], x[10], x[14]);
		QR(x[3], x[7], x[11], x[15]);
		QR(x[0], x[5], x[10], x[15]);
		QR(x[1], x[6], x[11], x[12]);
		QR(x[2], x[7], x[8], x[13]);
		QR(x[3], x[4], x[9], x[14]);
	}
	for (int i = 0; i < 16; i++)
		out[i] = x[i] + in[i];
}

static bool rdrand64(u64 *v)
{
	unsigned char ok;

	__asm__ volatile("rdrand %0; setc %1" : "=r"(*v), "=qm"(ok));
	return ok;
}

static void rng_seed(void)
{
	u32 a, b, c, d;
	bool have_rdrand;

	cpuid(1, 0, &a, &b, &c, &d);
	have_rdrand = c & (1U << 30);
	for (int i = 0; i < 8; i += 2) {
		u64 v = 0;
		for (int tries = 0; have_rdrand && tries < 10 && !rdrand64(&v); tries++)
			;
		v ^= rdtsc() * 0x9e3779b97f4a7c15ULL;
		rng_key[i] ^= (u32)v;
		rng_key[i + 1] ^= (u32)(v >> 32);
	}
	rng_seeded = true;
}

void get_random_bytes(void *buf, size_t len)
{
	unsigned long flags = spin_lock_irqsave(&rng_lock);
	u32 block[16];
	u8 *p = buf;
	u64 t = rdtsc();

	if (!rng_seeded)
		rng_seed();
	rng_key[0] ^= (u32)t;
	rng_key[1] ^= (u32)(t >> 32);
	while (len) {
		size_t n = MIN(len, sizeof(block));
		chacha20_block(rng_key, rng_counter++, block);
		memcpy(p, block, n);
		p += n;
		len -= n;
	}
	chacha20_block(rng_key, rng_counter++, block);
	memcpy(rng_key, block, sizeof(rng_key));
	memset(block, 0, sizeof(block));
	spin_unlock_irqrestore(&rng_lock, flags);
}

u64 get_random_u64(void)
{
	u64 v;

	get_random_bytes(&v, sizeof(v));
	return v;
}

SYSCALL_DEFINE(__NR_getrandom, getrandom)
{
	u8 chunk[256];
	size_t len = (size_t)a1, done = 0;

	if (a2 & ~(long)(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE))
		return -EINVAL;
	if ((a2 & GRND_INSECURE) && (a2 & GRND_RANDOM))
		return -EINVAL;
	if (len > 0x1ffffff) /* Linux's per-call limit */
		len = 0x1ffffff;
	while (done < len) {
		size_t n = MIN(len - done, sizeof(chunk));
		get_random_bytes(chunk, n);
		if (copy_to_user((char *)a0 + done, chunk, n)) {
			memset(chunk, 0, sizeof(chunk));
			return done ? (long)done : -EFAULT;
		}
		done += n;
	}
	memset(chunk, 0, sizeof(chunk));
	return (long)done;
}

#include <kernel/ktest.h>

KTEST(chacha20_vector)
{
	/* RFC 7539 A.1, test vector 1: all-zero key and nonce, block 0. */
	static const u8 want[16] = { 0x76, 0xb8, 0xe0, 0xad, 0xa0, 0xf1, 0x3d, 0x90,
				     0x40, 0x5d, 0x6a, 0xe5, 0x53, 0x86, 0xbd, 0x28 };
	u32 key[8] = { 0 }, out[16];
	u8 a[32], b[32];

	chacha20_block(key, 0, out);
	KT_ASSERT(t, memcmp(out, want, sizeof(want)) == 0, "keystream %08x %08x", out[0], out[1]);
	get_random_bytes(a, sizeof(a));
	get_random_bytes(b, sizeof(b));
	KT_ASSERT(t, memcmp(a, b, sizeof(a)) != 0, "two draws differ");
}
