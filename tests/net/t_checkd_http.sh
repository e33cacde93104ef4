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
	echo "}"
	for vs in 1 2 3 4 5 6 7 8; do
		echo "virtual_server 10.77.0.10$vs 80 {"
		echo "    delay_loop 1"
		echo "    protocol TCP"
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
ck_stop
check_eq "nothing left running in the director namespace after stop" "" "$(ip netns pids "$(nb_ns c)")"
