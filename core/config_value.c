/* config_value.c — checking and storing one value of any type; see
 * config_impl.h. Every layer (defaults, file, environment, command line)
 * goes through config_set_value(), so a value is checked the same way
 * wherever it comes from. */
#include "core/config.h"

#include <ctype.h>
#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/config_impl.h"
#include "core/filter.h"
#include "core/secret.h"

_Static_assert(sizeof(enum log_format) == sizeof(int) && sizeof(enum color_mode) == sizeof(int) &&
	       sizeof(enum sensitivity) == sizeof(int) && sizeof(enum container_type) == sizeof(int),
	       "OT_ENUM fields are written as int");

void *config_field(struct config *c, const struct opt *o)
{
	return (char *)c + o->off;
}

const struct opt *config_opt(const char *name)
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

char *config_expand_tilde(const char *s)
{
	if (s[0] == '~' && (s[1] == '/' || s[1] == '\0'))
		return xasprintf("%s%s", home_dir(), s + 1);
	return xstrdup(s);
}

/* $VAR/socterm<leaf>, or ~/<fallback>/socterm<leaf>; relative XDG values
 * are ignored, as the XDG base directory spec asks. */
char *config_xdg_path(const char *var, const char *fallback, const char *leaf)
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

/* Length of s[0..n) to quote in a message: at most max bytes, never
 * cutting a UTF-8 character (the message must stay valid text). */
static int shown_len(const char *s, size_t n, size_t max)
{
	if (n <= max)
		return (int)n;
	while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	return (int)max;
}

#define SHOWN(v) shown_len((v), strlen(v), 80), (v)

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
	config_set_str(f, xstrndup(v, n));
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
	config_set_str(f, sbuf_steal(&out));
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
			return xasprintf("not a duration: '%.*s' (e.g. 500ms, 90s, 15m, 2h, 7d)", SHOWN(v));
	} else if (o->type == OT_SIZE) {
		if (parse_size(v, &x) < 0)
			return xasprintf("not a size: '%.*s' (e.g. 512M, 1G)", SHOWN(v));
	} else {
		char *end;
		errno = 0;
		long long l = strtoll(v, &end, 10);
		if (!isdigit((unsigned char)*v) || *end || errno)
			return xasprintf("not a whole number: '%.*s'", SHOWN(v));
		x = l;
	}
	if (*v && (x < o->min || x > o->max))
		return range_error(o);
	*(int64_t *)config_field(c, o) = x;
	return NULL;
}

static char *set_enum(struct config *c, const struct opt *o, const char *v)
{
	for (int i = 0; o->choices[i]; i++) {
		if (strcasecmp(v, o->choices[i]) == 0) {
			*(int *)config_field(c, o) = i;
			return NULL;
		}
	}
	struct sbuf b = SBUF_INIT;
	sbuf_printf(&b, "'%.*s' is not one of: ", SHOWN(v));
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
					"warning, notice, informational, debug)", shown_len(k, kn, 40), k);
		else if (!sev_ok)
			why = xasprintf("bad severity for %s (a name such as high, medium, low)",
					config_prio_names[pi]);
		else
			config_set_str(&next[pi], xstrndup(s, sn));
		if (!e)
			break;
		p = e + 1;
	}
	for (int i = 0; i < CONFIG_NPRIO; i++) {
		if (why) {
			free(next[i]);
		} else if (next[i]) {
			config_set_str(&map[i], next[i]);
		}
	}
	return why;
}

/* A bad expression is refused where it is written (file:line, variable or
 * option), not later by whichever mode happens to compile it. */
static char *set_filter(char **field, const char *v)
{
	char *err = NULL;
	size_t pos = 0;
	struct filter *flt = filter_compile(v, &err, &pos);
	if (!flt)
		return err ? err : xstrdup("invalid expression");
	filter_free(flt);
	config_set_str(field, xstrdup(v));
	return NULL;
}

bool config_is_string_type(int t)
{
	return t == OT_STR || t == OT_FILTER || t == OT_PATH || t == OT_URL || t == OT_SERVERS || t == OT_CONFIG;
}

/* Checks v and stores it. Returns NULL, or why it is wrong (malloc'd, no
 * location: the caller knows where the value came from). */
char *config_set_value(struct config *c, const struct opt *o, const char *v)
{
	void *f = config_field(c, o);
	bool empty = *v == '\0';
	if (empty && ((o->flags & OF_REQUIRED) || (o->def && !config_is_string_type(o->type))))
		return xstrdup("needs a value");
	if (o->type != OT_SECRET && !log_text_clean(v))
		return xstrdup("control characters or invalid UTF-8 in the value");
	if (empty && config_is_string_type(o->type)) {
		config_set_str(f, NULL);
		return NULL;
	}
	switch ((enum opt_type)o->type) {
	case OT_STR:
	case OT_CONFIG:
		config_set_str(f, xstrdup(v));
		return NULL;
	case OT_FILTER:
		return set_filter(f, v);
	case OT_PATH:
		config_set_str(f, config_expand_tilde(v));
		return NULL;
	case OT_URL:
		return set_url(f, v);
	case OT_SERVERS:
		return set_servers(f, v);
	case OT_BOOL: {
		bool b = false;
		if (!empty && parse_bool(v, &b) < 0)
			return xasprintf("not a boolean: '%.*s' (true/false, yes/no, on/off, 1/0)", SHOWN(v));
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

char *config_apply(struct config *c, const struct opt *o, const char *v, struct origin org)
{
	char *why = config_set_value(c, o, v);
	if (!why)
		c->priv->origin[opt_index(o)] = org;
	return why;
}
