/*
 * app.h — the console's state, shared by the tui/ modules.
 *
 * Everything here belongs to the UI thread: it is the only thread that
 * touches curses or this struct. Sources and the forwarder reach it only
 * through the evq (events and wake-ups) and their stats snapshots.
 *
 * Ownership: tui_run() creates and destroys the app; the store, the
 * windows and the per-view state are owned by it. The config, source and
 * evq are borrowed from main.
 */
#ifndef SOCTERM_TUI_APP_H
#define SOCTERM_TUI_APP_H

#include <curses.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/rate.h"
#include "core/source.h"
#include "core/store.h"
#include "core/util.h"

struct config;
struct evq;
struct event;
struct filter;
struct filterui;
struct prompt;
struct scan;
struct search;
struct statedb;
struct vocab;

/* What the keyboard talks to right now. */
enum focus {
	FOCUS_LIST,
	FOCUS_DETAIL,
	FOCUS_HELP,
	FOCUS_HIST,                /* histogram view (tui/histogram.c) */
	FOCUS_TOP,                 /* top values view (tui/top.c) */
	FOCUS_COUNT
};

/* A position in the timeline that survives insertions and evictions. */
struct evkey {
	int64_t time_ns;
	uint64_t seq;
	bool set;
};

struct rate {
	int64_t bucket_start_ns;   /* monotonic start of the current second */
	uint64_t cur, last;        /* events in the current / previous second */
};

struct layout {
	int rows, cols;
	int list_y, list_h;
	int detail_y, detail_h;
	int status_y, msg_y;
	int prompt_y;              /* while a prompt is open (msg_y then shows its errors) */
};

struct app {
	const struct config *cfg;
	struct source *src;
	struct evq *q;
	struct store *store;
	struct source_stats sst;   /* snapshot, refreshed a few times a second */
	int64_t sst_at_ns;

	/* timeline view */
	struct evkey sel;          /* selected event */
	int sel_row;               /* its row on screen, kept while browsing */
	bool follow;               /* selection follows the newest event */
	bool paused;               /* list frozen at `pause_at` */
	bool follow_before_pause;
	struct evkey pause_at;

	/* detail pane */
	bool detail_open;
	bool detail_raw;           /* raw JSON instead of the field table */
	int detail_scroll;
	enum focus focus;
	int help_scroll;

	/* overview: histogram, top, sparkline, clipboard, mouse */
	struct rate_ring per_sec;  /* arrivals per second by priority (sparkline) */
	int hist_zoom;             /* index into the histogram's bucket widths, -1: fit */
	int64_t hist_cursor;       /* start of the bucket under the cursor */
	bool hist_cursor_set;
	int hist_scroll;
	int top_dim;               /* enum top_dim */
	int top_cursor, top_scroll;
	struct filter *top_filter; /* filter set from the top view (owned) */
	size_t list_top;           /* index of the timeline's first row on screen */
	struct sbuf term_out;      /* raw bytes for the terminal after the next frame */
	int term_fd;

	/* status */
	struct rate rate;
	char msg[256];             /* one-line message under the status bar */
	bool msg_error;
	int64_t msg_until_ns;
	char last_stderr[256];
	uint64_t spool_errors;     /* last spool write-error count reported */

	/* triage: prompts, filter, search, marks (tui/prompt.c, filterui.c,
	 * search.c, marks.c, scan.c, command.c) */
	struct statedb *db;        /* the UI thread's own connection; NULL if unavailable */
	struct prompt *prompt;
	struct filterui *filt;
	struct search *search;
	struct vocab *vocab;       /* words seen in events, for completion */
	struct scan *scans;        /* running incremental scans */

	/* screen */
	struct layout lay;
	bool utf8;                 /* the locale speaks UTF-8 */
	bool dirty;
	bool quit;
	int exit_code;
};

/* tui/loop.c */
void app_message(struct app *a, bool error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The selected event, resolving the key against the shown view (NULL if the
 * view is empty). *idx gets its position. */
struct event *app_selected(struct app *a, size_t *idx);
void app_select_index(struct app *a, size_t idx);
/* Visible part of the shown view: [0, app_visible_len) (pause hides the rest). */
size_t app_visible_len(struct app *a);

#endif
