/* log.c — see log.h. */
#include "core/log.h"
#include "core/utf8.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/secret.h"

static pthread_mutex_t sink_lock = PTHREAD_MUTEX_INITIALIZER;
static int sink_fd = 2;
static enum log_format sink_format = LOG_FORMAT_TEXT;
static atomic_int min_level = LOG_INFO;

void log_init(enum log_format format, int fd)
{
	pthread_mutex_lock(&sink_lock);
	sink_fd = fd;
	sink_format = format;
	pthread_mutex_unlock(&sink_lock);
}

void log_set_level(enum log_level min)
{
	atomic_store(&min_level, (int)min);
}

enum log_level log_get_level(void)
{
	return (enum log_level)atomic_load(&min_level);
}

int log_open(const char *path, char **err)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);
	if (fd < 0)
		*err = xasprintf("%s: cannot open log file: %s", path, strerror(errno));
	return fd;
}

const char *log_level_name(enum log_level l)
{
	switch (l) {
	case LOG_DEBUG: return "debug";
	case LOG_INFO: return "info";
	case LOG_WARN: return "warn";
	case LOG_ERROR: return "error";
	}
	return "info";
}

/* Code points that move the cursor or reorder text rather than print. */
static bool cp_is_control(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069) || cp == 0x2028 || cp == 0x2029;
}

/* Appends s escaped for the given format. In text, \ and " are escaped too
 * (the value will be quoted). In JSON, C0 controls are left for the encoder
 * (it writes \u001b), everything else unsafe is escaped here. Returns true if
 * anything was escaped. */
static bool log_escape(struct sbuf *out, const char *s, bool json)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);
	bool escaped = false;
	for (size_t i = 0; i < n;) {
		unsigned c = p[i];
		if (c < 0x20 || c == 0x7f) {
			if (json && c != 0x7f) {
				sbuf_addc(out, (char)c);
			} else if (c == '\n') {
				sbuf_adds(out, "\\n");
			} else if (c == '\t') {
				sbuf_adds(out, "\\t");
			} else if (c == '\r') {
				sbuf_adds(out, "\\r");
			} else {
				sbuf_printf(out, "\\x%02x", c);
			}
			escaped = true;
			i++;
		} else if (c < 0x80) {
			if (!json && (c == '"' || c == '\\')) {
				sbuf_addc(out, '\\');
				escaped = true;
			}
			sbuf_addc(out, (char)c);
			i++;
		} else {
			uint32_t cp;
			size_t len = utf8_char(p + i, n - i, &cp);
			if (len == 0) {
				sbuf_printf(out, "\\x%02x", c);
				escaped = true;
				i++;
			} else if (cp_is_control(cp)) {
				sbuf_printf(out, "\\u%04x", cp);
				escaped = true;
				i += len;
			} else {
				sbuf_add(out, p + i, len);
				i += len;
			}
		}
	}
	return escaped;
}

bool log_text_clean(const char *s)
{
	/* JSON mode escapes neither quotes nor backslashes, only real trouble. */
	struct sbuf tmp = SBUF_INIT;
	bool escaped = log_escape(&tmp, s, true);
	sbuf_free(&tmp);
	return !escaped;
}

/* Secrets are scrubbed from each value before escaping (escaping would hide
 * a secret containing a quote from the final whole-line scrub). */
static void scrubbed(struct sbuf *tmp, const char *v)
{
	sbuf_reset(tmp);
	sbuf_adds(tmp, v ? v : "");
	secret_scrub(tmp);
}

static void text_value(struct sbuf *b, struct sbuf *tmp, const char *v, bool force_quote)
{
	struct sbuf e = SBUF_INIT;
	scrubbed(tmp, v);
	bool quote = log_escape(&e, sbuf_str(tmp), false) || force_quote || tmp->len == 0 ||
		     strpbrk(sbuf_str(tmp), " =") != NULL;
	if (quote)
		sbuf_addc(b, '"');
	sbuf_add(b, sbuf_str(&e), e.len);
	if (quote)
		sbuf_addc(b, '"');
	sbuf_free(&e);
}

static void format_ts(char *buf, size_t n, int64_t ts_ns)
{
	time_t sec = (time_t)(ts_ns / 1000000000);
	int ms = (int)(ts_ns / 1000000 % 1000);
	struct tm tm;
	gmtime_r(&sec, &tm);
	char date[32];
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, n, "%s.%03dZ", date, ms);
}

static void format_text(struct sbuf *b, const char *ts, enum log_level level,
			const char *event, const char *const *kv, size_t nkv, const char *msg)
{
	struct sbuf tmp = SBUF_INIT;
	sbuf_printf(b, "%s level=%s event=", ts, log_level_name(level));
	text_value(b, &tmp, event, false);
	for (size_t i = 0; i < nkv; i++) {
		sbuf_addc(b, ' ');
		/* Keys are the caller's constants; escape anyway, never quote. */
		struct sbuf k = SBUF_INIT;
		log_escape(&k, kv[2 * i] ? kv[2 * i] : "", false);
		for (char *p = k.s; p && *p; p++)
			if (*p == ' ' || *p == '=' || *p == '"')
				*p = '_';
		sbuf_adds(b, sbuf_str(&k));
		sbuf_free(&k);
		sbuf_addc(b, '=');
		text_value(b, &tmp, kv[2 * i + 1], false);
	}
	if (msg) {
		sbuf_adds(b, " msg=");
		text_value(b, &tmp, msg, true);
	}
	sbuf_free(&tmp);
}

static void json_set(json_t *o, struct sbuf *tmp, const char *key, const char *v)
{
	struct sbuf k = SBUF_INIT, e = SBUF_INIT;
	log_escape(&k, key ? key : "", true);
	scrubbed(tmp, v);
	log_escape(&e, sbuf_str(tmp), true);
	json_object_set_new(o, sbuf_str(&k), json_string(sbuf_str(&e)));
	sbuf_free(&k);
	sbuf_free(&e);
}

static void format_json(struct sbuf *b, const char *ts, enum log_level level,
			const char *event, const char *const *kv, size_t nkv, const char *msg)
{
	struct sbuf tmp = SBUF_INIT;
	json_t *o = json_object();
	json_object_set_new(o, "ts", json_string(ts));
	json_object_set_new(o, "level", json_string(log_level_name(level)));
	json_set(o, &tmp, "event", event);
	for (size_t i = 0; i < nkv; i++)
		json_set(o, &tmp, kv[2 * i], kv[2 * i + 1]);
	if (msg)
		json_set(o, &tmp, "msg", msg);
	char *s = json_dumps(o, JSON_COMPACT);
	if (s) {
		sbuf_adds(b, s);
		free(s);
	}
	json_decref(o);
	sbuf_free(&tmp);
}

void log_format_line(struct sbuf *b, enum log_format format, int64_t ts_ns,
		     enum log_level level, const char *event,
		     const char *const *kv, size_t nkv, const char *msg)
{
	char ts[64];
	format_ts(ts, sizeof(ts), ts_ns);
	if (format == LOG_FORMAT_JSON)
		format_json(b, ts, level, event, kv, nkv, msg);
	else
		format_text(b, ts, level, event, kv, nkv, msg);
	secret_scrub(b);
	sbuf_addc(b, '\n');
}

static void log_emit(enum log_level level, const char *event,
		     const char *const *kv, size_t nkv, const char *msg)
{
	struct sbuf b = SBUF_INIT;
	pthread_mutex_lock(&sink_lock);
	int fd = sink_fd;
	enum log_format format = sink_format;
	if (fd >= 0) {
		log_format_line(&b, format, now_ns(), level, event, kv, nkv, msg);
		(void)write_all(fd, b.s, b.len);
	}
	pthread_mutex_unlock(&sink_lock);
	sbuf_free(&b);
}

void log_msg(enum log_level level, const char *event, const char *fmt, ...)
{
	if ((int)level < atomic_load(&min_level))
		return;
	struct sbuf m = SBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	sbuf_vprintf(&m, fmt, ap);
	va_end(ap);
	log_emit(level, event, NULL, 0, sbuf_str(&m));
	sbuf_free(&m);
}

void log_kv(enum log_level level, const char *event, const char *msg, ...)
{
	if ((int)level < atomic_load(&min_level))
		return;
	const char *kv[64];
	size_t n = 0;
	va_list ap;
	va_start(ap, msg);
	for (;;) {
		const char *k = va_arg(ap, const char *);
		if (!k)
			break;
		const char *v = va_arg(ap, const char *);
		if (n + 2 <= ARRAY_LEN(kv)) {
			kv[n++] = k;
			kv[n++] = v;
		}
	}
	va_end(ap);
	log_emit(level, event, kv, n / 2, msg);
}
