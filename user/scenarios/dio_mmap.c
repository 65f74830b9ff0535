/*
 * dio_mmap.c - O_DIRECT against mmap on ext2, from user space (issue 6
 * scenarios 1, 2, 3, 7 and 9).  Run on a mounted ext2 directory:
 *   /scenarios/dio_mmap /mnt
 * Each step checks the bytes that end up in memory and on the file; the
 * program exits 0 only if all of them are right (no error, no hang).
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

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "/mnt";

	t_start("dio_mmap");
	snprintf(path_a, sizeof(path_a), "%s/dio_a", dir);
	snprintf(path_b, sizeof(path_b), "%s/dio_b", dir);
	scenario_other_mapping();
	scenario_same_range();
	scenario_disjoint();
	scenario_coherence();
	scenario_hole();
	return t_done();
}
