/*
 * test_ext2_write.c - changing an ext2 volume through the real VFS and
 * fs/ext2 on the host shim, then checking it from outside: after every
 * test the image is unmounted and `e2fsck -fn` must find nothing wrong
 * (bitmaps, counts, link counts, i_size/i_blocks, directory structure);
 * contents are checked again after a remount and with debugfs's own
 * reader.  Covers writes of every size class (direct to double indirect),
 * sparse writes up to triple indirect blocks, truncation (shrink across
 * every level, grow, partial blocks), directories with thousands of
 * entries, rename (within and across directories, over files and empty
 * directories, moving directories), hole punching (fallocate PUNCH_HOLE
 * across every level, partial blocks, emptied indirect blocks freed),
 * links, symlinks, attributes, statfs,
 * unlinked open files, ENOSPC, concurrent writers, and changes to an image
 * that mke2fs -d filled.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "test_ext2_lib.h"
#include "test_ext2_tree.h"

#define MIN(a, b) ((a) < (b) ? (a) : (b))

static char *img;

static int setup_all(void **state)
{
	k_setup();
	img = t_path("write.img");
	return 0;
}

/* A fresh empty volume of mb MiB, mounted. */
static void fresh(unsigned int mb, const char *opts)
{
	assert_int_equal(t_mkfs(img, NULL, mb, opts), 0);
	assert_int_equal(k_mount(img, 0), 0);
}

static void check_fsck(void)
{
	assert_int_equal(k_umount(), 0);
	assert_int_equal(t_fsck(img), 0);
}

static void remount(void)
{
	check_fsck();
	assert_int_equal(k_mount(img, 0), 0);
}

static void write_pattern(const char *path, unsigned long long off, unsigned long long len,
			  uint32_t seed, unsigned int chunk)
{
	unsigned char *buf = malloc(chunk);
	int err;
	void *f = k_open(path, O_WRONLY | O_CREAT, 0644, &err);

	assert_non_null(f);
	for (unsigned long long done = 0; done < len;) {
		unsigned long long n = len - done < chunk ? len - done : chunk;
		for (unsigned long long i = 0; i < n; i++)
			buf[i] = t_pattern_byte(off + done + i, seed);
		assert_int_equal(k_pwrite(f, off + done, buf, n), (long long)n);
		done += n;
	}
	k_close(f);
	free(buf);
}

/* Checks [off, off+len) of path: pattern where data(off) says, else zero. */
static void check_bytes(const char *path, unsigned long long off, unsigned long long len,
			uint32_t seed, int (*data)(unsigned long long))
{
	unsigned char *buf = malloc(len ? len : 1);

	assert_int_equal(k_read(path, off, buf, len), (long long)len);
	for (unsigned long long i = 0; i < len; i++) {
		unsigned char want = !data || data(off + i) ? t_pattern_byte(off + i, seed) : 0;
		if (buf[i] != want)
			fail_msg("%s: byte %llu is %#x, expected %#x", path, off + i, buf[i], want);
	}
	free(buf);
}

static void check_file(const char *path, unsigned long long size, uint32_t seed)
{
	struct k_stat st;
	char c;

	assert_int_equal(k_stat(path, &st, 0), 0);
	assert_int_equal(st.size, size);
	check_bytes(path, 0, size, seed, NULL);
	assert_int_equal(k_read(path, size, &c, 1), 0);
}

/* debugfs reads the file from the image (after unmount). */
static void check_host(const char *path, unsigned long long size, uint32_t seed)
{
	unsigned char *data;
	size_t len;

	assert_int_equal(t_debugfs_cat(img, path, &data, &len), 0);
	assert_int_equal(len, size);
	for (size_t i = 0; i < len; i++)
		if (data[i] != t_pattern_byte(i, seed))
			fail_msg("debugfs %s: byte %zu differs", path, i);
	free(data);
}

static const unsigned long long sizes[] = {
	0,
	1,
	100,
	T_BLK - 1,
	T_BLK,
	T_BLK + 1,
	T_IND_START,
	T_IND_START + 1,
	T_DIND_START - 1,
	T_DIND_START + 5,
	9 * 1024 * 1024 + 77,
};
#define NSIZES (sizeof(sizes) / sizeof(sizes[0]))

static void test_write_sizes(void **state)
{
	char path[32];
	static const unsigned int chunks[] = { 1000, 4096, 65536, 7, 300000 };

	fresh(64, NULL);
	for (unsigned int i = 0; i < NSIZES; i++) {
		snprintf(path, sizeof(path), "f%u", i);
		write_pattern(path, 0, sizes[i], 100 + i, chunks[i % 5] > 7 ? chunks[i % 5] : 4093);
		check_file(path, sizes[i], 100 + i);
	}
	remount();
	for (unsigned int i = 0; i < NSIZES; i++) {
		snprintf(path, sizeof(path), "f%u", i);
		check_file(path, sizes[i], 100 + i);
	}
	/* overwrite in the middle, append */
	write_pattern("f10", 12345, 50000, 110, 3333);
	check_file("f10", sizes[10], 110);
	assert_int_equal(k_append("f1", "", 0), 0);
	write_pattern("f2", 100, 5000, 102, 999);
	check_file("f2", 5100, 102);
	check_fsck();
	for (unsigned int i = 0; i < NSIZES; i++) {
		snprintf(path, sizeof(path), "f%u", i);
		check_host(path, i == 2 ? 5100 : sizes[i], 100 + i);
	}
}

static unsigned long long sparse_offs[] = {
	0,
	50 * T_BLK + 5,
	T_IND_START + 4000,
	T_DIND_START + 123,
	100ULL << 20,
	T_TIND_START - 3,
	T_TIND_START + (5ULL << 30) + 17,
};
#define NSPARSE (sizeof(sparse_offs) / sizeof(sparse_offs[0]))

static int sparse_data(unsigned long long off)
{
	for (unsigned int i = 0; i < NSPARSE; i++)
		if (off >= sparse_offs[i] && off < sparse_offs[i] + 10)
			return 1;
	return 0;
}

static void check_sparse(const char *path)
{
	unsigned long long end = sparse_offs[NSPARSE - 1] + 10;

	for (unsigned int i = 0; i < NSPARSE; i++) {
		unsigned long long lo = sparse_offs[i] > T_BLK ? sparse_offs[i] - T_BLK : 0;
		check_bytes(path, lo, MIN(3 * T_BLK, end - lo), 7, sparse_data);
	}
}

static void test_sparse(void **state)
{
	struct k_stat st;

	fresh(64, NULL);
	for (unsigned int i = 0; i < NSPARSE; i++)
		write_pattern("sparse", sparse_offs[i], 10, 7, 10);
	assert_int_equal(k_stat("sparse", &st, 0), 0);
	assert_int_equal(st.size, sparse_offs[NSPARSE - 1] + 10);
	/* 8 data blocks + 1 + 2 + 3 + 3 + 3 indirect (the two tind offsets
	 * share the tind block but not its children) -- a few dozen sectors */
	assert_true(st.blocks > 0 && st.blocks < 30 * 8);
	check_sparse("sparse");
	remount();
	check_sparse("sparse");
	assert_int_equal(k_stat("sparse", &st, 0), 0);
	long long sectors = (long long)st.blocks;
	check_fsck();
	assert_int_equal(t_debugfs_blockcount(img, "sparse"), sectors);
}

static void test_truncate(void **state)
{
	static const unsigned long long steps[] = {
		9 * 1024 * 1024,
		5 * 1024 * 1024 + 3,
		T_DIND_START,
		T_DIND_START - 1,
		100 * 1024,
		T_IND_START,
		40 * 1024,
		4097,
		4096,
		5,
		0,
	};
	struct k_stat st;
	unsigned char buf[T_BLK];

	fresh(64, NULL);
	write_pattern("t", 0, steps[0], 3, 65536);
	for (unsigned int i = 1; i < sizeof(steps) / sizeof(steps[0]); i++) {
		assert_int_equal(k_truncate("t", steps[i]), 0);
		check_file("t", steps[i], 3);
		assert_int_equal(k_stat("t", &st, 0), 0);
		assert_true(st.blocks >= (steps[i] + T_BLK - 1) / T_BLK * 8);
	}
	assert_int_equal(st.blocks, 0);
	/* grow: a hole reads as zeros; a partial block was zeroed on disk */
	write_pattern("g", 0, 3 * T_BLK, 4, 4096);
	assert_int_equal(k_truncate("g", 5000), 0);
	assert_int_equal(k_truncate("g", 3 * T_BLK), 0);
	assert_int_equal(k_read("g", T_BLK, buf, T_BLK), (long long)T_BLK);
	for (unsigned int i = 0; i < T_BLK; i++)
		assert_int_equal(buf[i], i < 5000 - T_BLK ? t_pattern_byte(T_BLK + i, 4) : 0);
	remount();
	assert_int_equal(k_read("g", T_BLK, buf, T_BLK), (long long)T_BLK);
	for (unsigned int i = 0; i < T_BLK; i++)
		assert_int_equal(buf[i], i < 5000 - T_BLK ? t_pattern_byte(T_BLK + i, 4) : 0);
	/* a sparse file reaching triple indirect, cut down level by level */
	for (unsigned int i = 0; i < NSPARSE; i++)
		write_pattern("s", sparse_offs[i], 10, 7, 10);
	assert_int_equal(k_truncate("s", T_TIND_START + 5), 0);
	check_bytes("s", T_TIND_START - T_BLK, T_BLK + 5, 7, sparse_data);
	remount();
	assert_int_equal(k_truncate("s", T_DIND_START + 200), 0);
	check_bytes("s", 0, T_DIND_START + 200, 7, sparse_data);
	assert_int_equal(k_truncate("s", 60 * T_BLK), 0);
	assert_int_equal(k_truncate("s", (2ULL << 30)), 0);
	check_bytes("s", 0, 60 * T_BLK, 7, sparse_data);
	check_bytes("s", (2ULL << 30) - T_BLK, T_BLK, 7, sparse_data);
	check_fsck();
}

/* Hole punching: the byte ranges punched in "p" (10 MiB: direct, single
 * and double indirect blocks, two children under the double indirect). */
#define P_SIZE (10ULL << 20)
#define P_KEEP 1
#define P_PUNCH 2
static const unsigned long long punched[][2] = {
	{ 2 * T_BLK, T_BLK }, /* one direct block */
	{ T_IND_START, T_DIND_START - T_IND_START }, /* all the single indirect maps */
	{ T_DIND_START + 5 * T_BLK, 1030 * T_BLK }, /* across two dind children */
	{ T_BLK + 100, 200 }, /* inside block 1 */
	{ 3 * T_BLK + 4000, 200 }, /* across blocks 3 and 4 */
	{ P_SIZE - 5000, 100000 }, /* to EOF: the last block goes */
};
static unsigned int n_punched = 6;

static int punch_data(unsigned long long off)
{
	for (unsigned int i = 0; i < n_punched; i++)
		if (off >= punched[i][0] && off < punched[i][0] + punched[i][1])
			return 0;
	return 1;
}

static void test_punch(void **state)
{
	struct k_stat st;

	fresh(64, NULL);
	write_pattern("p", 0, P_SIZE, 11, 65536);
	assert_int_equal(k_stat("p", &st, 0), 0);
	/* 2560 data blocks, the single and double indirect, two children */
	assert_int_equal(st.blocks, (2560 + 4) * 8);
	assert_int_equal(k_fallocate("p", 0, 0, T_BLK), -EOPNOTSUPP);
	assert_int_equal(k_fallocate("p", P_PUNCH, 0, T_BLK), -EOPNOTSUPP);
	assert_int_equal(k_fallocate("p", P_PUNCH | P_KEEP, 0, 0), -EINVAL);
	n_punched = 6;
	for (unsigned int i = 0; i < n_punched; i++)
		assert_int_equal(k_fallocate("p", P_PUNCH | P_KEEP, punched[i][0], punched[i][1]),
				 0);
	assert_int_equal(k_stat("p", &st, 0), 0);
	assert_int_equal(st.size, P_SIZE);
	/* freed: 1 + 1024 + 1030 + 1 data blocks and the single indirect */
	assert_int_equal(st.blocks, (2560 + 4 - 2056 - 1) * 8);
	check_bytes("p", 0, P_SIZE, 11, punch_data);
	remount();
	check_bytes("p", 0, P_SIZE, 11, punch_data);
	assert_int_equal(k_umount(), 0);
	assert_int_equal(t_fsck(img), 0);
	assert_int_equal(t_debugfs_blockcount(img, "p"), (2560 + 4 - 2056 - 1) * 8);
	assert_int_equal(k_mount(img, 0), 0);
	/* the rest of the first dind child: the child goes too */
	assert_int_equal(k_fallocate("p", P_PUNCH | P_KEEP, T_DIND_START, 5 * T_BLK), 0);
	assert_int_equal(k_stat("p", &st, 0), 0);
	assert_int_equal(st.blocks, (2560 + 4 - 2056 - 1 - 5 - 1) * 8);
	check_fsck();
}

static void test_big_dir(void **state)
{
	char name[80], path[100];
	struct k_stat st;
	int n = 2500;

	fresh(64, NULL);
	assert_int_equal(k_mkdir("d", 0755), 0);
	for (int i = 0; i < n; i++) {
		t_big_name((unsigned int)i, name);
		snprintf(path, sizeof(path), "d/%s", name);
		assert_int_equal(k_create(path, 0644), 0);
	}
	for (int i = 0; i < n; i += 2) {
		t_big_name((unsigned int)i, name);
		snprintf(path, sizeof(path), "d/%s", name);
		assert_int_equal(k_unlink(path), 0);
	}
	for (int i = 0; i < n; i++) {
		t_big_name((unsigned int)i, name);
		snprintf(path, sizeof(path), "d/%s", name);
		assert_int_equal(k_stat(path, &st, 0), i % 2 ? 0 : -ENOENT);
	}
	remount();
	/* refill the freed space; then empty it completely and remove it */
	for (int i = 0; i < n; i += 2) {
		t_big_name((unsigned int)i, name);
		snprintf(path, sizeof(path), "d/%s", name);
		write_pattern(path, 0, (unsigned long long)i % 100, (uint32_t)i, 64);
	}
	assert_int_equal(k_rmdir("d"), -ENOTEMPTY);
	remount();
	for (int i = 0; i < n; i++) {
		t_big_name((unsigned int)i, name);
		snprintf(path, sizeof(path), "d/%s", name);
		if (i % 2 == 0)
			check_file(path, (unsigned long long)i % 100, (uint32_t)i);
		assert_int_equal(k_unlink(path), 0);
	}
	assert_int_equal(k_stat("d", &st, 0), 0);
	assert_true(st.size > 10 * T_BLK); /* directories never shrink */
	assert_int_equal(k_rmdir("d"), 0);
	assert_int_equal(k_stat("d", &st, 0), -ENOENT);
	check_fsck();
}

static void test_dirs_and_links(void **state)
{
	struct k_stat st;
	char buf[4200], target[4100];

	fresh(32, NULL);
	assert_int_equal(k_mkdir("a", 0755), 0);
	assert_int_equal(k_mkdir("a/b", 0700), 0);
	assert_int_equal(k_mkdir("a/b/c", 0755), 0);
	assert_int_equal(k_mkdir("a/b", 0755), -EEXIST);
	assert_int_equal(k_stat("a", &st, 0), 0);
	assert_int_equal(st.nlink, 3);
	assert_int_equal(k_stat("", &st, 0), 0);
	assert_int_equal(st.nlink, 4); /* ".", "..", lost+found, a */
	assert_int_equal(k_rmdir("a/b"), -ENOTEMPTY);
	assert_int_equal(k_rmdir("a/b/c"), 0);
	assert_int_equal(k_stat("a/b", &st, 0), 0);
	assert_int_equal(st.nlink, 2);
	/* hard links */
	write_pattern("a/f", 0, 10000, 9, 4096);
	assert_int_equal(k_link("a/f", "a/b/g"), 0);
	assert_int_equal(k_link("a/b", "a/x"), -EPERM);
	assert_int_equal(k_stat("a/b/g", &st, 0), 0);
	assert_int_equal(st.nlink, 2);
	assert_int_equal(k_unlink("a/f"), 0);
	check_file("a/b/g", 10000, 9);
	assert_int_equal(k_stat("a/b/g", &st, 0), 0);
	assert_int_equal(st.nlink, 1);
	/* symlinks: fast (< 60 bytes) and slow */
	for (int len = 1; len < 4096; len = len * 3 + 1) {
		char name[32];
		for (int i = 0; i < len; i++)
			target[i] = (char)('a' + (i * 7 + len) % 26);
		target[len] = 0;
		snprintf(name, sizeof(name), "l%d", len);
		assert_int_equal(k_symlink(target, name), 0);
		assert_int_equal(k_readlink(name, buf, sizeof(buf)), len);
		assert_string_equal(buf, target);
	}
	assert_int_equal(k_symlink("a/b/g", "tog"), 0);
	assert_int_equal(k_stat("tog", &st, 1), 0);
	assert_int_equal(st.size, 10000);
	assert_int_equal(k_mknod("fifo", S_IFIFO | 0600, 0, 0), 0);
	assert_int_equal(k_mknod("dev", S_IFCHR | 0600, 300, 70000), 0);
	assert_int_equal(k_mknod("dev8", S_IFBLK | 0600, 8, 1), 0);
	remount();
	for (int len = 1; len < 4096; len = len * 3 + 1) {
		char name[32];
		for (int i = 0; i < len; i++)
			target[i] = (char)('a' + (i * 7 + len) % 26);
		target[len] = 0;
		snprintf(name, sizeof(name), "l%d", len);
		assert_int_equal(k_readlink(name, buf, sizeof(buf)), len);
		assert_string_equal(buf, target);
		assert_int_equal(k_stat(name, &st, 0), 0);
		assert_int_equal(st.blocks, len < 60 ? 0 : 8);
	}
	assert_int_equal(k_stat("dev", &st, 0), 0);
	assert_int_equal(st.mode, S_IFCHR | 0600);
	assert_int_equal(st.rdev_major, 300);
	assert_int_equal(st.rdev_minor, 70000);
	assert_int_equal(k_stat("dev8", &st, 0), 0);
	assert_int_equal(st.rdev_major, 8);
	assert_int_equal(st.rdev_minor, 1);
	assert_int_equal(k_stat("fifo", &st, 0), 0);
	assert_int_equal(st.mode, S_IFIFO | 0600);
	assert_int_equal(k_unlink("l4"), 0);
	assert_int_equal(k_unlink("l1093"), 0);
	assert_int_equal(k_unlink("dev"), 0);
	check_fsck();
}

static void test_rename(void **state)
{
	struct k_stat st, st2;

	fresh(32, NULL);
	assert_int_equal(k_mkdir("d1", 0755), 0);
	assert_int_equal(k_mkdir("d2", 0755), 0);
	assert_int_equal(k_mkdir("d1/sub", 0755), 0);
	write_pattern("d1/sub/file", 0, 7000, 1, 4096);
	write_pattern("d1/a", 0, 100, 2, 100);
	write_pattern("d2/b", 0, 200000, 3, 65536);
	/* within a directory */
	assert_int_equal(k_rename("d1/a", "d1/a2"), 0);
	assert_int_equal(k_stat("d1/a", &st, 0), -ENOENT);
	check_file("d1/a2", 100, 2);
	/* across directories, replacing a file (its blocks are freed) */
	assert_int_equal(k_rename("d1/a2", "d2/b"), 0);
	check_file("d2/b", 100, 2);
	/* a directory across directories: ".." and link counts follow */
	assert_int_equal(k_rename("d1/sub", "d2/sub"), 0);
	assert_int_equal(k_stat("d1", &st, 0), 0);
	assert_int_equal(st.nlink, 2);
	assert_int_equal(k_stat("d2", &st, 0), 0);
	assert_int_equal(st.nlink, 3);
	assert_int_equal(k_stat("d2/sub/..", &st2, 0), 0);
	assert_int_equal(st2.ino, st.ino);
	check_file("d2/sub/file", 7000, 1);
	/* over an empty directory; over a non-empty one fails */
	assert_int_equal(k_mkdir("d1/empty", 0755), 0);
	assert_int_equal(k_rename("d2/sub", "d1/empty"), 0);
	assert_int_equal(k_stat("d1", &st, 0), 0);
	assert_int_equal(st.nlink, 3);
	assert_int_equal(k_stat("d2", &st, 0), 0);
	assert_int_equal(st.nlink, 2);
	assert_int_equal(k_mkdir("d2/full", 0755), 0);
	write_pattern("d2/full/x", 0, 1, 4, 1);
	assert_int_equal(k_rename("d1/empty", "d2/full"), -ENOTEMPTY);
	assert_int_equal(k_rename("d2/full", "d2/full/x/y"), -ENOTDIR);
	assert_int_equal(k_rename("d2", "d2/full/inside"), -EINVAL);
	/* same directory, directory over empty directory */
	assert_int_equal(k_mkdir("d2/e1", 0755), 0);
	assert_int_equal(k_mkdir("d2/e2", 0755), 0);
	assert_int_equal(k_rename("d2/e1", "d2/e2"), 0);
	assert_int_equal(k_stat("d2", &st, 0), 0);
	assert_int_equal(st.nlink, 4); /* ., .., full, e2 */
	/* a file onto a hard link of itself: nothing happens */
	assert_int_equal(k_link("d2/b", "d2/b2"), 0);
	assert_int_equal(k_rename("d2/b", "d2/b2"), 0);
	assert_int_equal(k_stat("d2/b", &st, 0), 0);
	assert_int_equal(st.nlink, 2);
	remount();
	check_file("d1/empty/file", 7000, 1);
	check_file("d2/b2", 100, 2);
	assert_int_equal(k_stat("d1/empty/..", &st, 0), 0);
	assert_int_equal(k_stat("d1", &st2, 0), 0);
	assert_int_equal(st.ino, st2.ino);
	check_fsck();
}

static void test_attrs_statfs(void **state)
{
	struct k_statfs a, b;
	struct k_stat st;

	fresh(32, NULL);
	assert_int_equal(k_statfs("", &a), 0);
	write_pattern("f", 0, 10 * T_BLK, 1, 4096);
	assert_int_equal(k_statfs("", &b), 0);
	assert_int_equal(a.bfree - b.bfree, 10);
	assert_int_equal(a.ffree - b.ffree, 1);
	write_pattern("f", 10 * T_BLK, 3 * T_BLK, 1, 4096); /* + the indirect block */
	assert_int_equal(k_statfs("", &b), 0);
	assert_int_equal(a.bfree - b.bfree, 14);
	assert_int_equal(k_chmod("f", 04711), 0);
	assert_int_equal(k_utimes("f", 1234567890, 0), 0);
	assert_int_equal(k_mkdir("d", 0755), 0);
	assert_int_equal(k_utimes("d", 2000000000, 0), 0);
	remount();
	assert_int_equal(k_stat("f", &st, 0), 0);
	assert_int_equal(st.mode, S_IFREG | 04711);
	assert_int_equal(st.mtime, 1234567890);
	assert_int_equal(st.atime, 1234567890);
	assert_int_equal(st.blocks, 14 * 8);
	assert_int_equal(k_stat("d", &st, 0), 0);
	assert_int_equal(st.mtime, 2000000000);
	assert_int_equal(k_unlink("f"), 0);
	assert_int_equal(k_rmdir("d"), 0);
	assert_int_equal(k_statfs("", &b), 0);
	assert_int_equal(b.bfree, a.bfree);
	assert_int_equal(b.ffree, a.ffree);
	check_fsck();
	assert_int_equal(t_dumpe2fs_field(img, "Free blocks:"), (long long)a.bfree);
}

/* Beyond 2 GiB the volume gains LARGE_FILE; a revision 0 volume (no
 * feature fields at all) keeps files below 2 GiB. */
static void test_large_file_rev0(void **state)
{
	char buf[16];

	fresh(16, "-O ^large_file");
	assert_int_equal(t_dumpe2fs_field(img, "Filesystem revision #:"), 1);
	write_pattern("big", 3ULL << 30, 10, 1, 10);
	check_bytes("big", 3ULL << 30, 10, 1, NULL);
	assert_int_equal(k_read("big", (3ULL << 30) - 4, buf, 4), 4);
	assert_int_equal(memcmp(buf, "\0\0\0\0", 4), 0);
	check_fsck();
	char *out = NULL;
	assert_int_equal(t_sh(&out, "dumpe2fs -h '%s' 2>/dev/null | grep -c large_file", img), 0);
	free(out);
	fresh(16, "-r 0");
	write_pattern("small", 0, 10000, 2, 4096);
	assert_int_equal(k_write("big", (2ULL << 30) - 3, "abcd", 4, 0), 2); /* to 2^31 - 1 */
	assert_int_equal(k_write("big", (2ULL << 30) - 1, "x", 1, 0), -EFBIG);
	assert_int_equal(k_mkdir("d", 0755), 0);
	assert_int_equal(k_symlink("small", "d/l"), 0);
	remount();
	check_file("small", 10000, 2);
	assert_int_equal(k_read("big", (2ULL << 30) - 3, buf, 10), 2);
	assert_int_equal(memcmp(buf, "ab", 2), 0);
	assert_int_equal(k_readlink("d/l", buf, sizeof(buf)), 5);
	check_fsck();
}

/* Nanoseconds survive in 256-byte inodes (new ones get the extra fields),
 * not in 128-byte ones. */
static void test_times(void **state)
{
	struct k_stat st;

	for (int small = 0; small < 2; small++) {
		fresh(16, small ? "-I 128" : "");
		write_pattern("f", 0, 10, 1, 10);
		assert_int_equal(k_mkdir("d", 0755), 0);
		assert_int_equal(k_utimes("f", 1234567890, 987654321), 0);
		assert_int_equal(k_utimes("d", 1500000000, 5), 0);
		remount();
		assert_int_equal(k_stat("f", &st, 0), 0);
		assert_int_equal(st.mtime, 1234567890);
		assert_int_equal(st.mtime_nsec, small ? 0 : 987654321);
		assert_int_equal(k_stat("d", &st, 0), 0);
		assert_int_equal(st.mtime, 1500000000);
		assert_int_equal(st.mtime_nsec, small ? 0 : 5);
		check_fsck();
	}
}

static void test_unlinked_open(void **state)
{
	struct k_statfs a, b;
	unsigned char buf[100];
	int err;

	fresh(32, NULL);
	assert_int_equal(k_statfs("", &a), 0);
	write_pattern("f", 0, 300000, 5, 65536);
	void *f = k_open("f", O_RDWR, 0, &err);
	assert_non_null(f);
	assert_int_equal(k_unlink("f"), 0);
	assert_int_equal(k_pread(f, 1000, buf, sizeof(buf)), (long long)sizeof(buf));
	for (unsigned int i = 0; i < sizeof(buf); i++)
		assert_int_equal(buf[i], t_pattern_byte(1000 + i, 5));
	assert_int_equal(k_pwrite(f, 500000, "x", 1), 1);
	k_close(f); /* the last reference: the inode and its blocks are freed */
	assert_int_equal(k_statfs("", &b), 0);
	assert_int_equal(b.bfree, a.bfree);
	assert_int_equal(b.ffree, a.ffree);
	check_fsck();
}

static void test_enospc(void **state)
{
	struct k_statfs a, b;
	unsigned char *buf = calloc(1, 1 << 20);
	long long n, total = 0;
	char name[32];
	int i, err = 0;

	fresh(8, "-N 64");
	assert_int_equal(k_statfs("", &a), 0);
	void *f = k_open("big", O_WRONLY | O_CREAT, 0644, &err);
	assert_non_null(f);
	while ((n = k_pwrite(f, (unsigned long long)total, buf, 1 << 20)) > 0)
		total += n;
	assert_int_equal(n, -ENOSPC);
	k_close(f);
	assert_true(total > 6 << 20);
	assert_int_equal(k_statfs("", &b), 0);
	assert_int_equal(b.bfree, 0);
	remount();
	for (i = 0; i < 1000; i++) {
		snprintf(name, sizeof(name), "e%d", i);
		err = k_create(name, 0644);
		if (err)
			break;
	}
	assert_int_equal(err, -ENOSPC); /* out of inodes (or of directory blocks) */
	remount();
	assert_int_equal(k_unlink("big"), 0);
	for (int j = 0; j < i; j++) {
		snprintf(name, sizeof(name), "e%d", j);
		assert_int_equal(k_unlink(name), 0);
	}
	assert_int_equal(k_statfs("", &b), 0);
	assert_int_equal(b.ffree, a.ffree);
	assert_true(b.bfree >= a.bfree - 1); /* the root directory may have grown */
	check_fsck();
	free(buf);
}

/* ---- concurrency: real threads on the shim ---- */

#define NTHREADS 4
#define NITER 60

/* cmocka's checks must stay in the main thread: workers report by string. */
#define WCHECK(cond, ...)                                                    \
	do {                                                                 \
		if (!(cond)) {                                               \
			snprintf(wfail[id], sizeof(wfail[id]), __VA_ARGS__); \
			return NULL;                                         \
		}                                                            \
	} while (0)

static char wfail[NTHREADS][200];

static void *worker(void *arg)
{
	int id = (int)(intptr_t)arg, err;
	char dir[16], path[64], to[64];
	static __thread unsigned char buf[200000];

	snprintf(dir, sizeof(dir), "w%d", id);
	for (int it = 0; it < NITER; it++) {
		uint32_t seed = (uint32_t)(id * 1000 + it);
		unsigned long long size = (unsigned long long)(it * 7919 % 200000);
		snprintf(path, sizeof(path), "%s/f%d", dir, it);
		for (unsigned long long i = 0; i < size; i++)
			buf[i] = t_pattern_byte(i, seed);
		WCHECK(k_write(path, 0, buf, size, 1) == (long long)size, "write %s", path);
		memset(buf, 0, size);
		WCHECK(k_read(path, 0, buf, sizeof(buf)) == (long long)size, "read %s", path);
		for (unsigned long long i = 0; i < size; i++)
			WCHECK(buf[i] == t_pattern_byte(i, seed), "%s: byte %llu", path, i);
		if (it % 3 == 0)
			WCHECK((err = k_truncate(path, size / 2)) == 0, "truncate %s: %d", path,
			       err);
		if (it % 4 == 1) {
			snprintf(to, sizeof(to), "shared/t%d_%d", id, it);
			WCHECK((err = k_rename(path, to)) == 0, "rename %s: %d", path, err);
		} else if (it % 5 == 2) {
			WCHECK((err = k_unlink(path)) == 0, "unlink %s: %d", path, err);
		}
		if (it % 10 == 0) {
			snprintf(path, sizeof(path), "%s/d%d", dir, it);
			WCHECK((err = k_mkdir(path, 0755)) == 0, "mkdir %s: %d", path, err);
		}
	}
	return NULL;
}

static void test_concurrent(void **state)
{
	pthread_t t[NTHREADS];
	char dir[16];

	fresh(128, NULL);
	assert_int_equal(k_mkdir("shared", 0755), 0);
	for (int i = 0; i < NTHREADS; i++) {
		snprintf(dir, sizeof(dir), "w%d", i);
		assert_int_equal(k_mkdir(dir, 0755), 0);
	}
	for (int i = 0; i < NTHREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, worker, (void *)(intptr_t)i), 0);
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < NTHREADS; i++)
		if (wfail[i][0])
			fail_msg("worker %d: %s", i, wfail[i]);
	k_sync();
	check_fsck();
}

/* ---- changing what mke2fs -d wrote ---- */

static void test_modify_mkfs_tree(void **state)
{
	char *tree = t_path("wtree");
	char name[80], path[100];

	assert_int_equal(t_build_tree(tree), 0);
	assert_int_equal(t_mkfs(img, tree, 128, ""), 0);
	free(tree);
	assert_int_equal(k_mount(img, 0), 0);
	write_pattern("dind_9m", 9 * 1024 * 1024 + 123, 100000, 11, 4096);
	assert_int_equal(k_truncate("ind_full", 1000), 0);
	assert_int_equal(k_truncate("sparse/tind", 1 << 20), 0);
	assert_int_equal(k_unlink("sparse/holes"), 0);
	assert_int_equal(k_unlink("links/long"), 0);
	assert_int_equal(k_unlink("hard/a"), 0);
	assert_int_equal(k_rename("deep/a/b", "deep/moved"), 0);
	assert_int_equal(k_rmdir("deep/a/sib1"), 0);
	for (unsigned int i = 0; i < T_BIG_DIR_ENTRIES; i += 3) {
		t_big_name(i, name);
		snprintf(path, sizeof(path), "big/%s", name);
		assert_int_equal(k_unlink(path), 0);
	}
	for (unsigned int i = 0; i < 500; i++) {
		snprintf(path, sizeof(path), "big/new-%u-with-a-longer-name", i);
		assert_int_equal(k_create(path, 0600), 0);
	}
	check_bytes("dind_9m", 0, 9 * 1024 * 1024 + 123, 11, NULL);
	check_fsck();
}

/* Last: lockdep (on in these tests) found nothing wrong in any of them. */
static void test_lockdep_clean(void **state)
{
	if (!k_lockdep_ok())
		fail_msg("lockdep reported a problem:\n%s", k_log());
}

/* A failed test leaves the volume mounted: the next one needs the device. */
static int unmount(void **state)
{
	k_umount();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_write_sizes, unmount),
		cmocka_unit_test_teardown(test_sparse, unmount),
		cmocka_unit_test_teardown(test_truncate, unmount),
		cmocka_unit_test_teardown(test_punch, unmount),
		cmocka_unit_test_teardown(test_big_dir, unmount),
		cmocka_unit_test_teardown(test_dirs_and_links, unmount),
		cmocka_unit_test_teardown(test_rename, unmount),
		cmocka_unit_test_teardown(test_attrs_statfs, unmount),
		cmocka_unit_test_teardown(test_times, unmount),
		cmocka_unit_test_teardown(test_large_file_rev0, unmount),
		cmocka_unit_test_teardown(test_unlinked_open, unmount),
		cmocka_unit_test_teardown(test_enospc, unmount),
		cmocka_unit_test_teardown(test_concurrent, unmount),
		cmocka_unit_test_teardown(test_modify_mkfs_tree, unmount),
		cmocka_unit_test(test_lockdep_clean),
	};
	return cmocka_run_group_tests(tests, setup_all, NULL);
}
