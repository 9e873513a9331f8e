/* keys.c — see keys.h. */
#include "tui/keys.h"
#include "tui/app.h"
#include "tui/tui.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

typedef void (*action_fn)(struct app *);

struct binding {
	int code;
	enum key_scope scope;
	action_fn fn;
};

static const struct key_help rows[] = {
#define X(id, name, scope, group, keys, help) { group, keys, name, help, SCOPE_##scope },
	KEYMAP(X)
#undef X
};

static const action_fn fns[] = {
#define X(id, name, scope, group, keys, help) act_##id,
	KEYMAP(X)
#undef X
};

enum key_id {
#define X(id, name, scope, group, keys, help) K_##id,
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

static void bind(int code, enum key_scope scope, action_fn fn)
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

/* The action `key` runs in scope `want` (its own bindings first); NULL if none. */
static action_fn lookup(int key, enum key_scope want)
{
	for (int pass = 0; pass < 2; pass++) {
		enum key_scope s = pass == 0 ? want : SCOPE_ANY;
		for (size_t i = 0; i < nbindings; i++)
			if (bindings[i].code == key && bindings[i].scope == s)
				return bindings[i].fn;
	}
	return NULL;
}

static enum key_scope focus_scope(const struct app *a)
{
	switch (a->focus) {
	case FOCUS_DETAIL: return SCOPE_DETAIL;
	case FOCUS_HELP: return SCOPE_HELP;
	case FOCUS_CASES: return SCOPE_CASES;
	case FOCUS_HIST: return SCOPE_HIST;
	case FOCUS_TOP: return SCOPE_TOP;
	default: return SCOPE_LIST;
	}
}

bool keys_dispatch(struct app *a, int key)
{
	action_fn fn = lookup(key, focus_scope(a));
	if (fn)
		fn(a);
	return fn != NULL;
}

/* The hint line of each view: the actions worth naming there, in order. A
 * pair shares one word ("j/k move"). The keys shown come from the table. */
static const struct {
	enum key_scope scope;
	enum key_id act, pair; /* pair == act: a single action */
	const char *word;
} hints[] = {
	{ SCOPE_LIST, K_HELP, K_HELP, "help" },
	{ SCOPE_LIST, K_DETAIL, K_DETAIL, "detail" },
	{ SCOPE_LIST, K_FILTER, K_FILTER, "filter" },
	{ SCOPE_LIST, K_SEARCH, K_SEARCH, "search" },
	{ SCOPE_LIST, K_MARK, K_MARK, "mark" },
	{ SCOPE_LIST, K_COMMAND, K_COMMAND, "command" },
	{ SCOPE_LIST, K_PAUSE, K_PAUSE, "pause" },
	{ SCOPE_LIST, K_QUIT, K_QUIT, "quit" },
	{ SCOPE_DETAIL, K_DETAIL_DOWN, K_DETAIL_UP, "scroll" },
	{ SCOPE_DETAIL, K_RAW, K_RAW, "raw JSON" },
	{ SCOPE_DETAIL, K_FOCUS, K_FOCUS, "list" },
	{ SCOPE_DETAIL, K_DETAIL_CLOSE, K_DETAIL_CLOSE, "close" },
	{ SCOPE_DETAIL, K_HELP, K_HELP, "help" },
	{ SCOPE_CASES, K_CASES_SHOW, K_CASES_SHOW, "details" },
	{ SCOPE_CASES, K_CASES_RETRY, K_CASES_RETRY, "retry" },
	{ SCOPE_CASES, K_CASES_CANCEL, K_CASES_CANCEL, "cancel" },
	{ SCOPE_CASES, K_CASES_DOWN, K_CASES_UP, "move" },
	{ SCOPE_CASES, K_CASES_CLOSE, K_CASES_CLOSE, "back" },
	{ SCOPE_CASES, K_HELP, K_HELP, "help" },
	{ SCOPE_HIST, K_HIST_JUMP, K_HIST_JUMP, "jump there" },
	{ SCOPE_HIST, K_HIST_ZOOM_IN, K_HIST_ZOOM_OUT, "zoom" },
	{ SCOPE_HIST, K_HIST_DOWN, K_HIST_UP, "move" },
	{ SCOPE_HIST, K_HIST_CLOSE, K_HIST_CLOSE, "back" },
	{ SCOPE_HIST, K_HELP, K_HELP, "help" },
	{ SCOPE_TOP, K_TOP_FILTER, K_TOP_FILTER, "filter by row" },
	{ SCOPE_TOP, K_TOP_NEXT, K_TOP_PREV, "count by" },
	{ SCOPE_TOP, K_TOP_DOWN, K_TOP_UP, "move" },
	{ SCOPE_TOP, K_TOP_CLOSE, K_TOP_CLOSE, "back" },
	{ SCOPE_TOP, K_HELP, K_HELP, "help" },
	{ SCOPE_HELP, K_HELP_DOWN, K_HELP_UP, "scroll" },
	{ SCOPE_HELP, K_HELP_PAGE_DOWN, K_HELP_PAGE_UP, "page" },
	{ SCOPE_HELP, K_HELP_FIRST, K_HELP_LAST, "top/end" },
	{ SCOPE_HELP, K_HELP_CLOSE, K_HELP_CLOSE, "close" },
};

/* The first of act's keys that reaches it in scope `s` (another view may
 * take a global key for itself: h is "previous" in the top view). */
static bool first_key(enum key_id act, enum key_scope s, struct sbuf *out)
{
	for (const char *k = rows[act].keys; *k;) {
		size_t n = strcspn(k, " ");
		if (lookup(key_code(k, n), s) == fns[act]) {
			sbuf_add(out, k, n);
			return true;
		}
		k += n;
		k += strspn(k, " ");
	}
	return false;
}

void keys_hint(const struct app *a, struct sbuf *out)
{
	enum key_scope s = focus_scope(a);
	for (size_t i = 0; i < ARRAY_LEN(hints); i++) {
		if (hints[i].scope != s)
			continue;
		size_t at = out->len;
		if (at)
			sbuf_adds(out, "  ");
		bool ok = first_key(hints[i].act, s, out);
		if (ok && hints[i].pair != hints[i].act) {
			sbuf_addc(out, '/');
			ok = first_key(hints[i].pair, s, out);
		}
		if (!ok) { /* unreachable here: leave it out */
			out->len = at;
			out->s[at] = '\0';
			continue;
		}
		sbuf_addc(out, ' ');
		sbuf_adds(out, hints[i].word);
	}
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
