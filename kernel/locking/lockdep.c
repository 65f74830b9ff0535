/*
 * lockdep.c - the lock dependency checker (boot option lockdep=1).
 *
 * What it records:
 *   - classes: a lock's class is (lock_class_key address, subclass), or
 *     (the lockdep_map's own address, subclass) for a statically
 *     initialised lock (LOCKDEP_MAP_INIT leaves the key NULL).
 *   - per task, the stack of held locks (task_struct.held_locks).
 *   - the dependency graph: "class A was held while class B was taken" is
 *     an edge A->B, remembering for each way it was seen (how A was held,
 *     how B was taken) and, once, the first acquisition that made it: its
 *     task, a few return addresses, and where A had been taken.
 * Each acquisition counts as EXCL (exclusive), S0 (shared: rwsem read, a
 * two-state lock's state 0) or S1 (a two-state lock's state 1).  Two
 * holds conflict unless both are shared in the same state.
 *
 * Rules (each violation prints one report, then lockdep turns itself off):
 *   1. cycle: taking B while holding A closes a cycle A->B->...->A of
 *      classes in which at least one lock is taken in a mode conflicting
 *      with the mode it is held in on the next edge.  A cycle whose every
 *      lock is shared in one state all along (rwsem read-read, ADD-ADD) is
 *      not reported.  (With fair locks such a cycle can still deadlock if
 *      writers queue on every lock of it: keep them out of designs anyway.)
 *   2. recursion: taking a lock instance the task already holds, in any
 *      mode.  Fair locks make even shared recursion a deadlock as soon as
 *      a conflicting waiter queues in between.
 *   3. same-class nesting: two locks of one class (and subclass) held
 *      together, unless both are shared in the same state; nesting in a
 *      declared order uses distinct subclasses (mutex_lock_nested ...).
 *   Trylocks (LD_TRY) add no edge and are never reported, but a lock got
 *   by trylock is held like any other.
 *
 * Limits: MAX_CLASSES classes, MAX_EDGES edges, LOCKDEP_MAX_DEPTH held
 * locks per task; running out prints a message and turns lockdep off.
 * A release of a lock the task does not hold is matched by class (the
 * run-queue lock is taken by one task and released by the next across a
 * context switch) or else ignored (taken before lockdep was enabled).
 *
 * Locking: each task's held-lock stack is touched only by the task itself
 * (with interrupts off, so handlers on its CPU cannot interleave).  The
 * graph grows under graph_lock, a raw spinlock taken with interrupts off;
 * lookups read it without the lock (entries are filled in before they are
 * published with a release store and are never changed or removed, except
 * by lockdep_reset(), a test hook).  lockdep never calls into a lock that
 * lockdep watches: no recursion.  Must only be enabled once per-CPU data
 * (current) is set up on every CPU that takes locks.
 */
#include <kernel/lockdep.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/spinlock.h>
#include <kernel/string.h>
#include <x86/asm.h>
#include <x86/layout.h>

#define MAX_CLASSES 512
#define MAX_EDGES 4096
#define CLASS_HASH 256
#define EDGE_HASH 1024
#define TRACE_DEPTH 4
#define MAX_REPORT_EDGES 16
#define NTOK 3 /* acquisition kinds: EXCL, S0, S1 */
#define NSTATES (MAX_CLASSES * NTOK * 2)

struct lock_class {
	const void *key;
	const char *name;
	int subclass;
	int hash_next; /* class ids; 0 ends a list */
	int out_head; /* first edge from this class */
};

struct lock_edge {
	u16 from, to;
	u16 combos; /* bit held_tok * NTOK + taken_tok for each way seen */
	int pid;
	int hash_next, out_next;
	unsigned long from_ip; /* where "from" was taken */
	unsigned long trace[TRACE_DEPTH]; /* where "to" was taken, callers after */
};

bool lockdep_enabled;
int lockdep_nr_reports;
static bool reported;
static spinlock_t graph_lock = __SPIN_LOCK_UNLOCKED(lockdep_graph_lock);
static struct lock_class classes[MAX_CLASSES]; /* [0] unused */
static struct lock_edge edges[MAX_EDGES]; /* [0] unused */
static int nr_classes = 1, nr_edges = 1;
static int class_hash[CLASS_HASH], edge_hash[EDGE_HASH];

/* Breadth-first search state (under graph_lock), and the cycle found. */
static u32 bfs_gen;
static u32 bfs_seen[NSTATES];
static int bfs_parent[NSTATES], bfs_edge[NSTATES], bfs_queue[NSTATES];
static u8 bfs_combo[NSTATES];
static int cyc_edges[MAX_REPORT_EDGES];
static u8 cyc_combo[MAX_REPORT_EDGES];
static int cyc_len;
static bool cyc_truncated;

#define load_acq(p) __atomic_load_n(p, __ATOMIC_ACQUIRE)
#define store_rel(p, v) __atomic_store_n(p, v, __ATOMIC_RELEASE)

static int token(int mode)
{
	if (!(mode & LD_SHARED))
		return 0;
	return (mode & LD_STATE1) ? 2 : 1;
}

static bool conflict(int a, int b) { return a == 0 || a != b; }

static const char *tok_name(int tok)
{
	static const char *const n[NTOK] = { "exclusive", "shared(0)", "shared(1)" };
	return n[tok];
}

static const void *map_key(struct lockdep_map *m)
{
	return m->key ? (const void *)m->key : (const void *)m;
}

static unsigned int hash2(unsigned long a, unsigned long b)
{
	unsigned long v = (a ^ (b * 0x9E3779B97F4A7C15ul)) * 0xff51afd7ed558ccdul;
	return (unsigned int)(v >> 32);
}

/* Turns lockdep off; true for the one caller that gets to report. */
static bool claim_report(void)
{
	WRITE_ONCE(lockdep_enabled, false);
	if (__atomic_exchange_n(&reported, true, __ATOMIC_SEQ_CST))
		return false;
	lockdep_nr_reports++;
	return true;
}

static void turn_off(const char *why)
{
	WRITE_ONCE(lockdep_enabled, false);
	printk(KERN_ERR "lockdep: %s; turning lockdep off\n", why);
}

/* ---- classes and edges ---- */

static int find_class(const void *key, int sub)
{
	int id = load_acq(&class_hash[hash2((unsigned long)key, sub) % CLASS_HASH]);

	for (; id; id = load_acq(&classes[id].hash_next))
		if (classes[id].key == key && classes[id].subclass == sub)
			return id;
	return 0;
}

static int lookup_class(struct lockdep_map *m, int sub)
{
	const void *key = map_key(m);
	int id = READ_ONCE(m->class_id);

	if (sub == 0 && id > 0 && id < MAX_CLASSES && classes[id].key == key &&
	    classes[id].subclass == 0)
		return id;
	id = find_class(key, sub);
	if (!id) {
		raw_spin_lock(&graph_lock);
		id = find_class(key, sub);
		if (!id && nr_classes < MAX_CLASSES) {
			unsigned int h = hash2((unsigned long)key, sub) % CLASS_HASH;
			struct lock_class *c = &classes[nr_classes];

			c->key = key;
			c->name = m->name ? m->name : "?";
			c->subclass = sub;
			c->out_head = 0;
			c->hash_next = class_hash[h];
			id = nr_classes++;
			store_rel(&class_hash[h], id);
		}
		raw_spin_unlock(&graph_lock);
		if (!id) {
			turn_off("too many lock classes");
			return 0;
		}
	}
	if (sub == 0)
		WRITE_ONCE(m->class_id, id);
	return id;
}

static int find_edge(int from, int to)
{
	int id = load_acq(&edge_hash[hash2(from, to) % EDGE_HASH]);

	for (; id; id = load_acq(&edges[id].hash_next))
		if (edges[id].from == from && edges[id].to == to)
			return id;
	return 0;
}

/* Called with graph_lock held. */
static int new_edge(int from, int to, unsigned long from_ip, const unsigned long *trace)
{
	unsigned int h = hash2(from, to) % EDGE_HASH;
	struct lock_edge *e;

	if (nr_edges >= MAX_EDGES)
		return 0;
	e = &edges[nr_edges];
	e->from = (u16)from;
	e->to = (u16)to;
	e->combos = 0;
	e->pid = current->pid;
	e->from_ip = from_ip;
	for (int i = 0; i < TRACE_DEPTH; i++)
		e->trace[i] = trace[i];
	e->out_next = classes[from].out_head;
	classes[from].out_head = nr_edges;
	e->hash_next = edge_hash[h];
	store_rel(&edge_hash[h], nr_edges);
	return nr_edges++;
}

/* ip, then the return addresses of its callers, from the frame-pointer
 * chain (kept inside the task's stack; nothing more where it has none). */
static __attribute__((noinline)) void save_trace(unsigned long *trace, unsigned long ip)
{
	struct task_struct *t = current;
	unsigned long lo = (unsigned long)t->stack, hi = lo + KSTACK_SIZE;
	unsigned long fp = (unsigned long)__builtin_frame_address(0);
	bool seen_ip = false;
	int n = 0;

	trace[n++] = ip;
	for (int i = 1; i < TRACE_DEPTH; i++)
		trace[i] = 0;
	for (int depth = 0; t->stack && depth < 16 && n < TRACE_DEPTH; depth++) {
		unsigned long *frame = (unsigned long *)fp;

		if (fp < lo || fp + 16 > hi || (fp & 7))
			break;
		if (seen_ip)
			trace[n++] = frame[1];
		else if (frame[1] == ip)
			seen_ip = true;
		if (frame[0] <= fp)
			break;
		fp = frame[0];
	}
}

/* ---- cycle search ---- */

static int bfs_state(int cls, int tok, int flag) { return (cls * NTOK + tok) * 2 + flag; }

/* The edge A->B (ta, tb) was just added: is there a path B->...->A that
 * closes a reportable cycle?  Called with graph_lock held; on success
 * leaves the cycle in cyc_edges[] (the new edge first). */
static bool find_cycle(int new, int ta, int tb)
{
	int a = edges[new].from, b = edges[new].to;
	int head = 0, tail = 0, start = bfs_state(b, tb, 0);

	if (++bfs_gen == 0)
		bfs_gen = 1;
	bfs_seen[start] = bfs_gen;
	bfs_queue[tail++] = start;
	while (head < tail) {
		int s = bfs_queue[head++];
		int x = s / (NTOK * 2), in = (s / 2) % NTOK, flag = s & 1;

		for (int e = classes[x].out_head; e; e = edges[e].out_next) {
			int y = edges[e].to;

			for (int c = 0; c < NTOK * NTOK; c++) {
				int held = c / NTOK, taken = c % NTOK, f, ns;

				if (!(edges[e].combos & (1 << c)))
					continue;
				f = flag | conflict(in, held);
				if (y == a) {
					if (!f && !conflict(taken, ta))
						continue;
					/* found: collect the path backwards */
					int path[MAX_REPORT_EDGES], pc[MAX_REPORT_EDGES], n = 0;
					cyc_truncated = false;
					path[n] = e;
					pc[n++] = c;
					for (int p = s; p != start; p = bfs_parent[p]) {
						if (n == MAX_REPORT_EDGES - 1) {
							cyc_truncated = true;
							break;
						}
						path[n] = bfs_edge[p];
						pc[n++] = bfs_combo[p];
					}
					cyc_edges[0] = new;
					cyc_combo[0] = (u8)(ta * NTOK + tb);
					for (int i = 0; i < n; i++) {
						cyc_edges[i + 1] = path[n - 1 - i];
						cyc_combo[i + 1] = (u8)pc[n - 1 - i];
					}
					cyc_len = n + 1;
					return true;
				}
				ns = bfs_state(y, taken, f);
				if (bfs_seen[ns] == bfs_gen)
					continue;
				bfs_seen[ns] = bfs_gen;
				bfs_parent[ns] = s;
				bfs_edge[ns] = e;
				bfs_combo[ns] = (u8)c;
				bfs_queue[tail++] = ns;
			}
		}
	}
	return false;
}

/* ---- reports ---- */

static void print_ip(unsigned long ip)
{
	unsigned long off;
	const char *name = ksym_lookup(ip, &off);

	if (name)
		printk(" %s+%#lx", name, off);
	else
		printk(" %#lx", ip);
}

static void print_class(int id)
{
	if (classes[id].subclass)
		printk("\"%s\"/%d", classes[id].name, classes[id].subclass);
	else
		printk("\"%s\"", classes[id].name);
}

void lockdep_print_held_locks(struct task_struct *t)
{
	int depth = READ_ONCE(t->lockdep_depth);

	printk(KERN_ERR "lockdep: %d lock%s held by %s (pid %d):\n", depth, depth == 1 ? "" : "s",
	       t->comm, t->pid);
	for (int i = 0; i < depth && i < LOCKDEP_MAX_DEPTH; i++) {
		struct held_lock *h = &t->held_locks[i];

		printk(KERN_ERR "lockdep:   #%d %p ", i, (void *)h->map);
		if (h->class_id > 0 && h->class_id < MAX_CLASSES)
			print_class(h->class_id);
		printk(" %s%s, taken at", tok_name(token(h->mode)),
		       (h->mode & LD_TRY) ? " trylock" : "");
		print_ip(h->ip);
		printk("\n");
	}
}

static void report_header(const char *what, struct task_struct *t, int cls, int mode,
			  unsigned long ip)
{
	printk(KERN_ERR "lockdep: ======================================================\n");
	printk(KERN_ERR "lockdep: %s\n", what);
	printk(KERN_ERR "lockdep: %s (pid %d) is taking ", t->comm, t->pid);
	print_class(cls);
	printk(" %s at", tok_name(token(mode)));
	print_ip(ip);
	printk("\n");
}

static void report_footer(struct task_struct *t)
{
	lockdep_print_held_locks(t);
	dump_stack();
	printk(KERN_ERR "lockdep: turning lockdep off after this report\n");
}

static void report_cycle(struct task_struct *t, int cls, int mode, unsigned long ip)
{
	report_header("possible circular locking dependency (deadlock)", t, cls, mode, ip);
	printk(KERN_ERR
	       "lockdep: the cycle; each edge \"held\" -> \"taken\" with its first acquisition:\n");
	for (int i = 0; i < cyc_len; i++) {
		struct lock_edge *e = &edges[cyc_edges[i]];
		int c = cyc_combo[i];

		printk(KERN_ERR "lockdep:   #%d ", i);
		print_class(e->from);
		printk(" (%s) -> ", tok_name(c / NTOK));
		print_class(e->to);
		printk(" (%s): pid %d took it at", tok_name(c % NTOK), e->pid);
		for (int k = 0; k < TRACE_DEPTH && e->trace[k]; k++)
			print_ip(e->trace[k]);
		printk("\n");
		printk(KERN_ERR "lockdep:        while holding the first, taken at");
		print_ip(e->from_ip);
		printk("\n");
	}
	if (cyc_truncated)
		printk(KERN_ERR "lockdep:   ... (longer cycle, middle left out)\n");
	report_footer(t);
}

/* ---- the entry points ---- */

static void add_dependency(struct task_struct *t, struct held_lock *h, int to, int mode,
			   unsigned long ip)
{
	int ta = token(h->mode), tb = token(mode), bit = 1 << (ta * NTOK + tb), e;
	unsigned long trace[TRACE_DEPTH];
	bool cycle = false, full = false;

	e = find_edge(h->class_id, to);
	if (e && (READ_ONCE(edges[e].combos) & bit))
		return; /* seen before: nothing new */
	save_trace(trace, ip);
	raw_spin_lock(&graph_lock);
	if (READ_ONCE(lockdep_enabled)) {
		e = find_edge(h->class_id, to);
		if (!e)
			e = new_edge(h->class_id, to, h->ip, trace);
		if (!e) {
			full = true;
		} else if (!(edges[e].combos & bit)) {
			WRITE_ONCE(edges[e].combos, edges[e].combos | bit);
			cycle = find_cycle(e, ta, tb) && claim_report();
		}
	}
	raw_spin_unlock(&graph_lock);
	if (full)
		turn_off("too many dependencies");
	if (cycle)
		report_cycle(t, to, mode, ip);
}

static void check_dependencies(struct task_struct *t, struct lockdep_map *m, int cls, int mode,
			       unsigned long ip)
{
	for (int i = 0; i < t->lockdep_depth && READ_ONCE(lockdep_enabled); i++) {
		struct held_lock *h = &t->held_locks[i];

		if (h->map == m) {
			if (claim_report()) {
				report_header("recursive locking: the task already holds this lock",
					      t, cls, mode, ip);
				report_footer(t);
			}
			return;
		}
		if (h->class_id == cls) {
			if (conflict(token(h->mode), token(mode)) && claim_report()) {
				report_header("two locks of one class nested without a subclass "
					      "(use the _nested variant in the declared order)",
					      t, cls, mode, ip);
				report_footer(t);
			}
			continue; /* no self edge */
		}
		add_dependency(t, h, cls, mode, ip);
	}
}

void lockdep_init_map(struct lockdep_map *m, const char *name, struct lock_class_key *key)
{
	m->key = key;
	m->name = name;
	m->class_id = 0;
}

void __lock_acquire(struct lockdep_map *m, int subclass, int mode, unsigned long ip)
{
	unsigned long flags = local_irq_save();
	struct task_struct *t = current;
	struct held_lock *h;
	int cls;

	if (!t || !READ_ONCE(lockdep_enabled))
		goto out;
	if (subclass < 0 || subclass > 255)
		subclass = 255;
	cls = lookup_class(m, subclass);
	if (!cls)
		goto out;
	if (t->lockdep_depth >= LOCKDEP_MAX_DEPTH) {
		if (claim_report()) {
			report_header("too many locks held at once", t, cls, mode, ip);
			report_footer(t);
		}
		goto out;
	}
	if (!(mode & LD_TRY))
		check_dependencies(t, m, cls, mode, ip);
	h = &t->held_locks[t->lockdep_depth];
	h->map = m;
	h->ip = ip;
	h->class_id = (u16)cls;
	h->mode = (u8)mode;
	h->subclass = (u8)subclass;
	t->lockdep_depth++;
out:
	local_irq_restore(flags);
}

void __lock_release(struct lockdep_map *m, unsigned long ip)
{
	unsigned long flags = local_irq_save();
	struct task_struct *t = current;
	int i;

	(void)ip;
	if (!t)
		goto out;
	for (i = t->lockdep_depth - 1; i >= 0; i--)
		if (t->held_locks[i].map == m)
			break;
	if (i < 0) { /* not this instance: the same class handed over? */
		const void *key = map_key(m);

		for (i = t->lockdep_depth - 1; i >= 0; i--)
			if (classes[t->held_locks[i].class_id].key == key)
				break;
	}
	if (i < 0)
		goto out;
	for (; i < t->lockdep_depth - 1; i++)
		t->held_locks[i] = t->held_locks[i + 1];
	t->lockdep_depth--;
out:
	local_irq_restore(flags);
}

void lockdep_reset(void)
{
	unsigned long flags = local_irq_save();

	raw_spin_lock(&graph_lock);
	memset(classes, 0, sizeof(classes));
	memset(edges, 0, sizeof(edges));
	memset(class_hash, 0, sizeof(class_hash));
	memset(edge_hash, 0, sizeof(edge_hash));
	nr_classes = 1;
	nr_edges = 1;
	reported = false;
	lockdep_nr_reports = 0;
	raw_spin_unlock(&graph_lock);
	if (current)
		current->lockdep_depth = 0;
	local_irq_restore(flags);
}
