/*
 * fuzz_conf_pieces.c - libFuzzer harness for a reload read in pieces: any
 * bytes as the new version of a fixed config. When the fingerprint finds
 * only virtual_server blocks changed and they read alone, the config they
 * make once swapped in must be the one a whole read of the same bytes
 * gives (as conf_keepalived_print writes it, checker counts and
 * diagnostics too), and the whole read must have no errors; anything else
 * aborts. Host names are not resolved.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "conf.h"
#include "conf_fingerprint.h"
#include "conf_printconf.h"
#include "daemon.h"

static const char base_text[] =
	"global_defs {\n router_id fuzz\n}\n"
	"virtual_server_group web {\n 10.0.0.10 80\n}\n"
	"virtual_server 10.0.0.1 80 {\n lb_algo rr\n lb_kind NAT\n protocol TCP\n"
	" real_server 192.168.1.1 80 {\n  weight 1\n  TCP_CHECK {\n   connect_timeout 3\n  }\n }\n}\n"
	"virtual_server group web {\n lb_algo wrr\n lb_kind DR\n protocol TCP\n"
	" real_server 192.168.2.1 80 {\n  weight 5\n }\n}\n"
	"virtual_server fwmark 7 {\n lb_algo sh\n lb_kind DR\n real_server 192.168.3.1 0 {\n  weight 1\n }\n}\n";

static char dir[64], path[80], new_path[80];

static void write_file(const char *name, const void *data, size_t size)
{
	FILE *f = fopen(name, "w");
	if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0)
		abort();
}

/* The checker defaults a virtual or real server passes down, which the
 * printer takes from the tree's nodes and lvsd lets go of. */
static void print_check_opts(FILE *f, const struct conf_check_opts *o)
{
	fprintf(f, "opts %u %u %u %u %u %u %d %s\n", o->connect_timeout_ms, o->delay_loop_ms,
		o->delay_before_retry_ms, o->warmup_ms, o->retry, o->nb_get_retry, o->alpha,
		o->virtualhost ? o->virtualhost : "-");
}

/* The config written back with each real server's checker count; what
 * only the checker needs of a real server (its checkers, their defaults,
 * notify lines) is left out (conf_keepalived_print skips it when it is not
 * there), as lvsd keeps none of it. */
static char *printed(struct conf_keepalived *c)
{
	char *buf = NULL;
	size_t len = 0, nrs = 0, k = 0;
	FILE *f = open_memstream(&buf, &len);
	for (int v = 0; v < c->nvirtual_servers; v++)
		nrs += (size_t)c->virtual_servers[v].nreal_servers;
	struct conf_rs_checks **kept = calloc(nrs + 1, sizeof(*kept));
	if (!f || !kept)
		abort();
	for (int v = 0; v < c->nvirtual_servers; v++) {
		print_check_opts(f, &c->virtual_servers[v].check_opts);
		for (int r = 0; r < c->virtual_servers[v].nreal_servers; r++) {
			struct conf_real_server *rs = &c->virtual_servers[v].real_servers[r];
			fprintf(f, "checkers %d\n", rs->ncheckers);
			kept[k++] = rs->checks;
			rs->checks = NULL;
		}
	}
	conf_keepalived_print(f, c);
	k = 0;
	for (int v = 0; v < c->nvirtual_servers; v++)
		for (int r = 0; r < c->virtual_servers[v].nreal_servers; r++)
			c->virtual_servers[v].real_servers[r].checks = kept[k++];
	free(kept);
	fclose(f);
	return buf;
}

static char *diags(const struct conf_tree *t)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		abort();
	conf_print_diags(f, t);
	fclose(f);
	return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!dir[0]) {
		strcpy(dir, "/tmp/fuzz_conf_pieces.XXXXXX");
		if (!mkdtemp(dir))
			abort();
		snprintf(path, sizeof(path), "%s/keepalived.conf", dir);
		snprintf(new_path, sizeof(new_path), "%s/new.conf", dir);
	}
	/* the base, then the new bytes in its place, as an editor leaves them */
	write_file(path, base_text, sizeof(base_text) - 1);
	int bad = 0;
	struct conf_keepalived *base = daemon_read(path, DAEMON_READ_SERVERS, &bad);
	struct conf_fingerprint *fp = base ? conf_fingerprint_make(base, path) : NULL;
	if (!fp)
		abort();
	conf_tree_drop_nodes(base->tree);
	base->tree->flags |= CONF_NO_RESOLVE;   /* and so the patches it reads */
	write_file(new_path, data, size);
	if (rename(new_path, path) != 0)
		abort();
	struct conf_reread r;
	const char *why;
	int n = conf_fingerprint_read(fp, path, &r);
	struct conf_keepalived *patch = n >= 0 ? daemon_patch_read(base, path, &r, &bad, &why) : NULL;
	if (patch) {
		char *got_diags = diags(patch->tree);
		conf_keepalived_patch_apply(base, patch, &r);
		struct conf_tree *tree = conf_parse_buffer(path, (const char *)data, size, CONF_NO_INCLUDE | CONF_NO_RESOLVE);
		struct conf_keepalived *whole = tree ? conf_keepalived_load(tree) : NULL;
		if (whole) {
			conf_tree_drop_nodes(whole->tree);   /* as lvsd keeps its config */
			char *want_diags = diags(whole->tree), *a = printed(base), *b = printed(whole);
			if (whole->tree->nerrors || strcmp(a, b) != 0 || strcmp(got_diags, want_diags) != 0) {
				fprintf(stderr, "in pieces:\n%s%s\nwhole:\n%s%s\n", a, got_diags, b, want_diags);
				abort();
			}
			free(a);
			free(b);
			free(want_diags);
		}
		free(got_diags);
		conf_keepalived_free(whole);
	}
	conf_reread_free(&r);
	conf_fingerprint_free(fp);
	conf_keepalived_free(base);
	return 0;
}
