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

# ---- ext2 tests: the real VFS, page cache, ramfs, ext2 and bio layer on
# the host shim (tests/unit/shim/vfs_host.c: pages, kmalloc, user copies;
# blkdev_file.c: block devices over image files).  tests/unit/shim/vfs
# comes first on the include path (its x86/layout.h maps physical memory
# into the process); initcalls.ld collects the core initcalls.  The tests
# run mke2fs, e2fsck, debugfs and dumpe2fs (e2fsprogs).
# test_ext2_host.c is plain host C (no kernel headers): its own flags.
EXT2T_CFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Werror -Wno-unused-parameter \
	-Wno-missing-field-initializers -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all -fno-strict-aliasing -pthread -Itests/unit/shim/vfs \
	-Itests/unit/shim -Iinclude -Ibuild/gen
EXT2T_LIBS := -rdynamic -lcmocka -pthread -ldl -Wl,-T,tests/unit/shim/initcalls.ld
EXT2T_OBJ := build/unit/ext2-obj
EXT2T_KSRC := fs/inode.c fs/dcache.c fs/filemap.c fs/page_tree.c fs/libfs.c fs/iov_iter.c \
	fs/namei.c fs/dirops.c fs/super.c fs/namespace.c fs/open.c fs/file.c fs/read_write.c \
	fs/readdir.c fs/stat.c fs/fs_struct.c fs/fcntl.c fs/ramfs/inode.c fs/fs-writeback.c \
	fs/pagecache_lock.c fs/readahead.c fs/sync.c mm/vmscan.c kernel/locking/two_state_lock.c \
	$(sort $(wildcard fs/ext2/*.c)) \
	drivers/block/bio.c drivers/block/genhd.c kernel/sched/wait.c kernel/sched/completion.c \
	kernel/locking/mutex.c kernel/locking/rwsem.c kernel/locking/lock_waiter.c \
	kernel/locking/lockdep.c tests/unit/shim/shim.c tests/unit/shim/vfs_host.c tests/unit/shim/vfs_stubs.c \
	tests/unit/shim/blkdev_file.c tests/unit/test_ext2_lib.c
EXT2T_CORE := $(patsubst %.c,$(EXT2T_OBJ)/%.o,$(EXT2T_KSRC)) $(EXT2T_OBJ)/host/test_ext2_host.o
EXT2T_TESTS := build/unit/test_ext2_read build/unit/test_ext2_write build/unit/test_ext2_corrupt
UNIT_TESTS += $(EXT2T_TESTS)

build/unit/test_ext2_read: $(EXT2T_OBJ)/tests/unit/test_ext2_read.o $(EXT2T_CORE)
build/unit/test_ext2_write: $(EXT2T_OBJ)/tests/unit/test_ext2_write.o $(EXT2T_CORE)
build/unit/test_ext2_corrupt: $(EXT2T_OBJ)/tests/unit/test_ext2_corrupt.o $(EXT2T_CORE)

$(EXT2T_TESTS): tests/unit/shim/initcalls.ld
	@mkdir -p $(dir $@)
	$(UNIT_CC) $(EXT2T_CFLAGS) -o $@ $(filter %.o,$^) $(EXT2T_LIBS)

$(EXT2T_OBJ)/%.o: %.c tests/unit/unit.mk | build/gen/syscall_nr.h
	@mkdir -p $(dir $@)
	$(UNIT_CC) $(EXT2T_CFLAGS) -MMD -MP -c $< -o $@

$(EXT2T_OBJ)/host/test_ext2_host.o: tests/unit/test_ext2_host.c tests/unit/unit.mk
	@mkdir -p $(dir $@)
	$(UNIT_CC) -std=gnu11 -g -O1 -Wall -Wextra -Werror -fsanitize=address,undefined \
		-fno-sanitize-recover=all -MMD -MP -c $< -o $@

-include $(shell find $(EXT2T_OBJ) -name '*.d' 2>/dev/null)
