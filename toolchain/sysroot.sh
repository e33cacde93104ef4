#!/bin/sh
# sysroot.sh - makes the static musl sysroot one cross target compiles against.
#
# Usage: toolchain/sysroot.sh TRIPLE DEBARCH DIR [MUSL_CFLAGS [CODE_CFLAGS]]
#   TRIPLE   prefix of Debian's cross gcc (arm-linux-gnueabihf ...)
#   DEBARCH  Debian architecture whose musl-dev/musl packages are unpacked,
#            or "source" to build musl from Debian's source package instead
#            (big-endian mips: bookworm has no such port)
#   DIR      build/toolchain/<arch>; gets sysroot/{include,lib},
#            sysroot/musl-gcc.specs and kinc/ (kernel UAPI headers)
#   MUSL_CFLAGS  code generation flags musl itself is built with (source only)
#   CODE_CFLAGS  more flags for musl's C files that compile with them (mipsel:
#            -mips16); assembly files and C files that refuse them keep
#            MUSL_CFLAGS alone
#
# Both kinds of sysroot end up with the same layout, so the .mk files need not
# care where musl came from.
set -e
triple=$1 debarch=$2 dir=$3 musl_cflags=$4 code_cflags=$5
[ -n "$dir" ] || { echo "usage: $0 TRIPLE DEBARCH DIR [MUSL_CFLAGS [CODE_CFLAGS]]" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
. "$here/apt.sh"

mkdir -p "$dir" build/toolchain
dir=$(cd "$dir" && pwd)
sysroot=$dir/sysroot
# apt and dpkg hold global locks; parallel makes of two arches take turns.
exec 9>build/toolchain/.lock
flock 9

# The kernel's UAPI headers for this arch come with Debian's cross gcc
# (linux-libc-dev-<arch>-cross). Only the kernel's directories are linked:
# the rest of /usr/TRIPLE/include is glibc, which must stay out of sight.
kernel_headers() {
	mkdir -p "$dir/kinc"
	for d in linux asm asm-generic; do
		[ -d "/usr/$triple/include/$d" ] || { echo "sysroot.sh: /usr/$triple/include/$d missing" >&2; exit 1; }
		ln -sfn "/usr/$triple/include/$d" "$dir/kinc/$d"
	done
}

# Debian's musl-dev ships a gcc specs file naming its multiarch paths; the
# copy in the sysroot points at the sysroot instead.
from_debian() {
	apt_add_arch "$debarch"
	debs=$dir/debs
	rm -rf "$debs" "$dir/unpacked" "$sysroot"
	apt_fetch "$debs" "musl-dev:$debarch" "musl:$debarch"
	for deb in "$debs"/*.deb; do dpkg-deb -x "$deb" "$dir/unpacked"; done
	inc=$(ls -d "$dir"/unpacked/usr/include/*-linux-musl* | head -n 1)
	lib=$(ls -d "$dir"/unpacked/usr/lib/*-linux-musl* | head -n 1)
	[ -f "$lib/libc.a" ] && [ -f "$inc/stdio.h" ] || { echo "sysroot.sh: musl-dev:$debarch unpacked without libc.a/stdio.h" >&2; exit 1; }
	mkdir -p "$sysroot"
	cp -a "$inc" "$sysroot/include"
	cp -a "$lib" "$sysroot/lib"
	sed -e "s|/usr/include/$(basename "$inc")|$sysroot/include|g" \
	    -e "s|/usr/lib/$(basename "$lib")|$sysroot/lib|g" \
	    "$lib/musl-gcc.specs" >"$sysroot/musl-gcc.specs"
	rm -rf "$dir/unpacked" "$sysroot/lib/musl-gcc.specs"
}

# Our make's command line (ARCH=mipsel ...) reaches a sub-make through
# MAKEFLAGS and would override musl's own ARCH: musl's configure and make
# run without it, in TREE.
musl_configure() { # TREE CFLAGS
	(
		unset MAKEFLAGS MFLAGS MAKELEVEL
		cd "$1"
		./configure --target="$triple" --prefix="$sysroot" --disable-shared \
			--enable-wrapper=gcc CC="$triple-gcc" CROSS_COMPILE="$triple-" \
			CFLAGS="$2" >configure.log 2>&1 ||
			{ cat configure.log >&2; exit 1; }
	)
}
musl_make() { # TREE MAKE-ARGUMENTS..., the output added to TREE/make.log
	tree=$1
	shift
	(
		unset MAKEFLAGS MFLAGS MAKELEVEL
		cd "$tree"
		make "$@" >>make.log 2>&1
	)
}

# musl built again with CODE_CFLAGS beside the first build, keeping going
# past the files that refuse them; each C object that built replaces the
# first build's, and libc.a is archived again. With -mips16 the second
# build's headers reach the assembly through the gate, whose own file
# refuses to compile as MIPS16 and so stays MIPS32.
code_pass() {
	rm -rf "$work.code"
	cp -a "$src" "$work.code"
	if [ -n "$mips16_gate" ]; then
		"$here/musl-mips16.sh" helpers "$work.code"
		"$here/musl-mips16.sh" headers "$work.code"
	fi
	musl_configure "$work.code" "-Os $musl_cflags $code_cflags"
	musl_make "$work.code" -k -j2 lib/libc.a || true
	n=0
	for o in $(cd "$work/obj" && find src -name '*.o'); do
		c=${o%.o}.c
		[ -f "$work/$c" ] && [ -f "$work.code/obj/$o" ] || continue
		cp "$work.code/obj/$o" "$work/obj/$o"
		n=$((n + 1))
	done
	rm -f "$work/lib/libc.a"
	musl_make "$work" lib/libc.a || { tail -n 30 "$work/make.log" >&2; exit 1; }
	echo "sysroot.sh: $n of musl's objects built with $code_cflags" >&2
}

# musl's configure derives the sub-architecture (float ABI, endianness) from
# what the compiler predefines under MUSL_CFLAGS, and --enable-wrapper makes
# it write a specs file for the install prefix, the same shape as Debian's.
from_source() {
	src=$(apt_source "$(pwd)/build/toolchain/src" musl)
	work=$dir/musl-build
	rm -rf "$work" "$sysroot"
	cp -a "$src" "$work"
	# MIPS16 code cannot hold musl's inline assembly: a gate of MIPS32
	# functions does that for it (toolchain/musl-mips16.sh)
	mips16_gate=
	case " $code_cflags " in *" -mips16 "*) mips16_gate=1 ;; esac
	[ -z "$mips16_gate" ] || "$here/musl-mips16.sh" helpers "$work"
	musl_configure "$work" "-Os $musl_cflags"
	musl_make "$work" -j2 || { tail -n 30 "$work/make.log" >&2; exit 1; }
	[ -z "$code_cflags" ] || code_pass
	musl_make "$work" install || { tail -n 30 "$work/make.log" >&2; exit 1; }
	mv "$sysroot/lib/musl-gcc.specs" "$sysroot/musl-gcc.specs"
	rm -rf "$sysroot/bin" "$work" "$work.code"
	case " $musl_cflags " in
	*" -msoft-float "*) "$here/softfp.sh" "$triple" "$sysroot" "$musl_cflags $code_cflags" ;;
	esac
}

if [ "$debarch" = source ]; then from_source; else from_debian; fi
kernel_headers
grep -q "$sysroot/lib" "$sysroot/musl-gcc.specs" || { echo "sysroot.sh: specs file does not point into $sysroot" >&2; exit 1; }
echo "sysroot.sh: $triple musl sysroot ready in $sysroot" >&2
