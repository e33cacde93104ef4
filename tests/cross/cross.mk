# cross.mk - rules of the cross suite (tests/cross/run.sh), included by tests/tests.mk.
#   make ARCH=armhf cross-unit    the unit tests as static musl programs of that
#                                 arch, against the shipped objects (in-tree
#                                 core/mnl.c, no ASan), into build/<arch>/tests/
#   make ARCH=mipsel malta-init   /init of the initramfs the malta boot test runs
#   make ARCH=... mbedtls-check   the program that exercises that arch's mbedTLS
# A unit test whose source contains the words "cross: host only" needs the
# host kernel and is left out (run.sh says so in a comment line); one with
# "cross: little-endian only" (e.g. it replays netlink datagrams captured on
# x86_64, which are in the host's byte order) is left out on big-endian mips.
CROSS_SKIP_MARKS := -e 'cross: host only' $(if $(TC_BIG_ENDIAN),-e 'cross: little-endian only')
CROSS_UNIT_SRCS := $(shell grep -L $(CROSS_SKIP_MARKS) tests/unit/test_*.c 2>/dev/null)
CROSS_UNIT_BINS := $(CROSS_UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
CROSS_TEST_OBJS := $(filter-out $(BUILD)/obj/applets/main.o,$(OBJS))

$(BUILD)/tests/%: tests/unit/%.c $(CROSS_TEST_OBJS) tests/unit/unit.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_SHIP) -Itests/unit $(LDFLAGS_SHIP) -o $@ $< $(CROSS_TEST_OBJS)

cross-unit: $(CROSS_UNIT_BINS)

.PHONY: cross-unit

# The malta boot test's /init (only meaningful for ARCH=mipsel).
$(BUILD)/tests/malta_init: tests/cross/malta_init.c $(TC_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_SHIP) $(LDFLAGS_SHIP) -o $@ $<

malta-init: $(BUILD)/tests/malta_init

# mbedTLS as built for this arch, exercised by a small program.
$(BUILD)/tests/mbedtls_check: tests/cross/mbedtls_check.c tests/unit/unit.h $(MBEDTLS_DIR)/.stamp
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_SHIP) -Itests/unit $(MBEDTLS_CFLAGS) $(LDFLAGS_SHIP) -o $@ $< $(MBEDTLS_LIBS)

mbedtls-check: $(BUILD)/tests/mbedtls_check

.PHONY: malta-init mbedtls-check

# Floating point on the target against the host's FPU (see float_check.c).
$(BUILD)/tests/float_check: tests/cross/float_check.c $(TC_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_SHIP) $(LDFLAGS_SHIP) -o $@ $<

float-check: $(BUILD)/tests/float_check
.PHONY: float-check
