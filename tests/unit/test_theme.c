/* test_theme.c — the theme parser (errors with file:line, inherit, palette
 * references, warnings), lookup along the search path, the colour maths
 * (RGB -> 256 -> 16 -> 8) and every shipped theme against the real element
 * list of tui/colors.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/theme.h"
#include "core/util.h"
#include "tui/colors.h" /* only the UI_ELEMENTS list: no curses call is made */

static const char *const elems[] = { "default", "header", "prio.critical", "selected" };
#define NELEM ARRAY_LEN(elems)

static const char *const ui_names[] = {
#define X(id, name, fg, bg, attrs, mono) name,
	UI_ELEMENTS(X)
#undef X
};

static struct theme *parse(const char *text, char **err)
{
	*err = NULL;
	return theme_parse("t.theme", text, strlen(text), elems, NELEM, NULL, NULL, err);
}

static void expect_error(const char *text, const char *want)
{
	char *err = NULL;
	struct theme *t = parse(text, &err);
	if (t || !err || !strstr(err, want))
		fail_msg("theme:\n%s\nwant error containing '%s', got '%s'", text, want,
			 err ? err : "(none)");
	free(err);
}

static void test_parse_basic(void **state)
{
	(void)state;
	char *err;
	struct theme *t = parse("# a comment\n"
				"theme   my-theme   # trailing comment\n"
				"palette red #dc322f 160 red\n"
				"palette bg  #002b36\n"
				"style default default default\n"
				"style header #ffffff bg bold reverse\n"
				"style prio.critical red 235 underline\n"
				"style selected brightwhite colour17\n"
				"mono  prio.critical bold underline\n",
				&err);
	assert_non_null(t);
	assert_null(err);
	assert_string_equal(t->name, "my-theme");
	assert_int_equal(t->nwarnings, 0);
	const struct theme_style *d = &t->styles[0], *h = &t->styles[1], *c = &t->styles[2];
	assert_true(d->has_style && d->fg.kind == TC_DEFAULT && d->bg.kind == TC_DEFAULT);
	assert_int_equal(h->fg.kind, TC_RGB);
	assert_int_equal(h->fg.rgb, 0xffffff);
	assert_int_equal(h->bg.rgb, 0x002b36);
	assert_int_equal(h->attrs, TA_BOLD | TA_REVERSE);
	/* palette reference keeps its fallbacks */
	assert_int_equal(c->fg.kind, TC_RGB);
	assert_int_equal(c->fg.rgb, 0xdc322f);
	assert_int_equal(c->fg.i256, 160);
	assert_int_equal(c->fg.i16, 1);
	assert_int_equal(c->bg.kind, TC_256);
	assert_int_equal(c->bg.i256, 235);
	assert_true(c->has_mono);
	assert_int_equal(c->mono, TA_BOLD | TA_UNDERLINE);
	assert_int_equal(t->styles[3].fg.i16, 15);
	assert_int_equal(t->styles[3].bg.i256, 17);
	theme_free(t);
}

static void test_errors_name_file_and_line(void **state)
{
	(void)state;
	expect_error("theme x\n\nstyle header nocolour default\n", "t.theme:3: unknown colour 'nocolour'");
	expect_error("style header red\n", "t.theme:1: usage: style");
	expect_error("palette p #12345\n", "t.theme:1: palette colour '#12345'");
	expect_error("palette p #123456 256\n", "t.theme:1: bad fallback '256'");
	expect_error("palette p #123456 12 13\n", "t.theme:1: fallback '13' given twice");
	expect_error("style header red blue blinking\n", "t.theme:1: unknown attribute 'blinking'");
	expect_error("mono header\n", "t.theme:1: usage: mono");
	expect_error("colour header red\n", "t.theme:1: unknown directive 'colour'");
	expect_error("theme bad/name\n", "t.theme:1: usage: theme NAME");
	expect_error("style header red blue\ninherit default\n", "t.theme:2: inherit must come before");
	expect_error("inherit default\n", "t.theme:1: cannot inherit");
	expect_error("theme a\x01\n", "t.theme:1: control character");
	expect_error("style header red default # ok\nstyle header #abc default\n",
		     "t.theme:2: unknown colour '#abc'");
	expect_error("style header #gggggg default\n", "t.theme:1: usage: style"); /* a comment */
	/* A palette used before it is defined is not known yet. */
	expect_error("style header later default\npalette later #010203\n", "t.theme:1: unknown colour 'later'");
}

static void test_unknown_element_is_a_warning(void **state)
{
	(void)state;
	char *err;
	struct theme *t = parse("style header red default\nstyle future.element red default\n"
				"mono other bold\n", &err);
	assert_non_null(t);
	assert_int_equal(t->nwarnings, 2);
	assert_string_equal(t->warnings[0], "t.theme:2: unknown element 'future.element' (line ignored)");
	assert_string_equal(t->warnings[1], "t.theme:3: unknown element 'other' (line ignored)");
	assert_true(t->styles[1].has_style);
	theme_free(t);
}

/* ---- inherit through a lookup callback ---- */

static const char *const family[][2] = {
	{ "base", "theme base\npalette accent #ff0000 196 red\nstyle header accent default bold\n"
		  "style selected default accent\nmono header reverse\n" },
	{ "mid", "theme mid\ninherit base\npalette accent #00ff00\nstyle default accent default\n" },
	{ "loop", "inherit loop\n" },
	{ "broken", "style header what default\n" },
};

static int lookup(void *ctx, const char *name, char **text, size_t *len, char **where, char **err)
{
	(void)ctx;
	for (size_t i = 0; i < ARRAY_LEN(family); i++) {
		if (strcmp(family[i][0], name) == 0) {
			*text = xstrdup(family[i][1]);
			*len = strlen(*text);
			*where = xasprintf("%s.theme", name);
			return 0;
		}
	}
	*err = xasprintf("no theme '%s'", name);
	return -1;
}

static struct theme *parse_inh(const char *text, char **err)
{
	*err = NULL;
	return theme_parse("child.theme", text, strlen(text), elems, NELEM, lookup, NULL, err);
}

static void test_inherit(void **state)
{
	(void)state;
	char *err;
	struct theme *t = parse_inh("theme child\ninherit mid\nstyle prio.critical accent default\n", &err);
	assert_non_null(t);
	assert_string_equal(t->name, "child");
	/* from base, untouched */
	assert_true(t->styles[1].has_style && t->styles[1].has_mono);
	assert_int_equal(t->styles[1].fg.rgb, 0xff0000);
	assert_int_equal(t->styles[1].mono, TA_REVERSE);
	/* mid redefined the palette entry: later references see the new value,
	 * earlier styles keep what they resolved to */
	assert_int_equal(t->styles[0].fg.rgb, 0x00ff00);
	assert_int_equal(t->styles[2].fg.rgb, 0x00ff00);
	assert_int_equal(t->styles[2].fg.i256, -1);
	assert_int_equal(t->styles[3].bg.rgb, 0xff0000);
	theme_free(t);

	t = parse_inh("inherit nothere\n", &err);
	assert_null(t);
	assert_string_equal(err, "child.theme:1: inherit: no theme 'nothere'");
	free(err);
	t = parse_inh("\ninherit loop\n", &err);
	assert_null(t);
	assert_non_null(strstr(err, "too deep"));
	assert_non_null(strstr(err, "child.theme:2:"));
	free(err);
	t = parse_inh("inherit broken\n", &err);
	assert_null(t);
	assert_string_equal(err, "child.theme:1: in inherited theme: broken.theme:1: unknown colour "
				 "'what' (palette name, #RRGGBB, 0-255, colour name or default)");
	free(err);
}

/* ---- colour maths ---- */

static void test_rgb_to_256(void **state)
{
	(void)state;
	assert_int_equal(theme_rgb_to_256(0x000000), 16);
	assert_int_equal(theme_rgb_to_256(0xffffff), 231);
	assert_int_equal(theme_rgb_to_256(0xff0000), 196);
	assert_int_equal(theme_rgb_to_256(0x5f87af), 67);    /* exact cube point */
	assert_int_equal(theme_rgb_to_256(0x808080), 244);   /* grey ramp: 8+10*12 = 128 */
	assert_int_equal(theme_rgb_to_256(0x121212), 233);
	assert_int_equal(theme_rgb_to_256(0xeeeeee), 255);
	assert_int_equal(theme_rgb_to_256(0x002b36), 234);   /* solarized base03: grey is nearer */
	assert_int_equal(theme_rgb_to_256(0xdc322f), 166);   /* d75f00 is nearer than d70000 */
	assert_int_equal(theme_rgb_to_256(0xfb8c00), 208);
	/* Every cube and grey colour maps back to itself. */
	for (int i = 16; i < 256; i++)
		assert_int_equal(theme_rgb_to_256(theme_256_to_rgb(i)), i);
}

static void test_256_to_16(void **state)
{
	(void)state;
	for (int i = 0; i < 16; i++)
		assert_int_equal(theme_256_to_16(i), i);
	assert_int_equal(theme_256_to_16(16), 0);     /* black */
	assert_int_equal(theme_256_to_16(196), 9);    /* ff0000: bright red */
	assert_int_equal(theme_256_to_16(160), 1);    /* d70000: red */
	assert_int_equal(theme_256_to_16(231), 15);   /* white */
	assert_int_equal(theme_256_to_16(244), 8);    /* mid grey */
	assert_int_equal(theme_256_to_16(21), 4);     /* 0000ff: blue */
	assert_int_equal(theme_256_to_16(46), 10);    /* 00ff00 */
	assert_int_equal(theme_256_to_16(232), 0);    /* near black */
	assert_int_equal(theme_256_to_16(254), 7);    /* e4e4e4 */
	for (int i = 0; i < 256; i++)
		assert_in_range(theme_256_to_16(i), 0, 15);
}

static void test_color_for_depth(void **state)
{
	(void)state;
	struct theme_color c;
	bool bright;
	assert_int_equal(theme_color_parse("#dc322f", &c), 0);
	assert_int_equal(theme_color_for(&c, DEPTH_TRUECOLOR, NULL), 0xdc322f);
	assert_int_equal(theme_color_for(&c, DEPTH_256, NULL), 166);
	assert_int_equal(theme_color_for(&c, DEPTH_16, NULL), 1);
	assert_int_equal(theme_color_for(&c, DEPTH_MONO, NULL), -1);
	/* explicit fallbacks win over the maths */
	c.i256 = 9;
	c.i16 = 13;
	assert_int_equal(theme_color_for(&c, DEPTH_256, NULL), 9);
	assert_int_equal(theme_color_for(&c, DEPTH_16, NULL), 13);
	assert_int_equal(theme_color_for(&c, DEPTH_8, &bright), 5);
	assert_true(bright);
	assert_int_equal(theme_color_parse("brightred", &c), 0);
	assert_int_equal(theme_color_for(&c, DEPTH_256, NULL), 9);
	assert_int_equal(theme_color_for(&c, DEPTH_TRUECOLOR, NULL), 0xff0000);
	assert_int_equal(theme_color_for(&c, DEPTH_8, &bright), 1);
	assert_true(bright);
	assert_int_equal(theme_color_parse("red", &c), 0);
	assert_int_equal(theme_color_for(&c, DEPTH_TRUECOLOR, NULL), 1);
	assert_int_equal(theme_color_for(&c, DEPTH_8, &bright), 1);
	assert_false(bright);
	assert_int_equal(theme_color_parse("208", &c), 0);
	assert_int_equal(theme_color_for(&c, DEPTH_16, NULL), theme_256_to_16(208));
	assert_int_equal(theme_color_for(&c, DEPTH_TRUECOLOR, NULL), 0xff8700);
	assert_int_equal(theme_color_parse("default", &c), 0);
	assert_int_equal(theme_color_for(&c, DEPTH_256, NULL), -1);
	assert_int_equal(theme_color_parse("colour300", &c), -1);
	assert_int_equal(theme_color_parse("-1", &c), -1);
	assert_int_equal(theme_color_parse("#12345g", &c), -1);
}

/* ---- lookup along the search path, and the shipped themes ---- */

static char *src_dir(void)
{
	const char *s = getenv("SOCTERM_SRC");
	return xstrdup(s && *s ? s : ".");
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_lookup_order(void **state)
{
	(void)state;
	char tmpl[] = "/tmp/socterm-theme-XXXXXX";
	assert_non_null(mkdtemp(tmpl));
	char *user = xasprintf("%s/user", tmpl), *sys = xasprintf("%s/sys", tmpl);
	assert_int_equal(mkdir_p(user, 0700), 0);
	assert_int_equal(mkdir_p(sys, 0700), 0);
	char *p1 = xasprintf("%s/a.theme", user), *p2 = xasprintf("%s/a.theme", sys),
	     *p3 = xasprintf("%s/b.theme", sys), *p4 = xasprintf("%s/c.theme", tmpl);
	write_file(p1, "theme a-user\n");
	write_file(p2, "theme a-sys\n");
	write_file(p3, "inherit a\nstyle header red default\n");
	write_file(p4, "theme c\nstyle header 1 2\n");
	struct theme_paths p = { { user, sys }, 2, "theme builtin\n" };
	char *err = NULL;
	struct theme *t = theme_load(&p, "a", elems, NELEM, &err);
	assert_non_null(t);
	assert_string_equal(t->name, "a-user");
	theme_free(t);
	t = theme_load(&p, "b", elems, NELEM, &err);
	assert_non_null(t);
	assert_string_equal(t->name, "b"); /* no theme line: the file's name */
	theme_free(t);
	t = theme_load(&p, "default", elems, NELEM, &err);
	assert_non_null(t);
	assert_string_equal(t->name, "builtin");
	assert_string_equal(t->where, "default.theme (built in)");
	theme_free(t);
	t = theme_load(&p, p4, elems, NELEM, &err); /* a path */
	assert_non_null(t);
	assert_string_equal(t->name, "c");
	theme_free(t);
	t = theme_load(&p, "missing", elems, NELEM, &err);
	assert_null(t);
	assert_non_null(strstr(err, "no theme 'missing' (looked in"));
	free(err);
	err = NULL;
	t = theme_load(&p, "../etc", elems, NELEM, &err);
	assert_null(t);
	free(err);
	char **names = theme_names(&p);
	assert_string_equal(names[0], "a");
	assert_string_equal(names[1], "b");
	assert_string_equal(names[2], "default");
	assert_null(names[3]);
	theme_names_free(names);
	unlink(p1), unlink(p2), unlink(p3), unlink(p4);
	rmdir(user), rmdir(sys), rmdir(tmpl);
	free(p1), free(p2), free(p3), free(p4), free(user), free(sys);
}

/* Every shipped theme loads without a warning, and the default and mono
 * themes style every element the console has. */
static void test_shipped_themes(void **state)
{
	(void)state;
	char *src = src_dir();
	char *dir = xasprintf("%s/themes", src);
	struct theme_paths p = { { dir }, 1, NULL };
	DIR *d = opendir(dir);
	assert_non_null(d);
	struct dirent *de;
	int n = 0;
	bool seen_default = false, seen_mono = false;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		if (len <= 6 || strcmp(de->d_name + len - 6, ".theme") != 0)
			continue;
		char *name = xstrndup(de->d_name, len - 6);
		char *err = NULL;
		struct theme *t = theme_load(&p, name, ui_names, ARRAY_LEN(ui_names), &err);
		if (!t)
			fail_msg("%s: %s", name, err);
		if (t->nwarnings)
			fail_msg("%s", t->warnings[0]);
		assert_string_equal(t->name, name);
		bool all = strcmp(name, "default") == 0 || strcmp(name, "mono") == 0;
		for (size_t e = 0; all && e < t->nelem; e++)
			if (!t->styles[e].has_style)
				fail_msg("theme %s has no style line for element '%s'", name, ui_names[e]);
		if (strcmp(name, "mono") == 0)
			for (size_t e = 0; e < t->nelem; e++)
				assert_true(t->styles[e].fg.kind == TC_DEFAULT &&
					    t->styles[e].bg.kind == TC_DEFAULT);
		seen_default |= strcmp(name, "default") == 0;
		seen_mono |= strcmp(name, "mono") == 0;
		theme_free(t);
		free(name);
		n++;
	}
	closedir(d);
	assert_true(seen_default && seen_mono);
	assert_true(n >= 5);
	free(dir);
	free(src);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_basic),
		cmocka_unit_test(test_errors_name_file_and_line),
		cmocka_unit_test(test_unknown_element_is_a_warning),
		cmocka_unit_test(test_inherit),
		cmocka_unit_test(test_rgb_to_256),
		cmocka_unit_test(test_256_to_16),
		cmocka_unit_test(test_color_for_depth),
		cmocka_unit_test(test_lookup_order),
		cmocka_unit_test(test_shipped_themes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
