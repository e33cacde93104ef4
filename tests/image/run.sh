#!/bin/bash
# Image suite: the appliance image (rootfs/, make image) boots on the boards
# it is made for under qemu-system (TCG), and its init starts lvsd, which
# programs IPVS as the config says.
#
# For each arch the image is built with tests/image/overlay/ over it (a test
# config in /etc/lvsbox/lvsbox.conf, and an rc.local hook that prints
# lvsctl -Ln between marker lines on the serial console and powers off), then
# booted once with no network card, bounded by a timeout. The expected table
# is the real ipvsadm's -Ln after tests/image/expected.cmds (the same config
# as ipvsadm commands), on Debian's x86_64 kernel (tests/vm/vm-run.sh).
# Services are compared sorted: the kernel lists them in hash order, which
# depends on where it allocated the namespace. The plain x86_64 image is
# also booted as make run does, and driven from its serial console. Each
# overlaid image whose board has a disk (rootfs/boards.sh: x86_64, aarch64,
# armhf) is booted a second time from its squashfs, through stage1
# (IMAGE_ROOT=squashfs) and with qemu's user network, where / must be that
# read-only squashfs and DHCP must work; the x86_64 one a third time with
# the squashfs cut in half, where stage1 must say so and reboot.
# IMAGE_ARCHES picks arches (default x86_64 aarch64 armhf mipsel);
# IMAGE_TIMEOUT bounds each boot (default 150 s). Two guests run at a time.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh

arches=${IMAGE_ARCHES:-"x86_64 aarch64 armhf mipsel"}
boot_timeout=${IMAGE_TIMEOUT:-150}
work=build/image-test
mark=@@image@@
rm -rf "$work"
mkdir -p "$work"
[ "$(id -u)" = 0 ] || die_suite "image: needs root (device nodes in the image, packages)"
toolchain/deps.sh build cross image vm >"$work/deps.log" 2>&1 || { sed 's/^/#   /' "$work/deps.log"; die_suite "image: cannot install the image packages"; }
start=$SECONDS

(VM_SMP=1 VM_MEM=256M tests/vm/vm-run.sh tests/image/oracle.sh tests/image/expected.cmds >"$work/oracle.txt" 2>"$work/oracle.err"
	echo $? >"$work/oracle.rc") &
oracle_pid=$!

# boot NAME ARCH DIR [VAR=VALUE...]: one guest of the image in DIR, with no
# network card unless a VAR says otherwise, its console into
# $work/NAME.console.
boot() {
	local name=$1 arch=$2 dir=$3 t=$SECONDS
	shift 3
	env IMAGE_NIC=none "$@" timeout "$boot_timeout" rootfs/qemu.sh "$arch" "$dir" </dev/null >"$work/$name.console" 2>&1
	echo "$? $((SECONDS - t))" >"$work/$name.rc"
}

# has_disk ARCH: the arch's board boots a squashfs from a disk.
has_disk() { (. rootfs/boards.sh && board "$1" >/dev/null 2>&1 && [ -n "$BOARD_DISK" ]); }

# at most two guests at a time (each boot ends within its timeout)
boot_slot() {
	while [ "$(for p in "${boots[@]}"; do kill -0 "$p" 2>/dev/null && echo; done | wc -l)" -ge 2 ]; do sleep 1; done
}

# shell_boot: what make run does with the plain x86_64 image (no overlay,
# qemu's user network): types a command on the serial console until the
# shell answers it (keys sent while the shell starts may be lost), then
# poweroff. Console into $work/shell.console.
shell_boot() {
	local t=$SECONDS i=0 fifo=$work/shell.in qpid
	mkfifo "$fifo"
	timeout "$boot_timeout" rootfs/qemu.sh x86_64 "$work/plain" <"$fifo" >"$work/shell.console" 2>&1 &
	qpid=$!
	exec 8>"$fifo"
	while [ $i -lt "$boot_timeout" ] && kill -0 $qpid 2>/dev/null && ! grep -q '^rcS: up' "$work/shell.console"; do
		sleep 1; i=$((i + 1))
	done
	i=0
	while [ $i -lt 20 ] && kill -0 $qpid 2>/dev/null && ! tr -d '\r' <"$work/shell.console" | grep -q '^@@shell 42 lvsbox$'; do
		printf 'echo @@shell $((6 * 7)) $(hostname)\n' >&8
		sleep 2; i=$((i + 1))
	done
	printf 'poweroff\n' >&8
	wait $qpid
	echo "$? $((SECONDS - t))" >"$work/shell.rc"
	exec 8>&-
}

built=""
boots=()
for arch in $arches; do
	if ! make --no-print-directory -j2 ARCH="$arch" image IMAGE_OUT="$work/$arch" IMAGE_OVERLAY=tests/image/overlay \
		>"$work/$arch.build" 2>&1; then
		fail "$arch: make image (see $work/$arch.build)"
		tail -n 10 "$work/$arch.build" | sed 's/^/#   /'
		continue
	fi
	ok "$arch: make image builds the initramfs and the squashfs ($(tail -n 1 "$work/$arch.build" | sed 's/.*kernel //'))"
	built="$built $arch"
	boot_slot
	boot "$arch" "$arch" "$work/$arch" &
	boots+=($!)
	# The same image's squashfs as a flashed router boots it: through
	# stage1 from a read-only disk, with qemu's user network so DHCP writes
	# /etc/resolv.conf.
	if has_disk "$arch"; then
		boot_slot
		boot "squashfs-$arch" "$arch" "$work/$arch" IMAGE_ROOT=squashfs IMAGE_NIC= &
		boots+=($!)
	fi
	[ "$arch" = x86_64 ] || continue
	# Then the squashfs cut to half its size on that disk.
	mkdir -p "$work/truncated"
	ln -sf ../x86_64/vmlinuz ../x86_64/stage1.cpio.gz "$work/truncated/"
	truncated_size=$(($(stat -c %s "$work/x86_64/rootfs.squashfs") / 2 / 4096 * 4096))
	head -c "$truncated_size" "$work/x86_64/rootfs.squashfs" >"$work/truncated/rootfs.squashfs"
	boot_slot
	boot truncated x86_64 "$work/truncated" IMAGE_ROOT=squashfs &
	boots+=($!)
	if ! make --no-print-directory -j2 ARCH=x86_64 image IMAGE_OUT="$work/plain" >"$work/plain.build" 2>&1; then
		fail "x86_64: make image without an overlay (see $work/plain.build)"
		continue
	fi
	boot_slot
	shell_boot &
	boots+=($!)
done
wait

if [ -f "$work/shell.rc" ]; then
	read -r rc secs <"$work/shell.rc"
	tr -d '\r' <"$work/shell.console" >"$work/shell.clean"
	check_eq "x86_64: the plain image (make run) takes eth0 from qemu's DHCP and starts no lvsd without a config" \
		"rcS: eth0 10.0.2.15/24 by DHCP|rcS: no /etc/lvsbox/lvsbox.conf, lvsd not started (examples in /etc/lvsbox/examples)" \
		"$(grep -E '^rcS: (eth0|no /etc|lvsd)' "$work/shell.clean" | paste -sd'|')"
	check_eq "x86_64: a shell answers on the serial console and poweroff ends qemu (${secs} s)" "yes 0" \
		"$(grep -q '^@@shell 42 lvsbox$' "$work/shell.clean" && echo yes || echo no) $rc"
fi

# The squashfs holds the same tree as the initramfs.
for arch in $built; do
	if command -v unsquashfs >/dev/null &&
		[ "$(unsquashfs -l "$work/$arch/rootfs.squashfs" 2>/dev/null | sed 's|^squashfs-root||' | grep . | LC_ALL=C sort)" = \
		  "$(cd "$work/$arch/stage" && find . -mindepth 1 | sed 's|^\.||' | LC_ALL=C sort)" ]; then
		ok "$arch: the squashfs lists the same files as the initramfs tree"
	else
		fail "$arch: the squashfs and the initramfs tree differ"
	fi
done

oracle_rc=$(cat "$work/oracle.rc" 2>/dev/null)
if [ "$oracle_rc" != 0 ] || ! grep -q '^IP Virtual Server' "$work/oracle.txt"; then
	sed 's/^/#   /' "$work/oracle.err" | tail -n 20
	die_suite "image: the reference table from ipvsadm on x86_64 (vm-run.sh exit $oracle_rc)"
fi
ipvs_sorted <"$work/oracle.txt" >"$work/expected.txt"

# console_says NAME PATTERN WHAT: boot NAME's console (without its CRs in
# $work/NAME.clean; qemu's exit status and seconds left in rc and secs) has
# a line matching PATTERN. Its last lines are shown when not.
console_says() {
	read -r rc secs <"$work/$1.rc"
	tr -d '\r' <"$work/$1.console" >"$work/$1.clean"
	if grep -q "$2" "$work/$1.clean"; then
		ok "$3 (qemu exit $rc after $secs s)"
		return 0
	fi
	fail "$3: not on the console (qemu exit $rc after $secs s)"
	grep -v '^\s*$' "$work/$1.clean" | tail -n 20 | sed 's/^/#   /'
	return 1
}

# check_boot NAME WHAT: the overlaid image's boot NAME started lvsd, and its
# table is the reference one. Returns non-zero when lvsd did not start.
check_boot() {
	local name=$1 what=$2 rc secs
	console_says "$name" '^rcS: lvsd started from /etc/lvsbox/lvsbox.conf' \
		"$what: boots and its init starts lvsd from /etc/lvsbox/lvsbox.conf" || return 1
	check_eq "$what: init loaded every module of /etc/lvsbox/modules and the board's" "" \
		"$(grep '^rcS: modules failed' "$work/$name.clean")"
	sed -n "/^$mark table begin/,/^$mark table end/p" "$work/$name.clean" | sed '1d;$d' | ipvs_sorted >"$work/$name.table"
	if cmp -s "$work/expected.txt" "$work/$name.table"; then
		ok "$what: lvsctl -Ln in the guest prints what ipvsadm prints for the config's table"
	else
		fail "$what: lvsctl -Ln in the guest differs from ipvsadm's table for the config"
		diff -u "$work/expected.txt" "$work/$name.table" | head -n 30 | sed 's/^/#   /'
		sed -n "/^$mark log/,/^$mark done/p" "$work/$name.clean" | tail -n 15 | sed 's/^/#   /'
	fi
	check_eq "$what: lvsd still runs after programming IPVS, and the guest powers off" "running 0" \
		"$(sed -n "s/^$mark lvsd //p" "$work/$name.clean") $rc"
	# busybox's syslogd stamps the time itself and reads facility, level and tag
	local line
	line=$(sed -n "s/^$mark syslog //p" "$work/$name.clean")
	if printf '%s\n' "$line" | grep -Eq '^[A-Z][a-z]{2} [ 0-9][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2} [^ ]+ daemon\.[a-z]+ lvsd\[[0-9]+\]: [^ ]'; then
		ok "$what: lvsd's syslog lines reach busybox syslogd, stamped with the time, as daemon.LEVEL lvsd[PID]"
	else
		fail "$what: lvsd's syslog lines reach busybox syslogd, stamped with the time, as daemon.LEVEL lvsd[PID] ('$line')"
	fi
}

for arch in $built; do
	check_boot "$arch" "$arch"
done

for arch in $built; do
	sq=squashfs-$arch
	has_disk "$arch" || continue
	[ -f "$work/$sq.rc" ] || { fail "$arch squashfs: the boot left no record ($work/$sq.rc)"; continue; }
	check_boot "$sq" "$arch squashfs" || continue
	# /proc/mounts: device, mount point, type, options
	check_eq "$arch squashfs: / is the squashfs on the virtio disk, mounted read-only" "/dev/vda / squashfs ro" \
		"$(sed -n "s/^$mark root //p" "$work/$sq.clean" | awk '{ split($4, o, ","); print $1, $2, $3, o[1] }')"
	check_eq "$arch squashfs: a write to / is refused" "touch: /.write-test: Read-only file system" \
		"$(sed -n "s/^$mark write //p" "$work/$sq.clean")"
	# qemu's user network: the guest is 10.0.2.15, the DNS server 10.0.2.3
	check_eq "$arch squashfs: eth0 gets its DHCP lease and /etc/resolv.conf its DNS server on the read-only root" \
		"rcS: eth0 10.0.2.15/24 by DHCP|nameserver 10.0.2.3" \
		"$(grep '^rcS: eth0' "$work/$sq.clean")|$(sed -n "s/^$mark resolv //p" "$work/$sq.clean" | sed 's/ *$//')"
done

if [ -f "$work/truncated.rc" ]; then
	console_says truncated "stage1: the squashfs on /dev/vda is truncated: .* the device has $truncated_size\$" \
		"x86_64 squashfs cut to $truncated_size bytes: stage1 says on the console that it is truncated"
	# qemu runs with -no-reboot: stage1's reboot ends it; 124 is timeout's
	check_eq "x86_64 squashfs cut short: the guest reboots by itself, starting nothing from it" "0 no rcS" \
		"$rc $(grep -q '^rcS:' "$work/truncated.clean" && echo rcS ran || echo no rcS)"
fi
echo "# image suite: $((SECONDS - start)) s"
