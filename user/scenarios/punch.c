/*
 * punch.c - fallocate(FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE) on ext2.
 *
 * 1. The modes: PUNCH_HOLE without KEEP_SIZE and mode 0 (allocation) are
 *    -EOPNOTSUPP, a zero length -EINVAL, a read-only descriptor -EBADF.
 * 2. /punch, 6 MiB (direct, single and double indirect blocks): punches
 *    block 2, blocks 12..1035 (all that the single indirect block maps,
 *    so it goes too), blocks 1100..1199, and bytes 4196..4295 (inside
 *    block 1, zeroed, the block stays).  Zeros in the holes and the
 *    pattern elsewhere, through read(), the mapping and O_DIRECT; the size
 *    is unchanged; st_blocks drops to exactly 413 blocks (411 data, the
 *    double indirect block and its one child).  The host then checks the
 *    block map with debugfs and runs e2fsck -fn.
 * 3. /punch_race, 2 MiB: 40 punches of random ranges (aligned and not)
 *    while one thread faults the mapping in a loop (madvise DONTNEED and
 *    a load per page) and another O_DIRECT-reads the file: every byte
 *    either sees is the pattern or zero, and afterwards the file equals
 *    the shadow (pattern with the punched ranges zeroed).
 * 3 starts with one punch of 16 whole pages alone: st_blocks drops by
 * exactly 16 pages.  With "ramfs" (DIR on ramfs, which has no O_DIRECT and
 * whose st_blocks counts cached pages), runs 1 and 3 without the O_DIRECT
 * reader and checks.
 * Usage: /scenarios/punch DIR [ramfs]
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "t.h"

#ifndef FALLOC_FL_KEEP_SIZE
#define FALLOC_FL_KEEP_SIZE 1
#define FALLOC_FL_PUNCH_HOLE 2
#endif
#define PUNCH (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE)

static char dir[200];
static int no_dio;

static char pat(size_t off) { return (char)(1 + (off * 7 + off / 4096) % 251); }

static int make(const char *path, size_t size, char **shadow)
{
	char *b = malloc(size);
	int fd = open(path, O_CREAT | O_TRUNC | O_RDWR, 0644);

	for (size_t i = 0; i < size; i++)
		b[i] = pat(i);
	CHECK(fd >= 0 && write(fd, b, size) == (ssize_t)size && fsync(fd) == 0, "create %s", path);
	*shadow = b;
	return fd;
}

static int punch(int fd, char *shadow, size_t size, size_t off, size_t len)
{
	int r = fallocate(fd, PUNCH, (off_t)off, (off_t)len);

	CHECK(r == 0, "punch %zu+%zu: %s", off, len, strerror(errno));
	if (off < size)
		memset(shadow + off, 0, (off + len > size ? size : off + len) - off);
	return r;
}

static size_t differ(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return i;
	return (size_t)-1;
}

/* read(), the mapping and O_DIRECT all equal the shadow */
static void check_all(const char *path, int fd, const char *shadow, size_t size)
{
	char *b = malloc(size), *a, *m;
	int dfd = open(path, O_RDONLY | O_DIRECT);
	size_t d;

	if (posix_memalign((void **)&a, 4096, size))
		exit(2);
	CHECK(pread(fd, b, size, 0) == (ssize_t)size, "read %s", path);
	d = differ(b, shadow, size);
	CHECK(d == (size_t)-1, "%s: read() differs at %zu", path, d);
	if (!no_dio) {
		CHECK(dfd >= 0 && pread(dfd, a, size, 0) == (ssize_t)size, "O_DIRECT read %s",
		      path);
		d = differ(a, shadow, size);
		CHECK(d == (size_t)-1, "%s: O_DIRECT read differs at %zu", path, d);
	}
	m = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
	CHECK(m != MAP_FAILED, "mmap");
	d = differ(m, shadow, size);
	CHECK(d == (size_t)-1, "%s: the mapping differs at %zu", path, d);
	munmap(m, size);
	close(dfd);
	free(a);
	free(b);
}

static void modes(void)
{
	char path[256];
	int fd, ro;

	snprintf(path, sizeof(path), "%s/punch_modes", dir);
	fd = open(path, O_CREAT | O_TRUNC | O_RDWR, 0644);
	CHECK(fd >= 0 && ftruncate(fd, 65536) == 0, "create");
	T_ERR(fallocate(fd, FALLOC_FL_PUNCH_HOLE, 0, 4096), EOPNOTSUPP);
	T_ERR(fallocate(fd, 0, 0, 4096), EOPNOTSUPP);
	T_ERR(fallocate(fd, PUNCH, 0, 0), EINVAL);
	T_ERR(fallocate(fd, PUNCH, -4096, 4096), EINVAL);
	ro = open(path, O_RDONLY);
	T_ERR(fallocate(ro, PUNCH, 0, 4096), EBADF);
	CHECK(fallocate(fd, PUNCH, 1 << 20, 4096) == 0, "a punch beyond EOF does nothing");
	close(ro);
	close(fd);
	unlink(path);
}

static void layout(void)
{
	const size_t size = 6 << 20;
	char path[256], *shadow;
	struct stat st0, st;
	int fd;

	snprintf(path, sizeof(path), "%s/punch", dir);
	fd = make(path, size, &shadow);
	fstat(fd, &st0);
	punch(fd, shadow, size, 2 * 4096, 4096);
	punch(fd, shadow, size, 12 * 4096, 1024 * 4096);
	punch(fd, shadow, size, 1100 * 4096, 100 * 4096);
	punch(fd, shadow, size, 4196, 100);
	fstat(fd, &st);
	printf("punch: /punch st_blocks %lld -> %lld (512-byte units), size %lld\n",
	       (long long)st0.st_blocks, (long long)st.st_blocks, (long long)st.st_size);
	CHECK(st.st_size == (off_t)size, "size unchanged");
	CHECK(st0.st_blocks == 1539 * 8, "before: %lld sectors, want %d", (long long)st0.st_blocks,
	      1539 * 8);
	CHECK(st.st_blocks == 413 * 8, "after: %lld sectors, want %d", (long long)st.st_blocks,
	      413 * 8);
	check_all(path, fd, shadow, size);
	CHECK(fsync(fd) == 0, "fsync");
	close(fd);
	free(shadow);
}

/* ---- punching against faults and O_DIRECT ---- */

#define RSZ (2 << 20)
static volatile int stop;
static int rfd;
static char rpath[256];
static volatile unsigned long bad_fault, bad_dio, n_fault, n_dio;

static int ok_byte(size_t off, char c) { return c == 0 || c == pat(off); }

static void *faulter(void *arg)
{
	volatile char *m = mmap(NULL, RSZ, PROT_READ, MAP_SHARED, rfd, 0);

	(void)arg;
	if (m == MAP_FAILED)
		return NULL;
	while (!stop) {
		madvise((void *)m, RSZ, MADV_DONTNEED);
		for (size_t p = 0; p < RSZ / 4096; p++) {
			size_t off = p * 4096 + (p * 131) % 4096;
			if (!ok_byte(off, m[off]))
				bad_fault++;
			n_fault++;
		}
	}
	munmap((void *)m, RSZ);
	return NULL;
}

static void *dio_reader(void *arg)
{
	int fd = open(rpath, O_RDONLY | O_DIRECT);
	char *b;

	(void)arg;
	if (fd < 0 || posix_memalign((void **)&b, 4096, 65536))
		return NULL;
	for (size_t k = 0; !stop; k++) {
		size_t off = (k * 65536) % RSZ;
		if (pread(fd, b, 65536, (off_t)off) != 65536) {
			bad_dio++;
			continue;
		}
		for (size_t i = 0; i < 65536; i += 97)
			if (!ok_byte(off + i, b[i]))
				bad_dio++;
		n_dio++;
	}
	close(fd);
	free(b);
	return NULL;
}

static void race(void)
{
	char *shadow;
	pthread_t f, d;
	struct stat st0, st;
	uint64_t rng = 12345;

	snprintf(rpath, sizeof(rpath), "%s/punch_race", dir);
	rfd = make(rpath, RSZ, &shadow);
	fstat(rfd, &st0);
	/* alone first: 16 whole pages go, and their blocks (ext2) or cached
	 * pages (ramfs) with them */
	punch(rfd, shadow, RSZ, 64 << 10, 64 << 10);
	fstat(rfd, &st);
	CHECK(st.st_blocks == st0.st_blocks - 16 * 8, "st_blocks %lld -> %lld after 16 pages",
	      (long long)st0.st_blocks, (long long)st.st_blocks);
	pthread_create(&f, NULL, faulter, NULL);
	if (!no_dio)
		pthread_create(&d, NULL, dio_reader, NULL);
	for (int i = 0; i < 40; i++) {
		rng = rng * 6364136223846793005ull + 1442695040888963407ull;
		size_t off = (size_t)(rng >> 33) % RSZ, len = 1 + (size_t)(rng >> 13) % (64 << 10);
		if (i & 1) { /* whole blocks */
			off &= ~(size_t)4095;
			len = (len + 4095) & ~(size_t)4095;
		}
		punch(rfd, shadow, RSZ, off, len);
		usleep(20000);
	}
	stop = 1;
	pthread_join(f, NULL);
	if (!no_dio)
		pthread_join(d, NULL);
	fstat(rfd, &st);
	printf("punch: race: 40 punches against %lu faulted loads and %lu O_DIRECT reads of 64 KiB; st_blocks %lld -> %lld\n",
	       n_fault, n_dio, (long long)st0.st_blocks, (long long)st.st_blocks);
	CHECK(n_fault > 0 && (no_dio || n_dio > 0), "the racers ran");
	CHECK(bad_fault == 0, "%lu faulted loads saw a byte that is neither data nor zero",
	      bad_fault);
	CHECK(bad_dio == 0, "%lu O_DIRECT reads saw a byte that is neither data nor zero", bad_dio);
	/* ramfs: the faulter's loads of holes cached zero pages again */
	CHECK(no_dio || st.st_blocks < st0.st_blocks, "st_blocks decreased");
	check_all(rpath, rfd, shadow, RSZ);
	close(rfd);
	free(shadow);
}

int main(int argc, char **argv)
{
	t_start("punch");
	snprintf(dir, sizeof(dir), "%s", argc > 1 ? argv[1] : "/mnt");
	no_dio = argc > 2 && !strcmp(argv[2], "ramfs");
	modes();
	if (!no_dio)
		layout();
	race();
	return t_done();
}
