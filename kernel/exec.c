/*
 * exec.c - execve and execveat: replacing a process's program.
 *
 * Before the point of no return everything can fail and leaves the caller
 * as it was: the path and the argument and environment strings are copied
 * into the kernel (-EFAULT, -E2BIG), the file is opened and checked
 * (-ENOENT, -EACCES), "#!" scripts are resolved (up to 4 levels), the ELF
 * headers are checked (-ENOEXEC, kernel/elf.c) and the new address space
 * is built aside: segments, stack, brk.  Then de_thread() kills the other
 * threads, and the new mm, a private fd table without close-on-exec files,
 * default signal handlers and fresh registers, FPU and TLS are installed.
 * Only writes into the new (already current) mm follow, and they cannot
 * fail for lack of a mapping.
 *
 * The executable stays referenced in signal->exe_file (inherited by fork);
 * procfs shows it as /proc/<pid>/exe.  When /proc is not mounted, exec of
 * "/proc/self/exe" that finds no such file still runs it (busybox
 * re-executes its applets that way).
 *
 * The initial stack is Linux's: from the top, the file name, the argument
 * and environment strings, "x86_64", 16 random bytes, then (16-byte
 * aligned) argc, argv[], NULL, envp[], NULL and the auxiliary vector.
 */
#include <fs/fs.h>
#include <fs/proc_fs.h>
#include <kernel/errno.h>
#include <kernel/preempt.h>
#include <kernel/printk.h>
#include <kernel/proc.h>
#include <kernel/random.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>
#include <mm/mm.h>
#include <mm/slab.h>
#include <x86/asm.h>

#define ARG_SPACE (128 * 1024) /* argument + environment bytes */
#define MAX_ARG_COUNT 16384
#define BINPRM_BUF_SIZE 256
#define MAX_SCRIPT_DEPTH 4
#define STACK_INITIAL (128 * 1024)
#define ET_DYN_BASE 0x555555554000UL

#define AT_NULL 0
#define AT_PHDR 3
#define AT_PHENT 4
#define AT_PHNUM 5
#define AT_PAGESZ 6
#define AT_BASE 7
#define AT_FLAGS 8
#define AT_ENTRY 9
#define AT_UID 11
#define AT_EUID 12
#define AT_GID 13
#define AT_EGID 14
#define AT_PLATFORM 15
#define AT_HWCAP 16
#define AT_CLKTCK 17
#define AT_SECURE 23
#define AT_RANDOM 25
#define AT_EXECFN 31
#define NR_AUXV 18

struct arg_src {
	bool kernel;
	const void *ptr; /* array of string pointers, NULL-terminated (or NULL) */
};

struct linux_binprm {
	char *filename; /* as given (AT_EXECFN, comm) */
	char *interp; /* the file opened now (script interpreter) */
	struct file *file;
	u8 buf[BINPRM_BUF_SIZE];
	size_t buf_len;
	char *strings; /* argv then envp strings, each NUL-terminated */
	size_t len;
	int argc, envc;
	struct elf_info elf;
	struct elf64_phdr *phdrs;
	struct mm_struct *mm;
	u64 entry, phdr_addr, stack_top;
	struct elf_zero zero[ELF_MAX_ZERO];
	int nzero;
};

/* ---- argument strings ---- */

static int get_arg_ptr(struct arg_src *a, int i, const char **out)
{
	u64 v;

	if (a->kernel) {
		*out = ((const char *const *)a->ptr)[i];
		return 0;
	}
	if (get_user_u64(&v, (const u64 *)a->ptr + i))
		return -EFAULT;
	*out = (const char *)v;
	return 0;
}

static int copy_strings(struct linux_binprm *b, struct arg_src *a, int *count)
{
	int n = 0, r;

	if (!a->ptr)
		return 0;
	for (;; n++) {
		const char *s;
		long len;

		if ((r = get_arg_ptr(a, n, &s)))
			return r;
		if (!s)
			break;
		if (b->argc + b->envc + n >= MAX_ARG_COUNT)
			return -E2BIG;
		if (a->kernel) {
			len = (long)strlen(s);
			if ((size_t)len + 1 > ARG_SPACE - b->len)
				return -E2BIG;
			memcpy(b->strings + b->len, s, (size_t)len + 1);
		} else {
			len = strncpy_from_user(b->strings + b->len, s, ARG_SPACE - b->len);
			if (len == -ENAMETOOLONG)
				return -E2BIG;
			if (len < 0)
				return (int)len;
		}
		b->len += (size_t)len + 1;
	}
	*count = n;
	return 0;
}

/* Replaces argv[0] with the strings of prefix (n of them, packed). */
static int replace_argv0(struct linux_binprm *b, const char *prefix, size_t plen, int n)
{
	size_t first = b->argc ? strlen(b->strings) + 1 : 0;

	if (b->len - first + plen > ARG_SPACE)
		return -E2BIG;
	memmove(b->strings + plen, b->strings + first, b->len - first);
	memcpy(b->strings, prefix, plen);
	b->len = b->len - first + plen;
	b->argc += n - (first ? 1 : 0);
	return 0;
}

/* ---- the file ---- */

struct file *get_task_exe_file(struct task_struct *t)
{
	unsigned long flags = spin_lock_irqsave(&tasklist_lock);
	struct file *f = t->signal ? t->signal->exe_file : NULL;

	if (f)
		get_file(f);
	spin_unlock_irqrestore(&tasklist_lock, flags);
	return f;
}

static struct file *open_exec(int dfd, const char *name, int flags)
{
	struct file *f;
	int r;

	if ((flags & AT_EMPTY_PATH) && !name[0]) {
		f = fget(dfd);
		if (!f)
			return ERR_PTR(-EBADF);
	} else {
		f = do_filp_open(dfd, name,
				 O_RDONLY | O_LARGEFILE |
					 ((flags & AT_SYMLINK_NOFOLLOW) ? O_NOFOLLOW : 0),
				 0);
		/* busybox re-executes itself through /proc/self/exe: without a
		 * procfs, that name means the caller's executable here. */
		if (PTR_ERR(f) == -ENOENT && !strcmp(name, "/proc/self/exe")) {
			f = get_task_exe_file(current);
			if (!f)
				return ERR_PTR(-ENOENT);
		}
		if (IS_ERR(f))
			return f;
	}
	if ((r = vfs_check_exec(f))) {
		fput(f);
		return ERR_PTR(r);
	}
	return f;
}

/* "#!interp [arg]": rewrites the arguments and names the interpreter. */
static int load_script(struct linux_binprm *b)
{
	size_t got = b->buf_len;
	char line[BINPRM_BUF_SIZE], prefix[2 * BINPRM_BUF_SIZE + 8];
	char *p, *interp, *arg = NULL, *end;
	size_t plen = 0, n;

	n = MIN(got, sizeof(line) - 1);
	memcpy(line, b->buf + 2, n - 2);
	line[n - 2] = 0;
	if ((end = strchr(line, '\n')))
		*end = 0;
	else if (got == BINPRM_BUF_SIZE)
		return -ENOEXEC; /* interpreter line too long */
	for (p = line; *p == ' ' || *p == '\t'; p++)
		;
	if (!*p)
		return -ENOEXEC;
	interp = p;
	while (*p && *p != ' ' && *p != '\t')
		p++;
	if (*p) {
		*p++ = 0;
		while (*p == ' ' || *p == '\t')
			p++;
		end = p + strlen(p);
		while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
			*--end = 0;
		if (*p)
			arg = p;
	}
	n = strlen(interp) + 1;
	memcpy(prefix, interp, n);
	plen = n;
	if (arg) {
		n = strlen(arg) + 1;
		memcpy(prefix + plen, arg, n);
		plen += n;
	}
	n = strlen(b->filename) + 1;
	if (plen + n > sizeof(prefix))
		return -ENAMETOOLONG;
	memcpy(prefix + plen, b->filename, n);
	plen += n;
	kfree(b->interp);
	b->interp = kmalloc(strlen(interp) + 1, 0);
	if (!b->interp)
		return -ENOMEM;
	memcpy(b->interp, interp, strlen(interp) + 1);
	return replace_argv0(b, prefix, plen, arg ? 3 : 2);
}

static int read_headers(struct linux_binprm *b)
{
	u64 size = (u64)i_size_read(file_inode(b->file));
	s64 pos = 0;
	ssize_t got = kernel_read(b->file, b->buf, sizeof(b->buf), &pos);
	size_t phsize;
	int r;

	if (got < 0)
		return (int)got;
	b->buf_len = (size_t)got;
	memset(b->buf + got, 0, sizeof(b->buf) - (size_t)got);
	if (got >= 2 && b->buf[0] == '#' && b->buf[1] == '!')
		return 1; /* a script */
	if ((r = elf_check_header(b->buf, (size_t)got, size, &b->elf)))
		return r;
	phsize = (size_t)b->elf.phnum * sizeof(struct elf64_phdr);
	b->phdrs = kmalloc(phsize, 0);
	if (!b->phdrs)
		return -ENOMEM;
	pos = (s64)b->elf.phoff;
	got = kernel_read(b->file, b->phdrs, phsize, &pos);
	if (got != (ssize_t)phsize)
		return got < 0 ? (int)got : -ENOEXEC;
	r = elf_check_phdrs(b->phdrs, &b->elf, size);
	if (r && b->elf.has_interp)
		printk(KERN_NOTICE "exec %s: dynamically linked programs are not supported "
				   "(link it with -static)\n",
		       b->filename);
	return r;
}

/* ---- the new address space ---- */

static int build_mm(struct linux_binprm *b)
{
	struct mm_struct *mm = mm_alloc();
	u64 bias = 0, stack_size;
	long r;

	if (!mm)
		return -ENOMEM;
	b->mm = mm;
	if (b->elf.type == ET_DYN)
		bias = ET_DYN_BASE + ((get_random_u64() & 0xffff) << PAGE_SHIFT) - b->elf.lo;
	b->entry = b->elf.entry + bias;
	if (b->entry >= TASK_SIZE)
		return -ENOEXEC; /* iretq to a non-canonical rip would fault in the kernel */
	b->phdr_addr = b->elf.phdr_vaddr ? b->elf.phdr_vaddr + bias : 0;
	b->stack_top = TASK_SIZE - ((get_random_u64() & 0x3ff) << PAGE_SHIFT);
	stack_size = STACK_INITIAL + ALIGN_UP(b->len + strlen(b->filename) + 512 +
						      (b->argc + b->envc + 2 * NR_AUXV + 4) * 8,
					      PAGE_SIZE);
	down_write(&mm->mmap_lock);
	r = elf_map_segments(mm, b->file, b->phdrs, &b->elf, bias, b->zero, &b->nzero);
	if (r >= 0)
		r = do_mmap(mm, b->stack_top - stack_size, stack_size, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_GROWSDOWN, NULL, 0);
	mm->start_stack = b->stack_top;
	up_write(&mm->mmap_lock);
	return r < 0 ? (int)r : 0;
}

/* Writes the initial stack into the (current) new mm; returns the new rsp. */
static long setup_stack(struct linux_binprm *b)
{
	struct mm_struct *mm = current->mm;
	u64 p = b->stack_top - 8, execfn, strings, platform, random, sp;
	size_t flen = strlen(b->filename) + 1, words;
	u8 rnd[16];
	u64 *v;
	u32 a, bx, c, d;
	int i, n = 0;
	long r;

	p -= flen;
	execfn = p;
	p -= b->len;
	strings = p;
	p -= sizeof("x86_64");
	platform = p;
	p -= sizeof(rnd);
	random = p;
	p &= ~15UL;
	words = 1 + (size_t)b->argc + 1 + (size_t)b->envc + 1 + 2 * NR_AUXV;
	sp = (p - words * 8) & ~15UL;

	get_random_bytes(rnd, sizeof(rnd));
	if (copy_to_user((void *)execfn, b->filename, flen) ||
	    copy_to_user((void *)strings, b->strings, b->len) ||
	    copy_to_user((void *)platform, "x86_64", sizeof("x86_64")) ||
	    copy_to_user((void *)random, rnd, sizeof(rnd)))
		return -EFAULT;

	v = kmalloc(words * 8, 0);
	if (!v)
		return -ENOMEM;
	v[n++] = (u64)b->argc;
	mm->arg_start = strings;
	for (i = 0, p = strings; i < b->argc + b->envc; i++) {
		if (i == b->argc) {
			v[n++] = 0;
			mm->arg_end = mm->env_start = p;
		}
		v[n++] = p;
		p += strlen(b->strings + (p - strings)) + 1;
	}
	if (b->envc == 0)
		mm->arg_end = mm->env_start = p;
	if (i == b->argc)
		v[n++] = 0; /* no environment: argv's NULL */
	v[n++] = 0;
	mm->env_end = p;
	cpuid(1, 0, &a, &bx, &c, &d);
#define AUX(k, val)                  \
	do {                         \
		v[n++] = (k);        \
		v[n++] = (u64)(val); \
	} while (0)
	AUX(AT_HWCAP, d);
	AUX(AT_PAGESZ, PAGE_SIZE);
	AUX(AT_CLKTCK, 100);
	AUX(AT_PHDR, b->phdr_addr);
	AUX(AT_PHENT, sizeof(struct elf64_phdr));
	AUX(AT_PHNUM, b->elf.phnum);
	AUX(AT_BASE, 0);
	AUX(AT_FLAGS, 0);
	AUX(AT_ENTRY, b->entry);
	AUX(AT_UID, 0);
	AUX(AT_EUID, 0);
	AUX(AT_GID, 0);
	AUX(AT_EGID, 0);
	AUX(AT_SECURE, 0);
	AUX(AT_RANDOM, random);
	AUX(AT_EXECFN, execfn);
	AUX(AT_PLATFORM, platform);
	AUX(AT_NULL, 0);
#undef AUX
	r = copy_to_user((void *)sp, v, (size_t)n * 8) ? -EFAULT : (long)sp;
	kfree(v);
	return r;
}

/* ---- committing ---- */

static void release_old_mm(struct task_struct *t, struct mm_struct *new_mm)
{
	struct mm_struct *old = t->mm;
	struct completion *vfork;

	if (old && t->clear_child_tid && atomic_read(&old->mm_users) > 1) {
		if (put_user_u32(0, t->clear_child_tid) == 0)
			futex_wake_user((u32 *)t->clear_child_tid, 1);
	}
	t->clear_child_tid = NULL;
	spin_lock(&task_res_lock); /* procfs may be taking a reference on old */
	kthread_use_mm(new_mm);
	spin_unlock(&task_res_lock);
	vfork = __atomic_exchange_n(&t->signal->vfork_done, NULL, __ATOMIC_ACQ_REL);
	if (vfork)
		complete(vfork);
	if (old)
		mmput(old);
}

static void set_comm(struct task_struct *t, const char *filename)
{
	const char *base = strrchr(filename, '/');

	strlcpy(t->comm, base ? base + 1 : filename, sizeof(t->comm));
}

static void start_thread(struct pt_regs *regs, u64 ip, u64 sp)
{
	memset(regs, 0, sizeof(*regs));
	regs->rip = ip;
	regs->rsp = sp;
	regs->cs = USER_CS;
	regs->ss = USER_DS;
	regs->rflags = 0x202; /* IF */
	regs->vector = NO_SYSCALL_VECTOR;
}

static int exec_commit(struct linux_binprm *b, struct pt_regs *regs)
{
	struct task_struct *t = current;
	struct files_struct *new_files = NULL, *old_files;
	struct sighand_struct *new_sh = NULL, *old_sh;
	struct file *old_exe;
	unsigned long flags;
	long sp;
	int r;

	if (t->files && atomic_read(&t->files->count) > 1 && !(new_files = dup_files(t->files)))
		return -ENOMEM;
	if (!(new_sh = sighand_copy(t->sighand))) {
		if (new_files)
			put_files(new_files);
		return -ENOMEM;
	}
	if ((r = de_thread())) {
		sighand_put(new_sh);
		if (new_files)
			put_files(new_files);
		return r;
	}

	/* The point of no return. */
	release_old_mm(t, b->mm);
	b->mm = NULL;
	if (new_files) {
		spin_lock(&task_res_lock);
		old_files = t->files;
		t->files = new_files;
		spin_unlock(&task_res_lock);
		put_files(old_files);
	}
	if (t->files)
		do_close_on_exec(t->files);
	old_sh = t->sighand;
	if (atomic_read(&old_sh->count) > 1) {
		flags = spin_lock_irqsave(&tasklist_lock);
		t->sighand = new_sh;
		spin_unlock_irqrestore(&tasklist_lock, flags);
		sighand_put(old_sh);
	} else {
		sighand_put(new_sh);
	}
	flush_signal_handlers(t);
	set_comm(t, b->filename);
	flags = spin_lock_irqsave(&tasklist_lock);
	old_exe = t->signal->exe_file;
	t->signal->exe_file = b->file; /* takes over b's reference */
	b->file = old_exe; /* put by free_binprm */
	spin_unlock_irqrestore(&tasklist_lock, flags);

	preempt_disable();
	t->fs_base = 0;
	wrmsr(MSR_FS_BASE, 0);
	fpu_init_state(t->fpu_state);
	__asm__ volatile("fxrstor64 (%0)" ::"r"(t->fpu_state) : "memory");
	preempt_enable();

	for (int i = 0; i < b->nzero; i++)
		clear_user((void *)b->zero[i].addr, b->zero[i].len); /* bss head */
	sp = setup_stack(b);
	start_thread(regs, b->entry, sp < 0 ? 0 : (u64)sp);
	if (sp < 0) {
		printk(KERN_ERR "exec %s: cannot build the stack (%ld)\n", b->filename, sp);
		force_sig(SIGSEGV);
	}
	return 0;
}

static void free_binprm(struct linux_binprm *b)
{
	if (b->file)
		fput(b->file);
	if (b->mm)
		mmput(b->mm);
	kfree(b->phdrs);
	kfree(b->strings);
	kfree(b->interp);
	kfree(b->filename);
	kfree(b);
}

static int do_execveat(int dfd, const char *name, bool kernel_name, struct arg_src argv,
		       struct arg_src envp, int flags, struct pt_regs *regs)
{
	struct linux_binprm *b;
	int r, depth;

	if (flags & ~(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW))
		return -EINVAL;
	b = kzalloc(sizeof(*b), 0);
	if (!b)
		return -ENOMEM;
	b->filename = kernel_name ? NULL : getname_flags(name, flags & AT_EMPTY_PATH);
	if (kernel_name) {
		b->filename = kmalloc(strlen(name) + 1, 0);
		if (b->filename)
			memcpy(b->filename, name, strlen(name) + 1);
	}
	if (IS_ERR_OR_NULL(b->filename)) {
		r = b->filename ? (int)PTR_ERR(b->filename) : -ENOMEM;
		b->filename = NULL;
		goto out;
	}
	if (!(b->strings = kmalloc(ARG_SPACE, 0))) {
		r = -ENOMEM;
		goto out;
	}
	if ((r = copy_strings(b, &argv, &b->argc)) || (r = copy_strings(b, &envp, &b->envc)))
		goto out;
	for (depth = 0;; depth++) {
		b->file =
			open_exec(dfd, b->interp ? b->interp : b->filename, b->interp ? 0 : flags);
		if (IS_ERR(b->file)) {
			r = (int)PTR_ERR(b->file);
			b->file = NULL;
			goto out;
		}
		r = read_headers(b);
		if (r != 1)
			break;
		if (depth == MAX_SCRIPT_DEPTH) {
			r = -ELOOP;
			goto out;
		}
		if ((r = load_script(b)))
			goto out;
		fput(b->file);
		b->file = NULL;
		dfd = AT_FDCWD;
	}
	if (r || (r = build_mm(b)) || (r = exec_commit(b, regs)))
		goto out;
out:
	free_binprm(b);
	return r;
}

int kernel_execve(const char *path, const char *const *argv, const char *const *envp)
{
	struct arg_src a = { true, argv }, e = { true, envp };

	return do_execveat(AT_FDCWD, path, true, a, e, 0, task_pt_regs(current));
}

SYSCALL_DEFINE(__NR_execve, execve)
{
	struct arg_src argv = { false, (const void *)a1 }, envp = { false, (const void *)a2 };

	return do_execveat(AT_FDCWD, (const char *)a0, false, argv, envp, 0, regs);
}

SYSCALL_DEFINE(__NR_execveat, execveat)
{
	struct arg_src argv = { false, (const void *)a2 }, envp = { false, (const void *)a3 };

	return do_execveat((int)a0, (const char *)a1, false, argv, envp, (int)a4, regs);
}
