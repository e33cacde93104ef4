#!/bin/sh
# build-apk.sh ARCH OUTDIR - writes OUTDIR/lvsbox-VERSION.apk, the package
# OpenWrt 25.12's apk-tools 3 installs (format: mkapk.py).
#
# Besides the files, an OpenWrt apk carries in /lib/apk/packages/ the
# package's file list (lvsbox.list, which default_postinst reads to enable
# the init script), its conffiles (lvsbox.conffiles, kept by sysupgrade) and
# their SHA-256 as shipped (lvsbox.conffiles_static, which tells a changed
# config from the default). Scripts: post-install, post-upgrade and
# pre-deinstall, as OpenWrt's own packages have. See pkg.sh for the
# environment.
set -e
. "$(dirname "$0")/pkg.sh"
[ $# = 2 ] || die "usage: build-apk.sh ARCH OUTDIR"
arch=$1 out=$2
pkgarch=$(openwrt_arch "$arch")
version=$(pkg_version)
work=$out/apk-work
rm -rf "$work"
mkdir -p "$work/scripts" "$out"
stage_tree "$work/data"

meta=$work/data/lib/apk/packages
mkdir -p "$meta"
for f in $CONFFILES; do echo "$f"; done >"$meta/$PKG_NAME.conffiles"
for f in $CONFFILES; do
	echo "$f $(sha256sum <"$work/data$f" | cut -d' ' -f1)"
done >"$meta/$PKG_NAME.conffiles_static"
(cd "$work/data" && find . \( -type f -o -type l \) -printf '/%P\n' | LC_ALL=C sort) >"$work/list"
echo "/lib/apk/packages/$PKG_NAME.list" >>"$work/list"
LC_ALL=C sort -o "$meta/$PKG_NAME.list" "$work/list"
chmod 0644 "$meta"/*
chmod 0755 "$work/data/lib" "$work/data/lib/apk" "$meta"
stamp_tree "$work/data"

write_postinst "$work/scripts/post-install" apk
{ echo '#!/bin/sh'; echo 'export PKG_UPGRADE=1'; sed 1d "$work/scripts/post-install"; } >"$work/scripts/post-upgrade"
write_prerm "$work/scripts/pre-deinstall" apk

apk=$out/$PKG_NAME-$version.apk
python3 "$TOP/platform/openwrt/mkapk.py" --root "$work/data" --output "$apk" \
	--info "name=$PKG_NAME" --info "version=$version" --info "arch=$pkgarch" \
	--info "description=$PKG_DESCRIPTION" ${PKG_LICENSE:+"--info=license=$PKG_LICENSE"} \
	--info "origin=$PKG_NAME" \
	--info "build-time=$SOURCE_DATE_EPOCH" \
	$(for d in $PKG_DEPENDS; do echo "--depends=$d"; done) \
	--script "post-install=$work/scripts/post-install" \
	--script "post-upgrade=$work/scripts/post-upgrade" \
	--script "pre-deinstall=$work/scripts/pre-deinstall"
rm -rf "$work"
echo "$apk"
