/*
 * lockdep.h - lock dependency checker interface.  Every sleeping or
 * spinning lock embeds a lockdep_map naming its class; the checker
 * (kernel/locking/lockdep.c, enabled with lockdep=1) records which classes
 * are taken while which others are held, and reports a cycle.
 *
 * Contract for lock code: call lock_acquire() before waiting for a lock
 * (so a deadlock is reported before it happens), or after a successful
 * trylock with LD_TRY; call lock_release() when the lock is given up, in
 * the task that took it.  A class is the lock_class_key's address (one per
 * init site) plus the subclass; a statically initialised map (key NULL)
 * is its own class, keyed by the map's address.
 *
 * When lockdep_enabled is false the calls below cost one load and a
 * branch: the checker itself is never entered.
 */
#ifndef KERNEL_LOCKDEP_H
#define KERNEL_LOCKDEP_H

#include <kernel/types.h>

struct lock_class_key {
	char dummy; /* its address identifies a class */
};

struct lockdep_map {
	struct lock_class_key *key;
	const char *name;
	int class_id; /* assigned lazily, 0 = not yet */
};

/* clang-format off */
#define LOCKDEP_MAP_INIT(n) { NULL, n, 0 }
/* clang-format on */

/* How a lock is taken, for the dependency rules (bits, OR them). */
enum lockdep_mode {
	LD_EXCLUSIVE = 0,
	LD_SHARED = 1, /* rwsem read, a two-state lock's state */
	LD_TRY = 2, /* trylock: adds no dependency edge */
	LD_STATE1 = 4, /* with LD_SHARED: a two-state lock's state 1 (else 0) */
};

/* Lock nesting deeper than this turns lockdep off with a report. */
#define LOCKDEP_MAX_DEPTH 32

/* One entry of a task's held-lock stack (task_struct.held_locks). */
struct held_lock {
	struct lockdep_map *map;
	unsigned long ip; /* where it was taken */
	u16 class_id;
	u8 mode; /* LD_* bits as passed to lock_acquire */
	u8 subclass;
};

struct task_struct;

void lockdep_init_map(struct lockdep_map *m, const char *name, struct lock_class_key *key);
void __lock_acquire(struct lockdep_map *m, int subclass, int mode, unsigned long ip);
void __lock_release(struct lockdep_map *m, unsigned long ip);
extern bool lockdep_enabled;

static inline void lock_acquire(struct lockdep_map *m, int subclass, int mode, unsigned long ip)
{
	if (__builtin_expect(lockdep_enabled, 0))
		__lock_acquire(m, subclass, mode, ip);
}

static inline void lock_release(struct lockdep_map *m, unsigned long ip)
{
	if (__builtin_expect(lockdep_enabled, 0))
		__lock_release(m, ip);
}

/* Prints the locks t holds (for the deadlock detector and reports). */
void lockdep_print_held_locks(struct task_struct *t);
/* Reports so far (0 or 1: lockdep turns itself off after one). */
extern int lockdep_nr_reports;
/* Forgets every class and dependency and re-arms the checker (tests).
 * Only when no task holds a lock; clears the caller's held-lock stack. */
void lockdep_reset(void);

#endif
