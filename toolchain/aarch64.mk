# aarch64: 64-bit ARM (ARMv8-A), e.g. MT7622/MT7986 and IPQ807x routers.
# musl from Debian's musl-dev:arm64. See cross.mk for how the pieces fit.
# 4 KiB pages as on those boards; the default 64 KiB alignment pads the binary.
TC_TRIPLE := aarch64-linux-gnu
TC_DEBARCH := arm64
TC_ARCH_CFLAGS := -march=armv8-a
TC_QEMU := qemu-aarch64-static
include toolchain/cross.mk
TC_LDFLAGS += -Wl,-z,max-page-size=4096
