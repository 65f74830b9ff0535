# Makefile - builds the kernel, the boot image, user programs and tests.
#
#   make            build/kernel.elf and build/os.iso
#   make run        boot the default demo in QEMU (returns when it powers off)
#   make test       unit tests, lint and VM tests; last line "N passed, N failed"
#   make test-unit  host cmocka tests only (ASan + UBSan)
#   make lint       clang-format check and cppcheck
#   make debug      QEMU halted with a gdb stub, plus a gdb script
#   make deps       install missing Debian packages (apt-get; sudo when not root)
#
# CROSS_COMPILE=x86_64-linux-gnu- selects a prefixed toolchain.
# B=DIR puts the outputs in DIR instead of build/.
# PAGECACHE_ADD_LOCK=0 builds, into $(B)-nolock/ (build-nolock/), a kernel
# whose buffered read and fault paths skip pagecache_add_lock: for make
# bench's lock-cost rows only, never for real use.  It reuses the main
# build's initramfs.cpio, so both kernels run the same bench binary.

CROSS_COMPILE ?=
CC := $(CROSS_COMPILE)gcc
LD := $(CROSS_COMPILE)ld
NM := $(CROSS_COMPILE)nm
OBJCOPY := $(CROSS_COMPILE)objcopy

B := build
MAIN_B := $(B)
PAGECACHE_ADD_LOCK ?= 1
KCFLAGS := -std=gnu11 -O2 -g -ffreestanding -fno-builtin -fno-stack-protector -fno-pic \
	-fno-pie -mno-red-zone -mcmodel=kernel -mno-sse -mno-sse2 -mno-mmx -mno-80387 \
	-fno-omit-frame-pointer -mno-omit-leaf-frame-pointer -fno-asynchronous-unwind-tables \
	-fno-strict-aliasing -fno-delete-null-pointer-checks \
	-Wall -Wextra -Werror -Wno-unused-parameter -Wno-missing-field-initializers \
	-Iinclude -I$(B)/gen -MMD -MP
KASFLAGS := -D__ASSEMBLER__ -Iinclude -I$(B)/gen -MMD -MP -g
KLDFLAGS := -n -T linker.ld -z max-page-size=0x1000 --no-warn-rwx-segments

KSRC := $(shell find boot kernel mm fs drivers -name '*.c' -o -name '*.S' 2>/dev/null | sort)
ifeq ($(PAGECACHE_ADD_LOCK),0)
override B := $(B)-nolock
KCFLAGS := $(subst -I$(MAIN_B)/gen,-I$(B)/gen,$(KCFLAGS)) -DPAGECACHE_ADD_LOCK=0
KASFLAGS := $(subst -I$(MAIN_B)/gen,-I$(B)/gen,$(KASFLAGS))
endif

KOBJ := $(patsubst %,$(B)/k/%.o,$(KSRC))

.PHONY: all deps run test test-unit test-vm lint debug shell clean bench user
all: $(B)/kernel.elf $(B)/os.iso

deps:
	@tools/deps

Q := $(if $(V),,@)
GEN := $(B)/gen/syscall_nr.h
$(GEN): tools/gen-syscall-nr
	@mkdir -p $(dir $@)
	tools/gen-syscall-nr > $@.tmp && mv $@.tmp $@

$(KOBJ): | $(GEN)
$(B)/k/%.c.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(KCFLAGS) -c $< -o $@

$(B)/k/%.S.o: %.S
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  AS      $<")
	$(Q)$(CC) $(KASFLAGS) -c $< -o $@

# Two-pass link: the second pass carries the symbol table for backtraces.
# .ksymtab is the last section, so filling it in moves no function; the
# check below proves it.
$(B)/kernel.elf: $(KOBJ) linker.ld tools/gensyms
	@mkdir -p $(B)
	tools/gensyms < /dev/null > $(B)/ksyms0.S
	$(CC) $(KASFLAGS) -c $(B)/ksyms0.S -o $(B)/ksyms0.o
	$(LD) $(KLDFLAGS) -o $(B)/kernel0.elf $(KOBJ) $(B)/ksyms0.o
	$(NM) -n $(B)/kernel0.elf | tools/gensyms > $(B)/ksyms.S
	$(CC) $(KASFLAGS) -c $(B)/ksyms.S -o $(B)/ksyms.o
	$(LD) $(KLDFLAGS) -o $@ $(KOBJ) $(B)/ksyms.o
	@$(NM) -n $(B)/kernel0.elf | grep -i ' t ' > $(B)/syms0.txt; \
	 $(NM) -n $@ | grep -i ' t ' > $(B)/syms1.txt; \
	 cmp -s $(B)/syms0.txt $(B)/syms1.txt || { echo "symbol table moved code"; exit 1; }

# The initramfs: user programs and busybox (see user/user.mk).
-include user/user.mk
INITRAMFS_DEPS ?=
$(B)/initramfs.cpio: $(INITRAMFS_DEPS) tools/mkinitramfs
	tools/mkinitramfs $(B)/initramfs $@

# The nolock build (PAGECACHE_ADD_LOCK=0) takes the main build's initramfs.
INITRAMFS := $(MAIN_B)/initramfs.cpio
ifneq ($(B),$(MAIN_B))
$(INITRAMFS):
	@echo "$@ missing: run make (the main build) first"; exit 1
endif

$(B)/os.iso: $(B)/kernel.elf $(INITRAMFS) boot/grub.cfg
	@mkdir -p $(B)/iso/boot/grub
	cp $(B)/kernel.elf $(B)/iso/boot/kernel.elf
	cp $(INITRAMFS) $(B)/iso/boot/initramfs.cpio
	cp boot/grub.cfg $(B)/iso/boot/grub/grub.cfg
	grub-mkrescue -o $@ $(B)/iso 2> $(B)/grub-mkrescue.log || { cat $(B)/grub-mkrescue.log; exit 1; }

run: deps all
	tools/vm --smp 2

shell: deps all
	tools/vm --smp 2 --timeout 0 -- init=/bin/busybox -- sh

debug: deps all
	tools/debug

-include tests/unit/unit.mk
UNIT_TESTS ?=

print-unit-tests:
	@echo $(UNIT_TESTS)

test-unit: $(UNIT_TESTS)
	@tools/run-unit $(UNIT_TESTS)

lint:
	@tools/lint

test: deps
	@$(MAKE) --no-print-directory all $(UNIT_TESTS)
	@tools/run-tests

# The lock-cost rows boot a second build of this kernel without
# pagecache_add_lock on the read and fault paths (build-nolock/).
bench: deps all
	@$(MAKE) --no-print-directory PAGECACHE_ADD_LOCK=0 all
	tools/bench

clean:
	rm -rf $(B) $(MAIN_B)-nolock

-include $(shell find $(B)/k -name '*.d' 2>/dev/null)
