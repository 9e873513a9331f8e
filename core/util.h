/*
 * util.h — allocation, time and growable-buffer helpers shared by every module.
 *
 * Ownership: x*alloc return memory the caller frees with free(); they abort on
 * out-of-memory (a console that cannot allocate cannot do anything useful).
 * struct sbuf owns its bytes; sbuf_free() releases them, sbuf_steal() hands
 * them to the caller.
 * Thread safety: all functions are safe from any thread.
 */
#ifndef SOCTERM_UTIL_H
#define SOCTERM_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
/* Grows an array to hold at least `want` elements of `size` bytes; *cap updated. */
void *xgrow(void *p, size_t *cap, size_t want, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Returns a new string formatted like printf; the caller frees it. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints "socterm: <msg>" to stderr and exits with `code`. Start-up only. */
void die(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));

/* Clocks, in nanoseconds. */
int64_t now_ns(void);      /* CLOCK_REALTIME */
int64_t mono_ns(void);     /* CLOCK_MONOTONIC */

/* A growable byte buffer, always NUL-terminated (len excludes the NUL). */
struct sbuf {
	char *s;
	size_t len;
	size_t cap;
};
#define SBUF_INIT { NULL, 0, 0 }
void sbuf_add(struct sbuf *b, const void *p, size_t n);
void sbuf_addc(struct sbuf *b, char c);
void sbuf_adds(struct sbuf *b, const char *s);
void sbuf_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sbuf_vprintf(struct sbuf *b, const char *fmt, va_list ap);
void sbuf_reset(struct sbuf *b);              /* len = 0, keeps the memory */
void sbuf_free(struct sbuf *b);
char *sbuf_steal(struct sbuf *b);             /* caller frees; b becomes empty */
const char *sbuf_str(const struct sbuf *b);   /* "" when empty, never NULL */

/* Parses "90s", "15m", "2h", "7d", "500ms" (and a bare number of seconds).
 * Returns 0 and sets *ns, or -1 on a malformed duration. */
int parse_duration(const char *s, int64_t *ns);
/* Parses a byte size such as "512M", "2G", "4096". Returns 0 or -1. */
int parse_size(const char *s, int64_t *bytes);

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
int64_t days_from_civil(int64_t y, unsigned m, unsigned d);

/* Value of a hexadecimal digit, or -1. */
int hexval(int c);

/* Case-insensitive ASCII compare of two counted strings. */
bool strieq_n(const char *a, size_t alen, const char *b, size_t blen);

/* Writes the whole buffer, retrying on EINTR and short writes. 0 or -1 (errno). */
int write_all(int fd, const void *p, size_t n);

/* Creates a directory and its parents with `mode` (existing ones untouched). */
int mkdir_p(const char *path, unsigned mode);

#endif
