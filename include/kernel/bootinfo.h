/*
 * bootinfo.h - what the boot loader told us (kernel/x86/multiboot.c) and
 * the kernel command line (kernel/cmdline.c).
 *
 * Command line: words "key=value" (or "key") separated by spaces; a word
 * "--" ends the kernel's part, the rest are init's arguments (double quotes
 * group words).  If QEMU's fw_cfg carries a file "opt/kernel/cmdline", it
 * replaces the command line GRUB passed, so tools/vm can change options
 * without rebuilding the image.
 */
#ifndef KERNEL_BOOTINFO_H
#define KERNEL_BOOTINFO_H

#include <kernel/types.h>

#define MAX_BOOT_MODULES 8
#define CMDLINE_MAX 2048

struct boot_module {
	phys_addr_t start, end;
	char name[64];
};

struct boot_info {
	char cmdline[CMDLINE_MAX];
	int nr_modules;
	struct boot_module modules[MAX_BOOT_MODULES];
	phys_addr_t rsdp_phys; /* a copy of the RSDP lives in rsdp[] */
	u8 rsdp[64];
	bool have_rsdp;
	bool efi; /* booted through UEFI firmware */
};

extern struct boot_info boot_info;

void multiboot_parse(u32 magic, phys_addr_t info);

/* Returns the value of option key ("" for a bare word), or NULL. */
const char *cmdline_get(const char *key);
/* Integer value of key, or def when absent or malformed. */
long cmdline_get_int(const char *key, long def);
/* The words after "--", with quotes removed; argc returned. */
int cmdline_init_args(char ***argv);
void cmdline_parse(void);
/* Registers an option name so it is not warned about as unknown. */
bool cmdline_known(const char *key);

/* Reads a fw_cfg file into buf (NUL-terminated); returns its length or -1. */
int fw_cfg_read_file(const char *name, char *buf, size_t size);

#endif
