#!/bin/sh
# deps.sh - installs from Debian's archive what a make target needs, once.
# Usage: toolchain/deps.sh GROUP...   (build dev vm fuzz src conf checkd stub cross net interop pkg image metrics)
# A group whose packages are all installed costs one dpkg query.
set -e

pkgs_build="musl-tools linux-libc-dev make gcc"
# openssl: test certificates and a TLS peer for the SSL_GET unit test
pkgs_dev="gcc libmnl-dev pkg-config tshark openssl"
pkgs_vm="qemu-system-x86 linux-image-amd64 ipvsadm busybox-static iproute2 curl socat cpio kmod gzip xz-utils procps python3"
pkgs_cli="ipvsadm"
pkgs_fuzz="clang libclang-rt-14-dev"
# keepalived -t is the oracle for what a valid config is
pkgs_conf="keepalived"
# the stub farm (tests/stub) and the tools its tests probe it with
pkgs_stub="liblwip-dev pkg-config gcc curl socat iputils-ping python3 iproute2"
# checkd's functional tests: real HTTP/HTTPS servers, certificates, fault stubs,
# and keepalived's genhash as the digest oracle
# (dnsmasq: a real DNS server for DNS_CHECK; ping: PING_CHECK's reference)
pkgs_checkd="nginx-light openssl socat keepalived nftables python3 dnsmasq-base iputils-ping"
# unpacking Debian source packages (musl for mips, mbedTLS)
pkgs_src="dpkg-dev"
# network-namespace tests: ip/bridge, python3 reads the JSON, gcc builds the
# probes, tshark checks the wire, keepalived gives the reference behaviour
pkgs_net="iproute2 python3 gcc libc6-dev util-linux procps tshark keepalived nftables"
pkgs_interop="iproute2 python3 gcc libc6-dev util-linux procps tshark keepalived"
# lvsd's metrics: an independent Prometheus text parser reads the scrape,
# headless Chromium loads the status page
pkgs_metrics="python3 python3-prometheus-client chromium curl"
pkgs_cross="gcc-arm-linux-gnueabihf gcc-aarch64-linux-gnu gcc-mipsel-linux-gnu gcc-mips-linux-gnu linux-libc-dev-armhf-cross linux-libc-dev-arm64-cross linux-libc-dev-mipsel-cross linux-libc-dev-mips-cross qemu-user-static qemu-system-mips dpkg-dev util-linux cpio kmod xz-utils openssl"
# OpenWrt packages (tests/pkg): building the .apk (python3), taking the
# packages apart (tar, gzip, file) and busybox's ash for the init script
pkgs_pkg="python3 tar gzip file busybox-static"
# the appliance images (rootfs/build.sh) and booting them (make run, tests/image):
# cpio/gzip for the initramfs, squashfs-tools for the flash image, kmod's depmod
# for the image's modules.dep, the host's busybox-static and amd64 kernel for
# x86_64, and a qemu-system for every arch an image is made for
pkgs_image="busybox-static linux-image-amd64 cpio gzip xz-utils kmod squashfs-tools qemu-system-x86 qemu-system-arm qemu-system-mips"

want=""
for group in "$@"; do
	eval "list=\$pkgs_$group"
	[ -n "$list" ] || { echo "deps.sh: unknown group $group" >&2; exit 2; }
	for p in $list; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' || want="$want $p"
	done
done
[ -z "$want" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "deps.sh: need root to install:$want" >&2
	exit 1
fi
echo "deps.sh: installing$want"
export DEBIAN_FRONTEND=noninteractive
# A stale package list finds nothing; refresh it once per hour at most.
stamp=/var/lib/apt/lists/.lvsbox-updated
if [ -z "$(find "$stamp" -mmin -60 2>/dev/null)" ]; then
	# A foreign architecture's security index can lag its Release file;
	# apt then fails that one index, and the other lists are still usable.
	apt-get update -q -o DPkg::Lock::Timeout=300 >/dev/null 2>&1 || echo "deps.sh: apt-get update reported errors; going on" >&2
	touch "$stamp"
fi
apt-get install -y -q -o DPkg::Lock::Timeout=300 --no-install-recommends $want >/dev/null
