/*
 * dio_ring.c - issue 6 scenarios 4 and 8 from user space on ext2.
 *
 * 4: three processes; process i O_DIRECT-writes its own file i from a
 *    buffer that is a MAP_SHARED mapping of file (i+1) % 3, in a loop.
 *    Each file's BLOCK state is held while the fault on the next file's
 *    mapping needs that file's ADD state: a ring of three mappings, which
 *    only the order-or-trylock rule keeps from deadlocking.  Every
 *    process must finish and every byte must check.
 * 8: truncate racing faults and O_DIRECT: a child keeps faulting a
 *    mapping and O_DIRECT-reading while the parent truncates the file
 *    down and up; afterwards an access past EOF must get SIGBUS and the
 *    data below EOF must be intact (never stale, never another file's).
 * Usage: /scenarios/dio_ring DIR [ROUNDS]
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "t.h"

#define SZ (32 * 1024)

static char dir[200];

static void path_of(char *buf, size_t n, int i) { snprintf(buf, n, "%s/ring%d", dir, i); }

/* Every ring file holds the same pattern, so copying one over another in
 * any order keeps it: a zero, stale or torn byte shows as a mismatch. */
static char pat(int k) { return (char)(1 + (k * 7 + 3) % 251); }

static void fill_file(int i, char c)
{
	char p[256], *buf = malloc(SZ);
	int fd;

	path_of(p, sizeof(p), i);
	fd = open(p, O_CREAT | O_TRUNC | O_RDWR, 0644);
	for (int k = 0; k < SZ; k++)
		buf[k] = c ? c : pat(k);
	if (fd < 0 || write(fd, buf, SZ) != SZ)
		exit(90);
	fsync(fd);
	close(fd);
	free(buf);
}

static int ring_member(int i, int rounds)
{
	char mine[256], next[256];
	int nf, fd, bad = 0;
	char *src;

	path_of(mine, sizeof(mine), i);
	path_of(next, sizeof(next), (i + 1) % 3);
	fd = open(mine, O_RDWR | O_DIRECT);
	nf = open(next, O_RDONLY);
	src = mmap(NULL, SZ, PROT_READ, MAP_SHARED, nf, 0);
	if (fd < 0 || nf < 0 || src == MAP_FAILED)
		return 91;
	for (int r = 0; r < rounds; r++) {
		if (pwrite(fd, src, SZ, 0) != SZ)
			return 92;
	}
	for (int k = 0; k < SZ; k++)
		bad += src[k] != pat(k);
	return bad ? 93 : 0;
}

static void scenario_ring(int rounds)
{
	pid_t pid[3];
	int status, ok = 0;

	for (int i = 0; i < 3; i++)
		fill_file(i, 0);
	for (int i = 0; i < 3; i++) {
		pid[i] = fork();
		if (pid[i] == 0)
			_exit(ring_member(i, rounds));
	}
	for (int i = 0; i < 3; i++) {
		waitpid(pid[i], &status, 0);
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "ring member %d: status %#x",
		      i, status);
		ok += WIFEXITED(status) && WEXITSTATUS(status) == 0;
	}
	/* every byte of every file still holds the pattern */
	for (int i = 0; i < 3; i++) {
		char p[256], *buf = malloc(SZ);
		path_of(p, sizeof(p), i);
		int fd = open(p, O_RDONLY);
		int n = fd >= 0 ? (int)read(fd, buf, SZ) : -1, bad = 0;
		for (int k = 0; k < SZ; k++)
			bad += buf[k] != pat(k);
		CHECK(n == SZ && bad == 0, "file %d: %d bytes read, %d wrong", i, n, bad);
		close(fd);
		free(buf);
	}
	printf("dio_ring: ring of 3 x %d O_DIRECT writes from mapped buffers: %d/3 finished\n",
	       rounds, ok);
}

static sigjmp_buf jb;
static volatile int got_sigbus;
static void on_sigbus(int sig)
{
	(void)sig;
	got_sigbus = 1;
	siglongjmp(jb, 1);
}

static void scenario_truncate(int rounds)
{
	char p[256];
	int fd, dfd, status;
	char *m, *buf;
	pid_t child;

	fill_file(3, 'T');
	path_of(p, sizeof(p), 3);
	fd = open(p, O_RDWR);
	dfd = open(p, O_RDWR | O_DIRECT);
	m = mmap(NULL, SZ, PROT_READ, MAP_SHARED, fd, 0);
	CHECK(fd >= 0 && dfd >= 0 && m != MAP_FAILED, "open/mmap");
	child = fork();
	if (child == 0) {
		/* fault and O_DIRECT-read while the parent truncates: any byte
		 * seen must be 'T' or 0 (a page past EOF re-grown), never junk */
		struct sigaction sa = { 0 };
		sa.sa_handler = on_sigbus;
		sigaction(SIGBUS, &sa, NULL);
		if (posix_memalign((void **)&buf, 4096, 4096))
			_exit(95);
		for (volatile int r = 0; r < rounds * 20; r++) {
			int off = (r * 4096) % SZ;
			if (sigsetjmp(jb, 1) == 0) {
				char c = m[off + 100];
				if (c != 'T' && c != 0)
					_exit(96);
			}
			ssize_t n = pread(dfd, buf, 4096, off);
			if (n < 0 || (n > 0 && buf[0] != 'T' && buf[0] != 0))
				_exit(97);
		}
		_exit(0);
	}
	for (int r = 0; r < rounds; r++) {
		CHECK(ftruncate(fd, SZ / 4) == 0, "truncate down");
		CHECK(ftruncate(fd, SZ) == 0, "truncate up");
	}
	waitpid(child, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "racing child: status %#x", status);
	/* below EOF: intact; the re-grown part reads as zeros */
	CHECK(m[100] == 'T' && m[SZ / 4 - 1] == 'T', "data below the truncation point survived");
	CHECK(m[SZ / 4] == 0 && m[SZ - 1] == 0, "re-grown part reads as zeros");
	/* past EOF: SIGBUS */
	CHECK(ftruncate(fd, 4096) == 0, "truncate to one page");
	struct sigaction sa = { 0 };
	sa.sa_handler = on_sigbus;
	sigaction(SIGBUS, &sa, NULL);
	got_sigbus = 0;
	if (sigsetjmp(jb, 1) == 0) {
		volatile char c = m[2 * 4096];
		(void)c;
	}
	CHECK(got_sigbus, "access past EOF got SIGBUS");
	munmap(m, SZ);
	close(fd);
	close(dfd);
}

int main(int argc, char **argv)
{
	int rounds = argc > 2 ? atoi(argv[2]) : 200;

	t_start("dio_ring");
	snprintf(dir, sizeof(dir), "%s", argc > 1 ? argv[1] : "/mnt");
	scenario_ring(rounds);
	scenario_truncate(rounds / 4 + 1);
	return t_done();
}
