/* prompt.c — see prompt.h.
 *
 * Readline runs in callback mode with its input and output virtualised:
 * rl_getc_function hands it the one byte being fed, rl_input_available_hook
 * says whether there is one, rl_redisplay_function only asks the loop for a
 * redraw (prompt_draw() does the drawing from rl_display_prompt,
 * rl_line_buffer and rl_point), and rl_outstream/rl_instream are /dev/null so
 * nothing readline might print (bell, match lists) reaches the terminal.
 * Because a custom redisplay function is set before readline initialises,
 * readline does not call tgetent() either, which would swap ncurses'
 * terminal from under it. */
#include <stdio.h>
#include <readline/history.h>
#include <readline/readline.h>

#include "tui/prompt.h"
#include "tui/colors.h"
#include "tui/draw.h"
#include "core/filter.h"
#include "core/sanitize.h"
#include "core/statedb.h"
#include "core/vocab.h"

#include <curses.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define HISTORY_CAP 500
#define FILTER_BREAKS " \t\n()|&!=<>~\"'"

enum pmode { P_NONE, P_LINE, P_ASK };

struct hist {
	char *kind;
	struct strv lines;   /* oldest first */
};

struct pchar {
	size_t src;          /* byte offset in the source text */
	size_t out, outlen;  /* its sanitised bytes in the layout buffer */
	int col, w;
};

struct layout_buf {
	struct sbuf text;
	struct pchar *ch;
	size_t n, cap;
	int width;
};

struct prompt {
	enum pmode mode;
	const struct prompt_spec *spec;

	/* readline input and output */
	int in;              /* byte being fed, -1 if none */
	char *line;          /* accepted line (readline's malloc) */
	bool got_line;
	FILE *null_in, *null_out;

	/* display */
	int hscroll;         /* columns of the line scrolled off to the left */
	int line_x;          /* screen column where the line starts */
	int cur_x, cur_y;
	bool cursor_on;
	struct layout_buf lb;
	char *err, *err_line;  /* refusal, and the line it was about */
	size_t err_pos;
	bool err_has_pos;
	char *info;          /* completion matches */

	/* completion */
	struct strv cands;
	size_t cand_i;

	/* y/n question */
	char *question;
	void (*yes)(struct app *, void *);
	void (*release)(void *);
	void *ctx;

	struct hist *hist;
	size_t nhist;
	bool history_warned;
};

/* Readline's callbacks carry no context: the one app that uses it. */
static struct app *rl_app;

/* ---- histories ------------------------------------------------------------------ */

static void hist_loaded(void *ctx, const char *line)
{
	strv_add(ctx, line, strlen(line));
}

static struct hist *hist_get(struct app *a, const char *kind)
{
	struct prompt *p = a->prompt;
	for (size_t i = 0; i < p->nhist; i++)
		if (strcmp(p->hist[i].kind, kind) == 0)
			return &p->hist[i];
	p->hist = xrealloc(p->hist, (p->nhist + 1) * sizeof(*p->hist));
	struct hist *h = &p->hist[p->nhist++];
	memset(h, 0, sizeof(*h));
	h->kind = xstrdup(kind);
	if (a->db && statedb_history_load(a->db, kind, hist_loaded, &h->lines) < 0)
		app_message(a, true, "history '%s' not loaded: %s", kind, statedb_error(a->db));
	return h;
}

/* Makes readline's history the one of `kind`. */
static void hist_select(struct app *a, const char *kind)
{
	clear_history();
	if (kind) {
		struct hist *h = hist_get(a, kind);
		for (size_t i = 0; i < h->lines.n; i++)
			add_history(h->lines.v[i]);
	}
	using_history();
}

static void hist_add(struct app *a, const char *kind, const char *line)
{
	if (!kind || !*line)
		return;
	struct hist *h = hist_get(a, kind);
	if (h->lines.n && strcmp(h->lines.v[h->lines.n - 1], line) == 0)
		return;
	if (h->lines.n >= HISTORY_CAP) {
		free(h->lines.v[0]);
		memmove(h->lines.v, h->lines.v + 1, (h->lines.n - 1) * sizeof(*h->lines.v));
		h->lines.n--;
	}
	strv_add(&h->lines, line, strlen(line));
	if (a->db && statedb_history_add(a->db, kind, line, HISTORY_CAP) < 0 &&
	    !a->prompt->history_warned) {
		a->prompt->history_warned = true;
		app_message(a, true, "history not saved: %s", statedb_error(a->db));
	}
}

/* ---- readline glue ---------------------------------------------------------------- */

static int rl_getc_cb(FILE *f)
{
	(void)f;
	struct prompt *p = rl_app->prompt;
	int c = p->in;
	p->in = -1;
	return c < 0 ? EOF : c;
}

static int rl_avail_cb(void)
{
	return rl_app->prompt->in >= 0;
}

static void rl_redisplay_cb(void)
{
	rl_app->dirty = true;
}

static void rl_line_cb(char *line)
{
	struct prompt *p = rl_app->prompt;
	p->line = line;
	p->got_line = true;
	/* Removing the handler here stops readline from prompting again. */
	rl_callback_handler_remove();
}

static void set_info(struct prompt *p, char *text)
{
	free(p->info);
	p->info = text;
}

static void rl_matches_cb(char **matches, int n, int maxlen)
{
	(void)maxlen;
	struct sbuf b = SBUF_INIT;
	sbuf_printf(&b, "%d matches:", n);
	for (int i = 1; i <= n && b.len < 2048; i++) {
		sbuf_adds(&b, "  ");
		sbuf_adds(&b, matches[i]);
	}
	set_info(rl_app->prompt, sbuf_steal(&b));
	rl_app->dirty = true;
}

static char *rl_generate_cb(const char *text, int state)
{
	(void)text;
	struct prompt *p = rl_app->prompt;
	if (!state)
		p->cand_i = 0;
	return p->cand_i < p->cands.n ? xstrdup(p->cands.v[p->cand_i++]) : NULL;
}

static char **rl_complete_cb(const char *text, int start, int end)
{
	(void)end;
	struct app *a = rl_app;
	struct prompt *p = a->prompt;
	rl_attempted_completion_over = 1; /* never fall back to file names unasked */
	if (!p->spec || !p->spec->complete)
		return NULL;
	bool files = false;
	strv_free(&p->cands);
	p->spec->complete(a, rl_line_buffer, (size_t)start, text, rl_completion_quote_character != 0,
			  &p->cands, &files);
	if (files) {
		strv_free(&p->cands);
		return rl_completion_matches(text, rl_filename_completion_function);
	}
	if (!p->cands.n) {
		set_info(p, xasprintf("nothing completes '%s'", text));
		return NULL;
	}
	char **m = rl_completion_matches(text, rl_generate_cb);
	/* "tag:", "since:": the value follows directly. */
	if (p->cands.n == 1 && m && m[0] && *m[0] && m[0][strlen(m[0]) - 1] == ':')
		rl_completion_suppress_append = 1;
	strv_free(&p->cands);
	return m;
}

static void readline_setup(struct app *a)
{
	struct prompt *p = a->prompt;
	rl_app = a;
	rl_readline_name = "socterm";
	rl_catch_signals = 0;
	rl_catch_sigwinch = 0;
	rl_change_environment = 0;
	rl_prep_term_function = NULL;
	rl_deprep_term_function = NULL;
	rl_getc_function = rl_getc_cb;
	rl_input_available_hook = rl_avail_cb;
	rl_redisplay_function = rl_redisplay_cb;
	rl_completion_display_matches_hook = rl_matches_cb;
	rl_attempted_completion_function = rl_complete_cb;
	p->null_in = fopen("/dev/null", "r");
	p->null_out = fopen("/dev/null", "w");
	rl_instream = p->null_in;
	rl_outstream = p->null_out;
	rl_initialize();
	/* After the user's inputrc: what the console relies on. */
	rl_variable_bind("editing-mode", "emacs");
	rl_variable_bind("bell-style", "none");
	rl_variable_bind("show-all-if-ambiguous", "on");
	rl_variable_bind("enable-bracketed-paste", "off");
	/* Home, End and Delete as the terminals that curses does not decode
	 * for this TERM send them (e.g. tmux: ESC [ 1 ~ and ESC [ 4 ~). */
	rl_bind_keyseq_if_unbound("\033[3~", rl_delete);
	rl_bind_keyseq_if_unbound("\033[1~", rl_beg_of_line);
	rl_bind_keyseq_if_unbound("\033[7~", rl_beg_of_line);
	rl_bind_keyseq_if_unbound("\033[4~", rl_end_of_line);
	rl_bind_keyseq_if_unbound("\033[8~", rl_end_of_line);
	rl_set_screen_size(LINES, COLS);
	using_history();
}

/* ---- opening and closing ---------------------------------------------------------- */

static void clear_error(struct prompt *p)
{
	free(p->err);
	free(p->err_line);
	p->err = p->err_line = NULL;
	p->err_has_pos = false;
}

static void cursor(struct prompt *p, bool on)
{
	if (p->cursor_on != on) {
		curs_set(on ? 1 : 0);
		p->cursor_on = on;
	}
}

static void open_line(struct app *a, const struct prompt_spec *spec, const char *initial)
{
	struct prompt *p = a->prompt;
	p->spec = spec;
	p->mode = P_LINE;
	p->hscroll = 0;
	p->in = -1;
	clear_error(p);
	set_info(p, NULL);
	hist_select(a, spec->history);
	rl_completer_word_break_characters = spec->word_breaks ? spec->word_breaks : FILTER_BREAKS;
	rl_completer_quote_characters = "\"'";
	rl_callback_handler_install(spec->label, rl_line_cb);
	if (initial && *initial)
		rl_insert_text(initial);
	a->dirty = true;
}

/* Leaves readline without a line (Esc, ^G, ^C). */
static void cancel_line(struct app *a)
{
	struct prompt *p = a->prompt;
	const struct prompt_spec *spec = p->spec;
	rl_callback_sigcleanup();
	rl_replace_line("", 1);
	rl_callback_handler_remove();
	p->mode = P_NONE;
	clear_error(p);
	set_info(p, NULL);
	a->dirty = true;
	if (spec && spec->cancel)
		spec->cancel(a);
}

/* Readline handed over a line (or NULL on ^D in an empty line). */
static void finish_line(struct app *a)
{
	struct prompt *p = a->prompt;
	char *line = p->line;
	const struct prompt_spec *spec = p->spec;
	p->line = NULL;
	p->got_line = false;
	p->mode = P_NONE;
	set_info(p, NULL);
	a->dirty = true;
	if (!line) {
		clear_error(p);
		if (spec->cancel)
			spec->cancel(a);
		return;
	}
	struct prompt_error e = { 0 };
	if (spec->accept(a, line, &e)) {
		clear_error(p);
		hist_add(a, spec->history, line);
	} else if (p->mode == P_NONE) {
		/* Refused: the same line again, a caret under the culprit (the
		 * cursor stays at the end: "a value is missing" points at the
		 * operator, and typing there would go before it). */
		open_line(a, spec, line);
		p->err = e.msg ? e.msg : xstrdup("not accepted");
		e.msg = NULL;
		p->err_line = xstrdup(line);
		p->err_has_pos = e.has_pos;
		p->err_pos = MIN(e.pos, strlen(line));
	}
	free(e.msg);
	free(line);
}

static void feed(struct app *a, const char *bytes, size_t n)
{
	struct prompt *p = a->prompt;
	for (size_t i = 0; i < n && p->mode == P_LINE; i++) {
		p->in = (unsigned char)bytes[i];
		rl_callback_read_char();
		p->in = -1;
		if (p->got_line)
			finish_line(a);
	}
}

void prompt_init(struct app *a)
{
	a->prompt = xcalloc(1, sizeof(*a->prompt));
	a->prompt->in = -1;
	readline_setup(a);
}

static void close_question(struct app *a, bool answer)
{
	struct prompt *p = a->prompt;
	void (*yes)(struct app *, void *) = p->yes;
	void (*release)(void *) = p->release;
	void *ctx = p->ctx;
	free(p->question);
	p->question = NULL;
	p->yes = NULL;
	p->release = NULL;
	p->ctx = NULL;
	p->mode = P_NONE;
	a->dirty = true;
	if (answer && yes)
		yes(a, ctx);
	if (release)
		release(ctx);
}

void prompt_free(struct app *a)
{
	struct prompt *p = a->prompt;
	if (!p)
		return;
	if (p->mode == P_LINE)
		rl_callback_handler_remove();
	if (p->mode == P_ASK)
		close_question(a, false);
	clear_history();
	for (size_t i = 0; i < p->nhist; i++) {
		free(p->hist[i].kind);
		strv_free(&p->hist[i].lines);
	}
	free(p->hist);
	clear_error(p);
	set_info(p, NULL);
	strv_free(&p->cands);
	sbuf_free(&p->lb.text);
	free(p->lb.ch);
	free(p->line);
	rl_instream = stdin;
	rl_outstream = stdout;
	if (p->null_in)
		fclose(p->null_in);
	if (p->null_out)
		fclose(p->null_out);
	free(p);
	a->prompt = NULL;
	rl_app = NULL;
}

void prompt_open(struct app *a, const struct prompt_spec *spec, const char *initial)
{
	struct prompt *p = a->prompt;
	if (p->mode == P_LINE)
		cancel_line(a);
	else if (p->mode == P_ASK)
		close_question(a, false);
	open_line(a, spec, initial);
}

void prompt_ask(struct app *a, const char *question, void (*yes)(struct app *a, void *ctx),
		void (*release)(void *ctx), void *ctx)
{
	struct prompt *p = a->prompt;
	if (p->mode == P_LINE)
		cancel_line(a);
	else if (p->mode == P_ASK)
		close_question(a, false);
	p->mode = P_ASK;
	p->question = xstrdup(question);
	p->yes = yes;
	p->release = release;
	p->ctx = ctx;
	a->dirty = true;
}

bool prompt_active(const struct app *a)
{
	return a->prompt && a->prompt->mode != P_NONE;
}

/* ---- keys --------------------------------------------------------------------------- */

/* The sequences readline's emacs keymap binds for the keys curses decoded. */
static const char *key_sequence(int ch)
{
	switch (ch) {
	case KEY_LEFT: return "\033[D";
	case KEY_RIGHT: return "\033[C";
	case KEY_UP: return "\033[A";
	case KEY_DOWN: return "\033[B";
	case KEY_HOME: return "\033[H";
	case KEY_END: return "\033[F";
	case KEY_DC: return "\033[3~";
	case KEY_BACKSPACE: return "\177";
	case KEY_ENTER: return "\r";
	default: break;
	}
	/* Ctrl/Alt + arrows and Delete: word motion, as in most shells. */
	const char *name = keyname(ch);
	if (!name)
		return NULL;
	if (strncmp(name, "kLFT", 4) == 0)
		return "\033b";
	if (strncmp(name, "kRIT", 4) == 0)
		return "\033f";
	if (strncmp(name, "kDC", 3) == 0)
		return "\033d";
	return NULL;
}

static bool searching(void)
{
	return RL_ISSTATE(RL_STATE_ISEARCH | RL_STATE_NSEARCH) != 0;
}

static void question_key(struct app *a, int ch)
{
	switch (ch) {
	case 'y':
	case 'Y':
		close_question(a, true);
		break;
	case 'n':
	case 'N':
	case 'q':
	case 27:
	case 3:
	case 7:
		close_question(a, false);
		app_message(a, false, "cancelled");
		break;
	default:
		break;
	}
}

static void line_key(struct app *a, int ch)
{
	struct prompt *p = a->prompt;
	if (ch == 3 || (ch == 7 && !searching())) {
		cancel_line(a);
		return;
	}
	if (ch == 12) { /* ^L: redraw the screen, not readline's clear */
		clearok(curscr, TRUE);
		a->dirty = true;
		return;
	}
	if (ch == 27) {
		/* curses already waited ESCDELAY: nothing pending means a lone Esc. */
		int next = getch();
		if (next == ERR) {
			if (searching())
				feed(a, "\033", 1); /* ends the incremental search */
			else
				cancel_line(a);
			return;
		}
		if (next > 0xff) {
			/* Esc + a decoded key (Alt+arrow on some terminals). */
			const char *meta = next == KEY_LEFT ? "\033b" : next == KEY_RIGHT ? "\033f"
					 : next == KEY_BACKSPACE ? "\033\177" : NULL;
			if (meta)
				feed(a, meta, strlen(meta));
			else
				line_key(a, next);
			return;
		}
		feed(a, "\033", 1);
		if (p->mode == P_LINE)
			line_key(a, next);
		return;
	}
	if (ch >= 0 && ch <= 0xff) {
		char c = (char)ch;
		feed(a, &c, 1);
		return;
	}
	const char *seq = key_sequence(ch);
	if (seq)
		feed(a, seq, strlen(seq));
}

void prompt_key(struct app *a, int ch)
{
	struct prompt *p = a->prompt;
	a->dirty = true;
	if (ch == KEY_RESIZE || ch == ERR)
		return;
	if (p->mode == P_ASK) {
		if (ch == 27) {
			int next = getch();
			if (next != ERR)
				ungetch(next);
		}
		question_key(a, ch);
		return;
	}
	set_info(p, NULL);
	line_key(a, ch);
}

void prompt_resize(struct app *a)
{
	(void)a;
	rl_set_screen_size(LINES, COLS);
	a->dirty = true;
}

/* ---- drawing ------------------------------------------------------------------------ */

/* Length of the UTF-8 character at s (1 for an invalid byte). */
static size_t char_len(const unsigned char *s, size_t n)
{
	size_t len = s[0] < 0x80 ? 1 : s[0] >= 0xc2 && s[0] < 0xe0 ? 2 : s[0] >= 0xe0 && s[0] < 0xf0 ? 3
		   : s[0] >= 0xf0 && s[0] < 0xf5 ? 4 : 1;
	if (len > n)
		return 1;
	for (size_t i = 1; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 1;
	return len;
}

/* Splits s into characters, each sanitised on its own (a control character
 * shows as \x1b), with its column. */
static void layout_text(struct layout_buf *lb, const char *s, size_t n)
{
	unsigned flags = SAN_ONELINE | (draw_utf8() ? 0 : SAN_ASCII);
	sbuf_reset(&lb->text);
	lb->n = 0;
	lb->width = 0;
	for (size_t i = 0; i < n;) {
		size_t len = char_len((const unsigned char *)s + i, n - i);
		size_t out = lb->text.len;
		sanitize(s + i, len, flags, &lb->text);
		int w = text_width(lb->text.s + out, lb->text.len - out);
		lb->ch = xgrow(lb->ch, &lb->cap, lb->n + 1, sizeof(*lb->ch));
		lb->ch[lb->n++] = (struct pchar){ i, out, lb->text.len - out, lb->width, w };
		lb->width += w;
		i += len;
	}
}

/* Column (from the start of the line) of byte offset `off`. */
static int column_of(const struct layout_buf *lb, size_t off)
{
	for (size_t i = 0; i < lb->n; i++)
		if (lb->ch[i].src >= off)
			return lb->ch[i].col;
	return lb->width;
}

static void scroll_to(struct prompt *p, int cur, int avail, int total)
{
	if (total < avail) {
		p->hscroll = 0;
		return;
	}
	if (cur < p->hscroll)
		p->hscroll = MAX(0, cur - avail / 3);
	if (cur >= p->hscroll + avail)
		p->hscroll = cur - avail + 1 + avail / 3;
	p->hscroll = MAX(0, MIN(p->hscroll, total - avail + 1));
}

static void draw_line(struct app *a, int y)
{
	struct prompt *p = a->prompt;
	int cols = a->lay.cols;
	const char *label = rl_display_prompt ? rl_display_prompt : p->spec->label;
	attr_t lattr = ui_attr(UI_PROMPT);
	int x0 = draw_text(stdscr, y, 0, label, strlen(label), MAX(1, cols / 2), lattr, false);
	int avail = MAX(1, cols - x0 - 1);
	struct layout_buf *lb = &p->lb;
	layout_text(lb, rl_line_buffer, (size_t)rl_end);
	int cur = column_of(lb, (size_t)rl_point);
	scroll_to(p, cur, avail, lb->width);
	size_t first = lb->n, last = 0;
	for (size_t i = 0; i < lb->n; i++) {
		const struct pchar *c = &lb->ch[i];
		if (c->col >= p->hscroll && c->col + c->w <= p->hscroll + avail &&
		    !(c->w == 0 && c->col == p->hscroll && p->hscroll)) {
			first = MIN(first, i);
			last = i + 1;
		}
	}
	attr_t attr = ui_attr(UI_DEFAULT);
	wattr_set(stdscr, attr, PAIR_NUMBER(attr), NULL);
	if (first < last) {
		size_t from = lb->ch[first].out;
		size_t to = lb->ch[last - 1].out + lb->ch[last - 1].outlen;
		mvaddnstr(y, x0 + lb->ch[first].col - p->hscroll, lb->text.s + from, (int)(to - from));
	}
	int cx = x0 + cur - p->hscroll;
	attr_t mark = ui_attr(UI_PROMPT);
	if (p->hscroll > 0 && cx != x0)
		mvaddch(y, x0, '<' | mark);
	if (lb->width - p->hscroll > avail && cx != x0 + avail - 1)
		mvaddch(y, x0 + avail - 1, '>' | mark);
	wattr_set(stdscr, A_NORMAL, 0, NULL);
	p->line_x = x0;
	p->cur_x = MIN(cx, cols - 1);
	p->cur_y = y;
}

/* "expected a value after '=' at 14" with a caret under column 14. */
static void draw_error(struct app *a, int y)
{
	struct prompt *p = a->prompt;
	attr_t err = ui_attr(UI_ERROR);
	int cols = a->lay.cols;
	int caret = -1;
	if (p->err_has_pos)
		caret = p->line_x + column_of(&p->lb, p->err_pos) - p->hscroll;
	if (caret < p->line_x || caret >= cols) {
		draw_str(stdscr, y, 0, p->err, cols, err, false);
		return;
	}
	struct sbuf safe = SBUF_INIT;
	sanitize(p->err, strlen(p->err), SAN_ONELINE | (draw_utf8() ? 0 : SAN_ASCII), &safe);
	int w = text_width(sbuf_str(&safe), safe.len);
	sbuf_free(&safe);
	if (caret + 2 + w <= cols) {
		mvaddch(y, caret, '^' | err);
		draw_str(stdscr, y, caret + 2, p->err, cols - caret - 2, err, false);
	} else if (w + 1 <= caret) {
		mvaddch(y, caret, '^' | err);
		draw_str(stdscr, y, caret - 1 - w, p->err, w, err, false);
	} else {
		/* Fits on neither side of the caret: the whole message wins (it
		 * names the position too). */
		draw_str(stdscr, y, 0, p->err, cols, err, false);
	}
}

static void draw_under(struct app *a, int y)
{
	struct prompt *p = a->prompt;
	int cols = a->lay.cols;
	if (p->err && p->err_line && strcmp(p->err_line, rl_line_buffer) == 0) {
		draw_error(a, y);
	} else if (p->info) {
		draw_str(stdscr, y, 0, p->info, cols, ui_attr(UI_MESSAGE), false);
	} else if (a->msg[0] && now_ns() < a->msg_until_ns) {
		draw_str(stdscr, y, 0, a->msg, cols, ui_attr(a->msg_error ? UI_ERROR : UI_MESSAGE), false);
	} else {
		draw_label(stdscr, y, 0, "Enter accept  Esc cancel  Tab complete  Up/Down history  ^R search",
			   cols, ui_attr(UI_PRIO_DEBUG), false);
	}
}

void prompt_draw(struct app *a)
{
	struct prompt *p = a->prompt;
	if (p->mode == P_NONE) {
		cursor(p, false);
		return;
	}
	int y = a->lay.prompt_y, iy = a->lay.msg_y;
	move(y, 0);
	clrtoeol();
	move(iy, 0);
	clrtoeol();
	if (p->mode == P_ASK) {
		int x = draw_str(stdscr, y, 0, p->question, a->lay.cols - 1, ui_attr(UI_PROMPT), false);
		draw_label(stdscr, iy, 0, "y yes   n no", a->lay.cols, ui_attr(UI_PRIO_DEBUG), false);
		p->cur_y = y;
		p->cur_x = MIN(x + 1, a->lay.cols - 1);
	} else {
		draw_line(a, y);
		draw_under(a, iy);
	}
	cursor(p, true);
	move(p->cur_y, p->cur_x);
}

/* ---- completion for the filter language ----------------------------------------- */

void prompt_complete_filter(struct app *a, const char *line, size_t start, const char *text,
			    bool quoted, struct strv *out, bool *files)
{
	(void)files;
	vocab_complete_filter(a->vocab, line, start, text, quoted, out);
}
