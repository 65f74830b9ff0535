/*
 * t_files.c - file-system calls on the initramfs (ramfs): normal and error
 * paths, including -EFAULT for bad pointers and -EBADF for bad fds.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>
#include "t.h"

#define BAD_PTR ((void *)0x10)
#define KERNEL_PTR ((void *)0xffffffff80200000UL)

static void test_open_read_write(void)
{
	char buf[64];
	int fd = T_SYS(open("/tmp/t_files/a", O_CREAT | O_RDWR | O_TRUNC, 0644));

	CHECK(write(fd, "hello world", 11) == 11, "write");
	CHECK(lseek(fd, 0, SEEK_CUR) == 11, "offset after write");
	CHECK(lseek(fd, 6, SEEK_SET) == 6, "lseek SET");
	CHECK(read(fd, buf, sizeof(buf)) == 5 && memcmp(buf, "world", 5) == 0, "read back");
	CHECK(read(fd, buf, sizeof(buf)) == 0, "read at EOF returns 0");
	CHECK(pread(fd, buf, 5, 0) == 5 && memcmp(buf, "hello", 5) == 0, "pread");
	CHECK(pwrite(fd, "HELLO", 5, 0) == 5, "pwrite");
	CHECK(lseek(fd, 0, SEEK_CUR) == 11, "pread/pwrite keep the offset");
	CHECK(lseek(fd, 0, SEEK_END) == 11, "SEEK_END");
	T_ERR(lseek(fd, -100, SEEK_SET), EINVAL);
	/* a hole reads as zeros */
	CHECK(pwrite(fd, "Z", 1, 8192) == 1, "write past EOF");
	CHECK(pread(fd, buf, 4, 4096) == 4 && buf[0] == 0 && buf[3] == 0, "hole reads zeros");
	struct stat st;
	T_SYS(fstat(fd, &st));
	CHECK(st.st_size == 8193, "size %lld", (long long)st.st_size);
	CHECK(S_ISREG(st.st_mode) && (st.st_mode & 0777) == 0644, "mode %o", st.st_mode);
	/* readv/writev */
	struct iovec iov[2] = { { "ab", 2 }, { "cd", 2 } };
	CHECK(pwritev(fd, iov, 2, 0) == 4, "pwritev");
	char x[2], y[2];
	struct iovec riov[2] = { { x, 2 }, { y, 2 } };
	CHECK(preadv(fd, riov, 2, 0) == 4 && x[0] == 'a' && y[1] == 'd', "preadv");
	/* bad pointers */
	T_ERR(read(fd, BAD_PTR, 10), EFAULT);
	T_ERR(write(fd, BAD_PTR, 10), EFAULT);
	T_ERR(read(fd, KERNEL_PTR, 10), EFAULT);
	T_ERR(syscall(SYS_fstat, fd, BAD_PTR), EFAULT);
	T_ERR(open(BAD_PTR, O_RDONLY), EFAULT);
	T_SYS(close(fd));
	T_ERR(close(fd), EBADF);
	T_ERR(read(fd, buf, 1), EBADF);
	T_ERR(write(9999, buf, 1), EBADF);
	T_ERR(open("/tmp/t_files/nonexistent", O_RDONLY), ENOENT);
	T_ERR(open("/tmp/t_files/a/b", O_RDONLY), ENOTDIR);
	T_ERR(open("/tmp/t_files/a", O_CREAT | O_EXCL | O_WRONLY, 0644), EEXIST);
	fd = T_SYS(open("/tmp/t_files/a", O_RDONLY));
	T_ERR(write(fd, "x", 1), EBADF);
	close(fd);
	fd = T_SYS(open("/tmp/t_files/a", O_WRONLY | O_APPEND));
	CHECK(write(fd, "E", 1) == 1, "append");
	T_SYS(fstat(fd, &st));
	CHECK(st.st_size == 8194, "append went to the end: %lld", (long long)st.st_size);
	close(fd);
	T_SYS(truncate("/tmp/t_files/a", 3));
	T_SYS(stat("/tmp/t_files/a", &st));
	CHECK(st.st_size == 3, "truncate");
}

static void test_dirs(void)
{
	struct stat st;
	char cwd[256];
	int fd, n, found = 0;
	char buf[1024];

	T_SYS(mkdir("/tmp/t_files/d", 0755));
	T_ERR(mkdir("/tmp/t_files/d", 0755), EEXIST);
	T_ERR(mkdir("/tmp/t_files/nope/d", 0755), ENOENT);
	T_SYS(stat("/tmp/t_files/d", &st));
	CHECK(S_ISDIR(st.st_mode), "is a directory");
	close(T_SYS(open("/tmp/t_files/d/f1", O_CREAT | O_WRONLY, 0600)));
	close(T_SYS(open("/tmp/t_files/d/f2", O_CREAT | O_WRONLY, 0600)));
	T_ERR(rmdir("/tmp/t_files/d"), ENOTEMPTY);
	fd = T_SYS(open("/tmp/t_files/d", O_RDONLY | O_DIRECTORY));
	while ((n = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0) {
		for (int off = 0; off < n;) {
			struct dirent64 *d = (struct dirent64 *)(buf + off);
			if (!strcmp(d->d_name, "f1") || !strcmp(d->d_name, "f2") ||
			    !strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
				found++;
			off += d->d_reclen;
		}
	}
	CHECK(n == 0, "getdents64 ends with 0");
	CHECK(found == 4, "getdents64 found %d of 4 entries", found);
	lseek(fd, 0, SEEK_SET);
	T_ERR(syscall(SYS_getdents64, fd, BAD_PTR, 1024), EFAULT);
	close(fd);
	T_SYS(rename("/tmp/t_files/d/f1", "/tmp/t_files/d/g1"));
	T_ERR(stat("/tmp/t_files/d/f1", &st), ENOENT);
	T_SYS(stat("/tmp/t_files/d/g1", &st));
	T_SYS(rename("/tmp/t_files/d/g1", "/tmp/t_files/g1")); /* across directories */
	T_SYS(rename("/tmp/t_files/g1", "/tmp/t_files/d/f2")); /* replaces a target */
	T_SYS(unlink("/tmp/t_files/d/f2"));
	T_ERR(unlink("/tmp/t_files/d/f2"), ENOENT);
	T_ERR(unlink("/tmp/t_files/d"), EISDIR);
	T_SYS(rmdir("/tmp/t_files/d"));
	T_ERR(rmdir("/tmp/t_files/d"), ENOENT);
	T_SYS(chdir("/tmp/t_files"));
	CHECK(getcwd(cwd, sizeof(cwd)) && !strcmp(cwd, "/tmp/t_files"), "getcwd %s", cwd);
	T_ERR(syscall(SYS_getcwd, cwd, 2), ERANGE);
	T_SYS(mkdir("sub", 0700));
	T_SYS(chdir("sub/.."));
	CHECK(getcwd(cwd, sizeof(cwd)) && !strcmp(cwd, "/tmp/t_files"), "getcwd after ..");
	fd = T_SYS(open("sub", O_RDONLY | O_DIRECTORY));
	T_SYS(fchdir(fd));
	CHECK(getcwd(cwd, sizeof(cwd)) && !strcmp(cwd, "/tmp/t_files/sub"), "fchdir");
	close(fd);
	T_SYS(chdir("/"));
	T_ERR(chdir("/tmp/t_files/a"), ENOTDIR);
	T_SYS(access("/tmp/t_files/a", R_OK | W_OK));
	T_ERR(access("/tmp/t_files/zzz", F_OK), ENOENT);
	T_SYS(faccessat(AT_FDCWD, "/tmp/t_files/a", R_OK, 0));
	/* symlinks */
	T_SYS(symlink("a", "/tmp/t_files/link"));
	T_SYS(lstat("/tmp/t_files/link", &st));
	CHECK(S_ISLNK(st.st_mode), "lstat sees the link");
	T_SYS(stat("/tmp/t_files/link", &st));
	CHECK(S_ISREG(st.st_mode) && st.st_size == 3, "stat follows the link");
	CHECK(readlink("/tmp/t_files/link", cwd, sizeof(cwd)) == 1 && cwd[0] == 'a', "readlink");
	T_SYS(symlink("loop2", "/tmp/t_files/loop1"));
	T_SYS(symlink("loop1", "/tmp/t_files/loop2"));
	T_ERR(open("/tmp/t_files/loop1", O_RDONLY), ELOOP);
	T_SYS(fstatat(AT_FDCWD, "/tmp/t_files/link", &st, AT_SYMLINK_NOFOLLOW));
	CHECK(S_ISLNK(st.st_mode), "newfstatat AT_SYMLINK_NOFOLLOW");
	unsigned long long sx[32]; /* struct statx: stx_size at byte 40 */
	T_SYS(syscall(SYS_statx, AT_FDCWD, "/tmp/t_files/a", 0, 0x7ff, sx));
	CHECK(sx[5] == 3, "statx size %llu", sx[5]);
}

static void test_fds(void)
{
	int p[2], fd, fd2;
	char c;

	fd = T_SYS(open("/tmp/t_files/a", O_RDONLY));
	fd2 = T_SYS(dup(fd));
	CHECK(fd2 != fd, "dup gives a new fd");
	CHECK(lseek(fd, 1, SEEK_SET) == 1 && lseek(fd2, 0, SEEK_CUR) == 1, "dup shares the offset");
	CHECK(dup2(fd, 50) == 50, "dup2");
	CHECK(dup2(50, 50) == 50, "dup2 same fd");
	T_ERR(dup2(fd, -1), EBADF);
	T_ERR(dup3(fd, fd, 0), EINVAL);
	CHECK(dup3(fd, 51, O_CLOEXEC) == 51, "dup3");
	CHECK(fcntl(51, F_GETFD) == FD_CLOEXEC, "dup3 O_CLOEXEC sets FD_CLOEXEC");
	T_SYS(fcntl(51, F_SETFD, 0));
	CHECK(fcntl(51, F_GETFD) == 0, "F_SETFD");
	CHECK(fcntl(fd, F_DUPFD, 60) >= 60, "F_DUPFD");
	CHECK((fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDONLY, "F_GETFL");
	T_SYS(fcntl(fd, F_SETFL, O_NONBLOCK));
	CHECK(fcntl(fd, F_GETFL) & O_NONBLOCK, "F_SETFL O_NONBLOCK");
	T_ERR(fcntl(999, F_GETFD), EBADF);
	close(fd);
	close(fd2);
	close(50);
	close(51);
	T_SYS(pipe(p));
	CHECK(write(p[1], "x", 1) == 1 && read(p[0], &c, 1) == 1 && c == 'x', "pipe round trip");
	T_SYS(fcntl(p[0], F_SETFL, O_NONBLOCK));
	T_ERR(read(p[0], &c, 1), EAGAIN);
	close(p[1]);
	CHECK(read(p[0], &c, 1) == 0, "EOF when the writer closes");
	close(p[0]);
	T_SYS(pipe2(p, O_CLOEXEC));
	CHECK(fcntl(p[0], F_GETFD) == FD_CLOEXEC, "pipe2 O_CLOEXEC");
	T_ERR(syscall(SYS_pipe2, BAD_PTR, 0), EFAULT);
	close(p[0]);
	close(p[1]);
}

int main(void)
{
	t_start("t_files");
	mkdir("/tmp", 01777);
	system("rm -rf /tmp/t_files");
	T_SYS(mkdir("/tmp/t_files", 0755));
	test_open_read_write();
	test_dirs();
	test_fds();
	return t_done();
}
