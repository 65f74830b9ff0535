/*
 * memblock.c - the boot-time view of physical memory.
 *
 * Before the buddy allocator exists we keep two small arrays: usable RAM
 * ranges (from the multiboot2 memory map) and reserved ranges (kernel
 * image, boot information, modules, the first MiB, and anything handed out
 * by memblock_alloc()).  page_alloc_init() then gives every usable,
 * unreserved page to the buddy allocator.  Single-threaded: boot CPU only.
 */
#include <kernel/printk.h>
#include <mm/page.h>
#include <x86/layout.h>

#define MAX_REGIONS 64

struct region {
	phys_addr_t base, end;
};

static struct region mem[MAX_REGIONS], rsv[MAX_REGIONS], fw[MAX_REGIONS];
static int nr_mem, nr_rsv, nr_fw;

/* Firmware ranges (ACPI tables and NVS) that the direct map must cover
 * but the allocator must never hand out. */
void memblock_add_firmware(phys_addr_t base, phys_addr_t size)
{
	if (nr_fw < MAX_REGIONS && size)
		fw[nr_fw++] = (struct region){ base, base + size };
}

int memblock_firmware_count(void) { return nr_fw; }

void memblock_firmware_region(int i, phys_addr_t *base, phys_addr_t *end)
{
	*base = fw[i].base;
	*end = fw[i].end;
}

void memblock_add(phys_addr_t base, phys_addr_t size)
{
	if (nr_mem == MAX_REGIONS || !size)
		return;
	mem[nr_mem++] = (struct region){ base, base + size };
}

void memblock_reserve(phys_addr_t base, phys_addr_t size)
{
	phys_addr_t end = base + size;

	if (!size)
		return;
	for (int i = 0; i < nr_rsv; i++) { /* grow a touching region */
		if (base <= rsv[i].end && rsv[i].base <= end) {
			rsv[i].base = MIN(rsv[i].base, base);
			rsv[i].end = MAX(rsv[i].end, end);
			return;
		}
	}
	if (nr_rsv == MAX_REGIONS)
		panic("memblock: too many reserved regions");
	rsv[nr_rsv++] = (struct region){ base, end };
}

static bool overlaps_reserved(phys_addr_t base, phys_addr_t end)
{
	for (int i = 0; i < nr_rsv; i++)
		if (base < rsv[i].end && rsv[i].base < end)
			return true;
	return false;
}

bool memblock_is_reserved(phys_addr_t pa) { return overlaps_reserved(pa, pa + 1); }

/* Allocates from the highest free spot below 4 GiB (covered by the boot
 * page tables' direct map). */
phys_addr_t memblock_alloc(phys_addr_t size, phys_addr_t align)
{
	const phys_addr_t limit = 4ULL << 30;

	for (int i = nr_mem - 1; i >= 0; i--) {
		phys_addr_t end = mem[i].end < limit ? mem[i].end : limit;
		phys_addr_t base;

		if (end <= mem[i].base || end - mem[i].base < size)
			continue;
		for (base = ALIGN_DOWN(end - size, align); base >= mem[i].base && base >= 0x100000;
		     base -= align) {
			if (!overlaps_reserved(base, base + size)) {
				memblock_reserve(base, size);
				return base;
			}
			if (base < align)
				break;
		}
	}
	panic("memblock: out of memory allocating %llu bytes", (unsigned long long)size);
}

int memblock_count(void) { return nr_mem; }

void memblock_region(int i, phys_addr_t *base, phys_addr_t *end)
{
	*base = mem[i].base;
	*end = mem[i].end;
}
