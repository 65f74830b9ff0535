/*
 * init.h - boot-time registration without a central list.
 *
 * core_initcall(fn), fs_initcall(fn), device_initcall(fn), late_initcall(fn)
 * register int fn(void) to run once in the main kernel thread after the
 * scheduler and all CPUs are up, level by level (core, fs, device, late),
 * in link order within a level.  A negative return is logged, not fatal.
 *
 * TEST_MODE(name, fn) registers int fn(void) as `test=name` on the command
 * line: the main thread runs it instead of init and powers off with its
 * return value.
 */
#ifndef KERNEL_INIT_H
#define KERNEL_INIT_H

#include <kernel/compiler.h>

typedef int (*initcall_t)(void);

struct initcall {
	initcall_t fn;
	const char *name;
};

#define __define_initcall(fn, lvl)                                                \
	static const struct initcall __initcall_##fn __section(".initcall." #lvl) \
		__attribute__((used, aligned(8))) = { fn, #fn }
#define core_initcall(fn) __define_initcall(fn, 1)
#define fs_initcall(fn) __define_initcall(fn, 2)
#define device_initcall(fn) __define_initcall(fn, 3)
#define late_initcall(fn) __define_initcall(fn, 4)

struct test_mode {
	const char *name;
	initcall_t fn;
	const char *help;
};

#define TEST_MODE(name_, fn_, help_)                                              \
	static const struct test_mode __test_mode_##name_ __section(".testmodes") \
		__attribute__((used, aligned(8))) = { #name_, fn_, help_ }

void do_initcalls(void);

#endif
