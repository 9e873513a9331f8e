/*
 * options.h — the one table describing every setting of socterm.
 *
 * Each entry gives the long option name (also the config file key), its
 * type, where it is stored in struct config, its default (as text, parsed
 * like any other value), its environment variable, its help line and its
 * group. config.c parses the command line, the config file and the
 * environment from it; --help, --print-config and the man page test are
 * generated from it too, so no list of options exists anywhere else.
 *
 * Ownership: static, read-only data.
 * Thread safety: read-only, any thread.
 */
#ifndef SOCTERM_OPTIONS_H
#define SOCTERM_OPTIONS_H

#include <stddef.h>
#include <stdint.h>

enum opt_type {
	OT_ACTION,   /* CLI flag selecting what to do (min = enum config_action) */
	OT_CONFIG,   /* --config FILE */
	OT_STR,
	OT_FILTER,   /* a filter expression, compiled once to check it */
	OT_PATH,     /* a file or directory; leading ~/ expanded */
	OT_URL,      /* http(s)://...; trailing slashes removed */
	OT_SERVERS,  /* comma-separated NATS URLs */
	OT_BOOL,
	OT_INT,      /* int64_t within [min, max] */
	OT_DUR,      /* int64_t nanoseconds within [min, max] */
	OT_SIZE,     /* int64_t bytes within [min, max] */
	OT_ENUM,     /* index into choices, stored as an enum (int) */
	OT_SEVMAP,   /* priority=severity,... merged into severity_map */
	OT_SECRET,   /* struct secret *: config file or environment only */
};

enum opt_group { OG_GENERAL, OG_ACTIONS, OG_NATS, OG_JETSTREAM, OG_PHANTOM, OG_UI, OG_COUNT };

enum opt_flags {
	OF_CLI_ONLY = 1 << 0,    /* not a config file key */
	OF_FILE_ONLY = 1 << 1,   /* never on the command line (secrets) */
	OF_REQUIRED = 1 << 2,    /* cannot be set empty */
	OF_ENV_LAX = 1 << 3,     /* env bool: anything but false/no/0/off is true */
};

struct opt {
	const char *name;        /* long option and config file key */
	char short_name;         /* 0: none */
	unsigned char type;      /* enum opt_type */
	unsigned char group;     /* enum opt_group */
	unsigned char flags;     /* enum opt_flags */
	size_t off;              /* offsetof(struct config, field) */
	const char *def;         /* default as text; NULL: unset or computed */
	const char *def_doc;     /* default shown in --help when computed */
	const char *env;         /* environment variable, or NULL */
	const char *arg;         /* metavariable for --help ("N", "DUR") */
	const char *help;
	const char *const *choices;  /* OT_ENUM, NULL-terminated */
	int64_t min, max;        /* OT_INT/OT_DUR/OT_SIZE range; OT_ACTION value */
};

extern const struct opt config_opts[];
extern const size_t config_nopts;

/* The option called name[0..len), or NULL. */
const struct opt *opt_find(const char *name, size_t len);
const struct opt *opt_find_short(char c);
/* "General", "NATS", ... */
const char *opt_group_name(enum opt_group g);

/* Falco priority names in enum prio order (severity-map keys). */
extern const char *const config_prio_names[];

#endif
