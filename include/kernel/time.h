/*
 * time.h - clocks.  ktime_get_ns() is monotonic nanoseconds since boot,
 * read from the TSC (calibrated at boot against the PIT); it is 0 until
 * calibration.  The APIC timer drives the scheduler tick (HZ per second).
 */
#ifndef KERNEL_TIME_H
#define KERNEL_TIME_H

#include <kernel/types.h>

#define HZ 100
#define NSEC_PER_SEC 1000000000ULL
#define NSEC_PER_MSEC 1000000ULL
#define NSEC_PER_USEC 1000ULL

u64 ktime_get_ns(void);
/* Wall clock: seconds since the epoch, from the CMOS RTC at boot. */
u64 ktime_get_real_ns(void);
void udelay(u64 us);
void time_init(void);
extern u64 tsc_khz;
extern volatile u64 jiffies;

#endif
