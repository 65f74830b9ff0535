/*
 * rwsem.c - fair reader/writer semaphore.
 *
 * State under s->lock: the number of active readers, the writer (if any)
 * and a FIFO of waiters.  A new reader gets in only when there is no writer
 * and nobody waits (so a queued writer holds back later readers).  On
 * release the lock is handed to the head of the queue: one writer, or the
 * run of readers at the head.
 */
#include <kernel/printk.h>
#include <kernel/rwsem.h>
#include <kernel/sched.h>
#include "lock_waiter.h"

enum { RW_READER, RW_WRITER };

void __init_rwsem(struct rw_semaphore *s, const char *name, struct lock_class_key *key)
{
	spin_lock_init(&s->lock);
	s->readers = 0;
	s->writer = NULL;
	INIT_LIST_HEAD(&s->waiters);
	s->name = name;
	lockdep_init_map(&s->dep_map, name, key);
}

/* Caller holds s->lock and the lock is free: hand it to the queue head. */
static void grant_waiters(struct rw_semaphore *s)
{
	struct lock_waiter *w, *n;

	if (list_empty(&s->waiters))
		return;
	w = list_first_entry(&s->waiters, struct lock_waiter, node);
	if (w->kind == RW_WRITER) {
		s->writer = w->task;
		lock_waiter_grant(w);
		return;
	}
	list_for_each_entry_safe(w, n, &s->waiters, node) {
		if (w->kind != RW_READER)
			break;
		s->readers++;
		lock_waiter_grant(w);
	}
}

static void __down_read(struct rw_semaphore *s, int subclass, unsigned long ip)
{
	unsigned long flags;

	lock_acquire(&s->dep_map, subclass, LD_SHARED, ip);
	flags = spin_lock_irqsave(&s->lock);
	if (!s->writer && list_empty(&s->waiters)) {
		s->readers++;
	} else {
		struct lock_waiter w = { .task = current, .kind = RW_READER };
		list_add_tail(&w.node, &s->waiters);
		lock_waiter_sleep(&w, &s->lock, &flags, s, "rwsem(read)");
	}
	spin_unlock_irqrestore(&s->lock, flags);
}

void down_read(struct rw_semaphore *s)
{
	__down_read(s, 0, (unsigned long)__builtin_return_address(0));
}
void down_read_nested(struct rw_semaphore *s, int sub)
{
	__down_read(s, sub, (unsigned long)__builtin_return_address(0));
}

bool down_read_trylock(struct rw_semaphore *s)
{
	unsigned long flags = spin_lock_irqsave(&s->lock);
	bool ok = !s->writer && list_empty(&s->waiters);

	if (ok)
		s->readers++;
	spin_unlock_irqrestore(&s->lock, flags);
	if (ok)
		lock_acquire(&s->dep_map, 0, LD_TRY | LD_SHARED,
			     (unsigned long)__builtin_return_address(0));
	return ok;
}

void up_read(struct rw_semaphore *s)
{
	unsigned long flags = spin_lock_irqsave(&s->lock);

	if (s->readers <= 0)
		panic("rwsem %s: up_read without readers", s->name);
	lock_release(&s->dep_map, (unsigned long)__builtin_return_address(0));
	if (--s->readers == 0)
		grant_waiters(s);
	spin_unlock_irqrestore(&s->lock, flags);
}

static void __down_write(struct rw_semaphore *s, int subclass, unsigned long ip)
{
	unsigned long flags;

	lock_acquire(&s->dep_map, subclass, LD_EXCLUSIVE, ip);
	flags = spin_lock_irqsave(&s->lock);
	if (s->writer == current)
		panic("rwsem %s: recursive down_write by %s", s->name, current->comm);
	if (!s->writer && s->readers == 0 && list_empty(&s->waiters)) {
		s->writer = current;
	} else {
		struct lock_waiter w = { .task = current, .kind = RW_WRITER };
		list_add_tail(&w.node, &s->waiters);
		lock_waiter_sleep(&w, &s->lock, &flags, s, "rwsem(write)");
	}
	spin_unlock_irqrestore(&s->lock, flags);
}

void down_write(struct rw_semaphore *s)
{
	__down_write(s, 0, (unsigned long)__builtin_return_address(0));
}
void down_write_nested(struct rw_semaphore *s, int sub)
{
	__down_write(s, sub, (unsigned long)__builtin_return_address(0));
}

bool down_write_trylock(struct rw_semaphore *s)
{
	unsigned long flags = spin_lock_irqsave(&s->lock);
	bool ok = !s->writer && s->readers == 0 && list_empty(&s->waiters);

	if (ok)
		s->writer = current;
	spin_unlock_irqrestore(&s->lock, flags);
	if (ok)
		lock_acquire(&s->dep_map, 0, LD_TRY, (unsigned long)__builtin_return_address(0));
	return ok;
}

void up_write(struct rw_semaphore *s)
{
	unsigned long flags = spin_lock_irqsave(&s->lock);

	if (s->writer != current)
		panic("rwsem %s: up_write by %s, not the writer", s->name, current->comm);
	lock_release(&s->dep_map, (unsigned long)__builtin_return_address(0));
	s->writer = NULL;
	grant_waiters(s);
	spin_unlock_irqrestore(&s->lock, flags);
}

void downgrade_write(struct rw_semaphore *s)
{
	unsigned long flags = spin_lock_irqsave(&s->lock);
	struct lock_waiter *w, *n;

	s->writer = NULL;
	s->readers = 1;
	/* let the readers at the head of the queue in with us */
	list_for_each_entry_safe(w, n, &s->waiters, node) {
		if (w->kind != RW_READER)
			break;
		s->readers++;
		lock_waiter_grant(w);
	}
	spin_unlock_irqrestore(&s->lock, flags);
}
