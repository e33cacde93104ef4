#!/bin/bash
# t_vrrpd_smoke_reload.sh - SIGHUP: an unchanged instance is not touched
# (no state change, and `ip monitor` sees no delete of its VIP), a changed one
# restarts, a new one starts, a removed one stops and gives its VIP back, and
# a config with errors keeps the running set (logged with file:line).
# Also notify scripts: keepalived's arguments, run as the configured user,
# a shell line through /bin/sh.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
. tests/net/netns.sh
nb_require_vrrpd "vrrpd reload"
nb_setup 1 || die_suite "vrrpd reload: cannot build the namespace bed"

chmod 755 "$NB_WORK"
NOTES=$NB_WORK/notes
mkdir -m 1777 "$NOTES"
cat >"$NB_WORK/notify.sh" <<EOF
#!/bin/sh
echo "\$(id -un) \$*" >>$NOTES/notify.log
EOF
chmod 755 "$NB_WORK/notify.sh"

instance() { # instance NAME VRID PRIORITY VIP
	cat <<EOF
vrrp_instance $1 {
    interface eth0
    virtual_router_id $2
    priority $3
    advert_int 0.5
    version 3
    virtual_ipaddress {
        $4/24
    }
    notify $NB_WORK/notify.sh nobody
    notify_master "echo \$(id -u) master $1 >>$NOTES/shell.log"
}
EOF
}
CONF=$NB_WORK/r1.conf
{ instance A 1 100 "$NB_NET.101"; instance B 2 100 "$NB_NET.102"; } >"$CONF"

# inst_field NAME KEY: KEY of instance NAME in the JSON
inst_field() {
	nb_json r1 | sed 's/},{"name"/}\n{"name"/g' | grep "^{\"name\":\"$1\"\|\"instances\":\[{\"name\":\"$1\"" |
		grep -o "\"$2\":[^,}]*" | head -1 | cut -d: -f2- | tr -d '"'
}
hup() { nb_kill r1 HUP; sleep "${1:-1.5}"; }

nb_daemon r1 vrrpd "$CONF"
nb_wait_vip r1 "$NB_NET.101" 5 && nb_wait_vip r1 "$NB_NET.102" 5
check_eq "A is master alone" "MASTER" "$(inst_field A state)"
check_eq "B is master alone" "MASTER" "$(inst_field B state)"

# Notify: BACKUP at start then MASTER, as nobody, with keepalived's 4 arguments.
sleep 0.5
if grep -qx "nobody INSTANCE A BACKUP 100" "$NOTES/notify.log" 2>/dev/null &&
   grep -qx "nobody INSTANCE A MASTER 100" "$NOTES/notify.log"; then
	ok "notify gets INSTANCE A BACKUP/MASTER 100, run as nobody"
else
	fail "notify gets INSTANCE A BACKUP/MASTER 100, run as nobody"
	sed 's/^/#   /' "$NOTES/notify.log" 2>/dev/null
fi
if grep -qx "0 master A" "$NOTES/shell.log" 2>/dev/null; then ok "a shell notify line runs through /bin/sh"
else fail "a shell notify line runs through /bin/sh"; fi

A_TRANS=$(inst_field A transitions)
case "$A_TRANS" in [1-9]*) ok "A counts its transitions ($A_TRANS)" ;; *) fail "A counts its transitions ('$A_TRANS')" ;; esac
ip -n "$(nb_ns r1)" monitor address >"$NB_WORK/monitor.log" 2>&1 &
MON=$!
sleep 0.2
hup
check_eq "unchanged config: A keeps its transitions" "$A_TRANS" "$(inst_field A transitions)"
check_eq "unchanged config: B still master" "MASTER" "$(inst_field B state)"

# B changes priority, C is new.
{ instance A 1 100 "$NB_NET.101"; instance B 2 120 "$NB_NET.102"; instance C 3 100 "$NB_NET.103"; } >"$CONF"
hup 2.5
check_eq "changed config: A untouched" "$A_TRANS" "$(inst_field A transitions)"
check_eq "changed config: B runs with priority 120" "120" "$(inst_field B base_priority)"
check_eq "new instance C is master" "MASTER" "$(inst_field C state)"
if nb_vip_on r1 "$NB_NET.103"; then ok "C's VIP added"; else fail "C's VIP added"; fi

# A config with an error: everything keeps running.
cp "$CONF" "$CONF.good"
printf 'vrrp_instance D {\n    virtual_router_id 300\n}\n' >>"$CONF"
hup
if grep -q "$CONF:[0-9]*:.*virtual_router_id" "$NB_WORK/r1.d.log"; then ok "reload error logged with file:line"
else fail "reload error logged with file:line"; nb_log r1; fi
check_eq "broken config: C still master" "MASTER" "$(inst_field C state)"
check_eq "broken config: A untouched" "$A_TRANS" "$(inst_field A transitions)"

# C removed.
{ instance A 1 100 "$NB_NET.101"; instance B 2 120 "$NB_NET.102"; } >"$CONF"
hup
if nb_wait_vip r1 "$NB_NET.103" 2 absent; then ok "removed C gave its VIP back"; else fail "removed C gave its VIP back"; fi
if nb_json r1 | grep -q '"name":"C"'; then fail "C gone from the status"; else ok "C gone from the status"; fi
kill "$MON" 2>/dev/null; wait "$MON" 2>/dev/null
if grep -q "Deleted.*$NB_NET.101/" "$NB_WORK/monitor.log"; then fail "A's VIP never flapped across reloads"
else ok "A's VIP never flapped across reloads"; fi
if grep -q "Deleted.*$NB_NET.103/" "$NB_WORK/monitor.log"; then ok "ip monitor saw C's VIP deleted"
else fail "ip monitor saw C's VIP deleted"; fi

nb_kill r1 TERM
nb_wait_gone r1 3
if grep -qx "nobody INSTANCE A STOP 100" "$NOTES/notify.log"; then ok "notify gets STOP on shutdown"
else fail "notify gets STOP on shutdown"; sed 's/^/#   /' "$NOTES/notify.log"; fi
