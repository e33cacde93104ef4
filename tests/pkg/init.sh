#!/bin/bash
# init.sh - platform/openwrt/lvsbox.init, the procd service script.
#
# Debian has no procd and no OpenWrt rc.common, so two things are checked:
#   1. busybox ash (OpenWrt's /bin/sh) parses the script (sh -n);
#   2. the script's start_service and service_triggers run under a STAND-IN
#      for OpenWrt's /etc/rc.common and /lib/functions/procd.sh written here,
#      which only records each procd_* call and each modprobe. It shows what
#      the script asks procd for; it does not show what procd does with it.
# The command line the script gives procd is then checked against lvsd's own
# --help (foreground flag, config flag), and the shipped config with lvsd -t.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
tmp=$(mktemp -d /tmp/lvsbox-init.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
init=platform/openwrt/lvsbox.init
LVSBOX=${LVSBOX:-build/x86_64/lvsbox}

busybox sh -n "$init" 2>"$tmp/err" && ok "busybox ash parses lvsbox.init" ||
	{ fail "busybox ash cannot parse lvsbox.init"; sed 's/^/#   /' "$tmp/err"; }
check_eq "lvsbox.init is run through /etc/rc.common" "#!/bin/sh /etc/rc.common" "$(head -1 "$init")"
[ -x "$init" ] && ok "lvsbox.init is executable" || fail "lvsbox.init is not executable"
for v in USE_PROCD=1 START=70 STOP=01; do
	grep -qx "$v" "$init" && ok "lvsbox.init sets $v" || fail "lvsbox.init does not set $v"
done

# The stand-in: procd_* functions and modprobe/logger that append to a log.
mkdir -p "$tmp/etc/lvsbox"
cat >"$tmp/standin.sh" <<'EOS'
# STAND-IN for OpenWrt's rc.common + procd.sh: records calls, does nothing else.
log() { echo "$*" >>"$CALLS"; }
procd_open_instance() { log procd_open_instance "$@"; }
procd_close_instance() { log procd_close_instance "$@"; }
procd_set_param() { log procd_set_param "$@"; }
procd_add_reload_trigger() { log procd_add_reload_trigger "$@"; }
procd_send_signal() { log procd_send_signal "$@"; }
# functions, since busybox's ash would run its own applets before PATH
modprobe() { log modprobe "$@"; }
logger() { log logger "$@"; }
# OpenWrt's uci CLI, answering only "uci -q get keepalived.globals.enabled"
uci() { [ -n "$UCI_ENABLED" ] && echo "$UCI_ENABLED"; }
EOS
# The script with its config path pointed into the scratch directory.
conf=$tmp/etc/lvsbox/lvsbox.conf
uci_config=$tmp/etc/config/keepalived uci_conf=$tmp/var/etc/keepalived.conf
mkdir -p "$tmp/etc/config"
sed -e "s|^CONF=/etc/lvsbox/lvsbox.conf\$|CONF=$conf|" -e "s|^UCI_CONFIG=.*|UCI_CONFIG=$uci_config|" \
	-e "s|^UCI_CONF=.*|UCI_CONF=$uci_conf|" "$init" >"$tmp/lvsbox.init"
cmp -s "$init" "$tmp/lvsbox.init" && fail "the test could not point CONF at its scratch config"

# run_init FUNCTION...: sources the script under busybox ash with the stand-in.
run_init() {
	: >"$tmp/calls"
	CALLS=$tmp/calls UCI_ENABLED=${UCI_ENABLED:-} busybox sh -c '. "$1"; . "$2"; shift 2; for f; do $f; echo "rc $f $?" >>"$CALLS"; done' \
		sh "$tmp/standin.sh" "$tmp/lvsbox.init" "$@" 2>"$tmp/err"
}

modules="ip_vs ip_vs_rr ip_vs_wrr ip_vs_lc ip_vs_wlc ip_vs_lblc ip_vs_lblcr ip_vs_dh ip_vs_sh ip_vs_sed ip_vs_nq ip_vs_fo ip_vs_ovf"
expect_modprobe=$(for m in $modules; do [ -d "/sys/module/$m" ] || echo "modprobe $m"; done)
cp platform/openwrt/lvsbox.conf "$conf"
run_init start_service service_triggers
check_eq "start_service loads IPVS and every scheduler kmod-nf-ipvs ships, then asks procd for one respawned lvsd in the foreground, reloaded by SIGHUP when the config file changes" \
	"$expect_modprobe
procd_open_instance
procd_set_param command /usr/sbin/lvsd -n -f $conf
procd_set_param respawn
procd_set_param file $conf
procd_set_param reload_signal HUP
procd_set_param stdout 1
procd_set_param stderr 1
procd_close_instance
rc start_service 0
procd_add_reload_trigger keepalived
rc service_triggers 0" "$(cat "$tmp/calls")"
[ -s "$tmp/err" ] && { fail "the script wrote to stderr"; sed 's/^/#   /' "$tmp/err"; }

rm -f "$conf"
run_init start_service
check_eq "without a config start_service logs why, starts nothing and fails" \
	"logger -t lvsbox no $conf: not starting
rc start_service 1" "$(cat "$tmp/calls")"

# The command line against lvsd itself: -n keeps it in the foreground (procd
# must own the process), -f names the config.
help=$("$LVSBOX" lvsd --help 2>&1)
grep -qE '^  -n +stay in the foreground' <<<"$help" && ok "lvsd --help: -n stays in the foreground" || fail "lvsd has no -n foreground flag"
grep -qE '^  -f FILE +config file' <<<"$help" && ok "lvsd --help: -f FILE is the config file" || fail "lvsd has no -f FILE"
"$LVSBOX" lvsd -t -f platform/openwrt/lvsbox.conf >"$tmp/t" 2>&1 && ok "lvsd -t accepts the shipped default config" ||
	{ fail "lvsd -t rejects platform/openwrt/lvsbox.conf"; sed 's/^/#   /' "$tmp/t"; }
grep -q '^# ---- UCI translation hook' "$init" && grep -q '^lvsbox_uci_translate$' <(sed -n '/^start_service()/,/^}/p' "$init" | tr -d '\t') &&
	ok "start_service calls the marked UCI translation hook first" || fail "the UCI translation hook is missing or not called"

# /etc/config/keepalived present: lvsd runs its translation. PROG points at
# this tree's lvsd for the translation; the expected text is `lvsd --uci`'s
# own (tests/cli/uci.sh checks that translation against keepalived).
sed -i "s|^PROG=.*|PROG=$PWD/build/x86_64/bin/lvsd|" "$tmp/lvsbox.init"
cp platform/openwrt/lvsbox.conf "$conf"
cp tests/fixtures/uci/director.uci "$uci_config"
run_init start_service
want=$("$LVSBOX" lvsd --uci "$uci_config" 2>/dev/null)
check_eq "with /etc/config/keepalived the translation is written to /var/etc/keepalived.conf" "$want" "$(cat "$uci_conf" 2>&1)"
grep -qx "procd_set_param command $PWD/build/x86_64/bin/lvsd -n -f $uci_conf" "$tmp/calls" &&
	grep -qx "procd_set_param file $uci_conf" "$tmp/calls" &&
	ok "procd runs lvsd on the translation and watches it for reloads" ||
	{ fail "procd is not given the translation"; sed 's/^/#   /' "$tmp/calls"; }
printf 'config vrrp_instance\n\toption bogus "unterminated\n' >>"$uci_config"
run_init start_service
check_eq "a broken /etc/config/keepalived leaves the previous translation in force" "$want" "$(cat "$uci_conf" 2>&1)"
grep -q "^logger -t lvsbox .*$uci_config:[0-9]*: .*keeping the previous translation" "$tmp/calls" &&
	grep -qx "procd_set_param file $uci_conf" "$tmp/calls" &&
	ok "the refusal is logged with file:line and lvsd keeps running on the previous translation" ||
	{ fail "a broken UCI file is not handled"; sed 's/^/#   /' "$tmp/calls"; }
[ -e "$uci_conf.new" ] && fail "a half-written translation was left behind"
UCI_ENABLED=0 run_init start_service
grep -qx "procd_set_param file $conf" "$tmp/calls" && ok "keepalived's globals.enabled=0: lvsd runs /etc/lvsbox/lvsbox.conf" ||
	{ fail "globals.enabled=0 is not honoured"; sed 's/^/#   /' "$tmp/calls"; }
