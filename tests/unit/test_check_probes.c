/*
 * test_check_probes.c - every checker type run for real against servers on
 * loopback: a forked blocking server with scripted answers (HTTP, SMTP,
 * UDP, DNS), openssl s_server for SSL_GET, scripts for MISC_CHECK, and the
 * kernel's own echo replies for PING_CHECK. Each probe comes from a
 * keepalived config text through check_params_from_conf, as checkd does.
 *
 * The expected HTTP request is the one keepalived's genhash 2.2.7 sends
 * (captured from it); expected DNS bytes follow RFC 1035's layout.
 *
 * cross: host only. qemu-user passes socket error codes through untranslated
 * (MIPS numbers them differently), and the cross unit builds carry no TLS;
 * the targets' mbedTLS is checked by tests/cross/mbedtls_check.c.
 */
#include "check.h"
#include "conf.h"
#include "loop.h"
#include "unit.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static struct loop loop;
static struct check_ctx ctx;
static char tmpdir[64];

/* ---- running one probe ---- */

struct outcome { bool done; struct check_result r; };

static void on_done(struct check_probe *p, const struct check_result *r, void *arg)
{
	(void)p;
	struct outcome *o = arg;
	o->done = true;
	o->r = *r;
	loop_break(&loop);
}

static void on_guard(struct loop *l, struct loop_timer *t)
{
	(void)t;
	loop_break(l);
}

/* Loads cfg (a whole keepalived config) and runs the first checker of the
 * first real server once; false if it never finished within guard_ms. */
static bool run_conf(const char *cfg, struct outcome *o, unsigned guard_ms, char *err, size_t errsize)
{
	memset(o, 0, sizeof(*o));
	struct conf_tree *tree = conf_parse_buffer("test.conf", cfg, strlen(cfg), CONF_NO_INCLUDE);
	struct conf_keepalived *conf = tree ? conf_keepalived_load(tree) : NULL;
	if (!conf || conf->tree->nerrors || conf->nvirtual_servers < 1) {
		snprintf(err, errsize, "config rejected: %s", conf && conf->tree->ndiags ? conf->tree->diags[0].text : "?");
		conf_keepalived_free(conf);
		return false;
	}
	const struct conf_virtual_server *vs = &conf->virtual_servers[0];
	const struct conf_real_server *rs = &vs->real_servers[0];
	struct check_params params;
	if (check_params_from_conf(&params, conf, vs, rs, &rs->checks->checkers[0], err, errsize) < 0) {
		conf_keepalived_free(conf);
		return false;
	}
	struct check_probe *probe = check_probe_new(&ctx, &params);
	check_params_free(&params);
	conf_keepalived_free(conf);
	struct loop_timer guard;
	loop_timer_init(&guard, on_guard, NULL);
	loop_timer_arm(&loop, &guard, guard_ms);
	check_probe_start(probe, -1, on_done, o);
	bool inside = o->done;   /* done must never run inside start */
	loop_run(&loop);
	loop_timer_cancel(&loop, &guard);
	check_probe_free(probe);
	if (inside)
		snprintf(err, errsize, "done called inside check_probe_start");
	return o->done && !inside;
}

#define VS_HEAD "virtual_server 10.0.0.1 80 {\n  delay_loop 2\n  real_server 127.0.0.1 %d {\n"
#define VS_TAIL "  }\n}\n"

static int reserve_port(int type)
{
	int fd = socket(AF_INET, type, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	bind(fd, (struct sockaddr *)&a, sizeof(a));
	getsockname(fd, (struct sockaddr *)&a, &len);
	close(fd);
	return ntohs(a.sin_port);
}

/* ---- a forked HTTP server with scripted answers, by path ---- */

static pid_t http_pid;
static int http_port;

static void http_answer(int c, const char *path)
{
	static const char body[] = "hello";
	char out[512];
	if (strcmp(path, "/ok") == 0 || strcmp(path, "/request") == 0) {
		snprintf(out, sizeof(out), "HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\n%s", body);
	} else if (strcmp(path, "/503") == 0) {
		snprintf(out, sizeof(out), "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n");
	} else if (strcmp(path, "/garbage") == 0) {
		snprintf(out, sizeof(out), "\x16\x03\x01 this is no HTTP\r\n\r\n");
	} else if (strcmp(path, "/slow") == 0) {
		sleep(3);
		snprintf(out, sizeof(out), "HTTP/1.0 200 OK\r\n\r\nlate");
	} else if (strcmp(path, "/endless") == 0) {
		/* a body that never ends: written until the checker hangs up, at most 5 s */
		const char *head = "HTTP/1.0 200 OK\r\n\r\n";
		if (write(c, head, strlen(head)) < 0)
			return;
		char junk[4096];
		memset(junk, 'x', sizeof(junk));
		time_t until = time(NULL) + 5;
		while (time(NULL) < until && write(c, junk, sizeof(junk)) > 0)
			;
		return;
	} else if (strcmp(path, "/trickle") == 0) {
		/* one header byte a second: never finishes within the deadline */
		const char *head = "HTTP/1.0 200 OK\r\nX: ";
		if (write(c, head, strlen(head)) < 0)
			return;
		for (int i = 0; i < 5 && write(c, "y", 1) == 1; i++)
			sleep(1);
		return;
	} else if (strcmp(path, "/chunked") == 0) {
		snprintf(out, sizeof(out), "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
	} else {
		snprintf(out, sizeof(out), "HTTP/1.0 404 Not Found\r\n\r\n");
	}
	if (write(c, out, strlen(out)) < 0)
		return;
}

static void http_server(int lfd)
{
	for (int n = 0; n < 200; n++) {
		int c = accept(lfd, NULL, NULL);
		if (c < 0)
			_exit(0);
		if (fork() == 0) {
			char req[2048];
			size_t len = 0;
			ssize_t r;
			while (len < sizeof(req) - 1 && (r = read(c, req + len, sizeof(req) - 1 - len)) > 0) {
				len += (size_t)r;
				req[len] = '\0';
				if (strstr(req, "\r\n\r\n"))
					break;
			}
			req[len] = '\0';
			char path[256] = "";
			sscanf(req, "GET %255s", path);
			if (strcmp(path, "/request") == 0) {
				char file[128];
				snprintf(file, sizeof(file), "%s/request", tmpdir);
				int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0600);
				if (fd >= 0 && write(fd, req, len) < 0)
					_exit(1);
				close(fd);
			}
			http_answer(c, path);
			close(c);
			_exit(0);
		}
		close(c);
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
	}
	_exit(0);
}

static void start_http(void)
{
	int lfd = socket(AF_INET, SOCK_STREAM, 0);
	int one = 1;
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	bind(lfd, (struct sockaddr *)&a, sizeof(a));
	listen(lfd, 64);
	getsockname(lfd, (struct sockaddr *)&a, &len);
	http_port = ntohs(a.sin_port);
	http_pid = fork();
	if (http_pid == 0)
		http_server(lfd);
	close(lfd);
}

static void http_case(const char *what, const char *url_block, bool want_ok, const char *want_error)
{
	char cfg[1024], err[256] = "";
	snprintf(cfg, sizeof(cfg), VS_HEAD "    HTTP_GET {\n      connect_timeout 1\n%s    }\n" VS_TAIL, http_port, url_block);
	struct outcome o;
	bool finished = run_conf(cfg, &o, 5000, err, sizeof(err));
	CHECK(finished && o.r.ok == want_ok && (!want_error || strstr(o.r.error, want_error)),
	      "HTTP_GET %s: %s \"%s\" %s", what, o.r.ok ? "up" : "down", o.r.error, err);
}

static void test_http(void)
{
	start_http();
	http_case("200 with default status range", "      url {\n        path /ok\n      }\n", true, NULL);
	http_case("digest as genhash prints it (md5 of 'hello')",
		  "      url {\n        path /ok\n        digest 5d41402abc4b2a76b9719d911017c592\n      }\n", true, NULL);
	http_case("wrong digest",
		  "      url {\n        path /ok\n        digest 00000000000000000000000000000000\n      }\n", false,
		  "digest 5d41402abc4b2a76b9719d911017c592, expected 00000000000000000000000000000000");
	http_case("503 is down", "      url {\n        path /503\n      }\n", false, "HTTP status 503 not in 200-299");
	http_case("503 accepted by status_code range", "      url {\n        path /503\n        status_code 200 500-599\n      }\n", true, NULL);
	http_case("404 against status_code 200 301-302", "      url {\n        path /nothing\n        status_code 200 301-302\n      }\n",
		  false, "HTTP status 404 not in 200,301-302");
	http_case("garbage answer", "      url {\n        path /garbage\n      }\n", false, "malformed HTTP status line");
	http_case("slow answer beyond connect_timeout", "      url {\n        path /slow\n      }\n", false, "timed out after 1000 ms (reply)");
	http_case("endless body is cut off", "      url {\n        path /endless\n      }\n", false, "HTTP body larger than");
	http_case("header trickled byte by byte", "      url {\n        path /trickle\n      }\n", false, "timed out after 1000 ms (reply)");
	http_case("chunked digest matches genhash's",
		  "      url {\n        path /chunked\n        digest fc3946cc674492e3e09d9e45c4c09023\n      }\n", true, NULL);
	http_case("two urls, the second failing",
		  "      url {\n        path /ok\n      }\n      url {\n        path /503\n      }\n", false, "url /503: HTTP status 503");

	/* the request is byte for byte what genhash sends */
	http_case("request capture", "      url {\n        path /request\n      }\n", true, NULL);
	char file[128], req[1024] = "", want[256];
	snprintf(file, sizeof(file), "%s/request", tmpdir);
	int fd = open(file, O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, req, sizeof(req) - 1) : -1;
	if (n > 0)
		req[n] = '\0';
	if (fd >= 0)
		close(fd);
	snprintf(want, sizeof(want), "GET /request HTTP/1.0\r\nUser-Agent: KeepAliveClient\r\nHost: 127.0.0.1:%d\r\n\r\n", http_port);
	CHECK(strcmp(req, want) == 0, "HTTP_GET sends genhash's request (HTTP/1.0, UA, Host ip:port)");

	char cfg[1024], err[256] = "";
	snprintf(cfg, sizeof(cfg), VS_HEAD "    HTTP_GET {\n      http_protocol 1.1\n      virtualhost www.example.com\n"
		 "      url {\n        path /request\n      }\n    }\n" VS_TAIL, http_port);
	struct outcome o;
	run_conf(cfg, &o, 5000, err, sizeof(err));
	fd = open(file, O_RDONLY);
	n = fd >= 0 ? read(fd, req, sizeof(req) - 1) : -1;
	req[n > 0 ? n : 0] = '\0';
	if (fd >= 0)
		close(fd);
	CHECK(strcmp(req, "GET /request HTTP/1.1\r\nUser-Agent: KeepAliveClient\r\nConnection: close\r\nHost: www.example.com\r\n\r\n") == 0,
	      "HTTP_GET http_protocol 1.1 with virtualhost: Connection: close, Host: the virtualhost");

	kill(http_pid, SIGTERM);
	waitpid(http_pid, NULL, 0);
}

/* ---- TCP ---- */

/* A TCP socket listening on 127.0.0.1, on the port now in *a. */
static int listen_loopback(struct sockaddr_in *a)
{
	int lfd = socket(AF_INET, SOCK_STREAM, 0);
	socklen_t len = sizeof(*a);
	*a = (struct sockaddr_in){ .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	bind(lfd, (struct sockaddr *)a, sizeof(*a));
	listen(lfd, 8);
	getsockname(lfd, (struct sockaddr *)a, &len);
	return lfd;
}

static void test_tcp(void)
{
	struct sockaddr_in a;
	int lfd = listen_loopback(&a);
	char cfg[512], err[256] = "";
	struct outcome o;
	snprintf(cfg, sizeof(cfg), VS_HEAD "    TCP_CHECK {\n      connect_timeout 2\n    }\n" VS_TAIL, ntohs(a.sin_port));
	bool finished = run_conf(cfg, &o, 5000, err, sizeof(err));
	CHECK(finished && o.r.ok && o.r.latency_us < 2000000, "TCP_CHECK listening port: up in %u us %s", o.r.latency_us, err);
	close(lfd);

	snprintf(cfg, sizeof(cfg), VS_HEAD "    TCP_CHECK {\n      connect_timeout 2\n    }\n" VS_TAIL, reserve_port(SOCK_STREAM));
	finished = run_conf(cfg, &o, 5000, err, sizeof(err));
	CHECK(finished && !o.r.ok && strcmp(o.r.error, "connect: Connection refused") == 0, "TCP_CHECK closed port: \"%s\"", o.r.error);

	/* connect_port overrides the real server's port; bindto sets the source */
	lfd = listen_loopback(&a);
	snprintf(cfg, sizeof(cfg), VS_HEAD "    TCP_CHECK {\n      connect_port %d\n      bindto 127.0.0.2\n    }\n" VS_TAIL,
		 reserve_port(SOCK_STREAM), ntohs(a.sin_port));
	/* VS_HEAD's %d is the real server port: swap so it is the closed one */
	char cfg2[512];
	snprintf(cfg2, sizeof(cfg2), VS_HEAD "    TCP_CHECK {\n      connect_port %d\n      bindto 127.0.0.2\n    }\n" VS_TAIL,
		 reserve_port(SOCK_STREAM), ntohs(a.sin_port));
	finished = run_conf(cfg2, &o, 5000, err, sizeof(err));
	struct sockaddr_in peer;
	socklen_t plen = sizeof(peer);
	int c = accept4(lfd, (struct sockaddr *)&peer, &plen, SOCK_NONBLOCK);
	CHECK(finished && o.r.ok && c >= 0 && peer.sin_addr.s_addr == htonl(0x7f000002),
	      "TCP_CHECK connect_port and bindto 127.0.0.2: up, seen from %s", c >= 0 ? inet_ntoa(peer.sin_addr) : "nobody");
	if (c >= 0)
		close(c);
	close(lfd);
}

/* Probes alike but for their target share one copy of the rest of their
 * params, and each still probes its own target. */
static void test_shared_params(void)
{
	struct sockaddr_in a;
	int lfd = listen_loopback(&a);
	int open_port = ntohs(a.sin_port), closed_port = reserve_port(SOCK_STREAM);
	char cfg[1024], err[256] = "";
	snprintf(cfg, sizeof(cfg), "virtual_server 10.0.0.1 80 {\n  delay_loop 2\n"
		 "  real_server 127.0.0.1 %d {\n    TCP_CHECK {\n      connect_timeout 2\n    }\n  }\n"
		 "  real_server 127.0.0.1 %d {\n    TCP_CHECK {\n      connect_timeout 2\n    }\n  }\n"
		 "  real_server 127.0.0.2 %d {\n    TCP_CHECK {\n      connect_timeout 3\n    }\n  }\n}\n",
		 closed_port, open_port, open_port);
	struct conf_tree *tree = conf_parse_buffer("test.conf", cfg, strlen(cfg), CONF_NO_INCLUDE);
	struct conf_keepalived *conf = tree ? conf_keepalived_load(tree) : NULL;
	struct check_probe *probe[3] = { NULL, NULL, NULL };
	for (int i = 0; conf && i < 3 && i < conf->virtual_servers[0].nreal_servers; i++) {
		const struct conf_virtual_server *vs = &conf->virtual_servers[0];
		const struct conf_real_server *rs = &vs->real_servers[i];
		struct check_params params;
		if (check_params_from_conf(&params, conf, vs, rs, &rs->checks->checkers[0], err, sizeof(err)) < 0)
			break;
		probe[i] = check_probe_new(&ctx, &params);
		check_params_free(&params);
	}
	conf_keepalived_free(conf);
	CHECK(probe[0] && probe[1] && probe[2], "three TCP_CHECK probes made %s", err);
	if (!probe[0] || !probe[1] || !probe[2])
		goto out;
	CHECK(check_probe_params(probe[0]) == check_probe_params(probe[1]),
	      "two checkers differing only in their port share one copy of their params");
	CHECK(check_probe_params(probe[2]) != check_probe_params(probe[1]) &&
	      check_probe_params(probe[2])->connect_timeout_ms == 3000 &&
	      check_probe_params(probe[1])->connect_timeout_ms == 2000,
	      "a checker with another connect_timeout keeps its own (%u ms)",
	      check_probe_params(probe[2])->connect_timeout_ms);
	const union check_addr *t0 = check_probe_target(probe[0]), *t1 = check_probe_target(probe[1]);
	CHECK(ntohs(t0->sin.sin_port) == closed_port && ntohs(t1->sin.sin_port) == open_port,
	      "each probe keeps its own target (%u, %u)", ntohs(t0->sin.sin_port), ntohs(t1->sin.sin_port));
	/* the first user of the shared copy goes; the other still runs on it */
	check_probe_free(probe[0]);
	probe[0] = NULL;
	struct outcome o;
	struct loop_timer guard;
	memset(&o, 0, sizeof(o));
	loop_timer_init(&guard, on_guard, NULL);
	loop_timer_arm(&loop, &guard, 5000);
	check_probe_start(probe[1], -1, on_done, &o);
	loop_run(&loop);
	loop_timer_cancel(&loop, &guard);
	CHECK(o.done && o.r.ok, "the probe left on the shared params reaches its own listening port: %s",
	      o.done ? o.r.error : "no verdict");
out:
	for (int i = 0; i < 3; i++)
		check_probe_free(probe[i]);
	CHECK(ctx.nshapes == 0 && !ctx.shapes, "no shared params left once every probe is freed (%zu)", ctx.nshapes);
	close(lfd);
}

/* ---- MISC ---- */

static void misc_case(const char *what, const char *script, const char *opts, bool want_ok, int want_status, const char *want_error)
{
	char path[128], cfg[1024], err[256] = "";
	snprintf(path, sizeof(path), "%s/misc.sh", tmpdir);
	FILE *f = fopen(path, "w");
	fprintf(f, "#!/bin/sh\n%s\n", script);
	fclose(f);
	chmod(path, 0755);
	snprintf(cfg, sizeof(cfg), VS_HEAD "    MISC_CHECK {\n      misc_path \"%s arg1\"\n%s    }\n" VS_TAIL, 80, path, opts);
	struct outcome o;
	bool finished = run_conf(cfg, &o, 8000, err, sizeof(err));
	CHECK(finished && o.r.ok == want_ok && o.r.misc_status == want_status && (!want_error || strstr(o.r.error, want_error)),
	      "MISC_CHECK %s: %s status %d \"%s\" %s", what, o.r.ok ? "up" : "down", o.r.misc_status, o.r.error, err);
}

static void test_misc(void)
{
	misc_case("exit 0", "[ \"$1\" = arg1 ] || exit 1; exit 0", "", true, 0, NULL);
	misc_case("exit 1", "exit 1", "", false, 1, "exited 1");
	misc_case("exit 5 without misc_dynamic", "exit 5", "", false, 5, "exited 5");
	misc_case("exit 12 with misc_dynamic", "exit 12", "      misc_dynamic\n", true, 12, NULL);
	misc_case("exit 1 with misc_dynamic", "exit 1", "      misc_dynamic\n", false, 1, NULL);
	misc_case("overrunning misc_timeout", "sleep 10", "      misc_timeout 1\n", false, -1, "timed out after 1000 ms");
	misc_case("run as user nobody", "[ \"$(id -u)\" = 65534 ]", "      user nobody\n", true, 0, NULL);
}

/* ---- UDP and DNS: a forked UDP server answering with canned datagrams ---- */

static pid_t udp_pid;

/* Answers each datagram with reply (or the query's id patched in when patch_id). */
static int start_udp(const unsigned char *reply, size_t len, bool patch_id, bool silent)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t alen = sizeof(a);
	bind(fd, (struct sockaddr *)&a, sizeof(a));
	getsockname(fd, (struct sockaddr *)&a, &alen);
	udp_pid = fork();
	if (udp_pid == 0) {
		for (int i = 0; i < 20; i++) {
			unsigned char in[512], out[1024];
			struct sockaddr_in from;
			socklen_t flen = sizeof(from);
			ssize_t n = recvfrom(fd, in, sizeof(in), 0, (struct sockaddr *)&from, &flen);
			if (n < 0 || silent)
				continue;
			memcpy(out, reply, len);
			if (patch_id && n >= 2)
				memcpy(out, in, 2);
			sendto(fd, out, len, 0, (struct sockaddr *)&from, flen);
		}
		_exit(0);
	}
	close(fd);
	return ntohs(a.sin_port);
}

static void stop_udp(void)
{
	kill(udp_pid, SIGKILL);
	waitpid(udp_pid, NULL, 0);
}

static void test_udp(void)
{
	char cfg[1024], err[256] = "";
	struct outcome o;
	static const unsigned char pong[] = "PONG!";
	int port = start_udp(pong, 5, false, false);
	snprintf(cfg, sizeof(cfg), VS_HEAD "    UDP_CHECK {\n      connect_timeout 1\n      payload 50494e47\n      require_reply 504f4Xx7\n    }\n" VS_TAIL, port);
	bool finished = run_conf(cfg, &o, 5000, err, sizeof(err));
	CHECK(finished && o.r.ok, "UDP_CHECK require_reply with x wildcards matches: %s %s", o.r.error, err);
	snprintf(cfg, sizeof(cfg), VS_HEAD "    UDP_CHECK {\n      connect_timeout 1\n      require_reply 41\n    }\n" VS_TAIL, port);
	finished = run_conf(cfg, &o, 5000, err, sizeof(err));
	CHECK(finished && !o.r.ok && strstr(o.r.error, "differs from require_reply at byte 0"), "UDP_CHECK wrong reply: \"%s\"", o.r.error);
	snprintf(cfg, sizeof(cfg), VS_HEAD "    UDP_CHECK {\n      connect_timeout 1\n      require_reply\n      max_reply_length 3\n    }\n" VS_TAIL, port);
	finished = run_conf(cfg, &o, 5000, err, sizeof(err));
	CHECK(finished && !o.r.ok && strstr(o.r.error, "5 bytes, expected 0..3"), "UDP_CHECK reply too long: \"%s\"", o.r.error);
	stop_udp();

	port = start_udp(pong, 5, false, true);
	snprintf(cfg, sizeof(cfg), VS_HEAD "    UDP_CHECK {\n      connect_timeout 1\n    }\n" VS_TAIL, port);
	finished = run_conf(cfg, &o, 5000, err, sizeof(err));
	CHECK(finished && o.r.ok, "UDP_CHECK silent server without require_reply: up (no ICMP error) %s", o.r.error);
	snprintf(cfg, sizeof(cfg), VS_HEAD "    UDP_CHECK {\n      connect_timeout 1\n      require_reply\n    }\n" VS_TAIL, port);
	finished = run_conf(cfg, &o, 5000, err, sizeof(err));
	CHECK(finished && !o.r.ok && strstr(o.r.error, "timed out after 1000 ms (no UDP reply)"), "UDP_CHECK silent server with require_reply: \"%s\"", o.r.error);
	stop_udp();

	snprintf(cfg, sizeof(cfg), VS_HEAD "    UDP_CHECK {\n      connect_timeout 2\n    }\n" VS_TAIL, reserve_port(SOCK_DGRAM));
	finished = run_conf(cfg, &o, 5000, err, sizeof(err));
	CHECK(finished && !o.r.ok && strstr(o.r.error, "Connection refused"), "UDP_CHECK closed port (ICMP port unreachable): \"%s\"", o.r.error);
}

static void test_dns(void)
{
	/* An answer to "example.com A" laid out per RFC 1035 4.1: header (id
	 * patched by the server, QR RD RA, one question, one answer), the
	 * question, and an A record whose name is a pointer to offset 12. */
	static const unsigned char good[] = {
		0, 0, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0,
		7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0, 0, 1, 0, 1,
		0xc0, 12, 0, 1, 0, 1, 0, 0, 0x0e, 0x10, 0, 4, 192, 0, 2, 1,
	};
	char cfg[1024], err[256] = "";
	struct outcome o;
	int port = start_udp(good, sizeof(good), true, false);
	snprintf(cfg, sizeof(cfg), VS_HEAD "    DNS_CHECK {\n      connect_timeout 1\n      type A\n      name example.com\n    }\n" VS_TAIL, port);
	bool finished = run_conf(cfg, &o, 5000, err, sizeof(err));
	CHECK(finished && o.r.ok, "DNS_CHECK A example.com with a good answer: up %s %s", o.r.error, err);
	snprintf(cfg, sizeof(cfg), VS_HEAD "    DNS_CHECK {\n      connect_timeout 1\n      type MX\n      name example.com\n    }\n" VS_TAIL, port);
	finished = run_conf(cfg, &o, 5000, err, sizeof(err));
	/* keepalived 2.2.7 reads only the header: the question echoed does not matter */
	CHECK(finished && o.r.ok, "DNS_CHECK answer echoing another question (MX asked, A echoed): up as in keepalived %s", o.r.error);
	stop_udp();

	unsigned char nx[sizeof(good)];
	memcpy(nx, good, sizeof(good));
	nx[3] = 0x83;   /* RCODE 3 */
	port = start_udp(nx, sizeof(nx), true, false);
	snprintf(cfg, sizeof(cfg), VS_HEAD "    DNS_CHECK {\n      connect_timeout 1\n      type A\n      name example.com\n    }\n" VS_TAIL, port);
	finished = run_conf(cfg, &o, 5000, err, sizeof(err));
	CHECK(finished && !o.r.ok && strcmp(o.r.error, "DNS reply code NXDOMAIN") == 0, "DNS_CHECK NXDOMAIN: \"%s\"", o.r.error);
	stop_udp();

	unsigned char loop_ptr[sizeof(good)];
	memcpy(loop_ptr, good, sizeof(good));
	loop_ptr[29] = 0xc0;
	loop_ptr[30] = 29;  /* the answer's name points at itself */
	port = start_udp(loop_ptr, sizeof(loop_ptr), true, false);
	snprintf(cfg, sizeof(cfg), VS_HEAD "    DNS_CHECK {\n      connect_timeout 1\n      type A\n      name example.com\n    }\n" VS_TAIL, port);
	finished = run_conf(cfg, &o, 5000, err, sizeof(err));
	CHECK(finished && o.r.ok, "DNS_CHECK NOERROR with a compression loop in the answer: up (only the header decides, as in keepalived) %s", o.r.error);
	stop_udp();

	/* garbage with the wrong id is ignored until the deadline */
	static const unsigned char junk[] = "junk junk junk junk";
	port = start_udp(junk, sizeof(junk), false, false);
	snprintf(cfg, sizeof(cfg), VS_HEAD "    DNS_CHECK {\n      connect_timeout 1\n    }\n" VS_TAIL, port);
	finished = run_conf(cfg, &o, 5000, err, sizeof(err));
	CHECK(finished && !o.r.ok && strstr(o.r.error, "timed out"), "DNS_CHECK garbage reply: \"%s\"", o.r.error);
	stop_udp();
}

/* ---- SMTP ---- */

static void test_smtp(void)
{
	for (int variant = 0; variant < 3; variant++) {
		int lfd = socket(AF_INET, SOCK_STREAM, 0);
		struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
		socklen_t len = sizeof(a);
		bind(lfd, (struct sockaddr *)&a, sizeof(a));
		listen(lfd, 4);
		getsockname(lfd, (struct sockaddr *)&a, &len);
		pid_t pid = fork();
		if (pid == 0) {
			int c = accept(lfd, NULL, NULL);
			const char *greeting = variant == 1 ? "554 go away\r\n" : "220-mx.test ESMTP\r\n220 ready\r\n";
			if (write(c, greeting, strlen(greeting)) < 0)
				_exit(1);
			char buf[256] = "";
			ssize_t n = read(c, buf, sizeof(buf) - 1);
			buf[n > 0 ? n : 0] = '\0';
			const char *ans = variant == 2 ? "500 what\r\n" : strcmp(buf, "HELO probe.test\r\n") == 0 ? "250 hi\r\n" : "501 bad\r\n";
			if (write(c, ans, strlen(ans)) < 0)
				_exit(1);
			n = read(c, buf, sizeof(buf) - 1);
			_exit(0);
		}
		close(lfd);
		char cfg[1024], err[256] = "";
		struct outcome o;
		snprintf(cfg, sizeof(cfg), VS_HEAD "    SMTP_CHECK {\n      connect_timeout 2\n      helo_name probe.test\n    }\n" VS_TAIL, ntohs(a.sin_port));
		bool finished = run_conf(cfg, &o, 5000, err, sizeof(err));
		static const char *const what[] = { "multi-line greeting, HELO accepted: up", "554 greeting: down", "HELO refused: down" };
		static const char *const want[] = { "", "SMTP greeting 554, expected 220", "SMTP HELO answered 500, expected 250" };
		CHECK(finished && o.r.ok == (variant == 0) && strcmp(o.r.error, want[variant]) == 0, "SMTP_CHECK %s \"%s\" %s", what[variant], o.r.error, err);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
}

/* ---- PING ---- */

static void test_ping(void)
{
	char cfg[512], err[256] = "";
	struct outcome o;
	snprintf(cfg, sizeof(cfg), VS_HEAD "    PING_CHECK {\n      connect_timeout 2\n    }\n" VS_TAIL, 80);
	bool finished = run_conf(cfg, &o, 5000, err, sizeof(err));
	CHECK(finished && o.r.ok, "PING_CHECK 127.0.0.1: up in %u us %s %s", o.r.latency_us, o.r.error, err);
	snprintf(cfg, sizeof(cfg), "virtual_server 10.0.0.1 80 {\n  real_server ::1 80 {\n    PING_CHECK {\n      connect_timeout 2\n    }\n  }\n}\n");
	finished = run_conf(cfg, &o, 5000, err, sizeof(err));
	CHECK(finished && o.r.ok, "PING_CHECK ::1: up in %u us %s %s", o.r.latency_us, o.r.error, err);
}

/* ---- SSL_GET against openssl s_server ---- */

static int run_cmd(const char *cmd)
{
	int rc = system(cmd);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/* Files of the SSL block that mbedTLS refuses: the reason, in words, names
 * the file and keeps mbedTLS's number. The codes are those mbedTLS's
 * x509_crt.h and pk.h document for such input. */
static void ssl_file_error(const char *what, struct check_ssl_conf *bad, const char *file, const char *reason)
{
	char err[256], want[256];
	struct check_ctx c;
	check_ctx_init(&c, &loop, NULL, err, sizeof(err));
	int rc = check_ctx_set_ssl(&c, bad, err, sizeof(err));
	snprintf(want, sizeof(want), "%s: %s (mbedTLS -0x", file, reason);
	CHECK(rc != 0 && strncmp(err, want, strlen(want)) == 0 && err[strlen(err) - 1] == ')',
	      "SSL block %s: refused with \"%s\"", what, rc ? err : "(accepted)");
	check_ctx_done(&c);
}

static void test_ssl_file_errors(const struct check_ssl_conf *none)
{
	char garbage[160], cert[160], key[160];
	snprintf(garbage, sizeof(garbage), "%s/garbage.pem", tmpdir);
	snprintf(cert, sizeof(cert), "%s/cert.pem", tmpdir);
	snprintf(key, sizeof(key), "%s/key.pem", tmpdir);
	FILE *f = fopen(garbage, "w");
	if (f) {
		fputs("this is no certificate\n", f);
		fclose(f);
	}
	struct check_ssl_conf bad = *none;
	bad.ca = garbage;
	ssl_file_error("ca of text", &bad, garbage, "not a certificate");
	bad = *none;
	bad.certificate = cert;
	bad.key = cert;
	ssl_file_error("key that is a certificate", &bad, cert, "not a private key");
	bad.certificate = garbage;
	bad.key = key;
	ssl_file_error("certificate of text", &bad, garbage, "not a certificate");
}

static void test_ssl(void)
{
	char cmd[1024];
	snprintf(cmd, sizeof(cmd),
		 "cd %s && openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 2 "
		 "-subj /CN=rs.test -addext subjectAltName=DNS:rs.test >/dev/null 2>&1 && "
		 "openssl req -x509 -newkey rsa:2048 -nodes -keyout other-key.pem -out other.pem -days 2 -subj /CN=other >/dev/null 2>&1",
		 tmpdir);
	if (run_cmd(cmd) != 0) {
		CHECK(0, "SSL_GET: openssl could not make a test certificate");
		return;
	}
	int port = reserve_port(SOCK_STREAM);
	pid_t pid = fork();
	if (pid == 0) {
		char portarg[16], cert[128], key[128];
		snprintf(portarg, sizeof(portarg), "%d", port);
		snprintf(cert, sizeof(cert), "%s/cert.pem", tmpdir);
		snprintf(key, sizeof(key), "%s/key.pem", tmpdir);
		int devnull = open("/dev/null", O_RDWR);
		dup2(devnull, 0);
		dup2(devnull, 1);
		dup2(devnull, 2);
		/* bounded even if this test dies before it kills the server */
		execlp("timeout", "timeout", "60", "openssl", "s_server", "-accept", portarg, "-cert", cert, "-key", key, "-www", "-naccept", "10", (char *)NULL);
		_exit(127);
	}
	/* wait for the listener, bounded */
	for (int i = 0; i < 50; i++) {
		int fd = socket(AF_INET, SOCK_STREAM, 0);
		struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
		int rc = connect(fd, (struct sockaddr *)&a, sizeof(a));
		close(fd);
		if (rc == 0)
			break;
		usleep(100000);
	}
	/* that probe connection used one of -naccept's 10 */
	char cfg[1024], err[256] = "";
	struct outcome o;
	struct check_ssl_conf none = { 0 };
	check_ctx_done(&ctx);
	check_ctx_init(&ctx, &loop, &none, err, sizeof(err));
	snprintf(cfg, sizeof(cfg), VS_HEAD "    SSL_GET {\n      connect_timeout 3\n      url {\n        path /\n      }\n    }\n" VS_TAIL, port);
	bool finished = run_conf(cfg, &o, 8000, err, sizeof(err));
	CHECK(finished && o.r.ok && !o.r.tls_resumed, "SSL_GET without CA: up, full handshake %s %s", o.r.error, err);

	/* a kept session is resumed: one probe, two attempts */
	struct conf_tree *tree = conf_parse_buffer("test.conf", cfg, strlen(cfg), CONF_NO_INCLUDE);
	struct conf_keepalived *conf = conf_keepalived_load(tree);
	struct check_params params;
	const struct conf_real_server *rs = &conf->virtual_servers[0].real_servers[0];
	check_params_from_conf(&params, conf, &conf->virtual_servers[0], rs, &rs->checks->checkers[0], err, sizeof(err));
	struct check_probe *probe = check_probe_new(&ctx, &params);
	struct outcome first, second;
	struct loop_timer guard;
	loop_timer_init(&guard, on_guard, NULL);
	memset(&first, 0, sizeof(first));
	memset(&second, 0, sizeof(second));
	loop_timer_arm(&loop, &guard, 8000);
	check_probe_start(probe, -1, on_done, &first);
	loop_run(&loop);
	loop_timer_arm(&loop, &guard, 8000);
	check_probe_start(probe, -1, on_done, &second);
	loop_run(&loop);
	loop_timer_cancel(&loop, &guard);
	CHECK(first.r.ok && second.r.ok && second.r.tls_resumed, "SSL_GET second attempt resumes the TLS session (%s/%s)",
	      first.r.error, second.r.error);
	check_probe_free(probe);
	check_params_free(&params);
	conf_keepalived_free(conf);

	/* CA verification: the right CA and SNI name pass, another CA fails */
	char ca[128];
	snprintf(ca, sizeof(ca), "%s/cert.pem", tmpdir);
	struct check_ssl_conf with_ca = { .ca = ca };
	check_ctx_done(&ctx);
	check_ctx_init(&ctx, &loop, &with_ca, err, sizeof(err));
	snprintf(cfg, sizeof(cfg), VS_HEAD "    SSL_GET {\n      connect_timeout 3\n      enable_sni\n      virtualhost rs.test\n"
		 "      url {\n        path /\n      }\n    }\n" VS_TAIL, port);
	finished = run_conf(cfg, &o, 8000, err, sizeof(err));
	CHECK(finished && o.r.ok, "SSL_GET verified against its CA with SNI rs.test: up %s %s", o.r.error, err);

	snprintf(ca, sizeof(ca), "%s/other.pem", tmpdir);
	check_ctx_done(&ctx);
	check_ctx_init(&ctx, &loop, &with_ca, err, sizeof(err));
	finished = run_conf(cfg, &o, 8000, err, sizeof(err));
	CHECK(finished && !o.r.ok && strstr(o.r.error, "certificate verification failed"), "SSL_GET with another CA: \"%s\"", o.r.error);
	check_ctx_done(&ctx);
	check_ctx_init(&ctx, &loop, &none, err, sizeof(err));
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	test_ssl_file_errors(&none);

	/* a peer that accepts and never speaks TLS: the handshake times out */
	int lfd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	bind(lfd, (struct sockaddr *)&a, sizeof(a));
	listen(lfd, 4);
	getsockname(lfd, (struct sockaddr *)&a, &len);
	snprintf(cfg, sizeof(cfg), VS_HEAD "    SSL_GET {\n      connect_timeout 1\n      url {\n        path /\n      }\n    }\n" VS_TAIL, ntohs(a.sin_port));
	finished = run_conf(cfg, &o, 5000, err, sizeof(err));
	CHECK(finished && !o.r.ok && strcmp(o.r.error, "timed out after 1000 ms (TLS handshake)") == 0, "SSL_GET stalled TLS peer: \"%s\"", o.r.error);
	close(lfd);

	/* a plain HTTP server spoken to with TLS */
	start_http();
	snprintf(cfg, sizeof(cfg), VS_HEAD "    SSL_GET {\n      connect_timeout 2\n      url {\n        path /ok\n      }\n    }\n" VS_TAIL, http_port);
	finished = run_conf(cfg, &o, 5000, err, sizeof(err));
	CHECK(finished && !o.r.ok && strstr(o.r.error, "TLS handshake"), "SSL_GET against plain HTTP: \"%s\"", o.r.error);
	kill(http_pid, SIGTERM);
	waitpid(http_pid, NULL, 0);
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_check.XXXXXX");
	if (!mkdtemp(tmpdir) || loop_init(&loop) < 0) {
		CHECK(0, "checkers: set-up (tmpdir, loop)");
		return 1;
	}
	chmod(tmpdir, 0755);
	char err[128];
	check_ctx_init(&ctx, &loop, NULL, err, sizeof(err));
	test_tcp();
	test_shared_params();
	test_http();
	test_misc();
	test_udp();
	test_dns();
	test_smtp();
	test_ping();
	test_ssl();
	check_ctx_done(&ctx);
	loop_done(&loop);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	run_cmd(cmd);
	return unit_exit();
}
