# Test targets beyond unit tests; suites add their own rules here.
include tests/cross/cross.mk

# --- netlink layer and IPVS client (core/nl/) ---
# mnl_compat: one program built against the in-tree core/nl/mnl.c and against
# Debian's libmnl; tests/unit/mnl_compat.sh requires identical output.
# ipvs_client: drives core/nl/ipvs.c in the qemu guest (tests/vm/t_ipvs_client.sh),
# once as the ASan glibc build on libmnl, once static musl on core/nl/mnl.c.
MNL_COMPAT := $(DEV)/mnl_compat
DEV_CFLAGS_INTREE_MNL := $(filter-out -DLVSBOX_USE_LIBMNL,$(DEV_CFLAGS))

$(MNL_COMPAT)/with-libmnl: tests/unit/mnl_compat.c $(DEV)/.deps
	@mkdir -p $(dir $@)
	gcc $(DEV_CFLAGS) -o $@ $< $(DEV_LDFLAGS) -lmnl

$(MNL_COMPAT)/with-intree: tests/unit/mnl_compat.c core/nl/mnl.c core/nl/mnl.h $(DEV)/.deps
	@mkdir -p $(dir $@)
	gcc $(DEV_CFLAGS_INTREE_MNL) -o $@ tests/unit/mnl_compat.c core/nl/mnl.c $(DEV_LDFLAGS)

$(DEV)/vm/ipvs_client: tests/vm/ipvs_client.c $(filter $(DEV)/obj/core/nl/%,$(DEV_OBJS))
	@mkdir -p $(dir $@)
	gcc $(DEV_CFLAGS) -Itests/unit -o $@ $^ $(DEV_LDFLAGS) -lmnl

$(BUILD)/vm/ipvs_client: tests/vm/ipvs_client.c $(filter $(BUILD)/obj/core/nl/%,$(OBJS))
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_SHIP) -Itests/unit $(LDFLAGS_SHIP) -o $@ $^

dev: $(MNL_COMPAT)/with-libmnl $(MNL_COMPAT)/with-intree $(DEV)/vm/ipvs_client $(BUILD)/vm/ipvs_client

# --- config parser (core/conf/conf.c conf_keepalived.c) ---
# conf_check: the parser as a command for tests/cli/conf_oracle.sh, which
# compares it with keepalived -t.
$(DEV)/conf_check: tests/unit/conf_check.c $(DEV)/obj/core/conf/conf.o $(DEV)/obj/core/conf/conf_keepalived.o $(DEV)/obj/core/base/ere.o $(DEV)/obj/core/base/fnv.o $(DEV)/obj/core/base/path_glob.o
	@mkdir -p $(dir $@)
	gcc $(DEV_CFLAGS) -o $@ $^ $(DEV_LDFLAGS)

dev: $(DEV)/conf_check

# --- stub farm (tests/stub): lwIP on a TAP device playing thousands of real
# servers for the checkd scale/fault tests and the checkd benchmark ---
STUB := build/stub

$(STUB)/.deps:
	toolchain/deps.sh stub
	@mkdir -p $(STUB)
	touch $@

$(STUB)/lvsfarm: tests/stub/farm.c tests/stub/script.c tests/stub/farm.h $(STUB)/.deps
	gcc -std=c11 -D_GNU_SOURCE -O2 $(WARN) $$(pkg-config --cflags lwip) -o $@ \
		tests/stub/farm.c tests/stub/script.c $$(pkg-config --libs lwip)

stub: $(STUB)/lvsfarm

# checkd at 30,000 real servers against the farm, beside keepalived's checker
# in the qemu guest (tests/bench/checkd_scale.sh; figures only).
bench-checkd: all stub
	tests/bench/checkd_scale.sh

bench: bench-checkd

.PHONY: stub bench-checkd

# --- make bench (tests/bench): lvsctl against ipvsadm on a 10,000-service
# table inside the qemu guest; prints times, ratios and sizes, asserts nothing.
bench: all
	tests/bench/run.sh

.PHONY: bench

# --- vrrpd failover benchmark (tests/bench/vrrp_failover.sh): figures beside
# keepalived's, not pass/fail. Needs root (network namespaces).
bench: bench-vrrp
bench-vrrp: all
	tests/bench/vrrp_failover.sh
.PHONY: bench bench-vrrp

# --- config at scale (tests/bench/conf_scale.sh): `lvsd -t` beside
# `keepalived -t` on 2,284 virtual servers / 37,294 real servers, on the
# host (no IPVS needed); times, peak memory and ratios, asserts nothing.
bench: bench-conf
bench-conf: all
	tests/bench/conf_scale.sh
.PHONY: bench bench-conf

# --- lvsd at scale (tests/bench/lvsd_scale.sh): start-up to the full table,
# memory, idle CPU, a one-server reload and -t, beside keepalived in the qemu
# guest on 2,284 virtual servers / 37,294 real servers; figures, ratios and
# the issue's targets; fails only when a tool fails or the tables differ.
bench: bench-lvsd
bench-lvsd: all
	tests/bench/lvsd_scale.sh
.PHONY: bench bench-lvsd
