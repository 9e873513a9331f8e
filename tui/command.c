/* command.c — see command.h. */
#include "tui/command.h"
#include "tui/annotate.h"
#include "tui/cases.h"
#include "tui/escalate.h"
#include "tui/colors.h"
#include "tui/filterui.h"
#include "tui/keys.h"
#include "tui/marks.h"
#include "tui/prompt.h"
#include "tui/search.h"
#include "tui/status.h"
#include "core/cmdline.h"
#include "core/event.h"
#include "core/export.h"
#include "core/vocab.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool cmd_filter(struct app *a, const char *args, size_t at, struct prompt_error *e);
static bool cmd_export(struct app *a, const char *args, size_t at, struct prompt_error *e);
static bool cmd_mark(struct app *a, const char *args, size_t at, struct prompt_error *e);
static bool cmd_unmark(struct app *a, const char *args, size_t at, struct prompt_error *e);
static bool cmd_nohl(struct app *a, const char *args, size_t at, struct prompt_error *e);
static bool cmd_help(struct app *a, const char *args, size_t at, struct prompt_error *e);
static bool cmd_quit(struct app *a, const char *args, size_t at, struct prompt_error *e);
static bool cmd_theme(struct app *a, const char *args, size_t at, struct prompt_error *e);

/* The command table: later features add their rows here. */
static const struct command commands[] = {
	{ "annotate", "[TEXT]",
	  "annotate the marked events, or else the current one (no TEXT: edit it in a prompt)",
	  annotate_cmd },
	{ "cancel", "ID", "cancel escalation ID if it is not sent yet", cases_cmd_cancel },
	{ "cases", "", "show the cases view (every escalation and its state)", cases_cmd_open },
	{ "cases-export", "FILE",
	  "write every escalation, with the Phantom requests it makes, to FILE (JSON lines)",
	  cases_cmd_export },
	{ "export", "[--csv [--columns a,b,c]] FILE",
	  "write the marked events, or else the shown ones, to FILE: JSON lines as received, "
	  "or CSV (default columns time,priority,rule,hostname,source,output)", cmd_export },
	{ "filter", "[EXPR]", "set the filter (no EXPR: remove it)", cmd_filter },
	{ "help", "[COMMAND]", "list the commands, or describe one", cmd_help },
	{ "mark", "EXPR", "mark the shown events that match EXPR", cmd_mark },
	{ "nohlsearch", "", "stop highlighting the search", cmd_nohl },
	{ "noh", "", "same as nohlsearch", cmd_nohl },
	{ "quit", "", "quit socterm (asks first while escalations are unsent)", cmd_quit },
	{ "q", "", "same as quit", cmd_quit },
	{ "retry", "ID", "retry escalation ID now (failed, or waiting for a retry)", cases_cmd_retry },
	{ "theme", "[NAME|FILE]", "switch the colour theme now (no argument: show the current one "
	  "and those available)", cmd_theme },
	{ "unmark", "[EXPR]", "unmark the shown events that match EXPR (no EXPR: every mark)",
	  cmd_unmark },
};

static void fail(struct prompt_error *e, size_t at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fail(struct prompt_error *e, size_t at, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct sbuf b = SBUF_INIT;
	sbuf_vprintf(&b, fmt, ap);
	va_end(ap);
	e->msg = sbuf_steal(&b);
	e->pos = at;
	e->has_pos = true;
}

/* Exact name, else a unique prefix. NULL with *e otherwise. */
static const struct command *lookup(const char *name, size_t n, size_t at, struct prompt_error *e)
{
	const struct command *found = NULL;
	size_t matches = 0;
	struct sbuf names = SBUF_INIT;
	for (size_t i = 0; i < ARRAY_LEN(commands); i++) {
		const char *c = commands[i].name;
		if (strlen(c) == n && memcmp(c, name, n) == 0) {
			sbuf_free(&names);
			return &commands[i];
		}
		if (strncmp(c, name, n) == 0) {
			found = &commands[i];
			matches++;
			sbuf_printf(&names, "%s%s", names.len ? ", " : "", c);
		}
	}
	if (matches == 1) {
		sbuf_free(&names);
		return found;
	}
	if (matches > 1)
		fail(e, at, "ambiguous command '%.*s': %s", (int)n, name, names.s);
	else
		fail(e, at, "unknown command '%.*s' (:help lists the commands)", (int)MIN(n, 40), name);
	sbuf_free(&names);
	return NULL;
}

static size_t skip_space(const char *s, size_t i)
{
	while (s[i] == ' ' || s[i] == '\t')
		i++;
	return i;
}

static size_t word_end(const char *s, size_t i)
{
	while (s[i] && s[i] != ' ' && s[i] != '\t')
		i++;
	return i;
}

bool command_run(struct app *a, const char *line, struct prompt_error *e)
{
	size_t at = skip_space(line, 0);
	if (line[at] == ':')
		at = skip_space(line, at + 1);
	if (!line[at])
		return true; /* an empty command line does nothing, like vi */
	size_t end = word_end(line, at);
	const struct command *c = lookup(line + at, end - at, at, e);
	if (!c)
		return false;
	size_t args = skip_space(line, end);
	/* Trailing blanks are not part of the arguments. */
	char *copy = xstrdup(line + args);
	size_t n = strlen(copy);
	while (n && (copy[n - 1] == ' ' || copy[n - 1] == '\t'))
		copy[--n] = '\0';
	bool ok = c->run(a, copy, args, e);
	free(copy);
	return ok;
}

/* ---- simple commands ---------------------------------------------------------------- */

static bool cmd_filter(struct app *a, const char *args, size_t at, struct prompt_error *e)
{
	size_t pos = 0;
	if (filterui_set(a, args, &e->msg, &pos) < 0) {
		e->pos = at + pos;
		e->has_pos = true;
		return false;
	}
	return true;
}

static bool cmd_mark(struct app *a, const char *args, size_t at, struct prompt_error *e)
{
	return marks_by_filter(a, args, true, at, e);
}

static bool cmd_unmark(struct app *a, const char *args, size_t at, struct prompt_error *e)
{
	if (!*args) {
		marks_clear(a);
		return true;
	}
	return marks_by_filter(a, args, false, at, e);
}

static bool cmd_nohl(struct app *a, const char *args, size_t at, struct prompt_error *e)
{
	(void)args;
	(void)at;
	(void)e;
	search_set(a, NULL, NULL, NULL);
	app_message(a, false, "search highlight cleared");
	return true;
}

static bool cmd_quit(struct app *a, const char *args, size_t at, struct prompt_error *e)
{
	(void)args;
	(void)at;
	(void)e;
	escalate_quit(a);
	return true;
}

static bool cmd_theme(struct app *a, const char *args, size_t at, struct prompt_error *e)
{
	(void)at;
	(void)e;
	while (*args == ' ')
		args++;
	colors_command(a, *args ? args : NULL);
	return true;
}

static bool cmd_help(struct app *a, const char *args, size_t at, struct prompt_error *e)
{
	if (*args) {
		const struct command *c = lookup(args, strlen(args), at, e);
		if (!c)
			return false;
		app_message(a, false, ":%s%s%s - %s", c->name, *c->args ? " " : "", c->args, c->help);
		return true;
	}
	struct sbuf b = SBUF_INIT;
	sbuf_adds(&b, "commands:");
	for (size_t i = 0; i < ARRAY_LEN(commands); i++)
		sbuf_printf(&b, " %s", commands[i].name);
	sbuf_adds(&b, "  (:help NAME describes one)");
	app_message(a, false, "%s", b.s);
	sbuf_free(&b);
	return true;
}

/* ---- :export ------------------------------------------------------------------------- */

struct export_job {
	char *path;
	enum export_format format;
	char **cols;
	size_t ncols;
};

static void job_free(void *ctx)
{
	struct export_job *j = ctx;
	if (!j)
		return;
	free(j->path);
	export_columns_free(j->cols, j->ncols);
	free(j);
}

/* Parses [--csv] [--json] [--columns LIST] [--] FILE. */
static struct export_job *parse_export(const char *args, size_t at, struct prompt_error *e)
{
	struct strv w = { 0 };
	size_t *pos = NULL, err_at = 0;
	int n = cmdline_words(args, &w, &pos, &e->msg, &err_at);
	if (n < 0) {
		e->pos = at + err_at;
		e->has_pos = true;
		return NULL;
	}
	struct export_job *j = xcalloc(1, sizeof(*j));
	bool opts = true, ok = true;
	for (int i = 0; i < n && ok; i++) {
		const char *s = w.v[i];
		size_t p = at + pos[i];
		const char *list = NULL;
		if (opts && strcmp(s, "--") == 0) {
			opts = false;
		} else if (opts && strcmp(s, "--csv") == 0) {
			j->format = EXPORT_CSV;
		} else if (opts && strcmp(s, "--json") == 0) {
			j->format = EXPORT_JSON;
		} else if (opts && strncmp(s, "--columns=", 10) == 0) {
			list = s + 10;
		} else if (opts && strcmp(s, "--columns") == 0) {
			if (i + 1 >= n) {
				fail(e, p, "--columns needs a list, e.g. --columns time,rule,proc.cmdline");
				ok = false;
				break;
			}
			list = w.v[++i];
			p = at + pos[i];
		} else if (opts && s[0] == '-' && s[1]) {
			fail(e, p, "unknown option '%s' (--csv, --columns a,b,c, --json)", s);
			ok = false;
		} else if (j->path) {
			fail(e, p, "one file only (quote a name with spaces)");
			ok = false;
		} else {
			j->path = cmdline_path(s);
		}
		if (list && ok) {
			export_columns_free(j->cols, j->ncols);
			j->cols = NULL;
			if (export_columns_parse(list, &j->cols, &j->ncols, &e->msg) < 0) {
				e->pos = p;
				e->has_pos = true;
				ok = false;
			}
			j->format = EXPORT_CSV;
		}
	}
	if (ok && !j->path) {
		fail(e, at + strlen(args), "which file? :export [--csv [--columns a,b,c]] FILE");
		ok = false;
	}
	strv_free(&w);
	free(pos);
	if (!ok) {
		job_free(j);
		return NULL;
	}
	return j;
}

static void export_yes(struct app *a, void *ctx);

/* Where the file ended up, for the message. */
static char *shown_path(const char *path)
{
	char *real = realpath(path, NULL);
	return real ? real : xstrdup(path);
}

static void report(struct app *a, const struct export_job *j, const struct export_result *res,
		   const struct targets *t)
{
	char *where = shown_path(j->path);
	char n[32], bad[32], hidden[64] = "";
	fmt_count(res->written, n, sizeof(n));
	fmt_count(res->unreadable, bad, sizeof(bad));
	if (t->hidden)
		snprintf(hidden, sizeof(hidden), ", %zu of them hidden by the filter", t->hidden);
	if (res->unreadable)
		app_message(a, true, "exported %s events to %s, but %s could not be read back and "
			    "are missing", n, where, bad);
	else
		app_message(a, false, "exported %s %sevent%s to %s (%s%s)", n, t->marked ? "marked " : "",
			    res->written == 1 ? "" : "s", where,
			    j->format == EXPORT_CSV ? "CSV" : "JSON lines", hidden);
	free(where);
}

/* Writes the targets. false with *err on failure (EXPORT_EXISTS asks). */
static bool do_export(struct app *a, struct export_job *j, bool overwrite, char **err)
{
	struct targets t;
	marks_targets(a, TARGET_MARKED_OR_SHOWN, &t);
	if (!t.n) {
		marks_targets_free(&t);
		job_free(j);
		*err = xstrdup("nothing to export: no event is shown");
		return false;
	}
	struct export_opts o = { j->format, j->cols, j->ncols, overwrite };
	int code = EXPORT_ERR;
	struct exporter *x = export_open(j->path, &o, &code, err);
	if (x) {
		for (size_t i = 0; i < t.n; i++)
			export_add(x, t.ev[i]);
		struct export_result res = { 0 };
		code = export_commit(x, &res, err);
		if (code == EXPORT_OK)
			report(a, j, &res, &t);
	}
	marks_targets_free(&t);
	if (code == EXPORT_EXISTS) {
		/* It appeared meanwhile (or was there): ask, never replace unasked. */
		free(*err);
		*err = NULL;
		char *q = xasprintf("%s exists: overwrite? (y/n)", j->path);
		prompt_ask(a, q, export_yes, job_free, j);
		free(q);
		return true;
	}
	job_free(j);
	return code == EXPORT_OK;
}

static void export_yes(struct app *a, void *ctx)
{
	struct export_job *j = ctx;
	/* The job is released by the question: hand do_export a copy. */
	struct export_job *copy = xcalloc(1, sizeof(*copy));
	copy->path = xstrdup(j->path);
	copy->format = j->format;
	if (j->cols) {
		copy->cols = xcalloc(j->ncols, sizeof(*copy->cols));
		for (size_t i = 0; i < j->ncols; i++)
			copy->cols[i] = xstrdup(j->cols[i]);
		copy->ncols = j->ncols;
	}
	char *err = NULL;
	if (!do_export(a, copy, true, &err))
		app_message(a, true, "export failed: %s", err ? err : "?");
	free(err);
}

static bool cmd_export(struct app *a, const char *args, size_t at, struct prompt_error *e)
{
	struct export_job *j = parse_export(args, at, e);
	if (!j)
		return false;
	struct stat st;
	if (lstat(j->path, &st) == 0 && !S_ISDIR(st.st_mode)) {
		char *q = xasprintf("%s exists: overwrite? (y/n)", j->path);
		prompt_ask(a, q, export_yes, job_free, j);
		free(q);
		return true;
	}
	char *err = NULL;
	if (do_export(a, j, false, &err))
		return true;
	e->msg = err ? err : xstrdup("export failed");
	return false;
}

/* ---- completion ------------------------------------------------------------------------ */

static void complete_export(struct app *a, const char *line, size_t start, const char *text,
			    struct strv *out, bool *files)
{
	/* The space-separated token being completed, and the one before it. */
	size_t t = start;
	while (t > 0 && line[t - 1] != ' ' && line[t - 1] != '\t')
		t--;
	size_t pe = t;
	while (pe > 0 && (line[pe - 1] == ' ' || line[pe - 1] == '\t'))
		pe--;
	size_t ps = pe;
	while (ps > 0 && line[ps - 1] != ' ' && line[ps - 1] != '\t')
		ps--;
	bool columns = (pe - ps == 9 && strncmp(line + ps, "--columns", 9) == 0) ||
		       strncmp(line + t, "--columns=", 10) == 0;
	if (columns) {
		static const char *const fixed[] = { "time", "priority", "rule", "hostname", "source",
						     "output", "message", "tags", "id", "subject" };
		for (size_t i = 0; i < ARRAY_LEN(fixed); i++)
			if (strncmp(fixed[i], text, strlen(text)) == 0)
				strv_add(out, fixed[i], strlen(fixed[i]));
		vocab_keys(a->vocab, text, out);
	} else if (text[0] == '-') {
		static const char *const opts[] = { "--csv", "--columns", "--json", "--" };
		for (size_t i = 0; i < ARRAY_LEN(opts); i++)
			if (strncmp(opts[i], text, strlen(text)) == 0)
				strv_add(out, opts[i], strlen(opts[i]));
	} else {
		*files = true;
	}
}

void command_complete(struct app *a, const char *line, size_t start, const char *text,
		      bool quoted, struct strv *out, bool *files)
{
	size_t at = skip_space(line, 0);
	if (line[at] == ':')
		at = skip_space(line, at + 1);
	size_t end = word_end(line, at);
	if (start <= end) {
		for (size_t i = 0; i < ARRAY_LEN(commands); i++)
			if (strncmp(commands[i].name, text, strlen(text)) == 0)
				strv_add(out, commands[i].name, strlen(commands[i].name));
		return;
	}
	struct prompt_error e = { 0 };
	const struct command *c = lookup(line + at, end - at, at, &e);
	free(e.msg);
	if (!c)
		return;
	size_t args = skip_space(line, end);
	if (c->run == cmd_filter || c->run == cmd_mark || c->run == cmd_unmark)
		vocab_complete_filter(a->vocab, line + args, start - args, text, quoted, out);
	else if (c->run == cmd_export)
		complete_export(a, line, start, text, out, files);
	else if (c->run == cases_cmd_export)
		*files = true;
	else if (c->run == cmd_help)
		command_complete(a, "", 0, text, quoted, out, files);
}

/* ---- the key ----------------------------------------------------------------------------- */

static bool accept_command(struct app *a, const char *line, struct prompt_error *e)
{
	return command_run(a, line, e);
}

static const struct prompt_spec command_prompt = {
	.label = ":",
	.history = "command",
	.word_breaks = " \t\n()|&!=<>~\"',",
	.complete = command_complete,
	.accept = accept_command,
};

void act_COMMAND(struct app *a)
{
	prompt_open(a, &command_prompt, NULL);
}
