# pkg.sh - what the OpenWrt package builders share (sourced by build-ipk.sh
# and build-apk.sh): the package's name, version and OpenWrt architecture,
# and the staged file tree both formats carry.
#
# Environment (the Makefile sets these):
#   LVSBOX       the built static binary (build/ARCH/lvsbox)
#   STRIP        the target's strip
#   APPLETS      applet names that get a symlink in /usr/sbin (default:
#                applets/applets.def's, less ipvsadm and keepalived, which
#                are names of OpenWrt packages)
#   OPENWRT_ARCH overrides the architecture name (see openwrt_arch)
#   PKG_RELEASE  package release, the -rN of the version (default 1)
#   PKG_LICENSE  the License field (SPDX); the repository names none, so
#                it is left out unless given
#   SOURCE_DATE_EPOCH  time stamp of every file (default: the last commit's)

PKG_NAME=lvsbox
PKG_SECTION=net
PKG_DEPENDS="kmod-nf-ipvs"
# OpenWrt's keepalived package ships /usr/libexec/rpcd/keepalived too, and
# both would run VRRP from /etc/config/keepalived; saying so gives opkg's
# clear refusal instead of a file clash half-way through an install.
PKG_CONFLICTS="keepalived"
PKG_DESCRIPTION="LVS and keepalived in one static binary: lvsd programs the kernel's IPVS table from a keepalived-style config, checks real servers (checkd) and floats virtual IPs with VRRP (vrrpd)."
CONFFILES="/etc/lvsbox/lvsbox.conf"

die() { echo "${0##*/}: $*" >&2; exit 1; }

# pkg_version: lvsbox's own version (core/base/version.h) and the release.
pkg_version() {
	v=$(sed -n 's/^#define LVSBOX_VERSION "\(.*\)"$/\1/p' "$TOP/core/base/version.h")
	[ -n "$v" ] || die "no LVSBOX_VERSION in core/base/version.h"
	echo "$v-r${PKG_RELEASE:-1}"
}

# openwrt_arch ARCH: the package architecture OpenWrt's opkg and apk match
# against (/etc/opkg.conf "arch" lines, /etc/apk/arch). One build serves
# several OpenWrt targets only when the name matches, so OPENWRT_ARCH picks
# another (e.g. arm_cortex-a9_vfpv3-d16 for mvebu, aarch64_cortex-a53 for
# mediatek/filogic): the armhf build is ARMv7-A with VFPv3-D16, which both
# Cortex-A7 and Cortex-A9 targets run.
openwrt_arch() {
	if [ -n "$OPENWRT_ARCH" ]; then echo "$OPENWRT_ARCH"; return; fi
	case $1 in
	x86_64) echo x86_64 ;;
	armhf) echo arm_cortex-a7_neon-vfpv4 ;;
	aarch64) echo aarch64_generic ;;
	mipsel) echo mipsel_24kc ;;
	mips) echo mips_24kc ;;
	*) die "no OpenWrt architecture known for $1" ;;
	esac
}

# stage_tree DIR: the files the package installs, owned by root, with
# fixed time stamps.
stage_tree() {
	d=$1
	[ -f "$LVSBOX" ] || die "$LVSBOX missing (make ARCH=... first)"
	rm -rf "$d"
	mkdir -p "$d/usr/sbin" "$d/usr/libexec/rpcd" "$d/etc/init.d" "$d/etc/lvsbox"
	${STRIP:-strip} -o "$d/usr/sbin/lvsbox" "$LVSBOX" || die "cannot strip $LVSBOX"
	chmod 0755 "$d/usr/sbin/lvsbox"
	for a in $APPLETS; do ln -s lvsbox "$d/usr/sbin/$a"; done
	install -m 0755 "$TOP/platform/openwrt/lvsbox.init" "$d/etc/init.d/lvsbox"
	install -m 0644 "$TOP/platform/openwrt/lvsbox.conf" "$d/etc/lvsbox/lvsbox.conf"
	# rpcd's exec plugin: ubus keepalived.dump for luci-app-keepalived
	install -m 0755 "$TOP/platform/openwrt/rpcd-keepalived" "$d/usr/libexec/rpcd/keepalived"
	chmod 0755 "$d" "$d/usr" "$d/usr/sbin" "$d/usr/libexec" "$d/usr/libexec/rpcd" "$d/etc" "$d/etc/init.d" "$d/etc/lvsbox"
}

# stamp_tree DIR: every file and directory gets SOURCE_DATE_EPOCH.
stamp_tree() {
	find "$1" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
}

# OpenWrt's package scripts: /lib/functions.sh's default_postinst enables
# and starts the package's init scripts, default_prerm stops and disables
# them. Both do nothing when the package goes into an image being built
# (IPKG_INSTROOT) or the functions are absent.
write_postinst() {
	cat >"$1" <<'EOS'
#!/bin/sh
[ "${IPKG_NO_SCRIPT}" = 1 ] && exit 0
[ -s "${IPKG_INSTROOT}/lib/functions.sh" ] || exit 0
. "${IPKG_INSTROOT}/lib/functions.sh"
EOS
	[ -z "$2" ] || printf 'export root="${IPKG_INSTROOT}" pkgname=%s\n' "$PKG_NAME" >>"$1"
	echo 'default_postinst "$0" "$@"' >>"$1"
	chmod 0755 "$1"
}

write_prerm() {
	cat >"$1" <<'EOS'
#!/bin/sh
[ -s "${IPKG_INSTROOT}/lib/functions.sh" ] || exit 0
. "${IPKG_INSTROOT}/lib/functions.sh"
EOS
	[ -z "$2" ] || printf 'export root="${IPKG_INSTROOT}" pkgname=%s\n' "$PKG_NAME" >>"$1"
	echo 'default_prerm "$0" "$@"' >>"$1"
	chmod 0755 "$1"
}

TOP=$(cd "$(dirname "$0")/../.." && pwd)
[ -n "${APPLETS+set}" ] ||
	APPLETS=$(sed -n 's/^APPLET(\([a-z0-9_]*\),.*/\1/p' "$TOP/applets/applets.def" | grep -vx -e ipvsadm -e keepalived)
if [ -z "$SOURCE_DATE_EPOCH" ]; then
	SOURCE_DATE_EPOCH=$(git -C "$TOP" log -1 --format=%ct 2>/dev/null) || SOURCE_DATE_EPOCH=
	[ -n "$SOURCE_DATE_EPOCH" ] || SOURCE_DATE_EPOCH=$(date +%s)
fi
