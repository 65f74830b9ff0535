/*
 * dio_mmap.c - O_DIRECT against mmap on ext2, from user space (issue 6
 * scenarios 1, 2, 3, 7 and 9).  Run on a mounted ext2 directory:
 *   /scenarios/dio_mmap /mnt
 * Each step checks the bytes that end up in memory and on the file; the
 * program exits 0 only if all of them are right (no error, no hang).
 * An optional second argument picks scenarios, e.g. "2" or "1,7": the
 * naive= runs (tests/vm/scenario-dio-naive.sh) use it to run only the one
 * that their broken design breaks: naive=fdm deadlocks in 2, and
 * naive=nodio-lock makes 7 print "stale" and fail.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "t.h"

#define SZ (64 * 1024)

static char path_a[256], path_b[256];

static int make_file(const char *path, char fill, size_t size)
{
	char *buf = malloc(size);
	int fd = open(path, O_CREAT | O_TRUNC | O_RDWR, 0644);

	memset(buf, fill, size);
	CHECK(fd >= 0 && write(fd, buf, size) == (ssize_t)size, "create %s", path);
	fsync(fd);
	free(buf);
	return fd;
}

static int all_are(const char *p, char c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != c)
			return 0;
	return 1;
}

/* 1: O_DIRECT read of file A into a MAP_SHARED mapping of file B, and
 * O_DIRECT write from it. */
static void scenario_other_mapping(void)
{
	int a = make_file(path_a, 'A', SZ), b = make_file(path_b, 'B', SZ);
	int ad = open(path_a, O_RDWR | O_DIRECT);
	char *mb = mmap(NULL, SZ, PROT_READ | PROT_WRITE, MAP_SHARED, b, 0);

	CHECK(ad >= 0 && mb != MAP_FAILED, "open/mmap");
	CHECK(pread(ad, mb, SZ, 0) == SZ, "O_DIRECT read into B's mapping: %s", strerror(errno));
	CHECK(all_are(mb, 'A', SZ), "B's mapping holds A's bytes");
	msync(mb, SZ, MS_SYNC);
	char chk[16];
	CHECK(pread(b, chk, 16, 4096) == 16 && all_are(chk, 'A', 16), "B on disk holds A's bytes");
	memset(mb, 'b', SZ);
	CHECK(pwrite(ad, mb, SZ, 0) == SZ, "O_DIRECT write from B's mapping: %s", strerror(errno));
	CHECK(pread(a, chk, 16, SZ - 16) == 16 && all_are(chk, 'b', 16),
	      "A holds the written bytes");
	munmap(mb, SZ);
	close(a);
	close(b);
	close(ad);
}

/* 2: O_DIRECT read of F at offset O into a mapping of F at offset O, and
 * an O_DIRECT write of a mapped page onto itself. */
static void scenario_same_range(void)
{
	int f = make_file(path_a, 'F', SZ);
	int fd = open(path_a, O_RDWR | O_DIRECT);
	char *m = mmap(NULL, SZ, PROT_READ | PROT_WRITE, MAP_SHARED, f, 0);

	CHECK(fd >= 0 && m != MAP_FAILED, "open/mmap");
	CHECK(pread(fd, m + 8192, 8192, 8192) == 8192, "read into its own mapping: %s",
	      strerror(errno));
	CHECK(all_are(m, 'F', SZ), "content unchanged");
	memset(m + 4096, 'G', 4096);
	CHECK(pwrite(fd, m + 4096, 4096, 4096) == 4096, "write a mapped page onto itself: %s",
	      strerror(errno));
	char chk[4096];
	int plain = open(path_a, O_RDONLY);
	CHECK(pread(plain, chk, 4096, 4096) == 4096 && all_are(chk, 'G', 4096), "page on file");
	close(plain);
	munmap(m, SZ);
	close(fd);
	close(f);
}

/* 3: non-overlapping ranges of one file through its own mapping. */
static void scenario_disjoint(void)
{
	int f = make_file(path_a, 'x', SZ);
	int fd = open(path_a, O_RDWR | O_DIRECT);
	char *m = mmap(NULL, SZ, PROT_READ | PROT_WRITE, MAP_SHARED, f, 0);

	memset(m, 'y', SZ / 2);
	CHECK(pwrite(fd, m, SZ / 2, SZ / 2) == SZ / 2, "write first half over second: %s",
	      strerror(errno));
	CHECK(all_are(m + SZ / 2, 'y', SZ / 2), "mapping of the second half sees the write");
	CHECK(pread(fd, m, SZ / 4, 3 * SZ / 4) == SZ / 4, "read back into first quarter");
	CHECK(all_are(m, 'y', SZ / 4), "first quarter");
	munmap(m, SZ);
	close(fd);
	close(f);
}

/* 7: coherence both ways. */
static void scenario_coherence(void)
{
	char *buf;
	int f = make_file(path_a, '0', SZ);
	int fd = open(path_a, O_RDWR | O_DIRECT);

	if (posix_memalign((void **)&buf, 4096, SZ) != 0)
		return;
	CHECK(pwrite(f, "buffered", 8, 0) == 8, "buffered write");
	CHECK(pread(fd, buf, 4096, 0) == 4096 && !memcmp(buf, "buffered", 8),
	      "O_DIRECT read sees a buffered write");
	memset(buf, 'd', 4096);
	CHECK(pwrite(fd, buf, 4096, 8192) == 4096, "O_DIRECT write");
	char chk[8];
	CHECK(pread(f, chk, 8, 8192) == 8 && all_are(chk, 'd', 8), "read() sees O_DIRECT write");
	char *m = mmap(NULL, SZ, PROT_READ | PROT_WRITE, MAP_SHARED, f, 0);
	CHECK(all_are(m + 8192, 'd', 4096), "mmap sees O_DIRECT write");
	memset(m + 16384, 'm', 4096); /* no msync */
	CHECK(pread(fd, buf, 4096, 16384) == 4096 && all_are(buf, 'm', 4096),
	      "O_DIRECT read sees an mmap write without msync");
	munmap(m, SZ);
	free(buf);
	close(fd);
	close(f);
}

/* 7, stale page: an O_DIRECT write of file pages 3-4 from a buffer whose
 * first page is anonymous (new data for page 3) and whose second page maps
 * file page 3 itself.  The gup of that second page faults page 3 back into
 * the cache; only BLOCK keeps that from happening between the write's
 * invalidation and its completion.  A later read() of page 3 must return
 * the new data, not the old page. */
static void scenario_stale(void)
{
	int f = make_file(path_a, '7', 5 * 4096);
	int fd = open(path_a, O_RDWR | O_DIRECT);
	char *m = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, f, 0);
	char *a = mmap(m + 2 * 4096, 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	char chk[4096];

	CHECK(fd >= 0 && m != MAP_FAILED && a == m + 2 * 4096, "open/mmap");
	memset(a, '8', 4096);
	CHECK(pwrite(fd, a, 2 * 4096, 3 * 4096) == 2 * 4096, "O_DIRECT write: %s", strerror(errno));
	CHECK(pread(f, chk, 4096, 3 * 4096) == 4096, "read page 3");
	if (!all_are(chk, '8', 4096))
		printf("dio_mmap: stale: read() after an O_DIRECT write returns the old page\n");
	CHECK(all_are(chk, '8', 4096), "read() sees the O_DIRECT write");
	munmap(m, 4 * 4096);
	close(fd);
	close(f);
}

/* 9: O_DIRECT read of a hole into a mapping of the same file's hole. */
static void scenario_hole(void)
{
	int f = open(path_a, O_CREAT | O_TRUNC | O_RDWR, 0644);
	int fd = open(path_a, O_RDWR | O_DIRECT);

	CHECK(ftruncate(f, SZ) == 0, "sparse file");
	char *m = mmap(NULL, SZ, PROT_READ | PROT_WRITE, MAP_SHARED, f, 0);
	CHECK(pread(fd, m + 4096, 8192, 32768) == 8192, "hole into hole: %s", strerror(errno));
	CHECK(all_are(m, 0, SZ), "zeros everywhere");
	munmap(m, SZ);
	close(fd);
	close(f);
}

static int wanted(const char *list, int n)
{
	char buf[64];

	if (!list)
		return 1;
	snprintf(buf, sizeof(buf), "%s", list);
	for (char *t = strtok(buf, ","); t; t = strtok(NULL, ","))
		if (atoi(t) == n)
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "/mnt";
	const char *list = argc > 2 ? argv[2] : NULL;

	t_start("dio_mmap");
	snprintf(path_a, sizeof(path_a), "%s/dio_a", dir);
	snprintf(path_b, sizeof(path_b), "%s/dio_b", dir);
	if (wanted(list, 1))
		scenario_other_mapping();
	if (wanted(list, 2))
		scenario_same_range();
	if (wanted(list, 3))
		scenario_disjoint();
	if (wanted(list, 7)) {
		scenario_coherence();
		scenario_stale();
	}
	if (wanted(list, 9))
		scenario_hole();
	return t_done();
}
