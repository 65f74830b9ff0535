/*
 * fault_hook.c - the x86 page-fault hook, the fault reports for the
 * process code, and mm's boot-time setup (mm_user_init).
 *
 * The hook takes user-mode faults, and kernel-mode faults on user
 * addresses from an instruction listed in the exception table (uaccess).
 * Under mmap_lock (read) it finds the VMA, grows a VM_GROWSDOWN stack
 * (retaking mmap_lock for writing), checks the access against the VMA and
 * calls handle_mm_fault(); VM_FAULT_RETRY means the lock is gone: look up
 * again.  Unresolved: it returns non-zero, after recording signal, code
 * and address for mm_fault_info() when the fault came from user mode; the
 * trap code then signals (user_exception_hook) or applies the fixup
 * (-EFAULT).  Kernel faults on kernel addresses, outside uaccess, with an
 * instruction fetch, an SMAP violation (AC clear) or in atomic context are
 * refused at once (-EFAULT from uaccess, else the panic report).
 * Locks: mmap_lock only; fault_slots_lock (IRQ-safe) guards the reports.
 */
#include <kernel/errno.h>
#include <kernel/init.h>
#include <kernel/preempt.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/uaccess.h>
#include <x86/asm.h>
#include <x86/traps.h>
#include "internal.h"

#define PF_PROT 0x1
#define PF_WRITE 0x2
#define PF_RSVD 0x8
#define PF_INSTR 0x10
#define X86_EFLAGS_AC (1UL << 18)

#define SIGBUS_NR 7
#define SIGKILL_NR 9
#define SIGSEGV_NR 11
#define SEGV_MAPERR 1
#define SEGV_ACCERR 2
#define BUS_ADRERR 2

/* ---- reports for the process code ---- */

#define FAULT_SLOTS 32
static struct {
	struct task_struct *task;
	struct mm_fault_info info;
} fault_slots[FAULT_SLOTS];
static unsigned int fault_slot_next;
static DEFINE_SPINLOCK(fault_slots_lock);

static void record_fault(int signo, int code, unsigned long addr)
{
	unsigned long f = spin_lock_irqsave(&fault_slots_lock);
	int i, free = -1;

	for (i = 0; i < FAULT_SLOTS; i++) {
		if (fault_slots[i].task == current)
			break;
		if (!fault_slots[i].task && free < 0)
			free = i;
	}
	if (i == FAULT_SLOTS)
		i = free >= 0 ? free : (int)(fault_slot_next++ % FAULT_SLOTS);
	fault_slots[i].task = current;
	fault_slots[i].info = (struct mm_fault_info){ signo, code, addr };
	spin_unlock_irqrestore(&fault_slots_lock, f);
}

bool mm_fault_info(struct mm_fault_info *info)
{
	unsigned long f = spin_lock_irqsave(&fault_slots_lock);
	bool found = false;

	for (int i = 0; i < FAULT_SLOTS; i++) {
		if (fault_slots[i].task == current) {
			*info = fault_slots[i].info;
			fault_slots[i].task = NULL;
			found = true;
			break;
		}
	}
	spin_unlock_irqrestore(&fault_slots_lock, f);
	return found;
}

/* ---- the x86 hook ---- */

extern const struct exception_table_entry __ex_table_start[], __ex_table_end[];

static bool in_exception_table(unsigned long ip)
{
	/* cppcheck-suppress comparePointers ; linker-made bounds of one section */
	for (const struct exception_table_entry *e = __ex_table_start; e < __ex_table_end; e++)
		if (e->insn == ip)
			return true;
	return false;
}

/* Finds the VMA for addr, growing a stack down to it; NULL: none.  May
 * drop and retake mmap_lock (held for reading on entry and exit). */
static struct vm_area_struct *find_fault_vma(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma = find_vma(mm, addr);
	int err;

	if (!vma || vma->vm_start <= addr)
		return vma;
	if (!(vma->vm_flags & VM_GROWSDOWN))
		return NULL;
	up_read(&mm->mmap_lock);
	down_write(&mm->mmap_lock);
	vma = find_vma(mm, addr);
	err = !vma ? -EFAULT : vma->vm_start <= addr ? 0 : expand_stack(vma, addr);
	downgrade_write(&mm->mmap_lock);
	return err ? NULL : find_vma(mm, addr);
}

static int do_page_fault(struct pt_regs *regs, unsigned long addr, u64 err)
{
	bool user = user_mode(regs);
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	unsigned int flags = 0;
	int signo = SIGSEGV_NR, code = SEGV_MAPERR, ret;

	if (smap_enabled)
		__asm__ volatile("clac" ::: "memory"); /* iret restores AC */
	if (!user) {
		/* Only uaccess may touch user memory, and only while AC is set. */
		if (addr >= USER_SPACE_END || !in_exception_table(regs->rip))
			return 1;
		if ((err & PF_INSTR) || in_atomic_context())
			return 1;
		if (smap_enabled && (err & PF_PROT) && !(regs->rflags & X86_EFLAGS_AC))
			return 1;
	}
	if (addr >= TASK_SIZE || !mm || (err & PF_RSVD))
		goto bad;
	if (err & PF_WRITE)
		flags |= FAULT_FLAG_WRITE;
	if (err & PF_INSTR)
		flags |= FAULT_FLAG_INSTRUCTION;
	if (user)
		flags |= FAULT_FLAG_USER;
	current->fault_major = false;
	for (;;) {
		down_read(&mm->mmap_lock);
		vma = find_fault_vma(mm, addr);
		if (!vma) {
			up_read(&mm->mmap_lock);
			goto bad;
		}
		if (!vma_accessible(vma) ||
		    ((flags & FAULT_FLAG_WRITE) && !(vma->vm_flags & VM_WRITE)) ||
		    ((flags & FAULT_FLAG_INSTRUCTION) && !(vma->vm_flags & VM_EXEC)) ||
		    ((err & PF_PROT) && !(err & (PF_WRITE | PF_INSTR)))) {
			up_read(&mm->mmap_lock);
			code = SEGV_ACCERR;
			goto bad;
		}
		ret = handle_mm_fault(vma, addr, flags);
		if (ret & VM_FAULT_RETRY)
			continue; /* the fault handler released mmap_lock */
		up_read(&mm->mmap_lock);
		break;
	}
	if (!ret) {
		if (current->fault_major) /* it waited for the disk */
			current->maj_flt++;
		else
			current->min_flt++;
		return 0;
	}
	if (ret & VM_FAULT_OOM) {
		signo = SIGKILL_NR;
		code = 0;
	} else if (ret & VM_FAULT_SIGBUS) {
		signo = SIGBUS_NR;
		code = BUS_ADRERR;
	} else {
		code = SEGV_ACCERR;
	}
bad:
	if (user)
		record_fault(signo, code, addr);
	return 1;
}

static void mm_switch_hook(struct task_struct *prev, struct task_struct *next)
{
	switch_mm(prev->mm, next->mm);
}

extern void (*switch_mm_hook)(struct task_struct *prev, struct task_struct *next);

static void smep_smap_ipi(void *arg) { cpu_enable_smep_smap(); }

int mm_user_init(void)
{
	preempt_disable(); /* no migration: this CPU and the others are all */
	cpu_enable_smep_smap();
	if (nr_cpus_online > 1)
		smp_call_function(smep_smap_ipi, NULL);
	preempt_enable();
	switch_mm_hook = mm_switch_hook;
	page_fault_hook = do_page_fault;
	printk(KERN_INFO "mm: user address spaces ready (SMEP %s, SMAP %s)\n",
	       read_cr4() & (1UL << 20) ? "on" : "off", smap_enabled ? "on" : "off");
	return 0;
}
core_initcall(mm_user_init);
