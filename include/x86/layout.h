/*
 * layout.h - the kernel's virtual memory layout (x86_64, 4-level paging).
 *
 *   0x0000000000000000 .. 0x00007fffffffffff  user space (per process)
 *   0xffff800000000000 .. +64 TiB             direct map of all physical RAM
 *   0xffffc00000000000 .. +1 TiB              ioremap area (MMIO, uncached)
 *   0xffffffff80000000 .. top                 kernel image (-2 GiB, mcmodel=kernel)
 *
 * The kernel is loaded at physical KERNEL_PHYS and linked at
 * KERNEL_VMA_BASE + KERNEL_PHYS.  Usable from assembly.
 */
#ifndef X86_LAYOUT_H
#define X86_LAYOUT_H

#define PAGE_SHIFT 12
#ifdef __ASSEMBLER__
#define PAGE_SIZE 4096
#else
#define PAGE_SIZE 4096UL
#endif
#define PAGE_OFFSET 0xffff800000000000
#define IOREMAP_BASE 0xffffc00000000000
#define IOREMAP_SIZE 0x0000010000000000
#define KERNEL_VMA_BASE 0xffffffff80000000
#define KERNEL_PHYS 0x200000

#define KSTACK_SIZE 16384

#ifndef __ASSEMBLER__
#include <kernel/types.h>
#define __va(pa) ((void *)((unsigned long)(pa) + PAGE_OFFSET))
#define __pa(va) ((phys_addr_t)(unsigned long)(va)-PAGE_OFFSET)
/* Physical address of a symbol in the kernel image. */
#define __pa_symbol(va) ((phys_addr_t)(unsigned long)(va)-KERNEL_VMA_BASE)
#endif

#endif
