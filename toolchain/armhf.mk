# armhf: 32-bit ARM, hard-float EABI (ARMv7-A with VFPv3-D16 and Thumb-2,
# Debian armhf's baseline and most ARM routers since the Cortex-A7/A9).
# musl from Debian's musl-dev:armhf. See cross.mk for how the pieces fit.
TC_TRIPLE := arm-linux-gnueabihf
TC_DEBARCH := armhf
TC_ARCH_CFLAGS := -march=armv7-a+fp -mfpu=vfpv3-d16 -mfloat-abi=hard -mthumb
TC_QEMU := qemu-arm-static
include toolchain/cross.mk
