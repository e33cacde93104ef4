/*
 * conf.h - the keepalived-syntax configuration file shared by lvsd, checkd
 * and vrrpd.
 *
 * Two layers. The generic layer (conf.c) turns a file, with its includes and
 * $NAME substitutions, into a tree of nodes {keyword, args, children, file,
 * line} and prints a tree back in canonical form. The typed layer
 * (conf_keepalived.c) walks that tree into structs for global_defs,
 * vrrp_script, vrrp_instance, vrrp_sync_group, virtual_server_group and
 * virtual_server. Every problem becomes one diagnostic "file:line: reason";
 * errors make the config unusable, warnings (unknown keyword, deprecated
 * spelling) do not.
 */
#ifndef LVSBOX_CONF_H
#define LVSBOX_CONF_H

#include <stddef.h>
#include <stdio.h>

/* Bounds: input beyond them is an error, never a crash or a hang. */
#define CONF_MAX_LINE          4096      /* bytes in one line, also after substitution */
#define CONF_MAX_FILE          (64 << 20) /* bytes in one file */
#define CONF_MAX_TOTAL         (128 << 20) /* bytes in a file and all it includes */
#define CONF_MAX_NESTING       16        /* { } blocks inside each other */
#define CONF_MAX_INCLUDE_DEPTH 8         /* includes inside includes */
#define CONF_MAX_INCLUDE_FILES 256       /* files one include pattern may match */
#define CONF_MAX_WORDS         256       /* words on one line */
#define CONF_MAX_DEFS          256       /* $NAME=value definitions */
#define CONF_MAX_DIAGS         100       /* diagnostics kept; later ones only counted */

/* Nodes and their words are owned by the tree and never change; equal
 * words may be one copy. Kept small: a large config has 200,000 nodes, so
 * where a block closes is kept beside the tree, for top-level blocks only
 * (conf_block_end). */
struct conf_node {
	char *keyword;              /* NULL only for the root */
	struct conf_node *child;    /* first child */
	struct conf_node *next;     /* next sibling */
	const char *file;           /* owned by the tree */
	int line;
	unsigned short nargs;       /* at most CONF_MAX_WORDS */
	unsigned char has_block;    /* was followed by { } (possibly empty) */
	char *args[];               /* nargs words, in the node's own allocation */
};

/* conf_diag's is_error for a note: shown like a warning but not counted in
 * nwarnings, for what keepalived accepts silently (so -t still exits 0). */
#define CONF_NOTE 2

struct conf_diag {
	int is_error;               /* 1 error, 0 warning, CONF_NOTE */
	int line;
	const char *file;
	char *text;                 /* "file:line: reason" */
};

struct conf_tree {
	void *mem;                  /* the chunks holding words and the typed layer's structs */
	void *node_mem;             /* the chunks holding nodes (conf_tree_drop_nodes) */
	char **files;               /* every file name nodes point to */
	int nfiles;
	struct conf_diag diags[CONF_MAX_DIAGS];
	int ndiags;                 /* kept in diags[] */
	int nerrors, nwarnings, nnotes; /* all, including those not kept */
	unsigned flags;             /* the CONF_* flags it was parsed with */
	struct conf_block_end { const struct conf_node *node; int line, file; } *ends; /* file: in files[] */
	int nends, capends;         /* where each top-level block's '}' is */
	/* Where each top-level statement of the first file stands, with its
	 * block: what conf_fingerprint hashes. spans_ok is 0 when they cannot
	 * stand for the config (an include, a $NAME definition, two
	 * statements on one line). */
	struct conf_span *spans;
	int nspans, capspans, spans_ok;
	struct conf_file_id { unsigned long long dev, ino, size; long long mtime_ns; } first_file;
	struct conf_tree *older;    /* trees whose memory this one's typed view still uses */
	struct conf_node root;      /* last: its args[] is empty */
};

/* Bytes [off, end) of the first file, lines first_line..last_line. */
struct conf_span {
	size_t off, end;
	int first_line, last_line;
	int is_vs;                  /* a virtual_server statement */
};

/* conf_parse_* flags */
#define CONF_NO_INCLUDE 1u  /* "include" is an error (untrusted input, fuzzing) */
#define CONF_NO_RESOLVE 2u  /* host names (smtp_server) are not looked up: a warning (fuzzing) */

/*
 * Both return NULL only when out of memory. A tree with nerrors > 0 is
 * incomplete: parsing stops at the first syntax error.
 */
struct conf_tree *conf_parse_file(const char *path, unsigned flags);
/* name is used in diagnostics and to resolve relative includes. */
struct conf_tree *conf_parse_buffer(const char *name, const char *data, size_t len, unsigned flags);
/* Lexes only the pieces [off, off + len) of data, each a whole number of
 * lines starting at line first_line of file name (a reload's changed
 * virtual servers, conf_fingerprint.h); includes are errors. */
struct conf_piece_text { size_t off, len; int first_line; };
struct conf_tree *conf_parse_pieces(const char *name, const char *data, const struct conf_piece_text *pieces,
				    int npieces, unsigned flags);
/* Frees tree and every older tree it holds. */
void conf_free(struct conf_tree *tree);

/* Canonical form: one keyword per line, blocks indented by two spaces. */
void conf_print(FILE *out, const struct conf_tree *tree);
/* One word as the parser reads it back: bare, or in double quotes with
 * backslash escapes when it holds what the parser would split, expand or
 * cut (a keyword named "include" is quoted too, so it is not an include). */
void conf_print_word(FILE *out, const char *s, int is_keyword);
/* Writes every kept diagnostic, one per line. */
void conf_print_diags(FILE *out, const struct conf_tree *tree);
/* 1 when both trees hold the same keywords, args and blocks (files and lines ignored). */
int conf_tree_equal(const struct conf_tree *a, const struct conf_tree *b);

/*
 * keepalived's config id (its -i): a line "@ID rest" is read as "rest"
 * when ID is the config id and skipped otherwise; "@^ID rest" the other
 * way round. NULL restores the default, the host name up to its first dot.
 * One setting for the process, as the daemons take it once from -i.
 */
void conf_set_config_id(const char *id);
const char *conf_config_id(void);

/* Adds a diagnostic "file:line: reason" to the tree. */
void conf_diag(struct conf_tree *tree, int is_error, const char *file, int line,
	const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/*
 * Lets the nodes go, keeping the words, the file names, the diagnostics and
 * what conf_tree_alloc gave: for a daemon that keeps the typed view (whose
 * strings are words) and walks the tree no more. The root is left empty.
 */
void conf_tree_drop_nodes(struct conf_tree *tree);
/* Memory that lives as long as the tree (conf_free); NULL when out of memory. */
void *conf_tree_alloc(struct conf_tree *tree, size_t size);
/* The line of a top-level block's closing '}' (its file in *file); 0 when
 * n is not such a block or its end was not recorded. */
int conf_block_end(const struct conf_tree *tree, const struct conf_node *n, const char **file);
/* conf_tree_release gives back all conf_tree_alloc'd after conf_tree_mark. */
struct conf_mark { void *chunk; size_t used; };
struct conf_mark conf_tree_mark(const struct conf_tree *tree);
void conf_tree_release(struct conf_tree *tree, struct conf_mark mark);

/* The first child of node with this keyword, or NULL. */
const struct conf_node *conf_child(const struct conf_node *node, const char *keyword);

/* ---- typed layer (conf_keepalived.c) ---- */

struct conf_ip {
	int family;                 /* AF_INET, AF_INET6; 0 when not set */
	unsigned char addr[16];     /* network byte order */
};

/* A command line as written: one quoted string or several words. */
struct conf_cmd {
	char **argv;                /* the tree's words, in the tree's memory; NULL when not set */
	int argc;
};

struct conf_str_list { const char **v; int n; };
struct conf_ip_list { struct conf_ip *v; int n; };

/* track_interface / track_script / track_file entry: NAME [weight N] */
struct conf_track { const char *name; int weight; int has_weight; const char *file; int line; };
struct conf_track_list { struct conf_track *v; int n; };

/* lvs_sync_daemon IFACE [[inst] INSTANCE] [id N] [maxlen N] [port N] [ttl N] [group IP] */
struct conf_lvs_syncd {
	const char *ifname;                 /* NULL: no sync daemon is managed */
	const char *instance;               /* the vrrp_instance it follows; NULL: master and backup both run */
	int syncid;                         /* 0..255; after loading, unset means the instance's VRID, or 0 */
	unsigned maxlen, port, ttl;         /* 0: the kernel's default */
	struct conf_ip group;               /* family 0: the kernel's default */
	const char *file; int line;
};

/* lvs_timeouts [tcp S] [tcpfin S] [udp S]; 0 or not written: as when the daemon started */
struct conf_lvs_timeouts { unsigned tcp, tcpfin, udp; };

enum conf_lvs_flush_on_stop { CONF_FLUSH_ON_STOP_OFF, CONF_FLUSH_ON_STOP_FULL, CONF_FLUSH_ON_STOP_VS };

struct conf_global {
	const char *router_id;
	struct conf_str_list notification_email;
	const char *notification_email_from;
	struct conf_ip smtp_server;
	unsigned smtp_port;                 /* default 25 */
	unsigned smtp_connect_timeout_ms;   /* default 30 s */
	const char *smtp_helo_name;
	int smtp_alert, smtp_alert_vrrp, smtp_alert_checker;
	const char *script_user, *script_group;
	int enable_script_security;
	unsigned vrrp_version;              /* default 2 */
	int vrrp_strict;
	/* the VIP filter of vrrp_strict / no_accept (core/nft.h) */
	const char *nftables_table;         /* NULL: keepalived's "keepalived" */
	int nftables_priority;              /* of its input/output hooks, default -1 */
	int nftables_counters;
	unsigned vrrp_garp_master_delay_ms; /* default 5 s */
	unsigned vrrp_garp_master_repeat;   /* default 5 */
	unsigned vrrp_garp_master_refresh_ms;
	unsigned vrrp_garp_master_refresh_repeat;
	/* a master hearing a lower-priority advert: GARP rounds now and after
	 * the delay; default vrrp_garp_master_repeat / _delay */
	unsigned vrrp_garp_lower_prio_delay_ms;
	unsigned vrrp_garp_lower_prio_repeat;
	int vrrp_lower_prio_no_advert;      /* else that master answers with an advert */
	int vrrp_min_garp;                  /* built-in GARP defaults become 1 GARP, no delay */
	unsigned vrrp_garp_interval_ms;
	unsigned vrrp_gna_interval_ms;
	struct conf_ip vrrp_mcast_group4, vrrp_mcast_group6;
	const char *lvs_id;
	const char *default_interface;
	struct conf_lvs_syncd lvs_syncd;
	struct conf_lvs_timeouts lvs_timeouts;
	int lvs_flush;                      /* flush IPVS at start */
	int lvs_flush_on_stop;              /* enum conf_lvs_flush_on_stop */
	int max_auto_priority;              /* 0: none (default), -1: none and no warning, 1..99 */
	unsigned min_auto_priority_delay_us; /* lateness that raises it, default 1 s */
	/* lvsd runs them before its first pass and after its last, waiting
	 * at most their timeouts (seconds, default 10) */
	struct conf_cmd startup_script, shutdown_script;
	unsigned startup_script_timeout, shutdown_script_timeout;
	const char *file; int line;
};

struct conf_vrrp_script {
	const char *name;
	struct conf_cmd script;
	unsigned interval_ms;               /* default 1 s */
	unsigned timeout_ms;                /* 0: the interval */
	int weight;                         /* -253..253 */
	unsigned rise, fall;                /* default 1 */
	const char *user, *group;
	const char *file; int line;
};

enum conf_vrrp_state { CONF_STATE_BACKUP, CONF_STATE_MASTER };
enum conf_auth_type { CONF_AUTH_NONE, CONF_AUTH_PASS, CONF_AUTH_AH };
/* RFC 5798's Accept_Mode; unset means "no" under vrrp_strict, else "yes" */
enum conf_accept_mode { CONF_ACCEPT_UNSET, CONF_ACCEPT_ON, CONF_ACCEPT_OFF };

/* virtual_ipaddress entry: ADDR[/PFX] [dev X] [label Y] [scope Z] [brd B] */
struct conf_vip {
	struct conf_ip addr;
	int prefix;                         /* -1 when not given: host route */
	const char *dev, *label, *scope;
	struct conf_ip brd;
	const char *file; int line;
};
struct conf_vip_list { struct conf_vip *v; int n; };

struct conf_vrrp_instance {
	const char *name;
	int state;                          /* enum conf_vrrp_state, default BACKUP */
	const char *interface;
	unsigned vrid;                      /* 1..255, required */
	unsigned priority;                  /* 1..255, default 100 */
	unsigned advert_int_ms;             /* default 1 s */
	unsigned version;                   /* 2 or 3; 0: global vrrp_version */
	int auth_type;                      /* enum conf_auth_type */
	char auth_pass[9];                  /* at most 8 bytes go on the wire */
	struct conf_vip_list vips, vips_excluded;
	int nopreempt;
	unsigned preempt_delay_ms;
	struct conf_ip unicast_src_ip, mcast_src_ip;
	struct conf_ip_list unicast_peers;
	struct conf_track_list track_interface, track_script, track_file;
	struct conf_cmd notify, notify_master, notify_backup, notify_fault, notify_stop;
	unsigned garp_master_delay_ms, garp_master_repeat;
	unsigned garp_master_refresh_ms, garp_master_refresh_repeat;
	/* default: the global vrrp_* value, wherever global_defs sits */
	unsigned garp_lower_prio_delay_ms, garp_lower_prio_repeat;
	int lower_prio_no_advert;
	int accept_mode;                    /* enum conf_accept_mode: the last of accept / no_accept */
	int use_vmac;
	const char *vmac_name;              /* use_vmac NAME, NULL for the default */
	int smtp_alert;
	int dont_track_primary;
	int native_ipv6;                    /* the instance is IPv6 whatever its addresses */
	int notify_deleted;                 /* removed by a reload: DELETED, not STOP, to notify */
	struct conf_cmd notify_deleted_cmd; /* run then as well; argv NULL when none */
	const char *file; int line;
};

struct conf_sync_group {
	const char *name;
	struct conf_str_list instances;
	struct conf_cmd notify, notify_master, notify_backup, notify_fault, notify_stop;
	int smtp_alert;
	const char *file; int line;
};

enum conf_lb_kind { CONF_LB_NAT, CONF_LB_DR, CONF_LB_TUN };
enum conf_protocol { CONF_PROTO_TCP, CONF_PROTO_UDP, CONF_PROTO_SCTP };
enum conf_checker_type {
	CONF_CHECK_TCP, CONF_CHECK_HTTP, CONF_CHECK_SSL, CONF_CHECK_MISC,
	CONF_CHECK_UDP, CONF_CHECK_DNS, CONF_CHECK_SMTP, CONF_CHECK_PING,
};

/* Where a value was written: checkd judges some values' meaning later
 * (users, address families, hex strings) and points there. line 0: not written. */
struct conf_at { const char *file; int line; };

#define CONF_UNSET ((unsigned)-1)           /* a number not written */

/*
 * Checker options written at one level: a checker's own, or the defaults a
 * real_server or virtual_server gives its checkers (keepalived.conf(5)).
 * CONF_UNSET, -1 or NULL when not written there. Within a block the first
 * line of a keyword counts, as it always has for checker options.
 */
struct conf_check_opts {
	unsigned connect_timeout_ms, delay_loop_ms, delay_before_retry_ms, warmup_ms;
	unsigned retry, nb_get_retry;       /* nb_get_retry: retry's old spelling */
	int alpha;
	const char *virtualhost;
};

struct conf_status_range { unsigned lo, hi; struct conf_at at; };

/* HTTP_GET / SSL_GET url { } block */
struct conf_check_url {
	const char *path; struct conf_at path_at;
	const char *virtualhost; struct conf_at virtualhost_at; /* NULL: inherited */
	const char *digest;                 /* 32 hex digits; NULL when none */
	struct conf_status_range *status;   /* every status_code value, in order */
	int nstatus;
	const char *regex; struct conf_at regex_at;
	int regex_no_match;
	int regex_cflags;                   /* of every regex_options line */
	unsigned regex_min_offset, regex_max_offset; /* CONF_UNSET when not written */
	struct conf_at regex_max_offset_at;
	struct conf_at at;
};

/* One checker block, validated and typed. The fields of one type share
 * their room with the other types' (a large config has 37,000 checkers):
 * read only those of the checker's type. */
struct conf_checker {
	int type;                           /* enum conf_checker_type */
	const struct conf_node *node;       /* the block as written */
	struct conf_check_opts opts;
	struct conf_ip connect_ip, bindto;  /* family 0 when not written */
	struct conf_at bindto_at;
	unsigned connect_port, bind_port;   /* 0 when not written */
	const char *bind_if;
	unsigned fwmark;
	int log_all_failures;
	union {
		struct {    /* HTTP_GET, SSL_GET */
			struct conf_check_url *urls;
			int nurls;
			const char *http_protocol; struct conf_at http_protocol_at;
			int enable_sni, fast_recovery;
		};
		struct {    /* MISC_CHECK */
			struct conf_cmd misc_path; struct conf_at misc_path_at;
			unsigned misc_timeout_ms;           /* CONF_UNSET: the delay_loop */
			int misc_dynamic;
			struct conf_cmd user; struct conf_at user_at; /* USER [GROUP] as written */
		};
		struct {    /* UDP_CHECK: hex strings as written */
			struct conf_cmd payload, require_reply;
			struct conf_at payload_at, require_reply_at;
			unsigned min_reply_length, max_reply_length; /* CONF_UNSET when not written */
		};
		struct {    /* DNS_CHECK */
			const char *dns_type;
			const char *dns_name; struct conf_at dns_name_at;
		};
		struct {    /* SMTP_CHECK */
			const char *helo_name; struct conf_at helo_name_at;
		};
	};
};

/* What only the health checker needs of a real server, apart from the
 * rest: lvsd drops it, and at 37,294 real servers it was 2.6 MiB there. */
struct conf_rs_checks {
	struct conf_cmd notify_up, notify_down;
	struct conf_check_opts check_opts;  /* its checkers' defaults */
	struct conf_checker *checkers;
};

struct conf_real_server {
	struct conf_ip addr;
	unsigned port;
	int weight;                         /* default 1 */
	int lb_kind;                        /* -1: the virtual server's */
	int inhibit_on_failure;
	unsigned uthreshold, lthreshold;    /* 0: none */
	/* NULL for a sorry_server, and after conf_keepalived_read_servers
	 * passed the virtual server on; the checkers counted stay counted */
	struct conf_rs_checks *checks;
	const char *file;
	int ncheckers;
	int line;
};

enum conf_vs_kind { CONF_VS_ADDR, CONF_VS_FWMARK, CONF_VS_GROUP };

struct conf_virtual_server {
	int kind;                           /* enum conf_vs_kind */
	struct conf_ip addr;                /* CONF_VS_ADDR */
	unsigned port;
	unsigned fwmark;                    /* CONF_VS_FWMARK */
	const char *group;                  /* CONF_VS_GROUP */
	unsigned delay_loop_ms;             /* default 60 s */
	const char *lb_algo;                /* default "wlc" */
	int lb_kind;                        /* enum conf_lb_kind, default NAT */
	unsigned persistence_timeout;       /* seconds; 0: no persistence */
	const char *persistence_granularity;
	int protocol;                       /* enum conf_protocol; unset: UDP (TCP for fwmark) */
	const char *virtualhost;
	struct conf_real_server *sorry_server; /* NULL when none */
	unsigned quorum;                    /* default 1 */
	unsigned hysteresis;
	struct conf_cmd quorum_up, quorum_down;
	int ha_suspend, alpha, omega, inhibit_on_failure;
	/* its checkers' defaults beside delay_loop_ms, virtualhost and alpha */
	struct conf_check_opts check_opts;
	struct conf_real_server *real_servers;
	int nreal_servers;
	const char *file; int line;
};

/* virtual_server_group entry: ADDR[-LAST] PORT, or fwmark N */
struct conf_vsg_entry {
	struct conf_ip addr;
	unsigned range_last;                /* last byte (IPv4) or last 16 bits (IPv6) of a range
					     * from ADDR to there; 0 when no range */
	int range_wraps;                    /* IPv6: the last 16 bits count up past ffff to 0
					     * and on to range_last, within ADDR's /112, as
					     * keepalived counts an end address in another /112 */
	unsigned port;
	unsigned fwmark;                    /* nonzero: a fwmark entry */
	int line;
};
struct conf_vs_group {
	const char *name;
	struct conf_vsg_entry *entries;
	int nentries;
	const char *file; int line;
};

struct conf_keepalived {
	struct conf_tree *tree;             /* owned; the strings above point into it */
	struct conf_global global;
	struct conf_vrrp_script *scripts; int nscripts;
	struct conf_vrrp_instance *instances; int ninstances;
	struct conf_sync_group *sync_groups; int nsync_groups;
	struct conf_vs_group *vs_groups; int nvs_groups;
	struct conf_virtual_server *virtual_servers; int nvirtual_servers;
};

/*
 * Takes ownership of tree and fills the typed view; its diagnostics go to
 * tree. NULL only when out of memory (tree is then freed). A tree that
 * already has errors is not walked.
 */
struct conf_keepalived *conf_keepalived_load(struct conf_tree *tree);
/* conf_parse_file + conf_keepalived_load. */
struct conf_keepalived *conf_keepalived_read(const char *path);
/*
 * conf_keepalived_read for a check that keeps nothing (-t): each virtual
 * server goes to fn as soon as it is read, its real servers and checkers
 * with it (global_defs is read by then, wherever it stands); then they are
 * let go: the result keeps only the virtual servers that name a group,
 * without real servers (nreal_servers 0).
 * Memory stays that of the tree and one virtual server. fn is not called
 * for a file with syntax errors; its verdicts count only if the result has
 * no errors (as lvsd counts daemon_read's).
 */
typedef void conf_vs_fn(const struct conf_keepalived *conf, const struct conf_virtual_server *vs, void *ctx);
struct conf_keepalived *conf_keepalived_check_each(const char *path, conf_vs_fn *fn, void *ctx);
/*
 * conf_keepalived_read for a daemon that keeps the servers but not their
 * checkers (lvsd): each virtual server goes to fn once read, with its
 * checkers, as in conf_keepalived_check_each; then the checkers are let
 * go: every real server keeps its ncheckers, with checkers NULL.
 */
struct conf_keepalived *conf_keepalived_read_servers(const char *path, conf_vs_fn *fn, void *ctx);
void conf_keepalived_free(struct conf_keepalived *conf);

const char *conf_checker_name(int type);
/* "1.2.3.4" or "2001:db8::1"; buf needs 46 bytes. */
const char *conf_ip_str(const struct conf_ip *ip, char *buf, size_t size);
/* "1.2.3.4:80" or "[2001:db8::1]:80": a real server's name in checkd's
 * events and lvsd's state. */
const char *conf_addr_port(const struct conf_ip *ip, unsigned port, char *buf, size_t size);
/* A virtual server's name in checkd's events, which lvsd matches
 * (docs/checkd.md): "tcp/1.2.3.4:80", "fwm/7" or "group/NAME". */
const char *conf_vs_name(const struct conf_virtual_server *v, char *buf, size_t size);
/* The virtual_server_group called name, or NULL. */
const struct conf_vs_group *conf_vs_group(const struct conf_keepalived *conf, const char *name);

#endif
