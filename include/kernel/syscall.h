/*
 * syscall.h - system calls on the Linux x86_64 ABI.
 *
 * Each system call is defined where it belongs with
 *
 *     SYSCALL_DEFINE(__NR_getpid, getpid) { return current_process_pid(); }
 *
 * which registers it in the .syscalls linker section; the dispatcher
 * (kernel/syscall.c) builds its table from that section at boot, so adding
 * a system call edits no shared file.  The body sees its six arguments as
 * longs a0..a5 and the saved user registers as regs (fork, execve, signal
 * return and friends modify them).  A number with no entry returns -ENOSYS
 * and logs its name once.  Numbers come from build/gen/syscall_nr.h,
 * generated from the host's <asm/unistd_64.h> (Linux numbering).
 */
#ifndef KERNEL_SYSCALL_H
#define KERNEL_SYSCALL_H

#include <kernel/compiler.h>
#include <kernel/errno.h>
#include <x86/traps.h>
#include <syscall_nr.h>

typedef long (*syscall_fn_t)(struct pt_regs *regs, long a0, long a1, long a2, long a3, long a4,
			     long a5);

struct syscall_entry {
	int nr;
	const char *name;
	syscall_fn_t fn;
};

#define SYSCALL_DEFINE(nr_, name_)                                                                 \
	static long sys_##name_(struct pt_regs *regs, long a0, long a1, long a2, long a3, long a4, \
				long a5);                                                          \
	static const struct syscall_entry __syscall_##name_ __section(".syscalls")                 \
		__attribute__((used, aligned(8))) = { nr_, #name_, sys_##name_ };                  \
	static long sys_##name_(struct pt_regs *regs __unused, long a0 __unused, long a1 __unused, \
				long a2 __unused, long a3 __unused, long a4 __unused,              \
				long a5 __unused)

/* Name of a Linux system call number, or "?" (for logs). */
const char *syscall_name(int nr);

#endif
