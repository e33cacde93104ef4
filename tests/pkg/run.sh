#!/bin/bash
# pkg suite: the OpenWrt packages (platform/openwrt, docs/openwrt.md).
#   ipk.sh   the .ipk for x86_64 and mipsel, unpacked with GNU tar and gzip:
#            outer members, control fields, the file tree, modes, links
#   apk.sh   the .apk for x86_64 and mipsel, read and installed with
#            apk-tools 3, and compared with what `apk mkpkg` writes
#   init.sh  the procd init script: syntax under busybox ash, and the procd
#            calls it makes, against a stand-in for OpenWrt's procd.sh
# PKG_ARCHES picks the architectures (default: x86_64 mipsel).
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
toolchain/deps.sh build pkg >/dev/null || die_suite "pkg: cannot install the packages this suite needs"
export PKG_ARCHES=${PKG_ARCHES:-"x86_64 mipsel"}
mkdir -p build/pkg
for a in $PKG_ARCHES; do
	make -j2 --no-print-directory ARCH="$a" ipk apk >"build/pkg/make-$a.log" 2>&1 ||
		{ tail -20 "build/pkg/make-$a.log"; die_suite "pkg: make ARCH=$a ipk apk failed"; }
done
run_scripts 300 "${PKG_ONLY:-}" tests/pkg/ipk.sh tests/pkg/apk.sh tests/pkg/init.sh
