/*
 * select.c - waiting for several files at once: poll, ppoll, select,
 * pselect6.
 *
 * The loop (do_poll): mark the task TASK_INTERRUPTIBLE, ask every file's
 * f_op->poll for its ready mask; on the first pass each ->poll registers the
 * task on the wait queues that will signal a change (poll_wait), later
 * passes re-queue those entries (a wake-up dequeues them); if nothing
 * is ready, no signal is pending and time is left, schedule().  Any wake_up
 * on a registered queue makes the task runnable again, so a change between
 * the check and schedule() is not lost.  Files without ->poll are always
 * ready for reading and writing (regular files).
 * ->poll must not sleep: it runs with the task state set.
 * ppoll and pselect6 install their signal mask for the wait
 * (set_user_sigmask).  A pending signal ends the wait with -ERESTARTNOHAND:
 * restarted when no handler runs, -EINTR for the user otherwise.
 */
#include "internal.h"
#include <kernel/proc.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/time.h>
#include <kernel/uaccess.h>
#include <mm/slab.h>

#define MAX_POLL_ENTRIES 4096

/* Entries come in chunks that never move once queued. */
#define POLL_CHUNK 32
struct poll_table_page {
	struct poll_table_page *next;
	int nr;
	struct poll_table_entry e[POLL_CHUNK];
};

void poll_wait(struct file *f, struct wait_queue_head *wq, poll_table *pt)
{
	struct poll_table_page *pg;
	struct poll_table_entry *e;

	if (!pt || !pt->enabled || !wq)
		return;
	pg = pt->pages;
	if (!pg || pg->nr == POLL_CHUNK) {
		if (pt->nr_entries >= MAX_POLL_ENTRIES || !(pg = kmalloc(sizeof(*pg), 0))) {
			pt->error = -ENOMEM;
			return;
		}
		pg->nr = 0;
		pg->next = pt->pages;
		pt->pages = pg;
	}
	e = &pg->e[pg->nr++];
	pt->nr_entries++;
	e->wq = wq;
	e->wait.task = current;
	e->wait.flags = 0;
	e->wait.woken = false;
	INIT_LIST_HEAD(&e->wait.entry);
	prepare_to_wait(wq, &e->wait, TASK_INTERRUPTIBLE);
}

unsigned int vfs_poll(struct file *f, poll_table *pt)
{
	if (!f->f_op->poll)
		return DEFAULT_POLLMASK;
	return f->f_op->poll(f, pt);
}

/* A wake-up takes the entry off its queue (kernel/sched/wait.c): put every
 * entry back before each pass, so a wake-up that found nothing ready does
 * not leave later ones unheard. */
static void poll_rearm(poll_table *pt)
{
	for (struct poll_table_page *pg = pt->pages; pg; pg = pg->next)
		for (int i = 0; i < pg->nr; i++)
			prepare_to_wait(pg->e[i].wq, &pg->e[i].wait, TASK_INTERRUPTIBLE);
}

static void poll_freewait(poll_table *pt)
{
	while (pt->pages) {
		struct poll_table_page *pg = pt->pages;
		for (int i = 0; i < pg->nr; i++)
			finish_wait(pg->e[i].wq, &pg->e[i].wait);
		pt->pages = pg->next;
		kfree(pg);
	}
}

struct pollfd_k {
	int fd;
	short events, revents;
};

/* One pass over fds: fills revents, returns how many are ready. */
static int poll_pass(struct pollfd_k *fds, unsigned int n, poll_table *pt)
{
	int count = 0;

	for (unsigned int i = 0; i < n; i++) {
		struct file *f;
		unsigned int mask;

		fds[i].revents = 0;
		if (fds[i].fd < 0)
			continue;
		f = fget(fds[i].fd);
		if (!f) {
			mask = POLLNVAL;
		} else {
			mask = vfs_poll(f, pt);
			fput(f);
			mask &= (unsigned short)fds[i].events | POLLERR | POLLHUP;
		}
		fds[i].revents = (short)mask;
		if (mask)
			count++;
	}
	return count;
}

/* timeout_ns < 0: forever.  Returns the count, 0 on timeout or
 * -ERESTARTNOHAND. */
static int do_poll(struct pollfd_k *fds, unsigned int n, s64 timeout_ns)
{
	poll_table pt = { .enabled = timeout_ns != 0 };
	u64 deadline = timeout_ns > 0 ? ktime_get_ns() + (u64)timeout_ns : 0;
	int count;

	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		poll_rearm(&pt);
		count = poll_pass(fds, n, &pt);
		pt.enabled = false;
		if (count || !timeout_ns || pt.error)
			break;
		if (signal_pending(current)) {
			count = -ERESTARTNOHAND;
			break;
		}
		if (timeout_ns < 0) {
			schedule();
		} else {
			u64 now = ktime_get_ns();
			if (now >= deadline)
				break;
			schedule_timeout(deadline - now);
		}
	}
	set_current_state(TASK_RUNNING);
	poll_freewait(&pt);
	if (!count && pt.error)
		return pt.error;
	return count;
}

static long poll_common(void *ufds, unsigned long nfds, s64 timeout_ns)
{
	struct pollfd_k *fds;
	long r;

	if (nfds > NR_OPEN_DEFAULT)
		return -EINVAL;
	fds = kmalloc(MAX(nfds, 1UL) * sizeof(*fds), 0);
	if (!fds)
		return -ENOMEM;
	if (copy_from_user(fds, ufds, nfds * sizeof(*fds))) {
		kfree(fds);
		return -EFAULT;
	}
	r = do_poll(fds, (unsigned int)nfds, timeout_ns);
	if (r >= 0)
		for (unsigned long i = 0; i < nfds; i++)
			if (copy_to_user((char *)ufds + i * sizeof(*fds) + 6, &fds[i].revents, 2)) {
				r = -EFAULT;
				break;
			}
	kfree(fds);
	return r;
}

SYSCALL_DEFINE(__NR_poll, poll)
{
	int ms = (int)a2;
	return poll_common((void *)a0, (unsigned long)a1,
			   ms < 0 ? -1 : (s64)ms * (s64)NSEC_PER_MSEC);
}

/* struct timespec from user: -1 for NULL (forever). */
static int get_timespec_ns(const void *uts, s64 *ns)
{
	s64 t[2];

	if (!uts) {
		*ns = -1;
		return 0;
	}
	if (copy_from_user(t, uts, sizeof(t)))
		return -EFAULT;
	if (t[0] < 0 || t[1] < 0 || t[1] >= (s64)NSEC_PER_SEC)
		return -EINVAL;
	*ns = t[0] > 1000000000LL ? (s64)1 << 62 : t[0] * (s64)NSEC_PER_SEC + t[1];
	return 0;
}

SYSCALL_DEFINE(__NR_ppoll, ppoll)
{
	s64 ns;
	long r = get_timespec_ns((const void *)a2, &ns);

	if (!r)
		r = set_user_sigmask((const void *)a3, (size_t)a4);
	if (r)
		return r;
	r = poll_common((void *)a0, (unsigned long)a1, ns);
	restore_saved_sigmask_unless(r == -ERESTARTNOHAND);
	return r;
}

/* ---- select: fd_set bitmaps turned into one poll pass per fd ---- */

#define POLLIN_SET (POLLIN | POLLRDNORM | POLLHUP | POLLERR)
#define POLLOUT_SET (POLLOUT | POLLWRNORM | POLLERR)
#define POLLEX_SET (POLLPRI)

static long do_select(int n, void *uin, void *uout, void *uex, s64 timeout_ns)
{
	size_t bytes = ALIGN_UP((size_t)n, 64) / 8;
	unsigned long *in, *out, *ex, *rin, *rout, *rex;
	struct pollfd_k *fds = NULL;
	unsigned int nfds = 0;
	long r;

	if (n < 0)
		return -EINVAL;
	if (n > NR_OPEN_DEFAULT)
		n = NR_OPEN_DEFAULT;
	bytes = ALIGN_UP((size_t)n, 64) / 8;
	in = kzalloc(6 * bytes + 8, 0);
	if (!in)
		return -ENOMEM;
	out = in + bytes / 8;
	ex = out + bytes / 8;
	rin = ex + bytes / 8;
	rout = rin + bytes / 8;
	rex = rout + bytes / 8;
	r = -EFAULT;
	if ((uin && copy_from_user(in, uin, bytes)) || (uout && copy_from_user(out, uout, bytes)) ||
	    (uex && copy_from_user(ex, uex, bytes)))
		goto out;
	fds = kmalloc(MAX(n, 1) * sizeof(*fds), 0);
	r = -ENOMEM;
	if (!fds)
		goto out;
	for (int fd = 0; fd < n; fd++) {
		unsigned long bit = 1UL << (fd % 64);
		short ev = 0;
		if (in[fd / 64] & bit)
			ev |= POLLIN_SET;
		if (out[fd / 64] & bit)
			ev |= POLLOUT_SET;
		if (ex[fd / 64] & bit)
			ev |= POLLEX_SET;
		if (ev) {
			fds[nfds].fd = fd;
			fds[nfds].events = ev;
			nfds++;
		}
	}
	r = do_poll(fds, nfds, timeout_ns);
	if (r < 0)
		goto out;
	r = 0;
	for (unsigned int i = 0; i < nfds; i++) {
		int fd = fds[i].fd;
		unsigned long bit = 1UL << (fd % 64);
		short rev = fds[i].revents;
		if (rev & POLLNVAL) {
			r = -EBADF;
			goto out;
		}
		if ((rev & POLLIN_SET) && (fds[i].events & POLLIN)) {
			rin[fd / 64] |= bit;
			r++;
		}
		if ((rev & POLLOUT_SET) && (fds[i].events & POLLOUT)) {
			rout[fd / 64] |= bit;
			r++;
		}
		if ((rev & POLLEX_SET) && (fds[i].events & POLLPRI)) {
			rex[fd / 64] |= bit;
			r++;
		}
	}
	if ((uin && copy_to_user(uin, rin, bytes)) || (uout && copy_to_user(uout, rout, bytes)) ||
	    (uex && copy_to_user(uex, rex, bytes)))
		r = -EFAULT;
out:
	kfree(fds);
	kfree(in);
	return r;
}

SYSCALL_DEFINE(__NR_select, select)
{
	s64 ns = -1;
	void *utv = (void *)a4;
	u64 start = ktime_get_ns();
	long r;

	if (utv) {
		s64 tv[2];
		if (copy_from_user(tv, utv, sizeof(tv)))
			return -EFAULT;
		if (tv[0] < 0 || tv[1] < 0)
			return -EINVAL;
		ns = tv[0] * (s64)NSEC_PER_SEC + (tv[1] % 1000000) * (s64)NSEC_PER_USEC;
	}
	r = do_select((int)a0, (void *)a1, (void *)a2, (void *)a3, ns);
	if (utv && r >= 0) { /* Linux writes back the time left */
		s64 left = ns - (s64)(ktime_get_ns() - start), tv[2];
		if (left < 0)
			left = 0;
		tv[0] = left / (s64)NSEC_PER_SEC;
		tv[1] = (left % (s64)NSEC_PER_SEC) / (s64)NSEC_PER_USEC;
		copy_to_user(utv, tv, sizeof(tv));
	}
	return r;
}

SYSCALL_DEFINE(__NR_pselect6, pselect6)
{
	u64 sig[2] = { 0, 0 }; /* { const sigset_t *ss; size_t ss_len; } */
	s64 ns;
	long r = get_timespec_ns((const void *)a4, &ns);

	if (!r && a5 && copy_from_user(sig, (void *)a5, sizeof(sig)))
		r = -EFAULT;
	if (!r)
		r = set_user_sigmask((const void *)sig[0], (size_t)sig[1]);
	if (r)
		return r;
	r = do_select((int)a0, (void *)a1, (void *)a2, (void *)a3, ns);
	restore_saved_sigmask_unless(r == -ERESTARTNOHAND);
	return r;
}

/* ---- self-test: a poll sleeps until a pipe write wakes it, or times out ---- */

#include <kernel/ktest.h>

struct late_write {
	struct file *f;
};

static int late_writer(void *arg)
{
	struct late_write *w = arg;

	msleep(50);
	kernel_write(w->f, "!", 1, NULL);
	return 0;
}

static char buf4k[4096];

static int drain_twice(void *arg)
{
	struct late_write *w = arg;

	msleep(30);
	kernel_read(w->f, buf4k, 1, NULL); /* wakes writers, still not writable */
	msleep(30);
	kernel_read(w->f, buf4k, sizeof(buf4k), NULL);
	return 0;
}

KTEST(fs_poll_wakeup)
{
	struct files_struct *saved = current->files;
	struct file *p[2];
	struct pollfd_k fds[2];
	struct late_write w;
	struct task_struct *th;
	u64 t0;
	int r;

	current->files = files_alloc();
	KT_ASSERT(t, current->files && create_pipe_files(p, 0) == 0, "setup");
	fds[0].fd = fd_install_min(current->files, p[0], 0, false);
	fds[1].fd = 77; /* not open */
	fds[0].events = fds[1].events = POLLIN;
	/* nothing to read: times out after about 100 ms */
	t0 = ktime_get_ns();
	r = do_poll(fds, 1, 100 * (s64)NSEC_PER_MSEC);
	KT_ASSERT(t, r == 0 && ktime_get_ns() - t0 >= 90 * NSEC_PER_MSEC, "timeout: %d", r);
	/* a writer 50 ms later wakes the poll */
	w.f = p[1];
	th = kthread_run(late_writer, &w, "kt_pollw");
	t0 = ktime_get_ns();
	r = do_poll(fds, 1, -1);
	KT_ASSERT(t, r == 1 && (fds[0].revents & POLLIN), "woken: %d %#x", r, fds[0].revents);
	KT_ASSERT(t, ktime_get_ns() - t0 < 2 * NSEC_PER_SEC, "promptly");
	kthread_join(th);
	r = do_poll(fds, 2, 0);
	KT_ASSERT(t, r == 2 && fds[1].revents == POLLNVAL, "bad fd: POLLNVAL (%d)", r);
	/* a full pipe: a 1-byte read wakes the writer side without making it
	 * writable (PIPE_BUF of room needed); a later big read must still
	 * wake the poll */
	struct file *q[2];
	KT_ASSERT(t, create_pipe_files(q, O_NONBLOCK) == 0, "second pipe");
	while (kernel_write(q[1], buf4k, sizeof(buf4k), NULL) > 0)
		;
	fds[0].fd = fd_install_min(current->files, q[1], 0, false);
	fds[0].events = POLLOUT;
	w.f = q[0];
	th = kthread_run(drain_twice, &w, "kt_polld");
	t0 = ktime_get_ns();
	r = do_poll(fds, 1, 3 * (s64)NSEC_PER_SEC);
	KT_ASSERT(t, r == 1 && (fds[0].revents & POLLOUT), "writable: %d", r);
	KT_ASSERT(t, ktime_get_ns() - t0 < NSEC_PER_SEC,
		  "woken, not timed out, after a spurious wake");
	kthread_join(th);
	fput(q[0]);
	fput(p[1]);
	put_files(current->files);
	current->files = saved;
}
