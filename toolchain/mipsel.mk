# mipsel: little-endian MIPS32 (o32), e.g. ramips MT7621 routers. Debian
# mipsel's baseline ABI (MIPS32R2, hard-float o32), so the 4kc-malta kernel
# the cross suite boots under qemu-system-mipsel runs it as-is.
#
# Size (docs/size.md): the binary is static and not position-independent,
# yet Debian's gcc makes PIE code with abicalls by default, every call and
# global going through the GOT and $gp; -fno-pie -mno-shared -mplt makes
# plain code. Debian's musl-dev:mipsel is built that PIC way too, so musl is
# built from Debian's source package with these flags (as for mips).
# lvsbox's and mbedTLS's own C is MIPS16e (-mips16, 16-bit instructions,
# about half the size of MIPS32 code); musl stays MIPS32 (its syscalls are
# inline asm), -minterlink-mips16 lets the two call each other, and
# mbedTLS's bignum.c stays MIPS32 for its multiply assembly. MIPS16e is in
# every MIPS32 core of OpenWrt's mipsel targets (24K, 34K, 74K, 1004K as in
# the MT7621) and in qemu's default 24Kf.
TC_TRIPLE := mipsel-linux-gnu
TC_DEBARCH := source
TC_ARCH_CFLAGS := -march=mips32r2 -fno-pie -mno-shared -mplt -minterlink-mips16
TC_CODE_CFLAGS := -mips16
TC_BIGNUM_CFLAGS := -mno-mips16
TC_QEMU := qemu-mipsel-static
include toolchain/cross.mk
TC_LDFLAGS += -no-pie -Wl,-T,toolchain/mips16-stubs.ld
