/*
 * run.c - what the kernel does once it is up.
 *
 * rest_init() turns the boot CPU into its idle task after starting the
 * "main" kernel thread, which runs what the command line asks:
 *   test=ktest      the in-kernel self-tests (ktest=NAME filters them)
 *   test=fault      touch an unmapped kernel address: shows the panic report
 *   test=doublefree free a page twice: the allocator must catch it
 *   test=uaf        write to a freed page: caught when it is reallocated
 *   (default)       init from the initramfs, once user space exists
 * The thread's result is the VM's exit status.
 */
#include <kernel/bootinfo.h>
#include <kernel/ktest.h>
#include <kernel/power.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <mm/page.h>
#include <mm/slab.h>

int (*run_init_hook)(void); /* set by the process code when it exists */

static int deliberate_faults(const char *test)
{
	if (strcmp(test, "fault") == 0) {
		printk(KERN_INFO "test=fault: touching an unmapped address on purpose\n");
		*(volatile int *)0xdead000 = 1;
	} else if (strcmp(test, "doublefree") == 0) {
		struct page *p = alloc_page(0);
		printk(KERN_INFO "test=doublefree: freeing page %#lx twice\n", page_to_pfn(p));
		__free_pages(p, 0);
		__free_pages(p, 0);
	} else if (strcmp(test, "kfree2") == 0) {
		void *o = kmalloc(100, 0);
		printk(KERN_INFO "test=kfree2: kfree(%p) twice\n", o);
		kfree(o);
		kfree(o);
	} else if (strcmp(test, "uaf") == 0) {
		/* Free a page, scribble on it, then take every free page so the
		 * allocator meets the scribble. */
		struct page *p = alloc_page(0);
		u8 *va = page_address(p);
		printk(KERN_INFO "test=uaf: writing to freed page %#lx\n", page_to_pfn(p));
		__free_pages(p, 0);
		va[100] = 1;
		while (alloc_page(0))
			;
	} else {
		return -1;
	}
	printk(KERN_ERR "test=%s: the fault was NOT caught\n", test);
	return 1;
}

static int main_thread(void *arg)
{
	const char *test = cmdline_get("test");
	int status;

	(void)arg;
	if (test && strcmp(test, "ktest") == 0) {
		status = ktest_run_all(cmdline_get("ktest"));
	} else if (test && (status = deliberate_faults(test)) >= 0) {
		;
	} else if (test) {
		printk(KERN_ERR "unknown test=%s (ktest, fault, doublefree, kfree2, uaf)\n", test);
		status = 2;
	} else if (run_init_hook) {
		status = run_init_hook();
	} else {
		printk(KERN_INFO "no init in this kernel yet: booted fine, powering off\n");
		status = 0;
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
