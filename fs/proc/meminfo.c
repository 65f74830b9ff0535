/*
 * meminfo.c - /proc/meminfo: memory totals in kB, in proc(5)'s format.
 * MemTotal and MemFree come from the page allocator, Cached from the page
 * cache's LRU, Dirty from writeback's counter; MemAvailable is free plus
 * cached pages (ramfs pages, which cannot be reclaimed, are counted too,
 * so it is an upper bound).  Fields this kernel does not keep are 0.
 * Locks: none (each counter is read once; the snapshot may be skewed).
 */
#include "internal.h"
#include <fs/pagemap.h>
#include <kernel/string.h>
#include <mm/page.h>

#define K(pages) ((unsigned long)(pages) * (PAGE_SIZE >> 10))

int proc_meminfo_show(struct proc_buf *m, struct proc_inode *pi)
{
	unsigned long total = nr_total_pages(), free = nr_free_pages();
	unsigned long cached = lru_nr_pages(), dirty = global_dirty_pages();
	unsigned long avail = free + cached;
	static const char *const zero[] = {
		"SwapCached",	  "Active",	  "Inactive",	    "Active(anon)",
		"Inactive(anon)", "Active(file)", "Inactive(file)", "Unevictable",
		"Mlocked",	  "SwapTotal",	  "SwapFree",	    NULL, /* Dirty here */
		"Writeback",	  "AnonPages",	  "Mapped",	    "Shmem",
		"KReclaimable",	  "Slab",	  "SReclaimable",   "SUnreclaim",
		"KernelStack",	  "PageTables",	  "NFS_Unstable",   "Bounce",
		"WritebackTmp",
	};

	if (avail > total)
		avail = total;
	proc_printf(m, "%-16s%8lu kB\n", "MemTotal:", K(total));
	proc_printf(m, "%-16s%8lu kB\n", "MemFree:", K(free));
	proc_printf(m, "%-16s%8lu kB\n", "MemAvailable:", K(avail));
	proc_printf(m, "%-16s%8lu kB\n", "Buffers:", 0UL);
	proc_printf(m, "%-16s%8lu kB\n", "Cached:", K(cached));
	for (unsigned int i = 0; i < sizeof(zero) / sizeof(zero[0]); i++) {
		char name[32];
		if (!zero[i]) {
			proc_printf(m, "%-16s%8lu kB\n", "Dirty:", K(dirty));
			continue;
		}
		snprintf(name, sizeof(name), "%s:", zero[i]);
		proc_printf(m, "%-16s%8lu kB\n", name, 0UL);
	}
	proc_printf(m, "%-16s%8lu kB\n", "CommitLimit:", K(total));
	proc_printf(m, "%-16s%8lu kB\n", "Committed_AS:", K(total - free));
	proc_printf(m, "%-16s%8lu kB\n", "VmallocTotal:", 0UL);
	proc_printf(m, "%-16s%8lu kB\n", "VmallocUsed:", 0UL);
	proc_printf(m, "%-16s%8lu kB\n", "VmallocChunk:", 0UL);
	return 0;
}
