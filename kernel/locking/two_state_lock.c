/*
 * two_state_lock.c - the two-state shared lock (interface and rules in
 * <kernel/two_state_lock.h>); pagecache_add_lock is built on it.
 *
 * State under l->wait_lock: count holders, all in l->state, and a FIFO of
 * lock_waiters (kind = the state wanted).
 * Invariants:
 *   - count == 0 implies no waiters: the last holder to leave always hands
 *     the lock to the head of the queue before anyone else can look.
 *   - fair mode: a new acquirer gets in at once only when nobody waits and
 *     the lock is free or held in its own state; otherwise it queues.  A
 *     waiter is granted by the releaser (count and holders already
 *     updated for it), so nothing can barge in between.
 *   - naive mode (two_state_naive_unfair): no handoff.  A new acquirer of
 *     the held state gets in even past waiters; when count drops to zero,
 *     every waiter is woken but granted nothing: each competes again like
 *     a new acquirer and queues again if someone barged in meanwhile (so
 *     a stream of overlapping holders of one state starves the other).
 *   - holders[] records up to TWO_STATE_MAX_HOLDERS holding tasks; the
 *     rest are only counted.
 *
 * Lock order: wait_lock is a leaf except for the run queue lock taken by
 * wake_up_process() in lock_waiter_grant().
 */
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/two_state_lock.h>
#include "lock_waiter.h"

bool two_state_naive_unfair;

static const char *const wait_kind[2] = { "two_state(0)", "two_state(1)" };

void __two_state_lock_init(struct two_state_lock *l, const char *name, struct lock_class_key *key)
{
	spin_lock_init(&l->wait_lock);
	l->state = 0;
	l->count = 0;
	INIT_LIST_HEAD(&l->waiters);
	for (int i = 0; i < TWO_STATE_MAX_HOLDERS; i++)
		l->holders[i] = NULL;
	l->name = name;
	lockdep_init_map(&l->dep_map, name, key);
}

static int ld_mode(int state, int try)
{
	return LD_SHARED | (state ? LD_STATE1 : 0) | (try ? LD_TRY : 0);
}

/* Caller holds wait_lock: t becomes a holder in l->state. */
static void add_holder(struct two_state_lock *l, struct task_struct *t)
{
	l->count++;
	for (int i = 0; i < TWO_STATE_MAX_HOLDERS; i++) {
		if (!l->holders[i]) {
			WRITE_ONCE(l->holders[i], t);
			return;
		}
	}
}

static void del_holder(struct two_state_lock *l, struct task_struct *t)
{
	l->count--;
	for (int i = 0; i < TWO_STATE_MAX_HOLDERS; i++) {
		if (l->holders[i] == t) {
			WRITE_ONCE(l->holders[i], NULL);
			return;
		}
	}
}

/* Caller holds wait_lock and the count just dropped to zero: hand the
 * lock to the head batch (fair; only granted tasks are woken) or wake
 * every waiter to compete again (naive). */
static void grant_waiters(struct two_state_lock *l)
{
	struct lock_waiter *w, *n;
	int state;

	if (list_empty(&l->waiters))
		return;
	if (two_state_naive_unfair) {
		/* wake everyone, hand over nothing: they race new acquirers */
		list_for_each_entry_safe(w, n, &l->waiters, node)
			lock_waiter_grant(w);
		return;
	}
	state = list_first_entry(&l->waiters, struct lock_waiter, node)->kind;
	l->state = state;
	list_for_each_entry_safe(w, n, &l->waiters, node) {
		if (w->kind != state)
			break;
		add_holder(l, w->task);
		lock_waiter_grant(w);
	}
}

/* Caller holds wait_lock: may a new acquirer of state get in at once? */
static bool can_enter(struct two_state_lock *l, int state)
{
	if (two_state_naive_unfair)
		return l->count == 0 || l->state == state;
	return list_empty(&l->waiters) && (l->count == 0 || l->state == state);
}

static void __two_state_lock(struct two_state_lock *l, int state, int subclass, unsigned long ip)
{
	unsigned long flags;

	BUG_ON(state != 0 && state != 1);
	lock_acquire(&l->dep_map, subclass, ld_mode(state, 0), ip);
	flags = spin_lock_irqsave(&l->wait_lock);
	for (;;) {
		struct lock_waiter w = { .task = current, .kind = state, .granted = false };

		if (can_enter(l, state)) {
			l->state = state;
			add_holder(l, current);
			break;
		}
		list_add_tail(&w.node, &l->waiters);
		lock_waiter_sleep(&w, &l->wait_lock, &flags, l, wait_kind[state]);
		if (!two_state_naive_unfair)
			break; /* granted: the releaser made us a holder */
	}
	spin_unlock_irqrestore(&l->wait_lock, flags);
}

void two_state_lock(struct two_state_lock *l, int state)
{
	__two_state_lock(l, state, 0, (unsigned long)__builtin_return_address(0));
}

void two_state_lock_nested(struct two_state_lock *l, int state, int subclass)
{
	__two_state_lock(l, state, subclass, (unsigned long)__builtin_return_address(0));
}

bool two_state_trylock(struct two_state_lock *l, int state)
{
	unsigned long flags;
	bool ok;

	BUG_ON(state != 0 && state != 1);
	flags = spin_lock_irqsave(&l->wait_lock);
	ok = can_enter(l, state);
	if (ok) {
		l->state = state;
		add_holder(l, current);
	}
	spin_unlock_irqrestore(&l->wait_lock, flags);
	if (ok)
		lock_acquire(&l->dep_map, 0, ld_mode(state, 1),
			     (unsigned long)__builtin_return_address(0));
	return ok;
}

void two_state_unlock(struct two_state_lock *l, int state)
{
	unsigned long flags = spin_lock_irqsave(&l->wait_lock);

	if (l->count <= 0 || l->state != state)
		panic("two_state_lock %s: unlock of state %d, held %d times in state %d", l->name,
		      state, l->count, l->state);
	lock_release(&l->dep_map, (unsigned long)__builtin_return_address(0));
	del_holder(l, current);
	if (l->count == 0)
		grant_waiters(l);
	spin_unlock_irqrestore(&l->wait_lock, flags);
}

int two_state_lock_holders(struct two_state_lock *l, int *state, struct task_struct **tasks,
			   int max)
{
	int n = 0;

	if (state)
		*state = READ_ONCE(l->state);
	for (int i = 0; i < TWO_STATE_MAX_HOLDERS && tasks && n < max; i++) {
		struct task_struct *t = READ_ONCE(l->holders[i]);

		if (t)
			tasks[n++] = t;
	}
	return READ_ONCE(l->count);
}
