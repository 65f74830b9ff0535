# user.mk - user programs (static, musl-gcc) and the initramfs tree.
#
# user/*.c        -> /bin/NAME   (init is /init)
# user/tests/*.c  -> /tests/NAME (the user test suite, run by tests/vm/user-*.sh)
# user/scenarios/*.c -> /scenarios/NAME (page-cache scenarios on a disk)
# user/bench/*.c  -> /bin/NAME
# busybox-static  -> /bin/busybox (plus /bin/sh)
MUSLCC ?= musl-gcc
UCFLAGS := -static -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter -Iuser/include -pthread

USER_PROGS := $(patsubst user/%.c,$(B)/initramfs/bin/%,$(filter-out user/init.c,$(wildcard user/*.c)))
USER_TESTS := $(patsubst user/tests/%.c,$(B)/initramfs/tests/%,$(wildcard user/tests/*.c))
USER_SCEN := $(patsubst user/scenarios/%.c,$(B)/initramfs/scenarios/%,$(wildcard user/scenarios/*.c))
USER_BENCH := $(patsubst user/bench/%.c,$(B)/initramfs/bin/%,$(wildcard user/bench/*.c))
USER_SCRIPTS := $(patsubst user/tests/%.sh,$(B)/initramfs/tests/%.sh,$(wildcard user/tests/*.sh))
USER_HDRS := $(wildcard user/include/*.h)

$(B)/initramfs/init: user/init.c $(USER_HDRS)
	@mkdir -p $(dir $@)
	@echo "  MUSLCC  $<"
	@$(MUSLCC) $(UCFLAGS) -o $@ $<

$(B)/initramfs/bin/%: user/%.c $(USER_HDRS)
	@mkdir -p $(dir $@)
	@echo "  MUSLCC  $<"
	@$(MUSLCC) $(UCFLAGS) -o $@ $<

$(B)/initramfs/bin/%: user/bench/%.c $(USER_HDRS)
	@mkdir -p $(dir $@)
	@echo "  MUSLCC  $<"
	@$(MUSLCC) $(UCFLAGS) -o $@ $<

$(B)/initramfs/scenarios/%: user/scenarios/%.c $(USER_HDRS)
	@mkdir -p $(dir $@)
	@echo "  MUSLCC  $<"
	@$(MUSLCC) $(UCFLAGS) -o $@ $<

$(B)/initramfs/tests/%: user/tests/%.c $(USER_HDRS)
	@mkdir -p $(dir $@)
	@echo "  MUSLCC  $<"
	@$(MUSLCC) $(UCFLAGS) -o $@ $<

$(B)/initramfs/tests/%.sh: user/tests/%.sh
	@mkdir -p $(dir $@)
	cp $< $@

$(B)/initramfs/bin/busybox: /bin/busybox
	@mkdir -p $(dir $@)
	cp /bin/busybox $@
	ln -sf busybox $(B)/initramfs/bin/sh

$(B)/initramfs/etc/motd: user/motd
	@mkdir -p $(dir $@)
	cp $< $@

INITRAMFS_DEPS := $(B)/initramfs/init $(USER_PROGS) $(USER_TESTS) $(USER_SCEN) $(USER_BENCH) $(USER_SCRIPTS) \
	$(B)/initramfs/bin/busybox $(B)/initramfs/etc/motd

user: $(INITRAMFS_DEPS)
