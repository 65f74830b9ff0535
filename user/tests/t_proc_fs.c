/*
 * t_proc_fs.c - procfs content: /proc/self, /proc/<pid>/{stat,status,
 * cmdline,exe,fd,cwd,maps}, /proc/mounts, meminfo against sysinfo(2),
 * uptime, a child's directory appearing and disappearing, and writes that
 * must fail.  (t_proc.c tests processes, not this file system.)
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <unistd.h>
#include "t.h"

/* The whole file (NUL-terminated, length in *len), read in small chunks. */
static char *slurp(const char *path, size_t *len, size_t chunk)
{
	size_t size = 4096, n = 0;
	char *buf = malloc(size + 1);
	int fd = open(path, O_RDONLY);
	ssize_t r;

	if (fd < 0 || !buf) {
		free(buf);
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	for (;;) {
		if (n + chunk > size) {
			char *bigger = realloc(buf, size * 2 + 1);
			if (!bigger)
				break;
			buf = bigger;
			size *= 2;
		}
		r = read(fd, buf + n, chunk);
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = 0;
	if (len)
		*len = n;
	return buf;
}

static long meminfo_kb(const char *text, const char *key)
{
	const char *p = strstr(text, key);

	return p ? strtol(p + strlen(key), NULL, 10) : -1;
}

static void test_self(void)
{
	char buf[64], want[64];
	ssize_t n = readlink("/proc/self", buf, sizeof(buf) - 1);
	struct stat st;

	CHECK(n > 0, "readlink /proc/self: %s", strerror(errno));
	buf[n > 0 ? n : 0] = 0;
	snprintf(want, sizeof(want), "%d", getpid());
	CHECK(strcmp(buf, want) == 0, "/proc/self -> %s, pid %s", buf, want);
	T_SYS(stat("/proc/self", &st));
	CHECK(S_ISDIR(st.st_mode), "/proc/self is a directory");
	T_SYS(lstat("/proc/self", &st));
	CHECK(S_ISLNK(st.st_mode), "/proc/self is a symlink");
}

static void test_stat(void)
{
	char *s = slurp("/proc/self/stat", NULL, 7), comm[64], state;
	int pid = 0, ppid = 0, fields = 0;

	CHECK(s != NULL, "read /proc/self/stat");
	if (!s)
		return;
	CHECK(sscanf(s, "%d (%63[^)]) %c %d", &pid, comm, &state, &ppid) == 4, "parse: %s", s);
	CHECK(pid == getpid(), "pid %d vs %d", pid, getpid());
	CHECK(ppid == getppid(), "ppid %d vs %d", ppid, getppid());
	CHECK(strcmp(comm, "t_proc_fs") == 0, "comm %s", comm);
	CHECK(state == 'R', "state %c", state);
	for (char *p = strrchr(s, ')'); p && *p; p++)
		if (*p == ' ')
			fields++;
	CHECK(fields + 2 == 52, "%d fields: %s", fields + 2, s);
	free(s);

	s = slurp("/proc/self/status", NULL, 64);
	CHECK(s != NULL, "read /proc/self/status");
	if (s) {
		char line[64];
		snprintf(line, sizeof(line), "\nPid:\t%d\n", getpid());
		CHECK(strstr(s, line) != NULL, "status Pid: %s", s);
		snprintf(line, sizeof(line), "\nPPid:\t%d\n", getppid());
		CHECK(strstr(s, line) != NULL, "status PPid: %s", s);
		CHECK(strncmp(s, "Name:\tt_proc_fs\n", 16) == 0, "status Name: %s", s);
		CHECK(strstr(s, "\nThreads:\t1\n") != NULL, "status Threads");
		CHECK(strstr(s, "\nVmRSS:") != NULL, "status VmRSS");
		free(s);
	}
	s = slurp("/proc/self/comm", NULL, 3);
	CHECK(s && strcmp(s, "t_proc_fs\n") == 0, "comm: %s", s ? s : "(null)");
	free(s);
}

static void test_cmdline(int argc, char **argv)
{
	size_t len, want = 0;
	char *s = slurp("/proc/self/cmdline", &len, 5), *p;

	for (int i = 0; i < argc; i++)
		want += strlen(argv[i]) + 1;
	CHECK(s && len == want, "cmdline length %zu, want %zu", len, want);
	p = s;
	for (int i = 0; s && i < argc && p < s + len; i++) {
		CHECK(strcmp(p, argv[i]) == 0, "argv[%d] %s vs %s", i, p, argv[i]);
		p += strlen(p) + 1;
	}
	free(s);
}

static void test_links(void)
{
	char buf[256], cwd[256];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
	int fd;

	CHECK(n > 0, "readlink exe: %s", strerror(errno));
	buf[n > 0 ? n : 0] = 0;
	CHECK(n >= 10 && strcmp(buf + n - 10, "/t_proc_fs") == 0, "exe -> %s", buf);

	mkdir("/tmp", 01777); /* may exist */
	T_SYS(mkdir("/tmp/t_proc_fs", 0755));
	fd = T_SYS(open("/tmp/t_proc_fs/file", O_CREAT | O_RDWR, 0644));
	snprintf(cwd, sizeof(cwd), "/proc/self/fd/%d", fd);
	n = readlink(cwd, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = 0;
	CHECK(n > 0 && strcmp(buf, "/tmp/t_proc_fs/file") == 0, "fd/%d -> %s", fd, buf);
	/* Opening the link reaches the same file. */
	CHECK(write(fd, "hello", 5) == 5, "write");
	int fd2 = T_SYS(open(cwd, O_RDONLY));
	CHECK(read(fd2, buf, 5) == 5 && memcmp(buf, "hello", 5) == 0, "read through fd link");
	close(fd2);
	/* the fd directory lists it */
	DIR *d = opendir("/proc/self/fd");
	bool found = false, found0 = false;
	struct dirent *e;
	CHECK(d != NULL, "opendir fd");
	while (d && (e = readdir(d))) {
		if (atoi(e->d_name) == fd && e->d_name[0] != '.')
			found = true;
		if (strcmp(e->d_name, "0") == 0)
			found0 = true;
	}
	if (d)
		closedir(d);
	CHECK(found && found0, "fd/ lists %d and 0", fd);
	close(fd);
	T_ERR(readlink(cwd, buf, sizeof(buf)), ENOENT);
	/* pipes */
	int p[2];
	T_SYS(pipe(p));
	snprintf(cwd, sizeof(cwd), "/proc/self/fd/%d", p[0]);
	n = readlink(cwd, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = 0;
	CHECK(n > 0 && strncmp(buf, "pipe:[", 6) == 0, "pipe fd -> %s", buf);
	close(p[0]);
	close(p[1]);

	T_SYS(chdir("/tmp/t_proc_fs"));
	n = readlink("/proc/self/cwd", buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = 0;
	CHECK(n > 0 && strcmp(buf, "/tmp/t_proc_fs") == 0, "cwd -> %s", buf);
	T_SYS(chdir("/"));
	n = readlink("/proc/self/root", buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = 0;
	CHECK(n == 1 && buf[0] == '/', "root -> %s", buf);
	unlink("/tmp/t_proc_fs/file");
	rmdir("/tmp/t_proc_fs");

	char *maps = slurp("/proc/self/maps", NULL, 100);
	CHECK(maps && strstr(maps, "t_proc_fs\n") && strstr(maps, "[stack]"), "maps: %s",
	      maps ? maps : "(null)");
	free(maps);
}

static void test_mounts(void)
{
	char *s = slurp("/proc/mounts", NULL, 10), *t;

	CHECK(s != NULL, "read /proc/mounts");
	CHECK(s && (strncmp(s, "rootfs / ", 9) == 0 || strstr(s, " / ")), "root entry: %s",
	      s ? s : "");
	CHECK(s && strstr(s, " /proc proc "), "proc entry: %s", s ? s : "");
	t = slurp("/proc/self/mounts", NULL, 4096);
	CHECK(s && t && strcmp(s, t) == 0, "self/mounts equals mounts");
	free(s);
	free(t);
}

static void test_meminfo(void)
{
	char *s = slurp("/proc/meminfo", NULL, 13);
	struct sysinfo si;
	long total, freek, avail;

	CHECK(s != NULL, "read meminfo");
	if (!s)
		return;
	total = meminfo_kb(s, "MemTotal:");
	freek = meminfo_kb(s, "MemFree:");
	avail = meminfo_kb(s, "MemAvailable:");
	CHECK(total > freek && freek > 0, "MemTotal %ld MemFree %ld", total, freek);
	CHECK(avail >= freek / 2 && avail <= total, "MemAvailable %ld", avail);
	CHECK(meminfo_kb(s, "Cached:") >= 0 && meminfo_kb(s, "Dirty:") >= 0, "Cached/Dirty");
	T_SYS(sysinfo(&si));
	long st = (long)(si.totalram * si.mem_unit / 1024);
	long sf = (long)(si.freeram * si.mem_unit / 1024);
	CHECK(total == st || labs(total - st) < st / 50, "MemTotal %ld vs sysinfo %ld", total, st);
	CHECK(labs(freek - sf) < st / 10, "MemFree %ld vs sysinfo %ld", freek, sf);
	free(s);
}

static double uptime_now(void)
{
	char *s = slurp("/proc/uptime", NULL, 3);
	double up = -1, idle = -1;

	if (s && sscanf(s, "%lf %lf", &up, &idle) != 2)
		up = -1;
	free(s);
	return up;
}

static void test_uptime(void)
{
	double a = uptime_now(), b;

	CHECK(a > 0, "uptime %f", a);
	usleep(120 * 1000);
	b = uptime_now();
	CHECK(b > a, "uptime goes up: %f then %f", a, b);
	char *s = slurp("/proc/loadavg", NULL, 4);
	int run = 0, total = 0, last = 0;
	CHECK(s && sscanf(s, "%*s %*s %*s %d/%d %d", &run, &total, &last) == 3 && run >= 1 &&
		      total >= 1 && last > 0,
	      "loadavg: %s", s ? s : "");
	free(s);
	s = slurp("/proc/stat", NULL, 4096);
	CHECK(s && strncmp(s, "cpu ", 4) == 0 && strstr(s, "\nbtime ") && strstr(s, "\nprocesses "),
	      "stat: %s", s ? s : "");
	free(s);
	s = slurp("/proc/cpuinfo", NULL, 4096);
	CHECK(s && strncmp(s, "processor\t: 0\n", 14) == 0 && strstr(s, "model name"),
	      "cpuinfo: %s", s ? s : "");
	free(s);
	s = slurp("/proc/filesystems", NULL, 4096);
	CHECK(s && strstr(s, "nodev\tproc\n"), "filesystems: %s", s ? s : "");
	free(s);
}

static bool listed(const char *dir, const char *name)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	bool found = false;

	while (d && (e = readdir(d)))
		if (strcmp(e->d_name, name) == 0)
			found = true;
	if (d)
		closedir(d);
	return found;
}

static void test_child(void)
{
	int p[2], status;
	char path[64], name[16], c;
	struct stat st;
	pid_t pid;

	T_SYS(pipe(p));
	pid = fork();
	if (pid == 0) {
		close(p[1]);
		read(p[0], &c, 1); /* until the parent closes */
		_exit(0);
	}
	CHECK(pid > 0, "fork");
	snprintf(path, sizeof(path), "/proc/%d", pid);
	snprintf(name, sizeof(name), "%d", pid);
	T_SYS(stat(path, &st));
	CHECK(S_ISDIR(st.st_mode), "child dir");
	CHECK(listed("/proc", name), "/proc lists the child");
	CHECK(listed("/proc", "1"), "/proc lists init");
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	char *s = slurp(path, NULL, 4096);
	int ppid = 0;
	CHECK(s && sscanf(s, "%*d (%*[^)]) %*c %d", &ppid) == 1 && ppid == getpid(),
	      "child's ppid: %s", s ? s : "");
	free(s);
	close(p[1]);
	close(p[0]);
	T_SYS(waitpid(pid, &status, 0));
	snprintf(path, sizeof(path), "/proc/%d", pid);
	T_ERR(stat(path, &st), ENOENT);
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	T_ERR(open(path, O_RDONLY), ENOENT);
	CHECK(!listed("/proc", name), "the reaped child is not listed");
}

static void test_writes(void)
{
	int fd = open("/proc/meminfo", O_WRONLY);

	/* Linux: EACCES for non-root; root opens it and the write fails with EIO. */
	if (fd < 0) {
		CHECK(errno == EACCES, "open meminfo for writing: %s", strerror(errno));
	} else {
		errno = 0;
		CHECK(write(fd, "x", 1) == -1 && (errno == EIO || errno == EINVAL),
		      "write meminfo: %s", strerror(errno));
		close(fd);
	}
	fd = open("/proc/self/stat", O_RDWR);
	if (fd < 0) {
		CHECK(errno == EACCES, "open stat O_RDWR: %s", strerror(errno));
	} else {
		errno = 0;
		CHECK(write(fd, "x", 1) == -1 && (errno == EIO || errno == EINVAL),
		      "write stat: %s", strerror(errno));
		close(fd);
	}
	fd = open("/proc/t_proc_fs_new", O_CREAT | O_WRONLY, 0644);
	CHECK(fd == -1 && (errno == EACCES || errno == ENOENT), "create in /proc: %d %s", fd,
	      strerror(errno));
	T_ERR(open("/proc/nonexistent", O_RDONLY), ENOENT);
	T_ERR(open("/proc/self/nonexistent", O_RDONLY), ENOENT);
	T_ERR(open("/proc/999999/stat", O_RDONLY), ENOENT);
}

static void test_seek(void)
{
	size_t len;
	char *whole = slurp("/proc/self/status", &len, 4096), buf[16];
	int fd = T_SYS(open("/proc/self/status", O_RDONLY));

	CHECK(lseek(fd, 5, SEEK_SET) == 5, "lseek");
	CHECK(read(fd, buf, 4) == 4 && whole && memcmp(buf, whole + 5, 4) == 0, "read after lseek");
	CHECK(pread(fd, buf, 4, 0) == 4 && memcmp(buf, "Name", 4) == 0, "pread");
	close(fd);
	free(whole);
}

int main(int argc, char **argv)
{
	struct stat st;

	t_start("t_proc_fs");
	if (stat("/proc/self", &st) != 0)
		T_SYS(mount("proc", "/proc", "proc", 0, NULL));
	test_self();
	test_stat();
	test_cmdline(argc, argv);
	test_links();
	test_mounts();
	test_meminfo();
	test_uptime();
	test_child();
	test_writes();
	test_seek();
	return t_done();
}
