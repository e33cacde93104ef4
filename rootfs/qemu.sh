#!/bin/sh
# qemu.sh - boots an lvsbox image under qemu-system (TCG) with its serial
# console on stdin/stdout (-nographic; Ctrl-a x quits): make run.
#
# Usage: rootfs/qemu.sh ARCH IMAGE_DIR [QEMU_ARGS...]
#   IMAGE_DIR holds vmlinuz and initramfs.cpio.gz (rootfs/build.sh)
# Environment:
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
for f in vmlinuz initramfs.cpio.gz; do
	[ -f "$dir/$f" ] || { echo "qemu.sh: $dir/$f missing (make image ARCH=$arch)" >&2; exit 1; }
done
command -v "$BOARD_QEMU" >/dev/null || { echo "qemu.sh: $BOARD_QEMU missing (toolchain/deps.sh image)" >&2; exit 1; }
exec "$BOARD_QEMU" $BOARD_ARGS -nographic -no-reboot \
	-kernel "$dir/vmlinuz" -initrd "$dir/initramfs.cpio.gz" \
	-append "console=$BOARD_CONSOLE quiet panic=-1 $BOARD_APPEND ${IMAGE_APPEND:-}" \
	-nic "${IMAGE_NIC:-user,model=$BOARD_NIC}" "$@"
