#!/bin/bash
# t_notify.sh - notify scripts with keepalived's arguments: notify_master,
# notify_backup, notify_fault, notify_stop run their own line; "notify" gets
# INSTANCE NAME STATE PRIORITY; on election, fault and graceful stop.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
. tests/net/netns.sh
nb_require notify
nb_setup 2 || die_suite "notify: cannot build the namespace bed"
VIP=$NB_NET.100
NB_VERSION=3 NB_ADVERT=0.5
for r in r1 r2; do
	printf '#!/bin/sh\necho "$*" >>"%s/%s.notify"\n' "$NB_WORK" "$r" >"$NB_WORK/$r.sh"
	chmod 755 "$NB_WORK/$r.sh"
	: >"$NB_WORK/$r.notify"
done
conf() { # conf ROUTER PRIORITY
	echo "global_defs {"
	echo "    script_user root"
	echo "}"
	nb_instance VI_1 51 "$2" "$VIP/24" \
		"notify_master \"$NB_WORK/$1.sh to-master $VIP\"" \
		"notify_backup \"$NB_WORK/$1.sh to-backup $VIP\"" \
		"notify_fault \"$NB_WORK/$1.sh to-fault $VIP\"" \
		"notify_stop \"$NB_WORK/$1.sh to-stop $VIP\"" \
		"notify $NB_WORK/$1.sh"
}
conf r1 150 >"$NB_WORK/r1.conf"
conf r2 100 >"$NB_WORK/r2.conf"

# expect_line WHAT ROUTER LINE: LINE appears in ROUTER's notify log within 3 s.
expect_line() {
	local tries=60
	while [ $tries -gt 0 ]; do
		grep -qxF "$3" "$NB_WORK/$2.notify" && { ok "$IMPL: $1: $2 ran '$3'"; return 0; }
		sleep 0.05; tries=$((tries - 1))
	done
	fail "$IMPL: $1: $2 ran '$3'"
	sed 's/^/#   /' "$NB_WORK/$2.notify"
}
nb_daemon r1 "$IMPL" "$NB_WORK/r1.conf"
nb_daemon r2 "$IMPL" "$NB_WORK/r2.conf"
nb_wait_holders "$VIP" r1 6
expect_line election r1 "to-master $VIP"
expect_line election r1 "INSTANCE VI_1 MASTER 150"
expect_line election r2 "to-backup $VIP"
expect_line election r2 "INSTANCE VI_1 BACKUP 100"
if grep -q "MASTER\|to-master" "$NB_WORK/r2.notify"; then fail "$IMPL: election: r2 never notified master"; else ok "$IMPL: election: r2 never notified master"; fi

ip -n "$(nb_ns r1)" link set eth0 down
expect_line "link down" r1 "to-fault $VIP"
expect_line "link down" r1 "INSTANCE VI_1 FAULT 150"
expect_line "link down" r2 "to-master $VIP"
expect_line "link down" r2 "INSTANCE VI_1 MASTER 100"
ip -n "$(nb_ns r1)" link set eth0 up
nb_wait_holders "$VIP" r1 6
: >"$NB_WORK/r2.notify"
nb_kill r1 TERM
expect_line "graceful stop" r1 "to-stop $VIP"
expect_line "graceful stop" r1 "INSTANCE VI_1 STOP 150"
expect_line "graceful stop" r2 "INSTANCE VI_1 MASTER 100"
