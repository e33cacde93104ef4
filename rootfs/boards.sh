#!/bin/sh
# boards.sh - the emulated board each image arch boots on, in one place for
# rootfs/build.sh (which network-card modules go in) and rootfs/qemu.sh (how
# qemu is started). Source it, then call `board ARCH`; it sets
#   BOARD_QEMU     qemu-system binary
#   BOARD_ARGS     machine, CPU and memory arguments
#   BOARD_NIC      the -nic model of the board's network card
#   BOARD_CONSOLE  the serial console's device name for console=
#   BOARD_APPEND   more kernel command line the board wants
#   BOARD_MODULES  modules of that card (and its bus) the image loads at boot
#   BOARD_DEBARCH  Debian's name of the arch (busybox-static:DEBARCH)
# and, for a board that boots the squashfs from a disk (IMAGE_ROOT=squashfs),
#   BOARD_DISK          the qemu -device model of the disk holding the squashfs
#   BOARD_ROOTDEV       the device node that disk is in the guest
#   BOARD_ROOT_MODULES  what stage1 loads to see that disk and mount squashfs
# (all empty where the squashfs boot has not been tried: it is refused there).
board() {
	BOARD_APPEND= BOARD_DISK= BOARD_ROOTDEV= BOARD_ROOT_MODULES=
	case $1 in
	x86_64)
		BOARD_QEMU=qemu-system-x86_64 BOARD_ARGS="-M pc -cpu qemu64 -m 256"
		BOARD_NIC=virtio-net-pci BOARD_CONSOLE=ttyS0
		# TCG on a busy host can make the kernel's check of the IO-APIC
		# timer fail and panic; the check is for real boards
		BOARD_APPEND=no_timer_check
		BOARD_MODULES="virtio_pci virtio_net" BOARD_DEBARCH=amd64
		BOARD_DISK=virtio-blk-pci BOARD_ROOTDEV=/dev/vda
		BOARD_ROOT_MODULES="virtio_pci virtio_blk squashfs" ;;
	aarch64)
		BOARD_QEMU=qemu-system-aarch64 BOARD_ARGS="-M virt -cpu cortex-a53 -m 256"
		BOARD_NIC=virtio-net-pci BOARD_CONSOLE=ttyAMA0
		BOARD_MODULES="virtio_pci virtio_net" BOARD_DEBARCH=arm64
		BOARD_DISK=virtio-blk-pci BOARD_ROOTDEV=/dev/vda
		BOARD_ROOT_MODULES="virtio_pci virtio_blk squashfs" ;;
	armhf)
		BOARD_QEMU=qemu-system-arm BOARD_ARGS="-M virt,highmem=off -cpu cortex-a15 -m 256"
		BOARD_NIC=virtio-net-pci BOARD_CONSOLE=ttyAMA0
		BOARD_MODULES="virtio_pci virtio_net" BOARD_DEBARCH=armhf
		BOARD_DISK=virtio-blk-pci BOARD_ROOTDEV=/dev/vda
		BOARD_ROOT_MODULES="virtio_pci virtio_blk squashfs" ;;
	mipsel)
		BOARD_QEMU=qemu-system-mipsel BOARD_ARGS="-M malta -m 256"
		BOARD_NIC=pcnet BOARD_CONSOLE=ttyS0
		BOARD_MODULES="pcnet32" BOARD_DEBARCH=mipsel
		# malta's own disks are IDE; its PCI bus takes a virtio disk as
		# the other boards' does, and Debian's malta kernel has the modules
		BOARD_DISK=virtio-blk-pci BOARD_ROOTDEV=/dev/vda
		BOARD_ROOT_MODULES="virtio_pci virtio_blk squashfs" ;;
	mips)
		echo "boards.sh: no image for mips: Debian bookworm has no big-endian mips port, so no kernel or busybox-static to put in one (the mips lvsbox is for OpenWrt's ath79 packages)" >&2
		return 1 ;;
	*)
		echo "boards.sh: unknown arch $1 (x86_64 aarch64 armhf mipsel)" >&2
		return 1 ;;
	esac
}
