/*
 * layout.h (host shim for the VFS tests) - replaces include/x86/layout.h
 * when tests/unit/shim/vfs is first on the include path (only the targets
 * that run the VFS and file systems on the host; see vfs_host.c).
 *
 * "Physical memory" is one host mapping, shim_ram, with mem_map[] beside
 * it: physical address p is shim_ram + p, so page_address(), __va() and
 * __pa() of the kernel's <mm/page.h> work unchanged.
 */
#ifndef X86_LAYOUT_H
#define X86_LAYOUT_H

#define PAGE_SHIFT 12
#ifdef __ASSEMBLER__
#define PAGE_SIZE 4096
#else
#define PAGE_SIZE 4096UL
#endif
#define KSTACK_SIZE 16384

#ifndef __ASSEMBLER__
#include <kernel/types.h>
extern char *shim_ram;
#define __va(pa) ((void *)(shim_ram + (unsigned long)(pa)))
#define __pa(va) ((phys_addr_t)((char *)(va)-shim_ram))
#endif

#endif
