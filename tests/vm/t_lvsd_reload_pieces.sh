#!/bin/bash
# t_lvsd_reload_pieces.sh - reloads that change only the inside of
# virtual_server blocks, each keeping its number of lines, are read in
# pieces: lvsd reads those blocks alone and passes over only their services
# (docs/lvsd.md, "Reloads"). After each one lvsd's IPVS table must be the
# one keepalived 2.2.7 programs when it starts on the same file, in a
# network namespace of its own: a weight, a real server replaced, a
# scheduler and persistence, two virtual servers at once (IPv6 and UDP), a
# forwarding method; a block broken inside changes nothing; then a change
# outside the virtual servers, read whole.
# No checkers, so every real server is up for both daemons from the start.
cd "$(dirname "$0")/../.." || exit 2
. tests/vm/lvsd_lib.sh

cfg=$WORK/keepalived.conf
cat >"$cfg" <<'EOF'
global_defs {
    router_id pieces
}
virtual_server 10.0.3.1 80 {
    lb_algo rr
    lb_kind NAT
    protocol TCP
    real_server 10.0.4.1 80 {
        weight 1
    }
    real_server 10.0.4.2 80 {
        weight 2
    }
    real_server 10.0.4.3 80 {
        weight 3
    }
}
virtual_server fwmark 9 {
    lb_algo wlc
    lb_kind DR
    # persistence comes here
    real_server 10.0.4.4 0 {
        weight 1
    }
}
virtual_server_group g1 {
    10.0.3.10 80
    10.0.3.11 80
}
virtual_server group g1 {
    lb_algo wrr
    lb_kind DR
    protocol TCP
    real_server 10.0.4.5 80 {
        weight 1
    }
    real_server 10.0.4.6 80 {
        weight 1
    }
}
virtual_server 2001:db8::1 443 {
    lb_algo sh
    lb_kind NAT
    protocol TCP
    real_server 2001:db8::10 443 {
        weight 1
    }
}
virtual_server 10.0.3.2 53 {
    lb_algo rr
    lb_kind NAT
    protocol UDP
    real_server 10.0.4.7 53 {
        weight 1
    }
}
EOF

# lo up: without it every IPv4 address is unreachable in the namespace and
# the kernel refuses keepalived's IPv4 real servers as not unicast.
{ ip netns add ka && ip -n ka link set lo up; } || die_suite "pieces: cannot make keepalived's namespace"
ka_table() { ip netns exec ka "$IPVSADM" -S -n | sort; }
ka_lines() { [ "$(ip netns exec ka "$IPVSADM" -S -n | wc -l)" = "$1" ]; }

# Services and dests in ipvsadm -S -n, the same after every edit below: 4
# (10.0.3.1:80), 2 (fwmark 9), 2 x 3 (the group's two addresses), 2 (IPv6), 2 (UDP).
lines=16

# keepalived_table: the table keepalived programs for $cfg, started afresh.
keepalived_table() {
	ip netns exec ka "$IPVSADM" -C
	ip netns exec ka "$KEEPALIVED" -n -l -C -f "$cfg" -p "$WORK/ka.pid" -c "$WORK/ka-check.pid" \
		</dev/null >>"$WORK/keepalived.log" 2>&1 &
	ka_pid=$!
	wait_for 60 ka_lines "$lines" || echo "# keepalived's table has not $lines lines after 60 s"
	ka_table
	stop_keepalived || echo "# keepalived did not stop"
}

start_lvsd -f "$cfg" || die_suite "pieces: lvsd did not start"
wait_for 20 table_has_lines "$lines"
check_eq "lvsd and keepalived program the same table at the start" "$(keepalived_table)" "$(table)"

# read_alone_is N LINE: lvsd logged N reloads read in pieces, the last one LINE.
read_alone_is() {
	[ "$(grep -c 'changed (read alone)' "$LVSD_LOG")" = "$1" ] &&
		grep 'changed (read alone)' "$LVSD_LOG" | tail -n 1 | grep -qF "$2"
}

reloads=0 reloads_alone=0
# reload WHAT CHANGED SED-SCRIPT: edits $cfg in place, sends SIGHUP, then
# compares lvsd's table with keepalived's on the new file. CHANGED: the
# virtual servers read alone, or "whole". The table is taken as soon as lvsd
# logs that the reload is done: the periodic pass would mend a reload that
# left the kernel alone, but only seconds later.
reload() {
	local what=$1 changed=$2 got
	sed -i "$3" "$cfg"
	kill -HUP "$lvsd_pid"
	reloads=$((reloads + 1))
	wait_for 20 test "$(grep -c 'reload took' "$LVSD_LOG")" = "$reloads"
	got=$(table)
	if [ "$changed" = whole ]; then
		check_cmd "$what: the config is read whole" grep -q "reloaded $cfg: 5 virtual servers$" "$LVSD_LOG"
	else
		reloads_alone=$((reloads_alone + 1))
		check_cmd "$what: $changed virtual server(s) read alone" \
			read_alone_is "$reloads_alone" "5 virtual servers, $changed of them changed (read alone)"
	fi
	check_eq "$what: lvsd's table, as the reload ends, is keepalived's" "$(keepalived_table)" "$got"
}

reload "a weight" 1 '/10.0.4.2 80/,/}/ s/weight 2/weight 5/'
reload "a real server replaced" 1 's/real_server 10.0.4.6 80/real_server 10.0.4.8 80/'
reload "a scheduler and persistence" 1 's/lb_algo wlc/lb_algo sh/; s/# persistence comes here/persistence_timeout 60/'
reload "two virtual servers" 2 '/2001:db8::10 443/,/}/ s/weight 1/weight 4/; /10.0.3.2 53/,/protocol/ s/lb_kind NAT/lb_kind DR/'
# A block broken inside, its lines kept: the whole read names the line,
# and nothing changes.
before=$(table)
log_lines=$(wc -l <"$LVSD_LOG")
new_log_has() { tail -n +"$((log_lines + 1))" "$LVSD_LOG" | grep -q "$1"; }
sed -i 's/^        weight 3$/        weight 3 {/' "$cfg"
kill -HUP "$lvsd_pid"
wait_for 20 new_log_has "keeping the running config"
check_cmd "a broken block: lvsd names the file and a line" new_log_has "$cfg:[0-9][0-9]*: "
check_cmd "a broken block: lvsd keeps the running config" new_log_has "keeping the running config"
check_table "a broken block: the table is unchanged" "$before"
sed -i 's/^        weight 3 {$/        weight 3/' "$cfg"

reload "a forwarding method" 1 '/10.0.3.1 80/,/protocol/ s/lb_kind NAT/lb_kind DR/'
reload "global_defs" whole 's/router_id pieces/router_id whole/'
check_cmd "lvsd still runs" kill -0 "$lvsd_pid"
if stop_lvsd; then ok "SIGTERM stops lvsd"; else fail "SIGTERM stops lvsd"; fi
check_table "SIGTERM removes what lvsd added, the servers the reloads added too" ""
