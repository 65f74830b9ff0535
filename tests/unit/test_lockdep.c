/*
 * test_lockdep.c - host unit tests of kernel/locking/lockdep.c, driven by
 * the kernel's mutex, rwsem and two-state lock (all unmodified, on the
 * shim) and by bare lockdep_maps where a real lock would deadlock.
 *
 * Asserted: an AB-BA order is reported once, naming both classes and both
 * edges with their first acquisition sites; trylocks add no edge (but a
 * trylocked lock is held like any other); a consistent order never
 * reports; shared/exclusive rules (read-read and ADD-ADD cycles are quiet,
 * a cycle with a conflicting mode anywhere is reported, ADD/BLOCK between
 * two mappings is); same-class nesting needs distinct subclasses in one
 * order; recursion reports; nothing is recorded while lockdep is off.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <kernel/lockdep.h>
#include <kernel/mutex.h>
#include <kernel/rwsem.h>
#include <kernel/sched.h>
#include <kernel/two_state_lock.h>
#include <shim.h>

static struct lock_class_key key_a, key_b, key_r1, key_r2, key_same, key_t1, key_t2, key_tsame;
static struct mutex a, b, x, y;
static struct rw_semaphore r1, r2;
static struct two_state_lock t1, t2, ta, tb;

/* One init site for x and y, ta and tb: one class each. */
static void init_same_class(void)
{
	__mutex_init(&x, "same_mutex", &key_same);
	__mutex_init(&y, "same_mutex", &key_same);
	__two_state_lock_init(&ta, "mapping_lock", &key_tsame);
	__two_state_lock_init(&tb, "mapping_lock", &key_tsame);
}

static int setup(void **state)
{
	(void)state;
	lockdep_enabled = false;
	lockdep_reset();
	__mutex_init(&a, "lock_a", &key_a);
	__mutex_init(&b, "lock_b", &key_b);
	__init_rwsem(&r1, "sem_1", &key_r1);
	__init_rwsem(&r2, "sem_2", &key_r2);
	__two_state_lock_init(&t1, "pagecache_add_1", &key_t1);
	__two_state_lock_init(&t2, "pagecache_add_2", &key_t2);
	init_same_class();
	shim_log_clear();
	shim_log_quiet = true;
	lockdep_enabled = true;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	lockdep_enabled = false;
	shim_log_quiet = false;
	if (getenv("VERBOSE"))
		fprintf(stderr, "%s", shim_log()); /* show what was reported */
	return 0;
}

static bool logged(const char *s) { return strstr(shim_log(), s) != NULL; }

static void lock_ab(struct mutex *first, struct mutex *second)
{
	mutex_lock(first);
	mutex_lock(second);
	mutex_unlock(second);
	mutex_unlock(first);
}

static void *thread_ab(void *p)
{
	(void)p;
	shim_set_comm("thread_ab");
	lock_ab(&a, &b);
	return NULL;
}

static void test_abba_reported(void **state)
{
	pthread_t th;

	(void)state;
	pthread_create(&th, NULL, thread_ab, NULL);
	pthread_join(th, NULL);
	assert_int_equal(lockdep_nr_reports, 0);
	lock_ab(&b, &a); /* the other order, in another task */
	assert_int_equal(lockdep_nr_reports, 1);
	assert_false(lockdep_enabled); /* one report, then off */
	assert_true(logged("circular locking dependency"));
	assert_true(logged("\"lock_b\" (exclusive) -> \"lock_a\" (exclusive)"));
	assert_true(logged("\"lock_a\" (exclusive) -> \"lock_b\" (exclusive)"));
	/* each edge with where it was first taken */
	assert_true(logged("took it at 0x"));
	assert_true(logged("while holding the first, taken at 0x"));
	/* lock_b is held by the reporting task, lock_a being taken */
	assert_true(logged("1 lock held by"));
	assert_true(logged("is taking \"lock_a\" exclusive at 0x"));
}

static void test_trylock_adds_no_edge(void **state)
{
	(void)state;
	mutex_lock(&a);
	assert_true(mutex_trylock(&b));
	mutex_unlock(&b);
	mutex_unlock(&a);
	lock_ab(&b, &a); /* no a->b edge was made: quiet */
	assert_int_equal(lockdep_nr_reports, 0);

	/* but a lock got by trylock is held: b (tried) -> a is an edge,
	 * so a -> b closes a cycle */
	setup(NULL);
	assert_true(mutex_trylock(&b));
	mutex_lock(&a);
	mutex_unlock(&a);
	mutex_unlock(&b);
	assert_int_equal(lockdep_nr_reports, 0);
	lock_ab(&a, &b);
	assert_int_equal(lockdep_nr_reports, 1);
}

static void *consistent_worker(void *p)
{
	(void)p;
	for (int i = 0; i < 300; i++) {
		lock_ab(&a, &b);
		down_read(&r1);
		mutex_lock(&a);
		mutex_unlock(&a);
		up_read(&r1);
	}
	return NULL;
}

static void test_consistent_order_quiet(void **state)
{
	pthread_t th[4];

	(void)state;
	for (int i = 0; i < 4; i++)
		pthread_create(&th[i], NULL, consistent_worker, NULL);
	for (int i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	assert_int_equal(lockdep_nr_reports, 0);
	assert_true(lockdep_enabled);
	assert_int_equal(current->lockdep_depth, 0);
}

static void test_shared_rules(void **state)
{
	(void)state;
	/* read-read both ways: not reported */
	down_read(&r1);
	down_read(&r2);
	up_read(&r2);
	up_read(&r1);
	down_read(&r2);
	down_read(&r1);
	up_read(&r1);
	up_read(&r2);
	assert_int_equal(lockdep_nr_reports, 0);
	/* ADD-ADD between two mappings both ways: not reported */
	two_state_lock(&t1, 0);
	two_state_lock(&t2, 0);
	two_state_unlock(&t2, 0);
	two_state_unlock(&t1, 0);
	two_state_lock(&t2, 0);
	two_state_lock(&t1, 0);
	two_state_unlock(&t1, 0);
	two_state_unlock(&t2, 0);
	assert_int_equal(lockdep_nr_reports, 0);
	/* r1 held for write while taking r2: r1 conflicts on the cycle */
	down_write(&r1);
	down_read(&r2);
	up_read(&r2);
	up_write(&r1);
	assert_int_equal(lockdep_nr_reports, 1);
	assert_true(logged("\"sem_1\" (exclusive) -> \"sem_2\" (shared(0))"));
	assert_true(logged("\"sem_2\" (shared(0)) -> \"sem_1\" (shared(0))"));
}

static void test_rwsem_read_mutex_cycle(void **state)
{
	(void)state;
	down_read(&r1);
	mutex_lock(&a);
	mutex_unlock(&a);
	up_read(&r1);
	mutex_lock(&a);
	down_read(&r1);
	up_read(&r1);
	mutex_unlock(&a);
	assert_int_equal(lockdep_nr_reports, 1);
}

/* naive=order: two O_DIRECTs, each holding its file's BLOCK state and
 * faulting on the other's mapping (ADD state) */
static void test_two_state_add_block_cycle(void **state)
{
	(void)state;
	two_state_lock(&t1, 1);
	two_state_lock(&t2, 0);
	two_state_unlock(&t2, 0);
	two_state_unlock(&t1, 1);
	assert_int_equal(lockdep_nr_reports, 0);
	two_state_lock(&t2, 1);
	two_state_lock(&t1, 0);
	two_state_unlock(&t1, 0);
	two_state_unlock(&t2, 1);
	assert_int_equal(lockdep_nr_reports, 1);
	assert_true(logged("\"pagecache_add_2\" (shared(1)) -> \"pagecache_add_1\" (shared(0))"));
	assert_true(logged("\"pagecache_add_1\" (shared(1)) -> \"pagecache_add_2\" (shared(0))"));
}

static void test_subclass_nesting(void **state)
{
	(void)state;
	/* declared order: subclass 0 then 1, whichever instances */
	mutex_lock(&x);
	mutex_lock_nested(&y, 1);
	mutex_unlock(&y);
	mutex_unlock(&x);
	mutex_lock(&y);
	mutex_lock_nested(&x, 1);
	mutex_unlock(&x);
	mutex_unlock(&y);
	/* two mappings of one class in ADD state share: fine */
	two_state_lock(&ta, 0);
	two_state_lock(&tb, 0);
	two_state_unlock(&tb, 0);
	two_state_unlock(&ta, 0);
	/* and BLOCK then ADD in inode order */
	two_state_lock(&ta, 1);
	two_state_lock_nested(&tb, 0, 1);
	two_state_unlock(&tb, 0);
	two_state_unlock(&ta, 1);
	assert_int_equal(lockdep_nr_reports, 0);
	/* the reverse order of subclasses closes a cycle */
	mutex_lock_nested(&x, 1);
	mutex_lock(&y);
	mutex_unlock(&y);
	mutex_unlock(&x);
	assert_int_equal(lockdep_nr_reports, 1);
	assert_true(logged("\"same_mutex\"/1 (exclusive) -> \"same_mutex\" (exclusive)"));
}

static void test_same_class_without_subclass(void **state)
{
	(void)state;
	mutex_lock(&x);
	mutex_lock(&y);
	mutex_unlock(&y);
	mutex_unlock(&x);
	assert_int_equal(lockdep_nr_reports, 1);
	assert_true(logged("two locks of one class nested without a subclass"));
}

static void test_same_class_two_state_block_add(void **state)
{
	(void)state;
	two_state_lock(&ta, 1);
	two_state_lock(&tb, 0); /* must be a trylock or nested in order */
	two_state_unlock(&tb, 0);
	two_state_unlock(&ta, 1);
	assert_int_equal(lockdep_nr_reports, 1);
	/* the trylock of the other mapping is always fine */
	setup(NULL);
	two_state_lock(&ta, 1);
	assert_true(two_state_trylock(&tb, 0));
	two_state_unlock(&tb, 0);
	two_state_unlock(&ta, 1);
	assert_int_equal(lockdep_nr_reports, 0);
}

static void test_recursion(void **state)
{
	struct lockdep_map m;
	static struct lock_class_key k;

	(void)state;
	lockdep_init_map(&m, "bare", &k);
	lock_acquire(&m, 0, LD_EXCLUSIVE, 0x1000);
	lock_acquire(&m, 0, LD_EXCLUSIVE | LD_TRY, 0x1001); /* trylock: no report */
	assert_int_equal(lockdep_nr_reports, 0);
	lock_release(&m, 0);
	lock_acquire(&m, 0, LD_EXCLUSIVE, 0x1002);
	assert_int_equal(lockdep_nr_reports, 1);
	assert_true(logged("recursive locking"));

	/* the naive=fdm self-deadlock: BLOCK held, a fault wants ADD of the
	 * same mapping */
	setup(NULL);
	lock_acquire(&m, 0, LD_SHARED | LD_STATE1, 0x2000);
	lock_acquire(&m, 0, LD_SHARED, 0x2001);
	assert_int_equal(lockdep_nr_reports, 1);
	/* shared recursion of one instance: reported too (a queued waiter
	 * would deadlock it with fair locks) */
	setup(NULL);
	lock_acquire(&m, 0, LD_SHARED, 0x3000);
	lock_acquire(&m, 0, LD_SHARED, 0x3001);
	assert_int_equal(lockdep_nr_reports, 1);
	setup(NULL);
}

static void test_report_names_sites(void **state)
{
	struct lockdep_map ma, mb;
	static struct lock_class_key ka, kb;

	(void)state;
	lockdep_init_map(&ma, "site_a", &ka);
	lockdep_init_map(&mb, "site_b", &kb);
	lock_acquire(&ma, 0, LD_EXCLUSIVE, 0xa1a1);
	lock_acquire(&mb, 0, LD_EXCLUSIVE, 0xb1b1);
	lock_release(&mb, 0);
	lock_release(&ma, 0);
	lock_acquire(&mb, 0, LD_EXCLUSIVE, 0xb2b2);
	lock_acquire(&ma, 0, LD_EXCLUSIVE, 0xa2a2);
	assert_int_equal(lockdep_nr_reports, 1);
	/* edge a->b: b first taken at 0xb1b1 while holding a from 0xa1a1 */
	assert_true(logged("\"site_a\" (exclusive) -> \"site_b\" (exclusive): pid"));
	assert_true(logged("took it at 0xb1b1"));
	assert_true(logged("taken at 0xa1a1"));
	assert_true(logged("took it at 0xa2a2"));
	assert_true(logged("taken at 0xb2b2"));
	setup(NULL);
}

static void test_static_map_is_own_class(void **state)
{
	static struct lockdep_map s1 = LOCKDEP_MAP_INIT("static_lock");
	static struct lockdep_map s2 = LOCKDEP_MAP_INIT("static_lock");

	(void)state;
	/* same name, no key: two classes, so nesting them is no report */
	lock_acquire(&s1, 0, LD_EXCLUSIVE, 1);
	lock_acquire(&s2, 0, LD_EXCLUSIVE, 2);
	lock_release(&s2, 0);
	lock_release(&s1, 0);
	assert_int_equal(lockdep_nr_reports, 0);
	lock_acquire(&s2, 0, LD_EXCLUSIVE, 3);
	lock_acquire(&s1, 0, LD_EXCLUSIVE, 4);
	lock_release(&s1, 0);
	lock_release(&s2, 0);
	assert_int_equal(lockdep_nr_reports, 1);
}

static void test_off_records_nothing(void **state)
{
	(void)state;
	lockdep_enabled = false;
	lock_ab(&a, &b);
	mutex_lock(&a);
	assert_int_equal(current->lockdep_depth, 0);
	/* turned on while a lock is held: its release is ignored */
	lockdep_enabled = true;
	mutex_unlock(&a);
	assert_int_equal(current->lockdep_depth, 0);
	lock_ab(&b, &a); /* no a->b edge was recorded while off */
	assert_int_equal(lockdep_nr_reports, 0);
}

static void test_release_out_of_order(void **state)
{
	(void)state;
	mutex_lock(&a);
	mutex_lock(&b);
	mutex_unlock(&a);
	assert_int_equal(current->lockdep_depth, 1);
	assert_ptr_equal(current->held_locks[0].map, &b.dep_map);
	mutex_unlock(&b);
	assert_int_equal(current->lockdep_depth, 0);
	assert_int_equal(lockdep_nr_reports, 0);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_abba_reported),
		T(test_trylock_adds_no_edge),
		T(test_consistent_order_quiet),
		T(test_shared_rules),
		T(test_rwsem_read_mutex_cycle),
		T(test_two_state_add_block_cycle),
		T(test_subclass_nesting),
		T(test_same_class_without_subclass),
		T(test_same_class_two_state_block_add),
		T(test_recursion),
		T(test_report_names_sites),
		T(test_static_map_is_own_class),
		T(test_off_records_nothing),
		T(test_release_out_of_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
