/* fuzz_theme.c — libFuzzer target for the theme parser (core/theme.c).
 *
 * Any input must either parse or fail with a "where:line: " message; never
 * crash, leak or loop. A parsed theme must only hold colours the maths can
 * degrade: each one is pushed through every depth and must land in range.
 * `inherit` resolves to a small fixed family (including a self-loop).
 *
 * FUZZ_MAX_LEN=4096
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/theme.h"
#include "core/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const elems[] = {
	"default", "header", "status", "selected", "prio.critical", "prio.warning", "mark",
	"search.hit", "histogram.cursor", "sparkline",
};

static int lookup(void *ctx, const char *name, char **text, size_t *len, char **where, char **err)
{
	(void)ctx;
	const char *t = NULL;
	if (strcmp(name, "base") == 0)
		t = "theme base\npalette a #102030 17 blue\nstyle header a default bold\n";
	else if (strcmp(name, "self") == 0)
		t = "inherit self\n";
	if (!t) {
		*err = xasprintf("no theme '%s'", name);
		return -1;
	}
	*text = xstrdup(t);
	*len = strlen(t);
	*where = xasprintf("%s.theme", name);
	return 0;
}

static void check_color(const struct theme_color *c)
{
	static const enum theme_depth depths[] = { DEPTH_MONO, DEPTH_8, DEPTH_16, DEPTH_256,
						   DEPTH_TRUECOLOR };
	for (size_t i = 0; i < ARRAY_LEN(depths); i++) {
		bool bright;
		int v = theme_color_for(c, depths[i], &bright);
		int max = depths[i] == DEPTH_TRUECOLOR ? 0xffffff : depths[i] == DEPTH_256 ? 255
			: depths[i] == DEPTH_16 ? 15 : 7;
		if (v < -1 || v > max || (depths[i] == DEPTH_MONO && v != -1))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *err = NULL;
	struct theme *t = theme_parse("f.theme", (const char *)data, size, elems, ARRAY_LEN(elems),
				      lookup, NULL, &err);
	if (!t) {
		if (!err || (strncmp(err, "f.theme:", 8) != 0))
			abort();
		free(err);
		return 0;
	}
	if (err)
		abort();
	for (size_t i = 0; i < t->nelem; i++) {
		check_color(&t->styles[i].fg);
		check_color(&t->styles[i].bg);
	}
	for (size_t i = 0; i < t->npal; i++)
		check_color(&t->pal[i].c);
	for (size_t i = 0; i < t->nwarnings; i++)
		if (strncmp(t->warnings[i], "f.theme:", 8) != 0)
			abort();
	theme_free(t);
	return 0;
}
