#!/bin/bash
# demo.sh - `make demo`: seed 000's LVS-DR high-availability cluster (two
# directors with lvsd and vrrpd, two web servers prepared with rsctl, one
# client) inside the x86_64 appliance image (`make image`, docs/image.md),
# told as a timeline while a web server stops and the master director dies.
# The story itself is tests/vm/demo-guest.sh; the image carries it, its
# ha_lib.sh and the two directors' configs, and runs it from the image's
# rc.local hook. Exit 0 when every step behaved as it should.
# DEMO_TIMEOUT bounds the guest (default 280 s).
cd "$(dirname "$0")/../.." || exit 2
overlay=build/demo/overlay out=build/demo/image share=/usr/share/lvsbox-demo
mark=@@demo@@
rm -rf build/demo
mkdir -p "$overlay$share" "$overlay/etc/lvsbox"
cp tests/vm/demo-guest.sh tests/vm/ha_lib.sh configs/demo-lvs01.conf configs/demo-lvs02.conf "$overlay$share/"
cat >"$overlay/etc/lvsbox/rc.local" <<EOS
# rc.local of the demo image (tests/vm/demo.sh): runs the demo, says how it
# ended on the console and powers the guest off.
DEMO_BIN=/usr/sbin DEMO_CONFIGS=$share /bin/busybox sh $share/demo-guest.sh
echo "$mark exit \$?"
poweroff -f
EOS
echo "demo: building lvsbox and the x86_64 image with the demo in it (make image)"
make -s -j2 image ARCH=x86_64 IMAGE_OVERLAY="$overlay" IMAGE_OUT="$out" >build/demo/image.log 2>&1 ||
	{ tail -20 build/demo/image.log; echo "demo: make image failed"; exit 2; }
echo "demo: booting the image in qemu (no network card; the cluster is namespaces inside it)"
# lvsbox.lvsd=no: the image's own lvsd stays off, the demo starts its directors
IMAGE_NIC=none IMAGE_APPEND="lvsbox.net=none lvsbox.lvsd=no" timeout "${DEMO_TIMEOUT:-280}" \
	rootfs/qemu.sh x86_64 "$out" -m 512 </dev/null 2>&1 | tr -d '\r' | tee build/demo/console.log |
	sed -u -e 's/\x1bc//g' -e 's/\x1b\[[0-9;?]*[a-zA-Z]//g' |
	grep --line-buffered -v -e "^$mark" -e '^SeaBIOS' -e '^Booting from ROM' -e 'reboot: Power down'

rc=$(sed -n "s/^$mark exit \([0-9]*\)\$/\1/p" build/demo/console.log | tail -1)
if [ -z "$rc" ]; then
	echo "demo: the guest ended before the demo did (console: build/demo/console.log)"
	exit 125
fi
exit "$rc"
