#!/bin/bash
# vm-run.sh - runs one script as root inside a qemu guest whose kernel has IPVS.
#
# Usage: tests/vm/vm-run.sh SCRIPT [ARGS...]
#
# The host kernel has no IPVS, Debian's linux-image-amd64 has it. The guest
# boots that kernel with a tiny busybox initramfs (built here, into build/vm/),
# mounts the host's root read-only over 9p, mounts the repository's build/
# read-write at the same path, chroots into the host's root with fresh tmpfs
# on /tmp and /run, loads the IPVS modules (tests/vm/guest-stage2.sh) and runs
# SCRIPT with ARGS from the repository root. Its stdout and stderr stream to
# our stdout; the exit status is SCRIPT's.
#
# Environment:
#   VM_TIMEOUT  seconds before a hung guest is killed (default 600); exit 124
#   VM_MEM      guest memory (default 1G)     VM_SMP  vCPUs (default 2)
#   VM_CPU      qemu -cpu model (default qemu64, measured faster under TCG
#               here than "max")
#   VM_APPEND   extra kernel command line
#   VM_ENV      names of host variables to export into the guest, e.g. "A B"
#   VM_KEEP=1   keep build/vm/runs/<id>/ (console log) even on success;
#               a failed run always keeps it
# SCRIPT must be visible in the guest: anywhere on the host except /tmp, /run.
# Exit 125 means the guest never reported a status (boot failure); the tail
# of the kernel console is printed on stderr then.
set -u
repo=$(cd "$(dirname "$0")/../.." && pwd) || exit 2
[ $# -ge 1 ] || { echo "usage: $0 SCRIPT [ARGS...]" >&2; exit 2; }

timeout_s=${VM_TIMEOUT:-600}
mem=${VM_MEM:-1G}
smp=${VM_SMP:-2}
vmdir=$repo/build/vm

die() { echo "vm-run: $*" >&2; exit 125; }

"$repo/toolchain/deps.sh" vm || die "cannot install the vm packages"

# The kernel version is whatever linux-image-amd64 installed: the newest that
# has both modules and a vmlinuz (toolchain/kernel.sh).
. "$repo/toolchain/apt.sh"
. "$repo/toolchain/kernel.sh"
kver=$(kernel_version /) || die "no /boot/vmlinuz-* with matching /lib/modules/*"
kernel=/boot/vmlinuz-$kver
moddir=/lib/modules/$kver

# Modules the initramfs needs to reach the 9p root; kmod_closure
# (toolchain/kernel.sh) adds their dependencies from modules.dep.
initrd_modules="virtio virtio_ring virtio_pci 9pnet 9pnet_virtio netfs 9p"

# build_initramfs OUT: busybox, the 9p modules uncompressed, and /init.
build_initramfs() {
	local out=$1 stage order=() line
	stage=$(mktemp -d "$vmdir/initramfs.XXXXXX") || return 1
	mkdir -p "$stage"/{bin,dev,proc,sys,newroot,modules}
	cp /bin/busybox "$stage/bin/busybox" || return 1
	# Insertion order: dependencies before dependants, each module once.
	order=($(kmod_closure "$moddir" $initrd_modules)) || return 1
	: >"$stage/modules/order"
	for line in "${order[@]}"; do
		local base
		base=$(basename "$line"); base=${base%%.ko*}.ko
		case "$line" in
		*.ko.xz) xz -dc "$moddir/$line" >"$stage/modules/$base" ;;
		*.ko.zst) zstd -qdc "$moddir/$line" >"$stage/modules/$base" ;;
		*.ko.gz) gzip -dc "$moddir/$line" >"$stage/modules/$base" ;;
		*) cp "$moddir/$line" "$stage/modules/$base" ;;
		esac || return 1
		echo "$base" >>"$stage/modules/order"
	done
	cat >"$stage/init" <<'EOF'
#!/bin/busybox sh
# Guest stage 1: reach the host's root over 9p, then hand over to stage 2.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
echo 1 >/proc/sys/kernel/printk
for m in $(cat /modules/order); do insmod /modules/$m || echo "init: insmod $m failed"; done
for arg in $(cat /proc/cmdline); do
	case $arg in
	lvsbox.repo=*) repo=${arg#*=} ;;
	lvsbox.run=*) run=${arg#*=} ;;
	lvsbox.buildcache=*) buildcache=${arg#*=} ;;
	esac
done
report() { echo "$1" >"/newroot$run/rc.tmp" && mv "/newroot$run/rc.tmp" "/newroot$run/rc"; }
if ! mount -t 9p -o trans=virtio,version=9p2000.L,ro,cache=loose,msize=512000 hostroot /newroot; then
	echo "init: cannot mount host root"; poweroff -f
fi
if ! mount -t 9p -o trans=virtio,version=9p2000.L,rw,cache=${buildcache:-loose},msize=512000 hostbuild "/newroot$repo/build"; then
	echo "init: cannot mount build share"; poweroff -f
fi
mount -t tmpfs -o mode=1777 tmp /newroot/tmp
mount -t tmpfs -o mode=755 run /newroot/run
mount -t proc proc /newroot/proc
mount -t sysfs sys /newroot/sys
mount -t devtmpfs dev /newroot/dev
mkdir -p /newroot/dev/pts /newroot/dev/shm
ln -sf /proc/self/fd /newroot/dev/fd
ln -sf /proc/self/fd/0 /newroot/dev/stdin
ln -sf /proc/self/fd/1 /newroot/dev/stdout
ln -sf /proc/self/fd/2 /newroot/dev/stderr
mount -t devpts devpts /newroot/dev/pts
mount -t tmpfs -o mode=1777 shm /newroot/dev/shm
chroot /newroot /bin/bash "$repo/tests/vm/guest-stage2.sh" "$repo" "$run"
report $?
# Whatever the script left running goes, so that the share unmounts and
# everything written to it through the guest's cache reaches the host.
kill -KILL -1 2>/dev/null
sync
umount "/newroot$repo/build"
poweroff -f
EOF
	chmod 755 "$stage/init"
	(cd "$stage" && find . | cpio -o -H newc --quiet | gzip -1) >"$out.tmp.$$" || return 1
	mv "$out.tmp.$$" "$out"
	rm -rf "$stage"
}

mkdir -p "$vmdir/runs" || die "cannot create $vmdir"
initrd=$vmdir/initramfs-$kver.cpio.gz
# Rebuild when missing or older than this script (which holds /init).
if [ ! -s "$initrd" ] || [ "$0" -nt "$initrd" ]; then
	build_initramfs "$initrd" || die "cannot build the initramfs"
fi

run=$(mktemp -d "$vmdir/runs/XXXXXX") || die "cannot create a run directory"
{
	echo "export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root TERM=dumb"
	for v in ${VM_ENV:-}; do
		[ -n "${!v+x}" ] && printf 'export %s=%q\n' "$v" "${!v}"
	done
	printf 'cd %q || exit 2\n' "$repo"
	# A relative SCRIPT is taken from the caller's directory when it exists there.
	script=$1; shift
	case $script in /*) ;; *) [ -e "$script" ] && script=$(realpath "$script") ;; esac
	if [ -x "$script" ]; then printf 'exec %q' "$script"; else printf 'exec bash %q' "$script"; fi
	printf ' %q' "$@"
	echo
} >"$run/cmd.sh"

# build/ is mounted cache=loose (executables there start as fast as from
# the root); the guest's writes reach the host at the latest at power-off,
# and what the host changes in build/ during a run may be seen late.
# no_timer_check: on a busy host TCG can be too slow for the kernel's check
# of the IO-APIC timer, which then panics at boot ("IO-APIC + timer doesn't
# work"); the check is meant for real boards.
# ttyS0 carries the kernel console into a log; ttyS1 carries the script's
# output, raw, to our stdout.
timeout --kill-after=5 "$timeout_s" qemu-system-x86_64 \
	-accel tcg -cpu "${VM_CPU:-qemu64}" -m "$mem" -smp "$smp" \
	-nodefaults -no-user-config -display none -no-reboot \
	-kernel "$kernel" -initrd "$initrd" \
	-append "console=ttyS0 loglevel=1 panic=-1 no_timer_check lvsbox.repo=$repo lvsbox.run=$run ${VM_APPEND:-}" \
	-virtfs "local,path=/,mount_tag=hostroot,security_model=passthrough,readonly=on,multidevs=remap" \
	-virtfs "local,path=$repo/build,mount_tag=hostbuild,security_model=passthrough,multidevs=remap" \
	-serial "file:$run/console.log" \
	-chardev stdio,id=out,signal=off -serial chardev:out \
	-nic none </dev/null
qemu_rc=$?

if [ -f "$run/rc" ]; then
	rc=$(cat "$run/rc")
	[ "${VM_KEEP:-0}" = 1 ] || rm -rf "$run"
	exit "$rc"
fi
if [ "$qemu_rc" = 124 ] || [ "$qemu_rc" = 137 ]; then
	echo "vm-run: guest killed after ${timeout_s}s (VM_TIMEOUT); console log in $run/console.log" >&2
	tail -n 20 "$run/console.log" 2>/dev/null | sed 's/^/vm-run: | /' >&2
	exit 124
fi
echo "vm-run: guest reported no status (qemu exit $qemu_rc); console log in $run/console.log" >&2
tail -n 20 "$run/console.log" 2>/dev/null | sed 's/^/vm-run: | /' >&2
exit 125
