/*
 * t_faults.c - page-fault accounting and what a file fault maps and reads:
 *   - getrusage's ru_minflt counts one fault per page of anonymous memory,
 *     and a child's faults reach RUSAGE_CHILDREN once it is reaped;
 *   - fault-around: after one read fault on a cached file page, the other
 *     pages of its aligned 16-page (64 KiB) window are mapped without
 *     faults (Linux's default fault_around_bytes is the same);
 *   - with --cold: after posix_fadvise(DONTNEED) drops the file's clean
 *     pages, the first touch is a major fault and reads the pages around
 *     it, so touching the next 31 pages costs no other major fault.
 * Usage: t_faults [DIR [--cold]]  (default /t_faults.d on the initramfs;
 * tests/vm/ext2-tree.sh runs it with --cold on ext2)
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "t.h"

#define PG 4096
#define NPAGES 64

static long minflt(int who)
{
	struct rusage r;

	getrusage(who, &r);
	return r.ru_minflt;
}

static long majflt(void)
{
	struct rusage r;

	getrusage(RUSAGE_SELF, &r);
	return r.ru_majflt;
}

static void test_anon(void)
{
	char *p = mmap(NULL, 16 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	long before, after;
	int status;

	CHECK(p != MAP_FAILED, "mmap");
	before = minflt(RUSAGE_SELF);
	for (int i = 0; i < 16; i++)
		p[i * PG] = 1;
	after = minflt(RUSAGE_SELF);
	CHECK(after - before >= 16 && after - before <= 18, "16 anonymous pages: %ld faults",
	      after - before);
	before = minflt(RUSAGE_CHILDREN);
	pid_t pid = fork();
	if (pid == 0) {
		char *q = mmap(NULL, 32 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			       -1, 0);
		for (int i = 0; i < 32; i++)
			q[i * PG] = 1;
		_exit(0);
	}
	waitpid(pid, &status, 0);
	after = minflt(RUSAGE_CHILDREN);
	CHECK(after - before >= 32, "a reaped child's 32 pages: %ld faults for the children",
	      after - before);
	munmap(p, 16 * PG);
}

/* The first 64 KiB-aligned address inside [p, p + len). */
static volatile char *window(char *p)
{
	return (volatile char *)(((uintptr_t)p + 16 * PG - 1) & ~(uintptr_t)(16 * PG - 1));
}

static void test_file(const char *dir, int cold)
{
	char path[300], *buf = malloc(NPAGES * PG), *p;
	volatile char *w;
	long before, after, sum = 0;
	int fd;

	snprintf(path, sizeof(path), "%s/t_faults.file", dir);
	fd = T_SYS(open(path, O_CREAT | O_RDWR | O_TRUNC, 0644));
	for (int i = 0; i < NPAGES * PG; i++)
		buf[i] = (char)(i / PG + 1);
	CHECK(write(fd, buf, NPAGES * PG) == NPAGES * PG, "write");
	p = mmap(NULL, NPAGES * PG, PROT_READ, MAP_SHARED, fd, 0);
	CHECK(p != MAP_FAILED, "mmap");
	/* fault-around: cached pages */
	w = window(p);
	before = minflt(RUSAGE_SELF);
	sum += w[0];
	after = minflt(RUSAGE_SELF);
	CHECK(after - before == 1, "the first touch is one fault: %ld", after - before);
	before = after;
	for (int i = 1; i < 16; i++)
		sum += w[i * PG];
	after = minflt(RUSAGE_SELF);
	CHECK(after == before, "its 15 neighbours were mapped by fault-around: %ld faults",
	      after - before);
	CHECK(sum == 16 * (((w - (volatile char *)p) / PG) + 1) + 120, "data: %ld", sum);
	munmap(p, NPAGES * PG);
	if (cold) {
		/* clean, unmapped: DONTNEED drops them; the next touch reads */
		T_SYS(fsync(fd));
		CHECK(posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED) == 0, "DONTNEED");
		p = mmap(NULL, NPAGES * PG, PROT_READ, MAP_SHARED, fd, 0);
		CHECK(p != MAP_FAILED, "mmap");
		before = majflt();
		sum = 0;
		for (int i = 0; i < 32; i++)
			sum += p[i * PG];
		after = majflt();
		CHECK(after - before == 1,
		      "32 pages after DONTNEED: %ld major faults (read-around)", after - before);
		CHECK(sum == 32 * 33 / 2, "data after a cold fault: %ld", sum);
		munmap(p, NPAGES * PG);
	}
	close(fd);
	unlink(path);
	free(buf);
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "/t_faults.d";
	int cold = argc > 2 && !strcmp(argv[2], "--cold");

	t_start("t_faults");
	if (mkdir(dir, 0755) && errno != EEXIST) {
		printf("t_faults: cannot make %s: %s\n", dir, strerror(errno));
		return 1;
	}
	test_anon();
	test_file(dir, cold);
	return t_done();
}
