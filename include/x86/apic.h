/*
 * apic.h - local APIC (per CPU, kernel/x86/apic.c) and I/O APIC
 * (kernel/x86/ioapic.c).  The local APIC is used in xAPIC MMIO mode
 * through an uncached mapping; each CPU programs only its own.  IPI sends
 * are safe from any context, interrupts on or off (they take no lock).
 */
#ifndef X86_APIC_H
#define X86_APIC_H

#include <kernel/types.h>

void apic_init_bsp(void);
void apic_init_ap(void);
void apic_eoi(void);
u32 apic_id(void);
/* Sends an IPI with the given vector to the CPU with that APIC id. */
void apic_send_ipi(u32 apic_id, int vector);
void apic_send_ipi_all_but_self(int vector);
void apic_send_nmi_all_but_self(void);
void apic_send_nmi(u32 apic_id);
void apic_send_init(u32 apic_id);
void apic_send_sipi(u32 apic_id, u8 page);
/* Starts the periodic scheduler tick on this CPU (calibrated at BSP init). */
void apic_timer_start(void);
/* If set, called from every CPU's timer interrupt (HZ per second, IRQs
 * off) before scheduler_tick(). */
extern void (*apic_timer_hook)(void);

void ioapic_init(void);
/* Routes gsi to vector on the CPU with apic id dest. */
void ioapic_route(u32 gsi, int vector, u32 dest, bool level, bool active_low);
void ioapic_mask(u32 gsi);

#endif
