/*
 * types.h - fixed-width integer types and basic kernel typedefs.
 *
 * Freestanding: relies only on the compiler's <stdint.h>, <stddef.h>,
 * <stdbool.h> and <stdarg.h>, so the same header works in the kernel and
 * in host unit tests.
 */
#ifndef KERNEL_TYPES_H
#define KERNEL_TYPES_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;

typedef u64 phys_addr_t;
typedef u64 pgoff_t;
#ifndef __ssize_t_defined
typedef long ssize_t;
#define __ssize_t_defined
#endif
typedef long off_t_k;

#endif
