/*
 * syscall.c - the system-call dispatcher and the return path to user mode.
 *
 * The table is built once at boot (core_initcall) from the .syscalls
 * linker section that SYSCALL_DEFINE fills (<kernel/syscall.h>), so every
 * subsystem defines its own calls.  An unknown number returns -ENOSYS and
 * is logged once per number with its Linux name.
 *
 * do_syscall_64() runs on the task's kernel stack with the user registers
 * saved as a struct pt_regs (kernel/x86/syscall_entry.S); arguments are
 * rdi, rsi, rdx, r10, r8, r9 and the result goes back in rax.
 * exit_to_user_mode() is the last thing before any return to ring 3 (system
 * call, interrupt, exception, a new task's first entry): it reschedules when
 * asked and delivers signals, then returns with interrupts disabled.
 *
 * syscall_init_cpu() programs the SYSCALL MSRs; the core_initcall below
 * runs it on every online CPU, so no other code has to.
 */
#include <kernel/init.h>
#include <kernel/preempt.h>
#include <kernel/printk.h>
#include <kernel/proc.h>
#include <kernel/signal.h>
#include <kernel/smp.h>
#include <kernel/syscall.h>
#include <x86/asm.h>

#define NR_SYSCALLS 512
#define EFER_SCE 0x1
#define X86_EFLAGS_TF 0x100
#define X86_EFLAGS_IF 0x200
#define X86_EFLAGS_DF 0x400
#define X86_EFLAGS_IOPL 0x3000
#define X86_EFLAGS_NT 0x4000
#define X86_EFLAGS_RF 0x10000
#define X86_EFLAGS_AC 0x40000
/* Highest rip that sysret may return to (one page below the canonical
 * boundary, as Linux): beyond it we use iretq. */
#define SYSRET_RIP_MAX 0x00007ffffffff000UL

extern const struct syscall_entry __syscalls_start[], __syscalls_end[];
void entry_SYSCALL_64(void);

static syscall_fn_t syscall_table[NR_SYSCALLS];
static unsigned long syscall_logged[NR_SYSCALLS / 64];
static bool big_nr_logged;

#define X(nr, name) [nr] = #name,
static const char *const syscall_names[] = { SYSCALL_NAME_LIST(X) };
#undef X

const char *syscall_name(int nr)
{
	if (nr < 0 || (size_t)nr >= ARRAY_SIZE(syscall_names) || !syscall_names[nr])
		return "?";
	return syscall_names[nr];
}

void syscall_init_cpu(void)
{
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
	/* sysret: CS = 0x10 + 16 | 3 = USER_CS, SS = 0x10 + 8 | 3 = USER_DS */
	wrmsr(MSR_STAR, ((u64)(KERNEL_DS) << 48) | ((u64)KERNEL_CS << 32));
	wrmsr(MSR_LSTAR, (u64)entry_SYSCALL_64);
	wrmsr(MSR_SFMASK, X86_EFLAGS_TF | X86_EFLAGS_DF | X86_EFLAGS_IF | X86_EFLAGS_IOPL |
				  X86_EFLAGS_AC | X86_EFLAGS_NT);
}

static void syscall_init_ipi(void *arg) { syscall_init_cpu(); }

static int syscall_init(void)
{
	int n = 0;

	/* cppcheck-suppress comparePointers ; linker-made bounds of one section */
	for (const struct syscall_entry *e = __syscalls_start; e < __syscalls_end; e++) {
		if (e->nr < 0 || e->nr >= NR_SYSCALLS) {
			printk(KERN_ERR "syscall: %s has a bad number %d\n", e->name, e->nr);
			continue;
		}
		if (syscall_table[e->nr])
			printk(KERN_ERR "syscall: %s (%d) is defined twice\n", e->name, e->nr);
		syscall_table[e->nr] = e->fn;
		n++;
	}
	/* this CPU and then every other: "this" must stay the same CPU (a
	 * migration in between left one CPU without SYSCALL, and the first
	 * system call there raised #UD: SIGILL in busybox) */
	preempt_disable();
	syscall_init_cpu();
	smp_call_function(syscall_init_ipi, NULL);
	preempt_enable();
	printk(KERN_INFO "syscall: %d system calls\n", n);
	return 0;
}
core_initcall(syscall_init);

static void log_unknown(unsigned long nr)
{
	if (nr >= NR_SYSCALLS) {
		if (__atomic_exchange_n(&big_nr_logged, true, __ATOMIC_RELAXED))
			return;
	} else if (__atomic_fetch_or(&syscall_logged[nr / 64], 1UL << (nr % 64), __ATOMIC_RELAXED) &
		   (1UL << (nr % 64))) {
		return;
	}
	printk(KERN_NOTICE "pid %d (%s): unknown system call %s (%lu), returning -ENOSYS\n",
	       current->pid, current->comm, syscall_name(nr < NR_SYSCALLS ? (int)nr : -1), nr);
}

static bool restart_pending(const struct pt_regs *regs)
{
	long r = (long)regs->rax;

	return in_syscall(regs) && (r == -ERESTARTSYS || r == -ERESTARTNOINTR ||
				    r == -ERESTARTNOHAND || r == -ERESTART_RESTARTBLOCK);
}

static bool work_pending(struct task_struct *t, const struct pt_regs *regs)
{
	if (!is_user_task(t))
		return false;
	return signal_pending(t) || restart_pending(regs) ||
	       (READ_ONCE(t->signal->flags) & SIGNAL_STOPPED) || task_uthread(t)->restore_sigmask;
}

void exit_to_user_mode(struct pt_regs *regs)
{
	struct task_struct *t = current;

	for (;;) {
		local_irq_disable();
		if (this_cpu()->need_resched) {
			local_irq_enable();
			schedule();
			continue;
		}
		if (work_pending(t, regs)) {
			local_irq_enable();
			do_signal(regs);
			continue;
		}
		break;
	}
}

/* Returns true when the frame may go back with sysretq. */
bool do_syscall_64(struct pt_regs *regs)
{
	unsigned long nr = regs->rax;
	long ret;

	local_irq_enable();
	current->user_regs = regs;
	if (nr < NR_SYSCALLS && syscall_table[nr]) {
		ret = syscall_table[nr](regs, (long)regs->rdi, (long)regs->rsi, (long)regs->rdx,
					(long)regs->r10, (long)regs->r8, (long)regs->r9);
	} else {
		log_unknown(nr);
		ret = -ENOSYS;
	}
	regs->rax = (u64)ret;
	exit_to_user_mode(regs);
	return regs->rcx == regs->rip && regs->r11 == regs->rflags && regs->cs == USER_CS &&
	       regs->ss == USER_DS && regs->rip < SYSRET_RIP_MAX &&
	       !(regs->rflags & (X86_EFLAGS_TF | X86_EFLAGS_RF));
}
