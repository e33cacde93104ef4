# Test targets beyond unit tests; suites add their own rules here.
include tests/cross/cross.mk

# --- netlink layer and IPVS client (core/mnl.c core/genl.c core/ipvs.c) ---
# mnl_compat: one program built against the in-tree core/mnl.c and against
# Debian's libmnl; tests/unit/mnl_compat.sh requires identical output.
# ipvs_client: drives core/ipvs.c in the qemu guest (tests/vm/t_ipvs_client.sh),
# once as the ASan glibc build on libmnl, once static musl on core/mnl.c.
MNL_COMPAT := $(DEV)/mnl_compat
DEV_CFLAGS_INTREE_MNL := $(filter-out -DLVSBOX_USE_LIBMNL,$(DEV_CFLAGS))

$(MNL_COMPAT)/with-libmnl: tests/unit/mnl_compat.c $(DEV)/.deps
	@mkdir -p $(dir $@)
	gcc $(DEV_CFLAGS) -o $@ $< $(DEV_LDFLAGS) -lmnl

$(MNL_COMPAT)/with-intree: tests/unit/mnl_compat.c core/mnl.c core/mnl.h $(DEV)/.deps
	@mkdir -p $(dir $@)
	gcc $(DEV_CFLAGS_INTREE_MNL) -o $@ tests/unit/mnl_compat.c core/mnl.c $(DEV_LDFLAGS)

$(DEV)/vm/ipvs_client: tests/vm/ipvs_client.c $(DEV)/obj/core/ipvs.o $(DEV)/obj/core/genl.o
	@mkdir -p $(dir $@)
	gcc $(DEV_CFLAGS) -Itests/unit -o $@ $^ $(DEV_LDFLAGS) -lmnl

$(BUILD)/vm/ipvs_client: tests/vm/ipvs_client.c $(BUILD)/obj/core/ipvs.o $(BUILD)/obj/core/genl.o $(BUILD)/obj/core/mnl.o
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_SHIP) -Itests/unit $(LDFLAGS_SHIP) -o $@ $^

dev: $(MNL_COMPAT)/with-libmnl $(MNL_COMPAT)/with-intree $(DEV)/vm/ipvs_client $(BUILD)/vm/ipvs_client

# --- config parser (core/conf.c core/conf_keepalived.c) ---
# conf_check: the parser as a command for tests/cli/conf_oracle.sh, which
# compares it with keepalived -t.
$(DEV)/conf_check: tests/unit/conf_check.c $(DEV)/obj/core/conf.o $(DEV)/obj/core/conf_keepalived.o
	@mkdir -p $(dir $@)
	gcc $(DEV_CFLAGS) -o $@ $^ $(DEV_LDFLAGS)

dev: $(DEV)/conf_check
