/* loop.c — the console's main loop: the only thread that touches curses.
 *
 * It sleeps in poll() on the terminal, the event queue, the signalfd and the
 * captured stderr. Each turn it reads every pending key, moves at most
 * DRAIN_BATCH events from the queue into the store (so a burst of 200,000
 * events cannot starve the keyboard), and redraws at most FRAME_NS apart. */
#include "tui/tui.h"
#include "tui/app.h"
#include "tui/colors.h"
#include "tui/detail.h"
#include "tui/draw.h"
#include "tui/filterui.h"
#include "tui/help.h"
#include "tui/histogram.h"
#include "tui/keys.h"
#include "tui/mouse.h"
#include "tui/prompt.h"
#include "tui/scan.h"
#include "tui/screen.h"
#include "tui/search.h"
#include "tui/status.h"
#include "tui/timeline.h"
#include "tui/top.h"
#include "core/config.h"
#include "core/event.h"
#include "core/evq.h"
#include "core/sanitize.h"
#include "core/sig.h"
#include "core/spool.h"
#include "core/statedb.h"
#include "core/vocab.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DRAIN_BATCH 4096
#define FRAME_NS (33 * 1000000LL)
/* After a drain, events are left to gather this long before the next one:
 * one wake-up per batch instead of one per event (a context switch each). */
#define GATHER_NS (20 * 1000000LL)
#define STATS_NS (250 * 1000000LL)
#define MSG_NS (6 * 1000000000LL)
#define SCAN_SLICE_NS (8 * 1000000LL)   /* filter/search/mark work per turn */

void app_message(struct app *a, bool error, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(a->msg, sizeof(a->msg), fmt, ap);
	va_end(ap);
	a->msg_error = error;
	a->msg_until_ns = now_ns() + MSG_NS;
	a->dirty = true;
}

size_t app_visible_len(struct app *a)
{
	size_t n = store_shown_len(a->store);
	if (!a->paused || !a->pause_at.set)
		return n;
	/* Everything after the pause point stays hidden until resumed. */
	size_t at = store_shown_lower_bound(a->store, a->pause_at.time_ns, a->pause_at.seq);
	if (at < n) {
		struct event *ev = store_shown_get(a->store, at);
		if (ev->time_ns == a->pause_at.time_ns && ev->seq == a->pause_at.seq)
			at++;
	}
	return at;
}

void app_select_index(struct app *a, size_t idx)
{
	struct event *ev = store_shown_get(a->store, idx);
	if (ev)
		a->sel = (struct evkey){ ev->time_ns, ev->seq, true };
}

struct event *app_selected(struct app *a, size_t *idx)
{
	size_t vis = app_visible_len(a);
	if (!vis)
		return NULL;
	size_t i;
	if (a->follow || !a->sel.set) {
		i = vis - 1;
	} else {
		/* The selected event, or the next one if it left the view. */
		i = store_shown_lower_bound(a->store, a->sel.time_ns, a->sel.seq);
		if (i >= vis)
			i = vis - 1;
	}
	app_select_index(a, i);
	if (idx)
		*idx = i;
	return store_shown_get(a->store, i);
}

/* ---- layout and drawing --------------------------------------------------------- */

static void layout(struct app *a)
{
	struct layout *l = &a->lay;
	l->rows = LINES;
	l->cols = COLS;
	/* An open prompt takes the line above the message line. */
	int bottom = prompt_active(a) ? 2 : 1;
	l->msg_y = l->rows - 1;
	l->prompt_y = l->rows - 2;
	l->status_y = l->rows - 1 - bottom;
	l->list_y = 1;
	int avail = l->rows - 2 - bottom;
	l->detail_h = 0;
	if (a->detail_open && avail >= 4) {
		l->detail_h = avail - MAX(2, avail * 2 / 5);
		l->detail_y = l->list_y + (avail - l->detail_h);
	}
	l->list_h = avail - l->detail_h;
}

/* Raw sequences (OSC 52) go out after curses has written the frame, so
 * they never land in the middle of one of its escape sequences. */
static void flush_term_out(struct app *a)
{
	if (!a->term_out.len)
		return;
	fflush(NULL);
	if (write_all(a->term_fd, a->term_out.s, a->term_out.len) < 0)
		app_message(a, true, "could not write to the terminal");
	sbuf_reset(&a->term_out);
}

static void draw(struct app *a)
{
	layout(a);
	if (a->lay.rows < 4 || a->lay.cols < 20) {
		erase();
		mvaddnstr(0, 0, "terminal too small", MAX(0, a->lay.cols));
		refresh();
		return;
	}
	status_draw_header(a);
	if (a->focus == FOCUS_HELP) {
		help_draw(a);
	} else if (a->focus == FOCUS_HIST) {
		histogram_draw(a);
	} else if (a->focus == FOCUS_TOP) {
		top_draw(a);
	} else {
		timeline_draw(a);
		if (a->detail_open)
			detail_draw(a);
	}
	status_draw_bar(a);
	if (!prompt_active(a))
		status_draw_message(a);
	prompt_draw(a); /* last: it places (or hides) the cursor */
	wnoutrefresh(stdscr);
	doupdate();
	flush_term_out(a);
}

/* ---- input ------------------------------------------------------------------------ */

static void on_key(struct app *a, struct screen *scr, int ch)
{
	if (ch == 26) { /* ^Z in raw mode */
		screen_suspend(scr);
		a->dirty = true;
		return;
	}
	if (prompt_active(a)) {
		prompt_key(a, ch);
		return;
	}
	if (ch == 12) { /* ^L: curses must forget what it thinks is on screen */
		clearok(curscr, TRUE);
	}
	if (ch == KEY_MOUSE) {
		mouse_handle(a);
		return;
	}
	if (!keys_dispatch(a, ch) && ch != ERR)
		a->dirty = true;
}

/* Reads every pending key. Returns false when the terminal is gone. */
static bool read_keys(struct app *a, struct screen *scr)
{
	int ch, n = 0;
	while ((ch = getch()) != ERR) {
		on_key(a, scr, ch);
		n++;
		if (a->quit)
			break;
	}
	return n > 0;
}

/* ---- events --------------------------------------------------------------------------- */

static void count_rate(struct app *a, size_t n)
{
	int64_t now = mono_ns();
	if (now - a->rate.bucket_start_ns >= 1000000000) {
		bool consecutive = now - a->rate.bucket_start_ns < 2000000000;
		a->rate.last = consecutive ? a->rate.cur : 0;
		a->rate.cur = 0;
		a->rate.bucket_start_ns = now;
		a->dirty = true;
	}
	a->rate.cur += n;
}

/* Moves at most DRAIN_BATCH events into the store. Returns how many. */
static size_t drain(struct app *a)
{
	static struct event *batch[DRAIN_BATCH];
	size_t n = evq_pop(a->q, batch, DRAIN_BATCH);
	int64_t sec = mono_ns() / 1000000000;
	for (size_t i = 0; i < n; i++) {
		struct event *ev = batch[i];
		source_consumed(a->src, ev);
		rate_add(&a->per_sec, sec, ev->prio, 1);
		vocab_note(a->vocab, ev);
		store_add(a->store, ev);
	}
	if (n)
		a->dirty = true;
	count_rate(a, n);
	return n;
}

static void refresh_stats(struct app *a)
{
	struct source_stats s;
	source_stats(a->src, &s);
	if (memcmp(&s, &a->sst, sizeof(s)) != 0) {
		a->sst = s;
		a->dirty = true;
	}
	/* The spool could not write (disk full, read-only): events are kept in
	 * memory instead; say so once per new error. */
	struct spool_stats sp;
	spool_stats(&sp);
	if (sp.write_errors > a->spool_errors) {
		a->spool_errors = sp.write_errors;
		app_message(a, true, "event spool: %s: keeping events in memory", sp.last_error);
	}
	a->sst_at_ns = mono_ns();
}

/* ---- the loop ------------------------------------------------------------------------- */

static int poll_timeout(struct app *a, int64_t last_draw, bool backlog, int64_t gather_until)
{
	int64_t now = mono_ns();
	if (backlog || scan_busy(a))
		return 0;
	int64_t next = a->sst_at_ns + STATS_NS;
	if (a->dirty)
		next = MIN(next, last_draw + FRAME_NS);
	if (gather_until)
		next = MIN(next, gather_until);
	int64_t ms = (next - now) / 1000000;
	return (int)MAX(0, MIN(ms, 1000));
}

static void handle_signal(struct app *a, struct screen *scr, int sig)
{
	if (sig == SIGWINCH) {
		screen_resize(scr);
		prompt_resize(a);
		a->dirty = true;
	} else if (sig) {
		a->quit = true;
		a->exit_code = 0;
	}
}

static void run(struct app *a, struct screen *scr, int sfd)
{
	int64_t last_draw = 0, gather_until = 0;
	bool backlog = false;
	int64_t spark_tick = 0;
	refresh_stats(a);
	draw(a);
	while (!a->quit) {
		struct pollfd p[4] = {
			{ scr->in_fd, POLLIN, 0 },
			{ gather_until ? -1 : evq_fd(a->q), POLLIN, 0 },
			{ sfd, POLLIN, 0 },
			{ scr->err_fd, POLLIN, 0 },
		};
		int r = poll(p, 4, poll_timeout(a, last_draw, backlog, gather_until));
		if (r < 0 && errno != EINTR)
			break;
		if (p[2].revents & POLLIN)
			for (int sig; (sig = sig_next(sfd));)
				handle_signal(a, scr, sig);
		if (p[0].revents & (POLLHUP | POLLERR | POLLNVAL)) {
			a->quit = true; /* the terminal went away (ssh dropped) */
			break;
		}
		if (p[0].revents & POLLIN)
			read_keys(a, scr);
		if (p[3].revents & POLLIN) {
			const char *line = screen_read_stderr(scr);
			if (line) {
				snprintf(a->last_stderr, sizeof(a->last_stderr), "%s", line);
				a->dirty = true;
			}
		}
		if (gather_until && mono_ns() < gather_until) {
			backlog = false;
		} else {
			evq_clear(a->q);
			gather_until = drain(a) ? mono_ns() + GATHER_NS : 0;
			backlog = evq_len(a->q) > 0;
		}
		filterui_tick(a);
		scan_run(a, SCAN_SLICE_NS);
		if (mono_ns() - a->sst_at_ns >= STATS_NS)
			refresh_stats(a);
		if (mono_ns() / 5000000000LL != spark_tick) {
			spark_tick = mono_ns() / 5000000000LL; /* the sparkline moves on */
			a->dirty = true;
		}
		if (a->msg[0] && now_ns() >= a->msg_until_ns) {
			a->msg[0] = '\0';
			a->dirty = true;
		}
		if (a->dirty && mono_ns() - last_draw >= FRAME_NS) {
			draw(a);
			a->dirty = false;
			last_draw = mono_ns();
		}
	}
}

/* The triage state that needs no terminal; a bad --filter fails here. */
static int triage_start(struct app *a, char **err)
{
	a->vocab = vocab_new();
	search_init(a);
	if (filterui_init(a, err) < 0)
		return -1;
	char *why = NULL;
	a->db = statedb_open(a->cfg->state_dir, &why);
	if (!a->db)
		app_message(a, true, "state directory unusable, histories are not kept: %s",
			    why ? why : "?");
	free(why);
	return 0;
}

static void triage_stop(struct app *a)
{
	scan_cancel_all(a);
	prompt_free(a);
	search_free(a);
	filterui_free(a);
	vocab_free(a->vocab);
	statedb_close(a->db);
}

int tui_run(const struct config *cfg, struct source *src, struct evq *q, char **err)
{
	struct app *a = xcalloc(1, sizeof(*a));
	a->cfg = cfg;
	a->src = src;
	a->q = q;
	a->store = store_new((size_t)cfg->capacity);
	a->follow = true;
	a->hist_zoom = -1;
	rate_init(&a->per_sec);
	a->utf8 = locale_is_utf8();
	draw_set_utf8(a->utf8);
	keys_init();
	struct screen scr;
	int rc = EXIT_OK;
	if (triage_start(a, err) < 0)
		rc = EXIT_USAGE;
	else if (screen_start(&scr, err) < 0)
		rc = EXIT_UNAVAILABLE;
	if (rc != EXIT_OK) {
		triage_stop(a);
		store_free(a->store);
		free(a);
		return rc;
	}
	prompt_init(a);
	a->term_fd = scr.out_fd;
	if (cfg->mouse)
		mouse_enable();
	char *cmsg = NULL;
	colors_init(cfg, &cmsg);
	if (cmsg)
		app_message(a, true, "%s", cmsg);
	free(cmsg);
	for (size_t i = 0; i < cfg->nwarnings; i++)
		app_message(a, true, "%s", cfg->warnings[i]);
	int sfd = sig_open();
	run(a, &scr, sfd);
	close(sfd);
	triage_stop(a);
	screen_stop(&scr);
	rc = a->exit_code;
	store_free(a->store);
	top_free(a);
	sbuf_free(&a->term_out);
	free(a);
	return rc;
}

/* ---- small global actions ------------------------------------------------------- */

void act_REDRAW(struct app *a)
{
	clearok(curscr, TRUE);
	a->dirty = true;
}

void act_QUIT(struct app *a)
{
	if (a->focus == FOCUS_HELP) {
		a->focus = FOCUS_LIST;
	} else if (a->detail_open && a->focus == FOCUS_DETAIL) {
		a->detail_open = false;
		a->focus = FOCUS_LIST;
	} else {
		a->quit = true;
	}
	a->dirty = true;
}
