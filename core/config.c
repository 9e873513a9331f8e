/* config.c — loading, layering and checking the configuration; see config.h.
 * Values are parsed in config_value.c, the file in config_file.c and the
 * command line in config_cli.c. */
#include "core/config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "core/config_impl.h"
#include "core/secret.h"

/* ---- defaults ------------------------------------------------------------- */

void config_init(struct config *c)
{
	memset(c, 0, sizeof(*c));
	c->priv = xcalloc(1, sizeof(*c->priv));
	c->priv->origin = xcalloc(config_nopts, sizeof(struct origin));
	for (size_t i = 0; i < config_nopts; i++) {
		const struct opt *o = &config_opts[i];
		if (!o->def)
			continue;
		char *why = config_set_value(c, o, o->def);
		if (why) {
			fprintf(stderr, "socterm: bad built-in default for %s: %s\n", o->name, why);
			abort();
		}
	}
	c->state_dir = config_xdg_path("XDG_STATE_HOME", ".local/state", "");
}

/* ---- environment ---------------------------------------------------------- */

/* VERIFY_SSL: only an explicit false/no/0/off turns verification off. */
static bool env_lax_bool(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	static const char *const no[] = { "false", "no", "0", "off" };
	for (size_t i = 0; i < ARRAY_LEN(no); i++)
		if (strieq_n(s, n, no[i], strlen(no[i])))
			return false;
	return true;
}

static struct secret **env_secret_slot(struct config_priv *p, const struct opt *o)
{
	return o->off == offsetof(struct config, phantom_password) ? &p->env_password
								   : &p->env_token;
}

static void take_env_secrets(struct config *c)
{
	for (size_t i = 0; i < config_nopts; i++) {
		const struct opt *o = &config_opts[i];
		if (o->type == OT_SECRET && o->env) {
			struct secret **slot = env_secret_slot(c->priv, o);
			struct secret *s = secret_from_env(o->env);
			if (s) {
				secret_free(*slot);
				*slot = s;
			}
		}
	}
}

static int load_env(struct config *c, char **err)
{
	struct origin org = { ORG_ENV, 0 };
	for (size_t i = 0; i < config_nopts; i++) {
		const struct opt *o = &config_opts[i];
		if (!o->env)
			continue;
		if (o->type == OT_SECRET) {
			struct secret *s = *env_secret_slot(c->priv, o);
			if (s) {
				struct secret **f = config_field(c, o);
				secret_free(*f);
				*f = secret_dup(s);
				c->priv->origin[i] = org;
			}
			continue;
		}
		const char *v = getenv(o->env);
		if (!v || !*v)
			continue;
		if (o->flags & OF_ENV_LAX) {
			*(bool *)config_field(c, o) = env_lax_bool(v);
			c->priv->origin[i] = org;
			continue;
		}
		char *why = config_apply(c, o, v, org);
		if (why) {
			*err = xasprintf("environment variable %s: %s", o->env, why);
			free(why);
			return EXIT_CONFIG;
		}
	}
	return EXIT_OK;
}

/* ---- final checks --------------------------------------------------------- */

/* How an option is named in a message: where its value came from. */
static char *opt_ref(const struct config *c, const char *name)
{
	const struct opt *o = config_opt(name);
	struct origin g = c->priv->origin[opt_index(o)];
	switch (g.kind) {
	case ORG_CLI:
		return xasprintf("--%s", o->name);
	case ORG_FILE:
		return xasprintf("%s (%s:%u)", o->name, c->priv->file_name, g.line);
	case ORG_ENV:
		return xasprintf("%s (environment %s)", o->name, o->env);
	}
	return xstrdup(o->name);
}

static bool from_cli(const struct config *c, const char *name)
{
	return c->priv->origin[opt_index(config_opt(name))].kind == ORG_CLI;
}

static int combo_error(const struct config *c, char **err, const char *a, const char *b,
		       const char *fmt)
{
	char *ra = opt_ref(c, a), *rb = opt_ref(c, b);
	*err = xasprintf(fmt, ra, rb);
	free(ra);
	free(rb);
	return from_cli(c, a) || from_cli(c, b) ? EXIT_USAGE : EXIT_CONFIG;
}

static int check_combinations(const struct config *c, char **err)
{
	const char *excl = "%s and %s cannot be used together";
	if (c->since_ns > 0 && c->all)
		return combo_error(c, err, "since", "all", excl);
	if (c->creds && c->token_file)
		return combo_error(c, err, "creds", "token-file", excl);
	if (!c->stream) {
		const char *js = c->since_ns > 0 ? "since" : c->all ? "all"
			       : c->durable ? "durable" : c->create_stream ? "create-stream" : NULL;
		if (js) {
			char *r = opt_ref(c, js);
			*err = xasprintf("%s needs a JetStream stream (--stream NAME)", r);
			free(r);
			return from_cli(c, js) ? EXIT_USAGE : EXIT_CONFIG;
		}
	}
	/* From the command line it is a mistake; a config file may well set
	 * it for the times a FILE is given. */
	if (c->follow && !c->source_path && from_cli(c, "follow")) {
		*err = xstrdup("--follow needs a FILE to follow (socterm --follow FILE)");
		return EXIT_USAGE;
	}
	if (!c->tls_cert != !c->tls_key)
		return combo_error(c, err, c->tls_cert ? "tls-cert" : "tls-key",
				   c->tls_cert ? "tls-key" : "tls-cert", "%s needs %s too");
	if (c->forward_only && c->action == ACTION_RUN) {
		if (!c->phantom_url)
			return combo_error(c, err, "forward-only", "phantom-url",
					   "%s needs %s (or PHANTOM_BASE_URL)");
		if (!c->phantom_token && !(c->phantom_user && c->phantom_password))
			return combo_error(c, err, "forward-only", "phantom-token",
					   "%s needs Phantom credentials: a token (%s, "
					   "phantom-token-file, PHANTOM_TOKEN) or phantom-user "
					   "with a password (phantom-password-file, PHANTOM_PASSWORD)");
	}
	return EXIT_OK;
}

static int secret_file_error(const char *key, char *msg, char **err)
{
	int e = errno;
	*err = xasprintf("%s: %s", key, msg);
	free(msg);
	return e == ENOENT || e == EACCES ? EXIT_NOINPUT : EXIT_CONFIG;
}

/* phantom-password vs phantom-password-file: the one from the higher layer
 * wins; both in the same file is ambiguous. */
static int resolve_secret(struct config *c, const char *key, struct secret **sec,
			  const char *path, bool *via_file, char **err)
{
	char fkey[64];
	snprintf(fkey, sizeof(fkey), "%s-file", key);
	struct origin gi = c->priv->origin[opt_index(config_opt(key))];
	struct origin gf = c->priv->origin[opt_index(config_opt(fkey))];
	*via_file = false;
	if (!path || (*sec && gi.kind > gf.kind))
		return EXIT_OK;
	if (*sec && gi.kind == gf.kind) {
		*err = xasprintf("%s:%u: %s and %s (line %u) are both set; keep one",
				 c->priv->file_name, gi.line, key, fkey, gf.line);
		return EXIT_CONFIG;
	}
	secret_free(*sec);
	*sec = NULL;
	char *msg;
	if (secret_from_file(path, sec, &msg) < 0)
		return secret_file_error(fkey, msg, err);
	*via_file = true;
	return EXIT_OK;
}

static int check_nats_files(struct config *c, char **err)
{
	if (c->creds) {
		struct stat st;
		if (stat(c->creds, &st) < 0) {
			*err = xasprintf("creds: %s: %s", c->creds, strerror(errno));
			return errno == ENOENT || errno == EACCES ? EXIT_NOINPUT : EXIT_CONFIG;
		}
		if (!secret_mode_ok(st.st_mode)) {
			char *m = secret_mode_error(c->creds, st.st_mode, "holds NATS credentials");
			*err = xasprintf("creds: %s", m);
			free(m);
			return EXIT_CONFIG;
		}
	}
	if (c->token_file) {
		char *msg;
		if (secret_from_file(c->token_file, &c->nats_token, &msg) < 0)
			return secret_file_error("token-file", msg, err);
	}
	return EXIT_OK;
}

/* Passwords and tokens inside URLs, so the log never shows them. */
static void register_url_secrets(struct config *c, const char *urls)
{
	struct config_priv *p = c->priv;
	for (const char *s = urls; s && *s;) {
		const char *e = strchr(s, ',');
		size_t n = e ? (size_t)(e - s) : strlen(s), b, at;
		if (config_url_userinfo(s, n, &b, &at)) {
			const char *colon = memchr(s + b, ':', at - b);
			const char *from = colon ? colon + 1 : s + b;
			if (s + at > from) {
				p->url_secrets = xgrow(p->url_secrets, &p->url_cap, p->nurl + 1,
						       sizeof(*p->url_secrets));
				struct secret *sec = secret_new(from, (size_t)(s + at - from));
				p->url_secrets[p->nurl++] = sec;
				secret_register(sec);
			}
		}
		s = e ? e + 1 : NULL;
	}
}

static void warn(struct config *c, char *msg)
{
	c->warnings = xrealloc(c->warnings, (c->nwarnings + 1) * sizeof(*c->warnings));
	c->warnings[c->nwarnings++] = msg;
}

static void add_warnings(struct config *c)
{
	if (!c->verify_ssl) {
		char *r = config_origin_str(c, config_opt("verify-ssl"));
		warn(c, xasprintf("TLS certificate verification for Phantom is OFF (from %s): "
				  "anyone on the network path can read the credentials; prefer "
				  "phantom-ca to trust a private CA", r));
		free(r);
	}
	if (c->phantom_url && strncasecmp(c->phantom_url, "http://", 7) == 0)
		warn(c, xstrdup("phantom-url uses http://: credentials and events travel unencrypted"));
}

static int finalize(struct config *c, char **err)
{
	int rc;
	struct config_priv *p = c->priv;
	if ((rc = resolve_secret(c, "phantom-password", &c->phantom_password,
				 c->phantom_password_file, &p->password_via_file, err)) ||
	    (rc = resolve_secret(c, "phantom-token", &c->phantom_token,
				 c->phantom_token_file, &p->token_via_file, err)) ||
	    (rc = check_nats_files(c, err)) ||
	    (rc = check_combinations(c, err)))
		return rc;
	secret_register(c->phantom_password);
	secret_register(c->phantom_token);
	secret_register(c->nats_token);
	register_url_secrets(c, c->servers);
	register_url_secrets(c, c->phantom_url);
	add_warnings(c);
	c->nats = (struct nats_conf){
		.servers = c->servers,
		.subject = c->subject,
		.creds_file = c->creds,
		.token_file = c->token_file,
		.tls_ca = c->tls_ca,
		.tls_cert = c->tls_cert,
		.tls_key = c->tls_key,
		.name = c->forward_only ? "socterm-forwarder" : "socterm",
		.stream = c->stream,
		.durable = c->durable,
		.create_stream = c->create_stream,
		.stream_max_age_ns = c->stream_max_age_ns,
		.stream_max_bytes = c->stream_max_bytes,
		.start_since_ns = c->since_ns,
		.start_all = c->all,
	};
	return EXIT_OK;
}

/* ---- load, reload, free --------------------------------------------------- */

/* File, environment and command line over the defaults, then the checks. */
static int config_build(struct config *c, char **err)
{
	struct config_priv *p = c->priv;
	bool explicit = p->cli_config != NULL;
	const struct opt *oc = config_opt("config");
	config_set_str(&c->config_path, explicit ? config_expand_tilde(p->cli_config)
					  : config_xdg_path("XDG_CONFIG_HOME", ".config", "/config"));
	p->origin[opt_index(oc)].kind = explicit ? ORG_CLI : ORG_DEFAULT;
	config_set_str(&p->file_name, xstrdup(c->config_path));
	int rc;
	if ((rc = config_load_file(c, c->config_path, explicit, err)) ||
	    (rc = load_env(c, err)) ||
	    (rc = config_load_cli(c, err)))
		return rc;
	return finalize(c, err);
}

int config_load(struct config *c, int argc, char **argv, char **err)
{
	*err = NULL;
	config_init(c);
	/* First of all, so the environment is clean whatever happens next. */
	take_env_secrets(c);
	int rc = config_cli_scan(c, argc, argv, err);
	if (rc != EXIT_OK || c->action == ACTION_HELP || c->action == ACTION_VERSION)
		return rc;
	return config_build(c, err);
}

int config_reload(struct config *c, char **err)
{
	*err = NULL;
	struct config n;
	config_init(&n);
	struct config_priv *p = c->priv, *np = n.priv;
	n.action = c->action;
	n.source_path = c->source_path ? xstrdup(c->source_path) : NULL;
	np->cli_config = p->cli_config ? xstrdup(p->cli_config) : NULL;
	for (size_t i = 0; i < p->ncli; i++)
		config_cli_push(np, p->cli[i].o, p->cli[i].val);
	np->env_password = secret_dup(p->env_password);
	np->env_token = secret_dup(p->env_token);
	int rc = config_build(&n, err);
	if (rc != EXIT_OK) {
		config_free(&n);
		return rc;
	}
	config_free(c);
	*c = n;
	return EXIT_OK;
}

void config_free(struct config *c)
{
	if (!c->priv)
		return;
	for (size_t i = 0; i < config_nopts; i++) {
		const struct opt *o = &config_opts[i];
		void *f = config_field(c, o);
		if (config_is_string_type(o->type)) {
			config_set_str(f, NULL);
		} else if (o->type == OT_SECRET) {
			secret_free(*(struct secret **)f);
		} else if (o->type == OT_SEVMAP) {
			for (int k = 0; k < CONFIG_NPRIO; k++)
				free(((char **)f)[k]);
		}
	}
	free(c->source_path);
	secret_free(c->nats_token);
	for (size_t i = 0; i < c->nwarnings; i++)
		free(c->warnings[i]);
	free(c->warnings);
	struct config_priv *p = c->priv;
	free(p->origin);
	free(p->file_name);
	for (size_t i = 0; i < p->ncli; i++)
		free(p->cli[i].val);
	free(p->cli);
	free(p->cli_config);
	secret_free(p->env_password);
	secret_free(p->env_token);
	for (size_t i = 0; i < p->nurl; i++)
		secret_free(p->url_secrets[i]);
	free(p->url_secrets);
	free(p);
	memset(c, 0, sizeof(*c));
}
