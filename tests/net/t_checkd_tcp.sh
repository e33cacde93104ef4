#!/bin/bash
# t_checkd_tcp.sh - checkd's TCP_CHECK against servers in a namespace: the
# retry arithmetic counted on the server side (SYNs seen by nftables), a
# refusing server, a server that drops SYNs, alpha, a flapping server that
# comes back at its first success, notify scripts run as their user,
# identical probes shared, omega at shutdown, the event line format.
# The rules asserted are keepalived's (keepalived.conf(5): "retry: Retry
# count to make additional checks if check of an alive server fails"; alpha,
# omega), with the details the man page leaves open taken from keepalived
# 2.2.7's checker run in a guest with IPVS (docs/checkd.md).
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
. tests/net/netns.sh
. tests/net/checkd_bed.sh
ck_require "checkd tcp"
ck_setup

S=$CK_SRV
VS=tcp/10.77.0.100:80
NOTE=$NB_WORK/notify
chmod 711 "$NB_WORK"      # the notify script user must reach $NOTE
mkdir -m 1777 "$NOTE"

ck_syn_counter refused 81
ck_syn_counter dropped 82
ck_answer_counter flap_ok 83 accept
ck_answer_counter flap_refused 83 refuse
ck_syn_counter shared 85
ck_drop 82

# A healthy server on 80 and 85, accepting and closing.
ck_srv_bg socat TCP-LISTEN:80,bind=$S,fork,reuseaddr SYSTEM:true >/dev/null
ck_srv_bg socat TCP-LISTEN:85,bind=$S,fork,reuseaddr SYSTEM:true >/dev/null

cat >"$NB_WORK/tcp.conf" <<EOF
global_defs {
    router_id checkd_tcp
    enable_script_security
    # without it (or a keepalived_script account) keepalived 2.2.7 disables
    # notify lines that name no user, and so does checkd
    script_user root
}
virtual_server 10.77.0.100 80 {
    delay_loop 2
    lb_algo rr
    lb_kind DR
    protocol TCP
    omega
    real_server $S 80 {
        weight 3
        notify_down "/bin/sh -c 'echo omega >> $NOTE/healthy.down'"
        TCP_CHECK {
            connect_timeout 1
            warmup 0
        }
    }
    real_server $S 81 {
        weight 1
        inhibit_on_failure
        notify_down "/bin/sh -c 'id -un >> $NOTE/refused.down'" nobody
        TCP_CHECK {
            connect_timeout 1
            retry 2
            delay_before_retry 0.3
            warmup 0
        }
    }
    real_server $S 82 {
        TCP_CHECK {
            connect_timeout 0.4
            nb_get_retry 1
            delay_before_retry 0.2
            warmup 0
        }
    }
}
virtual_server 10.77.0.101 80 {
    delay_loop 1
    lb_algo rr
    lb_kind NAT
    protocol TCP
    alpha
    real_server $S 83 {
        notify_up "/bin/sh -c 'echo up >> $NOTE/flap'"
        notify_down "/bin/sh -c 'echo down >> $NOTE/flap'"
        TCP_CHECK {
            connect_timeout 0.5
            retry 2
            delay_before_retry 0.3
            warmup 0
        }
    }
    real_server $S 85 {
        TCP_CHECK {
            connect_timeout 1
            warmup 0
        }
    }
}
virtual_server 10.77.0.102 80 {
    protocol TCP
    lb_algo rr
    lb_kind NAT
    delay_loop 1
    alpha
    real_server $S 85 {
        TCP_CHECK {
            connect_timeout 1
            warmup 0
        }
    }
}
EOF

ck_start "$NB_WORK/tcp.conf"
# Both down by 1.0 s; the next rounds start 2 s (delay_loop) later.
ck_wait_event "^[0-9]+\.[0-9]{3} down $VS $S:81 weight" 5 && ck_wait_event " down $VS $S:82 weight" 5 || ck_log_tail
refused_at_down=$(ck_count refused)
dropped_at_down=$(ck_count dropped)

# Initial lines: one per real server, up unless alpha.
check_eq "an initial line per real server" 6 "$(grep -c ' initial' "$CK_EVENTS")"
check_cmd "initial: no alpha starts up, with its weight" \
	grep -Eq "^0\.[0-9]{3} up $VS $S:80 weight=3 initial$" "$CK_EVENTS"
check_cmd "initial: alpha starts down" \
	grep -Eq "^0\.[0-9]{3} down tcp/10.77.0.101:80 $S:83 weight=1 initial$" "$CK_EVENTS"

# Refused, retry 2: down after exactly 3 attempts, 2 x 0.3 s after the first.
down=$(grep -E " down $VS $S:81 " "$CK_EVENTS" | grep -v initial | head -n 1)
case "$down" in
*"weight=0 inhibit reason=TCP_CHECK $S:81: "*[Rr]efused*) ok "refused: down event names the checker and the error, inhibit sets weight 0" ;;
*) fail "refused: down event names the checker and the error, inhibit sets weight 0"; echo "#   got: $down" ;;
esac
check_eq "refused: the server saw exactly retry+1 = 3 attempts when it was declared down" 3 "$refused_at_down"
t=$(echo "$down" | cut -d' ' -f1)
if ck_between 0.6 "$t" 0 0.3; then ok "refused: down 0.6 s after start (2 x delay_before_retry), got $t"; else
	fail "refused: down 0.6 s after start (2 x delay_before_retry), got $t"; fi

# SYN dropped, nb_get_retry 1, connect_timeout 0.4: down after 2 timeouts.
line=$(grep -E " down $VS $S:82 weight" "$CK_EVENTS" | head -n 1)
case "$line" in *"weight=1 reason=TCP_CHECK $S:82: "*time*) ok "SYN dropped: down, the reason says it timed out" ;;
*) fail "SYN dropped: down, the reason says it timed out"; echo "#   got: $line" ;; esac
t=$(echo "$line" | cut -d' ' -f1)
if ck_between 1.0 "$t" 0 0.3; then ok "SYN dropped: down at 0.4 + 0.2 + 0.4 = 1.0 s, got $t"; else
	fail "SYN dropped: down at 0.4 + 0.2 + 0.4 = 1.0 s, got $t"; fi
check_eq "SYN dropped: nb_get_retry 1 means 2 attempts" 2 "$dropped_at_down"

# While down, the rounds go on: 2.6, 2.9, 3.2 s.
ck_sleep_until 3.45
check_eq "refused: a down server is probed again after delay_loop, retries and all (3 more)" 6 "$(ck_count refused)"
check_eq "refused: the down event was announced once" 1 "$(grep -v initial "$CK_EVENTS" | grep -c " $S:81 ")"
check_eq "notify_down ran as its user (nobody), once" "nobody" "$(cat "$NOTE/refused.down" 2>/dev/null)"

# Healthy, no alpha: nothing but the initial line.
check_eq "healthy without alpha: no event after the initial one" 0 "$(grep -v initial "$CK_EVENTS" | grep -c " $VS $S:80 ")"
check_eq "healthy: state up in --json" up "$(ck_get "$VS" "$S:80" state)"
check_eq "healthy: weight in --json" 3 "$(ck_get "$VS" "$S:80" weight)"
check_eq "healthy: last result ok" ok "$(ck_get "$VS" "$S:80" checkers.0.last_result)"
check_eq "refused: --json keeps the error text" \
	"connect: Connection refused" "$(ck_get "$VS" "$S:81" checkers.0.error)"

# Alpha, refusing at first: the first verdict confirms down, once.
VS1=tcp/10.77.0.101:80
ck_wait_event " down $VS1 $S:83 weight=1 reason=" 3
check_eq "alpha: first failed verdict announced as down (notify_down) once" 1 \
	"$(grep -v initial "$CK_EVENTS" | grep -c " down $VS1 $S:83 ")"
check_cmd "alpha: healthy server announced up at its first success" \
	grep -Eq " up $VS1 $S:85 weight=1 reason=TCP_CHECK $S:85 ok$" "$CK_EVENTS"

# The flapping server: listening -> up after exactly one (successful) attempt.
LISTENER=$(ck_srv_bg socat TCP-LISTEN:83,bind=$S,fork,reuseaddr SYSTEM:true)
if ck_wait_event " up $VS1 $S:83 " 4; then ok "flapping: comes up when it listens"; else fail "flapping: comes up when it listens"; ck_log_tail; fi
check_eq "flapping: up at the first success (1 attempt connected)" 1 "$(ck_count flap_ok)"
sleep 1.5
ck_reset flap_refused
kill "$LISTENER"
if ck_wait_count " down $VS1 $S:83 weight=1 reason" 2 6; then
	ok "flapping: goes down when it stops"
	check_eq "flapping: down after exactly retry+1 = 3 refused attempts" 3 "$(ck_count flap_refused)"
else
	fail "flapping: goes down when it stops"; ck_log_tail
fi
check_eq "flapping: notify scripts in order" "down up down" "$(tr '\n' ' ' <"$NOTE/flap" | sed 's/ $//')"
check_eq "flapping: transitions counted" 2 "$(ck_get "$VS1" "$S:83" transitions)"

# Shared probe: $S:85 TCP_CHECK with the same timing in two virtual servers.
check_eq "identical checks are shared" 2 "$(ck_get "$VS1" "$S:85" checkers.0.shared_by)"
ck_reset shared
sleep 3.1
n=$(ck_count shared)
if [ "$n" -ge 3 ] && [ "$n" -le 4 ]; then ok "shared: one probe per delay_loop for both virtual servers ($n in 3.1 s)"; else
	fail "shared: one probe per delay_loop for both virtual servers ($n in 3.1 s)"; fi

out=$("$CHECKD" -S "$CK_SOCK" -s 2>&1)
case "$out" in *"$VS"*"$S:81"*down*refused*) ok "checkd -s prints the table" ;;
*) fail "checkd -s prints the table"; echo "$out" | sed 's/^/#   /' | head ;; esac

# SIGHUP: a broken config keeps the running one; a good one keeps the state
# of unchanged checks (no second down for :81) and adds the new server.
echo "virtual_server {" >"$NB_WORK/broken.conf"
cp "$NB_WORK/tcp.conf" "$NB_WORK/tcp.conf.orig"
cp "$NB_WORK/broken.conf" "$NB_WORK/tcp.conf"
kill -HUP "$CK_PID"; sleep 0.5
check_eq "reload: a config with errors keeps the running one" 6 "$(grep -c ' initial' "$CK_EVENTS")"
sed 's/^virtual_server 10.77.0.102 80 {$/&\n    real_server '"$S"' 86 {\n        TCP_CHECK {\n            connect_timeout 1\n            retry 0\n            warmup 0\n        }\n    }/' \
	"$NB_WORK/tcp.conf.orig" >"$NB_WORK/tcp.conf"
downs81=$(grep -v initial "$CK_EVENTS" | grep -c " down $VS $S:81 ")
kill -HUP "$CK_PID"
ck_wait_event " down tcp/10.77.0.102:80 $S:86 weight=1 reason" 3
check_eq "reload: a full set of initial lines, the new server included" 13 "$(grep -c ' initial' "$CK_EVENTS")"
check_cmd "reload: the refused server's state is kept (initial down)" \
	grep -Eq " down $VS $S:81 weight=0 inhibit initial$" "$CK_EVENTS"
check_cmd "reload: the new server is checked" grep -q " down tcp/10.77.0.102:80 $S:86 weight=1 reason" "$CK_EVENTS"
check_eq "reload: no new down event for the unchanged check" "$downs81" \
	"$(grep -v initial "$CK_EVENTS" | grep -c " down $VS $S:81 ")"

# A successful TCP_CHECK resets its connection: the director keeps no
# TIME_WAIT socket per check (30,000 servers every 6 s would pile up 300,000).
check_eq "TCP_CHECK leaves no TIME_WAIT sockets in the director" 0 \
	"$(ip netns exec "$(nb_ns c)" ss -Htan state time-wait | wc -l)"

# omega: SIGTERM takes the up servers of that virtual server down, with notify_down.
ck_stop
check_cmd "omega: stopping announces the up server down" \
	grep -Eq " down $VS $S:80 weight=3 reason=checkd stopping \(omega\)$" "$CK_EVENTS"
check_eq "omega: notify_down ran" omega "$(cat "$NOTE/healthy.down" 2>/dev/null)"
check_eq "omega: only the up servers of the omega virtual server go down at stop" 1 \
	"$(grep -c "(omega)" "$CK_EVENTS")"
check_eq "checkd exited on SIGTERM" 1 "$( kill -0 "$CK_PID" 2>/dev/null && echo 0 || echo 1)"
