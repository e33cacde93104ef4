#!/bin/sh
# qemu.sh - boots an lvsbox image under qemu-system (TCG) with its serial
# console on stdin/stdout (-nographic; Ctrl-a x quits): make run.
#
# Usage: rootfs/qemu.sh ARCH IMAGE_DIR [QEMU_ARGS...]
#   IMAGE_DIR holds vmlinuz and initramfs.cpio.gz (rootfs/build.sh)
# Environment:
#   IMAGE_ROOT    initramfs (default): the whole tree is the initramfs;
#                 squashfs: IMAGE_DIR/rootfs.squashfs is the board's disk,
#                 read-only, and stage1.cpio.gz mounts it as / (the way a
#                 flashed router boots)
#   IMAGE_APPEND  more kernel command line (lvsbox.net=..., lvsbox.lvsd=no)
#   IMAGE_NIC     qemu -nic argument; default user networking with the
#                 board's card (the guest gets 10.0.2.15 by DHCP); "none"
#                 for no network card
set -e
arch=$1 dir=$2
[ -n "$dir" ] || { echo "usage: $0 ARCH IMAGE_DIR [QEMU_ARGS...]" >&2; exit 2; }
shift 2
. "$(dirname "$0")/boards.sh"
board "$arch"
case ${IMAGE_ROOT:-initramfs} in
initramfs)
	initrd=initramfs.cpio.gz files=initramfs.cpio.gz ;;
squashfs)
	[ -n "$BOARD_DISK" ] || { echo "qemu.sh: no squashfs boot for $arch yet (no BOARD_DISK in rootfs/boards.sh)" >&2; exit 1; }
	initrd=stage1.cpio.gz files="stage1.cpio.gz rootfs.squashfs"
	BOARD_APPEND="$BOARD_APPEND root=$BOARD_ROOTDEV"
	set -- -drive "file=$dir/rootfs.squashfs,format=raw,if=none,id=root,readonly=on" \
		-device "$BOARD_DISK,drive=root" "$@" ;;
*)
	echo "qemu.sh: IMAGE_ROOT is initramfs or squashfs, not $IMAGE_ROOT" >&2
	exit 2 ;;
esac
for f in vmlinuz $files; do
	[ -f "$dir/$f" ] || { echo "qemu.sh: $dir/$f missing (make image ARCH=$arch)" >&2; exit 1; }
done
command -v "$BOARD_QEMU" >/dev/null || { echo "qemu.sh: $BOARD_QEMU missing (toolchain/deps.sh image)" >&2; exit 1; }
exec "$BOARD_QEMU" $BOARD_ARGS -nographic -no-reboot \
	-kernel "$dir/vmlinuz" -initrd "$dir/$initrd" \
	-append "console=$BOARD_CONSOLE quiet panic=-1 $BOARD_APPEND ${IMAGE_APPEND:-}" \
	-nic "${IMAGE_NIC:-user,model=$BOARD_NIC}" "$@"
