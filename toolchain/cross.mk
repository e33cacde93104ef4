# cross.mk - what the cross targets share. toolchain/<arch>.mk sets:
#   TC_TRIPLE      prefix of Debian's cross gcc (arm-linux-gnueabihf-gcc ...)
#   TC_DEBARCH     Debian architecture whose musl-dev is unpacked into the
#                  sysroot, or "source" to build musl from Debian's source
#   TC_ARCH_CFLAGS code generation flags (CPU, float ABI), used for musl too
#   TC_CODE_CFLAGS (optional) flags for lvsbox's and mbedTLS's C (mipsel:
#                  -mips16); musl has TC_MUSL_CODE_CFLAGS below
#   TC_BIGNUM_CFLAGS (optional) added for mbedTLS's bignum.c (inline asm)
#   TC_MBEDTLS_DEFINES (optional) macros defined in mbedTLS's installed
#                  config (toolchain/mbedtls.sh)
#   TC_MUSL_CODE_CFLAGS (optional) added for musl's C files that compile
#                  with them (toolchain/sysroot.sh)
#   TC_QEMU        qemu-user binary that runs this arch's static programs
#
# How the compiler finds musl: Debian's cross gcc searches glibc's headers and
# crt files under /usr/TRIPLE first, and --sysroot cannot change that. musl's
# own answer is a gcc specs file (-nostdinc, musl's include and lib dirs, its
# crt files); toolchain/sysroot.sh writes one pointing into the sysroot, so
# CC is just "TRIPLE-gcc -specs SYSROOT/musl-gcc.specs". The kernel's UAPI
# headers come from linux-libc-dev-<arch>-cross through -isystem kinc.
TC_DIR := build/toolchain/$(ARCH)
TC_SYSROOT := $(abspath $(TC_DIR)/sysroot)
TC_KINC := $(TC_DIR)/kinc
CC := $(TC_TRIPLE)-gcc -specs $(TC_SYSROOT)/musl-gcc.specs
AR := $(TC_TRIPLE)-ar
STRIP := $(TC_TRIPLE)-strip
TC_CFLAGS := $(TC_ARCH_CFLAGS) $(TC_CODE_CFLAGS) -isystem $(TC_KINC)
TC_LDFLAGS := $(TC_ARCH_CFLAGS)
TC_STAMP := $(TC_DIR)/.stamp

$(TC_STAMP): toolchain/sysroot.sh toolchain/musl-mips16.sh toolchain/softfp.sh toolchain/softfp/sfp-machine.h toolchain/apt.sh toolchain/$(ARCH).mk
	toolchain/deps.sh build cross
	toolchain/sysroot.sh $(TC_TRIPLE) $(TC_DEBARCH) $(TC_DIR) "$(TC_ARCH_CFLAGS)" "$(TC_MUSL_CODE_CFLAGS)"
	touch $@

include toolchain/mbedtls.mk
