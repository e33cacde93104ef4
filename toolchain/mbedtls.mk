# mbedtls.mk - mbedTLS for the arch being built, into $(BUILD)/mbedtls
# ({include,lib}); `make mbedtls` builds it. Included by every toolchain/<arch>.mk.
MBEDTLS_DIR := $(BUILD)/mbedtls
MBEDTLS_LIBS := $(MBEDTLS_DIR)/lib/libmbedtls.a $(MBEDTLS_DIR)/lib/libmbedx509.a $(MBEDTLS_DIR)/lib/libmbedcrypto.a
MBEDTLS_CFLAGS := -I$(MBEDTLS_DIR)/include

$(MBEDTLS_DIR)/.stamp: toolchain/mbedtls.sh toolchain/mbedtls-config.h toolchain/mbedtls-sha1.c toolchain/apt.sh toolchain/$(ARCH).mk $(TC_STAMP)
	toolchain/deps.sh build src
	toolchain/mbedtls.sh $(MBEDTLS_DIR) "$(CC)" "$(AR)" "$(TC_ARCH_CFLAGS) $(TC_CODE_CFLAGS)" "$(TC_BIGNUM_CFLAGS)" "$(TC_MBEDTLS_DEFINES)"
	touch $@

mbedtls: $(MBEDTLS_DIR)/.stamp
.PHONY: mbedtls
