#!/bin/bash
# t_checkd_http.sh - checkd's HTTP_GET, SSL_GET and MISC_CHECK against real
# servers in a namespace: Debian's nginx over HTTP and HTTPS (a certificate
# made here with openssl), a slow stub, scripts. keepalived's genhash is the
# oracle for digests, both in the configs and for `checkd --digest`.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
. tests/net/netns.sh
. tests/net/checkd_bed.sh
ck_require "checkd http"
ck_setup

S=$CK_SRV
VS=tcp/10.77.0.100:80
W=$NB_WORK
chmod 711 "$W"
mkdir -m 1777 "$W/out"
mkdir -p "$W/www"
printf 'hello from the real server\n' >"$W/www/index.html"
# 70,000 bytes, then a marker: past the 64 KiB the regex looks at.
{ head -c 70000 /dev/zero | tr '\0' x; echo tail-marker; } >"$W/www/big.html"
chmod -R a+rX "$W/www"

openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=www.test \
	-keyout "$W/key.pem" -out "$W/cert.pem" >/dev/null 2>&1 || die_suite "checkd http: openssl cannot make a certificate"
cat >"$W/nginx.conf" <<EOF
daemon off;
worker_processes 1;
pid $W/nginx.pid;
error_log $W/nginx.err;
events { worker_connections 64; }
http {
    access_log off;
    server {
        listen $S:80;
        listen $S:443 ssl;
        ssl_certificate $W/cert.pem;
        ssl_certificate_key $W/key.pem;
        root $W/www;
        location /e503 { return 503 "busy\n"; }
    }
}
EOF
ck_srv_bg nginx -c "$W/nginx.conf" >/dev/null
# A server that answers after 3 s.
ck_srv_bg socat TCP-LISTEN:8081,bind=$S,fork,reuseaddr \
	SYSTEM:"sleep 3; printf 'HTTP/1.0 200 OK\r\n\r\nlate\n'" >/dev/null
# genhash exits 0 even when it cannot connect: wait for a digest itself.
for i in $(seq 1 100); do
	digest=$(ck_srv genhash -s "$S" -p 80 -u /index.html 2>/dev/null)
	case "$digest" in [0-9a-f]*) break ;; esac
	sleep 0.1
done
case "$digest" in [0-9a-f]*) [ ${#digest} = 32 ] && ok "genhash (the oracle) digests nginx's page" ;;
*) die_suite "checkd http: genhash gives no digest ('$digest'); nginx: $(cat "$W/nginx.err")" ;; esac

# --digest against genhash.
check_eq "checkd --digest prints what genhash prints (HTTP)" "$digest" \
	"$(nb_exec c "$CHECKD" --digest "http://$S/index.html" 2>&1)"
check_eq "checkd --digest prints what genhash prints (HTTPS)" "$(ck_srv genhash -S -s "$S" -p 443 -u /index.html)" \
	"$(nb_exec c "$CHECKD" --digest "https://$S/index.html" 2>&1)"
check_eq "checkd --digest of an error page matches genhash too" "$(ck_srv genhash -s "$S" -p 80 -u /e503)" \
	"$(nb_exec c "$CHECKD" --digest "http://$S/e503" 2>&1)"
nb_exec c "$CHECKD" --digest "http://$S:81/" >/dev/null 2>&1
check_eq "checkd --digest: a refused connection exits 1" 1 $?

rs() { # PORT WEIGHT CHECKER-BODY...
	local port=$1 weight=$2
	shift 2
	echo "    real_server $S $port {"
	echo "        weight $weight"
	printf '        %s\n' "$@"
	echo "    }"
}
common="connect_timeout 1
            retry 0
            warmup 0"
{
	echo "global_defs {"
	echo "    router_id checkd_http"
	echo "    enable_script_security"
	echo "    script_user root     # scripts without a user of their own are refused without one"
	echo "}"
	for vs in 1 2 3 4 5 6 7 8 9; do
		echo "virtual_server 10.77.0.10$vs 80 {"
		echo "    delay_loop 1"
		echo "    protocol TCP"
		echo "    lb_algo rr"
		echo "    lb_kind NAT"
		case $vs in
		1) rs 80 1 "HTTP_GET {" "url {" "path /index.html" "digest $digest" "status_code 200" "}" "$common" "}" ;;
		2) rs 80 1 "HTTP_GET {" "url {" "path /e503" "}" "$common" "}" ;;
		3) rs 80 1 "HTTP_GET {" "url {" "path /e503" "status_code 200-299 500-599" "}" "$common" "}" ;;
		4) rs 80 1 "HTTP_GET {" "url {" "path /index.html" "digest 0123456789abcdef0123456789abcdef" "}" "$common" "}" ;;
		5) rs 443 1 "SSL_GET {" "url {" "path /index.html" "digest $digest" "}" "$common" "}" ;;
		6) rs 80 1 "SSL_GET {" "url {" "path /index.html" "}" "$common" "}" ;;
		7) rs 8081 1 "HTTP_GET {" "url {" "path /" "}" "$common" "}" ;;
		8) rs 9001 1 "MISC_CHECK {" "misc_path \"/bin/sh -c 'id -un > $W/out/misc.tmp; mv $W/out/misc.tmp $W/out/misc.who; exit 12'\"" \
			"misc_dynamic" "user nobody" "}"
		   rs 9002 1 "MISC_CHECK {" "misc_path \"sleep 5\"" "misc_timeout 0.5" "}" ;;
		9) # url regex against nginx's page: ports 80 (HTTP) and 443 (SSL_GET) of
		   # one real server are different real servers here, so use
		   # connect_port to point several at the same nginx
		   rs 8001 1 "HTTP_GET {" "connect_port 80" "url {" "path /index.html" "regex \"hello from the (real|fake) server\"" "}" "$common" "}"
		   rs 8002 1 "HTTP_GET {" "connect_port 80" "url {" "path /index.html" "regex \"goodbye\"" "}" "$common" "}"
		   rs 8003 1 "HTTP_GET {" "connect_port 80" "url {" "path /index.html" "regex hello" "regex_no_match" "}" "$common" "}"
		   rs 8004 1 "HTTP_GET {" "connect_port 80" "url {" "path /index.html" "regex goodbye" "regex_no_match" "}" "$common" "}"
		   rs 8005 1 "HTTP_GET {" "connect_port 80" "url {" "path /index.html" "regex \"HELLO FROM\"" "regex_options caseless" "}" "$common" "}"
		   rs 8006 1 "SSL_GET {" "connect_port 443" "url {" "path /index.html" "regex \"real server\"" "}" "$common" "}"
		   rs 8007 1 "HTTP_GET {" "connect_port 80" "url {" "path /big.html" "regex tail-marker" "}" "$common" "}"
		   rs 8008 1 "HTTP_GET {" "connect_port 80" "url {" "path /index.html" "regex \"^real\"" "regex_min_offset 15" "}" "$common" "}"
		   rs 8010 1 "HTTP_GET {" "connect_port 80" "url {" "path /index.html" "regex \"real server\"" "regex_min_offset 15" "}" "$common" "}"
		   rs 8011 1 "HTTP_GET {" "connect_port 80" "url {" "path /index.html" "regex hello" "regex_min_offset 1" "}" "$common" "}"
		   rs 8009 1 "HTTP_GET {" "connect_port 80" "url {" "path /index.html" "regex server" "regex_max_offset 3" "}" "$common" "}" ;;
		esac
		echo "}"
	done
} >"$W/http.conf"

ck_start "$W/http.conf"
ck_sleep_until 2.5

down_line() { grep -v initial "$CK_EVENTS" | grep -E " down tcp/10.77.0.10$1:80 $S:$2 " | head -n 1; }
expect_down() { # WHAT VS PORT PATTERN
	local line
	line=$(down_line "$2" "$3")
	case "$line" in *$4*) ok "$1" ;; *) fail "$1"; echo "#   got: '$line'" ;; esac
}
expect_up() { # WHAT VS PORT
	local st
	st=$(ck_get "tcp/10.77.0.10$2:80" "$S:$3" state)
	if [ "$st" = up ] && [ -z "$(down_line "$2" "$3")" ] &&
	   [ "$(ck_get "tcp/10.77.0.10$2:80" "$S:$3" checkers.0.last_result)" = ok ]; then ok "$1"; else
		fail "$1"; echo "#   state '$st', last error '$(ck_get "tcp/10.77.0.10$2:80" "$S:$3" checkers.0.error)'"
	fi
}

expect_up "HTTP_GET: nginx page with genhash's digest and status 200 stays up" 1 80
expect_down "HTTP_GET: 503 outside the default 200-299 goes down, says 503" 2 80 "HTTP_GET $S:80: *503*"
expect_up "HTTP_GET: status_code ranges (500-599) accept the 503" 3 80
expect_down "HTTP_GET: wrong digest goes down, says digest" 4 80 "*igest*"
expect_up "SSL_GET: nginx over TLS (certificate made here) with the digest stays up" 5 443
expect_down "SSL_GET: a plain-HTTP port fails the TLS handshake" 6 80 "SSL_GET $S:80: *"
expect_down "HTTP_GET: an answer slower than connect_timeout goes down, says timed out" 7 8081 "*time*"
check_cmd "MISC_CHECK misc_dynamic: exit 12 sets the weight to 10" \
	grep -Eq " weight tcp/10.77.0.108:80 $S:9001 weight=10 " "$CK_EVENTS"
check_eq "MISC_CHECK: the script ran as its user" nobody "$(cat "$W/out/misc.who" 2>/dev/null)"
expect_down "MISC_CHECK: a script overrunning misc_timeout is killed, the server goes down" 8 9002 "*"
check_eq "--json: misc_dynamic weight" 10 "$(ck_get tcp/10.77.0.108:80 "$S:9001" weight)"

# url regex (keepalived's keywords; POSIX ERE here, docs/checkd.md)
expect_up "regex: nginx's page matches the pattern, stays up" 9 8001
expect_down "regex: a page without the pattern goes down, says so" 9 8002 "HTTP_GET $S:80: url /index.html: body does not match regex 'goodbye'"
expect_down "regex_no_match: a page with the pattern goes down, says so" 9 8003 "HTTP_GET $S:80: url /index.html: body matches (regex_no_match) regex 'hello'"
expect_up "regex_no_match: a page without the pattern stays up" 9 8004
expect_up "regex_options caseless: matches another case" 9 8005
expect_up "regex over SSL_GET: nginx's page over TLS matches" 9 8006
expect_down "regex: only the first 64 KiB of the body are searched (a marker at 70,000 bytes is not seen)" 9 8007 "*does not match regex 'tail-marker'"
expect_down "regex_min_offset: ^ does not match where the skipped part ends" 9 8008 "*does not match regex '^real'"
expect_up "regex_min_offset: a match right after the skipped part counts" 9 8010
expect_down "regex_min_offset: a match inside the skipped part does not" 9 8011 "*does not match regex 'hello'"
expect_down "regex_max_offset: a match starting after it does not count" 9 8009 "*does not match regex 'server'"
check_eq "regex: --json keeps the error text" "url /index.html: body does not match regex 'goodbye'" \
	"$(ck_get tcp/10.77.0.109:80 "$S:8002" checkers.0.error)"
ck_stop
nb_wait_gone c 3
check_eq "nothing left running in the director namespace after stop" "" "$(ip netns pids "$(nb_ns c)")"

# The SSL block on reload: the CA file is read again (a fixed CA brings the
# server up), a block that does not load keeps the running one with an
# error, and a changed CA applies to the next SSL_GET.
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=other.test \
	-keyout "$W/other-key.pem" -out "$W/other-ca.pem" >/dev/null 2>&1 || die_suite "checkd http: openssl cannot make a second certificate"
cp "$W/other-ca.pem" "$W/ca.pem"
ssl_conf() { # CA-FILE
	cat <<EOF2
SSL {
    ca $1
}
virtual_server 10.77.0.120 443 {
    delay_loop 1
    protocol TCP
    lb_algo rr
    lb_kind NAT
    real_server $S 443 {
        SSL_GET {
            url {
                path /index.html
            }
            connect_timeout 1
            retry 0
            warmup 0
        }
    }
}
EOF2
}
ssl_conf "$W/ca.pem" >"$W/ssl.conf"
ck_start "$W/ssl.conf"
SVS="tcp/10.77.0.120:443 $S:443"
if ck_wait_event " down $SVS weight=1 reason=SSL_GET $S:443: url /index.html: TLS handshake: certificate verification failed" 4; then
	ok "SSL block: a server whose certificate the CA did not sign goes down, says why"
else
	fail "SSL block: a server whose certificate the CA did not sign goes down, says why"; ck_log_tail
fi
cp "$W/cert.pem" "$W/ca.pem"
kill -HUP "$CK_PID"
if ck_wait_event " up $SVS weight=1 reason=" 4; then ok "SSL block: the CA file fixed and reloaded, the server comes up"; else
	fail "SSL block: the CA file fixed and reloaded, the server comes up"; ck_log_tail; fi
ssl_conf "$W/missing.pem" >"$W/ssl.conf"
kill -HUP "$CK_PID"
sleep 2.5
check_cmd "SSL block: a block that does not load is reported and the running one kept" \
	grep -q "reload: SSL block: $W/missing.pem: .*keeping the running one" "$NB_WORK/checkd.log"
check_eq "SSL block: ... and the server stays up under the running one" up "$(ck_get tcp/10.77.0.120:443 "$S:443" state)"
ssl_conf "$W/ca.pem" >"$W/ssl.conf"
cp "$W/other-ca.pem" "$W/ca.pem"
kill -HUP "$CK_PID"
if ck_wait_count " down $SVS weight=1 reason=.*certificate verification failed" 2 4; then
	ok "SSL block: a changed CA applies to the next SSL_GET"
else
	fail "SSL block: a changed CA applies to the next SSL_GET"; ck_log_tail
fi
ck_stop
