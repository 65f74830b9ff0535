/*
 * multiboot.c - reading the multiboot2 boot information.
 *
 * Takes the memory map into memblock, reserves what must survive (the
 * information block itself while we read it, the modules), copies the
 * command line, module list and ACPI RSDP into boot_info.  Boot CPU only,
 * before the page allocator exists.
 */
#include <kernel/bootinfo.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <mm/memblock_int.h>
#include <mm/page.h>
#include <x86/layout.h>

#define MB2_BOOTLOADER_MAGIC 0x36d76289
#define TAG_END 0
#define TAG_CMDLINE 1
#define TAG_MODULE 3
#define TAG_MMAP 6
#define TAG_ACPI_OLD 14
#define TAG_ACPI_NEW 15
#define TAG_EFI64 12
#define TAG_EFI_MMAP 17

struct mb2_tag {
	u32 type, size;
};

struct mb2_mmap_entry {
	u64 addr, len;
	u32 type, reserved;
};

struct boot_info boot_info;

void multiboot_parse(u32 magic, phys_addr_t info)
{
	u32 total;
	u8 *p, *end;

	if (magic != MB2_BOOTLOADER_MAGIC)
		panic("not booted by a multiboot2 loader (magic %#x)", magic);
	total = *(u32 *)__va(info);
	memblock_reserve(info, total);
	p = (u8 *)__va(info) + 8;
	end = (u8 *)__va(info) + total;
	while (p < end) {
		struct mb2_tag *t = (struct mb2_tag *)p;

		if (t->type == TAG_END)
			break;
		switch (t->type) {
		case TAG_CMDLINE:
			strlcpy(boot_info.cmdline, (char *)(t + 1), sizeof(boot_info.cmdline));
			break;
		case TAG_MODULE:
			if (boot_info.nr_modules < MAX_BOOT_MODULES) {
				struct boot_module *m = &boot_info.modules[boot_info.nr_modules++];
				u32 *w = (u32 *)(t + 1);
				m->start = w[0];
				m->end = w[1];
				strlcpy(m->name, (char *)&w[2], sizeof(m->name));
				memblock_reserve(m->start, m->end - m->start);
			}
			break;
		case TAG_MMAP: {
			u32 esize = ((u32 *)(t + 1))[0];
			for (u8 *e = (u8 *)(t + 1) + 8; e + esize <= p + t->size; e += esize) {
				struct mb2_mmap_entry *me = (struct mb2_mmap_entry *)e;
				printk(KERN_INFO "  mem %#014llx-%#014llx type %u\n",
				       (unsigned long long)me->addr,
				       (unsigned long long)(me->addr + me->len - 1), me->type);
				if (me->type == 1)
					memblock_add(me->addr, me->len);
				else if (me->type == 3 || me->type == 4) /* ACPI */
					memblock_add_firmware(me->addr, me->len);
			}
			break;
		}
		case TAG_ACPI_OLD:
		case TAG_ACPI_NEW: {
			u32 len = t->size - 8;
			if (len > sizeof(boot_info.rsdp))
				len = sizeof(boot_info.rsdp);
			if (t->type == TAG_ACPI_NEW || !boot_info.have_rsdp) {
				memcpy(boot_info.rsdp, t + 1, len);
				boot_info.have_rsdp = true;
			}
			break;
		}
		case TAG_EFI64:
			boot_info.efi = true;
			break;
		}
		p += ALIGN_UP(t->size, 8);
	}
}
