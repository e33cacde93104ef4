#!/bin/bash
# guest-stage2.sh - second stage of the qemu guest started by vm-run.sh.
#
# Runs chrooted in the host's root (read-only 9p). Loads the modules the tests
# need (guest-modules.sh), then runs the command vm-run.sh wrote to RUNDIR/cmd.sh with its output
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

if ! bash "$repo/tests/vm/guest-modules.sh" load; then
	stty -F "$out" raw -echo
	exit 125
fi

bash "$run/cmd.sh"
rc=$?
# Setting the port's attributes waits until the output has drained.
stty -F "$out" raw -echo 2>/dev/null
exit $rc
