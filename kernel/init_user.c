/*
 * init_user.c - starting PID 1 and waiting for it.
 *
 * run_init() (run_init_hook, called by the main kernel thread when no
 * test= is given) creates the first user task: a kernel thread that gets
 * pid 1, a root fs_struct, an fd table with /dev/console as fds 0-2, and
 * then execs `init=` (default /init) with the words after "--" on the
 * command line as argv[1..] and a small fixed environment.  On success it
 * drops to user mode; on failure it says why and exits with 127.  The main
 * thread sleeps until init is gone and returns its status: the exit code,
 * or 128 + the signal that killed it.  Orphans are reparented to init
 * (child_reaper) while it lives.
 */
#include <fs/fs.h>
#include <kernel/bootinfo.h>
#include <kernel/errno.h>
#include <kernel/init.h>
#include <kernel/printk.h>
#include <kernel/proc.h>
#include <kernel/string.h>
#include <mm/slab.h>

#define MAX_INIT_ARGS 64

extern int (*run_init_hook)(void);

static struct completion init_done;
static int init_status;

static const char *const init_envp[] = { "HOME=/", "PATH=/bin:/sbin:/usr/bin:/usr/sbin",
					 "TERM=linux", NULL };

struct init_args {
	const char *path;
	const char *argv[MAX_INIT_ARGS + 2];
};

void init_process_exited(int status)
{
	init_status = status;
	complete(&init_done);
}

static int init_thread(void *arg)
{
	struct init_args *ia = arg;
	struct task_struct *t = current;
	int r;

	t->files = files_alloc();
	t->fs = fs_alloc_root();
	if (!t->files || !t->fs) {
		printk(KERN_ERR "init: out of memory\n");
		do_exit(W_EXITCODE(127, 0));
	}
	r = vfs_open_console_fds();
	if (r < 0)
		printk(KERN_WARNING "init: no /dev/console (%d): running without stdio\n", r);
	r = kernel_execve(ia->path, ia->argv, init_envp);
	if (r == -ENOENT) { /* root=: not on the disk, so from the initramfs */
		char alt[256];
		if (init_fallback_path(ia->path, alt, sizeof(alt)))
			r = kernel_execve(alt, ia->argv, init_envp);
	}
	if (r == 0)
		ret_to_user(task_pt_regs(t));
	if (r == -ENOENT)
		printk(KERN_ERR "init: %s not found (is it in the initramfs? init=/path picks "
				"another program)\n",
		       ia->path);
	else
		printk(KERN_ERR "init: cannot run %s: error %d\n", ia->path, r);
	do_exit(W_EXITCODE(127, 0));
}

static int run_init(void)
{
	static struct init_args ia;
	struct task_struct *t;
	char **args;
	int argc, r;

	init_completion(&init_done);
	ia.path = cmdline_get("init");
	if (!ia.path || !ia.path[0])
		ia.path = "/init";
	argc = cmdline_init_args(&args);
	if (argc > MAX_INIT_ARGS) {
		printk(KERN_WARNING "init: only the first %d arguments are passed\n",
		       MAX_INIT_ARGS);
		argc = MAX_INIT_ARGS;
	}
	ia.argv[0] = ia.path;
	for (int i = 0; i < argc; i++)
		ia.argv[i + 1] = args[i];
	ia.argv[argc + 1] = NULL;

	t = task_create(init_thread, &ia, "init", sizeof(struct pt_regs));
	if (!t)
		return 127;
	if ((r = proc_init_task(t, NULL)) < 0) {
		printk(KERN_ERR "init: cannot set up the first process: %d\n", r);
		return 127;
	}
	if (t->pid != INIT_PID)
		printk(KERN_WARNING "init: got pid %d, not 1\n", t->pid);
	child_reaper = t;
	wake_up_new_task(t);
	wait_for_completion(&init_done);
	if ((init_status & 0x7f) == 0)
		return (init_status >> 8) & 0xff;
	return 128 + (init_status & 0x7f);
}

static int init_user_setup(void)
{
	run_init_hook = run_init;
	return 0;
}
core_initcall(init_user_setup);
