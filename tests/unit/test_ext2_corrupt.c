/*
 * test_ext2_corrupt.c - corrupt ext2 images give errors, never crashes
 * (ASan, UBSan and the kernel's own BUG_ONs would abort the test).
 *
 *   seeds  tests/ext2/make-corrupt.sh makes one image per known corruption
 *          and a MANIFEST of what each must do: fail to mount, mount
 *          read-only, or mount and give EIO for one path while the rest of
 *          the volume keeps working (reads, writes, unmount).
 *   fuzz   random byte flips in the metadata blocks of a small image
 *          (seeded: EXT2_FUZZ_SEED, EXT2_FUZZ_ROUNDS), then mount, walk
 *          everything, change things, unmount: any error is fine, a crash
 *          or a hang is not.
 */
#include <errno.h>
#include <fcntl.h>
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

static char *seeds;

static int setup_all(void **state)
{
	k_setup();
	k_log_quiet(1); /* the expected error reports go to the capture only */
	seeds = t_path("seeds");
	return t_sh(NULL, "tests/ext2/make-corrupt.sh '%s' >/dev/null", seeds);
}

/* ---- walking a volume, tolerating errors ---- */

struct walk {
	int depth, errors, entries;
	char names[64][256];
	int n;
};

static void collect(void *arg, const char *name, int len, unsigned long long ino, unsigned int type)
{
	struct walk *w = arg;

	w->entries++;
	if (w->n < 64 && len < 256 && !(len == 1 && name[0] == '.') &&
	    !(len == 2 && name[0] == '.' && name[1] == '.')) {
		memcpy(w->names[w->n], name, (size_t)len);
		w->names[w->n++][len] = 0;
	}
}

/* Reads everything under path (bounded depth and fan-out); counts errors. */
static int walk(const char *path, int depth)
{
	struct k_stat st;
	static char buf[1 << 16];
	int errors = 0, err;

	err = k_stat(path, &st, 0);
	if (err)
		return 1;
	if (S_ISDIR(st.mode)) {
		struct walk *w = calloc(1, sizeof(*w));
		if (k_list(path, collect, w))
			errors++;
		for (int i = 0; i < w->n && depth < 6; i++) {
			char child[600];
			snprintf(child, sizeof(child), "%s%s%s", path, path[0] ? "/" : "",
				 w->names[i]);
			errors += walk(child, depth + 1);
		}
		free(w);
	} else if (S_ISLNK(st.mode)) {
		errors += k_readlink(path, buf, sizeof(buf)) < 0;
	} else if (S_ISREG(st.mode)) {
		for (unsigned long long off = 0; off < st.size && off < (8 << 20);
		     off += sizeof(buf)) {
			unsigned long long want =
				st.size - off < sizeof(buf) ? st.size - off : sizeof(buf);
			if (k_read(path, off, buf, sizeof(buf)) != (long long)want) {
				errors++;
				break;
			}
		}
	}
	return errors;
}

/* Tries changes of every kind; errors are fine. */
static void scribble(void)
{
	static char data[70000];

	memset(data, 'z', sizeof(data));
	k_write("new", 0, data, sizeof(data), 1);
	k_mkdir("newdir", 0755);
	k_write("newdir/f", 0, data, 100, 1);
	k_rename("newdir/f", "moved");
	k_symlink("some/where/long/enough/to/be/slow/xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "sl");
	k_truncate("small", 1);
	k_truncate("big", 100000);
	k_unlink("ind");
	k_unlink("dir/a");
	k_rename("dir", "dir2");
	k_rmdir("dir2");
	k_unlink("moved");
	k_rmdir("newdir");
	k_sync();
}

/* ---- the seeds ---- */

static void run_seed(const char *name, const char *expect, const char *path)
{
	char img[512];
	int err, rc;

	snprintf(img, sizeof(img), "%s/%s.img", seeds, name);
	k_log_clear();
	err = k_mount(img, 0);
	if (!strcmp(expect, "mount-fails")) {
		if (!err)
			fail_msg("%s: mounted, expected a refusal", name);
		if (!strstr(k_log(), "EXT2-fs"))
			fail_msg("%s: refused (%d) without saying why", name, err);
		return;
	}
	if (err)
		fail_msg("%s: mount failed: %d\n%s", name, err, k_log());
	if (!strcmp(expect, "mount-ro")) {
		assert_int_equal(k_create("x", 0644), -EROFS);
		assert_int_equal(walk("", 0), 0);
	} else {
		/* path fails with EIO somewhere, the rest of the volume works */
		struct k_stat st;
		char buf[4096];
		rc = k_stat(path, &st, 0);
		if (rc == 0 && S_ISDIR(st.mode)) {
			struct walk *w = calloc(1, sizeof(*w));
			rc = k_list(path, collect, w);
			free(w);
		} else if (rc == 0 && S_ISLNK(st.mode)) {
			rc = k_readlink(path, buf, sizeof(buf));
		} else if (rc == 0) {
			rc = walk(path, 0) ? -EIO : 0;
		}
		if (rc != -EIO)
			fail_msg("%s: %s gave %d, expected -EIO", name, path, rc);
		const char *others[] = { "small", "ind", "big", "dir", "fastlink", "slowlink" };
		for (unsigned int i = 0; i < 6; i++)
			if (strcmp(others[i], path) && walk(others[i], 0))
				fail_msg("%s: %s fails too", name, others[i]);
		assert_int_equal(k_write("fresh", 0, "hello", 5, 1), 5);
		assert_int_equal(k_read("fresh", 0, buf, 5), 5);
		assert_int_equal(k_unlink("fresh"), 0);
	}
	assert_int_equal(k_umount(), 0);
}

static void test_seeds(void **state)
{
	char manifest[512], line[512];
	int n = 0;

	snprintf(manifest, sizeof(manifest), "%s/MANIFEST", seeds);
	FILE *f = fopen(manifest, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		char name[128], expect[32], path[128] = "";
		if (sscanf(line, "%127s %31s %127s", name, expect, path) < 2)
			continue;
		run_seed(name, expect, path);
		n++;
	}
	fclose(f);
	assert_true(n >= 40);
}

/* Every seed again, changing things this time (errors allowed). */
static void test_seeds_scribble(void **state)
{
	char manifest[512], line[512], img[512];

	snprintf(manifest, sizeof(manifest), "%s/MANIFEST", seeds);
	FILE *f = fopen(manifest, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		char name[128];
		if (sscanf(line, "%127s", name) < 1)
			continue;
		snprintf(img, sizeof(img), "%s/%s.img", seeds, name);
		if (k_mount(img, 0))
			continue;
		walk("", 0);
		scribble();
		walk("", 0);
		assert_int_equal(k_umount(), 0);
	}
	fclose(f);
}

/* ---- random fuzzing ---- */

static uint64_t rng;
static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void test_fuzz(void **state)
{
	char *base = t_path("fuzz-base.img"), *img = t_path("fuzz.img");
	const char *s = getenv("EXT2_FUZZ_SEED"), *r = getenv("EXT2_FUZZ_ROUNDS");
	uint64_t seed = s ? strtoull(s, NULL, 0) : 0x5eed;
	int rounds = r ? atoi(r) : 300, mounted = 0;
	long long nblocks;

	/* base: the seeds' clean tree (the read-only seed with its feature fixed) */
	assert_int_equal(t_sh(NULL,
			      "cp '%s/sb-ro-compat.img' '%s' && debugfs -w -R "
			      "'ssv feature_ro_compat 0x3' '%s' >/dev/null 2>&1",
			      seeds, base, base),
			 0);
	assert_int_equal(t_fsck(base), 0);
	assert_int_equal(t_file_size(base, &nblocks), 0);
	nblocks /= 4096;
	printf("fuzz: seed %#llx, %d rounds (EXT2_FUZZ_SEED, EXT2_FUZZ_ROUNDS)\n",
	       (unsigned long long)seed, rounds);
	for (int round = 0; round < rounds; round++) {
		rng = seed * 0x9E3779B97F4A7C15ULL + (uint64_t)round * 0xBF58476D1CE4E5B9ULL + 1;
		assert_int_equal(t_copy_file(base, img), 0);
		int flips = 1 + (int)(next_rand() % 24);
		for (int i = 0; i < flips; i++) {
			/* mostly metadata: the first 40 blocks (superblock,
			 * descriptors, bitmaps, inode table, directories) */
			uint64_t blk = next_rand() % 8 ? next_rand() % 40 :
							 next_rand() % (uint64_t)nblocks;
			uint64_t off = blk * 4096 + next_rand() % 4096;
			unsigned char b = (unsigned char)next_rand();
			if (blk == 0 && next_rand() % 2)
				off = 1024 + next_rand() % 256; /* the live superblock fields */
			assert_int_equal(t_patch(img, off, &b, 1), 0);
		}
		k_log_clear();
		if (k_mount(img, 0))
			continue;
		mounted++;
		walk("", 0);
		scribble();
		walk("", 0);
		if (k_umount())
			fail_msg("fuzz round %d (seed %#llx): unmount failed", round,
				 (unsigned long long)seed);
	}
	printf("fuzz: %d of %d images mounted\n", mounted, rounds);
	free(base);
	free(img);
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
		cmocka_unit_test_teardown(test_seeds, unmount),
		cmocka_unit_test_teardown(test_seeds_scribble, unmount),
		cmocka_unit_test_teardown(test_fuzz, unmount),
		cmocka_unit_test(test_lockdep_clean),
	};
	return cmocka_run_group_tests(tests, setup_all, NULL);
}
