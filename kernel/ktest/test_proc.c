/*
 * test_proc.c - self-tests of the process layer that need no user
 * program: ELF header and program-header checks against malformed input
 * (every one must give -ENOEXEC, never a crash), signal tables, system
 * call names, and pid allocation.
 */
#include <kernel/errno.h>
#include <kernel/ktest.h>
#include <kernel/proc.h>
#include <kernel/signal.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <mm/mm.h>

#define FILE_SIZE 0x10000

static void good_header(struct elf64_hdr *eh)
{
	memset(eh, 0, sizeof(*eh));
	eh->e_ident[0] = 0x7f;
	eh->e_ident[1] = 'E';
	eh->e_ident[2] = 'L';
	eh->e_ident[3] = 'F';
	eh->e_ident[4] = 2; /* ELFCLASS64 */
	eh->e_ident[5] = 1; /* little endian */
	eh->e_ident[6] = 1;
	eh->e_type = ET_EXEC;
	eh->e_machine = 62;
	eh->e_version = 1;
	eh->e_entry = 0x401000;
	eh->e_phoff = sizeof(*eh);
	eh->e_phentsize = sizeof(struct elf64_phdr);
	eh->e_phnum = 2;
}

KTEST(elf_header_checks)
{
	struct elf64_hdr eh;
	struct elf_info info;

	good_header(&eh);
	KT_ASSERT(t, elf_check_header(&eh, sizeof(eh), FILE_SIZE, &info) == 0, "valid header");
	KT_ASSERT(t, info.phnum == 2 && info.entry == 0x401000 && info.type == ET_EXEC, "fields");
	KT_ASSERT(t, elf_check_header(&eh, sizeof(eh) - 1, FILE_SIZE, &info) == -ENOEXEC, "short");
	KT_ASSERT(t, elf_check_header(&eh, 0, FILE_SIZE, &info) == -ENOEXEC, "empty");

#define BAD(mutation, what)                                                                   \
	do {                                                                                  \
		good_header(&eh);                                                             \
		mutation;                                                                     \
		KT_ASSERT(t, elf_check_header(&eh, sizeof(eh), FILE_SIZE, &info) == -ENOEXEC, \
			  "accepted: %s", what);                                              \
	} while (0)
	BAD(eh.e_ident[0] = 0, "bad magic");
	BAD(eh.e_ident[3] = 'G', "bad magic 3");
	BAD(eh.e_ident[4] = 1, "ELFCLASS32");
	BAD(eh.e_ident[5] = 2, "big endian");
	BAD(eh.e_ident[6] = 0, "bad version");
	BAD(eh.e_type = 1, "ET_REL");
	BAD(eh.e_type = 4, "ET_CORE");
	BAD(eh.e_machine = 3, "i386");
	BAD(eh.e_phentsize = 32, "phentsize");
	BAD(eh.e_phnum = 0, "no phdrs");
	BAD(eh.e_phnum = 0xffff, "too many phdrs");
	BAD(eh.e_phoff = FILE_SIZE, "phdrs past the end");
	BAD(eh.e_phoff = ~0ULL - 8, "phoff overflow");
#undef BAD
	good_header(&eh);
	KT_ASSERT(t,
		  elf_check_header(&eh, sizeof(eh), sizeof(eh) + 2 * sizeof(struct elf64_phdr) - 1,
				   &info) == -ENOEXEC,
		  "phdrs cut by the end of the file");
}

static void load(struct elf64_phdr *p, u64 off, u64 va, u64 filesz, u64 memsz, u32 flags)
{
	memset(p, 0, sizeof(*p));
	p->p_type = PT_LOAD;
	p->p_offset = off;
	p->p_vaddr = va;
	p->p_filesz = filesz;
	p->p_memsz = memsz;
	p->p_flags = flags;
}

KTEST(elf_phdr_checks)
{
	struct elf64_hdr eh;
	struct elf64_phdr ph[2];
	struct elf_info info;

	good_header(&eh);
	elf_check_header(&eh, sizeof(eh), FILE_SIZE, &info);
	load(&ph[0], 0, 0x400000, 0x1000, 0x1000, 5);
	load(&ph[1], 0x1000, 0x402000, 0x100, 0x3000, 6);
	KT_ASSERT(t, elf_check_phdrs(ph, &info, FILE_SIZE) == 0, "valid segments");
	KT_ASSERT(t, info.lo == 0x400000 && info.hi == 0x405000, "span %#llx-%#llx",
		  (unsigned long long)info.lo, (unsigned long long)info.hi);
	KT_ASSERT(t, info.phdr_vaddr == 0x400000 + sizeof(eh), "AT_PHDR %#llx",
		  (unsigned long long)info.phdr_vaddr);

#define BAD(mutation, what)                                                                     \
	do {                                                                                    \
		load(&ph[0], 0, 0x400000, 0x1000, 0x1000, 5);                                   \
		load(&ph[1], 0x1000, 0x402000, 0x100, 0x3000, 6);                               \
		mutation;                                                                       \
		KT_ASSERT(t, elf_check_phdrs(ph, &info, FILE_SIZE) == -ENOEXEC, "accepted: %s", \
			  what);                                                                \
	} while (0)
	BAD(ph[1].p_filesz = 0x4000, "filesz > memsz");
	BAD(ph[1].p_vaddr = 0x402010, "vaddr and offset not congruent");
	BAD(ph[1].p_vaddr = TASK_SIZE - 0x1000, "segment past the user space");
	BAD(ph[1].p_memsz = ~0ULL - 0x1000; ph[1].p_filesz = 0, "memsz overflow");
	BAD(ph[1].p_offset = FILE_SIZE, "data past the end of the file");
	BAD(ph[1].p_offset = ~0ULL - 0xfff; ph[1].p_vaddr = 0x403000, "offset overflow");
	BAD(ph[0].p_vaddr = 0x1000, "ET_EXEC below MMAP_MIN_ADDR");
	BAD(ph[0].p_type = 0; ph[1].p_type = 0, "no PT_LOAD");
	BAD(ph[1].p_type = PT_INTERP, "PT_INTERP");
#undef BAD
	KT_ASSERT(t, info.has_interp, "PT_INTERP is reported");
}

KTEST(signal_tables)
{
	KT_ASSERT(t, sig_default_action(SIGSEGV) == SIG_DEF_CORE, "SIGSEGV dumps core");
	KT_ASSERT(t, sig_default_action(SIGTERM) == SIG_DEF_TERM, "SIGTERM terminates");
	KT_ASSERT(t, sig_default_action(SIGCHLD) == SIG_DEF_IGN, "SIGCHLD ignored");
	KT_ASSERT(t, sig_default_action(SIGTSTP) == SIG_DEF_STOP, "SIGTSTP stops");
	KT_ASSERT(t, sig_default_action(SIGCONT) == SIG_DEF_CONT, "SIGCONT continues");
	KT_ASSERT(t, sig_default_action(SIGRTMIN + 3) == SIG_DEF_TERM, "RT terminates");
	KT_ASSERT(t, !strcmp(signal_name(SIGKILL), "SIGKILL"), "name");
	KT_ASSERT(t, sigmask(1) == 1 && sigmask(64) == 1ULL << 63, "sigmask");
	KT_ASSERT(t, !valid_signal(0) && valid_signal(64) && !valid_signal(65), "valid_signal");
}

KTEST(syscall_names)
{
	KT_ASSERT(t, !strcmp(syscall_name(__NR_read), "read"), "read");
	KT_ASSERT(t, !strcmp(syscall_name(__NR_exit_group), "exit_group"), "exit_group");
	KT_ASSERT(t, !strcmp(syscall_name(-1), "?") && !strcmp(syscall_name(100000), "?"),
		  "unknown");
}

KTEST(pid_alloc)
{
	int a = alloc_pid(), b = alloc_pid();

	KT_ASSERT(t, a > 0 && b > 0 && a != b, "two pids %d %d", a, b);
	free_pid(a);
	free_pid(b);
	KT_ASSERT(t, alloc_pid() != a || PID_MAX < 4, "a freed pid is not reused at once");
}
