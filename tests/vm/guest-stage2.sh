#!/bin/bash
# guest-stage2.sh - second stage of the qemu guest started by vm-run.sh.
#
# Runs chrooted in the host's root (read-only 9p). Loads the modules the tests
# need, then runs the command vm-run.sh wrote to RUNDIR/cmd.sh with its output
# on the second serial port, which vm-run.sh streams to the host.
# Usage (from the guest's /init only): guest-stage2.sh REPO RUNDIR
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
repo=$1
run=$2
out=/dev/ttyS1
# Raw: no \r added to line ends, no echo of anything the host might send.
stty -F "$out" raw -echo 2>/dev/null
exec </dev/null >"$out" 2>&1

hostname lvsbox-vm
ip link set lo up

# libcrc32c asks the kernel for the crc32c hash; the kernel's own module
# request would run in the initramfs, which has no modules, so load it first.
# Then every IPVS module this kernel has: all schedulers (6.1 has no
# ip_vs_twos), the SIP persistence engine, the FTP helper.
required="crc32c_generic ip_vs ip_vs_rr ip_vs_wrr ip_vs_lc ip_vs_wlc ip_vs_sh
	ip_vs_pe_sip ipip veth nf_conntrack nf_nat"
for m in $required; do
	modprobe "$m" || { echo "vm: modprobe $m failed"; stty -F "$out" raw -echo; exit 125; }
done
for f in /lib/modules/"$(uname -r)"/kernel/net/netfilter/ipvs/ip_vs_*.ko*; do
	m=${f##*/}; m=${m%%.ko*}
	modprobe "$m" || echo "vm: modprobe $m failed"
done
for m in iptable_nat nft_chain_nat dummy bridge macvlan tun; do
	modprobe -q "$m" 2>/dev/null
done

bash "$run/cmd.sh"
rc=$?
# Setting the port's attributes waits until the output has drained.
stty -F "$out" raw -echo 2>/dev/null
exit $rc
