/*
 * printk.c - the kernel log.
 *
 * Formats into a per-call buffer and writes the line to the serial console
 * under console_lock (IRQ-safe, raw: no lockdep, so lockdep itself may
 * print).  Each line starts with "[seconds.micros] cN " so interleaved output
 * of several CPUs stays readable.  Messages above console_loglevel are
 * dropped.  In panic the lock is broken (panic_in_progress) so the dying CPU
 * always gets its report out.
 */
#include <drivers/serial.h>
#include <kernel/printk.h>
#include <kernel/smp.h>
#include <kernel/spinlock.h>
#include <kernel/string.h>
#include <kernel/time.h>
#include <x86/asm.h>

int console_loglevel = 6;
static DEFINE_SPINLOCK(console_lock);
static bool at_line_start = true;
extern bool panic_in_progress;
extern bool percpu_ready;

static int parse_level(const char **fmt)
{
	const char *f = *fmt;

	if (f[0] == '<' && f[1] >= '0' && f[1] <= '7' && f[2] == '>') {
		*fmt = f + 3;
		return f[1] - '0';
	}
	return 4;
}

int vprintk(const char *fmt, va_list ap)
{
	char buf[512];
	char prefix[40];
	int level = parse_level(&fmt);
	int n, p = 0;
	unsigned long flags;

	if (level > console_loglevel)
		return 0;
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	if (n > (int)sizeof(buf) - 1)
		n = sizeof(buf) - 1;

	flags = local_irq_save();
	if (!panic_in_progress)
		raw_spin_lock(&console_lock);
	for (int i = 0; i < n; i++) {
		if (at_line_start) {
			u64 ns = ktime_get_ns();
			int cpu = percpu_ready ? smp_processor_id() : 0;
			p = snprintf(prefix, sizeof(prefix), "[%5llu.%06llu] c%d ",
				     (unsigned long long)(ns / 1000000000ULL),
				     (unsigned long long)(ns / 1000 % 1000000), cpu);
			serial_write(prefix, p);
			at_line_start = false;
		}
		serial_write(&buf[i], 1);
		if (buf[i] == '\n')
			at_line_start = true;
	}
	if (!panic_in_progress)
		raw_spin_unlock(&console_lock);
	local_irq_restore(flags);
	return n;
}

int printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintk(fmt, ap);
	va_end(ap);
	return n;
}
