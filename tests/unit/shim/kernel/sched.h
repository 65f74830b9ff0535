/*
 * sched.h (host shim) - the kernel's <kernel/sched.h> with `current` as a
 * thread-local task_struct (tests/unit/shim/shim.c), created on first use
 * in each thread.  task_struct itself is the kernel's, unchanged.
 */
#ifndef SHIM_KERNEL_SCHED_H
#define SHIM_KERNEL_SCHED_H

#include_next <kernel/sched.h>

#undef current
struct task_struct *shim_current(void);
#define current shim_current()

#endif
