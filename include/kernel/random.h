/*
 * random.h - kernel random numbers (kernel/random.c).
 *
 * A ChaCha20 generator keyed at boot from RDRAND (when the CPU has it) and
 * the TSC, re-keyed after every request (fast key erasure) and stirred with
 * the TSC, so earlier output cannot be recomputed from the current state.
 * Good enough for AT_RANDOM, address randomisation and getrandom(2) in a
 * teaching kernel; not a vetted CSPRNG.  Callable from any context.
 */
#ifndef KERNEL_RANDOM_H
#define KERNEL_RANDOM_H

#include <kernel/types.h>

void get_random_bytes(void *buf, size_t len);
u64 get_random_u64(void);

#endif
