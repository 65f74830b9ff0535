/*
 * pgtable.c - kernel page tables.
 *
 * paging_init() replaces the boot tables with:
 *   - a direct map at PAGE_OFFSET of every RAM and ACPI range in the
 *     memory map (2 MiB pages where aligned, else 4 KiB), no-execute;
 *   - the kernel image at -2 GiB with 4 KiB pages: text read-only and
 *     executable, rodata read-only, data and bss writable, no-execute;
 *   - the boot section identity-mapped no more (APs use their trampoline's
 *     own tables, see kernel/x86/smp.c).
 * All kernel PDPTs are allocated here so user address spaces can share the
 * kernel half by copying PML4 entries 256..511.
 */
#include <kernel/printk.h>
#include <kernel/spinlock.h>
#include <kernel/string.h>
#include <mm/memblock_int.h>
#include <mm/page.h>
#include <mm/pgtable.h>
#include <x86/asm.h>

u64 *kernel_pml4;
phys_addr_t kernel_pml4_phys;
static bool buddy_ready;
static DEFINE_SPINLOCK(ioremap_lock);
static unsigned long ioremap_next = IOREMAP_BASE;

extern char _text[], _etext[], _data[], _kernel_end[], _kernel_start[];
extern char __boot_start[], __boot_end[];

static u64 *alloc_table(void)
{
	if (buddy_ready)
		return get_zeroed_page();
	phys_addr_t pa = memblock_alloc(PAGE_SIZE, PAGE_SIZE);
	memset(__va(pa), 0, PAGE_SIZE);
	return __va(pa);
}

static u64 *next_level(u64 *table, int idx, bool alloc, u64 flags)
{
	if (!(table[idx] & PTE_P)) {
		u64 *t;
		if (!alloc)
			return NULL;
		t = alloc_table();
		if (!t)
			return NULL;
		table[idx] = __pa(t) | flags;
	} else if (table[idx] & PTE_PS) {
		return NULL; /* a huge page: no lower level */
	}
	return __va(table[idx] & PTE_ADDR_MASK);
}

u64 *pgtable_walk(u64 *pml4, unsigned long va, bool alloc)
{
	u64 flags = PTE_P | PTE_W | (va < PAGE_OFFSET ? PTE_U : 0);
	u64 *pdpt, *pd, *pt;

	pdpt = next_level(pml4, (va >> 39) & 511, alloc, flags);
	if (!pdpt)
		return NULL;
	pd = next_level(pdpt, (va >> 30) & 511, alloc, flags);
	if (!pd)
		return NULL;
	pt = next_level(pd, (va >> 21) & 511, alloc, flags);
	if (!pt)
		return NULL;
	return &pt[(va >> 12) & 511];
}

static void map_2m(unsigned long va, phys_addr_t pa, u64 flags)
{
	u64 *pdpt = next_level(kernel_pml4, (va >> 39) & 511, true, PTE_P | PTE_W);
	u64 *pd = next_level(pdpt, (va >> 30) & 511, true, PTE_P | PTE_W);

	pd[(va >> 21) & 511] = pa | flags | PTE_PS;
}

static void map_4k(unsigned long va, phys_addr_t pa, u64 flags)
{
	u64 *pte = pgtable_walk(kernel_pml4, va, true);

	*pte = pa | flags;
}

static void map_range(phys_addr_t base, phys_addr_t end)
{
	const u64 fl = PTE_P | PTE_W | PTE_G | PTE_NX;
	phys_addr_t pa = ALIGN_DOWN(base, PAGE_SIZE);

	end = ALIGN_UP(end, PAGE_SIZE);
	while (pa < end) {
		if (IS_ALIGNED(pa, 0x200000) && pa + 0x200000 <= end) {
			map_2m((unsigned long)__va(pa), pa, fl);
			pa += 0x200000;
		} else {
			u64 *pte = pgtable_walk(kernel_pml4, (unsigned long)__va(pa), true);
			if (pte) /* NULL: already inside a 2 MiB mapping */
				*pte = pa | fl;
			pa += PAGE_SIZE;
		}
	}
}

void paging_init(void)
{
	phys_addr_t base, end;

	kernel_pml4 = alloc_table();
	kernel_pml4_phys = __pa(kernel_pml4);
	/* Pre-allocate every kernel-half PDPT so the half can be shared. */
	for (int i = 256; i < 512; i++)
		next_level(kernel_pml4, i, true, PTE_P | PTE_W);

	for (int i = 0; i < memblock_count(); i++) {
		memblock_region(i, &base, &end);
		map_range(base, end);
	}
	for (int i = 0; i < memblock_firmware_count(); i++) {
		memblock_firmware_region(i, &base, &end);
		map_range(base, end);
	}
	/* The first MiB (BIOS data, ACPI RSDP, AP trampoline) */
	map_range(0, 0x100000);

	for (unsigned long va = (unsigned long)_kernel_start; va < (unsigned long)_kernel_end;
	     va += PAGE_SIZE) {
		u64 fl = PTE_P | PTE_G;
		if (va >= (unsigned long)_text && va < (unsigned long)_etext)
			; /* text: read-only, executable */
		else if (va < (unsigned long)_data)
			fl |= PTE_NX; /* rodata */
		else
			fl |= PTE_W | PTE_NX;
		map_4k(va, va - KERNEL_VMA_BASE, fl);
	}
	write_cr3(kernel_pml4_phys);
	buddy_ready = false;
}

void paging_buddy_ready(void) { buddy_ready = true; }

void *ioremap(phys_addr_t pa, size_t size)
{
	phys_addr_t start = ALIGN_DOWN(pa, PAGE_SIZE);
	size_t len = ALIGN_UP(pa + size, PAGE_SIZE) - start;
	unsigned long va;
	unsigned long flags = spin_lock_irqsave(&ioremap_lock);

	va = ioremap_next;
	ioremap_next += len + PAGE_SIZE; /* a guard page between mappings */
	spin_unlock_irqrestore(&ioremap_lock, flags);
	if (ioremap_next > IOREMAP_BASE + IOREMAP_SIZE)
		panic("ioremap: area exhausted");
	for (size_t off = 0; off < len; off += PAGE_SIZE) {
		u64 *pte = pgtable_walk(kernel_pml4, va + off, true);
		if (!pte)
			panic("ioremap: out of memory");
		*pte = (start + off) | PTE_P | PTE_W | PTE_PCD | PTE_PWT | PTE_NX | PTE_G;
	}
	return (void *)(va + (pa - start));
}

void flush_tlb_one(unsigned long va) { invlpg(va); }

void flush_tlb_all_local(void)
{
	u64 cr4 = read_cr4();

	if (cr4 & (1 << 7)) { /* toggling PGE flushes global entries too */
		write_cr4(cr4 & ~(1ULL << 7));
		write_cr4(cr4);
	} else {
		write_cr3(read_cr3());
	}
}
