#!/bin/sh
# kernel.sh - Debian's kernel for each arch an image or a guest boots, and the
# kernel modules a set of module names needs. Source it (after apt.sh); used
# by rootfs/build.sh, tests/vm/vm-run.sh and tests/cross/malta.sh.
#
#   kernel_root ARCH     prints the directory holding boot/vmlinuz-VERSION and
#                        lib/modules/VERSION/modules.dep: "/" for x86_64 (the
#                        host's linux-image-amd64, installed by deps.sh), else
#                        build/toolchain/kernel-ARCH/root, where the arch's
#                        Debian kernel .deb is unpacked the first time (never
#                        installed into the host) and depmod makes modules.dep
#   kernel_version ROOT  the newest VERSION under ROOT with both a vmlinuz and
#                        a modules.dep
#   kmod_closure MODDIR NAME...
#                        the .ko files (paths relative to MODDIR) that loading
#                        NAME... takes, each once, dependencies before the
#                        modules that need them: insmod them in this order.
#                        A NAME that is neither in modules.dep nor built into
#                        the kernel (modules.builtin) is an error; a built-in
#                        one needs nothing and prints nothing.

# kernel_package ARCH: Debian's kernel metapackage for the board we boot ARCH
# on (armmp for -M virt on 32-bit ARM; the 4kc-malta flavour for -M malta).
# Bookworm has no big-endian mips port, hence no kernel for mips.
kernel_package() {
	case $1 in
	armhf) echo linux-image-armmp:armhf ;;
	aarch64) echo linux-image-arm64:arm64 ;;
	mipsel) echo linux-image-4kc-malta:mipsel ;;
	*) return 1 ;;
	esac
}

kernel_version() {
	local d v=
	for d in $(ls -1 "$1/lib/modules" 2>/dev/null | sort -V); do
		[ -f "$1/boot/vmlinuz-$d" ] && [ -f "$1/lib/modules/$d/modules.dep" ] && v=$d
	done
	[ -n "$v" ] || { echo "kernel.sh: no boot/vmlinuz-* with a matching lib/modules/*/modules.dep under $1" >&2; return 1; }
	echo "$v"
}

kernel_root() {
	local arch=$1 meta debarch pkg dir root
	if [ "$arch" = x86_64 ]; then
		kernel_version / >/dev/null || return 1
		echo /
		return 0
	fi
	meta=$(kernel_package "$arch") || { echo "kernel.sh: Debian has no kernel for $arch" >&2; return 1; }
	dir=build/toolchain/kernel-$arch
	root=$dir/root
	if ! kernel_version "$root" >/dev/null 2>&1; then
		mkdir -p build/toolchain
		(
			# apt and dpkg hold global locks: one fetch at a time (sysroot.sh
			# takes the same lock).
			flock 9
			kernel_version "$root" >/dev/null 2>&1 && exit 0
			debarch=${meta#*:}
			apt_add_arch "$debarch" || exit 1
			# The metapackage depends on the versioned image package.
			pkg=$(apt-cache depends "$meta" 2>/dev/null | awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
			[ -n "$pkg" ] || { apt_refresh; pkg=$(apt-cache depends "$meta" 2>/dev/null | awk '/Depends: linux-image-[0-9]/ { print $2; exit }'); }
			[ -n "$pkg" ] || { echo "kernel.sh: no versioned image package behind $meta" >&2; exit 1; }
			rm -rf "$dir"
			apt_fetch "$dir/debs" "$pkg" || exit 1
			dpkg-deb -x "$dir"/debs/linux-image-*.deb "$root" || exit 1
			rm -rf "$dir/debs"
			# What the package's postinst would do on a real install.
			depmod -b "$root" "$(ls "$root/lib/modules")" || exit 1
		) 9>build/toolchain/.lock || return 1
	fi
	echo "$root"
}

kmod_closure() {
	local moddir=$1 name out="" chain
	shift
	for name; do
		if chain=$(awk -v want="$name" -F': *' '
			{ n = $1; sub(/.*\//, "", n); sub(/\.ko(\.[a-z]+)?$/, "", n); gsub(/-/, "_", n) }
			n == want { k = split($2, deps, " "); for (i = k; i >= 1; i--) print deps[i]; print $1; found = 1; exit }
			END { if (!found) exit 1 }' "$moddir/modules.dep"); then
			out="$out$chain
"
		else
			# modules.builtin names files as kernel/.../NAME.ko
			grep -q "/$(echo "$name" | sed 's/_/[-_]/g')\.ko\$" "$moddir/modules.builtin" 2>/dev/null ||
				{ echo "kernel.sh: module $name is neither in $moddir/modules.dep nor built in" >&2; return 1; }
		fi
	done
	printf '%s' "$out" | awk 'NF && !seen[$0]++'
}
