/*
 * lockdep.c - lock dependency checker.
 *
 * Placeholder until the lockdep issue: records nothing.  Every lock already
 * calls lock_acquire()/lock_release(), so the checker can be filled in
 * without touching lock code.
 */
#include <kernel/lockdep.h>

bool lockdep_enabled;

void lockdep_init_map(struct lockdep_map *m, const char *name, struct lock_class_key *key)
{
	m->key = key;
	m->name = name;
	m->class_id = 0;
}

void lock_acquire(struct lockdep_map *m, int subclass, int mode, unsigned long ip)
{
	(void)m;
	(void)subclass;
	(void)mode;
	(void)ip;
}

void lock_release(struct lockdep_map *m, unsigned long ip)
{
	(void)m;
	(void)ip;
}
