/*
 * test_ext2_host.c - the host side of the ext2 tests: a scratch directory,
 * the known tree (test_ext2_tree.h) as real files, images made by mke2fs,
 * and the e2fsprogs checks (e2fsck -fn, debugfs, dumpe2fs).
 *
 * Built with the host's headers only (no kernel headers: their dev_t and
 * friends clash with libc's); the interface in test_ext2_lib.h uses plain
 * C types.  Scratch files live in one mkdtemp() directory per process,
 * removed at exit unless EXT2_TEST_KEEP is set.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test_ext2_lib.h"
#include "test_ext2_tree.h"

static char scratch[64];

static void remove_scratch(void)
{
	char cmd[128];

	if (scratch[0] && !getenv("EXT2_TEST_KEEP")) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", scratch);
		if (system(cmd) != 0)
			fprintf(stderr, "cannot remove %s\n", scratch);
	}
}

const char *t_tmpdir(void)
{
	if (!scratch[0]) {
		snprintf(scratch, sizeof(scratch), "/tmp/ext2test.XXXXXX");
		if (!mkdtemp(scratch)) {
			perror("mkdtemp");
			abort();
		}
		atexit(remove_scratch);
	}
	return scratch;
}

char *t_path(const char *name)
{
	char *p = malloc(strlen(t_tmpdir()) + strlen(name) + 2);

	sprintf(p, "%s/%s", t_tmpdir(), name);
	return p;
}

int t_sh(char **out, const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	FILE *f;
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	f = popen(cmd, "r");
	if (!f) {
		free(buf);
		return -1;
	}
	for (size_t n; (n = fread(buf + len, 1, cap - len - 1, f)) > 0;) {
		len += n;
		if (cap - len < 1024)
			buf = realloc(buf, cap *= 2);
	}
	buf[len] = 0;
	st = pclose(f);
	if (out)
		*out = buf;
	else
		free(buf);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void fill(int fd, uint64_t off, uint64_t len, uint32_t seed)
{
	static unsigned char buf[65536];

	while (len) {
		size_t n = len < sizeof(buf) ? (size_t)len : sizeof(buf);
		for (size_t i = 0; i < n; i++)
			buf[i] = t_pattern_byte(off + i, seed);
		if (pwrite(fd, buf, n, (off_t)off) != (ssize_t)n) {
			perror("pwrite");
			abort();
		}
		off += n;
		len -= n;
	}
}

static int make_node(const char *root, const struct t_node *n)
{
	char path[512], target[4100];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", root, n->path);
	switch (n->type) {
	case 'd':
		if (mkdir(path, 0700))
			return -1;
		break;
	case 'f':
	case 's':
		fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0600);
		if (fd < 0)
			return -1;
		if (n->type == 'f') {
			fill(fd, 0, n->size, n->seed);
		} else {
			for (int k = 0; k < 4 && n->ext[k].len; k++)
				fill(fd, n->ext[k].off, n->ext[k].len, n->seed);
			if (ftruncate(fd, (off_t)n->size))
				return -1;
		}
		close(fd);
		break;
	case 'l':
		t_link_target(n, target);
		if (symlink(target, path))
			return -1;
		return lchown(path, n->uid, n->gid);
	case 'h': {
		char old[512];
		snprintf(old, sizeof(old), "%s/%s", root, n->other);
		return link(old, path);
	}
	case 'p':
		if (mkfifo(path, 0600))
			return -1;
		break;
	case 'c':
		if (mknod(path, S_IFCHR | 0600, n->seed ? makedev(300, 70000) : makedev(1, 3)))
			return -1;
		break;
	}
	if (chmod(path, n->mode) || lchown(path, n->uid, n->gid))
		return -1;
	return chmod(path, n->mode); /* chown clears set-uid */
}

static int set_time(const char *path, int64_t sec, long nsec)
{
	struct timespec ts[2] = { { sec, nsec }, { sec, nsec } };

	return utimensat(AT_FDCWD, path, ts, AT_SYMLINK_NOFOLLOW);
}

int t_build_tree(const char *root)
{
	char path[512], name[80];

	if (mkdir(root, 0755) && errno != EEXIST)
		return -1;
	for (unsigned int i = 0; i < T_TREE_N; i++) {
		if (make_node(root, &t_tree[i])) {
			fprintf(stderr, "cannot make %s: %s\n", t_tree[i].path, strerror(errno));
			return -1;
		}
	}
	for (unsigned int i = 0; i < T_BIG_DIR_ENTRIES; i++) {
		int fd;
		t_big_name(i, name);
		snprintf(path, sizeof(path), "%s/big/%s", root, name);
		fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
		if (fd < 0)
			return -1;
		fill(fd, 0, t_big_size(i), i);
		close(fd);
	}
	/* Times last: creating entries changes the directories' times. */
	for (unsigned int i = 0; i < T_TREE_N; i++) {
		if (t_tree[i].type == 'h')
			continue;
		snprintf(path, sizeof(path), "%s/%s", root, t_tree[i].path);
		if (set_time(path, t_mtime(i), t_mtime_nsec(i)))
			return -1;
	}
	return 0;
}

int t_mkfs(const char *img, const char *srcdir, unsigned int mb, const char *opts)
{
	char *out = NULL;
	int rc;

	unlink(img);
	rc = t_sh(&out,
		  "E2FSPROGS_FAKE_TIME=1700000000 mke2fs -q -F -t ext2 -b 4096 "
		  "-U 6f1d0b4c-3d47-4b8e-9a3c-5e2f0d1a7b91 -E hash_seed=0b7c2f3e-1a5d-4e6f-8a9b-"
		  "0c1d2e3f4a5b %s %s%s '%s' %uM 2>&1",
		  opts ? opts : "", srcdir ? "-d " : "", srcdir ? srcdir : "", img, mb);
	if (rc)
		fprintf(stderr, "mke2fs failed (%d):\n%s\n", rc, out);
	free(out);
	return rc;
}

int t_fsck(const char *img)
{
	char *out = NULL;
	int rc = t_sh(&out, "e2fsck -fn '%s' 2>&1", img);

	/* Some findings (the superblock's free counts) leave the exit status
	 * 0 under -n; any question e2fsck asked is a finding. */
	if (!rc && strstr(out, "? no"))
		rc = 100;
	if (rc)
		fprintf(stderr, "e2fsck -fn %s: exit %d\n%s\n", img, rc, out);
	free(out);
	return rc;
}

/* A number after "label" in text, or -1. */
static long long find_number(const char *text, const char *label)
{
	const char *p = text ? strstr(text, label) : NULL;

	return p ? strtoll(p + strlen(label), NULL, 10) : -1;
}

long long t_debugfs_blockcount(const char *img, const char *path)
{
	char *out = NULL;
	long long n = -1;

	if (t_sh(&out, "debugfs -R 'stat \"/%s\"' '%s' 2>/dev/null", path, img) == 0)
		n = find_number(out, "Blockcount: ");
	free(out);
	return n;
}

long long t_dumpe2fs_field(const char *img, const char *label)
{
	char *out = NULL;
	long long n = -1;

	if (t_sh(&out, "dumpe2fs -h '%s' 2>/dev/null", img) == 0)
		n = find_number(out, label);
	free(out);
	return n;
}

int t_debugfs_cat(const char *img, const char *path, unsigned char **data, size_t *len)
{
	char *out = t_path("dump.out");
	FILE *f;
	long sz;
	int rc = t_sh(NULL, "rm -f '%s'; debugfs -R 'dump -p \"/%s\" %s' '%s' >/dev/null 2>&1", out,
		      path, out, img);

	f = rc ? NULL : fopen(out, "rb");
	if (!f) {
		free(out);
		return -1;
	}
	fseek(f, 0, SEEK_END);
	sz = ftell(f);
	fseek(f, 0, SEEK_SET);
	*data = malloc(sz ? (size_t)sz : 1);
	*len = fread(*data, 1, (size_t)sz, f);
	fclose(f);
	unlink(out);
	free(out);
	return *len == (size_t)sz ? 0 : -1;
}

int t_file_size(const char *path, long long *size)
{
	struct stat st;

	if (stat(path, &st))
		return -1;
	*size = st.st_size;
	return 0;
}

int t_copy_file(const char *from, const char *to)
{
	return t_sh(NULL, "cp --sparse=always '%s' '%s'", from, to);
}

int t_patch(const char *img, unsigned long long off, const void *bytes, unsigned int len)
{
	int fd = open(img, O_WRONLY);
	int rc;

	if (fd < 0)
		return -1;
	rc = pwrite(fd, bytes, len, (off_t)off) == (ssize_t)len ? 0 : -1;
	close(fd);
	return rc;
}

int t_peek(const char *img, unsigned long long off, void *bytes, unsigned int len)
{
	int fd = open(img, O_RDONLY);
	int rc;

	if (fd < 0)
		return -1;
	rc = pread(fd, bytes, len, (off_t)off) == (ssize_t)len ? 0 : -1;
	close(fd);
	return rc;
}
