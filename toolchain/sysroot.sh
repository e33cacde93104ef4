#!/bin/sh
# sysroot.sh - makes the static musl sysroot one cross target compiles against.
#
# Usage: toolchain/sysroot.sh TRIPLE DEBARCH DIR [MUSL_CFLAGS [CODE_CFLAGS [KEEP]]]
#   TRIPLE   prefix of Debian's cross gcc (arm-linux-gnueabihf ...)
#   DEBARCH  Debian architecture whose musl-dev/musl packages are unpacked,
#            or "source" to build musl from Debian's source package instead
#            (big-endian mips: bookworm has no such port)
#   DIR      build/toolchain/<arch>; gets sysroot/{include,lib},
#            sysroot/musl-gcc.specs and kinc/ (kernel UAPI headers)
#   MUSL_CFLAGS  code generation flags musl itself is built with (source only)
#   CODE_CFLAGS  more flags for musl's C files that compile with them (mipsel:
#            -mips16); assembly files, C files whose inline asm they refuse
#            and the files KEEP lists (paths under musl's src/) keep
#            MUSL_CFLAGS alone
#
# Both kinds of sysroot end up with the same layout, so the .mk files need not
# care where musl came from.
set -e
triple=$1 debarch=$2 dir=$3 musl_cflags=$4 code_cflags=$5 keep=$6
[ -n "$dir" ] || { echo "usage: $0 TRIPLE DEBARCH DIR [MUSL_CFLAGS [CODE_CFLAGS [KEEP]]]" >&2; exit 2; }
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

# musl built again with CODE_CFLAGS beside the first build, keeping going
# past the files that refuse them; each C object that built replaces the
# first build's, and libc.a is archived again. A call the linker cannot
# bridge between the two kinds of code fails lvsbox's link, loudly; KEEP
# lists the files where that happened.
code_pass() {
	rm -rf "$work.code"
	cp -a "$src" "$work.code"
	(
		unset MAKEFLAGS MFLAGS MAKELEVEL
		cd "$work.code"
		./configure --target="$triple" --prefix="$sysroot" --disable-shared \
			--enable-wrapper=gcc CC="$triple-gcc" CROSS_COMPILE="$triple-" \
			CFLAGS="-Os $musl_cflags $code_cflags" >configure.log 2>&1 ||
			{ cat configure.log >&2; exit 1; }
		make -k -j2 lib/libc.a >make.log 2>&1 || true
	)
	n=0
	for o in $(cd "$work/obj" && find src -name '*.o'); do
		c=${o%.o}.c
		[ -f "$work/$c" ] && [ -f "$work.code/obj/$o" ] || continue
		case " $keep " in *" $c "*) continue ;; esac
		cp "$work.code/obj/$o" "$work/obj/$o"
		n=$((n + 1))
	done
	rm -f "$work/lib/libc.a"
	(
		unset MAKEFLAGS MFLAGS MAKELEVEL
		cd "$work"
		make lib/libc.a >>make.log 2>&1 || { tail -n 30 make.log >&2; exit 1; }
	)
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
	(
		# Our make's command line (ARCH=mipsel ...) reaches a sub-make
		# through MAKEFLAGS and would override musl's own ARCH.
		unset MAKEFLAGS MFLAGS MAKELEVEL
		cd "$work"
		./configure --target="$triple" --prefix="$sysroot" --disable-shared \
			--enable-wrapper=gcc CC="$triple-gcc" CROSS_COMPILE="$triple-" \
			CFLAGS="-Os $musl_cflags" >configure.log 2>&1 ||
			{ cat configure.log >&2; exit 1; }
		make -j2 >make.log 2>&1 || { tail -n 30 make.log >&2; exit 1; }
	)
	[ -z "$code_cflags" ] || code_pass
	(
		unset MAKEFLAGS MFLAGS MAKELEVEL
		cd "$work"
		make install >>make.log 2>&1 || { tail -n 30 make.log >&2; exit 1; }
	)
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
