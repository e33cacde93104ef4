/*
 * uci_parse.h - OpenWrt's UCI config files (/etc/config/NAME) read into
 * sections and options, as libuci reads them in strict mode (the `uci`
 * command's default): `config TYPE ['NAME']`, `option NAME 'VALUE'`,
 * `list NAME 'VALUE'`, `package NAME`, and their one-letter forms.
 *
 * Words: blanks separate them; '...' keeps everything up to the next '
 * (newlines too); "..." the same, where a backslash takes the next
 * character as it is; outside quotes a backslash does the same; a
 * backslash before the end of a line joins the next line; quoted and bare
 * pieces glued together are one word; an unquoted # ends the line (a
 * comment); an unquoted ; ends the command, and another may follow.
 * Section, option and list names are letters, digits and '_'; a type may
 * also hold any other printable character. A named section seen again
 * gets the later options (of another type it is an error); an option set
 * again takes the later value, a list grows, a list after an option of
 * the same name makes the option its first element.
 *
 * Strict: the first error stops the parse with "file:line: reason" (libuci
 * under `uci -S`, as OpenWrt's shell functions load it, would skip the
 * line and go on). `package` lines are accepted and ignored.
 */
#ifndef LVSBOX_UCI_PARSE_H
#define LVSBOX_UCI_PARSE_H

#include <stdbool.h>
#include <stddef.h>

/* Bounds: input beyond them is an error, never a crash or a hang. */
#define UCI_MAX_FILE     (1 << 20)   /* bytes in one file */
#define UCI_MAX_VALUE    65536       /* bytes in one word */
#define UCI_MAX_SECTIONS 4096
#define UCI_MAX_VALUES   100000      /* option and list values in the file */

struct uci_opt {
	char *name;
	bool is_list;
	char **values;              /* one for an option, any number for a list */
	int nvalues;
	int line;                   /* where it was last set or added to */
};

struct uci_sec {
	char *type;
	char *name;                 /* NULL for an anonymous section */
	int line;
	struct uci_opt *opts;
	int nopts;
};

struct uci_pkg {
	char *file;                 /* the name diagnostics use */
	struct uci_sec *secs;       /* in the order they first appear */
	int nsecs;
	int nvalues;
};

/* 0 with *out set, or -1 with err holding "file:line: reason" (or "out of
 * memory"). name is used in diagnostics. */
int uci_parse_buffer(const char *name, const char *data, size_t len, struct uci_pkg **out,
		     char *err, size_t errsize);
int uci_parse_file(const char *path, struct uci_pkg **out, char *err, size_t errsize);
void uci_pkg_free(struct uci_pkg *pkg);

/* The section's option by name, or NULL. */
const struct uci_opt *uci_opt_get(const struct uci_sec *s, const char *name);

#endif
