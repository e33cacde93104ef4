#!/bin/sh
# build.sh - makes the lvsbox appliance image of one arch (make image).
#
# Usage: rootfs/build.sh ARCH OUT [OVERLAY]
#   ARCH     x86_64 aarch64 armhf mipsel (rootfs/boards.sh)
#   OUT      output directory; gets
#              initramfs.cpio.gz  the root file system as a gzip'd newc cpio
#              rootfs.squashfs    the same tree, xz-compressed, for flashing
#              stage1.cpio.gz     the initramfs that mounts rootfs.squashfs
#                                 from the board's disk and switches to it
#                                 (rootfs/stage1-init; boards with a
#                                 BOARD_DISK only)
#              vmlinuz            the Debian kernel whose modules are inside
#              kernel.version     that kernel's version
#              stage/             the tree itself
#   OVERLAY  a directory copied over the tree last (a demo's or a test's
#            /etc/lvsbox/lvsbox.conf and rc.local, more module names in
#            /etc/lvsbox/modules ...)
# Environment: STRIP (default strip) strips the lvsbox binary.
#
# The tree: build/ARCH/lvsbox and its applet links in /usr/sbin, Debian's
# busybox-static of ARCH with every applet link, rootfs/skel/ (inittab, rcS,
# the module list, udhcpc's hook), configs/*.conf in /etc/lvsbox/examples,
# and the kernel modules the module lists name with their dependencies,
# uncompressed, with a modules.dep from depmod so busybox's modprobe works.
set -e
arch=$1 out=$2 overlay=$3
[ -n "$out" ] || { echo "usage: $0 ARCH OUT [OVERLAY]" >&2; exit 2; }
cd "$(dirname "$0")/.."
. toolchain/apt.sh
. toolchain/kernel.sh
. rootfs/boards.sh
board "$arch"

lvsbox=build/$arch/lvsbox
[ -x "$lvsbox" ] || { echo "build.sh: $lvsbox missing (make ARCH=$arch)" >&2; exit 1; }
[ -z "$overlay" ] || [ -d "$overlay" ] || { echo "build.sh: overlay $overlay is not a directory" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "build.sh: needs root (device nodes, a root-owned tree)" >&2; exit 1; }
toolchain/deps.sh image

# busybox-static of this arch, from Debian's archive (the same version for
# every arch, so the host's busybox lists the applets each one has).
bbdir=build/toolchain/busybox-$BOARD_DEBARCH
if [ ! -x "$bbdir/root/bin/busybox" ]; then
	(
		flock 9
		apt_add_arch "$BOARD_DEBARCH"
		rm -rf "$bbdir"
		apt_fetch "$bbdir/debs" "busybox-static:$BOARD_DEBARCH"
		dpkg-deb -x "$bbdir"/debs/busybox-static_*.deb "$bbdir/root"
		dpkg-deb -f "$bbdir"/debs/busybox-static_*.deb Version >"$bbdir/version"
		rm -rf "$bbdir/debs"
	) 9>build/toolchain/.lock
fi
host_bb=$(dpkg-query -W -f='${Version}' busybox-static)
target_bb=$(cat "$bbdir/version")
[ "$host_bb" = "$target_bb" ] || echo "build.sh: note: host busybox $host_bb, $arch busybox $target_bb; applet links follow the host's" >&2

kroot=$(kernel_root "$arch")
kver=$(kernel_version "$kroot")
moddir=$kroot/lib/modules/$kver

mkdir -p "$out"
stage=$out/stage
rm -rf "$stage"
mkdir -p "$stage"
for d in bin sbin usr/bin usr/sbin etc proc sys dev run tmp var root lib/modules; do mkdir -p "$stage/$d"; done
chmod 1777 "$stage/tmp"
chmod 700 "$stage/root"

# busybox_tree TREE: the arch's busybox in TREE/bin and a link for each applet
# (relative, so the tree works wherever it is mounted).
busybox_tree() {
	cp "$bbdir/root/bin/busybox" "$1/bin/busybox"
	for path in $(busybox --list-full); do
		case $path in linuxrc) continue ;; esac
		[ -e "$1/$path" ] && continue
		mkdir -p "$1/${path%/*}"
		up=$(echo "$path" | sed 's|[^/]*/|../|g; s|[^/]*$||')
		ln -s "${up}bin/busybox" "$1/$path"
	done
}

# ship_modules TREE NAME...: the modules NAME... take, dependencies
# included, uncompressed into TREE/lib/modules/VERSION with the kernel's
# lists and a modules.dep from depmod, so busybox's modprobe works there;
# sets mods to the list.
ship_modules() {
	local tree=$1 kdest=$1/lib/modules/$kver rel dest
	shift
	mods=$(kmod_closure "$moddir" "$@")
	mkdir -p "$kdest"
	for rel in $mods; do
		dest=$kdest/${rel%%.ko*}.ko
		mkdir -p "$(dirname "$dest")"
		case $rel in
		*.ko.xz) xz -dc "$moddir/$rel" >"$dest" ;;
		*.ko.zst) zstd -qdc "$moddir/$rel" >"$dest" ;;
		*.ko.gz) gzip -dc "$moddir/$rel" >"$dest" ;;
		*.ko) cp "$moddir/$rel" "$dest" ;;
		esac
	done
	cp "$moddir/modules.builtin" "$kdest/" 2>/dev/null || :
	[ -f "$moddir/modules.builtin.modinfo" ] && cp "$moddir/modules.builtin.modinfo" "$kdest/"
	for rel in $mods; do echo "${rel%%.ko*}.ko"; done >"$kdest/modules.order"
	depmod -b "$tree" "$kver"
}

# cpio_gz TREE FILE: TREE as a gzip'd newc cpio, owned by root.
cpio_gz() {
	(cd "$1" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) | gzip -9 >"$2.tmp"
	mv "$2.tmp" "$2"
}

busybox_tree "$stage"
ln -s bin/busybox "$stage/init"

# lvsbox, stripped, and a link per applet as make puts them in build/ARCH/bin
${STRIP:-strip} -o "$stage/usr/sbin/lvsbox" "$lvsbox"
for link in build/"$arch"/bin/*; do
	[ -L "$link" ] && ln -sf lvsbox "$stage/usr/sbin/$(basename "$link")"
done

cp -a rootfs/skel/. "$stage/"
echo lvsbox >"$stage/etc/hostname"
# udhcpc's hook writes the DNS servers here; on the read-only squashfs they
# go to /run (tmpfs) instead
ln -s ../run/resolv.conf "$stage/etc/resolv.conf"
mkdir -p "$stage/etc/lvsbox/examples"
cp configs/*.conf "$stage/etc/lvsbox/examples/"
{
	echo "# /etc/lvsbox/modules.board - the $arch board's network card, loaded after /etc/lvsbox/modules (rootfs/boards.sh)"
	for m in $BOARD_MODULES; do echo "$m"; done
} >"$stage/etc/lvsbox/modules.board"

if [ -n "$overlay" ]; then
	cp -a "$overlay/." "$stage/"
fi

# Modules: what rcS loads, the board's card, modules.extra and all of IPVS.
names=$(cat "$stage/etc/lvsbox/modules" "$stage/etc/lvsbox/modules.board" rootfs/modules.extra | sed 's/#.*//')
for f in "$moddir"/kernel/net/netfilter/ipvs/ip_vs*.ko*; do
	f=${f##*/}; names="$names ${f%%.ko*}"
done
ship_modules "$stage" $names
nmods=$(echo "$mods" | wc -w)
cp "$kroot/boot/vmlinuz-$kver" "$out/vmlinuz"
echo "$kver" >"$out/kernel.version"

# The kernel opens /dev/console before /init runs, when no devtmpfs is
# mounted yet: the node must be in the archive.
mknod -m 600 "$stage/dev/console" c 5 1
mknod -m 666 "$stage/dev/null" c 1 3

cpio_gz "$stage" "$out/initramfs.cpio.gz"
rm -f "$out/rootfs.squashfs"
mksquashfs "$stage" "$out/rootfs.squashfs" -all-root -comp xz -noappend -quiet >/dev/null

# stage1: what boots the squashfs from the board's disk. busybox, the
# modules that disk and squashfs need, and rootfs/stage1-init as /init, with
# the board's root device and those modules in /etc/stage1.conf.
rm -rf "$out/stage1" "$out/stage1.cpio.gz"
if [ -n "$BOARD_ROOT_MODULES" ]; then
	s1=$out/stage1
	for d in bin dev etc proc sys newroot; do mkdir -p "$s1/$d"; done
	busybox_tree "$s1"
	cp rootfs/stage1-init "$s1/init"
	chmod 755 "$s1/init"
	printf 'rootdev=%s\nmodules="%s"\n' "$BOARD_ROOTDEV" "$BOARD_ROOT_MODULES" >"$s1/etc/stage1.conf"
	ship_modules "$s1" $BOARD_ROOT_MODULES
	mknod -m 600 "$s1/dev/console" c 5 1
	cpio_gz "$s1" "$out/stage1.cpio.gz"
	stage1_size=", stage1 $(stat -c %s "$out/stage1.cpio.gz") bytes"
fi
echo "build.sh: $arch image in $out: kernel $kver, $nmods modules," \
	"initramfs $(stat -c %s "$out/initramfs.cpio.gz") bytes, squashfs $(stat -c %s "$out/rootfs.squashfs") bytes${stage1_size:-}"
