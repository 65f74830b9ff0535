/*
 * futex.c - fast user-space mutexes: FUTEX_WAIT/WAKE (and _BITSET),
 * REQUEUE, CMP_REQUEUE and WAKE_OP, private or shared, with timeouts.  The
 * priority-inheritance operations (LOCK_PI...) answer -ENOSYS, as on a
 * Linux built without CONFIG_FUTEX_PI.
 *
 * A futex is named by a key: (mm, address) for a private futex or one in a
 * private mapping, (0, physical address) for one in a MAP_SHARED mapping,
 * so that processes sharing the memory meet.  Waiters sit on one of
 * FUTEX_HASH hash chains; each chain has a mutex (not a spinlock: the
 * waiter reads the futex word under it, and that read may fault).
 *
 * The protocol that makes FUTEX_WAIT race-free: the waiter reads the word
 * and queues itself under the chain's mutex; a waker changes the word in
 * user space first, then takes the same mutex to wake.  So either the
 * waiter saw the new value (-EAGAIN) or the waker sees the waiter.  A
 * woken waiter is unlinked by the waker (q->woken); a waiter that times
 * out or is interrupted unlinks itself, re-checking under the mutex, which
 * it always takes before returning, so the waker never touches a futex_q
 * that is gone.  Requeue moves waiters between chains holding both mutexes
 * (in address order) and updates q->hb.
 */
#include <kernel/errno.h>
#include <kernel/init.h>
#include <kernel/mutex.h>
#include <kernel/proc.h>
#include <kernel/signal.h>
#include <kernel/syscall.h>
#include <kernel/time.h>
#include <kernel/uaccess.h>
#include <mm/mm.h>
#include <mm/page.h>

#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_REQUEUE 3
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_WAKE_OP 5
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256
#define FUTEX_CMD_MASK (~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME))
#define FUTEX_BITSET_MATCH_ANY 0xffffffffU
#define FUTEX_HASH 256
#define NO_TIMEOUT (~0ULL)

struct futex_key {
	u64 a, b;
};

struct futex_bucket {
	struct mutex lock;
	struct list_head chain;
};

struct futex_q {
	struct list_head list;
	struct task_struct *task;
	struct futex_key key;
	u32 bitset;
	struct futex_bucket *hb;
	bool woken;
};

static struct futex_bucket buckets[FUTEX_HASH];

static int futex_init(void)
{
	for (int i = 0; i < FUTEX_HASH; i++) {
		mutex_init(&buckets[i].lock);
		INIT_LIST_HEAD(&buckets[i].chain);
	}
	return 0;
}
core_initcall(futex_init);

static struct futex_bucket *hash_futex(const struct futex_key *k)
{
	u64 h = (k->a ^ (k->b * 0x9e3779b97f4a7c15ULL)) * 0xff51afd7ed558ccdULL;

	return &buckets[(h >> 40) % FUTEX_HASH];
}

static bool key_eq(const struct futex_key *x, const struct futex_key *y)
{
	return x->a == y->a && x->b == y->b;
}

static int get_futex_key(u32 *uaddr, bool private, struct futex_key *key)
{
	unsigned long addr = (unsigned long)uaddr;
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	struct page *pg;
	bool shared;

	if (addr & 3)
		return -EINVAL;
	if (!access_ok(addr, sizeof(u32)) || !mm)
		return -EFAULT;
	key->a = (u64)mm;
	key->b = addr;
	if (private)
		return 0;
	down_read(&mm->mmap_lock);
	vma = find_vma(mm, addr);
	if (!vma || vma->vm_start > addr) {
		up_read(&mm->mmap_lock);
		return -EFAULT;
	}
	shared = vma->vm_flags & VM_SHARED;
	up_read(&mm->mmap_lock);
	if (!shared)
		return 0;
	if (get_user_pages(mm, addr & PAGE_MASK, 1, 0, &pg) != 1)
		return -EFAULT;
	key->a = 0;
	key->b = page_to_phys(pg) + (addr & ~PAGE_MASK);
	unpin_user_pages(&pg, 1, false);
	return 0;
}

/* Takes q off its chain unless a waker did; false: it was woken. */
static bool unqueue(struct futex_q *q)
{
	for (;;) {
		struct futex_bucket *hb = READ_ONCE(q->hb);
		bool queued;

		mutex_lock(&hb->lock);
		if (hb != READ_ONCE(q->hb)) {
			mutex_unlock(&hb->lock);
			continue;
		}
		queued = !q->woken;
		if (queued)
			list_del(&q->list);
		mutex_unlock(&hb->lock);
		return queued;
	}
}

/* deadline: monotonic ns, or NO_TIMEOUT. */
static long futex_wait(u32 *uaddr, bool private, u32 val, u64 deadline, u32 bitset)
{
	struct futex_q q;
	struct futex_bucket *hb;
	long ret = 0;
	u32 uval;
	int r;

	if (!bitset)
		return -EINVAL;
	if ((r = get_futex_key(uaddr, private, &q.key)))
		return r;
	q.task = current;
	q.bitset = bitset;
	q.woken = false;
	hb = q.hb = hash_futex(&q.key);
	mutex_lock(&hb->lock);
	if (get_user_u32(&uval, uaddr)) {
		mutex_unlock(&hb->lock);
		return -EFAULT;
	}
	if (uval != val) {
		mutex_unlock(&hb->lock);
		return -EAGAIN;
	}
	list_add_tail(&q.list, &hb->chain);
	mutex_unlock(&hb->lock);

	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (READ_ONCE(q.woken))
			break;
		if (signal_pending(current)) {
			ret = deadline == NO_TIMEOUT ? -ERESTARTSYS : -EINTR;
			break;
		}
		if (deadline != NO_TIMEOUT) {
			u64 now = ktime_get_ns();
			if (now >= deadline) {
				ret = -ETIMEDOUT;
				break;
			}
			schedule_timeout(deadline - now);
		} else {
			schedule();
		}
	}
	set_current_state(TASK_RUNNING);
	if (!unqueue(&q))
		ret = 0; /* woken after all */
	return ret;
}

/* Wakes up to nr waiters of key matching bitset; hb->lock held. */
static int wake_locked(struct futex_bucket *hb, const struct futex_key *key, int nr, u32 bitset)
{
	struct futex_q *q, *n;
	int woken = 0;

	list_for_each_entry_safe(q, n, &hb->chain, list) {
		struct task_struct *t;

		if (woken >= nr)
			break;
		if (!key_eq(&q->key, key) || !(q->bitset & bitset))
			continue;
		t = q->task;
		list_del(&q->list);
		__atomic_store_n(&q->woken, true, __ATOMIC_RELEASE);
		wake_up_process(t); /* q stays valid: its owner waits for hb->lock */
		woken++;
	}
	return woken;
}

static long futex_wake(u32 *uaddr, bool private, int nr, u32 bitset)
{
	struct futex_key key;
	struct futex_bucket *hb;
	int r;

	if (!bitset)
		return -EINVAL;
	if ((r = get_futex_key(uaddr, private, &key)))
		return r;
	if (nr <= 0)
		return 0;
	hb = hash_futex(&key);
	mutex_lock(&hb->lock);
	r = wake_locked(hb, &key, nr, bitset);
	mutex_unlock(&hb->lock);
	return r;
}

int futex_wake_user(u32 *uaddr, int nr)
{
	return (int)futex_wake(uaddr, false, nr, FUTEX_BITSET_MATCH_ANY);
}

/* Both chains' mutexes, in address order (one if they are the same). */
static void lock_two(struct futex_bucket *hb1, struct futex_bucket *hb2)
{
	if (hb1 == hb2) {
		mutex_lock(&hb1->lock);
		return;
	}
	if (hb1 > hb2) {
		struct futex_bucket *t = hb1;
		hb1 = hb2;
		hb2 = t;
	}
	mutex_lock(&hb1->lock);
	mutex_lock_nested(&hb2->lock, 1);
}

static void unlock_two(struct futex_bucket *hb1, struct futex_bucket *hb2)
{
	mutex_unlock(&hb1->lock);
	if (hb1 != hb2)
		mutex_unlock(&hb2->lock);
}

static long futex_requeue(u32 *uaddr1, u32 *uaddr2, bool private, int nr_wake, int nr_requeue,
			  bool cmp, u32 cmpval)
{
	struct futex_key k1, k2;
	struct futex_bucket *hb1, *hb2;
	struct futex_q *q, *n;
	long done = 0;
	u32 uval;
	int r;

	if (nr_wake < 0 || nr_requeue < 0)
		return -EINVAL;
	if ((r = get_futex_key(uaddr1, private, &k1)) || (r = get_futex_key(uaddr2, private, &k2)))
		return r;
	hb1 = hash_futex(&k1);
	hb2 = hash_futex(&k2);
	lock_two(hb1, hb2);
	if (cmp && (get_user_u32(&uval, uaddr1) || uval != cmpval)) {
		done = get_user_u32(&uval, uaddr1) ? -EFAULT : -EAGAIN;
		goto out;
	}
	done = wake_locked(hb1, &k1, nr_wake, FUTEX_BITSET_MATCH_ANY);
	list_for_each_entry_safe(q, n, &hb1->chain, list) {
		if (nr_requeue <= 0)
			break;
		if (!key_eq(&q->key, &k1))
			continue;
		q->key = k2;
		if (hb1 != hb2) {
			list_del(&q->list);
			list_add_tail(&q->list, &hb2->chain);
			WRITE_ONCE(q->hb, hb2);
		}
		nr_requeue--;
		done++;
	}
out:
	unlock_two(hb1, hb2);
	return done;
}

/* FUTEX_WAKE_OP's encoded operation (val3): op:4 cmp:4 oparg:12 cmparg:12. */
#define FUTEX_OP_OPARG_SHIFT 8 /* in op: oparg is a shift count, 1 << oparg */

static int sext12(u32 v) { return (int)(v << 20) >> 20; }

/* *word = old OP oparg, atomically; *old gets the old value.  -ENOSYS for
 * an unknown op. */
static int wake_op_apply(u32 *word, u32 encoded, u32 *old)
{
	int op = (encoded >> 28) & 7, oparg = sext12(encoded >> 12);
	u32 cur = __atomic_load_n(word, __ATOMIC_RELAXED), nw;

	if ((encoded >> 28) & FUTEX_OP_OPARG_SHIFT) {
		if (oparg < 0 || oparg > 31)
			oparg &= 31; /* as Linux: the shift is taken modulo 32 */
		oparg = (int)(1U << oparg);
	}
	do {
		switch (op) {
		case 0:
			nw = (u32)oparg;
			break; /* SET */
		case 1:
			nw = cur + (u32)oparg;
			break; /* ADD */
		case 2:
			nw = cur | (u32)oparg;
			break; /* OR */
		case 3:
			nw = cur & ~(u32)oparg;
			break; /* ANDN */
		case 4:
			nw = cur ^ (u32)oparg;
			break; /* XOR */
		default:
			return -ENOSYS;
		}
	} while (!__atomic_compare_exchange_n(word, &cur, nw, false, __ATOMIC_SEQ_CST,
					      __ATOMIC_RELAXED));
	*old = cur;
	return 0;
}

/* Does old CMP cmparg hold?  -ENOSYS for an unknown comparison. */
static int wake_op_cmp(u32 encoded, u32 old)
{
	int cmparg = sext12(encoded), v = (int)old;

	switch ((encoded >> 24) & 15) {
	case 0:
		return v == cmparg;
	case 1:
		return v != cmparg;
	case 2:
		return v < cmparg;
	case 3:
		return v <= cmparg;
	case 4:
		return v > cmparg;
	case 5:
		return v >= cmparg;
	default:
		return -ENOSYS;
	}
}

/*
 * FUTEX_WAKE_OP (older glibc's condition variables): atomically applies
 * the operation to *uaddr2, wakes up to nr_wake waiters of uaddr1 and, if
 * the old value of *uaddr2 passes the comparison, up to nr_wake2 of
 * uaddr2.  The word is changed through its pinned page (gup with
 * FOLL_WRITE, so a COW page is broken first) while both chains' mutexes
 * are held, so no waiter can check the word in between.
 */
static long futex_wake_op(u32 *uaddr1, u32 *uaddr2, bool private, int nr_wake, int nr_wake2,
			  u32 encoded)
{
	struct futex_key k1, k2;
	struct futex_bucket *hb1, *hb2;
	struct page *pg;
	u32 old;
	long done = 0;
	int r, cmp;

	if ((r = get_futex_key(uaddr1, private, &k1)) || (r = get_futex_key(uaddr2, private, &k2)))
		return r;
	if (get_user_pages(current->mm, (unsigned long)uaddr2 & PAGE_MASK, 1, FOLL_WRITE, &pg) != 1)
		return -EFAULT;
	hb1 = hash_futex(&k1);
	hb2 = hash_futex(&k2);
	lock_two(hb1, hb2);
	r = wake_op_apply((u32 *)((char *)page_address(pg) + ((unsigned long)uaddr2 & ~PAGE_MASK)),
			  encoded, &old);
	cmp = r ? r : wake_op_cmp(encoded, old);
	if (cmp < 0) {
		done = cmp;
		goto out;
	}
	done = wake_locked(hb1, &k1, nr_wake, FUTEX_BITSET_MATCH_ANY);
	if (cmp)
		done += wake_locked(hb2, &k2, nr_wake2, FUTEX_BITSET_MATCH_ANY);
out:
	unlock_two(hb1, hb2);
	unpin_user_pages(&pg, 1, true);
	return done;
}

/* A user timespec: relative (to monotonic now) or absolute on a clock. */
static int futex_deadline(const void *uts, bool absolute, bool realtime, u64 *deadline)
{
	s64 ts[2];
	u64 ns, now = ktime_get_ns();

	*deadline = NO_TIMEOUT;
	if (!uts)
		return 0;
	if (copy_from_user(ts, uts, sizeof(ts)))
		return -EFAULT;
	if (ts[0] < 0 || ts[1] < 0 || ts[1] >= (s64)NSEC_PER_SEC)
		return -EINVAL;
	if ((u64)ts[0] > (~0ULL >> 2) / NSEC_PER_SEC)
		return 0; /* effectively forever */
	ns = (u64)ts[0] * NSEC_PER_SEC + (u64)ts[1];
	if (!absolute)
		*deadline = now + ns;
	else if (realtime)
		*deadline = ns > ktime_get_real_ns() ? now + (ns - ktime_get_real_ns()) : now;
	else
		*deadline = ns;
	return 0;
}

SYSCALL_DEFINE(__NR_futex, futex)
{
	u32 *uaddr = (u32 *)a0, *uaddr2 = (u32 *)a4;
	int op = (int)a1, cmd = op & FUTEX_CMD_MASK;
	bool private = op & FUTEX_PRIVATE_FLAG, realtime = op & FUTEX_CLOCK_REALTIME;
	u64 deadline;
	int r;

	if (realtime && cmd != FUTEX_WAIT_BITSET && cmd != FUTEX_WAIT)
		return -ENOSYS;
	switch (cmd) {
	case FUTEX_WAIT:
	case FUTEX_WAIT_BITSET:
		r = futex_deadline((const void *)a3, cmd == FUTEX_WAIT_BITSET, realtime, &deadline);
		if (r)
			return r;
		return futex_wait(uaddr, private, (u32)a2, deadline,
				  cmd == FUTEX_WAIT ? FUTEX_BITSET_MATCH_ANY : (u32)a5);
	case FUTEX_WAKE:
		return futex_wake(uaddr, private, (int)a2, FUTEX_BITSET_MATCH_ANY);
	case FUTEX_WAKE_BITSET:
		return futex_wake(uaddr, private, (int)a2, (u32)a5);
	case FUTEX_REQUEUE:
		return futex_requeue(uaddr, uaddr2, private, (int)a2, (int)a3, false, 0);
	case FUTEX_CMP_REQUEUE:
		return futex_requeue(uaddr, uaddr2, private, (int)a2, (int)a3, true, (u32)a5);
	case FUTEX_WAKE_OP:
		return futex_wake_op(uaddr, uaddr2, private, (int)a2, (int)a3, (u32)a5);
	default:
		return -ENOSYS;
	}
}

SYSCALL_DEFINE(__NR_set_robust_list, set_robust_list)
{
	if (a1 != 24) /* sizeof(struct robust_list_head) */
		return -EINVAL;
	task_uthread(current)->robust_list = (u64)a0;
	task_uthread(current)->robust_len = (u64)a1;
	return 0;
}

SYSCALL_DEFINE(__NR_get_robust_list, get_robust_list)
{
	struct task_struct *t = current;
	unsigned long flags;
	u64 head;

	if (a0) {
		flags = spin_lock_irqsave(&tasklist_lock);
		t = find_task_by_pid((int)a0);
		head = t ? task_uthread(t)->robust_list : 0;
		spin_unlock_irqrestore(&tasklist_lock, flags);
		if (!t)
			return -ESRCH;
	} else {
		head = task_uthread(t)->robust_list;
	}
	if (put_user_u64(head, (void *)a1) || put_user_u64(24, (void *)a2))
		return -EFAULT;
	return 0;
}
