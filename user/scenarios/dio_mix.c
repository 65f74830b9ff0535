/*
 * dio_mix.c - issue 6 scenario 10 from user space on ext2: a mixed random
 * workload on several threads checked against a shadow copy in memory.
 *
 * The file is THREADS regions of REGION bytes.  Thread t owns region t:
 * it alone writes there, so the shadow of the region is exact while the
 * threads run at the same time on one file (one mapping, one
 * pagecache_add_lock).  Each op, under a shared user-space lock:
 *   buffered pwrite / pread at any offset and length;
 *   a store through the MAP_SHARED mapping, then an O_DIRECT read of the
 *     aligned range around it, which must see the store (DESIGN.md
 *     invariant 4, scenario 7); a load through the mapping;
 *   O_DIRECT pwrite / pread (512-aligned) from / into an aligned buffer;
 *   O_DIRECT pwrite whose buffer is the mapping of another part of the
 *     region, and O_DIRECT pread into such a mapping (the buffer maps the
 *     file itself: the fault falls back to buffered I/O page by page);
 *   fsync.
 * Now and then a thread takes the lock exclusive and truncates the file
 * down to a random size and back up (the shadow beyond it becomes zeros),
 * or checks the whole file three ways: read(), O_DIRECT and the mapping.
 * Every read is compared with the shadow; the first mismatches are
 * printed with the seed, thread, op number, kind, offset and length.
 * Each thread's ops come from its own generator seeded from SEED, which
 * is printed; the interleaving of threads is not reproducible, but
 * THREADS=1 with the same SEED replays one sequence exactly.
 * Usage: /scenarios/dio_mix DIR [OPS_PER_THREAD [SEED [THREADS]]]
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "t.h"

#define MAXT 8
#define REGION (256 << 10)
#define MAXLEN (32 << 10)

static int nthreads = 4, ops_per_thread = 2000;
static unsigned long long seed;
static size_t fsize;
static int bfd, dfd;
static char *map, *shadow;
static volatile int failures;
static unsigned long counts[16];
static const char *const names[16] = { "pwrite",    "pread",	"mmap-store", "mmap-load",
				       "dio-write", "dio-read", "dio-w-mmap", "dio-r-mmap",
				       "fsync",	    "truncate", "full-check" };

/* a fair shared/exclusive lock: readers queue behind a waiting writer */
static pthread_mutex_t gm = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gc = PTHREAD_COND_INITIALIZER;
static int readers, writer, wpending;

static void shared_lock(void)
{
	pthread_mutex_lock(&gm);
	while (writer || wpending)
		pthread_cond_wait(&gc, &gm);
	readers++;
	pthread_mutex_unlock(&gm);
}

static void shared_unlock(void)
{
	pthread_mutex_lock(&gm);
	if (--readers == 0)
		pthread_cond_broadcast(&gc);
	pthread_mutex_unlock(&gm);
}

static void excl_lock(void)
{
	pthread_mutex_lock(&gm);
	wpending++;
	while (writer || readers)
		pthread_cond_wait(&gc, &gm);
	wpending--;
	writer = 1;
	pthread_mutex_unlock(&gm);
}

static void excl_unlock(void)
{
	pthread_mutex_lock(&gm);
	writer = 0;
	pthread_cond_broadcast(&gc);
	pthread_mutex_unlock(&gm);
}

struct th {
	int id, op;
	uint64_t rng;
	char *abuf; /* aligned */
	char *tmp;
};

static uint64_t rnd(struct th *t)
{
	/* xorshift64* */
	t->rng ^= t->rng >> 12;
	t->rng ^= t->rng << 25;
	t->rng ^= t->rng >> 27;
	return t->rng * 2685821657736338717ull;
}

static size_t below(struct th *t, size_t n) { return n ? (size_t)(rnd(t) % n) : 0; }

static void fill(struct th *t, char *p, size_t n)
{
	uint64_t v = rnd(t);

	for (size_t i = 0; i < n; i++) {
		if ((i & 7) == 0)
			v = rnd(t);
		p[i] = (char)(v >> ((i & 7) * 8));
	}
}

static void compare(struct th *t, const char *what, const char *got, size_t off, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (got[i] != shadow[off + i]) {
			int n = __atomic_add_fetch(&failures, 1, __ATOMIC_SEQ_CST);
			if (n <= 10)
				printf("dio_mix: MISMATCH seed %llu thread %d op %d %s off %zu len %zu: byte %zu is %#x, shadow %#x\n",
				       seed, t ? t->id : -1, t ? t->op : -1, what, off, len,
				       off + i, (unsigned char)got[i],
				       (unsigned char)shadow[off + i]);
			return;
		}
	}
}

/* a random range inside region r: any alignment, or 512-aligned */
static void pick(struct th *t, int r, bool aligned, size_t *off, size_t *len)
{
	size_t base = (size_t)r * REGION;

	if (aligned) {
		*len = 512 * (1 + below(t, MAXLEN / 512));
		*off = base + 512 * below(t, (REGION - *len) / 512 + 1);
	} else {
		*len = 1 + below(t, MAXLEN);
		*off = base + below(t, REGION - *len + 1);
	}
}

/* two disjoint 4096-aligned ranges of the same length inside region r */
static void pick_pair(struct th *t, int r, size_t *src, size_t *dst, size_t *len)
{
	size_t base = (size_t)r * REGION, half = REGION / 2;

	*len = 4096 * (1 + below(t, MAXLEN / 4096));
	*src = base + 4096 * below(t, (half - *len) / 4096 + 1);
	*dst = base + half + 4096 * below(t, (half - *len) / 4096 + 1);
	if (rnd(t) & 1) {
		size_t x = *src;
		*src = *dst;
		*dst = x;
	}
}

static void full_check(struct th *t)
{
	struct stat st;
	char *b = malloc(fsize), *a;

	if (posix_memalign((void **)&a, 4096, fsize))
		exit(2);
	if (fstat(bfd, &st) || (size_t)st.st_size != fsize) {
		printf("dio_mix: size %lld, want %zu\n", (long long)st.st_size, fsize);
		failures++;
	}
	if (pread(bfd, b, fsize, 0) != (ssize_t)fsize)
		failures++;
	compare(t, "full read()", b, 0, fsize);
	if (pread(dfd, a, fsize, 0) != (ssize_t)fsize)
		failures++;
	compare(t, "full O_DIRECT read", a, 0, fsize);
	compare(t, "full mapping", map, 0, fsize);
	free(a);
	free(b);
}

static void truncate_down_up(struct th *t)
{
	size_t s = below(t, fsize);

	if (ftruncate(bfd, (off_t)s) || ftruncate(bfd, (off_t)fsize)) {
		printf("dio_mix: ftruncate failed: %s\n", strerror(errno));
		failures++;
	}
	memset(shadow + s, 0, fsize - s);
}

static void one_op(struct th *t)
{
	int r = t->id, kind = (int)below(t, 100);
	size_t off, len, src, dst;

	if (kind < 1) {
		excl_lock();
		kind = (rnd(t) & 1) ? 9 : 10;
		if (kind == 9)
			truncate_down_up(t);
		else
			full_check(t);
		excl_unlock();
		__atomic_add_fetch(&counts[kind], 1, __ATOMIC_RELAXED);
		return;
	}
	kind = (int)below(t, 9);
	shared_lock();
	switch (kind) {
	case 0:
		pick(t, r, false, &off, &len);
		fill(t, t->tmp, len);
		if (pwrite(bfd, t->tmp, len, (off_t)off) != (ssize_t)len)
			failures++;
		memcpy(shadow + off, t->tmp, len);
		break;
	case 1:
		pick(t, r, false, &off, &len);
		if (pread(bfd, t->tmp, len, (off_t)off) != (ssize_t)len)
			failures++;
		compare(t, "pread", t->tmp, off, len);
		break;
	case 2:
		pick(t, r, false, &off, &len);
		fill(t, t->tmp, len);
		memcpy(map + off, t->tmp, len);
		memcpy(shadow + off, t->tmp, len);
		/* an O_DIRECT read sees the store (no msync) */
		{
			size_t a0 = off & ~(size_t)511, a1 = (off + len + 511) & ~(size_t)511;
			if (pread(dfd, t->abuf, a1 - a0, (off_t)a0) != (ssize_t)(a1 - a0))
				failures++;
			compare(t, "O_DIRECT read after mmap store", t->abuf, a0, a1 - a0);
		}
		break;
	case 3:
		pick(t, r, false, &off, &len);
		compare(t, "mmap load", map + off, off, len);
		break;
	case 4:
		pick(t, r, true, &off, &len);
		fill(t, t->abuf, len);
		if (pwrite(dfd, t->abuf, len, (off_t)off) != (ssize_t)len)
			failures++;
		memcpy(shadow + off, t->abuf, len);
		break;
	case 5:
		pick(t, r, true, &off, &len);
		if (pread(dfd, t->abuf, len, (off_t)off) != (ssize_t)len)
			failures++;
		compare(t, "O_DIRECT pread", t->abuf, off, len);
		break;
	case 6: /* O_DIRECT write from a mapping of the file itself */
		pick_pair(t, r, &src, &dst, &len);
		if (pwrite(dfd, map + src, len, (off_t)dst) != (ssize_t)len)
			failures++;
		memmove(shadow + dst, shadow + src, len);
		compare(t, "mmap after O_DIRECT write from the mapping", map + dst, dst, len);
		break;
	case 7: /* O_DIRECT read into a mapping of the file itself */
		pick_pair(t, r, &src, &dst, &len);
		if (pread(dfd, map + dst, len, (off_t)src) != (ssize_t)len)
			failures++;
		memmove(shadow + dst, shadow + src, len);
		if (pread(bfd, t->tmp, len, (off_t)dst) != (ssize_t)len)
			failures++;
		compare(t, "read() after O_DIRECT read into the mapping", t->tmp, dst, len);
		break;
	default:
		if (fsync(bfd))
			failures++;
		break;
	}
	shared_unlock();
	__atomic_add_fetch(&counts[kind], 1, __ATOMIC_RELAXED);
}

static void *worker(void *arg)
{
	struct th *t = arg;

	for (t->op = 0; t->op < ops_per_thread && failures < 10; t->op++)
		one_op(t);
	return NULL;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int main(int argc, char **argv)
{
	char path[256];
	const char *dir = argc > 1 ? argv[1] : "/mnt";
	struct th th[MAXT];
	pthread_t tid[MAXT];
	uint64_t t0;

	t_start("dio_mix");
	if (argc > 2)
		ops_per_thread = atoi(argv[2]);
	seed = argc > 3 ? strtoull(argv[3], NULL, 0) : 0x5eed600dull;
	if (argc > 4)
		nthreads = atoi(argv[4]);
	if (nthreads < 1 || nthreads > MAXT)
		nthreads = 4;
	fsize = (size_t)nthreads * REGION;
	printf("dio_mix: seed %llu, %d threads x %d ops, file %zu KiB (replay: dio_mix DIR %d %llu %d)\n",
	       seed, nthreads, ops_per_thread, fsize >> 10, ops_per_thread, seed, nthreads);
	snprintf(path, sizeof(path), "%s/mix", dir);
	bfd = open(path, O_CREAT | O_TRUNC | O_RDWR, 0644);
	dfd = open(path, O_RDWR | O_DIRECT);
	CHECK(bfd >= 0 && dfd >= 0 && ftruncate(bfd, (off_t)fsize) == 0, "create %s", path);
	shadow = calloc(1, fsize);
	map = mmap(NULL, fsize, PROT_READ | PROT_WRITE, MAP_SHARED, bfd, 0);
	CHECK(map != MAP_FAILED && shadow, "mmap");
	if (map == MAP_FAILED || !shadow)
		return t_done();
	t0 = now_ms();
	for (int i = 0; i < nthreads; i++) {
		th[i].id = i;
		th[i].rng = seed * 0x9E3779B97F4A7C15ull + (uint64_t)i * 0xBF58476D1CE4E5B9ull + 1;
		th[i].tmp = malloc(MAXLEN + 4096);
		if (posix_memalign((void **)&th[i].abuf, 4096, MAXLEN + 4096))
			return 2;
		pthread_create(&tid[i], NULL, worker, &th[i]);
	}
	for (int i = 0; i < nthreads; i++)
		pthread_join(tid[i], NULL);
	full_check(NULL);
	CHECK(fsync(bfd) == 0, "fsync");
	munmap(map, fsize);
	/* a last check through a fresh mapping and descriptor */
	close(bfd);
	bfd = open(path, O_RDWR);
	map = mmap(NULL, fsize, PROT_READ, MAP_SHARED, bfd, 0);
	full_check(NULL);
	printf("dio_mix: %d ops in %llu ms:", nthreads * ops_per_thread,
	       (unsigned long long)(now_ms() - t0));
	for (int k = 0; k < 11; k++)
		printf(" %s %lu", names[k], counts[k]);
	printf("\n");
	CHECK(failures == 0, "%d mismatches or failed calls (seed %llu)", failures, seed);
	return t_done();
}
