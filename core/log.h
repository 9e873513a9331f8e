/*
 * log.h — one line per state change or error, for --forward-only and for the
 * console's own log file.
 *
 * Text format (logfmt):
 *   2026-12-03T16:30:00.123Z level=info event=connected url=nats://127.0.0.1:4222 msg="..."
 * JSON format (one object per line, keys in this order):
 *   {"ts":"2026-12-03T16:30:00.123Z","level":"info","event":"connected","url":"...","msg":"..."}
 *
 * Values may come from the network, so they are sanitised: in text, control
 * bytes, DEL, C1 controls and invalid UTF-8 are written as \n \t \x1b \u0085
 * \xff escapes and a value with spaces, quotes or '=' is quoted; in JSON the
 * encoder escapes C0 controls and the rest is escaped as in text. Then every
 * registered secret (secret.h) is replaced with ******** in the finished line,
 * as a last line of defence. Callers still redact what they know is secret
 * (URLs with user:password@ go through config_redact_url()).
 *
 * Ownership: the fd given to log_init() is borrowed (never closed here).
 * log_open() returns an fd the caller owns.
 * Thread safety: every function may be called from any thread; each line is
 * built privately and written with one write_all() under a lock, so lines
 * never interleave.
 */
#ifndef SOCTERM_LOG_H
#define SOCTERM_LOG_H

#include "core/util.h"

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };
enum log_format { LOG_FORMAT_TEXT, LOG_FORMAT_JSON };

/* Until log_init() is called, lines go to stderr in text format. fd < 0
 * turns logging off. */
void log_init(enum log_format format, int fd);
/* Lines below `min` are dropped (default LOG_INFO). */
void log_set_level(enum log_level min);
enum log_level log_get_level(void);

/* Opens (creates, mode 0600) a log file for appending. Returns the fd, or -1
 * with *err set (malloc'd). */
int log_open(const char *path, char **err);

const char *log_level_name(enum log_level l);   /* "debug" ... "error" */

/* True if s would be logged as is: valid UTF-8 without C0/DEL/C1 controls,
 * bidi overrides or line separators. */
bool log_text_clean(const char *s);

/* A line with a formatted message and no other fields. */
void log_msg(enum log_level level, const char *event, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A line with fields: key, value pairs (strings; a NULL value is written as
 * an empty string; at most 32 pairs, more are dropped) ended by a NULL key;
 * msg may be NULL (no msg field).
 *   log_kv(LOG_INFO, "connected", "server up", "url", url, NULL);  */
void log_kv(enum log_level level, const char *event, const char *msg, ...)
	__attribute__((sentinel));

/* Formats a line into b without writing it (tests, and callers that keep
 * their own sink). kv has nkv pairs: kv[2i] key, kv[2i+1] value. */
void log_format_line(struct sbuf *b, enum log_format format, int64_t ts_ns,
		     enum log_level level, const char *event,
		     const char *const *kv, size_t nkv, const char *msg);

#endif
