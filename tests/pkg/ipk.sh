#!/bin/bash
# ipk.sh - the .ipk OpenWrt 24.10's opkg installs, taken apart with GNU tar
# and gzip (Debian's dpkg-deb reads only ar archives, and an .ipk is a tar):
# the outer members and their order, debian-binary, every control field
# opkg reads, conffiles, the maintainer scripts, the installed tree with
# modes, owners and symlinks, the binary's ELF type (file(1)), the default
# config accepted by `lvsd -t`, and that a rebuild is byte-identical.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
tmp=$(mktemp -d /tmp/lvsbox-ipk.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
version=$(sed -n 's/^#define LVSBOX_VERSION "\(.*\)"$/\1/p' core/base/version.h)-r1
declare -A owarch=([x86_64]=x86_64 [mipsel]=mipsel_24kc [mips]=mips_24kc [armhf]=arm_cortex-a7_neon-vfpv4 [aarch64]=aarch64_generic)
declare -A elf=([x86_64]="ELF 64-bit LSB executable, x86-64" [mipsel]="ELF 32-bit LSB executable, MIPS" [mips]="ELF 32-bit MSB executable, MIPS" [armhf]="ELF 32-bit LSB executable, ARM" [aarch64]="ELF 64-bit LSB executable, ARM aarch64")

# listing TARBALL: "mode owner name[ -> target]" per member, as GNU tar shows them.
listing() {
	tar --numeric-owner -tvzf "$1" | awk '{ s = $1 " " $2 " " $6; for (i = 7; i <= NF; i++) s = s " " $i; print s }'
}

# The tree the package installs, written out by hand from docs/openwrt.md.
expect_data="drwxr-xr-x 0/0 ./
drwxr-xr-x 0/0 ./etc/
drwxr-xr-x 0/0 ./etc/init.d/
-rwxr-xr-x 0/0 ./etc/init.d/lvsbox
drwxr-xr-x 0/0 ./etc/lvsbox/
-rw-r--r-- 0/0 ./etc/lvsbox/lvsbox.conf
drwxr-xr-x 0/0 ./usr/
drwxr-xr-x 0/0 ./usr/libexec/
drwxr-xr-x 0/0 ./usr/libexec/rpcd/
-rwxr-xr-x 0/0 ./usr/libexec/rpcd/keepalived
drwxr-xr-x 0/0 ./usr/sbin/
lrwxrwxrwx 0/0 ./usr/sbin/checkd -> lvsbox
-rwxr-xr-x 0/0 ./usr/sbin/lvsbox
lrwxrwxrwx 0/0 ./usr/sbin/lvsctl -> lvsbox
lrwxrwxrwx 0/0 ./usr/sbin/lvsd -> lvsbox
lrwxrwxrwx 0/0 ./usr/sbin/rsctl -> lvsbox
lrwxrwxrwx 0/0 ./usr/sbin/vrrpd -> lvsbox"

for arch in $PKG_ARCHES; do
	ipk=build/$arch/openwrt/lvsbox_${version}_${owarch[$arch]}.ipk
	if [ ! -f "$ipk" ]; then fail "$arch: $ipk was not written"; continue; fi
	d=$tmp/$arch
	mkdir -p "$d/outer" "$d/control" "$d/data"
	check_eq "$arch: the outer gzip'd tar holds debian-binary, data.tar.gz, control.tar.gz in that order, owned by 0/0" \
		"./debian-binary 0/0
./data.tar.gz 0/0
./control.tar.gz 0/0" "$(tar --numeric-owner -tvzf "$ipk" | awk '{ print $6, $2 }')"
	tar -xzf "$ipk" -C "$d/outer" || { fail "$arch: tar cannot unpack $ipk"; continue; }
	check_eq "$arch: debian-binary is 2.0" "2.0" "$(cat "$d/outer/debian-binary")"
	tar -xzf "$d/outer/control.tar.gz" -C "$d/control" && tar -xzf "$d/outer/data.tar.gz" -C "$d/data" ||
		{ fail "$arch: cannot unpack the inner tarballs"; continue; }

	c=$d/control/control
	field() { sed -n "s/^$1: //p" "$c"; }
	check_eq "$arch: control has each field once, in a Debian control paragraph" \
		"Architecture Conflicts Depends Description Installed-Size Package Section Source SourceName Version" \
		"$(grep -o '^[A-Za-z-]*:' "$c" | tr -d : | sort | tr '\n' ' ' | sed 's/ $//')"
	check_eq "$arch: Package" lvsbox "$(field Package)"
	check_eq "$arch: Version is lvsbox's version with release -r1" "$version" "$(field Version)"
	check_eq "$arch: Depends on OpenWrt's IPVS kernel modules" kmod-nf-ipvs "$(field Depends)"
	check_eq "$arch: Conflicts with OpenWrt's keepalived package, whose rpcd plugin it also ships" \
		keepalived "$(field Conflicts)"
	check_eq "$arch: Architecture is OpenWrt's name for the target" "${owarch[$arch]}" "$(field Architecture)"
	check_eq "$arch: Installed-Size is the size of the uncompressed data tar" \
		"$(gzip -dc "$d/outer/data.tar.gz" | wc -c)" "$(field Installed-Size)"
	check_eq "$arch: Section" net "$(field Section)"
	if [ -n "$(field Description)" ] && [ "$(tail -c1 "$c" | od -An -c | tr -d ' ')" = '\n' ]; then
		ok "$arch: Description present and control ends with a newline"
	else fail "$arch: Description missing or control not newline-terminated"; fi
	check_eq "$arch: control.tar.gz holds control, conffiles, postinst, prerm with their modes" \
		"drwxr-xr-x 0/0 ./
-rw-r--r-- 0/0 ./conffiles
-rw-r--r-- 0/0 ./control
-rwxr-xr-x 0/0 ./postinst
-rwxr-xr-x 0/0 ./prerm" "$(listing "$d/outer/control.tar.gz")"
	check_eq "$arch: the default config is a conffile" /etc/lvsbox/lvsbox.conf "$(cat "$d/control/conffiles")"
	for s in postinst prerm; do
		if busybox sh -n "$d/control/$s" && head -1 "$d/control/$s" | grep -qx '#!/bin/sh' &&
			grep -q "^default_$s \"\$0\" \"\$@\"\$" "$d/control/$s"; then
			ok "$arch: $s is a /bin/sh script busybox ash parses, calling OpenWrt's default_$s"
		else fail "$arch: $s"; sed 's/^/#   /' "$d/control/$s"; fi
	done

	check_eq "$arch: data.tar.gz: the tree, modes, owners and applet symlinks" "$expect_data" "$(listing "$d/outer/data.tar.gz")"
	ft=$(file -b "$d/data/usr/sbin/lvsbox")
	case $ft in
	"${elf[$arch]}"*"statically linked"*", stripped") ok "$arch: /usr/sbin/lvsbox is a static, stripped ${elf[$arch]}" ;;
	*) fail "$arch: /usr/sbin/lvsbox is: $ft" ;;
	esac
	cmp -s platform/openwrt/lvsbox.init "$d/data/etc/init.d/lvsbox" && cmp -s platform/openwrt/lvsbox.conf "$d/data/etc/lvsbox/lvsbox.conf" &&
		ok "$arch: init script and config are the ones in platform/openwrt" || fail "$arch: init script or config differ from platform/openwrt"

	cp "$ipk" "$d/first.ipk"
	make -s --no-print-directory ARCH="$arch" ipk >/dev/null 2>&1
	cmp -s "$d/first.ipk" "$ipk" && ok "$arch: a rebuild writes the same bytes" || fail "$arch: a rebuild differs"
done

# The x86_64 binary runs here: the config the package ships must load.
if [ -d "$tmp/x86_64/data" ]; then
	out=$("$tmp/x86_64/data/usr/sbin/lvsd" -t -f "$tmp/x86_64/data/etc/lvsbox/lvsbox.conf" 2>&1)
	check_eq "x86_64: the packaged lvsd -t accepts the packaged default config (exit 0)" "0" "$?"
	[ -z "$out" ] || echo "$out" | sed 's/^/#   /'
	check_eq "x86_64: /usr/sbin/lvsd runs as the lvsd applet" "lvsd (lvsbox) ${version%-r1}" \
		"$("$tmp/x86_64/data/usr/sbin/lvsd" --version 2>&1 | head -1)"
fi
