#!/bin/bash
# t_script_env.sh - what a script gets, whatever state the daemon was
# started in. vrrpd (a notify_master run as nobody with group root) and a
# standalone checkd (a MISC_CHECK, run as root) are both started from an
# odd working directory, with umask 0002, LD_PRELOAD and another variable
# in the environment, $NB_WORK/pathbin on PATH, supplementary groups 0 and
# 100, and a descriptor 9 open without close-on-exec. Each script records
# its environment, working directory, umask, groups and descriptors, and
# writes a forged event line to stdout and a line to stderr: checkd's stdout
# is its event stream (lvsd reads it), so a script must never reach it.
# Expected (docs/config.md "Scripts"): the environment is PATH alone (the
# shell adds PWD), cwd /, umask 0177 (keepalived's default), stdin, stdout
# and stderr on /dev/null, no descriptor 9, the target gid as the only
# supplementary group; a bare command name is looked up in that fixed PATH,
# never in the daemon's.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
. tests/net/netns.sh
CHECKD=${CHECKD:-$NB_ROOT/build/x86_64/bin/checkd}
nb_require_vrrpd "script_env"
[ -x "$CHECKD" ] || die_suite "script_env: $CHECKD not built (make)"
command -v setpriv >/dev/null || die_suite "script_env: setpriv missing (util-linux)"
id nobody >/dev/null 2>&1 || die_suite "script_env: no user nobody"
nb_setup 1 || die_suite "script_env: cannot build the namespace bed"
W=$NB_WORK
VIP=$NB_NET.100
FIXED_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
FORGED="0.000 up tcp/10.77.0.120:80 $NB_NET.11:9999 weight=1 forged"

# Scripts where only root may write, reachable by nobody; output anyone may write.
chmod 0755 "$W"
mkdir -m 0755 "$W/bin" "$W/pathbin" "$W/odd"
mkdir -m 1777 "$W/out"
cat >"$W/bin/probe.sh" <<EOF
#!/bin/sh
out=$W/out/\$1
env | sort >\$out.env
tr '\\0' '\\n' </proc/\$\$/environ | sort >\$out.environ
pwd >\$out.pwd
umask >\$out.umask
id -G >\$out.groups
# read before any redirection of ours
fd0=\$(readlink /proc/\$\$/fd/0)
fd1=\$(readlink /proc/\$\$/fd/1)
fd2=\$(readlink /proc/\$\$/fd/2)
printf '%s\\n' "\$fd0" "\$fd1" "\$fd2" >\$out.stdio
if [ -e /proc/\$\$/fd/9 ]; then echo open; else echo closed; fi >\$out.fd9
echo "$FORGED"
echo "forged-stderr from \$1" >&2
: >\$out.done
exit 0
EOF
# Reachable only through the daemon's own PATH.
printf '#!/bin/sh\n: >%s/out/path.ran\nexit 0\n' "$W" >"$W/pathbin/pathprobe.sh"
chmod 0755 "$W/bin/probe.sh" "$W/pathbin/pathprobe.sh"

# start_odd NAME CMD...: CMD in NAME's namespace, started carelessly.
start_odd() {
	local ns
	ns=$(nb_ns "$1")
	shift
	(
		cd "$W/odd" && umask 0002 && exec 9>"$W/fd9" &&
			exec env LD_PRELOAD=/nonexistent/lvsbox-preload.so LVSBOX_LEAK=secret \
				PATH="$W/pathbin:$PATH" setpriv --groups 0,100 ip netns exec "$ns" "$@"
	)
}

# wait_file FILE SECONDS
wait_file() {
	local tries=$(($2 * 10))
	while [ "$tries" -gt 0 ]; do
		[ -e "$1" ] && return 0
		sleep 0.1
		tries=$((tries - 1))
	done
	return 1
}

# judge TAG WHO GROUPS: what the script TAG recorded
judge() {
	local o=$W/out/$1
	check_eq "$2: env is PATH (and the shell's PWD) alone" \
		"$(printf 'PATH=%s\nPWD=/' "$FIXED_PATH")" "$(cat "$o.env" 2>/dev/null)"
	check_eq "$2: the environment it was given is PATH alone (no LD_PRELOAD, nothing inherited)" \
		"PATH=$FIXED_PATH" "$(cat "$o.environ" 2>/dev/null)"
	check_eq "$2: cwd is /" / "$(cat "$o.pwd" 2>/dev/null)"
	check_eq "$2: umask is 0177" 0177 "$(cat "$o.umask" 2>/dev/null)"
	check_eq "$2: supplementary groups are the target gid alone" "$3" "$(cat "$o.groups" 2>/dev/null)"
	check_eq "$2: stdin, stdout and stderr are /dev/null" \
		"$(printf '/dev/null\n/dev/null\n/dev/null')" "$(cat "$o.stdio" 2>/dev/null)"
	check_eq "$2: the daemon's inherited descriptor 9 is not passed on" closed "$(cat "$o.fd9" 2>/dev/null)"
}

# ---- vrrpd: notify_master as nobody, whose group here is ours (root)
nb_instance VI_1 51 255 "$VIP/24" "notify_master \"$W/bin/probe.sh notify\" nobody root" >"$W/r1.conf"
start_odd r1 "$VRRPD" -n -l -D -f "$W/r1.conf" -p "$W/r1.vrrpd.pid" -S "$W/r1.sock" >"$W/r1.log" 2>&1 &
disown $!
if wait_file "$W/out/notify.done" 10; then ok "vrrpd: notify_master ran"; else
	fail "vrrpd: notify_master ran"; sed 's/^/#   /' "$W/r1.log" | tail -n 20; fi
judge notify "vrrpd notify_master (nobody, group root)" 0
check_eq "vrrpd: the script's stdout and stderr are not in the daemon's output" 0 \
	"$(grep -c "forged" "$W/r1.log")"

# ---- standalone checkd: MISC_CHECK as root; a bare name only on the daemon's PATH
cat >"$W/checkd.conf" <<EOF
global_defs {
    router_id script_env
}
virtual_server 10.77.0.120 80 {
    delay_loop 1
    lb_algo rr
    lb_kind NAT
    protocol TCP
    real_server $NB_NET.11 9101 {
        MISC_CHECK {
            misc_path "$W/bin/probe.sh misc"
            warmup 0
        }
    }
    real_server $NB_NET.11 9102 {
        MISC_CHECK {
            misc_path "pathprobe.sh"
            warmup 0
        }
    }
}
EOF
start_odd c "$CHECKD" -n -l -D -f "$W/checkd.conf" -S "$W/checkd.sock" -p "$W/checkd.pid" \
	>"$W/events" 2>"$W/checkd.log" &
disown $!
if wait_file "$W/out/misc.done" 10; then ok "checkd: MISC_CHECK ran"; else
	fail "checkd: MISC_CHECK ran"; sed 's/^/#   /' "$W/checkd.log" | tail -n 20; fi
sleep 1.5                 # a second run, and time for anything forged to arrive
judge misc "checkd MISC_CHECK (root)" 0
check_eq "checkd: no forged line in its event stream (stdout)" 0 "$(grep -c "forged" "$W/events")"
check_eq "checkd: the script's stderr is not in the daemon's log" 0 "$(grep -c "forged" "$W/checkd.log")"
check_cmd "checkd: the real event stream is there" grep -q " up tcp/10.77.0.120:80 $NB_NET.11:9101 " "$W/events"
if [ -e "$W/out/path.ran" ]; then fail "checkd: a bare name is not looked up in the daemon's PATH"; else
	ok "checkd: a bare name is not looked up in the daemon's PATH"; fi
check_cmd "checkd: the log says the bare name is not found" grep -q "pathprobe.sh: not found in PATH" "$W/checkd.log"
exit 0
