# Host build: static musl through Debian's musl-gcc wrapper. musl-gcc hides
# /usr/include, so the kernel's UAPI headers are linked into a directory of
# their own and added with -isystem.
CC := musl-gcc
STRIP := strip
TC_KINC := $(BUILD)/kinc
TC_CFLAGS := -isystem $(TC_KINC)
TC_LDFLAGS :=
TC_STAMP := $(TC_KINC)/.stamp

$(TC_STAMP):
	toolchain/deps.sh build
	mkdir -p $(TC_KINC)
	ln -sfn /usr/include/linux $(TC_KINC)/linux
	ln -sfn /usr/include/asm-generic $(TC_KINC)/asm-generic
	ln -sfn /usr/include/x86_64-linux-gnu/asm $(TC_KINC)/asm
	touch $@

include toolchain/mbedtls.mk
