/*
 * test_ext2_read.c - the real ext2 (fs/ext2) and VFS read an image that
 * mke2fs -d made from a known tree (test_ext2_tree.h): every entry's type,
 * mode, owner, link count, size, times, device numbers, symlink target and
 * every byte (sparse files: the data extents and the holes around them,
 * up to triple indirect blocks), i_blocks against debugfs, readdir (names,
 * d_type, resuming at d_off) of every directory including one of 3000
 * entries, statfs against dumpe2fs.  Images with 256- and 128-byte inodes
 * and without the filetype feature.  Afterwards e2fsck -fn must be clean.
 */
#include <errno.h>
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

#define DT_DIR 4
#define DT_REG 8
#define DT_LNK 10
#define DT_FIFO 1
#define DT_CHR 2

static char *img256, *img128, *imgnoft;
static int cur_inode_size = 256, cur_filetype = 1;
static const char *cur_img;

static int build(void **state)
{
	char *tree = t_path("tree");

	k_setup();
	img256 = t_path("tree256.img");
	img128 = t_path("tree128.img");
	imgnoft = t_path("treenoft.img");
	if (t_build_tree(tree) || t_mkfs(img256, tree, 128, "") ||
	    t_mkfs(img128, tree, 128, "-I 128") || t_mkfs(imgnoft, tree, 128, "-O ^filetype"))
		return -1;
	free(tree);
	return 0;
}

static int node_index(const char *path)
{
	for (unsigned int i = 0; i < T_TREE_N; i++)
		if (!strcmp(t_tree[i].path, path))
			return (int)i;
	return -1;
}

static int parent_is(const char *path, const char *dir)
{
	const char *slash = strrchr(path, '/');
	size_t len = slash ? (size_t)(slash - path) : 0;

	return strlen(dir) == len && !strncmp(path, dir, len);
}

static unsigned int subdirs(const char *dir)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < T_TREE_N; i++)
		n += t_tree[i].type == 'd' && parent_is(t_tree[i].path, dir);
	return n;
}

static unsigned int type_bits(char type)
{
	switch (type) {
	case 'd':
		return S_IFDIR;
	case 'l':
		return S_IFLNK;
	case 'p':
		return S_IFIFO;
	case 'c':
		return S_IFCHR;
	default:
		return S_IFREG;
	}
}

/* Compares len bytes of a node's file at off with what it must hold. */
static void check_range(const struct t_node *n, unsigned long long off, unsigned long long len)
{
	unsigned char *buf = malloc(len ? len : 1);
	long long got;

	if (off >= n->size) {
		assert_int_equal(k_read(n->path, off, buf, 16), 0); /* end of file */
		free(buf);
		return;
	}
	if (off + len > n->size)
		len = n->size - off;
	got = k_read(n->path, off, buf, len);
	assert_int_equal(got, (long long)len);
	for (unsigned long long i = 0; i < len; i++) {
		unsigned char want = t_is_data(n, off + i) ? t_pattern_byte(off + i, n->seed) : 0;
		if (buf[i] != want)
			fail_msg("%s: byte %llu is %#x, expected %#x", n->path, off + i, buf[i],
				 want);
	}
	free(buf);
}

static void check_content(const struct t_node *n)
{
	if (n->type == 'f') {
		check_range(n, 0, n->size);
		check_range(n, n->size, 10);
		return;
	}
	/* sparse: each extent with a block either side, some holes, the end */
	for (int k = 0; k < 4 && n->ext[k].len; k++) {
		unsigned long long lo = n->ext[k].off > T_BLK ? n->ext[k].off - T_BLK : 0;
		check_range(n, lo, n->ext[k].len + 2 * T_BLK);
	}
	check_range(n, 0, 3 * T_BLK);
	check_range(n, n->size / 2 - T_BLK, 2 * T_BLK);
	check_range(n, n->size > 64 * T_BLK ? n->size - 64 * T_BLK : 0, 64 * T_BLK);
	check_range(n, n->size, 1);
}

static void check_node(unsigned int i)
{
	const struct t_node *n = &t_tree[i], *d = n;
	unsigned int di = i;
	struct k_stat st;
	char target[4100], got[4100];

	if (n->type == 'h') {
		di = (unsigned int)node_index(n->other);
		d = &t_tree[di];
	}
	assert_int_equal(k_stat(n->path, &st, 0), 0);
	if (st.mode != (type_bits(d->type) | d->mode))
		fail_msg("%s: mode %o, expected %o", n->path, st.mode,
			 type_bits(d->type) | d->mode);
	assert_int_equal(st.uid, d->uid);
	assert_int_equal(st.gid, d->gid);
	assert_int_equal(st.mtime, t_mtime(di));
	assert_int_equal(st.mtime_nsec, 0); /* mke2fs -d copies seconds only */
	switch (d->type) {
	case 'd':
		assert_int_equal(st.nlink, 2 + subdirs(n->path));
		assert_int_equal(st.size % T_BLK, 0);
		break;
	case 'f':
	case 's':
		assert_int_equal(st.nlink, d == n && i + 1 < T_TREE_N && t_tree[i + 1].type == 'h' ?
						   2 :
					   n->type == 'h' ? 2 :
							    1);
		assert_int_equal(st.size, d->size);
		check_content(d);
		break;
	case 'l':
		assert_int_equal(st.size, n->size);
		t_link_target(n, target);
		assert_int_equal(k_readlink(n->path, got, sizeof(got)), (int)n->size);
		assert_string_equal(got, target);
		break;
	case 'c':
		assert_int_equal(st.rdev_major, n->seed ? 300 : 1);
		assert_int_equal(st.rdev_minor, n->seed ? 70000 : 3);
		break;
	}
	if (d->type != 'c' && d->type != 'p') {
		long long want = t_debugfs_blockcount(cur_img, n->path);
		if ((long long)st.blocks != want)
			fail_msg("%s: %llu blocks, debugfs says %lld", n->path, st.blocks, want);
	}
}

/* ---- readdir ---- */

struct seen {
	const char *dir;
	int count, dots, lostfound;
	unsigned char *hit; /* per tree node / big entry */
};

static void expect_entry(void *arg, const char *name, int len, unsigned long long ino,
			 unsigned int type)
{
	struct seen *s = arg;
	char path[512], nm[256];

	assert_true(len > 0 && len < 256);
	memcpy(nm, name, (size_t)len);
	nm[len] = 0;
	s->count++;
	if (!strcmp(nm, ".") || !strcmp(nm, "..")) {
		s->dots++;
		if (cur_filetype)
			assert_int_equal(type, DT_DIR);
		return;
	}
	if (!strcmp(s->dir, "") && !strcmp(nm, "lost+found")) {
		s->lostfound++;
		return;
	}
	if (!strcmp(s->dir, "big")) {
		unsigned int idx = (unsigned int)atoi(nm + 1);
		char want[80];
		assert_true(idx < T_BIG_DIR_ENTRIES);
		t_big_name(idx, want);
		assert_string_equal(nm, want);
		assert_int_equal(s->hit[idx], 0);
		s->hit[idx] = 1;
		assert_int_equal(type, cur_filetype ? DT_REG : 0);
		return;
	}
	snprintf(path, sizeof(path), "%s%s%s", s->dir, s->dir[0] ? "/" : "", nm);
	int i = node_index(path);
	if (i < 0)
		fail_msg("unexpected entry %s", path);
	assert_int_equal(s->hit[i], 0);
	s->hit[i] = 1;
	if (cur_filetype) {
		char t = t_tree[i].type;
		unsigned int want = t == 'd' ? DT_DIR :
				    t == 'l' ? DT_LNK :
				    t == 'p' ? DT_FIFO :
				    t == 'c' ? DT_CHR :
					       DT_REG;
		assert_int_equal(type, want);
	} else {
		assert_int_equal(type, 0);
	}
	(void)ino;
}

static void check_dir(const char *dir, int chunk)
{
	struct seen s = { dir, 0, 0, 0, calloc(T_BIG_DIR_ENTRIES + T_TREE_N, 1) };
	int want = 0;

	assert_int_equal(chunk ? k_list_chunked(dir, chunk, expect_entry, &s) :
				 k_list(dir, expect_entry, &s),
			 0);
	assert_int_equal(s.dots, 2);
	if (!strcmp(dir, "big")) {
		for (int i = 0; i < T_BIG_DIR_ENTRIES; i++)
			assert_int_equal(s.hit[i], 1);
		want = T_BIG_DIR_ENTRIES;
	} else {
		for (unsigned int i = 0; i < T_TREE_N; i++) {
			if (parent_is(t_tree[i].path, dir)) {
				want++;
				if (!s.hit[i])
					fail_msg("%s: %s missing", dir, t_tree[i].path);
			}
		}
	}
	if (!strcmp(dir, "")) {
		assert_int_equal(s.lostfound, 1);
		want++;
	}
	assert_int_equal(s.count, want + 2);
	free(s.hit);
}

static void check_big_files(void)
{
	char name[80], path[100];
	unsigned char buf[128];

	for (unsigned int i = 0; i < T_BIG_DIR_ENTRIES; i += 7) {
		struct k_stat st;
		t_big_name(i, name);
		snprintf(path, sizeof(path), "big/%s", name);
		assert_int_equal(k_stat(path, &st, 0), 0);
		assert_int_equal(st.size, t_big_size(i));
		assert_int_equal(k_read(path, 0, buf, sizeof(buf)), (long long)t_big_size(i));
		for (unsigned int j = 0; j < t_big_size(i); j++)
			assert_int_equal(buf[j], t_pattern_byte(j, i));
	}
}

static void check_statfs(void)
{
	struct k_statfs sf;

	assert_int_equal(k_statfs("", &sf), 0);
	assert_int_equal(sf.type, 0xEF53);
	assert_int_equal(sf.bsize, 4096);
	assert_int_equal(sf.namelen, 255);
	assert_int_equal((long long)sf.bfree, t_dumpe2fs_field(cur_img, "Free blocks:"));
	assert_int_equal((long long)sf.ffree, t_dumpe2fs_field(cur_img, "Free inodes:"));
	assert_int_equal((long long)sf.files, t_dumpe2fs_field(cur_img, "Inode count:"));
	assert_true(sf.blocks < (unsigned long long)t_dumpe2fs_field(cur_img, "Block count:"));
}

static void check_image(const char *img, int inode_size, int filetype, int flags)
{
	cur_img = img;
	cur_inode_size = inode_size;
	cur_filetype = filetype;
	assert_int_equal(k_mount(img, flags), 0);
	for (unsigned int i = 0; i < T_TREE_N; i++)
		check_node(i);
	check_dir("", 0);
	for (unsigned int i = 0; i < T_TREE_N; i++)
		if (t_tree[i].type == 'd')
			check_dir(t_tree[i].path, 0);
	check_dir("big", 1);
	check_dir("big", 100);
	check_big_files();
	check_statfs();
	/* following a symlink */
	struct k_stat st;
	assert_int_equal(k_stat("links/to_one", &st, 1), 0);
	assert_int_equal(st.size, 1);
	assert_int_equal(k_umount(), 0);
	assert_int_equal(t_fsck(img), 0);
}

static void test_read_256(void **state) { check_image(img256, 256, 1, 0); }
static void test_read_128(void **state) { check_image(img128, 128, 1, K_RDONLY); }
static void test_read_nofiletype(void **state) { check_image(imgnoft, 256, 0, K_RODEV); }

static void test_lookup_errors(void **state)
{
	struct k_stat st;
	char buf[16];

	assert_int_equal(k_mount(img256, K_RDONLY), 0);
	assert_int_equal(k_stat("nonexistent", &st, 0), -ENOENT);
	assert_int_equal(k_stat("one/below", &st, 0), -ENOTDIR);
	assert_int_equal(k_stat("deep/a/b/../b/c/./d", &st, 0), 0);
	assert_int_equal(k_readlink("one", buf, sizeof(buf)), -EINVAL);
	assert_int_equal(k_write("one", 0, "x", 1, 0), -EROFS);
	assert_int_equal(k_mkdir("newdir", 0755), -EROFS);
	assert_int_equal(k_umount(), 0);
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
		cmocka_unit_test_teardown(test_read_256, unmount),
		cmocka_unit_test_teardown(test_read_128, unmount),
		cmocka_unit_test_teardown(test_read_nofiletype, unmount),
		cmocka_unit_test_teardown(test_lookup_errors, unmount),
		cmocka_unit_test(test_lockdep_clean),
	};
	return cmocka_run_group_tests(tests, build, NULL);
}
