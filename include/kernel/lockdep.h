/*
 * lockdep.h - lock dependency checker interface.  Every sleeping or
 * spinning lock embeds a lockdep_map naming its class; the checker
 * (kernel/locking/lockdep.c, enabled with lockdep=1) records which classes
 * are taken while which others are held, and reports a cycle.
 * When lockdep is off these calls return at once.
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

#define LOCKDEP_MAP_INIT(n) { NULL, n, 0 }

/* How a lock is taken, for the dependency rules. */
enum lockdep_mode {
	LD_EXCLUSIVE = 0,
	LD_SHARED = 1, /* rwsem read, a two-state lock's state */
	LD_TRY = 2,    /* trylock: adds no dependency edge */
};

void lockdep_init_map(struct lockdep_map *m, const char *name, struct lock_class_key *key);
void lock_acquire(struct lockdep_map *m, int subclass, int mode, unsigned long ip);
void lock_release(struct lockdep_map *m, unsigned long ip);
extern bool lockdep_enabled;

#endif
