/*
 * config_impl.h — private to config.c and config_print.c: where each value
 * came from and what config_reload() must replay.
 *
 * Ownership: struct config_priv belongs to its struct config.
 * Thread safety: as struct config.
 */
#ifndef SOCTERM_CONFIG_IMPL_H
#define SOCTERM_CONFIG_IMPL_H

#include <stdlib.h>

#include "core/config.h"
#include "core/options.h"

/* Ranked: a higher kind overrides a lower one. */
enum origin_kind { ORG_DEFAULT, ORG_FILE, ORG_ENV, ORG_CLI };

struct origin {
	unsigned char kind;
	unsigned line;        /* ORG_FILE */
};

struct cli_arg {
	const struct opt *o;
	char *val;
};

struct config_priv {
	struct origin *origin;        /* config_nopts entries */
	char *file_name;              /* the file in ORG_FILE origins */
	/* The command line, replayed by config_reload(). */
	struct cli_arg *cli;
	size_t ncli, cli_cap;
	char *cli_config;
	/* PHANTOM_PASSWORD/PHANTOM_TOKEN, taken (and scrubbed) at start-up. */
	struct secret *env_password, *env_token;
	/* The effective secret was read from phantom-*-file. */
	bool password_via_file, token_via_file;
	/* Passwords and tokens inside NATS URLs, registered for log scrubbing. */
	struct secret **url_secrets;
	size_t nurl, url_cap;
};

static inline size_t opt_index(const struct opt *o)
{
	return (size_t)(o - config_opts);
}

static inline void config_set_str(char **f, char *v)
{
	free(*f);
	*f = v;
}

/* config_value.c */
void *config_field(struct config *c, const struct opt *o);   /* where o is stored */
const struct opt *config_opt(const char *name);              /* must exist */
bool config_is_string_type(int type);
char *config_expand_tilde(const char *path);                 /* caller frees */
/* $VAR/socterm<leaf>, else ~/<fallback>/socterm<leaf>. Caller frees. */
char *config_xdg_path(const char *var, const char *fallback, const char *leaf);
/* Checks v and stores it. Returns NULL, or why it is wrong (malloc'd, without
 * location: the caller knows where the value came from). */
char *config_set_value(struct config *c, const struct opt *o, const char *v);
/* config_set_value() and, on success, records the origin. */
char *config_apply(struct config *c, const struct opt *o, const char *v, struct origin org);

/* config_file.c: reads and applies a config file (EXIT_* code). */
int config_load_file(struct config *c, const char *path, bool must_exist, char **err);

/* config_cli.c: collects and checks argv (EXIT_* code); applies it later. */
int config_cli_scan(struct config *c, int argc, char **argv, char **err);
int config_load_cli(struct config *c, char **err);
void config_cli_push(struct config_priv *p, const struct opt *o, const char *v);

/* "default", "FILE:LINE", "env NAME", "command line". Caller frees. */
char *config_origin_str(const struct config *c, const struct opt *o);

/* Canonical text of a duration ("7d", "90s", "0") or size ("1G"). */
void config_fmt_dur(char *buf, size_t n, int64_t ns);
void config_fmt_size(char *buf, size_t n, int64_t bytes);

/* Finds the userinfo of s[0..n): s[*start..*at) where s[*at] is '@'. */
bool config_url_userinfo(const char *s, size_t n, size_t *start, size_t *at);

#endif
