#!/bin/bash
# malta.sh - part 3 of the cross suite: boots the mipsel lvsbox under
# qemu-system-mipsel -M malta with Debian's 4kc-malta kernel and an initramfs
# whose /init is tests/cross/malta_init.c; it loads the IPVS modules and runs
# tests/cross/ipvs-commands with lvsctl. The same commands run with the real
# ipvsadm on Debian's x86_64 kernel (tests/vm/vm-run.sh); each command's
# output and exit status must match, and so must the kernel's own
# /proc/net/ip_vs, which tells whether lvsctl's netlink messages were laid
# out right on a 32-bit little-endian MIPS.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
. toolchain/apt.sh
. toolchain/kernel.sh

work=build/cross/malta
commands=tests/cross/ipvs-commands
mark=@@lvsbox@@
rm -rf "$work"
mkdir -p "$work"

# build_initramfs: init, lvsbox with its applet links, modules, commands.
build_initramfs() {
	local stage=$work/initramfs path paths base
	mkdir -p "$stage"/{bin,dev,modules}
	cp build/mipsel/tests/malta_init "$stage/init"
	cp build/mipsel/lvsbox "$stage/bin/lvsbox"
	for a in lvsctl ipvsadm; do ln -s lvsbox "$stage/bin/$a"; done
	mknod -m 600 "$stage/dev/console" c 5 1
	cp "$commands" "$stage/commands"
	# libcrc32c asks for crc32c, and a bare initramfs has no modprobe to
	# answer the kernel's request: load crc32c_generic first. Schedulers are
	# loaded up front for the same reason.
	paths=$(kmod_closure "$moddir" crc32c_generic ip_vs ip_vs_rr ip_vs_wlc) || return 1
	for path in $paths; do
		base=$(basename "$path"); base=${base%%.ko*}.ko
		case "$path" in
		*.ko.xz) xz -dc "$moddir/$path" ;;
		*.ko) cat "$moddir/$path" ;;
		*) echo "malta.sh: cannot unpack $path" >&2; return 1 ;;
		esac >"$stage/modules/$base" || return 1
		echo "$base" >>"$stage/modules/order"
	done
	(cd "$stage" && find . | cpio -o -H newc --quiet) | gzip -1 >"$work/initramfs.cpio.gz"
}

# split_transcript FILE DIR: one file per command, DIR/NNN, holding the
# command line, its output and its exit status; console \r removed.
split_transcript() {
	mkdir -p "$2"
	tr -d '\r' <"$1" | awk -v dir="$2" -v mark="$mark" '
		index($0, mark " begin ") == 1 { n++; f = sprintf("%s/%03d", dir, n); print substr($0, length(mark) + 8) >f; next }
		index($0, mark " end ") == 1 { if (f) { print substr($0, length(mark) + 6) >f; close(f) } f = ""; next }
		f { print >f }'
}

if ! make --no-print-directory -j2 ARCH=mipsel all malta-init >"$work/build.log" 2>&1; then
	tail -n 15 "$work/build.log" | sed 's/^/#   /'
	die_suite "mipsel malta: cannot build lvsbox and malta_init for mipsel"
fi
kroot=$(kernel_root mipsel 2>"$work/fetch.log") || { sed 's/^/#   /' "$work/fetch.log"; die_suite "mipsel malta: cannot fetch Debian's 4kc-malta kernel"; }
kver=$(kernel_version "$kroot")
kernel=$kroot/boot/vmlinuz-$kver
moddir=$kroot/lib/modules/$kver
command -v qemu-system-mipsel >/dev/null || die_suite "mipsel malta: qemu-system-mipsel missing"
build_initramfs 2>"$work/initramfs.log" || { sed 's/^/#   /' "$work/initramfs.log"; die_suite "mipsel malta: cannot build the initramfs"; }

# The oracle boots its own guest; both run at once to save time.
tests/vm/vm-run.sh tests/cross/ipvs-oracle.sh "$commands" >"$work/oracle.txt" 2>"$work/oracle.err" &
oracle_pid=$!

timeout 120 qemu-system-mipsel -M malta -m 256 -nographic -no-reboot -nic none \
	-kernel "$kernel" -initrd "$work/initramfs.cpio.gz" \
	-append "console=ttyS0 rdinit=/init loglevel=1 panic=-1" \
	</dev/null >"$work/console.txt" 2>&1
qemu_rc=$?
wait "$oracle_pid"
oracle_rc=$?

tr -d '\r' <"$work/console.txt" >"$work/console.clean"
if grep -q "^$mark init started" "$work/console.clean"; then
	ok "mipsel malta: Debian's 4kc-malta kernel boots the static musl init"
else
	fail "mipsel malta: the init never started (qemu exit $qemu_rc)"
	tail -n 20 "$work/console.clean" | sed 's/^/#   /'
	exit 1
fi
check_eq "mipsel malta: the guest ran every command and powered off" "0 yes" \
	"$qemu_rc $(grep -q "^$mark done" "$work/console.clean" && echo yes || echo no)"
failed_modules=$(grep "^$mark module .* failed" "$work/console.clean")
check_eq "mipsel malta: crc32c_generic, nf_conntrack and IPVS modules load" "" "$failed_modules"

if [ "$oracle_rc" != 0 ] || ! grep -q "^$mark done" "$work/oracle.txt"; then
	fail "mipsel malta: reference transcript from ipvsadm on x86_64 (vm-run.sh exit $oracle_rc)"
	tail -n 20 "$work/oracle.err" | sed 's/^/#   /'
	exit 1
fi
split_transcript "$work/console.clean" "$work/mipsel"
split_transcript "$work/oracle.txt" "$work/x86_64"
for ref in "$work"/x86_64/*; do
	n=$(basename "$ref")
	cmd=$(head -n 1 "$ref")
	got=$work/mipsel/$n
	if [ ! -f "$got" ]; then
		fail "mipsel malta: '$cmd' never ran in the guest"
		continue
	fi
	if [[ $cmd == "cat /proc/net/ip_vs" ]]; then
		ipvs_sorted <"$ref" >"$ref.canon"
		ipvs_sorted <"$got" >"$got.canon"
		ref=$ref.canon got=$got.canon
		what="kernel's /proc/net/ip_vs after $((10#$n - 1)) commands"
	else
		what="'$cmd' prints and exits as ipvsadm does on x86_64"
	fi
	if cmp -s "$ref" "$got"; then
		ok "mipsel malta: $what"
	else
		fail "mipsel malta: $what"
		diff -u "$ref" "$got" | head -n 30 | sed 's/^/#   /'
	fi
done
