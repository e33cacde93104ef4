# lvsbox: one plain Makefile.
#   make                 static musl build/$(ARCH)/lvsbox and its applet symlinks
#   make ARCH=armhf      cross build (armhf aarch64 mipsel mips)
#   make check           every test suite; prints "N passed, N failed"
#   make demo            seed 000's LVS-DR high-availability cluster, told as a timeline, inside the x86_64 image under qemu
#   make ipk apk         OpenWrt packages of build/$(ARCH)/lvsbox (opkg, apk-tools 3)
#   make image ARCH=..   the appliance image build/$(ARCH)/image/ (rootfs/)
#   make run ARCH=..     boots that image in qemu, shell on the console (IMAGE_ROOT=squashfs: from its squashfs)
#   make cross size bench fuzz dev clean
ARCH ?= x86_64
comma := ,
BUILD := build/$(ARCH)
DEV := build/dev
.DEFAULT_GOAL := all
-include config.mak
include toolchain/$(ARCH).mk

# Applet names for the symlinks, from the one list main.c is built from.
APPLETS := $(shell grep -o '^APPLET.[a-z0-9_]*' applets/applets.def | cut -c8-)
# core/ is in layers, each a directory; a layer includes only those before it
# in this list (tests/cli/layers.sh holds every #include to that).
LAYERS := base nl conf vrrp check lvs daemon
SRCS := $(wildcard applets/*.c $(LAYERS:%=core/%/*.c) platform/*/*.c)
OBJS := $(SRCS:%.c=$(BUILD)/obj/%.o)

WARN := -Wall -Wextra -Werror
INCLUDES := -Iapplets $(LAYERS:%=-Icore/%) $(patsubst %/,-I%,$(wildcard platform/*/))
CFLAGS_COMMON := -std=c11 -D_GNU_SOURCE $(WARN) $(INCLUDES)
CFLAGS ?= -Os
CFLAGS_SHIP := $(CFLAGS_COMMON) $(CFLAGS) -ffunction-sections -fdata-sections $(TC_CFLAGS)
LDFLAGS_SHIP := -static -Wl,--gc-sections $(TC_LDFLAGS)

all: $(BUILD)/lvsbox $(BUILD)/bin/.links

# SSL_GET's mbedTLS glue (core/check/tls/) is compiled and linked only where
# mbedTLS is: here and in the dev build.
TLS_SRCS := $(wildcard core/check/tls/*.c)
TLS_OBJS := $(TLS_SRCS:%.c=$(BUILD)/obj/%.o)
$(TLS_OBJS): CFLAGS_SHIP += $(MBEDTLS_CFLAGS)
$(TLS_OBJS): $(MBEDTLS_DIR)/.stamp

# MAP=1 also writes the linker map next to it, for toolchain/mapsum.py.
$(BUILD)/lvsbox: $(OBJS) $(TLS_OBJS) $(MBEDTLS_DIR)/.stamp
	$(CC) $(LDFLAGS_SHIP) $(if $(MAP),-Wl$(comma)-Map=$@.map) -o $@ $(OBJS) $(TLS_OBJS) $(MBEDTLS_LIBS)

$(BUILD)/obj/%.o: %.c $(TC_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_SHIP) -MMD -MP -c -o $@ $<

$(BUILD)/bin/.links: $(BUILD)/lvsbox applets/applets.def
	@mkdir -p $(BUILD)/bin
	for a in $(APPLETS); do ln -sfn ../lvsbox $(BUILD)/bin/$$a; done
	touch $@

-include $(OBJS:.o=.d) $(TLS_OBJS:.o=.d)

# Development build: glibc, Debian's libmnl instead of the in-tree subset,
# AddressSanitizer and UBSan. Unit tests link against it.
DEV_CFLAGS := $(CFLAGS_COMMON) -g -O1 -DLVSBOX_USE_LIBMNL -fsanitize=address,undefined -fno-omit-frame-pointer
DEV_LDFLAGS := -fsanitize=address,undefined
DEV_SRCS := $(filter-out core/nl/mnl.c,$(wildcard $(LAYERS:%=core/%/*.c) platform/*/*.c))
DEV_OBJS := $(DEV_SRCS:%.c=$(DEV)/obj/%.o)
DEV_APPLET_OBJS := $(wildcard applets/*.c)
DEV_APPLET_OBJS := $(DEV_APPLET_OBJS:%.c=$(DEV)/obj/%.o)
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(DEV)/tests/%)

$(DEV)/.deps:
	toolchain/deps.sh dev
	@mkdir -p $(DEV)
	touch $@

$(DEV)/obj/%.o: %.c $(DEV)/.deps
	@mkdir -p $(dir $@)
	gcc $(DEV_CFLAGS) -MMD -MP -c -o $@ $<

# mbedTLS for the dev build: the same sources and configuration as the
# shipped one, compiled with the host gcc against glibc.
DEV_MBEDTLS := $(DEV)/mbedtls
DEV_MBEDTLS_LIBS := $(DEV_MBEDTLS)/lib/libmbedtls.a $(DEV_MBEDTLS)/lib/libmbedx509.a $(DEV_MBEDTLS)/lib/libmbedcrypto.a
DEV_TLS_OBJS := $(TLS_SRCS:%.c=$(DEV)/obj/%.o)
$(DEV_MBEDTLS)/.stamp: toolchain/mbedtls.sh toolchain/mbedtls-config.h toolchain/mbedtls-sha1.c toolchain/apt.sh
	toolchain/deps.sh build src
	toolchain/mbedtls.sh $(DEV_MBEDTLS) gcc ar ""
	touch $@
$(DEV_TLS_OBJS): DEV_CFLAGS += -I$(DEV_MBEDTLS)/include
$(DEV_TLS_OBJS): $(DEV_MBEDTLS)/.stamp

$(DEV)/tests/%: tests/unit/%.c $(DEV_OBJS) $(DEV_APPLET_OBJS) $(DEV_TLS_OBJS)
	@mkdir -p $(dir $@)
	gcc $(DEV_CFLAGS) -Itests/unit -o $@ $< $(DEV_OBJS) $(filter-out $(DEV)/obj/applets/main.o,$(DEV_APPLET_OBJS)) $(DEV_TLS_OBJS) $(DEV_MBEDTLS_LIBS) $(DEV_LDFLAGS) -lmnl

$(DEV)/lvsbox: $(DEV_OBJS) $(DEV_APPLET_OBJS) $(DEV_TLS_OBJS)
	gcc $(DEV_LDFLAGS) -o $@ $^ $(DEV_MBEDTLS_LIBS) -lmnl

-include $(DEV_OBJS:.o=.d) $(DEV_APPLET_OBJS:.o=.d) $(DEV_TLS_OBJS:.o=.d)

dev: $(UNIT_BINS) $(DEV)/lvsbox

include tests/tests.mk

check: all dev
	tests/run.sh

# demo.sh builds what it needs itself, quietly and with -j2.
demo:
	tests/vm/demo.sh

# The appliance image (rootfs/build.sh): initramfs, squashfs, its stage1, the kernel.
# IMAGE_OVERLAY=DIR is copied over the tree last; IMAGE_OUT puts it elsewhere
# (docs/image.md).
IMAGE_OUT ?= $(BUILD)/image
# An arch without a board (mips) is refused before anything is built.
image:
	@. rootfs/boards.sh && board $(ARCH)
	$(MAKE) --no-print-directory all
	STRIP="$(STRIP)" rootfs/build.sh $(ARCH) $(IMAGE_OUT) $(IMAGE_OVERLAY)

# RUN_ARGS: more qemu arguments (a later -m or -smp overrides the board's).
# IMAGE_ROOT=squashfs boots the squashfs from a disk through stage1.cpio.gz
# instead of the initramfs.
IMAGE_ROOT ?= initramfs
run: image
	IMAGE_ROOT=$(IMAGE_ROOT) rootfs/qemu.sh $(ARCH) $(IMAGE_OUT) $(RUN_ARGS)

# Every target with its mbedTLS, one arch after another (each builds with -j).
ARCHES := x86_64 armhf aarch64 mipsel mips
cross:
	for a in $(ARCHES); do $(MAKE) --no-print-directory ARCH=$$a all mbedtls || exit 1; done

# OpenWrt packages (platform/openwrt, docs/openwrt.md): the .ipk for
# OpenWrt 24.10's opkg and the .apk for 25.12's apk-tools 3, written to
# build/$(ARCH)/openwrt/.
PKG_ENV = LVSBOX=$(BUILD)/lvsbox STRIP="$(STRIP)"
ipk: all
	toolchain/deps.sh pkg
	$(PKG_ENV) platform/openwrt/build-ipk.sh $(ARCH) $(BUILD)/openwrt
apk: all
	toolchain/deps.sh pkg
	$(PKG_ENV) platform/openwrt/build-apk.sh $(ARCH) $(BUILD)/openwrt

# Stripped size of each arch built so far, with that arch's own strip, and
# the files of its image when `make image` made one; mipsel is held to the
# budget the issue promises (docs/size.md, checked by the cross suite).
SIZE_BUDGET_mipsel := 409600
size:
	@for a in $(ARCHES); do \
		d=build/$$a/lvsbox; [ -f "$$d" ] || continue; \
		s=$$($(MAKE) -s --no-print-directory ARCH=$$a print-strip); \
		$$s -o $$d.stripped $$d || exit 1; \
		n=$$(stat -c %s $$d.stripped); rm -f $$d.stripped; \
		printf '%-8s %8d bytes stripped (%d KiB)\n' $$a $$n $$(( (n + 1023) / 1024 )); \
		if [ $$a = mipsel ]; then \
			b=$(SIZE_BUDGET_mipsel); \
			printf '%-8s %8d bytes budget (400 KiB): %s\n' $$a $$b \
				"$$([ $$n -le $$b ] && echo "within, $$((b - n)) to spare" || echo "OVER by $$((n - b))")"; \
		fi; \
		[ -d build/$$a/image ] || continue; \
		find build/$$a/image -maxdepth 1 -type f | sort | while read -r f; do \
			printf '%-8s %8d bytes %s\n' $$a $$(stat -c %s "$$f") "$${f#build/$$a/}"; done; \
	done

print-strip:
	@echo $(STRIP)

# The -I flags of core's layers, for test scripts that compile on their own.
print-includes:
	@echo $(INCLUDES)

clean:
	rm -rf build

.PHONY: all dev check demo image run cross size print-strip print-includes clean ipk apk
