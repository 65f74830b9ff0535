/* memblock_int.h - memblock internals shared with page_alloc.c and the
 * page-table setup only. */
#ifndef MM_MEMBLOCK_INT_H
#define MM_MEMBLOCK_INT_H
#include <kernel/types.h>
int memblock_count(void);
void memblock_region(int i, phys_addr_t *base, phys_addr_t *end);
bool memblock_is_reserved(phys_addr_t pa);
void memblock_add_firmware(phys_addr_t base, phys_addr_t size);
int memblock_firmware_count(void);
void memblock_firmware_region(int i, phys_addr_t *base, phys_addr_t *end);
#endif
