#!/bin/bash
# t_lvsd_metrics.sh - lvsd --metrics-listen and --metrics-file on a NAT
# director with real IPVS. The scrape is read by an independent parser
# (Debian's python3-prometheus-client, text_string_to_metric_families) and
# its node_ipvs_* values are compared with the real ipvsadm's view of the
# same table: every backend of `ipvsadm -Ln` with its weight, active and
# inactive connections (and no other backend), and the IPVS-wide totals
# with the sum of `ipvsadm -Ln --stats --exact`'s services after
# `ipvsadm -Z` zeroed every counter. Also: the real servers' and VRRP
# metrics, a real server going down, the .prom file, and bad requests
# answered 400/405/404.
cd "$(dirname "$0")/../.." || exit 2
. tests/vm/lvsd_lib.sh
PY=/usr/bin/python3   # Debian's, where python3-prometheus-client is installed
"$PY" -c 'import prometheus_client.parser' 2>/dev/null ||
	die_suite "metrics: python3-prometheus-client missing (toolchain/deps.sh metrics)"
HERE=$PWD/tests/vm

vip=10.0.1.1
port=9650
nat_bed $vip 11 12 || die_suite "metrics: cannot build the client and real-server namespaces"
for n in 11 12; do serve 10.0.2.$n 80 || die_suite "metrics: web server 10.0.2.$n does not answer"; done

cfg=$WORK/lvsd.conf
cat >"$cfg" <<CONF
vrrp_instance VI_M {
    state MASTER
    interface cl0
    virtual_router_id 61
    priority 150
    advert_int 1
    virtual_ipaddress {
        10.0.1.100/24
    }
}
virtual_server $vip 80 {
    delay_loop 1
    lb_algo rr
    lb_kind NAT
    protocol TCP
    real_server 10.0.2.11 80 {
        weight 2
        TCP_CHECK {
            connect_timeout 1
            retry 0
            delay_before_retry 1
        }
    }
    real_server 10.0.2.12 80 {
        weight 1
        TCP_CHECK {
            connect_timeout 1
            retry 0
            delay_before_retry 1
        }
    }
}
virtual_server fwmark 7 {
    lb_algo wlc
    lb_kind NAT
    real_server 10.0.2.11 80 {
        weight 3
    }
}
CONF
prom=$WORK/lvsbox.prom
start_lvsd -f "$cfg" --metrics-listen 127.0.0.1:$port --metrics-file "$prom" || die_suite "metrics: lvsd did not start"
t1=$(printf '%s\n' "-A -t $vip:80 -s rr" "-a -t $vip:80 -r 10.0.2.11:80 -m -w 2" \
	"-a -t $vip:80 -r 10.0.2.12:80 -m -w 1" "-A -f 7 -s wlc" "-a -f 7 -r 10.0.2.11:80 -m -w 3" | sort)
wait_for 20 table_is "$t1"
check_table "lvsd programs the table" "$t1"

"$IPVSADM" -Z
for i in $(seq 12); do
	ip netns exec cl curl -s -o /dev/null --max-time 5 "http://$vip/" || fail "request $i through the VIP"
done
# the kernel folds its per-CPU counters into what both readers see every 2 s
sleep 3
scrape() { curl -s --max-time 5 "http://127.0.0.1:$port/metrics"; }
scrape >"$WORK/scrape.txt"
"$IPVSADM" -Ln >"$WORK/ipvsadm.txt"
"$IPVSADM" -Ln --stats --exact >"$WORK/ipvsadm-stats.txt"

if "$PY" "$HERE/metrics_vs_ipvsadm.py" "$WORK/scrape.txt" "$WORK/ipvsadm.txt" "$WORK/ipvsadm-stats.txt"; then
	ok "the scrape parses, and its node_ipvs_* equal ipvsadm -Ln and the --stats totals"
else
	fail "the scrape's node_ipvs_* differ from ipvsadm"; sed 's/^/#   /' "$WORK/ipvsadm-stats.txt"
fi

# sample NAME LABEL=VALUE...: the value of the one matching sample of the last scrape, by the same parser
sample() { "$PY" "$HERE/metrics_vs_ipvsadm.py" --sample "$WORK/scrape.txt" "$@"; }
# Waiting polls the text with grep (python starts slowly under TCG); what is
# then asserted is read by the parser.
scraped_has() { scrape >"$WORK/scrape.txt"; grep -q "$1" "$WORK/scrape.txt"; }
wait_for 15 scraped_has '^keepalived_vrrp_state{iname="VI_M".* 2$'
check_eq "keepalived_vrrp_state of VI_M's VIP is 2 (MASTER)" 2 "$(sample keepalived_vrrp_state iname=VI_M ip_address=10.0.1.100)"
check_eq "10.0.2.12 is up" 1 "$(sample keepalived_lvs_rs_up virtual_server=tcp/$vip:80 real_server=10.0.2.12:80)"
lat=$(sample keepalived_checker_latency_seconds real_server=10.0.2.11:80)
case $lat in 0.*|[1-9]*) ok "a TCP_CHECK latency is there ($lat s)";; *) fail "no checker latency: '$lat'";; esac
unserve 10.0.2.12 80
wait_for 15 scraped_has '^keepalived_lvs_rs_up{.*real_server="10.0.2.12:80"} 0$'
check_eq "10.0.2.12 stopped: keepalived_lvs_rs_up 0" 0 \
	"$(sample keepalived_lvs_rs_up virtual_server=tcp/$vip:80 real_server=10.0.2.12:80)"

# the .prom file: written whole, parsed by the same parser, with the backends
if wait_for 8 grep -q '^node_ipvs_backend_weight{' "$prom" &&
   "$PY" "$HERE/metrics_vs_ipvsadm.py" --sample "$prom" node_ipvs_backend_weight local_mark=00000007 | grep -qx 3; then
	ok "the .prom file parses and holds the fwmark 7 backend with weight 3"
else
	fail "the .prom file"; head -5 "$prom" 2>&1 | sed 's/^/#   /'
fi

code() { curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$@"; }
check_eq "POST is answered 405" 405 "$(code -X POST "http://127.0.0.1:$port/metrics")"
check_eq "an unknown path is answered 404" 404 "$(code "http://127.0.0.1:$port/nothing")"
check_eq "a malformed request line is answered 400" "HTTP/1.1 400 Bad Request" \
	"$(printf 'BAD REQUEST LINE\r\n\r\n' | timeout 5 socat -t 3 - TCP:127.0.0.1:$port | head -n 1 | tr -d '\r')"
check_eq "lvsd still answers after them" 200 "$(code "http://127.0.0.1:$port/metrics")"
if stop_lvsd; then ok "SIGTERM stops lvsd with its metrics listener"; else fail "lvsd did not stop"; fi
