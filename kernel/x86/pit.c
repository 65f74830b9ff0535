/*
 * pit.c - one-shot waits on channel 2 of the 8254 PIT (1.193182 MHz).
 *
 * Channel 2's gate and output are reached through port 0x61 (bit 0: gate,
 * bit 1: speaker enable, kept off; bit 5: OUT2).  In mode 0 OUT2 goes low
 * when the count is written and high when it has counted down, so the
 * wait is just polling bit 5.  pit_measure() (calibrating the TSC and
 * the local APIC timer) reads the running count instead, with the latch
 * command.  Only the boot CPU uses it, at boot (and udelay() before the
 * TSC is calibrated): no lock.
 */
#include <kernel/printk.h>
#include <x86/asm.h>
#include "pit.h"

#define PIT_HZ 1193182
#define PIT_CH2 0x42
#define PIT_CMD 0x43
#define PORT_B 0x61
#define MAX_ONESHOT_US 50000
/* Polls before we decide the PIT is missing (each is a slow port read). */
#define POLL_LIMIT 20000000

static void oneshot_start(u32 us)
{
	u32 count = (u32)((u64)us * PIT_HZ / 1000000);
	u8 b = inb(PORT_B);

	if (count > 0xffff)
		count = 0xffff;
	if (count < 1)
		count = 1;
	outb(PORT_B, (b & ~0x02) | 0x01); /* gate high, speaker off */
	outb(PIT_CMD, 0xb0); /* channel 2, lo/hi byte, mode 0, binary */
	outb(PIT_CH2, count & 0xff);
	outb(PIT_CH2, count >> 8); /* counting starts now */
}

static bool oneshot_wait(void)
{
	for (long i = 0; i < POLL_LIMIT; i++)
		if (inb(PORT_B) & 0x20)
			return true;
	return false;
}

void pit_delay(u64 us)
{
	while (us) {
		u32 chunk = us > MAX_ONESHOT_US ? MAX_ONESHOT_US : (u32)us;
		oneshot_start(chunk);
		if (!oneshot_wait())
			return;
		us -= chunk;
	}
}

/* Channel 2's current count (counter latch command). */
static u16 ch2_count(void)
{
	u8 lo, hi;

	outb(PIT_CMD, 0x80); /* latch channel 2 */
	lo = inb(PIT_CH2);
	hi = inb(PIT_CH2);
	return (u16)(lo | hi << 8);
}

/* The count and read() taken together: of a few tries, the one whose two
 * read()s around the count are closest (a try the vCPU was descheduled in
 * is wide; under TCG on a loaded host that happens). */
static void sample(u64 (*read)(void), u16 *count, u64 *val)
{
	u64 best = ~0ULL;

	for (int i = 0; i < 5; i++) {
		u64 a = read();
		u16 c = ch2_count();
		u64 b = read();

		if (b - a < best) {
			best = b - a;
			*count = c;
			*val = a + (b - a) / 2;
		}
	}
}

/* One measurement: read() ticks per `us` microseconds, 0 if it failed. */
static u64 measure_once(u32 us, u64 (*read)(void))
{
	u32 want = (u32)((u64)us * PIT_HZ / 1000000);
	u16 c0, c1;
	u64 v0, v1;
	long polls = 0;

	if (want > 0xc000)
		want = 0xc000; /* leave room: the count must not reach zero */
	oneshot_start(1000000ULL * 0xffff / PIT_HZ); /* mode 0 from 0xffff */
	sample(read, &c0, &v0);
	while ((u16)(c0 - ch2_count()) < want)
		if (++polls > POLL_LIMIT)
			return 0;
	sample(read, &c1, &v1);
	/* Counted down past zero (descheduled for ~55 ms), or wrapped: retry. */
	if ((inb(PORT_B) & 0x20) || c1 >= c0)
		return 0;
	return (v1 - v0) * want / (u64)(c0 - c1);
}

/*
 * read() ticks during `us` microseconds, as the median of three
 * measurements.  Each brackets both ends: the PIT's count is read together
 * with read() at the start and at the end (sample()), so a vCPU that is
 * descheduled between the two ends only lengthens the interval measured,
 * on both clocks alike.  (Waiting for OUT2 and reading the clock when we
 * notice it was off by the whole descheduled time.)
 */
u64 pit_measure(u32 us, u64 (*read)(void))
{
	u64 r[3], t;

	for (int i = 0; i < 3; i++) {
		r[i] = 0;
		for (int tries = 0; tries < 5 && !r[i]; tries++)
			r[i] = measure_once(us, read);
		if (!r[i]) {
			pr_warn("pit: channel 2 does not count: no PIT?\n");
			return 0;
		}
	}
	/* median of three */
	if (r[0] > r[1])
		t = r[0], r[0] = r[1], r[1] = t;
	if (r[1] > r[2])
		t = r[1], r[1] = r[2], r[2] = t;
	if (r[0] > r[1])
		t = r[0], r[0] = r[1], r[1] = t;
	return r[1];
}
