#!/bin/bash
# guest-modules.sh - loads, or unloads and loads again, the kernel modules the
# vm tests need. Reloading IPVS is the one way to a truly fresh table: `ipvsadm
# -C` leaves the connection entries (and their timers) behind.
# Usage (inside the guest): guest-modules.sh load|reload
set -u
ipvs_dir=/lib/modules/$(uname -r)/kernel/net/netfilter/ipvs

# Every IPVS module this kernel has: all schedulers (6.1 has no ip_vs_twos),
# the SIP persistence engine, the FTP helper.
ipvs_modules() {
	local f m
	for f in "$ipvs_dir"/ip_vs_*.ko*; do
		m=${f##*/}; echo "${m%%.ko*}"
	done
}

load() {
	local m failed=0
	# libcrc32c asks the kernel for the crc32c hash; the kernel would look
	# for it from the initramfs, which has no modules, so load it first.
	for m in crc32c_generic ip_vs ip_vs_rr ip_vs_wrr ip_vs_lc ip_vs_wlc ip_vs_sh \
		ip_vs_pe_sip ipip veth nf_conntrack nf_nat; do
		modprobe "$m" || { echo "vm: modprobe $m failed"; failed=1; }
	done
	for m in $(ipvs_modules); do
		modprobe "$m" || { echo "vm: modprobe $m failed"; failed=1; }
	done
	for m in iptable_nat nft_chain_nat dummy bridge macvlan tun; do
		modprobe -q "$m" 2>/dev/null
	done
	return $failed
}

unload_ipvs() {
	local m
	for m in $(ipvs_modules); do
		grep -q "^$m " /proc/modules && { rmmod "$m" || return 1; }
	done
	rmmod ip_vs
}

case ${1:-} in
load) load ;;
reload) unload_ipvs && load ;;
*) echo "usage: $0 load|reload" >&2; exit 2 ;;
esac
