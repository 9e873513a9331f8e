/* config.c — loading, layering and checking the configuration; see config.h.
 *
 * Every layer goes through set_value(), so a value is checked the same way
 * whether it is a built-in default, a config file line, an environment
 * variable or a command-line argument. */
#include "core/config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/config_impl.h"
#include "core/secret.h"

_Static_assert(sizeof(enum log_format) == sizeof(int) && sizeof(enum color_mode) == sizeof(int) &&
	       sizeof(enum sensitivity) == sizeof(int) && sizeof(enum container_type) == sizeof(int),
	       "OT_ENUM fields are written as int");

#define CONFIG_FILE_MAX (1 << 20)

static void *fieldp(struct config *c, const struct opt *o)
{
	return (char *)c + o->off;
}

static const struct opt *opt_named(const char *name)
{
	const struct opt *o = opt_find(name, strlen(name));
	if (!o)
		abort();  /* a misspelt name in this file */
	return o;
}

/* ---- paths ---------------------------------------------------------------- */

static const char *home_dir(void)
{
	const char *h = getenv("HOME");
	if (h && h[0] == '/')
		return h;
	struct passwd *pw = getpwuid(getuid());
	return pw && pw->pw_dir ? pw->pw_dir : "/";
}

static char *expand_tilde(const char *s)
{
	if (s[0] == '~' && (s[1] == '/' || s[1] == '\0'))
		return xasprintf("%s%s", home_dir(), s + 1);
	return xstrdup(s);
}

/* $VAR/socterm<leaf>, or ~/<fallback>/socterm<leaf>; relative XDG values
 * are ignored, as the XDG base directory spec asks. */
static char *xdg_path(const char *var, const char *fallback, const char *leaf)
{
	const char *v = getenv(var);
	if (v && v[0] == '/')
		return xasprintf("%s/socterm%s", v, leaf);
	return xasprintf("%s/%s/socterm%s", home_dir(), fallback, leaf);
}

/* ---- values --------------------------------------------------------------- */

static int parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };
	for (size_t i = 0; i < ARRAY_LEN(yes); i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return -1;
}

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

static void set_str(char **f, char *v)
{
	free(*f);
	*f = v;
}

bool config_url_userinfo(const char *s, size_t n, size_t *start, size_t *at)
{
	size_t b = 0;
	for (size_t i = 0; i + 3 <= n; i++) {
		if (memcmp(s + i, "://", 3) == 0) {
			b = i + 3;
			break;
		}
	}
	for (size_t i = n; i > b; i--) {
		if (s[i - 1] == '@') {
			*start = b;
			*at = i - 1;
			return true;
		}
	}
	return false;
}

static bool has_space(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == ' ' || s[i] == '\t')
			return true;
	return false;
}

static char *set_url(char **f, const char *v)
{
	size_t n = strlen(v);
	while (n > 0 && v[n - 1] == '/')
		n--;
	size_t skip = strncasecmp(v, "https://", 8) == 0 ? 8 : strncasecmp(v, "http://", 7) == 0 ? 7 : 0;
	if (!skip)
		return xstrdup("must start with https:// (or http://)");
	if (n <= skip)
		return xstrdup("has no host");
	if (has_space(v, n))
		return xstrdup("must not contain spaces");
	set_str(f, xstrndup(v, n));
	return NULL;
}

/* Comma-separated NATS URLs; stored without the spaces around commas. */
static char *set_servers(char **f, const char *v)
{
	struct sbuf out = SBUF_INIT;
	const char *p = v;
	for (;;) {
		const char *e = strchr(p, ',');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		while (n > 0 && (*p == ' ' || *p == '\t')) {
			p++;
			n--;
		}
		while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		const char *sch = memmem(p, n, "://", 3);
		const char *msg = NULL;
		if (n == 0)
			msg = "empty server in the list";
		else if (has_space(p, n))
			msg = "must not contain spaces";
		else if (sch && !strieq_n(p, (size_t)(sch - p), "nats", 4) &&
			 !strieq_n(p, (size_t)(sch - p), "tls", 3))
			msg = "servers are nats://HOST:PORT or tls://HOST:PORT";
		else if (sch && (size_t)(sch - p) + 3 == n)
			msg = "has no host";
		if (msg) {
			sbuf_free(&out);
			return xstrdup(msg);
		}
		if (out.len)
			sbuf_addc(&out, ',');
		sbuf_add(&out, p, n);
		if (!e)
			break;
		p = e + 1;
	}
	set_str(f, sbuf_steal(&out));
	return NULL;
}

static char *range_error(const struct opt *o)
{
	char lo[32], hi[32];
	if (o->type == OT_DUR) {
		config_fmt_dur(lo, sizeof(lo), o->min);
		config_fmt_dur(hi, sizeof(hi), o->max);
	} else if (o->type == OT_SIZE) {
		config_fmt_size(lo, sizeof(lo), o->min);
		config_fmt_size(hi, sizeof(hi), o->max);
	} else {
		snprintf(lo, sizeof(lo), "%lld", (long long)o->min);
		snprintf(hi, sizeof(hi), "%lld", (long long)o->max);
	}
	if (o->max == INT64_MAX)
		return xasprintf("must be at least %s", lo);
	return xasprintf("must be between %s and %s", lo, hi);
}

static char *set_number(struct config *c, const struct opt *o, const char *v)
{
	int64_t x = 0;
	if (*v == '\0') {
		x = 0;  /* optional (no default): unset */
	} else if (o->type == OT_DUR) {
		if (parse_duration(v, &x) < 0)
			return xasprintf("not a duration: '%.80s' (e.g. 500ms, 90s, 15m, 2h, 7d)", v);
	} else if (o->type == OT_SIZE) {
		if (parse_size(v, &x) < 0)
			return xasprintf("not a size: '%.80s' (e.g. 512M, 1G)", v);
	} else {
		char *end;
		errno = 0;
		long long l = strtoll(v, &end, 10);
		if (!isdigit((unsigned char)*v) || *end || errno)
			return xasprintf("not a whole number: '%.80s'", v);
		x = l;
	}
	if (*v && (x < o->min || x > o->max))
		return range_error(o);
	*(int64_t *)fieldp(c, o) = x;
	return NULL;
}

static char *set_enum(struct config *c, const struct opt *o, const char *v)
{
	for (int i = 0; o->choices[i]; i++) {
		if (strcasecmp(v, o->choices[i]) == 0) {
			*(int *)fieldp(c, o) = i;
			return NULL;
		}
	}
	struct sbuf b = SBUF_INIT;
	sbuf_printf(&b, "'%.80s' is not one of: ", v);
	for (int i = 0; o->choices[i]; i++)
		sbuf_printf(&b, "%s%s", i ? ", " : "", o->choices[i]);
	return sbuf_steal(&b);
}

static int prio_index(const char *s, size_t n)
{
	if (strieq_n(s, n, "info", 4))
		return 6;
	for (int i = 0; config_prio_names[i]; i++)
		if (strieq_n(s, n, config_prio_names[i], strlen(config_prio_names[i])))
			return i;
	return -1;
}

static void trim(const char **p, size_t *n)
{
	while (*n > 0 && (**p == ' ' || **p == '\t')) {
		(*p)++;
		(*n)--;
	}
	while (*n > 0 && ((*p)[*n - 1] == ' ' || (*p)[*n - 1] == '\t'))
		(*n)--;
}

/* "critical=medium,debug=low": only the entries given change. */
static char *set_sevmap(char **map, const char *v)
{
	char *next[CONFIG_NPRIO] = { 0 };
	char *why = NULL;
	for (const char *p = v; !why;) {
		const char *e = strchr(p, ',');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		const char *eq = memchr(p, '=', n);
		const char *k = p, *s = eq ? eq + 1 : NULL;
		size_t kn = eq ? (size_t)(eq - p) : n, sn = eq ? n - kn - 1 : 0;
		trim(&k, &kn);
		if (s)
			trim(&s, &sn);
		int pi = prio_index(k, kn);
		bool sev_ok = s && sn > 0 && sn <= 32;
		for (size_t i = 0; sev_ok && i < sn; i++)
			sev_ok = isalnum((unsigned char)s[i]) || s[i] == '_' || s[i] == '-';
		if (!eq || kn == 0)
			why = xstrdup("expected PRIORITY=SEVERITY[,...] (e.g. critical=high,notice=low)");
		else if (pi < 0)
			why = xasprintf("unknown priority '%.*s' (emergency, alert, critical, error, "
					"warning, notice, informational, debug)", (int)MIN(kn, 40), k);
		else if (!sev_ok)
			why = xasprintf("bad severity for %s (a name such as high, medium, low)",
					config_prio_names[pi]);
		else
			set_str(&next[pi], xstrndup(s, sn));
		if (!e)
			break;
		p = e + 1;
	}
	for (int i = 0; i < CONFIG_NPRIO; i++) {
		if (why) {
			free(next[i]);
		} else if (next[i]) {
			set_str(&map[i], next[i]);
		}
	}
	return why;
}

static bool is_string_type(int t)
{
	return t == OT_STR || t == OT_PATH || t == OT_URL || t == OT_SERVERS || t == OT_CONFIG;
}

/* Checks v and stores it. Returns NULL, or why it is wrong (malloc'd, no
 * location: the caller knows where the value came from). */
static char *set_value(struct config *c, const struct opt *o, const char *v)
{
	void *f = fieldp(c, o);
	bool empty = *v == '\0';
	if (empty && ((o->flags & OF_REQUIRED) || (o->def && !is_string_type(o->type))))
		return xstrdup("needs a value");
	if (o->type != OT_SECRET && !log_text_clean(v))
		return xstrdup("control characters or invalid UTF-8 in the value");
	if (empty && is_string_type(o->type)) {
		set_str(f, NULL);
		return NULL;
	}
	switch ((enum opt_type)o->type) {
	case OT_STR:
	case OT_CONFIG:
		set_str(f, xstrdup(v));
		return NULL;
	case OT_PATH:
		set_str(f, expand_tilde(v));
		return NULL;
	case OT_URL:
		return set_url(f, v);
	case OT_SERVERS:
		return set_servers(f, v);
	case OT_BOOL: {
		bool b = false;
		if (!empty && parse_bool(v, &b) < 0)
			return xasprintf("not a boolean: '%.80s' (true/false, yes/no, on/off, 1/0)", v);
		*(bool *)f = b;
		return NULL;
	}
	case OT_INT:
	case OT_DUR:
	case OT_SIZE:
		return set_number(c, o, v);
	case OT_ENUM:
		return set_enum(c, o, v);
	case OT_SEVMAP:
		return set_sevmap(f, v);
	case OT_SECRET:
		secret_free(*(struct secret **)f);
		*(struct secret **)f = empty ? NULL : secret_new(v, strlen(v));
		return NULL;
	case OT_ACTION:
		break;
	}
	return xstrdup("is a command-line action");
}

static char *apply(struct config *c, const struct opt *o, const char *v, struct origin org)
{
	char *why = set_value(c, o, v);
	if (!why)
		c->priv->origin[opt_index(o)] = org;
	return why;
}

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
		char *why = set_value(c, o, o->def);
		if (why) {
			fprintf(stderr, "socterm: bad built-in default for %s: %s\n", o->name, why);
			abort();
		}
	}
	c->state_dir = xdg_path("XDG_STATE_HOME", ".local/state", "");
}

/* ---- config file ---------------------------------------------------------- */

static char *file_error(const char *name, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static char *file_error(const char *name, unsigned line, const char *fmt, ...)
{
	struct sbuf b = SBUF_INIT;
	sbuf_printf(&b, "%s:%u: ", name, line);
	va_list ap;
	va_start(ap, fmt);
	sbuf_vprintf(&b, fmt, ap);
	va_end(ap);
	return sbuf_steal(&b);
}

static const char *skip_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

/* Reads the value after '=' into val. Returns NULL or a message. */
static const char *read_value(const char *p, const char *end, struct sbuf *val)
{
	if (p < end && *p == '"') {
		for (p++;; p++) {
			if (p == end)
				return "unterminated quoted value";
			if (*p == '"')
				break;
			if (*p == '\\') {
				if (p + 1 == end || (p[1] != '"' && p[1] != '\\'))
					return "unknown escape in quoted value (only \\\" and \\\\)";
				p++;
			}
			sbuf_addc(val, *p);
		}
		p = skip_ws(p + 1, end);
		if (p < end && *p != '#')
			return "unexpected text after the closing quote";
		return NULL;
	}
	/* Unquoted: a '#' at the start or after whitespace begins a comment. */
	const char *v = p;
	while (p < end && !(*p == '#' && (p == v || p[-1] == ' ' || p[-1] == '\t')))
		p++;
	while (p > v && (p[-1] == ' ' || p[-1] == '\t'))
		p--;
	sbuf_add(val, v, (size_t)(p - v));
	return NULL;
}

static int parse_line(struct config *c, const char *name, unsigned lineno, const char *line,
		      size_t len, bool secrets_ok, unsigned mode, struct sbuf *val, char **err)
{
	if (len && line[len - 1] == '\r')
		len--;
	const char *end = line + len;
	if (memchr(line, '\0', len)) {
		*err = file_error(name, lineno, "NUL byte in line");
		return EXIT_CONFIG;
	}
	const char *p = skip_ws(line, end);
	if (p == end || *p == '#')
		return EXIT_OK;
	const char *k = p;
	while (p < end && (isalnum((unsigned char)*p) || *p == '-' || *p == '_'))
		p++;
	size_t klen = (size_t)(p - k);
	p = skip_ws(p, end);
	if (klen == 0 || p == end || *p != '=') {
		*err = file_error(name, lineno, "expected 'key = value'");
		return EXIT_CONFIG;
	}
	const struct opt *o = opt_find(k, klen);
	if (!o) {
		*err = file_error(name, lineno, "unknown key '%.*s'", (int)MIN(klen, 60), k);
		return EXIT_CONFIG;
	}
	if (o->flags & OF_CLI_ONLY) {
		*err = file_error(name, lineno, "'%s' can only be given on the command line", o->name);
		return EXIT_CONFIG;
	}
	if (o->type == OT_SECRET && !secrets_ok) {
		*err = file_error(name, lineno, "%s is set in a file whose mode is %04o (group or "
				  "others may access it); run: chmod 600 '%s'",
				  o->name, mode & 07777, name);
		return EXIT_CONFIG;
	}
	sbuf_reset(val);
	const char *bad = read_value(skip_ws(p + 1, end), end, val);
	if (bad) {
		*err = file_error(name, lineno, "%s: %s", o->name, bad);
		return EXIT_CONFIG;
	}
	char *why = apply(c, o, sbuf_str(val), (struct origin){ ORG_FILE, lineno });
	if (o->type == OT_SECRET && val->s)
		explicit_bzero(val->s, val->len);
	if (why) {
		*err = file_error(name, lineno, "%s: %s", o->name, why);
		free(why);
		return EXIT_CONFIG;
	}
	return EXIT_OK;
}

int config_parse_buffer(struct config *c, const char *name, const char *buf, size_t n,
			bool secrets_ok, unsigned mode, char **err)
{
	set_str(&c->priv->file_name, xstrdup(name));
	struct sbuf val = SBUF_INIT;
	size_t pos = n >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
	int rc = EXIT_OK;
	for (unsigned lineno = 1; pos < n && rc == EXIT_OK; lineno++) {
		const char *line = buf + pos;
		const char *nl = memchr(line, '\n', n - pos);
		size_t len = nl ? (size_t)(nl - line) : n - pos;
		pos += len + (nl ? 1 : 0);
		rc = parse_line(c, name, lineno, line, len, secrets_ok, mode, &val, err);
	}
	if (val.s)
		explicit_bzero(val.s, val.cap);
	sbuf_free(&val);
	return rc;
}

static int load_file(struct config *c, const char *path, bool must_exist, char **err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		if (errno == ENOENT && !must_exist)
			return EXIT_OK;
		*err = xasprintf("%s: cannot read the config file: %s", path, strerror(errno));
		return errno == ENOENT || errno == EACCES ? EXIT_NOINPUT : EXIT_CONFIG;
	}
	struct stat st;
	if (fstat(fd, &st) < 0 || S_ISDIR(st.st_mode)) {
		close(fd);
		*err = xasprintf("%s: not a config file", path);
		return EXIT_CONFIG;
	}
	struct sbuf b = SBUF_INIT;
	char chunk[4096];
	ssize_t r;
	while ((r = read(fd, chunk, sizeof(chunk))) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 || b.len + (size_t)r > CONFIG_FILE_MAX)
			break;
		sbuf_add(&b, chunk, (size_t)r);
	}
	int e = errno;
	explicit_bzero(chunk, sizeof(chunk));
	close(fd);
	int rc;
	if (r != 0) {
		*err = r < 0 ? xasprintf("%s: read error: %s", path, strerror(e))
			     : xasprintf("%s: larger than %d bytes", path, CONFIG_FILE_MAX);
		rc = EXIT_CONFIG;
	} else {
		c->config_found = true;
		rc = config_parse_buffer(c, path, sbuf_str(&b), b.len, secret_mode_ok(st.st_mode),
					 (unsigned)st.st_mode, err);
	}
	/* The file may hold a password. */
	if (b.s)
		explicit_bzero(b.s, b.cap);
	sbuf_free(&b);
	return rc;
}

/* ---- environment ---------------------------------------------------------- */

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
				struct secret **f = fieldp(c, o);
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
			*(bool *)fieldp(c, o) = env_lax_bool(v);
			c->priv->origin[i] = org;
			continue;
		}
		char *why = apply(c, o, v, org);
		if (why) {
			*err = xasprintf("environment variable %s: %s", o->env, why);
			free(why);
			return EXIT_CONFIG;
		}
	}
	return EXIT_OK;
}

/* ---- command line --------------------------------------------------------- */

static int usage_error(char **err, char *msg)
{
	*err = msg;
	return EXIT_USAGE;
}

static const char secret_cli_msg[] =
	"--%s: passwords and tokens are not accepted on the command line (other users "
	"could read them in the process list); use --%s-file FILE (mode 600), the "
	"%s environment variable, or %s in a mode-600 config file";

static void cli_push(struct config_priv *p, const struct opt *o, const char *v)
{
	p->cli = xgrow(p->cli, &p->cli_cap, p->ncli + 1, sizeof(*p->cli));
	p->cli[p->ncli++] = (struct cli_arg){ o, xstrdup(v) };
}

/* Handles argv[*i] = "--name[=value]" (value possibly in argv[*i + 1]). */
static int cli_long(struct config *c, int argc, char **argv, int *i, unsigned *actions,
		    char **err)
{
	const char *name = argv[*i] + 2;
	const char *eq = strchr(name, '=');
	size_t nlen = eq ? (size_t)(eq - name) : strlen(name);
	const struct opt *o = opt_find(name, nlen);
	bool neg = false;
	if (!o && nlen > 3 && strncmp(name, "no-", 3) == 0) {
		o = opt_find(name + 3, nlen - 3);
		neg = o && o->type == OT_BOOL;
		if (!neg)
			o = NULL;
	}
	if (!o) {
		if (!log_text_clean(name) || nlen > 60)
			return usage_error(err, xstrdup("unknown option (see --help)"));
		return usage_error(err, xasprintf("unknown option --%.*s (see --help)", (int)nlen, name));
	}
	if (o->flags & OF_FILE_ONLY)
		return usage_error(err, xasprintf(secret_cli_msg, o->name, o->name, o->env, o->name));
	if (o->type == OT_ACTION || neg) {
		if (eq)
			return usage_error(err, xasprintf("--%s%s takes no value", neg ? "no-" : "",
							  o->name));
		if (neg)
			cli_push(c->priv, o, "false");
		else
			*actions |= 1u << o->min;
		return EXIT_OK;
	}
	const char *v;
	if (eq)
		v = eq + 1;
	else if (o->type == OT_BOOL)
		v = "true";
	else if (*i + 1 < argc)
		v = argv[++*i];
	else
		return usage_error(err, xasprintf("--%s needs a value (%s)", o->name, o->arg));
	if (o->type == OT_CONFIG) {
		if (!*v || !log_text_clean(v))
			return usage_error(err, xstrdup("--config needs a file name"));
		set_str(&c->priv->cli_config, xstrdup(v));
	} else {
		cli_push(c->priv, o, v);
	}
	return EXIT_OK;
}

/* "-h", "-V", "-s URL", "-sURL". */
static int cli_short(struct config *c, int argc, char **argv, int *i, unsigned *actions,
		     char **err)
{
	const char *a = argv[*i];
	const struct opt *o = opt_find_short(a[1]);
	if (!o) {
		if (isprint((unsigned char)a[1]))
			return usage_error(err, xasprintf("unknown option -%c (see --help)", a[1]));
		return usage_error(err, xstrdup("unknown option (see --help)"));
	}
	if (o->type == OT_ACTION) {
		if (a[2])
			return usage_error(err, xasprintf("-%c takes no value", a[1]));
		*actions |= 1u << o->min;
		return EXIT_OK;
	}
	const char *v = a[2] ? a + 2 : *i + 1 < argc ? argv[++*i] : NULL;
	if (!v)
		return usage_error(err, xasprintf("-%c needs a value (%s)", a[1], o->arg));
	cli_push(c->priv, o, v);
	return EXIT_OK;
}

static int cli_positional(struct config *c, const char *a, char **err)
{
	if (c->source_path)
		return usage_error(err, xstrdup("only one source FILE (or -) may be given"));
	if (!*a || !log_text_clean(a))
		return usage_error(err, xstrdup("the source FILE name is empty or has control characters"));
	c->source_path = xstrdup(a);
	return EXIT_OK;
}

static int cli_actions(struct config *c, unsigned actions, char **err)
{
	if (actions & (1u << ACTION_HELP)) {
		c->action = ACTION_HELP;
	} else if (actions & (1u << ACTION_VERSION)) {
		c->action = ACTION_VERSION;
	} else if (actions & (actions - 1)) {
		const char *names[2];
		int n = 0;
		for (size_t i = 0; i < config_nopts && n < 2; i++)
			if (config_opts[i].type == OT_ACTION && (actions & (1u << config_opts[i].min)))
				names[n++] = config_opts[i].name;
		return usage_error(err, xasprintf("--%s and --%s cannot be used together",
						  names[0], names[1]));
	} else {
		for (int a = 0; actions; a++, actions >>= 1)
			if (actions & 1)
				c->action = (enum config_action)a;
	}
	return EXIT_OK;
}

/* Collects the command line and checks every value on a scratch config, so
 * a bad argument is reported before any file is read. */
static int cli_scan(struct config *c, int argc, char **argv, char **err)
{
	unsigned actions = 0;
	bool only_files = false;
	int rc = EXIT_OK;
	for (int i = 1; i < argc && rc == EXIT_OK; i++) {
		const char *a = argv[i];
		if (only_files || a[0] != '-' || strcmp(a, "-") == 0)
			rc = cli_positional(c, a, err);
		else if (strcmp(a, "--") == 0)
			only_files = true;
		else if (a[1] == '-')
			rc = cli_long(c, argc, argv, &i, &actions, err);
		else
			rc = cli_short(c, argc, argv, &i, &actions, err);
	}
	if (rc == EXIT_OK)
		rc = cli_actions(c, actions, err);
	if (rc != EXIT_OK || c->action == ACTION_HELP || c->action == ACTION_VERSION)
		return rc;
	struct config scratch;
	config_init(&scratch);
	for (size_t i = 0; i < c->priv->ncli && rc == EXIT_OK; i++) {
		const struct opt *o = c->priv->cli[i].o;
		char *why = set_value(&scratch, o, c->priv->cli[i].val);
		if (why) {
			rc = usage_error(err, xasprintf("--%s: %s", o->name, why));
			free(why);
		}
	}
	config_free(&scratch);
	return rc;
}

static int load_cli(struct config *c, char **err)
{
	for (size_t i = 0; i < c->priv->ncli; i++) {
		const struct opt *o = c->priv->cli[i].o;
		char *why = apply(c, o, c->priv->cli[i].val, (struct origin){ ORG_CLI, 0 });
		if (why) {  /* cli_scan checked them already */
			*err = xasprintf("--%s: %s", o->name, why);
			free(why);
			return EXIT_USAGE;
		}
	}
	return EXIT_OK;
}

/* ---- final checks --------------------------------------------------------- */

/* How an option is named in a message: where its value came from. */
static char *opt_ref(const struct config *c, const char *name)
{
	const struct opt *o = opt_named(name);
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
	return c->priv->origin[opt_index(opt_named(name))].kind == ORG_CLI;
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
	struct origin gi = c->priv->origin[opt_index(opt_named(key))];
	struct origin gf = c->priv->origin[opt_index(opt_named(fkey))];
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
		char *r = config_origin_str(c, opt_named("verify-ssl"));
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
	const struct opt *oc = opt_named("config");
	set_str(&c->config_path, explicit ? expand_tilde(p->cli_config)
					  : xdg_path("XDG_CONFIG_HOME", ".config", "/config"));
	p->origin[opt_index(oc)].kind = explicit ? ORG_CLI : ORG_DEFAULT;
	set_str(&p->file_name, xstrdup(c->config_path));
	int rc;
	if ((rc = load_file(c, c->config_path, explicit, err)) ||
	    (rc = load_env(c, err)) ||
	    (rc = load_cli(c, err)))
		return rc;
	return finalize(c, err);
}

int config_load(struct config *c, int argc, char **argv, char **err)
{
	*err = NULL;
	config_init(c);
	/* First of all, so the environment is clean whatever happens next. */
	take_env_secrets(c);
	int rc = cli_scan(c, argc, argv, err);
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
		cli_push(np, p->cli[i].o, p->cli[i].val);
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
		void *f = fieldp(c, o);
		if (is_string_type(o->type)) {
			set_str(f, NULL);
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
