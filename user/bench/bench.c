/*
 * bench.c - the benchmark program that `make bench` (tools/bench) runs on
 * this kernel and on Debian's Linux kernel in the same QEMU.
 *
 * It runs as PID 1 on both (init=/bin/bench here, rdinit=/bin/bench on
 * Linux) and prints machine-readable lines on stdout:
 *   BENCH-START                  printed before any other work (only argv[1]
 *                                is looked at first); the host
 *                                times power-on to this line (metric boot)
 *   BENCH <metric> <value> <unit>  one result
 *   BENCH-BEST <metric> <value> <unit>  after it, for a metric timed in
 *                                batches: the fastest batch (host noise only
 *                                ever slows a batch down)
 *   BENCH-FAIL <metric> <reason>   a metric that could not run (an errno)
 *   BENCH-END <n ok> <n failed> <ms>  the last line before exit, with the
 *                                time since BENCH-START by the guest's clock
 *                                (the host compares it with its own)
 * A unit ending in "/s" is a throughput (higher is better); every other unit
 * is a cost (lower is better).  tools/bench relies on that rule.
 *
 * Each metric calibrates a batch size, then times several batches of about
 * equal length and reports the median batch.  --quick shortens the batches
 * so that a whole run stays within about a second of guest time under TCG
 * (plus the file metrics, which --quick shrinks to an 8 MiB file).
 * The file metrics (seq_*, pread_*, mmap_*, dio_*, create_rate,
 * unlink_rate) run in --disk-dir, which bench mounts itself when given
 * --mount DEV (ext2, with mount(2); on Linux it makes the device node from
 * sysfs when there is none); most are timed once, not in batches
 * (pread_cached_4k and mmap_fault_cached are batched).  They share one file,
 * "seq", in table order: seq_write_1m writes it (generation 0 of a known
 * byte pattern), dio_write_1m overwrites it with generation 1,
 * dio_write_from_mmap with generation 2; every metric that reads checks the
 * bytes and fails with EBADMSG ("Bad message") when they are wrong.
 * A metric that cannot run (ENOSYS, no working clock) prints BENCH-FAIL
 * and the others still run.
 * `bench true` exits 0 at once: the program that fork_exec executes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SAMPLES 5
#define PAGE 4096
#define FAULT_PAGES 256 /* 1 MiB per mmap: never one whole huge page */
#define PIPE_CHUNK 65536

struct metric {
	const char *name;
	const char *unit;
	const char *help;
	int (*run)(double *value);
};

static double sample_ns = 80e6; /* target length of one timed batch */
static double clock_step_ns; /* the clock's granularity, measured */
static double best_ratio; /* fastest batch / median batch of the last time_batches() */
static const char *self = "/bin/bench";
static const char *disk_dir; /* --disk-dir: the file metrics work here */
static const char *disk_dev; /* --mount: mounted (ext2) on disk_dir first */
static const char *disk_fstype; /* the type the mount worked with */
static long file_mib = 32; /* size of the sequential file; 8 with --quick */
static long nfiles = 2000; /* files for create_rate / unlink_rate */

static double now_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts))
		return -1;
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/*
 * The smallest step CLOCK_MONOTONIC moves by (a tick-based clock moves by a
 * whole tick); 0 when it does not work or does not move.
 */
static double clock_step(void)
{
	double t0 = now_ns(), t = t0, best = 1e18;

	for (int k = 0; k < 3 && t0 >= 0; k++) {
		for (long spins = 0; (t = now_ns()) == t0 && spins < 5000000; spins++)
			;
		if (t <= t0)
			return 0;
		if (t - t0 < best)
			best = t - t0;
		t0 = t;
	}
	return t0 >= 0 ? best : 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/*
 * Time fn(n) (n operations; returns 0 or -errno) in SAMPLES batches of at
 * least half of sample_ns and at least 20 clock steps (so a coarse clock
 * costs at most 5%); *per_op gets the median batch time divided by n.
 */
static int time_batches(int (*fn)(long n), long min_n, double *per_op)
{
	double t[SAMPLES], t0, dt, batch = sample_ns / 2;
	long n = min_n;
	int err;

	if (clock_step_ns <= 0)
		return -ENOTSUP; /* no usable CLOCK_MONOTONIC */
	if (batch < 20 * clock_step_ns)
		batch = 20 * clock_step_ns;
	for (;;) { /* calibrate: grow n until one batch is long enough */
		t0 = now_ns();
		if ((err = fn(n)))
			return err;
		dt = now_ns() - t0;
		if (dt >= batch || n >= (1L << 30))
			break;
		n *= dt < batch / 8 ? 8 : 2;
	}
	for (int i = 0; i < SAMPLES; i++) {
		t0 = now_ns();
		if ((err = fn(n)))
			return err;
		t[i] = (now_ns() - t0) / n;
	}
	qsort(t, SAMPLES, sizeof(t[0]), cmp_double);
	*per_op = t[SAMPLES / 2];
	best_ratio = t[0] / t[SAMPLES / 2];
	return 0;
}

static int do_getppid(long n)
{
	for (long i = 0; i < n; i++)
		getppid();
	return 0;
}

static int m_syscall(double *v) { return time_batches(do_getppid, 1024, v); }

static int do_fork_exec(long n)
{
	for (long i = 0; i < n; i++) {
		int status;
		pid_t pid = fork();

		if (pid < 0)
			return -errno;
		if (pid == 0) {
			execl(self, "bench", "true", (char *)NULL);
			_exit(127);
		}
		if (waitpid(pid, &status, 0) != pid)
			return -errno;
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			return -ECHILD;
	}
	return 0;
}

static int m_fork_exec(double *v)
{
	int err = time_batches(do_fork_exec, 1, v);

	*v /= 1000; /* ns -> us */
	return err;
}

static int do_fault(long n)
{
	for (long i = 0; i < n; i++) {
		char *p = mmap(NULL, FAULT_PAGES * PAGE, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			return -errno;
		madvise(p, FAULT_PAGES * PAGE, MADV_NOHUGEPAGE); /* may be ENOSYS */
		for (int j = 0; j < FAULT_PAGES; j++)
			((volatile char *)p)[j * PAGE] = 1;
		if (munmap(p, FAULT_PAGES * PAGE))
			return -errno;
	}
	return 0;
}

static int m_pagefault(double *v)
{
	int err = time_batches(do_fault, 1, v);

	*v /= FAULT_PAGES;
	return err;
}

/* One child reads and discards; the parent writes 64 KiB chunks. */
static int do_pipe(long n)
{
	static char buf[PIPE_CHUNK];
	int fd[2], status, err = 0;
	pid_t pid;

	if (pipe(fd))
		return -errno;
	pid = fork();
	if (pid < 0) {
		err = -errno;
		close(fd[0]);
		close(fd[1]);
		return err;
	}
	if (pid == 0) {
		close(fd[1]);
		while (read(fd[0], buf, sizeof(buf)) > 0)
			;
		_exit(0);
	}
	close(fd[0]);
	for (long i = 0; i < n && !err; i++) {
		for (size_t off = 0; off < sizeof(buf);) {
			ssize_t w = write(fd[1], buf + off, sizeof(buf) - off);
			if (w <= 0) {
				err = w < 0 ? -errno : -EIO;
				break;
			}
			off += w;
		}
	}
	close(fd[1]);
	if (waitpid(pid, &status, 0) != pid && !err)
		err = -errno;
	return err;
}

static int m_pipe(double *v)
{
	double ns_per_chunk;
	int err = time_batches(do_pipe, 4, &ns_per_chunk);

	*v = (PIPE_CHUNK / 1048576.0) / (ns_per_chunk / 1e9);
	return err;
}

static int m_kmem(double *v)
{
	struct sysinfo si;

	if (sysinfo(&si))
		return -errno;
	*v = (double)(si.totalram - si.freeram) * (si.mem_unit ? si.mem_unit : 1) / 1048576.0;
	return 0;
}

/* ---- file metrics (--disk-dir) --------------------------------------------- */

#define BIG (1 << 20)
static char iobuf[BIG];

static int path_in(char *buf, size_t len, const char *name)
{
	if (!disk_dir)
		return -ENODEV;
	snprintf(buf, len, "%s/%s", disk_dir, name);
	return 0;
}

/* Write file_mib MiB in req-byte write()s to a new file, then fsync. */
static int seq_write(size_t req, double *v)
{
	char path[256];
	double t0;
	int fd, err = path_in(path, sizeof(path), "seq");

	if (err)
		return err;
	unlink(path);
	for (size_t i = 0; i < sizeof(iobuf); i++)
		iobuf[i] = (char)(i * 131 + (i >> 12));
	t0 = now_ns();
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return -errno;
	for (long off = 0; off < file_mib * BIG && !err; off += req) {
		ssize_t w = write(fd, iobuf + off % BIG, req);
		if (w != (ssize_t)req)
			err = w < 0 ? -errno : -EIO;
	}
	if (!err && fsync(fd))
		err = -errno;
	if (close(fd) && !err)
		err = -errno;
	*v = file_mib / ((now_ns() - t0) / 1e9);
	return err;
}

/* Read the whole file in req-byte read()s; it must be file_mib MiB long. */
static int seq_read(size_t req, double *v)
{
	char path[256];
	long total = 0;
	double t0;
	ssize_t r;
	int fd, err = path_in(path, sizeof(path), "seq");

	if (err)
		return err;
	t0 = now_ns();
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	while ((r = read(fd, iobuf, req)) > 0)
		total += r;
	if (r < 0)
		err = -errno;
	close(fd);
	*v = file_mib / ((now_ns() - t0) / 1e9);
	if (!err && total != file_mib * BIG)
		err = -EIO;
	return err;
}

static int disk_mount(void)
{
	static const char *types[] = { "ext2", "ext4" };

	for (int i = 0; i < 2; i++) {
		if (disk_fstype && strcmp(disk_fstype, types[i]))
			continue;
		if (mount(disk_dev, disk_dir, types[i], 0, NULL) == 0) {
			disk_fstype = types[i];
			return 0;
		}
	}
	return -errno;
}

/* Unmount and mount again: the portable way to drop the file's cached pages. */
static int disk_remount(void)
{
	if (!disk_dev || !disk_dir)
		return -ENODEV; /* not mounted by us */
	if (umount2(disk_dir, 0))
		return -errno;
	return disk_mount();
}

/* Mount --mount DEV on --disk-dir; make the device node on Linux if needed. */
static int disk_setup(void)
{
	struct stat st;
	char sys[128], line[32];
	const char *name;
	FILE *f;
	unsigned maj, min;

	mkdir(disk_dir, 0755);
	if (!disk_dev)
		return 0;
	name = strrchr(disk_dev, '/') ? strrchr(disk_dev, '/') + 1 : disk_dev;
	snprintf(sys, sizeof(sys), "/sys/block/%s/dev", name);
	/* virtio_blk may still be probing: wait up to 5 s for the device */
	for (int i = 0; i < 50 && stat(disk_dev, &st); i++) {
		mkdir("/sys", 0755);
		mount("sysfs", "/sys", "sysfs", 0, NULL); /* EBUSY after the first time */
		if ((f = fopen(sys, "r"))) {
			if (fgets(line, sizeof(line), f) && sscanf(line, "%u:%u", &maj, &min) == 2)
				mknod(disk_dev, S_IFBLK | 0600, makedev(maj, min));
			fclose(f);
		}
		if (stat(disk_dev, &st))
			usleep(100000);
	}
	return disk_mount();
}

static int m_seq_write_4k(double *v) { return seq_write(4096, v); }
static int m_seq_write_1m(double *v) { return seq_write(BIG, v); }
static int m_seq_read_cached_4k(double *v) { return seq_read(4096, v); }
static int m_seq_read_cached_1m(double *v) { return seq_read(BIG, v); }

static int m_seq_read_cold_4k(double *v)
{
	int err = disk_remount();

	return err ? err : seq_read(4096, v);
}

static int m_seq_read_cold_1m(double *v)
{
	int err = disk_remount();

	return err ? err : seq_read(BIG, v);
}

/* ---- mmap and O_DIRECT metrics (the file "seq" that seq_write_1m wrote) ---- */

#define WRONG_DATA EBADMSG /* BENCH-FAIL ... Bad message: wrong bytes read back */
static char dbuf[BIG] __attribute__((aligned(4096))); /* O_DIRECT buffer */

/* Byte at file offset off of generation gen: 0 is what seq_write wrote,
 * dio_write_1m writes 1, dio_write_from_mmap 2. */
static char pattern(long off, int gen)
{
	long i = off % BIG;
	static const unsigned char x[] = { 0, 0x5a, 0xc3 };

	return (char)((char)(i * 131 + (i >> 12)) ^ x[gen]);
}

static void fill(char *buf, long off, size_t len, int gen)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = pattern(off + (long)i, gen);
}

static int open_in(const char *name, int flags)
{
	char path[256];
	int fd, err = path_in(path, sizeof(path), name);

	if (err)
		return err;
	fd = open(path, flags, 0644);
	return fd < 0 ? -errno : fd;
}

/* Map npages of fd at byte offset off read-only and shared, read one byte
 * per page, unmap.  Returns 0, -errno or -WRONG_DATA. */
static int touch_mapping(int fd, long off, long npages)
{
	const volatile char *p = mmap(NULL, npages * PAGE, PROT_READ, MAP_SHARED, fd, off);
	int bad = 0;

	if (p == MAP_FAILED)
		return -errno;
	for (long j = 0; j < npages; j++)
		bad |= p[j * PAGE] != pattern(off + j * PAGE, 0);
	if (munmap((void *)p, npages * PAGE))
		return -errno;
	return bad ? -WRONG_DATA : 0;
}

static int m_mmap_fault_cold(double *v)
{
	long pages = file_mib * BIG / PAGE;
	double t0;
	int fd, err = disk_remount();

	if (err)
		return err;
	t0 = now_ns();
	if ((fd = open_in("seq", O_RDONLY)) < 0)
		return fd;
	err = touch_mapping(fd, 0, pages);
	close(fd);
	*v = (now_ns() - t0) / pages;
	return err;
}

static int mmap_fd = -1;

static int do_mmap_cached(long n)
{
	static long next; /* MiB of the file the next map starts at */

	for (long i = 0; i < n; i++) {
		int err = touch_mapping(mmap_fd, next * BIG, FAULT_PAGES);
		if (err)
			return err;
		next = (next + 1) % file_mib;
	}
	return 0;
}

static int m_mmap_fault_cached(double *v)
{
	char buf[1];
	int err;

	if ((mmap_fd = open_in("seq", O_RDONLY)) < 0)
		return mmap_fd;
	/* every page cached first (the file was written or read before) */
	for (long off = 0; off < file_mib * BIG; off += PAGE)
		if (pread(mmap_fd, buf, 1, off) != 1)
			break;
	err = time_batches(do_mmap_cached, 1, v);
	close(mmap_fd);
	*v /= FAULT_PAGES;
	return err;
}

static int pread_fd = -1;

static int do_pread(long n)
{
	static long next; /* page of the first MiB the next pread reads */

	for (long i = 0; i < n; i++) {
		if (pread(pread_fd, iobuf, PAGE, next * PAGE) != PAGE)
			return errno ? -errno : -EIO;
		next = (next + 1) % (BIG / PAGE);
	}
	return 0;
}

static int m_pread_cached_4k(double *v)
{
	int err;

	if ((pread_fd = open_in("seq", O_RDONLY)) < 0)
		return pread_fd;
	err = do_pread(BIG / PAGE); /* cache the first MiB */
	if (!err)
		err = time_batches(do_pread, 16, v);
	fill(dbuf, 5 * PAGE, PAGE, 0);
	if (!err && (pread(pread_fd, iobuf, PAGE, 5 * PAGE) != PAGE || memcmp(iobuf, dbuf, PAGE)))
		err = -WRONG_DATA;
	close(pread_fd);
	return err;
}

/* O_DIRECT pwrite()s (write != 0) or pread()s of file_mib MiB of "seq" in
 * 1 MiB requests from/into buf(off) (at offset off of the file); only the
 * transfers (and fsync) are timed.  *v gets MiB/s. */
static int dio_loop(int write, char *(*buf)(long off), double *v)
{
	double t = 0, t0;
	int fd, err = 0;

	if ((fd = open_in("seq", (write ? O_WRONLY : O_RDONLY) | O_DIRECT)) < 0)
		return fd;
	for (long off = 0; off < file_mib * BIG && !err; off += BIG) {
		char *p = buf(off);
		ssize_t r;

		t0 = now_ns();
		r = write ? pwrite(fd, p, BIG, off) : pread(fd, p, BIG, off);
		t += now_ns() - t0;
		if (r != BIG)
			err = r < 0 ? -errno : -EIO;
		else if (!write && memcmp(p, iobuf, BIG))
			err = -WRONG_DATA; /* iobuf holds the expected MiB */
	}
	t0 = now_ns();
	if (write && !err && fsync(fd))
		err = -errno;
	t += now_ns() - t0;
	close(fd);
	*v = file_mib / (t / 1e9);
	return err;
}

/* A buffered read of all of "seq" must see generation gen (no stale page
 * survived an O_DIRECT write).  Untimed. */
static int check_seq(int gen)
{
	int fd, err = 0;

	if ((fd = open_in("seq", O_RDONLY)) < 0)
		return fd;
	fill(dbuf, 0, BIG, gen);
	for (long off = 0; off < file_mib * BIG && !err; off += BIG)
		if (pread(fd, iobuf, BIG, off) != BIG)
			err = errno ? -errno : -EIO;
		else if (memcmp(iobuf, dbuf, BIG))
			err = -WRONG_DATA;
	close(fd);
	return err;
}

static char *dio_buf(long off) { return dbuf; }

static int m_dio_write_1m(double *v)
{
	int err;

	fill(dbuf, 0, BIG, 1);
	err = dio_loop(1, dio_buf, v);
	return err ? err : check_seq(1);
}

static int m_dio_read_1m(double *v)
{
	fill(iobuf, 0, BIG, 1); /* what dio_write_1m wrote */
	return dio_loop(0, dio_buf, v);
}

static char *dst_map; /* the whole of "dst", MAP_SHARED */

static char *map_buf(long off) { return dst_map + off; }

/* Map "dst" (file_mib MiB, made with buffered writes the first time). */
static int map_dst(void)
{
	struct stat st;
	int fd = open_in("dst", O_RDWR | O_CREAT), err = 0;

	if (fd < 0)
		return fd;
	if (fstat(fd, &st))
		err = -errno;
	for (long off = st.st_size; !err && off < file_mib * BIG; off += BIG) {
		memset(iobuf, 0x11, BIG);
		if (pwrite(fd, iobuf, BIG, off) != BIG)
			err = errno ? -errno : -EIO;
	}
	if (!err && fsync(fd))
		err = -errno;
	if (!err) {
		dst_map = mmap(NULL, file_mib * BIG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (dst_map == MAP_FAILED)
			err = -errno;
	}
	close(fd);
	return err;
}

static int m_dio_read_to_mmap(double *v)
{
	int err = map_dst();

	if (err)
		return err;
	fill(iobuf, 0, BIG, 1); /* "seq" holds generation 1 */
	err = dio_loop(0, map_buf, v); /* also checks each MiB in the mapping */
	munmap(dst_map, file_mib * BIG);
	return err;
}

static int m_dio_write_from_mmap(double *v)
{
	int err = map_dst();

	if (err)
		return err;
	for (long off = 0; off < file_mib * BIG; off += BIG)
		fill(dst_map + off, off, BIG, 2); /* untimed: page_mkwrite etc. */
	err = dio_loop(1, map_buf, v);
	munmap(dst_map, file_mib * BIG);
	return err ? err : check_seq(2);
}

static int create_unlink(int create, double *v)
{
	char dir[256], path[300];
	double t0;
	int err = path_in(dir, sizeof(dir), "many");

	if (err)
		return err;
	if (create && mkdir(dir, 0755) && errno != EEXIST)
		return -errno;
	t0 = now_ns();
	for (long i = 0; i < nfiles; i++) {
		snprintf(path, sizeof(path), "%s/f%05ld", dir, i);
		if (create) {
			int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
			if (fd < 0 || close(fd))
				return -errno;
		} else if (unlink(path)) {
			return -errno;
		}
	}
	*v = nfiles / ((now_ns() - t0) / 1e9);
	return 0;
}

static int m_create_rate(double *v) { return create_unlink(1, v); }
static int m_unlink_rate(double *v) { return create_unlink(0, v); }

/* kmem comes first: it must see memory as boot left it.  The file metrics
 * run in this order: the reads read what seq_write_1m wrote. */
static const struct metric metrics[] = {
	{ "kmem", "MiB",
	  "memory in use right after boot: sysinfo() totalram - freeram (on both kernels)",
	  m_kmem },
	{ "syscall", "ns", "system call round trip: one getppid() call", m_syscall },
	{ "pagefault", "ns",
	  "anonymous page fault, per page: mmap 1 MiB, write one byte per 4 KiB page, munmap",
	  m_pagefault },
	{ "pipe", "MiB/s", "pipe throughput: 64 KiB write()s to a child process that read()s them",
	  m_pipe },
	{ "fork_exec", "us", "fork + execve of this static binary (bench true) + waitpid",
	  m_fork_exec },
	{ "seq_write_4k", "MiB/s",
	  "ext2 sequential write: a new 32 MiB file (8 with --quick) in 4 KiB write()s + fsync",
	  m_seq_write_4k },
	{ "seq_write_1m", "MiB/s", "the same in 1 MiB write()s (after unlinking the first file)",
	  m_seq_write_1m },
	{ "seq_read_cached_4k", "MiB/s", "reading that file back at once in 4 KiB read()s (cached)",
	  m_seq_read_cached_4k },
	{ "seq_read_cached_1m", "MiB/s", "the same in 1 MiB read()s", m_seq_read_cached_1m },
	{ "seq_read_cold_4k", "MiB/s",
	  "4 KiB read()s after umount + mount of the file system (cold: nothing cached)",
	  m_seq_read_cold_4k },
	{ "seq_read_cold_1m", "MiB/s", "the same in 1 MiB read()s, after another umount + mount",
	  m_seq_read_cold_1m },
	{ "pread_cached_4k", "ns",
	  "one 4 KiB pread() of a cached page (the file's first MiB, over and over)",
	  m_pread_cached_4k },
	{ "mmap_fault_cold", "ns",
	  "file page fault, per page: after umount + mount, mmap the file (MAP_SHARED, "
	  "PROT_READ), read 1 byte per 4 KiB page, munmap",
	  m_mmap_fault_cold },
	{ "mmap_fault_cached", "ns",
	  "the same with every page cached: mmap 1 MiB of it, read 1 byte per page, munmap",
	  m_mmap_fault_cached },
	{ "dio_write_1m", "MiB/s",
	  "O_DIRECT overwrite of that file in 1 MiB pwrite()s from an aligned buffer + fsync",
	  m_dio_write_1m },
	{ "dio_read_1m", "MiB/s", "O_DIRECT read of it in 1 MiB pread()s into an aligned buffer",
	  m_dio_read_1m },
	{ "dio_read_to_mmap", "MiB/s",
	  "O_DIRECT 1 MiB pread()s of it into a MAP_SHARED mapping of another ext2 file",
	  m_dio_read_to_mmap },
	{ "dio_write_from_mmap", "MiB/s",
	  "O_DIRECT 1 MiB pwrite()s to it from that mapping (its pages dirty) + fsync",
	  m_dio_write_from_mmap },
	{ "create_rate", "files/s",
	  "open(O_CREAT|O_EXCL) + close of 2000 empty files in one directory", m_create_rate },
	{ "unlink_rate", "files/s", "unlink() of those 2000 files", m_unlink_rate },
};
#define NMETRICS (sizeof(metrics) / sizeof(metrics[0]))

static void usage(void)
{
	printf("usage: bench [--quick] [--setup SCRIPT] [--poweroff] [--disk-dir DIR [--mount DEV]]\n"
	       "             [--repeat N] [METRIC...]\n"
	       "       bench true | --help\n"
	       "Runs the metrics (all by default) and prints \"BENCH <metric> <value> <unit>\".\n"
	       "  --quick          shorter timed batches (less stable)\n"
	       "  --setup SCRIPT   run /bin/busybox sh SCRIPT first (Linux: load modules)\n"
	       "  --poweroff       power off when done (reboot(2)), as busybox poweroff -f\n"
	       "  --disk-dir DIR   run the file metrics (seq_*, pread_*, mmap_*, dio_*, *_rate) in DIR\n"
	       "                   (without: BENCH-FAIL)\n"
	       "  --mount DEV      first mount DEV (ext2) on DIR with mount(2); unmounted at the end\n"
	       "  --repeat N       run the selected metrics N times in turn, one line each (kmem and\n"
	       "                   seq_write_* only the first time: they set the stage)\n"
	       "A file metric whose data read back is wrong fails with \"Bad message\".\n"
	       "metrics (lower is better unless the unit ends in /s):\n");
	printf("  %-20s %-7s %s\n", "boot", "ms",
	       "power-on to the first line of init (BENCH-START), timed by the host");
	for (size_t i = 0; i < NMETRICS; i++)
		printf("  %-20s %-7s %s\n", metrics[i].name, metrics[i].unit, metrics[i].help);
}

static int run_setup(const char *script)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		execl("/bin/busybox", "sh", script, (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/* Under --repeat these run only the first time: kmem (boot state) and the
 * writes that make the file the other file metrics read. */
static int run_once(const char *name)
{
	return !strcmp(name, "kmem") || !strncmp(name, "seq_write", 9);
}

static int selected(char **names, int n, const char *name)
{
	if (n == 0)
		return 1;
	for (int i = 0; i < n; i++)
		if (!strcmp(names[i], name))
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	static const char start[] = "BENCH-START\n";
	const char *setup = NULL;
	char *names[NMETRICS + 1];
	int nnames = 0, poweroff = 0, ok = 0, failed = 0, repeat = 1;
	double t_start;

	if (argc > 1 && !strcmp(argv[1], "true"))
		return 0;
	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		usage();
		return 0;
	}
	write(1, start, sizeof(start) - 1); /* first: the host times boot to here */
	t_start = now_ns();
	if (argv[0] && strchr(argv[0], '/'))
		self = argv[0];
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--quick")) {
			sample_ns = 20e6;
			file_mib = 8;
		} else if (!strcmp(argv[i], "--repeat") && i + 1 < argc) {
			repeat = atoi(argv[++i]);
			if (repeat < 1)
				repeat = 1;
		} else if (!strcmp(argv[i], "--disk-dir") && i + 1 < argc)
			disk_dir = argv[++i];
		else if (!strcmp(argv[i], "--mount") && i + 1 < argc)
			disk_dev = argv[++i];
		else if (!strcmp(argv[i], "--poweroff"))
			poweroff = 1;
		else if (!strcmp(argv[i], "--setup") && i + 1 < argc)
			setup = argv[++i];
		else if (argv[i][0] != '-' && nnames < (int)NMETRICS)
			names[nnames++] = argv[i];
		else {
			fprintf(stderr, "bench: bad argument %s (try --help)\n", argv[i]);
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	if (setup) {
		int r = run_setup(setup);
		if (r)
			printf("BENCH-WARN setup %s exited %d\n", setup, r);
	}
	clock_step_ns = clock_step();
	if (disk_dir) {
		int r = disk_setup();
		if (r) {
			printf("BENCH-WARN mount %s on %s: %s\n", disk_dev, disk_dir, strerror(-r));
			disk_dir = NULL; /* the file metrics fail with ENODEV */
		}
	}
	for (size_t k = 0; k < NMETRICS * repeat; k++) {
		size_t i = k % NMETRICS; /* --repeat: the selected metrics in turn, N times */
		double v = 0;
		int err;

		if (!selected(names, nnames, metrics[i].name))
			continue;
		if (k >= NMETRICS && run_once(metrics[i].name))
			continue;
		best_ratio = 0;
		err = metrics[i].run(&v);
		if (err) {
			printf("BENCH-FAIL %s %s\n", metrics[i].name, strerror(-err));
			failed++;
		} else {
			printf("BENCH %s %.4g %s\n", metrics[i].name, v, metrics[i].unit);
			if (best_ratio > 0) { /* timed in batches: the fastest one too */
				int rate = strstr(metrics[i].unit, "/s") != NULL;
				double best = rate ? v / best_ratio : v * best_ratio;

				printf("BENCH-BEST %s %.4g %s\n", metrics[i].name, best,
				       metrics[i].unit);
			}
			ok++;
		}
	}
	if (disk_dir && disk_dev)
		umount2(disk_dir, 0); /* writes everything back before power-off */
	printf("BENCH-END %d %d %.0f\n", ok, failed, (now_ns() - t_start) / 1e6);
	fflush(stdout);
	if (poweroff) {
		sync();
		reboot(RB_POWER_OFF);
	}
	return failed ? 1 : 0;
}
