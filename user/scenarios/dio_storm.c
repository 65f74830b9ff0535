/*
 * dio_storm.c - issue 6 scenario 6 from user space on ext2: a fault storm
 * on a MAP_SHARED mapping of a file against one O_DIRECT writer of it.
 *
 * FAULTERS processes map the 1 MiB file and loop: madvise(MADV_DONTNEED)
 * drops their page-table entries, then every page faults back through
 * filemap_fault, which takes the mapping's ADD state: by one load per page
 * in one of four, by madvise(MADV_POPULATE_READ) in the others (the kernel
 * faults the whole range in a row, so their ADD holds nearly touch: with
 * loads alone the naive lock let the writer through in some runs).
 * Separate processes, so they do not share an mmap_lock and their ADD
 * holds overlap.  The writer (a thread of the parent) O_DIRECT-writes
 * 64 KiB at a time over the file and needs BLOCK for each call.
 *
 * First the writer runs alone (the baseline), then against the storm.
 * Reports the time per O_DIRECT write call (mean and worst) in both.
 * Pass: every contended write finished before the deadline and the worst
 * took under 5 s (the fair lock bounds a wait by the work in flight);
 * both are orderings against a generous wall-clock bound, not a tight
 * duration.  With "expect-starve" (the VM test boots naive=unfair, the
 * lock without handoff) the pass is the opposite: the writer is still
 * short of its writes at the deadline while the faulters kept faulting,
 * and the program prints "dio_storm: writer starved".
 * Usage: /scenarios/dio_storm DIR [WRITES [DEADLINE_S [expect-starve]]]
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "t.h"

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#endif

#define FSZ (1 << 20)
#define WSZ (64 << 10)
#define FAULTERS 8
#define BASELINE 40

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

struct shared {
	volatile int stop;
	volatile unsigned long faults[FAULTERS];
};

static struct shared *sh;
static char path[256];
static int dfd, nwrites;
static char *wbuf;
static volatile int done_writes;
static uint64_t worst_ns, sum_ns;

static unsigned long total_faults(void)
{
	unsigned long n = 0;

	for (int i = 0; i < FAULTERS; i++)
		n += sh->faults[i];
	return n;
}

static void faulter(int id)
{
	int fd = open(path, O_RDONLY);
	volatile char *m = mmap(NULL, FSZ, PROT_READ, MAP_SHARED, fd, 0);
	unsigned long sum = 0;

	if (fd < 0 || m == MAP_FAILED)
		_exit(80);
	/* one fault per page: MADV_RANDOM turns fault-around off here, which
	 * would otherwise map 16 cached pages per fault (a storm 16 times
	 * lighter) */
	madvise((void *)m, FSZ, MADV_RANDOM);
	while (!sh->stop) {
		madvise((void *)m, FSZ, MADV_DONTNEED);
		if (id % 4 != 0) {
			/* the whole mapping faulted back from inside the kernel */
			if (madvise((void *)m, FSZ, MADV_POPULATE_READ) == 0)
				sh->faults[id] += FSZ / 4096;
			continue;
		}
		for (int p = 0; p < FSZ / 4096 && !sh->stop; p++) {
			sum += m[p * 4096];
			sh->faults[id]++;
		}
	}
	_exit(sum == 0xdeadbeef ? 81 : 0);
}

/* one timed O_DIRECT write, cycling over the file */
static void one_write(int i)
{
	uint64_t t0 = now_ns(), dt;

	memset(wbuf, 'A' + i % 26, WSZ);
	if (pwrite(dfd, wbuf, WSZ, (off_t)(i % (FSZ / WSZ)) * WSZ) != WSZ)
		exit(82);
	dt = now_ns() - t0;
	sum_ns += dt;
	if (dt > worst_ns)
		worst_ns = dt;
}

static void *writer(void *arg)
{
	(void)arg;
	for (int i = 0; i < nwrites; i++) {
		one_write(i);
		done_writes = i + 1;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "/mnt";
	int deadline_s = argc > 3 ? atoi(argv[3]) : 60;
	int expect_starve = argc > 4 && !strcmp(argv[4], "expect-starve");
	uint64_t base_mean, base_worst, t_end, t0;
	unsigned long f0, f1;
	pid_t pid[FAULTERS];
	pthread_t wt;
	char *buf;
	int fd, status, finished;

	t_start("dio_storm");
	nwrites = argc > 2 ? atoi(argv[2]) : 200;
	snprintf(path, sizeof(path), "%s/storm", dir);
	fd = open(path, O_CREAT | O_TRUNC | O_RDWR, 0644);
	buf = malloc(FSZ);
	memset(buf, 'z', FSZ);
	CHECK(fd >= 0 && write(fd, buf, FSZ) == FSZ && fsync(fd) == 0, "create %s", path);
	dfd = open(path, O_RDWR | O_DIRECT);
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (posix_memalign((void **)&wbuf, 4096, WSZ) || dfd < 0 || sh == MAP_FAILED) {
		free(buf);
		return 2;
	}

	/* the baseline: the writer alone */
	for (int i = 0; i < BASELINE; i++)
		one_write(i);
	base_mean = sum_ns / BASELINE;
	base_worst = worst_ns;
	printf("dio_storm: uncontended: %d O_DIRECT writes of 64 KiB, mean %llu us, worst %llu us\n",
	       BASELINE, (unsigned long long)(base_mean / 1000),
	       (unsigned long long)(base_worst / 1000));

	/* the storm */
	for (int i = 0; i < FAULTERS; i++) {
		pid[i] = fork();
		if (pid[i] == 0)
			faulter(i);
	}
	while (total_faults() < 2000)
		usleep(10000);
	sum_ns = worst_ns = 0;
	f0 = total_faults();
	t0 = now_ns();
	t_end = t0 + (uint64_t)deadline_s * 1000000000u;
	pthread_create(&wt, NULL, writer, NULL);
	while (done_writes < nwrites && now_ns() < t_end)
		usleep(20000);
	finished = done_writes;
	f1 = total_faults();
	printf("dio_storm: %d faulter processes did %lu faults while the writer did %d/%d writes in %llu ms\n",
	       FAULTERS, f1 - f0, finished, nwrites,
	       (unsigned long long)((now_ns() - t0) / 1000000));
	if (finished < nwrites)
		printf("dio_storm: writer starved: %d/%d O_DIRECT writes after %d s while faulters did %lu faults\n",
		       finished, nwrites, deadline_s, f1 - f0);
	sh->stop = 1;
	pthread_join(wt, NULL);
	for (int i = 0; i < FAULTERS; i++) {
		waitpid(pid[i], &status, 0);
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "faulter %d: status %#x", i,
		      status);
	}
	if (finished == nwrites)
		printf("dio_storm: contended: %d O_DIRECT writes, mean %llu us, worst %llu us (%llu x the uncontended mean)\n",
		       nwrites, (unsigned long long)(sum_ns / nwrites / 1000),
		       (unsigned long long)(worst_ns / 1000),
		       (unsigned long long)(worst_ns / (base_mean ? base_mean : 1)));
	if (expect_starve) {
		CHECK(finished < nwrites && f1 - f0 > 10ul * FAULTERS,
		      "naive lock: writer was not starved (%d/%d writes, %lu faults)", finished,
		      nwrites, f1 - f0);
	} else {
		CHECK(finished == nwrites, "writer did %d/%d writes within %d s", finished, nwrites,
		      deadline_s);
		CHECK(worst_ns < 5000000000ull, "worst O_DIRECT write took %llu ms",
		      (unsigned long long)(worst_ns / 1000000));
		CHECK(f1 - f0 > 0, "faulters made no progress");
	}
	/* the file holds the last write of each 64 KiB slot */
	CHECK(pread(fd, buf, FSZ, 0) == FSZ, "read back");
	for (int s = 0; s < FSZ / WSZ; s++) {
		int last = -1;
		for (int i = 0; i < nwrites; i++)
			if (i % (FSZ / WSZ) == s)
				last = i;
		if (last < 0 || done_writes < nwrites)
			continue;
		int bad = 0;
		for (int k = 0; k < WSZ; k++)
			bad += buf[s * WSZ + k] != 'A' + last % 26;
		CHECK(bad == 0, "slot %d: %d bytes differ from the last write", s, bad);
	}
	free(buf);
	close(fd);
	close(dfd);
	return t_done();
}
