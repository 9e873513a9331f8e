/*
 * scan.h — walking many held events a slice at a time, so that filtering,
 * searching and marking a million events never freezes the console.
 *
 * A scan visits the events of a view in order (forward or backward, from a
 * starting event, optionally wrapping around) and calls `visit` for each.
 * The main loop gives all running scans a time slice per turn (scan_run());
 * between slices events keep arriving and being evicted, keys are read and
 * the screen is drawn. The position is kept as an event key, not an index,
 * so it survives insertions and evictions: events that arrive behind the
 * position are not visited (the owner handles arrivals itself).
 *
 * Ownership: scans belong to the app (a->scans); scan_start() takes `ctx`,
 * and `done` is called exactly once (finished or cancelled), after the scan
 * is unlinked: it must release ctx and may start other scans.
 * Thread safety: UI thread only.
 */
#ifndef SOCTERM_TUI_SCAN_H
#define SOCTERM_TUI_SCAN_H

#include <stdbool.h>
#include <stdint.h>

#include "tui/app.h"

enum scan_view {
	SCAN_ALL,       /* every held event */
	SCAN_SHOWN,     /* the events the filter shows */
	SCAN_VISIBLE,   /* shown and not hidden by pause */
};

struct scan_ops {
	const char *what;   /* "filtering", "searching", "marking": the status bar */
	/* Returns false to stop the scan (it then counts as finished). */
	bool (*visit)(struct app *a, struct event *ev, void *ctx);
	void (*done)(struct app *a, bool finished, void *ctx);
};

struct scan_opts {
	enum scan_view view;
	bool backward;
	struct evkey from;  /* start after this event (unset: at the first/last) */
	bool wrap;          /* at the end, go round to `from` (included last) */
};

struct scan;

struct scan *scan_start(struct app *a, const struct scan_opts *o, const struct scan_ops *ops,
			void *ctx);
/* Stops s; its done() runs with finished = false. */
void scan_cancel(struct app *a, struct scan *s);
void scan_cancel_all(struct app *a);
/* Runs the scans for at most budget_ns in total. Returns true while any
 * remain (the loop should not sleep). */
bool scan_run(struct app *a, int64_t budget_ns);
bool scan_busy(const struct app *a);
/* Whether s went round the end. */
bool scan_wrapped(const struct scan *s);
/* "filtering 45%" for the status bar, or "" when idle. */
void scan_status(const struct app *a, char *buf, size_t size);

#endif
