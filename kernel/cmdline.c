/*
 * cmdline.c - the kernel command line.
 *
 * cmdline_parse() splits boot_info.cmdline once at boot into kernel options
 * (key=value words before "--") and init's arguments (after "--", with
 * double quotes grouping words and \" escaping a quote).  Unknown keys are
 * warned about, never fatal.  Read-only after boot: no locks.
 */
#include <kernel/bootinfo.h>
#include <kernel/printk.h>
#include <kernel/string.h>

#define MAX_OPTS 64
#define MAX_INIT_ARGS 64

static const char *const known_opts[] = {
	"init",	 "loglevel", "test",	    "lockdep",	    "hung_task",   "naive", "root",
	"node",	 "nodes",    "page_poison", "seed",	    "console",	   "quiet", "rootfstype",
	"ktest", "bench",    "mem",	    "dirty_expire", "dirty_ratio", /* fs/fs-writeback.c */
};

static char buf[CMDLINE_MAX];
static char *opt_key[MAX_OPTS], *opt_val[MAX_OPTS];
static int nr_opts;
static char *init_argv[MAX_INIT_ARGS + 1];
static int init_argc;

bool cmdline_known(const char *key)
{
	for (size_t i = 0; i < ARRAY_SIZE(known_opts); i++)
		if (strcmp(known_opts[i], key) == 0)
			return true;
	return false;
}

/* Splits the next word at *pp (quotes group, backslash escapes); returns
 * NULL at the end.  Rewrites the buffer in place. */
static char *next_word(char **pp)
{
	char *p = *pp, *out, *word;
	bool quoted = false;

	while (*p == ' ' || *p == '\t' || *p == '\n')
		p++;
	if (!*p)
		return NULL;
	word = out = p;
	while (*p && (quoted || (*p != ' ' && *p != '\t' && *p != '\n'))) {
		if (*p == '"') {
			quoted = !quoted;
			p++;
		} else if (*p == '\\' && p[1]) {
			*out++ = p[1];
			p += 2;
		} else {
			*out++ = *p++;
		}
	}
	if (*p)
		p++;
	*out = 0;
	*pp = p;
	return word;
}

void cmdline_parse(void)
{
	char *p = buf, *w;
	bool after_dashes = false;

	strlcpy(buf, boot_info.cmdline, sizeof(buf));
	while ((w = next_word(&p))) {
		if (after_dashes) {
			if (init_argc < MAX_INIT_ARGS)
				init_argv[init_argc++] = w;
			continue;
		}
		if (strcmp(w, "--") == 0) {
			after_dashes = true;
			continue;
		}
		if (w[0] == '/' && nr_opts == 0)
			continue; /* GRUB may pass the kernel's path first */
		if (nr_opts == MAX_OPTS) {
			printk(KERN_WARNING "cmdline: too many options, ignoring '%s'\n", w);
			continue;
		}
		char *eq = strchr(w, '=');
		opt_key[nr_opts] = w;
		opt_val[nr_opts] = eq ? eq + 1 : w + strlen(w);
		if (eq)
			*eq = 0;
		if (!cmdline_known(w))
			printk(KERN_WARNING "cmdline: unknown option '%s' ignored\n", w);
		nr_opts++;
	}
}

const char *cmdline_get(const char *key)
{
	for (int i = nr_opts - 1; i >= 0; i--) /* the last one wins */
		if (strcmp(opt_key[i], key) == 0)
			return opt_val[i];
	return NULL;
}

long cmdline_get_int(const char *key, long def)
{
	const char *v = cmdline_get(key);
	long long r;

	if (!v || kstrtoll(v, 0, &r) != 0) {
		if (v)
			printk(KERN_WARNING "cmdline: %s=%s is not a number, using %ld\n", key, v,
			       def);
		return def;
	}
	return (long)r;
}

int cmdline_init_args(char ***argv)
{
	*argv = init_argv;
	return init_argc;
}
