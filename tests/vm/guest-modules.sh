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

# One modprobe or rmmod for many modules: under emulation each process start
# costs a quarter of a second, and a reload before every vm test adds up.
load() {
	# libcrc32c asks the kernel for the crc32c hash; the kernel would look
	# for it from the initramfs, which has no modules, so load it first.
	modprobe -a crc32c_generic ip_vs ip_vs_rr ip_vs_wrr ip_vs_lc ip_vs_wlc ip_vs_sh \
		ip_vs_pe_sip ipip veth nf_conntrack nf_nat $(ipvs_modules) ||
		{ echo "vm: modprobe of the IPVS modules failed"; return 1; }
	modprobe -q -a iptable_nat nft_chain_nat dummy bridge macvlan tun 2>/dev/null
	return 0
}

unload_ipvs() {
	local m loaded=() line
	declare -A present
	while read -r line; do present[${line%% *}]=1; done </proc/modules
	for m in $(ipvs_modules); do
		[ -n "${present[$m]:-}" ] && loaded+=("$m")
	done
	# Schedulers, engines and helpers before the core they use.
	rmmod "${loaded[@]}" ip_vs
}

case ${1:-} in
load) load ;;
reload) unload_ipvs && load ;;
*) echo "usage: $0 load|reload" >&2; exit 2 ;;
esac
