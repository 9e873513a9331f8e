/* options.c — the option table; see options.h. */
#include "core/options.h"

#include <stddef.h>
#include <string.h>

#include "core/config.h"

#define SEC 1000000000LL
#define DAY (86400 * SEC)

static const char *const log_formats[] = { "text", "json", NULL };
static const char *const color_modes[] = { "auto", "truecolor", "256", "16", "mono", NULL };
static const char *const sensitivities[] = { "white", "green", "amber", "red", NULL };
static const char *const container_types[] = { "default", "case", NULL };

const char *const config_prio_names[] = {
	"emergency", "alert", "critical", "error", "warning", "notice", "informational", "debug", NULL,
};

#define F(field) offsetof(struct config, field)
#define ACT(n, s, a, h) { .name = n, .short_name = s, .type = OT_ACTION, .group = OG_ACTIONS, \
			  .flags = OF_CLI_ONLY, .min = a, .help = h }

const struct opt config_opts[] = {
	/* General */
	{ .name = "config", .type = OT_CONFIG, .group = OG_GENERAL, .flags = OF_CLI_ONLY,
	  .off = F(config_path), .arg = "FILE", .def_doc = "$XDG_CONFIG_HOME/socterm/config",
	  .help = "settings file (must exist if given)" },
	{ .name = "state-dir", .type = OT_PATH, .group = OG_GENERAL, .flags = OF_REQUIRED,
	  .off = F(state_dir), .arg = "DIR", .def_doc = "$XDG_STATE_HOME/socterm",
	  .help = "marks, notes and the forwarding outbox" },
	{ .name = "capacity", .type = OT_INT, .group = OG_GENERAL, .off = F(capacity),
	  .def = "100000", .arg = "N", .min = 100, .max = 100000000,
	  .help = "events kept in memory; the oldest go first" },
	{ .name = "filter", .type = OT_FILTER, .group = OG_GENERAL, .off = F(filter),
	  .arg = "EXPR", .help = "filter expression applied at start" },
	{ .name = "follow", .type = OT_BOOL, .group = OG_GENERAL, .off = F(follow),
	  .def = "false", .help = "keep reading FILE as it grows, like tail -f" },
	{ .name = "forward-only", .type = OT_BOOL, .group = OG_GENERAL, .off = F(forward_only),
	  .def = "false", .help = "no console: forward events to Phantom (daemon)" },
	{ .name = "log-format", .type = OT_ENUM, .group = OG_GENERAL, .off = F(log_format),
	  .def = "text", .arg = "text|json", .choices = log_formats,
	  .help = "format of log lines" },
	{ .name = "log-file", .type = OT_PATH, .group = OG_GENERAL, .off = F(log_file),
	  .arg = "FILE", .help = "append log lines to FILE" },
	{ .name = "stats-interval", .type = OT_DUR, .group = OG_GENERAL,
	  .off = F(stats_interval_ns), .def = "60s", .arg = "DUR", .min = 0, .max = 7 * DAY,
	  .help = "forward-only: log counters this often (0: never)" },

	/* Actions */
	ACT("help", 'h', ACTION_HELP, "show this help and exit"),
	ACT("version", 'V', ACTION_VERSION, "show the version and exit"),
	ACT("print-config", 0, ACTION_PRINT_CONFIG, "print the effective configuration and exit"),
	ACT("status", 0, ACTION_STATUS, "show the forwarder's outbox and errors, exit"),
	ACT("list-keys", 0, ACTION_LIST_KEYS, "list the console's key bindings and exit"),
	ACT("count", 0, ACTION_COUNT, "headless: ingest, print event counts, exit"),

	/* NATS */
	{ .name = "server", .short_name = 's', .type = OT_SERVERS, .group = OG_NATS,
	  .flags = OF_REQUIRED, .off = F(servers), .def = "nats://127.0.0.1:4222",
	  .env = "NATS_URL", .arg = "URL[,URL...]", .help = "NATS server(s)" },
	{ .name = "subject", .type = OT_STR, .group = OG_NATS, .flags = OF_REQUIRED,
	  .off = F(subject), .def = "falco.>", .arg = "SUBJECT", .help = "subject to subscribe to" },
	{ .name = "creds", .type = OT_PATH, .group = OG_NATS, .off = F(creds), .arg = "FILE",
	  .help = "NATS credentials file (mode 600)" },
	{ .name = "token-file", .type = OT_PATH, .group = OG_NATS, .off = F(token_file),
	  .arg = "FILE", .help = "file holding a NATS token (mode 600)" },
	{ .name = "tls-ca", .type = OT_PATH, .group = OG_NATS, .off = F(tls_ca), .arg = "FILE",
	  .help = "CA certificates for the NATS server" },
	{ .name = "tls-cert", .type = OT_PATH, .group = OG_NATS, .off = F(tls_cert),
	  .arg = "FILE", .help = "client certificate (with --tls-key)" },
	{ .name = "tls-key", .type = OT_PATH, .group = OG_NATS, .off = F(tls_key),
	  .arg = "FILE", .help = "client private key (with --tls-cert)" },

	/* JetStream */
	{ .name = "stream", .type = OT_STR, .group = OG_JETSTREAM, .off = F(stream),
	  .arg = "NAME", .help = "read from this JetStream stream (at-least-once)" },
	{ .name = "durable", .type = OT_STR, .group = OG_JETSTREAM, .off = F(durable),
	  .arg = "NAME", .help = "durable consumer name (resume where it stopped)" },
	{ .name = "create-stream", .type = OT_BOOL, .group = OG_JETSTREAM,
	  .off = F(create_stream), .def = "false", .help = "create the stream if it is missing" },
	{ .name = "stream-max-age", .type = OT_DUR, .group = OG_JETSTREAM,
	  .off = F(stream_max_age_ns), .def = "7d", .arg = "DUR", .min = SEC, .max = 3650 * DAY,
	  .help = "created stream: age limit" },
	{ .name = "stream-max-bytes", .type = OT_SIZE, .group = OG_JETSTREAM,
	  .off = F(stream_max_bytes), .def = "1G", .arg = "SIZE", .min = 1 << 20,
	  .max = INT64_MAX, .help = "created stream: size limit" },
	{ .name = "since", .type = OT_DUR, .group = OG_JETSTREAM, .off = F(since_ns),
	  .arg = "DUR", .min = 0, .max = 3650 * DAY,
	  .help = "new consumer: start with messages this old" },
	{ .name = "all", .type = OT_BOOL, .group = OG_JETSTREAM, .off = F(all), .def = "false",
	  .help = "new consumer: start with the oldest message" },

	/* Phantom */
	{ .name = "phantom-url", .type = OT_URL, .group = OG_PHANTOM, .off = F(phantom_url),
	  .env = "PHANTOM_BASE_URL", .arg = "URL",
	  .help = "Splunk Phantom/SOAR base URL" },
	{ .name = "phantom-user", .type = OT_STR, .group = OG_PHANTOM, .off = F(phantom_user),
	  .env = "PHANTOM_USER", .arg = "USER", .help = "user for Basic authentication" },
	{ .name = "phantom-password", .type = OT_SECRET, .group = OG_PHANTOM,
	  .flags = OF_FILE_ONLY, .off = F(phantom_password), .env = "PHANTOM_PASSWORD",
	  .help = "password (or in a mode-600 config file)" },
	{ .name = "phantom-password-file", .type = OT_PATH, .group = OG_PHANTOM,
	  .off = F(phantom_password_file), .arg = "FILE",
	  .help = "read the password from FILE (mode 600)" },
	{ .name = "phantom-token", .type = OT_SECRET, .group = OG_PHANTOM,
	  .flags = OF_FILE_ONLY, .off = F(phantom_token), .env = "PHANTOM_TOKEN",
	  .help = "token (or in a mode-600 config file)" },
	{ .name = "phantom-token-file", .type = OT_PATH, .group = OG_PHANTOM,
	  .off = F(phantom_token_file), .arg = "FILE",
	  .help = "read the automation token from FILE (mode 600)" },
	{ .name = "verify-ssl", .type = OT_BOOL, .group = OG_PHANTOM, .flags = OF_ENV_LAX,
	  .off = F(verify_ssl), .def = "true", .env = "VERIFY_SSL",
	  .help = "verify Phantom's TLS certificate" },
	{ .name = "phantom-ca", .type = OT_PATH, .group = OG_PHANTOM, .off = F(phantom_ca),
	  .arg = "FILE", .help = "CA certificates for Phantom" },
	{ .name = "phantom-timeout", .type = OT_DUR, .group = OG_PHANTOM,
	  .off = F(phantom_timeout_ns), .def = "30s", .arg = "DUR", .min = SEC / 1000,
	  .max = DAY, .help = "limit for one Phantom request" },
	{ .name = "phantom-connect-timeout", .type = OT_DUR, .group = OG_PHANTOM,
	  .off = F(phantom_connect_timeout_ns), .def = "10s", .arg = "DUR", .min = SEC / 1000,
	  .max = DAY, .help = "limit for connecting to Phantom" },
	{ .name = "retry-max", .type = OT_DUR, .group = OG_PHANTOM, .off = F(retry_max_ns),
	  .def = "5m", .arg = "DUR", .min = SEC / 1000, .max = DAY,
	  .help = "longest wait between retries" },
	{ .name = "label", .type = OT_STR, .group = OG_PHANTOM, .flags = OF_REQUIRED,
	  .off = F(label), .def = "events", .arg = "LABEL", .help = "label of new containers" },
	{ .name = "sensitivity", .type = OT_ENUM, .group = OG_PHANTOM, .off = F(sensitivity),
	  .def = "amber", .arg = "white|green|amber|red", .choices = sensitivities,
	  .help = "sensitivity (TLP) of containers" },
	{ .name = "severity-map", .type = OT_SEVMAP, .group = OG_PHANTOM, .off = F(severity_map),
	  .def = "emergency=high,alert=high,critical=high,error=medium,warning=medium,"
		 "notice=low,informational=low,debug=low",
	  .arg = "PRIO=SEV,...", .help = "Phantom severity per Falco priority" },
	{ .name = "group-window", .type = OT_DUR, .group = OG_PHANTOM, .off = F(group_window_ns),
	  .def = "0", .arg = "DUR", .min = 0, .max = 30 * DAY,
	  .help = "one container per rule within DUR (0: off)" },
	{ .name = "container-type", .type = OT_ENUM, .group = OG_PHANTOM,
	  .off = F(container_type), .def = "default", .arg = "default|case",
	  .choices = container_types, .help = "forward-only container type" },

	/* UI */
	{ .name = "theme", .type = OT_STR, .group = OG_UI, .flags = OF_REQUIRED, .off = F(theme),
	  .def = "default", .arg = "NAME|FILE", .help = "colour theme" },
	{ .name = "colors", .type = OT_ENUM, .group = OG_UI, .off = F(colors), .def = "auto",
	  .arg = "auto|truecolor|256|16|mono", .choices = color_modes,
	  .help = "colours (auto: from the terminal)" },
	{ .name = "mouse", .type = OT_BOOL, .group = OG_UI, .off = F(mouse), .def = "false",
	  .help = "mouse clicks and wheel" },
	{ .name = "escdelay", .type = OT_INT, .group = OG_UI, .off = F(escdelay_ms), .def = "50",
	  .env = "ESCDELAY", .arg = "MS", .min = 0, .max = 10000,
	  .help = "wait after Esc for a key sequence" },
};

const size_t config_nopts = ARRAY_LEN(config_opts);

const struct opt *opt_find(const char *name, size_t len)
{
	for (size_t i = 0; i < config_nopts; i++)
		if (strlen(config_opts[i].name) == len && memcmp(config_opts[i].name, name, len) == 0)
			return &config_opts[i];
	return NULL;
}

const struct opt *opt_find_short(char c)
{
	for (size_t i = 0; i < config_nopts; i++)
		if (c && config_opts[i].short_name == c)
			return &config_opts[i];
	return NULL;
}

const char *opt_group_name(enum opt_group g)
{
	static const char *const names[OG_COUNT] = {
		"General", "Actions", "NATS", "JetStream", "Phantom", "Console",
	};
	return (unsigned)g < OG_COUNT ? names[g] : "";
}
