/* theme.c — the theme file parser; see theme.h for the format. */
#include "core/theme.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

#define MAX_TOKENS 16
#define MAX_INHERIT 8
#define MAX_PALETTE 1024

struct parser {
	struct theme *t;
	const char *where;
	int line;
	const char *const *elems;
	theme_lookup_fn lookup;
	void *ctx;
	int depth;
	bool body_seen;   /* a palette/style/mono line was seen (inherit must precede) */
	char *err;
};

static const struct {
	const char *name;
	unsigned bit;
} attr_names[] = {
	{ "normal", 0 }, { "bold", TA_BOLD }, { "dim", TA_DIM }, { "underline", TA_UNDERLINE },
	{ "reverse", TA_REVERSE }, { "blink", TA_BLINK }, { "italic", TA_ITALIC },
	{ "standout", TA_STANDOUT },
};

static int fail(struct parser *p, const char *fmt, const char *arg)
{
	char *msg = xasprintf(fmt, arg);
	p->err = xasprintf("%s:%d: %s", p->where, p->line, msg);
	free(msg);
	return -1;
}

static void warn(struct parser *p, const char *fmt, const char *arg)
{
	struct theme *t = p->t;
	char *msg = xasprintf(fmt, arg);
	t->warnings = xrealloc(t->warnings, (t->nwarnings + 1) * sizeof(*t->warnings));
	t->warnings[t->nwarnings++] = xasprintf("%s:%d: %s", p->where, p->line, msg);
	free(msg);
}

/* "#" and hex digits: meant as a colour (checked later), not a comment. */
static bool looks_like_color(const char *s)
{
	if (s[0] != '#' || !s[1])
		return false;
	for (s++; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f') || (*s >= 'A' && *s <= 'F')))
			return false;
	return true;
}

/* Splits a line in place into at most MAX_TOKENS tokens; stops at a comment.
 * Returns the count, or -1 if there are too many. */
static int tokenize(char *s, char **tok)
{
	int n = 0;
	for (;;) {
		while (*s == ' ' || *s == '\t' || *s == '\r')
			s++;
		if (!*s)
			break;
		char *start = s;
		while (*s && *s != ' ' && *s != '\t' && *s != '\r')
			s++;
		if (*s)
			*s++ = '\0';
		if (start[0] == '#' && (n == 0 || !looks_like_color(start)))
			break;
		if (n == MAX_TOKENS)
			return -1;
		tok[n++] = start;
	}
	return n;
}

static bool valid_name(const char *s)
{
	if (!*s || strlen(s) > 64)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		      *s == '.' || *s == '_' || *s == '-'))
			return false;
	return true;
}

static struct theme_palette *pal_find(struct theme *t, const char *name)
{
	for (size_t i = 0; i < t->npal; i++)
		if (strcmp(t->pal[i].name, name) == 0)
			return &t->pal[i];
	return NULL;
}

/* A colour: palette name first, then the colour words. */
static int color_arg(struct parser *p, const char *s, struct theme_color *out)
{
	struct theme_palette *pe = pal_find(p->t, s);
	if (pe) {
		*out = pe->c;
		return 0;
	}
	if (theme_color_parse(s, out) == 0)
		return 0;
	return fail(p, "unknown colour '%s' (palette name, #RRGGBB, 0-255, colour name or default)",
		    s);
}

static int attrs_arg(struct parser *p, char **tok, int n, unsigned *out)
{
	*out = 0;
	for (int i = 0; i < n; i++) {
		size_t k;
		for (k = 0; k < ARRAY_LEN(attr_names); k++)
			if (strcmp(tok[i], attr_names[k].name) == 0)
				break;
		if (k == ARRAY_LEN(attr_names))
			return fail(p, "unknown attribute '%s' (normal bold dim underline reverse "
				    "blink italic standout)", tok[i]);
		*out |= attr_names[k].bit;
	}
	return 0;
}

/* Element index, or -1 (warned: unknown elements are skipped). */
static int element(struct parser *p, const char *name)
{
	for (size_t i = 0; i < p->t->nelem; i++)
		if (strcmp(p->elems[i], name) == 0)
			return (int)i;
	warn(p, "unknown element '%s' (line ignored)", name);
	return -1;
}

static int do_palette(struct parser *p, char **tok, int n)
{
	if (n < 3 || n > 5)
		return fail(p, "%s", "usage: palette NAME #RRGGBB [0-255] [COLOUR16]");
	if (!valid_name(tok[1]))
		return fail(p, "bad palette name '%s' (letters, digits . _ -)", tok[1]);
	struct theme_color c, extra;
	if (tok[2][0] != '#' || theme_color_parse(tok[2], &c) < 0)
		return fail(p, "palette colour '%s' is not #RRGGBB", tok[2]);
	for (int i = 3; i < n; i++) {
		if (theme_color_parse(tok[i], &extra) < 0 || extra.kind == TC_RGB ||
		    extra.kind == TC_DEFAULT)
			return fail(p, "bad fallback '%s' (0-255 or a colour name)", tok[i]);
		if (extra.kind == TC_256 && c.i256 < 0)
			c.i256 = extra.i256;
		else if (extra.kind == TC_16 && c.i16 < 0)
			c.i16 = extra.i16;
		else
			return fail(p, "fallback '%s' given twice", tok[i]);
	}
	struct theme *t = p->t;
	struct theme_palette *pe = pal_find(t, tok[1]);
	if (!pe) {
		if (t->npal >= MAX_PALETTE)
			return fail(p, "%s", "too many palette entries");
		t->pal = xrealloc(t->pal, (t->npal + 1) * sizeof(*t->pal));
		pe = &t->pal[t->npal++];
		pe->name = xstrdup(tok[1]);
	}
	pe->c = c;
	return 0;
}

static int do_style(struct parser *p, char **tok, int n)
{
	if (n < 4)
		return fail(p, "%s", "usage: style ELEMENT FG BG [ATTR...]");
	struct theme_color fg, bg;
	unsigned attrs;
	if (color_arg(p, tok[2], &fg) < 0 || color_arg(p, tok[3], &bg) < 0 ||
	    attrs_arg(p, tok + 4, n - 4, &attrs) < 0)
		return -1;
	int e = element(p, tok[1]);
	if (e >= 0) {
		struct theme_style *s = &p->t->styles[e];
		s->fg = fg;
		s->bg = bg;
		s->attrs = attrs;
		s->has_style = true;
	}
	return 0;
}

static int do_mono(struct parser *p, char **tok, int n)
{
	if (n < 3)
		return fail(p, "%s", "usage: mono ELEMENT ATTR...");
	unsigned attrs;
	if (attrs_arg(p, tok + 2, n - 2, &attrs) < 0)
		return -1;
	int e = element(p, tok[1]);
	if (e >= 0) {
		p->t->styles[e].mono = attrs;
		p->t->styles[e].has_mono = true;
	}
	return 0;
}

static int parse_text(struct parser *p, const char *text, size_t len);

/* Copies the parent theme's palette and styles into p->t. */
static int do_inherit(struct parser *p, char **tok, int n)
{
	if (n != 2)
		return fail(p, "%s", "usage: inherit NAME");
	if (p->body_seen)
		return fail(p, "%s", "inherit must come before palette, style and mono lines");
	if (!p->lookup)
		return fail(p, "cannot inherit '%s' here", tok[1]);
	if (p->depth >= MAX_INHERIT)
		return fail(p, "inherit '%s': too deep (a loop?)", tok[1]);
	char *text = NULL, *where = NULL, *err = NULL;
	size_t len = 0;
	if (p->lookup(p->ctx, tok[1], &text, &len, &where, &err) < 0) {
		fail(p, "inherit: %s", err ? err : "not found");
		free(err);
		return -1;
	}
	struct parser sub = *p;
	sub.where = where;
	sub.line = 0;
	sub.depth = p->depth + 1;
	sub.body_seen = false;
	sub.err = NULL;
	char *saved_name = p->t->name;
	p->t->name = NULL;
	int rc = parse_text(&sub, text, len);
	free(p->t->name);
	p->t->name = saved_name;  /* the child's name wins */
	if (rc < 0)
		p->err = xasprintf("%s:%d: in inherited theme: %s", p->where, p->line, sub.err);
	free(sub.err);
	free(text);
	free(where);
	p->body_seen = true;
	return rc;
}

static int do_line(struct parser *p, char *line)
{
	char *tok[MAX_TOKENS];
	int n = tokenize(line, tok);
	if (n < 0)
		return fail(p, "%s", "too many words on the line");
	if (n == 0)
		return 0;
	const char *kw = tok[0];
	if (strcmp(kw, "theme") == 0) {
		if (n != 2 || !valid_name(tok[1]))
			return fail(p, "%s", "usage: theme NAME (letters, digits . _ -)");
		free(p->t->name);
		p->t->name = xstrdup(tok[1]);
		return 0;
	}
	if (strcmp(kw, "inherit") == 0)
		return do_inherit(p, tok, n);
	p->body_seen = true;
	if (strcmp(kw, "palette") == 0)
		return do_palette(p, tok, n);
	if (strcmp(kw, "style") == 0)
		return do_style(p, tok, n);
	if (strcmp(kw, "mono") == 0)
		return do_mono(p, tok, n);
	return fail(p, "unknown directive '%s' (theme inherit palette style mono)", kw);
}

static int parse_text(struct parser *p, const char *text, size_t len)
{
	struct sbuf line = SBUF_INIT;
	size_t i = 0;
	int rc = 0;
	while (i < len && rc == 0) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - (text + i)) : len - i;
		p->line++;
		if (memchr(text + i, '\0', n)) {
			rc = fail(p, "%s", "NUL byte in the theme");
			break;
		}
		for (size_t k = 0; k < n; k++) {
			unsigned char c = (unsigned char)text[i + k];
			if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7f) {
				rc = fail(p, "%s", "control character in the theme");
				break;
			}
		}
		if (rc)
			break;
		sbuf_reset(&line);
		sbuf_add(&line, text + i, n);
		rc = do_line(p, line.s ? line.s : (char *)"");
		i += n + (nl ? 1 : 0);
	}
	sbuf_free(&line);
	return rc;
}

struct theme *theme_parse(const char *where, const char *text, size_t len,
			  const char *const *elems, size_t nelem, theme_lookup_fn lookup,
			  void *ctx, char **err)
{
	struct theme *t = xcalloc(1, sizeof(*t));
	t->where = xstrdup(where);
	t->nelem = nelem;
	t->styles = xcalloc(nelem ? nelem : 1, sizeof(*t->styles));
	struct parser p = { .t = t, .where = where, .elems = elems, .lookup = lookup, .ctx = ctx };
	if (parse_text(&p, text, len) < 0) {
		if (err)
			*err = p.err;
		else
			free(p.err);
		theme_free(t);
		return NULL;
	}
	return t;
}

void theme_free(struct theme *t)
{
	if (!t)
		return;
	free(t->name);
	free(t->where);
	free(t->styles);
	for (size_t i = 0; i < t->npal; i++)
		free(t->pal[i].name);
	free(t->pal);
	for (size_t i = 0; i < t->nwarnings; i++)
		free(t->warnings[i]);
	free(t->warnings);
	free(t);
}
