/*
 * test_pipe.c - self-tests of pipes (ktest=fs): data through, EOF, EPIPE,
 * O_NONBLOCK, a reader sleeping until a writer comes, PIPE_BUF atomicity
 * with two writers, and a transfer far larger than the buffer.
 */
#include "internal.h"
#include <kernel/atomic.h>
#include <kernel/ktest.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <kernel/time.h>
#include <mm/slab.h>

KTEST(fs_pipe_basic)
{
	struct file *p[2];
	char buf[16];

	KT_ASSERT(t, create_pipe_files(p, 0) == 0, "pipe");
	KT_ASSERT(t, kernel_write(p[1], "hello", 5, NULL) == 5, "write");
	KT_ASSERT(t, (vfs_poll(p[0], NULL) & POLLIN) && (vfs_poll(p[1], NULL) & POLLOUT), "poll");
	KT_ASSERT(t, kernel_read(p[0], buf, 3, NULL) == 3 && !memcmp(buf, "hel", 3), "read part");
	KT_ASSERT(t, kernel_read(p[0], buf, 16, NULL) == 2 && !memcmp(buf, "lo", 2), "read rest");
	KT_ASSERT(t, kernel_write(p[0], "x", 1, NULL) == -EBADF, "read end cannot write");
	KT_ASSERT(t, vfs_llseek(p[0], 0, SEEK_SET) == -ESPIPE, "pipes do not seek");
	fput(p[1]);
	KT_ASSERT(t, kernel_read(p[0], buf, 16, NULL) == 0, "EOF once the writer is gone");
	KT_ASSERT(t, vfs_poll(p[0], NULL) & POLLHUP, "POLLHUP");
	fput(p[0]);
	/* no reader: EPIPE (and SIGPIPE, which a kernel thread ignores) */
	KT_ASSERT(t, create_pipe_files(p, O_NONBLOCK) == 0, "pipe2");
	KT_ASSERT(t, kernel_read(p[0], buf, 16, NULL) == -EAGAIN, "EAGAIN when empty");
	fput(p[0]);
	KT_ASSERT(t, kernel_write(p[1], "x", 1, NULL) == -EPIPE, "EPIPE");
	KT_ASSERT(t, vfs_poll(p[1], NULL) & POLLERR, "POLLERR");
	fput(p[1]);
}

KTEST(fs_pipe_nonblock_full)
{
	struct file *p[2];
	char *buf = kmalloc(PIPE_BUF, 0);
	size_t total = 0;
	ssize_t n;

	KT_ASSERT(t, buf && create_pipe_files(p, O_NONBLOCK) == 0, "pipe");
	memset(buf, 'q', PIPE_BUF);
	while ((n = kernel_write(p[1], buf, PIPE_BUF, NULL)) > 0)
		total += (size_t)n;
	KT_ASSERT(t, n == -EAGAIN && total == 65536, "fills to 64 KiB then EAGAIN (%zu)", total);
	KT_ASSERT(t, !(vfs_poll(p[1], NULL) & POLLOUT), "full: not writable");
	KT_ASSERT(t, kernel_read(p[0], buf, 100, NULL) == 100, "drain a little");
	/* 100 bytes of room: an atomic write of PIPE_BUF must not go in part */
	KT_ASSERT(t, kernel_write(p[1], buf, PIPE_BUF, NULL) == -EAGAIN, "PIPE_BUF all or nothing");
	KT_ASSERT(t, kernel_write(p[1], buf, 50, NULL) == 50, "small write fits");
	fput(p[0]);
	fput(p[1]);
	kfree(buf);
}

struct pipe_job {
	struct file *f;
	char fill;
	size_t bytes;
	u64 delay_ms;
	ssize_t result;
};

static int pipe_writer(void *arg)
{
	struct pipe_job *j = arg;
	char *buf = kmalloc(PIPE_BUF, 0);
	size_t done = 0;

	if (j->delay_ms)
		msleep(j->delay_ms);
	memset(buf, j->fill, PIPE_BUF);
	while (done < j->bytes) {
		ssize_t n = kernel_write(j->f, buf, MIN((size_t)PIPE_BUF, j->bytes - done), NULL);
		if (n <= 0) {
			j->result = n;
			kfree(buf);
			return 1;
		}
		done += (size_t)n;
	}
	j->result = (ssize_t)done;
	kfree(buf);
	return 0;
}

KTEST(fs_pipe_blocking_reader)
{
	struct file *p[2];
	struct pipe_job j = { .fill = 'w', .bytes = 10, .delay_ms = 50 };
	struct task_struct *th;
	char buf[16];
	u64 t0 = ktime_get_ns();

	KT_ASSERT(t, create_pipe_files(p, 0) == 0, "pipe");
	j.f = p[1];
	th = kthread_run(pipe_writer, &j, "kt_pipew");
	KT_ASSERT(t, kernel_read(p[0], buf, 16, NULL) == 10, "the reader slept until data came");
	KT_ASSERT(t, ktime_get_ns() - t0 >= 40 * NSEC_PER_MSEC, "it did sleep");
	kthread_join(th);
	fput(p[0]);
	fput(p[1]);
}

KTEST(fs_pipe_atomic_writers)
{
	enum { CHUNKS = 64 };
	struct file *p[2];
	struct pipe_job a = { .fill = 'A', .bytes = CHUNKS * PIPE_BUF };
	struct pipe_job b = { .fill = 'B', .bytes = CHUNKS * PIPE_BUF };
	struct task_struct *ta, *tb;
	char *buf = kmalloc(PIPE_BUF, 0);
	size_t got = 0, in_chunk = 0;
	char cur = 0;

	KT_ASSERT(t, buf && create_pipe_files(p, 0) == 0, "pipe");
	a.f = b.f = p[1];
	ta = kthread_run(pipe_writer, &a, "kt_pipeA");
	tb = kthread_run(pipe_writer, &b, "kt_pipeB");
	/* every PIPE_BUF-sized write arrives whole: 4096 equal bytes in a row */
	while (got < 2 * CHUNKS * PIPE_BUF) {
		ssize_t n = kernel_read(p[0], buf, 1000, NULL);
		KT_ASSERT(t, n > 0, "read %ld", n);
		for (ssize_t i = 0; i < n; i++) {
			if (in_chunk == 0)
				cur = buf[i];
			KT_ASSERT(t, buf[i] == cur, "interleaved write at byte %zu",
				  got + (size_t)i);
			in_chunk = (in_chunk + 1) % PIPE_BUF;
		}
		got += (size_t)n;
	}
	kthread_join(ta);
	kthread_join(tb);
	KT_ASSERT(t, a.result == (ssize_t)a.bytes && b.result == (ssize_t)b.bytes, "writers done");
	fput(p[1]);
	KT_ASSERT(t, kernel_read(p[0], buf, 16, NULL) == 0, "EOF");
	fput(p[0]);
	kfree(buf);
}

KTEST(fs_pipe_big_transfer)
{
	struct file *p[2];
	struct pipe_job j = { .fill = 'z', .bytes = 1 << 20 };
	struct task_struct *th;
	char *buf = kmalloc(8192, 0);
	size_t got = 0;
	ssize_t n;

	KT_ASSERT(t, buf && create_pipe_files(p, 0) == 0, "pipe");
	j.f = p[1];
	th = kthread_run(pipe_writer, &j, "kt_pipebig");
	while ((n = kernel_read(p[0], buf, 8192, NULL)) > 0) {
		for (ssize_t i = 0; i < n; i++)
			KT_ASSERT(t, buf[i] == 'z', "data");
		got += (size_t)n;
		if (got == j.bytes)
			break;
	}
	kthread_join(th);
	KT_ASSERT(t, got == j.bytes && j.result == (ssize_t)j.bytes, "moved %zu", got);
	fput(p[0]);
	fput(p[1]);
	kfree(buf);
}

static int fifo_writer(void *arg)
{
	struct file *f = filp_open("/tmp/kt_fifo", O_WRONLY, 0); /* waits for the reader */
	s64 pos = 0;

	if (IS_ERR(f))
		return 1;
	kernel_write(f, "through", 7, &pos);
	fput(f);
	return 0;
}

KTEST(fs_fifo)
{
	struct task_struct *th;
	struct file *f;
	char buf[16];

	do_mkdirat(AT_FDCWD, "/tmp", 01777);
	KT_ASSERT(t, do_mknodat(AT_FDCWD, "/tmp/kt_fifo", S_IFIFO | 0600, 0) == 0, "mkfifo");
	f = filp_open("/tmp/kt_fifo", O_WRONLY | O_NONBLOCK, 0);
	KT_ASSERT(t, PTR_ERR(f) == -ENXIO, "O_NONBLOCK writer without a reader: ENXIO");
	th = kthread_run(fifo_writer, NULL, "kt_fifow");
	f = filp_open("/tmp/kt_fifo", O_RDONLY, 0); /* waits for the writer */
	KT_ASSERT(t, !IS_ERR(f), "open for reading: %ld", PTR_ERR(f));
	KT_ASSERT(t, kernel_read(f, buf, sizeof(buf), NULL) == 7 && !memcmp(buf, "through", 7),
		  "data through the FIFO");
	KT_ASSERT(t, kthread_join(th) == 0, "writer");
	KT_ASSERT(t, kernel_read(f, buf, sizeof(buf), NULL) == 0, "EOF after the writer closed");
	fput(f);
	KT_ASSERT(t, do_unlinkat(AT_FDCWD, "/tmp/kt_fifo") == 0, "rm");
}
