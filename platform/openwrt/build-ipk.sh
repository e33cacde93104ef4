#!/bin/sh
# build-ipk.sh ARCH OUTDIR - writes OUTDIR/lvsbox_VERSION_OPENWRTARCH.ipk, the
# package OpenWrt 24.10's opkg installs.
#
# An .ipk is a gzip'd tar (GNU format, numeric owner 0:0) of three members in
# this order: ./debian-binary ("2.0"), ./data.tar.gz (the files, paths
# relative to /) and ./control.tar.gz (control, conffiles, postinst, prerm).
# Installed-Size is the byte count of the uncompressed data tar, as
# OpenWrt's own ipkg-build reports it. See pkg.sh for the environment.
set -e
. "$(dirname "$0")/pkg.sh"
[ $# = 2 ] || die "usage: build-ipk.sh ARCH OUTDIR"
arch=$1 out=$2
pkgarch=$(openwrt_arch "$arch")
version=$(pkg_version)
work=$out/ipk-work
rm -rf "$work"
mkdir -p "$work/control" "$out"
stage_tree "$work/data"

tarit() { # tarit DIR MEMBER... : a reproducible tar of DIR's MEMBERs on stdout
	dir=$1; shift
	tar --format=gnu --numeric-owner --owner=0 --group=0 --sort=name \
		--mtime="@$SOURCE_DATE_EPOCH" -C "$dir" -cf - "$@"
}

stamp_tree "$work/data"
tarit "$work/data" . >"$work/data.tar"
size=$(wc -c <"$work/data.tar")
gzip -9n <"$work/data.tar" >"$work/data.tar.gz"

{
	echo "Package: $PKG_NAME"
	echo "Version: $version"
	echo "Depends: $(echo $PKG_DEPENDS | sed 's/ /, /g')"
	echo "Conflicts: $(echo $PKG_CONFLICTS | sed 's/ /, /g')"
	echo "Source: platform/openwrt"
	echo "SourceName: $PKG_NAME"
	[ -z "$PKG_LICENSE" ] || echo "License: $PKG_LICENSE"
	echo "Section: $PKG_SECTION"
	echo "Architecture: $pkgarch"
	echo "Installed-Size: $size"
	echo "Description:  $PKG_DESCRIPTION"
} >"$work/control/control"
for f in $CONFFILES; do echo "$f"; done >"$work/control/conffiles"
write_postinst "$work/control/postinst"
write_prerm "$work/control/prerm"
chmod 0644 "$work/control/control" "$work/control/conffiles"
stamp_tree "$work/control"
tarit "$work/control" . | gzip -9n >"$work/control.tar.gz"

echo 2.0 >"$work/debian-binary"
stamp_tree "$work"
ipk=$out/${PKG_NAME}_${version}_${pkgarch}.ipk
tarit "$work" ./debian-binary ./data.tar.gz ./control.tar.gz | gzip -9n >"$ipk"
rm -rf "$work"
echo "$ipk"
