# mipsel: little-endian MIPS32 (o32), e.g. ramips MT7621 routers. Debian
# mipsel's baseline ABI (MIPS32R2, hard-float o32) so musl-dev:mipsel, and the
# 4kc-malta kernel the cross suite boots under qemu-system-mipsel, fit as-is.
TC_TRIPLE := mipsel-linux-gnu
TC_DEBARCH := mipsel
TC_ARCH_CFLAGS := -march=mips32r2
TC_QEMU := qemu-mipsel-static
include toolchain/cross.mk
