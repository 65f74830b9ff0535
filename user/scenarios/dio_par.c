/*
 * dio_par.c - issue 6 scenario 5 from user space on ext2: O_DIRECT
 * writers of one file run in parallel, buffered readers wait for them.
 *
 * Part 1 (writers overlap): one thread writes 4 MiB per O_DIRECT call,
 *   three others write 16 KiB per call to their own regions of the same
 *   file.  Each call's start and end (CLOCK_MONOTONIC) are recorded; a
 *   small call that starts after a big call started and returns before
 *   it returns ran inside it.  With BLOCK (and i_rwsem) shared that is
 *   nearly every small call; with any lock that serialises the writers it
 *   could only happen if the big writer were delayed before taking it for
 *   a whole small call.  Asserts that more than half of the small calls
 *   (and at least 10) ran inside a big one, and every region holds its
 *   last write.  (While O_DIRECT's time update took i_rwsem exclusive,
 *   0 to 7 of some 50 small calls nested: each waited for the big call.)
 * Part 2 (buffered readers wait): a writer O_DIRECT-writes 1 MiB of
 *   generation g (every byte = g) for g = 2..31 while two readers read
 *   the whole range with buffered pread in a loop.  The readers hold ADD
 *   per page, which excludes the writer's BLOCK, so they never see a
 *   write half done: every page read is one generation (no torn page),
 *   generations never decrease along a read (a new page and then an old
 *   one would be a page read from disk in the middle of a write), and a
 *   read that starts after write g returned sees nothing older than g
 *   (no stale cached page).  Only orderings are asserted, no durations.
 * Usage: /scenarios/dio_par DIR
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "t.h"

#define BIG (4 << 20)
#define SMALL (16 << 10)
#define NSMALL 3
#define MAXCALLS 4000
#define BIGCALLS 8

static char dir[200];
static int dfd;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void *xalign(size_t n)
{
	void *p = NULL;

	if (posix_memalign(&p, 4096, n))
		exit(90);
	return p;
}

/* ---- part 1 ---- */

struct span {
	uint64_t start, end;
};

static struct span big_calls[BIGCALLS];
static struct span small_calls[NSMALL][MAXCALLS];
static int small_n[NSMALL], small_last[NSMALL];
static volatile int big_done;
static int big_bad, small_bad;

/* region 0 is the big writer's; region i (1..3) small writer i-1's */
static off_t region(int i) { return i == 0 ? 0 : BIG + (off_t)(i - 1) * SMALL; }

static void *big_writer(void *arg)
{
	char *buf = xalign(BIG);

	(void)arg;
	for (int c = 0; c < BIGCALLS; c++) {
		memset(buf, 'a' + c, BIG);
		big_calls[c].start = now_ns();
		if (pwrite(dfd, buf, BIG, region(0)) != BIG)
			big_bad++;
		big_calls[c].end = now_ns();
	}
	big_done = 1;
	free(buf);
	return NULL;
}

static void *small_writer(void *arg)
{
	int id = (int)(intptr_t)arg, n = 0;
	char *buf = xalign(SMALL);

	while (!big_done && n < MAXCALLS) {
		memset(buf, 1 + (n % 200), SMALL);
		small_calls[id][n].start = now_ns();
		if (pwrite(dfd, buf, SMALL, region(id + 1)) != SMALL)
			small_bad++;
		small_calls[id][n].end = now_ns();
		small_last[id] = 1 + (n % 200);
		n++;
	}
	small_n[id] = n;
	free(buf);
	return NULL;
}

static int all_are(const char *p, int c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != (char)c)
			return 0;
	return 1;
}

static void part_writers(void)
{
	char path[256];
	pthread_t th[NSMALL + 1];
	int nested = 0, total = 0;
	char *buf = xalign(BIG);

	snprintf(path, sizeof(path), "%s/par_w", dir);
	dfd = open(path, O_CREAT | O_TRUNC | O_RDWR | O_DIRECT, 0644);
	CHECK(dfd >= 0, "open %s", path);
	/* the whole file exists first: no call extends it */
	memset(buf, 0, BIG);
	CHECK(pwrite(dfd, buf, BIG, 0) == BIG &&
		      pwrite(dfd, buf, NSMALL * SMALL, BIG) == NSMALL * SMALL,
	      "preallocate");
	for (int i = 0; i < NSMALL; i++)
		pthread_create(&th[i + 1], NULL, small_writer, (void *)(intptr_t)i);
	pthread_create(&th[0], NULL, big_writer, NULL);
	for (int i = 0; i <= NSMALL; i++)
		pthread_join(th[i], NULL);
	for (int i = 0; i < NSMALL; i++) {
		total += small_n[i];
		for (int k = 0; k < small_n[i]; k++)
			for (int c = 0; c < BIGCALLS; c++)
				if (small_calls[i][k].start > big_calls[c].start &&
				    small_calls[i][k].end < big_calls[c].end) {
					nested++;
					break;
				}
	}
	printf("dio_par: writers: %d big calls of 4 MiB, %d small calls of 16 KiB, %d small calls ran inside a big one\n",
	       BIGCALLS, total, nested);
	CHECK(!big_bad && !small_bad, "short or failed O_DIRECT writes: %d big, %d small", big_bad,
	      small_bad);
	CHECK(nested >= 10 && 2 * nested > total,
	      "O_DIRECT writers of one file did not overlap (%d of %d small calls nested)", nested,
	      total);
	CHECK(pread(dfd, buf, BIG, 0) == BIG && all_are(buf, 'a' + BIGCALLS - 1, BIG),
	      "big region holds its last write");
	for (int i = 0; i < NSMALL; i++)
		CHECK(pread(dfd, buf, SMALL, region(i + 1)) == SMALL &&
			      all_are(buf, small_last[i], SMALL),
		      "small region %d holds its last write", i);
	close(dfd);
	free(buf);
}

/* ---- part 2 ---- */

#define RANGE (1 << 20)
#define NPAGES (RANGE / 4096)
#define GENS 30
#define NREADERS 2
#define MAXREADS 2000

static struct span wr[GENS + 2]; /* wr[g]: the call writing generation g */
static volatile int writer_done;
static int bfd;

struct rec {
	uint64_t start, end;
	unsigned char lo, hi; /* generation of the first and last page */
	unsigned char torn, decreasing, min;
};

static struct rec reads[NREADERS][MAXREADS];
static int nreads[NREADERS];

static void *gen_writer(void *arg)
{
	char path[256], *buf = xalign(RANGE);
	int fd;

	(void)arg;
	snprintf(path, sizeof(path), "%s/par_r", dir);
	fd = open(path, O_RDWR | O_DIRECT);
	for (int g = 2; g < GENS + 2; g++) {
		memset(buf, g, RANGE);
		usleep(2000); /* let readers cache pages of the previous one */
		wr[g].start = now_ns();
		if (fd < 0 || pwrite(fd, buf, RANGE, 0) != RANGE)
			exit(91);
		__atomic_store_n(&wr[g].end, now_ns(), __ATOMIC_SEQ_CST);
	}
	close(fd);
	free(buf);
	writer_done = 1;
	return NULL;
}

static void *reader(void *arg)
{
	int id = (int)(intptr_t)arg, n = 0;
	char *buf = malloc(RANGE);

	while (!writer_done && n < MAXREADS) {
		struct rec *r = &reads[id][n];
		unsigned char prev = 0;

		r->start = now_ns();
		if (pread(bfd, buf, RANGE, 0) != RANGE)
			exit(92);
		r->end = now_ns();
		r->torn = r->decreasing = 0;
		r->min = 255;
		for (int p = 0; p < NPAGES; p++) {
			unsigned char g = (unsigned char)buf[p * 4096];
			if (!all_are(buf + p * 4096, g, 4096))
				r->torn = 1;
			if (g < prev)
				r->decreasing = 1;
			if (g < r->min)
				r->min = g;
			prev = g;
		}
		r->lo = (unsigned char)buf[0];
		r->hi = (unsigned char)buf[RANGE - 1];
		n++;
	}
	nreads[id] = n;
	free(buf);
	return NULL;
}

static void part_readers(void)
{
	char path[256], *buf = malloc(RANGE);
	pthread_t w, r[NREADERS];
	int torn = 0, decr = 0, stale = 0, during = 0, waited = 0, mixed = 0, total = 0;

	snprintf(path, sizeof(path), "%s/par_r", dir);
	bfd = open(path, O_CREAT | O_TRUNC | O_RDWR, 0644);
	memset(buf, 1, RANGE);
	CHECK(bfd >= 0 && pwrite(bfd, buf, RANGE, 0) == RANGE && fsync(bfd) == 0, "generation 1");
	for (int i = 0; i < NREADERS; i++)
		pthread_create(&r[i], NULL, reader, (void *)(intptr_t)i);
	pthread_create(&w, NULL, gen_writer, NULL);
	pthread_join(w, NULL);
	for (int i = 0; i < NREADERS; i++)
		pthread_join(r[i], NULL);
	for (int i = 0; i < NREADERS; i++) {
		for (int k = 0; k < nreads[i]; k++) {
			struct rec *x = &reads[i][k];
			int newest =
				1; /* the last generation whose write returned before x began */

			total++;
			torn += x->torn;
			decr += x->decreasing;
			mixed += x->lo != x->hi;
			for (int g = 2; g < GENS + 2; g++) {
				if (wr[g].end && wr[g].end < x->start)
					newest = g;
				if (x->start < wr[g].end && x->end > wr[g].start)
					during++;
				/* began inside write g, returned after it, saw g */
				if (x->start > wr[g].start && x->start < wr[g].end &&
				    x->end > wr[g].end && x->lo >= g)
					waited++;
			}
			if (x->min < newest) {
				stale++;
				printf("dio_par: read began after write %d returned and saw generation %d\n",
				       newest, x->min);
			}
		}
	}
	printf("dio_par: readers: %d buffered reads of 1 MiB against %d O_DIRECT writes; %d overlapped a write in time, %d began inside a write and returned after it with its data, %d spanned two generations (old first)\n",
	       total, GENS, during, waited, mixed);
	CHECK(total > 0 && during > 0, "no read overlapped an O_DIRECT write (%d reads)", total);
	CHECK(torn == 0, "%d reads returned a page mixing two generations", torn);
	CHECK(decr == 0, "%d reads saw a newer page before an older one (read during a write)",
	      decr);
	CHECK(stale == 0, "%d reads returned data older than a completed O_DIRECT write", stale);
	CHECK(pread(bfd, buf, RANGE, 0) == RANGE && all_are(buf, GENS + 1, RANGE),
	      "the last generation everywhere");
	close(bfd);
	free(buf);
}

int main(int argc, char **argv)
{
	t_start("dio_par");
	snprintf(dir, sizeof(dir), "%s", argc > 1 ? argv[1] : "/mnt");
	part_writers();
	part_readers();
	return t_done();
}
