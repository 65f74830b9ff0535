/*
 * t_fileops.c - the less common file calls that file-system testers and
 * tools use: posix_fadvise, readahead, sync_file_range, copy_file_range,
 * preadv2/pwritev2, sendfile, utime/utimes/futimesat and the xattr calls, with
 * their data results and their error codes.
 * Usage: t_fileops [DIR]   (default /t_fileops.d, on the initramfs; the
 *        ext2-tree VM test also runs it on ext2)
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <utime.h>
#include "t.h"

#define BAD_PTR ((void *)0x10)

/* musl has no preadv2/pwritev2 wrappers: the raw calls (pos_l, pos_h). */
#ifndef RWF_HIPRI
#define RWF_HIPRI 0x1
#define RWF_DSYNC 0x2
#define RWF_APPEND 0x10
#endif
static ssize_t preadv2_(int fd, const struct iovec *v, int n, off_t off, int flags)
{
	return syscall(SYS_preadv2, fd, v, n, (long)off, 0L, flags);
}
static ssize_t pwritev2_(int fd, const struct iovec *v, int n, off_t off, int flags)
{
	return syscall(SYS_pwritev2, fd, v, n, (long)off, 0L, flags);
}
#define preadv2 preadv2_
/* musl turns utime/utimes into utimensat: call the old system calls. */
#define utime(p, t) syscall(SYS_utime, p, t)
#define utimes(p, t) syscall(SYS_utimes, p, t)
#define pwritev2 pwritev2_
#define SZ (256 * 1024)

static char dir[200];

static char *path(const char *name)
{
	static char buf[2][300];
	static int n;
	char *p = buf[n++ & 1];
	snprintf(p, 300, "%s/t_fileops.%s", dir, name);
	return p;
}

static void fill(char *b, size_t n, int seed)
{
	for (size_t i = 0; i < n; i++)
		b[i] = (char)(i * 31 + seed + (i >> 12));
}

static int make_file(const char *name, size_t n, int seed)
{
	char *b = malloc(n);
	int fd = T_SYS(open(path(name), O_CREAT | O_RDWR | O_TRUNC, 0644));

	fill(b, n, seed);
	CHECK(write(fd, b, n) == (ssize_t)n, "write %s", name);
	free(b);
	return fd;
}

static int check_content(int fd, size_t off, size_t n, int seed, size_t seed_off)
{
	char *want = malloc(seed_off + n), *got = malloc(n);
	int ok;

	fill(want, seed_off + n, seed);
	ok = pread(fd, got, n, off) == (ssize_t)n && memcmp(got, want + seed_off, n) == 0;
	free(want);
	free(got);
	return ok;
}

static void test_fadvise(void)
{
	int fd = make_file("adv", SZ, 1), p[2];

	T_SYS(fsync(fd));
	/* posix_fadvise returns the error number instead of setting errno */
	CHECK(posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED) == 0, "DONTNEED");
	CHECK(check_content(fd, 0, SZ, 1, 0), "data intact after DONTNEED");
	CHECK(posix_fadvise(fd, 0, SZ, POSIX_FADV_WILLNEED) == 0, "WILLNEED");
	CHECK(check_content(fd, 4096, SZ - 4096, 1, 4096), "data after WILLNEED");
	CHECK(posix_fadvise(fd, 0, 0, POSIX_FADV_RANDOM) == 0, "RANDOM");
	CHECK(check_content(fd, 0, SZ, 1, 0), "data with RANDOM");
	CHECK(posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL) == 0, "SEQUENTIAL");
	CHECK(posix_fadvise(fd, 0, 0, POSIX_FADV_NORMAL) == 0, "NORMAL");
	CHECK(posix_fadvise(fd, 0, 0, POSIX_FADV_NOREUSE) == 0, "NOREUSE");
	/* a dirty page survives DONTNEED: it is written, not dropped */
	CHECK(pwrite(fd, "dirty", 5, 8192) == 5, "dirty a page");
	CHECK(posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED) == 0, "DONTNEED with a dirty page");
	char b[5];
	CHECK(pread(fd, b, 5, 8192) == 5 && memcmp(b, "dirty", 5) == 0, "dirty data kept");
	CHECK(posix_fadvise(fd, 0, 0, 99) == EINVAL, "bad advice");
	CHECK(posix_fadvise(fd, 0, -1, POSIX_FADV_NORMAL) == EINVAL, "negative length");
	CHECK(posix_fadvise(-1, 0, 0, POSIX_FADV_NORMAL) == EBADF, "bad fd");
	T_SYS(pipe(p));
	CHECK(posix_fadvise(p[0], 0, 0, POSIX_FADV_NORMAL) == ESPIPE, "pipe");
	/* readahead(2) */
	T_SYS(readahead(fd, 0, SZ));
	CHECK(check_content(fd, 0, 4096, 1, 0), "data after readahead");
	T_ERR(readahead(-1, 0, 10), EBADF);
	T_ERR(readahead(p[0], 0, 10), EINVAL);
	int wo = T_SYS(open(path("adv"), O_WRONLY));
	T_ERR(readahead(wo, 0, 10), EBADF);
	close(wo);
	close(p[0]);
	close(p[1]);
	close(fd);
	unlink(path("adv"));
}

static void test_sync_file_range(void)
{
	int fd = make_file("sfr", 3 * 4096, 2), p[2];

	T_SYS(sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE));
	T_SYS(sync_file_range(fd, 4096, 4096,
			      SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE |
				      SYNC_FILE_RANGE_WAIT_AFTER));
	T_SYS(sync_file_range(fd, 0, 0, 0));
	CHECK(check_content(fd, 0, 3 * 4096, 2, 0), "data after sync_file_range");
	T_ERR(sync_file_range(fd, 0, 0, 8), EINVAL);
	T_ERR(sync_file_range(fd, -1, 0, SYNC_FILE_RANGE_WRITE), EINVAL);
	T_ERR(sync_file_range(fd, 0, -5, SYNC_FILE_RANGE_WRITE), EINVAL);
	T_ERR(sync_file_range(-1, 0, 0, SYNC_FILE_RANGE_WRITE), EBADF);
	T_SYS(pipe(p));
	T_ERR(sync_file_range(p[1], 0, 0, SYNC_FILE_RANGE_WRITE), ESPIPE);
	close(p[0]);
	close(p[1]);
	close(fd);
	unlink(path("sfr"));
}

static void test_copy_file_range(void)
{
	int in = make_file("cfr_in", SZ + 100, 3);
	int out = T_SYS(open(path("cfr_out"), O_CREAT | O_RDWR | O_TRUNC, 0644));
	loff_t oin = 4096, oout = 0;
	ssize_t n;

	/* explicit offsets: the file positions stay */
	T_SYS(lseek(in, 10, SEEK_SET));
	n = copy_file_range(in, &oin, out, &oout, 3 * 4096 + 7, 0);
	CHECK(n == 3 * 4096 + 7, "copied %zd", n);
	CHECK(oin == 4096 + n && oout == n, "offsets advanced: %lld %lld", (long long)oin,
	      (long long)oout);
	CHECK(lseek(in, 0, SEEK_CUR) == 10 && lseek(out, 0, SEEK_CUR) == 0, "positions kept");
	CHECK(check_content(out, 0, (size_t)n, 3, 4096), "copied data");
	/* file positions: both move */
	T_SYS(lseek(in, SZ - 4096, SEEK_SET));
	T_SYS(lseek(out, 100000, SEEK_SET));
	n = copy_file_range(in, NULL, out, NULL, 1 << 20, 0);
	CHECK(n == 4096 + 100, "copy to EOF of the source: %zd", n);
	CHECK(lseek(in, 0, SEEK_CUR) == SZ + 100 && lseek(out, 0, SEEK_CUR) == 100000 + n,
	      "positions moved");
	CHECK(check_content(out, 100000, (size_t)n, 3, SZ - 4096), "copied tail");
	CHECK(copy_file_range(in, NULL, out, NULL, 100, 0) == 0, "at EOF: 0");
	/* errors */
	T_ERR(copy_file_range(in, NULL, out, NULL, 100, 1), EINVAL);
	T_ERR(copy_file_range(-1, NULL, out, NULL, 100, 0), EBADF);
	int ro = T_SYS(open(path("cfr_out"), O_RDONLY));
	T_ERR(copy_file_range(in, NULL, ro, NULL, 100, 0), EBADF);
	int ap = T_SYS(open(path("cfr_out"), O_WRONLY | O_APPEND));
	T_ERR(copy_file_range(in, NULL, ap, NULL, 100, 0), EBADF);
	int d = T_SYS(open(dir, O_RDONLY | O_DIRECTORY));
	T_ERR(copy_file_range(d, NULL, out, NULL, 100, 0), EISDIR);
	loff_t a = 0, b = 4096;
	T_ERR(copy_file_range(in, &a, in, &b, 8192, 0), EINVAL); /* overlap */
	b = 8192;
	CHECK(copy_file_range(in, &a, in, &b, 8192, 0) == 8192, "same file, disjoint ranges");
	CHECK(check_content(in, 8192, 8192, 3, 0), "copied within one file");
	T_ERR(copy_file_range(in, (loff_t *)BAD_PTR, out, NULL, 100, 0), EFAULT);
	a = -1; /* Linux: the offset plus the length wraps (unsigned) */
	T_ERR(copy_file_range(in, &a, out, NULL, 100, 0), EOVERFLOW);
	close(d);
	close(ap);
	close(ro);
	close(in);
	close(out);
	unlink(path("cfr_in"));
	unlink(path("cfr_out"));
}

/* sendfile shares copy_file_range's copy loop: a file to a file with an
 * offset pointer and with the file position, and a file to a pipe. */
static void test_sendfile(void)
{
	int in = make_file("sf_in", 3 * 4096 + 10, 5);
	int out = T_SYS(open(path("sf_out"), O_CREAT | O_RDWR | O_TRUNC, 0644)), p[2];
	off_t off = 100;
	char b[64];

	CHECK(sendfile(out, in, &off, 8192) == 8192, "sendfile with an offset");
	CHECK(off == 100 + 8192 && lseek(in, 0, SEEK_CUR) == 3 * 4096 + 10,
	      "offset advanced, position kept: %lld", (long long)off);
	CHECK(check_content(out, 0, 8192, 5, 100), "data at the offset");
	T_SYS(lseek(in, 8192, SEEK_SET));
	CHECK(sendfile(out, in, NULL, 1 << 20) == 4096 + 10, "to the end of the file");
	CHECK(lseek(in, 0, SEEK_CUR) == 3 * 4096 + 10, "position moved");
	CHECK(check_content(out, 8192, 4096 + 10, 5, 8192), "data at the output position");
	CHECK(sendfile(out, in, NULL, 100) == 0, "at EOF: 0");
	T_SYS(pipe(p));
	off = 0;
	CHECK(sendfile(p[1], in, &off, 64) == 64, "to a pipe");
	CHECK(read(p[0], b, 64) == 64, "read the pipe");
	CHECK(check_content(in, 0, 64, 5, 0) && b[0] == (char)5 && b[63] == (char)(63 * 31 + 5),
	      "pipe data");
	T_ERR(sendfile(out, p[0], NULL, 10), EINVAL); /* the source must be a file */
	T_ERR(sendfile(-1, in, NULL, 10), EBADF);
	close(p[0]);
	close(p[1]);
	close(in);
	close(out);
	unlink(path("sf_in"));
	unlink(path("sf_out"));
}

static void test_rw2(void)
{
	int fd = T_SYS(open(path("rw2"), O_CREAT | O_RDWR | O_TRUNC, 0644));
	char a[] = "abcdef", b[] = "XYZ", r1[4] = { 0 }, r2[6] = { 0 };
	struct iovec w[2] = { { a, 6 }, { b, 3 } }, rv[2] = { { r1, 3 }, { r2, 6 } };

	CHECK(pwritev2(fd, w, 2, 0, 0) == 9, "pwritev2 at 0");
	CHECK(lseek(fd, 0, SEEK_CUR) == 0, "offset kept");
	CHECK(pwritev2(fd, w, 1, -1, 0) == 6, "pwritev2 at the file position");
	CHECK(lseek(fd, 0, SEEK_CUR) == 6, "offset moved");
	CHECK(preadv2(fd, rv, 2, 3, 0) == 6 && memcmp(r1, "def", 3) == 0 &&
		      memcmp(r2, "XYZ", 3) == 0,
	      "preadv2");
	T_SYS(lseek(fd, 0, SEEK_SET));
	CHECK(preadv2(fd, rv, 1, -1, 0) == 3 && memcmp(r1, "abc", 3) == 0, "preadv2 at position");
	CHECK(lseek(fd, 0, SEEK_CUR) == 3, "offset moved by preadv2");
	CHECK(pwritev2(fd, w + 1, 1, 0, RWF_APPEND) == 3, "RWF_APPEND");
	struct stat st;
	T_SYS(fstat(fd, &st));
	CHECK(st.st_size == 12, "RWF_APPEND wrote at the end: size %lld", (long long)st.st_size);
	CHECK(pwritev2(fd, w, 1, 0, RWF_DSYNC) == 6, "RWF_DSYNC");
	CHECK(preadv2(fd, rv, 1, 0, RWF_HIPRI) == 3, "RWF_HIPRI");
	T_ERR(preadv2(fd, rv, 1, 0, 0x40000000), EOPNOTSUPP);
	T_ERR(preadv2(-1, rv, 1, 0, 0), EBADF);
	close(fd);
	unlink(path("rw2"));
}

/* lseek on a file without holes: SEEK_DATA finds data where asked,
 * SEEK_HOLE the end; at or past the end both say ENXIO. */
static void test_seek_data_hole(void)
{
	int fd = make_file("seek", 3 * 4096 + 100, 4);
	off_t size = 3 * 4096 + 100;

	CHECK(lseek(fd, 0, SEEK_DATA) == 0, "SEEK_DATA 0");
	CHECK(lseek(fd, 5000, SEEK_DATA) == 5000, "SEEK_DATA 5000");
	CHECK(lseek(fd, 0, SEEK_HOLE) == size, "SEEK_HOLE: the end");
	CHECK(lseek(fd, 0, SEEK_CUR) == size, "the position moved to the hole");
	T_ERR(lseek(fd, size, SEEK_DATA), ENXIO);
	T_ERR(lseek(fd, size + 10, SEEK_HOLE), ENXIO);
	T_ERR(lseek(fd, -1, SEEK_DATA), ENXIO);
	CHECK(lseek(fd, -100, SEEK_END) == 3 * 4096, "SEEK_END");
	T_ERR(lseek(fd, -1, SEEK_SET), EINVAL);
	T_ERR(lseek(fd, 0, 42), EINVAL);
	close(fd);
	unlink(path("seek"));
}

static void test_utimes(void)
{
	char p[300];
	struct stat st;
	snprintf(p, sizeof(p), "%s", path("ut"));
	int fd = T_SYS(open(p, O_CREAT | O_RDWR | O_TRUNC, 0644));

	close(fd);
	struct utimbuf ub = { 1000000, 2000000 };
	T_SYS(utime(p, &ub));
	T_SYS(stat(p, &st));
	CHECK(st.st_atime == 1000000 && st.st_mtime == 2000000, "utime: %ld %ld", (long)st.st_atime,
	      (long)st.st_mtime);
	struct timeval tv[2] = { { 3000000, 500000 }, { 4000000, 250000 } };
	T_SYS(utimes(p, tv));
	T_SYS(stat(p, &st));
	CHECK(st.st_atime == 3000000 && st.st_mtim.tv_nsec == 250000000, "utimes: %ld %ld",
	      (long)st.st_atime, (long)st.st_mtim.tv_nsec);
	T_SYS(syscall(SYS_futimesat, AT_FDCWD, p, tv));
	T_SYS(utime(p, NULL));
	T_SYS(stat(p, &st));
	CHECK(st.st_mtime > 4000000, "utime(NULL) sets now: %ld", (long)st.st_mtime);
	tv[0].tv_usec = 1000000;
	T_ERR(utimes(p, tv), EINVAL);
	T_ERR(utime(path("missing"), NULL), ENOENT);
	T_ERR(utimes(p, BAD_PTR), EFAULT);
	unlink(p);
}

static void test_xattr(void)
{
	char p[300];
	char v[16];
	snprintf(p, sizeof(p), "%s", path("xa"));
	int fd = T_SYS(open(p, O_CREAT | O_RDWR | O_TRUNC, 0644));

	T_ERR(getxattr(path("missing"), "user.a", v, sizeof(v)), ENOENT);
	T_ERR(setxattr(path("missing"), "user.a", "1", 1, 0), ENOENT);
	T_ERR(listxattr(path("missing"), v, sizeof(v)), ENOENT);
	T_ERR(fgetxattr(-1, "user.a", v, sizeof(v)), EBADF);
	T_ERR(fsetxattr(-1, "user.a", "1", 1, 0), EBADF);
	T_ERR(setxattr(p, "", "1", 1, 0), ERANGE);
	T_ERR(setxattr(p, "user.a", "1", 1, 4), EINVAL);
	T_ERR(getxattr(p, BAD_PTR, v, sizeof(v)), EFAULT);
	errno = 0;
	long r = getxattr(p, "user.none", v, sizeof(v));
	/* a file system without xattrs says EOPNOTSUPP; one with them ENODATA */
	CHECK(r == -1 && (errno == EOPNOTSUPP || errno == ENODATA), "getxattr: %ld errno %d", r,
	      errno);
	if (errno == EOPNOTSUPP) {
		T_ERR(setxattr(p, "user.a", "1", 1, 0), EOPNOTSUPP);
		T_ERR(fsetxattr(fd, "user.a", "1", 1, XATTR_CREATE), EOPNOTSUPP);
		T_ERR(removexattr(p, "user.a"), EOPNOTSUPP);
		CHECK(listxattr(p, v, sizeof(v)) == 0, "empty list");
		CHECK(flistxattr(fd, v, sizeof(v)) == 0, "empty list (fd)");
		CHECK(llistxattr(p, NULL, 0) == 0, "empty list size");
	}
	close(fd);
	unlink(p);
}

int main(int argc, char **argv)
{
	t_start("t_fileops");
	snprintf(dir, sizeof(dir), "%s", argc > 1 ? argv[1] : "/t_fileops.d");
	if (mkdir(dir, 0755) && errno != EEXIST) {
		printf("t_fileops: cannot make %s: %s\n", dir, strerror(errno));
		return 1;
	}
	test_fadvise();
	test_sync_file_range();
	test_copy_file_range();
	test_sendfile();
	test_rw2();
	test_seek_data_hole();
	test_utimes();
	test_xattr();
	return t_done();
}
