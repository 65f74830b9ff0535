/*
 * irq.h - device interrupts.  Handlers run with interrupts disabled on the
 * CPU that took the interrupt; they must not sleep.  Vectors 0x30..0xEF are
 * handed out dynamically (ISA IRQs through the I/O APIC, PCI MSI-X).
 */
#ifndef KERNEL_IRQ_H
#define KERNEL_IRQ_H

#include <kernel/types.h>

typedef void (*irq_handler_t)(int vector, void *arg);

#define VEC_DYNAMIC_FIRST 0x30
#define VEC_DYNAMIC_LAST 0xEF

/* Allocates a vector and installs handler; returns the vector or -ENOSPC. */
int irq_alloc_vector(irq_handler_t handler, void *arg, const char *name);
void irq_free_vector(int vector);
/* Routes an ISA IRQ (after ACPI overrides) through the I/O APIC to a new
 * vector on the boot CPU; returns the vector or a negative errno. */
int irq_request_isa(int isa_irq, irq_handler_t handler, void *arg, const char *name);
/* Routes a GSI (level, active low: PCI INTx) to a new vector. */
int irq_request_gsi(u32 gsi, bool level, bool active_low, irq_handler_t handler, void *arg,
		    const char *name);

#endif
