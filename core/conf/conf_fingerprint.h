/*
 * conf_fingerprint.h - what lvsd keeps of its config file so that a reload
 * re-reads only the virtual servers that changed.
 *
 * The file is cut into pieces: each top-level statement with its block,
 * and the lines between them. Each piece keeps its length and a hash of
 * its bytes. A reload whose file differs only inside virtual_server
 * blocks, each keeping its number of lines and its name, lexes just those
 * blocks (conf_parse_pieces) and swaps them into the running config; any
 * other change (an include, a $NAME definition, a line added or removed,
 * anything outside a virtual_server) is read whole, as before.
 */
#ifndef LVSBOX_CONF_FINGERPRINT_H
#define LVSBOX_CONF_FINGERPRINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "conf.h"

struct conf_piece {
	uint64_t hash;
	size_t len;
	int first_line, nlines;
	int vs;                     /* its index in virtual_servers; -1 for any other piece */
};

struct conf_fingerprint {
	struct conf_file_id file;   /* the file as it was read */
	struct conf_piece *pieces;
	int npieces;
};

/* A virtual_server block that differs: where its text stands in
 * conf_reread's, the line it starts at and its hash. */
struct conf_change {
	int piece, vs;
	struct conf_piece_text text;
	uint64_t hash;
};

/* Most virtual servers one reload may change and still be read in pieces. */
#define CONF_CHANGES_MAX 64

/* What a reload read of the file: the changed blocks' text, one after the
 * other, and where each came from. */
struct conf_reread {
	struct conf_file_id file;
	char *text;
	size_t len, cap;
	struct conf_change ch[CONF_CHANGES_MAX];
	int n;
};

uint64_t conf_hash(const char *data, size_t len);
/* The fingerprint of conf as read from path, before its nodes are
 * dropped; NULL when conf cannot have one (includes, definitions, a
 * file changed since it was read) or out of memory. */
struct conf_fingerprint *conf_fingerprint_make(const struct conf_keepalived *conf, const char *path);
void conf_fingerprint_free(struct conf_fingerprint *fp);
/*
 * The file at path compared with fp: the number of virtual_server blocks
 * that differ (0 when none), their text in r; -1 when it differs anywhere
 * else, in more than CONF_CHANGES_MAX blocks or in a block's number of
 * lines, was written to while it was read, is empty or cannot be read:
 * then only a whole read can tell. r is to be freed with conf_reread_free.
 */
int conf_fingerprint_read(const struct conf_fingerprint *fp, const char *path, struct conf_reread *r);
void conf_reread_free(struct conf_reread *r);
/* fp after r's changes were applied to the running config. */
void conf_fingerprint_update(struct conf_fingerprint *fp, const struct conf_reread *r);

/*
 * r's changed blocks read as virtual servers beside base's global_defs and
 * groups (each goes to fn, as in conf_keepalived_read_servers): a config
 * holding just those. NULL, with *why, when they are not whole
 * virtual_server blocks with the names they had, or have errors (a whole
 * read then reports them), or out of memory. Its tree's diagnostics are
 * the warnings of those blocks.
 */
struct conf_keepalived *conf_keepalived_patch(const struct conf_keepalived *base, const char *name,
					      const struct conf_reread *r, conf_vs_fn *fn, void *ctx,
					      const char **why);
/* Moves patch's virtual servers into base in place of the old ones (the
 * same addresses, so pointers to them stay good) and frees patch; base
 * keeps patch's tree, which they use. */
void conf_keepalived_patch_apply(struct conf_keepalived *base, struct conf_keepalived *patch,
				 const struct conf_reread *r);
void conf_keepalived_patch_free(struct conf_keepalived *patch);

#endif
