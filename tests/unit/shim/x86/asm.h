/*
 * asm.h (host shim) - replaces include/x86/asm.h on the host: the
 * interrupt flag calls do nothing (a host thread has no interrupts).
 */
#ifndef X86_ASM_H
#define X86_ASM_H

#include <kernel/types.h>

static inline void cpu_relax(void) { __builtin_ia32_pause(); }
static inline void local_irq_disable(void) {}
static inline void local_irq_enable(void) {}
static inline unsigned long local_save_flags(void) { return 0x200; }
static inline unsigned long local_irq_save(void) { return 0x200; }
static inline void local_irq_restore(unsigned long f) { (void)f; }
static inline bool irqs_disabled(void) { return false; }

#endif
