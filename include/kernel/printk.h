/*
 * printk.h - kernel log (kernel/printk.c) and fatal errors (kernel/panic.c).
 *
 * printk() may be called from any context, including interrupt handlers and
 * with spinlocks held: it takes only the console's IRQ-safe spinlock.  Each
 * line carries a timestamp (seconds since boot) and the CPU number.
 * A message whose level is above loglevel= is dropped.
 */
#ifndef KERNEL_PRINTK_H
#define KERNEL_PRINTK_H

#include <kernel/compiler.h>

#define KERN_EMERG "<0>"
#define KERN_ALERT "<1>"
#define KERN_CRIT "<2>"
#define KERN_ERR "<3>"
#define KERN_WARNING "<4>"
#define KERN_NOTICE "<5>"
#define KERN_INFO "<6>"
#define KERN_DEBUG "<7>"

extern int console_loglevel;

int printk(const char *fmt, ...) __printf(1, 2);
int vprintk(const char *fmt, va_list ap);
#define pr_err(...) printk(KERN_ERR __VA_ARGS__)
#define pr_warn(...) printk(KERN_WARNING __VA_ARGS__)
#define pr_info(...) printk(KERN_INFO __VA_ARGS__)
#define pr_debug(...) printk(KERN_DEBUG __VA_ARGS__)

struct pt_regs;
/* Prints the cause, registers (if regs), a backtrace, stops all CPUs and
 * powers off with a failure status. */
__noreturn void panic(const char *fmt, ...) __printf(1, 2);
__noreturn void panic_regs(struct pt_regs *regs, const char *fmt, ...) __printf(2, 3);
void dump_stack(void);
void show_backtrace(unsigned long rbp, unsigned long rip);
/* Looks up the function containing addr; returns its name or NULL. */
const char *ksym_lookup(unsigned long addr, unsigned long *offset);

#define BUG() panic("BUG at %s:%d", __FILE__, __LINE__)
#define BUG_ON(c)                                                             \
	do {                                                                  \
		if (unlikely(c))                                              \
			panic("BUG_ON(%s) at %s:%d", #c, __FILE__, __LINE__); \
	} while (0)
#define WARN_ON(c)                                                                             \
	({                                                                                     \
		bool __w = !!(c);                                                              \
		if (unlikely(__w)) {                                                           \
			printk(KERN_WARNING "WARNING: %s at %s:%d\n", #c, __FILE__, __LINE__); \
			dump_stack();                                                          \
		}                                                                              \
		__w;                                                                           \
	})

#endif
