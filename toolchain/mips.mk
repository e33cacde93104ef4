# mips: big-endian MIPS32 for OpenWrt's ath79 (Atheros/QCA AR71xx..QCA956x,
# MIPS 24Kc cores). Debian bookworm has no big-endian mips port, so musl is
# built from Debian's musl source package with the same flags as lvsbox.
#
# Float ABI: soft-float o32, as OpenWrt's ath79 userland. A 24Kc has no FPU
# and OpenWrt's kernels leave out the FPU emulator by default, so a
# hard-float binary would die on its first floating-point instruction (musl's
# printf of %f, strtod). Debian's gcc-mips-linux-gnu ships only a hard-float
# libgcc, so toolchain/softfp.sh supplies the soft-float arithmetic helpers
# (from Debian's glibc source) ahead of libgcc in the specs file.
TC_TRIPLE := mips-linux-gnu
TC_DEBARCH := source
TC_ARCH_CFLAGS := -march=24kc -mabi=32 -msoft-float
TC_QEMU := qemu-mips-static
TC_BIG_ENDIAN := 1
include toolchain/cross.mk
# libgcc's integer helpers and crt files are marked hard-float though they
# hold no FPU instruction; ld would warn for each. The cross suite checks the
# linked binary has no FPU instruction at all.
TC_LDFLAGS += -Wl,--no-warn-mismatch
