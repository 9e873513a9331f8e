/*
 * config.h — every setting of socterm, decided in one place.
 *
 * Precedence, lowest first: built-in defaults < config file < environment <
 * command line. The options are described once, in the table of options.h,
 * which drives parsing (file, environment, command line), --help,
 * --print-config and the man page test.
 *
 * Config file format (man/socterm.conf.5 is written from this):
 *   - One `key = value` per line; keys are the long option names
 *     (`capacity = 50000`, `phantom-url = https://soar.example`).
 *   - Blank lines and lines whose first non-blank character is `#` are
 *     ignored. In an unquoted value, ` #` (a `#` after whitespace) starts a
 *     comment; whitespace around key, `=` and value is ignored.
 *   - A value may be in double quotes: `filter = "rule = \"Terminal shell\""`.
 *     Inside quotes `\"` is a quote and `\\` a backslash (no other escapes);
 *     after the closing quote only whitespace and a comment may follow.
 *   - Booleans: true/false, yes/no, on/off, 1/0 (any case).
 *     Durations: 500ms, 90s, 15m, 2h, 7d, 1w (a bare number is seconds).
 *     Sizes: 4096, 512K, 256M, 1G, 2T (powers of 1024).
 *   - An empty value (`filter =` or `filter = ""`) unsets an optional setting.
 *   - A leading `~/` in a file name is the home directory.
 *   - Unknown keys, bad values, control characters and invalid UTF-8 are
 *     errors naming `file:line`. A key given twice: the last one counts.
 *   - `phantom-password` and `phantom-token` may only be in a file that group
 *     and others cannot access (chmod 600); the command line never takes them.
 *   - `config` and the actions (--help, --print-config, ...) are command-line
 *     only.
 *
 * Ownership: struct config owns all its strings and secrets; config_free()
 * releases them. `nats` points into the config's strings. Everything else may
 * be read freely while the config lives.
 * Thread safety: load/reload/free from the main thread, at start-up or while
 * no other thread reads the config. Reading is safe from any thread.
 * config_load() calls secret_from_env() (environment access).
 */
#ifndef SOCTERM_CONFIG_H
#define SOCTERM_CONFIG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/log.h"
#include "core/source.h"

struct secret;
struct config_priv;

/* Process exit codes (sysexits values). */
enum exit_code {
	EXIT_OK = 0,
	EXIT_FAIL = 1,
	EXIT_USAGE = 64,        /* bad command line */
	EXIT_DATA = 65,
	EXIT_NOINPUT = 66,      /* an input file is missing or unreadable */
	EXIT_UNAVAILABLE = 69,
	EXIT_SOFTWARE = 70,
	EXIT_CANTCREAT = 73,
	EXIT_IOERR = 74,
	EXIT_TEMPFAIL = 75,
	EXIT_NOPERM = 77,       /* authentication refused */
	EXIT_CONFIG = 78,       /* bad config file or environment */
};

enum config_action {
	ACTION_RUN,             /* console, or the forwarder with forward_only */
	ACTION_HELP,
	ACTION_VERSION,
	ACTION_PRINT_CONFIG,
	ACTION_STATUS,
	ACTION_LIST_KEYS,
	ACTION_COUNT,           /* headless: ingest, print counts, exit */
};

enum color_mode { COLORS_AUTO, COLORS_TRUECOLOR, COLORS_256, COLORS_16, COLORS_MONO };
enum sensitivity { SENS_WHITE, SENS_GREEN, SENS_AMBER, SENS_RED };
enum container_type { CONTAINER_DEFAULT, CONTAINER_CASE };

#define CONFIG_NPRIO 8  /* severity_map is indexed by enum prio (event.h) */

struct config {
	enum config_action action;
	char *config_path;          /* the file looked for (NULL: none) */
	bool config_found;          /* it existed and was read */

	/* General */
	char *state_dir;
	int64_t capacity;           /* events kept in memory, >= 100 */
	char *filter;               /* NULL: none */
	bool follow;
	bool forward_only;
	enum log_format log_format;
	char *log_file;
	int64_t stats_interval_ns;
	char *source_path;          /* positional FILE or "-"; NULL: NATS */

	/* NATS (copied into `nats` by config_load) */
	char *servers;
	char *subject;
	char *creds;
	char *token_file;
	char *tls_ca;
	char *tls_cert;
	char *tls_key;
	char *stream;
	char *durable;
	bool create_stream;
	int64_t stream_max_age_ns;
	int64_t stream_max_bytes;
	int64_t since_ns;
	bool all;
	struct nats_conf nats;
	struct secret *nats_token;  /* contents of token_file, if set */

	/* Phantom */
	char *phantom_url;          /* no trailing slash; NULL: not configured */
	char *phantom_user;
	char *phantom_password_file;
	char *phantom_token_file;
	struct secret *phantom_password;  /* effective, NULL if none */
	struct secret *phantom_token;
	bool verify_ssl;
	char *phantom_ca;
	int64_t phantom_timeout_ns;
	int64_t phantom_connect_timeout_ns;
	int64_t retry_max_ns;
	char *label;
	enum sensitivity sensitivity;
	char *severity_map[CONFIG_NPRIO];  /* Phantom severity per Falco priority */
	int64_t group_window_ns;    /* 0: off */
	enum container_type container_type;

	/* UI */
	char *theme;                /* a name or a file */
	enum color_mode colors;
	bool mouse;
	int64_t escdelay_ms;

	/* Things to tell the user once (e.g. TLS verification is off). */
	char **warnings;
	size_t nwarnings;

	struct config_priv *priv;
};

/* Parses everything (argv[0] is the program name). Returns EXIT_OK or an
 * exit code with *err set (malloc'd, one line, no "socterm:" prefix). With
 * --help or --version only the command line is looked at. The config must
 * be freed with config_free() in every case. */
int config_load(struct config *c, int argc, char **argv, char **err);

/* SIGHUP: re-reads the config file and the environment, keeps the command
 * line. On success *c is replaced (its old strings are freed: re-read
 * anything borrowed from it); on failure *c is unchanged. Secrets that came
 * from the environment are kept (they were scrubbed from it at start-up). */
int config_reload(struct config *c, char **err);

void config_free(struct config *c);

/* The effective configuration as a valid config file, every key, with the
 * origin of each value as a trailing comment; secrets masked. */
void config_print(const struct config *c, FILE *out);
/* Same without the origin comments (stable, for comparisons). */
void config_print_values(const struct config *c, FILE *out);
/* --help */
void config_usage(FILE *out);

/* Building blocks, also used by the fuzz target and the tests. */
void config_init(struct config *c);      /* defaults only */
/* Applies a config file held in memory. `name` is used in messages;
 * secrets_ok says whether the file is private enough to hold passwords
 * (else a phantom-password line is an error; `mode` is shown then). */
int config_parse_buffer(struct config *c, const char *name, const char *buf, size_t n,
			bool secrets_ok, unsigned mode, char **err);

/* Redacts user:password@ (or token@) in a URL or a comma-separated list of
 * URLs: "nats://u:********@h:4222". Caller frees. */
char *config_redact_url(const char *urls);

const char *sensitivity_name(enum sensitivity s);
const char *container_type_name(enum container_type t);

#endif
