/* config_print.c — --print-config, --help and URL redaction; see config.h. */
#include "core/config.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/config_impl.h"
#include "core/secret.h"

#define HELP_COL 32
#define HELP_WIDTH 79
#define PRINT_COL 44

const char *sensitivity_name(enum sensitivity s)
{
	static const char *const n[] = { "white", "green", "amber", "red" };
	return (unsigned)s < ARRAY_LEN(n) ? n[s] : "amber";
}

const char *container_type_name(enum container_type t)
{
	return t == CONTAINER_CASE ? "case" : "default";
}

void config_fmt_dur(char *buf, size_t n, int64_t ns)
{
	static const struct {
		const char *unit;
		int64_t mult;
	} units[] = {
		{ "d", 86400LL * 1000000000 }, { "h", 3600LL * 1000000000 },
		{ "m", 60LL * 1000000000 }, { "s", 1000000000 }, { "ms", 1000000 },
		{ "us", 1000 }, { "ns", 1 },
	};
	if (ns == 0) {
		snprintf(buf, n, "0");
		return;
	}
	for (size_t i = 0; i < ARRAY_LEN(units); i++) {
		if (ns % units[i].mult == 0) {
			snprintf(buf, n, "%lld%s", (long long)(ns / units[i].mult), units[i].unit);
			return;
		}
	}
}

void config_fmt_size(char *buf, size_t n, int64_t bytes)
{
	static const char units[] = "TGMK";
	for (int i = 0; units[i]; i++) {
		int64_t mult = 1LL << (10 * (4 - i));
		if (bytes != 0 && bytes % mult == 0) {
			snprintf(buf, n, "%lld%c", (long long)(bytes / mult), units[i]);
			return;
		}
	}
	snprintf(buf, n, "%lld", (long long)bytes);
}

char *config_redact_url(const char *urls)
{
	struct sbuf b = SBUF_INIT;
	for (const char *s = urls; s;) {
		const char *e = strchr(s, ',');
		size_t n = e ? (size_t)(e - s) : strlen(s), start, at;
		if (config_url_userinfo(s, n, &start, &at)) {
			const char *colon = memchr(s + start, ':', at - start);
			sbuf_add(&b, s, colon ? (size_t)(colon + 1 - s) : start);
			sbuf_adds(&b, SECRET_MASK);
			sbuf_add(&b, s + at, n - at);
		} else {
			sbuf_add(&b, s, n);
		}
		if (e)
			sbuf_addc(&b, ',');
		s = e ? e + 1 : NULL;
	}
	return sbuf_steal(&b);
}

char *config_origin_str(const struct config *c, const struct opt *o)
{
	struct origin g = c->priv->origin[opt_index(o)];
	switch (g.kind) {
	case ORG_FILE:
		return xasprintf("%s:%u", c->priv->file_name, g.line);
	case ORG_ENV:
		return xasprintf("env %s", o->env);
	case ORG_CLI:
		return xstrdup("command line");
	}
	return xstrdup("default");
}

/* ---- --print-config ------------------------------------------------------- */

static const void *cfield(const struct config *c, const struct opt *o)
{
	return (const char *)c + o->off;
}

/* Quotes a value when reading it back would otherwise change it. */
static void add_value(struct sbuf *b, const char *v)
{
	size_t n = strlen(v);
	/* Unquoted, only a leading quote and a '#' are special. */
	bool quote = n && (v[0] == '"' || strchr(v, '#') || v[0] == ' ' || v[0] == '\t' ||
			   v[n - 1] == ' ' || v[n - 1] == '\t');
	if (!quote) {
		sbuf_adds(b, v);
		return;
	}
	sbuf_addc(b, '"');
	for (const char *p = v; *p; p++) {
		if (*p == '"' || *p == '\\')
			sbuf_addc(b, '\\');
		sbuf_addc(b, *p);
	}
	sbuf_addc(b, '"');
}

static void format_value(const struct config *c, const struct opt *o, struct sbuf *b)
{
	const void *f = cfield(c, o);
	char tmp[64];
	switch ((enum opt_type)o->type) {
	case OT_STR:
	case OT_FILTER:
	case OT_PATH:
	case OT_URL:
	case OT_CONFIG: {
		const char *s = *(char *const *)f;
		if (s && o->type == OT_URL) {
			char *r = config_redact_url(s);
			add_value(b, r);
			free(r);
		} else if (s) {
			add_value(b, s);
		}
		break;
	}
	case OT_SERVERS: {
		char *r = config_redact_url(*(char *const *)f);
		add_value(b, r);
		free(r);
		break;
	}
	case OT_BOOL:
		sbuf_adds(b, *(const bool *)f ? "true" : "false");
		break;
	case OT_INT:
		sbuf_printf(b, "%lld", (long long)*(const int64_t *)f);
		break;
	case OT_DUR:
		config_fmt_dur(tmp, sizeof(tmp), *(const int64_t *)f);
		sbuf_adds(b, tmp);
		break;
	case OT_SIZE:
		config_fmt_size(tmp, sizeof(tmp), *(const int64_t *)f);
		sbuf_adds(b, tmp);
		break;
	case OT_ENUM:
		sbuf_adds(b, o->choices[*(const int *)f]);
		break;
	case OT_SEVMAP: {
		char *const *map = f;
		for (int i = 0; i < CONFIG_NPRIO; i++)
			sbuf_printf(b, "%s%s=%s", i ? "," : "", config_prio_names[i],
				    map[i] ? map[i] : "");
		break;
	}
	case OT_SECRET:
	case OT_ACTION:
		break;
	}
}

/* Secrets are printed as comments so the output stays a usable config
 * file that does not set the password to "********". */
static void format_secret(const struct config *c, const struct opt *o, struct sbuf *b,
			  char **origin)
{
	bool via_file = o->off == offsetof(struct config, phantom_password)
				? c->priv->password_via_file : c->priv->token_via_file;
	if (!*(struct secret *const *)cfield(c, o)) {
		sbuf_printf(b, "# %s = (not set)", o->name);
		free(*origin);
		*origin = NULL;
		return;
	}
	sbuf_printf(b, "# %s = %s", o->name, SECRET_MASK);
	if (via_file) {
		free(*origin);
		*origin = xasprintf("from %s-file", o->name);
	}
}

static void print_impl(const struct config *c, FILE *out, bool origins)
{
	fprintf(out, "# socterm configuration in effect (socterm --print-config).\n"
		     "# Config file: %s%s\n"
		     "# Secrets are masked; a commented \"# key = ...\" line sets nothing.\n",
		c->config_path ? c->config_path : "(none)",
		c->config_path && !c->config_found ? " (not found)" : "");
	if (c->source_path)
		fprintf(out, "# Source: %s (command line)\n", c->source_path);
	struct sbuf line = SBUF_INIT;
	for (int g = 0; g < OG_COUNT; g++) {
		if (g == OG_ACTIONS)
			continue;
		fprintf(out, "\n# %s\n", opt_group_name((enum opt_group)g));
		for (size_t i = 0; i < config_nopts; i++) {
			const struct opt *o = &config_opts[i];
			if (o->group != g || (o->flags & OF_CLI_ONLY))
				continue;
			sbuf_reset(&line);
			char *origin = origins ? config_origin_str(c, o) : NULL;
			if (o->type == OT_SECRET) {
				format_secret(c, o, &line, &origin);
			} else {
				sbuf_printf(&line, "%s = ", o->name);
				format_value(c, o, &line);
				if (line.s[line.len - 1] == ' ')
					line.s[--line.len] = '\0';  /* "key =": unset */
			}
			if (origin) {
				while (line.len < PRINT_COL)
					sbuf_addc(&line, ' ');
				sbuf_printf(&line, "  # %s", origin);
			}
			free(origin);
			fprintf(out, "%s\n", sbuf_str(&line));
		}
	}
	sbuf_free(&line);
}

void config_print(const struct config *c, FILE *out)
{
	print_impl(c, out, true);
}

void config_print_values(const struct config *c, FILE *out)
{
	print_impl(c, out, false);
}

/* ---- --help --------------------------------------------------------------- */

static void help_left(const struct opt *o, struct sbuf *b)
{
	if (o->type == OT_SECRET) {
		sbuf_printf(b, "      $%s", o->env);
		return;
	}
	if (o->short_name)
		sbuf_printf(b, "  -%c, ", o->short_name);
	else
		sbuf_adds(b, "      ");
	sbuf_printf(b, "--%s%s", o->type == OT_BOOL ? "[no-]" : "", o->name);
	if (o->arg)
		sbuf_printf(b, " %s", o->arg);
}

static void help_right(const struct opt *o, struct sbuf *b)
{
	sbuf_adds(b, o->help);
	const char *def = o->def_doc;
	if (o->type == OT_BOOL)
		def = o->def && strcmp(o->def, "true") == 0 ? "on" : NULL;
	else if (o->def && o->type != OT_SEVMAP)
		def = o->def;
	if (def)
		sbuf_printf(b, " (default %s)", def);
	if (o->env && o->type != OT_SECRET)
		sbuf_printf(b, " [$%s]", o->env);
}

/* Prints left, then right wrapped into the help column. */
static void help_line(FILE *out, const char *left, const char *right)
{
	size_t col = strlen(left);
	fputs(left, out);
	if (col + 2 > HELP_COL) {
		fputc('\n', out);
		col = 0;
	}
	const char *p = right;
	while (*p) {
		for (; col < HELP_COL; col++)
			fputc(' ', out);
		size_t room = HELP_WIDTH - HELP_COL, n = strlen(p);
		if (n > room) {
			n = room;
			while (n > 0 && p[n] != ' ')
				n--;
			if (n == 0)
				n = room;
		}
		fprintf(out, "%.*s\n", (int)n, p);
		p += n;
		while (*p == ' ')
			p++;
		col = 0;
	}
}

void config_usage(FILE *out)
{
	fputs("Usage: socterm [OPTION]... [FILE | -]\n"
	      "Watch Falco events live from NATS (or from FILE of JSON lines, - for standard\n"
	      "input), filter and annotate them, and escalate them to Splunk Phantom/SOAR.\n", out);
	struct sbuf l = SBUF_INIT, r = SBUF_INIT;
	for (int g = 0; g < OG_COUNT; g++) {
		fprintf(out, "\n%s:\n", opt_group_name((enum opt_group)g));
		for (size_t i = 0; i < config_nopts; i++) {
			const struct opt *o = &config_opts[i];
			if (o->group != g)
				continue;
			sbuf_reset(&l);
			sbuf_reset(&r);
			help_left(o, &l);
			help_right(o, &r);
			help_line(out, sbuf_str(&l), sbuf_str(&r));
		}
	}
	sbuf_free(&l);
	sbuf_free(&r);
	fputs("\nEvery long option is also a config file key (socterm.conf(5)). Precedence:\n"
	      "defaults < config file < environment < command line. Durations: 500ms, 90s,\n"
	      "15m, 2h, 7d; sizes: 512M, 1G. Passwords and tokens are never taken on the\n"
	      "command line. See socterm(1).\n", out);
}
