/*
 * pit.h - the 8254 PIT as a reference clock for calibration (kernel/x86
 * only: time.c calibrates the TSC, apic.c the local APIC timer).
 */
#ifndef X86_PIT_H
#define X86_PIT_H

#include <kernel/types.h>

/* Busy-waits us microseconds (any amount) on the PIT; boot CPU, early. */
void pit_delay(u64 us);
/* Measures how much read() advances in us microseconds (at most 50000) of
 * PIT time: the median of three runs, or 0 if the PIT did not work. */
u64 pit_measure(u32 us, u64 (*read)(void));

#endif
