/* stubs.c - TEMPORARY boot stubs, replaced as subsystems land. */
#include <drivers/acpi.h>
#include <kernel/time.h>
#include <kernel/smp.h>
struct acpi_info acpi;
void acpi_init(void) {}
void acpi_poweroff(void) {}
u64 ktime_get_ns(void) { return 0; }
void smp_send_stop(void) {}
void apic_eoi(void) {}
void irq_exit_maybe_resched(void) {}
void preempt_schedule(void) {}
int irq_request_isa(int isa_irq, void (*h)(int, void *), void *arg, const char *name) { (void)isa_irq; (void)h; (void)arg; (void)name; return -1; }
