/*
 * test_ext2_tree.h - the known tree of the ext2 host tests: the host side
 * (test_ext2_host.c) creates it in a directory for `mke2fs -d`, the kernel
 * side (test_ext2_read.c) checks every entry of the mounted image against
 * it.  Plain C (no kernel or libc types beyond <stdint.h>), so both sides,
 * built with different headers, share it.
 *
 * File contents are a pattern of (offset, seed); sparse files hold data
 * only in their extents and zeros (holes) elsewhere.  Offsets are chosen to
 * land in every part of the block map: direct, single, double and triple
 * indirect blocks and their boundaries.
 */
#ifndef TEST_EXT2_TREE_H
#define TEST_EXT2_TREE_H

#include <stdint.h>

#define T_BLK 4096ULL
#define T_IND_START (12 * T_BLK) /* first byte mapped by the single indirect block */
#define T_DIND_START ((12 + 1024) * T_BLK)
#define T_TIND_START ((12 + 1024 + 1024 * 1024) * T_BLK)

#define T_BIG_DIR_ENTRIES 3000 /* files in big/ */

static inline uint8_t t_pattern_byte(uint64_t off, uint32_t seed)
{
	uint64_t x = (off + 1) * 0x9E3779B97F4A7C15ULL ^ ((uint64_t)seed * 0xBF58476D1CE4E5B9ULL);
	x ^= x >> 29;
	return (uint8_t)(x ^ (x >> 17) ^ (off >> 12));
}

struct t_extent {
	uint64_t off, len;
};

struct t_node {
	const char *path; /* relative to the image root */
	char type; /* 'f' file, 's' sparse file, 'd' dir, 'l' symlink, 'h' hard link, 'p' fifo, 'c' char dev */
	unsigned int mode; /* permission bits */
	uint64_t size; /* files: size; symlinks: target length (target made by t_link_target) */
	uint32_t seed;
	uint32_t uid, gid;
	const char *other; /* hard link: the path linked to */
	struct t_extent ext[4]; /* sparse files: data extents */
};

static const struct t_node t_tree[] = {
	{ "empty", 'f', 0644, 0, 1, 0, 0, 0, { { 0 } } },
	{ "one", 'f', 0600, 1, 2, 0, 0, 0, { { 0 } } },
	{ "odd", 'f', 0644, 511, 3, 1000, 1000, 0, { { 0 } } },
	{ "block_minus", 'f', 0644, T_BLK - 1, 4, 0, 0, 0, { { 0 } } },
	{ "block", 'f', 0755, T_BLK, 5, 0, 0, 0, { { 0 } } },
	{ "block_plus", 'f', 0444, T_BLK + 1, 6, 0, 0, 0, { { 0 } } },
	{ "direct_full", 'f', 0644, T_IND_START, 7, 0, 0, 0, { { 0 } } },
	{ "ind_first", 'f', 0644, T_IND_START + 1, 8, 70000, 70001, 0, { { 0 } } },
	{ "ind_full", 'f', 0644, T_DIND_START, 9, 0, 0, 0, { { 0 } } },
	{ "dind_first", 'f', 04755, T_DIND_START + 3, 10, 0, 0, 0, { { 0 } } },
	{ "dind_9m", 'f', 0644, 9 * 1024 * 1024 + 123, 11, 0, 0, 0, { { 0 } } },
	{ "sparse", 'd', 0755, 0, 0, 0, 0, 0, { { 0 } } },
	{ "sparse/hole_start", 's', 0644, 1 << 20, 12, 0, 0, 0, { { (1 << 20) - 100, 100 } } },
	{ "sparse/holes",
	  's',
	  0644,
	  30 << 20,
	  13,
	  0,
	  0,
	  0,
	  { { 0, 5000 }, { T_IND_START - 7, 20 }, { 20 << 20, 4096 }, { (30 << 20) - 1, 1 } } },
	{ "sparse/tind",
	  's',
	  0644,
	  T_TIND_START + 3 * 1024 * T_BLK + 107,
	  14,
	  0,
	  0,
	  0,
	  { { 100, 50 },
	    { T_TIND_START - 10, 30 },
	    { T_TIND_START + 3 * 1024 * T_BLK + 7, 100 } } },
	{ "sparse/only_hole", 's', 0644, 50 << 20, 15, 0, 0, 0, { { 0 } } },
	{ "links", 'd', 0700, 0, 0, 0, 0, 0, { { 0 } } },
	{ "links/fast", 'l', 0777, 11, 16, 0, 0, 0, { { 0 } } },
	{ "links/fast59", 'l', 0777, 59, 17, 0, 0, 0, { { 0 } } },
	{ "links/slow60", 'l', 0777, 60, 18, 0, 0, 0, { { 0 } } },
	{ "links/slow", 'l', 0777, 300, 19, 0, 0, 0, { { 0 } } },
	{ "links/long", 'l', 0777, 4000, 20, 0, 0, 0, { { 0 } } },
	{ "links/to_one", 'l', 0777, 6, 0, 0, 0, 0, { { 0 } } }, /* "../one" */
	{ "hard", 'd', 01777, 0, 0, 0, 0, 0, { { 0 } } },
	{ "hard/a", 'f', 0640, 777, 21, 0, 0, 0, { { 0 } } },
	{ "hard/b", 'h', 0640, 777, 21, 0, 0, "hard/a", { { 0 } } },
	{ "special", 'd', 0755, 0, 0, 0, 0, 0, { { 0 } } },
	{ "special/fifo", 'p', 0600, 0, 0, 0, 0, 0, { { 0 } } },
	{ "special/null", 'c', 0666, 0, 0, 0, 0, 0, { { 0 } } }, /* 1:3 */
	{ "special/bigdev", 'c', 0600, 0, 1, 0, 0, 0, { { 0 } } }, /* 300:70000 */
	{ "deep", 'd', 0755, 0, 0, 0, 0, 0, { { 0 } } },
	{ "deep/a", 'd', 0755, 0, 0, 0, 0, 0, { { 0 } } },
	{ "deep/a/b", 'd', 0755, 0, 0, 0, 0, 0, { { 0 } } },
	{ "deep/a/b/c", 'd', 0755, 0, 0, 0, 0, 0, { { 0 } } },
	{ "deep/a/b/c/d", 'd', 0755, 0, 0, 0, 0, 0, { { 0 } } },
	{ "deep/a/b/c/d/e", 'd', 0755, 0, 0, 0, 0, 0, { { 0 } } },
	{ "deep/a/b/c/d/e/f", 'd', 0755, 0, 0, 0, 0, 0, { { 0 } } },
	{ "deep/a/b/c/d/e/f/leaf", 'f', 0644, 10000, 22, 0, 0, 0, { { 0 } } },
	{ "deep/a/sib1", 'd', 0755, 0, 0, 0, 0, 0, { { 0 } } },
	{ "deep/a/sib2", 'd', 0755, 0, 0, 0, 0, 0, { { 0 } } },
	{ "big", 'd', 0755, 0, 0, 0, 0, 0, { { 0 } } }, /* plus T_BIG_DIR_ENTRIES files */
};
#define T_TREE_N (sizeof(t_tree) / sizeof(t_tree[0]))

/* mtime of node i (seconds; nanoseconds t_mtime_nsec) */
static inline int64_t t_mtime(unsigned int i) { return 1600000000 + 1000 * (int64_t)i; }
static inline long t_mtime_nsec(unsigned int i) { return (long)(i * 7919u % 1000000) * 1000; }

/* Symlink target of a node: "../one" for links/to_one, else a pattern of
 * path characters of the node's length (NUL-terminated into buf). */
static inline void t_link_target(const struct t_node *n, char *buf)
{
	if (n->seed == 0) {
		const char *t = "../one";
		for (int i = 0; (buf[i] = t[i]); i++)
			;
		return;
	}
	for (uint64_t i = 0; i < n->size; i++)
		buf[i] = (i % 13 == 12) ? '/' : (char)('a' + t_pattern_byte(i, n->seed) % 26);
	buf[n->size] = 0;
}

/* Name and size of big/ entry i: names of 1 to 60 characters. */
static inline void t_big_name(unsigned int i, char *buf)
{
	static const char digits[] = "0123456789";
	unsigned int len = 6 + (i * 37) % 55, k = 0;
	buf[k++] = 'f';
	for (unsigned int d = 100000; d; d /= 10)
		buf[k++] = digits[(i / d) % 10];
	for (; k < len; k++)
		buf[k] = (char)('a' + (i + k) % 26);
	buf[k] = 0;
}
static inline uint64_t t_big_size(unsigned int i) { return i % 97; }

/* Is byte off of node n data (else a hole: zero)?  Non-sparse: all data. */
static inline int t_is_data(const struct t_node *n, uint64_t off)
{
	if (n->type != 's')
		return 1;
	for (int k = 0; k < 4 && n->ext[k].len; k++)
		if (off >= n->ext[k].off && off < n->ext[k].off + n->ext[k].len)
			return 1;
	return 0;
}

#endif
