/*
 * power.h - ending the VM (kernel/power.c).  power_off(status) writes the
 * status to QEMU's isa-debug-exit device (port 0xf4); QEMU then exits with
 * (status << 1) | 1, which tools/vm turns back into status.  Without that
 * device it falls back to ACPI S5, then halts.
 */
#ifndef KERNEL_POWER_H
#define KERNEL_POWER_H

#include <kernel/compiler.h>

#define EXIT_PANIC 100 /* kernel panic */
#define EXIT_DEADLOCK 101 /* the deadlock detector fired */

__noreturn void power_off(int status);

#endif
