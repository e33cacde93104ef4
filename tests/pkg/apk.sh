#!/bin/bash
# apk.sh - the .apk OpenWrt 25.12's apk-tools 3 installs.
#
# The reader is apk-tools 3 itself: APK_TOOLS names its `apk` binary, else
# `apk` on PATH is used when it is version 3. Debian bookworm's archive has
# no apk-tools package at all, so on a machine with only Debian's packages
# these checks cannot run; the suite says so loudly and then only the checks
# below that need no apk-tools run (a raw-deflate stream that inflates with
# Python's zlib to the "ADB.pckg" magic and carries the packaged files'
# bytes as they are in the .ipk). PKG_REQUIRE_APK_TOOLS=1 makes the missing
# reader a failure.
#
# With apk-tools 3: `apk adbdump` shows the package's fields; `apk extract`
# gives the tree, compared with the .ipk's and the OpenWrt metadata files;
# `apk mkpkg` run on that tree with the same fields must write the same
# package (apart from its identity hash); and `apk add` installs it into a
# scratch root (busybox as /bin/sh, a kmod-nf-ipvs made with apk mkpkg as
# the dependency) and `apk del` removes it.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
tmp=$(mktemp -d /tmp/lvsbox-apk.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
version=$(sed -n 's/^#define LVSBOX_VERSION "\(.*\)"$/\1/p' core/base/version.h)-r1
declare -A owarch=([x86_64]=x86_64 [mipsel]=mipsel_24kc [mips]=mips_24kc [armhf]=arm_cortex-a7_neon-vfpv4 [aarch64]=aarch64_generic)

apk=${APK_TOOLS:-$(command -v apk)}
if [ -n "$apk" ] && "$apk" --version 2>/dev/null | grep -q '^apk-tools 3\.'; then
	echo "# reading the .apk with $("$apk" --version) ($apk)"
else
	echo "# ************************************************************************"
	echo "# apk-tools 3 NOT FOUND: Debian bookworm has no apk-tools package, so the"
	echo "# .apk was NOT read or installed by apk here. Set APK_TOOLS=/path/to/apk"
	echo "# (apk-tools 3, built from its source) to run those checks."
	echo "# ************************************************************************"
	[ "${PKG_REQUIRE_APK_TOOLS:-}" = 1 ] && fail "apk-tools 3 not found (PKG_REQUIRE_APK_TOOLS=1)"
	apk=
fi

# The tree the .apk installs: the .ipk's (tests/pkg/ipk.sh) plus OpenWrt's
# per-package metadata in /lib/apk/packages.
expect_tree="drwxr-xr-x root .
drwxr-xr-x root ./etc
drwxr-xr-x root ./etc/init.d
-rwxr-xr-x root ./etc/init.d/lvsbox
drwxr-xr-x root ./etc/lvsbox
-rw-r--r-- root ./etc/lvsbox/lvsbox.conf
drwxr-xr-x root ./lib
drwxr-xr-x root ./lib/apk
drwxr-xr-x root ./lib/apk/packages
-rw-r--r-- root ./lib/apk/packages/lvsbox.conffiles
-rw-r--r-- root ./lib/apk/packages/lvsbox.conffiles_static
-rw-r--r-- root ./lib/apk/packages/lvsbox.list
drwxr-xr-x root ./usr
drwxr-xr-x root ./usr/libexec
drwxr-xr-x root ./usr/libexec/rpcd
-rwxr-xr-x root ./usr/libexec/rpcd/keepalived
drwxr-xr-x root ./usr/sbin
lrwxrwxrwx root ./usr/sbin/checkd -> lvsbox
-rwxr-xr-x root ./usr/sbin/lvsbox
lrwxrwxrwx root ./usr/sbin/lvsctl -> lvsbox
lrwxrwxrwx root ./usr/sbin/lvsd -> lvsbox
lrwxrwxrwx root ./usr/sbin/rsctl -> lvsbox
lrwxrwxrwx root ./usr/sbin/vrrpd -> lvsbox"
expect_list="/etc/init.d/lvsbox
/etc/lvsbox/lvsbox.conf
/lib/apk/packages/lvsbox.conffiles
/lib/apk/packages/lvsbox.conffiles_static
/lib/apk/packages/lvsbox.list
/usr/libexec/rpcd/keepalived
/usr/sbin/checkd
/usr/sbin/lvsbox
/usr/sbin/lvsctl
/usr/sbin/lvsd
/usr/sbin/rsctl
/usr/sbin/vrrpd"

tree() { (cd "$1" && find . -printf '%M %u %p\n' -type l -printf '%M %u %p -> %l\n' | awk '!($1 ~ /^l/ && NF == 3)' | LC_ALL=C sort -k3); }

for arch in $PKG_ARCHES; do
	pkg=$PWD/build/$arch/openwrt/lvsbox-$version.apk
	ipk=build/$arch/openwrt/lvsbox_${version}_${owarch[$arch]}.ipk
	if [ ! -f "$pkg" ]; then fail "$arch: $pkg was not written"; continue; fi
	d=$tmp/$arch
	mkdir -p "$d/ipk" "$d/ipkdata"
	tar -xzf "$ipk" -C "$d/ipk" && tar -xzf "$d/ipk/data.tar.gz" -C "$d/ipkdata" || { fail "$arch: cannot unpack $ipk"; continue; }

	# No apk-tools needed: Python's zlib inflates the raw deflate stream
	# after the "ADBd" magic, and each packaged file's bytes appear whole.
	if python3 - "$pkg" "$d/ipkdata" <<'PY'
import os, sys, zlib
raw = open(sys.argv[1], "rb").read()
assert raw[:4] == b"ADBd", "no ADBd magic"
body = zlib.decompress(raw[4:], -15)
assert body[:8] == b"ADB.pckg", "inflated stream does not start with ADB.pckg"
for f in ("usr/sbin/lvsbox", "etc/init.d/lvsbox", "etc/lvsbox/lvsbox.conf"):
    assert open(os.path.join(sys.argv[2], f), "rb").read() in body, f + " not carried whole"
PY
	then ok "$arch: ADBd + raw deflate of ADB.pckg, carrying the .ipk's binary, init script and config byte for byte"
	else fail "$arch: the .apk's outer format"; fi
	[ -n "$apk" ] || continue

	"$apk" adbdump "$pkg" >"$d/dump" 2>&1 || { fail "$arch: apk adbdump cannot read the package"; sed 's/^/#   /' "$d/dump" | head; continue; }
	ok "$arch: apk adbdump reads the package"
	info() { sed -n "/^info:/,/^[a-z]/s/^  $1: //p" "$d/dump"; }
	check_eq "$arch: name" lvsbox "$(info name)"
	check_eq "$arch: version" "$version" "$(info version)"
	check_eq "$arch: arch is OpenWrt's name for the target" "${owarch[$arch]}" "$(info arch)"
	check_eq "$arch: depends on kmod-nf-ipvs only" "kmod-nf-ipvs" "$(sed -n '/^  depends:/,/^  [a-z]/s/^    - //p' "$d/dump")"
	check_eq "$arch: scripts post-install, pre-deinstall, post-upgrade" "post-install pre-deinstall post-upgrade" \
		"$(sed -n '/^scripts:/,/^[a-z#]/s/^  \([a-z-]*\): .*/\1/p' "$d/dump" | tr '\n' ' ' | sed 's/ $//')"

	mkdir -p "$d/x"
	if "$apk" extract --allow-untrusted --destination "$d/x" "$pkg" >"$d/extract.log" 2>&1; then
		ok "$arch: apk extract unpacks the package"
	else fail "$arch: apk extract"; sed 's/^/#   /' "$d/extract.log"; continue; fi
	check_eq "$arch: the extracted tree, modes, owners and applet symlinks" "$expect_tree" "$(tree "$d/x")"
	if diff -r --no-dereference "$d/ipkdata" "$d/x" | grep -vx "Only in $d/x: lib" | grep -q .; then
		fail "$arch: files differ from the .ipk's"; diff -r --no-dereference "$d/ipkdata" "$d/x" | sed 's/^/#   /' | head
	else ok "$arch: every file the .ipk has is in the .apk with the same bytes"; fi
	check_eq "$arch: lvsbox.list names every file and symlink" "$expect_list" "$(cat "$d/x/lib/apk/packages/lvsbox.list")"
	check_eq "$arch: lvsbox.conffiles" /etc/lvsbox/lvsbox.conf "$(cat "$d/x/lib/apk/packages/lvsbox.conffiles")"
	check_eq "$arch: lvsbox.conffiles_static has the shipped config's SHA-256" \
		"/etc/lvsbox/lvsbox.conf $(sha256sum <platform/openwrt/lvsbox.conf | cut -d' ' -f1)" \
		"$(cat "$d/x/lib/apk/packages/lvsbox.conffiles_static")"

	# Install into a scratch root; apk runs the scripts chrooted there.
	r=$d/root
	mkdir -p "$r/etc/apk" "$r/bin" "$d/empty"
	echo "${owarch[$arch]}" >"$r/etc/apk/arch"
	cp /bin/busybox "$r/bin/busybox" && ln -s busybox "$r/bin/sh"
	# A stand-in for OpenWrt's /lib/functions.sh (not OpenWrt's own): it
	# records how the package's scripts call default_postinst/default_prerm.
	mkdir -p "$r/lib"
	printf '%s\n' 'default_postinst() { echo "postinst pkgname=$pkgname root=$root" >>/scripts.called; }' \
		'default_prerm() { echo "prerm pkgname=$pkgname root=$root" >>/scripts.called; }' >"$r/lib/functions.sh"
	"$apk" mkpkg --info name:kmod-nf-ipvs --info version:6.6.0-r1 --info "arch:${owarch[$arch]}" \
		--files "$d/empty" --output "$d/kmod-nf-ipvs.apk" >/dev/null 2>&1 || fail "$arch: apk mkpkg cannot make the stand-in kmod-nf-ipvs"
	mkdir -p "$d/root0/etc/apk"
	cp "$r/etc/apk/arch" "$d/root0/etc/apk/arch"
	if "$apk" --root "$d/root0" --initdb --no-network --allow-untrusted add "$pkg" >"$d/add0.log" 2>&1; then
		fail "$arch: apk add installed lvsbox without kmod-nf-ipvs"
	else grep -q 'kmod-nf-ipvs' "$d/add0.log" && ok "$arch: apk add refuses lvsbox without kmod-nf-ipvs" ||
		{ fail "$arch: apk add failed for another reason"; sed 's/^/#   /' "$d/add0.log"; }; fi
	if "$apk" --root "$r" --initdb --no-network --allow-untrusted add "$d/kmod-nf-ipvs.apk" "$pkg" >"$d/add.log" 2>&1; then
		ok "$arch: apk add installs lvsbox and its dependency into a scratch root, post-install exiting 0"
	else fail "$arch: apk add"; sed 's/^/#   /' "$d/add.log"; fi
	check_eq "$arch: post-install called default_postinst with pkgname (stand-in functions.sh)" \
		"postinst pkgname=lvsbox root=" "$(cat "$r/scripts.called" 2>/dev/null)"
	check_eq "$arch: the installed files are the package's" "$(sed 1d <<<"$expect_tree")" \
		"$(cd "$r" && tree . | grep -E ' \./(etc|lib|usr)' | grep -v -e ' ./etc/apk' -e ' ./lib/apk/db' -e ' ./lib/apk/exec' -e ' ./lib/functions.sh')"
	check_eq "$arch: apk's database lists lvsbox $version as installed for ${owarch[$arch]}" \
		"lvsbox-$version ${owarch[$arch]} {lvsbox} () [installed]" \
		"$("$apk" --root "$r" --no-network list --installed 2>/dev/null | grep '^lvsbox-')"

	# The same fields and the same tree through apk mkpkg must give the same
	# package; the scripts are the ones apk stored on install.
	mkdir -p "$d/scripts"
	tar -xzf "$r/lib/apk/db/scripts.tar.gz" -C "$d/scripts" 2>/dev/null
	sargs=()
	for s in post-install pre-deinstall post-upgrade; do
		f=$(ls "$d/scripts"/*."$s" 2>/dev/null | head -1)
		[ -n "$f" ] && sargs+=(--script "$s:$f")
	done
	find "$d/x" -exec touch -h -d "@$(info build-time)" {} +
	if "$apk" mkpkg --files "$d/x" --info name:lvsbox --info "version:$version" --info "arch:${owarch[$arch]}" \
		--info "description:$(sed -n '/^  description:/{n;s/^ *//;p}' "$d/dump")" --info origin:lvsbox \
		--info "build-time:$(info build-time)" --info depends:kmod-nf-ipvs "${sargs[@]}" \
		--output "$d/ref.apk" >"$d/mkpkg.log" 2>&1; then
		"$apk" adbdump "$d/ref.apk" >"$d/ref.dump" 2>&1
		strip_id() { grep -v -e '^# ADB block' -e '^  hashes: ' "$1"; }
		if diff <(strip_id "$d/ref.dump") <(strip_id "$d/dump") >"$d/diff"; then
			ok "$arch: apk mkpkg writes the same package from the same tree and fields"
		else fail "$arch: apk mkpkg's package differs"; sed 's/^/#   /' "$d/diff" | head -20; fi
	else fail "$arch: apk mkpkg on the extracted tree"; sed 's/^/#   /' "$d/mkpkg.log"; fi

	echo '! changed by the user' >>"$r/etc/lvsbox/lvsbox.conf"
	if "$apk" --root "$r" --no-network del lvsbox >"$d/del.log" 2>&1 && [ ! -e "$r/usr/sbin/lvsbox" ] && [ ! -L "$r/usr/sbin/lvsd" ]; then
		ok "$arch: apk del removes the binary and its symlinks"
	else fail "$arch: apk del"; sed 's/^/#   /' "$d/del.log"; fi
	check_eq "$arch: pre-deinstall called default_prerm with pkgname (stand-in functions.sh)" \
		"prerm pkgname=lvsbox root=" "$(sed -n 2p "$r/scripts.called" 2>/dev/null)"
	[ -f "$r/etc/lvsbox/lvsbox.conf" ] && ok "$arch: apk del leaves the user's changed config behind" ||
		fail "$arch: apk del removed the user's changed config"
done
