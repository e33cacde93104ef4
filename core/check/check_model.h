/*
 * check_model.h - checkd's model: the virtual and real servers of one
 * config, with the checks they share and the state each keeps. A config is
 * freed once its model is built; a reload builds a second model beside the
 * running one and carries the state over.
 */
#ifndef LVSBOX_CHECK_MODEL_H
#define LVSBOX_CHECK_MODEL_H

#include "check.h"
#include "check_int.h"
#include "check_sched.h"
#include "conf.h"
#include "loop.h"

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct check_runner;
struct rserver;

/* A command line copied out of the config: the config is freed once the
 * model is built, so nothing may point into it. */
struct cmd {
	char **argv;                 /* NULL when not set */
	int argc;
};

struct notify_verdict;

struct rs_notify {
	struct cmd up, down;
	const struct notify_verdict *up_verdict, *down_verdict; /* NULL for a command not set */
};

/*
 * One probe and its schedule, shared by every real server whose checker
 * has the same wire identity and timing. Kept small: at 30,000 real servers
 * every byte here is 30 KB. The probe holds its target; the rest of the
 * options (timing included) live once for all probes alike (struct
 * check_shape); an attempt's buffers exist only while it runs.
 */
struct check {                   /* 184 bytes on 64-bit hosts */
	struct check_probe probe;    /* in the check: 16 bytes less than apart; its ctx is its runner's */
	struct check *queue_next;    /* waiting for a start slot (see pump) */
	struct loop_timer timer;
	union { struct rserver *one; struct rserver **many; } users;
	unsigned nusers;
	uint32_t latency_us;
	struct sched_state st;
	int misc_status;             /* last MISC exit code kept for misc_dynamic; -1 none */
	unsigned attempts, successes, failures, transitions;
	bool tried : 1, last_ok : 1, queued : 1;
	uint64_t last_ms, changed_ms;
	const char *error;           /* the last failure's text (shared, check_runner.c), kept after a success; NULL before one */
};

/*
 * A MISC_CHECK script as one build judged it (check_misc_vet), once however
 * many real servers run it. Nodes never move: real servers point at the
 * ones that were left out.
 */
struct script_verdict {
	struct script_verdict *next;
	uint32_t hash;
	uid_t uid;
	int verdict;                 /* CHECK_MISC_* */
	char why[320];
	char script[];
};

/*
 * A notify_up / notify_down script as one build judged it (notify_vet):
 * once for every real server naming the same program as the same user.
 */
struct notify_verdict {
	struct notify_verdict *next;
	uint32_t hash;
	size_t key_len;
	uid_t uid;                   /* who runs it; (uid_t)-1: ourselves */
	gid_t gid;
	int verdict;                 /* CHECK_MISC_*: notify scripts are judged as MISC_CHECK's are */
	char why[360];
	char key[];                  /* "program\0user\0group\0line\0", user and group as the line names
				      * them (empty: the build's default); the program is the script
				      * shown, a shell line also keyed whole */
};

struct vserver;

/* 80 bytes on 64-bit hosts: one of these a real server. */
struct rserver {
	struct vserver *vs;
	union { struct check *one; struct check **many; } checks;
	struct rs_notify *notify;    /* NULL when neither notify_up nor notify_down is set */
	const struct script_verdict *disabled; /* its first MISC_CHECK left out, or NULL */
	uint64_t changed_ms;
	struct conf_ip addr;
	uint16_t port;
	bool up : 1, confirmed : 1, inhibit : 1;
	int nchecks;
	int conf_weight;
	int weight;                  /* as last announced */
	unsigned transitions;
};

struct vserver {
	char name[80];               /* "tcp/192.0.2.10:80", "fwm/5", "group/NAME" */
	struct rserver *rs;
	int nrs;
	bool omega;
};

/* Everything built from one config; a reload builds a second beside it. */
struct model {
	struct vserver *vs;
	int nvs;
	struct check *checks;        /* one array: never moves, the loop holds their timers */
	unsigned long nchecks, nrs;
	/* Checks by their probes' hash, only while a model is built or a
	 * reload carries state over (check_index_*): chains of check
	 * numbers + 1, 0 ending one. */
	uint32_t *chain_head, *chain_next;
	size_t nchains;
	struct check *queue_head, *queue_tail;
	unsigned long queued;
	uint64_t pace_interval_us;   /* between two attempt starts, at the fastest */
	char *script_user, *script_group;
	struct script_verdict *verdicts;
	struct notify_verdict *notify_verdicts;
};

/* check_model.c */
void sockaddr_text(char *buf, size_t size, const union check_addr *a);
char *strdup_or_null(const char *s, bool *failed);
void cmd_free(struct cmd *cmd);
int cmd_copy(struct cmd *dst, const struct conf_cmd *src);
const struct check_params *check_params_of(const struct check *c);
struct sched_timing check_timing(const struct check *c);
int check_type(const struct check *c);
bool check_misc_dynamic(const struct check *c);
const char *check_target(const struct check *c, char *buf, size_t size);
const char *check_error(const struct check *c);
struct rserver *check_user(const struct check *c, unsigned i);
struct check *rs_check(const struct rserver *rs, int i);
const char *rs_name(const struct rserver *rs, char *buf, size_t size);
int check_index_init(struct model *m, size_t expected);
void check_index_add(struct model *m, struct check *c);
void check_index_free(struct model *m);
struct check *check_find(const struct model *m, const struct check_probe *probe);
int check_add_user(struct check *c, struct rserver *rs);
int rs_add_check(struct rserver *rs, struct check *c);
const struct script_verdict *misc_verdict(struct model *m, const struct check_misc *misc,
						 bool script_security);
const struct rserver *rs_find_old(const struct model *old, int v, int r, const struct rserver *rs);

/* check_state.c */
int check_rs_weight(const struct rserver *rs);
bool check_rs_all_up(const struct rserver *rs);

/* check_pace.c */
void queue_push(struct model *m, struct check *c);
struct check *queue_pop(struct model *m);
double attempts_per_second(const struct check_params *p);

#endif
