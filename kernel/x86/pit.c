/*
 * pit.c - one-shot waits on channel 2 of the 8254 PIT (1.193182 MHz).
 *
 * Channel 2's gate and output are reached through port 0x61 (bit 0: gate,
 * bit 1: speaker enable, kept off; bit 5: OUT2).  In mode 0 OUT2 goes low
 * when the count is written and high when it has counted down, so the
 * wait is just polling bit 5.  Only the boot CPU uses it, at boot (and
 * udelay() before the TSC is calibrated): no lock.
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

u64 pit_measure(u32 us, u64 (*read)(void))
{
	u64 r[3], t;

	for (int i = 0; i < 3; i++) {
		oneshot_start(us);
		t = read();
		if (!oneshot_wait()) {
			pr_warn("pit: channel 2 never expired: no PIT?\n");
			return 0;
		}
		r[i] = read() - t;
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
