/*
 * two_state_lock.c - the two-state shared lock (interface and rules in
 * <kernel/two_state_lock.h>); pagecache_add_lock is built on it.
 *
 * One word says who holds the lock: l->word = count << 2 | QUEUED | state,
 * where count is the number of holders (all in `state`) and QUEUED says
 * the FIFO of lock_waiters (kind = the state wanted) is not empty.  The
 * word changes only by atomic operations; the waiter list and the QUEUED
 * bit change only under l->wait_lock.
 *
 * Fast paths (no wait_lock): an acquirer whose entry needs no wait and
 * finds QUEUED clear adds itself with one compare-and-swap; a releaser
 * that finds QUEUED clear leaves with one.  Everything else takes
 * wait_lock: a waiter queues, sets QUEUED, and from then on every release
 * goes the slow way, so the last holder to leave sees the queue and hands
 * the lock over.  The one race, a holder leaving by the fast path just
 * before the waiter set QUEUED, is closed by the waiter itself: after
 * setting QUEUED it looks at the count again and grants the queue if the
 * lock has become free.
 * Invariants:
 *   - fair mode: a new acquirer gets in at once only when nobody waits and
 *     the lock is free or held in its own state; otherwise it queues.  A
 *     waiter is granted by the releaser (count and holders already updated
 *     for it, the word set before anyone is woken), so nothing can barge
 *     in between: while QUEUED is set and count is 0, only the granter
 *     changes the word.
 *   - naive mode (two_state_naive_unfair): no handoff.  A new acquirer of
 *     the held state gets in even past waiters (the fast path ignores
 *     QUEUED); when count drops to zero, every waiter is woken but granted
 *     nothing: each competes again like a new acquirer and queues again if
 *     someone barged in meanwhile (so a stream of overlapping holders of
 *     one state starves the other).
 *   - holders[] records up to TWO_STATE_MAX_HOLDERS holding tasks (slots
 *     claimed by compare-and-swap; a task frees its own); the rest are only
 *     counted.  It is for the deadlock detector's report, which reads it
 *     racily: a holder is recorded just after it got in.
 *
 * Lock order: wait_lock is a leaf except for the run queue lock taken by
 * wake_up_process() in lock_waiter_grant().
 */
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/two_state_lock.h>
#include "lock_waiter.h"

#define TS_STATE 1UL
#define TS_QUEUED 2UL
#define TS_ONE 4UL /* one holder */

bool two_state_naive_unfair;

static const char *const wait_kind[2] = { "two_state(0)", "two_state(1)" };

static inline unsigned long ts_count(unsigned long w) { return w / TS_ONE; }
static inline int ts_state(unsigned long w) { return (int)(w & TS_STATE); }

static inline unsigned long ts_read(struct two_state_lock *l)
{
	return __atomic_load_n(&l->word, __ATOMIC_ACQUIRE);
}

/* Replaces *old with nw if the word still is *old; else *old is reloaded. */
static inline bool ts_cmpxchg(struct two_state_lock *l, unsigned long *old, unsigned long nw)
{
	return __atomic_compare_exchange_n(&l->word, old, nw, false, __ATOMIC_SEQ_CST,
					   __ATOMIC_ACQUIRE);
}

void __two_state_lock_init(struct two_state_lock *l, const char *name, struct lock_class_key *key)
{
	spin_lock_init(&l->wait_lock);
	l->word = 0;
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

/* Records t as a holder in a free slot (if any is left). */
static void add_holder(struct two_state_lock *l, struct task_struct *t)
{
	for (int i = 0; i < TWO_STATE_MAX_HOLDERS; i++) {
		struct task_struct *none = NULL;

		if (!READ_ONCE(l->holders[i]) &&
		    __atomic_compare_exchange_n(&l->holders[i], &none, t, false, __ATOMIC_RELAXED,
						__ATOMIC_RELAXED))
			return;
	}
}

static void del_holder(struct two_state_lock *l, struct task_struct *t)
{
	for (int i = 0; i < TWO_STATE_MAX_HOLDERS; i++) {
		if (READ_ONCE(l->holders[i]) == t) {
			WRITE_ONCE(l->holders[i], NULL);
			return;
		}
	}
}

/* May an acquirer of state get in at once, given the word w? */
static bool can_enter(unsigned long w, int state)
{
	if (!two_state_naive_unfair && (w & TS_QUEUED))
		return false;
	return ts_count(w) == 0 || ts_state(w) == state;
}

/* The lock-free entry: true if we became a holder. */
static bool try_enter(struct two_state_lock *l, int state)
{
	unsigned long w = ts_read(l);

	while (can_enter(w, state)) {
		if (ts_cmpxchg(l, &w, ((w & ~TS_STATE) | (unsigned long)state) + TS_ONE)) {
			add_holder(l, current);
			return true;
		}
	}
	return false;
}

/* Caller holds wait_lock and has seen the count at zero: hand the lock to
 * the head batch (fair; only granted tasks are woken) or wake every waiter
 * to compete again (naive). */
static void grant_waiters(struct two_state_lock *l)
{
	struct lock_waiter *w, *n;
	unsigned long old = ts_read(l), nw;
	unsigned int batch = 0;
	int state;

	if (list_empty(&l->waiters))
		return;
	if (two_state_naive_unfair) {
		/* wake everyone, hand over nothing: they race new acquirers */
		__atomic_fetch_and(&l->word, ~TS_QUEUED, __ATOMIC_SEQ_CST);
		list_for_each_entry_safe(w, n, &l->waiters, node)
			lock_waiter_grant(w);
		return;
	}
	state = list_first_entry(&l->waiters, struct lock_waiter, node)->kind;
	list_for_each_entry(w, &l->waiters, node) {
		if (w->kind != state)
			break;
		batch++;
	}
	/* QUEUED stays if someone of the other state is left behind. */
	nw = (unsigned long)state + batch * TS_ONE;
	list_for_each_entry(w, &l->waiters, node) {
		if (w->kind != state) {
			nw |= TS_QUEUED;
			break;
		}
	}
	while (!ts_cmpxchg(l, &old, nw))
		; /* nothing else changes a free, queued word: never loops */
	list_for_each_entry_safe(w, n, &l->waiters, node) {
		if (w->kind != state)
			break;
		add_holder(l, w->task);
		lock_waiter_grant(w);
	}
}

static void __two_state_lock(struct two_state_lock *l, int state, int subclass, unsigned long ip)
{
	unsigned long flags;

	BUG_ON(state != 0 && state != 1);
	lock_acquire(&l->dep_map, subclass, ld_mode(state, 0), ip);
	if (try_enter(l, state))
		return;
	flags = spin_lock_irqsave(&l->wait_lock);
	for (;;) {
		struct lock_waiter w = { .task = current, .kind = state, .granted = false };

		if (try_enter(l, state))
			break;
		list_add_tail(&w.node, &l->waiters);
		__atomic_fetch_or(&l->word, TS_QUEUED, __ATOMIC_SEQ_CST);
		/* The last holder may have left by the fast path before it
		 * could see QUEUED: then nobody else will hand the lock over. */
		if (ts_count(ts_read(l)) == 0)
			grant_waiters(l);
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
	BUG_ON(state != 0 && state != 1);
	if (!try_enter(l, state))
		return false;
	lock_acquire(&l->dep_map, 0, ld_mode(state, 1), (unsigned long)__builtin_return_address(0));
	return true;
}

void two_state_unlock(struct two_state_lock *l, int state)
{
	unsigned long w = ts_read(l), flags;

	if (ts_count(w) == 0 || ts_state(w) != state)
		panic("two_state_lock %s: unlock of state %d, held %lu times in state %d", l->name,
		      state, ts_count(w), ts_state(w));
	lock_release(&l->dep_map, (unsigned long)__builtin_return_address(0));
	del_holder(l, current);
	while (!(w & TS_QUEUED)) {
		if (ts_cmpxchg(l, &w, w - TS_ONE))
			return;
	}
	/* Somebody waits: leave under wait_lock, and hand over if last. */
	flags = spin_lock_irqsave(&l->wait_lock);
	w = __atomic_sub_fetch(&l->word, TS_ONE, __ATOMIC_SEQ_CST);
	if (ts_count(w) == 0)
		grant_waiters(l);
	spin_unlock_irqrestore(&l->wait_lock, flags);
}

int two_state_lock_holders(struct two_state_lock *l, int *state, struct task_struct **tasks,
			   int max)
{
	unsigned long w = ts_read(l);
	int n = 0;

	if (state)
		*state = ts_state(w);
	for (int i = 0; i < TWO_STATE_MAX_HOLDERS && tasks && n < max; i++) {
		struct task_struct *t = READ_ONCE(l->holders[i]);

		if (t)
			tasks[n++] = t;
	}
	return (int)ts_count(w);
}
