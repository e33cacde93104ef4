/*
 * farm.h - the stub farm: one process that plays thousands of real servers
 * for the checkd scale and fault tests. Every address of one IPv4 prefix
 * gets a scripted behaviour (see tests/stub/README.md); lwIP answers the
 * TCP side over a TAP device.
 */
#ifndef LVSBOX_FARM_H
#define LVSBOX_FARM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum behaviour {
	B_BLACKHOLE,	/* every packet dropped: connects time out */
	B_HEALTHY,	/* accepts; an HTTP request gets 200 and the body */
	B_REFUSE,	/* SYN answered with RST */
	B_SLOW,		/* accepts; the HTTP answer leaves after arg[0] ms */
	B_STATUS,	/* HTTP answer with status arg[0] */
	B_RESET,	/* first arg[0] bytes of the answer, then RST */
	B_FLAP,		/* healthy for arg[0] ms, refuse for arg[1] ms, shifted by arg[2] */
	B_LAG,		/* healthy, every packet delivered arg[0] ms late */
	B_GARBAGE,	/* answers bytes that are not HTTP, then closes */
	B_ENDLESS,	/* 200, then a body that never ends */
	B_COUNT
};

extern const char *const behaviour_names[B_COUNT];

struct host {
	uint8_t kind;		/* enum behaviour */
	uint32_t arg[3];
	uint32_t syns;		/* SYNs seen */
	uint32_t requests;	/* complete HTTP requests read */
};

#define FARM_MAX_PORTS 16
#define FARM_MAX_BODY 4096

struct farm {
	uint32_t base;		/* host order; the prefix the farm answers for */
	uint32_t size;		/* number of addresses in it */
	struct host *hosts;	/* size entries, index = address - base */
	struct host fallback;	/* behaviour of addresses no line names */
	uint16_t ports[FARM_MAX_PORTS];
	int nports;
	char body[FARM_MAX_BODY];
	size_t body_len;
};

/*
 * Reads a script file into farm (base and size already set; hosts allocated).
 * Returns 0, or -1 with "file:line: reason" in err.
 */
int script_load(struct farm *farm, const char *path, char *err, size_t errlen);

/*
 * One "ADDR[-ADDR|/LEN] BEHAVIOUR [ARG...]" line (also the control
 * socket's "set" command). Returns the number of addresses changed, or -1
 * with the reason in err.
 */
long script_apply_line(struct farm *farm, char *line, char *err, size_t errlen);

/* Parses "1500", "1500ms", "2s" into milliseconds. */
bool parse_duration_ms(const char *s, uint32_t *ms);

/* The behaviour with its arguments as a script would write it. */
void behaviour_format(const struct host *h, char *out, size_t outlen);

/* The host entry for addr (host order), or NULL when outside the prefix. */
static inline struct host *farm_host(struct farm *farm, uint32_t addr)
{
	uint32_t i = addr - farm->base;
	return i < farm->size ? &farm->hosts[i] : NULL;
}

#endif
