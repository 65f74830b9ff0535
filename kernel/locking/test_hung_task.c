/*
 * test_hung_task.c - `test=deadlock`: a deliberate deadlock for the
 * deadlock detector (hung_task.c) and lockdep to catch.
 *
 * Two threads play two O_DIRECTs without the order-or-trylock rule
 * (naive=order): each takes one file's pagecache_add_lock in BLOCK state,
 * then wants the other file's in ADD state.  Both sleep forever; with
 * lockdep=1 lockdep reports the cycle as the second thread starts to
 * wait, and after hung_task= seconds the detector prints the wait-for
 * cycle and powers off with EXIT_DEADLOCK (101).  If nothing fires within
 * a minute the test returns 1.
 */
#include <kernel/init.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/two_state_lock.h>

enum { ADD = 0, BLOCK = 1 };

static struct two_state_lock file_a, file_b;
static volatile int holding;

static void odirect(struct two_state_lock *mine, struct two_state_lock *other)
{
	two_state_lock(mine, BLOCK);
	__atomic_add_fetch(&holding, 1, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&holding, __ATOMIC_SEQ_CST) < 2)
		msleep(10);
	two_state_lock(other, ADD); /* never returns */
	two_state_unlock(other, ADD);
	two_state_unlock(mine, BLOCK);
}

static int dio_a(void *arg)
{
	(void)arg;
	odirect(&file_a, &file_b);
	return 0;
}

static int dio_b(void *arg)
{
	(void)arg;
	odirect(&file_b, &file_a);
	return 0;
}

static int test_deadlock(void)
{
	static struct lock_class_key key_a, key_b;

	__two_state_lock_init(&file_a, "pagecache_add_lock(file A)", &key_a);
	__two_state_lock_init(&file_b, "pagecache_add_lock(file B)", &key_b);
	kthread_run(dio_a, NULL, "dio_a");
	kthread_run(dio_b, NULL, "dio_b");
	msleep(60 * 1000);
	printk(KERN_ERR "test=deadlock: the deadlock detector did not fire\n");
	return 1;
}
TEST_MODE(deadlock, test_deadlock, "AB-BA deadlock on two two-state locks: the detector must fire");
