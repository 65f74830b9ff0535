/*
 * rwsem.h - fair reader/writer semaphore (kernel/locking/rwsem.c).
 *
 * Many readers or one writer.  Fair: once a writer waits, new readers queue
 * behind it; when the lock is released it goes to the head of the queue (a
 * writer, or every reader up to the next queued writer).  May sleep.
 */
#ifndef KERNEL_RWSEM_H
#define KERNEL_RWSEM_H

#include <kernel/list.h>
#include <kernel/lockdep.h>
#include <kernel/spinlock.h>

struct task_struct;

struct rw_semaphore {
	spinlock_t lock;
	int readers; /* active readers */
	struct task_struct *writer;
	struct list_head waiters;
	const char *name;
	struct lockdep_map dep_map;
};

#define __RWSEM_INITIALIZER(n)                                                        \
	{                                                                             \
		__SPIN_LOCK_UNLOCKED(n.lock), 0, NULL, LIST_HEAD_INIT(n.waiters), #n, \
			LOCKDEP_MAP_INIT(#n)                                          \
	}
#define DECLARE_RWSEM(n) struct rw_semaphore n = __RWSEM_INITIALIZER(n)

void __init_rwsem(struct rw_semaphore *s, const char *name, struct lock_class_key *key);
#define init_rwsem(s)                               \
	do {                                        \
		static struct lock_class_key __key; \
		__init_rwsem((s), #s, &__key);      \
	} while (0)
void down_read(struct rw_semaphore *s);
void down_read_nested(struct rw_semaphore *s, int subclass);
bool down_read_trylock(struct rw_semaphore *s);
void up_read(struct rw_semaphore *s);
void down_write(struct rw_semaphore *s);
void down_write_nested(struct rw_semaphore *s, int subclass);
bool down_write_trylock(struct rw_semaphore *s);
void up_write(struct rw_semaphore *s);
void downgrade_write(struct rw_semaphore *s);

#endif
