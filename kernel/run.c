/*
 * run.c - what the kernel does once it is up.
 *
 * rest_init() turns the boot CPU into its idle task after starting the
 * "main" kernel thread.  That thread runs the initcalls (drivers, file
 * systems), then what the command line asks:
 *   test=NAME   a registered test mode (TEST_MODE in <kernel/init.h>):
 *               ktest (in-kernel self-tests), fault, doublefree, kfree2,
 *               uaf, and those that drivers add (blkbench...)
 *   (default)   init from the initramfs (init=, default /init)
 * The result is the VM's exit status.
 */
#include <kernel/bootinfo.h>
#include <kernel/init.h>
#include <kernel/ktest.h>
#include <kernel/power.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <mm/page.h>
#include <mm/slab.h>

int (*run_init_hook)(void); /* set by the process code */

extern const struct initcall __initcall_start[], __initcall_end[];
extern const struct test_mode __testmodes_start[], __testmodes_end[];

void do_initcalls(void)
{
	for (const struct initcall *c = __initcall_start; c < __initcall_end; c++) {
		int r = c->fn();
		if (r < 0)
			printk(KERN_WARNING "init: %s failed: %d\n", c->name, r);
	}
}

static int test_ktest(void) { return ktest_run_all(cmdline_get("ktest")); }
TEST_MODE(ktest, test_ktest, "in-kernel self-tests (ktest=NAME filters)");

static int test_fault(void)
{
	printk(KERN_INFO "test=fault: touching an unmapped address on purpose\n");
	*(volatile int *)0xdead000 = 1;
	printk(KERN_ERR "test=fault: the fault was NOT caught\n");
	return 1;
}
TEST_MODE(fault, test_fault, "kernel page fault: shows the panic report");

static int test_doublefree(void)
{
	struct page *p = alloc_page(0);

	printk(KERN_INFO "test=doublefree: freeing page %#lx twice\n", page_to_pfn(p));
	__free_pages(p, 0);
	__free_pages(p, 0);
	printk(KERN_ERR "test=doublefree: NOT caught\n");
	return 1;
}
TEST_MODE(doublefree, test_doublefree, "free a page twice: the allocator must panic");

static int test_kfree2(void)
{
	void *o = kmalloc(100, 0);

	printk(KERN_INFO "test=kfree2: kfree(%p) twice\n", o);
	kfree(o);
	kfree(o);
	printk(KERN_ERR "test=kfree2: NOT caught\n");
	return 1;
}
TEST_MODE(kfree2, test_kfree2, "kfree an object twice: kmalloc must panic");

static int test_uaf(void)
{
	/* Free a page, scribble on it, then take free pages until the
	 * allocator meets the scribble. */
	struct page *p = alloc_page(0);
	u8 *va = page_address(p);

	printk(KERN_INFO "test=uaf: writing to freed page %#lx\n", page_to_pfn(p));
	__free_pages(p, 0);
	va[100] = 1;
	while (alloc_page(0))
		;
	printk(KERN_ERR "test=uaf: NOT caught\n");
	return 1;
}
TEST_MODE(uaf, test_uaf, "write to a freed page: caught when it is reallocated");

static int main_thread(void *arg)
{
	const char *test = cmdline_get("test");
	int status = 0;

	(void)arg;
	do_initcalls();
	if (test) {
		const struct test_mode *m;
		for (m = __testmodes_start; m < __testmodes_end; m++)
			if (strcmp(m->name, test) == 0)
				break;
		if (m < __testmodes_end) {
			status = m->fn();
		} else {
			printk(KERN_ERR "unknown test=%s; known:\n", test);
			for (m = __testmodes_start; m < __testmodes_end; m++)
				printk(KERN_ERR "  %-12s %s\n", m->name, m->help);
			status = 2;
		}
	} else if (run_init_hook) {
		status = run_init_hook();
	} else {
		printk(KERN_INFO "no init in this kernel yet: booted fine, powering off\n");
	}
	printk(KERN_INFO "powering off with status %d\n", status);
	power_off(status);
}

__noreturn void rest_init(void)
{
	if (!kthread_run(main_thread, NULL, "main"))
		panic("cannot start the main thread");
	cpu_idle_loop();
}
