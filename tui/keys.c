/* keys.c — see keys.h. */
#include "tui/keys.h"
#include "tui/app.h"
#include "tui/tui.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

struct binding {
	int code;
	enum key_scope scope;
	void (*fn)(struct app *);
};

static const struct key_help rows[] = {
#define X(id, name, scope, group, keys, help) { group, keys, name, help, SCOPE_##scope },
	KEYMAP(X)
#undef X
};

static void (*const fns[])(struct app *) = {
#define X(id, name, scope, group, keys, help) act_##id,
	KEYMAP(X)
#undef X
};

static struct binding *bindings;
static size_t nbindings;

static const struct {
	const char *name;
	int code;
} named[] = {
	{ "Down", KEY_DOWN }, { "Up", KEY_UP }, { "Left", KEY_LEFT }, { "Right", KEY_RIGHT },
	{ "PgDn", KEY_NPAGE }, { "PgUp", KEY_PPAGE }, { "Home", KEY_HOME }, { "End", KEY_END },
	{ "Enter", '\n' }, { "Tab", '\t' }, { "BTab", KEY_BTAB }, { "Esc", 27 }, { "Space", ' ' },
	{ "Backspace", KEY_BACKSPACE }, { "Delete", KEY_DC },
};

/* Key name to curses code; -1 if unknown. */
static int key_code(const char *name, size_t n)
{
	if (n == 1)
		return (unsigned char)name[0];
	if (n == 2 && name[0] == '^')
		return toupper((unsigned char)name[1]) & 0x1f;
	if (n >= 2 && n <= 3 && name[0] == 'F' && isdigit((unsigned char)name[1]))
		return KEY_F(atoi(name + 1));
	for (size_t i = 0; i < ARRAY_LEN(named); i++)
		if (strlen(named[i].name) == n && memcmp(named[i].name, name, n) == 0)
			return named[i].code;
	return -1;
}

static void bind(int code, enum key_scope scope, void (*fn)(struct app *))
{
	static size_t cap;
	bindings = xgrow(bindings, &cap, nbindings + 1, sizeof(*bindings));
	bindings[nbindings++] = (struct binding){ code, scope, fn };
}

void keys_init(void)
{
	if (bindings)
		return;
	for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
		const char *k = rows[i].keys;
		while (*k) {
			size_t n = strcspn(k, " ");
			int code = key_code(k, n);
			if (code < 0)
				die(70, "key table: unknown key name '%.*s'", (int)n, k);
			bind(code, rows[i].scope, fns[i]);
			/* Terminals send Enter as \r or KEY_ENTER too. */
			if (code == '\n') {
				bind('\r', rows[i].scope, fns[i]);
				bind(KEY_ENTER, rows[i].scope, fns[i]);
			}
			if (code == KEY_BACKSPACE) {
				bind(127, rows[i].scope, fns[i]);
				bind(8, rows[i].scope, fns[i]);
			}
			k += n;
			while (*k == ' ')
				k++;
		}
	}
}

static enum key_scope focus_scope(const struct app *a)
{
	switch (a->focus) {
	case FOCUS_DETAIL: return SCOPE_DETAIL;
	case FOCUS_HELP: return SCOPE_HELP;
	case FOCUS_HIST: return SCOPE_HIST;
	case FOCUS_TOP: return SCOPE_TOP;
	default: return SCOPE_LIST;
	}
}

bool keys_dispatch(struct app *a, int key)
{
	enum key_scope want = focus_scope(a);
	/* The focused view's own bindings win over global ones. */
	for (int pass = 0; pass < 2; pass++) {
		enum key_scope s = pass == 0 ? want : SCOPE_ANY;
		for (size_t i = 0; i < nbindings; i++) {
			if (bindings[i].code == key && bindings[i].scope == s) {
				bindings[i].fn(a);
				return true;
			}
		}
	}
	return false;
}

const struct key_help *keys_row(size_t i)
{
	return i < ARRAY_LEN(rows) ? &rows[i] : NULL;
}

void keys_list(FILE *out)
{
	for (size_t i = 0; i < ARRAY_LEN(rows); i++)
		fprintf(out, "%s\t%s\t%s\t%s\n", rows[i].group, rows[i].keys, rows[i].name,
			rows[i].help);
}

void tui_list_keys(FILE *out)
{
	keys_list(out);
}
