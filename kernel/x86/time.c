/*
 * time.c - clocks: the TSC as the monotonic clock, the CMOS RTC for the
 * wall clock, udelay(), jiffies.
 *
 * time_init() (boot CPU) measures the TSC against the PIT (median of three
 * 20 ms windows) and reads the RTC once.  ktime_get_ns() is then
 * (rdtsc() - tsc_base) scaled by a 32.32 fixed-point factor: no lock, safe
 * on every CPU (the TSCs are synchronized, as under QEMU; a CPU whose TSC
 * reads behind tsc_base gets 0, never a huge value).  Before time_init() it
 * returns 0 and udelay() waits on the PIT.  jiffies is advanced by CPU 0's
 * timer interrupt (kernel/x86/apic.c) and only read elsewhere.
 */
#include <kernel/printk.h>
#include <kernel/time.h>
#include <x86/asm.h>
#include "pit.h"

#define CAL_US 20000

u64 tsc_khz;
volatile u64 jiffies;
static u64 tsc_base;
static u64 ns_mult; /* ns = (tsc delta * ns_mult) >> 32; 0: not calibrated */
static u64 rtc_epoch_ns, rtc_read_at;

u64 ktime_get_ns(void)
{
	u64 mult = __atomic_load_n(&ns_mult, __ATOMIC_ACQUIRE);
	u64 t;

	if (!mult)
		return 0;
	t = rdtsc();
	if (t < tsc_base)
		return 0;
	return (u64)(((unsigned __int128)(t - tsc_base) * mult) >> 32);
}

u64 ktime_get_real_ns(void)
{
	if (!rtc_epoch_ns)
		return 0;
	return rtc_epoch_ns + (ktime_get_ns() - rtc_read_at);
}

void udelay(u64 us)
{
	u64 khz = READ_ONCE(tsc_khz), end;

	if (!khz) {
		pit_delay(us);
		return;
	}
	end = rdtsc() + us * khz / 1000;
	while ((s64)(rdtsc() - end) < 0)
		cpu_relax();
}

/* ---- CMOS real-time clock ---- */

#define CMOS_INDEX 0x70
#define CMOS_DATA 0x71
#define RTC_SEC 0x00
#define RTC_MIN 0x02
#define RTC_HOUR 0x04
#define RTC_DAY 0x07
#define RTC_MONTH 0x08
#define RTC_YEAR 0x09
#define RTC_STATUS_A 0x0a /* bit 7: update in progress */
#define RTC_STATUS_B 0x0b /* bit 1: 24-hour mode, bit 2: binary (not BCD) */

struct rtc_time {
	unsigned sec, min, hour, day, month, year;
};

static u8 cmos_read(u8 reg)
{
	outb(CMOS_INDEX, reg);
	return inb(CMOS_DATA);
}

static void rtc_read_raw(struct rtc_time *t)
{
	for (int i = 0; i < 100000 && (cmos_read(RTC_STATUS_A) & 0x80); i++)
		cpu_relax();
	t->sec = cmos_read(RTC_SEC);
	t->min = cmos_read(RTC_MIN);
	t->hour = cmos_read(RTC_HOUR);
	t->day = cmos_read(RTC_DAY);
	t->month = cmos_read(RTC_MONTH);
	t->year = cmos_read(RTC_YEAR);
}

static unsigned bcd(unsigned v) { return (v & 0x0f) + (v >> 4) * 10; }

static bool leap(unsigned y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

/* Seconds since 1970-01-01 00:00:00 UTC (the RTC is assumed to run in UTC,
 * as QEMU's does by default). */
static u64 rtc_to_epoch(const struct rtc_time *t)
{
	static const unsigned short days_before[12] = { 0,   31,  59,  90,  120, 151,
							181, 212, 243, 273, 304, 334 };
	u64 days = 0;

	for (unsigned y = 1970; y < t->year; y++)
		days += leap(y) ? 366 : 365;
	days += days_before[(t->month - 1) % 12] + (t->month > 2 && leap(t->year)) + t->day - 1;
	return ((days * 24 + t->hour) * 60 + t->min) * 60 + t->sec;
}

static void rtc_init(void)
{
	struct rtc_time a, b;
	u8 status;
	bool pm;
	int tries = 0;

	do { /* read until two reads agree: no update happened in between */
		rtc_read_raw(&a);
		rtc_read_raw(&b);
	} while ((a.sec != b.sec || a.min != b.min || a.hour != b.hour || a.day != b.day) &&
		 ++tries < 10);
	status = cmos_read(RTC_STATUS_B);
	pm = !(status & 0x02) && (b.hour & 0x80);
	b.hour &= 0x7f;
	if (!(status & 0x04)) {
		b.sec = bcd(b.sec);
		b.min = bcd(b.min);
		b.hour = bcd(b.hour);
		b.day = bcd(b.day);
		b.month = bcd(b.month);
		b.year = bcd(b.year);
	}
	if (!(status & 0x02))
		b.hour = b.hour % 12 + (pm ? 12 : 0);
	b.year += b.year < 70 ? 2000 : 1900;
	if (b.month < 1 || b.month > 12 || b.day < 1 || b.day > 31 || b.hour > 23 || b.min > 59 ||
	    b.sec > 60) {
		pr_warn("rtc: nonsense time, wall clock starts at the epoch\n");
		return;
	}
	rtc_read_at = ktime_get_ns();
	rtc_epoch_ns = rtc_to_epoch(&b) * NSEC_PER_SEC;
	pr_info("rtc: %04u-%02u-%02u %02u:%02u:%02u UTC\n", b.year, b.month, b.day, b.hour, b.min,
		b.sec);
}

/* ---- calibration ---- */

static u64 read_tsc(void) { return rdtsc(); }

void time_init(void)
{
	u64 ticks = pit_measure(CAL_US, read_tsc);

	if (!ticks) {
		pr_warn("time: TSC calibration failed, assuming 1 GHz\n");
		ticks = CAL_US * 1000ULL;
	}
	tsc_khz = ticks * 1000 / CAL_US;
	tsc_base = rdtsc();
	__atomic_store_n(&ns_mult, (NSEC_PER_MSEC << 32) / tsc_khz, __ATOMIC_RELEASE);
	pr_info("time: TSC %llu.%03llu MHz\n", (unsigned long long)(tsc_khz / 1000),
		(unsigned long long)(tsc_khz % 1000));
	rtc_init();
}
