/*
 * host_rename.h - lets kernel sources be unit-tested on the host.
 *
 * The kernel's string functions have libc's names, so a host build would
 * test (or clash with) libc's. tests/unit/unit.mk force-includes this header
 * (-include) into the kernel sources under test AND into the tests, so both
 * sides see memcpy as kmemcpy and so on. The libc headers are included first,
 * so their declarations keep the libc names; code that wants libc's own
 * versions (e.g. to compare against) goes in a file built without this
 * header, like host_libc.c.
 */
#ifndef HOST_RENAME_H
#define HOST_RENAME_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define memcpy kmemcpy
#define memmove kmemmove
#define memset kmemset
#define memcmp kmemcmp
#define strlen kstrlen
#define strnlen kstrnlen
#define strcmp kstrcmp
#define strncmp kstrncmp
#define strchr kstrchr
#define strrchr kstrrchr
#define strstr kstrstr
#define strlcpy kstrlcpy
#define strsep kstrsep
#define vsnprintf kvsnprintf
#define snprintf ksnprintf

#endif
