/*
 * tty.c - the console terminal on the serial port: /dev/console (5,1),
 * /dev/tty (5,0) and /dev/ttyS0 (4,64) are all this one terminal.
 *
 * Line discipline (a small n_tty), driven by termios (Linux layout/values):
 *   input  (serial interrupt -> tty_receive_byte): ISTRIP, IGNCR, ICRNL,
 *          INLCR; with ISIG, VINTR/VQUIT/VSUSP send SIGINT/SIGQUIT/SIGTSTP
 *          to the foreground process group (and flush input unless NOFLSH);
 *          with ICANON, lines are edited (VERASE and backspace, VKILL,
 *          VWERASE) and become readable at '\n', VEOL or VEOF (VEOF on an
 *          empty line reads as end of file); otherwise bytes are readable
 *          at once and read(2) follows VMIN/VTIME; ECHO, ECHOE, ECHOK,
 *          ECHONL, ECHOCTL control the echo.
 *   output (write(2) and echo): with OPOST, ONLCR turns "\n" into "\r\n"
 *          and OCRNL "\r" into "\n".
 * Job control: the terminal has a session and a foreground process group.
 * A session leader that opens it without O_NOCTTY while it has no session
 * makes it its controlling terminal (pgrp = its group); TIOCSPGRP changes
 * the foreground group; TIOCGPGRP, TIOCGSID, TIOCSCTTY, TIOCNOTTY, window
 * size (TIOCGWINSZ/TIOCSWINSZ, which sends SIGWINCH), FIONREAD, TCFLSH.
 *
 * Locks: tty.lock (IRQ-safe spinlock) guards termios, the buffers and the
 * job-control ids, and serialises output to the UART (echo runs in the
 * interrupt handler).  Readers take bytes under tty.lock (at most a line,
 * BOUNCE bytes at a time: concurrent readers may split a very long line)
 * and sleep on read_wait, interruptibly.  User copies never happen under
 * tty.lock: data moves through a small bounce buffer.  Signals are sent
 * after tty.lock is dropped (kill_pgrp is interrupt-safe).
 */
#include <drivers/serial.h>
#include <fs/fs.h>
#include <kernel/init.h>
#include <kernel/ktest.h>
#include <kernel/proc.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/string.h>
#include <kernel/time.h>
#include <kernel/uaccess.h>

/* termios (asm-generic/termbits.h) */
#define NCCS 19
struct termios {
	u32 c_iflag, c_oflag, c_cflag, c_lflag;
	u8 c_line;
	u8 c_cc[NCCS];
};
struct winsize {
	u16 ws_row, ws_col, ws_xpixel, ws_ypixel;
};
#define VINTR 0
#define VQUIT 1
#define VERASE 2
#define VKILL 3
#define VEOF 4
#define VTIME 5
#define VMIN 6
#define VSUSP 10
#define VEOL 11
#define VWERASE 14
#define VEOL2 16
#define ISTRIP 0x020
#define INLCR 0x040
#define IGNCR 0x080
#define ICRNL 0x100
#define IXON 0x400
#define OPOST 0x01
#define ONLCR 0x04
#define OCRNL 0x08
#define ISIG 0x001
#define ICANON 0x002
#define ECHO 0x008
#define ECHOE 0x010
#define ECHOK 0x020
#define ECHONL 0x040
#define NOFLSH 0x080
#define ECHOCTL 0x200
#define ECHOKE 0x800
#define IEXTEN 0x8000
#define B38400 0x0f
#define CS8 0x30
#define CREAD 0x80
#define HUPCL 0x400
/* ioctls (asm-generic/ioctls.h) */
#define TCGETS 0x5401
#define TCSETS 0x5402
#define TCSETSW 0x5403
#define TCSETSF 0x5404
#define TCSBRK 0x5409
#define TCXONC 0x540A
#define TCFLSH 0x540B
#define TIOCSCTTY 0x540E
#define TIOCGPGRP 0x540F
#define TIOCSPGRP 0x5410
#define TIOCOUTQ 0x5411
#define TIOCGWINSZ 0x5413
#define TIOCSWINSZ 0x5414
#define FIONREAD 0x541B
#define TIOCNOTTY 0x5422
#define TIOCGSID 0x5429
#define TCIFLUSH 0
#define TCIOFLUSH 2

#define TTY_MAJOR 5
#define TTYS_MAJOR 4
#define N_TTY_BUF 4096
#define BOUNCE 256

struct tty {
	spinlock_t lock;
	struct termios termios;
	struct winsize ws;
	int pgrp, session;
	/* readable bytes; in canonical mode whole lines, each ending at a
	 * position marked in eol[] (eof[] marks a VEOF that is not data) */
	char rbuf[N_TTY_BUF];
	unsigned int rhead, rtail; /* free-running */
	unsigned long eol[N_TTY_BUF / 64], eof[N_TTY_BUF / 64];
	unsigned int lines; /* complete lines in rbuf */
	/* the line being edited (canonical mode) */
	char line[N_TTY_BUF];
	unsigned int line_len;
	struct wait_queue_head read_wait;
};

static struct tty console_tty = {
	.lock = __SPIN_LOCK_UNLOCKED(console_tty.lock),
	.termios = {
		.c_iflag = ICRNL | IXON,
		.c_oflag = OPOST | ONLCR,
		.c_cflag = B38400 | CS8 | CREAD | HUPCL,
		.c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN,
		/* ^C ^\ DEL ^U ^D time=0 min=1 - ^Q ^S ^Z eol - ^R ^O ^W ^V */
		.c_cc = { 3, 28, 127, 21, 4, 0, 1, 0, 17, 19, 26, 0, 18, 15, 23, 22, 0 },
	},
	.ws = { 24, 80, 0, 0 },
	.read_wait = __WAIT_QUEUE_HEAD_INITIALIZER(console_tty.read_wait),
};

static bool L(struct tty *t, u32 f) { return t->termios.c_lflag & f; }

static void mark(unsigned long *map, unsigned int pos, bool on)
{
	pos %= N_TTY_BUF;
	if (on)
		map[pos / 64] |= 1UL << (pos % 64);
	else
		map[pos / 64] &= ~(1UL << (pos % 64));
}

static bool marked(const unsigned long *map, unsigned int pos)
{
	pos %= N_TTY_BUF;
	return map[pos / 64] >> (pos % 64) & 1;
}

/* ---- output (tty.lock held) ---- */

static void out_char(struct tty *t, char c)
{
	if (t->termios.c_oflag & OPOST) {
		if (c == '\n' && (t->termios.c_oflag & ONLCR))
			serial_putc('\r');
		else if (c == '\r' && (t->termios.c_oflag & OCRNL))
			c = '\n';
	}
	serial_putc(c);
}

static void echo_char(struct tty *t, char c)
{
	if (!L(t, ECHO))
		return;
	if (L(t, ECHOCTL) && (u8)c < 0x20 && c != '\n' && c != '\t') {
		serial_putc('^');
		serial_putc(c + 0x40);
	} else if (L(t, ECHOCTL) && c == 0x7f) {
		serial_putc('^');
		serial_putc('?');
	} else {
		out_char(t, c);
	}
}

/* Erases the last character of the line being edited. */
static void erase_one(struct tty *t)
{
	char c;

	if (!t->line_len)
		return;
	c = t->line[--t->line_len];
	if (L(t, ECHO) && L(t, ECHOE)) {
		int w = (L(t, ECHOCTL) && ((u8)c < 0x20 || c == 0x7f) && c != '\t') ? 2 : 1;
		while (w--) {
			serial_putc('\b');
			serial_putc(' ');
			serial_putc('\b');
		}
	}
}

/* ---- input (tty.lock held) ---- */

static void flush_input(struct tty *t)
{
	t->rtail = t->rhead;
	t->lines = 0;
	t->line_len = 0;
	memset(t->eol, 0, sizeof(t->eol));
	memset(t->eof, 0, sizeof(t->eof));
}

static bool put_byte(struct tty *t, char c)
{
	if (t->rhead - t->rtail >= N_TTY_BUF)
		return false;
	t->rbuf[t->rhead % N_TTY_BUF] = c;
	mark(t->eol, t->rhead, false);
	mark(t->eof, t->rhead, false);
	t->rhead++;
	return true;
}

/* Moves the edited line to the read queue; is_eof: it ended with VEOF. */
static void commit_line(struct tty *t, bool is_eof)
{
	unsigned int need = t->line_len + (is_eof ? 1 : 0);

	if (N_TTY_BUF - (t->rhead - t->rtail) < need || !need) {
		t->line_len = 0; /* no room: the line is lost */
		return;
	}
	for (unsigned int i = 0; i < t->line_len; i++)
		put_byte(t, t->line[i]);
	if (is_eof) {
		put_byte(t, 0);
		mark(t->eof, t->rhead - 1, true);
	}
	mark(t->eol, t->rhead - 1, true);
	t->lines++;
	t->line_len = 0;
}

static bool is_canon_eol(struct tty *t, char c)
{
	const u8 *cc = t->termios.c_cc;
	return c == '\n' || (cc[VEOL] && (u8)c == cc[VEOL]) || (cc[VEOL2] && (u8)c == cc[VEOL2]);
}

/* Processes one input byte; returns a signal to send, or 0. */
static int receive(struct tty *t, char c)
{
	const struct termios *tio = &t->termios;
	const u8 *cc = tio->c_cc;

	if (tio->c_iflag & ISTRIP)
		c &= 0x7f;
	if (c == '\r') {
		if (tio->c_iflag & IGNCR)
			return 0;
		if (tio->c_iflag & ICRNL)
			c = '\n';
	} else if (c == '\n' && (tio->c_iflag & INLCR)) {
		c = '\r';
	}
	if (L(t, ISIG) && c) {
		int sig = (u8)c == cc[VINTR] ? SIGINT :
			  (u8)c == cc[VQUIT] ? SIGQUIT :
			  (u8)c == cc[VSUSP] ? SIGTSTP :
					       0;
		if (sig) {
			if (!L(t, NOFLSH))
				flush_input(t);
			echo_char(t, c);
			return sig;
		}
	}
	if (L(t, ICANON)) {
		if (c && ((u8)c == cc[VERASE] || c == '\b' || c == 0x7f)) {
			erase_one(t);
		} else if (c && (u8)c == cc[VKILL]) {
			while (t->line_len)
				erase_one(t);
		} else if (c && L(t, IEXTEN) && (u8)c == cc[VWERASE]) {
			while (t->line_len && t->line[t->line_len - 1] == ' ')
				erase_one(t);
			while (t->line_len && t->line[t->line_len - 1] != ' ')
				erase_one(t);
		} else if (c && (u8)c == cc[VEOF]) {
			commit_line(t, true);
		} else if (is_canon_eol(t, c)) {
			if (t->line_len < N_TTY_BUF)
				t->line[t->line_len++] = c;
			if (c == '\n' && !L(t, ECHO) && L(t, ECHONL))
				out_char(t, '\n');
			else
				echo_char(t, c);
			commit_line(t, false);
		} else if (t->line_len < N_TTY_BUF - 1) { /* room for the newline */
			t->line[t->line_len++] = c;
			echo_char(t, c);
		}
	} else if (put_byte(t, c)) {
		echo_char(t, c);
	}
	return 0;
}

/* The serial interrupt hands every received byte here. */
static void tty_receive_byte(u8 c)
{
	struct tty *t = &console_tty;
	unsigned long flags = spin_lock_irqsave(&t->lock);
	int sig = receive(t, (char)c), pgrp = t->pgrp;

	spin_unlock_irqrestore(&t->lock, flags);
	wake_up_all(&t->read_wait);
	if (sig && pgrp > 0)
		kill_pgrp(pgrp, sig);
}

/* ---- reading ---- */

static unsigned int readable(struct tty *t)
{
	return L(t, ICANON) ? t->lines : t->rhead - t->rtail;
}

/* Sleeps until cond() or the deadline (0: none); -ERESTARTSYS on a signal,
 * -ETIMEDOUT when the time is up. */
static int tty_wait(struct tty *t, bool (*cond)(struct tty *t, unsigned int n), unsigned int n,
		    u64 deadline)
{
	DEFINE_WAIT(w);
	int err = 0;

	for (;;) {
		unsigned long flags;
		bool ok;

		prepare_to_wait(&t->read_wait, &w, TASK_INTERRUPTIBLE);
		flags = spin_lock_irqsave(&t->lock);
		ok = cond(t, n);
		spin_unlock_irqrestore(&t->lock, flags);
		if (ok)
			break;
		if (signal_pending(current)) {
			err = -ERESTARTSYS;
			break;
		}
		if (deadline) {
			u64 now = ktime_get_ns();
			if (now >= deadline) {
				err = -ETIMEDOUT;
				break;
			}
			schedule_timeout(deadline - now);
		} else {
			schedule();
		}
	}
	finish_wait(&t->read_wait, &w);
	return err;
}

static bool have_line(struct tty *t, unsigned int n) { return t->lines > 0 || !L(t, ICANON); }
static bool have_bytes(struct tty *t, unsigned int n)
{
	return t->rhead - t->rtail >= n || L(t, ICANON);
}

/* Takes up to max bytes of the read queue into buf (tty.lock held); in
 * canonical mode stops after a line end (*line_done). */
static unsigned int take(struct tty *t, char *buf, unsigned int max, bool *line_done)
{
	unsigned int n = 0;
	bool canon = L(t, ICANON);

	*line_done = false;
	while (n < max && t->rtail != t->rhead) {
		unsigned int pos = t->rtail;
		bool eol = marked(t->eol, pos), eof = marked(t->eof, pos);
		if (!eof)
			buf[n++] = t->rbuf[pos % N_TTY_BUF];
		t->rtail++;
		if (eol) {
			mark(t->eol, pos, false);
			mark(t->eof, pos, false);
			if (t->lines)
				t->lines--;
			if (canon) {
				*line_done = true;
				break;
			}
		}
	}
	return n;
}

static ssize_t tty_read(struct kiocb *iocb, struct iov_iter *to)
{
	struct tty *t = &console_tty;
	size_t want = iov_iter_count(to), done = 0;
	char buf[BOUNCE];
	int err = 0;

	for (;;) {
		unsigned long flags = spin_lock_irqsave(&t->lock);
		bool canon = L(t, ICANON), line_done = false;
		size_t vmin = t->termios.c_cc[VMIN];
		unsigned int vtime = t->termios.c_cc[VTIME], n = 0;
		u64 deadline = 0;

		if (canon ? t->lines > 0 : t->rhead != t->rtail)
			n = take(t, buf, (unsigned int)MIN(want - done, (size_t)BOUNCE),
				 &line_done);
		spin_unlock_irqrestore(&t->lock, flags);
		if (n) {
			size_t c = copy_to_iter(buf, n, to);
			done += c;
			if (c < n) {
				if (!done)
					err = -EFAULT;
				break;
			}
		}
		if (done == want || line_done)
			break;
		if (!canon) {
			/* VMIN bytes (at most what was asked) end the read; with
			 * VMIN 0 and VTIME 0 it never waits; VTIME (tenths of a
			 * second) bounds the wait for the first byte when VMIN is
			 * 0, or between bytes once one arrived. */
			if (done >= MIN(vmin, want) && (done || !vtime))
				break;
			if (vtime && (done || !vmin))
				deadline = ktime_get_ns() + (u64)vtime * 100 * NSEC_PER_MSEC;
		}
		if (n)
			continue; /* more may be there already */
		if (iocb->ki_flags & IOCB_NOWAIT) {
			if (!done)
				err = -EAGAIN;
			break;
		}
		err = canon ? tty_wait(t, have_line, 0, 0) : tty_wait(t, have_bytes, 1, deadline);
		if (err == -ETIMEDOUT)
			err = 0;
		if (err || (deadline && !readable(t)))
			break;
	}
	return done ? (ssize_t)done : err;
}

/* ---- writing ---- */

static ssize_t tty_write(struct kiocb *iocb, struct iov_iter *from)
{
	struct tty *t = &console_tty;
	char buf[BOUNCE];
	size_t done = 0;

	while (iov_iter_count(from)) {
		size_t n = copy_from_iter(buf, MIN(iov_iter_count(from), sizeof(buf)), from);
		unsigned long flags;

		if (!n)
			return done ? (ssize_t)done : -EFAULT;
		flags = spin_lock_irqsave(&t->lock);
		for (size_t i = 0; i < n; i++)
			out_char(t, buf[i]);
		spin_unlock_irqrestore(&t->lock, flags);
		done += n;
	}
	return (ssize_t)done;
}

static unsigned int tty_poll(struct file *f, poll_table *pt)
{
	struct tty *t = &console_tty;
	unsigned int mask = POLLOUT | POLLWRNORM;
	unsigned long flags;

	poll_wait(f, &t->read_wait, pt);
	flags = spin_lock_irqsave(&t->lock);
	if (readable(t))
		mask |= POLLIN | POLLRDNORM;
	spin_unlock_irqrestore(&t->lock, flags);
	return mask;
}

/* ---- control ---- */

static void set_termios(struct tty *t, const struct termios *n, bool flush)
{
	unsigned long flags = spin_lock_irqsave(&t->lock);
	bool was_canon = L(t, ICANON);

	t->termios = *n;
	if (flush)
		flush_input(t);
	if (was_canon && !L(t, ICANON)) {
		/* the line being edited becomes readable as it is */
		for (unsigned int i = 0; i < t->line_len; i++)
			put_byte(t, t->line[i]);
		t->line_len = 0;
		memset(t->eol, 0, sizeof(t->eol));
		memset(t->eof, 0, sizeof(t->eof));
		t->lines = 0;
	} else if (!was_canon && L(t, ICANON) && t->rhead != t->rtail) {
		mark(t->eol, t->rhead - 1, true); /* raw bytes read as one line */
		t->lines = 1;
	}
	spin_unlock_irqrestore(&t->lock, flags);
	wake_up_all(&t->read_wait);
}

static long tty_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
	struct tty *t = &console_tty;
	void *uarg = (void *)arg;
	unsigned long flags;
	struct termios tio;
	struct winsize ws;
	u32 v;

	switch (cmd) {
	case TCGETS:
		flags = spin_lock_irqsave(&t->lock);
		tio = t->termios;
		spin_unlock_irqrestore(&t->lock, flags);
		return copy_to_user(uarg, &tio, sizeof(tio)) ? -EFAULT : 0;
	case TCSETS:
	case TCSETSW:
	case TCSETSF:
		if (copy_from_user(&tio, uarg, sizeof(tio)))
			return -EFAULT;
		set_termios(t, &tio, cmd == TCSETSF);
		return 0;
	case TIOCGWINSZ:
		flags = spin_lock_irqsave(&t->lock);
		ws = t->ws;
		spin_unlock_irqrestore(&t->lock, flags);
		return copy_to_user(uarg, &ws, sizeof(ws)) ? -EFAULT : 0;
	case TIOCSWINSZ: {
		bool changed;
		int pgrp;
		if (copy_from_user(&ws, uarg, sizeof(ws)))
			return -EFAULT;
		flags = spin_lock_irqsave(&t->lock);
		changed = memcmp(&ws, &t->ws, sizeof(ws)) != 0;
		t->ws = ws;
		pgrp = t->pgrp;
		spin_unlock_irqrestore(&t->lock, flags);
		if (changed && pgrp > 0)
			kill_pgrp(pgrp, SIGWINCH);
		return 0;
	}
	case TIOCGPGRP:
		v = (u32)READ_ONCE(t->pgrp);
		if (!v && is_user_task(current))
			v = (u32)task_pgrp(current);
		return put_user_u32(v, uarg) ? -EFAULT : 0;
	case TIOCSPGRP:
		if (get_user_u32(&v, uarg))
			return -EFAULT;
		if ((int)v <= 0)
			return -EINVAL;
		WRITE_ONCE(t->pgrp, (int)v);
		return 0;
	case TIOCGSID:
		v = (u32)READ_ONCE(t->session);
		if (!v)
			return -ENOTTY;
		return put_user_u32(v, uarg) ? -EFAULT : 0;
	case TIOCSCTTY:
		if (!is_user_task(current))
			return -EPERM;
		flags = spin_lock_irqsave(&t->lock);
		t->session = task_session(current);
		t->pgrp = task_pgrp(current);
		spin_unlock_irqrestore(&t->lock, flags);
		return 0;
	case TIOCNOTTY:
		if (is_user_task(current) && task_session(current) == current->tgid) {
			flags = spin_lock_irqsave(&t->lock);
			t->session = 0;
			t->pgrp = 0;
			spin_unlock_irqrestore(&t->lock, flags);
		}
		return 0;
	case FIONREAD:
		flags = spin_lock_irqsave(&t->lock);
		v = 0;
		if (!L(t, ICANON) || t->lines) /* canonical: only whole lines count */
			for (unsigned int p = t->rtail; p != t->rhead; p++)
				v += !marked(t->eof, p);
		spin_unlock_irqrestore(&t->lock, flags);
		return put_user_u32(v, uarg) ? -EFAULT : 0;
	case TIOCOUTQ:
		return put_user_u32(0, uarg) ? -EFAULT : 0;
	case TCFLSH:
		if (arg > TCIOFLUSH)
			return -EINVAL;
		if (arg == TCIFLUSH || arg == TCIOFLUSH) {
			flags = spin_lock_irqsave(&t->lock);
			flush_input(t);
			spin_unlock_irqrestore(&t->lock, flags);
		}
		return 0;
	case TCSBRK:
	case TCXONC:
		return 0;
	default:
		return -ENOTTY;
	}
}

static int tty_open(struct inode *inode, struct file *f)
{
	struct tty *t = &console_tty;
	unsigned long flags;

	f->f_mode &= ~(FMODE_PREAD | FMODE_PWRITE);
	if (is_user_task(current) && !(f->f_flags & O_NOCTTY) &&
	    task_session(current) == current->tgid) {
		flags = spin_lock_irqsave(&t->lock);
		if (!t->session) { /* a session leader gets its controlling tty */
			t->session = task_session(current);
			t->pgrp = task_pgrp(current);
		}
		spin_unlock_irqrestore(&t->lock, flags);
	}
	return 0;
}

static const struct file_operations tty_fops = {
	.open = tty_open,
	.read_iter = tty_read,
	.write_iter = tty_write,
	.poll = tty_poll,
	.unlocked_ioctl = tty_ioctl,
	.fsync = noop_fsync,
};

static int tty_init(void)
{
	int err = register_chrdev(TTY_MAJOR, "tty", &tty_fops);

	if (!err)
		err = register_chrdev(TTYS_MAJOR, "ttyS", &tty_fops);
	if (err)
		return err;
	devtmpfs_create_node("tty", S_IFCHR | 0666, MKDEV(TTY_MAJOR, 0));
	devtmpfs_create_node("console", S_IFCHR | 0600, MKDEV(TTY_MAJOR, 1));
	devtmpfs_create_node("ttyS0", S_IFCHR | 0660, MKDEV(TTYS_MAJOR, 64));
	return 0;
}
core_initcall(tty_init);

static int tty_rx_init(void)
{
	serial_enable_rx(tty_receive_byte);
	return 0;
}
device_initcall(tty_rx_init);

/* ---- self-tests: feed bytes as the interrupt would, read through a file ---- */

static struct termios saved_termios;

static void feed(const char *s)
{
	while (*s)
		tty_receive_byte((u8)*s++);
}

static void test_mode(u32 lflag_on, u32 lflag_off, u8 vmin, u8 vtime)
{
	struct termios n = console_tty.termios;

	n.c_lflag = (n.c_lflag | lflag_on) & ~lflag_off;
	n.c_cc[VMIN] = vmin;
	n.c_cc[VTIME] = vtime;
	set_termios(&console_tty, &n, true);
}

KTEST(fs_tty_line_discipline)
{
	struct file *f = filp_open("/dev/console", O_RDWR, 0);
	char buf[64];
	s64 pos = 0;
	ssize_t n;
	u64 t0;

	KT_ASSERT(t, !IS_ERR(f), "open /dev/console: %ld", PTR_ERR(f));
	saved_termios = console_tty.termios;
	/* canonical, no echo: erase and kill edit the line */
	test_mode(ICANON, ECHO, 1, 0);
	feed("abx\x7f"
	     "c\n");
	n = kernel_read(f, buf, sizeof(buf), &pos);
	KT_ASSERT(t, n == 4 && !memcmp(buf, "abc\n", 4), "erase: %ld", n);
	feed("junk\x15ok\r"); /* ^U kills, CR becomes NL */
	n = kernel_read(f, buf, sizeof(buf), &pos);
	KT_ASSERT(t, n == 3 && !memcmp(buf, "ok\n", 3), "kill: %ld", n);
	/* one line per read; a short read leaves the rest */
	feed("one\ntwo\n");
	n = kernel_read(f, buf, 2, &pos);
	KT_ASSERT(t, n == 2 && !memcmp(buf, "on", 2), "short read %ld", n);
	n = kernel_read(f, buf, sizeof(buf), &pos);
	KT_ASSERT(t, n == 2 && !memcmp(buf, "e\n", 2), "rest of line %ld", n);
	n = kernel_read(f, buf, sizeof(buf), &pos);
	KT_ASSERT(t, n == 4 && !memcmp(buf, "two\n", 4), "second line %ld", n);
	/* ^D: ends a line without a newline; on an empty line it is EOF */
	feed("par\x04\x04");
	n = kernel_read(f, buf, sizeof(buf), &pos);
	KT_ASSERT(t, n == 3 && !memcmp(buf, "par", 3), "^D line %ld", n);
	n = kernel_read(f, buf, sizeof(buf), &pos);
	KT_ASSERT(t, n == 0, "^D on an empty line is EOF: %ld", n);
	/* raw: VMIN 0 VTIME 0 returns at once; VMIN 2 waits for two */
	test_mode(0, ICANON | ECHO, 0, 0);
	n = kernel_read(f, buf, sizeof(buf), &pos);
	KT_ASSERT(t, n == 0, "raw poll read %ld", n);
	feed("xy");
	n = kernel_read(f, buf, sizeof(buf), &pos);
	KT_ASSERT(t, n == 2 && buf[0] == 'x' && buf[1] == 'y', "raw read %ld", n);
	/* VTIME 1 with VMIN 0: times out after ~100 ms with 0 */
	test_mode(0, ICANON | ECHO, 0, 1);
	t0 = ktime_get_ns();
	n = kernel_read(f, buf, sizeof(buf), &pos);
	KT_ASSERT(t, n == 0 && ktime_get_ns() - t0 >= 50 * NSEC_PER_MSEC, "VTIME timeout %ld", n);
	set_termios(&console_tty, &saved_termios, true);
	fput(f);
}
