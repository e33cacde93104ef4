# mipsel: little-endian MIPS32R2 (o32), e.g. ramips MT7621/MT76x8 routers,
# the same target OpenWrt calls mipsel_24kc.
#
# Float ABI: soft-float o32, as OpenWrt's mipsel_24kc userland. The 24Kc of
# the MT76x8 and the 1004Kc of the MT7621 have no FPU, and OpenWrt's kernels
# usually leave out the FPU emulator, so a hard-float binary dies with SIGILL
# on its first floating-point instruction; in a hard-float musl printf saves
# an FPU register on entry, so even `lvsbox --list` does. Debian's mipsel
# baseline is hard-float: as for mips, musl is built soft-float from source
# and toolchain/softfp.sh puts the soft-float arithmetic helpers ahead of
# Debian's hard-float libgcc. The cross suite runs the unit tests under
# qemu-mipsel -cpu 24Kc, a core without FPU, and checks that the binary
# holds no FPU instruction.
#
# Size (docs/size.md): the binary is static and not position-independent,
# yet Debian's gcc makes PIE code with abicalls by default, every call and
# global going through the GOT and $gp; -fno-pie -mno-shared -mplt makes
# plain code. Debian's musl-dev:mipsel is built that PIC way too, which is
# another reason musl is built from Debian's source package with these flags.
# lvsbox's, mbedTLS's and musl's C is MIPS16e (-mips16, 16-bit instructions,
# about half the size of MIPS32 code), -minterlink-mips16 letting it call
# MIPS32 code and back. musl's assembly files stay MIPS32, and so do its
# system call, compare-and-swap, barrier and thread pointer, which MIPS16e
# cannot encode: musl's MIPS16 build calls them as functions
# (toolchain/musl-mips16.sh, toolchain/sysroot.sh). mbedTLS's bignum.c is
# C without its MIPS32 multiply assembly: 5.5 KiB smaller, slower at the
# public-key steps of a full TLS handshake, which SSL_GET's kept sessions
# make rare. MIPS16e is in every MIPS32 core of OpenWrt's mipsel targets
# (24K, 34K, 74K, 1004K as in the MT7621) and in qemu's 24Kc.
TC_TRIPLE := mipsel-linux-gnu
TC_DEBARCH := source
TC_ARCH_CFLAGS := -march=mips32r2 -msoft-float -fno-pie -mno-shared -mplt -minterlink-mips16
TC_CODE_CFLAGS := -mips16
TC_MBEDTLS_DEFINES := LVSBOX_MBEDTLS_C_BIGNUM
TC_MUSL_CODE_CFLAGS := -mips16
TC_QEMU := qemu-mipsel-static
include toolchain/cross.mk
# --no-warn-mismatch: libgcc's integer helpers and crt files are marked
# hard-float though they hold no FPU instruction (see toolchain/mips.mk).
TC_LDFLAGS += -no-pie -Wl,--no-warn-mismatch
# Only a hard-float MIPS16 build has float call stubs to keep (mips16-stubs.ld).
ifeq ($(filter -msoft-float,$(TC_ARCH_CFLAGS)),)
TC_LDFLAGS += -Wl,-T,toolchain/mips16-stubs.ld
endif
