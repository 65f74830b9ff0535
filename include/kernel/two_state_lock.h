/*
 * two_state_lock.h - a lock with two shared states (kernel/locking/two_state_lock.c).
 *
 * Like a reader/writer lock whose "writers" do not exclude each other:
 * any number of tasks may hold it in state 0, or any number in state 1,
 * never both at once.  pagecache_add_lock (DESIGN.md section 2) is one per
 * address_space with ADD = 0 (buffered I/O, faults: may add pages) and
 * BLOCK = 1 (O_DIRECT, truncate: keep pages out), so O_DIRECT writers to
 * one file run in parallel while no page can appear under them.
 * (Linux/bcachefs call it two_state_shared_lock.)
 *
 * Fairness (handoff, like rwsem): once a task waits, every later acquirer
 * queues behind it, even one of the state being held; the last holder to
 * leave hands the lock to the batch at the head of the queue (the run of
 * consecutive waiters wanting the same state) and wakes only those tasks.
 * So a wait is bounded by the holders and batches ahead of it, and
 * trylock fails whenever anybody waits.  two_state_naive_unfair (boot
 * option naive=unfair) brings back the naive lock: a new acquirer of the
 * held state always gets in, so waiters for the other state can starve.
 *
 * Rules: may sleep (not in interrupt context, not under a spinlock).
 * Unlock with the state that was taken, in the task that took it.
 * Recursion (taking it again while holding it) can deadlock once a waiter
 * for the other state queues in between, and lockdep reports it.  Two
 * locks of one class nest only through two_state_lock_nested() with a
 * declared order (e.g. inode number: subclass 0, then 1).
 *
 * Holders: the first TWO_STATE_MAX_HOLDERS holders are recorded (for the
 * deadlock detector, kernel/locking/hung_task.c); more are counted only.
 */
#ifndef KERNEL_TWO_STATE_LOCK_H
#define KERNEL_TWO_STATE_LOCK_H

#include <kernel/list.h>
#include <kernel/lockdep.h>
#include <kernel/spinlock.h>

struct task_struct;

#define TWO_STATE_MAX_HOLDERS 8

struct two_state_lock {
	/* holders << 2 | QUEUED << 1 | their state; atomic (two_state_lock.c) */
	unsigned long word;
	spinlock_t wait_lock; /* guards waiters and the QUEUED bit's changes */
	struct list_head waiters; /* FIFO of struct lock_waiter, kind = state */
	struct task_struct *holders[TWO_STATE_MAX_HOLDERS]; /* NULL = free slot */
	const char *name;
	struct lockdep_map dep_map;
};

/* Set (by naive=unfair) before any lock is used; never changed after. */
extern bool two_state_naive_unfair;

void __two_state_lock_init(struct two_state_lock *l, const char *name, struct lock_class_key *key);
#define two_state_lock_init(l)                          \
	do {                                            \
		static struct lock_class_key __key;     \
		__two_state_lock_init((l), #l, &__key); \
	} while (0)

/* Takes l in state (0 or 1); sleeps while the other state holds it or
 * others wait ahead. */
void two_state_lock(struct two_state_lock *l, int state);
/* Same, telling lockdep this is the subclass-th lock of its class that
 * the task takes in the declared order. */
void two_state_lock_nested(struct two_state_lock *l, int state, int subclass);
/* Takes l in state if that needs no wait and nobody waits; never sleeps. */
bool two_state_trylock(struct two_state_lock *l, int state);
void two_state_unlock(struct two_state_lock *l, int state);

/* Snapshot for the deadlock detector: returns the number of holders and
 * sets *state; copies up to max recorded holder tasks into tasks (which
 * may be NULL).  Unlocked reads: call only on a lock that stays alive. */
int two_state_lock_holders(struct two_state_lock *l, int *state, struct task_struct **tasks,
			   int max);

#endif
