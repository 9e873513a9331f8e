/* theme_color.c — colour words and degradation maths; see theme.h.
 *
 * RGB to 256 follows the approach tmux uses: take the nearest point of the
 * xterm 6x6x6 cube and the nearest step of the grey ramp, keep whichever is
 * closer by squared distance. 256 to 16 picks the nearest of the 16 ANSI
 * colours (xterm's defaults) by the same distance. */
#include "core/theme.h"

#include <stdlib.h>
#include <string.h>

#include "core/util.h"

static const char *const names16[16] = {
	"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
	"brightblack", "brightred", "brightgreen", "brightyellow",
	"brightblue", "brightmagenta", "brightcyan", "brightwhite",
};

/* xterm's default 16 colours. */
static const uint32_t ansi_rgb[16] = {
	0x000000, 0xcd0000, 0x00cd00, 0xcdcd00, 0x0000ee, 0xcd00cd, 0x00cdcd, 0xe5e5e5,
	0x7f7f7f, 0xff0000, 0x00ff00, 0xffff00, 0x5c5cff, 0xff00ff, 0x00ffff, 0xffffff,
};

static const int cube_level[6] = { 0x00, 0x5f, 0x87, 0xaf, 0xd7, 0xff };

static int dist2(uint32_t a, uint32_t b)
{
	int dr = (int)(a >> 16 & 0xff) - (int)(b >> 16 & 0xff);
	int dg = (int)(a >> 8 & 0xff) - (int)(b >> 8 & 0xff);
	int db = (int)(a & 0xff) - (int)(b & 0xff);
	return dr * dr + dg * dg + db * db;
}

/* Index 0-5 of the cube level nearest to v. */
static int cube_index(int v)
{
	if (v < 0x30)
		return 0;
	if (v < 0x73)
		return 1;
	return (v - 0x23) / 0x28;
}

int theme_rgb_to_256(uint32_t rgb)
{
	int r = rgb >> 16 & 0xff, g = rgb >> 8 & 0xff, b = rgb & 0xff;
	int qr = cube_index(r), qg = cube_index(g), qb = cube_index(b);
	int cube = 16 + 36 * qr + 6 * qg + qb;
	uint32_t crgb = (uint32_t)(cube_level[qr] << 16 | cube_level[qg] << 8 | cube_level[qb]);
	if (crgb == rgb)
		return cube;
	/* Grey ramp 232-255: 8, 18, ..., 238. */
	int avg = (r + g + b) / 3;
	int gi = avg > 238 ? 23 : avg < 3 ? 0 : (avg - 3) / 10;
	int gv = 8 + 10 * gi;
	uint32_t grgb = (uint32_t)(gv << 16 | gv << 8 | gv);
	return dist2(grgb, rgb) < dist2(crgb, rgb) ? 232 + gi : cube;
}

uint32_t theme_256_to_rgb(int idx)
{
	idx &= 0xff;
	if (idx < 16)
		return ansi_rgb[idx];
	if (idx >= 232) {
		uint32_t v = (uint32_t)(8 + 10 * (idx - 232));
		return v << 16 | v << 8 | v;
	}
	idx -= 16;
	return (uint32_t)(cube_level[idx / 36] << 16 | cube_level[idx / 6 % 6] << 8 |
			  cube_level[idx % 6]);
}

int theme_256_to_16(int idx)
{
	idx &= 0xff;
	if (idx < 16)
		return idx;
	uint32_t rgb = theme_256_to_rgb(idx);
	int best = 0, bestd = dist2(rgb, ansi_rgb[0]);
	for (int i = 1; i < 16; i++) {
		int d = dist2(rgb, ansi_rgb[i]);
		if (d < bestd) {
			best = i;
			bestd = d;
		}
	}
	return best;
}

/* The colour at 256 colours (index), or -1 if the colour is only a 16. */
static int as_256(const struct theme_color *c)
{
	if (c->i256 >= 0)
		return c->i256;
	if (c->kind == TC_RGB)
		return theme_rgb_to_256(c->rgb);
	return c->i16;
}

static int as_16(const struct theme_color *c)
{
	if (c->i16 >= 0)
		return c->i16;
	return theme_256_to_16(as_256(c));
}

int theme_color_for(const struct theme_color *c, enum theme_depth d, bool *bright)
{
	if (bright)
		*bright = false;
	if (c->kind == TC_UNSET || c->kind == TC_DEFAULT || d == DEPTH_MONO)
		return -1;
	switch (d) {
	case DEPTH_TRUECOLOR:
		if (c->kind == TC_RGB)
			return (int)c->rgb;
		/* A direct-colour terminal shows 0-7 as the ANSI colours anyway. */
		if (c->kind == TC_16 && c->i16 < 8)
			return c->i16;
		return (int)theme_256_to_rgb(as_256(c));
	case DEPTH_256:
		return as_256(c);
	case DEPTH_16:
		return as_16(c);
	default: {
		int i = as_16(c);
		if (bright)
			*bright = i >= 8;
		return i & 7;
	}
	}
}

/* 0-255 as decimal digits only; -1 otherwise. */
static int parse_index(const char *s)
{
	if (!*s || strlen(s) > 3)
		return -1;
	int v = 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v <= 255 ? v : -1;
}

int theme_color_parse(const char *s, struct theme_color *out)
{
	*out = (struct theme_color){ TC_UNSET, 0, -1, -1 };
	if (strcmp(s, "default") == 0) {
		out->kind = TC_DEFAULT;
		return 0;
	}
	if (s[0] == '#') {
		if (strlen(s) != 7)
			return -1;
		uint32_t v = 0;
		for (int i = 1; i < 7; i++) {
			int h = hexval((unsigned char)s[i]);
			if (h < 0)
				return -1;
			v = v << 4 | (uint32_t)h;
		}
		out->kind = TC_RGB;
		out->rgb = v;
		return 0;
	}
	const char *num = s;
	if (strncmp(s, "colour", 6) == 0)
		num = s + 6;
	else if (strncmp(s, "color", 5) == 0)
		num = s + 5;
	int idx = parse_index(num);
	if (idx >= 0) {
		out->kind = TC_256;
		out->i256 = (int16_t)idx;
		return 0;
	}
	for (int i = 0; i < 16; i++) {
		if (strcmp(s, names16[i]) == 0) {
			out->kind = TC_16;
			out->i16 = (int16_t)i;
			return 0;
		}
	}
	return -1;
}

const char *theme_depth_name(enum theme_depth d)
{
	static const char *const n[] = { "mono", "8", "16", "256", "truecolor" };
	return (unsigned)d < ARRAY_LEN(n) ? n[d] : "?";
}
