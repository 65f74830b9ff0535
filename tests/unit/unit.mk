# unit.mk - host unit tests (cmocka, ASan + UBSan), included by the top-level
# Makefile; also usable alone: make -f tests/unit/unit.mk build/unit/test_string
#
# UNIT_TESTS lists the test binaries. To add one, append it to UNIT_TESTS
# and list its objects as prerequisites, like the ones below. Sources are
# compiled to build/unit/obj/<path>.o with tests/unit/host_rename.h
# force-included, so kernel functions named like libc's (memcpy, snprintf)
# become kmemcpy, ksnprintf... in both the kernel code and the test.
# Paths are relative to the repository root.

UNIT_CC ?= cc
UNIT_CFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Werror -fsanitize=address,undefined \
	-fno-omit-frame-pointer -fno-sanitize-recover=all -fno-builtin -Iinclude -Itests/unit
UNIT_LIBS := -lcmocka -lpthread
UNIT_OBJ := build/unit/obj

UNIT_TESTS := build/unit/test_string build/unit/test_vsprintf

build/unit/test_string: $(UNIT_OBJ)/tests/unit/test_string.o $(UNIT_OBJ)/kernel/lib/string.o

build/unit/test_vsprintf: $(UNIT_OBJ)/tests/unit/test_vsprintf.o \
	$(UNIT_OBJ)/kernel/lib/vsprintf.o $(UNIT_OBJ)/kernel/lib/string.o \
	$(UNIT_OBJ)/tests/unit/host_libc.o

$(UNIT_TESTS):
	@mkdir -p $(dir $@)
	$(UNIT_CC) $(UNIT_CFLAGS) -o $@ $^ $(UNIT_LIBS)

# Kernel sources and tests: with the renaming.
$(UNIT_OBJ)/%.o: %.c tests/unit/host_rename.h tests/unit/unit.mk
	@mkdir -p $(dir $@)
	$(UNIT_CC) $(UNIT_CFLAGS) -include tests/unit/host_rename.h -MMD -MP -c $< -o $@

# The libc wrappers: without it, so that they reach the real libc.
$(UNIT_OBJ)/tests/unit/host_libc.o: tests/unit/host_libc.c tests/unit/unit.mk
	@mkdir -p $(dir $@)
	$(UNIT_CC) $(UNIT_CFLAGS) -MMD -MP -c $< -o $@

-include $(shell find $(UNIT_OBJ) -name '*.d' 2>/dev/null)

# ---- Locking tests: kernel/locking/*.c built unmodified against the host
# shim (tests/unit/shim/README), whose headers come first on the include
# path.  No host_rename.h here: the shim uses libc's string functions.
# Objects go to their own directory, since the same kernel file is built
# differently here and above.
SHIM_CFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Werror -fsanitize=address,undefined \
	-fno-omit-frame-pointer -fno-sanitize-recover=all -pthread -Itests/unit/shim -Iinclude
SHIM_LIBS := -rdynamic -lcmocka -pthread -ldl
SHIM_OBJ := build/unit/shim-obj
SHIM_CORE := $(SHIM_OBJ)/tests/unit/shim/shim.o $(SHIM_OBJ)/kernel/locking/lockdep.o \
	$(SHIM_OBJ)/kernel/locking/lock_waiter.o
SHIM_TESTS := build/unit/test_two_state_lock build/unit/test_mutex_rwsem build/unit/test_lockdep
UNIT_TESTS += $(SHIM_TESTS)

build/unit/test_two_state_lock: $(SHIM_OBJ)/tests/unit/test_two_state_lock.o \
	$(SHIM_OBJ)/kernel/locking/two_state_lock.o $(SHIM_CORE)

build/unit/test_mutex_rwsem: $(SHIM_OBJ)/tests/unit/test_mutex_rwsem.o \
	$(SHIM_OBJ)/kernel/locking/mutex.o $(SHIM_OBJ)/kernel/locking/rwsem.o $(SHIM_CORE)

build/unit/test_lockdep: $(SHIM_OBJ)/tests/unit/test_lockdep.o \
	$(SHIM_OBJ)/kernel/locking/mutex.o $(SHIM_OBJ)/kernel/locking/rwsem.o \
	$(SHIM_OBJ)/kernel/locking/two_state_lock.o $(SHIM_CORE)

$(SHIM_TESTS):
	@mkdir -p $(dir $@)
	$(UNIT_CC) $(SHIM_CFLAGS) -o $@ $^ $(SHIM_LIBS)

$(SHIM_OBJ)/%.o: %.c tests/unit/unit.mk
	@mkdir -p $(dir $@)
	$(UNIT_CC) $(SHIM_CFLAGS) -MMD -MP -c $< -o $@

-include $(shell find $(SHIM_OBJ) -name '*.d' 2>/dev/null)
